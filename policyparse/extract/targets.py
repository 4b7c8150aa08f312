"""The ``targets`` component: quantified goals, from the prose and the indicator tables.

A prose figure is a target by where it stands and its tense (:mod:`.sections`); its comparator,
kind and flags come from the cue words before it (:func:`~.cues.classify`), its deadline from
the dates before it in its sentence (:func:`~.deadlines.resolve_deadline`: 到2027年, a phase, the
plan period's end), its metric from the words around it (:mod:`.metrics`).  A target inside a
task's span belongs to that task: ``task`` is the task's number and the task lists its id.
"""

from __future__ import annotations

import bisect

from ..text.clauses import clause_bounds
from ..model import Plan, Target
from ..pipeline import component
from .cues import classify, time_limit
from .deadlines import resolve_deadline
from .metrics import measured
from .numbers import Quantity
from .sections import Figure, in_text_order, prose_figures, start_year
from .tables import table_targets

_MONTHS_A_YEAR = 12


@component("targets", requires=("meta", "outline", "tasks"))
def targets(plan: Plan) -> Plan:
    prose = [_target(plan, f) for f in prose_figures(plan) if f.role == "target"]
    plan.targets = in_text_order([*prose, *table_targets(plan)], "g")
    _link_tasks(plan, plan.targets)
    return plan


def _target(plan: Plan, f: Figure) -> Target:
    q, period, before = f.quantity, plan.meta.period, plan.text[f.sentence:f.quantity.start]
    clause_end = clause_bounds(plan.text, q.start, q.end)[1]  # 1年内, 1支…队伍 read what follows
    cls = classify(plan.text[f.sentence:clause_end], q, f.sentence)
    deadline, basis = resolve_deadline(before, (period.start, period.end), plan.meta.issued)
    if basis == "per-year" and not cls.per_year:
        basis = "period-end"  # another figure's 每年 in the sentence says nothing of this one
    if basis in ("period-end", "issued", "unknown") and time_limit(plan.text, q):
        deadline, basis = _time_limit_end(plan, q) or (deadline, basis)  # 确保1年内完成
    return Target(id="", **measured(f.phrase.metric, q),
                  value_max=None if q.value_max is None else float(q.value_max),
                  comparator=cls.comparator, kind=cls.kind, cumulative=cls.cumulative,
                  per_year=cls.per_year, deadline=deadline, deadline_basis=basis,
                  source=plan.span(f.phrase.start, f.phrase.end))


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
