"""Indicator tables: each row's baseline cells become facts and its target cells targets.

The loaders have already made every table a :class:`~policyparse.model.Table` with cell spans
(docx, pdf, html and flattened text alike).  An indicator table has a name column (指标名称) and
value columns, told apart by their header words (``data/metrics.toml`` [table]): baselines
(2020年现状值, 基期值) and targets (2025年目标值), or, by their year alone, a year before the plan
period (2020年) or within it (2025年).  Any other column is a region column (某省, 某市, 经开区
in a comparison of places), dated by the caption (表1 2020年省、市、区核心指标…): only the plan's
own region's column states the plan's figures; a place that contains the plan's region (某省,
某市 for 示例经济技术开发区) is someone else's.

A cell's value takes the row's unit (2.1 with 万件 is 21000 件); its metric is the row's name;
its source runs from the name cell to the value cell, the row as an editor reads it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import regex

from ..model import Cell, Fact, Plan, Table, Target
from .cues import classify
from .deadlines import as_of, find_dates, resolve_deadline
from .metrics import measured
from .metrics import vocabulary as metric_vocabulary
from .numbers import Quantity, find_quantities
from .sections import start_year

ColumnRole = Literal["name", "unit", "baseline", "target", "region", "other"]


@dataclass(frozen=True, slots=True)
class Column:
    index: int
    role: ColumnRole
    header: str


@dataclass(frozen=True, slots=True)
class Value:
    """One value cell of an indicator row: a target or a fact, with its date words (the column
    header, else the caption)."""

    role: Literal["target", "fact"]
    name: Cell
    cell: Cell
    quantity: Quantity
    dated_by: str


def columns(table: Table, plan: Plan) -> list[Column]:
    """The role of each column of ``table`` (empty if it is not an indicator table)."""
    words = metric_vocabulary().table_headers
    start = start_year(plan)
    if start is None:  # 2020年 | 2025年 in a plan of unknown start: the first year is the baseline
        years = sorted({y for y in map(_year, table.header) if y is not None})
        start = years[-1] if len(years) > 1 else None
    found: list[Column] = []
    for i, header in enumerate(table.header):
        role: ColumnRole
        if words["other"].search(header):
            role = "other"
        elif words["baseline"].search(header):
            role = "baseline"
        elif words["target"].search(header):
            role = "target"
        elif words["unit"].search(header):
            role = "unit"
        elif words["name"].search(header):
            role = "name"
        else:
            year = _year(header)
            role = "region" if year is None else \
                "baseline" if start is not None and year < start else "target"
        found.append(Column(i, role, header))
    if not any(c.role == "name" for c in found):
        return []
    return _own_region(found, table, plan.meta.region)


def _own_region(found: list[Column], table: Table, region: str | None) -> list[Column]:
    """Keep one region column: the plan's own place, i.e. among the columns with figures the one
    its region ends with, else the last one not naming a place that contains it (某省 and 某市
    contain 示例经济技术开发区; 经开区 is its short name)."""
    regions = [c for c in found if c.role == "region" and any(
        c.index < len(row) and _whole(row[c.index].text) for row in table.rows)]
    if not regions:
        return [c if c.role != "region" else Column(c.index, "other", c.header) for c in found]
    own = [c for c in regions if region and region.endswith(c.header)] or \
        [c for c in regions if not (region and c.header in region)] or regions
    keep = own[-1].index
    return [c if c.role != "region" or c.index == keep else Column(c.index, "other", c.header)
            for c in found]


def values(plan: Plan) -> Iterator[Value]:
    """Every value cell of every indicator table, row by row."""
    for table in plan.tables:
        cols = columns(table, plan)
        if not cols:
            continue
        name_col = next(c.index for c in cols if c.role == "name")
        unit_col = next((c.index for c in cols if c.role == "unit"), None)
        caption = table.caption or ""
        caption_year = _year(caption)
        for row in table.rows:
            if name_col >= len(row) or not row[name_col].text:
                continue
            unit = row[unit_col].text if unit_col is not None and unit_col < len(row) else \
                _unit_in_name(row[name_col].text)
            for c in cols:
                if c.role not in ("baseline", "target", "region") or c.index >= len(row):
                    continue
                q = _cell_value(row[name_col].text, row[c.index].text, unit)
                if q is None:
                    continue
                dated_by = c.header if _year(c.header) is not None else caption
                if c.role == "region":
                    start = start_year(plan)
                    future = caption_year is not None and start is not None and \
                        caption_year >= start
                    role = "target" if future else "fact"
                else:
                    role = "target" if c.role == "target" else "fact"
                yield Value(role, row[name_col], row[c.index], q, dated_by)


def table_targets(plan: Plan) -> list[Target]:
    """Targets of the indicator tables (ids to be assigned by the caller)."""
    period = (plan.meta.period.start, plan.meta.period.end)
    out = []
    for v in values(plan):
        if v.role != "target":
            continue
        cls = classify(v.name.text + v.quantity.written, v.quantity)
        deadline, basis = resolve_deadline(v.dated_by, period, plan.meta.issued)
        out.append(Target(
            id="", **measured(v.name.text, v.quantity),
            value_max=None if v.quantity.value_max is None else float(v.quantity.value_max),
            comparator=cls.comparator, kind=cls.kind, cumulative=cls.cumulative,
            per_year=cls.per_year, deadline=deadline, deadline_basis=f"table-{basis}",
            source=plan.span(v.name.source.start, v.cell.source.end)))
    return out


def table_facts(plan: Plan) -> list[Fact]:
    """Facts of the indicator tables (ids to be assigned by the caller)."""
    return [Fact(id="", **measured(v.name.text, v.quantity), as_of=as_of(v.dated_by),
                 source=plan.span(v.name.source.start, v.cell.source.end))
            for v in values(plan) if v.role == "fact"]


def _cell_value(name: str, cell: str, unit: str) -> Quantity | None:
    """The cell's figure in the row's unit (its own, if it has one), placed after the row name
    so that the name's cue words classify it (年度… per year, 新增… an increment); ``None`` for a
    blank or a dash."""
    own = _whole(cell, offset=len(name))
    if own is not None and own.unit:
        return own
    return _whole(cell + unit, offset=len(name))


_UNIT_IN_NAME = regex.compile(r"[（(]([^（）()]{1,4})[）)]\Z")


def _unit_in_name(name: str) -> str:
    """The unit written after the row name when there is no unit column: PCT国际专利申请量（件）."""
    m = _UNIT_IN_NAME.search(name)
    return m.group(1) if m and _whole("1" + m.group(1)) is not None else ""


def _whole(text: str, offset: int = 0) -> Quantity | None:
    found = find_quantities(text, offset)
    if len(found) == 1 and found[0].start == offset and found[0].end == offset + len(text):
        return found[0]
    return None


def _year(text: str) -> int | None:
    for d in find_dates(text):
        if d.year is not None:
            return d.end_year if d.kind == "range" else d.year
    return None


