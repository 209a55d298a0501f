"""Answer latency side by side: first evidence, first token and total answer time, p50/p95, per mode.

    .venv/bin/python benchmarks/answer_bench.py [--modes extractive local-0.5b local-1.5b]
        [--corpus eval/corpora/reuters-500] [--questions eval/questions/reuters/rt-dev-a.jsonl] [--limit 20]

Indexes the collection into a temporary directory with the real embedding model (or reuses --index DIR), loads
each model once (load time printed, not counted), then streams every question of the set in each mode, one mode
after the other in the same run. "First evidence" is when the numbered passages being read are shown
(the "evidence" event); "first token" the model's first drafted token (a refusal or an extractive answer, which
stream no draft, count their final answer); "total" the verified answer. Modes: ``extractive`` (no model),
``local-0.5b`` and ``local-1.5b`` (the bundled GGUFs on llama.cpp), or any provider name (ollama, openai) with the
rest from settings; any of them with ``-nosplit`` appended runs without the two-part-question step, with
``-nolook`` without the second look. Targets on the 2-core reference machine: evidence < 1 s, first token < 3 s,
total p50 < 8 s.
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


SUFFIXES = {"-nosplit": "split_threshold", "-nolook": "second_look_threshold"}   # each set to 1: the step is off


def mode_settings(settings, mode: str):
    """A mode's settings; the suffixes ``-nosplit`` and ``-nolook`` (in any order) turn the two-part-question step
    and the second look off (answer.split_threshold / answer.second_look_threshold 1)."""
    base, off = mode, {}
    while any(base.endswith(s) for s in SUFFIXES):
        suffix = next(s for s in SUFFIXES if base.endswith(s))
        base, off[SUFFIXES[suffix]] = base[: -len(suffix)], 1.0
    if base.startswith("local-"):
        update = {"provider": "local", "local_model": f"qwen2.5-coder-{base.split('-', 1)[1]}"}
    else:
        update = {"provider": base}
    answer = settings.answer.model_copy(update=off)
    return settings.model_copy(update={"llm": settings.llm.model_copy(update=update), "answer": answer})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modes", nargs="+", default=["extractive", "local-0.5b", "local-1.5b"])
    parser.add_argument("--corpus", type=Path, default=ROOT / "eval/corpora/reuters-500")
    parser.add_argument("--index", type=Path, help="an existing index of --corpus to reuse")
    parser.add_argument("--questions", type=Path, default=ROOT / "eval/questions/reuters/rt-dev-a.jsonl")
    parser.add_argument("--limit", type=int, default=20)
    args = parser.parse_args()

    from eval.metrics import percentile as pct
    from rag.ask.pipeline import Answerer
    from rag.ask.retrieve import Retriever
    from rag.backends.llms import make_llm
    from rag.config import load_settings
    from rag.ingest.pipeline import ingest

    lines = [json.loads(x) for x in args.questions.read_text().splitlines() if x.strip()]
    questions = [q["question"] for q in lines][: args.limit]
    index = args.index or Path(tempfile.mkdtemp(prefix="newsrag-bench-"))
    settings = load_settings(env={}, overrides={"paths": {"index_dir": str(index)}})
    ingest([args.corpus], settings, progress=False)
    retriever = Retriever.from_settings(settings)
    print(f"{len(questions)} questions of {args.questions.name} over {args.corpus} ({len(retriever.articles())} "
          f"articles), {os.cpu_count()} cores", flush=True)
    print(f"{'mode':12s} {'load':>6s}  {'evidence p50/p95':>17s}  {'first token p50/p95':>20s}  "
          f"{'total p50/p95':>15s}  answered", flush=True)
    for mode in args.modes:
        ms = mode_settings(settings, mode)
        answerer = Answerer(settings=ms, retriever=retriever, llm=make_llm(ms))
        t = time.perf_counter()
        answerer.warmup()
        load_s = time.perf_counter() - t
        answerer.ask("warm up the caches")
        evid, firsts, totals, answered = [], [], [], 0
        for q in questions:
            t = time.perf_counter()
            e = f = None
            for event in answerer.stream(q):
                now = time.perf_counter() - t
                if event.kind == "evidence" and e is None:
                    e = now
                if event.kind == "token" and f is None:
                    f = now
                if event.kind == "answer":
                    answered += not event.answer.abstained
            total = time.perf_counter() - t
            evid.append(e if e is not None else total)
            firsts.append(f if f is not None else total)
            totals.append(total)
        print(f"{mode:12s} {load_s:5.1f}s  {pct(evid, 50):7.2f}s/{pct(evid, 95):5.2f}s  "
              f"{pct(firsts, 50):9.2f}s/{pct(firsts, 95):5.2f}s  {pct(totals, 50):6.2f}s/{pct(totals, 95):5.2f}s"
              f"  {answered}/{len(questions)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
