"""The web chat's pure formatting functions (no Gradio): answers with markers, source cards with the
quoted span highlighted, references, the Markdown export, and hostile model output made inert."""

from __future__ import annotations

import dataclasses

import datetime as dt
import re

import pytest

from rag.types import Answer, Article, Citation
from ui import formatting as fmt

TEXT = ("EL PASO, Texas (Border Report) – The U.S. today returned the largest group.\n\n"
        "CBP handed over 20 adult males to Mexican officials on the Stanton Street Bridge. "
        "Rights groups reported it.\n\nA third paragraph <b>with</b> markup & more.")
ART = Article(doc_id="000_a", text=TEXT, title=None, title_derived=False, outlet="Border Report",
              published="2021-12-10", url="https://example.org/a")
Q_START = TEXT.index("CBP handed")
Q_END = TEXT.index("Bridge.") + len("Bridge.")


def cit(marker=1, start=Q_START, end=Q_END, doc="000_a", **kw) -> Citation:
    base = dict(marker=marker, doc_id=doc, title="US returns asylum seekers", outlet="Border Report",
                published="2021-12-10", url="https://example.org/a", chunk_id="c1", start=start, end=end,
                quote=TEXT[start:end], supported=True, title_derived=True)
    base.update(kw)
    return Citation(**base)


def answer(text="CBP handed over 20 men [1].", citations=None, **kw) -> Answer:
    base = dict(question="How many men were returned?", standalone_question="How many men were returned?",
                answer=text, abstained=False, citations=[cit()] if citations is None else citations,
                references={"apa": ["Border Report. (2021, December 10). US returns asylum seekers."],
                            "mla": ["“US returns asylum seekers.” Border Report, 10 Dec. 2021."]})
    base.update(kw)
    return Answer(**base)


def test_markers_become_links_to_their_source_card():
    html = fmt.render_answer_text("Twenty men were returned [1]. Nothing here [7].", [cit()], turn=3)
    links = re.findall(r'<a class="nr-cite" href="#nr-src-3-(\d+)" data-turn="3" data-marker="(\d+)"', html)
    assert links == [("1", "1")]
    assert "[7]" in html and "nr-src-3-7" not in html      # a marker pointing at nothing stays plain text
    assert 'title="Border Report · US returns asylum seekers · 10 December 2021"' in html


def test_model_cannot_forge_a_marker_placeholder():
    html = fmt.render_answer_text("A \ue0009\ue001 forged [1].", [cit()], turn=0)
    assert html.count('class="nr-cite"') == 1 and "\ue000" not in html


@pytest.mark.parametrize("hostile, forbidden", [
    ("<script>window.pwned=1</script>", "<script"),
    ('<img src="x" onerror="window.pwned=1">', "<img"),
    ("![chart](https://evil.example/track.png)", "<img"),
    ("[click me](javascript:alert(1))", 'href="javascript:'),
    ("[phish](https://evil.example/login)", "evil.example"),
    ("<https://evil.example/auto>", 'href="https://evil.example'),
    ("[x][r]\n\n[r]: https://evil.example/ref", "href=\"https://evil.example"),
    ('<a href="https://evil.example" onclick="x()">a</a>', "<a href=\"https://evil"),
    ("<iframe src=//evil.example></iframe>", "<iframe"),
    ("<style>body{display:none}</style>", "<style"),
])
def test_hostile_model_output_is_inert(hostile, forbidden):
    html = fmt.render_answer_text(f"Answer {hostile} end [1].", [cit()], turn=0, allowed_urls={"https://example.org/a"})
    assert forbidden not in html
    assert not re.search(r"<[a-z][^>]*\son\w+\s*=", html)       # no event-handler attribute on any tag
    assert not re.search(r"<(?!/?(p|a|code|strong|em)\b)[a-z]", html)  # only our small set of tags
    assert 'class="nr-cite"' in html


def test_raw_html_in_model_text_is_shown_escaped_not_dropped():
    html = fmt.render_model_markdown("Use <b>bold</b> & <script>x</script>")
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "&amp;" in html and "&lt;script&gt;" in html


def test_links_to_corpus_article_urls_are_kept_others_dropped():
    html = fmt.render_model_markdown("[the article](https://example.org/a) and [elsewhere](https://other.example/x)",
                                     allowed_urls={"https://example.org/a"})
    assert 'href="https://example.org/a"' in html and 'rel="noopener noreferrer nofollow"' in html
    assert "other.example" not in html and "elsewhere" in html


def test_basic_markdown_still_renders():
    html = fmt.render_model_markdown("**Yes**, two points:\n\n- one\n- two")
    assert "<strong>Yes</strong>" in html and "<li>one</li>" in html


def test_passage_highlights_exactly_the_quote_in_its_paragraph():
    long_par = "Before. " * 40
    text = f"Far away.\n\n{long_par}The quote is here. After it.\n\nNext paragraph."
    s = text.index("The quote")
    html = fmt.passage_html(text, [(s, s + len("The quote is here."))])
    assert re.findall(r'<mark class="nr-quote">(.*?)</mark>', html) == ["The quote is here."]
    assert "Before. Before." in html and "After it." in html          # its own paragraph as context
    assert "Far away" not in html and "Next paragraph" not in html


def test_short_paragraph_gets_its_neighbours_as_context():
    html = fmt.passage_html(TEXT, [(Q_START, Q_END)])
    assert re.findall(r'<mark class="nr-quote">(.*?)</mark>', html) == [TEXT[Q_START:Q_END]]
    assert "Rights groups reported it." in html and "EL PASO" in html and "third paragraph" in html
    assert "&lt;b&gt;with&lt;/b&gt;" in html


def test_passage_escapes_article_text_and_trims_long_context():
    text = "word " * 400 + "<i>QUOTE</i> & done." + " tail" * 400
    s = text.index("<i>QUOTE")
    html = fmt.passage_html(text, [(s, s + len("<i>QUOTE</i>"))], max_context=100)
    assert '<mark class="nr-quote">&lt;i&gt;QUOTE&lt;/i&gt;</mark>' in html
    assert html.startswith("… ") and html.endswith(" …") and len(html) < 400


def test_citation_card_shows_outlet_title_date_and_highlight():
    card = fmt.citation_card(2, 1, [cit()], ART)
    assert 'id="nr-src-2-1"' in card
    assert "Border Report" in card and "10 December 2021" in card
    assert "US returns asylum seekers" in card and "derived" in card      # derived title is marked
    assert re.findall(r'<mark class="nr-quote">(.*?)</mark>', card) == [fmt.esc(TEXT[Q_START:Q_END])]
    assert 'href="https://example.org/a"' in card


def test_citation_card_finds_quote_when_offsets_moved_and_survives_missing_article():
    moved = cit(start=0, end=5)
    moved = Citation(**{**moved.to_dict(), "quote": TEXT[Q_START:Q_END]})
    card = fmt.citation_card(0, 1, [moved], ART)
    assert re.findall(r'<mark class="nr-quote">(.*?)</mark>', card) == [TEXT[Q_START:Q_END]]
    gone = fmt.citation_card(0, 1, [cit(quote='<script>"x"</script>')], None)
    assert "no longer in the index" in gone and "&lt;script&gt;" in gone and "<script>" not in gone


def test_citation_card_escapes_hostile_metadata():
    card = fmt.citation_card(0, 1, [cit(outlet="<img src=x onerror=alert(1)>", title="<script>t</script>",
                                        url="javascript:alert(1)")], ART)
    assert "<img" not in card and "<script>" not in card and "javascript:" not in card


@pytest.mark.parametrize("value, shown", [("2021-12-10", "10 December 2021"), ("2024-01", "January 2024"),
                                          ("2024", "2024"), (None, ""), ("sometime", "sometime")])
def test_format_date(value, shown):
    assert fmt.format_date(value) == shown


def test_answer_html_marks_unsupported_sentences_and_standalone_question():
    a = answer(unsupported_sentences=["The men were <b>Cuban</b> [2]."],
               question="and how many?", standalone_question="How many men were returned to Mexico?")
    html = fmt.answer_html(a, 0)
    assert "Not supported by the articles" in html
    assert "The men were &lt;b&gt;Cuban&lt;/b&gt;." in html          # escaped, marker stripped
    assert "Interpreted as" in html and "How many men were returned to Mexico?" in html


def test_refusal_looks_like_a_refusal_not_an_error():
    a = answer(text="The articles do not say how many migrants crossed in 2025.", citations=[], abstained=True,
               references={"apa": [], "mla": []})
    html = fmt.answer_html(a, 0)
    assert 'class="nr-refusal"' in html and "Not in the articles" in html and "nr-error" not in html
    side = fmt.sources_html([fmt.Turn(question="q", answer=a)])
    assert "do not answer this question" in side
    assert fmt.references_text(a, "apa") == ""


def test_transcript_escapes_user_question_and_shows_draft_while_streaming():
    t = fmt.Turn(question="<img src=x onerror=alert(1)>?", draft="Partial <b>draft", status="Writing…")
    html = fmt.transcript_html([t])
    assert "<img" not in html and "&lt;img" in html
    assert "Partial &lt;b&gt;draft" in html and "Writing…" in html


def test_pending_turn_shows_the_passages_being_read_escaped_and_drops_them_once_answered():
    t = fmt.Turn(question="q?", status="Reading the passages…",
                 evidence="[1] SHAMROCK CUTS PRICES (Reuters, 1987-02-26): \u201cIt cut <b>prices</b>.\u201d\n[2] Other: x")
    html = fmt.transcript_html([t])
    assert "Reading these passages" in html and html.count("<li>") == 2
    assert "&lt;b&gt;prices" in html and "<b>prices" not in html
    t.answer = answer()
    assert "Reading these passages" not in fmt.transcript_html([t])


def test_sources_panel_groups_by_turn_latest_active():
    t0 = fmt.Turn(question="first", answer=answer(), articles={"000_a": ART})
    t1 = fmt.Turn(question="second", answer=answer(citations=[cit(1), cit(2, start=0, end=10)]),
                  articles={"000_a": ART})
    html = fmt.sources_html([t0, t1])
    assert '<section class="nr-src-group" data-turn="0">' in html
    assert '<section class="nr-src-group active" data-turn="1">' in html
    assert 'id="nr-src-1-1"' in html and 'id="nr-src-1-2"' in html and 'id="nr-src-0-1"' in html


def test_history_from_turns_uses_answered_turns_only():
    turns = [fmt.Turn(question="q1", answer=answer(text="a1 [1]")), fmt.Turn(question="q2", error="boom"),
             fmt.Turn(question="q3", answer=answer(text="a3"))]
    assert fmt.history_from_turns(turns) == [
        {"role": "user", "content": "q1"}, {"role": "assistant", "content": "a1 [1]"},
        {"role": "user", "content": "q3"}, {"role": "assistant", "content": "a3"}]


def test_references_text_one_per_line():
    a = answer(references={"apa": ["A one.", "A two."], "mla": ["M one."]})
    assert fmt.references_text(a, "apa") == "A one.\nA two."
    assert fmt.references_text(a, "mla") == "M one."
    assert fmt.references_text(None, "apa") == ""


def test_conversation_markdown_has_questions_answers_sources_and_references():
    turns = [fmt.Turn(question="How many men?", answer=answer(unsupported_sentences=["Guess."])),
             fmt.Turn(question="And 2025?", answer=answer(text="The articles do not say.", citations=[],
                                                          abstained=True, references={"apa": [], "mla": []}))]
    md = fmt.conversation_markdown(turns, now=dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.timezone.utc))
    assert "## Q1. How many men?" in md and "CBP handed over 20 men [1]." in md
    assert "- [1] US returns asylum seekers (title derived from the article). Border Report, 10 December 2021." in md
    assert "“" + TEXT[Q_START:Q_END] + "”" in md
    assert "Not supported by the articles:" in md and "- Guess." in md
    assert "**Not in the articles.** The articles do not say." in md
    assert "## References (APA)" in md and "Border Report. (2021, December 10)" in md and "## References (MLA)" in md
    assert "Exported 2026-01-02 03:04 UTC." in md


def test_feedback_record_holds_question_answer_citations_timestamp():
    rec = fmt.feedback_record(fmt.Turn(question="q", answer=answer()), "up",
                              now=dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc), session="s1")
    assert rec["rating"] == "up" and rec["question"] == "q" and rec["answer"] == "CBP handed over 20 men [1]."
    assert rec["citations"][0]["quote"] == TEXT[Q_START:Q_END]
    assert rec["timestamp"] == "2026-01-02T00:00:00+00:00" and rec["session"] == "s1"


def test_corpus_rows_and_article_view_escape_and_mark_unknowns():
    other = Article(doc_id="001_b", text="Para one.\nPara <two>.", title="Headline", outlet=None, published=None)
    rows = fmt.corpus_rows([ART, other])
    assert rows[0] == ["000_a (derived)", "Border Report", "10 December 2021", "000_a"]
    assert rows[1] == ["Headline", "unknown", "unknown", "001_b"]
    html = fmt.article_html(other)
    assert "<p>Para one.</p><p>Para &lt;two&gt;.</p>" in html and "outlet unknown" in html


def test_an_answer_says_when_its_sources_were_published_and_names_the_newest():
    a = answer(citations=[cit(1), cit(2, start=0, end=10)])
    one = fmt.sources_dated(a.citations[:1])
    assert one.startswith("Published: [1] ") and "newest" not in one
    later = dataclasses.replace(a.citations[1], published="2099-01-02", doc_id="000_b")
    both = fmt.sources_dated([a.citations[0], later])
    assert "[2]" in both and both.endswith("(the newest)") and both.count("newest") == 1
    assert "Published:" in fmt.answer_html(answer(citations=[a.citations[0], later]), 0)
    assert "Published:" not in fmt.answer_html(answer(abstained=True, answer="The articles in this collection do not say.",
                                                      citations=[]), 0)
