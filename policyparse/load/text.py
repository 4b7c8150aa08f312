"""Plain-text plans: decoding, Word-export residue, flattened tables.

Text exported from Word carries residue that is not part of the plan: ``[bookmark: _Toc…]``,
``\\tComment by NAME: TEXT`` at the end of the commented paragraph, ``[footnoteRef:N]`` with the
footnote text pasted as ``[N: …]``.  It is moved to diagnostics, anchored where it stood.  A
table flattened to one cell per tab-indented line, rows separated by blank lines, is rebuilt.
"""

from __future__ import annotations

import codecs

import regex

from ..errors import CorruptDocument
from ..model import Diagnostic
from ..text.residue import BOOKMARKS, COMMENT, FOOTNOTE_REF, FOOTNOTE_TEXT
from .document import Document, DocumentBuilder

_BOMS = {codecs.BOM_UTF8: "utf-8", codecs.BOM_UTF16_LE: "utf-16-le",
         codecs.BOM_UTF16_BE: "utf-16-be"}
_NEITHER = "text is neither UTF-8, UTF-16 nor GB18030/GBK: "


def decode(data: bytes, path: str) -> str:
    """Decode a text file: BOMs, UTF-16 without BOM, UTF-8, then GB18030 (a superset of GBK)."""
    for bom, codec in _BOMS.items():
        if data.startswith(bom):
            return _strict(data, codec, path, len(bom))
    sample = data[:4096]
    if b"\x00" in sample and len(sample) >= 4 and sample.count(0) > len(sample) // 4:
        # ASCII-range text in UTF-16 has a NUL in every other byte; which half says the order.
        codec = "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
        return _strict(data, codec, path)
    if b"\x00" in sample and not _utf16_score(sample):
        raise CorruptDocument(path, "binary content (NUL bytes), not a text file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Mostly-CJK UTF-16 without a BOM has few NULs: it must be told apart from GB18030 by which
    # decoding yields plausible text.
    codec = _utf16_score(sample[: len(sample) // 2 * 2])
    if codec:
        return _strict(data, codec, path)
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise CorruptDocument(path, _NEITHER + _invalid_byte(data)) from None


def _invalid_byte(data: bytes, offset: int = 0, line: int = 1) -> str:
    """Where ``data`` (found at ``offset`` and ``line`` of the file) stops being text: the first
    byte that the encoding reading furthest, UTF-8 or GB18030, cannot read.  Neither has a line
    break inside a character, so lines are counted on the bytes."""
    at = max(_readable(data, "utf-8"), _readable(data, "gb18030"))
    line += data.count(b"\n", 0, at)
    return f"invalid byte 0x{data[at]:02X} at offset {offset + at:,} (line {line:,})"


def _readable(data: bytes, codec: str) -> int:
    """How many bytes of ``data`` decode in ``codec`` before the first error."""
    try:
        data.decode(codec)
    except UnicodeDecodeError as err:
        return err.start
    return len(data)


_PLAUSIBLE = regex.compile(r"[\p{Han}\p{P}\p{Zs}\n\r\t0-9A-Za-z]")


def _utf16_score(sample: bytes) -> str | None:
    """The UTF-16 byte order under which ``sample`` reads as plausible text, if any."""
    best, best_ratio = None, 0.0
    for codec in ("utf-16-le", "utf-16-be", "gb18030"):
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        ratio = len(_PLAUSIBLE.findall(text)) / max(1, len(text))
        if ratio > best_ratio:
            best, best_ratio = codec, ratio
    return best if best != "gb18030" and best_ratio >= 0.9 else None


def _strict(data: bytes, codec: str, path: str, start: int = 0) -> str:
    """``data[start:]`` in ``codec``; an error names the byte offset in the file, and the line."""
    try:
        return data[start:].decode(codec)
    except UnicodeDecodeError as err:
        line = data[start:start + err.start].decode(codec, "replace").count("\n") + 1
        raise CorruptDocument(path, f"invalid {codec} at byte offset {start + err.start:,} "
                              f"(line {line:,})") from None


def load_text(text: str, path: str = "<text>") -> Document:
    """Build a :class:`Document` from decoded text, one block per non-empty line."""
    b = DocumentBuilder(path, "txt")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    refs = {m.group(1) for m in FOOTNOTE_REF.finditer(text)}
    i = 0
    while i < len(lines):
        table_end = _flattened_table_end(lines, i)
        if table_end:
            _add_flattened_table(b, lines[i:table_end], index=i)
            i = table_end
            continue
        _add_line(b, lines[i], index=i, footnotes=refs)
        i += 1
    return b.build()


def _add_line(b: DocumentBuilder, line: str, *, index: int, footnotes: set[str]) -> None:
    """Add one line, moving its Word-export residue to diagnostics.

    The block's ``index`` is the line number (0-based) and ``raw_start`` its column, so that
    reports can point into the file itself."""
    residue: list[tuple[str, str, str | None, int]] = []  # kind, text, author, offset in kept text
    kept, pos, removed = [], 0, 0
    events: list[tuple[int, int, str, str, str | None]] = []
    if "[" in line or "\t" in line:  # all residue is bracketed or after a tab: most lines have none
        for m in BOOKMARKS.finditer(line):
            events.append((m.start(), m.end(), "bookmark", m.group().strip(), None))
        for m in FOOTNOTE_REF.finditer(line):
            events.append((m.start(), m.end(), "footnote-ref", m.group(), None))
        for m in FOOTNOTE_TEXT.finditer(line):
            if m.group(1) in footnotes:
                events.append((m.start(), m.end(), "footnote", m.group().strip(), None))
        comment = COMMENT.search(line)
        if comment:
            events.append((comment.start(), comment.end(), "comment", comment.group().strip(),
                           comment.group(1).strip()))
    for start, end, kind, text, author in sorted(events):
        if start < pos:  # overlapping matches: the first wins
            continue
        kept.append(line[pos:start])
        residue.append((kind, text, author, start - removed))
        removed += end - start
        pos = end
    kept.append(line[pos:])
    block_start = b.position
    ordered = sorted(events)
    raw_start = ordered[0][1] if ordered and ordered[0][0] == 0 else 0
    block = b.add("".join(kept), index=index, raw_start=raw_start)
    lead = len("".join(kept)) - len("".join(kept).lstrip())
    for kind, text, author, at in residue:
        if block is None:
            anchor, end = block_start, None
        elif kind == "comment":  # a comment annotates the paragraph it ends
            anchor, end = block.start, block.end
        else:
            anchor, end = block.start + max(0, min(at - lead, block.end - block.start)), None
        message = f"Word comment by {author}: {text.split(': ', 1)[-1]}" if kind == "comment" \
            else _MESSAGES[kind]
        b.diagnose(kind, message, text=text, author=author, at=anchor, end=end)


_MESSAGES = {
    "bookmark": "Word bookmark residue removed from the text",
    "footnote-ref": "Word footnote reference marker removed from the text",
    "footnote": "footnote text pasted inline, removed from the text",
}


def _flattened_table_end(lines: list[str], i: int) -> int | None:
    """If a flattened table starts at line ``i``, return the index after it, else None.

    A flattened table is two or more rows of tab-indented one-cell lines, rows separated by
    blank lines, each row with the same number of cells (two or more)."""
    rows, j = [], i
    while j < len(lines):
        row = []
        while j < len(lines) and lines[j].startswith("\t") and lines[j].strip():
            row.append(lines[j])
            j += 1
        if not row:
            break
        rows.append(len(row))
        k = j
        while k < len(lines) and not lines[k].strip():
            k += 1
        if k < len(lines) and lines[k].startswith("\t") and lines[k].strip():
            j = k
            continue
        break
    if len(rows) >= 2 and rows[0] >= 2 and len(set(rows)) == 1:
        return j
    return None


def _add_flattened_table(b: DocumentBuilder, lines: list[str], *, index: int) -> None:
    rows, row = [], []
    for line in lines:
        if line.strip():
            row.append(line.strip())
        elif row:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    table = b.add_table(rows, index=index, caption=b.take_caption())
    if table:
        b.diagnose("table-rebuilt", f"flattened table of {len(rows)} rows rebuilt",
                   at=table.source.start, end=table.source.end)


def load_txt(data: bytes, path: str) -> Document:
    """Entry point for the loader registry: decode, then :func:`load_text`."""
    try:
        text, mixed = decode(data, path), False
    except CorruptDocument as err:
        if b"\0" in data:  # binary: NUL bytes never occur in UTF-8 or GB18030 text
            raise
        try:
            text, mixed = _decode_lines(data, path), True
        except CorruptDocument:
            if data.startswith(tuple(_BOMS)):  # the error in the encoding the file declares
                raise err from None
            raise
    doc = load_text(text, path)
    if mixed:
        doc.diagnostics.append(Diagnostic(kind="encoding", message="lines in both UTF-8 and "
                                          "GB18030/GBK (text pasted from two sources); each "
                                          "line decoded on its own"))
    return doc


def _decode_lines(data: bytes, path: str) -> str:
    """Text whose lines are each valid UTF-8 or GB18030, in a mix; a line that is neither is
    an error naming the byte and line where it stops being text."""
    lines, offset = [], 0
    for number, raw in enumerate(data.split(b"\n"), 1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                lines.append(raw.decode("gb18030"))
            except UnicodeDecodeError:
                raise CorruptDocument(path, _NEITHER + _invalid_byte(raw, offset, number)) \
                    from None
        offset += len(raw) + 1
    return "\n".join(lines)
