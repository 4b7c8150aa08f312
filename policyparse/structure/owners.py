"""Owner clauses: which units lead a task and which share it (the ``owners`` component).

The forms plans use::

    （牵头单位：X，责任单位：Y、Z）             labelled fields
    〔责任单位：X牵头，Y，各镇（园区、街道）按职责分工负责〕
    （X牵头，Y配合）  （X负责）  （X、Y按职责分工负责）  （科技部牵头，财政部等按职责分工负责）
    牵头考核单位：X                             a labelled line in or right after the item
    由X负责。                                   a sentence ending a paragraph
    any of these once for a section             on its heading line or before its first task;
                                                the section's tasks without a clause inherit it

Roles: a unit is ``lead`` only when the text says it leads (X牵头, 牵头单位, 主办单位, 牵头考核单位);
every other owner (责任单位, 配合, 参与, 负责, 按职责分工负责) is ``responsible``, as in the gold.
An unmarked segment takes the role of the next marked one (in ``X牵头，Y，Z按职责分工负责`` Y is
responsible), else its field's.

A clause is read by a small tokenizer that tracks bracket depth: fields split at labels
(``…单位：``), segments at ，；, names at 、 — and at 和/及/与/spaces only between two complete unit
names, so 工业和信息化部 stays whole — all at depth 0, so 各镇（园区、街道） is one name.  Outside a
labelled field every name must look like a unit (a unit suffix such as 局, 委, 部, 办, 单位, 镇,
or a registry match), so prose such as （由企业牵头） or 市市场监管局联合市司法局… gives no owner.
Names keep the text as written (whitespace from line wrapping dropped); ``Owner.source`` is the
exact span of the name, and ``Owner.agency`` the registry's canonical id (:mod:`.agencies`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator

import regex

from ..model import Owner, Plan, Task
from ..pipeline import component
from .agencies import registry

_OPEN, _CLOSE = "（(〔【[［", "）)〕】]］"
_BRACKET = regex.compile(f"[{regex.escape(_OPEN + _CLOSE)}]")
_MAX_CLAUSE = 400  # a longer bracket group is prose (or an unbalanced bracket), not a clause

# A field label ends in ：; what it names decides the role (see _label_role).
_LABEL = regex.compile(r"(\p{Han}{2,8})\s*[：:]")
_COLON = regex.compile(r"[：:]")
_LABEL_HEAD = regex.compile(r"\p{Han}{2,8}\s*", regex.REVERSE)  # read back from a colon
_LABEL_LEAD = regex.compile(r"牵头|主办|主责")
_LABEL_UNITS = regex.compile(r"单位|部门")
_LEAD_END = regex.compile(r"(?:牵头(?:负责|落实|实施|抓总)?|为牵头单位|负总责)$")
_RESP_END = regex.compile(
    r"(?:(?:(?:按照?|依照?|根据)?(?:各自)?职责(?:分工)?|分工|共同|分别|具体|协同|积极)?"
    r"(?:负责|配合|协助|参与)(?:落实|实施)?|(?:按照?|依照?)(?:各自)?职责(?:分工)?落实"
    r"|为(?:责任|配合)单位)$")
_ETC = regex.compile(r"等(?:有关|相关)?(?:部门|单位)?$")
_CONNECTOR = regex.compile(r"以及|[和及与]|\s+")
_UNIT_END = regex.compile(
    r"(?:[局委办部院会厅署行处室所组站队馆社台团科股联协关]|中心|单位|部门|机关|机构|政府"
    r"|街道|[镇乡]|园区|公司|集团|学校|大学|学院)$")
_TRAILING_BRACKETS = regex.compile(r"(?:[（(〔【][^（(〔【）)〕】]*[）)〕】])+$")
_PUNCT = " \t\n。．.，,；;：:、"
# 由X负责。 / 由X牵头，Y配合组织实施。: a sentence that starts with 由; what follows the role word
# (组织实施) is dropped so the role word ends the clause.
_BY_SENTENCE = regex.compile(r"(?:^|(?<=[。；;]))[ \t]*由([^。；;\n]{2,120}?(?:牵头|负责|配合|参与))"
                             r"(?:组织实施|组织落实|实施|落实|推进)?[ \t]*(?:[。；;]|$)", regex.M)
_WS = regex.compile(r"\s+")

Found = tuple[str, int, int]  # role, start, end of a unit name in the text


@component("owners")
def owners(plan: Plan) -> Plan:
    """Fill ``Task.owners``, ``Task.lead`` and ``Task.responsible`` from owner clauses."""
    if not plan.tasks:
        return plan
    text = plan.text
    starts = sorted({t.source.start for t in plan.tasks} | {h.source.start for h in plan.headings})
    task_starts = {t.source.start for t in plan.tasks}

    def next_start(pos: int) -> int:
        i = bisect_right(starts, pos)
        return starts[i] if i < len(starts) else len(text)

    section: dict[str, list[Found]] = {}
    for h in plan.headings:
        if h.source.start not in task_starts:  # a heading that is itself a task owns its clause
            section[h.id] = find_owners(text, h.source.start, next_start(h.source.start))
    tasks = []
    for task in plan.tasks:
        end = _with_owner_lines(text, task.source.end, next_start(task.source.start))
        found = find_owners(text, task.source.start, end)
        if not found:
            found = next((section[h] for h in reversed(task.path) if section.get(h)), [])
        tasks.append(_with_owners(plan, task, found))
    plan.tasks = tasks
    return plan


def _with_owners(plan: Plan, task: Task, found: list[Found]) -> Task:
    owners: list[Owner] = []
    seen: set[tuple[str, str]] = set()
    for role, start, end in found:
        name = _WS.sub("", plan.text[start:end])
        if (role, name) in seen:
            continue
        seen.add((role, name))
        match = registry().match(name)
        owners.append(Owner(role=role, name=name, agency=match.id if match else None,
                            source=plan.span(start, end)))
    return task.model_copy(update={
        "owners": owners,
        "lead": [o.name for o in owners if o.role == "lead"],
        "responsible": [o.name for o in owners if o.role == "responsible"]})


def find_owners(text: str, start: int, end: int) -> list[Found]:
    """Owners named by the clauses in ``text[start:end]``, in text order."""
    found: list[Found] = []
    for a, b in _bracket_groups(text, start, end):
        found += parse_clause(text, a, b)
    parsed_to = start
    for m in _labels(text, start, end):  # a labelled clause outside brackets
        if m.start() < parsed_to or not _label_role(m.group(1)):
            continue
        line_start = max(start, text.rfind("\n", 0, m.start()) + 1)
        before = text[line_start:m.start()].strip(" （(〔【[")
        if (not before or before[-1] in "。；;") and _depth_at(text, line_start, m.start()) == 0:
            line_end = text.find("\n", m.start(), end)
            parsed_to = end if line_end < 0 else line_end
            found += parse_clause(text, m.start(), parsed_to)
    for m in _BY_SENTENCE.finditer(text, start, end):
        found += parse_clause(text, m.start(1), m.end(1))
    return sorted(set(found), key=lambda f: (f[1], f[2]))


def parse_clause(text: str, start: int, end: int) -> list[Found]:
    """Parse one clause (the inside of its brackets) into owners; ``[]`` if it names none."""
    found: list[Found] = []
    for role, a, b in _fields(text, start, end):
        found += _parse_field(text, a, b, role)
    return found


def _fields(text: str, start: int, end: int) -> Iterator[tuple[str | None, int, int]]:
    """Split a clause at its depth-0 labels: ``(label role, start, end)``; text before the first
    label has role ``None`` (roles come from its role words)."""
    labels = [m for m in _labels(text, start, end) if _depth_at(text, start, m.start()) == 0]
    if not labels:
        yield None, start, end
        return
    yield None, start, labels[0].start()
    for m, nxt in zip(labels, [*labels[1:], None]):
        role = _label_role(m.group(1))
        if role:  # other fields (完成时限：…) say nothing about owners
            yield role, m.end(), nxt.start() if nxt else end


def _labels(text: str, start: int, end: int) -> Iterator[regex.Match]:
    """The matches of ``_LABEL.finditer(text, start, end)``, found from the colons back: trying
    every position for 2-8 Han characters before a colon costs 3 ms on a 50 KB plan, and colons
    are few.  (A label cannot span a colon, so each colon ends at most one, the one that starts
    the furthest back.)"""
    for colon in _COLON.finditer(text, start, end):
        head = _LABEL_HEAD.match(text, start, colon.start())
        if head:
            yield _LABEL.match(text, head.start(), end)


def _label_role(label: str) -> str | None:
    if not _LABEL_UNITS.search(label):
        return None  # 责任领导, 完成时限 …
    return "lead" if _LABEL_LEAD.search(label) else "responsible"


def _parse_field(text: str, start: int, end: int, default: str | None) -> list[Found]:
    found: list[Found] = []
    pending: list[tuple[int, int]] = []
    for a, b in _split_top(text, start, end, "，,；;"):
        if text.startswith("由", a):
            a += 1
        role, b = _role_word(text, a, b)
        names = list(_names(text, a, b))
        units = [n for n in names if _is_unit(text[n[0]:n[1]])]
        if default is None and len(units) < len(names):
            if role:  # a role word after a non-unit (企业牵头) marks prose, not an owner
                pending = []
            continue
        pending += units
        if role:
            found += [(role, x, y) for x, y in pending]
            pending = []
    if pending and (default or found):  # unmarked tail: the field's role, else co-responsible
        found += [(default or "responsible", x, y) for x, y in pending]
    return found


def _role_word(text: str, start: int, end: int) -> tuple[str | None, int]:
    """The role a segment's trailing role word gives, and where the names before it end."""
    seg = text[start:end]
    for role, pattern in (("lead", _LEAD_END), ("responsible", _RESP_END)):
        m = pattern.search(seg)
        if m:
            return role, start + m.start()
    return None, end


def _names(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Unit names in a segment: split at 、 at depth 0, then at connectors between two units."""
    for a, b in _split_top(text, start, end, "、/"):
        m = _ETC.search(text, a, b)
        if m:
            a, b = _strip(text, a, m.start())
        if a >= b:
            continue
        cut = a
        for c in _CONNECTOR.finditer(text, a, b):
            left, right = _strip(text, cut, c.start()), _strip(text, c.end(), b)
            if _depth_at(text, a, c.start()) == 0 and right[1] - right[0] >= 3 \
                    and _is_unit(text[left[0]:left[1]]) and _is_unit(text[right[0]:right[1]]):
                yield left
                cut = c.end()
        last = _strip(text, cut, b)
        if last[0] < last[1]:
            yield last


def _is_unit(name: str) -> bool:
    name = _WS.sub("", name)
    if len(name) < 2:
        return False
    return bool(_UNIT_END.search(_TRAILING_BRACKETS.sub("", name) or name)) \
        or registry().match(name) is not None


def _split_top(text: str, start: int, end: int, seps: str) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` at separators outside brackets; pieces stripped, empties out."""
    pieces, depth, at = [], 0, start
    for i in range(start, end):
        c = text[i]
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and c in seps:
            pieces.append(_strip(text, at, i))
            at = i + 1
    pieces.append(_strip(text, at, end))
    return [(a, b) for a, b in pieces if a < b]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _PUNCT:
        start += 1
    while end > start and text[end - 1] in _PUNCT:
        end -= 1
    return start, end


def _depth_at(text: str, start: int, pos: int) -> int:
    depth = 0
    for c in text[start:pos]:
        if c in _OPEN:
            depth += 1
        elif c in _CLOSE:
            depth = max(0, depth - 1)
    return depth


def _bracket_groups(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The insides ``(start, end)`` of the depth-0 bracket groups in ``text[start:end]``.

    Bracket kinds are not paired (plans write （…) as often as （…）); an unclosed group longer
    than :data:`_MAX_CLAUSE` is abandoned so one stray bracket cannot swallow a task."""
    depth, opened = 0, -1
    for m in _BRACKET.finditer(text, start, end):  # only brackets change anything
        i, c = m.start(), m.group()
        if depth and i - 1 - opened > _MAX_CLAUSE:
            depth = 0  # abandoned at a character between the last bracket and this one
        if c in _OPEN:
            if depth == 0:
                opened = i
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                yield opened + 1, i
        if depth and i - opened > _MAX_CLAUSE:
            depth = 0


def _with_owner_lines(text: str, end: int, limit: int) -> int:
    """Extend a task's end over the labelled owner lines (牵头单位：…) that follow it."""
    while end < limit:
        nl = text.find("\n", end)
        if nl < 0 or nl + 1 >= limit:
            break
        line_end = text.find("\n", nl + 1)
        line_end = len(text) if line_end < 0 else line_end
        m = _LABEL.match(text, _skip_open(text, nl + 1, line_end), line_end)
        if not (m and _label_role(m.group(1))):
            break
        end = min(line_end, limit)
    return end


def _skip_open(text: str, start: int, end: int) -> int:
    while start < end and (text[start] in _OPEN or text[start].isspace()):
        start += 1
    return start
