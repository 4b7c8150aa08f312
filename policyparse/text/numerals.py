"""Numerals as Chinese documents write them: Arabic digits (full-width too), circled and
parenthesised digits, Chinese numerals, and the years of the five-year plans (十四五 → 2021–2025).

The one home of this knowledge: markers, dates, quantities, metadata and rules all read it.
Small Chinese numerals (markers, ordinals, up to the thousands) are parsed by hand: cn2an costs
~130 ms to import and rejects a bare 百; amounts (一千二百万) go through cn2an's strict grammar.
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
    """An amount in Chinese numerals (一千二百, 三点五) by cn2an's grammar; ``strict`` refuses
    digit strings such as 一二三 and 十四五 (they are not numbers).  None if malformed."""
    import cn2an  # slow to import (75 ms): not for a command that never reads a number

    text = written.replace("两", "二").replace("〇", "零")
    if text[0] in "百千":
        text = "一" + text
    try:
        return Decimal(str(cn2an.cn2an(text, "strict" if strict else "smart")))
    except (ValueError, KeyError, IndexError):
        return None


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
