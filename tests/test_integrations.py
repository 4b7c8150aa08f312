"""Where the linter runs besides the terminal: the pre-commit hook and the GitHub Actions workflow."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import jsonschema
import yaml
from pre_commit.clientlib import load_manifest

from conftest import CORPUS
from test_lint_cli import sarif_schema

ROOT = CORPUS.parent
PLANS = [CORPUS / "docx" / "000_8b7cc7afb4aa70ed.docx", CORPUS / "docx" / "001_8feaf3a5e4c88e3f.docx"]


def test_pre_commit_manifest_is_valid_and_runs_the_linter(tmp_path):
    (hook,) = load_manifest(ROOT / ".pre-commit-hooks.yaml")  # pre-commit's own validation
    assert hook["id"] == "policyparse-lint" and hook["language"] == "python"
    files = re.compile(hook["files"])
    exclude = re.compile(hook["exclude"])
    staged = ["plans/draft.docx", "plans/draft.pdf", "notes.txt", "page.html", "corpora/gold/x.txt",
              "README.md", "data.json"]
    chosen = [f for f in staged if files.search(f) and not exclude.search(f)]
    assert chosen == ["plans/draft.docx", "plans/draft.pdf", "notes.txt", "page.html"]
    # pre-commit runs `entry args… files…` (all at once: require_serial), and fails on exit != 0
    r = subprocess.run([*shlex.split(hook["entry"]), *hook["args"], *map(str, PLANS)],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    assert "CF002" in r.stdout and "XD001" in r.stdout  # both plans seen together


def test_github_actions_workflow_uploads_valid_sarif(tmp_path):
    workflow = yaml.safe_load((ROOT / "examples" / "github-actions" / "policyparse.yml").read_text())
    steps = workflow["jobs"]["lint-plans"]["steps"]
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    lint = next(s["run"] for s in steps if "policyparse lint" in s.get("run", ""))
    assert workflow["jobs"]["lint-plans"]["permissions"]["security-events"] == "write"
    # run the workflow's own lint step on a checkout holding the corpus plans
    (tmp_path / "plans").mkdir()
    for plan in PLANS:
        shutil.copy(plan, tmp_path / "plans")
    env_file = tmp_path / "github_env"
    r = subprocess.run(["bash", "-c", lint], cwd=tmp_path, capture_output=True, text=True,
                       env={"PATH": os.environ["PATH"], "GITHUB_ENV": str(env_file)})
    assert r.returncode == 0, r.stderr
    assert env_file.read_text().strip() == "found=1"  # findings: the last step fails the job
    log = json.loads((tmp_path / upload["with"]["sarif_file"]).read_text())
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
            for res in log["runs"][0]["results"] for loc in res["locations"]}
    assert uris == {"plans/000_8b7cc7afb4aa70ed.docx", "plans/001_8feaf3a5e4c88e3f.docx"}


def test_examples_are_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert (ROOT / "examples" / "github-actions" / "policyparse.yml").read_text() in readme
    assert "id: policyparse-lint" in readme
    assert Path(ROOT / "notebooks" / "quickstart.ipynb").is_file()
