"""Start a real `newsrag serve` process on a free port for the API and browser tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from rag.config import REPO_ROOT

# One scripted reply for the fake LLM: a sentence the articles support, then hostile markup that must
# render inert (script, event handler, external image, javascript: link).
GROUNDED = ("U.S. Customs and Border Protection late Friday morning handed over 20 adult males to Mexican "
            "immigration officials in the middle of the Stanton Street Bridge [1].")
HOSTILE = ('<script>window.__pwned = 1</script> <img src="x" onerror="window.__pwned = 2"> '
           "![tracker](http://evil.example/pixel.png) [click here](javascript:window.__pwned=3) "
           "<a href=\"http://evil.example\" onclick=\"window.__pwned=4\">evil</a>")
FAKE_REPLY = f"{GROUNDED} {HOSTILE}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(tmp: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    env.update({
        "NEWSRAG_PATHS__INDEX_DIR": str(tmp / "index"),
        "NEWSRAG_PATHS__FEEDBACK_FILE": str(tmp / "feedback" / "feedback.jsonl"),
        "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
        "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1",
    })
    if settings.get("NEWSRAG_EMBEDDING__PROVIDER") == "fake":
        # the hashing embedder's similarities run lower than MiniLM's: the no-model threshold is set for it
        env["NEWSRAG_ANSWER__EXTRACTIVE_THRESHOLD"] = "0.4"
    env.update(settings)
    return env


class Server:
    def __init__(self, tmp: Path, env: dict[str, str], timeout: float = 300):
        self.tmp = tmp
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = open(tmp / "serve.log", "w+", encoding="utf-8")
        self.proc = subprocess.Popen([sys.executable, "-m", "rag.cli", "serve", "--port", str(self.port)],
                                     cwd=str(REPO_ROOT), env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"newsrag serve exited with {self.proc.returncode}:\n{self.output()}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"newsrag serve did not start in {timeout} s:\n{self.output()}")
            time.sleep(0.3)

    def output(self) -> str:
        self.log.flush()
        return (self.tmp / "serve.log").read_text(encoding="utf-8", errors="replace")

    def status(self, path: str) -> int:
        try:
            with urllib.request.urlopen(self.url.rstrip("/") + path, timeout=10) as r:
                return r.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.log.close()


def fake_env(tmp: Path, reply: str = FAKE_REPLY, **more: str) -> dict[str, str]:
    """No model at all: hashing embedder and the scripted fake LLM."""
    # the scripted model finds every question answerable (p(yes) = 1 for each judgement) and writes ``reply``;
    # with no quoting fallback, a question whose passages do not hold the reply is refused by the guards
    more = {"NEWSRAG_ANSWER__FALLBACK_TO_EXTRACTIVE": "false", **more}
    return server_env(tmp, NEWSRAG_EMBEDDING__PROVIDER="fake", NEWSRAG_LLM__PROVIDER="fake",
                      NEWSRAG_LLM__FAKE_RESPONSES=json.dumps([reply]), NEWSRAG_LLM__FAKE_JUDGEMENT="1.0", **more)
