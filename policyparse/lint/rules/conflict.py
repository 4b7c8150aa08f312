"""Conflicts: one measure given different values for the same time within a document."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import NamedTuple

import regex

from ...extract.units import lookup
from ...memo import per_plan
from ...model import Fact, Plan, Span, Target
from ..registry import Rule, register
from .figures import (Cite, Reach, agree, bounds, family, groups, in_unit, measure, meet,
                      months_apart, paragraph_of, power_of_ten, prose, same, sentence_of,
                      tolerance, value)

# Kinds of goal whose values must agree when measure and deadline agree: a stock, a share, a
# rate.  Counts of things to do and increments are split by level and type (建成省级…1家,
# 建成市级…2家) and are compared through their stock instead (CF004, AR001).
_STATED = ("level", "share", "growth_rate", "count")


def _scope(t: Target, lang: str) -> str:
    words = {"zh": ("年度", "累计", "新增"), "en": ("per year", "cumulative", "new")}[lang]
    if t.per_year:
        return words[0]
    if t.cumulative:
        return words[1]
    return words[2] if t.kind == "increment" else ""


class _Figure(NamedTuple):
    """What decides whether two goals of one measure and deadline clash: the value as an
    interval in base units, how far off its writing lets it be, and its scope.  Goals written
    alike share one (a thousand restatements of one figure are one)."""

    low: Decimal
    high: Decimal
    slack: Decimal
    per_year: bool
    cumulative: bool


def _figure(t: Target) -> _Figure:
    return _Figure(*bounds(t), tolerance(t), t.per_year, t.cumulative)


def _comparable(a: _Figure, b: _Figure) -> bool:
    # An annual amount and a cumulative total may legitimately differ (1亿元 a year, 3亿元 in all).
    return not ({a.per_year, b.cumulative} == {True} or {a.cumulative, b.per_year} == {True})


def _clash(a: _Figure, b: _Figure) -> bool:
    """Comparable and cannot be one value, and not a power of ten apart (a slipped magnitude is
    UN001's)."""
    return (_comparable(a, b) and not meet((a.low, a.high), (b.low, b.high), max(a.slack, b.slack))
            and power_of_ten(a.low, b.low) is None)


def _clashing(figures: set[_Figure]) -> set[_Figure]:
    """The figures that clash with at least one other, each looked for among the figures of
    every scope comparable with its own (:class:`~.figures.Reach`)."""
    scopes: dict[tuple[bool, bool], list[_Figure]] = {}
    for f in figures:
        scopes.setdefault((f.per_year, f.cumulative), []).append(f)
    reach = {key: Reach(members) for key, members in scopes.items()}
    found: set[_Figure] = set()
    for f in figures:
        for key, members in scopes.items():
            u = reach[key].clashing(f, _clash) if _comparable(f, members[0]) else None
            if u is not None:
                found.update((f, u))
                break
    return found


def _same_goal(t: Target) -> tuple:
    """What two goals must share to be one goal: measure, deadline, kind and unit family; counts
    their measure word too (专利奖超70件, the patents awarded, and a task's 专利奖不少于5项, the
    projects awarded, count different things); rates whether they are per year."""
    return (measure(t), t.deadline, t.kind, family(t), t.unit if family(t) == "count" else None,
            t.per_year if t.kind == "growth_rate" else None)


@register
class TargetConflict(Rule):
    """Flags a goal given two different values for the same deadline: the same measure (its
    canonical metric) reached by the same year, stated in two places with values that cannot both
    hold, whatever the wording (年质押金额 / 贷款金额, 10000万元 / 累计3亿元).

    为什么: a plan is assessed against its numbers; two values for one goal leave the assessor to
    pick one, and usually one of them is a stale draft or was copied from another plan.

    Bad:
        一、发展目标
        到2026年，全县有效注册商标达到3000件。
        二、重点任务
        5.打造区域品牌。任务目标：到2026年，注册商标总量达3500件。

    Good:
        一、发展目标
        到2026年，全县有效注册商标达到3500件。
        二、重点任务
        5.打造区域品牌。任务目标：到2026年，注册商标总量达3500件。
    """

    code = "CF001"
    name = "target-conflict"
    category = "conflict"
    severity = "error"
    message = "同一目标“{metric}”（{deadline}年）数值不一致：{evidence}{note}"
    message_en = "goal “{metric}” (by {deadline}) is given different values: {evidence}{note}"

    def check(self, plan: Plan):
        cite = Cite(plan, self.lang)
        targets = [t for t in prose(plan, plan.targets)
                   if t.kind in _STATED and t.deadline is not None]
        for group in groups(targets, _same_goal):
            figures = [_figure(t) for t in group]
            clashing = _clashing(set(figures))
            if not clashing:
                continue
            involved = [t for t, f in zip(group, figures) if f in clashing]
            evidence = cite.listing(involved, lambda t: cite.figure(t, _scope(t, self.lang)))
            yield self.finding(plan, [t.source for t in involved], metric=involved[0].metric,
                               deadline=involved[0].deadline, evidence=evidence,
                               note=self._note(involved, cite))

    def _note(self, targets: list[Target], cite: Cite) -> str:
        units = list(dict.fromkeys(t.unit for t in targets if t.unit))
        scopes = list(dict.fromkeys(_scope(t, self.lang) or
                                    ("总量" if self.lang == "zh" else "total") for t in targets))
        notes = []
        if len(units) > 1:
            common = max(units, key=lambda u: lookup(u).factor if lookup(u) else 0)
            shown = cite.listing(targets, lambda t: in_unit(t, common))
            notes.append(f"单位不同（{'/'.join(units)}），折合为{shown}" if self.lang == "zh"
                         else f"units differ ({'/'.join(units)}): {shown}")
        if len(scopes) > 1:
            notes.append(f"口径不同（{'/'.join(scopes)}）" if self.lang == "zh"
                         else f"scopes differ ({'/'.join(scopes)})")
        if not notes:
            return ""
        return ("；" + "；".join(notes)) if self.lang == "zh" else ("; " + "; ".join(notes))


_NEAR_MONTHS = 3
_NEAR_CHANGE = Decimal("0.10")
_NEAR_COUNT = 10
"""A stock does not move by more than a tenth within three months, nor a count by more than ten
(4 to 5 demonstration enterprises is one award, 3900 to 5500 trademarks is no month's work)."""


@register
class FactConflict(Rule):
    """Flags a reported figure that contradicts another report of the same measure: two values
    for the same date, a stock that moves implausibly between dates a few months apart, or a
    count that changes between two dates while the amount reported with it stays the same.

    为什么: the baseline is what every goal is measured from; if the plan reports it twice with
    different values, at least one is wrong or stale, and the goals built on it are in doubt.

    Bad:
        截至2024年6月，全县累计发放科技贷款35笔，贷款余额2亿元。
        截至2023年底，全县累计发放科技贷款12笔，贷款余额达2亿元。

    Good:
        截至2024年6月，全县累计发放科技贷款35笔，贷款余额3亿元。
        截至2023年底，全县累计发放科技贷款12笔，贷款余额达2亿元。
    """

    code = "CF002"
    name = "fact-conflict"
    category = "conflict"
    severity = "error"
    message = "同一指标“{metric}”的现状数据不一致：{evidence}"
    message_en = "figures reported for “{metric}” disagree: {evidence}"

    def check(self, plan: Plan):
        facts = prose(plan, plan.facts)
        sentences: dict[tuple[int, int], list[Fact]] = {}  # for the companions
        for f in facts:
            sentences.setdefault(sentence_of(plan, f), []).append(f)
        for group in groups(facts, lambda f: (measure(f), family(f))):
            dates: dict[str, list[Fact]] = {}
            for f in group:
                if f.as_of:
                    dates.setdefault(f.as_of, []).append(f)
            found = [why for members in dates.values() if (why := self._same_date(plan, members))]
            found += self._two_dates(plan, sentences, list(dates.values()))
            # in the order of their places, as comparing each figure with each later one gave them
            for places, metric, evidence in sorted(found, key=lambda w: [s.start for s in w[0]]):
                yield self.finding(plan, places, metric=metric, evidence=evidence)

    def _same_date(self, plan: Plan, facts: list[Fact]) -> tuple[list[Span], str, str] | None:
        """The figures of one date that cannot be one value, each with one in another paragraph
        (figures in one paragraph are a list of related measures, 授权1200件；企业授权1100件, not
        a contradiction), found without comparing all pairs (:class:`~.figures.Reach`)."""
        dated = [_Dated(*bounds(f), tolerance(f), paragraph_of(plan, f)) for f in facts]
        reach = Reach(set(dated), apart=lambda d: d.paragraph)
        clashing: set[_Dated] = set()
        for d in set(dated):
            if d not in clashing and (u := reach.clashing(d, _apart)) is not None:
                clashing.update((d, u))
        if not clashing:
            return None
        involved = [f for f, d in zip(facts, dated) if d in clashing]
        cite, zh = Cite(plan, self.lang), self.lang == "zh"
        evidence = (cite.figure(involved[0]) + ("与" if zh else " vs ")
                    + cite.listing(involved[1:], cite.figure)
                    + ("，日期相同" if zh else ", for the same date"))
        return [f.source for f in involved], involved[0].metric, evidence

    def _two_dates(self, plan: Plan, sentences: dict[tuple[int, int], list[Fact]],
                   dates: list[list[Fact]]) -> list[tuple[list[Span], str, str]]:
        """Figures of two dates that disagree: one finding for each two dates and reason, with
        the evidence of the first pair and every pair's places after its own (a figure restated
        many times is one finding, not one for each restatement)."""
        merged: dict[tuple, tuple[dict[tuple[int, int], Span], str, str, int]] = {}
        for k, one in enumerate(dates):
            for other in dates[k + 1:]:
                pairs = sorted(((a, b) if a.source.start < b.source.start else (b, a)
                                for a in one for b in other),
                               key=lambda p: (p[0].source.start, p[1].source.start))
                for a, b in pairs:
                    why = self._why(plan, sentences, a, b)
                    if why:
                        places, evidence, reason = why
                        key = (a.as_of, b.as_of, reason)
                        first = merged.setdefault(key, ({}, a.metric, evidence, len(places)))
                        first[0].update(((s.start, s.end), s) for s in places)
        out = []
        for places, metric, evidence, shown in merged.values():
            more = len(places) - shown
            if more > 0:
                evidence += f"；另有{more}处" if self.lang == "zh" else f"; {more} more places"
            out.append((list(places.values()), metric, evidence))
        return out

    def _why(self, plan: Plan, sentences: dict[tuple[int, int], list[Fact]], a: Fact, b: Fact):
        """Why two figures of different dates cannot both hold: the places, the evidence and the
        reason (``months``, ``companions``), or None."""
        if agree(a, b) or paragraph_of(plan, a) == paragraph_of(plan, b):
            return None
        cite, zh = Cite(plan, self.lang), self.lang == "zh"
        both = cite.figure(a) + ("与" if zh else " vs ") + cite.figure(b)
        gap = months_apart(a, b)
        low, high = sorted((value(a), value(b)))
        if (gap is not None and gap <= _NEAR_MONTHS and low and (high - low) / low > _NEAR_CHANGE
                and (family(a) != "count" or high - low > _NEAR_COUNT)):
            change = f"{float((high - low) / low):.0%}"
            return [a.source, b.source], both + (f"，相隔{gap}个月相差{change}" if zh else
                                                 f", {change} apart within {gap} month(s)"), \
                "months"
        for ca, cb in self._companions(plan, sentences, a, b):
            shown = cite.join(dict.fromkeys((cite.number(ca), cite.number(cb))))
            note = (f"，而同句给出的“{ca.metric}”两处均为{shown}，未随之变化" if zh else
                    f", while the {ca.metric} stated with them is {shown} in both, unchanged")
            measure_words = {a.unit, b.unit} - {None}
            if len(measure_words) > 1:
                note += (f"；量词也不同（{'/'.join(sorted(measure_words))}）" if zh else
                         f"; the measure words differ ({'/'.join(sorted(measure_words))})")
            return [a.source, ca.source, b.source, cb.source], both + note, "companions"
        return None

    @staticmethod
    def _companions(plan: Plan, sentences: dict[tuple[int, int], list[Fact]], a: Fact, b: Fact
                    ) -> Iterator[tuple[Fact, Fact]]:
        """Pairs of facts stated in the same sentences as ``a`` and ``b``, of another measure,
        with the same value: evidence that one of the two sentences was not updated."""
        with_a = [f for f in sentences[sentence_of(plan, a)] if measure(f) != measure(a)]
        with_b = [f for f in sentences[sentence_of(plan, b)] if measure(f) != measure(a)]
        for ca in with_a:
            for cb in with_b:
                if measure(ca) == measure(cb) and same(value(ca), value(cb)):
                    yield ca, cb


class _Dated(NamedTuple):
    """A reported figure as :class:`~.figures.Reach` compares it, with its paragraph (figures
    alike in one paragraph are one)."""

    low: Decimal
    high: Decimal
    slack: Decimal
    paragraph: tuple[int, int]


def _apart(a: _Dated, b: _Dated) -> bool:
    """Two figures of one date that cannot be one value (their paragraphs differ already)."""
    return not meet((a.low, a.high), (b.low, b.high), max(a.slack, b.slack))


def by_stock(plan: Plan) -> Iterator[list[Target]]:
    """The text's goals for one stock by one deadline, whatever their kind (达到, 累计, 新增);
    annual goals are about a flow and stay out."""
    targets = [t for t in prose(plan, plan.targets) if t.deadline is not None and not t.per_year]
    return groups(targets, lambda t: (measure(t), t.deadline, family(t)))


@register
class CumulativeOrNew(Rule):
    """Flags one amount given once as a cumulative total (累计) and once as new within the plan
    period (新增, 建设期内新增) for the same measure and deadline.

    为什么: 累计30亿元 counts what was there before the plan, 新增30亿元 only what the plan
    adds; the two readings differ by the whole baseline, and the plan must say which it means.

    Bad:
        到2026年，科技信贷投放累计超20亿元。
        6、深化科技金融合作。规划期内新增科技信贷投放超20亿元。

    Good:
        到2026年，科技信贷投放累计超20亿元。
        6、深化科技金融合作。规划期内科技信贷投放累计超20亿元。
    """

    code = "CF003"
    name = "cumulative-or-new"
    category = "conflict"
    message = "同一数值{number}（{metric}）一处为累计总量{total}，一处为期内新增{new}，口径须统一"
    message_en = ("the same amount {number} ({metric}) is a cumulative total at {total} and new "
                  "within the period at {new}; the basis must be made one")

    def check(self, plan: Plan):
        cite = Cite(plan, self.lang)
        for group in by_stock(plan):
            totals = [t for t in group if t.cumulative and t.kind == "level"]
            news = [t for t in group if t.kind == "increment"]
            for total in totals:
                for new in news:
                    if agree(total, new):
                        yield self.finding(plan, [total.source, new.source],
                                           number=cite.number(total), metric=total.metric,
                                           total=cite.item(total), new=cite.item(new))


_FOUNDING = regex.compile(r"(?:成立|组建|建立|设立|筹建|新建|建成)(?P<object>[^，。；：:,;\n]{2,30})")
_PARTS = regex.compile(r"[、和及与]")
_ADMIN_PREFIX = regex.compile(r"^(?:全市|本市|全县|全区|[省市县区]级|[省市县区])")


_FOUNDED_MIN = 3
"""The shortest name of a thing set up that is looked for in a metric."""


def founded(plan: Plan, metric: str) -> bool:
    """Whether the plan itself sets up what ``metric`` counts (成立县级专家库 for 专家库成员):
    then the stock starts from nothing."""
    parts = _founded_parts(plan)
    return any(metric[i:j] in parts for i in range(len(metric))
               for j in range(i + _FOUNDED_MIN, len(metric) + 1))


@per_plan(lambda plan: plan.text)
def _founded_parts(plan: Plan) -> frozenset[str]:
    """What the plan sets up (专家库 of 成立县级专家库), read once for all its metrics."""
    out = set()
    for m in _FOUNDING.finditer(plan.text):
        for part in _PARTS.split(m["object"]):
            part = _ADMIN_PREFIX.sub("", part.strip())
            if len(part) >= _FOUNDED_MIN:
                out.add(part)
    return frozenset(out)


@register
class NewStockConflict(Rule):
    """Flags a stock the plan itself sets up (成立…专家库) whose goal is given both as an
    increment (新增30人) and as a level (达60人) that differ: starting from nothing, what is added
    is what there will be.

    为什么: the two goals describe the same roster at the same date; 30 and 60 cannot both be
    met, and whoever reports on the plan will pick the easier one.

    Bad:
        二、工作目标
        到2026年，成立县级专家库，新增专家库成员30人。
        8、壮大科技人才队伍。到2026年，专家库人才达60人。

    Good:
        二、工作目标
        到2026年，成立县级专家库，新增专家库成员60人。
        8、壮大科技人才队伍。到2026年，专家库人才达60人。
    """

    code = "CF004"
    name = "new-stock-conflict"
    category = "conflict"
    message = "“{metric}”由本规划新设，期初为零：新增{new}即期末总量，与{level}不一致"
    message_en = ("“{metric}” is set up by this plan and starts from zero, so adding {new} "
                  "gives the final total, which disagrees with {level}")

    def check(self, plan: Plan):
        cite = Cite(plan, self.lang)
        reported = {measure(f) for f in plan.facts}
        for group in by_stock(plan):
            if measure(group[0]) in reported:
                continue  # a baseline is reported: AR001 checks base + increment = level
            adds = [t for t in group if t.kind == "increment"]
            levels = [t for t in group if t.kind == "level" and t.comparator != "<="]
            for add in adds:
                clash = [t for t in levels if not agree(add, t)]
                if clash and (founded(plan, add.metric) or founded(plan, clash[0].metric)):
                    yield self.finding(plan, [add.source] + [t.source for t in clash],
                                       metric=add.metric,
                                       new=cite.figure(add),
                                       level=cite.listing(clash, cite.figure))
