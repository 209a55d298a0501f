"""Small, dependency-free text helpers shared by the ask steps.

Sentence splitting with exact character offsets, tokenising with a light stemmer, number
normalisation ("300,000" == "300000", "$20 billion" == 20e9, "three" == 3) and the salient
terms of a question (numbers, names, rare content words).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

STOPWORDS = frozenset("""
a about above after again against all also am an and any are aren't around as at be because been before being
below between both but by can could did do does doing done down during each either else ever few for from further
get gets got had has have having he her here hers herself him himself his how however i if in into is it its itself
just least less like made make makes many may me might more most much must my myself near nearly no nor not now of
off on once one only or other others our ours ourselves out over own per rather said same say says she should since
so some such than that the their theirs them themselves then there these they this those through to too under until
up upon us very via was we were what when where which while who whom whose why will with within without would yet
you your yours yourself yourselves according article articles report reported reports tell told story news
whats what's did does do according many much number numbers roughly approximately about even though although absent
single
""".split())

# words that start a question or are too common to name anything, even when capitalised
QUESTION_WORDS = frozenset("what which who whom whose when where why how is are was were do does did can could "
                           "should would will has have had according in on at for of the a an and but or if "
                           "during after before since under tell give name list describe explain".split())

MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                       "september", "october", "november", "december"], start=1)}
MONTH_ABBR = {m[:3]: i for m, i in MONTHS.items()} | {"sept": 9}
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_WEEKDAY_NAMES = "|".join(sorted(WEEKDAYS))


def weekdays_in(text: str) -> frozenset[str]:
    """The weekdays ``text`` names ("on Friday" -> {friday})."""
    return frozenset(w for w in (fold(x) for x in words(text)) if w in WEEKDAYS)

NUMBER_WORDS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
                "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12,
                "half": 0.5, "twice": 2, "thrice": 3, "once": 1}
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3, "m": 1e6, "bn": 1e9, "t": 1e12}

# spelling variants that name the same thing
ALIASES = {"united states": "us", "u.s.": "us", "u.s": "us", "usa": "us", "america": "us", "american": "us",
           "amlo": "lopez obrador", "ppl": "people", "dhs": "homeland security",
           "admin": "administration"}

# titles as news style abbreviates them ("Texas Gov. Greg Abbott", "the Rev. Javier Calvillo")
_TITLES = [(re.compile(rf"\b{a}\.(?=\s)"), w) for a, w in (
    ("gov", "governor"), ("rev", "reverend"), ("sen", "senator"), ("rep", "representative"), ("sec", "secretary"),
    ("pres", "president"), ("gen", "general"), ("dr", "doctor"), ("supt", "superintendent"), ("atty", "attorney"))]

_ABBREVIATIONS = frozenset("mr mrs ms dr prof sr jr st rev gov sen rep gen col lt sgt capt no vs etc inc ltd co corp "
                           "jan feb mar apr jun jul aug sep sept oct nov dec mt ft u.s u.k u.n d.c".split())

_SENT_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+)")
_WORD = re.compile(r"[A-Za-z\u00C0-\u024F]+(?:['’][A-Za-z]+)?|\d[\d,]*(?:\.\d+)?")
_ATTRIBUTION = re.compile(r"(?:[A-Z][\w.’'-]*\s+){1,4}(?:said|says|told|asked|added|wrote)\b[^.!?]{0,60}[.!?]")
_MARKER = re.compile(r"\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\]")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def fold(text: str) -> str:
    """Lower-case, strip accents, unify quotes and dashes."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').lower()


def split_sentences(text: str, offset: int = 0) -> list[Span]:
    """Sentences of ``text`` with offsets (plus ``offset``) such that ``text[s-offset:e-offset] == span.text``.

    Splits at paragraph breaks and at sentence-final punctuation followed by whitespace and an
    upper-case letter, digit or quote, except after common abbreviations ("U.S. Customs", "Dec. 6").
    """
    spans: list[Span] = []
    for para in re.finditer(r"[^\n]+", text):
        p_start = para.start()
        p_text = para.group()
        cut = 0
        for m in _SENT_END.finditer(p_text):
            end = m.end()
            nxt = p_text[end:].lstrip()
            if not nxt or not (nxt[0].isupper() or nxt[0].isdigit() or nxt[0] in "\"'“‘("):
                continue
            if m.group().rstrip("\"'”’)]")[-1:] in "?!" and m.group()[-1:] in "\"'”’" and _ATTRIBUTION.match(nxt):
                continue  # “... a visa program?” Lopez Obrador said.
            word = re.search(r"([A-Za-z.]+)\.?$", p_text[cut:m.start() + 1])
            token = (word.group(1) if word else "").lower().rstrip(".")
            if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", token):
                continue
            spans.append(_mk(p_text, cut, end, p_start + offset))
            cut = end
        spans.append(_mk(p_text, cut, len(p_text), p_start + offset))
    return [s for s in spans if s.text]


def _mk(p_text: str, a: int, b: int, base: int) -> Span:
    seg = p_text[a:b]
    left = len(seg) - len(seg.lstrip())
    right = len(seg.rstrip())
    return Span(base + a + left, base + a + right, seg.strip())


def strip_markers(text: str) -> str:
    return re.sub(r"\s+([.,;:!?])", r"\1", _MARKER.sub("", text)).strip()


def stem(word: str) -> str:
    w = fold(word).strip("'")
    if w.endswith("'s"):
        w = w[:-2]
    if w in _IRREGULAR:
        return _IRREGULAR[w]                # "Biden held a call" answers "when did Biden hold a call"
    if (w.endswith("eed") or w.endswith("ees")) and len(w) >= 6:
        return w[:-1]                       # agreed, agrees -> agree (not "agre"); employees -> employee
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and not w.endswith("ss"):
            cut = w[: len(w) - len(suffix)] + repl
            if cut not in STOPWORDS:        # "willing" is not "will"
                w = cut
            break
    if len(w) > 4 and w[-1] == w[-2] and w[-1] not in "aeiouls":  # stopped -> stop
        w = w[:-1]
    return w


# past forms of the irregular verbs news uses, as their present ("held" -> "hold"); forms that are also common nouns
# or other words ("left", "found", "saw", "rose", "fell") are left alone
_IRREGULAR = {past: present for present, forms in (
    ("hold", "held"), ("send", "sent"), ("meet", "met"), ("take", "took taken"), ("give", "gave given"),
    ("make", "made"), ("bring", "brought"), ("tell", "told"), ("pay", "paid"), ("spend", "spent"),
    ("win", "won"), ("lose", "lost"), ("build", "built"), ("buy", "bought"), ("sell", "sold"), ("go", "went gone"),
    ("come", "came"), ("run", "ran"), ("choose", "chose chosen"), ("write", "wrote written"),
    ("speak", "spoke spoken"), ("break", "broke broken"), ("drive", "drove driven"), ("seek", "sought"),
    ("think", "thought"), ("mean", "meant"), ("hear", "heard"), ("stand", "stood"), ("understand", "understood"),
    ("deal", "dealt"), ("strike", "struck"), ("teach", "taught"), ("bear", "bore borne"), ("draw", "drew drawn"),
    ("grow", "grew grown"),
    ("throw", "threw thrown"), ("fly", "flew flown"), ("sit", "sat"), ("get", "got gotten"), ("begin", "began begun"),
) for past in forms.split()}


def words(text: str) -> list[str]:
    return [m.group() for m in _WORD.finditer(text)]


def content_stems(text: str) -> list[str]:
    """Stems of the non-stopword words (numbers excluded); words of one synonym group share one stem."""
    out = []
    for w in words(strip_markers(text)):
        f = fold(w)
        if f in STOPWORDS or f[0].isdigit() or len(f) < 2:
            continue
        if f[-2:] in ("'s", "’s") and f[:-2] in STOPWORDS:      # "it's", "that's"
            continue
        st = stem(f)
        if st not in _SYNONYM and st.endswith("ly") and st[:-2] in _SYNONYM:
            st = st[:-2]                            # "significantly" as "significant"
        out.append(_SYNONYM.get(st, st))
    return out


# Everyday paraphrases of the words news reports use: a question that says "sent back", "guys" or "took the
# place of" matches an article that says "returned", "males" or "replaced". Phrases become one word first
# (``normalise_aliases``), then each group's words share the first word's stem (``content_stems``).
_PHRASES = [(re.compile(rf"\b(?:{p})\b"), w) for p, w in (
    (r"(?:send|sends|sent|sending) (?:them |him |her |people |migrants )?back", "return"),
    (r"(?:kick|kicks|kicked|kicking) (?:them |him |her )?out", "deport"),
    (r"(?:take|takes|took|taking|taken) the place of|in place of", "replace"),
    (r"(?:run|runs|ran|running) (?:away )?from|(?:get|getting|got) away from", "flee"),
    (r"(?:look|looks|looked|looking) after|(?:take|takes|took|taking) care of|(?:caring|cares) for", "care"),
    (r"(?:bring|brings|brought|bringing) (?:[\w-]+ ){0,4}?back|"
     r"(?:put|puts|putting) (?:[\w-]+ ){0,4}?back (?:into|in) (?:effect|place|force)", "reinstate"),
    (r"(?:set|sets|setting) up|(?:put|puts|putting) in place", "establish"),
    (r"(?:turn|turns|turned|turning) away", "reject"),
    (r"re-?(?:implement|instate|start)(?:s|ed|ing)?", "reinstate"),
    (r"(?:have|has|had|having) to", "require"),
    (r"((?:are|is|was|were|be|been|being) (?:[\w-]+ ){0,3}?)against", r"\1oppose"),
    (r"rather(?! than)", "prefer"),
    (r"(?:run|runs|ran|running|stretch|stretches) between", "link"),
    (r"(?:go|goes|going|be|being) eas(?:y|ier) on", "ease"),
    (r"(?:sign|signs|signed|signing) (?:[\w-]+ ){0,2}?up\b|(?:sign|signs|signed|signing) up", "register"),
    (r"(?:come|comes|came|coming) (?:back )?across", "cross"),
    (r"(?:carry|carries|carried|carrying) on", "continue"),
    (r"(?:show|shows|showed|showing|turn|turns|turned|turning) up", "arrive"),
    (r"(?:start|starts|started|starting) ((?:[\w-]+ ){0,5}?)again", r"reinstate \1"),    # "start deporting ... again"
    (r"\bwho (?:heads?|headed|runs?|ran|leads?|led|manages?|managed) (?=(?:the|a|an|this|that)\b)", "who directs "),
    (r"last(?= (?:meet|met|saw|spoke|talked|visited|round|meeting|visit|call)\b)", "latest"),
    # "when did they *last* meet" is no "the meeting *lasted* two hours"
    (r"(?:meet|meets|met|meeting) ((?:[\w'’-]+ ){0,3}?)(?=(?:demands?|needs?|requirements?|goals?|targets?|conditions?|"
     r"deadlines?|expectations?)\b)", r"satisfy \1"),     # "meet Mexico's demands" is no meeting
    (r"(?:call|calls|called|calling) (?:up)?on\b", "request"),                   # "called on the U.S. to approve"
    (r"(?:take|takes|took|taking|taken|accept|accepts|accepted|accepting) (?:in|back)", "receive"),
    (r"hand(?:s|ed|ing)? over|handover", "handover"),
    (r"sit[- ]?downs?\b|sat down", "meeting"),
    (r"step(?:s|ped|ping)? in", "intervene"),
    (r"pick(?:s|ed|ing)? (?:back )?up(?= (?:the |their |its )?(?:talks?|negotiations?|discussions?)\b)", "continue"),
    (r"per day|a day|each day|every day", "daily"),
    (r"right away|at once|straight away|without delay", "immediately"),
    (r"(?:the )?federal (?:government|authorities)", "federal government washington"),   # "if Washington steps in"
    (r"(?:push|pushes|pushed|pushing) aside|(?:put|puts|putting) on hold|(?:set|sets|setting) aside", "sideline"),
)]
_SYNONYM_GROUPS = """
replace replaced replaces replacing supersede superseded substitute
stop stopped stopping interdict interdicted interdicting intercept intercepted intercepts intercepting apprehend
  apprehended apprehending apprehension apprehensions catch catches caught catching detain detained detaining
male males men man guy guys
flee flees fled fleeing escape escaped escaping
reinstate reinstated restart restarted restarting resume resumed resuming revive revived
establish established create created creating launch launched implement implemented implementing enact enacted
  begin begins began begun start starts started starting
child children kid kids minor minors
increase increased increasing rise rising rose grow grew growing growth surge surged jump jumped climb climbed
decrease decreased decreasing drop dropped fall fell falling decline declined declining
help helped helping aid assist assisted assistance intervention intervene support supported
die died dying dead death deaths
expensive costly
maximum max cap limit ceiling
influx arrivals arrival inflow
cope coping handle handling
version equivalent counterpart
heritage descent ancestry
live lives living lived reside resides residing resident residents
promise promised promises pledge pledged commit committed commits commitment commitments vow vowed
care caring cares protect protected protecting protects
shared share common mutual intersect intersecting
press pressed pressing pressure pressured urge urged urging
acknowledge acknowledged recognize recognized recognise admit admitted
big bigger biggest large larger largest huge strong stronger strongest
applicant applicants petitioner petitioners
oppose opposed opposes opposing object objects objected objecting criticize criticized criticizes criticise
  criticised slam slammed slams condemn condemned condemns
consider considers considered considering weigh weighs weighed weighing mull mulls mulled mulling
travel travels traveled travelled traveling travelling visit visits visited
head lead leads led heads manage manages
priest reverend pastor clergyman
major significant substantial considerable
send ship shipped shipping transport transported bus bused bussed deploy deployed deploying
continue continued continues continuing keep keeps kept
require required requires requiring must obliged insist insisted insists insisting
condition conditions precondition preconditions prerequisite prerequisites
receive received receiving accept accepted accepting
demand demands demanded request requests requested ask asks asked asking
solve solved solves solving fix fixed fixes fixing resolve resolved address addressed
curb curbed curbing rein reined restrain restrained rein-in
official officials officer officers
senior high-ranking top-ranking top-level high-level
immediately immediate instantly
troop troops soldier soldiers
expand expanded expanding expands expansion extend extended extending extends broaden broadened
firm hard binding concrete
talk talks conversation conversations discussion discussions
publish published publishes publicly disclose disclosed discloses
prefer prefers preferred preferring
arrive arrives arrived arriving coming comes
interior inside inland
link links linked linking connect connects connected connecting
ease eases eased easing loosen loosens loosened relax relaxes relaxed
""".replace("\n  ", " ").split("\n")      # an indented line continues its group
_SYNONYM = {stem(w): stem(group.split()[0]) for group in _SYNONYM_GROUPS for w in group.split()}


# --------------------------------------------------------------------------- how much a question word says

# Verbs and fillers a paraphrase swaps freely ("asked the U.S. to *put* money toward" = "called on the U.S. to
# deploy"): they count for a fraction of their IDF weight when matching a question against a passage.
LIGHT_WORDS = frozenset(stem(w) for w in """
ask asked want wanted put putting send sending sent set take took taken taking keep kept go going went gone get got
give gave given make made come came bring brought see saw seen show shown need try let happen happened describe
described mention mentioned call called urge urged look looking use used right away back way thing kind type sort
actually really exactly specifically toward towards behalf regarding concerning end ended
nickname name term label speak speaking spoke represent represented represents topic
warn warned warning describe characterize characterise respond responded react reacted explain claim argue
""".split()) | frozenset("""putt sent took kept went gone got gave made came brought saw seen shown""".split())
LIGHT_WEIGHT = 0.35

# Words that name the *kind* of answer wanted ("how much *money*", "what *day* of the week", "what
# *nationalities*"): a passage covers them by holding such a thing ($20 billion, Wednesday, Nicaraguan),
# not by repeating the word. ``evidence_stems`` adds the matching ``#kind`` tokens to a passage's stems.
ANSWER_KIND_WORDS = {stem(w): kind for kind, ws in {
    "#money": "money cash cost costs funding fund funds paid pay spend spent dollars",
    "#date": "day date week month year time",
    "#duration": "long duration hours minutes",
    "#age": "old age",
    "#percent": "percent percentage share proportion fraction portion",
    "#nationality": "nationality nationalities national nationals",
    "#office": "job role title position occupation post",
    "#distance": "far distance",
}.items() for w in ws.split()}

_MONEY = re.compile(r"\$\s?\d|\b\d[\d,.]*\s*(?:million|billion|trillion)?\s*(?:dollars|pesos|euros|usd)\b", re.I)
_DURATION = re.compile(r"\b(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|several|few|many)"
                       r"[\s-]+(?:more\s+)?(?:minutes?|hours?|days?|weeks?|months?|years?|decades?)\b", re.I)
_AGE = re.compile(r"\b\d{1,3}[\s-]years?[\s-]old\b|\baged?\s+\d{1,3}\b|\b[A-Z][a-z]+,\s\d{1,3},", re.I)
_PERCENT = re.compile(r"\d\s*(?:%|percent\b)|\b(?:half|a quarter|a third|one in \w+)\b", re.I)
# a nationality said of people: "a Nicaraguan and a Colombian", "Venezuelans", "six citizens of Venezuela"
# (not "Mexican immigration officials": an adjective of something else)
_DEMONYM = re.compile(r"\b(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+[A-Z][a-z]+(?:an|ian|ean|ese|ish)\b"
                      r"(?!\s+(?!and\b|or\b|who\b|were\b|was\b|is\b|are\b)[a-z])|\b[A-Z][a-z]+(?:ans|ians|eans)\b|\b(?:citizens|nationals|natives) of [A-Z]")


def answer_kinds(text: str) -> set[str]:
    """The ``#kind`` tokens of the things ``text`` holds (see ``ANSWER_KIND_WORDS``)."""
    out = set()
    if _MONEY.search(text):
        out.add("#money")
    if has_date_expression(text):
        out.add("#date")
    if _DURATION.search(text):
        out.add("#duration")
    if _AGE.search(text):
        out.add("#age")
    if _PERCENT.search(text):
        out.add("#percent")
    if _DEMONYM.search(text):          # Nicaraguan, Colombian, Haitian, Chinese
        out.add("#nationality")
    if _OFFICE.search(text):            # "Biden's homeland security adviser", "director of ..."
        out.add("#office")
    if _DISTANCE.search(text):          # "a three-hour drive south of the border", "12 miles"
        out.add("#distance")
    if _CAPACITY.search(text):          # "a shelter with room for 300", "can hold 1,000"
        out.add("#capacity")
    return out


_CAPACITY = re.compile(r"\b(?:capacity|can hold|holds up to|accommodat\w+|room for|space for|beds?|can house|can take in)\b",
                       re.IGNORECASE)
_DISTANCE = re.compile(r"\b\d[\d,.]*\s*(?:miles?|kilometers?|kilometres?|km|mi|feet|meters?|metres?)\b|"
                       r"\b[\w-]+[- ](?:hour|minute|day)s? (?:drive|walk|flight|ride|trip)\b", re.IGNORECASE)
_OFFICE = re.compile(r"\b(?:adviser|advisor|secretary|director|mayor|governor|president|minister|spokes(?:man|woman|person)|"
                     r"ambassador|commissioner|judge|senator|chief|head|chairman|chairwoman|chair|coordinator|"
                     r"official|officer|aide|reverend|Rev\.)\b", re.IGNORECASE)


def evidence_stems(text: str) -> frozenset[str]:
    """A passage's content stems plus the ``#kind`` tokens of the things it holds."""
    return frozenset(content_stems(normalise_aliases(text))) | answer_kinds(text)


def term_covered(term: str, stems: Iterable[str]) -> bool:
    """A question stem is covered by a passage's ``evidence_stems``: the word itself (or a close form), or,
    for a word naming the kind of answer ("money"), a thing of that kind."""
    kind = ANSWER_KIND_WORDS.get(term)
    return (kind is not None and kind in stems) or covered(term, stems)


def term_weight(term: str) -> float:
    return LIGHT_WEIGHT if term in LIGHT_WORDS else 1.0


def stems_match(a: str, b: str) -> bool:
    """Same stem, or one a long common prefix of the other (Mexico/Mexican, deport/deportation)."""
    if a == b:
        return True
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    shorter = min(len(a), len(b))
    return n >= 5 and n >= 0.75 * shorter


def covered(term: str, vocabulary: Iterable[str]) -> bool:
    return any(stems_match(term, v) for v in vocabulary)


# --------------------------------------------------------------------------- numbers

_NUM = re.compile(
    r"(?<![\w.])\$?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(%|percent\b|thousand\b|million\b|billion\b|trillion\b|bn\b|k\b|m\b)?",
    re.IGNORECASE)


def numbers(text: str) -> set[float]:
    """Numeric values mentioned in ``text`` (markers removed). "$20 billion" gives {20, 2e10}."""
    text = _MARKER.sub(" ", text)
    out: set[float] = set()
    for m in _NUM.finditer(text):
        raw, unit = m.group(1), (m.group(2) or "").lower()
        try:
            value = float(raw.replace(",", ""))
        except ValueError:
            continue
        out.add(value)
        if unit in SCALES or unit in {"thousand", "million", "billion", "trillion"}:
            out.add(value * SCALES[unit])
    for w in words(text):
        f = fold(w)
        if f in NUMBER_WORDS and f not in {"once", "half"}:
            out.add(float(NUMBER_WORDS[f]))
    return out


def hard_numbers(text: str) -> set[float]:
    """Numbers written with digits (the ones a sentence must not invent)."""
    return {scaled for _, _, _, scaled in _digit_numbers(_MARKER.sub(" ", text))}


def _digit_numbers(text: str):
    """(match, raw digits, unit, scaled value) for each number written with digits."""
    for m in _NUM.finditer(text):
        raw, unit = m.group(1), (m.group(2) or "").lower()
        value = float(raw.replace(",", ""))
        yield m, raw, unit, (value * SCALES[unit] if unit in SCALES else value)


_TIME_UNIT = re.compile(r"[\s-]*(?:more\s+|full\s+)?(?:years?|months?|weeks?|days?|hours?|minutes?|decades?)\b", re.I)


TIME_STEMS = frozenset(stem(w) for w in "year years month months week weeks day days hour hours minute minutes".split())


_DURATION_FIGURE = re.compile(r"\b(\d[\d,.]*|" + "|".join(NUMBER_WORDS) + r")(?=" + _TIME_UNIT.pattern + ")", re.I)


_LABEL_BEFORE = re.compile(r"(?:\b[A-Z][A-Za-z]*-|\b[A-Z][a-z]+ )$")
_NOT_LABELS = frozenset("about nearly over some more roughly almost around at only just up fewer less than under "
                        "approximately exactly another all those these the and or but with by of from to".split())


def is_label(text: str, start: int, raw: str) -> bool:
    """Is the number at ``start`` part of a name rather than a quantity ("Title 42", "COVID-19", "Section 8")?"""
    m = _LABEL_BEFORE.search(text[max(0, start - 20):start])
    if not m or text[start:start + 1] == "$":
        return False
    word = m.group().strip(" -")
    if m.group().endswith("-"):
        return True
    return "," not in raw and "." not in raw and len(raw) <= 3 and fold(word) not in _NOT_LABELS \
        and fold(word) not in MONTHS and fold(word)[:3] not in MONTH_ABBR


_RATIO_AFTER = re.compile(r"[\s-]+(?:times (?:as|more|less|fewer|the|higher|lower|larger|bigger)|-?fold)\b", re.IGNORECASE)


def quantity_numbers(text: str, durations: bool = True, ratios: bool = True) -> set[float]:
    """Numbers that can answer "how many/much": not bare years (1900-2100) nor days of a month after a month name;
    with ``durations=False`` not lengths of time either ("more than two years ago")."""
    text = _MARKER.sub(" ", text)
    if not durations:
        text = _DURATION_FIGURE.sub(" ", text)
    out: set[float] = set()
    for m, raw, unit, value in _digit_numbers(text):
        if not unit and "," not in raw and 1900 <= value <= 2100:
            continue
        before = text[max(0, m.start() - 6):m.start()].strip().lower().rstrip(".")
        if not unit and value <= 31 and (before[-3:] in MONTH_ABBR or before in MONTHS):
            continue
        if re.match(r"(?:st|nd|rd|th)\b", text[m.end():m.end() + 3], re.IGNORECASE):
            continue            # "County 13th Street" counts nothing
        if is_label(text, m.start(), raw):
            continue            # "Title 42", "COVID-19"
        if not ratios and _RATIO_AFTER.match(text, m.end()):
            continue            # "three times as many": a ratio, unless a comparison is asked
        out.add(value)
    vague = {fold(w) for m in re.finditer(r"\b(\w+) or (\w+)\b", text) for w in m.groups()}
    if not ratios:
        vague |= {fold(m.group(1)) for m in re.finditer(r"\b(\w+)(?=" + _RATIO_AFTER.pattern + ")", text)}
    for w in words(text):
        f = fold(w)
        if f in NUMBER_WORDS and f not in {"once", "one"} and f not in vague:    # not "one or two"
            out.add(float(NUMBER_WORDS[f]))
    return out


def is_year(value: float) -> bool:
    return 1900 <= value <= 2100 and value == int(value)


def years_of(published: str | None) -> set[float]:
    """Years an article can speak of without writing them: its publication year and the one before
    ("in March" in a May 2024 article is March 2024; "last year" in it is 2023)."""
    m = re.match(r"^(\d{4})", published or "")
    return {float(m.group(1)), float(m.group(1)) - 1} if m else set()


_WHERE_IS = re.compile(r"^\W*where (?:exactly |precisely )?(?:in [a-z. ]{2,20}? )?(?:is|was|are|were) "
                       r"(?:the|a|an|that|this) ((?:[a-z-]+ ){0,3}?)"
                       r"([a-z]{3,})(?: (?:that|which|where|who|to which)\b|\W*$)")
_LOCATED_AFTER = r"\s+(?:is |was |are |were )?(?:located |based |set up |built )?(?:in|on|at|near|inside|outside|along|across|" \
                 r"by|beside|next to|south of|north of|east of|west of|off)\b"


def located_thing(question: str) -> tuple[str, ...]:
    """The noun a "where is the X ..." question asks the place of, after the words that single it out ("where
    exactly is the Mexican government shelter that ..." -> mexican, government, shelter); () for none."""
    m = _WHERE_IS.search(fold(question))
    if not m or m.group(2) in STOPWORDS or _verb_like(m.group(2)):
        return ()       # "where was the press conference held" asks where an event was
    return (*m.group(1).split(), m.group(2))


def place_of_thing_unsaid(located: tuple[str, ...], text: str) -> bool:
    """Does the sentence fail to say where the thing asked is: it does not mention it as the question singles it
    out ("the largest private migrant shelter" is not "the Mexican government shelter"), or mentions it without a
    place ("... and then taken to a government shelter.")? A place after it ("the shelter in Juarez") or before it
    ("a Juarez shelter") says where."""
    *mods, noun = located
    f = fold(text)
    mentions = [m for m in re.finditer(rf"\b{re.escape(noun)}\w*\b", f)
                if not mods or set(map(stem, words(f[max(0, m.start() - 40):m.start()])[-3:])) & set(map(stem, mods))]
    if not mentions:
        return True

    def placed(m: re.Match) -> bool:
        before = text[max(0, m.start() - 40):m.start()].split()[-2:]
        return bool(re.match(_LOCATED_AFTER, f[m.end():])) or any(w[:1].isupper() and is_place([w]) for w in before)
    return not any(placed(m) for m in mentions)


def of_other_years(text: str, published: str | None) -> bool:
    """Does the text name years, none of them the year its article was published in ("in 2023" in 2024)?"""
    written = years_of(published)
    own = {n for n in hard_numbers(text) if is_year(n)}
    return bool(written and own and max(written) not in own)


def supports_numbers(wanted: Iterable[float], text: str, published: str | None = None) -> bool:
    """Every number of ``wanted`` appears in ``text``; a year may instead be implied by the article date
    (``years_of``), but only when the text names no year of its own ("11 flights in 2023" is not about 2024)."""
    have = numbers(text)
    own_years = {n for n in hard_numbers(text) if is_year(n)}
    for n in wanted:
        if number_supported(n, have):
            continue
        if is_year(n) and not own_years and n in years_of(published):
            continue
        return False
    return True


_RELATIVE_YEAR = {r"\bthis year\b|\bso far this year\b|\bearlier this year\b|\bthis (?:month|week)\b": 0,
                  r"\blast year\b|\ba year ago\b|\bthe previous year\b": -1, r"\bnext year\b": 1}


def asks_present(question: str) -> bool:
    """Does the question ask how things stand now ("how much does Mexico spend each year", "is Mexico asking"),
    naming no year and no past ("did", "was")?"""
    q = _us(fold(question))
    return (bool(re.search(r"\b(?:does|do|is|are)\b", q)) and not re.search(r"\b(?:did|was|were|had|used to)\b", q)
            and not has_year(question))


_OWN_TIME = re.compile(r"\b(?:current(?:ly)?|now|today|these days|this (?:year|month|week)|since then|recently|"
                       r"previously|earlier|later|at the time|until)\b", re.I)


def sets_own_time(text: str) -> bool:
    """Does a sentence without a date still set its own time ("Under current policies, ...", "Now ...")?"""
    return bool(_OWN_TIME.search(fold(text)))


def has_year(text: str) -> bool:
    """Does the text name a year ("in 2018")?"""
    return any(is_year(n) for n in hard_numbers(text))


def dated_years_before(sentence: str, published: str | None) -> bool:
    """Does the sentence date itself to a year well before the article ("In 2018, it reportedly wanted to pay
    ..." in a 2024 article), naming no later one?"""
    m = re.match(r"^(\d{4})", published or "")
    years = [int(n) for n in hard_numbers(sentence) if is_year(n)]
    return bool(m and years) and max(years) < int(m.group(1)) - 1


def dated_otherwise(wanted: Iterable[float], sentence: str, published: str | None) -> bool:
    """Does the sentence date itself, relative to the article ("This year, ...", "Early last year, ..."), to a
    year other than the one asked, while naming none? (A May 2024 article's "this year" is not 2023.)"""
    m = re.match(r"^(\d{4})", published or "")
    years = [n for n in wanted if is_year(n)]
    if not m or not years or has_year(sentence):
        return False
    base = int(m.group(1))
    said = {base + shift for pattern, shift in _RELATIVE_YEAR.items() if re.search(pattern, sentence, re.IGNORECASE)}
    return bool(said) and any(y not in said for y in years)


def supports_months(wanted: Iterable[int], text: str, published: str | None = None) -> bool:
    """Every month of ``wanted`` is named in ``text``, or implied by the article date when the text names none."""
    have = months(text)
    m = re.match(r"^\d{4}-(\d{2})", published or "")
    if m:       # "This month, 10,000 migrants were apprehended daily", in a December article: December
        now = int(m.group(1))
        if re.search(r"\bthis month\b", text, re.IGNORECASE):
            have.add(now)
        if re.search(r"\blast month\b", text, re.IGNORECASE):
            have.add((now - 2) % 12 + 1)
    for month in wanted:
        if month in have or (not have and m and int(m.group(1)) == month):
            continue
        return False
    return True


_DAY_DATE = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?!,?\d)")


def dated_in_other_month(wanted: Iterable[int], text: str) -> bool:
    """Does the text write out a date (with a day) only in months other than ``wanted``?"""
    said = dated_months(text)
    return bool(said) and not said & set(wanted)


def dated_months(text: str) -> set[int]:
    """The months of the dates written out with a day ("on May 27, 2023", "Dec. 30")."""
    out = set()
    for m in _DAY_DATE.finditer(text):
        f = fold(m.group(1))
        if f in MONTHS:
            out.add(MONTHS[f])
        elif f in MONTH_ABBR and m.group(1)[0].isupper():
            out.add(MONTH_ABBR[f])
    return out


def number_supported(value: float, evidence_numbers: set[float]) -> bool:
    return any(abs(value - e) <= 1e-6 * max(1.0, abs(e)) for e in evidence_numbers)


# --------------------------------------------------------------------------- names

_ABBREVIATED_TITLES = frozenset("mr mrs ms dr rev gov sen rep gen lt col sgt capt prof supt atty sec pres".split())


def names(text: str) -> set[str]:
    """Folded capitalised words and acronyms that are not the first word of a sentence or question words."""
    text = re.sub(r"\bU\.S\.(?:A\.)?", "US", strip_markers(text))
    text = re.sub(r"\bunited states\b", "US", text, flags=re.IGNORECASE)
    if _LEARNED.pattern_ci is not None:          # "Customs and Border Protection" -> CBP, as in the evidence
        text = _LEARNED.pattern_ci.sub(lambda m: _LEARNED.acronyms[fold(m.group(0))].upper(), text)
    out: set[str] = set()
    for sent in split_sentences(text):
        toks = list(_WORD.finditer(sent.text))
        for i, m in enumerate(toks):
            w = m.group()
            if not w[0].isupper():
                continue
            f = fold(w)
            if f in STOPWORDS or f in QUESTION_WORDS or f in MONTHS or f in WEEKDAYS or f in MONTH_ABBR:
                if not (w.isupper() and len(w) > 1):
                    continue
            if i == 0 and not (w.isupper() and len(w) > 1):
                continue
            if re.fullmatch(r"i(?:['’](?:m|ve|d|ll))?", f):
                continue                        # "For a paper I'm writing"
            if f.rstrip(".") in _ABBREVIATED_TITLES and sent.text[m.end():m.end() + 1] == ".":
                continue                        # "the Rev. Javier Calvillo": Rev. is a title
            f = re.sub(r"['’]s$", "", f)          # "AMLO's"
            alias = ALIASES.get(f, f)
            out.update(stem(a) for a in alias.split())
    # names typed in lower case ("who is amy fischer"): words the articles only ever write capitalised, and
    # places the articles may never mention ("how many live in canada", "at laredo or brownsville")
    for w in words(text):
        f = re.sub(r"['’]s$", "", fold(w))          # "denver's"
        if not w[0].isupper() and (f in _LEARNED.proper or (f in PLACE_NAMES and not _LEARNED.mentions(f))):
            out.update(stem(a) for a in ALIASES.get(f, f).split())
    folded = fold(text)
    out.update(stem(w) for phrase in _PLACE_PHRASES.findall(folded) for w in phrase.split()
               if len(w) > 2 and w not in STOPWORDS and not _LEARNED.mentions(w))  # "el paso": the articles know it
    return out


# Places a question may name in lower case that the articles never mention, not even as "Canadian" (countries,
# U.S. states, and large cities of North and Central America): the question then asks of somewhere else
# ("at laredo or brownsville"); words that are also common English words are left out
COUNTRY_NAMES = frozenset("""
afghanistan albania algeria andorra angola argentina armenia australia austria azerbaijan bahamas bahrain
bangladesh barbados belarus belgium belize benin bhutan bolivia bosnia botswana brazil brunei bulgaria burundi
cambodia cameroon canada colombia congo croatia cuba cyprus czechia denmark djibouti dominica ecuador egypt
eritrea estonia eswatini ethiopia fiji finland france gabon gambia germany ghana greece grenada guatemala
guyana haiti honduras hungary iceland india indonesia iran iraq ireland israel italy jamaica japan kazakhstan
kenya kiribati kosovo kuwait kyrgyzstan laos latvia lebanon lesotho liberia libya liechtenstein lithuania
luxembourg madagascar malawi malaysia maldives mali malta mauritania mauritius mexico micronesia moldova monaco
mongolia montenegro morocco mozambique myanmar namibia nauru nepal netherlands nicaragua niger nigeria norway
oman pakistan palau palestine panama paraguay peru philippines poland portugal qatar romania russia rwanda
samoa senegal serbia seychelles singapore slovakia slovenia somalia spain sudan suriname sweden switzerland
syria taiwan tajikistan tanzania thailand togo tonga tunisia turkmenistan tuvalu uganda ukraine uruguay
uzbekistan vanuatu venezuela vietnam yemen zambia zimbabwe china england scotland wales britain
""".split())
PLACE_NAMES = COUNTRY_NAMES | frozenset("""
alabama alaska arizona arkansas california colorado connecticut delaware florida hawaii idaho illinois indiana
iowa kansas kentucky louisiana maine maryland massachusetts michigan minnesota mississippi missouri montana
nebraska nevada ohio oklahoma oregon pennsylvania tennessee texas utah vermont virginia washington wisconsin
wyoming chihuahua sonora coahuila tamaulipas oaxaca chiapas yucatan tabasco veracruz jalisco michoacan guerrero
chicago houston phoenix philadelphia dallas austin denver seattle boston detroit nashville memphis baltimore
milwaukee albuquerque tucson fresno sacramento atlanta miami omaha oakland minneapolis tulsa cleveland
pittsburgh cincinnati orlando tampa laredo brownsville mcallen nogales yuma calexico tijuana mexicali juarez
reynosa matamoros monterrey guadalajara puebla tapachula acapulco cancun chihuahua hermosillo
""".split())
PLACE_PHRASES = ("new york", "new jersey", "new mexico", "north carolina", "south carolina", "north dakota",
                 "south dakota", "west virginia", "rhode island", "new hampshire", "el paso", "san diego", "san antonio",
                 "los angeles", "las vegas", "san francisco", "san jose", "fort worth", "del rio", "eagle pass",
                 "ciudad juarez", "mexico city", "nuevo laredo", "piedras negras", "guatemala city", "el salvador",
                 "costa rica", "dominican republic", "puerto rico", "south africa", "south korea", "north korea",
                 "new zealand", "saudi arabia", "united kingdom", "sri lanka", "sierra leone")
_PLACE_PHRASES = re.compile(r"\b(?:" + "|".join(PLACE_PHRASES) + r")\b")


_NAMES_PEOPLE = re.compile(r"\bnames? of (?:the |these |those |all )?(?:[\w-]+ ){0,3}?(?:men|women|people|persons|migrants|"
                           r"asylum[ -]seekers|seekers|officials|victims|children|individuals|males|returnees|"
                           r"detainees|deportees|guys)\b")


_SUBGROUP = re.compile(r"\b(?:how many of (?:the|these|those|them|all)|"
                       r"what (?:percent|percentage|share|proportion|fraction) of)\b[^?]*?"
                       r"\b(?:were|are|was|is|had been|have been)\s+([^?]{2,60}?)\W*$")


def subgroup_terms(question: str) -> tuple[str, ...]:
    """What the part a "how many of the six ... were cuban" question counts is (its content stems)."""
    m = _SUBGROUP.search(fold(question))
    return tuple(content_stems(normalise_aliases(m.group(1)))) if m else ()


def _places_mentioned(corpus_words: Iterable[str]) -> frozenset[str]:
    """The words of ``PLACE_NAMES`` and ``_PLACE_PHRASES`` that the corpus words name in some form ("canadian"
    names canada)."""
    by_prefix: dict[str, list[str]] = {}
    for w in corpus_words:
        by_prefix.setdefault(w[:3], []).append(w)
    candidates = PLACE_NAMES | {w for phrase in PLACE_PHRASES for w in phrase.split()}
    return frozenset(p for p in candidates if any(stems_match(p, w) for w in by_prefix.get(p[:3], ())))


def place_stems(text: str) -> frozenset[str]:
    """Stems of the places ``text`` names from ``PLACE_NAMES`` ("in el paso" -> el, paso)."""
    folded = fold(text)
    found = {stem(w) for phrase in _PLACE_PHRASES.findall(folded) for w in phrase.split()}
    return frozenset(found | {stem(fold(w)) for w in words(text) if fold(w) in PLACE_NAMES})


def _places_in(text: str) -> set[str]:
    """The places ``text`` puts something in ("living in the United States" -> {us}, "in El Paso" -> {el paso})."""
    f = normalise_aliases(text)
    out = set()
    for m in re.finditer(r"\bin (?:the )?([a-z]+(?: [a-z]+)?)", f):
        two = m.group(1)
        one = two.split()[0]
        if _PLACE_PHRASES.fullmatch(two):
            out.add(two)
        elif one in PLACE_NAMES or one == "us":
            out.add(one)
    return out


def placed_elsewhere(asked: Iterable[str], text: str) -> bool:
    """Does ``text`` put its figure in another place than those the question puts it in (``asked``), never naming
    them ("how many ... live in Canada": "38 million people ... living in the United States")?"""
    asked = set(asked)
    said = _places_in(text)
    folded = normalise_aliases(text)
    return bool(asked) and bool(said) and not asked & said and \
        not any(re.search(rf"\b{re.escape(p)}\b", folded) for p in asked)


_THING_HEADS = frozenset(stem(w) for w in "bridge bridges street streets river avenue road highway".split())


def names_person(name: str) -> bool:
    """Is a capitalised run (``person_like_names``) a person rather than a place or a thing ("Downtown El Paso",
    "the Stanton Street Bridge", "the United States")?"""
    ws = name.split()
    return not (is_place(ws) or only_place(name) or stem(fold(ws[-1])) in _THING_HEADS | _FACILITY_HEADS)


def only_place(name: str) -> bool:
    """Is the name a place and nothing else ("Downtown El Paso", "Mexico City"; not "Chihuahua State Population
    Council")?"""
    f = re.sub(r"^(?:downtown|north|south|east|west|northern|southern|eastern|western|central|greater)\s+", "",
               fold(name))
    f = re.sub(r"\s+(?:city|county)$", "", f)
    return f in PLACE_NAMES or bool(_PLACE_PHRASES.fullmatch(f))


def is_place(run: list[str]) -> bool:
    """Is the capitalised run a place: one of ``PLACE_NAMES`` ("Juarez", "El Paso") or a city so called
    ("Chihuahua City")?"""
    folded = fold(" ".join(run))
    return (any(fold(w) in PLACE_NAMES for w in run) or bool(_PLACE_PHRASES.search(folded))
            or fold(run[-1]) in ("city", "county") or normalise_aliases(folded) == "us")


_PLACE_STEMS = frozenset(stem(p) for p in PLACE_NAMES if " " not in p)


def names_place(name_stem: str) -> bool:
    """Is a question's name stem a place or its people ("venezuelan" for Venezuela)?"""
    return is_place([name_stem]) or covered(name_stem, _PLACE_STEMS)


_AGENT = re.compile(r"\b(?:did|has|have|does|do|will|would)\s+(?:the\s+)?([a-z]+)\s+(?:itself\s+|alone\s+)?[a-z]+|"
                    r"\b(?:was|were|is|are)\s+(?:the\s+)?([a-z]+)\s+[a-z]+ing\b")


def question_agent(question: str) -> str | None:
    """The country a "how many ... did X do" question asks to have done it: "how many flights has *Mexico* sent"."""
    m = _AGENT.search(normalise_aliases(question))
    agent = (m.group(1) or m.group(2)) if m else None
    return agent if agent in PLACE_NAMES or agent == "us" else None


def other_origin(agent: str, sentence: str) -> bool:
    """Does the sentence say the thing came from another country ("flights from the U.S. to Venezuela", asked
    of flights Mexico ran), never naming the one asked?"""
    f = normalise_aliases(sentence)
    origins = {m.group(1) for m in re.finditer(r"\bfrom (?:the )?([a-z]+)", f)} & (PLACE_NAMES | {"us"})
    return bool(origins) and agent not in origins and not covered(stem(agent), content_stems(f))


_COUNTRY_ACTORS = (("us", re.compile(r"(?<!\w)(?:border patrol|cbp|customs and border protection|ice|u\.s\.|us|"
                                     r"united states|american|federal)(?!\w)", re.IGNORECASE)),
                   ("mexico", re.compile(r"\bmexic(?:o|an)\b", re.IGNORECASE)))


def other_actor(agent: str, sentence: str) -> bool:
    """Is the figure of the sentence another country's doing: does what leads up to its first figure name only
    another country's agency ("In November, Border Patrol agents apprehended 191,000 ..." asked what Mexico
    interdicted)?"""
    if agent not in {country for country, _ in _COUNTRY_ACTORS}:
        return False
    m = _COUNT_WORD.search(sentence)
    lead = sentence[:m.start()] if m else sentence
    actors = {country for country, pattern in _COUNTRY_ACTORS if pattern.search(lead)}
    return bool(actors) and agent not in actors


def border_partners(text: str) -> frozenset[str]:
    """Whose border ``text`` speaks of: "its border with Guatemala" -> {guatemala}, "the US-Mexico border" ->
    {us, mexico}; directions ("the southern border") name no one."""
    f = normalise_aliases(text)
    known = names(text)
    out: set[str] = set()
    for m in re.finditer(r"\bborders? (?:with|between) (?:the )?([a-z]+)(?:(?: and|,) (?:the )?([a-z]+))?", f):
        out.update(stem(g) for g in m.groups() if g)
    for m in re.finditer(r"\b([a-z]+)(?: ?[-/ ] ?([a-z]+))? borders?\b", f):
        out.update(stem(g) for g in m.groups() if g and stem(g) in known)
    return frozenset(t for t in out if t not in _DIRECTIONS and (t == "us" or t not in STOPWORDS))


_DIRECTIONS = frozenset(stem(w) for w in """north south east west northern southern eastern western southwest
southwestern northeast northwest southeast""".split())


def other_border(asked: Iterable[str], sentence: str) -> bool:
    """Does the sentence speak of a border between others than the question names ("its northern border with
    the US" / "its border with Guatemala")?"""
    asked = set(asked)
    said = border_partners(sentence)
    return bool(asked and said and not any(covered(a, said) for a in asked))


_PERSON = re.compile(r"\b(?:(?:Mr|Mrs|Ms|Dr|Rev|Gov|Sen|Rep|Gen)\.\s+)?[A-Z][a-z\u00C0-\u024F'’-]+"
                     r"(?:\s+(?:[A-Z]\.\s+)?[A-Z][a-z\u00C0-\u024F'’-]+)+")


_ORG_WORDS = frozenset("""office department council protection report administration agency institute patrol service
committee commission ministry court house senate congress university news times post party bureau organization
association network center centre fund bank government police security protocols program initiative framework
""".split())


_ASKS_SPEAKER = re.compile(r"\bwho (?:said|says|told|tells|accused|warned|argued|claimed|stated|wrote|described|"
                           r"called|complained|criticized|criticised|reported|reports)\b|"
                           r"\bwho (?:was|were|is|are) the sources?\b")
# who a sentence quotes: "..., Fischer said.", "said Amy Fischer", "a senior Biden administration official told"
_SPEAKER_OF = re.compile(r"[”\"’],?\s+((?:[A-Z][\w’'.-]+\s+){0,3}[A-Z][\w’'-]+)\s+(?:said|says|added|told|wrote)\b|"
                         r"\b(?:said|says|added)\s+((?:[A-Z][\w’'.-]+\s+){0,3}[A-Z][\w’'-]+)|"
                         r"\b((?:an?|the|one)\s+(?:[\w.-]+\s+){0,4}?(?:official|officials|spokes(?:man|woman|person)|"
                         r"adviser|advisor|aide|officer|diplomat|source)s?)\s+(?:said|says|told|tells|added|reported)\b|"
                         r"\b((?:members|representatives|advocates|lawyers|activists|residents|witnesses|officials)"
                         r"\s+of\s+(?:[\w-]+\s+){1,5}?)(?:said|say|reported|told)\b")


def quoted_speakers(text: str) -> list[str]:
    """Who the sentence says spoke, as it names them: "Fischer", "a senior Biden administration official"."""
    return [next(g for g in m.groups() if g) for m in _SPEAKER_OF.finditer(strip_markers(text))]


# what gives a reason, a cause or a purpose: "why" is answered by a sentence that holds one
_REASON = re.compile(r"\b(?:because|since|due to|given|so that|in order to|as a result|results? of|reasons?|causes?|caused|"
                     r"amid|after|as|under (?:an? |the )?(?:[\w-]+ )?(?:pressure|threats?|orders?|duress|strain|terms|mandate|ruling|"
                     r"injunction|obligation)|fleeing|flee|fears?|feared|afraid|threat\w*|concern\w*|worr\w*|requir\w*|"
                     r"conditions?|would|could|can[’']t|cannot|unable|ineligible|pointing out|blam\w*|credit\w*|hurt|"
                     r"so large|so much|too|aim\w*|goal|purpose|intend\w*|seek\w*|wants?|wanted|prefer\w*|need\w*|"
                     r"hope\w*|believe\w*|argu\w*|opposed?|protect\w*|stem|help\w*|sidelined|overwhelm\w*|thanks to|"
                     r"owing|leads? to|led to|driven|forc\w+|left (?:[\w’'-]+ ){1,3}?with|legacy|result(?:ed|s)? in|pressure\w*|demand\w*|subject to|allow\w*|"
                     r"prevent\w*|avoid\w*|deter\w*|(?:stymied|blocked|stalled|held up|hampered|thwarted|derailed) by|"
                     r"to (?:stop|reduce|curb|keep|ensure|address|combat|fight|control|"
                     r"manage|support))\b", re.IGNORECASE)


def gives_reason(text: str, asked: Iterable[str] = ()) -> bool:
    """Does the text give a reason, cause or purpose ("because", "due to", "fleeing", "so that", "would")?
    "Mexico said it restarted deportations on Dec. 30" gives none. A word of a name ("Customs and Border
    *Protection*", "asylum *seekers*") is no reason, and with ``asked`` (the question's stems) neither is a
    reason clause that only says again what the question says."""
    text = strip_markers(text)
    asked = set(asked)
    for m in _REASON.finditer(text):
        word = m.group(0)
        if word[0].isupper() and m.start() > 0 and not re.search(r"(?:^|[.!?:;“\"(–—-])\s*$", text[:m.start()]):
            continue
        if word.lower() in ("seekers", "seeker"):
            continue
        if asked and word[0].islower() and covered(stem(word), asked) and " " not in word:
            continue            # "why did the policies fail to deter migrants": "failed to *deter*" is what is asked
        if word.lower() == "since" and _SINCE_WHEN.match(text, m.end()):
            continue            # "the largest group since the Biden administration restarted MPP": a time
        if word.lower() == "as" and (_AS_NOT_CAUSE_AFTER.match(text, m.end())
                                     or _AS_NOT_CAUSE_BEFORE.search(text, 0, m.start())):
            continue            # "failed to deter migrants, as evidenced by the record surge": evidence, not a cause
        if asked and not word.lower().startswith("under ") and _restates(text[m.end():], asked):
            continue            # ("under the court-ordered injunction" holds its cause itself)
        return True
    return False


def restates_as_reason(text: str, asked: Iterable[str]) -> bool:
    """Is what the question asks the reason for given as the reason of something else? "Why doesn't the app
    work south of Mexico City": "they can't use the app ... since the app doesn't work south of Mexico City"."""
    text = strip_markers(text)
    return any(_restates(text[m.end():], set(asked)) for m in _BECAUSE.finditer(text))


# "since" of time: "since the Biden administration restarted MPP", "since 2019", "since then"
_SINCE_WHEN = re.compile(r"\s+(?:(?:the|its|his|her|their|this|that|last|early|late)\s+)?(?:[\w’'.-]+\s+){0,4}?"
                         r"(?:(?:re)?start\w*|re-start\w*|began|begun|launch\w*|took office|introduc\w*|took effect|"
                         r"ended|then|\d{4}|" + _WEEKDAY_NAMES + "|" + "|".join(MONTHS) +
                         r"|(?:last|early|late) (?:year|month|week))\b", re.IGNORECASE)
_BECAUSE = re.compile(r"\b(?:because|since|due to|as|so that|given that|after)\b", re.IGNORECASE)
# "as" that compares, names, dates or cites: "as evidenced by", "such as", "known as", "as of", "as many as"
_AS_NOT_CAUSE_AFTER = re.compile(r"\s+(?:evidenced|shown|seen|noted|reported|described|stated|mentioned|indicated|"
                                 r"of|well|such|many|much|part|if|though|a result|far|soon|long|recently)\b|"
                                 r"\s+[\w’'. ]{0,40}?\b(?:is|are|was|were)\s+(?:\w+ly\s+)?(?:called|known)\b",
                                 re.IGNORECASE)     # "AMLO, as López Obrador is commonly called"
_AS_NOT_CAUSE_BEFORE = re.compile(r"\b(?:such|known|well|same|so|as \w+|referred to|described|seen|regarded|"
                                  r"serve[sd]?|serving|act(?:s|ed)?)\s+$", re.IGNORECASE)


def _restates(after: str, asked: set[str]) -> bool:
    """Does the clause starting ``after`` a reason word only say again what was asked (three or more of its
    content words, at least 0.6 of them, among ``asked``)?"""
    clause = re.split(r"[,;:!?“”\"()–—]", after, maxsplit=1)[0]     # not at "." ("Texas Gov. Greg Abbott")
    stems_ = content_stems(normalise_aliases(" ".join(clause.split()[:14])))
    hits = sum(1 for t in stems_ if covered(t, asked))
    return hits >= 3 and hits >= 0.6 * len(stems_)


def person_like_names(text: str) -> list[str]:
    """Runs of two or more capitalised words ("Santiago Rodriguez", "Rev. Javier Calvillo", "Greg Abbott"),
    not those of organisations ("Customs and Border Protection", "Border Report")."""
    out = []
    for m in _PERSON.finditer(strip_markers(text)):
        ws = m.group().split()
        # "Juarez Human Rights Office Director Santiago Rodriguez": the person follows the organisation
        org = [i for i, w in enumerate(ws) if fold(w) in _ORG_WORDS]
        if org:
            ws = ws[org[-1] + 1:]
        ws = [w for w in ws if fold(w).rstrip(".") not in MONTHS and fold(w) not in WEEKDAYS
              and fold(w) not in QUESTION_WORDS and fold(w) not in STOPWORDS]
        if len(ws) >= 2:
            out.append(" ".join(ws))
    return out


_MAY_MONTH = re.compile(r"\b(?:in|of|since|until|by|from|to|early|late|mid|last|this|next|through|between|and)\s+may\b|"
                        r"\bmay\s+\d", re.IGNORECASE)


def months(text: str) -> set[int]:
    out = set()
    for w in words(text):
        f = fold(w).rstrip(".")
        if f == "may" and not w[0].isupper() and not _MAY_MONTH.search(text):
            continue        # "a campaign that may hinge on ...": the verb, not the month
        if f in MONTHS:
            out.add(MONTHS[f])
        elif f in MONTH_ABBR and (w[:1].isupper() or f != "mar"):     # "the late dec visit", not "the mar"
            out.add(MONTH_ABBR[f])
    return out


def _us(folded: str) -> str:
    """"u.s." and "u. s." as the one word "us" (in folded text)."""
    return re.sub(r" {2,}", " ", re.sub(r"\bu\.\s?s\.?(?=\W|$)", " us ", folded))


def normalise_aliases(text: str) -> str:
    f = _us(fold(text))
    for k, v in ALIASES.items():
        if "." not in k:
            f = re.sub(rf"\b{re.escape(k)}\b", v, f)
    if _LEARNED.pattern is not None:
        f = _LEARNED.pattern.sub(lambda m: _LEARNED.acronyms[m.group(0)], f)
    for pattern, word in _TITLES + _PHRASES:
        f = pattern.sub(word, f)
    return f


# --------------------------------------------------------------------------- what the corpus teaches

class _Learned:
    """Facts about names read off the indexed articles (``learn_corpus``): spelled-out names of the
    acronyms they use ("Customs and Border Protection" = CBP, "Migrant Protection Protocols" = MPP), so a
    question with either form finds the other; and the words they only ever write capitalised (Juarez,
    Fischer), so a question typed in lower case still has names."""

    acronyms: dict[str, str] = {}
    pattern: re.Pattern | None = None
    pattern_ci: re.Pattern | None = None
    proper: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()    # words of ``PLACE_NAMES`` and ``_PLACE_PHRASES`` the articles use
    verbs: frozenset[str] = frozenset()     # stems of the words the articles inflect as verbs ("began", "registering")
    vocabulary: frozenset[str] = frozenset()    # every word they use, folded

    def mentions(self, place: str) -> bool:
        """Do the articles name the place in some form ("Canadian" for canada)?"""
        return place in self.places


_LEARNED = _Learned()
_ACRO = re.compile(r"\b[A-Z]{2,6}\b")
_CAP_PHRASE = re.compile(r"\b[A-Z][a-z]+(?:(?:\s+(?:and|of|for|on|the|de|del|la))?\s+[A-Z][a-z]+){1,5}")


_AKA = re.compile(r"\b([A-Z]{2,6}),?\s+(?:also\s+)?(?:known|referred to)\s+as\s+[“\"]([^”\"]{3,60})[”\"]")


def with_spellings(query: str) -> str:
    """``query`` plus the other spelling of each learned acronym it uses ("CBP" -> "... (Customs and Border
    Protection)"), for the search engines, which match words, not meanings."""
    if not _LEARNED.acronyms:
        return query
    folded = fold(query)
    extra = []
    for phrase, acronym in _LEARNED.acronyms.items():
        if re.search(rf"\b{re.escape(acronym)}\b", folded) and phrase not in folded:
            extra.append(phrase)
        elif phrase in folded and not re.search(rf"\b{re.escape(acronym)}\b", folded):
            extra.append(acronym.upper())
    return f"{query} ({'; '.join(extra)})" if extra else query


def learn_corpus(texts: Iterable[str]) -> None:
    """Learn acronym spellings and always-capitalised words from ``texts`` (replaces what was learned)."""
    texts = list(texts)
    acronyms_used: set[str] = set()
    cap: dict[str, int] = {}
    low: dict[str, int] = {}
    seen: set[str] = set()
    for text in texts:
        acronyms_used.update(_ACRO.findall(text))
        for sent in split_sentences(text):
            for i, m in enumerate(_WORD.finditer(sent.text)):
                w = m.group()
                if not w[0].isalpha():
                    continue
                f = fold(w)
                seen.add(f)
                if w[0].isupper():
                    if i > 0:
                        cap[f] = cap.get(f, 0) + 1
                else:
                    low[f] = low.get(f, 0) + 1
    spelled: dict[str, str] = {}
    for text in texts:
        for m in _CAP_PHRASE.finditer(text):
            ws = m.group().split()
            caps = [w for w in ws if w[0].isupper()]
            # the phrase itself, or its tail ("Chihuahua State Population Council" -> no; "U.S. Customs ...")
            for start in range(len(caps) - 1):
                initials = "".join(w[0] for w in caps[start:])
                if initials in acronyms_used:
                    phrase = fold(" ".join(ws[ws.index(caps[start]):]))
                    if initials.lower() not in ALIASES and phrase not in ALIASES \
                            and not set(ALIASES) & set(phrase.split()):   # the fixed aliases win
                        spelled[phrase] = initials.lower()
                    break
    # nicknames the articles give an acronym: "MPP, also known as “Remain in Mexico”"
    for text in texts:
        for m in _AKA.finditer(text):
            acronym, nickname = m.group(1), fold(m.group(2)).strip(" ,.")
            if acronym in acronyms_used and nickname not in ALIASES and len(nickname.split()) <= 6:
                spelled.setdefault(nickname, acronym.lower())
    _LEARNED.acronyms = spelled
    _LEARNED.vocabulary = frozenset(seen)
    _LEARNED.verbs = frozenset(stem(w) for w in seen
                               if w in _IRREGULAR or (len(w) > 5 and w.endswith(("ed", "ing"))))
    _LEARNED.places = _places_mentioned(seen)
    _LEARNED.pattern = (re.compile(r"\b(?:" + "|".join(re.escape(k) for k in sorted(spelled, key=len, reverse=True))
                                   + r")\b") if spelled else None)
    _LEARNED.pattern_ci = re.compile(_LEARNED.pattern.pattern, re.IGNORECASE) if _LEARNED.pattern else None
    _LEARNED.proper = frozenset(f for f, n in cap.items() if not low.get(f) and len(f) > 2
                                and f not in _TITLE_WORDS                     # "Mayor Brandon Johnson"
                                and f not in STOPWORDS and f not in QUESTION_WORDS and f not in MONTHS
                                and f not in WEEKDAYS and f not in MONTH_ABBR   # "Dec. 17"
                                and stem(f) not in ANSWER_KIND_WORDS)   # "Title 42": a "job title" is no name


# --------------------------------------------------------------------------- question analysis

@dataclass(frozen=True)
class QuestionTerms:
    numbers: frozenset[float]
    names: frozenset[str]
    content: tuple[str, ...]         # stems of content words (names included)
    months: frozenset[int]
    kind: str                        # "count" (how many/much), "when", "who", "where", "why", "other"
    weekdays: frozenset[str] = frozenset()   # "on Friday": the sentence about that day answers it
    focus: str | None = None         # the stem of the noun asked about: "which *bridge*", "what *program*"
    unit: str | None = None          # the kind of quantity asked: "#age" (how old), "#money", "#percent", ...
    speaker: frozenset[str] = frozenset()    # "what did *Amy Fischer* say": the name stems of who is quoted
    speaker_words: frozenset[str] = frozenset()  # every word describing them ("Amnesty International USA's ...")
    attribution: frozenset[str] = frozenset()  # "..., according to *NBC News*": names of the source, not the subject
    naming: bool = False             # asks what something is called ("what is the name of the practice ...")
    counted: str | None = None       # the stem of what a "how many" question counts ("how many *flights* ...")
    outcome: bool = False            # asks what happened ("did the talks end in a deal", "who won ...")
    winner: bool = False             # "who won the election": someone must be said to have won
    presence: bool = False           # "why was López Obrador in Chihuahua City": the purpose of being there
    photo: bool = False              # asks about a photo ("when was the file photo taken"): its date answers
    main: tuple[str, ...] = ()       # "when did X end MPP *before the court made it restart*": the stems of the
    #                                  question before a clause of another event ("end", not "restart")
    role: str | None = None          # the role a "which federal *judge*" question asks for
    exact_date: bool = False         # "on what date", "what day": a date written out, not "later this month"
    role_of: str | None = None       # whose role: "*Denver*'s mayor", "the mayor of *Denver*"
    qualifiers: frozenset[tuple[str, str]] = frozenset()   # "the *Trump* administration": (trump, administr)
    borders: frozenset[str] = frozenset()   # whose border: "its northern border with the US" -> {us}
    present: bool = False            # "how much does Mexico spend": now, not in 2018
    agent: str | None = None         # the country asked to have done it: "how many flights has *Mexico* sent"
    describes: bool = False          # "what kind of country": a description, not a name, answers
    asks_speaker: bool = False       # "who said ...": whoever the article says said it answers, named or not
    places: frozenset[str] = frozenset()    # stems of the places it names ("el paso" -> el, paso)
    names_people: bool = False       # "the names of the 20 men": people named, not "a Nicaraguan and a Colombian"
    subgroup: tuple[str, ...] = ()   # "how many of the six were *cuban*": what the part counted is
    asks_month: bool = False         # "in which month": a month must be named, beyond the question's own
    asks_known: bool = False         # "is it known how many ...": "It isn't known" is the answer
    specific: bool = False           # "what *specific* improvements": "several improvements" lists none
    lasting: str | None = None       # "how long did the *call* last": "the meeting lasted" is another thing
    compares: bool = False           # "how many *more* ... than a year ago": a ratio ("three times as many") answers
    total: bool = False              # "how many ... *in all of* 2023": a rate ("per month") does not answer
    expectation: bool = False        # "what are the figures *expected* to show": a forecast answers
    figures: bool = False            # asks for figures, not whether: "what were the April figures"
    contents_of: str | None = None   # "what steps were in *the plan*": its contents, not that there is one
    placed: frozenset[str] = frozenset()    # where it asks of: "in canada" -> {canada}
    dated: str | None = None         # "when was the CBP One *app* launched": what the date must be of
    event: "AskedEvent | None" = None   # "where did the men originally *cross*": the deed a date, place, reason is of
    quoted: tuple[str, ...] = ()     # "who said AMLO '*has a very ambitious agenda*'": words its passage must hold
    clock: bool = False              # "at what time on Friday": a time of day answers, not the day alone
    yes_no: bool = False             # "were any Venezuelans among the 20 men": its names must be in the answer
    month_events: frozenset[tuple[str, str]] = frozenset()   # "introduced in May": (begin, may)
    deed: str | None = None          # "how many has Mexico *bused*": what was done to what is counted
    in_month: bool = False           # asks the count of a month ("in December 2023"), not since or per month
    title: str | None = None         # a compound title asked for: "the *foreign minister*" (a prime minister is not)
    origin: bool = False             # "where ... *from*": a nationality ("a Colombian") says where from
    asks_saying: bool = False        # "when did he *say* ...": the day something was said answers
    calendar_date: bool = False      # "on what *date*": a date in the calendar, not a weekday ("on Wednesday")
    part: str | None = None          # "which city in *southern* Mexico": the part of the country asked about
    this_year: bool = False          # "so far *this year*": the year the article was written in
    located: tuple[str, ...] = ()    # "where is the *government shelter* ...": the thing whose place is asked,
    #                                  its modifiers first

    def said(self) -> "QuestionTerms":
        """The question without who is speaking ("what did Amnesty International USA's Amy Fischer say ..."):
        the attribution settles who; what is asked about their words is the rest."""
        if not self.speaker:
            return self
        rest = tuple(t for t in self.content if t not in self.speaker_words and t not in self.speaker)
        return replace(self, content=rest or self.content)


_MONEY_NOUNS = "budget|salary|salaries|cost|price|wage|wages|income|revenue|value|fine|bail|ransom|fee|fees"
_UNITS = (("#age", r"\bhow old\b|\bwhat age\b|\bage of\b"),
          ("#percent", r"\bwhat (?:percent|percentage|share|proportion|fraction)\b|\bhow many percent\b|"
                       r"\bwhat (?:[a-z-]+ )?(?:rates?|ratings?)\b|\b(?:approval|tariff|tax|unemployment) (?:rates?|ratings?)\b|"
                       r"\b(?:poll|polling) (?:numbers?|figures?|ratings?)\b"),
          ("#money", rf"\bwhat(?: (?:is|was|were|are|will be)|['’]s|s) (?:the |its |their |his |her )?"
                     rf"(?:[a-z'’-]+ ){{0,6}}?"
                     rf"(?:{_MONEY_NOUNS})\b|"
                     r"\bhow much (?:[a-z-]+ )?(?:money|funding|aid|cash)\b|"
                     r"\bhow much (?:did|does|do|is|are|was|were|will|would|has|have) .{1,80}? "
                     r"(?:cost|costs|pay|paying|spend|spending|spent|fund|funding|receive|get)\b|"
                     r"\bwhat (?:does|do|did|will|would) .{1,60}? (?:spend|pay)\b|"
                     r"\b(?:what|which) (?:dollar|money) (?:amount|figure|sum|value)\b|\bhow many dollars\b|"
                     r"\bhow much\b[^?]{0,60}\b(?:money|funding|funds|aid|budget|spending)\b|"
                     r"\bhow much (?:does|do|did|will|would) .{1,60} cost\b|\bwhat (?:was|is|were) the cost\b|"
                     r"\bwhat (?:did|does|do|will|would) (?:it|this|that|they) (?:actually |really )?cost\b"),
          ("#duration", r"\bhow long\b|\bfor how many (?:hours|days|weeks|months|years)\b"),
          ("#capacity", r"\bhow many [^?]{0,40}\b(?:can|could) [^?]{0,90}\b(?:hold|accommodate|house|fit|shelter)\b|"
                        r"\b(?:what is|what's) the capacity\b|\bcapacity of\b"),
          ("#nationality", r"\b(?:what|which) (?:countr(?:y|ies)|nationalit(?:y|ies)) (?:[a-z0-9-]+ ){0,14}?(?:from|of origin)\b|"
                           r"\b(?:what|which) nationalit(?:y|ies)\b|\bnationalit(?:y|ies) (?:of|were|was|are|is)\b|"
                           r"\bcountr(?:y|ies) of origin\b"))
_SAY = re.compile(r"\bwhat (?:warning|message|comment|remark|statement|response|reply|promise|prediction) "
                  r"(?:did|does|has|had) (.{2,60}?) (?:give|make|issue|offer|deliver|have)\b|"
                  r"\bwhat (?:did|does|do|has|have|had) (?!(?:an?|one|some|this|that|another|other|many|most|"
                  r"several|two|three)\b)(.{2,60}?) (?:say|said|tell|told|think|argue|warn|claim|predict|mean|describe|"
                  r"write|add)\b|^\W*(?:did|does|has|had) (?!(?:an?|one|some|any|anyone|anybody|the articles?)\b)(.{2,60}?) "
                  r"(?:say|tell|claim|warn|predict|announce|state|respond|reply|react)\b(?! (?:how|what|why|when|where|whether|if|who|which|"
                  r"anything)\b)|^\W*did (.{2,60}?) (?:make|issue|give|release) (?:any |a |an )?(?:public |official )?"
                  r"(?:statement|comment|remarks?)\b|\bhow did (.{2,60}?) (?:describe|respond|react|"
                  r"characteri[sz]e|explain)\b")


_ACCORDING = re.compile(r"\baccording to ([^,;?]{2,60})")


def question_attribution(question: str) -> frozenset[str]:
    """Name stems of the source a question cites ("according to NBC News" -> nbc, news)."""
    out: set[str] = set()
    for m in _ACCORDING.finditer(question):
        out |= names("x " + m.group(1))      # "x ": the first word of a text never counts as a name
    return frozenset(out)


_COUNT_STOP = frozenset("did do does were was are is have has had will would could can should might may in on at from to "
                        "into per that who which since during over under by for with across through than as".split())


# what lasted: "the call", "biden's end of december phone *call*"
_LASTING = r"(?:the |a |an |[\w'’.-]+['’]s )?(?:[\w-]+ ){0,5}?([a-z]+)"


def lasting_noun(question: str) -> str | None:
    """What a "how long did the *call* last" question asks the length of (its stem)."""
    q = fold(question)
    m = re.search(rf"\bhow long (?:did|does|will|would|was|is) {_LASTING}(?: with [^?]{{1,60}})? (?:last|take|run|go on)\b", q)
    if m is None:       # "how long was biden's late december phone call with amlo"
        m = re.search(rf"\bhow long (?:was|is|were|will be) {_LASTING}(?: with [^?]{{1,60}})?\W*$", q)
    return stem(m.group(1)) if m and m.group(1) not in STOPWORDS else None


_UNCOUNTED_MASS = frozenset("money funding time longer more less".split())


def counted_noun(question: str) -> str | None:
    """The stem of the noun a "how many" question counts: the last word of the phrase after "how many"
    ("how many fentanyl *seizures* did ...", "how many of the *migrants* Mexico stopped ...")."""
    mass = re.search(r"\bhow much ([a-z]{4,})\s+(?:did|does|do|has|have|had|is|was|were|are|will|would)\b", fold(question))
    if mass and mass.group(1) not in _UNCOUNTED_MASS:
        return stem(mass.group(1))      # "how much fentanyl has Mexico seized": "two countries" is no fentanyl
    m = re.search(r"\b(?:how many|what (?:was|is|were|are) (?:the |[a-z]+['’]s )?(?:total )?number of)\s+"
                  r"(?:of\s+(?:the|these|those|them)\s+)?((?:[\w'-]+\s+){0,3}[\w'-]+)", re.sub(r"\bU\.S\.(?:A\.)?", "US", question), re.IGNORECASE)
    if not m:
        return None
    phrase: list[str] = []
    for i, w in enumerate(m.group(1).split()):
        f = fold(w)
        # the phrase ends at a verb, a preposition or a name ("migrants *Mexico* stopped")
        if f in _COUNT_STOP or (f in STOPWORDS and not (i == 0 and w.isupper())) \
                or (i and (w[0].isupper() or f.endswith("ed") or f.endswith("ing") or f in _COMMON_VERBS
                           or stem(f) in LIGHT_WORDS)):      # "Hispanics *living* in the U.S."
            break
        phrase.append(f)
    if not phrase:
        return None
    head = content_stems(normalise_aliases(phrase[-1]))     # "how many ppl": people
    return head[-1] if head else None


_PEOPLE = frozenset(stem(w) for w in "people person migrant immigrant asylum seeker refugee male female women woman "
                    "adult individual family families child resident worker petitioner national entrant arrival crosser newcomer "
                    "applicant enrollee".split())


# people in general, whom a count of people of any description may count
_GENERIC_PEOPLE = frozenset(stem(w) for w in "people person migrant immigrant asylum seeker refugee individual "
                            "entrant arrival crosser newcomer applicant enrollee petitioner".split())


_COUNT_WORD = re.compile(r"(?<![\w.])(?:\d[\d,.]*|" + "|".join(w for w in NUMBER_WORDS if w not in ("once", "half"))
                         + r")(?:\s+(?:million|billion|thousand|hundred))?\b", re.IGNORECASE)


_META_NOUNS = frozenset("estimates figures numbers accounts reports statistics records sources counts "
                        "calculations projections".split())     # "7,500 by its estimates" counts no estimates


_IRREGULAR_PLURALS = frozenset("people men women children police personnel staff".split())


def _counted_plural(word: str) -> bool:
    """Is the folded word a plural noun a figure may count ("flights", "men"; not "its", "estimates")?"""
    return (len(word) > 3 and word.endswith("s") and not word.endswith("ss") or word in _IRREGULAR_PLURALS) \
        and word not in STOPWORDS and word not in _META_NOUNS


def counts_it(counted: str, text: str) -> bool:
    """Does a figure of ``text`` count what the question counts? A figure followed by another plural noun counts
    that ("11 total deportation flights" counts no Venezuelans); one followed by no plural noun, or by the
    counted noun (people for people: "20 adult males" for asylum seekers), may."""
    people = counted in _PEOPLE or bool(re.match(r".+(?:an|ian|ean|ese)$", counted))
    toks = list(_WORD.finditer(text))
    for m in _COUNT_WORD.finditer(text):
        if re.fullmatch(r"(?:19|20)\d\d", m.group()) or re.match(r"(?:st|nd|rd|th)\b", text[m.end():m.end() + 3]):
            continue            # a year, an ordinal
        if m.group()[0].isdigit() and is_label(text, m.start(), m.group()):
            continue            # "Title 42", "COVID-19"
        if text[max(0, m.start() - 1):m.start()] == "$" and counted not in ANSWER_KIND_WORDS:
            continue            # "$1.5 billion" counts no helicopters
        if re.match(r"\s*(?:%|percent\b)", text[m.end():m.end() + 9]):
            continue            # a share, not a count
        after = [fold(t.group()) for t in toks if t.start() >= m.end()][:4]
        nouns = [w for w in after if _counted_plural(w)]
        if not nouns and re.match(r"\s+(?:per|a|each|every)\s+(?:day|week|month|year)\b", text[m.end():m.end() + 16]):
            before = [fold(t.group()) for t in toks if t.end() <= m.start()][-16:]
            nouns = [w for w in reversed(before) if _counted_plural(w)][:1]    # "flights ..., but now one per week"
        if not nouns:
            return True
        st = _SYNONYM.get(stem(nouns[0]), stem(nouns[0]))
        if covered(counted, [st]) or (people and st in _PEOPLE) or st in TIME_STEMS and counted in TIME_STEMS:
            return True
    return False


def people_noun(counted: str, stems: Iterable[str]) -> bool:
    """Counting people in general ("asylum seekers", "migrants") is answered by a count of people of another
    description ("20 adult males") when the passage speaks of people at all; a group singled out ("children",
    "families", "women") is not."""
    return counted in _GENERIC_PEOPLE and any(covered(p, stems) for p in _PEOPLE)


_OUTCOME = re.compile(r"^\W*(?:did|has|have|had|was|were)\b|\bwho won\b|\bend(?:ed)? up\b|\bresult(?:ed)? in\b|"
                      r"\bwhat happened\b|\boutcome\b|\bin the end\b|\bfinal (?:vote|tally|count|decision|result|ruling)\b|\bwhat (?:was|were|is) the results?\b|"
                      r"\bwhat (?:[a-z]+ )?(?:came|comes|has come) (?:of|out of)\b|\b(?:came|come|comes) out of\b|\bresult(?:ed|s)? from\b|\bhow did .{2,60} (?:end|turn out)\b|"
                      r"\bwhat did .{2,60} (?:agree|decide|conclude|sign|approve|achieve|accomplish)\b", re.IGNORECASE)
_NOT_A_FACT = re.compile(r"\b(?:would|will|expected to|expects? to|plans? to|planning to|hopes? to|hoping to|prefer|"
                         r"preferred|called on|urged|wants? to|wanted|may|might|could|should|if|(?:(?:has|have) been|is|are|was|were) "
                         r"(?:debating|considering|discussing|negotiating|weighing)|pending|proposed)\b", re.IGNORECASE)


def asks_outcome(question: str) -> bool:
    """Does the question ask whether or how something turned out ("Did Congress end up approving ...?",
    "Who won the election?")? Not whether something was said ("Did CBP say it would expand ...?")."""
    return bool(_OUTCOME.search(question)) and not _ASKS_IF_SAID.search(question) and \
        not _ASKS_IF_CALLED.search(question)


_ASKS_IF_KNOWN = re.compile(r"^\W*(?:fact[ -]?check\W+)?(?:is it|was it|is anything) (?:known|clear|reported)\b|"
                            r"^\W*(?:do|does|did) (?:we|anyone|the articles?|nbc|they) (?:know|say|report)\b")
_ASKS_IF_SAID = re.compile(r"^\W*(?:did|has|have|had|was|were)\b[^?]{0,80}?\b(?:say|said|claim|claimed|announce|"
                           r"announced|report|reported|state|stated|tell|told|warn|warned|promise|promised|predict|"
                           r"predicted|suggest|suggested)\b", re.IGNORECASE)
# "did Lopez Obrador call on the US to create a visa": whether he asked for it (the subject's own verb: not "did the
# U.S. adopt the program López Obrador called for")
_ASKS_IF_CALLED = re.compile(r"^\W*(?:did|has|have|had)\s+(?:(?!to\b)[\w.’'-]+\s+){1,4}?(?<!['’]s )"
                            r"(?:call(?:ed)?\s+(?:on|for)|urged?|"
                            r"proposed?|ask(?:ed)?\s+for|demand(?:ed)?)\b", re.IGNORECASE)
# a label before the question: "For my essay: ...", "Students' question: ..."
_LABEL = r"(?:[^:?]{1,60}:\s+)?"
# how a question is framed: a label, "Fact check: ...", "Is it true that ..."
_FRAMING = re.compile(rf"^\W*{_LABEL}(?:fact[- ]?check(?:ing)?\W*)?"
                      r"(?:is it (?:true|correct|accurate|right|the case)(?: that)?|true or false\W*)?", re.IGNORECASE)
_YES_NO = re.compile(r"^\W*(?:is it true|is|are|was|were|did|does|do|has|have|had|can|could|will|would)\b",
                     re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:not|never|no longer|neither|nor|none)\b|n['’]t\b", re.IGNORECASE)


def yes_no_claim(question: str) -> str | None:
    """The claim a yes/no question checks ("Is it true that X?" -> "X"; "Did CBP say ...?" -> itself), or None
    for a question that asks for something else."""
    rest = _FRAMING.sub("", question, count=1)
    if not _YES_NO.match(rest):
        # "Fact check: did the U.S. approve ...?", "Fact check: the U.S. sends asylum-seekers back ..."
        framed = re.match(r"^\W*(?:is it (?:true|correct|accurate|right|the case)|true or false)|.*?\bfact[- ]?check",
                          question[:len(question) - len(rest)], re.IGNORECASE)
        if not (framed and rest.strip() and not _WH.match(fold(rest.strip()))):
            return None
    return rest.strip() or None


_HEDGE = re.compile(r"\b(?:wants?|wanted|plans?|planned|hopes?|hoped|intends?|intended|proposed?|expected|likely) to\b|"
                    r"\b(?:reportedly|allegedly|would|could|might|one of the|called on|urged)\b", re.IGNORECASE)


def hedged(text: str) -> bool:
    """Does the text say something may, would or was meant to happen, or that it is one of several ("it reportedly
    wanted to pay Mexico $20 million", "one of the top one or two nationalities"), rather than that it did?"""
    return bool(_HEDGE.search(text))


# a claim about what was meant, not done: "is it true that CBP *expects* April's figures to show a spike?"
_ASKS_INTENT = re.compile(r"\b(?<!the )(?<!'s )(?<!’s )(?<!a )(?<!an )(?<!his )(?<!her )(?<!its )(?<!their )"
                          r"(?:expect\w*|plans?(?=\s+(?:to|on)\b)|plann\w+|want\w*|wish\w*|hope\w*|intend\w*|propos\w*|"
                          r"forecast\w*|predict\w*|project\w*|seek(?!ers?\b)\w*|aim\w*)",
                          re.IGNORECASE)     # not "López Obrador's proposed plan", "asylum-seekers"


# a clause of another event, after what the question asks: "... before the court order made it restart MPP"
_OTHER_EVENT = re.compile(r"\s(?:before|after|until|once)\s+(?:the\s+|it\s+|they\s+|he\s+|she\s+)?[a-z]", re.IGNORECASE)


# "where are they from?", "where did they come from, according to ...": not "where do flights from the U.S. land"
_ASKS_ORIGIN = re.compile(r"\bwhere\b.*\b(?:from|originate\w*)(?: (?:originally|first|initially))?(?:\W*$|\s*[,?])|"
                          r"\bfrom where\b")


def main_clause_stems(question: str, kind: str) -> tuple[str, ...]:
    """For a "when did" / "why did" question whose event is followed by a clause of another ("when did the Biden
    administration first end MPP before the court order made it restart the program?"), the stems of the
    question before that clause; () when there is none."""
    if kind not in ("when", "why") or not re.match(rf"^\W*{_LABEL}(?:when|why)\s+(?:did|does|do|was|were|is|are|has|have|had)\b",
                                                   _FRAMING.sub("", question).strip(), re.IGNORECASE):
        return ()
    m = _OTHER_EVENT.search(question)
    if m is None:
        return ()
    head = _FRAMING.sub(" ", question[:m.start()])
    return tuple(dict.fromkeys(content_stems(normalise_aliases(head))))


_ASKS_PRESENCE = re.compile(r"^[Ww]hy (?:(?:was|were|is|are) [A-Z][\w .'’-]{1,60}? (?:in|at)|"
                            r"did [A-Z][\w .'’-]{1,60}? (?:go to|travel to|fly to|come to|visit)) [A-Z]")
# what brings someone somewhere: "to attend a summit", "for talks"
_PURPOSE_OF_VISIT = re.compile(r"\b(?:to (?:attend|visit|meet|hold|speak|address|tour|inaugurate|open|sign|announce|"
                               r"launch|deliver|give|lead|join|mark|celebrate|discuss)|for (?:a|an|the|his|her|their) "
                               r"(?:[\w-]+ )?(?:visit|meeting|conference|summit|event|tour|ceremony|rally|talks|trip|"
                               r"speech|inauguration|signing))\b", re.IGNORECASE)


def gives_purpose_of_visit(text: str) -> bool:
    """Does the text say what brought someone somewhere ("in Chihuahua City *to inaugurate* a hospital")?"""
    return bool(_PURPOSE_OF_VISIT.search(text))


def says_won(text: str) -> bool:
    """Does the text say someone won ("who won the election": "Biden win re-election" is a wish, not a win)?"""
    return bool(re.search(r"\b(?:won|wins|winner|victory|victorious|elected|defeated|beat)\b", text, re.IGNORECASE))


def claims_intent(claim: str) -> bool:
    """Does the claim itself say something was wanted, planned or expected (see ``hedged``)? "Did Mexico
    *actually* receive the $20 million the administration wanted to pay?" asks what happened."""
    if re.search(r"\b(?:actually|really|in fact|ever|truly)\b", claim, re.IGNORECASE):
        return False
    starts = [m.start() for m in (_HEDGE.search(claim), _ASKS_INTENT.search(claim)) if m is not None]
    if starts and len(words(_AUX_START.sub("", claim[:min(starts)]))) <= MAX_INTENT_POSITION:
        return True     # "did Mexico *plan* to ...", not "did Mexico accept the $20 million the administration
        #                 reportedly wanted to pay" (a clause of the object)
    # "did López Obrador ask the US to lift sanctions" asks about a request ("did the U.S. lift sanctions *as*
    # López Obrador demanded" about the lifting)
    m = _ASKS_REQUEST.search(claim)
    return bool(m) and not _SUBORDINATOR.search(claim, 0, m.start())


MAX_INTENT_POSITION = 5
_AUX_START = re.compile(r"^\W*(?:is|are|was|were|did|does|do|has|have|had|can|could|will|would)\s+", re.IGNORECASE)
_ASKS_REQUEST = re.compile(r"\b(?:ask\w*|urg\w+|call\w* (?:up)?on|request\w*|demand\w*|press\w* for)\b", re.IGNORECASE)
_SUBORDINATOR = re.compile(r"\b(?:as|after|when|because|since|before|once|following|which|that|like)\b", re.IGNORECASE)


def claim_subject(claim: str) -> frozenset[str]:
    """The name stems of the person a yes/no claim is about, as its first words give them ("Is it true that
    *Justin Trudeau* agreed ...", "did *López Obrador* ask ..."): two or more capitalised words that name a
    person; empty otherwise (an agency, a country, a day, a lower-case name)."""
    head = words(_AUX_START.sub("", claim.strip()))[:3]
    run = []
    for w in head:
        if not w[0].isupper() or len(w) < 2 or w.isupper() or fold(w) in STOPWORDS or fold(w) in WEEKDAYS:
            break
        run.append(w)
    if len(run) < 2 or not names_person(" ".join(run)):
        return frozenset()
    return frozenset(stem(fold(w)) for w in run)


def hedged_first(text: str, claim: str) -> bool:
    """Is ``text`` hedged (see ``hedged``) before it says any of the claim's words: "it reportedly wanted to pay
    Mexico $20 million" (the payment is only wanted), not "the newspaper reported unrest Sunday ..., as lawyers
    explained that the group would ..." (the unrest is reported as a fact)?"""
    hedge = _HEDGE.search(text)
    if hedge is None:
        return False
    capitalised = {stem(fold(w)) for w in words(claim) if w[0].isupper()}    # names, the first word's too
    said = {t for t in content_stems(normalise_aliases(claim)) if t not in LIGHT_WORDS} - names(claim) - capitalised
    first = next((m.start() for m in _WORD.finditer(text)
                  if content_stems(normalise_aliases(m.group())) and
                  covered(content_stems(normalise_aliases(m.group()))[0], said)), len(text))
    return hedge.start() <= first


def offers_choice(claim: str) -> bool:
    """Is the yes/no question a choice ("is it only in El Paso *or* other places too?")?"""
    return bool(re.search(r"\bor\b", claim, re.IGNORECASE))


def same_polarity(claim: str, sentence: str) -> bool:
    """Do the claim and the sentence both deny, or both not ("does not release" / "do not publicly release")?"""
    return bool(_NEGATION.search(claim)) == bool(_NEGATION.search(sentence))


def not_a_fact(text: str) -> bool:
    """Does the sentence speak of what was expected, wanted or asked for ("are expected to continue talks",
    "called on the U.S. to approve", "would prefer that Biden win") rather than of what happened, or ask
    it ("Why not implement – immediately – a temporary worker visa program?” he said)?"""
    return bool(_NOT_A_FACT.search(text) or re.search(r"\?[”\"’']?(?:\s|$)", text))


# who the name is used by, framing the question ("the other name *people use* for MPP"), no part of what is asked
_NAME_USERS = r"(?:people|they|most|many|some|others|officials|critics|advocates|the public) (?:use|give|call it|know it by)"


def asks_name(question: str) -> bool:
    """Does the question ask what a thing is called ("what was the practice called", "the name of the
    agreement")? (Not a person's name: that is a "who" question.)"""
    q = fold(question)
    return bool(re.search(r"\b(?:is|was|are|were)\b.{0,140}\b(?:called|known as|named|dubbed)\s*\??$|"
                          r"\b(?:is|was|are|were) (?:the |this |that )?[a-z-]+(?: [a-z-]+)? (?:called|known as)\b|"
                          rf"\b(?:what (?:is|was|were|are)|what['’]?s) (?:the |its |their |another |an )?(?:other |another |real |official |full |formal |nick)?names? (?:{_NAME_USERS} )?(?:of|for|to|given to)\b|"
                          r"\bwhat (?:is|was) .{0,40} term\b|"
                          r"\bwhat(?:['’]?s| is| was| are) (?:it|this|that|they) (?:called|known as|named)\b", q))


def question_unit(question: str) -> str | None:
    """The kind of quantity a "how ..." question wants ("how old" -> "#age"), if it names one."""
    q = fold(question)
    for unit, pattern in _UNITS:
        if re.search(pattern, q):
            return unit
    return None


def question_speaker_words(question: str) -> frozenset[str]:
    """Content stems of the whole "X" of "what did X say" ("Amnesty International USA's Amy Fischer")."""
    m = _SAY.search(fold(question))
    if not m:
        return frozenset()
    return frozenset(content_stems(normalise_aliases(next(g for g in m.groups() if g))))


def question_speaker(question: str) -> frozenset[str]:
    """Name stems of the person a "what did X say ..." question asks about (empty if it asks no such thing)."""
    m = _SAY.search(fold(question))
    if not m:
        return frozenset()
    who = next(g for g in m.groups() if g)
    # the names of the question that fall inside the "X" of "what did X say" ("the Amnesty official": Amnesty;
    # "the U.S. official" names nobody)
    found = frozenset(n for n in names(question) if re.search(rf"\b{re.escape(n)}", normalise_aliases(who)))
    return found if found - {"us", "mexico"} else frozenset()


_ASKS_CLOCK = re.compile(r"\b(?:what|which) (?:time|hour)\b(?! (?:period|frame|span|limit))|\bwhat time of day\b")
_CLOCK = re.compile(r"\b(?:morning|afternoon|evening|night|overnight|noon|midday|midnight|dawn|dusk|"
                    r"o['’]clock|[ap]\.m\.|[ap]m)\b|\b\d{1,2}:\d{2}\b", re.IGNORECASE)


def tells_time_of_day(text: str) -> bool:
    """Does the text say a time of day ("late Friday morning", "at 9 a.m.")?"""
    return bool(_CLOCK.search(text))


# a phrase a question quotes: 'has a very ambitious agenda', “this mission will not last” (an apostrophe inside a
# word, "AMLO's", opens none)
_QUOTED = re.compile(r"(?:(?<=\s)|^)['‘\"“]([^'’\"”]{6,120}?)['’\"”](?=[\s?.,!;:]|$)")


def quoted_words(question: str) -> tuple[str, ...]:
    """Content stems of the phrases a question quotes, which the answer's passage must hold: "who said AMLO
    'has a very ambitious agenda'" is answered where that is said."""
    return tuple(dict.fromkeys(st for m in _QUOTED.finditer(strip_markers(question))
                               for st in content_stems(normalise_aliases(m.group(1)))))


_WH = re.compile(r"\b(?<!even )(?<!only )(?<!except )(?<!especially )(?<!just )"
                 r"(what|which|who|whom|whose|when|where|why|how)(?:s\b|\b)(?! asked\b)")   # "whats", "hows" typed;
# "... even when they show credible fear", "respond when asked for comment": a conjunction, not a question word
_QUANTITY_NOUN = re.compile(rf"\bwhat (?:[a-z-]+ )?(?:rate|percentage|amount|total|budget|salary|price)\b(?! of)|"
                            rf"\bwhat (?:is|was|were|are|will be) (?:the |its |their |his |her )?(?:[a-z'’-]+ ){{0,2}}"
                            rf"(?:{_MONEY_NOUNS}|population|total|toll|size|rate|rating|capacity|number|amount|figure|tally)\b")


# "what was the (stated) purpose behind launching X": why X was launched
_REASON_NOUN = re.compile(r"\bwhat (?:is|was|were|are) (?:the |their |its )?(?:stated |main |official |real |declared )?"
                          r"(?:reason|cause|purpose|goal|aim|motive|rationale|objective)s?\b(?: (?:behind|of|for)\b)?")


def question_kind(question: str) -> str:
    q = _us(fold(question))
    if _ASKS_IF_KNOWN.search(q):
        return "other"          # "is it known how many ... are deported?": whether, not how many
    if re.match(rf"^\W*{_LABEL}(?:who|whom|whose)\b", q) and re.search(r",[^,]*\bhow (?:many|much)\b", q):
        return "who"            # "who directs the office, cited on how many returnees ...": who, not how many
    if re.search(r"\bhow (many|much)\b|\bwhat (percent|percentage|share|proportion|number|amount|sum|figure)\b|"
                 r"\bhow (large|big|long|far|old|often)\b", q) or _QUANTITY_NOUN.search(q):
        return "count"
    # the first question word decides: "where was he *when* he said ..." asks where; "the people *who* came"
    # is a relative clause of a "what" question
    first = _WH.search(q)
    word = first.group(1) if first else ""
    if word in ("where", "when") and re.match(rf"^\W*{_LABEL}(?:did|does|do|is|are|was|were|has|have|had|can|could|will|would|should)\b", q):
        return "other"          # "did he say it must be tackled where migrants come from?" asks whether
        #                         ("did they respond when asked for comment": whether, not when)
    if word in ("when", "where", "why"):
        return word
    if word in ("who", "whom", "whose"):
        # "who is Santiago Rodriguez?" asks what the named person is, not for a name
        m = re.match(r"^\W*who\s+(?:is|was|are|were)\s+(.+?)\W*$", question.strip(), re.IGNORECASE)
        if m and content_stems(normalise_aliases(m.group(1))) and all(
                covered(t, names(m.group(1) + " x") | names("x " + m.group(1)))
                for t in content_stems(normalise_aliases(m.group(1)))):
            return "other"
        return "who"
    if re.search(r"\b(what|which) (year|month|day|date)\b", q):
        return "when"
    if re.search(r"\bwhich (?:[a-z-]+ )?(?:lawyer|attorney|official|judge|mayor|governor|senator|reporter|journalist|"
                 r"expert|analyst|activist|doctor|advocate|leader|minister|secretary)s\b", q) or \
            re.search(rf"\bwhich ([a-z-]+ )?({_PERSON_NOUNS})\b|"
                 rf"\bname of (the |a |an |this |that )?([a-z'’-]+ ){{0,3}}({_PERSON_NOUNS})\b", q):
        return "who"
    if re.search(r"\bhow come\b|\bfor what reason\b", q) or _REASON_NOUN.search(q):
        return "why"
    return "other"


_PERSON_NOUNS = ("official|person|president|secretary|mayor|director|leader|governor|minister|spokesman|spokeswoman|"
                 "spokesperson|photographer|reporter|journalist|man|woman|asylum seeker|migrant|advocate|judge|"
                 "senator|ambassador|commissioner|chief|head|lawyer|attorney|expert|analyst|activist|doctor|member|lawmaker|"
                 "legislator|congressman|congresswoman")
_TITLE_WORDS = frozenset(_PERSON_NOUNS.split("|")) | frozenset(
    "mr mrs ms dr rev gov sen rep gen prime vice deputy assistant general attorney reverend prof sir".split())
# words that end the noun phrase after "which/what": a verb ("which official *did*") or a pronoun starting a
# clause ("according to what *they* told reporters" asks no reporter)
_AUX = r"(?!(?:did|does|do|is|was|were|are|has|have|had|will|would|can|could|i|you|he|she|it|we|they)\b)"
_ROLE = re.compile(rf"\b(?:which|what)\s+(?:{_AUX}[a-z'’-]+\s+){{0,3}}?({_PERSON_NOUNS})s?\b|"
                   rf"\bwho(?:'s|’s| is| was| are| were)\s+(?:the|a|an)\s+(?:[a-z'’-]+\s+){{0,3}}?({_PERSON_NOUNS})s?\b|"
                   rf"\bname of (?:the |a |an |this |that )?(?:[a-z'’-]+ ){{0,3}}?({_PERSON_NOUNS})\b")
# roles any titled person fills ("which two leaders" -> "President Biden and Prime Minister Justin Trudeau")
_GENERIC_ROLES = frozenset(stem(w) for w in "leader official head chief person man woman".split())
_TITLED = re.compile(r"\b(?:President|Prime Minister|Secretary|Mayor|Gov\.|Governor|Sen\.|Senator|Rep\.|Minister|"
                     r"Director|Judge|Ambassador|Chief|Rev\.|Commissioner|Chancellor|King|Queen|General)\s+[A-Z]")


# offices that make someone an "official" ("Amy Fischer, director of refugee and migrant rights at ...")
_OFFICE_STEMS = frozenset(stem(w) for w in "president secretary mayor director leader governor minister spokesman "
                          "spokeswoman spokesperson judge senator ambassador commissioner chief head".split())


def fills_role(role: str, text: str, stems: Iterable[str]) -> bool:
    """Does the passage name someone in the role asked ("which federal *judge*")? A generic role ("which
    leaders") is filled by anyone with a title ("President Biden") or an office ("..., director of ...");
    a president by "George W. Bush's administration"."""
    if term_covered(role, stems) or (role == _PRESIDENT and _ADMINISTRATION_OF.search(text)):
        return True
    return role in _GENERIC_ROLES and (bool(_TITLED.search(text)) or any(o in _OFFICE_STEMS for o in stems))


_PRESIDENT = stem("president")
_ADMINISTRATION_OF = re.compile(r"\b[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*(?:['’]s)?\s+administration\b")


def question_role_of(question: str) -> str | None:
    """The name that qualifies the role asked: "Denver's mayor", "the mayor of Denver", "the Denver mayor"."""
    f = fold(_ATTRIBUTION_CLAUSE.sub(" ", question))
    role = question_role(f)
    if role is None:
        return None
    known = names(question)
    for pattern in (rf"\b([a-z]+)['’]s (?:[a-z-]+ )?{role}\w*", rf"\b{role}\w* of (?:the )?([a-z]+)",
                    rf"\bthe ([a-z]+) {role}\w*", rf"\b([a-z]+)s (?:[a-z-]+ )?{role}\w*",   # "denvers mayor"
                    rf"\bthe [a-z]+ ([a-z]+) {role}\w*"):   # "the new york mayor"
        m = re.search(pattern, f)
        if m and (stem(m.group(1)) in known or m.group(1) in _LEARNED.proper) and m.group(1) not in _TITLE_PARTS:
            return stem(m.group(1))
    return None


# words of compound titles, not the place a role belongs to ("Secretary of *State*", "Homeland Security Secretary")
_TITLE_PARTS = frozenset("state homeland security defense foreign interior health justice treasury human rights "
                         "cabinet federal national public senior deputy assistant".split())


_TITLE_STEMS = frozenset(stem(w) for w in _TITLE_WORDS)


def is_title(word: str) -> bool:
    """A title or role rather than a name ("President", "Mayor", "Rev.")."""
    return fold(word).rstrip(".") in _TITLE_WORDS


def question_role(folded_question: str) -> str | None:
    """The role a "which ... judge/mayor/official" question asks for (its stem), if any."""
    m = _ROLE.search(_us(folded_question))
    if not m:
        return None
    role = m.group(1) or m.group(2) or m.group(3)
    return None if role in ("man", "woman", "person", "migrant", "asylum seeker") else stem(role)


_FOCUS = re.compile(r"\b(?:which|what(?:['’]?s)?)\s+(?:(?:was|were|is|are)\s+)?(?:the\s+)?"
                    r"(?:name\s+(?:of|for)\s+(?:the\s+|a\s+|an\s+)?)?"
                    r"((?:[a-z][a-z'’-]*\s+){0,5}[a-z][a-z'’-]*)")
_COMMON_VERBS = frozenset("came went said made took gave got led ran won began brought told met held sent saw paid set "
                          "left kept put lost found wrote become became show shows showed".split())


def _verb_like(word: str) -> bool:
    """Does a question word after a name look like its verb ("biden *backed*", "biden *has*")?"""
    return word in STOPWORDS or word in _COMMON_VERBS or word.endswith("ed") or stem(word) in LIGHT_WORDS


def question_focus(folded_question: str) -> str | None:
    """The stem of the noun a which/what question asks about, the head of its noun phrase: "which bridge ..."
    -> bridge, "which big-city mayor ..." -> mayor, "which other border cities will ..." -> city; None when
    there is none ("what did ...")."""
    m = _FOCUS.search(folded_question)
    if not m:
        return None
    # "which *southern* Mexican city": a part of the country (``part_of_country``), not the thing asked; "which
    # *U.S.* city" (normalised "us")
    ws = re.sub(r"^(?:(?:other|another|two|three|exact|specific|us|(?:north|south|east|west)(?:ern)?|central)\s+)+", "",
                m.group(1))
    ws = re.sub(r"^(?:kind|type|sort|form)s?\s+of\s+", "", ws + " ").split()     # "what kind of visa program"
    phrase: list[str] = []
    for i, w in enumerate(ws):
        # the phrase ends at a verb or a function word ("which bridge *did*", "what agreement *came*")
        if w in STOPWORDS or w in QUESTION_WORDS or w in _COUNT_STOP or w in _COMMON_VERBS or \
                (i and (w.endswith("ed") or stem(w) in LIGHT_WORDS or w in _NP_OPENERS)):
            break
        if i and w.endswith("s") and not w.endswith("ss") and i + 1 < len(ws) and \
                ws[i + 1] in ("the", "a", "an", "its", "their", "his", "her"):
            break       # "which airline *operates* the flights": a verb before its object
        if phrase and re.sub(r"['’]s$", "", w) in _LEARNED.proper and any(p not in _LEARNED.proper for p in phrase) and \
                (i + 1 == len(ws) or _verb_like(ws[i + 1]) or re.search(r"['’]s?$", w)):
            break       # "the immigration reform bill *biden* backed" (but "which el paso bridge", "which border
            #             patrol sector" go on; "what stopped *biden's* bill")
        phrase.append(w)
    if not phrase or len(phrase[-1]) < 3:
        return None
    head = stem(re.sub(r"['’]s$", "", phrase[-1]))
    return _SYNONYM.get(head, head)


# "According to one U.S. official, ...", "Per Mexico's president, as reported by Border Report, ...": who says it,
# which the passage's own sentence rarely repeats (its names must still be in the articles: see ``names``)
_ATTRIBUTION_CLAUSE = re.compile(r"(?:^|(?<=[,;]))\s*(?:according to|per|as reported by|as reported in|reported by|"
                                 r"citing|as told to)\s+[^,;?]{2,80}?(?=[,;?]|$)", re.IGNORECASE)


def question_terms(question: str) -> QuestionTerms:
    q = _WASHINGTONS.sub("U.S.", strip_markers(question))     # "Washington's dirty work": the country's
    folded = normalise_aliases(q)
    content = tuple(dict.fromkeys(content_stems(normalise_aliases(_ATTRIBUTION_CLAUSE.sub(
        " ", _FRAMING.sub(" ", re.sub(rf"(?<=\bname ){_NAME_USERS}\b", " ", q, flags=re.I)))))))
    naming = asks_name(q)
    kind = question_kind(q)
    role = question_role(fold(_ATTRIBUTION_CLAUSE.sub(" ", q)))      # not who is cited
    if naming and role is None:
        # "what's the other name for MPP": a name given answers, the word "name" need not (the name of a person
        # asked by role, "the name of the official who said ...", still needs the rest of the question)
        content = tuple(t for t in content if t != "name") or content
    reason_noun = _REASON_NOUN.search(_us(fold(q))) if kind == "why" else None
    if reason_noun:
        # the form of the question: "the stated purpose behind" is "why"
        form = {stem(w) for w in words(reason_noun.group())}
        content = tuple(t for t in content if t not in form) or content
    if re.search(r"\bhow often\b", fold(q)):
        content = tuple(t for t in content if t != "often") or content     # the form of the question, as "how many"
    # "which 3 cities": how many things the answer lists, not a figure the passage must hold
    counted_answer = re.sub(r"\b((?:which|what)\s+)\d(?=\s+[A-Za-z])", r"\1", q, flags=re.IGNORECASE)
    return QuestionTerms(numbers=frozenset(hard_numbers(counted_answer)), names=frozenset(names(q)),
                         content=content, months=frozenset(months(q)), kind=kind, weekdays=weekdays_in(q),
                         focus=question_focus(folded), unit=question_unit(q), speaker=question_speaker(q),
                         speaker_words=question_speaker_words(q),
                         attribution=question_attribution(q), naming=naming,
                         counted=counted_noun(q), outcome=asks_outcome(q),
                         winner=bool(re.search(r"\bwho (?:won|wins|will win|is winning)\b", fold(q))),
                         main=main_clause_stems(q, kind),
                         photo=bool(re.search(r"\b(?:photo|photograph|picture|image|caption)s?\b", fold(q))),
                         presence=bool(_ASKS_PRESENCE.match(_FRAMING.sub(" ", q).strip())),
                         role=role,
                         exact_date=bool(re.search(r"\b(?:what|which|exact) (?:exact )?(?:date|day|month|year)\b",
                                                   fold(q))),
                         role_of=question_role_of(q), total=bool(_TOTAL.search(fold(q)) and not _RATE.search(q)),
                         expectation=bool(_EXPECTATION.search(fold(q))), qualifiers=qualifiers(q),
                         asks_month=bool(re.search(r"\b(?:what|which) month\b", fold(q))),
                         asks_known=bool(_ASKS_IF_KNOWN.search(fold(q))),
                         specific=bool(re.search(r"\b(?:specific|exact|exactly|particular|precisely|names of|list)\b",
                                                 fold(q))),
                         compares=bool(_COMPARES.search(fold(q))), lasting=lasting_noun(q), title=compound_title(q),
                         borders=border_partners(q), present=asks_present(q), agent=question_agent(q),
                         describes=bool(re.search(r"\b(?:what|which) (?:kind|type|sort)s? of\b", folded)),
                         asks_speaker=bool(_ASKS_SPEAKER.search(fold(q))), places=place_stems(q),
                         names_people=bool(_NAMES_PEOPLE.search(folded)), subgroup=subgroup_terms(q),
                         figures=asks_figures(q, kind), placed=frozenset(_places_in(q)), contents_of=contents_asked(q),
                         dated=dated_subject(q), event=asked_event(q), quoted=quoted_words(q),
                         clock=bool(_ASKS_CLOCK.search(fold(q))),
                         yes_no=yes_no_claim(q) is not None,
                         origin=bool(_ASKS_ORIGIN.search(fold(q))),
                         part=part_of_country(q), located=located_thing(q),
                         this_year=bool(re.search(r"\bthis year\b|\byear to date\b", fold(q))),
                         calendar_date=bool(re.search(r"\b(?:what|which|exact) (?:exact )?date\b", fold(q))),
                         asks_saying=bool(_ASKS_SAYING.search(fold(_FRAMING.sub(" ", q)))),
                         month_events=frozenset(month_events(q)), deed=count_deed(q),
                         in_month=bool(months(q)) and not _RATE.search(q) and not re.search(
                             r"\b(?:since|after|from|each|every|any|until|through)\b", fold(q)))


_WASHINGTONS = re.compile(r"\bWashington['’]s\b", re.IGNORECASE)
# "when is the first U.S. court hearing for the asylum seekers ...": the thing itself is dated
_DATED_THING = re.compile(rf"^\W*{_LABEL}(?:when|(?:on |by )?what (?:exact )?date)\s+(?:is|was|will be)\s+(?:the|a|an)\s+"
                          r"((?:[a-z0-9.'’-]+\s+){0,5}?[a-z'’-]+)\s*(?:\?|$|(?=\b(?:for|of|in|at|on|with|between)\b))")
_DATED_SUBJECT = re.compile(rf"^\W*{_LABEL}(?:when|(?:on |by )?what (?:exact )?(?:date|day|year|month))\s+"
                            r"(?:is|was|are|were|will)\s+(?:the\s+|a\s+|an\s+)?((?:[a-z0-9.'’-]+\s+){1,7}?)"
                            r"(?:be\s+)?(?:scheduled|set|launched|held|signed|created|founded|announced|introduced|"
                            r"released|started|established|opened|due|planned|enacted|approved|passed)\b")


def dated_subject(question: str) -> str | None:
    """The stem of the head noun of what a "when was the X launched / scheduled" question dates ("the CBP One
    *app*", "the first immigration court *hearing* in El Paso"): a date of something else does not answer."""
    m = _DATED_SUBJECT.search(fold(question)) or _DATED_THING.search(fold(question))
    if not m:
        return None
    phrase = re.split(r"\b(?:in|at|for|of|on|under|with|by|from|to)\b", m.group(1))[0].split()
    head = content_stems(normalise_aliases(" ".join(phrase)))      # "federal authorities": the government
    return head[-1] if head and len(head[-1]) >= 3 else None


# "when / where / why did <subject> <verb> ...": the event asked about is the verb after the subject
_EVENT_QUESTION = re.compile(r"^\W*(?:[^:?]{1,60}:\s+)?(?:when|where|why|how come|"
                             r"(?:in |on |by )?what (?:year|day|date|month)|"
                             r"(?:in |to |from )?(?:which|what) (?:[\w.'’-]+ ){1,3}?)"
                             r"(?:\s*\b(?:in|on|at|along|inside) (?:[\w.'’-]+ ){1,4}?)?"
                             r"\s*\b(did|do|does|will|would|can|could|should|was|were|is|are|has|have|had|ca|wo)"
                             r"(?:n['’]?t)?\s+(.+)$",
                             re.IGNORECASE)
_DO_AUX = frozenset("did do does will would can could should ca wo".split())
_SINGULAR_NOUNS = "tion|sion|ment|ness|ity|ance|ence|ship|ism|ist|ure|age"
_SINGULAR_NOUN_ENDING = re.compile(rf"(?:{_SINGULAR_NOUNS})$")
_NOUN_ENDING = re.compile(rf"(?:{_SINGULAR_NOUNS}|ers|ors|ees|ants|ents|ics)$")
_DETERMINERS = frozenset("the a an its their his her this that these those some any all each every no our my "
                         "your".split())
_PREPOSITIONS = frozenset("to of in on at for from with by into over under about between among across through near "
                          "after before during since toward towards against without within along beyond inside "
                          "outside around via onto upon".split())
_NP_OPENERS = _DETERMINERS | _PREPOSITIONS
_TIME_ADVERBS = frozenset("later earlier now today yesterday tomorrow again soon ago already still yet".split())
_VERB_STOPWORDS = frozenset("say says said get gets got make makes made have has had do does did go goes went be been "
                            "being become became".split())
# verbs whose event is the one they govern: "think Mexico has become willing", "supposed to *continue*"
_SAYING_VERBS = frozenset("say says said think thinks thought believe believes believed feel feels felt".split())
_TO_VERBS = frozenset("supposed expected scheduled due set going planning planned trying hoping able likely "
                      "meant ready willing want wants wanted need needs needed try tries plan plans hope hopes expect "
                      "expects seek seeks sought".split())
_ASPECT_VERBS = frozenset("start starts started begin begins began begun stop stops stopped keep keeps kept continue "
                          "continues continued resume resumes resumed finish finishes finished".split())
# a clause of its own: "where was AMLO *when* he talked about ...": its verb is not the one asked
_CLAUSE_OPENERS = frozenset("when while after before because since if as who whom which that where whose compared "
                            "relative".split())


@dataclass(frozen=True)
class AskedEvent:
    """The deed a "when / where / why" question asks about: its verb's stem, and the stems of its object
    ("book U.S. asylum *appointments*"), if it has one."""
    verb: str
    object: tuple[str, ...] = ()


def asked_event(question: str) -> AskedEvent | None:
    """The deed a "when / where / why did <subject> <verb> ..." question asks about, which the date, place or
    reason must be of ("where did the 20 men returned on Friday originally *cross* into the U.S.", "when did the
    institute get its funding *restored*"); None when there is none, or it is a saying ("why did X say ...").
    Found by form: the subject is skipped (its determiners, prepositions, names, numbers, adverbs and the
    nouns after them), and the verb is the first word after it in the form the auxiliary asks (a base form
    after "did", a participle after "was"). A light verb's event is what it governs: "get X *restored*",
    "have their court *hearings*", "are expected to *continue*", "start *registering*"."""
    q = _ATTRIBUTION_CLAUSE.sub(" ", _FRAMING.sub(" ", re.sub(r"\([^)]*\)", " ", strip_markers(question))))
    m = _EVENT_QUESTION.search(normalise_aliases(q).rstrip(" ?.!"))
    if not m:
        return None
    aux = m.group(1).lower()
    capitalised = {fold(w) for w in re.findall(r"(?<=\s)[A-Z][A-Za-z'’-]*", q)}
    ws = [fold(t) for t in re.findall(r"[A-Za-z0-9][A-Za-z0-9'’-]*", m.group(2))]
    prev, base, i, infinitive, in_phrase = "", aux in _DO_AUX, 0, False, False
    while i < len(ws):
        w = ws[i]
        if w in _PREPOSITIONS:
            in_phrase = True    # "the court hearings *for MPP asylum seekers*": nouns until a verb
        if i and (w in _CLAUSE_OPENERS or w in _SAYING_VERBS):
            return None     # "where was AMLO *when* he talked": another clause's verb; "why do officials *think*"
        if infinitive:
            verb = w not in STOPWORDS or w == "be"    # "going to *start*", "want to *see*", "need to *be* dealt with"
        elif (w in _VERB_STOPWORDS or w in _TO_VERBS) and i:
            verb = True
        elif i == 0 or w in STOPWORDS or w in _NP_OPENERS or w[0].isdigit() or w.endswith("ly") or \
                w in capitalised or w in _LEARNED.proper or w in PLACE_NAMES or re.search(r"['’]s?$", w) or \
                prev in _NP_OPENERS or prev[:1].isdigit() or prev in NUMBER_WORDS or re.search(r"['’]s$", prev) or \
                (_SINGULAR_NOUN_ENDING.search(prev) and not _known_verb(w)):
            verb = False    # the subject: "the 20 men", "Mexico's money", "the Merida security pact"
        elif base:
            verb = not (w.endswith("ed") or (w.endswith("s") and not w.endswith("ss")) or w.endswith("ing") or
                        _NOUN_ENDING.search(w)) and (not in_phrase or _known_verb(w) or w not in _LEARNED.vocabulary)
        else:
            verb = w.endswith("ed") or w in _IRREGULAR or (aux in ("is", "are", "was", "were") and w.endswith("ing"))
            clause = next((j for j in range(i + 1, len(ws)) if ws[j] in _CLAUSE_OPENERS), len(ws))
            later = [j for j in range(i + 1, clause) if ws[j].endswith("ed") and ws[j] not in STOPWORDS]
            if verb and aux in ("is", "are", "was", "were") and later and not w.endswith("ing"):
                # "are migrants stopped in the north *bused* to": the first participle modifies the subject
                w, i = ws[later[-1]], later[-1]
        if not verb:
            prev, i, infinitive = w, i + 1, False
            continue
        rest = ws[i + 1:]
        subject = tuple(_event_stem(x) for x in ws[:i] if x not in STOPWORDS and x not in _NP_OPENERS and
                        x not in _TO_VERBS and not x[0].isdigit() and not x.endswith("ly"))
        passive = not base and aux in ("is", "are", "was", "were") and i + 1 == len(ws)    # "when was the photo taken"
        if w in _ASPECT_VERBS and rest and rest[0].endswith("ing") and rest[0] not in STOPWORDS:
            # "start *registering*": what was started; "start *running* low"
            return AskedEvent(_event_stem(rest[0]), _object_of(rest[1:]))
        if w in ("be", "been", "being") and rest and rest[0] not in STOPWORDS:
            w, rest = rest[0], rest[1:]     # "have been *crossing* illegally", "been *put* on the back burner"
            passive = w.endswith("ed") or w in _IRREGULAR
        if (w in _VERB_STOPWORDS or w in _TO_VERBS or _event_stem(w) in LIGHT_WORDS) and len(rest) > 1 and \
                rest[0] == "to" and rest[1] not in _NP_OPENERS and rest[1] not in PLACE_NAMES:
            prev, base, i, infinitive = "to", True, len(ws) - len(rest) + 1, True    # "expected to *continue*"
            continue
        if w in ("get", "gets", "got", "have", "has", "had"):
            done = [x for x in rest[:5] if x.endswith("ed") and x not in STOPWORDS]
            if done:
                return AskedEvent(_event_stem(done[0]))    # "get its funding *restored*"
        # what a passive verb is done to is its subject: "where must the problem *be dealt with*"
        obj = _object_of(rest) or (subject if passive else ())
        st = _event_stem(w)
        if w in _VERB_STOPWORDS or st in LIGHT_WORDS:
            # "have their court *hearings*", "hold the press *conference*": the object is the event
            if st == "come" and "from" in rest:
                return None     # "where do they come from": where they are from, however it is said
            if not obj:     # "when did the policy *end*" (but "been *put* on the back burner" says little)
                said = [x for x in rest if x not in STOPWORDS and x not in _NP_OPENERS]     # "bused to?"
                return None if w in _VERB_STOPWORDS or said else AskedEvent(st)
            if passive:     # "when was the photo *taken*", "where will the court hearings *be held*": the thing
                head = _object_of(ws[:i])       # itself is the event
                return AskedEvent(head[-1], head[:-1]) if head else None
            return AskedEvent(obj[-1], obj[:-1]) if obj[-1] not in LIGHT_WORDS and len(obj[-1]) >= 3 else None
        return AskedEvent(st, obj)
    return None


def _known_verb(word: str) -> bool:
    """Do the articles use ``word`` as a verb (an "-ed" or "-ing" form of it), or is it an irregular one?"""
    st = stem(word)
    return word in _ASPECT_VERBS or st in _LEARNED.verbs or st in _IRREGULAR.values()


_PARTITIVES = frozenset("round rounds number numbers group groups series set wave waves kind kinds type types "
                        "part parts lot lots batch batches".split())


def _object_of(rest: list[str]) -> tuple[str, ...]:
    """Content stems of the noun phrase a verb takes ("book U.S. asylum *appointments*"; "their next round of
    *talks*"), up to the first preposition or clause."""
    phrase: list[str] = []
    for w in rest:
        if w in ("what", "which", "who", "when", "where", "why", "how", "and", "or") or w in _CLAUSE_OPENERS or \
                w in _TIME_ADVERBS:
            break
        if w in _PREPOSITIONS:
            if not (w == "of" and phrase and phrase[-1] in _PARTITIVES):
                break       # "their court hearings *in* ...", "travel *to* Mexico": no object, or its end
            phrase.pop()        # "round of": the talks are the object
            continue
        if w in STOPWORDS or w in _DETERMINERS or w[0].isdigit() or w in ("next", "first", "last", "new", "latest"):
            continue
        phrase.append(w)
    return tuple(_event_stem(re.sub(r"['’]s$", "", w)) for w in phrase)


def _event_stem(word: str) -> str:
    """A question word's stem as ``content_stems`` gives it: irregular pasts as their present, one per synonym group."""
    st = stem(word)
    return _SYNONYM.get(st, st)


_BEGIN_WORDS = "introduc|launch|start|began|begin|creat|implement|establish|enact|adopt|restart|unveil|roll|brought|bring"
_END_WORDS = "end|expir|lift|terminat|scrap|rescind|repeal|abolish"
_MONTH_EVENT = re.compile(rf"\b(?:({_BEGIN_WORDS})|({_END_WORDS}))\w*\s+(?:[a-z]+\s+){{0,2}}?in\s+"
                          rf"(?:(?:last|this|early|late|mid)\s+)?({'|'.join(MONTHS)})\b")


def month_events(text: str) -> set[tuple[str, str]]:
    """(begin|end, month) pairs a text dates: "the policy ... introduced in May" -> (begin, may); "which ended in
    May" -> (end, may)."""
    return {("begin" if m.group(1) else "end", m.group(3)) for m in _MONTH_EVENT.finditer(fold(text))}


def other_month_event(asked: Iterable[tuple[str, str]], text: str) -> bool:
    """Does ``text`` date the opposite event in the month the question dates one ("introduced in May": "which
    ended in May"), and not the one asked?"""
    said = month_events(text)
    return any((kind, month) not in said and ("end" if kind == "begin" else "begin", month) in said
               for kind, month in asked)


_COUNT_DEED = re.compile(r"\bhow (?:many|much)\b.*?\b(?:did|has|have|had|does|do|will|would)\s+(?:the\s+)?"
                         r"((?:[a-z.&'’-]+\s+){1,4}?)(?:actually\s+|really\s+|reportedly\s+)?([a-z]+)\b")
# deeds done to people that a figure may count, which a paraphrase does not swap: stopping them is not moving them
_DEEDS = frozenset(stem(w) for w in ("stop", "send"))


def count_deed(question: str) -> str | None:
    """What a "how many ... has X done" question says was done to what it counts, when it is one of ``_DEEDS``
    ("how many migrants has Mexico *bused* south": send; "did Mexico *interdict*": stop)."""
    for m in _COUNT_DEED.finditer(normalise_aliases(question)):
        if not all(w in _LEARNED.proper or w in PLACE_NAMES or w in ("us", "and", "of") for w in m.group(1).split()):
            continue
        deed = _SYNONYM.get(stem(m.group(2)), stem(m.group(2)))
        return deed if deed in _DEEDS else None
    return None


def other_deed(deed: str, text: str) -> bool:
    """Is a figure of ``text`` led by another of ``_DEEDS`` than the one asked, and none by it ("how many has
    Mexico bused": "Mexico interdicted roughly 100,000 migrants", "280,000 being interdicted"; "deployed 6,000
    troops to intercept migrants" is a sending too)?"""
    toks = list(_WORD.finditer(text))
    led: set[str] = set()
    for m in _COUNT_WORD.finditer(text):
        before = [fold(t.group()) for t in toks if t.end() <= m.start()][-3:]
        after = [fold(t.group()) for t in toks if t.start() >= m.end()][:3]    # "280,000 being interdicted"
        led |= {_SYNONYM.get(stem(w), stem(w)) for w in before + after} & _DEEDS
    return deed not in led and bool(led)


def asks_figures(question: str, kind: str) -> bool:
    """Does the question (of ``kind``) ask for a figure ("how many", "what were the April figures"), not whether
    one is given ("were April's figures released?")?"""
    if _YES_NO.match(question) or _EXPECTATION.search(fold(question)):
        return False
    return kind == "count" or bool(
        re.search(r"\b(?:figures?|numbers?|data|statistics|stats|tally|totals?)\b", fold(question)))


_TITLE_HEADS = "minister|president|secretary|director|adviser|advisor|attorney|commissioner|chief|ambassador"
_TITLE_QUALIFIERS = ("foreign|interior|finance|economy|prime|deputy|vice|assistant|press|defen[cs]e|homeland security|"
                     "national security|border|immigration")
_COMPOUND_TITLE = re.compile(rf"\b({_TITLE_QUALIFIERS})(?: affairs)? ({_TITLE_HEADS})s?\b")


def compound_title(question: str) -> str | None:
    """The compound title a question asks for: "Mexico's *foreign minister*", "the *deputy secretary*"."""
    m = _COMPOUND_TITLE.search(fold(question))
    return f"{m.group(1)} {m.group(2)}" if m else None


def holds_title(title: str, text: str) -> bool:
    """Does the text name the compound title ("Foreign Minister", "minister of foreign affairs", "Secretary of
    Homeland Security")? "Canadian Prime Minister" and "foreign labor" do not make a foreign minister."""
    qualifier, head = title.rsplit(" ", 1)
    f = fold(text)
    return bool(re.search(rf"\b{qualifier}(?: affairs)? {head}|\b{head}s? (?:of|for) (?:the )?(?:\w+ ){{0,2}}?{qualifier}\b", f))


_COMPARES = re.compile(r"\b(?:more|less|fewer|times (?:more|as|higher|larger)|compared?|vs|versus|than|increased?|"
                       r"decreased?|rise|rose|fall|fell|grow|grew|drop(?:ped)?|ratio|by how much)\b")


_TOTAL = re.compile(r"\b(?:in all(?: of)?|in total|total|altogether|all together|overall|combined|cumulative|"
                    r"(?:the )?(?:whole|entire|full) (?:year|month|period|program)|"
                    rf"all of (?:the )?(?:year|month|{'|'.join(MONTHS)}|(?:19|20)\d\d))\b")
_EXPECTATION = re.compile(r"\b(?:expect\w*|predict\w*|forecast\w*|anticipat\w*|project(?:ed|ions?)|likely to)\b")
_RATE = re.compile(r"\b(?:per|each|every|a|an) (?:day|week|month|year|hour)\b|\b(?:daily|weekly|monthly|yearly|annually)\b|"
                   r"\bper (?:capita|person)\b", re.IGNORECASE)


def says_total(text: str) -> bool:
    return bool(re.search(r"\b(?:total|in all|altogether|overall|combined)\b", text, re.IGNORECASE))


def is_rate(text: str) -> bool:
    """Does the sentence give a figure per unit of time ("270,000 migrants each month", "35 per day")?"""
    return bool(_RATE.search(text))


_CAUSAL = re.compile(r"\b(because|due to|owing to|thanks to|as a result|result of|in response|reasons?|caused|"
                     r"driven by|since|so that|in order to|fleeing|forced|required|ordered|amid|after|blamed?)\b")
_BACKWARD_CAUSAL = re.compile(r"^\s*(as a result|because of (this|that|these)|that is why|this is why|for (this|that) "
                              r"reason|so|consequently|therefore|hence|thus)\b", re.IGNORECASE)


_UNKNOWN = re.compile(r"\b(?:(?:is|was|are|were|it'?s|isn[’']t|wasn[’']t|aren[’']t|remains?)\s+(?:not\s+|still\s+)?"
                      r"(?:known|unknown|unclear|not clear|not known|not yet known)|(?:did|does|do|would|could)\s*(?:not|n[’']t)"
                      r"\s+(?:publicly\s+)?(?:say|disclose|specify|reveal|know|provide|share|release|publish)|"
                      r"declined to (?:say|specify|disclose|comment)|"
                      r"no (?:numbers|figures|data) (?:have|has|were|was)|"
                      r"(?:have|has|had) yet to be (?:publicly )?(?:released|published|announced|disclosed|made public))\b",
                      re.IGNORECASE)
_SPEECH = re.compile(r"\b(?:said|says|told|tells|added|adds|stated|wrote|writes|argued|warned|noted|explained|asked|"
                     r"according to|claimed|declared|insisted|called)\b", re.IGNORECASE)


def says_unknown(text: str, kind: str) -> bool:
    """Does the sentence say that the kind of thing asked is not known ("It isn't known how many ... are
    deported" for a "how many" question; "it is unclear why ..." for a "why" question)?"""
    m = _UNKNOWN.search(text)
    if not m:
        return False
    rest = fold(text[m.start():])
    about_figures = bool(re.search(r"\bhow (many|much)\b|\b(numbers?|figures?|data|total|tally)\b", rest))
    if kind == "count":
        return about_figures
    if kind == "when" and "yet to be" in fold(m.group()):
        return True             # "when will the figures be released": "which have yet to be publicly released"
    if kind in ("when", "where", "why", "who"):
        return bool(re.search(rf"\b{kind}\b", rest))
    # "what is Mexico willing to share": "... though no numbers have been discussed" leaves only figures unknown
    return kind == "other" and not about_figures


def attributed_to(speaker: Iterable[str], sentence: str, context: str, earlier: str = "") -> bool:
    """Is ``sentence`` (with its paragraph ``context``) said by the person whose name stems are ``speaker``?
    A sentence that names its own speaker ("..., Lopez Obrador said.") must name this one; otherwise the
    person must be named next to a speech verb in the context; "He added ..." is said by the last person named
    speaking in the ``earlier`` text of the article."""
    speaker = set(speaker)
    if not speaker:
        return True
    if _responds_in(speaker, sentence):
        return True     # "did the López Obrador administration comment": "... did not respond to a request for comment"
    if _PRONOUN_SPEECH.match(sentence):
        return _last_speaker_is(speaker, earlier)   # "He added that ... Central America": whoever spoke last before
    own = names(sentence) - _modifier_names(sentence)
    if _SPEECH.search(sentence) and own:
        if speaker & own:
            # "..., Johnson said."; not "the mayors ... said Wednesday ... as Texas Gov. Greg Abbott continues"
            return _speaks_in(speaker & own, sentence, span=SPEAKER_SPAN)
        if own - speaker:
            # the question may name the speaker by title ("Chicago's mayor", "Amnesty International USA's
            # director"): the paragraph then introduces them together ("Chicago Mayor Brandon Johnson"); a
            # person the question names in full is not "senior Biden administration officials"
            if not any(n in _TITLE_STEMS or n in _ORG_STEMS for n in speaker) and len(speaker) >= 2:
                return False
            return all(_same_name(n, own) for n in speaker) or _introduced_together(own - speaker, speaker, context)
    # not attributed itself: it must be part of a quote that the paragraph attributes to the person
    # ("..., Fischer said."; not "He urged ... Justin Trudeau to “accept the reality”")
    return any(q in sentence for q in "“”\"") and _speaks_in(speaker, context)


_PRONOUN_SPEECH = re.compile(r"^\W*(?:he|she|they)\s+(?:also\s+)?(?:added|said|says|told|noted|argued|stressed|"
                             r"insisted|explained|warned)\b", re.IGNORECASE)


def _last_speaker_is(speaker: set[str], earlier: str) -> bool:
    """Is the last person named as speaking in ``earlier`` (the text before a "He added ..." sentence) the one
    asked about? Sentences with no named speaker ("The president of Mexico said ...") are passed over."""
    for sent in reversed(split_sentences(earlier)):
        if _speaks_in(speaker, sent.text, span=SPEAKER_SPAN):
            return True
        if any(_speaks_in({stem(fold(w)) for w in n.split()}, sent.text, span=SPEAKER_SPAN)
               for n in person_like_names(sent.text)):
            return False
    return False


# who speaks for someone: "a senior Biden *administration official*", "Trump's *campaign*"
_ENTOURAGE = r"(?:administration|officials?|aides?|campaign|government|team|spokes\w+|allies|staff)\b"
_MODIFIED = re.compile(rf"\b([A-Z][\w’'-]+)(?:['’]s)? {_ENTOURAGE}")
_UNMODIFIED = re.compile(rf"\b([A-Z][\w’'-]+)\b(?! {_ENTOURAGE})")


def _modifier_names(sentence: str) -> set[str]:
    """Names used only to qualify someone else: "a senior *Biden* administration official" is not Biden."""
    qualified = {stem(fold(m.group(1))) for m in _MODIFIED.finditer(sentence)}
    return qualified - {stem(fold(m.group(1))) for m in _UNMODIFIED.finditer(sentence)}


SPEAKER_SPAN = 10       # words between a speaker's name and the speech verb ("Fischer, director of ..., said")
_ORG_STEMS = frozenset(stem(w) for w in "amnesty international usa cbp dhs ice nbc white house administration "
                       "department agency office".split())


def _speaks_in(speaker: set[str], context: str, span: int = 4) -> bool:
    """Is the person named within ``span`` words of a speech verb ("Fischer said", "said Amy Fischer")?"""
    for sent in split_sentences(context):
        toks = words(normalise_aliases(sent.text))
        stems_ = [stem(w) for w in toks]
        for i, w in enumerate(toks):
            if _SPEECH.fullmatch(w) or w in ("said", "says", "told", "added"):
                # "They also said Blinken and ... discussed": a pronoun speaks; Blinken is spoken of
                after = 0 if _pronoun_before(toks, i) else span + 1
                # "said Amy Fischer"; not "said last week Mr. Biden spoke *to* Lopez Obrador"
                stop = next((j for j in range(i + 1, i + after) if j < len(toks) and toks[j] in _LISTENER), None)
                if stop is not None:
                    after = stop - i
                near = stems_[max(0, i - span - 2):i + after]
                if all(_same_name(n, near) for n in speaker):
                    return True
    return False


_LISTENER = frozenset("to with that than".split())    # who follows these is spoken to or of, not speaking
_RESPONSE = frozenset("""respond responded responds replied replies reply commented comments reacted reacts declined
refused""".split())


def _responds_in(speaker: set[str], sentence: str, span: int = 6) -> bool:
    """Is the person the subject of a response, or of its refusal ("The López Obrador administration did not
    respond", "Biden's office declined to comment")?"""
    toks = words(normalise_aliases(sentence))
    stems_ = [stem(w) for w in toks]
    return any(w in _RESPONSE and all(_same_name(n, stems_[max(0, i - span):i]) for n in speaker)
               for i, w in enumerate(toks))


_PRONOUNS = frozenset("they he she we i it".split())
_ADVERBS = frozenset("also later then previously earlier have has had".split())


def _pronoun_before(toks: list[str], i: int) -> bool:
    """Is the speech verb at ``i`` said by a pronoun ("They also said ...", "he told")?"""
    j = i - 1
    while j >= 0 and fold(toks[j]) in _ADVERBS:
        j -= 1
    return j >= 0 and fold(toks[j]) in _PRONOUNS


def _same_name(name: str, names_: Iterable[str]) -> bool:
    """Name stems match exactly, or as close forms of a long name ("mayorka" is not "mayor")."""
    return any(name == n or (min(len(name), len(n)) >= 6 and stems_match(name, n)) for n in names_)


_BARE_ATTRIBUTION = re.compile(r"^[\"'“”‘’]?\s*[A-Z][\w.’'&-]*\s+(?:(?:[A-Z][\w.’'&-]*|and|of|for|the|de|del|la)\s+){0,7}(?:said|says|told|added|wrote|stated)\b"
                               r"(?:\s+(?:in|on|at|to)\s+(?:a|an|the)?\s*[\w.’' -]{0,40})?[.!]?$")
_NAMING_WORDS = r"known as|called|dubbed|named|referred to as|termed|nicknamed"
# "known as metering", not "is called," nor "called back to the U.S." nor "called on the U.S."
_GIVES_A_NAME = re.compile(rf"\b(?:{_NAMING_WORDS})\s+(?!(?:back|on|upon|for|off|out|up|in|into|to|by|after|over|"
                           rf"it|them|him|her|us|me|you|a|an|the|this|that)\b)[“\"]?\w")


def bare_attribution(text: str) -> bool:
    """Is the sentence only a speaker ("U.S. Customs and Border Protection said in a statement.")?"""
    return bool(_BARE_ATTRIBUTION.match(text.strip()))


def opens_with_reference(text: str) -> bool:
    """Does the sentence open by pointing at the one before ("This practice, known as metering, ...")?"""
    return bool(re.match(r"^[\"“]?(?:This|These|That|Those|Such)\b", text.strip()) or _LED_REFERENCE.match(text.strip()))


# "During that policy, which ended in May, ...": a preposition, then the thing the sentence before named
_LED_REFERENCE = re.compile(r"^[\"“]?(?:During|Under|Through|With|Despite|Before|After|Since|Throughout)\s+(?:this|that|these|"
                            r"those|such)\s+(?:[\w-]+\s+)?(?:policy|policies|program|programs|programme|practice|plan|"
                            r"plans|agreement|agreements|initiative|order|orders|law|laws|measure|measures|period|rule|"
                            r"rules|system|process|arrangement|deal|effort|efforts|approach|strategy)\b")


_BACK_IN_TIME = re.compile(r"^[\"“]?(?:Since then|Since that (?:time|day|visit|meeting)|After that|By then|Until then|"
                           r"At that time|At the time|That same (?:day|week|month|year)|Later that (?:day|week|month|year))\b")


def opens_with_time_reference(text: str) -> bool:
    """Does the sentence date itself by the one before ("Since then, Mexico has interdicted ...")?"""
    return bool(_BACK_IN_TIME.match(text.strip()))


# "which building": a name that ends in a building's kind ("the National Palace", "the Camino Real Hotel")
_FACILITIES = frozenset(stem(w) for w in """building buildings hotel hotels palace embassy consulate hospital prison
jail stadium hall church school venue facility facilities camp camps""".split())
# things news names by proper name: "which bridge" is answered by "the Stanton Street Bridge", not "a bridge"
_ENTITY_NOUNS = frozenset(stem(w) for w in """city cities town towns country countries state states bridge bridges
location locations crossing crossings sector sectors airline airlines river agency agencies organization organizations newspaper company companies shelter shelters airport port bill
bills act treaty court cartel cartels gang gangs""".split()) | _FACILITIES
_FACILITY_HEADS = _FACILITIES | frozenset(stem(w) for w in """house tower plaza center centre office station shelter
cathedral residence mansion""".split())
# things whose names end with the noun itself ("Paso del Norte International Bridge", "Rio Grande River")
_NAMED_WITH_NOUN = frozenset(stem(w) for w in "bridge bridges sector sectors shelter shelters river airport port court bill act".split())
# the Spanish words that name such a thing ("Casa del Migrante", "Albergue Pan de Vida" are shelters)
_SPANISH_HEADS = {stem("shelter"): frozenset("casa albergue refugio hogar posada".split()),
                  stem("bridge"): frozenset(["puente"]), stem("river"): frozenset(["rio"])}
_ORGANISATIONS = frozenset(stem(w) for w in "agency agencies organization organizations company companies".split())
_AIRLINES = frozenset(stem(w) for w in "airline airlines carrier carriers".split())   # named "... Air", "... Airlines"
# the run is (in) the name a naming word gives: "also known as “Remain in *Mexico*”"
_GIVEN_NAME_BEFORE = re.compile(rf"\b(?:{_NAMING_WORDS})\s+(?:[“\"][^”\"]*|(?:[A-Z][\w’'-]*\s+(?:(?:in|of|for|the|and)\s+)?)*)$")
_NAME_WORDS = frozenset(stem(w) for w in "name names nickname term word phrase label title".split())
_PEOPLES = re.compile(r"[A-Z][a-z]+(?:an|ean|ian|ese|ish)s?|Hispanics?|Latin[oax]s?")   # "Caribbean", "Hispanics"
_STATES = frozenset(stem(w) for w in ("state", "states"))
_CITIES = frozenset(stem(w) for w in ("city", "cities", "town", "towns"))
_PLACES = frozenset(stem(w) for w in "city cities town towns country countries state states location locations".split())
_DATELINE = re.compile(r"^[A-Z][A-Z .'-]+,\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?\s*(?:\([^)]*\))?\s*[–—-]\s*")
_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w’'-]*(?:\s+(?:(?:of|del|de|la|the|and)\s+)?[A-Z][\w’'-]*)*")


_VAGUE = r"(?:several|some|many|various|certain|a number of|a few|other|multiple|numerous|unspecified)"


_CONTENTS = re.compile(r"\bwhat (?:specific |exact |concrete |particular )?(?:steps|measures|details|points|elements|"
                       r"provisions|terms|actions|parts)\b.*?\b(?:in|of) (?:the|its|their|this|that) ([a-z]+)|"
                       r"\bwhat (?:exactly |specifically )?(?:was|is|were|are|would be) (?:in|inside) "
                       r"(?:the|its|their) ([a-z]+)|"
                       r"\bwhat (?:exactly |specifically )?(?:did|does|would|will) (?:the|its|their) (?:[a-z-]+ ){0,3}?"
                       r"(plan|bill|agreement|proposal|framework|deal|package|initiative|program|law|order|policy|accord|"
                       r"treaty)s? (?:[\w'’ ,.-]{0,80}? )?(?:actually |really |exactly )?(?:include|contain|involve|entail|"
                       r"consist|propose|offer|call for|provide for|require)|"
                       r"\bwhat (?:did|does|would) (?:the|its|their) ([a-z]+) (?:[\w'’ ,.-]{0,80}? )?"
                       r"(?:actually |really |exactly )?(?:include|contain|involve|entail|consist)")
# "what did the plan Mexico offered to share ... actually contain"


def contents_asked(question: str) -> str | None:
    """The stem of the thing whose contents a question asks ("what steps were in the *plan*", "what exactly was
    in the plan", "what did the plan include")."""
    m = _CONTENTS.search(fold(question))
    return stem(next(g for g in m.groups() if g)) if m else None


def bare_mention(noun: str, text: str) -> bool:
    """Does ``text`` speak of "a plan" without saying what is in it (no "that would ...", "to ...", list)?"""
    return bool(re.search(rf"\b(?:a|an|some|its|their|the) (?:[a-z-]+ ){{0,3}}{re.escape(noun)}\w*\b"
                          rf"(?!\s*(?:that|which|to|including|calling|would|for|:|—|–|-)\b)", fold(text))) \
        and not enumerates(text)


def vague_mention(focus: str, text: str, strict: bool = False) -> bool:
    """Does the sentence speak of the thing asked only vaguely ("several humanitarian improvements")?
    ``strict``: only by a word that hides what they are ("several", not "other": "extortion, kidnapping and
    other crimes" names some)."""
    vague = _HIDING if strict else _VAGUE
    return bool(re.search(rf"\b{vague}\s+(?:[a-z-]+\s+)?{re.escape(focus)}\w*", fold(text)))


_HIDING = r"(?:several|various|certain|a number of|multiple|numerous|unspecified)"


def enumerates(text: str) -> bool:
    """Does the sentence list things ("including ...", "such as ...", "...: A, B and C")?"""
    return bool(re.search(r"\b(?:including|such as|like|namely)\b|:\s", text))


def _modifies_noun(text: str, end: int) -> bool:
    """Is the capitalised run ending at ``end`` followed by a common noun it qualifies ("the Southwest *border*",
    "the Biden *administration*")?"""
    m = re.match(r"\s+([a-z][a-z-]{2,})\b", text[end:])
    return bool(m) and m.group(1) in _QUALIFIED_NOUNS


_QUALIFIED_NOUNS = frozenset("border borders administration administrations government governments official officials "
                             "authorities agents police policy policies program programs region side coast "
                             "campaign law laws".split())
# names that qualify a noun: "the Trump administration", "the Mexican government", "the Southwest border"
_QUALIFIED = re.compile(r"\b([A-Z][\w’'.-]*)(?:['’]s)? (administrations?|governments?|officials?|border|presidency|"
                        r"campaign|policy|policies)\b")


# "under Trump", "during Biden's presidency": a president's administration
_PRESIDENTS = "trump|biden|obama|bush|clinton"
_UNDER_PRESIDENT = re.compile(r"\b(?:under|during)\s+(?:president\s+|former president\s+)?"
                              rf"({_PRESIDENTS})\b(?!\s+administration|['’]s)")


# "the asylum policy biden brought in": a president as the one who made a policy is his administration
_PRESIDENT_DID = re.compile(rf"\b({_PRESIDENTS})\s+(?:has\s+|had\s+)?(?:brought in|introduced|launched|"
                            r"started|created|implemented|put in place|rolled out|adopted|unveiled|enacted|signed)\b")


def _whose(name: str) -> str:
    """The stem of a qualifying name, its dots dropped ("U.S.-Mexico" and "US-Mexico" are one)."""
    return stem(fold(name).replace(".", ""))


def qualifiers(question: str) -> frozenset[tuple[str, str]]:
    """(whose, what) pairs the question names: "during the trump administration" -> (trump, administr); "under
    trump" is his administration."""
    named = {(_whose(m.group(1)), stem(m.group(2))) for m in _QUALIFIED.finditer(_title_case(question))}
    named |= {(stem(m.group(1)), stem("administration")) for m in _UNDER_PRESIDENT.finditer(fold(question))}
    named |= {(stem(m.group(1)), stem("administration")) for m in _PRESIDENT_DID.finditer(fold(question))}
    return frozenset(named)


def other_qualifier(asked: Iterable[tuple[str, str]], sentence: str) -> bool:
    """Does the sentence speak of another's thing where the question names whose it is ("during the *Trump*
    administration" / "under the *Biden* administration") and never of the one asked?"""
    said = {(_whose(m.group(1)), stem(m.group(2))) for m in _QUALIFIED.finditer(sentence)}
    for name, noun in asked:
        if name in STOPWORDS or (name, noun) in said or name in names(sentence):
            continue
        if any(n == noun and other != name for other, n in said):
            return True
    return False


def _title_case(question: str) -> str:
    """Capitalise the words of a lower-case question that the articles write capitalised ("trump administration")."""
    return re.sub(r"\b[a-z][\w’'-]*\b", lambda m: m.group().capitalize() if fold(m.group()) in _LEARNED.proper
                  else m.group(), question)


def without_focus(terms: "QuestionTerms") -> "QuestionTerms":
    """The question's terms less the noun a "which city" question asks about, which a city named supplies, and
    the places it names ("after el paso"): what must be said of the city is what is asked of it."""
    if not asks_place(terms):
        return terms
    return replace(terms, content=tuple(t for t in terms.content if t != terms.focus and t not in terms.places)
                   or terms.content)


def asks_place(terms: "QuestionTerms") -> bool:
    """Does the question ask which city, state or country?"""
    return wants_name(terms) and terms.focus in _PLACES


def wants_name(terms: "QuestionTerms") -> bool:
    """Does the question ask for something named: "what is the name of ...", "which cities ...", "which bridge"?"""
    return terms.naming or (terms.focus is not None and terms.focus in _ENTITY_NOUNS and not terms.describes)


_TOLD_BEFORE = re.compile(r"\b(?:told|according to|reported by|said to|speaking to|spoke to|interview with)\s+$")


def gives_name(text: str, terms: "QuestionTerms") -> bool:
    """Does the sentence give a name the question does not, of the thing asked: "known as metering", "the
    Stanton Street Bridge" for "which bridge"? ("a government shelter" names none; "other locations along the
    border" names no city.)"""
    focus = terms.focus if terms.focus in _ENTITY_NOUNS else None
    # the noun the name is given to, when the question says it ("the name of the asylum *policy*"): "known as AMLO"
    # names a president
    of = terms.focus if terms.focus is not None and terms.focus not in terms.names and \
        terms.focus not in _NAME_WORDS else None
    named = _GIVES_A_NAME.search(text)
    if named and (of is None or covered(of, evidence_stems(text[max(0, named.start() - 40):named.start()]))):
        return True             # "This practice, known as metering": of the thing asked ("which shelter": no;
        #                         "which locations": "The program, also known as ..., will expand to other locations")
    asked = set(terms.names) | set(terms.content)
    for phrase, acronym in _LEARNED.acronyms.items():      # "Remain in Mexico" is the MPP asked about
        if acronym in asked and not terms.naming:           # (unless its other name is what is asked)
            asked |= {stem(w) for w in phrase.split()}
    text = _DATELINE.sub("", text)      # "EL PASO, Texas (Border Report) –" is where the story was filed
    for m in _CAPITALISED_RUN.finditer(text):
        if m.start() == 0 and " " not in m.group():
            continue            # a sentence's first word
        run = [w for w in m.group().split() if w[0].isupper()]
        if all(len(w) == 1 or fold(w) in STOPWORDS for w in run):
            continue            # an initial: the "U" of "The U.S."
        if focus is not None and _TOLD_BEFORE.search(text[:m.start()]):
            continue            # "which cartels": "have told Border Report" names who was told, not a cartel
        if focus is not None and focus not in _NAMED_WITH_NOUN and _modifies_noun(text, m.end()):
            continue            # "which cities": "the Southwest border" names a border, not a city
        stems_ = [stem(fold(ALIASES.get(fold(w), fold(w)).split()[0])) for w in run
                  if fold(w) not in STOPWORDS and re.sub(r"['’]s$", "", fold(w)) not in MONTHS
                  and fold(w) not in WEEKDAYS]     # "December’s tally" names no crossing
        new = [t for t in stems_ if t != "us" and not covered(t, asked)]
        if focus in _PLACES and len(run) > 1 and covered(focus, stems_) and is_place(run):
            new = new or stems_     # "in which city": "Mexico City", though the question says "Mexican"
        if not new:
            continue
        if focus in _ORGANISATIONS and not (any(fold(w) in _ORG_WORDS for w in run)
                                             or any(w.isupper() and len(w) > 1 for w in run)):
            continue            # "which agency": "the Stanton Street Bridge" is no agency
        if focus in _PLACES and (any(fold(w) in _ORG_WORDS for w in run) or any(w.isupper() and len(w) > 1 for w in run)
                                 or not is_place(run)):
            continue            # "which cities": "CBP said" names an agency, "Biden" a person, not a city
        if focus in _PLACES and _GIVEN_NAME_BEFORE.search(text[:m.start()]):
            continue            # "which locations": "also known as “Remain in Mexico”" names a program
        if terms.naming and focus is None and (is_place(run) or _PEOPLES.fullmatch(run[-1])):
            continue            # "what is the plan called": "Latin American and Caribbean countries", "Hispanics"
        if focus in _AIRLINES and not re.search(r"\b(?:Air|Airlines?|Airways|Aviation|Jet\w*)\b", m.group()):
            continue            # "which airline": "ICE flight data" names an agency
        if focus in _CITIES and (normalise_aliases(fold(" ".join(run))).strip() == "us" or fold(run[-1]) in COUNTRY_NAMES):
            continue            # "in which U.S. city": "Mexico" is a country
        if focus in _STATES and (normalise_aliases(fold(" ".join(run))).strip() == "us"
                                 or fold(run[-1]) in COUNTRY_NAMES):
            continue            # "which Mexican states": "the United States" and "Mexico" are countries
        if focus in _FACILITIES and stem(fold(run[-1])) not in _FACILITY_HEADS:
            continue            # "which building": "Mexico City" is a city
        if focus not in _NAMED_WITH_NOUN or covered(focus, stems_) or (focus == "bill" and "act" in stems_) or \
                any(fold(w) in _SPANISH_HEADS.get(focus, ()) for w in run):     # "Casa del Migrante" is a shelter
            return True         # a name; for "which bridge", one of a bridge ("the Stanton Street Bridge")
    return False


def role_named(role: str, text: str, asked: Iterable[str] = (), role_of: str | None = None) -> bool:
    """Is someone the question does not name given the role asked, as news style gives it: before the name
    ("Chicago *Mayor* Brandon Johnson", "Texas *Gov.* Greg Abbott") or after it ("Amy Fischer, *director* of
    ...")? "The mayors of New York" names no mayor; a generic role ("which leaders") takes any title."""
    folded = normalise_aliases(text)
    asked = set(asked)
    for name in person_like_names(text):
        ws = name.split()
        titles = [i for i, w in enumerate(ws) if is_title(w)]
        parts = [fold(w) for w in ws[titles[-1] + 1 if titles else 0:]]     # "Chicago Mayor | Brandon Johnson"
        if not parts or covered(stem(parts[-1]), asked):
            continue
        first, last = re.escape(parts[0]), re.escape(parts[-1])
        if role in _GENERIC_ROLES and _TITLED.search(text) and re.search(rf"\b{first}\b", folded):
            titled = any(re.search(rf"{t}\s+(?:[a-z.]+\s+){{0,2}}{first}\b", folded) for t in
                         ("president", "prime minister", "secretary", "mayor", "governor", "senator", "minister",
                          "director", "judge", "ambassador", "chief", "reverend", "commissioner", "general"))
            if titled:
                return True
        if role in _GENERIC_ROLES:
            offices = "|".join(sorted(_OFFICE_STEMS))
            if re.search(rf"\b{last}\s*,\s*(?:the |a |an )?(?:[a-z-]+\s+){{0,3}}(?:{offices})\w*\b", folded):
                return True     # "which official": "Amy Fischer, director of refugee and migrant rights"
        if role == _PRESIDENT and not role_of and re.search(
                rf"\b{last}(?:['’]s)? administration\b", folded):
            return True         # "under which president": "during George W. Bush's administration"
        roles = rf"{re.escape(role)}\w*"
        if role_of and not re.search(rf"\b{re.escape(role_of)}\w*\s+(?:[a-z.]+\s+){{0,4}}{roles}\s+{first}\b|"
                                     rf"\b{last}\s*,\s*(?:the |a |an )?{roles} of (?:the )?{re.escape(role_of)}", folded):
            continue            # "Chicago Mayor Brandon Johnson" is not Denver's mayor
        if re.search(rf"\b{roles}\s+{first}\b", folded) or \
                re.search(rf"\b{last}\s*,\s*(?:the |a |an )?(?:[a-z-]+\s+){{0,3}}{roles}\b", folded):
            return True
    return False


def opens_quote(text: str) -> bool:
    """Does the sentence open a quotation it does not close (“... agenda. / For some ...”)?"""
    return text.count("“") > text.count("”") or text.count('"') % 2 == 1


def names_something(text: str) -> bool:
    """Does the sentence give something a name ("This practice, known as metering, ...")?"""
    return bool(_GIVES_A_NAME.search(text))


def explicit_date(text: str, asked: "QuestionTerms | None" = None) -> bool:
    """A month, a year or a weekday written out (not "recently" or "late"), beyond the ``asked`` question's own
    ("on what exact date in May": "which ended in May" gives none)."""
    own_months = asked.months if asked is not None else frozenset()
    # "on what date": "on Wednesday" is no date ("on what day" takes it)
    weekday = (asked is None or not asked.calendar_date) and bool(weekdays_in(text))
    if asked is not None and asked.specific:        # "on exactly what date": a day, not "in May" or "late 2023"
        return bool(re.search(rf"\b(?:{_MONTH_NAMES})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{_MONTH_NAMES})\b", text,
                              re.IGNORECASE)) or weekday
    own_years = {int(n) for n in asked.numbers if is_year(n)} if asked is not None else set()
    return bool(months(text) - own_months
                or {int(y) for y in re.findall(r"\b(?:1[89]|20)\d\d\b", text)} - own_years
                or weekday
                or (own_months and re.search(rf"\b(?:{_MONTH_NAMES})\.?\s+\d{{1,2}}\b", text, re.IGNORECASE)))


_MONTH_NAMES = "|".join(sorted(set(MONTHS) | set(MONTH_ABBR), key=len, reverse=True))


def _introduced_together(named: set[str], speaker: set[str], context: str, span: int = 12) -> bool:
    """Does ``context`` mention one of ``named`` within ``span`` words of every stem of ``speaker``?"""
    for sent in split_sentences(context):
        toks = [stem(w) for w in words(normalise_aliases(sent.text))]
        for i, t in enumerate(toks):
            if t in named:
                near = toks[max(0, i - span):i + span + 1]
                if all(_same_name(n, near) or (n in _TITLE_STEMS and covered(n, near)) for n in speaker):
                    return True
    return False


def states_cause(text: str) -> bool:
    """Does the sentence give a reason ("because", "due to", "as a result of", "fleeing", ...)?"""
    return bool(_CAUSAL.search(fold(text)))


def refers_to_previous_cause(text: str) -> bool:
    """Does the sentence open by pointing back at the reason ("As a result of these, ...")?"""
    return bool(_BACKWARD_CAUSAL.match(text))


def has_date_expression(text: str) -> bool:
    f = fold(text)
    return bool(months(text) or re.search(r"\b(1[89]|20)\d\d\b", f) or any(w in f.split() for w in WEEKDAYS)
                or re.search(r"\b(today|yesterday|tomorrow|last (week|month|year)|this (week|month|year)|"
                             r"next (week|month|year)|ago|early|late|recently|since (?:then|\d|last|early|late|the (?:start|beginning|end)))\b", f)
                or re.search(rf"\bsince (?:{_MONTH_NAMES})\b", f))


class Idf:
    """Inverse document frequency of stems over a set of texts (the corpus's sentences)."""

    def __init__(self, texts: Iterable[str]):
        df: dict[str, int] = {}
        n = 0
        for t in texts:
            n += 1
            for s in set(content_stems(normalise_aliases(t))):
                df[s] = df.get(s, 0) + 1
        self.n = max(n, 1)
        self.df = df

    def __call__(self, stem_: str) -> float:
        d = self.df.get(stem_, 0)
        return math.log((self.n + 1) / (d + 0.5))

    @property
    def max(self) -> float:
        return math.log((self.n + 1) / 0.5)


# where a thing is: a place word after a preposition of place ("in Chihuahua City", "at the Stanton Street
# Bridge", "returned to Guatemala", "a three-hour drive south of the border"); "a blockade of Cuba" is none
_PLACE_WORDS = ("city|cities|town|towns|border|borders|bridge|bridges|shelter|shelters|state|states|country|countries|"
                "port|ports|camp|camps|street|streets|downtown|region|capital|end|side|area|areas|office|headquarters|"
                "center|centre|airport|station|building|palace|house|consulate|embassy|court|courts|courthouse|hotel|"
                "plaza|square|county|province|village|neighborhood|island|coast|river|facility|facilities|location|"
                "locations|crossing|interior|south|north|east|west|home|homes|abroad|overseas|community|communities|"
                "place|places|nation|nations|district|districts|site|sites|land|lands|territory|territories|soil")
_LOCATIVE = re.compile(
    r"\b(?<![Aa]ccording )(?<![Dd]ue )(?<![Tt]hanks )(?<![Cc]lose )"      # "according to ICE" is no place
    r"(?:in|at|to|from|near|into|onto|across|along|outside|inside|within|between|toward|towards|via|through|"
    r"throughout|linking|where|(?:starting|beginning) (?:with|in)|(?:south|north|east|west)\s+of|"
    r"(?:middle|side|end|edge|foot|heart|outskirts|center|centre|part|parts)\s+of)\s+"
    r"((?:(?:the|a|an|its|their|his|her|our|this|that)\s+)?"
    rf"(?:(?:[A-Z][\w.'’-]*[\s,]*)+(?:{_PLACE_WORDS})?|(?:[a-z'’-]+\s+){{0,3}}(?:{_PLACE_WORDS}))\b)")
# "these are the tents where ..." ("a point where we are close to capacity" is no place)
_WHERE_PLACE = re.compile(r"\b((?:the|these|those|a|an)\s+(?!(?:point|time|moment|stage|case|situation|extent|level|"
                          r"degree|way|day|days|period|instance|cases)\b)[a-z'’-]+)\s+where\b")
_ON_PLACE = re.compile(rf"\bon\s+((?:the|a|an|its|their)\s+(?:[\w'’-]+\s+){{0,3}}(?:{_PLACE_WORDS}))\b")


def places_given(text: str) -> list[str]:
    """The place phrases the text gives after a preposition of place."""
    text = strip_markers(text)
    found = [m.group(1).strip(" ,") for m in _LOCATIVE.finditer(text)] + [m.group(1) for m in _ON_PLACE.finditer(text)] + \
        [m.group(1) for m in _WHERE_PLACE.finditer(text)]
    # "to Mexican officials" is people, "in December" a time
    return [p for p in found if not _TIME_OR_PEOPLE.fullmatch(p)]


_TIME_OR_PEOPLE = re.compile(rf"(?:(?:the|a|an)\s+)?(?:{_WEEKDAY_NAMES}|{_MONTH_NAMES}|[A-Z][a-z]+(?:an|ian|ese|ish)|\d{{4}})"
                             r"(?:[\s,]+\d{1,4})*", re.IGNORECASE)


def gives_place(text: str, asked: Iterable[str], origin: bool = False) -> bool:
    """Does the text say where, with a place the question does not already name? "Where in Juarez is the
    shelter": "a Juarez shelter" gives no place beyond Juarez. ``origin`` ("where are they from"): a
    nationality ("a Nicaraguan and a Colombian") says it too."""
    if origin and _DEMONYM.search(text):
        return True
    asked = set(asked)
    # "where ... from": a place the text says someone or something came from ("from Honduras"), not where they are
    found = ([m.group(1).strip(" ,") for m in _LOCATIVE.finditer(strip_markers(text)) if m.group(0).startswith("from")]
             + [m.group(1) for m in _FROM_PLACE.finditer(strip_markers(text))]) if origin else places_given(text)
    return any(any(not covered(t, asked) and t not in _PARTITIVE for t in content_stems(normalise_aliases(p)))
               for p in found if not _REFERS_BACK.match(p))


_FROM_PLACE = re.compile(r"\b(?:citizens of|nationals of|natives of)\s+((?:the\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*)")
# words of a place that say only which part of it ("the southern *end* of the *country*"): "where in southern
# Mexico" is not answered by them
_PARTITIVE = frozenset(stem(w) for w in "end ends part parts side sides area areas region regions country nation "
                                         "middle edge".split())


_REFERS_BACK = re.compile(r"(?:this|that|these|those)\s", re.IGNORECASE)   # "to those cities": ones already named


# when something was said, not done: "Chicago Mayor Brandon Johnson said Wednesday ...", "told NBC News on Monday"
_SAID_WHEN = re.compile(
    r"\b(?:said|says|told|tells|announced|stated|added|wrote|reported|explained|noted|commented)\b"
    r"(?:\s+[A-Z][\w.’'-]*){0,3}?\s+(?:on\s+|late\s+|early\s+)?"
    rf"(?i:{_WEEKDAY_NAMES}|today|yesterday|last\s+(?:week|month|year)|this\s+(?:week|month|year))\b")
_ASKS_SAYING = re.compile(r"\b(?:say|said|says|tell|told|announc\w*|state|stated|speak|spoke|comment\w*|"
                          r"report\w*|remark\w*|note|noted|add|added|call|called|statement|interview)\b")


_PHOTO_DATE = re.compile(r"\b(?:in|on) this (?:[\w.,]+\s+){1,5}?(?:file )?(?:photo|image|picture)\b|"
                         r"\b(?:photo|image|picture) (?:taken|dated) (?:on )?(?:[\w.,]+\s+){1,5}", re.IGNORECASE)


def dates_only_the_photo(text: str) -> bool:
    """Is the text's only date that of a photo ("In this Thursday, Oct. 17, 2019 file photo, a girl plays ...")?
    It does not date the events the caption mentions."""
    return bool(_PHOTO_DATE.search(text)) and not has_date_expression(_PHOTO_DATE.sub(" ", text))


def dates_only_the_saying(text: str) -> bool:
    """Is the text's only date the day something was said ("Johnson said Wednesday ...")? It does not date
    what was done ("when did Brandon Johnson take office"); see ``QuestionTerms.asks_saying``."""
    return bool(_SAID_WHEN.search(text)) and not has_date_expression(_SAID_WHEN.sub(" ", text))


# which part of a country the places asked about are in: "which city in *southern* Mexico", "*northern* Mexican cities"
_PART_OF = re.compile(r"\b(?:city|cities|town|towns|state|states|region|regions)\s+(?:in|of)\s+(?:the\s+)?"
                      r"(north|south|east|west)(?:ern)?\b|"
                      r"\b(north|south|east|west)(?:ern)?\s+(?:[a-z]+\s+)?(?:city|cities|town|towns|state|states|region|regions)\b")


def part_of_country(text: str) -> str | None:
    """The compass part the text puts its cities in ("which city in southern Mexico" -> "south")."""
    m = _PART_OF.search(fold(text))
    return (m.group(1) or m.group(2)) if m else None


def says_part(asked: str, text: str) -> bool:
    """Does the text put what it speaks of in the part of the country asked ("bused to the *southern* end of the
    country"), not merely "south of the border" (Chihuahua City is in Mexico's north)?"""
    return bool(re.search(rf"\b{asked}(?:ern)?\b(?!\s+of\s+the\s+border)", fold(text)))


def other_part_of_country(asked: str | None, text: str) -> bool:
    """Are the text's cities in another part of the country than asked ("northern Mexican cities like Juárez"
    for "which city in southern Mexico")?"""
    said = part_of_country(text)
    return asked is not None and said is not None and said != asked
