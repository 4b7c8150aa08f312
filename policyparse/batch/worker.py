"""What a worker does with one document: parse, lint alone, and hand back its outputs as text."""

from __future__ import annotations

import time

from ..lint.policy import LintPolicy
from ..pipeline import parse
from .tables import rows_text


def process(data: bytes, file: str, sha256: str, policy: LintPolicy = LintPolicy(),
            convert: bool = False) -> dict:
    """Parse and lint one document (the policy's single-document rules; ``convert``: legacy
    formats through LibreOffice): its plan JSON and table rows, as the store writes them."""
    started = time.perf_counter()
    # no limit of parse's own: the engine's (engines.guarded) covers parse and lint together
    plan = parse(data, name=file, convert=convert, timeout=0)
    findings = policy.findings([plan], cross_document=False)
    return {"plan": plan.to_json(), "rows": rows_text(file, sha256, plan, findings),
            "region": plan.meta.region, "seconds": round(time.perf_counter() - started, 4)}
