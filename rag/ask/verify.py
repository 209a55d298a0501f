"""Verification: every answer sentence is checked against the source it cites.

A sentence is supported by a source when
1. every number written with digits in the sentence (300,000 == 300000, "$20 billion" == 2e10),
   every month and every name (capitalised word, acronym) appears in that source, and
2. its support score, a mix of the dense similarity to the best sentence of the source (the
   Retriever's embedder) and the share of the sentence's content words the source contains,
   reaches the threshold (``settings.answer.support_threshold`` overrides the calibrated default).

A sentence whose cited source does not support it, or that cites nothing, is bound to the source
that supports it best, if any does. Sentences no source supports are reported as unsupported.
Also here: the check that the kept answer addresses the question at all, and the detection of
conflicting figures between articles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.ask import lexical as lx
from rag.ask.evidence import SentenceIndex, Sentence, Source, kind_fit, lexical_coverage

# Calibrated on tests/integration/ask_dev_questions.jsonl with the bundled MiniLM embedder
# (see benchmarks/answer_quality.py): supported sentences score >= ~0.6, unsupported ones mostly < 0.45.
DEFAULT_SUPPORT_THRESHOLD = 0.5


@dataclass
class Check:
    supported: bool
    score: float
    quote: Sentence | None
    reason: str = ""


@dataclass
class VerifiedSentence:
    text: str
    sources: list[Source] = field(default_factory=list)     # supporting sources (cited, or re-bound)
    quotes: list[Sentence] = field(default_factory=list)    # the best supporting sentence of each source
    supported: bool = False
    score: float = 0.0
    reason: str = ""
    rebound: bool = False


def _vocab(text: str) -> set[str]:
    return {lx.stem(w) for w in lx.words(lx.normalise_aliases(text))}


def fact_problems(sentence: str, evidence: str, published: str | None = None) -> list[str]:
    """Numbers, months and names of ``sentence`` missing from ``evidence`` (empty when all are there)."""
    problems = []
    for value in lx.hard_numbers(sentence):
        if not lx.supports_numbers([value], evidence, published):
            problems.append(f"number {value:g}")
    missing_months = lx.months(sentence) - lx.months(evidence)
    problems += [f"month {m}" for m in sorted(missing_months)]
    vocab = _vocab(evidence)
    for name in lx.names(sentence):
        if not lx.covered(name, vocab):
            problems.append(f"name {name}")
    return problems


def support_score(sentence: str, source: Source, index: SentenceIndex) -> tuple[float, Sentence]:
    """(score, best quote) of ``sentence`` against ``source``."""
    stems = set(lx.content_stems(lx.normalise_aliases(sentence)))
    window_stems = set().union(*(s.stems for s in source.sentences)) if source.sentences else set()
    containment = (sum(1 for t in stems if lx.covered(t, window_stems)) / len(stems)) if stems else 0.0
    vecs = index.vectors([sentence] + [s.text for s in source.sentences])
    best, best_val = source.sentences[0], -1.0
    best_dense = 0.0
    for i, s in enumerate(source.sentences):
        dense = float(vecs[0] @ vecs[i + 1]) if vecs is not None else 0.0
        own = (sum(1 for t in stems if lx.covered(t, s.stems)) / len(stems)) if stems else 0.0
        val = dense + own
        if val > best_val:
            best, best_val, best_dense = s, val, dense
    return 0.5 * best_dense + 0.5 * containment, best


def check(sentence: str, source: Source, index: SentenceIndex, threshold: float) -> Check:
    evidence = source.text + " " + " ".join(x for x in (source.chunk.title, source.chunk.outlet) if x)
    problems = fact_problems(sentence, evidence, source.chunk.published)
    score, quote = support_score(sentence, source, index)
    if problems:
        return Check(False, score, quote, "not in the cited source: " + ", ".join(problems))
    if score < threshold:
        return Check(False, score, quote, f"support {score:.2f} below {threshold:.2f}")
    return Check(True, score, quote)


def verify_sentences(drafts: list[tuple[str, list[int]]], sources: list[Source], index: SentenceIndex,
                     threshold: float) -> list[VerifiedSentence]:
    """Check each (sentence, cited markers); re-bind to the best supporting source when needed."""
    by_number = {s.number: s for s in sources}
    out: list[VerifiedSentence] = []
    for text, markers in drafts:
        cited = [by_number[m] for m in markers if m in by_number]
        v = VerifiedSentence(text=text)
        for src in cited:
            c = check(text, src, index, threshold)
            v.score = max(v.score, c.score)
            if c.supported:
                v.sources.append(src)
                v.quotes.append(c.quote)
            elif not v.reason:
                v.reason = c.reason
        if not v.sources:
            best: tuple[float, Source, Sentence] | None = None
            for src in sources:
                if src in cited:
                    continue
                c = check(text, src, index, threshold)
                if c.supported and (best is None or c.score > best[0]):
                    best = (c.score, src, c.quote)
            if best is not None:
                v.sources, v.quotes, v.score, v.rebound = [best[1]], [best[2]], best[0], True
                v.reason = ""
        if not cited and not v.sources and not v.reason:
            v.reason = "no source supports it"
        v.supported = bool(v.sources)
        out.append(v)
    return out


def addresses_question(terms: lx.QuestionTerms, kept: list[VerifiedSentence], idf: lx.Idf,
                       min_coverage: float) -> bool:
    """Does the verified answer (with its quotes) hold the kind of thing asked and cover the question's terms?"""
    if not kept:
        return False
    text = " ".join(v.text for v in kept)
    if not kind_fit(terms.kind, text, terms):
        return False
    stems: set[str] = set()
    for v in kept:
        stems |= lx.evidence_stems(v.text)
        for src in v.sources:
            for s in src.sentences:
                stems |= s.stems
    return lexical_coverage(terms, frozenset(stems), idf) >= min_coverage


# --------------------------------------------------------------------------- conflicting figures

_QTY = re.compile(r"(?<![\w.])\$?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(%|percent|thousand|million|billion|trillion)?"
                  r"\s+((?:[A-Za-z-]+\s+){0,2}?)([A-Za-z-]+)")


def quantities(text: str) -> dict[str, set[float]]:
    """{unit stem: values} for "300,000 migrants", "$20 billion in aid", "191,000 migrants" ..."""
    out: dict[str, set[float]] = {}
    for m in _QTY.finditer(lx.strip_markers(text)):
        value = float(m.group(1).replace(",", ""))
        if m.group(2) and m.group(2).lower() in lx.SCALES:
            value *= lx.SCALES[m.group(2).lower()]
        if 1900 <= value <= 2100 and not m.group(2):
            continue  # a year, not a quantity
        noun = lx.fold(m.group(4))
        if noun in lx.STOPWORDS:
            continue
        out.setdefault(lx.stem(noun), set()).add(value)
    return out


@dataclass
class Conflict:
    other: Sentence
    unit: str
    values: tuple[float, float]


def find_conflict(terms: lx.QuestionTerms, answer_quotes: list[Sentence], ranked: list[Sentence],
                  idf: lx.Idf, margin: float = 0.85) -> Conflict | None:
    """A sentence from another article, about as relevant as the answer's evidence, that gives a different
    figure for the same kind of thing (same unit noun, same question names/months/years), or None."""
    if terms.kind != "count" or not answer_quotes or not ranked:
        return None
    answer_qty: dict[str, set[float]] = {}
    for q in answer_quotes:
        for unit, values in quantities(q.text).items():
            answer_qty.setdefault(unit, set()).update(values)
    if not answer_qty:
        return None
    cited_docs = {q.doc_id for q in answer_quotes}
    best_score = max(s.score for s in ranked)
    best_lex = max(q.lexical for q in answer_quotes) if answer_quotes else 0.0
    for s in ranked[:12]:
        if s.doc_id in cited_docs or s.score < margin * best_score or s.lexical < best_lex - 0.15:
            continue
        vocab = _vocab(s.text)
        if any(not lx.covered(n, vocab) for n in terms.names):
            continue
        if terms.months and not terms.months <= lx.months(s.text):
            continue
        if terms.numbers and not lx.supports_numbers(terms.numbers, s.text, s.chunk.published):
            continue
        for unit, values in quantities(s.text).items():
            if unit in answer_qty and not values & answer_qty[unit]:
                return Conflict(other=s, unit=unit, values=(min(answer_qty[unit]), min(values)))
    return None


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


def disagreement(terms: lx.QuestionTerms, cited: list[tuple[int, Sentence]]) -> str | None:
    """When quotes from different articles give different figures for the same thing (same unit noun),
    a sentence saying so with both markers, e.g. "The articles give different figures: 250,000 migrants [1]
    versus 302,000 migrants [2]."; None otherwise (only for "how many/much" questions)."""
    if terms.kind != "count":
        return None
    seen: list[tuple[int, str, dict[str, set[float]]]] = [(m, q.doc_id, quantities(q.text)) for m, q in cited]
    for i, (m1, d1, q1) in enumerate(seen):
        for m2, d2, q2 in seen[i + 1:]:
            if d1 == d2:
                continue
            for unit in q1.keys() & q2.keys():
                if not q1[unit] & q2[unit]:
                    a, b = min(q1[unit]), min(q2[unit])
                    return (f"The articles give different figures: {_fmt(a)} {unit}s [{m1}] versus "
                            f"{_fmt(b)} {unit}s [{m2}].")
    return None
