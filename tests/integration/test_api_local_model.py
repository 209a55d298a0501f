"""One API test against `newsrag serve` with the bundled embedding model and the default local LLM (Qwen2.5-Coder-1.5B GGUF on llama.cpp), loaded in the background while the server already runs."""

from __future__ import annotations

import pytest

from ui_server import Server, server_env

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve-local")
    srv = Server(tmp, server_env(tmp, NEWSRAG_UI__RATE_LIMIT_PER_MINUTE="1000", NEWSRAG_LLM__PROVIDER="local"), timeout=600)
    yield srv
    srv.stop()


def test_local_model_answers_through_the_api(server):
    from gradio_client import Client

    client = Client(server.url, verbose=False)
    out = client.predict("How many adult males did U.S. Customs and Border Protection hand over to Mexican "
                         "officials on Friday?", api_name="/ask")
    assert out["abstained"] is False, out
    assert out["mode"].startswith(("local", "fallback")), out["mode"]     # the local model was asked
    assert out["citations"] and any("20 adult males" in c["quote"] for c in out["citations"]), out
    for c in out["citations"]:
        assert f"[{c['marker']}]" in out["answer"]
    refused = client.predict("Who won the 1998 football World Cup?", api_name="/ask")
    assert refused["abstained"] is True and refused["citations"] == []
    assert "Traceback" not in server.output()
