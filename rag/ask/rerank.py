"""Rerank and gate: decide, before any model call, whether the retrieved passages can answer.

Similarity alone cannot tell "how many migrants did Mexico stop in March?" (answerable) from
"... in 2025?" (the articles never mention 2025). The gate therefore checks that the question's
salient terms are covered by the top passages:

- hard terms: every number/year and month, and every name (capitalised word or acronym) of the
  question must occur in the candidate sentences (one miss allowed for questions naming 4+ names);
- soft terms: the best sentence window (a sentence with its paragraph neighbours) must cover
  at least ``min_window_coverage`` of the question's content words, weighted by IDF over the
  corpus sentences (stems and long common prefixes count: Mexico/Mexican, deport/deportation).

The thresholds are calibrated on tests/integration/ask_dev_questions.jsonl.
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.ask import lexical as lx
from rag.ask.evidence import SentenceIndex, Sentence, lexical_coverage, window

MIN_WINDOW_COVERAGE = 0.5
MIN_DENSE = 0.2


@dataclass(frozen=True)
class GateDecision:
    answerable: bool
    reason: str
    coverage: float = 0.0
    best: Sentence | None = None


def gate(terms: lx.QuestionTerms, ranked: list[Sentence], index: SentenceIndex, idf: lx.Idf,
         min_window_coverage: float = MIN_WINDOW_COVERAGE, min_dense: float = MIN_DENSE,
         top: int = 8) -> GateDecision:
    if not ranked:
        return GateDecision(False, "no passage was retrieved")
    vocab: set[str] = set()
    all_numbers: set[float] = set()
    all_months: set[int] = set()
    for s in ranked:
        vocab |= {lx.stem(w) for w in lx.words(lx.normalise_aliases(s.text))}
        all_numbers |= lx.numbers(s.text)
        all_months |= lx.months(s.text)
    missing_numbers = [n for n in terms.numbers if not lx.number_supported(n, all_numbers)]
    if missing_numbers:
        return GateDecision(False, "the passages never mention " + ", ".join(f"{n:g}" for n in missing_numbers))
    if terms.months - all_months:
        return GateDecision(False, "the passages never mention the month asked about")
    missing_names = [n for n in terms.names if not lx.covered(n, vocab)]
    if len(missing_names) > (1 if len(terms.names) >= 4 else 0):
        return GateDecision(False, "the passages never mention " + ", ".join(missing_names))
    best_cov, best_sent = 0.0, None
    for s in ranked[:top]:
        stems: set[str] = set()
        for w in window(s, ranked, index):
            stems |= w.stems
        cov = lexical_coverage(terms, frozenset(stems), idf)
        if cov > best_cov:
            best_cov, best_sent = cov, s
    if terms.content and best_cov < min_window_coverage:
        return GateDecision(False, f"no passage covers the question (coverage {best_cov:.2f})", best_cov, best_sent)
    if max(s.dense for s in ranked) < min_dense:
        return GateDecision(False, "no passage is similar enough to the question", best_cov, best_sent)
    return GateDecision(True, "ok", best_cov, best_sent)
