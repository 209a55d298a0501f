"""Extractive answers: the sources' own sentences, quoted verbatim and cited. The no-model mode, the fallback
when a model fails, and the answer when a model judged the question answerable but nothing it wrote verified.

Whether to answer at all is decided before this (the pipeline compares the best sentence's score, or the
model's judgement, with a calibrated threshold); this module only picks what to quote.
"""

from __future__ import annotations

from rag.ask.evidence import Sentence, Source

SECOND_QUOTE_MARGIN = 0.03   # a second source's sentence is quoted too when it scores this close to the best


def choose_quotes(sources: list[Source]) -> list[tuple[Source, Sentence]]:
    """The best sentence of the best source, and of the next source when it scores nearly as well and comes
    from another article (a question about two articles)."""
    if not sources:
        return []
    first = sources[0]
    out = [(first, first.lead)]
    for src in sources[1:]:
        if src.doc_id != first.doc_id and src.lead.score >= first.lead.score - SECOND_QUOTE_MARGIN:
            out.append((src, src.lead))
            break
    return out
