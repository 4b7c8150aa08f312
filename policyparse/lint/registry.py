"""The rule registry: the single list that `rules`, `explain`, `--select/--ignore` and docs read.

Rules follow ruff's model.  Each rule is a small class with a stable ``code`` (never reused), a
kebab-case ``name``, a ``category`` (one of the GOLD.md defect rules, so ``policyparse eval`` can
score the linter), a default ``severity``, a one-line message in Chinese and English, and a
docstring in three parts — what it flags, why it matters (为什么), and a bad and a good example
(``Bad:`` / ``Good:`` blocks, indented plan text) that the test suite runs.
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from typing import ClassVar

import regex

from ..model import Finding, Plan, Related, Severity, Span

CATEGORIES = ("placeholder", "editor-residue", "numbering", "conflict", "table-text", "already-met",
              "unit", "arithmetic", "date", "cross-document", "quality")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}

REGISTRY: dict[str, type[Rule]] = {}


class Rule:
    """Base class; subclasses implement :meth:`check` (one plan) or :meth:`check_many`."""

    code: ClassVar[str]
    name: ClassVar[str]
    category: ClassVar[str]
    severity: ClassVar[Severity] = "warning"
    message: ClassVar[str]          # Chinese, may use {placeholders}
    message_en: ClassVar[str]
    cross_document: ClassVar[bool] = False

    def __init__(self, lang: str = "zh"):
        self.lang = lang

    def check(self, plan: Plan) -> Iterable[Finding]:
        return ()

    def check_many(self, plans: Sequence[Plan]) -> Iterable[Finding]:
        return ()

    def finding(self, plan: Plan | str, sources: Sequence[Span], *,
                related: Sequence[tuple[Plan, Span]] = (), **values) -> Finding:
        """The finding at ``sources`` of ``plan``, citing ``related`` places of other plans."""
        template = self.message if self.lang == "zh" else self.message_en
        return Finding(code=self.code, name=self.name, category=self.category,
                       severity=self.severity, message=template.format(**values),
                       document=plan if isinstance(plan, str) else plan.document,
                       sources=list(sources),
                       related=[Related(document=p.document, source=s) for p, s in related])

    @classmethod
    def doc(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def shown_message(cls, lang: str = "zh") -> str:
        """The message template as a reader sees it: ``编号跳号：“‹label›”‹after›``."""
        template = cls.message if lang == "zh" else cls.message_en
        return regex.sub(r"\{(\w+)\}", r"‹\1›", template)

    @classmethod
    def summary(cls) -> str:
        """The docstring's first paragraph, on one line: what the rule flags."""
        return " ".join(cls.doc().split("\n\n")[0].split())

    @classmethod
    def examples(cls) -> dict[str, str]:
        """The ``Bad:`` and ``Good:`` example texts from the docstring."""
        out, current, lines = {}, None, []
        for line in (cls.__doc__ or "").splitlines():
            head = line.strip()
            if head in ("Bad:", "Good:"):
                if current:
                    out[current] = textwrap.dedent("\n".join(lines)).strip("\n")
                current, lines = head[:-1].lower(), []
            elif current:
                if head and not line.startswith(" " * 8):  # example blocks are indented
                    out[current] = textwrap.dedent("\n".join(lines)).strip("\n")
                    current, lines = None, []
                else:
                    lines.append(line)
        if current:
            out[current] = textwrap.dedent("\n".join(lines)).strip("\n")
        return out


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator: add a rule to the registry (codes and names must be unique)."""
    assert regex.fullmatch(r"[A-Z]{2}\d{3}", cls.code), cls.code
    assert cls.category in CATEGORIES, cls.category
    for other in REGISTRY.values():
        assert other.code != cls.code and other.name != cls.name, (cls.code, cls.name)
    REGISTRY[cls.code] = cls
    return cls


def all_rules() -> list[type[Rule]]:
    from . import rules  # noqa: F401  (importing the package registers every rule)

    return [REGISTRY[c] for c in sorted(REGISTRY)]


def select(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[type[Rule]]:
    """Rules chosen by code prefixes, names or categories (ruff's ``--select``/``--ignore``)."""
    rules = all_rules()

    def hit(rule: type[Rule], keys: Iterable[str]) -> bool:
        return any(rule.code.startswith(k.upper()) or k in (rule.name, rule.category) or k == "ALL"
                   for k in keys)

    select, ignore = [s for s in select if s], [i for i in ignore if i]
    unknown = [k for k in (*select, *ignore) if not any(hit(r, [k]) for r in rules)]
    if unknown:
        raise ValueError(f"unknown rule selector(s): {', '.join(unknown)}")
    chosen = [r for r in rules if not select or hit(r, select)]
    return [r for r in chosen if not hit(r, ignore)]


def iter_matches(pattern: regex.Pattern, plan: Plan, *, skip_tables: bool = False
                 ) -> Iterator[tuple[regex.Match, Span]]:
    """Matches of a pattern over the plan text, with their spans (a helper for text rules)."""
    for m in pattern.finditer(plan.text):
        span = plan.span(m.start(), m.end())
        if skip_tables and _in_table(plan, m.start()):
            continue
        yield m, span


def _in_table(plan: Plan, pos: int) -> bool:
    return any(t.source.start <= pos < t.source.end for t in plan.tables)
