"""The agency registry (aliases, levels, abbreviation rules, fuzzy matching) and the
``policyparse agencies`` table."""

from __future__ import annotations

import json
import tomllib
from importlib import resources

import pytest

from policyparse.cli import main
from policyparse.structure.agencies import Registry, canonical, format_table, owner_table, registry
from policyparse.structure.owners import owners

from conftest import DOCS, gold, seed
from test_owners import _plan_with_gold_tasks

_DATA = tomllib.loads(resources.files("policyparse").joinpath("data/agencies.toml")
                      .read_text(encoding="utf-8"))


@pytest.mark.parametrize("names,expected", [
    (["市市场监管局", "市市场监督管理局", "市市场监管局（知识产权局）", "市知识产权局",
      "宜兴市市场监督管理局"], "city:market-regulation"),
    (["市科技局", "市科学技术局"], "city:science-technology"),
    (["市发改委", "市发展和改革委员会", "市发展和改革局", "市发改局"], "city:development-reform"),
    (["县人社局", "县人力资源和社会保障局", "县人力资源社会保障局"], "county:human-resources"),
    (["市委宣传部", "中共宜兴市委宣传部", "市委宣传部（版权局）"], "city:propaganda"),
    (["市法院", "市人民法院"], "city:court"),
    (["省科学技术厅", "省科技厅"], "province:science-technology"),
    (["科技部", "科学技术部"], "national:science-technology"),
    (["国家发展改革委", "国家发展和改革委员会"], "national:development-reform"),
    (["工业和信息化部", "工信部"], "national:economy-information"),
    (["国家统计局"], "national:statistics"),
    (["各镇（园区、街道）", "各镇"], "towns"),
    (["国家药品监督管理局", "国家药监局"], "national:drug-administration"),
    (["市教育局", "市教育部门"], "city:education"),  # 教育部门 names the function
    (["卫生健康部门", "各级卫生健康部门", "卫生健康局"], "health"),
])
def test_aliases_meet(names, expected):
    assert [canonical(n) for n in names] == [expected] * len(names)


@pytest.mark.parametrize("a,b", [
    ("市科技局", "市商务局"),
    ("市委宣传部", "市委组织部"),
    ("市统计局", "市审计局"),
    ("国家知识产权局", "市知识产权局"),  # CNIPA is not the county's market regulator
    ("市经商局", "市商务局"),  # a merged bureau is not one of its parents
    ("市经商局", "市经信局"),
    ("市知识产权战略实施工作领导小组办公室", "市知识产权战略实施工作领导小组成员单位"),
])
def test_different_agencies_do_not_merge(a, b):
    assert canonical(a) is not None and canonical(b) is not None
    assert canonical(a) != canonical(b)


def test_rule_and_fuzzy_steps():
    hall = registry().match("省人力资源社会保障厅")  # no alias as written: 厅→局, 和 dropped
    assert hall is not None and (hall.id, hall.method) == ("province:human-resources", "rule")
    tour = registry().match("市文化旅游局")
    assert tour is not None and (tour.id, tour.method) == ("city:culture-tourism", "rule")
    typo = registry().match("市场监管理局")
    assert typo is not None and (typo.slug, typo.method) == ("market-regulation", "fuzzy")
    variant = registry().match("区知识产权强区建设工作领导小组办公室")
    assert variant is not None and variant.method == "fuzzy"
    assert variant.id == "county:ip-leading-group-office"


@pytest.mark.parametrize("name", ["市知识局", "市青年创业协进会办", "龙头企业", "高校"])
def test_unknown_names_stay_unknown(name):
    assert canonical(name) is None


def test_every_listed_name_resolves_to_its_own_entry_at_every_level():
    for entry in _DATA["agency"]:
        for name in [entry["name"], *entry.get("aliases", [])]:
            if name in entry.get("national", []):
                continue
            assert canonical(name) == entry["id"], name
            if not name.startswith(("各", "委")):
                assert canonical("县" + name) == f"county:{entry['id']}", name
        for name in entry.get("national", []):
            # A bare 知识产权局 is the local regulator; with 国家 it is the national one.
            bare_is_local = any(name in (e["name"], *e.get("aliases", []))
                                for e in _DATA["agency"])
            written = "国家" + name if bare_is_local else name
            assert canonical(written) == f"national:{entry['id']}", name


@pytest.mark.parametrize("name,expected", [
    ("县应急管理局", True), ("各街道", True), ("市市场监管局（知识产权局）", True),
    ("中国铁路总公司", True), ("各省级人民政府", True), ("银保监会", True),
    ("龙头企业", False), ("高校", False), ("试点城市", False), ("局", False),
])
def test_is_unit_by_suffix_or_registry(name, expected):
    assert registry().is_unit(name) is expected


def test_registry_refuses_an_alias_shared_by_two_agencies():
    data = {"agency": [{"id": "a", "name": "甲局", "aliases": ["乙局"]},
                       {"id": "b", "name": "乙局"}]}
    with pytest.raises(ValueError, match="乙局"):
        Registry(data)


def test_every_gold_owner_is_known():
    names = {n for stem in DOCS for t in gold(stem)["tasks"]
             for n in t["lead"] + t["responsible"]}
    assert names and {n for n in names if canonical(n) is None} == set()


# --- the table --------------------------------------------------------------------------------

def _gold_counts(stems: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Tasks led / co-owned per canonical agency, from the gold lists."""
    led: dict[str, int] = {}
    resp: dict[str, int] = {}
    for stem in stems:
        for t in gold(stem)["tasks"]:
            for agency in {canonical(n) for n in t["lead"]}:
                led[agency] = led.get(agency, 0) + 1
            for agency in {canonical(n) for n in t["responsible"]}:
                resp[agency] = resp.get(agency, 0) + 1
    return led, resp


STEMS = ["000_8b7cc7afb4aa70ed", "004_417ac496b24af2bd"]


def test_owner_table_counts_tasks_per_canonical_agency():
    rows = owner_table([owners(_plan_with_gold_tasks(seed(s), s)[0]) for s in STEMS])
    by_id = {r.agency: r for r in rows}
    led, resp = _gold_counts(STEMS)
    assert {k: r.led for k, r in by_id.items() if r.led} == led
    assert {k: r.responsible for k, r in by_id.items() if r.responsible} == resp
    market = by_id["city:market-regulation"]
    assert sorted(market.names) == ["市市场监管局", "市市场监管局（知识产权局）"]
    assert len(market.documents) == 2 and market.canonical_name == "市场监督管理局"
    totals = [r.led + r.responsible for r in rows]
    assert totals == sorted(totals, reverse=True)
    assert format_table(rows).splitlines()[2].startswith(rows[0].agency + " ")


def test_agencies_command_on_the_corpus(tmp_path, capsys):
    files = [str(seed(s)) for s in STEMS] + [str(tmp_path / "missing.txt")]
    assert main(["agencies", *files, "--format", "json"]) == 2  # a bad file: exit 2, others still
    out, err = capsys.readouterr()
    assert len(err.strip().splitlines()) == 1 and "missing.txt" in err
    rows = json.loads(out)
    led, resp = _gold_counts(STEMS)
    assert {r["agency"]: r["led"] for r in rows if r["led"]} == led
    assert {r["agency"]: r["responsible"] for r in rows if r["responsible"]} == resp


def test_unknown_units_are_listed_under_their_written_name(tmp_path, capsys):
    plan = tmp_path / "plan.txt"
    plan.write_text("某县知识产权工作方案\n一、重点任务\n"
                    "1.培育高价值专利。（县科技局牵头，县青年创业协进会办配合）\n", encoding="utf-8")
    assert main(["agencies", str(plan)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("county:science-technology ") and line.endswith("县科技局")
               for line in lines)
    assert any(line.startswith("(unknown) ") and line.endswith("县青年创业协进会办")
               for line in lines)
