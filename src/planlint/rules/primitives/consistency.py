"""Consistency checks on the text of cells: stale years, wrong place names, swapped columns,
scopes beyond the plan's jurisdiction, modes impossible at this level, partners equal to the
initiator, known typos and untidy whitespace/punctuation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from ...findings import Edit
from ...plan import Cell, PlanMeta, Task
from ...values import LEVEL_CHARS, Mode
from ..registry import CELL_VARS, FIELD, FIELDS, WORDS, CellHit, Ctx, Hit, primitive
from .common import field_hit, normalize_body, text_spans

_YEAR = re.compile(r"(?<!\d)(20\d{2})(?=\s*年)")


# what a year-N check looks at in year N-1: its annual reports, entities registered before its end
_LOOKBACK = re.compile(
    r"\s*年(?:度?\s*(?:年报|年度报告|报告|报表)|\d{1,2}月\d{1,2}日?(?:前|以前|之前|止)|底|末)"
)


def _current(match: re.Match[str], year: int) -> bool:
    """The plan's year, or the year before where the text names what a year's check looks back on:
    `2022年度年报` and `2022年12月31日前登记` in a 2023 plan."""
    found = int(match.group())
    return found == year or (found == year - 1 and bool(_LOOKBACK.match(match.string, match.end())))


@primitive(
    "year_matches", ("cell",), {"fields": FIELDS}, required=("fields",), provides=("stale", "year", "new")
)
def year_matches(ctx: Ctx, cell: Cell) -> Iterator[CellHit]:
    """A year in the text (`2022年加油站…`, also spelled `二〇二二年`) other than the plan's year is usually
    copied from last year; last year's annual reports (`2022年度年报`) are what a 2023 check looks at."""
    year = ctx.plan.meta.year
    if not year:
        return
    found = _stale_years(cell.raw, year)
    if found:
        stale = sorted({y for _, y in found})
        spans = tuple(span for span, _ in found)
        # every stale year becomes the plan year, in digits
        new, last = [], 0
        for start, end in spans:
            new.append(cell.raw[last:start] + str(year))
            last = end
        fixed = "".join(new) + cell.raw[last:]
        yield CellHit(
            {"stale": "、".join(map(str, stale)), "year": year, "new": fixed.strip()}, fixed, spans=spans
        )


def _stale_years(raw: str, year: int) -> list[tuple[tuple[int, int], int]]:
    """(span in `raw`, year) of each year in `raw` that is not the plan's. A year spelled in Chinese
    numerals (二〇二二年) is read as the field parser's normalizer reads it, its span mapped back."""
    if not any(c in raw for c in "〇○零"):
        return [(m.span(), int(m.group())) for m in _YEAR.finditer(raw) if not _current(m, year)]
    from ...fields import normalize_with_offsets

    text, offsets = normalize_with_offsets(raw)
    return [
        ((offsets[m.start()], offsets[m.end() - 1] + 1), int(m.group()))
        for m in _YEAR.finditer(text)
        if not _current(m, year)
    ]


_PLACE_SUFFIXES = ("省", "市", "县", "区")


@lru_cache(maxsize=64)
def _wrong_place(place: str) -> re.Pattern[str] | None:
    """The plan's own place with another suffix: 泽州市 for 泽州县 (not 泽州市场监管局, not 泽州区域)."""
    if len(place) < 3 or place[-1] not in _PLACE_SUFFIXES:
        return None
    stem, own = place[:-1], place[-1]
    # `泽州市场监管局` abbreviates 泽州县市场监管局: a 市 followed by 场 is not a suffix; nor is 区 in 区域.
    return re.compile(
        re.escape(stem) + "([" + "".join(s for s in _PLACE_SUFFIXES if s != own) + "])(?![场域])"
    )


def _real_place(name: str) -> bool:
    """A division the gazetteer knows: 抚顺市 beside 抚顺县, 吉林省 above 吉林市, 荆州市 above 荆州区
    are other places sharing the plan's stem, not misspellings of it."""
    from ...meta import gazetteer

    return name in gazetteer().by_name


def _inside_real_place(text: str, start: int, end: int) -> bool:
    """text[start:end] is a real division, or the end of one (龙江省 in 黑龙江省 for a 龙江县 plan)."""
    return any(_real_place(text[max(0, start - k) : end]) for k in range(4))


@primitive("place_matches", ("cell",), {"fields": FIELDS}, required=("fields",), provides=("wrong", "new"))
def place_matches(ctx: Ctx, cell: Cell) -> Iterator[CellHit]:
    """The plan's own place written with the wrong suffix: 泽州市市场监督管理局 in a 泽州县 plan. A name
    that is itself a real division (the county's city 抚顺市 in a 抚顺县 plan) is not wrong."""
    place = ctx.plan.meta.place or ""
    wrong = _wrong_place(place)
    if wrong is None:
        return
    bad = [m for m in wrong.finditer(cell.raw) if not _inside_real_place(cell.raw, *m.span())]
    if bad:
        spans = {m.span() for m in bad}
        new = wrong.sub(lambda m: place if m.span() in spans else m.group(0), cell.raw)
        where = tuple(m.span() for m in bad)  # every occurrence the fix replaces
        yield CellHit({"wrong": bad[0].group(0), "place": place, "new": new.strip()}, new, spans=where)


@primitive(
    "place_current",
    ("cell",),
    {"fields": FIELDS},
    required=("fields",),
    provides=("old", "current", "year", "change", "source", "new"),
)
def place_current(ctx: Ctx, cell: Cell) -> Iterator[CellHit]:
    """A county or city named by a name it no longer had in the plan's year (太谷县 in a 2025 plan: 撤县设区
    2019): the current name, from the gazetteer's history (rules/place_history.tsv). The name valid in
    the plan's own year is right (太谷县 in a 2018 plan)."""
    from ...meta import gazetteer

    year = ctx.plan.meta.year
    if not year:
        return
    found = gazetteer().former_names(cell.raw, year)
    if found:
        new, last = [], 0
        for start, end, change in found:
            new += [cell.raw[last:start], change.current]
            last = end
        new.append(cell.raw[last:])
        first = found[0][2]
        yield CellHit(
            {
                "old": first.old,
                "current": first.current,
                "year": first.year,
                "change": first.change
                if first.new == first.current
                else f"{first.change}（后为{first.current}）",
                "source": first.source,
                "new": "".join(new).strip(),
            },
            "".join(new),
            spans=tuple((start, end) for start, end, _ in found),
        )


@primitive(
    "columns_swapped",
    ("task",),
    {"items": FIELD, "scope": FIELD, "action_words": WORDS, "object_words": WORDS},
    required=("items", "scope", "action_words", "object_words"),
    provides=(*CELL_VARS, "scope_raw"),
)
def columns_swapped(
    ctx: Ctx, task, items: str, scope: str, action_words: list[str], object_words: list[str]
) -> Iterator[Hit]:
    """抽查事项 should say what is checked, 抽查对象范围 who: flag rows where it reads the other way."""
    items_text, scope_text = task.text(items), task.text(scope)
    if not items_text or not scope_text:
        return
    items_acts = any(w in items_text for w in action_words)
    items_objects = any(w in items_text for w in object_words)
    scope_acts = any(w in scope_text for w in action_words)
    if scope_acts and items_objects and not items_acts:
        hit = field_hit(ctx.plan, task, items, scope_raw=scope_text)
        ci, cs = task.cells[items], task.cells[scope]
        hit.edits = (
            Edit(task.location_of(items), ci.raw, cs.raw, safe=False),
            Edit(task.location_of(scope), cs.raw, ci.raw, safe=False),
        )
        yield hit


@primitive(
    "scope_within",
    ("cell",),
    {"field": FIELD, "words": {"type": "object", "additionalProperties": WORDS}},
    required=("field", "words"),
    provides=("word",),
)
def scope_within(ctx: Ctx, cell: Cell, words: dict[str, list[str]]) -> Iterator[CellHit]:
    """A city or county plan cannot draw from the whole province (`全省…`, `本省…`), nor a county's
    from the whole city or prefecture above it (`全市…` in a district's or county's plan, `全州…`):
    the level words read as the plan's place means them, so `全市` is a county-level city's own."""
    place = _own_scope(ctx.plan.meta.place)
    for word in words.get(ctx.plan.meta.level or "", []):
        if word in cell.raw:
            where = text_spans(cell, word)
            yield CellHit({"word": word, "place": place}, spans=where)
            return
    above = _above_words(ctx.plan.meta)
    found = above.search(cell.raw) if above is not None else None
    if found:
        yield CellHit({"word": found[0], "place": place}, spans=(found.span(),))


def _own_scope(place: str | None) -> str:
    """The plan's own area as a scope names it: its place, or a station's 辖区 (巴公市场监督管理所辖区:
    a 市场监管所 is a body, not an area)."""
    if not place:
        return "本辖区"
    return f"{place}辖区" if place.endswith("所") else place


def _above_words(meta: PlanMeta) -> re.Pattern[str] | None:
    """全市 / 本市, 全州, 全盟 for a county-level plan whose 市 / 州 / 盟 is the level above it (not
    全市场, and not 本地区, which says "local"); for a township's plan (乡, 镇, 街道, 市场监管所) also
    全县 / 全区 / 全旗, its county's (not 全区域, "the whole area")."""
    if meta.level == "township":
        return _TOWNSHIP_ABOVE
    if meta.level != "county":
        return None
    words = word_levels(meta)
    above = sorted(w for w, level in words.items() if level == "city" and w != "地区")
    return re.compile(rf"[全本](?:{'|'.join(above)})(?!场)") if above else None


_TOWNSHIP_ABOVE = re.compile(r"[全本](?:县|旗|市|州|盟)(?!场)|[全本]区(?!域)")
_RANK = {"township": 0, "county": 1, "city": 2, "province": 3}


# X抽Y查 as written; the level words read relative to the plan's place (see word_levels)
_LEVEL_WORD = r"(?:自治区|省|市|州|盟|地区|县|区|旗)"
# 市抽县查 · 市抽县(区)查 · 省抽市县查 · 省抽市、县查: one drawing level, one or more inspecting ones
_PAIR = re.compile(
    rf"({_LEVEL_WORD})(?:级)?(?:抽取?|抽查)({_LEVEL_WORD}(?:[、，,]?{_LEVEL_WORD})*)(?:级)?"
    rf"(?:[（(]{_LEVEL_WORD}[)）])?(?:检?查|实施)"
)
_LEVEL_WORDS = re.compile(_LEVEL_WORD)
_ORG_IMPL = re.compile(
    r"(?:组织|发起)[:：]?(自治区|省|市|州|盟|地区|县|区|旗)级?\W{0,3}?实施[:：]?(自治区|省|市|州|盟|地区|县|区|旗)"
)
# 区局抽取 · 区级组织: the region's bureau drawing, in an autonomous region's plan (not 市区, 县区)
_REGION_DRAWS = re.compile(r"(?<![市县])区(?:局|级|本级)?(?:抽取|抽查|组织|发起)")
_WORD_LEVELS = {
    "自治区": "province",
    "省": "province",
    "州": "city",
    "盟": "city",
    "地区": "city",
    "市": "city",
    "县": "county",
    "区": "county",
    "旗": "county",
}


def word_levels(meta: PlanMeta) -> dict[str, str]:
    """What each level word means in a plan of this place. 市 names a county-level city, not the
    prefecture, in a county-level city's own plan (景洪市, 无为市: the plan's own level) and in a
    prefecture's that is not a 市 (西双版纳州, 锡林郭勒盟, 阿克苏地区: 州抽市查 sends its county-level
    cities to inspect); elsewhere 市 is the prefecture level (a 直辖市's 市 is the municipality itself,
    above its 区 and 县)."""
    from ...meta import gazetteer

    words = dict(_WORD_LEVELS)
    place = meta.place
    if not place:
        return words
    found = gazetteer().lookup(place, " ".join(meta.region))
    if meta.level == "county":
        if (found is not None and found.kind == "county-city") or (found is None and place.endswith("市")):
            words["市"] = "county"
    elif meta.level == "city" and place.endswith(("州", "盟", "地区")):
        words["市"] = "county"
    return words


def _region_plan(meta: PlanMeta) -> bool:
    """An autonomous region's own plan, where 区 drawing is the region (区抽市查, 区局抽取: 广西, 宁夏
    and 新疆 call the region's bureau 区局), while 市县(区) after it still names the districts that
    inspect (but 区抽区查 is the region's own inspection)."""
    return meta.level == "province" and (meta.place or "").endswith("自治区")


def mode_pairs(meta: PlanMeta, raw: str, value: Mode | None) -> list[tuple[str, str | None, str | None]]:
    """(written pair, drawing level, inspecting level) for each pair of a mode cell: the written
    X抽Y查 read with the level words of the plan it is in where the cell has them (盟抽旗查 too), else
    the parsed pairs (a pair naming only who draws, 市局抽取, has no inspecting level)."""
    words = word_levels(meta)
    region = _region_plan(meta)
    drawing = {**words, "区": "province"} if region else words
    written = [(x, y) for x, ys in _PAIR.findall(raw) for y in _LEVEL_WORDS.findall(ys)]
    written = written or _ORG_IMPL.findall(raw)
    if written:  # 区抽区查 in a region's plan is the region's own inspection, as 省抽省查 is
        return [(f"{x}抽{y}查", drawing[x], drawing[y] if x == y else words[y]) for x, y in written]
    if value is None:
        return []
    region_draws = region and _REGION_DRAWS.search(raw) is not None
    return [
        (p.canonical(), "province" if region_draws and p.select == "county" else p.select, p.inspect)
        for p in value.pairs
    ]


# Said of a mode that names only who inspects (市级检查): the plan may be listing a task its superior
# runs in its territory, for information, rather than arranging that inspection itself.
_LISTED_ONLY = "；若此项由上级部门自行实施、本计划只是列出，请在备注中写明“上级实施，本级配合”"


@primitive(
    "mode_level", ("cell",), {"field": FIELD}, required=("field",), provides=("bad", "level_char", "note")
)
def mode_level(ctx: Ctx, cell: Cell) -> Iterator[CellHit]:
    """No level inspects above its own: 省抽省查 or 市抽市查 cannot appear in a county plan — except
    where 市 is the county level itself (a county-level city's plan). A cell naming several
    inspecting levels (省抽市县查, 市抽市查、市抽县(区)查) is possible as long as one of them is
    this plan's level or below: the plan carries its own part. Who draws (市局抽取) says nothing
    about who inspects.

    A cell naming only who inspects (市级检查, no drawing level) is a weaker premise: templates such
    as 武汉's have a district list every task run in its territory with who runs it, so the
    breach is uncertain and the hit is a warning that says how to make the listing explicit."""
    value = cell.value
    level = ctx.plan.meta.level
    if not isinstance(value, Mode) or level not in _RANK:
        return
    if level == "township":
        # no mode word names a level below the county's, and a 市场监管所 or a township inspects what
        # its county draws (县抽县查) as the county's own part: a township plan's modes are judged at
        # the county's level, so only a city's or province's own inspection is above it
        level = "county"
    pairs = [
        (text, select, inspect)
        for text, select, inspect in mode_pairs(ctx.plan.meta, cell.text, value)
        if inspect in _RANK
    ]
    bad = [(text, select) for text, select, inspect in pairs if _RANK[inspect] > _RANK[level]]
    if bad and len(bad) == len(pairs):
        listed_only = all(select is None for _, select in bad)
        yield CellHit(
            {
                "bad": "、".join(text for text, _ in bad),
                "level_char": LEVEL_CHARS[level],
                "note": _LISTED_ONLY if listed_only else "",
            },
            severity="warning" if listed_only else None,
        )


_LIST_SEP = re.compile(r"[、，,；;/\s]+")


@primitive(
    "partner_differs",
    ("task",),
    {"initiator": FIELD, "partner": FIELD, "office": FIELD},
    required=("initiator", "partner"),
    provides=(*CELL_VARS, "initiator_raw", "same"),
)
def partner_differs(
    ctx: Ctx, task: Task, initiator: str, partner: str, office: str | None = None
) -> Iterator[Hit]:
    """A department named both as initiator and as partner. Either cell may list several
    (`区市场监管局、区商务局`). The office column (牵头股室, 承办处室, 实施部门) names who leads the
    task as well: in a plan without a 发起部门 column it stands for the initiator, and beside one
    it names the initiator's own office, which cannot be its partner either. With no other partner
    left the task is not joint at all (the rule's severity); a partner list that also names other
    departments only repeats one (a warning), and so does an internal plan, whose partners are the
    bureau's own offices (a slip in the form, not a joint task counted twice)."""
    leads = [text for key in (initiator, office) if key and (text := task.text(key))]
    initiators = {normalize_body(p) for text in leads for p in _LIST_SEP.split(text) if p}
    if not initiators:
        return
    partners = [p for p in _LIST_SEP.split(task.text(partner)) if p]
    same = [p for p in partners if normalize_body(p) in initiators]
    if same:
        hit = field_hit(ctx.plan, task, partner, initiator_raw="、".join(leads), same="、".join(same))
        if len(same) < len(partners) or ctx.plan.meta.kind != "joint":
            hit.severity = "warning"
        hit.spans = text_spans(task.get(partner), *same)
        yield hit


@lru_cache(maxsize=8)
def _typo_pattern(pairs: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    """The typo list as one alternation of escaped literals: linear, no backtracking, one pass per cell."""
    return re.compile("|".join(re.escape(w) for w, _ in sorted(pairs, key=lambda p: -len(p[0]))))


@primitive(
    "substitute",
    ("cell",),
    {
        "map": {"type": "object", "additionalProperties": {"type": "string"}, "minProperties": 1},
        "fields": FIELDS,
    },
    required=("map",),
    provides=("wrong", "right", "new"),
)
def substitute(ctx: Ctx, cell: Cell, map: dict[str, str]) -> Iterator[CellHit]:
    """Known typos, as literal text (no regular expressions from rule files: nothing can backtrack).
    Without `fields`, in every column."""
    pattern = _typo_pattern(tuple(map.items()))
    for wrong in dict.fromkeys(pattern.findall(cell.raw)):
        right = map[wrong]
        new = cell.raw.replace(wrong, right)
        yield CellHit(
            {"wrong": wrong, "right": right, "new": new.strip()},
            new,
            safe=True,
            spans=text_spans(cell, wrong),
        )


_CJK = r"[\u3400-\u9fff%）)]"


@lru_cache(maxsize=1)
def _tidy_patterns() -> list[tuple[re.Pattern[str], str]]:
    # compiled on first use, not at import: start-up of `planlint check` on a small plan
    return [
        (re.compile(r"[ \t\u3000]{2,}"), " "),
        (re.compile(r"(?<=" + _CJK + r")\s*;\s*"), "；"),
        (re.compile(r"(?<=" + _CJK + r")\s*,\s*(?=[\u3400-\u9fff\d])"), "，"),
        # (?<!\s): start only at the beginning of a whitespace run, else long runs are quadratic
        (re.compile(r"(?<!\s)\s*([；，。：、])[ \t\u3000]+"), r"\1"),
    ]


@lru_cache(maxsize=65536)
def tidy(text: str) -> str:
    """Whitespace and punctuation a person would not notice but that breaks consistency.
    Memoized: a plan's distinct cells are tidied once each anyway (the engine), but a batch's
    plans repeat the same texts (bodies, risk clauses, windows) from county to county."""
    new = text.strip(" \t\u3000\r\n")
    if not new.isalnum():  # plain words and numbers have nothing to tidy
        for pattern, repl in _tidy_patterns():
            new = pattern.sub(repl, new)
    return new


@primitive("tidy_text", ("cell",), {"fields": FIELDS}, required=("fields",), provides=("new",))
def tidy_text(ctx: Ctx, cell: Cell) -> Iterator[CellHit]:
    if cell.raw:
        new = tidy(cell.raw)
        if new != cell.raw:
            yield CellHit({"new": new}, new, safe=True)
