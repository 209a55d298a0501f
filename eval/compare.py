"""Compare two results.json documents: what got better or worse, question by question, and summary deltas."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eval.metrics import LATENCY_METRICS, LOWER_IS_BETTER, RATE_METRICS, summarize


def outcome(r: Mapping[str, Any]) -> str:
    """One word per result: failed, correct, wrong, false-refusal, refused (unanswerable, correct),
    answered-unanswerable (unanswerable, answered anyway)."""
    if r.get("error"):
        return "failed"
    if r.get("answerable"):
        if r.get("abstained"):
            return "false-refusal"
        return "correct" if r.get("correct") else "wrong"
    return "refused" if r.get("abstained") else "answered-unanswerable"


def _summary(doc: Mapping[str, Any]) -> dict[str, Any]:
    # Recompute rather than trust a stored summary (older files, hand edits).
    return summarize(doc.get("results") or [])


def compare(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    old_by_id = {r["id"]: r for r in old.get("results") or []}
    new_by_id = {r["id"]: r for r in new.get("results") or []}
    changes = []
    unchanged = 0
    for qid, n in new_by_id.items():
        o = old_by_id.get(qid)
        if o is None:
            continue
        oc, nc = outcome(o), outcome(n)
        refusal_changed = bool(o.get("abstained")) != bool(n.get("abstained"))
        if bool(o.get("correct")) == bool(n.get("correct")) and not refusal_changed and oc == nc:
            unchanged += 1
            continue
        if not o.get("correct") and n.get("correct"):
            kind = "better"
        elif o.get("correct") and not n.get("correct"):
            kind = "worse"
        else:
            kind = "changed"           # e.g. wrong -> false refusal, or failed -> wrong
        changes.append({"id": qid, "question": n.get("question", ""), "kind": kind, "old": oc, "new": nc,
                        "refusal_changed": refusal_changed,
                        "old_answer": o.get("answer", ""), "new_answer": n.get("answer", ""),
                        "question_changed": o.get("question") != n.get("question")})
    so, sn = _summary(old), _summary(new)
    deltas = []
    for name in (*RATE_METRICS, *LATENCY_METRICS, "failures"):
        if name not in so and name not in sn:
            continue
        ov, on_ = _value(so.get(name)), _value(sn.get(name))
        delta = None if ov is None or on_ is None else on_ - ov
        better = None
        if delta:
            better = (delta < 0) if (name in LOWER_IS_BETTER or name == "failures") else (delta > 0)
        deltas.append({"metric": name, "old": ov, "new": on_, "delta": delta, "better": better,
                       "n_old": _n(so.get(name)), "n_new": _n(sn.get(name))})
    order = {"worse": 0, "better": 1, "changed": 2}
    changes.sort(key=lambda c: (order[c["kind"]], c["id"]))
    return {"changes": changes, "unchanged": unchanged, "deltas": deltas,
            "only_old": sorted(set(old_by_id) - set(new_by_id)),
            "only_new": sorted(set(new_by_id) - set(old_by_id)),
            "counts": {k: sum(c["kind"] == k for c in changes) for k in ("better", "worse", "changed")}}


def _value(m: Any) -> float | None:
    if isinstance(m, Mapping):
        return m.get("value")
    return float(m) if isinstance(m, (int, float)) else None


def _n(m: Any) -> int | None:
    return m.get("n") if isinstance(m, Mapping) else None


def _fmt(v: float | None, name: str) -> str:
    if v is None:
        return "n/a"
    if name in LATENCY_METRICS:
        return f"{v:.0f}"
    if name == "failures":
        return f"{v:.0f}"
    return f"{v:.3f}"


def _cell(text: str, limit: int = 160) -> str:
    text = " ".join((text or "").split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_compare(comp: Mapping[str, Any], *, old_label: str = "old", new_label: str = "new") -> str:
    """Markdown: summary deltas, then every question whose outcome changed (worse first)."""
    c = comp["counts"]
    lines = [f"## Comparison: {old_label} -> {new_label}", "",
             f"{c['better']} better, {c['worse']} worse, {c['changed']} changed otherwise, "
             f"{comp['unchanged']} unchanged.", ""]
    if comp["only_old"] or comp["only_new"]:
        lines += [f"Only in {old_label}: {', '.join(comp['only_old']) or '-'}; "
                  f"only in {new_label}: {', '.join(comp['only_new']) or '-'}.", ""]
    lines += ["| metric | old | new | delta | n old | n new |", "|---|---:|---:|---:|---:|---:|"]
    for d in comp["deltas"]:
        mark = "" if d["better"] is None else (" (better)" if d["better"] else " (worse)")
        delta = "n/a" if d["delta"] is None else f"{d['delta']:+.3f}" if d["metric"] not in (*LATENCY_METRICS, "failures") \
            else f"{d['delta']:+.0f}"
        lines.append(f"| {d['metric']} | {_fmt(d['old'], d['metric'])} | {_fmt(d['new'], d['metric'])} | "
                     f"{delta}{mark} | {d['n_old'] if d['n_old'] is not None else ''} | "
                     f"{d['n_new'] if d['n_new'] is not None else ''} |")
    lines.append("")
    if comp["changes"]:
        lines += ["| id | change | old | new | question | new answer |", "|---|---|---|---|---|---|"]
        for ch in comp["changes"]:
            note = " (question text changed)" if ch["question_changed"] else ""
            lines.append(f"| {ch['id']} | {ch['kind']} | {ch['old']} | {ch['new']} | {_cell(ch['question'], 90)}{note} | "
                         f"{_cell(ch['new_answer'])} |")
    else:
        lines.append("No question changed outcome.")
    return "\n".join(lines) + "\n"
