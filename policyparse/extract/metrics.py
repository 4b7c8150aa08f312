"""What a figure measures: its metric phrase, cut from the words around it, and a canonical key.

:func:`figure_phrases` gives each quantity of a clause its own span and metric phrase.  A clause
with several figures is shared out among them: at a 、 or ， between two figures, before the
cue words of the second (27件增长48.1% → 27件 | 增长48.1%), or right before it
(32家企业44个产品…).  The metric is the phrase before the figure, stripped of subjects, dates and
cue words (到2027年，全县规上工业企业数量达到500家 → 规上工业企业数量), or, when nothing is left
or the words before point past it, the noun phrase after it (建设10家以上乡镇综合文化服务中心);
a figure with neither (达到5000件以上) takes the metric of the figure before it in the sentence,
or, the first in its sentence, the clause before (绿色信贷余额稳步增长，力争累计达到3亿元).

:func:`metric_key` maps a phrase to a canonical key of ``data/metrics.toml``, exactly or with
rapidfuzz among synonyms of the same markers; an unknown phrase is its own key.

No word segmenter is used: jieba's general dictionary cuts this register badly even with the
project's metric names and cue words added (某县有科创型企业 → 某县/有科/创型/企业, 对接会 →
对接/会, 拟/v 上市企业) and costs more than the whole parse (measured on the corpus: 1.4–2.6 s to
import and load its dictionary, 27 ms a document to cut, 90–160 ms with part-of-speech tags,
against 10–30 ms for a parse), while the clause punctuation, the cue words of ``data/cues.toml``
and the vocabulary here bound the phrases exactly, in microseconds.  Where a one-character word
opens a phrase (对, 有), its entry names the words it does not start (对接, 对口, 有效).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import regex

from ..text.clauses import clause_bounds, sentence_start
from ..text.markers import parse_marker
from .cues import cues
from .deadlines import DateMention, find_dates
from .numbers import Quantity
from .units import vocabulary as unit_vocabulary
from ..data import alternation, load as load_data

_OPEN, _CLOSE = "（(", "）)"
_SEPARATOR = regex.compile("[、，,；;]")
# Between two figures, nothing but these makes a list of values for one metric (30%、20%和10%).
_LIST_JOINERS = regex.compile(r"\s*(?:、|和|及|以及|与|或)?\s*")
_HAN = regex.compile(r"\p{Han}")
_PUNCT = " ，,、：:；;"
# Sentences end at 。！？ and line breaks, not at ；: 到2025年，A达到…；B达到… keeps its year for B.


@dataclass(frozen=True, slots=True)
class Entry:
    """A metric of the vocabulary, with the units its figures may be in."""

    key: str
    families: tuple[str, ...] = ()
    units: tuple[str, ...] = ()

    def fits(self, unit: str | None, family: str | None) -> bool:
        if self.units and unit is not None:
            return unit in self.units
        if self.families and family is not None:
            return family in self.families
        return True


@dataclass(frozen=True)
class Vocabulary:
    entries: dict[str, list[Entry]]  # normalised synonym → metrics spelled so
    normalise: regex.Pattern
    replacements: dict[str, str]
    markers: regex.Pattern
    min_ratio: float
    same_start: int
    min_key_length: int
    subjects: regex.Pattern
    foreign: regex.Pattern
    lead: regex.Pattern
    tail: regex.Pattern
    split: regex.Pattern
    per_capita: regex.Pattern
    forward: regex.Pattern
    forward_end: regex.Pattern
    doing_end: regex.Pattern  # a verb of doing (建设, 组织实施, 进行) ending the words before a figure
    generic: frozenset[str]
    bare_heads: frozenset[str]
    cue_end: regex.Pattern  # cue words (达到, 增长, 不少于 …) ending a stretch of text
    table_headers: dict[str, regex.Pattern]  # column role → header words (extract/tables.py)


def _words(words: Iterable[str]) -> str:
    return alternation(list(words), literal=False)


@cache
def vocabulary() -> Vocabulary:
    data = load_data("metrics.toml")
    phrase, norm = data["phrase"], data["normalise"]
    replacements = {**{w: "" for w in norm["drop"]}, **norm["replace"]}
    # The cue words of data/cues.toml that say how much (not the verbs of doing: 安全生产相关培训
    # names 培训) and the words that qualify a number close a phrase.
    cue_words = [w for table in ("comparator", "kind", "flags")
                 for key, words in cues()[table].items()
                 if key not in ("count", "event_units") for w in words]
    adjacent = unit_vocabulary().adjacent
    qualifiers = [regex.escape(w) for key in ("approx_before", "bound_before")
                  for w in adjacent[key]]
    norm_pattern = regex.compile(_words(replacements))
    entries: dict[str, list[Entry]] = {}
    for key, spec in data["metrics"].items():
        entry = Entry(key=key, families=tuple(spec.get("families", ())),
                      units=tuple(spec.get("units", ())))
        for spelling in (spec["name"], *spec.get("synonyms", ())):
            spelled = entries.setdefault(_normalise(spelling, norm_pattern, replacements), [])
            if entry not in spelled:
                spelled.append(entry)
    match = data["match"]
    return Vocabulary(
        entries=entries, normalise=norm_pattern, replacements=replacements,
        markers=regex.compile(alternation(data["markers"]["words"])),
        min_ratio=match["min_ratio"], same_start=match["same_start"],
        min_key_length=match["min_key_length"],
        subjects=regex.compile(rf"(?:{_words(phrase['subjects'])})"),
        foreign=regex.compile(_words(phrase["foreign_subjects"])),
        lead=regex.compile(rf"(?:{_words(phrase['lead'])})"),
        tail=regex.compile(rf"(?:{_words([*phrase['tail'], *cue_words, *qualifiers])})\Z"),
        split=regex.compile(_words([*phrase["split"], *cues()["kind"]["count"]])),
        per_capita=regex.compile(rf"(?:{_words(phrase['per_capita'])})\Z"),
        forward=regex.compile(_words(phrase["forward"])),
        forward_end=regex.compile(rf"(?:{_words(phrase['forward'])})\Z"),
        doing_end=regex.compile(rf"(?:{_words([*phrase['forward'], *cues()['kind']['count']])})\Z"),
        generic=frozenset(phrase["generic"]),
        bare_heads=frozenset(_normalise(w, norm_pattern, replacements)
                             for w in phrase["bare_heads"]),
        # 调整增加为30项: a copula may close the cue words
        cue_end=regex.compile(rf"(?:{_words([*cue_words, *qualifiers])})+"
                              rf"(?:{_words(phrase['copula'])})?\Z"),
        table_headers={role: regex.compile(alternation(words))
                       for role, words in data["table"].items()})


def _normalise(phrase: str, pattern: regex.Pattern, replacements: dict[str, str]) -> str:
    # what a pattern entry of [normalise].drop (\s) matched is not a key: it is dropped
    return pattern.sub(lambda m: replacements.get(m.group(), ""), phrase)


def normalise(phrase: str) -> str:
    """The phrase as compared: one spelling per word, no flags, no spaces (每万人口养老床位数 →
    万人养老床位数)."""
    v = vocabulary()
    return _normalise(phrase, v.normalise, v.replacements)


# --- keys -----------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def metric_key(phrase: str, unit: str | None = None, family: str | None = None) -> str | None:
    """The canonical key of the metric ``phrase`` names, for a figure in ``unit``/``family``.

    A subject (全市…) is no part of the key; a phrase about another place (全省…) gets that place
    as a suffix (``…@全省``)."""
    v = vocabulary()
    foreign = v.foreign.match(phrase)
    if foreign:
        phrase = phrase[foreign.end():]
    elif own := v.subjects.match(phrase):
        phrase = phrase[own.end():]
    key = None
    for candidate in _readings(phrase):
        key = _known(normalise(candidate), unit, family)
        if key:
            break
    if key is None:
        key = normalise(phrase)
        if len(key) < v.min_key_length:
            return None
    return f"{key}@{foreign.group()}" if foreign else key


def _readings(phrase: str) -> list[str]:
    """The phrase, then what follows its last verb of having or doing (企业获得发明专利授权 →
    发明专利授权, 在县工业园区引进执业专利代理师 → 执业专利代理师), unless that verb
    follows a per-capita base (每万人拥有养老床位).  Only the vocabulary is searched for the rest:
    an unknown phrase is its own key as a whole."""
    v = vocabulary()
    readings = [phrase]
    last = None
    for last in v.split.finditer(phrase):
        pass
    if last is not None and not v.per_capita.search(phrase, 0, last.start()):
        rest = phrase[last.end():]
        if rest:
            readings.append(rest)
    return readings


def _known(norm: str, unit: str | None, family: str | None) -> str | None:
    v = vocabulary()
    exact = v.entries.get(norm)
    if exact:
        return _pick(exact, unit, family)
    from rapidfuzz import fuzz  # only for a phrase the vocabulary does not spell

    marks = set(v.markers.findall(norm))
    best, best_score = None, v.min_ratio
    for spelling, entries in v.entries.items():
        if spelling[:v.same_start] != norm[:v.same_start] or \
                set(v.markers.findall(spelling)) != marks:
            continue
        score = fuzz.ratio(norm, spelling)
        if score >= best_score:
            best, best_score = entries, score
    return _pick(best, unit, family) if best else None


def _pick(entries: list[Entry], unit: str | None, family: str | None) -> str | None:
    fitting = [e for e in entries if e.fits(unit, family)]
    return (fitting or entries)[0].key


# --- phrases --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Phrase:
    """A figure's span ``start:end`` (metric words, figure, bound words) and its metric."""

    start: int
    end: int
    metric: str


def figure_phrases(text: str, quantities: Sequence[Quantity], own_names: tuple[str, ...] = (),
                   dates: Sequence[DateMention] | None = None) -> list[Phrase]:
    """The span and metric phrase of each quantity (in text order, all within ``text``).

    ``own_names`` are the plan region's names, dropped as subjects like 全市; ``dates`` the date
    mentions around the quantities (found in ``text`` if not given), dropped from phrases."""
    if dates is None:
        dates = find_dates(text)
    out: list[Phrase] = []
    i = 0
    while i < len(quantities):
        lo, hi = clause_bounds(text, quantities[i].start, quantities[i].end)
        j = i
        while j + 1 < len(quantities) and quantities[j + 1].start < hi:
            j += 1
        out.extend(_clause_phrases(text, lo, hi, quantities[i:j + 1], out, own_names, dates))
        i = j + 1
    return out


def _clause_phrases(text: str, lo: int, hi: int, qs: Sequence[Quantity], before: list[Phrase],
                    own_names: tuple[str, ...], dates: Sequence[DateMention]) -> list[Phrase]:
    v = vocabulary()
    tails = [figure_end(text, q, hi) for q in qs]
    starts, ends = [lo], []
    listed = [False] * len(qs)  # a further value for the metric before it (30%、20%和10%)
    for k in range(len(qs) - 1):
        gap_start, gap_end = tails[k], qs[k + 1].start
        gap = text[gap_start:gap_end]
        seps = list(_SEPARATOR.finditer(gap))
        if _LIST_JOINERS.fullmatch(gap):
            start, listed[k + 1] = gap_end, True
        elif seps:
            start = gap_start + seps[-1].end()
        elif _bracketed(text, qs[k], tails[k]):
            start = gap_start
        else:  # 32家企业44个产品; 27件增长48.1%: the cue words belong to the next figure
            cue = v.cue_end.search(gap)
            start = cue.start() + gap_start if cue else gap_end
        if not _points_after(text, tails[k], gap_end, last=False):
            ends.append(gap_start)
        else:  # the noun after the figure runs to the separator, or to the next figure's words
            ends.append(gap_start + seps[-1].start() if seps else start)
        starts.append(start)
    ends.append(hi if _points_after(text, tails[-1], hi, last=True) else tails[-1])
    sentence = sentence_start(text, qs[0].start)
    out: list[Phrase] = []
    for k, q in enumerate(qs):
        start, end = starts[k], ends[k]
        metric = "" if listed[k] else _metric(text, start, q, tails[k], end, own_names, dates)
        metric = _with_foreign_subject(text, lo, q.start, metric, own_names)
        last = out[-1:] or [p for p in before[-1:] if p.start >= sentence]
        if (not metric or metric in v.generic) and last:
            metric = last[0].metric
        elif not metric and k == 0 and lo > sentence:
            # The first figure of its sentence with no metric of its own: the clause before names
            # it (绿色信贷余额稳步增长，力争累计达到3亿元).
            start = max(clause_bounds(text, lo - 1, lo - 1)[0], sentence)
            metric = _metric(text, start, q, tails[k], end, own_names, dates)
        out.append(Phrase(start, max(end, tails[k]), metric))
    return _respectively(out, listed)


_LIST_ITEM = regex.compile(r"、|和|及|与")


def _respectively(phrases: list[Phrase], listed: list[bool]) -> list[Phrase]:
    """A list of values for a list of things, item by item: 高新技术企业、专精特新企业和科技型
    中小企业的专利覆盖率分别达30%、20%和10% gives 高新技术企业的专利覆盖率 30%, ….  Without a
    的 to share, each item alone (专利、商标和版权登记量 → 专利, 商标, 版权登记量)."""
    out = list(phrases)
    k = 0
    while k < len(out):
        n = 1
        while k + n < len(out) and listed[k + n]:
            n += 1
        parts = _LIST_ITEM.split(out[k].metric)
        if n > 1 and len(parts) == n and all(parts):
            shared = parts[-1].rsplit("的", 1)
            names = [p + "的" + shared[1] for p in parts[:-1]] + [parts[-1]] \
                if len(shared) == 2 else parts
            for i in range(n):
                out[k + i] = Phrase(out[k + i].start, out[k + i].end, names[i])
        k += n
    return out


def _with_foreign_subject(text: str, lo: int, pos: int, metric: str,
                          own_names: tuple[str, ...]) -> str:
    """``metric`` as another place's when the clause names that place last before the figure
    (略高于全省的平均值（每万人口养老床位数 28.16张） → 全省每万人口养老床位数)."""
    v = vocabulary()
    foreign = None
    for foreign in v.foreign.finditer(text, lo, pos):
        pass
    if foreign is None or not metric or metric.startswith(foreign.group()) or \
            foreign.group() in own_names:  # 全国 in a national document is its own subject
        return metric
    if _subjects(own_names).search(text, foreign.end(), pos):
        return metric
    return foreign.group() + metric


def figure_end(text: str, q: Quantity, limit: int) -> int:
    """Where a figure's own words end: after its bound words (以上, 左右) and, when it opens a
    bracket, the closing bracket (专利导航基地（1至3个）)."""
    end = _after_words().match(text, q.end, limit).end()
    if q.start > 0 and text[q.start - 1] in _OPEN and end < limit and text[end] in _CLOSE:
        end += 1
    return end


@cache
def _after_words() -> regex.Pattern:
    adjacent = unit_vocabulary().adjacent
    words = [*adjacent["approx_after"], *adjacent["bound_after"]]
    return regex.compile(rf"(?:{alternation(words)})*")


def _bracketed(text: str, q: Quantity, tail: int) -> bool:
    """The figure is all its bracket holds: （1至3个）."""
    return q.start > 0 and text[q.start - 1] in _OPEN and text[tail - 1] in _CLOSE


def _points_after(text: str, tail: int, limit: int, *, last: bool) -> bool:
    """The metric follows the figure (5家以上普惠性幼儿园, 1千余万元的社会投资): a noun comes
    next, not punctuation, a bracket, a conjunction or, before a next figure, only its cue words
    (27件增长48.1%)."""
    at = tail + 1 if tail < limit and text[tail] == "的" else tail
    if at >= limit or not _HAN.match(text[at]) or text[at] in "和及与或":
        return False
    return last or vocabulary().cue_end.fullmatch(text, at, limit) is None


def _metric(text: str, start: int, q: Quantity, tail: int, end: int,
            own_names: tuple[str, ...], dates: Sequence[DateMention]) -> str:
    """The words before the figure name its metric, unless they end in a verb of doing, which
    points to the words after it (每个示范县每年至少组织实施1项产业专利导航项目)."""
    v = vocabulary()
    before = _strip_before(text, start, q.start, own_names, dates)
    if before and not v.doing_end.search(before):
        return before
    after = _strip_after(text[tail:end]) if end > tail else ""
    return after or v.forward_end.sub("", before)


def _strip_before(text: str, start: int, end: int, own_names: tuple[str, ...],
                  dates: Sequence[DateMention]) -> str:
    """The metric in the words ``text[start:end]`` before a figure: inside the figure's bracket
    if it has words there (（每万人口养老床位数 28.16张）), else before it; no dates, subjects
    or cue words."""
    opened = _open_bracket(text, start, end)
    if opened is not None:
        if text[opened + 1:end].strip():
            start = opened + 1
        else:
            end = opened
    words = _without_dates(text, start, end, dates).strip(_PUNCT)
    marker = parse_marker(words)  # 1.每万人口养老床位数达到40张
    if marker is not None:
        words = words[marker.title_start:]
    v = vocabulary()
    return _stripped(words, (_subjects(own_names), v.lead))


def _stripped(words: str, starts: tuple[regex.Pattern, ...]) -> str:
    """``words`` without the leading ``starts`` and the trailing cue words, to a fixed point;
    a leading word stays where dropping it would leave a bare head (力争培训人员 → 培训人员:
    its 培训 is no verb to drop)."""
    v = vocabulary()
    while True:
        untailed = v.tail.sub("", words).strip(_PUNCT)
        started = _strip_start(untailed, starts)
        if started != untailed and normalise(started) in v.bare_heads:
            started = untailed
        if started == words:
            return words
        words = started


def _without_dates(text: str, start: int, end: int, dates: Sequence[DateMention]) -> str:
    """``text[start:end]`` without its dates; 年质押 and 每年 are flags, kept in the phrase."""
    parts, at = [], start
    for d in dates:
        if d.kind != "per-year" and d.end > at and d.start < end:
            parts.append(text[at:max(at, d.start)])
            at = min(d.end, end)
    parts.append(text[at:end])
    return "".join(parts)


@lru_cache(maxsize=64)
def _subjects(own_names: tuple[str, ...]) -> regex.Pattern:
    v = vocabulary()
    if not own_names:
        return v.subjects
    return regex.compile(f"{alternation(own_names)}|{v.subjects.pattern}")


def _strip_start(words: str, patterns: tuple[regex.Pattern, ...]) -> str:
    for p in patterns:
        m = p.match(words)
        if m:
            return words[m.end():].lstrip(_PUNCT)
    return words


def _open_bracket(text: str, start: int, end: int) -> int | None:
    """Where the bracket still open at ``end`` opens, after ``start``."""
    depth = 0
    for k in range(end - 1, start - 1, -1):
        if text[k] in _CLOSE:
            depth += 1
        elif text[k] in _OPEN:
            if depth == 0:
                return k
            depth -= 1
    return None


def _strip_after(words: str) -> str:
    """The noun phrase after a figure: no leading verb, up to a verb that points on (进行), after
    its last 的 (具备示范作用…的标准化养老机构 → 标准化养老机构)."""
    v = vocabulary()
    words = _strip_start(words.strip(_PUNCT), (v.lead,))
    cut = v.forward.search(words)
    if cut:
        words = words[:cut.start()]
    head = words.rsplit("的", 1)[-1]
    return (head if len(head) >= 2 else words).strip(_PUNCT + "“”\"")


def measured(metric: str, q: Quantity) -> dict:
    """The fields targets and facts share (:class:`~policyparse.model._Measured`) for a figure
    ``q`` of ``metric``."""
    return dict(metric=metric, metric_key=metric_key(metric, q.unit, q.unit_family) if metric
                else None, value=float(q.value), unit=q.unit, unit_family=q.unit_family,
                base_value=float(q.base_value))
