"""Single-document speed (run on demand; prints figures, asserts nothing).

For each corpus plan in each form (txt, docx, pdf): the loader, every pipeline component, every
single-document lint rule, and the whole ``parse`` + ``lint_plan`` end to end; for PDFs also
pdfplumber's own ``page.extract_text()`` per page, which the PDF goal (a page in at most 1.2×
its time) is measured against.

Each figure is the best of ``--repeat`` runs after one warm-up run, in milliseconds of CPU time
(``time.process_time``: the machine is shared, and CPU time does not count waiting for another
process's turn) and of wall time.

    python benchmarks/bench_speed.py [--repeat 5] [--forms txt,docx,pdf] [--docs 000,004] [--rules]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policyparse import parse  # noqa: E402
from policyparse.lint import lint_plan  # noqa: E402
from policyparse.lint.registry import Rule, all_rules  # noqa: E402
from policyparse.load import load  # noqa: E402
from policyparse.pipeline import DEFAULT_PIPELINE, get_component, plan_from_document  # noqa: E402

FORMS = {"txt": ROOT / "corpora" / "seeds", "docx": ROOT / "corpora" / "docx",
         "pdf": ROOT / "corpora" / "pdf"}

Timings = dict[str, list[tuple[float, float]]]  # step → (cpu, wall) per run


class Clock:
    """Collects (cpu, wall) seconds per named step over several runs."""

    def __init__(self) -> None:
        self.runs: Timings = defaultdict(list)

    def time(self, step: str, fn: Callable[[], object]) -> object:
        cpu, wall = time.process_time(), time.perf_counter()
        result = fn()
        self.runs[step].append((time.process_time() - cpu, time.perf_counter() - wall))
        return result

    def best(self, step: str) -> tuple[float, float]:
        """Best CPU and best wall time in milliseconds."""
        runs = self.runs[step]
        return 1000 * min(c for c, _ in runs), 1000 * min(w for _, w in runs)


def run_once(path: Path, clock: Clock, rules: list[type[Rule]]) -> None:
    """One pass: the steps one by one, then parse + lint end to end."""
    doc = clock.time("load", lambda: load(path))
    plan = plan_from_document(doc)
    for name in DEFAULT_PIPELINE:
        plan = clock.time(name, lambda: get_component(name)(plan))
    fresh = plan.model_copy()  # another object: what rules share per plan is read anew
    for rule in rules:  # in registry order; of rules sharing per-plan data the first one pays
        clock.time(f"{rule.code} {rule.name}", lambda: list(rule().check(plan)))
    clock.time("lint", lambda: lint_plan(fresh))
    clock.time("parse+lint", lambda: lint_plan(parse(path)))


def pdfplumber_pages(path: Path, clock: Clock) -> int:
    """pdfplumber's own text extraction of every page, opened afresh (its caches cold)."""
    import pdfplumber

    def extract() -> int:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
            return len(pdf.pages)

    return clock.time("pdfplumber extract_text", extract)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="runs per document (best one shown)")
    ap.add_argument("--forms", default="txt,docx,pdf")
    ap.add_argument("--docs", default="", help="comma-separated name prefixes (default: all)")
    ap.add_argument("--rules", action="store_true", help="show every lint rule, not the 5 slowest")
    args = ap.parse_args()
    rules = [r for r in all_rules() if not r.cross_document]
    prefixes = [p for p in args.docs.split(",") if p]
    print(f"best of {args.repeat} after a warm-up; ms of CPU time (wall time)")
    for form in args.forms.split(","):
        for path in sorted(FORMS[form].glob(f"*.{form}")):
            if prefixes and not path.name.startswith(tuple(prefixes)):
                continue
            clock = Clock()
            pages = 0
            for k in range(args.repeat + 1):
                if k == 1:  # the first run warms caches and vocabularies; it does not count
                    clock.runs.clear()
                run_once(path, clock, rules)
                if form == "pdf":
                    pages = pdfplumber_pages(path, clock)
            report(path, clock, rules, pages, args.rules)


def report(path: Path, clock: Clock, rules: list[type[Rule]], pages: int, all_shown: bool
           ) -> None:
    def row(label: str, cpu: float, wall: float) -> None:
        print(f"  {label:<34}{cpu:9.1f}{wall:9.1f}")

    print(f"\n{path.name}  ({path.stat().st_size / 1024:.0f} KB"
          f"{f', {pages} pages' if pages else ''})")
    for step in ("load", *DEFAULT_PIPELINE):
        row(step, *clock.best(step))
    by_rule = sorted((clock.best(f"{r.code} {r.name}") + (f"{r.code} {r.name}",) for r in rules),
                     reverse=True)
    for cpu, wall, label in by_rule if all_shown else by_rule[:5]:
        row("  " + label, cpu, wall)
    row("lint (all rules)", *clock.best("lint"))
    total = clock.best("parse+lint")
    row("parse+lint", *total)
    if pages:
        ref = clock.best("pdfplumber extract_text")
        row("pdfplumber extract_text", *ref)
        for label, (cpu, wall) in (("pdfplumber", ref), ("loader", clock.best("load")),
                                   ("parse+lint", total)):
            row(f"  per page: {label}", cpu / pages, wall / pages)
            if label != "pdfplumber":
                print(f"    {label + ' / pdfplumber':<32}{cpu / ref[0]:8.2f}×{wall / ref[1]:8.2f}×")


if __name__ == "__main__":
    main()
