"""precision=fp32: the ONNX Runtime query path gives the torch model's vectors (the index is built with torch).
(int8, the default since the int8 encoder met its bar, is tested in test_embedding_int8.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from rag.backends.embeddings import SMALL_BATCH, make_embedder
from rag.config import load_settings

pytestmark = pytest.mark.slow

QUESTIONS = ["How many migrants did Mexico interdict in March?", "who is amy fischer",
             "¿Cuántos migrantes cruzaron la frontera en diciembre?", "x"]


def test_onnx_queries_match_torch_vectors():
    onnx = make_embedder(load_settings(env={}, overrides={"embedding": {"precision": "fp32"}}).embedding)
    torch_only = make_embedder(load_settings(env={}, overrides={"embedding": {"onnx_queries": False,
                                                                              "precision": "fp32"}}).embedding)
    assert onnx is not torch_only and onnx.name == torch_only.name
    got = onnx.embed(QUESTIONS)
    assert onnx._onnx is not None, "the ONNX export failed: queries fall back to torch"
    want = torch_only.embed(QUESTIONS)
    assert torch_only._onnx is None
    assert got.shape == want.shape == (len(QUESTIONS), 384) and got.dtype == np.float32
    assert float(np.abs(got - want).max()) < 1e-5
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    # more texts than a query batch go through torch, as ingest does
    many = [f"sentence {i} about the border" for i in range(SMALL_BATCH + 1)]
    assert float(np.abs(onnx.embed(many) - torch_only.embed(many)).max()) < 1e-5
