"""The output directory of a batch: where each document's outputs go, and whether they are current.

Layout (``FILE`` is the input's path relative to the batch root, so two inputs with one name
never collide)::

    OUT/plans/FILE.json      the Plan, as ``policyparse parse --format json`` prints it
    OUT/rows/FILE.tsv        the document's rows of every table: ``TABLE<TAB>row JSON`` lines
    OUT/records/FILE.json    the document's record: file, sha256, document id, status, seconds
                             and region, or error_type and message
    OUT/tables/NAME.jsonl    the tables (and NAME.parquet with pyarrow), rebuilt every run

Every file is written to a temporary name and renamed, and a record is written after the other
outputs of its document, so an interrupted batch leaves only complete outputs.  A document is
done when its record holds the sha256 of the file's current bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from ..errors import UsageError
from ..files import atomic_path, write_atomic
from .tables import arrow_schema


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
            raise UsageError(str(root), f"cannot create the output directory ({err.strerror})"
                             ) from None
        if not os.access(root, os.W_OK):
            raise UsageError(str(root), "the output directory is not writable")
        return cls(root)

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




def read_input(path: Path) -> tuple[bytes, str]:
    """A file's bytes and their sha256."""
    data = path.read_bytes()
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
        self._files[table].write(row.model_dump_json() + "\n")

    def add_rows(self, rows: Iterable[str]) -> None:
        """Lines of a rows file (``TABLE<TAB>row JSON``), each to its table, as they are."""
        for line in rows:
            table, _, row = line.partition("\t")
            self._files[table].write(row if row.endswith("\n") else row + "\n")

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc) -> None:
        self._stack.__exit__(*exc)  # closes and renames the JSONL files (or removes them)
        if exc[0] is None:
            for name, model in self.models.items():
                self._parquet(name, model)

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
