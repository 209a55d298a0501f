"""Sentences step: every article's sentence offsets, paragraph numbers and sentence vectors, computed at
ingest and persisted, so that answering a question embeds nothing but the question.

The sentences are exactly those the answer step reads (``rag.ask.text.split_sentences``, paragraphs
counted at line breaks, as ``rag.ask.evidence.SentenceIndex`` did lazily before). One small binary file per
article text under ``<index_dir>/sentences/`` (header: magic, sentences n, dimension, text length, as int64;
then starts, ends, paragraphs as int32[n] and the vectors as float32[n, dim]), named by a hash of

    the article's cleaned text + the encoder's name + the file format + a fingerprint of the splitter,

so an unchanged article keeps its file, an edited one gets a new file (the old one is removed when nothing
refers to it any more), another encoder or a changed splitter never reads stale vectors, and two identical
texts share one file. Files are written atomically (temporary name, then rename): a killed ingest leaves
whole files or none, and the next run computes what is missing.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from rag.config import Settings

SENTENCE_FORMAT = 2          # 2: raw little-endian arrays behind a 4-number header (no zip: 2x faster to write)
_MAGIC = 0x4E52534E54       # "NRSNT"
# Odd cases of the splitter: a change in how any of them is split changes the fingerprint (and the file names).
_PROBE = ("WASHINGTON, March 3 - The U.S. Treasury said it sold 9.75 billion dlrs of bills. Mr. Baker agreed.\n\n"
          "\u201cWill it hold?\u201d Lopez Obrador said. Shares rose 1.5 pct to 42.25 dlrs vs 40 in Jan. 1987!\n"
          "Gov. Abbott (R-Texas) sent 20 men... They left at 3 p.m. Dec. 6, the U.N. said. \"Yes,\" she said.\n"
          "A line without a stop\nQ: What next? A: Nothing. e.g. this one; i.e. that. No. 5 of 6 St. Louis.")


@lru_cache(maxsize=1)
def splitter_fingerprint() -> str:
    from rag.ask.text import split_sentences

    spans = [(s.start, s.end) for s in split_sentences(_PROBE)]
    return hashlib.sha256(repr(spans).encode()).hexdigest()[:12]


def article_sentences(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """(starts, ends, paragraph numbers, texts) of the sentences of one cleaned article text."""
    from rag.ask.text import split_sentences

    starts, ends, paras, texts = [], [], [], []
    para, last_end = 0, None
    for span in split_sentences(text):
        if last_end is not None and "\n" in text[last_end:span.start]:
            para += 1
        starts.append(span.start)
        ends.append(span.end)
        paras.append(para)
        texts.append(span.text)
        last_end = span.end
    return (np.asarray(starts, dtype=np.int32), np.asarray(ends, dtype=np.int32), np.asarray(paras, dtype=np.int32),
            texts)


class SentenceStore:
    """The persisted sentences of one index and one encoder."""

    def __init__(self, root: Path | str, encoder: str):
        self.root = Path(root)
        self.encoder = encoder
        self._salt = f"{encoder}\x00{SENTENCE_FORMAT}\x00{splitter_fingerprint()}\x00"

    @classmethod
    def for_settings(cls, settings: "Settings", encoder: str) -> "SentenceStore":
        return cls(Path(settings.paths.index_dir) / "sentences", encoder)

    def key(self, text: str) -> str:
        return hashlib.sha256((self._salt + text).encode("utf-8")).hexdigest()[:32]

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.snt"

    def has(self, text: str) -> bool:
        """A whole file for ``text`` exists (its header and size agree)."""
        path = self.path(self.key(text))
        try:
            with open(path, "rb") as fh:
                head = fh.read(32)
                size = os.fstat(fh.fileno()).st_size
        except OSError:
            return False
        if len(head) < 32:
            return False
        magic, n, dim, length = (int(x) for x in np.frombuffer(head, dtype="<i8", count=4))
        return magic == _MAGIC and length == len(text) and size == 32 + 12 * n + 4 * n * dim

    def save(self, text: str, starts: np.ndarray, ends: np.ndarray, paras: np.ndarray, vectors: np.ndarray) -> str:
        key = self.key(text)
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{key}.{os.getpid()}.tmp")
        vectors = np.ascontiguousarray(vectors, dtype="<f4")
        n = len(starts)
        dim = vectors.shape[1] if vectors.ndim == 2 else 0
        with open(tmp, "wb") as fh:
            fh.write(np.asarray([_MAGIC, n, dim, len(text)], dtype="<i8").tobytes())
            for arr in (starts, ends, paras):
                fh.write(np.asarray(arr, dtype="<i4").tobytes())
            fh.write(vectors.tobytes())
        os.replace(tmp, target)
        return key

    def load(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        """(starts, ends, paras, vectors) of ``text``'s sentences, or None when they were not persisted."""
        path = self.path(self.key(text))
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if len(data) < 32:
            return None
        magic, n, dim, length = (int(x) for x in np.frombuffer(data, dtype="<i8", count=4))
        if magic != _MAGIC or length != len(text) or len(data) != 32 + 12 * n + 4 * n * dim:
            return None         # not ours, or cut short: computed again by the next ingest
        ints = np.frombuffer(data, dtype="<i4", count=3 * n, offset=32).reshape(3, n)
        vectors = np.frombuffer(data, dtype="<f4", count=n * dim, offset=32 + 12 * n).reshape(n, dim)
        return ints[0], ints[1], ints[2], vectors

    def keys(self) -> set[str]:
        if not self.root.is_dir():
            return set()
        return {p.stem for p in self.root.glob("*/*.snt") if not p.name.startswith(".")}

    def remove_except(self, keep: Iterable[str]) -> int:
        """Delete every file whose key is not in ``keep``; how many were deleted. (Temporary files of a
        concurrent writer, named ``.<key>...``, are left alone.)"""
        keep = set(keep)
        removed = 0
        if not self.root.is_dir():
            return 0
        for p in self.root.glob("*/*.snt"):
            if not p.name.startswith(".") and p.stem not in keep:
                try:
                    p.unlink()
                    removed += 1
                except OSError:
                    pass
        return removed
