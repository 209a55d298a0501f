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

import errno
import json
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUPPORTED = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".jsonl"}
SIDECAR = "metadata.json"
SIDECAR_MAX_BYTES = 50_000_000
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
        return f"{safe_name(self.path)}: {self.reason}"


class LoadError(Exception):
    """A whole file cannot be read; ``str(exc)`` is the reason."""


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


_NAMED_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def safe_name(value: object) -> str:
    """A file name fit for a terminal line: control characters (escape, CR, newline, bidi overrides...),
    undecodable bytes and backslashes are shown as escapes (``\\x1b``), everything else as is."""
    out = []
    for ch in str(value):
        if ch in _NAMED_ESCAPES:
            out.append(_NAMED_ESCAPES[ch])
        elif unicodedata.category(ch)[0] == "C" or unicodedata.category(ch) in ("Zl", "Zp"):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


_KINDS = [(stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device")]


def _odd_kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _link_reason(path: Path) -> str:
    """Why a symbolic link is not followed (loop, broken, or where it points)."""
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"symbolic link loop ({target}), not followed"
        return f"broken symbolic link to {target}, not followed"
    return (f"symbolic link to {target}, not followed (only regular files inside the given "
            "folders are read; copy the file in if it belongs to the collection)")


def _is_candidate(name: str) -> bool:
    return name.lower() not in NOT_ARTICLES and Path(name).suffix.lower() in SUPPORTED


def discover(paths: Sequence[Path | str]) -> Discovery:
    """Expand directories (recursively, sorted); explicit unsupported files and missing paths are problems.

    Only regular files are read, and only inside the given paths: symbolic links (to files or folders,
    broken or looping) are never followed, named pipes, sockets and devices are never opened, and a file
    whose resolved path leaves its folder is refused. Each of these, and each folder that cannot be
    listed, is reported as a problem (one line each). Inside a directory, files with other extensions,
    hidden files, README and metadata.json are not articles and are passed over silently.
    """
    out = Discovery()
    seen: set[Path] = set()

    def add(f: Path) -> None:
        real = f.resolve()
        if real not in seen:
            seen.add(real)
            out.files.append(f)

    for raw in paths:
        path = Path(raw)
        if path.is_symlink() and not path.is_dir():
            out.problems.append(Problem(str(path), _link_reason(path)))
            continue
        if not path.exists():
            out.problems.append(Problem(str(path), "no such file or directory"))
            continue
        if path.is_dir():
            _walk(path, path.resolve(), out, add)
        elif not path.is_file():
            out.problems.append(Problem(str(path), f"{_odd_kind(path.stat().st_mode)}, not an article file"))
        elif path.suffix.lower() not in SUPPORTED:
            out.problems.append(Problem(str(path), f"unsupported file type '{path.suffix or '(none)'}' "
                                                   f"(supported: {', '.join(sorted(SUPPORTED))})"))
        else:
            add(path)
    return out


def _walk(directory: Path, root: Path, out: Discovery, add) -> None:
    """Depth-first, sorted, without following any link; ``root`` is the resolved folder given."""
    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        out.problems.append(Problem(str(directory), f"folder cannot be read ({exc.strerror or exc}); its files "
                                                    "were not indexed"))
        return
    for entry in entries:
        if entry.name.startswith((".", "_")):
            continue
        path = Path(entry.path)
        try:
            if entry.is_symlink():
                out.problems.append(Problem(str(path), _link_reason(path)))
                continue
            if entry.is_dir(follow_symlinks=False):
                if _is_candidate(entry.name):
                    out.problems.append(Problem(str(path), "a folder, not an article file: its name looks like "
                                                           "a file's; the files inside it are read as a folder's"))
                _walk(path, root, out, add)
                continue
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError as exc:
            out.problems.append(Problem(str(path), f"cannot be examined ({exc.strerror or exc})"))
            continue
        if not stat.S_ISREG(mode):
            out.problems.append(Problem(str(path), f"{_odd_kind(mode)}, not an article file"))
            continue
        if not _is_candidate(entry.name):
            continue
        if not path.resolve().is_relative_to(root):
            out.problems.append(Problem(str(path), f"resolves outside {root}; not read"))
            continue
        add(path)


def read_sidecar(directory: Path) -> tuple[dict[str, dict[str, Any]], Problem | None]:
    """The ``articles`` table of ``directory/metadata.json`` ({} when there is none)."""
    path = directory / SIDECAR
    if not path.is_file() and not path.is_symlink():
        return {}, None
    try:
        data = json.loads(read_bytes(path, SIDECAR_MAX_BYTES).decode("utf-8"))
    except LoadError as exc:
        return {}, Problem(str(path), f"metadata sidecar skipped: {exc}; its metadata was not applied")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {}, Problem(str(path), f"metadata sidecar is not valid JSON ({exc}); its metadata was not applied")
    articles = data.get("articles") if isinstance(data, dict) else None
    if not isinstance(articles, dict) or not all(isinstance(v, dict) for v in articles.values()):
        return {}, Problem(str(path), 'metadata sidecar must look like {"articles": {"<doc id>": {"title": ..., '
                                      '"outlet": ..., "published": ..., "url": ...}}}; its metadata was not applied')
    return articles, None


# ---------------------------------------------------------------- reading bytes safely

def read_text_file(path: Path, max_bytes: int) -> str:
    """Decoded text of a text file, or LoadError(empty / binary / oversized / undecodable).

    UTF-8 (with or without a byte-order mark) and UTF-16 with a byte-order mark are read directly; any
    other bytes are given to charset-normalizer, which names the encoding that fits them with little
    "mess" (mojibake) or none at all: then the file is not text and is skipped.
    """
    data = read_bytes(path, max_bytes)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):           # UTF-16 with a byte-order mark
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise LoadError("malformed UTF-16 text (cannot decode it); save it as UTF-8") from None
    else:
        if b"\x00" in data[:8192]:
            raise LoadError("binary file (contains NUL bytes), not text")
        head = data[:8192]
        if sum(1 for b in head if b < 32 and b not in b"\n\r\t\f") > max(8, len(head) // 100):
            raise LoadError("binary file (control characters), not text")     # in any ASCII-based encoding
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = _detect_text(data)
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text[:8192]) // 100):
        raise LoadError("binary file (control characters), not text")
    if not text.strip():
        raise LoadError("empty file (no text)")
    return text


def _detect_text(data: bytes) -> str:
    """Text in a legacy encoding (cp1252, Latin-1, ...) found by charset-normalizer, or LoadError.

    charset-normalizer names *some* encoding for many random byte strings (cp949, big5, EBCDIC...), so
    its answer must also look like prose: words or lines separated by spaces or line breaks, as every
    language's articles are (random bytes above 127 hold none)."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise LoadError("not text: no character encoding reads these bytes as language (binary data, "
                        "or text in an unknown encoding); save it as UTF-8")
    text = str(best)
    if best.encoding in ("cp1250", "cp1252", "latin_1", "iso8859_15"):
        try:
            text = data.decode("cp1252")            # old Windows exports: the usual Western encoding
        except UnicodeDecodeError:
            pass
    sample = text[:65536]
    separators = sum(1 for ch in sample if ch in " \n\t\r\u3000")
    if separators < max(1, len(sample) // 200):
        raise LoadError(f"not text: read as {best.encoding} it has no spaces or line breaks (binary data, or "
                        "text in an unknown encoding); save it as UTF-8")
    return text


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file, never through a symbolic link and never blocking on a pipe."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LoadError("symbolic link, not followed") from exc
        raise LoadError(f"cannot read it ({exc.strerror or exc})") from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise LoadError(f"{_odd_kind(st.st_mode)}, not an article file")
        size = st.st_size
        if size == 0:
            raise LoadError("empty file (0 bytes)")
        if size > max_bytes:
            raise LoadError(f"oversized: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.1f} MB limit "
                            "(NEWSRAG_INGEST__MAX_FILE_MB)")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise LoadError(f"cannot read it ({exc.strerror or exc})") from exc
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise LoadError(f"oversized: over the {max_bytes / 1e6:.1f} MB limit (NEWSRAG_INGEST__MAX_FILE_MB)")
    return data


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
