"""Word auto-numbering (``word/numbering.xml``) rendered as Word shows it.

Chinese plans number their headings and tasks with Word lists (``一、``, ``（一）``, ``1.``), so
the numbers exist only in numbering.xml; the text of the paragraph has none.  :class:`Numbering`
keeps Word's counters while the loader walks the paragraphs in document order
(ECMA-376 §17.9): num instances that share an abstractNum share its counters; a ``startOverride``
takes effect the first time its num is used at that level; emitting a level restarts the deeper
levels (``lvlRestart`` narrows that); ``numStyleLink`` lists borrow the levels of the list style
they point to.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import regex
from lxml import etree

from ..text.numerals import TO_FULL_WIDTH, chinese_numeral

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Word numbers a list up to 32767 and its label texts are a few characters long; a file that says
# more is broken or hostile, and rendering it would build labels without end (10^12 in Roman).
MAX_LIST_NUMBER = 32767
MAX_LEVEL_TEXT = 64
MAX_LABEL = 2 * MAX_LEVEL_TEXT
"""Characters a rendered label may have: 32767 in upperLetter alone is 1,261 letters."""
_VAL = W + "val"
_LEVELS = 9
_PLACEHOLDER = regex.compile(r"%([1-9])")
_CN_DIGITS = "〇一二三四五六七八九"


class UndefinedNumbering(LookupError):
    """A paragraph refers to a list, an abstract list or a level that is not defined."""


@dataclass(frozen=True)
class Level:
    """One ``w:lvl``: what Word needs to count and render a level."""

    start: int = 0  # ECMA-376 §17.9.25: an omitted w:start is 0
    fmt: str = "decimal"
    text: str | None = None
    restart: int | None = None  # w:lvlRestart: 1-based level whose use restarts this one; 0 never
    legal: bool = False  # w:isLgl: every number in this level's text is shown as decimal
    style: str | None = None  # w:pStyle: the paragraph style tied to this level


def _roman(n: int) -> str:
    out = []
    for value, glyph in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                         (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                         (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out.append(glyph * count)
    return "".join(out)


def _chinese_counting(n: int) -> str:
    """Word's chineseCounting: 十-style below 100 (十一, 二十三), digit by digit above (一〇一)."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")
    return _ideograph_digits(n)


def _ideograph_digits(n: int) -> str:
    return "".join(_CN_DIGITS[int(d)] for d in str(n))


def _from_set(glyphs: str):
    """A bounded glyph set (①…⑳, 甲…癸); Word falls back to decimal past its end."""
    return lambda n: glyphs[n - 1] if 1 <= n <= len(glyphs) else str(n)


def _from_range(first: int, size: int):
    return _from_set("".join(chr(first + i) for i in range(size)))


def _letters(base: str):
    # Word repeats the letter past Z (27 → AA, 28 → BB), it does not count in base 26.
    return lambda n: chr(ord(base) + (n - 1) % 26) * ((n - 1) // 26 + 1)


_FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate(TO_FULL_WIDTH),
    "upperLetter": _letters("A"),
    "lowerLetter": _letters("a"),
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "chineseCounting": _chinese_counting,
    "taiwaneseCounting": _chinese_counting,
    "chineseCountingThousand": chinese_numeral,
    "taiwaneseCountingThousand": chinese_numeral,
    "japaneseCounting": chinese_numeral,
    "chineseLegalSimplified": lambda n: chinese_numeral(n, capital=True),
    "ideographDigital": _ideograph_digits,
    "ideographTraditional": _from_set("甲乙丙丁戊己庚辛壬癸"),
    "ideographZodiac": _from_set("子丑寅卯辰巳午未申酉戌亥"),
    "decimalEnclosedCircle": _from_range(0x2460, 20),
    "decimalEnclosedCircleChinese": _from_range(0x2460, 20),
    "decimalEnclosedParen": _from_range(0x2474, 20),
    "decimalEnclosedFullstop": _from_range(0x2488, 20),
    "none": lambda n: "",
}


def format_number(n: int, fmt: str) -> str:
    """Render counter value ``n`` in Word number format ``fmt`` (unknown formats: decimal).

    Raises :class:`UndefinedNumbering` past Word's range (0 to :data:`MAX_LIST_NUMBER`): checked
    here, before any format renders: some never end (Roman, letters), others fail on large
    numbers."""
    if not 0 <= n <= MAX_LIST_NUMBER:
        raise UndefinedNumbering(f"a list number past Word's limit of {MAX_LIST_NUMBER}")
    if n < 1 and fmt != "none":
        return str(n)
    return _FORMATS.get(fmt, str)(n)


def _int(el: etree._Element | None, default: int | None = None) -> int | None:
    if el is None:
        return default
    try:
        return int(el.get(_VAL, ""))
    except ValueError:
        return default


def _parse_level(lvl: etree._Element, base: Level | None = None) -> Level:
    """A ``w:lvl``; inside a lvlOverride it changes only what it states of ``base``."""
    base = base or Level()
    text = lvl.find(W + "lvlText")
    fmt = lvl.find(W + "numFmt")
    legal = lvl.find(W + "isLgl")
    style = lvl.find(W + "pStyle")
    return replace(
        base,
        start=_int(lvl.find(W + "start"), base.start),
        fmt=fmt.get(_VAL, "decimal") if fmt is not None else base.fmt,
        text=text.get(_VAL) if text is not None else base.text,
        restart=_int(lvl.find(W + "lvlRestart"), base.restart),
        legal=legal.get(_VAL, "true") not in ("0", "false", "off") if legal is not None
        else base.legal,
        style=style.get(_VAL) if style is not None else base.style)


def _ilvl(el: etree._Element) -> int | None:
    try:
        ilvl = int(el.get(W + "ilvl", ""))
    except ValueError:
        return None
    return ilvl if 0 <= ilvl < _LEVELS else None


@dataclass
class _Num:
    abstract: str
    levels: dict[int, Level]
    start_overrides: dict[int, int]


class Numbering:
    """The list definitions of one document and Word's counters over its paragraphs.

    ``style_lists`` maps a style id to the numId in its ``w:numPr`` (list styles and
    paragraph styles), for ``numStyleLink`` and for :meth:`level_of_style`."""

    def __init__(self, root: etree._Element | None, style_lists: dict[str, str] | None = None):
        self._style_lists = style_lists or {}
        self._abstracts: dict[str, etree._Element] = {}
        self._raw_nums: dict[str, etree._Element] = {}
        if root is not None:
            for el in root.iterchildren(W + "abstractNum"):
                self._abstracts[el.get(W + "abstractNumId", "")] = el
            for el in root.iterchildren(W + "num"):
                self._raw_nums[el.get(W + "numId", "")] = el
        self._nums: dict[str, _Num] = {}
        self._counters: dict[str, list[int | None]] = {}
        self._overrides_used: set[tuple[str, int]] = set()

    def label(self, num_id: str, ilvl: int) -> str | None:
        """Advance the counters for a paragraph in list ``num_id`` at level ``ilvl`` and return
        its label as Word shows it (``None`` for bullets: no label in the text).

        Raises :class:`UndefinedNumbering` when the list or the level is not defined."""
        num = self._num(num_id)
        level = num.levels.get(ilvl)
        if level is None:
            raise UndefinedNumbering(f"list {num_id} has no level {ilvl}")
        counters = self._counters.setdefault(num.abstract, [None] * _LEVELS)
        if ilvl in num.start_overrides and (num_id, ilvl) not in self._overrides_used:
            self._overrides_used.add((num_id, ilvl))
            counters[ilvl] = num.start_overrides[ilvl]
        elif counters[ilvl] is None:
            counters[ilvl] = level.start
        else:
            counters[ilvl] += 1
        for deeper in range(ilvl + 1, _LEVELS):
            restart = num.levels.get(deeper, Level()).restart
            if restart is None or restart > deeper:  # absent, or not a higher level: default
                restart = deeper
            if ilvl < restart:  # lvlRestart 0: never
                counters[deeper] = None
        if level.fmt == "bullet":
            return None
        if len(level.text or "") > MAX_LEVEL_TEXT:  # before expanding it
            raise UndefinedNumbering(f"list {num_id} level {ilvl} has a label text of "
                                     f"{len(level.text):,} characters")
        label = self._render(level, num, counters)
        if len(label) > MAX_LABEL:
            raise UndefinedNumbering(f"list {num_id} level {ilvl} renders a label of "
                                     f"{len(label):,} characters")
        return label

    def level_of_style(self, num_id: str, style_id: str) -> int | None:
        """The level of list ``num_id`` tied to paragraph style ``style_id`` (``w:pStyle``)."""
        try:
            levels = self._num(num_id).levels
        except UndefinedNumbering:
            return None
        return next((i for i, lvl in sorted(levels.items()) if lvl.style == style_id), None)

    def _render(self, level: Level, num: _Num, counters: list[int | None]) -> str:
        def number(m: regex.Match) -> str:
            k = int(m.group(1)) - 1
            shown = num.levels.get(k, Level())
            value = counters[k] if counters[k] is not None else shown.start
            return format_number(value, "decimal" if level.legal else shown.fmt)

        return _PLACEHOLDER.sub(number, level.text or "")

    def _num(self, num_id: str) -> _Num:
        num = self._nums.get(num_id)
        if num is None:
            num = self._nums[num_id] = self._build_num(num_id)
        return num

    def _build_num(self, num_id: str) -> _Num:
        el = self._raw_nums.get(num_id)
        ref = el.find(W + "abstractNumId") if el is not None else None
        if ref is None:
            raise UndefinedNumbering(f"list {num_id} is not defined")
        abstract_id, levels = self._abstract_levels(ref.get(_VAL, ""))
        overrides = {}
        for override in el.iterchildren(W + "lvlOverride"):
            ilvl = _ilvl(override)
            if ilvl is None:
                continue
            lvl = override.find(W + "lvl")
            if lvl is not None:
                levels[ilvl] = _parse_level(lvl, levels.get(ilvl))
            start = _int(override.find(W + "startOverride"))
            if start is not None:
                overrides[ilvl] = start
        return _Num(abstract_id, levels, overrides)

    def _abstract_levels(self, abstract_id: str) -> tuple[str, dict[int, Level]]:
        """The abstractNum whose levels apply, following ``numStyleLink`` to the list style's
        own list (a few hops at most; a cycle is a corrupt definition)."""
        for _ in range(4):
            el = self._abstracts.get(abstract_id)
            if el is None:
                raise UndefinedNumbering(f"abstract list {abstract_id} is not defined")
            link = el.find(W + "numStyleLink")
            if link is None:
                levels = {}
                for lvl in el.iterchildren(W + "lvl"):
                    ilvl = _ilvl(lvl)
                    if ilvl is not None:
                        levels[ilvl] = _parse_level(lvl)
                return abstract_id, levels
            linked = self._raw_nums.get(self._style_lists.get(link.get(_VAL, ""), ""))
            ref = linked.find(W + "abstractNumId") if linked is not None else None
            if ref is None:
                raise UndefinedNumbering(f"list style {link.get(_VAL)} has no list")
            abstract_id = ref.get(_VAL, "")
        raise UndefinedNumbering(f"numStyleLink cycle at abstract list {abstract_id}")
