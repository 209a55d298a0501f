"""Serve-ready time and first-question against warm latency over an existing index, in a fresh process.

    .venv/bin/python benchmarks/serve_ready_bench.py --index DIR [--provider bundled|fake] [--precision int8]
                                                     [--questions eval/questions/reuters/*.jsonl] [--limit 40]
                                                     [--lazy]

What `newsrag serve` does before its banner says "Ready" (extractive answers): import the ask flow,
``Answerer.from_settings`` (encoder, Chroma, article records, BM25 cache) and ``Answerer.warmup()``; each step
is timed. Then every question whose source article is indexed (filled up to ``--limit`` with one question per
headline of articles spread over the index) is asked twice: the first time is the first question on its
article in this process, the second is warm; p50/p95 of both, and how many texts were
embedded per question (the question itself; with the sentences persisted at ingest nothing else).
``--lazy`` hides the persisted sentences, as before they were persisted at ingest (sentences embedded at
question time).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

T_START = time.perf_counter()
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, required=True, help="an index folder built by `newsrag ingest`")
    ap.add_argument("--provider", default="bundled", choices=["bundled", "fake"])
    ap.add_argument("--precision", default=None, choices=["int8", "fp32"])
    ap.add_argument("--questions", nargs="*", default=None)
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--lazy", action="store_true", help="ignore the persisted sentences (the old behaviour)")
    args = ap.parse_args()

    from rag.ask.pipeline import Answerer
    from rag.config import REPO_ROOT, load_settings

    t_import = time.perf_counter() - T_START
    embedding = {"provider": args.provider}
    if args.precision:
        embedding["precision"] = args.precision
    settings = load_settings(env={}, overrides={"paths": {"index_dir": str(args.index)}, "embedding": embedding,
                                                "llm": {"provider": "extractive"}})
    t0 = time.perf_counter()
    answerer = Answerer.from_settings(settings)
    t_open = time.perf_counter() - t0
    if args.lazy:
        answerer._index._persisted = None
    embedded: list[str] = []
    inner = answerer.embedder.embed

    def counting(texts):
        embedded.extend(texts)
        return inner(texts)

    answerer.embedder.embed = counting
    answerer._index._embed = counting
    t0 = time.perf_counter()
    answerer.warmup()            # what serve does before "Ready": the answer step's word weights (no model here)
    t_warm = time.perf_counter() - t0
    n_articles = len(answerer.retriever.articles())
    ready = time.perf_counter() - T_START
    print(f"index {args.index}: {n_articles} articles, {answerer.retriever.store.count_chunks()} chunks, encoder "
          f"{answerer.embedder.name}{' (persisted sentences ignored: --lazy)' if args.lazy else ''}")
    print(f"serve-ready {ready:.1f} s = imports {t_import:.1f} s + open index (encoder, Chroma, records, BM25) "
          f"{t_open:.1f} s + warm-up (word weights, Answerer.warmup) {t_warm:.1f} s; {len(embedded)} texts "
          f"embedded at warm-up")

    paths = args.questions or sorted(glob.glob(str(REPO_ROOT / "eval" / "questions" / "reuters" / "*.jsonl")))
    known = {a.doc_id for a in answerer.retriever.articles()}
    questions = []
    for p in paths:
        for line in Path(p).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if row.get("answerable", True) and set(row.get("sources") or []) & known:
                    questions.append(row["question"])
    # fill up with one question per headline of articles spread over the index (a first touch each)
    articles = [a for a in answerer.retriever.articles() if a.title and not a.title_derived]
    step = max(1, len(articles) // max(1, args.limit))
    for a in articles[::step]:
        if len(questions) >= args.limit:
            break
        questions.append(f"What did the report '{a.title.lower()}' say?")
    questions = questions[:args.limit]
    if not questions:
        print("no question has its source in this index: pass --questions")
        return 0
    first, warm, per_q = [], [], []
    for q in questions:
        embedded.clear()
        t0 = time.perf_counter()
        answerer.ask(q)
        first.append(time.perf_counter() - t0)
        per_q.append(len(embedded))
    for q in questions:
        t0 = time.perf_counter()
        answerer.ask(q)
        warm.append(time.perf_counter() - t0)

    def ms(values, p):
        return float(np.percentile(np.asarray(values) * 1000, p))

    print(f"{len(questions)} questions: first ask p50 {ms(first, 50):.0f} ms, p95 {ms(first, 95):.0f} ms; asked again "
          f"p50 {ms(warm, 50):.0f} ms, p95 {ms(warm, 95):.0f} ms; texts embedded per first ask: median "
          f"{int(np.median(per_q))}, max {max(per_q)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
