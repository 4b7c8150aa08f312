"""How time and memory grow with the input (run on demand; prints figures, asserts nothing).

Two generated documents, each doubled three times (×1, ×2, ×4, ×8):

- ``lines``: lines of goals of one measure, ``（i）到2025年，全市专利授权量达到i件，比2020年增长x.5%。``
  (the case of issue 15: every goal is compared with every other of its measure);
- ``line``: one paragraph of comma-separated goals, ``到2025年全市专利授权量达到i件，…`` (every
  goal's deadline and cues are read from the one sentence they share).

each written as txt, docx (python-docx), html (one ``<p>`` a line) and pdf (the docx converted by
LibreOffice; skipped with a note when ``soffice`` is not installed).  Each document is read in a
fresh interpreter, stage by stage: ``load`` (reading and normalising the file), ``structure``
(meta, outline, tasks, owners), ``extract`` (targets, facts), ``lint`` (the single-document
rules) and ``report`` (the HTML review report).  Printed per size: wall seconds per stage, the
peak resident memory of the process (interpreter and libraries included: the ``base`` column is
the figure after the imports) and the size of the HTML report; then, per stage, the growth of
time for 4× the input (×4 against ×1 and ×8 against ×2: linear work gives 4, quadratic 16).

    python benchmarks/bench_complexity.py [--forms txt,docx,html,pdf] [--shapes lines,line]
        [--lines 250] [--kb 16] [--steps 1,2,4,8] [--ignore AM001] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STAGES = ("load", "structure", "extract", "lint", "report")
FORMS = ("txt", "docx", "html", "pdf")
SHAPES = ("lines", "line")
CONVERT_SECONDS = 600

CHILD = r"""
import json, resource, sys, time
from policyparse.load import load
from policyparse.lint import lint_plan
from policyparse.lint.registry import all_rules
from policyparse.pipeline import get_component, plan_from_document
from policyparse.report import html

ignored = set(sys.argv[2].split(",")) if sys.argv[2] else set()
rules = [r for r in all_rules() if r.code not in ignored]

def rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

out = {"base_mb": rss()}
def timed(stage, fn):
    t = time.perf_counter()
    result = fn()
    out[stage] = time.perf_counter() - t
    return result

doc = timed("load", lambda: load(sys.argv[1]))
plan = plan_from_document(doc)
def steps(names):
    global plan
    for name in names:
        plan = get_component(name)(plan)
timed("structure", lambda: steps(("meta", "outline", "tasks", "owners")))
timed("extract", lambda: steps(("targets", "facts")))
findings = timed("lint", lambda: lint_plan(plan, rules))
page = timed("report", lambda: html.render([plan], findings))
out.update(peak_mb=rss(), chars=len(plan.text), targets=len(plan.targets),
           findings=len(findings), report_bytes=len(page.encode("utf-8")))
print(json.dumps(out))
"""


def lines_text(n: int) -> list[str]:
    """``n`` goal lines of one measure (the reproduction of issue 15)."""
    return [f"（{i}）到2025年，全市专利授权量达到{i}件，比2020年增长{i % 10}.5%。"
            for i in range(1, n + 1)]


def line_text(kb: int) -> list[str]:
    """One paragraph of comma-separated goals, ``kb`` kilobytes of UTF-8."""
    parts, size, i = [], 0, 0
    while size < kb * 1024:
        part = f"到2025年全市专利授权量达到{i}件"
        parts.append(part)
        size += len(part.encode("utf-8")) + 3
        i += 1
    return ["，".join(parts) + "。"]


def write(paragraphs: list[str], form: str, path: Path, tmp: Path) -> Path | None:
    """The document in ``form`` at ``path`` (None for a pdf without LibreOffice)."""
    if form == "txt":
        path.write_text("\n".join(paragraphs) + "\n", encoding="utf-8")
    elif form == "html":
        body = "".join(f"<p>{escape(p)}</p>\n" for p in paragraphs)
        path.write_text(f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
                        f"<title>规划</title></head><body>\n{body}</body></html>\n",
                        encoding="utf-8")
    elif form == "docx":
        import docx

        document = docx.Document()
        for p in paragraphs:
            document.add_paragraph(p)
        document.save(str(path))
    else:
        soffice = shutil.which("soffice")
        if soffice is None:
            return None
        source = write(paragraphs, "docx", path.with_suffix(".docx"), tmp)
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/lo",
                        "--convert-to", "pdf", "--outdir", str(path.parent), str(source)],
                       check=True, capture_output=True, timeout=CONVERT_SECONDS)
    return path


def measure(path: Path, ignore: str) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), ignore], capture_output=True,
                          text=True, cwd=ROOT)
    if done.returncode:
        return {"error": (done.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(done.stdout)


def growth(rows: list[dict], stage: str) -> str:
    """Time at ×4 over time at ×1, and at ×8 over ×2."""
    by_step = {r["step"]: r for r in rows if stage in r}
    out = []
    for lo, hi in ((1, 4), (2, 8)):
        if lo in by_step and hi in by_step and by_step[lo][stage] > 0:
            out.append(f"{by_step[hi][stage] / by_step[lo][stage]:.1f}")
    return "/".join(out) or "-"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--forms", default=",".join(FORMS))
    ap.add_argument("--shapes", default=",".join(SHAPES))
    ap.add_argument("--lines", type=int, default=250, help="lines at ×1 (shape lines)")
    ap.add_argument("--kb", type=int, default=16, help="kilobytes at ×1 (shape line)")
    ap.add_argument("--steps", default="1,2,4,8")
    ap.add_argument("--ignore", default="", help="rule codes left out of the lint stage (AM001)")
    ap.add_argument("--json", help="write every measurement to this file")
    args = ap.parse_args()
    steps = [int(s) for s in args.steps.split(",")]
    results = []
    print(f"{'form':5} {'shape':5} {'size':>8} {'bytes':>9} "
          + " ".join(f"{s:>9}" for s in STAGES)
          + f" {'total s':>8} {'peak MB':>8} {'base MB':>8} {'report':>10}")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for form in args.forms.split(","):
            for shape in args.shapes.split(","):
                rows = []
                for step in steps:
                    size = f"{args.lines * step} l" if shape == "lines" else f"{args.kb * step} KB"
                    paragraphs = (lines_text(args.lines * step) if shape == "lines"
                                  else line_text(args.kb * step))
                    path = write(paragraphs, form, tmp / f"{shape}-{step}.{form}", tmp)
                    if path is None:
                        print(f"{form:5} {shape:5} skipped: LibreOffice (soffice) is not "
                              "installed to make the PDF")
                        break
                    row = {"form": form, "shape": shape, "step": step, "size": size,
                           "bytes": path.stat().st_size, **measure(path, args.ignore)}
                    rows.append(row)
                    if "error" in row:
                        print(f"{form:5} {shape:5} {size:>8} error: {row['error']}")
                        continue
                    total = sum(row[s] for s in STAGES)
                    print(f"{form:5} {shape:5} {size:>8} {row['bytes']:>9} "
                          + " ".join(f"{row[s]:>9.2f}" for s in STAGES)
                          + f" {total:>8.2f} {row['peak_mb']:>8.0f} {row['base_mb']:>8.0f}"
                          f" {row['report_bytes']:>10}", flush=True)
                if rows:
                    for row in rows:
                        if "error" not in row:
                            row["total"] = sum(row[s] for s in STAGES)
                    print(f"{form:5} {shape:5} {'4× time':>8} {'':>9} "
                          + " ".join(f"{growth(rows, s):>9}" for s in (*STAGES,))
                          + f" {growth(rows, 'total'):>8}", flush=True)
                results += rows
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n",
                                   encoding="utf-8")


if __name__ == "__main__":
    main()
