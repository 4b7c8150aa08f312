"""Defect operators: each copies a document's text with one known defect written into it.

An operator takes the parsed clean plan (the parser tells it where headings, targets, facts and
tables are) and a seeded RNG, and returns an :class:`Injection` or ``None`` when the document
offers no place for it.  Operators share nothing with the linter: no import of
``policyparse.lint`` or ``policyparse.data``, their own phrasings (``phrasings.toml``) and their own
small patterns, so a detection is the linter's and not the benchmark agreeing with itself.
"""

from __future__ import annotations

import random
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from policyparse.model import Plan

PHRASES = tomllib.loads((Path(__file__).with_name("phrasings.toml")).read_text(encoding="utf-8"))
MIN_GAP = 300          # chars between a figure and its contradicting restatement
CN = "零一二三四五六七八九十"


@dataclass
class Injection:
    """Edits of the clean plan's text (offsets into ``plan.text``) that write one defect in."""
    edits: list[tuple[int, int, str]]   # (start, end, new text), in text order
    marks: list[tuple[int, int]]        # spans of the clean text the defect also involves
    operator: str
    snippet: str


Operator = Callable[[Plan, random.Random], Injection | None]


# --- text helpers --------------------------------------------------------------------------

def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.2f}".rstrip("0").rstrip(".")


def _cn(n: int) -> str:
    if n <= 10:
        return CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN[tens]) + "十" + (CN[ones] if ones else "")


def _in_table(plan: Plan, pos: int) -> bool:
    return any(t.source.start <= pos < t.source.end for t in plan.tables)


def _body_start(plan: Plan) -> int:
    return plan.headings[0].source.start if plan.headings else min(len(plan.text) // 10, 400)


def _sentence_ends(plan: Plan, lo: int = 0, hi: int | None = None) -> list[int]:
    """Offsets just after a 。 of running prose (not in a table, not ending a heading line)."""
    hi = len(plan.text) if hi is None else hi
    return [m.end() for m in re.finditer("。(?!\n?$)", plan.text)
            if lo <= m.end() <= hi and not _in_table(plan, m.start())
            and m.start() > _body_start(plan)]


def _far_end(plan: Plan, rng: random.Random, avoid: int, lo: int = 0,
             hi: int | None = None) -> int | None:
    ends = [e for e in _sentence_ends(plan, lo, hi) if abs(e - avoid) >= MIN_GAP]
    return rng.choice(ends) if ends else None


def _insert(at: int, snippet: str, name: str, marks: list | None = None) -> Injection:
    return Injection([(at, at, snippet)], marks or [], name, snippet)


def _replace(text: str, start: int, end: int, new: str, name: str) -> Injection:
    return Injection([(start, end, new)], [], name, f"{text[start:end]} → {new}")


def _scope(plan: Plan) -> str:
    region = plan.meta.region or ""
    if region == "全国":
        return "全国"
    last = region[-1:] if region else ""
    return "全" + last if last in "省市县区州旗盟" else "全市"


def _year(plan: Plan) -> int:
    if plan.meta.issued:
        return int(plan.meta.issued[:4])
    p = plan.meta.period
    return p.start or 2023


def _deadline(plan: Plan) -> int:
    return plan.meta.period.end or _year(plan) + 2


def _goals(plan: Plan) -> list:
    """Prose goals with a figure, a unit and a deadline (not table rows)."""
    return [t for t in plan.targets if t.unit and t.value and t.deadline and t.comparator != "<="
            and not _in_table(plan, t.source.start) and "\t" not in t.source.text]


def _generic(rng: random.Random, key: str = "metrics") -> tuple[str, str, float]:
    metric, unit, size = rng.choice(PHRASES["generic"][key])
    return metric, unit, _round(size * rng.uniform(0.6, 1.6))


def _round(v: float) -> float:
    if v >= 100:
        return float(round(v, -1 if v < 1000 else -2))
    return float(round(v)) if v >= 10 else round(v, 1)


def _whole(unit: str) -> bool:
    """Units counted in whole numbers (家, 个, 件, 人 …), not amounts or ratios."""
    return unit not in ("%", "‰") and "元" not in unit and not unit.startswith(("万", "亿"))


def _at_least(w: float, v: float, unit: str) -> float:
    """``w`` written as the document would (whole counts), never below ``v``."""
    return float(max(round(w), round(v))) if _whole(unit) else _round(w)


def _other_value(v: float, unit: str, rng: random.Random) -> float:
    """A different value of the same order (not a power of ten away)."""
    factors = [0.5, 0.6, 0.75, 0.8, 1.2, 1.25, 1.5, 2.0]
    rng.shuffle(factors)
    for f in factors:
        w = float(round(v * f)) if _whole(unit) else _round(v * f)
        if w != v and w > 0:
            return w
    return v * 2


def _metric_variant(metric: str, unit: str, plan: Plan, rng: random.Random) -> str:
    """The same measure worded a little differently: a scope prefix, 总量/量 or 数量 swapped
    (累计 comes with the verb)."""
    scope = _scope(plan)
    m = metric.removeprefix(scope)
    options = [scope + m, m]
    if m.endswith("总量"):
        options.append(m[:-2] + "量")
    if m.endswith("数量"):
        options.append(m[:-2])
    elif _whole(unit) and not m.endswith(("量", "数")):
        options.append(m + "数量")
    options = [o for o in options if o != metric] or [metric]
    return rng.choice(options)


# --- placeholder ---------------------------------------------------------------------------

_FIGURE = re.compile(r"(?<![0-9.])[1-9][0-9]*(?:\.[0-9]+)?(?=万元|亿元|家|个|件|项|人|所|%|万件)")
_YEAR = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}年")


def _prose_matches(plan: Plan, pattern: re.Pattern) -> list[re.Match]:
    return [m for m in pattern.finditer(plan.text)
            if m.start() > _body_start(plan) and not _in_table(plan, m.start())]


def _blank_out(plan: Plan, rng: random.Random, pattern: re.Pattern, marks: str, name: str
               ) -> Injection | None:
    hits = _prose_matches(plan, pattern)
    if not hits:
        return None
    m = rng.choice(hits)
    return _replace(plan.text, m.start(), m.end(), rng.choice(PHRASES["placeholder"][marks]), name)


def placeholder_figure(plan: Plan, rng: random.Random) -> Injection | None:
    return _blank_out(plan, rng, _FIGURE, "figure_marks", "placeholder-figure")


def placeholder_year(plan: Plan, rng: random.Random) -> Injection | None:
    return _blank_out(plan, rng, _YEAR, "year_marks", "placeholder-year")


def placeholder_name(plan: Plan, rng: random.Random) -> Injection | None:
    """A unit or place name left as 〇〇县 / ××局."""
    ph = PHRASES["placeholder"]
    owners = [o for t in plan.tasks for o in t.owners if len(o.name) >= 4]
    if owners and rng.random() < 0.5:
        o = rng.choice(owners)
        new = rng.choice(ph["name_marks"]) + rng.choice(ph["unit_names"])
        return _replace(plan.text, o.source.start, o.source.end, new, "placeholder-unit")
    region = (plan.meta.region or "").split("省")[-1]
    names = [n for n in re.findall(r"[\u4e00-\u9fff]{1,4}?[市县区州]", region) if len(n) >= 3]
    hits = [m for n in names for m in re.finditer(re.escape(n), plan.text)
            if m.start() > _body_start(plan)]
    if not hits:
        return None
    m = rng.choice(hits)
    new = rng.choice(ph["name_marks"]) + m.group()[-1]
    return _replace(plan.text, m.start(), m.end(), new, "placeholder-place")


def _lines(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]


def _main_end(plan: Plan) -> int:
    """Where the main text ends: before the first annex, else at the end of the text."""
    annex = [h.source.start for h in plan.headings if h.family == "appendix"]
    end = plan.text.rfind("\n", 0, annex[0]) if annex else len(plan.text.rstrip())
    tables = [t.source.start for t in plan.tables if t.source.start < end <= t.source.end + 1]
    return plan.text.rfind("\n", 0, tables[0]) if tables else end


def placeholder_blank_date(plan: Plan, rng: random.Random) -> Injection | None:
    """The signature's date never filled in: the date line emptied, or a blank one added."""
    blank = rng.choice(PHRASES["placeholder"]["blank_dates"])
    if plan.meta.issued:
        y, m, d = (int(x) for x in plan.meta.issued.split("-"))
        written = {f"{y}年{m}月{d}日", f"{y}年{m:02d}月{d:02d}日"}
        for s, e in _lines(plan.text):
            if plan.text[s:e].strip() in written:
                return _replace(plan.text, s, e, blank, "placeholder-blank-date")
    at = _main_end(plan)
    if at <= _body_start(plan):
        return None
    signer = f"\n{plan.meta.issuer}" if plan.meta.issuer else ""
    return _insert(at, f"{signer}\n{blank}", "placeholder-blank-date")


# --- editor residue ------------------------------------------------------------------------

def _fill(template: str, plan: Plan, rng: random.Random) -> str:
    return template.format(y=_year(plan) - 1, m=rng.randint(1, 9), n=rng.randint(80, 9000),
                           office=rng.choice(PHRASES["editor-residue"]["offices"]),
                           scope=_scope(plan))


def residue_note(plan: Plan, rng: random.Random) -> Injection | None:
    ends = _sentence_ends(plan)
    if not ends:
        return None
    note = _fill(rng.choice(PHRASES["editor-residue"]["notes"]), plan, rng)
    return _insert(rng.choice(ends), note, "residue-note")


def residue_web_line(plan: Plan, rng: random.Random) -> Injection | None:
    line = _fill(rng.choice(PHRASES["editor-residue"]["web_lines"]), plan, rng)
    at = rng.choice([0, len(plan.text.rstrip("\n"))])
    return _insert(at, line + "\n" if at == 0 else "\n" + line, "residue-web-line")


def residue_repeated_title(plan: Plan, rng: random.Random) -> Injection | None:
    """The title line or a heading line printed twice, as a database export does."""
    title = plan.meta.title or "\0"
    lines = [(s, e) for s, e in _lines(plan.text)
             if title in plan.text[s:e] and e - s <= len(title) + 12]
    lines += [(h.source.start, h.source.end) for h in plan.headings if "\n" not in h.source.text]
    if not lines:
        return None
    start, end = lines[0] if lines[0][0] < _body_start(plan) and rng.random() < 0.4 \
        else rng.choice(lines)
    return _insert(end, "\n" + plan.text[start:end], "residue-repeated-line")


def residue_char_ref(plan: Plan, rng: random.Random) -> Injection | None:
    ends = _sentence_ends(plan)
    if not ends:
        return None
    return _insert(rng.choice(ends), rng.choice(PHRASES["editor-residue"]["char_refs"]),
                   "residue-char-ref")


# --- numbering -----------------------------------------------------------------------------

_LABEL = re.compile(r"^(第)?([一二三四五六七八九十]+|[0-9]+)(章|节|条|、|\.|．|）|\))"
                    r"|^([（(])([一二三四五六七八九十]+|[0-9]+)([）)])")


@dataclass
class _Numbered:
    start: int            # offset of the number in the text
    end: int
    value: int
    arabic: bool
    shape: str            # the label with its number blanked: （N）, N、, 第N章
    group: tuple


def _value(num: str) -> int:
    if num.isdigit():
        return int(num)
    if "十" not in num:
        return CN.index(num)
    tens, _, ones = num.partition("十")
    return (CN.index(tens) if tens else 1) * 10 + (CN.index(ones) if ones else 0)


def _numbered(plan: Plan) -> dict[tuple, list[_Numbered]]:
    """Sibling runs of numbered headings and tasks, keyed by parent and label shape."""
    items: dict[int, _Numbered] = {}
    sources = [(h.source, h.parent) for h in plan.headings] + \
              [(t.source, t.path[-1] if t.path else None) for t in plan.tasks]
    for src, parent in sources:
        m = _LABEL.match(src.text)
        if not m or src.start in items:
            continue
        num = m.group(2) or m.group(5)
        idx = 2 if m.group(2) else 5
        shape = m.group()[:m.start(idx)] + "N" + m.group()[m.end(idx):]
        arabic = num.isdigit()
        items[src.start] = _Numbered(src.start + m.start(idx), src.start + m.end(idx),
                                     _value(num), arabic, shape, (parent, shape, arabic))
    runs: dict[tuple, list[_Numbered]] = {}
    for it in sorted(items.values(), key=lambda i: i.start):
        runs.setdefault(it.group, []).append(it)
    return {k: v for k, v in runs.items()
            if len(v) >= 3 and [i.value for i in v] == list(range(1, len(v) + 1))}


def _renumber(text: str, changes: list[tuple[_Numbered, str]], name: str) -> Injection:
    changes = sorted(changes, key=lambda c: c[0].start)
    snippet = ", ".join(f"{text[it.start:it.end]}→{new}" for it, new in changes)
    return Injection([(it.start, it.end, new) for it, new in changes], [], name, snippet)


def _num(it: _Numbered, value: int, arabic: bool | None = None) -> str:
    return str(value) if (it.arabic if arabic is None else arabic) else _cn(value)


def _pick(plan: Plan, rng: random.Random) -> tuple[list[_Numbered], int] | None:
    """A run of numbered siblings and a position in it (never the first)."""
    runs = list(_numbered(plan).values())
    if not runs:
        return None
    run = rng.choice(runs)
    return run, rng.randrange(1, len(run))


def numbering_skip(plan: Plan, rng: random.Random) -> Injection | None:
    if not (picked := _pick(plan, rng)):
        return None
    run, k = picked
    return _renumber(plan.text, [(it, _num(it, it.value + 1)) for it in run[k:]],
                     "numbering-skip")


def numbering_repeat(plan: Plan, rng: random.Random) -> Injection | None:
    if not (picked := _pick(plan, rng)):
        return None
    run, k = picked
    return _renumber(plan.text, [(run[k], _num(run[k], run[k - 1].value))], "numbering-repeat")


def numbering_style(plan: Plan, rng: random.Random) -> Injection | None:
    """One sibling in another number family: 3、 among 一、二、四、."""
    if not (picked := _pick(plan, rng)):
        return None
    it = picked[0][picked[1]]
    return _renumber(plan.text, [(it, _num(it, it.value, not it.arabic))], "numbering-style")


def numbering_swap(plan: Plan, rng: random.Random) -> Injection | None:
    if not (picked := _pick(plan, rng)):
        return None
    run, k = picked
    a, b = run[k - 1], run[k]
    return _renumber(plan.text, [(a, _num(a, b.value)), (b, _num(b, a.value))], "numbering-swap")


# --- date ----------------------------------------------------------------------------------

def _goal_year(plan: Plan, t) -> tuple[int, int] | None:
    """Where the year that dates goal ``t`` is written (到2025年, 2025年底前), in its source or
    earlier in its sentence; a bare year is left alone, changing it would make a past fact."""
    lo = max(plan.text.rfind(c, 0, t.source.start) for c in "。；\n") + 1
    hits = [m for m in re.finditer(f"(?<=[到至])({t.deadline})年|({t.deadline})年(?=底?前)",
                                   plan.text[lo:t.source.end])]
    return (lo + hits[-1].start(), lo + hits[-1].end()) if hits else None


def _redate(plan: Plan, rng: random.Random, year: int, name: str) -> Injection | None:
    goals = [t for t in _goals(plan) if t.deadline == _deadline(plan)]
    rng.shuffle(goals)
    for t in goals:
        at = _goal_year(plan, t)
        if at:
            return _replace(plan.text, *at, f"{year}年", name)
    metric, unit, v = _generic(rng)
    form = rng.choice(PHRASES["date"]["goal_forms"])
    ends = _sentence_ends(plan)
    if not ends:
        return None
    return _insert(rng.choice(ends), form.format(y=year, metric=metric, v=_fmt(v),
                                                            unit=unit) + "。", name)


def date_before_period(plan: Plan, rng: random.Random) -> Injection | None:
    start = plan.meta.period.start or _year(plan)
    return _redate(plan, rng, start - rng.randint(3, 9), "date-goal-before-period")


def date_after_period(plan: Plan, rng: random.Random) -> Injection | None:
    if not plan.meta.period.end:
        return None
    year = plan.meta.period.end + rng.randint(2, 4)
    if year in (2030, 2035, 2050):      # vision years are legitimate far goals
        year += 1
    return _redate(plan, rng, year, "date-goal-after-period")


_PHASE = re.compile(r"((?:19|20)[0-9]{2})年([0-9]{1,2})月\s*[-－—–~～至到]+\s*"
                    r"(?:((?:19|20)[0-9]{2})年)?([0-9]{1,2})月")


def date_phase_before_issue(plan: Plan, rng: random.Random) -> Injection | None:
    """A stage of the schedule that ends before the document was issued."""
    if not plan.meta.issued:
        return None
    issued = int(plan.meta.issued[:4])
    y = issued - rng.randint(1, 2)
    phases = [m for m in _PHASE.finditer(plan.text) if m.start() > _body_start(plan)]
    if phases and rng.random() < 0.5:
        m = rng.choice(phases)
        new = f"{y}年{m[2]}月-{y}年{m[4]}月" if int(m[2]) <= int(m[4]) else \
            f"{y - 1}年{m[2]}月-{y}年{m[4]}月"
        return _replace(plan.text, m.start(), m.end(), new, "date-phase-moved")
    lines = [e for s, e in _lines(plan.text) if len(plan.text) // 3 < e < _main_end(plan)
             and plan.text[e - 1] == "。" and not _in_table(plan, s)]
    if not lines:
        return None
    m = rng.randint(1, 8)
    text = rng.choice(PHRASES["date"]["phase_forms"]).format(y=y, m=m, m2=m + rng.randint(1, 4))
    return _insert(rng.choice(lines), "\n" + text + "。", "date-phase-before-issue")


# --- conflict, already-met, unit -------------------------------------------------------------

def _goal_sentence(plan: Plan, rng: random.Random, metric: str, v: float, unit: str,
                   year: int) -> str:
    verb = rng.choice(PHRASES["conflict"]["verbs"])
    return rng.choice([f"到{year}年，{metric}{verb}{_fmt(v)}{unit}",
                       f"{year}年底前，{metric}{verb}{_fmt(v)}{unit}",
                       f"力争到{year}年{metric}{verb}{_fmt(v)}{unit}"])


def _contradict(plan: Plan, rng: random.Random, name: str, sentence: Callable, key="metrics"
                ) -> Injection | None:
    """Restate a goal of the document far from it with ``sentence(metric, value, unit, year)``;
    in a document with no goal of its own, write the goal in first (a target sentence)."""
    goals = [t for t in _goals(plan) if t.kind == "level"
             and (key == "metrics" or t.unit in ("亿元", "万元"))]
    if goals:
        t = rng.choice(goals)
        at = _far_end(plan, rng, t.source.start)
        new = sentence(t.metric, t.value, t.unit, t.deadline)
        if at is None or new is None:
            return None
        return _insert(at, new + "。", name, [(t.source.start, t.source.end)])
    ends = _sentence_ends(plan)
    if len(ends) < 2:
        return None
    metric, unit, v = _generic(rng, key)
    year = _deadline(plan)
    first = rng.choice(ends)
    second = _far_end(plan, rng, first)
    new = sentence(metric, v, unit, year)
    if second is None or new is None:
        return None
    goal = _goal_sentence(plan, rng, metric, v, unit, year) + "。"
    edits = sorted([(first, first, goal), (second, second, new + "。")])
    return Injection(edits, [], name, f"{goal} / {new}")


def conflict_restated(plan: Plan, rng: random.Random) -> Injection | None:
    def sentence(metric, v, unit, year):
        return _goal_sentence(plan, rng, _metric_variant(metric, unit, plan, rng),
                              _other_value(v, unit, rng), unit, year)
    return _contradict(plan, rng, "conflict-restated", sentence)


def already_met_baseline(plan: Plan, rng: random.Random) -> Injection | None:
    # A stock or share to reach (GOLD.md's kinds level and share): a count of things to do, an
    # increment or a growth rate is not met by what already exists.
    goals = [t for t in _goals(plan) if t.comparator == ">=" and t.kind in ("level", "share")]
    # Dated no earlier than any figure the document reports: the newest baseline is the one a
    # reader measures the goal against (and not after the document's own year).
    y = min(_year(plan), max(
        [(plan.meta.period.start or _year(plan)) - 1]
        + [int(f.as_of[:4]) for f in plan.facts if f.as_of and f.as_of[:4].isdigit()]))
    form = rng.choice(PHRASES["already-met"]["baselines"])

    def baseline(metric, v, unit):
        return form.format(y=y, m=rng.randint(3, 11), scope=_scope(plan),
                           metric=metric.removeprefix(_scope(plan)), unit=unit,
                           v=_fmt(_at_least(v * rng.choice([1.0, 1.1, 1.3, 1.5]), v, unit)))
    if goals:
        t = rng.choice(goals)
        ends = [e for e in _sentence_ends(plan, 0, t.source.start) if t.source.start - e >= 50]
        if not ends:
            return None
        new = baseline(t.metric, t.value, t.unit)
        return _insert(rng.choice(ends[: max(1, len(ends) // 2)]), new + "。",
                       "already-met-baseline", [(t.source.start, t.source.end)])
    ends = _sentence_ends(plan)
    if len(ends) < 2:
        return None
    metric, unit, v = _generic(rng, "stock_metrics")
    ends = [e for e in ends if e < _main_end(plan)]  # a baseline belongs to the plan's own text
    if len(ends) < 2:
        return None
    at, later = sorted(rng.sample(ends, 2))
    goal = _goal_sentence(plan, rng, metric, v, unit, _deadline(plan)) + "。"
    new = baseline(metric, v, unit) + "。"
    return Injection([(at, at, new), (later, later, goal)], [], "already-met-baseline",
                     f"{new} / {goal}")


def _misscaled(v: float, unit: str, rng: random.Random) -> tuple[float, str] | None:
    """The same amount in another unit, off by a power of ten."""
    if unit == "亿元":
        return rng.choice([(v * 1000, "万元"), (v, "万元")])
    if unit == "万元":
        return (v / 1000, "亿元") if v >= 1000 else (v, "亿元")
    if unit.startswith("万"):
        return v * 1000, unit[1:]
    return None


def unit_restated(plan: Plan, rng: random.Random) -> Injection | None:
    forms = PHRASES["unit"]

    def sentence(metric, v, unit, year):
        scaled = _misscaled(v, unit, rng)
        if scaled is None:
            return None
        w, u = scaled
        return rng.choice(forms["restatements"]).format(
            metric=metric, verb=rng.choice(forms["verbs"]), v=_fmt(_round(w)), unit=u, y=year)
    facts = [f for f in plan.facts if f.unit in ("亿元", "万元") and f.value
             and not _in_table(plan, f.source.start)]
    if facts and rng.random() < 0.4:
        f = rng.choice(facts)
        at = _far_end(plan, rng, f.source.start)
        w, u = _misscaled(f.value, f.unit, rng)
        when = f"截至{f.as_of[:4]}年底，" if f.as_of else ""
        if at is None:
            return None
        return _insert(at, f"{when}{f.metric}为{_fmt(_round(w))}{u}。", "unit-fact",
                       [(f.source.start, f.source.end)])
    return _contradict(plan, rng, "unit-restated", sentence, key="money_metrics")


# --- arithmetic ------------------------------------------------------------------------------

def _split(total: int, n: int, rng: random.Random) -> list[int]:
    """``n`` parts of comparable size (no 1件 beside 1500件)."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(n)]
    return [max(1, round(total * w / sum(weights))) for w in weights]


def arithmetic_sum(plan: Plan, rng: random.Random) -> Injection | None:
    ends = _sentence_ends(plan)
    if not ends:
        return None
    g = rng.choice(PHRASES["arithmetic"]["groups"])
    form = rng.choice(PHRASES["arithmetic"]["sum_forms"])
    n = 3 if "{c}" in form else 2
    parts = _split(int(g["size"] * rng.uniform(1.5, 3)), n, rng)
    wrong = sum(parts) + rng.choice([-1, 1]) * max(3, int(sum(parts) * rng.uniform(0.05, 0.3)))
    named = {k: f"{p}{v}{g['unit']}" for k, p, v in zip("abc", g["parts"], parts)}
    text = form.format(scope=_scope(plan), whole=g["whole"], total=wrong, unit=g["unit"], **named)
    return _insert(rng.choice(ends), text + "。", "arithmetic-sum")


def arithmetic_growth(plan: Plan, rng: random.Random) -> Injection | None:
    ends = _sentence_ends(plan)
    if not ends:
        return None
    goals = _goals(plan)
    goals = [t for t in goals if t.unit != "%"]   # a rate of a rate reads as points
    if goals and rng.random() < 0.5:
        t = rng.choice(goals)
        metric, unit, final, y1 = t.metric, t.unit, t.value, t.deadline
    else:
        metric, unit, final = _generic(rng)
        y1 = _year(plan) - 1
    base = _at_least(final / rng.uniform(1.2, 2.5), 1, unit)
    true = (final / base - 1) * 100
    wrong = round(true * rng.choice([0.5, 0.7, 1.4, 1.8]))
    if abs(wrong - true) < 5:
        wrong = round(true) + 15
    text = rng.choice(PHRASES["arithmetic"]["growth_forms"]).format(
        metric=metric, y0=y1 - rng.randint(3, 5), y1=y1, b=_fmt(base), t=_fmt(final),
        unit=unit, r=wrong)
    return _insert(rng.choice(ends), text + "。", "arithmetic-growth")


def arithmetic_share(plan: Plan, rng: random.Random) -> Injection | None:
    ends = _sentence_ends(plan)
    if not ends:
        return None
    n = rng.randint(20, 300)
    k = rng.randint(3, n - 2)
    wrong = round(k / n * 100 + rng.choice([-1, 1]) * rng.uniform(6, 20), 1)
    text = rng.choice(PHRASES["arithmetic"]["share_forms"]).format(
        n=n, k=k, r=_fmt(max(wrong, 1)), org=rng.choice(PHRASES["arithmetic"]["orgs"]))
    return _insert(rng.choice(ends), text + "。", "arithmetic-share")


# --- table-text ------------------------------------------------------------------------------

def _table_pairs(plan: Plan) -> list[tuple]:
    """(table item, prose item) of the same measure, value and date."""
    items = [*plan.targets, *plan.facts]
    tab = [i for i in items if _in_table(plan, i.source.start)]
    prose = [i for i in items if not _in_table(plan, i.source.start)]
    when = lambda i: getattr(i, "deadline", None) or getattr(i, "as_of", None)  # noqa: E731
    return [(a, b) for a in tab for b in prose if a.metric_key and a.metric_key == b.metric_key
            and a.base_value == b.base_value and str(when(a))[:4] == str(when(b))[:4]]


def _last_number(plan: Plan, src, value: float) -> tuple[int, int] | None:
    hits = [m for m in re.finditer(r"[0-9]+(?:\.[0-9]+)?", src.text) if float(m.group()) == value]
    return (src.start + hits[-1].start(), src.start + hits[-1].end()) if hits else None


def table_cell_changed(plan: Plan, rng: random.Random) -> Injection | None:
    pairs = _table_pairs(plan)
    if not pairs:
        return None
    tab, prose = rng.choice(pairs)
    side = rng.choice([tab, prose])
    at = _last_number(plan, side.source, side.value)
    if at is None:
        return None
    inj = _replace(plan.text, *at, _fmt(_other_value(side.value, side.unit or '', rng)),
                   "table-cell-changed" if side is tab else "table-prose-changed")
    other = prose if side is tab else tab
    inj.marks.append((other.source.start, other.source.end))
    return inj


def table_prose_added(plan: Plan, rng: random.Random) -> Injection | None:
    rows = [t for t in plan.targets if _in_table(plan, t.source.start) and t.deadline and t.unit]
    if not rows:
        return None
    t = rng.choice(rows)
    at = _far_end(plan, rng, t.source.start, 0, min(t.source.start, plan.tables[0].source.start))
    if at is None:
        return None
    new = _goal_sentence(plan, rng, t.metric, _other_value(t.value, t.unit, rng), t.unit, t.deadline)
    return _insert(at, new + "。", "table-prose-added",
                   [(t.source.start, t.source.end)])


OPERATORS: dict[str, list[Operator]] = {
    "placeholder": [placeholder_figure, placeholder_year, placeholder_name, placeholder_blank_date],
    "editor-residue": [residue_note, residue_web_line, residue_repeated_title, residue_char_ref],
    "numbering": [numbering_skip, numbering_repeat, numbering_style, numbering_swap],
    "conflict": [conflict_restated],
    "table-text": [table_cell_changed, table_prose_added],
    "already-met": [already_met_baseline],
    "unit": [unit_restated],
    "arithmetic": [arithmetic_sum, arithmetic_growth, arithmetic_share],
    "date": [date_before_period, date_after_period, date_phase_before_issue],
}
