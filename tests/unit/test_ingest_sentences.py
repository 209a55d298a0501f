"""Sentences persisted at ingest (rag/ingest/sentences.py) and read by the answer step: asking a question
embeds the question and nothing else. Hashing embedder, real embedded Chroma in a tmp dir."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from rag.ask import text as tx
from rag.ask.evidence import SentenceIndex
from rag.ask.pipeline import Answerer
from rag.ask.retrieve import Retriever
from rag.backends.fakes import HashingEmbedder
from rag.ingest.pipeline import ingest
from rag.ingest.sentences import SentenceStore
from tests.conftest import CORPUS_DIR

QUESTION = "How many asylum seekers were returned to Mexico on Friday?"


class Recording(HashingEmbedder):
    """The hashing embedder, remembering every text it was asked to embed."""

    def __init__(self):
        super().__init__()
        self.seen: list[str] = []

    def embed(self, texts):
        self.seen += list(texts)
        return super().embed(texts)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, dst, ignore=shutil.ignore_patterns("README.md"))
    return dst


def _article_sentences(retriever: Retriever) -> set[str]:
    return {s.text for a in retriever.articles() for s in tx.split_sentences(a.text)}


def test_asking_a_question_embeds_no_article_sentence(fake_settings, corpus):
    emb = Recording()
    ingest([corpus], fake_settings, embedder=emb, progress=False)
    retriever = Retriever.from_settings(fake_settings, embedder=emb)
    sentences = _article_sentences(retriever)
    # quote whatever ranks first (the hashing embedder's scores are not calibrated): the test is about embedding
    fake_settings = fake_settings.model_copy(update={"answer": fake_settings.answer.model_copy(
        update={"extractive_threshold": 0.0})})
    answerer = Answerer(settings=fake_settings, retriever=retriever, llm=None)
    emb.seen.clear()
    answer = answerer.ask(QUESTION)
    assert answer.citations, "the question must reach the evidence step (else the test proves nothing)"
    assert emb.seen and not (set(emb.seen) & sentences), "only the question may be embedded"

    # the same question over an index whose persisted sentences are gone embeds them lazily (the old way)
    shutil.rmtree(Path(fake_settings.paths.index_dir) / "sentences")
    lazy = Answerer(settings=fake_settings, retriever=Retriever.from_settings(fake_settings, embedder=emb), llm=None)
    emb.seen.clear()
    again = lazy.ask(QUESTION)
    assert set(emb.seen) & sentences
    assert again.answer == answer.answer and [c.quote for c in again.citations] == [c.quote for c in answer.citations]


def test_persisted_sentences_are_what_the_answer_step_would_compute(fake_settings, corpus):
    emb = HashingEmbedder()
    report = ingest([corpus], fake_settings, embedder=emb, progress=False)
    retriever = Retriever.from_settings(fake_settings, embedder=emb)
    assert report.sentences == len(_article_sentences(retriever))
    persisted = SentenceIndex(emb.embed, retriever.article)
    assert persisted._persisted is retriever.sentence_store
    lazy = SentenceIndex(emb.embed, retriever.article, persisted=SentenceStore(Path("/nonexistent"), emb.name))
    for article in retriever.articles():
        got = persisted.article_sentences(article.doc_id)
        assert got == lazy.article_sentences(article.doc_id) and got
        texts = [span.text for _para, span in got]
        np.testing.assert_allclose(persisted.vectors(texts), emb.embed(texts), atol=1e-6)


def test_sentence_files_follow_edits_and_prune(fake_settings, corpus):
    emb = HashingEmbedder()
    ingest([corpus], fake_settings, embedder=emb, progress=False)
    store = SentenceStore.for_settings(fake_settings, emb.name)
    assert len(store.keys()) == 5
    target = corpus / "001_8c20d3ddfa406498.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\nOne more closing sentence about the bridge.\n",
                      encoding="utf-8")
    ingest([corpus], fake_settings, embedder=emb, progress=False)
    assert len(store.keys()) == 5, "the edited article's old file is removed, its new one written"
    retriever = Retriever.from_settings(fake_settings, embedder=emb)
    assert store.load(retriever.article("001_8c20d3ddfa406498").text) is not None

    (corpus / "002_d740b1a8b1fd0e4c.txt").unlink()
    ingest([corpus], fake_settings, embedder=emb, progress=False)
    assert len(store.keys()) == 5, "without --prune the removed file's article stays indexed"
    ingest([corpus], fake_settings, embedder=emb, progress=False, prune=True)
    assert len(store.keys()) == 4


def test_a_cut_short_sentence_file_is_not_read_and_is_made_again(fake_settings, corpus):
    emb = HashingEmbedder()
    ingest([corpus], fake_settings, embedder=emb, progress=False)
    retriever = Retriever.from_settings(fake_settings, embedder=emb)
    article = retriever.articles()[0]
    store = retriever.sentence_store
    path = store.path(store.key(article.text))
    path.write_bytes(path.read_bytes()[:-10])
    assert store.load(article.text) is None
    report = ingest([corpus], fake_settings, embedder=emb, progress=False)
    assert report.sentences > 0 and store.load(article.text) is not None
