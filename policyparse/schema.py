"""JSON Schema for the public JSON, generated from the pydantic models.

``python -m policyparse.schema`` rewrites ``schemas/``; a test fails when the files drift from
the models, so the published contract can never silently change.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .batch.tables import Tables
from .compare.model import PlanDiff
from .model import MODELS, SCHEMA_VERSION

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"


def schemas() -> dict[str, str]:
    """File name → schema text for every public model."""
    out = {}
    for name, model in {**MODELS, "batch-tables": Tables, "plan-diff": PlanDiff}.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://policyparse.dev/schemas/{name}-{SCHEMA_VERSION}.json"
        out[f"{name}.schema.json"] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    return out


def write(directory: Path = SCHEMA_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schemas().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    if len(sys.argv) < 2 and not SCHEMA_DIR.parent.joinpath("setup.cfg").exists():
        # Installed from a wheel there is no checkout to write into: never site-packages.
        sys.exit("usage: python -m policyparse.schema DIRECTORY (no source checkout here)")
    for p in write(Path(sys.argv[1]) if len(sys.argv) > 1 else SCHEMA_DIR):
        print(p)
