"""Lint findings as Word comments: an annotated copy of a plan (``policyparse lint --annotate``).

A .docx plan is copied (python-docx writes every part it does not change back as it was) and
each finding becomes a comment by ``policyparse`` on the runs of its span; a run is split where
a span starts or ends inside it, both halves keeping its formatting.  A conflict gets a comment
at each side, each naming the other; a cross-document finding also gets one at each place it
cites in the other document, when that document is annotated in the same run.  A plan read from
.txt, .pdf or .html is first rendered as a new .docx (a paragraph per block, headings in Heading
styles, table rows as Word tables) and anchored the same way.

Plan offsets reach the runs through the loader's own reading of each paragraph
(:func:`~policyparse.load.docx.text_sources`), and a block is used only when that reading gives
the block's text in the plan.  Where it does not, or where a span has no text in any run (an
auto-number Word renders, the place of a removed comment), the comment covers the block's runs.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.parser import OxmlElement
from docx.text.run import Run
from lxml import etree

from ..files import atomic_path, check_outputs
from ..errors import CorruptDocument, UsageError
from ..load.docx import Source, descend, text_sources
from ..load.numbering import W
from ..model import Block, Finding, Plan, Span
from . import location, visible
from ..text.excerpts import excerpt

AUTHOR, INITIALS = "policyparse", "PP"
_P, _TBL, _TR, _TC, _R, _T, _RPR = (W + t for t in ("p", "tbl", "tr", "tc", "r", "t", "rPr"))
_ROW, _CELL = frozenset({_TR}), frozenset({_TC})
_PRESERVE = "{http://www.w3.org/XML/1998/namespace}space"


@dataclass(frozen=True)
class Annotation:
    """One comment written: its id in the .docx, the finding and the span it is anchored on."""

    comment_id: int
    finding: Finding
    span: Span


def annotate(plan: Plan, findings: Sequence[Finding], out_path: str | os.PathLike, *,
             source_path: str | os.PathLike | None = None) -> list[Annotation]:
    """Write ``out_path``: the plan as a .docx with one comment per finding source of this plan
    (a finding without sources is put on the first paragraph), and one at each place of this plan
    that another document's finding cites (its ``related`` places).  ``source_path`` is the file
    the plan was read from (a .docx is copied from it; default ``plan.document``); it is never
    written to."""
    notes: list[tuple[Span, str, Finding]] = []

    def mine(spans: Sequence[Span]) -> list[Span]:
        return [s for s in spans if plan.text[s.start:s.end] == s.text]

    for f in findings:
        if f.document == plan.document:
            spans = mine(f.sources)
            if f.sources and not spans:  # another document of the same name
                continue
        else:  # another document's finding that cites a place here (cross-document)
            spans = mine([r.source for r in f.related if r.document == plan.document])
            if not spans:
                continue
        notes += [(span, _comment(plan, f, span), f) for span in spans or [plan.span(0, 0)]]
    ids = write_comments(plan, [(span, text) for span, text, _ in notes], out_path,
                         source_path=source_path)
    return [Annotation(cid, f, span) for cid, (span, _, f) in zip(ids, notes) if cid is not None]


def write_comments(plan: Plan, notes: Sequence[tuple[Span, str]], out_path: str | os.PathLike,
                   *, source_path: str | os.PathLike | None = None) -> list[int | None]:
    """Write ``out_path``: the plan as a .docx (a copy of ``source_path`` for a .docx plan, else
    rendered) with a comment of each note's text on its span; the comment ids, None where the
    plan has no block to anchor on.  ``source_path`` (default ``plan.document``) is never
    written to."""
    out = Path(out_path)
    source = Path(source_path or plan.document)
    _check_target(source, out)
    if plan.format == "docx":
        doc = _open(source)
        units = _docx_units(plan, doc.element.body)
    else:
        doc, units = _render(plan)
    marker = _Marker(doc, units)
    ids = [marker.comment(span, visible(text)) for span, text in notes]
    _save(doc, out, source)
    return ids


def annotation_targets(inputs: Sequence[str], target: str, *, force: bool = False
                       ) -> dict[str, Path]:
    """Where ``lint --annotate TARGET`` writes each input's copy: TARGET for a single input
    that is not a directory; else TARGET must be a directory and gets ``<stem>.reviewed.docx``
    per input (``<stem>-<ext>`` when two inputs share a stem, ``<folder>-<stem>-<ext>`` when they
    share that too).  No copy may be an input or another copy, nor replace an existing file
    without ``force``."""
    out = Path(target)
    if out.is_dir():
        paths = [Path(i) for i in inputs]
        names = [p.stem for p in paths]
        for widen in (lambda p: f"{p.stem}-{p.suffix.lstrip('.')}",
                      lambda p: f"{p.parent.name}-{p.stem}-{p.suffix.lstrip('.')}"):
            repeated = {n for n in names if names.count(n) > 1}
            names = [widen(p) if n in repeated else n for p, n in zip(paths, names)]
        targets = {i: out / f"{n}.reviewed.docx" for i, n in zip(inputs, names)}
    elif len(inputs) > 1:
        raise UsageError(target, "with several input files --annotate takes an existing directory")
    else:
        targets = {inputs[0]: out}
    for t in targets.values():
        if t.suffix.lower() != ".docx":
            raise UsageError(str(t), "the annotated copy must be a .docx file")
    check_outputs(targets.values(), inputs)
    if not force:
        existing = [str(t) for t in targets.values() if t.exists()]
        if existing:
            raise UsageError(existing[0], "exists; --force replaces it")
    return targets


def _check_target(source: Path, out: Path) -> None:
    if out.suffix.lower() != ".docx":
        raise UsageError(str(out), "the annotated copy must be a .docx file")
    check_outputs([out], [source])


def _open(path: Path) -> WordDocument:
    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise CorruptDocument(str(path), f"cannot copy the .docx package ({err})") from None


def _save(doc: WordDocument, out: Path, source: Path) -> None:
    """Write atomically, and only a copy that opens again: a half-written or unreadable copy
    never takes the place of a good one, nor is reported as written."""
    try:
        with atomic_path(out) as tmp:
            doc.save(str(tmp))
            try:
                docx.Document(str(tmp))
            except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError,
                    etree.XMLSyntaxError) as err:
                raise CorruptDocument(str(source), "its annotated copy would not open again "
                                      f"({err}); the file's XML uses constructs Word itself does "
                                      "not write (entity declarations?): save it again from Word "
                                      "and retry") from None
    except OSError as err:
        raise UsageError(str(out), f"cannot write the annotated copy ({err.strerror})") from None


def _comment(plan: Plan, f: Finding, span: Span) -> str:
    """``CODE [category] message``, then the finding's other places (the other side of a
    conflict) by paragraph (docx) or line, with a quote."""
    text = f"{f.code} [{f.category}] {f.message}"
    if f.document != plan.document:  # a finding about the other document, citing this place
        text = f"{f.code} [{f.category}] {Path(f.document).name}：{f.message}"
        return text + "\n见：" + "；".join(f"{Path(f.document).name}“{excerpt(s.text, 40)}”"
                                        for s in f.sources)
    others = [s for s in f.sources if (s.start, s.end) != (span.start, span.end)]
    if others:
        text += "\n另见：" + "；".join(f"{_where(plan, s)}“{excerpt(s.text, 40)}”"
                                    for s in others)
    return text


def _where(plan: Plan, span: Span) -> str:
    """Where a place is, as the reader of this copy counts: paragraphs in a Word file, else
    lines; never both in one copy."""
    if plan.format == "docx":
        block = span.block if span.block is not None else next(
            (b.index for b in plan.blocks if b.end >= span.start), None)  # between two blocks
        if block is not None:
            return f"第{block + 1}段"
    return f"第{location(plan, span)[0]}行"


@dataclass
class _Unit:
    """One block of the plan in the Word file: its tab-separated fields (one for a paragraph,
    the cells of a table row), the paragraphs each field was read from (none where no cell
    matched), and the element to fall back on."""

    block: Block
    text: str
    label: int  # leading characters that are in no run: an auto-number Word renders
    fields: list[list[etree._Element]]
    element: etree._Element

    def sources(self) -> list[Source | None]:
        """Where each character of the block is in the XML now (read again after a split)."""
        out: list[Source | None] = [None] * self.label
        for i, (field, paragraphs) in enumerate(zip(self.text[self.label:].split("\t"),
                                                    self.fields)):
            if i:
                out.append(None)  # the tab between cells
            text, sources = text_sources(paragraphs)
            out += sources if paragraphs and text == field else [None] * len(field)
        return out


def _docx_units(plan: Plan, body: etree._Element) -> list[_Unit]:
    """The plan's blocks on the body's paragraphs and tables, counted as the loader counts
    them (``Block.index``)."""
    blocks: dict[int, list[Block]] = {}
    for b in plan.blocks:
        blocks.setdefault(b.index, []).append(b)
    units: list[_Unit] = []
    for index, el in enumerate(el for el in descend(body) if el.tag in (_P, _TBL)):
        if el.tag == _P:
            units += [_Unit(b, plan.text[b.start:b.end], len(b.label or ""), [[el]], el)
                      for b in blocks.get(index, [])]
        else:
            units += _rows(plan, blocks.get(index, []), el)
    return units


def _rows(plan: Plan, blocks: list[Block], tbl: etree._Element) -> list[_Unit]:
    """A table's row blocks on its ``w:tr`` rows, in order (rows the loader dropped as empty
    match no block)."""
    rows = list(descend(tbl, _ROW))
    cells = [[[p for p in descend(tc) if p.tag == _P] for tc in descend(tr, _CELL)]
             for tr in rows]
    units, at = [], 0
    for b in blocks:
        text = plan.text[b.start:b.end]
        fields = text.split("\t")
        for i in range(at, len(rows)):
            aligned = _align(fields, cells[i])
            if aligned is not None:
                units.append(_Unit(b, text, 0, aligned, rows[i]))
                at = i + 1
                break
        else:
            units.append(_Unit(b, text, 0, [[] for _ in fields], tbl))
    return units


def _align(fields: list[str], cells: list[list[etree._Element]]
           ) -> list[list[etree._Element]] | None:
    """The paragraphs of each field, the row's cells taken in order by their text (a spanned
    grid column is an empty field; a vMerge continuation repeats the text above and keeps no
    cell); None when a cell with text has no field or no cell has text."""
    out: list[list[etree._Element]] = [[] for _ in fields]
    j, matched = 0, False
    for paragraphs in cells:
        text = text_sources(paragraphs)[0]
        if not text:
            continue
        try:
            j = fields.index(text, j)
        except ValueError:
            return None
        out[j], j, matched = paragraphs, j + 1, True
    return out if matched else None


def _render(plan: Plan) -> tuple[WordDocument, list[_Unit]]:
    """A new .docx of the plan text: a paragraph per block (a heading in the Heading style of
    its outline level), a Word table per table."""
    doc = docx.Document()
    levels = {h.source.start: h.level for h in plan.headings}
    units: list[_Unit] = []
    for (kind, _), group in groupby(plan.blocks, key=lambda b: (b.kind, b.index)):
        group = list(group)
        if kind == "table":
            rows = [plan.text[b.start:b.end].split("\t") for b in group]
            table = doc.add_table(rows=len(rows), cols=max(map(len, rows)))
            table.style = "Table Grid"
            for row, fields in zip(table.rows, rows):
                for cell, text in zip(row.cells, fields):
                    cell.text = text
            units += _rows(plan, group, table._tbl)
            continue
        for b in group:
            text, level = plan.text[b.start:b.end], levels.get(b.start)
            p = doc.add_paragraph(text, f"Heading {min(level, 9)}" if level else None)._p
            units.append(_Unit(b, text, 0, [[p]], p))
    return doc, units


class _Marker:
    """Puts comments on spans, splitting runs at their ends."""

    def __init__(self, doc: WordDocument, units: list[_Unit]):
        self.doc = doc
        self.units = sorted(units, key=lambda u: u.block.start)

    def comment(self, span: Span, text: str) -> int | None:
        runs = self._runs(span)
        if runs is None:  # the plan has no blocks
            return None
        first, last = (Run(r, self.doc) for r in runs)
        return self.doc.add_comment([first, last], text, AUTHOR, INITIALS).comment_id

    def _runs(self, span: Span) -> tuple[etree._Element, etree._Element] | None:
        """The first and last run of the span, split off from their neighbours."""
        units = [u for u in self.units if u.block.start <= max(span.start, span.end - 1)
                 and u.block.end >= min(span.end, span.start + 1)]
        if not units:
            return None
        found = self._found(span, units)
        if not found:  # no run at all in these blocks (a paragraph that is only an auto-number)
            p = next(units[0].element.iter(_P), units[0].element)
            r = next(p.iter(_R), None)
            if r is None:
                r = OxmlElement("w:r")
                p.append(r)
            return r, r
        # a cut moves text to a new run, so the runs are read again after each one
        _cut(*_after(found[-1]))
        _cut(*self._found(span, units)[0])
        found = self._found(span, units)
        return _run(found[0][0]), _run(found[-1][0])

    @staticmethod
    def _found(span: Span, units: list[_Unit]) -> list[Source]:
        """Sources of the span's characters; when it has none in any run, the blocks'."""
        found = []
        for u in units:
            lo, hi = max(span.start, u.block.start), min(span.end, u.block.end)
            found += filter(_in_run, u.sources()[lo - u.block.start:hi - u.block.start])
        return found or [s for u in units for s in u.sources() if _in_run(s)]


def _in_run(source: Source | None) -> bool:
    return source is not None and source[0].getparent().tag == _R


def _after(source: Source) -> Source:
    el, k = source
    return el, k + 1


def _run(el: etree._Element) -> etree._Element:
    return el.getparent()


def _cut(el: etree._Element, k: int) -> None:
    """Make a run boundary before offset ``k`` of ``el`` (a ``w:t``, ``w:tab`` … in a run):
    the text from there on, and what follows in the run, moves to a new run with the same
    formatting."""
    text = (el.text or "") if el.tag == _T else " "  # the others stand for one character
    if 0 < k < len(text):
        if len(el):  # unexpanded entities: offsets are not the element's own; do not split
            return
        tail = OxmlElement("w:t")
        el.text, tail.text = text[:k], text[k:]
        for t in (el, tail):
            t.set(_PRESERVE, "preserve")
        el.addnext(tail)
        el = tail
    elif k >= len(text):
        el = el.getnext()
        if el is None:
            return
    run = el.getparent()
    if run.tag != _R or all(s.tag == _RPR for s in el.itersiblings(preceding=True)):
        return
    new = OxmlElement("w:r")
    rpr = run.find(_RPR)
    if rpr is not None:
        new.append(deepcopy(rpr))
    for moved in [el, *el.itersiblings()]:
        new.append(moved)
    run.addnext(new)
