"""policyparse: Chinese government policy plans → structured, checkable data.

>>> import policyparse
>>> plan = policyparse.parse("corpora/seeds/004_417ac496b24af2bd.txt")
>>> plan.meta.period.end
2026

The names below are imported on first use: ``policyparse --version`` and a pre-commit hook
start without loading pydantic, the rules and the loaders they do not need.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import PolicyParseError
    from .load import Source
    from .model import Finding, Plan
    from .compare import diff
    from .pipeline import parse

__version__ = "0.1.0"
__all__ = ["Finding", "Plan", "PolicyParseError", "diff", "lint", "parse"]

_LAZY = {"Finding": ".model", "Plan": ".model", "PolicyParseError": ".errors",
         "diff": ".compare", "parse": ".pipeline"}


def lint(*sources: Source | Plan, lang: str = "zh", timeout: float | None = None
         ) -> list[Finding]:
    """Lint one or more plans (paths, bytes, text or parsed :class:`Plan`); several plans are
    also checked against each other.  ``timeout``: seconds per document for reading and linting
    together (None: the default limit, 0: none), as for :func:`parse`; a longer run raises
    :class:`~policyparse.errors.Timeout`."""
    from .limits import for_documents
    from .lint import lint_plans
    from .load import source_name
    from .model import Plan
    from .pipeline import parse

    names = [s.document if isinstance(s, Plan) else source_name(s) for s in sources]
    with for_documents(timeout, names):
        plans = [s if isinstance(s, Plan) else parse(s, timeout=timeout) for s in sources]
        return lint_plans(plans, lang=lang)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Package(types.ModuleType):
    """Importing the subpackage ``policyparse.lint`` binds it as an attribute of this package;
    the public ``policyparse.lint`` is the function above, so that binding is not kept."""

    def __setattr__(self, name: str, value: Any) -> None:
        if not (name == "lint" and isinstance(value, types.ModuleType)):
            super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
