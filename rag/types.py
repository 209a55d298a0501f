"""Data shared by every step: frozen dataclasses, no behaviour beyond (de)serialising."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Article:
    """One cleaned news article. ``text`` is the cleaned text every offset refers to."""

    doc_id: str                      # corpus file name without extension (or the JSONL `id`)
    text: str
    title: str | None = None         # the headline, or a title derived from the lede (see title_derived)
    title_derived: bool = False      # True when `title` was made from the lede, not printed by the outlet
    outlet: str | None = None
    published: str | None = None     # ISO 8601 date as precise as known: "2024-05-03", "2024-05", "2024"; None if unknown
    url: str | None = None
    source_path: str | None = None   # the file it was read from
    content_hash: str = ""           # sha256 of text + metadata; changes when the article must be re-indexed
    # identical or near-identical texts grouped under this one at ingest (rag/ingest/dedup.py): one dict each,
    # {"doc_id", "outlet", "published", "url", "title"}; this article is the one indexed and cited
    copies: tuple[dict[str, Any], ...] = field(default=(), compare=False)

    @property
    def display_title(self) -> str:
        return self.title or self.doc_id

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Article":
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__ if k in data})


@dataclass(frozen=True)
class Chunk:
    """A passage of an article; ``text == article.text[start:end]``."""

    chunk_id: str                    # content hash (doc_id + offsets + text + embedding model)
    doc_id: str
    text: str
    start: int
    end: int
    title: str | None = None
    title_derived: bool = False
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    copies: tuple[dict[str, Any], ...] = field(default=(), compare=False)   # the article's copies (see Article.copies): every outlet/date that ran it

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Scored:
    """A retrieved chunk with its scores.

    ``score`` is the relevance score later steps gate on (higher is more relevant, roughly 0..1);
    ``dense`` is the cosine similarity to the query, ``bm25`` the raw BM25 score, ``rrf`` the fused
    reciprocal-rank score that decided the order.
    """

    chunk: Chunk
    score: float
    dense: float | None = None
    bm25: float | None = None
    rrf: float = 0.0
    rank: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"rank": self.rank, "score": self.score, "dense": self.dense, "bm25": self.bm25,
                "rrf": self.rrf, **self.chunk.to_dict()}


@dataclass(frozen=True)
class Citation:
    marker: int                      # the [n] shown in the answer
    doc_id: str
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    chunk_id: str
    start: int                       # character span of `quote` in the cleaned article text
    end: int
    quote: str                       # verbatim article.text[start:end]
    supported: bool = True
    title_derived: bool = False
    copies: tuple[dict[str, Any], ...] = ()   # the same text as carried elsewhere: {doc_id, outlet, published, ...}

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["copies"] = [dict(c) for c in self.copies]
        return out


@dataclass(frozen=True)
class Answer:
    question: str
    standalone_question: str
    answer: str                      # text with [n] markers
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    unsupported_sentences: list[str] = field(default_factory=list)
    references: dict[str, list[str]] = field(default_factory=lambda: {"apa": [], "mla": []})
    timings_ms: dict[str, float] = field(default_factory=dict)
    retrieved: list[Scored] = field(default_factory=list)   # not part of the JSON contract; for eval and debugging
    mode: str = ""                   # which backend produced the text: local, extractive, fallback-extractive, ...
    confidence: float | None = None  # what the answer-or-refuse decision compared with its threshold:
                                     # the model's p(yes), or without a model the best sentence's score
    check: float | None = None       # the model's p(yes) that the passage states the drafted answer (None: not asked)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of `newsrag ask --json` and the web API."""
        return {
            "question": self.question,
            "standalone_question": self.standalone_question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "unsupported_sentences": list(self.unsupported_sentences),
            "references": {k: list(v) for k, v in self.references.items()},
            "timings_ms": dict(self.timings_ms),
            "mode": self.mode,
            "confidence": self.confidence,
            "check": self.check,
        }


@dataclass(frozen=True)
class StreamEvent:
    """What `Answerer.stream()` yields: progress, partial text, then the final verified answer.

    kind == "status": ``text`` is a short progress note ("Loading the language model…", "Searching…").
    kind == "evidence": ``text`` lists the numbered passages being read (headline, date, lead sentence).
    kind == "token":  ``text`` is the next piece of the draft answer as the model generates it.
    kind == "answer": ``answer`` is the final, verified Answer (always the last event).
    """

    kind: str
    text: str = ""
    answer: Answer | None = None
