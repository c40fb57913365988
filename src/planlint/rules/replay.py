"""Cell rules run once per distinct text of a column, not once per cell.

Plans repeat the same cells down whole columns (one risk clause, a few windows, modes and quotas for
hundreds of tasks), and a cell rule's hits on a cell depend only on that cell's text and the plan.
So a cell rule that reads one field, or whose primitive checks each of its `fields` on its own
(`cellwise`), runs on the first task with each text of each column, and the other tasks with that
text get the same hits moved to their own cell. A hit that does not sit on that cell (or an edit
elsewhere) cannot be moved: for such a text the primitive runs on every task that has it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..findings import Edit
from ..plan import Plan, Task
from ..table import Location
from .model import Rule
from .registry import FIELD, FIELDS, PRIMITIVES, Ctx, Hit, PrimitiveFn


def replay_field(rule: Rule) -> str | None:
    """The one field a cell rule reads, from the arguments its primitive declares as field names;
    None when it reads several, or all (`substitute` without `fields`)."""
    if rule.scope != "cell":
        return None
    named: list[str] = []
    for name, schema in PRIMITIVES[rule.fn].args.items():
        value = rule.check.get(name)
        if schema is FIELD and value:
            named.append(value)
        elif schema is FIELDS and value:
            named.extend(value)
    keys = set(named)
    return keys.pop() if len(keys) == 1 else None


def replay_columns(rule: Rule, plan: Plan) -> list[str] | None:
    """The columns a cell rule can be replayed over, one at a time; None when it cannot be."""
    key = replay_field(rule)
    if key is not None:
        return [key]
    if rule.scope != "cell" or not PRIMITIVES[rule.fn].cellwise:
        return None
    fields = rule.check.get("fields")
    return list(fields) if fields else list(dict.fromkeys(k for t in plan.tasks for k in t.fields))


def _column(ctx: Ctx, key: str) -> dict[str | None, list[Task]] | None:
    """The plan's tasks by the text of their cell `key` (None: no such cell), built once per plan;
    None for a column whose texts do not repeat, on average, on two tasks or more (序号, task names):
    replaying it would cost more than it saves."""
    columns = ctx.extras.setdefault("columns_by_text", {})
    if key not in columns:
        tasks = ctx.plan.tasks
        texts = [f.raw if (f := t.fields.get(key)) is not None else None for t in tasks]
        if 2 * len(set(texts)) > len(tasks):
            columns[key] = None
        else:
            index: dict[str | None, list[Task]] = {}
            for task, text in zip(tasks, texts):
                index.setdefault(text, []).append(task)
            columns[key] = index
    return columns[key]


def _cell(task: Task, key: str) -> Location:
    """Where field_hit puts a hit on `key`: the cell, or the row when the task has no such cell."""
    f = task.fields.get(key)
    return f.location if f is not None else task.location


def _movable(hits: list[Hit], task: Task, key: str) -> bool:
    if not hits:
        return True
    here = _cell(task, key)
    return all(
        h.field == key and h.task is task and h.location == here and all(e.location == here for e in h.edits)
        for h in hits
    )


def _moved(hit: Hit, task: Task, key: str) -> Hit:
    here = _cell(task, key)
    edits = tuple(Edit(here, e.old, e.new, e.safe) for e in hit.edits)  # e.new: interned by make_finding
    return Hit(here, key, task, hit.vars, edits, hit.severity)


def replayed_hits(fn: PrimitiveFn, args: dict[str, Any], keys: list[str], ctx: Ctx) -> Iterator[Hit]:
    """The hits of `fn` on every task. A column whose texts repeat (on average on two tasks or more)
    is replayed: the primitive runs once per distinct text, narrowed to that column through `fields`
    when it checks several. The other columns (序号, task names …) are checked task by task, together."""
    several = "fields" in args or len(keys) > 1
    repeated = {k: column for k in keys if (column := _column(ctx, k)) is not None}
    for key, column in repeated.items():
        narrowed = {**args, "fields": [key]} if several else args
        for same in column.values():
            first = same[0]
            hits = list(fn(ctx, first, **narrowed))
            yield from hits
            if _movable(hits, first, key):
                for task in same[1:]:
                    for hit in hits:
                        yield _moved(hit, task, key)
            else:
                for task in same[1:]:
                    yield from fn(ctx, task, **narrowed)
    replayed = set(repeated)
    rest = [k for k in keys if k not in replayed]
    if rest:
        unrepeated = {**args, "fields": rest} if several else args
        for task in ctx.plan.tasks:
            yield from fn(ctx, task, **unrepeated)
