"""Clean step: raw document -> Article (cleaned text every offset refers to, plus metadata).

Removes site furniture that is not the article:

* share prompts ("Share this @internewscast.com", "Share on Facebook", ...),
* teaser blocks ("You May Also Like", "Related Articles", "Read Next", ...) - from the heading to the end,
* "See also ..." lines,
* comment forms ("Leave a Reply", "Your email address will not be published", ...) - to the end,
* lone "Advertisement" markers.

Photo captions ("... (Border Report photo)", "(AP Photo/...)") are part of the article and stay.

Titles: a title from the sidecar or the file wins (and is removed from the top of the text when the text
repeats it). Otherwise the first line of plain text is the headline when it looks like one: short, no
terminal period, followed by the body. Otherwise a display title is derived from the lede and marked
``title_derived=True``. Published dates are normalised to partial ISO ("2024", "2024-05", "2024-05-03")
or None; the ingest time is never used as a publication date.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata

from rag.ingest.chunk import split_sentences
from rag.ingest.load import RawDoc
from rag.types import Article

_SHARE = re.compile(r"^(share (this|on|via|the|article|story)\b.*|share|tweet|email|print|pin it|"
                    r"share on (facebook|twitter|x|linkedin|whatsapp).*|click to share.*|"
                    r"(facebook|twitter|linkedin|whatsapp|email|pinterest)( (facebook|twitter|x|linkedin|whatsapp|"
                    r"email|pinterest|reddit))+)$", re.I)
_TEASER_HEADINGS = re.compile(r"^(you (may|might) also (like|enjoy)|related (articles|posts|stories|news|content)|"
                              r"more (stories|from [\w .@-]+|news)|read next|recommended( for you| stories| articles)?|"
                              r"trending( now| stories)?|most (popular|read)|what to read next|don'?t miss|"
                              r"popular (posts|stories)|latest (news|stories|posts))\s*:?$", re.I)
_COMMENT_FORM = re.compile(r"^(leave a (reply|comment)|post a comment|add a comment|join the (conversation|discussion)|"
                           r"\d+ comments?|comments)\s*:?$", re.I)
_DROP_LINE = re.compile(r"^(see also\b.{0,200}|also read\b.{0,200}|read more\s*:.{0,200}|read also\b.{0,200}|"
                        r"advertisement|advertisment|sponsored( content)?|skip (ad|advertisement)|"
                        r"your email address will not be published\..*|required fields are marked.*|"
                        r"sign up for (our|the) [\w ]{0,40}newsletter.{0,200}|subscribe to (our|the) [\w ]{0,40}newsletter.{0,200})$",
                        re.I)

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_DATELINE = re.compile(r"^[A-Z][A-Z .,'\u2019-]{2,40}(?:,\s+[A-Z][\w .]{1,30})?\s*(?:\([^)]{1,60}\))?\s*[\u2013\u2014-]+\s+")


def normalise_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff]", "", text)
    text = text.replace("\u00a0", " ").replace("\t", " ")
    text = re.sub(r"[ \f\v]+", " ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def clean_text(text: str) -> str:
    """Article text without site furniture. Line-based and conservative: only whole lines go."""
    kept: list[str] = []
    for line in normalise_text(text).split("\n"):
        probe = re.sub(r"\s+", " ", line).strip()
        if _TEASER_HEADINGS.match(probe) or _COMMENT_FORM.match(probe):
            break                                   # teaser block / comment form: everything after is furniture
        if _SHARE.match(probe) or _DROP_LINE.match(probe):
            continue
        kept.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def looks_like_headline(line: str, rest: str) -> bool:
    """Short, no terminal period, and followed by a body."""
    line = line.strip()
    words = line.split()
    return (2 <= len(words) <= 25 and len(line) <= 200 and not re.search(r"[.,;:\u2026]$", line)
            and not line.startswith(("\u201c", '"', "(")) and not _DATELINE.match(line)
            and len(rest.strip()) >= 2 * len(line))


def derive_title(text: str, max_chars: int = 90) -> str | None:
    """A display title from the lede: its first sentence without the dateline, shortened at a word."""
    spans = split_sentences(text)
    if not spans:
        return None
    s, e = spans[0]
    lede = _DATELINE.sub("", text[s:e]).strip()
    lede = lede.rstrip(".")
    if len(lede) > max_chars:
        cut = lede[:max_chars].rsplit(" ", 1)[0].rstrip(",;:\u2013\u2014- ")
        lede = cut + "\u2026"
    return lede or None


def normalise_published(value: str | None) -> str | None:
    """"2024-05-03T10:00Z" -> "2024-05-03"; "2024-05" stays; anything unparseable -> None."""
    if not value:
        return None
    m = _DATE.match(value.strip())
    if not m:
        return None
    year, month, day = m.groups()
    if month and not 1 <= int(month) <= 12:
        return None
    if day and not 1 <= int(day) <= 31:
        return None
    return "-".join(p for p in (year, month, day) if p)


def _same(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"\W+", " ", s.casefold()).strip()
    return norm(a) == norm(b)


def content_hash(article_fields: dict) -> str:
    payload = json.dumps(article_fields, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def to_article(doc: RawDoc) -> tuple[Article, list[str]]:
    """The cleaned Article for a raw document, and warnings (e.g. an unparseable date)."""
    warnings: list[str] = []
    text = clean_text(doc.text)
    title = doc.title.strip() if doc.title else None
    if title:
        title = re.sub(r"\s+", " ", title)
    title_derived = False
    first, _, rest = text.partition("\n")
    if title:
        if first.strip() and _same(first, title):
            text = rest.strip()
    elif doc.headline_candidate and first and looks_like_headline(first, rest):
        title, text = first.strip(), rest.strip()
    if not title:
        title = derive_title(text)
        title_derived = title is not None
    published = normalise_published(doc.published)
    if doc.published and published is None:
        warnings.append(f"{doc.source_path}: published date {doc.published!r} is not an ISO date; stored as unknown")
    fields = {"doc_id": doc.doc_id, "text": text, "title": title, "title_derived": title_derived,
              "outlet": doc.outlet, "published": published, "url": doc.url}
    article = Article(**fields, source_path=doc.source_path, content_hash=content_hash(fields))
    return article, warnings
