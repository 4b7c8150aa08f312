"""Bounds: time and peak memory of the crafted files of tests/test_bounds.py, and PDF length.

    python benchmarks/bench_bounds.py [--cases] [--pdf] [--lint] [--limit S] [--source DIR]

``--cases``: each crafted file (a cell spanning 300 million columns, a list starting at 10^12,
190 MB of empty paragraphs …) is parsed in its own interpreter under an address-space cap
(``--cap-mb``, default 4096, so that a file without bounds ends in a MemoryError instead of
taking the machine); one row each: size, outcome, seconds, peak RSS.

``--pdf``: PDFs of 50 to 800 pages, made by repeating the pages of a corpus PDF (pypdfium2,
which pdfplumber depends on), are loaded and parsed in fresh interpreters: pages → seconds and
peak MB per stage, with the ratio per doubling (2.0 is linear).  ``--lint`` adds the lint
stage (slow on repeated pages: ER007 compares every duplicated paragraph with every block).

``--source DIR`` imports policyparse from another tree (``mkdir /tmp/old && git archive HEAD |
tar -x -C /tmp/old``), for before/after figures.  Without ``--cases``/``--pdf`` both run.
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

CASE_CHILD = r"""
import json, resource, sys, time
source, path, limit, cap = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
sys.path.insert(0, source)
resource.setrlimit(resource.RLIMIT_AS, (cap << 20, cap << 20))
import policyparse
from policyparse.errors import PolicyParseError
t = time.perf_counter()
try:
    plan = policyparse.parse(path, timeout=limit)
    result = f"plan, {len(plan.text):,} chars, {len(plan.diagnostics):,} diagnostics"
except PolicyParseError as err:
    result = f"{type(err).__name__}: {err.reason}"
except MemoryError:
    result = "MemoryError (traceback)"
except Exception as err:
    result = f"{type(err).__name__} (traceback)"
print(json.dumps({"result": result, "seconds": time.perf_counter() - t,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

PDF_CHILD = r"""
import json, resource, sys, time
source, path, lint = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
sys.path.insert(0, source)
import policyparse
from policyparse.load import load
from policyparse.pipeline import DEFAULT_PIPELINE, plan_from_document, run
rss = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out = {}
t = time.perf_counter(); doc = load(path); out["load"] = (time.perf_counter() - t, rss())
t = time.perf_counter(); plan = run(plan_from_document(doc), DEFAULT_PIPELINE)
out["steps"] = (time.perf_counter() - t, rss())
if lint:
    t = time.perf_counter(); policyparse.lint(plan); out["lint"] = (time.perf_counter() - t, rss())
print(json.dumps(out))
"""


def cases(source: str, limit: float, cap: int) -> None:
    from test_bounds import CASES

    print(f"{'case':28} {'size':>10} {'seconds':>8} {'peak MB':>8}  outcome")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (make, _) in CASES.items():
            path = Path(tmp) / name
            path.write_bytes(make())
            try:
                out = subprocess.run([sys.executable, "-c", CASE_CHILD, source, str(path),
                                      str(limit), str(cap)], capture_output=True, text=True,
                                     timeout=limit * 3 + 30)
                r = json.loads(out.stdout)
            except subprocess.TimeoutExpired:
                r = {"result": "killed", "seconds": limit * 3 + 30, "rss_mb": float("nan")}
            except json.JSONDecodeError:
                r = {"result": f"crashed: {out.stderr.strip().splitlines()[-1][:80]}",
                     "seconds": float("nan"), "rss_mb": float("nan")}
            print(f"{name:28} {path.stat().st_size:>10,} {r['seconds']:8.2f} "
                  f"{r['rss_mb']:8.0f}  {r['result'][:110]}")
            path.unlink()


def long_pdf(pages: int, path: Path) -> None:
    """``pages`` pages: the corpus PDF's pages over and over."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(ROOT / "corpora" / "pdf" / "000_8b7cc7afb4aa70ed.pdf")
    dst = pdfium.PdfDocument.new()
    while len(dst) < pages:
        dst.import_pages(src, list(range(min(len(src), pages - len(dst)))))
    dst.save(path)


def pdf_scaling(source: str, lint: bool, sizes: list[int]) -> None:
    stages = ["load", "steps", *(["lint"] if lint else [])]
    print(f"{'pages':>6} " + " ".join(f"{s + ' s':>9} {'ratio':>6} {'MB':>6}" for s in stages))
    before: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"{n}.pdf"
            long_pdf(n, path)
            out = subprocess.run([sys.executable, "-c", PDF_CHILD, source, str(path),
                                  "1" if lint else "0"], capture_output=True, text=True)
            if out.returncode:
                print(f"{n:>6} failed: {out.stderr.strip().splitlines()[-1][:100]}")
                continue
            r = json.loads(out.stdout)
            cells = []
            for stage in stages:
                seconds, mb = r[stage]
                ratio = f"{seconds / before[stage]:6.2f}" if before.get(stage) else f"{'':>6}"
                cells.append(f"{seconds:9.2f} {ratio} {mb:6.0f}")
                before[stage] = seconds
            print(f"{n:>6} " + " ".join(cells))
            path.unlink()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", action="store_true", help="the crafted files")
    ap.add_argument("--pdf", action="store_true", help="PDF length, 50 to 800 pages")
    ap.add_argument("--lint", action="store_true", help="with --pdf: time the lint stage too")
    ap.add_argument("--pages", type=int, nargs="+", default=[50, 100, 200, 400, 800])
    ap.add_argument("--limit", type=float, default=60.0, help="per-document time limit")
    ap.add_argument("--cap-mb", type=int, default=4096, help="address space of each child")
    ap.add_argument("--source", default=str(ROOT), help="checkout to import policyparse from")
    args = ap.parse_args()
    both = not (args.cases or args.pdf)
    if args.cases or both:
        cases(args.source, args.limit, args.cap_mb)
    if args.pdf or both:
        if args.cases or both:
            print()
        pdf_scaling(args.source, args.lint, args.pages)


if __name__ == "__main__":
    main()
