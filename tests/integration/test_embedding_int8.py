"""The default int8 encoder (ONNX Runtime, dynamically quantised MiniLM): built once and cached, close to the
fp32 model, the same word-piece counts, one encoder for documents and questions, and an index built with
the other precision refused with a clear message."""

from __future__ import annotations

import numpy as np
import pytest

from rag.backends.embeddings import INT8_SUFFIX, OnnxEmbedder, make_embedder
from rag.backends.store import ChromaStore
from rag.config import load_settings
from rag.errors import IndexNotReadyError

pytestmark = pytest.mark.slow

TEXTS = ["SALVADOR, Feb 26 - Showers continued throughout the week in the Bahia cocoa zone, alleviating the drought.",
         "The Bank of England said it provided the money market with 215 mln stg of assistance this afternoon.",
         "How many migrants did Mexico interdict in March?", "who is amy fischer", "x",
         "Shr 12 cts vs 10 cts. Net 1.2 mln vs 1.0 mln. Revs 15.3 mln vs 14.1 mln. " * 12]


def test_int8_is_the_default_and_close_to_fp32(tmp_path):
    settings = load_settings(env={})
    assert settings.embedding.precision == "int8"
    int8 = make_embedder(settings.embedding)
    fp32 = make_embedder(load_settings(env={}, overrides={"embedding": {"precision": "fp32"}}).embedding)
    assert isinstance(int8, OnnxEmbedder) and int8.name == fp32.name + INT8_SUFFIX and int8.dim == fp32.dim == 384
    a, b = int8.embed(TEXTS), fp32.embed(TEXTS)
    assert a.shape == b.shape and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert float((a * b).sum(axis=1).min()) > 0.97
    # one text alone (a question: the one-thread session) gets the vector it gets in a batch, in input order
    np.testing.assert_allclose(int8.embed([TEXTS[2]])[0], a[2], atol=1e-5)
    np.testing.assert_allclose(int8.embed(TEXTS[::-1]), a[::-1], atol=1e-5)
    assert int8.count_tokens_batch(TEXTS) == fp32.count_tokens_batch(TEXTS)
    # built once: a second encoder loads the cached model and gives the same vectors
    again = OnnxEmbedder.build(fp32.model_dir, "all-MiniLM-L6-v2", cache_dir=settings.embedding.cache_dir)
    np.testing.assert_allclose(again.embed(TEXTS), a, atol=1e-6)


def test_an_index_built_with_the_other_precision_is_refused(tmp_path):
    settings = load_settings(env={}, overrides={"paths": {"index_dir": str(tmp_path / "index")}})
    ChromaStore.open(settings, model_name="all-MiniLM-L6-v2", dim=384, create=True)      # built with fp32
    int8 = make_embedder(settings.embedding)
    with pytest.raises(IndexNotReadyError) as err:
        ChromaStore.open(settings, model_name=int8.name, dim=int8.dim)
    message = str(err.value)
    assert "all-MiniLM-L6-v2+onnx-int8" in message and "--rebuild" in message and "PRECISION" in message
