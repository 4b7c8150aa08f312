"""The ``targets`` component: quantified goals, from the prose and the indicator tables.

A prose figure is a target by where it stands and its tense (:mod:`.sections`); its comparator,
kind and flags come from the cue words before it (:func:`~.cues.classify`), its deadline from
the dates before it in its sentence (:class:`~.deadlines.Deadlines`: 到2027年, a phase, the
plan period's end), its metric from the words around it (:mod:`.metrics`).  A target inside a
task's span belongs to that task: ``task`` is the task's number and the task lists its id.
"""

from __future__ import annotations

import bisect

import regex

from ..text.clauses import CLAUSE_SPLIT, clause_bounds
from ..model import Plan, Target
from ..pipeline import component
from .cues import classify, time_limit
from .deadlines import Deadlines
from .metrics import measured
from .numbers import Quantity
from .sections import Figure, in_text_order, prose_figures, start_year
from .tables import table_targets

_MONTHS_A_YEAR = 12


@component("targets", requires=("meta", "outline", "tasks"))
def targets(plan: Plan) -> Plan:
    due: dict[int, Deadlines] = {}  # by paragraph: its dates are read once for its goals
    prose = [_target(plan, f, due) for f in prose_figures(plan) if f.role == "target"]
    plan.targets = in_text_order([*prose, *table_targets(plan)], "g")
    _link_tasks(plan, plan.targets)
    return plan


def _target(plan: Plan, f: Figure, due: dict[int, Deadlines]) -> Target:
    q, period = f.quantity, plan.meta.period
    clause_end = clause_bounds(plan.text, q.start, q.end)[1]  # 1年内, 1支…队伍 read what follows
    read_from = _segments_before(plan.text, f.sentence, q.start)
    cls = classify(plan.text[read_from:clause_end], q, read_from)
    if f.block.start not in due:
        due[f.block.start] = Deadlines(plan.text, f.dates, (period.start, period.end),
                                       plan.meta.issued)
    deadline, basis = due[f.block.start].before(f.sentence, q.start)
    if basis == "per-year" and not cls.per_year:
        basis = "period-end"  # another figure's 每年 in the sentence says nothing of this one
    if basis in ("period-end", "issued", "unknown") and time_limit(plan.text, q):
        deadline, basis = _time_limit_end(plan, q) or (deadline, basis)  # 确保1年内完成
    return Target(id="", **measured(f.phrase.metric, q),
                  value_max=None if q.value_max is None else float(q.value_max),
                  comparator=cls.comparator, kind=cls.kind, cumulative=cls.cumulative,
                  per_year=cls.per_year, deadline=deadline, deadline_basis=basis,
                  source=plan.span(f.phrase.start, f.phrase.end))


_STOP_BEFORE = regex.compile(CLAUSE_SPLIT.pattern, regex.REVERSE)
_SEGMENTS_READ = 2
"""How many clause segments before a figure :func:`~.cues.classify` reads (its own, and the one
before when it opens its own: 每年发布1个宣传片，5条以上小视频)."""


def _segments_before(text: str, sentence: int, pos: int) -> int:
    """Where the last :data:`_SEGMENTS_READ` clause segments before ``pos`` in its sentence
    start: the figure's cues are read there, not in the whole sentence (a sentence of a thousand
    figures would be read a thousand times)."""
    at = pos
    for _ in range(_SEGMENTS_READ + 1):
        stop = _STOP_BEFORE.search(text, sentence, at)
        if stop is None:
            return sentence
        at = stop.start()
    return stop.end()


def _time_limit_end(plan: Plan, q: Quantity) -> tuple[int, str] | None:
    """The year a time limit from the plan's first year ends: 2—3年内 from 2019 → 2021 (the
    first year counts: 1年内 → 2019)."""
    first = start_year(plan)
    if first is None:
        return None
    months = q.base_value_max if q.base_value_max is not None else q.base_value
    years = -(-int(months) // _MONTHS_A_YEAR) if q.unit_family == "month" else 1
    return first + max(years, 1) - 1, "time-limit"


def _link_tasks(plan: Plan, found: list[Target]) -> None:
    tasks = sorted(plan.tasks, key=lambda t: t.source.start)
    starts = [t.source.start for t in tasks]
    for task in tasks:
        task.targets = []
    for target in found:
        i = bisect.bisect_right(starts, target.source.start) - 1
        if i >= 0 and target.source.end <= tasks[i].source.end:
            target.task, target.task_id = tasks[i].number, tasks[i].id
            tasks[i].targets.append(target.id)
