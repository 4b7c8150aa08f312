"""Task chapters and their leaf work items.

The task part of a plan is found by heading titles (``data/task_chapters.toml``): a heading
whose title names tasks (三、重点任务, 四、重点工程, 第三章 主要任务) opens a task chapter, its whole
subtree.  Plans that never name their task chapter (a missing 第三章, or a State Council opinion
whose chapters are 二、加强… 三、完善…) put the tasks between the preamble and the safeguards:
after the last preamble unit (指导思想, 基本原则, 发展目标 …, a heading or a run-in item such as
``（三）主要目标。…``) and before the first safeguards unit (保障措施, 组织实施 …).

Inside the task part the leaf work items are the numbered items (not headings) of the first
item family met in each section (1., 1、, 一是, ——); items of other families that follow are
sub-items and stay in the body of the task above them.  A section with no numbered items of its
own and no sub-sections (besides 专栏 boxes) is itself one task, as GOLD.md says.

A task's ``number`` is its label without trailing punctuation (``12``, ``一是``, ``（五）``, ``——``),
its ``title`` the first clause, its ``body`` the whole item (continuation paragraphs and sub-items
included) and its ``source`` the span from the marker to the end of the body; ``path`` lists the
enclosing headings outermost first (for a section task, the section itself last).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from ..model import Heading, Plan, Task
from ..pipeline import component
from .numbering import NumberedBlock, first_clause, numbered_blocks
from ..data import alternation, load as load_data

# Preamble and safeguards units have short titles (二、工作目标, （十八）加强组织领导); a longer
# title that mentions 目标 is a task about goals, not the goals section.
_UNIT_TITLE_MAX = 12


@dataclass(frozen=True)
class Vocabulary:
    """The phrases of ``data/task_chapters.toml``, each list as one pattern (a title matches when
    it contains one of the phrases)."""

    task: regex.Pattern
    preamble: regex.Pattern
    safeguards: regex.Pattern


@cache
def vocabulary() -> Vocabulary:
    data = load_data("task_chapters.toml")
    return Vocabulary(*(regex.compile(alternation(data[key]))
                        for key in ("task", "preamble", "safeguards")))


@component("tasks")
def tasks(plan: Plan) -> Plan:
    plan.tasks = find_tasks(plan)
    return plan


def find_tasks(plan: Plan) -> list[Task]:
    entries = numbered_blocks(plan)
    heads = _headings_at(entries, plan.headings)
    paths = _paths(plan.headings)
    found: list[Task] = []
    for start, end in task_parts(entries, heads):
        found.extend(_tasks_in(plan, entries, heads, paths, start, end, len(found)))
    return found


def task_parts(entries: list[NumberedBlock], heads: list[Heading | None]) -> list[tuple[int, int]]:
    """Ranges ``[start, end)`` of entry indices that hold the plan's tasks."""
    vocab = vocabulary()
    marks = [i for i, h in enumerate(heads) if h is not None]
    parts: list[tuple[int, int]] = []
    for k, i in enumerate(marks):
        if parts and i < parts[-1][1]:
            continue  # inside a task chapter already taken
        h = heads[i]
        # An appendix (附件 重点任务分工表) restates the tasks, mostly as a table: not the chapter.
        if vocab.task.search(h.title) and entries[i].marker.family != "appendix":
            end = next((j for j in marks[k + 1:] if heads[j].level <= h.level), len(entries))
            parts.append((i, end))
    if parts:
        return parts
    return _between_preamble_and_safeguards(entries, heads, vocab)


def _between_preamble_and_safeguards(entries: list[NumberedBlock], heads: list[Heading | None],
                                     vocab: Vocabulary) -> list[tuple[int, int]]:
    def unit_title(i: int) -> str | None:
        if heads[i] is not None:
            title = heads[i].title
        elif entries[i].marker is not None:
            title = first_clause(entries[i].text[entries[i].marker.title_start:])
        else:
            return None
        return title if len(title) <= _UNIT_TITLE_MAX else None

    titles = [unit_title(i) for i in range(len(entries))]
    preamble = [i for i, t in enumerate(titles) if t and vocab.preamble.search(t)]
    # the safeguards that close the tasks come after the preamble (if there is one)
    stop = next((i for i, t in enumerate(titles) if t and vocab.safeguards.search(t)
                 and i > (preamble[0] if preamble else -1)), None)
    end = len(entries) if stop is None else stop
    last = next((i for i in reversed(preamble) if i < end), None)
    if last is None:
        return [(0, end)] if stop is not None else []
    # The preamble unit runs to the next heading (a run-in item: also to its next sibling).
    family = entries[last].marker.family if heads[last] is None else None
    start = next((j for j in range(last + 1, end)
                  if heads[j] is not None or (family and entries[j].marker
                                              and entries[j].marker.family == family)), end)
    return [(start, end)] if start < end else []


def _tasks_in(plan: Plan, entries: list[NumberedBlock], heads: list[Heading | None],
              paths: dict[str, list[str]], start: int, end: int, count: int) -> list[Task]:
    text = plan.text
    out: list[Task] = []
    # A part may open inside a section (after a run-in preamble item): that section encloses it.
    before = next((heads[j] for j in range(start - 1, -1, -1) if heads[j] is not None), None)
    path: list[str] = paths[before.id] if before else []
    top_family: str | None = None  # the work-item family of the current section

    def add(i: int, stop: int, number: str, title: str, body_start: int) -> None:
        """A task from entry ``i`` up to entry ``stop`` (excluded); untitled and empty: none."""
        last = entries[stop - 1].block
        body = text[body_start:last.end].strip()
        title = title or first_clause(body)
        if title:
            out.append(Task(id=f"t{count + len(out) + 1}", number=number, title=title, body=body,
                            path=path, source=plan.span(entries[i].block.start, last.end)))

    i = start
    while i < end:
        e, h = entries[i], heads[i]
        if h is not None and e.marker.family == "appendix":
            break  # appendices follow the body: a list of members is no task
        if h is not None:
            path, top_family = paths[h.id], None
            own_end = next((j for j in range(i + 1, end) if heads[j] is not None), end)
            has_items = any(entries[j].marker for j in range(i + 1, own_end))
            sub = own_end < end and heads[own_end].level > h.level and \
                entries[own_end].marker.family != "box"
            if not has_items and not sub:
                add(i, own_end, e.marker.number, h.title, h.source.end)
        elif e.marker is not None:
            top_family = top_family or e.marker.family
            if e.marker.family == top_family:
                stop = next((j for j in range(i + 1, end) if heads[j] is not None or (
                    entries[j].marker and entries[j].marker.family == top_family)), end)
                add(i, stop, e.marker.number, "", e.block.start + e.marker.title_start)
        i += 1
    return out


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
