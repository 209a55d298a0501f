"""Regression guard: the default configuration on eval/questions/seed.jsonl and the seventy-seven held-out sets.

Real ingest of corpus/ into a tmp dir with the real embedding model (once for all sets), and the default LLM
provider from settings (extractive unless newsrag.toml says otherwise). Fails when answer accuracy, refusal rate
or the gold-source-cited rate of a set drops below its thresholds below. The results and a report per set are
kept in tests/output/eval_regression/<set>/ for inspection.

Thresholds are the figures measured on 2026-12-02 at commit 791178a (extractive), lowered by about two answerable
and one unanswerable question (gold cited: 0.95; at bdc3793 it was 1.000 on every set but heldout-o, 0.981, and it
was 1.000 on the first runs of zzf to zzy but zzq, 0.982):

    set        answerable correct   unanswerable refused
    seed        62/65 (0.954)       18/18 (1.000)
    heldout-a   35/38 (0.921)       12/12 (1.000)
    heldout-b   36/38 (0.947)       10/10 (1.000)
    heldout-c   45/45 (1.000)       15/15 (1.000)
    heldout-d   43/44 (0.977)       16/16 (1.000)
    heldout-e   38/42 (0.905)       17/18 (0.944)
    heldout-f   39/42 (0.929)       18/18 (1.000)
    heldout-g   48/50 (0.960)       20/20 (1.000)
    heldout-h   52/56 (0.929)       24/24 (1.000)
    heldout-i   54/56 (0.964)       24/24 (1.000)
    heldout-j   48/56 (0.857)       24/24 (1.000)
    heldout-k   52/56 (0.929)       23/24 (0.958)
    heldout-l   52/56 (0.929)       23/24 (0.958)
    heldout-m   51/56 (0.911)       22/24 (0.917)
    heldout-n   53/56 (0.946)       24/24 (1.000)
    heldout-o   54/56 (0.964)       24/24 (1.000)
    heldout-p   53/56 (0.946)       24/24 (1.000)
    heldout-q   52/56 (0.929)       22/24 (0.917)
    heldout-r   56/56 (1.000)       24/24 (1.000)
    heldout-s   50/56 (0.893)       24/24 (1.000)
    heldout-t   53/56 (0.946)       24/24 (1.000)
    heldout-u   51/56 (0.911)       23/24 (0.958)
    heldout-v   55/56 (0.982)       24/24 (1.000)
    heldout-w   51/56 (0.911)       24/24 (1.000)
    heldout-x   52/56 (0.929)       23/24 (0.958)
    heldout-y   49/56 (0.875)       24/24 (1.000)
    heldout-z   56/56 (1.000)       23/24 (0.958)
    heldout-za  53/56 (0.946)       24/24 (1.000)
    heldout-zb  52/56 (0.929)       23/24 (0.958)
    heldout-zc  53/56 (0.946)       24/24 (1.000)
    heldout-zd  53/56 (0.946)       24/24 (1.000)
    heldout-ze  51/56 (0.911)       24/24 (1.000)
    heldout-zf  53/56 (0.946)       23/24 (0.958)
    heldout-zg  49/56 (0.875)       23/24 (0.958)
    heldout-zh  53/56 (0.946)       24/24 (1.000)
    heldout-zi  50/56 (0.893)       24/24 (1.000)
    heldout-zj  49/56 (0.875)       24/24 (1.000)
    heldout-zk  51/56 (0.911)       22/24 (0.917)
    heldout-zl  50/56 (0.893)       24/24 (1.000)
    heldout-zm  50/56 (0.893)       24/24 (1.000)
    heldout-zn  54/56 (0.964)       24/24 (1.000)
    heldout-zo  50/56 (0.893)       21/24 (0.875)
    heldout-zp  54/56 (0.964)       21/24 (0.875)
    heldout-zq  51/56 (0.911)       20/24 (0.833)
    heldout-zr  53/56 (0.946)       23/24 (0.958)
    heldout-zs  49/56 (0.875)       19/24 (0.792)
    heldout-zt  53/56 (0.946)       24/24 (1.000)
    heldout-zu  53/56 (0.946)       23/24 (0.958)
    heldout-zv  56/56 (1.000)       24/24 (1.000)
    heldout-zw  50/56 (0.893)       24/24 (1.000)
    heldout-zx  53/56 (0.946)       23/24 (0.958)
    heldout-zy  54/56 (0.964)       21/24 (0.875)
    heldout-zz  53/56 (0.946)       24/24 (1.000)
    heldout-zza  55/56 (0.982)       21/24 (0.875)
    heldout-zzb  51/56 (0.911)       24/24 (1.000)
    heldout-zzc  52/56 (0.929)       22/24 (0.917)
    heldout-zzd  54/56 (0.964)       24/24 (1.000)
    heldout-zze  52/56 (0.929)       22/24 (0.917)
    heldout-zzf  53/56 (0.946)       23/24 (0.958)
    heldout-zzg  53/56 (0.946)       21/24 (0.875)
    heldout-zzh  53/56 (0.946)       24/24 (1.000)
    heldout-zzi  55/56 (0.982)       21/24 (0.875)
    heldout-zzj  48/56 (0.857)       23/24 (0.958)
    heldout-zzk  51/56 (0.911)       23/24 (0.958)
    heldout-zzl  53/56 (0.946)       23/24 (0.958)
    heldout-zzm  51/56 (0.911)       24/24 (1.000)
    heldout-zzn  51/56 (0.911)       22/24 (0.917)
    heldout-zzo  54/56 (0.964)       24/24 (1.000)
    heldout-zzp  51/56 (0.911)       22/24 (0.917)
    heldout-zzq  55/56 (0.982)       24/24 (1.000)
    heldout-zzr  53/56 (0.946)       24/24 (1.000)
    heldout-zzs  53/56 (0.946)       22/24 (0.917)
    heldout-zzt  54/56 (0.964)       23/24 (0.958)
    heldout-zzu  54/56 (0.964)       24/24 (1.000)
    heldout-zzv  54/56 (0.964)       23/24 (0.958)
    heldout-zzw  54/56 (0.964)       23/24 (0.958)
    heldout-zzx  50/56 (0.893)       22/24 (0.917)
    heldout-zzy  53/56 (0.946)       23/24 (0.958)

Each held-out set was first run once, unseen, before its failures were read; those first-run figures (README.md,
eval/README.md) are the estimate for questions nobody tuned on. heldout-t and heldout-u were run once at d707e9c and
not looked at until their failures were listed at c1b4aa4. heldout-z to -zi were written in pairs during the stop that ended at c1b4aa4 and each pair was
run once at the commit then current (z, za at c572903; zb, zc at 0ac4c71; zd, ze at 5b51c00; zf, zg at 591f5c3;
zh, zi at c1b4aa4) before its failures were read. The next stop wrote zj to zo: zj, zk were first run at
e8d2015 (accuracy 0.884, refusals 0.833); zl, zm at 2c0ad2f (0.866, 0.917); zn, zo at 4f5ef07 (0.920, 0.813);
each pair was read after its first run. zp, zq, zr, zs (seven answerable and three unanswerable
questions of every type) were first run together at 75bfe6f: accuracy 0.893, refusals 0.688; then read.
zt, zu, zv, zw (as zp to zs) were first run together at f412e27: accuracy 0.911, refusals 0.771; then read.
zx, zy, zz, zza (as zp to zs) were first run together at 5938dbf: accuracy 0.946, refusals 0.854; then read.
zzb, zzc, zzd, zze (as zp to zs) were first run together at bdc3793, whose figures they are: accuracy 0.929,
refusals 0.885; read in the next stop. zzf, zzg, zzh, zzi were first run together at 1442462: accuracy 0.920,
refusals 0.854; then read. zzj, zzk, zzl, zzm were first run together at f39688e: accuracy 0.902, refusals 0.885;
then listed (one fix, for zzk's "where ... from originally"). zzn, zzo, zzp, zzq were first run together at
559967a: accuracy 0.933, refusals 0.865; then read. zzr, zzs, zzt, zzu were first run together at 95a1700, after
the checks written from zzn to zzq: accuracy 0.955, refusals 0.958; then listed. zzv, zzw, zzx, zzy were first run
together at 8d83b2a: accuracy 0.942, refusals 0.948; then listed.
The guard keeps the figures from getting worse.
"""

import pytest

from rag.config import REPO_ROOT, load_settings

QUESTIONS = REPO_ROOT / "eval" / "questions"
SEED = QUESTIONS / "seed.jsonl"

MIN_GOLD_CITED_RATE = 0.95
MAX_FAILURES = 0

# file -> (min answer accuracy, min refusal rate, min gold cited rate)
THRESHOLDS = {
    "seed.jsonl": (0.92, 0.94, MIN_GOLD_CITED_RATE),
    "heldout-a.jsonl": (0.86, 0.91, MIN_GOLD_CITED_RATE),
    "heldout-b.jsonl": (0.89, 0.90, MIN_GOLD_CITED_RATE),
    "heldout-c.jsonl": (0.95, 0.93, MIN_GOLD_CITED_RATE),
    "heldout-d.jsonl": (0.93, 0.93, MIN_GOLD_CITED_RATE),
    "heldout-e.jsonl": (0.85, 0.88, MIN_GOLD_CITED_RATE),
    "heldout-f.jsonl": (0.88, 0.94, MIN_GOLD_CITED_RATE),
    "heldout-g.jsonl": (0.92, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-h.jsonl": (0.89, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-i.jsonl": (0.92, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-j.jsonl": (0.82, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-k.jsonl": (0.89, 0.91, MIN_GOLD_CITED_RATE),
    "heldout-l.jsonl": (0.89, 0.91, MIN_GOLD_CITED_RATE),
    "heldout-m.jsonl": (0.87, 0.87, MIN_GOLD_CITED_RATE),
    "heldout-n.jsonl": (0.91, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-o.jsonl": (0.92, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-p.jsonl": (0.91, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-q.jsonl": (0.89, 0.87, MIN_GOLD_CITED_RATE),
    "heldout-r.jsonl": (0.96, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-s.jsonl": (0.85, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-t.jsonl": (0.91, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-u.jsonl": (0.87, 0.91, MIN_GOLD_CITED_RATE),
    "heldout-v.jsonl": (0.94, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-w.jsonl": (0.87, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-x.jsonl": (0.89, 0.91, MIN_GOLD_CITED_RATE),
    "heldout-y.jsonl": (0.83, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-z.jsonl": (0.96, 0.91, MIN_GOLD_CITED_RATE),
    "heldout-za.jsonl": (0.91, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-zb.jsonl": (0.89, 0.91, MIN_GOLD_CITED_RATE),
    "heldout-zc.jsonl": (0.91, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-zd.jsonl": (0.91, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-ze.jsonl": (0.87, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-zf.jsonl": (0.91, 0.91, MIN_GOLD_CITED_RATE),
    "heldout-zg.jsonl": (0.83, 0.91, MIN_GOLD_CITED_RATE),
    "heldout-zh.jsonl": (0.91, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-zi.jsonl": (0.85, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-zj.jsonl": (0.83, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-zk.jsonl": (0.87, 0.87, MIN_GOLD_CITED_RATE),
    "heldout-zl.jsonl": (0.85, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-zm.jsonl": (0.85, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-zn.jsonl": (0.92, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-zo.jsonl": (0.85, 0.83, MIN_GOLD_CITED_RATE),
    "heldout-zp.jsonl": (0.92, 0.83, MIN_GOLD_CITED_RATE),
    "heldout-zq.jsonl": (0.87, 0.79, MIN_GOLD_CITED_RATE),
    "heldout-zr.jsonl": (0.91, 0.91, MIN_GOLD_CITED_RATE),
    "heldout-zs.jsonl": (0.83, 0.75, MIN_GOLD_CITED_RATE),
    "heldout-zt.jsonl": (0.91, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-zu.jsonl": (0.91, 0.91, MIN_GOLD_CITED_RATE),
    "heldout-zv.jsonl": (0.96, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-zw.jsonl": (0.85, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-zx.jsonl": (0.91, 0.91, MIN_GOLD_CITED_RATE),
    "heldout-zy.jsonl": (0.92, 0.83, MIN_GOLD_CITED_RATE),
    "heldout-zz.jsonl": (0.91, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-zza.jsonl": (0.94, 0.83, MIN_GOLD_CITED_RATE),
    "heldout-zzb.jsonl": (0.87, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-zzc.jsonl": (0.89, 0.87, MIN_GOLD_CITED_RATE),
    "heldout-zzd.jsonl": (0.92, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-zze.jsonl": (0.89, 0.87, MIN_GOLD_CITED_RATE),
    "heldout-zzf.jsonl": (0.91, 0.91, MIN_GOLD_CITED_RATE),
    "heldout-zzg.jsonl": (0.91, 0.83, MIN_GOLD_CITED_RATE),
    "heldout-zzh.jsonl": (0.91, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-zzi.jsonl": (0.94, 0.83, MIN_GOLD_CITED_RATE),
    "heldout-zzj.jsonl": (0.82, 0.91, MIN_GOLD_CITED_RATE),
    "heldout-zzk.jsonl": (0.87, 0.91, MIN_GOLD_CITED_RATE),
    "heldout-zzl.jsonl": (0.91, 0.91, MIN_GOLD_CITED_RATE),
    "heldout-zzm.jsonl": (0.87, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-zzn.jsonl": (0.87, 0.87, MIN_GOLD_CITED_RATE),
    "heldout-zzo.jsonl": (0.92, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-zzp.jsonl": (0.87, 0.87, MIN_GOLD_CITED_RATE),
    "heldout-zzq.jsonl": (0.94, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-zzr.jsonl": (0.91, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-zzs.jsonl": (0.91, 0.87, MIN_GOLD_CITED_RATE),
    "heldout-zzt.jsonl": (0.92, 0.91, MIN_GOLD_CITED_RATE),
    "heldout-zzu.jsonl": (0.92, 0.95, MIN_GOLD_CITED_RATE),
    "heldout-zzv.jsonl": (0.92, 0.91, MIN_GOLD_CITED_RATE),
    "heldout-zzw.jsonl": (0.92, 0.91, MIN_GOLD_CITED_RATE),
    "heldout-zzx.jsonl": (0.85, 0.87, MIN_GOLD_CITED_RATE),
    "heldout-zzy.jsonl": (0.91, 0.91, MIN_GOLD_CITED_RATE),
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
