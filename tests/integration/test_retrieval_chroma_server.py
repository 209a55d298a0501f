"""The same ingest and retrieval code against a Chroma server (`chroma run`) through HttpClient."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag.ask.retrieve import Retriever
from rag.config import load_settings
from rag.errors import BackendError
from rag.ingest.pipeline import ingest
from tests.conftest import CORPUS_DIR

CHROMA = Path(sys.executable).parent / "chroma"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    if not CHROMA.exists():
        pytest.skip("the chroma CLI is not installed in this environment")
    port = free_port()
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("chroma server did not start")
    yield port
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_ingest_and_retrieve_through_a_chroma_server(tmp_path, chroma_server):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, corpus, ignore=shutil.ignore_patterns("README.md"))
    settings = load_settings(env={}, overrides={
        "paths": {"index_dir": str(tmp_path / "local")}, "embedding": {"provider": "fake"},
        "store": {"host": "127.0.0.1", "port": chroma_server}})
    report = ingest([corpus], settings, progress=False)
    assert report.new == 5 and "127.0.0.1" in report.location
    assert not (tmp_path / "local" / "chroma").exists(), "nothing may go to the embedded store"
    again = ingest([corpus], settings, progress=False)
    assert again.unchanged == 5 and again.embedded == 0
    r = Retriever.from_settings(settings)
    assert [a.doc_id for a in r.articles()] == sorted(p.stem for p in corpus.glob("*.txt"))
    assert r.article("004_edbd6cb541be27cd").outlet == "NBC News"
    hits = r.retrieve("Merida Initiative Congress", 3)
    assert hits and all(r.article(h.chunk.doc_id).text[h.chunk.start:h.chunk.end] == h.chunk.text for h in hits)
    (corpus / "003_e904c1ee689fa2a3.txt").unlink()
    assert ingest([corpus], settings, progress=False, prune=True).removed == 1
    assert r.refresh() and r.article("003_e904c1ee689fa2a3") is None


def test_server_down_is_a_clear_error_within_the_timeout(tmp_path):
    settings = load_settings(env={}, overrides={
        "paths": {"index_dir": str(tmp_path)}, "embedding": {"provider": "fake"},
        "store": {"host": "127.0.0.1", "port": free_port(), "timeout_s": 3}})
    t0 = time.monotonic()
    with pytest.raises(BackendError, match="NEWSRAG_STORE__HOST"):
        Retriever.from_settings(settings)
    assert time.monotonic() - t0 < 10
