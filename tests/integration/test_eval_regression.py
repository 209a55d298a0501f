"""Regression guard: the default configuration on eval/questions/seed.jsonl and the two held-out sets.

Real ingest of corpus/ into a tmp dir with the real embedding model, and the default LLM provider from
settings (the bundled local model unless newsrag.toml says otherwise). Fails when answer accuracy, refusal
rate or the gold-source-cited rate drop below the thresholds below. The results and a report are kept in
tests/output/eval_regression/ for inspection.

Thresholds are set from the run inspected on 2026-11-23 ~15:20 UTC: this test at commit b6ad1b8, whose default
llm.provider is `extractive` (changed from `local` at 18abe33). All 12 not-correct answers were read and judged
fairly graded (multi-article and conflict questions answered with one article's sentence, two near-topic
unanswerable questions answered with a loosely related sentence, two false refusals, one arithmetic question).
Measured: answer_accuracy 0.846 (55/65), refusal_rate 0.889 (16/18), gold_cited_rate 1.000 (55/55), failures 0.
Margins: two answerable questions (0.81 < 53/65), one unanswerable (0.83 < 15/18), 0.05 on gold cited.
For reference, the same test with llm.provider=local at 0f988c1 (plus the ask helper's then uncommitted changes)
measured 0.831 / 0.889 / 1.000. The issue's targets (0.85, 0.90, 0.90) are not all met yet (refusal 0.889).
On 2026-11-24 (after 589445d) the seed run measured 0.862 / 0.889 / 1.000.

Held-out sets (eval/README.md), added 2026-11-24 with thresholds from the run inspected then (extractive, commit
after 589445d): heldout-a 0.763 / 0.833 / 1.000, heldout-b 0.632 / 0.700 / 1.000 (0.658 after 4bf6280); margins of about two answerable
and one unanswerable question. Those are below the issue's targets: the guard keeps them from getting worse.
"""

import pytest

from rag.config import REPO_ROOT, load_settings

QUESTIONS = REPO_ROOT / "eval" / "questions"
SEED = QUESTIONS / "seed.jsonl"

MIN_ANSWER_ACCURACY = 0.81
MIN_REFUSAL_RATE = 0.83
MIN_GOLD_CITED_RATE = 0.95
MAX_FAILURES = 0

# file -> (min answer accuracy, min refusal rate, min gold cited rate)
THRESHOLDS = {
    "seed.jsonl": (MIN_ANSWER_ACCURACY, MIN_REFUSAL_RATE, MIN_GOLD_CITED_RATE),
    "heldout-a.jsonl": (0.71, 0.75, 0.95),
    "heldout-b.jsonl": (0.58, 0.60, 0.95),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(THRESHOLDS))
def test_default_configuration_on_question_sets(name, tmp_path, output_dir):
    from eval.questions import load_questions
    from eval.report import write_report
    from eval.runner import build_document, run_questions, save_document
    from rag.ask.pipeline import Answerer
    from rag.ingest.pipeline import ingest

    settings = load_settings(env={}, overrides={
        "paths": {"index_dir": str(tmp_path / "index"), "feedback_file": str(tmp_path / "feedback.jsonl")}})
    report = ingest([REPO_ROOT / "corpus"], settings, progress=False)
    assert report.articles == 5 and not report.skipped

    answerer = Answerer.from_settings(settings)
    answerer.warmup()
    path = QUESTIONS / name
    results, interrupted = run_questions(answerer, load_questions(path), progress=False)
    assert not interrupted
    doc = build_document(results, settings.to_public_dict(), meta={"questions_file": str(path)})
    out = output_dir / "eval_regression" / path.stem
    save_document(doc, out / "results.json")
    write_report(doc, out)

    s = doc["summary"]
    wrong = [f"{r['id']}: {r.get('error') or r['answer'][:100]}" for r in results if not r["correct"]]
    detail = f"\nsummary: { {k: s[k] for k in ('answer_accuracy', 'refusal_rate', 'gold_cited_rate')} }" \
             f"\nnot correct ({len(wrong)}):\n  " + "\n  ".join(wrong) + f"\nreport: {out / 'report.md'}"
    min_accuracy, min_refusal, min_gold = THRESHOLDS[name]
    assert s["failures"] <= MAX_FAILURES, detail
    assert s["answer_accuracy"]["value"] >= min_accuracy, detail
    assert s["refusal_rate"]["value"] >= min_refusal, detail
    assert s["gold_cited_rate"]["value"] >= min_gold, detail
