"""Ingest throughput: the whole pipeline against the embedding model alone, on the same texts, in one run.

    .venv/bin/python benchmarks/ingest_bench.py [--input FILE.jsonl] [--limit 5000] [--precision int8|fp32]
                                                [--keep DIR] [--raw-every N]

The input defaults to the Reuters-21578 collection (``../shared/corpus/reuters-21578/reuters-21578.jsonl``;
``--limit`` takes its first N articles). In one process, after the model is loaded:

1. raw:      ``embedder.embed`` on exactly the texts the pipeline embeds (every chunk's headline + passage in
             groups of ``store.batch_size``, then the sentences persisted for the answer step in groups of
             ``SENTENCE_BATCH``), prepared beforehand (load, clean, group duplicates, chunk, split);
2. pipeline: ``ingest()`` end to end into a fresh Chroma index (load, clean, group duplicates, chunk, embed,
             store, BM25 build, sentences);
3. raw again (the CPU is shared; the two raw runs bracket the pipeline run).

Prints chunks/s of each and the ratio raw time / pipeline time for the same work (target >= 0.9): with the
sentences counted (they are embedding work the pipeline does on top of the chunks) and for chunks alone.
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

from rag.backends.embeddings import count_tokens_many, make_embedder  # noqa: E402
from rag.config import REPO_ROOT, load_settings  # noqa: E402
from rag.ingest.chunk import chunk_article  # noqa: E402
from rag.ingest.dedup import group_duplicates  # noqa: E402
from rag.ingest.pipeline import SENTENCE_BATCH, ingest, load_articles  # noqa: E402
from rag.ingest.sentences import article_sentences  # noqa: E402

REUTERS = REPO_ROOT.parent / "shared" / "corpus" / "reuters-21578" / "reuters-21578.jsonl"


def prepare(path: Path, settings, embedder) -> tuple[list[list[str]], list[list[str]], int]:
    """The chunk and sentence texts the pipeline will embed, in the pipeline's groups."""
    read, _skipped, _warnings = load_articles([path], settings)
    articles, _copies = group_duplicates(read)

    def counter(texts):
        return count_tokens_many(embedder, texts)

    target = max(settings.store.batch_size, settings.embedding.batch_size)
    chunk_batches: list[list[str]] = [[]]
    for a in articles:
        plans = chunk_article(a, count_tokens_many=counter, model_name=embedder.name,
                              max_tokens=settings.chunking.max_tokens,
                              overlap_sentences=settings.chunking.overlap_sentences,
                              overlap_tokens=settings.chunking.overlap_tokens,
                              max_seq_tokens=getattr(embedder, "max_seq_tokens", settings.embedding.max_seq_tokens))
        chunk_batches[-1] += [p.embed_text for p in plans]
        if len(chunk_batches[-1]) >= target:
            chunk_batches.append([])
    sentence_batches: list[list[str]] = [[]]
    seen_texts: set[str] = set()
    for a in articles:
        if a.text in seen_texts:
            continue
        seen_texts.add(a.text)
        sentence_batches[-1] += article_sentences(a.text)[3]
        if len(sentence_batches[-1]) >= SENTENCE_BATCH:
            sentence_batches.append([])
    sentence_batches = [list(dict.fromkeys(b)) for b in sentence_batches if b]
    return [b for b in chunk_batches if b], sentence_batches, len(articles)


def timed(embedder, batches, every: int = 1) -> float:
    """Seconds to embed ``batches``; with ``every`` > 1, only every N-th batch is embedded and the time is scaled
    to all of them by the share of texts embedded (a uniform sample of the same batches, for large collections)."""
    sample = batches[::every]
    t0 = time.perf_counter()
    for b in sample:
        embedder.embed(b)
    seconds = time.perf_counter() - t0
    done, total = sum(map(len, sample)), sum(map(len, batches))
    return seconds * total / done if done else 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", type=Path, default=REUTERS, help="a .jsonl collection (default: Reuters-21578)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N articles (0: all)")
    ap.add_argument("--precision", default=None, choices=["int8", "fp32"], help="default: the settings' default")
    ap.add_argument("--provider", default="bundled", choices=["bundled", "fake"])
    ap.add_argument("--keep", type=Path, default=None, help="build the measured index here and keep it")
    ap.add_argument("--raw-every", type=int, default=1, metavar="N",
                    help="time the raw model on every N-th batch only and scale to all (default 1: every batch); "
                         "for the whole collection, where three full passes would take hours")
    args = ap.parse_args()
    if not args.input.is_file():
        print(f"ingest_bench: {args.input} does not exist: pass --input FILE.jsonl", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="newsrag-ingest-bench-") as tmp:
        tmp_path = Path(tmp)
        source = args.input
        if args.limit:
            source = tmp_path / f"first-{args.limit}.jsonl"
            with args.input.open(encoding="utf-8") as src, source.open("w", encoding="utf-8") as dst:
                for i, line in enumerate(src):
                    if i >= args.limit:
                        break
                    dst.write(line)
        index_dir = args.keep or (tmp_path / "index")
        embedding = {"provider": args.provider}
        if args.precision:
            embedding["precision"] = args.precision
        settings = load_settings(env={}, overrides={"paths": {"index_dir": str(index_dir)}, "embedding": embedding})
        t0 = time.perf_counter()
        model = make_embedder(settings.embedding)
        print(f"encoder {model.name} loaded in {time.perf_counter() - t0:.1f} s; input {source.name}")
        model.embed(["warm up the model with a short sentence"] * 8)

        t0 = time.perf_counter()
        chunk_batches, sentence_batches, n_articles = prepare(source, settings, model)
        n_chunks = sum(map(len, chunk_batches))
        n_sent = sum(map(len, sentence_batches))
        print(f"prepared {n_articles} articles (after grouping duplicates), {n_chunks} chunks, {n_sent} sentences "
              f"in {time.perf_counter() - t0:.1f} s")

        every = max(1, args.raw_every)
        if every > 1:
            print(f"raw model timed on every {every}th batch ({len(chunk_batches[::every])} of {len(chunk_batches)} "
                  f"chunk batches, {len(sentence_batches[::every])} of {len(sentence_batches)} sentence batches), "
                  f"scaled to all")
        c1, s1 = timed(model, chunk_batches, every), timed(model, sentence_batches, every)
        print(f"raw model:        chunks {n_chunks / c1:7.1f}/s ({c1:.1f} s), sentences {n_sent / s1:7.1f}/s ({s1:.1f} s)",
              flush=True)
        report = ingest([source], settings, embedder=model, progress=False, rebuild=True,
                        log=lambda m: print(f"  {m}", flush=True))
        assert report.embedded == n_chunks, (report.embedded, n_chunks)
        c2, s2 = timed(model, chunk_batches, every), timed(model, sentence_batches, every)
        print(f"raw model again:  chunks {n_chunks / c2:7.1f}/s ({c2:.1f} s), sentences {n_sent / s2:7.1f}/s ({s2:.1f} s)")
        print(report.summary())
        raw_all = (c1 + s1 + c2 + s2) / 2
        raw_chunks = (c1 + c2) / 2
        pipe_chunks = report.seconds - report.sentence_seconds      # the pipeline without its sentence embedding
        print(f"ingest pipeline:  {report.embedded / report.seconds:7.1f} chunks/s end to end ({report.seconds:.1f} s, "
              f"{report.embed_seconds:.1f} s inside the model); {report.sentences} sentences embedded")
        print(f"ratio raw/pipeline, same work (chunks + sentences): {raw_all / report.seconds:.2f}   (target >= 0.90)")
        print(f"ratio for the chunks alone (pipeline time less its sentence embedding): "
              f"{raw_chunks / pipe_chunks:.2f}  = pipeline {report.embedded / pipe_chunks:.1f} chunks/s "
              f"vs raw {n_chunks / raw_chunks:.1f} chunks/s")
        print(f"share of the pipeline's time inside the model: {report.embed_seconds / report.seconds:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
