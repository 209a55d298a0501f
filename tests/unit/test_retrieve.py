"""Retriever over the seed corpus with the hashing embedder (no model)."""

from __future__ import annotations

import pytest

from rag.ask.retrieve import Retriever, SearchFilter, date_bounds
from rag.errors import QuestionError
from rag.ingest.pipeline import ingest
from tests.conftest import CORPUS_DIR


@pytest.fixture
def retriever(fake_settings) -> Retriever:
    ingest([CORPUS_DIR], fake_settings, progress=False)
    return Retriever.from_settings(fake_settings)


def test_retrieve_returns_ranked_scored_chunks_with_exact_offsets(retriever):
    hits = retriever.retrieve("How many migrants did Mexico interdict in March?", 4)
    assert [h.rank for h in hits] == [1, 2, 3, 4]
    assert [h.rrf for h in hits] == sorted((h.rrf for h in hits), reverse=True)
    assert hits[0].chunk.doc_id == "004_edbd6cb541be27cd"
    for h in hits:
        art = retriever.article(h.chunk.doc_id)
        assert art is not None and art.text[h.chunk.start:h.chunk.end] == h.chunk.text
        assert 0.0 <= h.score <= 1.0 and h.score == pytest.approx(max(0.0, h.dense))


def test_numbers_match_with_and_without_thousands_separators(retriever):
    for query in ("300,000 migrants", "300000 migrants"):
        top = retriever._bm25.top(query, 1)
        text = retriever.store.get_chunks([top[0][0]])[top[0][0]]["text"]
        assert "300,000 migrants" in text


def test_outlet_and_date_filters(retriever):
    nbc = retriever.retrieve("Mexico migrants", 10, outlet="nbc")
    assert nbc and {h.chunk.doc_id for h in nbc} <= {"002_d740b1a8b1fd0e4c", "004_edbd6cb541be27cd"}
    dated = retriever.retrieve("Mexico migrants", 10, published_from="2021-12", published_to="2021-12-31")
    assert {h.chunk.doc_id for h in dated} == {"000_7df45c5984f952ab", "001_8c20d3ddfa406498"}
    only_day = retriever.retrieve("Mexico migrants", 10, published_from="2021-12-10", published_to="2021-12-10")
    assert {h.chunk.doc_id for h in only_day} == {"000_7df45c5984f952ab"}
    assert retriever.retrieve("Mexico migrants", 5, published_from="2030") == []
    assert retriever.retrieve("Mexico", 5, outlet="no such outlet") == []
    with pytest.raises(QuestionError, match="not a date"):
        retriever.retrieve("Mexico", 5, published_from="last week")


def test_date_bounds():
    assert date_bounds("2024") == ("2024-01-01", "2024-12-31")
    assert date_bounds("2024-02") == ("2024-02-01", "2024-02-29")
    assert date_bounds("2023-12-05") == ("2023-12-05", "2023-12-05")
    with pytest.raises(QuestionError):
        date_bounds("2024-13")


def test_articles_and_article(retriever):
    arts = retriever.articles()
    assert [a.doc_id for a in arts] == sorted(p.stem for p in CORPUS_DIR.glob("*.txt"))
    a4 = retriever.article("004_edbd6cb541be27cd")
    assert a4.title.startswith("Mexico is stopping nearly three times") and not a4.title_derived
    assert a4.outlet == "NBC News" and a4.published == "2024-05"
    a0 = retriever.article("000_7df45c5984f952ab")
    assert a0.title_derived and a0.title.startswith("The U.S. today returned")
    assert retriever.article("nope") is None


def test_empty_query_is_rejected(retriever):
    with pytest.raises(QuestionError):
        retriever.retrieve("   ")


def test_filters_on_a_larger_index_use_chunk_metadata(fake_settings, tmp_path):
    """More than 20 matching articles: the dense filter runs on outlet/pub_lo/pub_hi instead of an id list."""
    import json

    outlets = ["NBC News", "Border Report", "Reuters", None]
    dates = ["2021-12-06", "2022-03", "2023", "2024-05-17", None]
    rows, meta = [], {}
    for i in range(80):
        doc = f"art{i:03d}"
        meta[doc] = (outlets[i % 4], dates[i % 5])
        rows.append({"id": doc, "title": f"Story {i}", "outlet": outlets[i % 4], "published": dates[i % 5],
                     "text": f"Migrants crossed the border near bridge {i}. Officials counted the crossings again. "
                             f"The shelter in city {i} was full, the agency said."})
    (tmp_path / "many.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    ingest([tmp_path / "many.jsonl"], fake_settings, progress=False)
    r = Retriever.from_settings(fake_settings)

    def expect(pred):
        return {d for d, (o, p) in meta.items() if pred(o, p)}

    got = {h.chunk.doc_id for h in r.retrieve("migrants border shelter", 100, outlet="REUTERS")}
    assert got == expect(lambda o, p: o == "Reuters")
    got = {h.chunk.doc_id for h in r.retrieve("migrants border shelter", 100, published_from="2022-01",
                                              published_to="2023-06")}
    assert got == expect(lambda o, p: p in ("2022-03", "2023"))
    got = {h.chunk.doc_id for h in r.retrieve("migrants border shelter", 100, outlet="news", published_from="2024")}
    assert got == expect(lambda o, p: o == "NBC News" and p == "2024-05-17")
    # the dense side alone honours the filter too, and finds every match: a filter keeping few chunks is scored
    # exactly (Chroma's filtered HNSW search returned 12 of these 20)
    where = r._where(r._chunk_table(), SearchFilter(outlet="border").validated())
    dense_docs = {h["metadata"]["doc_id"] for h in r.store.search(r.embedder.embed(["migrants"])[0], 100, where)}
    want = expect(lambda o, p: o == "Border Report")
    assert dense_docs == want
