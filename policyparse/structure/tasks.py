"""Tasks: the leaf work items of the parts of a document that prescribe action.

Which parts prescribe action comes from :mod:`.parts`: every part of the body except the
background (发展基础, 面临形势), the preamble (指导思想, 基本原则, 目标 …) and what precedes it,
the case for acting (充分认识…重要意义), definitions and scope (术语说明, 指标体系, 适用范围) and the
annexes.  That covers named task chapters (重点任务, 重点工程), 保障措施 and 组织实施, schedules
(时序进度, 工作安排), and the body of a State Council 意见 or 通知 that is itself a list of measures.
A regulation (办法, 条例, or a body of 第X条 articles) has no tasks.

Inside those parts the leaf work items are the numbered items (not headings) of the first item
family met in each section (1., 1、, 一是, ——); items of other families that follow are sub-items
and stay in the body of the task above them, except that an item of the family of an enclosing
heading is that heading's next sibling (二是 after the items under a 一是 heading).  A section with
no numbered items of its own and no sub-sections (besides 专栏 boxes) is itself one task, as
GOLD.md says.

A task's ``number`` is its label without punctuation or brackets (``12``, ``一是``, ``五`` for
``（五）``, ``——``), its ``title`` the first clause, its ``body`` the whole item (continuation
paragraphs and sub-items included) and its ``source`` the span from the marker to the end of the
body; ``path`` lists the enclosing headings outermost first (for a section task, the section
itself last).
"""

from __future__ import annotations

from ..model import Heading, Plan, Task
from ..pipeline import component
from ..text.markers import first_clause
from .numbering import NumberedBlock, numbered_blocks
from .parts import SUBTREE_KINDS, part_kind, states_rules

# Preamble units have short titles (二、工作目标, （三）基本原则); a run-in item's title is its
# first clause.
_UNIT_TITLE_MAX = 12
_OPEN_BRACKETS = "（(〔【[［"
_CLOSE_BRACKETS = "）)〕】]］"


@component("tasks", requires=("meta", "outline"))
def tasks(plan: Plan) -> Plan:
    plan.tasks = find_tasks(plan)
    return plan


def find_tasks(plan: Plan) -> list[Task]:
    entries = numbered_blocks(plan)
    heads = _headings_at(entries, plan.headings)
    return _leaf_tasks(plan, entries, heads, action_entries(plan, entries, heads))


def action_entries(plan: Plan, entries: list[NumberedBlock],
                   heads: list[Heading | None]) -> list[bool]:
    """For each entry, whether it stands in a part that prescribes action."""
    articles = sum(e.marker is not None and e.marker.family == "article" for e in entries)
    if states_rules(plan, articles):
        return [False] * len(entries)
    # Annexes follow the body (a list of members, a form, an indicator table): no work there.
    body_end = next((i for i, e in enumerate(entries)
                     if e.marker is not None and e.marker.family == "appendix"), len(entries))
    action = [True] * body_end + [False] * (len(entries) - body_end)
    begin = 0  # the work starts after the last preamble unit
    for i, e in enumerate(entries[:body_end]):
        h = heads[i]
        if h is not None:
            kind = part_kind(h.title)
        elif e.marker is not None:
            title = first_clause(e.text[e.marker.title_start:])
            kind = part_kind(title) if len(title) <= _UNIT_TITLE_MAX else None
        else:
            continue
        if kind is None:
            continue
        end = min(_unit_end(entries, heads, i, subtree=kind in SUBTREE_KINDS), body_end)
        action[i:end] = [False] * (end - i)
        if kind != "definitions":
            begin = max(begin, end)
    action[:begin] = [False] * begin
    return action


def _unit_end(entries: list[NumberedBlock], heads: list[Heading | None], i: int,
              subtree: bool) -> int:
    """Where the unit that starts at entry ``i`` ends.

    A heading's unit is its subtree (the 专栏 boxes in it included) for the kinds that always
    cover it; a preamble heading's ends earlier, at the first heading beneath it that has
    numbered entries of its own — a plan that lost its task chapter's heading nests its task
    sections under the goals, while the plain sub-sections of 总则 (编制目的) stay preamble.  A
    run-in item's unit runs to its next sibling or the next heading."""
    h = heads[i]
    family = entries[i].marker.family
    for j in range(i + 1, len(entries)):
        hj = heads[j]
        if h is None:
            if hj is not None or (entries[j].marker and entries[j].marker.family == family):
                return j
        elif hj is not None and entries[j].marker.family != "box" and (
                hj.level <= h.level or not subtree and _has_entries(entries, heads, j)):
            return j
    return len(entries)


def _has_entries(entries: list[NumberedBlock], heads: list[Heading | None], j: int) -> bool:
    """Whether the heading at entry ``j`` has numbered entries (items or headings) in its
    section, before the next heading at its level or above."""
    level = heads[j].level
    for k in range(j + 1, len(entries)):
        if heads[k] is not None and heads[k].level <= level:
            return False
        if entries[k].marker is not None and entries[k].marker.family != "box":
            return True
    return False


def _leaf_tasks(plan: Plan, entries: list[NumberedBlock], heads: list[Heading | None],
                action: list[bool]) -> list[Task]:
    text = plan.text
    paths = _paths(plan.headings)
    families = {h.id: h.family for h in plan.headings}
    out: list[Task] = []
    path: list[str] = []
    top_family: str | None = None  # the work-item family of the current section

    def add(i: int, stop: int, number: str, title: str, body_start: int) -> None:
        """A task from entry ``i`` up to entry ``stop`` (excluded); untitled and empty: none."""
        last = entries[stop - 1].block
        body = text[body_start:last.end].strip()
        title = title or first_clause(body)
        if title:
            out.append(Task(id=f"t{len(out) + 1}", number=task_number(number), title=title,
                            body=body, path=path,
                            source=plan.span(entries[i].block.start, last.end)))

    for i, (e, h) in enumerate(zip(entries, heads)):
        if h is not None:
            path, top_family = paths[h.id], None
        if not action[i]:
            continue
        if h is not None:
            own_end = next((j for j in range(i + 1, len(entries))
                            if heads[j] is not None or not action[j]), len(entries))
            has_items = any(entries[j].marker for j in range(i + 1, own_end))
            sub = own_end < len(entries) and heads[own_end] is not None and \
                heads[own_end].level > h.level and entries[own_end].marker.family != "box"
            if not has_items and not sub:
                add(i, own_end, e.marker.number, h.title, h.source.end)
        elif e.marker is not None:
            family = e.marker.family
            sibling = next((k for k in reversed(path) if families.get(k) == family), None)
            if sibling is not None:  # 二是 after the items under the heading 一是
                path, top_family = path[:path.index(sibling)], family
            top_family = top_family or family
            if family != top_family:
                continue
            enclosing = {families[k] for k in path}
            stop = next((j for j in range(i + 1, len(entries)) if heads[j] is not None
                         or not action[j] or (entries[j].marker and (
                             entries[j].marker.family == family
                             or entries[j].marker.family in enclosing))), len(entries))
            add(i, stop, e.marker.number, "", e.block.start + e.marker.title_start)
    return out


def task_number(label: str) -> str:
    """The number as GOLD.md writes it: without punctuation or brackets (（五） → 五)."""
    inner = label.strip().lstrip(_OPEN_BRACKETS).rstrip(_CLOSE_BRACKETS).strip()
    return inner or label


def _headings_at(entries: list[NumberedBlock], headings: list[Heading]) -> list[Heading | None]:
    """For each entry, the heading that starts at it, if any."""
    by_start = {h.source.start: h for h in headings}
    return [by_start.get(e.block.start) for e in entries]


def _paths(headings: list[Heading]) -> dict[str, list[str]]:
    """Heading id → ids of the headings enclosing it, outermost first, itself last."""
    paths: dict[str, list[str]] = {}
    for h in headings:
        paths[h.id] = (paths[h.parent] if h.parent in paths else []) + [h.id]
    return paths
