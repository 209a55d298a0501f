"""Load step: files on disk -> raw documents (text + whatever metadata the file carries).

Formats: ``.txt``, ``.md``, ``.html``/``.htm``, ``.pdf`` and ``.jsonl`` (one article per line:
``id``, ``title``, ``text``, optional ``outlet``, ``published``, ``url``). A ``metadata.json`` sidecar in a
directory (``{"articles": {doc_id: {title, outlet, published, url, ...}}}``) adds metadata to the
files next to it; its non-null values win over what a file carries.

The document id of a file is its name without extension. Problems never raise out of this
module for a single file: they come back as :class:`Problem` records (file + reason) so one bad
file never aborts a batch.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUPPORTED = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".jsonl"}
SIDECAR = "metadata.json"
# Files in a corpus folder that describe the corpus rather than being articles.
NOT_ARTICLES = {"readme.md", "readme.txt", "readme", "license", "license.txt", SIDECAR}


@dataclass
class RawDoc:
    doc_id: str
    text: str
    source_path: str
    fmt: str                                  # txt, md, html, pdf, jsonl
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    title_in_text: bool = False               # the title is (probably) repeated as the first line of text
    headline_candidate: bool = False          # plain text: the first line may be a headline (see clean.py)


@dataclass
class Problem:
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class LoadError(Exception):
    """A whole file cannot be read; ``str(exc)`` is the reason."""


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def discover(paths: Sequence[Path | str]) -> Discovery:
    """Expand directories (recursively, sorted); explicit unsupported files and missing paths are problems.

    Inside a directory, files with other extensions, hidden files, README and metadata.json are not articles
    and are passed over silently.
    """
    out = Discovery()
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            out.problems.append(Problem(str(path), "no such file or directory"))
            continue
        if path.is_dir():
            for f in sorted(p for p in path.rglob("*") if p.is_file()):
                rel = f.relative_to(path)
                if any(part.startswith((".", "_")) for part in rel.parts):
                    continue
                if f.name.lower() in NOT_ARTICLES or f.suffix.lower() not in SUPPORTED:
                    continue
                if f.resolve() not in seen:
                    seen.add(f.resolve())
                    out.files.append(f)
        elif path.suffix.lower() not in SUPPORTED:
            out.problems.append(Problem(str(path), f"unsupported file type '{path.suffix or '(none)'}' "
                                                   f"(supported: {', '.join(sorted(SUPPORTED))})"))
        elif path.resolve() not in seen:
            seen.add(path.resolve())
            out.files.append(path)
    return out


def read_sidecar(directory: Path) -> tuple[dict[str, dict[str, Any]], Problem | None]:
    """The ``articles`` table of ``directory/metadata.json`` ({} when there is none)."""
    path = directory / SIDECAR
    if not path.is_file():
        return {}, None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {}, Problem(str(path), f"metadata sidecar is not valid JSON ({exc}); its metadata was not applied")
    articles = data.get("articles") if isinstance(data, dict) else None
    if not isinstance(articles, dict) or not all(isinstance(v, dict) for v in articles.values()):
        return {}, Problem(str(path), 'metadata sidecar must look like {"articles": {"<doc id>": {"title": ..., '
                                      '"outlet": ..., "published": ..., "url": ...}}}; its metadata was not applied')
    return articles, None


# ---------------------------------------------------------------- reading bytes safely

def read_text_file(path: Path, max_bytes: int) -> str:
    """Decoded text of a text file, or LoadError(empty / binary / oversized / undecodable)."""
    data = read_bytes(path, max_bytes)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):           # UTF-16 with a byte-order mark
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise LoadError("malformed UTF-16 text (cannot decode it); save it as UTF-8") from None
    else:
        if b"\x00" in data[:8192]:
            raise LoadError("binary file (contains NUL bytes), not text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")            # old Windows exports
            except UnicodeDecodeError:
                raise LoadError("not UTF-8 text (cannot decode it); save it as UTF-8") from None
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text[:8192]) // 100):
        raise LoadError("binary file (control characters), not text")
    if not text.strip():
        raise LoadError("empty file (no text)")
    return text


def read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(f"cannot read it ({exc.strerror or exc})") from exc
    if size == 0:
        raise LoadError("empty file (0 bytes)")
    if size > max_bytes:
        raise LoadError(f"oversized: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.1f} MB limit "
                        "(NEWSRAG_INGEST__MAX_FILE_MB)")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read it ({exc.strerror or exc})") from exc


# ---------------------------------------------------------------- formats

def load_file(path: Path, max_bytes: int) -> tuple[list[RawDoc], list[Problem]]:
    """Raw documents in one file. Raises LoadError when the whole file is unusable."""
    suffix = path.suffix.lower()
    doc_id = path.stem
    if suffix == ".txt":
        text = read_text_file(path, max_bytes)
        return [RawDoc(doc_id, text, str(path), "txt", headline_candidate=True)], []
    if suffix in (".md", ".markdown"):
        return [_load_markdown(path, read_text_file(path, max_bytes))], []
    if suffix in (".html", ".htm"):
        return [_load_html(path, read_text_file(path, max_bytes))], []
    if suffix == ".pdf":
        return [_load_pdf(path, read_bytes(path, max_bytes))], []
    if suffix == ".jsonl":
        return _load_jsonl(path, read_text_file(path, max_bytes))
    raise LoadError(f"unsupported file type '{suffix}'")


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


def _load_markdown(path: Path, text: str) -> RawDoc:
    meta: dict[str, Any] = {}
    m = _FRONT_MATTER.match(text)
    if m:
        try:
            import yaml

            loaded = yaml.safe_load(m.group(1))
            meta = loaded if isinstance(loaded, dict) else {}
        except Exception as exc:
            raise LoadError(f"malformed front matter ({exc.__class__.__name__}: {exc})") from exc
        text = text[m.end():]
    lines = text.splitlines()
    title = _str_or_none(meta.get("title"))
    out_lines: list[str] = []
    for line in lines:
        stripped = line.strip()
        heading = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", stripped)
        if heading:
            if title is None and heading.group(1) == "#" and not any(s.strip() for s in out_lines):
                title = heading.group(2).strip()
                continue
            stripped = heading.group(2)
        stripped = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", stripped)        # images -> alt text
        stripped = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", stripped)         # links -> text
        stripped = re.sub(r"(\*\*|__)(.+?)\1", r"\2", stripped)              # bold
        stripped = re.sub(r"(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])", r"\2", stripped)  # italics
        stripped = re.sub(r"`([^`]*)`", r"\1", stripped)
        stripped = re.sub(r"^>\s?", "", stripped)
        stripped = re.sub(r"^[-*+]\s+", "", stripped)
        out_lines.append(stripped)
    return RawDoc(path.stem, "\n".join(out_lines), str(path), "md", title=title,
                  outlet=_str_or_none(meta.get("outlet")), published=_str_or_none(meta.get("published") or meta.get("date")),
                  url=_str_or_none(meta.get("url")))


_BLOCKS = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption", "pre", "td"]


def _load_html(path: Path, text: str) -> RawDoc:
    try:
        from bs4 import BeautifulSoup
    except ImportError as exc:  # pragma: no cover
        raise LoadError("beautifulsoup4 is not installed: run `make install`") from exc
    soup = BeautifulSoup(text, "html.parser")

    def meta(*names: str) -> str | None:
        for name in names:
            tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
            if tag and tag.get("content"):
                return str(tag["content"]).strip()
        return None

    title = meta("og:title", "twitter:title")
    h1 = soup.find("h1")
    if not title and h1:
        title = h1.get_text(" ", strip=True)
    if not title and soup.title and soup.title.string:
        title = soup.title.string.strip()
    outlet = meta("og:site_name", "publisher")
    published = meta("article:published_time", "datePublished", "date", "pubdate")
    if not published:
        time_tag = soup.find("time", attrs={"datetime": True})
        published = str(time_tag["datetime"]) if time_tag else None
    canonical = soup.find("link", attrs={"rel": "canonical"})
    url = meta("og:url") or (str(canonical["href"]) if canonical and canonical.get("href") else None)

    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg"]):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    blocks: list[str] = []
    for el in root.find_all(_BLOCKS):
        if el.find_parent(_BLOCKS) is not None:      # nested block: its parent already has the text
            continue
        block = el.get_text(" ", strip=True)
        if block:
            blocks.append(re.sub(r"\s+", " ", block))
    if not blocks:  # no block markup: fall back to the plain text
        blocks = [line.strip() for line in root.get_text("\n").splitlines() if line.strip()]
    if not blocks:
        raise LoadError("HTML page holds no readable text")
    return RawDoc(path.stem, "\n\n".join(blocks), str(path), "html", title=title, outlet=outlet,
                  published=published, url=url, title_in_text=True)


def _load_pdf(path: Path, data: bytes) -> RawDoc:
    if not data.startswith(b"%PDF"):
        raise LoadError("not a PDF file (no %PDF header)")
    try:
        import io

        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
        info_title = None
        try:
            info_title = reader.metadata.title if reader.metadata else None
        except Exception:
            info_title = None
    except Exception as exc:
        raise LoadError(f"malformed PDF ({exc.__class__.__name__}: {exc})") from exc
    paragraphs: list[str] = []
    for page in pages:
        for para in re.split(r"\n\s*\n", page):
            joined = re.sub(r"-\n(?=[a-z])", "", para)        # de-hyphenate words broken across lines
            joined = re.sub(r"\s*\n\s*", " ", joined).strip()
            if joined:
                paragraphs.append(joined)
    if not paragraphs:
        raise LoadError("PDF has no extractable text (scanned image?)")
    return RawDoc(path.stem, "\n\n".join(paragraphs), str(path), "pdf", title=_str_or_none(info_title),
                  title_in_text=True, headline_candidate=not info_title)


def _load_jsonl(path: Path, text: str) -> tuple[list[RawDoc], list[Problem]]:
    docs: list[RawDoc] = []
    problems: list[Problem] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(where, f"line is not valid JSON ({exc.msg})"))
            continue
        if not isinstance(obj, dict):
            problems.append(Problem(where, "line is not a JSON object"))
            continue
        doc_id = obj.get("id")
        body = obj.get("text")
        if not isinstance(doc_id, (str, int)) or not str(doc_id).strip():
            problems.append(Problem(where, "missing 'id'"))
            continue
        if not isinstance(body, str) or not body.strip():
            problems.append(Problem(where, f"article '{doc_id}' has no 'text'"))
            continue
        docs.append(RawDoc(str(doc_id).strip(), body, where, "jsonl", title=_str_or_none(obj.get("title")),
                           outlet=_str_or_none(obj.get("outlet")), published=_str_or_none(obj.get("published")),
                           url=_str_or_none(obj.get("url")), title_in_text=True))
    if not docs and not problems:
        raise LoadError("empty file (no articles)")
    return docs, problems


def apply_sidecar(doc: RawDoc, entry: dict[str, Any] | None) -> RawDoc:
    """Sidecar values (non-null) win; a sidecar title is checked against the first line of the text."""
    if not entry:
        return doc
    for key in ("outlet", "published", "url"):
        value = _str_or_none(entry.get(key))
        if value is not None:
            setattr(doc, key, value)
    title = _str_or_none(entry.get("title"))
    if title is not None:
        doc.title = title
        doc.title_in_text = True
    return doc


def _str_or_none(value: Any) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def iter_docs(files: Iterable[Path], max_bytes: int):
    """(file, docs, problems) per file, with sidecar metadata applied; LoadError becomes a Problem."""
    sidecars: dict[Path, dict[str, dict[str, Any]]] = {}
    for f in files:
        directory = f.parent
        side_problem = None
        if directory not in sidecars:
            sidecars[directory], side_problem = read_sidecar(directory)
        problems: list[Problem] = [side_problem] if side_problem else []
        try:
            docs, more = load_file(f, max_bytes)
        except LoadError as exc:
            yield f, [], problems + [Problem(str(f), str(exc))]
            continue
        except Exception as exc:  # a parser bug on one odd file must not abort the batch
            yield f, [], problems + [Problem(str(f), f"could not be read ({exc.__class__.__name__}: {exc})")]
            continue
        table = sidecars[directory]
        yield f, [apply_sidecar(d, table.get(d.doc_id)) for d in docs], problems + more
