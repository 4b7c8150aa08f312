"""Numerals as Chinese documents write them: Arabic digits (full-width too), circled and
parenthesised digits, Chinese numerals, and the years of the five-year plans (十四五 → 2021–2025).

The one home of this knowledge: markers, dates, quantities, metadata and rules all read it.
Chinese numerals are parsed and written here by hand (cn2an, which does the same, costs ~200 ms
to import and compile on every run of the CLI, most of a pre-commit hook's budget); the tests
check both directions against cn2an.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

DIGIT = "[0-9０-９]"
"""One Arabic digit, ASCII or full-width, as a regex class."""

TO_ASCII = str.maketrans("０１２３４５６７８９．", "0123456789.")
"""Full-width digits and point to ASCII (``str.translate``)."""

TO_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
"""ASCII digits to full-width, as Word renders a decimalFullWidth list."""

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def numeral_value(s: str) -> int | None:
    """Value of an Arabic (also full-width), circled or Chinese numeral up to the thousands."""
    if s.isdecimal():  # ASCII and full-width digits
        return int(s)
    if len(s) == 1 and s not in _CN_DIGITS:  # ①, ⑴, ⒈ (and 十, 百)
        value = unicodedata.numeric(s, None)
        return None if value is None else int(value)
    return chinese_value(s)


def chinese_value(s: str) -> int | None:
    """一→1, 十二→12, 二十→20, 一百零五→105, 两百→200, 一〇五→105; None if malformed."""
    if not s:
        return None
    if len(s) > 1 and all(c in _CN_DIGITS for c in s):
        # Digit by digit (一〇五) is a number only with a zero in it; 一二 is not a numeral.
        if "〇" not in s and "零" not in s:
            return None
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    total, digit, last_unit = 0, None, 10000
    for c in s:
        if c in "零〇" and digit is None and last_unit < 10000:
            continue  # a placeholder zero: 一百零五
        if c in _CN_DIGITS:
            if digit is not None:  # two digits in a row (三四)
                return None
            digit = _CN_DIGITS[c]
        elif c in _CN_UNITS:
            unit = _CN_UNITS[c]
            if unit >= last_unit:  # units must fall: 百 before 十
                return None
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        else:
            return None
    if digit is not None:
        total += digit
    return total


def chinese_number(written: str, *, strict: bool = True) -> Decimal | None:
    """An amount in Chinese numerals: 一千二百万, 三点五, 一亿零五百万, 两百.  ``strict`` refuses
    digit strings such as 一二三 and 十四五 (they are not numbers; otherwise read digit by digit).
    None if malformed."""
    whole, point, fraction = written.partition("点")
    if point and not (fraction and all(c in _CN_DIGITS and c != "两" for c in fraction)):
        return None
    if not strict and len(whole) > 1 and all(c in _CN_DIGITS for c in whole):
        value: int | None = int("".join(str(_CN_DIGITS[c]) for c in whole))
    else:
        value = _grouped_value(whole)
    if value is None:
        return None
    if point:
        return Decimal(f"{value}.{''.join(str(_CN_DIGITS[c]) for c in fraction)}")
    return Decimal(value)


_BIG_UNITS = (("亿", 10**8), ("万", 10**4))


def _grouped_value(s: str, units: tuple[tuple[str, int], ...] = _BIG_UNITS) -> int | None:
    """一亿零五百万 → 105000000: sections of up to four digits under 亿 and 万, high to low."""
    if not units:
        if len(s) > 1 and all(c in _CN_DIGITS for c in s):
            return None  # 一二三 is not an amount
        return chinese_value(s)
    (name, size), rest = units[0], units[1:]
    high, found, low = s.partition(name)
    if not found:
        return _grouped_value(s, rest)
    head = _grouped_value(high, rest) if high else None
    if head is None:
        return None
    low = low.removeprefix("零").removeprefix("〇")
    tail = _grouped_value(low, rest) if low else 0
    return None if tail is None else head * size + tail


_NUMERAL_DIGITS = "零一二三四五六七八九"
_CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS, _CAPITAL_UNITS = ("", "十", "百", "千"), ("", "拾", "佰", "仟")


def chinese_numeral(n: int, *, capital: bool = False) -> str:
    """105 → 一百零五, 100000 → 十万 (with ``capital``: 壹佰零伍, 壹拾万), as Word's Chinese list
    numbering and cn2an write them; below 10^12 (a list number or an amount, never more)."""
    if not 0 <= n < 10**12:
        raise ValueError(f"{n} is outside the Chinese numerals written here (0 to 10^12)")
    digits, units = (_CAPITAL_DIGITS, _CAPITAL_UNITS) if capital else (_NUMERAL_DIGITS, _SMALL_UNITS)
    if n == 0:
        return digits[0]
    out: list[str] = []
    zero = False  # a zero is pending: written once before the next non-zero digit
    for group, big in ((n // 10**8, "亿"), (n // 10**4 % 10**4, "万"), (n % 10**4, "")):
        if group == 0:
            zero = zero or bool(out)
            continue
        if out and (zero or group < 1000):
            out.append(digits[0])
        zero, started = False, False
        for place in (3, 2, 1, 0):
            d = group // 10**place % 10
            if d == 0:
                zero = zero or started
                continue
            started = True
            if zero:
                out.append(digits[0])
                zero = False
            out.append(digits[d] + units[place])
        out.append(big)
        zero = False
    text = "".join(out)
    return text[1:] if not capital and text.startswith("一十") else text


_YEAR_DIGITS = str.maketrans("〇零○一二三四五六七八九", "000123456789")


def whole_number(written: str) -> int | None:
    """A whole number as dates write it: 2024, ２０２４, 二〇二四 (digit by digit), 十二."""
    if written.isdecimal():
        return int(written.translate(TO_ASCII))
    if len(written) == 4 and all(c in "〇零○一二三四五六七八九" for c in written):
        return int(written.translate(_YEAR_DIGITS))
    value = chinese_value(written)
    if value is None:
        number = chinese_number(written, strict=False)
        value = int(number) if number is not None else None
    return value


def five_year_plan(n: int) -> tuple[int, int]:
    """Years of the n-th five-year plan (n ≥ 3: the 3rd began in 1966 after a 3-year pause)."""
    start = 1966 + 5 * (n - 3)
    return start, start + 4
