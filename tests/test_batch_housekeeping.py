"""`policyparse batch` housekeeping: one run per output folder, what a killed run leaves, workers
that end with their driver, paths that are not files, errors of every kind, a full disk, resumed
and empty batches."""

from __future__ import annotations

import errno
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from policyparse.batch import inputs, load, run
from policyparse.batch import worker as batch_worker
from policyparse.batch.docs import error_types_markdown
from policyparse.batch.engines import error_types
from policyparse.batch.progress import Progress
from policyparse.batch.store import LOCK_FILE, Store, read_input
from policyparse.cli import main
from policyparse.errors import DiskFull
from policyparse.files import atomic_path
from policyparse.load import SUFFIXES

from conftest import CORPUS, ROOT

SMALL = ("gwyb-xiaoqu-youeryuan-2019.txt", "xinjiang-zhijian-xinwen-xuanchuan-2012.txt",
         "gwyb-yaopin-jicai-shidian-2019.txt")


@pytest.fixture
def plans(tmp_path, monkeypatch) -> Path:
    """Three small corpus plans in ``tmp_path/in``, the working directory ``tmp_path``."""
    (tmp_path / "in").mkdir()
    for name in SMALL:
        shutil.copy(CORPUS / "seeds" / name, tmp_path / "in" / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "in"


ARGS = ["batch", "in", "--out", "out", "--jobs", "1"]


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("policyparse: error:")]


def leftovers(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def spawn(code: str) -> subprocess.Popen:
    """A Python process running ``code`` that prints "ready" when it has got going."""
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


# --- 1. one run per output folder -------------------------------------------------------------

def test_a_second_run_on_one_output_folder_is_refused_and_a_killed_runs_lock_taken_over(
        plans, capsys):
    Store.open("out")
    holder = spawn("""
        import time
        from policyparse.batch.store import Store
        with Store.open(%r).lock():
            print("ready", flush=True)
            time.sleep(600)
    """ % str(plans.parent / "out"))
    try:
        assert main(ARGS) == 2
        err = capsys.readouterr().err
        (line,) = error_lines(err)
        assert line.startswith("policyparse: error: out: another policyparse batch") and \
            f"(pid {holder.pid})" in line and "Traceback" not in err
        assert not (plans.parent / "out" / "plans").exists()  # refused before any work
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    # the killed holder's pid is still in the file, but the kernel released its lock
    assert (plans.parent / "out" / LOCK_FILE).read_text().strip() == str(holder.pid)
    assert main(ARGS) == 0
    err = capsys.readouterr().err
    assert f"an earlier run (pid {holder.pid}) was killed before it finished" in err
    assert (plans.parent / "out" / LOCK_FILE).read_text() == ""  # a clean end leaves no pid
    assert main(ARGS) == 0 and "earlier run" not in capsys.readouterr().err


# --- 2. temporary files a killed run left -----------------------------------------------------

def test_temporary_files_of_a_killed_run_are_removed_and_counted(plans, capsys):
    assert main(ARGS) == 0
    out = plans.parent / "out"
    # what a kill while writing leaves: atomic_path's temporaries, never renamed nor removed
    for target, size in ((out / "tables" / "tasks.jsonl", 50_000),
                         (out / "tables" / "tasks.parquet", 20_000),
                         (out / "records" / "in" / f"{SMALL[0]}.json", 10)):
        atomic_path(target).__enter__().write_bytes(b"x" * size)
    mine = [out / "tables" / "notes.tmp", out / "records" / "in" / ".draft.tmp", out / "keep.tmp"]
    for path in mine:  # named otherwise: not ours to remove
        path.write_text("user data")
    assert len(leftovers(out)) == 3 + len(mine)
    summary = run(["in"], "out", root=plans.parent, jobs=1, quiet=True)
    assert summary.temporaries_removed == 3 and summary.skipped == len(SMALL)
    assert "removed 3 temporary file(s) it left (0.1 MB)" in capsys.readouterr().err
    assert sorted(leftovers(out)) == sorted(mine)


# --- 3. workers end with their driver ---------------------------------------------------------

def test_workers_die_with_a_driver_killed_by_sigkill():
    driver = spawn("""
        import time
        from policyparse.batch import engines
        with engines.Local(jobs=2, timeout=None) as engine:
            items = engine.map(time.sleep, [(i, (600,)) for i in range(4)])
            print("ready", flush=True)
            list(items)
    """)
    proc = psutil.Process(driver.pid)
    deadline = time.monotonic() + 60
    while len(workers := proc.children(recursive=True)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(workers) >= 2
    driver.send_signal(signal.SIGKILL)
    driver.wait()
    _, alive = psutil.wait_procs(workers, timeout=10)  # they slept on for 30 s and more
    assert alive == []


# --- 4. paths that are not files --------------------------------------------------------------

def test_fifos_dangling_and_looping_links_are_reported_never_read(plans, capsys):
    os.mkfifo(plans / "pipe.txt")
    (plans / "gone.docx").symlink_to(plans / "nowhere.docx")
    (plans / "loop.pdf").symlink_to(plans / "loop.pdf")
    (plans / "sub").mkdir()
    (plans / "sub" / "up").symlink_to("..")  # a link back up is not followed
    (plans / "notes.json").write_text("{}")  # not named as a document: not a candidate
    assert main(ARGS) == 0  # a FIFO read would block here until a writer came
    err = capsys.readouterr().err
    assert "policyparse batch: skipped in/pipe.txt: a FIFO (named pipe), not a regular file" in err
    assert "skipped in/gone.docx: a link to a file that does not exist" in err
    assert "skipped in/loop.pdf: a loop of symbolic links" in err
    assert "notes.json" not in err and "Traceback" not in err
    assert f"{len(SMALL)} documents ({len(SMALL)} ok, 0 failed, 0 skipped)" in err
    assert "; 3 path(s) that are not documents passed over (listed above)" in err
    summary = run(["in"], "out", root=plans.parent, quiet=True, progress=io.StringIO())
    assert (summary.passed_over, summary.total) == (3, len(SMALL))

    # named on its own, each is a usage error naming the path
    for name, reason in (("pipe.txt", "a FIFO"), ("gone.docx", "a link to a file that does not "
                                                  "exist"), ("loop.pdf", "a loop of")):
        assert main(["batch", f"in/{name}", "--out", "out2"]) == 2
        (line,) = error_lines(capsys.readouterr().err)
        assert line.startswith(f"policyparse: error: in/{name}: {reason}")


def test_reading_a_path_that_became_a_fifo_raises_instead_of_blocking(tmp_path):
    os.mkfifo(tmp_path / "plan.txt")
    with pytest.raises(OSError, match="not a regular file"):
        read_input(tmp_path / "plan.txt")


# --- 5. errors of every kind become typed error records ---------------------------------------

def raising_parse(data: bytes, **kw):
    """parse(), except for documents that ask for one of Python's own exceptions."""
    for marker, err in ((b"VALUE", ValueError("\u8d85\u51fa\u6570\u636e\u8303\u56f4")),
                        (b"OVERFLOW", OverflowError("int too large to convert to float")),
                        (b"MEMORY", MemoryError()), (b"DEEP", RecursionError("too deep"))):
        if marker in data:
            raise err
    return parse_for_real(data, **kw)


parse_for_real = batch_worker.parse


def test_any_exception_in_a_worker_becomes_a_typed_error_record(plans, monkeypatch, capsys):
    for marker in ("VALUE", "OVERFLOW", "MEMORY", "DEEP"):
        (plans / f"{marker.lower()}.txt").write_text(f"一、{marker}\n", encoding="utf-8")
    monkeypatch.setattr(batch_worker, "parse", raising_parse)  # forked workers inherit it
    assert main(ARGS) == 1
    assert "Traceback" not in capsys.readouterr().err
    errors = load("out")["errors"].set_index("file")
    assert dict(errors.error_type) == {"in/value.txt": "InternalError",
                                       "in/overflow.txt": "InternalError",
                                       "in/memory.txt": "OutOfMemory", "in/deep.txt": "TooDeep"}
    assert errors.message["in/value.txt"] == "ValueError: \u8d85\u51fa\u6570\u636e\u8303\u56f4"
    assert errors.message["in/overflow.txt"].startswith("OverflowError: int too large")
    documented = error_types()
    assert set(errors.error_type) <= set(documented)
    assert all(f"| `{kind}` |" in error_types_markdown() for kind in documented)


def test_an_input_that_cannot_be_read_is_an_unreadable_record(plans, monkeypatch):
    os.mkfifo(plans / "late.txt")
    # as if it had become a FIFO after the scan: the reader must refuse it, not wait
    monkeypatch.setattr(inputs, "not_a_file", lambda path: None)
    summary = run(["in"], "out", root=plans.parent, jobs=1, quiet=True)
    assert (summary.total, summary.failed) == (len(SMALL) + 1, 1)
    record = json.loads((plans.parent / "out" / "records" / "in" / "late.txt.json").read_text())
    assert (record["error_type"], record["message"]) == ("Unreadable", "not a regular file")


# --- 6. a full disk ---------------------------------------------------------------------------

def full_after(patch: pytest.MonkeyPatch, writes: int, code: int, where: str) -> None:
    """Make text writes under a folder named ``where`` fail with ``code`` after ``writes``."""
    real, count = Path.write_text, [0]

    def write_text(self, *args, **kw):
        if where in self.parts:
            count[0] += 1
            if count[0] > writes:
                real(self, "partial", encoding="utf-8")  # what the disk took before it filled
                raise OSError(code, os.strerror(code), str(self))
        return real(self, *args, **kw)

    patch.setattr(Path, "write_text", write_text)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT], ids=["ENOSPC", "EDQUOT"])
def test_a_full_disk_stops_the_batch_with_exit_status_3_keeping_what_is_done(
        plans, monkeypatch, capsys, code):
    with monkeypatch.context() as patch:
        full_after(patch, writes=2, code=code, where="records")
        assert main(ARGS) == 3
    err = capsys.readouterr().err
    (line,) = error_lines(err)
    assert line == (f"policyparse: error: out/records/in: {os.strerror(code)}: the batch "
                    "stopped; the documents done so far are kept, run it again when there is "
                    "room") and "Traceback" not in err
    out = plans.parent / "out"
    assert leftovers(out) == []
    assert sorted(p.name for p in (out / "records" / "in").iterdir()) == [
        f"{n}.json" for n in sorted(SMALL)[:2]]
    summary = run(["in"], "out", root=plans.parent, jobs=1, quiet=True)  # the lock was released
    assert (summary.skipped, summary.processed, summary.failed) == (2, 1, 0)


class FullFile:
    """A file being written on a disk that fills up after ``room`` characters."""

    def __init__(self, file, room: int):
        self.file, self.room = file, room

    def write(self, text: str) -> int:
        self.room -= len(text)
        if self.room < 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as the kernel: no name
        return self.file.write(text)

    def __getattr__(self, name):
        return getattr(self.file, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.file.close()


def test_a_full_disk_while_the_tables_are_built_keeps_the_earlier_tables(plans, monkeypatch,
                                                                         capsys):
    assert main(ARGS) == 0
    out = plans.parent / "out"
    before = {p.name: p.read_bytes() for p in (out / "tables").iterdir()}
    real_open = Path.open

    def open_(self, mode="r", *args, **kw):
        f = real_open(self, mode, *args, **kw)
        return FullFile(f, 5_000) if "w" in mode and self.parent.name == "tables" else f

    monkeypatch.setattr(Path, "open", open_)
    assert main([*ARGS, "--force"]) == 3
    (line,) = error_lines(capsys.readouterr().err)
    assert re.match(rf"policyparse: error: out/tables/\w+\.jsonl: {os.strerror(errno.ENOSPC)}: "
                    "the batch stopped", line)
    assert leftovers(out) == []
    assert {p.name: p.read_bytes() for p in (out / "tables").iterdir()} == before


def test_a_full_disk_while_writing_parquet_leaves_no_stale_parquet(plans, monkeypatch):
    pq = pytest.importorskip("pyarrow.parquet")
    run(["in/" + SMALL[0]], "out", root=plans.parent, jobs=1, quiet=True)
    assert len(load("out")["documents"]) == 1

    def full(self, *args, **kw):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as patch, pytest.raises(
            DiskFull, match="^out/tables/documents.parquet: No space left on device"):
        patch.setattr(pq.ParquetWriter, "write_batch", full)
        run(["in"], "out", root=plans.parent, jobs=1, quiet=True)
    out = plans.parent / "out"
    assert leftovers(out) == [] and not list((out / "tables").glob("*.parquet"))
    assert len(load("out")["documents"]) == len(SMALL)  # the new JSONL, not a past Parquet


# --- 7. a resumed batch -----------------------------------------------------------------------

def test_a_resumed_batch_with_nothing_to_do_shows_no_empty_bar():
    stream = io.StringIO()
    bar = Progress(3, 3, stream=stream, bar=True)  # as on a terminal
    bar.stage("building the tables")
    bar.close("out")
    text = stream.getvalue()
    assert "0doc" not in text and ": :" not in text
    assert text.splitlines() == [
        "policyparse batch: 3 of 3 documents already done, skipped",
        "policyparse batch: building the tables",
        text.splitlines()[-1]]
    assert text.splitlines()[-1].startswith(
        "policyparse batch: 3 documents (0 ok, 0 failed, 3 skipped) in ")


def test_a_resumed_batch_says_its_failures_are_from_an_earlier_run(plans, capsys):
    (plans / "bad.docx").write_bytes(b"not a zip")
    assert main(ARGS) == 1
    capsys.readouterr()
    assert main(ARGS) == 1
    err = capsys.readouterr().err
    assert f"{len(SMALL) + 1} documents (0 ok, 0 failed, {len(SMALL) + 1} skipped)" in err
    assert ("exit status 1: 1 document(s) have error records (1 failed in an earlier run and "
            "were not retried: --retry-failed redoes them)") in err
    assert main([*ARGS, "--retry-failed"]) == 1
    err = capsys.readouterr().err
    assert f"(0 ok, 1 failed, {len(SMALL)} skipped)" in err and "earlier run" not in err


# --- 8. an empty batch ------------------------------------------------------------------------

def test_an_empty_batch_writes_nothing_and_says_so_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.json").write_text("{}")
    assert main(["batch", "in", "--out", "out"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [f"policyparse: error: no input documents found (looked for "
                                f"{', '.join(SUFFIXES)})"]
    assert not (tmp_path / "out").exists()
    os.mkfifo(tmp_path / "in" / "pipe.txt")  # found, but not a document
    assert main(["batch", "in", "--out", "out"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == ("policyparse batch: skipped in/pipe.txt: a FIFO (named pipe), not a "
                        "regular file")
    assert len(lines) == 2 and lines[1].endswith("; 1 path(s) skipped, see above")
    assert not (tmp_path / "out").exists()
