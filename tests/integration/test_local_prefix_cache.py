"""The bundled model on the real llama.cpp engine: the judgement and the answer share the sources' prefix in the
prompt cache, the cache changes nothing in what the model writes (greedy decoding), and p(yes) separates a
passage that answers from one that does not."""

from __future__ import annotations

import pytest

from rag.ask.evidence import Sentence, Source
from rag.ask.prompt import answer_messages, judge_messages
from rag.backends.llms import LocalChatModel, _to_chat
from rag.config import REPO_ROOT
from rag.types import Chunk

pytestmark = pytest.mark.slow
PROMPTS = REPO_ROOT / "prompts"


def _source(text: str, title: str) -> list[Source]:
    chunk = Chunk(chunk_id="c", doc_id="d", text=text, start=0, end=len(text), outlet="Reuters",
                  published="1987-03-02T10:00:00", title=title)
    return [Source(1, chunk, [Sentence("d", chunk, 0, len(text), text, 0, 0)], 1.0)]


@pytest.fixture(scope="module")
def model():
    llm = LocalChatModel(max_new_tokens=32)
    llm.load()
    return llm


def test_judgement_separates_an_answer_from_its_absence(model):
    sources = _source("Texaco Inc said it agreed to sell its Canadian unit to Imperial Oil for 4.96 billion Canadian "
                      "dlrs, subject to approval by regulators.", "TEXACO TO SELL CANADIAN UNIT")
    yes = model.yes_probability(judge_messages("How much is Imperial Oil paying for Texaco's Canadian unit?",
                                               sources, PROMPTS))
    no = model.yes_probability(judge_messages("Who is the chief executive of Imperial Oil?", sources, PROMPTS))
    assert yes is not None and no is not None
    assert yes > 0.6 > no, (yes, no)


def test_the_answer_reuses_the_judgement_prefix_and_the_cache_changes_nothing(model):
    sources = _source("The meeting lasted more than two hours, officials said late Wednesday.", "TALKS END")
    q = "How long did the meeting last?"
    engine = model.engine()
    engine.chat(_to_chat(judge_messages(q, sources, PROMPTS)), max_tokens=1)
    first = engine.chat(_to_chat(answer_messages(q, sources, PROMPTS)), max_tokens=24)
    assert first.cached_tokens > 40, first        # the system text and the sources were not read again
    again = engine.chat(_to_chat(answer_messages(q, sources, PROMPTS)), max_tokens=24)
    assert again.text == first.text and "two hours" in first.text
    streamed = "".join(engine.stream_chat(_to_chat(answer_messages(q, sources, PROMPTS)), max_tokens=24))
    assert streamed == first.text
