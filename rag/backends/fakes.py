"""Deterministic stand-ins for the real backends, shipped with the code so the whole app runs
without any model (tests, demos, CI). Nothing heavy is imported here."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from rag.backends.bm25 import fold_accents

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = frozenset("a an and are as at be by for from has have he her his in is it its of on or that the their "
                  "they this to was were will with".split())


class HashingEmbedder:
    """A feature-hashing bag of words (+ word bigrams): texts sharing words get a higher cosine.

    Deterministic across processes (blake2b, not Python's salted ``hash``), L2-normalised float32,
    and fast. ``count_tokens`` approximates word pieces (words and punctuation marks) so chunk
    sizes behave like the real model's.
    """

    def __init__(self, dim: int = 384, name: str | None = None):
        self.dim = int(dim)
        self.name = name or f"hashing-{self.dim}"
        self.calls = 0          # how many times embed() ran (tests count it)
        self.texts_embedded = 0

    def _bucket(self, feature: str) -> tuple[int, float]:
        digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
        value = int.from_bytes(digest, "little")
        return value % self.dim, (1.0 if (value >> 63) & 1 else -1.0)

    def _features(self, text: str) -> list[tuple[str, float]]:
        words = [w for w in _WORD.findall(fold_accents(text)) if w not in _STOP]
        feats = [(w, 1.0) for w in words]
        feats += [(f"{a} {b}", 0.5) for a, b in zip(words, words[1:])]
        return feats

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts_embedded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for feat, weight in self._features(text):
                idx, sign = self._bucket(feat)
                out[i, idx] += sign * weight
            norm = float(np.linalg.norm(out[i]))
            if norm > 0:
                out[i] /= norm
            else:  # empty text: a fixed unit vector, so the result is still normalised
                out[i, 0] = 1.0
        return out

    def count_tokens(self, text: str) -> int:
        return len(re.findall(r"\w+|[^\w\s]", text))


def __getattr__(name: str):
    """``FakeChatModel`` (scripted chat model, owner: ask) is defined in fake_chat.py and imported on first
    use, so importing this module stays light (no langchain)."""
    if name == "FakeChatModel":
        from rag.backends.fake_chat import FakeChatModel

        return FakeChatModel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
