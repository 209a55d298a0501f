"""MultiHop-RAG (Tang and Yang 2024, ODC-BY 1.0): its retrieval scorer as functions of ours, and conversion of
its files into a newsrag corpus and question set.

Retrieval scoring (the benchmark's `retrieval_evaluate.py` rule): a retrieved chunk is relevant when one of the
gold evidence `fact` strings, spaces and newlines removed, is a substring of the chunk text, spaces and newlines
removed; Hits@K = any relevant chunk in the top K; MRR@10 = 1 / rank of the first relevant chunk in the top 10;
null queries are left out. MAP@10 (a non-standard variant there) is left out here.

Answer scoring (the paper's generation accuracy): the gold answer string appears in the response,
case-insensitive (`match: "contains"`). Null queries (gold answer "Insufficient information.") are correct
when the system abstains.

Files: `corpus.json` is a list of articles {title, author, source, published_at, category, url, body};
`MultiHopRAG.json` a list of queries {query, answer, question_type, evidence_list: [{title, source,
published_at, url, fact, ...}]}.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rag.errors import NewsragError

from eval.metrics import chunk_relevance, hit_at_k, reciprocal_rank
from eval.questions import write_questions

NULL_TYPE = "null_query"


class MultiHopFileError(NewsragError):
    """A MultiHop-RAG file is missing or not in the benchmark's format."""


# ------------------------------------------------------------------------------ retrieval scorer

def retrieval_scores(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Hits@10, Hits@4 and MRR@10 over records in the benchmark's retrieval-output format
    ({question_type, gold_list: [{fact}], retrieval_list: [{text}]}, best first), null queries excluded."""
    rels = []
    for rec in records:
        if rec.get("question_type") == NULL_TYPE:
            continue
        facts = [g["fact"] for g in rec.get("gold_list") or []]
        rels.append(chunk_relevance([c["text"] for c in rec.get("retrieval_list") or []], facts))
    n = len(rels)
    if not n:
        return {"Hits@10": None, "Hits@4": None, "MRR@10": None, "n": 0}
    return {"Hits@10": sum(hit_at_k(r, 10) for r in rels) / n,
            "Hits@4": sum(hit_at_k(r, 4) for r in rels) / n,
            "MRR@10": sum(reciprocal_rank(r, 10) for r in rels) / n,
            "n": n}


# ------------------------------------------------------------------------------------ conversion

def _load_list(path: str | Path, what: str) -> list[Any]:
    path = Path(path)
    if not path.is_file():
        raise MultiHopFileError(f"MultiHop-RAG {what} file {path} not found")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise MultiHopFileError(f"MultiHop-RAG {what} file {path} is not valid JSON: {exc}") from exc
    if not isinstance(data, list):
        raise MultiHopFileError(f"MultiHop-RAG {what} file {path} must hold a JSON list, got {type(data).__name__}")
    return data


def doc_id_for(article: Mapping[str, Any]) -> str:
    """Stable id from url and title (the fields evidence entries carry)."""
    key = f"{article.get('url') or ''}\n{article.get('title') or ''}"
    return "mh-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def _date(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    m = re.match(r"\d{4}-\d{2}-\d{2}", value.strip())
    return m.group(0) if m else None


def convert_corpus(corpus_path: str | Path, out_jsonl: str | Path) -> tuple[int, dict[str, str], list[str]]:
    """Write the benchmark's articles as a newsrag JSONL corpus (id, title, text, outlet, published, url).

    Returns (articles written, lookup from url and from title to doc id, warnings for skipped records).
    """
    data = _load_list(corpus_path, "corpus")
    out = Path(out_jsonl)
    out.parent.mkdir(parents=True, exist_ok=True)
    lookup: dict[str, str] = {}
    warnings: list[str] = []
    seen: set[str] = set()
    written = 0
    with out.open("w", encoding="utf-8") as fh:
        for i, art in enumerate(data):
            if not isinstance(art, dict) or not isinstance(art.get("body"), str) or not art["body"].strip():
                warnings.append(f"corpus record {i}: no 'body' text, skipped")
                continue
            did = doc_id_for(art)
            if did in seen:
                warnings.append(f"corpus record {i}: duplicate of an earlier article (same url and title), skipped")
                continue
            seen.add(did)
            row = {"id": did, "title": art.get("title"), "text": art["body"], "outlet": art.get("source"),
                   "published": _date(art.get("published_at")), "url": art.get("url")}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            written += 1
            for key in ("url", "title"):
                if art.get(key):
                    lookup.setdefault(f"{key}:{art[key]}", did)
    return written, lookup, warnings


def convert_queries(queries_path: str | Path, lookup: Mapping[str, str], out_jsonl: str | Path, *,
                    limit: int | None = None) -> tuple[int, list[str]]:
    """Write the benchmark's queries as a newsrag question file. Answerable queries get the gold answer with
    the benchmark's `contains` rule, their evidence documents as sources and the evidence facts for
    chunk-level retrieval metrics; null queries are unanswerable."""
    data = _load_list(queries_path, "queries")
    if limit is not None:
        data = data[:limit]
    questions, warnings = [], []
    for i, rec in enumerate(data):
        if not isinstance(rec, dict) or not isinstance(rec.get("query"), str) or not rec["query"].strip():
            warnings.append(f"query record {i}: no 'query' text, skipped")
            continue
        qtype = rec.get("question_type") or "unknown"
        q: dict[str, Any] = {"id": f"mhq-{i:04d}", "question": rec["query"], "type": qtype}
        if qtype == NULL_TYPE:
            q.update({"answerable": False, "sources": [], "notes": f"gold answer: {rec.get('answer')}"})
        else:
            answer = rec.get("answer")
            if not isinstance(answer, str) or not answer.strip():
                warnings.append(f"query record {i}: answerable but no gold 'answer', skipped")
                continue
            evidence = [e for e in rec.get("evidence_list") or [] if isinstance(e, dict)]
            sources = []
            for e in evidence:
                did = lookup.get(f"url:{e.get('url')}") or lookup.get(f"title:{e.get('title')}")
                if did and did not in sources:
                    sources.append(did)
                elif not did:
                    warnings.append(f"query record {i}: evidence {e.get('title')!r} is not in the corpus")
            q.update({"answerable": True, "sources": sources, "answers": [answer], "match": "contains",
                      "evidence_facts": [e["fact"] for e in evidence if isinstance(e.get("fact"), str)]})
        questions.append(q)
    write_questions(questions, out_jsonl)
    return len(questions), warnings


def prepare(corpus_path: str | Path, queries_path: str | Path, out_dir: str | Path, *,
            limit: int | None = None) -> dict[str, Any]:
    """Convert both files into out_dir/corpus.jsonl and out_dir/questions.jsonl."""
    out = Path(out_dir)
    n_docs, lookup, w1 = convert_corpus(corpus_path, out / "corpus.jsonl")
    if not n_docs:
        raise MultiHopFileError(f"MultiHop-RAG corpus file {corpus_path} holds no usable article")
    n_q, w2 = convert_queries(queries_path, lookup, out / "questions.jsonl", limit=limit)
    if not n_q:
        raise MultiHopFileError(f"MultiHop-RAG queries file {queries_path} holds no usable query")
    return {"corpus": out / "corpus.jsonl", "questions": out / "questions.jsonl", "articles": n_docs,
            "queries": n_q, "warnings": w1 + w2}
