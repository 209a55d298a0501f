"""The web chat's handlers (ChatService) with a stand-in answerer: streaming, loading state, limits,
feedback storage, export. No server here: see tests/integration/test_api_*.py for that."""

from __future__ import annotations

import json
import threading
import types
from pathlib import Path

import pytest

from rag.config import load_settings
from ui import formatting as fmt
from ui.app import ChatService, FeedbackStore, RateLimiter, WarmupState, blocked_paths, build_app
from ui_standin import QUOTE, StandInAnswerer


@pytest.fixture
def settings(tmp_path: Path):
    return load_settings(env={}, overrides={
        "paths": {"index_dir": str(tmp_path / "index"), "feedback_file": str(tmp_path / "fb" / "feedback.jsonl")},
        "embedding": {"provider": "fake"}, "llm": {"provider": "fake"},
        "answer": {"max_question_chars": 50}, "ui": {"rate_limit_per_minute": 3},
    })


def request(host="10.0.0.1"):
    return types.SimpleNamespace(client=types.SimpleNamespace(host=host), session_hash="sess")


def run_chat(service, question, turns=None, host="10.0.0.1"):
    return list(service.chat(question, turns or [], request(host)))


def test_chat_streams_then_shows_verified_answer_with_sources_and_references(settings):
    service = ChatService(StandInAnswerer(settings), settings)
    updates = run_chat(service, "How many men were returned?")
    transcripts = [u[0] for u in updates if isinstance(u[0], str)]
    assert any("nr-draft" in t for t in transcripts[:-1])             # draft tokens shown while streaming
    final = updates[-1]
    transcript, sources, _, turns, apa, mla, download, notice = final
    assert 'class="nr-cite"' in transcript and "nr-draft" not in transcript
    assert "Not supported by the articles" in transcript and "They were all from Venezuela." in transcript
    assert f'<mark class="nr-quote">{QUOTE}</mark>' in sources
    assert apa.startswith("Border Report. (2021") and "Border Report, 10 Dec. 2021" in mla
    assert Path(download).read_text().startswith("# newsrag conversation")
    assert len(turns) == 1 and turns[0].answer.citations[0].quote == QUOTE


def test_follow_up_passes_history_and_shows_interpretation(settings):
    answerer = StandInAnswerer(settings)
    service = ChatService(answerer, settings)
    turns = run_chat(service, "How many men were returned?")[-1][3]
    final = run_chat(service, "and on which bridge?", turns)[-1]
    assert answerer.calls[-1][1] == [{"role": "user", "content": "How many men were returned?"},
                                     {"role": "assistant", "content": turns[0].answer.answer}]
    assert "Interpreted as" in final[0] and "(about the MPP returns)" in final[0]
    assert 'data-turn="0"' in final[1] and 'class="nr-src-group active" data-turn="1"' in final[1]


def test_refusal_is_calm_and_has_no_references(settings):
    final = run_chat(ChatService(StandInAnswerer(settings), settings), "unknown thing?")[-1]
    assert "nr-refusal" in final[0] and "nr-error" not in final[0]
    assert final[4] == "" and final[5] == ""


@pytest.mark.parametrize("question, message", [("   ", "Please type a question."),
                                               ("x" * 51, "limit is 50")])
def test_invalid_question_gets_a_clear_notice_and_no_model_call(settings, question, message):
    answerer = StandInAnswerer(settings)
    updates = run_chat(ChatService(answerer, settings), question)
    assert len(updates) == 1 and message in updates[0][-1] and answerer.calls == []


def test_rate_limit_per_client_with_clear_message(settings):
    service = ChatService(StandInAnswerer(settings), settings)
    for _ in range(3):
        assert "nr-cite" in run_chat(service, "How many?")[-1][0]
    blocked = run_chat(service, "How many?")
    assert len(blocked) == 1 and "Too many questions" in blocked[0][-1] and "per minute" in blocked[0][-1]
    assert "nr-cite" in run_chat(service, "How many?", host="10.0.0.2")[-1][0]   # another client is not blocked


def test_rate_limiter_window_slides():
    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    assert limiter.check("a") is None and limiter.check("a") is None
    assert limiter.check("a") == pytest.approx(60.0)
    now[0] = 30.0
    assert limiter.check("a") == pytest.approx(30.0)
    now[0] = 60.5
    assert limiter.check("a") is None
    assert RateLimiter(0).check("a") is None


def test_question_waits_for_model_warmup_with_status(settings):
    gate = threading.Event()
    answerer = StandInAnswerer(settings, load_gate=gate)
    warm = WarmupState(answerer)
    service = ChatService(answerer, settings, warm)
    assert "Loading the language model (fake)" in service.status_html()      # what loads, by name
    warm.start()
    gen = service.chat("How many men?", [], request())
    first = next(gen)
    second = next(gen)
    assert "Loading the language model (fake)" in second[0] and not warm.done
    gate.set()
    rest = list(gen)
    assert "nr-cite" in rest[-1][0]
    assert "Ready" in service.status_html()


def test_warmup_failure_is_reported_not_raised(settings):
    answerer = StandInAnswerer(settings, load_gate=threading.Event())
    answerer.warmup = lambda: (_ for _ in ()).throw(RuntimeError("model file missing"))
    warm = WarmupState(answerer)
    warm.start()
    assert warm.wait(5)
    service = ChatService(answerer, settings, warm)
    assert "could not be loaded" in service.status_html() and "model file missing" in service.status_html()
    final = run_chat(service, "How many?")[-1]
    assert "nr-error" in final[0] and "model file missing" in final[0] and "Traceback" not in final[0]


def test_unexpected_error_shows_no_internals(settings):
    answerer = StandInAnswerer(settings)
    answerer.stream = lambda q, h=None: (_ for _ in ()).throw(KeyError("secret/internal/path"))
    final = run_chat(ChatService(answerer, settings), "How many?")[-1]
    assert "Something went wrong" in final[0] and "secret" not in final[0]


def test_feedback_appends_jsonl_lines(settings):
    service = ChatService(StandInAnswerer(settings), settings)
    assert "Ask a question first" in service.rate("up", [], request())
    turns = run_chat(service, "How many men were returned?")[-1][3]
    assert "saved" in service.rate("up", turns, request())
    assert "saved" in service.rate("down", turns, request())
    lines = settings.paths.feedback_file.read_text().splitlines()
    records = [json.loads(x) for x in lines]
    assert [r["rating"] for r in records] == ["up", "down"]
    assert records[0]["question"] == "How many men were returned?" and records[0]["citations"][0]["quote"] == QUOTE
    assert records[0]["timestamp"] and records[0]["answer"].endswith("[1].")


def test_feedback_store_concurrent_appends_lose_nothing(tmp_path):
    store = FeedbackStore(tmp_path / "f.jsonl")
    threads = [threading.Thread(target=lambda i=i: [store.append({"i": i, "k": k}) for k in range(20)])
               for i in range(5)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    rows = [json.loads(x) for x in (tmp_path / "f.jsonl").read_text().splitlines()]
    assert len(rows) == 100 and len({(r["i"], r["k"]) for r in rows}) == 100


def test_api_ask_validates_history_and_question(settings):
    import gradio as gr

    service = ChatService(StandInAnswerer(settings), settings)
    out = service.api_ask("How many?", [{"role": "user", "content": "hi"}], request())
    assert out["answer"].endswith("[1].") and out["citations"][0]["quote"] == QUOTE
    for bad_q, bad_h, msg in [("x" * 51, None, "limit is 50"), ("ok?", "nope", "history must be a list"),
                              ("ok?", [{"role": "system", "content": "x"}], "history[0]")]:
        with pytest.raises(gr.Error, match=msg.replace("[", r"\[").replace("]", r"\]")):
            service.api_ask(bad_q, bad_h, request())


def test_index_and_settings_directories_are_blocked(settings):
    paths = blocked_paths(settings, "/etc/newsrag/settings.toml")
    assert str(settings.paths.index_dir.resolve()) in paths and "/etc/newsrag" in paths
    assert str(settings.paths.feedback_file.parent.resolve()) in paths


def test_build_app_has_one_public_api_endpoint(settings):
    app = build_app(StandInAnswerer(settings), settings)
    public = [fn.api_name for fn in app.fns.values() if fn.api_visibility == "public"]
    assert public == ["ask"]


def test_answered_turn_keeps_rendered_cards_not_article_texts(settings):
    service = ChatService(StandInAnswerer(settings), settings)
    final = run_chat(service, "How many men were returned?")[-1]
    turn = final[3][0]
    assert turn.articles == {} and f'<mark class="nr-quote">{QUOTE}</mark>' in turn.cards
    assert turn.cards in final[1]


def test_conversation_length_is_bounded(settings, monkeypatch):
    import ui.app as app_module

    monkeypatch.setattr(app_module, "MAX_TURNS", 2)
    settings.ui.rate_limit_per_minute = 0
    service = ChatService(StandInAnswerer(settings), settings)
    turns = run_chat(service, "one?")[-1][3]
    turns = run_chat(service, "two?", turns)[-1][3]
    blocked = run_chat(service, "three?", turns)
    assert len(blocked) == 1 and "New conversation" in blocked[0][-1]
