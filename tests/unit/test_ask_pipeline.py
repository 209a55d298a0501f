"""The ask flow with a scripted FakeChatModel and the hashing embedder over the seed corpus (no models)."""

from __future__ import annotations

import pytest

from rag.ask.pipeline import REFUSAL, Answerer
from rag.ask.retrieve import Retriever
from rag.backends.fakes import FakeChatModel
from rag.config import REPO_ROOT
from rag.errors import BackendError, QuestionError
from rag.ingest.pipeline import ingest

CORPUS = REPO_ROOT / "corpus"
TROOPS_Q = "How many troops did Mexico deploy to its border with Guatemala in 2019?"


@pytest.fixture
def retriever(fake_settings):
    ingest([CORPUS], fake_settings, progress=False)
    return Retriever.from_settings(fake_settings)


def _answerer(settings, retriever, replies=None, **kw):
    llm = FakeChatModel(replies or [], **kw)
    return Answerer(settings=settings, retriever=retriever, llm=llm), llm


def _marker_of(llm, needle: str) -> int:
    """The source number the prompt gave to the passage containing ``needle``."""
    user = llm.prompts[-1][1].content
    for line in user.splitlines():
        if needle in line and line.startswith("["):
            return int(line[1:line.index("]")])
    raise AssertionError(f"{needle!r} not in the prompt")


def test_supported_sentence_kept_and_bound_to_quote(fake_settings, retriever):
    probe, llm = _answerer(fake_settings, retriever, ["NO_ANSWER"])
    probe.ask(TROOPS_Q)
    n = _marker_of(llm, "6,000 troops")
    answerer, _ = _answerer(fake_settings, retriever, [f"Mexico deployed 6,000 troops to its border with Guatemala [{n}]."])
    a = answerer.ask(TROOPS_Q)
    assert not a.abstained and "6,000 troops" in a.answer and "[1]" in a.answer
    assert a.mode == "fake"
    c = a.citations[0]
    article = retriever.article(c.doc_id)
    assert c.doc_id == "004_edbd6cb541be27cd" and article.text[c.start:c.end] == c.quote and "6,000" in c.quote
    assert c.outlet == "NBC News" and c.published == "2024-05"
    assert a.references["apa"] and a.references["mla"]
    assert set(a.timings_ms) == {"retrieve", "generate", "verify", "total"}
    assert a.retrieved and a.standalone_question == TROOPS_Q


def test_unsupported_sentence_removed_and_bad_marker_dropped(fake_settings, retriever):
    probe, llm = _answerer(fake_settings, retriever, ["NO_ANSWER"])
    probe.ask(TROOPS_Q)
    n = _marker_of(llm, "6,000 troops")
    reply = (f"Mexico deployed 6,000 troops to its border with Guatemala [{n}][9]. "
             f"Mexico also sent 45,000 tanks commanded by General Zapata Smith [{n}].")
    answerer, _ = _answerer(fake_settings, retriever, [reply])
    a = answerer.ask(TROOPS_Q)
    assert "6,000 troops" in a.answer and "45,000" not in a.answer
    assert any("45,000 tanks" in s for s in a.unsupported_sentences)
    assert "[9]" not in a.answer and all(c.marker == 1 for c in a.citations)


def test_uncited_supported_sentence_gets_a_citation(fake_settings, retriever):
    answerer, _ = _answerer(fake_settings, retriever, ["Mexico deployed 6,000 troops to its border with Guatemala."])
    a = answerer.ask(TROOPS_Q)
    assert not a.abstained and a.answer.endswith("[1].") and a.citations[0].doc_id == "004_edbd6cb541be27cd"


def test_gate_refuses_without_calling_the_model(fake_settings, retriever):
    answerer, llm = _answerer(fake_settings, retriever, ["Mexico stopped 500,000 migrants in 2025 [1]."])
    for q in ["How many migrants did Mexico interdict in 2025?",
              "What injuries were caused by the petrol station explosion in Rome?",
              "Why was Venus Williams furious with her doctors?"]:
        a = answerer.ask(q)
        assert a.abstained and a.answer == REFUSAL and a.citations == [] and a.references == {"apa": [], "mla": []}
    assert llm.calls == 0


def test_refusal_when_nothing_verifies_and_no_fallback(fake_settings, retriever):
    settings = fake_settings.model_copy(update={"answer": fake_settings.answer.model_copy(
        update={"fallback_to_extractive": False})})
    answerer, _ = _answerer(settings, retriever, ["Mexico deployed 99,999 soldiers led by Pancho Villa [1]."])
    a = answerer.ask(TROOPS_Q)
    assert a.abstained and a.answer == REFUSAL and not a.citations
    assert a.unsupported_sentences


def test_extractive_fallback_when_model_answer_does_not_verify(fake_settings, retriever):
    answerer, _ = _answerer(fake_settings, retriever, ["Mexico deployed 99,999 soldiers led by Pancho Villa [1]."])
    a = answerer.ask(TROOPS_Q)
    assert not a.abstained and "6,000 troops" in a.answer and a.mode == "fake+extractive"
    assert a.citations[0].quote in a.answer.replace(" [1]", "")


def test_backend_failure_falls_back_or_raises(fake_settings, retriever):
    answerer, _ = _answerer(fake_settings, retriever, raises=ConnectionError("refused"))
    a = answerer.ask(TROOPS_Q)
    assert a.mode == "fallback-extractive" and "6,000 troops" in a.answer
    settings = fake_settings.model_copy(update={"answer": fake_settings.answer.model_copy(
        update={"fallback_to_extractive": False})})
    answerer, _ = _answerer(settings, retriever, raises=ConnectionError("refused"))
    with pytest.raises(BackendError, match="NEWSRAG_LLM__PROVIDER"):
        answerer.ask(TROOPS_Q)


def test_invalid_question_never_calls_the_model(fake_settings, retriever):
    answerer, llm = _answerer(fake_settings, retriever, ["x"])
    for bad in ["", "  ", "a\x00b", "q" * 5000]:
        with pytest.raises(QuestionError):
            answerer.ask(bad)
    assert llm.calls == 0


def test_stream_yields_status_tokens_then_answer(fake_settings, retriever):
    answerer, _ = _answerer(fake_settings, retriever, ["Mexico deployed 6,000 troops to its border with Guatemala."])
    events = list(answerer.stream(TROOPS_Q))
    kinds = [e.kind for e in events]
    assert kinds[0] == "status" and "token" in kinds and kinds[-1] == "answer" and kinds.count("answer") == 1
    assert "".join(e.text for e in events if e.kind == "token") == "Mexico deployed 6,000 troops to its border with Guatemala."
    assert events[-1].answer.answer.startswith("Mexico deployed 6,000 troops")


def test_extractive_mode_quotes_verbatim(fake_settings, retriever):
    answerer = Answerer(settings=fake_settings, retriever=retriever, llm=None)
    a = answerer.ask("Who heads Casa del Migrante?")
    assert a.mode == "extractive" and "Javier Calvillo" in a.answer
    for c in a.citations:
        assert retriever.article(c.doc_id).text[c.start:c.end] == c.quote
    assert answerer.ask("How many tourists were evacuated from the Crete wildfires?").abstained


def test_follow_up_rewritten_with_model(fake_settings, retriever):
    answerer, llm = _answerer(fake_settings, retriever, [
        "How many migrants did the U.S. apprehend in March?",
        "In March, 189,000 migrants were stopped in the U.S. [1]."])
    history = [{"role": "user", "content": "How many migrants did Mexico interdict in March?"},
               {"role": "assistant", "content": "Over 280,000 [1]."}]
    a = answerer.ask("and how many did the U.S. stop?", history=history)
    assert a.standalone_question == "How many migrants did the U.S. apprehend in March?"
    assert "189,000" in a.answer
    assert "Conversation" in llm.prompts[0][1].content


def test_conflicting_figures_are_reported_with_both_citations(fake_settings, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Border officials counted 250,000 migrants crossing at the southern border in "
                                  "December, a record for any month.\n", encoding="utf-8")
    (corpus / "b.txt").write_text("Officials at the southern border counted 302,000 migrants crossing in December, "
                                  "the highest monthly number on record.\n", encoding="utf-8")
    (corpus / "c.txt").write_text("The weather in the capital was mild and sunny for most of the week, forecasters "
                                  "said on Tuesday.\n", encoding="utf-8")
    ingest([corpus], fake_settings, progress=False)
    answerer = Answerer(settings=fake_settings, retriever=Retriever.from_settings(fake_settings), llm=None)
    a = answerer.ask("How many migrants crossed the southern border in December?")
    assert not a.abstained
    assert "250,000" in a.answer and "302,000" in a.answer and "different figures" in a.answer
    assert {c.doc_id for c in a.citations} == {"a", "b"}


def test_a_question_asking_two_things_is_answered_part_by_part(fake_settings, retriever):
    answerer = Answerer(settings=fake_settings, retriever=retriever, llm=None)
    q = ("How many troops did Mexico deploy to its border with Guatemala in 2019, "
         "and how many adult males did CBP hand over on the Stanton Street Bridge?")
    a = answerer.ask(q)
    assert not a.abstained, a.mode
    assert "6,000" in a.answer and "20 adult males" in a.answer
    assert {c.doc_id for c in a.citations} == {"004_edbd6cb541be27cd", "000_7df45c5984f952ab"}
    # figures of different parts are not reported as a disagreement between the articles
    assert "different figure" not in a.answer


def test_a_two_part_question_is_refused_when_one_part_has_no_answer(fake_settings, retriever):
    answerer = Answerer(settings=fake_settings, retriever=retriever, llm=None)
    a = answerer.ask("How many troops did Mexico deploy to its border with Guatemala in 2019, "
                     "and how many troops did it deploy there in 2025?")
    assert a.abstained and a.answer == REFUSAL and not a.citations
    assert "2025" in a.mode


def test_a_yes_no_question_whose_claim_the_quote_holds_is_answered_yes(fake_settings, retriever):
    answerer = Answerer(settings=fake_settings, retriever=retriever, llm=None)
    a = answerer.ask("Did CBP say Remain in Mexico would be expanded to other locations along the Southwest border?")
    assert a.answer.startswith("Yes. ") and "expanded to other locations" in a.answer and a.citations
    # not a yes/no question: no verdict added
    b = answerer.ask("Where will Remain in Mexico be expanded, according to CBP?")
    assert not b.answer.startswith("Yes")
    # the quote holds the figure, not the claim: no "Yes." ("a maximum of 35 migrants per day" raises nothing)
    c = answerer.ask("Did Santiago Rodriguez say Mexico would raise its limit of 35 returned migrants a day?")
    assert not c.answer.startswith("Yes")
    # a choice is answered by the quote, not by "Yes"
    d = answerer.ask("Will Remain in Mexico be expanded to other locations or stay in El Paso?")
    assert not d.answer.startswith("Yes") and not d.abstained


def test_did_it_happen_is_not_answered_by_what_was_only_wanted(fake_settings, retriever):
    answerer = Answerer(settings=fake_settings, retriever=retriever, llm=None)
    # "it reportedly wanted to pay Mexico $20 million": the articles do not say it was paid
    a = answerer.ask("Is it true that the US actually paid Mexico the $20 million in 2018 to deport migrants?")
    assert a.abstained and a.answer == REFUSAL and "meant or proposed" in a.mode
    # asked as what was wanted, the same quote answers
    b = answerer.ask("Is it true that the Trump administration reportedly wanted to pay Mexico $20 million in 2018?")
    assert not b.abstained and "$20 million" in b.answer


def test_yes_no_claims_and_polarity():
    from rag.ask import lexical as lx
    assert lx.yes_no_claim("Is it true that Mexico does not release its numbers?") == "Mexico does not release its numbers?"
    assert lx.yes_no_claim("Why did Mexico stop releasing numbers?") is None
    assert lx.same_polarity("Mexico does not release its numbers", "Mexico doesn't publicly share its numbers")
    assert not lx.same_polarity("Mexico releases its numbers", "Mexico doesn't publicly share its numbers")
    assert not lx.asks_outcome("Did CBP say the program would be expanded?")
    assert lx.asks_outcome("Did the talks end in a deal?")
