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

Filters (a :class:`SearchFilter`, or the same fields as keyword arguments): ``outlet`` matches
case-insensitively anywhere in the outlet name ("nbc" finds "NBC News"); ``published_from`` /
``published_to`` take partial ISO dates ("2024", "2024-05", "2024-05-03") and keep articles whose
publication period overlaps the range. An article with an unknown date is left out when a date filter
is given. ``prefer_recent`` adds a third ranked list to the fusion, the candidates newest first, so
among passages about as relevant the newer ones lead ("latest", "recent" in a question: see
:mod:`rag.ask.dates`).

Filtered search stays fast at 100k chunks without Chroma's ``where`` (which walks the HNSW graph
checking metadata): a per-process chunk table (outlet and publication days of every chunk, in the BM25
index's order) turns a filter into a boolean mask in a few milliseconds; BM25 scores only under the
mask; the dense side is pre-partitioned by date: a matrix of the chunk vectors (cached on disk) with its rows in
publication-date order, so a date range is one contiguous block, scored exactly when it has at most
``EXACT_DENSE_ROWS`` rows; few chunks spread over many dates (a small outlet) are gathered and scored;
a filter keeping more than that over-fetches from the unfiltered HNSW index and keeps the hits under
the mask (falling back to exact scoring if too few survive).

A caller that cannot pass the filter down (the answer pipeline, which calls ``retrieve`` itself) can
set it for a block of code with :func:`search_scope`, or for every step of an answer stream with
:func:`scoped_stream`.
"""

from __future__ import annotations

import calendar
import contextlib
import contextvars
import json
import logging
import math
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from rag.backends.bm25 import BM25Index, cache_path, index_fingerprint, sync_bm25
from rag.backends.chunk_vectors import nearest_chunk_ids, sync_chunk_vectors
from rag.backends.embeddings import Embedder, make_embedder
from rag.backends.store import ArticleRecord, ChromaStore
from rag.errors import BackendError, QuestionError
from rag.ingest.sentences import SentenceStore
from rag.types import Article, Chunk, Scored

if TYPE_CHECKING:  # pragma: no cover
    from rag.config import Settings

log = logging.getLogger("newsrag.retrieve")
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
WHERE_MAX_IDS = 20             # Chroma's fallback filter names up to this many articles by id, else uses metadata
EXACT_DENSE_ROWS = 20_000     # filtered dense search: at most this many rows are scored exactly from the
                              # vector matrix; a filter keeping more over-fetches from HNSW (_dense_filtered)
MAX_OUTLET_CHARS = 200


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


@dataclass(frozen=True)
class SearchFilter:
    """What a search is limited to, and whether newer articles lead. Empty fields mean no limit."""

    outlet: str | None = None
    published_from: str | None = None      # partial ISO date: "1987", "1987-03", "1987-03-09"
    published_to: str | None = None
    prefer_recent: bool = False
    dates_soft: bool = False               # the date range is preferred, not required (see Retriever.retrieve)

    @property
    def has_dates(self) -> bool:
        return bool(self.published_from or self.published_to)

    @property
    def active(self) -> bool:
        """True when the filter leaves some articles out."""
        return bool(self.outlet or (self.has_dates and not self.dates_soft))

    def required(self) -> "SearchFilter":
        """Only what must hold: the outlet, and the dates unless they are soft."""
        if not self.dates_soft:
            return self
        return SearchFilter(outlet=self.outlet, prefer_recent=self.prefer_recent)

    def hard(self) -> "SearchFilter":
        """The same limits, all required (the soft dates made hard)."""
        return replace(self, dates_soft=False)

    def __bool__(self) -> bool:
        return self.active or self.has_dates or self.prefer_recent

    def validated(self) -> "SearchFilter":
        """The same filter with blanks as None; a clear QuestionError for a bad date, range or outlet."""
        outlet = self.outlet.strip() if isinstance(self.outlet, str) else self.outlet
        if outlet is not None and not isinstance(outlet, str):
            raise QuestionError("the outlet filter must be text, e.g. Reuters")
        if outlet and len(outlet) > MAX_OUTLET_CHARS:
            raise QuestionError(f"the outlet filter is {len(outlet)} characters long; at most {MAX_OUTLET_CHARS}")
        lo_s = (self.published_from or "").strip() or None
        hi_s = (self.published_to or "").strip() or None
        lo = date_bounds(lo_s, what="the start date (from)")[0] if lo_s else None
        hi = date_bounds(hi_s, what="the end date (to)")[1] if hi_s else None
        if lo and hi and lo > hi:
            raise QuestionError(f"the date range is empty: from {lo_s} is after to {hi_s}; swap them")
        return SearchFilter(outlet or None, lo_s, hi_s, bool(self.prefer_recent), bool(self.dates_soft and (lo_s or hi_s)))

    def merged(self, **fields: Any) -> "SearchFilter":
        """This filter with the given fields replaced, those that are None left as they are."""
        return replace(self, **{k: v for k, v in fields.items() if v is not None})

    @classmethod
    def from_time_scope(cls, scope: Any, outlet: str | None = None, *, soft: bool = False) -> "SearchFilter":
        """From a :class:`rag.ask.dates.TimeScope` (start, end as dates or None; prefer_recent); ``soft``:
        the range is preferred, not required."""
        start, end = getattr(scope, "start", None), getattr(scope, "end", None)
        return cls(outlet=outlet, published_from=start.isoformat() if start else None,
                   published_to=end.isoformat() if end else None,
                   prefer_recent=bool(getattr(scope, "prefer_recent", False)), dates_soft=soft and bool(start or end))

    def describe(self) -> str:
        """A short human description: "outlet Reuters, 1987-03-01 to 1987-03-31, newest first"."""
        parts = []
        if self.outlet:
            parts.append(f"outlet “{self.outlet}”")
        if self.published_from or self.published_to:
            lo = date_bounds(self.published_from)[0] if self.published_from else "…"
            hi = date_bounds(self.published_to)[1] if self.published_to else "…"
            parts.append(("preferring " if self.dates_soft else "") + (lo if lo == hi else f"{lo} to {hi}"))
        if self.prefer_recent:
            parts.append("newest first")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {"outlet": self.outlet, "published_from": self.published_from,
                "published_to": self.published_to, "prefer_recent": self.prefer_recent,
                "dates_soft": self.dates_soft}


_SCOPE: contextvars.ContextVar[SearchFilter | None] = contextvars.ContextVar("newsrag_search_filter", default=None)


@contextlib.contextmanager
def search_scope(search_filter: SearchFilter | None) -> Iterator[None]:
    """Every ``Retriever.retrieve`` in this block (same thread/context) uses ``search_filter`` unless it
    is given one explicitly."""
    token = _SCOPE.set(search_filter.validated() if search_filter else None)
    try:
        yield
    finally:
        _SCOPE.reset(token)


def current_scope() -> SearchFilter | None:
    return _SCOPE.get()


def scoped_stream(events: Iterator[Any], search_filter: SearchFilter | None) -> Iterator[Any]:
    """Run each step of the generator ``events`` inside :func:`search_scope`: works when the steps run
    on different threads (a web server advancing a stream from a thread pool)."""
    if not search_filter:
        yield from events
        return
    search_filter = search_filter.validated()
    while True:
        with search_scope(search_filter):
            try:
                item = next(events)
            except StopIteration:
                return
        yield item


def filter_for_question(question: str, now: Any, *, outlet: str | None = None, published_from: str | None = None,
                        published_to: str | None = None, prefer_recent: bool = False,
                        dates: str = "prefer") -> tuple[SearchFilter, Any, str]:
    """The filter a question is searched with. Relative time in it ("last week", "in March", "latest") is
    resolved against ``now`` (rag.ask.dates); ``dates``: "prefer" (default) searches the whole collection
    and ranks passages of that range higher, since a question's "in March" often names when something
    happened, which an article can report later; "filter" searches only that range; "off" ignores it.
    Dates given explicitly (``published_from``/``published_to``) always filter and replace the question's.
    Returns (filter, TimeScope or None, the question without its time words)."""
    from rag.ask.dates import resolve_time

    if dates not in ("prefer", "filter", "off"):
        raise QuestionError(f"dates must be prefer, filter or off, not {dates!r}")
    explicit = SearchFilter(outlet=outlet, published_from=published_from, published_to=published_to,
                            prefer_recent=bool(prefer_recent)).validated()   # bad input fails before any search
    scope = (resolve_time(question, now) or None) if dates != "off" else None
    if scope and not explicit.has_dates:
        flt = SearchFilter.from_time_scope(scope, outlet=explicit.outlet, soft=dates == "prefer")
    else:
        flt = explicit.merged(prefer_recent=bool(scope and scope.prefer_recent) or None)
    if explicit.prefer_recent:
        flt = flt.merged(prefer_recent=True)
    return flt.validated(), scope, (scope.text if scope else question)


def _day_number(iso: str) -> int:
    return int(iso.replace("-", ""))


class _ChunkTable:
    """Outlet and publication days of every article and every chunk (BM25 order), as numpy arrays."""

    def __init__(self, records: dict[str, ArticleRecord], bm25: BM25Index):
        self.doc_ids = sorted(records)
        pos = {d: i for i, d in enumerate(self.doc_ids)}
        n = len(self.doc_ids)
        self.doc_lo = np.zeros(n + 1, dtype=np.int32)        # 0: date unknown; the extra last slot is "no article"
        self.doc_hi = np.zeros(n + 1, dtype=np.int32)
        outlets: dict[str, int] = {}
        self.doc_outlet = np.full(n + 1, -1, dtype=np.int32)

        def bounds(published) -> tuple[int, int]:
            if published:
                try:
                    lo, hi = date_bounds(str(published))
                    return _day_number(lo), _day_number(hi)
                except QuestionError:
                    pass
            return 0, 0

        def outlet_id(outlet) -> int:
            return outlets.setdefault(str(outlet).casefold(), len(outlets)) if outlet else -1

        # the other outlets and dates that ran an article (its grouped copies): a filter passes the article when
        # the article itself or any one copy passes it, so a wire story filed again later is found in either range
        copy_rows: list[tuple[int, int, int, int]] = []
        for i, d in enumerate(self.doc_ids):
            meta = records[d].metadata
            self.doc_lo[i], self.doc_hi[i] = bounds(meta.get("published"))
            self.doc_outlet[i] = outlet_id(meta.get("outlet"))
            for c in _copies(meta):
                copy_rows.append((i, *bounds(c.get("published")), outlet_id(c.get("outlet"))))
        copies = np.asarray(copy_rows, dtype=np.int32).reshape(-1, 4)
        self.copy_doc, self.copy_lo, self.copy_hi, self.copy_outlet = (copies[:, k].copy() for k in range(4))
        self.outlets = sorted(outlets, key=outlets.__getitem__)
        bm25_to_doc = np.asarray([pos.get(d, n) for d in bm25.doc_ids] or [n], dtype=np.int32)
        self.chunk_doc = bm25_to_doc[bm25.doc_index] if len(bm25) else np.zeros(0, dtype=np.int32)
        self.chunk_hi = self.doc_hi[self.chunk_doc]
        self.row = {cid: i for i, cid in enumerate(bm25.chunk_ids)}
        # the chunks in publication-date order (undated first): the row order of the vector matrix, so that
        # a date range is one contiguous block of it
        self.by_date = np.lexsort((np.arange(len(self.chunk_hi)), self.chunk_hi)).astype(np.int64)
        self.date_rank = np.empty_like(self.by_date)
        self.date_rank[self.by_date] = np.arange(len(self.by_date))

    def doc_mask(self, flt: SearchFilter, *, copies: bool = True) -> np.ndarray:
        """Articles passing the filter: by their own outlet and date, or (``copies``) by one of their copies'."""
        keep = self._passes(flt, self.doc_lo, self.doc_hi, self.doc_outlet)
        keep[-1] = False
        if copies and self.copy_doc.size:
            keep[self.copy_doc[self._passes(flt, self.copy_lo, self.copy_hi, self.copy_outlet)]] = True
        return keep

    def _passes(self, flt: SearchFilter, lo: np.ndarray, hi: np.ndarray, outlet: np.ndarray) -> np.ndarray:
        keep = np.ones(len(lo), dtype=bool)
        if flt.outlet:
            needle = flt.outlet.casefold().strip()
            ids = [i for i, o in enumerate(self.outlets) if needle in o]
            keep &= np.isin(outlet, np.asarray(ids, dtype=np.int32))
        if flt.published_from:
            keep &= hi >= _day_number(date_bounds(flt.published_from)[0])
        if flt.published_to:
            keep &= (lo > 0) & (lo <= _day_number(date_bounds(flt.published_to)[1]))
        return keep

    def chunk_mask(self, flt: SearchFilter) -> np.ndarray:
        return self.doc_mask(flt)[self.chunk_doc]


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
        self._table: _ChunkTable | None = None
        self._vectors: np.ndarray | None = None
        self._lock = threading.Lock()
        self._filter_lock = threading.Lock()
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
        with self._lock, self._filter_lock:
            self.store = store
            self._bm25, self._fingerprint = bm25, fingerprint
            self._records = {d: r for d, r in records.items() if r.status == "ok"}
            self._articles = None
            self._table, self._vectors = None, None
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

    # ------------------------------------------------------------------ filters
    def _chunk_table(self) -> _ChunkTable:
        with self._filter_lock:
            if self._table is None:
                self._table = _ChunkTable(self._records, self._bm25)
            return self._table

    def _chunk_vectors(self) -> np.ndarray:
        """The unit chunk vectors, row i for chunk ``bm25.chunk_ids[table.by_date[i]]`` (date order)."""
        table = self._chunk_table()
        with self._filter_lock:
            if self._vectors is None:
                ids = self._bm25.chunk_ids
                self._vectors = sync_chunk_vectors(self.store, [ids[i] for i in table.by_date],
                                                   self._bm25.fingerprint, cache_path(self.settings))
            return self._vectors

    def prepare_filters(self) -> None:
        """Build the chunk table and load (or build) the chunk vectors now, so the first filtered
        question does not pay for it (safe from a background thread)."""
        self._chunk_table()
        self._chunk_vectors()

    def filter_doc_ids(self, *, outlet: str | None = None, published_from: str | None = None,
                       published_to: str | None = None) -> list[str] | None:
        """Document ids passing the filters (None when there is no filter)."""
        flt = SearchFilter(outlet, published_from, published_to).validated()
        if not flt.active:
            return None
        table = self._chunk_table()
        keep = table.doc_mask(flt)[:-1]
        return [table.doc_ids[i] for i in np.flatnonzero(keep)]

    def count_chunks(self, search_filter: SearchFilter | None = None) -> int:
        """How many chunks a search with this filter chooses from."""
        if not search_filter or not search_filter.active:
            return len(self._bm25)
        return int(self._chunk_table().chunk_mask(search_filter.validated()).sum())

    def date_range(self) -> tuple[str | None, str | None]:
        """The first and last publication day in the index (ISO), None when no article is dated."""
        table = self._chunk_table()
        los = np.concatenate([table.doc_lo, table.copy_lo])
        his = np.concatenate([table.doc_hi, table.copy_hi])
        known = los[los > 0]
        if not known.size:
            return None, None
        def iso(n: int) -> str:
            return f"{n // 10000:04d}-{n // 100 % 100:02d}-{n % 100:02d}"
        return iso(int(known.min())), iso(int(his.max()))

    def _effective_filter(self, search_filter: SearchFilter | None, **fields: Any) -> SearchFilter:
        base = search_filter if search_filter is not None else (current_scope() or SearchFilter())
        if fields.get("published_from") is not None or fields.get("published_to") is not None:
            base = base.hard()                            # dates given here are required
        return base.merged(**fields).validated()

    def _dense_filtered(self, qvec: np.ndarray, n: int, mask: np.ndarray, kept: int) -> list[tuple[str, float]]:
        """The ``n`` nearest chunks under ``mask``, by the cheapest of three exact-enough ways:

        * the kept chunks lie in a date-ordered block of at most EXACT_DENSE_ROWS rows (a date range):
          one matrix-vector product over that block of the matrix, no copy;
        * they are few but spread over many dates (a small outlet): their rows are gathered and scored;
        * they are many (a large share of the index): an unfiltered HNSW search over-fetched by the
          inverse of that share, its hits kept under the mask (exact scoring when too few survive).
        """
        bm25 = self._bm25
        table = self._chunk_table()
        q = np.asarray(qvec, dtype=np.float32)
        in_order = mask[table.by_date]                    # the mask over the date-ordered rows
        kept_rows = np.flatnonzero(in_order)
        lo, hi = int(kept_rows[0]), int(kept_rows[-1]) + 1
        spread = hi - lo > EXACT_DENSE_ROWS
        if spread and kept > EXACT_DENSE_ROWS:
            total = len(bm25)
            fetch = min(total, max(n, math.ceil(n * total / kept * 2.0)))
            out = []
            for cid, cos in nearest_chunk_ids(self.store, q, fetch):
                row = table.row.get(cid)
                if row is not None and mask[row]:
                    out.append((cid, cos))
                    if len(out) == n:
                        return out
        vecs = self._chunk_vectors()
        if spread and kept <= EXACT_DENSE_ROWS:
            rows = kept_rows
            sims = np.asarray(vecs[rows]) @ q
        else:
            rows = np.arange(lo, hi)
            sims = np.asarray(vecs[lo:hi]) @ q
            sims[~in_order[lo:hi]] = -np.inf
        n = min(n, kept)
        part = np.argpartition(-sims, n - 1)[:n] if sims.size > n else np.arange(sims.size)
        part = part[np.isfinite(sims[part])]
        order = part[np.argsort(-sims[part], kind="stable")]
        return [(bm25.chunk_ids[table.by_date[rows[i]]], float(sims[i])) for i in order]

    def _where(self, table: _ChunkTable, flt: SearchFilter) -> dict:
        """The Chroma filter for the dense search (some article passes ``flt``): on chunk metadata (outlet,
        pub_lo/pub_hi) rather than a long id list; articles that pass only through a copy's outlet or date, and
        short lists, are named by id."""
        own = table.doc_mask(flt, copies=False)[:-1]
        via_copy = table.doc_mask(flt)[:-1] & ~own
        ids = lambda mask: [table.doc_ids[i] for i in np.flatnonzero(mask)]   # noqa: E731
        if int(own.sum()) + int(via_copy.sum()) <= WHERE_MAX_IDS or not own.any():
            allowed = ids(own | via_copy)
            return {"doc_id": {"$in": allowed}} if len(allowed) > 1 else {"doc_id": allowed[0]}
        clauses: list[dict] = []
        if flt.outlet:
            outlets = sorted({str(self._records[d].metadata.get("outlet")) for d in ids(own)})
            clauses.append({"outlet": {"$in": outlets}} if len(outlets) > 1 else {"outlet": outlets[0]})
        if flt.published_from:
            clauses.append({"pub_hi": {"$gte": int(date_bounds(flt.published_from)[0].replace("-", ""))}})
        if flt.published_to:
            clauses.append({"pub_lo": {"$lte": int(date_bounds(flt.published_to)[1].replace("-", ""))}})
        where = clauses[0] if len(clauses) == 1 else {"$and": clauses}
        if via_copy.any():
            where = {"$or": [where, {"doc_id": {"$in": ids(via_copy)}}]}
        return where

    # ------------------------------------------------------------------ search
    def _candidates(self, query: str, qvec: np.ndarray, flt: SearchFilter, n_cand: int
                    ) -> tuple[list[tuple[str, float]], list[tuple[str, float]], dict[str, dict]] | None:
        """(dense, sparse, dense hits with text) for ``flt`` (required limits only); None when it keeps nothing."""
        bm25 = self._bm25
        dense_hits: dict[str, dict] = {}
        if flt.active:
            table = self._chunk_table()
            mask = table.chunk_mask(flt)
            kept = int(mask.sum())
            if not kept:
                return None
            try:
                dense = self._dense_filtered(qvec, n_cand, mask, kept)
            except Exception as exc:    # the vector matrix could not be built: Chroma's own filter
                if isinstance(exc, QuestionError):
                    raise
                log.warning("filtered vector search fell back to Chroma's filter (slower): %s", exc)
                where = self._where(table, flt)
                dense_hits = {h["id"]: h for h in self.store.search(qvec, n_cand, where)
                              if h["id"] in table.row and mask[table.row[h["id"]]]}
                dense = [(cid, h["cosine"]) for cid, h in dense_hits.items()]
            return dense, bm25.top(query, n_cand, mask=mask), dense_hits
        try:
            found = self.store.search(qvec, n_cand, None)
        except Exception as first:  # chromadb raises its own types; a stale in-process copy is the usual cause
            try:
                self.refresh(force=True)
                found = self.store.search(qvec, n_cand, None)
            except Exception as exc:
                raise BackendError(f"the vector index in {self.store.location} could not be searched ({exc}). "
                                   "Restart this process; if the error stays, rebuild the index with "
                                   "`newsrag ingest --rebuild`") from first
            bm25 = self._bm25
        records = self._records
        # chunks of articles still being (re)indexed by a concurrent ingest are not served yet
        dense_hits = {h["id"]: h for h in found if h["metadata"].get("doc_id") in records}
        dense = [(cid, h["cosine"]) for cid, h in dense_hits.items()]
        return dense, bm25.top(query, n_cand), dense_hits

    def retrieve(self, query: str, k: int | None = None, *, outlet: str | None = None,
                 published_from: str | None = None, published_to: str | None = None,
                 prefer_recent: bool | None = None, search_filter: SearchFilter | None = None) -> list[Scored]:
        """The ``k`` best passages for ``query``, best first (empty when nothing is indexed or matches).

        The filter is ``search_filter`` (else the one set by :func:`search_scope`, else none), with the
        keyword arguments given here replacing its fields (and making its dates required). Soft dates
        (``dates_soft``) exclude nothing: the passages of that range are searched as well and fused in
        as two more ranked lists, so they rank higher and are found even beyond the global candidates."""
        if not isinstance(query, str) or not query.strip():
            raise QuestionError("the question is empty: type a question about the articles")
        cfg = self.settings.retrieval
        k = cfg.k if k is None else int(k)
        if k <= 0:
            return []
        flt = self._effective_filter(search_filter, outlet=outlet, published_from=published_from,
                                     published_to=published_to, prefer_recent=prefer_recent)
        n_cand = max(cfg.candidates, k)
        qvec = self.embedder.embed([query])[0]
        got = self._candidates(query, qvec, flt.required(), n_cand)
        if got is None:
            return []
        dense, sparse, dense_hits = got
        ranked_lists = [dense, sparse]
        if flt.dates_soft and flt.has_dates:
            preferred = self._candidates(query, qvec, flt.hard(), n_cand)
            if preferred is not None:
                ranked_lists += [preferred[0], preferred[1]]
                dense_hits = {**preferred[2], **dense_hits}
                seen_dense, seen_sparse = {c for c, _ in dense}, {c for c, _ in sparse}
                dense = dense + [x for x in preferred[0] if x[0] not in seen_dense]
                sparse = sparse + [x for x in preferred[1] if x[0] not in seen_sparse]
        if flt.prefer_recent:
            table = self._chunk_table()
            pool = {cid for cid, _ in dense} | {cid for cid, _ in sparse}
            dated = [(cid, int(table.chunk_hi[table.row[cid]])) for cid in pool if cid in table.row]
            dated = [x for x in dated if x[1] > 0]
            ranked_lists.append(sorted(dated, key=lambda x: (-x[1], x[0])))
        fused: dict[str, float] = {}
        for ranked in ranked_lists:
            for rank, (cid, _score) in enumerate(ranked, 1):
                fused[cid] = fused.get(cid, 0.0) + 1.0 / (cfg.rrf_k + rank)
        if not fused:
            return []
        bm25_scores = dict(sparse)
        dense_scores = dict(dense)
        top = sorted(fused, key=lambda c: (-fused[c], -dense_scores.get(c, -1.0), c))[:k]
        # passages not fetched by the dense search: their text, and their vectors for the relevance score
        vectors = self._vectors
        missing = [c for c in top if c not in dense_hits]
        fetched = self.store.get_chunks(missing, embeddings=vectors is None and any(c not in dense_scores
                                                                                   for c in missing))
        out: list[Scored] = []
        for cid in top:
            if cid in dense_hits:
                item, cos = dense_hits[cid], dense_hits[cid]["cosine"]
            elif cid in fetched:
                item = fetched[cid]
                if cid in dense_scores:
                    cos = dense_scores[cid]
                elif vectors is not None:
                    table = self._chunk_table()
                    cos = float(np.dot(vectors[table.date_rank[table.row[cid]]], qvec))
                else:
                    cos = float(np.dot(item["embedding"], qvec))
            else:                     # deleted by a concurrent ingest
                continue
            meta = item["metadata"]
            if meta.get("doc_id") not in self._records:
                continue
            chunk = Chunk(chunk_id=cid, doc_id=meta["doc_id"], text=item["text"], start=int(meta["start"]),
                          end=int(meta["end"]), title=meta.get("title"), title_derived=bool(meta.get("title_derived")),
                          outlet=meta.get("outlet"), published=meta.get("published"), url=meta.get("url"),
                          copies=_copies(meta))
            out.append(Scored(chunk=chunk, score=min(1.0, max(0.0, cos)), dense=cos, bm25=bm25_scores.get(cid),
                              rrf=fused[cid], rank=len(out) + 1))
        return out
