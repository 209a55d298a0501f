"""Date, outlet and recency filters of the Retriever over a small dated collection (hashing embedder)."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest

import rag.ask.retrieve as retrieve_mod
from rag.ask.retrieve import Retriever, SearchFilter, scoped_stream, search_scope
from rag.backends.chunk_vectors import load_chunk_vectors, order_key, vectors_path
from rag.backends.bm25 import cache_path
from rag.errors import QuestionError
from rag.ingest.pipeline import ingest

# (id, outlet, published, text): the same story told on several days by several outlets
ROWS = [
    ("a1", "Reuters", "1987-03-02", "The central bank raised its discount rate to curb inflation, officials said."),
    ("a2", "Reuters", "1987-03-20", "The central bank raised its discount rate again as inflation stayed high."),
    ("a3", "Associated Press", "1987-04-07", "The central bank left its discount rate unchanged in April."),
    ("a4", "Reuters", "1987-06", "Coffee exporters met in London to discuss quotas for the coming season."),
    ("a5", "Financial Wire", "1987-10-19", "Stock markets fell sharply worldwide and the central bank cut rates."),
    ("a6", "Associated Press", None, "An undated note: the central bank discount rate was discussed."),
    ("a7", "Reuters", "1986", "Last year the central bank kept the discount rate steady all year."),
]
BODY = " It was the main news of the day for traders, bankers and economists across the region."


@pytest.fixture
def retriever(fake_settings, tmp_path) -> Retriever:
    path = tmp_path / "dated.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for doc_id, outlet, published, text in ROWS:
            row = {"id": doc_id, "title": f"Report {doc_id}", "text": text + BODY, "outlet": outlet}
            if published:
                row["published"] = published
            fh.write(json.dumps(row) + "\n")
    ingest([path], fake_settings, progress=False)
    return Retriever.from_settings(fake_settings)


def docs(hits) -> set[str]:
    return {h.chunk.doc_id for h in hits}


def test_date_outlet_filters_and_unknown_dates(retriever):
    q = "central bank discount rate"
    assert docs(retriever.retrieve(q, 10, published_from="1987-03", published_to="1987-03")) == {"a1", "a2"}
    assert docs(retriever.retrieve(q, 10, published_from="1987-03-15")) == {"a2", "a3", "a4", "a5"}
    assert docs(retriever.retrieve(q, 10, published_to="1987-03-10")) == {"a1", "a7"}      # a6: date unknown
    assert docs(retriever.retrieve(q, 10, outlet="associated")) == {"a3", "a6"}
    assert docs(retriever.retrieve(q, 10, outlet="reuters", published_from="1987")) == {"a1", "a2", "a4"}
    # a month-precise date overlaps a day range inside it
    assert docs(retriever.retrieve(q, 10, published_from="1987-06-15", published_to="1987-06-15")) == {"a4"}
    assert retriever.retrieve(q, 10, outlet="nobody") == []
    assert retriever.filter_doc_ids(outlet="wire") == ["a5"]
    assert retriever.filter_doc_ids() is None
    assert retriever.count_chunks(SearchFilter(outlet="reuters")) == len(retriever.filter_doc_ids(outlet="reuters"))
    assert retriever.date_range() == ("1986-01-01", "1987-10-19")


def test_bad_filters_say_what_is_wrong(retriever):
    with pytest.raises(QuestionError, match="not a date"):
        retriever.retrieve("rate", 5, published_from="March")
    with pytest.raises(QuestionError, match="date range is empty.*swap"):
        retriever.retrieve("rate", 5, published_from="1987-05", published_to="1987-03")
    with pytest.raises(QuestionError, match="outlet filter"):
        retriever.retrieve("rate", 5, outlet="x" * 500)


def test_over_fetched_and_exact_dense_paths_agree(retriever, monkeypatch):
    flt = SearchFilter(outlet="reuters", published_from="1987")
    exact = retriever.retrieve("central bank discount rate", 10, search_filter=flt)
    calls = []
    real_query = retriever.store.chunks.query

    def spy(**kw):
        calls.append(kw["n_results"])
        return real_query(**kw)

    monkeypatch.setattr(retriever.store.chunks, "query", spy)
    monkeypatch.setattr(retrieve_mod, "EXACT_DENSE_ROWS", 0)    # force the over-fetch from HNSW
    fetched = retriever.retrieve("central bank discount rate", 10, search_filter=flt)
    assert calls == [len(retriever._bm25)]          # a small index: everything is over-fetched
    assert [(h.chunk.chunk_id, round(h.dense, 5)) for h in fetched] == \
        [(h.chunk.chunk_id, round(h.dense, 5)) for h in exact]


def test_filtered_dense_scores_match_chroma(retriever):
    """The exact path's cosine is Chroma's: the relevance score later steps gate on does not change."""
    flt = SearchFilter(published_from="1987-03", published_to="1987-04")
    ours = {h.chunk.chunk_id: h.dense for h in retriever.retrieve("discount rate inflation", 10, search_filter=flt)}
    qvec = retriever.embedder.embed(["discount rate inflation"])[0]
    chroma = {cid: cos for cid, cos, _ in retriever.store.query(qvec, 50)}
    assert ours and all(ours[c] == pytest.approx(chroma[c], abs=1e-5) for c in ours)


def test_prefer_recent_puts_newer_first(retriever):
    """Recency is a third ranked list in the fusion: a nudge among relevant passages, not a sort by date."""
    q = "central bank discount rate"
    plain = [h.chunk.doc_id for h in retriever.retrieve(q, 4, published_from="1987")]
    recent = [h.chunk.doc_id for h in retriever.retrieve(q, 4, published_from="1987", prefer_recent=True)]
    assert plain == ["a3", "a1", "a2", "a5"]                 # by relevance: the October story is least relevant
    assert set(recent) == set(plain)
    assert recent.index("a5") < plain.index("a5")             # the newest moves up
    assert recent.index("a2") < recent.index("a1")            # of two about as relevant, the newer leads
    assert recent[0] == "a3"                                  # the most relevant still leads


def test_search_scope_and_scoped_stream(retriever):
    q = "central bank discount rate"
    march = SearchFilter(published_from="1987-03", published_to="1987-03")
    with search_scope(march):
        assert docs(retriever.retrieve(q, 10)) == {"a1", "a2"}
        assert docs(retriever.retrieve(q, 10, outlet="associated", published_from="1987-04",
                                       published_to="1987-04")) == {"a3"}       # explicit arguments win
    assert "a7" in docs(retriever.retrieve(q, 10))                          # the scope ended

    def answer_stream():          # stands in for Answerer.stream: retrieves inside a later step
        yield "status"
        yield docs(retriever.retrieve(q, 10))

    results = []
    gen = scoped_stream(answer_stream(), march)

    def step():
        results.append(next(gen))

    for _ in range(2):            # every step on another thread, as a web server does
        t = threading.Thread(target=step)
        t.start()
        t.join()
    assert results == ["status", {"a1", "a2"}]
    with pytest.raises(QuestionError):
        list(scoped_stream(iter([]), SearchFilter(published_from="soon")))


def test_chunk_vectors_are_cached_with_the_index_fingerprint(retriever, fake_settings):
    retriever.prepare_filters()
    path = vectors_path(cache_path(fake_settings))
    table = retriever._chunk_table()
    order = order_key([retriever._bm25.chunk_ids[i] for i in table.by_date])
    vecs = load_chunk_vectors(path, retriever._bm25.fingerprint, len(retriever._bm25), order)
    assert vecs is not None and vecs.shape == (len(retriever._bm25), retriever.embedder.dim)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    # rows in publication-date order: row i is the vector of the i-th chunk by date
    assert list(table.chunk_hi[table.by_date]) == sorted(table.chunk_hi)
    ids = [retriever._bm25.chunk_ids[i] for i in table.by_date]
    stored = retriever.store.get_chunks(ids, embeddings=True)
    for i, cid in enumerate(ids):
        v = stored[cid]["embedding"]
        assert np.allclose(vecs[i], v / np.linalg.norm(v), atol=1e-6)
    assert load_chunk_vectors(path, "another index", len(retriever._bm25), order) is None
    assert load_chunk_vectors(path, retriever._bm25.fingerprint, len(retriever._bm25), "another order") is None
    # a second process maps the saved matrix instead of reading every vector from the store
    again = Retriever.from_settings(fake_settings)
    again.store.chunks.get = None           # would fail if the vectors were rebuilt from the store
    assert np.array_equal(again._chunk_vectors(), vecs)


def test_search_filter_helpers():
    from datetime import date

    from rag.ask.dates import TimeScope

    scope = TimeScope(start=date(1987, 3, 1), end=date(1987, 3, 31), prefer_recent=True, matched_text="in March")
    flt = SearchFilter.from_time_scope(scope, outlet="Reuters")
    assert flt == SearchFilter("Reuters", "1987-03-01", "1987-03-31", True)
    assert flt.describe() == "outlet “Reuters”, 1987-03-01 to 1987-03-31, newest first"
    assert not SearchFilter() and SearchFilter(prefer_recent=True) and not SearchFilter(prefer_recent=True).active
    assert SearchFilter(outlet="  ", published_from="").validated() == SearchFilter()


def test_gathered_rows_and_date_block_agree(retriever, monkeypatch):
    """A small outlet spread over many dates is scored from its gathered rows: same passages, same scores."""
    flt = SearchFilter(outlet="associated")          # a3 (April) and a6 (undated): far apart in date order
    table = retriever._chunk_table()
    in_order = np.flatnonzero(table.chunk_mask(flt)[table.by_date])
    assert in_order[-1] - in_order[0] + 1 > len(in_order) == 2
    block = retriever.retrieve("discount rate", 5, search_filter=flt)
    monkeypatch.setattr(retrieve_mod, "EXACT_DENSE_ROWS", 2)
    monkeypatch.setattr(retriever.store.chunks, "query", None)   # the HNSW over-fetch must not run
    gathered = retriever.retrieve("discount rate", 5, search_filter=flt)
    assert [(h.chunk.chunk_id, round(h.dense, 6)) for h in gathered] == \
        [(h.chunk.chunk_id, round(h.dense, 6)) for h in block]
    assert docs(gathered) == {"a3", "a6"}


def test_soft_dates_rank_the_range_higher_and_exclude_nothing(retriever):
    q = "central bank discount rate"
    plain = [h.chunk.doc_id for h in retriever.retrieve(q, 7)]
    october = SearchFilter(published_from="1987-10", published_to="1987-10", dates_soft=True)
    soft = [h.chunk.doc_id for h in retriever.retrieve(q, 7, search_filter=october)]
    assert set(soft) == set(plain)                                   # nothing left out, undated a6 too
    assert soft.index("a5") < plain.index("a5") and soft[0] == "a5"   # the one October story leads
    assert not october.active and october and october.required() == SearchFilter()
    assert october.describe() == "preferring 1987-10-01 to 1987-10-31"
    # dates passed to retrieve() are required, even over a soft scope
    with search_scope(october):
        assert docs(retriever.retrieve(q, 7, published_from="1987-03", published_to="1987-03")) == {"a1", "a2"}
        assert len(retriever.retrieve(q, 7)) == len(plain)
    # a soft range with no article in it changes nothing
    empty = SearchFilter(published_from="2001", dates_soft=True)
    assert [h.chunk.doc_id for h in retriever.retrieve(q, 7, search_filter=empty)] == plain
