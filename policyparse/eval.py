"""The gold scorer: precision, recall and F1 of a parse against ``corpora/gold``.

Matching follows ``corpora/GOLD.md``: a predicted item matches a gold item when the predicted
item's source text contains the gold quote (ignoring whitespace), or the two overlap by at least
90% (rapidfuzz partial ratio).  Matching is one-to-one (a maximum bipartite matching, so the
score does not depend on the order of items).  Gold is never edited to fit the code.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import regex
from rapidfuzz import fuzz

from .model import Finding, Plan

FORMS = ("txt", "html", "docx", "pdf")
# Where each form of a gold document lives, beside the gold folder.  Every document has txt, docx
# and pdf forms; html only where the original is a web page (a form a document lacks is skipped).
_FORM_DIRS = {"txt": "seeds", "html": "html", "docx": "docx", "pdf": "pdf"}
_OPTIONAL_FORMS = frozenset({"html"})
_WS = regex.compile(r"\s+")
FUZZY_THRESHOLD = 90


def squash(text: str) -> str:
    return _WS.sub("", text)


def quote_matches(quote: str, predicted: str) -> bool:
    q, p = squash(quote), squash(predicted)
    if not q or not p:
        return False
    if q in p:
        return True
    shorter, longer = (q, p) if len(q) <= len(p) else (p, q)
    # Partial ratio of a short fragment inside a long text is meaningless; demand comparable size.
    return len(shorter) >= 0.9 * len(q) and fuzz.partial_ratio(q, p) >= FUZZY_THRESHOLD


def match(gold: Sequence[str], predicted: Sequence[Sequence[str]]) -> dict[int, int]:
    """One-to-one matching of gold quotes to predicted items (each with one or more texts).

    Returns ``{gold_index: predicted_index}``, a maximum matching (Kuhn's algorithm)."""
    edges = [[j for j, texts in enumerate(predicted) if any(quote_matches(g, t) for t in texts)]
             for g in gold]
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in sorted(range(len(gold)), key=lambda k: len(edges[k])):
        augment(i, set())
    return {i: j for j, i in owner.items()}


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Accuracy:
    right: int = 0
    total: int = 0

    def add(self, other: Accuracy) -> None:
        self.right += other.right
        self.total += other.total

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 1.0

    def as_dict(self) -> dict:
        return {"right": self.right, "total": self.total, "accuracy": round(self.value, 4)}


@dataclass
class DocResult:
    document: str
    form: str
    scores: dict[str, Score] = field(default_factory=dict)
    accuracies: dict[str, Accuracy] = field(default_factory=dict)
    error: str | None = None


def _score_list(gold: list[dict], predicted: list, texts: Callable) -> tuple[Score, dict[int, int]]:
    pairs = match([g["quote"] for g in gold], [texts(p) for p in predicted])
    return Score(tp=len(pairs), fp=len(predicted) - len(pairs), fn=len(gold) - len(pairs)), pairs


def _same_number(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(b)))


def _owner_score(gold_tasks: list[dict], tasks: list, pairs: dict[int, int]) -> Score:
    def names(task_lead, task_resp) -> set[tuple[str, str]]:
        return {("lead", squash(n)) for n in task_lead} | {("resp", squash(n)) for n in task_resp}

    score = Score()
    matched_pred = set(pairs.values())
    for gi, g in enumerate(gold_tasks):
        want = names(g.get("lead", []), g.get("responsible", []))
        got = names(tasks[pairs[gi]].lead, tasks[pairs[gi]].responsible) if gi in pairs else set()
        score.tp += len(want & got)
        score.fn += len(want - got)
        score.fp += len(got - want)
    for pi, t in enumerate(tasks):
        if pi not in matched_pred:
            score.fp += len(t.lead) + len(t.responsible)
    return score


def finding_texts(f: Finding, plan: Plan | None) -> list[str]:
    """Texts a finding points at; residue removed from the text is matched by its raw text."""
    texts = [s.text for s in f.sources]
    if plan is not None:
        for d in plan.diagnostics:
            if d.source and any(s.start == d.source.start and s.end == d.source.end
                                for s in f.sources):
                texts.append(d.text)
    return texts


SCORED_CATEGORIES = frozenset({"placeholder", "editor-residue", "numbering", "conflict",
                               "table-text", "already-met", "unit", "arithmetic", "date"})


def score_defects(gold: list[dict], findings: Sequence[Finding], plan: Plan | None,
                  categories: frozenset[str] = SCORED_CATEGORIES) -> Score:
    """A finding matches a gold defect of the same rule when one of its texts matches a quote.

    Only findings of the gold's defect rules count: plan-quality suggestions (category
    ``quality``) are not defects and the gold does not annotate them."""
    findings = [f for f in findings if f.category in categories]
    score = Score()
    used: set[int] = set()
    for g in gold:
        hit = None
        for k, f in enumerate(findings):
            if k in used or f.category != g["rule"]:
                continue
            texts = finding_texts(f, plan)
            if any(quote_matches(q, t) for q in g["quotes"] for t in texts):
                hit = k
                break
        if hit is None:
            score.fn += 1
        else:
            used.add(hit)
            score.tp += 1
    score.fp = len(findings) - len(used)
    return score


META_FIELDS = ("title", "issuer", "issued", "region", "doc_type", "doc_number", "period.start",
               "period.end")


def _meta_value(meta: dict, key: str):
    for part in key.split("."):
        meta = (meta or {}).get(part)
    return squash(meta) if isinstance(meta, str) else meta


def score_plan(plan: Plan, gold: dict, form: str,
               findings: Sequence[Finding] | None = None) -> DocResult:
    r = DocResult(document=gold["document"], form=form)
    predicted_meta = plan.meta.model_dump()
    r.accuracies["meta"] = Accuracy(
        sum(_meta_value(predicted_meta, k) == _meta_value(gold["meta"], k) for k in META_FIELDS),
        len(META_FIELDS))
    s, pairs = _score_list(gold["headings"], plan.headings, lambda h: [h.source.text])
    r.scores["headings"] = s
    r.accuracies["heading_levels"] = Accuracy(
        sum(plan.headings[j].level == gold["headings"][i]["level"] for i, j in pairs.items()),
        len(gold["headings"]))
    r.accuracies["heading_labels"] = Accuracy(
        sum(squash(plan.headings[j].label) == squash(gold["headings"][i]["label"])
            for i, j in pairs.items()), len(pairs))
    s, pairs = _score_list(gold["tasks"], plan.tasks, lambda t: [t.source.text])
    r.scores["tasks"] = s
    r.scores["owners"] = _owner_score(gold["tasks"], plan.tasks, pairs)
    s, pairs = _score_list(gold["targets"], plan.targets, lambda t: [t.source.text])
    r.scores["targets"] = s
    r.accuracies["target_value_deadline"] = Accuracy(
        sum(_same_number(plan.targets[j].value, gold["targets"][i]["value"])
            and _same_number(plan.targets[j].value_max, gold["targets"][i].get("value_max"))
            and plan.targets[j].deadline == gold["targets"][i]["deadline"]
            for i, j in pairs.items()), len(pairs))
    s, pairs = _score_list(gold["facts"], plan.facts, lambda f: [f.source.text])
    r.scores["facts"] = s
    r.accuracies["fact_value_as_of"] = Accuracy(
        sum(_same_number(plan.facts[j].value, gold["facts"][i]["value"])
            and plan.facts[j].as_of == gold["facts"][i]["as_of"] for i, j in pairs.items()),
        len(pairs))
    if findings is not None:
        r.scores["defects"] = score_defects(gold.get("defects", []), findings, plan)
    return r


def form_path(gold_dir: Path, gold: dict, form: str) -> Path:
    stem = Path(gold["document"]).stem
    return gold_dir.parent / _FORM_DIRS[form] / f"{stem}.{form}"


def load_gold(gold_dir: Path) -> list[dict]:
    files = sorted(p for p in gold_dir.glob("*.gold.json"))
    if not files:
        raise FileNotFoundError(f"{gold_dir}: no *.gold.json files")
    return [json.loads(p.read_text(encoding="utf-8")) for p in files]


def evaluate(gold_dir: str | Path, forms: Iterable[str] = ("txt",), *, lint: bool = False,
             parser: Callable[[Path], Plan] | None = None) -> list[DocResult]:
    """Parse every gold document in each form and score it."""
    from .pipeline import parse

    gold_dir = Path(gold_dir)
    parser = parser or parse
    results = []
    texts: list[Plan] = []
    for gold in load_gold(gold_dir):
        for form in forms:
            path = form_path(gold_dir, gold, form)
            if form in _OPTIONAL_FORMS and not path.exists():
                continue
            try:
                plan = parser(path)
            except Exception as err:  # one broken form must not hide the others' scores
                results.append(DocResult(document=gold["document"], form=form,
                                         error=f"{type(err).__name__}: {err}"))
                continue
            findings = _lint(plan) if lint else None
            results.append(score_plan(plan, gold, form, findings))
            if form == "txt":
                texts.append(plan)
    cross = gold_dir / CROSS_DOCUMENT
    if lint and len(texts) > 1 and cross.is_file():
        results.append(score_cross_document(json.loads(cross.read_text(encoding="utf-8")), texts))
    return results


CROSS_DOCUMENT = "cross-document.json"
"""Defects between documents: scored when the txt forms of the gold are linted together."""


def score_cross_document(gold: list[dict], plans: Sequence[Plan]) -> DocResult:
    """The cross-document rules over all plans together, scored against the cross-document gold
    (its own row, form ``xdoc``, so that per-document totals stay per document)."""
    from .lint import lint_plans
    from .lint.registry import all_rules

    findings = lint_plans(plans, [r for r in all_rules() if r.cross_document])
    return DocResult(document="cross-document", form="xdoc", scores={
        "defects": score_defects(gold, findings, None, frozenset({"cross-document"}))})


def _lint(plan: Plan) -> list[Finding]:
    from .lint import lint_plan

    return lint_plan(plan)


def summarise(results: list[DocResult]) -> dict[str, dict]:
    """Micro-averaged totals per form."""
    out: dict[str, dict] = {}
    for r in results:
        form = out.setdefault(r.form, {"scores": {}, "accuracies": {}, "errors": 0})
        if r.error:
            form["errors"] += 1
            continue
        for k, s in r.scores.items():
            form["scores"].setdefault(k, Score()).add(s)
        for k, a in r.accuracies.items():
            form["accuracies"].setdefault(k, Accuracy()).add(a)
    return out


def to_json(results: list[DocResult]) -> dict:
    summary = summarise(results)
    return {
        "documents": [{"document": r.document, "form": r.form, "error": r.error,
                       "scores": {k: s.as_dict() for k, s in r.scores.items()},
                       "accuracies": {k: a.as_dict() for k, a in r.accuracies.items()}}
                      for r in results],
        "overall": {form: {"errors": v["errors"],
                           "scores": {k: s.as_dict() for k, s in v["scores"].items()},
                           "accuracies": {k: a.as_dict() for k, a in v["accuracies"].items()}}
                    for form, v in summary.items()},
    }


_ACC_TITLES = {"heading_levels": "levels", "target_value_deadline": "target-value",
               "fact_value_as_of": "fact-value", "meta": "meta"}


def to_text(results: list[DocResult]) -> str:
    """A table: one row per document and form, then the per-form totals (micro-averaged)."""
    lists = ["headings", "tasks", "owners", "targets", "facts", "defects"]
    accs = ["heading_levels", "target_value_deadline", "fact_value_as_of", "meta"]
    shown = [k for k in lists if any(k in r.scores for r in results)]
    names = [Path(r.document).stem for r in results]
    width = max([len(n) for n in names] + [len("document")]) + 2
    cols = shown + [_ACC_TITLES[a] for a in accs]
    cell = max(len(c) for c in cols) + 2
    head = f"{'document':<{width}}{'form':<6}" + "".join(f"{c:>{cell}}" for c in cols)
    lines = ["F1 per list (P/R and counts in --format json); accuracies on matched items", head,
             "-" * len(head)]

    def row(name: str, form: str, scores: dict, acc: dict) -> str:
        return f"{name:<{width}}{form:<6}" + "".join(
            f"{scores[k].f1:>{cell}.3f}" if k in scores else f"{'-':>{cell}}" for k in shown) + \
            "".join(f"{acc[a].value:>{cell}.3f}" if a in acc else f"{'-':>{cell}}" for a in accs)

    for name, r in zip(names, results):
        lines.append(f"{name:<{width}}{r.form:<6}ERROR {r.error}" if r.error
                     else row(name, r.form, r.scores, r.accuracies))
    lines.append("-" * len(head))
    for form, v in summarise(results).items():
        lines.append(row("ALL", form, v["scores"], v["accuracies"]) +
                     (f"  ({v['errors']} errors)" if v["errors"] else ""))
    return "\n".join(lines)
