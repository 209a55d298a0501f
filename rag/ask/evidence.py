"""Sentence-level evidence: the sentences of the retrieved passages, with exact article offsets,
ranked by a mix of dense similarity (the Retriever's own embedder) and IDF-weighted lexical
overlap with the question; and the numbered sources the prompt shows.
"""

from __future__ import annotations

import re

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from rag.ask import lexical as lx
from rag.types import Article, Chunk, Scored


@dataclass
class Sentence:
    doc_id: str
    chunk: Chunk
    start: int                      # offsets in the cleaned article text
    end: int
    text: str                       # == article.text[start:end]
    para: int                       # paragraph index in the article (sentences of one paragraph share it)
    index: int                      # sentence index in the article
    chunk_rank: int = 0
    chunk_score: float = 0.0
    dense: float = 0.0
    lexical: float = 0.0
    score: float = 0.0
    stems: frozenset[str] = field(default_factory=frozenset)


@dataclass
class Source:
    """One numbered source of the prompt: a few consecutive sentences of one article."""

    number: int
    chunk: Chunk
    sentences: list[Sentence]
    score: float

    @property
    def doc_id(self) -> str:
        return self.chunk.doc_id

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


class SentenceIndex:
    """Sentences of articles and their embeddings.

    Read from what ingest persisted (``persisted``: a :class:`rag.ingest.sentences.SentenceStore`; by default
    the ``sentence_store`` of the object ``article_of`` is a method of, i.e. the Retriever): an article's
    sentence offsets, paragraphs and vectors are one file read, and asking a question embeds only the question.
    An article with nothing persisted (an index built before, or a chunk whose article is not stored) is split
    here, once per article, and its sentences embedded once per text, as before."""

    def __init__(self, embed: Callable[[Sequence[str]], np.ndarray] | None, article_of: Callable[[str], Article | None],
                 persisted=None):
        self._embed = embed
        self._article_of = article_of
        if persisted is None:
            persisted = getattr(getattr(article_of, "__self__", None), "sentence_store", None)
        self._persisted = persisted
        self._sentences: dict[str, list[tuple[int, lx.Span]]] = {}
        self._vectors: dict[str, np.ndarray] = {}

    def _load_persisted(self, doc_id: str, article: Article) -> bool:
        got = self._persisted.load(article.text) if self._persisted is not None else None
        if got is None:
            return False
        starts, ends, paras, vectors = got
        text = article.text
        out = []
        for s, e, p, v in zip(starts.tolist(), ends.tolist(), paras.tolist(), vectors):
            span = lx.Span(s, e, text[s:e])
            out.append((p, span))
            if self._embed is not None:
                self._vectors.setdefault(span.text, v)
        self._sentences[doc_id] = out
        return True

    def article_sentences(self, doc_id: str, fallback: Chunk | None = None) -> list[tuple[int, lx.Span]]:
        if doc_id not in self._sentences:
            article = self._article_of(doc_id)
            if article is not None and self._load_persisted(doc_id, article):
                return self._sentences[doc_id]
            if article is not None:
                text, offset = article.text, 0
            elif fallback is not None:           # the article store lacks it: use the chunk alone
                text, offset = fallback.text, fallback.start
            else:
                return []
            out: list[tuple[int, lx.Span]] = []
            para = 0
            last_end = None
            for span in lx.split_sentences(text):
                if last_end is not None and "\n" in text[last_end:span.start]:
                    para += 1
                out.append((para, lx.Span(span.start + offset, span.end + offset, span.text)))
                last_end = span.end
            if article is not None:
                self._sentences[doc_id] = out
            else:
                return out
        return self._sentences[doc_id]

    def vectors(self, texts: Sequence[str]) -> np.ndarray | None:
        if self._embed is None or not texts:
            return None
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            vecs = np.asarray(self._embed(missing), dtype=np.float32)
            for t, v in zip(missing, vecs):
                self._vectors[t] = v
        return np.stack([self._vectors[t] for t in texts])


def candidate_sentences(retrieved: Sequence[Scored], index: SentenceIndex) -> list[Sentence]:
    """All sentences overlapping the retrieved chunks, once each, with the best chunk rank they came from."""
    seen: dict[tuple[str, int], Sentence] = {}
    for rank, scored in enumerate(retrieved):
        chunk = scored.chunk
        for i, (para, span) in enumerate(index.article_sentences(chunk.doc_id, chunk)):
            if span.end <= chunk.start or span.start >= chunk.end:
                continue
            key = (chunk.doc_id, span.start)
            if key in seen:
                continue
            seen[key] = Sentence(doc_id=chunk.doc_id, chunk=chunk, start=span.start, end=span.end, text=span.text,
                                 para=para, index=i, chunk_rank=rank, chunk_score=float(scored.score),
                                 stems=lx.evidence_stems(span.text))
    return list(seen.values())


def lexical_coverage(terms: lx.QuestionTerms, stems: frozenset[str] | set[str], idf: lx.Idf,
                     names: bool = True) -> float:
    """IDF-weighted share of the question's content stems found (stem/prefix match) among ``stems``
    (``names=False``: only the words that are not names, i.e. what the question asks about them)."""
    content = terms.content if names else tuple(t for t in terms.content if t not in terms.names)
    if not content:
        return 1.0 if not names else 0.0
    total = covered = 0.0
    for t in content:
        w = max(idf(t), 0.1) * lx.term_weight(t)
        total += w
        if lx.term_covered(t, stems) and (terms.kind == "when" or lx.ANSWER_KIND_WORDS.get(t) != "#date"
                                          or lx.covered(t, stems)):
            covered += w            # "each *month*" is no date asked: any date does not cover it
    return covered / total if total else 0.0


def kind_fit(kind: str, text: str, terms: lx.QuestionTerms | None = None) -> bool:
    """Does a sentence hold the kind of thing the question asks for, beyond what the question itself says?
    count: a quantity (not a bare year); when: a date expression; who: a name the question does not name."""
    if terms is not None and terms.unit and terms.unit not in lx.answer_kinds(text):
        return False                # "how old" wants an age, "how much money" an amount, "what countries" nationalities
    if kind == "count":
        # "how many asylum seekers": "more than two years ago" counts time, not them
        counts_time = terms is not None and terms.counted in lx.TIME_STEMS
        found = lx.quantity_numbers(text, durations=terms is None or terms.counted is None or counts_time,
                                    ratios=terms is None or terms.compares)
        return bool(found - set(terms.numbers)) if terms is not None else bool(found)
    if kind == "when":
        return lx.has_date_expression(text)
    asked = (terms.names | set(terms.content)) if terms is not None else set()     # what the question says itself
    if kind == "why":
        if terms is not None and terms.presence:
            return lx.gives_purpose_of_visit(text)  # "why was he in Chihuahua City": not what he said there
        return lx.gives_reason(text, asked) and not lx.restates_as_reason(text, asked)
    if kind == "where":     # "where did he hold the press conference": a place the question does not name
        return terms is None or lx.gives_place(text, asked, terms.origin)
    if kind == "who":
        def unasked(name: str) -> bool:     # "President Joe Biden" is no answer when it asks about Biden
            return not lx.covered(lx.stem(lx.fold(name.split()[-1])), asked)
        if any(unasked(name) and not lx.only_place(name) for name in lx.person_like_names(text)):
            return True
        # "who said ...": the speaker as the article gives them ("..., Fischer said", "a senior official told")
        return terms is not None and terms.asks_speaker and any(unasked(who) for who in lx.quoted_speakers(text))
    return True


def rank_sentences(question: str, terms: lx.QuestionTerms, sentences: list[Sentence], index: SentenceIndex,
                   idf: lx.Idf) -> list[Sentence]:
    """Score every candidate sentence and return them best first."""
    if not sentences:
        return []
    vecs = index.vectors([question] + [s.text for s in sentences])
    # "what did Amy Fischer say ...": her name picks the sentences (quoted ones first); what she said is the rest
    said = terms.said()
    own = {id(s) for s in sentences if terms.speaker and lx.attributed_to(terms.speaker, s.text, s.text)}
    for i, s in enumerate(sentences):
        s.dense = float(vecs[0] @ vecs[i + 1]) if vecs is not None else 0.0
        # names pick the article; the other words (what is asked about them) pick the sentence
        s.lexical = 0.5 * lexical_coverage(said, s.stems, idf) + 0.5 * lexical_coverage(said, s.stems, idf, names=False)
        bonus = 0.0
        if terms.kind != "other":
            bonus = 0.08 if kind_fit(terms.kind, s.text, terms) else -0.12
        if terms.numbers and lx.hard_numbers(s.text) & set(terms.numbers):
            bonus += 0.05
        if terms.months and lx.months(s.text) & set(terms.months):
            bonus += 0.05
        bonus += _evidence_bonus(terms, s, id(s) in own)
        if len(lx.words(s.text)) < 6:
            bonus -= 0.15           # fragments ("Lopez Obrador said.") are poor evidence
        # a quote answers "what did X say" in words of its own: meaning counts for more than shared words
        w_dense = 0.7 if terms.speaker else 0.45
        s.score = w_dense * s.dense + (1 - w_dense) * s.lexical + bonus - 0.004 * s.chunk_rank
    return sorted(sentences, key=lambda s: (id(s) in own, s.score), reverse=True)


def _evidence_bonus(terms: lx.QuestionTerms, s: Sentence, speaker_quoted: bool) -> float:
    """Small rewards for holding what the question singles out: the weekday it names ("on Friday"), the
    noun it asks about ("which *bridge*"), a reason for a "why" question, a name for "what is it called"."""
    bonus = 0.0
    if terms.weekdays:
        days = lx.weekdays_in(s.text)
        if terms.weekdays & days:
            bonus += 0.06
        elif days:
            bonus -= 0.06           # "on Friday": a sentence about Wednesday and Thursday answers another question
    if terms.speaker:
        if any(q in s.text for q in "“”\""):
            bonus += 0.06           # "what did X say": X's own words
        if speaker_quoted:
            bonus += 0.1
    if terms.focus and terms.focus not in lx.LIGHT_WORDS and lx.term_covered(terms.focus, s.stems):
        bonus += 0.04
    if terms.kind == "why" and (lx.states_cause(s.text) or lx.refers_to_previous_cause(s.text)):
        bonus += 0.06
    if terms.naming and lx.names_something(s.text):
        bonus += 0.08
    return bonus


def window(best: Sentence, pool: Sequence[Sentence], index: SentenceIndex, max_chars: int = 420) -> list[Sentence]:
    """The sentence with its paragraph neighbours (previous first), up to ``max_chars``."""
    all_sents = index.article_sentences(best.doc_id, best.chunk)
    by_index = {s.index: s for s in pool if s.doc_id == best.doc_id}
    out = [best]
    length = len(best.text)
    for step in (-1, 1):
        j = best.index + step
        if 0 <= j < len(all_sents):
            para, span = all_sents[j]
            if para != best.para or length + len(span.text) > max_chars:
                continue
            s = by_index.get(j) or _sentence_at(best, j, para, span)
            length += len(span.text)
            out.append(s)
    return sorted(out, key=lambda s: s.index)


# a second reference by surname, as news style has it: "..., Fischer said." / "said Fischer."
_SURNAME_SAID = re.compile(r"(?:^|[,.;:!?\u201d\"\u2019']\s*)([A-Z][a-z'\u2019-]{2,}) (?:said|says|told|added|wrote|noted|"
                           r"explained|argued|warned)\b|\b(?:said|says|added) ([A-Z][a-z'\u2019-]{2,})\s*[.,;]")
INTRODUCTION_PARAGRAPHS = 3


def introduction(s: Sentence, index: SentenceIndex) -> Sentence | None:
    """The earlier sentence that introduces the speaker ``s`` names by surname alone ("Fischer said." ->
    "..., said Amy Fischer, director of refugee and migrant rights at Amnesty International USA."): who the
    speaker is belongs to the quote. None when ``s`` names no one that way or the article never introduces them."""
    m = _SURNAME_SAID.search(s.text)
    if not m:
        return None
    surname = m.group(1) or m.group(2)
    full = re.compile(rf"\b[A-Z][a-z'\u2019.-]+ {re.escape(surname)}\b")
    sents = index.article_sentences(s.doc_id, s.chunk)
    for j in range(min(s.index, len(sents)) - 1, -1, -1):
        para, span = sents[j]
        if s.para - para > INTRODUCTION_PARAGRAPHS:
            break
        if full.search(span.text) and not full.search(s.text):
            return _sentence_at(s, j, para, span)
    return None


def antecedent(s: Sentence, index: SentenceIndex) -> Sentence | None:
    """The sentence before ``s`` in its article, when ``s`` opens by leaning on it ("Since then, ...", "This
    practice, ...", "As a result of these, ..."), even across a paragraph break; None otherwise."""
    if s.index == 0 or not (lx.opens_with_time_reference(s.text) or lx.opens_with_reference(s.text)
                            or lx.refers_to_previous_cause(s.text)):
        return None
    sents = index.article_sentences(s.doc_id, s.chunk)
    if s.index > len(sents):
        return None
    para, span = sents[s.index - 1]
    return _sentence_at(s, s.index - 1, para, span)


def previous_text(s: Sentence, index: SentenceIndex) -> str:
    """The text of the sentence before ``s`` in its paragraph ("" at a paragraph's start)."""
    sents = index.article_sentences(s.doc_id, s.chunk)
    if s.index == 0 or s.index > len(sents) or sents[s.index - 1][0] != s.para:
        return ""
    return sents[s.index - 1][1].text


def _sentence_at(s: Sentence, j: int, para: int, span: lx.Span) -> Sentence:
    """Sentence ``j`` (at ``span``, in paragraph ``para``) of the article ``s`` belongs to."""
    return Sentence(doc_id=s.doc_id, chunk=s.chunk, start=span.start, end=span.end, text=span.text, para=para,
                    index=j, stems=lx.evidence_stems(span.text))


@dataclass(frozen=True)
class Context:
    """A sentence with what it takes to read it: its paragraph ``window``, the sentence it leans on (``before``:
    "Since then, ...") and the one that introduces its speaker (``intro``: "Fischer said.")."""
    sentence: Sentence
    window: list[Sentence]
    before: Sentence | None
    intro: Sentence | None

    @cached_property
    def text(self) -> str:
        """The window's text, led by the sentence it leans on when that is outside it."""
        lead = self.before is not None and all(w.index != self.before.index for w in self.window)
        return (self.before.text + " " if lead else "") + " ".join(w.text for w in self.window)

    @cached_property
    def stems(self) -> frozenset[str]:
        extra = [x.stems for x in (self.before, self.intro) if x is not None]
        return frozenset().union(*(w.stems for w in self.window), *extra)

    @cached_property
    def own_stems(self) -> frozenset[str]:
        """Stems of the sentence and of the one it leans on, without the rest of its paragraph."""
        return (self.sentence.stems | self.before.stems) if self.before is not None else self.sentence.stems


def context(s: Sentence, pool: Sequence[Sentence], index: SentenceIndex, max_chars: int = 420) -> Context:
    return Context(s, window(s, pool, index, max_chars), antecedent(s, index), introduction(s, index))


def nearby_text(s: Sentence, index: SentenceIndex) -> str:
    """The paragraphs around ``s`` (its own, the one before and the one after)."""
    return " ".join(span.text for para, span in index.article_sentences(s.doc_id, s.chunk) if abs(para - s.para) <= 1)


def earlier_text(s: Sentence, index: SentenceIndex, paragraphs: int = 3) -> str:
    """The article's text before ``s``, from up to ``paragraphs`` paragraphs back (who "He added" is)."""
    return " ".join(span.text for para, span in index.article_sentences(s.doc_id, s.chunk)
                    if s.para - paragraphs <= para <= s.para and span.start < s.start)


def build_sources(ranked: list[Sentence], index: SentenceIndex, max_sources: int = 4,
                  max_chars: int = 420) -> list[Source]:
    """Number the best sentences (with their paragraph neighbours) as sources 1..n, best first, no overlaps."""
    sources: list[Source] = []
    used: set[tuple[str, int]] = set()
    for s in ranked:
        if len(sources) >= max_sources:
            break
        if (s.doc_id, s.index) in used:
            continue
        win = [w for w in window(s, ranked, index, max_chars) if (w.doc_id, w.index) not in used]
        for w in win:
            used.add((w.doc_id, w.index))
        sources.append(Source(number=len(sources) + 1, chunk=s.chunk, sentences=win, score=s.score))
    return sources
