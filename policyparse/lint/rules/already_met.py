"""Goals already met: a target at or below what the same document reports as reached."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import regex

from ...extract.units import ARITHMETIC
from ...model import Fact, Plan, Target
from ..registry import Rule, register
from .figures import (Cite, bounds, date_key, family, in_table, keyed, measure, paragraph_of,
                      per_capita, plain, reported, same, value)

# The kinds of goal that name a level to reach; growth rates, counts of things to do and
# increments are met by doing, not by a stock.
_LEVELS = ("level", "share")


def goals(plan: Plan) -> list[Target]:
    """Targets that set a floor to reach for a stock or a share."""
    return [t for t in keyed(plan.targets) if t.kind in _LEVELS and t.comparator == ">="
            and not t.per_year and t.deadline is not None]


class References:
    """The reported figures each goal is measured from, found by measure: facts are indexed by
    their measure and the table rows of each (measure, deadline) found once, so a plan with a
    thousand goals of one measure costs as much as it has figures, not their square."""

    def __init__(self, plan: Plan, facts: list[Fact]):
        self.plan = plan
        self.by_measure: dict[str | None, list[Fact]] = defaultdict(list)
        for f in facts:
            self.by_measure[measure(f)].append(f)
        self.rows: dict[tuple, set[tuple[int, int]]] = defaultdict(set)
        for t in plan.targets:
            if in_table(plan, t.source.start):
                self.rows[measure(t), t.deadline].add(paragraph_of(plan, t))

    def __call__(self, target: Target) -> list[Fact]:
        """An indicator table's baseline (现状值 on the row of a 目标值) is the plan's official
        one: it is the reference for every goal of that measure and deadline.  Otherwise the
        latest figures of the measure dated before the deadline are, an undated one (the
        present) the latest."""
        mine = reported(self.by_measure.get(measure(target), ()), target)
        rows = self.rows.get((measure(target), target.deadline), ())
        row = [f for f in mine if paragraph_of(self.plan, f) in rows]
        if row or not mine:
            return row
        latest = max(map(_recency, mine))
        return [f for f in mine if _recency(f) == latest]


def _recency(fact: Fact) -> tuple[int, int]:
    """How recent a reported figure is: one with no date (目前…已达) is the document's present,
    later than any it dates."""
    return date_key(fact) if fact.as_of else (10_000, 0)


# A share named after what it counts: 高价值专利占比 is 高价值(发明)专利 among (发明)专利.
_SHARE = regex.compile(r"(?:占比|比重|比例|占有率)$")
_STOCK_WORDS = regex.compile(r"(?:拥有量|总量|数量|存量|量|数)$")


@dataclass(frozen=True)
class DerivedShare:
    percent: Decimal
    part: Fact
    whole: Fact


def derived_share(target: Target, facts: list[Fact]) -> DerivedShare | None:
    """The current value of a share goal computed from two reported counts of the same date,
    when the plan reports no share itself: 150 high-value of 400 invention patents is 37.5%.

    The part is a count whose metric holds the share's subject (高价值专利 in 高价值发明专利,
    character by character); the whole is a count of the same date whose metric holds the
    part's metric without the share's qualifier (发明专利 in 有效发明专利数)."""
    subject = _SHARE.sub("", target.metric)
    if subject == target.metric or len(subject) < 3:
        return None
    counts = [f for f in facts if family(f) == "count" and f.as_of and not per_capita(f)]
    for part in counts:
        qualifier = _qualifier(subject, part.metric)
        if qualifier is None:
            continue
        core = _STOCK_WORDS.sub("", part.metric.replace(qualifier, "", 1))
        wholes = [f for f in counts if f.as_of == part.as_of and f is not part and len(core) >= 2
                  and core in f.metric and qualifier not in f.metric]
        if len(wholes) == 1 and value(wholes[0]) > value(part):
            percent = ARITHMETIC.divide(value(part) * 100, value(wholes[0]))
            return DerivedShare(percent, part, wholes[0])
    return None


def _qualifier(subject: str, metric: str) -> str | None:
    """The words of ``subject`` before its last noun (高价值 of 高价值专利) when ``metric`` holds
    all of ``subject``'s characters in order and starts with that qualifier."""
    it = iter(metric)
    if not all(ch in it for ch in subject):
        return None
    for cut in range(len(subject) - 2, 0, -1):
        if metric.startswith(subject[:cut]) and subject[cut:] in metric:
            return subject[:cut]
    return None


@register
class TargetAlreadyMet(Rule):
    """Flags a goal at or below the figure the same document reports as already reached: a
    2026 goal of 4200 trademarks when 4650 are registered, a share of 30% when the reported
    counts already give 37.5%.

    为什么: a goal that is met on the day the plan is issued commits to nothing; usually it was
    set from an older baseline and was not updated when the figures were.

    Bad:
        截至2023年底，全县有效注册商标4650件。
        到2026年，全县有效注册商标达到4200件。

    Good:
        截至2023年底，全县有效注册商标4650件。
        到2026年，全县有效注册商标达到6000件。
    """

    code = "AM001"
    name = "target-already-met"
    category = "already-met"
    message = "目标{targets}不高于文件已报告的现状{reported}"
    message_en = "goal {targets} is at or below what the document reports as reached: {reported}"

    def check(self, plan: Plan):
        cite = Cite(plan, self.lang)
        facts = keyed(plan.facts)
        # One finding per piece of evidence, with every goal it shows to be met.
        by_evidence: dict[tuple[str, ...], tuple[list, list[Target]]] = {}
        reference = References(plan, facts)
        for target in goals(plan):
            top = bounds(target)[1]
            ref = reference(target)
            if ref:
                if all(top < value(f) or same(top, value(f)) for f in ref):
                    key = tuple(f.id for f in ref)
                    by_evidence.setdefault(key, (ref, []))[1].append(target)
            elif target.kind == "share" and target.unit_family == "percent":
                share = derived_share(target, facts)
                if share and (top < share.percent or same(top, share.percent)):
                    key = (share.part.id, share.whole.id)
                    by_evidence.setdefault(key, ([share], []))[1].append(target)
        for evidence, targets in by_evidence.values():
            shown = cite.join(cite.figure(t) for t in targets)
            if isinstance(evidence[0], DerivedShare):
                share = evidence[0]
                reported = (f"{cite.figure(share.part)}÷"
                            f"{cite.figure(share.whole)}≈"
                            f"{plain(share.percent.quantize(Decimal('0.1')))}%")
                sources = [t.source for t in targets] + [share.part.source, share.whole.source]
            else:
                reported = cite.join(cite.figure(f) for f in evidence)
                sources = [t.source for t in targets] + [f.source for f in evidence]
            yield self.finding(plan, sources, targets=shown, reported=reported)
