"""Run a question set through an Answerer and record one result per question.

The Answerer is the same object the chat uses (`Answerer.from_settings(settings)`), built once per run;
tests pass any object with `ask(question) -> Answer` (and optionally `warmup()`). A question the system
fails on (any exception) is recorded with its error and the run goes on; Ctrl-C stops the run and keeps
what was answered so far.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from eval.metrics import chunk_relevance, cited_gold_source, dedupe, grade, summarize
from eval.questions import Question

RESULTS_FORMAT = "newsrag-eval/1"


def _base_record(q: Question) -> dict[str, Any]:
    rec: dict[str, Any] = {"id": q.id, "question": q.question, "answerable": q.answerable,
                           "sources": list(q.sources)}
    if q.answers:
        rec["answers"] = list(q.answers)
    if q.answers_all:
        rec["answers_all"] = list(q.answers_all)
    if q.match != "normalized":
        rec["match"] = q.match
    if q.type:
        rec["type"] = q.type
    return rec


def evaluate_one(answerer: Any, q: Question) -> dict[str, Any]:
    """Ask one question and grade the answer. Never raises (except KeyboardInterrupt)."""
    rec = _base_record(q)
    t0 = time.perf_counter()
    try:
        ans = answerer.ask(q.question)
    except Exception as exc:  # recorded, the run goes on
        wall = (time.perf_counter() - t0) * 1000.0
        rec.update({"answer": "", "abstained": False, "citations": [], "unsupported_sentences": [],
                    "correct": False, "cited_gold_source": None if not q.sources else False,
                    "retrieved_doc_ids": [], "timings_ms": {"eval_wall": round(wall, 1)},
                    "error": f"{type(exc).__name__}: {exc}".strip()})
        return rec
    wall = (time.perf_counter() - t0) * 1000.0
    data = ans.to_dict()
    timings = {k: float(v) for k, v in (data.get("timings_ms") or {}).items()}
    timings.setdefault("total", round(wall, 1))
    timings["eval_wall"] = round(wall, 1)
    retrieved = list(getattr(ans, "retrieved", None) or [])
    rec.update({
        "answer": data.get("answer") or "",
        "abstained": bool(data.get("abstained")),
        "citations": data.get("citations") or [],
        "unsupported_sentences": data.get("unsupported_sentences") or [],
        "mode": data.get("mode", ""),
        "confidence": data.get("confidence"),
        "check": data.get("check"),
    })
    rec["correct"] = grade(answerable=q.answerable, abstained=rec["abstained"], answer=rec["answer"],
                           answers=q.answers, answers_all=q.answers_all, rule=q.match)
    # a gold article grouped at ingest as a copy of another is found and cited as that other one
    rep_of = {c["doc_id"]: s.chunk.doc_id for s in retrieved for c in (getattr(s.chunk, "copies", None) or ())}
    rep_of.update({cp["doc_id"]: c["doc_id"] for c in rec["citations"] for cp in (c.get("copies") or ())})
    gold = [rep_of.get(d, d) for d in q.sources]
    if gold != list(q.sources):
        rec["gold_doc_ids"] = dedupe(gold)
    rec["cited_gold_source"] = cited_gold_source(rec)
    rec["retrieved_doc_ids"] = dedupe(s.chunk.doc_id for s in retrieved)
    if q.evidence_facts is not None:
        rec["retrieved_chunks_relevant"] = chunk_relevance([s.chunk.text for s in retrieved], q.evidence_facts)
    rec["timings_ms"] = timings
    return rec


def run_questions(answerer: Any, questions: Sequence[Question], *, progress: bool = True,
                  on_result: Callable[[dict[str, Any]], None] | None = None) -> tuple[list[dict[str, Any]], bool]:
    """Evaluate every question in order. Returns (results, interrupted)."""
    from tqdm import tqdm

    results: list[dict[str, Any]] = []
    tty = hasattr(sys.stderr, "isatty") and sys.stderr.isatty()
    bar = tqdm(questions, desc="eval", unit="q", disable=not progress, file=sys.stderr, dynamic_ncols=True,
               mininterval=0.1 if tty else 10.0)
    try:
        for q in bar:
            rec = evaluate_one(answerer, q)
            results.append(rec)
            if on_result:
                on_result(rec)
            n_ok = sum(bool(r["correct"]) for r in results)
            bar.set_postfix(correct=f"{n_ok}/{len(results)}", failed=sum("error" in r for r in results))
    except KeyboardInterrupt:
        bar.close()
        return results, True
    bar.close()
    return results, False


def build_document(results: list[dict[str, Any]], settings_public: Mapping[str, Any], *,
                   meta: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The results.json document: summary (recomputable by `summarize(results)`), settings, results."""
    return {"summary": summarize(results), "settings": dict(settings_public),
            "meta": {"format": RESULTS_FORMAT, **(meta or {})}, "results": results}


def save_document(doc: Mapping[str, Any], path: str | Path) -> Path:
    """Write atomically (temporary file + rename) so an interrupted write never leaves half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(doc, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def load_document(path: str | Path) -> dict[str, Any]:
    """Read a results.json written by `newsrag eval`, with a clear error when it is not one."""
    from rag.errors import NewsragError

    path = Path(path)
    if not path.is_file():
        raise NewsragError(f"results file {path} not found: pass a results.json written by `newsrag eval --out`")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise NewsragError(f"results file {path} is not valid JSON ({exc}); was it written by `newsrag eval`?") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
        raise NewsragError(f"results file {path} has no 'results' list; was it written by `newsrag eval`?")
    return doc


def utc_now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_sources(questions: Iterable[Question], known_doc_ids: set[str]) -> list[str]:
    """Warnings for gold sources that are not in the index (the question can still run)."""
    warnings = []
    for q in questions:
        missing = [s for s in q.sources if s not in known_doc_ids]
        if missing:
            warnings.append(f"question {q.id}: source(s) not in the index: {', '.join(missing)}")
    return warnings
