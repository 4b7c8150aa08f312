"""JSON report: ``{"findings": [...]}`` with the fields of :class:`~policyparse.model.Finding`."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..model import Finding


def render(findings: Sequence[Finding]) -> str:
    return json.dumps({"findings": [f.model_dump(mode="json") for f in findings]},
                      ensure_ascii=False, indent=2)
