"""`newsrag ask "question" [--json] [--history FILE] [--outlet O] [--from D] [--to D] [--recent] [--dates prefer|filter|off]`:
answer one question from the indexed articles.

The filters are those of `newsrag retrieve` (rag/ask/retrieve_command.py): relative time in the question
("last week", "in March", "latest") is resolved against the collection's newest article and preferred
in the search (required with --dates filter); --from / --to / --outlet / --recent given here take precedence. The answer step itself is
unchanged: it runs with every retrieval limited to the filter (rag.ask.retrieve.scoped_stream).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rag.errors import NewsragError


def add_arguments(parser) -> None:
    parser.add_argument("question", help="the question, in quotes")
    parser.add_argument("--json", action="store_true", help="print the answer as one JSON object")
    parser.add_argument("--history", type=Path,
                        help='JSON file with the conversation so far: [{"role": "user"|"assistant", "content": "..."}]')
    from rag.ask.retrieve_command import add_filter_arguments

    add_filter_arguments(parser)


MAX_HISTORY_FILE_BYTES = 1_000_000


def _read_history(path: Path | None) -> list[dict] | None:
    if path is None:
        return None
    try:
        if path.stat().st_size > MAX_HISTORY_FILE_BYTES:
            raise NewsragError(f"the history file {path} is larger than {MAX_HISTORY_FILE_BYTES // 1000} KB; "
                               "keep only the last turns of the conversation")
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise NewsragError(f"cannot read the history file {path}: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise NewsragError(f"the history file {path} is not valid JSON ({exc.msg}, line {exc.lineno})") from exc
    return data


def render_text(answer) -> str:
    lines = [answer.answer, ""]
    if answer.standalone_question != answer.question:
        lines.insert(0, f"(understood as: {answer.standalone_question})\n")
    if answer.unsupported_sentences:
        lines.append("Removed, not supported by the articles:")
        lines += [f"  ! {s}" for s in answer.unsupported_sentences]
        lines.append("")
    if answer.citations:
        lines.append("Sources:")
        for c in answer.citations:
            title = c.title or c.doc_id
            if c.title_derived:
                title += " (title derived from the text)"
            meta = ", ".join(x for x in (c.outlet or "outlet unknown", c.published or "date unknown") if x)
            lines.append(f"  [{c.marker}] {title} ({meta}) [{c.doc_id}, chars {c.start}-{c.end}]")
            lines.append(f"      \u201c{c.quote}\u201d")
            if c.url:
                lines.append(f"      {c.url}")
        lines.append("")
        lines.append("References (APA):")
        lines += [f"  {r}" for r in answer.references.get("apa", [])]
        lines.append("References (MLA):")
        lines += [f"  {r}" for r in answer.references.get("mla", [])]
    return "\n".join(lines).rstrip() + "\n"


def run(args, settings) -> int:
    from rag.ask.history import check_history_size
    from rag.ask.pipeline import Answerer, validate_history, validate_question

    from rag.ask.retrieve import scoped_stream
    from rag.ask.retrieve_command import resolve_filter

    try:
        validate_question(args.question, settings)      # before loading anything
        history = validate_history(_read_history(args.history))
        check_history_size(history)                     # the same bounds as the web API
        answerer = Answerer.from_settings(settings)
        flt, scope, _text = resolve_filter(args, settings, answerer.retriever, args.question)
        if flt.active and answerer.retriever.count_chunks(flt) == 0:
            first, last = answerer.retriever.date_range()
            span = f" The indexed articles run from {first} to {last}." if first else ""
            raise NewsragError(f"no indexed article matches the search limits ({flt.describe()}"
                               + (f"; from the question: “{scope.matched_text}”" if scope else "")
                               + f").{span} Widen the dates (--from/--to), clear --outlet, or use --dates prefer.")
        answer = None
        for event in scoped_stream(answerer.stream(args.question, history), flt):
            if event.kind == "answer":
                answer = event.answer
        if answer is None:
            raise NewsragError("the answer step ended without an answer")
    except NewsragError as exc:
        print(f"newsrag: {exc}", file=sys.stderr)
        return 2
    if args.json:
        out = answer.to_dict()
        if flt:
            out["filter"] = flt.to_dict()
            out["time"] = scope.to_dict() if scope else None
        print(json.dumps(out, ensure_ascii=False))
    else:
        if flt:
            sys.stdout.write(f"(search limits: {flt.describe()}"
                             + (f"; from the question: “{scope.matched_text}”" if scope else "") + ")\n")
        sys.stdout.write(render_text(answer))
    return 0
