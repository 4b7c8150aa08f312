"""The outline: which numbered blocks are headings, at what level, under which parent.

Levels come from the document itself, not from a fixed table: a numbering family takes, at its
first heading, the level below the heading it stands under (第X章 → 第X节 → 一、 → （一） in one
plan, 一、 → (一) in another) and keeps it.  Broken numbering therefore does not derail the rest:
a 第二节 without its 第一节, or a missing 第三章, leave the family levels as they are; and a number
of the wrong family standing where a sibling is expected (``3、`` among 一、二、四、) takes the
sibling's level when its value continues their sequence.  Word heading styles and PDF fonts are
not used: they come from a template, not from this document's outline (一、 is "Heading 3" in a
plan where it is the top level; a PDF sets every heading in the same bold face), and the
numbering alone gives the same outline for the txt, docx and pdf forms of a plan.

Which numbered blocks are headings follows the family's role (see :mod:`.numbering`): a bare
title line of 一、/（一） is a heading, while a numbered paragraph that carries its own text
(``（四）推进农机装备全产业链协同发展。支持…``) is an item; a ``1.`` line is a heading only when it
heads further numbered items.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice

from ..model import Heading, Plan
from ..pipeline import component
from ..text.markers import Marker, bare_title, first_clause
from .numbering import NumberedBlock, numbered_blocks
from .parts import part_kind

_LIST_ENTRY_END = ("；", ";", "，", ",", "、")


@dataclass
class _Open:
    heading: Heading
    family: str  # the family whose sequence it continues (a tolerated 3、 counts as 一、)
    index: int  # position in the block list


@component("outline")
def outline(plan: Plan) -> Plan:
    plan.headings = build_headings(numbered_blocks(plan), plan)
    return plan


def build_headings(entries: list[NumberedBlock], plan: Plan) -> list[Heading]:
    """The headings of ``plan`` in document order (one pass over the numbered blocks)."""
    headings: list[Heading] = []
    heading_entries: set[int] = set()  # indices of the entries that are headings
    stack: list[_Open] = []
    levels: dict[str, int] = {}  # family → level, fixed at its first heading
    last_seen: dict[str, tuple[int | None, int]] = {}  # family → (value, index), any role
    bare_appendix = any(e.marker and e.marker.family == "appendix" and not _listed(e)
                        for e in entries)
    for i, entry in enumerate(entries):
        m = entry.marker
        if m is None:
            continue
        title = bare_title(entry.text[m.title_start:])
        end = entry.block.end
        if title == "" and i + 1 < len(entries) and entries[i + 1].marker is None:
            # The marker stands alone (附件, or a label split from its title): the next line is
            # the title when it is one.
            nxt = entries[i + 1]
            nxt_title = bare_title(nxt.text)
            if nxt_title:
                title, end = nxt_title, nxt.block.end
        sibling = _tolerated_sibling(entries, i, m, title, stack, last_seen, heading_entries)
        if sibling is None and (_ends_a_list(entries, m, last_seen.get(m.family), stack) or
                                not _is_heading(entries, i, m, title, bare_appendix,
                                                {o.family for o in stack})):
            last_seen[m.family] = (m.value, i)
            continue
        family = sibling.family if sibling else m.family
        block = entry.block
        if family == "appendix":  # an appendix starts an outline of its own
            level, stack, levels = 1, [], {}
        elif family == "box":  # a box sits in whatever section holds it
            level = stack[-1].heading.level + 1 if stack else 1
        elif family in levels:
            level = levels[family]
        else:
            level = levels[family] = stack[-1].heading.level + 1 if stack else 1
        while stack and stack[-1].heading.level >= level:
            stack.pop()
        if title is None:  # a chapter line that runs on: its first clause
            title = first_clause(entry.text[m.title_start:])
        heading = Heading(id=f"h{len(headings) + 1}", level=level, label=m.label,
                          family=family, value=m.value, title=title,
                          parent=stack[-1].heading.id if stack else None,
                          source=plan.span(block.start, end))
        headings.append(heading)
        stack.append(_Open(heading, family, i))
        heading_entries.add(i)
        last_seen[m.family] = last_seen[family] = (m.value, i)
    return headings


def _ends_a_list(entries: list[NumberedBlock], m: Marker, prev: tuple[int | None, int] | None,
                 stack: list[_Open]) -> bool:
    """Whether ``m`` is the last entry of a list whose entries end with ；or ，: （四）其他事项。
    after （三）…； is an item like its siblings, though it reads like a title."""
    return m.role != "heading" and prev is not None and m.value is not None and \
        prev[0] == m.value - 1 and (not stack or prev[1] > stack[-1].index) and \
        entries[prev[1]].text.endswith(_LIST_ENTRY_END)


def _is_heading(entries: list[NumberedBlock], i: int, m: Marker, title: str | None,
                bare_appendix: bool, open_families: set[str]) -> bool:
    if m.role == "item":
        return False
    if m.family == "appendix":
        # 附件：名单 at the end of the body lists the attachments; the appendix itself opens with
        # a bare 附件 line (or 附件1：, when the list is 附件：1.… 2.…).  Without such a line the
        # listed form is the only heading there is.
        numbered_later = m.value is None and any(
            e.marker and e.marker.family == "appendix" and e.marker.value is not None
            for e in islice(entries, i + 1, None))
        return not (numbered_later or bare_appendix and _listed(entries[i]))
    if m.role == "heading":
        return True
    if entries[i].run_in and part_kind(title or ""):
        return False  # （三）基本原则。一是…二是…: a preamble unit, its run-in items no sections
    if title is not None and m.role == "structural":
        # A one-sentence item (（二十）财税部门应落实优惠政策。) followed at once by a sibling or a
        # higher heading has nothing beneath it: no heading.
        if not entries[i].text.endswith("。"):
            return True
        if i + 1 < len(entries) and entries[i + 1].marker is None:
            return True  # text beneath it
        return _heads_items(entries, i, m, open_families)
    # A run-in paragraph (（二）成立办公室。…) or a nesting label (1., （1）, ①): a heading when it
    # heads further items.
    return _heads_items(entries, i, m, open_families)


def _heads_items(entries: list[NumberedBlock], i: int, m: Marker, open_families: set[str]) -> bool:
    """Whether numbered items stand beneath entry ``i``: the next numbered entry is of a family
    not open above it, and no paragraph that introduces run-in items of its own (…存在问题：
    一是…二是…) stands between."""
    for e in islice(entries, i + 1, None):
        if e.marker is not None:
            return e.marker.family != m.family and e.marker.family not in open_families and \
                e.marker.role in ("item", "nesting")
        if e.run_in:
            return False
    return False


def _tolerated_sibling(entries: list[NumberedBlock], i: int, m: Marker, title: str | None,
                       stack: list[_Open], last_seen: dict, heading_entries: set[int]
                       ) -> _Open | None:
    """The open heading whose sequence a wrong-family number continues (3、 after 二、), if any.

    It must be a bare title, its value must follow the open heading's, its own family must not
    be continuing a list of its own, and the next title of the open heading's family (if any)
    must carry on from it (二、 3、 四、)."""
    if title is None or m.value is None or m.value < 2 or m.role not in ("structural", "nesting") \
            or any(o.family == m.family for o in stack):
        return None
    for open_ in reversed(stack):
        prev = last_seen.get(open_.family)
        if prev is None or prev[0] != m.value - 1:
            continue
        own = last_seen.get(m.family)
        if own is not None and own[0] == m.value - 1 and (
                own[1] > open_.index or own[1] in heading_entries):
            return None  # its own family's list, or its headings running on (（二） … 二、 （三）)
        for e in islice(entries, i + 1, None):
            if e.marker and e.marker.family == open_.family and \
                    bare_title(e.text[e.marker.title_start:]) is not None:
                return open_ if e.marker.value == m.value + 1 else None
        return open_
    return None


def _listed(entry: NumberedBlock) -> bool:
    """附件：… (with a colon) lists an attachment; a bare 附件 line opens one."""
    head = entry.text[:entry.marker.title_start]
    return ":" in head or "：" in head
