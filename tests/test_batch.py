"""`policyparse batch`: outputs per document, tables, resume, error records, time limits, Dask."""

from __future__ import annotations

import io
import json
import shutil
import signal
import sys
import time
import zipfile
from pathlib import Path

import jsonschema
import pytest

from policyparse import parse
from policyparse.batch import build_tables, engines, load, run
from policyparse.batch.engines import Failure
from policyparse.batch.inputs import expand
from policyparse.batch.progress import Progress
from policyparse.batch.store import Store
from policyparse.batch.docs import splice
from policyparse.batch.tables import TABLES, document_id
from policyparse.cli import main
from policyparse.model import Plan
from policyparse.schema import SCHEMA_DIR

from conftest import CORPUS, DOCS, ROOT
from test_load_pdf import lines_at, make_pdf


def corpus_copy(tmp_path: Path, forms=("seeds", "docx")) -> Path:
    """The corpus documents in ``forms``, copied under ``tmp_path/in`` (one folder per form)."""
    for form in forms:
        shutil.copytree(CORPUS / form, tmp_path / "in" / form)
    return tmp_path / "in"


def batch(tmp_path: Path, inputs, out: str, **kw):
    return run([str(i) for i in inputs], tmp_path / out, root=tmp_path, quiet=True, jobs=2, **kw)


def tables_text(out: Path) -> dict[str, str]:
    return {name: (out / "tables" / f"{name}.jsonl").read_text(encoding="utf-8")
            for name in TABLES}


def test_outputs_are_the_parse_results_and_the_tables_hold_them(tmp_path):
    src = corpus_copy(tmp_path)
    summary = batch(tmp_path, [src], "out")
    assert (summary.total, summary.processed, summary.failed) == (2 * len(DOCS), 2 * len(DOCS), 0)
    tables = load(tmp_path / "out")
    assert set(tables) == set(TABLES)
    for name, frame in tables.items():
        assert list(frame.columns) == list(TABLES[name].model_fields)
    docs = tables["documents"].set_index("file")
    for path in sorted(src.rglob("*.*")):
        file = path.relative_to(tmp_path).as_posix()
        plan_json = (tmp_path / "out" / "plans" / f"{file}.json").read_text(encoding="utf-8")
        plan = parse(path)
        assert plan_json == plan.to_json()  # what `policyparse parse --format json` prints
        doc = docs.loc[file, "document"]
        assert doc == document_id(docs.loc[file, "sha256"], file)
        for table, items in (("headings", plan.headings), ("tasks", plan.tasks),
                             ("targets", plan.targets), ("facts", plan.facts)):
            rows = tables[table][tables[table].document == doc]
            assert list(rows.id) == [i.id for i in items]
            for row in rows.itertuples():  # the span columns index the plan's text
                assert plan.text[row.start:row.end] == row.text
        owners = tables["owners"][tables["owners"].document == doc]
        assert [(o.task, o.name, o.agency) for o in owners.itertuples()] == [
            (t.id, o.name, o.agency) for t in plan.tasks for o in t.owners]
    assert tables["owners"].agency.notna().mean() > 0.8  # canonical ids, not just names


def test_cross_document_findings_compare_documents_of_one_region(tmp_path):
    src = corpus_copy(tmp_path, forms=("seeds",))
    batch(tmp_path, [src], "out")
    tables = load(tmp_path / "out")
    cross = tables["findings"][tables["findings"].cross_document]
    gold = json.loads((CORPUS / "gold" / "cross-document.json").read_text(encoding="utf-8"))
    regions = tables["documents"].set_index("document").region
    assert set(cross.code) <= {"XD001", "XD002", "XD003"} and len(cross)
    for row in cross.itertuples():  # never across regions: the other file is of the same place
        others = [d for d in tables["documents"].itertuples()
                  if d.document != row.document and d.file in row.message]
        assert others and all(regions[d.document] == regions[row.document] for d in others)
        assert row.text == row.sources[0]["text"]
        # the places it cites are in those documents, by document id
        assert {r["document"] for r in row.related} <= {d.document for d in others}
        assert len(row.related)
    found = " ".join(cross.text)
    for defect in gold:  # every gold cross-document defect has one of its quotes found
        assert any(q.replace(" ", "")[:8] in found for q in defect["quotes"]), defect["note"]


def test_resume_skips_done_documents_and_yields_the_same_tables(tmp_path):
    src = corpus_copy(tmp_path)
    batch(tmp_path, [src], "clean")
    partial = batch(tmp_path, [src / "seeds"], "resumed")  # a batch stopped after the .txt files
    assert partial.processed == len(DOCS)
    resumed = batch(tmp_path, [src], "resumed")
    assert (resumed.skipped, resumed.processed) == (len(DOCS), len(DOCS))
    assert tables_text(tmp_path / "resumed") == tables_text(tmp_path / "clean")

    # a lost record (killed before it was written) and a changed file are redone
    victim = next((tmp_path / "resumed" / "records" / "in" / "docx").iterdir())
    victim.unlink()
    changed = src / "seeds" / f"{DOCS[0]}.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("2025", "2026"),
                       encoding="utf-8")
    again = batch(tmp_path, [src], "resumed")
    assert (again.processed, again.skipped) == (2, 2 * len(DOCS) - 2)
    forced = batch(tmp_path, [src], "resumed", force=True)
    assert (forced.processed, forced.skipped) == (2 * len(DOCS), 0)


def test_interrupted_batch_keeps_complete_outputs_only(tmp_path, monkeypatch):
    """A run stopped after two documents leaves their outputs, no partial file, and resumes."""
    src = corpus_copy(tmp_path, forms=("seeds",))
    saved, save = [], Store.save

    def save_then_stop(store, record, *outputs):
        save(store, record, *outputs)
        saved.append(record["file"])
        if len(saved) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(Store, "save", save_then_stop)
    with pytest.raises(KeyboardInterrupt):
        batch(tmp_path, [src], "out")
    monkeypatch.undo()
    assert not [p for p in (tmp_path / "out").rglob("*") if p.name.endswith(".tmp")]
    assert sorted(p.relative_to(tmp_path / "out" / "records").as_posix()
                  for p in (tmp_path / "out" / "records").rglob("*.json")) == sorted(
        f"{f}.json" for f in saved)
    resumed = batch(tmp_path, [src], "out")
    assert (resumed.skipped, resumed.processed) == (2, len(DOCS) - 2)


def hostile_inputs(folder: Path) -> dict[str, str]:
    """Files no loader can read, with the error each must give."""
    folder.mkdir(parents=True)
    (folder / "garbage.pdf").write_bytes(b"%PDF-1.7\n\x00\x01garbage")
    buf = io.BytesIO()
    zipfile.ZipFile(buf, "w").close()
    (folder / "empty.docx").write_bytes(buf.getvalue())
    (folder / "locked.pdf").write_bytes(
        make_pdf([lines_at([(0, "加密的规划文本。")], 700)], user="secret", owner="boss"))
    return {"garbage.pdf": "CorruptDocument", "empty.docx": "CorruptDocument",
            "locked.pdf": "EncryptedDocument"}


def test_failing_documents_get_error_records_and_the_batch_goes_on(tmp_path, capsys, monkeypatch):
    src = corpus_copy(tmp_path, forms=("seeds",))
    expected = hostile_inputs(src / "bad")
    monkeypatch.chdir(tmp_path)
    status = main(["batch", "in", "--out", "out", "--jobs", "2"])
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err
    assert f"{len(DOCS) + 3} documents ({len(DOCS)} ok, 3 failed, 0 skipped)" in err
    for name, error_type in expected.items():
        record = json.loads((tmp_path / "out" / "records" / "in" / "bad" / f"{name}.json")
                            .read_text(encoding="utf-8"))
        assert record["status"] == "error" and record["error_type"] == error_type
        assert record["file"] == f"in/bad/{name}" and record["message"]
        assert not (tmp_path / "out" / "plans" / "in" / "bad" / f"{name}.json").exists()
    tables = load(tmp_path / "out")
    assert dict(zip(tables["errors"].file, tables["errors"].error_type)) == {
        f"in/bad/{n}": t for n, t in expected.items()}
    assert (tables["documents"].status == "ok").sum() == len(DOCS)
    # a resumed run does not retry them, and still says that documents failed
    assert main(["batch", "in", "--out", "out", "--quiet"]) == 1
    shutil.rmtree(src / "bad")
    assert main(["batch", "in", "--out", "out", "--quiet"]) == 0


def test_usage_errors_exit_2_without_a_traceback(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    (tmp_path / "file").write_text("x")
    assert main(["batch", str(tmp_path / "empty"), "--out", str(tmp_path / "o")]) == 2
    assert main(["batch", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "o")]) == 2
    assert main(["batch", str(CORPUS / "seeds"), "--out", str(tmp_path / "file")]) == 2
    assert main(["batch", str(CORPUS / "seeds"), "--out", str(tmp_path / "o"),
                 "--scheduler", "tcp://127.0.0.1:8786"]) == 2
    err = capsys.readouterr().err
    assert "no input documents found" in err and "no such file" in err
    assert "not a directory" in err and "use it with --engine dask" in err
    assert "Traceback" not in err


def test_inputs_from_directories_globs_and_files_get_unique_paths(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "plan.txt").write_text(f"{sub}县规划", encoding="utf-8")
        (tmp_path / sub / "notes.json").write_text("{}")
    (tmp_path / "a" / "~$plan.docx").write_bytes(b"lock")
    (tmp_path / "odd.name").write_text("县规划", encoding="utf-8")
    found, skipped = expand([str(tmp_path / "a"), str(tmp_path / "b" / "*.txt"),
                             str(tmp_path / "odd.name")], root=tmp_path)
    assert skipped == []  # other suffixes and Word's lock files are no candidates: not reported
    assert [i.file for i in found] == ["a/plan.txt", "b/plan.txt", "odd.name"]
    summary = batch(tmp_path, [tmp_path / "a", tmp_path / "b"], "out")
    assert summary.processed == 2
    assert (tmp_path / "out" / "plans" / "a" / "plan.txt.json").exists()
    assert (tmp_path / "out" / "plans" / "b" / "plan.txt.json").exists()


def sleep_for(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def sleep_deaf(seconds: float) -> float:
    """Sleeps with SIGALRM blocked, as a hang in C code would: only a kill stops it."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(seconds)
    return seconds


@pytest.mark.parametrize("fn", [sleep_for, sleep_deaf], ids=["soft-limit", "hard-kill"])
def test_local_engine_time_limit_records_a_timeout_and_the_pool_goes_on(fn):
    items = [(k, (s,)) for k, s in enumerate([0.0, 60.0, 0.1, 0.0, 0.2])]
    with engines.Local(jobs=1, timeout=0.5) as engine:
        results = dict(engine.map(fn, items))
        assert isinstance(results.pop(1), Failure) and results == {0: 0.0, 2: 0.1, 3: 0.0, 4: 0.2}
        timeout = dict(engine.map(fn, items[1:2]))[1]
    assert timeout.error_type == "Timeout"
    assert ("worker was stopped" in timeout.message) == (fn is sleep_deaf)


def test_engine_turns_exceptions_into_failures():
    items = [("bad", (b"%PDF-1.7\n" + bytes(range(256)) * 8,)),
             ("ok", ("一、总体要求\n到2025年，专利达到100件。",))]
    with engines.Local(jobs=1, timeout=30) as engine:
        results = dict(engine.map(parse, items))
    assert results["bad"].error_type == "CorruptDocument" and isinstance(results["ok"], Plan)


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the test's own callables
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=":0")
    yield cluster
    cluster.close()


def test_dask_engine_gives_the_same_outputs_as_the_local_engine(tmp_path, dask_cluster):
    src = corpus_copy(tmp_path, forms=("seeds", "docx", "pdf"))
    hostile_inputs(src / "bad")
    local = batch(tmp_path, [src], "local")
    dask = batch(tmp_path, [src], "dask", engine="dask", scheduler=dask_cluster.scheduler_address)
    assert local == dask.__class__(**{**dask.__dict__, "out": local.out})
    assert local.failed == 3
    assert tables_text(tmp_path / "dask") == tables_text(tmp_path / "local")
    for out in ("plans", "rows", "records"):
        left = sorted((tmp_path / "local" / out).rglob("*.*"))
        right = sorted((tmp_path / "dask" / out).rglob("*.*"))
        assert [p.relative_to(tmp_path / "local") for p in left] == [
            p.relative_to(tmp_path / "dask") for p in right]
        for a, b in zip(left, right):
            if out != "records":
                assert a.read_bytes() == b.read_bytes()
            else:  # records differ only in how long each document took
                strip = lambda p: {k: v for k, v in json.loads(p.read_text()).items()  # noqa
                                   if k != "seconds"}
                assert strip(a) == strip(b)


def test_dask_engine_time_limit_restarts_the_worker_and_goes_on(dask_cluster):
    items = [(k, (s,)) for k, s in enumerate([0.0, 120.0, 0.1, 0.0])]
    with engines.Dask(jobs=2, timeout=1, scheduler=dask_cluster.scheduler_address) as engine:
        results = dict(engine.map(sleep_for, items))
    assert results.pop(1).error_type == "Timeout" and results == {0: 0.0, 2: 0.1, 3: 0.0}


def test_progress_bar_on_a_terminal_and_log_lines_elsewhere():
    stream = io.StringIO()
    bar = Progress(3, 1, stream=stream, bar=True)
    bar.update(True)
    bar.update(False)
    bar.close("out")
    text = stream.getvalue()
    assert "2/2" in text and "ok=1" in text and "failed=1" in text and "doc/s" in text
    assert text.splitlines()[-1].startswith(
        "policyparse batch: 3 documents (1 ok, 1 failed, 1 skipped) in ")
    stream = io.StringIO()
    plain = Progress(3, 0, stream=stream)  # StringIO is no terminal
    for _ in range(3):
        plain.update(True)
    plain.close("out")
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue() and lines[-1].startswith(
        "policyparse batch: 3 documents (3 ok, 0 failed, 0 skipped)")
    quiet = io.StringIO()
    Progress(1, 0, stream=quiet, quiet=True).close("out")
    assert quiet.getvalue() == ""


def test_tables_validate_against_the_generated_schema(tmp_path):
    src = corpus_copy(tmp_path, forms=("seeds",))
    batch(tmp_path, [src], "out")
    schema = json.loads((SCHEMA_DIR / "batch-tables.schema.json").read_text(encoding="utf-8"))
    doc = {name: [json.loads(line) for line in text.splitlines()]
           for name, text in tables_text(tmp_path / "out").items()}
    jsonschema.validate(doc, schema)
    assert all(doc[name] for name in TABLES if name != "errors")


def test_jsonl_and_parquet_load_alike(tmp_path):
    pytest.importorskip("pyarrow")
    src = corpus_copy(tmp_path, forms=("seeds",))
    batch(tmp_path, [src], "out")
    from_parquet = load(tmp_path / "out")
    for path in (tmp_path / "out" / "tables").glob("*.parquet"):
        path.unlink()
    from_jsonl = load(tmp_path / "out")
    for name in TABLES:
        a, b = from_parquet[name], from_jsonl[name]
        assert list(a.columns) == list(b.columns) and len(a) == len(b)
        assert list(a.document) == list(b.document)


def test_rebuilding_tables_from_outputs_is_deterministic(tmp_path):
    src = corpus_copy(tmp_path, forms=("seeds",))
    batch(tmp_path, [src], "out")
    before = tables_text(tmp_path / "out")
    with engines.Local(jobs=1, timeout=None) as engine:
        build_tables(Store(tmp_path / "out"), expand([str(src)], root=tmp_path)[0], engine)
    assert tables_text(tmp_path / "out") == before


class FailingEngine:
    """An engine on which every item fails, as a region check that ran out of time would."""

    def map(self, fn, items, *, scale=1):
        for key, _ in items:
            yield key, Failure("Timeout", "took longer than 1 s")


def test_a_failed_cross_document_check_gives_error_rows_for_its_region(tmp_path):
    src = corpus_copy(tmp_path, forms=("seeds",))
    batch(tmp_path, [src], "out")
    failed = build_tables(Store(tmp_path / "out"), expand([str(src)], root=tmp_path)[0],
                          FailingEngine())
    tables = load(tmp_path / "out")
    regions = tables["documents"].set_index("document").region
    shared = regions[regions.duplicated(keep=False)]
    assert failed == len(shared) >= 2
    assert sorted(tables["errors"].document) == sorted(shared.index)
    assert all(m.startswith(f"cross-document linting of {shared[doc]}: took longer")
               for doc, m in zip(tables["errors"].document, tables["errors"].message))
    assert not tables["findings"].cross_document.any()


def test_documented_table_columns_are_current():
    page = (ROOT / "docs" / "batch.md").read_text(encoding="utf-8")
    assert "| `owners` |" in page and splice(page) == page, "run `python -m policyparse.batch.docs`"


def test_time_limit_is_a_no_op_outside_the_main_thread():
    """Signals reach only the main thread: elsewhere (a Dask worker) the hard limit acts."""
    import threading

    out = []
    t = threading.Thread(target=lambda: out.append(engines.guarded(sleep_for, 0.05, 0.2)))
    t.start()
    t.join()
    assert out == [0.2]


def test_batch_applies_the_lint_policy_and_reads_the_formats_lint_reads(tmp_path):
    """--select/--ignore (or the configuration) decide the batch's findings as they do lint's;
    legacy formats are listed and, without --convert, recorded as errors naming the fix."""
    from policyparse.lint.policy import LintPolicy

    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(CORPUS / "seeds" / "000_8b7cc7afb4aa70ed.txt", src / "plan.txt")
    (src / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    summary = run([str(src)], tmp_path / "out", root=tmp_path, quiet=True, jobs=1,
                  policy=LintPolicy(select=("PH",)))
    tables = load(tmp_path / "out")
    assert set(tables["findings"].code) and all(c.startswith("PH") for c in tables["findings"].code)
    assert summary.failed == 1
    (error,) = tables["errors"].itertuples()
    assert error.file.endswith("old.doc") and error.error_type == "UnsupportedFormat"


def test_a_resumed_batch_says_what_fails_it_and_retries_only_failures(tmp_path, capsys,
                                                                         monkeypatch):
    """Earlier failures keep failing a resumed run, and the summary says so; --retry-failed redoes
    them alone (the documents done well are kept)."""
    from policyparse.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    shutil.copy(CORPUS / "seeds" / "004_417ac496b24af2bd.txt", tmp_path / "in" / "plan.txt")
    (tmp_path / "in" / "bad.docx").write_bytes(b"not a zip")
    args = ["batch", "in", "--out", "out", "--quiet", "--jobs", "1"]
    assert main(args) == 1
    capsys.readouterr()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "1 failed in an earlier run" in err and "--retry-failed" in err
    summary = run(["in"], "out", root=tmp_path, quiet=True, jobs=1, retry_failed=True)
    assert (summary.processed, summary.skipped, summary.failed, summary.failed_earlier) == \
        (1, 1, 1, 0)
