"""JSON report: ``{"findings": [...], "errors": [...]}`` — the fields of
:class:`~policyparse.model.Finding`, and every input that could not be read (``document``, the
error's ``kind`` and its one-line ``message``)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..errors import PolicyParseError
from ..model import Finding


def render(findings: Sequence[Finding], errors: Sequence[tuple[str, PolicyParseError]] = ()
           ) -> str:
    return json.dumps({"findings": [f.model_dump(mode="json") for f in findings],
                       "errors": [{"document": path, "kind": err.kind, "message": err.line()}
                                  for path, err in errors]},
                      ensure_ascii=False, indent=2)
