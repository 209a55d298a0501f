"""Every supported format, the metadata sidecar, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

from rag.ingest.clean import to_article
from rag.ingest.load import discover, iter_docs
from rag.ingest.pipeline import load_articles

BODY = ("Mexico is stopping nearly three times as many migrants as it was a year ago, officials said on Monday. "
        "The figures were obtained by reporters.")


def make_pdf(path: Path, lines: list[str], title: str | None = None) -> None:
    """A minimal one-page PDF with real text operators (Helvetica), readable by pypdf."""
    ops = ["BT", "/F1 11 Tf", "72 720 Td", "14 TL"]
    for line in lines:
        esc = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({esc}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    if title:
        objs.append(b"<< /Title (" + title.encode("latin-1") + b") >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    trailer = f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R"
    if title:
        trailer += f" /Info {len(objs)} 0 R"
    out += (trailer + f" >>\nstartxref\n{xref}\n%%EOF\n").encode()
    path.write_bytes(bytes(out))


def load(paths, settings):
    arts, skipped, warnings = load_articles(paths, settings)
    return {a.doc_id: a for a in arts}, dict(skipped), warnings


def test_markdown_with_front_matter_and_heading(tmp_path, fake_settings):
    (tmp_path / "m1.md").write_text("---\ntitle: From front matter\noutlet: The Paper\npublished: 2024-03-02\n"
                                    "url: https://example.org/a\n---\n# Ignored heading\n\n" + BODY +
                                    "\n\n## A sub heading\n\nSee **bold** and [a link](http://x) here in the body text.",
                                    encoding="utf-8")
    (tmp_path / "m2.md").write_text("# Markdown headline\n\n" + BODY, encoding="utf-8")
    arts, skipped, _ = load([tmp_path], fake_settings)
    assert not skipped
    m1, m2 = arts["m1"], arts["m2"]
    assert (m1.title, m1.outlet, m1.published, m1.url) == ("From front matter", "The Paper", "2024-03-02",
                                                           "https://example.org/a")
    assert "See bold and a link here" in m1.text and "**" not in m1.text and "](" not in m1.text
    assert m2.title == "Markdown headline" and not m2.title_derived and m2.text.startswith("Mexico is stopping")


def test_html_article_metadata_and_furniture(tmp_path, fake_settings):
    html = f"""<html><head><title>Site | Page</title>
    <meta property="og:title" content="HTML headline">
    <meta property="og:site_name" content="Example News">
    <meta property="article:published_time" content="2024-05-03T10:00:00Z">
    <link rel="canonical" href="https://example.org/story"></head>
    <body><nav>Home | World | Sport</nav><header>Subscribe now</header>
    <article><h1>HTML headline</h1><p>{BODY}</p>
    <figure><img src="x.jpg"><figcaption>Migrants wait at the bridge. (AP Photo)</figcaption></figure>
    <p>Second paragraph with <a href="#">a link</a> inside it.</p>
    <p>Share this</p><h3>You May Also Like</h3><p>Unrelated teaser about celebrities</p></article>
    <footer>Copyright</footer><script>var x = 1;</script></body></html>"""
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    arts, skipped, _ = load([tmp_path], fake_settings)
    a = arts["page"]
    assert (a.title, a.outlet, a.published, a.url) == ("HTML headline", "Example News", "2024-05-03",
                                                       "https://example.org/story")
    assert a.text.startswith("Mexico is stopping") and "Migrants wait at the bridge. (AP Photo)" in a.text
    assert "Second paragraph with a link inside it." in a.text
    for furniture in ("Home | World", "Subscribe", "celebrities", "Share this", "Copyright", "var x"):
        assert furniture not in a.text


def test_pdf_text_and_title(tmp_path, fake_settings):
    make_pdf(tmp_path / "doc.pdf", ["Mexico is stopping nearly three times as many migrants as it", "was a year ago, officials said on Monday.", "",
                                    "The figures were obtained by reporters."], title="PDF Title")
    arts, skipped, _ = load([tmp_path], fake_settings)
    assert not skipped, skipped
    a = arts["doc"]
    assert a.title == "PDF Title"
    assert "Mexico is stopping nearly three times as many migrants as it was a year ago" in a.text


def test_jsonl_articles_and_bad_lines(tmp_path, fake_settings):
    rows = [{"id": "j1", "title": "First", "text": BODY, "outlet": "Wire", "published": "2024-01", "url": "u1"},
            {"id": "j2", "title": None, "text": "WASHINGTON (AP) — " + BODY}]
    (tmp_path / "batch.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n[1, 2]\n\n", encoding="utf-8")
    arts, skipped, _ = load([tmp_path], fake_settings)
    assert arts["j1"].outlet == "Wire" and arts["j1"].published == "2024-01" and arts["j1"].title == "First"
    assert arts["j2"].title_derived and arts["j2"].title.startswith("Mexico is stopping")
    assert skipped == {f"{tmp_path / 'batch.jsonl'}:3": "line is not a JSON object"}


def test_sidecar_applies_and_wins(tmp_path, fake_settings):
    (tmp_path / "a.txt").write_text("A Headline Line\n" + BODY, encoding="utf-8")
    (tmp_path / "metadata.json").write_text(json.dumps({"articles": {"a": {"title": None, "outlet": "Side",
                                                                           "published": "2021-12-06"}}}), encoding="utf-8")
    (tmp_path / "README.md").write_text("# About this corpus\n\nThis is not an article. " * 5, encoding="utf-8")
    arts, skipped, _ = load([tmp_path], fake_settings)
    assert set(arts) == {"a"} and not skipped         # README.md and metadata.json are not articles
    assert arts["a"].title == "A Headline Line" and arts["a"].outlet == "Side" and arts["a"].published == "2021-12-06"


def test_broken_sidecar_is_reported_and_files_still_load(tmp_path, fake_settings):
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "metadata.json").write_text("{broken", encoding="utf-8")
    arts, skipped, _ = load([tmp_path], fake_settings)
    assert "a" in arts
    assert "not valid JSON" in skipped[str(tmp_path / "metadata.json")]


def test_explicit_unsupported_file_and_duplicates(tmp_path, fake_settings):
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    (tmp_path / "one" / "same.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "two" / "same.md").write_text(BODY, encoding="utf-8")
    found = discover([tmp_path / "notes.docx", tmp_path / "one", tmp_path / "one"])
    assert len(found.files) == 1 and "unsupported file type '.docx'" in found.problems[0].reason
    arts, skipped, _ = load([tmp_path / "one", tmp_path / "two"], fake_settings)
    assert list(arts) == ["same"]
    assert "duplicate document id 'same'" in skipped[str(tmp_path / "two" / "same.md")]


def test_utf16_and_latin1_text_are_read(tmp_path):
    (tmp_path / "u16.txt").write_bytes(BODY.encode("utf-16"))
    (tmp_path / "latin.txt").write_bytes(("Caf\xe9 in Ju\xe1rez. " + BODY).encode("cp1252"))
    got = {d.doc_id: d for _f, docs, _p in iter_docs(sorted(tmp_path.iterdir()), 10**6) for d in docs}
    assert got["u16"].text.startswith("Mexico is stopping")
    assert to_article(got["latin"])[0].text.startswith("Café in Juárez.")
