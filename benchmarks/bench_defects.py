"""Defect-injection benchmark of the linter (run on demand; prints figures).

Every corpus document with gold (corpora/seeds) and every unlabelled one (corpora/unlabelled, txt
and html) is copied many times with exactly one known defect written into the copy by an operator
of benchmarks/defects (several per category, phrasings in phrasings.toml; no code or word list
shared with the linter).  A defect is *detected* when the linter reports a new finding (one the
clean copy lacks, compared by code and text) of the injected category whose sources cover the
injected text; every other new warning or error is a *new false finding*.  Also printed: the
warnings and errors on the clean published documents (unlabelled ones and gold documents whose gold
lists no defect), by rule, with export residue shown apart.

    python benchmarks/bench_defects.py [--per-doc 3] [--seed 0] [--category date] [--json out.json]
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from defects.operators import OPERATORS, Injection  # noqa: E402

from policyparse import parse  # noqa: E402
from policyparse.lint import lint_plan  # noqa: E402
from policyparse.model import Finding  # noqa: E402

CORPORA = ROOT / "corpora"
# Editor-residue rules whose findings are web or export furniture (scraper and converter
# leftovers, not an editor's oversight); reported apart from the published-document average.
EXPORT_RESIDUE = ("ER003", "ER004", "ER007", "ER008", "ER009")
SHOWN_MISSES = 8


def documents() -> list[Path]:
    paths = sorted((CORPORA / "seeds").glob("*.txt"))
    paths += sorted(p for p in (CORPORA / "unlabelled").iterdir() if p.suffix in (".txt", ".html"))
    return paths


def clean_published() -> list[Path]:
    """Unlabelled documents and gold documents whose gold lists no defect."""
    out = []
    for p in sorted((CORPORA / "gold").glob("*.gold.json")):
        gold = json.loads(p.read_text(encoding="utf-8"))
        if "document" in gold and not gold.get("defects"):
            out.append(CORPORA / "seeds" / (Path(gold["document"]).stem + ".txt"))
    return out + [p for p in documents() if p.parent.name == "unlabelled"]


def _key(f: Finding) -> tuple:
    return f.code, tuple("".join(s.text.split()) for s in f.sources)


def _serious(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity in ("warning", "error")]


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The injected span widened to its sentence or line (a finding may cite either)."""
    lo = max(text.rfind(c, 0, start) for c in "。；！？\n") + 1
    his = [i for i in (text.find(c, end) for c in "。；！？\n") if i >= 0]
    return lo, min(his, default=len(text))


class Source:
    """A document's own text (a .txt file as it is, so its layout and tables survive; the text
    of an .html page) and where each character of the parsed ``plan.text`` sits in it."""

    def __init__(self, path: Path):
        self.name = path.name
        self.text = path.read_text(encoding="utf-8") if path.suffix == ".txt" else parse(path).text
        self.plan = parse(self.text, name=self.name)
        self.pos = [0] * (len(self.plan.text) + 1)
        self.pos[-1] = len(self.text)
        matcher = difflib.SequenceMatcher(None, self.plan.text, self.text, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            for i in range(i1, i2):  # normalised whitespace maps to where it was
                self.pos[i] = j1 + (i - i1 if op == "equal" or i2 - i1 == j2 - j1 else 0)

    def _span(self, start: int, end: int) -> tuple[int, int]:
        if start == end:   # an insertion goes right after the preceding character
            at = self.pos[start - 1] + 1 if start else 0
            return at, at
        return self.pos[start], self.pos[end - 1] + 1

    def apply(self, inj: Injection) -> str:
        """The document's own text with the injection's edits made."""
        out, last = [], 0
        for start, end, new in inj.edits:
            s, e = self._span(start, end)
            out += [self.text[last:s], new]
            last = e
        return "".join(out + [self.text[last:]])


def defect_spans(inj: Injection) -> list[tuple[int, int]]:
    """Where the defect sits in the parsed injected copy (findings point into parsed text):
    the edits and the marks, moved by the edits before them."""
    spans, shifts = [], []
    for start, end, new in inj.edits:
        moved = sum(d for _, d in shifts)
        spans.append((start + moved, start + moved + len(new)))
        shifts.append((start, len(new) - (end - start)))
    for start, end in inj.marks:
        moved = sum(d for at, d in shifts if at <= start)
        spans.append((start + moved, end + moved))
    return spans


def judge(src: Source, inj: Injection, category: str, known: set) -> tuple[bool, list[Finding]]:
    """Whether the linter caught the injected defect, and its new false findings."""
    plan = parse(src.apply(inj), name=src.name)
    new = [f for f in _serious(lint_plan(plan)) if _key(f) not in known]
    zones = [_sentence(plan.text, s, e) for s, e in defect_spans(inj)]

    def covers(f: Finding) -> bool:
        return any(s.start < hi and s.end > lo for s in f.sources for lo, hi in zones)
    hit = any(f.category == category and covers(f) for f in new)
    return hit, [f for f in new if not covers(f)]


def run_injections(args) -> dict:
    rng = random.Random(args.seed)
    stats = {c: Counter() for c in OPERATORS}
    by_op: dict[str, Counter] = defaultdict(Counter)
    misses: dict[str, list[dict]] = defaultdict(list)
    false_rules: Counter = Counter()
    false_examples: list[dict] = []
    categories = [c for c in OPERATORS if not args.category or c in args.category]
    for path in documents():
        src = Source(path)
        plan = src.plan
        known = {_key(f) for f in lint_plan(plan)}
        for category in categories:
            for _ in range(args.per_doc):
                ops = OPERATORS[category][:]
                rng.shuffle(ops)
                inj = next((i for op in ops if (i := op(plan, rng)) is not None), None)
                if inj is None:
                    continue
                hit, false = judge(src, inj, category, known)
                s = stats[category]
                s["injected"] += 1
                s["detected"] += hit
                s["false"] += len(false)
                by_op[inj.operator]["injected"] += 1
                by_op[inj.operator]["detected"] += hit
                false_rules.update(f.code for f in false)
                false_examples += [{"document": path.name, "operator": inj.operator, "code": f.code,
                                    "at": f.sources[0].text[:50] if f.sources else ""}
                                   for f in false]
                if not hit:
                    misses[category].append({"document": path.name, "operator": inj.operator,
                                             "snippet": inj.snippet[:90],
                                             "false": [f.code for f in false]})
    return {"categories": {c: dict(stats[c]) for c in categories},
            "operators": {k: dict(v) for k, v in sorted(by_op.items())},
            "false_by_rule": dict(false_rules.most_common()), "false_examples": false_examples,
            "misses": misses}


def published_findings() -> dict:
    rows = {}
    for path in clean_published():
        rows[path.name] = dict(Counter(f.code for f in _serious(lint_plan(parse(path)))))
    n = max(1, len(rows))
    total = sum(sum(r.values()) for r in rows.values())
    export = sum(v for r in rows.values() for k, v in r.items() if k in EXPORT_RESIDUE)
    return {"documents": rows, "per_document": total / n,
            "per_document_outside_export_residue": (total - export) / n,
            "export_residue_per_document": export / n}


def _rate(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "  -"


def _varied(misses: list[dict]) -> list[dict]:
    """Misses taken in turn from each operator, each document's first miss before its second,
    so the few shown are not all alike."""
    seen: Counter = Counter()
    queues: dict[str, list[tuple[int, dict]]] = defaultdict(list)
    for m in misses:
        seen[m["operator"], m["document"]] += 1
        queues[m["operator"]].append((seen[m["operator"], m["document"]], m))
    for q in queues.values():
        q.sort(key=lambda rank_miss: rank_miss[0])
    out = []
    while any(queues.values()):
        out += [q.pop(0)[1] for q in queues.values() if q]
    return out


def print_report(inj: dict, pub: dict) -> None:
    print(f"{'category':<16}{'injected':>9}{'detected':>9}{'rate':>7}{'false/inj':>10}")
    tot = Counter()
    for c, s in inj["categories"].items():
        tot.update(s)
        n = s.get("injected", 0)
        print(f"{c:<16}{n:>9}{s.get('detected', 0):>9}{_rate(s.get('detected', 0), n):>7}"
              f"{_rate(s.get('false', 0), n):>10}")
    print(f"{'ALL':<16}{tot['injected']:>9}{tot['detected']:>9}"
          f"{_rate(tot['detected'], tot['injected']):>7}{_rate(tot['false'], tot['injected']):>10}")
    print("\nby operator:")
    for op, s in inj["operators"].items():
        print(f"  {op:<28}{s['injected']:>5}{s['detected']:>5}{_rate(s['detected'], s['injected']):>7}")
    if inj["false_by_rule"]:
        print("\nnew false findings by rule:", ", ".join(f"{k} {v}" for k, v in
                                                      inj["false_by_rule"].items()))
    for f in inj["false_examples"][:SHOWN_MISSES]:
        print(f"  {f['document'][:34]:<35}{f['operator']:<26}{f['code']} {f['at']!r}")
    for c, ms in inj["misses"].items():
        print(f"\nmissed {c} ({len(ms)}):")
        for m in _varied(ms)[:SHOWN_MISSES]:
            print(f"  {m['document'][:34]:<35}{m['operator']:<26}{m['snippet']!r}")
    print("\nwarnings+errors on clean published documents (export residue: "
          f"{', '.join(EXPORT_RESIDUE)}):")
    for doc, rules in pub["documents"].items():
        listed = ", ".join(f"{k}×{v}" for k, v in sorted(rules.items())) or "-"
        print(f"  {doc[:42]:<43}{sum(rules.values()):>3}  {listed}")
    print(f"  per document: {pub['per_document']:.2f}; outside export residue: "
          f"{pub['per_document_outside_export_residue']:.2f}; export residue: "
          f"{pub['export_residue_per_document']:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-doc", type=int, default=3, help="injections per category per document")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--category", action="append", choices=list(OPERATORS),
                    help="only this category (repeatable)")
    ap.add_argument("--json", metavar="PATH", help="also write the figures as JSON ('-': stdout)")
    args = ap.parse_args()
    inj, pub = run_injections(args), published_findings()
    if args.json == "-":
        print(json.dumps({"injection": inj, "published": pub}, ensure_ascii=False, indent=1))
        return
    print_report(inj, pub)
    if args.json:
        Path(args.json).write_text(json.dumps({"injection": inj, "published": pub},
                                              ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
