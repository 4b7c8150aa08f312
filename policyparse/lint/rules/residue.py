"""Editor residue: what an editor left in the file, and what a scraper dragged in."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict

import regex

from ...text.furniture import is_furniture
from ...text.residue import FOOTNOTE_REF, FOOTNOTE_TEXT
from ...model import Plan
from ...text.excerpts import excerpt
from ..registry import Rule, iter_matches, register
from .placeholder import vocabulary


@register
class WordComment(Rule):
    """Flags Word comments still in the document (or exported into its text as ``Comment by …``).

    为什么: comments are the drafters' conversation; published, they show internal doubts
    (“需更新”) next to the official text.  Resolve and delete them before publishing.

    Bad:
        全县现有科技服务机构3家。	Comment by 小白: 需更新

    Good:
        全县现有科技服务机构3家。
    """

    code = "ER001"
    name = "word-comment"
    category = "editor-residue"
    severity = "error"
    message = "文档中遗留批注（{author}）：“{text}”"
    message_en = "Word comment left in the document ({author}): “{text}”"

    def check(self, plan: Plan):
        for d in plan.diagnostics:
            if d.kind == "comment" and d.source is not None:
                yield self.finding(plan, [d.source], author=d.author or "?", text=d.text)


@register
class TrackedChange(Rule):
    """Flags tracked changes (insertions and deletions) that were never accepted or rejected.

    为什么: a file with pending revisions shows different text to different readers depending on
    their view settings; the published plan must have one text.

    Bad:
        (a .docx with w:ins / w:del revision marks)

    Good:
        (the same file after 审阅 → 接受所有修订)
    """

    code = "ER002"
    name = "tracked-change"
    category = "editor-residue"
    severity = "error"
    message = "文档中有未处理的修订（{author}）"
    message_en = "unresolved tracked change ({author})"

    def check(self, plan: Plan):
        for d in plan.diagnostics:
            if d.kind == "tracked-change" and d.source is not None:
                yield self.finding(plan, [d.source], author=d.author or "?")


@register
class FootnoteResidue(Rule):
    """Flags footnote markers and footnote texts pasted into the body (``[footnoteRef:1]``,
    ``[1: …]``), as a copy from Word to plain text or a web editor leaves them.

    为什么: the markers are meaningless to a reader and the footnote text lands in the middle of
    the paragraph; turn them into real notes or into the text.

    Bad:
        推进“两园一区”[footnoteRef:1]共建成果转化基地。 [1: “两园一区”是指本县两个产业园和高新区。]

    Good:
        推进“两园一区”（本县两个产业园和高新区）共建成果转化基地。
    """

    code = "ER003"
    name = "footnote-residue"
    category = "editor-residue"
    message = "脚注残留：{count} 处脚注标记或粘贴的脚注文字"
    message_en = "footnote residue: {count} footnote markers or pasted footnote texts"

    def check(self, plan: Plan):
        # Moved out of the text by the text loader, or still in it when pasted into a Word file.
        found = [d.source for d in plan.diagnostics
                 if d.kind in ("footnote-ref", "footnote") and d.source is not None
                 and plan.format == "txt"]
        refs = {m.group(1) for m in FOOTNOTE_REF.finditer(plan.text)}
        found += [plan.span(m.start(), m.end()) for m in FOOTNOTE_REF.finditer(plan.text)]
        found += [plan.span(m.start(), m.end()) for m in FOOTNOTE_TEXT.finditer(plan.text)
                  if m.group(1) in refs]
        if found:  # one finding for the document: the fix is one operation
            yield self.finding(plan, found, count=len(found))


@register
class WebFurniture(Rule):
    """Flags web-page furniture in the document text: login links, column and date bars, QR-code
    images and captions, aggregator attributions.

    为什么: text copied from a portal drags the page along (登录 注册 退出, 扫描二维码);
    it is not part of the plan and makes the copy look careless.

    Bad:
        登录 注册 退出
        一、总体要求
        坚持创新驱动，推动全县产业转型升级。

    Good:
        一、总体要求
        坚持创新驱动，推动全县产业转型升级。
    """

    code = "ER004"
    name = "web-furniture"
    category = "editor-residue"
    message = "网页残留内容：“{text}”"
    message_en = "web-page furniture in the text: “{text}”"

    def check(self, plan: Plan):
        for d in plan.diagnostics:
            if d.kind == "web-furniture" and d.source is not None:
                yield self.finding(plan, [d.source], text=excerpt(d.text, 40))
        for b in plan.blocks:
            if b.kind != "table":
                line = plan.text[b.start:b.end]
                if is_furniture(line):
                    yield self.finding(plan, [plan.span(b.start, b.end)], text=excerpt(line, 40))


@register
class NoteToSelf(Rule):
    """Flags drafters' and reviewers' notes left in the text: ``【…下同】``, ``【此处数据待核】``,
    ``（编者注：…）``, ``（请规划科确认）``, ``待核实``, ``需更新``.

    为什么: such notes explain how the draft was made, not what the plan says; they must be
    removed or turned into a proper note before publishing.

    Bad:
        人均研发投入低于周边县区。【比较对象为同一地级市的其他县区，下同】

    Good:
        人均研发投入低于同一地级市的其他县区。
    """

    code = "ER005"
    name = "note-to-self"
    category = "editor-residue"
    message = "起草说明残留：“{text}”"
    message_en = "drafter's note left in the text: “{text}”"
    pattern = regex.compile("|".join(p.pattern for p in vocabulary("note").values()))

    def check(self, plan: Plan):
        for m, span in iter_matches(self.pattern, plan):
            yield self.finding(plan, [span], text=m.group()[:40])


@register
class BrokenWord(Rule):
    """Flags a paragraph break inside a word or sentence: a paragraph that stops mid-sentence,
    without punctuation, and continues in the next one (``国际形`` / ``势更加复杂``).

    为什么: a stray break splits a word in two; the printed plan shows a truncated line and a new
    paragraph starting mid-word.

    Bad:
        “十四五”时期，全县产业转型压力加大，区域竞
        争日趋激烈，创新要素仍然不足。

    Good:
        “十四五”时期，全县产业转型压力加大，区域竞争日趋激烈，创新要素仍然不足。
    """

    code = "ER006"
    name = "broken-paragraph"
    category = "editor-residue"
    message = "段落在句中断开：“{tail}”与“{head}”"
    message_en = "paragraph broken mid-sentence: “{tail}” / “{head}”"
    _han_end = regex.compile(r"\p{Han}$")
    _han_start = regex.compile(r"^\p{Han}")

    def check(self, plan: Plan):
        blocks = [b for b in plan.blocks if b.kind == "paragraph"]
        heading_starts = {h.source.start for h in plan.headings}
        for a, b in zip(blocks, blocks[1:]):
            first, second = plan.text[a.start:a.end], plan.text[b.start:b.end]
            # A long sentence-like paragraph (it has clause punctuation) that ends in a character,
            # followed by one that starts with a character and is not a heading.
            if (len(first) >= 20 and "，" in first and self._han_end.search(first)
                    and self._han_start.match(second) and b.start not in heading_starts
                    and a.start not in heading_starts and "，" in second[:30] + "。"):
                tail = first[-max(1, len(first) - first.rfind("，") - 1):]
                head = second[:second.find("，")] if "，" in second else second[:10]
                yield self.finding(plan, [plan.span(a.end - len(tail), a.end),
                                          plan.span(b.start, b.start + len(head))],
                                   tail=tail[-10:], head=head[:10])


_LINE_BREAK = regex.compile("\n")
_WHOLE_LINE = 6  # a shorter line (附件, 联系人) says nothing when found inside another
_SAME_PARAGRAPH = 0.95  # of a copied paragraph's text, the original repeats this


@register
class DuplicatedPassage(Rule):
    """Flags a paragraph whose text is a run-together copy of other paragraphs, as a scraper
    produces when it prints a page summary before the document itself.

    为什么: the reader meets the same notice twice, once garbled; the copy is not part of the plan.

    Bad:
        各单位：《某县数字乡村建设实施方案》经县政府研究同意，现印发给你们，请抓好落实。某县人民政府办公室某县数字乡村建设实施方案为加快乡村数字化
        各单位：
        《某县数字乡村建设实施方案》经县政府研究同意，现印发给你们，请抓好落实。
        某县人民政府办公室
        某县数字乡村建设实施方案
        为加快乡村数字化进程，结合本县实际，制定本方案。

    Good:
        各单位：
        《某县数字乡村建设实施方案》经县政府研究同意，现印发给你们，请抓好落实。
        某县人民政府办公室
        某县数字乡村建设实施方案
        为加快乡村数字化进程，结合本县实际，制定本方案。
    """

    code = "ER007"
    name = "duplicated-passage"
    category = "editor-residue"
    message = "段落重复了文档其他位置的内容：“{text}…”"
    message_en = "paragraph repeats text found elsewhere in the document: “{text}…”"
    shingle = 12
    min_length = 60

    def check(self, plan: Plan):
        text, k = plan.text, self.shingle
        # Line breaks are dropped before counting: the copy runs together what were paragraphs.
        flat = text.replace("\n", "")
        shingles = [flat[i:i + k] for i in range(len(flat) - k + 1)]
        counts = Counter(shingles)
        breaks = [m.start() for m in _LINE_BREAK.finditer(text)]
        holders: dict[str, list] | None = None  # shingle → the blocks holding it, when needed
        for b in plan.blocks:
            if b.kind == "table" or b.end - b.start < self.min_length:
                continue
            # A block is one line, so its shingles are the flat text's from where it starts
            # there: taken from the list, they are not cut and hashed again.
            at = b.start - bisect_left(breaks, b.start)
            own = shingles[at:at + b.end - b.start - k + 1]
            # Each repeated shingle adds at least one occurrence beyond the block's own: too few
            # extra occurrences rule the block out without counting inside it (most blocks).
            if sum(map(counts.__getitem__, own)) - len(own) < 0.6 * len(set(own)):
                continue
            inside = Counter(own)
            # A shingle seen twice in the document and at least once outside this block.
            repeated = {s for s, n in inside.items() if counts[s] > n}
            if not (inside and len(repeated) >= 0.6 * len(inside)
                    and self._has_long_repeated_run(own, counts, inside)):
                continue
            if holders is None:
                holders = self._holders(plan)
            if self._is_a_copy(plan, b, repeated, len(inside), holders):
                yield self.finding(plan, [plan.span(b.start, b.end)],
                                   text=text[b.start:b.start + 20])

    def _holders(self, plan: Plan) -> dict[str, list]:
        """Shingle → the blocks holding it; under "" the lines too short for a shingle that
        still count when found whole inside a copy."""
        k, out = self.shingle, defaultdict(list)
        for other in plan.blocks:
            if other.kind != "table":
                line = plan.text[other.start:other.end].strip()
                if _WHOLE_LINE <= len(line) < k:
                    out[""].append(other)
                for s in {line[i:i + k] for i in range(len(line) - k + 1)}:
                    out[s].append(other)
        return out

    def _is_a_copy(self, plan: Plan, block, repeated: set[str], size: int,
                   holders: dict[str, list]) -> bool:
        """A run-together copy holds other paragraphs whole, one after another (a notice, its
        signature, the title); a copy of one paragraph repeats nearly all of it.  Two articles of
        a regulation worded in parallel (检测机构有下列情形的… / 检测人员有下列情形的…) share a
        part, however many other articles repeat that part too.

        Only blocks sharing a repeated shingle are looked at, and the first that settles it ends
        the search: a document repeated page after page costs one look per block, not all."""
        k, whole = self.shingle, 0
        mine = plan.text[block.start:block.end]
        seen = {id(block)}
        for s in ["", *repeated]:
            for other in holders.get(s, ()):
                if id(other) in seen:
                    continue
                seen.add(id(other))
                line = plan.text[other.start:other.end].strip()
                shared = len(repeated.intersection(line[i:i + k]
                                                   for i in range(len(line) - k + 1)))
                whole += len(line) >= _WHOLE_LINE and line in mine
                if whole >= 2 or shared >= _SAME_PARAGRAPH * size:
                    return True
        return False

    @staticmethod
    def _has_long_repeated_run(own: list[str], counts: Counter, inside: Counter) -> bool:
        # Guard against paragraphs made of boilerplate phrases that recur everywhere: the block
        # must share long runs, not just common 12-character phrases.
        run = best = 0
        for s in own:
            run = run + 1 if counts[s] > inside[s] else 0
            best = max(best, run)
        return best >= 20


@register
class RepeatedLine(Rule):
    """Flags a line printed twice in a row: a title or heading that a database or web export
    repeated.

    为什么: the repeated line is not part of the document; it shows the text was pasted from an
    export and not read through.

    Bad:
        某县人民政府关于加强信息报送工作的通知
        某县人民政府关于加强信息报送工作的通知
        各乡镇人民政府，县直各单位：

    Good:
        某县人民政府关于加强信息报送工作的通知
        各乡镇人民政府，县直各单位：
    """

    code = "ER008"
    name = "repeated-line"
    category = "editor-residue"
    message = "同一行连续出现两次：“{text}”"
    message_en = "the same line twice in a row: “{text}”"
    min_length = 4  # shorter lines (附件, 联系人) may stand twice by design

    def check(self, plan: Plan):
        previous = None
        for b in plan.blocks:
            if b.kind == "table":
                previous = None
                continue
            line = plan.text[b.start:b.end].strip()
            if line and line == previous and len(line) >= self.min_length:
                yield self.finding(plan, [plan.span(b.start, b.end)], text=excerpt(line, 40))
            previous = line or previous


# An HTML character reference left as text: a well-formed one the export did not decode
# (&nbsp; &#9826;) or a malformed one (&9826; &sp;).
_CHARACTER_REFERENCE = regex.compile(r"&(?:#?[0-9]{2,7}|#x[0-9A-Fa-f]{2,6}|[A-Za-z]{2,8});|&nbsp")


@register
class CharacterReference(Rule):
    """Flags HTML character references left in the text: ``&nbsp;``, ``&#9744;``, and malformed
    ones such as ``&9826;`` (a tick box lost in the export).

    为什么: the reader sees code instead of the character (a box to tick, a space); the text was
    exported from a web page and not checked.

    Bad:
        邀请媒体类型：&9826;电视 &9826;广播

    Good:
        邀请媒体类型：□电视 □广播
    """

    code = "ER009"
    name = "character-reference"
    category = "editor-residue"
    message = "网页字符代码残留：“{text}”"
    message_en = "HTML character reference left in the text: “{text}”"

    def check(self, plan: Plan):
        for b in plan.blocks:  # one finding a line: the fix is one replacement there
            m = _CHARACTER_REFERENCE.search(plan.text, b.start, b.end)
            if m is not None:
                yield self.finding(plan, [plan.span(b.start, b.end)], text=m.group())
