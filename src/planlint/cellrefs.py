"""How findings refer to cells as the plan's author sees them.

- A continuation row (blank 序号 under a task: another 抽查事项, another 联查部门 with its own ratio)
  holds cells of its own, and those are linted like any other cell: cell rules run on a view of
  the task with the continuation row's own cells in place of the task row's, and keep the hits that
  land on the continuation row.
- A merged range is one cell: rules see its text once per task it spans, but the plan shows it
  once, so the findings of one rule on it become one finding at the range's anchor, with the range
  (J8:J13) in its location.
- A cell read through planlint.script (traditional script, pinyin) is quoted as written, and gets
  no automatic edit: an edit made on the converted text would not match the file's text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from .findings import Finding
from .plan import Plan, Task
from .rules.model import Rule
from .rules.registry import Ctx, Hit, PrimitiveFn
from .rules.replay import replay_columns, replayed_hits
from .script import to_simplified
from .table import Location


def continuation_views(task: Task) -> Iterator[Task]:
    """The task as seen from each of its continuation rows: that row's own cells, and the task
    row's for the rest. The view's location is the continuation row."""
    for row in task.continuation:
        if not row:
            continue
        first = next(iter(row.values())).location
        yield Task(task.seq, {**task.fields, **row}, Location(first.path, first.sheet, first.row))


def continuation_ctx(ctx: Ctx) -> Ctx | None:
    """A context whose plan's tasks are the continuation rows' views (None when there are none),
    with its own replay caches; `owned` lists the keys continuation rows fill themselves."""
    tasks = [t for t in ctx.plan.tasks if t.continuation]
    if not tasks:
        return None
    views = [view for task in tasks for view in continuation_views(task)]
    owned = {key for task in tasks for row in task.continuation for key in row}
    return Ctx(replace(ctx.plan, tasks=views), ctx.params, ctx.plans, ctx.superiors, {"owned": owned})


def continuation_hits(rule: Rule, fn: PrimitiveFn, args: dict[str, Any], view_ctx: Ctx) -> Iterator[Hit]:
    """A cell rule's hits on the cells continuation rows hold themselves. Replayed like the task
    rows' cells (once per distinct text), over the columns continuation rows fill; hits on cells
    a view only inherits from its task row are the task row's, found there already."""
    owned = view_ctx.extras["owned"]
    columns = replay_columns(rule, view_ctx.plan)
    if columns is None:
        hits: Iterator[Hit] = (h for view in view_ctx.plan.tasks for h in fn(view_ctx, view, **args))
    else:
        columns = [key for key in columns if key in owned]
        if not columns:
            return
        hits = replayed_hits(fn, args, columns, view_ctx)
    for hit in hits:
        if hit.task is not None and hit.location.row == hit.task.location.row:
            yield hit


def with_original_text(plan: Plan, variables: dict, location: Location, edits: tuple) -> tuple[dict, tuple]:
    """Message variables quoting the cell as written, and no edits, for a converted cell."""
    original = plan.originals.get((location.row, location.col))
    if original is None:
        return variables, edits
    raw = variables.get("raw")
    if isinstance(raw, str) and raw and raw == to_simplified(original).strip():  # the whole cell
        variables = {**variables, "raw": original.strip()}
    return variables, ()


def collapse_merged(findings: list[Finding], plan: Plan) -> list[Finding]:
    """One finding per rule and merged range, located at the anchor with the range shown."""
    spans = plan.spans
    if not spans:
        return findings
    out: list[Finding] = []
    seen: set[tuple[str, Location]] = set()
    for f in findings:
        loc = f.location
        end = spans.get((loc.row, loc.col)) if loc.col else None
        if end is None:
            out.append(f)
            continue
        if (f.rule_id, loc) in seen:
            continue
        seen.add((f.rule_id, loc))
        out.append(replace(f, location=Location(loc.path, loc.sheet, loc.row, loc.col, end[0], end[1])))
    return out
