"""A diff as one self-contained HTML page: the two versions side by side, each change
highlighted in both (removed in the old, added in the new, changed in both), and the list of
changes above, each linking to its places.

The text is marked with the review report's nesting highlighter
(:func:`policyparse.report.html.highlight`): a change is a mark whose class says its action.
CSS and a few lines of JS are inline; every piece of document text is escaped.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from ..model import Block, Plan
from ..report.html import Mark, escape, highlight
from .model import Change, PlanDiff
from .render_text import describe, kind


def _class(c: Change) -> str:
    return c.action if c.action in ("added", "removed") else "changed"


def render(d: PlanDiff, old: Plan, new: Plan) -> str:
    marks_old: list[Mark] = []
    marks_new: list[Mark] = []
    rows = []
    for n, c in enumerate(d.changes):
        links = []
        for side, source, marks in (("o", c.old_source, marks_old), ("n", c.new_source, marks_new)):
            if source is None:
                continue
            # a change is a "finding" mark to the highlighter; its action is the class
            marks.append(Mark(source.start, source.end, "finding", f"{side}{n}", f"c{n}",
                              f"{kind(c)} {describe(c)}", _class(c)))
            label = "旧 old" if side == "o" else "新 new"
            links.append(f'<a href="#{side}{n}" data-go="{side}{n}">{label} L{source.line}</a>')
        rows.append(f'<tr id="c{n}" class="sev-{_class(c)}"><td>{escape(kind(c))}</td>'
                    f"<td>{escape(describe(c))}</td><td>{' '.join(links)}</td></tr>")
    table = ('<table class="changes"><tr><th>变化 change</th><th>内容 what</th>'
             f'<th>位置 where</th></tr>{"".join(rows)}</table>' if rows
             else '<p class="none">无实质变化 — nothing of substance changed.</p>')
    title = f"{d.old.document} → {d.new.document}"
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)} — policyparse diff</title><style>{_CSS}</style></head>\n"
            f'<body><header><h1>{escape(title)}</h1><p class="summary">{len(d.changes)} '
            f"change(s)</p>{table}</header>\n<main>"
            f"{_pane('o', old, marks_old, '旧 old')}{_pane('n', new, marks_new, '新 new')}</main>"
            f"<script>{_JS}</script></body></html>\n")


def _pane(side: str, plan: Plan, marks: list[Mark], label: str) -> str:
    return (f'<section class="pane" id="pane-{side}"><h2>{escape(label)}: '
            f"{escape(plan.document)} ({plan.format})</h2><article>{_body(plan, marks)}"
            "</article></section>")


def _body(plan: Plan, marks: Sequence[Mark]) -> str:
    """The text block by block (headings by outline level, a table row's cells joined)."""
    levels = {h.source.start: h.level for h in plan.headings}
    marks = sorted(marks, key=lambda m: m.start)
    starts = [m.start for m in marks]
    seen: set[str] = set()
    out = []
    for b in plan.blocks or [Block(index=0, start=0, end=len(plan.text), line=1)]:
        near = [m for m in marks[:bisect.bisect_right(starts, b.end)] if m.end >= b.start]
        level = levels.get(b.start)
        tag = f"h{min(level + 2, 6)}" if level else "p"
        cls = ' class="row"' if b.kind == "table" else ""
        out.append(f"<{tag}{cls}>{highlight(plan.text, b.start, b.end, near, seen)}</{tag}>")
    return "\n".join(out)


_CSS = """
*{box-sizing:border-box}
body{margin:0;font:15px/1.7 "Noto Sans CJK SC","Noto Serif CJK SC","Microsoft YaHei",sans-serif;
color:#111;background:#fafafa;display:flex;flex-direction:column;height:100vh}
header{padding:.4em 1em;background:#fff;border-bottom:1px solid #ddd;max-height:38vh;overflow:auto}
header h1{font-size:1.1em;margin:.2em 0}.summary{margin:0;color:#555}
table{border-collapse:collapse;width:100%;font-size:13px}
td,th{border:1px solid #ddd;padding:.15em .4em;vertical-align:top;text-align:left}
tr.sev-added td:first-child{border-left:4px solid #16a34a}
tr.sev-removed td:first-child{border-left:4px solid #dc2626}
tr.sev-changed td:first-child{border-left:4px solid #d97706}
td a{margin-right:.8em}
main{display:grid;grid-template-columns:1fr 1fr;flex:1;min-height:0}
.pane{overflow:auto;padding:0 1.5em 2em;background:#fff;border-right:1px solid #ddd}
.pane h2{font-size:1em;position:sticky;top:0;background:#f4f4f5;margin:0 -1.5em;padding:.3em 1.5em}
article p{margin:.4em 0;white-space:pre-wrap}
article p.row{font-size:13px;border-bottom:1px dotted #ccc;white-space:pre-wrap;tab-size:4}
article h3,article h4,article h5,article h6{margin:.8em 0 .3em;line-height:1.4}
mark{background:none;color:inherit;cursor:pointer}
mark.sev-added{background:#dcfce7;border-bottom:2px solid #16a34a}
mark.sev-removed{background:#fee2e2;border-bottom:2px solid #dc2626;text-decoration:line-through}
mark.sev-changed{background:#fef3c7;border-bottom:2px solid #d97706}
mark.point::after{content:"⚑"}
.flash{animation:flash 1.6s ease-out}
@keyframes flash{0%,40%{outline:3px solid #f59e0b}}
@media print{body{display:block;height:auto}header{max-height:none}main{display:block}
.pane{overflow:visible}}
"""

# A link or a mark shows the change's places in both panes at once.
_JS = r"""
(function(){
function show(id){var el=document.getElementById(id);if(!el)return;
el.scrollIntoView({block:'center'});el.classList.remove('flash');void el.offsetWidth;
el.classList.add('flash');}
function both(n){show('o'+n);show('n'+n);}
document.addEventListener('click',function(e){
var a=e.target.closest('a[data-go]');
if(a){e.preventDefault();both(a.getAttribute('data-go').slice(1));return;}
var m=e.target.closest('mark[data-row]');
if(m){var n=m.getAttribute('data-row').slice(1);both(n);show('c'+n);}
});
var h=/^#[on](\d+)$/.exec(location.hash);if(h)both(h[1]);
})();
"""
