"""Regression guard: the default configuration on eval/questions/seed.jsonl and the eleven held-out sets.

Real ingest of corpus/ into a tmp dir with the real embedding model (once for all sets), and the default LLM
provider from settings (extractive unless newsrag.toml says otherwise). Fails when answer accuracy, refusal rate
or the gold-source-cited rate of a set drops below its thresholds below. The results and a report per set are
kept in tests/output/eval_regression/<set>/ for inspection.

Thresholds are the figures measured on 2026-12-01 at commit 15ad914 (extractive), lowered by about two answerable
and one unanswerable question (gold cited: 0.95, measured 1.000 everywhere):

    set        answerable correct   unanswerable refused
    seed       61/65 (0.938)        17/18 (0.944)
    heldout-a  34/38 (0.895)        12/12 (1.000)
    heldout-b  35/38 (0.921)         9/10 (0.900)
    heldout-c  44/45 (0.978)        14/15 (0.933)
    heldout-d  42/44 (0.955)        14/16 (0.875)
    heldout-e  38/42 (0.905)        16/18 (0.889)
    heldout-f  37/42 (0.881)        18/18 (1.000)
    heldout-g  45/50 (0.900)        16/20 (0.800)
    heldout-h  49/56 (0.875)        20/24 (0.833)
    heldout-i  50/56 (0.893)        21/24 (0.875)
    heldout-j  45/56 (0.804)        20/24 (0.833)
    heldout-k  43/56 (0.768)        19/24 (0.792)

heldout-k was first run at 15ad914 and not looked at since: it is the estimate for questions nobody tuned on.
The other held-out sets were each first run unseen (figures in README.md) and then used to find failure classes,
so their figures here are optimistic. The issue's targets (0.85 / 0.90 / 0.90 on unseen questions) are not met;
the guard keeps the figures from getting worse.
"""

import pytest

from rag.config import REPO_ROOT, load_settings

QUESTIONS = REPO_ROOT / "eval" / "questions"
SEED = QUESTIONS / "seed.jsonl"

MIN_GOLD_CITED_RATE = 0.95
MAX_FAILURES = 0

# file -> (min answer accuracy, min refusal rate, min gold cited rate)
THRESHOLDS = {
    "seed.jsonl": (0.90, 0.88, MIN_GOLD_CITED_RATE),
    "heldout-a.jsonl": (0.84, 0.91, MIN_GOLD_CITED_RATE),
    "heldout-b.jsonl": (0.86, 0.80, MIN_GOLD_CITED_RATE),
    "heldout-c.jsonl": (0.93, 0.86, MIN_GOLD_CITED_RATE),
    "heldout-d.jsonl": (0.90, 0.81, MIN_GOLD_CITED_RATE),
    "heldout-e.jsonl": (0.85, 0.83, MIN_GOLD_CITED_RATE),
    "heldout-f.jsonl": (0.83, 0.94, MIN_GOLD_CITED_RATE),
    "heldout-g.jsonl": (0.86, 0.75, MIN_GOLD_CITED_RATE),
    "heldout-h.jsonl": (0.83, 0.79, MIN_GOLD_CITED_RATE),
    "heldout-i.jsonl": (0.85, 0.83, MIN_GOLD_CITED_RATE),
    "heldout-j.jsonl": (0.76, 0.79, MIN_GOLD_CITED_RATE),
    "heldout-k.jsonl": (0.73, 0.75, MIN_GOLD_CITED_RATE),
}


@pytest.fixture(scope="module")
def default_answerer(tmp_path_factory):
    """The default configuration over a fresh index of corpus/, built once for every question set."""
    from rag.ask.pipeline import Answerer
    from rag.ingest.pipeline import ingest

    tmp = tmp_path_factory.mktemp("eval_regression")
    settings = load_settings(env={}, overrides={
        "paths": {"index_dir": str(tmp / "index"), "feedback_file": str(tmp / "feedback.jsonl")}})
    report = ingest([REPO_ROOT / "corpus"], settings, progress=False)
    assert report.articles == 5 and not report.skipped
    answerer = Answerer.from_settings(settings)
    answerer.warmup()
    return answerer


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(THRESHOLDS))
def test_default_configuration_on_question_sets(name, default_answerer, output_dir):
    from eval.questions import load_questions
    from eval.report import write_report
    from eval.runner import build_document, run_questions, save_document

    answerer = default_answerer
    settings = answerer.settings
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
