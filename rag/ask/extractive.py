"""Model-free answers: quote the best supporting sentence verbatim, cited.

Used when ``llm.provider = extractive``, and as the fallback when the model fails or nothing it
wrote verifies although the gate found the question answerable.
"""

from __future__ import annotations

from rag.ask import lexical as lx
from rag.ask.evidence import Sentence, kind_fit, lexical_coverage, window, SentenceIndex

MIN_SENTENCE_COVERAGE = 0.34


def best_sentences(terms: lx.QuestionTerms, ranked: list[Sentence], index: SentenceIndex, idf: lx.Idf,
                   max_sentences: int = 2, close: float = 0.85) -> list[Sentence]:
    """The best qualifying sentence, plus the next qualifying one when it scores nearly as well (the two
    best candidates often split the answer: "... the Merida Initiative ..." / "X replaced the Merida Initiative")."""
    out: list[Sentence] = []
    pool = list(ranked)
    while len(out) < max_sentences:
        s = best_sentence(terms, pool, index, idf)
        if s is None or (out and s.score < close * out[0].score):
            break
        out.append(s)
        pool = [p for p in pool if p is not s]
    return out


def best_sentence(terms: lx.QuestionTerms, ranked: list[Sentence], index: SentenceIndex, idf: lx.Idf,
                  min_coverage: float = MIN_SENTENCE_COVERAGE, top: int = 10) -> Sentence | None:
    """The highest-ranked sentence that holds the kind of thing asked (a number for "how many", a date for
    "when", a name for "who"), whose paragraph window covers the question's terms, and that contains the
    question's numbers; None when no sentence qualifies."""
    for s in ranked[:top]:
        if not kind_fit(terms.kind, s.text, terms):
            continue
        if terms.numbers:
            # the number may sit in a neighbouring sentence of the same paragraph; a year may be implied
            # by the article's date ("in March" in a May 2024 article)
            near = " ".join(w.text for w in window(s, ranked, index))
            if not lx.supports_numbers(terms.numbers, near, s.chunk.published):
                continue
        if terms.months and not lx.supports_months(terms.months, " ".join(w.text for w in window(s, ranked, index)),
                                                   s.chunk.published):
            continue
        stems: set[str] = set(s.stems)
        for w in window(s, ranked, index):
            stems |= w.stems
        if lexical_coverage(terms, frozenset(stems), idf) < min_coverage and s.lexical < min_coverage:
            continue
        return s
    return None
