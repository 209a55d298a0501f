"""Retrieval at scale: latency p50/p95 and resident memory of the two halves of hybrid search, on synthetic
chunks, each configuration in its own process (so its memory is its own).

    .venv/bin/python benchmarks/scale_bench.py [--sizes 100000 1000000] [--chroma-sizes 100000] [--queries 200]

* BM25 (``rag.backends.bm25.BM25Index``, in process): ``top(query, 40)`` unfiltered and restricted to 1 % of
  the articles (as a date/outlet filter does). At ``--build-limit`` chunks and below the index is built by
  ``BM25Index.build`` from text; above it the same sparse matrix is generated directly in the index's format
  (Zipf-distributed vocabulary, ~120 distinct terms per chunk, BM25 weights), because tokenising a million
  texts in Python takes longer than this shared machine allows. Build time above the limit is extrapolated
  linearly from the largest measured build, and printed as such.
* Chroma (embedded ``PersistentClient``, HNSW, cosine, 384-d clustered synthetic vectors): ``query(n=40)``
  p50/p95, insert throughput, resident memory, bytes on disk.

Sizes Chroma does not run here are extrapolated from the measured one (HNSW memory ~ linear in n, query time
~ log n), and printed as extrapolations.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

VOCAB = 60_000
TERMS_PER_CHUNK = 90          # distinct terms of a ~150-token chunk
_LETTERS = "bcdfghjklmnpqrtvwxz"   # no vowels (no stop word) and no "s" (the plural stemmer keeps them whole)


def word(i: int) -> str:
    """The i-th synthetic word: a letters-only token the BM25 tokenizer keeps as it is."""
    out = "k"
    while True:
        i, r = divmod(i, len(_LETTERS))
        out += _LETTERS[r]
        if i == 0:
            return out
DOCS_PER_CHUNK = 3            # chunks per article


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(values) * 1000, p))


def zipf_words(rng, n: int) -> np.ndarray:
    ranks = rng.zipf(1.15, size=n)
    return (ranks[ranks <= VOCAB] - 1)[:n]


def synthetic_texts(rng, n: int) -> list[str]:
    out = []
    for _ in range(n):
        ids = zipf_words(rng, 160)
        out.append(" ".join(word(int(i)) for i in ids))
    return out


def synthetic_matrix(rng, n: int):
    """A BM25 weight matrix like BM25Index.build makes, without tokenising text."""
    from scipy import sparse

    from rag.backends.bm25 import B, K1

    rows = np.repeat(np.arange(n, dtype=np.int64), TERMS_PER_CHUNK)
    cols = np.minimum(rng.zipf(1.15, size=n * TERMS_PER_CHUNK) - 1, VOCAB - 1).astype(np.int64)
    tf = rng.integers(1, 4, size=n * TERMS_PER_CHUNK).astype(np.float32)
    m = sparse.coo_matrix((tf, (rows, cols)), shape=(n, VOCAB)).tocsr()
    m.sum_duplicates()
    df = np.bincount(m.indices, minlength=VOCAB).astype(np.float32)
    idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
    lengths = np.asarray(m.sum(axis=1)).ravel().astype(np.float32)
    avgdl = float(lengths.mean())
    row_of = np.repeat(np.arange(n), np.diff(m.indptr))
    norm = K1 * (1 - B + B * lengths[row_of] / avgdl)
    m.data = (idf[m.indices] * m.data * (K1 + 1) / (m.data + norm)).astype(np.float32)
    return m.tocsc()


def run_bm25(n: int, queries: int, build_limit: int) -> dict:
    from rag.backends.bm25 import BM25Index

    rng = np.random.default_rng(n)
    base = rss_mb()
    n_docs = max(1, n // DOCS_PER_CHUNK)
    chunk_ids = [f"c{i:08d}" for i in range(n)]
    doc_of = [f"d{i // DOCS_PER_CHUNK:08d}" for i in range(n)]
    t0 = time.perf_counter()
    if n <= build_limit:
        texts = synthetic_texts(rng, n)
        t_gen = time.perf_counter() - t0
        t0 = time.perf_counter()
        index = BM25Index.build(chunk_ids, texts, doc_of)
        built, how = time.perf_counter() - t0, "BM25Index.build from text"
        del texts
    else:
        matrix = synthetic_matrix(rng, n)
        vocab = {word(i): i for i in range(VOCAB)}
        doc_index = (np.arange(n) // DOCS_PER_CHUNK).astype(np.int32)
        index = BM25Index(chunk_ids, doc_index, [f"d{i:08d}" for i in range(n_docs)], vocab, matrix)
        built, how, t_gen = time.perf_counter() - t0, "matrix generated in the index's format", 0.0
    mem = rss_mb() - base
    # questions of 3-7 content words, drawn from the rarer part of the vocabulary (as names and topics are)
    qs = [" ".join(word(int(i)) for i in rng.integers(5, 20000, size=rng.integers(3, 8))) for _ in range(queries)]
    assert all(index.top(q, 40) for q in qs[:5]), "synthetic questions must match chunks"
    index.top(qs[0], 40)
    lat = []
    for q in qs:
        t0 = time.perf_counter()
        index.top(q, 40)
        lat.append(time.perf_counter() - t0)
    allowed = [f"d{i:08d}" for i in rng.choice(n_docs, size=max(1, n_docs // 100), replace=False)]
    flat = []
    for q in qs[:max(20, queries // 4)]:
        t0 = time.perf_counter()
        index.top(q, 40, allowed)
        flat.append(time.perf_counter() - t0)
    return {"part": "bm25", "n": n, "how": how, "build_s": built, "gen_s": t_gen, "rss_mb": mem, "peak_mb": peak_mb(),
            "p50": pct(lat, 50), "p95": pct(lat, 95), "filtered_p50": pct(flat, 50), "filtered_p95": pct(flat, 95),
            "nnz": int(index.matrix.nnz)}


def run_chroma(n: int, queries: int, dim: int = 384) -> dict:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    rng = np.random.default_rng(n + 1)
    tmp = Path(tempfile.mkdtemp(prefix="newsrag-scale-"))
    try:
        base = rss_mb()
        client = chromadb.PersistentClient(path=str(tmp), settings=ChromaSettings(anonymized_telemetry=False))
        col = client.get_or_create_collection("scale", embedding_function=None,
                                              configuration={"hnsw": {"space": "cosine"}})
        centers = rng.normal(size=(2000, dim)).astype(np.float32)
        batch = 5000
        t0 = time.perf_counter()
        for i in range(0, n, batch):
            m = min(batch, n - i)
            v = centers[rng.integers(0, len(centers), m)] + 0.6 * rng.normal(size=(m, dim)).astype(np.float32)
            v /= np.linalg.norm(v, axis=1, keepdims=True)
            col.add(ids=[f"c{j:08d}" for j in range(i, i + m)], embeddings=v,
                    metadatas=[{"doc_id": f"d{j // DOCS_PER_CHUNK:08d}", "pub_lo": 19870101 + (j % 300)}
                               for j in range(i, i + m)], documents=["x"] * m)
        built = time.perf_counter() - t0
        mem = rss_mb() - base
        qv = centers[rng.integers(0, len(centers), queries)] + 0.6 * rng.normal(size=(queries, dim)).astype(np.float32)
        qv /= np.linalg.norm(qv, axis=1, keepdims=True)
        col.query(query_embeddings=[qv[0]], n_results=40)
        lat = []
        for q in qv:
            t0 = time.perf_counter()
            col.query(query_embeddings=[q], n_results=40, include=["distances", "metadatas"])
            lat.append(time.perf_counter() - t0)
        disk = sum(p.stat().st_size for p in tmp.rglob("*") if p.is_file()) / 1e6
        return {"part": "chroma", "n": n, "build_s": built, "rss_mb": mem, "peak_mb": peak_mb(), "p50": pct(lat, 50),
                "p95": pct(lat, 95), "disk_mb": disk}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def child(args) -> int:
    result = run_bm25(args.n, args.queries, args.build_limit) if args.part == "bm25" else run_chroma(args.n, args.queries)
    print("RESULT " + json.dumps(result))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000], help="BM25 sizes (chunks)")
    ap.add_argument("--chroma-sizes", type=int, nargs="*", default=[100_000], help="Chroma sizes (chunks)")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--build-limit", type=int, default=100_000, help="largest BM25 built from text")
    ap.add_argument("--part", choices=["bm25", "chroma"], help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.part:
        return child(args)

    results = []
    jobs = [("bm25", n) for n in args.sizes] + [("chroma", n) for n in args.chroma_sizes]
    for part, n in jobs:
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, __file__, "--part", part, "--n", str(n), "--queries", str(args.queries),
                              "--build-limit", str(args.build_limit)], capture_output=True, text=True)
        line = [x for x in out.stdout.splitlines() if x.startswith("RESULT ")]
        if not line:
            print(f"{part} at {n:,}: failed\n{out.stderr[-2000:]}")
            continue
        r = json.loads(line[0][7:])
        results.append(r)
        if part == "bm25":
            print(f"BM25   {n:>9,} chunks: top-40 p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms | 1 % of articles "
                  f"p50 {r['filtered_p50']:6.1f} ms  p95 {r['filtered_p95']:6.1f} ms | index RSS {r['rss_mb']:6.0f} MB "
                  f"(peak process {r['peak_mb']:.0f} MB) | built in {r['build_s']:.1f} s ({r['how']})", flush=True)
        else:
            print(f"Chroma {n:>9,} chunks: query-40 p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms | RSS "
                  f"{r['rss_mb']:6.0f} MB (peak {r['peak_mb']:.0f} MB) | disk {r['disk_mb']:.0f} MB | inserted in "
                  f"{r['build_s']:.0f} s ({n / r['build_s']:.0f} chunks/s)", flush=True)
        print(f"       ({time.perf_counter() - t0:.0f} s wall for this measurement)", flush=True)
    bm = [r for r in results if r["part"] == "bm25" and r["how"].startswith("BM25Index.build")]
    if bm:
        r = max(bm, key=lambda r: r["n"])
        print(f"BM25 build from text extrapolated to 1,000,000 chunks: ~{r['build_s'] * 1_000_000 / r['n']:.0f} s "
              f"(linear from {r['n']:,})")
    ch = [r for r in results if r["part"] == "chroma"]
    if ch and max(r["n"] for r in ch) < 1_000_000:
        r = max(ch, key=lambda r: r["n"])
        lo = min(ch, key=lambda r: r["n"])
        # per-chunk memory from the two sizes when there are two (the client's fixed cost cancels), else from one
        per = (r["rss_mb"] - lo["rss_mb"]) / (r["n"] - lo["n"]) if r["n"] > lo["n"] else r["rss_mb"] / r["n"]
        fixed = r["rss_mb"] - per * r["n"]
        f = 1_000_000 / r["n"]
        measured = ", ".join(f"{x['n']:,}" for x in ch)
        print(f"Chroma at 1,000,000 chunks EXTRAPOLATED from {measured} (not measured): "
              f"RSS ~{fixed + per * 1_000_000:.0f} MB, disk ~{r['disk_mb'] * f:.0f} MB, insert "
              f"~{r['build_s'] * f / 60:.0f} min; HNSW query time grows about with log n: p50 "
              f"~{r['p50'] * np.log(1_000_000) / np.log(r['n']):.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
