"""Pure scoring functions: answer matching, retrieval, citation and latency metrics, and `summarize`.

Nothing here loads a model or touches the disk. `summarize(results)` turns the per-question records
of results.json into the summary block; the runner and the tests call the same function, so the
summary can always be recomputed from results.json alone.

Definitions (each metric is reported as {"value": float | None, "n": int}; value is None when n == 0):

- answer_accuracy       over answerable questions (failed ones count as wrong): share `correct`.
- refusal_rate          over unanswerable questions (failed ones count as not refused): share `abstained`.
- false_refusal_rate    over answerable questions: share `abstained`.
- hit@k, mrr@k          document level, k = 1, 3, 5, 10, over answerable questions that have `sources`
                        and did not fail; relevance = retrieved doc id is a gold source.
- citation_precision    micro average over answered (not abstained, not failed) answerable questions with
                        sources: sum |cited docs & gold| / sum |cited docs|; n = questions that cite >= 1 doc.
- citation_recall       micro average over the same questions: sum |cited docs & gold| / sum |gold|.
- gold_cited_rate       among correct answers to answerable questions with sources: share that cite a gold doc.
- answer_quoted_rate    among correct answers with accepted answers beyond a bare yes/no: share whose citation
                        quotes, together, hold them too (matched as answers are, yes/no left out): the quote a
                        reader checks shows the fact, not only the article.
- supported_sentence_share  over answered questions: supported sentences (sentences of `answer`) /
                        (supported + `unsupported_sentences`); n = sentences counted.
- citation_supported_share  share of citations whose `supported` flag is true; n = citations.
- latency_p50_ms, latency_p95_ms  percentiles (linear interpolation, as numpy's default) of
                        timings_ms.total over questions that did not fail.
- failures              questions on which the system raised an error.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

KS = (1, 3, 5, 10)

# ---------------------------------------------------------------------------------------- matching

_MARKERS = re.compile(r"\[\d+(?:\s*[,;]\s*\d+)*\]")
_THOUSANDS = re.compile(r"(?<=\d)[,\u00a0\u202f\u2009'](?=\d{3}(?!\d))")
_DASHES = re.compile(r"[-\u2010\u2011\u2012\u2013\u2014\u2015\u2212]")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"'})


def normalize(text: str) -> str:
    """Canonical form for matching: case-folded, accents and `$` removed, thousands separators removed
    ("300,000" -> "300000"), "%" spelled " percent", dashes and whitespace runs turned into one space."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.translate(_QUOTES).casefold().replace("$", "")
    text = _THOUSANDS.sub("", text)
    text = text.replace("%", " percent")
    text = _DASHES.sub(" ", text)
    return " ".join(text.split())


def strip_markers(text: str) -> str:
    """Remove citation markers like [1] or [2, 3] so their digits never match a numeric answer."""
    return _MARKERS.sub(" ", text)


def _boundary_ok(hay: str, start: int, end: int, needle: str) -> bool:
    if needle[0].isalnum() and start > 0:
        prev = hay[start - 1]
        if prev.isalnum():
            return False
        # "5 billion" must not match inside "1.5 billion"
        if needle[0].isdigit() and prev in ".," and start > 1 and hay[start - 2].isdigit():
            return False
    if needle[-1].isdigit() and end < len(hay):
        nxt = hay[end]
        if nxt.isdigit():
            return False                       # "30" must not match "300"
        if nxt in ".," and end + 1 < len(hay) and hay[end + 1].isdigit():
            return False                       # "1" must not match "1.5"
    return True


def contains(text: str, expected: str) -> bool:
    """True when `expected` appears in `text` after normalisation of both.

    The match must start at a word start (so "ease" is not found in "increase"), and a numeric answer must
    not run on into more digits (so "30" is not found in "300,000" nor "20" in "2020"). Words may run on
    ("Nicaragua" matches "Nicaraguan"). Citation markers are removed from `text` first.
    """
    needle = normalize(expected)
    if not needle:
        return False
    hay = normalize(strip_markers(text))
    start = hay.find(needle)
    while start != -1:
        if _boundary_ok(hay, start, start + len(needle), needle):
            return True
        start = hay.find(needle, start + 1)
    return False


def contains_exact(text: str, expected: str) -> bool:
    """MultiHop-RAG's generation-accuracy rule: the gold string, lower-cased, is a substring of the response."""
    return bool(expected) and expected.lower() in text.lower()


def matches(text: str, answers: Sequence[str] = (), answers_all: Sequence[str] = (), *,
            rule: str = "normalized") -> bool:
    """`answers`: any one must appear; `answers_all`: every one must appear; both lists may be given."""
    test = contains_exact if rule == "contains" else contains
    if not answers and not answers_all:
        return False
    if answers and not any(test(text, a) for a in answers):
        return False
    return all(test(text, a) for a in answers_all)


def grade(*, answerable: bool, abstained: bool, answer: str, answers: Sequence[str] = (),
          answers_all: Sequence[str] = (), rule: str = "normalized") -> bool:
    """Correctness of one answer: an unanswerable question is correct when the system abstained; an
    answerable one when it did not abstain and the expected strings appear in the answer text."""
    if not answerable:
        return abstained
    if abstained:
        return False
    return matches(answer, answers, answers_all, rule=rule)


# --------------------------------------------------------------------------------------- retrieval

def dedupe(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def relevance(retrieved_ids: Sequence[str], gold: Iterable[str]) -> list[bool]:
    gold_set = set(gold)
    return [d in gold_set for d in retrieved_ids]


def hit_at_k(relevant: Sequence[bool], k: int) -> float:
    """1.0 when any of the first k ranks is relevant."""
    return 1.0 if any(relevant[:k]) else 0.0


def reciprocal_rank(relevant: Sequence[bool], k: int) -> float:
    """1 / rank of the first relevant item within the first k ranks (ranks start at 1), else 0."""
    for rank, rel in enumerate(relevant[:k], start=1):
        if rel:
            return 1.0 / rank
    return 0.0


def _squash(text: str) -> str:
    return text.replace(" ", "").replace("\n", "")


def chunk_relevance(chunk_texts: Sequence[str], facts: Sequence[str]) -> list[bool]:
    """MultiHop-RAG's chunk relevance: a chunk is relevant when one of the gold evidence facts, with spaces
    and newlines removed, is a substring of the chunk text with spaces and newlines removed."""
    squashed = [_squash(f) for f in facts if _squash(f)]
    return [any(f in _squash(t) for f in squashed) for t in chunk_texts]


# -------------------------------------------------------------------------------------- sentences

_ABBREV = re.compile(r"(?:\b[A-Za-z]\.)+$|\b(?:Mr|Mrs|Ms|Dr|Rev|Gov|Sen|Rep|St|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|"
                     r"Sept|Oct|Nov|Dec|No|vs|etc|Jr|Sr|Gen|Col|Lt|Inc|Corp|Co)\.$")
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(]*[A-Z0-9\[])")


def split_sentences(text: str) -> list[str]:
    """Sentences of an answer text. Splits after . ! ? followed by a capital or digit, except after
    abbreviations such as "U.S." or "Dec."; citation markers stay with their sentence."""
    text = text.strip()
    if not text:
        return []
    out, start = [], 0
    for m in _BOUNDARY.finditer(text):
        head = text[start:m.start()].rstrip("\"'\u201d\u2019)")
        if _ABBREV.search(head):
            continue
        out.append(text[start:m.start()].strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return [s for s in out if re.search(r"\w", strip_markers(s))]


# ---------------------------------------------------------------------------------------- latency

def percentile(values: Sequence[float], p: float) -> float | None:
    """Linear-interpolation percentile (numpy's default method); None for no values."""
    xs = sorted(float(v) for v in values)
    if not xs:
        return None
    pos = (len(xs) - 1) * p / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


# -------------------------------------------------------------------------------------- summarize

def _rate(num: float, n: int) -> dict[str, Any]:
    return {"value": (num / n) if n else None, "n": n}


def cited_doc_ids(result: Mapping[str, Any]) -> list[str]:
    return dedupe(c.get("doc_id") for c in result.get("citations") or [] if c.get("doc_id"))


def gold_doc_ids(result: Mapping[str, Any]) -> list[str]:
    """The gold sources as indexed: a source grouped at ingest as a copy of another article is that article
    (``gold_doc_ids``, written by the runner when they differ), else the question's ``sources``."""
    return list(result.get("gold_doc_ids") or result.get("sources") or [])


def cited_gold_source(result: Mapping[str, Any]) -> bool | None:
    """Whether any cited document is a gold source (None when the question has no sources)."""
    sources = set(gold_doc_ids(result))
    if not sources:
        return None
    return bool(sources & set(cited_doc_ids(result)))


def _failed(r: Mapping[str, Any]) -> bool:
    return bool(r.get("error"))


def _quotable(r: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """The record's accepted answers that a quote can hold: a bare yes or no left out."""
    def keep(xs):
        return [a for a in xs or [] if a.strip().lower() not in ("yes", "no")]
    return keep(r.get("answers")), keep(r.get("answers_all"))


def summarize(results: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The summary block of results.json, computed from the per-question records alone.

    Reads per record: answerable, sources, correct, abstained, error, retrieved_doc_ids, citations,
    answer, unsupported_sentences, cited_gold_source, timings_ms (and `type` for the per-type table,
    `retrieved_chunks_relevant` for MultiHop-RAG chunk-level retrieval when present).
    """
    answerable = [r for r in results if r.get("answerable")]
    unanswerable = [r for r in results if not r.get("answerable")]
    ok = [r for r in results if not _failed(r)]
    s: dict[str, Any] = {
        "questions": len(results),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "failures": sum(1 for r in results if _failed(r)),
        "citation_averaging": "micro",
    }
    s["answer_accuracy"] = _rate(sum(bool(r.get("correct")) for r in answerable), len(answerable))
    s["refusal_rate"] = _rate(sum(bool(r.get("abstained")) for r in unanswerable), len(unanswerable))
    s["false_refusal_rate"] = _rate(sum(bool(r.get("abstained")) for r in answerable), len(answerable))
    s["overall_accuracy"] = _rate(sum(bool(r.get("correct")) for r in results), len(results))

    ranked = [r for r in answerable if r.get("sources") and not _failed(r)]
    for k in KS:
        rels = [relevance(dedupe(r.get("retrieved_doc_ids") or []), gold_doc_ids(r)) for r in ranked]
        s[f"hit@{k}"] = _rate(sum(hit_at_k(x, k) for x in rels), len(rels))
        s[f"mrr@{k}"] = _rate(sum(reciprocal_rank(x, k) for x in rels), len(rels))

    answered = [r for r in ranked if not r.get("abstained")]
    inter = cited = gold = n_citing = 0
    for r in answered:
        c = set(cited_doc_ids(r))
        g = set(gold_doc_ids(r))
        inter += len(c & g)
        cited += len(c)
        gold += len(g)
        n_citing += bool(c)
    s["citation_precision"] = {"value": inter / cited if cited else None, "n": n_citing,
                               "cited_docs": cited, "cited_gold_docs": inter}
    s["citation_recall"] = {"value": inter / gold if gold else None, "n": len(answered),
                            "gold_docs": gold, "cited_gold_docs": inter}
    correct_with_sources = [r for r in answerable if r.get("correct") and r.get("sources")]
    s["gold_cited_rate"] = _rate(sum(bool(cited_gold_source(r)) for r in correct_with_sources),
                                 len(correct_with_sources))
    quotable = [r for r in answerable if r.get("correct") and any(_quotable(r))]
    s["answer_quoted_rate"] = _rate(sum(matches(" ".join(str(c.get("quote") or "") for c in r.get("citations") or []),
                                                *_quotable(r)) for r in quotable), len(quotable))

    n_sup = n_uns = n_cit = n_cit_ok = 0
    for r in ok:
        if r.get("abstained"):
            continue
        n_sup += len(split_sentences(r.get("answer") or ""))
        n_uns += len(r.get("unsupported_sentences") or [])
        for c in r.get("citations") or []:
            n_cit += 1
            n_cit_ok += bool(c.get("supported", True))
    s["supported_sentence_share"] = _rate(n_sup, n_sup + n_uns)
    s["citation_supported_share"] = _rate(n_cit_ok, n_cit)

    totals = [float(r["timings_ms"]["total"]) for r in ok
              if isinstance(r.get("timings_ms"), Mapping) and r["timings_ms"].get("total") is not None]
    s["latency_p50_ms"] = {"value": percentile(totals, 50), "n": len(totals)}
    s["latency_p95_ms"] = {"value": percentile(totals, 95), "n": len(totals)}

    by_type: dict[str, dict[str, Any]] = {}
    for r in results:
        t = r.get("type")
        if t:
            row = by_type.setdefault(t, {"n": 0, "correct": 0})
            row["n"] += 1
            row["correct"] += bool(r.get("correct"))
    for row in by_type.values():
        row["accuracy"] = row["correct"] / row["n"]
    if by_type:
        s["by_type"] = dict(sorted(by_type.items()))

    chunk_rel = [r["retrieved_chunks_relevant"] for r in results
                 if r.get("answerable") and not _failed(r) and r.get("retrieved_chunks_relevant") is not None]
    if chunk_rel:
        s["chunk_hits@4"] = _rate(sum(hit_at_k(x, 4) for x in chunk_rel), len(chunk_rel))
        s["chunk_hits@10"] = _rate(sum(hit_at_k(x, 10) for x in chunk_rel), len(chunk_rel))
        s["chunk_mrr@10"] = _rate(sum(reciprocal_rank(x, 10) for x in chunk_rel), len(chunk_rel))
    return s


# Names, in report order, of the metrics that are rates in [0, 1] (for tables, bars and comparisons).
RATE_METRICS = ("answer_accuracy", "refusal_rate", "false_refusal_rate", "overall_accuracy",
                *(f"hit@{k}" for k in KS), *(f"mrr@{k}" for k in KS),
                "citation_precision", "citation_recall", "gold_cited_rate", "answer_quoted_rate",
                "supported_sentence_share", "citation_supported_share",
                "chunk_hits@4", "chunk_hits@10", "chunk_mrr@10")
LATENCY_METRICS = ("latency_p50_ms", "latency_p95_ms")
LOWER_IS_BETTER = {"false_refusal_rate", *LATENCY_METRICS}
