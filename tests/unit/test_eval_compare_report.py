"""Comparison of two runs, and the Markdown/PNG report."""

import json

from eval.compare import compare, format_compare, outcome
from eval.fakes import Scripted, ScriptedAnswerer
from eval.questions import parse_lines
from eval.report import write_report
from eval.runner import build_document, run_questions

QS = parse_lines([json.dumps(q) for q in [
    {"id": "a", "question": "qa", "answerable": True, "sources": ["D0"], "answers": ["20"]},
    {"id": "b", "question": "qb", "answerable": True, "sources": ["D1"], "answers": ["Denver"]},
    {"id": "c", "question": "qc", "answerable": True, "sources": ["D1"], "answers": ["Abbott"]},
    {"id": "d", "question": "qd", "answerable": False, "sources": []},
    {"id": "e", "question": "qe", "answerable": True, "sources": ["D2"], "answers": ["Fischer"]},
]])


def _doc(script, questions=QS):
    results, _ = run_questions(ScriptedAnswerer(script), questions, progress=False)
    return build_document(results, {"llm": {"provider": "fake"}, "embedding": {"provider": "fake", "model": "h"}},
                          meta={"questions_file": "q.jsonl", "started": "t0", "finished": "t1"})


OLD = {"qa": Scripted(answer="20 men [1].", cited=["D0"], retrieved=["D0"]),
       "qb": Scripted(answer="Chicago [1].", cited=["D1"], retrieved=["D1"]),
       "qc": Scripted(answer="Abbott [1].", cited=["D1"], retrieved=["D1"]),
       "qd": Scripted(answer="Paris [1].", cited=["D0"], retrieved=["D0"]),
       "qe": Scripted(answer="Someone [1].", cited=["D2"], retrieved=["D2"])}
NEW = {"qa": Scripted(answer="20 men [1].", cited=["D0"], retrieved=["D0"]),        # unchanged
       "qb": Scripted(answer="Denver [1].", cited=["D1"], retrieved=["D1"]),        # wrong -> correct
       "qc": Scripted(answer="", abstained=True, retrieved=["D1"]),                 # correct -> false refusal
       "qd": Scripted(answer="", abstained=True),                                   # now refuses: better
       "qe": Scripted(raises=RuntimeError("boom"))}                                 # wrong -> failed


def test_compare_question_by_question():
    comp = compare(_doc(OLD), _doc(NEW))
    kinds = {c["id"]: (c["kind"], c["old"], c["new"], c["refusal_changed"]) for c in comp["changes"]}
    assert kinds == {"b": ("better", "wrong", "correct", False),
                     "c": ("worse", "correct", "false-refusal", True),
                     "d": ("better", "answered-unanswerable", "refused", True),
                     "e": ("changed", "wrong", "failed", False)}
    assert comp["unchanged"] == 1
    assert comp["counts"] == {"better": 2, "worse": 1, "changed": 1}
    acc = next(d for d in comp["deltas"] if d["metric"] == "answer_accuracy")
    assert (acc["old"], acc["new"], acc["delta"], acc["better"]) == (0.5, 0.5, 0.0, None)
    ref = next(d for d in comp["deltas"] if d["metric"] == "refusal_rate")
    assert (ref["old"], ref["new"], ref["better"]) == (0.0, 1.0, True)
    fr = next(d for d in comp["deltas"] if d["metric"] == "false_refusal_rate")
    assert fr["delta"] == 0.25 and fr["better"] is False                      # lower is better
    text = format_compare(comp)
    assert "| c | worse | correct | false-refusal |" in text
    assert text.index("| c | worse") < text.index("| b | better")           # worse first


def test_compare_reports_added_and_removed_questions():
    fewer = [q for q in QS if q.id != "e"]
    comp = compare(_doc(OLD), _doc(OLD, fewer))
    assert comp["only_old"] == ["e"] and comp["only_new"] == [] and comp["changes"] == []


def test_outcome_names():
    assert outcome({"error": "x"}) == "failed"
    assert outcome({"answerable": False, "abstained": False}) == "answered-unanswerable"


def test_report_files_and_tables(tmp_path):
    old, new = _doc(OLD), _doc(NEW)
    path = write_report(new, tmp_path / "rep", old_doc=old, old_label="old.json")
    md = path.read_text()
    for name in ("metrics.png", "latency.png", "outcomes.png"):
        png = tmp_path / "rep" / name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
        assert f"]({name})" in md
    assert "| metric | value | n | meaning |" in md
    assert "| answer_accuracy | 0.500 | 4 |" in md
    assert "| refusal_rate | 1.000 | 1 |" in md
    # every question not graded correct is listed with its answer or error
    assert "| c | false-refusal |" in md and "| e | failed |" in md and "ERROR RuntimeError: boom" in md
    assert "| b |" not in md.split("## Failures")[1].split("## Comparison")[0]   # correct ones are not listed
    assert "## Comparison: old.json -> this run" in md


def test_report_with_no_timings_and_all_failed(tmp_path):
    doc = _doc({q.question: Scripted(raises=ValueError("bad")) for q in QS})
    md = write_report(doc, tmp_path).read_text()
    assert "| failures | 5 | 5 |" in md and (tmp_path / "latency.png").is_file()
