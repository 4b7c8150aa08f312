"""The documentation site: it builds with no warnings, every rule has its page, the README's links
land on pages of the site, and its set-up commands are the ones CI runs."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys

import pytest
import yaml

from conftest import ROOT

from policyparse.lint.registry import all_rules

README = (ROOT / "README.md").read_text(encoding="utf-8")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _nav_pages(entries) -> set[str]:
    pages = set()
    for entry in entries:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        pages |= _nav_pages(value) if isinstance(value, list) else {value}
    return pages


def _config() -> dict:
    # mkdocs.yml holds no YAML tags, so the safe loader reads it as mkdocs does
    return yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("material") is None:
        if os.environ.get("CI"):
            pytest.fail("mkdocs and mkdocs-material are not installed, and CI must build the site")
        pytest.skip("mkdocs or mkdocs-material not installed: pip install -e '.[docs]'")
    out = tmp_path_factory.mktemp("site")
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
                       cwd=ROOT, capture_output=True, text=True,
                       env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    log = r.stdout + r.stderr
    assert r.returncode == 0, log
    assert "WARNING" not in log, log
    return out


def test_site_builds_with_every_rule_on_its_page(site):
    for rule in all_rules():
        page = site / "rules" / rule.name / "index.html"
        assert page.is_file(), f"{rule.code} has no page"
        html = page.read_text(encoding="utf-8")
        assert rule.code in html and "为什么" in html
    index = (site / "rules" / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{r.name}/"' in index for r in all_rules())
    assert (site / "report.png").is_file()  # the editors' page shows the HTML report


def test_readme_links_land_on_pages_of_the_site():
    nav = _nav_pages(_config()["nav"])
    links = [t for t in LINK.findall(README) if "://" not in t]
    assert len(links) >= 10
    for target in links:
        path = target.split("#")[0]
        assert (ROOT / path).is_file(), f"README links to {target}, which does not exist"
        assert path.startswith("docs/") and path.removeprefix("docs/") in nav, \
            f"README links to {target}, which is not a page of the site (mkdocs.yml nav)"
    assert "mkdocs serve" in README


def test_readme_set_up_is_two_commands_and_ci_runs_the_second():
    section = README.split("## Set-up: two commands", 1)[1].split("\n## ", 1)[0]
    block = section.split("```bash", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.strip() and not line.startswith("#")]
    assert len(commands) == 2, commands
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for step in commands[1].split("&&"):
        assert any(line.strip().startswith(step.strip()) for line in ci), \
            f"README's second command runs {step.strip()!r}, .ci/run does not"


def test_json_contract_names_every_field_of_the_schema():
    page = (ROOT / "docs" / "json-contract.md").read_text(encoding="utf-8")
    schema = json.loads((ROOT / "schemas" / "plan.schema.json").read_text(encoding="utf-8"))
    models = [schema, *schema["$defs"].values()]
    fields = {name for model in models for name in model.get("properties", {})}
    missing = sorted(f for f in fields if f"`{f}`" not in page)
    assert not missing, f"docs/json-contract.md does not describe {missing}"
