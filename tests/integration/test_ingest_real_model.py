"""Ingest with the real bundled model and a real embedded Chroma: re-ingest is free, edits are local."""

from __future__ import annotations

import shutil

import pytest

from rag.ask.retrieve import Retriever
from rag.backends.embeddings import make_embedder
from rag.config import load_settings
from rag.ingest.pipeline import ingest
from tests.conftest import CORPUS_DIR

pytestmark = pytest.mark.slow


class Counting:
    def __init__(self, inner):
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.max_seq_tokens = inner.max_seq_tokens
        self.texts = 0

    def embed(self, texts):
        self.texts += len(texts)
        return self.inner.embed(texts)

    def count_tokens(self, text):
        return self.inner.count_tokens(text)

    def count_tokens_batch(self, texts):
        return self.inner.count_tokens_batch(texts)


def test_real_model_reingest_edit_and_token_bounds(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, corpus, ignore=shutil.ignore_patterns("README.md"))
    settings = load_settings(env={}, overrides={"paths": {"index_dir": str(tmp_path / "index")}})
    emb = Counting(make_embedder(settings.embedding))
    first = ingest([corpus], settings, embedder=emb, progress=False)
    # the chunks, and every sentence once for the answer step
    assert first.failed == 0 and first.chunks == first.embedded and first.sentences > first.chunks
    assert emb.texts == first.embedded + first.sentences
    second = ingest([corpus], settings, embedder=emb, progress=False)
    assert second.embedded == second.sentences == 0 and emb.texts == first.embedded + first.sentences, \
        "unchanged corpus: no embeddings"

    f = corpus / "002_d740b1a8b1fd0e4c.txt"
    f.write_text(f.read_text(encoding="utf-8").replace("later this month", "in early February"), encoding="utf-8")
    third = ingest([corpus], settings, embedder=emb, progress=False)
    # only the passages holding the edit are embedded again (later ones moved but reuse their vectors), and only
    # the edited sentence
    assert third.updated == 1 and 0 < third.embedded <= 2 and third.sentences == 1
    assert emb.texts == first.embedded + first.sentences + third.embedded + third.sentences

    r = Retriever.from_settings(settings, embedder=emb)
    texts = [h.chunk.text for h in r.retrieve("When will the two countries continue talks in Washington?", 6)]
    assert any("in early February" in t for t in texts) and not any("later this month" in t for t in texts)
    # every chunk fits the model's window (headline included): nothing is silently truncated
    for a in r.articles():
        for h in r.retrieve(a.text[:200], 20):
            tokens = emb.count_tokens((h.chunk.title + "\n" if h.chunk.title and not h.chunk.title_derived else "")
                                      + h.chunk.text)
            assert tokens <= 254
