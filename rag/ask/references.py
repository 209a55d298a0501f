"""APA 7 and MLA 9 reference strings for the articles an answer cites (one per article).

News articles here carry no author, so both styles start with the title. Missing fields follow
the styles' rules: APA writes "n.d." for no date and a bracketed description for a work without
a printed title (our derived titles); MLA omits a missing date and gives an untitled work's
description without quotation marks. Dates as precise as known: APA "(2024, May 3)",
"(2024, May)", "(2024)"; MLA "3 May 2024", "May 2024", "2024". Plain text (no markup), so a
student can paste it anywhere.
"""

from __future__ import annotations

import re

from rag.types import Citation

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_MLA_MONTHS = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]


def _date_parts(published: str | None) -> tuple[int | None, int | None, int | None]:
    if not published:
        return None, None, None
    m = re.match(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", published.strip())
    if not m:
        return None, None, None
    y = int(m.group(1))
    mo = int(m.group(2)) if m.group(2) and 1 <= int(m.group(2)) <= 12 else None
    d = int(m.group(3)) if mo and m.group(3) and 1 <= int(m.group(3)) <= 31 else None
    return y, mo, d


def apa_date(published: str | None) -> str:
    y, mo, d = _date_parts(published)
    if y is None:
        return "(n.d.)"
    if mo is None:
        return f"({y})"
    if d is None:
        return f"({y}, {_MONTHS[mo - 1]})"
    return f"({y}, {_MONTHS[mo - 1]} {d})"


def mla_date(published: str | None) -> str | None:
    y, mo, d = _date_parts(published)
    if y is None:
        return None
    if mo is None:
        return str(y)
    if d is None:
        return f"{_MLA_MONTHS[mo - 1]} {y}"
    return f"{d} {_MLA_MONTHS[mo - 1]} {y}"


def _end(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def apa(c: Citation) -> str:
    title = (c.title or "").strip()
    if not title:
        title_part = f"[News article {c.doc_id}]"
    elif c.title_derived:
        title_part = f"[{title.rstrip('.')}]"
    else:
        title_part = title
    parts = [_end(title_part), apa_date(c.published) + "."]
    if c.outlet:
        parts.append(_end(c.outlet))
    if c.url:
        parts.append(c.url)
    return " ".join(parts)


def mla(c: Citation) -> str:
    title = (c.title or "").strip()
    if not title:
        first = f"News article {c.doc_id}."
    elif c.title_derived:
        first = _end(title)
    else:
        t = title if title.endswith((".", "?", "!")) else title + "."
        first = f"\u201c{t}\u201d"
    rest = [x for x in (c.outlet, mla_date(c.published), _mla_url(c.url)) if x]
    return f"{first} {', '.join(rest)}." if rest else first


def _mla_url(url: str | None) -> str | None:
    return re.sub(r"^https?://", "", url) if url else None


def format_references(citations: list[Citation]) -> dict[str, list[str]]:
    """{"apa": [...], "mla": [...]}: one entry per cited article, in order of first citation."""
    seen: set[str] = set()
    firsts: list[Citation] = []
    for c in citations:
        if c.doc_id not in seen:
            seen.add(c.doc_id)
            firsts.append(c)
    return {"apa": [apa(c) for c in firsts], "mla": [mla(c) for c in firsts]}
