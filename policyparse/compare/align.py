"""Aligning the items of two plans by content, not by line.

Two versions of a plan (a draft and the published text, a plan in .docx and the same plan as a
web page) say mostly the same things in mostly the same order.  Each kind of item is aligned in
two passes:

1. *anchors*: items whose normalised text is identical (wording-neutral: no spaces, no
   punctuation, full-width digits made ASCII; a task without its number) are paired in reading
   order, as ``diff`` pairs lines; an identical item that moved is paired too;
2. *the rest*: every remaining old item is scored against every remaining new one — text
   similarity (rapidfuzz), the same canonical metric for figures, the same enclosing task, a
   place between the same anchors — and the best pairs above a threshold are taken greedily.

Tasks, targets and facts are aligned first; sections then by title, by the text under them and
by the tasks they hold, so that a section renamed with its content kept is still the same
section.  :func:`align` returns an :class:`Alignment`, usable on its own (a parent plan against
its action plan, say) without the change report built on it.
"""

from __future__ import annotations

import bisect
import difflib
import unicodedata
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Generic, TypeVar

import regex
from rapidfuzz import fuzz

from ..model import Fact, Heading, Plan, Target, Task
from ..text.markers import parse_marker
from ..text.numerals import TO_ASCII

T = TypeVar("T")

TASK_MIN = 0.55
"""Least score for two tasks that are not word for word the same to be the same task."""
SECTION_MIN = 0.6
"""Least score for two sections (title, text under it or tasks held) to be the same section."""
FIGURE_MIN = 0.6
"""Least score for two targets or two facts to be the same figure."""
IN_PLACE = 0.15
"""Bonus for a candidate between the same anchors as the item: where it is expected to be."""
SAME_NUMBER = 0.05
"""Bonus for a task or section with the same number or label."""
CONTENT_CHARS = 400
"""Characters of the text under a heading compared (enough to tell sections apart)."""

_NOISE = regex.compile(r"[\p{P}\p{Z}\p{Cc}\p{Cf}\s]+")


def normalise(text: str) -> str:
    """``text`` without what wording-neutral edits change: spaces, line breaks, punctuation and
    the width of characters."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text).translate(TO_ASCII))


def similarity(a: str, b: str) -> float:
    """0..1, on normalised text."""
    return fuzz.ratio(a, b) / 100


@dataclass
class Pairing(Generic[T]):
    """Items of the old and new plan and the pairs found: ``pairs`` maps an old index to a new
    one; ``reverse`` the other way."""

    old: Sequence[T]
    new: Sequence[T]
    pairs: dict[int, int] = field(default_factory=dict)

    @cached_property
    def reverse(self) -> dict[int, int]:
        return {j: i for i, j in self.pairs.items()}

    def partner(self, i: int) -> T | None:
        j = self.pairs.get(i)
        return None if j is None else self.new[j]

    def removed(self) -> list[int]:
        return [i for i in range(len(self.old)) if i not in self.pairs]

    def added(self) -> list[int]:
        return [j for j in range(len(self.new)) if j not in self.reverse]


def pair(old_keys: Sequence[Hashable], new_keys: Sequence[Hashable],
         score: Callable[[int, int], float], threshold: float) -> dict[int, int]:
    """Old index → new index: identical keys in order first, identical keys out of order next,
    then the best-scoring rest (``score`` gets ``IN_PLACE`` added for a candidate between the
    anchors that surround the old item)."""
    pairs: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, list(old_keys), list(new_keys), autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            pairs[block.a + k] = block.b + k
    taken = set(pairs.values())
    waiting: dict[Hashable, list[int]] = {}
    for j, key in enumerate(new_keys):
        if j not in taken:
            waiting.setdefault(key, []).append(j)
    for i, key in enumerate(old_keys):  # moved without a change
        if i not in pairs and waiting.get(key):
            pairs[i] = waiting[key].pop(0)
    anchors = sorted(pairs.items())
    anchor_old = [a for a, _ in anchors]
    taken = set(pairs.values())
    free_new = [j for j in range(len(new_keys)) if j not in taken]
    scored = []
    for i in range(len(old_keys)):
        if i in pairs:
            continue
        k = bisect.bisect_left(anchor_old, i)
        lo = anchors[k - 1][1] if k else -1
        hi = anchors[k][1] if k < len(anchors) else len(new_keys)
        for j in free_new:
            s = score(i, j) + (IN_PLACE if lo < j < hi else 0.0)
            if s >= threshold:
                drift = abs((i + 1) / (len(old_keys) + 1) - (j + 1) / (len(new_keys) + 1))
                scored.append((-s, drift, i, j))  # ties: the candidate nearer its place
    used: set[int] = set()
    for _, _, i, j in sorted(scored):
        if i not in pairs and j not in used:
            pairs[i] = j
            used.add(j)
    return pairs


def increasing(values: Sequence[int]) -> set[int]:
    """Indexes of a longest strictly increasing subsequence of ``values``: the items that kept
    their order; the others moved."""
    tails: list[int] = []  # index into values of the last item of a run of each length
    before: list[int | None] = [None] * len(values)
    for k, v in enumerate(values):
        at = bisect.bisect_left([values[t] for t in tails], v)
        before[k] = tails[at - 1] if at else None
        if at == len(tails):
            tails.append(k)
        else:
            tails[at] = k
    out: set[int] = set()
    k = tails[-1] if tails else None
    while k is not None:
        out.add(k)
        k = before[k]
    return out


# --- what is compared of each kind of item ------------------------------------------------------

def task_text(task: Task) -> str:
    """A task's text without its number: a renumbered task is the same task."""
    text = task.source.text
    marker = parse_marker(text)
    return normalise(text[marker.title_start:] if marker else text)


def figure_key(item: Target | Fact) -> tuple:
    """What must be equal for two figures to be the same figure as written."""
    return (normalise(item.source.text), item.metric_key, item.unit_family, item.value,
            getattr(item, "deadline", None), getattr(item, "as_of", None))


@dataclass
class Alignment:
    """The items of two plans, paired: ``tasks.pairs[i] == j`` says ``old.tasks[i]`` is
    ``new.tasks[j]``."""

    old: Plan
    new: Plan
    tasks: Pairing[Task]
    targets: Pairing[Target]
    facts: Pairing[Fact]
    sections: Pairing[Heading]

    def section_of(self, plan: Plan, task: Task) -> Heading | None:
        """The heading the task sits under (not the task's own heading)."""
        own = {h.id for h in plan.headings if h.source.start == task.source.start}
        ids = [h for h in task.path if h not in own]
        by_id = {h.id: h for h in plan.headings}
        return by_id.get(ids[-1]) if ids else None


def align(old: Plan, new: Plan) -> Alignment:
    """Pair the tasks, targets, facts and sections of two versions of a plan."""
    tasks = _tasks(old, new)
    targets = _figures(old.targets, new.targets, old, new, tasks)
    facts = _figures(old.facts, new.facts, old, new, tasks)
    sections = _sections(old, new, tasks)
    return Alignment(old, new, tasks, targets, facts, sections)


def _tasks(old: Plan, new: Plan) -> Pairing[Task]:
    a = [task_text(t) for t in old.tasks]
    b = [task_text(t) for t in new.tasks]

    def score(i: int, j: int) -> float:
        s = similarity(a[i], b[j])
        return s + (SAME_NUMBER if old.tasks[i].number == new.tasks[j].number else 0.0)

    return Pairing(old.tasks, new.tasks, pair(a, b, score, TASK_MIN))


def _figures(old_items: Sequence[Target | Fact], new_items: Sequence[Target | Fact],
             old: Plan, new: Plan, tasks: Pairing[Task]) -> Pairing:
    """Targets (or facts): same canonical metric and unit family weigh most, then the words of
    the figure, then its task: a figure whose value, date or comparator changed is still found."""
    old_task = {t.id: i for i, t in enumerate(old.tasks)}
    new_task = {t.id: j for j, t in enumerate(new.tasks)}
    a = [normalise(x.source.text) for x in old_items]
    b = [normalise(x.source.text) for x in new_items]
    metric_a = [normalise(x.metric) for x in old_items]
    metric_b = [normalise(x.metric) for x in new_items]

    def score(i: int, j: int) -> float:
        x, y = old_items[i], new_items[j]
        same_metric = 1.0 if x.metric_key and x.metric_key == y.metric_key else \
            similarity(metric_a[i], metric_b[j])
        s = 0.6 * same_metric + 0.4 * similarity(a[i], b[j])
        tx, ty = getattr(x, "task_id", None), getattr(y, "task_id", None)
        if tx and ty:
            s += 0.1 if tasks.pairs.get(old_task.get(tx, -1)) == new_task.get(ty) else -0.2
        if x.unit_family != y.unit_family:
            s -= 0.1
        return s

    keys_a = [figure_key(x) for x in old_items]
    keys_b = [figure_key(x) for x in new_items]
    return Pairing(old_items, new_items, pair(keys_a, keys_b, score, FIGURE_MIN))


def _under(plan: Plan) -> tuple[list[str], list[set[int]]]:
    """For each heading: the start of its section's text (subsections included), and the tasks
    beneath it (by index)."""
    text = []
    for k, h in enumerate(plan.headings):
        end = next((later.source.start for later in plan.headings[k + 1:]
                    if later.level <= h.level), len(plan.text))
        text.append(normalise(plan.text[h.source.end:min(end, h.source.end + 4 * CONTENT_CHARS)])
                    [:CONTENT_CHARS])
    held: list[set[int]] = [set() for _ in plan.headings]
    index = {h.id: k for k, h in enumerate(plan.headings)}
    for t, task in enumerate(plan.tasks):
        for hid in task.path:
            if hid in index:
                held[index[hid]].add(t)
    return text, held


def _sections(old: Plan, new: Plan, tasks: Pairing[Task]) -> Pairing[Heading]:
    a = [normalise(h.title) for h in old.headings]
    b = [normalise(h.title) for h in new.headings]
    text_a, held_a = _under(old)
    text_b, held_b = _under(new)

    def score(i: int, j: int) -> float:
        title = similarity(a[i], b[j])
        under = similarity(text_a[i], text_b[j]) if text_a[i] and text_b[j] else 0.0
        mapped = {tasks.pairs[t] for t in held_a[i] if t in tasks.pairs}
        union = len(mapped | held_b[j]) + len(held_a[i]) - len(mapped)
        shared = len(mapped & held_b[j]) / union if union else 0.0
        same = SAME_NUMBER if old.headings[i].label == new.headings[j].label else 0.0
        level = 0.0 if old.headings[i].level == new.headings[j].level else -0.2
        return max(title, 0.95 * under, shared) + same + level

    keys_a = [(h.level, t) for h, t in zip(old.headings, a)]
    keys_b = [(h.level, t) for h, t in zip(new.headings, b)]
    return Pairing(old.headings, new.headings, pair(keys_a, keys_b, score, SECTION_MIN))
