"""Answer latency: time to first token and total answer time, p50/p95, per mode.

    .venv/bin/python benchmarks/answer_bench.py [--modes local extractive] [--questions FILE] [--limit N]

Indexes corpus/ into a temporary directory (real embedding model), loads the local model once
(load time printed separately, not counted), then streams every answerable question of the set.
"First token" is the first draft token from the model (for extractive mode, which streams no
draft, it is the final answer). Targets on the 2-core reference machine: local first token < 3 s,
whole answer < 10 s p50; extractive < 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def pct(values: list[float], p: float) -> float:
    xs = sorted(values)
    if not xs:
        return float("nan")
    pos = (len(xs) - 1) * p / 100
    lo, hi = int(pos), min(int(pos) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modes", nargs="+", default=["local", "extractive"])
    parser.add_argument("--questions", type=Path, default=ROOT / "tests/integration/ask_dev_questions.jsonl")
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--precisions", nargs="+", default=["float32"], choices=["float32", "bfloat16"],
                        help="llm.local_precision values to time side by side (local mode only)")
    parser.add_argument("--prefix-cache", nargs="+", default=["on"], choices=["on", "off"],
                        help="llm.local_prefix_cache values to time side by side (local mode only)")
    parser.add_argument("--sources", nargs="+", default=["4x420"],
                        help="answer.max_sources x answer.source_chars values to time side by side (local mode)")
    args = parser.parse_args()

    from rag.ask.pipeline import Answerer
    from rag.ask.retrieve import Retriever
    from rag.backends.llms import make_llm
    from rag.config import load_settings
    from rag.ingest.pipeline import ingest

    questions = [json.loads(x)["question"] for x in args.questions.read_text().splitlines() if x.strip()
                 and json.loads(x).get("answerable", True)][: args.limit]
    settings = load_settings(env={}, overrides={"paths": {"index_dir": tempfile.mkdtemp(prefix="newsrag-bench-")}})
    ingest([ROOT / "corpus"], settings, progress=False)
    retriever = Retriever.from_settings(settings)
    runs = [(mode, p, c, src) for mode in args.modes for p in (args.precisions if mode == "local" else [None])
            for c in (args.prefix_cache if mode == "local" else [None])
            for src in (args.sources if mode == "local" else [None])]
    for mode, precision, cached, src in runs:
        update = {"provider": mode} | ({"local_precision": precision, "local_prefix_cache": cached == "on"}
                                       if precision else {})
        ms = settings.model_copy(update={"llm": settings.llm.model_copy(update=update)})
        if src:
            n, chars = (int(x) for x in src.split("x"))
            ms = ms.model_copy(update={"answer": ms.answer.model_copy(update={"max_sources": n, "source_chars": chars})})
        answerer = Answerer(settings=ms, retriever=retriever, llm=make_llm(ms))
        t = time.perf_counter()
        answerer.warmup()
        load_s = time.perf_counter() - t
        firsts, totals, drafted = [], [], 0
        for q in questions:
            t = time.perf_counter()
            first = None
            for event in answerer.stream(q):
                if event.kind == "token" and first is None:
                    first = time.perf_counter() - t
                    drafted += 1
            total = time.perf_counter() - t
            firsts.append(first if first is not None else total)
            totals.append(total)
        label = f"{mode} {precision} prefix-cache {cached} sources {src}" if precision else mode
        print(f"{label:32s} n={len(questions)} warmup {load_s:.1f}s  first token p50 {pct(firsts, 50):.2f}s "
              f"p95 {pct(firsts, 95):.2f}s  total p50 {pct(totals, 50):.2f}s p95 {pct(totals, 95):.2f}s  "
              f"(model drafted {drafted})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
