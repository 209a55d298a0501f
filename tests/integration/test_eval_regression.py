"""Regression guard: the default configuration on eval/questions/seed.jsonl and the twenty-five held-out sets.

Real ingest of corpus/ into a tmp dir with the real embedding model (once for all sets), and the default LLM
provider from settings (extractive unless newsrag.toml says otherwise). Fails when answer accuracy, refusal rate
or the gold-source-cited rate of a set drops below its thresholds below. The results and a report per set are
kept in tests/output/eval_regression/<set>/ for inspection.

Thresholds are the figures measured on 2026-12-01 at commit d2d93b7 (extractive), lowered by about two answerable
and one unanswerable question (gold cited: 0.95, measured 0.981 on heldout-o and 1.000 elsewhere):

    set        answerable correct   unanswerable refused
    seed       61/65 (0.938)        18/18 (1.000)
    heldout-a  35/38 (0.921)        12/12 (1.000)
    heldout-b  35/38 (0.921)        10/10 (1.000)
    heldout-c  45/45 (1.000)        15/15 (1.000)
    heldout-d  43/44 (0.977)        14/16 (0.875)
    heldout-e  38/42 (0.905)        16/18 (0.889)
    heldout-f  38/42 (0.905)        18/18 (1.000)
    heldout-g  47/50 (0.940)        17/20 (0.850)
    heldout-h  52/56 (0.929)        20/24 (0.833)
    heldout-i  53/56 (0.946)        22/24 (0.917)
    heldout-j  48/56 (0.857)        21/24 (0.875)
    heldout-k  52/56 (0.929)        20/24 (0.833)
    heldout-l  51/56 (0.911)        22/24 (0.917)
    heldout-m  51/56 (0.911)        21/24 (0.875)
    heldout-n  52/56 (0.929)        23/24 (0.958)
    heldout-o  54/56 (0.964)        20/24 (0.833)
    heldout-p  53/56 (0.946)        22/24 (0.917)
    heldout-q  52/56 (0.929)        20/24 (0.833)
    heldout-r  53/56 (0.946)        21/24 (0.875)
    heldout-s  47/56 (0.839)        22/24 (0.917)
    heldout-t  52/56 (0.929)        19/24 (0.792)
    heldout-u  48/56 (0.857)        20/24 (0.833)
    heldout-v  55/56 (0.982)        19/24 (0.792)
    heldout-w  49/56 (0.875)        21/24 (0.875)
    heldout-x  50/56 (0.893)        20/24 (0.833)
    heldout-y  48/56 (0.857)        20/24 (0.833)

Each held-out set was first run once, unseen, before its failures were read; those first-run figures (README.md,
eval/README.md) are the estimate for questions nobody tuned on. heldout-t and heldout-u were run once at d707e9c and
not looked at since; heldout-v and -w were first run at dca0e17 and then read to find failure classes; heldout-x and
-y were first run at 69e31e7 and read for the last commit (d2d93b7). The issue's targets (0.85 / 0.90 / 0.90 on unseen questions) are met for accuracy and gold
citations, not for refusals; the guard keeps the figures from getting worse.
"""

import pytest

from rag.config import REPO_ROOT, load_settings

QUESTIONS = REPO_ROOT / "eval" / "questions"
SEED = QUESTIONS / "seed.jsonl"

MIN_GOLD_CITED_RATE = 0.95
MAX_FAILURES = 0

# file -> (min answer accuracy, min refusal rate, min gold cited rate)
THRESHOLDS = {
    "seed.jsonl": (0.90, 0.94, MIN_GOLD_CITED_RATE),
    "heldout-a.jsonl": (0.86, 0.91, MIN_GOLD_CITED_RATE),
    "heldout-b.jsonl": (0.86, 0.90, MIN_GOLD_CITED_RATE),
    "heldout-c.jsonl": (0.95, 0.93, MIN_GOLD_CITED_RATE),
    "heldout-d.jsonl": (0.93, 0.81, MIN_GOLD_CITED_RATE),
    "heldout-e.jsonl": (0.85, 0.83, MIN_GOLD_CITED_RATE),
    "heldout-f.jsonl": (0.85, 0.94, MIN_GOLD_CITED_RATE),
    "heldout-g.jsonl": (0.90, 0.80, MIN_GOLD_CITED_RATE),
    "heldout-h.jsonl": (0.89, 0.79, MIN_GOLD_CITED_RATE),
    "heldout-i.jsonl": (0.91, 0.87, MIN_GOLD_CITED_RATE),
    "heldout-j.jsonl": (0.82, 0.83, MIN_GOLD_CITED_RATE),
    "heldout-k.jsonl": (0.89, 0.79, MIN_GOLD_CITED_RATE),
    "heldout-l.jsonl": (0.87, 0.87, MIN_GOLD_CITED_RATE),
    "heldout-m.jsonl": (0.87, 0.83, MIN_GOLD_CITED_RATE),
    "heldout-n.jsonl": (0.89, 0.91, MIN_GOLD_CITED_RATE),
    "heldout-o.jsonl": (0.92, 0.79, MIN_GOLD_CITED_RATE),
    "heldout-p.jsonl": (0.91, 0.87, MIN_GOLD_CITED_RATE),
    "heldout-q.jsonl": (0.89, 0.79, MIN_GOLD_CITED_RATE),
    "heldout-r.jsonl": (0.91, 0.83, MIN_GOLD_CITED_RATE),
    "heldout-s.jsonl": (0.80, 0.87, MIN_GOLD_CITED_RATE),
    "heldout-t.jsonl": (0.89, 0.75, MIN_GOLD_CITED_RATE),
    "heldout-u.jsonl": (0.82, 0.79, MIN_GOLD_CITED_RATE),
    "heldout-v.jsonl": (0.94, 0.75, MIN_GOLD_CITED_RATE),
    "heldout-w.jsonl": (0.83, 0.83, MIN_GOLD_CITED_RATE),
    "heldout-x.jsonl": (0.85, 0.79, MIN_GOLD_CITED_RATE),
    "heldout-y.jsonl": (0.82, 0.79, MIN_GOLD_CITED_RATE),
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
