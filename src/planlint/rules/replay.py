"""Cell rules that read one field run once per distinct text of that field in a plan.

Plans repeat the same cells down whole columns (one risk clause, a few windows, modes and quotas for
hundreds of tasks), and a cell rule's hits on a cell depend only on the cell's text and the plan.
So for a rule whose check names exactly one field, the primitive runs on the first task with each
text, and later tasks with the same text get the same hits moved to their own cell. A hit that does
not sit on that cell (or an edit elsewhere) cannot be moved: such a text always runs the primitive.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..findings import Edit
from ..plan import Task
from ..table import Location
from .model import Rule
from .registry import FIELD, FIELDS, PRIMITIVES, Ctx, Hit, PrimitiveFn

_MISS = object()


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


def _cell(task: Task, key: str) -> Location:
    """Where field_hit puts a hit on `key`: the cell, or the row when the task has no such cell."""
    f = task.fields.get(key)
    return f.location if f is not None else task.location


def _movable(hits: list[Hit], task: Task, key: str) -> bool:
    if not hits:
        return True
    here = _cell(task, key)
    return all(h.field == key and h.task is task and h.location == here and all(e.location == here for e in h.edits)
               for h in hits)


def _moved(hit: Hit, task: Task, key: str) -> Hit:
    here = _cell(task, key)
    edits = tuple(Edit(here, e.old, e.new, e.safe) for e in hit.edits)
    return Hit(here, key, task, hit.vars, edits, hit.severity)


def replayed_hits(fn: PrimitiveFn, args: dict[str, Any], key: str, tasks: list[Task], ctx: Ctx) -> Iterator[Hit]:
    """The hits of `fn` on every task, computed once per distinct text of field `key`."""
    seen: dict[str | None, list[Hit] | None] = {}
    for task in tasks:
        f = task.fields.get(key)
        text = f.raw if f is not None else None
        template = seen.get(text, _MISS)
        if template is _MISS:
            hits = list(fn(ctx, task, **args))
            seen[text] = hits if _movable(hits, task, key) else None
            yield from hits
        elif template is None:
            yield from fn(ctx, task, **args)
        else:
            for hit in template:
                yield _moved(hit, task, key)
