"""Units that do not agree: one amount written in two places with units a power of ten apart."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ...extract.cues import classify
from ...extract.deadlines import find_dates
from ...extract.metrics import figure_end
from ...extract.numbers import Quantity, find_quantities
from ...model import Plan, Target
from ...text.clauses import clause_bounds, sentence_start
from ..registry import Rule, register
from .figures import (Cite, Item, family, groups, in_table, keyed, measure, plain, power_of_ten,
                      value, when)

RESTATED_GAP = 8
"""How far after a measure's name its figure may stand in a restatement (确保…力争达到 between)."""
RESTATED_NAME = 4
"""The shortest measure name looked for in the text: a shorter one names nothing in particular."""
SUMMED_YEARS = 10
"""A yearly amount summed over a plan's years comes to at most this many times it, so only a
larger factor between a yearly and an overall figure of one measure is a unit slip."""


def scale(value: Decimal, base: Decimal) -> Decimal:
    """What one unit as written is worth in base units: 1e8 for 亿元, 1e4 for 万件, 1 for 件."""
    return base / value if value else Decimal(1)


def dated(item: Item) -> bool:
    """Whether the text gives the figure's own date; an undated goal (确保投入不低于…) is due by
    the period's end or the year of issue only by default, and an undated fact is as of now."""
    if isinstance(item, Target):
        return item.deadline is not None and item.deadline_basis not in (
            "period-end", "issued", "unknown")
    return when(item) is not None


@register
class UnitMismatch(Rule):
    """Flags the same measure for the same date given in two places with values a power of ten
    apart once 万/亿 are normalised: ``质押融资5亿元`` and ``质押融资5万元``, ``2.1万件`` and
    ``2.1件``.  ``10000万元`` and ``1亿元`` are the same amount and pass.

    An undated restatement (确保…不低于…) speaks of the dated goal and is compared with it when
    the two are written in different units (1 and 10 of one unit are a conflict, not a slip),
    also when the extractor kept no figure for it (a rule-like sentence of a regulation): the
    measure's name is looked for in the text too.  A yearly and an overall amount are a slip
    only if more than a tenfold apart (每年1000万元 may well add up to 1亿元).

    为什么: a unit slip (万元 for 亿元, 件 for 万件) changes a figure ten-thousandfold while the
    digits look right; readers copy the digits and the wrong unit with them.

    Bad:
        到2025年，科技信贷投放达到20000万元。
        到2025年，全县科技信贷投放力争达到20000元。

    Good:
        到2025年，科技信贷投放达到20000万元。
        到2025年，全县科技信贷投放力争达到2亿元。
    """

    code = "UN001"
    name = "unit-mismatch"
    category = "unit"
    severity = "error"
    message = "同一指标“{metric}”的数值相差{factor}倍，单位可能写错：{evidence}"
    message_en = ("“{metric}” differs by a factor of {factor} between places, a likely unit "
                  "slip: {evidence}")

    def check(self, plan: Plan):
        cite = Cite(plan, self.lang)
        items = keyed([*plan.targets, *plan.facts])
        for group in groups(items, lambda i: (type(i), measure(i), family(i))):
            for k, a in enumerate(group):
                for b in group[k + 1:]:
                    if dated(a) and dated(b):
                        if when(a) != when(b):
                            continue
                    elif _scale(a) == _scale(b):
                        continue
                    factor = slip(value(a), value(b), yearly(a) != yearly(b))
                    if factor:
                        yield self.finding(
                            plan, [a.source, b.source], metric=a.metric, factor=plain(factor),
                            evidence=cite.join(cite.figure(i) for i in (a, b)))
        yield from self._unextracted(plan, items, cite)

    def _unextracted(self, plan: Plan, items: list[Item], cite: Cite):
        """A level's measure named again elsewhere, undated, with a figure the extractor did not
        keep (确保财政补助资金不低于2000万元 in a regulation)."""
        taken = [(i.source.start, i.source.end) for i in items]
        done = set()
        for item in items:
            if getattr(item, "kind", "level") != "level" or len(item.metric) < RESTATED_NAME:
                continue
            for q, per_year in _restatements(plan, item.metric):
                if q.start in done or any(s <= q.start < e for s, e in taken) or \
                        q.unit_family != item.unit_family or \
                        scale(q.value, q.base_value) == _scale(item):
                    continue
                factor = slip(value(item), q.base_value, yearly(item) != per_year)
                if factor:
                    done.add(q.start)
                    span = plan.span(q.start, q.end)
                    yield self.finding(
                        plan, [item.source, span], metric=item.metric, factor=plain(factor),
                        evidence=cite.join((cite.figure(item), cite.span(span))))


def _scale(item: Item) -> Decimal:
    return scale(Decimal(str(item.value)), value(item))


def yearly(item: Item) -> bool:
    return getattr(item, "per_year", False)


def slip(a: Decimal, b: Decimal, one_yearly: bool) -> Decimal | None:
    """The power of ten between two amounts of one measure that only a unit slip explains: with
    one of them a yearly amount, more than the years a plan runs."""
    factor = power_of_ten(a, b)
    return None if factor is None or (one_yearly and factor <= SUMMED_YEARS) else factor


def _restatements(plan: Plan, metric: str) -> Iterator[tuple[Quantity, bool]]:
    """The undated figures right after each mention of ``metric`` outside tables that state a
    level of it (not an increment, a part or a threshold: 达到500万元以上的企业), each with
    whether it is a yearly amount."""
    text, start = plan.text, 0
    while (at := text.find(metric, start)) >= 0:
        start = at + len(metric)
        if in_table(plan, at):
            continue
        lo, hi = clause_bounds(text, at, start)
        for q in find_quantities(text[start:hi], start)[:1]:
            if q.start - start > RESTATED_GAP or text.startswith("的", figure_end(text, q, hi)) \
                    or find_dates(text[sentence_start(text, at):q.start]):
                continue
            cls = classify(text[lo:hi], q, lo)
            if cls.kind == "level":
                yield q, cls.per_year
