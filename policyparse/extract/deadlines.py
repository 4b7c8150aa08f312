"""Dates and periods in plans, and what they make of a goal's deadline or a fact's date.

:func:`find_dates` finds years and months (``2023年``, ``2024年10月``, ``2025年底``), deadlines
(``到2027年``, ``2025年前``), as-of dates (``截至2024年10月``, ``截止2023年底``), periods since
(``2023年以来``), phases (``2024年1月-2024年5月``, ``2024—2026年``), five-year plans
(``“十四五”期间`` → 2021–2025), months of the plan's own year (``5月底``), the plan period
(``建设期内``, ``三年示范期``), per-year markers (``每年``, ``年均``) and spans back from now
(``近3年来``).  :func:`resolve_deadline` and :func:`as_of` read the mentions before a figure.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from operator import attrgetter
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
    return _scan(text, 0, len(text), 0, offset)


def _scan(text: str, start: int, end: int, floor: int, offset: int) -> list[DateMention]:
    """The mentions of ``text[start:end]`` as :func:`find_dates` reads a text that begins at
    ``floor`` (the comparison words before a mention are not looked for before it)."""
    mention, comparison, _ = _patterns()
    found = []
    for m in mention.finditer(text, start, end):
        fields = _read(m)
        if fields is None:
            continue
        base = bool(comparison.search(text, max(floor, m.start() - 3), m.start()))
        found.append(DateMention(start=m.start() + offset, end=m.end() + offset,
                                 written=m.group(), comparison=base, **fields))
    return found


def dates_between(text: str, mentions: Sequence[DateMention], start: int, end: int
                  ) -> list[DateMention]:
    """What ``find_dates(text[start:end], start)`` finds, taken from ``mentions``: those of a
    longer stretch of ``text`` that holds this one (a paragraph), found once, in order.

    ``start`` is where a sentence or clause begins (no mention runs across it).  Only a mention
    that runs past ``end`` (the figure the dates are read for) is read again, from its start:
    searching each figure's whole sentence again would make a sentence of many figures cost the
    square of its length."""
    out = []
    for d in mentions[bisect.bisect_left(mentions, start, key=_START):]:
        if d.start >= end:
            break
        if d.end > end:  # cut short by ``end``: read as the shorter text has it
            out += _scan(text, d.start, end, start, 0)
            break
        out.append(d)
    return out


def dated_between(text: str, mentions: Sequence[DateMention], start: int, end: int) -> bool:
    """Whether :func:`dates_between` finds any date, looking at the first mention only."""
    i = bisect.bisect_left(mentions, start, key=_START)
    if i == len(mentions) or mentions[i].start >= end:
        return False
    return mentions[i].end <= end or bool(_scan(text, mentions[i].start, end, start, 0))


_START = attrgetter("start")


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
    return deadline_of(find_dates(clause_before), period, issued)


def deadline_of(mentions: Iterable[DateMention], period: tuple[int | None, int | None],
                issued: str | None = None) -> tuple[int | None, str]:
    """:func:`resolve_deadline` from the date mentions before a figure, found already
    (:func:`dates_between`)."""
    due = _Due.of(period, issued)
    best: Reading | None = None
    for d in mentions:
        found = due.read(d)
        if found and (best is None or found[0] <= best[0]):
            best = found
    return due.result(best)


Reading = tuple[int, int | None, str]
"""What a date mention says of a goal's deadline: strength (0 strongest), year, basis."""
_STRENGTHS = 6


@dataclass(frozen=True)
class _Due:
    """What the dates before a goal are read against: the plan's period and year of issue."""

    end: int | None
    issued_year: int | None
    floor: int | None

    @classmethod
    def of(cls, period: tuple[int | None, int | None], issued: str | None) -> _Due:
        issued_year = int(issued[:4]) if issued and issued[:4].isdigit() else None
        return cls(period[1], issued_year, period[0] or issued_year)

    def read(self, d: DateMention) -> Reading | None:
        return _deadline(d, self.end, self.issued_year, self.floor)

    def result(self, best: Reading | None) -> tuple[int | None, str]:
        if best and best[1] is not None:
            return best[1], best[2]
        if self.end:
            return self.end, "period-end"
        # A document with no period (a notice, a one-off programme) aims within its year of issue.
        return (self.issued_year, "issued") if self.issued_year else (None, "unknown")


class Deadlines:
    """:func:`deadline_of` for the figures of one paragraph, from its date mentions (found
    once, in order): what each mention says is read once, and the strongest, nearest one before
    a figure is looked up rather than searched for, so that a sentence of a thousand dated goals
    is not read a thousand times."""

    def __init__(self, text: str, mentions: Sequence[DateMention],
                 period: tuple[int | None, int | None], issued: str | None = None):
        self._text, self._mentions = text, mentions
        self._due = _Due.of(period, issued)
        self._read = [self._due.read(d) for d in mentions]
        # for each strength, the last mention up to each place that is at least that strong
        self._latest = []
        for strength in range(_STRENGTHS):
            last, latest = -1, []
            for i, found in enumerate(self._read):
                if found and found[0] <= strength:
                    last = i
                latest.append(last)
            self._latest.append(latest)

    def before(self, start: int, end: int) -> tuple[int | None, str]:
        """The deadline of a figure at ``end`` from the dates of ``text[start:end]``, ``start``
        where its sentence begins (as :func:`deadline_of` of :func:`dates_between`)."""
        lo = bisect.bisect_left(self._mentions, start, key=_START)
        hi = bisect.bisect_left(self._mentions, end, key=_START)
        cut: list[DateMention] = []
        if hi > lo and self._mentions[hi - 1].end > end:  # cut short by the figure
            hi -= 1
            cut = _scan(self._text, self._mentions[hi].start, end, start, 0)
        best = next((self._read[j] for strength in range(_STRENGTHS) if hi > lo
                     and (j := self._latest[strength][hi - 1]) >= lo), None)
        for d in cut:  # after all the others: the nearest
            found = self._due.read(d)
            if found and (best is None or found[0] <= best[0]):
                best = found
        return self._due.result(best)


def _deadline(d: DateMention, end: int | None, issued_year: int | None,
              floor: int | None) -> Reading | None:
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
    return as_of_between(clause_before, find_dates(clause_before), 0, len(clause_before))


def as_of_between(text: str, mentions: Sequence[DateMention], start: int, end: int
                  ) -> str | None:
    """:func:`as_of` of ``text[start:end]``, with its dates taken from ``mentions`` (those of its
    paragraph, found once: :func:`dates_between`) and each date's own words read up to the next
    clause stop only, so that a paragraph of many figures is not read again for each."""
    _, _, change = _patterns()
    for d in reversed(dates_between(text, mentions, start, end)):
        if d.comparison and change.search(text, d.end, end):
            continue
        if _dates_another(text, d, end):
            continue
        if d.kind in ("as-of", "point", "by"):
            return _iso(d.year, d.month)
        if d.kind == "range":
            return _iso(d.end_year, d.end_month)
        if d.kind == "fyp":
            return _iso(d.end_year, None)
        return None
    return None


def _dates_another(text: str, d: DateMention, end: int) -> bool:
    """``d`` is attributive to a figure before ``end``: 将2016年实施的24项措施调整为30项 dates the
    24, not the 30.  That figure is in ``d``'s clause (after a clause stop it dates nothing), so
    only the words up to the stop are read."""
    stop = _CLAUSE_STOP.search(text, d.end, end)
    clause = text[d.end:stop.start() if stop else end]
    figure = next(iter(find_quantities(clause)), None)
    return figure is not None and "的" in clause[:figure.start]


def _iso(year: int | None, month: int | None) -> str | None:
    if year is None:
        return None
    return f"{year}-{month:02d}" if month else str(year)
