"""`newsrag eval`: run a question set through the chat's Answerer and write results.json (+ report, comparison).

    newsrag eval --questions eval/questions/seed.jsonl --out results.json --report report/ [--compare old.json]
    newsrag eval --corpus eval/corpora/reuters-500 --questions eval/questions/reuters/rt-dev-a.jsonl --out r.json
    newsrag eval --multihop-corpus corpus.json --multihop-queries MultiHopRAG.json [--limit 200] --out mh.json

The LLM backend comes from settings as everywhere else (NEWSRAG_LLM__PROVIDER=extractive|local|ollama|openai).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from rag.config import REPO_ROOT, Settings
from rag.errors import NewsragError

from eval.metrics import LATENCY_METRICS, RATE_METRICS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--questions", metavar="FILE", help="JSONL question file (e.g. eval/questions/seed.jsonl)")
    parser.add_argument("--out", metavar="FILE", help="where to write results.json "
                        "(default: <index_dir>/eval/<questions name>-<UTC time>.json)")
    parser.add_argument("--report", metavar="DIR", help="write a Markdown report with PNG plots into DIR")
    parser.add_argument("--compare", metavar="OLD.json", help="compare with an earlier results.json, question by question")
    parser.add_argument("--corpus", metavar="PATH", nargs="+", help="evaluate against this collection (files or "
                        "folders) in an index of its own, ingested first when needed (unchanged files cost nothing); "
                        "the index goes to <index_dir>-eval/<name>-<hash> unless --corpus-index is given")
    parser.add_argument("--corpus-index", metavar="DIR", help="where the --corpus index lives")
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N questions")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    mh = parser.add_argument_group("MultiHop-RAG benchmark (Tang and Yang 2024)")
    mh.add_argument("--multihop-corpus", metavar="corpus.json", help="the benchmark's article file")
    mh.add_argument("--multihop-queries", metavar="MultiHopRAG.json", help="the benchmark's query file")
    mh.add_argument("--multihop-dir", metavar="DIR", help="where the converted corpus, questions and the separate "
                    "index go (default: <index_dir>-multihop)")
    mh.add_argument("--prepare-only", action="store_true", help="convert the MultiHop-RAG files and stop")


def _err(msg: str) -> int:
    print(f"newsrag eval: {msg}", file=sys.stderr)
    return 2


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                             timeout=5)
        return out.stdout.strip() or None
    except Exception:
        return None


def format_summary(summary: dict[str, Any]) -> str:
    rows = [f"questions {summary['questions']} (answerable {summary['answerable']}, "
            f"unanswerable {summary['unanswerable']}), failures {summary['failures']}"]
    for name in (*RATE_METRICS, *LATENCY_METRICS):
        m = summary.get(name)
        if isinstance(m, dict):
            v = m.get("value")
            val = "n/a" if v is None else (f"{v:.0f}" if name in LATENCY_METRICS else f"{v:.3f}")
            rows.append(f"  {name:<26} {val:>8}   n={m.get('n')}")
    return "\n".join(rows)


def _multihop_settings(settings: Settings, index_dir: Path) -> Settings:
    s = settings.model_copy(deep=True)
    s.paths.index_dir = index_dir
    s.store.collection = (settings.store.collection + "-multihop")[:63]
    return s


def corpus_settings(settings: Settings, corpus: list[str], index_dir: str | None = None) -> Settings:
    """Settings for a collection of its own: a separate index named after the corpus paths (resolved)."""
    import hashlib

    paths = [Path(p).resolve() for p in corpus]
    digest = hashlib.sha256("\0".join(map(str, paths)).encode()).hexdigest()[:10]
    name = (paths[0].stem if len(paths) == 1 else "corpus") + "-" + digest
    s = settings.model_copy(deep=True)
    s.paths.index_dir = Path(index_dir) if index_dir else settings.paths.index_dir.with_name(
        settings.paths.index_dir.name + "-eval") / name
    s.paths.feedback_file = s.paths.index_dir / "feedback.jsonl"
    return s


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        return _run(args, settings)
    except NewsragError as exc:
        return _err(str(exc))


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from eval import runner
    from eval.questions import load_questions

    multihop = bool(args.multihop_corpus or args.multihop_queries)
    if multihop and not (args.multihop_corpus and args.multihop_queries):
        return _err("give both --multihop-corpus and --multihop-queries")
    if multihop and args.questions:
        return _err("give either --questions or the --multihop-* files, not both")
    if not multihop and not args.questions:
        return _err("give --questions FILE (a JSONL question set such as eval/questions/seed.jsonl)")
    if args.limit is not None and args.limit < 1:
        return _err("--limit must be a positive number")
    old_doc = runner.load_document(args.compare) if args.compare else None   # fail before a long run

    if args.corpus and multihop:
        return _err("give either --corpus or the --multihop-* files, not both")
    if args.corpus:
        missing = [p for p in args.corpus if not Path(p).exists()]
        if missing:
            return _err(f"--corpus path not found: {', '.join(missing)}")
        settings = corpus_settings(settings, args.corpus, args.corpus_index)
        from rag.ingest.pipeline import ingest

        print(f"Collection {', '.join(args.corpus)} -> index {settings.paths.index_dir}", file=sys.stderr)
        report = ingest([Path(p) for p in args.corpus], settings, progress=not args.no_progress)
        print(report.summary() if hasattr(report, "summary") else str(report), file=sys.stderr)

    questions_file: Path
    if multihop:
        from eval import multihop as mh

        work = Path(args.multihop_dir) if args.multihop_dir else settings.paths.index_dir.with_name(
            settings.paths.index_dir.name + "-multihop")
        prep = mh.prepare(args.multihop_corpus, args.multihop_queries, work, limit=args.limit)
        for w in prep["warnings"][:20]:
            print(f"warning: {w}", file=sys.stderr)
        if len(prep["warnings"]) > 20:
            print(f"warning: ... and {len(prep['warnings']) - 20} more", file=sys.stderr)
        print(f"MultiHop-RAG: {prep['articles']} articles -> {prep['corpus']}, {prep['queries']} queries -> "
              f"{prep['questions']}", file=sys.stderr)
        if args.prepare_only:
            return 0
        settings = _multihop_settings(settings, work / "index")
        from rag.ingest.pipeline import ingest

        report = ingest([prep["corpus"]], settings, progress=not args.no_progress)
        print(report.summary() if hasattr(report, "summary") else str(report), file=sys.stderr)
        questions_file = prep["questions"]
    else:
        questions_file = Path(args.questions)
    questions = load_questions(questions_file)
    if args.limit is not None:
        questions = questions[: args.limit]

    try:
        from rag.ask.pipeline import Answerer
    except ImportError as exc:
        return _err(f"the answer pipeline (rag.ask.pipeline) is not available in this build: {exc}")
    print(f"Loading models (LLM provider: {settings.llm.provider})...", file=sys.stderr)
    answerer = Answerer.from_settings(settings)
    answerer.warmup()
    try:
        known = {d for a in answerer.retriever.articles()
                 for d in (a.doc_id, *(c.get("doc_id") for c in (a.copies or ())))}   # copies count as indexed
    except Exception:  # a diagnostic only
        known = None
    if known is not None:
        warnings = runner.check_sources(questions, known)
        for w in warnings[:10]:
            print(f"warning: {w}", file=sys.stderr)
        if len(warnings) > 10:
            print(f"warning: ... and {len(warnings) - 10} more questions name sources not in the index", file=sys.stderr)

    started, t0, commit = runner.utc_now(), time.time(), _git_commit()   # the code that runs, not the code at the end
    results, interrupted = runner.run_questions(answerer, questions, progress=not args.no_progress)
    meta = {"questions_file": str(questions_file), "started": started, "finished": runner.utc_now(),
            "seconds": round(time.time() - t0, 1), "interrupted": interrupted, "limit": args.limit,
            "git_commit": commit, "command": "newsrag " + " ".join(sys.argv[1:]) if sys.argv else None}
    doc = runner.build_document(results, settings.to_public_dict(), meta=meta)
    out = Path(args.out) if args.out else settings.paths.index_dir / "eval" / (
        f"{questions_file.stem}-{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}.json")
    runner.save_document(doc, out)

    print(format_summary(doc["summary"]))
    print(f"results: {out}" + (" (INTERRUPTED: partial)" if interrupted else ""))
    if args.report:
        from eval.report import write_report

        path = write_report(doc, args.report, old_doc=old_doc, old_label=str(args.compare or "old"))
        print(f"report: {path}")
    if old_doc is not None:
        from eval.compare import compare, format_compare

        print(format_compare(compare(old_doc, doc), old_label=str(args.compare), new_label=str(out)))
    return 130 if interrupted else 0
