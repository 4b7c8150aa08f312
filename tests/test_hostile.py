"""Hostile and broken inputs: every one gives a Plan or a one-line typed error, within bounds.

The hostile corpus is made here, not downloaded.  Each case names what must happen; the loaders'
own test files hold the format-specific details (entity attacks, encrypted and scanned PDFs,
numbering fallbacks), this file checks the whole path a user takes: ``policyparse.parse`` and
``policyparse.lint`` on a file.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import shutil
import signal
import sys
import time
import types
import zipfile
from pathlib import Path

import docx
import pytest
import regex
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import policyparse
from policyparse.errors import (CorruptDocument, PolicyParseError, Timeout, TooLarge,
                                UnsupportedFormat)
from policyparse.limits import time_limit
from policyparse.load import MAX_TEXT_BYTES
from policyparse.load.document import MAX_BLOCKS

from conftest import CORPUS, assert_spans_exact, seed

LIMIT = 60  # seconds: the per-document time limit every hostile case must stay within
SEED = seed("000_8b7cc7afb4aa70ed").read_text(encoding="utf-8")
DOCX = (CORPUS / "docx" / "004_417ac496b24af2bd.docx").read_bytes()
PDF = (CORPUS / "pdf" / "001_8feaf3a5e4c88e3f.pdf").read_bytes()
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _zip_bomb() -> bytes:
    """300 MB of zeros as word/document.xml in a ~300 KB .docx, written in chunks."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):
                member.write(chunk)
    return buf.getvalue()


def _many_paragraphs_docx(n: int) -> bytes:
    doc = docx.Document()
    for i in range(n):
        doc.add_paragraph(f"{i + 1}. 加强知识产权保护。")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# name → (bytes, expected: an error class, or "plan")
CASES: dict[str, tuple[bytes, type[PolicyParseError] | str]] = {
    "empty.txt": (b"", CorruptDocument),
    "empty.docx": (b"", CorruptDocument),
    "binary-junk.txt": (bytes(range(256)) * 20, CorruptDocument),
    "random-named.docx": (os.urandom(4096).replace(b"PK", b"pk"), CorruptDocument),
    "legacy-doc-named.docx": (OLE2 + b"\0" * 4096, UnsupportedFormat),
    "rtf-named.txt": (b"{\\rtf1\\ansi plan}", UnsupportedFormat),
    "html-named.docx": ("<html><body><p>第一章 总则</p><p>一、工作目标</p></body></html>"
                        .encode(), "plan"),
    "html-named.pdf": (b"<!DOCTYPE html><html><body><p>plan</p></body></html>", "plan"),
    "pdf-named.txt": (PDF, "plan"),
    "utf16-le-no-bom.txt": (SEED[:3000].encode("utf-16-le"), "plan"),
    "utf16-be-bom.txt": (codecs.BOM_UTF16_BE + SEED[:3000].encode("utf-16-be"), "plan"),
    "gbk.txt": (SEED[:3000].encode("gbk", errors="ignore"), "plan"),
    "mixed-utf8-gbk.txt": ("第一章 总则\n".encode() + "一、工作目标\n".encode("gbk")
                           + SEED[:2000].encode(), "plan"),
    "truncated.docx": (DOCX[: len(DOCX) // 2], CorruptDocument),
    "truncated.pdf": (PDF[: len(PDF) // 3], CorruptDocument),
    "empty-zip.docx": (b"PK\x05\x06" + b"\0" * 18, CorruptDocument),
    "zip-bomb.docx": (_zip_bomb(), TooLarge),
    "many-lines.txt": (("一\n" * (MAX_BLOCKS + 10)).encode(), TooLarge),
    "many-paragraphs.docx": (_many_paragraphs_docx(3000), "plan"),
    "too-much-text.txt": (b"a" * (MAX_TEXT_BYTES + 1), TooLarge),
    "one-2mb-line.txt": ((SEED.replace("\n", "") * 40)[: 700_000].encode(), "plan"),
    # regex traps: long runs of what the patterns look for
    "digits.txt": (b"1" * 1_000_000, "plan"),
    "brackets.txt": (("（" * 100_000 + "一" + "）" * 100_000).encode(), "plan"),
    "markers.txt": (("一、" * 150_000).encode(), "plan"),
    "placeholders.txt": (("X" * 500_000 + "万元").encode(), "plan"),
    "dotted-numbers.txt": (b"1." * 300_000, "plan"),
    "years.txt": (("2024年" * 100_000).encode(), "plan"),
    "grouped-digits.txt": ((b"1," * 300_000) + "万元".encode(), "plan"),
    "owner-list.txt": (("（牵头单位：" + "市科技局、" * 50_000 + "）").encode(), "plan"),
    "nested-html.html": (b"<html><body>" + b"<div>" * 10_000 + b"</div>" * 10_000
                         + b"</body></html>", CorruptDocument),
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    for name, (data, _) in CASES.items():
        (root / name).write_bytes(data)
    return root


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input_gives_a_plan_or_a_one_line_typed_error(hostile, name):
    path = hostile / name
    expected = CASES[name][1]
    try:
        plan = policyparse.parse(path, timeout=LIMIT)
        findings = policyparse.lint(plan)
    except PolicyParseError as err:
        assert expected != "plan", f"{name}: unexpected {err.line()}"
        assert isinstance(err, expected) and not isinstance(err, Timeout), err.line()
        assert err.line().startswith(f"{path}: ") and "\n" not in err.line()
        return
    assert expected == "plan", f"{name}: parsed, but {expected.__name__} was expected"
    assert_spans_exact(plan, plan)
    for f in findings:
        assert all(plan.text[s.start:s.end] == s.text for s in f.sources)


def test_encodings_are_read_as_written(hostile):
    for name in ("utf16-le-no-bom.txt", "utf16-be-bom.txt"):
        assert policyparse.parse(hostile / name).text.startswith("第一章")
    mixed = policyparse.parse(hostile / "mixed-utf8-gbk.txt")
    assert mixed.text.startswith("第一章 总则\n一、工作目标")
    assert [d.kind for d in mixed.diagnostics if d.kind == "encoding"] == ["encoding"]


def test_formats_are_told_by_content(hostile):
    assert policyparse.parse(hostile / "html-named.docx").format == "html"
    assert policyparse.parse(hostile / "pdf-named.txt").format == "pdf"
    with pytest.raises(UnsupportedFormat) as err:
        policyparse.parse(hostile / "legacy-doc-named.docx")
    assert ".doc" in err.value.line() and "--convert" in err.value.line()


def test_a_200_mb_file_is_refused_without_reading_it(tmp_path, monkeypatch):
    big = tmp_path / "huge.txt"
    with big.open("wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: nothing is written to disk either
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("file was read"))
    with pytest.raises(TooLarge, match="huge.txt"):
        policyparse.parse(big)


def test_the_time_limit_stops_a_long_document_with_a_typed_error():
    pdf = CORPUS / "pdf" / "000_8b7cc7afb4aa70ed.pdf"  # 25 pages: far more than 10 ms of work
    with pytest.raises(Timeout) as err:
        policyparse.parse(pdf, timeout=0.01)
    assert err.value.line().startswith(f"{pdf}: ") and "limit" in err.value.line()
    assert policyparse.parse(pdf, timeout=LIMIT).tasks  # the limit is lifted afterwards


def _patterns() -> list[tuple[str, regex.Pattern]]:
    """Every module-level compiled pattern of the package."""
    import importlib
    import pkgutil

    found = []
    for info in pkgutil.walk_packages(policyparse.__path__, "policyparse."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for key, value in vars(module).items():
            if isinstance(value, regex.Pattern):
                found.append((f"{info.name}.{key}", value))
    return found


TRAPS = ["1" * 20_000, "（" * 5_000 + "一" * 5_000, "一、" * 5_000, "X" * 20_000,
         "1." * 10_000, "2024年" * 4_000, "1," * 10_000, "第" * 20_000, " " * 20_000 + "x",
         "市科技局、" * 4_000, "a" * 20_000 + "!", "—" * 20_000, "《" * 10_000,
         "【" * 10_000 + "下同", "\t" * 20_000 + "Comment by"]


def test_no_pattern_backtracks_catastrophically():
    """A pattern that backtracks exponentially would not finish these in minutes; a linear one
    takes milliseconds.  regex's own timeout turns a trap into a failure naming the pattern."""
    patterns = _patterns()
    assert len(patterns) > 50
    slow = []
    for name, pattern in patterns:
        for trap in TRAPS:
            try:
                for _ in pattern.finditer(trap, timeout=5):
                    pass
            except TimeoutError:
                slow.append((name, trap[:12]))
    assert not slow


@pytest.mark.skipif(shutil.which("soffice") is None and not os.environ.get("CI"),
                    reason="LibreOffice (soffice) not installed")
def test_legacy_doc_is_converted_by_libreoffice_when_asked(tmp_path):
    import subprocess

    src = tmp_path / "plan.docx"
    src.write_bytes(DOCX)
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--headless", "--convert-to", "doc", "--outdir", str(tmp_path), str(src)],
                   capture_output=True, timeout=180, check=True)
    legacy = (tmp_path / "plan.doc").read_bytes()
    assert legacy.startswith(OLE2)
    (tmp_path / "legacy.wps").write_bytes(legacy)
    with pytest.raises(UnsupportedFormat):
        policyparse.parse(tmp_path / "legacy.wps")
    plan = policyparse.parse(tmp_path / "legacy.wps", convert=True)
    original = policyparse.parse(src)
    assert [t.title for t in plan.tasks] == [t.title for t in original.tasks]
    assert [h.title for h in plan.headings] == [h.title for h in original.headings]


# --- property tests: any bytes in, a Plan or a PolicyParseError out --------------------------

PREFIXES = [b"", b"%PDF-1.4\n", b"PK\x03\x04", OLE2, b"\xff\xfe", b"\xef\xbb\xbf",
            b"<html><body><p>", "第一章 总则\n一、".encode()]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PREFIXES), st.binary(max_size=600))
def test_any_bytes_give_a_plan_or_a_typed_error(prefix, data):
    try:
        plan = policyparse.parse(prefix + data, timeout=LIMIT)
        findings = policyparse.lint(plan)
    except PolicyParseError as err:
        assert "\n" not in err.line() and not isinstance(err, Timeout)
        return
    assert_spans_exact(plan, plan)
    for f in findings:
        assert all(plan.text[s.start:s.end] == s.text for s in f.sources)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(DOCX) - 1), st.integers(0, 255)),
                min_size=1, max_size=8))
def test_damaged_docx_gives_a_plan_or_a_typed_error(flips):
    data = bytearray(DOCX)
    for at, value in flips:
        data[at] = value
    try:
        plan = policyparse.parse(bytes(data), name="damaged.docx", timeout=LIMIT)
    except PolicyParseError as err:
        assert err.line().startswith("damaged.docx: ")
        return
    assert_spans_exact(plan, plan)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("第一二三章节、（）()1234567890.．年月日XX万亿元件%％"
                                             "到达突破不低于累计完成牵头单位：，。；\n\t 　")),
               max_size=400))
def test_plan_like_text_always_parses_with_exact_spans(text):
    assume(not os.path.exists(text))  # "." is a path: a string naming a file is read as one
    plan = policyparse.parse(text, timeout=LIMIT)
    assert_spans_exact(plan, plan)
    for f in policyparse.lint(plan):
        assert all(plan.text[s.start:s.end] == s.text for s in f.sources)


@pytest.mark.parametrize("path", sorted((CORPUS.parent / "fuzz" / "regressions").glob("*")),
                         ids=lambda p: p.name)
def test_inputs_that_once_crashed_the_fuzzer(path):
    try:
        plan = policyparse.parse(path.read_bytes(), name=path.name, timeout=LIMIT)
    except PolicyParseError as err:
        assert err.line().startswith(f"{path.name}: ")
    else:
        assert_spans_exact(plan, plan)


BAD_IN_BATCH = ["empty.txt", "binary-junk.txt", "random-named.docx", "legacy-doc-named.docx",
                "rtf-named.txt", "truncated.docx", "truncated.pdf", "empty-zip.docx",
                "zip-bomb.docx", "nested-html.html"]


def test_a_batch_of_100_with_10_hostile_gives_90_outputs_and_10_error_records(
        hostile, tmp_path, monkeypatch, capsys):
    from policyparse.batch import load
    from policyparse.cli import main

    docs = tmp_path / "in"
    docs.mkdir()
    base = seed("001_8feaf3a5e4c88e3f").read_text(encoding="utf-8")
    for i in range(90):  # 90 different good plans
        (docs / f"plan{i:02d}.txt").write_text(base + f"\n附件{i + 1}：任务分工表。\n",
                                              encoding="utf-8")
    for name in BAD_IN_BATCH:
        shutil.copy(hostile / name, docs / name)
    monkeypatch.chdir(tmp_path)
    status = main(["batch", "in", "--out", "out", "--jobs", "2", "--timeout", str(LIMIT)])
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err  # exit 1: some documents failed
    assert "100 documents (90 ok, 10 failed, 0 skipped)" in err
    assert len(list((tmp_path / "out" / "plans").rglob("*.json"))) == 90
    tables = load(tmp_path / "out")
    errors = dict(zip(tables["errors"].file, tables["errors"].error_type))
    assert errors == {f"in/{name}": CASES[name][1].__name__ for name in BAD_IN_BATCH}
    assert (tables["documents"].status == "ok").sum() == 90


def _busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def test_a_swallowed_timeout_fires_again_and_the_alarm_is_disarmed_afterwards():
    """A gc callback or __del__ that eats the first Timeout must not let the block run on."""
    swallowed, before = [], signal.getsignal(signal.SIGALRM)
    with pytest.raises(Timeout, match="doc.txt"):
        with time_limit(0.02, "doc.txt"):
            try:
                _busy(1)
            except Timeout as first:  # what "Exception ignored in ..." does
                swallowed.append(first)
            _busy(1)
    assert swallowed
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is before


def test_a_block_that_finishes_after_swallowing_the_timeout_still_fails():
    with pytest.raises(Timeout):
        with time_limit(0.02, "doc.txt"):
            try:
                _busy(0.1)
            except Timeout:
                pass
    with pytest.raises(Timeout) as err:  # a library re-wrapping it as its own error
        with time_limit(0.02, "doc.txt"):
            try:
                _busy(0.1)
            except Timeout as caught:
                raise ValueError("parser failed") from caught
    assert isinstance(err.value.__cause__, ValueError)
    with time_limit(1, "doc.txt"):  # a block inside its limit is untouched
        _busy(0.01)


@pytest.mark.parametrize("method", ["__enter__", "__exit__"])
def test_an_alarm_inside_the_limit_itself_does_not_leave_the_timer_armed(method):
    """The handler may run before ``__enter__`` returns (a short limit on a busy machine) or as
    ``__exit__`` starts, before it disarms: raising there would leave the alarm armed for the
    code after the block, so it must not; the body or ``__exit__`` raises the Timeout."""
    before = signal.getsignal(signal.SIGALRM)
    limit, went_on = time_limit(30, "doc.txt"), False
    with pytest.raises(Timeout, match="doc.txt"):
        with limit:
            inside = types.SimpleNamespace(f_code=getattr(time_limit, method).__code__)
            limit._alarm(signal.SIGALRM, inside)  # as if it fired in that method
            went_on = True
    assert went_on
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is before


def test_a_timeout_swallowed_by_a_finaliser_leaves_stderr_clean(capfd, monkeypatch):
    """CPython reports an error raised in ``__del__`` as "Exception ignored …" on stderr: the
    CLI promises one line per bad file, so the limit's own Timeout is dropped there quietly."""
    monkeypatch.setattr(sys, "unraisablehook", sys.__unraisablehook__)  # pytest's would capture
    class Slow:
        def __del__(self):
            _busy(0.5)  # the first alarm fires in here

    with pytest.raises(Timeout):
        with time_limit(0.02, "doc.txt"):
            Slow()
            _busy(1)
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("name, content, says", [
    ("plan.docx", b"not a zip", "named as Word (.docx) but its content is not"),
    ("plan.pdf", b"plain text pretending", "named as PDF but its content is not"),
    ("plan.xlsx", "一、总体要求".encode(), "named as Excel (.xlsx)"),
    ("scan.pdf", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "JPEG image, not a plan document"),
    ("blank.txt", b"  \n\t \n", "empty document"),
    ("bom.txt", b"\xef\xbb\xbf", "empty document"),
    ("empty.txt", b"", "empty file"),
])
def test_content_that_does_not_match_its_name_or_is_empty_is_an_error(tmp_path, name, content,
                                                                     says):
    """A claimed binary format whose content does not match is a corrupt file, a known non-plan
    format is named, and a file of white space is as empty as a 0-byte one."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(PolicyParseError, match=re.escape(says)):
        policyparse.parse(path)


def test_an_existing_path_is_read_whatever_its_name_holds(tmp_path):
    """A file name with a line break, or a very long one, is still a path, never plan text."""
    odd = tmp_path / "new\nline.txt"
    odd.write_text("一、总体要求\n坚持创新驱动。\n", encoding="utf-8")
    plan = policyparse.parse(str(odd))
    assert plan.document == "new\nline.txt" and plan.headings[0].title == "总体要求"
    long_dir = tmp_path / ("子" * 80)
    long_dir.mkdir()
    deep = long_dir / ("计" * 80 + ".txt")
    deep.write_text("一、总体要求\n", encoding="utf-8")
    assert len(str(deep)) >= 160 and policyparse.parse(str(deep)).headings


def test_links_pipes_and_bad_limits_give_one_line_errors(tmp_path, capsys):
    """A loop of symbolic links, a dangling link and a FIFO are errors naming the file (a FIFO is
    never opened, so nothing waits for a writer); a negative time limit is a usage error."""
    from policyparse.cli import main

    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nothing.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    for name, says in (("a", "symbolic links"), ("gone.txt", "a link to a file that does not exist"),
                       ("pipe.txt", "not a regular file")):
        assert main(["parse", str(tmp_path / name)]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and says in err[0] and name in err[0]
    with pytest.raises(SystemExit) as exit_:
        main(["parse", str(tmp_path / "a"), "--timeout", "-5"])
    assert exit_.value.code == 2 and "seconds ≥ 0" in capsys.readouterr().err
