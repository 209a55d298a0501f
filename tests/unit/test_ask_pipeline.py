"""The ask flow with a scripted FakeChatModel and the hashing embedder over the seed corpus (no models).

The fake model answers the judgement prompt with its first scripted reply ("yes"/"no", read as p(yes) = 1 or 0:
it has no log-probabilities) and the answer prompt with the next one."""

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


def _single(settings):
    """The settings with the two-part step and the second look off: the tests below script the one-passage flow
    reply by reply, and either step (their own tests at the end) would read the next scripted reply as its own."""
    return settings.model_copy(update={"answer": settings.answer.model_copy(
        update={"split_threshold": 1.0, "second_look_threshold": 1.0})})


def _answerer(settings, retriever, replies=None, split=False, **kw):
    llm = FakeChatModel(replies or [], **kw)
    return Answerer(settings=settings if split else _single(settings), retriever=retriever, llm=llm), llm


def _marker_of(llm, needle: str) -> int:
    """The source number the prompt gave to the passage containing ``needle``."""
    user = llm.prompts[-1][1].content
    for line in user.splitlines():
        if needle in line and line.startswith("["):
            return int(line[1:line.index("]")])
    raise AssertionError(f"{needle!r} not in the prompt")


def _probe_marker(settings, retriever, question: str, needle: str) -> int:
    """The source number the answer prompt gives to the passage containing ``needle``."""
    probe, llm = _answerer(settings, retriever, ["yes", "NO_ANSWER"])
    probe.ask(question)
    return _marker_of(llm, needle)


def test_supported_sentence_kept_and_bound_to_quote(fake_settings, retriever):
    n = _probe_marker(fake_settings, retriever, TROOPS_Q, "6,000 troops")
    answerer, llm = _answerer(fake_settings, retriever,
                              ["yes", f"Mexico deployed 6,000 troops to its border with Guatemala [{n}]."])
    a = answerer.ask(TROOPS_Q)
    assert not a.abstained and "6,000 troops" in a.answer and "[1]" in a.answer
    assert a.mode == "fake" and a.confidence == 1.0 and a.check == 1.0 and llm.calls == 3   # judge, draft, check
    assert "Proposed answer: Mexico deployed 6,000 troops" in llm.prompts[2][1].content
    c = a.citations[0]
    article = retriever.article(c.doc_id)
    assert c.doc_id == "004_edbd6cb541be27cd" and article.text[c.start:c.end] == c.quote and "6,000" in c.quote
    assert c.outlet == "NBC News" and c.published == "2024-05"
    assert a.references["apa"] and a.references["mla"]
    assert set(a.timings_ms) == {"retrieve", "judge", "generate", "verify", "total"}
    assert a.retrieved and a.standalone_question == TROOPS_Q


def test_judge_reads_the_best_passage_and_the_answer_prompt_starts_with_it(fake_settings, retriever):
    """llama.cpp reads the best passage once: with one source (the default) the answer prompt repeats the judgement
    prompt up to the end of the question, so only the answer instruction is new to the model."""
    assert fake_settings.answer.max_sources == 1
    _, llm = _answerer(fake_settings, retriever, ["yes", "NO_ANSWER"])
    Answerer(settings=_single(fake_settings), retriever=retriever, llm=llm).ask(TROOPS_Q)
    (judge_sys, judge_user), (answer_sys, answer_user) = llm.prompts
    assert judge_sys.content == answer_sys.content
    upto_question = judge_user.content[:judge_user.content.index(TROOPS_Q) + len(TROOPS_Q)]
    assert "[1] " in upto_question and "[2] " not in answer_user.content and "6,000 troops" in upto_question
    assert answer_user.content.startswith(upto_question) and "yes or no" in judge_user.content
    assert "yes or no" not in answer_user.content


def test_with_two_sources_the_answer_prompt_adds_the_second_after_the_judged_one(fake_settings, retriever):
    """answer.max_sources = 2: the judgement still reads the best passage alone; the answer prompt begins with the
    judgement prompt's text up to the end of that passage and adds the next source after it."""
    settings = fake_settings.model_copy(deep=True)
    settings.answer.max_sources = 2
    _, llm = _answerer(settings, retriever, ["yes", "NO_ANSWER"])
    Answerer(settings=_single(settings), retriever=retriever, llm=llm).ask(TROOPS_Q)
    (judge_sys, judge_user), (answer_sys, answer_user) = llm.prompts
    assert judge_sys.content == answer_sys.content
    first = judge_user.content[:judge_user.content.index("\n</sources>")]
    assert "[1] " in first and "[2] " not in first and "6,000 troops" in first
    assert answer_user.content.startswith(first) and "\n[2] " in answer_user.content
    assert f"Question: {TROOPS_Q}" in answer_user.content


def test_unsupported_sentence_removed_and_bad_marker_dropped(fake_settings, retriever):
    n = _probe_marker(fake_settings, retriever, TROOPS_Q, "6,000 troops")
    reply = (f"Mexico deployed 6,000 troops to its border with Guatemala [{n}][9]. "
             f"Mexico also sent 45,000 tanks commanded by General Zapata Smith [{n}].")
    answerer, _ = _answerer(fake_settings, retriever, ["yes", reply])
    a = answerer.ask(TROOPS_Q)
    assert "6,000 troops" in a.answer and "45,000" not in a.answer
    assert any("45,000 tanks" in s for s in a.unsupported_sentences)
    assert "[9]" not in a.answer and all(c.marker == 1 for c in a.citations)


@pytest.mark.parametrize("invented", ["Mexico deployed 6,000 troops to its border with Guatemala in 1998 [N].",
                                      "Mexico deployed 6,000 troops to its border with Belize [N].",
                                      "Mexico deployed 6,000 troops to its border with Guatemala in August [N]."])
def test_a_year_month_or_name_the_cited_source_lacks_removes_the_sentence(fake_settings, retriever, invented):
    n = _probe_marker(fake_settings, retriever, TROOPS_Q, "6,000 troops")
    answerer, _ = _answerer(fake_settings, retriever, ["yes", invented.replace("[N]", f"[{n}]")])
    a = answerer.ask(TROOPS_Q)
    assert invented.replace(" [N].", "") in " ".join(a.unsupported_sentences)
    assert a.mode == "fake+extractive"      # judged answerable, nothing verified: the best source is quoted


def test_uncited_supported_sentence_gets_a_citation(fake_settings, retriever):
    answerer, _ = _answerer(fake_settings, retriever,
                            ["yes", "Mexico deployed 6,000 troops to its border with Guatemala."])
    a = answerer.ask(TROOPS_Q)
    assert not a.abstained and a.answer.endswith("[1].") and a.citations[0].doc_id == "004_edbd6cb541be27cd"


def test_the_judgement_refuses_without_drafting(fake_settings, retriever):
    answerer, llm = _answerer(fake_settings, retriever, ["no", "Mexico stopped 500,000 migrants in 2025 [1]."])
    a = answerer.ask("How many migrants did Mexico interdict in 2025?")
    assert a.abstained and a.answer == REFUSAL and a.citations == [] and a.references == {"apa": [], "mla": []}
    assert llm.calls == 1 and a.confidence == 0.0 and "judge" in a.mode


def test_the_threshold_decides_not_the_words(fake_settings, retriever):
    """A judgement of 1.0 against a threshold above it still refuses: the number decides."""
    settings = fake_settings.model_copy(update={"answer": fake_settings.answer.model_copy(
        update={"judge_threshold": 1.0})})

    class Unsure(FakeChatModel):
        def yes_probability(self, messages):
            self.prompts.append(list(messages))
            return 0.97

    llm = Unsure(["Mexico deployed 6,000 troops [1]."])
    a = Answerer(settings=_single(settings), retriever=retriever, llm=llm).ask(TROOPS_Q)
    assert a.abstained and a.confidence == 0.97 and llm.calls == 0


def test_the_answer_check_refuses_a_draft_the_passage_does_not_state(fake_settings, retriever):
    settings = fake_settings.model_copy(update={"answer": fake_settings.answer.model_copy(
        update={"check_threshold": 0.5})})
    answerer, llm = _answerer(settings, retriever,
                              ["yes", "Mexico deployed 6,000 troops to its border with Guatemala.", "no"])
    a = answerer.ask(TROOPS_Q)
    assert a.abstained and a.answer == REFUSAL and a.check == 0.0 and "check" in a.mode and llm.calls == 3


def test_a_drafted_no_answer_refuses(fake_settings, retriever):
    answerer, _ = _answerer(fake_settings, retriever, ["yes", "NO_ANSWER"])
    a = answerer.ask(TROOPS_Q)
    assert a.abstained and a.answer == REFUSAL and "model: no answer" in a.mode


def test_refusal_when_nothing_verifies_and_no_fallback(fake_settings, retriever):
    settings = fake_settings.model_copy(update={"answer": fake_settings.answer.model_copy(
        update={"fallback_to_extractive": False})})
    answerer, _ = _answerer(settings, retriever, ["yes", "Mexico deployed 99,999 soldiers led by Pancho Villa [1]."])
    a = answerer.ask(TROOPS_Q)
    assert a.abstained and a.answer == REFUSAL and not a.citations
    assert a.unsupported_sentences


def test_quotes_when_model_answer_does_not_verify(fake_settings, retriever):
    answerer, _ = _answerer(fake_settings, retriever, ["yes", "Mexico deployed 99,999 soldiers led by Pancho Villa [1]."])
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


def test_stream_yields_status_evidence_tokens_then_answer(fake_settings, retriever):
    answerer, _ = _answerer(fake_settings, retriever,
                            ["yes", "Mexico deployed 6,000 troops to its border with Guatemala."])
    events = list(answerer.stream(TROOPS_Q))
    kinds = [e.kind for e in events]
    assert kinds[0] == "status" and kinds[-1] == "answer" and kinds.count("answer") == 1
    assert kinds.index("evidence") < kinds.index("token")     # the passages show before the model speaks
    evidence = next(e.text for e in events if e.kind == "evidence")
    assert evidence.startswith("[1] ") and "\u201c" in evidence
    assert "".join(e.text for e in events if e.kind == "token") == "Mexico deployed 6,000 troops to its border with Guatemala."
    assert events[-1].answer.answer.startswith("Mexico deployed 6,000 troops")


def test_extractive_mode_quotes_verbatim_above_its_threshold(fake_settings, retriever):
    answerer = Answerer(settings=fake_settings, retriever=retriever, llm=None)
    a = answerer.ask("Who runs Casa del Migrante?")
    assert a.mode == "extractive" and "Javier Calvillo" in a.answer and a.confidence > 0.5
    for c in a.citations:
        assert retriever.article(c.doc_id).text[c.start:c.end] == c.quote
    strict = fake_settings.model_copy(update={"answer": fake_settings.answer.model_copy(
        update={"extractive_threshold": 0.99})})
    b = Answerer(settings=strict, retriever=retriever, llm=None).ask("Who runs Casa del Migrante?")
    assert b.abstained and "extractive: best sentence score" in b.mode


def test_follow_up_rewritten_with_model(fake_settings, retriever):
    answerer, llm = _answerer(fake_settings, retriever, [
        "How many migrants did the U.S. apprehend in March?", "yes",
        "In March, 189,000 migrants were stopped in the U.S. [1]."])
    history = [{"role": "user", "content": "How many migrants did Mexico interdict in March?"},
               {"role": "assistant", "content": "Over 280,000 [1]."}]
    a = answerer.ask("and how many did the U.S. stop?", history=history)
    assert a.standalone_question == "How many migrants did the U.S. apprehend in March?"
    assert "Conversation" in llm.prompts[0][1].content
    assert "U.S. apprehend in March" in llm.prompts[1][1].content      # the judgement reads the rewritten question


def test_a_draft_that_only_restates_the_question_is_no_answer(fake_settings, retriever):
    """Every word and name of "Mexico deployed troops to its border with Guatemala" is in the question and in the
    passage, so each guard on its own passes it: it still answers nothing, and is refused, not quoted."""
    n = _probe_marker(fake_settings, retriever, TROOPS_Q, "6,000 troops")
    answerer, _ = _answerer(fake_settings, retriever,
                            ["yes", f"Mexico deployed troops to its border with Guatemala in 2019 [{n}]."])
    a = answerer.ask(TROOPS_Q)
    assert a.abstained and a.answer == REFUSAL and "restates the question" in a.mode
    assert any("Mexico deployed troops" in s for s in a.unsupported_sentences)


def test_a_yes_no_reply_may_restate_the_question():
    from rag.ask.verify import adds_to_question

    q = "Did Mexico deploy troops to its border with Guatemala in 2019?"
    assert adds_to_question(["Yes, Mexico deployed troops to its border with Guatemala in 2019."], q)
    assert not adds_to_question(["Mexico deployed troops to its border with Guatemala in 2019."], q)
    assert adds_to_question(["Mexico deployed 6,000 troops to its border with Guatemala in 2019."], q)
    assert adds_to_question(["Mexico deployed troops to its southern border."], q)
    # an answer made of short or common words is still new when written as a name
    assert adds_to_question(["Nevi AS controls Nevi Baltic Plc."], "Which company controls Nevi Baltic Plc?")
    assert not adds_to_question(["The committee that Senator Smith chaired is the Senate committee."],
                                "Which Senate committee did Senator Smith chair?")


def test_the_joint_decision_weighs_judgement_and_check_together(fake_settings, retriever):
    """Judgement 0.7 and check 0.45 each pass their own threshold; their mean (0.575) decides against 0.6."""

    def scripted(replies, probabilities):
        pending = list(probabilities)

        class Scripted(FakeChatModel):
            def yes_probability(self, messages):
                self.prompts.append(list(messages))
                return pending.pop(0)

        return Scripted(replies)

    draft = "Mexico deployed 6,000 troops to its border with Guatemala."
    for decision, refused in ((0.6, True), (0.55, False), (0.0, False)):
        settings = fake_settings.model_copy(update={"answer": fake_settings.answer.model_copy(
            update={"judge_threshold": 0.5, "check_threshold": 0.4, "decision_threshold": decision})})
        a = Answerer(settings=settings, retriever=retriever, llm=scripted([draft], [0.7, 0.45])).ask(TROOPS_Q)
        assert a.abstained is refused and (a.confidence, a.check) == (0.7, 0.45)
        assert ("joint: mean p(yes)=0.57" in a.mode) is refused


# --- two-part questions (answer.split_threshold) ------------------------------------------------------------------

TWO_Q = "How many troops did Mexico deploy to its border with Guatemala, and who heads Casa del Migrante?"
SPLIT_REPLY = ("1. How many troops did Mexico deploy to its border with Guatemala?\n"
               "2. Who is the head of Casa del Migrante?")


class _ByPrompt(FakeChatModel):
    """p(yes) by the kind of prompt: the two-part question, the judgement of a passage, the answer check."""

    compound: float = 0.9
    judged: list = []        # p(yes) of the judgements and checks in turn (0.9 once used up)
    replies_used: int = 0    # the scripted replies are the drafts and the split, in turn

    def yes_probability(self, messages):
        self.prompts.append(list(messages))
        self.calls += 1
        if "two separate facts" in messages[-1].content:
            return self.compound
        return self.judged.pop(0) if self.judged else 0.9

    def _next(self, messages):
        self.prompts.append(list(messages))
        self.calls += 1
        self.replies_used += 1
        return self.responses[self.replies_used - 1] if self.replies_used <= len(self.responses) else "NO_ANSWER"


def test_a_two_part_question_is_answered_from_a_passage_for_each_part(fake_settings, retriever):
    llm = _ByPrompt(["Mexico deployed 6,000 troops [1].", SPLIT_REPLY,
                     "Mexico deployed 6,000 troops to its border with Guatemala [1].",
                     "Javier Calvillo heads Casa del Migrante [1]."])
    events = list(Answerer(settings=fake_settings, retriever=retriever, llm=llm).stream(TWO_Q))
    a = events[-1].answer
    assert not a.abstained and a.mode == "fake+split"
    assert "6,000 troops" in a.answer and "Javier Calvillo" in a.answer and "[1]" in a.answer and "[2]" in a.answer
    assert {c.doc_id for c in a.citations} == {"004_edbd6cb541be27cd", "001_8c20d3ddfa406498"}
    assert any(e.kind == "status" and "two things" in e.text for e in events)
    notes = [e.text for e in events if e.kind == "evidence"]
    assert len(notes) == 2 and notes[-1].count("\n") == 1          # the second note lists one passage per part
    # each part was judged, drafted and checked from its own best passage
    judged = [m[-1].content for m in llm.prompts if "Does the passage state the answer" in m[-1].content]
    assert any("Casa del Migrante" in u and "Calvillo" in u for u in judged)


def test_a_part_the_passages_do_not_answer_leaves_the_first_answer(fake_settings, retriever):
    llm = _ByPrompt(["Mexico deployed 6,000 troops to its border with Guatemala [1].", SPLIT_REPLY,
                     "Mexico deployed 6,000 troops to its border with Guatemala [1]."])
    llm.judged = [0.9, 0.9, 0.9, 0.9, 0.2]       # whole question (judge, check), part 1 (judge, check), part 2 judge
    a = Answerer(settings=fake_settings, retriever=retriever, llm=llm).ask(TWO_Q)
    assert not a.abstained and a.mode == "fake" and "Calvillo" not in a.answer and "6,000 troops" in a.answer


def test_a_one_part_question_is_not_split(fake_settings, retriever):
    llm = _ByPrompt(["Mexico deployed 6,000 troops to its border with Guatemala [1].", SPLIT_REPLY])
    llm.compound = 0.2
    a = Answerer(settings=fake_settings, retriever=retriever, llm=llm).ask(TROOPS_Q)
    assert a.mode == "fake" and llm.calls == 4                       # judge, draft, check, two-part question
    assert "two separate facts" in llm.prompts[-1][-1].content and TROOPS_Q in llm.prompts[-1][-1].content
    off = fake_settings.model_copy(update={"answer": fake_settings.answer.model_copy(update={"split_threshold": 1.0})})
    llm2 = _ByPrompt(["Mexico deployed 6,000 troops to its border with Guatemala [1]."])
    Answerer(settings=off, retriever=retriever, llm=llm2).ask(TROOPS_Q)
    assert llm2.calls == 3                                            # 1 turns the step off


def test_a_refused_question_can_still_be_answered_in_two_parts(fake_settings, retriever):
    llm = _ByPrompt([SPLIT_REPLY, "Mexico deployed 6,000 troops to its border with Guatemala [1].",
                     "Javier Calvillo heads Casa del Migrante [1]."])
    llm.judged = [0.1, 0.1]                          # the whole question's judgement and its second look refuse
    a = Answerer(settings=fake_settings, retriever=retriever, llm=llm).ask(TWO_Q)
    assert not a.abstained and a.mode == "fake+split" and "Javier Calvillo" in a.answer


def _judged_passages(llm) -> list[str]:
    return [m[-1].content.split("<sources>")[1].split("</sources>")[0] for m in llm.prompts
            if "Does the passage state the answer" in m[-1].content]


def test_a_refused_first_passage_gets_a_second_look_at_the_passages_that_follow(fake_settings, retriever):
    # the draft is true to the passage of the second look (a Border Report article), not to the first (NBC News)
    llm = _ByPrompt(["The program will be expanded to other locations along the Southwest border [1]."])
    llm.compound, llm.judged = 0.1, [0.2, 0.9]          # the first passage refused, the next one accepted
    events = list(Answerer(settings=fake_settings, retriever=retriever, llm=llm).stream(TROOPS_Q))
    a = events[-1].answer
    assert not a.abstained and a.confidence == 0.9 and a.mode == "fake" and a.citations[0].outlet == "Border Report"
    assert any(e.kind == "status" and "Reading further" in e.text for e in events)
    notes = [e.text for e in events if e.kind == "evidence"]
    assert len(notes) == 2 and notes[0] != notes[1]                  # the chat shows the passage now read
    first, second = _judged_passages(llm)
    # the second look reads no sentence of the first passage again
    first_sents = {s.strip() for s in first.replace(" … ", "\n").split("\n") if len(s.strip()) > 40}
    assert first_sents and not any(s in second for s in first_sents)
    # the answer was drafted from the passage of the second look
    draft = next(m[-1].content for m in llm.prompts if "Answer the question" in m[-1].content)
    assert draft.split("</sources>")[0].endswith(second)


@pytest.mark.parametrize("second, calls", [(0.6, 3), (None, 2)])
def test_the_second_look_answers_only_above_its_own_stricter_threshold(fake_settings, retriever, second, calls):
    """p(yes) 0.6 passes the first judgement's threshold (0.55) but not the second look's (0.65): refused, the
    refusal naming the first judgement. With the second look turned off (1), one judgement only."""
    settings = fake_settings
    if second is None:
        settings = fake_settings.model_copy(update={"answer": fake_settings.answer.model_copy(
            update={"second_look_threshold": 1.0})})
    assert settings.answer.judge_threshold < 0.6 < fake_settings.answer.second_look_threshold
    llm = _ByPrompt(["Mexico deployed 6,000 troops to its border with Guatemala [1]."])
    llm.compound, llm.judged = 0.1, [0.2, second or 0.9]
    a = Answerer(settings=settings, retriever=retriever, llm=llm).ask(TROOPS_Q)
    assert a.abstained and "judge: p(yes)=0.20" in a.mode and a.confidence == 0.2
    assert llm.calls == calls                     # judgement(s), then the two-part question


@pytest.mark.parametrize("reply", ["", "1. How many troops?", SPLIT_REPLY.replace("2. Who is the head of Casa del "
                                   "Migrante?", "2. How many troops did Mexico deploy to its border with Guatemala?"),
                                   f"1. {TWO_Q}\n2. Who is the head of Casa del Migrante?"])
def test_a_reply_that_is_not_two_questions_leaves_the_question_whole(reply):
    from rag.ask.prompt import parse_split
    assert parse_split(reply, TWO_Q) == []
    assert parse_split(SPLIT_REPLY, TWO_Q) == ["How many troops did Mexico deploy to its border with Guatemala?",
                                              "Who is the head of Casa del Migrante?"]
