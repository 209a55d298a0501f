"""Issue 20, findings 2, 3 and 6 against real `newsrag serve` processes (hashing embedder, scripted fake
LLM, the bundled corpus indexed into a tmp dir): bounded request bodies, no uploads, memory handed back
after a burst, a rate limit keyed on the real client (X-Forwarded-For ignored unless the proxy is
trusted), votes rate-limited and their file bounded, raw HTTP /call/ask without the optional history."""

from __future__ import annotations

import http.client as httpclient
import json
import time
import uuid

import pytest

from chat_session import ChatSession, http
from ui_server import Server, fake_env

pytestmark = pytest.mark.slow
QUESTION = "How many adult males did CBP hand over to Mexico on Friday?"


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def raw_post(server: Server, path: str, headers: dict, chunks, timeout: float = 30) -> tuple[int, bytes, float]:
    """POST whatever ``chunks`` yields after ``headers``; (status, body, seconds). The server may answer
    (and close) before the body is sent in full: that is the point."""
    conn = httpclient.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    t0 = time.monotonic()
    conn.putrequest("POST", path)
    for k, v in headers.items():
        conn.putheader(k, v)
    conn.endheaders()
    try:
        for chunk in chunks:
            conn.send(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body, time.monotonic() - t0


def call_ask(server: Server, data: list, headers: dict | None = None) -> dict:
    """Raw HTTP, no gradio_client: POST /gradio_api/call/ask, then read the event stream."""
    status, body = http("POST", server.url + "gradio_api/call/ask", json.dumps({"data": data}).encode(), headers)
    assert status == 200, (status, body[:300])
    event = json.loads(body)["event_id"]
    status, stream = http("GET", f"{server.url}gradio_api/call/ask/{event}", headers=headers)
    text = stream.decode("utf-8")
    kind = text.split("event:")[-1].split("\n")[0].strip()
    payload = json.loads(text.split("data:")[-1].strip())
    return {"event": kind, "data": payload}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve-sec")
    srv = Server(tmp, fake_env(tmp, NEWSRAG_UI__RATE_LIMIT_PER_MINUTE="3"))   # votes: the defaults
    yield srv
    srv.stop()


# ---------------------------------------------------------------- finding 2: request bodies, uploads, memory

def test_a_50_mb_body_is_refused_before_it_is_read(server):
    before = rss_mb(server.proc.pid)
    for _ in range(5):
        status, body, seconds = raw_post(server, "/gradio_api/queue/join",
                                         {"Content-Type": "application/json", "Content-Length": str(50_000_000)},
                                         (b"x" * 1_000_000 for _ in range(50)))
        assert status == 413 and b"too large" in body and seconds < 10
    # no Content-Length: a chunked body is cut off at the limit
    status, body, _ = raw_post(server, "/gradio_api/call/ask",
                               {"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
                               (b"%x\r\n%s\r\n" % (100_000, b"y" * 100_000) for _ in range(40)))
    assert status == 413
    status, _, _ = raw_post(server, "/gradio_api/heartbeat/x", {"Content-Length": str(1_000_000)},
                            [b"z" * 1_000_000])
    assert status == 413                                  # every other route has its (smaller) limit too
    assert rss_mb(server.proc.pid) - before < 40


def test_upload_routes_are_turned_off(server):
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.html\"\r\n"
            f"Content-Type: text/html\r\n\r\n<script>alert(1)</script>\r\n--{boundary}--\r\n").encode()
    for path in ("gradio_api/upload", "gradio_api/upload?upload_id=abc", "upload"):
        status, _ = http("POST", server.url + path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        assert status == 404, path


def test_memory_is_handed_back_after_a_burst(server):
    """Bursts of requests just under the body limit (each body parsed by the app), then idle: resident
    memory comes back to where it was after the first burst (which warms the server's caches)."""
    session = ChatSession(server.url)
    fn = session.deps["_clear"][0]
    body = json.dumps({"data": [], "fn_index": fn, "session_hash": session.session,
                       "event_data": "q" * 150_000}).encode()

    def burst(n: int) -> None:
        for _ in range(n):
            status, _ = http("POST", server.url + "gradio_api/run/predict", body)
            assert status == 200

    burst(60)
    time.sleep(8)
    base = rss_mb(server.proc.pid)
    burst(150)
    for _ in range(4):                                    # and the bodies the issue sent (refused now)
        big = json.dumps({"data": ["q" * 20_000_000], "fn_index": fn, "session_hash": session.session}).encode()
        raw_post(server, "/gradio_api/queue/join", {"Content-Type": "application/json",
                                                    "Content-Length": str(len(big))},
                 [big[i:i + 1_000_000] for i in range(0, len(big), 1_000_000)])
    peak = rss_mb(server.proc.pid)
    time.sleep(8)
    after = rss_mb(server.proc.pid)
    assert after - base < 8, (base, peak, after)


# ---------------------------------------------------------------- finding 3: the real client, votes

def test_votes_are_rate_limited(server):
    """300 votes in a few seconds once added 1.7 MB to feedback.jsonl; now 10 a minute per client (the
    default ui.feedback_per_minute; the file's bound, ui.feedback_max_mb, is tested in tests/unit)."""
    session = ChatSession(server.url, headers={"X-Forwarded-For": "10.9.9.9"})
    session.ask(QUESTION)
    notices = [session.vote(up=i % 2 == 0)[1] for i in range(40)]
    saved = [n for n in notices if "feedback on the last answer was saved" in n]
    assert len(saved) == 10 and sum("Too many votes: the limit is 10 per minute" in n for n in notices) == 30
    lines = (server.tmp / "feedback" / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 10


def test_forwarded_for_does_not_buy_a_new_rate_limit(server):
    answers = [call_ask(server, [f"Question {i} about Mexico?", None], {"X-Forwarded-For": f"10.0.0.{i}"})
               for i in range(6)]
    limited = [a for a in answers if a["event"] == "error" and "Too many questions" in json.dumps(a["data"])]
    assert len(limited) >= 3, answers                     # 3 per minute for the one real client (the votes
                                                          # test before this one asked one question)


# ---------------------------------------------------------------- finding 6: the API's edges

def test_raw_call_ask_without_history_answers_and_logs_no_traceback(tmp_path):
    srv = Server(tmp_path, fake_env(tmp_path, NEWSRAG_UI__RATE_LIMIT_PER_MINUTE="100"))
    try:
        out = call_ask(srv, [QUESTION])
        assert out["event"] == "complete", out
        assert out["data"][0]["citations"] and not out["data"][0]["abstained"]
        bad = call_ask(srv, [])
        assert bad["event"] == "error" and "The question must be text" in json.dumps(bad["data"])
        time.sleep(0.5)
        assert "Traceback" not in srv.output()
    finally:
        srv.stop()


def test_forwarded_for_is_honoured_from_a_trusted_proxy_only(tmp_path):
    srv = Server(tmp_path, fake_env(tmp_path, NEWSRAG_UI__RATE_LIMIT_PER_MINUTE="1",
                                    NEWSRAG_UI__TRUSTED_PROXIES='["127.0.0.1"]'))
    try:
        answers = [call_ask(srv, [f"Question {i} about Mexico?", None], {"X-Forwarded-For": f"203.0.113.{i}"})
                   for i in range(3)]
        assert all(a["event"] == "complete" for a in answers), answers     # three clients behind the proxy
        again = call_ask(srv, ["Once more about Mexico?", None], {"X-Forwarded-For": "203.0.113.0"})
        assert again["event"] == "error" and "Too many questions" in json.dumps(again["data"])
    finally:
        srv.stop()


def test_the_cli_caps_history_like_the_api(tmp_path):
    from test_ingest_hostile_collection import run_cli

    history = tmp_path / "history.json"
    turns = [{"role": "user" if i % 2 == 0 else "assistant", "content": f"turn {i}"} for i in range(5000)]
    history.write_text(json.dumps(turns), encoding="utf-8")
    env = fake_env(tmp_path)
    res = run_cli(["ask", "How many adult males did CBP hand over?", "--history", str(history)], env)
    assert res.returncode == 2 and "history has 5000 messages; at most 40 are accepted" in res.stderr, res.stderr
    long = [{"role": "user", "content": "x" * 15_000}, {"role": "assistant", "content": "y" * 15_000}]
    history.write_text(json.dumps(long), encoding="utf-8")
    res = run_cli(["ask", "How many adult males did CBP hand over?", "--history", str(history)], env)
    assert res.returncode == 2 and "at most 20000 are accepted" in res.stderr, res.stderr
