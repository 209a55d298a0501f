"""Does the answer reach the model? For each answerable question whose answer can be looked for as text (yes/no
questions left out), whether an accepted answer string is in passage 1 (what the answerability judgement reads),
in passage 1 or the one its second look reads (the best sentences not in passage 1), in the passages the model
reads (1..answer.max_sources), among all ranked candidate sentences, and in the gold articles. No language model
is loaded; it runs in seconds over an eval index.

    .venv/bin/python benchmarks/passage_coverage.py --corpus eval/corpora/reuters-500 \\
        --questions eval/questions/reuters/rt-dev-a.jsonl ... [--max-sources 2] [--chars 800] [--misses]

The index is the one `newsrag eval --corpus` builds (ingested when missing). Answer strings are matched as the
evaluation grades answers (eval.metrics.matches).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from eval.command import corpus_settings  # noqa: E402
from eval.metrics import matches  # noqa: E402
from rag.ask.pipeline import Answerer, _without_time_words  # noqa: E402
from rag.ask.retrieve import Retriever  # noqa: E402
from rag.config import load_settings  # noqa: E402
from rag.ingest.pipeline import ingest  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True, help="the collection the questions were written over")
    ap.add_argument("--questions", nargs="+", required=True, type=Path)
    ap.add_argument("--max-sources", type=int, default=None, help="default: answer.max_sources")
    ap.add_argument("--chars", type=int, default=None, help="default: answer.source_chars")
    ap.add_argument("--misses", action="store_true", help="list the questions whose answer the passages miss")
    args = ap.parse_args()

    settings = corpus_settings(load_settings(), [args.corpus])
    ingest([Path(args.corpus)], settings, progress=False)
    max_sources = args.max_sources or settings.answer.max_sources
    chars = args.chars or settings.answer.source_chars
    answerer = Answerer(settings=settings, retriever=Retriever.from_settings(settings), llm=None)
    print(f"passages: {max_sources} of up to {chars} characters")
    print(f"{'set':<22} {'questions':>9} {'passage 1':>10} {'1 or next':>10} {'passages':>9} {'candidates':>11} "
          f"{'gold article':>13}")
    for path in args.questions:
        counts = [0, 0, 0, 0, 0, 0]
        for line in path.read_text(encoding="utf-8").splitlines():
            q = json.loads(line)
            answers, answers_all = q.get("answers") or [], q.get("answers_all") or []
            if not q.get("answerable") or [a.lower() for a in answers] == ["yes"] or not (answers or answers_all):
                continue
            _, ranked, sources = answerer.evidence(_without_time_words(q["question"]), max_sources, chars)
            after = answerer.following(ranked, sources[:1], 1, chars)
            found = [matches(" ".join(s.text for s in sources[:1]), answers, answers_all),
                     matches(" ".join(s.text for s in sources[:1] + after[:1]), answers, answers_all),
                     matches(" ".join(s.text for s in sources), answers, answers_all),
                     matches(" ".join(s.text for s in ranked), answers, answers_all),
                     matches(" ".join(a.text for d in q.get("sources", [])
                                      if (a := answerer.retriever.article(d)) is not None), answers, answers_all)]
            counts[0] += 1
            for i, hit in enumerate(found, start=1):
                counts[i] += bool(hit)
            if args.misses and not found[2]:
                print(f"  not in the passages: {q['id']}: {q['question'][:100]}")
        n = counts[0] or 1
        print(f"{path.stem:<22} {counts[0]:>9} " + " ".join(f"{c:>4} {c / n:4.2f}" for c in counts[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
