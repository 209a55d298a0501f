"""`newsrag` command line: the composition root that wires subcommands.

Each subcommand lives in the module that owns it and exposes
``add_arguments(parser)`` and ``run(args, settings) -> int``. Modules are imported only
when their subcommand runs (or for --help), so `newsrag config` starts instantly.
This is the one module of `rag` allowed to reach `ui` and `eval`: it wires them, it
does not depend on them for anything else.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys

from rag.config import ConfigError, settings_from_environ

# subcommand -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "ingest": ("rag.ingest.command", "index articles (default: the bundled corpus/)"),
    "retrieve": ("rag.ask.retrieve_command", "show the ranked passages for a question"),
    "ask": ("rag.ask.command", "answer a question from the articles, with citations"),
    "serve": ("ui.command", "start the web chat"),
    "eval": ("eval.command", "evaluate accuracy, citations and refusals on a question set"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsrag", description="Grounded question answering over news articles.")
    parser.add_argument("--config", help="settings file (TOML or YAML); default newsrag.toml in the repository if present")
    parser.add_argument("--show-config", action="store_true", help="print the effective settings and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("config", help="print the effective settings as JSON")
    for name, (module, help_text) in COMMANDS.items():
        sp = sub.add_parser(name, help=help_text, description=help_text)
        try:
            importlib.import_module(module).add_arguments(sp)
        except ModuleNotFoundError as exc:
            if exc.name and module.startswith(exc.name.split(".")[0]) and exc.name in module:
                sp.set_defaults(_missing=f"the '{name}' command is not available in this build ({exc})")
            else:
                raise
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = settings_from_environ(args.config)
    except ConfigError as exc:
        print(f"newsrag: {exc}", file=sys.stderr)
        return 2
    if args.show_config or args.command == "config":
        print(json.dumps(settings.to_public_dict(), indent=2, default=str))
        return 0
    if not args.command:
        parser.print_help()
        return 2
    if getattr(args, "_missing", None):
        print(f"newsrag: {args._missing}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[args.command][0])
    try:
        return int(module.run(args, settings) or 0)
    except KeyboardInterrupt:
        print("newsrag: interrupted", file=sys.stderr)
        return 130
    except ConfigError as exc:
        print(f"newsrag: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
