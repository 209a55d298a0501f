"""The checks that decide whether a sentence answers what was asked, not just what it is about.

Each is a small, model-free function of ``rag.ask.lexical`` used by the gate and the extractive answer
(``rag.ask.extractive.best_sentence``); the question sets in eval/questions measure them together.
"""

from __future__ import annotations

import pytest

from rag.ask import lexical as lx
from rag.ask.evidence import kind_fit

ARTICLES = [
    "EL PASO, Texas - U.S. Customs and Border Protection late Friday morning handed over 20 adult males to Mexican "
    "immigration officials. CBP on Wednesday walked the first two asylum seekers - a Nicaraguan and a Colombian - "
    "over to Mexico.\nLopez Obrador said Mexico will care for migrants placed on MPP, also known as “Remain in "
    "Mexico.”\nChicago Mayor Brandon Johnson said Wednesday the cities are close to capacity.\n“Without significant "
    "intervention from the federal government, this mission will not last,” Johnson said.",
    "Texas Gov. Greg Abbott continues to send migrants. The Migrant Protection Protocols (MPP) restarted. "
    "Amy Fischer, director of refugee and migrant rights at Amnesty International USA, spoke. Director Santiago "
    "Rodriguez told Border Report that shelters in Denver were busy.",
]


pytestmark = pytest.mark.usefixtures("learned_corpus")


def stems(text: str) -> frozenset[str]:
    return lx.evidence_stems(text)


# ------------------------------------------------------------------ paraphrase

@pytest.mark.parametrize("question, sentence", [
    ("how many guys did the US send back to mexico", "handed over 20 adult males and returned them to Mexico"),
    ("what agreement took the place of the Merida Initiative", "The Bicentennial Framework agreement replaced the Merida Initiative"),
    ("what are they running away from", "they are fleeing drug violence"),
    ("which texas governor keeps shipping migrants", "Texas Gov. Greg Abbott continues to send migrants"),
    ("why was DHS putting MPP back into effect", "DHS is required to re-implement MPP"),
    ("people of Mexican ancestry who reside in the U.S.", "people of Mexican descent living in the United States"),
    ("What did Mexico insist on as a precondition for taking in MPP enrollees?",
     "Mexico has required several humanitarian improvements as a condition of agreeing to accept MPP enrollees"),
    ("what visa program should the US put in place right away", "Why not implement immediately a visa program"),
    ("what would happen without intervention from Washington", "Without significant intervention from the federal government"),
    ("what criminal activity did Mexico agree to rein in", "Mexico agreed on the need to curb criminal activity"),
    ("how many soldiers did mexico send to its border", "Mexico deployed 6,000 troops to its border"),
    ("how long was the blinken mayorkas sit down", "The meeting of Blinken and Mayorkas lasted two hours"),
    ("did CBP say the program would be extended", "CBP said the program will be expanded"),
    ("how much cash did amlo want sent to latin america",
     "Lopez Obrador wants a plan that would deploy $20 billion to Latin America"),
])
def test_everyday_paraphrases_cover_the_article_wording(question, sentence):
    terms = lx.question_terms(question)
    evidence = stems(sentence)
    plain = [t for t in terms.content if t not in terms.names and t not in lx.LIGHT_WORDS]
    assert plain and all(lx.term_covered(t, evidence) for t in plain), (plain, sorted(evidence))


def test_light_verbs_weigh_less_than_the_words_that_say_what_is_asked():
    assert lx.term_weight(lx.stem("asked")) < 1.0 and lx.term_weight(lx.stem("put")) < 1.0
    assert lx.term_weight(lx.stem("deported")) == 1.0 and lx.term_weight(lx.stem("salary")) == 1.0


def test_words_naming_the_kind_of_answer_are_covered_by_such_a_thing():
    assert lx.term_covered("money", stems("a plan that would deploy $20 billion"))
    assert not lx.term_covered("money", stems("a plan that would deploy troops"))
    assert lx.term_covered("day", stems("CBP on Wednesday walked the first two asylum seekers"))
    assert lx.term_covered(lx.stem("nationalities"), stems("a Nicaraguan and a Colombian"))
    # an adjective of something else is no nationality of people
    assert not lx.term_covered(lx.stem("nationalities"), stems("handed 20 men to Mexican immigration officials"))


def test_who_says_it_is_not_what_is_asked():
    terms = lx.question_terms("Per Mexico's president, as reported by Border Report, how many people live in the U.S.?")
    assert "president" not in terms.content and "report" not in terms.content
    assert {"border", "mexico"} <= terms.names          # still names the articles must mention


# ------------------------------------------------------------------ the kind of answer

@pytest.mark.parametrize("question, unit, yes, no", [
    ("How old is Santiago Rodriguez?", "#age", "Rodriguez, 54, said", "Rodriguez said 35 migrants a day"),
    ("What percentage of the migrants are deported?", "#percent", "only 10% of them", "280,000 were stopped"),
    ("How much money did AMLO ask for?", "#money", "a plan to deploy $20 billion", "20 men were returned"),
    ("What is the salary of the director?", "#money", "a salary of $90,000", "the director said 35 a day"),
    ("How long did the meeting last?", "#duration", "lasted more than two hours", "the meeting of 3 leaders"),
])
def test_a_quantity_question_wants_its_unit(question, unit, yes, no):
    terms = lx.question_terms(question)
    assert terms.kind == "count" and terms.unit == unit
    assert kind_fit(terms.kind, yes, terms) and not kind_fit(terms.kind, no, terms)


def test_what_countries_were_they_from_wants_nationalities_of_people():
    terms = lx.question_terms("What countries were the 20 men returned on Friday from?")
    assert terms.unit == "#nationality"
    assert kind_fit(terms.kind, "CBP walked a Nicaraguan and a Colombian over to Mexico", terms)
    assert not kind_fit(terms.kind, "CBP handed over 20 adult males to Mexican immigration officials", terms)


def test_how_many_names_what_it_counts():
    assert lx.question_terms("How many fentanyl seizures did Mexico report in March?").counted == lx.stem("seizures")
    assert lx.question_terms("how many of the migrants Mexico stopped were deported").counted == "migrant"
    assert lx.question_terms("How many U.S. deportation flights went to Venezuela?").counted == "flight"
    assert lx.question_terms("How many were returned?").counted is None
    # a count of people of one description answers for people of another
    assert lx.people_noun(lx.stem("seekers"), stems("20 adult males"))
    assert not lx.people_noun(lx.stem("seizures"), stems("20 adult males"))


def test_vague_and_ordinal_numbers_are_no_figures():
    assert lx.quantity_numbers("one of the top one or two nationalities") == set()
    assert lx.quantity_numbers("near County 13th Street") == set()
    assert lx.quantity_numbers("11 total deportation flights in 2023") == {11.0}


@pytest.mark.parametrize("question, kind", [
    ("who is santiago rodriguez", "other"),               # asks what he is
    ("Who is the director of the Juarez office?", "who"),
    ("What are the people who come to Juarez fleeing?", "other"),   # a relative "who"
    ("where was lopez obrador when he said it", "where"),           # the first question word decides
    ("On which day were the first asylum seekers returned?", "when"),
])
def test_the_first_question_word_decides_the_kind(question, kind):
    assert lx.question_kind(question) == kind


# ------------------------------------------------------------------ who said it, who is it

def test_what_did_x_say_needs_x_speaking():
    fischer = lx.question_terms("What did Amy Fischer say Mexico is doing?").speaker
    assert fischer == {"amy", "fischer"}
    quote = "“In one way, they are doing the dirty work of the U.S.,” Fischer said."
    assert lx.attributed_to(fischer, quote, quote)
    other = "“Why not implement a temporary worker visa program?” Lopez Obrador said."
    trudeau = lx.question_terms("What did Justin Trudeau say about the visa program?").speaker
    assert not lx.attributed_to(trudeau, other, "He urged Justin Trudeau to act. " + other)
    # "one U.S. official" describes a speaker, it does not name one
    assert lx.question_terms("What did one U.S. official call the talks?").speaker == frozenset()
    # a speaker named by title: the paragraph gives the name ("Chicago Mayor Brandon Johnson")
    mayor = lx.question_terms("What did Chicago's mayor warn would happen?").speaker
    said = "“This mission will not last,” Johnson said."
    assert lx.attributed_to(mayor, said, "Chicago Mayor Brandon Johnson said Wednesday it is hard. " + said)
    assert not lx.attributed_to(mayor, said, "Denver said it is hard. " + said)


def test_which_mayor_needs_a_person_given_that_role():
    terms = lx.question_terms("Which big-city mayor warned about capacity?")
    assert terms.role == "mayor" and terms.kind == "who"
    assert lx.role_named("mayor", "Chicago Mayor Brandon Johnson said Wednesday")
    assert not lx.role_named("mayor", "the mayors of New York, Chicago and Denver said, as Texas Gov. Greg Abbott "
                                      "continues to send migrants")
    denver = lx.question_terms("what's the name of denver's mayor?")
    assert denver.role == "mayor" and denver.role_of == "denver"
    assert not lx.role_named("mayor", "Chicago Mayor Brandon Johnson said", role_of="denver")
    assert lx.role_named("director", "said Amy Fischer, director of refugee and migrant rights at Amnesty")
    judge = lx.question_terms("Which federal judge issued the injunction?")
    assert judge.role == "judge"
    assert not lx.fills_role("judge", "Federal authorities in El Paso said", stems("Federal authorities said"))


def test_a_title_is_not_the_name_asked():
    terms = lx.question_terms("What is the name of the senior Biden administration official who spoke?")
    assert terms.kind == "who"
    assert not kind_fit("who", "President Joe Biden would prefer to win re-election", terms)
    assert kind_fit("who", "Chicago Mayor Brandon Johnson said", terms)


def test_a_question_for_a_name_needs_one_of_the_thing_asked():
    shelter = lx.question_terms("What is the name of the government shelter where migrants are taken?")
    assert lx.wants_name(shelter)
    assert not lx.gives_name("They are processed near the Stanton Street Bridge and taken to a government "
                             "shelter.", shelter)
    bridge = lx.question_terms("Which bridge did they cross?")
    assert lx.gives_name("They crossed the Stanton Street Bridge.", bridge)
    agency = lx.question_terms("Which Mexican agency ran out of money?")
    assert not lx.gives_name("Migrants wait near the Stanton Street Bridge.", agency)
    assert lx.gives_name("the National Institute of Migration ran out of money", agency)
    practice = lx.question_terms("What was the practice called?")
    assert lx.gives_name("This practice, known as metering, was criticized.", practice)


# ------------------------------------------------------------------ what the article says it does not know

def test_the_article_saying_it_is_not_known():
    assert lx.says_unknown("It isn’t known how many of the migrants Mexico intercepts are actually deported.", "count")
    assert not lx.says_unknown("It isn’t known how many of the migrants are deported.", "why")
    assert lx.says_unknown("It is unclear why the talks stalled.", "why")
    assert not lx.says_unknown("Mexico stopped 280,000 migrants in March.", "count")


def test_an_outcome_is_not_answered_by_what_was_expected_or_asked():
    assert lx.question_terms("Did the talks in Washington end in a deal?").outcome
    assert lx.question_terms("Who won the 2024 election?").outcome
    assert not lx.question_terms("How many migrants did Mexico stop?").outcome
    assert lx.not_a_fact("The two countries are expected to continue talks in Washington later this month.")
    assert lx.not_a_fact("Lopez Obrador called on the U.S. to approve a plan.")
    assert lx.not_a_fact("Democrats are considering tighter limits on asylum.")
    assert not lx.not_a_fact("Mexico has agreed to take back 30,000 migrants per month.")
    # a question asks, it does not report: "did the U.S. adopt the program" is not answered by one
    assert lx.not_a_fact("“Why not implement – immediately – a temporary worker visa program?” Lopez Obrador said.")
    assert lx.question_terms("Did the U.S. adopt the temporary worker visa program López Obrador called for?").outcome
    assert lx.question_terms("Did the White House respond to López Obrador's call for a worker visa?").outcome
    # whether he asked for it is what he said, not an outcome
    assert not lx.question_terms("Did Lopez Obrador call on the US and Canada to create a guest worker visa?").outcome


def test_an_exact_date_question_wants_a_date_written_out():
    assert lx.question_terms("On what exact date are the talks scheduled?").exact_date
    assert not lx.explicit_date("The two countries are expected to continue talks later this month.")
    assert lx.explicit_date("Talks resume on Jan. 12.") and lx.explicit_date("CBP on Wednesday walked two men over.")


# ------------------------------------------------------------------ names the articles teach

def test_a_nickname_the_articles_give_an_acronym_is_learned():
    assert lx._LEARNED.acronyms.get("remain in mexico") == "mpp"
    assert "mpp" in lx.content_stems(lx.normalise_aliases("Why are advocates against the Remain in Mexico program?"))


def test_the_neighbour_a_sentence_leans_on():
    assert lx.refers_to_previous_cause("As a result of these, several families have crossed illegally.")
    assert lx.bare_attribution("U.S. Customs and Border Protection said in a statement.")
    assert not lx.bare_attribution("Mexico will take 35 migrants a day, Rodriguez said.")
    assert lx.opens_with_reference("This practice, known as metering, was criticized.")
    assert lx.opens_quote("a senior official told NBC News that AMLO “has a very ambitious agenda.")
    assert not lx.opens_quote("“It is a program that will continue,” he said.")


def test_a_figure_counts_what_follows_it():
    assert lx.counts_it("troop", "Mexico deployed 6,000 troops to its border")
    assert lx.counts_it(lx.stem("seekers"), "CBP handed over 20 adult males")          # people for people
    assert lx.counts_it("migrant", "with over 280,000 being interdicted in Mexico")   # nothing follows
    assert lx.counts_it("migrant", "7,500 by its estimates")
    assert not lx.counts_it("venezuelan", "there were 11 total deportation flights to Venezuela in 2023")
    # "a three-hour drive" is a length of time, not a count of people
    assert lx.quantity_numbers("a three-hour drive south of the border", durations=False) == set()


def test_washington_is_the_federal_government():
    assert "washington" in stems("Without significant intervention from the federal government")


def test_more_paraphrases_and_spellings():
    said = set(lx.content_stems(lx.normalise_aliases("Without significant intervention from the federal government")))
    asked = lx.content_stems(lx.normalise_aliases("if the federal government does not step in significantly"))
    assert all(lx.covered(t, said) for t in asked)
    assert lx.question_terms("whats the name of denvers mayor").role_of == "denver"


def test_who_is_cited_asks_no_role():
    terms = lx.question_terms("What are Mexicans who arrive in Juarez running from, according to what they told reporters?")
    assert terms.role is None
    assert lx.question_terms("Which official told reporters about the plan?").role == "official"


def test_an_office_makes_someone_an_official():
    text = "said Amy Fischer, director of refugee and migrant rights at Amnesty International USA."
    assert lx.fills_role("official", text, stems(text))
    assert not lx.fills_role("official", "Many migrants are stopped at the border.", stems("Many migrants are stopped"))
    assert not lx.fills_role("judge", text, stems(text))          # a specific role still needs that role


def test_entrants_are_people():
    assert lx.people_noun(lx.stem("entrants"), stems("nearly 50,000 immigrants who entered illegally"))


def one_article(text: str, published: str | None = None):
    """A sentence index over one article ``text`` (no embeddings, published on ``published``) and a function
    giving its i-th sentence."""
    from rag.ask.evidence import Sentence, SentenceIndex
    from rag.types import Article, Chunk

    index = SentenceIndex(None, lambda doc_id: Article(doc_id="a", text=text))
    chunk = Chunk(chunk_id="c", doc_id="a", text=text, start=0, end=len(text), published=published)
    spans = index.article_sentences("a")

    def sentence(i: int) -> Sentence:
        para, span = spans[i]
        return Sentence(doc_id="a", chunk=chunk, start=span.start, end=span.end, text=span.text, para=para, index=i,
                        stems=lx.evidence_stems(span.text))
    return index, sentence


def test_a_speaker_named_by_surname_brings_the_sentence_that_introduces_them():
    from rag.ask.evidence import context, introduction

    index, sentence = one_article(
        "Many others are bused south, said Amy Fischer, director of refugee and migrant rights at Amnesty "
        "International USA.\n“They are doing the dirty work of the U.S.,” Fischer said.\n“It works,” Smith said.")
    quote = sentence(1)
    intro = introduction(quote, index)
    assert intro is not None and "Amy Fischer" in intro.text
    assert "amnesty" in context(quote, [quote], index).stems
    assert introduction(sentence(2), index) is None          # Smith is never introduced by full name
    assert introduction(sentence(0), index) is None          # the introduction itself needs none


def test_typed_contractions_and_quantity_phrasings():
    terms = lx.question_terms("whats it called when migrants only get sent over once cbp says it is ready")
    assert terms.kind == "other" and terms.naming
    assert lx.question_kind("what is the least number of migrants Mexico has stopped in a month?") == "count"


def test_called_back_names_nothing():
    asked = lx.question_terms("What is the practice called?")
    assert lx.gives_name("This practice, known as metering, was criticized.", asked)
    assert not lx.names_something("wait months to be called back to the U.S. for court hearings")
    assert not lx.names_something("López Obrador called on the U.S. to approve a plan")
    # a name given to something else does not name the shelter asked about
    shelter = lx.question_terms("What is the name of the government shelter in Juarez?")
    assert not lx.gives_name("This practice, known as metering, was criticized.", shelter)


def test_a_sentence_dated_by_the_one_before_brings_it():
    from rag.ask.evidence import antecedent, context

    index, sentence = one_article("In late December, Mayorkas and Blinken went to Mexico.\nSince then, Mexico has "
                                  "interdicted at least 270,000 migrants each month.\nMexico wants more aid.")
    since = sentence(1)
    assert lx.opens_with_time_reference(since.text)
    before = antecedent(since, index)
    assert before is not None and "December" in before.text            # across the paragraph break
    assert "December" in context(since, [since], index).text
    assert antecedent(sentence(2), index) is None


def test_labels_are_not_quantities_and_money_counts_no_things():
    assert lx.quantity_numbers("still subject to the Title 42 order to stop the spread of COVID-19") == set()
    assert 20e6 in lx.quantity_numbers("it wanted to pay Mexico $20 million")
    assert 30 in lx.quantity_numbers("Nearly 30 people crossed.")
    assert not lx.counts_it("helicopter", "Congress approved $1.5 billion, enabling the purchase of helicopters")
    assert not lx.counts_it("migrant", "that is only 10% of December's tally")


def test_a_group_singled_out_is_not_counted_by_a_count_of_people():
    assert lx.people_noun(lx.stem("seekers"), stems("handed over 20 adult males"))
    assert not lx.people_noun(lx.stem("children"), stems("Mexico interdicted roughly 100,000 migrants"))
    assert lx.counted_noun("How many Hispanics living in the United States were given the right to work?") == \
        lx.stem("hispanics")


def test_a_total_is_not_answered_by_a_rate():
    total = lx.question_terms("How many migrants did Mexico interdict in all of 2023?")
    assert total.total and lx.is_rate("Mexico interdicted roughly 100,000 migrants per month")
    assert not lx.question_terms("the number taken back each month is what percentage of december's total").total
    assert lx.says_total("there were 11 total deportation flights, now one per week")


def test_money_and_quantity_phrasings():
    assert lx.question_unit("How much federal money did Brandon Johnson ask for?") == "#money"
    assert lx.question_unit("What dollar amount of aid did Mexico ask for?") == "#money"
    assert lx.question_kind("what is the capacity of casa del migrante") == "count"
    assert lx.question_terms("In what month and year did MPP start?").exact_date


def test_which_city_mayor_and_an_office_after_the_name():
    assert lx.question_terms("Who is the New York City mayor who said the city could not cope?").role == "mayor"
    assert lx.role_named("official", "said Amy Fischer, director of refugee and migrant rights at Amnesty")


def test_what_is_expected_is_asked_even_when_the_figures_are_not_out():
    assert lx.question_terms("What do CBP officials expect April's figures to show?").expectation
    assert not lx.question_terms("How many migrants crossed in April?").expectation


def test_a_year_said_relative_to_the_article_is_that_year():
    assert lx.dated_otherwise([2023.0], "This year, over 280,000 migrants were interdicted in Mexico.", "2024-05-03")
    assert not lx.dated_otherwise([2023.0], "Early last year, Mexico interdicted 100,000 migrants.", "2024-05-03")
    assert not lx.dated_otherwise([2023.0], "Mexico interdicted 100,000 migrants in 2023.", "2024-05-03")


def test_who_speaks_is_the_one_next_to_the_speech_verb():
    assert not lx.attributed_to({"abbott"}, "The mayors of New York, Chicago and Denver said Wednesday they could not "
                                "handle the influx as Texas Gov. Greg Abbott continues to send migrants.", "")
    assert lx.attributed_to({"johnson"}, "“This mission will not last,” Johnson said.", "")
    # a person named in full is not "senior Biden administration officials"
    context = "Blinken, Mayorkas and Liz Sherwood-Randall, Biden's homeland security adviser, met Lopez Obrador."
    assert not lx.attributed_to({"liz", "sherwood", "randall"},
                                "The meeting lasted more than two hours, senior Biden administration officials said.",
                                context)


def test_a_question_about_someones_job_is_covered_by_an_office():
    assert lx.term_covered("job", stems("Liz Sherwood-Randall, Biden's homeland security adviser"))
    assert not lx.term_covered("job", stems("Liz Sherwood-Randall met Lopez Obrador"))


def test_titles_are_not_learned_as_names():
    assert "mayor" not in lx._LEARNED.proper and "brandon" in lx._LEARNED.proper


def test_an_unknown_figure_does_not_make_everything_unknown():
    text = "Mexico is willing to help the U.S., one official said, though no numbers have been discussed so far."
    assert lx.says_unknown(text, "count") and not lx.says_unknown(text, "other")


def test_someone_elses_administration_does_not_answer():
    asked = lx.qualifiers("how many asylum seekers were sent back during the Trump administration?")
    assert asked == {("trump", lx.stem("administration"))}
    assert lx.other_qualifier(asked, "CBP walked the first two asylum seekers over under the Biden administration")
    assert not lx.other_qualifier(asked, "When the Trump administration started MPP, a shelter pre-screened them")
    assert not lx.other_qualifier(asked, "the Trump and Biden administrations used Title 42")


def test_a_name_qualifying_a_border_names_no_city():
    cities = lx.question_terms("Which other border cities will Remain in Mexico expand to after El Paso?")
    assert not lx.gives_name("The program will be expanded to other locations along the Southwest border", cities)
    talks = lx.question_terms("In which city will the talks continue later this month?")
    assert lx.gives_name("The two countries are expected to continue talks in Washington later this month.", talks)


def test_which_month_needs_a_month_and_is_it_known_asks_whether():
    month = lx.question_terms("In which month of 2021 was the Bicentennial Framework announced?")
    assert month.asks_month and month.exact_date
    known = lx.question_terms("Fact check: is it known how many of the migrants Mexico intercepts end up deported?")
    assert known.asks_known and known.kind == "other"
    assert lx.asks_outcome("What was the result of the talks in Washington?")


def test_an_exact_date_beyond_the_question_own_month():
    asked = lx.question_terms("On what exact date in May did Title 42 end?")
    assert not lx.explicit_date("During that policy, which ended in May, Mexico took back migrants.", asked)
    assert lx.explicit_date("Title 42 ended on May 11.", asked)
    assert lx.explicit_date("Mexico said it restarted deportations to Venezuela on Dec. 30.")


def test_a_ratio_is_a_count_only_when_a_comparison_is_asked():
    text = "Mexico is stopping nearly three times as many migrants as it was a year ago."
    assert lx.quantity_numbers(text, ratios=False) == set() and 3 in lx.quantity_numbers(text)
    assert lx.question_terms("how many more migrants is mexico stopping now compared with a year ago").compares
    assert not lx.question_terms("On average how many times do migrants try to cross?").compares


def test_what_specific_things_is_not_answered_by_several_things():
    terms = lx.question_terms("What specific humanitarian improvements did Mexico demand?")
    assert terms.specific and terms.focus == lx.stem("improvements")
    assert lx.vague_mention(terms.focus, "Mexico has required several humanitarian improvements as a condition")
    assert not lx.vague_mention(terms.focus, "Mexico required three improvements: shelters, buses and clinics")
    assert lx.enumerates("Mexico required improvements, including shelters and clinics.")


def test_more_question_forms():
    assert lx.question_kind("What tariff rate did Trump threaten to put on Mexican goods?") == "count"
    assert lx.question_kind("Which U.S. official is leading the talks?") == "who"
    assert lx.asks_name("What are the names of the first two asylum seekers?")


def test_how_long_did_the_call_last_is_not_the_meeting():
    assert lx.question_terms("How long did Biden's phone call with López Obrador last?").lasting == "call"
    assert lx.question_terms("how long did the meeting with lopez obrador go on").lasting == lx.stem("meeting")
    assert lx.question_terms("How many migrants crossed?").lasting is None


def test_rates_and_ratings_are_shares_and_places_are_not_agencies():
    assert lx.question_unit("What tariff rate did Trump threaten to slap on Mexican goods?") == "#percent"
    assert lx.question_unit("What is Biden's approval rating on immigration?") == "#percent"
    cities = lx.question_terms("Which border cities will Remain in Mexico expand to after El Paso?")
    assert not lx.gives_name("The program, also known as “Remain in Mexico,” will be expanded to other locations "
                             "along the Southwest border in the coming days, CBP said.", cities)


def test_the_other_name_of_a_program_is_a_name_even_when_the_articles_alias_it():
    asked = lx.question_terms("What's the other name for the Migrant Protection Protocols?")
    assert asked.naming
    assert lx.gives_name("The program, also known as “Remain in Mexico,” will be expanded", asked)


def test_question_forms_from_later_sets():
    assert lx.asks_name("what's another name for the migrant protection protocols")
    assert lx.question_unit("By how much has Mexico increased its funding for stopping migrants?") == "#money"
    assert lx.question_unit("What were Biden's poll numbers at the time?") == "#percent"
    assert lx.question_terms("Which lawyers told the guests they were ineligible?").role == "lawyer"
    assert lx.asks_outcome("What did the U.S. and Mexico agree to at their talks in Washington?")
    assert lx.counted_noun("How much fentanyl has Mexico seized?") == "fentanyl"
    assert lx.counted_noun("How much money did he want?") is None
    assert "rev" not in lx.names("What did the Rev. Javier Calvillo say?")
    assert "people" in lx.content_stems(lx.normalise_aliases("how many ppl of mexican descent live in the US"))
    assert lx.term_covered("far", stems("Chihuahua City, which is a three-hour drive south of the border"))


def test_since_as_because_is_no_date_and_which_lawyers_asks_who():
    assert not lx.has_date_expression("they can't use the app, since the app doesn't work south of Mexico City")
    assert lx.has_date_expression("Since then, Mexico has interdicted at least 270,000 migrants each month.")
    assert lx.has_date_expression("deportations have risen since December")
    assert lx.question_kind("Which lawyers told the guests they would be ineligible?") == "who"
    assert lx.question_kind("which migrants get extra protection from deportation under mexican law") == "other"
    assert lx.question_kind("What is the practice in which asylum seekers were sent across called?") == "other"


def test_capacity_questions_and_irregular_plurals():
    assert lx.question_unit("how many people can the tent city by the bridge hold") == "#capacity"
    assert lx.question_unit("what is the capacity of casa del migrante in juarez") == "#capacity"
    assert "#capacity" in lx.answer_kinds("The shelter has room for 300 people.")
    assert "#capacity" not in lx.answer_kinds("CBP handed over 20 adult males at the bridge.")
    # "30 people per day" counts people, not the months asked about
    assert not lx.counts_it("month", "30 people per day will be able to wait months for court hearings")


def test_what_came_out_of_asks_an_outcome_and_yet_to_be_released_is_no_date():
    assert lx.asks_outcome("What agreements came out of the talks in Washington later in January?")
    assert lx.asks_outcome("what resulted from the meeting")
    assert lx.not_a_fact("The two countries are expected to continue talks in Washington later this month.")
    pending = "April’s figures, which have yet to be publicly released, are expected to show low numbers."
    assert lx.says_unknown(pending, "when")         # "when will CBP release its April figures?"
    assert not lx.says_unknown("The figures were released in May.", "when")


def test_a_pronoun_before_said_is_the_speaker_and_did_x_say_names_one():
    said = "They also said Blinken and López Obrador discussed “legal pathways” for migrants."
    assert not lx.attributed_to(lx.question_speaker("What did Blinken tell reporters?"), said, said)
    assert lx.attributed_to({"blinken"}, "“We agreed,” Blinken said.", "“We agreed,” Blinken said.")
    assert lx.question_speaker("Did Mayorkas say Mexico had promised to deploy troops?") == {"mayorka"}
    # whether something was said at all: "The agency did not give any details" answers it
    assert lx.question_speaker("Did CBP say how access at the ports of entry would work?") == frozenset()
    assert lx.question_speaker("did the officials say the talks went well") == frozenset()


def test_a_compound_title_must_be_the_one_held():
    assert lx.question_terms("Who was the Mexican foreign minister who met with Blinken?").title == "foreign minister"
    assert lx.question_terms("Who met with Blinken?").title is None
    assert not lx.holds_title("foreign minister", "He urged Canadian Prime Minister Justin Trudeau to accept that "
                                                  "their countries need foreign labor.")
    assert lx.holds_title("foreign minister", "Foreign Minister Alicia Barcena met Blinken.")
    assert lx.holds_title("foreign minister", "Alicia Barcena, Mexico's minister of foreign affairs, met Blinken.")
    assert lx.holds_title("homeland security adviser", "Liz Sherwood-Randall, Biden's homeland security adviser")



def test_the_nationalities_of_people_want_a_nationality():
    asked = lx.question_terms("What were the nationalities of the 20 men returned to Mexico on Friday?")
    assert asked.unit == "#nationality"
    assert not kind_fit(asked.kind, "CBP handed over 20 adult males to Mexican immigration officials.", asked)
    assert kind_fit(asked.kind, "CBP handed over six citizens of Venezuela, Cuba and Nicaragua.", asked)
    assert lx.question_unit("Where are returned asylum seekers processed?") is None


def test_typed_forms_month_abbreviations_and_kind_words():
    assert lx.counted_noun("how many ppl did the US send back to mexico on friday") == "people"
    assert lx.counted_noun("How many asylum-seekers were registered?") == "seeker"
    asked = lx.question_terms("since the late dec visit how many migrants has mexico stopped each month")
    assert asked.months == {12} and "dec" not in asked.names
    assert lx.months("How many were deported on Dec. 30?") == {12}
    assert lx.months("they swam in the mar") == set()
    # "Title 42" is written capitalised, but a "job title" is no name
    assert "title" not in lx.names("What is Amy Fischer's job title?")
    assert lx.term_covered(lx.stem("portion"), stems("at least half of the migrants waiting in Juarez"))
    # "what's the other name for MPP": the name given answers; "name" is not a word the passage must repeat
    assert "name" not in lx.question_terms("what's the other name for the migrant protection protocols").content
    assert "name" in lx.question_terms("What is the name of the official who spoke to NBC News?").content



def test_which_cartels_and_which_members_want_them_named():
    cartels = lx.question_terms("Which cartels are the Mexicans arriving in Juarez fleeing from?")
    assert lx.wants_name(cartels)
    assert not lx.gives_name("Many people who arrived in Juarez have told Border Report they are fleeing drug "
                             "violence.", cartels)
    assert lx.gives_name("They are fleeing the Sinaloa Cartel.", cartels)
    members = lx.question_terms("Which members of Congress proposed the tighter asylum limits?")
    assert members.role == "member"
    text = "Democrats are considering tighter limits on asylum."
    assert not lx.fills_role(members.role, text, stems(text))



def test_exact_dates_approval_ratings_and_two_word_places():
    exact = lx.question_terms("On exactly what date did Title 42 end?")
    assert not lx.explicit_date("Migration began to grow after the lifting of Title 42, and by late 2023, ...", exact)
    assert not lx.explicit_date("During that policy, which ended in May, Mexico took back migrants.", exact)
    assert lx.explicit_date("Title 42 ended on May 11, 2023.", exact)
    assert lx.question_unit("What are Biden's approval ratings on immigration?") == "#percent"
    assert lx.question_role_of("What is the name of the New York mayor who said the city was near capacity?") == "york"


def rejections(text: str, published: str | None = None):
    """``why(question, i, *others)``: the check the i-th sentence of one article ``text`` fails for the
    question, with sentences ``others`` ranked after it (None when it answers)."""
    from rag.ask.extractive import rejection

    index, sentence = one_article(text, published)
    idf = lx.Idf([s.text for s in lx.split_sentences(text)])

    def why(question: str, i: int, *others: int) -> str | None:
        s = sentence(i)
        return rejection(lx.question_terms(question), s, [s, *(sentence(j) for j in others)], index, idf)
    return why


def test_a_figure_must_be_said_of_what_is_asked_not_only_beside_it():
    why = rejections("The newspaper reported unrest Sunday at the largest private migrant shelter in Juarez.\n"
                     "A Juarez newspaper reported that at least half of the migrants waiting in that city, 7,500 "
                     "by its count, came from the interior of Mexico.")
    assert why("How many migrants were staying at the largest private shelter in Juarez when the unrest broke "
               "out?", 1, 0) == "its figure is said of something else"
    assert why("By a local newspaper's count, how many migrants are waiting in Juarez?", 1, 0) is None


def test_a_count_asked_of_a_date_must_be_dated_there():
    why = rejections("Mexico and the U.S. resumed deportation flights of Venezuelans on Dec. 30. According to ICE "
                     "flight data, there were 11 total deportation flights from the U.S. to Venezuela in 2023.")
    assert why("How many deportation flights to Venezuela were there in 2023, per ICE data?", 1, 0) is None
    assert why("How many Venezuelans were deported on the Dec. 30 flight from Mexico?", 1, 0) is not None


def test_a_date_must_be_said_of_what_is_asked_not_only_beside_it():
    why = rejections("Congress has been debating a border security and foreign aid package for weeks.\n"
                     "On Jan. 5, 2024, López Obrador called on the U.S. to approve a plan for Latin America.")
    assert why("On what date did Congress finally pass the border security and foreign aid package?",
               1, 0) == "its date is said of something else"
    assert why("When did López Obrador call on the U.S. to approve a plan?", 1, 0) is None


def test_a_date_must_be_said_of_the_figure_asked_about():
    why = rejections("During that policy, which ended in May, Mexico took back migrants over 1 million times each "
                     "year for three years. Under current policies, Mexico has agreed to take back 30,000 migrants per "
                     "month, but that is only 10% of the tally.\n"
                     "In 2019, Trump stopped threatening tariffs against Mexico after it agreed to crack down. Mexico "
                     "deployed 6,000 troops to its border with Guatemala to intercept migrants.")
    # the next sentence sets its own time ("current"): the May date is not of the 30,000 agreement
    assert why("When did Mexico agree to take back 30,000 migrants per month?", 0, 1) == \
        "its date is of another figure"
    # the next sentence goes on with the 2019 story
    assert why("In which year did Mexico deploy 6,000 troops to its border with Guatemala?", 2, 3) is None
    assert lx.sets_own_time("Under current policies, Mexico has agreed to take back 30,000 migrants per month.")
    assert not lx.sets_own_time("Mexico deployed 6,000 troops to its border with Guatemala.")


def test_a_border_between_others_does_not_answer():
    why = rejections("Mexico deployed 6,000 troops to its border with Guatemala to intercept migrants.\n"
                     "In November, agents apprehended 191,000 migrants who crossed the US-Mexico border.")
    assert why("how many troops did mexico deploy to its northern border with the US", 0) == \
        "about another border"
    assert why("how many soldiers did mexico send to the guatemala border", 0) is None
    assert why("how many migrants crossed the border with the United States in November", 1) is None
    assert lx.border_partners("at the southern border") == frozenset()      # a direction names no one
    assert lx.border_partners("the U.S.-Mexico border") == {"us", "mexico"}


def test_places_the_articles_never_mention_are_names_even_in_lower_case():
    assert {"laredo", "brownsville"} <= lx.names("how many per day at laredo or brownsville")
    # the articles write "Canadian": canada is theirs, and not required word for word
    lx.learn_corpus(["Canadian Prime Minister Justin Trudeau spoke."])
    try:
        assert "canada" not in lx.names("what did amlo ask of canada")
        assert "laredo" in lx.names("what happened in laredo")
    finally:
        lx.learn_corpus(ARTICLES)


def test_this_month_is_the_month_of_the_article():
    december = "2023-12"
    text = "In November, agents apprehended 191,000 migrants. This month, 10,000 migrants were apprehended daily."
    assert lx.supports_months({12}, text, december)
    assert not lx.supports_months({12}, "In November, agents apprehended 191,000 migrants.", december)
    assert lx.dated_otherwise([2022], "This month, 10,000 migrants were apprehended daily.", december)
    assert not lx.dated_otherwise([2023], "This month, 10,000 migrants were apprehended daily.", december)


def test_which_building_wants_a_building_named():
    terms = lx.question_terms("In which building did Blinken and Mayorkas meet Lopez Obrador?")
    assert lx.wants_name(terms)
    assert not lx.gives_name("Lopez Obrador met Blinken and Mayorkas in Mexico City on Wednesday.", terms)
    assert lx.gives_name("Lopez Obrador met Blinken and Mayorkas at the National Palace on Wednesday.", terms)


def test_did_someone_respond_wants_their_response():
    why = rejections("“Why not implement a temporary worker visa program?” Lopez Obrador said.\n"
                     "The Lopez Obrador administration did not respond to a request for comment.\n"
                     "“We support a temporary worker visa program for our people,” Lopez Obrador said.")
    assert why("Did Justin Trudeau respond to the call for a temporary worker visa program?", 2) == \
        "not said by the speaker asked about"
    assert why("Did Justin Trudeau respond to the call for a temporary worker visa program?", 0) is not None
    assert why("Did the Lopez Obrador administration respond to a request for comment?", 1) is None


def test_how_often_is_the_form_of_the_question():
    assert "often" not in lx.question_terms("How often did Mexico take migrants back each year?").content


def test_which_cities_wants_a_place_named():
    terms = lx.question_terms("Which other border cities will MPP be expanded to after El Paso?")
    assert not lx.gives_name("EL PASO, Texas (Border Report) – The U.S. today returned the largest group since the "
                             "Biden administration restarted MPP.", terms)      # Biden is no city
    assert lx.gives_name("MPP will be expanded to Laredo and Brownsville next week.", terms)
    met = lx.question_terms("In which city did the Biden officials meet the Mexican president?")
    assert lx.gives_name("Blinken met the Mexican president in Mexico City on Wednesday.", met)
    assert not lx.wants_name(lx.question_terms("What kind of country does Mexico consider itself?"))


def test_a_figure_asked_of_now_is_not_one_from_years_before():
    assert lx.asks_present("How much does it cost Mexico to interdict migrants each year?")
    assert lx.asks_present("How much money is Mexico asking the U.S. for?")
    assert not lx.asks_present("How much did the U.S. want to pay Mexico in 2018?")
    assert not lx.asks_present("How much did the Trump administration want to pay Mexico?")
    assert lx.dated_years_before("In 2018, it reportedly wanted to pay Mexico $20 million.", "2024-01")
    assert not lx.dated_years_before("In 2023, there were 11 flights.", "2024-01")
    assert not lx.dated_years_before("Mexico deployed 6,000 troops.", "2024-01")
    why = rejections("In 2008, the Merida Initiative was launched to reduce violence. Congress approved $1.5 billion for "
                     "the initiative over two years.\nIn 2018, it reportedly wanted to pay Mexico $20 million to "
                     "help deport migrants.", published="2024-01")
    assert why("How much money does Mexico want from the US to police its borders?", 2) == \
        "its figure is from years before"
    assert why("How much does the Merida Initiative cost each year?", 1, 0) == "its figure is from years before"
    assert why("How much did Congress approve for the Merida Initiative?", 1, 0) is None


def test_a_figure_from_another_country_does_not_count_what_one_did():
    assert lx.question_agent("How many deportation flights has Mexico sent to Venezuela?") == "mexico"
    assert lx.question_agent("how many people did the US hand back to mexico on friday") == "us"
    assert lx.question_agent("How many flights were there in 2023?") is None
    why = rejections("According to ICE flight data, 11 deportation flights were sent from the U.S. to Venezuela "
                     "in 2023.")
    assert why("How many deportation flights did Mexico send to Venezuela in 2023?", 0) == \
        "its figure is another country's"
    assert why("How many deportation flights did the U.S. send to Venezuela in 2023?", 0) is None


def test_who_said_it_is_answered_by_whoever_the_article_says_spoke():
    assert lx.quoted_speakers("“They are doing the dirty work of the U.S.,” Fischer said.") == ["Fischer"]
    assert lx.quoted_speakers("a senior Biden administration official told NBC News that AMLO “has a very "
                              "ambitious agenda.”") == ["a senior Biden administration official"]
    who = lx.question_terms("Who said Mexico is 'doing the dirty work of the U.S.'?")
    assert kind_fit("who", "“They are doing the dirty work of the U.S.,” Fischer said.", who)
    assert not kind_fit("who", "They are doing the dirty work of the U.S., the report said.", who)
    # a quote attributed by surname answers "who said", not "who is the director"
    assert not kind_fit("who", "“They are doing the dirty work,” Fischer said.",
                        lx.question_terms("Who is the director of the shelter?"))


def test_long_descriptions_of_what_lasted_and_statements_asked_of_someone():
    assert lx.question_terms("how long did biden's end of december phone call with amlo last").lasting == "call"
    assert lx.question_speaker("Did Mayorkas make any public statement after the meeting?") == {"mayorka"}


def test_a_city_named_must_be_said_of_what_is_asked():
    why = rejections("On Friday in Chihuahua City, Lopez Obrador said Mexico is committed to protecting migrants on "
                     "MPP, south of the border.\nAfter El Paso, MPP will be expanded to Laredo on the border, CBP said.")
    question = "Which other border cities will MPP be expanded to after El Paso?"
    assert why(question, 0) == "its place is said of something else"
    assert why(question, 1) is None


def test_why_wants_a_reason_given():
    assert not kind_fit("why", "Mexico said it restarted deportations to Venezuela on Dec. 30.")
    assert not kind_fit("why", "Santiago Rodriguez told Border Report Mexico will be receiving a maximum of 35 "
                               "migrants per day.")
    assert kind_fit("why", "They are fleeing drug violence.")
    assert kind_fit("why", "They are subject to the Title 42 order that allows their immediate expulsion.")
    assert kind_fit("why", "The app doesn't work south of Mexico City, since it needs a location.")


def test_dates_written_out_and_the_verb_may():
    assert lx.dated_months("in Mexico City, on May 27, 2023") == {5}
    assert lx.dated_months("resumed flights on Dec. 30.") == {12}
    assert lx.dated_months("in May 2024") == set()
    assert lx.months("a campaign that may hinge on it, in December") == {12}
    assert lx.months("title 42 ended in may") == {5}
    why = rejections("Dec. Lopez Obrador, center, during a meeting with Blinken in Mexico City, on May 27, 2023.\n"
                     "Biden held a call with Lopez Obrador on Dec. 28.")
    question = "On what date did Biden hold his December call with Lopez Obrador?"
    assert why(question, 0) == "its date is in another month"
    assert why(question, 1) is None


def test_a_city_asked_after_el_paso_is_not_said_by_el_paso():
    why = rejections("A girl plays outside her family's tent in Juarez, Mexico, near the border with El Paso, Texas.")
    assert why("which border cities will remain in mexico expand to after el paso?", 0) == \
        "its place is said of something else"
    assert lx.question_terms("which cities after el paso").places == {"el", "paso"}


def test_how_much_does_it_cost_wants_money():
    for q in ("How much does Mexico spend on interdicting migrants each year?",
              "What does Mexico spend each month on interdicting migrants?",
              "How much does it cost Mexico to interdict migrants each year?"):
        assert lx.question_terms(q).unit == "#money", q
    assert not kind_fit("count", "Mexico interdicted roughly 100,000 migrants per month.",
                        lx.question_terms("How much does Mexico spend on interdicting migrants each year?"))


def test_the_names_of_people_want_people_named():
    why = rejections("CBP handed over 20 adult males to Mexican immigration officials on the Stanton Street Bridge "
                     "linking Downtown El Paso to Juarez, members of human rights organizations reported.")
    assert why("What were the names of the 20 men handed over on the Stanton Street Bridge?", 0) == "no one named"
    assert not lx.only_place("Chihuahua State Population Council") and lx.only_place("Downtown El Paso")
    # whoever the article says reported it answers "who reported"
    assert why("Who reported that CBP handed over 20 men on the Stanton Street Bridge?", 0) is None


def test_a_sentence_led_by_that_policy_leans_on_the_one_before():
    assert lx.opens_with_reference("During that policy, which ended in May, Mexico took back migrants.")
    assert not lx.opens_with_reference("In this Thursday, Oct. 17, 2019 file photo, a girl plays.")
    assert lx.question_terms("how long was biden's late december phone call with amlo").lasting == "call"


def test_a_count_of_part_of_a_group_must_count_that_part():
    why = rejections("CBP on Wednesday walked the first two asylum seekers over to Mexico and on Thursday handed over "
                     "six citizens of Venezuela, Cuba and Nicaragua.\nAt least half of the migrants waiting in "
                     "Juarez, 7,500 by its estimates, are from the interior of Mexico.")
    assert why("how many of the six migrants handed over on thursday were cuban", 0) == \
        "it does not count the part asked"
    assert why("how many of the migrants waiting in juarez are from the interior of mexico", 1) is None


def test_the_noun_asked_about_ends_at_a_name():
    # "Abbott" and "Chicago" are names the articles write capitalised; a name that begins the phrase qualifies it
    assert lx.question_focus("what was the name of the immigration bill abbott backed") == "bill"
    assert lx.question_focus("which chicago shelter did they go to") == lx.stem("shelter")
    # a name within the phrase goes on to its head ("Border Patrol" is a name the articles write capitalised)
    assert lx.question_focus("in which border patrol sector were the most migrants apprehended") == lx.stem("sector")
    assert lx.question_focus("what stopped abbott's immigration reform bill according to amlo") != lx.stem("bill")
    assert lx.wants_name(lx.question_terms("In which Border Patrol sector were the most migrants apprehended?"))
    assert not lx.gives_name("In November, Border Patrol agents apprehended more than 191,000 migrants.",
                             lx.question_terms("In which Border Patrol sector were the most migrants apprehended?"))


def test_the_total_number_of_things_counts_them():
    assert lx.counted_noun("What was Mexico's total number of migrant interdictions for all of 2023?") == \
        lx.stem("interdictions")
    assert not lx.counts_it(lx.stem("interdictions"), "there were 11 total deportation flights in 2023")
    assert lx.question_terms("how many did the us send back during all of december 2021").total


def test_who_are_the_mayors_wants_them_named():
    assert lx.question_role("who are the mayors of new york and denver") == "mayor"
    assert not lx.role_named("mayor", "the mayors of New York, Chicago and Denver said they could not cope",
                             {"york", "denver"})


def test_under_a_president_is_his_administration():
    asked = lx.qualifiers("how many asylum seekers were put in remain in mexico under trump")
    assert asked == {("trump", lx.stem("administration"))}
    assert lx.other_qualifier(asked, "CBP walked two asylum seekers over under the Biden administration")
    assert lx.qualifiers("what happened under Trump's policy") == {("trump", lx.stem("policy"))}


def test_figures_not_released_do_not_answer_what_they_are():
    assert lx.question_terms("What were the U.S. border crossing figures for April 2024?").figures
    assert not lx.question_terms("Were April's border figures released?").figures
    assert not lx.question_terms("What are April's figures expected to show?").figures
    assert lx.says_unknown("April's figures, which have yet to be publicly released, are expected to show low numbers",
                           "count")
    assert lx.says_unknown("Mexico doesn't publicly share its interdiction numbers", "count")


def test_a_figure_of_another_countrys_agency_is_not_what_mexico_did():
    sentence = "In November, Border Patrol agents apprehended more than 191,000 migrants who crossed the border."
    assert lx.other_actor("mexico", sentence)
    assert not lx.other_actor("us", sentence)
    both = "This year, more migrants are being stopped inside Mexico than in the U.S., with over 280,000 interdicted."
    assert not lx.other_actor("us", both) and not lx.other_actor("mexico", both)
    assert not lx.other_actor("juarez", sentence)     # only countries are told apart


def test_a_count_of_a_month_is_not_a_monthly_rate():
    assert lx.question_terms("How many migrants did Mexico interdict in December 2023?").in_month
    assert not lx.question_terms("Since December, how many has Mexico interdicted in any month?").in_month
    assert not lx.question_terms("How many per month did Mexico take back in December?").in_month


def test_a_weekly_figure_counts_the_noun_before_it():
    text = "there were 11 total deportation flights from the U.S. to Venezuela in 2023, but now there is one per week"
    assert not lx.counts_it(lx.stem("venezuelans"), text)
    assert lx.counts_it(lx.stem("flights"), text)


def test_the_us_and_the_us_mexico_border_are_spelt_either_way():
    asked = lx.qualifiers("how many crossed the U.S.-Mexico border illegally in November?")
    assert not lx.other_qualifier(asked, "191,000 migrants crossed the US-Mexico border illegally")
    assert lx.is_place(["United", "States"])


def test_a_figure_put_in_another_country_does_not_answer():
    asked = lx.question_terms("how many people of mexican descent live in canada according to amlo").placed
    assert asked == {"canada"}
    assert lx.placed_elsewhere(asked, "the 38 million people of Mexican descent living in the United States")
    assert not lx.placed_elsewhere(asked, "the 38 million people of Mexican descent living in Canada")
    assert not lx.placed_elsewhere(asked, "38 million people of Mexican descent")   # puts it nowhere


def test_what_is_in_a_plan_wants_its_contents():
    assert lx.contents_asked("What specific steps were in the plan Mexico offered to share?") == "plan"
    assert lx.contents_asked("what exactly was in the plan") == "plan"
    assert lx.contents_asked("What did the plan include?") == "plan"
    assert lx.contents_asked("Is there a plan?") is None
    assert lx.bare_mention("plan", "Mexico is willing to share with us a plan on how they're going to do the work")
    assert not lx.bare_mention("plan", "He called on the U.S. to approve a plan that would deploy $20 billion")
    assert not lx.bare_mention("plan", "The plan includes: visas, aid and jobs")


def test_a_fact_checkers_framing_is_not_what_is_asked():
    content = lx.question_terms("Is it true that Mexico publishes its interdiction figures?").content
    assert "true" not in content and "publish" in content
    assert lx.term_covered(lx.stem("publishes"), stems("Mexico doesn't publicly share its numbers"))
    promises = stems("did not result in hard promises")
    assert all(lx.term_covered(t, promises) for t in lx.content_stems("firm commitments"))


def test_who_asked_with_a_figure_in_a_clause_asks_who():
    assert lx.question_kind("Who directs the Juarez Human Rights Office, cited on how many returnees Mexico takes?") \
        == "who"
    assert lx.question_kind("how many returnees does Mexico take, and who said so?") == "count"
    assert "i'm" not in lx.names("For a paper I'm writing: which official told Border Report?")


def test_he_added_is_said_by_the_last_person_named_speaking():
    earlier = ("“Why not regulate?” Lopez Obrador said. The president of Mexico said he is aware Biden backed a bill. "
               "He said Mexico respects U.S. sovereignty.")
    sentence = "He added that migration flows aren't solved through coercion but by jobs in Central America."
    assert lx.attributed_to({"lopez", "obrador"}, sentence, "", earlier)
    assert not lx.attributed_to({"trudeau"}, sentence, "", earlier)
    assert not lx.attributed_to({"lopez", "obrador"}, sentence, "", earlier + " Greg Abbott said it was fine.")


def test_stymied_by_gives_a_reason():
    assert kind_fit("why", "Biden backed an immigration reform bill but was stymied by politics.")


def test_a_label_before_the_question_is_not_asked():
    content = lx.question_terms("Students' question: what did Lopez Obrador say solves migration flows?").content
    assert "student" not in content and "question" not in content and "solve" in content


def test_who_is_spoken_to_is_not_speaking():
    sentence = "The White House said last week Mr. Biden spoke to Lopez Obrador on migration."
    assert not lx.attributed_to({"lopez", "obrador"}, sentence, sentence)
    assert lx.attributed_to({"fischer"}, "“It is dirty work,” said Amy Fischer, director.", "")


def test_a_hedged_quote_does_not_confirm_a_plain_claim():
    assert lx.hedged("In 2018, it reportedly wanted to pay Mexico $20 million")
    assert lx.hedged("Venezuelans, one of the top one or two nationalities now trying to cross")
    assert not lx.hedged("Mexico deployed 6,000 troops to its border with Guatemala in May")
    assert not lx.hedged("the US actually paid Mexico the $20 million in 2018")


def test_a_date_must_be_of_the_thing_dated():
    assert lx.dated_subject("When was the CBP One app launched?") == "app"
    assert lx.dated_subject("When is the first immigration court hearing in El Paso scheduled?") == lx.stem("hearing")
    assert lx.dated_subject("what year was the merida initiative launched") == lx.stem("initiative")
    assert lx.dated_subject("When did Abbott start sending migrants?") is None
    assert not lx.covered("app", stems("In 2008 the Merida Initiative was launched"))


def test_a_bridge_or_a_district_is_nobody():
    assert not lx.names_person("Stanton Street Bridge") and not lx.names_person("Downtown El Paso")
    assert lx.names_person("Santiago Rodriguez")


def test_a_month_dates_the_event_asked_not_its_opposite():
    asked = lx.month_events("What was the name of the asylum policy the Biden administration introduced in May?")
    assert asked == {("begin", "may")}
    assert lx.other_month_event(asked, "During that policy, which ended in May, Mexico took back migrants.")
    assert not lx.other_month_event(asked, "The policy was introduced in May and ended in May.")
    assert not lx.other_month_event(asked, "Mexico took back migrants over 1 million times.")


def test_a_share_of_a_group_must_say_what_the_part_is():
    assert lx.subgroup_terms("what percent of the migrants crossing in december were venezuelan") == ("venezuelan",)


def test_was_mexico_interdicting_asks_what_mexico_did():
    assert lx.question_agent("how many migrants a month was mexico interdicting in 2022") == "mexico"


def test_stopping_people_is_not_moving_them():
    assert lx.count_deed("How many migrants has Mexico bused from northern Mexico to the south?") == lx.stem("send")
    assert lx.count_deed("how many migrants did mexico stop in march") == lx.stem("stop")
    assert lx.count_deed("how many did U.S. Border Patrol process") is None
    send = lx.stem("send")
    assert lx.other_deed(send, "Early last year, Mexico interdicted roughly 100,000 migrants per month")
    assert lx.other_deed(send, "more migrants are stopped, with over 280,000 being interdicted in Mexico")
    assert not lx.other_deed(send, "Mexico deployed 6,000 troops to its border with Guatemala to intercept migrants")
    assert not lx.other_deed(send, "U.S. Customs and Border Protection handed over 20 adult males")


def where_fits(question: str, sentence: str) -> bool:
    return kind_fit("where", sentence, lx.question_terms(question))


def test_where_needs_a_place_the_question_does_not_name():
    assert lx.question_kind("Where did López Obrador hold the press conference?") == "where"
    assert not where_fits("Where did López Obrador hold the press conference at which he demanded $20 billion for "
                          "Latin America and the Caribbean?",
                          "In a press conference on Friday, López Obrador called on the U.S. to approve a plan that "
                          "would deploy $20 billion to Latin American and Caribbean countries.")
    assert not where_fits("where in the us do most of the 38 million people of mexican descent live",
                          "He will watch out for the 38 million people of Mexican descent living in the United States.")
    assert where_fits("where does mexico process the asylum seekers who get sent back",
                      "The migrants are processed inside a tent city on the Mexican side of the Stanton Street Bridge.")
    assert where_fits("where does mexico process the returned asylum seekers",
                      "These are the tents where the Mexican government is processing returned asylum seekers.")
    assert where_fits("where did he say the problem must be taken care of",
                      "we need to take care of the problem in originating communities,” Lopez Obrador said.")
    assert where_fits("where do many migrants caught at mexico's southern border get sent back to",
                      "Many migrants are stopped at the Guatemala-Mexico border and promptly returned to Guatemala.")
    assert where_fits("Where did CBP say MPP implementation would begin first?",
                      "These are improvements we will be making, starting with El Paso where MPP implementation begins.")
    # a time or people after "in" / "to" is no place
    assert lx.places_given("handed over to Mexican officials on Friday in December") == []


def test_where_from_is_answered_by_a_nationality():
    assert where_fits("where were the first two people sent back from? one was nicaraguan",
                      "CBP walked the first two asylum seekers – a Nicaraguan and a Colombian – over to Mexico.")


def test_did_he_say_where_asks_whether():
    assert lx.question_kind("Did Lopez Obrador say migration needs to be tackled where migrants come from?") == "other"


def why_fits(question: str, sentence: str) -> bool:
    return kind_fit("why", sentence, lx.question_terms(question))


def test_a_reason_is_not_the_question_said_again():
    # what is asked about is given as the reason of something else
    assert not why_fits("why doesnt the cbp one app work south of mexico city",
                        "From there, they can’t use the CBP One app to make appointments, since the app doesn’t "
                        "work south of Mexico City, said Amy Fischer.")
    # words of names are no reasons: Customs and Border *Protection*, asylum *seekers*
    assert not lx.gives_reason("U.S. Customs and Border Protection handed over 20 adult males to Mexican officials.")
    assert not lx.gives_reason("The U.S. returned the largest group of asylum seekers to Mexico.")
    assert why_fits("why are so many mexicans from the interior coming to juarez",
                    "Many people from the interior of Mexico who have arrived in Juarez say they are fleeing drug "
                    "violence.")
    assert lx.gives_reason("Because Mexico ran out of money, the buses stopped.")


def test_everyday_words_for_opposing_preferring_and_arriving():
    same = lambda a, b: lx.content_stems(lx.normalise_aliases(a)) == lx.content_stems(lx.normalise_aliases(b))
    assert same("advocates are so against the program", "advocates oppose the program")
    assert same("would rather see Biden", "would prefer see Biden")
    assert not same("rather than Biden", "prefer Biden")
    assert same("people showing up in Juarez", "people arriving in Juarez")
    assert same("people from inside Mexico", "people from interior Mexico")


def test_the_day_something_was_said_does_not_date_what_was_done():
    assert lx.dates_only_the_saying("Chicago Mayor Brandon Johnson said Wednesday the cities are out of room.")
    assert lx.dates_only_the_saying("Director Santiago Rodriguez told Border Report on Friday that shelters are full.")
    assert not lx.dates_only_the_saying("The newspaper reported unrest Sunday at the largest private shelter.")
    assert not lx.dates_only_the_saying("Mexico said it restarted deportations to Venezuela on Dec. 30.")
    assert not lx.dates_only_the_saying("The mayors said Wednesday that Abbott began sending migrants in 2022.")
    assert not lx.question_terms("For my report: when did Brandon Johnson take office?").asks_saying
    assert lx.question_terms("When did Johnson say the city was out of room?").asks_saying


def test_a_presidents_administration_names_the_president():
    president = lx.stem("president")
    assert lx.role_named(president, "In 2008, during George W. Bush’s administration, the Merida Initiative was "
                         "launched", {"merida", "initiative", "president", "begin"})
    assert lx.fills_role(president, "during George W. Bush’s administration", lx.evidence_stems("during the"))
    # Mexico's president is not the U.S. one whose administration it was
    assert not lx.role_named(president, "during George W. Bush’s administration, the initiative was launched",
                             {"merida"}, role_of="mexico")


def test_more_everyday_paraphrases():
    same = lambda a, b: lx.content_stems(lx.normalise_aliases(a)) == lx.content_stems(lx.normalise_aliases(b))
    assert same("the bridge runs between El Paso and Juarez", "the bridge linking El Paso and Juarez")
    assert same("go easier on sanctions", "ease sanctions")
    assert same("when did the initiative begin", "when did the initiative launch")
    assert "washington" not in lx.question_terms("Who said Mexico does Washington's dirty work?").names


def test_what_improvements_is_not_answered_by_several_improvements():
    assert lx.vague_mention(lx.stem("improvement"), "Mexico has required several humanitarian improvements",
                            strict=True)
    # "other crimes" after a list names some of them
    assert not lx.vague_mention(lx.stem("crime"), "migrants are targeted for extortion, kidnapping and other crimes",
                                strict=True)


def test_a_policy_a_president_brought_in_is_his_administrations():
    asked = lx.qualifiers("what's the name of the asylum policy biden brought in last may")
    assert asked == {("biden", lx.stem("administration"))}
    assert lx.other_qualifier(asked, "The Trump administration threatened Mexico if it didn't comply with policies "
                                     "like Remain in Mexico")
    assert not lx.other_qualifier(asked, "New asylum policies introduced by the Biden administration in May failed")
    assert lx.month_events("the asylum policy biden brought in last may") == {("begin", "may")}


def test_since_of_time_is_no_reason():
    assert not lx.gives_reason("The U.S. returned the largest group to Mexico since the Biden administration "
                               "restarted the program.")
    assert not lx.gives_reason("Mexico has interdicted more migrants since then.")
    assert lx.gives_reason("They cannot make appointments since the app does not work there.")


def test_when_is_the_thing_dates_the_thing():
    assert lx.dated_subject("When is the first U.S. court hearing for the asylum seekers returned to Mexico?") == \
        lx.stem("hearing")
    assert lx.dated_subject("when was the meeting?") == lx.stem("meeting")
    assert lx.dated_subject("When was López Obrador in Chihuahua City?") is None


def test_on_what_date_wants_a_calendar_date_not_a_weekday():
    date_q = lx.question_terms("On what date did Biden hold his December call with López Obrador?")
    day_q = lx.question_terms("On what day did Blinken and Mayorkas travel to Mexico?")
    travelled = "Blinken and Mayorkas traveled to Mexico on Wednesday to meet with President López Obrador."
    assert date_q.calendar_date and not day_q.calendar_date
    assert not lx.explicit_date(travelled, date_q)
    assert lx.explicit_date(travelled, day_q)
    assert lx.explicit_date("Mexico restarted deportations to Venezuela on Dec. 30.", date_q)


def test_the_question_said_again_after_as_is_no_reason():
    assert not why_fits("why is Texas Gov. Greg Abbott sending migrants to New York, Chicago and Denver?",
                        "The meeting came after the mayors of New York, Chicago and Denver said Wednesday they could "
                        "not handle the influx as Texas Gov. Greg Abbott continues to send migrants to those cities.")


def test_cities_in_another_part_of_the_country_do_not_answer():
    asked = lx.question_terms("Which city in southern Mexico are migrants bused to after being stopped in the north?")
    assert asked.part == "south"
    assert lx.other_part_of_country(asked.part, "shelters in northern Mexican cities like Juárez and Tijuana")
    assert not lx.other_part_of_country(asked.part, "migrants are bused to cities in the south of the country")
    assert not lx.other_part_of_country(asked.part, "migrants are bused to the southern end of the country")


# --------------------------------------------------------------------------- stop 14: zt to zw

def test_a_conjunction_when_does_not_make_a_when_question():
    assert lx.question_kind("did the lopez obrador government respond when asked for comment") == "other"
    assert lx.question_kind("Fact check: the U.S. sends asylum-seekers back to the country they flee even when "
                            "they show credible fear.") == "other"
    assert lx.question_kind("When did the U.S. restart MPP?") == "when"
    assert lx.question_kind("Where was López Obrador when he said it?") == "where"


def test_a_compass_word_is_not_what_which_asks_for():
    assert lx.question_terms("In which southern Mexican city do the buses drop migrants off?").focus == "city"
    assert lx.question_terms("Which other locations will MPP expand to?").focus == lx.stem("locations")


def test_which_locations_or_crossings_want_a_named_place():
    why = rejections("The program, also known as “Remain in Mexico,” will be expanded to other locations along the "
                     "Southwest border in the coming days, CBP said.\n"
                     "Under current policies, Mexico has agreed to take back 30,000 migrants per month, but that is "
                     "only 10% of December’s tally.\n"
                     "The program will next expand to San Diego, officials said.")
    # "known as" names the program, not a location; "December’s" is a month, not a crossing
    assert why("Which other locations will the program expand to?", 0) == "no name given"
    assert why("At which border crossings does Mexico receive the 30,000 migrants a month?", 1) == "no name given"
    assert why("Which other locations will the program expand to?", 2) is None


def test_which_states_is_not_answered_by_a_country():
    why = rejections("A Juarez newspaper reported that half of the migrants waiting in that city to cross into the "
                     "United States are from the interior of Mexico.\n"
                     "Most of the migrants waiting in Juarez are coming from the states of Chihuahua and Sonora, the "
                     "paper said.")
    assert why("Which Mexican states are the migrants waiting in Juarez coming from?", 0) == "no name given"
    assert why("Which Mexican states are the migrants waiting in Juarez coming from?", 1) is None


def test_places_that_are_no_answer_to_where():
    assert lx.places_given("Johnson said the cities “have reached a point where we are close to capacity.”") == []
    assert "ICE" not in lx.places_given("According to ICE flight data, there were 11 flights from the U.S. to "
                                        "Venezuela in 2023.")
    assert lx.places_given("These are the tents where the government processes migrants.") == ["the tents"]
    # "to those cities" points back to the cities the question names
    asked = lx.question_terms("Where did Abbott's program pick up the migrants it sent to New York and Chicago?")
    assert not lx.gives_place("The mayors of New York and Chicago said Abbott continues to send migrants to those "
                              "cities.", asked.names | set(asked.content))
    assert lx.gives_place("Abbott's buses picked the migrants up in Eagle Pass.", asked.names | set(asked.content))


def test_where_from_is_asked_only_at_the_end():
    assert not lx.question_terms("Where in Venezuela do the deportation flights from the U.S. land?").origin
    assert lx.question_terms("where are most of the migrants in Juarez from?").origin
    assert lx.question_terms("Where did they come from, according to the newspaper?").origin


def test_irregular_past_forms_are_their_verbs():
    assert [lx.stem(w) for w in ("held", "sent", "met", "took", "brought")] == \
        [lx.stem(w) for w in ("hold", "send", "meet", "take", "bring")]
    assert lx.stem("left") == "left" and lx.stem("found") == "found"     # nouns and other words alike
    # "meet Mexico's demands" is no meeting
    assert lx.stem("meet") not in lx.content_stems(lx.normalise_aliases("for the US to meet some of Mexico's demands"))
    assert lx.stem("meet") in lx.content_stems(lx.normalise_aliases("Blinken went to Mexico to meet with officials"))


def test_everyday_paraphrases_of_stop_14():
    said = lambda text: lx.content_stems(lx.normalise_aliases(text))     # noqa: E731
    assert "direct" in said("Who runs the Juarez Human Rights Office?")
    assert said("did Mexico start deporting migrants to Venezuela again")[:3] == \
        said("did Mexico resume deporting migrants to Venezuela")[:3]
    assert set(said("What did López Obrador ask Washington to do?")) & set(said("López Obrador called on the U.S. to "
                                                                                "approve a plan"))


def test_reasons_that_are_no_reasons():
    assert not why_fits("Why did the asylum policies introduced in May fail to deter migrants?",
                        "New asylum policies introduced by the Biden administration in May failed to deter "
                        "migrants, as evidenced by the record surge.")
    assert not lx.gives_reason("AMLO, as López Obrador is commonly called, has an ambitious agenda.")
    assert not why_fits("Why did the Biden administration end MPP in the first place?",
                        "CBP on Wednesday walked two asylum seekers over to Mexico under the Biden administration.")
    assert why_fits("Why does CBP say DHS has to re-implement MPP in good faith?",
                    "“For now, DHS is required under the court-ordered injunction to re-implement MPP in good faith.”")
    assert why_fits("Why is Mexico reluctant to take in more migrants?",
                    "The legacy of Title 42 left Mexico with depleted resources and an aversion to taking in "
                    "migrants.")


def test_fact_checks_and_what_they_claim():
    assert lx.yes_no_claim("Fact check: did the U.S. approve the $20 billion plan?") == \
        "did the U.S. approve the $20 billion plan?"
    assert lx.yes_no_claim("Fact check: the U.S. sends asylum-seekers back.") == "the U.S. sends asylum-seekers back."
    assert lx.yes_no_claim("Fact check: how many were sent back?") is None
    # a claim about what happened, though it mentions what was wanted or proposed
    assert not lx.claims_intent("Mexico actually received the $20 million the administration wanted to pay it?")
    assert not lx.claims_intent("did the U.S. approve López Obrador's proposed $20 billion plan?")
    assert not lx.claims_intent("did the U.S. agree to lift sanctions on Venezuela as López Obrador demanded?")
    # a claim about a request or a plan
    assert lx.claims_intent("did López Obrador ask the US to lift all sanctions on Venezuela?")
    assert lx.claims_intent("did Mexico plan to send troops to the border?")


def test_a_hedge_counts_when_it_comes_before_the_claim():
    assert lx.hedged_first("In 2018, it reportedly wanted to pay Mexico $20 million to deport migrants.",
                           "Mexico actually received the $20 million?")
    assert lx.hedged_first("López Obrador called on the U.S. to approve a plan that would deploy $20 billion.",
                           "did the U.S. approve López Obrador's plan?")
    assert not lx.hedged_first("The newspaper reported unrest Sunday at the largest migrant shelter in Juarez, as "
                               "lawyers explained the group would be returned.",
                               "was there unrest at a migrant shelter in Juarez?")


def test_what_is_it_called_is_not_answered_by_places():
    why = rejections("López Obrador called on the U.S. to approve a plan that would deploy $20 billion to Latin "
                     "American and Caribbean countries. "
                     "The plan, called Sembrando Vida, would plant trees across Central America.")
    assert why("what is the $20 billion plan López Obrador wants the US to approve called", 0) == "no name given"
    assert why("what is the $20 billion plan López Obrador wants the US to approve called", 1, 0) is None


def test_what_is_in_the_plan_wants_a_sentence_about_the_plan():
    why = rejections("Mexico is willing to share with us a plan on how to stem migration, an official said.\n\n"
                     "Previous measures taken by the Biden administration to stem the migrant surge led to only "
                     "temporary dips.")
    assert why("What specific measures were in the plan Mexico said it would share with the U.S.?", 1) == \
        "it does not speak of the plan"


def test_when_did_it_happen_before_another_event_dates_the_first():
    q = "When did the Biden administration first end MPP before the court order made it restart the program?"
    assert lx.question_terms(q).main == tuple(dict.fromkeys(lx.content_stems(
        "When did the Biden administration first end MPP")))
    assert lx.question_terms("When did MPP restart in El Paso?").main == ()
    why = rejections("The U.S. today returned the largest group of asylum seekers to Mexico since the Biden "
                     "administration restarted the MPP program.", "2021-12-10")
    assert why("When did the Biden administration first end the MPP program before restarting it?", 0) == \
        "it speaks of the other event"


def test_who_won_wants_a_winner():
    why = rejections("Former President Donald Trump said he led Biden in the polls before the presidential "
                     "election.\nSenator Smith won the presidential election, officials said.")
    assert why("Who won the presidential election?", 0) == "no one is said to have won"
    assert why("Who won the presidential election?", 1) is None


def test_a_lead_repeated_in_the_body_is_quoted_once():
    from rag.ask.extractive import _repeats
    _, sentence = one_article("EL PASO, Texas (Border Report) — Federal authorities in El Paso on Monday will begin "
                              "registering asylum-seekers as the MPP program restarts.\n"
                              "Federal authorities in El Paso today will begin registering asylum-seekers as the "
                              "MPP program restarts.\n"
                              "Officials in El Paso counted 250,000 migrants crossing in December.\n"
                              "Officials in El Paso counted 302,000 migrants crossing in December.")
    assert _repeats(sentence(0), sentence(1))
    assert not _repeats(sentence(2), sentence(3))       # different figures are a disagreement, not a repeat
    assert not _repeats(sentence(0), sentence(2))


def test_why_someone_was_somewhere_wants_what_brought_them():
    q = lx.question_terms("Why was López Obrador in Chihuahua City on Friday?")
    assert q.presence
    assert not lx.question_terms("why was there unrest at the largest shelter in Juarez").presence
    assert not lx.question_terms("Why is Mexico reluctant to take in more migrants?").presence
    assert not kind_fit("why", "On Friday in Chihuahua City, López Obrador said Mexico would keep caring for migrants "
                               "because they are in need.", q)
    assert kind_fit("why", "López Obrador was in Chihuahua City on Friday to inaugurate a hospital.", q)


def test_a_file_photo_dates_the_photo():
    caption = ("In this Thursday, Oct. 17, 2019 file photo, a girl plays with a neck pillow outside her family’s tent "
               "in Juarez, Mexico, near the border.")
    assert lx.dates_only_the_photo(caption)
    assert not lx.dates_only_the_photo("MPP restarted in El Paso on Dec. 6, officials said.")
    why = rejections(caption)
    assert why("On what date did the Trump administration first start MPP in Juarez?", 0) == "its date is the photo's"
    assert lx.question_terms("When was the file photo of the girl with a neck pillow taken?").photo


def test_which_city_in_the_south_must_be_said_to_be_there():
    assert not lx.says_part("south", "On Friday in Chihuahua City – which is a three-hour drive south of the border "
                                     "– López Obrador spoke.")
    assert lx.says_part("south", "Migrants are bused to the southern end of the country.")
    why = rejections("On Friday in Chihuahua City – which is a three-hour drive south of the border – officials said "
                     "migrants stopped in the north are bused there.")
    assert why("Which city in southern Mexico are migrants stopped in the north bused to?", 0) == \
        "it does not say the part of the country"


def test_known_as_names_the_noun_before_it():
    terms = lx.question_terms("What is the practice of letting only some asylum seekers cross each day called?")
    assert lx.gives_name("This practice, known as metering, limits crossings.", terms)
    assert not lx.gives_name("Smugglers, known as “coyotes,” charge thousands for the practice.", terms)


def test_a_claim_about_a_person_needs_a_quote_that_is_not_someone_elses():
    assert lx.claim_subject("Justin Trudeau agreed to López Obrador's call?") == {lx.stem("justin"),
                                                                                  lx.stem("trudeau")}
    assert lx.claim_subject("did CBP say how access would work?") == frozenset()
    assert lx.claim_subject("Friday's handover was the biggest?") == frozenset()
    assert lx.claim_subject("the U.S. sends asylum-seekers back.") == frozenset()


def test_an_intent_word_counts_near_the_start_of_the_claim():
    assert lx.claims_intent("did Mexico plan to send troops to its southern border?")
    assert not lx.claims_intent("did Mexico accept the $20 million the Trump administration reportedly wanted to pay "
                                "it in 2018?")


def test_where_from_wants_where_they_came_from():
    asked = lx.question_terms("where were the 20 men returned on friday originally from")
    stems = asked.names | set(asked.content)
    assert not lx.gives_place("CBP handed over 20 adult males to Mexican officials in the middle of the Stanton "
                              "Street Bridge.", stems, asked.origin)
    assert lx.gives_place("CBP handed over six citizens of Venezuela, Cuba and Nicaragua.", stems, asked.origin)
    assert lx.gives_place("Half of the migrants are from the interior of Mexico.", stems, asked.origin)


def test_the_part_of_a_region_asked_is_no_place_beyond_it():
    asked = lx.question_terms("where in southern mexico are migrants dropped off after being bused from the north")
    said = "Many others are being stopped in northern Mexico and bused to the southern end of the country."
    assert not lx.gives_place(said, asked.names | set(asked.content))
    plain = lx.question_terms("where are migrants bused after being stopped")
    assert lx.gives_place(said, plain.names | set(plain.content))


def test_which_airline_or_city_wants_one_of_that_kind():
    why = rejections("According to ICE flight data, there were 11 deportation flights from the U.S. to Venezuela "
                     "in 2023.\n"
                     "The U.S. today returned the largest group of asylum seekers to Mexico, officials in El Paso "
                     "said.")
    assert why("Which airline operates the ICE deportation flights to Venezuela?", 0) == "no name given"
    assert why("In which U.S. city were the asylum seekers returned to Mexico?", 1) is None     # El Paso
    assert not lx.gives_name("The U.S. today returned the largest group of asylum seekers to Mexico.",
                             lx.question_terms("In which U.S. city will the asylum seekers have court hearings?"))


def test_what_did_the_plan_contain_asks_its_contents():
    assert lx.contents_asked("What did the plan Mexico offered to share with U.S. officials after the meeting "
                             "actually contain?") == "plan"


def test_last_met_is_not_lasted():
    said = lambda text: set(lx.content_stems(lx.normalise_aliases(text)))     # noqa: E731
    assert lx.stem("last") in said("The meeting lasted two hours.")
    assert lx.stem("last") not in said("Where did Biden and López Obrador last meet in person?")
    assert lx.stem("last") in said("How long did the call last?")


def test_the_first_hedge_or_intent_word_decides_its_position():
    # "expects" comes early though a hedge ("would") comes late: the claim is about an expectation
    assert lx.claims_intent("CBP expects April's figures to show a spike that would top the December record")


def test_the_gate_takes_a_name_given_for_the_kind_of_thing_asked():
    from rag.ask.rerank import gate

    text = ("During the Obama administration, the U.S. and Mexico expanded cooperation against transnational "
            "criminal organizations.\nThe app does not work south of Mexico City, said Amy Fischer, director of "
            "refugee and migrant rights at Amnesty International USA.")
    index, sentence = one_article(text)
    idf = lx.Idf([s.text for s in lx.split_sentences(text)])
    ranked = [sentence(0), sentence(1)]
    for s in ranked:
        s.dense = 0.5       # as similar as the embeddings would find them
    # "Amnesty International USA" is the organization: the word need not be said
    assert gate(lx.question_terms("Which organization is Amy Fischer with?"), ranked, index, idf).answerable
    # what else is asked of it must be
    assert not gate(lx.question_terms("Which organization pays Amy Fischer's salary?"), ranked, index, idf).answerable


def test_a_spanish_name_names_the_thing_asked():
    which = lx.question_terms("which shelter does Rev. Javier Calvillo run")
    assert lx.gives_name("“They are upset,” the Rev. Javier Calvillo, head of Casa del Migrante, told El Diario.", which)
    assert not lx.gives_name("“They are upset,” the Rev. Javier Calvillo told El Diario.", which)


def test_who_uses_a_name_frames_the_question():
    t = lx.question_terms("what's the other name people use for the Migrant Protection Protocols")
    assert t.naming and not {"people", "use"} & set(t.content)
    assert lx.asks_name("what is the name they give to the Remain in Mexico program")
    assert lx.asks_name("what is the legal term for it")


def test_the_purpose_behind_asks_why():
    t = lx.question_terms("What was the stated purpose behind launching the Merida Initiative?")
    assert t.kind == "why" and not {lx.stem("stated"), lx.stem("purpose"), "behind"} & set(t.content)
    assert lx.question_kind("What was the reason for the unrest at the shelter?") == "why"
    assert lx.question_kind("What was the goal of the Bicentennial Framework?") == "why"
    assert lx.question_kind("What was the name of the goal-setting plan?") == "other"


def test_what_it_cost_what_a_bill_proposed_and_a_final_vote():
    assert lx.question_unit("What did it actually cost Mexico to interdict the 280,000 migrants?") == "#money"
    assert lx.asks_outcome("what was the final vote in congress on the border security package")
    assert lx.contents_asked("What exactly did the immigration reform bill that Biden backed propose?") == "bill"
    assert lx.bare_mention("bill", "He is aware Biden backed an immigration reform bill but was stymied by politics.")
    assert not lx.bare_mention("plan", "He called on the U.S. to approve a plan that would deploy $20 billion.")


def test_this_year_is_the_year_the_article_was_written():
    why = rejections("According to ICE flight data, there were 11 total deportation flights from the U.S. to "
                     "Venezuela in 2023, but now there is one per week scheduled.\nThis year, more migrants are being "
                     "stopped inside Mexico, with over 280,000 interdicted in March.", published="2024-04-02")
    assert why("How many deportation flights to Venezuela have taken place so far this year?", 0) == \
        "it speaks of another year"
    assert why("How many migrants has Mexico interdicted this year?", 1) != "it speaks of another year"
    assert lx.of_other_years("11 flights in 2023", "2024-04-02") and not lx.of_other_years("in March", "2024-04-02")


def test_where_is_the_thing_wants_its_place():
    located = lx.question_terms("Where exactly is the Mexican government shelter that returned asylum seekers are "
                                "taken to?").located
    assert located == ("mexican", "government", "shelter")
    # mentioned without a place, or another shelter, does not say where this one is
    assert lx.place_of_thing_unsaid(located, "The migrants are processed inside a tent city on the Mexican side of the "
                                             "Stanton Street Bridge and then taken to a government shelter.")
    assert lx.place_of_thing_unsaid(located, "There was unrest at the largest private migrant shelter in Juarez.")
    assert not lx.place_of_thing_unsaid(located, "They are taken to the government shelter in Juarez.")
    assert not lx.place_of_thing_unsaid(located, "They are taken to a Juarez government shelter.")
    assert lx.located_thing("Where was the press conference held?") == ()    # where an event was


def test_where_from_originally_asks_an_origin():
    assert lx.question_terms("where were the 20 men returned on friday from originally").origin
    assert not lx.question_terms("where were the 20 men returned to on friday").origin


# ------------------------------------------------------------------ the deed a date, place or reason is of

@pytest.mark.parametrize("question, verb, obj", [
    ("Where did the 20 men returned to Juarez on Friday originally cross into the U.S.?", "cross", ()),
    ("When did Mexico's National Institute of Migration get its enforcement funding restored?", lx.stem("restored"), ()),
    ("where will the 20 men returned to juarez on friday have their US immigration court hearings",
     "hearing", ("immigration", "court")),
    ("Where were the U.S. and Mexico expected to hold their next round of talks later in the month?", "hold", ("talk",)),
    ("what day was el paso going to start registering asylum seekers", "register", ("asylum", "seeker")),
    ("Why can't migrants bused to southern Mexico book US asylum appointments?", "book", ("asylum", "appointment")),
    ("When did the Title 42 policy end, according to the NBC article?", "end", ()),
    ("when did mexico's money for stopping migrants start running low", lx.stem("running"), ("low",)),
    ("Why doesn't Mexico publish its interdiction numbers?", "publish", ("interdiction",)),
])
def test_the_deed_a_when_where_or_why_question_asks_about(question, verb, obj):
    assert lx.asked_event(question) == lx.AskedEvent(verb, obj)


@pytest.mark.parametrize("question", [
    "where was lopez obrador when he talked about remain in mexico on friday",     # another clause's verb
    "Why do U.S. officials think Mexico has become willing to interdict more migrants?",     # a belief
    "why did chicago's mayor say the federal government needs to step in",     # a saying
    "why have the talks about fentanyl smuggling been put on the back burner",     # a light verb, no object
    "What did Mexico agree to?",
])
def test_no_deed_is_checked_where_the_form_does_not_show_one(question):
    assert lx.asked_event(question) is None


def test_a_date_place_or_reason_must_be_of_the_deed_asked():
    why = rejections("U.S. Customs and Border Protection late Friday morning handed over 20 adult males to Mexican "
                     "immigration officials in the middle of the Stanton Street Bridge.\nBy late 2023, Mexico's "
                     "National Institute of Migration was running out of funds for enforcement.\nFrom there, they "
                     "can't make appointments for U.S. asylum hearings on the app, since it doesn't work south of "
                     "Mexico City.")
    assert why("Where did the 20 men returned on Friday originally cross into the U.S.?", 0) == \
        "its place is of another event"
    assert why("Where were the 20 men handed over on Friday?", 0) is None
    assert why("When did the National Institute of Migration get its enforcement funding restored?", 1) == \
        "its date is of another event"
    assert why("When did the National Institute of Migration start running out of funds?", 1) is None
    # a paraphrase of the verb is told by its whole object: "book appointments" for "make appointments"
    assert why("Why can't migrants book U.S. asylum appointments on the app?", 2) is None


def test_quoted_words_must_be_said_where_the_answer_is():
    assert lx.quoted_words("Who said AMLO 'has a very ambitious agenda'?") == (lx.stem("ambitious"), "agenda")
    assert lx.quoted_words("What is AMLO's plan?") == ()
    why = rejections("Homeland Security Secretary Alejandro Mayorkas went to Mexico City in late December.\nThe talks "
                     "went on.\nThey will meet again.\nA senior official said AMLO “has a very ambitious agenda.”")
    assert why("Who was the official who said AMLO 'has a very ambitious agenda'?", 0) == \
        "the words it quotes are said elsewhere"


def test_what_time_wants_a_time_of_day():
    assert lx.question_terms("what time on monday did the MPP registrations start").clock
    assert not lx.question_terms("what time period does the plan cover").clock
    assert lx.tells_time_of_day("CBP late Friday morning handed over 20 adult males")
    assert not lx.tells_time_of_day("on Monday will begin registering asylum-seekers a short time later")


def test_small_question_forms():
    # "whats the total dollar value": an amount of money, typed without the apostrophe
    assert lx.question_unit("whats the total dollar value of the aid package") == "#money"
    # a long "what is ... called?" still asks a name
    assert lx.asks_name("What is the $20 billion plan for Latin America and the Caribbean that AMLO wants the U.S. "
                        "to approve called?")
    # "did Biden agree to AMLO's call for": whether Biden agreed, an outcome, not whether he called for it
    assert lx.asks_outcome("did biden agree to AMLO's call for a temporary worker visa program")
    assert not lx.asks_outcome("did lopez obrador call on the us to create a visa")
    # "which 3 cities": how many the answer lists, not a figure the passage must hold
    assert not lx.question_terms("which 3 cities said they couldn't handle the influx").numbers
    assert lx.question_terms("which 20 men were returned").numbers == {20.0}
    assert {"homeland", "security"} <= lx.question_terms("Who is the DHS secretary?").names
    assert lx.located_thing("Where in Juarez is the government shelter that migrants are taken to?") == \
        ("government", "shelter")


def test_a_yes_no_question_is_answered_of_what_it_names():
    # (a rare name: the article says much else besides)
    why = rejections("On Thursday, six more were returned, citizens of Venezuela, Cuba and Nicaragua.\nCBP late "
                     "Friday morning handed over 20 adult males to Mexican immigration officials.\n" +
                     "\n".join(f"Talks on point {i} went on for some time." for i in range(25)))
    assert why("were any Venezuelans among the 20 adult males CBP handed over to Mexican immigration officials on "
               "Friday?", 1) == "it does not say it of venezuelan"
    assert why("Were 20 adult males handed over to Mexican officials on Friday?", 1) is None


def test_a_place_must_be_said_in_the_sentence_of_the_deed():
    why = rejections("Many others are being stopped in northern Mexico and bused to the southern end of the country. "
                     "From there, migrants stopped in the north can't use the CBP One app in southern Mexico, since "
                     "the app doesn't work south of Mexico City.")
    assert lx.asked_event("Which city in southern Mexico are migrants stopped in the north bused to?").verb == \
        lx.stem("send")
    assert why("Which city in southern Mexico are migrants stopped in the north bused to?", 1, 0) == \
        "its place is of another event"


def test_the_deed_is_found_past_the_subject_and_its_phrases():
    # "which locations along the border": the locations are what is asked, not "along"
    assert lx.question_terms("Which locations along the Southwest border will MPP be expanded to?").focus == "location"
    # a passive light verb: the thing itself is the event ("when was the photo taken": the photo's date)
    assert lx.asked_event("When was the AP file photo of the girl in Juarez taken?") == \
        lx.AskedEvent("photo", ("ap", "file"))
    # a word the articles never use is no noun of theirs: "book" is the verb after "migrants bused to Mexico"
    assert lx.asked_event("Why can't migrants bused to southern Mexico book US asylum appointments?").verb == "book"


def test_a_deed_told_in_other_words():
    from rag.ask.extractive import _tells_event

    travel = lx.asked_event("When did Mayorkas and Blinken travel to Mexico to ask Lopez Obrador for more help?")
    assert travel == lx.AskedEvent("travel", ())
    assert _tells_event(travel, "In late December, Mayorkas and Blinken went to Mexico to meet Lopez Obrador.")
    assert _tells_event(travel, "At the end of December, Biden sent Mayorkas and Blinken to Mexico City.")
    assert not _tells_event(travel, "In late December, Mayorkas and Blinken met Lopez Obrador's envoys in Washington.")
    returned = lx.asked_event("Which countries were the six migrants returned to Mexico on Thursday from?")
    assert returned.verb == "return"
    assert _tells_event(returned, "On Thursday CBP handed over six citizens of Venezuela, Cuba and Nicaragua.")
