"""Structural checks: required columns and cells, 序号 numbering, closed vocabularies."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ...columns import included_keys
from ...plan import FIELD_NAMES, Cell, Plan, Task
from ...table import Location
from ...values import Window
from ..registry import CELL_VARS, FIELD, FIELDS, WORDS, CellHit, Ctx, Hit, primitive
from .common import field_hit


@primitive(
    "columns_present",
    ("plan",),
    {"fields": FIELDS, "any_of": {"type": "array", "items": FIELDS}},
    provides=("col", "raw", "maybe"),
)
def columns_present(
    ctx: Ctx, task: None, fields: list[str], any_of: Sequence[Sequence[str]] = ()
) -> Iterator[Hit]:
    """Each key in `fields` must be a column; for each group in `any_of`, at least one must be.
    Where a column the reader could not place may be the missing one (a header naming it in
    brackets, cells that parse as it), the hit names that column and asks, as a warning."""
    plan = ctx.plan
    missing = [key for key in fields if key not in plan.columns]
    missing += [
        group[0]
        for group in any_of
        if not any(k in plan.columns for k in group)
        and not ("count" in group and _counts_in_window(plan))
        and not any(included_keys(c.header) & set(group) for c in plan.columns.values())
    ]
    for key in missing:
        group = next((g for g in any_of if g[0] == key), [key])
        maybe = list(dict.fromkeys(h for k in group for h in plan.candidates.get(k, ())))
        hint = ""
        if maybe:
            name = FIELD_NAMES.get(key, key)
            hint = f"；「{'」「'.join(maybe)}」列可能就是{name}，请确认：若是，请将表头改为「{name}」"
        yield Hit(
            plan.source,
            field=key,
            vars={"col": FIELD_NAMES.get(key, key), "raw": "", "maybe": hint},
            severity="warning" if maybe else None,
        )


def _counts_in_window(plan: Plan) -> bool:
    """Whether the time column states how many objects for most tasks (辽宁's 抽查时间及数量: 3月检查4家,
    3月-10月抽查5户): the plan has its count column, written inside the time column."""
    stated = [t.value("window") for t in plan.tasks if t.text("window")]
    counted = sum(isinstance(w, Window) and w.count is not None for w in stated)
    return bool(stated) and counted * 2 >= len(stated)


@primitive("required", ("cell",), {"fields": FIELDS}, required=("fields",))
def required(ctx: Ctx, cell: Cell) -> Iterator[CellHit]:
    """Cells that must not be empty (only where the plan has the column at all: a task holds a
    cell, empty or not, for every column of its table)."""
    if not cell.text:
        yield CellHit()


_QUOTA_CELLS = ("quota", "ratio", "count")


# A task its department runs alone, as a 本部门/联合 column says (本部门抽查, 部门内部抽查)
_OWN_TASK = re.compile(r"本部门|本单位|本局|本系统|本机关|内部|单独")


@primitive("required_in_task", ("task",), {"fields": FIELDS}, required=("fields",), provides=tuple(CELL_VARS))
def required_in_task(ctx: Ctx, task: Task, fields: list[str]) -> Iterator[Hit]:
    """Like `required`, but an empty ratio, count or quota cell is fine when the task states its
    quota elsewhere: a 抽查户数 beside an empty 抽查比例, per-tier ratios in the risk column
    (B类40%（13户）…). A task rule: whether a quota cell may be empty depends on the task."""
    from .quota import risk_states_quota, task_quota

    quota = None
    quota_read = False
    for key in fields:
        if key not in ctx.plan.columns or task.text(key):
            continue
        if key == "partner" and (
            _OWN_TASK.search(task.text("run_by")) or ctx.plan.header(key).startswith("备注")
        ):
            continue  # a task run alone (本部门抽查) has no partner; a remark (备注(联查部门)) may be empty
        if key in _QUOTA_CELLS:
            if not quota_read:
                quota, quota_read = task_quota(task), True
            if (quota and (quota.quota.ratio or quota.quota.count or quota.quota.tiers)) or risk_states_quota(
                ctx, task
            ):
                continue
        yield field_hit(ctx.plan, task, key)


@primitive("unique", ("plan",), {"field": FIELD}, required=("field",), provides=(*CELL_VARS, "first"))
def unique(ctx: Ctx, task: None, field: str) -> Iterator[Hit]:
    """No two tasks share a value. Tasks whose cell is one merged cell (a 序号 merged over the rows
    of a group of tasks: 3, 3(2)) share it by design."""
    seen: dict[str, Location] = {}
    for t in ctx.plan.tasks:
        text = t.text(field)
        if not text:
            continue
        where = t.location_of(field)
        if text not in seen:
            seen[text] = where
        elif seen[text] != where:
            yield field_hit(ctx.plan, t, field, first=seen[text].cell)


@primitive(
    "contiguous",
    ("plan",),
    {"field": FIELD},
    required=("field",),
    provides=(*CELL_VARS, "missing", "previous"),
)
def contiguous(ctx: Ctx, task: None, field: str) -> Iterator[Hit]:
    """Integer 序号 must count up by one in row order; report the first task after each gap."""
    previous: int | None = None
    for t in ctx.plan.tasks:
        text = t.text(field)
        if not text.isdecimal() or len(text) > 6:  # ①/¹ are digits int() refuses; 20230101 is no 序号
            continue
        n = int(text)
        if previous is not None and n > previous + 1:
            gap = range(previous + 1, n)
            missing = "、".join(map(str, gap[:10])) + (f"等{len(gap)}个" if len(gap) > 10 else "")
            yield field_hit(ctx.plan, t, field, missing=missing, previous=previous)
        previous = n


@primitive(
    "one_of",
    ("cell",),
    {"field": FIELD, "values": WORDS},
    required=("field", "values"),
    provides=("allowed",),
)
def one_of(ctx: Ctx, cell: Cell, values: list[str]) -> Iterator[CellHit]:
    text = "".join(cell.text.split())  # a cell wrapped inside a word (定向\n抽查) still names it
    if text and text not in values:
        yield CellHit({"allowed": "、".join(values)})


@primitive("engine", ("plan", "plan-set"), provides=("index", "waiver"))
def engine(ctx: Ctx, task: None) -> Iterator[Hit]:
    """For rules the engine reports itself (e.g. unused waivers, with the waiver's index and text,
    planlint.suppress): the primitive finds nothing."""
    return iter(())
