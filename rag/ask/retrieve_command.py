"""`newsrag retrieve "question" [--k N] [--json]`: the ranked passages, with document, offsets and scores."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap

from rag.errors import NewsragError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", help="the question to search for")
    parser.add_argument("--k", type=int, default=None, help="number of passages (default: retrieval.k)")
    parser.add_argument("--json", action="store_true", help="print the passages as JSON")
    parser.add_argument("--outlet", help="only articles whose outlet contains this text (case-insensitive)")
    parser.add_argument("--from", dest="published_from", metavar="DATE",
                        help="only articles published in or after DATE (2024, 2024-05 or 2024-05-03)")
    parser.add_argument("--to", dest="published_to", metavar="DATE",
                        help="only articles published in or before DATE")
    parser.add_argument("--full", action="store_true", help="print whole passages instead of the first lines")


def run(args: argparse.Namespace, settings) -> int:
    from rag.ask.retrieve import Retriever

    if args.k is not None and not 1 <= args.k <= 1000:
        print("newsrag retrieve: --k must be between 1 and 1000", file=sys.stderr)
        return 2
    try:
        retriever = Retriever.from_settings(settings)
        results = retriever.retrieve(args.question, args.k, outlet=args.outlet,
                                     published_from=args.published_from, published_to=args.published_to)
    except NewsragError as exc:
        print(f"newsrag retrieve: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"question": args.question, "passages": [r.to_dict() for r in results]},
                         indent=2, ensure_ascii=False))
        return 0
    if not results:
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
