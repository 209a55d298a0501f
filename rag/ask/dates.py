"""Relative time in a question, resolved against the collection's dates.

``resolve_time("What did the Fed do last week?", now=date(1987, 10, 20))`` returns a
:class:`TimeScope`: the publication days to search (1987-10-12 to 1987-10-18), whether newer articles
should lead ("latest", "most recent", "recently"), the words that said so ("last week") and the
question without them ("What did the Fed do?"), which is what should be searched: the time words are
a filter, not something the passages must contain.

"now" is the reference day: the newest publication day in the index (``Retriever.date_range()[1]``,
see :func:`reference_date`), or a day given in the settings (``retrieval.reference_date``) or on
the command line (``--now``). A news collection is read as of its last day, not as of today.

Expressions understood (English; case-insensitive except bare month names, which must be written
with a capital, "in March", so that "the march" or "may" are not read as months):

* named days: today, yesterday, N days ago, last Friday (the latest Friday before now);
* weeks, months, years relative to now: this/last/past week, month, year; the past/last N days, weeks,
  months;
* calendar periods: in March (the latest March up to now), in March 1987, March 9 / 9 March 1987,
  1987-03-09, in 1987, since/after/before/until a month or day, between March and April,
  from March 3 to March 9;
* recency: latest, newest, most recent, recent(ly), lately, so far (newest first; no range).

Dates are read by dateutil (``parser.parse`` for explicit days, ``relativedelta`` for calendar
arithmetic); the rules here only find the expression in the question. Nothing here knows any topic.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from dateutil import parser as du_parser
from dateutil.relativedelta import relativedelta

__all__ = ["TimeScope", "resolve_time", "reference_date"]


@dataclass(frozen=True)
class TimeScope:
    """What a question says about time. ``start``/``end`` are inclusive publication days (None: open)."""

    start: date | None = None
    end: date | None = None
    prefer_recent: bool = False
    matched_text: str = ""          # the words of the question that said it ("last week"), "" when none
    text: str = ""                  # the question without those words: what to search for

    @property
    def has_range(self) -> bool:
        return self.start is not None or self.end is not None

    def __bool__(self) -> bool:
        return self.has_range or self.prefer_recent

    def describe(self) -> str:
        """"1987-10-12 to 1987-10-18 (“last week”), newest first"."""
        parts = []
        if self.has_range:
            lo = self.start.isoformat() if self.start else "…"
            hi = self.end.isoformat() if self.end else "…"
            parts.append(lo if lo == hi else f"{lo} to {hi}")
        if self.prefer_recent:
            parts.append("newest first")
        text = ", ".join(parts)
        return f"{text} (“{self.matched_text}”)" if self.matched_text and text else text

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None,
                "prefer_recent": self.prefer_recent, "matched_text": self.matched_text, "text": self.text}


# ---------------------------------------------------------------------- building blocks

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "few": 3, "several": 3,
                "couple of": 2}

_MONTH_CAP = r"(?-i:January|February|March|April|May|June|July|August|September|October|November|December|" \
             r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_YEAR = r"(?:1[89]\d\d|20\d\d|21\d\d)"
_NUM = r"(?:\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|several|couple of)"
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
# an explicit day: 1987-03-09, March 9(, 1987), 9 March( 1987)
_EXPLICIT_DAY = (rf"(?:{_YEAR}-[01]\d-[0-3]\d|{_MONTH_CAP}\s+{_DAY}(?:,?\s+{_YEAR})?(?![\d,])|"
                 rf"{_DAY}\s+{_MONTH_CAP}(?:,?\s+{_YEAR})?)")
_MONTH_YEAR = rf"(?:{_MONTH_CAP},?\s+{_YEAR})"


def _number(word: str) -> int:
    word = word.lower()
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def _month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _latest_month(month: int, now: date) -> date:
    """The first day of the latest ``month`` that began on or before ``now``."""
    year = now.year if month <= now.month else now.year - 1
    return date(year, month, 1)


def _explicit_day(text: str, now: date) -> date | None:
    """A day written out ("March 9", "9 March 1987", "1987-03-09"); a day without a year is the latest
    such day up to ``now``."""
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.replace(".", ""))
    try:
        got = du_parser.parse(cleaned, default=datetime(now.year, now.month, 1), fuzzy=False).date()
    except (ValueError, OverflowError):
        return None
    if not re.search(_YEAR, text) and got > now:
        got -= relativedelta(years=1)
    return got


def _period(text: str, now: date) -> tuple[date, date] | None:
    """A day, a month ("March", "March 1987") or a year ("1987") as (first day, last day)."""
    text = text.strip()
    if re.fullmatch(_YEAR, text):
        return date(int(text), 1, 1), date(int(text), 12, 31)
    if re.fullmatch(_EXPLICIT_DAY, text, flags=re.I):
        day = _explicit_day(text, now)
        return (day, day) if day else None
    m = re.fullmatch(rf"({_MONTH_CAP})(?:,?\s+({_YEAR}))?", text, flags=re.I)
    if m:
        month = MONTHS[m.group(1).rstrip(".").lower()]
        first = date(int(m.group(2)), month, 1) if m.group(2) else _latest_month(month, now)
        return first, _month_end(first)
    return None


_PERIOD = rf"(?:{_EXPLICIT_DAY}|{_MONTH_YEAR}|{_MONTH_CAP}|{_YEAR})"


# ---------------------------------------------------------------------- rules: (pattern, resolver)

def _between(m: re.Match, now: date):
    a, b = _period(m.group("a"), now), _period(m.group("b"), now)
    if not a or not b:
        return None
    if b[1] < a[0] and not re.search(_YEAR, m.group("b")):     # "between November and February"
        b = (b[0] + relativedelta(years=1), _month_end(b[1] + relativedelta(years=1)) if b[0] != b[1]
             else b[1] + relativedelta(years=1))
    if b[1] < a[0]:
        a, b = b, a
    return a[0], b[1]


def _since(m: re.Match, now: date):
    p = _period(m.group("a"), now)
    if not p:
        return None
    word = m.group("w").lower()
    if word in ("after",):
        return p[1] + timedelta(days=1), None
    if word in ("before",):
        return None, p[0] - timedelta(days=1)
    if word in ("until", "till", "up to"):
        return None, p[1]
    return p[0], None                                            # since, from


def _in_period(m: re.Match, now: date):
    return _period(m.group("a"), now)


def _relative_unit(m: re.Match, now: date):
    which, unit = m.group("which").lower(), m.group("unit").lower()
    which = "last" if which == "previous" else which
    if unit == "week":
        monday = now - timedelta(days=now.weekday())
        if which == "this":
            return monday, now
        if which == "last":
            return monday - timedelta(days=7), monday - timedelta(days=1)
        return now - timedelta(days=6), now                            # past week
    if unit == "month":
        first = now.replace(day=1)
        if which == "this":
            return first, now
        if which == "last":
            prev = first - relativedelta(months=1)
            return prev, _month_end(prev)
        return now - relativedelta(months=1) + timedelta(days=1), now     # past month
    first = date(now.year, 1, 1)                                          # year
    if which == "this":
        return first, now
    if which == "last":
        return date(now.year - 1, 1, 1), date(now.year - 1, 12, 31)
    return now - relativedelta(years=1) + timedelta(days=1), now


def _last_n(m: re.Match, now: date):
    n, unit = _number(m.group("n")), m.group("unit").lower().rstrip("s")
    delta = {"day": relativedelta(days=n), "week": relativedelta(weeks=n), "month": relativedelta(months=n),
             "year": relativedelta(years=n)}[unit]
    return now - delta + timedelta(days=1), now


def _days_ago(m: re.Match, now: date):
    n, unit = _number(m.group("n")), m.group("unit").lower().rstrip("s")
    day = now - (relativedelta(days=n) if unit == "day" else relativedelta(weeks=n))
    return day, day


def _weekday(m: re.Match, now: date):
    target = WEEKDAYS[m.group("d").lower()]
    back = (now.weekday() - target) % 7
    if m.group("last") and back == 0:
        back = 7
    day = now - timedelta(days=back)
    return day, day


def _named_day(m: re.Match, now: date):
    word = m.group(0).lower()
    if "yesterday" in word:
        return now - timedelta(days=1), now - timedelta(days=1)
    return now, now


_PREP = r"(?:in|during|throughout|for|of|on|at)"
RULES: list[tuple[re.Pattern, Any]] = [
    (re.compile(rf"\b(?:between|from)\s+(?P<a>{_PERIOD})\s+(?:and|to|until|till|through)\s+(?P<b>{_PERIOD})\b",
                re.I), _between),
    (re.compile(rf"\b(?P<w>since|after|before|until|till|up to|from)\s+(?:the\s+start\s+of\s+)?(?P<a>{_PERIOD})\b",
                re.I), _since),
    (re.compile(r"\b(?:in|during|over|for)?\s*(?:the\s+)?(?P<which>last|past|previous)\s+(?P<n>" + _NUM +
                r")\s+(?P<unit>days?|weeks?|months?|years?)\b", re.I), _last_n),
    (re.compile(r"\b(?P<n>" + _NUM + r")\s+(?P<unit>days?|weeks?)\s+ago\b", re.I), _days_ago),
    (re.compile(r"\b(?:(?:in|during|over|for|from|of)\s+)?(?:the\s+)?(?P<which>this|last|past|previous)\s+"
                r"(?P<unit>week|month|year)\b", re.I),
     _relative_unit),
    (re.compile(rf"\b(?:{_PREP}\s+)?(?:the\s+)?(?P<a>{_EXPLICIT_DAY})\b", re.I), _in_period),
    (re.compile(rf"\b(?:{_PREP}\s+(?:(?:the\s+)?(?:early|late|mid)[\s-]+)?|(?:early|late|mid)[\s-]+)"
                rf"(?P<a>{_MONTH_YEAR}|{_MONTH_CAP}|{_YEAR})\b", re.I),
     _in_period),
    (re.compile(rf"\b(?P<a>{_MONTH_YEAR})\b", re.I), _in_period),
    # "last Friday"; a bare "on Friday" is left alone: in a question about the news it names the day of an
    # event in some article, not a day relative to the collection's last one
    (re.compile(rf"\b(?:on\s+)?(?P<last>last\s+)(?P<d>{_WEEKDAY})\b", re.I), _weekday),
    (re.compile(r"\b(?:yesterday|today)(?:'s)?\b", re.I), _named_day),
]

RECENT = re.compile(r"\b(?:latest|newest|most\s+recent(?:ly)?|recent(?:ly)?|lately|so\s+far|"
                    r"up[\s-]to[\s-]date)\b", re.I)


def _strip(question: str, span: tuple[int, int]) -> str:
    text = question[:span[0]] + " " + question[span[1]:]
    text = re.sub(r"\s+([?.!,;:])", r"\1", text)
    text = re.sub(r"\s{2,}", " ", text).strip()
    text = re.sub(r"^[,;:]\s*", "", text)
    return text


def resolve_time(question: str, now: date) -> TimeScope:
    """The publication days ``question`` asks about, relative to ``now``, and the question to search.

    A question without a time expression gives ``TimeScope(text=question)`` (falsy). Only the first
    expression found (in the order of :data:`RULES`, the more specific first) sets the range; a recency
    word ("latest") can come with it.
    """
    if not isinstance(question, str):
        raise TypeError("question must be text")
    if not isinstance(now, date):
        raise TypeError("now must be a datetime.date (the newest article's day, or a day from the settings)")
    text = question
    matched: list[str] = []
    start = end = None
    for pattern, resolve in RULES:
        for m in pattern.finditer(text):
            got = resolve(m, now)
            if got is None:
                continue
            start, end = got
            matched.append(m.group(0).strip())
            text = _strip(text, m.span())
            break
        if matched:
            break
    prefer_recent = False
    m = RECENT.search(text)
    if m:
        prefer_recent = True
        matched.append(m.group(0).strip())
        text = _strip(text, m.span())
    if not matched:
        return TimeScope(text=question)
    if not re.search(r"[^\W\d_]", text):          # nothing left to search: keep the question as asked
        text = question
    return TimeScope(start=start, end=end, prefer_recent=prefer_recent, matched_text=", ".join(matched), text=text)


def reference_date(retriever: Any = None, setting: str | date | None = None) -> date:
    """The "now" relative time is resolved against: ``setting`` when given (a date or "YYYY-MM-DD"),
    else the newest publication day in the index, else today's date."""
    if isinstance(setting, date):
        return setting
    if setting:
        try:
            return date.fromisoformat(str(setting).strip())
        except ValueError:
            from rag.errors import QuestionError

            raise QuestionError(f"the reference date {setting!r} is not a day like 1987-10-20") from None
    newest = None
    if retriever is not None and hasattr(retriever, "date_range"):
        newest = retriever.date_range()[1]
    return date.fromisoformat(newest) if newest else date.today()
