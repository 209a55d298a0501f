"""Duplicates step: identical and near-identical article texts (wire resends, re-publications) are grouped.

One article of each group is indexed (the representative: the earliest published, then the first read);
the others become its ``copies`` (doc_id, outlet, published, url, title), carried on the representative's
Article and on every one of its chunks, so a citation can name every outlet and date that ran the text.

* identical: the same words once case, punctuation and spacing are ignored;
* near-identical: word 5-gram (shingle) Jaccard similarity of at least ``NEAR_JACCARD``, found with MinHash
  and locality-sensitive hashing (64 hashes in 16 bands of 4) and then checked exactly on the shingle sets.
  A one-word correction in a 100-word story is about 0.9; texts under ``MIN_NEAR_WORDS`` words are only
  grouped when identical (a short template with other figures is another story).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from rag.types import Article

NEAR_JACCARD = 0.85
SHINGLE = 5
MIN_NEAR_WORDS = 40
_HASHES, _BANDS = 64, 16
_PRIME = (1 << 61) - 1
_rng = np.random.default_rng(20240501)
_A = _rng.integers(1, _PRIME, size=_HASHES, dtype=np.uint64)
_B = _rng.integers(0, _PRIME, size=_HASHES, dtype=np.uint64)
_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _shingles(words: list[str]) -> np.ndarray:
    grams = {" ".join(words[i:i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
    return np.fromiter((int.from_bytes(hashlib.blake2b(g.encode(), digest_size=7).digest(), "little") for g in grams),
                       dtype=np.uint64, count=len(grams))


def _minhash(shingles: np.ndarray) -> np.ndarray:
    # (a * x + b) mod 2^64 (numpy wraps): a family of hash permutations good enough for banding
    return (shingles[None, :] * _A[:, None] + _B[:, None]).min(axis=1)


def copy_record(article: Article) -> dict:
    return {"doc_id": article.doc_id, "outlet": article.outlet, "published": article.published, "url": article.url,
            "title": article.title}


def group_duplicates(articles: Sequence[Article]) -> tuple[list[Article], dict[str, str]]:
    """(representatives with their ``copies`` set, copy doc_id -> representative doc_id), input order kept."""
    n = len(articles)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    words = [_words(a.text) for a in articles]
    exact: dict[str, int] = {}
    for i, w in enumerate(words):
        key = hashlib.sha256(" ".join(w).encode("utf-8")).hexdigest()
        if key in exact:
            union(exact[key], i)
        else:
            exact[key] = i

    # near-identical: only the first of each exact group takes part
    candidates = [i for i in exact.values() if len(words[i]) >= MIN_NEAR_WORDS]
    shingles = {i: _shingles(words[i]) for i in candidates}
    rows = _HASHES // _BANDS
    buckets: dict[tuple[int, bytes], list[int]] = {}
    for i in candidates:
        sig = _minhash(shingles[i])
        for b in range(_BANDS):
            buckets.setdefault((b, sig[b * rows:(b + 1) * rows].tobytes()), []).append(i)
    checked: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) < 2:
            continue
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                i, j = members[x], members[y]
                if (i, j) in checked or find(i) == find(j):
                    continue
                checked.add((i, j))
                a, b = shingles[i], shingles[j]
                inter = np.intersect1d(a, b, assume_unique=True).size
                if inter / (a.size + b.size - inter) >= NEAR_JACCARD:
                    union(i, j)

    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    rep_of: dict[int, int] = {}
    for members in groups.values():
        # the earliest published (unknown dates last), then the first read
        rep = min(members, key=lambda i: (articles[i].published is None, articles[i].published or "", i))
        for i in members:
            rep_of[i] = rep
    copies_of: dict[int, list[dict]] = {}
    copy_map: dict[str, str] = {}
    for i in range(n):
        rep = rep_of[i]
        if rep != i:
            copies_of.setdefault(rep, []).append(copy_record(articles[i]))
            copy_map[articles[i].doc_id] = articles[rep].doc_id
    reps = [replace(a, copies=tuple(copies_of.get(i, ()))) if i in copies_of else a
            for i, a in enumerate(articles) if rep_of[i] == i]
    return reps, copy_map
