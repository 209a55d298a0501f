"""The web chat in headless Chromium (Playwright + Debian's /usr/bin/chromium) against a real
`newsrag serve` (hashing embedder, scripted fake LLM whose reply holds one supported sentence and
hostile markup). Screenshots of the main states go to tests/output/screenshots/."""

from __future__ import annotations

import json
import threading
from urllib.parse import urlparse

import pytest

from ui_server import GROUNDED, Server, fake_env, free_port

pytestmark = pytest.mark.browser

QUESTION = "How many adult males did CBP hand over to Mexico on Friday?"
OFF_TOPIC = "What is the population of Reykjavik in 1850?"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser-serve")
    srv = Server(tmp, fake_env(tmp, NEWSRAG_UI__RATE_LIMIT_PER_MINUTE="1000"))
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


class Page:
    """A page that records page errors and refuses (and records) every request off loopback."""

    def __init__(self, browser, url, width=1366, height=768):
        self.context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.external: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.context.route("**/*", self._route)
        self.page.goto(url)
        self.page.wait_for_selector("#nr-question textarea", timeout=60_000)
        self.page.wait_for_selector("#nr-status .nr-banner-ready", timeout=120_000)

    def _route(self, route):
        host = urlparse(route.request.url).hostname or ""
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def ask(self, question: str, *, expect: str = "a.nr-cite, .nr-refusal, .nr-error") -> None:
        turns = self.page.locator("#nr-transcript .nr-turn").count()
        self.page.fill("#nr-question textarea", question)
        self.page.click("#nr-ask")
        self.page.wait_for_selector(f"#nr-transcript .nr-turn[data-turn='{turns}'] :is({expect})", timeout=120_000)

    def close(self):
        self.context.close()


@pytest.fixture
def page(browser, server):
    p = Page(browser, server.url)
    yield p
    p.close()


def api_answer(server, question: str) -> dict:
    from gradio_client import Client

    return Client(server.url, verbose=False).predict(question, api_name="/ask")


def test_ask_stream_and_open_a_citation(page, server, shots):
    pg = page.page
    pg.screenshot(path=str(shots / "01-empty-laptop.png"))
    pg.evaluate("""() => { window.__sawDraft = false;
        new MutationObserver(() => { if (document.querySelector('#nr-transcript .nr-draft')) window.__sawDraft = true; })
          .observe(document.body, {childList: true, subtree: true, characterData: true}); }""")
    page.ask(QUESTION)
    assert pg.evaluate("window.__sawDraft") is True                     # tokens were shown as they came
    assert pg.locator("#nr-transcript .nr-draft").count() == 0          # then the verified answer replaced them
    pg.screenshot(path=str(shots / "02-answered-laptop.png"))

    expected = api_answer(server, QUESTION)                             # same scripted model, same answer
    first = pg.locator("#nr-transcript a.nr-cite").first
    marker = int(first.get_attribute("data-marker"))
    quotes = [c["quote"] for c in expected["citations"] if c["marker"] == marker]
    first.click()
    card = pg.locator(f"#nr-src-0-{marker}")
    card.wait_for(state="visible")
    assert "nr-focus" in card.get_attribute("class") and card.evaluate("e => e.open") is True
    assert card.locator("mark.nr-quote").all_inner_texts() == quotes
    summary = card.locator("summary").inner_text()
    cit = next(c for c in expected["citations"] if c["marker"] == marker)
    if cit["outlet"]:
        assert cit["outlet"] in summary
    assert (cit["title"] or cit["doc_id"])[:20] in summary
    pg.screenshot(path=str(shots / "03-source-opened-laptop.png"))
    assert page.errors == [] and page.external == []


def test_hostile_model_output_renders_inert(page):
    pg = page.page
    pg.evaluate("""() => { window.__dangerous = [];
        new MutationObserver(muts => { for (const m of muts) for (const n of m.addedNodes) {
            const els = n.querySelectorAll ? [n, ...n.querySelectorAll('*')] : [];
            for (const e of els) if (['IMG', 'SCRIPT', 'IFRAME', 'OBJECT', 'EMBED'].includes(e.tagName)
                                     && e.closest('#nr-transcript, #nr-sources')) window.__dangerous.push(e.outerHTML);
        } }).observe(document.body, {childList: true, subtree: true}); }""")
    page.ask(QUESTION)
    assert pg.evaluate("window.__dangerous") == []          # not even for a moment while the draft streamed
    assert "<script>window." in pg.inner_text("#nr-transcript")   # the markup is shown as text
    pg.wait_for_timeout(500)
    assert pg.evaluate("typeof window.__pwned") == "undefined"
    for region in ("#nr-transcript", "#nr-sources"):
        assert pg.locator(f"{region} img, {region} script, {region} iframe").count() == 0
        assert pg.locator(f"{region} [onerror], {region} [onclick]").count() == 0
    assert pg.locator("a[href^='javascript:'], a[href*='evil.example']").count() == 0
    assert pg.locator("img[src*='evil.example']").count() == 0
    assert not any("evil.example" in u for u in page.external) and page.external == []
    assert page.errors == []


def test_refusal_looks_calm(page, shots):
    pg = page.page
    page.ask(OFF_TOPIC)
    turn = pg.locator("#nr-transcript .nr-turn").last
    assert turn.locator(".nr-refusal").count() == 1 and turn.locator(".nr-error").count() == 0
    assert "do not answer" in pg.locator("#nr-sources .nr-src-group.active").inner_text()
    pg.screenshot(path=str(shots / "04-refusal-laptop.png"))


def test_follow_up_keeps_each_answers_sources(page):
    pg = page.page
    page.ask(QUESTION)
    page.ask("And which bridge was it?")
    assert pg.locator("#nr-transcript .nr-turn").count() == 2
    assert pg.locator("#nr-sources .nr-src-group.active").get_attribute("data-turn") == "1"
    pg.locator("#nr-transcript .nr-turn[data-turn='0'] a.nr-cite").first.click()
    assert pg.locator("#nr-sources .nr-src-group.active").get_attribute("data-turn") == "0"
    assert page.errors == []


def test_feedback_references_and_download(page, server, shots):
    pg = page.page
    page.ask(QUESTION)
    pg.click("#nr-up")
    pg.wait_for_selector("#nr-notice .nr-notice-ok")
    lines = (server.tmp / "feedback" / "feedback.jsonl").read_text().splitlines()
    record = json.loads(lines[-1])
    assert record["rating"] == "up" and record["question"] == QUESTION and record["citations"]
    pg.click("#nr-refs")
    apa = pg.locator("#nr-apa textarea")
    apa.wait_for(state="visible")
    assert apa.input_value().strip() and pg.locator("#nr-mla textarea").input_value().strip()
    pg.screenshot(path=str(shots / "08-feedback-references-laptop.png"), full_page=True)
    with pg.expect_download() as info:
        pg.click("#nr-download")
    text = open(info.value.path(), encoding="utf-8").read()
    assert text.startswith("# newsrag conversation") and QUESTION in text and "Sources:" in text


def test_corpus_view_lists_and_shows_articles(page, shots):
    pg = page.page
    pg.get_by_role("tab", name="Articles").click()
    rows = pg.locator("#nr-corpus table.nr-corpus tbody tr")
    rows.first.wait_for()
    assert rows.count() == 5
    pg.click("#nr-pick input")
    pg.get_by_role("option").first.click()
    pg.wait_for_selector("#nr-article article.nr-article p")
    assert len(pg.locator("#nr-article article").inner_text()) > 500
    pg.screenshot(path=str(shots / "05-corpus-view-laptop.png"), full_page=True)


def test_phone_width_layout(browser, server, shots):
    p = Page(browser, server.url, width=390, height=844)
    try:
        pg = p.page
        pg.screenshot(path=str(shots / "06-empty-phone.png"))
        p.ask(QUESTION)
        pg.locator("#nr-transcript a.nr-cite").first.click()
        pg.wait_for_selector(".nr-source.nr-focus")
        pg.wait_for_timeout(600)
        pg.screenshot(path=str(shots / "07-source-opened-phone.png"))
        assert pg.evaluate("document.documentElement.scrollWidth") <= 392   # no sideways scrolling
        pg.click(".nr-source.nr-focus .nr-back")
        pg.wait_for_timeout(600)
        top = pg.evaluate("document.querySelector('#nr-transcript').getBoundingClientRect().top")
        assert -2 <= top < 844                                               # back at the answer (sub-pixel scroll)
        assert p.errors == []
    finally:
        p.close()


def test_loading_state_then_answer(browser, tmp_path, shots):
    """While the model loads the page says so; a question asked meanwhile is answered once it is ready."""
    from rag.config import load_settings
    from ui.app import build_app, launch
    from ui_standin import StandInAnswerer

    settings = load_settings(env={}, overrides={
        "paths": {"index_dir": str(tmp_path / "index"), "feedback_file": str(tmp_path / "f.jsonl")},
        "embedding": {"provider": "fake"}, "llm": {"provider": "fake"}})
    gate = threading.Event()
    app = build_app(StandInAnswerer(settings, load_gate=gate, token_delay=0.3), settings)
    _, url, _ = launch(app, settings, host="127.0.0.1", port=free_port(), prevent_thread_lock=True, quiet=True)
    ctx = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        pg = ctx.new_page()
        pg.goto(url)
        pg.wait_for_selector("#nr-status .nr-banner-loading", timeout=60_000)
        assert "Loading the language model (fake)" in pg.inner_text("#nr-status")
        pg.fill("#nr-question textarea", "How many were returned?")
        pg.click("#nr-ask")
        pg.wait_for_selector("#nr-transcript .nr-status:has-text('Loading the language model')", timeout=30_000)
        pg.screenshot(path=str(shots / "00-loading-laptop.png"))
        gate.set()
        pg.wait_for_selector("#nr-transcript .nr-draft", timeout=30_000)      # tokens appear as generated
        pg.screenshot(path=str(shots / "01b-streaming-laptop.png"))
        pg.wait_for_selector("#nr-transcript a.nr-cite", timeout=30_000)
        assert pg.locator("#nr-transcript .nr-draft").count() == 0
        pg.wait_for_selector("#nr-status .nr-banner-ready", timeout=10_000)
    finally:
        gate.set()
        ctx.close()
        app.close()


def test_grounded_sentence_is_what_the_answer_says(server):
    """Guards the scripted reply used above: its grounded sentence is what the pipeline keeps."""
    out = api_answer(server, QUESTION)
    assert out["citations"] and "Stanton Street Bridge" in " ".join(c["quote"] for c in out["citations"])
    assert GROUNDED.split(" [1]")[0][:40] in out["answer"] or out["mode"].startswith("fallback")
