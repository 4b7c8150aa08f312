"""Plan quality: what makes a plan hard to carry out or to assess.  Lower severity than the
defect rules: these are an editor's suggestions, not errors, and they fire only where the plan
itself sets the standard (it assigns owners or targets elsewhere)."""

from __future__ import annotations

from ...model import Plan, Span, Task
from ...text.excerpts import excerpt
from ..registry import Rule, register

# A plan "assigns owners" (or "sets targets") when at least this share of its tasks has them.
_MAJORITY = 0.5


def _title_span(plan: Plan, task: Task) -> Span:
    """The task's number and title, where the finding belongs (not its whole body)."""
    at = task.source.text.find(task.title)
    end = at + len(task.title) if at >= 0 and task.title else len(task.source.text)
    return plan.span(task.source.start, task.source.start + end)


@register
class TaskWithoutOwner(Rule):
    """Flags a task without a lead or responsible unit in a plan that names them for most tasks.

    为什么: a task nobody owns is a task nobody reports on; where the plan assigns every other
    task, the missing clause is usually an editing slip.

    Bad:
        三、重点任务
        1、健全管理体系。完善知识产权政策。〔责任单位：市市场监管局牵头〕
        2、加强交流协作。推动区域合作。〔责任单位：市商务局牵头〕
        3、营造文化氛围。开展宣传活动。

    Good:
        三、重点任务
        1、健全管理体系。完善知识产权政策。〔责任单位：市市场监管局牵头〕
        2、加强交流协作。推动区域合作。〔责任单位：市商务局牵头〕
        3、营造文化氛围。开展宣传活动。〔责任单位：市委宣传部牵头〕
    """

    code = "QL001"
    name = "task-without-owner"
    category = "quality"
    severity = "info"
    message = "任务“{task}”未明确牵头或责任单位，而其他任务都有"
    message_en = "task “{task}” names no lead or responsible unit, unlike the plan's other tasks"

    def check(self, plan: Plan):
        owned = [bool(t.lead or t.responsible) for t in plan.tasks]
        if len(owned) < 3 or sum(owned) < _MAJORITY * len(owned):
            return
        for t, has in zip(plan.tasks, owned):
            if not has:
                yield self.finding(plan, [_title_span(plan, t)], task=excerpt(t.title, 20))


@register
class TargetWithoutDeadline(Rule):
    """Flags a target with no deadline: no year in its sentence and no plan period to fall back
    on.

    为什么: a goal without a date cannot be assessed; state the year or the plan period.

    Bad:
        全县高新技术企业达到120家。

    Good:
        到2026年，全县高新技术企业达到120家。
    """

    code = "QL002"
    name = "target-without-deadline"
    category = "quality"
    severity = "info"
    message = "目标“{target}”没有期限"
    message_en = "target “{target}” has no deadline"

    def check(self, plan: Plan):
        for t in plan.targets:
            if t.deadline is None:
                yield self.finding(plan, [t.source], target=excerpt(t.source.text, 30))


@register
class TaskWithoutTarget(Rule):
    """Flags a numbered task with no measurable target in a plan whose other tasks mostly have
    one.

    为什么: where a plan quantifies its tasks, an unquantified one cannot be assessed and is
    often a task whose figure was dropped in editing.

    Bad:
        三、重点任务
        1、加强专利创造。到2026年新增发明专利500件。
        2、加强商标培育。到2026年新增注册商标300件。
        3、加强版权保护。持续开展版权宣传。

    Good:
        三、重点任务
        1、加强专利创造。到2026年新增发明专利500件。
        2、加强商标培育。到2026年新增注册商标300件。
        3、加强版权保护。到2026年作品登记量达到200件。
    """

    code = "QL003"
    name = "task-without-target"
    category = "quality"
    severity = "info"
    message = "任务“{task}”没有可考核的量化目标，而多数任务都有"
    message_en = "task “{task}” has no measurable target, unlike most of the plan's tasks"

    def check(self, plan: Plan):
        with_target = [bool(t.targets) for t in plan.tasks]
        if len(with_target) < 3 or sum(with_target) < _MAJORITY * len(with_target):
            return
        for t, has in zip(plan.tasks, with_target):
            if not has:
                yield self.finding(plan, [_title_span(plan, t)], task=excerpt(t.title, 20))
