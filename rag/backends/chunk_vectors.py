"""The chunk vectors as one float32 matrix on disk, in the BM25 index's chunk order, for filtered search.

Chroma's filtered vector search (``where``) walks the HNSW graph and checks every candidate's metadata:
460 ms p95 at 100k chunks. A filter that keeps few chunks is answered faster and exactly by scoring
just those rows of this matrix (a memory map: only the rows a query touches are read). It is a cache:
built from the store the first time a filter needs it (or by :func:`sync_chunk_vectors`), saved next
to the BM25 index with the same fingerprint, and rebuilt when the index changed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np


def vectors_path(bm25_path: Path) -> Path:
    return bm25_path.with_name(bm25_path.stem + ".vectors.npy")


def _meta_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def load_chunk_vectors(path: Path, fingerprint: str, n_chunks: int) -> np.ndarray | None:
    """The cached matrix (memory-mapped, read-only), or None when missing, stale or unreadable."""
    try:
        meta = json.loads(_meta_path(path).read_text(encoding="utf-8"))
        if meta.get("fingerprint") != fingerprint or int(meta.get("rows", -1)) != n_chunks:
            return None
        vecs = np.load(path, mmap_mode="r")
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


def save_chunk_vectors(path: Path, vecs: np.ndarray, fingerprint: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp.npy")
    np.save(tmp, vecs)
    os.replace(tmp, path)
    _meta_path(path).write_text(json.dumps({"fingerprint": fingerprint, "rows": int(vecs.shape[0])}),
                                encoding="utf-8")


def sync_chunk_vectors(store, bm25, bm25_path: Path) -> np.ndarray:
    """Load the matrix for ``bm25`` (same fingerprint, same chunk order), building and saving it if needed."""
    path = vectors_path(bm25_path)
    cached = load_chunk_vectors(path, bm25.fingerprint, len(bm25))
    if cached is not None:
        return cached
    vecs = build_chunk_vectors(store, bm25.chunk_ids)
    try:
        save_chunk_vectors(path, vecs, bm25.fingerprint)
    except OSError:       # a read-only index still searches, from memory
        return vecs
    mapped = load_chunk_vectors(path, bm25.fingerprint, len(bm25))
    return vecs if mapped is None else mapped
