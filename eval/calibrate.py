"""Calibrate an answer-or-refuse threshold from evaluation results run with the threshold at 0.

    NEWSRAG_ANSWER__JUDGE_THRESHOLD=0 newsrag eval --corpus eval/corpora/reuters-500 \
        --questions eval/questions/reuters/rt-dev-a.jsonl --out dev-a.json
    python -m eval.calibrate dev-a.json dev-b.json [--step 0.05] [--check | --joint]

Every result records ``confidence``: the number the pipeline compares with its threshold (the model's p(yes), or
without a model the best sentence's score). At threshold t a question is refused when its confidence is below t
(or when it was refused anyway); an answerable one is correct when answered correctly, an unanswerable one when
refused. The table shows answer accuracy, refusal rate and their mean for each t; the suggested threshold
maximises the smaller of the two (ties: the mean), so neither side is traded away for the other.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path


def load_results(paths: Sequence[str | Path]) -> list[dict]:
    out = []
    for p in paths:
        doc = json.loads(Path(p).read_text(encoding="utf-8"))
        out += doc.get("results", [])
    return out


def at_threshold(results: Sequence[dict], t: float, check: float | None = None,
                 joint: float | None = None) -> tuple[float, float]:
    """(answer accuracy, refusal rate) if every question with confidence below ``t`` (and, given ``check``, every
    answer whose check is below it; given ``joint``, every answer whose mean of confidence and check is below it)
    were refused."""
    ans = [r for r in results if r.get("answerable")]
    una = [r for r in results if not r.get("answerable")]

    def refused(r: dict) -> bool:
        c = r.get("confidence", r.get("p_yes"))
        if check is not None and not r.get("abstained") and (r.get("check") is None or r["check"] < check):
            return True
        if joint is not None and not r.get("abstained") and c is not None and (
                r.get("check") is None or (c + r["check"]) / 2 < joint):
            return True
        return bool(r.get("abstained")) or c is None or c < t

    acc = sum(1 for r in ans if not refused(r) and r.get("correct")) / len(ans) if ans else 0.0
    ref = sum(1 for r in una if refused(r)) / len(una) if una else 0.0
    return acc, ref


def sweep(results: Sequence[dict], step: float = 0.05, lo: float = 0.0, hi: float = 1.0) -> list[tuple[float, float, float]]:
    rows = []
    n = int(round((hi - lo) / step))
    for i in range(n + 1):
        t = round(lo + i * step, 4)
        acc, ref = at_threshold(results, t)
        rows.append((t, acc, ref))
    return rows


def sweep2(results: Sequence[dict], step: float = 0.05, lo: float = 0.0,
           hi: float = 1.0) -> list[tuple[float, float, float, float]]:
    """(judge threshold, check threshold, accuracy, refusal) over a grid of both."""
    n = int(round((hi - lo) / step))
    grid = [round(lo + i * step, 4) for i in range(n + 1)]
    return [(t, c, *at_threshold(results, t, c)) for t in grid for c in grid]


def sweep_joint(results: Sequence[dict], step: float = 0.05, lo: float = 0.0,
                hi: float = 1.0) -> list[tuple[float, float, float, float]]:
    """(judge threshold, joint threshold, accuracy, refusal) over a grid of both (the check alone at 0)."""
    n = int(round((hi - lo) / step))
    grid = [round(lo + i * step, 4) for i in range(n + 1)]
    return [(t, j, *at_threshold(results, t, None, j)) for t in grid for j in grid]


def best(rows: Sequence[tuple[float, float, float]]) -> tuple[float, float, float]:
    return max(rows, key=lambda r: (min(r[1], r[2]), r[1] + r[2]))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", nargs="+", help="results.json files of `newsrag eval` run with the threshold at 0")
    parser.add_argument("--step", type=float, default=0.05)
    parser.add_argument("--lo", type=float, default=0.0)
    parser.add_argument("--hi", type=float, default=1.0)
    parser.add_argument("--check", action="store_true", help="sweep the answer check's threshold too (results "
                        "run with both thresholds at 0); prints the ten best pairs")
    parser.add_argument("--joint", action="store_true", help="sweep the judgement's threshold and that of the "
                        "mean of judgement and check (answer.decision_threshold); prints the ten best pairs")
    args = parser.parse_args(argv)
    results = load_results(args.results)
    if args.check or args.joint:
        rows = (sweep_joint if args.joint else sweep2)(results, args.step, args.lo, args.hi)
        rows.sort(key=lambda r: (min(r[2], r[3]), r[2] + r[3]), reverse=True)
        print(f"{len(results)} questions ({sum(1 for r in results if r.get('answerable'))} answerable)")
        print("judge  joint  accuracy  refusal" if args.joint else "judge  check  accuracy  refusal")
        for t, c, acc, ref in rows[:10]:
            print(f"{t:5.2f}  {c:5.2f}  {acc:8.3f}  {ref:7.3f}")
        return 0
    rows = sweep(results, args.step, args.lo, args.hi)
    print(f"{len(results)} questions ({sum(1 for r in results if r.get('answerable'))} answerable)")
    print("threshold  accuracy  refusal   mean")
    for t, acc, ref in rows:
        print(f"{t:9.3f}  {acc:8.3f}  {ref:7.3f}  {(acc + ref) / 2:5.3f}")
    t, acc, ref = best(rows)
    print(f"suggested threshold {t:.3f}: accuracy {acc:.3f}, refusal {ref:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
