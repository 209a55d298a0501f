"""FakeChatModel: a scripted langchain chat model for tests and demos (no model, no network).

Replies come from the constructor (``responses=[...]``) or ``settings.llm.fake_responses``, used in
turn and starting over when exhausted. ``raises`` makes every call fail with that exception (to test
the backend-failure path). Every prompt it receives is kept in ``prompts`` so tests can check what
the model was shown, and ``calls`` counts the calls.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, Field


class FakeChatModel(BaseChatModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    responses: list[str] = Field(default_factory=list)
    raises: Any = None
    calls: int = 0
    prompts: list[list[BaseMessage]] = Field(default_factory=list)
    loaded: bool = True
    judgement: float | None = None     # when set: every yes/no judgement gets this p(yes), consuming no reply

    def __init__(self, responses: list[str] | None = None, **kwargs: Any):
        super().__init__(responses=list(responses or []), **kwargs)

    @property
    def _llm_type(self) -> str:
        return "newsrag-fake"

    def load(self) -> None:
        self.loaded = True

    def _next(self, messages: list[BaseMessage]) -> str:
        self.prompts.append(list(messages))
        self.calls += 1
        if self.raises is not None:
            raise self.raises
        if not self.responses:
            return "NO_ANSWER"
        return self.responses[(self.calls - 1) % len(self.responses)]

    def yes_probability(self, messages: list[BaseMessage]) -> float | None:
        """The fixed ``judgement`` (recorded as a call); None without one, so the judgement is read from the
        next scripted reply instead."""
        if self.judgement is None:
            return None
        self.prompts.append(list(messages))
        self.calls += 1
        if self.raises is not None:
            raise self.raises
        return self.judgement

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self._next(messages)))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        for piece in re.findall(r"\S+\s*|\s+", self._next(messages)):
            if run_manager:
                run_manager.on_llm_new_token(piece)
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
