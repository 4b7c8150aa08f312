"""Review report: one self-contained HTML page an editor can open from a mail attachment.

Each document's text is shown with its tasks, targets, owners and findings highlighted as
``<mark>`` spans taken from the Plan's spans, next to side tables of tasks, targets by metric and
findings by severity that link to the marks (and back: clicking a mark flashes its row).  The
page carries its CSS and a little vanilla JS inline and refers to nothing outside itself; every
piece of document text is escaped, so a plan containing ``<script>`` stays text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape as _html_escape
from itertools import groupby

from ..model import Block, Finding, Plan, Span, Target
from . import location, visible
from ..text.excerpts import excerpt


def escape(text: str) -> str:
    """HTML-escaped, with invisible controls shown (:func:`..report.visible`)."""
    return _html_escape(visible(text))

KINDS = {"task": "任务 task", "target": "目标 target", "owner": "单位 owner",
         "finding": "问题 finding"}
SEVERITIES = {"error": "错误 error", "warning": "警告 warning", "info": "提示 info"}
_RANK = {kind: i for i, kind in enumerate(KINDS)}  # among equal spans: task outermost, finding in


@dataclass(frozen=True)
class Mark:
    """A highlight: ``ref`` is its id (on the first fragment; every fragment carries it as
    ``data-m``), ``row`` the id of the side-table row it stands for."""

    start: int
    end: int
    kind: str
    ref: str
    row: str
    title: str
    severity: str | None = None


def render(plans: Sequence[Plan], findings: Sequence[Finding]) -> str:
    """The whole report for ``plans`` (one section each) and the findings about them."""
    index = {plan.document: i for i, plan in enumerate(plans)}
    marks: list[list[Mark]] = [_item_marks(i, plan) for i, plan in enumerate(plans)]
    mine: list[list[tuple[int, Finding]]] = [[] for _ in plans]
    others: dict[int, list[str]] = {}  # finding number → links into the documents it cites
    for n, f in enumerate(findings):
        if f.document not in index:
            continue
        mine[index[f.document]].append((n, f))
        marks[index[f.document]] += _finding_marks(n, f, f.sources, f"f{n}-")
        for j, spans in _elsewhere(f, index):
            marks[j] += _finding_marks(n, f, spans, f"f{n}-x{j}-")
            others.setdefault(n, []).extend(
                _link(f"f{n}-x{j}-{k}", plans[j], s, other=True) for k, s in enumerate(spans))
    sections = [_section(i, plan, marks[i], mine[i], others) for i, plan in enumerate(plans)]
    switcher = "".join(f'<button type="button" data-doc="d{i}">{escape(_title(p))}</button>'
                       for i, p in enumerate(plans))
    filters = "".join(_checkbox(k, label, "k") for k, label in KINDS.items())
    filters += "".join(_checkbox(s, label, "sev") for s, label in SEVERITIES.items())
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(' · '.join(_title(p) for p in plans))} — policyparse</title>"
            f"<style>{_CSS}</style></head>\n<body>"
            f'<header class="bar"><nav class="docs">{switcher}</nav>'
            f'<div class="filters">{filters}</div></header>\n<main>{"".join(sections)}</main>'
            f"<script>{_JS}</script></body></html>\n")


def _checkbox(key: str, label: str, group: str) -> str:
    return (f'<label class="legend {group}-{key}"><input type="checkbox" checked '
            f'data-hide="{group}-{key}"><span class="swatch"></span>{escape(label)} '
            f'<span class="n" data-n="{group}-{key}"></span></label>')


def _title(plan: Plan) -> str:
    return plan.meta.title or plan.document


# --- what is highlighted ---------------------------------------------------------------------

def _item_marks(i: int, plan: Plan) -> list[Mark]:
    """Task heads (number and title), owners and targets of document ``i``."""
    out = []
    for t in plan.tasks:
        row = f"row-d{i}-{t.id}"
        head = t.source.text.find(t.title)
        end = t.source.start + (head + len(t.title) if head >= 0 else len(t.source.text))
        out.append(Mark(t.source.start, end, "task", f"d{i}-{t.id}", row,
                        f"任务 {t.number} {t.title}"))
        for k, o in enumerate(t.owners):
            role = "牵头单位" if o.role == "lead" else "责任单位"
            out.append(Mark(o.source.start, o.source.end, "owner", f"d{i}-{t.id}-o{k}", row,
                            f"{role} {o.name}" + (f" ({o.agency})" if o.agency else "")))
    for g in plan.targets:
        out.append(Mark(g.source.start, g.source.end, "target", f"d{i}-{g.id}",
                        f"row-d{i}-{g.id}", f"{g.metric}: {_value(g)}"
                        + (f" ({g.deadline})" if g.deadline else "")))
    return out


def _finding_marks(n: int, f: Finding, spans: Iterable[Span], ref: str) -> list[Mark]:
    return [Mark(s.start, s.end, "finding", f"{ref}{k}", f"row-f{n}",
                 f"{f.code} {f.message}", f.severity) for k, s in enumerate(spans)]


def _elsewhere(f: Finding, index: dict[str, int]) -> list[tuple[int, list[Span]]]:
    """The places in other reported documents that a finding cites, by document."""
    out: dict[int, list[Span]] = {}
    for r in f.related:
        if r.document in index and r.document != f.document:
            out.setdefault(index[r.document], []).append(r.source)
    return list(out.items())


# --- the text ---------------------------------------------------------------------------------

def highlight(text: str, start: int, end: int, marks: Sequence[Mark], seen: set[str]) -> str:
    """``text[start:end]`` escaped, with the marks that overlap it as properly nested ``<mark>``
    elements.  Marks that cross are split: at each boundary the marks that end are closed, those
    opened inside them are closed too and reopened.  An empty mark (where the loader removed
    something, a footnote marker say) is an empty element at its place, written once.  ``seen``
    holds the refs whose first fragment (the one with the id) is already written."""
    inside = [m for m in marks if m.start < end and m.end > start and m.start < m.end]
    points = [m for m in marks if m.start == m.end and start <= m.start <= end]
    bounds = sorted({start, end, *(m.start for m in points),
                     *(max(m.start, start) for m in inside), *(min(m.end, end) for m in inside)})
    # by position, so that a line of a thousand marks is not searched once for each of them
    opening: dict[int, list[Mark]] = {}
    for m in inside:
        opening.setdefault(max(m.start, start), []).append(m)
    pinned_at: dict[int, list[Mark]] = {}
    for m in points:
        pinned_at.setdefault(m.start, []).append(m)
    out: list[str] = []
    stack: list[Mark] = []

    def pinned(pos: int) -> list[str]:
        return [_open(m, seen) + "</mark>" for m in pinned_at.get(pos, ()) if m.ref not in seen]

    for pos, nxt in zip(bounds, bounds[1:]):
        done = next((k for k, m in enumerate(stack) if m.end <= pos), None)
        if done is not None:
            out.append("</mark>" * (len(stack) - done))
            reopen = [m for m in stack[done:] if m.end > pos]
            del stack[done:]
        else:
            reopen = []
        out += pinned(pos)
        starting = sorted(opening.get(pos, ()), key=lambda m: (-m.end, _RANK[m.kind]))
        for m in (*reopen, *starting):
            out.append(_open(m, seen))
            stack.append(m)
        out.append(escape(text[pos:nxt]))
    out += pinned(end)
    out.append("</mark>" * len(stack))
    return "".join(out)


def _open(m: Mark, seen: set[str]) -> str:
    ident = "" if m.ref in seen else f' id="{m.ref}"'
    seen.add(m.ref)
    sev = f" sev-{m.severity}" if m.severity else ""
    point = " point" if m.start == m.end else ""
    return (f'<mark class="k-{m.kind}{sev}{point}"{ident} data-m="{m.ref}" data-row="{m.row}" '
            f'title="{escape(m.title)}">')


def _body(plan: Plan, marks: list[Mark]) -> str:
    """The document text block by block: headings by outline level, table rows as a table."""
    levels = {h.source.block: h.level for h in plan.headings}
    near = _Sweep(marks)
    seen: set[str] = set()

    def marked(lo: int, hi: int) -> str:
        return highlight(plan.text, lo, hi, near.reaching(lo, hi), seen)

    blocks = plan.blocks or [Block(index=0, start=0, end=len(plan.text), line=1)]
    out = []
    for (index, kind), group in groupby(blocks, key=lambda b: (b.index, b.kind)):
        rows = list(group)
        if kind == "table":
            out.append('<table class="doc-table">' + "".join(
                "<tr>" + "".join(f"<td>{marked(lo, hi)}</td>" for lo, hi in _cells(plan, r))
                + "</tr>" for r in rows) + "</table>")
            continue
        for b in rows:
            level = levels.get(index)
            tag = f"h{min(level + 1, 6)}" if level else "p"
            cls = f' class="{kind}"' if kind in ("heading", "caption") and not level else ""
            out.append(f"<{tag}{cls}>{marked(b.start, b.end)}</{tag}>")
    return "\n".join(out)


class _Sweep:
    """The marks that reach into stretches of the text asked for in text order (the blocks, the
    cells): each mark is taken up once and dropped once the stretches are past it, where
    searching all marks for each block would cost blocks × marks."""

    def __init__(self, marks: Iterable[Mark]):
        self._marks = sorted(marks, key=lambda m: m.start)
        self._taken = 0
        self._open: list[Mark] = []
        self._last = 0

    def reaching(self, lo: int, hi: int) -> list[Mark]:
        """The marks starting at or before ``hi`` and ending at or after ``lo``, by start."""
        if lo < self._last:  # asked out of order: start again
            self._taken, self._open = 0, []
        self._last = lo
        while self._taken < len(self._marks) and self._marks[self._taken].start <= hi:
            self._open.append(self._marks[self._taken])
            self._taken += 1
        self._open = [m for m in self._open if m.end >= lo]
        return self._open


def _cells(plan: Plan, row: Block) -> list[tuple[int, int]]:
    """A table row's cells: the loaders join them with tabs."""
    out, lo = [], row.start
    while (tab := plan.text.find("\t", lo, row.end)) >= 0:
        out.append((lo, tab))
        lo = tab + 1
    return [*out, (lo, row.end)]


# --- the side tables ------------------------------------------------------------------------

def _section(i: int, plan: Plan, marks: list[Mark], findings: list[tuple[int, Finding]],
             others: dict[int, list[str]]) -> str:
    m = plan.meta
    period = (f"{m.period.start or '?'}–{m.period.end or '?'}"
              if m.period.start or m.period.end else None)
    facts = [("文件 file", f"{plan.document} ({plan.format})"), ("发文机关 issuer", m.issuer),
             ("发布日期 issued", m.issued), ("规划期 period", period), ("地区 region", m.region)]
    meta = "".join(f"<div><dt>{escape(k)}</dt><dd>{escape(v)}</dd></div>"
                   for k, v in facts if v)
    return (f'<section class="doc" id="d{i}"><div class="text"><header class="doc-head">'
            f"<h1>{escape(_title(plan))}</h1><dl>{meta}</dl></header>"
            f'<article>{_body(plan, marks)}</article></div>'
            f'<aside class="side">{_findings_table(plan, findings, others)}'
            f"{_tasks_table(i, plan)}{_targets_table(i, plan)}</aside></section>\n")


def _link(ref: str, plan: Plan, span: Span, *, other: bool = False) -> str:
    where = f"{plan.document} " if other else ""
    return (f'<a href="#{ref}">{escape(where)}L{location(plan, span)[0]} '
            f"“{escape(excerpt(span.text, 24))}”</a>")


def _findings_table(plan: Plan, findings: list[tuple[int, Finding]],
                    others: dict[int, list[str]]) -> str:
    parts = [f'<h2>问题 Findings <span class="count">{len(findings)}</span></h2>']
    for sev, label in SEVERITIES.items():
        rows = [(n, f) for n, f in findings if f.severity == sev]
        if not rows:
            continue
        parts.append(f'<h3 class="sev-{sev}">{escape(label)} ({len(rows)})</h3>'
                     '<table class="findings"><tr><th>code</th><th>说明 message · 位置 where'
                     "</th></tr>")
        for n, f in rows:
            links = [_link(f"f{n}-{k}", plan, s) for k, s in enumerate(f.sources)]
            links += others.get(n, [])
            if f.places_omitted:
                links.append(f'<span class="more">另有{f.places_omitted}处 and '
                             f"{f.places_omitted} more</span>")
            parts.append(f'<tr id="row-f{n}" class="sev-{sev}" data-sev="{sev}">'
                         f'<td title="{escape(f.name)}">{escape(f.code)}<br>'
                         f'<small>{escape(f.category)}</small></td><td>{escape(f.message)}'
                         f'<div class="links">{" ".join(links)}</div></td></tr>')
        parts.append("</table>")
    return "".join(parts)


def _tasks_table(i: int, plan: Plan) -> str:
    targets = {g.id: g for g in plan.targets}
    rows = []
    for t in plan.tasks:
        years = sorted({targets[g].deadline for g in t.targets
                        if g in targets and targets[g].deadline})
        rows.append(f'<tr id="row-d{i}-{t.id}"><td><a href="#d{i}-{t.id}">{escape(t.number)}'
                    f"</a></td><td>{escape(t.title)}</td><td>{escape('、'.join(t.lead))}</td>"
                    f"<td>{escape('、'.join(t.responsible))}</td>"
                    f"<td>{escape('、'.join(map(str, years)))}</td></tr>")
    return (f'<h2>任务 Tasks <span class="count">{len(plan.tasks)}</span></h2>'
            '<table class="tasks"><tr><th>#</th><th>任务 task</th><th>牵头 lead</th>'
            f'<th>责任 responsible</th><th>期限 due</th></tr>{"".join(rows)}</table>')


def _targets_table(i: int, plan: Plan) -> str:
    def metric(g: Target) -> str:
        return g.metric_key or g.metric

    parts = [f'<h2>目标 Targets <span class="count">{len(plan.targets)}</span></h2>'
             '<table class="targets"><tr><th>指标 metric</th><th>目标 value</th><th>单位 unit'
             "</th><th>比较 op</th><th>期限 due</th><th>任务 task</th></tr>"]
    for key, group in groupby(sorted(plan.targets, key=metric), key=metric):
        items = list(group)
        # A group is named as the plan names it (canonical keys are English identifiers).
        name = Counter(g.metric for g in items).most_common(1)[0][0]
        parts.append(f'<tr class="group"><th colspan="6" title="{escape(key)}">{escape(name)}'
                     "</th></tr>")
        for g in items:
            parts.append(f'<tr id="row-d{i}-{g.id}"><td><a href="#d{i}-{g.id}">'
                         f"{escape(g.metric)}</a></td><td>{escape(_value(g, unit=False))}</td>"
                         f"<td>{escape(g.unit or '')}</td><td>{escape(g.comparator)}</td>"
                         f"<td>{g.deadline or ''}</td><td>{escape(g.task or '')}</td></tr>")
    parts.append("</table>")
    return "".join(parts)


def _value(g: Target, *, unit: bool = True) -> str:
    def num(v: float) -> str:
        return f"{v:g}"

    text = num(g.value) + (f"–{num(g.value_max)}" if g.value_max is not None else "")
    return text + (g.unit or "" if unit else "")


_CSS = """
:root{--task:#dbeafe;--task-line:#2563eb;--target:#dcfce7;--target-line:#16a34a;
--owner:#f3e8ff;--owner-line:#9333ea;--error:#fecaca;--error-line:#dc2626;--warning:#fed7aa;
--warning-line:#ea580c;--info:#e5e7eb;--info-line:#6b7280}
*{box-sizing:border-box}
body{margin:0;font:15px/1.7 "Noto Sans CJK SC","Noto Serif CJK SC","Microsoft YaHei",sans-serif;
color:#111;background:#fafafa}
.bar{display:flex;flex-wrap:wrap;gap:.4em 1.2em;align-items:center;padding:.4em 1em;
background:#fff;border-bottom:1px solid #ddd;position:sticky;top:0;z-index:2}
.docs button{font:inherit;border:1px solid #bbb;background:#f4f4f5;border-radius:4px;
padding:.1em .6em;margin-right:.3em;cursor:pointer;max-width:28em;overflow:hidden;
text-overflow:ellipsis;white-space:nowrap}
.docs button.active{background:#1f2937;color:#fff;border-color:#1f2937}
body:not(.js) .docs{display:none}
.filters{display:flex;flex-wrap:wrap;gap:.2em .9em;font-size:13px}
.legend{white-space:nowrap;cursor:pointer}
.swatch{display:inline-block;width:1.1em;height:.9em;margin:0 .3em;vertical-align:-.05em;
border-bottom:3px solid transparent}
.k-task .swatch{background:var(--task);border-color:var(--task-line)}
.k-target .swatch{background:var(--target);border-color:var(--target-line)}
.k-owner .swatch{background:var(--owner);border-color:var(--owner-line)}
.k-finding .swatch{background:repeating-linear-gradient(90deg,var(--error) 0 33%,var(--warning)
33% 66%,var(--info) 66%)}
.sev-error .swatch{background:var(--error);border-color:var(--error-line)}
.sev-warning .swatch{background:var(--warning);border-color:var(--warning-line)}
.sev-info .swatch{background:var(--info);border-color:var(--info-line)}
.n{color:#555}
.doc{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,44%);border-bottom:2px solid #ccc}
body.js .doc:not(.active){display:none}
body.js main{height:calc(100vh - var(--bar,3em))}
body.js .doc{height:100%}
body.js .text,body.js .side{overflow:auto}
.text{padding:1em 2em;background:#fff}
.side{padding:.5em 1em;font-size:13px;border-left:1px solid #ddd}
.doc-head h1{font-size:1.4em;margin:.2em 0}
.doc-head dl{display:flex;flex-wrap:wrap;gap:0 1.5em;margin:0 0 1em;font-size:13px;color:#444}
.doc-head dt{display:inline;font-weight:bold;margin-right:.4em}.doc-head dd{display:inline;margin:0}
article p{margin:.4em 0;white-space:pre-wrap}
article h2,article h3,article h4,article h5,article h6{margin:.8em 0 .3em;line-height:1.4}
article .caption{text-align:center;font-weight:bold}
table{border-collapse:collapse;width:100%;margin:.3em 0 1em}
td,th{border:1px solid #ddd;padding:.15em .4em;vertical-align:top;text-align:left}
.side h2{font-size:1.1em;margin:.8em 0 .2em}.side h3{font-size:1em;margin:.5em 0 .1em}
.side tr.group th{background:#f4f4f5}
.count{font-weight:normal;color:#555}
h3.sev-error{color:var(--error-line)}h3.sev-warning{color:var(--warning-line)}
h3.sev-info{color:var(--info-line)}
.links{margin-top:.2em}.links a{margin-right:.8em}.links .more{color:#555}
table.findings td:first-child{width:6.5em}
mark{background:none;color:inherit;cursor:pointer;-webkit-box-decoration-break:clone;
box-decoration-break:clone;print-color-adjust:exact;-webkit-print-color-adjust:exact}
mark.point::after{content:"⚑";font-size:.8em}
mark.k-task{background:var(--task);border-bottom:2px solid var(--task-line)}
mark.k-target{background:var(--target);border-bottom:2px solid var(--target-line)}
mark.k-owner{background:var(--owner);border-bottom:2px solid var(--owner-line);font-weight:bold}
mark.sev-error{background:var(--error);border-bottom:3px solid var(--error-line)}
mark.sev-warning{background:var(--warning);border-bottom:3px solid var(--warning-line)}
mark.sev-info{background:var(--info);border-bottom:3px dotted var(--info-line)}
.hide-k-task mark.k-task,.hide-k-target mark.k-target,.hide-k-owner mark.k-owner,
.hide-k-finding mark.k-finding,.hide-sev-error mark.sev-error,
.hide-sev-warning mark.sev-warning,.hide-sev-info mark.sev-info{background:none;border:0;
font-weight:inherit;cursor:auto}
.hide-sev-error tr.sev-error,.hide-sev-warning tr.sev-warning,.hide-sev-info tr.sev-info,
.hide-sev-error h3.sev-error,.hide-sev-warning h3.sev-warning,.hide-sev-info h3.sev-info,
.hide-k-finding table.findings{display:none}
.flash{animation:flash 1.6s ease-out}
@keyframes flash{0%,40%{outline:3px solid #f59e0b;background:#fde68a}}
@media print{.bar{display:none}body.js main{height:auto}.doc,body.js .doc{display:block;
height:auto;page-break-after:always}body.js .text,body.js .side{overflow:visible}
.side{border:0}a{color:inherit;text-decoration:none}}
"""

# Navigation, filters and counts.  The page works without it (all documents one after another,
# links still jump); with it, one document shows at a time and links switch to the right one.
_JS = """
(function(){
var body=document.body;body.classList.add('js');
var bar=document.querySelector('.bar');
function fit(){document.documentElement.style.setProperty('--bar',bar.offsetHeight+'px');}
var sections=[].slice.call(document.querySelectorAll('section.doc'));
var buttons=[].slice.call(document.querySelectorAll('.docs button'));
function count(sec){
  [].forEach.call(document.querySelectorAll('[data-n]'),function(el){
    var key=el.getAttribute('data-n'),part=key.split('-'),n;
    if(part[0]==='k'&&part[1]==='finding'){n=sec.querySelectorAll('tr[data-sev]').length;}
    else if(part[0]==='k'){n=sec.querySelectorAll('mark.k-'+part[1]+'[id]').length;}
    else{n=sec.querySelectorAll('tr[data-sev="'+part[1]+'"]').length;}
    el.textContent='('+n+')';});
}
function show(sec){
  sections.forEach(function(s){s.classList.toggle('active',s===sec);});
  buttons.forEach(function(b){b.classList.toggle('active',b.getAttribute('data-doc')===sec.id);});
  count(sec);
}
function flash(els){els.forEach(function(el){el.classList.remove('flash');void el.offsetWidth;
  el.classList.add('flash');});}
function go(id){
  var el=document.getElementById(id);if(!el)return false;
  var sec=el.closest('section.doc');if(sec)show(sec);
  el.scrollIntoView({block:'center'});
  flash(el.tagName==='MARK'?[].slice.call(document.querySelectorAll('mark[data-m="'+id+'"]')):[el]);
  return true;
}
buttons.forEach(function(b){b.addEventListener('click',function(){
  show(document.getElementById(b.getAttribute('data-doc')));});});
document.addEventListener('click',function(e){
  var a=e.target.closest('a[href^="#"]');
  if(a){if(go(a.getAttribute('href').slice(1))){e.preventDefault();
    history.replaceState(null,'',a.getAttribute('href'));}return;}
  var m=e.target.closest('mark');if(m)go(m.getAttribute('data-row'));
});
[].forEach.call(document.querySelectorAll('input[data-hide]'),function(box){
  box.addEventListener('change',function(){
    body.classList.toggle('hide-'+box.getAttribute('data-hide'),!box.checked);});});
window.addEventListener('resize',fit);fit();
if(sections.length){show(sections[0]);}
if(location.hash){go(location.hash.slice(1));}
body.setAttribute('data-ready','1');
})();
"""
