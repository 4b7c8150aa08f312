"""Tables and charts that disagree with the prose around them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import regex

from ...model import Fact, Plan, Span, Target
from ..registry import Rule, register
from .figures import (Cite, agree, family, in_table, keyed, measure, own_region_names,
                      per_capita, plain, tolerance, value, when)

# A figure's caption and a reference to it in the prose: 图 2周边县区高新技术企业数, （图 2）.
_FIGURE = regex.compile(r"^图\s*(?P<n>[0-9]+)\s*(?P<title>\S.*)$")
_REFERENCE = regex.compile(r"[（(]\s*(?:见)?图\s*(?P<n>[0-9]+)\s*[）)]")
_NUMBER = regex.compile(r"^-?[0-9]+(?:\.[0-9]+)?$")
_TOKEN = regex.compile(r"\S+")
_DIGIT = regex.compile("[0-9]")
_MIN_TITLE_MATCH = 0.6
"""Share of a prose figure's metric characters found in the chart's title (商标注册量 in
有效注册商标总数): word order varies too much between a caption and a sentence for edit
distances."""


def _cumulative(item: Target | Fact) -> bool:
    """A running total (累计达到3亿元) is another measure than the year's level a cell gives."""
    return getattr(item, "cumulative", False)


@dataclass(frozen=True)
class Chart:
    """A chart's data as Word leaves it in the text when the chart is flattened: its category
    labels followed by one value each (某省甲县 某省乙县 … 130 95 …), one series."""

    number: int
    title: str
    caption: Span
    labels: list[str]
    values: list[tuple[Decimal, Span]]


def charts(plan: Plan) -> list[Chart]:
    """Single-series charts matched to their captions (图1, 图2 … in order) when the document
    holds exactly one data paragraph per caption; otherwise nothing can be paired safely."""
    captions, data = [], []
    for b in plan.blocks:
        if b.kind == "table":
            continue
        text = plan.text[b.start:b.end]
        if m := _FIGURE.match(text):
            captions.append((int(m["n"]), m["title"], plan.span(b.start, b.end)))
        elif (series := _series(text, b.start)) is not None:
            data.append(series)
    if not captions or len(captions) != len(data):
        return []
    out = []
    for (n, title, caption), series in zip(captions, data):
        if len(series) == 1:  # several series need their names to tell them apart
            labels, values = series[0]
            out.append(Chart(n, title, caption, labels,
                             [(v, plan.span(s, e)) for v, s, e in values]))
    return out


def _series(text: str, start: int) -> list[tuple[list[str], list[tuple[Decimal, int, int]]]] | None:
    """The series of a chart-data paragraph: runs of k labels each followed by k numbers."""
    if not _DIGIT.search(text):
        return None  # no numbers at all: most paragraphs
    tokens = [(m.group(), m.start() + start, m.end() + start) for m in _TOKEN.finditer(text)]
    out, i = [], 0
    while i < len(tokens):
        labels = []
        while i < len(tokens) and not _NUMBER.match(tokens[i][0]):
            labels.append(tokens[i][0])
            i += 1
        values = []
        while i < len(tokens) and _NUMBER.match(tokens[i][0]):
            values.append(tokens[i])
            i += 1
        if len(labels) < 2 or len(labels) != len(values):
            return None
        try:
            out.append((labels, [(Decimal(t), s, e) for t, s, e in values]))
        except InvalidOperation:
            return None
    return out or None


@register
class TableTextMismatch(Rule):
    """Flags a table cell or chart value that disagrees with the prose: the same measure for the
    same year given one value in the text and another in a table (高新技术企业数量突破80家 vs
    表1 ``100``), or the document's own bar in a chart the text refers to (图 2: 130) against
    the figure the text states with that reference (120家).

    为什么: readers take the table or the chart as the summary of the text; when they disagree
    nobody knows which number the plan commits to.

    Bad:
        到2025年，全县高新技术企业数量突破80家。
        表1  “十四五”主要发展指标

        \t序号
        \t指标名称
        \t单位
        \t2020年现状值
        \t2025年目标值

        \t1
        \t高新技术企业数量
        \t家
        \t45
        \t100

    Good:
        到2025年，全县高新技术企业数量突破100家。
        表1  “十四五”主要发展指标

        \t序号
        \t指标名称
        \t单位
        \t2020年现状值
        \t2025年目标值

        \t1
        \t高新技术企业数量
        \t家
        \t45
        \t100
    """

    code = "TT001"
    name = "table-text-mismatch"
    category = "table-text"
    severity = "error"
    message = "表格/图表与正文不一致：{table}，正文为{text}"
    message_en = "table or chart disagrees with the text: {table}, the text says {text}"

    def check(self, plan: Plan):
        yield from self._tables(plan)
        yield from self._charts(plan)

    def _tables(self, plan: Plan):
        cite = Cite(plan, self.lang)
        items = keyed([*plan.targets, *plan.facts])
        cells = [i for i in items if in_table(plan, i.source.start)]
        text = [i for i in items if not in_table(plan, i.source.start)]
        for cell in cells:
            # Every statement in the text that disagrees: one that agrees elsewhere does not
            # excuse a second one that restates the cell wrongly.
            said = [i for i in text if type(i) is type(cell) and measure(i) == measure(cell)
                    and family(i) == family(cell) and when(i) == when(cell)
                    and _cumulative(i) == _cumulative(cell) and not agree(i, cell)]
            if said:
                yield self.finding(
                    plan, [*(i.source for i in said), cell.source],
                    table=cite.figure(cell),
                    text=cite.join(cite.figure(i) for i in said))

    def _charts(self, plan: Plan):
        names = own_region_names(plan)
        if not names:
            return
        cite = Cite(plan, self.lang)
        facts = [f for f in keyed(plan.facts) if family(f) == "count" and not per_capita(f)]
        for chart, ref in self._referenced(plan):
            ours = [k for k, label in enumerate(chart.labels) if any(n in label for n in names)]
            if len(ours) != 1:
                continue
            shown, span = chart.values[ours[0]]
            stated = self._stated(plan, facts, chart, ref)
            if stated is not None and abs(value(stated) - shown) > tolerance(stated):
                chart_name = (f"图{chart.number}中{chart.labels[ours[0]]}为{plain(shown)}"
                              if self.lang == "zh" else
                              f"figure {chart.number} shows {plain(shown)} for "
                              f"{chart.labels[ours[0]]}")
                yield self.finding(plan, [stated.source, span, chart.caption],
                                   table=f"{chart_name}{cite.span(span)}",
                                   text=cite.figure(stated))

    @staticmethod
    def _referenced(plan: Plan) -> Iterator[tuple[Chart, tuple[int, int]]]:
        """Each chart with the stretch of prose that refers to it: from the previous reference
        in the paragraph (or the paragraph's start) to ``（图 N）``."""
        by_number = {c.number: c for c in charts(plan)}
        if not by_number:
            return
        for m in _REFERENCE.finditer(plan.text):
            chart = by_number.get(int(m["n"]))
            if chart is None:
                continue
            start = plan.text.rfind("\n", 0, m.start()) + 1
            previous = [r.end() for r in _REFERENCE.finditer(plan.text, start, m.start())]
            yield chart, (previous[-1] if previous else start, m.start())

    @staticmethod
    def _stated(plan: Plan, facts: list[Fact], chart: Chart, stretch: tuple[int, int]
                ) -> Fact | None:
        """The figure the prose gives for what the chart shows: the fact in the stretch whose
        metric best matches the chart's title."""
        inside = [f for f in facts if stretch[0] <= f.source.start < stretch[1]]
        title = set(chart.title)
        scored = sorted(((sum(ch in title for ch in f.metric) / len(f.metric), f)
                         for f in inside if f.metric), key=lambda p: p[0], reverse=True)
        if not scored or scored[0][0] < _MIN_TITLE_MATCH or (
                len(scored) > 1 and scored[1][0] == scored[0][0]):
            return None
        return scored[0][1]

