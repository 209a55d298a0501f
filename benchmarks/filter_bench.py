"""Filtered vs unfiltered retrieval latency at 100k chunks: p50/p95 of the full ``Retriever.retrieve()``.

    .venv/bin/python benchmarks/filter_bench.py [--chunks 100000] [--queries 200] [--index-dir DIR]
                                                [--provider bundled|fake]

A synthetic index is written straight into Chroma (random unit vectors, news-like texts drawn from the
bundled articles' words, 20 chunks per article, five outlets, one publication day per article spread over
1987 like the Reuters collection) plus the BM25 index as ingest builds it. ``--index-dir`` keeps the index
between runs (it is built only when missing). The timed path is the real one: query embedding, dense
search, BM25, fusion, fetching the top k passages; every query of every case runs in the same process,
side by side, so the ratios hold even when the machine is busy.

Cases: no filter; outlet only (about 1/5 of the chunks); one month (about 1/12); outlet + month (1/60);
one day (about 1/365); outlet + a quarter; a date range with "newest first".
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import sys
import tempfile
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import numpy as np  # noqa: E402

from rag.ask.retrieve import Retriever, SearchFilter  # noqa: E402
from rag.backends.bm25 import sync_bm25  # noqa: E402
from rag.backends.embeddings import make_embedder  # noqa: E402
from rag.backends.store import ChromaStore  # noqa: E402
from rag.config import REPO_ROOT, load_settings  # noqa: E402
from rag.ingest.pipeline import published_range  # noqa: E402

CHUNKS_PER_ARTICLE = 20
OUTLETS = ["Reuters", "AP", "NBC News", "Border Report", "Financial Times"]


def _outlet(doc: str) -> str:
    return OUTLETS[zlib.crc32(doc.encode()) % len(OUTLETS)]


def _date(doc: str) -> str:
    day = zlib.crc32(doc.encode()[::-1]) % 365
    return (dt.date(1987, 1, 1) + dt.timedelta(days=day)).isoformat()


def vocabulary() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in (REPO_ROOT / "corpus").glob("*.txt"))
    return re.findall(r"[A-Za-z][A-Za-z'-]+|\d[\d,]*", text)


def build_index(settings, model_name: str, dim: int, n_chunks: int) -> float:
    rng = random.Random(n_chunks)
    words = vocabulary()
    store = ChromaStore.open(settings, model_name=model_name, dim=dim, create=True)
    t0 = time.perf_counter()
    nprng = np.random.default_rng(1)
    batch = 2000
    for start in range(0, n_chunks, batch):
        ids, docs, metas = [], [], []
        for i in range(start, min(start + batch, n_chunks)):
            doc = f"synth{i // CHUNKS_PER_ARTICLE:06d}"
            sentences = [" ".join(rng.choice(words) for _ in range(rng.randint(12, 24))).capitalize() + "."
                         for _ in range(rng.randint(4, 8))]
            text = " ".join(sentences)
            ids.append(f"c{i:07d}")
            docs.append(text)
            lo, hi = published_range(_date(doc))
            metas.append({"doc_id": doc, "start": 0, "end": len(text), "title": f"Synthetic article {doc}",
                          "outlet": _outlet(doc), "published": _date(doc), "pub_lo": lo, "pub_hi": hi})
        vecs = nprng.standard_normal((len(ids), dim)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        store.upsert_chunks(ids, vecs, docs, metas)
        print(f"  built {start + len(ids)} / {n_chunks} chunks", file=sys.stderr, flush=True)
    n_articles = (n_chunks + CHUNKS_PER_ARTICLE - 1) // CHUNKS_PER_ARTICLE
    rows = []
    for a in range(n_articles):
        doc = f"synth{a:06d}"
        rows.append((doc, "", {"title": f"Synthetic article {doc}", "outlet": _outlet(doc), "published": _date(doc),
                               "content_hash": doc, "index_hash": doc, "status": "ok",
                               "n_chunks": CHUNKS_PER_ARTICLE}))
    store.put_articles(rows)
    sync_bm25(store, settings, force=True)
    return time.perf_counter() - t0


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


CASES: list[tuple[str, SearchFilter | None]] = [
    ("no filter", None),
    ("outlet=reuters", SearchFilter(outlet="reuters")),
    ("1987-03", SearchFilter(published_from="1987-03", published_to="1987-03")),
    ("outlet=ap, 1987-06", SearchFilter(outlet="ap", published_from="1987-06", published_to="1987-06")),
    ("1987-10-19 (one day)", SearchFilter(published_from="1987-10-19", published_to="1987-10-19")),
    ("outlet=nbc, 1987-04..06", SearchFilter(outlet="nbc", published_from="1987-04", published_to="1987-06")),
    ("1987-09..12, newest first", SearchFilter(published_from="1987-09", published_to="1987-12", prefer_recent=True)),
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--k", type=int, default=6)
    ap.add_argument("--index-dir", type=Path, help="keep the synthetic index here (built when missing)")
    ap.add_argument("--provider", default="bundled", choices=["bundled", "fake"])
    ap.add_argument("--build-only", action="store_true")
    args = ap.parse_args()

    tmp = None
    index_dir = args.index_dir
    if index_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="newsrag-filter-bench-")
        index_dir = Path(tmp.name)
    settings = load_settings(env={}, overrides={"paths": {"index_dir": str(index_dir)},
                                                "embedding": {"provider": args.provider}})
    embedder = make_embedder(settings.embedding)
    embedder.embed(["warm up"])
    marker = index_dir / f"built-{args.chunks}-{args.provider}"
    if not marker.exists():
        build_s = build_index(settings, embedder.name, embedder.dim, args.chunks)
        marker.write_text(f"{build_s:.0f}\n")
        print(f"built {args.chunks} chunks in {build_s:.0f} s", flush=True)
    if args.build_only:
        return 0

    t0 = time.perf_counter()
    retriever = Retriever.from_settings(settings, embedder=embedder)
    open_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    retriever.retrieve("warm up the filters", args.k, search_filter=CASES[1][1])
    first_filter_s = time.perf_counter() - t0

    load0 = os.getloadavg()[0]
    rng = random.Random(42)
    words = vocabulary()
    queries = [" ".join(rng.choice(words) for _ in range(rng.randint(4, 10))) for _ in range(args.queries)]
    for q in queries[:10]:
        for _, flt in CASES:
            retriever.retrieve(q, args.k, search_filter=flt)
    times: dict[str, list[float]] = {name: [] for name, _ in CASES}
    cpu: dict[str, list[float]] = {name: [] for name, _ in CASES}
    hits: dict[str, int] = {name: 0 for name, _ in CASES}
    for q in queries:                       # cases interleaved: the same load for each
        for name, flt in CASES:
            t0, c0 = time.perf_counter(), time.process_time()
            got = retriever.retrieve(q, args.k, search_filter=flt)
            times[name].append((time.perf_counter() - t0) * 1000)
            cpu[name].append((time.process_time() - c0) * 1000)
            hits[name] += len(got)
            if flt is not None and flt.active:
                allowed = set(retriever.filter_doc_ids(outlet=flt.outlet, published_from=flt.published_from,
                                                       published_to=flt.published_to) or ())
                assert all(s.chunk.doc_id in allowed for s in got), f"{name}: a passage outside the filter"
    n_chunks = len(retriever._bm25)
    print(f"machine: {os.cpu_count()} CPUs, load average {load0:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
          "(other work shares the CPU: compare the rows, which ran interleaved)")
    print(f"{n_chunks} chunks ({args.provider} query embedding), index opened in {open_s:.1f} s, "
          f"first filtered query (loads the chunk table) {first_filter_s * 1000:.0f} ms; "
          f"{len(queries)} queries per case, k={args.k}")
    print("wall = elapsed time of retrieve(); cpu = CPU time this process spent in it (all its threads), which "
          "waiting for a busy CPU does not inflate")
    print(f"{'case':<28}{'chunks kept':>12}{'wall p50':>10}{'wall p95':>10}{'max':>8}{'p95/unfilt':>12}"
          f"{'cpu p50':>9}{'cpu p95':>9}")
    base95 = percentile(times["no filter"], 0.95)
    for name, flt in CASES:
        kept = n_chunks if flt is None else retriever.count_chunks(flt)
        t, c = times[name], cpu[name]
        print(f"{name:<28}{kept:>12}{percentile(t, 0.5):>10.1f}{percentile(t, 0.95):>10.1f}{max(t):>8.0f}"
              f"{percentile(t, 0.95) / base95:>12.2f}{percentile(c, 0.5):>9.1f}{percentile(c, 0.95):>9.1f}"
              f"   ({hits[name] / len(queries):.1f} passages/query)")
    print("target: filtered p95 < 100 ms at 100k chunks")
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
