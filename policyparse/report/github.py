"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line a finding."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..model import Finding, Plan
from . import location

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _escape(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def render(findings: Sequence[Finding], plans: Mapping[str, Plan], paths: Mapping[str, str]
           ) -> str:
    lines = []
    for f in findings:
        path = paths.get(f.document, f.document)
        props = [f"file={_escape(path, prop=True)}"]
        if f.sources:
            line, col = location(plans.get(f.document), f.sources[0])
            props += [f"line={line}", f"col={col}"]
        props.append(f"title={_escape(f'{f.code} {f.name}', prop=True)}")
        lines.append(f"::{_LEVEL[f.severity]} {','.join(props)}::{_escape(f.message)}")
    return "\n".join(lines)
