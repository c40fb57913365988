"""Cross-plan checks: a county plan against its city plan and its sibling county plans, and an
internal plan against the same body's joint plan ("能纳入联合抽查的不再单独开展系统内抽查").

Tasks are matched with planlint.matching (normalized similarity, explained); matches are cached per
pair of plans in the run's data (ctx.run) so a batch of a hundred county plans matches each pair once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...fields import parse
from ...findings import Span
from ...matching import Match, closest, distinctive, match_tasks, plain
from ...plan import Cell, Plan, PlanMeta, Task
from ...values import DatePoint, Mode, Ratio, Window
from ..registry import CELL_VARS, Ctx, Hit, primitive
from .common import field_hit, kept_spans
from .consistency import mode_pairs
from .dates import plan_year
from .quota import quota_text, task_quota

DEFAULT_THRESHOLD = 0.7

# The levels of plans, and the words for each in an initiator or inspector cell. A plan is checked
# against a superior of a higher level: a township (乡, 镇, 街道, a 市场监管所) against its county and
# city, a county against its city (or province), a city against its province. "The superior" and "the
# lower level" below are relative to the plan being checked.
_RANK = {"township": 0, "county": 1, "city": 2, "province": 3}
# A township's words are whole words (乡镇, 乡（镇）, 街道, 各乡, 镇政府, 市场监管所, 各所), never a lone 乡 or
# 镇 inside another word (城乡建设, 城镇, 乡村振兴, 镇燃气) nor 市场所 inside 市场所有.
_TOWNSHIP_TEXT = (
    r"乡镇|乡[（(]镇[)）]|各乡|各镇|街道|苏木|[乡镇](?:人民)?政府|"
    r"(?:市场监管|市场监督管理|工商|基层)所|市场所(?!有)|各所(?!属|有)"
)
_LEVEL_TEXT = {
    "township": _TOWNSHIP_TEXT,
    "county": r"县|(?<!辖)区|旗",
    "city": r"市(?!场)|州|盟",
    "province": r"省",
}
# Who initiates: each lower-level bureau (各地组织发起, 各县区局发起; 各市 for a province's plan; 各乡镇、
# 各市场监管所 for a township's) …
_LOWER_INITIATE = {
    "township": re.compile(
        r"(?:各乡|各镇|各街道|乡镇|乡级|镇级|各(?:市场监管|市场监督管理|基层)?所)[^，,；;。抽检查]{0,8}?(?:自行|组织|发起)"
    ),
    "county": re.compile(r"各地|各县|县区局|县（市、区）|县\(市、区\)|县级|各区"),
    "city": re.compile(r"各地|各市(?!场)|各设区市|市级|各州|各盟"),
}
# … or the superior itself (县局发起 in a county plan, 市局发起 in a city plan, 省局发起 in a province
# plan).
_SUPERIOR_INITIATES = {
    "township": re.compile(r"(?:[县区]|市(?!场))(?:局|级|市场监|.{0,6}局.{0,4}发起)"),
    "county": re.compile(r"市局|市级|市市场监|市.{0,6}局.{0,4}发起"),
    "city": re.compile(r"省局|省级|省市场监|省.{0,6}局.{0,4}发起"),
}
# a township's bodies named as inspecting a task its county draws (各市场监管所检查, 各乡镇（街道）实施)
_STATIONS = re.compile(rf"(?:{_LEVEL_TEXT['township']})[^，,；;。抽]{{0,6}}?(?:检查|实施|查)")
_WHO_INSPECTS = ("mode", "inspector", "partner")
# how superior-task-missing names the bureaus of the plan's level, and sibling-inconsistent its peers
_LOWER_NAMES = {"township": "各乡镇（街道）", "county": "各县", "city": "各市"}
_PEER_NAMES = {"township": "乡镇（街道）", "county": "县", "city": "市"}
# Who inspects a task the superior draws, when its mode names only who draws (市局抽取): the
# inspector or co-inspecting column naming the plan's level or below (县(市、区)级市场监管部门,
# 各县区局), else a level above it (市市场监督管理局).
_AT_OR_BELOW = {
    level: re.compile("|".join(t for lv, t in _LEVEL_TEXT.items() if _RANK[lv] <= rank) + "|各地")
    for level, rank in _RANK.items()
}
_ABOVE = {
    level: re.compile("|".join(t for lv, t in _LEVEL_TEXT.items() if _RANK[lv] > rank) or "(?!)")
    for level, rank in _RANK.items()
}


def matches(ctx: Ctx, plan: Plan, other: Plan) -> dict[int, Match]:
    """Best one-to-one matches of plan's tasks (by index) with other's tasks, cached per run."""
    cache = ctx.run.matches
    key = (id(plan), id(other))
    if key not in cache:
        threshold = ctx.param("match_threshold") or DEFAULT_THRESHOLD
        # a superior's rows meant for other places (a province plan's 地市 column) are not candidates
        others = [t for t in other.tasks if applies_to(t, plan)]
        cache[key] = match_tasks(plan.tasks, others, float(threshold))
    return cache[key]


def _same_year(ctx: Ctx, plan: Plan, other: Plan) -> bool:
    if plan.meta.year and other.meta.year and plan.meta.year != other.meta.year:
        ctx.notes.add(
            f"{other.meta.title or other.path} 是 {other.meta.year} 年的计划，与 {plan.meta.title or plan.path}"
            f"（{plan.meta.year} 年）年度不同，未做跨计划比对；"
            "如年度识别有误，可指定计划年度（命令行 --year 或配置文件 meta.year）。"
        )
        return False
    return True


def _contents(plan: Plan, keys: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(plain(t.text(k)) for k in keys) for t in plan.tasks)


def same_plan(ctx: Ctx, plan: Plan, other: Plan) -> bool:
    """Two inputs that are one plan (the same table saved as .xlsx and as .csv, or read twice): the
    same tasks in the columns both have, or the same title (one inside the other: a text export
    prefixes its source), place and year. Such a pair is never compared as internal vs joint, as
    siblings, or as county vs city. Decided once per pair and run."""
    if plan is other:
        return True
    cache = ctx.run.same_plan
    key = (id(plan), id(other))
    if key not in cache:
        keys = tuple(sorted(k for k in plan.columns.keys() & other.columns.keys() if k != "seq"))
        same = "name" in keys and bool(plan.tasks) and _contents(plan, keys) == _contents(other, keys)
        short, long_ = sorted((plain(plan.meta.title or ""), plain(other.meta.title or "")), key=len)
        same = same or (
            len(short) >= 8
            and short in long_
            and plan.meta.year == other.meta.year
            and plan.meta.place == other.meta.place
        )
        cache[key] = cache[(id(other), id(plan))] = same
    return cache[key]


def superiors_of(ctx: Ctx) -> list[Plan]:
    """The superior plans this plan is compared with: of its year, not itself, and of a higher
    level where both levels are known (a city's plan given as the superior of another city's is
    not its superior)."""
    plan = ctx.plan
    return [
        s
        for s in ctx.superiors
        if not same_plan(ctx, plan, s)
        and _same_year(ctx, plan, s)
        and not (
            plan.meta.level in _RANK
            and s.meta.level in _RANK
            and _RANK[s.meta.level] <= _RANK[plan.meta.level]
        )
    ]


def for_plan(task: Task, plan: Plan, superior: PlanMeta | None = None) -> bool:
    """A superior task the plan's bureau is to initiate: one each bureau of its level initiates,
    or the superior's row for this very place (a province plan's 地市 column naming the city)."""
    if for_counties(task, level_of(plan), superior):
        return True
    region = task.text("region")
    if not region or not plan.meta.place:
        return False
    from ...meta import gazetteer

    found = gazetteer().find(region)
    return found is not None and found.name == plan.meta.place


def level_of(plan: Plan) -> str:
    """The level a plan is checked at against its superior: a city's or a township's, else a county's.
    A county-level unit directly under a province (仙桃市, 济源市, 海南's counties) stands where a city
    does in its province's plan: 省抽市查 and 各市组织发起 are its part. A township's plan is no
    county's: 各县组织发起 and 市抽县查 in its superiors' plans are its county's part, not its own."""
    if plan.meta.level in ("city", "township"):
        return plan.meta.level
    from ...meta import gazetteer

    region = plan.meta.region
    parent = gazetteer().lookup(region[1]) if len(region) == 2 else None
    return "city" if parent is not None and parent.kind in ("province", "autonomous-region") else "county"


# A functional zone, or a city bureau's branch named after one, as a mode or initiator cell names it
# (新区抽新区查, 开发区分局自行组织发起, 市抽园区查); the levels a zone is not (县, 区局, 各地)
_ZONE_BODY = re.compile(r"(?:高新区|经开区|开发区|新区|园区|自贸区|保税区)(?:分局)?")
_NOT_ZONE = re.compile(r"县|(?<!辖)区|旗|各地")


def for_zones_only(task: Task) -> bool:
    """A superior task whose mode or initiator names functional zones as its only county-level bodies
    (新区抽新区查, 开发区抽开发区查, 高新区分局自行组织发起, 市抽园区查): the zones' part, not each
    county's. 县区局、市局各园区分局自行组织发起 names the counties as well, and 市抽市查（含经开区）
    gives the zone no county-level part."""
    text = task.text("mode") or task.text("initiator")
    if not _ZONE_BODY.search(text) or _NOT_ZONE.search(_ZONE_BODY.sub("", text)):
        return False
    mode = task_mode(task)
    return mode is not None and any("county" in (p.select, p.inspect) for p in mode.pairs)


def applies_to(task: Task, plan: Plan) -> bool:
    """A superior task meant for this plan's place: a province plan's row for 太原市 (its 地市 column)
    binds 太原市 and its counties, not 大同市; a task the superior gives its functional zones (新区抽新区查)
    binds a zone's plan, not a county's. A row naming no known place binds every place."""
    from ...meta import gazetteer

    if for_zones_only(task) and not gazetteer().is_zone(plan.meta.place or ""):
        return False
    region = task.text("region")
    if not region or not plan.meta.region:
        return True
    found = gazetteer().find(region)
    return found is None or found.name in plan.meta.region


def task_mode(task: Task, owner: str | None = None) -> Mode | None:
    """The task's 抽查检查模式; without a mode column, what its 发起方式 says when that reads as one
    (市级统一组织发起, 县(区)级自行组织发起, 市、县(区)级分别组织发起). `owner` is the level of the plan
    the task is in: a 发起方式 relative to it (本级组织发起, 上级发起、本级检查) is read at that level, as
    mode cells are when the plan is built (columns.resolve_levels); unknown, such pairs are left out."""
    mode = task.value("mode")
    if isinstance(mode, Mode):
        return mode
    if "mode" in task.cells or not task.text("initiator"):
        return None
    parsed = parse("mode", task.text("initiator"))
    return parsed.at_level(owner) if isinstance(parsed, Mode) else None


def city_role(task: Task, level: str = "county", superior: PlanMeta | None = None) -> str | None:
    """How the superior runs this task, for a plan of `level` below it: 'county-inspects' (the
    plan's level or below inspects what the superior draws: 市抽县查 for a county, 省抽市查 for a
    city), 'city-inspects' (the superior inspects itself: 市抽市查, 市局发起), 'city-draws' (市局抽取,
    市级统一组织发起: the superior draws and no column says who inspects), or None when the plan's
    level initiates it itself. The mode's level words are read as the superior's plan means them
    (`州抽市查` in a 州's plan sends its county-level cities)."""
    if for_counties(task, level, superior):  # each lower bureau initiates its own part (各地组织发起)
        return None
    rank = _RANK.get(level, 1)
    mode = task_mode(task, superior.level if superior is not None else None)
    pairs = [(p.select, p.inspect) for p in mode.pairs] if mode is not None else []
    if superior is not None:
        written = task.text("mode") if mode is None or "mode" in task.cells else task.text("initiator")
        pairs = [(x, y) for _, x, y in mode_pairs(superior, written, mode)] or pairs
    if pairs:
        drawn = [(x, y) for x, y in pairs if x is not None and _RANK[x] > rank]
        inspectors = {y for _, y in drawn}
        if any(i is not None and _RANK[i] <= rank for i in inspectors):
            return "county-inspects"
        if level == "township" and drawn and _STATIONS.search(" ".join(task.text(k) for k in _WHO_INSPECTS)):
            # 县局抽取、各市场监管所检查, 县抽县查 with 各乡镇 inspecting: the mode words read the county's
            # stations as the county, but for a township's plan they are its own part
            return "county-inspects"
        if inspectors - {None}:
            return "city-inspects"
        if drawn:
            where = " ".join(task.text(k) for k in ("inspector", "partner"))
            if _AT_OR_BELOW[level].search(where):
                return "county-inspects"
            return "city-inspects" if _ABOVE[level].search(where) else "city-draws"
    said = _unread_mode(task, level)
    initiates = _SUPERIOR_INITIATES.get(level)
    if initiates is None or not initiates.search(task.text("initiator") + said):
        return None
    where = " ".join(task.text(k) for k in ("inspector", "partner")) + said
    return "county-inspects" if said and _AT_OR_BELOW[level].search(where) else "city-inspects"


def _unread_mode(task: Task, level: str) -> str:
    """For a township's plan, the text of the superior's mode cell the grammar does not read (县局抽取、
    各乡镇（街道）检查, 各市场监管所自行组织发起: no mode word names a level below the county's), so
    that its words say who draws and who inspects as an initiator cell's do; "" otherwise."""
    if level != "township" or isinstance(task.value("mode"), Mode):
        return ""
    return " " + task.text("mode")


def for_counties(task: Task, level: str = "county", superior: PlanMeta | None = None) -> bool:
    """A superior task that each bureau of the plan's `level` is to initiate (各地组织发起, 各县区局发起,
    县抽县查, 县(区)级自行组织发起; 各市组织发起, 市抽市查 in a province's plan for a city)."""
    words = _LOWER_INITIATE.get(level)
    if words is not None and words.search(task.text("initiator") + _unread_mode(task, level)):
        return True
    mode = task_mode(task, superior.level if superior is not None else None)
    return mode is not None and any(p.select == level for p in mode.pairs)


def carried_by_county(task: Task, level: str = "county", superior: PlanMeta | None = None) -> bool:
    """A superior task the plan's level carries out — inspecting what the superior draws (市抽县查)
    or initiating it itself (各地组织发起, 县抽县查) — so that its ratio and window bind the plan's
    task. A task the superior inspects itself (市抽市查) sets nothing for the plan's own tasks."""
    return city_role(task, level, superior) == "county-inspects" or for_counties(task, level, superior)


def _carried(ctx: Ctx, plan: Plan, sup: Plan) -> list[Match]:
    level = level_of(plan)
    return [
        m
        for m in matches(ctx, plan, sup).values()
        if carried_by_county(m.other, level, sup.meta) or for_plan(m.other, plan, sup.meta)
    ]


# the variables _sup_vars sets
SUP_VARS = ("superior_name", "superior_seq", "superior_plan", "superior_mode", "reason")


def _sup_vars(m: Match, sup: Plan) -> dict:
    return {
        "superior_name": m.other.name,
        "superior_seq": m.other.seq,
        "superior_plan": sup.meta.title or sup.path,
        "superior_mode": m.other.text("mode") or m.other.text("initiator"),
        "reason": m.reason,
    }


@primitive("superior_duplicated", ("plan-set",), provides=(*CELL_VARS, *SUP_VARS))
def superior_duplicated(ctx: Ctx, task: None) -> Iterator[Hit]:
    """A plan's task matching a task its superior runs (a county's against its city's, a city's
    against its province's). 市抽县查 is the case the basis forbids outright (the county would
    inspect the same drawn targets twice), and so is a task the superior draws without saying who
    inspects (市局抽取: the targets are drawn, the county must not initiate them again); a match
    with a task the superior inspects itself (市抽市查) is reported at info level as a possible
    overlap."""
    level = level_of(ctx.plan)
    for sup in superiors_of(ctx):
        for m in matches(ctx, ctx.plan, sup).values():
            role = city_role(m.other, level, sup.meta)
            if role is None:
                continue
            hit = field_hit(ctx.plan, m.task, "name", **_sup_vars(m, sup))
            hit.spans = _name_spans(m.task)
            if role == "city-inspects":
                hit.severity = "info"
            yield hit


@primitive(
    "superior_missing",
    ("plan-set",),
    provides=(
        "superior_name",
        "superior_seq",
        "superior_initiator",
        "superior_plan",
        "closest",
        "raw",
        "lower",
    ),
)
def superior_missing(ctx: Ctx, task: None) -> Iterator[Hit]:
    """Each superior task that bureaus of the plan's level are to initiate (各地组织发起, 县抽县查 for
    counties; 各市组织发起 for cities) should have a matching task in the plan, unless the superior
    meant it for another place (its 地市 column)."""
    level = level_of(ctx.plan)
    for sup in superiors_of(ctx):
        matched = {id(m.other) for m in matches(ctx, ctx.plan, sup).values()}
        for t in sup.tasks:
            if id(t) not in matched and for_plan(t, ctx.plan, sup.meta) and applies_to(t, ctx.plan):
                score, near = closest(t, ctx.plan.tasks)
                hint = (
                    f"；最接近的是本计划任务{near.seq}「{near.name}」（匹配度{score:.0%}），若是同一任务请统一任务名称与抽查事项的写法"
                    if near is not None and score >= 0.4
                    else ""
                )
                yield Hit(
                    ctx.plan.source,
                    field="name",
                    vars={
                        "superior_name": t.name,
                        "superior_seq": t.seq,
                        "superior_initiator": t.text("initiator") or t.text("mode"),
                        "lower": _LOWER_NAMES[level],
                        "superior_plan": sup.meta.title or sup.path,
                        "closest": hint,
                        "raw": "",
                    },
                )


def _name_spans(task: Task) -> tuple[Span, ...]:
    """The words of the task's name that the match compared (and its reason quotes)."""
    return kept_spans(task.get("name"), distinctive(task.text("name")))


def _ratio_spans(cell: Cell | None, ratio: Ratio) -> tuple[Span, ...]:
    """Where the cell writes the ratio's number (5%, 5％, 5.0 %), every occurrence."""
    if cell is None:
        return ()
    number = re.escape(format(ratio.low.normalize(), "f"))
    found = re.finditer(rf"(?<![\d.]){number}(?:\.0+)?\s*[%％]", cell.raw)
    return tuple(m.span() for m in found if m.group() != cell.raw.strip())  # a whole cell marks nothing


def _end_spans(cell: Cell | None, end: DatePoint) -> tuple[Span, ...]:
    """Where the cell writes the window's end (`12月` of 3月—12月): its last occurrence."""
    if cell is None:
        return ()
    for text in (str(end), f"{end.month}月{end.day}日" if end.day else "", f"{end.month}月"):
        at = cell.raw.rfind(text) if text else -1
        if at >= 0:
            return () if text == cell.raw.strip() else ((at, at + len(text)),)
    return ()


def _ratio(task: Task) -> tuple[Ratio | None, str]:
    """The task's ratio from whichever column states it, and that column's key."""
    whole = task_quota(task)
    if whole is None or whole.quota.ratio is None:
        return None, "quota"
    return whole.quota.ratio, whole.sources["ratio"]


def _ratio_shown(task: Task, ratio: Ratio) -> str:
    """The ratio as a message shows it: with the kind of object it is for when the task gives a ratio
    per kind (1%（个体工商户）), whose lowest is the one compared."""
    whole = task_quota(task)
    kinds = [kind for kind, r in whole.quota.by_kind if r == ratio] if whole is not None else []
    return f"{ratio.canonical()}（{'、'.join(kinds)}）" if kinds else ratio.canonical()


@primitive("quota_below_superior", ("plan-set",), provides=(*CELL_VARS, *SUP_VARS, "superior_ratio", "ratio"))
def quota_below_superior(ctx: Ctx, task: None) -> Iterator[Hit]:
    for sup in superiors_of(ctx):
        for m in _carried(ctx, ctx.plan, sup):
            (mine, key), (theirs, _) = _ratio(m.task), _ratio(m.other)
            if mine is not None and theirs is not None and mine.low < theirs.low:
                hit = field_hit(
                    ctx.plan,
                    m.task,
                    key,
                    superior_ratio=_ratio_shown(m.other, theirs),
                    ratio=_ratio_shown(m.task, mine),
                    **_sup_vars(m, sup),
                )
                hit.spans = _ratio_spans(m.task.get(key), mine)
                yield hit


@primitive(
    "window_outside_superior",
    ("plan-set",),
    provides=(*CELL_VARS, *SUP_VARS, "superior_window", "superior_end"),
)
def window_outside_superior(ctx: Ctx, task: None) -> Iterator[Hit]:
    for sup in superiors_of(ctx):
        for m in _carried(ctx, ctx.plan, sup):
            mine, theirs = m.task.value("window"), m.other.value("window")
            if not (isinstance(mine, Window) and isinstance(theirs, Window)):
                continue
            year = plan_year(ctx, mine)
            try:
                late = mine.end_date(year) > theirs.end_date(year)
            except ValueError:
                continue
            if late:
                hit = field_hit(
                    ctx.plan,
                    m.task,
                    "window",
                    superior_window=m.other.text("window"),
                    superior_end=theirs.end,
                    **_sup_vars(m, sup),
                )
                hit.spans = _end_spans(m.task.get("window"), mine.end)
                yield hit


def _joint_plans(ctx: Ctx) -> dict[str, list[Plan]]:
    """The run's joint plans by place, indexed once per run (ctx.run is shared by its plans):
    a batch of a thousand internal plans would otherwise scan every plan for each."""
    index = ctx.run.joint_plans
    if index is None:
        index = ctx.run.joint_plans = {}
        for p in [*ctx.plans, *ctx.superiors]:
            if p.meta.kind == "joint" and p.meta.place:
                index.setdefault(p.meta.place, []).append(p)
    return index


@primitive(
    "internal_joint_duplicate",
    ("plan-set",),
    provides=(*CELL_VARS, "joint_plan", "joint_seq", "joint_name", "reason"),
)
def internal_joint_duplicate(ctx: Ctx, task: None) -> Iterator[Hit]:
    """An internal-plan task that the same place's joint plan already covers."""
    plan = ctx.plan
    if plan.meta.kind != "internal":
        return
    joints = [
        p
        for p in _joint_plans(ctx).get(plan.meta.place or "", ())
        if not same_plan(ctx, plan, p) and _same_year(ctx, plan, p)
    ]
    for joint in joints:
        for m in matches(ctx, plan, joint).values():
            hit = field_hit(
                plan,
                m.task,
                "name",
                joint_plan=joint.meta.title or joint.path,
                joint_seq=m.other.seq,
                joint_name=m.other.name,
                reason=m.reason,
            )
            hit.spans = _name_spans(m.task)
            yield hit


def _same_parent(plan: Plan, other: Plan) -> bool:
    """Two plans under the same division (泽州县 and 高平市 under 晋城市), or either's place unknown:
    a county of another city in the batch is no sibling, whatever superior both are checked against."""
    mine, theirs = plan.meta.region[1:2], other.meta.region[1:2]
    return not (mine and theirs) or mine == theirs


@primitive(
    "sibling_inconsistent",
    ("plan-set",),
    provides=(*CELL_VARS, *SUP_VARS, "others", "count", "window_raw", "peers"),
)
def sibling_inconsistent(ctx: Ctx, task: None) -> Iterator[Hit]:
    """The same city task carried by several counties with different ratios or windows."""
    plan = ctx.plan
    superiors = superiors_of(ctx)
    if not superiors:  # without a superior plan there is nothing to carry; skip the O(plans²) scan
        return
    siblings = [
        p
        for p in ctx.plans
        if p.meta.level == plan.meta.level
        and p.meta.year == plan.meta.year
        and _same_parent(plan, p)
        and not same_plan(ctx, plan, p)
    ]
    for sup in superiors:
        mine = {id(m.other): m for m in _carried(ctx, plan, sup)}
        if not mine:
            continue
        carried: dict[int, list[tuple[Plan, Task]]] = {}
        for sib in siblings:
            for m in _carried(ctx, sib, sup):
                carried.setdefault(id(m.other), []).append((sib, m.task))
        for key, m in mine.items():
            differing = [
                f"{sib.meta.place or sib.path}：{quota_text(t) or '（无比例）'}、{t.text('window') or '（无时间）'}"
                for sib, t in carried.get(key, [])
                if (quota_text(t), t.text("window")) != (quota_text(m.task), m.task.text("window"))
            ]
            if differing:
                # the cell stating the ratio: the quota column, else a 抽查比例 column of its own
                cell = "quota" if "quota" in m.task.cells else _ratio(m.task)[1]
                yield field_hit(
                    plan,
                    m.task,
                    cell,
                    others="；".join(differing),
                    count=len(differing),
                    peers=_PEER_NAMES[level_of(plan)],
                    window_raw=m.task.text("window"),
                    **_sup_vars(m, sup),
                )
