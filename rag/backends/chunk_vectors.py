"""The chunk vectors as one float32 matrix on disk, rows in publication-date order, for filtered search.

Chroma's filtered vector search (``where``) walks the HNSW graph and checks every candidate's metadata:
460 ms p95 at 100k chunks. A date filter is answered faster and exactly from this matrix: its rows are
sorted by publication day (pre-partitioned by date), so the chunks of a date range are one contiguous
block, scored with one matrix-vector product over a view of the matrix (no copy). The matrix is read into
memory (a memory-mapped file stalled on page faults on a busy machine) unless it is larger than
``IN_MEMORY_MAX_BYTES``. It is a cache: built from the store the first time a filter needs it, saved next to the BM25
index with the same fingerprint and row order, and rebuilt when either changed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np


IN_MEMORY_MAX_BYTES = 1 << 30    # up to 1 GiB (about 700k chunks of 384 floats) the matrix is read into memory;
                                 # beyond, it is memory-mapped (page faults then add latency on a busy machine)


def vectors_path(bm25_path: Path) -> Path:
    return bm25_path.with_name(bm25_path.stem + ".vectors.npy")


def _meta_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def order_key(chunk_ids: list[str]) -> str:
    """Identifies a row order (the chunk ids, in order)."""
    import hashlib

    return hashlib.sha256("\n".join(chunk_ids).encode("utf-8")).hexdigest()


def load_chunk_vectors(path: Path, fingerprint: str, n_chunks: int, order: str = "") -> np.ndarray | None:
    """The cached matrix (in memory, or memory-mapped when larger than IN_MEMORY_MAX_BYTES), or None when
    missing, stale or unreadable."""
    try:
        meta = json.loads(_meta_path(path).read_text(encoding="utf-8"))
        if (meta.get("fingerprint") != fingerprint or int(meta.get("rows", -1)) != n_chunks
                or meta.get("order", "") != order):
            return None
        in_memory = path.stat().st_size <= IN_MEMORY_MAX_BYTES
        vecs = np.load(path) if in_memory else np.load(path, mmap_mode="r")
        return vecs if vecs.shape[0] == n_chunks else None
    except (OSError, ValueError, KeyError):
        return None


def build_chunk_vectors(store, chunk_ids: list[str], page: int = 2000) -> np.ndarray:
    """Every chunk's unit-length vector, row i for ``chunk_ids[i]`` (a chunk the store lacks stays zero)."""
    row = {cid: i for i, cid in enumerate(chunk_ids)}
    out = np.zeros((len(chunk_ids), int(store.dim)), dtype=np.float32)
    offset = 0
    while True:
        got = store.chunks.get(limit=page, offset=offset, include=["embeddings"])
        ids = list(got["ids"])
        if not ids:
            break
        embs = np.asarray(got["embeddings"], dtype=np.float32)
        for cid, vec in zip(ids, embs):
            i = row.get(cid)
            if i is not None:
                out[i] = vec
        offset += len(ids)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, np.maximum(norms, 1e-12), out=out)
    return out


def nearest_chunk_ids(store, embedding: np.ndarray, n: int) -> list[tuple[str, float]]:
    """The ``n`` nearest chunks by the store's HNSW index, ids and cosine only (no text, no metadata):
    what an over-fetch for a post-filter needs."""
    got = store.chunks.query(query_embeddings=[np.asarray(embedding, dtype=np.float32)], n_results=n,
                             include=["distances"])
    return [(cid, 1.0 - float(d)) for cid, d in zip(got["ids"][0], got["distances"][0])]


def save_chunk_vectors(path: Path, vecs: np.ndarray, fingerprint: str, order: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp.npy")
    np.save(tmp, vecs)
    os.replace(tmp, path)
    _meta_path(path).write_text(json.dumps({"fingerprint": fingerprint, "rows": int(vecs.shape[0]),
                                            "order": order}), encoding="utf-8")


def sync_chunk_vectors(store, row_ids: list[str], fingerprint: str, bm25_path: Path) -> np.ndarray:
    """The matrix whose row i is the vector of ``row_ids[i]`` for the index ``fingerprint``: loaded when
    cached, else built from the store and saved."""
    path = vectors_path(bm25_path)
    order = order_key(row_ids)
    cached = load_chunk_vectors(path, fingerprint, len(row_ids), order)
    if cached is not None:
        return cached
    vecs = build_chunk_vectors(store, row_ids)
    try:
        save_chunk_vectors(path, vecs, fingerprint, order)
    except OSError:       # a read-only index still searches, from memory
        return vecs
    mapped = load_chunk_vectors(path, fingerprint, len(row_ids), order)
    return vecs if mapped is None else mapped
