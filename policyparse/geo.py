"""The gazetteer: Chinese administrative divisions down to county level (``data/regions.tsv``),
found in text by full name or short form, resolved to one division and named by its path.

Used by document metadata (the plan's region), by extraction (the plan's own place names) and by
the linter alike.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import regex

_TSV = Path(__file__).with_name("data") / "regions.tsv"

# The endings of division names: a name followed by one of them names a division with that ending.
_ENDINGS = "省市县区州旗盟"

# A two-character name (范县, 沛县) right after another character is usually part of a word
# (示范县), unless that character ends a parent's name (河南省范县, 徐州市沛县).
_INSIDE_WORD = regex.compile(r"[\p{Han}](?<![省市州盟区])")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    short: str

    @property
    def level(self) -> int:
        """0 province, 1 prefecture, 2 county."""
        return 0 if self.code.endswith("0000") else 1 if self.code.endswith("00") else 2


class Gazetteer:
    """Chinese administrative divisions by full name and short form, with their parents."""

    def __init__(self, rows: list[tuple[str, str, str]]):
        self.divisions = {code: Division(code, name, short) for code, name, short in rows}
        by_name: dict[str, list[Division]] = defaultdict(list)
        by_short: dict[str, list[Division]] = defaultdict(list)
        for div in self.divisions.values():
            # Two-character 区 names (城区, 郊区, 矿区) are everyday words, not mentions.
            if len(div.name) > 2 or not div.name.endswith("区"):
                by_name[div.name].append(div)
            if div.short:
                by_short[div.short].append(div)
        self.by_name, self.by_short = dict(by_name), dict(by_short)
        self.longest_short = max(map(len, self.by_short))
        # Every full name ends in 省市县区州旗盟: finding those ends (after a character that can
        # precede one) and looking back only by the lengths of the names with that ending is much
        # faster than matching thousands of names at every position.
        lengths: dict[str, list[int]] = defaultdict(list)
        for name in sorted(self.by_name, key=len, reverse=True):
            if len(name) not in lengths[name[-2:]]:
                lengths[name[-2:]].append(len(name))
        self._lengths = dict(lengths)
        before = "".join(sorted({name[-2] for name in self.by_name}))
        self._ends = regex.compile(f"(?<=[{regex.escape(before)}])[{_ENDINGS}]")

    def parents(self, div: Division) -> list[Division]:
        codes = dict.fromkeys((div.code[:2] + "0000", div.code[:4] + "00"))
        return [self.divisions[c] for c in codes if c in self.divisions and c != div.code]

    def path(self, div: Division) -> str:
        """``四川省绵阳市江油市``; a municipality is named once (北京市, not 北京市北京市)."""
        names: list[str] = []
        for d in [*self.parents(div), div]:
            if not names or names[-1] != d.name:
                names.append(d.name)
        return "".join(names)

    def mentions(self, text: str) -> list[tuple[int, int, str]]:
        """Full names in ``text`` as ``(start, end, name)``, longest first, not overlapping."""
        found, last = [], 0
        for m in self._ends.finditer(text):
            end = m.end()
            for k in self._lengths.get(text[end - 2:end], ()):
                if k <= end - last and text[end - k:end] in self.by_name \
                        and not (k == 2 and _INSIDE_WORD.match(text, end - 3)):
                    found.append((end - k, end, text[end - k:end]))
                    last = end
                    break
        return found

    def resolve(self, name: str, text: str, then: str = "",
                within: Division | None = None) -> Division | None:
        """The division a full or short name means, or None when none can be meant.

        A short form followed by a division ending must agree with it (恩施州: the 自治州, not
        恩施市; an unknown 青山县 is no 青山区), and a name written right after its parent must lie
        under it (辽宁省朝阳区 is no 北京市朝阳区).  A name shared by several divisions (朝阳区)
        means the one whose parents the text mentions most, else the larger."""
        divs = self.by_name.get(name)
        if divs is None:
            divs = self.by_short.get(name, [])
            if then and then in _ENDINGS:
                divs = [d for d in divs if d.name.endswith(then)]
        if within is not None:
            divs = [d for d in divs if within in self.parents(d)]
        if len(divs) <= 1:
            return divs[0] if divs else None

        def parents_named(d: Division) -> int:
            return sum(text.count(p.short or p.name) for p in self.parents(d)
                       if name not in (p.short, p.name))

        return max(divs, key=lambda d: (parents_named(d), -d.level))

    def named(self, named: str, text: str) -> list[tuple[int, int, Division]]:
        """The divisions a name such as a title or an issuer names, as ``(start, end, division)``:
        every full name in it, and a short form at its start (宜都知识产权规划)."""
        hits = self.mentions(named)
        if not hits or hits[0][0] > 0:
            for k in range(min(len(named), self.longest_short), 1, -1):
                if named[:k] in self.by_short:
                    hits.insert(0, (0, k, named[:k]))
                    break
        found: list[tuple[int, int, Division]] = []
        for start, end, name in hits:
            parent = found[-1][2] if found and found[-1][1] == start else None
            div = self.resolve(name, text, named[end:end + 1], parent)
            if div is not None:
                found.append((start, end, div))
        return found

    def most_mentioned(self, text: str) -> Division | None:
        """The division the text names most, counting its short form too (湖北宜都); only names
        written out in full at least once count, as many short forms are everyday words."""
        names = dict.fromkeys(name for _, _, name in self.mentions(text))  # ties: first named
        divs = [d for d in (self.resolve(name, text) for name in names) if d is not None]
        if not divs:
            return None
        return max(divs, key=lambda d: (text.count(d.short or d.name), d.level))


@cache
def gazetteer() -> Gazetteer:
    lines = _TSV.read_text(encoding="utf-8").splitlines()
    return Gazetteer([tuple(line.split("\t")) for line in lines if not line.startswith("#")])
