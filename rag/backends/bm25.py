"""BM25 over the chunks, in process (Chroma's own hybrid search is cloud-only).

Built at ingest from the same chunk ids and texts as the vector collection, saved under
``paths.index_dir/bm25/`` with a fingerprint of the index it was built from, and loaded (not rebuilt)
by every query process. Scoring is a sparse matrix of precomputed BM25 term weights (Okapi,
k1=1.5, b=0.75): a query sums the columns of its terms.

Tokens: lower-cased, accents folded (López = Lopez), punctuation dropped, a light plural stemmer,
English stop words removed. Numbers keep their digits: ``300,000`` and ``300000`` are one token,
decimals keep their point (``1.5``); ``U.S.`` is ``us``.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

K1 = 1.5
B = 0.75

STOP_WORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below between both but by
can could did do does doing down during each few for from further had has have having he her here hers herself him
himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other
our ours ourselves out over own same she should so some such than that the their theirs them themselves then there
these they this those through to too under until up very was we were what when where which while who whom why will
with would you your yours yourself yourselves s t
""".split())

_ACRONYM = re.compile(r"\b((?:[A-Za-z]\.){2,})")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['\u2019][^\W\d_]+)*")


_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold_accents(text: str) -> str:
    """Lower-case and drop combining accents ("López" -> "lopez"); ASCII text takes the fast path."""
    text = text.lower()
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def stem(word: str) -> str:
    """A light plural stemmer: migrants -> migrant, countries -> country, crosses -> cross."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    text = _ACRONYM.sub(lambda m: m.group(1).replace(".", "") + " ", text)
    out: list[str] = []
    for m in _TOKEN.finditer(fold_accents(text)):
        tok = m.group()
        if tok[0].isdigit():
            tok = tok.rstrip(".,")
            if "," in tok:                   # thousands separators: 300,000 -> 300000
                tok = tok.replace(",", "")
            out.append(tok)
            continue
        tok = tok.replace("\u2019", "'")
        if tok.endswith("'s"):
            tok = tok[:-2]
        tok = tok.replace("'", "")
        if tok and tok not in STOP_WORDS:
            out.append(stem(tok))
    return out


class BM25Index:
    """Sparse BM25 weights for N chunks; ``chunk_ids[i]`` belongs to article ``doc_ids[doc_index[i]]``."""

    def __init__(self, chunk_ids: list[str], doc_index: np.ndarray, doc_ids: list[str], vocab: dict[str, int],
                 matrix, fingerprint: str = ""):
        self.chunk_ids = chunk_ids
        self.doc_index = doc_index
        self.doc_ids = doc_ids
        self.vocab = vocab
        self.matrix = matrix                   # scipy.sparse.csc_matrix, shape (N, V)
        self.fingerprint = fingerprint
        self._doc_pos = {d: i for i, d in enumerate(doc_ids)}

    def __len__(self) -> int:
        return len(self.chunk_ids)

    @classmethod
    def build(cls, chunk_ids: Sequence[str], texts: Sequence[str], chunk_doc_ids: Sequence[str],
              fingerprint: str = "") -> "BM25Index":
        from scipy import sparse

        vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        tfs: list[int] = []
        lengths = np.zeros(len(texts), dtype=np.float32)
        df: Counter[int] = Counter()
        for i, text in enumerate(texts):
            counts = Counter(tokenize(text))
            lengths[i] = sum(counts.values())
            for tok, tf in counts.items():
                j = vocab.setdefault(tok, len(vocab))
                rows.append(i)
                cols.append(j)
                tfs.append(tf)
                df[j] += 1
        n = len(texts)
        avgdl = float(lengths.mean()) if n and lengths.sum() else 1.0
        rows_a = np.asarray(rows, dtype=np.int64)
        cols_a = np.asarray(cols, dtype=np.int64)
        tf_a = np.asarray(tfs, dtype=np.float32)
        df_a = np.zeros(len(vocab), dtype=np.float32)
        for j, c in df.items():
            df_a[j] = c
        idf = np.log1p((n - df_a + 0.5) / (df_a + 0.5)).astype(np.float32)
        norm = K1 * (1 - B + B * lengths[rows_a] / avgdl) if len(rows_a) else np.zeros(0, np.float32)
        weights = idf[cols_a] * tf_a * (K1 + 1) / (tf_a + norm)
        matrix = sparse.csc_matrix((weights.astype(np.float32), (rows_a, cols_a)), shape=(n, len(vocab)))
        doc_ids: list[str] = []
        pos: dict[str, int] = {}
        doc_index = np.zeros(n, dtype=np.int32)
        for i, d in enumerate(chunk_doc_ids):
            if d not in pos:
                pos[d] = len(doc_ids)
                doc_ids.append(d)
            doc_index[i] = pos[d]
        return cls(list(chunk_ids), doc_index, doc_ids, vocab, matrix, fingerprint)

    def scores(self, query: str) -> np.ndarray:
        n = len(self.chunk_ids)
        counts = Counter(t for t in tokenize(query) if t in self.vocab)
        if not counts or n == 0:
            return np.zeros(n, dtype=np.float32)
        cols = [self.vocab[t] for t in counts]
        qw = np.asarray(list(counts.values()), dtype=np.float32)
        return np.asarray(self.matrix[:, cols] @ qw).ravel()

    def top(self, query: str, n: int, doc_ids: Sequence[str] | None = None,
            mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Best ``n`` chunks with a positive score: (chunk_id, bm25 score), optionally only of ``doc_ids``
        and only where ``mask`` (one boolean per chunk, in ``chunk_ids`` order) is true."""
        scores = self.scores(query)
        if mask is not None:
            if mask.shape != scores.shape:
                raise ValueError(f"the chunk mask has {mask.shape[0]} entries for {scores.shape[0]} chunks")
            scores = np.where(mask, scores, 0.0)
        if doc_ids is not None:
            allowed = [self._doc_pos[d] for d in doc_ids if d in self._doc_pos]
            mask = np.isin(self.doc_index, np.asarray(allowed, dtype=np.int32))
            scores = np.where(mask, scores, 0.0)
        positive = np.flatnonzero(scores > 0)
        if positive.size == 0:
            return []
        if positive.size > n:
            part = np.argpartition(-scores[positive], n - 1)[:n]
            positive = positive[part]
        order = positive[np.argsort(-scores[positive], kind="stable")]
        return [(self.chunk_ids[i], float(scores[i])) for i in order]

    # ------------------------------------------------------------------ persistence
    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp.npz")
        m = self.matrix
        header = json.dumps({"fingerprint": self.fingerprint, "doc_ids": self.doc_ids,
                             "vocab": sorted(self.vocab, key=self.vocab.__getitem__), "chunk_ids": self.chunk_ids})
        np.savez(tmp, data=m.data, indices=m.indices, indptr=m.indptr, shape=np.asarray(m.shape),
                 doc_index=self.doc_index, header=np.frombuffer(header.encode("utf-8"), dtype=np.uint8),
                 fingerprint=np.frombuffer(self.fingerprint.encode("utf-8") or b"-", dtype=np.uint8))
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> "BM25Index | None":
        """The cached index, or None when it is missing or unreadable (then it gets rebuilt)."""
        if not path.is_file():
            return None
        try:
            from scipy import sparse

            with np.load(path) as z:
                header = json.loads(bytes(z["header"]).decode("utf-8"))
                shape = tuple(int(x) for x in z["shape"])
                matrix = sparse.csc_matrix((z["data"], z["indices"], z["indptr"]), shape=shape)
                doc_index = z["doc_index"]
            vocab = {t: i for i, t in enumerate(header["vocab"])}
            return cls(header["chunk_ids"], doc_index, header["doc_ids"], vocab, matrix, header["fingerprint"])
        except Exception:
            return None


def read_fingerprint(path: Path) -> str | None:
    """The fingerprint a cached index was built for (reads only its small header)."""
    if not path.is_file():
        return None
    try:
        with np.load(path) as z:
            return bytes(z["fingerprint"]).decode("utf-8")
    except Exception:
        return None


# ---------------------------------------------------------------------- cache management

def cache_path(settings) -> Path:
    """Where the BM25 index of the configured store lives (one file per collection and server)."""
    s = settings.store
    name = s.collection if not s.host else f"{s.collection}@{s.host}_{s.port}"
    return Path(settings.paths.index_dir) / "bm25" / f"{re.sub(r'[^A-Za-z0-9_.@-]', '_', name)}.npz"


def index_fingerprint(records) -> str:
    """Identifies the indexed content: the (doc_id, index_hash) of every finished article."""
    import hashlib

    items = sorted(f"{d}:{r.index_hash}" for d, r in records.items() if r.status == "ok")
    return hashlib.sha256("\n".join(items).encode("utf-8")).hexdigest()


def bm25_text(text: str, meta: dict) -> str:
    """The text BM25 indexes for a chunk: the same headline + passage the embedding model reads."""
    title = meta.get("title")
    if title and not meta.get("title_derived"):
        return f"{title}\n{text}"
    return text


def sync_bm25(store, settings, *, force: bool = False, records=None) -> BM25Index:
    """Load the cached BM25 index, rebuilding it from the store when it is missing or stale."""
    records = store.article_records() if records is None else records
    fingerprint = index_fingerprint(records)
    path = cache_path(settings)
    if not force and read_fingerprint(path) == fingerprint:
        cached = BM25Index.load(path)
        if cached is not None:
            return cached
    ok = {d for d, r in records.items() if r.status == "ok"}
    ids: list[str] = []
    texts: list[str] = []
    docs: list[str] = []
    for page_ids, page_docs, metas in store.iter_chunks():
        for cid, text, meta in zip(page_ids, page_docs, metas):
            if meta.get("doc_id") in ok:
                ids.append(cid)
                texts.append(bm25_text(text or "", meta))
                docs.append(meta["doc_id"])
    index = BM25Index.build(ids, texts, docs, fingerprint)
    index.save(path)
    return index
