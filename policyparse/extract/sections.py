"""Goal, baseline or neither: what a figure in the prose of a document states.

A plan states what already is in its background part (规划背景, 发展基础, “十三五”时期取得的成就:
by heading title, ``data/sections.toml``) and what it aims for in its goal part (发展目标, or a
run-in title: （一）目标任务。…).  Elsewhere, and inside a sentence in any part, tense decides: a
figure after an as-of or past date (截至2023年底, 2020年 before the plan began, “十三五”期间 in a
later plan), after 已, 目前, 同比 or a verb with 了 in its clause, after …以来 in its sentence, or
followed by 为基数 states what is; a figure after a deadline within the plan period (到2025年…)
is a goal, in the background too.

Any other figure is a goal only with a cue of one (达到, 新增, 建设, 不少于, 确保, a range, a time
limit for a result: 确保1年内完成), and a regulation's (办法, 条例) only when dated: a target is a
goal with a deadline or the document's period, and rules and limits are none (7个工作日内答复,
每年至少更新1次 as a standing duty).  Figures of rules and conditions are neither target nor fact:
modal words of a regulation or a definition (应当, 不得, 允许, 可以处…罚款, 年满, 是指), conditions
(对…达到10件以上的企业给予奖励, 入围企业在3家及以上的，采取…, 15万平方米以上的商业综合体), glosses
(大型公共建筑（单体面积2万平方米以上）) and durations that say how long, not what by when (连续三年,
在两年之内实行…, but 缩短至2个月).

Not every quantity is a figure of the document either.  :func:`prose_figures` drops bare numbers
(chart data, codes), numbers written in Chinese numerals without a bound word (一支队伍, 两条主线,
三年行动方案), factors of a formula (门诊收入/医疗收入×100%), figures inside quotations and titles
(“到2025年…达到13%”, 《…三年行动方案》), figures that are part of a date (近3年来) and, in a
glossary, figures that define a term rather than set a goal (维持年限超过10年的发明专利).

Targets and facts both read these figures (:func:`prose_figures`, read once for the two); each
carries its span and metric phrase (:mod:`.metrics`), its sentence and the dates of its paragraph,
from which the targets take their deadline and the facts their as-of date.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from typing import Literal, TypeVar

import regex

from ..memo import per_plan
from ..geo import gazetteer
from ..limits import check
from ..model import Block, Fact, Heading, Plan, Target
from ..text.clauses import clause_bounds, sentence_start
from ..structure.parts import part_kind, states_rules_by_kind
from ..text.markers import parse_marker
from .cues import DURATIONS, cue_pattern, segment_before, time_limit
from .deadlines import DateMention, find_dates
from .metrics import Phrase, figure_end, figure_phrases
from .numbers import Quantity, find_quantities
from ..data import alternation, load as load_data

Kind = Literal["background", "glossary", "goal"]
# What the parts of the document (structure/parts.py) state: figures of the background are
# baselines, of definitions they define terms, of the goals they are targets.
_PART_KINDS: dict[str | None, Kind] = {"background": "background", "definitions": "glossary",
                                       "goals": "goal"}
Role = Literal["target", "fact"]

# Quotations and titles: a figure inside states someone else's words.
_QUOTED = regex.compile(r"“[^”\n]*”|《[^》\n]*》|\"[^\"\n]*\"")
_PAST_DATES = frozenset({"as-of", "since", "recent"})
# A share or a time limit for a result in a plan is a level to reach (覆盖率50%, 确保1年内完成).
_GOAL_FAMILIES = DURATIONS | {"percent", "percentage-point"}
# A numbered paragraph's run-in title ends at its first stop: （一）目标任务。选择…
_RUN_IN_END = regex.compile("[。：:；;，,\n]")
# A condition clause before or around a figure: …的， (入围生产企业在3家及以上的，).
_CONDITION = regex.compile("的[，,：:]")
# An open bracket with words in it before a figure: （单体建筑面积2万平方米以上）.
_GLOSS = regex.compile(r"[（(][^（）()\d]+\Z")
_CLOSE = ("）", ")")


@dataclass(frozen=True)
class Vocabulary:
    goal_cues: regex.Pattern
    past: regex.Pattern
    past_span: regex.Pattern
    base_after: regex.Pattern
    rule: regex.Pattern
    duration_goal: regex.Pattern
    duration_cut: regex.Pattern
    formula: frozenset[str]


@cache
def vocabulary() -> Vocabulary:
    data = load_data("sections.toml")

    def words(key: str, literal: bool = True) -> regex.Pattern:
        return regex.compile(alternation(data[key], literal=literal))

    # Words of aiming, and every cue word of data/cues.toml (达到, 新增, 建设, 每年 …)
    goal_cues = [alternation(data["goal_cues"]),
                 *(cue_pattern(table).pattern for table in ("comparator", "kind", "flags"))]
    return Vocabulary(past=words("past", literal=False),
                      goal_cues=regex.compile("|".join(goal_cues)), past_span=words("past_span"),
                      base_after=words("base_after"), rule=words("rule", literal=False),
                      duration_goal=words("duration_goal"), duration_cut=words("duration_cut"),
                      formula=frozenset(data["formula"]))


class Sections:
    """The kind of the part each position of the text is in (``None``: goals and the rest)."""

    def __init__(self, headings: list[Heading]):
        kinds: dict[str, Kind | None] = {}
        for h in headings:  # parents come before their children
            kinds[h.id] = _PART_KINDS.get(part_kind(h.title)) or kinds.get(h.parent)
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
                        plan.meta.period, plan.meta.issued, plan.meta.region, plan.meta.doc_type))
def prose_figures(plan: Plan) -> list[Figure]:
    """The figures of the plan's prose (tables are read by :mod:`.tables`), in text order."""
    text, sections = plan.text, Sections(plan.headings)
    first_year = start_year(plan)
    # A regulation's figures are rules unless dated; other documents' goals run to their
    # period's end (or to the end of their year of issue).
    undated_goals = not states_rules_by_kind(plan.meta.doc_type)
    names = own_names(plan.meta.region)
    out: list[Figure] = []
    for block in plan.blocks:
        if block.kind not in ("paragraph", "heading"):
            continue
        check("reading figures")  # the costliest loop of a parse: a limit is noticed here
        body = text[block.start:block.end]
        quantities = find_quantities(body, block.start)
        if not quantities:
            continue
        dates = tuple(find_dates(body[:quantities[-1].end - block.start], block.start))
        quoted = [(m.start() + block.start, m.end() + block.start) for m in _QUOTED.finditer(body)]
        index = _DateIndex.of(dates)
        kept = [q for q in quantities if _is_figure(text, q, index, quoted)]
        goal_block = _has_goal_title(body)
        for q, phrase in zip(kept, figure_phrases(text, kept, names, dates)):
            sentence = sentence_start(text, q.start)
            segment = segment_before(text[sentence:q.start], q.start - sentence)
            if _is_rule(text, q, sentence, segment):
                continue
            kind = sections.kind_at(q.start) or ("goal" if goal_block else None)
            role = _role(text, kind, q, index, sentence, segment, first_year, undated_goals)
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


_LEVELS = "省市州盟县区旗镇乡"


def own_names(region: str | None) -> tuple[str, ...]:
    """How the text names the plan's own place as a subject: the zone at the end of its region
    (示例经济技术开发区), else its deepest division (某县)."""
    if not region:
        return ()
    hits = gazetteer().mentions(region)
    last_end = hits[-1][1] if hits else 0
    name = region[last_end:] or hits[-1][2]
    if len(name) < 2:
        return ()
    # 全州 in a prefecture's document, 全省 in a province's: "all of" its own level
    level = name[-1]
    return (name, f"全{level}") if level in _LEVELS and name != f"全{level}" else (name,)


@dataclass(frozen=True)
class _DateIndex:
    """A paragraph's dates (in text order) looked up by position: a paragraph of a thousand
    figures is not scanned again for each."""

    dates: tuple[DateMention, ...]
    starts: list[int]
    reach: list[int]  # reach[i]: the furthest end of dates[:i + 1]

    @classmethod
    def of(cls, dates: tuple[DateMention, ...]) -> _DateIndex:
        return cls(dates, [d.start for d in dates], list(accumulate((d.end for d in dates), max)))

    def covers(self, pos: int) -> bool:
        """Whether a date holds ``pos`` (近3年来, 三年示范期)."""
        i = bisect.bisect_right(self.starts, pos)
        return i > 0 and self.reach[i - 1] > pos

    def between(self, start: int, end: int) -> list[DateMention]:
        """The dates inside ``[start, end)``, in text order."""
        lo, hi = bisect.bisect_left(self.starts, start), bisect.bisect_right(self.starts, end)
        return [d for d in self.dates[lo:hi] if d.end <= end]


def _is_figure(text: str, q: Quantity, dates: _DateIndex,
               quoted: list[tuple[int, int]]) -> bool:
    if q.unit is None and not (q.bound or q.approx):
        return False  # a bare number: chart data, a code, a count without its unit
    if not q.written[0].isdigit() and not (q.bound or q.approx or q.unit_family == "percent"):
        return False  # 一支队伍, 两条主线: an article or a set phrase (百分之三十 is a figure)
    if any(s <= q.start and q.end <= e for s, e in quoted):
        return False
    if text[max(0, q.start - 2):q.start].rstrip(" ")[-1:] in vocabulary().formula:
        return False  # 门诊收入/医疗收入×100%: a formula's factor, not a value
    return not dates.covers(q.start)  # 近3年来, 三年示范期


def _has_goal_title(body: str) -> bool:
    """The paragraph opens with a numbered run-in title naming goals: （一）目标任务。…"""
    marker = parse_marker(body)
    if marker is None:
        return False
    title = _RUN_IN_END.split(body[marker.title_start:], 1)[0]
    return part_kind(title) == "goals"


def _is_rule(text: str, q: Quantity, sentence: int, segment: str) -> bool:
    """A figure that states a rule, a condition or a time limit rather than a goal."""
    if vocabulary().rule.search(segment):
        return True  # 应当在7个工作日内, 允许不超过三分之一, 可以处10万元以下的罚款
    if q.unit_family in DURATIONS and not _is_duration_goal(text, q, segment):
        return True  # 连续三年, 7个工作日内答复 (but 缩短至2个月, 确保1年内完成)
    return _is_condition(text, q, sentence, segment)


def _is_duration_goal(text: str, q: Quantity, segment: str) -> bool:
    """A time that is itself the goal: cut to a length (缩短至2个月), or a time limit for a
    result (确保2年内完成改造任务, 在2—3年内调整到位)."""
    vocab = vocabulary()
    if vocab.duration_cut.search(segment):
        return True
    if not time_limit(text, q):
        return False
    clause_end = clause_bounds(text, q.start, q.end)[1]
    return vocab.duration_goal.search(text, q.end, clause_end) is not None


def _is_condition(text: str, q: Quantity, sentence: int, segment: str) -> bool:
    """A figure in a condition, not a goal:

    - it qualifies a noun after a verb of reaching or comparing (对年度纳税额达到500万元以上
      的企业给予奖励, 高于年均19次的水平) or, with a bound after it, a noun with no verb of doing
      before (建筑面积15万平方米以上的商业综合体, 10万元以下的罚款; but 开展不少于2次的应急演练
      and 建设10家以上的中心 are goals);
    - with a bound after it, it closes a bracket that glosses the noun before (大型公共建筑（单体
      建筑面积2万平方米以上）; but 专利导航基地（1至3个） is a goal);
    - its clause, or one before it in the sentence, is a condition ending in 的 (入围生产企业在3家
      及以上的，采取招标采购; 新设立…机构的，允许…)."""
    end = figure_end(text, q, len(text))
    bounded = end > q.end and not cue_pattern("kind", "count").search(segment)
    if text.startswith("的", end):
        if cue_pattern("kind", "level").search(segment) or bounded:
            return True
        if not q.bound and cue_pattern("comparator").search(segment):
            return True  # 大大高于年均19次的水平: the figure is a reference point
    if bounded and text.startswith(_CLOSE, end) and _GLOSS.search(segment):
        return True
    clause_end = clause_bounds(text, q.start, q.end)[1]
    return _CONDITION.search(text, sentence, clause_end + 1) is not None


def _role(text: str, kind: Kind | None, q: Quantity, dates: _DateIndex,
          sentence: int, segment: str, start_year: int | None,
          undated_goals: bool) -> Role | None:
    """Fact, target or neither, by the nearest date before the figure in its sentence, the part
    of the plan, the past words (已) in its clause segment and its goal cues.

    A target is a goal with a deadline or the plan's period: outside a goal part, a figure with
    no cue of a goal (达到, 新增, 建设, 以上, 确保, 下降, a range, a share, a time limit for a
    result) states neither (由规模、效益等5个方面构成), and without ``undated_goals`` (a regulation)
    only a dated figure is a goal."""
    # 年度, 年增长 qualify the metric as yearly: no date to tell the figure's tense by (到2023年，
    # 年度专利授权量不少于1200件); a clause's own 每年 does date it (以2020年…为基数，每年新增…).
    before = [d for d in dates.between(sentence, q.start) if not d.comparison
              and not (d.kind == "per-year" and d.written.startswith("年"))]
    tense = _tense(before[-1], start_year) if before else None
    if kind == "glossary":
        return "target" if tense == "future" else None
    if kind == "background":  # written as of one date: only 到2025年 points ahead
        return "target" if tense == "future" and before[-1].kind == "by" else "fact"
    vocab = vocabulary()
    if tense == "past" or vocab.past.search(segment) or \
            vocab.base_after.match(text, figure_end(text, q, len(text))):
        return "fact"
    if tense == "future":
        return "target"
    if vocab.past_span.search(text, sentence, q.start):
        return "fact"
    if kind == "goal":
        return "target"
    goal_like = q.bound or q.value_max is not None or q.unit_family in _GOAL_FAMILIES or \
        vocab.goal_cues.search(segment)
    return "target" if undated_goals and goal_like else None


def _tense(d: DateMention, start_year: int | None) -> Literal["past", "future"] | None:
    """What a date before a figure makes of it: a goal due then, or what was by then (a year
    of unknown relation to the plan's start, such as 2018年 in an undated notice: neither)."""
    if d.kind in _PAST_DATES:
        return "past"
    year = d.end_year if d.kind in ("range", "fyp") else d.year
    if d.kind in ("by", "point", "range", "fyp") and year is not None and start_year is not None:
        return "past" if year < start_year else "future"
    return "future" if d.kind in ("by", "month", "plan-period") else None
