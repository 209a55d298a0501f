"""Prompt templates as data files (``prompts/*.yaml``), rendered strictly.

A template has a ``system`` and a ``user`` text with ``{name}`` placeholders. Rendering fails
with ``PromptError`` when a placeholder has no value or a value names no placeholder, so a typo
in a template can never silently drop the sources or the question. Literal braces are written
``{{`` and ``}}``. Values are inserted verbatim (never re-parsed), and the article excerpts are
fenced: anything in them that looks like the fence itself is neutralised.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from rag.ask.evidence import Source

NO_ANSWER = "NO_ANSWER"


class PromptError(ValueError):
    """A template file is missing or malformed, or a variable is missing or unknown."""


@dataclass(frozen=True)
class Template:
    name: str
    system: str
    user: str

    @property
    def variables(self) -> set[str]:
        return _fields(self.system) | _fields(self.user)

    def render(self, **values: str) -> list[BaseMessage]:
        needed = self.variables
        missing = sorted(needed - values.keys())
        extra = sorted(values.keys() - needed)
        if missing:
            raise PromptError(f"prompt {self.name!r}: no value for {', '.join(missing)}")
        if extra:
            raise PromptError(f"prompt {self.name!r}: unknown variable(s) {', '.join(extra)}")
        return [SystemMessage(content=_fill(self.system, values)), HumanMessage(content=_fill(self.user, values))]


def _fields(text: str) -> set[str]:
    out = set()
    for _, field_name, spec, conv in string.Formatter().parse(text):
        if field_name is None:
            continue
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", field_name) or spec or conv:
            raise PromptError(f"bad placeholder {{{field_name}}} in a prompt template: use plain {{name}}")
        out.add(field_name)
    return out


def _fill(text: str, values: dict[str, str]) -> str:
    parts = []
    for literal, field_name, _, _ in string.Formatter().parse(text):
        parts.append(literal)
        if field_name is not None:
            parts.append(str(values[field_name]))
    return "".join(parts)


@lru_cache(maxsize=32)
def _load(path: str, mtime: float) -> Template:
    import yaml

    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PromptError(f"prompt file {p} cannot be read: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("system"), str) or not isinstance(data.get("user"), str):
        raise PromptError(f"prompt file {p} must hold a 'system' and a 'user' text")
    template = Template(p.stem, data["system"], data["user"])
    template.variables  # noqa: B018 - validates the placeholders now
    return template


def load_template(name: str, prompts_dir: Path) -> Template:
    path = Path(prompts_dir) / f"{name}.yaml"
    if not path.is_file():
        raise PromptError(f"prompt template {path} is missing: restore it from the repository or fix paths.prompts_dir")
    return _load(str(path), path.stat().st_mtime)


_FENCE = re.compile(r"</?\s*sources\s*>", re.IGNORECASE)


def fence(text: str) -> str:
    """Neutralise anything in untrusted text that could close or reopen the sources fence."""
    return _FENCE.sub("[tag removed]", text).replace("\r", " ")


def format_sources(sources: Sequence[Source]) -> str:
    lines = []
    for src in sources:
        meta = ", ".join(x for x in (src.chunk.outlet, (src.chunk.published or "")[:10]) if x)
        head = f"[{src.number}]" + (f" ({fence(meta)})" if meta else "")
        title = f" {fence(src.chunk.title)}:" if src.chunk.title and not src.chunk.title_derived else ""
        lines.append(f"{head}{title} {fence(src.text)}")
    return "\n".join(lines)


def answer_messages(question: str, sources: Sequence[Source], prompts_dir: Path) -> list[BaseMessage]:
    return load_template("answer", prompts_dir).render(sources=format_sources(sources), question=fence(question))


def judge_messages(question: str, sources: Sequence[Source], prompts_dir: Path) -> list[BaseMessage]:
    return load_template("judge", prompts_dir).render(sources=format_sources(sources), question=fence(question))


def check_messages(question: str, answer: str, sources: Sequence[Source], prompts_dir: Path) -> list[BaseMessage]:
    return load_template("check", prompts_dir).render(sources=format_sources(sources), question=fence(question),
                                                      answer=fence(answer))


def compound_messages(question: str, prompts_dir: Path) -> list[BaseMessage]:
    return load_template("compound", prompts_dir).render(question=fence(question))


def split_messages(question: str, prompts_dir: Path) -> list[BaseMessage]:
    return load_template("split", prompts_dir).render(question=fence(question))


_SPLIT_LINE = re.compile(r"^\s*([12])[.)]\s*(.+?)\s*$", re.MULTILINE)


def parse_split(text: str, question: str) -> list[str]:
    """The two questions of a reply to prompts/split.yaml ("1. ...", "2. ..."), or [] when the reply is not two
    distinct questions of at least three words, each different from the question itself."""
    found: dict[str, str] = {}
    for number, part in _SPLIT_LINE.findall(text or ""):
        found.setdefault(number, part)
    parts = [found.get("1", ""), found.get("2", "")]
    norm = [" ".join(p.lower().split()).rstrip("?") for p in parts]
    whole = " ".join(question.lower().split()).rstrip("?")
    if any(len(p.split()) < 3 for p in parts) or norm[0] == norm[1] or whole in norm:
        return []
    return parts


def condense_messages(question: str, history: Sequence[dict], prompts_dir: Path, max_turns: int = 4) -> list[BaseMessage]:
    turns = [h for h in history if h.get("role") in ("user", "assistant") and str(h.get("content", "")).strip()]
    lines = [f"{'User' if h['role'] == 'user' else 'Assistant'}: {fence(str(h['content']).strip())[:600]}"
             for h in turns[-max_turns:]]
    return load_template("condense", prompts_dir).render(history="\n".join(lines), question=fence(question))
