"""Decompose: a question that asks two things becomes its parts.

"How many migrants did Border Patrol apprehend in November 2023, and how many did CBP process in
December 2023?" asks for two figures that usually sit in different sentences, often in different
articles. Searched as one, neither sentence covers the whole question and the refusal gate rightly
says no single passage answers it. Split, each part is searched, gated and answered on its own,
and the answer joins the parts, each with its own citation.

Only clear cases are split: ", and <question word> ..." / " and <how many|what|which|who> ..." after a
question that already has its own question word, or two questions each ending in "?". "Who was
president both when X and when Y?" and "between X and Y" stay whole. A part that leans on the first
("... and when was it announced?") gets the first part's terms, as a follow-up in a chat would.
"""

from __future__ import annotations

import re

from rag.ask import lexical as lx
from rag.ask.condense import needs_rewrite

MAX_PARTS = 3
_QWORD = r"(?:how\s+(?:many|much|long|often)|what|which|who|whom|whose|when|where|why|how)"
# ", and when ..." (comma) may start with any question word; without the comma only the ones that rarely
# open a subordinate clause ("... in El Paso in 2021 and when Blinken visited ..." stays whole)
_SPLIT = re.compile(rf",\s*(?:and|but)\s+(?={_QWORD}\b)|\s+and\s+(?=(?:how\s+(?:many|much)|what|which|who)\b)",
                    re.IGNORECASE)
_STARTS_WITH_QWORD = re.compile(rf"^\s*(?:(?:and|but|so)\s+)?(?:according\s+to\b[^,]*,\s*)?"
                                rf"(?:{_QWORD}|did|does|do|is|are|was|were|has|have|had|can|could)\b", re.IGNORECASE)
_NO_SPLIT = re.compile(r"\b(?:both|between|either|neither|compare|compared|difference)\b", re.IGNORECASE)


def split_question(question: str) -> list[str]:
    """The parts of a question that asks several things, each a question of its own; [question] otherwise."""
    text = " ".join(question.split())
    sentences = [s for s in re.split(r"(?<=\?)\s+(?=\S)", text) if s.strip()]
    if len(sentences) > 1 and not all(s.rstrip().endswith("?") for s in sentences):
        sentences = [text]            # "How do X and Y compare? Give both figures." stays whole
    parts: list[str] = []
    for sentence in sentences:
        if _NO_SPLIT.search(sentence) or not _STARTS_WITH_QWORD.match(sentence):
            parts.append(sentence)
            continue
        pieces = [p.strip(" ,") for p in _SPLIT.split(sentence) if p.strip(" ,")]
        if len(pieces) > 1 and all(len(lx.words(p)) >= 3 for p in pieces):
            parts += pieces
        else:
            parts.append(sentence)
    if len(parts) < 2 or len(parts) > MAX_PARTS:
        return [text]
    out = [_as_question(parts[0])]
    for part in parts[1:]:
        part = _as_question(part)
        history = [{"role": "user", "content": out[0]}]
        out.append(_with_subject(part, out[0]) if needs_rewrite(part, history) else part)
    return out


def _with_subject(part: str, first: str) -> str:
    """``part`` plus the words of ``first`` it lacks, but not its numbers, years or months: those qualify
    what the first part asks ("in March 2024"), not what the second asks about."""
    own = set(lx.content_stems(lx.normalise_aliases(part)))
    extra = []
    # whole words as written: "U.S." stays one ("U S" would be two names the passages never mention)
    for w in (re.sub(r"['’]s$", "", t.strip("?!,;:()[]\"“”'‘’")) for t in first.split()):
        f = lx.fold(w)
        if not f or not f[0].isalnum() or f in lx.STOPWORDS or f in lx.QUESTION_WORDS or f[0].isdigit() \
                or f.rstrip(".") in lx.MONTHS or f in lx.WEEKDAYS or lx.stem(f) in own or w in extra:
            continue
        extra.append(w)
    return f"{part.rstrip('?')} ({' '.join(extra)})?" if extra else part


def _as_question(part: str) -> str:
    part = part.strip()
    part = part[0].upper() + part[1:]
    return part if part.endswith("?") else part.rstrip(".") + "?"
