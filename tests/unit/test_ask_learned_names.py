"""What the ask steps learn from the indexed articles: acronym spellings and always-capitalised words."""

from __future__ import annotations

import pytest

from rag.ask import lexical as lx

ARTICLES = [
    "EL PASO, Texas - U.S. Customs and Border Protection returned 20 men. CBP said more would follow.\n"
    "The Migrant Protection Protocols (MPP) restarted, said Amy Fischer of Amnesty International.",
    "Officials in Juarez said MPP would grow. The border in Juarez was busy, Fischer said.",
]


pytestmark = pytest.mark.usefixtures("learned_corpus")


def test_spelled_out_names_of_acronyms_match_the_acronym():
    assert lx._LEARNED.acronyms == {"customs and border protection": "cbp", "migrant protection protocols": "mpp"}
    spelled = set(lx.content_stems(lx.normalise_aliases("How many did Customs and Border Protection return?")))
    short = set(lx.content_stems(lx.normalise_aliases("How many did CBP return?")))
    assert spelled == short
    assert lx.names("How many did Customs and Border Protection return?") == lx.names("How many did CBP return?")


def test_lower_case_questions_keep_their_names():
    assert {"amy", "fischer"} <= lx.question_terms("who is amy fischer").names
    assert "juarez" in lx.question_terms("what happened in juarez?").names
    # words the articles also write in lower case are not names
    assert "border" not in lx.question_terms("what happened at the border?").names


def test_learning_replaces_what_was_learned_before():
    lx.learn_corpus(["Nothing to learn here."])
    assert lx._LEARNED.acronyms == {} and "fischer" not in lx._LEARNED.proper
    assert lx.normalise_aliases("Customs and Border Protection") == "customs and border protection"


def test_questions_use_either_spelling_for_search():
    assert lx.with_spellings("how many did CBP process?") == "how many did CBP process? (customs and border protection)"
    assert lx.with_spellings("What did Customs and Border Protection say?").endswith("(CBP)")
    assert lx.with_spellings("What did Mexico say?") == "What did Mexico say?"
