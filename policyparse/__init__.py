"""policyparse: Chinese government policy plans → structured, checkable data.

>>> import policyparse
>>> plan = policyparse.parse("corpora/seeds/004_417ac496b24af2bd.txt")
>>> plan.meta.period.end
2026
"""

from . import lint as _lint  # the subpackage, loaded before the function below takes its name
from .errors import PolicyParseError
from .load import Source
from .model import Finding, Plan
from .pipeline import parse


def lint(*sources: Source | Plan, lang: str = "zh") -> list[Finding]:
    """Lint one or more plans (paths, bytes, text or parsed :class:`Plan`); several plans are
    also checked against each other."""
    plans = [s if isinstance(s, Plan) else parse(s) for s in sources]
    return _lint.lint_plans(plans, lang=lang)


__all__ = ["Finding", "Plan", "PolicyParseError", "lint", "parse"]
__version__ = "0.1.0"
