"""The parse pipeline: small components run in order over a :class:`Plan`.

As in spaCy, each component takes the plan and returns it enriched, owns one concern and is
testable alone; the pipeline is a list of component names, so a caller can choose and order
steps (``parse(path, pipeline=["meta", "outline"])``) instead of threading flags through code.
A component declares what it reads (spaCy's ``requires``): ``pipeline=["tasks"]`` runs the
outline and meta it needs first, rather than silently finding no tasks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib import import_module
from pathlib import Path

from .limits import check, limit_of, time_limit
from .load import Source, load, source_name
from .load.document import Document
from .model import Plan

Component = Callable[[Plan], Plan]
COMPONENTS: dict[str, Component] = {}
REQUIRES: dict[str, tuple[str, ...]] = {}  # component → the components whose output it reads

# Modules that register components when imported; listed here so the registry is complete.
_COMPONENT_MODULES = ("policyparse.meta", "policyparse.structure.outline",
                      "policyparse.structure.tasks", "policyparse.structure.owners",
                      "policyparse.extract.targets", "policyparse.extract.facts")
DEFAULT_PIPELINE: tuple[str, ...] = ("meta", "outline", "tasks", "owners", "targets", "facts")


def component(name: str, requires: tuple[str, ...] = ()) -> Callable[[Component], Component]:
    """Register a pipeline component under ``name``; ``requires`` names the components whose
    output it reads, which :func:`resolve` runs before it."""

    def register(fn: Component) -> Component:
        COMPONENTS[name] = fn
        REQUIRES[name] = requires
        return fn

    return register


def resolve(pipeline: Iterable[str]) -> list[str]:
    """``pipeline`` with every component's requirements run before it (each component once, in
    the caller's order otherwise); an unknown name raises :class:`ValueError`."""
    out: list[str] = []

    def add(name: str) -> None:
        if name in out:
            return
        get_component(name)
        for required in REQUIRES[name]:
            add(required)
        out.append(name)

    for name in pipeline:
        add(name)
    return out


def get_component(name: str) -> Component:
    if name not in COMPONENTS:  # a component module imported directly must not hide the rest
        for module in _COMPONENT_MODULES:
            import_module(module)
    try:
        return COMPONENTS[name]
    except KeyError:
        raise ValueError(f"unknown pipeline component {name!r}; known: "
                         f"{', '.join(sorted(COMPONENTS))}") from None


def plan_from_document(doc: Document) -> Plan:
    name = doc.path if doc.path.startswith("<") else Path(doc.path).name
    return Plan(document=name, format=doc.format, text=doc.text, meta=doc.meta,
                blocks=doc.blocks, tables=doc.tables, diagnostics=doc.diagnostics)


def run(plan: Plan, pipeline: Iterable[str] = DEFAULT_PIPELINE) -> Plan:
    """Run the components under the current time limit, checked before and after each (so a
    plan is never returned late, even from a thread where a step cannot be interrupted)."""
    where = "reading the document"
    for name in resolve(pipeline):
        check(where)
        plan = COMPONENTS[name](plan)
        where = f"the {name} step"
    check(where)
    return plan


def parse(source: Source, *, name: str | None = None,
          pipeline: Iterable[str] = DEFAULT_PIPELINE, timeout: float | None = None,
          convert: bool = False) -> Plan:
    """Parse a plan from a path, bytes or text into a :class:`Plan`.

    ``timeout`` (seconds; None: :data:`~policyparse.limits.DEFAULT_TIMEOUT`, 0: none): a
    document that takes longer raises :class:`~policyparse.errors.Timeout`, in any thread (see
    :mod:`policyparse.limits`; inside an enclosing limit the earlier deadline holds).
    ``convert``: legacy .doc/.wps, RTF and OpenDocument files are converted by LibreOffice
    (``soffice``) instead of refused.  An unknown component or a negative ``timeout`` raises
    :class:`ValueError` before the source is read."""
    steps, seconds = resolve(pipeline), limit_of(timeout)
    with time_limit(seconds, name or source_name(source)):
        return run(plan_from_document(load(source, name=name, convert=convert)), steps)
