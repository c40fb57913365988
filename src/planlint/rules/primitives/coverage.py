"""Annual coverage: the share of a place's enterprises (个体工商户, 合作社) a plan's tasks will inspect,
estimated from a population file, against the profile's floors.

The national floor (《企业公示信息抽查办法》第四条: ≥3% of enterprises) is a draw by the national or
provincial office over its whole jurisdiction, so a task whose list the province draws
("抽查名单由省局统一抽取") does not hold the county plan to the floor on its own: that category is
left to the province's draw, with a note."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from ...matching import plain, text_similarity
from ...plan import LEVEL_NAMES, Task
from ...population import CATEGORIES, PlacePopulation, category_of
from ..registry import Ctx, Hit, primitive
from .crossplan import task_mode
from .quota import task_quota

_PROVINCE_DRAWN = re.compile(
    r"由省[^，。；;]{0,12}抽取|省(?:局|级|市场监[督管]*管?理?局)[^，。；;]{0,6}统一抽取"
)


def province_drawn(task: Task, owner: str | None = None) -> bool:
    """The task's list of targets is drawn by the province, not by the plan's own bureau: a note
    saying so (抽查名单由省局统一抽取) or a mode whose drawing level is the province (省抽县查,
    省级统一组织发起, 省局随机抽取). `owner` is the level of the task's plan (for a relative 发起方式)."""
    mode = task_mode(task, owner)
    if mode is not None and any(p.select == "province" for p in mode.pairs):
        return True
    return any(_PROVINCE_DRAWN.search(c.raw) for c in task.cells.values() if c.raw)


def _population_of(places: dict[str, PlacePopulation], place: str | None) -> PlacePopulation | None:
    """The population file's row for the plan's place, however the file names it: in full or short
    (泽州 for 泽州县, 晋城 for 晋城市), a zone by another of its names (武汉经开区), or a place by the
    name it had before (太谷县 for 太谷区)."""
    if not place:
        return None
    if place in places:
        return places[place]
    from ...meta import gazetteer

    g = gazetteer()
    for name, pop in places.items():
        if len(name) >= 2 and name == place[:-1]:  # 泽州 for 泽州县
            return pop
        found = g.find(name)
        change = g.changes.get(found.name) if found is not None else None
        if found is not None and (found.name == place or (change is not None and change.current == place)):
            return pop
    return None


@primitive(
    "coverage",
    ("plan-set",),
    provides=("category", "share", "param", "checked", "total", "needed", "raw"),
)
def coverage(ctx: Ctx, task: None) -> Iterator[Hit]:
    plan = ctx.plan
    notes = ctx.notes
    places = ctx.run.population
    if places is None:
        notes.add(
            "未提供监管对象数量文件（命令行 --population 或配置文件 population），未估算年度抽查覆盖率。"
        )
        return
    pop = _population_of(places, plan.meta.place)
    if pop is None:
        notes.add(f"监管对象数量文件中没有「{plan.meta.place or plan.path}」，未估算其覆盖率。")
        return
    floors = ctx.param("coverage_floor") or {}
    if not floors:
        level = LEVEL_NAMES.get(plan.meta.level or "", "层级未识别")
        notes.add(
            f"{plan.meta.place or plan.path}：已读取监管对象数量文件，但本计划（{level}）没有适用的覆盖率下限"
            "（全国要求只规定省级统一抽取不低于3%，《企业公示信息抽查办法》第四条；市、县的下限由本地配置档的"
            " coverage_floor 设置），未核对覆盖率。"
        )
        return
    scopes = [(plain(s), n, cat) for s, (n, cat) in pop.scopes.items()]
    checked = dict.fromkeys(CATEGORIES, 0)
    by_province: dict[str, list[str]] = {}
    for t in plan.tasks:
        if province_drawn(t, plan.meta.level):
            by_province.setdefault(category_of(t.text("scope")), []).append(t.seq or str(t.location.row))
            continue
        whole = task_quota(t)  # whichever columns state the ratio or count
        if whole is None:
            continue
        q = whole.quota
        key = plain(t.text("scope"))
        best = max(((text_similarity(key, s), n, cat) for s, n, cat in scopes), default=(0, 0, ""))
        if best[0] < 0.8:
            continue
        _, n, cat = best
        # a ratio per kind (企业5%，个体工商户1%): the kind of the scope's category, else the lowest (q.ratio)
        ratio = next((r for kind, r in q.by_kind if category_of(kind) == cat), q.ratio)
        if q.count is not None:
            checked[cat] += q.count.low
        elif ratio is not None:
            checked[cat] += math.ceil(n * ratio.low / 100)
    for cat, floor in floors.items():
        total = pop.totals.get(cat)
        if not total or floor is None:
            continue
        if cat in by_province:
            notes.add(
                f"{plan.meta.place or plan.path}：任务{'、'.join(by_province[cat])}的{CATEGORIES.get(cat, cat)}"
                "抽查名单由省级统一抽取，覆盖率由省级统筹（《企业公示信息抽查办法》第四条），未按本计划单独核对。"
            )
            continue
        share = checked[cat] / total
        if share < float(floor):
            yield Hit(
                plan.source,
                field="quota",
                vars={
                    "category": CATEGORIES.get(cat, cat),
                    "share": f"{share:.1%}",
                    "param": f"{float(floor):.0%}",
                    "checked": checked[cat],
                    "total": total,
                    "needed": math.ceil(total * float(floor)) - checked[cat],
                    "raw": "",
                },
            )
