"""The local model's reused system-prompt cache changes nothing in what it writes (greedy decoding)."""

from __future__ import annotations

import pytest

from rag.ask.prompt import load_template
from rag.backends.llms import LocalChatModel
from rag.config import REPO_ROOT

pytestmark = pytest.mark.slow


def test_prefix_cache_gives_the_same_answer():
    template = load_template("answer", REPO_ROOT / "prompts")
    prompts = [template.render(sources=f"[1] (NBC News, 2024-05) {text}", question=q, no_answer="NO_ANSWER")
               for text, q in [
                   ("Mexico deployed 6,000 troops to its border with Guatemala to intercept migrants.",
                    "How many troops did Mexico deploy to its border with Guatemala?"),
                   ("The meeting lasted more than two hours, officials said late Wednesday.",
                    "How long did the meeting last?")]]
    cached = LocalChatModel(max_new_tokens=24, prefix_cache=True)
    plain = LocalChatModel(max_new_tokens=24, prefix_cache=False)
    model, tokenizer, inputs = cached._inputs(prompts[0])
    assert cached._prefix_cache(model, tokenizer, prompts[0], inputs["input_ids"]) is not None
    assert plain._prefix_cache(model, tokenizer, prompts[0], inputs["input_ids"]) is None
    for messages in prompts:
        assert cached.invoke(messages).content == plain.invoke(messages).content
