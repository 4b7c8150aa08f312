"""Hostile corpus: time and peak memory of parse + lint per case, each in a fresh process.

    python benchmarks/bench_hostile.py [--limit SECONDS]

The cases are the ones tests/test_hostile.py builds (zip bomb, 200 MB file, regex traps, broken
and mislabelled files, …) plus a 200 MB sparse file.  Each runs in its own interpreter so its
peak RSS is its own; the figure includes the interpreter and the imported libraries (about
120 MB: the baseline line shows it).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

CHILD = r"""
import json, resource, sys, time
import policyparse
from policyparse.errors import PolicyParseError
path, limit = sys.argv[1], float(sys.argv[2])
t = time.perf_counter()
try:
    if path != "-":
        plan = policyparse.parse(path, timeout=limit)
        policyparse.lint(plan)
    result = "plan"
except PolicyParseError as err:
    result = type(err).__name__
print(json.dumps({"result": result, "seconds": time.perf_counter() - t,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(path: str, limit: float) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, path, str(limit)], capture_output=True,
                         text=True, timeout=limit * 3)
    return json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=float, default=60.0, help="per-document time limit")
    args = ap.parse_args()
    from test_hostile import CASES

    with tempfile.TemporaryDirectory() as tmp:
        paths = {"(baseline: imports only)": "-"}
        for name, (data, _) in CASES.items():
            (Path(tmp) / name).write_bytes(data)
            paths[name] = str(Path(tmp) / name)
        big = Path(tmp) / "sparse-200mb.txt"
        with big.open("wb") as f:
            f.truncate(200 * 1024 * 1024)
        paths[big.name] = str(big)
        print(f"{'case':28} {'size':>12} {'result':18} {'seconds':>8} {'peak RSS MB':>12}")
        worst = 0.0
        for name, path in paths.items():
            r = run(path, args.limit)
            size = Path(path).stat().st_size if path != "-" else 0
            worst = max(worst, r["seconds"])
            print(f"{name:28} {size:>12,} {r['result']:18} {r['seconds']:8.2f} {r['rss_mb']:12.0f}")
        print(f"slowest case: {worst:.2f} s (limit {args.limit:g} s)")


if __name__ == "__main__":
    main()
