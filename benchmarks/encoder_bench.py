"""int8 against fp32: embedding throughput and retrieval hit@5 on Reuters questions, in one run.

    .venv/bin/python benchmarks/encoder_bench.py [--distractors 2000] [--questions eval/questions/reuters/*.jsonl]

The collection is every article a question names as its source plus the first ``--distractors`` articles of
Reuters-21578, grouped for duplicates and chunked as ingest does. Both encoders embed every chunk
(headline + passage, the ingest text) in blocks of 256, alternating which goes first, so both see the same
CPU load; the figures are chunks/s over all blocks. Then every answerable question is searched:

* dense: exact cosine over the chunk vectors, top 5 chunks, hit when one belongs to a source article
  (or to the article its source was grouped under as a copy);
* hybrid: dense and BM25 top 40 fused by reciprocal rank (k=60), as ``newsrag retrieve`` does, top 5;
* cross: int8 question vectors against fp32 chunk vectors (what mixing encoders would give).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from rag.backends.bm25 import BM25Index  # noqa: E402
from rag.backends.embeddings import count_tokens_many, make_embedder  # noqa: E402
from rag.config import REPO_ROOT, load_settings  # noqa: E402
from rag.ingest.chunk import chunk_article  # noqa: E402
from rag.ingest.dedup import group_duplicates  # noqa: E402
from rag.ingest.pipeline import load_articles  # noqa: E402

REUTERS = REPO_ROOT.parent / "shared" / "corpus" / "reuters-21578" / "reuters-21578.jsonl"
BLOCK = 256


def load_questions(paths: list[str]) -> list[dict]:
    rows = []
    for p in paths:
        for line in Path(p).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if row.get("answerable", True) and row.get("sources"):
                    rows.append(row)
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", type=Path, default=REUTERS)
    ap.add_argument("--distractors", type=int, default=2000)
    ap.add_argument("--questions", nargs="*", default=None,
                    help="question files (default: eval/questions/reuters/*.jsonl of this repository)")
    ap.add_argument("--k", type=int, default=5)
    args = ap.parse_args()
    paths = args.questions or sorted(glob.glob(str(REPO_ROOT / "eval" / "questions" / "reuters" / "*.jsonl")))
    if not paths:
        print("encoder_bench: no question files: pass --questions FILE ...", file=sys.stderr)
        return 2
    questions = load_questions(paths)
    wanted = {s for q in questions for s in q["sources"]}

    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        subset = Path(tmp) / "subset.jsonl"
        with args.input.open(encoding="utf-8") as src, subset.open("w", encoding="utf-8") as dst:
            for i, line in enumerate(src):
                if i < args.distractors or json.loads(line)["id"] in wanted:
                    dst.write(line)
        s8 = load_settings(env={}, overrides={"embedding": {"precision": "int8"}})
        s32 = load_settings(env={}, overrides={"embedding": {"precision": "fp32"}})
        int8, fp32 = make_embedder(s8.embedding), make_embedder(s32.embedding)
        read, _skipped, _warnings = load_articles([subset], s8)
    articles, copy_of = group_duplicates(read)
    plans = []
    for a in articles:
        plans += chunk_article(a, count_tokens_many=lambda t: count_tokens_many(int8, t), model_name="bench",
                               max_tokens=s8.chunking.max_tokens, overlap_sentences=s8.chunking.overlap_sentences,
                               overlap_tokens=s8.chunking.overlap_tokens, max_seq_tokens=256)
    texts = [p.embed_text for p in plans]
    docs = np.asarray([p.chunk.doc_id for p in plans])
    print(f"{len(articles)} articles ({len(copy_of)} copies grouped), {len(texts)} chunks, {len(questions)} answerable "
          f"questions from {', '.join(Path(p).name for p in paths)}", flush=True)
    for e in (int8, fp32):
        e.embed(texts[:16])
    vec = {"int8": np.zeros((len(texts), int8.dim), np.float32), "fp32": np.zeros((len(texts), fp32.dim), np.float32)}
    spent = {"int8": 0.0, "fp32": 0.0}
    encoders = {"int8": int8, "fp32": fp32}
    for b, i in enumerate(range(0, len(texts), BLOCK)):
        order = ("int8", "fp32") if b % 2 == 0 else ("fp32", "int8")
        for name in order:
            t0 = time.perf_counter()
            vec[name][i:i + BLOCK] = encoders[name].embed(texts[i:i + BLOCK])
            spent[name] += time.perf_counter() - t0
    for name in ("fp32", "int8"):
        print(f"{name}: {len(texts) / spent[name]:6.1f} chunks/s ({spent[name]:.1f} s)")
    print(f"int8 / fp32 throughput: {spent['fp32'] / spent['int8']:.2f}x   (target >= 1.5)")
    cos = (vec["int8"] * vec["fp32"]).sum(axis=1)
    print(f"cosine int8 vs fp32 chunk vectors: min {cos.min():.4f}, mean {cos.mean():.4f}")

    bm25 = BM25Index.build([str(i) for i in range(len(texts))], texts, list(docs))
    rep = {d: copy_of.get(d, d) for d in {s for q in questions for s in q["sources"]}}
    qtexts = [q["question"] for q in questions]
    qvec = {"int8": int8.embed(qtexts), "fp32": fp32.embed(qtexts)}

    def hit_rate(q_enc: str, d_enc: str, hybrid: bool) -> float:
        hits = 0
        sims = qvec[q_enc] @ vec[d_enc].T
        for qi, q in enumerate(questions):
            order = np.argsort(-sims[qi], kind="stable")
            if hybrid:
                fused: dict[int, float] = {}
                for r, c in enumerate(order[:40], 1):
                    fused[int(c)] = fused.get(int(c), 0.0) + 1 / (60 + r)
                for r, (c, _s) in enumerate(bm25.top(q["question"], 40), 1):
                    fused[int(c)] = fused.get(int(c), 0.0) + 1 / (60 + r)
                top = sorted(fused, key=lambda c: -fused[c])[:args.k]
            else:
                top = order[:args.k]
            found = {copy_of.get(d, d) for d in docs[top]}
            hits += any(rep[s] in found for s in q["sources"])
        return hits / len(questions)

    n = len(questions)
    for label, q_enc, d_enc in (("fp32", "fp32", "fp32"), ("int8", "int8", "int8"), ("cross: int8 questions, fp32 chunks", "int8", "fp32")):
        d, h = hit_rate(q_enc, d_enc, False), hit_rate(q_enc, d_enc, True)
        print(f"hit@{args.k} {label:36s} dense {d:.3f} ({round(d * n)}/{n})   hybrid {h:.3f} ({round(h * n)}/{n})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
