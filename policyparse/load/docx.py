"""Word .docx plans: body paragraphs and tables in order, with Word's auto-numbers rendered.

python-docx opens the package (relationships, content types); the parts are then read with
lxml directly, walking ``w:body`` in order, because python-docx's object model is slow and hides
what a plan needs: list numbers (:mod:`.numbering`), tracked changes, comment ranges.  The text
is Word's final view: insertions kept, deletions and moved-away text dropped, field codes,
bookmarks, footnote marks and page headers/footers left out.  What was left out or annotates
the text becomes a diagnostic anchored where it stood.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import astuple, dataclass, field
from functools import lru_cache
from itertools import takewhile

import regex
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.pkgreader import PackageReader
from lxml import etree

from ..errors import CorruptDocument, TooLarge
from .document import MAX_BLOCKS, MAX_TEXT_CHARS, Document, DocumentBuilder, normalise_line
from .numbering import W, Numbering, UndefinedNumbering
from .sniff import MAX_MEMBERS, ZIP_ERRORS

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_PART_BYTES = 50 * 1024 * 1024
"""Uncompressed size of one XML part (document.xml, numbering.xml, styles.xml, comments.xml …);
the document.xml of a 300-page plan is a few megabytes."""
MAX_PACKAGE_PART_BYTES = 4 * 1024 * 1024
"""Uncompressed size of the package's own parts (relationships, content types), which
python-docx reads whole; a plan's are a few kilobytes."""
MAX_ELEMENTS = 1_000_000
"""XML elements one part may have, counted while it is read: a tree costs about 140 bytes an
element, and a few megabytes of ``<w:p/>`` compress to kilobytes."""
MAX_TABLE_COLUMNS = 63
"""Word's own limit: a cell spanning more columns (``w:gridSpan``, ``w:gridBefore``) is cut."""
_CHUNK = 1 << 20  # bytes fed to the counting parser at a time

# No entity expansion, no network, no huge trees: a .docx is untrusted input.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_PACKAGE_ERRORS = (*ZIP_ERRORS, PackageNotFoundError, KeyError, RuntimeError, zlib.error,
                   etree.XMLSyntaxError)

_VAL = W + "val"
_P, _TBL, _TR, _TC, _T = (W + t for t in ("p", "tbl", "tr", "tc", "t"))
_PPR, _TCPR = W + "pPr", W + "tcPr"
_SDT, _SDT_CONTENT, _CUSTOM_XML = W + "sdt", W + "sdtContent", W + "customXml"
_COMMENT_START, _COMMENT_END = W + "commentRangeStart", W + "commentRangeEnd"
_ROW, _CELL = frozenset({_TR}), frozenset({_TC})
# Elements whose children are walked as if they stood in the paragraph itself.
_CONTAINERS = frozenset(W + t for t in (
    "r", "hyperlink", "smartTag", "customXml", "sdt", "sdtContent", "fldSimple", "dir", "bdo",
    "ruby", "rubyBase"))
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\u3000-\u303f\uff00-\uffef]")
_HEADING_NAME = regex.compile(r"(?i)^(?:heading|标题)\s*([1-9])$")
_CAPTION_STYLES = frozenset({"caption", "题注"})


def load_docx(data: bytes, path: str) -> Document:
    """Entry point for the loader registry: a .docx file's bytes → :class:`Document`."""
    parts = _Package(data, path)
    root = _parse(parts.main, path)
    body = root.find(W + "body") if root.tag == W + "document" else None
    if body is None:
        raise CorruptDocument(path, "word/document.xml has no w:body")
    if sum(1 for _ in body.iter(_P)) > MAX_BLOCKS:  # refused before a block is built
        raise TooLarge(path, f"more than {MAX_BLOCKS:,} paragraphs (w:p) in word/document.xml")
    b = DocumentBuilder(path, "docx")
    styles = _Styles(parts.xml(RT.STYLES, b))
    numbering = parts.xml(RT.NUMBERING, b)
    problem = ("numbering.xml is malformed" if parts.broken(RT.NUMBERING) else
               "the document has no numbering part" if numbering is None else None)
    notes = {kind: _notes(parts.xml(rt, b), kind)
             for kind, rt in (("footnote", RT.FOOTNOTES), ("endnote", RT.ENDNOTES))}
    loader = _Loader(b, styles, Numbering(numbering, styles.lists), notes, problem)
    loader.body(body)
    loader.comments(_notes(parts.xml(RT.COMMENTS, b), "comment"))
    _furniture(b, parts)
    return b.build()


class _Package:
    """The main document part and the parts it relates to, read through python-docx's OPC
    reader after the zip has passed the size limits."""

    def __init__(self, data: bytes, path: str):
        _check_zip(data, path)
        self.path = path
        try:
            reader = PackageReader.from_file(io.BytesIO(data))
            blobs = {str(name): blob for name, _, _, blob in reader.iter_sparts()}
            srels = list(reader.iter_srels())
        except _PACKAGE_ERRORS as err:
            raise CorruptDocument(path, f"broken .docx package ({_reason(err)})") from None
        main = next((str(rel.target_partname) for source, rel in srels
                     if source == "/" and rel.reltype == RT.OFFICE_DOCUMENT
                     and not rel.is_external), None)
        if main is None or main not in blobs:
            raise CorruptDocument(path, "no main document part (word/document.xml)")
        self.main = blobs[main]
        self.related: dict[str, list[tuple[str, bytes]]] = {}
        for source, rel in srels:
            target = None if rel.is_external else str(rel.target_partname)
            if source == main and target in blobs:
                self.related.setdefault(rel.reltype, []).append((target, blobs[target]))
        self._broken: set[str] = set()

    def xml(self, reltype: str, b: DocumentBuilder) -> etree._Element | None:
        """The first part of a kind, parsed; a malformed one is noted and treated as absent."""
        roots = self.all_xml(reltype, b)
        return roots[0][1] if roots else None

    def all_xml(self, reltype: str, b: DocumentBuilder) -> list[tuple[str, etree._Element]]:
        out = []
        for name, blob in self.related.get(reltype, []):
            try:
                out.append((name, _read_xml(blob, name.lstrip("/"), self.path)))
            except etree.XMLSyntaxError as err:
                if reltype not in self._broken:
                    self._broken.add(reltype)
                    if reltype != RT.NUMBERING:  # reported per paragraph as numbering-fallback
                        b.diagnose("other", f"{name.lstrip('/')} is malformed and was ignored "
                                   f"({_reason(err)})")
        return out

    def broken(self, reltype: str) -> bool:
        return reltype in self._broken


def _check_zip(data: bytes, path: str) -> None:
    """Refuse zip bombs before anything is inflated: the declared sizes bound what zipfile
    will ever decompress."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except ZIP_ERRORS as err:
        raise CorruptDocument(path, f"not a .docx: broken zip container ({_reason(err)})") from None
    if len(infos) > MAX_MEMBERS:
        raise TooLarge(path, f"zip has {len(infos)} members, more than {MAX_MEMBERS}")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED:
        raise TooLarge(path, f"{total} bytes uncompressed exceeds the limit of {MAX_UNCOMPRESSED}")
    for info in infos:
        name = info.filename.lower()
        limit = (MAX_PACKAGE_PART_BYTES if name.endswith(".rels") or name == "[content_types].xml"
                 else MAX_PART_BYTES if name.endswith(".xml") else None)
        if limit is not None and info.file_size > limit:
            raise TooLarge(path, f"{info.filename} is {info.file_size:,} bytes uncompressed, more "
                           f"than the limit of {limit:,} for one XML part")


def _parse(blob: bytes, path: str) -> etree._Element:
    try:
        return _read_xml(blob, "word/document.xml", path)
    except etree.XMLSyntaxError as err:
        raise CorruptDocument(path, f"malformed word/document.xml ({_reason(err)})") from None


def _read_xml(blob: bytes, name: str, path: str) -> etree._Element:
    """Parse one XML part of the package, refusing one of more than :data:`MAX_ELEMENTS`
    elements before its tree is built.  Every element opens with ``<``: a part with fewer is
    parsed at once; a longer one is parsed in chunks, counting its elements as they are read."""
    if blob.count(b"<") <= MAX_ELEMENTS:
        return etree.fromstring(blob, _PARSER)
    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, no_network=True,
                                 huge_tree=False)
    seen = 0
    for at in range(0, len(blob), _CHUNK):
        parser.feed(blob[at:at + _CHUNK])
        seen += sum(1 for _ in parser.read_events())
        if seen > MAX_ELEMENTS:
            raise TooLarge(path, f"{name} has more than {MAX_ELEMENTS:,} XML elements (a plan "
                           "has far fewer; generated or hostile content?)")
    return parser.close()


def _reason(err: Exception) -> str:
    return (str(err) or type(err).__name__).splitlines()[0][:160]


@dataclass(frozen=True)
class _Style:
    name: str | None = None
    level: int | None = None
    num_id: str | None = None
    ilvl: int | None = None


@dataclass(frozen=True)
class _Inherited:
    """What a style states or inherits through ``w:basedOn``; the nearest statement wins."""

    outline: int | None = None  # w:outlineLvl (0: body text)
    named: int | None = None  # the level of a name such as "heading 2" or "标题 2"
    num_id: str | None = None
    ilvl: int | None = None

    def over(self, base: _Inherited) -> _Inherited:
        return _Inherited(*(mine if mine is not None else theirs
                            for mine, theirs in zip(astuple(self), astuple(base))))


class _Styles:
    """Paragraph styles resolved through ``w:basedOn``: name, heading level, list.  Each style
    is resolved once, on top of its resolved parent: resolving every style of a chain of
    thousands costs the chain, not its square."""

    def __init__(self, root: etree._Element | None):
        self._raw: dict[str, etree._Element] = {}
        self.default: str | None = None
        self.lists: dict[str, str] = {}
        for el in root.iterchildren(W + "style") if root is not None else ():
            sid = el.get(W + "styleId", "")
            self._raw[sid] = el
            if el.get(W + "default") in ("1", "true") and el.get(W + "type") == "paragraph":
                self.default = sid
            num_id = el.find(f"{W}pPr/{W}numPr/{W}numId")
            if num_id is not None:
                self.lists[sid] = num_id.get(_VAL, "")
        self._inherited: dict[str, _Inherited] = {}
        self.resolve = lru_cache(maxsize=None)(self._resolve)

    def _resolve(self, sid: str | None) -> _Style:
        if sid not in self._raw:
            return _Style()
        got = self._inherit(sid)
        level = got.outline if got.outline is not None else got.named
        return _Style(name=_attr(self._raw[sid].find(W + "name")), level=level or None,
                      num_id=got.num_id, ilvl=got.ilvl)

    def _inherit(self, sid: str) -> _Inherited:
        """Up the ``w:basedOn`` chain to a style already resolved, the chain's end or a cycle
        (they occur in the wild), then down again, resolving each style on its parent."""
        chain, seen = [], set()
        while sid in self._raw and sid not in seen and sid not in self._inherited:
            seen.add(sid)
            chain.append(sid)
            based = self._raw[sid].find(W + "basedOn")
            sid = based.get(_VAL) if based is not None else None
        got = self._inherited.get(sid, _Inherited())
        for sid in reversed(chain):
            got = self._inherited[sid] = _own(self._raw[sid]).over(got)
        return got


def _own(style: etree._Element) -> _Inherited:
    """What one ``w:style`` states itself."""
    named = _HEADING_NAME.match(_attr(style.find(W + "name")) or "")
    ppr = style.find(_PPR)
    num = ppr.find(W + "numPr") if ppr is not None else None
    return _Inherited(outline=_outline(ppr) if ppr is not None else None,
                      named=int(named.group(1)) if named else None,
                      num_id=(_attr(num.find(W + "numId")) or None) if num is not None else None,
                      ilvl=_int(num.find(W + "ilvl")) if num is not None else None)


def _attr(el: etree._Element | None) -> str | None:
    return el.get(_VAL) if el is not None else None


def _int(el: etree._Element | None) -> int | None:
    try:
        return int(el.get(_VAL, "")) if el is not None else None
    except ValueError:
        return None


def _outline(ppr: etree._Element) -> int | None:
    """``w:outlineLvl`` as a 1-based level, 0 for body text (level 9), None when not stated."""
    lvl = _int(ppr.find(W + "outlineLvl"))
    if lvl is None:
        return None
    return lvl + 1 if 0 <= lvl < 9 else 0


@dataclass
class _Mark:
    kind: str  # comment-start, comment-end, comment-ref, footnote, endnote, insert, delete
    start: int
    end: int | None = None
    ref: str = ""
    author: str | None = None
    text: str = ""


@dataclass
class _Text:
    """The raw text of one unit (a paragraph or a table cell) and the marks found in it."""

    parts: list[str] = field(default_factory=list)
    size: int = 0
    marks: list[_Mark] = field(default_factory=list)
    pending_break: bool = False

    def add(self, s: str, source: etree._Element | None = None) -> None:
        """Append ``s``; ``source`` is the element it was read from (see :class:`_Traced`)."""
        if not s:
            return
        if self.pending_break:
            # A line break joins the two lines: with nothing inside a CJK run, else a space.
            self.pending_break = False
            if self.parts and not (_CJK.match(self.parts[-1][-1]) and _CJK.match(s[0])):
                self.parts.append(" ")
                self.size += 1
        self.parts.append(s)
        self.size += len(s)

    def text(self) -> str:
        return "".join(self.parts)


Source = tuple[etree._Element, int]


@dataclass
class _Traced(_Text):
    """A :class:`_Text` that remembers, for each character, the element it came from."""

    sources: list[Source | None] = field(default_factory=list)

    def add(self, s: str, source: etree._Element | None = None) -> None:
        before = self.size
        super().add(s, source)
        gap = self.size - before - len(s)  # the space that joins two lines, if one was put in
        self.sources += [None] * gap + [None if source is None else (source, i)
                                        for i in range(len(s))]


def text_sources(paragraphs: Iterable[etree._Element]) -> tuple[str, list[Source | None]]:
    """The text of a paragraph, or of a table cell's paragraphs joined by spaces, as the loader
    places it in the plan (normalised; auto-number labels are not in the XML and not here), and
    for each of its characters the element it was read from (``w:t``, ``w:tab``, ``w:sym`` …)
    with the offset in that element's text, ``None`` for a space the loader put in.  For writers
    that mark a span in the XML (Word comments): they find its runs through the loader's own
    reading instead of reading the runs their own way."""
    out = _Traced()
    for p in paragraphs:
        out.add(" ")
        _walk(p, out)
    raw = out.text()
    text, lead = normalise_line(raw)
    # normalisation maps each character to itself, a space or nothing, then strips the ends
    kept = [k for k, c in enumerate(raw) if len(normalise_line(f"x{c}x")[0]) == 3]
    return text, [out.sources[k] for k in kept[lead:lead + len(text)]]


def _walk(el: etree._Element, out: _Text) -> None:
    """Collect the visible text under ``el`` (Word's final view) into ``out``."""
    for child in el:
        tag = child.tag
        if tag == _T:
            text = child.text or ""
            if len(child):  # unexpanded entity references: skip them, keep the text around them
                text += "".join(c.tail or "" for c in child)
            out.add(text, child)
        elif tag in _CONTAINERS:
            _walk(child, out)
        elif tag in _BREAKS:
            out.pending_break = True
        elif tag in _CHARS:
            out.add(_CHARS[tag], child)
        elif tag in _TRACKED:
            kind = _TRACKED[tag]
            start = out.size
            if kind == "insert":
                _walk(child, out)
                text = out.text()[start:]
            else:
                text = "".join(t.text or "" for t in child.iter(W + "delText", _T))
            out.marks.append(_Mark(kind, start, out.size, author=child.get(W + "author"),
                                   text=text))
        elif tag in _POINT_MARKS:
            out.marks.append(_Mark(_POINT_MARKS[tag], out.size, ref=child.get(W + "id", "")))
        elif tag == W + "sym":
            out.add(_symbol(child.get(W + "char", "")), child)


_BREAKS = frozenset({W + "br", W + "cr"})
_CHARS = {W + "tab": "\t", W + "ptab": "\t", W + "noBreakHyphen": "-"}
_TRACKED = {W + "ins": "insert", W + "moveTo": "insert", W + "del": "delete",
            W + "moveFrom": "delete"}
_POINT_MARKS = {_COMMENT_START: "comment-start", _COMMENT_END: "comment-end",
                W + "commentReference": "comment-ref", W + "footnoteReference": "footnote",
                W + "endnoteReference": "endnote"}


def _symbol(code: str) -> str:
    """A ``w:sym`` character; symbol-font glyphs (private use area) have no text meaning."""
    try:
        char = chr(int(code, 16))
    except ValueError:
        return ""
    return "" if 0xE000 <= ord(char) <= 0xF8FF else char


def _notes(root: etree._Element | None, kind: str) -> dict[str, tuple[str | None, str]]:
    """Comments, footnotes or endnotes by id: (author, text)."""
    out = {}
    for note in root.iterchildren(W + kind) if root is not None else ():
        if note.get(W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        text = _Text()
        for p in note.iter(_P):
            text.add(" ")
            _walk(p, text)
        out[note.get(W + "id", "")] = (note.get(W + "author"), normalise_line(text.text())[0])
    return out


def _offset(raw: str, k: int) -> int:
    """Where ``raw[k]`` lands in ``normalise_line(raw)``: the prefix is normalised with a
    sentinel after it so that trailing spaces inside the block are not stripped."""
    return len(normalise_line(raw[:k] + "x")[0]) - 1


class _Loader:
    """Walks the body in order, feeding the builder and settling marks into diagnostics."""

    def __init__(self, b: DocumentBuilder, styles: _Styles, numbering: Numbering,
                 notes: dict[str, dict[str, tuple[str | None, str]]],
                 numbering_problem: str | None):
        self.b = b
        self.styles = styles
        self.numbering = numbering
        self.notes = notes
        self.numbering_problem = numbering_problem
        self._comment_at: dict[str, dict[str, int]] = {}
        self._fallbacks: set[str] = set()
        self._rows = 0  # table rows read so far, empty ones included

    def body(self, body: etree._Element) -> None:
        """Paragraphs and tables in order; ``Block.index`` counts them (through content
        controls), comment marks between them are not counted."""
        index = 0
        for el in descend(body):
            if el.tag == _P:
                self.paragraph(el, index)
            elif el.tag == _TBL:
                self.table(el, index)
            else:  # a comment range that starts or ends between paragraphs
                pos = self.b.position if el.tag == _COMMENT_START else \
                    (self.b.blocks[-1].end if self.b.blocks else 0)
                self._settle([_Mark(_POINT_MARKS[el.tag], 0, ref=el.get(W + "id", ""))],
                             lambda _: pos)
                continue
            index += 1

    def paragraph(self, p: etree._Element, index: int) -> None:
        ppr = p.find(_PPR)
        style = self._style(ppr)
        own_level = _outline(ppr) if ppr is not None else None
        level = (own_level if own_level is not None else style.level) or None
        at = self.b.position
        label = self._label(p, ppr, style)
        out = _Text()
        _walk(p, out)
        raw = out.text()
        block = self.b.add(raw, index=index, kind="heading" if level else "paragraph",
                           style=style.name, style_level=level, label=label, raw_start=0)
        if block is None:
            self._settle(out.marks, lambda _: at)
        else:
            first = block.start + len(block.label or "")
            self._settle(out.marks, lambda k: min(first + _offset(raw, k), block.end))

    def _style(self, ppr: etree._Element | None) -> _Style:
        sid = _attr(ppr.find(W + "pStyle")) if ppr is not None else None
        return self.styles.resolve(sid or self.styles.default)

    def _label(self, p: etree._Element, ppr: etree._Element | None, style: _Style) -> str | None:
        """The paragraph's auto-number as Word shows it (its own numPr, else its style's)."""
        num = ppr.find(W + "numPr") if ppr is not None else None
        num_id = _attr(num.find(W + "numId")) if num is not None else None
        ilvl = _int(num.find(W + "ilvl")) if num is not None else None
        num_id = num_id or style.num_id
        if num_id is None or num_id == "0":  # numId 0 switches inherited numbering off
            return None
        if ilvl is None:
            ilvl = style.ilvl
        if ilvl is None and ppr is not None:
            ilvl = self.numbering.level_of_style(num_id, _attr(ppr.find(W + "pStyle")) or "")
        try:
            return self.numbering.label(num_id, ilvl or 0)
        except UndefinedNumbering as err:
            reason = self.numbering_problem or str(err)
            if reason not in self._fallbacks:  # one note per cause, at its first paragraph
                self._fallbacks.add(reason)
                self.b.diagnose("numbering-fallback", f"Word auto-number not rendered ({reason});"
                                " the paragraph is kept as written", at=self.b.position)
            return None

    def table(self, tbl: etree._Element, index: int) -> None:
        cleaned, units = self._grid(tbl)
        keep = [i for i, row in enumerate(cleaned) if any(row)]
        caption = self._caption()
        header = sum(1 for _ in takewhile(lambda tr: tr.find(f"{W}trPr/{W}tblHeader") is not None,
                                          descend(tbl, _ROW))) or 1
        first = len(self.b.blocks)
        table = self.b.add_table([cleaned[i] for i in keep], index=index, caption=caption,
                                 header_rows=header)
        if table is None:
            return
        for n, i in enumerate(keep):
            line = self.b.blocks[first + n]
            at = line.start
            for j, cell in enumerate(cleaned[i]):
                unit = units.get((i, j))
                if unit is not None:
                    raw, end = unit.text(), at + len(cell)
                    self._settle(unit.marks,
                                 lambda k, at=at, raw=raw, end=end: min(at + _offset(raw, k), end))
                at += len(cell) + 1

    def _grid(self, tbl: etree._Element) -> tuple[list[list[str]], dict[tuple[int, int], _Text]]:
        """Rows of normalised cell texts on the table grid: a gridSpan cell fills its first
        column and leaves the others empty; a vMerge continuation repeats the text of the cell
        above.  Spans are cut at Word's :data:`MAX_TABLE_COLUMNS` before the row is padded, and
        rows and repeated text count against the document's limits as they are read."""
        rows: list[list[str]] = []
        units: dict[tuple[int, int], _Text] = {}
        chars = 0
        for tr in descend(tbl, _ROW):
            self._rows += 1
            if self._rows > MAX_BLOCKS:
                raise TooLarge(self.b.path, f"more than {MAX_BLOCKS:,} table rows")
            row: list[str] = [""] * self._columns(_int(tr.find(f"{W}trPr/{W}gridBefore")) or 0, 0)
            for tc in descend(tr, _CELL):
                tcpr = tc.find(_TCPR)
                span = _int(tcpr.find(W + "gridSpan")) or 1 if tcpr is not None else 1
                merge = tcpr.find(W + "vMerge") if tcpr is not None else None
                col = len(row)
                if merge is not None and merge.get(_VAL, "continue") == "continue":
                    row.append(rows[-1][col] if rows and col < len(rows[-1]) else "")
                else:
                    out = _Text()
                    self._cell(tc, out)
                    units[(len(rows), col)] = out
                    row.append(normalise_line(out.text())[0])
                chars += len(row[-1])
                row.extend([""] * self._columns(span - 1, col + 1))
            if chars > MAX_TEXT_CHARS:  # merged cells repeat their text in every row they span
                raise TooLarge(self.b.path, f"a table of more than {MAX_TEXT_CHARS:,} characters")
            rows.append(row)
        return rows, units

    def _columns(self, wanted: int, col: int) -> int:
        """How many of ``wanted`` grid columns after column ``col`` fit in Word's table width;
        a cut is noted once."""
        fit = max(0, min(wanted, MAX_TABLE_COLUMNS - col))
        if fit < wanted and "columns" not in self._fallbacks:
            self._fallbacks.add("columns")
            self.b.diagnose("other", f"a table row reaches grid column {wanted + col:,}, past "
                            f"Word's {MAX_TABLE_COLUMNS}; cut at the table's edge",
                            at=self.b.position)
        return fit

    def _cell(self, tc: etree._Element, out: _Text) -> None:
        """A cell's paragraphs, one after another; nested tables are flattened into it."""
        for el in descend(tc):
            if el.tag == _P:
                out.add(" ")
                ppr = el.find(_PPR)
                out.add(self._label(el, ppr, self._style(ppr)) or "")
                _walk(el, out)
            elif el.tag == _TBL:
                for tr in descend(el, _ROW):
                    for cell in descend(tr, _CELL):
                        self._cell(cell, out)
            else:
                out.marks.append(_Mark(_POINT_MARKS[el.tag], out.size, ref=el.get(W + "id", "")))

    def _caption(self) -> str | None:
        """The paragraph just before a table is its caption when styled or worded as one."""
        prev = self.b.blocks[-1] if self.b.blocks else None
        return self.b.take_caption(
            styled=prev is not None and (prev.style or "").lower() in _CAPTION_STYLES)

    def _settle(self, marks: list[_Mark], pos: Callable[[int], int]) -> None:
        """Turn the marks of one unit into diagnostics, ``pos`` mapping raw offsets to
        positions in the document text."""
        for mark in marks:
            at = pos(mark.start)
            if mark.kind.startswith("comment"):
                self._comment_at.setdefault(mark.ref, {}).setdefault(mark.kind, at)
            elif mark.kind in ("footnote", "endnote"):
                _, text = self.notes.get(mark.kind, {}).get(mark.ref, (None, ""))
                self.b.diagnose("footnote", f"Word {mark.kind} {mark.ref} kept out of the text",
                                text=text, at=at)
            else:
                verb = "kept" if mark.kind == "insert" else "dropped"
                who = f" by {mark.author}" if mark.author else ""
                self.b.diagnose("tracked-change", f"tracked {mark.kind}{who} {verb} (final view)",
                                text=mark.text, author=mark.author, at=at,
                                end=pos(mark.end) if mark.kind == "insert" else None)

    def comments(self, comments: dict[str, tuple[str | None, str]]) -> None:
        """One diagnostic per Word comment, anchored at the commented text."""
        for cid, (author, text) in comments.items():
            where = self._comment_at.get(cid, {})
            start = where.get("comment-start", where.get("comment-ref"))
            end = where.get("comment-end", start)
            # text as Word writes a comment when it saves the document as plain text, so that a
            # comment reads the same whichever form the plan came in
            self.b.diagnose("comment", f"Word comment by {author}: {text}",
                            text=f"Comment by {author}: {text}", author=author, at=start,
                            end=end if start is not None else None)


_BLOCK_TAGS = frozenset({_P, _TBL, _COMMENT_START, _COMMENT_END})


def descend(parent: etree._Element,
             tags: frozenset[str] = _BLOCK_TAGS) -> Iterator[etree._Element]:
    """The children of ``parent`` with one of ``tags``, in order, looking through content
    controls and custom XML (by default: paragraphs, tables, block-level comment marks)."""
    for el in parent:
        if el.tag in tags:
            yield el
        elif el.tag == _SDT:
            content = el.find(_SDT_CONTENT)
            if content is not None:
                yield from descend(content, tags)
        elif el.tag == _CUSTOM_XML:
            yield from descend(el, tags)


def _furniture(b: DocumentBuilder, parts: _Package) -> None:
    """Page headers and footers (page numbers such as ``- 1 -``) are not plan text: one note."""
    texts, names = [], []
    for reltype in (RT.HEADER, RT.FOOTER):
        for name, root in parts.all_xml(reltype, b):
            for p in root.iter(_P):
                line = normalise_line("".join(
                    t.text or "" for t in p.iter(_T, W + "instrText")))[0]
                if line and line not in texts:
                    texts.append(line)
                    names.append(name.rsplit("/", 1)[-1])
    if texts:
        b.diagnose("page-furniture", "page headers/footers kept out of the text: "
                   + ", ".join(dict.fromkeys(names)), text="\n".join(texts))
