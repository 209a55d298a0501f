"""Answer quality per mode: accuracy, gold source cited, refusals, on one or more question sets.

    .venv/bin/python benchmarks/answer_quality.py --modes extractive local-0.5b local-1.5b \
        --corpus eval/corpora/reuters-500 --questions eval/questions/reuters/rt-dev-a.jsonl

Indexes the collection (default corpus/) into a temporary directory with the real embedding model, then asks
every question in each mode (extractive: no model; local-0.5b / local-1.5b: the bundled GGUFs; or a provider). Grading uses eval.metrics.grade
(normalised containment of an expected answer; an unanswerable question is correct when refused).
--verbose prints each wrong answer. Prints one summary line per (question set, mode).
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


def load_questions(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modes", nargs="+", default=["extractive", "local"])
    parser.add_argument("--questions", nargs="+", type=Path,
                        default=[ROOT / "tests/integration/ask_dev_questions.jsonl"])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--json", type=Path, help="write per-question results here")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "benchmarks"))    # (an installed package is also named "benchmarks")
    from answer_bench import mode_settings
    from eval.metrics import grade
    from rag.ask.pipeline import Answerer
    from rag.ask.retrieve import Retriever
    from rag.backends.llms import make_llm
    from rag.config import load_settings
    from rag.ingest.pipeline import ingest

    tmp = tempfile.mkdtemp(prefix="newsrag-quality-")
    settings = load_settings(env={}, overrides={"paths": {"index_dir": tmp}})
    ingest([args.corpus], settings, progress=False)
    retriever = Retriever.from_settings(settings)
    records = []
    for mode in args.modes:
        msettings = mode_settings(settings, mode)
        answerer = Answerer(settings=msettings, retriever=retriever, llm=make_llm(msettings))
        if mode != "extractive":
            answerer.warmup()
        for qpath in args.questions:
            qs = load_questions(qpath)
            ok_ans = n_ans = ok_unans = n_unans = gold_cited = 0
            times = []
            for q in qs:
                t = time.perf_counter()
                a = answerer.ask(q["question"])
                times.append(time.perf_counter() - t)
                correct = grade(answerable=q["answerable"], abstained=a.abstained, answer=a.answer,
                                answers=q.get("answers") or [], answers_all=q.get("answers_all") or [])
                cited = {c.doc_id for c in a.citations}
                if q["answerable"]:
                    n_ans += 1
                    ok_ans += correct
                    gold_cited += bool(correct and cited & set(q.get("sources") or []))
                else:
                    n_unans += 1
                    ok_unans += correct
                records.append({"set": qpath.name, "mode": mode, "id": q["id"], "correct": bool(correct),
                                "question": q["question"], "answer": a.answer, "abstained": a.abstained,
                                "how": a.mode, "cited": sorted(cited), "gold": q.get("sources"),
                                "expected": q.get("answers") or q.get("answers_all"),
                                "unsupported": a.unsupported_sentences})
                if args.verbose and not correct:
                    print(f"  WRONG {q['id']} [{a.mode}] {q['question']}\n        -> {a.answer[:300]}\n"
                          f"        expected {q.get('answers') or q.get('answers_all')} from {q.get('sources')}",
                          flush=True)
            times.sort()
            print(f"{qpath.name:32s} {mode:11s} accuracy {ok_ans / max(n_ans, 1):.3f} ({ok_ans}/{n_ans})  "
                  f"gold-cited {gold_cited / max(ok_ans, 1):.3f} ({gold_cited}/{ok_ans})  "
                  f"refusal {ok_unans / max(n_unans, 1):.3f} ({ok_unans}/{n_unans})  "
                  f"p50 {times[len(times) // 2]:.2f}s", flush=True)
    if args.json:
        args.json.write_text(json.dumps(records, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
