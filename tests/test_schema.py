"""schemas/ is generated from the pydantic models and must not drift from them."""

from __future__ import annotations

import json

import jsonschema

from policyparse import parse
from policyparse.schema import SCHEMA_DIR, schemas

from conftest import seed


def test_schema_files_match_models():
    expected = schemas()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in SCHEMA_DIR.glob("*.schema.json")}
    assert on_disk == expected, "schemas/ drifted: run `python -m policyparse.schema`"


def test_parse_output_validates_against_schema():
    plan = parse(seed("004_417ac496b24af2bd"))
    schema = json.loads((SCHEMA_DIR / "plan.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(plan.to_json()), schema)
