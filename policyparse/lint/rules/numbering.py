"""Numbering: skipped, repeated and out-of-order numbers, markers of the wrong family, caption
gaps and references to tables, figures and appendices that do not exist."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import regex

from ...model import Plan, Span
from ...structure.numbering import numbered_blocks
from ...text.markers import CAPTION, parse_marker
from ...text.numerals import numeral_value
from ...text.excerpts import excerpt
from ..registry import Rule, register


@dataclass(frozen=True)
class _Numbered:
    family: str
    value: int
    parent: str | None  # the enclosing heading (of a heading: its parent)
    span: Span
    after_prose: bool  # an unnumbered paragraph stands between it and the entry before


# Families whose numbers are no sequence of the outline: 附件 and 专栏 are numbered apart (NU003).
_UNSEQUENCED = frozenset({"appendix", "box"})


def numbered_entries(plan: Plan) -> list[_Numbered]:
    """Every numbered heading and item of the plan in reading order, with the family whose
    sequence it continues (a tolerated 3、 among 一、二、四、 continues 一、) and its section."""
    heads = {h.source.start: h for h in plan.headings}
    by_id = {h.id: h for h in plan.headings}
    out: list[_Numbered] = []
    section: str | None = None
    prose = False
    for e in numbered_blocks(plan):
        h = heads.get(e.block.start)
        if h is not None:
            section = h.id
            if h.value is not None and h.family not in _UNSEQUENCED:
                out.append(_Numbered(h.family, h.value, h.parent, h.source, prose))
        elif e.marker is not None and e.marker.value is not None and \
                e.marker.family not in _UNSEQUENCED:
            parent = section  # 九、 as an item after the heading 八、 is 八's sibling
            while parent is not None and by_id[parent].family != e.marker.family:
                parent = by_id[parent].parent
            parent = section if parent is None else by_id[parent].parent
            out.append(_Numbered(e.marker.family, e.marker.value, parent,
                                 plan.span(e.block.start, e.block.end), prose))
        prose = h is None and e.marker is None
    return out


def sequence_breaks(items: list[_Numbered]) -> Iterator[tuple[str, _Numbered | None, _Numbered]]:
    """``(kind, previous, item)`` for every break in numbering among siblings.

    Siblings are the entries of one family in one section.  A family restarts at one under each
    entry of a family above it (（1）（2） under each 1.) and after a paragraph of prose (a new
    list: 注：1.… after the numbered rows of a table); a first entry must be 1 or continue the
    family's previous run (1.–44. across sections, 第一条–第五十条 across chapters); a later one
    must follow its previous sibling.  ``kind``: gap, repeat, order, first."""
    last: dict[tuple[str | None, str], _Numbered] = {}  # (section, family) → last sibling
    run: dict[str, _Numbered] = {}  # family → its last entry anywhere
    order: dict[str | None, list[str]] = {}  # section → families in order of first appearance
    since: dict[tuple[str | None, str], set[str]] = {}  # families seen since a family's last
    for item in items:
        key = (item.parent, item.family)
        families = order.setdefault(item.parent, [])
        if item.family not in families:
            families.append(item.family)
        above = set(families[:families.index(item.family)])
        prev = last.get(key)
        if prev is not None and item.value == 1 and (item.after_prose or since[key] & above):
            prev = None  # a new list
        if prev is None:
            before = run.get(item.family)
            if item.value != 1 and (before is None or item.value != before.value + 1):
                yield "first", before, item
        elif item.value == prev.value:
            yield "repeat", prev, item
        elif item.value < prev.value:
            yield "order", prev, item
        elif item.value > prev.value + 1:
            yield "gap", prev, item
        for k, seen in since.items():
            if k[0] == item.parent:
                seen.add(item.family)
        last[key], run[item.family], since[key] = item, item, set()


_WHAT = {"gap": ("编号跳号", "number skipped"), "repeat": ("编号重复", "number repeated"),
         "order": ("编号顺序颠倒", "number out of order"),
         "first": ("编号未从一开始", "numbering does not start at one")}


@register
class NumberingSequence(Rule):
    """Flags headings and numbered tasks whose numbers skip, repeat, go backwards or do not start
    at one: ``第二章`` followed by ``第四章``, a ``第二节`` with no ``第一节``.

    为什么: a skipped or repeated number tells the reader that a part is missing or was moved
    without renumbering; cross-references (见第三章) then point to the wrong place.

    Bad:
        第一章 规划背景
        第二章 总体要求
        第四章 保障措施

    Good:
        第一章 规划背景
        第二章 总体要求
        第三章 保障措施
    """

    code = "NU001"
    name = "numbering-sequence"
    category = "numbering"
    message = "{what}：“{label}”{after}"
    message_en = "{what_en}: “{label}”{after_en}"

    def check(self, plan: Plan):
        for kind, prev, item in sequence_breaks(numbered_entries(plan)):
            what, what_en = _WHAT[kind]
            label = excerpt(item.span.text, _EXCERPT)
            after = f"（前一个为“{excerpt(prev.span.text, _EXCERPT)}”）" if prev else ""
            after_en = f" (after “{excerpt(prev.span.text, _EXCERPT)}”)" if prev else ""
            # the defect is the number after the break; the neighbour is the related place
            sources = [item.span] if prev is None else [item.span, prev.span]
            yield self.finding(plan, sources, what=what, what_en=what_en, label=label,
                               after=after, after_en=after_en)


_EXCERPT = 20


@register
class NumberingFamily(Rule):
    """Flags a heading numbered in a different style from its siblings: ``3、`` among ``一、``
    ``二、`` ``四、``, ``(2)`` among ``（一）`` ``（三）``, ``第5章`` among ``第四章`` ``第六章``.

    为什么: the numbering style marks the level of a heading; a stray style makes a chapter look
    like a sub-item and breaks the document's hierarchy.

    Bad:
        一、指导思想
        二、工作目标
        3、重点任务
        四、保障措施

    Good:
        一、指导思想
        二、工作目标
        三、重点任务
        四、保障措施
    """

    code = "NU002"
    name = "numbering-style"
    category = "numbering"
    message = "编号样式与同级标题不一致：“{label}”，同级使用“{usual}”"
    message_en = "numbering style differs from its siblings: “{label}”, siblings use “{usual}”"

    def check(self, plan: Plan):
        siblings: dict[tuple[int, str | None], list[tuple[tuple[str, str], str, Span]]] = \
            defaultdict(list)
        for h in plan.headings:
            m = parse_marker(h.source.text)
            # 附件 and 专栏 stand beside numbered chapters by design
            if m is not None and m.family not in _UNSEQUENCED:
                # the numerals' script is part of the style: 第5章 among 第四章 第六章
                script = "digits" if any(c.isdigit() for c in m.label) else "chinese"
                siblings[(h.level, h.parent)].append(((m.family, script), m.label, h.source))
        for group in siblings.values():
            families = Counter(f for f, _, _ in group)
            if len(families) < 2:
                continue
            usual, count = families.most_common(1)[0]
            if count < 2:
                continue
            example = next(label for f, label, _ in group if f == usual)
            for family, label, span in group:
                if family != usual:
                    yield self.finding(plan, [span], label=label, usual=example)


_REFERENCE = regex.compile(r"(?:见|如|详见|参见|（|\()\s*(?P<kind>图|表|附件)\s*"
                           r"(?P<n>[0-9]{1,3}|[一二三四五六七八九十]{1,3})(?![0-9.．])")


def _captions(plan: Plan) -> dict[str, list[tuple[int, Span]]]:
    found: dict[str, list[tuple[int, Span]]] = defaultdict(list)
    for b in plan.blocks:
        if b.kind == "table":
            continue
        text = plan.text[b.start:b.end]
        m = CAPTION.match(text)
        if m and m["kind"] in ("图", "表") and len(text) <= 60 and "。" not in text:
            found[m["kind"]].append((numeral_value(m["n"]), plan.span(b.start, b.end)))
        a = parse_marker(text)
        if a is not None and a.family == "appendix" and len(text) <= 60:
            found["附件"].append((a.value or 1, plan.span(b.start, b.end)))
    return found


@register
class CaptionSequence(Rule):
    """Flags figure and table captions whose numbers skip or repeat (``图1``, ``图2``, ``图4``).

    为什么: the text refers to figures and tables by number; a gap means one was removed or
    renumbered by hand, and references no longer match.

    Bad:
        表1 2020年核心指标
        表3 “十四五”核心指标

    Good:
        表1 2020年核心指标
        表2 “十四五”核心指标
    """

    code = "NU003"
    name = "caption-sequence"
    category = "numbering"
    message = "{kind}的编号不连续：“{label}”之后是“{next}”"
    message_en = "{kind} numbers are not consecutive: “{label}” is followed by “{next}”"

    def check(self, plan: Plan):
        for kind, items in _captions(plan).items():
            if kind == "附件":
                continue
            prev_n, prev_span = 0, None
            for n, span in items:
                if n is not None and n != prev_n + 1:
                    sources = [span] if prev_span is None else [prev_span, span]
                    yield self.finding(plan, sources, kind=kind,
                                       label=excerpt(prev_span.text, _EXCERPT) if prev_span else "（开头）",
                                       next=excerpt(span.text, _EXCERPT))
                prev_n, prev_span = n if n is not None else prev_n, span


@register
class MissingReference(Rule):
    """Flags references to a table, figure or appendix that the document does not contain
    (``见表3`` when there are only 表1 and 表2).

    为什么: a reader following the reference finds nothing; usually the item was cut or
    renumbered and the text was not updated.

    Bad:
        主要指标见表2。
        表1 核心指标

    Good:
        主要指标见表1。
        表1 核心指标
    """

    code = "NU004"
    name = "missing-reference"
    category = "numbering"
    message = "引用了不存在的{kind}{n}"
    message_en = "reference to {kind} {n}, which the document does not contain"

    def check(self, plan: Plan):
        captions = _captions(plan)
        if not captions:
            return  # a document without captions (a web copy, a text export) cannot be checked
        have = {(kind, n) for kind, items in captions.items() for n, _ in items}
        for m in _REFERENCE.finditer(plan.text):
            n = numeral_value(m["n"])
            if m["kind"] in captions and (m["kind"], n) not in have:
                yield self.finding(plan, [plan.span(m.start("kind"), m.end())],
                                   kind=m["kind"], n=n)
