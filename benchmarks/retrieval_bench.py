"""Retrieval latency at scale: p50/p95 of the full ``Retriever.retrieve()`` path.

    .venv/bin/python benchmarks/retrieval_bench.py [--sizes 10000 100000] [--queries 200] [--provider bundled]

For each size, a synthetic index is written straight into a fresh Chroma collection in a temporary
directory: synthetic news-like chunk texts (sentences drawn from the seed articles' vocabulary)
with precomputed random unit vectors (embedding 100k chunks for real would take an hour on 2 cores),
grouped into articles of 20 chunks with outlets and dates, plus the BM25 index built as ingest does.
Then the timed path is the real one: query embedding with the real model, dense Chroma query,
BM25, reciprocal-rank fusion, fetching the top k chunks. Prints p50/p95/max in ms and a
breakdown of where the time goes.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import numpy as np  # noqa: E402

from rag.ask.retrieve import Retriever  # noqa: E402
from rag.backends.bm25 import sync_bm25  # noqa: E402
from rag.backends.embeddings import make_embedder  # noqa: E402
from rag.backends.store import ChromaStore  # noqa: E402
from rag.config import REPO_ROOT, load_settings  # noqa: E402
from rag.ingest.pipeline import published_range  # noqa: E402

CHUNKS_PER_ARTICLE = 20
OUTLETS = ["NBC News", "Border Report", "Reuters", "AP", None]


def _outlet(doc: str) -> str | None:
    return OUTLETS[zlib.crc32(doc.encode()) % len(OUTLETS)]


def _date(doc: str) -> str:
    h = zlib.crc32(doc.encode()[::-1])
    return f"{2020 + h % 5}-{1 + h % 12:02d}"


def vocabulary() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in (REPO_ROOT / "corpus").glob("*.txt"))
    return re.findall(r"[A-Za-z][A-Za-z'-]+|\d[\d,]*", text)


def build_index(settings, model_name: str, dim: int, n_chunks: int, rng: random.Random) -> float:
    words = vocabulary()
    store = ChromaStore.open(settings, model_name=model_name, dim=dim, create=True)
    t0 = time.perf_counter()
    nprng = np.random.default_rng(1)
    batch = 2000
    n_articles = (n_chunks + CHUNKS_PER_ARTICLE - 1) // CHUNKS_PER_ARTICLE
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--k", type=int, default=6)
    ap.add_argument("--provider", default="bundled", choices=["bundled", "fake"])
    args = ap.parse_args()

    import json

    questions = [json.loads(line)["question"] for line in
                 (REPO_ROOT / "tests/integration/retrieval_questions.jsonl").read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    rng = random.Random(42)
    words = vocabulary()
    queries = [questions[i % len(questions)] if i % 2 == 0 else " ".join(rng.choice(words) for _ in range(rng.randint(3, 10)))
               for i in range(args.queries)]

    base_settings = load_settings(env={}, overrides={"embedding": {"provider": args.provider}})
    embedder = make_embedder(base_settings.embedding)
    embedder.embed(["warm up"])
    # the same model run by torch in fp32 (no ONNX Runtime at all), timed side by side on the same queries
    torch_embedder = make_embedder(base_settings.embedding.model_copy(update={"onnx_queries": False,
                                                                              "precision": "fp32"}))
    torch_embedder.embed(["warm up"])
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="newsrag-retrieval-bench-") as tmp:
            settings = load_settings(env={}, overrides={"paths": {"index_dir": tmp},
                                                        "embedding": {"provider": args.provider}})
            build_s = build_index(settings, embedder.name, embedder.dim, size, random.Random(size))
            t0 = time.perf_counter()
            retriever = Retriever.from_settings(settings, embedder=embedder)
            open_s = time.perf_counter() - t0
            for q in queries[:10]:                                   # warm caches
                retriever.retrieve(q, args.k)
            total, emb_t, dense_t, bm25_t, torch_t = [], [], [], [], []
            for q in queries:
                t0 = time.perf_counter()
                hits = retriever.retrieve(q, args.k)
                total.append((time.perf_counter() - t0) * 1000)
                assert len(hits) == args.k
            for q in queries[:50]:                                   # where the time goes
                t0 = time.perf_counter()
                v = embedder.embed([q])[0]
                t1 = time.perf_counter()
                retriever.store.query(v, settings.retrieval.candidates)
                t2 = time.perf_counter()
                retriever._bm25.top(q, settings.retrieval.candidates)
                t3 = time.perf_counter()
                t4 = time.perf_counter()
                torch_embedder.embed([q])
                torch_t.append((time.perf_counter() - t4) * 1000)
                emb_t.append((t1 - t0) * 1000)
                dense_t.append((t2 - t1) * 1000)
                bm25_t.append((t3 - t2) * 1000)
            filt = []
            for q in queries[:50]:
                t0 = time.perf_counter()
                assert retriever.retrieve(q, args.k, outlet="nbc", published_from="2022")
                filt.append((time.perf_counter() - t0) * 1000)
            print(f"{size:>7} chunks (built in {build_s:.0f} s, opened in {open_s:.1f} s): retrieve() over "
                  f"{len(total)} queries  p50 {percentile(total, 0.5):.1f} ms  p95 {percentile(total, 0.95):.1f} ms  "
                  f"max {max(total):.1f} ms")
            print(f"        median parts: query embedding {statistics.median(emb_t):.1f} ms, dense "
                  f"{statistics.median(dense_t):.1f} ms, BM25 {statistics.median(bm25_t):.1f} ms; "
                  f"with outlet+date filter p50 {percentile(filt, 0.5):.1f} ms p95 {percentile(filt, 0.95):.1f} ms")
            print(f"        query embedding, same queries side by side: {embedder.name} {statistics.median(emb_t):.1f} ms "
                  f"vs torch fp32 {statistics.median(torch_t):.1f} ms (ratio {statistics.median(torch_t) / max(statistics.median(emb_t), 1e-9):.2f}; "
                  f"embedding.precision={base_settings.embedding.precision}, "
                  f"embedding.onnx_queries={base_settings.embedding.onnx_queries})")
    print("target: p95 < 50 ms at 100k chunks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
