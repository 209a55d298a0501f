"""Chunk step: sentence-aware passages with overlap, sized in the embedding model's word pieces.

Every chunk is an exact span of the cleaned article text: ``chunk.text == article.text[start:end]``.
Sentences are packed greedily up to ``settings.chunking.max_tokens`` word pieces (minus the headline,
which is prepended to the text the model embeds); the next chunk repeats up to ``overlap_sentences``
trailing sentences holding at most ``overlap_tokens`` word pieces. A sentence longer than a whole chunk
is cut at word boundaries, and a "word" longer than ``MAX_WORD_CHARS`` (a URL, a base64 blob, a 200,000-
character run) is cut every ``MAX_WORD_CHARS`` characters: the word-piece tokenizer counts such a word as
one unknown token, so a token budget alone would not bound it. No chunk is longer than the budget in word
pieces nor than ``max_chunk_chars(max_tokens)`` characters, whatever the input.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rag.types import Article, Chunk

# Words ending in a period that do not end a sentence (lower-cased, with the period).
ABBREVIATIONS = frozenset("""
mr. mrs. ms. dr. prof. sr. jr. st. mt. ft. gov. sen. rep. rev. gen. col. lt. sgt. capt. cmdr. adm. maj. pres.
supt. det. insp. atty. hon. messrs. inc. corp. co. ltd. llc. no. nos. vs. v. approx. dept. univ. assn. bros.
jan. feb. mar. apr. jun. jul. aug. sep. sept. oct. nov. dec. mon. tue. tues. wed. thu. thur. thurs. fri. sat. sun.
u.s. u.k. u.n. e.u. d.c. u.s.a. e.g. i.e. a.m. p.m. ph.d. fig. al. est. ave. blvd. rd.
""".split())

MAX_WORD_CHARS = 100          # BERT's WordPiece reads a longer word as a single [UNK]
CHARS_PER_TOKEN_CAP = 10      # English runs at ~4.5 characters per word piece; a chunk never passes 10


def max_chunk_chars(max_tokens: int) -> int:
    """The longest chunk in characters for a budget of ``max_tokens`` word pieces."""
    return max(MAX_WORD_CHARS, max_tokens * CHARS_PER_TOKEN_CAP)


_BOUNDARY = re.compile(r"""[.!?\u2026]+["'\u201d\u2019)\]]*(?=\s)""")
_NEXT_START = re.compile(r"""\s+["'\u201c\u2018(\[]*[A-Z0-9\u00C0-\u00DE]""")


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` in ``text``, whitespace-trimmed; line breaks always end a sentence."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text[start:end]):
        ls, le = start + line.start(), start + line.end()
        cursor = ls
        for m in _BOUNDARY.finditer(text, ls, le):
            stop = m.end()
            if not _NEXT_START.match(text, stop, le):
                continue
            space = text.rfind(" ", cursor, m.start())
            word = text[(space + 1 if space >= 0 else cursor): m.end()].lower().lstrip("\"'(\u201c\u2018[")
            word = word.rstrip("\"')\u201d\u2019]")
            if word in ABBREVIATIONS or re.fullmatch(r"[a-z]\.", word) or re.fullmatch(r"(?:[a-z]\.){2,}", word):
                continue
            _add(text, cursor, stop, spans)
            cursor = stop
        _add(text, cursor, le, spans)
    return spans


def _add(text: str, s: int, e: int, spans: list[tuple[int, int]]) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        spans.append((s, e))


@dataclass(frozen=True)
class ChunkPlan:
    """A chunk plus the exact text its embedding is computed from (headline + passage)."""

    chunk: Chunk
    embed_text: str


def embed_input(article: Article, text: str) -> str:
    """What the model embeds and BM25 indexes: the printed headline gives every passage its topic."""
    if article.title and not article.title_derived:
        return f"{article.title}\n{text}"
    return text


def chunk_id(model_name: str, doc_id: str, start: int, end: int, embed_text: str) -> str:
    digest = hashlib.sha256("\x00".join([model_name, doc_id, str(start), str(end), embed_text]).encode("utf-8"))
    return digest.hexdigest()[:32]


def chunk_article(article: Article, *, count_tokens_many, model_name: str, max_tokens: int,
                  overlap_sentences: int, overlap_tokens: int, max_seq_tokens: int = 256) -> list[ChunkPlan]:
    """Chunks of one article. ``count_tokens_many(texts) -> list[int]`` counts word pieces."""
    text = article.text
    sentences = split_sentences(text)
    if not sentences:
        return []
    title_tokens = 0
    if article.title and not article.title_derived:
        title_tokens = count_tokens_many([article.title])[0] + 1
    budget = max(16, min(max_tokens, max_seq_tokens - 2 - title_tokens))
    max_chars = max_chunk_chars(max_tokens)
    counts = count_tokens_many([text[s:e] for s, e in sentences])
    units: list[tuple[int, int, int]] = []
    for (s, e), n in zip(sentences, counts):
        if n <= budget and e - s <= max_chars:
            units.append((s, e, n))
        else:
            units.extend(_split_long(text, s, e, budget, max_chars, count_tokens_many))

    spans: list[tuple[int, int]] = []
    i, n_units = 0, len(units)
    while i < n_units:
        j, total = i, 0
        while j < n_units and (j == i or (total + units[j][2] <= budget and units[j][1] - units[i][0] <= max_chars)):
            total += units[j][2]
            j += 1
        spans.append((units[i][0], units[j - 1][1]))
        if j >= n_units:
            break
        back, back_tokens = 0, 0
        # repeat trailing sentences, but always leave room for the next new one (no chunk inside another)
        while (back < overlap_sentences and j - 1 - back > i
               and back_tokens + units[j - 1 - back][2] <= overlap_tokens
               and back_tokens + units[j - 1 - back][2] + units[j][2] <= budget):
            back_tokens += units[j - 1 - back][2]
            back += 1
        i = j - back

    plans = []
    for s, e in spans:
        piece = text[s:e]
        etext = embed_input(article, piece)
        chunk = Chunk(chunk_id=chunk_id(model_name, article.doc_id, s, e, etext), doc_id=article.doc_id,
                      text=piece, start=s, end=e, title=article.title, title_derived=article.title_derived,
                      outlet=article.outlet, published=article.published, url=article.url)
        plans.append(ChunkPlan(chunk, etext))
    return plans


def _split_long(text: str, s: int, e: int, budget: int, max_chars: int,
                count_tokens_many) -> list[tuple[int, int, int]]:
    """Cut an over-long sentence into pieces of at most ``budget`` word pieces and ``max_chars`` characters:
    at word boundaries, and inside a word every ``MAX_WORD_CHARS`` characters (fewer for a small budget:
    a character is at most a few word pieces)."""
    step = max(1, min(MAX_WORD_CHARS, budget // 4))
    words = []
    for m in re.finditer(r"\S+", text[s:e]):
        a, b = m.start() + s, m.end() + s
        words.extend((x, min(x + step, b)) for x in range(a, b, step))
    counts = count_tokens_many([text[a:b] for a, b in words])
    pieces: list[tuple[int, int, int]] = []
    start_idx, total = 0, 0
    for idx, n in enumerate(counts):
        if idx > start_idx and (total + n > budget or words[idx][1] - words[start_idx][0] > max_chars):
            pieces.append((words[start_idx][0], words[idx - 1][1], total))
            start_idx, total = idx, 0
        total += n
    pieces.append((words[start_idx][0], words[-1][1], total))
    return pieces


def chunk_articles(articles: Sequence[Article], **kwargs) -> list[list[ChunkPlan]]:
    return [chunk_article(a, **kwargs) for a in articles]
