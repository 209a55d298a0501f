"""Model-free answers: quote the best supporting sentence verbatim, cited.

Used when ``llm.provider = extractive``, and as the fallback when the model fails or nothing it
wrote verifies although the gate found the question answerable.
"""

from __future__ import annotations

from rag.ask import lexical as lx
from rag.ask.evidence import Sentence, kind_fit, lexical_coverage, window, SentenceIndex

MIN_SENTENCE_COVERAGE = 0.34


def best_sentence(terms: lx.QuestionTerms, ranked: list[Sentence], index: SentenceIndex, idf: lx.Idf,
                  min_coverage: float = MIN_SENTENCE_COVERAGE, top: int = 10) -> Sentence | None:
    """The highest-ranked sentence that holds the kind of thing asked (a number for "how many", a date for
    "when", a name for "who"), whose paragraph window covers the question's terms, and that contains the
    question's numbers; None when no sentence qualifies."""
    for s in ranked[:top]:
        if not kind_fit(terms.kind, s.text):
            continue
        if terms.numbers and not all(lx.number_supported(n, lx.numbers(s.text)) for n in terms.numbers):
            # the number may sit in a neighbouring sentence of the same paragraph
            near = " ".join(w.text for w in window(s, ranked, index))
            if not all(lx.number_supported(n, lx.numbers(near)) for n in terms.numbers):
                continue
        stems: set[str] = set(s.stems)
        for w in window(s, ranked, index):
            stems |= w.stems
        if lexical_coverage(terms, frozenset(stems), idf) < min_coverage and s.lexical < min_coverage:
            continue
        return s
    return None
