"""What every loader returns: blocks of normalised text with their origin, joined into one text.

Loaders never build ``Plan.text`` by hand: they feed blocks to a :class:`DocumentBuilder`, which
normalises each block, joins blocks with ``\\n`` and records every block's span, so that offsets
are right by construction.  Tables are written into the text too, one row a line with cells
separated by tabs, so that table cells have spans like everything else; their blocks have
``kind="table"`` and the outline step skips them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import regex

from ..errors import TooLarge
from ..text.markers import CAPTION
from ..model import Block, BlockKind, Cell, Diagnostic, Meta, Span, Table, span_in

MAX_BLOCKS = 100_000
"""Paragraphs, headings and table rows one document may have; real plans have a few thousand."""
MAX_TEXT_CHARS = 16 * 1024 * 1024
"""Characters of text one document may have, as many as the largest text file read: labels,
merged table cells and the like cannot make a small file's text grow past it."""
MAX_DIAGNOSTICS = 10_000
"""Diagnostics one document keeps (a heavily revised plan has a few thousand tracked changes);
past it they are only counted, in one last diagnostic."""

# Characters that carry no meaning in a plan's text but break matching: zero-width marks, soft
# hyphens and the BOM are dropped; exotic spaces become a plain space.
_DROP = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = {ord(c): " " for c in "\u00a0\u2002\u2003\u2009\u202f\u3000\t\x0b\x0c"}
_TRANSLATE = {**_DROP, **_SPACES}
_CONTROL_CHARS = r"\x00-\x08\x0e-\x1f\x7f"
_CONTROL = regex.compile(f"[{_CONTROL_CHARS}]")
# Whether a line has anything to drop or replace: most lines have not, and translate() is slow.
_ODD = regex.compile(f"[{_CONTROL_CHARS}{regex.escape(''.join(map(chr, _TRANSLATE)))}]")


def normalise_line(text: str) -> tuple[str, int]:
    """Normalise one block's text; return it and how many leading characters were stripped.

    The text is kept as written otherwise (no full-width/half-width folding: quotes in the gold
    and in editors' documents are exact)."""
    if _ODD.search(text):
        text = _CONTROL.sub("", text.translate(_TRANSLATE))
    stripped = text.lstrip()
    lead = len(text) - len(stripped)
    return stripped.rstrip(), lead


@dataclass
class Document:
    """A loaded document: the text and its blocks, before any analysis."""

    path: str
    format: str
    text: str
    blocks: list[Block]
    tables: list[Table] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    meta: Meta = field(default_factory=Meta)

    def span(self, start: int, end: int) -> Span:
        return span_in(self.text, self.blocks, start, end)


def _in_block(block: Block, text: str, start: int) -> Span:
    """The span of ``text`` at ``start``, on ``block``'s line (what :func:`span_in` finds)."""
    return Span(text=text, start=start, end=start + len(text), line=block.line, page=block.page,
                block=block.index)


class DocumentBuilder:
    """Accumulates blocks and produces a :class:`Document` with exact spans."""

    def __init__(self, path: str, fmt: str):
        self.path = path
        self.format = fmt
        self._parts: list[str] = []
        self._pos = 0
        self._line = 1
        self.blocks: list[Block] = []
        self.tables: list[Table] = []
        self.diagnostics: list[Diagnostic] = []
        self.meta = Meta()
        self._pending_anchors: list[tuple[Diagnostic, int, int | None]] = []
        self._dropped: Counter[str] = Counter()

    @property
    def position(self) -> int:
        """Where the next block will start in the text."""
        return self._pos + (1 if self._parts else 0)

    def take_caption(self, *, styled: bool = False) -> str | None:
        """The block just before a table is its caption when it reads 表N (or, ``styled``, the
        loader knows it carries a caption style); it is then marked ``kind="caption"``."""
        prev = self.blocks[-1] if self.blocks else None
        if prev is None or prev.kind not in ("paragraph", "caption"):
            return None
        text = self._parts[-1]  # the last block's line
        caption = CAPTION.match(text)
        if styled or caption is not None and caption["kind"] in ("表", "Table"):
            prev.kind = "caption"
            return text
        return None

    def add(self, text: str, *, index: int, kind: BlockKind = "paragraph", page: int | None = None,
            style: str | None = None, style_level: int | None = None, label: str | None = None,
            indent: float | None = None, raw_start: int | None = None) -> Block | None:
        """Append one block (normalised; an empty block is dropped and ``None`` returned).

        ``label`` is an auto-number the loader rendered: it is prefixed to the text."""
        body, lead = normalise_line(text)
        if label:
            label = normalise_line(label)[0]
            body = label + body
        if not body:
            return None
        return self._append(body, index=index, kind=kind, page=page, style=style,
                            style_level=style_level, label=label or None, indent=indent,
                            raw_start=None if raw_start is None else raw_start + lead)

    def _append(self, line: str, **fields) -> Block:
        """Place ``line`` after a line break and record its :class:`Block` (``fields`` but the
        span) there; made whole at once, as setting a model's fields one by one is slow."""
        if len(self.blocks) >= MAX_BLOCKS:  # every block costs a model object: bound the memory
            raise TooLarge(self.path, f"more than {MAX_BLOCKS:,} paragraphs (no plan has that "
                           "many; a log file or a data dump?)")
        if self._pos + len(line) > MAX_TEXT_CHARS:
            raise TooLarge(self.path, f"more than {MAX_TEXT_CHARS:,} characters of text")
        if self._parts:
            self._parts.append("\n")
            self._pos += 1
            self._line += 1
        # A text file's blocks are its lines (``index``): spans give the file's own line number,
        # the one an editor shows; other formats number the lines of the normalised text.
        number = fields["index"] + 1 if self.format == "txt" else self._line
        block = Block(start=self._pos, end=self._pos + len(line), line=number, **fields)
        self._parts.append(line)
        self._pos += len(line)
        self.blocks.append(block)
        return block

    def add_table(self, rows: list[list[str]], *, index: int, page: int | None = None,
                  caption: str | None = None, header_rows: int = 1) -> Table | None:
        """Append a table: one line a row, cells joined by a tab; returns the :class:`Table`."""
        clean = [[normalise_line(c.replace("\n", " "))[0] for c in row] for row in rows]
        clean = [row for row in clean if any(row)]
        if not clean:
            return None
        # Spans are read off the rows' blocks (a row is one line): joining the whole text for
        # every table would make each table cost as much as the document so far.
        lines, cells = [], []
        for row in clean:
            # add() would normalise the tabs away; the row is placed as it is.
            lines.append("\t".join(row))
            block = self._append(lines[-1], index=index, kind="table", page=page)
            spans, at = [], block.start
            for cell in row:
                spans.append(Cell(text=cell, source=_in_block(block, cell, at)))
                at += len(cell) + 1
            cells.append(spans)
        first = self.blocks[-len(clean)]
        hdr = min(header_rows, len(clean) - 1)
        header = [" ".join(filter(None, col)) for col in zip(*clean[:hdr])] if hdr > 0 else []
        table = Table(id=f"tbl{len(self.tables) + 1}", caption=caption, header=header,
                      rows=cells[hdr:], source=_in_block(first, "\n".join(lines), first.start))
        self.tables.append(table)
        return table

    def diagnose(self, kind: str, message: str, *, text: str = "", author: str | None = None,
                 at: int | None = None, end: int | None = None) -> Diagnostic | None:
        """Record a diagnostic, anchored at ``text[at:end]`` (resolved when the text is final);
        past :data:`MAX_DIAGNOSTICS` it is only counted (and ``None`` returned)."""
        if len(self.diagnostics) >= MAX_DIAGNOSTICS:
            self._dropped[kind] += 1
            return None
        diag = Diagnostic(kind=kind, message=message, text=text, author=author)
        self.diagnostics.append(diag)
        if at is not None:
            self._pending_anchors.append((diag, at, end))
        return diag

    def build(self) -> Document:
        text = "".join(self._parts)
        for diag, at, end in self._pending_anchors:
            at = min(max(at, 0), len(text))
            end = at if end is None else min(max(end, at), len(text))
            diag.source = span_in(text, self.blocks, at, end)
        if self._dropped:
            counts = ", ".join(f"{kind} {n:,}" for kind, n in self._dropped.most_common())
            self.diagnostics.append(Diagnostic(kind="other", message=f"{self._dropped.total():,} "
                                               f"more diagnostics not kept ({counts})"))
        return Document(path=self.path, format=self.format, text=text, blocks=self.blocks,
                        tables=self.tables, diagnostics=self.diagnostics, meta=self.meta)
