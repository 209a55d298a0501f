"""`newsrag eval` end to end through the CLI, with the real Answerer, a real Chroma index in a tmp dir, the
hashing embedder and the extractive mode (no model is loaded, so this is not marked slow)."""

import json

import pytest

from eval.metrics import summarize
from rag.cli import main
from rag.config import REPO_ROOT, load_settings

SEED = REPO_ROOT / "eval" / "questions" / "seed.jsonl"


@pytest.fixture
def env(tmp_path, monkeypatch):
    for key in ("NEWSRAG_CONFIG", "NEWSRAG_LLM__PROVIDER", "NEWSRAG_EMBEDDING__PROVIDER"):
        monkeypatch.delenv(key, raising=False)
    values = {"NEWSRAG_PATHS__INDEX_DIR": str(tmp_path / "index"), "NEWSRAG_EMBEDDING__PROVIDER": "fake",
              "NEWSRAG_LLM__PROVIDER": "extractive"}
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    return values


@pytest.fixture
def indexed(env):
    from rag.ingest.pipeline import ingest

    ingest([REPO_ROOT / "corpus"], load_settings(env=env), progress=False)
    return env


def test_eval_writes_recomputable_results_report_and_comparison(indexed, tmp_path, capsys):
    out1, out2, rep = tmp_path / "r1.json", tmp_path / "r2.json", tmp_path / "rep"
    assert main(["eval", "--questions", str(SEED), "--limit", "10", "--out", str(out1), "--no-progress"]) == 0
    doc = json.loads(out1.read_text())
    assert len(doc["results"]) == 10
    assert doc["summary"] == summarize(doc["results"])
    assert doc["settings"]["llm"]["provider"] == "extractive"
    assert doc["meta"]["questions_file"] == str(SEED)
    r = doc["results"][0]
    assert r["id"] == "seed-001" and r["retrieved_doc_ids"] and "total" in r["timings_ms"]
    assert all(set(c) >= {"marker", "doc_id", "quote", "supported"} for x in doc["results"] for c in x["citations"])
    capsys.readouterr()

    assert main(["eval", "--questions", str(SEED), "--limit", "10", "--out", str(out2), "--no-progress",
                 "--report", str(rep), "--compare", str(out1)]) == 0
    printed = capsys.readouterr().out
    assert "answer_accuracy" in printed and "Comparison:" in printed
    assert "0 better, 0 worse" in printed                       # same system, same questions: deterministic
    md = (rep / "report.md").read_text()
    assert "| metric | value | n | meaning |" in md and "## Comparison" in md
    assert all((rep / f).stat().st_size > 0 for f in ("metrics.png", "latency.png", "outcomes.png"))


def test_user_errors_are_messages_not_tracebacks(env, tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "question": "x", "answerable": true}\nnot json\n')
    assert main(["eval", "--questions", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "line 1:" in err and "line 2:" in err and "Traceback" not in err
    assert main(["eval"]) == 2
    assert "give --questions" in capsys.readouterr().err
    assert main(["eval", "--questions", str(SEED), "--limit", "0"]) == 2
    assert main(["eval", "--questions", str(SEED), "--compare", str(tmp_path / "nope.json")]) == 2
    assert "not found" in capsys.readouterr().err


def test_eval_without_an_index_says_what_to_run(env, tmp_path, capsys):
    rc = main(["eval", "--questions", str(SEED), "--limit", "2", "--out", str(tmp_path / "r.json"), "--no-progress"])
    err = capsys.readouterr().err
    assert rc == 2 and "ingest" in err and "Traceback" not in err
    assert not (tmp_path / "r.json").exists()


def test_multihop_files_end_to_end(env, tmp_path, capsys):
    corpus = [{"title": "FTX trial opens", "author": "A", "source": "The Verge",
               "published_at": "2023-09-28T12:00:00+00:00", "category": "technology", "url": "https://e.org/ftx",
               "body": "Sam Bankman-Fried went on trial in New York on Tuesday. Prosecutors say the FTX founder "
                       "committed fraud for personal gain. The trial is expected to last six weeks."},
              {"title": "Rain in Spain", "author": "B", "source": "Weather Daily", "published_at": "2023-10-02T08:00:00+00:00",
               "category": "weather", "url": "https://e.org/rain",
               "body": "Heavy rain fell across Spain on Monday. Forecasters expect more storms later this week."}]
    queries = [{"query": "Who went on trial in New York, accused by prosecutors of fraud for personal gain?",
                "answer": "Sam Bankman-Fried", "question_type": "inference_query",
                "evidence_list": [{"title": "FTX trial opens", "source": "The Verge", "url": "https://e.org/ftx",
                                   "fact": "Sam Bankman-Fried went on trial in New York on Tuesday."}]},
               {"query": "What did the chief executive of Acme Corp say about quarterly profits?",
                "answer": "Insufficient information.", "question_type": "null_query", "evidence_list": []}]
    (tmp_path / "corpus.json").write_text(json.dumps(corpus))
    (tmp_path / "MultiHopRAG.json").write_text(json.dumps(queries))
    out = tmp_path / "mh.json"
    rc = main(["eval", "--multihop-corpus", str(tmp_path / "corpus.json"), "--multihop-queries",
               str(tmp_path / "MultiHopRAG.json"), "--multihop-dir", str(tmp_path / "mh"), "--out", str(out),
               "--no-progress"])
    assert rc == 0, capsys.readouterr().err
    doc = json.loads(out.read_text())
    assert doc["settings"]["paths"]["index_dir"] == str(tmp_path / "mh" / "index")   # a separate index
    assert not (tmp_path / "index").exists()                                          # the main one untouched
    first = doc["results"][0]
    assert first["match"] == "contains" and first["retrieved_chunks_relevant"][0] is True
    assert "chunk_hits@10" in doc["summary"] and doc["summary"] == summarize(doc["results"])
    assert first["correct"] is ("sam bankman-fried" in first["answer"].lower() and not first["abstained"])
