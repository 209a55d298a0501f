"""Load: N concurrent gradio_client sessions asking varied questions against a real `newsrag serve`.

    .venv/bin/python benchmarks/load_bench.py [--mode extractive|local] [--levels 5 10 25] [--seconds 30]
                                              [--overload 4] [--embedding bundled|fake]

Starts `newsrag serve` on a free loopback port over the bundled corpus indexed into a temporary directory
(the server's own settings: ui.concurrency workers, at most ui.max_queue waiting; the per-client rate limit
is turned off, since every session here comes from 127.0.0.1). For each level, N sessions (one
gradio_client.Client each, in threads) ask questions from the question set in turn for ``--seconds``; then
an overload run with ``--overload`` times the largest level. Prints per run: answered / busy (the queue
was full: "busy, try again") / errors, the p50 and p95 latency of answered questions, and the server's
resident memory before and after the run (and after 10 s idle at the end). The sessions are spread over
``--procs`` client processes (one Python process with 100 threads cannot keep a server busy). Loopback
only; a script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def pct(values: list[float], p: float) -> float:
    xs = sorted(values)
    if not xs:
        return float("nan")
    pos = (len(xs) - 1) * p / 100
    lo, hi = int(pos), min(int(pos) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def load_questions(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.append(row.get("question") or row.get("q"))
    return [q for q in out if q]


def _sessions(url: str, ids: list[int], n: int, seconds: float, questions: list[str], barrier, out) -> None:
    """One client process: a gradio_client session per id in threads; all processes start together."""
    from gradio_client import Client

    results = {"answered": 0, "busy": 0, "errors": 0, "sent": 0, "latencies": [], "messages": {}}
    lock = threading.Lock()
    clients: dict[int, object] = {}

    def connect(i: int) -> None:
        try:
            clients[i] = Client(url, verbose=False)
        except Exception as exc:
            with lock:
                results["errors"] += 1
                key = f"connect: {exc.__class__.__name__}"
                results["messages"][key] = results["messages"].get(key, 0) + 1

    threads = [threading.Thread(target=connect, args=(i,), daemon=True) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)
    barrier.wait()                                       # every process has its clients
    deadline = time.monotonic() + seconds

    def session(i: int) -> None:
        client = clients[i]
        k = i
        while time.monotonic() < deadline:
            q = questions[k % len(questions)]
            k += n
            t0 = time.perf_counter()
            try:
                out = client.predict(q, api_name="/ask")
                kind = "answered" if isinstance(out, dict) and "answer" in out else "errors"
            except Exception as exc:
                text = str(exc)
                kind = "busy" if "Queue is full" in text else "errors"
                if kind == "errors":
                    key = f"{exc.__class__.__name__}: {text[:80]}"
                    with lock:
                        results["messages"][key] = results["messages"].get(key, 0) + 1
                time.sleep(0.5)                          # a client told "busy" waits a little
            dt = time.perf_counter() - t0
            with lock:
                results["sent"] += 1
                results[kind] += 1
                if kind == "answered":
                    results["latencies"].append(dt)

    workers = [threading.Thread(target=session, args=(i,), daemon=True) for i in clients]
    for t in workers:
        t.start()
    for t in workers:
        t.join(seconds + 900)
    out.put(results)


def run_level(url: str, n: int, seconds: float, questions: list[str], procs: int) -> dict:
    """N sessions spread over ``procs`` client processes (one Python process cannot keep 100 sessions busy)."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    procs = max(1, min(procs, n))
    barrier = ctx.Barrier(procs)
    out = ctx.Queue()
    groups = [list(range(p, n, procs)) for p in range(procs)]
    workers = [ctx.Process(target=_sessions, args=(url, ids, n, seconds, questions, barrier, out), daemon=True)
               for ids in groups]
    for w in workers:
        w.start()
    total = {"answered": 0, "busy": 0, "errors": 0, "sent": 0, "latencies": [], "messages": {}}
    for _ in workers:
        part = out.get(timeout=seconds + 1800)
        for key in ("answered", "busy", "errors", "sent"):
            total[key] += part[key]
        total["latencies"] += part["latencies"]
        for key, v in part["messages"].items():
            total["messages"][key] = total["messages"].get(key, 0) + v
    for w in workers:
        w.join(60)
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", default="extractive", choices=["extractive", "local", "fake"])
    parser.add_argument("--embedding", default="bundled", choices=["bundled", "fake"])
    parser.add_argument("--levels", nargs="+", type=int, default=[5, 10, 25])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--overload", type=int, default=4, help="the last run has this many times the largest level")
    parser.add_argument("--questions", type=Path, default=ROOT / "tests/integration/ask_dev_questions.jsonl")
    parser.add_argument("--procs", type=int, default=4, help="client processes the sessions are spread over")
    args = parser.parse_args()

    from ui_server import Server, server_env

    questions = load_questions(args.questions)
    tmp = Path(tempfile.mkdtemp(prefix="newsrag-load-"))
    env = server_env(tmp, NEWSRAG_LLM__PROVIDER=args.mode, NEWSRAG_EMBEDDING__PROVIDER=args.embedding,
                     NEWSRAG_UI__RATE_LIMIT_PER_MINUTE="0")
    if args.mode == "fake":
        env["NEWSRAG_LLM__FAKE_RESPONSES"] = json.dumps(["The articles say so [1]."])
    t0 = time.perf_counter()
    server = Server(tmp, env, timeout=900)
    print(f"server up in {time.perf_counter() - t0:.1f} s (mode {args.mode}, embedding {args.embedding}); "
          f"{len(questions)} questions from {args.questions.relative_to(ROOT) if args.questions.is_relative_to(ROOT) else args.questions}",
          flush=True)
    try:
        from gradio_client import Client

        warm = Client(server.url, verbose=False)
        t0 = time.perf_counter()
        warm.predict(questions[0], api_name="/ask")           # the model is loaded and warm
        print(f"first answer (warm-up, includes model loading) {time.perf_counter() - t0:.1f} s", flush=True)
        runs = [(f"N={n}", n) for n in args.levels] + [(f"overload {args.overload}x", args.overload * max(args.levels))]
        rows = []
        for label, n in runs:
            before = rss_mb(server.proc.pid)
            res = run_level(server.url, n, args.seconds, questions, args.procs)
            after = rss_mb(server.proc.pid)
            lat = res["latencies"]
            rows.append((label, n, res["answered"], res["busy"], res["errors"], pct(lat, 50), pct(lat, 95), before, after))
            print(f"  {label}: done ({res['answered']} answered, {res['busy']} busy, {res['errors']} errors)"
                  + (f"; errors: {res['messages']}" if res["messages"] else ""), flush=True)
        time.sleep(10)
        idle = rss_mb(server.proc.pid)
        print()
        print(f"| run | sessions | answered | busy | errors | p50 s | p95 s | RSS before MB | RSS after MB |")
        print("|---|---|---|---|---|---|---|---|---|")
        for label, n, a, b, e, p50, p95, before, after in rows:
            print(f"| {label} | {n} | {a} | {b} | {e} | {p50:.2f} | {p95:.2f} | {before:.0f} | {after:.0f} |")
        print(f"\nresident memory after 10 s idle: {idle:.0f} MB; {args.seconds:.0f} s per run; "
              f"server log: {tmp / 'serve.log'}")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
