"""Verify: the generic guards every drafted sentence must pass, whatever model wrote it.

1. Its ``[n]`` markers must point at numbered sources; markers pointing at nothing are dropped. A sentence the
   model left unmarked is bound to the one source that supports it, if any.
2. Every number (years included), month and name in the sentence must be written in a source it cites (or in
   the question itself): a figure, a date or a name the sources do not hold is never shown as theirs.
3. Enough of the sentence's other words must be in the sources it cites (``MIN_SUPPORT``): a sentence no
   source supports is removed and listed apart.

4. Taken together, the kept sentences must say something the question does not: a draft that only restates the
   question ("The French industry minister is behind the plan ...") is no answer, whatever it cites. A reply
   that starts with yes or no answers a yes/no question by restating it, and is kept.

These checks need no list of paraphrases: they compare what can be compared exactly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rag.ask import text as tx
from rag.ask.evidence import Sentence, Source

MIN_SUPPORT = 0.5          # share of the sentence's own content stems found in the sources it cites


@dataclass
class Checked:
    text: str
    sources: list[Source] = field(default_factory=list)
    quotes: list[Sentence] = field(default_factory=list)   # per cited source, its sentence closest to the text
    supported: bool = False
    reason: str = ""


@dataclass(frozen=True)
class _Facts:
    numbers: frozenset[str]
    months: frozenset[str]
    names: frozenset[str]
    stems: frozenset[str]
    folded: frozenset[str]


def _facts(text: str) -> _Facts:
    return _Facts(frozenset(tx.numbers(text)), frozenset(tx.months(text)), frozenset(tx.names(text)),
                  frozenset(tx.content_stems(text)), frozenset(tx.fold(w).strip(".-") for w in tx.words(text)))


def _source_text(src: Source) -> str:
    return f"{src.chunk.title or ''}\n{src.text}"


def unsupported_facts(sentence: str, cited: Sequence[Source], question: str = "") -> list[str]:
    """The numbers, months and names of ``sentence`` that neither its cited sources nor the question hold."""
    own = _facts(sentence)
    have = _facts(question + "\n" + "\n".join(_source_text(s) for s in cited))
    missing = sorted(own.numbers - have.numbers) + sorted(own.months - have.months)
    missing += sorted(n for n in own.names - have.names if not tx.name_found(n, set(have.folded), set(have.stems)))
    return missing


def support(sentence: str, cited: Sequence[Source], question: str = "") -> float:
    """Share of the sentence's content stems (beyond the question's) that the cited sources hold."""
    q = set(tx.content_stems(question))
    own = [t for t in dict.fromkeys(tx.content_stems(sentence)) if t not in q]
    if not own:
        return 1.0
    have = set().union(*(set(tx.content_stems(_source_text(s))) for s in cited)) if cited else set()
    return sum(t in have for t in own) / len(own)


def _closest(sentence: str, src: Source, question: str = "") -> Sentence:
    """The source's sentence to quote for ``sentence``: the one holding most of what the sentence adds to the
    question (its numbers and words the question lacks: the answer), then most of its words, then the best
    ranked. A drafted answer often restates the question, and a quote that only matches the restatement would
    not show the cited fact."""
    stems = set(tx.content_stems(sentence))
    nums = tx.numbers(sentence)
    new_stems, new_nums = stems - set(tx.content_stems(question)), nums - tx.numbers(question)

    def key(s: Sentence) -> tuple:
        s_nums = tx.numbers(s.text)
        return (len(new_stems & s.stems) + 2 * len(new_nums & s_nums), len(stems & s.stems) + 2 * len(nums & s_nums),
                s.score)
    return max(src.sentences, key=key)


def check_sentence(text: str, markers: Sequence[int], sources: Sequence[Source], question: str = "") -> Checked:
    by_number = {s.number: s for s in sources}
    cited = [by_number[m] for m in dict.fromkeys(markers) if m in by_number]
    if not cited:
        # unmarked: bind it to the one source that holds all its facts and most of its words, if any
        fits = [s for s in sources if not unsupported_facts(text, [s], question)
                and support(text, [s], question) >= MIN_SUPPORT]
        if fits:
            cited = [max(fits, key=lambda s: support(text, [s], question))]
        else:
            # a sentence joining two sources ("IBM's contract was 120.3 mln dlrs and Grumman's 109.1 mln"): the
            # sources that hold any of its facts or words, together
            own = set(tx.content_stems(text)) | tx.numbers(text)
            cited = [s for s in sources if own & (set(tx.content_stems(_source_text(s))) | tx.numbers(s.text))]
            if len(cited) < 2 or unsupported_facts(text, cited, question) or support(text, cited, question) < MIN_SUPPORT:
                return Checked(text, reason="no source is cited and none supports it")
    missing = unsupported_facts(text, cited, question)
    if missing:
        return Checked(text, cited, reason="not in the cited sources: " + ", ".join(missing))
    share = support(text, cited, question)
    if share < MIN_SUPPORT:
        return Checked(text, cited, reason=f"the cited sources hold {share:.0%} of its words")
    return Checked(text, cited, [_closest(text, s, question) for s in cited], supported=True)


_YES_NO = re.compile(r"^\W*(?:yes|no)\b", re.IGNORECASE)


def adds_to_question(sentences: Sequence[str], question: str) -> bool:
    """Whether the sentences hold a number or content word the question does not (or open with yes/no)."""
    if sentences and _YES_NO.match(sentences[0]):
        return True
    q = _facts(question)
    for t in sentences:
        own = _facts(t)
        if (own.numbers - q.numbers) or (own.stems - q.stems) or (_capitalised(t) - q.folded):
            return True
    return False


def _capitalised(text: str) -> set[str]:
    """Words written with a capital after the first, folded, however short or common ("Nevi AS", "C and C")."""
    return {tx.fold(w).strip(".-") for w in tx.words(text)[1:] if w[:1].isupper()} - {""}


def verify_sentences(drafts: Sequence[tuple[str, Sequence[int]]], sources: Sequence[Source],
                     question: str = "") -> list[Checked]:
    return [check_sentence(text, markers, sources, question) for text, markers in drafts]
