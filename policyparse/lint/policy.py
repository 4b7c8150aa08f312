"""Lint policy: which rules run, which findings are reported and which fail a run — decided in
one place for ``lint``, ``report`` and ``batch``.

The configuration (``[tool.policyparse]``, :mod:`.config`) gives the defaults and command-line
options override them, key by key.  Exit status: findings at or above ``fail_on`` (default
``warning``: errors and warnings fail, info hints do not) fail a run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from ..model import Finding, Plan
from .config import LintConfig
from .registry import SEVERITY_RANK, Rule, select

FAIL_ON_DEFAULT = "warning"


@dataclass(frozen=True)
class LintPolicy:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity_threshold: str = "info"
    fail_on: str = FAIL_ON_DEFAULT
    baseline: str | None = None
    lang: str = "zh"

    @classmethod
    def from_config(cls, cfg: LintConfig, *, select: Sequence[str] = (),
                    ignore: Sequence[str] = (), severity_threshold: str | None = None,
                    fail_on: str | None = None, baseline: str | None = None,
                    lang: str | None = None) -> LintPolicy:
        """The configuration's policy with the options that were given put over it."""
        return cls(select=tuple(select or cfg.select), ignore=tuple(ignore or cfg.ignore),
                   severity_threshold=severity_threshold or cfg.severity_threshold,
                   fail_on=fail_on or cfg.fail_on, baseline=baseline or cfg.baseline,
                   lang=lang or cfg.lang)

    @cached_property
    def rules(self) -> list[type[Rule]]:
        """The selected rules; an unknown selector raises :class:`ValueError`."""
        return select(self.select, self.ignore)

    def findings(self, plans: Sequence[Plan], *, cross_document: bool | None = None
                 ) -> list[Finding]:
        """The findings of the selected rules on ``plans`` (only the cross-document ones, or only
        the others, when ``cross_document`` says so), less those the baseline accepts, at or
        above the severity threshold."""
        from . import at_or_above, lint_plans
        from .baseline import filter_new, read

        rules = [r for r in self.rules if cross_document is None
                 or r.cross_document == cross_document]
        if not rules:
            return []
        findings = lint_plans(plans, rules, lang=self.lang)
        if self.baseline:
            findings = filter_new(findings, read(self.baseline))
        return at_or_above(findings, self.severity_threshold)

    def fails(self, findings: Sequence[Finding]) -> bool:
        """Whether ``findings`` fail the run: one at or above ``fail_on``."""
        return any(SEVERITY_RANK[f.severity] >= SEVERITY_RANK[self.fail_on] for f in findings)
