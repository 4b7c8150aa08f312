"""The changes of substance between two aligned plans.

A change is reported only where the plans differ in what they commit to: a figure, a date, a
comparator, a unit (a figure re-expressed in another unit of the same amount, 3.5万件 as 35000件,
is the same figure), who leads or shares a task, which tasks and sections there are and in
what order, and the document's title, issuer, number, date and period.  Wording is compared
only where it names an item: a task is *retitled* and a section *renamed* when its title says
something else (similarity below :data:`RETITLED`), not when a word is swapped for a synonym.

A number that changes only because items were added, removed or moved before it is not a
renumbering of its own: a task is *renumbered* when it moved among the tasks of its section, or
when its number breaks (or mends) the sequence of its numbering.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from decimal import Decimal

from ..extract.numbers import find_quantities
from ..lint.rules.figures import family, plain, same, value as base_value
from ..model import Fact, Heading, Owner, Plan, Span, Target, Task
from ..text.markers import parse_marker
from .align import Alignment, Pairing, increasing, normalise, similarity
from .model import Change, Direction

RETITLED = 0.6
"""Title similarity below which a task is retitled (a section renamed): a synonym or two is
wording; another title is a change."""

STATED = ("explicit", "table-explicit")
"""Deadline bases of a year written for the goal; a goal due at the period's end otherwise (its
basis period-end, per-year …) moves with the period, and the period's change says so."""

_ROLE = {"lead": "牵头", "responsible": "责任"}


def changes(al: Alignment) -> list[Change]:
    """Every change from ``al.old`` to ``al.new``, meta first, then in the new version's
    reading order."""
    out = _meta(al.old, al.new)
    body = [*_sections(al), *_tasks(al), *_owners(al), *_figures(al, al.targets),
            *_figures(al, al.facts)]
    scale = len(al.new.text) / max(len(al.old.text), 1)

    def place(c: Change) -> tuple[float, int]:
        if c.new_source is not None:
            return c.new_source.start, 0
        return c.old_source.start * scale if c.old_source else 0.0, 1

    return out + sorted(body, key=place)


# --- meta ----------------------------------------------------------------------------------------

def _meta(old: Plan, new: Plan) -> list[Change]:
    out = []
    a, b = old.meta, new.meta
    for name, subject in (("title", "标题"), ("issuer", "发文机关"), ("doc_number", "发文字号"),
                          ("issued", "发布日期")):
        x, y = getattr(a, name), getattr(b, name)
        if name == "title" and x and y and similarity(normalise(x), normalise(y)) >= RETITLED:
            continue  # a title reworded, or its years changed: the period says which
        if normalise(x or "") != normalise(y or ""):
            direction = _date_direction(x, y) if name == "issued" else None
            out.append(Change(item="meta", action="changed", field=name, subject=subject,
                              old=x, new=y, direction=direction, old_source=_found(old, x),
                              new_source=_found(new, y)))
    pa, pb = (a.period.start, a.period.end), (b.period.start, b.period.end)
    if pa != pb:
        direction = _date_direction(pa[1], pb[1]) if None not in (pa[1], pb[1]) else None
        out.append(Change(item="meta", action="changed", field="period", subject="规划期",
                          old=_period(pa), new=_period(pb), direction=direction,
                          old_source=_found(old, a.title if a.period.basis == "title" else None),
                          new_source=_found(new, b.title if b.period.basis == "title" else None)))
    return out


def _found(plan: Plan, written: str | None) -> Span | None:
    """Where a meta value is written in the text (meta carries no span of its own)."""
    at = plan.text.find(written) if written else -1
    return plan.span(at, at + len(written)) if at >= 0 else None


def _period(years: tuple[int | None, int | None]) -> str | None:
    return None if years == (None, None) else f"{years[0] or '?'}–{years[1] or '?'}"


def _date_direction(x: object, y: object) -> Direction | None:
    if x is None or y is None or x == y:
        return None
    return "later" if str(y) > str(x) else "earlier"


# --- where an item is ---------------------------------------------------------------------------

def _task_name(task: Task) -> str:
    return f"{task.number} {task.title}".strip()


def _where(plan: Plan, pos: int) -> str | None:
    """The task at ``pos``, else the section."""
    for t in plan.tasks:
        if t.source.start <= pos < t.source.end:
            return f"任务 {_task_name(t)}"
    starts = [h.source.start for h in plan.headings]
    k = bisect.bisect_right(starts, pos) - 1
    return f"{plan.headings[k].label}{plan.headings[k].title}" if k >= 0 else None


def _section_name(h: Heading | None) -> str | None:
    return f"{h.label}{h.title}" if h else None


# --- sections -----------------------------------------------------------------------------------

def _sections(al: Alignment) -> Iterable[Change]:
    s = al.sections
    for i in s.removed():
        h = s.old[i]
        yield Change(item="section", action="removed", subject=_section_name(h),
                     old_source=h.source)
    for j in s.added():
        h = s.new[j]
        yield Change(item="section", action="added", subject=_section_name(h),
                     new_source=h.source)
    for i, j in s.pairs.items():
        a, b = s.old[i], s.new[j]
        if similarity(normalise(a.title), normalise(b.title)) < RETITLED:
            yield Change(item="section", action="renamed", subject=_section_name(b),
                         old=a.title, new=b.title, old_source=a.source, new_source=b.source)
    yield from _reordered(al)


def _reordered(al: Alignment) -> Iterable[Change]:
    """Sections that left their place among their siblings (or their parent)."""
    s = al.sections
    old_index = {h.id: i for i, h in enumerate(s.old)}
    new_index = {h.id: j for j, h in enumerate(s.new)}
    groups: dict[str | None, list[int]] = {}
    for i, j in sorted(s.pairs.items()):
        a, b = s.old[i], s.new[j]
        parent = s.pairs.get(old_index[a.parent]) if a.parent in old_index else None
        if parent != new_index.get(b.parent) and not (a.parent is None and b.parent is None):
            parent_name = _section_name(s.new[new_index[b.parent]]) if b.parent else None
            yield _moved_section(a, b, f"移至“{parent_name}”之下" if parent_name else "移至顶层")
            continue
        groups.setdefault(a.parent, []).append(i)
    for members in groups.values():
        kept = increasing([s.pairs[i] for i in members])
        for k, i in enumerate(members):
            if k not in kept:
                b = s.new[s.pairs[i]]
                siblings = [h for h in s.new if h.parent == b.parent]
                at = siblings.index(b)
                after = f"移至“{_section_name(siblings[at - 1])}”之后" if at else "移至最前"
                yield _moved_section(s.old[i], b, after)


def _moved_section(a: Heading, b: Heading, where: str) -> Change:
    return Change(item="section", action="reordered", subject=_section_name(b), where=where,
                  old=a.label, new=b.label, old_source=a.source, new_source=b.source)


# --- tasks --------------------------------------------------------------------------------------

def _regular(plan: Plan) -> list[bool]:
    """Whether each task's number continues its numbering (1, or one more than the last task
    numbered the same way)."""
    last: dict[str, int] = {}
    out = []
    for t in plan.tasks:
        m = parse_marker(t.source.text)
        if m is None or m.value is None:
            out.append(True)
            continue
        out.append(m.value == 1 or last.get(m.family) == m.value - 1)
        last[m.family] = m.value
    return out


def _tasks(al: Alignment) -> Iterable[Change]:
    t = al.tasks
    for i in t.removed():
        task = t.old[i]
        yield Change(item="task", action="removed", subject=_task_name(task),
                     where=_section_name(al.section_of(al.old, task)), old_source=task.source)
    for j in t.added():
        task = t.new[j]
        yield Change(item="task", action="added", subject=_task_name(task),
                     where=_section_name(al.section_of(al.new, task)), new_source=task.source)
    old_index = {h.id: i for i, h in enumerate(al.old.headings)}
    regular_a, regular_b = _regular(al.old), _regular(al.new)
    by_section: dict[int | None, list[int]] = {}
    for i, j in sorted(t.pairs.items()):
        a, b = t.old[i], t.new[j]
        sa, sb = al.section_of(al.old, a), al.section_of(al.new, b)
        where = _section_name(sb)
        if similarity(normalise(a.title), normalise(b.title)) < RETITLED:
            yield Change(item="task", action="retitled", subject=_task_name(b), where=where,
                         old=a.title, new=b.title, old_source=a.source, new_source=b.source)
        mapped = al.sections.pairs.get(old_index[sa.id]) if sa else None
        if (mapped is None) != (sb is None) or (sb and al.sections.new[mapped].id != sb.id):
            yield Change(item="task", action="moved", subject=_task_name(b), where=where,
                         old=_section_name(sa), new=where, old_source=a.source,
                         new_source=b.source)
        else:
            by_section.setdefault(mapped, []).append(i)
    in_order = set()
    for members in by_section.values():
        kept = increasing([t.pairs[i] for i in members])
        in_order |= {i for k, i in enumerate(members) if k in kept}
    headed = {h.source.start for h in al.new.headings}
    for i, j in t.pairs.items():
        a, b = t.old[i], t.new[j]
        if a.number == b.number or b.source.start in headed:
            continue  # a task that is a section is numbered as a section: reordered says it
        if i in in_order and regular_a[i] and regular_b[j]:
            continue  # the sequence shifted around it: the additions and removals say why
        yield Change(item="task", action="renumbered", subject=_task_name(b),
                     where=_section_name(al.section_of(al.new, b)), old=a.number, new=b.number,
                     old_source=a.source, new_source=b.source)


# --- owners -------------------------------------------------------------------------------------

def _owner_key(o: Owner) -> str:
    return o.agency or normalise(o.name)


def _owners(al: Alignment) -> list[Change]:
    """Owners of each pair of tasks, by agency and role; an owner clause shared by several
    tasks (on their heading) gives one change, naming every task it concerns."""
    found: dict[tuple, Change] = {}
    for i, j in al.tasks.pairs.items():
        a, b = al.tasks.old[i], al.tasks.new[j]
        mine, theirs = _roles(a), _roles(b)
        for key in dict.fromkeys([*mine, *theirs]):
            was, now = mine.get(key, {}), theirs.get(key, {})
            if was.keys() == now.keys():
                continue
            if len(was) == len(now) == 1:  # the one role it had became the other
                (o,), (p,) = was.values(), now.values()
                _gather(found, Change(item="owner", action="switched", subject=p.name,
                                      old=_ROLE[o.role], new=_ROLE[p.role], old_source=o.source,
                                      new_source=p.source), b)
                continue
            for role, o in was.items():
                if role not in now:
                    _gather(found, Change(item="owner", action="removed", subject=o.name,
                                          old=_ROLE[role], old_source=o.source), b)
            for role, p in now.items():
                if role not in was:
                    _gather(found, Change(item="owner", action="added", subject=p.name,
                                          new=_ROLE[role], new_source=p.source), b)
    return list(found.values())


def _roles(task: Task) -> dict[str, dict[str, Owner]]:
    """Agency (or name) → role → the first owner so named in that role."""
    out: dict[str, dict[str, Owner]] = {}
    for o in task.owners:
        out.setdefault(_owner_key(o), {}).setdefault(o.role, o)
    return out


def _gather(found: dict[tuple, Change], change: Change, task: Task) -> None:
    def at(s: Span | None) -> tuple | None:
        return (s.start, s.end) if s else None

    key = (change.action, change.subject, at(change.old_source), at(change.new_source))
    if key in found:
        found[key].where += f"、{task.number}"
    else:
        found[key] = change.model_copy(update={"where": f"任务 {task.number}"})


# --- targets and facts --------------------------------------------------------------------------

def figure(item: Target | Fact) -> str:
    """The figure as written in its span (3.5万件, 2-3个, 15%); rebuilt from its value where the
    span does not show it."""
    for q in find_quantities(item.source.text):
        if same(q.base_value, base_value(item)):
            return q.written
    text = plain(Decimal(str(item.value)))
    top = getattr(item, "value_max", None)
    if top is not None:
        text += "-" + plain(Decimal(str(top)))
    return text + (item.unit or "")


def _bounds(item: Target | Fact) -> tuple[Decimal, Decimal | None]:
    low = base_value(item)
    top = getattr(item, "value_max", None)
    if top is None or not item.value:
        return low, None
    return low, low * Decimal(str(top)) / Decimal(str(item.value))


def _raised(a: tuple[Decimal, Decimal | None], b: tuple[Decimal, Decimal | None]) -> Direction:
    """Up or down: by the lower bound, then by the upper one."""
    if not same(a[0], b[0]):
        return "raised" if b[0] > a[0] else "lowered"
    return "raised" if (b[1] or b[0]) > (a[1] or a[0]) else "lowered"


def _same_amount(a: Target | Fact, b: Target | Fact) -> bool:
    (la, ta), (lb, tb) = _bounds(a), _bounds(b)
    return same(la, lb) and (ta is None) == (tb is None) and (ta is None or same(ta, tb))


def _figures(al: Alignment, pairing: Pairing) -> Iterable[Change]:
    kind = "target" if pairing.old is al.old.targets else "fact"
    for i in pairing.removed():
        x = pairing.old[i]
        yield Change(item=kind, action="removed", subject=x.metric, old=figure(x),
                     where=_where(al.old, x.source.start), old_source=x.source)
    for j in pairing.added():
        y = pairing.new[j]
        yield Change(item=kind, action="added", subject=y.metric, new=figure(y),
                     where=_where(al.new, y.source.start), new_source=y.source)
    for i, j in pairing.pairs.items():
        x, y = pairing.old[i], pairing.new[j]
        yield from _figure_changes(al, kind, x, y)


def _figure_changes(al: Alignment, kind: str, x: Target | Fact, y: Target | Fact
                    ) -> Iterable[Change]:
    def change(field: str, old: str | None, new: str | None,
               direction: Direction | None = None) -> Change:
        return Change(item=kind, action="changed", field=field, subject=y.metric,
                      where=_where(al.new, y.source.start), old=old, new=new,
                      direction=direction, old_source=x.source, new_source=y.source)

    # the same digits in another unit (5万元 → 5亿元) is a change of unit, other digits of value
    digits = [(f.value, getattr(f, "value_max", None)) for f in (x, y)]
    if family(x) != family(y) or (x.unit != y.unit and digits[0] == digits[1]
                                  and not _same_amount(x, y)):
        yield change("unit", figure(x), figure(y))
    elif not _same_amount(x, y):
        yield change("value", figure(x), figure(y), _raised(_bounds(x), _bounds(y)))
    if kind == "target":
        if x.comparator != y.comparator:
            yield change("comparator", x.comparator, y.comparator)
        follows = ((x.deadline, y.deadline) == (al.old.meta.period.end, al.new.meta.period.end)
                   and x.deadline_basis == y.deadline_basis not in STATED)
        if x.deadline != y.deadline and not follows:  # else the period's change says it
            yield change("deadline", _str(x.deadline), _str(y.deadline),
                         _date_direction(x.deadline, y.deadline))
    elif x.as_of != y.as_of:
        yield change("as_of", x.as_of, y.as_of, _date_direction(x.as_of, y.as_of))


def _str(v: object) -> str | None:
    return None if v is None else str(v)


def count(pairing: Pairing) -> tuple[int, int, int]:
    return len(pairing.old), len(pairing.new), len(pairing.pairs)

