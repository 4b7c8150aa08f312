"""The numbered blocks of a plan: every prose block with its marker (:mod:`..text.markers`),
paragraphs with run-in items split into one entry per item, and the numbered cells of a table's
grouping columns — what the outline and the tasks read, in reading order.
"""

from __future__ import annotations

from typing import NamedTuple

import regex

from ..memo import per_plan
from ..model import Block, Plan, Table
from ..text.markers import Marker, items_after_label, parse_marker, run_in_items

class NumberedBlock(NamedTuple):
    block: Block
    text: str
    marker: Marker | None
    run_in: bool = False  # the paragraph goes on with the items of a run-in enumeration


# A table-of-contents line: a title, leader dots (or a wide gap) and a page number.
# Matched backwards from the line's end (?r): linear on a line of ten thousand spaces, where a
# forward search would try every start in the run (quadratic).
_TOC_ENTRY = regex.compile(r"(?r)(?:[.．…·・]{2,}|\s{2,})\s*\d{1,4}$")


@per_plan(lambda plan: (plan.text, tuple(plan.blocks), tuple(t.id for t in plan.tables)))
def numbered_blocks(plan: Plan) -> list[NumberedBlock]:
    """Every prose block of the plan (captions left out) with its marker, if any; a paragraph
    with a run-in enumeration is split into one entry per item (the text before the first item,
    if any, keeps an entry of its own).  Of a table, only the numbered cells of its grouping
    columns are entries (an indicator table's 一、医疗质量 / （一）功能定位 down its first columns).

    Table-of-contents lines keep no marker: they repeat the headings, they are not headings."""
    text = plan.text
    tables = iter(sorted(plan.tables, key=lambda t: t.source.start))
    table = next(tables, None)
    out = []
    for b in plan.blocks:
        if b.kind == "table":
            while table is not None and table.source.end <= b.start:
                table = next(tables, None)
            if table is not None and table.source.start <= b.start:
                out.extend(_grouping_cells(text, table, b))
                table = next(tables, None)
            continue
        if b.kind == "caption":
            continue
        t = text[b.start:b.end]
        marker = parse_marker(t)
        if marker is not None and _TOC_ENTRY.search(t, marker.title_start + 1):
            marker = None
        cuts = run_in_items(t) or items_after_label(t, marker)
        if not cuts:
            out.append(NumberedBlock(b, t, marker))
            continue
        bounds = ([0] if cuts[0] > 0 else []) + cuts + [len(t)]
        for lo, hi in zip(bounds, bounds[1:]):
            part = t[lo:hi].rstrip()
            piece = b.model_copy(update={"start": b.start + lo, "end": b.start + lo + len(part)})
            out.append(NumberedBlock(piece, part, parse_marker(part), run_in=lo not in cuts))
    return out


def _grouping_cells(text: str, table: Table, block: Block) -> list[NumberedBlock]:
    """The numbered cells of a table's grouping columns, in reading order: the leading columns
    whose cells are merged down (a blank cell below a filled one)."""
    columns = 0
    while _merged_down(table, columns):
        columns += 1
    out = []
    for row in table.rows:
        for cell in row[:columns]:
            t = text[cell.source.start:cell.source.end]
            marker = parse_marker(t)
            if marker is not None:
                piece = block.model_copy(update={"kind": "paragraph", "start": cell.source.start,
                                                 "end": cell.source.end})
                out.append(NumberedBlock(piece, t, marker))
    return out


def _merged_down(table: Table, column: int) -> bool:
    filled = False
    for row in table.rows:
        if column >= len(row):
            continue
        if row[column].text:
            filled = True
        elif filled:
            return True
    return False


