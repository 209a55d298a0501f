"""The web chat's API through gradio_client against a real `newsrag serve` process (hashing embedder,
scripted fake LLM): the same JSON as the ask pipeline, follow-ups, clear errors, nothing private servable."""

from __future__ import annotations

import json

import pytest

from rag.config import load_settings
from ui_server import Server, fake_env

QUESTION = "How many adult males did CBP hand over to Mexico on Friday?"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    srv = Server(tmp, fake_env(tmp, NEWSRAG_UI__RATE_LIMIT_PER_MINUTE="1000"))
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def client(server):
    from gradio_client import Client

    return Client(server.url, verbose=False)


def _without_timings(d: dict) -> dict:
    return {k: v for k, v in d.items() if k != "timings_ms"}


def test_ask_returns_the_pipeline_json(server, client, tmp_path):
    from rag.ask.pipeline import Answerer
    from rag.ingest.pipeline import ingest

    got = client.predict(QUESTION, api_name="/ask")
    env = {k: v for k, v in server.env.items() if k.startswith("NEWSRAG_")}
    env["NEWSRAG_PATHS__INDEX_DIR"] = str(tmp_path / "own-index")
    settings = load_settings(env=env)
    ingest(list(settings.paths.corpus), settings, progress=False)
    expected = Answerer.from_settings(settings).ask(QUESTION).to_dict()
    assert set(got) == {"question", "standalone_question", "answer", "abstained", "citations",
                        "unsupported_sentences", "references", "timings_ms", "mode", "confidence", "check"}
    assert _without_timings(got) == json.loads(json.dumps(_without_timings(expected)))
    assert got["abstained"] is False and got["citations"]
    assert "<script>" not in got["answer"]              # the hostile part of the scripted reply did not verify
    for c in got["citations"]:
        assert c["quote"] and c["end"] > c["start"]


def test_history_is_an_optional_second_argument(client):
    first = client.predict(QUESTION, api_name="/ask")
    follow = client.predict("And on which bridge?",
                            [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": first["answer"]}],
                            api_name="/ask")
    assert follow["question"] == "And on which bridge?"
    assert follow["standalone_question"]


def test_refusal_through_the_api(client):
    out = client.predict("What is the population of Reykjavik in 1850?", api_name="/ask")
    assert out["abstained"] is True and out["citations"] == []


@pytest.mark.parametrize("args, message", [
    (("",), "Please type a question"),
    (("x" * 2001,), "the limit is 2000"),
    (("ok?", [{"role": "robot", "content": "x"}]), "history[0]"),
    (("ok?", "not a list"), "history must be a list"),
])
def test_invalid_input_gets_a_clear_message_not_a_traceback(client, args, message):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as info:
        client.predict(*args, api_name="/ask")
    assert message in str(info.value) and "Traceback" not in str(info.value)


def test_private_paths_and_monitoring_are_not_served(server):
    index = server.tmp / "index"
    files = [p for p in index.rglob("*") if p.is_file()]
    assert files, "the server should have built its index"
    feedback_dir = server.tmp / "feedback"
    feedback_dir.mkdir(exist_ok=True)
    (feedback_dir / "feedback.jsonl").write_text("{}\n")
    targets = [str(files[0]), str(index), str(feedback_dir / "feedback.jsonl"), "/etc/passwd",
               str(server.tmp / "serve.log")]
    for target in targets:
        for prefix in ("/gradio_api/file=", "/file="):
            assert server.status(prefix + target) in (403, 404), prefix + target
    assert server.status("/monitoring") in (403, 404)
    assert server.status("/") == 200


def test_only_ask_is_public(client):
    info = client.view_api(print_info=False, return_format="dict")
    assert list(info["named_endpoints"]) == ["/ask"]
    assert info["unnamed_endpoints"] == {}


def test_server_log_has_no_traceback_for_user_errors(server, client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError):
        client.predict("x" * 5000, api_name="/ask")
    assert "Traceback" not in server.output()
