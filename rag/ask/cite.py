"""Citation markers: parse ``[n]``, ``[n, m]`` and ``[n][m]`` in a draft answer, split it into
sentences with the markers each one carries, and bind a marker to its source: chunk, article,
character span and the verbatim quote ``article.text[start:end]``.

Markers that point at no source are dropped, never shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.ask import text as tx
from rag.ask.evidence import Sentence, Source
from rag.ask.prompt import NO_ANSWER
from rag.types import Citation

MARKER = re.compile(r"\[\s*(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\s*\]")
_MARKER_RUN = re.compile(r"(?:\s*\[\s*\d{1,3}(?:\s*[,;]\s*\d{1,3})*\s*\])+")

_REFUSAL = re.compile(
    r"\b(do(es)? not (say|mention|contain|provide|specify|state|include|give)|"
    r"no (information|mention|answer|data)|not (mentioned|specified|provided|stated|available|given)|"
    r"cannot (answer|determine|find|be determined)|can't (answer|determine)|unable to (answer|determine|find)|"
    r"there is no|isn't mentioned|is not clear from)\b", re.IGNORECASE)


@dataclass
class DraftSentence:
    text: str                          # the sentence without markers
    markers: list[int] = field(default_factory=list)   # as written by the model (may point at nothing)


def markers_in(text: str) -> list[int]:
    out: list[int] = []
    for m in MARKER.finditer(text):
        for n in re.split(r"\s*[,;]\s*", m.group(1)):
            if n and int(n) not in out:
                out.append(int(n))
    return out


def is_no_answer(draft: str) -> bool:
    """The model declined: the fixed token, or a plain "the sources do not say" sentence and nothing else."""
    text = draft.strip()
    if not text:
        return True
    if re.search(r"\bNO[_ ]ANSWER\b", text, re.IGNORECASE):
        return True
    sentences = tx.split_sentences(tx.strip_markers(text).replace("\n", " "))
    return bool(sentences) and all(_REFUSAL.search(s.text) for s in sentences)


# The prompt's own words for a citation, as a model writes them around a marker ("..., from passage [1].",
# "according to [2]", "(see passage 1)"): the marker stays, the words go. They are the prompt's vocabulary,
# not the articles'.
_CITING_WORDS = re.compile(
    r"[,;]?\s*\(?\b(?:(?:which|that|as)\s+(?:is\s+|are\s+|was\s+)?(?:mentioned|stated|said|given|found|written|"
    r"reported)\s+in|(?:which|that|as)\s+(?:comes?|came)(?:\s+from)?|"
    r"(?:as\s+)?(?:stated|mentioned|said|reported|given|found)\s+in|according\s+to|which\s+is|from|"
    r"in|see|per)(?:\s+(?:the\s+)?(?:passages?|sources?)(?:\s*(\d{1,3})\b\)?)?)?(?=\s*(?:\[|[.!?]\s*$|$))",
    re.IGNORECASE)
_DANGLING = re.compile(r"[,;]?\s+\b(?:from|in|at|of|by|which is|according to|to)\s*(?=(?:\s*\[[\d,; ]+\])*\s*[.!?]?\s*$)",
                       re.IGNORECASE)


# Stems of the answer prompt's own words for where an answer comes from. A draft sentence made of nothing else
# ("It comes from passage [1].", "This passage is [1].", echoing the prompt's "the passage it comes from") says
# nothing about the articles: its marker goes to the sentence before, the sentence goes.
_CITING_STEMS = frozenset(tx.content_stems("comes came taken passage passages source sources answer sentence number "
                                           "article information text"))


def _only_cites(plain: str) -> bool:
    stems = set(tx.content_stems(plain))
    return bool(stems) and stems <= _CITING_STEMS and not tx.numbers(plain)


def clean_draft(draft: str) -> str:
    text = draft.strip()
    text = re.sub(r"^\s*(answer|response)\s*:\s*", "", text, flags=re.IGNORECASE)
    text = re.sub(r"[*_`#]+", "", text)                 # markdown emphasis the model sometimes adds
    text = re.sub(r"\s*\n+\s*", " ", text)
    text = _CITING_WORDS.sub(lambda m: f" [{m.group(1)}]" if m.group(1) else "", text)
    text = re.sub(r"\(\s*(\[\d{1,3}\])\s*\)", r"\1", text)     # "([1])" -> "[1]"
    text = _DANGLING.sub("", text)
    text = re.sub(r"\s*,\s*(?=(?:\s*\[[\d,; ]+\])*\s*[.!?]\s*$)", "", text)   # "Managua, [1]." -> "Managua [1]."
    return text.strip()


def parse_draft(draft: str) -> list[DraftSentence]:
    """Sentences of the draft with their markers.

    Markers normally follow the sentence they support ("... in 2019 [2]." or "... in 2019. [2]"). When
    the draft *starts* with a marker the model is writing them in front ("[1] Mexico deployed ..."),
    and each marker then belongs to the sentence after it.
    """
    text = clean_draft(draft)
    if not text:
        return []
    leading = bool(re.match(r"\s*\[\s*\d", text))
    if not leading:
        # "sentence. [1] Next" -> "sentence [1]. Next": a marker after the full stop still belongs before it
        text = re.sub(r"([.!?])((?:\s*\[\s*\d{1,3}(?:\s*[,;]\s*\d{1,3})*\s*\])+)", r"\2\1", text)
    # protect markers from the sentence splitter by spacing them as words
    text = re.sub(r"\]\s*(?=[A-Z])", "] ", text)
    # a marker and a full stop end a sentence in the format the prompt asks for, whatever follows
    text = re.sub(r"(\]\s*[.!?])\s+(?=\S)", "\\1\n\n", text)
    pieces = tx.split_sentences(text)
    out: list[DraftSentence] = []
    carry: list[int] = []
    for piece in pieces:
        s = piece.text
        if leading:
            head = re.match(r"^(?:\s*\[\s*\d{1,3}(?:\s*[,;]\s*\d{1,3})*\s*\])+", s)
            own = markers_in(head.group()) if head else []
            # markers at the end of a leading-style sentence introduce the next one
            tail = re.search(r"(?:\s*\[\s*\d{1,3}(?:\s*[,;]\s*\d{1,3})*\s*\])+\s*$", s[head.end() if head else 0:])
            body = s
            nxt: list[int] = []
            if tail and tx.strip_markers(s[: len(s) - len(tail.group())]).strip():
                nxt = markers_in(tail.group())
                body = s[: len(s) - len(tail.group())]
            marks = carry + [m for m in own if m not in carry]
            carry = nxt
            if not marks:
                marks = markers_in(body)
        else:
            marks = markers_in(s)
            body = s
        plain = tx.strip_markers(body).strip()
        if not re.search(r"\w", plain) or _only_cites(plain):
            if out and marks:   # a stray marker on its own: attach to the previous sentence
                out[-1].markers += [m for m in marks if m not in out[-1].markers]
            continue
        out.append(DraftSentence(text=plain, markers=marks))
    if carry and out:
        out[-1].markers += [m for m in carry if m not in out[-1].markers]
    return out


def valid_markers(markers: list[int], sources: list[Source]) -> list[int]:
    numbers = {s.number for s in sources}
    return [m for m in markers if m in numbers]


def make_citation(marker: int, source: Source, quote: Sentence, supported: bool = True) -> Citation:
    chunk = source.chunk
    return Citation(marker=marker, doc_id=quote.doc_id, title=chunk.title, outlet=chunk.outlet,
                    published=chunk.published, url=chunk.url, chunk_id=quote.chunk.chunk_id, start=quote.start,
                    end=quote.end, quote=quote.text, supported=supported, title_derived=chunk.title_derived,
                    copies=tuple(getattr(chunk, "copies", ()) or ()))


def render_sentence(text: str, markers: list[int]) -> str:
    """``text`` with its markers before the final punctuation: "Mexico sent 6,000 troops [1]."."""
    body = text.rstrip()
    tail = ""
    m = re.search(r"[.!?]+[\"'”’)]*$", body)
    if m:
        body, tail = body[: m.start()].rstrip(), body[m.start():]
    marks = "".join(f"[{n}]" for n in markers)
    return f"{body} {marks}{tail or '.'}" if marks else f"{body}{tail or '.'}"
