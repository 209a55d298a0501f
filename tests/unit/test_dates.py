"""Relative time in questions (rag/ask/dates.py), resolved against a reference day."""

from __future__ import annotations

from datetime import date

import pytest

from rag.ask.dates import TimeScope, reference_date, resolve_time
from rag.errors import QuestionError

NOW = date(1987, 10, 20)          # a Tuesday


@pytest.mark.parametrize("question, start, end, matched, text", [
    ("What did the Fed do last week?", "1987-10-12", "1987-10-18", "last week", "What did the Fed do?"),
    ("What happened this week?", "1987-10-19", "1987-10-20", "this week", "What happened?"),
    ("What happened this month?", "1987-10-01", "1987-10-20", "this month", "What happened?"),
    ("What happened last month?", "1987-09-01", "1987-09-30", "last month", "What happened?"),
    ("What did the Fed do in the previous month?", "1987-09-01", "1987-09-30", "in the previous month",
     "What did the Fed do?"),
    ("What did OPEC say yesterday?", "1987-10-19", "1987-10-19", "yesterday", "What did OPEC say?"),
    ("What was said today about gold?", "1987-10-20", "1987-10-20", "today", "What was said about gold?"),
    ("What was the deficit in 1987?", "1987-01-01", "1987-12-31", "in 1987", "What was the deficit?"),
    ("What happened last year?", "1986-01-01", "1986-12-31", "last year", "What happened?"),
    ("What happened in March?", "1987-03-01", "1987-03-31", "in March", "What happened?"),
    # a month after "now" is last year's
    ("What happened in December?", "1986-12-01", "1986-12-31", "in December", "What happened?"),
    ("What happened in early March?", "1987-03-01", "1987-03-31", "in early March", "What happened?"),
    ("Who resigned in May 1986?", "1986-05-01", "1986-05-31", "in May 1986", "Who resigned?"),
    ("Prices between March and April", "1987-03-01", "1987-04-30", "between March and April", "Prices"),
    ("Sales between November and February", "1986-11-01", "1987-02-28", "between November and February", "Sales"),
    ("news from March 3 to March 9", "1987-03-03", "1987-03-09", "from March 3 to March 9", "news"),
    ("What did the Bundesbank do on October 19, 1987?", "1987-10-19", "1987-10-19", "on October 19, 1987",
     "What did the Bundesbank do?"),
    ("What happened on 19 October?", "1987-10-19", "1987-10-19", "on 19 October", "What happened?"),
    ("What happened on October 25?", "1986-10-25", "1986-10-25", "on October 25", "What happened?"),
    ("1987-03-09 grain news", "1987-03-09", "1987-03-09", "1987-03-09", "grain news"),
    ("What was said last Tuesday?", "1987-10-13", "1987-10-13", "last Tuesday", "What was said?"),
    ("What rose in the past two weeks?", "1987-10-07", "1987-10-20", "in the past two weeks", "What rose?"),
    ("What fell over the last 3 months?", "1987-07-21", "1987-10-20", "over the last 3 months", "What fell?"),
    ("What happened 3 days ago?", "1987-10-17", "1987-10-17", "3 days ago", "What happened?"),
    ("since June, what happened to gold", "1987-06-01", None, "since June", "what happened to gold"),
    ("What happened after March 9?", "1987-03-10", None, "after March 9", "What happened?"),
    ("What was agreed before April?", None, "1987-03-31", "before April", "What was agreed?"),
])
def test_resolves_expressions(question, start, end, matched, text):
    scope = resolve_time(question, NOW)
    assert scope.start == (date.fromisoformat(start) if start else None)
    assert scope.end == (date.fromisoformat(end) if end else None)
    assert scope.matched_text == matched
    assert scope.text == text
    assert not scope.prefer_recent and scope


@pytest.mark.parametrize("question, matched, text", [
    ("What are the latest figures on crude stocks?", "latest", "What are the figures on crude stocks?"),
    ("What did the most recent meeting decide?", "most recent", "What did the meeting decide?"),
    ("recent coffee prices", "recent", "coffee prices"),
    ("Has the dollar fallen lately?", "lately", "Has the dollar fallen?"),
])
def test_recency_words_prefer_newest_without_a_range(question, matched, text):
    scope = resolve_time(question, NOW)
    assert scope.prefer_recent and scope.start is None and scope.end is None
    assert (scope.matched_text, scope.text) == (matched, text)


def test_recency_combines_with_a_range():
    scope = resolve_time("What are the latest figures from last month?", NOW)
    assert (scope.start, scope.end, scope.prefer_recent) == (date(1987, 9, 1), date(1987, 9, 30), True)
    assert scope.text == "What are the figures?"
    assert scope.matched_text == "from last month, latest"


@pytest.mark.parametrize("question", [
    "the march on Washington",           # a lower-case month name is a word
    "May prices rise further?",          # a capitalised "May" needs a preposition or a day
    "How many tonnes, 1,987 or 2,000?",  # a number is not a year
    "What is the current account deficit?",
    "Who won the 1987 election?",        # a year used as an adjective is not a publication filter
    "How many were handed over on Friday?",   # a bare weekday names an event's day in some article
    "",
])
def test_no_time_expression(question):
    scope = resolve_time(question, NOW)
    assert not scope and scope == TimeScope(text=question)


def test_only_the_time_words_left_keeps_the_question():
    assert resolve_time("yesterday", NOW).text == "yesterday"
    assert resolve_time("yesterday", NOW).start == date(1987, 10, 19)


def test_describe_and_dict():
    scope = resolve_time("latest news from last week", NOW)
    assert scope.describe() == "1987-10-12 to 1987-10-18, newest first (“from last week, latest”)"
    assert scope.to_dict()["start"] == "1987-10-12" and scope.to_dict()["prefer_recent"] is True


def test_reference_date():
    class R:
        def date_range(self):
            return "1987-02-26", "1987-10-20"

    assert reference_date(R()) == NOW
    assert reference_date(R(), "1987-03-01") == date(1987, 3, 1)
    assert reference_date(None, date(2000, 1, 2)) == date(2000, 1, 2)
    with pytest.raises(QuestionError, match="not a day"):
        reference_date(R(), "last week")


def test_bad_arguments():
    with pytest.raises(TypeError):
        resolve_time(None, NOW)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        resolve_time("last week", "1987-10-20")  # type: ignore[arg-type]
