"""Generic English text utilities for the answer step: sentences, words, stems, IDF, and the checkable facts of a
sentence (numbers, years, months, names).

Nothing here knows a collection: no names, topics, synonyms or phrasings of any particular articles. Sentence
boundaries come from blingfire, stems from the Snowball English stemmer (PyStemmer); the stopword list is the
usual English function words.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import blingfire
import Stemmer

_STEMMER = Stemmer.Stemmer("english")

# English function words, question words and auxiliaries (the common IR stopword list): they carry no topic.
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below between both
but by can could did do does doing done down during each either else ever few for from further had has have having
he her here hers herself him himself his how however i if in into is it its itself just least less let like made
make many may me might more most much must my myself neither no nor not now of off often on once one only or other
our ours ourselves out over own per perhaps rather really same say said says shall she should since so some such
than that the their theirs them themselves then there these they this those through thus to too under until up upon
us very via was we were what whatever when where whether which while who whom whose why will with within without
would yet you your yours yourself yourselves according ago already among another anyone anything around away back
became become becomes did does etc even every get gets getting give given go goes going got however instead it's
know known later least many mean meanwhile much near nearly need never next nothing often onto others otherwise
part put quite re regarding seem seemed seems several since take taken tell tells told toward towards true unless
use used uses using want wanted way well went whereas yes
""".split())

# words that only say what kind of answer is wanted ("what year", "how many") or frame the question
QUESTION_FRAME = frozenset("""
question answer article articles report reported reports reporting news story stories name named exactly
specific specifically actually amount number figure total exact kind type happen happened happening tell
""".split())

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
_MONTH_ABBR = {m[:3]: m for m in MONTHS} | {"sept": "september"}
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())} | {"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60",
                                                     "seventy": "70", "eighty": "80", "ninety": "90",
                                                     "hundred": "100", "dozen": "12"}

_WORD = re.compile(r"[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F'\u2019.-]*[A-Za-z\u00C0-\u024F]|[A-Za-z\u00C0-\u024F]|\d[\d,.]*\d|\d")
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:-(\d+)/(\d+))?")
_MARKERS = re.compile(r"\s*\[\s*\d{1,3}(?:\s*[,;]\s*\d{1,3})*\s*\]")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Span]:
    """Sentences of ``text`` with exact character offsets (``text[start:end] == span.text``), never across a
    blank line or a paragraph break."""
    out: list[Span] = []
    for para in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        block = para.group()
        if not block.strip():
            continue
        _, offsets = blingfire.text_to_sentences_and_offsets(block)
        for a, b in offsets:
            piece = block[a:b]
            lead = len(piece) - len(piece.lstrip())
            piece = piece.strip()
            if piece:
                start = para.start() + a + lead
                out.append(Span(start, start + len(piece), piece))
    return out


def fold(word: str) -> str:
    """Lower case without accents or apostrophes: "Juárez's" -> "juarezs"."""
    text = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower().replace("'", "").replace("\u2019", "")


def words(text: str) -> list[str]:
    return _WORD.findall(text)


# Units as news wires abbreviate them ("588 mln dlrs", "3 pct") and as everyone else writes them ("588 million
# dollars", "3 percent"): compared as one word. Units only, the same in any collection.
UNIT_FORMS = {"mln": "million", "bln": "billion", "bn": "billion", "pct": "percent", "dlrs": "dollars",
              "dlr": "dollar", "cts": "cents", "yrs": "years", "mths": "months", "kg": "kilograms",
              "km": "kilometres", "kilometers": "kilometres"}


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    f = fold(word).strip(".-")
    return _STEMMER.stemWord(UNIT_FORMS.get(f, f))


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning (no function words, no one-letter words), in order."""
    out = []
    for w in words(text):
        f = fold(w).strip(".-")
        if len(f) < 2 or f in STOPWORDS:
            continue
        out.append(stem(f))
    return out


def strip_markers(text: str) -> str:
    return _MARKERS.sub("", text)


class Idf:
    """Inverse document frequency of stems over a set of texts (smoothed; unknown stems get the maximum)."""

    def __init__(self, texts: Iterable[str] = ()):
        df: Counter[str] = Counter()
        n = 0
        for t in texts:
            n += 1
            df.update(set(content_stems(t)))
        self.n = n
        self._df = df
        self._max = math.log((n + 1) / 0.5)

    def __call__(self, term: str) -> float:
        d = self._df.get(term)
        return self._max if d is None else math.log((self.n + 1) / (d + 0.5))


def coverage(question_stems: Iterable[str], text_stems: set[str] | frozenset[str], idf: Idf) -> float:
    """IDF-weighted share of the question's content stems that ``text_stems`` holds."""
    terms = [t for t in dict.fromkeys(question_stems) if t not in QUESTION_STEMS]
    total = sum(idf(t) for t in terms)
    if not total:
        return 0.0
    return sum(idf(t) for t in terms if t in text_stems) / total


QUESTION_STEMS = frozenset(stem(w) for w in QUESTION_FRAME)


# ----------------------------------------------------------------------------- checkable facts

def numbers(text: str) -> set[str]:
    """The numbers written in ``text``, normalised: "1,500" -> "1500", "4.96" -> "4.96", "2-1/2" -> "2-1/2",
    "two" -> "2". Years are numbers too."""
    out: set[str] = set()
    for m in _NUMBER.finditer(text):
        whole = m.group(1).replace(",", "")
        value = whole.lstrip("0") or "0"
        if m.group(2) is not None:
            frac = m.group(2).rstrip("0")
            value = f"{value}.{frac}" if frac else value
        if m.group(3) is not None:
            value = f"{value}-{m.group(3)}/{m.group(4)}"
        out.add(value)
    for w in words(text):
        f = fold(w)
        if f in _NUMBER_WORDS:
            out.add(_NUMBER_WORDS[f])
    return out


def months(text: str) -> set[str]:
    out = set()
    for w in words(text):
        f = fold(w).rstrip(".")
        if f in MONTHS and (f != "may" or w[0].isupper()):
            out.add(f)
        elif f in _MONTH_ABBR and w[0].isupper():
            out.add(_MONTH_ABBR[f])
    return out


def names(text: str) -> set[str]:
    """Folded words written with a capital that do not open a sentence (proper names, acronyms), without the
    function words and month names."""
    out = set()
    for span in split_sentences(text) or [Span(0, len(text), text)]:
        toks = words(span.text)
        for i, w in enumerate(toks):
            if i == 0 or not w[0].isupper():
                continue
            f = fold(w).strip(".-")
            if len(f) < 2 or f in STOPWORDS or f in MONTHS or f in _MONTH_ABBR:
                continue
            out.add(f)
    return out


def name_found(name: str, text_folded_words: set[str], text_stems: set[str]) -> bool:
    """Is the folded ``name`` written in a text (as a word, its stem, or a hyphenated part)?"""
    if name in text_folded_words or stem(name) in text_stems:
        return True
    return any(part and (part in text_folded_words) for part in re.split(r"[-.]", name)) and "-" in name
