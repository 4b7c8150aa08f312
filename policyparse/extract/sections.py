"""Goal or baseline: what a figure in the prose of a plan states.

A plan states what already is in its background part (规划背景, 发展基础, 问题与不足: by heading
title, ``data/sections.toml``) and what it aims for everywhere else (goals, tasks, safeguards).
Inside a sentence, tense overrides the part: a figure after an as-of or past date, or after 已,
states what is (截至2023年底，全市有效发明专利300件，到2026年达到500件); in the background a
figure after a deadline within the plan period (到2025年…) is a goal.

Not every quantity is a figure of the plan.  :func:`prose_figures` drops bare numbers (chart
data, codes), numbers written in Chinese numerals without a bound word (一支队伍, 两条主线,
三年行动方案), durations other than ceilings (连续三年, but 缩短至2个月), figures inside quotations
and titles (“到2025年…达到13%”, 《…三年行动方案》), figures that are part of a date (近3年来),
conditions (对…达到10件以上的企业给予奖励) and, in a glossary, figures that define a term rather
than set a goal (维持年限超过10年的发明专利).

Targets and facts both read these figures (:func:`prose_figures`, read once for the two); each
carries its span and metric phrase (:mod:`.metrics`), its sentence and the dates of its paragraph,
from which the targets take their deadline and the facts their as-of date.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cache
from typing import Literal, TypeVar

import regex

from ..memo import per_plan
from ..meta import gazetteer
from ..model import Block, Fact, Heading, Plan, Target
from .cues import classify, cue_pattern, segment_before
from .deadlines import DateMention, find_dates
from .metrics import Phrase, figure_end, figure_phrases, sentence_start
from .numbers import Quantity, find_quantities
from ..data import alternation, load as load_data

Kind = Literal["background", "glossary"]
Role = Literal["target", "fact"]

# Quotations and titles: a figure inside states someone else's words.
_QUOTED = regex.compile(r"“[^”\n]*”|《[^》\n]*》|\"[^\"\n]*\"")
_PAST_DATES = frozenset({"as-of", "since", "recent"})
_DURATIONS = frozenset({"month", "day"})


@dataclass(frozen=True)
class Vocabulary:
    background: regex.Pattern
    glossary: regex.Pattern
    past: regex.Pattern


@cache
def vocabulary() -> Vocabulary:
    data = load_data("sections.toml")
    return Vocabulary(background=regex.compile(alternation(data["background"])),
                      glossary=regex.compile(alternation(data["glossary"])),
                      past=regex.compile(alternation(data["past"])))


class Sections:
    """The kind of the part each position of the text is in (``None``: goals and the rest)."""

    def __init__(self, headings: list[Heading]):
        vocab = vocabulary()
        kinds: dict[str, Kind | None] = {}
        for h in headings:  # parents come before their children
            own = "background" if vocab.background.search(h.title) else \
                "glossary" if vocab.glossary.search(h.title) else None
            kinds[h.id] = own or kinds.get(h.parent)
        ordered = sorted(headings, key=lambda h: h.source.start)
        self._starts = [h.source.start for h in ordered]
        self._kinds = [kinds[h.id] for h in ordered]

    def kind_at(self, pos: int) -> Kind | None:
        """The kind of the innermost heading before ``pos`` (the one whose part it is in)."""
        i = bisect.bisect_right(self._starts, pos) - 1
        return self._kinds[i] if i >= 0 else None


@dataclass(frozen=True, slots=True)
class Figure:
    """A quantity the plan states, with what it is (``role``), its span and metric phrase, its
    paragraph with the dates in it, and where its sentence starts."""

    quantity: Quantity
    role: Role
    phrase: Phrase
    block: Block
    dates: tuple[DateMention, ...]
    sentence: int


# The targets and the facts components read the same figures one after the other.
@per_plan(lambda plan: (plan.text, len(plan.blocks),
                        [(h.id, h.source.start, h.title) for h in plan.headings],
                        plan.meta.period, plan.meta.issued, plan.meta.region))
def prose_figures(plan: Plan) -> list[Figure]:
    """The figures of the plan's prose (tables are read by :mod:`.tables`), in text order."""
    text, sections = plan.text, Sections(plan.headings)
    first_year = start_year(plan)
    names = own_names(plan.meta.region)
    out: list[Figure] = []
    for block in plan.blocks:
        if block.kind not in ("paragraph", "heading"):
            continue
        body = text[block.start:block.end]
        quantities = find_quantities(body, block.start)
        if not quantities:
            continue
        dates = tuple(find_dates(body[:quantities[-1].end - block.start], block.start))
        quoted = [(m.start() + block.start, m.end() + block.start) for m in _QUOTED.finditer(body)]
        kept = [q for q in quantities if _is_figure(q, dates, quoted)]
        for q, phrase in zip(kept, figure_phrases(text, kept, names, dates)):
            sentence = sentence_start(text, q.start)
            if q.unit_family in _DURATIONS and classify(text[sentence:q.end], q, sentence) \
                    .comparator != "<=":
                continue  # 连续三年, 两年时间: how long, not how much (but 缩短至2个月)
            segment = segment_before(text[sentence:q.start], q.start - sentence)
            if _is_condition(text, q, segment):
                continue
            role = _role(sections.kind_at(q.start), q, dates, sentence, segment, first_year)
            if role is not None:
                out.append(Figure(q, role, phrase, block, dates, sentence))
    return out


M = TypeVar("M", Target, Fact)


def in_text_order(items: list[M], prefix: str) -> list[M]:
    """``items`` (prose and table ones) sorted by where they stand, numbered ``prefix``1, 2, …"""
    items.sort(key=lambda item: item.source.start)
    for i, item in enumerate(items, 1):
        item.id = f"{prefix}{i}"
    return items


def start_year(plan: Plan) -> int | None:
    """The first year of the plan: its period's start, else its year of issue."""
    if plan.meta.period.start:
        return plan.meta.period.start
    return int(plan.meta.issued[:4]) if plan.meta.issued else None


def own_names(region: str | None) -> tuple[str, ...]:
    """How the text names the plan's own place as a subject: the zone at the end of its region
    (武汉经济技术开发区), else its deepest division (宜都市)."""
    if not region:
        return ()
    hits = gazetteer().mentions(region)
    last_end = hits[-1][1] if hits else 0
    name = region[last_end:] or hits[-1][2]
    return (name,) if len(name) >= 2 else ()


def _is_figure(q: Quantity, dates: tuple[DateMention, ...], quoted: list[tuple[int, int]]) -> bool:
    if q.unit is None and not (q.bound or q.approx):
        return False  # a bare number: chart data, a code, a count without its unit
    if not q.written[0].isdigit() and not (q.bound or q.approx or q.unit_family == "percent"):
        return False  # 一支队伍, 两条主线: an article or a set phrase (百分之三十 is a figure)
    if any(s <= q.start and q.end <= e for s, e in quoted):
        return False
    return not any(d.start <= q.start < d.end for d in dates)  # 近3年来, 三年示范期


def _is_condition(text: str, q: Quantity, segment: str) -> bool:
    """A figure that qualifies a noun after a verb of reaching states a condition, not a goal:
    对年度发明专利授权量达到10件以上的企业给予奖励 (but 进行不少于2次的专利导航服务 is a goal)."""
    return text.startswith("的", figure_end(text, q, len(text))) and \
        cue_pattern("kind", "level").search(segment) is not None


def _role(kind: Kind | None, q: Quantity, dates: tuple[DateMention, ...], sentence: int,
          segment: str, start_year: int | None) -> Role | None:
    """Fact or target by the part of the plan, then by the nearest date before the figure in its
    sentence and the past words (已) in its clause segment."""
    before = [d for d in dates if sentence <= d.start and d.end <= q.start and not d.comparison]
    nearest = before[-1] if before else None
    future = nearest is not None and nearest.kind == "by" and \
        (start_year is None or (nearest.year or 0) >= start_year)
    if kind == "glossary":
        return "target" if future else None
    if kind == "background":
        return "target" if future else "fact"
    if nearest is not None and (nearest.kind in _PAST_DATES or nearest.kind == "point" and
                                start_year is not None and (nearest.year or 0) < start_year):
        return "fact"
    if vocabulary().past.search(segment):
        return "fact"
    return "target"
