"""Dates that contradict the document's own dates: its issue date and its plan period."""

from __future__ import annotations

from collections import defaultdict

from ...text.clauses import sentence_bounds
from ...extract.cues import cue_pattern
from ...extract.deadlines import find_dates
from ...extract.sections import Sections, vocabulary as sections_vocabulary
from ...model import Plan
from ...structure.parts import part_kind
from ...text.excerpts import excerpt
from ..registry import Rule, register

# Long-range visions (到2035年基本建成…) legitimately reach past a plan's period; so does a goal
# more than a plan's length (five years) beyond it, where a slip is a year or three.
_VISION = cue_pattern("dates", "vision")
_VISION_AFTER = 5
_PHASE = cue_pattern("dates", "phase")


def _issued(plan: Plan) -> tuple[int, int] | None:
    if not plan.meta.issued:
        return None
    year, month = plan.meta.issued.split("-")[:2]
    return int(year), int(month)


def goal_parts(plan: Plan) -> list[tuple[int, int]]:
    """The text under headings that state goals (发展目标, 工作目标, 总体目标…), to the next
    heading of the same or a higher level."""
    ordered = sorted(plan.headings, key=lambda h: h.source.start)
    return [(h.source.end, next((g.source.start for g in ordered[i + 1:] if g.level <= h.level),
                                len(plan.text)))
            for i, h in enumerate(ordered) if part_kind(h.title) == "goals"]


@register
class DeadlineOutsidePeriod(Rule):
    """Flags goals due after the plan period ends, or before it starts or the document was
    issued: targets with an explicit deadline, and the 到…年 that opens a goal of a 目标 section
    even when it has no figure (到2028年，科技创新综合实力进入全省前列).

    为什么: a goal dated outside the plan's own period cannot be assessed when the plan is
    evaluated, and usually shows a figure copied from an older or a higher-level plan.

    Bad:
        某县科技创新强县建设工作方案（2024—2026年）
        一、工作目标
        到2028年，全县高新技术企业达到120家。

    Good:
        某县科技创新强县建设工作方案（2024—2026年）
        一、工作目标
        到2026年，全县高新技术企业达到120家。
    """

    code = "DT001"
    name = "deadline-outside-period"
    category = "date"
    message = "目标期限{deadline}年超出规划期（{start}—{end}年）"
    message_en = "deadline {deadline} lies outside the plan period ({start}–{end})"

    def check(self, plan: Plan):
        period = plan.meta.period
        issued = _issued(plan)
        if period.end is None and issued is None:
            return
        start = period.start or (issued[0] if issued else None)

        def outside(year: int, lo: int, hi: int) -> bool:
            if period.end is not None and year > period.end + _VISION_AFTER or \
                    _VISION.search(plan.text, lo, hi):
                return False
            return (period.end is not None and year > period.end) or \
                (start is not None and year < start) or (issued is not None and year < issued[0])

        judged = set()  # sentences whose targets carry their own deadline
        for t in plan.targets:
            if t.deadline is None or t.deadline_basis != "explicit":
                continue
            lo, hi = sentence_bounds(plan.text, t.source.start, t.source.end)
            judged.add(lo)
            if outside(t.deadline, lo, hi):
                yield self.finding(plan, [t.source], deadline=t.deadline, start=start or "?",
                                   end=period.end or "?")
        goals = goal_parts(plan)
        parts = Sections(plan.headings)
        cues = sections_vocabulary()
        for d in find_dates(plan.text, 0):
            if d.kind != "by" or d.year is None or parts.kind_at(d.start) == "background":
                continue
            s, e = sentence_bounds(plan.text, d.start, d.end)
            if s in judged or not outside(d.year, s, e):
                continue
            # Outside the goals, a 到…年 dates a goal when its sentence aims (达到, 力争) and
            # reports nothing as done (已, 了): 到2020年底已建成… states the past.
            sentence = plan.text[d.end:e]
            if not any(lo <= d.start < hi for lo, hi in goals) and (
                    not cues.goal_cues.search(sentence) or cues.past.search(sentence)):
                continue
            judged.add(s)
            yield self.finding(plan, [plan.span(d.start, d.end)], deadline=d.year,
                               start=start or "?", end=period.end or "?")


@register
class PhaseBeforeIssue(Rule):
    """Flags a phase of the plan's schedule that ends before the document was issued.

    为什么: a 启动部署阶段 dated January–May cannot be carried out by a plan issued in June: the
    schedule was written for an earlier draft and the dates, or the issue date, are wrong.

    Bad:
        某县人民政府办公室
        2024年6月12日
        五、时序进度
        （一）启动部署阶段（2024年1月-2024年5月）
        印发工作方案，全面启动创建工作。

    Good:
        某县人民政府办公室
        2024年6月12日
        五、时序进度
        （一）启动部署阶段（2024年6月-2024年8月）
        印发工作方案，全面启动创建工作。
    """

    code = "DT002"
    name = "phase-before-issue"
    category = "date"
    message = "实施阶段“{phase}”在文件印发（{issued}）前已结束"
    message_en = "schedule phase “{phase}” ends before the document was issued ({issued})"

    def check(self, plan: Plan):
        issued = _issued(plan)
        if issued is None:
            return
        for b in plan.blocks:
            if b.kind == "table":
                continue
            text = plan.text[b.start:b.end]
            if not _PHASE.search(text[:40]):
                continue
            for d in find_dates(text[:80], b.start):
                if d.kind != "range" or d.end_year is None:
                    continue
                if (d.end_year, d.end_month or 12) < issued:
                    yield self.finding(plan, [plan.span(b.start, b.end)],
                                       phase=excerpt(text, 30), issued=plan.meta.issued)
                break


@register
class SameGoalDifferentYear(Rule):
    """Flags one goal (the same metric and value) given different deadlines in different places,
    as when a glossary or an annex repeats a goal with the year of an older plan.

    为什么: readers cannot tell by when the goal must be met; the plan's evaluation will use one
    year and the public the other.

    Bad:
        一、发展目标
        到2027年，全县高新技术产业增加值占规模以上工业增加值比重达到40%。
        二、名词解释
        到2026年，高新技术产业增加值占规模以上工业增加值比重达到40%。

    Good:
        一、发展目标
        到2027年，全县高新技术产业增加值占规模以上工业增加值比重达到40%。
        二、名词解释
        高新技术产业增加值占规模以上工业增加值比重：两项增加值之比。
    """

    code = "DT003"
    name = "same-goal-different-year"
    category = "date"
    message = "同一目标（{metric} {value}{unit}）的期限不一致：{years}"
    message_en = "the same goal ({metric} {value}{unit}) has different deadlines: {years}"

    def check(self, plan: Plan):
        groups = defaultdict(list)
        for t in plan.targets:
            if t.metric_key and t.deadline is not None and t.deadline_basis == "explicit":
                groups[(t.metric_key, t.value, t.unit)].append(t)
        for (_, value, unit), targets in groups.items():
            years = sorted({t.deadline for t in targets})
            if len(years) > 1:
                yield self.finding(plan, [t.source for t in targets], metric=targets[0].metric,
                                   value=f"{value:g}", unit=unit or "",
                                   years="、".join(f"{y}年" for y in years))
