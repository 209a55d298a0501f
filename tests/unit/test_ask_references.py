"""APA 7 and MLA 9 reference strings: missing author/title/date/outlet handled as the styles prescribe."""

from rag.ask.references import apa, apa_date, format_references, mla, mla_date
from rag.types import Citation


def _cit(doc_id="d1", title="Mexico is stopping nearly three times as many migrants now", outlet="NBC News",
         published="2024-05", url=None, title_derived=False, marker=1):
    return Citation(marker=marker, doc_id=doc_id, title=title, outlet=outlet, published=published, url=url,
                    chunk_id="c", start=0, end=5, quote="Quote", title_derived=title_derived)


def test_dates_in_both_styles():
    assert apa_date("2024-05-03") == "(2024, May 3)"
    assert apa_date("2024-05") == "(2024, May)"
    assert apa_date("2024") == "(2024)"
    assert apa_date(None) == "(n.d.)"
    assert mla_date("2021-12-10") == "10 Dec. 2021"
    assert mla_date("2024-06") == "June 2024"
    assert mla_date(None) is None


def test_apa_without_author_starts_with_title_and_names_outlet_and_url():
    ref = apa(_cit(url="https://www.nbcnews.com/x"))
    assert ref == ("Mexico is stopping nearly three times as many migrants now. (2024, May). NBC News. "
                   "https://www.nbcnews.com/x")


def test_apa_no_date_and_derived_title_in_brackets():
    ref = apa(_cit(title="El Paso asylum seekers returned to Mexico", title_derived=True, published=None,
                   outlet="Border Report"))
    assert ref == "[El Paso asylum seekers returned to Mexico]. (n.d.). Border Report."


def test_mla_quotes_title_and_gives_partial_date():
    ref = mla(_cit(published="2024-05", url="https://www.nbcnews.com/x"))
    assert ref == "\u201cMexico is stopping nearly three times as many migrants now.\u201d NBC News, May 2024, www.nbcnews.com/x."


def test_mla_missing_outlet_and_date():
    ref = mla(_cit(title="Top officials meet", outlet=None, published=None))
    assert ref == "\u201cTop officials meet.\u201d"


def test_references_deduplicated_per_article_in_citation_order():
    refs = format_references([_cit(doc_id="b", title="B", marker=1), _cit(doc_id="a", title="A", marker=2),
                              _cit(doc_id="b", title="B", marker=3)])
    assert [r.split(".")[0] for r in refs["apa"]] == ["B", "A"]
    assert len(refs["mla"]) == 2
