"""Ingest throughput: the whole pipeline against the embedding model alone, on the same chunks, same run.

    .venv/bin/python benchmarks/ingest_bench.py [--copies 10] [--provider bundled]

The corpus is the five seed articles copied ``--copies`` times under new document ids (so every
chunk is new to the index). Three measurements, in one process, after the model is loaded:

1. raw:       ``embedder.embed(texts)`` on exactly the texts the pipeline embeds, in the pipeline's batches;
2. pipeline:  ``ingest()`` end to end into a fresh Chroma index in a temporary directory
              (load, clean, chunk, embed, store, BM25 build);
3. raw again  (the CPU is shared; the two raw runs bracket the pipeline run).

Prints chunks/s for each and the ratio pipeline / mean(raw) (target >= 0.9).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from rag.backends.embeddings import make_embedder  # noqa: E402
from rag.config import REPO_ROOT, load_settings  # noqa: E402
from rag.ingest.pipeline import ingest  # noqa: E402


class Recording:
    """Wraps the embedder; remembers the batches the pipeline asks for."""

    def __init__(self, inner):
        self.inner = inner
        self.name, self.dim = inner.name, inner.dim
        self.max_seq_tokens = getattr(inner, "max_seq_tokens", 256)
        self.batches: list[list[str]] = []

    def embed(self, texts):
        self.batches.append(list(texts))
        return self.inner.embed(texts)

    def count_tokens(self, text):
        return self.inner.count_tokens(text)

    def count_tokens_batch(self, texts):
        return self.inner.count_tokens_batch(texts)


def make_corpus(dst: Path, copies: int) -> None:
    import json

    src = REPO_ROOT / "corpus"
    meta = json.loads((src / "metadata.json").read_text(encoding="utf-8"))["articles"]
    out_meta = {}
    for i in range(copies):
        for f in sorted(src.glob("*.txt")):
            doc_id = f"{f.stem}_copy{i:03d}"
            (dst / f"{doc_id}.txt").write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
            out_meta[doc_id] = meta.get(f.stem, {})
    (dst / "metadata.json").write_text(json.dumps({"articles": out_meta}), encoding="utf-8")


def raw_rate(embedder, batches) -> tuple[float, float]:
    n = sum(len(b) for b in batches)
    t0 = time.perf_counter()
    for b in batches:
        embedder.embed(b)
    dt = time.perf_counter() - t0
    return n / dt, dt


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", type=int, default=10, help="copies of the five seed articles (default 10)")
    ap.add_argument("--provider", default="bundled", choices=["bundled", "fake"])
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsrag-ingest-bench-") as tmp:
        tmp_path = Path(tmp)
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        make_corpus(corpus, args.copies)
        settings = load_settings(env={}, overrides={"paths": {"index_dir": str(tmp_path / "index")},
                                                    "embedding": {"provider": args.provider}})
        t0 = time.perf_counter()
        model = make_embedder(settings.embedding)
        print(f"model {model.name} loaded in {time.perf_counter() - t0:.1f} s")
        model.embed(["warm up the model with a short sentence"] * 8)

        # a dry run records exactly what the pipeline embeds (and in which batches)
        rec = Recording(model)
        ingest([corpus], settings, embedder=rec, progress=False)
        batches = rec.batches
        n = sum(len(b) for b in batches)
        fresh = settings.model_copy(deep=True)       # a new, empty index for the measured run
        fresh.paths.index_dir = tmp_path / "index2"

        raw1, t_raw1 = raw_rate(model, batches)
        report = ingest([corpus], fresh, embedder=model, progress=False)
        assert report.embedded == n, (report.embedded, n)
        pipe = report.embedded / report.seconds
        raw2, t_raw2 = raw_rate(model, batches)
        raw = (raw1 + raw2) / 2
        print(f"articles {report.articles}, chunks {n} in {len(batches)} embedding batches")
        print(f"raw model:        {raw1:7.1f} chunks/s ({t_raw1:.1f} s), again {raw2:7.1f} chunks/s ({t_raw2:.1f} s)")
        print(f"ingest pipeline:  {pipe:7.1f} chunks/s ({report.seconds:.1f} s end to end; "
              f"{report.embed_seconds:.1f} s inside the model)")
        print(f"ratio pipeline/raw: {pipe / raw:.2f}   (target >= 0.90)")
        print(f"share of the pipeline's time spent inside the model: {report.embed_seconds / report.seconds:.2f} "
              "(the steadier figure when the CPU is shared: 1 - overhead of load/clean/chunk/store/BM25)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
