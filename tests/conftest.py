"""Shared fixtures. Tests never touch the network beyond loopback, and never read a stray
NEWSRAG_* variable: settings are built from an explicit environment."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

import pytest

from rag.config import REPO_ROOT, Settings, load_settings

OUTPUT_DIR = REPO_ROOT / "tests" / "output"
CORPUS_DIR = REPO_ROOT / "corpus"

_real_connect = socket.socket.connect


def _is_loopback(address) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX
        return True
    host = address[0]
    if host in ("localhost", "") or host.startswith("127.") or host in ("::1", "0.0.0.0"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self, address):
    if not _is_loopback(address):
        raise RuntimeError(f"tests may not reach the network (tried {address!r})")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _block_network(monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture
def fake_settings(tmp_path: Path) -> Settings:
    """Settings with no model at all: hashing embedder, scripted LLM, index in tmp_path."""
    return load_settings(env={}, overrides={
        "paths": {"index_dir": str(tmp_path / "index"), "feedback_file": str(tmp_path / "feedback.jsonl")},
        "embedding": {"provider": "fake"},
        "llm": {"provider": "fake"},
        # the hashing embedder's similarities run lower than MiniLM's: the no-model threshold is set for it
        "answer": {"extractive_threshold": 0.4},
    })


@pytest.fixture
def real_settings(tmp_path: Path) -> Settings:
    """Settings with the real bundled embedding model and the default local LLM, index in tmp_path."""
    return load_settings(env={}, overrides={
        "paths": {"index_dir": str(tmp_path / "index"), "feedback_file": str(tmp_path / "feedback.jsonl")},
    })


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR
