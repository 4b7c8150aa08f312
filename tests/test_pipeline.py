"""Pipeline components declare what they read: a partial pipeline runs what it needs."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import DOCS, seed

from policyparse.pipeline import DEFAULT_PIPELINE, parse, resolve


def test_requirements_run_first_once_each():
    assert resolve(["owners"]) == ["meta", "outline", "tasks", "owners"]
    assert resolve(["outline", "targets", "tasks"]) == ["outline", "meta", "tasks", "targets"]
    assert resolve(DEFAULT_PIPELINE) == list(DEFAULT_PIPELINE)


def test_a_pipeline_of_tasks_alone_finds_the_tasks_of_the_full_one():
    path = seed(DOCS[3])
    alone, full = parse(path, pipeline=["tasks"]), parse(path)
    assert alone.tasks and [t.source for t in alone.tasks] == [t.source for t in full.tasks]


def test_unknown_component_is_refused_before_reading(tmp_path):
    with pytest.raises(ValueError, match="unknown pipeline component 'foo'.*tasks"):
        parse(tmp_path / "missing.txt", pipeline=["tasks", "foo"])


def test_cli_unknown_component_one_line_exit_2():
    run = subprocess.run([sys.executable, "-m", "policyparse.cli", "parse", "--pipeline", "foo",
                          str(seed(DOCS[3]))], capture_output=True, text=True)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.strip().splitlines() == [
        "policyparse: error: unknown pipeline component 'foo'; known: facts, meta, outline, "
        "owners, targets, tasks"]
