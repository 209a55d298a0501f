"""Metric functions against hand-computed expectations."""

import pytest

from eval.metrics import (chunk_relevance, contains, contains_exact, grade, hit_at_k, matches, normalize,
                          percentile, reciprocal_rank, split_sentences, summarize)


@pytest.mark.parametrize("a,b", [
    ("300,000", "300000"), ("$20 billion", "20 billion"), ("  Stanton   Street\nBridge ", "stanton street bridge"),
    ("Juárez", "Juarez"), ("Sherwood-Randall", "sherwood randall"), ("10%", "10 percent"),
    ("1,000,000", "1000000"), ("“quoted”", '"quoted"'),
])
def test_normalize_equates(a, b):
    assert normalize(a) == normalize(b)


def test_normalize_keeps_decimals_and_lists_apart():
    assert normalize("1.5 billion") == "1.5 billion"
    assert normalize("items 5, 600") == "items 5, 600"     # a comma followed by a space is not a separator


@pytest.mark.parametrize("text,expected,ok", [
    ("CBP handed over 20 men.", "20", True),
    ("It processed 300,000 migrants.", "300000", True),
    ("It processed 300000 migrants.", "300,000", True),
    ("López Obrador asked for $20 billion.", "20 billion", True),
    ("a record 300,000 migrants", "30", False),           # no match inside a longer number
    ("in 2020 they met", "20", False),
    ("Congress approved $1.5 billion", "5 billion", False),
    ("Congress approved $1.5 billion", "1", False),
    ("a Nicaraguan and a Colombian", "Nicaragua", True),   # words may run on
    ("the increase was large", "ease", False),             # but must start at a word start
    ("THE STANTON STREET BRIDGE", "stanton street bridge", True),
    ("They met [1] in Mexico City [2].", "1", False),      # citation markers never match
    ("", "20", False),
])
def test_contains(text, expected, ok):
    assert contains(text, expected) is ok


def test_contains_exact_is_the_plain_benchmark_rule():
    assert contains_exact("The answer is Sam Bankman-Fried.", "sam bankman-fried")
    assert not contains_exact("The answer is Sam Bankman Fried.", "Sam Bankman-Fried")


def test_matches_any_all_and_both():
    text = "New York, Chicago and Denver said so."
    assert matches(text, answers=["Boston", "Chicago"])
    assert not matches(text, answers=["Boston"])
    assert matches(text, answers_all=["New York", "Chicago", "Denver"])
    assert not matches(text, answers_all=["New York", "Boston"])
    assert matches(text, answers=["Denver"], answers_all=["Chicago"])
    assert not matches(text, answers=["Boston"], answers_all=["Chicago"])
    assert not matches(text)                       # nothing to match is never correct


def test_grade():
    assert grade(answerable=False, abstained=True, answer="")
    assert not grade(answerable=False, abstained=False, answer="Emmanuel Macron")
    assert not grade(answerable=True, abstained=True, answer="20", answers=["20"])   # false refusal
    assert grade(answerable=True, abstained=False, answer="Twenty [1]", answers=["20", "twenty"])
    assert grade(answerable=True, abstained=False, answer="answer: YES", answers=["Yes"], rule="contains")


def test_hit_and_reciprocal_rank():
    rel = [False, False, True, False, True]
    assert [hit_at_k(rel, k) for k in (1, 2, 3, 10)] == [0.0, 0.0, 1.0, 1.0]
    assert reciprocal_rank(rel, 10) == pytest.approx(1 / 3)
    assert reciprocal_rank(rel, 2) == 0.0
    assert reciprocal_rank([], 10) == 0.0


def test_percentile_linear_like_numpy():
    assert percentile([4, 1, 3, 2], 50) == pytest.approx(2.5)
    assert percentile([1, 2, 3, 4], 95) == pytest.approx(3.85)
    assert percentile([7], 95) == 7
    assert percentile([], 50) is None


def test_split_sentences_respects_abbreviations_and_markers():
    text = "The U.S. returned 20 men to Mexico [1]. Mexico restarted flights on Dec. 30 [2]. Mr. Biden agreed."
    assert split_sentences(text) == ["The U.S. returned 20 men to Mexico [1].",
                                     "Mexico restarted flights on Dec. 30 [2].", "Mr. Biden agreed."]
    assert split_sentences("") == []
    assert split_sentences("One [1]") == ["One [1]"]


def test_chunk_relevance_ignores_spaces_and_newlines():
    facts = ["Mexico will receive a maximum of 35 migrants per day."]
    chunks = ["Rodriguez said Mexico will receive a\nmaximum of 35  migrants per day. More.", "unrelated",
              "Mexico will receive a maximum of 36 migrants per day."]
    assert chunk_relevance(chunks, facts) == [True, False, False]


def _r(**kw):
    base = {"id": "x", "question": "q", "answerable": True, "sources": ["A"], "answer": "", "abstained": False,
            "citations": [], "unsupported_sentences": [], "correct": False, "retrieved_doc_ids": [],
            "timings_ms": {"total": 100.0}}
    base.update(kw)
    if "cited" in kw:
        base["citations"] = [{"doc_id": d, "supported": True} for d in kw.pop("cited")]
        base.pop("cited")
    return base


def test_summarize_hand_computed():
    results = [
        # 1: correct, gold ranked first, cites A (gold) and C (not gold)
        _r(id="1", correct=True, answer="Twenty men [1]. They crossed [2].", cited=["A", "C"],
           retrieved_doc_ids=["A", "C"], timings_ms={"total": 100.0}, type="fact"),
        # 2: wrong answer, gold (B) at rank 3, cites C only, one unsupported sentence
        _r(id="2", sources=["B"], answer="Wrong [1].", cited=["C"], retrieved_doc_ids=["C", "D", "B"],
           unsupported_sentences=["Invented."], timings_ms={"total": 300.0}, type="fact"),
        # 3: false refusal, gold at rank 2
        _r(id="3", sources=["A", "B"], abstained=True, retrieved_doc_ids=["D", "B"],
           timings_ms={"total": 200.0}, type="multi"),
        # 4: failed (exception): counts as wrong, left out of retrieval/citations/latency
        {**_r(id="4", timings_ms={"eval_wall": 5.0}), "error": "RuntimeError: boom", "cited_gold_source": False},
        # 5: unanswerable, refused
        _r(id="5", answerable=False, sources=[], abstained=True, correct=True, timings_ms={"total": 400.0}),
        # 6: unanswerable, answered anyway
        _r(id="6", answerable=False, sources=[], answer="Macron [1].", cited=["A"], retrieved_doc_ids=["A"],
           timings_ms={"total": 500.0}),
    ]
    s = summarize(results)
    assert (s["questions"], s["answerable"], s["unanswerable"], s["failures"]) == (6, 4, 2, 1)
    assert s["answer_accuracy"] == {"value": 0.25, "n": 4}
    assert s["refusal_rate"] == {"value": 0.5, "n": 2}
    assert s["false_refusal_rate"] == {"value": 0.25, "n": 4}
    assert s["overall_accuracy"] == {"value": 2 / 6, "n": 6}
    # retrieval over questions 1, 2, 3 (answerable, with sources, not failed)
    assert s["hit@1"] == {"value": 1 / 3, "n": 3}
    assert s["hit@3"]["value"] == pytest.approx(1.0)
    assert s["mrr@10"]["value"] == pytest.approx((1 + 1 / 3 + 1 / 2) / 3)
    assert s["mrr@1"]["value"] == pytest.approx(1 / 3)
    # citations over answered questions 1 and 2: cited {A, C} and {C}; gold {A} and {B}
    assert s["citation_precision"]["value"] == pytest.approx(1 / 3)
    assert s["citation_precision"]["n"] == 2
    assert s["citation_recall"]["value"] == pytest.approx(1 / 2)
    assert s["gold_cited_rate"] == {"value": 1.0, "n": 1}
    # sentences over answered, not failed: q1 2, q2 1 + 1 unsupported, q6 1
    assert s["supported_sentence_share"] == {"value": 4 / 5, "n": 5}
    assert s["citation_supported_share"] == {"value": 1.0, "n": 4}
    # latency over non-failed: 100, 300, 200, 400, 500
    assert s["latency_p50_ms"] == {"value": 300.0, "n": 5}
    assert s["latency_p95_ms"]["value"] == pytest.approx(480.0)
    assert s["by_type"]["fact"] == {"n": 2, "correct": 1, "accuracy": 0.5}


def test_summarize_empty_sets_give_none_not_zero():
    s = summarize([_r(answerable=False, sources=[], abstained=True, correct=True)])
    assert s["answer_accuracy"] == {"value": None, "n": 0}
    assert s["hit@1"] == {"value": None, "n": 0}
    assert s["refusal_rate"] == {"value": 1.0, "n": 1}


def test_answer_quoted_rate_counts_correct_answers_whose_quotes_hold_the_answer():
    def rec(quote, **kw):
        base = _r(correct=True, answer="x [1].", **kw)
        base["citations"] = [{"doc_id": "A", "supported": True, "quote": quote}]
        return base

    results = [rec("It paid 1,500 dlrs a share.", answers=["1500 dlrs"]),              # held (as answers match)
               rec("The board met on Monday.", answers=["1500 dlrs"]),                # the article, not the fact
               rec("Yes, it did, the dividend was raised.", answers_all=["yes", "dividend"]),   # yes left out
               rec("Whatever.", answers=["yes"]),                                     # a bare yes: not counted
               {**rec("It paid 1,500 dlrs.", answers=["1500 dlrs"]), "correct": False}]   # wrong: not counted
    assert summarize(results)["answer_quoted_rate"] == {"value": 2 / 3, "n": 3}
