"""Arithmetic: sums, growth rates, shares and per-capita figures that do not follow from the
document's own figures.

The sentence-level checks read the numbers themselves with
:func:`~policyparse.extract.numbers.find_quantities` (a total and its 其中 parts, a base, a final
value and the growth between them); the document-level ones use the extracted targets and facts.
Every comparison allows for the rounding of the figures as written: 48.1% is anything from
48.05% to 48.15%, 10.7件 anything from 10.65 to 10.75.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import regex

from ...text.clauses import clause_bounds, sentence_bounds
from ...data import alternation
from ...extract.numbers import Quantity, find_quantities
from ...extract.units import ARITHMETIC, vocabulary
from ...memo import per_plan
from ...model import Fact, Plan, Target
from ..registry import Rule, register
from .figures import (PER_CAPITA, Cite, date_key, family, groups, half_unit, keyed, measure,
                      per_capita, plain, reported, rounding, text_index, value, when,
                      written_number)

_PARTS = regex.compile(r"其中")
# Parts listed first and then summed (A件、B件，合计C件): unlike 其中, such a list is complete.
_TOTAL = regex.compile(r"合计|总计|共计")
# A figure stated as a total (共完成…, 累计…, 合计…; not 公共, 共同, 共享, 共建): the 其中 after it
# breaks the total down rather than picking out some of it.
_GRAND = regex.compile(r"(?<!公)共(?![同享建治性识有])|累计|合计|总计")
BREAKDOWN_COVER = Decimal("0.75")
"""The least share of a stated total that the parts after its 其中 must make up to be read as
its breakdown: a few parts picked out of a total (其中办结投诉举报7件) cover less."""


# The sum, growth and share checks read the sentences with 其中 (a total and its parts) or a
# percentage (a rate, a share): their quantities are found once for the three, and only there,
# as finding quantities is the slow part of the linter.
@per_plan(lambda plan: (plan.text, [t.source.start for t in plan.tables]))
def sentence_quantities(plan: Plan) -> list[tuple[int, str, list[Quantity]]]:
    """``(start, text, quantities)`` of the sentences outside tables with 其中 or a percent unit,
    in text order."""
    text, out, done, index = plan.text, [], 0, text_index(plan)
    for mark in _marks().finditer(text):  # from the marks to their sentences: these are few
        if mark.start() < done:
            continue  # another mark of a sentence already taken
        lo, hi = sentence_bounds(text, mark.start(), mark.end())
        done = hi
        if not index.in_table(lo):
            out.append((lo, text[lo:hi], find_quantities(text[lo:hi], lo)))
    return out


@cache
def _marks() -> regex.Pattern:
    """其中, and what a sentence with a percentage holds: a percent unit as written, or the unit
    that a magnitude before it is folded into (:func:`~policyparse.extract.units.fold_magnitude`)."""
    units = vocabulary().units
    names = [u.name for u in units.values() if u.family == "percent"]
    folded = {n[i:] for n in names for i in range(1, len(n)) if n[i:] in units}
    return regex.compile(f"{_PARTS.pattern}|{_TOTAL.pattern}|{alternation([*names, *folded])}")


# --- sums ---------------------------------------------------------------------------------------


@register
class SumMismatch(Rule):
    """Flags parts that add up to more than their total (``累计兑现850万元，其中2021年…``),
    a list of parts whose stated sum is not theirs (``发明专利212件、实用新型专利568件，合计877件``:
    after 合计/总计/共计 the list is complete, so the sum must match), and a goal for a stock that
    does not follow from the reported baseline plus the goal for what is to be added (420件 now,
    新增1,000件, yet 达到600件).

    The parts after 其中 may also fall short of a total stated as such (共完成, 累计) while making
    up most of it: such a list is the total's breakdown, not a few parts picked out of it.

    为什么: totals are what readers quote; when the parts or the increment do not add up, one of
    the figures is wrong and every later report that uses it inherits the error.

    Bad:
        截至2023年底，有效发明专利420件。
        到2026年，有效发明专利达到600件。
        3.提升创新质量。到2026年，新增发明专利1,000件。

    Good:
        截至2023年底，有效发明专利420件。
        到2026年，有效发明专利达到600件。
        3.提升创新质量。到2026年，新增发明专利200件。
    """

    code = "AR001"
    name = "sum-mismatch"
    category = "arithmetic"
    severity = "error"
    message = "数字加总不符：{evidence}"
    message_en = "figures do not add up: {evidence}"
    tolerance = Decimal("0.25")
    """How far a stock may drift from base + increment (expiries, rounding, 以上)."""

    def check(self, plan: Plan):
        yield from self._parts(plan)
        yield from self._summed(plan)
        yield from self._increments(plan)

    def _parts(self, plan: Plan):
        zh = self.lang == "zh"
        for start, text, quantities in sentence_quantities(plan):
            cut = _PARTS.search(text)
            if not cut:
                continue
            found = [q for q in quantities if q.unit_family != "percent"]
            before = [q for q in found if q.end - start <= cut.start() and q.unit]
            if not before:
                continue
            total = before[-1]
            summed = _TOTAL.search(text, cut.end())  # the parts end where their sum is given
            stop = summed.start() if summed else len(text)
            parts = [q for q in found if cut.end() <= q.start - start and q.end - start <= stop
                     and q.unit_family == total.unit_family and q.unit_family is not None]
            if len(parts) < 2:
                continue
            low = sum((rounding(q)[0] for q in parts), Decimal(0))
            high = sum((rounding(q)[1] for q in parts), Decimal(0))
            t_low, t_high = rounding(total)
            shown = "+".join(q.written for q in parts)
            if low > t_high:
                yield self.finding(plan, [plan.span(total.start, parts[-1].end)], evidence=(
                    f"{shown}超过总数{total.written}" if zh
                    else f"{shown} exceeds the total {total.written}"))
            elif not summed and BREAKDOWN_COVER * t_low <= high < t_low and \
                    _stated_total(text, total.start - start, total.end - start):
                yield self.finding(plan, [plan.span(total.start, parts[-1].end)], evidence=(
                    f"{shown}={_about(low, high)}，少于总数{total.written}" if zh else
                    f"{shown} makes {plain(low)}, short of the total {total.written}"))

    def _summed(self, plan: Plan):
        """A list of parts followed by their sum (合计/总计/共计): the sum must match."""
        for start, text, quantities in sentence_quantities(plan):
            mark = _TOTAL.search(text)
            if not mark:
                continue
            after = [q for q in quantities if q.start - start >= mark.end() and q.unit]
            if not after:
                continue
            total = after[0]
            cut = _PARTS.search(text, 0, mark.start())  # parts begin after 其中, if it is there
            first = cut.end() if cut else 0
            parts = [q for q in quantities if first <= q.start - start and q.end - start
                     <= mark.start() and q.unit_family == total.unit_family is not None]
            if len(parts) < 2:
                continue
            low = sum((rounding(q)[0] for q in parts), Decimal(0))
            high = sum((rounding(q)[1] for q in parts), Decimal(0))
            t_low, t_high = rounding(total)
            if low > t_high or high < t_low:
                shown = "+".join(q.written for q in parts)
                yield self.finding(plan, [plan.span(parts[0].start, total.end)], evidence=(
                    f"{shown}={_about(low, high)}，而合计为{total.written}" if self.lang == "zh" else
                    f"{shown} makes {plain(low)}, but the stated sum is {total.written}"))

    def _increments(self, plan: Plan):
        cite, zh = Cite(plan, self.lang), self.lang == "zh"
        facts: dict[tuple, list[Fact]] = {}  # by measure, looked up for each goal
        for f in keyed(plan.facts):
            facts.setdefault((measure(f), family(f)), []).append(f)
        targets = [t for t in keyed(plan.targets)
                   if not t.per_year and t.deadline is not None and t.value_max is None]
        for group in groups(targets, lambda t: (measure(t), t.deadline, family(t))):
            levels = [t for t in group if t.kind == "level" and t.comparator != "<="]
            adds = [t for t in group if t.kind == "increment"]
            if not levels or not adds:
                continue
            base = _latest(facts.get((measure(group[0]), family(group[0])), []), group[0])
            if base is None:
                continue
            for add in adds:
                expected = value(base) + value(add)
                wrong = [t for t in levels
                         if abs(value(t) - expected) > self.tolerance * max(value(t), expected)]
                if wrong:
                    shown = cite.listing(wrong, cite.figure)
                    yield self.finding(plan, [add.source] + [t.source for t in wrong]
                                       + [base.source], evidence=(
                        f"现状{cite.figure(base)}加新增{cite.figure(add)}应约为"
                        f"{plain(expected)}，而目标为{shown}" if zh else
                        f"{cite.figure(base)} now plus {cite.figure(add)} new makes about "
                        f"{plain(expected)}, but the goal is {shown}"))


def _about(low: Decimal, high: Decimal) -> str:
    """A sum of rounded parts: 98, or 约98.1 when the parts' rounding leaves it open."""
    return plain(low) if low == high else "约" + plain(low)


def _stated_total(text: str, start: int, end: int) -> bool:
    """The figure's clause says it is a total: 共完成培训1,200人次, 累计投入资金2,000万元."""
    return _GRAND.search(text, clause_bounds(text, start, end)[0], start) is not None


def _latest(facts: list[Fact], target: Target) -> Fact | None:
    return max(reported(facts, target), key=date_key, default=None)


# --- growth -------------------------------------------------------------------------------------

_CHANGE = regex.compile(r"(?P<up>增长|增加|提高|提升|上升|增幅为?)|(?P<down>下降|减少|降低|降幅为?)")
_BASE = regex.compile(r"(?:比|较|由|从)")
_ANNUAL = regex.compile(r"年均|每年|平均")
# The base's own date between the marker and its figure: 由2019年的106个, 从2020年底的52项.
_BASE_DATED = regex.compile(_BASE.pattern + r"(?:[0-9]{4}年(?:[0-9]{1,2}月)?(?:底|末)?的?)?$")


@register
class GrowthMismatch(Rule):
    """Flags a growth rate that does not follow from the base and final values stated with it:
    ``65项，比2020年的52项增长25%`` holds (65/52 = 1.25), ``增长35%`` would not.

    为什么: the rate and the two values are three statements of one change; if they disagree,
    one of them was mistyped or updated without the others.

    Bad:
        登记技术合同65项，比2020年的52项增长35%。

    Good:
        登记技术合同65项，比2020年的52项增长25%。
    """

    code = "AR002"
    name = "growth-mismatch"
    category = "arithmetic"
    severity = "error"
    message = "增长率与数值不符：由{base}到{final}应为{actual}，文中为{stated}"
    message_en = ("growth rate does not match the figures: {base} to {final} is {actual}, "
                  "not {stated}")

    def check(self, plan: Plan):
        for start, text, quantities in sentence_quantities(plan):
            last: list[Quantity] = []  # the last two figures before the rate, of a unit
            for rate in quantities:
                if rate.unit_family != "percent":
                    if rate.unit:
                        last = [*last[-1:], rate]
                    continue
                change = _CHANGE.search(text, max(0, rate.start - start - 4), rate.start - start)
                if not change or _ANNUAL.search(text, max(0, change.start() - 3), change.start()):
                    continue  # 年均增长12%: a yearly rate, not the change between the two
                pair = self._pair(text, start, last)
                if pair is None:
                    continue
                base, final = pair
                lo, hi = self._rate(base, final)
                sign = -1 if change["down"] else 1
                stated_lo = sign * (written_number(rate) - half_unit(written_number(rate)))
                stated_hi = sign * (written_number(rate) + half_unit(written_number(rate)))
                stated_lo, stated_hi = sorted((stated_lo, stated_hi))
                if hi < stated_lo or lo > stated_hi:
                    actual = (lo + hi) / 2
                    yield self.finding(
                        plan, [plan.span(min(base.start, final.start), rate.end)],
                        base=base.written, final=final.written,
                        actual=f"{plain(actual.quantize(Decimal('0.1')))}%",
                        stated=f"{'-' if sign < 0 else ''}{rate.written}")

    @staticmethod
    def _pair(text: str, start: int, last: list[Quantity]) -> tuple[Quantity, Quantity] | None:
        """The base and final values of a change: the two figures of a unit before the rate
        (``last``), of one unit family, the base one right after 比/较/由/从."""
        if len(last) < 2:
            return None
        a, b = last
        if a.unit_family != b.unit_family or (a.unit_family is None and a.unit != b.unit):
            return None
        if _BASE.search(text, max(0, b.start - start - 10), b.start - start) and \
                not _BASE.search(text, a.end - start, max(a.end - start, b.start - start - 10)):
            return b, a  # 40件，比2016年的总量27件增长48.1%
        if _BASE_DATED.search(text, max(0, a.start - start - 16), a.start - start):
            return a, b  # 由27件增长到40件，增长48.1%; 由2019年的27件增加到2024年的40件
        return None

    @staticmethod
    def _rate(base: Quantity, final: Quantity) -> tuple[Decimal, Decimal]:
        blo, bhi = rounding(base)
        flo, fhi = rounding(final)
        if blo <= 0:
            return Decimal("-Infinity"), Decimal("Infinity")
        return (ARITHMETIC.divide(flo, bhi) - 1) * 100, (ARITHMETIC.divide(fhi, blo) - 1) * 100


# --- shares -------------------------------------------------------------------------------------

_SHARE_OF = regex.compile(r"的(?P<noun>\p{Han}{2,})")


@register
class ShareMismatch(Rule):
    """Flags a share that cannot come from the counts stated with it:
    ``260家…仅15.3%的高新技术企业`` must be a whole number of the 260 (40 of 260 is 15.38%, so
    15.3% holds), and ``40家企业中12家…，占比35%`` is 30%.

    为什么: a share and its counts are one statement; a share that no whole number of the
    counted things can give shows that one of the figures was changed without the other.

    Bad:
        全县有高新技术企业260家，其中设立研发机构的企业40家，占比18.5%。

    Good:
        全县有高新技术企业260家，其中设立研发机构的企业40家，占比15.4%。
    """

    code = "AR003"
    name = "share-mismatch"
    category = "arithmetic"
    severity = "error"
    message = "占比与数量不符：{evidence}"
    message_en = "share does not match the counts: {evidence}"

    def check(self, plan: Plan):
        zh = self.lang == "zh"
        for start, text, quantities in sentence_quantities(plan):
            counts: list[Quantity] = []  # before the share, in order
            named: dict[str, Quantity] = {}  # the last whole count after each of its nouns
            for share in quantities:
                if share.unit and _is_count(share):
                    counts.append(share)
                    if share.value == share.value.to_integral_value():
                        at = share.start - start
                        named.update((text[at - k:at], share)
                                     for k in range(_NOUN_MIN, min(at, _NOUN_MAX) + 1))
                if share.unit_family != "percent" or share.approx:
                    continue
                lo, hi = rounding(share)
                if self._part_of(text, start, share, counts):
                    whole, part = counts[-2], counts[-1]
                    if part.value < whole.value:
                        actual = ARITHMETIC.divide(part.value * 100, whole.value)
                        if not lo - Decimal("0.05") <= actual <= hi + Decimal("0.05"):
                            yield self.finding(
                                plan, [plan.span(whole.start, share.end)], evidence=(
                                    f"{part.written}÷{whole.written}≈{actual:.1f}%，文中为"
                                    f"{share.written}" if zh else f"{part.written} of "
                                    f"{whole.written} is {actual:.1f}%, not {share.written}"))
                    continue
                whole = self._whole(text, start, share, named)
                if whole is not None and not _some_count_gives(whole.value, share):
                    yield self.finding(plan, [plan.span(whole.start, share.end)], evidence=(
                        f"{whole.written}的{share.written}不是整数个" if zh else
                        f"{share.written} of {whole.written} is not a whole number"))

    @staticmethod
    def _part_of(text: str, start: int, share: Quantity, counts: list[Quantity]) -> bool:
        """``40家企业中12家…，占比30%``: two counts of one unit, the second one of the first
        (其中, …中), and the share of it (占) after both."""
        if len(counts) < 2 or counts[-1].unit != counts[-2].unit:
            return False
        whole, part = counts[-2], counts[-1]
        between = text[whole.end - start:part.start - start]
        return ("中" in between and "。" not in between
                and text.rfind("占", part.end - start + 1, share.start - start) >= 0)

    @staticmethod
    def _whole(text: str, start: int, share: Quantity, named: dict[str, Quantity]
               ) -> Quantity | None:
        """The count a ``P%的X`` share is of: the last whole count of X stated before it in the
        sentence, X right before the count (``named``: the counts by the words before them).
        The count's own noun opens what the share is of: 有高新技术企业260家…15.3%的高新技术企业
        设有研发机构."""
        m = _SHARE_OF.match(text, share.end - start)
        if not m:
            return None
        noun = m["noun"]
        found = [named[noun[:k]] for k in range(_NOUN_MIN, min(len(noun), _NOUN_MAX) + 1)
                 if noun[:k] in named]
        return max(found, key=lambda q: q.start, default=None)


_NOUN_MIN, _NOUN_MAX = 2, 8
"""How many characters of a share's noun are looked for right before a count."""
_NOT_COUNTS = frozenset({"money", "percent", "percentage-point", "ratio", "month", "day", "hour"})


def _is_count(q: Quantity) -> bool:
    return q.unit_family not in _NOT_COUNTS


def _some_count_gives(whole: Decimal, share: Quantity) -> bool:
    """Whether some whole number of ``whole`` things gives the share as written, rounded or
    cut off to its decimals."""
    step = 2 * half_unit(written_number(share))
    low = ARITHMETIC.divide((written_number(share) - step / 2) * whole, Decimal(100))
    high = ARITHMETIC.divide((written_number(share) + step) * whole, Decimal(100))
    return high.to_integral_value(rounding="ROUND_FLOOR") >= low.to_integral_value(
        rounding="ROUND_CEILING")


# --- per capita ---------------------------------------------------------------------------------

_LEAD = regex.compile(r"^(?:有效|拥有|累计|全[市区县]|国内)+")
_TAIL = regex.compile(r"(?:拥有量|总量|数量|存量|量|数)$")


def core(metric: str) -> str:
    """What a count or per-capita figure counts: 发明专利 for 有效发明专利数, 每万人发明专利拥有量
    and 万人发明专利数."""
    return _TAIL.sub("", _LEAD.sub("", PER_CAPITA.sub("", metric)))


@dataclass(frozen=True)
class _Pair:
    total: Target | Fact
    per_head: Target | Fact

    def population(self) -> tuple[Decimal, Decimal]:
        """The population (in the per-capita unit, 万人) the two figures imply, as an interval
        for the rounding of the per-capita figure."""
        per = Decimal(str(self.per_head.value))
        h = half_unit(per)
        total = value(self.total)
        return ARITHMETIC.divide(total, per + h), ARITHMETIC.divide(total, max(per - h, h))


@register
class PerCapitaMismatch(Rule):
    """Flags per-capita figures that imply a different population from the document's other
    figures: 420件 at 12件 per 10,000 people is about 35万 people, so the goals 600件 and
    24件 per 10,000 (25万 people) cannot both be met.

    为什么: a total and its per-capita value are tied by the population; goals that imply the
    place will lose a fifth of its people are not a plan but two unrelated numbers.

    Bad:
        截至2023年底，有效发明专利420件，每万人发明专利拥有量12件。
        到2026年，有效发明专利达到600件，每万人发明专利拥有量增至24件。

    Good:
        截至2023年底，有效发明专利420件，每万人发明专利拥有量12件。
        到2026年，有效发明专利达到840件，每万人发明专利拥有量增至24件。
    """

    code = "AR004"
    name = "per-capita-mismatch"
    category = "arithmetic"
    severity = "error"
    message = "人均指标隐含的人口不一致：{pair}对应约{population}万人，而{reference}对应约{known}万人"
    message_en = ("per-capita figures imply different populations: {pair} means about "
                  "{population}万 people, {reference} about {known}万")
    tolerance = Decimal("0.10")
    """How far the population may move over a plan's period."""

    def check(self, plan: Plan):
        cite, zh = Cite(plan, self.lang), self.lang == "zh"
        facts = self._pairs([f for f in keyed(plan.facts) if f.as_of])
        targets = self._pairs([t for t in keyed(plan.targets)
                               if t.kind == "level" and t.deadline is not None])
        if not facts:
            return
        latest = max(date_key(p.total) for p in facts)  # (2024, None) and (2024, 11) compare
        known = [p for p in facts if date_key(p.total) == latest]
        lo = max(p.population()[0] for p in known)
        hi = min(p.population()[1] for p in known)
        if lo > hi:  # the latest figures disagree among themselves: no reference to judge by
            return
        for pair in targets:
            plo, phi = pair.population()
            if phi < lo * (1 - self.tolerance) or plo > hi * (1 + self.tolerance):
                ref = known[0]

                def both(p: _Pair) -> str:
                    return cite.figure(p.total) + ("与" if zh else " with ") + \
                        cite.figure(p.per_head)

                yield self.finding(
                    plan, [pair.total.source, pair.per_head.source, ref.total.source,
                           ref.per_head.source], pair=both(pair), reference=both(ref),
                    population=plain(((plo + phi) / 2).quantize(Decimal("0.1"))),
                    known=plain(((lo + hi) / 2).quantize(Decimal("0.1"))))

    @staticmethod
    def _pairs(items: list[Target | Fact]) -> list[_Pair]:
        """A total and a per-capita figure of the same thing at the same time (the first such
        total of each, looked up rather than searched for)."""
        counts = [i for i in items if family(i) == "count"]
        totals: dict[tuple, Target | Fact] = {}
        for total in counts:
            if not per_capita(total):
                totals.setdefault((when(total), core(total.metric), type(total)), total)
        return [_Pair(totals[key], per) for per in counts if per_capita(per)
                and (key := (when(per), core(per.metric), type(per))) in totals]

