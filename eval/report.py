"""Markdown report with PNG plots (matplotlib, Agg backend) for one results.json document."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from eval.compare import compare, format_compare, outcome
from eval.metrics import KS, LATENCY_METRICS, RATE_METRICS, cited_doc_ids, summarize

DESCRIPTIONS = {
    "answer_accuracy": "answerable questions answered correctly (failures count as wrong)",
    "refusal_rate": "unanswerable questions the system declined to answer",
    "false_refusal_rate": "answerable questions the system declined to answer (lower is better)",
    "overall_accuracy": "all questions graded correct (answerable: right answer; unanswerable: abstained)",
    **{f"hit@{k}": f"a gold source document among the first {k} retrieved documents" for k in KS},
    **{f"mrr@{k}": f"mean reciprocal rank of the first gold document within the top {k}" for k in KS},
    "citation_precision": "cited documents that are gold sources (micro average over answered questions)",
    "citation_recall": "gold source documents that were cited (micro average over answered questions)",
    "gold_cited_rate": "correct answers that cite at least one gold source",
    "answer_quoted_rate": "correct answers whose cited quotes hold the answer too",
    "supported_sentence_share": "answer sentences verified as supported, of all answer sentences",
    "citation_supported_share": "citations flagged supported by the verifier",
    "chunk_hits@4": "MultiHop-RAG: a chunk holding a gold evidence fact among the first 4 passages",
    "chunk_hits@10": "MultiHop-RAG: a chunk holding a gold evidence fact among the first 10 passages",
    "chunk_mrr@10": "MultiHop-RAG: reciprocal rank of the first chunk holding a gold evidence fact",
    "latency_p50_ms": "median time per answer (timings_ms.total), milliseconds",
    "latency_p95_ms": "95th percentile time per answer, milliseconds",
}

OUTCOME_COLORS = {"correct": "#2e7d32", "refused": "#66bb6a", "wrong": "#c62828",
                  "answered-unanswerable": "#ef6c00", "false-refusal": "#f9a825", "failed": "#424242"}


def _cell(text: Any, limit: int = 300) -> str:
    text = " ".join(str(text if text is not None else "").split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fmt(name: str, v: float | None) -> str:
    if v is None:
        return "n/a"
    return f"{v:.0f}" if name in LATENCY_METRICS else f"{v:.3f}"


def summary_table(summary: Mapping[str, Any]) -> list[str]:
    lines = ["| metric | value | n | meaning |", "|---|---:|---:|---|"]
    for name in (*RATE_METRICS, *LATENCY_METRICS):
        m = summary.get(name)
        if not isinstance(m, Mapping):
            continue
        lines.append(f"| {name} | {_fmt(name, m.get('value'))} | {m.get('n')} | {DESCRIPTIONS.get(name, '')} |")
    lines.append(f"| failures | {summary.get('failures', 0)} | {summary.get('questions', 0)} | "
                 "questions on which the system raised an error |")
    return lines


def _plot_metrics(summary: Mapping[str, Any], path: Path) -> None:
    import matplotlib.pyplot as plt

    names = [n for n in RATE_METRICS if isinstance(summary.get(n), Mapping) and summary[n].get("value") is not None]
    values = [summary[n]["value"] for n in names]
    fig, ax = plt.subplots(figsize=(8, 0.38 * len(names) + 1.2))
    bars = ax.barh(range(len(names)), values, color=["#c62828" if n == "false_refusal_rate" else "#1565c0"
                                                     for n in names])
    ax.set_yticks(range(len(names)), [f"{n} (n={summary[n]['n']})" for n in names])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.12)
    for bar, v in zip(bars, values):
        ax.text(bar.get_width() + 0.01, bar.get_y() + bar.get_height() / 2, f"{v:.2f}", va="center", fontsize=8)
    ax.set_xlabel("rate (false_refusal_rate: lower is better)")
    ax.set_title("Metrics")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _plot_latency(results: list[Mapping[str, Any]], path: Path) -> None:
    import matplotlib.pyplot as plt

    secs = [r["timings_ms"]["total"] / 1000.0 for r in results
            if not r.get("error") and isinstance(r.get("timings_ms"), Mapping) and r["timings_ms"].get("total") is not None]
    fig, ax = plt.subplots(figsize=(7, 3.6))
    if secs:
        ax.hist(secs, bins=min(30, max(5, int(math.sqrt(len(secs))) * 2)), color="#1565c0", edgecolor="white")
        xs = sorted(secs)
        for p, style in ((50, "--"), (95, ":")):
            pos = (len(xs) - 1) * p / 100
            lo, hi = math.floor(pos), math.ceil(pos)
            v = xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)
            ax.axvline(v, color="black", linestyle=style, label=f"p{p} = {v:.2f} s")
        ax.legend()
    else:
        ax.text(0.5, 0.5, "no timings", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlabel("seconds per answer (timings_ms.total)")
    ax.set_ylabel("questions")
    ax.set_title(f"Latency (n={len(secs)})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _plot_outcomes(results: list[Mapping[str, Any]], path: Path) -> None:
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch, Rectangle

    outs = [outcome(r) for r in results]
    ncols = 10
    nrows = max(1, math.ceil(len(results) / ncols))
    fig, ax = plt.subplots(figsize=(10, 0.42 * nrows + 1.4))
    for i, (r, o) in enumerate(zip(results, outs)):
        row, col = divmod(i, ncols)
        ax.add_patch(Rectangle((col, nrows - 1 - row), 0.95, 0.9, color=OUTCOME_COLORS[o]))
        ax.text(col + 0.47, nrows - 1 - row + 0.45, str(r.get("id", ""))[-12:], ha="center", va="center",
                fontsize=6.5, color="black" if o in ("refused", "false-refusal") else "white")
    ax.set_xlim(0, ncols)
    ax.set_ylim(0, nrows)
    ax.axis("off")
    counts = Counter(outs)
    ax.legend(handles=[Patch(color=c, label=f"{k} ({counts.get(k, 0)})") for k, c in OUTCOME_COLORS.items()],
              loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=8, frameon=False)
    ax.set_title("Per-question outcome (in file order)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(doc: Mapping[str, Any], out_dir: str | Path, *, old_doc: Mapping[str, Any] | None = None,
                 old_label: str = "old") -> Path:
    """Write report.md, metrics.png, latency.png and outcomes.png into out_dir; return report.md's path."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    results = list(doc.get("results") or [])
    summary = summarize(results)
    _plot_metrics(summary, out / "metrics.png")
    _plot_latency(results, out / "latency.png")
    _plot_outcomes(results, out / "outcomes.png")

    settings = doc.get("settings") or {}
    llm = settings.get("llm") or {}
    emb = settings.get("embedding") or {}
    meta = doc.get("meta") or {}
    lines = ["# newsrag evaluation report", ""]
    lines += [f"- questions: `{meta.get('questions_file', '?')}` ({summary['questions']} questions: "
              f"{summary['answerable']} answerable, {summary['unanswerable']} unanswerable)",
              f"- LLM: `{llm.get('provider', '?')}`" + (f" model `{llm['model']}`" if llm.get("model") else "")
              + f"; embeddings: `{emb.get('provider', '?')}` `{emb.get('model', '')}`",
              f"- run: {meta.get('started', '?')} .. {meta.get('finished', '?')}"
              + (" (INTERRUPTED: partial results)" if meta.get("interrupted") else ""),
              f"- failures (exceptions): {summary['failures']}", "",
              "Small sets: read every rate with its n. Citation precision/recall are micro averages.", "",
              "## Summary", ""]
    lines += summary_table(summary)
    lines += ["", "![metrics](metrics.png)", ""]
    if summary.get("by_type"):
        lines += ["## Accuracy by question type", "", "| type | n | correct | accuracy |", "|---|---:|---:|---:|"]
        for t, row in summary["by_type"].items():
            lines.append(f"| {t} | {row['n']} | {row['correct']} | {row['accuracy']:.3f} |")
        lines.append("")
    counts = Counter(outcome(r) for r in results)
    lines += ["## Outcomes", "", "| outcome | questions |", "|---|---:|"]
    lines += [f"| {k} | {counts.get(k, 0)} |" for k in OUTCOME_COLORS]
    lines += ["", "![outcomes](outcomes.png)", "", "## Latency", "", "![latency](latency.png)", ""]

    bad = [r for r in results if not r.get("correct")]
    lines += [f"## Failures ({len(bad)} questions not graded correct)", ""]
    if bad:
        lines += ["| id | outcome | question | expected | answer | cited | top retrieved |", "|---|---|---|---|---|---|---|"]
        for r in bad:
            exp = "abstain" if not r.get("answerable") else "; ".join(
                ([("any of: " + ", ".join(r["answers"]))] if r.get("answers") else [])
                + ([("all of: " + ", ".join(r["answers_all"]))] if r.get("answers_all") else []))
            ans = f"ERROR {r['error']}" if r.get("error") else ("(abstained) " if r.get("abstained") else "") + (r.get("answer") or "")
            lines.append(f"| {r.get('id')} | {outcome(r)} | {_cell(r.get('question'), 120)} | {_cell(exp, 80)} | "
                         f"{_cell(ans)} | {_cell(', '.join(cited_doc_ids(r)), 60)} | "
                         f"{_cell(', '.join((r.get('retrieved_doc_ids') or [])[:3]), 70)} |")
    else:
        lines.append("None.")
    lines.append("")
    if old_doc is not None:
        lines.append(format_compare(compare(old_doc, doc), old_label=old_label, new_label="this run"))
    path = out / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
