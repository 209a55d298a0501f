"""The ask flow, top to bottom:

    validate -> condense -> retrieve -> rank sentences + gate -> prompt -> generate (streamed)
             -> cite -> verify -> (fallback: extractive) -> conflicts -> references

``Answerer`` is the one entry point used by the CLI, the web chat and the evaluation harness:
``Answerer.from_settings(settings).ask(question, history=[]) -> Answer`` and ``stream()``, which
yields status notes, the draft tokens and finally the verified Answer.

Refusal is a gate, not a hope: when the passages do not cover the question, or nothing the model
wrote survives verification (and no sentence qualifies for an extractive answer), the answer is
the fixed REFUSAL message, abstained=True, no citations, whatever the model said.
"""

from __future__ import annotations

import threading
import time
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from rag.ask import lexical as lx
from rag.ask.cite import is_no_answer, make_citation, parse_draft, render_sentence
from rag.ask.condense import heuristic_condense, needs_rewrite, usable_rewrite
from rag.ask.evidence import (Sentence, SentenceIndex, Source, build_sources, candidate_sentences, lexical_coverage,
                              previous_text, rank_sentences)
from rag.ask.extractive import best_sentences
from rag.ask.generate import complete, stream_draft
from rag.ask.prompt import answer_messages, condense_messages
from rag.ask.references import format_references
from rag.ask.decompose import split_question
from rag.ask.rerank import GateDecision, gate
from rag.ask.verify import (DEFAULT_SUPPORT_THRESHOLD, addresses_question, disagreement, find_conflict,
                            verify_sentences)
from rag.config import Settings
from rag.errors import BackendError, QuestionError
from rag.types import Answer, Citation, Scored, StreamEvent

REFUSAL = "The articles in this collection do not say."
CANDIDATE_PASSAGES = 16    # passages whose sentences compete as evidence
MIN_ANSWER_COVERAGE = 0.4  # share of the question's (IDF-weighted) terms the answer + its quotes must cover
MAX_YES_UNSAID = 1        # words of the claim (not names, not light words) the quotes may leave unsaid for a "Yes."
MIN_YES_COVERAGE = 0.5     # a yes/no claim whose words the quotes hold at least this much (both counts) is confirmed
TRUST_MODEL_REFUSAL = False  # the gate decides; a model's NO_ANSWER on a question the gate passed -> extractive
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
class _Part:
    """One question searched: its terms, passages, ranked sentences and the gate's decision."""

    text: str
    terms: lx.QuestionTerms
    retrieved: list[Scored]
    ranked: list[Sentence]
    decision: GateDecision


@dataclass
class _Run:
    """Working state of one question (kept small: everything the steps hand each other)."""

    question: str
    standalone: str
    terms: lx.QuestionTerms
    retrieved: list[Scored] = field(default_factory=list)
    ranked: list[Sentence] = field(default_factory=list)
    parts: list[_Part] = field(default_factory=list)     # several when the question asks several things
    evidence: list[Sentence] | None = None               # the quotes that answer it (see Answerer._evidence)
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
                                    retriever.article)
        self._idf: lx.Idf | None = None
        self._warm_lock = threading.Lock()
        self._warmed = False
        threshold = settings.answer.support_threshold
        self.support_threshold = DEFAULT_SUPPORT_THRESHOLD if threshold is None else threshold

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
        loaded = getattr(self.llm, "loaded", True)
        return bool(loaded) and self._idf is not None

    def warmup(self) -> None:
        """Load the models now (blocking; safe from a background thread). Later calls are no-ops."""
        with self._warm_lock:
            self._get_idf()
            if self.embedder is not None:
                # a small collection: embed every sentence now, so the first question does not pay for it
                articles = self.retriever.articles()
                texts = [sp.text for a in articles for _, sp in self._index.article_sentences(a.doc_id)]
                self._index.vectors(texts[:5000] or ["warm up"])
            load = getattr(self.llm, "load", None)
            if callable(load):
                load()
            self._warmed = True

    def _get_idf(self) -> lx.Idf:
        if self._idf is None:
            texts = []
            articles = self.retriever.articles()
            lx.learn_corpus(a.text for a in articles)
            for article in articles:
                texts += [s.text for s in lx.split_sentences(article.text)]
            self._idf = lx.Idf(texts)
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
        """Status notes, then the draft's tokens as generated, then ("answer", final verified Answer)."""
        t0 = time.perf_counter()
        question = validate_question(question, self.settings)
        history = validate_history(history)

        # condense
        standalone = question
        if needs_rewrite(question, history):
            yield StreamEvent("status", "Reading the conversation…")
            standalone = self._condense(question, history)
        run = _Run(question=question, standalone=standalone, terms=lx.question_terms(standalone))

        # decompose + retrieve + rank sentences + gate (each part of a question that asks several things)
        yield StreamEvent("status", "Searching the articles…")
        t = time.perf_counter()
        run.parts = [self._search(text) for text in split_question(standalone)]
        _merge_parts(run)
        run.timings["retrieve"] = _ms(t)
        run.timings["generate"] = 0.0
        run.timings["verify"] = 0.0
        refused = [p for p in run.parts if not p.decision.answerable]
        if refused:
            reason = "; ".join(f"{p.text} -> {p.decision.reason}" if len(run.parts) > 1 else p.decision.reason
                               for p in refused)
            yield self._final(run, t0, self._refusal(run, "gate: " + reason))
            return

        # evidence: a sentence of the passages that holds what is asked (the right kind of thing, said of the
        # right subject, by the right speaker, ...), for every part; none for some part refuses in every mode
        run.evidence = evidence = self._evidence(run)
        if evidence is None:
            yield self._final(run, t0, self._refusal(run, "evidence: no sentence answers " + (
                "the question" if len(run.parts) == 1 else "every part of the question")))
            return

        if self.llm is None:
            t = time.perf_counter()
            answer = self._extractive(run, "extractive")
            run.timings["verify"] = _ms(t)
            yield self._final(run, t0, answer)
            return

        # prompt + generate (streamed); the evidence sentences lead the sources
        lead = {(e.doc_id, e.index) for e in evidence}
        ordered = list(evidence) + [r for r in run.ranked if (r.doc_id, r.index) not in lead]
        sources = build_sources(ordered, self._index, self.settings.answer.max_sources,
                                self.settings.answer.source_chars)
        messages = answer_messages(standalone, sources, self.settings.paths.prompts_dir)
        t = time.perf_counter()
        draft = ""
        try:
            if not self.ready:
                yield StreamEvent("status", "Loading the language model (first question only)…")
                self.warmup()
            yield StreamEvent("status", "Writing the answer…")
            for piece in stream_draft(self.llm, messages, self.settings):
                draft += piece
                yield StreamEvent("token", piece)
        except BackendError:
            run.timings["generate"] = _ms(t)
            if not self.settings.answer.fallback_to_extractive:
                raise
            yield StreamEvent("status", "The language model failed; answering with quotes instead.")
            t = time.perf_counter()
            answer = self._extractive(run, "fallback-extractive")
            run.timings["verify"] = _ms(t)
            yield self._final(run, t0, answer)
            return
        run.timings["generate"] = _ms(t)

        # cite + verify
        t = time.perf_counter()
        answer = self._verified(run, draft, sources)
        run.timings["verify"] = _ms(t)
        yield self._final(run, t0, answer)

    # ------------------------------------------------------------------ steps

    def _search(self, text: str) -> _Part:
        """Retrieve passages for ``text``, rank their sentences as evidence and ask the gate."""
        idf = self._get_idf()
        terms = lx.question_terms(text)
        # sentences are ranked over a wider pool than retrieval.k: a passage holding the answer in one long
        # sentence among many can rank low as a whole (the sentence ranking below decides)
        k = max(self.settings.retrieval.k, CANDIDATE_PASSAGES)
        retrieved = list(self.retriever.retrieve(lx.with_spellings(text), k=k))
        ranked = rank_sentences(text, terms, candidate_sentences(retrieved, self._index), self._index, idf)
        return _Part(text=text, terms=terms, retrieved=retrieved, ranked=ranked,
                     decision=gate(terms, ranked, self._index, idf))

    def _condense(self, question: str, history: list[dict]) -> str:
        if self.llm is not None:
            try:
                if getattr(self.llm, "loaded", True):
                    text = complete(self.llm, condense_messages(question, history, self.settings.paths.prompts_dir),
                                    self.settings)
                    rewritten = usable_rewrite(text, question)
                    if rewritten:
                        return rewritten
                else:
                    # the local model is not loaded yet: do not block a follow-up on it
                    return heuristic_condense(question, history)
            except BackendError:
                pass
        return heuristic_condense(question, history)

    def _verified(self, run: _Run, draft: str, sources: list[Source]) -> Answer:
        mode = self.mode
        if is_no_answer(draft):
            if TRUST_MODEL_REFUSAL or not self.settings.answer.fallback_to_extractive:
                return self._refusal(run, "model: no answer")
            return self._extractive(run, f"{mode}+extractive", note="model declined")
        drafts = parse_draft(draft)
        verified = verify_sentences([(d.text, d.markers) for d in drafts], sources, self._index,
                                    self.support_threshold)
        kept = [v for v in verified if v.supported]
        unsupported = [v.text for v in verified if not v.supported]
        if not addresses_question(run.terms, kept, self._get_idf(), MIN_ANSWER_COVERAGE):
            if self.settings.answer.fallback_to_extractive:
                return self._extractive(run, f"{mode}+extractive", unsupported=unsupported)
            return self._refusal(run, "verification: no supported sentence answers the question",
                                 unsupported=unsupported)
        pieces: list[tuple[str, list[tuple[Source, Sentence]]]] = [
            (v.text, list(zip(v.sources, v.quotes))) for v in kept]
        return self._compose(run, pieces, unsupported, mode)

    def _evidence(self, run: _Run) -> list[Sentence] | None:
        """The quotes that answer each part (one per part when the question asks several things), in order;
        None when some part has none."""
        chosen: list[Sentence] = []
        for part in run.parts:
            found = best_sentences(part.terms, part.ranked, self._index, self._get_idf(),
                                   max_sentences=2 if len(run.parts) == 1 else 1)
            if not found:
                return None
            chosen += [s for s in found if all((s.doc_id, s.start) != (c.doc_id, c.start) for c in chosen)]
        return chosen

    def _extractive(self, run: _Run, mode: str, unsupported: list[str] | None = None, note: str = "") -> Answer:
        chosen = run.evidence if run.evidence is not None else self._evidence(run)
        if not chosen:
            return self._refusal(run, "extractive: no sentence answers the question", unsupported=unsupported)
        if self._other_subject(run, chosen):
            return self._refusal(run, "extractive: the quotes do not speak of whom the claim is about",
                                 unsupported=unsupported)
        if self._only_intended(run, chosen):
            return self._refusal(run, "extractive: the quotes say only that it was meant or proposed",
                                 unsupported=unsupported)
        pieces = [(s.text, [(Source(number=i, chunk=s.chunk, sentences=[s], score=s.score), s)])
                  for i, s in enumerate(chosen, start=1)]
        if self._confirms(run, chosen):
            pieces.insert(0, ("Yes.", []))     # "Is it true that ...?": the quotes say so, in the same words
        return self._compose(run, pieces, unsupported or [], mode)

    def _other_subject(self, run: _Run, chosen: list[Sentence]) -> bool:
        """Does a yes/no claim about someone ("is it true that Justin Trudeau agreed to ...?") get only quotes of
        someone else, which never name them in their own sentence or the one before ("... a temporary worker visa
        program?” Lopez Obrador said")? Then the articles do not say what that person did."""
        claim = _single_claim(run)
        subject = lx.claim_subject(claim) if claim is not None else frozenset()
        if not subject:
            return False
        for s in chosen:
            said = s.stems | lx.evidence_stems(previous_text(s, self._index))
            if any(lx.covered(n, said) for n in subject):
                return False
            if not any(lx.names_person(who) for who in lx.quoted_speakers(s.text)):
                return False    # "He added that ...": the quote may be theirs
        return True

    def _only_intended(self, run: _Run, chosen: list[Sentence]) -> bool:
        """Does a yes/no question ask whether something happened ("did the US actually pay Mexico the $20
        million?") that every quote says only was wanted, planned or proposed ("it reportedly wanted to pay"),
        without denying it? Then the articles do not say whether it happened."""
        claim = _single_claim(run)
        if claim is None or lx.claims_intent(claim):
            return False    # "is it true that CBP expects April's figures to show a spike?" asks what is expected
        return all(lx.hedged_first(s.text, claim) and lx.same_polarity(claim, s.text) for s in chosen)

    def _confirms(self, run: _Run, chosen: list[Sentence]) -> bool:
        """Does a yes/no question's claim stand in the quotes: its words there (not only in their paragraph)
        and the same polarity (both deny, or neither)? Otherwise the quotes are left to speak for themselves."""
        claim = _single_claim(run)
        if claim is None:
            return False
        stems = frozenset().union(*(s.stems for s in chosen))
        plain = [t for t in run.terms.said().content if t not in run.terms.names and t not in lx.LIGHT_WORDS]
        if sum(not lx.term_covered(t, stems) for t in plain) > MAX_YES_UNSAID:
            return False    # "did Rodriguez say Mexico would *raise* its *limit* of 35": "a maximum of 35" does not say
        return (lexical_coverage(run.terms, stems, self._get_idf()) >= MIN_YES_COVERAGE
                and lexical_coverage(run.terms, stems, self._get_idf(), names=False) >= MIN_YES_COVERAGE
                and all(lx.same_polarity(claim, s.text) for s in chosen)    # "... did not result in hard promises"
                and (lx.hedged(claim) or not any(lx.hedged(s.text) for s in chosen)))   # "paid": "wanted to pay"

    def _compose(self, run: _Run, pieces: list[tuple[str, list[tuple[Source, Sentence]]]],
                 unsupported: list[str], mode: str) -> Answer:
        """Number the quotes in order of first use, add a conflicting figure if any, build the Answer."""
        citations: list[Citation] = []
        key_to_marker: dict[tuple[str, int], int] = {}

        def marker_for(src: Source, quote: Sentence) -> int:
            key = (quote.doc_id, quote.start)
            if key not in key_to_marker:
                key_to_marker[key] = len(key_to_marker) + 1
                citations.append(make_citation(key_to_marker[key], src, quote))
            return key_to_marker[key]

        sentences = []
        quotes: list[Sentence] = []
        marked: list[tuple[int, Sentence]] = []
        for text, support in pieces:
            markers = [marker_for(src, q) for src, q in support]
            quotes += [q for _, q in support]
            marked += list(zip(markers, [q for _, q in support]))
            sentences.append(render_sentence(text, markers))
        # conflicting figures: between the answer's own quotes, or with an equally relevant other article
        # (not when the question asks several things: its parts' figures differ by design)
        note = None if len(run.parts) > 1 else disagreement(run.terms, marked)
        if note is not None:
            sentences.append(note)
        elif len(run.parts) <= 1:
            conflict = find_conflict(run.terms, quotes, run.ranked, self._get_idf())
            if conflict is not None:
                other = conflict.other
                m = marker_for(Source(number=0, chunk=other.chunk, sentences=[other], score=other.score), other)
                sentences.append(render_sentence(
                    f"Another article gives a different figure: \u201c{other.text.rstrip('.')}\u201d", [m]))
        return Answer(question=run.question, standalone_question=run.standalone, answer=" ".join(sentences),
                      abstained=False, citations=citations, unsupported_sentences=list(unsupported),
                      references=format_references(citations), retrieved=run.retrieved, mode=mode)

    def _refusal(self, run: _Run, reason: str, unsupported: list[str] | None = None) -> Answer:
        return Answer(question=run.question, standalone_question=run.standalone, answer=REFUSAL, abstained=True,
                      citations=[], unsupported_sentences=list(unsupported or []),
                      references={"apa": [], "mla": []}, retrieved=run.retrieved,
                      mode=f"{self.mode}:refused ({reason})")

    def _final(self, run: _Run, t0: float, answer: Answer) -> StreamEvent:
        timings = {"retrieve": run.timings.get("retrieve", 0.0), "generate": run.timings.get("generate", 0.0),
                   "verify": run.timings.get("verify", 0.0), "total": _ms(t0)}
        from dataclasses import replace

        return StreamEvent("answer", answer=replace(answer, timings_ms=timings))


def _merge_parts(run: _Run) -> None:
    """The run's passages and ranked sentences: those of its one part, or of all parts interleaved (each
    part's best first), so the sources shown to a model hold evidence for every part."""
    if len(run.parts) == 1:
        run.retrieved, run.ranked = run.parts[0].retrieved, run.parts[0].ranked
        return
    seen_chunks: set[str] = set()
    seen_sentences: set[tuple[str, int]] = set()
    for i in range(max(max(len(p.ranked), len(p.retrieved)) for p in run.parts)):
        for part in run.parts:
            if i < len(part.retrieved) and part.retrieved[i].chunk.chunk_id not in seen_chunks:
                seen_chunks.add(part.retrieved[i].chunk.chunk_id)
                run.retrieved.append(part.retrieved[i])
            if i < len(part.ranked) and (part.ranked[i].doc_id, part.ranked[i].start) not in seen_sentences:
                seen_sentences.add((part.ranked[i].doc_id, part.ranked[i].start))
                run.ranked.append(part.ranked[i])


def _single_claim(run: _Run) -> str | None:
    """The claim of a yes/no question asking one thing, not a choice ("is it only in El Paso or other places
    too?" is answered by the quotes, not by "Yes" or a refusal)."""
    claim = lx.yes_no_claim(run.standalone)
    return None if claim is None or len(run.parts) > 1 or lx.offers_choice(claim) else claim


def _ms(t: float) -> float:
    return round((time.perf_counter() - t) * 1000.0, 1)




