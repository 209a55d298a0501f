"""`newsrag retrieve "question" [--k N] [--json] [--outlet O] [--from D] [--to D] [--recent] [--dates prefer|filter|off]`:
the ranked passages, with document, offsets and scores.

Relative time in the question ("last week", "in March", "latest") is resolved against the collection's
newest article (or ``--now`` / ``retrieval.reference_date``); by default that range is preferred
(ranked higher, nothing excluded), with ``--dates filter`` it is required. ``--from``, ``--to`` (always
required) and ``--recent`` given on the command line take precedence over what the question says.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap

from rag.errors import NewsragError


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """--outlet --from --to --recent --now --dates: shared by `retrieve` and `ask`."""
    parser.add_argument("--outlet", help="only articles whose outlet contains this text (case-insensitive)")
    parser.add_argument("--from", dest="published_from", metavar="DATE",
                        help="only articles published in or after DATE (1987, 1987-03 or 1987-03-09)")
    parser.add_argument("--to", dest="published_to", metavar="DATE",
                        help="only articles published in or before DATE")
    parser.add_argument("--recent", action="store_true", default=None,
                        help="among passages about as relevant, put the newer first")
    parser.add_argument("--dates", choices=["prefer", "filter", "off"], default="prefer",
                        help="relative time in the question (\"last week\", \"in March\", \"latest\"): prefer "
                             "(default) ranks articles of that range higher and still searches all (an event of "
                             "March can be reported later); filter searches only that range; off ignores it")
    parser.add_argument("--now", metavar="DAY",
                        help="the day relative time counts from (default: retrieval.reference_date, else the "
                             "newest article's day)")


def resolve_filter(args: argparse.Namespace, settings, retriever, question: str):
    """(SearchFilter, TimeScope or None, the text to search) from the flags and the question."""
    from rag.ask.dates import reference_date
    from rag.ask.retrieve import filter_for_question

    now = reference_date(retriever, args.now or settings.retrieval.reference_date)
    return filter_for_question(question, now, outlet=args.outlet, published_from=args.published_from,
                               published_to=args.published_to, prefer_recent=bool(args.recent), dates=args.dates)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", help="the question to search for")
    parser.add_argument("--k", type=int, default=None, help="number of passages (default: retrieval.k)")
    parser.add_argument("--json", action="store_true", help="print the passages as JSON")
    add_filter_arguments(parser)
    parser.add_argument("--full", action="store_true", help="print whole passages instead of the first lines")


def run(args: argparse.Namespace, settings) -> int:
    from rag.ask.retrieve import Retriever

    if args.k is not None and not 1 <= args.k <= 1000:
        print("newsrag retrieve: --k must be between 1 and 1000", file=sys.stderr)
        return 2
    try:
        retriever = Retriever.from_settings(settings)
        flt, scope, text = resolve_filter(args, settings, retriever, args.question)
        results = retriever.retrieve(text, args.k, search_filter=flt)
    except NewsragError as exc:
        print(f"newsrag retrieve: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"question": args.question, "searched": text, "filter": flt.to_dict(),
                          "time": scope.to_dict() if scope else None,
                          "passages": [r.to_dict() for r in results]}, indent=2, ensure_ascii=False))
        return 0
    if flt:
        print(f"Searching {text!r} (limits: {flt.describe()}"
              + (f"; from the question: “{scope.matched_text}”" if scope else "") + ")\n")
    if not results:
        if flt.active and retriever.count_chunks(flt) == 0:
            first, last = retriever.date_range()
            print(f"No indexed article matches these limits ({flt.describe()})."
                  + (f" The indexed articles run from {first} to {last}." if first else ""))
        else:
            print("No passages found (is the index empty, or do the filters exclude everything?).")
        return 0
    for r in results:
        c = r.chunk
        bm25 = f"{r.bm25:.2f}" if r.bm25 is not None else "-"
        print(f"[{r.rank}] score {r.score:.3f}  (dense {r.dense:.3f}, bm25 {bm25}, rrf {r.rrf:.4f})")
        title = (c.title or c.doc_id) + (" [title derived from the lede]" if c.title_derived else "")
        print(f"    {c.doc_id}  chars {c.start}-{c.end}  chunk {c.chunk_id[:12]}")
        print(f"    {title}")
        print(f"    {c.outlet or 'outlet unknown'}, {c.published or 'date unknown'}" + (f", {c.url}" if c.url else ""))
        text = " ".join(c.text.split())
        if not args.full and len(text) > 400:
            text = text[:400].rsplit(" ", 1)[0] + " …"
        print(textwrap.indent(textwrap.fill(text, width=100), "    | "))
        print()
    return 0
