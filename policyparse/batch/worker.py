"""What a worker does with one document: parse, lint alone, and hand back its outputs as text."""

from __future__ import annotations

import time

from ..lint import lint_plan
from ..pipeline import parse
from .tables import rows_text


def process(data: bytes, file: str, sha256: str, lang: str = "zh") -> dict:
    """Parse and lint one document: its plan JSON and table rows, as the store writes them."""
    started = time.perf_counter()
    plan = parse(data, name=file)
    findings = lint_plan(plan, lang=lang)
    return {"plan": plan.to_json(), "rows": rows_text(file, sha256, plan, findings),
            "region": plan.meta.region, "seconds": round(time.perf_counter() - started, 4)}
