"""PDF plans: positioned characters → lines → paragraphs, with tables and page furniture apart.

A PDF holds lines, not paragraphs.  pdfplumber gives every character with its box and font; the
lines are rebuilt from them and joined into paragraphs by the layout Word and WPS give Chinese
plans.  A line starts a paragraph after extra vertical space, at a change of font or size
(headings), after a line that stops short of the right margin (unless the line's first word was
too wide to fit there), or after a sentence end when it is indented or opens with a numbering
marker (第X章, 一、, （一）, 1., 一是: :func:`..text.markers.parse_marker`).  Only the
vertical space rule needs both lines on one page, so a paragraph that runs on to the next page
stays one block, placed on the page where it starts.

Ruled tables come from ``page.find_tables()``; their characters go to their cells and never into
the paragraphs.  Page numbers and running headers/footers are dropped and counted in one
``page-furniture`` diagnostic.
"""

from __future__ import annotations

import io
import logging
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from itertools import islice
from operator import itemgetter

import pdfplumber
import regex
from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream
from pdfminer.psparser import LIT
from pdfplumber.page import Page, PDFPageAggregatorWithMarkedContent
from pdfplumber.utils import cluster_objects
from pdfplumber.utils.exceptions import PdfminerException

from ..errors import (CorruptDocument, EncryptedDocument, NoTextLayer, PolicyParseError,
                      TooLarge)
from ..text.markers import parse_marker
from .document import Document, DocumentBuilder

MAX_PAGES = 2000
MAX_PAGE_OBJECTS = 100_000
"""Characters, lines and images one page may draw (a dense table page draws about ten thousand):
each costs pdfplumber some 2 KB while its page is read.  A page that draws more is skipped."""
MAX_STREAM_BYTES = 64 * 1024 * 1024
"""Bytes a Flate stream (page contents, forms, fonts) may inflate to: a few hundred kilobytes of
a PDF can inflate to gigabytes.  Images are never inflated here and have no such limit."""

# pdfminer warns about every odd font or xref table of real-world files; what matters reaches
# the caller as a typed error or a diagnostic instead.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

_TAB = 1.0  # a gap wider than this many ems is a tab stop, never justification
_EDGE = 0.1  # page furniture lies in the top or bottom tenth of the page
_MEASURABLE = 10  # lines it takes to measure margins
# A run of dashes and spaces is tried once, from its start (linear on a line of ten thousand).
_PAGE_NUMBER = regex.compile(
    r"(?<![-—–－·\s])[-—–－·\s]*+(?P<n>\d+)[-—–－·\s]*+"
    r"|第\s*(?P<n>\d+)\s*页(?:\s*[,，]?\s*共\s*\d+\s*页)?"
    r"|共\s*\d+\s*页\s*第\s*(?P<n>\d+)\s*页|(?P<n>\d+)\s*/\s*\d+|page\s*(?P<n>\d+)(?:\s*of\s*\d+)?",
    regex.I)
# Not ；: "（1）…；（2）…" and "一是…；二是…" run on inside one paragraph.
_SENTENCE_END = regex.compile(r"[。！？：:!?]$|[。！？][”’」』）)]$|[〕】）)]$")
_BOLD = regex.compile(r"bold|black|heavy|semibold|demi|simhei|heiti|黑体", regex.I)
_LATIN = regex.compile(r"[\p{Latin}\d]")
# Line breaking as ICU does it: no break before closing punctuation or after opening
# punctuation, none on either side of the ambiguous quotes “”‘’.
_NO_LINE_START = regex.compile(r"[\p{Pe}\p{Pf}\p{Po}“‘]")
_NO_LINE_END = regex.compile(r"[\p{Ps}\p{Pi}”’]")
# Fonts from Word often map ideographs to look-alike Kangxi radicals or compatibility
# ideographs (⼯作⽅案); they are extraction artefacts, not what was written.
_LOOKALIKES = {cp: unicodedata.normalize("NFKC", chr(cp))
               for cp in [*range(0x2F00, 0x2FD6), *range(0xF900, 0xFADA)]
               if unicodedata.normalize("NFKC", chr(cp)) != chr(cp)}


@dataclass(slots=True)
class _Line:
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    text: str
    size: float  # the most common character size
    count: int  # characters other than spaces
    bold: int  # … of them in a bold face
    head: tuple[str, float] | None  # font and size of the first Han character
    tail: tuple[str, float] | None  # … and of the last one
    lead: float  # width of the line's first unbreakable unit, which wraps as a whole
    tabbed: bool = False  # items apart at tab stops (a flattened chart's labels and values)


@dataclass(slots=True)
class _Table:
    page: int
    top: float
    rows: list[list[str]]


@dataclass(slots=True)
class _Page:
    number: int
    width: float
    height: float
    lines: list[_Line]
    tables: list[_Table]
    ink: int  # characters other than spaces, tables included
    unmapped: int  # glyphs pdfminer could not map to Unicode, shown as "(cid:N)"


def load_pdf(data: bytes, path: str, *, max_pages: int = MAX_PAGES) -> Document:
    """Entry point for the loader registry."""
    pages, skipped = _read(data, path, max_pages)
    if len(skipped) == len(pages):
        raise TooLarge(path, f"every page draws more than {MAX_PAGE_OBJECTS:,} characters, "
                       "lines and images")
    if not any(page.ink for page in pages):
        raise NoTextLayer(path, f"no text on any of its {len(pages)} pages (a scan?)")
    if 2 * sum(page.unmapped for page in pages) > sum(page.ink for page in pages):
        raise NoTextLayer(path, "most glyphs have no Unicode mapping (fonts without ToUnicode)")
    removed = _strip_furniture(pages)
    layout = _Layout(pages)
    items = list(_items(pages, layout))
    levels = _heading_levels([item for item in items if isinstance(item, list)], layout)
    b = DocumentBuilder(path, "pdf")
    for index, item in enumerate(items):
        if isinstance(item, _Table):
            _add_table(b, item, index)
            continue
        first, level = item[0], levels.get(id(item))
        indent = max(0.0, first.x0 - layout.margins(first.page)[0]) / first.size
        b.add(_join(item, layout), index=index, kind="heading" if level else "paragraph",
              page=first.page, style_level=level, indent=round(indent, 1))
    if removed:
        b.diagnose("page-furniture", f"{len(removed)} page header/footer lines (page numbers, "
                   "running heads) removed from the text", text="\n".join(removed))
    if skipped:
        b.diagnose("other", f"{len(skipped)} page(s) left out, each drawing more than "
                   f"{MAX_PAGE_OBJECTS:,} characters, lines and images: page "
                   + ", ".join(map(str, skipped[:10])) + (" …" if len(skipped) > 10 else ""))
    return b.build()


# --- reading ----------------------------------------------------------------------------------

@contextmanager
def _pdfminer_errors(path: str) -> Iterator[None]:
    """Turn whatever pdfminer raises on a broken file into a typed error."""
    try:
        yield
    except PolicyParseError:
        raise
    except Exception as err:  # on broken files pdfminer raises anything, KeyError to zlib.error
        cause = err.args[0] if isinstance(err, PdfminerException) and err.args else err
        if isinstance(cause, PolicyParseError):  # the time limit, raised inside pdfminer
            raise cause from None
        if isinstance(cause, PDFPasswordIncorrect):
            raise EncryptedDocument(path, "password-protected PDF") from None
        reason = (str(cause).splitlines() or [""])[0][:120]
        raise CorruptDocument(path, f"malformed PDF ({type(cause).__name__}"
                              f"{': ' + reason if reason else ''})") from None


def _read(data: bytes, path: str, max_pages: int) -> tuple[list[_Page], list[int]]:
    """Characters and ruled tables of every page, turned into lines and cell texts; and the
    numbers of the pages left out for drawing too much.  Each page costs the same whatever the
    document's length: its objects are read, turned into lines and dropped before the next."""
    # Not closed with ``with``: for an in-memory file closing only flushes caches, and it walks
    # the page tree again, raising once more on a broken one.
    with _pdfminer_errors(path):
        pdf = pdfplumber.open(io.BytesIO(data))
        # counted before pdfplumber makes an object of every page of a tree of millions
        count = sum(1 for _ in islice(PDFPage.create_pages(pdf.doc), max_pages + 1))
    if count > max_pages:
        raise TooLarge(path, f"more than {max_pages} pages (the limit)")
    with _pdfminer_errors(path):
        _check_streams(pdf.doc, path)
        pages = pdf.pages
    if not pages:
        raise CorruptDocument(path, "PDF without pages")
    out, skipped = [], []
    for page in pages:
        with _pdfminer_errors(path):
            if _lay_out(page):
                chars = page.chars
                tables = [(t.bbox, [row.cells for row in t.rows]) for t in page.find_tables()]
            else:
                chars, tables = [], []
                skipped.append(page.page_number)
            page.close()  # drop pdfplumber's per-page caches: long files stay small
        out.append(_page(page.page_number, float(page.width), float(page.height), chars, tables))
    return out, skipped


_IMAGE = LIT("Image")


def _check_streams(doc: PDFDocument, path: str) -> None:
    """Refuse a Flate stream that inflates past :data:`MAX_STREAM_BYTES`, before pdfminer
    inflates it whole.  Streams are never inside object streams, so the cross-reference tables
    list them all; images are skipped (never inflated here), and so is what is encrypted or
    broken (pdfminer's own handling applies)."""
    for xref in doc.xrefs:
        for objid in xref.get_objids():
            try:
                if xref.get_pos(objid)[0] is not None:  # inside an object stream: no stream
                    continue
                obj = doc.getobj(objid)
            except Exception:  # a dangling or broken entry: pdfminer decides when it is used
                continue
            if (not isinstance(obj, PDFStream) or obj.rawdata is None or obj.decipher
                    or obj.get("Subtype") is _IMAGE):
                continue
            filters = obj.get_filters()
            if not filters or filters[0][0] not in LITERALS_FLATE_DECODE:
                continue
            try:
                size = len(zlib.decompressobj().decompress(obj.rawdata, MAX_STREAM_BYTES + 1))
            except zlib.error:
                continue
            if size > MAX_STREAM_BYTES:
                raise TooLarge(path, f"a stream (object {objid}) inflates to more than "
                               f"{MAX_STREAM_BYTES:,} bytes")


class _Overfull(Exception):
    """A page drew more than :data:`MAX_PAGE_OBJECTS` objects."""


class _Budget(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's layout device, stopping a page that draws more than its budget."""

    drawn = 0

    def _count(self) -> None:
        self.drawn += 1
        if self.drawn > MAX_PAGE_OBJECTS:
            raise _Overfull

    def render_char(self, *args, **kwargs) -> float:
        self._count()
        return super().render_char(*args, **kwargs)

    def render_image(self, *args, **kwargs) -> None:
        self._count()
        super().render_image(*args, **kwargs)

    def paint_path(self, *args, **kwargs) -> None:
        self._count()
        super().paint_path(*args, **kwargs)


def _lay_out(page: Page) -> bool:
    """Lay ``page`` out as pdfplumber's ``Page.layout`` does, through :class:`_Budget`; False
    when the page draws too much.  The layout goes where pdfplumber caches it (``_layout``), so
    that ``chars`` and ``find_tables`` read it instead of laying the page out unbounded."""
    device = _Budget(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    try:
        PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    except _Overfull:
        return False
    page._layout = device.get_result()
    return True


def _page(number: int, width: float, height: float, chars: list[dict], tables: list) -> _Page:
    """Lines and tables of one page; a table's characters go to its cells only."""
    # rotated text is stamps and watermarks; zero-size text is invisible
    chars = [c for c in chars if c["upright"] and c["text"] and c["size"] > 0]
    found: list[_Table] = []
    for bbox, rows in tables:
        inside = _within(chars, bbox)
        if not inside:
            continue
        taken = {id(c) for c in inside}
        chars = [c for c in chars if id(c) not in taken]
        found.append(_Table(number, bbox[1], [
            ["" if cell is None else _join(_lines(_within(inside, cell), number)) for cell in row]
            for row in rows]))  # a cell of None is covered by a merged cell
    lines = _lines(chars, number)
    ink = sum(line.count for line in lines) + sum(len(c) for t in found for r in t.rows for c in r)
    unmapped = sum(c["text"].startswith("(cid:") for c in chars)
    return _Page(number, width, height, lines, found, ink, unmapped)


def _within(chars: list[dict], bbox: tuple[float, float, float, float]) -> list[dict]:
    x0, top, x1, bottom = bbox
    return [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1
            and top <= (c["top"] + c["bottom"]) / 2 <= bottom]


def _lines(chars: list[dict], page: int) -> list[_Line]:
    """Characters grouped into lines, top to bottom."""
    if not chars:
        return []
    sizes = sorted(c["size"] for c in chars)
    # Wide enough to keep a superscript or a bigger first character on its line.
    tolerance = 0.4 * sizes[len(sizes) // 2]
    return [line for group in cluster_objects(chars, "top", tolerance)
            if (line := _line(group, page)) is not None]


def _line(chars: list[dict], page: int) -> _Line | None:
    """One line from its characters."""
    chars.sort(key=itemgetter("x0"))
    parts, ink, prev, tabbed = [], [], None, False
    for c in chars:
        t = c["text"]
        if prev is not None:
            if t == prev["text"] and c["x0"] - prev["x0"] < 0.3 * c["size"]:
                continue  # the same glyph printed twice, slightly offset: fake bold
            gap = c["x0"] - prev["x1"]
            if t != " " and prev["text"] != " " and (
                    (gap > 0.25 * c["size"] and _spaced(prev["text"], t))
                    or (gap > 0.3 * c["size"] and prev["text"][-1].isdigit() and t[0].isdigit())
                    or gap > _TAB * c["size"]):
                # a gap with no space glyph between two Latin words, between two numbers (a
                # chart's values at tab stops: 533 543 600, not 533543600), or a tab stop
                # between any two items (chart labels: 湖北宜都 湖北枝江, not 湖北宜都湖北枝江)
                parts.append(" ")
                tabbed |= gap > _TAB * c["size"]
        parts.append(t)
        if not t.isspace():
            ink.append(c)
        prev = c
    if not ink:
        return None
    han = [c for c in ink if "\u3400" <= c["text"] <= "\u9fff"]
    # The first unit that cannot be split: if it did not fit at the end of the line before,
    # that line stops short without ending its paragraph.
    unit = 0
    while unit + 1 < len(ink) and _unbreakable(ink[unit]["text"], ink[unit + 1]["text"]):
        unit += 1
    return _Line(page=page, top=min(c["top"] for c in ink), bottom=max(c["bottom"] for c in ink),
                 x0=ink[0]["x0"], x1=ink[-1]["x1"],
                 text="".join(parts).strip().translate(_LOOKALIKES),
                 size=Counter(round(c["size"], 1) for c in ink).most_common(1)[0][0],
                 count=len(ink), bold=sum(_is_bold(c["fontname"]) for c in ink),
                 head=_style(han[0]) if han else None, tail=_style(han[-1]) if han else None,
                 lead=ink[unit]["x1"] - ink[0]["x0"], tabbed=tabbed)


def _style(c: dict) -> tuple[str, float]:
    return c["fontname"].split("+")[-1], round(c["size"], 1)


@cache
def _is_bold(fontname: str) -> bool:
    return bool(_BOLD.search(fontname))


def _unbreakable(left: str, right: str) -> bool:
    if _NO_LINE_END.match(left) or _NO_LINE_START.match(right):
        return True
    # a Latin word or a number, also straight after CJK punctuation (LibreOffice keeps "。2020")
    return right < "\u2000" and (left < "\u2000" or bool(_NO_LINE_START.match(left)))


def _spaced(left: str, right: str) -> bool:
    """Whether two Latin words meet here (one space between them), not CJK or one number."""
    return (bool(_LATIN.match(left[-1]) or left[-1] in ",.;:!?)%") and bool(_LATIN.match(right[0]))
            and not (left[-1].isdigit() and right[0].isdigit()))


# --- page furniture ---------------------------------------------------------------------------

def _strip_furniture(pages: list[_Page]) -> list[str]:
    """Remove page numbers and running headers/footers from the pages; return their texts.

    Candidates are the first and last two lines of a page, in its top or bottom tenth.  A page
    number counts when its value follows the pages (equal to the page's position, or off by an
    offset other pages share: a chart label "219" on page 19 is no page number); other text
    counts when it recurs, digits aside, on at least half the pages (and three).
    """
    candidates: list[tuple[_Page, _Line]] = []
    for page in pages:
        n = len(page.lines)
        for i in sorted({*range(min(2, n)), *range(max(0, n - 2), n)}):
            line = page.lines[i]
            if line.top < page.height * _EDGE or line.bottom > page.height * (1 - _EDGE):
                candidates.append((page, line))
    offsets = {id(line): int(m.group("n")) - page.number for page, line in candidates
               if (m := _PAGE_NUMBER.fullmatch(line.text))}
    shared = Counter(offsets.values())
    keys = {id(line): regex.sub(r"\d+|\s+", "", line.text) for _, line in candidates}
    recurring = Counter(key for _, key in {(page.number, keys[id(line)])
                                           for page, line in candidates})

    def furniture(line: _Line) -> bool:
        if id(line) in offsets:
            return offsets[id(line)] == 0 or shared[offsets[id(line)]] >= 2
        return recurring[keys[id(line)]] >= max(3.0, len(pages) / 2)

    removed = []
    for page, line in candidates:
        if furniture(line):
            page.lines.remove(line)
            removed.append(line.text)
    return removed


# --- paragraphs -------------------------------------------------------------------------------

class _Layout:
    """The document's body font size, line spacing and margins, measured on all its lines."""

    def __init__(self, pages: list[_Page]):
        sizes = Counter()
        for page in pages:
            for line in page.lines:
                sizes[line.size] += line.count
        self.size = sizes.most_common(1)[0][0] if sizes else 12.0
        # Lines inside a paragraph are the closest ones (headings aside, most lines are).
        gaps = sorted(b.top - a.bottom for page in pages
                      for a, b in zip(page.lines, page.lines[1:]) if a.size == b.size == self.size)
        self.gap = gaps[len(gaps) // 5] if gaps else 0.0
        width = max((page.width for page in pages), default=0.0)
        self._whole = self._measure([line for page in pages for line in page.lines], width)
        # per page where there is enough to measure: odd and even pages may differ
        self._pages = {page.number: self._measure(page.lines, page.width) for page in pages
                       if len(page.lines) >= _MEASURABLE}

    @staticmethod
    def _measure(lines: list[_Line], width: float) -> tuple[float, float]:
        """Left margin (where most lines start) and right margin (where full lines end; with
        too few lines to tell, as wide as the left one)."""
        if not lines:
            return 0.0, width
        left = Counter(round(line.x0) for line in lines).most_common(1)[0][0]
        if len(lines) < _MEASURABLE:
            return float(left), width - left
        ends = sorted(line.x1 for line in lines)
        return float(left), ends[int(0.9 * (len(ends) - 1))]

    def margins(self, page: int) -> tuple[float, float]:
        return self._pages.get(page, self._whole)

    def reaches_margin(self, line: _Line) -> bool:
        """Whether a line runs to the right margin; measured on the whole document, as a page
        of short chart lines has no margin of its own to measure."""
        right = max(self.margins(line.page)[1], self._whole[1])
        return right - line.x1 <= 0.5 * line.size

    def starts_paragraph(self, a: _Line, b: _Line) -> bool:
        """Whether line ``b`` starts a new paragraph after line ``a``."""
        if abs(a.size - b.size) > 0.5 or (a.tail and b.head and a.tail != b.head):
            return True  # a change of font or size: a heading begins or ends
        if a.page == b.page and b.top - a.bottom > self.gap + 0.4 * self.size:
            return True  # space between paragraphs
        if self.margins(a.page)[1] - a.x1 > max(2 * self.size, b.lead + 0.5 * self.size):
            return True  # a stops short, and not because b's first word could not fit
        ended = bool(_SENTENCE_END.search(a.text))
        indent = ((b.x0 - self.margins(b.page)[0]) - (a.x0 - self.margins(a.page)[0])
                  > 0.8 * self.size)
        if indent and (ended or a.text[-1] in "；;"):
            return True  # a first-line indent after the end of a sentence or clause
        return ended and parse_marker(b.text) is not None


def _items(pages: list[_Page], layout: _Layout) -> Iterator[list[_Line] | _Table]:
    """Paragraphs (lists of lines) and tables in reading order."""
    para: list[_Line] = []
    table: _Table | None = None
    for page in pages:
        flow = sorted([*page.lines, *page.tables], key=lambda item: item.top)
        for k, item in enumerate(flow):
            if isinstance(item, _Table):
                if para:
                    yield para
                    para = []
                if (table and k == 0 and table.page == page.number - 1
                        and len(table.rows[0]) == len(item.rows[0])):
                    # continued from the previous page; a repeated header row is dropped
                    table.rows += item.rows[1:] if item.rows[0] == table.rows[0] else item.rows
                    continue
                if table:
                    yield table
                table = item
                continue
            if table:
                yield table
                table = None
            if para and layout.starts_paragraph(para[-1], item):
                yield para
                para = []
            para.append(item)
    if para:
        yield para
    if table:
        yield table


def _join(lines: list[_Line], layout: _Layout | None = None) -> str:
    """Join wrapped lines: CJK runs on with no space; Latin words, two numbers (a number never
    wraps) and the items of a row at tab stops get one.  A row at tab stops wraps between its
    items unless an item reaches the right margin: 安徽肥|东 is one label."""
    text = lines[0].text if lines else ""
    for prev, line in zip(lines, lines[1:]):
        spaced = (_spaced(text, line.text) or (text[-1:].isdigit() and line.text[:1].isdigit())
                  or (layout is not None and prev.tabbed and line.tabbed
                      and not layout.reaches_margin(prev)))
        text += (" " if spaced else "") + line.text
    return text


def _heading_levels(paras: list[list[_Line]], layout: _Layout) -> dict[int, int]:
    """Heading hints by ``id`` of paragraph: type larger than the body, or bold throughout
    (80% of characters); a bigger size gets a smaller level, bold body size the last one."""
    strong = {}
    for para in paras:
        size = para[0].size
        if (size > layout.size + 0.5
                or sum(line.bold for line in para) >= 0.8 * sum(line.count for line in para)):
            strong[id(para)] = size
    larger = sorted({s for s in strong.values() if s > layout.size + 0.5}, reverse=True)
    return {key: larger.index(s) + 1 if s in larger else len(larger) + 1
            for key, s in strong.items()}


def _add_table(b: DocumentBuilder, table: _Table, index: int) -> None:
    """Add a table, taking the paragraph just before it as caption when it reads 表N."""
    b.add_table(table.rows, index=index, page=table.page, caption=b.take_caption())
