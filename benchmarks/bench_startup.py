"""Start-up of the command line, as an editor's pre-commit hook pays it on every commit.

Runs each command ``--repeat`` times in a fresh interpreter and prints the median wall time and
CPU time (user + system of the child, which does not count waiting for a busy machine), next to
a bare ``python -c pass`` as the floor no command can go below.  Goals (issue 16):
``policyparse lint`` of a 20 KB plan ≤ 0.25 s and ``policyparse --version`` ≤ 0.1 s, on one core.

    python benchmarks/bench_startup.py [--repeat 11] [--plan corpora/seeds/aba-zhengwu-shuju-banfa-2021.txt]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "corpora" / "seeds" / "aba-zhengwu-shuju-banfa-2021.txt"  # 21 KB
GOALS = {"--version": 0.1, "lint": 0.25}


def run(cmd: list[str]) -> tuple[float, float]:
    """(wall, cpu) seconds of one run of ``cmd`` in a new process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                   env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=11)
    ap.add_argument("--plan", type=Path, default=PLAN)
    args = ap.parse_args()
    cli = [sys.executable, "-m", "policyparse.cli"]
    commands = {
        "python -c pass (floor)": [sys.executable, "-c", "pass"],
        "policyparse --version": [*cli, "--version"],
        f"policyparse lint ({args.plan.stat().st_size // 1024} KB)": [*cli, "lint", str(args.plan)],
    }
    print(f"{'command':36} {'wall (median)':>14} {'cpu (median)':>13}   goal")
    for name, cmd in commands.items():
        run(cmd)  # warm the file cache and the bytecode
        walls, cpus = zip(*(run(cmd) for _ in range(args.repeat)))
        goal = next((f"≤ {g:g} s" for key, g in GOALS.items() if key in name), "")
        print(f"{name:36} {statistics.median(walls):13.3f}s {statistics.median(cpus):12.3f}s   {goal}")


if __name__ == "__main__":
    main()
