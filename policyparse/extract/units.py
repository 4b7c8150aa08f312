"""The unit vocabulary (``data/units.toml``): units, their families and factors, magnitudes.

A quantity keeps its unit as written; its family and its value in the family's base unit make
quantities comparable across documents (``10000万元`` and ``1亿元`` are both 1e8 元).  All
arithmetic is :class:`~decimal.Decimal` in :data:`ARITHMETIC`, wide enough to stay exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Context, Decimal
from functools import cache

import regex
from ..data import alternation, load as load_data

ARITHMETIC = Context(prec=64)
"""Numbers are capped at 24 significant digits and factors have a few, so products are exact."""

# An alternative unit in brackets belongs to the one before it: 10场（次）.
_ALTERNATIVE = regex.compile(r"[（(](?P<alt>[^（）()]{1,4})[）)]$")


@dataclass(frozen=True, slots=True)
class Unit:
    name: str
    family: str
    factor: Decimal
    chinese: bool = True
    prefix: bool = False
    veto: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Vocabulary:
    units: dict[str, Unit]
    bases: dict[str, str]  # family → base unit
    magnitudes: dict[str, Decimal]
    adjacent: dict[str, tuple[str, ...]]


@cache
def vocabulary() -> Vocabulary:
    data = load_data("units.toml")
    units = {name: Unit(name=name, family=spec.get("family", name),
                        factor=Decimal(spec.get("factor", "1")),
                        chinese=spec.get("chinese", True), prefix=spec.get("prefix", False),
                        veto=tuple(spec.get("veto", ())))
             for name, spec in data["units"].items()}
    return Vocabulary(units=units, bases=dict(data["families"]),
                      magnitudes={k: Decimal(v) for k, v in data["magnitudes"].items()},
                      adjacent={k: tuple(v) for k, v in data["adjacent"].items()})


def lookup(name: str | None) -> Unit | None:
    """The unit written as ``name``; ``场（次）`` is a 场."""
    if not name:
        return None
    units = vocabulary().units
    if name in units:
        return units[name]
    alt = _ALTERNATIVE.search(name)
    return units.get(name[:alt.start()]) if alt else None


def base_unit(family: str | None) -> str | None:
    """The base unit of a family: 元 for money; a count unit is its own base."""
    if family is None:
        return None
    return vocabulary().bases.get(family, family)


def to_base(value: Decimal, name: str | None) -> Decimal:
    """``value`` in ``name`` converted to the base unit of its family (unchanged without one)."""
    unit = lookup(name)
    return value if unit is None else ARITHMETIC.multiply(value, unit.factor)


def magnitude(word: str | None) -> Decimal:
    return vocabulary().magnitudes[word] if word else Decimal(1)


def fold_magnitude(word: str, unit: str) -> tuple[str, str]:
    """Move the end of a magnitude into the unit when that makes a unit: money is kept in the
    unit as written, so 千万 + 元 is 千 + 万元 (1千万元 is 1000 万元), while 万 + 件 stays."""
    units = vocabulary().units
    for cut in range(len(word)):
        if word[cut:] + unit in units:
            return word[:cut], word[cut:] + unit
    return word, unit


def unit_pattern(*, chinese: bool) -> str:
    """Regex for a unit after a number, each unit with its veto; ``chinese`` keeps only the
    units allowed after Chinese numerals.  Fraction prefixes (百分之) are not included."""
    parts = []
    for unit in sorted(vocabulary().units.values(), key=lambda u: len(u.name), reverse=True):
        if unit.prefix or (chinese and not unit.chinese):
            continue
        veto = f"(?!{alternation(unit.veto)})" if unit.veto else ""
        parts.append(regex.escape(unit.name) + veto)
    plain = alternation([u.name for u in vocabulary().units.values() if not u.prefix])
    return rf"(?:{'|'.join(parts)})(?:[（(](?:{plain})[）)])?"


def magnitude_pattern() -> str:
    return alternation(list(vocabulary().magnitudes))
