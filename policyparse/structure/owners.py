"""Owner clauses: which units lead a task and which share it (the ``owners`` component).

One clause grammar, wherever the clause stands::

    （牵头单位：X，责任单位：Y、Z）             labelled fields; only fields whose label names units
    （负责部门：X；适用范围：…）                  (…单位, …部门) say anything about owners
    〔责任单位：X牵头，Y，各镇（园区、街道）按职责分工负责〕
    （X牵头，Y配合）  （X、Y负责）  （X会同Y负责）  （科技部牵头，财政部等按职责分工负责）
    牵头考核单位：X   【责任单位】X               a labelled line in or right after the item
    由X负责。  X牵头，Y配合。                    a sentence that ends with its role word
    | 重点任务 | 牵头单位 | 配合单位 |           a task division table: the row's cells

Where it stands decides which tasks it owns: the task it is in; every item of a group when it
stands on its own line after the group (``①…②…③…`` then ``责任单位：…``) or closes a paragraph of
run-in items; each task beneath a heading that carries it, unless the task names its own.  A task
with no clause at all may still name its owner in a sentence: ``X负责…``, ``X承担…职责``,
``X要会同Y…`` (but not ``X要加强…``: a mere subject is not an owner).

Roles, by the role words of ``data/owner_roles.toml``: ``lead`` where the text says so (X牵头,
牵头单位, X of X会同Y); ``responsible`` for 责任单位, 配合, 参与, 按职责分工负责, Y of X会同Y; a
*named* unit (X负责, 负责部门：X, 由X负责) leads when it is the only one named and no lead is
declared, and shares the task otherwise.  When the document declares that the first unit listed
leads (排在第一位的部门为牵头部门), the first unit of every clause without a declared lead does.
An unmarked segment takes the role of the next marked one (in ``X牵头，Y，Z按职责分工负责`` Y is
responsible), else its field's.

A clause is read by a small tokenizer that tracks bracket depth: fields split at labels
(``…单位：``), segments at ，；, names at 、 and 等 — and at 和/及/与/spaces only between two
complete unit names, so 工业和信息化部 stays whole — all at depth 0, so 各镇（园区、街道） is one
name.  Outside a labelled field every name must look like a unit (:meth:`.Registry.is_unit`), so
prose such as （由企业牵头） or 县公安局联合县法院… gives no owner.  Names keep the text as
written without 等 (whitespace from line wrapping dropped); ``Owner.source`` is the exact span of
the name, and ``Owner.agency`` the registry's canonical id (:mod:`.agencies`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import regex

from ..text.clauses import CLAUSE_SPLIT
from ..data import alternation
from ..data import load as load_data
from ..model import Owner, Plan, Task
from ..pipeline import component
from .agencies import registry

_OPEN, _CLOSE = "（(〔【[［", "）)〕】]］"
_BRACKET = regex.compile(f"[{regex.escape(_OPEN + _CLOSE)}]")
_MAX_CLAUSE = 400  # a longer bracket group is prose (or an unbalanced bracket), not a clause
_MAX_CLOSING_TAIL = 8  # Han characters (a role word) between a paragraph's last owner and its end
_MAX_OBJECT = 60  # characters of the units Y of a prose X会同Y… before its verb
# What may follow the last owner of a paragraph: its role word, the bracket, the full stop.
_CLOSING_TAIL = regex.compile(rf"\p{{Han}}{{0,{_MAX_CLOSING_TAIL}}}[{regex.escape(_CLOSE)}]?[。；;.]?")

# A field label ends in ：; what it names decides the role (see _label_role).
_LABEL = regex.compile(r"(\p{Han}{2,8})\s*[：:]")
_COLON = regex.compile(r"[：:]")
# Read back from a colon; a run of spaces is tried once, from its colon end (linear).
_LABEL_HEAD = regex.compile(r"\p{Han}{2,8}\s*+(?!\s)", regex.REVERSE)
_CONNECTOR = regex.compile(r"以及|[和及与]|\s+")
_ETC = regex.compile("等")
_ROLE_MARK = regex.compile(rf"[（(]\s*([^{regex.escape(_OPEN + _CLOSE)}]{{1,10}}?)\s*[）)]$")
_PUNCT = " \t\n。．.，,；;：:、"
_WS = regex.compile(r"\s+")

Found = tuple[str, int, int]  # role (lead, responsible or named), start, end of a unit name


@dataclass(frozen=True)
class _Vocabulary:
    """The role words of ``data/owner_roles.toml``, compiled."""

    ends: tuple[tuple[str, regex.Pattern], ...]  # role word ending a segment, tried in order
    by_sentence: regex.Pattern
    joint: regex.Pattern
    label_nouns: regex.Pattern
    label_lead: regex.Pattern
    label_named: regex.Pattern
    label_any_role: regex.Pattern
    role_noun: regex.Pattern
    first_lead: regex.Pattern
    duty_verb: regex.Pattern
    duty_object: regex.Pattern
    modal_end: regex.Pattern
    subject_prefix: regex.Pattern


@cache
def _vocabulary() -> _Vocabulary:
    data = load_data("owner_roles.toml")
    roles, labels, prose = data["roles"], data["labels"], data["prose"]
    words = {k: f"(?:{alternation(v)})" for k, v in roles.items()}
    after, nouns = f"{words['after']}?", f"(?:{alternation(labels['nouns'])})"
    not_person = f"(?!{alternation(prose['not_after_named'])})"
    any_role = f"(?:{words['lead']}|{words['responsible']}|{words['named']})"
    for_label = rf"为(\p{{Han}}{{0,4}}{nouns})"  # X为牵头单位, Y为配合部门
    ends = (  # 按职责分工负责 before 负责, 牵头负责 before 负责
        ("responsible", regex.compile(
            f"(?:{words['shared']}(?:{words['named']}|{words['after']})|{words['responsible']})"
            f"{after}$")),
        ("lead", regex.compile(f"{words['lead']}{after}$")),
        ("named", regex.compile(f"{words['named']}{after}$")),
        ("label", regex.compile(f"{for_label}$")))
    return _Vocabulary(
        ends=ends,
        # 由X负责。 / X牵头，Y配合组织实施。: a sentence that ends with its role word.
        by_sentence=regex.compile(rf"(?:^|(?<=[。；;]))[ \t]*([^。；;\n]{{2,120}}?{any_role})"
                                  rf"{after}[ \t]*(?:[。；;]|$)", regex.M),
        joint=regex.compile(words["joint"]),
        label_nouns=regex.compile(nouns),
        label_lead=regex.compile(alternation(labels["lead"])),
        label_named=regex.compile(alternation(labels["named"])),
        label_any_role=regex.compile(alternation(labels["lead"] + labels["named"]
                                                 + labels["responsible"])),
        role_noun=regex.compile(f"(?:{alternation(labels['role_nouns'])}){nouns}$"),
        first_lead=regex.compile(alternation(data["document"]["first_lead"], literal=False)),
        duty_verb=regex.compile(f"(?P<joint>{words['joint']})"
                                f"|(?P<named>{alternation(prose['named'])}){not_person}"
                                f"|(?P<bearer>{alternation(prose['bearers'])})"),
        duty_object=regex.compile(alternation(prose["duty_objects"])),
        modal_end=regex.compile(f"(?:{alternation(prose['modals'])})$"),
        subject_prefix=regex.compile(alternation(prose["subject_prefixes"])))


@component("owners", requires=("tasks",))
def owners(plan: Plan) -> Plan:
    """Fill ``Task.owners``, ``Task.lead`` and ``Task.responsible`` from owner clauses."""
    if not plan.tasks:
        return plan
    text = plan.text
    first_lead = declares_first_lead(text)
    starts = sorted({t.source.start for t in plan.tasks} | {h.source.start for h in plan.headings})
    task_starts = {t.source.start for t in plan.tasks}

    def next_start(pos: int) -> int:
        i = bisect_right(starts, pos)
        return starts[i] if i < len(starts) else len(text)

    section: dict[str, list[Found]] = {}
    for h in plan.headings:
        if h.source.start not in task_starts:  # a heading that is itself a task owns its clause
            section[h.id] = find_owners(text, h.source.start, next_start(h.source.start),
                                        first_lead=first_lead)
    rows = list(_table_rows(plan))
    found: list[list[Found]] = []
    for i, task in enumerate(plan.tasks):
        start, end = task.source.start, task.source.end
        tail_end = _with_owner_lines(text, end, next_start(start))
        inside, tail = _clauses(text, start, end), _clauses(text, end, tail_end)
        row = [f for a, b, cells in rows if start < b and a < end for f in cells]
        found.append(resolve(text, inside + tail + row, first_lead=first_lead))
        if tail or (inside and _closes_run_in_items(plan, i, inside[-1][2])):
            _share_with_group(plan.tasks, found, i)
    tasks = []
    for task, own in zip(plan.tasks, found, strict=True):
        if not own:
            own = next((section[h] for h in reversed(task.path) if section.get(h)), [])
        if not own:
            own = resolve(text, duty_owners(text, task.source.start, task.source.end),
                          first_lead=first_lead)
        tasks.append(_with_owners(plan, task, own))
    plan.tasks = tasks
    return plan


def declares_first_lead(text: str) -> bool:
    """Whether the document says the first unit of each list leads (排在第一位的为牵头单位)."""
    return _vocabulary().first_lead.search(text) is not None


def _share_with_group(tasks: list[Task], found: list[list[Found]], i: int) -> None:
    """A clause after a group of items owns the group: the sibling items just before item ``i``
    that name no owner of their own take its owners."""
    j = i - 1
    while j >= 0 and not found[j] and tasks[j].path == tasks[i].path:
        found[j] = found[i]
        j -= 1


def _closes_run_in_items(plan: Plan, i: int, owner_end: int) -> bool:
    """Whether task ``i`` shares its paragraph with the sibling item before it and its last
    owner ends that paragraph (①…；②…；③…（责任单位：X）): the clause is the paragraph's."""
    if i == 0 or plan.tasks[i - 1].path != plan.tasks[i].path:
        return False
    text, start = plan.text, plan.tasks[i].source.start
    if text.rfind("\n", 0, start) != text.rfind("\n", 0, plan.tasks[i - 1].source.start):
        return False
    line_end = text.find("\n", owner_end)
    rest = _WS.sub("", text[owner_end:len(text) if line_end < 0 else line_end])
    return _CLOSING_TAIL.fullmatch(rest) is not None


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


def resolve(text: str, found: list[Found], *, first_lead: bool = False) -> list[Found]:
    """Give the *named* units of one task's clauses their role: with a declared lead they share
    the task; where the document says the first listed leads, the first unit does; else a sole
    named unit leads and several share."""
    if any(role == "lead" for role, _, _ in found):
        return [("responsible" if r == "named" else r, a, b) for r, a, b in found]
    if first_lead:
        return [("lead" if k == 0 else "responsible", a, b) for k, (_, a, b) in enumerate(found)]
    named = {_WS.sub("", text[a:b]) for r, a, b in found if r == "named"}
    sole = "lead" if len(named) == 1 else "responsible"
    return [(sole if r == "named" else r, a, b) for r, a, b in found]


def find_owners(text: str, start: int, end: int, *, first_lead: bool = False) -> list[Found]:
    """Owners named by the clauses in ``text[start:end]``, in text order, roles resolved."""
    return resolve(text, _clauses(text, start, end), first_lead=first_lead)


def _clauses(text: str, start: int, end: int) -> list[Found]:
    """The units of every clause in ``text[start:end]``, in text order, roles unresolved."""
    found: list[Found] = []
    groups = list(_bracket_groups(text, start, end))
    for k, (a, b) in enumerate(groups):
        role = _bare_label_role(text, a, b)
        if not role:
            found += parse_clause(text, a, b)
            continue
        # 【牵头单位】X【配合单位】Y: the field runs to the next such label or the line's end
        line_end = text.find("\n", b, end)
        line_end = end if line_end < 0 else line_end
        field_end = next((c - 1 for c, d in groups[k + 1:]
                          if c < line_end and _bare_label_role(text, c, d)), line_end)
        found += _parse_field(text, b + 1, field_end, role)
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
    v = _vocabulary()
    for m in v.by_sentence.finditer(text, start, end):
        a, b = m.span(1)
        if v.subject_prefix.match(text, a, b):  # 由X负责。
            found += parse_clause(text, a, b)
        else:  # X牵头，Y配合。 is a clause only when nothing else is said in it
            found += _parse_field(text, a, b, None, strict=True)
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
        if role:  # other fields (完成时限：…, 适用范围：…) say nothing about owners
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


def _bare_label_role(text: str, start: int, end: int) -> str | None:
    """The role of a label standing alone without its colon (the inside of 【责任单位】, a
    table column 牵头单位), else ``None``."""
    a, b = _strip(text, start, end)
    label = text[a:b]
    if not regex.fullmatch(r"\p{Han}{2,8}", label) or not _vocabulary().label_any_role.search(label):
        return None
    return _label_role(label)


def _label_role(label: str) -> str | None:
    """The role a field label or a table column gives: 牵头单位 lead, 负责部门 named, any other
    label naming units (责任单位, 配合部门) responsible; ``None`` for 责任领导, 完成时限 …"""
    v = _vocabulary()
    if not v.label_nouns.search(label):
        return None
    if v.label_lead.search(label):
        return "lead"
    return "named" if v.label_named.search(label) else "responsible"


def _parse_field(text: str, start: int, end: int, default: str | None, *,
                 strict: bool = False) -> list[Found]:
    """The owners of one field; ``default`` is its label's role (``None`` outside a labelled
    field, where a segment naming anything but units is prose and skipped, or with ``strict``
    makes the whole field prose)."""
    found: list[Found] = []
    pending: list[tuple[int, int]] = []
    for a, b in _split_top(text, start, end, "，,；;"):
        if prefix := _vocabulary().subject_prefix.match(text, a, b):  # 由X牵头
            a = prefix.end()
        role, b = _role_word(text, a, b)
        joint = _joint(text, a, b)
        if joint:  # X会同Y: X leads, Y shares, whatever role word follows
            left, right = list(_names(text, a, joint[0])), list(_names(text, joint[1], b))
            if left and right and all(_is_unit(text[x:y]) for x, y in left + right):
                found += [("lead", x, y) for x, y in pending + left]
                found += [("responsible", x, y) for x, y in right]
            elif strict:
                return []
            pending = []
            continue
        names = list(_names(text, a, b))
        units = [n for n in names if _is_unit(text[n[0]:n[1]])]
        if default is None and len(units) < len(names):
            if strict:
                return []
            if role:  # a role word after a non-unit (企业牵头) marks prose, not an owner
                pending = []
            continue
        for x, y in units:
            mark = _role_mark(text, x, y)
            if mark:
                found.append(mark)
            else:
                pending.append((x, y))
        if role:
            found += [(role, x, y) for x, y in pending]
            pending = []
    if pending and (default or found):  # unmarked tail: the field's role, else co-responsible
        found += [(default or "responsible", x, y) for x, y in pending]
    return found


def _role_mark(text: str, start: int, end: int) -> Found | None:
    """A unit marked with its role in a trailing bracket, 市教育局（牵头）: the role and the
    name without the mark."""
    m = _ROLE_MARK.search(text, start, end)
    if not m:
        return None
    role, cut = _role_word(text, *m.span(1))
    if role is None:
        role, cut = _bare_label_role(text, *m.span(1)), m.start(1)
    return (role, start, _strip(text, start, m.start())[1]) if role and cut == m.start(1) else None


def _role_word(text: str, start: int, end: int) -> tuple[str | None, int]:
    """The role a segment's trailing role word gives, and where the names before it end."""
    seg = text[start:end]
    for role, pattern in _vocabulary().ends:
        m = pattern.search(seg)
        if m:
            if role == "label":  # X为牵头单位
                return _label_role(m.group(1)), start + m.start()
            return role, start + m.start()
    return None, end


def _joint(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Where a depth-0 会同 stands in ``text[start:end]``."""
    for m in _vocabulary().joint.finditer(text, start, end):
        if _depth_at(text, start, m.start()) == 0:
            return m.span()
    return None


def _names(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Unit names in a segment: split at 、 and 等 at depth 0, then at connectors between two
    units (人民银行等部门 is 人民银行 and 部门; a trailing 等 names no one)."""
    for a, b in _split_top(text, start, end, "、/"):
        for a, b in _split_etc(text, a, b):
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


def _split_etc(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``X等`` → X; ``X等Y`` → X and Y when both are units (高等学校 stays whole)."""
    for m in _ETC.finditer(text, start, end):
        left, right = _strip(text, start, m.start()), _strip(text, m.end(), end)
        if _depth_at(text, start, m.start()) or not _is_unit(text[left[0]:left[1]]):
            continue
        if right[0] == right[1]:
            return [left]
        if _is_unit(text[right[0]:right[1]]):
            return [left, right]
    return [(start, end)]


def _is_unit(name: str) -> bool:
    name = _WS.sub("", name)
    return registry().is_unit(name) and not _vocabulary().role_noun.search(name)


def _is_known_unit(name: str) -> bool:
    """A unit the registry knows: prose asks more of a name than a clause does (综合处 looks like
    a unit, but a subject read as 此项工作仍由综合处 is a phrase)."""
    match = registry().match(name)
    return _is_unit(name) and match is not None and match.method != "fuzzy"


def duty_owners(text: str, start: int, end: int) -> list[Found]:
    """Owners named in the sentences of ``text[start:end]`` rather than in a clause: a unit
    subject the registry knows whose verb assigns the work (X负责…, X承担…职责, X作为…第一责任人,
    X要会同Y…), roles unresolved.  A subject with any other verb (X要加强…) is not an owner."""
    v = _vocabulary()
    found: list[Found] = []
    bounds = [start, *(m.end() for m in CLAUSE_SPLIT.finditer(text, start, end)), end]
    for a, b in zip(bounds, bounds[1:]):
        a, b = _strip(text, a, b)
        if prefix := v.subject_prefix.match(text, a, b):  # 由X负责…, 请X会同Y…
            a = prefix.end()
        verb = v.duty_verb.search(text, a, b)
        if not verb or verb.start() == a:
            continue
        subject_end = a + (m.start() if (m := v.modal_end.search(text[a:verb.start()]))
                           else verb.start() - a)
        subjects = list(_names(text, a, subject_end))
        if not subjects or not all(_is_known_unit(text[x:y]) for x, y in subjects):
            continue
        if verb.group("joint"):
            objects = _object_units(text, verb.end(), b)
            if objects:
                found += [("lead", x, y) for x, y in subjects]
                found += [("responsible", x, y) for x, y in objects]
        elif verb.group("named") or v.duty_object.search(text, verb.end(), b):
            found += [("named", x, y) for x, y in subjects]
    return found


def _object_units(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The units Y of a prose ``X会同Y…``: the longest list of units before the verb that ends
    in a name the registry knows (财政部、税务总局 of 财政部、税务总局确定…, 水利部、有关部门 of
    水利部等有关部门制定…)."""
    for cut in range(min(end, start + _MAX_OBJECT), start + 1, -1):
        names = list(_names(text, start, cut))
        if names and names[-1][1] == cut and _is_known_unit(text[names[-1][0]:cut]) \
                and all(_is_unit(text[a:b]) for a, b in names):
            return names
    return []


def _table_rows(plan: Plan) -> Iterator[tuple[int, int, list[Found]]]:
    """The owners of each row of a task division table (columns 牵头单位, 配合单位, 负责部门 …):
    ``(row start, row end, owners)``, roles unresolved."""
    for table in plan.tables:
        columns = [(i, role) for i, header in enumerate(table.header)
                   if (role := _column_role(header))]
        if not columns:
            continue
        for row in table.rows:
            found = [f for i, role in columns if i < len(row)
                     for f in _parse_field(plan.text, row[i].source.start, row[i].source.end,
                                           role)]
            if found and row:
                yield row[0].source.start, row[-1].source.end, found


def _column_role(header: str) -> str | None:
    header = _WS.sub("", header)
    return _bare_label_role(header, 0, len(header))


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
    """Extend a task's end over the owner lines that follow it: labelled (牵头单位：…) or a
    bracketed clause alone on its line (（X牵头，Y配合）)."""
    while end < limit:
        nl = text.find("\n", end)
        if nl < 0 or nl + 1 >= limit:
            break
        line_end = text.find("\n", nl + 1)
        line_end = min(limit, len(text) if line_end < 0 else line_end)
        if not _is_owner_line(text, nl + 1, line_end):
            break
        end = line_end
    return end


def _is_owner_line(text: str, start: int, end: int) -> bool:
    a, b = _strip(text, start, end)
    m = _LABEL.match(text, _skip_open(text, a, b), b)
    if m and _label_role(m.group(1)):
        return True
    groups = list(_bracket_groups(text, a, b))
    if groups and groups[0][0] == a + 1 and _bare_label_role(text, *groups[0]):
        return True  # 【责任单位】X
    return len(groups) == 1 and groups[0] == (a + 1, b - 1) and bool(parse_clause(text, *groups[0]))


def _skip_open(text: str, start: int, end: int) -> int:
    while start < end and (text[start] in _OPEN or text[start].isspace()):
        start += 1
    return start
