"""Rerank and gate: decide, before any model call, whether the retrieved passages can answer.

Similarity alone cannot tell "how many migrants did Mexico stop in March?" (answerable) from
"... in 2025?" (the articles never mention 2025). The gate therefore checks that the question's
salient terms are covered by the top passages:

- hard terms: every number/year and month, and every name (capitalised word or acronym) of the
  question must occur in the candidate sentences (one miss allowed for questions naming 4+ names);
- soft terms: the best sentence window (a sentence with its paragraph neighbours) must cover
  at least ``min_window_coverage`` of the question's content words, weighted by IDF over the
  corpus sentences (stems and long common prefixes count: Mexico/Mexican, deport/deportation),
  and at least ``min_plain_coverage`` of its words that are not names: what is asked about the
  named things ("the *salary* of the director of X" fails when only X is mentioned).

The thresholds are calibrated on tests/integration/ask_dev_questions.jsonl.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rag.ask import lexical as lx
from rag.ask.evidence import SentenceIndex, Sentence, context, earlier_text, lexical_coverage, nearby_text

MIN_WINDOW_COVERAGE = 0.35
MIN_PLAIN_COVERAGE = 0.3
MIN_DENSE = 0.2
GATE_WINDOW_CHARS = 600      # a long sentence's paragraph neighbours count too
MIN_UNKNOWN_COVERAGE = 0.4
SPEAKER_PLAIN_FACTOR = 0.5
MIN_UNKNOWN_DENSE = 0.6


@dataclass(frozen=True)
class GateDecision:
    answerable: bool
    reason: str
    coverage: float = 0.0
    best: Sentence | None = None


def gate(terms: lx.QuestionTerms, ranked: list[Sentence], index: SentenceIndex, idf: lx.Idf,
         min_window_coverage: float = MIN_WINDOW_COVERAGE, min_dense: float = MIN_DENSE,
         min_plain_coverage: float = MIN_PLAIN_COVERAGE,
         top: int = 8) -> GateDecision:
    if not ranked:
        return GateDecision(False, "no passage was retrieved")
    vocab: set[str] = set()
    all_months: set[int] = set()
    for s in ranked:
        vocab |= {lx.stem(w) for w in lx.words(lx.normalise_aliases(s.text))}
        all_months |= lx.months(s.text)
    missing_numbers = [n for n in terms.numbers
                       if not any(lx.supports_numbers([n], s.text, s.chunk.published) for s in ranked)]
    if missing_numbers:
        return GateDecision(False, "the passages never mention " + ", ".join(f"{n:g}" for n in missing_numbers))
    if terms.months - all_months and not any(lx.supports_months(terms.months, s.text, s.chunk.published)
                                             for s in ranked):
        return GateDecision(False, "the passages never mention the month asked about")
    missing_names = [n for n in terms.names if not lx.covered(n, vocab)]
    if len(missing_names) > (1 if len(terms.names) >= 4 else 0):
        return GateDecision(False, "the passages never mention " + ", ".join(missing_names))
    best_cov, best_sent, best_key = 0.0, None, (False, -1.0, -1.0)
    best_plain = 0.0
    found_hard = False
    for s in ranked[:top]:
        ctx = context(s, ranked, index, max_chars=GATE_WINDOW_CHARS)
        stems = ctx.stems
        if terms.numbers or terms.months:
            # the question's numbers, years and months qualify what it asks: they must occur together with it
            text = ctx.text
            if not (lx.supports_numbers(terms.numbers, text, s.chunk.published)
                    and lx.supports_months(terms.months, text, s.chunk.published)):
                continue
        found_hard = True
        cov = lexical_coverage(terms, frozenset(stems), idf)
        plain = lexical_coverage(terms, frozenset(stems), idf, names=False)
        if terms.speaker and lx.attributed_to(terms.speaker, s.text, nearby_text(s, index), earlier_text(s, index)):
            # "what did X say would happen ...": X's own words answer, in words of their own; who X is
            # ("Amnesty International USA's Amy Fischer") is settled by the attribution
            said = terms.said()
            cov = max(cov, lexical_coverage(said, frozenset(stems), idf))
            asked = [t for t in said.content if t not in said.names and t not in lx.LIGHT_WORDS]
            plain = 1.0 if not asked else min(1.0, max(plain, lexical_coverage(said, frozenset(stems), idf,
                                                                               names=False)) / SPEAKER_PLAIN_FACTOR)
        if lx.wants_name(terms) and terms.focus and not lx.asks_place(terms) and lx.gives_name(s.text, terms):
            # "which organization is Amy Fischer with": the name given ("Amnesty International USA") is the
            # organization; what else is asked of it must still be said
            plain = max(plain, lexical_coverage(replace(terms, content=tuple(t for t in terms.content
                                                                              if t != terms.focus)),
                                                frozenset(stems), idf, names=False))
        # the best candidate: one that covers the question well enough on both counts, if any
        key = (cov >= min_window_coverage and plain >= min_plain_coverage, min(cov, plain), cov)
        if key > best_key:
            best_key, best_cov, best_plain, best_sent = key, cov, plain, s
    if not found_hard:
        return GateDecision(False, "no passage mentions the question's numbers or dates together with its subject")
    if terms.content and (best_cov < min_window_coverage or best_plain < min_plain_coverage):
        return GateDecision(False, f"no passage covers the question (coverage {best_cov:.2f}, "
                            f"non-name {best_plain:.2f})", best_cov, best_sent)
    # the article itself says the thing asked is not known ("It isn't known how many ... are deported"); what is
    # expected of it may still be said ("April's figures, which have yet to be released, are expected to ...")
    for s in ([] if terms.expectation or terms.asks_known else ranked[:6]):
        if lx.says_unknown(s.text, terms.kind) and s.dense >= MIN_UNKNOWN_DENSE and min(
                lexical_coverage(terms, s.stems, idf),
                lexical_coverage(terms, s.stems, idf, names=False)) >= MIN_UNKNOWN_COVERAGE:
            return GateDecision(False, f"the article says this is not known: \u201c{s.text}\u201d", best_cov, s)
    # a question that is little more than names ("who is amy fischer") embeds poorly: full coverage will do
    if max(s.dense for s in ranked) < min_dense and min(best_cov, best_plain) < 0.9:
        return GateDecision(False, "no passage is similar enough to the question", best_cov, best_sent)
    return GateDecision(True, "ok", best_cov, best_sent)
