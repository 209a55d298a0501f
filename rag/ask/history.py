"""Bounds on a conversation history handed to the answer step, the same for the web API and the CLI."""

from __future__ import annotations

from typing import Any

from rag.errors import QuestionError

MAX_HISTORY_MESSAGES = 40
MAX_HISTORY_CHARS = 20_000


def check_history_size(history: Any) -> None:
    """QuestionError when ``history`` (a list of {"role", "content"} messages) is over the bounds."""
    if not isinstance(history, (list, tuple)):
        return
    if len(history) > MAX_HISTORY_MESSAGES:
        raise QuestionError(f"history has {len(history)} messages; at most {MAX_HISTORY_MESSAGES} are accepted.")
    total = sum(len(item["content"]) for item in history
                if isinstance(item, dict) and isinstance(item.get("content"), str))
    if total > MAX_HISTORY_CHARS:
        raise QuestionError(f"history holds {total} characters; at most {MAX_HISTORY_CHARS} are accepted.")
