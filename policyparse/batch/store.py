"""The output directory of a batch: where each document's outputs go, and whether they are current.

Layout (``FILE`` is the input's path relative to the batch root, so two inputs with one name
never collide)::

    OUT/plans/FILE.json      the Plan, as ``policyparse parse --format json`` prints it
    OUT/rows/FILE.tsv        the document's rows of every table: ``TABLE<TAB>row JSON`` lines
    OUT/records/FILE.json    the document's record: file, sha256, document id, status, seconds
                             and region, or error_type and message
    OUT/tables/NAME.jsonl    the tables (and NAME.parquet with pyarrow), rebuilt every run
    OUT/.policyparse-batch.lock  held by the run writing to OUT; holds its pid while it runs

Every file is written to a temporary name and renamed, and a record is written after the other
outputs of its document, so an interrupted batch leaves only complete outputs (and, when it was
killed, temporary files that the next run removes).  A document is done when its record holds
the sha256 of the file's current bytes.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from ..errors import UsageError
from ..files import atomic_path, is_temporary, write_atomic
from .tables import arrow_schema

try:
    import fcntl
except ImportError:  # Windows: no lock, as nothing there would release one of a killed run
    fcntl = None

LOCK_FILE = ".policyparse-batch.lock"
OUTPUT_FOLDERS = ("plans", "rows", "records", "tables")
NO_SPACE = (errno.ENOSPC, errno.EDQUOT)  # a full disk or quota: the batch stops, exit status 3
PID_WAIT = 1.0  # seconds to wait for a run that has just taken the lock to write its pid


@dataclass(frozen=True)
class Store:
    root: Path

    @classmethod
    def open(cls, out: str | os.PathLike) -> Store:
        root = Path(out)
        if root.exists() and not root.is_dir():
            raise UsageError(str(root), "--out exists and is not a directory")
        try:
            (root / "records").mkdir(parents=True, exist_ok=True)
        except OSError as err:
            if err.errno in NO_SPACE:
                raise
            raise UsageError(str(root), f"cannot create the output directory ({err.strerror})"
                             ) from None
        if not os.access(root, os.W_OK):
            raise UsageError(str(root), "the output directory is not writable")
        return cls(root)

    @contextmanager
    def lock(self) -> Iterator[int | None]:
        """Hold the output folder for the block: a second batch on it is refused with a
        :class:`UsageError` naming the holder's pid.  The lock is the kernel's (``lockf``), so it
        ends with its process however that ends; the pid in the file is only for messages.
        Yields the pid of an earlier run that was killed holding it (its file kept the pid), or
        None."""
        if fcntl is None:
            yield None
            return
        fd = os.open(self.root / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            try:  # lockf, not flock: forked workers do not inherit it, so it dies with the driver
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as err:
                if err.errno not in (errno.EACCES, errno.EAGAIN):
                    raise
                holder = _pid_in(fd, wait=PID_WAIT)
                raise UsageError(str(self.root), f"another policyparse batch (pid "
                                 f"{holder or 'unknown'}) is writing to this output folder; "
                                 "wait for it to finish or stop it") from None
            killed = _pid_in(fd)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            try:
                yield killed
            finally:  # the pid stays only when the process is killed, leaving its temporaries
                os.ftruncate(fd, 0)
        finally:
            os.close(fd)  # releases the lock

    def remove_temporaries(self) -> tuple[int, int]:
        """Remove the temporary files a killed run left among the outputs (only names that
        :func:`~policyparse.files.atomic_path` gives); returns how many and their bytes.  Call
        it holding the lock: a running batch's temporaries look the same."""
        count = size = 0
        for folder in OUTPUT_FOLDERS:
            for path in (self.root / folder).rglob("*"):
                if is_temporary(path) and path.is_file() and not path.is_symlink():
                    size += path.stat().st_size
                    path.unlink()
                    count += 1
        return count, size

    def plan_path(self, file: str) -> Path:
        return self.root / "plans" / f"{file}.json"

    def record_path(self, file: str) -> Path:
        return self.root / "records" / f"{file}.json"

    def table_path(self, name: str, suffix: str) -> Path:
        return self.root / "tables" / f"{name}{suffix}"

    def record(self, file: str) -> dict | None:
        try:
            return json.loads(self.record_path(file).read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def rows_path(self, file: str) -> Path:
        return self.root / "rows" / f"{file}.tsv"

    def done(self, file: str, sha256: str, *, failures: bool = True) -> bool:
        """Whether ``file`` with these bytes already has its outputs (a success, or an error
        unless ``failures`` is false: a failed document is to be retried)."""
        rec = self.record(file)
        return rec is not None and rec["sha256"] == sha256 and (
            (failures and rec["status"] == "error") or self.rows_path(file).exists())

    def save(self, record: dict, plan_json: str | None = None, rows: str | None = None) -> None:
        """Write a document's outputs: its plan and rows first, then the record that marks it
        done.  A failure (no plan) removes the outputs of an earlier success."""
        file = record["file"]
        for path, text in ((self.plan_path(file), plan_json), (self.rows_path(file), rows)):
            if text is None:
                path.unlink(missing_ok=True)
            else:
                write_atomic(path, text)
        write_atomic(self.record_path(file), json.dumps(record, ensure_ascii=False))


def _named(err: OSError, path: Path) -> OSError:
    """``err`` naming ``path`` (the error of a write to an open file names none)."""
    return err if err.filename is not None else OSError(err.errno, err.strerror, str(path))


def _pid_in(fd: int, *, wait: float = 0.0) -> int | None:
    """The pid written in the lock file, waiting up to ``wait`` seconds for its holder to write
    it (it locks first)."""
    deadline = time.monotonic() + wait
    while True:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        if text.isdigit() or time.monotonic() >= deadline:
            return int(text) if text.isdigit() else None
        time.sleep(0.05)


def read_input(path: Path) -> tuple[bytes, str]:
    """A file's bytes and their sha256.  Opened without waiting, so a path that has become a
    FIFO since the scan raises an ``OSError`` instead of blocking until a writer comes."""
    with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC), "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        data = f.read()
    return data, hashlib.sha256(data).hexdigest()


class TableWriter:
    """Streams rows into ``tables/NAME.jsonl``; on close also writes ``NAME.parquet`` when
    pyarrow is installed (and removes a stale one when it is not).  Files appear atomically."""

    def __init__(self, store: Store, models: dict[str, type[BaseModel]]):
        self.store, self.models = store, models
        self._stack = ExitStack()
        self._files = {}
        for name in models:
            tmp = self._stack.enter_context(atomic_path(store.table_path(name, ".jsonl")))
            self._files[name] = self._stack.enter_context(tmp.open("w", encoding="utf-8"))

    def add(self, table: str, row: BaseModel) -> None:
        try:
            self._files[table].write(row.model_dump_json() + "\n")
        except OSError as err:
            raise _named(err, self.store.table_path(table, ".jsonl"))

    def add_rows(self, rows: Iterable[str]) -> None:
        """Lines of a rows file (``TABLE<TAB>row JSON``), each to its table, as they are."""
        table = ""
        try:
            for line in rows:
                table, _, row = line.partition("\t")
                self._files[table].write(row if row.endswith("\n") else row + "\n")
        except OSError as err:
            raise _named(err, self.store.table_path(table, ".jsonl"))

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc) -> None:
        try:  # closes and renames the JSONL files (or removes them)
            self._stack.__exit__(*exc)
        except OSError as err:  # writing out what was buffered
            raise _named(err, self.store.root / "tables")
        if exc[0] is None:
            names = list(self.models)
            for i, name in enumerate(names):
                try:
                    self._parquet(name, self.models[name])
                except BaseException as err:  # load() must not read the Parquet of a past run
                    for stale in names[i:]:
                        self.store.table_path(stale, ".parquet").unlink(missing_ok=True)
                    if isinstance(err, OSError):
                        raise _named(err, self.store.table_path(name, ".parquet"))
                    raise

    def _parquet(self, name: str, model: type[BaseModel]) -> None:
        target, source = (self.store.table_path(name, suffix) for suffix in (".parquet", ".jsonl"))
        try:
            import pyarrow.json as pa_json
            import pyarrow.parquet as pq
        except ImportError:
            target.unlink(missing_ok=True)
            return
        schema = arrow_schema(model)
        with atomic_path(target) as tmp, pq.ParquetWriter(tmp, schema) as writer:
            if source.stat().st_size:  # Arrow's reader refuses an empty stream
                batches = pa_json.open_json(source, parse_options=pa_json.ParseOptions(
                    explicit_schema=schema, unexpected_field_behavior="error"))
                for batch in batches:  # streamed: memory stays flat on large tables
                    writer.write_batch(batch)
