"""The consistency linter: rules over a parsed :class:`~policyparse.model.Plan`.

``lint_plan(plan)`` runs the single-document rules; ``lint_plans(plans)`` also runs the
cross-document rules over the plans together.  Rules live in :mod:`.rules`, one small module per
rule family, registered in :mod:`.registry`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..model import Finding, Plan
from .registry import SEVERITY_RANK, Rule, all_rules


def _run(rules: Iterable[type[Rule]], plans: Sequence[Plan], lang: str) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[tuple] = set()
    for rule_cls in rules:
        rule = rule_cls(lang)
        produced = rule.check_many(plans) if rule.cross_document else (
            f for plan in plans for f in rule.check(plan))
        for f in produced:
            key = (f.code, f.document, tuple((s.start, s.end) for s in f.sources))
            if key not in seen:
                seen.add(key)
                findings.append(f)
    return sort_findings(findings)


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
