"""Quantities as written in plans: ``1,000万元``, ``3.5万件``, ``2-3个``, ``1至3个``, ``十余家``,
``13%``, ``2个百分点``, ``1.5倍``, ``90分``, ``百分之三十``, ``三分之一``.

One regex pass finds candidates; each is then checked against what it must not be: a year
(``2024年``, ``2024-2026年``), a date or code (``4.26世界知识产权日``, ``“3.15”``,
``GB/T29490-2013``, ``ISO56005``, ``〔2022〕43号``), a list marker (``1.``, ``（1）``, ``3、``) or an
ordinal (``第3次``, ``图 2``).  Chinese numerals count only before a unit of the vocabulary, so
一是, 统一, 一站式, 一批 and 十四五 are never numbers.  An Arabic number without a unit (a table
cell, ``成员10以上``) is kept with ``unit=None`` when it stands alone.

These are pure functions over a string; the targets and facts extractors call them per clause.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import NamedTuple

import regex

from ..data import alternation
from ..text.numerals import DIGIT as _DIGIT, TO_ASCII, chinese_number
from .units import (ARITHMETIC, fold_magnitude, lookup, magnitude, magnitude_pattern,
                    to_base, unit_pattern, vocabulary)

MAX_DIGITS = 24
"""A longer digit string is an identifier (a bookmark id, a phone or account number)."""


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with its unit; ``start:end`` spans the number and unit (``2-3个``, ``10场（次）``),
    not the words around it that qualify it (``approx``: 约/近/余/左右, ``bound``: 不少于/以上)."""

    start: int
    end: int
    written: str
    value: Decimal
    value_max: Decimal | None
    unit: str | None
    unit_family: str | None
    base_value: Decimal
    base_value_max: Decimal | None = None
    approx: str | None = None
    bound: tuple[str, ...] = ()


_AR = rf"(?:{_DIGIT}{{1,3}}(?:,{_DIGIT}{{3}})++(?!{_DIGIT})|{_DIGIT}++)(?:[.．]{_DIGIT}++)?"
# Before an Arabic number: no letter, digit or joiner that makes it part of a code, date or id.
_AR_BEFORE = r"(?<![0-9０-９A-Za-zＡ-Ｚａ-ｚ_.．/／\\#＃@+＋\-－—–~～·•])(?<![0-9０-９],)"
_CN_DIGITS = "零〇一二两三四五六七八九十"
_CN = rf"[{_CN_DIGITS}][{_CN_DIGITS}百千万亿]{{0,15}}?"  # lazy: 三千万元 is 三千 + 万元
_CN_WHOLE = rf"[{_CN_DIGITS}百千][{_CN_DIGITS}百千万亿]{{0,15}}+"
_RANGE = "[-－—–~～]|至|到"
_OPENERS = frozenset("“\"‘'「『《〔【[(（")
_CLOSERS_OK = frozenset("\n\t，。；;,！!？?）)")


class _Patterns(NamedTuple):
    quantity: regex.Pattern
    before: regex.Pattern  # words that qualify a number from before it: 不少于, 约
    before_ends: frozenset[str]  # … their last characters and a space: a cheap test first
    after: regex.Pattern  # and from after it: 以上, 左右
    ordinal: regex.Pattern  # 第, 图, 表 right before a number


@cache
def _patterns() -> _Patterns:
    adj = vocabulary().adjacent
    cn_before = rf"(?<![{_CN_DIGITS}百千万亿{''.join(adj['not_before_chinese'])}])"
    mid = alternation(adj["approx_inside"])
    mag = magnitude_pattern()
    unit_ar, unit_cn = unit_pattern(chinese=False), unit_pattern(chinese=True)
    fixed = [u.name for u in vocabulary().units.values() if u.prefix and u.name != "分之"]
    tail = (rf"(?:(?P<mid>{mid})?(?P<unit>{unit_ar})|(?P<mag>{mag})(?P<mid>{mid})?"
            rf"(?P<unit>{unit_ar})|(?P<mag>{mag}))?")
    quantity = regex.compile(
        rf"{cn_before}{_AR_BEFORE}(?:(?P<fpre>{alternation(fixed)})|(?P<den>{_AR}|{_CN_WHOLE})分之)"
        rf"(?P<fnum>{_AR}|{_CN_WHOLE})"
        rf"|{_AR_BEFORE}(?:(?P<lo>{_AR})(?P<lomag>{mag})?(?P<lopct>[%％])?[ ]?(?:{_RANGE})[ ]?)?"
        rf"(?P<num>{_AR}){tail}"
        rf"|{cn_before}(?:(?P<clo>{_CN})(?:至|到))?(?P<cnum>{_CN})(?P<mid>{mid})?"
        rf"(?P<unit>{unit_cn})")
    before = regex.compile(rf"(?:(?P<bound>{alternation(adj['bound_before'])})[ ]?)?"
                           rf"(?:(?P<approx>{alternation(adj['approx_before'])})[ ]?)?\Z")
    before_ends = frozenset(" " + "".join(w[-1] for w in (*adj["bound_before"],
                                                          *adj["approx_before"])))
    after = regex.compile(rf"(?P<approx>{alternation(adj['approx_after'])})?"
                          rf"(?P<bound>{alternation(adj['bound_after'])})?")
    ordinal = regex.compile(rf"(?:{alternation(adj['ordinal_before'])})[ ]?\Z")
    return _Patterns(quantity, before, before_ends, after, ordinal)


def find_quantities(text: str, offset: int = 0) -> list[Quantity]:
    """Every quantity in ``text``, in order; spans are ``text`` positions plus ``offset``."""
    pattern = _patterns().quantity
    found = []
    for m in pattern.finditer(text):
        q = _quantity(m, text, offset)
        if q is not None:
            found.append(q)
    return found


def _quantity(m: regex.Match, text: str, offset: int) -> Quantity | None:
    if m["fnum"] is not None:
        parsed = _fraction(m)
    elif m["num"] is not None:
        parsed = _arabic(m, text)
    else:
        parsed = _chinese(m)
    if parsed is None:
        return None
    value, value_max, unit = parsed
    start, end = m.span()
    patterns = _patterns()
    if patterns.ordinal.search(text, max(0, start - 4), start):
        return None
    pre_bound = pre_approx = None
    if start and text[start - 1] in patterns.before_ends:
        pre = patterns.before.search(text, max(0, start - 8), start)
        pre_bound, pre_approx = pre["bound"], pre["approx"]
    post = patterns.after.match(text, end)
    approx = m["mid"] or pre_approx or post["approx"]
    bound = tuple(w for w in (pre_bound, post["bound"]) if w)
    known = lookup(unit)
    return Quantity(
        start=start + offset, end=end + offset, written=m.group(), value=value,
        value_max=value_max, unit=unit, unit_family=known.family if known else None,
        base_value=to_base(value, unit),
        base_value_max=None if value_max is None else to_base(value_max, unit),
        approx=approx, bound=bound)


Parsed = tuple[Decimal, Decimal | None, str | None]


def _fraction(m: regex.Match) -> Parsed | None:
    numerator = _number(m["fnum"])
    if m["fpre"]:
        return (numerator, None, m["fpre"]) if numerator is not None else None
    denominator = _number(m["den"])
    if numerator is None or not denominator:
        return None
    return ARITHMETIC.divide(numerator, denominator), None, "分之"


def _arabic(m: regex.Match, text: str) -> Parsed | None:
    mag, unit = m["mag"] or "", m["unit"]
    if unit is None and not _stands_alone(m, text):
        return None  # before any arithmetic: list markers (1. （3）) are many
    num = _decimal(m["num"])
    if num is None:
        return None
    if unit and mag:
        mag, unit = fold_magnitude(mag, unit)
    value = ARITHMETIC.multiply(num, magnitude(mag))
    value_max = None
    if m["lo"] is not None:
        lo = _decimal(m["lo"])
        if lo is None or unit is None or (m["lopct"] and unit not in ("%", "％")):
            return None
        if m["lomag"]:  # 5万至10万元: the low end's own magnitude, in the unit as written
            lo = ARITHMETIC.divide(ARITHMETIC.multiply(lo, magnitude(m["lomag"])),
                                   _unit_magnitude(unit))
        else:  # 1-2万件: the magnitude applies to both ends
            lo = ARITHMETIC.multiply(lo, magnitude(mag))
        if _is_year(m["lo"], "", unit) and _is_year(m["num"], mag, unit):
            return None
        if lo >= value:
            return None
        value, value_max = lo, value
    elif _is_year(m["num"], mag, unit):
        return None
    return value, value_max, unit


def _chinese(m: regex.Match) -> Parsed | None:
    value = chinese_number(m["cnum"])
    if value is None:
        return None
    if m["clo"] is None:
        return value, None, m["unit"]
    lo = chinese_number(m["clo"])
    if lo is None or lo >= value:
        return None
    return lo, value, m["unit"]


def _number(written: str) -> Decimal | None:
    return _decimal(written) if written[0].isdecimal() else chinese_number(written)


def _decimal(written: str) -> Decimal | None:
    if len(written) > MAX_DIGITS and sum(c.isdigit() for c in written) > MAX_DIGITS:
        return None
    try:
        return Decimal(written.replace(",", "").translate(TO_ASCII))
    except InvalidOperation:
        return None


@lru_cache(maxsize=4096)
def _unit_magnitude(unit: str) -> Decimal:
    """The magnitude a unit is written with: 1e4 for 万元, 1 for 件."""
    for cut in range(1, len(unit)):
        if unit[:cut] in vocabulary().magnitudes and unit[cut:] in vocabulary().units:
            return magnitude(unit[:cut])
    return Decimal(1)


def _is_year(written: str, mag: str, unit: str | None) -> bool:
    """A four-digit 19xx/20xx integer with no unit but 年 is a year, not a count."""
    digits = written.replace(",", "").translate(TO_ASCII)
    return (not mag and unit in (None, "年") and len(digits) == 4 and digits.isdigit()
            and 1900 <= int(digits) <= 2099)


def _stands_alone(m: regex.Match, text: str) -> bool:
    """A number without a unit counts only as a cell or a clause of its own: ``\\t5512\\t``,
    ``成员10以上，``; not ``12315平台``, ``（1）``, ``“426”``, ``1.`` or ``13、`` at a line start."""
    start, end = m.span()
    if m["lo"] is not None:
        return False
    at_line_start = start == 0 or text[start - 1] == "\n"
    at_line_end = end == len(text) or text[end] == "\n"
    if at_line_start:
        return at_line_end
    if text[start - 1] in _OPENERS:
        return False
    if end == len(text) or text[end] in _CLOSERS_OK:
        return True
    post = _patterns().after.match(text, end)
    return bool(post["bound"] or post["approx"])
