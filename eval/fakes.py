"""A scripted Answerer stand-in for tests of the harness (no index, no model).

Each script entry maps a question text to what the "system" does: answer text with cited and retrieved
documents, an abstention, or an exception to raise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rag.types import Answer, Chunk, Citation, Scored

REFUSAL = "The articles do not say."


@dataclass
class Scripted:
    answer: str = ""
    abstained: bool = False
    cited: Sequence[str] = ()                 # doc ids cited, one citation each ([1], [2], ...)
    retrieved: Sequence[str] = ()             # doc ids of the retrieved chunks, rank order (repeats allowed)
    chunk_texts: Sequence[str] = ()           # optional texts of the retrieved chunks
    unsupported: Sequence[str] = ()
    unsupported_citations: Sequence[int] = () # markers whose citation is flagged supported=False
    raises: BaseException | None = None
    total_ms: float | None = 100.0
    copies: Mapping[str, Sequence[str]] = field(default_factory=dict)   # doc id -> ids grouped as its copies


@dataclass
class ScriptedAnswerer:
    script: Mapping[str, Scripted]
    asked: list[str] = field(default_factory=list)
    warmed: bool = False

    def warmup(self) -> None:
        self.warmed = True

    @property
    def ready(self) -> bool:
        return self.warmed

    def ask(self, question: str, history: list[dict] | None = None) -> Answer:
        self.asked.append(question)
        s = self.script.get(question)
        if s is None:
            s = Scripted(answer=REFUSAL, abstained=True)
        if s.raises is not None:
            raise s.raises
        citations = [] if s.abstained else [
            Citation(marker=i, doc_id=d, title=None, outlet=None, published=None, url=None, chunk_id=f"{d}#c{i}",
                     start=0, end=1, quote="x", supported=i not in s.unsupported_citations,
                     copies=tuple({"doc_id": c} for c in s.copies.get(d, ())))
            for i, d in enumerate(s.cited, start=1)]
        texts = list(s.chunk_texts) or [f"passage {i} of {d}" for i, d in enumerate(s.retrieved)]
        retrieved = [Scored(chunk=Chunk(chunk_id=f"{d}#{i}", doc_id=d, text=t, start=0, end=len(t),
                                        copies=tuple({"doc_id": c} for c in s.copies.get(d, ()))),
                            score=1.0 - i / 100, rank=i + 1)
                     for i, (d, t) in enumerate(zip(s.retrieved, texts))]
        timings = {} if s.total_ms is None else {"retrieve": 1.0, "total": s.total_ms}
        return Answer(question=question, standalone_question=question, answer=s.answer, abstained=s.abstained,
                      citations=citations, unsupported_sentences=list(s.unsupported), timings_ms=timings,
                      retrieved=retrieved, mode="scripted")
