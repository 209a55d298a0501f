"""Regression guard: the answer step on question sets written by people who read only the articles.

Real ingest (the bundled embedding model) of two collections into tmp dirs: the five seed articles (corpus/) and
500 Reuters newswire articles of 1987 (eval/corpora/reuters-500). Then:

- the model-free extractive mode on every question of eval/questions/seed.jsonl and the Reuters development sets
  rt-dev-a and rt-dev-b (fast);
- the default configuration (the bundled 1.5B model on llama.cpp, judging, writing and checking) on the first
  LOCAL_QUESTIONS questions of seed.jsonl and rt-dev-b, answerable and unanswerable alternating (a full run of
  the model costs about 8 s a question on two cores; the README gives full-set figures).

A set fails when answer accuracy, refusal rate or the gold-source-cited rate drops below its threshold. The
thresholds are the figures of runs whose failures were read (commit and date in eval/README.md), lowered by
about two answerable and one unanswerable question. Results and a report per set are kept in
tests/output/eval_regression/<mode>-<set>/ for inspection.
"""

from __future__ import annotations

import pytest

from rag.config import REPO_ROOT, load_settings

pytestmark = pytest.mark.slow

QUESTIONS = REPO_ROOT / "eval" / "questions"
SEED_CORPUS = REPO_ROOT / "corpus"
REUTERS_CORPUS = REPO_ROOT / "eval" / "corpora" / "reuters-500"
LOCAL_QUESTIONS = 24
MAX_FAILURES = 0

# (mode, question file) -> (min answer accuracy, min refusal rate, min gold cited rate). Measured 2026-12-07,
# failures read. Extractive at extractive_threshold 0.6 (the default):
#   extractive  seed.jsonl        42/65 answered correctly, 14/18 refused, gold cited 42/42
#   extractive  rt-dev-a          26/56, 9/24, 26/26
#   extractive  rt-dev-b          23/56, 12/24, 23/23
# The default model at judge 0.55, check 0.4, joint 0.6 (the defaults), one passage per article, from full
# runs with the thresholds at 0, the same questions, compared at the defaults (runs at df14c42):
#   local       seed (24 asked)   10/12, 11/12, 10/10  (at the former defaults and passages: 11/12, 12/12)
#   local       rt-dev-b (24)     10/12, 10/12, 10/10  (former: 7/12, 9/12)
# With one passage (answer.max_sources 1, the default since 8f289d2), this test's own run, outputs read:
#   local       seed (24 asked)   10/12, 10/12, 10/10
#   local       rt-dev-b (24)     10/12, 10/12, 10/10
THRESHOLDS = {
    ("extractive", "seed.jsonl"): (40 / 65, 13 / 18, 0.95),
    ("extractive", "reuters/rt-dev-a.jsonl"): (24 / 56, 8 / 24, 0.95),
    ("extractive", "reuters/rt-dev-b.jsonl"): (21 / 56, 11 / 24, 0.95),
    ("local", "seed.jsonl"): (8 / 12, 10 / 12, 0.90),
    ("local", "reuters/rt-dev-b.jsonl"): (8 / 12, 9 / 12, 0.90),
}


def _interleaved(questions, n):
    """The first n questions, answerable and unanswerable alternating as long as both last."""
    ans = [q for q in questions if q.answerable]
    una = [q for q in questions if not q.answerable]
    out = []
    while len(out) < n and (ans or una):
        for pool in (ans, una):
            if pool and len(out) < n:
                out.append(pool.pop(0))
    return out


@pytest.fixture(scope="module")
def indexes(tmp_path_factory):
    from rag.ingest.pipeline import ingest

    out = {}
    for name, corpus in (("seed", SEED_CORPUS), ("reuters", REUTERS_CORPUS)):
        tmp = tmp_path_factory.mktemp(f"regression-{name}")
        settings = load_settings(env={}, overrides={
            "paths": {"index_dir": str(tmp / "index"), "feedback_file": str(tmp / "feedback.jsonl")}})
        report = ingest([corpus], settings, progress=False)
        assert report.articles >= 5 and not report.skipped
        out[name] = settings
    return out


_ANSWERERS: dict = {}


def _answerer(indexes, corpus: str, mode: str):
    from rag.ask.pipeline import Answerer

    key = (corpus, mode)
    if key not in _ANSWERERS:
        settings = indexes[corpus]
        if mode == "extractive":
            settings = settings.model_copy(update={"llm": settings.llm.model_copy(update={"provider": "extractive"})})
        answerer = Answerer.from_settings(settings)
        answerer.warmup()
        _ANSWERERS[key] = answerer
    return _ANSWERERS[key]


@pytest.mark.parametrize("mode, name", sorted(THRESHOLDS))
def test_question_set(mode, name, indexes, output_dir):
    from eval.questions import load_questions
    from eval.report import write_report
    from eval.runner import build_document, run_questions, save_document

    answerer = _answerer(indexes, "seed" if name == "seed.jsonl" else "reuters", mode)
    path = QUESTIONS / name
    questions = load_questions(path)
    if mode == "local":
        questions = _interleaved(questions, LOCAL_QUESTIONS)
    results, interrupted = run_questions(answerer, questions, progress=False)
    assert not interrupted
    doc = build_document(results, answerer.settings.to_public_dict(), meta={"questions_file": str(path)})
    out = output_dir / "eval_regression" / f"{mode}-{path.stem}"
    save_document(doc, out / "results.json")
    write_report(doc, out)

    s = doc["summary"]
    wrong = [f"{r['id']}: {r.get('error') or r['answer'][:100]}" for r in results if not r["correct"]]
    detail = f"\nsummary: { {k: s[k] for k in ('answer_accuracy', 'refusal_rate', 'gold_cited_rate')} }" \
             f"\nnot correct ({len(wrong)}):\n  " + "\n  ".join(wrong) + f"\nreport: {out / 'report.md'}"
    min_accuracy, min_refusal, min_gold = THRESHOLDS[(mode, name)]
    assert s["failures"] <= MAX_FAILURES, detail
    assert s["answer_accuracy"]["value"] >= min_accuracy, detail
    assert s["refusal_rate"]["value"] >= min_refusal, detail
    assert (s["gold_cited_rate"]["value"] or 0.0) >= min_gold, detail
