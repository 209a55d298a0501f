"""`newsrag ingest` and `newsrag retrieve` as a user runs them (subprocess, fake embedder)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS_DIR, REPO_ROOT

NEWSRAG = [str(Path(sys.executable).parent / "newsrag")]
if not Path(NEWSRAG[0]).exists():  # pragma: no cover - running outside the venv
    NEWSRAG = [sys.executable, "-m", "rag.cli"]


def run(args, index_dir, **extra_env):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    env.update(NEWSRAG_PATHS__INDEX_DIR=str(index_dir), NEWSRAG_EMBEDDING__PROVIDER="fake",
               HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False", **extra_env)
    return subprocess.run(NEWSRAG + args, capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=300)


@pytest.fixture
def corpus(tmp_path):
    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, dst, ignore=shutil.ignore_patterns("README.md"))
    return dst


def test_ingest_then_retrieve(tmp_path, corpus):
    idx = tmp_path / "index"
    first = run(["ingest", str(corpus)], idx)
    assert first.returncode == 0, first.stderr
    assert "Indexed 5 articles" in first.stdout and "5 new" in first.stdout and "Skipped: 0." in first.stdout
    assert "chunks/s" in first.stdout and "Traceback" not in first.stderr
    again = run(["ingest", str(corpus)], idx)
    assert again.returncode == 0 and "5 unchanged" in again.stdout and ", 0 embedded" in again.stdout

    out = run(["retrieve", "How much did Congress approve for the Merida Initiative?", "--k", "3", "--json"], idx)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert len(data["passages"]) == 3
    p = data["passages"][0]
    assert {"rank", "score", "dense", "bm25", "rrf", "chunk_id", "doc_id", "text", "start", "end", "title",
            "outlet", "published", "url"} <= set(p)
    text = run(["retrieve", "Merida Initiative", "--k", "2", "--outlet", "nbc", "--from", "2024"], idx)
    assert text.returncode == 0 and "[1] score" in text.stdout and "004_edbd6cb541be27cd  chars" in text.stdout


def test_ingest_reports_failures_with_nonzero_exit(tmp_path, corpus):
    (corpus / "empty.txt").write_text("")
    (corpus / "image.html").write_bytes(b"\x00\x01\x02\x03" * 100)
    res = run(["ingest", str(corpus)], tmp_path / "index")
    assert res.returncode == 1
    assert f"skipped {corpus / 'empty.txt'}: empty file" in res.stderr
    assert f"skipped {corpus / 'image.html'}: binary file" in res.stderr
    assert "Indexed 5 articles" in res.stdout and "FAILED: 2 files skipped" in res.stdout
    assert "Traceback" not in res.stderr


def test_user_errors_have_no_traceback(tmp_path, corpus):
    res = run(["retrieve", "anything"], tmp_path / "nothing-here")
    assert res.returncode == 2 and "run `newsrag ingest` first" in res.stderr and "Traceback" not in res.stderr
    run(["ingest", str(corpus)], tmp_path / "index")
    res = run(["retrieve", "anything", "--from", "last year"], tmp_path / "index")
    assert res.returncode == 2 and "not a date" in res.stderr
    res = run(["retrieve", "anything"], tmp_path / "index", NEWSRAG_EMBEDDING__DIM="128")
    assert res.returncode == 2 and "built with embedding model 'hashing-384'" in res.stderr
    res = run(["ingest", str(corpus)], tmp_path / "index2", NEWSRAG_STORE__HOST="127.0.0.1",
              NEWSRAG_STORE__PORT="9", NEWSRAG_STORE__TIMEOUT_S="2")
    assert res.returncode == 2 and "NEWSRAG_STORE__HOST" in res.stderr and "Traceback" not in res.stderr
