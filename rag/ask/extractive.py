"""Model-free answers: quote the best supporting sentence verbatim, cited.

Used when ``llm.provider = extractive``, and as the fallback when the model fails or nothing it
wrote verifies although the gate found the question answerable.
"""

from __future__ import annotations

from dataclasses import replace

from rag.ask import lexical as lx
from rag.ask.evidence import (Context, Sentence, SentenceIndex, antecedent, context, earlier_text, introduction,
                              kind_fit, lexical_coverage, nearby_text, window)

MIN_SENTENCE_COVERAGE = 0.34
MIN_OUTCOME_COVERAGE = 0.4  # "did X produce an agreement": the sentence itself must speak of it
MIN_REASON_COVERAGE = 0.4  # a reason must be said of what is asked: its sentence covers more of the question
MIN_FIGURE_COVERAGE = 0.3  # a figure's or a date's own sentence must speak of what is asked about the things named
MIN_MAIN_COVERAGE = 0.5   # "when did X end MPP before it restarted": the asked event's words, without the other's
RARE_NAME_IDF = 3.0         # names in fewer than ~1 in 20 of the corpus's sentences


def best_sentences(terms: lx.QuestionTerms, ranked: list[Sentence], index: SentenceIndex, idf: lx.Idf,
                   max_sentences: int = 2, close: float = 0.85) -> list[Sentence]:
    """The best qualifying sentence, plus the next qualifying one when it scores nearly as well (the two
    best candidates often split the answer: "... the Merida Initiative ..." / "X replaced the Merida Initiative")."""
    out: list[Sentence] = []
    pool = list(ranked)
    while len(out) < max_sentences:
        s = best_sentence(terms, pool, index, idf)
        if s is None or (out and s.score < close * out[0].score):
            break
        pool = [p for p in pool if p is not s]
        if any(_repeats(s, o) for o in out):
            continue        # the same sentence in another place ("EL PASO, Texas - Federal authorities ...")
        out.append(s)
    # a quote that leans on its neighbour for what was asked brings the neighbour along
    with_companions: list[Sentence] = []
    for s in out:
        extra = companion(terms, s, ranked, index)
        for x in ([extra, s] if extra is not None and extra.index < s.index else [s, extra]):
            if x is not None and all((x.doc_id, x.index) != (y.doc_id, y.index) for y in with_companions):
                with_companions.append(x)
    return with_companions


def companion(terms: lx.QuestionTerms, s: Sentence, ranked: list[Sentence], index: SentenceIndex) -> Sentence | None:
    """The neighbouring sentence (same paragraph) that ``s`` needs to answer: the cause a sentence opening
    "As a result of these, ..." points back to; the quote a bare "X said in a statement." attributes; what
    "This practice, ..." refers to; the rest of a quote ``s`` opens; the year a "when" question asks, when ``s``
    has none and the sentence before does ("In 2019, ..."); the name of a thing described, when the next
    sentence gives it ("This practice, known as metering, ..."); for a "who" question, the earlier sentence
    that introduces the speaker ``s`` names by surname alone ("Fischer said." -> "..., said Amy Fischer, ...")."""
    prev, nxt = _neighbours(s, ranked, index)
    if prev is not None and lx.bare_attribution(s.text):
        return prev
    before = antecedent(s, index)      # "Since then, ..." may lean on the paragraph before
    if before is not None:
        return before
    if nxt is not None and lx.opens_quote(s.text):
        return nxt              # the quote goes on: “has a very ambitious agenda. / For some of these things, ...”
    if terms.kind == "when" and prev is not None and not lx.explicit_date(s.text) and lx.explicit_date(prev.text):
        return prev
    if terms.naming and nxt is not None and not lx.names_something(s.text) and lx.names_something(nxt.text):
        return nxt
    if terms.role or terms.kind == "who":
        return introduction(s, index)   # "which official ...": "Fischer said." needs who Fischer is
    return None


def best_sentence(terms: lx.QuestionTerms, ranked: list[Sentence], index: SentenceIndex, idf: lx.Idf,
                  min_coverage: float = MIN_SENTENCE_COVERAGE, top: int = 10) -> Sentence | None:
    """The highest-ranked sentence that holds the kind of thing asked (a number for "how many", a date for
    "when", a name for "who"), whose paragraph window covers the question's terms, and that contains the
    question's numbers; None when no sentence qualifies."""
    rare = _rare_names(terms, idf)
    for s in ranked[:top]:
        if rejection(terms, s, ranked, index, idf, rare, min_coverage) is None:
            return s
    return None


def rejection(terms: lx.QuestionTerms, s: Sentence, ranked: list[Sentence], index: SentenceIndex, idf: lx.Idf,
              rare: list[str] | None = None, min_coverage: float = MIN_SENTENCE_COVERAGE) -> str | None:
    """Why ``s`` does not answer the question (the first check it fails), or None when it does."""
    if rare is None:
        rare = _rare_names(terms, idf)
    if not kind_fit(terms.kind, s.text, terms):
        return f"not the kind of answer asked ({terms.kind})"
    ctx = context(s, ranked, index)
    win_text = ctx.text
    # the question's numbers and months may sit in a neighbouring sentence of the same paragraph; a year
    # may be implied by the article's date ("in March" in a May 2024 article)
    if terms.numbers and not lx.supports_numbers(terms.numbers, win_text, s.chunk.published):
        return "the question's numbers are not in its paragraph"
    if terms.numbers and lx.dated_otherwise(terms.numbers, s.text, s.chunk.published):
        return "it speaks of another year"  # "in 2023" asked of a 2024 article's "This year, ..."
    if terms.kind == "where" and terms.located and lx.place_of_thing_unsaid(terms.located, s.text):
        return f"it does not say where the {terms.located[-1]} is"  # "taken to a government shelter."
    if terms.this_year and lx.of_other_years(s.text, s.chunk.published):
        return "it speaks of another year"  # "so far this year" of a 2024 article: "11 flights in 2023"
    if terms.months and not lx.supports_months(terms.months, win_text, s.chunk.published):
        return "the question's month is not in its paragraph"
    said_days = lx.weekdays_in(win_text)
    if terms.weekdays and said_days and not terms.weekdays & said_days:
        return "it speaks of other days"    # "on Saturday": "on Wednesday ... and on Thursday"
    if terms.lasting and not lx.covered(terms.lasting, s.stems):
        return "it is the length of something else"     # "how long did the call last": "the meeting lasted"
    if terms.winner and not lx.says_won(s.text):
        return "no one is said to have won"     # "who won the 2024 election": "would prefer that Biden win"
    if terms.outcome and (lx.not_a_fact(s.text) or
                          lexical_coverage(terms, s.stems, idf, names=False) < MIN_OUTCOME_COVERAGE):
        return "no outcome stated"  # "did the talks end in a deal?": "talks are expected to continue" does not say
    if terms.speaker and not lx.attributed_to(terms.speaker, s.text, nearby_text(s, index), earlier_text(s, index)):
        return "not said by the speaker asked about"  # "what did X say": a quote of someone else does not answer
    stems = ctx.stems
    if terms.role and not lx.fills_role(terms.role, win_text, stems):
        return "the role asked about is not filled"  # "which federal judge": "federal authorities" names no judge
    if terms.role and terms.kind == "who" and not lx.role_named(terms.role, s.text,
                                                              terms.names | set(terms.content), terms.role_of):
        return "no one named in the role asked about"  # "the mayor of Denver": "Gov. Greg Abbott" is someone else
    if terms.title and not lx.holds_title(terms.title, win_text):
        return "not the title asked about"  # "the foreign minister": "Prime Minister Justin Trudeau" is another
    if terms.names_people and not (kind_fit("who", s.text, terms) and
                                   any(lx.names_person(n) for n in lx.person_like_names(s.text))):
        return "no one named"   # "the names of the 20 men": "20 adult males" names nobody
    if lx.wants_name(terms) and not lx.gives_name(s.text, terms):
        return "no name given"  # "what is the name of the shelter": "a government shelter" names none
    if terms.exact_date and not lx.explicit_date(s.text, terms):
        return "no date written out"  # "on what date": "later this month" is no date
    if terms.month_events and lx.other_month_event(terms.month_events, win_text):
        return "it dates another event that month"  # "introduced in May": "which ended in May"
    if terms.dated and not lx.covered(terms.dated, ctx.own_stems):
        return "its date is of something else"  # "when was the CBP One app launched": "the Merida Initiative ..."
    if terms.kind == "when" and not terms.asks_saying and lx.dates_only_the_saying(s.text):
        return "its date is when it was said"   # "when did Johnson take office": "Johnson said Wednesday ..."
    if terms.kind == "when" and not terms.photo and lx.dates_only_the_photo(s.text):
        return "its date is the photo's"    # "when did MPP start": "In this Thursday, Oct. 17, 2019 file photo, ..."
    if terms.kind == "when" and terms.months and lx.dated_in_other_month(terms.months, s.text):
        return "its date is in another month"   # "the December call": a caption "... on May 27, 2023"
    # "These are improvements ..." refers to "several improvements"
    said = (ctx.before.text + " " if ctx.before is not None else "") + s.text
    if terms.focus and lx.vague_mention(terms.focus, said, strict=not terms.specific) and not lx.enumerates(s.text):
        return "it names none of them"  # "what specific improvements": "several humanitarian improvements"
    if terms.contents_of and lx.bare_mention(terms.contents_of, s.text):
        return "it does not say what is in it"  # "what steps were in the plan": "willing to share a plan on how ..."
    if terms.contents_of and not lx.covered(terms.contents_of, ctx.own_stems | _before_stems(s, ranked, index)):
        return f"it does not speak of the {terms.contents_of}"  # "measures in the plan": "previous measures ..."
    if terms.clock and not lx.tells_time_of_day(s.text):
        return "no time of day given"   # "what time on Monday did registration start": "on Monday" alone
    if terms.asks_month and not (lx.months(s.text) - terms.months):
        return "no month named"     # "in which month of 2021": "in 2021" does not say
    if terms.qualifiers and lx.other_qualifier(terms.qualifiers, s.text):
        return "about someone else's"   # "during the Trump administration": "under the Biden administration"
    if terms.part and lx.other_part_of_country(terms.part, s.text):
        return "about another part of the country"     # "which city in southern Mexico": "northern Mexican cities"
    if terms.part and lx.asks_place(terms) and not lx.says_part(terms.part, win_text):
        return "it does not say the part of the country"    # "which city in southern Mexico": "Chihuahua City"
    if terms.borders and lx.other_border(terms.borders, s.text):
        return "about another border"   # "its northern border with the US": "its border with Guatemala"
    if terms.kind == "count" and terms.counted and not (lx.term_covered(terms.counted, stems)
                                                         or lx.people_noun(terms.counted, stems)):
        return "does not count what is asked"  # "how many fentanyl seizures": a count of migrants does not answer
    if terms.kind == "count" and terms.counted and not lx.counts_it(terms.counted, s.text):
        return "its figure counts something else"  # "how many Venezuelans": "11 total deportation flights"
    # the rare names the question asks about must be in the quote's paragraph, the next or the previous
    # one, or the headline: the same figure said of another thing ("Congress approved $1.5 billion for the
    # initiative", the Merida one, asked of the Bicentennial Framework) does not answer
    missing = [n for n in rare if not lx.covered(n, stems)]
    if missing:
        named = _nearby_stems(s, index)
        missing = [n for n in missing if not lx.covered(n, named)]
    if len(missing) > (1 if len(terms.names) >= 4 else 0):
        return "names missing nearby: " + ", ".join(missing)
    if terms.yes_no and terms.kind == "other":
        # a rare place or nationality the claim names must be said of what it is said of
        own = ctx.own_stems | _before_stems(s, ranked, index)
        unsaid = [n for n in rare if lx.names_place(n) and not lx.covered(n, own)]
        if unsaid:
            return "it does not say it of " + ", ".join(unsaid)     # "were any Venezuelans among the 20 men":
            # the sentence on the 20 men names no nationality (the one before, on Thursday's six, does)
    if terms.quoted and _uncovered(terms.quoted, stems | lx.evidence_stems(nearby_text(s, index))) > \
            (len(terms.quoted) - 1) // 3:
        return "the words it quotes are said elsewhere"  # "who said AMLO 'has a very ambitious agenda'": another
        # sentence naming Mayorkas does not say who said it
    # "how many at the shelter": "half of the migrants in Juarez", in the paragraph that mentions the shelter
    if (terms.kind in ("count", "when", "why") or lx.asks_place(terms)) and \
            lexical_coverage(lx.without_focus(terms), ctx.own_stems, idf, names=False) < \
            (MIN_REASON_COVERAGE if terms.kind == "why" else MIN_FIGURE_COVERAGE):
        what = _WHAT_IS_ASKED.get(terms.kind, "place")
        return f"its {what} is said of something else"   # "which cities will MPP expand to": a city said of else
    if (terms.kind in ("when", "why") or lx.asks_place(terms)) and not lx.supports_numbers(
            [n for n in terms.numbers if not lx.is_year(n)], _event_text(s, ctx, ranked, index)):
        what = _WHAT_IS_ASKED.get(terms.kind, "place")
        return f"its {what} is of another figure"    # "when did Mexico agree to take back 30,000 a month": the
        # sentence before it, "During that policy, which ended in May, Mexico took back migrants ..."
    # a place must be said in the deed's own sentence ("From there, they can't use the app ... south of Mexico
    # City" names no place they are bused to); a date or reason may lean on the sentence before or after
    if terms.event and (terms.kind in ("when", "why", "where") or lx.asks_place(terms)) and \
            not _tells_event(terms.event, s.text if terms.kind not in ("when", "why") else
                             _event_text(s, ctx, ranked, index)):
        what = _WHAT_IS_ASKED.get(terms.kind, "place")
        return f"its {what} is of another event"    # "where did the men originally cross into the U.S.": "handed
        # over ... on the Stanton Street Bridge"
    if terms.main and lexical_coverage(replace(terms, content=terms.main), ctx.own_stems, idf, names=False) < \
            MIN_MAIN_COVERAGE:
        return "it speaks of the other event"   # "when did X end MPP before ... it restarted": "since X restarted"
    if terms.kind == "count" and terms.total and lx.is_rate(s.text) and not lx.says_total(s.text):
        return "a rate, not the total asked"    # "in all of 2023": "100,000 migrants per month" is no total
    if terms.kind == "count" and terms.total and not terms.weekdays and not lx.says_total(s.text) and \
            lx.weekdays_in(s.text):
        return "a day's count, not the total asked"     # "in all of December": "two on Wednesday, six on Thursday"
    if terms.figures and lx.says_unknown(s.text, "count"):
        return "it says the figure is not given"    # "April's figures, which have yet to be publicly released"
    if terms.kind == "count" or terms.unit is not None:
        prev = _previous(s, ranked, index)
        beside = [s] + ([prev] if prev is not None else [])
        beside_stems = frozenset().union(*(x.stems for x in beside))
        dated = s if lx.has_year(s.text) or prev is None else prev
        if terms.present and lx.dated_years_before(dated.text, s.chunk.published):
            return "its figure is from years before"    # "how much does Mexico spend": "In 2018, ... $20 million"
    if terms.kind == "count":
        if terms.in_month and lx.is_rate(s.text) and not lx.months(s.text):
            return "a rate, not the month's count"      # "in December 2023": "since then, 270,000 each month"
        if terms.deed and lx.other_deed(terms.deed, s.text):
            return "its figure counts another deed"     # "how many has Mexico bused south": "interdicted 100,000"
        if lx.placed_elsewhere(terms.placed, s.text):
            return "its figure is of another place"     # "living in canada": "38 million ... in the United States"
        if terms.subgroup and not all(lx.term_covered(t, beside_stems) for t in terms.subgroup):
            return "it does not count the part asked"   # "how many of the six were Cuban": "six citizens of ... Cuba"
        if terms.agent and (lx.other_origin(terms.agent, s.text) or lx.other_actor(terms.agent, s.text)):
            # "flights Mexico ran": "flights from the U.S."; "did Mexico interdict": "Border Patrol apprehended"
            return "its figure is another country's"
        if terms.unit != "#duration" and _figure_elsewhere(rare, beside_stems):
            return "its figure is about something else"  # "how many at Casa del Migrante": a figure about the city
        if terms.months and not lx.supports_months(terms.months, " ".join(x.text for x in beside),
                                                   s.chunk.published):
            return "its figure is of another time"  # "since Dec. 30": "11 flights in 2023", beside a Dec. 30 sentence
    if lexical_coverage(terms, frozenset(stems), idf) < min_coverage and s.lexical < min_coverage:
        return "covers too little of the question"
    return None


# what a "how many / when / why" question asks for (a place, for "where" and "which city")
_WHAT_IS_ASKED = {"count": "figure", "when": "date", "why": "reason"}
# deeds a report tells in other words: migrants "handed over" to Mexican officials were returned; officials who
# "went" to Mexico, or whom the president "sent" there, travelled there. Only for this check: as synonym groups
# they would also widen coverage ("were any of the 20 men returned ... granted asylum?" got answered)
_SAME_DEEDS = {"return": frozenset({"handover"}), "travel": frozenset({"send", "go"})}


def _tells_event(event: lx.AskedEvent, text: str) -> bool:
    """Does ``text`` tell of the deed asked about: its verb, or (a paraphrase: "book appointments" for "make
    appointments") all of its object?"""
    stems = lx.evidence_stems(text)
    if any(lx.covered(v, stems) for v in _SAME_DEEDS.get(event.verb, frozenset()) | {event.verb}):
        return True
    missing = _uncovered(event.object, stems)
    return bool(event.object) and missing <= (1 if len(event.object) >= 4 else 0)


def _uncovered(words: tuple[str, ...], stems: frozenset[str]) -> int:
    """How many of ``words`` the stems do not cover."""
    return sum(not lx.covered(t, stems) for t in words)


def _event_text(s: Sentence, ctx: Context, ranked: list[Sentence], index: SentenceIndex) -> str:
    """The text a date, place or reason in ``s`` is said of: ``s``, the sentence it leans on, and the next one
    when that goes on with the same story without a time of its own ("In 2019, Trump stopped threatening
    tariffs ... / Mexico deployed 6,000 troops ..."; not "... / Under current policies, Mexico has agreed ...")."""
    _, nxt = _neighbours(s, ranked, index)
    parts = [s.text] + ([ctx.before.text] if ctx.before is not None else [])
    if nxt is not None and not lx.has_date_expression(nxt.text) and not lx.sets_own_time(nxt.text):
        parts.append(nxt.text)
    return " ".join(parts)


def _before_stems(s: Sentence, ranked: list[Sentence], index: SentenceIndex) -> frozenset[str]:
    """Stems of the sentence before ``s`` ("This plan, ..." leans on it), empty at a paragraph's start."""
    prev = _previous(s, ranked, index)
    return prev.stems if prev is not None else frozenset()


def _repeats(s: Sentence, other: Sentence) -> bool:
    """Does ``s`` say nearly word for word what ``other`` says (a lead repeated in the story's body, with or
    without its dateline)?"""
    a, b = set(s.stems), set(other.stems)
    shared = len(a & b)
    return (bool(a and b) and shared >= 0.85 * min(len(a), len(b)) and shared >= 0.6 * max(len(a), len(b))
            and set(lx.hard_numbers(s.text)) == set(lx.hard_numbers(other.text)))    # 250,000 vs 302,000 differ


def _rare_names(terms: lx.QuestionTerms, idf: lx.Idf) -> list[str]:
    """The names the question asks about that few sentences of the corpus mention (not who it cites)."""
    return [n for n in terms.names if n not in lx.STOPWORDS and idf(n) >= RARE_NAME_IDF and n not in terms.attribution]


def _neighbours(s: Sentence, ranked: list[Sentence], index: SentenceIndex) -> tuple[Sentence | None, Sentence | None]:
    """The sentences before and after ``s`` in its paragraph (None at its edges)."""
    near = {w.index: w for w in window(s, ranked, index, max_chars=10_000)}
    return near.get(s.index - 1), near.get(s.index + 1)


def _figure_elsewhere(rare: list[str], beside: frozenset[str]) -> bool:
    """Does a rare name the "how many" question counts within miss from the stems of the figure's sentence and
    the one before it, ``beside`` (the figure is about something else)?"""
    return any(not lx.covered(n, beside) for n in rare)


def _previous(s: Sentence, ranked: list[Sentence], index: SentenceIndex) -> Sentence | None:
    """The sentence before ``s`` in its paragraph, or the one it leans on ("Since then, ...") across a break."""
    prev, _ = _neighbours(s, ranked, index)
    return prev if prev is not None else antecedent(s, index)


def _nearby_stems(s: Sentence, index: SentenceIndex) -> frozenset[str]:
    """Stems of the paragraphs around ``s`` (its own, the previous and the next), its headline and its outlet
    ("did the administration comment to *NBC News*": NBC is who asked)."""
    return lx.evidence_stems(" ".join([nearby_text(s, index), s.chunk.title or "", s.chunk.outlet or ""]))
