"""MultiHop-RAG: the benchmark's published retrieval figures on its eight records, and conversion + scoring
of a tiny synthetic benchmark in the same format."""

import json

import pytest

from eval.fakes import Scripted, ScriptedAnswerer
from eval.metrics import summarize
from eval.multihop import MultiHopFileError, doc_id_for, prepare, retrieval_scores
from eval.questions import load_questions
from eval.runner import evaluate_one, run_questions
from rag.config import REPO_ROOT

EIGHT = REPO_ROOT / "eval" / "benchmarks" / "multihop-rag" / "retrieval_8queries.json"


def test_reproduces_published_figures_on_eight_records():
    scores = retrieval_scores(json.loads(EIGHT.read_text()))
    # Expected values: the benchmark's own scorer output on this file (README of the benchmark copy).
    assert scores["n"] == 8
    assert f"{scores['Hits@10']:.4f}" == "0.7500"
    assert f"{scores['Hits@4']:.4f}" == "0.6250"
    assert f"{scores['MRR@10']:.4f}" == "0.5491"


def test_null_queries_are_left_out_of_retrieval_scores():
    rec = {"question_type": "null_query", "gold_list": [], "retrieval_list": [{"text": "x"}]}
    hit = {"question_type": "inference_query", "gold_list": [{"fact": "a b"}],
           "retrieval_list": [{"text": "zz"}, {"text": "xx a\nb yy"}]}
    assert retrieval_scores([rec, hit]) == {"Hits@10": 1.0, "Hits@4": 1.0, "MRR@10": 0.5, "n": 1}


CORPUS = [
    {"title": "FTX trial opens", "author": "A", "source": "The Verge", "published_at": "2023-09-28T12:00:00+00:00",
     "category": "technology", "url": "https://example.org/ftx", "body": "Sam Bankman-Fried went on trial. "
     "Prosecutors say he committed fraud for personal gain."},
    {"title": "Crypto founder in court", "author": "B", "source": "TechCrunch", "published_at": "2023-10-01T08:00:00+00:00",
     "category": "technology", "url": "https://example.org/tc", "body": "The founder of FTX faces fraud and "
     "conspiracy charges in New York."},
    {"title": "broken record", "source": "X"},                          # no body: skipped with a warning
]
QUERIES = [
    {"query": "Who faces a fraud trial according to The Verge and TechCrunch?", "answer": "Sam Bankman-Fried",
     "question_type": "inference_query",
     "evidence_list": [{"title": "FTX trial opens", "source": "The Verge", "url": "https://example.org/ftx",
                        "published_at": "2023-09-28T12:00:00+00:00", "fact": "Sam Bankman-Fried went on trial."},
                       {"title": "Crypto founder in court", "source": "TechCrunch", "url": "https://example.org/tc",
                        "published_at": "2023-10-01T08:00:00+00:00",
                        "fact": "The founder of FTX faces fraud and conspiracy charges"}]},
    {"query": "Did both outlets report the trial in October?", "answer": "No", "question_type": "temporal_query",
     "evidence_list": [{"title": "FTX trial opens", "url": "https://example.org/ftx", "fact": "went on trial"}]},
    {"query": "What did the CEO of Acme say about FTX?", "answer": "Insufficient information.",
     "question_type": "null_query", "evidence_list": []},
]


@pytest.fixture
def prepared(tmp_path):
    (tmp_path / "corpus.json").write_text(json.dumps(CORPUS))
    (tmp_path / "MultiHopRAG.json").write_text(json.dumps(QUERIES))
    return prepare(tmp_path / "corpus.json", tmp_path / "MultiHopRAG.json", tmp_path / "mh")


def test_conversion(prepared):
    assert prepared["articles"] == 2 and prepared["queries"] == 3
    assert any("no 'body'" in w for w in prepared["warnings"])
    rows = [json.loads(l) for l in prepared["corpus"].read_text().splitlines()]
    assert rows[0] == {"id": doc_id_for(CORPUS[0]), "title": "FTX trial opens", "text": CORPUS[0]["body"],
                       "outlet": "The Verge", "published": "2023-09-28", "url": "https://example.org/ftx"}
    qs = load_questions(prepared["questions"])                       # valid for our own loader
    q0, q1, q2 = qs
    assert q0.answerable and q0.match == "contains" and q0.answers == ["Sam Bankman-Fried"]
    assert q0.sources == [rows[0]["id"], rows[1]["id"]]
    assert q0.evidence_facts == ["Sam Bankman-Fried went on trial.", "The founder of FTX faces fraud and conspiracy charges"]
    assert q1.type == "temporal_query" and q1.sources == [rows[0]["id"]]
    assert not q2.answerable and q2.answers == [] and q2.type == "null_query"


def test_scoring_with_the_benchmark_rules(prepared):
    rows = [json.loads(l) for l in prepared["corpus"].read_text().splitlines()]
    d0, d1 = rows[0]["id"], rows[1]["id"]
    qs = load_questions(prepared["questions"])
    script = {
        qs[0].question: Scripted(answer="The person is SAM BANKMAN-FRIED [1].", cited=[d0], retrieved=[d1, d0],
                                 chunk_texts=["The founder of FTX faces fraud and\nconspiracy charges in New York.",
                                              "Sam Bankman-Fried went on trial."]),
        qs[1].question: Scripted(answer="Yes, both did [1].", cited=[d0], retrieved=[d1],
                                 chunk_texts=["The founder of FTX faces fraud."]),   # gold "No" is not in it
        qs[2].question: Scripted(answer="", abstained=True),
    }
    results, _ = run_questions(ScriptedAnswerer(script), qs, progress=False)
    assert [r["correct"] for r in results] == [True, False, True]
    assert results[0]["retrieved_chunks_relevant"] == [True, True]
    assert results[1]["retrieved_chunks_relevant"] == [False]
    # The benchmark's rule is a plain substring: "Not known" would count as containing "No".
    assert evaluate_one(ScriptedAnswerer({qs[1].question: Scripted(answer="Not known.")}), qs[1])["correct"]
    s = summarize(results)
    assert s["answer_accuracy"] == {"value": 0.5, "n": 2}
    assert s["refusal_rate"] == {"value": 1.0, "n": 1}
    assert s["chunk_hits@4"] == {"value": 0.5, "n": 2}
    assert s["chunk_mrr@10"] == {"value": 0.5, "n": 2}
    # document level: q0 ranks gold d1 first; q1 retrieves only d1, but its gold is d0
    assert s["hit@1"] == {"value": 0.5, "n": 2} and s["mrr@10"]["value"] == pytest.approx(0.5)


def test_bad_files(tmp_path):
    with pytest.raises(MultiHopFileError, match="not found"):
        prepare(tmp_path / "none.json", tmp_path / "q.json", tmp_path / "o")
    (tmp_path / "c.json").write_text('{"not": "a list"}')
    (tmp_path / "q.json").write_text("[]")
    with pytest.raises(MultiHopFileError, match="must hold a JSON list"):
        prepare(tmp_path / "c.json", tmp_path / "q.json", tmp_path / "o")
