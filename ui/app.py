"""The web chat: a thin Gradio adapter over one Answerer.

``build_app(answerer, settings)`` returns the Blocks; ``launch(app, settings, ...)`` starts it with
the public-safety settings (bounded queue, no /monitoring, no share link, no tracebacks, index and
settings directories not servable). All HTML comes from ui/formatting.py (pure functions).

Programs call the same answer through ``gradio_client.Client(url).predict(question, api_name="/ask")``
(history as an optional second argument); it returns ``Answer.to_dict()``, the JSON of
``newsrag ask --json``.
"""

from __future__ import annotations

import collections
import json
import logging
import os
import shutil
import tempfile
import threading
import time
import uuid
import weakref
from pathlib import Path
from typing import Any

import gradio as gr

from rag.ask.history import MAX_HISTORY_CHARS, MAX_HISTORY_MESSAGES
from rag.config import REPO_ROOT, Settings
from rag.errors import BackendError, IndexNotReadyError, NewsragError, QuestionError
from rag.types import Article
from ui import formatting as fmt

log = logging.getLogger("newsrag.ui")

STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_TURNS = 50                    # per conversation in the web chat (bounds the session state)
STREAM_MIN_INTERVAL_S = 0.08      # throttle of UI updates while tokens stream
EXPORT_MAX_AGE_S = 3600           # conversation exports (and Gradio's cached copies) are deleted after an hour

# Click on a citation marker: show the answer's source group, open the card, scroll to it.
CITE_JS = """
element.addEventListener('click', (ev) => {
  const a = ev.target.closest('a.nr-cite');
  if (!a) return;
  ev.preventDefault();
  const turn = a.dataset.turn, marker = a.dataset.marker;
  document.querySelectorAll('.nr-src-group').forEach(g => g.classList.toggle('active', g.dataset.turn === turn));
  document.querySelectorAll('.nr-source.nr-focus').forEach(c => c.classList.remove('nr-focus'));
  const card = document.getElementById('nr-src-' + turn + '-' + marker);
  if (card) {
    card.open = true;
    card.classList.add('nr-focus');
    card.scrollIntoView({behavior: 'smooth', block: 'nearest'});
  }
});
new MutationObserver(() => {
  const box = element.querySelector('.nr-transcript');
  if (box) box.scrollTop = box.scrollHeight;
}).observe(element, {childList: true, subtree: true});
"""


# --------------------------------------------------------------------------- service objects

class WarmupState:
    """Loads the models in a background thread; handlers wait on it instead of hanging the page."""

    def __init__(self, answerer: Any):
        self.answerer = answerer
        self._done = threading.Event()
        self.error: str | None = None
        self.started_at: float | None = None
        if bool(getattr(answerer, "ready", True)):
            self._done.set()

    def start(self) -> None:
        if self._done.is_set() or self.started_at is not None:
            return
        self.started_at = time.monotonic()
        threading.Thread(target=self._run, name="newsrag-warmup", daemon=True).start()

    def _run(self) -> None:
        try:
            self.answerer.warmup()
        except Exception as exc:  # shown to users as a status line, logged in full here
            log.exception("model warmup failed")
            self.error = str(exc) or exc.__class__.__name__
        finally:
            self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def ready(self) -> bool:
        return self._done.is_set() and self.error is None

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)


class RateLimiter:
    """At most ``per_minute`` questions per client in any 60 s window (0 disables)."""

    def __init__(self, per_minute: int, clock=time.monotonic):
        self.per_minute = per_minute
        self.clock = clock
        self._hits: dict[str, collections.deque] = {}
        self._lock = threading.Lock()

    def check(self, key: str) -> float | None:
        """Record a hit and return None, or return the seconds to wait (hit not recorded)."""
        if self.per_minute <= 0:
            return None
        now = self.clock()
        with self._lock:
            if len(self._hits) > 10_000:   # forget idle clients
                for k in [k for k, d in self._hits.items() if not d or now - d[-1] > 60]:
                    del self._hits[k]
            hits = self._hits.setdefault(key, collections.deque())
            while hits and now - hits[0] >= 60:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return max(1.0, 60 - (now - hits[0]))
            hits.append(now)
            return None


class FeedbackFull(Exception):
    """The feedback file has reached ``ui.feedback_max_mb``."""


class FeedbackStore:
    """Thumbs up/down appended to a JSONL file: one line per vote, flushed and fsynced; the file stops
    growing at ``max_bytes`` (FeedbackFull)."""

    def __init__(self, path: Path, max_bytes: int | None = None):
        self.path = Path(path)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()

    def append(self, record: dict) -> None:
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.max_bytes is not None:
                size = self.path.stat().st_size if self.path.exists() else 0
                if size + len(line.encode("utf-8")) > self.max_bytes:
                    raise FeedbackFull(f"{self.path} has reached {self.max_bytes / 1e6:.1f} MB (ui.feedback_max_mb)")
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())


def client_key(request: gr.Request | None) -> str:
    """The client's address: the TCP peer, or what a proxy named in ``ui.trusted_proxies`` forwarded
    (uvicorn resolves X-Forwarded-For for those proxies only; see ``launch``)."""
    client = getattr(request, "client", None) if request is not None else None
    return getattr(client, "host", None) or "unknown"


class ChatService:
    """Everything the handlers do, independent of the layout."""

    def __init__(self, answerer: Any, settings: Settings, warmup: WarmupState | None = None):
        self.answerer = answerer
        self.settings = settings
        self.warmup = warmup or WarmupState(answerer)
        self.limiter = RateLimiter(settings.ui.rate_limit_per_minute)
        self.feedback_limiter = RateLimiter(settings.ui.feedback_per_minute)
        self.feedback = FeedbackStore(settings.paths.feedback_file, int(settings.ui.feedback_max_mb * 1_000_000))
        self._export_dir: Path | None = None
        self._articles: list[Article] | None = None

    @property
    def export_dir(self) -> Path:
        """A private folder for the conversation exports, made on first use and removed with the service (or
        when the process exits)."""
        if self._export_dir is None:
            self._export_dir = Path(tempfile.mkdtemp(prefix="newsrag-export-"))
            weakref.finalize(self, shutil.rmtree, str(self._export_dir), True)
        return self._export_dir

    # ---- corpus
    def articles(self) -> list[Article]:
        if self._articles is None:
            try:
                self._articles = list(self.answerer.retriever.articles())
            except NewsragError as exc:
                log.warning("could not list articles: %s", exc)
                return []
        return self._articles

    def outlets(self) -> list[str]:
        """The distinct outlets of the indexed articles, for the filter controls."""
        return sorted({a.outlet for a in self.articles() if a.outlet}, key=str.casefold)

    def articles_page(self, text: str = "", outlet: str = "", date_from: str = "", date_to: str = "",
                      page: Any = 1) -> tuple[str, int, list[tuple[str, str]]]:
        """The Articles tab: (one page of the matching articles as HTML, the page shown, its picker choices)."""
        articles = self.articles()
        try:
            matching = fmt.filter_articles(articles, fmt.ArticleQuery(text or "", outlet or "", date_from or "",
                                                                      date_to or ""))
        except ValueError as exc:
            return fmt.corpus_page_html([], len(articles), 1, error=str(exc)), 1, []
        try:
            page = int(page or 1)
        except (TypeError, ValueError):
            page = 1
        page = min(max(1, page), fmt.page_count(len(matching)))
        size = fmt.CORPUS_PAGE_SIZE
        shown = matching[(page - 1) * size: page * size]
        return fmt.corpus_page_html(matching, len(articles), page), page, fmt.article_choices(shown)

    def reference_day(self):
        """The day relative time in questions counts from: ``retrieval.reference_date`` or the newest article's."""
        from rag.ask.dates import reference_date

        retriever = getattr(self.answerer, "retriever", None)
        try:
            return reference_date(retriever if hasattr(retriever, "date_range") else None,
                                  self.settings.retrieval.reference_date)
        except NewsragError:
            raise
        except Exception as exc:        # the index could not be read: relative time counts from today
            log.warning("no reference date from the index: %s", exc)
            return reference_date(None)

    def search_filter(self, question: str, outlet: Any = None, published_from: Any = None,
                      published_to: Any = None, prefer_recent: Any = False):
        """(SearchFilter, TimeScope or None) for a question and the filter controls (QuestionError when bad)."""
        from rag.ask.retrieve import filter_for_question

        def text(v: Any, what: str) -> str | None:
            if v is None or v == "":
                return None
            if not isinstance(v, str):
                raise QuestionError(f"{what} must be text.")
            return v.strip() or None

        flt, scope, _ = filter_for_question(question, self.reference_day(), outlet=text(outlet, "outlet"),
                                            published_from=text(published_from, "published_from"),
                                            published_to=text(published_to, "published_to"),
                                            prefer_recent=bool(prefer_recent))
        return flt, scope

    def empty_filter_message(self, flt) -> str | None:
        """A clear message when the filter leaves no article to search (None when some are left)."""
        if not flt or not flt.active:
            return None
        retriever = getattr(self.answerer, "retriever", None)
        count = getattr(retriever, "count_chunks", None)
        if not callable(count) or count(flt) > 0:
            return None
        first, last = retriever.date_range() if hasattr(retriever, "date_range") else (None, None)
        span = f" The indexed articles run from {first} to {last}." if first else ""
        return f"No indexed article matches these limits ({flt.describe()}).{span} Widen the dates or clear the outlet."

    def loading_what(self) -> str:
        """What the warmup is doing, in words: there is no model to load in extractive mode."""
        llm = getattr(self.answerer, "llm", self)
        n = len(self.articles())
        search = f"preparing the search over {n:,} article{'s' if n != 1 else ''}"
        if llm is None:
            return search[:1].upper() + search[1:] + " (word statistics and sentence vectors; no language model is used)"
        if self.settings.llm.provider == "local":
            from rag.backends.llamacpp import MODELS

            model = MODELS[self.settings.llm.local_model].label
        else:
            model = self.settings.llm.model or self.settings.llm.provider
        where = "local " if self.settings.llm.provider == "local" else ""
        return f"Loading the {where}language model ({model}) and {search}"

    def allowed_urls(self) -> set[str]:
        return {a.url for a in self.articles() if a.url}

    def article(self, doc_id: str) -> Article | None:
        try:
            found = self.answerer.retriever.article(doc_id)
        except NewsragError:
            found = None
        if found is None:
            found = next((a for a in self.articles() if a.doc_id == doc_id), None)
        return found

    # ---- checks shared by the UI and the API
    def check_question(self, question: Any) -> str:
        if not isinstance(question, str):
            raise QuestionError("The question must be text.")
        q = question.strip()
        if not q:
            raise QuestionError("Please type a question.")
        limit = self.settings.answer.max_question_chars
        if len(q) > limit:
            raise QuestionError(f"Your question is {len(q)} characters long; the limit is {limit}. Please shorten it.")
        return q

    def check_history(self, history: Any) -> list[dict]:
        if history is None or history == "":
            return []
        if not isinstance(history, list):
            raise QuestionError('history must be a list of {"role": "user"|"assistant", "content": "..."} objects.')
        if len(history) > MAX_HISTORY_MESSAGES:
            raise QuestionError(f"history has {len(history)} messages; at most {MAX_HISTORY_MESSAGES} are accepted.")
        out, total = [], 0
        for i, item in enumerate(history):
            if not (isinstance(item, dict) and item.get("role") in ("user", "assistant")
                    and isinstance(item.get("content"), str)):
                raise QuestionError(f'history[{i}] must be {{"role": "user"|"assistant", "content": "..."}}.')
            total += len(item["content"])
            out.append({"role": item["role"], "content": item["content"]})
        if total > MAX_HISTORY_CHARS:
            raise QuestionError(f"history holds {total} characters; at most {MAX_HISTORY_CHARS} are accepted.")
        return out

    def check_rate(self, request: gr.Request | None) -> None:
        wait = self.limiter.check(client_key(request))
        if wait is not None:
            raise QuestionError(f"Too many questions: the limit is {self.settings.ui.rate_limit_per_minute} per "
                                f"minute. Please try again in {int(wait + 0.999)} seconds.")

    def status_html(self) -> str:
        n = len(self.articles())
        corpus = f"{n:,} article{'s' if n != 1 else ''} indexed" if n else "no articles indexed: run <code>newsrag ingest</code>"
        if self.warmup.error:
            return (f'<div class="nr-banner nr-banner-error">The language model could not be loaded: '
                    f'{fmt.esc(self.warmup.error)}. Check the <code>llm</code> settings and restart.</div>')
        if not self.warmup.done:
            elapsed = int(time.monotonic() - self.warmup.started_at) if self.warmup.started_at is not None else 0
            since = f" {elapsed} s so far." if elapsed else ""
            return ('<div class="nr-banner nr-banner-loading"><span class="nr-spinner"></span>'
                    f'{fmt.esc(self.loading_what())}…{since} Questions you ask now are answered as soon as it is '
                    'ready.</div>')
        llm = getattr(self.answerer, "llm", self)
        how = ("answers quoted from the articles (no language model)" if llm is None
               else f"answers by the {self.settings.llm.provider} language model")
        return f'<div class="nr-banner nr-banner-ready">Ready · {corpus} · {how}</div>'

    def friendly_error(self, exc: BaseException) -> str:
        if isinstance(exc, QuestionError):
            return str(exc)
        if isinstance(exc, BackendError):
            return f"The language model is not available right now: {exc}"
        if isinstance(exc, IndexNotReadyError):
            return f"The article index is not ready: {exc}"
        if isinstance(exc, NewsragError):
            return str(exc)
        log.exception("unexpected error while answering", exc_info=exc)
        return "Something went wrong while answering. Please try again; if it keeps happening, tell the site owner."

    def wait_until_ready(self, timeout: float | None = None) -> None:
        if not self.warmup.wait(timeout):
            raise BackendError("the local model is still loading; please try again in a minute.")
        if self.warmup.error:
            raise BackendError(f"the language model could not be loaded ({self.warmup.error}).")

    # ---- API
    def api_ask(self, question: str, history: list[dict] | None = None,
                request: gr.Request | None = None, outlet: Any = None, published_from: Any = None,
                published_to: Any = None, prefer_recent: Any = False) -> dict:
        from rag.ask.retrieve import scoped_stream

        try:
            q = self.check_question(question)
            hist = self.check_history(history)
            flt, scope = self.search_filter(q, outlet, published_from, published_to, prefer_recent)
            self.check_rate(request)
            empty = self.empty_filter_message(flt)
            if empty:
                raise QuestionError(empty)
            self.wait_until_ready(timeout=600)
            answer = None
            for event in scoped_stream(self.answerer.stream(q, hist), flt):
                if event.kind == "answer":
                    answer = event.answer
            if answer is None:
                raise BackendError("the answer stream ended without an answer.")
            out = answer.to_dict()
            if flt:
                out["filter"] = flt.to_dict()
                out["time"] = scope.to_dict() if scope else None
            return out
        except Exception as exc:
            raise gr.Error(self.friendly_error(exc), print_exception=False) from None

    # ---- chat
    def chat(self, question: str, turns: list[fmt.Turn] | None, request: gr.Request | None = None,
             outlet: Any = None, published_from: Any = None, published_to: Any = None, prefer_recent: Any = False):
        """Generator of (transcript, sources, question box, turns, apa, mla, download, notice).

        The search is limited by the filter controls (outlet, from, to, newest first) and by relative
        time in the question ("last week", "in March"), counted from the newest article."""
        from rag.ask.retrieve import scoped_stream

        turns = list(turns or [])
        skip = gr.skip()
        try:
            q = self.check_question(question)
            if len(turns) >= MAX_TURNS:
                raise QuestionError(f"This conversation has reached {MAX_TURNS} questions. Click "
                                    "“New conversation” to go on (download this one first if you want to keep it).")
            flt, scope = self.search_filter(q, outlet, published_from, published_to, prefer_recent)
            self.check_rate(request)
        except QuestionError as exc:
            yield skip, skip, skip, skip, skip, skip, skip, _notice(str(exc), "warn")
            return
        urls = self.allowed_urls()
        history = fmt.history_from_turns(turns)
        turn = fmt.Turn(question=q, status="Searching the articles…")
        if flt:
            turn.scope = flt.describe() + (f"; from the question: “{scope.matched_text}”" if scope else "")
        turns.append(turn)
        empty = self.empty_filter_message(flt)
        if empty:
            turn.error = empty
            yield fmt.transcript_html(turns, urls), skip, "", turns, skip, skip, skip, ""
            return
        yield fmt.transcript_html(turns, urls), skip, "", turns, skip, skip, skip, ""
        while not self.warmup.done:
            turn.status = f"{self.loading_what()}… your question will be answered as soon as it is ready."
            yield fmt.transcript_html(turns, urls), skip, skip, turns, skip, skip, skip, skip
            self.warmup.wait(1.0)
        last = 0.0
        try:
            self.wait_until_ready(timeout=0)
            turn.status = "Searching the articles…"
            for event in scoped_stream(self.answerer.stream(q, history), flt):
                if event.kind == "status":
                    turn.status = event.text
                elif event.kind == "evidence":
                    turn.evidence = event.text
                elif event.kind == "token":
                    turn.draft += event.text
                    turn.status = "Writing the answer… (it is checked against the articles when done)"
                elif event.kind == "answer" and event.answer is not None:
                    turn.answer = event.answer
                    break
                now = time.monotonic()
                first_token = event.kind == "token" and turn.draft == event.text
                if event.kind != "token" or first_token or now - last >= STREAM_MIN_INTERVAL_S:
                    last = now
                    yield fmt.transcript_html(turns, urls), skip, skip, turns, skip, skip, skip, skip
            if turn.answer is None:
                raise BackendError("the answer stream ended without an answer.")
            turn.articles = {c.doc_id: a for c in turn.answer.citations
                             if (a := self.article(c.doc_id)) is not None}
            turn.freeze(len(turns) - 1)
        except Exception as exc:
            turn.error = self.friendly_error(exc)
        yield (fmt.transcript_html(turns, urls), fmt.sources_html(turns), skip, turns,
               fmt.references_text(turn.answer, "apa", urls), fmt.references_text(turn.answer, "mla", urls),
               self.export(turns), "")

    def export(self, turns: list[fmt.Turn]) -> str | None:
        if not turns:
            return None
        self._forget_old_exports()
        path = self.export_dir / f"newsrag-conversation-{uuid.uuid4().hex[:10]}.md"
        path.write_text(fmt.conversation_markdown(turns, allowed_urls=self.allowed_urls()), encoding="utf-8")
        return str(path)

    def _forget_old_exports(self, max_age_s: float = EXPORT_MAX_AGE_S) -> None:
        """Every answer writes an export; those older than ``max_age_s`` go (the disk stays bounded)."""
        now = time.time()
        for old in self.export_dir.glob("newsrag-conversation-*.md"):
            try:
                if now - old.stat().st_mtime > max_age_s:
                    old.unlink()
            except OSError:
                pass

    def rate(self, rating: str, turns: list[fmt.Turn] | None, request: gr.Request | None = None) -> str:
        answered = [t for t in (turns or []) if t.answer is not None]
        if not answered:
            return _notice("Ask a question first, then rate its answer.", "warn")
        wait = self.feedback_limiter.check(client_key(request))
        if wait is not None:
            return _notice(f"Too many votes: the limit is {self.settings.ui.feedback_per_minute} per minute. "
                           f"Please try again in {int(wait + 0.999)} seconds.", "warn")
        record = fmt.feedback_record(answered[-1], rating, session=getattr(request, "session_hash", None))
        try:
            self.feedback.append(record)
        except FeedbackFull as exc:
            log.warning("feedback not stored: %s", exc)
            return _notice("Sorry, this server is not taking more feedback right now.", "warn")
        except OSError as exc:
            log.error("could not store feedback in %s: %s", self.feedback.path, exc)
            return _notice("Sorry, your feedback could not be saved on the server.", "warn")
        return _notice("Thank you: your feedback on the last answer was saved.", "ok")


def _notice(text: str, kind: str) -> str:
    return f'<div class="nr-notice nr-notice-{kind}" role="status">{fmt.esc(text)}</div>' if text else ""


# --------------------------------------------------------------------------- layout

def build_app(answerer: Any, settings: Settings, *, warmup: WarmupState | None = None) -> gr.Blocks:
    """The web chat over ``answerer``. Starts the model warmup in a background thread if needed."""
    service = ChatService(answerer, settings, warmup)
    service.warmup.start()
    _prepare_filters_in_background(answerer)
    articles = service.articles()
    first_page, _, choices = service.articles_page()
    outlets = service.outlets()
    outlet_choices = [("All outlets", "")] + [(o, o) for o in outlets]
    examples = fmt.example_questions(settings.ui.examples, articles)
    try:
        now_note = f"counted from {fmt.format_date(service.reference_day().isoformat())}"
    except NewsragError:
        now_note = "counted from the newest article"
    limit = settings.answer.max_question_chars
    conc = settings.ui.concurrency

    with gr.Blocks(title="newsrag: ask the news", analytics_enabled=False,
                   delete_cache=(EXPORT_MAX_AGE_S, EXPORT_MAX_AGE_S)) as app:
        app.newsrag_service = service  # for tests and the command
        gr.HTML('<header class="nr-header"><h1>newsrag</h1><p>Questions answered from news articles only, '
                'with every claim linked to its source.</p></header>', js_on_load=None)
        status = gr.HTML(service.status_html(), elem_id="nr-status", js_on_load=None)
        timer = gr.Timer(1.0, active=not service.warmup.done)
        turns = gr.State([])
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                with gr.Row(equal_height=False, elem_id="nr-main"):
                    with gr.Column(scale=3, min_width=320, elem_id="nr-chat-col"):
                        transcript = gr.HTML(fmt.transcript_html([]), elem_id="nr-transcript", js_on_load=CITE_JS)
                        with gr.Row(elem_id="nr-ask-row"):
                            question = gr.Textbox(show_label=False, placeholder="Ask a question…",
                                                  max_length=limit, lines=1, max_lines=4, scale=5, min_width=200,
                                                  elem_id="nr-question", autofocus=True)
                            ask_btn = gr.Button("Ask", variant="primary", scale=1, min_width=70, elem_id="nr-ask")
                        notice = gr.HTML("", elem_id="nr-notice", js_on_load=None)
                        with gr.Accordion("Limit the search: outlet, dates, newest first", open=False,
                                          elem_id="nr-filters"):
                            with gr.Row():
                                f_outlet = gr.Dropdown(choices=outlet_choices, value="", label="Outlet",
                                                       filterable=True, min_width=160, elem_id="nr-f-outlet")
                                f_from = gr.Textbox(label="From", placeholder="e.g. 1987-03", max_length=10,
                                                    min_width=110, elem_id="nr-f-from")
                                f_to = gr.Textbox(label="To", placeholder="e.g. 1987-04-15", max_length=10,
                                                  min_width=110, elem_id="nr-f-to")
                            f_recent = gr.Checkbox(label="Newest first (among passages about as relevant)",
                                                   value=False, elem_id="nr-f-recent")
                            gr.HTML(f'<p class="nr-note">Dates in your question (“last week”, “in March”, “latest”) '
                                    f'rank articles of that time higher, {fmt.esc(now_note)}; dates set here limit '
                                    'the search to them.</p>',
                                    js_on_load=None)
                        if examples:
                            gr.Examples(examples=examples, inputs=[question], label="Try one of these",
                                        examples_per_page=6)
                        with gr.Row(elem_id="nr-actions"):
                            up = gr.Button("✓ Helpful", size="sm", min_width=90, elem_id="nr-up")
                            down = gr.Button("✗ Not helpful", size="sm", min_width=110, elem_id="nr-down")
                            clear = gr.Button("New conversation", size="sm", min_width=120, elem_id="nr-clear")
                            download = gr.DownloadButton("Download conversation (Markdown)", value=None, size="sm",
                                                         min_width=150, elem_id="nr-download", interactive=True)
                        with gr.Accordion("Copy references (APA / MLA)", open=False, elem_id="nr-refs"):
                            apa = gr.Textbox(label="APA", lines=3, interactive=False, buttons=["copy"], elem_id="nr-apa",
                                             placeholder="References of the current answer appear here.")
                            mla = gr.Textbox(label="MLA", lines=3, interactive=False, buttons=["copy"], elem_id="nr-mla",
                                             placeholder="References of the current answer appear here.")
                    with gr.Column(scale=2, min_width=300, elem_id="nr-side-col"):
                        sources = gr.HTML(fmt.sources_html([]), elem_id="nr-sources", js_on_load=None)
            with gr.Tab("Articles", id="articles"):
                with gr.Row(elem_id="nr-a-search"):
                    a_text = gr.Textbox(label="Headline contains", placeholder="words of the headline",
                                        max_length=200, scale=3, min_width=180, elem_id="nr-a-text")
                    a_outlet = gr.Dropdown(choices=outlet_choices, value="", label="Outlet", filterable=True,
                                           scale=2, min_width=150, elem_id="nr-a-outlet")
                    a_from = gr.Textbox(label="From", placeholder="e.g. 1987-03", max_length=10, scale=1,
                                        min_width=110, elem_id="nr-a-from")
                    a_to = gr.Textbox(label="To", placeholder="e.g. 1987-04", max_length=10, scale=1,
                                      min_width=110, elem_id="nr-a-to")
                    a_go = gr.Button("Search", variant="primary", scale=1, min_width=80, elem_id="nr-a-go")
                corpus = gr.HTML(first_page, elem_id="nr-corpus", js_on_load=None)
                with gr.Row(elem_id="nr-a-pager"):
                    a_prev = gr.Button("‹ Previous", size="sm", scale=0, min_width=100, elem_id="nr-a-prev")
                    a_page = gr.Number(value=1, precision=0, minimum=1, label="Page", scale=0, min_width=90,
                                       elem_id="nr-a-page")
                    a_next = gr.Button("Next ›", size="sm", scale=0, min_width=100, elem_id="nr-a-next")
                pick = gr.Dropdown(choices=choices, value=None, label="Read an article (this page)",
                                   filterable=True, elem_id="nr-pick")
                article_view = gr.HTML(fmt.article_html(None), elem_id="nr-article", js_on_load=None)
            with gr.Tab("About", id="about"):
                gr.HTML(about_html(settings), js_on_load=None)

        chat_outputs = [transcript, sources, question, turns, apa, mla, download, notice]

        def chat(q, t, outlet, date_from, date_to, recent, request: gr.Request):
            yield from service.chat(q, t, request, outlet, date_from, date_to, recent)
        for trigger in (question.submit, ask_btn.click):
            trigger(chat, inputs=[question, turns, f_outlet, f_from, f_to, f_recent], outputs=chat_outputs,
                    api_visibility="private", concurrency_limit=conc, concurrency_id="answer",
                    show_progress="hidden")

        def _page(text, outlet, date_from, date_to, page):
            html, shown, page_choices = service.articles_page(text, outlet, date_from, date_to, page)
            return html, shown, gr.Dropdown(choices=page_choices, value=None)
        search_inputs = [a_text, a_outlet, a_from, a_to]
        page_outputs = [corpus, a_page, pick]
        gr.on([a_text.submit, a_from.submit, a_to.submit, a_go.click, a_outlet.input],
              lambda *v: _page(*v, 1), inputs=search_inputs, outputs=page_outputs,
              api_visibility="private", queue=False, show_progress="hidden")
        a_page.submit(_page, inputs=search_inputs + [a_page], outputs=page_outputs, api_visibility="private",
                      queue=False, show_progress="hidden")
        a_prev.click(lambda *v: _page(*v[:-1], (v[-1] or 1) - 1), inputs=search_inputs + [a_page],
                     outputs=page_outputs, api_visibility="private", queue=False, show_progress="hidden")
        a_next.click(lambda *v: _page(*v[:-1], (v[-1] or 1) + 1), inputs=search_inputs + [a_page],
                     outputs=page_outputs, api_visibility="private", queue=False, show_progress="hidden")
        def _up(t, request: gr.Request):
            return service.rate("up", t, request)

        def _down(t, request: gr.Request):
            return service.rate("down", t, request)

        up.click(_up, inputs=[turns], outputs=[notice], api_visibility="private", queue=False)
        down.click(_down, inputs=[turns], outputs=[notice], api_visibility="private", queue=False)

        def _clear():
            return fmt.transcript_html([]), fmt.sources_html([]), "", [], "", "", None, ""
        clear.click(_clear, outputs=chat_outputs, api_visibility="private", queue=False)
        pick.change(lambda d: fmt.article_html(service.article(d) if d else None), inputs=[pick],
                    outputs=[article_view], api_visibility="private", queue=False)

        def _tick():
            return service.status_html(), gr.Timer(active=not service.warmup.done)
        timer.tick(_tick, outputs=[status, timer], api_visibility="private", queue=False, show_progress="hidden")
        app.load(_tick, outputs=[status, timer], api_visibility="private", queue=False, show_progress="hidden")

        def ask(question: str, history: list[dict] | None = None, outlet: str | None = None,
                published_from: str | None = None, published_to: str | None = None, prefer_recent: bool = False,
                request: gr.Request = None) -> dict:
            """Answer a question from the indexed articles. Returns the JSON of `newsrag ask --json`:
            question, standalone_question, answer (with [n] markers), abstained, citations, unsupported_sentences,
            references {apa, mla}, timings_ms, mode (plus filter and time when the search was limited).
            history: optional list of {"role", "content"} messages. outlet (substring), published_from,
            published_to (1987, 1987-03 or 1987-03-09), prefer_recent: optional limits of the search; relative
            time in the question ("last week") is understood too."""
            return service.api_ask(question, history, request, outlet, published_from, published_to, prefer_recent)

        gr.api(ask, api_name="ask", concurrency_limit=conc, concurrency_id="answer")
    return app


def _prepare_filters_in_background(answerer: Any) -> None:
    """Build the retriever's filter tables (chunk dates, outlets, vectors) off the request path."""
    prepare = getattr(getattr(answerer, "retriever", None), "prepare_filters", None)
    if not callable(prepare):
        return

    def run() -> None:
        try:
            prepare()
        except Exception:       # filtered questions then build them on first use, or use Chroma's filter
            log.exception("could not prepare the search filters")
    threading.Thread(target=run, name="newsrag-filters", daemon=True).start()


def about_html(settings: Settings) -> str:
    return (
        '<div class="nr-about"><h3>How it works</h3><p>Your question is matched against passages of the indexed '
        'articles. A language model answers from the best passages only; every sentence of the answer is then checked '
        'against the passage it cites. Sentences no passage supports are shown apart, marked as not supported. If the '
        'articles do not answer the question, you get a refusal instead of a guess.</p>'
        '<h3>Using it</h3><ul><li>Click a marker like [1] to read the quoted passage, highlighted, in its article.</li>'
        '<li>Ask follow-up questions: the conversation is remembered; “Interpreted as” shows how a follow-up was read.</li>'
        '<li>“Copy references” gives APA and MLA references; “Download conversation” saves everything as Markdown.</li>'
        '<li>👍 / 👎 store your rating of the last answer on this server (question, answer and sources).</li></ul>'
        f'<p class="nr-note">Limits: {settings.answer.max_question_chars} characters per question, '
        f'{settings.ui.rate_limit_per_minute or "no limit of"} questions per minute.</p>'
        '<p class="nr-note">Programs: <code>gradio_client.Client(url).predict(question, api_name="/ask")</code> returns '
        'the same JSON as <code>newsrag ask --json</code>.</p></div>'
    )


# --------------------------------------------------------------------------- launch

# Outside Gradio's CSS scoping (which only reaches inside .contain): narrower page margins on phones.
HEAD = ("<style>@media (max-width: 640px) { .gradio-container .main.app "
        "{ padding-left: .5rem !important; padding-right: .5rem !important; } }</style>")


def load_css() -> str:
    return (STATIC_DIR / "app.css").read_text(encoding="utf-8")


def theme():
    return gr.themes.Default(primary_hue="blue", neutral_hue="slate",
                             font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
                             font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"])


def blocked_paths(settings: Settings, config_path: str | Path | None = None) -> list[str]:
    """Directories never served as files: the index, the feedback file's folder, settings files."""
    paths = {settings.paths.index_dir, settings.paths.feedback_file.parent, REPO_ROOT / "newsrag.toml"}
    if config_path:
        paths.add(Path(config_path).resolve().parent)
    return sorted(str(Path(p).resolve()) for p in paths)


def launch(app: gr.Blocks, settings: Settings, *, host: str | None = None, port: int | None = None,
           prevent_thread_lock: bool = False, config_path: str | Path | None = None, quiet: bool = False):
    """Start the server with the public-safety settings. Returns what Blocks.launch returns.

    uvicorn (started by Gradio) trusts X-Forwarded-For from 127.0.0.1 unless told otherwise: it is told
    to trust exactly ``ui.trusted_proxies`` (default none) through FORWARDED_ALLOW_IPS. The request guard
    (ui/guard.py) bounds request bodies and turns uploads off; the memory trimmer runs after bursts."""
    from starlette.middleware import Middleware

    from ui.guard import MemoryTrimmer, RequestGuard, trusted_proxies_env

    os.environ["FORWARDED_ALLOW_IPS"] = trusted_proxies_env(settings.ui.trusted_proxies)
    trimmer = MemoryTrimmer().start()
    guard = Middleware(RequestGuard, ask_limit=settings.ui.max_ask_body_kb * 1024,
                       other_limit=settings.ui.max_body_kb * 1024, activity=trimmer)
    app.newsrag_trimmer = trimmer
    app.queue(default_concurrency_limit=settings.ui.concurrency, max_size=settings.ui.max_queue,
              api_open=False)
    return app.launch(
        app_kwargs={"middleware": [guard]},
        server_name=host or settings.ui.host, server_port=port or settings.ui.port,
        share=False, show_error=False, enable_monitoring=False, mcp_server=False, ssr_mode=False, pwa=False,
        allowed_paths=[], blocked_paths=blocked_paths(settings, config_path), footer_links=["api"],
        prevent_thread_lock=prevent_thread_lock, quiet=quiet, inbrowser=False,
        max_file_size="1mb", theme=theme(), css=load_css(), head=HEAD,
    )
