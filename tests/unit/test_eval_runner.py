"""The runner with a scripted Answerer stand-in: grading, failure recording, and a summary that is
recomputable from the saved results.json alone."""

import json

import pytest

from eval.fakes import Scripted, ScriptedAnswerer
from eval.metrics import grade, summarize
from eval.questions import parse_lines
from eval.runner import build_document, evaluate_one, load_document, run_questions, save_document
from rag.errors import BackendError, NewsragError

QUESTIONS = [
    {"id": "a", "question": "How many men?", "answerable": True, "sources": ["D0"], "answers": ["20"], "type": "fact"},
    {"id": "b", "question": "Which bridge?", "answerable": True, "sources": ["D0", "D1"],
     "answers_all": ["Stanton Street"], "type": "multi"},
    {"id": "c", "question": "This one breaks", "answerable": True, "sources": ["D1"], "answers": ["x"]},
    {"id": "d", "question": "President of France?", "answerable": False, "sources": []},
    {"id": "e", "question": "Crete evacuations?", "answerable": False, "sources": []},
]

SCRIPT = {
    "How many men?": Scripted(answer="CBP handed over 20 men [1].", cited=["D0"], retrieved=["D0", "D0", "D1"]),
    "Which bridge?": Scripted(answer="On the Paso del Norte bridge [1].", cited=["D1"], retrieved=["D2", "D1"],
                              unsupported=["It was raining."]),
    "This one breaks": Scripted(raises=BackendError("the local model ran out of memory")),
    "President of France?": Scripted(answer="", abstained=True, retrieved=["D3"]),
    "Crete evacuations?": Scripted(answer="5,000 tourists [1].", cited=["D2"], retrieved=["D2"], total_ms=None),
}


@pytest.fixture
def questions():
    return parse_lines([json.dumps(q) for q in QUESTIONS])


def test_failure_is_recorded_and_the_run_goes_on(questions):
    answerer = ScriptedAnswerer(SCRIPT)
    results, interrupted = run_questions(answerer, questions, progress=False)
    assert not interrupted
    assert [r["id"] for r in results] == ["a", "b", "c", "d", "e"]
    assert answerer.asked == [q.question for q in questions]           # every question was asked
    failed = results[2]
    assert failed["error"] == "BackendError: the local model ran out of memory"
    assert failed["correct"] is False and failed["answerable"] is True and failed["sources"] == ["D1"]
    assert all("error" not in r for i, r in enumerate(results) if i != 2)


def test_records_are_graded_and_complete(questions):
    results, _ = run_questions(ScriptedAnswerer(SCRIPT), questions, progress=False)
    a, b, _, d, e = results
    assert a["correct"] is True and a["cited_gold_source"] is True
    assert a["retrieved_doc_ids"] == ["D0", "D1"]                     # deduplicated, rank order
    assert a["citations"][0]["doc_id"] == "D0" and a["citations"][0]["marker"] == 1
    assert b["correct"] is False and b["cited_gold_source"] is True
    assert b["unsupported_sentences"] == ["It was raining."]
    assert d["correct"] is True and d["abstained"] is True and d["cited_gold_source"] is None
    assert e["correct"] is False                                      # answered an unanswerable question
    assert e["timings_ms"]["total"] == e["timings_ms"]["eval_wall"]   # no timing from the system: wall clock
    for r in results:
        assert {"id", "question", "answer", "abstained", "citations", "correct", "cited_gold_source",
                "retrieved_doc_ids", "timings_ms", "answerable", "sources"} <= set(r)


def test_summary_recomputed_from_saved_file(tmp_path, questions):
    """The independent check: load results.json, recompute the summary and every `correct` flag."""
    results, _ = run_questions(ScriptedAnswerer(SCRIPT), questions, progress=False)
    doc = build_document(results, {"llm": {"provider": "fake"}}, meta={"questions_file": "x"})
    path = save_document(doc, tmp_path / "out" / "results.json")
    loaded = json.loads(path.read_text())
    assert loaded["summary"] == summarize(loaded["results"])
    for r in loaded["results"]:
        if "error" in r:
            continue
        assert r["correct"] == grade(answerable=r["answerable"], abstained=r["abstained"], answer=r["answer"],
                                     answers=r.get("answers", []), answers_all=r.get("answers_all", []))
    s = loaded["summary"]
    assert s["answer_accuracy"] == {"value": 1 / 3, "n": 3}
    assert s["refusal_rate"] == {"value": 0.5, "n": 2}
    assert s["failures"] == 1
    assert s["hit@1"] == {"value": 0.5, "n": 2}
    assert loaded["settings"] == {"llm": {"provider": "fake"}}
    assert not list((tmp_path / "out").glob(".*tmp*"))               # atomic write leaves no temp file


def test_interrupt_keeps_what_was_answered(questions):
    script = dict(SCRIPT)
    script["This one breaks"] = Scripted(raises=KeyboardInterrupt())
    results, interrupted = run_questions(ScriptedAnswerer(script), questions, progress=False)
    assert interrupted and [r["id"] for r in results] == ["a", "b"]


def test_evaluate_one_with_multihop_facts():
    (q,) = parse_lines([json.dumps({"id": "m", "question": "Who?", "answerable": True, "sources": ["X"],
                                    "answers": ["Sam Bankman-Fried"], "match": "contains",
                                    "evidence_facts": ["Bankman-Fried lied about it."]})])
    ans = ScriptedAnswerer({"Who?": Scripted(answer="It is sam bankman-fried.", cited=["X"], retrieved=["Y", "X"],
                                             chunk_texts=["other", "He said Bankman-Fried lied about\nit."])})
    r = evaluate_one(ans, q)
    assert r["correct"] is True and r["retrieved_chunks_relevant"] == [False, True]


def test_load_document_errors(tmp_path):
    with pytest.raises(NewsragError, match="not found"):
        load_document(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    with pytest.raises(NewsragError, match="not valid JSON"):
        load_document(bad)
    other = tmp_path / "other.json"
    other.write_text('{"summary": {}}')
    with pytest.raises(NewsragError, match="no 'results' list"):
        load_document(other)


def test_a_gold_source_grouped_as_a_copy_counts_through_its_representative():
    """Ingest indexes one of identical texts and lists the others as its copies: a question written from a copy is
    found and cited when its representative is."""
    (q,) = parse_lines([json.dumps({"id": "k", "question": "Which union?", "answerable": True,
                                    "sources": ["COPY"], "answers": ["Steelworkers"]})])
    answerer = ScriptedAnswerer({"Which union?": Scripted(answer="The Steelworkers [1].", cited=["REP"],
                                                          retrieved=["OTHER", "REP"], copies={"REP": ["COPY"]})})
    rec = evaluate_one(answerer, q)
    assert rec["sources"] == ["COPY"] and rec["gold_doc_ids"] == ["REP"] and rec["cited_gold_source"] is True
    s = summarize([rec])
    assert s["hit@1"]["value"] == 0.0 and s["hit@3"]["value"] == 1.0 and s["gold_cited_rate"]["value"] == 1.0
    assert s["citation_precision"]["value"] == 1.0
