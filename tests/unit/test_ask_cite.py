"""Citation markers: parsing [n], [n, m], [n][m], leading markers, dropping markers that point at nothing."""

from rag.ask.cite import is_no_answer, markers_in, parse_draft, render_sentence, valid_markers
from rag.ask.evidence import Sentence, Source
from rag.types import Chunk


def _source(n: int, text: str = "Some text.") -> Source:
    chunk = Chunk(chunk_id=f"c{n}", doc_id=f"d{n}", text=text, start=0, end=len(text))
    sent = Sentence(doc_id=f"d{n}", chunk=chunk, start=0, end=len(text), text=text, para=0, index=0)
    return Source(number=n, chunk=chunk, sentences=[sent], score=1.0)


def test_markers_in_all_styles():
    assert markers_in("a [1] b [2, 3] c [4][5] d [ 6 ; 7 ]") == [1, 2, 3, 4, 5, 6, 7]
    assert markers_in("no markers, [x] or [] here") == []


def test_parse_trailing_markers_per_sentence():
    out = parse_draft("Mexico deployed 6,000 troops [2]. It happened in 2019 [1][3]. Nothing cited here.")
    assert [(d.text, d.markers) for d in out] == [
        ("Mexico deployed 6,000 troops.", [2]),
        ("It happened in 2019.", [1, 3]),
        ("Nothing cited here.", []),
    ]


def test_parse_marker_after_full_stop_belongs_to_that_sentence():
    out = parse_draft("The U.S. processed 300,000 migrants in December. [1] Mexico agreed to take 30,000 a month. [2, 3]")
    assert [(d.text, d.markers) for d in out] == [
        ("The U.S. processed 300,000 migrants in December.", [1]),
        ("Mexico agreed to take 30,000 a month.", [2, 3]),
    ]


def test_parse_leading_marker_style():
    out = parse_draft("[1] Mexico deployed 6,000 troops to its border with Guatemala in 2019.")
    assert [(d.text, d.markers) for d in out] == [("Mexico deployed 6,000 troops to its border with Guatemala in 2019.", [1])]


def test_valid_markers_drops_markers_pointing_at_nothing():
    sources = [_source(1), _source(2)]
    assert valid_markers([2, 7, 1, 0], sources) == [2, 1]


def test_no_answer_detection():
    assert is_no_answer("NO_ANSWER")
    assert is_no_answer("  NO_ANSWER.  ")
    assert is_no_answer("The sources do not mention how many migrants were stopped in 2025.")
    assert is_no_answer("")
    assert not is_no_answer("Mexico deployed 6,000 troops [1].")


def test_render_sentence_puts_markers_before_the_full_stop():
    assert render_sentence("Mexico deployed 6,000 troops.", [1, 3]) == "Mexico deployed 6,000 troops [1][3]."
    assert render_sentence("Who knows?", []) == "Who knows?"
    assert render_sentence("No stop", [2]) == "No stop [2]."


def test_a_citation_lists_every_copy_of_its_article():
    from rag.ask.cite import make_citation
    from rag.ask.evidence import Sentence, Source
    from rag.types import Chunk

    copies = ({"doc_id": "r-2", "outlet": "Reuters", "published": "1987-03-03T09:00:00"},)
    text = "Texaco said it agreed to sell its Canadian unit."
    chunk = Chunk(chunk_id="c", doc_id="r-1", text=text, start=0, end=len(text), outlet="Reuters",
                  published="1987-03-02", copies=copies)
    s = Sentence("r-1", chunk, 0, len(text), text, 0, 0)
    c = make_citation(1, Source(1, chunk, [s], 1.0), s)
    assert c.copies == copies and c.to_dict()["copies"] == [dict(copies[0])]

    import ui.formatting as fmt

    assert fmt.sources_dated([c]).endswith("also carried: Reuters, 3 March 1987")


def test_the_words_a_model_cites_with_go_and_the_marker_stays():
    from rag.ask.cite import clean_draft

    assert clean_draft("The index closed at 398.72 on April 3, which comes from passage [1].") == \
        "The index closed at 398.72 on April 3 [1]."
    assert clean_draft("The company flew cattle to Japan, which came [2].") == "The company flew cattle to Japan [2]."
    assert clean_draft("Oil that comes from Iraq rose 5 pct [1].") == "Oil that comes from Iraq rose 5 pct [1]."


def test_a_sentence_that_only_says_where_the_answer_comes_from_goes_and_its_marker_stays():
    # the bundled 1.5B model often echoes the prompt's "the passage it comes from" as a sentence of its own
    out = parse_draft("Each disk can hold 6.8 gigabytes. It comes from passage [1].")
    assert [(d.text, d.markers) for d in out] == [("Each disk can hold 6.8 gigabytes.", [1])]
    out = parse_draft("Jaime Ongpin was the finance secretary [1]. This passage is [2]. This answer comes from the source.")
    assert [(d.text, d.markers) for d in out] == [("Jaime Ongpin was the finance secretary.", [1, 2])]
    # a short answer of its own stays: a yes, a figure, a name
    assert [d.text for d in parse_draft("Yes [1].")] == ["Yes."]
    assert [d.text for d in parse_draft("The answer is 150 [1].")] == ["The answer is 150."]
    assert [d.text for d in parse_draft("The source is Texaco [1].")] == ["The source is Texaco."]
