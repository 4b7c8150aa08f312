"""Defect-injection benchmark for the linter (run on demand; prints figures).

Each corpus plan is copied many times with exactly one known defect injected into the copy; the
linter passes when it reports a *new* finding (one the clean document does not have) of the
injected category covering the injected text.  Also printed: findings per clean document that
match no gold defect (false alarms an editor would have to read).

    python benchmarks/bench_defects.py [--per-doc 5] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policyparse import parse  # noqa: E402
from policyparse.clauses import sentence_bounds  # noqa: E402
from policyparse.eval import load_gold, score_plan  # noqa: E402
from policyparse.lint import lint_plan  # noqa: E402
from policyparse.lint.baseline import fingerprint  # noqa: E402
from policyparse.model import Plan  # noqa: E402

Injection = tuple[str, str]  # the new text, the injected snippet a finding must cover
Injector = Callable[[Plan, random.Random], Injection | None]
_FIGURE = regex.compile(r"(?<![0-9.年月])([1-9][0-9]{1,4})(件|家|个|项|人|亿元|万元)")


def _sentences_with_figures(plan: Plan) -> list[regex.Match]:
    return [m for m in _FIGURE.finditer(plan.text)
            if not any(t.source.start <= m.start() < t.source.end for t in plan.tables)]


def placeholder(plan: Plan, rng: random.Random) -> Injection | None:
    figures = _sentences_with_figures(plan)
    if not figures:
        return None
    m = rng.choice(figures)
    snippet = "XX" + m.group(2)
    return plan.text[:m.start()] + snippet + plan.text[m.end():], snippet


def editor_residue(plan: Plan, rng: random.Random) -> Injection | None:
    note = rng.choice(["【此处数据待核实】", "【以上数据需更新】", "【参照某县做法，下同】"])
    ends = [m.end() for m in regex.finditer("。", plan.text)]
    at = rng.choice(ends)
    return plan.text[:at] + note + plan.text[at:], note


def numbering(plan: Plan, rng: random.Random) -> Injection | None:
    candidates = [h for h in plan.headings[1:] if h.label.endswith("、") and h.label[0] in "二三四五六七"]
    if not candidates:
        return None
    h = rng.choice(candidates)
    wrong = "九" if h.label[0] != "九" else "八"
    snippet = wrong + h.label[1:] + h.title
    return plan.text[:h.source.start] + snippet + plan.text[h.source.end:], snippet


def date(plan: Plan, rng: random.Random) -> Injection | None:
    end = plan.meta.period.end
    years = [m for m in regex.finditer(r"到(20[0-9]{2})年", plan.text) if end and int(m[1]) == end]
    if not years:
        return None
    m = rng.choice(years)
    snippet = f"到{end + 3}年"
    return plan.text[:m.start()] + snippet + plan.text[m.end():], snippet


def conflict(plan: Plan, rng: random.Random) -> Injection | None:
    targets = [t for t in plan.targets if t.metric_key and t.unit and t.deadline]
    if not targets:
        return None
    t = rng.choice(targets)
    value = t.value * 2 if t.value else 7
    snippet = f"到{t.deadline}年，{t.metric}达到{value:g}{t.unit}"
    at = plan.text.find("\n", t.source.end)
    at = len(plan.text) if at < 0 else at
    return plan.text[:at] + "\n" + snippet + "。" + plan.text[at:], snippet


def already_met(plan: Plan, rng: random.Random) -> Injection | None:
    targets = [t for t in plan.targets if t.metric_key and t.unit and t.kind == "level"
               and t.comparator == ">=" and t.value]
    if not targets:
        return None
    t = rng.choice(targets)
    snippet = f"截至2023年底，全市{t.metric}已达{t.value * 1.5:g}{t.unit}"
    return snippet + "。\n" + plan.text, snippet


def arithmetic(plan: Plan, rng: random.Random) -> Injection | None:
    a, b = rng.randint(100, 900), rng.randint(100, 900)
    snippet = f"其中发明专利{a}件、实用新型专利{b}件，合计{a + b + rng.randint(50, 300)}件"
    ends = [m.end() for m in regex.finditer("。", plan.text)]
    at = rng.choice(ends)
    return plan.text[:at] + snippet + "。" + plan.text[at:], snippet


def unit(plan: Plan, rng: random.Random) -> Injection | None:
    money = [t for t in plan.targets if t.unit == "亿元" and t.metric_key]
    if not money:
        return None
    t = rng.choice(money)
    snippet = f"{t.metric}力争达到{t.value * 1000:g}万元"
    return plan.text + "\n" + snippet + "。", snippet


INJECTORS: dict[str, Injector] = {
    "placeholder": placeholder, "editor-residue": editor_residue, "numbering": numbering,
    "date": date, "conflict": conflict, "already-met": already_met, "arithmetic": arithmetic,
    "unit": unit,
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-doc", type=int, default=5, help="injections per category per document")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    golds = load_gold(ROOT / "corpora" / "gold")
    tried, found = Counter(), Counter()
    missed: dict[str, list[str]] = defaultdict(list)
    false_alarms = []
    for gold in golds:
        plan = parse(ROOT / "corpora" / "seeds" / gold["document"])
        clean = lint_plan(plan)
        false_alarms.append(score_plan(plan, gold, "txt", clean).scores["defects"].fp)
        known = {fingerprint(f) for f in clean}
        for category, inject in INJECTORS.items():
            for _ in range(args.per_doc):
                injected = inject(plan, rng)
                if injected is None:
                    continue
                text, snippet = injected
                tried[category] += 1
                new = [f for f in lint_plan(parse(text, name=gold["document"]))
                       if fingerprint(f) not in known and f.category == category]
                # Detected: a new finding of the category pointing into the injected sentence.
                at = text.find(snippet)
                lo, hi = sentence_bounds(text, at, at + len(snippet))
                if any(s.start < hi and s.end > lo for f in new for s in f.sources):
                    found[category] += 1
                else:
                    missed[category].append(snippet)
    print(f"{'category':<16}{'injected':>9}{'detected':>9}{'rate':>7}")
    for category in INJECTORS:
        n = tried[category]
        rate = found[category] / n if n else float("nan")
        print(f"{category:<16}{n:>9}{found[category]:>9}{rate:>7.2f}")
    total_n, total_f = sum(tried.values()), sum(found.values())
    print(f"{'ALL':<16}{total_n:>9}{total_f:>9}{total_f / max(1, total_n):>7.2f}")
    print(f"false findings per clean document (not in gold): "
          f"{sum(false_alarms) / len(false_alarms):.2f} ({false_alarms})")
    for category, snippets in missed.items():
        print(f"  missed {category}: {snippets[:3]}")


if __name__ == "__main__":
    main()
