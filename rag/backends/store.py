"""The vector store: Chroma behind a small interface.

Two collections per index:

* ``<name>-chunks``: one record per chunk (id = content hash, embedding, document = chunk text,
  metadata = doc_id, offsets, article metadata). The collection metadata names the embedding model
  and its dimension; opening the index with another model is an :class:`IndexNotReadyError`.
* ``<name>-articles``: one record per article (id = doc_id, document = full cleaned text, metadata =
  title, outlet, published, url, hashes, status). It doubles as the ingest manifest: an article's
  record says ``status=ok`` only after all of its chunks are stored, so a killed ingest is finished by
  the next run. Chroma needs a vector per record; articles carry a 1-d placeholder (distinct per id).

Embedded ``PersistentClient`` in ``paths.index_dir`` by default; ``HttpClient`` when
``settings.store.host`` is set. chromadb is imported lazily.
"""

from __future__ import annotations

import hashlib
import json
import socket
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from rag.errors import BackendError, IndexNotReadyError

if TYPE_CHECKING:  # pragma: no cover
    from rag.config import Settings

SCHEMA_VERSION = 1
EXACT_FILTER_LIMIT = 5000   # a filtered search over at most this many chunks is scored exactly, not by HNSW
ARTICLE_FIELDS = ("title", "title_derived", "outlet", "published", "url", "source_path", "content_hash")


@dataclass(frozen=True)
class ArticleRecord:
    doc_id: str
    content_hash: str
    index_hash: str
    status: str                     # "ok" or "pending"
    n_chunks: int
    metadata: dict[str, Any]


def _clean_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """Chroma metadata cannot hold None: absent means unknown."""
    return {k: v for k, v in meta.items() if v is not None}


def where_location(settings: "Settings") -> str:
    s = settings.store
    if s.host:
        return f"the Chroma server at {'https' if s.ssl else 'http'}://{s.host}:{s.port} (NEWSRAG_STORE__HOST)"
    return f"{Path(settings.paths.index_dir)}"


def _make_client(settings: "Settings", fresh: bool = False):
    try:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
    except ImportError as exc:  # pragma: no cover
        raise BackendError("chromadb is not installed: run `make install` (or pip install chromadb)") from exc
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    s = settings.store
    if s.host:
        try:
            with socket.create_connection((s.host, s.port), timeout=s.timeout_s):
                pass
        except OSError as exc:
            raise BackendError(
                f"cannot reach the Chroma server at {s.host}:{s.port} ({exc.strerror or exc}): start it "
                f"(`chroma run --path .newsrag/server --port {s.port}`), fix NEWSRAG_STORE__HOST / "
                "NEWSRAG_STORE__PORT, or unset NEWSRAG_STORE__HOST to use the embedded index") from exc
        try:
            return chromadb.HttpClient(host=s.host, port=s.port, ssl=s.ssl, settings=chroma_settings)
        except Exception as exc:
            raise BackendError(f"the Chroma server at {s.host}:{s.port} (NEWSRAG_STORE__HOST) did not answer "
                               f"properly: {exc}") from exc
    path = Path(settings.paths.index_dir)
    path.mkdir(parents=True, exist_ok=True)
    if fresh:
        forget_local_system(path / "chroma")
    return chromadb.PersistentClient(path=str(path / "chroma"), settings=chroma_settings)


def forget_local_system(chroma_dir: Path) -> None:
    """Drop chromadb's per-process cache of an embedded index, so the next open re-reads it from disk.

    An embedded Chroma index keeps its vector index in memory; when another process (a second
    `newsrag ingest`) has written to the same directory, this process's copy is stale.
    """
    try:
        from chromadb.api.shared_system_client import SharedSystemClient

        system = SharedSystemClient._identifier_to_system.pop(str(chroma_dir), None)
        SharedSystemClient._identifier_to_refcount.pop(str(chroma_dir), None)
        if system is not None:
            try:
                system.stop()
            except Exception:
                pass
    except Exception:  # pragma: no cover - chromadb internals moved; a fresh process still works
        pass


class ChromaStore:
    """Chunks and articles of one index. Construct with :meth:`open`."""

    def __init__(self, client, chunks, articles, *, model_name: str, dim: int, location: str, batch_size: int):
        self._client = client
        self.chunks = chunks
        self.articles = articles
        self.model_name = model_name
        self.dim = dim
        self.location = location
        try:
            max_batch = int(client.get_max_batch_size())
        except Exception:
            max_batch = 5000
        self.batch_size = max(1, min(batch_size, max_batch))

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, settings: "Settings", *, model_name: str, dim: int, create: bool = False,
             rebuild: bool = False, fresh: bool = False) -> "ChromaStore":
        """Open the index; ``create`` makes it when missing. A different embedding model is an error
        (unless ``rebuild``, which drops the old collections first). ``fresh`` re-reads an embedded
        index from disk instead of reusing this process's cached copy."""
        client = _make_client(settings, fresh=fresh)
        base = settings.store.collection
        names = {"chunks": f"{base}-chunks", "articles": f"{base}-articles"}
        location = where_location(settings)
        try:
            existing = {c if isinstance(c, str) else c.name for c in client.list_collections()}
        except Exception as exc:
            raise BackendError(f"could not list collections in {location}: {exc}") from exc
        if rebuild:
            for name in names.values():
                if name in existing:
                    client.delete_collection(name)
            existing -= set(names.values())
        if names["chunks"] not in existing:
            if not create:
                raise IndexNotReadyError(f"no index in {location} yet: run `newsrag ingest` first")
        else:
            meta = client.get_collection(names["chunks"], embedding_function=None).metadata or {}
            stored = meta.get("embedding_model")
            if stored != model_name or int(meta.get("embedding_dim", dim)) != dim:
                raise IndexNotReadyError(
                    f"the index in {location} was built with embedding model '{stored}' "
                    f"({meta.get('embedding_dim')}-d), but the settings use '{model_name}' ({dim}-d). "
                    "Re-ingest with `newsrag ingest --rebuild`, or set NEWSRAG_EMBEDDING__PROVIDER / "
                    "NEWSRAG_EMBEDDING__MODEL / NEWSRAG_EMBEDDING__PRECISION (int8 or fp32) back to the encoder "
                    "it was built with.")
        chunks = client.get_or_create_collection(
            names["chunks"], embedding_function=None, configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedding_model": model_name, "embedding_dim": dim, "newsrag_schema": SCHEMA_VERSION})
        articles = client.get_or_create_collection(names["articles"], embedding_function=None,
                                                   metadata={"newsrag_schema": SCHEMA_VERSION})
        return cls(client, chunks, articles, model_name=model_name, dim=dim, location=location,
                   batch_size=settings.store.batch_size)

    # ------------------------------------------------------------------ chunks
    def count_chunks(self) -> int:
        return int(self.chunks.count())

    def existing_chunks(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Metadata of those of ``ids`` already stored."""
        out: dict[str, dict[str, Any]] = {}
        for i in range(0, len(ids), self.batch_size):
            got = self.chunks.get(ids=list(ids[i:i + self.batch_size]), include=["metadatas"])
            for cid, meta in zip(got["ids"], got["metadatas"] or [None] * len(got["ids"])):
                out[cid] = dict(meta or {})
        return out

    def upsert_chunks(self, ids: Sequence[str], embeddings: np.ndarray, documents: Sequence[str],
                      metadatas: Sequence[dict[str, Any]]) -> None:
        for i in range(0, len(ids), self.batch_size):
            sl = slice(i, i + self.batch_size)
            self.chunks.upsert(ids=list(ids[sl]), embeddings=np.asarray(embeddings[sl], dtype=np.float32),
                               documents=list(documents[sl]), metadatas=[_clean_meta(m) for m in metadatas[sl]])

    def update_chunk_metadata(self, ids: Sequence[str], metadatas: Sequence[dict[str, Any]]) -> None:
        for i in range(0, len(ids), self.batch_size):
            self.chunks.update(ids=list(ids[i:i + self.batch_size]),
                               metadatas=[_clean_meta(m) for m in metadatas[i:i + self.batch_size]])

    def chunk_ids_of(self, doc_id: str) -> list[str]:
        return list(self.chunks.get(where={"doc_id": doc_id}, include=[])["ids"])

    def delete_chunks(self, ids: Sequence[str]) -> None:
        for i in range(0, len(ids), self.batch_size):
            self.chunks.delete(ids=list(ids[i:i + self.batch_size]))

    def delete_chunks_of(self, doc_ids: Sequence[str]) -> None:
        for i in range(0, len(doc_ids), 100):
            self.chunks.delete(where={"doc_id": {"$in": list(doc_ids[i:i + 100])}})

    def delete_chunks_not_of(self, keep_doc_ids: Sequence[str]) -> int:
        """Remove chunks whose article is not in ``keep_doc_ids`` (prune, crash leftovers)."""
        keep = set(keep_doc_ids)
        stale = [cid for cid, meta in self.iter_chunk_metadata() if meta.get("doc_id") not in keep]
        self.delete_chunks(stale)
        return len(stale)

    def iter_chunk_metadata(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for ids, _docs, metas in self.iter_chunks(include_documents=False):
            yield from zip(ids, metas)

    def iter_chunks(self, *, include_documents: bool = True, page: int = 2000
                    ) -> Iterator[tuple[list[str], list[str], list[dict[str, Any]]]]:
        """All chunks, a page at a time: (ids, documents, metadatas)."""
        include = ["metadatas", "documents"] if include_documents else ["metadatas"]
        offset = 0
        while True:
            got = self.chunks.get(limit=page, offset=offset, include=include)
            ids = list(got["ids"])
            if not ids:
                return
            docs = list(got.get("documents") or [""] * len(ids)) if include_documents else [""] * len(ids)
            yield ids, docs, [dict(m or {}) for m in got["metadatas"]]
            offset += len(ids)

    def query(self, embedding: np.ndarray, n: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float, str]]:
        """Nearest chunks: (chunk_id, cosine similarity, doc_id), best first, optionally only of ``doc_ids``."""
        where = None
        if doc_ids is not None:
            if not doc_ids:
                return []
            where = {"doc_id": {"$in": list(doc_ids)}} if len(doc_ids) > 1 else {"doc_id": doc_ids[0]}
        return [(h["id"], h["cosine"], str(h["metadata"].get("doc_id"))) for h in self.search(embedding, n, where)]

    def search(self, embedding: np.ndarray, n: int, where: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Nearest chunks with their text and metadata: [{"id", "cosine", "text", "metadata"}], best first.

        ``where`` is a Chroma metadata filter on the chunk fields (doc_id, outlet, pub_lo, pub_hi, ...)."""
        if n <= 0:
            return []
        if where is not None:
            exact = self._exact_search(embedding, n, where)
            if exact is not None:
                return exact
        got = self.chunks.query(query_embeddings=[np.asarray(embedding, dtype=np.float32)], n_results=n, where=where,
                                include=["distances", "metadatas", "documents"])
        return [{"id": cid, "cosine": 1.0 - float(d), "text": doc, "metadata": dict(m or {})}
                for cid, d, doc, m in zip(got["ids"][0], got["distances"][0], got["documents"][0], got["metadatas"][0])]

    def _exact_search(self, embedding: np.ndarray, n: int, where: dict[str, Any]) -> list[dict[str, Any]] | None:
        """Filtered search scored exactly over the chunks the filter keeps, when they are few (at most
        ``EXACT_FILTER_LIMIT``): Chroma's filtered HNSW search can return fewer than the matching chunks
        (12 of 20 seen on an 80-article index). None when the filter keeps more; the ANN search then runs."""
        got = self.chunks.get(where=where, limit=EXACT_FILTER_LIMIT + 1,
                              include=["embeddings", "metadatas", "documents"])
        if len(got["ids"]) > EXACT_FILTER_LIMIT:
            return None
        if not got["ids"]:
            return []
        vecs = np.asarray(got["embeddings"], dtype=np.float32)
        q = np.asarray(embedding, dtype=np.float32)
        cos = (vecs @ q) / np.maximum(np.linalg.norm(vecs, axis=1) * np.linalg.norm(q), 1e-12)
        order = np.argsort(-cos, kind="stable")[:n]
        return [{"id": got["ids"][i], "cosine": float(cos[i]), "text": got["documents"][i],
                 "metadata": dict(got["metadatas"][i] or {})} for i in order]

    def get_chunks(self, ids: Sequence[str], *, embeddings: bool = False) -> dict[str, dict[str, Any]]:
        """id -> {"text", "metadata", ["embedding"]} for the given ids (missing ids are absent)."""
        if not ids:
            return {}
        include = ["documents", "metadatas"] + (["embeddings"] if embeddings else [])
        got = self.chunks.get(ids=list(ids), include=include)
        out: dict[str, dict[str, Any]] = {}
        for idx, cid in enumerate(got["ids"]):
            item = {"text": got["documents"][idx], "metadata": dict(got["metadatas"][idx] or {})}
            if embeddings:
                item["embedding"] = np.asarray(got["embeddings"][idx], dtype=np.float32)
            out[cid] = item
        return out

    # ------------------------------------------------------------------ articles
    def article_records(self) -> dict[str, ArticleRecord]:
        out: dict[str, ArticleRecord] = {}
        offset = 0
        while True:
            got = self.articles.get(limit=5000, offset=offset, include=["metadatas"])
            if not got["ids"]:
                return out
            for doc_id, meta in zip(got["ids"], got["metadatas"]):
                out[doc_id] = _record(doc_id, dict(meta or {}))
            offset += len(got["ids"])

    def get_articles(self, doc_ids: Sequence[str] | None = None) -> list[tuple[str, str, dict[str, Any]]]:
        """(doc_id, text, metadata) of the given articles (all when None)."""
        out: list[tuple[str, str, dict[str, Any]]] = []
        if doc_ids is not None:
            for i in range(0, len(doc_ids), 500):
                got = self.articles.get(ids=list(doc_ids[i:i + 500]), include=["documents", "metadatas"])
                out += [(d, t, dict(m or {})) for d, t, m in zip(got["ids"], got["documents"], got["metadatas"])]
            return out
        offset = 0
        while True:
            got = self.articles.get(limit=1000, offset=offset, include=["documents", "metadatas"])
            if not got["ids"]:
                return out
            out += [(d, t, dict(m or {})) for d, t, m in zip(got["ids"], got["documents"], got["metadatas"])]
            offset += len(got["ids"])

    def put_articles(self, rows: Sequence[tuple[str, str, dict[str, Any]]]) -> None:
        """Upsert (doc_id, text, metadata) article records."""
        for i in range(0, len(rows), self.batch_size):
            part = rows[i:i + self.batch_size]
            self.articles.upsert(ids=[r[0] for r in part], documents=[r[1] for r in part],
                                 metadatas=[_clean_meta(r[2]) for r in part],
                                 embeddings=_placeholders([r[0] for r in part]))

    def delete_articles(self, doc_ids: Sequence[str]) -> None:
        for i in range(0, len(doc_ids), self.batch_size):
            self.articles.delete(ids=list(doc_ids[i:i + self.batch_size]))


def _placeholders(doc_ids: Sequence[str]) -> np.ndarray:
    """The 1-d vectors article records need: distinct per id (from its hash), since a vector index of identical
    vectors is slow to write (twice the time of distinct ones: every insert finds every record equally near)."""
    values = [int.from_bytes(hashlib.blake2b(d.encode("utf-8"), digest_size=4).digest(), "little") / 2**32 + 0.5
              for d in doc_ids]
    return np.asarray(values, dtype=np.float32).reshape(-1, 1)


def _record(doc_id: str, meta: dict[str, Any]) -> ArticleRecord:
    return ArticleRecord(doc_id=doc_id, content_hash=str(meta.get("content_hash", "")),
                         index_hash=str(meta.get("index_hash", "")), status=str(meta.get("status", "pending")),
                         n_chunks=int(meta.get("n_chunks", 0)), metadata=meta)


def article_metadata(article, *, index_hash: str, status: str, n_chunks: int) -> dict[str, Any]:
    meta = {k: getattr(article, k) for k in ARTICLE_FIELDS}
    meta.update(index_hash=index_hash, status=status, n_chunks=n_chunks)
    # Chroma metadata holds scalars: the list as JSON (rag.ingest.dedup). Always written ("" for none, and
    # copy_of "" for an article that is no copy): an upsert keeps keys it is not given.
    copies = getattr(article, "copies", ())
    meta["copies"] = json.dumps(list(copies), sort_keys=True) if copies else ""
    meta["copy_of"] = ""
    return meta
