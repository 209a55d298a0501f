"""`newsrag ingest [PATH ...]`: index articles (default: the bundled corpus/)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rag.errors import NewsragError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="files or folders (.txt .md .html .pdf .jsonl, plus a metadata.json sidecar); "
                             "default: paths.corpus from the settings (corpus/)")
    parser.add_argument("--prune", action="store_true",
                        help="remove articles from the index that are no longer in the given paths")
    parser.add_argument("--rebuild", action="store_true",
                        help="drop the index and build it again (e.g. after changing the embedding model)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args: argparse.Namespace, settings) -> int:
    from rag.ingest.load import safe_name
    from rag.ingest.pipeline import ingest

    paths = list(args.paths) or list(settings.paths.corpus)
    print(f"Ingesting {', '.join(safe_name(p) for p in paths)} "
          f"(embedding model: {settings.embedding.provider}"
          f"{'' if settings.embedding.provider == 'fake' else ' ' + settings.embedding.model})", file=sys.stderr)

    def log(message: str) -> None:
        print(f"  {safe_name(message)}", file=sys.stderr)    # file names may hold escape, CR, newline...

    try:
        report = ingest(paths, settings, prune=args.prune, progress=not args.no_progress and sys.stderr.isatty(),
                        rebuild=args.rebuild, log=log)
    except NewsragError as exc:
        print(f"newsrag ingest: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    if report.failed:
        return 1
    if report.articles == 0:
        print("newsrag ingest: no articles found in the given paths", file=sys.stderr)
        return 1
    return 0
