"""The annotated Word copy (``lint --annotate``): comments on the exact runs of each finding."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import zipfile
from collections import defaultdict
from pathlib import Path

import docx
import pdfplumber
import pytest
from lxml import etree
from pdfminer.pdftypes import resolve1
from pdfminer.utils import decode_text

import policyparse
from policyparse.cli import main
from policyparse.errors import UsageError
from policyparse.lint import lint_plan, lint_plans
from policyparse.load.document import normalise_line
from policyparse.load.numbering import W
from policyparse.model import Finding, Plan, Span
from policyparse.report.docx import annotate

from conftest import CORPUS, DOCS, seed

D000, D004 = "000_8b7cc7afb4aa70ed", "004_417ac496b24af2bd"
AUTHOR = "policyparse"


def _docx(stem: str) -> Path:
    return CORPUS / "docx" / f"{stem}.docx"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def annotated(tmp_path_factory):
    """Annotate a corpus file once per module: (plan, annotations, output path)."""
    cache: dict[Path, tuple] = {}
    out_dir = tmp_path_factory.mktemp("annotated")

    def get(path: Path):
        if path not in cache:
            plan = policyparse.parse(path)
            out = out_dir / f"{path.name}.reviewed.docx"
            cache[path] = (plan, annotate(plan, lint_plan(plan), out, source_path=path), out)
        return cache[path]

    return get


def anchors(path: Path) -> dict[int, str]:
    """The text between each comment's range marks in document.xml, paragraphs ended by \\n."""
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    open_ids: set[int] = set()
    text: dict[int, str] = defaultdict(str)
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if event == "start" and el.tag == W + "commentRangeStart":
            open_ids.add(int(el.get(W + "id")))
        elif event == "start" and el.tag == W + "commentRangeEnd":
            open_ids.discard(int(el.get(W + "id")))
        elif el.tag in (W + "t", W + "tab", W + "p") and (event == "end") == (el.tag == W + "p"):
            piece = {W + "t": el.text or "", W + "tab": "\t", W + "p": "\n"}[el.tag]
            for cid in open_ids:
                text[cid] += piece
    return text


def expected_anchor(plan: Plan, span: Span) -> str:
    """What a comment on ``span`` covers: the span; without an auto-number label (not in any
    run) when it starts in one; the whole block for a zero-width span (removed text)."""
    block = next(b for b in plan.blocks if b.start <= span.start <= b.end)
    body = block.start + len(block.label or "")
    if span.start == span.end:
        return plan.text[body:block.end]
    return plan.text[max(span.start, body):span.end] or plan.text[body:block.end]


def same_text(anchor: str, expected: str) -> bool:
    """Equal as the loader reads them: table cells end in paragraph marks in Word and tabs in
    the plan, a no-break space in a run is a space in the plan."""
    def flat(s: str) -> str:
        return normalise_line(s.replace("\n", "\t"))[0]

    return flat(anchor) == flat(expected)


def comments(path: Path) -> dict:
    """The document's comments by id, as python-docx reads them."""
    return {c.comment_id: c for c in docx.Document(str(path)).comments}


def test_000_conflict_sides_and_placeholders(annotated):
    before = _sha(_docx(D000))
    plan, written, out = annotated(_docx(D000))
    assert _sha(_docx(D000)) == before  # the original is never modified
    anchor, notes = anchors(out), comments(out)
    for a in written:
        assert anchor[a.comment_id] == expected_anchor(plan, a.span)
        note = notes[a.comment_id]
        assert (note.author, note.initials) == (AUTHOR, "PP")
        assert note.text.startswith(f"{a.finding.code} [{a.finding.category}] {a.finding.message}")
    # the 8笔/21宗 conflict: a comment at each side, each quoting the other
    pledge = {a.span.text: a for a in written if a.finding.code.startswith("CF")
              and ("8笔" in a.span.text or "21宗" in a.span.text)}
    eight = next(a for text, a in pledge.items() if "8笔" in text)
    twenty_one = next(a for text, a in pledge.items() if "21宗" in text)
    assert eight.finding == twenty_one.finding
    assert twenty_one.span.text in notes[eight.comment_id].text
    assert eight.span.text in notes[twenty_one.comment_id].text
    # every XX in the text lies in the anchor of a placeholder comment
    placeholders = [a.span for a in written if a.finding.code.startswith("PH")]
    xx = [i for i in range(len(plan.text)) if plan.text.startswith("XX", i)]
    assert xx and all(any(s.start <= i < s.end for s in placeholders) for i in xx)


def test_004_numbering_comment_on_its_line(annotated):
    plan, written, out = annotated(_docx(D004))
    anchor = anchors(out)
    hits = [a for a in written if a.finding.category == "numbering"
            and anchor[a.comment_id].startswith("3、") and "重点任务" in anchor[a.comment_id]]
    assert hits and all(anchor[a.comment_id] == a.span.text for a in hits)


@pytest.mark.parametrize("stem", DOCS)
def test_every_anchor_is_its_span(annotated, stem):
    plan, written, out = annotated(_docx(stem))
    findings = lint_plan(plan)
    assert len(written) == sum(len(f.sources) or 1 for f in findings)
    anchor, notes = anchors(out), comments(out)
    assert {a.comment_id for a in written} == {
        cid for cid, c in notes.items() if c.author == "policyparse"}
    for a in written:
        assert same_text(anchor[a.comment_id], expected_anchor(plan, a.span)), a


@pytest.mark.parametrize("stem", DOCS)
def test_split_runs_keep_text_and_formatting(annotated, stem):
    """Each paragraph reads the same, character by character with the run formatting of each
    character, in the copy as in the original."""
    _, written, out = annotated(_docx(stem))

    def styled(path: Path) -> list[list[tuple[str, bytes]]]:
        root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
        return [[(c, etree.tostring(t.getparent().find(W + "rPr")) if t.getparent().find(
            W + "rPr") is not None else b"") for t in p.iter(W + "t") for c in t.text or ""]
                for p in root.iter(W + "p")]

    plan = policyparse.parse(_docx(stem))
    assert bool(written) == bool(lint_plan(plan))  # a clean document gets a clean copy
    assert styled(out) == styled(_docx(stem))


def test_label_span_is_anchored_on_the_paragraph_text(annotated):
    """000's numbered tasks carry Word auto-numbers (9., 四、): a span that starts in the label
    is anchored on the rest of its paragraph."""
    plan, written, out = annotated(_docx(D000))
    anchor = anchors(out)
    labelled = [(a, b) for a in written for b in plan.blocks
                if b.label and b.start <= a.span.start < b.start + len(b.label)]
    assert labelled
    for a, b in labelled:
        assert a.span.text.startswith(b.label)
        assert anchor[a.comment_id] == a.span.text[len(b.label):]


@pytest.mark.parametrize("form", ["seeds", "pdf"])
@pytest.mark.parametrize("stem", DOCS)
def test_txt_and_pdf_are_rendered_and_anchored_the_same_way(annotated, stem, form):
    path = seed(stem) if form == "seeds" else CORPUS / "pdf" / f"{stem}.pdf"
    plan, written, out = annotated(path)
    assert len(written) == sum(len(f.sources) or 1 for f in lint_plan(plan))
    anchor, notes = anchors(out), comments(out)
    assert {c.author for c in notes.values()} == ({"policyparse"} if written else set())
    for a in written:
        assert same_text(anchor[a.comment_id], expected_anchor(plan, a.span)), a
    body = docx.Document(str(out)).paragraphs
    headings = [p.text for p in body if p.style.name.startswith("Heading")]
    starts = {h.source.start for h in plan.headings}
    assert headings == [plan.text[b.start:b.end] for b in plan.blocks if b.start in starts]


def test_removed_text_is_anchored_on_its_paragraph(annotated):
    """004's footnotes were removed from the text: their zero-width spans get the paragraph."""
    plan, written, out = annotated(seed(D004))
    anchor = anchors(out)
    empty = [a for a in written if a.span.start == a.span.end]
    assert empty
    for a in empty:
        block = next(b for b in plan.blocks if b.start <= a.span.start <= b.end)
        assert anchor[a.comment_id].rstrip("\n") == plan.text[block.start:block.end]


def test_cross_document_findings_go_to_their_own_file(tmp_path):
    plans = [policyparse.parse(_docx(D000)), policyparse.parse(seed("001_8feaf3a5e4c88e3f"))]
    findings = lint_plans(plans)
    written = annotate(plans[0], findings, tmp_path / "000.docx", source_path=_docx(D000))
    mine = [f for f in findings if f.document == plans[0].document]
    assert any(f.category == "cross-document" for f in mine)
    cited = [r for f in findings if f not in mine for r in f.related
             if r.document == plans[0].document]
    assert len(written) == sum(len(f.sources) for f in mine) + len(cited)
    anchor = anchors(tmp_path / "000.docx")
    assert all(anchor[a.comment_id] == expected_anchor(plans[0], a.span) for a in written)


def test_the_other_document_gets_a_comment_where_a_cross_document_finding_cites_it(tmp_path):
    plans = [policyparse.parse(_docx(D000)), policyparse.parse(seed("001_8feaf3a5e4c88e3f"))]
    findings = lint_plans(plans)
    other = plans[1]
    written = annotate(other, findings, tmp_path / "001.docx", source_path=seed(
        "001_8feaf3a5e4c88e3f"))
    cited = [(f, r.source) for f in findings if f.document == plans[0].document
             for r in f.related if r.document == other.document]
    assert cited, "000's cross-document findings cite 001"
    theirs = [a for a in written if a.finding.document != other.document]
    assert [(a.finding, a.span) for a in theirs] == cited
    anchor, text = anchors(tmp_path / "001.docx"), comments(tmp_path / "001.docx")
    for a in theirs:  # on the cited words, naming the document the finding is about
        assert anchor[a.comment_id] == expected_anchor(other, a.span)
        assert Path(plans[0].document).name in text[a.comment_id].text
    assert any("组长由市人民政府市长担任" in anchor[a.comment_id] for a in theirs)


def test_finding_without_sources_goes_on_the_first_paragraph(tmp_path):
    plan = policyparse.parse(seed(D004))
    whole = Finding(code="QL001", name="task-without-owner", category="quality",
                    severity="info", message="整篇", document=plan.document, sources=[])
    [a] = annotate(plan, [whole], tmp_path / "004.docx", source_path=seed(D004))
    first = plan.blocks[0]
    assert anchors(tmp_path / "004.docx")[a.comment_id].rstrip("\n") == \
        plan.text[first.start:first.end]


def test_txt_keeps_the_000_comments(annotated):
    _, from_docx, _ = annotated(_docx(D000))
    _, from_txt, out = annotated(seed(D000))
    anchor = anchors(out)
    for key in ("8笔", "21宗", "XX"):
        assert {a.span.text for a in from_txt if key in anchor[a.comment_id]} == \
            {a.span.text for a in from_docx if key in a.span.text}


def test_libreoffice_opens_the_copies(annotated, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("soffice (LibreOffice) is required under CI")
        pytest.skip("soffice (LibreOffice) not installed")
    copies = [annotated(_docx(D000)), annotated(seed(D000))]
    export = 'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}'
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                    "--convert-to", export, "--outdir", str(tmp_path),
                    *(str(out) for _, _, out in copies)],
                   check=True, capture_output=True, timeout=180)
    for plan, written, out in copies:
        with pdfplumber.open(tmp_path / f"{out.stem}.pdf") as pdf:
            text = "".join(page.extract_text() or "" for page in pdf.pages)
            notes = [decode_text(a["Contents"]) for page in pdf.pages
                     for a in map(resolve1, resolve1(page.page_obj.annots) or [])
                     if a.get("Contents") and decode_text(a.get("T", b"")).startswith(AUTHOR)]
        assert plan.headings[0].source.text.replace(" ", "") in text.replace(" ", "")
        assert sorted(notes) == sorted(comments(out)[a.comment_id].text for a in written)


def test_cli_writes_the_copy_and_refuses_the_input(tmp_path, capsys):
    src = tmp_path / "plan.docx"
    shutil.copy(_docx(D004), src)
    out = tmp_path / "plan.reviewed.docx"
    assert main(["lint", str(src), "--annotate", str(out)]) == 1
    assert f"to {out}" in capsys.readouterr().err
    assert sorted(os.listdir(tmp_path)) == ["plan.docx", "plan.reviewed.docx"]  # no temp left
    assert any(c.author == AUTHOR for c in comments(out).values())
    before = _sha(src)
    assert main(["lint", str(src), "--annotate", str(src)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1
    assert "refusing to write over an input" in captured.err and _sha(src) == before


def test_cli_several_inputs_need_a_directory(tmp_path, capsys):
    inputs = [str(_docx(D000)), str(seed(D000)), str(seed(D004))]
    assert main(["lint", *inputs, "--annotate", str(tmp_path / "one.docx")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert main(["lint", *inputs, "--annotate", str(tmp_path)]) == 1
    assert sorted(os.listdir(tmp_path)) == [
        f"{D000}-docx.reviewed.docx", f"{D000}-txt.reviewed.docx", f"{D004}.reviewed.docx"]


def test_output_must_be_a_docx(tmp_path):
    plan = policyparse.parse(seed(D004))
    with pytest.raises(UsageError, match="must be a .docx"):
        annotate(plan, [], tmp_path / "plan.txt", source_path=seed(D004))


def test_no_command_writes_over_its_inputs_or_its_own_outputs(tmp_path, capsys):
    """report --html and --write-baseline never replace an input; --annotate copies are unique
    per input path, never an input, and replace an existing copy only with --force."""
    plan = tmp_path / "plan.txt"
    shutil.copy(seed(D004), plan)
    before = _sha(plan)
    assert main(["report", str(plan), "--html", str(plan)]) == 2
    assert main(["lint", str(plan), "--write-baseline", str(plan)]) == 2
    assert _sha(plan) == before and "refusing to write over an input" in capsys.readouterr().err
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        shutil.copy(_docx(D004), tmp_path / folder / "plan.docx")
    rev = tmp_path / "rev"
    rev.mkdir()
    inputs = [str(tmp_path / "x" / "plan.docx"), str(tmp_path / "y" / "plan.docx")]
    assert main(["lint", *inputs, "--annotate", str(rev)]) == 1
    assert sorted(os.listdir(rev)) == ["x-plan-docx.reviewed.docx", "y-plan-docx.reviewed.docx"]
    capsys.readouterr()
    assert main(["lint", *inputs, "--annotate", str(rev)]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["lint", *inputs, "--annotate", str(rev), "--force"]) == 1
    reviewed = tmp_path / "x" / "plan.reviewed.docx"
    shutil.copy(_docx(D004), reviewed)
    kept = _sha(reviewed)
    assert main(["lint", inputs[0], str(reviewed), "--annotate", str(tmp_path / "x")]) == 2
    assert _sha(reviewed) == kept  # an editor's reviewed copy is an input: never replaced


def test_a_copy_that_would_not_open_again_is_refused_not_written(tmp_path, capsys):
    """python-docx drops a DOCTYPE's entity declarations when it saves, leaving references no
    reader can resolve: the copy is re-opened before it counts as written."""
    plan = tmp_path / "plan.docx"
    with zipfile.ZipFile(_docx("001_8feaf3a5e4c88e3f")) as zin, zipfile.ZipFile(plan, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                xml = data.decode("utf-8").replace(
                    "?>", '?><!DOCTYPE w:document [<!ENTITY name "规划">]>', 1)
                data = xml.replace("</w:t>", "&name;</w:t>", 3).encode("utf-8")
            zout.writestr(item, data)
    out = tmp_path / "plan.reviewed.docx"
    assert main(["lint", str(plan), "--annotate", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(f"policyparse: error: {plan}: ") and "open again" in err[-1]
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["plan.docx"]


@pytest.mark.parametrize("stem", ["000_8b7cc7afb4aa70ed", "003_351026cd5fe6092f"])
def test_comments_count_places_one_way_and_mark_cut_quotes(annotated, stem):
    """A Word copy counts places by paragraph (第N段), never by line, and a quote cut short
    ends in an ellipsis."""
    _, written, out = annotated(_docx(stem))
    texts = [c.text for c in comments(out).values()]
    assert any("第" in t and "段“" in t for t in texts)
    assert not any(re.search(r"第[0-9]+行", t) for t in texts)
    for t in texts:
        for quote in re.findall(r"段“([^”]*)”", t):
            assert len(quote) <= 40
            if len(quote) == 40:
                assert quote.endswith("…")
