"""Condense: turn a follow-up ("and how many did the U.S. stop?") into a standalone question.

A question asked without history, or one that reads as self-contained (no leading "and ...",
"what about ...", no pronoun standing for something said before), is used as it is. Otherwise
the chat model rewrites it with the conversation (prompts/condense.yaml); without a model (the
extractive mode) or when the rewrite is unusable, a heuristic adds the previous question's
subject to the new one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.ask import text as tx

_FOLLOW_UP_START = re.compile(
    r"^\s*(and|but|also|so|then|or|what about|how about|what of|same for|and what|and how|and who|and when|"
    r"and where|why|how come)\b", re.IGNORECASE)
_PRONOUNS = frozenset("he she it they them him his her hers its their theirs this that these those there "
                      "then former latter same".split())
_STRONG = frozenset("he she they them him".split())


def previous_user_questions(history: Sequence[dict] | None) -> list[str]:
    return [str(h.get("content", "")).strip() for h in (history or [])
            if h.get("role") == "user" and str(h.get("content", "")).strip()]


def needs_rewrite(question: str, history: Sequence[dict] | None) -> bool:
    if not previous_user_questions(history):
        return False
    if _FOLLOW_UP_START.match(question):
        return True
    raw = tx.words(question)
    toks = [tx.fold(w) for w in raw]
    if len(toks) <= 3:
        return True
    # a pronoun stands for something said before unless the question names its own subject first
    # ("How many troops did Mexico deploy to its border?" is self-contained)
    first_name = next((i for i, w in enumerate(raw) if i > 0 and w[:1].isupper() and tx.fold(w) not in _PRONOUNS),
                      len(raw))
    for i, t in enumerate(toks):
        if t in _PRONOUNS and (i < first_name or t in _STRONG):
            return i < first_name or first_name == len(raw)
    return False


def heuristic_condense(question: str, history: Sequence[dict] | None) -> str:
    """The question plus the previous question's terms it lacks (names only if it names none of its own)."""
    prev = previous_user_questions(history)
    if not prev:
        return question
    last = prev[-1]
    q = _FOLLOW_UP_START.sub("", question).strip(" ,") or question
    q = q[0].upper() + q[1:] if q else q
    own = set(tx.content_stems(q))
    own_names = {tx.stem(n) for n in tx.names("X " + q)}
    prev_names = {tx.stem(n) for n in tx.names("X " + last)}
    extra = []
    for w in tx.words(last):
        f = tx.fold(w)
        if f in tx.STOPWORDS or len(f) < 3:
            continue
        s = tx.stem(f)
        if s in own or any(s == tx.stem(x) for x in extra):
            continue
        if s in prev_names and own_names:
            continue   # the follow-up names its own subject ("... the U.S."): drop the old one
        extra.append(w)
    return f"{q.rstrip('?. ')} ({' '.join(extra)})?" if extra else q


def usable_rewrite(text: str, original: str) -> str | None:
    line = text.strip().splitlines()[0].strip() if text.strip() else ""
    line = re.sub(r"^(standalone question|question)\s*:\s*", "", line, flags=re.IGNORECASE).strip(" \"'")
    if not line or len(line) > max(400, 3 * len(original)) or "NO_ANSWER" in line:
        return None
    return line
