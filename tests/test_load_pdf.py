"""The PDF loader on the corpus PDFs (against their seed text and gold) and on small PDFs written
here: layout rules, page furniture, tables across pages, encrypted, broken and image-only files."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import random
import re
import struct
from pathlib import Path

import pdfplumber
import pytest
from pdfminer.arcfour import Arcfour

from policyparse.errors import (CorruptDocument, EncryptedDocument, NoTextLayer,
                               PolicyParseError, TooLarge)
from policyparse.load import load
from policyparse.load.pdf import load_pdf
from policyparse.load.text import load_txt

CORPORA = Path(__file__).resolve().parent.parent / "corpora"
NAMES = sorted(p.stem for p in (CORPORA / "pdf").glob("*.pdf"))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def corpus():
    """name → (pdf Document, seed Document, gold, page count)."""
    out = {}
    for name in NAMES:
        data = (CORPORA / "pdf" / f"{name}.pdf").read_bytes()
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)
        seed = load_txt((CORPORA / "seeds" / f"{name}.txt").read_bytes(), f"{name}.txt")
        gold = json.loads((CORPORA / "gold" / f"{name}.gold.json").read_text("utf-8"))
        out[name] = (load_pdf(data, f"{name}.pdf"), seed, gold, pages)
    return out


def texts(doc, kinds=("paragraph", "heading", "caption")) -> list[str]:
    return [doc.text[b.start:b.end] for b in doc.blocks if b.kind in kinds]


# --- the corpus -------------------------------------------------------------------------------

def test_corpus_is_there():
    assert len(NAMES) == len(list((CORPORA / "gold").glob("*.gold.json"))) >= 12


@pytest.mark.parametrize("name", NAMES)
def test_gold_quotes_are_in_the_pdf_text(corpus, name):
    doc, _, gold, _ = corpus[name]
    text = squash(doc.text)

    def found(*fields):
        quotes = [item["quote"] for f in fields for item in gold[f]]
        return sum(squash(q) in text for q in quotes) / len(quotes) if quotes else 1.0

    assert found("headings", "tasks") >= 0.97
    assert found("targets", "facts") >= 0.95


@pytest.mark.parametrize("name", NAMES)
def test_gold_headings_begin_a_block(corpus, name):
    doc, _, gold, _ = corpus[name]
    starts = [squash(t) for t in texts(doc)]
    # a quote may run over lines (an annex's 附件 and its title): its first line begins a block
    missing = [h["quote"] for h in gold["headings"]
               if not any(s.startswith(squash(h["quote"].split("\n")[0])) for s in starts)]
    assert missing == []


@pytest.mark.parametrize("name", NAMES)
def test_page_footers_are_removed_and_counted(corpus, name):
    doc, _, _, pages = corpus[name]
    assert not re.search(r"- \d+ -", doc.text)
    furniture = [d for d in doc.diagnostics if d.kind == "page-furniture"]
    assert len(furniture) == 1
    # every page of the corpus PDFs carries a "- N -" footer, and nothing else is furniture
    assert furniture[0].message.startswith(f"{pages} ")
    assert furniture[0].text.split("\n") == [f"- {n} -" for n in range(1, pages + 1)]


@pytest.mark.parametrize("name", NAMES)
def test_spans_are_exact(corpus, name):
    doc, _, _, pages = corpus[name]
    assert doc.format == "pdf"
    last = -1
    for block in doc.blocks:
        assert last < block.start <= block.end
        assert 1 <= block.page <= pages
        assert doc.span(block.start, block.end).text == doc.text[block.start:block.end]
        last = block.end
    for table in doc.tables:
        assert table.source.text == doc.text[table.source.start:table.source.end]
        for row in table.rows:
            for cell in row:
                span = cell.source
                assert span.text == cell.text == doc.text[span.start:span.end]
                assert span.page is not None and span.block is not None


@pytest.mark.parametrize("name", NAMES)
def test_paragraphs_match_the_seed_lines(corpus, name):
    """Each seed line is one paragraph: nearly all must come out as exactly one block."""
    doc, seed, _, _ = corpus[name]
    blocks = {squash(t) for t in texts(doc)}
    paragraphs = [squash(t) for t in texts(seed)]
    assert sum(p in blocks for p in paragraphs) >= 0.95 * len(paragraphs)


def test_paragraphs_run_on_across_pages(corpus):
    """A line that opens a page in the middle of a seed paragraph is in a block that started
    on an earlier page."""
    continued = 0
    for name in NAMES:
        doc, seed, _, _ = corpus[name]
        paragraphs = [squash(t) for t in texts(seed)]
        with pdfplumber.open(CORPORA / "pdf" / f"{name}.pdf") as pdf:
            firsts = [(p.page_number, squash(p.extract_text_lines()[0]["text"]))
                      for p in pdf.pages[1:]]
        for page, line in firsts:
            if any(line in p and not p.startswith(line) for p in paragraphs):
                block = next(b for b in doc.blocks if line in squash(doc.text[b.start:b.end]))
                assert block.page < page, line
                continued += 1
    assert continued >= 10


def test_tables_match_the_seed_tables(corpus):
    doc, seed, _, _ = corpus["003_351026cd5fe6092f"]
    assert len(doc.tables) == len(seed.tables) == 2
    for got, want in zip(doc.tables, seed.tables):
        assert got.caption == want.caption
        assert got.header == want.header
        assert [[c.text for c in r] for r in got.rows] == [[c.text for c in r] for r in want.rows]
        # the table's words are not paragraph text as well
        assert not any(squash("".join(got.header)) in squash(t) for t in texts(doc))
    captions = [b for b in doc.blocks if b.kind == "caption"]
    assert [doc.text[b.start:b.end] for b in captions] == [t.caption for t in doc.tables]


def test_heading_hints_agree_with_the_word_styles_and_the_gold(corpus):
    """A PDF block is hinted as a heading exactly where the Word file it was made from styles a
    heading (the styles are the document's: some style an item （一）…的； as a heading); most
    gold headings get one, and a deeper gold level never gets a smaller style_level."""
    from policyparse.load import load

    agreed = total = 0
    for name in NAMES:
        doc, _, gold, _ = corpus[name]
        word = load(CORPORA / "docx" / f"{name}.docx")
        styled = [squash(word.text[b.start:b.end]) for b in word.blocks if b.kind == "heading"]
        hinted = [squash(doc.text[b.start:b.end]) for b in doc.blocks if b.kind == "heading"]
        assert [t[:15] for t in hinted] == [t[:15] for t in styled], name
        levels = {}
        for block in doc.blocks:
            text = squash(doc.text[block.start:block.end])
            heading = next((h for h in gold["headings"] if text.startswith(squash(h["quote"]))),
                           None)
            if block.kind == "heading" and heading is not None:
                levels.setdefault(heading["level"], set()).add(block.style_level)
                agreed += 1
        total += len(gold["headings"])
        ordered = [levels[k] for k in sorted(levels)]
        for upper, lower in zip(ordered, ordered[1:]):
            assert max(upper) <= min(lower)
    # run-in headings (（二）成立办公室。…) and annex table cells carry no heading style to hint
    assert agreed >= 0.85 * total


def test_load_dispatches_pdf_by_content(corpus):
    doc = load((CORPORA / "pdf" / f"{NAMES[1]}.pdf").read_bytes(), name="plan.bin")
    assert doc.format == "pdf" and doc.text == corpus[NAMES[1]][0].text


# --- small PDFs written here ------------------------------------------------------------------

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
_DOCID = hashlib.md5(b"policyparse").digest()
SIZE, LEFT, WIDTH = 12, 72, 36  # body size, left margin, characters in a full line


def make_pdf(pages: list[list[tuple]], *, user: str | None = None, owner: str | None = None,
             unicode: bool = True) -> bytes:
    """A PDF (A4) whose pages hold ``("text", x, y, size, font, text)`` and
    ``("rect", x, y, w, h)`` operations.  Fonts "song" and "hei" (bold) are Adobe-GB1 fonts
    with Unicode (UCS-2) codes and no font file: every character is one em wide (without
    ``unicode``, Identity-encoded glyph numbers that map to no text).  With a password, the
    file is encrypted with the standard security handler (RC4, revision 2)."""
    key = None
    if user is not None or owner is not None:
        def pad(pw: str) -> bytes:
            return (pw.encode() + _PAD)[:32]

        o = Arcfour(hashlib.md5(pad(owner or user)).digest()[:5]).process(pad(user or ""))
        key = hashlib.md5(pad(user or "") + o + struct.pack("<i", -44) + _DOCID).digest()[:5]
        encrypt = (f"<< /Filter /Standard /V 1 /R 2 /O <{o.hex()}> "
                   f"/U <{Arcfour(key).process(_PAD).hex()}> /P -44 >>").encode()

    def crypt(num: int, data: bytes) -> bytes:
        if key is None:
            return data
        return Arcfour(hashlib.md5(key + num.to_bytes(3, "little") + b"\0\0").digest()[:10]) \
            .process(data)

    objs: dict[int, bytes] = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b""}
    streams: dict[int, bytes] = {}
    kids, refs = [], []

    def new() -> int:
        return max([*objs, *streams]) + 1

    for name, base in (("song", "STSong-Light"), ("hei", "SimHei-Bold")):
        n = new()
        encoding, ordering = ("UniGB-UCS2-H", b"GB1") if unicode else ("Identity-H", b"Identity")
        objs[n] = (f"<< /Type /Font /Subtype /Type0 /BaseFont /{base} /Encoding /{encoding} "
                   f"/DescendantFonts [{n + 1} 0 R] >>").encode()
        # no /FontBBox: pdfminer warns about it, which the loader must silence
        objs[n + 1] = (f"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /{base} /DW 1000 "
                       f"/CIDSystemInfo << /Registry <{crypt(n + 1, b'Adobe').hex()}> "
                       f"/Ordering <{crypt(n + 1, ordering).hex()}> /Supplement 2 >> "
                       f"/FontDescriptor << /Type /FontDescriptor /FontName /{base} /Flags 4 "
                       f"/ItalicAngle 0 /Ascent 880 /Descent -120 /StemV 80 >> >>").encode()
        refs.append(f"/{name} {n} 0 R")
    for ops in pages:
        content = []
        for op in ops:
            if op[0] == "rect":
                content.append("%.2f %.2f %.2f %.2f re S" % op[1:])
            else:
                _, x, y, size, font, text = op
                content.append(f"BT /{font} {size} Tf 1 0 0 1 {x} {y} Tm "
                               f"<{text.encode('utf-16-be').hex()}> Tj ET")
        n = new()
        streams[n] = "\n".join(content).encode()
        objs[n + 1] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
                       f"<< /Font << {' '.join(refs)} >> >> /Contents {n} 0 R >>").encode()
        kids.append(n + 1)
    objs[2] = (f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] "
               f"/Count {len(kids)} >>").encode()
    size = new()
    trailer = f"/Size {size} /Root 1 0 R"
    if key is not None:
        objs[size] = encrypt
        trailer = (f"/Size {size + 1} /Root 1 0 R /Encrypt {size} 0 R "
                   f"/ID [<{_DOCID.hex()}> <{_DOCID.hex()}>]")
    for n, data in streams.items():
        data = crypt(n, data)
        objs[n] = b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for num in range(1, max(objs) + 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += f"trailer\n<< {trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def fill(n: int, start: int = 0) -> str:
    """``n`` characters of plan prose (no punctuation), different for each ``start``."""
    pool = "推进知识产权创造运用保护管理服务全链条建设优化营商环境提升创新能力加快产业转型升级"
    return "".join(pool[(start + i) % len(pool)] for i in range(n))


def lines_at(lines: list[tuple[int, str]], y: float, *, pitch: float = 18, size: int = SIZE,
             font: str = "song") -> list[tuple]:
    """Text operations for ``(indent in characters, text)`` lines from baseline ``y`` down."""
    return [("text", LEFT + indent * size, y - i * pitch, size, font, text)
            for i, (indent, text) in enumerate(lines)]


HEADER = "示范县知识产权工作方案"


def furnished(bodies: list[list[tuple]], footer: str) -> list[list[tuple]]:
    """Pages with a running header and a page-number footer around their bodies."""
    return [[("text", LEFT, 805, 10, "song", HEADER), *body,
             ("text", 280, 30, 10, "song", footer.format(n=n, total=len(bodies)))]
            for n, body in enumerate(bodies, 1)]


# A plan in the other common layout: no space between paragraphs, first lines indented by two
# characters, justified lines; one paragraph runs on to the next page.
A = [(2, fill(34, 0)), (0, fill(36, 1)), (0, fill(10, 2) + "。")]
B1 = [(2, fill(34, 3)), (0, fill(36, 4))]  # page 1 ends mid-sentence …
B2 = [(0, fill(20, 5) + "。")]  # … and the sentence ends on page 2
C = [(0, "一、总体要求")]
D = [(2, "依据《专利合作条约》（Patent Cooperation"),  # stops short: "Treaty，" did not fit
     (0, "Treaty，简称PCT）" + fill(22, 6) + "。"),  # a full line ending a sentence
     (0, "1.加强组织领导，" + fill(10, 7) + "（1）" + fill(13, 8) + "；"),  # a marker opens it
     (0, "（2）" + fill(32, 9) + "。")]  # an inline list item; a full line ending a sentence
TITLE = "知识产权强县建设工作方案"


def layout_pdf(footer: str) -> bytes:
    page1 = [("text", LEFT + 12 * SIZE, 760, 16, "hei", TITLE),
             *lines_at(A, 720), *lines_at(B1, 720 - 18 * len(A))]
    page2 = [*lines_at(B2, 760), *lines_at(C, 742, font="hei"), *lines_at(D, 724)]
    page3 = lines_at([(2, fill(12, 10) + "。")], 760)  # only its indent says it is new
    return make_pdf(furnished([page1, page2, page3], footer))


def joined(lines: list[tuple[int, str]]) -> str:
    return "".join(text for _, text in lines)


@pytest.mark.parametrize("footer", ["- {n} -", "第 {n} 页", "{n}/{total}", "第{n}页 共{total}页"])
def test_generated_layout(footer):
    doc = load_pdf(layout_pdf(footer), "layout.pdf")
    assert texts(doc) == [
        TITLE, joined(A), joined(B1 + B2), joined(C),
        "依据《专利合作条约》（Patent Cooperation Treaty，简称PCT）" + fill(22, 6) + "。",
        joined(D[2:]), fill(12, 10) + "。"]
    blocks = [b for b in doc.blocks if b.kind != "table"]
    title, a, b, c, d = blocks[:5]
    assert b.page == 1 and blocks[5].page == 2 and blocks[6].page == 3
    assert (title.kind, title.style_level) == ("heading", 1)  # larger type
    assert (c.kind, c.style_level) == ("heading", 2)  # bold body size
    assert {a.kind, b.kind, d.kind} == {"paragraph"} and a.style_level is None
    assert a.indent == 2.0 and b.indent == 2.0 and c.indent == 0.0
    furniture = [dg for dg in doc.diagnostics if dg.kind == "page-furniture"]
    assert len(furniture) == 1 and furniture[0].message.startswith("6 ")
    assert HEADER not in doc.text


def test_row_at_tab_stops_keeps_its_items_apart():
    """A flattened chart: labels and values at 6-em tab stops, wrapped over lines where the
    next label does not fit; one label is cut at the right margin (安徽肥|东), as LibreOffice
    cuts an item too long for what is left of the line."""
    def at(em: float) -> float:
        return LEFT + em * SIZE

    labels = ["湖北宜都", "湖北枝江", "江苏仪征", "浙江长兴", "湖北大冶", "湖北仙桃"]
    rows = [[(at(6 * k), label) for k, label in enumerate(labels)],  # ends 2 em short
            [(at(0), "湖北潜江"), (at(WIDTH - 3), "安徽肥")],  # runs to the margin
            [(at(0), "东"), (at(6), "533"), (at(12), "1124"), (at(13 + 4.5), "600")]]
    prose = lines_at([(0, fill(WIDTH, k)) for k in range(12)], 760)  # margins to measure
    ops = [*prose, *[("text", x, 520 - 18 * r, SIZE, "song", t)
                     for r, row in enumerate(rows) for x, t in row]]
    doc = load_pdf(make_pdf([ops]), "chart.pdf")
    assert texts(doc)[-1] == " ".join([*labels, "湖北潜江", "安徽肥东", "533", "1124", "600"])


def table_page(rows: list[list[str]], top: float) -> list[tuple]:
    """A ruled table, 3 columns of 10 characters, rows 30pt high; a cell may hold two lines."""
    ops = []
    for r, row in enumerate(rows):
        y = top - 30 * (r + 1)
        for k, cell in enumerate(row):
            x = LEFT + 120 * k
            ops.append(("rect", x, y, 120, 30))
            for i, part in enumerate(cell.split("\n")):
                ops.append(("text", x + 2, y + 17 - 12 * i, 10, "song", part))
    return ops


def test_table_continued_on_the_next_page_is_one_table():
    header = ["指标", "单位", "目标值"]
    first = [header, ["发明专利\n授权量", "件", "1700"], ["商标注册量", "万件", "2.5"]]
    second = [header, ["质押融资额", "亿元", "10"]]
    page1 = [*lines_at([(2, fill(20, 0) + "。")], 760), *lines_at([(0, "表1 主要指标")], 730),
             *table_page(first, 720)]
    page2 = [*table_page(second, 800), *lines_at([(2, fill(16, 3) + "。")], 700)]
    doc = load_pdf(make_pdf([page1, page2]), "table.pdf")
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.caption == "表1 主要指标" and table.header == header
    assert [[c.text for c in row] for row in table.rows] == [
        ["发明专利授权量", "件", "1700"], ["商标注册量", "万件", "2.5"], ["质押融资额", "亿元", "10"]]
    assert all(c.source.text == doc.text[c.source.start:c.source.end]
               for row in table.rows for c in row)
    assert texts(doc, ("paragraph",)) == [fill(20, 0) + "。", fill(16, 3) + "。"]


def test_pdfminer_warnings_are_silenced(caplog):
    caplog.set_level(logging.WARNING)
    load_pdf(make_pdf([lines_at([(0, fill(10) + "。")], 700)]), "quiet.pdf")
    assert [r for r in caplog.records if r.name.startswith("pdfminer")] == []


# --- bad inputs -------------------------------------------------------------------------------

def one_line_error(err: Exception, path: str) -> None:
    assert str(err).startswith(f"{path}: ") and "\n" not in str(err)


def one_line(err: pytest.ExceptionInfo, path: str) -> None:
    one_line_error(err.value, path)


def test_truncated_pdf_is_corrupt():
    data = (CORPORA / "pdf" / f"{NAMES[1]}.pdf").read_bytes()
    for cut in (200, len(data) // 2, len(data) - 200):
        with pytest.raises(CorruptDocument) as err:
            load_pdf(data[:cut], "cut.pdf")
        one_line(err, "cut.pdf")


def test_garbage_after_a_pdf_header_is_corrupt():
    with pytest.raises(CorruptDocument) as err:
        load(b"%PDF-1.7\n" + bytes(range(256)) * 8, name="junk.pdf")
    one_line(err, "junk.pdf")


def test_encrypted_pdf_with_a_user_password_is_refused():
    data = make_pdf([lines_at([(0, "加密的规划文本。")], 700)], user="secret", owner="boss")
    with pdfplumber.open(io.BytesIO(data), password="secret") as pdf:  # really encrypted
        assert pdf.doc.encryption and "加密的规划文本" in pdf.pages[0].extract_text()
    with pytest.raises(EncryptedDocument) as err:
        load_pdf(data, "locked.pdf")
    one_line(err, "locked.pdf")


def test_pdf_with_only_an_owner_password_is_read():
    """Permissions-only encryption (common on government PDFs) opens in every viewer."""
    data = make_pdf([lines_at([(0, "加密的规划文本。")], 700)], user="", owner="boss")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert pdf.doc.encryption
    assert load_pdf(data, "restricted.pdf").text == "加密的规划文本。"


def test_pdf_without_text_layer():
    data = make_pdf([[("rect", 72, 72, 451, 698)], [("rect", 100, 100, 50, 50)]])
    with pytest.raises(NoTextLayer) as err:
        load_pdf(data, "scan.pdf")
    assert err.value.hint and "OCR" in err.value.hint


def test_pdf_whose_glyphs_map_to_no_text():
    page = lines_at([(2, fill(34)), (0, fill(20, 1) + "。")], 700)
    assert load_pdf(make_pdf([page]), "ok.pdf").text == fill(34) + fill(20, 1) + "。"
    with pytest.raises(NoTextLayer, match="Unicode"):
        load_pdf(make_pdf([page], unicode=False), "glyphs.pdf")


def test_damaged_bytes_give_a_document_or_a_typed_error():
    data = layout_pdf("- {n} -")
    rnd = random.Random(20240612)
    for _ in range(40):
        damaged = bytearray(data)
        for _ in range(rnd.choice((1, 8, 64))):
            damaged[rnd.randrange(len(damaged))] = rnd.randrange(256)
        try:
            load_pdf(bytes(damaged), "damaged.pdf")
        except PolicyParseError as err:
            one_line_error(err, "damaged.pdf")


def test_page_cap():
    data = (CORPORA / "pdf" / f"{NAMES[1]}.pdf").read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
    with pytest.raises(TooLarge) as err:
        load_pdf(data, "long.pdf", max_pages=pages - 1)
    one_line(err, "long.pdf")
    assert load_pdf(data, "long.pdf", max_pages=pages).blocks
