"""What the figure rules share: which targets and facts speak of the same measure and time, their
values in base units, and how a finding cites them.

A *measure* is the canonical ``metric_key`` the extractor gives (same thing, same key; a figure
of another place or quoted from another plan is not extracted or keyed apart, so the rules need
not tell).  Values are compared as :class:`~decimal.Decimal` in the unit family's base unit, so
``10000万元`` equals ``1亿元``, allowing for how each figure was written (3.5万件 is rounded,
近2亿元 approximate).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import accumulate
from typing import Generic, Protocol, TypeVar

import regex

from ...text.clauses import FULL_STOP, sentence_bounds
from ...text.numerals import TO_ASCII
from ...text.excerpts import excerpt
from ...extract.deadlines import DateMention, dated_between, find_dates
from ...extract.numbers import Quantity, find_quantities
from ...extract.sections import own_names
from ...extract.units import ARITHMETIC, lookup, vocabulary
from ...geo import gazetteer
from ...memo import per_plan
from ...model import PLACES_SHOWN, Fact, Plan, Span, Target

Item = Target | Fact

# Per head of population: 每万人口专利数, 万人拥有商标量 (not 万人次).
PER_CAPITA = regex.compile(r"^(?:每)?万人(?:口)?(?!次)(?:拥有)?")
_DIGITS = regex.compile(r"[0-9０-９][0-9０-９,.．]*")
_RATIOS = ("percent", "percentage-point", "ratio")

RELATIVE = Decimal("1e-6")
"""Two base values closer than this (relative) are the same figure."""


def measure(item: Item) -> str | None:
    """What the figure measures: its canonical key (None where the metric phrase is too short
    to name anything, and then the figure is compared with nothing)."""
    return item.metric_key


def family(item: Item) -> str | None:
    """The unit family, with every measure word of things counted one family: 21宗 and 8笔 are
    both numbers of deals, while 亿元 and % stay apart."""
    fam = item.unit_family
    if fam is None or fam in vocabulary().bases:
        return fam
    return "count"


def value(item: Item) -> Decimal:
    """The figure in its family's base unit (10000万元 → 1e8)."""
    return Decimal(str(item.base_value if item.base_value is not None else item.value))


def bounds(item: Item) -> tuple[Decimal, Decimal]:
    """The figure as an interval in base units: ``2-3个`` is (2, 3), ``5件`` is (5, 5)."""
    low = value(item)
    top = getattr(item, "value_max", None)
    if top is None or not item.value:
        return low, low
    factor = ARITHMETIC.divide(low, Decimal(str(item.value)))
    return low, ARITHMETIC.multiply(Decimal(str(top)), factor)


def same(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= RELATIVE * max(abs(a), abs(b), Decimal(1))


APPROXIMATE = Decimal("0.1")
"""How far a figure written as approximate (近2亿元, 约30%, 40余家) may be from the truth."""


def written_number(q: Quantity) -> Decimal:
    """The number as written before its unit's magnitude: 3.5 of 3.5万件, carrying its
    precision (the parsed value of 3.50 or 1,000 loses how it was written)."""
    digits = _DIGITS.match(q.written)
    if not digits:
        return q.value
    return Decimal(digits.group().replace(",", "").translate(TO_ASCII))


def half_unit(number: Decimal) -> Decimal:
    """Half a unit of the last digit written: 48.1 → 0.05, 27 → 0.5."""
    exponent = number.as_tuple().exponent
    return Decimal(5) * Decimal(10) ** (exponent - 1) if exponent < 0 else Decimal("0.5")


def rounding(q: Quantity) -> tuple[Decimal, Decimal]:
    """The base values a written figure may stand for, given its rounding (3.5万件: 34500 to
    35500; 48%: 47.5 to 48.5).  A whole count written without a magnitude is exact (383件)."""
    number = written_number(q)
    if (number == number.to_integral_value() and same(q.base_value, number)
            and q.unit_family not in _RATIOS):
        return q.base_value, q.base_value
    scale = ARITHMETIC.divide(q.base_value, number) if number else Decimal(1)
    h = half_unit(number)
    return (number - h) * scale, (number + h) * scale


def tolerance(item: Item) -> Decimal:
    """How far the figure may be from its value as written: the rounding of a number written
    with a magnitude (3.5万件 is 35000 ± 500), a tenth for an approximation (近2亿元), nothing
    for a whole number (383件 is 383)."""
    return _tolerance(item.source.text, value(item))


@lru_cache(maxsize=4096)
def _tolerance(text: str, base: Decimal) -> Decimal:
    for q in find_quantities(text):
        if same(q.base_value, base):
            if q.approx:
                return APPROXIMATE * abs(base)
            if same(q.base_value, written_number(q)):
                return Decimal(0)  # no magnitude: the digits are the count
            low, high = rounding(q)
            return (high - low) / 2
    return Decimal(0)


def agree(a: Item, b: Item) -> bool:
    """Whether two figures can be the same value, allowing for how each was written."""
    return overlap(a, b, max(tolerance(a), tolerance(b)))


def overlap(a: Item, b: Item, slack: Decimal = Decimal(0)) -> bool:
    """Whether two figures (points or ranges) can be the same value, ``slack`` apart at most."""
    return meet(bounds(a), bounds(b), slack)


def meet(a: tuple[Decimal, Decimal], b: tuple[Decimal, Decimal], slack: Decimal) -> bool:
    """Whether two intervals (low, high) come within ``slack`` of each other."""
    (alo, ahi), (blo, bhi) = a, b
    return (alo <= bhi + slack or same(alo, bhi + slack)) and \
        (blo <= ahi + slack or same(blo, ahi + slack))


def power_of_ten(x: Decimal, y: Decimal) -> Decimal | None:
    """The factor between two amounts in base units when it is a power of ten (10 to 10¹²)."""
    x, y = sorted((abs(x), abs(y)))
    if not x or same(x, y):
        return None
    r = ARITHMETIC.divide(y, x)
    return next((Decimal(10) ** k for k in range(1, 13) if same(r, Decimal(10) ** k)), None)


class Interval(Protocol):
    """A figure as :class:`Reach` reads it: its value as an interval in base units and how far
    off its writing lets it be (:func:`bounds`, :func:`tolerance`)."""

    @property
    def low(self) -> Decimal: ...

    @property
    def high(self) -> Decimal: ...

    @property
    def slack(self) -> Decimal: ...


F = TypeVar("F", bound=Interval)


class Reach(Generic[F]):
    """Figures ordered by how far above and below they reach, to find one that clashes with a
    given figure without comparing it with all of them.

    Two figures cannot be one value only if one's low end is above the other's high end by more
    than the larger slack (:func:`meet`), so a figure above ``f`` must reach, its low end less
    its slack, above ``f``'s high end.  Candidates are taken from the one reaching furthest, the
    first that ``clash`` accepts settles it, and the search stops where they no longer reach;
    what is passed over is a figure within ``f``'s slack, one ``clash`` refuses for another
    reason (a power of ten apart) or, at one step a run, those of ``f``'s own ``apart`` key (its
    paragraph): the work stays near one step a figure."""

    def __init__(self, figures: Iterable[F], apart: Callable[[F], object] | None = None):
        self._apart = apart
        self._above = sorted(figures, key=lambda f: f.low - f.slack, reverse=True)
        self._below = sorted(self._above, key=lambda f: f.high + f.slack)
        self._skip_above = self._runs(self._above)
        self._skip_below = self._runs(self._below)

    def _runs(self, ordered: list[F]) -> list[int]:
        """For each place, the next place of another ``apart`` key."""
        out = [len(ordered)] * len(ordered)
        if self._apart is not None:
            for i in range(len(ordered) - 2, -1, -1):
                same_key = self._apart(ordered[i]) == self._apart(ordered[i + 1])
                out[i] = out[i + 1] if same_key else i + 1
        return out

    def clashing(self, f: F, clash: Callable[[F, F], bool]) -> F | None:
        """A figure that clashes with ``f`` (above it, else below it), if there is one."""
        return self._search(f, clash, self._above, self._skip_above,
                            lambda u: u.low - u.slack > f.high) or \
            self._search(f, clash, self._below, self._skip_below,
                         lambda u: u.high + u.slack < f.low)

    def _search(self, f: F, clash: Callable[[F, F], bool], ordered: list[F], skip: list[int],
                reaches: Callable[[F], bool]) -> F | None:
        key = self._apart(f) if self._apart is not None else None
        i = 0
        while i < len(ordered) and reaches(ordered[i]):
            u = ordered[i]
            if self._apart is not None and self._apart(u) == key:
                i = skip[i]
                continue
            if clash(f, u):
                return u
            i += 1
        return None


DECADE_BINS = 100_000
"""Bins of :func:`decade`: finer than amounts :func:`same` tells apart, so that two amounts a
power of ten apart fall in one bin or in two next to each other."""


def decade(x: Decimal) -> int | None:
    """Where ``x`` stands within its power of ten (the bin of the fractional part of its
    logarithm): amounts a power of ten apart share it, so they are found without comparing all
    pairs.  None for zero."""
    if not x:
        return None
    return int(math.log10(abs(float(x))) % 1 * DECADE_BINS) % DECADE_BINS


def decades_near(x: Decimal) -> tuple[int, ...]:
    """The bins an amount a power of ten from ``x`` may fall in (its own and the two beside)."""
    k = decade(x)
    if k is None:
        return ()
    return k, (k - 1) % DECADE_BINS, (k + 1) % DECADE_BINS


def when(item: Item) -> tuple[int, int | None] | None:
    """(year, month) the figure holds at: a target's deadline, a fact's as-of date."""
    if isinstance(item, Target):
        return (item.deadline, None) if item.deadline is not None else None
    if not item.as_of:
        return None
    year, _, month = item.as_of.partition("-")
    return int(year), int(month) if month else None


def date_key(item: Item) -> tuple[int, int]:
    """Sort key by date: a year alone sorts before its months."""
    w = when(item)
    return (w[0], w[1] or 0) if w else (0, 0)


def months_apart(a: Item, b: Item) -> int | None:
    """Months between two dated facts; None unless both give a month."""
    wa, wb = when(a), when(b)
    if not wa or not wb or wa[1] is None or wb[1] is None:
        return None
    return abs((wa[0] * 12 + wa[1]) - (wb[0] * 12 + wb[1]))


class Covered:
    """Whether a position lies inside one of some spans (start, end), by bisection."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        ordered = sorted(spans)
        self._starts = [start for start, _ in ordered]
        self._reach = list(accumulate((end for _, end in ordered), max))  # furthest end so far

    def __contains__(self, pos: int) -> bool:
        i = bisect.bisect_right(self._starts, pos) - 1
        return i >= 0 and self._reach[i] > pos


@dataclass(frozen=True)
class TextIndex:
    """What the figure rules look up around each figure, found once in a plan's text: its date
    mentions, where its sentences start, its line breaks and where its tables are (looked up by
    bisection: a search of the text, or of every table, for each of a thousand figures is a
    thousand searches)."""

    dates: list[DateMention]
    sentence_starts: list[int]
    line_breaks: list[int]
    tables: Covered

    def line_around(self, start: int, end: int, length: int) -> tuple[int, int]:
        """Where the line holding ``text[start:end]`` starts and ends."""
        i = bisect.bisect_left(self.line_breaks, start) - 1
        j = bisect.bisect_left(self.line_breaks, end)
        return (self.line_breaks[i] + 1 if i >= 0 else 0,
                self.line_breaks[j] if j < len(self.line_breaks) else length)

    def in_table(self, pos: int) -> bool:
        return pos in self.tables

    def sentence_start(self, pos: int) -> int:
        """:func:`~policyparse.text.clauses.sentence_start`, looked up."""
        i = bisect.bisect_right(self.sentence_starts, pos) - 1
        return self.sentence_starts[i] if i >= 0 else 0

    def dated(self, text: str, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` (from a sentence's start) holds a date."""
        return dated_between(text, self.dates, start, end)


@per_plan(lambda plan: (plan.text, [(t.source.start, t.source.end) for t in plan.tables]))
def text_index(plan: Plan) -> TextIndex:
    return TextIndex(dates=find_dates(plan.text),
                     sentence_starts=[m.end() for m in _FULL_STOP.finditer(plan.text)],
                     line_breaks=[m.start() for m in _LINE_BREAK.finditer(plan.text)],
                     tables=Covered((t.source.start, t.source.end) for t in plan.tables))


_FULL_STOP = regex.compile(f"[{regex.escape(FULL_STOP)}]")
_LINE_BREAK = regex.compile("\n")


def in_table(plan: Plan, pos: int) -> bool:
    return text_index(plan).in_table(pos)


def per_capita(item: Item) -> bool:
    return bool(PER_CAPITA.match(item.metric)) or "人均" in item.metric


def keyed(items: Iterable[Item]) -> list[Item]:
    """The figures with a measure to compare by."""
    return [i for i in items if measure(i)]


def prose(plan: Plan, items: Iterable[Item]) -> list[Item]:
    """The keyed figures of the text, outside tables."""
    index = text_index(plan)
    return [i for i in keyed(items) if not index.in_table(i.source.start)]


def reported(facts: Iterable[Fact], target: Target) -> list[Fact]:
    """The facts of a goal's measure and unit family dated no later than its deadline's year; a
    fact with no date (目前…已达, 现有…) is what the document reports as now, before any goal."""
    return [f for f in facts if measure(f) == measure(target) and family(f) == family(target)
            and (when(f) is None or when(f)[0] <= target.deadline)]


def sentence_of(plan: Plan, item: Item) -> tuple[int, int]:
    return sentence_bounds(plan.text, item.source.start, item.source.end)


def paragraph_of(plan: Plan, item: Item) -> tuple[int, int]:
    """The line (paragraph, table row) the figure is on."""
    return text_index(plan).line_around(item.source.start, item.source.end, len(plan.text))


@dataclass(frozen=True)
class Cite:
    """Evidence for a message, in the finding's language, with lines as the file numbers them."""

    plan: Plan
    lang: str

    def item(self, item: Item) -> str:
        """``“年质押金额达7亿元以上”（第52行，2027年）``."""
        return self.span(item.source, self.date(item))

    def span(self, span: Span, note: str = "") -> str:
        """A quote and where it is: by paragraph in a Word file (as Word and the annotated
        copy's comments count), else by line."""
        text = excerpt(span.text, 40)
        paragraph = self.plan.format == "docx" and span.block is not None
        n = span.block + 1 if paragraph else self.plan.location(span)[0]
        tail = "，" + note if note else ""
        if self.lang == "zh":
            return f"“{text}”（第{n}{'段' if paragraph else '行'}{tail}）"
        return f"“{text}” ({'paragraph' if paragraph else 'line'} {n}{', ' + note if note else ''})"

    def date(self, item: Item) -> str:
        w = when(item)
        if w is None:
            return ""
        year, month = w
        if isinstance(item, Target):
            return f"{year}年" if self.lang == "zh" else f"by {year}"
        if self.lang == "zh":
            return f"截至{year}年{month}月" if month else f"截至{year}年"
        return f"as of {year}-{month:02d}" if month else f"as of {year}"

    def number(self, item: Item) -> str:
        """The figure as written: 7亿元, 2-3个, 10000万元."""
        text = plain(Decimal(str(item.value)))
        top = getattr(item, "value_max", None)
        if top is not None:
            text += "-" + plain(Decimal(str(top)))
        return text + (item.unit or "")

    def figure(self, item: Item, note: str = "") -> str:
        """The figure and where it is: ``7亿元“…达7亿元以上”（第64行，2027年）``; ``note`` goes
        after the number (年度, 累计)."""
        sep = "" if self.lang == "zh" else " "
        return f"{self.number(item)}{sep}{note}{sep if note else ''}{self.item(item)}"

    def elsewhere(self, item: Item) -> str:
        """A figure of this (other) document: ``001.txt“…”（第12行，2025年）``."""
        sep = "中" if self.lang == "zh" else ": "
        return f"{self.plan.document}{sep}{self.figure(item)}"

    def join(self, parts: Iterable[str]) -> str:
        return ("、" if self.lang == "zh" else "; ").join(parts)

    def listing(self, items: Sequence[Item], show: Callable[[Item], str]) -> str:
        """``show(item)`` of the first :data:`~policyparse.model.PLACES_SHOWN` items, joined,
        and how many more there are: a goal restated a thousand times is not quoted a thousand
        times (the finding lists as many places)."""
        shown = self.join(show(i) for i in items[:PLACES_SHOWN])
        rest = len(items) - PLACES_SHOWN
        if rest <= 0:
            return shown
        return shown + (f"等（另有{rest}处）" if self.lang == "zh" else f" and {rest} more")


def in_unit(item: Item, unit: str) -> str:
    """The figure converted to ``unit`` of its family: 10000万元 in 亿元 is ``1亿元``."""
    target = lookup(unit)
    if target is None or not target.factor:
        return f"{plain(value(item))}"
    return f"{plain(ARITHMETIC.divide(value(item), target.factor))}{unit}"


def plain(d: Decimal) -> str:
    """A number without exponent or trailing zeros: 1E+4 → 10000, 5.50 → 5.5."""
    return format(d.normalize(), "f")


def groups(items: Iterable[Item], key) -> Iterator[list[Item]]:
    """Items grouped by ``key(item)`` (None keys dropped), in document order."""
    found: dict = {}
    for item in items:
        k = key(item)
        if k is not None:
            found.setdefault(k, []).append(item)
    for members in found.values():
        yield sorted(members, key=lambda i: i.source.start)


def own_region_names(plan: Plan) -> tuple[str, ...]:
    """The names the plan's own place goes by: 某某县 and its short form 某某 (charts label bars
    with the province's short form before it, 某省某某)."""
    names = own_names(plan.meta.region)
    shorts = (d.short for n in names for d in gazetteer().by_name.get(n, ()) if d.short)
    return tuple(dict.fromkeys((*names, *shorts)))
