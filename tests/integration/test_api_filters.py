"""/ask's optional search limits through gradio_client against a real `newsrag serve` over the bundled corpus
(hashing embedder, extractive answers): old calls unchanged, limits applied and reported, bad limits clear."""

from __future__ import annotations

import pytest

from ui_server import Server, server_env

QUESTION = "How many migrants did Mexico interdict?"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from gradio_client import Client

    tmp = tmp_path_factory.mktemp("serve-filters")
    srv = Server(tmp, server_env(tmp, NEWSRAG_EMBEDDING__PROVIDER="fake", NEWSRAG_LLM__PROVIDER="extractive",
                                 NEWSRAG_UI__RATE_LIMIT_PER_MINUTE="1000"))
    yield Client(srv.url, verbose=False)
    srv.stop()


def test_old_calls_are_unchanged(client):
    out = client.predict(QUESTION, api_name="/ask")
    assert "filter" not in out and "answer" in out
    assert "filter" not in client.predict(QUESTION, [], api_name="/ask")


def test_limits_are_applied_and_reported(client):
    out = client.predict(QUESTION, None, "nbc", "2024", None, False, api_name="/ask")
    assert out["filter"] == {"outlet": "nbc", "published_from": "2024", "published_to": None, "prefer_recent": False,
                             "dates_soft": False}
    assert all(c["outlet"] == "NBC News" and c["published"].startswith("2024") for c in out["citations"])
    named = client.predict(QUESTION, outlet="nbc", published_from="2024", api_name="/ask")
    assert named["filter"] == out["filter"]
    # dates in the question, counted from the newest bundled article
    # dates in the question, counted from the newest bundled article, are preferred: the answer is unchanged
    dated = client.predict("How many migrants did Mexico interdict in December?", api_name="/ask")
    assert dated["time"]["matched_text"] == "in December" and dated["filter"]["published_from"].endswith("-12-01")
    assert dated["filter"]["dates_soft"] is True


def test_bad_limits_are_clear_errors(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="date range is empty"):
        client.predict(QUESTION, None, None, "2024-05", "2023", False, api_name="/ask")
    with pytest.raises(AppError, match="No indexed article matches these limits"):
        client.predict(QUESTION, None, None, "2031", None, False, api_name="/ask")
