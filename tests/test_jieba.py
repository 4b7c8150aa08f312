"""The project's vocabulary as a jieba user dictionary (``policyparse vocab --jieba``)."""

from __future__ import annotations

import re
import subprocess
import sys

import jieba
import pytest

import policyparse
from policyparse.cli import main
from policyparse.data import load as load_data
from policyparse.text.words import cut
from policyparse.vocab import entries

from conftest import CORPUS

PLANS = sorted((CORPUS / "seeds").glob("*.txt")) + sorted((CORPUS / "unlabelled").glob("*.txt"))
# jieba's own reading of a user dictionary line (jieba/__init__.py, re_userdict)
USERDICT_LINE = re.compile(r"^(.+?)( [0-9]+)?( [a-z]+)?$")


@pytest.fixture(scope="module")
def userdict(tmp_path_factory):
    out = tmp_path_factory.mktemp("vocab") / "policy.dict"
    assert main(["vocab", "--jieba", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def users_jieba(userdict):
    """A plain jieba tokenizer, as a user has it, with the exported dictionary loaded."""
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(userdict))
    return tokenizer


def test_dictionary_lines_are_word_freq_tag(userdict, capsys):
    lines = userdict.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(entries()) and len(set(lines)) == len(lines)
    for line in lines:
        word, freq, tag = USERDICT_LINE.match(line).groups()
        assert word and int(freq) >= 1 and tag.strip() in ("nt", "n", "q", "v")
    assert main(["vocab", "--jieba"]) == 0  # to stdout: the same dictionary
    assert capsys.readouterr().out.splitlines() == lines


def test_dictionary_holds_the_agency_names(userdict):
    words = {line.split()[0]: line.split()[2] for line in userdict.read_text("utf-8").splitlines()}
    for agency in load_data("agencies.toml")["agency"]:
        for name in (agency["name"], *agency.get("aliases", ())):
            if re.fullmatch(r"\w{2,}", name):
                assert words.get(name) == "nt", name


def test_users_jieba_cuts_policy_text_as_policyparse_does(users_jieba):
    phrase = "市发展改革委牵头，市市场监管局配合"
    assert users_jieba.lcut(phrase) == ["市", "发展改革委", "牵头", "，", "市", "市场监管局", "配合"]
    assert jieba.Tokenizer().lcut(phrase)[:4] == ["市", "发展", "改革", "委"]  # jieba alone
    for path in PLANS[:4]:
        text = policyparse.parse(path).text
        assert users_jieba.lcut(text) == cut(text)


def test_owner_names_fall_on_word_boundaries(users_jieba):
    """Every owner name of the corpus starts and ends between two words with the dictionary;
    jieba's own dictionary merges some into their neighbours (由市…)."""

    def misses(tokenizer) -> int:
        n = 0
        for path in PLANS:
            plan = policyparse.parse(path)
            at, edges = 0, {0}
            for word in tokenizer.cut(plan.text):
                at += len(word)
                edges.add(at)
            n += sum(o.source.start not in edges or o.source.end not in edges
                     for t in plan.tasks for o in t.owners)
        return n

    assert misses(users_jieba) == 0
    assert misses(jieba.Tokenizer()) > 0


def test_vocab_without_jieba_is_one_line(tmp_path):
    code = ("import sys; sys.modules['jieba'] = None\n"
            "from policyparse.cli import main\n"
            f"sys.exit(main(['vocab', '--jieba', {str(tmp_path / 'd.txt')!r}]))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip() == ("policyparse: error: jieba is not installed: "
                                "pip install 'policyparse[jieba]'")
    assert not (tmp_path / "d.txt").exists()


def test_vocab_cannot_write_is_one_line(tmp_path, capsys):
    assert main(["vocab", "--jieba", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(tmp_path) in err[0] and "cannot write" in err[0]
