"""Could the bundled 0.5B model tell an answer from a near-miss? A measurement, not a feature.

    .venv/bin/python benchmarks/refusal_judge.py eval/questions/heldout-t.jsonl eval/questions/heldout-u.jsonl

Answers every question in extractive mode (over the index in settings: run `newsrag ingest` first), then asks
the bundled model, once per answered question, "Does the passage give the answer to this exact question?
Yes or No" with the answer's quotes as the passage, and scores log P(Yes) - log P(No) of its first token.
Prints the area under the ROC curve between correct answers to answerable questions and answers given to
unanswerable ones (0.5 = chance), and what each threshold would cost: correct answers lost against wrong
answers refused. Measured 2026-12-01 on heldout-k, -m, -o, -t and -u: AUC 0.56, so the judge is not used.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

PROMPT = ("Passage:\n\"\"\"\n{passage}\n\"\"\"\n\nQuestion: {question}\n\n"
          "Does the passage give the answer to this exact question? Reply with one word: Yes or No.")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("questions", nargs="+", type=Path)
    args = ap.parse_args()

    import torch

    from eval.questions import load_questions
    from eval.runner import run_questions
    from rag.ask.pipeline import Answerer
    from rag.backends.llms import load_local_model
    from rag.config import load_settings

    answerer = Answerer.from_settings(load_settings(overrides={"llm": {"provider": "extractive"}}))
    answered = []
    for path in args.questions:
        results, _ = run_questions(answerer, load_questions(path), progress=False)
        answered += [r for r in results if not r["abstained"] and not r.get("error")]
    t0 = time.perf_counter()
    model, tok = load_local_model(precision="bfloat16")
    print(f"model loaded in {time.perf_counter() - t0:.0f} s; judging {len(answered)} answers", flush=True)
    yes = [tok.encode(w, add_special_tokens=False)[0] for w in ("Yes", " Yes", "yes")]
    no = [tok.encode(w, add_special_tokens=False)[0] for w in ("No", " No", "no")]
    good, bad, took = [], [], []
    for r in answered:
        passage = re.sub(r"\s*\[\d+\]", "", r["answer"]).strip()
        messages = [{"role": "system", "content": "You check whether a news passage answers a question. "
                                                  "Judge only from the passage."},
                    {"role": "user", "content": PROMPT.format(passage=passage, question=r["question"])}]
        ids = tok.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt")
        ids = ids if torch.is_tensor(ids) else ids["input_ids"]
        t0 = time.perf_counter()
        with torch.no_grad():
            logp = torch.log_softmax(model(ids).logits[0, -1].float(), -1)
        took.append(time.perf_counter() - t0)
        score = float(torch.logsumexp(logp[yes], 0) - torch.logsumexp(logp[no], 0))
        if r["answerable"] and r["correct"]:
            good.append(score)
        elif not r["answerable"]:
            bad.append(score)
    if not good or not bad:
        print("need both correct answers and answered unanswerable questions to compare")
        return 1
    auc = sum((g > b) + 0.5 * (g == b) for g in good for b in bad) / (len(good) * len(bad))
    print(f"correct answers {len(good)}, answered unanswerable {len(bad)}, AUC {auc:.3f}, "
          f"median judge time {sorted(took)[len(took) // 2]:.2f} s")
    for th in sorted({round(x, 1) for x in good + bad})[::max(1, len(good + bad) // 12)]:
        print(f"  refuse below {th:6.1f}: correct answers lost {sum(g < th for g in good):4d}/{len(good)}, "
              f"unanswerable refused {sum(b < th for b in bad):3d}/{len(bad)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
