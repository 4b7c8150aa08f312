"""Documents → one spaCy ``DocBin``: each plan's text as a ``Doc`` with its items as spans.

Each document is parsed (any format), its :attr:`Plan.text <policyparse.model.Plan.text>` made a
``Doc`` by a blank ``zh`` pipeline with the jieba segmenter and the project's vocabulary
(:func:`policyparse.integrations.spacy.blank`), and annotated as the ``policyparse`` component
does (:func:`policyparse.integrations.spacy.annotate`, strict alignment): span offsets are the
plan's own.  The ``DocBin`` keeps user data, so the plan and every span extension come back:
:func:`read_docbin` reads it with the extensions registered (plain ``DocBin().from_disk`` gives
the spans, their labels and ids; the extensions need
:func:`policyparse.integrations.spacy.register_extensions` first).  A document that cannot be
read is reported through ``on_error`` and left out; the others are written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..batch.inputs import expand
from ..errors import PolicyParseError, UsageError
from ..files import atomic_path, check_outputs
from ..load import SUFFIXES
from ..pipeline import parse

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass
class Exported:
    """What an export wrote: documents, spans and items not aligned per group, failures."""

    documents: int = 0
    spans: Counter[str] = field(default_factory=Counter)
    unaligned: Counter[str] = field(default_factory=Counter)
    failed: list[PolicyParseError] = field(default_factory=list)


def export_docbin(inputs: list[str], out: Path, *, timeout: float | None = None,
                  convert: bool = False, on_error: Callable[[PolicyParseError], None],
                  on_skip: Callable[[str], None]) -> Exported:
    """Write the documents of ``inputs`` (files, directories, glob patterns) to ``out``.

    Refuses (:class:`UsageError`, before any work) an ``out`` that is one of the inputs and
    inputs with no document; raises :class:`PolicyParseError` when spaCy or jieba is not
    installed.  Nothing is written when no document could be read."""
    docs, skipped = expand(inputs, root=Path.cwd())
    for skip in skipped:
        on_skip(f"{skip.path}: skipped ({skip.reason})")
    if not docs:
        raise UsageError(None, f"no input documents found (looked for {', '.join(SUFFIXES)})")
    check_outputs([out], [*inputs, *(d.path for d in docs)])
    try:
        from spacy.tokens import DocBin

        from ..integrations.spacy import annotate, blank

        nlp = blank()
    except ImportError as err:
        missing = (err.name or "spacy").split(".")[0]
        raise PolicyParseError(None, f"a spaCy export needs spaCy and jieba ({missing} is not "
                               "installed): pip install 'policyparse[spacy]'") from None
    result = Exported()
    docbin = DocBin(store_user_data=True)
    for inp in docs:
        try:
            plan = parse(inp.path, timeout=timeout, convert=convert)
        except PolicyParseError as err:
            result.failed.append(err)
            on_error(err)
            continue
        plan.document = inp.file
        doc = annotate(nlp.make_doc(plan.text), plan)
        docbin.add(doc)
        result.documents += 1
        result.spans.update({group: len(spans) for group, spans in doc.spans.items()})
        result.unaligned.update({group: len(ids) for group, ids in
                                 doc._.policyparse_unaligned.items()})
    if result.documents:
        try:
            with atomic_path(out) as tmp:
                tmp.write_bytes(docbin.to_bytes())
        except OSError as err:
            raise PolicyParseError(str(out), f"cannot write ({err.strerror or err})") from None
    return result


def read_docbin(path: str | Path) -> Iterator[Doc]:
    """The docs of a ``DocBin`` written by :func:`export_docbin`, with ``doc._.plan``, the span
    extensions and ``doc._.policyparse_unaligned`` readable."""
    import spacy
    from spacy.tokens import DocBin

    from ..integrations.spacy import register_extensions

    register_extensions()
    return DocBin().from_disk(path).get_docs(spacy.blank("zh").vocab)
