"""The command line: output contracts and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from policyparse.cli import main

from conftest import CORPUS, seed


def test_parse_json_is_the_plan(capsys):
    assert main(["parse", str(seed("004_417ac496b24af2bd")), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["document"] == "004_417ac496b24af2bd.txt" and out["format"] == "txt"
    for key in ("text", "meta", "headings", "tasks", "targets", "facts", "tables", "diagnostics"):
        assert key in out
    for b in out["blocks"]:
        assert out["text"][b["start"]:b["end"]]


def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "plan.docx"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    assert main(["parse", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(bad) in err[0] and "Traceback" not in err[0]


def test_missing_file_and_bad_usage():
    r = subprocess.run([sys.executable, "-m", "policyparse.cli", "parse", "nope.pdf"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.strip() == "policyparse: error: nope.pdf: no such file"
    r = subprocess.run([sys.executable, "-m", "policyparse.cli", "eval", "--forms", "odt"],
                       capture_output=True, text=True, cwd=CORPUS.parent)
    assert r.returncode == 2 and "unknown form" in r.stderr


def test_eval_json(capsys):
    assert main(["eval", "--gold", str(CORPUS / "gold"), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {d["document"] for d in out["documents"]} == {
        json.loads(p.read_text(encoding="utf-8"))["document"]
        for p in (CORPUS / "gold").glob("*.gold.json")}
    assert set(out["overall"]["txt"]["scores"]) >= {"headings", "tasks", "owners", "targets", "facts"}


def test_help_and_explain_read_as_a_user_needs_them(capsys):
    """The top-level help describes the tool, every --format says what it gives, and explain
    shows a message's placeholders as ‹name›, not as raw {templates}."""
    import contextlib

    for argv in (["--help"], ["lint", "--help"]):
        with contextlib.suppress(SystemExit):
            main(argv)
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    assert "policy plans into structured" in out and "SARIF 2.1.0 for code scanning" in out
    assert main(["explain", "NU001"]) == 0
    shown = capsys.readouterr().out
    assert "‹label›" in shown and "{label}" not in shown


def test_batch_tables_without_pandas_is_a_one_line_error(monkeypatch):
    import sys

    from policyparse.batch import load
    from policyparse.errors import UsageError

    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(UsageError, match=r"policyparse\[pandas\]"):
        load("nowhere")
