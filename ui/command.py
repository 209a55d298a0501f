"""`newsrag serve [--host HOST] [--port PORT]`: the web chat over the indexed articles.

Builds the Answerer once, loads the model in a background thread (the page says so meanwhile),
and indexes the default corpus first when the index is empty or missing.
"""

from __future__ import annotations

import argparse
import logging
import sys

from rag.config import Settings
from rag.errors import IndexNotReadyError, NewsragError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="interface to listen on (default: settings ui.host, 127.0.0.1; "
                        "0.0.0.0 makes it reachable from other machines)")
    parser.add_argument("--port", type=int, help="port (default: settings ui.port, 7860)")
    parser.add_argument("--no-auto-ingest", action="store_true",
                        help="fail instead of indexing the default corpus when the index is empty")


def _eprint(msg: str) -> None:
    print(f"newsrag serve: {msg}", file=sys.stderr, flush=True)


def _index_is_empty(answerer) -> bool:
    try:
        return not answerer.retriever.articles()
    except IndexNotReadyError:
        return True


def build_answerer(settings: Settings, *, auto_ingest: bool = True):
    """The Answerer over the existing index; indexes ``settings.paths.corpus`` first if there is none."""
    from rag.ask.pipeline import Answerer

    try:
        answerer = Answerer.from_settings(settings)
        empty = _index_is_empty(answerer)
    except IndexNotReadyError as exc:
        answerer, empty = None, True
        reason = str(exc)
    else:
        reason = f"the index in {settings.paths.index_dir} holds no articles"
    if not empty:
        return answerer
    if not auto_ingest:
        raise IndexNotReadyError(f"{reason}. Run `newsrag ingest` (or `newsrag ingest PATH...`) first.")
    corpus = ", ".join(str(p) for p in settings.paths.corpus)
    _eprint(f"{reason.rstrip('.')}. Indexing the default corpus now ({corpus}). "
            "Run `newsrag ingest PATH...` to index other articles.")
    from rag.ingest.pipeline import ingest

    report = ingest(list(settings.paths.corpus), settings, progress=False)
    _eprint(f"indexed {getattr(report, 'articles', '?')} articles ({getattr(report, 'chunks', '?')} chunks).")
    answerer = Answerer.from_settings(settings)
    if _index_is_empty(answerer):
        raise IndexNotReadyError(f"no articles could be indexed from {corpus}. Check the files and run `newsrag ingest`.")
    return answerer


def run(args: argparse.Namespace, settings: Settings) -> int:
    import os

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")   # the server never phones home
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    host = args.host or settings.ui.host
    port = args.port or settings.ui.port
    try:
        answerer = build_answerer(settings, auto_ingest=not args.no_auto_ingest)
    except NewsragError as exc:
        _eprint(str(exc))
        return 2
    from ui.app import build_app, launch

    app = build_app(answerer, settings)
    service = app.newsrag_service
    if not service.warmup.done:
        _eprint(f"loading the language model ({settings.llm.provider}) in the background; "
                "the page is usable now and says when the model is ready.")
    _eprint(f"starting the web chat over {len(service.articles())} articles on http://{host}:{port} (Ctrl+C to stop)")
    try:
        launch(app, settings, host=host, port=port, config_path=getattr(args, "config", None))
    except OSError as exc:
        _eprint(f"cannot listen on {host}:{port} (is another program using that port?). "
                "Choose another port with --port.")
        logging.getLogger("newsrag.ui").debug("launch failed: %s", exc)
        return 2
    return 0
