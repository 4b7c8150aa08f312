"""Units that do not agree: one amount written in two places with units a power of ten apart."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

import regex

from ...extract.cues import classify
from ...extract.metrics import figure_end
from ...extract.numbers import Quantity, find_quantities
from ...model import Plan, Target
from ...text.clauses import clause_bounds
from ..registry import Rule, register
from .figures import (DECADE_BINS, Cite, Covered, Item, decade, decades_near, family, groups, keyed,
                      measure, plain, power_of_ten, text_index, value, when)

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
        found = []
        for group in groups(items, lambda i: (type(i), measure(i), family(i))):
            for places, factor in _slips(group):
                found.append(([i.source for i in places], self.finding(
                    plan, [i.source for i in places], metric=places[0].metric,
                    factor=plain(factor), evidence=cite.listing(places, cite.figure))))
        # in the order of their places, as comparing each figure with each later one gave them
        yield from (f for _, f in sorted(found, key=lambda x: [s.start for s in x[0]]))
        yield from self._unextracted(plan, items, cite)

    def _unextracted(self, plan: Plan, items: list[Item], cite: Cite):
        """A level's measure named again elsewhere, undated, with a figure the extractor did not
        keep (确保财政补助资金不低于2000万元 in a regulation); each such figure is cited once,
        with the first figure (targets, then facts) it is a slip of."""
        taken = Covered((i.source.start, i.source.end) for i in items)
        named: dict[str, list[tuple[int, Item]]] = {}
        for n, item in enumerate(items):
            if getattr(item, "kind", "level") == "level" and len(item.metric) >= RESTATED_NAME:
                named.setdefault(item.metric, []).append((n, item))
        mentions = _mentions(plan.text, named)
        claims: dict[int, tuple[tuple[int, int], Item, Quantity, Decimal]] = {}
        for metric, its in named.items():
            slips_of = _by_decade(its)
            restated = _restatements(plan, metric, mentions.get(metric, ()))
            for k, (q, per_year) in enumerate(restated):
                if q.start in taken:
                    continue
                for n, item in sorted(c for d in decades_near(q.base_value)
                                      for c in slips_of.get(d, ())):
                    if q.unit_family != item.unit_family or \
                            scale(q.value, q.base_value) == _scale(item):
                        continue
                    factor = slip(value(item), q.base_value, yearly(item) != per_year)
                    if factor:
                        if q.start not in claims or (n, k) < claims[q.start][0]:
                            claims[q.start] = ((n, k), item, q, factor)
                        break
        for _, item, q, factor in sorted(claims.values(), key=lambda c: c[0]):
            span = plan.span(q.start, q.end)
            yield self.finding(
                plan, [item.source, span], metric=item.metric, factor=plain(factor),
                evidence=cite.join((cite.figure(item), cite.span(span))))


def _slips(group: list[Item]) -> Iterator[tuple[list[Item], Decimal]]:
    """The figures of one measure a unit slip apart, with the factor: two figures of one date
    (or one of them undated, then written in different units) whose values are a power of ten
    apart.  Figures alike (value, date, unit, yearly) are one: a figure restated many times is
    one finding that lists its places, not one for each of them."""
    alike: dict[tuple, list[Item]] = {}
    for item in group:
        alike.setdefault((value(item), dated(item), when(item), _scale(item), yearly(item)),
                         []).append(item)
    by_decade: dict[int, list[tuple[tuple, list[Item]]]] = {}
    for key, members in alike.items():
        if (d := decade(key[0])) is not None:
            by_decade.setdefault(d, []).append((key, members))
    for d, here in by_decade.items():
        beside = by_decade.get((d + 1) % DECADE_BINS, [])  # the other neighbour's turn comes
        pairs = [(a, b) for k, a in enumerate(here) for b in here[k + 1:]]
        pairs += [(a, b) for a in here for b in beside]
        for (ka, a), (kb, b) in pairs:
            if ka[1] and kb[1]:
                if ka[2] != kb[2]:
                    continue
            elif ka[3] == kb[3]:
                continue
            factor = slip(ka[0], kb[0], ka[4] != kb[4])
            if factor:
                yield sorted([*a, *b], key=lambda i: i.source.start), factor


def _by_decade(items: list[tuple[int, Item]]) -> dict[int, list[tuple[int, Item]]]:
    """The items by :func:`decade` of their value, the first of each alike (unit family, unit,
    value, yearly) only: the others would give the same answer later."""
    out: dict[int, list[tuple[int, Item]]] = {}
    seen = set()
    for n, item in items:
        key = (item.unit_family, _scale(item), value(item), yearly(item))
        if key not in seen and (d := decade(value(item))) is not None:
            seen.add(key)
            out.setdefault(d, []).append((n, item))
    return out


def _mentions(text: str, metrics: Iterable[str]) -> dict[str, list[int]]:
    """Where each metric name stands in ``text``, for all names in one pass over the text: by
    their first :data:`RESTATED_NAME` characters (every name is at least that long), then
    checked whole."""
    by_head: dict[str, list[str]] = {}
    for metric in metrics:
        by_head.setdefault(metric[:RESTATED_NAME], []).append(metric)
    out: dict[str, list[int]] = {}
    if not by_head:
        return out
    heads = regex.compile("|".join(regex.escape(h) for h in by_head))
    for m in heads.finditer(text, overlapped=True):  # heads are of one length: one a place
        for metric in by_head[m.group()]:
            if text.startswith(metric, m.start()):
                out.setdefault(metric, []).append(m.start())
    return out


def _scale(item: Item) -> Decimal:
    return scale(Decimal(str(item.value)), value(item))


def yearly(item: Item) -> bool:
    return getattr(item, "per_year", False)


def slip(a: Decimal, b: Decimal, one_yearly: bool) -> Decimal | None:
    """The power of ten between two amounts of one measure that only a unit slip explains: with
    one of them a yearly amount, more than the years a plan runs."""
    factor = power_of_ten(a, b)
    return None if factor is None or (one_yearly and factor <= SUMMED_YEARS) else factor


def _restatements(plan: Plan, metric: str, mentions: Iterable[int]
                  ) -> Iterator[tuple[Quantity, bool]]:
    """The undated figures right after each mention of ``metric`` (at ``mentions``) outside
    tables that state a level of it (not an increment, a part or a threshold: 达到500万元以上的
    企业), each with whether it is a yearly amount."""
    text, index = plan.text, text_index(plan)
    for at in mentions:
        start = at + len(metric)
        if index.in_table(at):
            continue
        lo, hi = clause_bounds(text, at, start)
        for q in find_quantities(text[start:hi], start)[:1]:
            if q.start - start > RESTATED_GAP or text.startswith("的", figure_end(text, q, hi)) \
                    or index.dated(text, index.sentence_start(at), q.start):
                continue
            cls = classify(text[lo:hi], q, lo)
            if cls.kind == "level":
                yield q, cls.per_year
