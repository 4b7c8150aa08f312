"""Batch throughput and memory benchmark (run on demand; prints figures, asserts nothing).

Builds a synthetic collection from the corpus in a temporary directory, in all four formats:

- .txt  — the seed texts with figures changed, the place renamed (another county-level city from
  the gazetteer, the same one for about three documents, so cross-document linting has regions
  of realistic size), and two adjacent top-level sections swapped and renumbered;
- .docx — the corpus Word files with the same figure and place changes made inside the text runs
  of word/document.xml (Word numbering untouched);
- .html — varied texts wrapped in a government-portal page (navigation, breadcrumbs, share box,
  footer around a TRS_Editor content div);
- .pdf  — the four corpus PDFs plus varied .docx files converted by one
  ``soffice --headless --convert-to pdf`` call when LibreOffice is installed; copies fill up.

then runs ``policyparse batch`` on it with ``--jobs 1`` and ``--jobs 2`` (each run in its own
process, its process tree sampled with psutil) and prints docs/s, MB/s, ms per document per format
(worker time, from the records), the peak RSS of the driver and of the largest worker, and the same
peaks for a 10% sample to show whether memory grows with the collection.  Where docling is
importable, it times docling's conversion of the same .docx files and prints the ratio.  Last,
the housekeeping figures: a resumed run killed ``--kills`` times while it builds the tables, the
temporary files left and how long the workers outlived the driver, what the next run removes,
and how a second run on the same output folder is refused.

    python benchmarks/bench_batch.py [--count 1000] [--jobs 1,2] [--keep DIR] [--kills 6]
                                     [--housekeeping-only]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import defaultdict
from pathlib import Path

import psutil
import regex

from policyparse.batch.store import LOCK_FILE

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpora"
SHARES = {"txt": 0.4, "docx": 0.3, "html": 0.2, "pdf": 0.1}
PLACES = ("宜都", "宜兴", "武汉")  # the corpus places renamed in the variants (short forms)
_NUMBER = regex.compile(r"(?<![0-9.])(?!(?:19|20)\d\d(?!\d))\d+(?:\.\d+)?")
_TOP = regex.compile(r"^([一二三四五六七八九十]+)、", regex.M)
_NUMERALS = "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七 十八 十九 二十".split()


# --- building the collection -----------------------------------------------------------------

def county_cities() -> list[str]:
    """Short forms of county-level cities (宜都市 → 宜都) from the bundled gazetteer."""
    rows = [line.split("\t") for line in (ROOT / "policyparse" / "data" / "regions.tsv")
            .read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return sorted(short for code, name, short in rows
                  if not code.endswith("00") and name == f"{short}市" and len(short) == 2)


def vary_figures(text: str, rng: random.Random) -> str:
    """Change about a third of the non-year numbers by a few percent, keeping their form."""
    def change(m: regex.Match) -> str:
        if rng.random() > 0.33:
            return m.group()
        value = float(m.group()) * rng.uniform(0.9, 1.2)
        decimals = len(m.group().partition(".")[2])
        return f"{value:.{decimals}f}" if decimals else str(max(1, round(value)))
    return _NUMBER.sub(change, text)


def rename_place(text: str, place: str) -> str:
    for short in PLACES:
        text = text.replace(short, place)
    return text


def reorder_sections(text: str, rng: random.Random) -> str:
    """Swap two adjacent top-level sections (一、二、…) after the first, then renumber them all."""
    marks = list(_TOP.finditer(text))
    if len(marks) >= 4:
        i = rng.randrange(1, len(marks) - 2)
        a, b, c = marks[i].start(), marks[i + 1].start(), marks[i + 2].start()
        text = text[:a] + text[b:c] + text[a:b] + text[c:]
    counter = iter(_NUMERALS * 10)
    return _TOP.sub(lambda m: f"{next(counter)}、", text)


def vary_docx(data: bytes, rng: random.Random, place: str) -> bytes:
    """The .docx with figures and place names changed inside its text runs."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w",
                                                                  zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item)
            if item.filename == "word/document.xml":
                xml = content.decode("utf-8")
                xml = regex.sub(r"(<w:t(?: [^>]*)?>)([^<]*)(</w:t>)", lambda m: m.group(1) +
                                rename_place(vary_figures(m.group(2), rng), place) + m.group(3),
                                xml)
                content = xml.encode("utf-8")
            dst.writestr(item, content)
    return out.getvalue()


def portal_page(text: str, title: str) -> str:
    body = "\n".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body><div class="nav"><a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/login">登录</a></div>
<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 规划计划</div>
<div class="share">分享到：微信 微博 <img src="qr.png">扫一扫在手机打开当前页</div>
<div class="TRS_Editor">{body}</div>
<div class="footer">主办单位：人民政府办公室 网站标识码 ICP备案号</div></body></html>"""


def build(folder: Path, count: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    places = county_cities()
    rng.shuffle(places)
    seeds = sorted((CORPUS / "seeds").glob("*.txt"))
    docxs = sorted((CORPUS / "docx").glob("*.docx"))
    counts = {fmt: round(count * share) for fmt, share in SHARES.items()}
    counts["txt"] += count - sum(counts.values())
    for fmt in SHARES:
        (folder / fmt).mkdir(parents=True)
    n = 0

    def place() -> str:
        return places[(n // 3) % len(places)]  # about three documents per place

    for i in range(counts["txt"] + counts["html"]):
        src = seeds[i % len(seeds)]
        text = reorder_sections(rename_place(vary_figures(src.read_text(encoding="utf-8"), rng),
                                             place()), rng)
        if i < counts["txt"]:
            (folder / "txt" / f"{i:04d}_{src.stem}.txt").write_text(text, encoding="utf-8")
        else:
            (folder / "html" / f"{i:04d}_{src.stem}.html").write_text(
                portal_page(text, src.stem), encoding="utf-8")
        n += 1
    for i in range(counts["docx"]):
        src = docxs[i % len(docxs)]
        (folder / "docx" / f"{i:04d}_{src.stem}.docx").write_bytes(
            vary_docx(src.read_bytes(), rng, place()))
        n += 1
    pdfs = sorted((CORPUS / "pdf").glob("*.pdf")) + convert_to_pdf(folder, counts["pdf"] // 2)
    for i in range(counts["pdf"]):
        shutil.copyfile(pdfs[i % len(pdfs)], folder / "pdf" / f"{i:04d}_{pdfs[i % len(pdfs)].name}")
    return counts


def convert_to_pdf(folder: Path, wanted: int) -> list[Path]:
    """PDF variants: ``wanted`` of the varied .docx files through one LibreOffice call."""
    soffice = shutil.which("soffice")
    if not soffice or not wanted:
        print("soffice not found: the PDFs are copies of the 4 corpus PDFs")
        return []
    out = folder.parent / "pdf-from-docx"
    sources = sorted((folder / "docx").glob("*.docx"))[:wanted]
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out),
                    *map(str, sources)], check=True, capture_output=True, timeout=1800)
    return sorted(out.glob("*.pdf"))


# --- running it --------------------------------------------------------------------------------

class TreeSampler(threading.Thread):
    """Peak RSS of a process (the batch driver) and of its largest child (a worker), and the
    driver's own CPU time (its part of the work that no worker shares)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.proc = psutil.Process(pid)
        self.driver = self.worker = 0
        self.driver_cpu = 0.0
        self.running = True

    def run(self) -> None:
        while self.running:
            try:
                self.driver = max(self.driver, self.proc.memory_info().rss)
                times = self.proc.cpu_times()
                self.driver_cpu = times.user + times.system
                for child in self.proc.children(recursive=True):
                    self.worker = max(self.worker, child.memory_info().rss)
            except psutil.Error:
                pass
            time.sleep(0.05)


def run_batch(files: list[Path], out: Path, jobs: int) -> dict:
    cmd = [sys.executable, "-m", "policyparse.cli", "batch", *map(str, files), "--out", str(out),
           "--jobs", str(jobs), "--quiet"]
    load = os.getloadavg()[0]
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    status = proc.wait()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the batch and its (joined) workers
    cpu_seconds = (after.ru_utime + after.ru_stime) - (cpu.ru_utime + cpu.ru_stime)
    sampler.running = False
    sampler.join()
    per_format: dict[str, list[float]] = defaultdict(list)
    failed = 0
    for rec_path in (out / "records").rglob("*.json"):
        rec = json.loads(rec_path.read_text(encoding="utf-8"))
        if rec["status"] == "ok":
            per_format[Path(rec["file"]).suffix[1:]].append(rec["seconds"])
        else:
            failed += 1
    return {"wall": wall, "status": status, "failed": failed, "per_format": per_format,
            "driver_rss": sampler.driver, "worker_rss": sampler.worker, "cpu": cpu_seconds,
            "driver_cpu": sampler.driver_cpu,
            "load": load}


def report(label: str, files: list[Path], r: dict) -> None:
    mb = sum(f.stat().st_size for f in files) / 1e6
    n = len(files)
    print(f"{label}: {n} docs ({mb:.1f} MB) in {r['wall']:.1f} s — {n / r['wall']:.1f} docs/s, "
          f"{mb / r['wall']:.2f} MB/s, exit {r['status']}, {r['failed']} failed; peak RSS driver "
          f"{r['driver_rss'] / 2**20:.0f} MiB, largest worker {r['worker_rss'] / 2**20:.0f} MiB")
    print(f"    CPU {r['cpu']:.1f} s (driver {r['driver_cpu']:.1f} s) = "
          f"{r['cpu'] / r['wall']:.2f} cores busy on average "
          f"(load average {r['load']:.2f} before the run: other work shares the machine)")
    for fmt in SHARES:
        times = r["per_format"].get(fmt, [])
        if times:
            print(f"    {fmt:5} {len(times):4d} docs  mean {1000 * statistics.mean(times):6.1f} ms"
                  f"  median {1000 * statistics.median(times):6.1f} ms  "
                  f"max {1000 * max(times):6.0f} ms")


def docling_comparison(docx_files: list[Path], ours: list[float]) -> None:
    try:
        from docling.document_converter import DocumentConverter
    except ImportError:
        print("docling: not installed, comparison skipped")
        return
    converter = DocumentConverter()
    converter.convert(docx_files[0])  # set-up (pipeline and backend initialisation) is not timed
    started = time.perf_counter()
    for f in docx_files:
        converter.convert(f)
    theirs = (time.perf_counter() - started) / len(docx_files)
    mine = statistics.mean(ours)
    print(f"docling: {1000 * theirs:.1f} ms per .docx (conversion only) vs policyparse "
          f"{1000 * mine:.1f} ms (parse + extract + lint): ratio {theirs / mine:.1f}×")


# --- housekeeping: killed runs, their workers and temporaries, a second run --------------------

def _batch(files: list[Path], out: Path, jobs: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "policyparse.cli", "batch", *map(str, files),
                             "--out", str(out), "--jobs", str(jobs)],
                            stderr=subprocess.PIPE, text=True)


def housekeeping(files: list[Path], out: Path, jobs: int, kills: int) -> None:
    """Kill a resumed run ``kills`` times as it writes the tables (SIGKILL, as the OOM killer or
    ``kill -9`` would); print the temporaries left, how long its workers outlived it, what the
    next run removes and says, and how a second run on the same folder fares."""
    outlived = []
    for _ in range(kills):
        proc = _batch(files, out, jobs)
        for line in proc.stderr:
            if "building the tables" in line:
                break
        deadline = time.monotonic() + 10
        while not list((out / "tables").glob("*.tmp")) and time.monotonic() < deadline:
            time.sleep(0.005)  # until the tables are being written
        workers = psutil.Process(proc.pid).children(recursive=True)
        proc.kill()
        killed = time.perf_counter()
        proc.wait()
        psutil.wait_procs(workers, timeout=120)
        outlived.append(time.perf_counter() - killed)
    left = [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    print(f"{kills} kills while building the tables: {len(left)} temporary files left "
          f"({sum(p.stat().st_size for p in left) / 1e6:.1f} MB); the workers outlived the "
          f"driver by {statistics.mean(outlived):.2f} s on average (max {max(outlived):.2f} s)")
    proc = _batch(files, out, jobs)
    while (out / LOCK_FILE).read_text().strip() != str(proc.pid):  # it holds the folder
        time.sleep(0.01)
    started = time.perf_counter()
    second = _batch(files, out, jobs)
    refused = second.communicate()[1].strip().splitlines()[-1]
    print(f"a second run on the same folder: exit {second.returncode} after "
          f"{time.perf_counter() - started:.2f} s: {refused}")
    lines = proc.communicate()[1].splitlines()
    print("the next run: " + next((line for line in lines if "removed" in line), "no message"))
    print(f"    then {len([p for p in out.rglob('*') if p.name.endswith('.tmp')])} temporary "
          f"files; exit {proc.returncode}; {lines[-1]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1000, help="documents in the collection")
    ap.add_argument("--jobs", default="1,2", help="comma-separated --jobs values to run")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", type=Path, help="build and run in this directory and keep it")
    ap.add_argument("--kills", type=int, default=6,
                    help="housekeeping: kill a run this many times while it builds the tables")
    ap.add_argument("--housekeeping-only", action="store_true",
                    help="one run, then only the housekeeping figures (no speed or memory)")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench_batch_"))
    try:
        started = time.perf_counter()
        counts = build(work / "collection", args.count, args.seed)
        files = sorted(p for p in (work / "collection").rglob("*.*"))
        print(f"built {len(files)} documents ({', '.join(f'{n} {f}' for f, n in counts.items())})"
              f" in {time.perf_counter() - started:.1f} s")
        if args.housekeeping_only:
            jobs = max(map(int, args.jobs.split(",")))
            report(f"--jobs {jobs}", files, run_batch(files, work / "out", jobs))
            housekeeping(files, work / "out", jobs, args.kills)
            return
        results = {}
        for jobs in map(int, args.jobs.split(",")):
            results[jobs] = run_batch(files, work / f"out-jobs{jobs}", jobs)
            report(f"--jobs {jobs}", files, results[jobs])
        if len(results) > 1:
            base, *rest = sorted(results)
            for jobs in rest:
                print(f"speed-up --jobs {jobs} over --jobs {base}: "
                      f"{results[base]['wall'] / results[jobs]['wall']:.2f}×")
        sample = files[::10]
        jobs = max(results)
        small = run_batch(sample, work / "out-sample", jobs)
        report(f"memory check, --jobs {jobs} on a 10% sample", sample, small)
        print(f"peak RSS {len(sample)} → {len(files)} docs: driver "
              f"{small['driver_rss'] / 2**20:.0f} → "
              f"{results[jobs]['driver_rss'] / 2**20:.0f} MiB,"
              f" largest worker {small['worker_rss'] / 2**20:.0f} → "
              f"{results[jobs]['worker_rss'] / 2**20:.0f} MiB")
        docling_comparison(sorted((work / "collection" / "docx").glob("*.docx")),
                           results[min(results)]["per_format"]["docx"])
        housekeeping(files, work / f"out-jobs{jobs}", jobs, args.kills)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
