"""The consistency linter: rules over a parsed :class:`~policyparse.model.Plan`.

``lint_plan(plan)`` runs the single-document rules; ``lint_plans(plans)`` also runs the
cross-document rules over the plans together.  Rules live in :mod:`.rules`, one small module per
rule family, registered in :mod:`.registry`.  Both run under the caller's time limit
(:mod:`policyparse.limits`), if any: ``policyparse.lint`` and the CLI set one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..limits import check, time_limit
from ..model import Finding, Plan
from .registry import SEVERITY_RANK, Rule, all_rules


def _run(rules: Iterable[type[Rule]], plans: Sequence[Plan], lang: str) -> list[Finding]:
    """Each rule's findings, once.  The current time limit is checked at every finding and
    after every rule, and a timeout while one plan is linted names that plan."""
    found: dict[tuple, Finding] = {}
    instances = [rule_cls(lang) for rule_cls in rules]

    def add(rule: Rule, produced: Iterable[Finding]) -> None:
        for f in produced:
            check(f"rule {rule.code}")
            found.setdefault((f.code, f.document, tuple((s.start, s.end) for s in f.sources)), f)
        check(f"rule {rule.code}")

    for plan in plans:
        with time_limit(None, plan.document):
            for rule in instances:
                if not rule.cross_document:
                    add(rule, rule.check(plan))
    for rule in instances:
        if rule.cross_document:
            add(rule, rule.check_many(plans))
    return sort_findings(list(found.values()))


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.document, f.sources[0].start if f.sources else -1,
                                           f.code))


def lint_plan(plan: Plan, rules: Iterable[type[Rule]] | None = None, *, lang: str = "zh"
              ) -> list[Finding]:
    """Findings of the single-document rules on one plan (messages in ``lang``: zh or en)."""
    rules = [r for r in (rules or all_rules()) if not r.cross_document]
    return _run(rules, [plan], lang)


def lint_plans(plans: Sequence[Plan], rules: Iterable[type[Rule]] | None = None, *,
               lang: str = "zh") -> list[Finding]:
    """Findings on several plans: each one alone, then the cross-document rules over all."""
    return _run(rules or all_rules(), plans, lang)


def at_or_above(findings: Iterable[Finding], threshold: str) -> list[Finding]:
    return [f for f in findings if SEVERITY_RANK[f.severity] >= SEVERITY_RANK[threshold]]


__all__ = ["Finding", "Rule", "all_rules", "at_or_above", "lint_plan", "lint_plans"]
