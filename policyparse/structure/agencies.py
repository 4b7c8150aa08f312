"""The agency registry: owner names as written → canonical agency ids; who owns how much.

A canonical id is ``LEVEL:SLUG`` or a bare ``SLUG``:

* ``SLUG`` is the stable kebab-case id of one function of government in
  ``data/agencies.toml`` (``market-regulation``, ``science-technology``); a ministry and the
  local bureau doing the same work share it (科技部 and 市科技局 are both ``science-technology``).
* ``LEVEL`` is read from the administrative prefix *as written*: ``national`` (国家, 国务院,
  中央, 全国, or a name listed as national such as 科技部, 海关总署), ``province`` (省, 自治区),
  ``city`` (市, 州, 盟), ``county`` (县, 区, 旗), ``township`` (镇, 乡, 街道).  A place name may
  stand before the prefix (某某市市场监管局 → ``city:market-regulation``).  The level is the
  written one, not the rank: a county-level city's 市科技局 is ``city:``, which keeps the ids of
  one document consistent with each other.
* No prefix (市场监管局, 各镇（园区、街道）) gives the bare ``SLUG``.

Matching a name, first hit wins: (1) exact, the name or the name after its prefix is a listed
name or alias; (2) rules, the same after contracting both sides with the registry's
``contractions`` (委员会→委, 监督管理→监管, 和 dropped …) and after dropping a trailing bracket
(市市场监管局（知识产权局） → 市市场监管局); (3) fuzzy, rapidfuzz ratio ≥ :data:`FUZZY_MIN` on the
contracted forms, only among aliases of the same organ type (the last character: 局, 委, 部,
办 …), so that 市委宣传部 never meets 市委组织部 nor 市科技局 市商务局; (4) unknown: ``None``
(the owner is still listed under its written name).

:meth:`Registry.is_unit` tells a unit's name from prose: it ends in one of the data's
``unit_suffixes`` (局, 委, 部门, 政府, 街道 …) after any trailing brackets, or the registry knows it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import regex

from ..model import Plan
from ..data import alternation
from ..data import load as load_data

FUZZY_MIN = 85
"""Minimum rapidfuzz ratio; 85 lets a one-character slip through only in names of 7+ characters."""

_NATIONAL_PREFIXES = ("中共中央", "国务院", "国家", "中央", "全国")
# Longest first, so 自治区 is not read as 区.
_LEVEL_SUFFIXES = (("自治区", "province"), ("自治州", "city"), ("自治县", "county"),
                   ("街道", "township"), ("省", "province"), ("市", "city"), ("州", "city"),
                   ("盟", "city"), ("县", "county"), ("区", "county"), ("旗", "county"),
                   ("镇", "township"), ("乡", "township"))
_MAX_PREFIX = 12
_TRAILING_BRACKET = regex.compile(r"[（(〔【][^（(〔【）)〕】]*[）)〕】]$")
_TRAILING_BRACKETS = regex.compile(r"(?:[（(〔【][^（(〔【）)〕】]*[）)〕】])+$")
_WS = regex.compile(r"\s+")


@dataclass(frozen=True)
class Match:
    id: str
    slug: str
    level: str | None
    method: str  # exact, rule or fuzzy
    score: float = 100.0


class Registry:
    """Canonical agencies with their aliases; see the module docstring for ids and matching."""

    def __init__(self, data: dict):
        self.full_names: dict[str, str] = {}
        self._contractions = [tuple(pair) for pair in data.get("contractions", [])]
        self._local: dict[str, str] = {}
        self._national: dict[str, str] = {}
        for entry in data["agency"]:
            slug, national = entry["id"], entry.get("national", [])
            if slug in self.full_names:
                raise ValueError(f"agency id {slug!r} listed twice")
            self.full_names[slug] = entry["name"]
            # A central body's own name (国家知识产权局) is not a local alias.
            local = [n for n in (entry["name"], *entry.get("aliases", [])) if n not in national]
            for table, names in ((self._local, local), (self._national, national)):
                for name in names:
                    if table.get(name, slug) != slug:
                        raise ValueError(f"alias {name!r} is listed for {table[name]} and {slug}")
                    table[name] = slug
        self._local_keys = {self.contract(k): v for k, v in self._local.items()}
        self._national_keys = {self.contract(k): v for k, v in self._national.items()}
        suffixes = data.get("unit_suffixes", [])
        self._unit_end = regex.compile(f"(?:{alternation(suffixes)})$") if suffixes else None

    def contract(self, name: str) -> str:
        for long, short in self._contractions:
            name = name.replace(long, short)
        return name

    def is_unit(self, name: str) -> bool:
        """Whether ``name`` looks like a unit's name (see the module docstring)."""
        name = _WS.sub("", name)
        if len(name) < 2:
            return False
        bare = _TRAILING_BRACKETS.sub("", name) or name
        return bool(self._unit_end and self._unit_end.search(bare)) or self.match(name) is not None

    def match(self, name: str) -> Match | None:
        """The canonical agency of a unit name as written, or ``None`` when it is unknown."""
        return self._match(_WS.sub("", name))

    # The same units own task after task, and every owner name is also tried as a unit while
    # clauses are read: a name is matched once.  (The registry lives as long as the process.)
    @lru_cache(maxsize=8192)  # noqa: B019
    def _match(self, name: str) -> Match | None:
        forms = [name]
        bare = _TRAILING_BRACKET.sub("", name)
        if bare and bare != name:
            forms.append(bare)
        splits = [s for form in forms for s in _splits(form)]
        for method in ("exact", "rule"):
            local, national = ((self._local, self._national) if method == "exact"
                               else (self._local_keys, self._national_keys))
            for level, rest in splits:
                key = rest if method == "exact" else self.contract(rest)
                for table, table_level in _tables(level, local, national):
                    if key in table:
                        return Match(_make_id(table_level, table[key]), table[key], table_level,
                                     method)
        return self._fuzzy(splits)

    def _fuzzy(self, splits: list[tuple[str | None, str]]) -> Match | None:
        from rapidfuzz import fuzz, process  # only for a name not listed

        best: Match | None = None
        for level, rest in splits:
            key = self.contract(rest)
            if len(key) < 2:
                continue
            for table, table_level in _tables(level, self._local_keys, self._national_keys):
                # Same organ type only: 局 never meets 部, 办 never meets 单位.
                choices = [k for k in table if k[-1] == key[-1]]
                found = process.extractOne(key, choices, scorer=fuzz.ratio,
                                           score_cutoff=FUZZY_MIN)
                if found and (best is None or found[1] > best.score):
                    slug = table[found[0]]
                    best = Match(_make_id(table_level, slug), slug, table_level, "fuzzy",
                                 found[1])
        return best


def _splits(name: str) -> list[tuple[str | None, str]]:
    """``(level, rest)`` readings of a name: unprefixed first, then by growing prefix."""
    out: list[tuple[str | None, str]] = [(None, name)]
    for prefix in _NATIONAL_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            out.append(("national", name[len(prefix):]))
    for end in range(1, min(len(name) - 1, _MAX_PREFIX) + 1):
        head = name[:end]
        for suffix, level in _LEVEL_SUFFIXES:
            if head.endswith(suffix):
                out.append((level, name[end:]))
                break
    return out


def _tables(level: str | None, local: dict[str, str], national: dict[str, str]
            ) -> list[tuple[dict[str, str], str | None]]:
    """Where a name read at ``level`` may be found, and the level a hit there gets."""
    if level == "national":
        return [(national, level), (local, level)]
    if level is None:  # 科技部 needs no prefix to be national
        return [(local, None), (national, "national")]
    return [(local, level)]


def _make_id(level: str | None, slug: str) -> str:
    return f"{level}:{slug}" if level else slug


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The registry of ``policyparse/data/agencies.toml``."""
    return Registry(load_data("agencies.toml"))


def canonical(name: str) -> str | None:
    """The canonical agency id of a unit name as written (``None`` when unknown)."""
    found = registry().match(name)
    return found.id if found else None


@dataclass
class AgencyRow:
    """One line of the ``policyparse agencies`` table."""

    agency: str | None
    canonical_name: str | None = None
    names: list[str] = field(default_factory=list)
    led: int = 0
    responsible: int = 0
    documents: list[str] = field(default_factory=list)


def owner_table(plans: Iterable[Plan]) -> list[AgencyRow]:
    """Who owns how many tasks across ``plans``: one row per canonical agency (an unknown unit
    gets a row of its own written name), most tasks first.  A task counts once per role."""
    rows: dict[str, AgencyRow] = {}
    for plan in plans:
        for task in plan.tasks:
            seen: set[tuple[str, str]] = set()
            for owner in task.owners:
                key = owner.agency or f"?{owner.name}"
                if key not in rows:
                    slug = owner.agency.rpartition(":")[2] if owner.agency else None
                    rows[key] = AgencyRow(owner.agency, registry().full_names.get(slug))
                row = rows[key]
                if owner.name not in row.names:
                    row.names.append(owner.name)
                if plan.document not in row.documents:
                    row.documents.append(plan.document)
                if (key, owner.role) in seen:
                    continue
                seen.add((key, owner.role))
                if owner.role == "lead":
                    row.led += 1
                else:
                    row.responsible += 1
    return sorted(rows.values(), key=lambda r: (-(r.led + r.responsible), -r.led,
                                                r.agency or "~", r.names[0]))


def format_table(rows: list[AgencyRow], fmt: str = "text") -> str:
    """Render :func:`owner_table` as a fixed-width text table or as JSON."""
    if fmt == "json":
        return json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2)
    width = max([len("(unknown)"), *(len(r.agency or "") for r in rows)]) + 2
    lines = [f"{'agency':<{width}}{'led':>5}{'resp':>6}{'docs':>6}  canonical name: "
             "names as written"]
    lines.append("-" * len(lines[0]))
    for r in rows:
        lines.append(f"{r.agency or '(unknown)':<{width}}{r.led:>5}{r.responsible:>6}"
                     f"{len(r.documents):>6}  {r.canonical_name or '?'}: {'、'.join(r.names)}")
    return "\n".join(lines)
