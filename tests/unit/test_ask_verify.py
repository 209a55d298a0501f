"""The generic guards of rag/ask/verify.py on a hand-built source, and the quote each kept sentence cites."""

from __future__ import annotations

from rag.ask import text as tx
from rag.ask.evidence import Sentence, Source
from rag.ask.verify import check_sentence
from rag.types import Chunk

ARTICLE = ["WASHINGTON, Feb 26 - The chairman of the Senate farm credit panel said it will consider a rescue package.",
           "Senate leader Robert Byrd wants recommendations by April 11, the chairman said.",
           "However, FCA chairman Frank Naylor said he could not certify that a rescue is needed this year.",
           "The system had 1.5 billion dlrs in working capital left after losses of 4.6 billion dlrs."]
QUESTION = "Who was chairman of the Farm Credit Administration (FCA) when the Senate panel discussed a rescue?"


def _source() -> Source:
    chunk = Chunk(chunk_id="c", doc_id="d", text=" ".join(ARTICLE), start=0, end=0, title="FARM CREDIT RESCUE")
    sents, pos = [], 0
    for i, text in enumerate(ARTICLE):
        sents.append(Sentence(doc_id="d", chunk=chunk, start=pos, end=pos + len(text), text=text, para=i, index=i,
                              score=1.0 - i / 10, stems=frozenset(tx.content_stems(text))))
        pos += len(text) + 1
    return Source(number=1, chunk=chunk, sentences=sents, score=1.0)


def test_the_quote_is_the_sentence_that_holds_what_the_answer_adds_not_its_restated_question():
    """A draft restating the question matches the first sentence best word for word; the quote a reader checks
    must be the one with the answer (Frank Naylor), else the citation does not show the fact."""
    c = check_sentence("The chairman of the Farm Credit Administration was Frank Naylor when the Senate farm "
                       "credit panel discussed a rescue.", [1], [_source()], QUESTION)
    assert c.supported and c.quotes[0].index == 2 and "Naylor" in c.quotes[0].text


def test_a_number_the_answer_adds_picks_its_sentence():
    c = check_sentence("The farm credit system had 1.5 billion dlrs in working capital left.", [1], [_source()],
                       "How much working capital did the farm credit system have left?")
    assert c.supported and c.quotes[0].index == 3


def test_a_name_no_source_holds_removes_the_sentence_whatever_its_words():
    c = check_sentence("The chairman of the Farm Credit Administration was John Smith.", [1], [_source()], QUESTION)
    assert not c.supported and "smith" in c.reason
