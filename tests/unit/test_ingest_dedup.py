"""Duplicates (rag/ingest/dedup.py): identical and near-identical texts are grouped at ingest; one
representative is indexed and retrieved, the others are listed as its copies on the Article and the Chunk."""

from __future__ import annotations

import json
from pathlib import Path

from rag.ask.retrieve import Retriever
from rag.backends.fakes import HashingEmbedder
from rag.backends.store import ChromaStore
from rag.ingest.dedup import group_duplicates
from rag.ingest.pipeline import ingest
from rag.types import Article

STORY = ("LONDON, March 3 - The Bank of England said it provided the money market with 215 mln stg of assistance "
         "this afternoon, bringing its total help so far today to 320 mln stg. The central bank bought bills "
         "outright from the discount houses in band one at 10-7/8 pct and in band two at 10-13/16 pct. Earlier "
         "it had forecast a shortage of around 400 mln stg in the system today, which it later revised to 450 mln. "
         "Dealers said rates were steady and that sterling held its gains against the dollar in quiet trading.")
SHORT = "Shr 12 cts vs 10 cts. Net 1.2 mln vs 1.0 mln. Revs 15.3 mln vs 14.1 mln."


def test_identical_near_identical_and_different_texts():
    arts = [
        Article("b", STORY, outlet="Reuters", published="1987-03-04"),
        Article("a", "  " + STORY.upper().replace(" ", "  "), outlet="Wire", published="1987-03-03"),   # same words
        Article("c", STORY.replace("steady", "firm"), outlet="Reuters", published="1987-03-05"),   # one word
        Article("d", SHORT, outlet="Reuters"),
        Article("e", SHORT.replace("12 cts", "13 cts"), outlet="Reuters"),       # a short template, other figures
        Article("f", STORY[:200] + " A different ending about the gilt market and the budget.", outlet="Reuters"),
    ]
    reps, copy_of = group_duplicates(arts)
    assert [r.doc_id for r in reps] == ["a", "d", "e", "f"]          # input order; the earliest date leads
    assert copy_of == {"b": "a", "c": "a"}
    a = reps[0]
    assert [(c["doc_id"], c["outlet"], c["published"]) for c in a.copies] == [
        ("b", "Reuters", "1987-03-04"), ("c", "Reuters", "1987-03-05")]
    assert all(not r.copies for r in reps[1:])


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_ingest_indexes_one_copy_and_lists_the_others(fake_settings, tmp_path):
    src = tmp_path / "wire.jsonl"
    rows = [{"id": "w1", "title": "BANK OF ENGLAND GIVES ASSISTANCE", "text": STORY, "outlet": "Reuters",
             "published": "1987-03-03"},
            {"id": "w2", "title": "BANK OF ENGLAND GIVES ASSISTANCE", "text": STORY, "outlet": "Reuters London",
             "published": "1987-03-04", "url": "https://example.org/w2"},
            {"id": "x1", "title": "OTHER", "text": SHORT + " The company said it expects growth.", "outlet": "Reuters"}]
    _write(src, rows)
    emb = HashingEmbedder()
    report = ingest([src], fake_settings, embedder=emb, progress=False)
    assert report.articles == 2 and report.duplicates == 1 and report.duplicate_groups == 1
    assert "Duplicates: 1 article grouped as copies of 1 other" in report.summary()
    retriever = Retriever.from_settings(fake_settings, embedder=emb)
    assert [a.doc_id for a in retriever.articles()] == ["w1", "x1"]
    hits = retriever.retrieve("Bank of England assistance money market", 5)
    assert {h.chunk.doc_id for h in hits} == {"w1", "x1"}
    top = [h for h in hits if h.chunk.doc_id == "w1"][0]
    assert top.chunk.copies == ({"doc_id": "w2", "outlet": "Reuters London", "published": "1987-03-04",
                                 "title": "BANK OF ENGLAND GIVES ASSISTANCE", "url": "https://example.org/w2"},)
    assert retriever.article("w1").copies == top.chunk.copies
    assert retriever.article("w2") is None
    # a filter passes the story by any outlet and date that ran it (the copy's, not only the representative's)
    q = "Bank of England assistance money market"
    for limits in ({"published_from": "1987-03-04", "published_to": "1987-03-04"}, {"outlet": "london"},
                   {"outlet": "london", "published_from": "1987-03-04"}):
        assert "w1" in {h.chunk.doc_id for h in retriever.retrieve(q, 5, **limits)}, limits
        assert "w1" in retriever.filter_doc_ids(**limits)
    # ... but outlet and date must hold for one and the same copy
    assert "w1" not in retriever.filter_doc_ids(outlet="london", published_to="1987-03-03")
    assert retriever.retrieve(q, 5, published_from="1987-03-05", published_to="1987-03-31") == []
    # Chroma's own filter (the fallback when the vector matrix cannot be built) finds it through the copy too
    from rag.ask.retrieve import SearchFilter

    where = retriever._where(retriever._chunk_table(), SearchFilter(outlet="london", published_from="1987-03-04"))
    assert where == {"doc_id": "w1"}
    assert {h["metadata"]["doc_id"] for h in retriever.store.search(emb.embed([q])[0], 5, where)} == {"w1"}

    # unchanged input: nothing embedded, nothing written
    calls = emb.calls
    again = ingest([src], fake_settings, embedder=emb, progress=False)
    assert emb.calls == calls and again.duplicates == 1 and again.unchanged == 2 and again.new == 0

    # the copy is edited into a story of its own: it is indexed, and w1 no longer lists it
    rows[1]["text"] = STORY.replace("Bank of England", "Bundesbank").replace("stg", "marks") + " Frankfurt."
    _write(src, rows)
    third = ingest([src], fake_settings, embedder=emb, progress=False)
    assert third.duplicates == 0 and third.new == 1 and third.updated == 1
    retriever = Retriever.from_settings(fake_settings, embedder=emb)
    assert [a.doc_id for a in retriever.articles()] == ["w1", "w2", "x1"]
    assert retriever.article("w1").copies == ()
    store = ChromaStore.open(fake_settings, model_name=emb.name, dim=emb.dim)
    assert all(not m.get("copies") for _cid, m in store.iter_chunk_metadata())


def test_chromas_metadata_filter_names_the_articles_passing_through_a_copy(fake_settings, tmp_path, monkeypatch):
    import rag.ask.retrieve as retrieve_mod
    from rag.ask.retrieve import SearchFilter

    src = tmp_path / "wire.jsonl"
    rows = [{"id": "w1", "title": "ASSISTANCE", "text": STORY, "outlet": "Reuters", "published": "1987-03-03"},
            {"id": "w2", "title": "ASSISTANCE", "text": STORY, "outlet": "Reuters", "published": "1987-03-20"},
            {"id": "x1", "title": "OTHER", "text": SHORT + " The company said it expects growth.",
             "outlet": "Reuters", "published": "1987-03-21"}]
    _write(src, rows)
    emb = HashingEmbedder()
    ingest([src], fake_settings, embedder=emb, progress=False)
    retriever = Retriever.from_settings(fake_settings, embedder=emb)
    monkeypatch.setattr(retrieve_mod, "WHERE_MAX_IDS", 0)       # the metadata form, as for a large collection
    where = retriever._where(retriever._chunk_table(), SearchFilter(published_from="1987-03-15"))
    # x1 passes on its own metadata, w1 only through its copy w2 (filed on the 20th): named by id
    assert where == {"$or": [{"pub_hi": {"$gte": 19870315}}, {"doc_id": {"$in": ["w1"]}}]}
    found = {h["metadata"]["doc_id"] for h in retriever.store.search(emb.embed(["Bank of England"])[0], 10, where)}
    assert found == {"w1", "x1"}
