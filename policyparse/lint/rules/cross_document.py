"""Cross-document rules: documents of the same place that disagree with each other.

Plans are grouped by their region (``meta.region``).  A finding belongs to one document and its
sources are spans of that document; the other document's statements are its ``related`` places
(reporters link them: SARIF relatedLocations, the other Word copy's comments, the HTML report)
and are also named in the message with file, line and text, for readers of plain text.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Sequence
from itertools import permutations
from typing import TypeVar

import regex

from ...text.clauses import clause_bounds
from ...model import Fact, Plan, Span, Target
from ...structure.agencies import canonical
from ..registry import Rule, register
from .already_met import goals
from .figures import Cite, agree, family, keyed, measure, reported, same, value, when

T = TypeVar("T")


def _read_paired(plans: Sequence[Plan], read: Callable[[Plan], T]
                 ) -> tuple[list[tuple[Plan, Plan]], dict[str, T]]:
    """The pairs of :func:`same_place`, and ``read`` of each plan in one: a plan without a
    counterpart need not be read (on a plan with 50,000 unit names it takes seconds)."""
    pairs = list(same_place(plans))
    paired = {p.document: p for pair in pairs for p in pair}
    return pairs, {doc: read(p) for doc, p in paired.items()}


def same_place(plans: Sequence[Plan]) -> Iterator[tuple[Plan, Plan]]:
    """Ordered pairs of distinct documents of the same region."""
    for a, b in permutations(plans, 2):
        if a.meta.region and a.meta.region == b.meta.region and a.document != b.document:
            yield a, b


@register
class CrossDocumentFigures(Rule):
    """Flags a goal or a reported figure that another document of the same place states
    differently: the same measure with another value for the same year, a lower goal for a
    later year (15% by 2025 in one plan, 13% by 2027 in the next), a goal already exceeded by
    what the other document reports (质押融资总额2亿元 by 2025, while 5亿元 is reported for 2023).

    为什么: plans of one county are read together by the people who carry them out and by the
    province that assesses them; figures that move backwards or contradict each other between
    documents undermine both.

    Bad:
        (two plans of 某县: 到2025年高新技术产业增加值占比达到15%; 到2027年…达到13%)

    Good:
        (the later plan keeps the goal at 15% or above, or says why it was lowered)
    """

    code = "XD001"
    name = "cross-document-figures"
    category = "cross-document"
    severity = "warning"
    cross_document = True
    message = "与同地区另一文件不一致：{this}；而{other}{why}"
    message_en = "disagrees with another document of the same place: {this}; {other}{why}"

    def check_many(self, plans: Sequence[Plan]):
        for a, b in same_place(plans):
            yield from self._targets(a, b)
            yield from self._met(a, b)
            yield from self._facts(a, b)

    def _say(self, plan: Plan, other: Plan, item, others, why_zh: str, why_en: str):
        mine, theirs = Cite(plan, self.lang), Cite(other, self.lang)
        return self.finding(plan, [item.source], related=[(other, o.source) for o in others],
                            this=mine.figure(item),
                            other=theirs.listing(others, theirs.elsewhere),
                            why=why_zh if self.lang == "zh" else why_en)

    def _targets(self, plan: Plan, other: Plan):
        """``plan``'s goal against ``other``'s goals of the same measure: a different value for
        the same year (reported once, on the first of the pair), or a lower one for a later year."""
        theirs: dict[tuple, list[Target]] = {}  # by measure, looked up for each goal
        for o in goals(other):
            theirs.setdefault((measure(o), family(o), o.kind), []).append(o)
        first = plan.document < other.document
        for t in goals(plan):
            peers = theirs.get((measure(t), family(t), t.kind), [])
            clash = [o for o in peers if o.deadline == t.deadline and not agree(o, t)]
            if clash and first:
                yield self._say(plan, other, t, clash, "，同一年份目标值不同",
                                ", a different goal for the same year")
            higher = [o for o in peers if o.deadline < t.deadline and value(t) < value(o)
                      and not agree(t, o)]
            if higher:
                yield self._say(plan, other, t, higher, "，期限更晚的目标反而更低",
                                ", a lower goal for a later year")

    def _met(self, plan: Plan, other: Plan):
        """``plan``'s goal at or below every figure ``other`` reports for it in the latest year
        before the deadline; when the other document's own figures disagree (one above the goal,
        one below) its conflict rule reports that, not this one."""
        facts: dict[tuple, list[Fact]] = {}
        for f in keyed(other.facts):
            facts.setdefault((measure(f), family(f)), []).append(f)
        for t in goals(plan):
            mine = reported(facts.get((measure(t), family(t)), []), t)
            if not mine:
                continue
            year = max(when(f)[0] for f in mine)
            latest = [f for f in mine if when(f)[0] == year]
            if all(value(t) < value(f) or same(value(t), value(f)) for f in latest):
                yield self._say(plan, other, t, latest, "，目标不高于另一文件已报告的现状",
                                ", already reached by what the other document reports")

    def _facts(self, plan: Plan, other: Plan):
        """The same measure reported for the same date with different values (on the first)."""
        if plan.document > other.document:
            return
        theirs: dict[tuple, list[Fact]] = {}
        for o in keyed(other.facts):
            if o.as_of:
                theirs.setdefault((o.as_of, measure(o), family(o)), []).append(o)
        for f in keyed(plan.facts):
            clash = [o for o in theirs.get((f.as_of, measure(f), family(f)), [])
                     if not agree(o, f)]
            if f.as_of and clash:
                yield self._say(plan, other, f, clash, "，同一时点数据不同",
                                ", a different figure for the same date")


# Who heads the leading group: 组长由县人民政府县长担任, 以县政府分管副县长为组长,
# 县政府办副主任和县科技局局长为副组长, 组  长:县人民政府县长.
_ROLE = r"(?P<role>(?<!副)组\s*长|副组\s*长)"
_HOLDER = r"(?P<who>[^，。；：,;:\n]{2,40}?)"
_ROLES = [regex.compile(p) for p in (
    rf"{_ROLE}由{_HOLDER}(?:兼任|担任|出任)",
    rf"以{_HOLDER}为{_ROLE}",
    rf"(?:^|(?<=[，。；,;\n]))(?!以){_HOLDER}(?:为|任){_ROLE}",
    rf"(?m)^{_ROLE}\s*[:：]\s*{_HOLDER}\s*$")]
_SPLIT = regex.compile(r"和|、|及|与")
_CONTRACT = [("人民政府", "政府"), (" ", ""), ("\u3000", "")]


def roles(plan: Plan) -> dict[str, tuple[frozenset[str], list[Span]]]:
    """``{"组长": (holders, spans), "副组长": …}`` as the plan states them."""
    found: dict[str, tuple[set[str], list[Span]]] = {}
    taken: list[tuple[int, int]] = []  # the first pattern to read a stretch wins; in order
    cited: set[tuple[str, int]] = set()
    for pattern in _ROLES:
        for m in pattern.finditer(plan.text):
            at = bisect.bisect_left(taken, m.span())
            if any(s < m.end() and m.start() < e for s, e in taken[max(0, at - 1):at + 1]):
                continue
            taken.insert(at, m.span())
            role = regex.sub(r"\s", "", m["role"])
            holders, spans = found.setdefault(role, (set(), []))
            for who in _SPLIT.split(m["who"]):
                for old, new in _CONTRACT:
                    who = who.replace(old, new)
                if who:
                    holders.add(who)
            lo, hi = clause_bounds(plan.text, m.start(), m.end())
            if (role, lo) not in cited:
                cited.add((role, lo))
                spans.append(plan.span(lo, hi))
    return {role: (frozenset(h), sorted(s, key=lambda x: x.start))
            for role, (h, s) in found.items()}


@register
class LeadingGroupMismatch(Rule):
    """Flags documents of the same place that name different heads or deputy heads for the
    leading group (领导小组组长/副组长).

    为什么: who leads the group is who answers for the plan; two documents of one county that
    disagree on it (县长 in one, 分管副县长 in the other) leave the responsibility unclear.

    Bad:
        (one plan: 组长由县人民政府县长担任; another of the same county: 成立以分管副县长为组长的领导小组)

    Good:
        (both plans name the same 组长, or the later one says the group was reorganised)
    """

    code = "XD002"
    name = "leading-group-mismatch"
    category = "cross-document"
    severity = "warning"
    cross_document = True
    message = "领导小组{role}与同地区另一文件不一致：本文件为{mine}，{other}为{theirs}"
    message_en = ("the leading group's {role} differs from another document of the same place: "
                  "{mine} here, {theirs} in {other}")

    def check_many(self, plans: Sequence[Plan]):
        pairs, stated = _read_paired(plans, roles)
        for a, b in pairs:
            if a.document > b.document:
                continue  # one finding per pair of documents
            for role, (mine, spans) in stated[a.document].items():
                theirs = stated[b.document].get(role)
                if theirs and mine != theirs[0]:
                    yield self.finding(a, spans, related=[(b, s) for s in theirs[1]],
                                       role=role, mine="、".join(sorted(mine)),
                                       theirs="、".join(sorted(theirs[0])), other=b.document)



# A unit named in the text: 县科技和经信局, 县科学技术局局长 → 县科学技术局, after a list separator.
_UNIT = regex.compile(r"(?m)(?:^|(?<=[、，,：:；;（(\s]))[市县区][\p{Han}]{1,12}?(?:局|委员会|委|办)")


def functions(name: str) -> frozenset[str]:
    """The functions of government a unit carries, by the agency registry: one for most units;
    for a merged bureau whose name joins two known bureaus with 和 (科技和经信局 = 科技局 +
    经信局), both.  A name such as 文化和旅游局, whose halves are not bureaus of their own in the
    registry, is one function."""
    whole = canonical(name)
    core = name[1:]
    if "和" in core:
        head, tail = core.split("和", 1)
        parts = {canonical(head + tail[-1]), canonical(tail)}
        if None not in parts and len(parts) > 1:
            return frozenset(p.split(":")[-1] for p in parts)
    return frozenset({whole.split(":")[-1]}) if whole else frozenset()


def units(plan: Plan) -> dict[str, list[Span]]:
    """Every unit the plan names, with where."""
    found: dict[str, list[Span]] = {}
    for m in _UNIT.finditer(plan.text):
        found.setdefault(m.group(), []).append(plan.span(m.start(), m.end()))
    return found


@register
class AgencyNameMismatch(Rule):
    """Flags a merged bureau in one document (县科技和经信局) whose functions another document of
    the same place gives to separate bureaus (县科学技术局, 县经济和信息化局).

    为什么: a unit that exists in one document and not in the other cannot be held to its tasks;
    one of the documents names a structure that is outdated (or not yet in place).

    Bad:
        (one plan: 成员为县发改局、县科技和经信局; another of the same county: 成员: 县科学技术局局长、县经济和信息化局局长)

    Good:
        (both plans name the bureaus as they are now)
    """

    code = "XD003"
    name = "agency-name-mismatch"
    category = "cross-document"
    severity = "info"
    cross_document = True
    message = "本文件的“{unit}”在{other}中分为{separate}，机构名称须与现行机构一致"
    message_en = ("“{unit}” here is split into {separate} in {other}; the unit names must match "
                  "the current structure")

    def check_many(self, plans: Sequence[Plan]):
        pairs, named = _read_paired(plans, units)
        for a, b in pairs:
            theirs = {name: functions(name) for name in named[b.document]}
            for name, spans in named[a.document].items():
                merged = functions(name)
                if len(merged) < 2 or name in theirs:
                    continue
                # Each function of the merged bureau sits in a unit of the other plan that does
                # not carry them all.
                holders = [sorted(n for n, fs in theirs.items() if f in fs and not merged <= fs)
                           for f in sorted(merged)]
                if all(holders):
                    separate = dict.fromkeys(h[0] for h in holders)
                    yield self.finding(a, spans, related=[(b, named[b.document][n][0])
                                                          for n in separate],
                                       unit=name, other=b.document,
                                       separate="、".join(f"“{n}”" for n in separate))
