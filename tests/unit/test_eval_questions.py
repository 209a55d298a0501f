"""Question files: validation errors name every bad line; the seed set is consistent with the corpus."""

import json
from pathlib import Path

import pytest

from eval.metrics import contains
from eval.questions import QuestionFileError, load_questions, parse_lines
from rag.config import REPO_ROOT

SEED = REPO_ROOT / "eval" / "questions" / "seed.jsonl"
CORPUS = REPO_ROOT / "corpus"


def _line(**kw):
    base = {"id": "q1", "question": "How many?", "answerable": True, "sources": ["a"], "answers": ["20"]}
    base.update(kw)
    return json.dumps({k: v for k, v in base.items() if v is not ...})


def test_valid_file_parses(tmp_path):
    p = tmp_path / "q.jsonl"
    p.write_text(_line() + "\n\n# a comment\n" + _line(id="q2", answerable=False, sources=[], answers=...) + "\n")
    qs = load_questions(p)
    assert [q.id for q in qs] == ["q1", "q2"]
    assert qs[0].answers == ["20"] and qs[0].line == 1 and qs[1].line == 4
    assert qs[1].answerable is False and qs[1].answers == []


def test_every_problem_is_reported_with_its_line():
    lines = [
        _line(),                                              # 1 fine
        "{not json",                                          # 2
        _line(id="q1"),                                       # 3 duplicate id
        _line(id="q4", answerable="yes"),                     # 4 not a bool
        _line(id="q5", answers=..., answers_all=...),         # 5 answerable without answers
        _line(id="q6", answerable=False, answers=["x"]),      # 6 unanswerable with answers
        _line(id="", question=" "),                           # 7 empty id and question
        _line(id="q8", sources="a"),                          # 8 sources not a list
        _line(id="q9", answer=["typo key"]),                  # 9 unknown key
        _line(id="q10", answers=["  "]),                      # 10 empty answer string
        "[1, 2]",                                             # 11 not an object
        _line(id="q12", match="fuzzy"),                       # 12 unknown rule
    ]
    with pytest.raises(QuestionFileError) as info:
        parse_lines(lines, "x.jsonl")
    problems = info.value.problems
    text = "\n".join(problems)
    for n in (2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12):
        assert f"line {n}:" in text, f"line {n} not reported:\n{text}"
    assert "line 1:" not in text
    assert "duplicate id 'q1' (first used on line 1)" in text
    assert "unknown key(s) answer" in text
    assert "x.jsonl" in str(info.value)


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(QuestionFileError, match="file not found"):
        load_questions(tmp_path / "nope.jsonl")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n# only a comment\n")
    with pytest.raises(QuestionFileError, match="no questions"):
        load_questions(empty)
    binary = tmp_path / "bin.jsonl"
    binary.write_bytes(b"\xff\xfe\x00junk")
    with pytest.raises(QuestionFileError, match="not UTF-8"):
        load_questions(binary)


def test_numeric_ids_are_accepted_as_strings():
    (q,) = parse_lines([_line(id=7)])
    assert q.id == "7"


# ----------------------------------------------------------------------------------- the seed set

def _doc_text(doc_id: str) -> str:
    return (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8")


def test_seed_set_shape():
    qs = load_questions(SEED)
    assert len(qs) >= 60
    unanswerable = [q for q in qs if not q.answerable]
    assert len(unanswerable) >= 15
    types = {q.type for q in qs}
    assert {"fact", "multi", "conflict", "unanswerable"} <= types
    assert sum(len(q.sources) >= 2 for q in qs if q.answerable) >= 10


def test_seed_sources_exist_and_hold_the_answers():
    """Every gold source is a corpus file, and the expected strings really are in the gold articles
    (guards against typos in hand-written answers; the one arithmetic question is computed, not quoted)."""
    for q in load_questions(SEED):
        for s in q.sources:
            assert (CORPUS / f"{s}.txt").is_file(), f"{q.id}: unknown source {s}"
        if not q.answerable or q.type == "arithmetic":
            continue
        text = "\n".join(_doc_text(s) for s in q.sources)
        if q.answers:
            assert any(contains(text, a) for a in q.answers), f"{q.id}: none of {q.answers} in its sources"
        for a in q.answers_all:
            assert contains(text, a), f"{q.id}: {a!r} not in its sources"


def test_seed_conflict_questions_need_both_articles():
    """For the 30-vs-35-per-day conflict, each figure is in exactly one of the two articles."""
    q = next(q for q in load_questions(SEED) if q.type == "conflict" and set(q.answers_all) == {"30", "35"})
    a, b = (_doc_text(s) for s in q.sources)
    assert contains(a, "35") != contains(b, "35")
    assert contains(a, "30") != contains(b, "30")


def test_seed_teaser_questions_are_only_answerable_from_the_furniture():
    """The teaser-block questions are unanswerable because ingest strips those blocks; their hint strings
    are present in the raw files (so a leak would show up as a wrong answer, not as noise)."""
    teasers = [q for q in load_questions(SEED) if not q.answerable and q.notes and
               ("teaser" in q.notes or "See also" in q.notes)]
    assert len(teasers) >= 5
    raw = "\n".join(p.read_text(encoding="utf-8") for p in sorted(Path(CORPUS).glob("*.txt")))
    for q in teasers:
        hint = q.notes.split(":")[-1].strip().replace("over ", "")
        assert contains(raw, hint), f"{q.id}: hint {hint!r} not found in the raw corpus"


REUTERS_SETS = {  # question set -> the collection it was written from (eval/README.md)
    "rt-dev-a": "reuters-500", "rt-dev-b": "reuters-500", "rt-held-a": "reuters-500", "rt-held-b": "reuters-500",
    "rt-fresh-a": "reuters-1000b", "rt-fresh-b": "reuters-1000b",
    "rt-new-a": "reuters-1000c", "rt-new-b": "reuters-1000c",
    "rt-d-a": "reuters-1000d", "rt-d-b": "reuters-1000d",
    "rt-e-a": "reuters-1000e", "rt-e-b": "reuters-1000e",
    "rt-f-a": "reuters-1000f", "rt-f-b": "reuters-1000f",
}


def test_every_reuters_set_is_listed_here():
    found = {p.stem for p in (REPO_ROOT / "eval" / "questions" / "reuters").glob("*.jsonl")}
    assert found == set(REUTERS_SETS)


def test_question_ids_are_unique_across_the_reuters_sets():
    """A result names its question by id alone: two sets sharing one (rt-fresh-a's rtfa-001 and a later set's)
    would make comparisons and failure lists ambiguous."""
    owner: dict[str, str] = {}
    for name in sorted(REUTERS_SETS):
        for q in load_questions(REPO_ROOT / "eval" / "questions" / "reuters" / f"{name}.jsonl"):
            assert q.id not in owner, f"{q.id} is in both {owner[q.id]} and {name}"
            owner[q.id] = name


@pytest.mark.parametrize("name", sorted(REUTERS_SETS))
def test_reuters_sets_are_consistent_with_their_collection(name):
    """Ids are unique, every gold source is an article of the set's collection, the near-topic questions name
    one, and an accepted answer string really is in the gold articles (yes/no answers excepted)."""
    corpus = REPO_ROOT / "eval" / "corpora" / REUTERS_SETS[name]
    articles = {}
    for path in corpus.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            art = json.loads(line)
            articles[art["id"]] = f"{art.get('title') or ''}\n{art['text']}"
    qs = load_questions(REPO_ROOT / "eval" / "questions" / "reuters" / f"{name}.jsonl")
    assert len({q.id for q in qs}) == len(qs)
    assert sum(q.answerable for q in qs) >= 40 and sum(not q.answerable for q in qs) >= 15
    for q in qs:
        assert q.sources and all(s in articles for s in q.sources), f"{q.id}: a source is not in {corpus.name}"
        if not q.answerable:
            continue
        text = "\n".join(articles[s] for s in q.sources)
        if q.answers and [a.lower() for a in q.answers] != ["yes"]:
            assert any(contains(text, a) for a in q.answers), f"{q.id}: none of {q.answers} in its sources"
        for a in q.answers_all:
            if a.lower() != "yes":
                assert contains(text, a), f"{q.id}: {a!r} not in its sources"
