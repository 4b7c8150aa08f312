"""What jieba costs and what it would change (run on demand; prints figures, asserts nothing).

1. Start-up, each step in a fresh process, best of ``--repeat``: policyparse's import and first
   parse (for comparison); jieba's own tokenizer (import + dictionary, from jieba's cache file);
   policyparse's tokenizer with the project's vocabulary
   (:func:`policyparse.text.words.segmenter`); a blank spaCy ``zh`` pipeline with jieba and the
   ``policyparse`` component.
2. Per document (txt and html plans of ``corpora/seeds`` and ``corpora/unlabelled``), best of
   ``--repeat``: the parse, cutting its text with jieba alone and with the vocabulary, and the
   spaCy pipeline with the component.
3. Token alignment: the share of the plans' item spans whose both edges fall on word boundaries,
   with jieba's dictionary alone and with the project's vocabulary added.
4. Metric names: every target and fact of every corpus document (seeds, docx, pdf, html,
   unlabelled) parsed as is and with the change proposed for ``policyparse/extract/metrics.py``
   — a lead word (其中, 对, 有 …) is stripped from a metric phrase, and a tail word (达到, 超 …)
   from its end, only where jieba puts a word boundary — in several variants, simulated by
   wrapping ``metrics._strip_start`` and ``metrics._stripped``.  For each: the metrics that
   change, exact metric names against the gold (txt), and ``eval``'s target and fact counts.

    python benchmarks/bench_jieba.py [--repeat 3] [--skip-metrics]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import policyparse  # noqa: E402
from policyparse.data import load as load_data  # noqa: E402
from policyparse.eval import evaluate, form_path, load_gold, match, squash, summarise  # noqa: E402
from policyparse.extract import metrics  # noqa: E402
from policyparse.text.words import boundaries, quiet_jieba, segmenter  # noqa: E402

CORPUS = ROOT / "corpora"
STARTUP = {
    "policyparse: import + parse of a two-line plan":
        "import policyparse; policyparse.parse('一、目标\\n到2025年达到5家。')",
    "jieba alone (import + dictionary)":
        "import jieba, logging; jieba.setLogLevel(logging.WARNING); jieba.initialize()",
    "policyparse tokenizer (jieba + vocabulary)":
        "from policyparse.text.words import segmenter; segmenter()",
    "spaCy zh + jieba + component":
        "from policyparse.integrations.spacy import blank; blank().add_pipe('policyparse')",
}
_CHILD = """
import sys, time
sys.path.insert(0, {root!r})
t = time.perf_counter()
{step}
print(time.perf_counter() - t)
"""


def startup(repeat: int) -> None:
    print("start-up, fresh process each, best of", repeat)
    for name, step in STARTUP.items():
        runs = []
        for _ in range(repeat):
            code = _CHILD.format(root=str(ROOT), step=step)
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True).stdout
            runs.append(float(out.split()[-1]))
        print(f"  {name:<48} {1000 * min(runs):8.0f} ms")


def _best(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return 1000 * best


def _plan_files() -> list[Path]:
    return sorted(p for d in ("seeds", "unlabelled") for p in (CORPUS / d).iterdir()
                  if p.suffix in (".txt", ".html"))


def per_document(repeat: int) -> None:
    import jieba

    from policyparse.integrations.spacy import blank

    with quiet_jieba():
        jieba.initialize()
    ours = segmenter()
    nlp = blank()
    nlp.add_pipe("policyparse")
    rows = []
    for path in _plan_files():
        plan = policyparse.parse(path)
        text = plan.text
        rows.append((len(text), _best(lambda: policyparse.parse(path), repeat),
                     _best(lambda: list(jieba.cut(text)), repeat),
                     _best(lambda: list(ours.cut(text)), repeat),
                     _best(lambda: nlp(text), repeat)))
    chars = sum(r[0] for r in rows)
    print(f"\nper document ({len(rows)} plans, {chars / len(rows):,.0f} characters on average), "
          f"best of {repeat}: median ms, and ms per 10,000 characters")
    for k, name in enumerate(("parse", "jieba cut, its dictionary", "jieba cut, + vocabulary",
                              "spaCy zh jieba + policyparse component"), 1):
        total = sum(r[k] for r in rows)
        print(f"  {name:<48} {statistics.median(r[k] for r in rows):8.1f} "
              f"{10000 * total / chars:8.1f}")


def token_alignment() -> None:
    import jieba

    from policyparse.integrations.spacy import items

    def edges(cut: Callable[[str], list[str]], text: str) -> set[int]:
        at, out = 0, {0}
        for word in cut(text):
            at += len(word)
            out.add(at)
        return out

    counts: dict[tuple[str, str], list[int]] = {}
    for path in _plan_files():
        plan = policyparse.parse(path)
        cuts = {"jieba's dictionary": edges(jieba.lcut, plan.text),
                "+ vocabulary": set(boundaries(plan.text))}
        for group, _, item, _ in items(plan):
            for name, found in cuts.items():
                c = counts.setdefault((group, name), [0, 0])
                c[0] += 1
                c[1] += item.source.start in found and item.source.end in found
    print("\nitem spans with both edges on word boundaries (spaCy strict alignment)")
    for (group, name), (n, ok) in counts.items():
        print(f"  {group:<9} {name:<20} {ok:5}/{n:<5} {ok / n:7.1%}")


# --- 4. metric names -------------------------------------------------------------------------

@lru_cache(maxsize=8192)
def _edges(words: str) -> frozenset[int]:
    return boundaries(words)


def _at_word(words: str, pos: int) -> bool:
    return pos <= 0 or pos >= len(words) or pos in _edges(words)


def _strip_start(one_char_only: bool) -> Callable:
    def strip_start(words: str, patterns: tuple) -> str:
        for p in patterns:
            m = p.match(words)
            if m and (one_char_only and m.end() > 1 or _at_word(words, m.end())):
                return words[m.end():].lstrip(metrics._PUNCT)
        return words
    return strip_start


def _stripped(strip_start: Callable, tail_at_word: bool) -> Callable:
    def stripped(words: str, starts: tuple) -> str:
        tail = metrics.vocabulary().tail
        while True:
            cut = strip_start(words, starts)
            m = tail.search(cut)
            if m and (not tail_at_word or _at_word(cut, m.start())):
                cut = cut[:m.start()]
            cut = cut.strip(metrics._PUNCT)
            if cut == words:
                return words
            words = cut
    return stripped


# name → (lookaheads of 有/对 dropped from [phrase].lead, jieba for: None, "lead", "lead+tail",
# "one-character lead words")
VARIANTS = {
    "as is": (False, None),
    "jieba boundary for lead and tail words": (False, "lead+tail"),
    "jieba boundary for lead words": (False, "lead"),
    "lookaheads dropped, no jieba": (True, None),
    "lookaheads dropped, jieba for one-character lead words": (True, "one-char"),
}
_ORIGINAL = metrics._strip_start, metrics._stripped


def _use(variant: str, lead: list[str], lead0: list[str]) -> None:
    no_lookahead, jieba_for = VARIANTS[variant]
    lead[:] = [w.split("(?")[0] if no_lookahead and w[:2] in ("有(", "对(") else w for w in lead0]
    if jieba_for is None:
        metrics._strip_start, metrics._stripped = _ORIGINAL
    else:
        start = _strip_start(jieba_for == "one-char")
        metrics._strip_start = start
        metrics._stripped = _stripped(start, jieba_for == "lead+tail")
    for cached in (metrics.metric_key, metrics.vocabulary, metrics._subjects):
        cached.cache_clear()


def metric_names() -> None:
    files = sorted(p for d in ("seeds", "docx", "pdf", "html", "unlabelled")
                   for p in (CORPUS / d).iterdir() if p.is_file())
    gold = load_gold(CORPUS / "gold")
    lead = load_data("metrics.toml")["phrase"]["lead"]
    lead0 = list(lead)
    segmenter()
    named = {(Path(g["document"]).stem, squash(x["quote"])): x["metric"]
             for g in gold for key in ("targets", "facts") for x in g[key]}
    results: dict[str, dict] = {}
    print(f"\nmetric names: {len(files)} corpus files; gold names on txt")
    for variant in VARIANTS:
        _use(variant, lead, lead0)
        found = {}
        for path in files:
            plan = policyparse.parse(path)
            for item in (*plan.targets, *plan.facts):
                found[(path.stem, path.parent.name, item.id, squash(item.source.text))] = \
                    item.metric
        right = total = 0
        for g in gold:
            plan = policyparse.parse(form_path(CORPUS / "gold", g, "txt"))
            for key, predicted in (("targets", plan.targets), ("facts", plan.facts)):
                pairs = match([x["quote"] for x in g[key]], [[p.source.text] for p in predicted])
                total += len(pairs)
                right += sum(predicted[j].metric == g[key][i]["metric"] for i, j in pairs.items())
        scores = summarise(evaluate(CORPUS / "gold", ["txt"]))["txt"]["scores"]
        counts = "  ".join(f"{k} tp/fp/fn {s.tp}/{s.fp}/{s.fn}" for k, s in scores.items()
                           if k in ("targets", "facts"))
        results[variant] = found
        print(f"  {variant:<56} {len(found)} items; gold names exact {right}/{total}; "
              f"eval {counts}")
    _use("as is", lead, lead0)
    base = results["as is"]
    for variant, found in results.items():
        if variant == "as is":
            continue
        changed = sorted({(k[0], k[3], base[k], found.get(k)) for k in base
                          if found.get(k) != base[k]})
        print(f"\n  {variant}: {sum(found.get(k) != base[k] for k in base)} metric(s) change "
              f"({len(changed)} distinct per document):")
        for stem, quote, before, after in changed:
            gold_name = named.get((stem, quote))
            print(f"    {stem}: {before} → {after}"
                  + (f"   (gold: {gold_name})" if gold_name else ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-metrics", action="store_true", help="leave out part 4 (slow)")
    args = ap.parse_args()
    startup(args.repeat)
    per_document(args.repeat)
    token_alignment()
    if not args.skip_metrics:
        metric_names()


if __name__ == "__main__":
    main()
