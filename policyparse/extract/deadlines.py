"""Dates and periods in plans, and what they make of a goal's deadline or a fact's date.

:func:`find_dates` finds years and months (``2023年``, ``2024年10月``, ``2025年底``), deadlines
(``到2027年``, ``2025年前``), as-of dates (``截至2024年10月``, ``截止2023年底``), periods since
(``2023年以来``), phases (``2024年1月-2024年5月``, ``2024—2026年``), five-year plans
(``“十四五”期间`` → 2021–2025), months of the plan's own year (``5月底``), the plan period
(``建设期内``, ``三年示范期``), per-year markers (``每年``, ``年均``) and spans back from now
(``近3年来``).  :func:`resolve_deadline` and :func:`as_of` read the mentions before a figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

import regex

from ..text.clauses import CLAUSE_SPLIT as _CLAUSE_STOP
from ..text.numerals import TO_ASCII, chinese_value, five_year_plan
from .cues import cue_pattern, cues
from .numbers import find_quantities
from ..data import alternation

Kind = Literal["point", "by", "as-of", "since", "range", "fyp", "month", "plan-period",
               "per-year", "recent"]


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int
    end: int
    written: str
    kind: Kind
    year: int | None = None
    month: int | None = None
    end_year: int | None = None
    end_month: int | None = None
    comparison: bool = False
    """Written after 比/较/与: the base of a comparison (比2016年增长197%)."""


_Y = "[12１２][0-9０-９]{3}"
_M = "[0-9０-９]{1,2}"
_NO_DIGIT = "(?<![0-9０-９])"
_SEP = "[-－—–~～至到]"


@cache
def _patterns() -> tuple[regex.Pattern, regex.Pattern, regex.Pattern]:
    words = cues()["dates"]

    def any_of(key: str) -> str:
        return alternation(words[key], literal=False)

    mention = regex.compile(
        rf"{_NO_DIGIT}(?P<ry1>{_Y})(?:年(?:(?P<rm1>{_M})月)?)?[ ]?{_SEP}[ ]?"
        rf"(?:(?P<ry2>{_Y})年?(?:(?P<rm2>{_M})月)?|(?P<rm2>{_M})月)(?![0-9０-９])"
        rf"|{_NO_DIGIT}(?P<iy>{_Y})-(?P<im>{_M})-{_M}(?![0-9０-９])"
        rf"|[“\"]?(?<![一二三四五六七八九十])十(?P<fyp>[一二三四五])五[”\"]?"
        rf"(?P<fq>期间|时期|期末|末|以来)?"
        rf"|(?:(?P<asof>{any_of('as_of')})|(?P<by>{any_of('by')}))?[ ]?{_NO_DIGIT}(?P<y>{_Y})[ ]?年"
        rf"(?:(?P<m>{_M})月份?)?(?P<yend>{any_of('year_end')})?"
        rf"(?:(?P<before>{any_of('before')})|(?P<since>{any_of('since')}))?"
        rf"|(?<![0-9０-９年])(?P<mo>{_M})月(?:底|末|初|中旬|上旬|下旬)?"
        rf"|(?P<plan>{any_of('plan_period')})"
        rf"|(?P<recent>{any_of('recent')})"
        rf"|(?P<per>{cue_pattern('flags', 'per_year').pattern})")
    comparison = regex.compile(rf"(?:{alternation(words['comparison'])})[ ]?\Z")
    change = regex.compile(alternation(words["change"]))
    return _guarded(mention), comparison, change


# Characters a class such as [^，], \s, \d or \p{Han} would let in where the source does not
# name them.
_PROBES = ("\x00", "a", "\u3000", "٣", "中")


def _guarded(pattern: regex.Pattern) -> regex.Pattern:
    """``pattern`` behind a lookahead for the two characters a match can start with.

    The engine tries every alternative at every position; a lookahead of character pairs first
    lets it skip most positions (ten times faster here).  The pairs are found by asking, of each
    character of the pattern's source and each digit, whether a match can begin with it, and then
    with it and each second one (a partial match).  Where another character could come (a
    :data:`_PROBES` one can), any is let through: the pattern as it is, or any second one."""
    candidates = set(pattern.pattern) | set("0123456789０１２３４５６７８９")

    def following(prefix: str) -> str | None:
        if any(pattern.match(prefix + c, partial=True) for c in _PROBES):
            return None
        return "".join(sorted(c for c in candidates if pattern.match(prefix + c, partial=True)))

    lead = following("")
    if lead is None:
        return pattern
    by_second: dict[str | None, str] = {}  # the characters a match can start with, by seconds
    for c in lead:
        second = None if pattern.fullmatch(c) else following(c)
        by_second[second] = by_second.get(second, "") + c
    pairs = "|".join(f"[{regex.escape(first)}]" + (f"[{regex.escape(second)}]" if second else "")
                     for second, first in by_second.items())
    return regex.compile(f"(?=(?:{pairs}))(?:{pattern.pattern})")


def find_dates(text: str, offset: int = 0) -> list[DateMention]:
    """Every date mention in ``text``, in order; spans are ``text`` positions plus ``offset``."""
    mention, comparison, _ = _patterns()
    found = []
    for m in mention.finditer(text):
        fields = _read(m)
        if fields is None:
            continue
        base = bool(comparison.search(text, max(0, m.start() - 3), m.start()))
        found.append(DateMention(start=m.start() + offset, end=m.end() + offset,
                                 written=m.group(), comparison=base, **fields))
    return found


def _read(m: regex.Match) -> dict | None:
    if m["ry1"]:
        year, end_year = _int(m["ry1"]), _int(m["ry2"]) if m["ry2"] else _int(m["ry1"])
        if not (_year(year) and _year(end_year)) or end_year < year:
            return None
        return dict(kind="range", year=year, month=_month(m["rm1"]), end_year=end_year,
                    end_month=_month(m["rm2"]))
    if m["iy"]:
        return _dated("point", m["iy"], m["im"])
    if m["fyp"]:
        first, last = five_year_plan(chinese_value("十" + m["fyp"]))
        kind = "since" if m["fq"] == "以来" else "fyp"
        return dict(kind=kind, year=first, end_year=last)
    if m["y"]:
        kind = ("since" if m["since"] else "as-of" if m["asof"]
                else "by" if m["by"] or m["before"] else "point")
        fields = _dated(kind, m["y"], m["m"])
        if fields and m["yend"] and fields["month"] is None:
            fields["month"] = 12  # 2023年底 is December
        return fields
    if m["mo"]:
        month = _month(m["mo"])
        return dict(kind="month", month=month) if month else None
    kind = "plan-period" if m["plan"] else "recent" if m["recent"] else "per-year"
    return dict(kind=kind)


def _dated(kind: Kind, year: str, month: str | None) -> dict | None:
    y = _int(year)
    return dict(kind=kind, year=y, month=_month(month)) if _year(y) else None


def _int(digits: str) -> int:
    return int(digits.translate(TO_ASCII))


def _year(y: int) -> bool:
    return 1900 <= y <= 2099


def _month(digits: str | None) -> int | None:
    if digits is None:
        return None
    month = _int(digits)
    return month if 1 <= month <= 12 else None


def resolve_deadline(clause_before: str, period: tuple[int | None, int | None],
                     issued: str | None = None) -> tuple[int | None, str]:
    """The year a goal is due, from the text before it, and how that was inferred.

    In order of strength: a year written as a deadline or date (``explicit``: 到2027年, 2025年底,
    2027年实现…), a phase's end (``phase``), a five-year plan's end (``fyp``), a month in the
    year of issue (``issued+month``: 5月底完成; ``period+month`` in the plan's first year when
    the issue date is unknown), then the plan period's end (``period-end``:
    建设期内 or nothing said; ``per-year``: 每年…), else, for a document with no period, its
    year of issue (``issued``).  Within one strength the nearest wins.
    Comparison bases (较2020年), as-of and since dates, and years before the plan began are
    baselines, not deadlines.  ``(None, "unknown")`` when nothing gives a year."""
    start, end = period
    issued_year = int(issued[:4]) if issued and issued[:4].isdigit() else None
    floor = start or issued_year
    best: tuple[int, int | None, str] | None = None  # strength, year, basis
    for d in find_dates(clause_before):
        found = _deadline(d, end, issued_year, floor)
        if found and (best is None or found[0] <= best[0]):
            best = found
    if best and best[1] is not None:
        return best[1], best[2]
    if end:
        return end, "period-end"
    # A document with no period (a notice, a one-off programme) aims within its year of issue.
    return (issued_year, "issued") if issued_year else (None, "unknown")


def _deadline(d: DateMention, end: int | None, issued_year: int | None,
              floor: int | None) -> tuple[int, int | None, str] | None:
    if d.comparison:
        return None
    if d.kind in ("by", "point"):
        return None if floor and d.year < floor else (0, d.year, "explicit")
    if d.kind == "range":
        return 1, d.end_year, "phase"
    if d.kind == "fyp":
        return 2, d.end_year, "fyp"
    if d.kind == "month":
        return (3, issued_year, "issued+month") if issued_year else (3, floor, "period+month")
    if d.kind == "plan-period":
        return 4, end, "period-end"
    if d.kind == "per-year":
        return 5, end, "per-year"
    return None  # as-of, since, recent: the past


def as_of(clause_before: str) -> str | None:
    """The date a fact holds at (``YYYY`` or ``YYYY-MM``), from the text before its figure.

    The nearest date decides: 截至2024年10月 → 2024-10, 截止2023年底 → 2023-12, 截止2024年 and
    2023年 → 2024/2023, “十三五”期间 → 2020.  A period up to now (2023年以来, 近3年来) or a
    recurring one (每年) has no date.  A comparison base counts only for its own figure
    (比2016年的总量27件 → 2016), not for a change from it (比2016年增长197%)."""
    _, _, change = _patterns()
    for d in reversed(find_dates(clause_before)):
        if d.comparison and change.search(clause_before, d.end):
            continue
        if _dates_another(clause_before, d):
            continue
        if d.kind in ("as-of", "point", "by"):
            return _iso(d.year, d.month)
        if d.kind == "range":
            return _iso(d.end_year, d.end_month)
        if d.kind == "fyp":
            return _iso(d.end_year, None)
        return None
    return None


def _dates_another(text: str, d: DateMention) -> bool:
    """``d`` is attributive to a figure before the end of ``text``: 将2016年实施的24项措施调整为30项
    dates the 24, not the 30."""
    after = text[d.end:]
    figure = next(iter(find_quantities(after)), None)
    if figure is None:
        return False
    between = after[:figure.start]
    return "的" in between and not _CLAUSE_STOP.search(between)


def _iso(year: int | None, month: int | None) -> str | None:
    if year is None:
        return None
    return f"{year}-{month:02d}" if month else str(year)
