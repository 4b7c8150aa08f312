"""Bounds where a format allows absurd values: each crafted file is small, says something no real
plan says (a cell spanning 300 million columns, a list starting at 10^12, 190 MB of empty
paragraphs), and must give a plan with a diagnostic or a one-line typed error, checked before
the absurd value is allocated.  Time and memory are measured in benchmarks/bench_bounds.py; here
one coarse guard runs every case under an address-space limit.
"""

from __future__ import annotations

import codecs
import io
import json
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from policyparse.errors import CorruptDocument, PolicyParseError, TooLarge
from policyparse.load import load
from policyparse.load.document import MAX_BLOCKS, MAX_DIAGNOSTICS, MAX_TEXT_CHARS
from policyparse.load.docx import MAX_ELEMENTS, MAX_PART_BYTES, MAX_TABLE_COLUMNS
from policyparse.load.html import MAX_ELEMENTS as MAX_HTML_ELEMENTS
from policyparse.load.numbering import MAX_LIST_NUMBER
from policyparse.load.pdf import MAX_PAGE_OBJECTS, MAX_STREAM_BYTES
from policyparse.load.sniff import MAX_MEMBERS

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ROOT = Path(__file__).resolve().parent.parent


# --- crafting -------------------------------------------------------------------------------

def docx(body: str | Iterable[bytes], parts: dict[str, str | bytes] | None = None) -> bytes:
    """A minimal .docx; ``body`` (the inside of w:body) may come in chunks, written as they
    come so that hundreds of megabytes of XML never sit in memory; ``parts`` maps a
    relationship type (numbering, styles, comments …) to its part's XML."""
    parts = parts or {}
    chunks = [body.encode()] if isinstance(body, str) else body
    types = "".join(f'<Override PartName="/word/{k}.xml" ContentType="application/xml"/>'
                    for k in parts)
    rels = "".join(f'<Relationship Id="r{i}" Type="{REL}/{k}" Target="{k}.xml"/>'
                   for i, k in enumerate(parts))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml",
                   '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                   'package.relationships+xml"/><Default Extension="xml" ContentType="'
                   'application/xml"/><Override PartName="/word/document.xml" ContentType="'
                   'application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
                   f'main+xml"/>{types}</Types>')
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/'
                   f'package/2006/relationships"><Relationship Id="rId1" Type="{REL}/'
                   'officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/_rels/document.xml.rels", '<Relationships xmlns="http://schemas.'
                   f'openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(f'<w:document xmlns:w="{W_NS}"><w:body>'.encode())
            for chunk in chunks:
                part.write(chunk)
            part.write(b"</w:body></w:document>")
        for kind, xml in parts.items():
            z.writestr(f"word/{kind}.xml", xml)
    return buf.getvalue()


def p(text: str, ppr: str = "") -> str:
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}<w:r><w:t>{text}</w:t></w:r></w:p>"


def listed(text: str, ilvl: int = 0) -> str:
    return p(text, f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="1"/></w:numPr>')


def numbering(*levels: tuple[str, int, str], override: str = "") -> str:
    """One list (numId 1) whose levels 0, 1, … are ``(numFmt, start, lvlText)``."""
    lvls = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
                   f'<w:lvlText w:val="{text}"/></w:lvl>'
                   for i, (fmt, start, text) in enumerate(levels))
    return (f'<w:numbering xmlns:w="{W_NS}"><w:abstractNum w:abstractNumId="1">{lvls}'
            f'</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="1"/>{override}</w:num>'
            "</w:numbering>")


def numbered(levels: list[tuple[str, int, str]], paragraphs: int = 2000, ilvl: int = 0,
             override: str = "") -> bytes:
    body = listed("加强知识产权保护", ilvl) * paragraphs
    return docx(body, {"numbering": numbering(*levels, override=override)})


def table(tcpr: str = "", trpr: str = "") -> bytes:
    return docx(p("一、主要指标") + f"<w:tbl><w:tr>{trpr}<w:tc><w:tcPr>{tcpr}</w:tcPr>{p('指标')}"
                f"</w:tc><w:tc>{p('目标值')}</w:tc></w:tr><w:tr><w:tc>{p('专利授权量')}</w:tc>"
                f"<w:tc>{p('100件')}</w:tc></w:tr></w:tbl>")


def style_chain(n: int) -> bytes:
    """``n`` paragraphs, each in its own style of a ``w:basedOn`` chain ``n`` long whose last
    style makes a level-1 heading."""
    styles = "".join(f'<w:style w:type="paragraph" w:styleId="s{i}"><w:name w:val="S{i}"/>'
                     f'<w:basedOn w:val="s{i + 1}"/></w:style>' for i in range(n))
    top = f'<w:style w:type="paragraph" w:styleId="s{n}"><w:pPr><w:outlineLvl w:val="0"/>' \
          "</w:pPr></w:style>"
    body = "".join(p("加强知识产权保护。", f'<w:pStyle w:val="s{i}"/>') for i in range(n))
    return docx(body, {"styles": f'<w:styles xmlns:w="{W_NS}">{styles}{top}</w:styles>'})


def repeated(unit: bytes, size: int) -> Iterable[bytes]:
    """``unit`` repeated to ``size`` bytes, in chunks of about a megabyte."""
    chunk = unit * ((1 << 20) // len(unit))
    for _ in range(size // len(chunk) + 1):
        yield chunk


def pdf(pages: list[bytes | Iterable[bytes]]) -> bytes:
    """A minimal PDF (Helvetica, A4) whose pages have these content streams, Flate-compressed
    (a stream may come in chunks, compressed as they come)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
                b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(len(pages))), len(pages)),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for i, content in enumerate(pages):
        z = zlib.compressobj(1)
        data = b"".join(z.compress(c) for c in ([content] if isinstance(content, bytes)
                                                  else content)) + z.flush()
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
                    b"<< /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * i))
        objs.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream"
                    % (len(data), data))
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, obj)
    out += b"xref\n0 %d\n0000000000 65535 f \n%s" % (
        len(objs) + 1, b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, out.rfind(b"xref"))
    return bytes(out)


def text_page(text: str) -> bytes:
    return b"BT /F1 12 Tf 72 700 Td (%s) Tj ET" % text.encode()


def overfull_page(chars: int) -> bytes:
    return b"BT /F1 1 Tf 72 600 Td (" + b"a" * chars + b") Tj ET"


def html_table(first_cell: str, rows: int) -> bytes:
    body = "".join(f"<tr><td>指标{i}</td><td>{i}件</td></tr>" for i in range(rows))
    return (f'<html><body><div class="TRS_Editor"><p>一、主要指标，今年目标如下。</p><table>'
            f"<tr>{first_cell}<td>目标</td></tr>{body}</table></div></body></html>").encode()


def zip_members(n: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", f'<w:document xmlns:w="{W_NS}"/>')
        for i in range(n):
            z.writestr(f"m/{i}", b"")
    return buf.getvalue()


OVER = int(MAX_PAGE_OBJECTS * 1.5)
Expected = str | tuple[type[PolicyParseError], str]
# name → (what makes the file, what must come of it: "plan", or an error and what it says)
CASES: dict[str, tuple[Callable[[], bytes], Expected]] = {
    "gridspan-3e8.docx": (lambda: table(tcpr='<w:gridSpan w:val="300000000"/>'), "plan"),
    "gridbefore-3e8.docx": (lambda: table(trpr='<w:trPr><w:gridBefore w:val="300000000"/>'
                                               "</w:trPr>"), "plan"),
    "start-1e12-roman.docx": (lambda: numbered([("upperRoman", 10 ** 12, "%1.")]), "plan"),
    "start-1e12-letter.docx": (lambda: numbered([("upperLetter", 10 ** 12, "%1.")]), "plan"),
    "start-2e9-letter.docx": (lambda: numbered([("upperLetter", 2 * 10 ** 9, "%1.")]), "plan"),
    "start-1e30-chinese.docx": (lambda: numbered([("chineseCountingThousand", 10 ** 30,
                                                   "%1、")]), "plan"),
    "start-4000-digits.docx": (lambda: numbered([("upperRoman", int("9" * 4000), "%1.")]),
                               "plan"),
    "start-override-1e12.docx": (lambda: numbered(
        [("upperLetter", 1, "%1.")], override='<w:lvlOverride w:ilvl="0"><w:startOverride '
        'w:val="1000000000000"/></w:lvlOverride>'), "plan"),
    # level 1 shows level 0 (%1), which no paragraph uses: its start is what is shown
    "unused-level-1e12.docx": (lambda: numbered([("upperLetter", 10 ** 12, "%1."),
                                                 ("decimal", 1, "%1.%2")], ilvl=1), "plan"),
    "counts-past-limit.docx": (lambda: numbered([("decimal", MAX_LIST_NUMBER - 5, "%1.")], 20),
                               "plan"),
    "label-of-32-letters.docx": (lambda: numbered([("upperLetter", MAX_LIST_NUMBER, "%1" * 32)]),
                                 "plan"),
    "lvltext-200k.docx": (lambda: numbered([("decimal", 1, "%1" * 200_000)]), "plan"),
    "empty-paragraphs-190mb.docx": (lambda: docx(repeated(b"<w:p/>", 190 << 20)), (
        TooLarge, f"bytes uncompressed, more than the limit of {MAX_PART_BYTES:,} for one XML "
        "part")),
    "empty-paragraphs-40mb.docx": (lambda: docx(repeated(b"<w:p/>", 40 << 20)), (
        TooLarge, f"word/document.xml has more than {MAX_ELEMENTS:,} XML elements")),
    "paragraphs-100k.docx": (lambda: docx(p("加强知识产权保护。") * (MAX_BLOCKS + 10)), (
        TooLarge, f"more than {MAX_BLOCKS:,} paragraphs (w:p)")),
    "rows-100k.docx": (lambda: docx("<w:tbl>" + "<w:tr/>" * (MAX_BLOCKS + 10) + "</w:tbl>"), (
        TooLarge, f"more than {MAX_BLOCKS:,} table rows")),
    "merged-cell-repeated.docx": (lambda: docx(
        "<w:tbl><w:tr><w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr>"
        + p("长" * 200_000) + "</w:tc></w:tr>"
        + "<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr>"
        * (MAX_TEXT_CHARS // 200_000 + 1) + "</w:tbl>"), (
        TooLarge, f"a table of more than {MAX_TEXT_CHARS:,} characters")),
    "basedon-chain-5000.docx": (lambda: style_chain(5000), "plan"),
    "tracked-changes-30k.docx": (lambda: docx("<w:p><w:r><w:t>x</w:t></w:r>"
                                              + '<w:ins w:author="a"/>' * 30_000 + "</w:p>"),
                                 "plan"),
    **{f"{kind}-elements.docx": (lambda kind=kind: docx(p("一、总则"), {kind: b"".join([
        f'<w:{kind} xmlns:w="{W_NS}">'.encode(), b"<w:x/>" * (MAX_ELEMENTS + 1),
        f"</w:{kind}>".encode()])}), (TooLarge, f"word/{kind}.xml has more than "
                                      f"{MAX_ELEMENTS:,} XML elements"))
       for kind in ("numbering", "styles", "comments")},
    "zip-members.docx": (lambda: zip_members(MAX_MEMBERS + 1), (
        TooLarge, f"zip has {MAX_MEMBERS + 2:,} members, more than {MAX_MEMBERS:,}")),
    "colspan-rowspan-1e9.html": (lambda: html_table(
        '<td colspan="1000000000" rowspan="1000000000">表头</td>', 5000), "plan"),
    "elements.html": (lambda: b"<html><body><p>" + b"<b>a</b>" * (MAX_HTML_ELEMENTS + 1)
                      + b"</p></body></html>", (
        TooLarge, f"more than {MAX_HTML_ELEMENTS:,} HTML elements")),
    "overfull-page.pdf": (lambda: pdf([text_page("Plan text."), overfull_page(OVER)]), "plan"),
    "overfull-pages.pdf": (lambda: pdf([overfull_page(OVER)] * 2), (
        TooLarge, f"every page draws more than {MAX_PAGE_OBJECTS:,} characters")),
    "inflating-stream.pdf": (lambda: pdf([[text_page("Plan text.")]
                                          + list(repeated(b" ", MAX_STREAM_BYTES))]), (
        TooLarge, f"a stream (object 5) inflates to more than {MAX_STREAM_BYTES:,} bytes")),
}


@pytest.fixture(scope="module")
def crafted(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bounds")
    for name, (make, _) in CASES.items():
        (root / name).write_bytes(make())
    return root


def outcome(path: Path):
    """The document, or the typed error (checked to be one line naming the file)."""
    try:
        return load(path)
    except PolicyParseError as err:
        assert err.line().startswith(f"{path}: ") and "\n" not in err.line()
        return err


# --- each case ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(CASES))
def test_crafted_file_gives_a_plan_or_a_typed_error_saying_which_limit(crafted, name):
    result = outcome(crafted / name)
    expected = CASES[name][1]
    if expected == "plan":
        assert not isinstance(result, PolicyParseError), result
    else:
        kind, says = expected
        assert isinstance(result, kind) and says in str(result), result


@pytest.mark.parametrize("name", ["gridspan-3e8.docx", "gridbefore-3e8.docx"])
def test_a_span_past_words_table_width_is_cut_there(crafted, name):
    doc = load(crafted / name)
    assert len(doc.tables) == 1
    # at most Word's width of empty grid columns, besides the row's own two cells
    assert max(len(line.split("\t")) for line in doc.text.splitlines()) <= MAX_TABLE_COLUMNS + 2
    assert "指标" in doc.text and "100件" in doc.text
    [diag] = [d for d in doc.diagnostics if "grid column" in d.message]
    assert "reaches grid column 300,000,000, past Word's 63" in diag.message


@pytest.mark.parametrize("name", [n for n in CASES
                                  if n.startswith(("start-", "unused-", "lvltext"))])
def test_an_absurd_list_number_keeps_the_text_with_one_diagnostic(crafted, name):
    doc = load(crafted / name)
    assert set(doc.text.split("\n")) == {"加强知识产权保护"}
    assert [d.kind for d in doc.diagnostics] == ["numbering-fallback"]


def test_a_list_counting_past_words_limit_falls_back_from_there(crafted):
    doc = load(crafted / "counts-past-limit.docx")
    lines = doc.text.split("\n")
    assert lines[:6] == [f"{MAX_LIST_NUMBER - 5 + i}.加强知识产权保护" for i in range(6)]
    assert set(lines[6:]) == {"加强知识产权保护"}
    [diag] = doc.diagnostics
    assert f"{MAX_LIST_NUMBER}" in diag.message


def test_a_label_that_renders_too_long_is_not_rendered(crafted):
    doc = load(crafted / "label-of-32-letters.docx")
    assert len(doc.text) < 20 * 2000
    assert "renders a label of" in doc.diagnostics[0].message


def test_a_long_style_chain_passes_its_heading_level_down_to_every_style(crafted):
    doc = load(crafted / "basedon-chain-5000.docx")
    assert len(doc.blocks) == 5000
    assert all(b.kind == "heading" and b.style_level == 1 for b in doc.blocks)
    assert [b.style for b in doc.blocks[:2]] == ["S0", "S1"]


def test_diagnostics_past_the_cap_are_counted_in_one(crafted):
    doc = load(crafted / "tracked-changes-30k.docx")
    assert len(doc.diagnostics) == MAX_DIAGNOSTICS + 1
    assert doc.diagnostics[-1].message == \
        f"{30_000 - MAX_DIAGNOSTICS:,} more diagnostics not kept (tracked-change 20,000)"


def test_html_spans_past_the_grid_limit_read_the_table_as_written(crafted):
    doc = load(crafted / "colspan-rowspan-1e9.html")
    [table] = doc.tables
    assert table.header == ["表头", "目标"] and table.rows[0][0].text == "指标0"
    assert sum("grid positions" in d.message for d in doc.diagnostics) == 1
    assert all(doc.text[c.source.start:c.source.end] == c.text for r in table.rows for c in r)


def test_a_page_that_draws_too_much_is_left_out(crafted):
    doc = load(crafted / "overfull-page.pdf")
    assert doc.text == "Plan text."
    assert any("page(s) left out" in d.message and "page 2" in d.message
               for d in doc.diagnostics)


# --- text files: where the invalid byte is ------------------------------------------------

GOOD = ("第一章 总则\n" + "一、加强知识产权保护。\n" * 3).encode()


@pytest.mark.parametrize(("data", "says"), [
    (GOOD + b"\xff" + GOOD, f"invalid byte 0xFF at offset {len(GOOD):,} (line 5)"),
    # lines in UTF-8 and GBK mix; the third is neither: the byte is found within it
    ("第一章 总则\n".encode("gbk") + "一、工作目标\n".encode() + b"abc\xffdef\n" + GOOD,
     "invalid byte 0xFF at offset 34 (line 3)"),
    (codecs.BOM_UTF8 + GOOD + b"\xfe", f"invalid utf-8 at byte offset {len(GOOD) + 3:,} (line 5)"),
    (codecs.BOM_UTF16_LE + "一、\n二、".encode("utf-16-le") + b"\x00\xd8a\x00",
     "invalid utf-16-le at byte offset 12 (line 2)"),
])
def test_an_invalid_byte_is_named_by_offset_and_line(tmp_path, data, says):
    path = tmp_path / "plan.txt"
    path.write_bytes(data)
    err = outcome(path)
    assert isinstance(err, CorruptDocument) and str(err).endswith(says)


# --- a coarse memory guard ------------------------------------------------------------------

GUARD_MB = 1024  # address space for the child; before these bounds several cases took 2–7 GB

CHILD = r"""
import json, resource, sys
limit = int(sys.argv[1]) << 20
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from policyparse.errors import PolicyParseError
from policyparse.load import load
out = {}
for path in sys.argv[2:]:
    try:
        load(path)
        out[path] = "plan"
    except PolicyParseError as err:
        out[path] = type(err).__name__
    except MemoryError:
        out[path] = "MemoryError"
print(json.dumps(out))
"""


def test_every_case_loads_within_a_gigabyte_of_address_space(crafted):
    paths = [str(crafted / name) for name in CASES]
    run = subprocess.run([sys.executable, "-c", CHILD, str(GUARD_MB), *paths], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    got = json.loads(run.stdout)
    assert {Path(k).name: v for k, v in got.items()} == {
        name: e if e == "plan" else e[0].__name__ for name, (_, e) in CASES.items()}
