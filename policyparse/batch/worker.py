"""What a worker does with one document: parse, lint alone, and hand back JSON-ready outputs."""

from __future__ import annotations

import time

from ..lint import lint_plan
from ..pipeline import parse


def process(data: bytes, file: str, lang: str = "zh") -> dict:
    """Parse and lint one document; the plan comes back as JSON text, as the store writes it."""
    started = time.perf_counter()
    plan = parse(data, name=file)
    findings = lint_plan(plan, lang=lang)
    return {"plan": plan.to_json(), "region": plan.meta.region,
            "findings": [f.model_dump(mode="json") for f in findings],
            "seconds": round(time.perf_counter() - started, 4)}
