"""The spaCy component and the DocBin export, with real spaCy (blank ``zh``, jieba segmenter)."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc, DocBin

import policyparse
from policyparse.cli import main
from policyparse.integrations.align import Alignment
from policyparse.integrations.spacy import GROUPS, LABELS, blank, items

from conftest import CORPUS

SEEDS = sorted((CORPUS / "seeds").glob("*.txt"))
TEXT_PLANS = SEEDS + sorted((CORPUS / "unlabelled").glob("*.txt"))
JIEBA = {"nlp": {"tokenizer": {"segmenter": "jieba"}}}


def _squash(text: str) -> str:
    """The text without white space and zero-width marks (what normalisation drops)."""
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf")


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("zh", config=JIEBA)
    nlp.add_pipe("policyparse")
    return nlp


def _check_doc(doc: Doc, plan: policyparse.Plan) -> None:
    """Every item is a span of its group whose text is the item's (white space aside) and whose
    fields are the item's, or it is listed as unaligned: none is dropped silently."""
    unaligned = doc._.policyparse_unaligned
    spans = {group: {s.id_: s for s in doc.spans[group]} for group in GROUPS}
    for group, item_id, item, _ in items(plan):
        span = spans[group].get(item_id)
        if span is None:
            assert item_id in unaligned.get(group, ()), (group, item_id)
            continue
        assert item_id not in unaligned.get(group, ())
        assert _squash(span.text) == _squash(item.source.text)
        assert span.label_ == LABELS[group] and span._.item == item
    assert sum(len(s) for s in spans.values()) + sum(map(len, unaligned.values())) == \
        sum(1 for _ in items(plan))


def test_importing_policyparse_imports_neither_spacy_nor_jieba():
    code = ("import sys, policyparse, policyparse.cli; policyparse.parse('一、目标\\n到2025年达到5家。');"
            "print(sorted(m for m in ('spacy', 'jieba', 'thinc') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "[]"


def test_factory_comes_from_the_entry_point():
    """A fresh process that never imports policyparse gets the factory from spaCy itself."""
    code = ("import spacy\n"
            f"nlp = spacy.blank('zh', config={JIEBA!r})\n"
            "nlp.add_pipe('policyparse')\n"
            "doc = nlp('一、工作目标\\n到2025年，全市发明专利拥有量达到500件。')\n"
            "print([(s.text, s._.value, s._.deadline) for s in doc.spans['targets']])")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[('全市发明专利拥有量达到500件', 500.0, 2025)]"


@pytest.mark.parametrize("path", TEXT_PLANS, ids=lambda p: p.stem)
def test_component_on_corpus_text(nlp, path):
    raw = path.read_text(encoding="utf-8")
    doc = nlp(raw)
    plan = doc._.plan
    expected = policyparse.parse(path)
    assert plan.text == expected.text
    assert [t.model_dump() for t in plan.targets] == [t.model_dump() for t in expected.targets]
    _check_doc(doc, plan)
    alignment = Alignment(plan.text, raw)
    for group in GROUPS:
        for span in doc.spans[group]:
            item = span._.item
            assert (span.start_char, span.end_char) == \
                alignment.span(item.source.start, item.source.end)
    for span in doc.spans["targets"]:
        target = span._.item
        assert (span._.value, span._.unit, span._.deadline, span._.comparator, span._.metric,
                span._.task_id) == (target.value, target.unit, target.deadline,
                                     target.comparator, target.metric, target.task_id)
    for span in doc.spans["owners"]:
        task = next(t for t in plan.tasks if t.id == span._.task_id)
        assert (span._.role, span._.agency, span.text) in \
            [(o.role, o.agency, o.source.text) for o in task.owners]
    for span in doc.spans["headings"]:
        assert span._.level == span._.item.level and span._.title == span._.item.title
    # what is left out is what the plan's text cannot show exactly: residue inside the item
    for group, ids in doc._.policyparse_unaligned.items():
        for _, item_id, item, _ in items(plan):
            if item_id in ids:
                assert item.source.text not in raw


def test_text_that_is_not_the_normalised_text_is_aligned(nlp):
    """CRLF line ends, blank lines, ideographic-space indents and zero-width marks: the plan's
    text is normalised, the spans land on the caller's characters."""
    path = CORPUS / "seeds" / "004_417ac496b24af2bd.txt"
    clean = nlp(path.read_text(encoding="utf-8"))
    lines = path.read_text(encoding="utf-8").splitlines()
    messy = "\r\n\r\n".join(f"\u3000\u3000\u200b{line}  " for line in lines)
    doc = nlp(messy)
    assert doc.text == messy and doc._.plan.text == clean._.plan.text
    _check_doc(doc, doc._.plan)
    for group in GROUPS:
        assert [s.id_ for s in doc.spans[group]] == [s.id_ for s in clean.spans[group]]
        for span, before in zip(doc.spans[group], clean.spans[group]):
            assert _squash(span.text) == _squash(before.text)


def test_policy_words_put_owner_names_on_token_boundaries():
    """With jieba's own dictionary some owner names start or end inside a token (由市…, …局牵头
    merged); with the project's vocabulary none does.  Expanding keeps them, widened."""
    plain = spacy.blank("zh", config=JIEBA)
    plain.add_pipe("policyparse", config={"policy_words": False})
    expand = spacy.blank("zh", config=JIEBA)
    expand.add_pipe("policyparse", config={"policy_words": False, "alignment_mode": "expand"})
    ours = blank()
    ours.add_pipe("policyparse")
    missed = 0
    for path in TEXT_PLANS:
        raw = path.read_text(encoding="utf-8")
        doc = plain(raw)
        _check_doc(doc, doc._.plan)
        ids = doc._.policyparse_unaligned.get("owners", [])
        missed += len(ids)
        widened_doc = expand(raw)
        wide = {s.id_: s for s in widened_doc.spans["owners"]}
        for _, item_id, item, _ in items(doc._.plan):
            if item_id in ids:
                widened = wide[item_id].text
                assert item.source.text in widened and widened != item.source.text
        assert "owners" not in ours(raw)._.policyparse_unaligned
    assert missed > 0


def test_bad_alignment_mode_and_extension_clash_are_clear():
    nlp = spacy.blank("zh")
    with pytest.raises(ValueError, match="alignment_mode"):
        nlp.add_pipe("policyparse", config={"alignment_mode": "loose"})
    code = ("from spacy.tokens import Span\nimport spacy\n"
            "Span.set_extension('value', default=0)\n"
            "spacy.blank('zh').add_pipe('policyparse')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode != 0 and "Span._.value already registered" in r.stderr


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("export") / "plans.spacy"
    inputs = [CORPUS / "seeds", CORPUS / "docx" / "000_8b7cc7afb4aa70ed.docx",
              CORPUS / "pdf" / "004_417ac496b24af2bd.pdf", CORPUS / "html" / "gwy-jili-zhichi-2018.html"]
    assert main(["export", "--spacy", str(out), *map(str, inputs)]) == 0
    return out, [*SEEDS, *inputs[1:]]


def test_docbin_loads_back_with_the_plans_offsets(exported):
    out, files = exported
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("zh").vocab))
    assert len(docs) == len(files)
    by_name = {Path(d._.plan.document).name: d for d in docs}
    for path in files:
        doc = by_name[path.name]
        plan = policyparse.parse(path)
        assert doc.text == plan.text == doc._.plan.text
        assert doc._.policyparse_unaligned == {}
        for group, item_id, item, extra in items(plan):
            span = next(s for s in doc.spans[group] if s.id_ == item_id)
            assert (span.start_char, span.end_char) == (item.source.start, item.source.end)
            assert span.label_ == LABELS[group] and span._.item == item
            for name in ("value", "unit", "deadline", "comparator", "metric", "as_of", "role",
                         "agency", "level", "number", "task_id"):
                assert getattr(span._, name) == extra.get(name, getattr(item, name, None))
    again = Doc(docs[0].vocab).from_bytes(docs[0].to_bytes())
    assert again._.plan == docs[0]._.plan


def test_a_fresh_process_reads_the_docbin(exported):
    """Extensions are registered by the reader, not by spaCy loading the entry point."""
    out, files = exported
    code = ("from policyparse.export.docbin import read_docbin\n"
            f"docs = list(read_docbin({str(out)!r}))\n"
            "print(len(docs), sum(len(d.spans['targets']) for d in docs),"
            " sum(len(d._.plan.targets) for d in docs),"
            " sum(s._.value is not None for d in docs for s in d.spans['targets']))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    n_targets = sum(len(policyparse.parse(p).targets) for p in files)
    assert r.stdout.split() == [str(len(files)), *[str(n_targets)] * 3]


def test_export_reports_bad_files_and_writes_the_rest(tmp_path, capsys):
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not a zip")
    out = tmp_path / "out.spacy"
    good = CORPUS / "seeds" / "001_8feaf3a5e4c88e3f.txt"
    assert main(["export", "--spacy", str(out), str(good), str(bad)]) == 2
    err = capsys.readouterr().err.splitlines()
    errors = [line for line in err if line.startswith("policyparse: error: ")]
    assert len(errors) == 1 and str(bad) in errors[0]
    assert "1 document(s)" in err[-1] and "1 failed" in err[-1]
    (doc,) = DocBin().from_disk(out).get_docs(spacy.blank("zh").vocab)
    assert doc._.plan.document.endswith(good.name)


def test_export_refuses_to_overwrite_an_input_and_needs_a_document(tmp_path, capsys):
    plan = tmp_path / "plan.txt"
    plan.write_text("一、目标\n到2025年达到5家。", encoding="utf-8")
    assert main(["export", "--spacy", str(plan), str(plan)]) == 2
    assert "refusing to write over an input" in capsys.readouterr().err
    assert plan.read_text(encoding="utf-8").startswith("一、目标")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main(["export", "--spacy", str(tmp_path / "x.spacy"), str(empty)]) == 2
    assert "nothing written" in capsys.readouterr().err and not (tmp_path / "x.spacy").exists()


def test_export_without_spacy_is_one_line(tmp_path):
    code = ("import sys; sys.modules['spacy'] = None\n"
            "from policyparse.cli import main\n"
            f"sys.exit(main(['export', '--spacy', {str(tmp_path / 'o.spacy')!r}, "
            f"{str(SEEDS[0])!r}]))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "pip install 'policyparse[spacy]'" in r.stderr and "Traceback" not in r.stderr
