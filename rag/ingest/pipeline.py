"""Ingest flow, top to bottom:  load -> clean -> chunk -> embed -> store (+ BM25 index).

``ingest(paths, settings)`` brings the index to exactly the state of the input:

* unchanged articles (same text, metadata, model and chunking) cost nothing: no embedding, no write;
* a new or edited article is chunked; only chunks whose content hash is not stored yet are embedded;
  its old chunks are deleted (no orphans); chunks that only changed metadata are updated in place;
* with ``prune=True`` articles no longer in the input leave the index;
* crash safety: an article's record is written as ``pending`` before its chunks and ``ok`` only after
  all of them are stored, so a run killed at any point is completed by the next run (already stored
  chunks are not embedded again);
* a file that cannot be read is skipped with a reason; the rest of the batch goes on.
"""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from rag.backends.bm25 import bm25_text, sync_bm25
from rag.backends.embeddings import Embedder, count_tokens_many, make_embedder
from rag.backends.store import ChromaStore, article_metadata
from rag.ingest.chunk import ChunkPlan, chunk_article
from rag.ingest.clean import to_article
from rag.ingest.load import discover, iter_docs
from rag.types import Article

if TYPE_CHECKING:  # pragma: no cover
    from rag.config import Settings

MAX_TITLE_CHARS = 300        # longer headlines are cut (the headline is embedded with every chunk)
CHUNKER_VERSION = 3          # 2: chunks carry pub_lo/pub_hi for date filters; 3: chunks bounded in characters too


@dataclass
class IngestReport:
    articles: int = 0                 # articles read from the input (indexed or already up to date)
    chunks: int = 0                   # chunks of those articles
    embedded: int = 0                 # chunks embedded in this run (0 when nothing changed)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    repaired: list[str] = field(default_factory=list)            # what an interrupted run left, put right
    skipped: list[tuple[str, str]] = field(default_factory=list)   # (file, reason)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    embed_seconds: float = 0.0        # time spent inside the embedding model
    model_seconds: float = 0.0        # loading the embedding model (not part of ``seconds``)
    location: str = ""

    @property
    def failed(self) -> int:
        return len(self.skipped)

    @property
    def chunks_per_s(self) -> float:
        return self.embedded / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        lines = [
            f"Indexed {self.articles} article{'s' if self.articles != 1 else ''} into {self.location}: "
            f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged, {self.removed} removed.",
            f"Chunks: {self.chunks} in the input, {self.embedded} embedded; {self.seconds:.1f} s "
            f"({self.chunks_per_s:.1f} chunks/s)"
            + (f", plus {self.model_seconds:.1f} s loading the embedding model." if self.model_seconds >= 0.05 else "."),
        ]
        if self.repaired:
            lines.append("Repaired what an interrupted run had left: " + "; ".join(self.repaired) + ".")
        if self.skipped:
            lines.append(f"FAILED: {self.failed} file{'s' if self.failed != 1 else ''} skipped (listed above).")
        else:
            lines.append("Skipped: 0.")
        return "\n".join(lines)


def index_hash(article: Article, model_name: str, settings: "Settings") -> str:
    """Changes whenever the article's chunks or their vectors would change."""
    payload = json.dumps([article.content_hash, model_name, settings.chunking.model_dump(),
                          settings.embedding.max_seq_tokens, CHUNKER_VERSION], sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def chunk_metadata(plan: ChunkPlan, article: Article) -> dict[str, Any]:
    c = plan.chunk
    lo, hi = published_range(c.published)
    return {"doc_id": c.doc_id, "start": c.start, "end": c.end, "title": c.title, "title_derived": c.title_derived,
            "outlet": c.outlet, "published": c.published, "url": c.url, "article_hash": article.content_hash,
            "pub_lo": lo, "pub_hi": hi}


def published_range(published: str | None) -> tuple[int | None, int | None]:
    """"2024-05" -> (20240501, 20240531): the days a partial date covers, as numbers Chroma can compare."""
    if not published:
        return None, None
    from rag.ask.retrieve import date_bounds
    from rag.errors import QuestionError

    try:
        lo, hi = date_bounds(published)
    except QuestionError:
        return None, None
    return int(lo.replace("-", "")), int(hi.replace("-", ""))


def load_articles(paths: Sequence[Path | str], settings: "Settings",
                  log: Callable[[str], None] | None = None) -> tuple[list[Article], list[tuple[str, str]], list[str]]:
    """Load and clean every article under ``paths``: (articles, skipped (file, reason), warnings)."""
    log = log or (lambda _msg: None)
    skipped: list[tuple[str, str]] = []
    warnings: list[str] = []
    found = discover(paths)
    for p in found.problems:
        skipped.append((p.path, p.reason))
        log(f"skipped {p.path}: {p.reason}")
    articles: dict[str, Article] = {}
    max_bytes = int(settings.ingest.max_file_mb * 1_000_000)
    for _file, docs, problems in iter_docs(found.files, max_bytes):
        for p in problems:
            skipped.append((p.path, p.reason))
            log(f"skipped {p.path}: {p.reason}")
        for doc in docs:
            if doc.doc_id in articles:
                reason = f"duplicate document id '{doc.doc_id}' (already read from {articles[doc.doc_id].source_path})"
                skipped.append((doc.source_path, reason))
                log(f"skipped {doc.source_path}: {reason}")
                continue
            try:
                article, warns = to_article(doc)
            except Exception as exc:  # one odd document must not abort the batch
                skipped.append((doc.source_path, f"could not be cleaned ({exc.__class__.__name__}: {exc})"))
                log(f"skipped {doc.source_path}: could not be cleaned ({exc})")
                continue
            if article.title and len(article.title) > MAX_TITLE_CHARS:
                # a headline is a line, not a document: an endless one would leave no room in any chunk
                cut = article.title[:MAX_TITLE_CHARS].rsplit(" ", 1)[0].rstrip() or article.title[:MAX_TITLE_CHARS]
                warns = [*warns, f"{doc.source_path}: headline of {len(article.title)} characters cut to "
                                 f"{len(cut)}"]
                article = dataclasses.replace(article, title=cut + "…")
            for w in warns:
                warnings.append(w)
                log(f"warning: {w}")
            if len(article.text) < settings.ingest.min_chars:
                reason = (f"too little text after cleaning ({len(article.text)} characters; the minimum is "
                          f"{settings.ingest.min_chars}, NEWSRAG_INGEST__MIN_CHARS)")
                skipped.append((doc.source_path, reason))
                log(f"skipped {doc.source_path}: {reason}")
                continue
            articles[article.doc_id] = article
    return list(articles.values()), skipped, warnings


def ingest(paths: Sequence[Path | str], settings: "Settings", *, prune: bool = False,
           embedder: Embedder | None = None, progress: bool = True, rebuild: bool = False,
           log: Callable[[str], None] | None = None) -> IngestReport:
    """Index the articles under ``paths``; see the module docstring for the guarantees."""
    report = IngestReport()
    if embedder is None:
        t0 = time.perf_counter()
        embedder = make_embedder(settings.embedding)
        report.model_seconds = time.perf_counter() - t0
    started = time.perf_counter()

    # load -> clean
    articles, report.skipped, report.warnings = load_articles(paths, settings, log)
    report.articles = len(articles)

    store = ChromaStore.open(settings, model_name=embedder.name, dim=embedder.dim, create=True, rebuild=rebuild)
    report.location = store.location
    records = store.article_records()
    hashes = {a.doc_id: index_hash(a, embedder.name, settings) for a in articles}
    in_input = {a.doc_id for a in articles}

    # an article marked done must have exactly its chunks: a run killed in the middle of a prune or an
    # edit (or an older version of this program) can leave one with none or some; it is indexed again when
    # it is in the input and leaves the index otherwise. Chunks of no article at all are deleted.
    counts = collections.Counter(str(meta.get("doc_id")) for _cid, meta in store.iter_chunk_metadata())
    damaged = {d for d, r in records.items() if r.status == "ok" and counts.get(d, 0) != r.n_chunks}
    stray = [d for d in counts if d not in records]
    if stray:
        store.delete_chunks_of(stray)
        n = sum(counts[d] for d in stray)
        report.repaired.append(f"deleted {n} chunk{'s' if n != 1 else ''} that belonged to no article")

    todo: list[Article] = []
    for a in articles:
        rec = records.get(a.doc_id)
        if rec is not None and rec.status == "ok" and rec.index_hash == hashes[a.doc_id] and a.doc_id not in damaged:
            report.unchanged += 1
            report.chunks += rec.n_chunks
        else:
            todo.append(a)
            if a.doc_id not in damaged:                   # (a repair is counted below, not as an edit)
                if rec is not None and rec.status == "ok":
                    report.updated += 1
                else:
                    report.new += 1
    reindexed = sum(1 for a in articles if a.doc_id in damaged)
    if reindexed:
        report.repaired.append(f"indexed again {reindexed} article{'s' if reindexed != 1 else ''} whose chunks "
                               "were missing")

    # what leaves the index: with --prune everything not in the input; always the half-written
    # (pending) records of articles that are no longer in the input, and done ones whose chunks are gone.
    # They are marked pending before their chunks go, so a run killed here is finished by the next one.
    leaving = [d for d, r in records.items()
               if d not in in_input and (prune or r.status != "ok" or d in damaged)]
    if leaving:
        finishing = [d for d in leaving if records[d].status != "ok" or d in damaged]
        store.put_articles([(d, "", {**records[d].metadata, "status": "pending"}) for d in leaving
                            if records[d].status == "ok"])
        store.delete_chunks_of(leaving)
        store.delete_articles(leaving)
        report.removed = len(leaving)
        if finishing:
            report.repaired.append(f"removed {len(finishing)} article{'s' if len(finishing) != 1 else ''} no longer "
                                   "in the input that an interrupted run had left half-removed or half-written")
    if prune:
        orphans = store.delete_chunks_not_of([d for d in records if d not in leaving] + list(in_input))
        if orphans:
            report.warnings.append(f"removed {orphans} chunks that belonged to no article")

    # mark what is about to change, then chunk -> embed -> store in bounded groups
    if todo:
        # (the text itself is written once, with the final record)
        store.put_articles([(a.doc_id, "", article_metadata(a, index_hash=hashes[a.doc_id], status="pending",
                                                               n_chunks=0)) for a in todo])
        report.chunks += _index_articles(todo, hashes, store, embedder, settings, report, progress)

    if todo or leaving or stray or not (Path(settings.paths.index_dir) / "bm25").exists():
        sync_bm25(store, settings, force=bool(todo or leaving or stray))
    report.seconds = time.perf_counter() - started
    return report


def _index_articles(todo: list[Article], hashes: dict[str, str], store: ChromaStore, embedder: Embedder,
                    settings: "Settings", report: IngestReport, progress: bool) -> int:
    from tqdm import tqdm

    group_target = max(settings.store.batch_size, settings.embedding.batch_size)
    total_chunks = 0
    bar = tqdm(total=len(todo), unit="article", desc="Indexing", disable=not progress, file=sys.stderr,
               dynamic_ncols=True, leave=False)

    def counter(texts):
        return count_tokens_many(embedder, texts)

    group: list[tuple[Article, list[ChunkPlan]]] = []
    group_chunks = 0
    try:
        for article in todo:
            plans = chunk_article(article, count_tokens_many=counter, model_name=embedder.name,
                                  max_tokens=settings.chunking.max_tokens,
                                  overlap_sentences=settings.chunking.overlap_sentences,
                                  overlap_tokens=settings.chunking.overlap_tokens,
                                  max_seq_tokens=getattr(embedder, "max_seq_tokens", settings.embedding.max_seq_tokens))
            group.append((article, plans))
            group_chunks += len(plans)
            total_chunks += len(plans)
            if group_chunks >= group_target:
                _store_group(group, hashes, store, embedder, report)
                bar.update(len(group))
                bar.set_postfix(chunks=report.embedded)
                group, group_chunks = [], 0
        if group:
            _store_group(group, hashes, store, embedder, report)
            bar.update(len(group))
    finally:
        bar.close()
    return total_chunks


def _store_group(group: list[tuple[Article, list[ChunkPlan]]], hashes: dict[str, str], store: ChromaStore,
                 embedder: Embedder, report: IngestReport) -> None:
    plans = [(p, a) for a, ps in group for p in ps]
    existing = store.existing_chunks([p.chunk.chunk_id for p, _ in plans])
    missing = [(p, a) for p, a in plans if p.chunk.chunk_id not in existing]
    stale_meta = [(p, a) for p, a in plans
                  if p.chunk.chunk_id in existing and existing[p.chunk.chunk_id] != _stored(chunk_metadata(p, a))]
    if missing:
        # an edit shifts the offsets (and so the ids) of later passages whose text did not change:
        # their vectors are reused from the article's stored chunks, not computed again
        reusable = _stored_vectors(store, {a.doc_id for p, a in missing}, {p.embed_text for p, _ in missing})
        vectors = np.zeros((len(missing), embedder.dim), dtype=np.float32)
        to_embed = [i for i, (p, _) in enumerate(missing) if p.embed_text not in reusable]
        for i, (p, _) in enumerate(missing):
            if p.embed_text in reusable:
                vectors[i] = reusable[p.embed_text]
        if to_embed:
            t0 = time.perf_counter()
            vectors[to_embed] = embedder.embed([missing[i][0].embed_text for i in to_embed])
            report.embed_seconds += time.perf_counter() - t0
        store.upsert_chunks([p.chunk.chunk_id for p, _ in missing], vectors, [p.chunk.text for p, _ in missing],
                            [chunk_metadata(p, a) for p, a in missing])
        report.embedded += len(to_embed)
    if stale_meta:
        store.update_chunk_metadata([p.chunk.chunk_id for p, _ in stale_meta],
                                    [chunk_metadata(p, a) for p, a in stale_meta])
    # all chunks of these articles are stored: drop their old chunks, then mark them done
    finished = []
    for article, ps in group:
        keep = {p.chunk.chunk_id for p in ps}
        old = [cid for cid in store.chunk_ids_of(article.doc_id) if cid not in keep]
        if old:
            store.delete_chunks(old)
        finished.append((article.doc_id, article.text,
                         article_metadata(article, index_hash=hashes[article.doc_id], status="ok", n_chunks=len(ps))))
    store.put_articles(finished)


def _stored_vectors(store: ChromaStore, doc_ids: set[str], wanted: set[str]) -> dict[str, Any]:
    """embed text -> stored vector, for chunks of ``doc_ids`` already in the index whose text is wanted."""
    out: dict[str, Any] = {}
    for doc_id in sorted(doc_ids):
        old_ids = store.chunk_ids_of(doc_id)
        if not old_ids:
            continue
        for item in store.get_chunks(old_ids, embeddings=True).values():
            text = bm25_text(item["text"] or "", item["metadata"])
            if text in wanted:
                out[text] = item["embedding"]
    return out


def _stored(meta: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in meta.items() if v is not None}
