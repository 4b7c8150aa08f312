"""Baselines of accepted findings, keyed by content, not by line numbers.

.docx and .pdf files cannot carry inline suppressions, and line numbers shift with every edit, so
a finding is identified by its rule, its document's name and the text it points at.  The same
key is SARIF's partial fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import UsageError
from ..files import write_atomic
from ..model import Finding

VERSION = 1


def fingerprint(f: Finding) -> str:
    """A stable content key: rule code, document name and the whitespace-free source texts."""
    texts = "\x1f".join("".join(s.text.split()) for s in f.sources)
    raw = f"{f.code}\x1e{Path(f.document).name}\x1e{texts}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def write(path: str | Path, findings: Iterable[Finding]) -> int:
    entries = sorted({fingerprint(f): {"code": f.code, "document": f.document,
                                       "excerpt": f.sources[0].text[:60] if f.sources else ""}
                      for f in findings}.items())
    data = {"version": VERSION, "findings": [{"fingerprint": k, **v} for k, v in entries]}
    write_atomic(Path(path), json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return len(entries)


def read(path: str | Path) -> set[str]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return {e["fingerprint"] for e in data["findings"]}
    except FileNotFoundError:
        raise UsageError(str(path), "baseline file not found") from None
    except (ValueError, KeyError, TypeError) as err:
        raise UsageError(str(path), f"not a policyparse baseline ({err})") from None


def filter_new(findings: Sequence[Finding], accepted: set[str]) -> list[Finding]:
    return [f for f in findings if fingerprint(f) not in accepted]
