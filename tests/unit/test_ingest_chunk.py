"""Sentence splitting and chunking: exact offsets, token bounds, overlap."""

from __future__ import annotations

import pytest

from rag.backends.fakes import HashingEmbedder
from rag.ingest.chunk import chunk_article, split_sentences
from rag.ingest.clean import to_article
from rag.ingest.load import iter_docs
from rag.types import Article
from tests.conftest import CORPUS_DIR

EMB = HashingEmbedder()


def counter(texts):
    return [EMB.count_tokens(t) for t in texts]


def chunks_of(article, max_tokens=200, overlap_sentences=2, overlap_tokens=60):
    return chunk_article(article, count_tokens_many=counter, model_name=EMB.name, max_tokens=max_tokens,
                         overlap_sentences=overlap_sentences, overlap_tokens=overlap_tokens)


def seed_articles():
    out = []
    for _f, docs, _p in iter_docs(sorted(CORPUS_DIR.glob("*.txt")), 10**8):
        out += [to_article(d)[0] for d in docs]
    return out


def test_sentences_respect_abbreviations_and_quotes():
    text = ('U.S. Customs and Border Protection said so. Mr. Biden met Gov. Greg Abbott on Dec. 6, 2021. '
            '“They are upset,” the Rev. Javier Calvillo said. Is it over? Yes! George W. Bush agreed.\nNew line here')
    got = [text[s:e] for s, e in split_sentences(text)]
    assert got == ["U.S. Customs and Border Protection said so.", "Mr. Biden met Gov. Greg Abbott on Dec. 6, 2021.",
                   "“They are upset,” the Rev. Javier Calvillo said.", "Is it over?", "Yes!",
                   "George W. Bush agreed.", "New line here"]


@pytest.mark.parametrize("max_tokens", [32, 64, 200])
def test_chunks_are_exact_spans_within_budget_covering_the_text(max_tokens):
    for article in seed_articles():
        plans = chunks_of(article, max_tokens=max_tokens)
        assert plans
        covered = set()
        for p in plans:
            c = p.chunk
            assert article.text[c.start:c.end] == c.text
            assert c.text == c.text.strip() and c.doc_id == article.doc_id
            assert EMB.count_tokens(c.text) <= max_tokens + 2 or len(split_sentences(c.text)) == 1
            covered.update(range(c.start, c.end))
        # every sentence of the article is inside some chunk
        for s, e in split_sentences(article.text):
            assert {i for i in range(s, e) if not article.text[i].isspace()} <= covered
        assert [p.chunk.start for p in plans] == sorted(p.chunk.start for p in plans)
        assert len({p.chunk.chunk_id for p in plans}) == len(plans)


def test_neighbouring_chunks_overlap_by_whole_sentences():
    article = seed_articles()[2]
    plans = chunks_of(article, max_tokens=64, overlap_sentences=2, overlap_tokens=60)
    assert len(plans) > 3
    overlaps = 0
    for a, b in zip(plans, plans[1:]):
        assert b.chunk.start > a.chunk.start and b.chunk.end > a.chunk.end
        if b.chunk.start < a.chunk.end:
            overlaps += 1
            shared = article.text[b.chunk.start:a.chunk.end]
            assert split_sentences(shared), "the overlap is whole sentences"
            assert EMB.count_tokens(shared) <= 60
    assert overlaps >= len(plans) // 2
    no_overlap = chunks_of(article, max_tokens=64, overlap_sentences=0)
    assert all(b.chunk.start >= a.chunk.end for a, b in zip(no_overlap, no_overlap[1:]))


def test_overlong_sentence_is_cut_at_words():
    text = "Intro sentence here. " + " ".join(f"word{i}" for i in range(300)) + ". Last one."
    article = Article(doc_id="long", text=text)
    plans = chunks_of(article, max_tokens=50, overlap_sentences=0)
    for p in plans:
        assert text[p.chunk.start:p.chunk.end] == p.chunk.text
        assert EMB.count_tokens(p.chunk.text) <= 50
    assert "word299" in plans[-1].chunk.text or "word299" in plans[-2].chunk.text


def test_headline_is_embedded_with_every_chunk_and_changes_ids():
    body = "A sentence about the border. " * 40
    printed = Article(doc_id="d", text=body.strip(), title="Printed headline")
    derived = Article(doc_id="d", text=body.strip(), title="A sentence about", title_derived=True)
    p1, p2 = chunks_of(printed, max_tokens=64), chunks_of(derived, max_tokens=64)
    assert all(p.embed_text.startswith("Printed headline\n") for p in p1)
    assert all(p.embed_text == p.chunk.text for p in p2)
    assert {p.chunk.chunk_id for p in p1}.isdisjoint({p.chunk.chunk_id for p in p2})


def test_chunk_ids_are_stable_content_hashes():
    a = seed_articles()[0]
    assert [p.chunk.chunk_id for p in chunks_of(a)] == [p.chunk.chunk_id for p in chunks_of(a)]
    other = chunk_article(a, count_tokens_many=counter, model_name="another-model", max_tokens=200,
                          overlap_sentences=2, overlap_tokens=60)
    assert {p.chunk.chunk_id for p in other}.isdisjoint({p.chunk.chunk_id for p in chunks_of(a)})
