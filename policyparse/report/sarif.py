"""SARIF 2.1.0: one run, the rules from the registry, regions in Unicode code points, and each
input that could not be read as a tool execution notification (so code scanning shows it)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from urllib.parse import quote

from .. import __version__
from ..errors import PolicyParseError
from ..lint.baseline import fingerprint
from ..lint.registry import all_rules
from ..model import Finding, Plan, Span
from . import location

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def uri(path: str) -> str:
    """A path as a URI reference: ``plan#1 100%.txt`` → ``plan%231%20100%25.txt``."""
    return quote(path.replace(os.sep, "/"))


def _location(plan: Plan | None, path: str, span: Span) -> dict:
    line, col = location(plan, span)
    end_line, end_col = line, col + len(span.text)
    if "\n" in span.text:
        end_line = line + span.text.count("\n")
        end_col = len(span.text) - span.text.rfind("\n")
    return {"physicalLocation": {
        "artifactLocation": {"uri": uri(path)},
        "region": {"startLine": line, "startColumn": col, "endLine": end_line,
                   "endColumn": end_col, "charOffset": span.start, "charLength": len(span.text),
                   "snippet": {"text": span.text}}}}


def render(findings: Sequence[Finding], plans: Mapping[str, Plan], paths: Mapping[str, str],
           errors: Sequence[tuple[str, PolicyParseError]] = ()) -> str:
    rules = all_rules()
    index = {r.code: i for i, r in enumerate(rules)}
    results = []
    for f in findings:
        path = paths.get(f.document, f.document)
        plan = plans.get(f.document)
        own = [_location(plan, path, s) for s in f.sources]
        # the other side(s) of a conflict, in this file or (cross-document) another
        others = own[1:] + [_location(plans.get(r.document), paths.get(r.document, r.document),
                                      r.source) for r in f.related]
        result = {"ruleId": f.code, "ruleIndex": index[f.code], "level": _LEVEL[f.severity],
                  "message": {"text": f.message}, "locations": own[:1],
                  "partialFingerprints": {"policyparse/v1": fingerprint(f)},
                  "properties": {"category": f.category}}
        if others:
            result["relatedLocations"] = [dict(loc, id=i) for i, loc in
                                          enumerate(others, start=1)]
        if f.places_omitted:  # the places beyond those a finding lists
            result["properties"]["placesOmitted"] = f.places_omitted
        results.append(result)
    driver = {"name": "policyparse", "version": __version__,
              "informationUri": "https://github.com/policyparse/policyparse",
              "rules": [{"id": r.code, "name": r.name,
                         "shortDescription": {"text": r.summary()},
                         "help": {"text": r.doc()},
                         "defaultConfiguration": {"level": _LEVEL[r.severity]},
                         "properties": {"category": r.category}} for r in rules]}
    notifications = [{"level": "error", "message": {"text": err.line()},
                      "descriptor": {"id": err.kind},
                      "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(path)}}}]}
                     for path, err in errors]
    invocation = {"executionSuccessful": not errors,
                  "toolExecutionNotifications": notifications}
    sarif = {"$schema": SCHEMA, "version": "2.1.0",
             "runs": [{"tool": {"driver": driver}, "invocations": [invocation],
                       "columnKind": "unicodeCodePoints", "results": results}]}
    return json.dumps(sarif, ensure_ascii=False, indent=2)
