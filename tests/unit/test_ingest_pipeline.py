"""Ingest pipeline with the hashing embedder and a real embedded Chroma in a tmp dir (no model)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from rag.ask.retrieve import Retriever
from rag.backends.fakes import HashingEmbedder
from rag.backends.store import ChromaStore
from rag.errors import IndexNotReadyError
from rag.ingest.pipeline import ingest
from tests.conftest import CORPUS_DIR


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, dst, ignore=shutil.ignore_patterns("README.md"))
    return dst


def snapshot(settings, embedder) -> tuple[dict, dict]:
    """Everything stored: chunk id -> (doc_id, start, end, text) and doc_id -> (status, text)."""
    store = ChromaStore.open(settings, model_name=embedder.name, dim=embedder.dim)
    chunks = {}
    for ids, docs, metas in store.iter_chunks():
        for cid, text, meta in zip(ids, docs, metas):
            chunks[cid] = (meta["doc_id"], meta["start"], meta["end"], text, meta.get("outlet"))
    arts = {d: (m.get("status"), t, m.get("outlet")) for d, t, m in store.get_articles()}
    return chunks, arts


def test_first_ingest_indexes_every_seed_article(fake_settings, corpus):
    emb = HashingEmbedder()
    report = ingest([corpus], fake_settings, embedder=emb, progress=False)
    assert report.articles == 5 and report.new == 5 and report.failed == 0
    assert report.embedded == report.chunks > 5
    chunks, arts = snapshot(fake_settings, emb)
    assert len(chunks) == report.chunks
    assert sorted(arts) == sorted(p.stem for p in corpus.glob("*.txt"))
    assert all(status == "ok" for status, _t, _o in arts.values())
    for doc_id, start, end, text, _o in chunks.values():
        assert arts[doc_id][1][start:end] == text


def test_reingest_unchanged_corpus_embeds_and_writes_nothing(fake_settings, corpus, monkeypatch):
    emb = HashingEmbedder()
    ingest([corpus], fake_settings, embedder=emb, progress=False)
    before = snapshot(fake_settings, emb)
    calls_before = emb.calls
    writes = []
    for name in ("upsert_chunks", "update_chunk_metadata", "delete_chunks", "delete_chunks_of", "put_articles",
                 "delete_articles"):
        original = getattr(ChromaStore, name)
        monkeypatch.setattr(ChromaStore, name, lambda self, *a, _n=name, _o=original, **kw: (writes.append(_n), _o(self, *a, **kw))[1])
    bm25_files = {p: p.stat().st_mtime_ns for p in (Path(fake_settings.paths.index_dir) / "bm25").iterdir()}
    report = ingest([corpus], fake_settings, embedder=emb, progress=False)
    assert emb.calls == calls_before, "no embeddings may be computed for an unchanged corpus"
    assert report.embedded == 0 and report.unchanged == 5 and report.new == report.updated == 0
    assert writes == []
    assert {p: p.stat().st_mtime_ns for p in bm25_files} == bm25_files, "BM25 cache must not be rebuilt"
    assert snapshot(fake_settings, emb) == before


def test_edited_article_replaces_its_chunks_without_orphans(fake_settings, corpus):
    emb = HashingEmbedder()
    ingest([corpus], fake_settings, embedder=emb, progress=False)
    target = corpus / "000_7df45c5984f952ab.txt"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("20 adult males", "twenty-two adult men") +
                      "\nA new closing paragraph about zebra crossings in Juarez was added by the editor.\n",
                      encoding="utf-8")
    calls = emb.texts_embedded
    report = ingest([corpus], fake_settings, embedder=emb, progress=False)
    assert report.updated == 1 and report.unchanged == 4
    # only passages whose text changed are embedded; shifted but unchanged ones reuse their vectors; the same
    # for the sentences persisted for the answer step (the changed one and the new paragraph's)
    assert 0 < report.embedded <= 3 and 0 < report.sentences <= 3
    assert emb.texts_embedded - calls == report.embedded + report.sentences
    chunks, arts = snapshot(fake_settings, emb)
    fresh = fake_settings.model_copy(deep=True)
    fresh.paths.index_dir = Path(fake_settings.paths.index_dir).parent / "fresh"
    ingest([corpus], fresh, embedder=HashingEmbedder(), progress=False)
    assert snapshot(fresh, emb) == (chunks, arts), "an edit must leave exactly what a fresh ingest makes"
    ids = sorted(chunks)
    reused = ChromaStore.open(fake_settings, model_name=emb.name, dim=emb.dim).get_chunks(ids, embeddings=True)
    made = ChromaStore.open(fresh, model_name=emb.name, dim=emb.dim).get_chunks(ids, embeddings=True)
    for cid in ids:                                   # reused vectors are the vectors of the same text
        np.testing.assert_allclose(reused[cid]["embedding"], made[cid]["embedding"], atol=1e-6)
    assert not any("20 adult males" in t for _d, _s, _e, t, _o in chunks.values())
    hits = Retriever.from_settings(fake_settings, embedder=emb).retrieve("zebra crossings Juarez editor", 3)
    assert any(h.chunk.doc_id == "000_7df45c5984f952ab" and "zebra" in h.chunk.text for h in hits)


def test_metadata_only_change_updates_in_place_without_embedding(fake_settings, corpus):
    import json

    emb = HashingEmbedder()
    ingest([corpus], fake_settings, embedder=emb, progress=False)
    side = corpus / "metadata.json"
    data = json.loads(side.read_text(encoding="utf-8"))
    data["articles"]["001_8c20d3ddfa406498"]["outlet"] = "Border Report (Nexstar)"
    side.write_text(json.dumps(data), encoding="utf-8")
    calls = emb.calls
    report = ingest([corpus], fake_settings, embedder=emb, progress=False)
    assert report.updated == 1 and emb.calls == calls
    chunks, arts = snapshot(fake_settings, emb)
    assert arts["001_8c20d3ddfa406498"][2] == "Border Report (Nexstar)"
    assert {o for d, _s, _e, _t, o in chunks.values() if d == "001_8c20d3ddfa406498"} == {"Border Report (Nexstar)"}


def test_deleted_article_stays_without_prune_and_goes_with_prune(fake_settings, corpus):
    emb = HashingEmbedder()
    ingest([corpus], fake_settings, embedder=emb, progress=False)
    (corpus / "003_e904c1ee689fa2a3.txt").unlink()
    report = ingest([corpus], fake_settings, embedder=emb, progress=False)
    assert report.removed == 0
    assert "003_e904c1ee689fa2a3" in snapshot(fake_settings, emb)[1]
    report = ingest([corpus], fake_settings, embedder=emb, progress=False, prune=True)
    assert report.removed == 1
    chunks, arts = snapshot(fake_settings, emb)
    assert "003_e904c1ee689fa2a3" not in arts
    assert all(d != "003_e904c1ee689fa2a3" for d, *_ in chunks.values())
    r = Retriever.from_settings(fake_settings, embedder=emb)
    assert r.article("003_e904c1ee689fa2a3") is None
    assert all(h.chunk.doc_id != "003_e904c1ee689fa2a3" for h in r.retrieve("Chicago Mayor Brandon Johnson capacity", 6))


class CrashingEmbedder(HashingEmbedder):
    """Dies on its n-th call, like a process killed in the middle of a batch."""

    def __init__(self, die_on_call: int):
        super().__init__()
        self.die_on_call = die_on_call

    def embed(self, texts):
        if self.calls + 1 == self.die_on_call:
            self.calls += 1
            raise KeyboardInterrupt("simulated kill")
        return super().embed(texts)


def test_crash_mid_ingest_is_completed_by_the_next_run(fake_settings, corpus, tmp_path):
    small = fake_settings.model_copy(deep=True)
    small.store.batch_size = 8            # several groups, so the crash lands mid-ingest
    small.embedding.batch_size = 4
    with pytest.raises(KeyboardInterrupt):
        ingest([corpus], small, embedder=CrashingEmbedder(die_on_call=3), progress=False)
    partial_chunks, partial_arts = snapshot(small, HashingEmbedder())
    assert any(s == "pending" for s, *_ in partial_arts.values()), "the crash should leave unfinished articles"
    assert partial_chunks, "the first groups were stored before the crash"
    emb = HashingEmbedder()
    report = ingest([corpus], small, embedder=emb, progress=False)
    assert report.embedded == report.chunks - len(partial_chunks), "stored chunks are not embedded again"
    fresh = small.model_copy(deep=True)
    fresh.paths.index_dir = tmp_path / "fresh"
    ingest([corpus], fresh, embedder=HashingEmbedder(), progress=False)
    assert snapshot(small, emb) == snapshot(fresh, emb)


def test_crash_then_article_removed_leaves_no_half_written_article(fake_settings, corpus):
    small = fake_settings.model_copy(deep=True)
    small.store.batch_size = 8
    small.embedding.batch_size = 4
    with pytest.raises(KeyboardInterrupt):
        ingest([corpus], small, embedder=CrashingEmbedder(die_on_call=2), progress=False)
    _chunks, arts = snapshot(small, HashingEmbedder())
    pending = [d for d, (s, *_r) in arts.items() if s == "pending"]
    for d in pending:
        (corpus / f"{d}.txt").unlink()
    ingest([corpus], small, embedder=HashingEmbedder(), progress=False)
    chunks, arts = snapshot(small, HashingEmbedder())
    assert not set(pending) & set(arts)
    assert not set(pending) & {d for d, *_ in chunks.values()}


def test_bad_files_are_skipped_with_reasons_and_the_rest_goes_on(fake_settings, corpus):
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    (corpus / "blank.md").write_text("   \n\n  ", encoding="utf-8")
    (corpus / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4\n this is not really a pdf")
    (corpus / "tiny.txt").write_text("Too short.", encoding="utf-8")
    (corpus / "bad.jsonl").write_text('{"id": "j1", "title": "Good line", "text": "' + "A fine article body. " * 10
                                      + '"}\n{not json\n{"id": "j3"}\n', encoding="utf-8")
    big = corpus / "huge.txt"
    big.write_text("word " * 300_000, encoding="utf-8")
    settings = fake_settings.model_copy(deep=True)
    settings.ingest.max_file_mb = 1.0
    lines: list[str] = []
    report = ingest([corpus, corpus / "missing.txt"], settings, embedder=HashingEmbedder(), progress=False,
                    log=lines.append)
    reasons = dict(report.skipped)
    assert report.articles == 6                   # five seed articles + the good JSONL line
    assert "empty" in reasons[str(corpus / "empty.txt")]
    assert "empty" in reasons[str(corpus / "blank.md")]
    assert "binary" in reasons[str(corpus / "binary.txt")]
    assert "PDF" in reasons[str(corpus / "broken.pdf")]
    assert "too little text" in reasons[str(corpus / "tiny.txt")]
    assert "oversized" in reasons[str(big)]
    assert "not valid JSON" in reasons[f"{corpus / 'bad.jsonl'}:2"]
    assert "no 'text'" in reasons[f"{corpus / 'bad.jsonl'}:3"]
    assert "no such file" in reasons[str(corpus / "missing.txt")]
    assert report.failed == 9 and "FAILED: 7 files and 2 records of a JSON Lines file skipped" in report.summary()
    assert len(lines) == 9 and all(line.startswith("skipped ") for line in lines)


def test_other_embedding_model_is_refused_on_open(fake_settings, corpus):
    ingest([corpus], fake_settings, embedder=HashingEmbedder(), progress=False)
    with pytest.raises(IndexNotReadyError, match="built with embedding model 'hashing-384'.*--rebuild"):
        Retriever.from_settings(fake_settings, embedder=HashingEmbedder(name="other-model"))
    with pytest.raises(IndexNotReadyError, match="hashing-384"):
        ingest([corpus], fake_settings, embedder=HashingEmbedder(name="other-model"), progress=False)
    report = ingest([corpus], fake_settings, embedder=HashingEmbedder(name="other-model"), progress=False,
                    rebuild=True)
    assert report.new == 5
    assert Retriever.from_settings(fake_settings, embedder=HashingEmbedder(name="other-model")).articles()


def test_missing_index_is_a_clear_error(fake_settings):
    with pytest.raises(IndexNotReadyError, match="newsrag ingest"):
        Retriever.from_settings(fake_settings)


def test_ingest_logs_progress_without_a_terminal_and_sums_up(fake_settings, corpus, monkeypatch):
    import rag.ingest.pipeline as pipeline

    monkeypatch.setattr(pipeline, "PROGRESS_EVERY_S", 0.0)
    monkeypatch.setattr(pipeline, "SENTENCE_BATCH", 20)
    fake_settings.store.batch_size = 4            # several groups, so progress lines come before the end
    fake_settings.embedding.batch_size = 4
    lines: list[str] = []
    report = ingest([corpus], fake_settings, embedder=HashingEmbedder(), progress=False, log=lines.append)
    assert any(line.startswith("Indexing: ") and "/5" in line and "chunks" in line for line in lines), lines
    assert any(line.startswith("Sentences: ") for line in lines), lines
    summary = report.summary()
    assert f"{report.chunks_per_s:.1f} chunks/s end to end" in summary and "Duplicates: 0 articles" in summary
    assert f"Sentences: {report.sentences} embedded" in summary
