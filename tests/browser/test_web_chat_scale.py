"""The web chat over 2,000 dated articles in headless Chromium: the banner says it is ready and what answers,
the example questions come from the collection, the Articles tab searches and pages (one page of rows in the
page), and the chat's filter controls limit the search. Screenshots go to tests/output/screenshots/scale-*.png."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from test_web_chat import CHROMIUM_ARGS, Page
from ui_server import Server, server_env

pytestmark = pytest.mark.browser

N_ARTICLES = 2_000
OUTLETS = ["Reuters", "Associated Press", "Financial Wire", "Border Report"]
TOPICS = ["coffee export quotas", "crude oil output", "central bank discount rate", "steel import tariffs",
          "wheat harvest estimates"]


def write_collection(path):
    start = dt.date(1987, 2, 26)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(N_ARTICLES):
            topic = TOPICS[i % len(TOPICS)]
            day = start + dt.timedelta(days=(i * 7) % 236)
            text = (f"Officials discussed {topic} on {day:%B} {day.day} in meeting number {i}. "
                    f"Traders said the talks on {topic} would continue next week. "
                    f"A spokesman said figures for {topic} were expected to change by {i % 90 + 5} pct.")
            fh.write(json.dumps({"id": f"art-{i:05d}", "title": f"TALKS ON {topic.upper()} CONTINUE, REPORT {i}",
                                 "text": text, "outlet": OUTLETS[i % 4], "published": day.isoformat()}) + "\n")


@pytest.fixture(scope="module")
def big_server(tmp_path_factory):
    import subprocess
    import sys

    from rag.config import REPO_ROOT

    tmp = tmp_path_factory.mktemp("browser-scale")
    write_collection(tmp / "articles.jsonl")
    env = server_env(tmp, NEWSRAG_EMBEDDING__PROVIDER="fake", NEWSRAG_LLM__PROVIDER="extractive",
                     NEWSRAG_UI__RATE_LIMIT_PER_MINUTE="1000")
    res = subprocess.run([sys.executable, "-m", "rag.cli", "ingest", str(tmp / "articles.jsonl")], env=env,
                         cwd=str(REPO_ROOT), capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stderr
    srv = Server(tmp, env)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(output_dir):
    d = output_dir / "screenshots"
    d.mkdir(parents=True, exist_ok=True)
    return d


def test_ready_banner_and_examples_from_the_collection(browser, big_server, shots):
    p = Page(browser, big_server.url)
    try:
        pg = p.page
        status = pg.inner_text("#nr-status")
        assert "Ready · 2,000 articles indexed · answers quoted from the articles (no language model)" in status
        examples = pg.locator("text=What does the article “Talks on").count()
        assert 1 <= examples <= 4 and pg.locator("text=Migrant Protection").count() == 0
        pg.screenshot(path=str(shots / "scale-01-ready.png"))
        assert p.errors == []
    finally:
        p.close()


def test_filter_controls_limit_the_search(browser, big_server, shots):
    p = Page(browser, big_server.url)
    try:
        pg = p.page
        pg.click("#nr-filters .label-wrap")
        pg.locator("#nr-f-from input, #nr-f-from textarea").first.fill("1987-03")
        pg.locator("#nr-f-to input, #nr-f-to textarea").first.fill("1987-03")
        p.ask("What did officials say about coffee export quotas?")
        scope = pg.inner_text("#nr-transcript .nr-turn[data-turn='0'] .nr-scope")
        assert scope == "Search limits: 1987-03-01 to 1987-03-31"
        dates = pg.locator("#nr-sources .nr-source").all_inner_texts()
        assert dates and all("March 1987" in d for d in dates), dates
        pg.locator("#nr-transcript").scroll_into_view_if_needed()
        pg.evaluate("window.scrollTo(0, 0)")
        pg.screenshot(path=str(shots / "scale-02-filters.png"), full_page=True)
        # no article in the range: said plainly, nothing is searched
        pg.locator("#nr-f-from input, #nr-f-from textarea").first.fill("1990")
        pg.locator("#nr-f-to input, #nr-f-to textarea").first.fill("")
        p.ask("What did officials say about coffee?")
        text = pg.inner_text("#nr-transcript .nr-turn[data-turn='1']")
        assert "No indexed article matches these limits (1990-01-01 to …)" in text
        assert p.errors == []
    finally:
        p.close()


def test_articles_tab_searches_and_pages(browser, big_server, shots):
    p = Page(browser, big_server.url)
    try:
        pg = p.page
        pg.get_by_role("tab", name="Articles").click()
        rows = pg.locator("#nr-corpus table.nr-corpus tbody tr")
        rows.first.wait_for()
        assert rows.count() == 25
        assert "1–25 of 2,000 articles indexed · page 1 of 80" in pg.inner_text("#nr-corpus .nr-count")
        assert len(pg.content()) < 600_000                      # one page of rows, not 2,000
        pg.screenshot(path=str(shots / "scale-03-articles.png"), full_page=True)
        pg.locator("#nr-a-text input, #nr-a-text textarea").first.fill("crude oil")
        pg.locator("#nr-a-from input, #nr-a-from textarea").first.fill("1987-04")
        pg.locator("#nr-a-to input, #nr-a-to textarea").first.fill("1987-04")
        pg.click("#nr-a-go")
        pg.wait_for_selector("#nr-corpus .nr-count:has-text('articles match')")
        count = pg.inner_text("#nr-corpus .nr-count")
        assert "of 2,000" not in count.split("(")[0] and "(2,000 indexed)" in count
        heads = pg.locator("#nr-corpus tbody td:first-child").all_inner_texts()
        assert heads and all("CRUDE OIL" in h for h in heads)
        dates = pg.locator("#nr-corpus tbody td:nth-child(3)").all_inner_texts()
        assert all("April 1987" in d for d in dates), dates
        pg.click("#nr-a-next")
        pg.wait_for_selector("#nr-corpus .nr-count:has-text('page 2 of')")
        pg.click("#nr-pick input")
        pg.get_by_role("option").first.click()
        pg.wait_for_selector("#nr-article article.nr-article p")
        assert "crude oil" in pg.inner_text("#nr-article")
        pg.screenshot(path=str(shots / "scale-04-articles-search.png"), full_page=True)
        assert p.errors == []
    finally:
        p.close()
