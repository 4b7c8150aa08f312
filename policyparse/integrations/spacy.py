"""The spaCy component ``policyparse`` (``pip install 'policyparse[spacy]'``)::

    import spacy
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe("policyparse")

A processed ``doc`` gets ``doc._.plan`` (the :class:`~policyparse.model.Plan` of ``doc.text``) and
one span group per kind of item, ``doc.spans["headings" | "tasks" | "owners" | "targets" |
"facts"]``, each span at its item's source offsets mapped onto ``doc.text``
(:mod:`policyparse.integrations.align`), with ``span.label_`` the kind (``HEADING`` …), ``span.id_``
the item's id (``h3``, ``t4``, ``g1``, ``f2``; an owner ``t4.o1``, the first owner of ``t4``),
and the item's fields as extensions (``span._.value``, ``span._.deadline``, ``span._.role`` …,
``span._.item`` the model object itself).  An item whose span is not exact in the doc — its text
is not in ``doc.text`` as it is in the plan, or its edges fall inside a token — is listed by id in
``doc._.policyparse_unaligned`` (``{"owners": ["t4.o1"]}``); with ``alignment_mode="strict"``
(the default) it has no span, with ``"expand"`` or ``"contract"`` it has the span spaCy makes
(``None`` skipped).

The extensions read the plan, which the doc carries as JSON in ``doc.user_data``: they survive
``DocBin(store_user_data=True)``, ``Doc.to_bytes`` and ``nlp.pipe(n_process=…)``.  With the jieba
segmenter the component puts the project's vocabulary into the tokenizer's jieba
(``policy_words``), so that agency names and policy words are tokens (发展改革委, not
发展/改革/委) and owner names fall on token boundaries.

The factory is registered by ``@Language.factory`` when this module is imported and by the
``spacy_factories`` entry point, which spaCy loads when it builds a pipeline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Literal
from weakref import WeakKeyDictionary

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..load.text import load_text
from ..model import Fact, Heading, Owner, Plan, Target, Task
from ..pipeline import plan_from_document, run
from .align import Alignment

AlignmentMode = Literal["strict", "expand", "contract"]
GROUPS = ("headings", "tasks", "owners", "targets", "facts")
LABELS = {"headings": "HEADING", "tasks": "TASK", "owners": "OWNER", "targets": "TARGET",
          "facts": "FACT"}
_PLAN_KEY = "policyparse.plan"  # doc.user_data: the plan as JSON, serialisable with the doc
# Fields that are no extension: the span itself is the source, span.id_ the id; owners are spans
# of their own; a task's body is its span's text.
_NOT_EXTENSIONS = {"id", "source", "owners", "body"}
FIELDS: tuple[str, ...] = tuple(dict.fromkeys(
    name for model in (Heading, Task, Owner, Target, Fact) for name in model.model_fields
    if name not in _NOT_EXTENSIONS))

Item = Heading | Task | Owner | Target | Fact
_Index = dict[str, tuple[Item, dict[str, Any]]]  # span id → item, fields it has beyond its own
_CACHE: WeakKeyDictionary[Doc, tuple[Plan, _Index]] = WeakKeyDictionary()


def parse_text(text: str) -> Plan:
    """The plan of ``text`` as a text file holding it would give (never taken for a path)."""
    return run(plan_from_document(load_text(text, "<doc>")))


def items(plan: Plan) -> Iterator[tuple[str, str, Item, dict[str, Any]]]:
    """Every item of the plan as ``(group, id, item, extra fields)``, in plan order per group."""
    for h in plan.headings:
        yield "headings", h.id, h, {}
    for t in plan.tasks:
        yield "tasks", t.id, t, {}
    for t in plan.tasks:
        for k, o in enumerate(t.owners, 1):
            yield "owners", f"{t.id}.o{k}", o, {"task_id": t.id}
    for g in plan.targets:
        yield "targets", g.id, g, {}
    for f in plan.facts:
        yield "facts", f.id, f, {}


def annotate(doc: Doc, plan: Plan, alignment_mode: AlignmentMode = "strict") -> Doc:
    """Give ``doc`` the plan, its span groups and the list of items not aligned."""
    register_extensions()
    alignment = Alignment(plan.text, doc.text)
    doc._.plan = plan
    groups: dict[str, list[Span]] = {group: [] for group in GROUPS}
    unaligned: dict[str, list[str]] = {}
    for group, item_id, item, _ in items(plan):
        offsets = alignment.span(item.source.start, item.source.end)
        span = None if offsets is None else doc.char_span(
            *offsets, label=LABELS[group], span_id=item_id, alignment_mode=alignment_mode)
        if span is not None:
            groups[group].append(span)
        if span is None or (span.start_char, span.end_char) != offsets:
            unaligned.setdefault(group, []).append(item_id)
    for group, spans in groups.items():
        doc.spans[group] = spans
    doc._.policyparse_unaligned = unaligned
    return doc


class PolicyParse:
    """The pipeline component: parses ``doc.text`` and annotates the doc (:func:`annotate`)."""

    def __init__(self, nlp: Language, name: str, alignment_mode: AlignmentMode,
                 policy_words: bool):
        if alignment_mode not in ("strict", "expand", "contract"):
            raise ValueError(f"alignment_mode must be strict, expand or contract, not "
                             f"{alignment_mode!r}")
        register_extensions()
        self.name = name
        self.alignment_mode = alignment_mode
        if policy_words:
            use_policy_words(nlp)

    def __call__(self, doc: Doc) -> Doc:
        return annotate(doc, parse_text(doc.text), self.alignment_mode)


@Language.factory("policyparse", default_config={"alignment_mode": "strict", "policy_words": True},
                  assigns=["doc._.plan", "doc._.policyparse_unaligned", "doc.spans"])
def make_policyparse(nlp: Language, name: str, alignment_mode: AlignmentMode,
                     policy_words: bool) -> PolicyParse:
    return PolicyParse(nlp, name, alignment_mode, policy_words)


def use_policy_words(nlp: Language) -> bool:
    """Make a ``zh`` pipeline's jieba segmenter the one that knows the project's vocabulary
    (:func:`policyparse.text.words.segmenter`); other tokenizers are left alone.  Returns whether
    the tokenizer was changed."""
    from spacy.lang.zh import ChineseTokenizer, Segmenter

    tokenizer = nlp.tokenizer
    if not isinstance(tokenizer, ChineseTokenizer) or tokenizer.segmenter != Segmenter.jieba:
        return False
    from ..text.words import segmenter

    tokenizer.jieba_seg = segmenter()
    return True


def blank() -> Language:
    """A blank ``zh`` pipeline with the jieba segmenter and the project's vocabulary (no model
    to download): what ``policyparse export --spacy`` tokenises with."""
    import spacy

    from ..text.words import quiet_jieba

    with quiet_jieba():  # spaCy's tokenizer loads jieba's own dictionary as well
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    use_policy_words(nlp)
    return nlp


# --- extensions ------------------------------------------------------------------------------

def _get_plan(doc: Doc) -> Plan | None:
    cached = _CACHE.get(doc)
    if cached is not None:
        return cached[0]
    data = doc.user_data.get(_PLAN_KEY)
    return None if data is None else _cache(doc, Plan.model_validate_json(data))[0]


def _set_plan(doc: Doc, plan: Plan | None) -> None:
    if plan is None:
        doc.user_data.pop(_PLAN_KEY, None)
        _CACHE.pop(doc, None)
        return
    doc.user_data[_PLAN_KEY] = plan.model_dump_json()
    _cache(doc, plan)


def _cache(doc: Doc, plan: Plan) -> tuple[Plan, _Index]:
    entry = plan, {item_id: (item, extra) for _, item_id, item, extra in items(plan)}
    _CACHE[doc] = entry
    return entry


def _lookup(span: Span) -> tuple[Item, dict[str, Any]] | None:
    if _get_plan(span.doc) is None:
        return None
    return _CACHE[span.doc][1].get(span.id_)


def _field(name: str) -> Callable[[Span], Any]:
    def get(span: Span) -> Any:
        found = _lookup(span)
        if found is None:
            return None
        item, extra = found
        return extra[name] if name in extra else getattr(item, name, None)

    get.__name__ = f"policyparse_{name}"
    return get


def _item(span: Span) -> Item | None:
    found = _lookup(span)
    return None if found is None else found[0]


_SPAN_GETTERS: dict[str, Callable[[Span], Any]] = {name: _field(name) for name in FIELDS}
_SPAN_GETTERS["item"] = _item


def register_extensions() -> None:
    """Register the ``Doc`` and ``Span`` extensions (once; idempotent).  An extension of the same
    name registered by another package is an error rather than silently shadowed."""
    if Doc.has_extension("plan") and Doc.get_extension("plan")[2] is _get_plan:
        return
    taken = [f"Span._.{name}" for name, getter in _SPAN_GETTERS.items()
             if Span.has_extension(name) and Span.get_extension(name)[2] is not getter]
    taken += [f"Doc._.{name}" for name in ("plan", "policyparse_unaligned")
              if Doc.has_extension(name)]
    if taken:
        raise ValueError(f"spaCy extension(s) {', '.join(taken)} already registered by another "
                         "package; policyparse's component needs those names")
    Doc.set_extension("plan", getter=_get_plan, setter=_set_plan)
    Doc.set_extension("policyparse_unaligned", default=None)
    for name, getter in _SPAN_GETTERS.items():
        Span.set_extension(name, getter=getter)
