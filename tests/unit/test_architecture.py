"""The dependency rule from DESIGN.md: `ui` and `eval` depend on `rag`; `rag` never imports them
(rag/cli.py is the composition root that wires subcommands by module name), and steps never
import a vendor library directly: vendors live behind rag/backends/."""

import ast
from pathlib import Path

from rag.config import REPO_ROOT

VENDORS = {"chromadb", "sentence_transformers", "transformers", "ollama", "openai", "langchain_ollama",
           "langchain_openai", "torch", "gradio"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _rag_modules():
    return sorted((REPO_ROOT / "rag").rglob("*.py"))


def test_rag_never_imports_ui_or_eval():
    offenders = {str(p.relative_to(REPO_ROOT)): sorted(_imports(p) & {"ui", "eval"}) for p in _rag_modules()}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_only_backends_import_vendors():
    offenders = {}
    for p in _rag_modules():
        if "backends" in p.parts:
            continue
        bad = _imports(p) & VENDORS
        if bad:
            offenders[str(p.relative_to(REPO_ROOT))] = sorted(bad)
    assert offenders == {}


def test_the_rule_checker_sees_imports(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text("import ui.app\nfrom eval import runner\ndef f():\n    import chromadb\n")
    assert {"ui", "eval", "chromadb"} <= _imports(sample)
