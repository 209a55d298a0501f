"""LLM backend factory: chosen by settings only; missing or down backends give a BackendError naming the setting."""

import pytest
from langchain_core.messages import HumanMessage

from rag.ask.generate import complete
from rag.backends.fakes import FakeChatModel
from rag.backends.llms import LocalChatModel, make_llm
from rag.config import load_settings
from rag.errors import BackendError


def _settings(**llm):
    return load_settings(env={}, overrides={"llm": llm})


def test_factory_matches_provider(monkeypatch):
    import rag.backends.llms as llms

    def _no_load(*args, **kwargs):
        raise AssertionError("make_llm must not load the local model: it loads lazily or in the background")

    monkeypatch.setattr(llms, "load_local_model", _no_load)
    assert make_llm(_settings(provider="extractive")) is None
    fake = make_llm(_settings(provider="fake", fake_responses=["one", "two"]))
    assert isinstance(fake, FakeChatModel)
    assert [fake.invoke("q").content for _ in range(3)] == ["one", "two", "one"]
    local = make_llm(_settings(provider="local", max_new_tokens=99))
    assert isinstance(local, LocalChatModel) and local.max_new_tokens == 99
    assert local.precision == "float32" and local.prefix_cache
    assert make_llm(_settings(provider="local", local_precision="bfloat16")).precision == "bfloat16"


def test_fake_responses_from_environment():
    s = load_settings(env={"NEWSRAG_LLM__PROVIDER": "fake", "NEWSRAG_LLM__FAKE_RESPONSES": '["scripted [1]."]'})
    assert make_llm(s).invoke("x").content == "scripted [1]."


def test_ollama_needs_a_model_name():
    with pytest.raises(BackendError, match="NEWSRAG_LLM__MODEL"):
        make_llm(_settings(provider="ollama"))


@pytest.mark.parametrize("provider, setting", [("ollama", "NEWSRAG_LLM__BASE_URL"), ("openai", "NEWSRAG_LLM__BASE_URL")])
def test_server_down_gives_backend_error_naming_the_setting(provider, setting):
    s = _settings(provider=provider, model="m", base_url="http://127.0.0.1:9", timeout_s=3)
    llm = make_llm(s)
    with pytest.raises(BackendError, match=setting) as info:
        complete(llm, [HumanMessage(content="hello")], s)
    assert "NEWSRAG_LLM__PROVIDER" in str(info.value)
