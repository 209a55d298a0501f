"""Drive the web chat of a running server over plain HTTP, as the page's JavaScript does: the chat event
through Gradio's queue (``/gradio_api/queue/join`` + the ``/queue/data`` event stream), the vote buttons
through ``/gradio_api/run/predict``. Each ChatSession is one browser tab (one session hash)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid


def http(method: str, url: str, body: bytes | None = None, headers: dict | None = None, timeout: float = 60):
    """(status, body bytes) of one request; HTTP errors are returned, not raised."""
    req = urllib.request.Request(url, data=body, method=method,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class ChatSession:
    def __init__(self, base_url: str, headers: dict | None = None):
        self.base = base_url.rstrip("/")
        self.headers = dict(headers or {})
        self.session = uuid.uuid4().hex[:11]
        status, body = http("GET", self.base + "/config", headers=self.headers)
        assert status == 200, (status, body[:200])
        cfg = json.loads(body)
        self.elem = {c["id"]: (c.get("props") or {}).get("elem_id") for c in cfg["components"]}
        self.deps = {}
        for dep in cfg["dependencies"]:
            target = dep["targets"][0][0] if dep["targets"] else None
            self.deps[dep.get("api_name")] = (dep["id"], target, [self.elem.get(i) for i in dep["outputs"]],
                                              len(dep["inputs"]))

    def ask(self, question: str, timeout: float = 120) -> dict:
        """The chat event's final outputs, by elem_id (nr-transcript, nr-apa, nr-mla, nr-download, nr-notice...)."""
        fn, trigger, outputs, n_inputs = self.deps["chat"]
        data = [question] + [None] * (n_inputs - 1)     # the turns so far (none) and the optional search limits
        payload = {"data": data, "fn_index": fn, "trigger_id": trigger, "session_hash": self.session,
                   "event_data": None}
        status, body = http("POST", self.base + "/gradio_api/queue/join", json.dumps(payload).encode(),
                            headers=self.headers)
        assert status == 200, (status, body[:300])
        req = urllib.request.Request(f"{self.base}/gradio_api/queue/data?session_hash={self.session}",
                                     headers=self.headers)
        last: dict = {}
        with urllib.request.urlopen(req, timeout=timeout) as stream:
            for raw in stream:
                line = raw.decode("utf-8").strip()
                if not line.startswith("data:"):
                    continue
                msg = json.loads(line[5:])
                if msg.get("msg") == "process_generating" and msg.get("output", {}).get("data"):
                    last = _merge(last, outputs, msg["output"]["data"])
                if msg.get("msg") == "process_completed":
                    out = msg.get("output") or {}
                    if out.get("error") is not None or not msg.get("success", True):
                        raise RuntimeError(f"chat event failed: {out}")
                    if out.get("data"):
                        last = _merge(last, outputs, out["data"])
                    return last
        raise RuntimeError("the event stream ended before the answer")

    def vote(self, up: bool = True) -> tuple[int, str]:
        fn, trigger, _, _n = self.deps["_up" if up else "_down"]
        payload = {"data": [None], "fn_index": fn, "trigger_id": trigger, "session_hash": self.session,
                   "event_data": None}
        status, body = http("POST", self.base + "/gradio_api/run/predict", json.dumps(payload).encode(),
                            headers=self.headers)
        if status != 200:
            return status, body.decode("utf-8", "replace")
        return status, json.loads(body)["data"][0]

    def download(self, file_value) -> str:
        """The text of a file output (the Markdown export) fetched as the browser does."""
        url = file_value.get("url") or f"{self.base}/gradio_api/file={file_value['path']}"
        status, body = http("GET", url, headers=self.headers)
        assert status == 200, (status, url)
        return body.decode("utf-8")


def _merge(last: dict, names: list, data: list) -> dict:
    """Outputs of one message: full values, or Gradio's streaming diffs applied to the previous values."""
    out = dict(last)
    for name, value in zip(names, data):
        if isinstance(value, dict) and value.get("__type__") == "update" and "value" not in value:
            continue                                   # gr.skip(): unchanged
        if isinstance(value, list) and value and all(isinstance(op, list) and len(op) == 3 for op in value) \
                and isinstance(last.get(name), str) and value[0][0] in ("append", "replace", "add", "delete"):
            text = last[name]
            for op, _path, val in value:
                text = text + val if op == "append" else val if op == "replace" else text
            out[name] = text
        elif isinstance(value, dict) and value.get("__type__") == "update":
            out[name] = value.get("value")
        else:
            out[name] = value
    return out
