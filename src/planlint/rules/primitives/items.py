"""Checks against the 抽查事项清单 (`--item-list`): items not in the list, and 一般检查事项 drawn at a
ratio the list's class does not allow.

The engine loads the list once per run into `ctx.run.item_list` (planlint.itemlist); without
a list these checks do nothing. They are plan-set rules because the list is a run-level input, like
the superior plan.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from ...itemlist import GENERAL, KEY, ItemList
from ...plan import Task
from ...values import Quota, Ratio
from ..registry import CELL_VARS, PARAM, Ctx, Hit, primitive
from .common import column_name, field_hit, text_spans
from .selfcheck import column_by_header

_MAX_SHOWN = 3


def item_list(ctx: Ctx) -> ItemList | None:
    return ctx.run.item_list


def _quote(texts: list[str]) -> str:
    shown = "、".join(f"「{t}」" for t in texts[:_MAX_SHOWN])
    return shown + (f"等{len(texts)}项" if len(texts) > _MAX_SHOWN else "")


@primitive(
    "item_in_list", ("plan-set",), provides=("raw", "col", "unmatched", "count", "closest", "item_list")
)
def item_in_list(ctx: Ctx, task: None) -> Iterator[Hit]:
    """Each 抽查事项 cell names items (or categories) of the loaded list — a task's own and those of
    its continuation rows (亳州's 联查部门 sub-rows); one hit per cell with the items that match none
    and the closest entries."""
    items = item_list(ctx)
    if items is None or "items" not in ctx.plan.columns:
        return
    column = column_name(ctx.plan, "items")
    for t in ctx.plan.tasks:
        for row in (t, *t.continuation):
            cell = row.get("items")
            if cell is None or not cell.text:
                continue
            missing = [m for m in items.match_cell(cell.text) if not m.entries]
            if not missing:
                continue
            closest = list(dict.fromkeys(e.label() for m in missing for e in m.closest))
            suggestion = ("可改为清单中的" + _quote(closest)) if closest else "清单中没有相近的事项"
            yield Hit(
                row.location_of("items"),
                field="items",
                task=t,
                vars={
                    "raw": cell.text,
                    "col": column,
                    "unmatched": _quote([m.text for m in missing]),
                    "count": len(missing),
                    "closest": suggestion,
                    "item_list": items.source,
                },
            )


def _ratio(task: Task) -> Ratio | None:
    for key in ("quota", "ratio"):
        value = task.value(key)
        if isinstance(value, Quota) and value.ratio is not None:
            return value.ratio
        if isinstance(value, Ratio):
            return value
    return None


_CLASS_IN_CELL = re.compile(r"(重点|一般)(?:检查)?事项")
_TICK = re.compile(r"[√✓✔☑]|^是$")


def item_class(ctx: Ctx, task: Task) -> tuple[str | None, str]:
    """重点 or 一般 for a task, and where that comes from: the plan's own 抽查类别 cell (重点检查事项),
    else the list's class of every item the task names (all 一般 → 一般; any 重点 → 重点)."""
    for key in ("type", "category"):
        m = _CLASS_IN_CELL.search(task.text(key))
        if m:
            return m.group(1), f"本计划写明为{m.group(0)}"
    for kind in (KEY, GENERAL):  # 旺苍 2022: 检查事项 over two columns 一般事项 / 重点事项 ticked with √
        column = column_by_header(ctx, kind + "事项")
        if column is not None and _TICK.search(task.text(column)):
            return kind, f"本计划在「{kind}事项」栏打了勾"
    items = item_list(ctx)
    if items is None or not task.text("items"):
        return None, ""
    classes = {e.kind for m in items.match_cell(task.text("items")) for e in m.entries}
    if KEY in classes:
        return KEY, ""
    if classes == {GENERAL}:
        return GENERAL, f"抽查事项清单（{items.source}）列为一般检查事项"
    return None, ""


@primitive(
    "general_item_ratio",
    ("plan-set",),
    {"param": PARAM},
    required=("param",),
    provides=(*CELL_VARS, "ratio", "source", "limit", "cap"),
)
def general_item_ratio(ctx: Ctx, task: None, param: str) -> Iterator[Hit]:
    """A 一般检查事项 task whose ratio is 100% or above the profile's cap (none nationally)."""
    cap = ctx.param(param)
    for t in ctx.plan.tasks:
        ratio = _ratio(t)
        if ratio is None:
            continue
        full = ratio.low >= Decimal(100)
        over = cap is not None and ratio.low > Decimal(str(cap)) * 100
        if not (full or over):
            continue
        kind, source = item_class(ctx, t)
        if kind != GENERAL:
            continue
        shown_cap = f"{float(cap) * 100:g}%" if cap is not None else ""
        limit = "全部抽查（100%）" if full else f"超过一般检查事项的比例上限{shown_cap}"
        key = "quota" if t.get("quota") is not None else "ratio"
        hit = field_hit(
            ctx.plan,
            t,
            key,
            ratio=ratio.canonical(),
            source=source,
            limit=limit,
            cap=shown_cap or "监管实际需要的比例",
        )
        hit.spans = text_spans(t.get(key), ratio.canonical())
        yield hit
