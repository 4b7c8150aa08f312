"""Web pages: the plan out of a government portal page, without the portal around it.

Pages on gov.cn, provincial and county portals and aggregator sites wrap the document in
navigation, login links, breadcrumbs, metadata bars, share and QR-code boxes, related links and
footers.  The loader keeps the main content (a known CMS content container, else the element that
holds most of the page's sentence punctuation) and the document's own title; every other visible
line becomes a ``web-furniture`` diagnostic, so nothing disappears unseen.  Lines are laid out as
a browser would: block elements and ``<br>`` break lines, inline elements run on.  A table with
rows of several filled cells is data and becomes a :class:`Table` (a title row merged across it is
its caption; merged cells of its first row set how many rows head it); any other table is layout
and is read as lines.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import Message
from itertools import chain, takewhile
from typing import NamedTuple

import lxml.html
import regex
from lxml import etree

from ..errors import CorruptDocument, TooLarge
from ..text.furniture import is_furniture
from .document import Document, DocumentBuilder, normalise_line
from .text import decode

# Content containers of the CMSs Chinese government sites run on (TRS, 开普云 UCAP, gov.cn).
_CONTAINER_CLASSES = frozenset({"TRS_Editor", "TRS_UEDITOR", "pages_content", "article-content"})
_CONTAINER_IDS = frozenset({"UCAP-CONTENT", "zoom"})
_CONTAINER_TAGS = frozenset({"article"})

_INVISIBLE = ("script", "style", "noscript", "template")
_NOT_RENDERED = frozenset({"head", "title", "meta", "link", "base"})  # display: none in browsers
_FURNITURE_TAGS = frozenset({"nav", "header", "footer", "aside", "form", "menu", "select",
                             "button", "textarea", "iframe"})
_FURNITURE_NAME = regex.compile(
    r"nav|menu|breadcrumb|crumb|login|share|footer|qrcode|erweima|related|toolbar", regex.I)
_QR_NAME = regex.compile(r"qrcode|erweima|二维码", regex.I)
# Document types that make a page <title> the document's title when no element carries it.
_DOC_TYPES = ("通知", "意见", "方案", "规划", "办法", "决定", "纲要", "计划", "规定", "细则",
              "公告", "通告", "批复", "报告", "要点", "措施", "条例", "指南")
# Possessive and anchored at the start of a space run, so a long run of spaces costs linear time.
_TITLE_SEPARATORS = regex.compile(r"(?<!\s)\s*+(?:[_|｜]|(?<=\s)[-–—](?=\s))\s*+")

_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "menu", "nav", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"})
_HEADING_LEVELS = {f"h{n}": n for n in range(1, 7)}
_SENTENCE_PUNCTUATION = frozenset("，。；：、！？")
# A table cell of several lines holding more than this share of the main content's prose is the
# page body set in a layout table, whatever else the table holds.
_BODY_CELL_SHARE = 0.5
# Header rows a table's first row may span with merged cells; more is a body group, not a header.
_MAX_HEADER_ROWS = 3
_WHITESPACE = regex.compile(r"[ \t\n\r\f]+")  # HTML whitespace; nbsp and \u3000 are text
_OUTSIDE = "outside the main content"
MAX_ELEMENTS = 250_000
"""Elements one page may have (a long plan exported from Word has tens of thousands), counted
before its tree is built: the tree and the analysis cost about 600 bytes an element."""
MAX_TABLE_GRID = 250_000
"""Positions a table's grid may have once its merged cells are spread out (rows × columns);
a table whose ``colspan``/``rowspan`` would make more is read one row at a time, as written."""


def load_html(data: bytes, path: str) -> Document:
    """Entry point for the loader registry: decode, parse, keep the main content."""
    b = DocumentBuilder(path, "html")
    root = _parse(_decode(data, path, b), path)
    page = _Page.analyse(root)
    if page.head_title:
        b.add(page.head_title, index=0, kind="heading", style="title", style_level=1)
    index = 0
    for item in _layout(page.body, boundaries=page.boundaries, atomic=page.is_data_table):
        reason, in_region = page.reason(item.el)
        # Furniture outside the main content is anchored at the start, inside it where it stood.
        at = b.position if in_region else 0
        if item.kind == "image":
            if _is_qr_code(item.el) and item.el.get("src"):
                _remove(b, item.el.get("src"), "QR-code image", at)
            continue
        index += 1
        if item.kind == "table":
            _add_table(b, item.el, index)
        elif reason is None and not is_furniture(item.text):
            block = _block_element(item.el)
            level = _HEADING_LEVELS.get(block.tag)
            if level is None and page.title is not None and page.title in _self_and_up(item.el):
                level = 1  # a title in a <div class="title"> is still the document's title
            b.add(item.text, index=index, kind="paragraph" if level is None else "heading",
                  style=block.tag, style_level=level)
        else:
            _remove(b, item.text, reason or "furniture wording", at)
    if not b.blocks:
        raise CorruptDocument(path, "no visible text in the HTML page")
    return b.build()


# --- bytes to tree -------------------------------------------------------------------------

def _decode(data: bytes, path: str, b: DocumentBuilder) -> str:
    """A BOM wins, then the page's declared charset, then UTF-8 and GB18030 by content."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(data, path)
    declared = _declared_charset(data)
    if declared and declared != "utf-8" and not data.isascii():
        try:  # GBK text is practically never valid UTF-8: a template copied with a stale label
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            b.diagnose("encoding", f"page declares charset {declared} but is UTF-8", at=0)
            return text
    if declared:
        try:
            return data.decode(declared)
        except UnicodeError:
            b.diagnose("encoding", f"page declares charset {declared} but is not written in "
                       "it; decoded by content instead", at=0)
        except LookupError:  # a codec that is no text encoding (rot13, hex)
            pass
    return decode(data, path)


def _declared_charset(data: bytes) -> str | None:
    """The codec named by ``<meta charset>`` or ``http-equiv`` in the head of the page."""
    try:  # latin-1 reads any bytes, and the ASCII markup of the head survives it
        head = lxml.html.document_fromstring(data[:4096], parser=lxml.html.HTMLParser(
            encoding="iso-8859-1"))
    except etree.ParserError:
        return None
    for meta in head.iter("meta"):
        label = meta.get("charset")
        if label is None and (meta.get("http-equiv") or "").lower() == "content-type":
            header = Message()
            header["content-type"] = meta.get("content") or ""
            label = header.get_param("charset")
        if isinstance(label, str) and label.strip():
            try:
                name = codecs.lookup(label.strip()).name
            except LookupError:
                return None
            if name.startswith(("utf-16", "utf-32")):
                return None  # the bytes we could read the label in cannot be UTF-16 (WHATWG)
            # Sites label GBK pages gb2312; GB18030 is the superset that reads them all.
            return "gb18030" if name in ("gb2312", "gbk") else name
    return None


def _parse(text: str, path: str) -> etree._Element:
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    data = text.encode("utf-8")
    if data.count(b"<") > MAX_ELEMENTS:  # every element opens with "<": fewer need no count
        etree.fromstring(data, etree.HTMLParser(encoding="utf-8", target=_Count(path)))
    try:  # bytes with an explicit encoding, so an <?xml encoding=…?> line cannot object
        root = lxml.html.document_fromstring(data, parser=parser)
    except etree.ParserError as err:
        raise CorruptDocument(path, f"not a readable HTML page ({err})") from None
    if any(e.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for e in parser.error_log):
        # libxml2 stops at 256 levels and would silently drop the rest of the page.
        raise CorruptDocument(path, "elements nested too deeply for the HTML parser")
    etree.strip_elements(root, *_INVISIBLE, with_tail=False)
    return root


class _Count:
    """A parser target that builds nothing and stops the parse past :data:`MAX_ELEMENTS`."""

    def __init__(self, path: str):
        self.path, self.seen = path, 0

    def start(self, tag: str, attrib: dict) -> None:
        self.seen += 1
        if self.seen > MAX_ELEMENTS:
            raise TooLarge(self.path, f"more than {MAX_ELEMENTS:,} HTML elements (a plan's page "
                           "has far fewer; generated or hostile content?)")

    def close(self) -> None:
        return None


# --- the page: furniture, main content, title ------------------------------------------------

@dataclass
class _Page:
    body: etree._Element
    furniture: dict[etree._Element, str]  # element → why it is furniture
    region: etree._Element
    title: etree._Element | None
    head_title: str | None  # the <title> text, when no element of the body carries it
    scores: dict[etree._Element, float]  # prose weight of every element, furniture counting 0

    @classmethod
    def analyse(cls, root: etree._Element) -> _Page:
        body = root.find("body")
        body = root if body is None else body
        everything = _scores(body, {})
        furniture = {el: why for el in body.iter() if (why := _furniture_reason(el))
                     # a wrapper holding the page is not furniture (ASP.NET wraps it in a <form>)
                     and everything[el] <= everything[body] / 2}
        scores = _scores(body, furniture)
        region = _main_region(body, scores, furniture)
        wanted = _head_titles(root)
        title = _title_element(body, wanted, furniture)
        head_title = None
        if title is None and wanted:
            best = max(wanted, key=len)
            if best.endswith(_DOC_TYPES) and _squash(best) not in _squash(
                    region.text_content())[:len(best) + 200]:
                head_title = best
        return cls(body, furniture, region, title, head_title, scores)

    @property
    def boundaries(self) -> set[etree._Element]:
        """Elements whose edges break lines, so that every line has one disposition."""
        return {self.region, *self.furniture, *([] if self.title is None else [self.title])}

    def reason(self, el: etree._Element) -> tuple[str | None, bool]:
        """Why ``el`` is not content (None if it is), and whether it is inside the region."""
        reason: str | None = _OUTSIDE
        for up in _self_and_up(el):
            if up is self.title:
                return None, False
            if up is self.region:
                return reason if reason != _OUTSIDE else None, True
            if reason == _OUTSIDE and up in self.furniture:
                reason = self.furniture[up]
        return reason, False

    def is_data_table(self, el: etree._Element) -> bool:
        """A content table with rows of several filled cells; layout tables are read as blocks.

        Sites set the page body in tables: around the main content, beside empty spacer cells
        that indent it, or as one cell holding lines that carry most of the content's prose."""
        if el.tag != "table" or self.reason(el)[0] is not None:
            return False
        if any(up is el for keep in (self.region, self.title) if keep is not None
               for up in _self_and_up(keep)):
            return False
        if next(el.iterdescendants("table"), None) is not None:
            return False
        rows = [_cells(tr) for tr in el.iter("tr")]
        body_share = _BODY_CELL_SHARE * self.scores[self.region]
        if any(self.scores[cell] > body_share and "\n" in _cell_text(cell) for row in rows
               for cell in row):
            return False
        return any(sum(bool(_cell_text(cell)) for cell in row) > 1 for row in rows)


def _furniture_reason(el: etree._Element) -> str | None:
    if not isinstance(el.tag, str):
        return None
    if el.tag in _FURNITURE_TAGS:
        # A <header>/<footer> inside an <article> or <section> is the article's own.
        if el.tag in ("header", "footer") and any(
                up.tag in ("article", "section") for up in el.iterancestors()):
            return None
        return f"<{el.tag}>"
    for attr in ("class", "id"):
        value = el.get(attr) or ""
        if _FURNITURE_NAME.search(value):
            return f'{attr}="{value.strip()}"'
    return None


def _weight(text: str | None) -> float:
    """How much a stretch of text looks like document prose: sentence punctuation, then length."""
    if not text:
        return 0.0
    return sum(c in _SENTENCE_PUNCTUATION for c in text) + len(text.strip()) / 100


def _scores(body: etree._Element, skip: dict) -> dict[etree._Element, float]:
    """Prose weight of every element's visible, non-link text (``skip``ped subtrees count 0)."""
    scores: dict[etree._Element, float] = {}
    for el in reversed(list(body.iter())):  # children before their parents
        if not isinstance(el.tag, str) or el in skip or el.tag == "a" or _hidden(el):
            scores[el] = 0.0
            continue
        scores[el] = _weight(el.text) + sum(scores[c] + _weight(c.tail) for c in el)
    return scores


def _main_region(body: etree._Element, scores: dict, furniture: dict) -> etree._Element:
    """A known content container holding most of the prose, else the smallest element that
    holds most of it."""
    known = [el for el in body.iter() if isinstance(el.tag, str) and _is_container(el)
             and not any(up in furniture for up in _self_and_up(el))]
    best = max(known, key=scores.__getitem__, default=None)
    if best is not None and scores[best] >= scores[body] / 2:
        return best
    node = body
    while True:
        top = max((c for c in node if isinstance(c.tag, str)), key=scores.__getitem__,
                  default=None)
        if top is None or scores[top] < 0.7 * scores[node] or scores[top] == 0:
            return node
        node = top


def _is_container(el: etree._Element) -> bool:
    return (el.tag in _CONTAINER_TAGS or el.get("id") in _CONTAINER_IDS
            or not _CONTAINER_CLASSES.isdisjoint((el.get("class") or "").split()))


def _head_titles(root: etree._Element) -> list[str]:
    """Title candidates from <title> (split at the site-name separators) and ArticleTitle."""
    texts = [t.text_content() for t in root.iter("title")]
    texts += [m.get("content") or "" for m in root.iter("meta")
              if (m.get("name") or "").lower() == "articletitle"]
    parts = [p.strip() for t in texts for p in _TITLE_SEPARATORS.split(t.strip())]
    return [p for p in parts if p]


def _title_element(body: etree._Element, wanted: list[str],
                   furniture: dict) -> etree._Element | None:
    """The element that shows the document's title: a heading or ``*title*`` element matching
    the page title, or without one the first <h1>; never one inside page furniture."""
    keys = [_squash(w) for w in wanted]
    for el in body.iter():
        if not isinstance(el.tag, str) or any(up in furniture for up in _self_and_up(el)):
            continue
        named = "title" in f"{el.get('class') or ''} {el.get('id') or ''}".lower()
        if el.tag not in ("h1", "h2", "h3") and not named:
            continue
        text = _squash(el.text_content())
        if not keys and el.tag == "h1" and text:
            return el
        if text and any(text == k or (min(len(text), len(k)) >= 6 and (text in k or k in text))
                        for k in keys):
            return el
    return None


def _squash(text: str) -> str:
    return "".join(text.split())


def _self_and_up(el: etree._Element) -> Iterator[etree._Element]:
    return chain((el,), el.iterancestors())


def _hidden(el: etree._Element) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return (el.tag in _NOT_RENDERED or el.get("hidden") is not None or "display:none" in style
            or "visibility:hidden" in style)


def _is_qr_code(img: etree._Element) -> bool:
    return any(_QR_NAME.search(" ".join(filter(None, (el.get("src"), el.get("alt"), el.get(
        "class"), el.get("id"))))) for el in _self_and_up(img))


def _remove(b: DocumentBuilder, text: str, reason: str, at: int) -> None:
    b.diagnose("web-furniture", f"web-page furniture removed ({reason})",
               text=normalise_line(text)[0], at=at)


# --- layout: elements to lines ---------------------------------------------------------------

class _Item(NamedTuple):
    kind: str  # "line", "table" (an atomic data table) or "image"
    text: str
    el: etree._Element  # where the line's first text came from


def _layout(top: etree._Element, *, boundaries: set = frozenset(),
            atomic: Callable[[etree._Element], bool] = lambda el: False) -> Iterator[_Item]:
    """The visible lines under ``top`` in reading order, as a browser breaks them.

    Block elements, ``<br>`` and ``boundaries`` end a line; ``atomic`` elements are yielded
    whole instead of being read.  Iterative (``iterwalk``), so depth costs no recursion."""
    buf: list[str] = []
    owner: etree._Element | None = None
    pre = 0  # inside <pre>, newlines are line breaks and spaces are kept
    skipped: set[etree._Element] = set()

    def add(text: str | None, el: etree._Element) -> None:
        nonlocal owner
        if text:
            if owner is None and text.strip():
                owner = el
            buf.append(text)

    def take() -> Iterator[_Item]:
        nonlocal owner
        text, el = "".join(buf), owner
        buf.clear()
        owner = None
        for line in text.split("\n") if pre else [_collapse(text)]:
            if el is not None and line.strip():
                yield _Item("line", line, el)

    walker = etree.iterwalk(top, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else None
        breaks = tag in _BLOCK_TAGS or el in boundaries
        if event == "start":
            whole = tag is not None and atomic(el)
            if tag is None or whole or _hidden(el):
                skipped.add(el)
                walker.skip_subtree()
                if whole:
                    yield from take()
                    yield _Item("table", "", el)
                continue
            if breaks or tag == "br":
                yield from take()
            if tag == "img":
                yield _Item("image", "", el)
            if tag == "pre":
                pre += 1
            add(el.text, el)
        else:
            if el not in skipped:
                if breaks:
                    yield from take()
                if tag == "pre":
                    pre -= 1
            if el is not top:
                add(el.tail, el.getparent())
    yield from take()


def _collapse(text: str) -> str:
    """Collapse HTML whitespace; a line break between two CJK characters is dropped, as CSS
    does, because source HTML wraps Chinese text anywhere."""
    def space(m: regex.Match) -> str:
        if ("\n" in m.group() or "\r" in m.group()) and 0 < m.start() and m.end() < len(text) \
                and _wide(text[m.start() - 1]) and _wide(text[m.end()]):
            return ""
        return " "
    return _WHITESPACE.sub(space, text)


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F", "H")


def _block_element(el: etree._Element) -> etree._Element:
    return next(up for up in _self_and_up(el) if up.tag in _BLOCK_TAGS or up.getparent() is None)


# --- tables ---------------------------------------------------------------------------------

def _add_table(b: DocumentBuilder, table: etree._Element, index: int) -> None:
    trs = list(table.iter("tr"))
    caption_el = table.find("caption")
    caption = _cell_text(caption_el) if caption_el is not None else ""
    if not caption and _is_title_row(trs):
        caption = _cell_text(_cells(trs[0])[0])
        trs = trs[1:]
    caption = caption.replace("\n", " ")
    if caption:
        b.add(caption, index=index, kind="caption", style="caption")
    rows = _grid(trs)
    if rows is None:
        b.diagnose("other", f"a table's merged cells would spread it over more than "
                   f"{MAX_TABLE_GRID:,} grid positions; read row by row as written",
                   at=b.position)
        rows = [[_cell_text(cell) for cell in _cells(tr)] for tr in trs]
    b.add_table(rows, index=index, caption=caption or None, header_rows=_header_rows(trs))


def _cells(tr: etree._Element) -> list[etree._Element]:
    return [c for c in tr if c.tag in ("td", "th")]


def _colspan(cell: etree._Element) -> int:
    return min(max(_int(cell.get("colspan")), 1), 1000)  # as browsers clamp it


def _is_title_row(trs: list[etree._Element]) -> bool:
    """Whether the first row is the table's title, typed into one cell merged across the table
    (as Word users do), above a header row and at least one row of data."""
    if len(trs) < 3:
        return False
    first = _cells(trs[0])
    width = max(sum(map(_colspan, _cells(tr))) for tr in trs[1:])
    return len(first) == 1 and width > 1 and _colspan(first[0]) >= width


def _header_rows(trs: list[etree._Element]) -> int:
    """How many rows head the table: <thead> or all-<th> rows; else, where the first row merges
    cells both ways (目标值 over 2023年 and 2025年 in the row below, 指标 down beside them), the
    rows its merged cells cover; at least one, as in a Word table."""
    marked = sum(1 for _ in takewhile(lambda tr: bool(_cells(tr)) and (
        tr.getparent().tag == "thead" or all(c.tag == "th" for c in _cells(tr))), trs))
    if marked or not trs:
        return max(marked, 1)
    first = _cells(trs[0])
    down = max((_int(c.get("rowspan")) for c in first), default=1)
    if any(_colspan(c) > 1 for c in first) and 1 < down <= _MAX_HEADER_ROWS and down < len(trs):
        return down
    return 1


def _grid(trs: list[etree._Element]) -> list[list[str]] | None:
    """Rows of cell texts with spans expanded; a spanned cell's text stands once, in its first
    position, so that every piece of the text has one span.  ``None`` when the grid would have
    more than :data:`MAX_TABLE_GRID` positions (known before any is made)."""
    spans = [[(cell, _colspan(cell), _rowspan(cell, len(trs) - r)) for cell in _cells(tr)]
             for r, tr in enumerate(trs)]
    if sum(cs * rs for row in spans for _, cs, rs in row) > MAX_TABLE_GRID:
        return None
    grid: dict[tuple[int, int], str] = {}
    for r, row in enumerate(spans):
        c = 0
        for cell, colspan, rowspan in row:
            while (r, c) in grid:
                c += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = "" if dr or dc else _cell_text(cell)
            c += colspan
    width = 1 + max((c for _, c in grid), default=-1)
    if width * len(trs) > MAX_TABLE_GRID:  # one wide row would pad every other row
        return None
    return [[grid.get((r, c), "") for c in range(width)] for r in range(len(trs))]


def _rowspan(cell: etree._Element, left: int) -> int:
    """A cell's rowspan, at most the ``left`` rows from its own to the table's end (``0``: all
    of them)."""
    rowspan = _int(cell.get("rowspan"))
    return left if rowspan == 0 or rowspan > left else rowspan


def _int(value: str | None) -> int:
    """A span attribute; anything unreadable or negative counts as 1, as browsers do."""
    try:
        n = int((value or "1").strip())
    except ValueError:
        return 1
    return 1 if n < 0 else n


def _cell_text(cell: etree._Element) -> str:
    """The cell's lines, each trimmed as a block would be (Word pads every <p> with spaces)."""
    lines = (normalise_line(item.text)[0] for item in _layout(cell) if item.kind == "line")
    return "\n".join(filter(None, lines))
