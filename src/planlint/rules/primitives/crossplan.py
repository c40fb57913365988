"""Cross-plan checks: a county plan against its city plan and its sibling county plans, and an
internal plan against the same body's joint plan ("能纳入联合抽查的不再单独开展系统内抽查").

Tasks are matched with planlint.matching (normalized similarity, explained); matches are cached per
pair of plans in the run's data (ctx.run) so a batch of a hundred county plans matches each pair once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...matching import Match, closest, match_tasks, plain
from ...plan import Plan, Task
from ...values import Mode, Ratio, Window
from ..registry import CELL_VARS, Ctx, Hit, primitive
from .common import field_hit
from .dates import plan_year
from .quota import quota_text, task_quota

DEFAULT_THRESHOLD = 0.7

# Who initiates: the city itself, or each county.
_CITY_INITIATES = re.compile(r"市局|市级|市市场监|市.{0,6}局.{0,4}发起")
_COUNTIES_INITIATE = re.compile(r"各地|各县|县区局|县（市、区）|县\(市、区\)|县级|各区")


def matches(ctx: Ctx, plan: Plan, other: Plan) -> dict[int, Match]:
    """Best one-to-one matches of plan's tasks (by index) with other's tasks, cached per run."""
    cache = ctx.run.matches
    key = (id(plan), id(other))
    if key not in cache:
        threshold = ctx.param("match_threshold") or DEFAULT_THRESHOLD
        cache[key] = match_tasks(plan.tasks, other.tasks, float(threshold))
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
    return [s for s in ctx.superiors if not same_plan(ctx, ctx.plan, s) and _same_year(ctx, ctx.plan, s)]


def city_role(task: Task) -> str | None:
    """How the superior runs this task: 'county-inspects' (市抽县查), 'city-inspects' (市抽市查 or
    市局发起), or None when the counties initiate it themselves."""
    initiator = task.text("initiator")
    if _COUNTIES_INITIATE.search(initiator):
        return None
    mode = task.value("mode")
    if isinstance(mode, Mode):
        inspectors = {p.inspect for p in mode.pairs if p.select in ("city", "province")}
        if "county" in inspectors:
            return "county-inspects"
        if inspectors:
            return "city-inspects"
    return "city-inspects" if _CITY_INITIATES.search(initiator) else None


def for_counties(task: Task) -> bool:
    """A superior task that each county is to initiate (各地组织发起, 各县区局发起, 县抽县查)."""
    if _COUNTIES_INITIATE.search(task.text("initiator")):
        return True
    mode = task.value("mode")
    return isinstance(mode, Mode) and any(p.select == "county" for p in mode.pairs)


def carried_by_county(task: Task) -> bool:
    """A superior task the county carries out — inspecting what the city draws (市抽县查) or
    initiating it itself (各地组织发起, 县抽县查) — so that its ratio and window bind the county's task.
    A task the city inspects itself (市抽市查) sets nothing for the county's own tasks."""
    return city_role(task) == "county-inspects" or for_counties(task)


def _carried(ctx: Ctx, plan: Plan, sup: Plan) -> list[Match]:
    return [m for m in matches(ctx, plan, sup).values() if carried_by_county(m.other)]


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
    """A county task matching a task the city runs itself. 市抽县查 is the case the basis forbids
    outright (the county would inspect the same drawn targets twice); a match with a task the city
    inspects itself (市抽市查) is reported at info level as a possible overlap."""
    for sup in superiors_of(ctx):
        for m in matches(ctx, ctx.plan, sup).values():
            role = city_role(m.other)
            if role is None:
                continue
            hit = field_hit(ctx.plan, m.task, "name", **_sup_vars(m, sup))
            if role == "city-inspects":
                hit.severity = "info"
            yield hit


@primitive(
    "superior_missing",
    ("plan-set",),
    provides=("superior_name", "superior_seq", "superior_initiator", "superior_plan", "closest", "raw"),
)
def superior_missing(ctx: Ctx, task: None) -> Iterator[Hit]:
    """Each city task that counties are to initiate should have a matching county task."""
    for sup in superiors_of(ctx):
        matched = {id(m.other) for m in matches(ctx, ctx.plan, sup).values()}
        for t in sup.tasks:
            if for_counties(t) and id(t) not in matched:
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
                        "superior_initiator": t.text("initiator"),
                        "superior_plan": sup.meta.title or sup.path,
                        "closest": hint,
                        "raw": "",
                    },
                )


def _ratio(task: Task) -> tuple[Ratio | None, str]:
    """The task's ratio from whichever column states it, and that column's key."""
    whole = task_quota(task)
    if whole is None or whole.quota.ratio is None:
        return None, "quota"
    return whole.quota.ratio, whole.sources["ratio"]


@primitive("quota_below_superior", ("plan-set",), provides=(*CELL_VARS, *SUP_VARS, "superior_ratio", "ratio"))
def quota_below_superior(ctx: Ctx, task: None) -> Iterator[Hit]:
    for sup in superiors_of(ctx):
        for m in _carried(ctx, ctx.plan, sup):
            (mine, key), (theirs, _) = _ratio(m.task), _ratio(m.other)
            if mine is not None and theirs is not None and mine.low < theirs.low:
                yield field_hit(
                    ctx.plan,
                    m.task,
                    key,
                    superior_ratio=theirs.canonical(),
                    ratio=mine.canonical(),
                    **_sup_vars(m, sup),
                )


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
                yield field_hit(
                    ctx.plan,
                    m.task,
                    "window",
                    superior_window=m.other.text("window"),
                    superior_end=theirs.end,
                    **_sup_vars(m, sup),
                )


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
            yield field_hit(
                plan,
                m.task,
                "name",
                joint_plan=joint.meta.title or joint.path,
                joint_seq=m.other.seq,
                joint_name=m.other.name,
                reason=m.reason,
            )


@primitive(
    "sibling_inconsistent", ("plan-set",), provides=(*CELL_VARS, *SUP_VARS, "others", "count", "window_raw")
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
        if p.meta.level == plan.meta.level and p.meta.year == plan.meta.year and not same_plan(ctx, plan, p)
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
                yield field_hit(
                    plan,
                    m.task,
                    "quota",
                    others="；".join(differing),
                    count=len(differing),
                    window_raw=m.task.text("window"),
                    **_sup_vars(m, sup),
                )
