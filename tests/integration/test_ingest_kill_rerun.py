"""A real `newsrag ingest` process killed with SIGKILL mid-run; the next run must converge exactly.

Runs with the hashing embedder (no model) but a real embedded Chroma, in a tmp dir."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from rag.ask.retrieve import Retriever
from rag.backends.fakes import HashingEmbedder
from rag.backends.store import ChromaStore
from rag.config import load_settings
from rag.ingest.chunk import chunk_article
from rag.ingest.pipeline import load_articles
from tests.conftest import REPO_ROOT

NEWSRAG = str(Path(sys.executable).parent / "newsrag")
WORDS = ("border migrants mexico asylum policy officials agency shelter bridge court program deportation flights "
         "numbers record surge enforcement funding president administration talks").split()


def make_corpus(folder: Path, n: int) -> None:
    rng = random.Random(7)
    folder.mkdir()
    for i in range(n):
        paras = [" ".join(" ".join(rng.choice(WORDS) for _ in range(14)).capitalize() + "." for _ in range(5))
                 for _ in range(4)]
        (folder / f"a{i:04d}.txt").write_text(f"Synthetic article number {i}\n" + "\n\n".join(paras), encoding="utf-8")


def expected_state(corpus: Path, settings):
    emb = HashingEmbedder()
    articles, skipped, _ = load_articles([corpus], settings)
    assert not skipped
    chunks = {}
    for a in articles:
        for p in chunk_article(a, count_tokens_many=lambda ts: [emb.count_tokens(t) for t in ts], model_name=emb.name,
                               max_tokens=settings.chunking.max_tokens,
                               overlap_sentences=settings.chunking.overlap_sentences,
                               overlap_tokens=settings.chunking.overlap_tokens,
                               max_seq_tokens=settings.embedding.max_seq_tokens):
            chunks[p.chunk.chunk_id] = (a.doc_id, p.chunk.start, p.chunk.end, p.chunk.text)
    return chunks, {a.doc_id: a.text for a in articles}


def stored_state(settings):
    store = ChromaStore.open(settings, model_name="hashing-384", dim=384)
    chunks = {}
    for ids, docs, metas in store.iter_chunks():
        for cid, text, m in zip(ids, docs, metas):
            chunks[cid] = (m["doc_id"], m["start"], m["end"], text)
    records = store.article_records()
    texts = {d: t for d, t, _m in store.get_articles()}
    return chunks, records, texts


def test_sigkill_mid_ingest_then_rerun_converges(tmp_path):
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 1200)
    index = tmp_path / "index"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    env.update(NEWSRAG_PATHS__INDEX_DIR=str(index), NEWSRAG_EMBEDDING__PROVIDER="fake",
               NEWSRAG_STORE__BATCH_SIZE="64", ANONYMIZED_TELEMETRY="False")
    proc = subprocess.Popen([NEWSRAG, "ingest", str(corpus)], env=env, cwd=REPO_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    sqlite = index / "chroma" / "chroma.sqlite3"
    while not sqlite.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(2.0)                                   # let it write some groups
    assert proc.poll() is None, "ingest finished before it could be killed; make the corpus larger"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    settings = load_settings(env={}, overrides={"paths": {"index_dir": str(index)}, "embedding": {"provider": "fake"},
                                                "store": {"batch_size": 64}})
    want_chunks, want_texts = expected_state(corpus, settings)
    partial_chunks, partial_records, _ = stored_state(settings)
    finished = sum(r.status == "ok" for r in partial_records.values())
    assert finished < len(want_texts), "the kill should have left the index unfinished"
    assert len(partial_chunks) < len(want_chunks)

    rerun = subprocess.run([NEWSRAG, "ingest", str(corpus)], env=env, cwd=REPO_ROOT, capture_output=True,
                           text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{finished} unchanged" in rerun.stdout
    # Chroma caches an embedded index per process; another process has written to it since we looked
    # (one writer at a time is Chroma's rule for PersistentClient), so open it afresh.
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    chunks, records, texts = stored_state(settings)
    assert chunks == want_chunks
    assert texts == want_texts
    assert all(r.status == "ok" for r in records.values())
    retriever = Retriever.from_settings(settings, embedder=HashingEmbedder())
    assert set(retriever._bm25.chunk_ids) == set(want_chunks)
    top = retriever._bm25.top("1199", 1)[0][0]
    assert want_chunks[top][0] == "a1199"
    hits = retriever.retrieve("Synthetic article number 1199", 5)
    assert len(hits) == 5 and all(want_chunks[h.chunk.chunk_id][3] == h.chunk.text for h in hits)


def test_long_lived_retriever_picks_up_an_ingest_by_another_process(tmp_path):
    """The web chat keeps a Retriever open while `newsrag ingest` runs elsewhere: refresh() sees the change."""
    import shutil

    from tests.conftest import CORPUS_DIR

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, corpus, ignore=shutil.ignore_patterns("README.md"))
    index = tmp_path / "index"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    env.update(NEWSRAG_PATHS__INDEX_DIR=str(index), NEWSRAG_EMBEDDING__PROVIDER="fake", ANONYMIZED_TELEMETRY="False")
    assert subprocess.run([NEWSRAG, "ingest", str(corpus)], env=env, capture_output=True, timeout=300).returncode == 0
    settings = load_settings(env={}, overrides={"paths": {"index_dir": str(index)}, "embedding": {"provider": "fake"}})
    retriever = Retriever.from_settings(settings, embedder=HashingEmbedder())
    assert retriever.retrieve("Merida Initiative", 3)

    (corpus / "005_new.txt").write_text("Zanzibar ferry schedules changed\nThe ferry operator in Zanzibar changed "
                                        "its schedules for the rainy season, officials said on Tuesday.", encoding="utf-8")
    (corpus / "001_8c20d3ddfa406498.txt").unlink()
    res = subprocess.run([NEWSRAG, "ingest", "--prune", str(corpus)], env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert retriever.refresh() is True
    assert retriever.refresh() is False
    assert retriever.article("005_new") is not None and retriever.article("001_8c20d3ddfa406498") is None
    hits = retriever.retrieve("Zanzibar ferry rainy season", 3)
    assert hits[0].chunk.doc_id == "005_new"
    assert all(h.chunk.doc_id != "001_8c20d3ddfa406498" for h in retriever.retrieve("Casa del Migrante Calvillo", 6))
