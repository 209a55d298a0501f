"""Evaluation harness for newsrag: question sets, pure metrics, the runner, reports and comparisons.

`newsrag eval` (eval/command.py) runs a JSONL question set through the same Answerer the chat uses and
writes results.json; `eval.metrics.summarize` recomputes its summary from the per-question records alone.
`eval` depends on `rag`; `rag` never imports `eval`.
"""
