"""Question validation happens before any model call; condense rewrites only follow-ups."""

import pytest

from rag.ask.condense import heuristic_condense, needs_rewrite, usable_rewrite
from rag.ask.pipeline import validate_history, validate_question
from rag.errors import QuestionError


@pytest.mark.parametrize("bad, words", [
    ("", "empty"), ("   \n\t ", "empty"), ("x" * 2001, "limit"), ("how many\x00 migrants?", "control"),
    ("what\x1b[31m happened?", "control"), (None, "text"),
])
def test_invalid_questions(fake_settings, bad, words):
    with pytest.raises(QuestionError, match=words):
        validate_question(bad, fake_settings)


def test_valid_question_is_stripped_and_whitespace_collapsed(fake_settings):
    assert validate_question("  How many\n migrants?  ", fake_settings) == "How many migrants?"
    assert validate_question("x" * 2000, fake_settings) == "x" * 2000


def test_history_validation():
    assert validate_history(None) == []
    assert validate_history([{"role": "user", "content": "hi"}]) == [{"role": "user", "content": "hi"}]
    with pytest.raises(QuestionError, match="history item 0"):
        validate_history([{"role": "system", "content": "x"}])
    with pytest.raises(QuestionError):
        validate_history("not a list")


HISTORY = [{"role": "user", "content": "How many migrants did Mexico interdict in March?"},
           {"role": "assistant", "content": "Over 280,000 [1]."}]


def test_self_contained_question_skips_rewrite():
    assert not needs_rewrite("How many troops did Mexico deploy to its border with Guatemala?", HISTORY)
    assert not needs_rewrite("and how many did the U.S. stop?", [])


@pytest.mark.parametrize("q", ["and how many did the U.S. stop?", "What about April?", "Why did they do that?",
                               "And in the U.S.?"])
def test_follow_ups_need_rewrite(q):
    assert needs_rewrite(q, HISTORY)


def test_heuristic_condense_keeps_new_subject_and_adds_old_terms():
    out = heuristic_condense("and how many did the U.S. stop?", HISTORY)
    assert out.lower().startswith("how many did the u.s. stop")
    assert "migrants" in out and "March" in out
    assert "Mexico" not in out  # the follow-up names its own subject


def test_heuristic_condense_borrows_subject_when_follow_up_names_none():
    out = heuristic_condense("What about April?", HISTORY)
    assert "Mexico" in out and "April" in out and "migrants" in out


def test_usable_rewrite():
    assert usable_rewrite("Standalone question: How many migrants did the U.S. stop in March?\nextra", "q?") == \
        "How many migrants did the U.S. stop in March?"
    assert usable_rewrite("", "q?") is None
    assert usable_rewrite("NO_ANSWER", "q?") is None
