"""A small stand-in for rag.ask.pipeline.Answerer, following the contract in the common brief, for the
web-chat tests that need control the real pipeline does not give (a model that loads slowly, an
answer that blocks, hostile text). Tests of the real pipeline through the UI live in
tests/integration/test_api_serve.py and tests/browser/."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from rag.errors import QuestionError
from rag.types import Answer, Article, Citation, StreamEvent

TEXT_A = ("EL PASO, Texas (Border Report) – The U.S. today returned the largest group of asylum seekers to Mexico.\n\n"
          "U.S. Customs and Border Protection late Friday morning handed over 20 adult males to Mexican immigration "
          "officials in the middle of the Stanton Street Bridge. Rights groups reported the handover.\n")
TEXT_B = "Mexico is stopping nearly three times as many migrants now.\nOfficials credit the cooperation.\n"
ARTICLES = [
    Article(doc_id="000_a", text=TEXT_A, title="U.S. returns largest group under MPP", title_derived=True,
            outlet="Border Report", published="2021-12-10", url=None),
    Article(doc_id="004_b", text=TEXT_B, title="Mexico is stopping nearly three times as many migrants now",
            outlet="Associated Press", published="2024-01", url="https://example.org/mexico"),
]
QUOTE = "U.S. Customs and Border Protection late Friday morning handed over 20 adult males"


class StandInRetriever:
    def __init__(self, articles=ARTICLES):
        self._articles = list(articles)

    def articles(self) -> list[Article]:
        return list(self._articles)

    def article(self, doc_id: str) -> Article | None:
        return next((a for a in self._articles if a.doc_id == doc_id), None)


def grounded_answer(question: str, standalone: str | None = None, text: str | None = None) -> Answer:
    start = TEXT_A.index(QUOTE)
    c = Citation(marker=1, doc_id="000_a", title=ARTICLES[0].title, outlet="Border Report", published="2021-12-10",
                 url=None, chunk_id="c-000", start=start, end=start + len(QUOTE), quote=QUOTE, title_derived=True)
    return Answer(question=question, standalone_question=standalone or question,
                  answer=text or "CBP handed over 20 adult males on Friday [1].", abstained=False, citations=[c],
                  unsupported_sentences=["They were all from Venezuela."],
                  references={"apa": ["Border Report. (2021, December 10). U.S. returns largest group under MPP."],
                              "mla": ["“U.S. returns largest group under MPP.” Border Report, 10 Dec. 2021."]},
                  timings_ms={"total": 1.0}, mode="stand-in")


def refusal(question: str) -> Answer:
    return Answer(question=question, standalone_question=question, abstained=True, citations=[],
                  answer="The articles do not answer this question.", mode="stand-in")


class StandInAnswerer:
    """Answers every question with one grounded answer (or a refusal when the question says 'unknown').

    ``load_gate``: warmup blocks until it is set (a slow model). ``answer_gate``: each answer blocks until
    it is set (a busy backend). ``reply``: the text of the answer (e.g. hostile markup)."""

    def __init__(self, settings, *, load_gate: threading.Event | None = None,
                 answer_gate: threading.Event | None = None, reply: str | None = None, token_delay: float = 0.0):
        self.settings = settings
        self.retriever = StandInRetriever()
        self.load_gate = load_gate
        self.answer_gate = answer_gate
        self.reply = reply
        self.token_delay = token_delay
        self._ready = load_gate is None
        self.calls: list[tuple[str, list[dict]]] = []

    @property
    def ready(self) -> bool:
        return self._ready

    def warmup(self) -> None:
        if self.load_gate is not None:
            self.load_gate.wait(30)
        self._ready = True

    def _answer(self, question: str, history: list[dict] | None) -> Answer:
        if not question.strip():
            raise QuestionError("The question is empty.")
        self.calls.append((question, list(history or [])))
        if self.answer_gate is not None:
            self.answer_gate.wait(30)
        if "unknown" in question.lower():
            return refusal(question)
        standalone = f"{question} (about the MPP returns)" if history else question
        return grounded_answer(question, standalone, self.reply)

    def ask(self, question: str, history: list[dict] | None = None) -> Answer:
        return self._answer(question, history)

    def stream(self, question: str, history: list[dict] | None = None) -> Iterator[StreamEvent]:
        yield StreamEvent("status", "Searching the articles…")
        answer = self._answer(question, history)
        for piece in answer.answer.split(" "):
            time.sleep(self.token_delay)
            yield StreamEvent("token", piece + " ")
        yield StreamEvent("answer", answer=answer)
