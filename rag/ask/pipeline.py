"""The ask flow, top to bottom:

    validate -> condense -> retrieve -> rank sentences -> sources -> judge (refused: judge the passages that
             follow) -> draft (streamed) -> verify -> (fallback: quotes) -> (two-part question: split, each part
             answered the same way) -> references

``Answerer`` is the one entry point used by the CLI, the web chat and the evaluation harness:
``Answerer.from_settings(settings).ask(question, history=[]) -> Answer`` and ``stream()``, which
yields status notes, the evidence found, the draft's tokens and finally the verified Answer.

Refusal is a measured decision, not a hope: with a model, the question is answered only when the model's
answerability judgement (p(yes) from token log-probabilities, ``reader.judge``) reaches the calibrated
``answer.judge_threshold``; without one, when the best sentence's score reaches ``answer.extractive_threshold``.
Whatever the model then writes must pass the generic guards of ``verify`` sentence by sentence; what fails is
removed and listed apart. A refusal is the fixed REFUSAL message, abstained=True, no citations.
"""

from __future__ import annotations

import threading
import time
import unicodedata
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from rag.ask import text as tx
from rag.ask.text import strip_markers
from rag.ask.cite import is_no_answer, make_citation, parse_draft, render_sentence
from rag.ask.condense import heuristic_condense, needs_rewrite, usable_rewrite
from rag.ask.evidence import Sentence, SentenceIndex, Source, build_sources, candidate_sentences, rank_sentences
from rag.ask.extractive import choose_quotes
from rag.ask.generate import complete, stream_draft
from rag.ask.prompt import (answer_messages, check_messages, compound_messages, condense_messages, judge_messages,
                            parse_split, split_messages)
from rag.ask.reader import judge
from rag.ask.references import format_references
from rag.ask.verify import Checked, adds_to_question, verify_sentences
from rag.config import Settings
from rag.errors import BackendError, QuestionError
from rag.types import Answer, Citation, Scored, StreamEvent

REFUSAL = "The articles in this collection do not say."
CANDIDATE_PASSAGES = 16    # passages whose sentences compete as evidence
IDF_ARTICLES = 4000        # articles read for the word weights (an even sample of larger collections)
_UNSET: Any = object()


def validate_question(question: Any, settings: Settings) -> str:
    """The question, stripped; QuestionError for empty, over-long or control-character input."""
    if not isinstance(question, str):
        raise QuestionError("the question must be text")
    text = question.strip()
    if not text:
        raise QuestionError("the question is empty: type a question about the articles")
    limit = settings.answer.max_question_chars
    if len(text) > limit:
        raise QuestionError(f"the question is {len(text):,} characters long; the limit is {limit:,} "
                            "(shorten it, or raise answer.max_question_chars / NEWSRAG_ANSWER__MAX_QUESTION_CHARS)")
    bad = sorted({f"U+{ord(ch):04X}" for ch in text
                  if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r"})
    if bad:
        raise QuestionError(f"the question contains control characters ({', '.join(bad[:5])}): remove them and ask again")
    return " ".join(text.split())


def validate_history(history: Any) -> list[dict]:
    if history is None:
        return []
    if not isinstance(history, (list, tuple)):
        raise QuestionError("the chat history must be a list of {\"role\", \"content\"} items")
    out = []
    for i, item in enumerate(history):
        if not isinstance(item, dict) or item.get("role") not in ("user", "assistant") \
                or not isinstance(item.get("content"), str):
            raise QuestionError(f"chat history item {i} must be {{\"role\": \"user\"|\"assistant\", \"content\": str}}")
        out.append({"role": item["role"], "content": item["content"]})
    return out


@dataclass
class _Run:
    """Working state of one question (everything the steps hand each other)."""

    question: str
    standalone: str
    retrieved: list[Scored] = field(default_factory=list)
    ranked: list[Sentence] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    confidence: float | None = None       # p(yes) of the judgement, or the best sentence's score
    check: float | None = None            # p(yes) that the cited passage states the drafted answer
    timings: dict[str, float] = field(default_factory=dict)


class Answerer:
    """Answers questions from the indexed articles, with verified citations."""

    def __init__(self, *, settings: Settings, retriever, llm=_UNSET, embedder=None):
        self.settings = settings
        self.retriever = retriever
        if llm is _UNSET:
            from rag.backends.llms import make_llm

            llm = make_llm(settings)
        self.llm = llm                                   # None: extractive mode
        self.embedder = embedder or getattr(retriever, "embedder", None)
        self._index = SentenceIndex(self.embedder.embed if self.embedder is not None else None,
                                    retriever.article, persisted=getattr(retriever, "sentence_store", None))
        self._idf: tx.Idf | None = None
        self._warm_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> "Answerer":
        from rag.ask.retrieve import Retriever
        from rag.backends.llms import make_llm

        return cls(settings=settings, retriever=Retriever.from_settings(settings), llm=make_llm(settings))

    # ------------------------------------------------------------------ readiness

    @property
    def mode(self) -> str:
        return "extractive" if self.llm is None else self.settings.llm.provider

    @property
    def ready(self) -> bool:
        return bool(getattr(self.llm, "loaded", True)) and self._idf is not None

    def warmup(self) -> None:
        """Load the models now (blocking; safe from a background thread). Later calls are no-ops."""
        with self._warm_lock:
            self._get_idf()
            load = getattr(self.llm, "load", None)
            if callable(load):
                load()

    def _get_idf(self) -> tx.Idf:
        """Word weights from the collection's paragraphs: every article up to IDF_ARTICLES, an even sample of
        them beyond (document frequencies settle long before 20,000 articles; this keeps startup short)."""
        if self._idf is None:
            articles = self.retriever.articles()
            step = max(1, len(articles) // IDF_ARTICLES)
            self._idf = tx.Idf(p for a in articles[::step] for p in a.text.split("\n\n") if p.strip())
        return self._idf

    # ------------------------------------------------------------------ public entry points

    def ask(self, question: str, history: list[dict] | None = None) -> Answer:
        answer = None
        for event in self.stream(question, history):
            if event.kind == "answer":
                answer = event.answer
        assert answer is not None
        return answer

    def stream(self, question: str, history: list[dict] | None = None) -> Iterator[StreamEvent]:
        """Status notes, the evidence, the draft's tokens as generated, then ("answer", the verified Answer)."""
        t0 = time.perf_counter()
        question = validate_question(question, self.settings)
        history = validate_history(history)

        standalone = question
        if needs_rewrite(question, history):
            yield StreamEvent("status", "Reading the conversation…")
            standalone = self._condense(question, history)
        run = _Run(question=question, standalone=standalone)
        reading = _without_time_words(standalone)

        # retrieve + rank sentences + number the sources
        yield StreamEvent("status", "Searching the articles…")
        t = time.perf_counter()
        run.retrieved, run.ranked, run.sources = self.evidence(reading)
        run.timings["retrieve"] = _ms(t)
        if not run.sources:
            yield self._final(run, t0, self._refusal(run, "retrieval: no passage found"))
            return
        yield StreamEvent("evidence", _evidence_note(run.sources))

        if self.llm is None:
            t = time.perf_counter()
            answer = self._extractive(run, "extractive")
            run.timings["verify"] = _ms(t)
            yield self._final(run, t0, answer)
            return

        # judge: does the model find the answer in the best passage? (a number, compared with a calibrated threshold)
        t = time.perf_counter()
        try:
            if not self.ready:
                yield StreamEvent("status", "Loading the language model (first question only)…")
                self.warmup()
            yield StreamEvent("status", "Reading the passages…")
            # the best passage alone is judged: over several passages at once the model says yes to whatever is
            # near the topic (rt-dev-a: separation 0.80 AUC jointly, clearly better for the first passage alone)
            run.confidence = judge(self.llm, judge_messages(reading, run.sources[:1],
                                                            self.settings.paths.prompts_dir), self.settings).p_yes
            further = self._further_sources(run) if run.confidence < self.settings.answer.judge_threshold else []
            if further:
                yield StreamEvent("status", "Reading further in the articles…")
                if self._second_look(reading, run, further):
                    yield StreamEvent("evidence", _evidence_note(run.sources))
            run.timings["judge"] = _ms(t)
            if run.confidence < self.settings.answer.judge_threshold:
                refusal = self._refusal(run, f"judge: p(yes)={run.confidence:.2f}")
                t = time.perf_counter()
                answer = yield from self._split(reading, run, refusal)
                run.timings["verify"] = _ms(t)
                yield self._final(run, t0, answer)
                return
            # draft (streamed)
            t = time.perf_counter()
            yield StreamEvent("status", "Writing the answer…")
            draft = ""
            for piece in stream_draft(self.llm, answer_messages(reading, run.sources,
                                                                 self.settings.paths.prompts_dir), self.settings):
                draft += piece
                yield StreamEvent("token", piece)
        except BackendError:
            run.timings["generate"] = _ms(t)
            if not self.settings.answer.fallback_to_extractive:
                raise
            yield StreamEvent("status", "The language model failed; answering with quotes instead.")
            yield self._final(run, t0, self._extractive(run, "fallback-extractive"))
            return
        run.timings["generate"] = _ms(t)

        t = time.perf_counter()
        answer = self._verified(run, draft)
        if not answer.abstained:
            yield StreamEvent("status", "Checking the answer against the passage…")
            answer = self._checked(run, reading, answer)
        answer = yield from self._split(reading, run, answer)
        run.timings["verify"] = _ms(t)
        yield self._final(run, t0, answer)

    # ------------------------------------------------------------------ steps

    def evidence(self, reading: str, max_sources: int | None = None,
                 source_chars: int | None = None) -> tuple[list[Scored], list[Sentence], list[Source]]:
        """Retrieve, rank the candidate sentences, number the sources (answer.max_sources / source_chars unless
        given): what the model reads, with no model involved."""
        retrieved = list(self.retriever.retrieve(reading, k=max(self.settings.retrieval.k, CANDIDATE_PASSAGES)))
        ranked = rank_sentences(reading, candidate_sentences(retrieved, self._index), self._index, self._get_idf())
        sources = build_sources(ranked, self._index, max_sources or self.settings.answer.max_sources,
                                source_chars or self.settings.answer.source_chars)
        return retrieved, ranked, sources

    def following(self, ranked: list[Sentence], shown: list[Source], max_sources: int | None = None,
                  source_chars: int | None = None) -> list[Source]:
        """The passages that follow ``shown`` (the best ranked sentences not read yet: the same article's next
        ones, or the next article), numbered from 1 (answer.max_sources / source_chars unless given): what the
        second look reads."""
        a = self.settings.answer
        return build_sources(ranked, self._index, max_sources or a.max_sources, source_chars or a.source_chars,
                             shown=shown)

    def _further_sources(self, run: _Run) -> list[Source]:
        """The passages that follow the first, when ``answer.second_look_threshold`` allows a second look."""
        if self.settings.answer.second_look_threshold >= 1.0:
            return []
        return self.following(run.ranked, run.sources[:1])

    def _second_look(self, question: str, run: _Run, further: list[Source]) -> bool:
        """The judgement refused the first passage: the answer may be in a sentence the passage left out, or in
        the next article. The passages that follow are judged the same way; when their p(yes) reaches
        ``answer.second_look_threshold`` (stricter than the first judgement's: a second chance is a second chance
        to say yes to a near-topic passage), they become the sources and the question is answered from them."""
        p = judge(self.llm, judge_messages(question, further[:1], self.settings.paths.prompts_dir),
                  self.settings).p_yes
        if p < self.settings.answer.second_look_threshold:
            return False
        run.sources, run.confidence = further, p
        return True

    def _checked(self, run: _Run, question: str, answer: Answer) -> Answer:
        """Ask the model whether the passages the answer cites state it (p(yes) again, against
        answer.check_threshold): a draft can be true to a passage and still not answer the question."""
        cited_docs = {(c.doc_id) for c in answer.citations}
        sources = [s for s in run.sources if s.doc_id in cited_docs] or run.sources[:1]
        sources = [replace(s, number=i) for i, s in enumerate(sources, start=1)]
        try:
            run.check = self._check_p(question, answer.answer, sources)
        except BackendError:
            return answer      # the answer passed the judgement and the guards; the check is a second opinion
        failed = self._check_fails(run.confidence, run.check)
        return self._refusal(run, failed) if failed else answer

    def _check_p(self, question: str, answer: str, sources: list[Source]) -> float:
        """The model's p(yes) that the sources state ``answer`` (markers stripped) to the question."""
        text = " ".join(strip_markers(answer).split())
        return judge(self.llm, check_messages(question, text, sources, self.settings.paths.prompts_dir),
                     self.settings).p_yes

    def _check_fails(self, confidence: float | None, check: float) -> str | None:
        """Why the answer check refuses (its own threshold, then the mean with the judgement), or None."""
        if check < self.settings.answer.check_threshold:
            return f"check: p(yes)={check:.2f} that the passage states the answer"
        joint = (confidence + check) / 2 if confidence is not None else check
        if joint < self.settings.answer.decision_threshold:
            return f"joint: mean p(yes)={joint:.2f} of the judgement and the check"
        return None

    def _split(self, reading: str, run: _Run, answer: Answer) -> Generator[StreamEvent, None, Answer]:
        """Two questions in one ("Who chaired X, and how much did Y pay?"), whose facts are in two articles: one
        passage cannot answer both. When the model's p(yes) that the question asks for two separate facts (a
        number, like the judgement) reaches ``answer.split_threshold``, the model splits it, and each part is
        answered from its own best passage by the same judgement, draft, guards and check. The two answers replace
        ``answer`` only when both parts pass; otherwise ``answer`` stands. A model failure leaves it too."""
        threshold = self.settings.answer.split_threshold
        if threshold >= 1.0:
            return answer
        prompts = self.settings.paths.prompts_dir
        pieces: list[tuple[str, list[tuple[Source, Sentence]]]] = []
        read: list[Source] = []
        try:
            if judge(self.llm, compound_messages(reading, prompts), self.settings).p_yes < threshold:
                return answer
            parts = parse_split(complete(self.llm, split_messages(reading, prompts), self.settings), reading)
            if not parts:
                return answer
            yield StreamEvent("status", "The question asks two things: reading a passage for each…")
            for part in parts:
                got = self._answer_part(part)
                if got is None:
                    return answer
                pieces += got[0]
                read.append(got[1])
        except BackendError:
            return answer
        yield StreamEvent("evidence", _evidence_note([replace(s, number=i) for i, s in enumerate(read, start=1)]))
        return self._compose(run, pieces, [], f"{self.mode}+split")

    def _answer_part(self, question: str) -> tuple[list[tuple[str, list[tuple[Source, Sentence]]]], Source] | None:
        """One part of a split question, answered from its best passage with the thresholds of the whole
        question; None when any step refuses."""
        a, prompts = self.settings.answer, self.settings.paths.prompts_dir
        sources = self.evidence(question, max_sources=1)[2]
        if not sources:
            return None
        p = judge(self.llm, judge_messages(question, sources, prompts), self.settings).p_yes
        if p < a.judge_threshold:
            return None
        kept, _, why = self._guarded(complete(self.llm, answer_messages(question, sources, prompts), self.settings),
                                     sources, question)
        if why or not kept or self._check_fails(p, self._check_p(question, " ".join(c.text for c in kept), sources)):
            return None
        return [(k.text, list(zip(k.sources, k.quotes))) for k in kept], sources[0]

    def _condense(self, question: str, history: list[dict]) -> str:
        if self.llm is not None and getattr(self.llm, "loaded", True):
            try:
                text = complete(self.llm, condense_messages(question, history, self.settings.paths.prompts_dir),
                                self.settings)
                rewritten = usable_rewrite(text, question)
                if rewritten:
                    return rewritten
            except BackendError:
                pass
        return heuristic_condense(question, history)

    @staticmethod
    def _guarded(draft: str, sources: list[Source], question: str) -> tuple[list[Checked], list[str], str | None]:
        """The draft's sentences that pass the generic guards, the ones that do not, and why the draft is no
        answer at all (the model declined, or what it kept only restates the question), else None."""
        if is_no_answer(draft):
            return [], [], "model: no answer"
        checked = verify_sentences([(d.text, d.markers) for d in parse_draft(draft)], sources, question)
        kept = [c for c in checked if c.supported]
        unsupported = [c.text for c in checked if not c.supported]
        if kept and not adds_to_question([c.text for c in kept], question):
            return [], unsupported + [c.text for c in kept], "verification: the draft only restates the question"
        return kept, unsupported, None

    def _verified(self, run: _Run, draft: str) -> Answer:
        mode = self.mode
        kept, unsupported, why = self._guarded(draft, run.sources, run.standalone)
        if why:
            return self._refusal(run, why, unsupported)
        if not kept:
            if self.settings.answer.fallback_to_extractive:
                return self._quote(run, f"{mode}+extractive", run.sources[:1], unsupported)
            return self._refusal(run, "verification: no drafted sentence is supported", unsupported)
        return self._compose(run, [(c.text, list(zip(c.sources, c.quotes))) for c in kept], unsupported, mode)

    def _extractive(self, run: _Run, mode: str) -> Answer:
        best = run.ranked[0] if run.ranked else None
        run.confidence = best.score if best is not None else None
        if best is None or best.score < self.settings.answer.extractive_threshold:
            return self._refusal(run, f"extractive: best sentence score {best.score:.2f}" if best else "extractive")
        return self._quote(run, mode, run.sources, [])

    def _quote(self, run: _Run, mode: str, sources: list[Source], unsupported: list[str]) -> Answer:
        quotes = choose_quotes(sources)
        pieces = [(q.text, [(src, q)]) for src, q in quotes]
        return self._compose(run, pieces, unsupported, mode)

    def _compose(self, run: _Run, pieces: list[tuple[str, list[tuple[Source, Sentence]]]],
                 unsupported: list[str], mode: str) -> Answer:
        """Number the quotes in order of first use and build the Answer."""
        citations: list[Citation] = []
        key_to_marker: dict[tuple[str, int], int] = {}

        def marker_for(src: Source, quote: Sentence) -> int:
            key = (quote.doc_id, quote.start)
            if key not in key_to_marker:
                key_to_marker[key] = len(key_to_marker) + 1
                citations.append(make_citation(key_to_marker[key], src, quote))
            return key_to_marker[key]

        sentences = [render_sentence(text, [marker_for(src, q) for src, q in support]) for text, support in pieces]
        return Answer(question=run.question, standalone_question=run.standalone, answer=" ".join(sentences),
                      abstained=False, citations=citations, unsupported_sentences=list(unsupported),
                      references=format_references(citations), retrieved=run.retrieved, mode=mode)

    def _refusal(self, run: _Run, reason: str, unsupported: list[str] | None = None) -> Answer:
        return Answer(question=run.question, standalone_question=run.standalone, answer=REFUSAL, abstained=True,
                      citations=[], unsupported_sentences=list(unsupported or []),
                      references={"apa": [], "mla": []}, retrieved=run.retrieved,
                      mode=f"{self.mode}:refused ({reason})")

    def _final(self, run: _Run, t0: float, answer: Answer) -> StreamEvent:
        timings = {"retrieve": run.timings.get("retrieve", 0.0), "judge": run.timings.get("judge", 0.0),
                   "generate": run.timings.get("generate", 0.0), "verify": run.timings.get("verify", 0.0),
                   "total": _ms(t0)}
        return StreamEvent("answer", answer=replace(answer, timings_ms=timings, confidence=run.confidence,
                                                           check=run.check))


def _without_time_words(question: str) -> str:
    """The question without its relative time words ("last week", "in March") when the search is already limited
    to those dates (the web chat, ``newsrag ask`` and ``/ask`` resolve them into the search scope): neither the
    search nor the reader can match "last week" in an article's text. Unchanged otherwise."""
    from datetime import date

    from rag.ask.dates import resolve_time
    from rag.ask.retrieve import current_scope

    scope = current_scope()
    if scope is None or not (scope.has_dates or scope.prefer_recent):
        return question
    stripped = resolve_time(question, date.today()).text.strip()
    return stripped if len(stripped) >= 3 else question


def _evidence_note(sources: list[Source]) -> str:
    """The passages being read, as the chat shows them before the answer: headline, date and lead sentence."""
    lines = []
    for src in sources:
        meta = ", ".join(x for x in (src.chunk.outlet, (src.chunk.published or "")[:10]) if x)
        title = src.chunk.title or src.doc_id
        lines.append(f"[{src.number}] {title}" + (f" ({meta})" if meta else "") + f": \u201c{src.lead.text}\u201d")
    return "\n".join(lines)


def _ms(t: float) -> float:
    return round((time.perf_counter() - t) * 1000.0, 1)
