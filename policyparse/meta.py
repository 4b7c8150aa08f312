"""Document metadata (title, issuer, issue date, region, type, plan period)."""

from __future__ import annotations

from .model import Plan
from .pipeline import component


@component("meta")
def meta(plan: Plan) -> Plan:
    return plan
