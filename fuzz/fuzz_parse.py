"""Coverage-guided fuzzing of parse + lint with atheris (run on demand, not in CI).

    pip install atheris
    python fuzz/fuzz_parse.py -max_total_time=300 fuzz/corpus      # grows fuzz/corpus/
    python fuzz/fuzz_parse.py -runs=0 fuzz/corpus/<crash-file>      # replays one input

Seeds: the first run copies small slices of the bundled corpus (txt, docx, pdf) into the corpus
directory.  Any bytes must give a Plan whose spans index its text exactly, or a
PolicyParseError; anything else (an uncaught exception, a wrong span) is a crash that libFuzzer
saves as crash-<hash>.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

with atheris.instrument_imports():
    import policyparse
    from policyparse.errors import PolicyParseError

ROOT = Path(__file__).resolve().parent.parent


def check(data: bytes) -> None:
    try:
        plan = policyparse.parse(data, name="fuzz", timeout=20)
        findings = policyparse.lint(plan)
    except PolicyParseError:
        return
    for block in plan.blocks:
        assert 0 <= block.start <= block.end <= len(plan.text)
    for item in [*plan.headings, *plan.tasks, *plan.targets, *plan.facts]:
        s = item.source
        assert plan.text[s.start:s.end] == s.text, (s.start, s.end, s.text)
    for f in findings:
        for s in f.sources:
            assert plan.text[s.start:s.end] == s.text, (f.code, s.start, s.end)


def seed(corpus: Path) -> None:
    """Small real inputs to start from (libFuzzer caps input size; whole files stay whole)."""
    corpus.mkdir(parents=True, exist_ok=True)
    if any(corpus.iterdir()):
        return
    for path in sorted((ROOT / "corpora").glob("*/*")):
        if path.suffix in (".txt", ".docx", ".pdf"):
            data = path.read_bytes()
            (corpus / f"seed-{path.name}").write_bytes(data if path.suffix != ".txt"
                                                       else data[:4000])


def main() -> None:
    # Directories are corpora to grow (seeded when new); a file is an input to replay.
    dirs = [Path(a) for a in sys.argv[1:] if not a.startswith("-") and not Path(a).is_file()]
    for d in dirs:
        seed(d)
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
