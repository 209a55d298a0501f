"""Numbered sources: one per article, its best sentences in article order, within the character budget."""

from __future__ import annotations

from rag.ask import text as tx
from rag.ask.evidence import Sentence, build_sources
from rag.types import Chunk


class _Index:
    def __init__(self, articles: dict[str, list[str]]):
        self.spans = {}
        for doc, sents in articles.items():
            out, pos = [], 0
            for s in sents:
                out.append((0, tx.Span(pos, pos + len(s), s)))
                pos += len(s) + 1
            self.spans[doc] = out

    def article_sentences(self, doc_id, chunk=None):
        return self.spans[doc_id]


def _ranked(index: _Index, order: list[tuple[str, int, float]]) -> list[Sentence]:
    out = []
    for doc, i, score in order:
        span = index.spans[doc][i][1]
        chunk = Chunk(chunk_id=f"{doc}-c", doc_id=doc, text="", start=0, end=0, title=f"title {doc}")
        out.append(Sentence(doc_id=doc, chunk=chunk, start=span.start, end=span.end, text=span.text, para=0,
                            index=i, score=score))
    return out


ARTICLES = {"a": [f"A sentence number {i} of article a, long enough to count." for i in range(8)],
            "b": [f"B sentence number {i} of article b, long enough to count." for i in range(4)]}


def test_one_source_per_article_best_article_first_with_its_best_sentences_in_order():
    index = _Index(ARTICLES)
    ranked = _ranked(index, [("a", 5, 0.9), ("a", 1, 0.8), ("b", 2, 0.7), ("a", 6, 0.6), ("b", 0, 0.5)])
    s1, s2 = build_sources(ranked, index, max_sources=2, max_chars=200)
    assert (s1.number, s1.doc_id, s2.number, s2.doc_id) == (1, "a", 2, "b")
    assert [s.index for s in s1.sentences] == [1, 5, 6]           # 57 characters each: a fourth does not fit
    assert s1.lead.index == 5 and [s.index for s in s2.sentences] == [0, 1, 2]
    # left-out sentences between two chosen ones are marked, neighbours are joined plainly
    assert " … " in s1.text and "number 1 of article a" in s1.text
    assert s1.text.count(" … ") == 1 and "article a, long enough to count. B" not in s1.text


def test_the_budget_always_leaves_the_best_sentence_and_neighbours_only_when_they_fit():
    index = _Index(ARTICLES)
    ranked = _ranked(index, [("a", 3, 0.9), ("a", 0, 0.5)])
    (only,) = build_sources(ranked, index, max_sources=2, max_chars=60)
    assert [s.index for s in only.sentences] == [3]
    (wider,) = build_sources(ranked, index, max_sources=2, max_chars=1000)
    assert [s.index for s in wider.sentences] == [0, 1, 2, 3, 4] and " … " not in wider.text
    assert build_sources([], index) == []


def test_sources_after_the_shown_ones_hold_only_sentences_not_read_yet():
    index = _Index(ARTICLES)
    ranked = _ranked(index, [("a", 5, 0.9), ("a", 1, 0.8), ("b", 2, 0.7), ("a", 6, 0.6), ("b", 0, 0.5)])
    (first,) = build_sources(ranked, index, max_sources=1, max_chars=120)
    assert [s.index for s in first.sentences] == [1, 5]
    # what follows: the best sentence not yet shown is b's, so b comes first; then a, led by 6, with its
    # neighbour 7 but not 5, already read
    nxt, then = build_sources(ranked, index, max_sources=2, max_chars=200, shown=[first])
    assert nxt.doc_id == "b" and [s.index for s in nxt.sentences] == [0, 1, 2]
    assert then.doc_id == "a" and [s.index for s in then.sentences] == [6, 7]
    # nothing left to read: no source
    everything = build_sources(ranked, index, max_sources=2, max_chars=10_000)
    assert build_sources(ranked, index, max_sources=2, max_chars=10_000, shown=everything) == []
