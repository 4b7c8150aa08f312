"""Where the linter runs besides the terminal: the pre-commit hook and the GitHub Actions workflow,
installed the way their documentation says (a Git URL at a release tag), offline: the Git URL is a
local repository holding the working tree, tagged as a release would be."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from pre_commit.clientlib import load_manifest

import policyparse
from conftest import CORPUS, seed
from test_lint_cli import sarif_schema
from test_release import snapshot

ROOT = CORPUS.parent
PLANS = [CORPUS / "docx" / "000_8b7cc7afb4aa70ed.docx", CORPUS / "docx" / "001_8feaf3a5e4c88e3f.docx"]
WORKFLOW = ROOT / "examples" / "github-actions" / "policyparse.yml"
DOC_PAGE = ROOT / "docs" / "install-and-ci.md"
TAG = f"v{policyparse.__version__}"
CLEAN_PLAN = seed("gwyb-xiaoqu-youeryuan-2019")  # a published document the linter passes


@pytest.fixture(scope="module")
def git_env(tmp_path_factory) -> dict[str, str]:
    """Git without the machine's configuration: a committer, and branch names of its own."""
    config = tmp_path_factory.mktemp("git") / "gitconfig"
    config.write_text("[user]\n\tname = Test\n\temail = test@example.invalid\n"
                      "[init]\n\tdefaultBranch = main\n")
    return {**os.environ, "GIT_CONFIG_GLOBAL": str(config), "GIT_CONFIG_NOSYSTEM": "1",
            "PRE_COMMIT_COLOR": "never"}


@pytest.fixture(scope="module")
def policyparse_repo(tmp_path_factory, git_env) -> Path:
    """A clone of policyparse as users reach it: the working tree committed and tagged TAG."""
    repo = snapshot(tmp_path_factory.mktemp("upstream") / "policyparse")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "release"], ["tag", TAG]):
        subprocess.run(["git", *args], cwd=repo, env=git_env, check=True)
    return repo


def test_pre_commit_manifest_is_valid_and_runs_the_linter(tmp_path):
    (hook,) = load_manifest(ROOT / ".pre-commit-hooks.yaml")  # pre-commit's own validation
    assert hook["id"] == "policyparse-lint" and hook["language"] == "python"
    files = re.compile(hook["files"])
    exclude = re.compile(hook["exclude"])
    # by default only plans: under a plans/drafts directory, or named as one; never notes, minutes,
    # comments on a draft, nor the linter's own annotated copies
    staged = ["plans/2025/draft.docx", "drafts/plan.pdf", "规划/征求意见稿.txt",
              "知识产权强县建设规划.docx", "2024年工作方案（征求意见稿）.docx", "work-plan.html",
              "notes.txt", "会议纪要.txt", "修改意见.txt", "explanation.txt", "planning/notes.md",
              "plans/draft.reviewed.docx", "README.md", "plans/data.json"]
    chosen = [f for f in staged if files.search(f) and not exclude.search(f)]
    assert chosen == staged[:6]
    # pre-commit runs `entry args… files…` (all at once: require_serial), and fails on exit != 0
    r = subprocess.run([*shlex.split(hook["entry"]), *hook["args"], *map(str, PLANS)],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    assert "CF002" in r.stdout and "XD001" in r.stdout  # both plans seen together


def test_pre_commit_hook_from_a_git_url_blocks_plans_not_notes(policyparse_repo, git_env, tmp_path):
    # pre-commit builds the hook's environment as for any user: a virtualenv and `pip install .` of
    # the repository at `rev`; only the dependencies come from this environment instead of being
    # installed again (~20 s instead of ~55 s)
    env = {**git_env, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "VIRTUALENV_SYSTEM_SITE_PACKAGES": "1"}
    drafts = tmp_path / "drafts-repo"
    drafts.mkdir()

    def git(*args: str) -> subprocess.CompletedProcess:  # the hook's report goes to stderr
        return subprocess.run(["git", *args], cwd=drafts, env=env, text=True, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)

    def commit(message: str) -> subprocess.CompletedProcess:
        git("add", "-A")
        return git("commit", "-m", message)

    def commits() -> int:
        return int(git("rev-list", "--count", "HEAD").stdout)

    config = f"repos:\n  - repo: {policyparse_repo.as_uri()}\n    rev: {TAG}\n    hooks:\n      - id: policyparse-lint\n"
    git("init", "-q")
    (drafts / ".pre-commit-config.yaml").write_text(config)
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=drafts, env=env, check=True,
                   capture_output=True)

    (drafts / "notes.txt").write_text("会议记录：XX处长负责核实第X条的数字。\n", encoding="utf-8")
    r = commit("notes")
    assert r.returncode == 0, r.stdout
    assert "(no files to check)Skipped" in r.stdout

    text = CLEAN_PLAN.read_text(encoding="utf-8")
    draft = drafts / "plans" / "draft.txt"
    draft.parent.mkdir()
    with_placeholder = re.sub(r"\d{4}年", "XXXX年", text, count=1)
    draft.write_text(with_placeholder, encoding="utf-8")
    r = commit("draft with a placeholder")
    assert r.returncode == 1 and commits() == 1, r.stdout
    assert re.search(r"^plans/draft\.txt:\d+:\d+: PH001 ", r.stdout, re.M), r.stdout

    draft.write_text(text, encoding="utf-8")
    r = commit("draft")
    assert r.returncode == 0 and commits() == 2, r.stdout
    assert re.search(r"^policyparse lint .*Passed$", r.stdout, re.M), r.stdout

    # a repository that keeps its plans elsewhere says so with `files:`
    (drafts / ".pre-commit-config.yaml").write_text(config + "        files: ^公文/.*\\.(txt|docx)$\n",
                                                    encoding="utf-8")
    (drafts / "公文").mkdir()
    (drafts / "公文" / "通知.txt").write_text(with_placeholder, encoding="utf-8")
    r = commit("a plan where this repository keeps them")
    assert r.returncode == 1 and commits() == 2, r.stdout
    assert re.search(r"^公文/通知\.txt:\d+:\d+: PH001 ", r.stdout, re.M), r.stdout


def workflow_steps() -> tuple[dict, list[dict]]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return workflow, workflow["jobs"]["lint-plans"]["steps"]


def test_github_actions_workflow_is_a_valid_workflow():
    # GitHub's workflow schema, as vendored by check-jsonschema (SchemaStore; no network)
    r = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                        "vendor.github-workflows", str(WORKFLOW)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout
    workflow, steps = workflow_steps()
    assert set(workflow[True]) == {"push", "pull_request"}  # YAML 1.1 reads the key `on` as true
    assert all(("uses" in s) != ("run" in s) for s in steps)
    assert all(re.fullmatch(r"[\w-]+/[\w/-]+@v\d+", s["uses"]) for s in steps if "uses" in s)
    assert workflow["jobs"]["lint-plans"]["permissions"]["security-events"] == "write"
    names = [s.get("uses", s.get("run")) for s in steps]
    install = next(i for i, n in enumerate(names) if n.startswith("pip install"))
    lint = next(i for i, n in enumerate(names) if n.startswith("policyparse lint"))
    upload = next(i for i, n in enumerate(names) if n.startswith("github/codeql-action/upload-sarif@"))
    assert install < lint < upload < len(steps) - 1  # and the job's verdict comes last
    written = re.search(r"--format sarif > (\S+)", steps[lint]["run"])
    assert written and steps[upload]["with"]["sarif_file"] == written[1]


def test_github_actions_install_command_is_accepted_by_pip(policyparse_repo, tmp_path):
    _, steps = workflow_steps()
    command = shlex.split(next(s["run"] for s in steps if s.get("run", "").startswith("pip install")))
    (url,) = command[2:]
    placeholder = f"git+https://github.com/OWNER/policyparse@{TAG}"
    assert command[:2] == ["pip", "install"] and url == placeholder  # the current release's tag
    local = url.replace("https://github.com/OWNER/policyparse", policyparse_repo.as_uri())
    report = tmp_path / "report.json"
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--no-deps",
                        "--no-build-isolation", "--ignore-installed", "--quiet", "--report", str(report),
                        local], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    (item,) = json.loads(report.read_text())["install"]
    assert item["metadata"]["name"] == "policyparse"
    assert item["metadata"]["version"] == policyparse.__version__
    assert item["download_info"]["vcs_info"]["requested_revision"] == TAG


def test_github_actions_lint_step_writes_valid_sarif_and_fails_the_job(tmp_path):
    _, steps = workflow_steps()
    runs = [s["run"] for s in steps if "run" in s]
    lint = next(r for r in runs if r.startswith("policyparse lint"))
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    # run the workflow's own lint step on a checkout holding the corpus plans
    (tmp_path / "plans").mkdir()
    for plan in PLANS:
        shutil.copy(plan, tmp_path / "plans")
    env_file = tmp_path / "github_env"
    env = {"PATH": os.environ["PATH"], "GITHUB_ENV": str(env_file)}
    r = subprocess.run(["bash", "-c", lint], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    log = json.loads((tmp_path / upload["with"]["sarif_file"]).read_text())
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
            for res in log["runs"][0]["results"] for loc in res["locations"]}
    assert uris == {"plans/000_8b7cc7afb4aa70ed.docx", "plans/001_8feaf3a5e4c88e3f.docx"}
    # GitHub sets what the step appended to GITHUB_ENV for the steps after it: the last one
    # fails the job with lint's exit status (1: findings)
    variables = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
    r = subprocess.run(["bash", "-c", runs[-1]], env={**env, **variables})
    assert r.returncode == 1


def test_examples_are_in_the_documentation():
    page = DOC_PAGE.read_text(encoding="utf-8")
    assert WORKFLOW.read_text(encoding="utf-8") in page
    assert f"rev: {TAG}" in page and "id: policyparse-lint" in page
    assert (ROOT / "notebooks" / "quickstart.ipynb").is_file()
