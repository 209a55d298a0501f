"""Read: a language model judges whether the numbered sources answer the question, then drafts the answer.

The judgement is a number, not an obeyed instruction: p(yes) / (p(yes) + p(no)) for the first token of the
model's reply to prompts/judge.yaml, read from token log-probabilities (llama.cpp for the bundled models, the
``logprobs`` field of an OpenAI-compatible server). A backend that gives no log-probabilities is read from its
reply's first word (1.0 for yes, 0.0 for anything else), which is weaker and said so in ``Judgement.source``.
The threshold it is compared with (``answer.judge_threshold``) is calibrated on development question sets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage

from rag.backends.llamacpp import yes_probability
from rag.backends.llms import describe_backend_failure
from rag.config import Settings


@dataclass(frozen=True)
class Judgement:
    p_yes: float
    source: str          # "logprobs" or "text"


def judge(llm: BaseChatModel, messages: Sequence[BaseMessage], settings: Settings) -> Judgement:
    """How likely the model thinks the sources answer the question (see the module docstring)."""
    try:
        direct = getattr(llm, "yes_probability", None)
        if callable(direct):
            p = direct(list(messages))
            if p is not None:
                return Judgement(p, "logprobs")
        if settings.llm.provider == "openai":
            reply = llm.bind(logprobs=True, top_logprobs=10, max_tokens=1).invoke(list(messages))
            content = ((reply.response_metadata or {}).get("logprobs") or {}).get("content") or []
            if content:
                p = yes_probability({str(alt.get("token", "")): float(alt.get("logprob", -100.0))
                                     for alt in content[0].get("top_logprobs") or []})
                if p is not None:
                    return Judgement(p, "logprobs")
        else:
            reply = llm.invoke(list(messages))
    except Exception as exc:
        raise describe_backend_failure(settings, exc) from exc
    text = reply.content if isinstance(reply.content, str) else str(reply.content)
    first = re.match(r"\W*(\w+)", text or "")
    return Judgement(1.0 if first and first.group(1).lower() == "yes" else 0.0, "text")
