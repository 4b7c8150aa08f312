"""Batch processing: plans by the thousand, in parallel, into one JSON Plan each and tidy tables.

>>> from policyparse import batch
>>> summary = batch.run(["corpora/seeds"], "out", jobs=2)        # doctest: +SKIP
>>> batch.load("out")["targets"].groupby("metric_key").size()    # doctest: +SKIP

``run`` expands the inputs (:mod:`.inputs`), skips documents whose outputs are current
(:mod:`.store`), parses and lints the rest on an engine (:mod:`.engines`, :mod:`.worker`),
then rebuilds the tables (:mod:`.tables`) from every document's outputs, with the
cross-document findings of each region (:mod:`.crossdoc`).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..errors import DiskFull, UsageError
from ..files import is_temporary
from ..lint.policy import LintPolicy
from ..load import SUFFIXES
from . import engines
from .crossdoc import cross_findings
from .engines import Failure
from .inputs import Input, expand
from .progress import Progress
from .store import NO_SPACE, Store, TableWriter, read_input
from .tables import TABLES, ErrorRow, document_id, document_row
from .worker import process

if TYPE_CHECKING:
    import pandas

DEFAULT_TIMEOUT = 120.0


@dataclass(frozen=True)
class Summary:
    total: int       # input documents
    processed: int   # parsed (or failed) in this run
    skipped: int     # already done with the same content
    failed: int      # documents with an error record, from this run or an earlier one
    out: Path
    failed_earlier: int = 0  # of ``failed``: skipped in this run, failing since an earlier one
    passed_over: int = 0     # paths found while scanning that are no readable file (reported)
    temporaries_removed: int = 0  # temporary files a killed run had left in ``out``


def run(inputs: list[str], out: str | os.PathLike, *, jobs: int | None = None,
        engine: str = "local", scheduler: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT, force: bool = False,
        retry_failed: bool = False, quiet: bool = False,
        lang: str = "zh", policy: LintPolicy | None = None, convert: bool = False,
        root: str | os.PathLike | None = None, progress: TextIO | None = None) -> Summary:
    """Process ``inputs`` (files, directories, globs) into ``out``; see :mod:`.store` for the
    layout.  Output paths follow the inputs' paths relative to ``root`` (the working directory).
    ``force`` redoes every document, ``retry_failed`` those whose earlier run failed.
    ``policy`` decides the lint rules and findings as for ``policyparse lint`` (default: every
    rule, messages in ``lang``); ``convert`` reads legacy formats through LibreOffice.
    Paths passed over while scanning are reported on ``progress`` (stderr), one line each, even
    when ``quiet``.  Raises :class:`~policyparse.errors.UsageError` for no inputs (before
    anything is written), an unusable ``out`` or one another batch is writing to, and
    :class:`~policyparse.errors.DiskFull` when the disk fills up (the outputs of the documents
    done are kept, no temporary file is left)."""
    policy = policy or LintPolicy(lang=lang)
    if engine not in engines.ENGINES:
        raise UsageError(None, f"unknown engine {engine!r}; "
                               f"choose from {', '.join(engines.ENGINES)}")
    if scheduler and engine != "dask":
        raise UsageError(None, "--scheduler joins a Dask cluster: use it with --engine dask")
    jobs = jobs or os.cpu_count() or 1
    stream = progress or sys.stderr
    docs, passed_over = expand(inputs, root=Path(root or Path.cwd()), exclude=Path(out))
    for skip in passed_over:
        _say(stream, f"skipped {skip.path}: {skip.reason}")
    if not docs:
        raise UsageError(None, f"no input documents found (looked for {', '.join(SUFFIXES)})"
                         + (f"; {len(passed_over)} path(s) skipped, see above"
                            if passed_over else ""))
    try:
        store = Store.open(out)
        with store.lock() as killed:
            removed = _tidy(store, killed, stream)
            todo = [(inp, sha) for inp, sha in _hashes(docs)
                    if force or not store.done(inp.file, sha, failures=not retry_failed)]
            bar = Progress(len(docs), len(docs) - len(todo), stream=progress, quiet=quiet,
                           passed_over=len(passed_over))
            with bar, _engine(engine, jobs, scheduler, timeout) as pool:
                for (inp, sha), result in pool.map(
                        partial(process, policy=policy, convert=convert),
                        _items(todo, store, bar)):
                    store.save(*_record(inp, sha, result))
                    bar.update(not isinstance(result, Failure))
                bar.stage("building the tables")
                failed = build_tables(store, docs, pool, policy=policy)
                bar.close(str(store.root))
    except OSError as err:
        if err.errno in NO_SPACE:
            raise _disk_full(err, Path(out)) from None
        raise
    redone = {inp.file for inp, _ in todo}
    earlier = sum(1 for inp in docs if inp.file not in redone
                  and (store.record(inp.file) or {}).get("status") == "error")
    return Summary(len(docs), len(todo), len(docs) - len(todo), failed, store.root,
                   failed_earlier=earlier, passed_over=len(passed_over),
                   temporaries_removed=removed)


def _say(stream: TextIO, line: str) -> None:
    print(f"policyparse batch: {line}", file=stream, flush=True)


def _tidy(store: Store, killed: int | None, stream: TextIO) -> int:
    """Remove what a killed run left in ``store`` and say so; returns the files removed."""
    count, size = store.remove_temporaries()
    if killed or count:
        who = f"an earlier run (pid {killed}) was killed" if killed else "an earlier run stopped"
        _say(stream, f"{who} before it finished; removed {count} temporary file(s) it left "
                     f"({size / 1e6:.1f} MB)")
    return count


def _disk_full(err: OSError, out: Path) -> DiskFull:
    """The one-line error for a full disk, naming the file (or the folder of a temporary) as
    under ``out`` as the user gave it."""
    where = Path(err.filename) if err.filename else out
    if where.is_absolute() and where.is_relative_to(out.resolve()):
        where = out / where.relative_to(out.resolve())
    return DiskFull(str(where.parent if is_temporary(where) else where),
                    f"{err.strerror or 'no space left on device'}: the batch stopped; the "
                    "documents done so far are kept, run it again when there is room")


def _engine(name: str, jobs: int, scheduler: str | None, timeout: float | None):
    if name == "dask":
        if importlib.util.find_spec("distributed") is None:
            raise UsageError(None, "--engine dask needs Dask",
                             hint="pip install 'policyparse[dask]'")
        return engines.Dask(jobs=jobs, timeout=timeout, scheduler=scheduler)
    return engines.Local(jobs=jobs, timeout=timeout)


def _hashes(docs: list[Input]) -> Iterator[tuple[Input, str]]:
    for inp in docs:
        try:
            yield inp, read_input(inp.path)[1]
        except OSError:  # unreadable: never done; _items records why
            yield inp, ""


def _items(todo: list[tuple[Input, str]], store: Store, bar: Progress
           ) -> Iterator[tuple[tuple[Input, str], tuple]]:
    """The engine's items, each file read only when its turn comes; a file that cannot be read
    gets its error record here, as there is nothing to send to a worker."""
    for inp, _ in todo:
        try:
            data, sha = read_input(inp.path)
        except OSError as err:
            store.save(*_record(inp, "", Failure("Unreadable", err.strerror or str(err))))
            bar.update(False)
            continue
        yield (inp, sha), (data, inp.file, sha)


def _record(inp: Input, sha: str, result: dict | Failure
            ) -> tuple[dict, str | None, str | None]:
    """The record, plan JSON and rows the store saves for one processed document."""
    record = {"file": inp.file, "document": document_id(sha, inp.file), "sha256": sha}
    if isinstance(result, Failure):
        return {**record, "status": "error", "error_type": result.error_type,
                "message": result.message}, None, None
    plan, rows = result.pop("plan"), result.pop("rows")
    return {**record, "status": "ok", **result}, plan, rows


def build_tables(store: Store, docs: list[Input], engine, *,
                 policy: LintPolicy | None = None) -> int:
    """Rewrite the tables from the outputs of ``docs``, the cross-document checks running on
    ``engine``; returns how many documents failed."""
    failed, parsed = set(), []
    with TableWriter(store, TABLES) as tables:
        for inp in docs:
            rec = store.record(inp.file)
            if rec is None:  # never processed (an interrupted run): nothing to tabulate yet
                continue
            doc, sha = rec["document"], rec["sha256"]
            if rec["status"] == "error":
                failed.add(doc)
                tables.add("documents", document_row(doc, inp.file, sha, None))
                tables.add("errors", ErrorRow(document=doc, file=inp.file, sha256=sha,
                                              error_type=rec["error_type"],
                                              message=rec["message"]))
                continue
            with store.rows_path(inp.file).open(encoding="utf-8") as lines:
                tables.add_rows(lines)
            parsed.append(rec)
        for row in cross_findings(store, parsed, engine, policy=policy or LintPolicy()):
            if isinstance(row, ErrorRow):
                failed.add(row.document)
            tables.add("errors" if isinstance(row, ErrorRow) else "findings", row)
    return len(failed)


def load(out: str | os.PathLike) -> dict[str, pandas.DataFrame]:
    """The tables of a batch output directory as pandas DataFrames (Parquet when present)."""
    try:
        import pandas as pd
    except ImportError:
        raise UsageError(None, "batch.load needs pandas: pip install 'policyparse[pandas]'") \
            from None

    store = Store(Path(out))
    frames = {}
    for name, model in TABLES.items():
        parquet = store.table_path(name, ".parquet")
        if parquet.exists():
            frames[name] = pd.read_parquet(parquet)
            continue
        with store.table_path(name, ".jsonl").open(encoding="utf-8") as lines:
            frames[name] = pd.DataFrame([json.loads(line) for line in lines],
                                        columns=list(model.model_fields))
    return frames


__all__ = ["DEFAULT_TIMEOUT", "Summary", "build_tables", "load", "run"]
