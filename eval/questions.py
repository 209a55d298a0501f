"""Question sets: JSONL, one question per line, validated with an error message per bad line.

    {"id": "q1", "question": "...", "answerable": true, "sources": ["000_7df45c5984f952ab"],
     "answers": ["20", "twenty"], "answers_all": ["..."]}

`answers`: correct if any appears in the answer; `answers_all`: correct only if all appear; both optional and
combinable, but an answerable question needs at least one of them. Optional extras: `type` (a label used for
the per-type table), `notes` (free text), `match` ("normalized", the default, or "contains": the
MultiHop-RAG rule, a plain case-insensitive substring), `evidence_facts` (MultiHop-RAG gold evidence strings,
for chunk-level retrieval metrics). Blank lines and lines starting with `#` are skipped.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from rag.errors import NewsragError

from eval.metrics import normalize

KNOWN_KEYS = {"id", "question", "answerable", "sources", "answers", "answers_all", "type", "notes", "match",
              "evidence_facts"}
MATCH_RULES = ("normalized", "contains")
MAX_ERRORS_SHOWN = 20


class QuestionFileError(NewsragError):
    """The question file is missing or has invalid lines; the message lists every problem by line."""

    def __init__(self, path: Path | str, problems: list[str]):
        self.path = str(path)
        self.problems = problems
        shown = problems[:MAX_ERRORS_SHOWN]
        more = f"\n  ... and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        super().__init__(f"question file {path} has {len(problems)} problem(s); fix them and run again:\n  "
                         + "\n  ".join(shown) + more)


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answerable: bool
    sources: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    answers_all: list[str] = field(default_factory=list)
    type: str | None = None
    notes: str | None = None
    match: str = "normalized"
    evidence_facts: list[str] | None = None
    line: int = 0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("line")
        return {k: v for k, v in d.items() if v is not None}


def _str_list(obj: dict, key: str, where: str, problems: list[str], *, nonempty_items: bool = True) -> list[str]:
    value = obj.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        problems.append(f"{where}: '{key}' must be a list of strings, got {json.dumps(value)[:80]}")
        return []
    if nonempty_items and any(not normalize(x) for x in value):
        problems.append(f"{where}: '{key}' contains an empty string (it would match nothing)")
    return value


def parse_question(obj: Any, where: str, problems: list[str]) -> Question | None:
    """Validate one decoded JSON line; append problems (prefixed with `where`) and return None if invalid."""
    before = len(problems)
    if not isinstance(obj, dict):
        problems.append(f"{where}: expected a JSON object, got {type(obj).__name__}")
        return None
    qid = obj.get("id")
    if isinstance(qid, int) and not isinstance(qid, bool):
        qid = str(qid)
    if not isinstance(qid, str) or not qid.strip():
        problems.append(f"{where}: 'id' is missing or empty (give every question a unique string id)")
    text = obj.get("question")
    if not isinstance(text, str) or not text.strip():
        problems.append(f"{where}: 'question' is missing or empty")
    answerable = obj.get("answerable")
    if not isinstance(answerable, bool):
        problems.append(f"{where}: 'answerable' must be true or false, got {json.dumps(answerable)}")
    sources = _str_list(obj, "sources", where, problems)
    answers = _str_list(obj, "answers", where, problems)
    answers_all = _str_list(obj, "answers_all", where, problems)
    facts = obj.get("evidence_facts")
    if facts is not None:
        facts = _str_list(obj, "evidence_facts", where, problems, nonempty_items=False)
    match = obj.get("match", "normalized")
    if match not in MATCH_RULES:
        problems.append(f"{where}: 'match' must be one of {', '.join(MATCH_RULES)}, got {json.dumps(match)}")
    for key in ("type", "notes"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            problems.append(f"{where}: '{key}' must be a string")
    if answerable is True and not answers and not answers_all:
        problems.append(f"{where}: an answerable question needs 'answers' or 'answers_all' to be graded")
    if answerable is False and (answers or answers_all):
        problems.append(f"{where}: an unanswerable question must not list answers (it is correct when the "
                        "system abstains); put hints in 'notes'")
    unknown = sorted(set(obj) - KNOWN_KEYS)
    if unknown:
        problems.append(f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(KNOWN_KEYS))})")
    if len(problems) > before:
        return None
    return Question(id=qid.strip(), question=text, answerable=answerable, sources=sources, answers=answers,
                    answers_all=answers_all, type=obj.get("type"), notes=obj.get("notes"), match=match,
                    evidence_facts=facts)


def parse_lines(lines: list[str], path: Path | str = "<questions>") -> list[Question]:
    problems: list[str] = []
    questions: list[Question] = []
    first_line: dict[str, int] = {}
    for lineno, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"line {lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        q = parse_question(obj, where, problems)
        if q is None:
            continue
        if q.id in first_line:
            problems.append(f"{where}: duplicate id {q.id!r} (first used on line {first_line[q.id]})")
            continue
        first_line[q.id] = lineno
        questions.append(replace(q, line=lineno))
    if problems:
        raise QuestionFileError(path, problems)
    if not questions:
        raise QuestionFileError(path, ["the file holds no questions"])
    return questions


def load_questions(path: str | Path) -> list[Question]:
    """Read and validate a JSONL question file. Raises QuestionFileError listing every bad line."""
    path = Path(path)
    if not path.is_file():
        raise QuestionFileError(path, [f"file not found (looked for {path.resolve()})"])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise QuestionFileError(path, [f"not UTF-8 text ({exc.reason} at byte {exc.start})"]) from exc
    return parse_lines(text.splitlines(), path)


def write_questions(questions: list[Question] | list[dict], path: str | Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for q in questions:
            d = q.to_dict() if isinstance(q, Question) else q
            fh.write(json.dumps(d, ensure_ascii=False) + "\n")
