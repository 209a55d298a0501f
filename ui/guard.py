"""The web server's outer guard: an ASGI middleware on the FastAPI app Gradio mounts on.

* Every request body is bounded before the app sees a byte of it: ``ui.max_ask_body_kb`` for the routes
  that carry a question, its history or a vote (``/gradio_api/queue/join``, ``/gradio_api/call/...``,
  ``/gradio_api/run/...``, ``/gradio_api/api/...``), ``ui.max_body_kb`` for everything else. A declared ``Content-Length`` over
  the limit is refused at once (413) without reading the body; a chunked body is read up to the limit
  and refused when it goes past it.
* Gradio's upload routes are turned off (404): the app takes no files from visitors.
* A raw HTTP ``/call/ask`` or ``/run/ask`` whose ``data`` omits the optional history gets ``null`` for it
  (Gradio itself would reject the call with a traceback in the log and ``error: null`` for the caller).
* ``MemoryTrimmer`` hands freed memory back to the system once a burst of requests is over
  (``gc.collect()`` then glibc's ``malloc_trim(0)``), so resident memory comes down after a spike.

The client address used by the per-client limits is the TCP peer. Forwarded headers
(``X-Forwarded-For``) are honoured only from the proxies named in ``ui.trusted_proxies`` (default: none):
``trusted_proxies_env`` gives the value of uvicorn's ``FORWARDED_ALLOW_IPS`` that ``ui.app.launch`` sets
(uvicorn trusts 127.0.0.1 by default, and Gradio's launch does not say otherwise).
"""

from __future__ import annotations

import ctypes
import gc
import json
import logging
import threading
import time
from typing import Any

log = logging.getLogger("newsrag.ui")

ASK_ROUTES = ("/gradio_api/queue/join", "/gradio_api/call/", "/gradio_api/run/", "/gradio_api/api/")
BLOCKED_ROUTES = ("/gradio_api/upload", "/upload", "/gradio_api/upload_progress", "/upload_progress")
PADDED_APIS = {"ask": 6}      # api name -> number of inputs (trailing optional ones filled with null): question,
                              # history, outlet, published_from, published_to, prefer_recent
NO_BODY_METHODS = {"GET", "HEAD", "OPTIONS"}


def trusted_proxies_env(trusted: list[str]) -> str:
    """uvicorn's FORWARDED_ALLOW_IPS for the configured proxies: "" trusts no one."""
    return ",".join(trusted)


class RequestGuard:
    """ASGI middleware: body limits, upload routes off, raw /call/ask without history accepted."""

    def __init__(self, app, *, ask_limit: int, other_limit: int, activity: "MemoryTrimmer | None" = None):
        self.app = app
        self.ask_limit = ask_limit
        self.other_limit = other_limit
        self.activity = activity

    def limit_for(self, path: str) -> int:
        return self.ask_limit if path.startswith(ASK_ROUTES) else self.other_limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if self.activity is not None:
            self.activity.touch()
        path = scope.get("path", "")
        if path.rstrip("/") in BLOCKED_ROUTES:
            return await _reply(send, 404, "File uploads are turned off on this server.")
        limit = self.limit_for(path)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            return await _reply(send, 413, f"Request body too large: {declared} bytes; the limit for {path} is "
                                           f"{limit} bytes.")
        chunked = any(k == b"transfer-encoding" for k, _ in scope.get("headers", []))
        if scope.get("method") in NO_BODY_METHODS and not chunked and not declared:
            return await self.app(scope, receive, send)
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > limit:
                return await _reply(send, 413, f"Request body too large: over the limit of {limit} bytes for {path}.")
            if not message.get("more_body", False):
                break
        raw = bytes(body)
        data = _pad_api_call(path, raw)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": data, "more_body": False}
            return await receive()

        if data is not raw:
            scope = dict(scope)
            scope["headers"] = [(k, v) for k, v in scope["headers"] if k != b"content-length"] + [
                (b"content-length", str(len(data)).encode())]
        await self.app(scope, replay, send)


def _content_length(scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _pad_api_call(path: str, body: bytes) -> bytes:
    """``{"data": ["question"]}`` for /call/ask or /run/ask -> ``{"data": ["question", null]}``."""
    for prefix in ("/gradio_api/call/v2/", "/gradio_api/call/", "/gradio_api/run/", "/gradio_api/api/"):
        if path.startswith(prefix):
            n = PADDED_APIS.get(path[len(prefix):].strip("/"))
            break
    else:
        return body
    if n is None:
        return body
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return body
    if isinstance(payload, dict) and isinstance(payload.get("data"), list) and len(payload["data"]) < n:
        payload["data"] = payload["data"] + [None] * (n - len(payload["data"]))
        return json.dumps(payload).encode("utf-8")
    return body


async def _reply(send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class MemoryTrimmer:
    """After a burst (requests, then ``idle_s`` seconds without one), collect garbage and return freed heap
    pages to the system (glibc ``malloc_trim``; elsewhere only the collection runs)."""

    def __init__(self, idle_s: float = 5.0):
        self.idle_s = idle_s
        self._last = 0.0
        self._dirty = False
        self._lock = threading.Lock()
        self._trim = _malloc_trim()
        self.trims = 0

    def touch(self) -> None:
        self._last = time.monotonic()
        self._dirty = True

    def start(self) -> "MemoryTrimmer":
        threading.Thread(target=self._run, name="newsrag-memory-trim", daemon=True).start()
        return self

    def _run(self) -> None:
        while True:
            time.sleep(max(0.5, self.idle_s / 2))
            if self._dirty and time.monotonic() - self._last >= self.idle_s:
                self._dirty = False
                self.trim()

    def trim(self) -> None:
        with self._lock:
            gc.collect()
            if self._trim is not None:
                try:
                    self._trim(0)
                except Exception:  # pragma: no cover - never let trimming hurt the server
                    log.debug("malloc_trim failed", exc_info=True)
            self.trims += 1


def _malloc_trim() -> Any:
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None
