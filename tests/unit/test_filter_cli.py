"""`newsrag retrieve` / `newsrag ask` with --outlet --from --to --recent and dates in the question, as a user
runs them (subprocess of this checkout's rag.cli, hashing embedder, extractive answers)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from rag.config import REPO_ROOT
from tests.unit.test_retrieve_filters import BODY, ROWS


def run(args, index_dir, **extra_env):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    env.update(NEWSRAG_PATHS__INDEX_DIR=str(index_dir), NEWSRAG_EMBEDDING__PROVIDER="fake",
               NEWSRAG_LLM__PROVIDER="extractive", HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False", **extra_env)
    return subprocess.run([sys.executable, "-m", "rag.cli", *args], capture_output=True, text=True, env=env,
                          cwd=REPO_ROOT, timeout=300)


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("filter-cli")
    path = tmp / "dated.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for doc_id, outlet, published, text in ROWS:
            fh.write(json.dumps({"id": doc_id, "title": f"Report {doc_id}", "text": text + BODY, "outlet": outlet,
                                 **({"published": published} if published else {})}) + "\n")
    res = run(["ingest", str(path)], tmp / "index")
    assert res.returncode == 0, res.stderr
    return tmp / "index"


def docs(out: dict) -> set[str]:
    return {p["doc_id"] for p in out["passages"]}


def test_retrieve_resolves_dates_in_the_question_against_the_newest_article(index):
    # by default the question's range is preferred: March first, the rest still found
    out = json.loads(run(["retrieve", "central bank discount rate in March", "--k", "7", "--json"], index).stdout)
    assert out["searched"] == "central bank discount rate"
    assert out["filter"]["published_from"] == "1987-03-01" and out["filter"]["dates_soft"] is True
    assert out["time"]["matched_text"] == "in March"
    assert {p["doc_id"] for p in out["passages"][:2]} == {"a1", "a2"} and len(docs(out)) > 2
    res = run(["retrieve", "central bank discount rate in March", "--dates", "filter", "--json"], index)
    assert docs(json.loads(res.stdout)) == {"a1", "a2"}
    # "now" from the command line instead of the newest article (1987-10-19): March 1985 has no article
    res = run(["retrieve", "central bank discount rate in March", "--now", "1985-12-01", "--dates", "filter"], index)
    assert res.returncode == 0 and "No indexed article matches these limits (1985-03-01 to 1985-03-31)" in res.stdout
    assert "run from 1986-01-01 to 1987-10-19" in res.stdout
    res = run(["retrieve", "central bank discount rate in March", "--dates", "off", "--json"], index)
    assert json.loads(res.stdout)["filter"]["published_from"] is None


def test_retrieve_flags_replace_the_question_dates(index):
    out = json.loads(run(["retrieve", "discount rate in March", "--from", "1987-04", "--outlet", "associated",
                          "--recent", "--json"], index).stdout)
    assert out["filter"] == {"outlet": "associated", "published_from": "1987-04", "published_to": None,
                             "prefer_recent": True, "dates_soft": False}
    assert docs(out) == {"a3"}
    text = run(["retrieve", "discount rate", "--outlet", "reuters", "--to", "1987-03"], index).stdout
    assert "limits: outlet “reuters”, … to 1987-03-31" in text and "Report a4" not in text


def test_bad_filter_flags_are_clear_errors(index):
    res = run(["retrieve", "rate", "--from", "1987-05", "--to", "1987-03"], index)
    assert res.returncode == 2 and "date range is empty" in res.stderr and "swap" in res.stderr
    res = run(["ask", "rate?", "--from", "next week"], index)
    assert res.returncode == 2 and "not a date like" in res.stderr
    res = run(["retrieve", "rate", "--now", "soon"], index)
    assert res.returncode == 2 and "not a day like" in res.stderr


def test_ask_limits_the_search_and_reports_it(index):
    res = run(["ask", "What did the central bank do to the discount rate in April?", "--dates", "filter", "--json"],
              index)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["filter"]["published_from"] == "1987-04-01" and out["time"]["matched_text"] == "in April"
    assert {c["doc_id"] for c in out["citations"]} <= {"a3"}
    res = run(["ask", "What did the central bank do?", "--from", "1990"], index)
    assert res.returncode == 2 and "no indexed article matches the search limits (1990-01-01 to …)" in res.stderr
    plain = json.loads(run(["ask", "What did the central bank do to the discount rate?", "--json"], index).stdout)
    assert "filter" not in plain
