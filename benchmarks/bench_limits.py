"""Time limits in every calling context: how long a call with a limit really runs.

    python benchmarks/bench_limits.py [--lines N] [--lint-lines N]

Each case runs in a fresh interpreter (its own signal state) on a generated plan that takes
seconds to parse (``--lines`` numbered target lines) or to lint (``--lint-lines``), and prints
the elapsed time, the outcome and, for the host-timer case, the host's ``ITIMER_REAL`` before
and after the call.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_limits import target_lines  # noqa: E402  (the tests' slow input)

CHILD = r"""
import asyncio, json, signal, sys, time
from concurrent.futures import ThreadPoolExecutor
import policyparse
from policyparse.errors import PolicyParseError
case, path, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])

def call():
    if case == "lint":
        try:
            return policyparse.lint(path, timeout=limit)
        except TypeError:  # a library whose lint() has no limit: how long it runs
            return policyparse.lint(path)
    return policyparse.parse(path, timeout=limit)

out = {}
t = time.perf_counter()
try:
    if case == "thread":
        with ThreadPoolExecutor(1) as pool:
            pool.submit(call).result()
    elif case == "to_thread":
        asyncio.run(asyncio.to_thread(call))
    elif case == "host-timer":
        signal.signal(signal.SIGALRM, lambda *_: None)
        signal.setitimer(signal.ITIMER_REAL, 1000)
        out["host_timer_before"] = round(signal.getitimer(signal.ITIMER_REAL)[0], 2)
        try:
            call()
        finally:
            out["host_timer_after"] = round(signal.getitimer(signal.ITIMER_REAL)[0], 2)
    else:
        call()
    out["result"] = "finished"
except PolicyParseError as err:
    out["result"] = err.line()
out["seconds"] = round(time.perf_counter() - t, 2)
print(json.dumps(out, ensure_ascii=False))
"""


def child(case: str, path: Path, limit: float, cap: float) -> dict:
    try:
        out = subprocess.run([sys.executable, "-c", CHILD, case, str(path), str(limit)],
                             capture_output=True, text=True, timeout=cap, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"result": f"still running after {cap:g} s (killed)", "seconds": cap}
    return json.loads(out.stdout) if out.stdout else {"result": out.stderr.strip()[-200:]}


def cli(path: Path, limit: float, cap: float) -> dict:
    t = time.perf_counter()
    try:
        out = subprocess.run([sys.executable, "-c", "import sys; from policyparse.cli import main; "
                              "sys.exit(main())", "lint", "--timeout", str(limit), str(path)],
                             capture_output=True, text=True, timeout=cap, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"result": f"still running after {cap:g} s (killed)", "seconds": cap}
    return {"result": f"exit {out.returncode}: {out.stderr.strip()[-160:]}",
            "seconds": round(time.perf_counter() - t, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=8000, help="target lines of the slow parse")
    ap.add_argument("--lint-lines", type=int, default=600,
                    help="target lines of the slow lint (fast to parse)")
    ap.add_argument("--cap", type=float, default=120.0, help="kill a case after this long")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        slow_parse, slow_lint = Path(tmp, "slow-parse.txt"), Path(tmp, "slow-lint.txt")
        slow_parse.write_text(target_lines(args.lines), encoding="utf-8")
        slow_lint.write_text(target_lines(args.lint_lines), encoding="utf-8")
        rows = [
            (f"parse, timeout 0.5, main thread ({args.lines} lines)",
             child("main", slow_parse, 0.5, args.cap)),
            ("parse, timeout 0.5, ThreadPoolExecutor worker", child("thread", slow_parse, 0.5,
                                                                    args.cap)),
            ("parse, timeout 0.5, asyncio.to_thread", child("to_thread", slow_parse, 0.5,
                                                           args.cap)),
            ("parse, timeout 0.5, host ITIMER_REAL armed (1000 s)",
             child("host-timer", slow_parse, 0.5, args.cap)),
            (f"lint(), timeout 1 ({args.lint_lines} lines)", child("lint", slow_lint, 1,
                                                                  args.cap)),
            ("policyparse lint --timeout 1", cli(slow_lint, 1, args.cap)),
        ]
    for name, row in rows:
        print(f"{name:<58} {row.pop('seconds', '?'):>7} s  {json.dumps(row, ensure_ascii=False)}")


if __name__ == "__main__":
    main()
