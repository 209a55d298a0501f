"""Public-safety limits through gradio_client against the app served in-process with a stand-in
answerer whose answers block on demand: a bounded queue says "busy", a per-client rate limit says
"too many", and a question asked while the model loads waits for it."""

from __future__ import annotations

import threading
import time

import pytest

from rag.config import load_settings
from ui.app import build_app, launch
from ui_server import free_port
from ui_standin import StandInAnswerer


def _serve(tmp_path, answerer_kwargs=None, **ui):
    settings = load_settings(env={}, overrides={
        "paths": {"index_dir": str(tmp_path / "index"), "feedback_file": str(tmp_path / "feedback.jsonl")},
        "embedding": {"provider": "fake"}, "llm": {"provider": "fake"}, "ui": ui})
    answerer = StandInAnswerer(settings, **(answerer_kwargs or {}))
    app = build_app(answerer, settings)
    _, url, _ = launch(app, settings, host="127.0.0.1", port=free_port(), prevent_thread_lock=True, quiet=True)
    return app, answerer, url


def test_full_queue_says_busy_try_again(tmp_path):
    from gradio_client import Client
    from gradio_client.utils import QueueError

    gate = threading.Event()
    app, answerer, url = _serve(tmp_path, {"answer_gate": gate}, concurrency=1, max_queue=1,
                                rate_limit_per_minute=0)
    try:
        client = Client(url, verbose=False)
        running = client.submit("first?", api_name="/ask")
        deadline = time.monotonic() + 20
        while not answerer.calls and time.monotonic() < deadline:   # the first one holds the only slot
            time.sleep(0.05)
        waiting = client.submit("second?", api_name="/ask")
        time.sleep(1.0)
        with pytest.raises(QueueError, match="Queue is full! Please try again"):
            client.predict("third?", api_name="/ask")
        gate.set()
        assert running.result(timeout=30)["answer"] and waiting.result(timeout=30)["answer"]
    finally:
        gate.set()
        app.close()


def test_rate_limit_per_client(tmp_path):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    app, _, url = _serve(tmp_path, rate_limit_per_minute=2)
    try:
        client = Client(url, verbose=False)
        assert client.predict("one?", api_name="/ask")["citations"]
        assert client.predict("two?", api_name="/ask")["citations"]
        with pytest.raises(AppError, match=r"Too many questions: the limit is 2 per minute. Please try again in \d+ seconds"):
            client.predict("three?", api_name="/ask")
    finally:
        app.close()


def test_api_question_waits_for_model_loading(tmp_path):
    from gradio_client import Client

    gate = threading.Event()
    app, answerer, url = _serve(tmp_path, {"load_gate": gate})
    try:
        client = Client(url, verbose=False)
        job = client.submit("while loading?", api_name="/ask")
        time.sleep(1.5)
        assert not job.done() and answerer.calls == []      # waiting for the model, not failing
        gate.set()
        assert job.result(timeout=30)["answer"].endswith("[1].")
    finally:
        gate.set()
        app.close()
