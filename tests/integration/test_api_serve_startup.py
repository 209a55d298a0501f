"""`newsrag serve` start-up: an empty index is either indexed from the default corpus (default) or
reported with the command that fixes it (--no-auto-ingest); a busy port is a clear message."""

from __future__ import annotations

import subprocess
import sys

from rag.config import REPO_ROOT
from ui_server import Server, fake_env


def test_no_auto_ingest_says_to_run_ingest(tmp_path):
    env = fake_env(tmp_path)
    out = subprocess.run([sys.executable, "-m", "rag.cli", "serve", "--no-auto-ingest", "--port", "1"],
                         cwd=str(REPO_ROOT), env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 2
    assert "newsrag ingest" in out.stderr and "Traceback" not in out.stderr


def test_empty_index_is_filled_from_the_default_corpus_and_port_in_use_is_reported(tmp_path):
    srv = Server(tmp_path, fake_env(tmp_path))
    try:
        assert "Indexing the default corpus" in srv.output()
        assert "web chat over 5 articles" in srv.output()
        again = subprocess.run([sys.executable, "-m", "rag.cli", "serve", "--port", str(srv.port)],
                               cwd=str(REPO_ROOT), env=srv.env, capture_output=True, text=True, timeout=300)
        assert again.returncode != 0
        assert "Traceback" not in again.stderr and f"cannot listen on 127.0.0.1:{srv.port}" in again.stderr
    finally:
        srv.stop()
