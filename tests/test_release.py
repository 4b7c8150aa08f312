"""The release: an sdist and a wheel built offline from the working tree, their contents, and the
wheel installed into a fresh virtual environment where its own command parses a corpus document."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

import policyparse
from conftest import CORPUS

ROOT = CORPUS.parent
DOCUMENT = CORPUS / "docx" / "000_8b7cc7afb4aa70ed.docx"
DATA_SUFFIXES = {".toml", ".tsv", ".json"}  # setup.cfg [options.package_data]


def snapshot(dest: Path) -> Path:
    """The working tree as a clone would hold it once every change is committed: tracked and new
    files, nothing that .gitignore keeps out (caches, build output, egg-info)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode()
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():  # a tracked file deleted in the working tree is not in it
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    return dest


def package_files(tree: Path, suffixes: set[str]) -> set[str]:
    return {p.relative_to(tree).as_posix() for p in (tree / "policyparse").rglob("*")
            if p.suffix in suffixes and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> tuple[Path, Path, Path]:
    """(source tree, sdist, wheel), built as a release is: sdist first, the wheel from the sdist."""
    tmp = tmp_path_factory.mktemp("release")
    tree = snapshot(tmp / "policyparse")
    r = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(tmp / "dist"),
                        str(tree)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    (sdist,) = (tmp / "dist").glob("*.tar.gz")
    (wheel,) = (tmp / "dist").glob("*.whl")
    return tree, sdist, wheel


def test_version_has_one_source_and_a_changelog_entry(release):
    tree, sdist, wheel = release
    version = policyparse.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    assert sdist.name == f"policyparse-{version}.tar.gz"
    assert wheel.name == f"policyparse-{version}-py3-none-any.whl"
    changelog = (tree / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog
    assert re.search(rf"^## \[{re.escape(version)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M), \
        f"CHANGELOG.md has no dated entry for {version}"


def test_sdist_holds_sources_data_schemas_license_and_changelog(release):
    tree, sdist, _ = release
    top = sdist.name.removesuffix(".tar.gz")
    with tarfile.open(sdist) as tar:
        names = {n.removeprefix(top + "/") for n in tar.getnames()}
    expected = package_files(tree, {".py"} | DATA_SUFFIXES)
    expected |= {f"schemas/{p.name}" for p in (tree / "schemas").glob("*.schema.json")}
    expected |= {"LICENSE", "CHANGELOG.md", "README.md", "setup.cfg", "pyproject.toml"}
    assert not expected - names, sorted(expected - names)
    assert not [n for n in names if n.startswith(("tests/", "corpora/")) or "__pycache__" in n]


def test_wheel_holds_the_package_and_its_data_and_nothing_else(release):
    tree, _, wheel = release
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        info = f"policyparse-{policyparse.__version__}.dist-info"
        metadata = Parser().parsestr(z.read(f"{info}/METADATA").decode())
        entry_points = z.read(f"{info}/entry_points.txt").decode()
    # every module and data file of the tree (a new subpackage without __init__.py would be lost)
    expected = package_files(tree, {".py"} | DATA_SUFFIXES)
    assert {n for n in expected if n.startswith("policyparse/data/")} >= {
        "policyparse/data/agencies.toml", "policyparse/data/regions.tsv"}
    assert not expected - names, sorted(expected - names)
    assert all(n.startswith(("policyparse/", f"{info}/")) for n in names), sorted(names)
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert {f"{info}/LICENSE", f"{info}/licenses/LICENSE"} & names  # older and newer setuptools
    assert metadata["Version"] == policyparse.__version__
    assert metadata["License"] == "MIT" and metadata["Author"] == "policyparse developers"
    assert "policyparse = policyparse.cli:main" in entry_points


def test_wheel_installed_in_a_fresh_venv_parses_a_document(release, tmp_path):
    _, _, wheel = release
    env_dir = tmp_path / "venv"
    # dependencies come from this environment (no network); policyparse itself only from the wheel,
    # installed by this environment's pip (seeding the venv with its own pip takes ~20 s)
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip",
                    str(env_dir)], check=True)
    bin_dir = env_dir / "bin"
    r = subprocess.run([sys.executable, "-m", "pip", "--python", bin_dir / "python", "install",
                        "--no-deps", "--ignore-installed", "--no-index", str(wheel)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}

    def run(*args: str | Path) -> str:
        r = subprocess.run([*map(str, args)], capture_output=True, text=True, cwd=tmp_path, env=env)
        assert r.returncode == 0, r.stderr
        return r.stdout

    where = run(bin_dir / "python", "-c", "import policyparse; print(policyparse.__file__)")
    assert Path(where.strip()).is_relative_to(env_dir), where  # the wheel, not the checkout
    assert run(bin_dir / "policyparse", "--version").strip() == f"policyparse {policyparse.__version__}"
    installed = json.loads(run(bin_dir / "policyparse", "parse", DOCUMENT, "--format", "json"))
    assert installed == json.loads(policyparse.parse(str(DOCUMENT)).to_json())
    assert installed["tasks"] and installed["meta"]["region"]  # data files were found and read
