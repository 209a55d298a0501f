"""Retrieve step: hybrid search over the indexed chunks.

Dense (Chroma, cosine) and BM25 (in process, cached at ingest) each return ``retrieval.candidates``
chunks; reciprocal-rank fusion (``1 / (rrf_k + rank)`` summed over both lists) decides the order.

Scores on every :class:`~rag.types.Scored`:

* ``score`` - the relevance score later steps gate on: the cosine similarity between the query
  and the chunk's embedding, clipped to 0..1. With all-MiniLM-L6-v2, passages that answer a question
  typically score 0.45-0.75, same-topic passages that do not answer it 0.3-0.5, unrelated text below
  0.2. It is a similarity, not a probability: near-topic questions can still score high.
* ``dense`` - the same cosine, unclipped; ``bm25`` - the raw BM25 score (None when BM25 did not
  return the chunk); ``rrf`` - the fused score that decided the order; ``rank`` - 1-based.

Filters: ``outlet`` matches case-insensitively anywhere in the outlet name ("nbc" finds "NBC News");
``published_from`` / ``published_to`` take partial ISO dates ("2024", "2024-05", "2024-05-03") and keep
articles whose publication period overlaps the range. An article with an unknown date is left out
when a date filter is given.
"""

from __future__ import annotations

import calendar
import json
import re
import threading
from typing import TYPE_CHECKING

import numpy as np

from rag.backends.bm25 import BM25Index, index_fingerprint, sync_bm25
from rag.backends.embeddings import Embedder, make_embedder
from rag.backends.store import ArticleRecord, ChromaStore
from rag.errors import BackendError, QuestionError
from rag.ingest.sentences import SentenceStore
from rag.types import Article, Chunk, Scored

if TYPE_CHECKING:  # pragma: no cover
    from rag.config import Settings

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def date_bounds(value: str, *, what: str = "date") -> tuple[str, str]:
    """("2024-05") -> ("2024-05-01", "2024-05-31"): the first and last day a partial ISO date covers."""
    m = _PARTIAL_DATE.match(value.strip()) if isinstance(value, str) else None
    if not m:
        raise QuestionError(f"{what} {value!r} is not a date like 2024, 2024-05 or 2024-05-03")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if month is None:
        return f"{year:04d}-01-01", f"{year:04d}-12-31"
    mo = int(month)
    if not 1 <= mo <= 12:
        raise QuestionError(f"{what} {value!r} has no month {mo}")
    last = calendar.monthrange(year, mo)[1]
    if day is None:
        return f"{year:04d}-{mo:02d}-01", f"{year:04d}-{mo:02d}-{last:02d}"
    d = int(day)
    if not 1 <= d <= last:
        raise QuestionError(f"{what} {value!r} has no day {d}")
    return (f"{year:04d}-{mo:02d}-{d:02d}",) * 2


def _copies(meta: dict) -> tuple[dict, ...]:
    """The copies an article's or chunk's metadata lists (JSON written at ingest by rag.ingest.dedup)."""
    raw = meta.get("copies")
    if not raw:
        return ()
    try:
        return tuple(dict(c) for c in json.loads(raw))
    except (TypeError, ValueError):
        return ()


def _article_from(doc_id: str, text: str, meta: dict) -> Article:
    return Article(doc_id=doc_id, text=text, title=meta.get("title"), title_derived=bool(meta.get("title_derived")),
                   outlet=meta.get("outlet"), published=meta.get("published"), url=meta.get("url"),
                   source_path=meta.get("source_path"), content_hash=str(meta.get("content_hash", "")),
                   copies=_copies(meta))


class Retriever:
    """Hybrid retrieval over one index. Build with :meth:`from_settings`; tests may inject parts."""

    def __init__(self, *, settings: "Settings", store: ChromaStore, embedder: Embedder, bm25: BM25Index,
                 records: dict[str, ArticleRecord]):
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self._bm25 = bm25
        self._records = {d: r for d, r in records.items() if r.status == "ok"}
        self._fingerprint = index_fingerprint(records)
        self._articles: dict[str, Article] | None = None
        self._lock = threading.Lock()
        # sentence offsets and vectors persisted at ingest, read by rag.ask.evidence.SentenceIndex
        self.sentence_store = SentenceStore.for_settings(settings, embedder.name)

    @classmethod
    def from_settings(cls, settings: "Settings", embedder: Embedder | None = None) -> "Retriever":
        """Open the index named by the settings (IndexNotReadyError when missing or built with another model)."""
        embedder = embedder or make_embedder(settings.embedding)
        store = ChromaStore.open(settings, model_name=embedder.name, dim=embedder.dim, create=False)
        records = store.article_records()
        bm25 = sync_bm25(store, settings, records=records)
        return cls(settings=settings, store=store, embedder=embedder, bm25=bm25, records=records)

    def refresh(self, *, force: bool = False) -> bool:
        """Pick up a re-ingest done by another process; True when the index had changed (or ``force``)."""
        records = self.store.article_records()
        fingerprint = index_fingerprint(records)
        if fingerprint == self._fingerprint and not force:
            return False
        # the embedded vector index is cached per process: re-read it from disk
        store = ChromaStore.open(self.settings, model_name=self.embedder.name, dim=self.embedder.dim, fresh=True)
        records = store.article_records()
        fingerprint = index_fingerprint(records)
        bm25 = sync_bm25(store, self.settings, records=records)
        with self._lock:
            self.store = store
            self._bm25, self._fingerprint = bm25, fingerprint
            self._records = {d: r for d, r in records.items() if r.status == "ok"}
            self._articles = None
        return True

    # ------------------------------------------------------------------ corpus
    def articles(self) -> list[Article]:
        """Every indexed article with its full cleaned text, sorted by document id."""
        with self._lock:
            if self._articles is None:
                rows = self.store.get_articles(sorted(self._records))
                self._articles = {d: _article_from(d, t, m) for d, t, m in rows if m.get("status") == "ok"}
            return [self._articles[d] for d in sorted(self._articles)]

    def article(self, doc_id: str) -> Article | None:
        with self._lock:
            if self._articles is not None:
                return self._articles.get(doc_id)
        if doc_id not in self._records:
            return None
        rows = self.store.get_articles([doc_id])
        return _article_from(*rows[0]) if rows and rows[0][2].get("status") == "ok" else None

    # ------------------------------------------------------------------ search
    def filter_doc_ids(self, *, outlet: str | None = None, published_from: str | None = None,
                       published_to: str | None = None) -> list[str] | None:
        """Document ids passing the filters (None when there is no filter)."""
        if not outlet and not published_from and not published_to:
            return None
        lo = date_bounds(published_from, what="published_from")[0] if published_from else None
        hi = date_bounds(published_to, what="published_to")[1] if published_to else None
        needle = outlet.casefold().strip() if outlet else None
        keep = []
        for doc_id, rec in self._records.items():
            meta = rec.metadata
            if needle and needle not in str(meta.get("outlet") or "").casefold():
                continue
            if lo or hi:
                published = meta.get("published")
                if not published:
                    continue
                try:
                    a_lo, a_hi = date_bounds(str(published))
                except QuestionError:
                    continue
                if (lo and a_hi < lo) or (hi and a_lo > hi):
                    continue
            keep.append(doc_id)
        return sorted(keep)

    def _where(self, allowed: list[str] | None, *, outlet: str | None, published_from: str | None,
               published_to: str | None) -> dict | None:
        """The Chroma filter for the dense search: on chunk metadata (outlet, pub_lo/pub_hi), not a long id list."""
        if allowed is None:
            return None
        if len(allowed) <= 20:
            return {"doc_id": {"$in": allowed}} if len(allowed) > 1 else {"doc_id": allowed[0]}
        clauses: list[dict] = []
        if outlet:
            outlets = sorted({str(self._records[d].metadata.get("outlet")) for d in allowed})
            clauses.append({"outlet": {"$in": outlets}} if len(outlets) > 1 else {"outlet": outlets[0]})
        if published_from:
            clauses.append({"pub_hi": {"$gte": int(date_bounds(published_from)[0].replace("-", ""))}})
        if published_to:
            clauses.append({"pub_lo": {"$lte": int(date_bounds(published_to)[1].replace("-", ""))}})
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def retrieve(self, query: str, k: int | None = None, *, outlet: str | None = None,
                 published_from: str | None = None, published_to: str | None = None) -> list[Scored]:
        """The ``k`` best passages for ``query``, best first (empty when nothing is indexed or matches)."""
        if not isinstance(query, str) or not query.strip():
            raise QuestionError("the question is empty: type a question about the articles")
        cfg = self.settings.retrieval
        k = cfg.k if k is None else int(k)
        if k <= 0:
            return []
        allowed = self.filter_doc_ids(outlet=outlet, published_from=published_from, published_to=published_to)
        if allowed is not None and not allowed:
            return []
        where = self._where(allowed, outlet=outlet, published_from=published_from, published_to=published_to)
        bm25 = self._bm25
        n_cand = max(cfg.candidates, k)
        qvec = self.embedder.embed([query])[0]
        try:
            found = self.store.search(qvec, n_cand, where)
        except Exception as first:  # chromadb raises its own types; a stale in-process copy is the usual cause
            try:
                self.refresh(force=True)
                found = self.store.search(qvec, n_cand, where)
            except Exception as exc:
                raise BackendError(f"the vector index in {self.store.location} could not be searched ({exc}). "
                                   "Restart this process; if the error stays, rebuild the index with "
                                   "`newsrag ingest --rebuild`") from first
            bm25 = self._bm25
        records = self._records
        allowed_set = set(allowed) if allowed is not None else None
        # chunks of articles still being (re)indexed by a concurrent ingest are not served yet
        dense_hits = {h["id"]: h for h in found if h["metadata"].get("doc_id") in records
                      and (allowed_set is None or h["metadata"].get("doc_id") in allowed_set)}
        dense = [(cid, h["cosine"]) for cid, h in dense_hits.items()]
        sparse = bm25.top(query, n_cand, allowed)

        fused: dict[str, float] = {}
        for ranked in (dense, sparse):
            for rank, (cid, _score) in enumerate(ranked, 1):
                fused[cid] = fused.get(cid, 0.0) + 1.0 / (cfg.rrf_k + rank)
        if not fused:
            return []
        bm25_scores = dict(sparse)
        dense_scores = dict(dense)
        top = sorted(fused, key=lambda c: (-fused[c], -dense_scores.get(c, -1.0), c))[:k]
        # passages found by BM25 alone: fetch them, with their vectors for the relevance score
        fetched = self.store.get_chunks([c for c in top if c not in dense_hits], embeddings=True)
        out: list[Scored] = []
        for cid in top:
            if cid in dense_hits:
                item, cos = dense_hits[cid], dense_hits[cid]["cosine"]
            elif cid in fetched:
                item = fetched[cid]
                cos = float(np.dot(item["embedding"], qvec))
            else:                     # deleted by a concurrent ingest
                continue
            meta = item["metadata"]
            chunk = Chunk(chunk_id=cid, doc_id=meta["doc_id"], text=item["text"], start=int(meta["start"]),
                          end=int(meta["end"]), title=meta.get("title"), title_derived=bool(meta.get("title_derived")),
                          outlet=meta.get("outlet"), published=meta.get("published"), url=meta.get("url"),
                          copies=_copies(meta))
            out.append(Scored(chunk=chunk, score=min(1.0, max(0.0, cos)), dense=cos, bm25=bm25_scores.get(cid),
                              rrf=fused[cid], rank=len(out) + 1))
        return out
