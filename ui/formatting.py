"""Pure formatting for the web chat: Answer / Citation / Article -> HTML or Markdown strings.

No Gradio here, so everything is tested directly (tests/unit/test_ui_formatting.py).

Safety rule for everything the language model produced: it is *text*. The answer is rendered
by markdown-it-py with raw HTML disabled (so ``<script>`` arrives as ``&lt;script&gt;``), images
disabled, and every link dropped unless its URL is one of the corpus article URLs; the result
goes through nh3 with a short allow-list as a second line of defence. Only after that do we add
our own markup (citation markers). Article text and metadata are escaped with html.escape.
"""

from __future__ import annotations

import datetime as _dt
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rag.types import Answer, Article, Citation

MARKER_RE = re.compile(r"\[(\d{1,3})\]")
# Private-use code points stand in for citation markers while the model text is rendered;
# they are stripped from the model text first, so the model cannot forge a marker.
_PH_OPEN, _PH_CLOSE = "\ue000", "\ue001"
_PH_RE = re.compile(_PH_OPEN + r"(\d{1,3})" + _PH_CLOSE)

_ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "pre", "ul", "ol", "li", "blockquote", "a",
                 "h1", "h2", "h3", "h4", "h5", "h6", "hr", "del", "s"}
_ALLOWED_ATTRS = {"a": {"href", "title", "target", "class"}, "ol": {"start"}}

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]


def esc(text: object) -> str:
    """Escape anything for HTML text or a double-quoted attribute."""
    return html.escape("" if text is None else str(text), quote=True)


# --------------------------------------------------------------------------- markdown of model text

def _markdown():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "html_inline", "html_block"], ignoreInvalid=True)
    return md


_MD = None


def render_model_markdown(text: str, allowed_urls: Iterable[str] = ()) -> str:
    """Model-produced Markdown -> safe HTML: no raw HTML, no images, links only to ``allowed_urls``."""
    global _MD
    if _MD is None:
        _MD = _markdown()
    allowed = {u for u in allowed_urls if u}
    tokens = _MD.parse(text or "")
    for block in tokens:
        children = block.children or []
        dropping = False
        for tok in children:
            if tok.type == "link_open":
                href = tok.attrGet("href") or ""
                dropping = href not in allowed
                tok.meta["drop"] = dropping
                if not dropping:
                    tok.attrSet("target", "_blank")
                    tok.attrSet("class", "nr-link")
            elif tok.type == "link_close":
                tok.meta["drop"] = dropping
                dropping = False
        block.children = [t for t in children if not t.meta.get("drop")]
    rendered = _MD.renderer.render(tokens, _MD.options, {})
    import nh3

    return nh3.clean(rendered, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRS,
                     url_schemes={"http", "https"}, link_rel="noopener noreferrer nofollow",
                     clean_content_tags={"script", "style"}).strip()


def marker_link(turn: int, marker: int, citation: Citation | None) -> str:
    """Our own markup for a citation marker: a link to the source card (JS opens it in place)."""
    tip = ""
    if citation is not None:
        tip = " · ".join(x for x in (citation.outlet, citation.title, format_date(citation.published)) if x)
    return (f'<a class="nr-cite" href="#nr-src-{turn}-{marker}" data-turn="{turn}" data-marker="{marker}" '
            f'title="{esc(tip)}" aria-label="source {marker}">[{marker}]</a>')


def render_answer_text(text: str, citations: Sequence[Citation], turn: int,
                       allowed_urls: Iterable[str] = ()) -> str:
    """The answer's Markdown with each valid ``[n]`` turned into a clickable marker.

    Markers that point at no citation stay plain (escaped) text: they lead nowhere.
    """
    by_marker = citations_by_marker(citations)
    clean = (text or "").replace(_PH_OPEN, "").replace(_PH_CLOSE, "")

    def to_placeholder(m: re.Match) -> str:
        n = int(m.group(1))
        return f"{_PH_OPEN}{n}{_PH_CLOSE}" if n in by_marker else m.group(0)

    body = render_model_markdown(MARKER_RE.sub(to_placeholder, clean), allowed_urls)
    return _PH_RE.sub(lambda m: marker_link(turn, int(m.group(1)), by_marker[int(m.group(1))][0]), body)


def strip_markers(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\s*\[\d{1,3}\]", "", text or "")).strip()


def citations_by_marker(citations: Sequence[Citation]) -> dict[int, list[Citation]]:
    out: dict[int, list[Citation]] = {}
    for c in citations:
        out.setdefault(int(c.marker), []).append(c)
    return dict(sorted(out.items()))


# --------------------------------------------------------------------------- dates and titles

def format_date(published: str | None) -> str:
    """ISO date as precise as known -> "10 December 2021", "January 2024", "2024"; '' when unknown."""
    if not published:
        return ""
    m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", published.strip())
    if not m:
        return published
    year, month, day = m.group(1), m.group(2), m.group(3)
    if month and 1 <= int(month) <= 12:
        if day:
            return f"{int(day)} {_MONTHS[int(month) - 1]} {year}"
        return f"{_MONTHS[int(month) - 1]} {year}"
    return year


def _title_html(title: str | None, derived: bool, fallback: str) -> str:
    shown = esc(title or fallback)
    if derived or not title:
        note = "title derived from the article's first line" if title else "no headline"
        return f'<span class="nr-title">{shown}</span> <span class="nr-derived" title="{note}">({note})</span>'
    return f'<span class="nr-title">{shown}</span>'


# --------------------------------------------------------------------------- passages

def passage_html(text: str, spans: Sequence[tuple[int, int]], max_context: int = 600) -> str:
    """The paragraph around ``spans`` (character offsets in ``text``) with each span in <mark>.

    Context is cut at line breaks and at most ``max_context`` characters either side (at a word
    boundary, with an ellipsis). Everything is escaped.
    """
    spans = sorted((max(0, s), min(len(text), e)) for s, e in spans if 0 <= s < e <= len(text))
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    if not merged:
        return ""
    lo, hi = merged[0][0], merged[-1][1]
    start = text.rfind("\n", 0, lo) + 1
    end = text.find("\n", hi)
    end = len(text) if end == -1 else end
    # A quote that fills its whole paragraph gets the neighbouring paragraphs as context.
    if (lo - start) + (end - hi) < 200:
        if start > 0:
            prev_end = len(text[:start].rstrip())
            start = text.rfind("\n", 0, prev_end) + 1
        if end < len(text):
            stripped_end = len(text) - len(text[end:].lstrip())
            nxt = text.find("\n", stripped_end)
            end = len(text) if nxt == -1 else nxt
    prefix = suffix = ""
    if lo - start > max_context:
        cut = text.find(" ", lo - max_context, lo)
        start = cut + 1 if cut != -1 else lo - max_context
        prefix = "… "
    if end - hi > max_context:
        cut = text.rfind(" ", hi, hi + max_context)
        end = cut if cut != -1 else hi + max_context
        suffix = " …"
    parts = [esc(prefix)]
    pos = start
    for s, e in merged:
        parts.append(esc(text[pos:s]))
        parts.append(f'<mark class="nr-quote">{esc(text[s:e])}</mark>')
        pos = e
    parts.append(esc(text[pos:end]))
    parts.append(esc(suffix))
    return "".join(parts).strip()


def _citation_spans(citation: Citation, article_text: str) -> tuple[int, int] | None:
    """The span of the citation's quote in the article as it is now (offsets checked, else searched)."""
    if article_text[citation.start:citation.end] == citation.quote and citation.end > citation.start:
        return citation.start, citation.end
    if citation.quote:
        pos = article_text.find(citation.quote)
        if pos != -1:
            return pos, pos + len(citation.quote)
    return None


def citation_card(turn: int, marker: int, citations: Sequence[Citation], article: Article | None,
                  *, open_: bool = False) -> str:
    """One source card: marker, outlet, headline (derived titles marked), date, passage with <mark>."""
    first = citations[0]
    title = first.title if first.title is not None else (article.title if article else None)
    derived = first.title_derived or (article.title_derived if article and first.title is None else False)
    outlet = first.outlet or (article.outlet if article else None)
    published = first.published or (article.published if article else None)
    url = first.url or (article.url if article else None)
    date = format_date(published) or "date unknown"
    meta = f'{esc(outlet or "outlet unknown")} · {esc(date)}'
    body = ""
    if article is not None:
        spans = [s for s in (_citation_spans(c, article.text) for c in citations) if s]
        if spans:
            body = f'<blockquote class="nr-passage">{passage_html(article.text, spans)}</blockquote>'
    if not body:
        note = ("" if article is not None else
                '<p class="nr-note">The article is no longer in the index; the quoted sentence is shown alone.</p>')
        quotes = "".join(f'<mark class="nr-quote">{esc(c.quote)}</mark> ' for c in citations)
        body = f'{note}<blockquote class="nr-passage">{quotes.strip()}</blockquote>'
    link = (f' · <a class="nr-link" href="{esc(url)}" target="_blank" rel="noopener noreferrer nofollow">original article</a>'
            if url and url.startswith(("http://", "https://")) else "")
    return (
        f'<details class="nr-source" id="nr-src-{turn}-{marker}" data-marker="{marker}"{" open" if open_ else ""}>'
        f'<summary><span class="nr-src-n">[{marker}]</span> {_title_html(title, derived, first.doc_id)}'
        f'<span class="nr-src-meta">{meta}</span></summary>'
        f'<div class="nr-src-body">{body}'
        f'<div class="nr-src-foot">Article <code>{esc(first.doc_id)}</code>{link}'
        f'<a class="nr-back" href="#nr-transcript">↑ back to the answer</a></div></div></details>'
    )


# --------------------------------------------------------------------------- conversation

@dataclass
class Turn:
    """One question and what we know of its answer so far (kept in the session state)."""

    question: str
    answer: Answer | None = None
    draft: str = ""
    evidence: str = ""               # the passages being read, shown while the answer is written
    status: str = ""
    error: str | None = None
    articles: dict[str, Article] = field(default_factory=dict)   # cited articles, for the source cards
    cards: str | None = None         # the rendered source cards, kept instead of the articles (see freeze)
    scope: str = ""                  # what the search was limited to ("1987-03-01 to 1987-03-31 (“in March”)")

    def freeze(self, index: int) -> None:
        """Render this turn's source cards once and drop the article texts (keeps session state small)."""
        if self.answer is not None and self.cards is None:
            self.cards = source_cards_html(self, index)
            self.articles = {}

    @property
    def done(self) -> bool:
        return self.answer is not None or self.error is not None


def history_from_turns(turns: Sequence[Turn], max_turns: int = 6) -> list[dict]:
    """Conversation memory for the Answerer: the last answered turns as role/content messages."""
    out: list[dict] = []
    for t in [t for t in turns if t.answer is not None][-max_turns:]:
        out.append({"role": "user", "content": t.question})
        out.append({"role": "assistant", "content": t.answer.answer})
    return out


def sources_dated(citations: Sequence[Citation]) -> str:
    """When each cited source was published: "[1] Reuters, 26 Feb 1987 · [2] Reuters, 1 Apr 1987 (the newer)".
    When the cited articles carry different dates, the newest is named as such: news changes, and a reader must
    know which report is the later one."""
    by_marker = citations_by_marker(citations)
    if not by_marker:
        return ""
    days = {m: (cs[0].published or "")[:10] for m, cs in by_marker.items()}
    known = {d for d in days.values() if d}
    newest = max(known) if len(known) > 1 else None
    items = []
    for m, cs in by_marker.items():
        when = format_date(cs[0].published) or "date unknown"
        label = ", ".join(x for x in (cs[0].outlet, when) if x)
        also = [", ".join(x for x in (c.get("outlet"), format_date(c.get("published"))) if x) for c in cs[0].copies]
        items.append(f"[{m}] {label}" + (" (the newest)" if newest and days[m] == newest else "")
                     + (f", also carried: {'; '.join(a for a in also if a)}" if any(also) else ""))
    return "Published: " + " · ".join(items)


def answer_html(answer: Answer, turn: int, allowed_urls: Iterable[str] = ()) -> str:
    """The assistant's part of a turn: the answer, unsupported sentences, the standalone question."""
    parts: list[str] = []
    if answer.abstained:
        parts.append('<div class="nr-refusal" role="status"><div class="nr-refusal-title">Not in the articles</div>'
                     f'{render_model_markdown(strip_markers(answer.answer))}</div>')
    else:
        parts.append(f'<div class="nr-answer">{render_answer_text(answer.answer, answer.citations, turn, allowed_urls)}</div>')
    if answer.unsupported_sentences:
        items = "".join(f"<li>{esc(strip_markers(s))}</li>" for s in answer.unsupported_sentences)
        parts.append('<div class="nr-unsupported"><div class="nr-unsupported-title">Not supported by the articles:</div>'
                     f'<ul>{items}</ul><div class="nr-unsupported-note">The model wrote this, but no passage backs it. '
                     'Do not rely on it.</div></div>')
    standalone = (answer.standalone_question or "").strip()
    if standalone and standalone.casefold() != (answer.question or "").strip().casefold():
        parts.append(f'<details class="nr-interpreted"><summary>Interpreted as</summary><p>{esc(standalone)}</p></details>')
    dated = sources_dated(answer.citations) if not answer.abstained else ""
    if dated:
        parts.append(f'<div class="nr-dated">{esc(dated)}</div>')
    if answer.citations and not answer.abstained:
        n = len(citations_by_marker(answer.citations))
        parts.append(f'<div class="nr-hint">{n} source{"s" if n != 1 else ""} · click a marker to read the passage</div>')
    return "".join(parts)


def turn_html(turn: Turn, index: int, allowed_urls: Iterable[str] = ()) -> str:
    user = f'<div class="nr-msg nr-user"><div class="nr-bubble">{esc(turn.question)}</div></div>'
    if turn.error:
        bot = f'<div class="nr-error" role="alert">{esc(turn.error)}</div>'
    elif turn.answer is not None:
        bot = answer_html(turn.answer, index, allowed_urls)
    else:
        status = (f'<div class="nr-status" role="status"><span class="nr-spinner" aria-hidden="true"></span>'
                  f'{esc(turn.status or "Working…")}</div>')
        draft = f'<div class="nr-draft">{esc(turn.draft)}</div>' if turn.draft else ""
        bot = status + draft + evidence_html(turn.evidence)
    if turn.scope:
        bot = f'<div class="nr-scope">Search limits: {esc(turn.scope)}</div>' + bot
    return (f'<div class="nr-turn" data-turn="{index}">{user}'
            f'<div class="nr-msg nr-bot"><div class="nr-bubble">{bot}</div></div></div>')


def evidence_html(evidence: str) -> str:
    """The numbered passages being read (one per line: "[n] headline (outlet, date): “lead sentence”"), shown
    under the pending answer so the reader sees the quotes before the model has written a word."""
    if not evidence.strip():
        return ""
    items = "".join(f"<li>{esc(line)}</li>" for line in evidence.splitlines() if line.strip())
    return f'<div class="nr-evidence"><div class="nr-evidence-title">Reading these passages:</div><ul>{items}</ul></div>'


EMPTY_TRANSCRIPT = (
    '<div class="nr-empty"><p><strong>Ask a question about the news articles in this collection.</strong></p>'
    "<p>Answers come only from the articles, with numbered citations [1] you can click to read the exact "
    "passage. When the articles do not say, the assistant tells you so instead of guessing.</p></div>"
)


def transcript_html(turns: Sequence[Turn], allowed_urls: Iterable[str] = ()) -> str:
    allowed = list(allowed_urls)
    if not turns:
        return f'<div class="nr-transcript">{EMPTY_TRANSCRIPT}</div>'
    return '<div class="nr-transcript">' + "".join(turn_html(t, i, allowed) for i, t in enumerate(turns)) + "</div>"


def source_cards_html(turn: Turn, index: int) -> str:
    """The source cards of one answered turn (the first one open)."""
    a = turn.answer
    if a is None:
        return ""
    if turn.cards is not None:
        return turn.cards
    by_marker = citations_by_marker(a.citations)
    if by_marker:
        return "".join(citation_card(index, m, cs, turn.articles.get(cs[0].doc_id), open_=(k == 0))
                       for k, (m, cs) in enumerate(by_marker.items()))
    return ('<div class="nr-src-empty">No sources: the articles do not answer this question.</div>'
            if a.abstained else '<div class="nr-src-empty">This answer cites no passage.</div>')


def sources_html(turns: Sequence[Turn]) -> str:
    """The side panel: one group of source cards per answered turn; the latest is shown, a marker
    click in an older answer shows that answer's group."""
    answered = [(i, t) for i, t in enumerate(turns) if t.answer is not None]
    head = '<div class="nr-sources"><div class="nr-sources-title">Sources</div>'
    if not answered:
        return head + ('<div class="nr-src-empty">The sources of the current answer appear here: outlet, '
                       'headline, date and the quoted passage, highlighted.</div></div>')
    last = answered[-1][0]
    groups = [f'<section class="nr-src-group{" active" if i == last else ""}" data-turn="{i}">'
              f'<div class="nr-src-q">For: “{esc(t.question)}”</div>{source_cards_html(t, i)}</section>'
              for i, t in answered]
    return head + "".join(groups) + "</div>"


# --------------------------------------------------------------------------- references and export

# Exports (the Markdown download, the copied references) are sanitized like the chat: article text and
# model text are inert there too. In Markdown every character that could open markup (`` \ ` [ ] < > ``)
# is escaped, so there is no raw HTML, no image and no link written by an article or a model; URLs and
# e-mail addresses outside the collection's article URLs are set as code, which no Markdown flavour
# (not even GitHub's autolinking) turns into a link; the collection's own article URLs stay links.

_URL_RE = re.compile(r"(?i)(?:\b[a-z][a-z0-9+.\-]{1,20}:/{1,3}|\bwww\d{0,3}\.)[^\s<>`\"']+"
                     r"|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_MD_ESCAPE = re.compile(r"([\\`\[\]<>])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_LINK_RE = re.compile(r"\[([^\[\]\n]{1,300})\]\((https?://[^\s()<>]+)\)")


def _http_urls(urls: Iterable[str | None]) -> set[str]:
    return {u for u in urls if u and u.startswith(("http://", "https://")) and not re.search(r"[\s<>`]", u)}


def _trim_url(url: str) -> str:
    """A URL found in prose without the sentence punctuation after it (and an unbalanced ")")."""
    while url and url[-1] in ".,;:!?)]":
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def md_code(text: str) -> str:
    """``text`` as a Markdown code span (inert), whatever backticks it holds."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_text(text: str | None, allowed_urls: Iterable[str] = ()) -> str:
    """Untrusted text as one line of inert Markdown: markup characters escaped, outside URLs as code."""
    allowed = _http_urls(allowed_urls)
    line = re.sub(r"\s+", " ", _CONTROL.sub("", text or "")).strip()
    out, pos = [], 0
    for m in _URL_RE.finditer(line):
        out.append(_MD_ESCAPE.sub(r"\\\1", line[pos:m.start()]))
        url = _trim_url(m.group(0))
        out.append(f"<{url}>" if url in allowed else md_code(url))
        pos = m.start() + len(url)
    out.append(_MD_ESCAPE.sub(r"\\\1", line[pos:]))
    return "".join(out)


def _line_start_safe(line: str) -> str:
    """A line that cannot open a heading, list, quote, table or thematic break."""
    m = re.match(r"^(\d{1,9})([.)])", line)
    if m:
        return f"{m.group(1)}\\{m.group(2)}{line[m.end():]}"
    return "\\" + line if line[:1] in "#>-+*=|~_:" else line


def md_answer(text: str | None, allowed_urls: Iterable[str] = ()) -> str:
    """Model-written answer text for the export: inert like ``md_text``, with its ``[n]`` markers kept and
    its links kept only when they lead to an article URL of the collection."""
    allowed = _http_urls(allowed_urls)
    parts, pos = [], 0
    for m in _LINK_RE.finditer(text or ""):
        if m.group(2) in allowed:
            parts.append(md_text(text[pos:m.start()], allowed))
            parts.append(f"[{md_text(m.group(1))}](<{m.group(2)}>)")
            pos = m.end()
    parts.append(md_text((text or "")[pos:], allowed))
    joined = " ".join(p for p in parts if p)
    return re.sub(r"\\\[(\d{1,3})\\\](?![(:\[])", r"[\1]", joined)


def plain_reference(text: str, allowed_urls: Iterable[str] = ()) -> str:
    """A reference for the clipboard: plain text with no HTML tag, no Markdown image or link syntax and no
    URL other than the collection's article URLs (those are replaced by "[link removed]")."""
    allowed = _http_urls(allowed_urls)
    line = re.sub(r"\s+", " ", _CONTROL.sub("", text or "")).strip()
    line = re.sub(r"<[A-Za-z/!?][^<>]*>?", "", line)                      # tags, closed or not
    line = line.replace("<", "‹").replace(">", "›")
    line = re.sub(r"!\[([^\[\]]*)\]\([^()]*\)", r"\1", line)             # images -> alt text
    line = re.sub(r"\[([^\[\]]*)\]\([^()]*\)", r"\1", line)               # links -> their text

    def keep_or_remove(m: re.Match) -> str:
        url = _trim_url(m.group(0))
        return (url if url in allowed else "[link removed]") + m.group(0)[len(url):]

    line = _URL_RE.sub(keep_or_remove, line)
    return re.sub(r"\s+", " ", line.replace("![", "[")).strip()


def _answer_urls(answers: Iterable[Answer | None]) -> set[str]:
    return {c.url for a in answers if a is not None for c in a.citations if c.url}


def references_text(answer: Answer | None, style: str, allowed_urls: Iterable[str] = ()) -> str:
    """One reference per line (APA or MLA), numbered like the markers when the counts match; plain text
    sanitized for pasting anywhere (see ``plain_reference``)."""
    if answer is None or answer.abstained:
        return ""
    refs = list((answer.references or {}).get(style, []))
    if not refs:
        return ""
    allowed = _answer_urls([answer]) | set(allowed_urls)
    return "\n".join(plain_reference(r, allowed) for r in refs)


def conversation_markdown(turns: Sequence[Turn], now: _dt.datetime | None = None,
                          allowed_urls: Iterable[str] = ()) -> str:
    """The conversation with its sources and references, as a Markdown document to download.

    Everything in it that came from a visitor, an article or a model is inert (``md_text``,
    ``md_answer``): links lead only to the article URLs of the collection."""
    now = now or _dt.datetime.now(_dt.timezone.utc)
    urls = _answer_urls(t.answer for t in turns) | set(allowed_urls)
    lines = ["# newsrag conversation", "", f"Exported {now:%Y-%m-%d %H:%M} UTC.", ""]
    apa: list[str] = []
    mla: list[str] = []
    for n, t in enumerate(turns, 1):
        lines += [f"## Q{n}. {md_text(t.question, urls)}", ""]
        if t.error:
            lines += [f"_Error: {md_text(t.error)}_", ""]
            continue
        a = t.answer
        if a is None:
            lines += ["_(no answer yet)_", ""]
            continue
        if a.standalone_question and a.standalone_question.strip().casefold() != t.question.strip().casefold():
            lines += [f"_Interpreted as: {md_text(a.standalone_question, urls)}_", ""]
        body = md_answer(a.answer, urls)
        lines += [("**Not in the articles.** " + body) if a.abstained else _line_start_safe(body), ""]
        if a.unsupported_sentences:
            lines += ["Not supported by the articles:", ""] + [
                f"- {md_text(strip_markers(s), urls)}" for s in a.unsupported_sentences] + [""]
        if a.citations:
            lines += ["Sources:", ""]
            for m, cs in citations_by_marker(a.citations).items():
                c = cs[0]
                meta = ", ".join(md_text(x, urls) for x in (c.outlet, format_date(c.published)) if x) \
                    or "outlet and date unknown"
                title = md_text(c.title or c.doc_id, urls) + (" (title derived from the article)" if c.title_derived else "")
                quotes = " … ".join(f"“{md_text(x.quote, urls)}”" for x in cs)
                lines.append(f"- [{m}] {title}. {meta}. Article {md_code(c.doc_id)}. {quotes}")
            lines.append("")
        for ref in (a.references or {}).get("apa", []):
            if ref not in apa:
                apa.append(ref)
        for ref in (a.references or {}).get("mla", []):
            if ref not in mla:
                mla.append(ref)
    if apa or mla:
        lines += (["## References (APA)", ""] + [f"- {md_text(r, urls)}" for r in apa] + ["", "## References (MLA)", ""]
                  + [f"- {md_text(r, urls)}" for r in mla] + [""])
    return "\n".join(lines)


def feedback_record(turn: Turn, rating: str, *, now: _dt.datetime | None = None, session: str | None = None) -> dict:
    """The JSON line stored for a thumbs up/down."""
    now = now or _dt.datetime.now(_dt.timezone.utc)
    a = turn.answer
    return {
        "timestamp": now.isoformat(timespec="seconds"),
        "rating": rating,
        "question": turn.question,
        "standalone_question": a.standalone_question if a else None,
        "answer": a.answer if a else None,
        "abstained": a.abstained if a else None,
        "unsupported_sentences": list(a.unsupported_sentences) if a else [],
        "citations": [c.to_dict() for c in a.citations] if a else [],
        "mode": a.mode if a else None,
        "session": session,
    }


# --------------------------------------------------------------------------- corpus view

def corpus_rows(articles: Sequence[Article]) -> list[list[str]]:
    rows = []
    for a in sorted(articles, key=lambda a: (a.published or "", a.doc_id), reverse=True):
        title = (a.title or a.doc_id) + (" (derived)" if a.title_derived or not a.title else "")
        rows.append([title, a.outlet or "unknown", format_date(a.published) or "unknown", a.doc_id])
    return rows


def article_html(article: Article | None) -> str:
    """One article in full, escaped, paragraphs kept."""
    if article is None:
        return '<div class="nr-article nr-src-empty">Choose an article to read it in full.</div>'
    paras = [p.strip() for p in re.split(r"\n+", article.text) if p.strip()]
    body = "".join(f"<p>{esc(p)}</p>" for p in paras)
    url = (f' · <a class="nr-link" href="{esc(article.url)}" target="_blank" rel="noopener noreferrer nofollow">original</a>'
           if article.url and article.url.startswith(("http://", "https://")) else "")
    meta = (f'{esc(article.outlet or "outlet unknown")} · {esc(format_date(article.published) or "date unknown")} · '
            f'<code>{esc(article.doc_id)}</code>{url}')
    return (f'<article class="nr-article"><h2>{_title_html(article.title, article.title_derived, article.doc_id)}</h2>'
            f'<div class="nr-src-meta">{meta}</div>{body}</article>')


# --------------------------------------------------------------------------- the Articles tab at scale

CORPUS_PAGE_SIZE = 25


@dataclass(frozen=True)
class ArticleQuery:
    """The Articles tab's search: words of the headline, outlet (substring), publication date range."""

    text: str = ""
    outlet: str = ""
    date_from: str = ""          # partial ISO dates: 1987, 1987-03, 1987-03-09
    date_to: str = ""


def filter_articles(articles: Sequence[Article], query: ArticleQuery) -> list[Article]:
    """The articles matching ``query``, newest first. Raises ValueError naming a bad date."""
    # every word of the search starts a word of the headline ("trade" finds "Trade deficit", "7" not "1987")
    words = [re.compile(r"\b" + re.escape(w)) for w in re.findall(r"\w+", (query.text or "").casefold())]
    outlet = (query.outlet or "").strip().casefold()
    lo = _bound(query.date_from, 0, "From")
    hi = _bound(query.date_to, 1, "To")
    if lo and hi and lo > hi:
        raise ValueError(f"the date range is empty: From {query.date_from} is after To {query.date_to}")
    out = []
    for a in articles:
        if words:
            title = (a.title or a.doc_id).casefold()
            if not all(w.search(title) for w in words):
                continue
        if outlet and outlet not in (a.outlet or "").casefold():
            continue
        if lo or hi:
            try:
                a_lo, a_hi = _period(a.published)
            except ValueError:
                continue
            if (lo and a_hi < lo) or (hi and a_lo > hi):
                continue
        out.append(a)
    out.sort(key=lambda a: (a.published or "", a.doc_id), reverse=True)
    return out


_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _period(value: str | None) -> tuple[str, str]:
    m = _ISO.match((value or "").strip())
    if not m:
        raise ValueError(f"{value!r} is not a date like 1987, 1987-03 or 1987-03-09")
    y, mo, d = m.groups()
    if mo is None:
        return f"{y}-01-01", f"{y}-12-31"
    if not 1 <= int(mo) <= 12:
        raise ValueError(f"{value!r} has no month {mo}")
    if d is None:
        return f"{y}-{mo}-01", f"{y}-{mo}-31"
    return f"{y}-{mo}-{d}", f"{y}-{mo}-{d}"


def _bound(value: str | None, which: int, label: str) -> str | None:
    if not value or not value.strip():
        return None
    try:
        return _period(value)[which]
    except ValueError as exc:
        raise ValueError(f"{label}: {exc}") from None


def page_count(n: int, size: int = CORPUS_PAGE_SIZE) -> int:
    return max(1, (n + size - 1) // size)


def corpus_page_html(matching: Sequence[Article], total: int, page: int, size: int = CORPUS_PAGE_SIZE,
                     error: str = "") -> str:
    """One page of the article list with the counts; only this page's rows are sent to the browser."""
    if total == 0:
        return '<div class="nr-src-empty">No articles are indexed yet. Run <code>newsrag ingest</code>.</div>'
    if error:
        return f'<div class="nr-notice nr-notice-warn" role="alert">{esc(error)}</div>'
    if not matching:
        return (f'<p class="nr-note nr-count">No article matches this search ({total:,} indexed). '
                'Try fewer words or a wider date range.</p>')
    pages = page_count(len(matching), size)
    page = min(max(1, page), pages)
    rows = corpus_rows(matching[(page - 1) * size: page * size])
    first = (page - 1) * size + 1
    body = "".join(f"<tr><td>{esc(t)}</td><td>{esc(o)}</td><td>{esc(d)}</td></tr>" for t, o, d, _ in rows)
    what = "articles match" if len(matching) != total else "articles indexed"
    count = (f"{first:,}–{first + len(rows) - 1:,} of {len(matching):,} {what}"
             + (f" ({total:,} indexed)" if len(matching) != total else "") + f" · page {page} of {pages}")
    return (f'<p class="nr-note nr-count">{esc(count)}. Choose one below to read it in full.</p>'
            f'<div class="nr-table-wrap"><table class="nr-corpus"><thead><tr><th>Headline</th><th>Outlet</th>'
            f'<th>Date</th></tr></thead><tbody>{body}</tbody></table></div>')


def article_choices(articles: Sequence[Article]) -> list[tuple[str, str]]:
    """(label, doc_id) for the "Read an article" picker of one page."""
    return [(f"{(a.title or a.doc_id)[:90]} · {a.outlet or 'unknown'} · {format_date(a.published) or 'undated'}",
             a.doc_id) for a in articles]


def example_questions(configured: Sequence[str], articles: Sequence[Article], n: int = 4) -> list[str]:
    """The example questions under the chat box: ``ui.examples`` when set, else made from the headlines
    of the newest articles (one per outlet and day where possible), so they fit whatever is indexed."""
    if configured:
        return [q for q in configured if isinstance(q, str) and q.strip()][:8]
    picked: list[str] = []
    seen: set[tuple[str, str]] = set()
    openings: set[str] = set()
    titled = [a for a in articles if a.title and not a.title_derived]
    for a in sorted(titled, key=lambda a: (a.published or "", a.doc_id), reverse=True):
        key = ((a.outlet or "").casefold(), (a.published or "")[:10])
        if key in seen and len(titled) > n:
            continue
        headline = _headline_case(a.title)
        words = re.findall(r"[^\W\d_]+", headline)
        if len(words) < 3 or len(headline) > 48 or "<" in headline or ">" in headline:
            continue                  # too short to ask about, too long to show whole, or holds markup/tickers
        opening = " ".join(words[:3]).casefold()
        if opening in openings:       # a running story: one example of it is enough
            continue
        openings.add(opening)
        seen.add(key)
        picked.append(f"What does the article “{headline}” report?")
        if len(picked) == n:
            break
    return picked


def _headline_case(title: str) -> str:
    """ALL-CAPS wire headlines in sentence case ("U.S. TRADE DEFICIT WIDENS" -> "U.S. trade deficit widens")."""
    title = " ".join(title.split())
    letters = [c for c in title if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) < 0.8 * len(letters):
        return title
    # a word with dots is an abbreviation (U.S., U.K.) and stays as written; the rest is lower-cased
    out = [w if "." in w.strip(".") else w.lower() for w in title.split(" ")]
    text = " ".join(out)
    return text[:1].upper() + text[1:]
