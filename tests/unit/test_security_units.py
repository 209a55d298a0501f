"""The pieces behind issue 20, tested directly: escaped names, discovery without links, non-text detection,
chunks bounded in characters, the export sanitizers, the request guard, the feedback file bound."""

from __future__ import annotations

import asyncio
import json
import os
import random
import re

import pytest

from rag.backends.fakes import HashingEmbedder
from rag.config import ConfigError, load_settings
from rag.ingest.chunk import chunk_article, max_chunk_chars
from rag.ingest.load import LoadError, discover, read_text_file, safe_name
from rag.types import Article
from ui import formatting as fmt
from ui.app import FeedbackFull, FeedbackStore
from ui.guard import RequestGuard

EMB = HashingEmbedder()


def test_safe_name_escapes_what_a_terminal_would_obey():
    assert safe_name("a\x1b[31mb\rc\nd\te\\f\u202eg é") == "a\\x1b[31mb\\rc\\nd\\te\\\\f\\u202eg é"


def test_discover_skips_links_and_pipes_and_reports_an_unreadable_folder(tmp_path, monkeypatch):
    (tmp_path / "ok.txt").write_text("text", encoding="utf-8")
    os.symlink(tmp_path / "ok.txt", tmp_path / "link.txt")
    os.mkfifo(tmp_path / "fifo.txt")
    (tmp_path / "locked").mkdir()
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = discover([tmp_path])
    assert [f.name for f in found.files] == ["ok.txt"]
    reasons = {os.path.basename(p.path): p.reason for p in found.problems}
    assert reasons["link.txt"].startswith("symbolic link to") and "named pipe" in reasons["fifo.txt"]
    assert "folder cannot be read (Permission denied)" in reasons["locked"]
    assert "symbolic link" in discover([tmp_path / "link.txt"]).problems[0].reason   # named explicitly too


def test_random_high_bytes_are_not_text_but_legacy_encodings_are(tmp_path):
    rng = random.Random(5)
    for name, data in [("r", bytes(rng.randint(128, 255) for _ in range(20_000))),
                       ("same", b"\xb0" * 20_000),                         # cp949 "text" with no space at all
                       ("ctl", bytes(rng.randint(1, 255) for _ in range(20_000)))]:
        (tmp_path / f"{name}.txt").write_bytes(data)
        with pytest.raises(LoadError, match="not text"):
            read_text_file(tmp_path / f"{name}.txt", 10**6)
    (tmp_path / "l.txt").write_bytes("Señor Müller’s café in Juárez — “open” again. ".encode("cp1252") * 20)
    assert read_text_file(tmp_path / "l.txt", 10**6).startswith("Señor Müller’s café")


@pytest.mark.parametrize("body", ["A" * 200_000, ("word " * 50 + "x" * 5000 + " ") * 20, "é" * 30_000])
def test_no_chunk_exceeds_the_size_whatever_the_input(body):
    art = Article(doc_id="d", text="It starts here. " + body + " The end.", title="T", title_derived=False)
    plans = chunk_article(art, count_tokens_many=lambda ts: [EMB.count_tokens(t) for t in ts], model_name=EMB.name,
                          max_tokens=200, overlap_sentences=2, overlap_tokens=60)
    assert all(len(p.chunk.text) <= max_chunk_chars(200) for p in plans)
    assert all(EMB.count_tokens(p.chunk.text) <= 200 for p in plans)
    assert all(art.text[p.chunk.start:p.chunk.end] == p.chunk.text for p in plans)
    covered = "".join(art.text[p.chunk.start:p.chunk.end] for p in plans)
    assert covered.count("A") >= body.count("A")                      # nothing dropped


def test_markdown_export_helpers_leave_nothing_live():
    allowed = {"https://news.example/a"}
    text = ('![i](http://evil.example/i.png) <img src=x onerror=alert(1)> [l](http://evil.example) '
            'www.evil.example me@evil.example https://news.example/a')
    out = fmt.md_text(text, allowed)
    assert "!\\[i\\]" in out and "\\<img" in out and "](http" not in out
    assert not __import__("re").search(r"(?<!\\)[<\[]", out.replace("<https://news.example/a>", ""))
    assert "`http://evil.example/i.png`" in out and "`www.evil.example`" in out and "`me@evil.example`" in out
    assert "<https://news.example/a>" in out
    ans = fmt.md_answer("Twenty [1]. See [the story](https://news.example/a) or [x](http://evil.example).", allowed)
    assert ans.startswith("Twenty [1].") and "[the story](<https://news.example/a>)" in ans and "\\[x\\]" in ans
    ref = fmt.plain_reference("T <script>x</script> ![i](http://e.example/i.png). O. https://news.example/a", allowed)
    assert ref == "T x i. O. https://news.example/a"
    assert fmt.md_code("a`b") == "``a`b``"


def _asgi(guard, path, body=b"", headers=None, method="POST"):
    sent, seen = [], {}
    chunks = [body[i:i + 1000] for i in range(0, len(body), 1000)] or [b""]

    async def receive():
        data = chunks.pop(0) if chunks else b""
        return {"type": "http.request", "body": data, "more_body": bool(chunks)}

    async def send(msg):
        sent.append(msg)

    scope = {"type": "http", "method": method, "path": path, "headers": headers or []}
    asyncio.run(guard(scope, receive, send))
    return sent, seen


def test_request_guard_limits_bodies_blocks_uploads_and_pads_ask():
    got = {}

    async def app(scope, receive, send):
        msg = await receive()
        got["body"] = msg["body"]
        await send({"type": "http.response.start", "status": 200, "headers": []})

    guard = RequestGuard(app, ask_limit=5000, other_limit=100)
    sent, _ = _asgi(guard, "/gradio_api/queue/join", b"x" * 10, [(b"content-length", b"999999")])
    assert sent[0]["status"] == 413 and "body" not in got
    sent, _ = _asgi(guard, "/gradio_api/queue/join", b"x" * 6000, [(b"transfer-encoding", b"chunked")])
    assert sent[0]["status"] == 413
    sent, _ = _asgi(guard, "/gradio_api/other", b"x" * 200)
    assert sent[0]["status"] == 413
    sent, _ = _asgi(guard, "/gradio_api/upload", b"x")
    assert sent[0]["status"] == 404
    sent, _ = _asgi(guard, "/gradio_api/call/ask", json.dumps({"data": ["q?"]}).encode())
    assert sent[0]["status"] == 200 and json.loads(got["body"])["data"] == ["q?", None, None, None, None, None]


def test_feedback_file_stops_growing_at_its_bound(tmp_path):
    store = FeedbackStore(tmp_path / "f.jsonl", max_bytes=300)
    store.append({"a": "x" * 100})
    store.append({"a": "x" * 100})
    with pytest.raises(FeedbackFull):
        store.append({"a": "x" * 100})
    assert (tmp_path / "f.jsonl").stat().st_size <= 300


def test_trusted_proxies_must_be_addresses():
    assert load_settings(env={"NEWSRAG_UI__TRUSTED_PROXIES": '["10.0.0.0/8", "::1"]'}).ui.trusted_proxies == [
        "10.0.0.0/8", "::1"]
    with pytest.raises(ConfigError, match="not an IP address or network"):
        load_settings(env={"NEWSRAG_UI__TRUSTED_PROXIES": '["proxy.local"]'})


def test_old_conversation_exports_are_deleted(fake_settings):
    import time as _time
    from pathlib import Path

    from ui.app import ChatService
    from ui_standin import StandInAnswerer

    service = ChatService(StandInAnswerer(fake_settings), fake_settings)
    old = service.export_dir / "newsrag-conversation-old.md"
    old.write_text("x", encoding="utf-8")
    os.utime(old, (_time.time() - 7200, _time.time() - 7200))
    new = service.export([fmt.Turn(question="q", error="e")])
    assert not old.exists() and Path(new).exists()


def test_an_endless_headline_is_cut_and_chunks_keep_their_room(tmp_path, fake_settings):
    from rag.ingest.pipeline import MAX_TITLE_CHARS, load_articles

    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "a", "title": "Headline " * 5000,
                                                  "text": "The council met on Monday. " * 40}) + "\n",
                                      encoding="utf-8")
    articles, skipped, warnings = load_articles([tmp_path], fake_settings)
    assert not skipped and len(articles[0].title) <= MAX_TITLE_CHARS + 1
    assert any(re.search(r"headline of 4\d{4} characters cut to 29\d", w) for w in warnings)


def test_the_export_folder_is_made_on_first_use_and_removed_with_the_service(fake_settings):
    import gc

    from ui.app import ChatService
    from ui_standin import StandInAnswerer

    service = ChatService(StandInAnswerer(fake_settings), fake_settings)
    assert service._export_dir is None                      # a service that never exports leaves nothing
    folder = service.export_dir
    assert folder.is_dir() and folder.name.startswith("newsrag-export-") and service.export_dir == folder
    del service
    gc.collect()
    assert not folder.exists()
