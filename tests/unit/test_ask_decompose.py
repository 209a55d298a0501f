"""Decompose: questions that ask several things become their parts; everything else stays whole."""

from __future__ import annotations

import pytest

from rag.ask.decompose import split_question


@pytest.mark.parametrize("question, parts", [
    ("How many migrants did Border Patrol apprehend in November 2023, and how many did CBP process in December 2023?",
     ["How many migrants did Border Patrol apprehend in November 2023?", "How many did CBP process in December 2023?"]),
    ("Which bridge was used for returns in 2021, and which bridge did petitioners use under Trump?",
     ["Which bridge was used for returns in 2021?", "Which bridge did petitioners use under Trump?"]),
    ("What is MPP? Who restarted the program?", ["What is MPP?", "Who restarted the program?"]),
    ("According to CBP, how many men were returned on Friday, and which bridge did they cross?",
     ["According to CBP, how many men were returned on Friday?", "Which bridge did they cross (CBP men returned)?"]),
])
def test_two_questions_in_one_are_split(question, parts):
    assert split_question(question) == parts


@pytest.mark.parametrize("question", [
    "Who was Mexico's president both when the U.S. restarted MPP in 2021 and when Blinken visited in December 2023?",
    "How did apprehensions in early 2023 compare with November 2023? Give both figures.",
    "What did Mexico and the U.S. agree on?",
    "What is the difference between the Merida Initiative and the Bicentennial Framework, and which came first?",
    "How many migrants did Mexico stop in March?",
])
def test_single_questions_stay_whole(question):
    assert split_question(question) == [" ".join(question.split())]


def test_a_part_that_leans_on_the_first_gets_its_subject_but_not_its_dates():
    first, second = split_question("How many migrants did Mexico interdict in March 2024, and how many did it "
                                   "agree to take back?")
    assert first == "How many migrants did Mexico interdict in March 2024?"
    assert second.startswith("How many did it agree to take back (") and "Mexico" in second
    assert "March" not in second and "2024" not in second


def test_a_part_keeps_the_first_parts_names_whole():
    parts = split_question("What do U.S. officials credit for Mexico's willingness to interdict more migrants? "
                           "Why the change?")
    assert len(parts) == 2 and "U.S." in parts[1] and "U S" not in parts[1] and "Mexico's" not in parts[1]
