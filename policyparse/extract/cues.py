"""What kind of goal a quantity states, read from the clause around it (``data/cues.toml``).

:func:`classify` gives the comparator (``>=`` 达到/突破/不少于, ``<=`` 以内/缩短至 and time limits
such as 1年内, ``range``, ``=`` for money committed: 投资500万元, and for counts of listed or single
things: 选择甲、乙、丙3个城市, 建设1支队伍), the kind (``growth_rate`` 增长N%, ``share`` other
percentages, ``increment`` 新增/增加, ``count`` events and things to do, ``level`` a stock to
reach) and the flags ``cumulative`` (累计) and ``per_year`` (每年/年均/年度/年质押…).  Cues are
looked for in the clause segment before the quantity (after the last ，；。：), nearest first,
so that one clause's 年均增长 does not leak into the next figure.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import regex

from ..text.clauses import CLAUSE_SPLIT
from .numbers import Quantity
from .units import lookup, vocabulary
from ..data import alternation, load as load_data


class Classification(NamedTuple):
    comparator: str
    kind: str
    cumulative: bool
    per_year: bool


@cache
def cues() -> dict[str, dict[str, list[str]]]:
    return load_data("cues.toml")


@cache
def cue_pattern(table: str, *keys: str) -> regex.Pattern:
    """One pattern over the cues of ``table`` (all keys unless given), each key a named group;
    longest first, so that 不超过 is found before 超过 and 组织实施 before 组织."""
    groups = []
    for key, words in cues()[table].items():
        if keys and key not in keys:
            continue
        groups.append(f"(?P<{_group(key)}>{alternation(words, literal=False)})")
    return regex.compile("|".join(groups))


def _group(key: str) -> str:
    return {">=": "ge", "<=": "le", "=": "eq"}.get(key, key)


_COMPARATORS = {"ge": ">=", "le": "<=", "eq": "="}
# At least three items listed by 、和及 right before a figure: the figure counts them.
_LISTED = regex.compile(r"(?r)(?:[^、，,；;：:。和及\s]{1,12}[、和及]){2,}[^、，,；;：:。和及\s]{1,12}\Z")


def nearest(pattern: regex.Pattern, text: str) -> regex.Match | None:
    """The last match of ``pattern`` in ``text`` (the cue nearest to what follows)."""
    last = None
    for last in pattern.finditer(text):
        pass
    return last


def segment_before(clause: str, end: int) -> str:
    """The clause segment that ends at ``end``: from the last ，；。：or line break before it.

    A figure that opens its segment shares the verb of the one before (每年发布1个宣传片，5条以上
    小视频), so then the segment before is taken too."""
    # The last two stops, searched backwards: a long sentence is not listed again per figure.
    last_two = [m.end() for _, m in zip(range(2), _CLAUSE_STOP_BACKWARDS.finditer(clause, 0, end))]
    start = last_two[0] if last_two else 0
    if not clause[start:end].strip() and len(last_two) > 1:
        start = last_two[1]
    return clause[start:end]


_CLAUSE_STOP_BACKWARDS = regex.compile(CLAUSE_SPLIT.pattern, regex.REVERSE)


DURATIONS = frozenset({"month", "day", "hour"})
"""Unit families of a length of time (how long, not how much)."""


def time_limit(text: str, q: Quantity, offset: int = 0) -> bool:
    """``q`` is a time limit: a duration followed by 内 (1年内, 2—3年之内, 7个工作日以内); ``text``
    starts at ``offset`` in the text that ``q``'s span indexes."""
    if q.unit_family not in DURATIONS:
        return False
    return any(w.endswith("内") for w in q.bound) or \
        text[q.end - offset:].lstrip(" ").startswith("内")


def classify(clause: str, q: Quantity, offset: int = 0) -> Classification:
    """Classify ``q``, found in ``clause``; ``clause`` starts at ``offset`` in the text that
    ``q``'s span indexes."""
    before = segment_before(clause, q.start - offset)
    flags = cue_pattern("flags")
    flagged = _without_base(before) if q.unit_family == "percent" else before
    comparator = "range" if q.value_max is not None else \
        "<=" if time_limit(clause, q, offset) else _comparator(clause, before, q, offset)
    return Classification(
        comparator=comparator, kind=_kind(before, q),
        cumulative=any(m.lastgroup == "cumulative" for m in flags.finditer(before)),
        per_year=any(m.lastgroup == "per_year" for m in flags.finditer(flagged)))


def _without_base(before: str) -> str:
    """``before`` without the base of the share that follows (from the last cue to the last 的):
    its flags are the base's, not the share's (按照…年度采购总量的60%, but 每年…经费不低于…
    支出的0.1% is a share each year)."""
    de = before.rfind("的")
    if de < 0:
        return before
    cue = nearest(cue_pattern("comparator"), before[:de])
    return before[:cue.end() if cue else 0] + before[de:]


def _comparator(clause: str, before: str, q: Quantity, offset: int) -> str:
    after_words = vocabulary().adjacent["bound_after"]
    table = cues()["comparator"]
    for word in q.bound:  # a bound word written right after the number decides: 5家以上
        if word in after_words:
            return next(c for c, words in table.items() if word in words)
    cue = None
    for m in cue_pattern("comparator").finditer(before):
        if m.group() in after_words:  # 省级以上… before the number qualifies something else
            continue
        if m.lastgroup == "eq" and q.unit_family != "money":
            continue
        cue = m
    if cue:
        return _COMPARATORS[cue.lastgroup]
    return "=" if not (q.bound or q.approx) and _exact_count(clause, before, q, offset) else ">="


def _exact_count(clause: str, before: str, q: Quantity, offset: int) -> bool:
    """A number of named or single things is a commitment, not a threshold: 选择北京、天津、
    上海…11个城市 (the listed ones), 建设1支…队伍 (one, with no bound word in its clause)."""
    if _LISTED.search(before):
        return True
    if q.value != 1 or not cue_pattern("exact", "single").search(before):
        return False
    rest = CLAUSE_SPLIT.split(clause[q.end - offset:], 1)[0]
    return not cue_pattern("comparator", ">=", "<=").search(rest)


def _kind(before: str, q: Quantity) -> str:
    if q.unit_family == "percentage-point":
        return "increment"
    if q.unit_family in DURATIONS:
        return "level"  # 在2—3年内调整到位: a length of time to keep within
    if q.unit_family == "percent":
        cue = nearest(cue_pattern("kind", "growth_rate", "level"), before)
        return "growth_rate" if cue and cue.lastgroup == "growth_rate" else "share"
    if cue_pattern("kind", "increment").search(before):
        return "increment"
    unit = lookup(q.unit)
    if unit is not None and unit.name in cues()["kind"]["event_units"]:
        return "count"
    cue = nearest(cue_pattern("kind", "count", "level"), before)
    if cue is None:  # 案例1至3个: a range of things is a number to deliver, not a stock
        return "count" if q.value_max is not None else "level"
    return cue.lastgroup
