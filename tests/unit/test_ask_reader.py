"""The answerability judgement: read from log-probabilities where the backend gives them, else from the reply's
first word (rag/ask/reader.py)."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage

from rag.ask.reader import judge
from rag.backends.fakes import FakeChatModel
from rag.config import load_settings


class _OpenAIStub:
    """What ChatOpenAI returns with logprobs=True: the first token's alternatives in response_metadata."""

    def __init__(self, top):
        self.top = top
        self.bound = None

    def bind(self, **kw):
        self.bound = kw
        return self

    def invoke(self, messages):
        return AIMessage(content="Yes", response_metadata={"logprobs": {"content": [{"top_logprobs": self.top}]}})


def test_an_openai_compatible_server_is_judged_from_its_logprobs():
    settings = load_settings(env={}, overrides={"llm": {"provider": "openai", "base_url": "http://127.0.0.1:9"}})
    stub = _OpenAIStub([{"token": "Yes", "logprob": -0.7}, {"token": "No", "logprob": -0.9},
                        {"token": "The", "logprob": -3.0}])
    j = judge(stub, [HumanMessage(content="q")], settings)
    assert j.source == "logprobs" and j.p_yes == pytest.approx(0.55, abs=0.01)
    assert stub.bound == {"logprobs": True, "top_logprobs": 10, "max_tokens": 1}


def test_without_logprobs_the_first_word_decides():
    settings = load_settings(env={}, overrides={"llm": {"provider": "fake"}})
    assert judge(FakeChatModel(["Yes, it does."]), [HumanMessage(content="q")], settings).p_yes == 1.0
    j = judge(FakeChatModel(["Not really."]), [HumanMessage(content="q")], settings)
    assert j.p_yes == 0.0 and j.source == "text"
    assert judge(FakeChatModel([], judgement=0.3), [HumanMessage(content="q")], settings).source == "logprobs"
