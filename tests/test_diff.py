"""`policyparse diff`: two versions of a corpus plan, made by real editing operations, in every
format pair; the same plan in two formats reports nothing."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import docx
import jsonschema
import pytest

from policyparse import parse
from policyparse.cli import main
from policyparse.compare import align, diff
from policyparse.model import Plan
from policyparse.schema import SCHEMA_DIR

from conftest import CORPUS, DOCS, seed

D004 = "004_417ac496b24af2bd"      # targets, tasks with lead and responsible units
D003 = "003_351026cd5fe6092f"      # targets with explicit years
YAOPIN = "gwyb-yaopin-jicai-shidian-2019"  # a web page with targets
HTML = sorted(p.stem for p in (CORPUS / "html").glob("*.html") if p.stem in DOCS)


@cache
def plan(path: Path) -> Plan:
    return parse(path)


def text_plan(text: str, name: str) -> Plan:
    return parse(text, name=name)


def kinds(d) -> list[tuple[str, str, str | None]]:
    return [(c.item, c.action, c.field) for c in d.changes]


def form(stem: str, kind: str) -> Path:
    return {"txt": CORPUS / "seeds" / f"{stem}.txt"}.get(kind, CORPUS / kind / f"{stem}.{kind}")


# --- the same plan in two formats -------------------------------------------------------------

PAIRS = [(s, a, b) for s in DOCS for a, b in (("txt", "docx"), ("docx", "pdf"))]
PAIRS += [(s, "html", "txt") for s in HTML]


@pytest.mark.parametrize("stem,a,b", PAIRS, ids=[f"{s}-{a}-{b}" for s, a, b in PAIRS])
def test_the_same_plan_in_two_formats_reports_nothing(stem, a, b):
    old, new = plan(form(stem, a)), plan(form(stem, b))
    d = diff(old, new)
    assert d.changes == [], [(c.item, c.action, c.subject) for c in d.changes]
    # and it is not nothing because nothing was aligned: every item found its partner
    for kind in ("sections", "tasks", "targets", "facts"):
        n_old, n_new, aligned = getattr(d.counts, kind)
        assert n_old == n_new == aligned


# --- editing operations on the text -----------------------------------------------------------

@pytest.fixture(scope="module")
def d004() -> Plan:
    return text_plan(plan(seed(D004)).text, "old.txt")


def edited(old: Plan, start: int, end: int, new: str) -> Plan:
    return text_plan(old.text[:start] + new + old.text[end:], "new.txt")


def test_a_target_raised(d004):
    t = next(g for g in d004.targets if g.metric_key == "patent_grants")
    at = t.source.start + t.source.text.index("3.5万")
    d = diff(d004, edited(d004, at, at + 3, "4"))
    assert kinds(d) == [("target", "changed", "value")]
    c = d.changes[0]
    assert (c.old, c.new, c.direction) == ("3.5万件", "4万件", "raised")
    assert c.old_source.text == t.source.text and c.new_source.text == "授权专利量累计达4万件"


def test_a_target_lowered_and_its_unit_changed(d004):
    t = next(g for g in d004.targets if g.unit == "亿元")
    at = t.source.start + t.source.text.index("亿元")
    d = diff(d004, edited(d004, at, at + 2, "万元"))
    assert kinds(d) == [("target", "changed", "unit")]
    assert d.changes[0].new.endswith("万元")


def test_a_figure_in_another_unit_of_the_same_amount_is_no_change(d004):
    t = next(g for g in d004.targets if g.metric_key == "patent_grants")
    at = t.source.start + t.source.text.index("3.5万件")
    assert diff(d004, edited(d004, at, at + 5, "35000件")).changes == []


def test_a_deadline_moved():
    old = text_plan(plan(seed(D003)).text, "old.txt")
    t = next(g for g in old.targets if g.deadline_basis == "explicit"
             and f"{g.deadline}年" in g.source.text)
    at = t.source.start + t.source.text.index(f"{t.deadline}年")
    d = diff(old, edited(old, at, at + 4, str(t.deadline + 2)))
    assert {(c.item, c.action, c.field, c.direction) for c in d.changes} == {
        ("target", "changed", "deadline", "later")}
    assert any(c.old_source == t.source for c in d.changes)


def test_a_task_dropped_and_the_next_renumbered(d004):
    t = d004.tasks[5]
    after = [u for u in d004.tasks if u.path == t.path and u.source.start > t.source.start]
    text = d004.text
    for u in reversed(after):  # the editor renumbers the tasks after it
        text = text[:u.source.start] + re.sub(r"^\d+", str(int(u.number) - 1),
                                              text[u.source.start:])
    text = text[:t.source.start] + text[t.source.end + 1:]
    d = diff(d004, text_plan(text, "new.txt"))
    inside = [g for g in d004.targets if t.source.start <= g.source.start < t.source.end]
    assert kinds(d) == [("task", "removed", None)] + [("target", "removed", None)] * len(inside)
    assert d.changes[0].old_source == t.source


def test_a_task_added(d004):
    t = d004.tasks[2]
    new_task = f"{t.number}、新增开展知识产权托管服务，每年托管企业不少于50家。\n"
    text = d004.text[:t.source.start] + new_task + d004.text[t.source.start:]
    d = diff(d004, text_plan(text, "new.txt"))
    assert [k for k in kinds(d) if k[0] == "task"] == [("task", "added", None)]
    assert d.changes[0].new_source.text.startswith(new_task.strip()[:10])


def test_an_owner_changed(d004):
    t = next(u for u in d004.tasks if u.owners and u.owners[0].name == "市科技局")
    o = t.owners[0]
    d = diff(d004, edited(d004, o.source.start, o.source.end, "市财政局"))
    assert sorted((c.action, c.subject) for c in d.changes) == [
        ("added", "市财政局"), ("removed", "市科技局")]
    assert all(c.item == "owner" and c.where == f"任务 {t.number}" for c in d.changes)


def test_lead_and_responsible_switched(d004):
    t = next(u for u in d004.tasks if u.owners and u.owners[0].name == "市科技局")
    lead, resp = t.owners[0], t.owners[1]
    text = (d004.text[:lead.source.start] + resp.name + d004.text[lead.source.end:resp.source.start]
            + lead.name + d004.text[resp.source.end:])
    d = diff(d004, text_plan(text, "new.txt"))
    assert {(c.item, c.action, c.subject, c.old, c.new) for c in d.changes} == {
        ("owner", "switched", lead.name, "牵头", "责任"),
        ("owner", "switched", resp.name, "责任", "牵头")}
    assert len(d.changes) == 2


def test_sections_reordered(d004):
    """（二） and （三） of the tasks swapped, their numbers kept in sequence."""
    hs = [h for h in d004.headings if h.family == "cn_paren" and h.parent == "h3"]
    a, b, c = hs[1], hs[2], hs[3]
    text = d004.text
    first, second = text[a.source.start:b.source.start], text[b.source.start:c.source.start]
    first, second = b.label + first[len(a.label):], a.label + second[len(b.label):]
    d = diff(d004, text_plan(text[:a.source.start] + second + first + text[c.source.start:],
                             "new.txt"))
    assert kinds(d) == [("section", "reordered", None)]
    assert d.changes[0].subject.endswith(a.title) or d.changes[0].subject.endswith(b.title)


def test_a_task_moved_to_another_section_and_one_retitled(d004):
    t = d004.tasks[1]
    section = next(h for h in d004.headings if h.family == "cn_paren" and h.value == 3)
    line = t.source.text + "\n"
    text = d004.text[:t.source.start] + d004.text[t.source.end + 1:]
    at = text.index("\n", text.index(section.source.text)) + 1
    text = text[:at] + line + text[at:]
    u = d004.tasks[10]
    text = text.replace(u.title, "建立知识产权纠纷快速调解机制", 1)
    d = diff(d004, text_plan(text, "new.txt"))
    changes = {(c.action, c.subject.split()[-1]) for c in d.changes if c.item == "task"}
    assert ("moved", t.title) in changes and ("retitled", "建立知识产权纠纷快速调解机制") in changes
    moved = next(c for c in d.changes if c.action == "moved")
    assert moved.new == f"{section.label}{section.title}"


def test_the_period_extended(d004):
    m = d004.meta
    at = d004.text.index(m.title)
    year = d004.text.index(str(m.period.end), at)
    d = diff(d004, edited(d004, year, year + 4, str(m.period.end + 1)))
    # goals due at the period's end move with it: the period's change says so once
    assert kinds(d) == [("meta", "changed", "period")]
    assert d.changes[0].direction == "later"


def test_wording_rephrased_reports_nothing(d004):
    text = d004.text
    body = text.index(d004.headings[0].source.text)
    head, rest = text[:body], text[body:]
    for a, b in (("加强", "强化"), ("推进", "推动"), ("积极", "大力"), ("进一步", ""),
                 ("，", ","), ("；", "，")):
        rest = rest.replace(a, b)
    assert diff(d004, text_plan(head + rest, "new.txt")).changes == []


def test_alignment_pairs_every_item_of_the_same_plan(d004):
    al = align(d004, plan(form(D004, "docx")))
    assert len(al.tasks.pairs) == len(d004.tasks)
    assert all(a.title == al.tasks.new[j].title for i, j in al.tasks.pairs.items()
               for a in [al.tasks.old[i]])


# --- edits in other formats ---------------------------------------------------------------------

def _docx_edit(src: Path, out: Path, old: str, new: str) -> None:
    """Edit the runs of a Word file, as an editor typing over a figure would."""
    document = docx.Document(str(src))
    hits = 0
    for p in document.paragraphs:
        for r in p.runs:
            if old in r.text:
                r.text = r.text.replace(old, new)
                hits += 1
    assert hits == 1
    document.save(str(out))


def test_txt_to_edited_docx(tmp_path):
    out = tmp_path / "new.docx"
    _docx_edit(form(D004, "docx"), out, "授权专利量累计达3.5万件", "授权专利量累计达3万件")
    d = diff(form(D004, "txt"), out)
    assert [(c.item, c.field, c.old, c.new, c.direction) for c in d.changes] == [
        ("target", "value", "3.5万件", "3万件", "lowered")]
    assert d.changes[0].new_source.block is not None  # a Word paragraph to point at


def test_docx_to_edited_pdf(tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("soffice (LibreOffice) is required under CI")
        pytest.skip("soffice (LibreOffice) not installed")
    reworded, edited_docx = tmp_path / "reworded.docx", tmp_path / "new.docx"
    _docx_edit(form(D004, "docx"), reworded, "4、加强高质量知识产权创造", "4、推动高质量知识产权创造")
    # and the lead of task 4 handed to another bureau
    _docx_edit(reworded, edited_docx, "〔责任单位：市科技局牵头", "〔责任单位：市财政局牵头")
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(edited_docx)],
                   check=True, capture_output=True, timeout=180)
    d = diff(form(D004, "docx"), tmp_path / "new.pdf")
    assert sorted((c.item, c.action, c.subject) for c in d.changes) == [
        ("owner", "added", "市财政局"), ("owner", "removed", "市科技局")]
    assert d.changes[0].new_source is None or d.changes[0].new_source.page is not None


def test_html_to_edited_txt(tmp_path):
    text = form(YAOPIN, "txt").read_text(encoding="utf-8")
    assert text.count("按不低于采购金额的30%") == 1
    new = tmp_path / "new.txt"
    new.write_text(text.replace("按不低于采购金额的30%", "按不低于采购金额的50%"), encoding="utf-8")
    d = diff(form(YAOPIN, "html"), new)
    assert [(c.item, c.field, c.old, c.new, c.direction) for c in d.changes] == [
        ("target", "value", "30%", "50%", "raised")]


# --- the command --------------------------------------------------------------------------------

@pytest.fixture
def versions(tmp_path) -> tuple[Path, Path]:
    old, new = tmp_path / "old.docx", tmp_path / "new.docx"
    shutil.copy(form(D004, "docx"), old)
    _docx_edit(old, new, "授权专利量累计达3.5万件", "授权专利量累计达4万件")
    return old, new


def test_cli_exit_status_as_diff(versions, tmp_path, capsys):
    old, new = versions
    assert main(["diff", str(old), str(form(D004, "txt"))]) == 0
    assert "Found 0 change(s)." in capsys.readouterr().out
    assert main(["diff", str(old), str(new)]) == 1
    out = capsys.readouterr().out
    assert f"{new}:" in out and "target.value" in out and "3.5万件 → 4万件 (raised)" in out
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    assert main(["diff", str(old), str(broken)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(broken) in err[0]
    assert main(["diff", str(old), str(tmp_path / "missing.txt")]) == 2


def test_cli_json_follows_the_schema(versions, capsys):
    old, new = versions
    assert main(["diff", "--format", "json", str(old), str(new)]) == 1
    data = json.loads(capsys.readouterr().out)
    schema = json.loads((SCHEMA_DIR / "plan-diff.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    (change,) = data["changes"]
    assert (change["item"], change["field"], change["direction"]) == ("target", "value", "raised")
    assert change["new_source"]["text"] == "授权专利量累计达4万件"


def test_cli_annotate_writes_a_comment_per_change_and_never_over_an_input(versions, tmp_path,
                                                                           capsys):
    old, new = versions
    out = tmp_path / "reviewed.docx"
    assert main(["diff", str(old), str(new), "--annotate", str(out)]) == 1
    assert "wrote 1 comment(s)" in capsys.readouterr().err
    comments = list(docx.Document(str(out)).comments)
    assert len(comments) == 1 and "target.value" in comments[0].text
    assert "3.5万件 → 4万件" in comments[0].text
    before = out.read_bytes()
    assert main(["diff", str(old), str(new), "--annotate", str(out)]) == 2
    assert "exists; --force replaces it" in capsys.readouterr().err
    assert out.read_bytes() == before
    assert main(["diff", str(old), str(new), "--annotate", str(out), "--force"]) == 1
    for target in (old, new):
        data = target.read_bytes()
        assert main(["diff", str(old), str(new), "--annotate", str(target), "--force"]) == 2
        assert "refusing to write over an input" in capsys.readouterr().err
        assert target.read_bytes() == data
    assert main(["diff", str(old), str(new), "--html", str(old)]) == 2


def test_a_removed_item_is_commented_where_it_was(d004, tmp_path):
    from policyparse.compare.annotate import annotate

    t = d004.tasks[5]
    new = text_plan(d004.text[:t.source.start] + d004.text[t.source.end + 1:], "new.txt")
    d = diff(d004, new)
    out = tmp_path / "new.docx"
    assert annotate(d, new, out, source_path=tmp_path / "new.txt") == len(d.changes)
    texts = [c.text for c in docx.Document(str(out)).comments]
    assert any("task.removed" in x and t.title in x for x in texts)


# --- the HTML page ------------------------------------------------------------------------------

def _chromium(profile: Path, *args: str) -> str:
    exe = shutil.which("chromium")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing (scripts/install-test-deps installs it)")
        pytest.skip("chromium is not installed")
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
           *args]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


def test_html_shows_both_versions_with_the_changes_in_chromium(d004, tmp_path):
    from policyparse.compare.render_html import render

    t = d004.tasks[5]
    text = d004.text[:t.source.start] + d004.text[t.source.end + 1:]
    text = text.replace("授权专利量累计达3.5万件", "授权专利量累计达4万件<script>x</script>")
    new = text_plan(text, "new.txt")
    d = diff(d004, new)
    page = tmp_path / "diff.html"
    page.write_text(render(d, d004, new), encoding="utf-8")
    dom = _chromium(tmp_path / "profile", "--dump-dom", page.as_uri())
    assert "<script>x</script>" not in dom and "&lt;script&gt;x" in dom
    assert not re.search(r'(?:src|href)="(?:https?:)?//', dom)
    for n, c in enumerate(d.changes):  # every change is marked, in each version it is in
        for side, source in (("o", c.old_source), ("n", c.new_source)):
            if source is not None:
                mark = re.search(rf'<mark class="[^"]*sev-(\w+)[^"]*" id="{side}{n}"', dom)
                assert mark, (n, side)
                assert mark.group(1) == ("changed" if c.action not in ("added", "removed")
                                         else c.action)
    removed = next(n for n, c in enumerate(d.changes) if c.action == "removed")
    assert f'href="#o{removed}"' in dom and 'id="pane-o"' in dom and 'id="pane-n"' in dom
    shot = tmp_path / "diff.png"
    _chromium(tmp_path / "profile", f"--screenshot={shot}", "--window-size=1200,800",
              page.as_uri())
    assert shot.stat().st_size > 10_000
