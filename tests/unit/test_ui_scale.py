"""The web chat at 20,000 articles: a paged, searchable Articles tab that sends one page to the browser,
example questions from the settings or the collection, a status banner that says what is loading, and
the search limits (outlet, dates, newest first) passed from the controls and /ask to retrieval."""

from __future__ import annotations

import datetime as dt
import json
import re
import types
from pathlib import Path

import pytest

from rag.ask.retrieve import current_scope
from rag.config import load_settings
from rag.types import Article
from ui import formatting as fmt
from ui.app import ChatService, WarmupState, build_app
from ui_standin import ARTICLES, StandInAnswerer, StandInRetriever

OUTLETS = ["Reuters", "Associated Press", "Financial Wire", "Border Report"]


def many_articles(n: int = 20_000) -> list[Article]:
    start = dt.date(1987, 1, 1)
    return [Article(doc_id=f"d{i:05d}", text="Body text. " * 5, title=f"HEADLINE NUMBER {i} ABOUT TOPIC {i % 50}",
                    outlet=OUTLETS[i % 4], published=(start + dt.timedelta(days=i % 300)).isoformat())
            for i in range(n)]


@pytest.fixture
def settings(tmp_path: Path):
    return load_settings(env={}, overrides={
        "paths": {"index_dir": str(tmp_path / "index"), "feedback_file": str(tmp_path / "fb" / "feedback.jsonl")},
        "embedding": {"provider": "fake"}, "llm": {"provider": "fake"}, "ui": {"rate_limit_per_minute": 0},
        "retrieval": {"reference_date": "1987-10-20"},
    })


class ScopeRecorder(StandInAnswerer):
    """Records the search filter in force while each answer is produced (as Retriever.retrieve sees it)."""

    def __init__(self, settings, articles=ARTICLES, **kw):
        super().__init__(settings, **kw)
        self.retriever = StandInRetriever(articles)
        self.scopes = []

    def stream(self, question, history=None):
        yield from ()
        self.scopes.append(current_scope())
        yield from super().stream(question, history)


def request():
    return types.SimpleNamespace(client=types.SimpleNamespace(host="10.0.0.1"), session_hash="s")


def test_filter_articles_by_headline_outlet_and_dates():
    arts = many_articles(2_000)
    got = fmt.filter_articles(arts, fmt.ArticleQuery(text="topic 7", outlet="wire"))
    # every word starts a word of the headline: "7" finds "TOPIC 7" and "NUMBER 798", never "1987" or "17"
    assert got and all(re.search(r"\b7", a.title) and "TOPIC" in a.title and a.outlet == "Financial Wire"
                       for a in got)
    assert {"d00798", "d00702"} <= {a.doc_id for a in got} and "d00017" not in {a.doc_id for a in got}
    assert [a.published for a in got] == sorted((a.published for a in got), reverse=True)      # newest first
    march = fmt.filter_articles(arts, fmt.ArticleQuery(date_from="1987-03", date_to="1987-03"))
    assert march and {a.published[:7] for a in march} == {"1987-03"}
    assert fmt.filter_articles(arts, fmt.ArticleQuery(text="no such words")) == []
    with pytest.raises(ValueError, match="From: 'March' is not a date"):
        fmt.filter_articles(arts, fmt.ArticleQuery(date_from="March"))
    with pytest.raises(ValueError, match="date range is empty"):
        fmt.filter_articles(arts, fmt.ArticleQuery(date_from="1987-05", date_to="1987-04"))


def test_one_page_of_rows_with_counts():
    arts = fmt.filter_articles(many_articles(20_000), fmt.ArticleQuery())
    html = fmt.corpus_page_html(arts, 20_000, page=3)
    assert html.count("<tr>") == 1 + fmt.CORPUS_PAGE_SIZE                      # header + one page
    assert "51–75 of 20,000 articles indexed · page 3 of 800" in html
    some = arts[:60]
    html = fmt.corpus_page_html(some, 20_000, page=99)                          # clamped to the last page
    assert "51–60 of 60 articles match (20,000 indexed) · page 3 of 3" in html and html.count("<tr>") == 11
    assert "No article matches" in fmt.corpus_page_html([], 20_000, 1)
    assert "newsrag ingest" in fmt.corpus_page_html([], 0, 1)


def test_service_pages_and_choices(settings):
    service = ChatService(ScopeRecorder(settings, articles=many_articles()), settings)
    html, page, choices = service.articles_page("", "", "", "", 2)
    assert page == 2 and len(choices) == fmt.CORPUS_PAGE_SIZE and "26–50 of 20,000" in html
    html, page, choices = service.articles_page("number 19999", "Border", "", "", 5)
    assert page == 1 and [c[1] for c in choices] == ["d19999"]
    html, page, choices = service.articles_page("", "", "1987-13", "", 1)
    assert choices == [] and "no month 13" in html
    assert service.outlets() == sorted(OUTLETS, key=str.casefold)


def test_page_sent_to_the_browser_stays_small_at_20000_articles(settings):
    arts = many_articles()
    newest_first = fmt.filter_articles(arts, fmt.ArticleQuery())
    app = build_app(ScopeRecorder(settings, articles=arts), settings)
    try:
        config = json.dumps(app.get_config_file(), default=str)
        assert len(config) < 400_000, len(config)              # every row as a choice was over 2 MB
        assert f"{newest_first[0].title} " in config and f"{newest_first[-1].title} " not in config
    finally:
        app.close()


def test_examples_from_settings_or_the_newest_headlines():
    arts = [Article(doc_id="a", text="x", title="U.S. TRADE DEFICIT WIDENS IN JANUARY", outlet="Reuters",
                    published="1987-03-01"),
            Article(doc_id="b", text="x", title="Opening words of a lede", title_derived=True, published="1987-04-01"),
            Article(doc_id="c", text="x", title="Coffee quota talks end without accord", outlet="AP",
                    published="1987-02-01"),
            Article(doc_id="d", text="x", title="Short", published="1987-05-01")]
    assert fmt.example_questions(["Q1?", " ", "Q2?"], arts) == ["Q1?", "Q2?"]
    assert fmt.example_questions([], arts) == [
        "What does the article “U.S. trade deficit widens in january” report?",
        "What does the article “Coffee quota talks end without accord” report?"]
    assert fmt.example_questions([], []) == []
    assert load_settings(env={}).ui.examples == []            # nothing about one topic by default


def test_status_says_what_is_loading(settings):
    extractive = StandInAnswerer(settings, load_gate=__import__("threading").Event())
    extractive.llm = None
    service = ChatService(extractive, settings, WarmupState(extractive))
    text = service.status_html()
    assert "Preparing the search over 2 articles" in text and "no language model" in text
    assert "Loading the" not in text
    extractive.load_gate.set()
    service.warmup.start()
    assert service.warmup.wait(5)
    assert "Ready · 2 articles indexed · answers quoted from the articles" in service.status_html()
    local = StandInAnswerer(settings.model_copy(update={"llm": settings.llm.model_copy(update={"provider": "local"})}),
                            load_gate=__import__("threading").Event())
    local.llm = object()
    service = ChatService(local, local.settings, WarmupState(local))
    assert "Loading the local language model (Qwen2.5-Coder-1.5B-Instruct Q4_K_M)" in service.status_html()
    local.load_gate.set()


def test_chat_applies_filter_controls_and_dates_in_the_question(settings):
    answerer = ScopeRecorder(settings)
    service = ChatService(answerer, settings)
    final = list(service.chat("What happened last week?", [], request(), "Reuters", "", "", False))[-1]
    flt = answerer.scopes[-1]
    assert (flt.outlet, flt.published_from, flt.published_to, flt.dates_soft) == \
        ("Reuters", "1987-10-12", "1987-10-18", True)      # a question's dates are preferred, not required
    assert ("Search limits: outlet “Reuters”, preferring 1987-10-12 to 1987-10-18; from the question: “last week”"
            in final[0])
    list(service.chat("Any news in June?", [], request(), "", "1987-03", "1987-04", True))
    flt = answerer.scopes[-1]                               # the controls' dates are required and win
    assert (flt.published_from, flt.published_to, flt.prefer_recent, flt.dates_soft) == ("1987-03", "1987-04", True,
                                                                                         False)
    list(service.chat("Any news?", [], request()))
    assert answerer.scopes[-1] is None                              # no filter: nothing limits the search
    bad = list(service.chat("Any news?", [], request(), "", "soon", "", False))
    assert len(bad) == 1 and "not a date like 2024" in bad[0][-1] and len(answerer.scopes) == 3


def test_api_takes_optional_filters_and_stays_compatible(settings):
    answerer = ScopeRecorder(settings)
    service = ChatService(answerer, settings)
    plain = service.api_ask("How many men were returned?", None, request())
    assert "filter" not in plain and plain["citations"] and answerer.scopes[-1] is None
    out = service.api_ask("How many men were returned in March?", None, request(), None, None, None, True)
    assert out["filter"] == {"outlet": None, "published_from": "1987-03-01", "published_to": "1987-03-31",
                             "prefer_recent": True, "dates_soft": True}
    assert out["time"]["matched_text"] == "in March"
    with pytest.raises(Exception, match="the date range is empty"):
        service.api_ask("Any?", None, request(), None, "1987-05", "1987-01")


def test_limits_that_leave_no_article_say_so_instead_of_refusing(settings):
    class DatedRetriever(StandInRetriever):
        def count_chunks(self, flt):
            return 0 if flt.published_from and flt.published_from >= "1988" else 10

        def date_range(self):
            return "1987-02-26", "1987-10-20"

    answerer = ScopeRecorder(settings)
    answerer.retriever = DatedRetriever()
    service = ChatService(answerer, settings)
    final = list(service.chat("Any news?", [], request(), "", "1988", "", False))[-1]
    assert "No indexed article matches these limits (1988-01-01 to …)" in final[0]
    assert "run from 1987-02-26 to 1987-10-20" in final[0] and answerer.scopes == []   # nothing was asked
    with pytest.raises(Exception, match="No indexed article matches"):
        service.api_ask("Any news?", None, request(), None, "1988")
    assert "nr-cite" in list(service.chat("Any news?", [], request(), "", "1987", "", False))[-1][0]
