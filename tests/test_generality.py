"""No document-specific knowledge in the package: nothing copied from a corpus document.

The parser must work on documents nobody here has seen, so ``policyparse/`` (code, docstrings,
comments and data) may not quote the corpus:

* a run of 8 or more Han characters any 8-character window of which occurs in a corpus text is a
  leak (a docstring example quoting a corpus line, a word-list entry tuned to one sentence);
* a county- or city-level place name of the gazetteer that occurs in a corpus text is a leak
  (examples use 某县, 某市, 示例区 instead).

Excluded are the registries of public names, which list what any document of the field may say:
the gazetteer ``data/regions.tsv``, the agency registry ``data/agencies.toml`` and the indicator
vocabulary ``data/metrics.toml`` (standard indicator names such as 每万人口发明专利拥有量 recur in
every plan). Tests are outside ``policyparse/`` and may quote the corpus freely.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path

import pytest
import regex

from conftest import CORPUS, ROOT

PACKAGE = ROOT / "policyparse"
CORPUS_DIRS = ("seeds", "unlabelled", "html")
SCANNED_SUFFIXES = {".py", ".toml", ".json", ".tsv"}
REGISTRIES = {PACKAGE / "data" / name for name in ("regions.tsv", "agencies.toml", "metrics.toml")}
GAZETTEER = PACKAGE / "data" / "regions.tsv"

# The shortest quotation that counts as copied: shorter runs (专利密集型产业) are ordinary terms.
PHRASE_MIN = 8
PLACE_ENDINGS = tuple("市县区旗州盟")
PLACE_MIN = 3
HAN_RUN = regex.compile(rf"\p{{Han}}{{{PHRASE_MIN},}}")


def _decode(data: bytes) -> str:
    """UTF-8, or GB18030 for the GBK pages some sites still serve."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="ignore")


@cache
def corpus_texts() -> dict[str, str]:
    """Every corpus text by its path relative to the repository (HTML entities resolved)."""
    texts = {}
    for name in CORPUS_DIRS:
        for path in sorted((CORPUS / name).rglob("*")):
            if path.is_file():
                texts[path.relative_to(ROOT).as_posix()] = html.unescape(_decode(path.read_bytes()))
    return texts


@cache
def corpus_grams() -> dict[str, tuple[str, int]]:
    """Each 8-character Han window of the corpus → where it first occurs (file, line)."""
    grams: dict[str, tuple[str, int]] = {}
    for name, text in corpus_texts().items():
        for m in HAN_RUN.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            run = m.group()
            for i in range(len(run) - PHRASE_MIN + 1):
                grams.setdefault(run[i:i + PHRASE_MIN], (name, line))
    return grams


def package_files() -> list[Path]:
    """The package's code and data files, registries of public names left out."""
    return sorted(p for p in PACKAGE.rglob("*")
                  if p.suffix in SCANNED_SUFFIXES and p.is_file() and p not in REGISTRIES)


@cache
def corpus_places() -> dict[str, str]:
    """Gazetteer names of cities and counties that a corpus text mentions → that text."""
    rows = [row.split("\t")[:2] for row in GAZETTEER.read_text(encoding="utf-8").splitlines()
            if row.strip() and not row.startswith("#")]
    # Provinces (and the four municipalities, which are provinces too) belong to no one document.
    provinces = {name for code, name in rows if code.endswith("0000")}
    names = {name for _, name in rows if len(name) >= PLACE_MIN
             and name.endswith(PLACE_ENDINGS) and name not in provinces}
    # A name can only occur where its first three characters do: a set lookup spares most scans.
    heads = {text[i:i + PLACE_MIN] for text in corpus_texts().values()
             for i in range(len(text) - PLACE_MIN + 1)}
    places = {}
    for name in sorted(names):
        doc = name[:PLACE_MIN] in heads and next(
            (doc for doc, text in corpus_texts().items() if name in text), None)
        if doc:
            places[name] = doc
    return places


def _where(path: Path, text: str, start: int) -> str:
    return f"{path.relative_to(ROOT).as_posix()}:{text.count(chr(10), 0, start) + 1}"


def test_corpus_is_readable():
    """The check is only as good as its corpus: every directory is there and decodes to Han text."""
    texts = corpus_texts()
    for name in CORPUS_DIRS:
        assert any(doc.startswith(f"corpora/{name}/") for doc in texts), f"corpora/{name} is empty"
    assert all(HAN_RUN.search(text) for text in texts.values())
    assert "每万人口发明专利" in corpus_grams()


def test_no_corpus_phrases_in_package():
    """No 8-character window of a Han run in the package (registries aside) is a corpus one."""
    grams = corpus_grams()
    leaks = []
    for path in package_files():
        text = path.read_text(encoding="utf-8")
        for m in HAN_RUN.finditer(text):
            run = m.group()
            hit = next((run[i:i + PHRASE_MIN] for i in range(len(run) - PHRASE_MIN + 1)
                        if run[i:i + PHRASE_MIN] in grams), None)
            if hit:
                doc, line = grams[hit]
                leaks.append(f"{_where(path, text, m.start())}: {run} (…{hit}… in {doc}:{line})")
    if leaks:
        pytest.fail("phrases copied from the corpus; use invented examples (某县, 某市) or move "
                    "general vocabulary, shortened, to a data word list:\n" + "\n".join(leaks))


def test_no_corpus_places_in_package():
    """No city or county the corpus names is named in the package (registries aside)."""
    places = corpus_places()
    assert places, "no gazetteer place occurs in the corpus: the gazetteer or corpus did not load"
    pattern = regex.compile("|".join(map(regex.escape, sorted(places, key=len, reverse=True))))
    leaks = []
    for path in package_files():
        text = path.read_text(encoding="utf-8")
        for m in pattern.finditer(text):
            leaks.append(f"{_where(path, text, m.start())}: {m.group()} (in {places[m.group()]})")
    if leaks:
        pytest.fail("place names from the corpus; use 某县, 某市, 示例区 instead:\n" + "\n".join(leaks))
