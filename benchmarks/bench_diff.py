"""Edit-pair benchmark of ``policyparse diff`` (run on demand; prints figures).

Each corpus document (gold seeds and unlabelled .txt/.html, as the text policyparse reads from
them) is edited by seeded random operators, each an editor's operation on the text with the
change list it must produce: a target's figure raised or lowered, its unit or comparator
changed, a deadline moved, a task dropped or added (the tasks after it renumbered), retitled, an
owner replaced or lead and responsible swapped, two sections swapped (their numbers kept in
sequence), a section renamed, the period extended, and wording rephrased without any change of
substance (synonyms, a figure written in another unit of the same amount), which must report
nothing; half of the substantive edits also reword other paragraphs.  Operators leave alone
what the parser infers from context rather than from the edited words (a task naming a year,
whose goals may set the plan's period; a section whose title says what kind of part it is,
goals, background or action, by the phrases of data/parts.toml), since what the parser then
makes of the edit is not what the editor meant.  The operators read the old plan's items and
spans and edit plain strings; they share no code with ``policyparse.compare``.

A reported change is *correct* when an expected change of the same item, action (and field)
lies at the same place (its old span overlaps the expected old span, or its new span the
expected new span); precision = correct / reported, recall = expected found / expected.

    python benchmarks/bench_diff.py [--pairs 240] [--seed 0] [--show 10] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
import tomllib
from collections import Counter
from dataclasses import dataclass
from dataclasses import field as default
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policyparse import parse  # noqa: E402
from policyparse.compare import diff  # noqa: E402
from policyparse.model import Plan  # noqa: E402

CORPORA = ROOT / "corpora"

# Wording an editor changes without changing what the plan commits to.
SYNONYMS = [("加强", "强化"), ("推进", "推动"), ("积极", "大力"), ("建立", "构建"),
            ("完善", "健全"), ("提升", "提高"), ("开展", "组织开展"), ("鼓励", "支持"),
            ("切实", "扎实"), ("进一步", "")]
REWORDED = 0.5
"""Share of the substantive edits that also reword other paragraphs (synonyms)."""
MAGNITUDES = {"万": 10_000, "亿": 100_000_000}


@dataclass
class Expected:
    item: str
    action: str
    field: str | None = None
    old: tuple[int, int] | None = None  # span in the old text
    new: list[tuple[int, int]] = default(default_factory=list)  # any of these in the new text


@dataclass
class Edit:
    operator: str
    document: str
    old_text: str
    new_text: str
    expected: list[Expected]


class Skip(Exception):
    """The operator does not apply to this document."""


def documents() -> list[Path]:
    paths = sorted((CORPORA / "seeds").glob("*.txt"))
    paths += sorted(p for p in (CORPORA / "unlabelled").iterdir() if p.suffix in (".txt", ".html"))
    return paths


# --- helpers on the old text (no diff code) -----------------------------------------------------

def whole_line(text: str, start: int, end: int) -> bool:
    return (start == 0 or text[start - 1] == "\n") and (end == len(text) or text[end] == "\n")


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1] or a == b


def shift(pos: int, at: int, delta: int) -> int:
    return pos + delta if pos >= at else pos


def replace(text: str, start: int, end: int, new: str) -> tuple[str, int]:
    return text[:start] + new + text[end:], len(new) - (end - start)


_ARABIC = re.compile(r"^(\d+)([、.．])")
# A year in a task: the period of a plan may be inferred from its goals' years, and what that
# inference makes of an edit is the parser's affair, not the editor's intent.
_YEAR = re.compile(r"(?:19|20)\d\d年")


# A title that says what kind of part a section is (goals, tasks, background, the importance of
# the matter, definitions: the phrases of policyparse/data/parts.toml, and the action words)
# changes how its content is read: renaming from or to one is more than a rename.
_KINDS = [w for part in tomllib.loads((ROOT / "policyparse/data/parts.toml").read_text(
    encoding="utf-8")).values() if isinstance(part, dict) for w in part.get("phrases", ())]
_PART = re.compile("|".join([*map(re.escape, _KINDS), "目标", "任务", "措施", "基础", "形势",
                             "保障", "实施", "工作", "要求", "原则", "思想", "意义", "范围"]))


def holds_tasks(plan: Plan, heading) -> bool:
    return any(heading.id in t.path or t.source.start == heading.source.start
               for t in plan.tasks)


def siblings_after(plan: Plan, task) -> list:
    """Later tasks under the same headings, numbered in the same arabic sequence."""
    out, expect = [], int(task.number) + 1
    for t in plan.tasks:
        if t.source.start > task.source.start and t.path == task.path:
            if t.number == str(expect) and _ARABIC.match(t.source.text):
                out.append(t)
                expect += 1
            else:
                break
    return out


def renumber(text: str, tasks: list, delta: int, at_shift: tuple[int, int]) -> str:
    """Add ``delta`` to the arabic label of each task (positions in the old text, moved by the
    edit ``at_shift`` = (position, length change))."""
    for t in sorted(tasks, key=lambda t: -t.source.start):
        start = shift(t.source.start, *at_shift)
        m = re.compile(r"\d+").match(text, start)
        text = text[:start] + str(int(m.group()) + delta) + text[m.end():]
    return text


def figures_in(plan: Plan, lo: int, hi: int) -> list[Expected]:
    return [Expected(kind, "removed", old=(x.source.start, x.source.end))
            for kind, items in (("target", plan.targets), ("fact", plan.facts))
            for x in items if lo <= x.source.start and x.source.end <= hi]


# --- operators ----------------------------------------------------------------------------------

def op_target_value(plan: Plan, rng: random.Random, corpus: list[Plan]) -> tuple[str, list]:
    text = plan.text
    cands = []
    for t in plan.targets:
        for m in re.finditer(r"\d+(?:\.\d+)?", t.source.text):
            after = t.source.text[m.end():m.end() + 1]
            scale = MAGNITUDES.get(after, 1)
            if abs(float(m.group()) * scale - t.value) < 1e-9 and t.value_max is None \
                    and t.deadline_basis != "time-limit":  # 1年内: the figure is the deadline
                shared = [o for o in plan.targets + plan.facts if o is not t
                          and overlaps((o.source.start, o.source.end),
                                       (t.source.start + m.start(), t.source.start + m.end()))]
                if not shared and not (1990 <= t.value <= 2100):
                    cands.append((t, m))
    if not cands:
        raise Skip
    t, m = rng.choice(cands)
    up = rng.random() < 0.5
    old = float(m.group())
    new = old * rng.choice((1.5, 2, 3)) if up else old * rng.choice((0.5, 0.6, 0.8))
    written = f"{new:g}" if "." in m.group() or new != int(new) else str(int(new))
    if written == m.group():
        raise Skip
    start = t.source.start + m.start()
    new_text, delta = replace(text, start, t.source.start + m.end(), written)
    return new_text, [Expected("target", "changed", "value", (t.source.start, t.source.end),
                               [(t.source.start, t.source.end + delta)])]


def op_target_unit(plan: Plan, rng: random.Random, corpus: list[Plan]) -> tuple[str, list]:
    cands = [t for t in plan.targets if t.unit in ("万元", "亿元") and t.source.text.count(t.unit) == 1]
    if not cands:
        raise Skip
    t = rng.choice(cands)
    at = t.source.start + t.source.text.index(t.unit)
    new_text, _ = replace(plan.text, at, at + 2, "亿元" if t.unit == "万元" else "万元")
    return new_text, [Expected("target", "changed", "unit", (t.source.start, t.source.end),
                               [(t.source.start, t.source.end)])]


def op_comparator(plan: Plan, rng: random.Random, corpus: list[Plan]) -> tuple[str, list]:
    cands = [t for t in plan.targets if t.comparator == ">=" and t.source.text.endswith("以上")
             and t.kind == "level"]
    if not cands:
        raise Skip
    t = rng.choice(cands)
    new_text, _ = replace(plan.text, t.source.end - 2, t.source.end, "以内")
    return new_text, [Expected("target", "changed", "comparator", (t.source.start, t.source.end),
                               [(t.source.start, t.source.end)])]


def op_deadline(plan: Plan, rng: random.Random, corpus: list[Plan]) -> tuple[str, list]:
    text = plan.text
    cands = []
    for t in plan.targets:
        if t.deadline_basis != "explicit":
            continue
        line_start = text.rfind("\n", 0, t.source.start) + 1
        sentence = max(text.rfind("。", line_start, t.source.start) + 1, line_start)
        mentions = [m for m in re.finditer(rf"{t.deadline}年", text[sentence:t.source.start])]
        if len(mentions) == 1:
            cands.append((t, sentence + mentions[0].start()))
    if not cands:
        raise Skip
    t, at = rng.choice(cands)
    year = t.deadline + rng.choice((-2, -1, 1, 2))
    new_text, _ = replace(text, at, at + 4, str(year))
    end = text.find("。", at)
    end = min(e for e in (end, text.find("\n", at), len(text)) if e >= 0)
    expected = [Expected("target", "changed", "deadline", (g.source.start, g.source.end),
                         [(g.source.start, g.source.end)])
                for g in plan.targets if g.deadline == t.deadline and g.source.end > at
                and g.source.start < end]
    return new_text, expected


def _owned(plan: Plan) -> list:
    """Tasks that are whole paragraphs and name no year."""
    return [t for t in plan.tasks if whole_line(plan.text, t.source.start, t.source.end)
            and not _YEAR.search(t.source.text)]


def op_drop_task(plan: Plan, rng: random.Random, corpus: list[Plan]) -> tuple[str, list]:
    cands = [t for t in _owned(plan) if sum(o.path == t.path for o in plan.tasks) >= 2
             and not any(h.source.start == t.source.start for h in plan.headings)]
    if not cands:
        raise Skip
    t = rng.choice(cands)
    lo, hi = t.source.start, min(t.source.end + 1, len(plan.text))
    later = siblings_after(plan, t) if t.number.isdigit() else []
    new_text, delta = replace(plan.text, lo, hi, "")
    new_text = renumber(new_text, later, -1, (lo, delta))
    expected = [Expected("task", "removed", old=(t.source.start, t.source.end)),
                *figures_in(plan, lo, hi)]
    return new_text, expected


def op_add_task(plan: Plan, rng: random.Random, corpus: list[Plan]) -> tuple[str, list]:
    cands = [t for t in _owned(plan) if t.number.isdigit() and _ARABIC.match(t.source.text)]
    donors = [(p, t) for p in corpus if p is not plan for t in _owned(p)
              if 20 < len(t.source.text) < 300]
    if not cands or not donors:
        raise Skip
    t = rng.choice(cands)
    donor_plan, donor = rng.choice(donors)
    body = donor.source.text
    m = re.match(r"^\s*(?:[（(]?[一二三四五六七八九十\d]+[）)]|\d+[、.．]|[一二三四五六七八九十]+[、是])\s*",
                 body)
    body = body[m.end():] if m else body
    label = _ARABIC.match(t.source.text)
    inserted = f"{int(t.number) + 1}{label.group(2)}{body}\n"
    at = t.source.end + 1
    if at > len(plan.text):
        raise Skip
    later = siblings_after(plan, t)
    new_text, delta = replace(plan.text, at, at, inserted)
    new_text = renumber(new_text, later, +1, (at, delta))
    offset = at - donor.source.start + (m.end() if m else 0) - len(label.group(2)) \
        - len(str(int(t.number) + 1))
    added = [Expected(kind, "added", new=[(x.source.start + offset, x.source.end + offset)])
             for kind, items in (("target", donor_plan.targets), ("fact", donor_plan.facts))
             for x in items if donor.source.start <= x.source.start < donor.source.end]
    return new_text, [Expected("task", "added", new=[(at, at + len(inserted) - 1)]), *added]


def op_retitle(plan: Plan, rng: random.Random, corpus: list[Plan]) -> tuple[str, list]:
    cands = [t for t in _owned(plan) if 4 <= len(t.title) <= 30
             and t.source.text.count(t.title) == 1 and len(t.source.text) > 2 * len(t.title) + 20]
    titles = [t.title for p in corpus if p is not plan for t in p.tasks if 6 <= len(t.title) <= 30
              and "。" not in t.title]
    if not cands or not titles:
        raise Skip
    t = rng.choice(cands)
    at = t.source.start + t.source.text.index(t.title)
    new_text, delta = replace(plan.text, at, at + len(t.title), rng.choice(titles))
    span = dict(old=(t.source.start, t.source.end), new=[(t.source.start, t.source.end + delta)])
    expected = [Expected("task", "retitled", **span)]
    if any(h.source.start == t.source.start for h in plan.headings):  # a section as a task
        expected.append(Expected("section", "renamed", **span))
    return new_text, expected


def op_owner_replace(plan: Plan, rng: random.Random, corpus: list[Plan]) -> tuple[str, list]:
    names = {o.name: o.agency for t in plan.tasks for o in t.owners if o.agency}
    cands = []
    for t in plan.tasks:
        for o in t.owners:
            sharing = [u for u in plan.tasks if any(p.source == o.source for p in u.owners)]
            taken = {p.agency for u in sharing for p in u.owners}
            others = [n for n, a in names.items() if a not in taken]
            twice = any(sum(p.name == o.name for p in u.owners) > 1 for u in sharing)
            if others and not twice and plan.text[o.source.start:o.source.end] == o.name:
                cands.append((o, others))
    if not cands:
        raise Skip
    o, others = rng.choice(cands)
    name = rng.choice(sorted(others))
    new_text, delta = replace(plan.text, o.source.start, o.source.end, name)
    span = (o.source.start, o.source.end)
    return new_text, [Expected("owner", "removed", old=span),
                      Expected("owner", "added", new=[(o.source.start, o.source.end + delta)])]


def op_owner_switch(plan: Plan, rng: random.Random, corpus: list[Plan]) -> tuple[str, list]:
    cands = []
    for t in plan.tasks:
        leads = [o for o in t.owners if o.role == "lead"]
        resp = [o for o in t.owners if o.role == "responsible"]
        if len(leads) == 1 and resp and leads[0].agency and resp[0].agency \
                and leads[0].agency != resp[0].agency:
            cands.append((leads[0], resp[0]))
    cands = list({(a.source.start, b.source.start): (a, b) for a, b in cands}.values())
    if not cands:
        raise Skip
    a, b = rng.choice(cands)
    first, second = sorted((a, b), key=lambda o: o.source.start)
    text = plan.text
    new_text = (text[:first.source.start] + second.name + text[first.source.end:second.source.start]
                + first.name + text[second.source.end:])
    grow = len(second.name) - len(first.name)
    return new_text, [
        Expected("owner", "switched", old=(first.source.start, first.source.end),
                 new=[(first.source.start, first.source.start + len(second.name)),
                      (second.source.start + grow, second.source.end)]),
        Expected("owner", "switched", old=(second.source.start, second.source.end),
                 new=[(first.source.start, first.source.start + len(second.name)),
                      (second.source.start + grow, second.source.end)])]


def _section_end(plan: Plan, k: int) -> int | None:
    h = plan.headings[k]
    for later in plan.headings[k + 1:]:
        if later.level <= h.level:
            return later.source.start
    return None


def op_swap_sections(plan: Plan, rng: random.Random, corpus: list[Plan]) -> tuple[str, list]:
    text, hs = plan.text, plan.headings
    cands = []
    for k, h in enumerate(hs):
        end = _section_end(plan, k)
        nxt = next((j for j in range(k + 1, len(hs)) if hs[j].source.start == end), None)
        if nxt is None or hs[nxt].parent != h.parent or hs[nxt].level != h.level:
            continue
        end2 = _section_end(plan, nxt)
        if end2 is None or not whole_line(text, h.source.start, h.source.end):
            continue
        if holds_tasks(plan, h) != holds_tasks(plan, hs[nxt]) or _PART.search(h.title) \
                or _PART.search(hs[nxt].title):
            continue  # which part prescribes action is the parser's reading of title and order
        if text[h.source.start:].startswith(h.label) and text[hs[nxt].source.start:].startswith(
                hs[nxt].label) and h.label != hs[nxt].label:
            cands.append((h, hs[nxt], end, end2))
    if not cands:
        raise Skip
    h1, h2, mid, end = rng.choice(cands)
    first, second = text[h1.source.start:mid], text[mid:end]
    first = h2.label + first[len(h1.label):]
    second = h1.label + second[len(h2.label):]
    new_text = text[:h1.source.start] + second + first + text[end:]
    moved = [(h1.source.start, h1.source.start + len(second)), (h1.source.start + len(second),
                                                                end)]
    return new_text, [Expected("section", "reordered", new=[(s, s + 1) for s, _ in moved])]


def op_rename_section(plan: Plan, rng: random.Random, corpus: list[Plan]) -> tuple[str, list]:
    cands = [(k, h) for k, h in enumerate(plan.headings) if 4 <= len(h.title) <= 30
             and plan.text[h.source.start:h.source.end].endswith(h.title)
             and _section_end(plan, k) is not None
             and _section_end(plan, k) - h.source.end > 60
             and not holds_tasks(plan, h) and not _PART.search(h.title)]
    titles = [h.title for p in corpus if p is not plan for h in p.headings
              if 4 <= len(h.title) <= 30 and not holds_tasks(p, h) and not _PART.search(h.title)]
    if not cands or not titles:
        raise Skip
    _, h = rng.choice(cands)
    new_text, delta = replace(plan.text, h.source.end - len(h.title), h.source.end,
                              rng.choice(titles))
    return new_text, [Expected("section", "renamed", old=(h.source.start, h.source.end),
                               new=[(h.source.start, h.source.end + delta)])]


def op_period(plan: Plan, rng: random.Random, corpus: list[Plan]) -> tuple[str, list]:
    m = plan.meta
    if m.period.basis != "title" or not m.title or not m.period.end:
        raise Skip
    at = plan.text.find(m.title)
    year = plan.text.find(str(m.period.end), at, at + len(m.title))
    if at < 0 or year < 0:
        raise Skip
    new_text, _ = replace(plan.text, year, year + 4, str(m.period.end + 1))
    return new_text, [Expected("meta", "changed", "period")]


def op_rephrase(plan: Plan, rng: random.Random, corpus: list[Plan]) -> tuple[str, list]:
    """Synonyms in a third of the lines after the title, and a figure written in another unit
    of the same amount (3.5万件 → 35000件)."""
    lines = plan.text.split("\n")
    changed = False
    first = plan.text.count("\n", 0, plan.headings[0].source.start) if plan.headings else 3
    for k in range(first, len(lines)):
        if rng.random() < 0.33:
            for a, b in rng.sample(SYNONYMS, 3):
                if a in lines[k] and rng.random() < 0.7:
                    lines[k] = lines[k].replace(a, b, 1)
                    changed = True
    new_text = "\n".join(lines)
    m = re.search(r"(?<![\d.])(\d+(?:\.\d+)?)万(件|家|个|人|项)", new_text)
    if m and rng.random() < 0.5:
        whole = float(m.group(1)) * 10_000
        if whole == int(whole):
            new_text = new_text[:m.start()] + f"{int(whole)}{m.group(2)}" + new_text[m.end():]
            changed = True
    if not changed:
        raise Skip
    return new_text, []


OPERATORS = {name.removeprefix("op_"): fn for name, fn in globals().items()
             if name.startswith("op_")}


# --- scoring ------------------------------------------------------------------------------------

def matches(e: Expected, c) -> bool:
    if (e.item, e.action) != (c.item, c.action) or (e.field and e.field != c.field):
        return False
    if e.old is None and not e.new:
        return True
    if e.old and c.old_source and overlaps(e.old, (c.old_source.start, c.old_source.end)):
        return True
    return bool(c.new_source) and any(
        overlaps(n, (c.new_source.start, c.new_source.end)) for n in e.new)


def score(expected: list[Expected], changes: list) -> tuple[int, list, list]:
    """Correct reported changes, the expected ones missed and the reported ones not expected."""
    found: set[int] = set()
    wrong = []
    for c in changes:
        k = next((k for k, e in enumerate(expected) if k not in found and matches(e, c)), None)
        if k is None:
            wrong.append(c)
        else:
            found.add(k)
    return len(found), [e for k, e in enumerate(expected) if k not in found], wrong


def make_edits(n: int, seed: int) -> list[Edit]:
    rng = random.Random(seed)
    plans = [parse(parse(p).text, name=p.name) for p in documents()]
    edits: list[Edit] = []
    ops = sorted(OPERATORS)
    tries = 0
    while len(edits) < n and tries < n * 50:
        tries += 1
        plan, name = rng.choice(plans), rng.choice(ops)
        try:
            new_text, expected = OPERATORS[name](plan, rng, plans)
        except Skip:
            continue
        if name != "rephrase" and rng.random() < REWORDED:
            new_text = reword(new_text, [n for e in expected for n in e.new], rng)
            name += "+reworded"
        edits.append(Edit(name, plan.document, plan.text, new_text, expected))
    return edits


def reword(text: str, keep: list[tuple[int, int]], rng: random.Random) -> str:
    """Synonyms of the same length in about a third of the lines that hold no expected new
    span (so that those spans stay where they are)."""
    out, at = [], 0
    for line in text.split("\n"):
        end = at + len(line)
        if rng.random() < 0.33 and not any(lo <= end and at <= hi for lo, hi in keep):
            for a, b in SYNONYMS:
                if len(a) == len(b) and a in line:
                    line = line.replace(a, b)
        out.append(line)
        at = end + 1
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=int, default=240)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--show", type=int, default=10, help="misses and false changes to print")
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()
    edits = make_edits(args.pairs, args.seed)
    reported = correct = expected = 0
    per_op: dict[str, Counter] = {}
    misses, false = [], []
    parse_s = diff_s = 0.0
    for e in edits:
        t0 = time.perf_counter()
        old, new = parse(e.old_text, name="old.txt"), parse(e.new_text, name="new.txt")
        t1 = time.perf_counter()
        result = diff(old, new)
        t2 = time.perf_counter()
        parse_s, diff_s = parse_s + t1 - t0, diff_s + t2 - t1
        ok, missed, wrong = score(e.expected, result.changes)
        reported, correct, expected = reported + len(result.changes), correct + ok, \
            expected + len(e.expected)
        c = per_op.setdefault(e.operator, Counter())
        c.update(pairs=1, reported=len(result.changes), correct=ok, expected=len(e.expected),
                 clean=not missed and not wrong)
        misses += [(e, m) for m in missed]
        false += [(e, w) for w in wrong]
    precision = correct / reported if reported else 1.0
    recall = (expected - len(misses)) / expected if expected else 1.0
    print(f"{len(edits)} edit pairs from {len(documents())} documents, seed {args.seed}")
    print(f"{'operator':<24}{'pairs':>6}{'expected':>9}{'reported':>9}{'correct':>8}{'exact':>7}")
    for name, c in sorted(per_op.items()):
        print(f"{name:<24}{c['pairs']:>6}{c['expected']:>9}{c['reported']:>9}{c['correct']:>8}"
              f"{c['clean']:>7}")
    print(f"precision {precision:.3f}  recall {recall:.3f}  ({correct} correct of {reported} "
          f"reported; {expected - len(misses)} of {expected} expected found)")
    print(f"time per pair: diff {1000 * diff_s / len(edits):.1f} ms (alignment and changes), "
          f"parse of both versions {1000 * parse_s / len(edits):.1f} ms")
    for e, m in misses[:args.show]:
        print(f"  missed  {e.operator:<14} {e.document}: {m.item} {m.action} {m.field or ''} "
              f"{e.old_text[m.old[0]:m.old[1]][:40] if m.old else ''}")
    for e, w in false[:args.show]:
        print(f"  false   {e.operator:<14} {e.document}: {w.item} {w.action} {w.field or ''} "
              f"{w.subject[:30]} {w.old} → {w.new}")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "pairs": len(edits), "precision": precision, "recall": recall,
            "ms_per_pair_diff": 1000 * diff_s / len(edits),
            "ms_per_pair_parse": 1000 * parse_s / len(edits),
            "operators": {k: dict(v) for k, v in per_op.items()}}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
