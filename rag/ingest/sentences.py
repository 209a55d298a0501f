"""Sentences step: every article's sentence offsets, paragraph numbers and sentence vectors, computed at
ingest and persisted, so that answering a question embeds nothing but the question.

The sentences are exactly those the answer step reads (``rag.ask.lexical.split_sentences``, paragraphs
counted at line breaks, as ``rag.ask.evidence.SentenceIndex`` did lazily before). One small numpy file per
article text under ``<index_dir>/sentences/``, named by a hash of

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

SENTENCE_FORMAT = 1
# Odd cases of the splitter: a change in how any of them is split changes the fingerprint (and the file names).
_PROBE = ("WASHINGTON, March 3 - The U.S. Treasury said it sold 9.75 billion dlrs of bills. Mr. Baker agreed.\n\n"
          "\u201cWill it hold?\u201d Lopez Obrador said. Shares rose 1.5 pct to 42.25 dlrs vs 40 in Jan. 1987!\n"
          "Gov. Abbott (R-Texas) sent 20 men... They left at 3 p.m. Dec. 6, the U.N. said. \"Yes,\" she said.\n"
          "A line without a stop\nQ: What next? A: Nothing. e.g. this one; i.e. that. No. 5 of 6 St. Louis.")


@lru_cache(maxsize=1)
def splitter_fingerprint() -> str:
    from rag.ask.lexical import split_sentences

    spans = [(s.start, s.end) for s in split_sentences(_PROBE)]
    return hashlib.sha256(repr(spans).encode()).hexdigest()[:12]


def article_sentences(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """(starts, ends, paragraph numbers, texts) of the sentences of one cleaned article text."""
    from rag.ask.lexical import split_sentences

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
        return self.root / key[:2] / f"{key}.npz"

    def has(self, text: str) -> bool:
        return self.path(self.key(text)).is_file()

    def save(self, text: str, starts: np.ndarray, ends: np.ndarray, paras: np.ndarray, vectors: np.ndarray) -> str:
        key = self.key(text)
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{key}.{os.getpid()}.tmp.npz")
        np.savez(tmp, starts=starts.astype(np.int32), ends=ends.astype(np.int32), paras=paras.astype(np.int32),
                 vectors=np.asarray(vectors, dtype=np.float32), length=np.asarray([len(text)], dtype=np.int64))
        os.replace(tmp, target)
        return key

    def load(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        """(starts, ends, paras, vectors) of ``text``'s sentences, or None when they were not persisted."""
        path = self.path(self.key(text))
        try:
            with np.load(path) as z:
                if int(z["length"][0]) != len(text):
                    return None
                return z["starts"], z["ends"], z["paras"], z["vectors"]
        except (OSError, KeyError, ValueError):
            return None

    def keys(self) -> set[str]:
        if not self.root.is_dir():
            return set()
        return {p.stem for p in self.root.glob("*/*.npz") if not p.name.startswith(".")}

    def remove_except(self, keep: Iterable[str]) -> int:
        """Delete every file whose key is not in ``keep``; how many were deleted. (Temporary files of a
        concurrent writer, named ``.<key>...``, are left alone.)"""
        keep = set(keep)
        removed = 0
        if not self.root.is_dir():
            return 0
        for p in self.root.glob("*/*.npz"):
            if not p.name.startswith(".") and p.stem not in keep:
                try:
                    p.unlink()
                    removed += 1
                except OSError:
                    pass
        return removed
