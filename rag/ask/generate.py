"""Generate: stream the draft answer from the chat model, converting vendor failures into BackendError."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage

from rag.backends.llms import describe_backend_failure
from rag.config import Settings


def stream_draft(llm: BaseChatModel, messages: Sequence[BaseMessage], settings: Settings) -> Iterator[str]:
    """Yield the model's text piece by piece; any failure becomes a BackendError naming the setting to change."""
    try:
        for chunk in llm.stream(list(messages)):
            piece = chunk.content if isinstance(chunk.content, str) else "".join(
                p.get("text", "") if isinstance(p, dict) else str(p) for p in chunk.content)
            if piece:
                yield piece
    except Exception as exc:
        raise describe_backend_failure(settings, exc) from exc


def complete(llm: BaseChatModel, messages: Sequence[BaseMessage], settings: Settings) -> str:
    return "".join(stream_draft(llm, messages, settings))
