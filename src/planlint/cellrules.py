"""Cell rules run once per distinct cell, their hits fanned out to every cell holding that text.

A plan holds one `Cell` per distinct text of a column, shared by every row with that text (a
100k-task sheet has a few thousand), and a cell primitive sees the cell only, never the task. So
the primitive runs once per distinct cell, and each of its hits becomes one finding per row
holding the cell: with that row's location, its task's 序号 and name where the message names them,
and its own edit; the spans (the parts of the text the hit is about) hold for every copy."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .cellrefs import with_original_text
from .findings import Edit, Finding
from .plan import Cell, Plan, Task
from .rulehits import common_vars, declared, original_spans, severity_of
from .rules.model import Rule
from .rules.registry import PRIMITIVES, Ctx
from .templating import names, render

# the template variables that differ from one task holding a cell to the next
_TASK_VARS = frozenset(("seq", "name"))


def cell_columns(rule: Rule, plan: Plan) -> list[str]:
    """The columns a cell rule checks: its `field` or `fields` argument, else every column."""
    check = rule.check
    if "field" in check:
        return [check["field"]]
    if check.get("fields"):
        return list(check["fields"])
    keys: dict[str, None] = {}  # every column the plan's tasks have, in column order
    for task in plan.tasks:
        keys.update(dict.fromkeys(task.cols or task.cells))
        if task.cols:
            break
    return list(keys)


class CellIndex:
    """A plan's distinct cells per column, each with the rows holding it, in row order: task rows
    and continuation rows (`owner` gives a continuation row's task, whose 序号 and name a message
    names). Built once per plan and column; locations are made only for findings."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._columns: dict[str, dict[int, tuple[Cell, list[Task]]]] = {}
        self.owner = {id(row): task for task in plan.tasks for row in task.continuation}

    def column(self, key: str) -> Iterable[tuple[Cell, list[Task]]]:
        found = self._columns.get(key)
        if found is None:
            found = self._columns[key] = {}
            for task in self.plan.tasks:
                for row in (task, *task.continuation) if task.continuation else (task,):
                    cell = row.cells.get(key)
                    if cell is not None:
                        entry = found.get(id(cell))
                        if entry is None:
                            entry = found[id(cell)] = (cell, [])
                        entry[1].append(row)
        return found.values()


def cell_findings(rule: Rule, ctx: Ctx, index: CellIndex) -> Iterator[Finding]:
    """A cell rule's findings: its primitive runs once per distinct cell of each of its columns,
    and each hit is placed on every cell holding that text."""
    fn = PRIMITIVES[rule.fn].fn
    args = {k: v for k, v in rule.check.items() if k not in ("fn", "field", "fields")}
    plan = ctx.plan
    per_task = bool(_TASK_VARS & (names(rule.message) | names(rule.fix)))
    converted = plan.originals
    owner = index.owner
    for key in cell_columns(rule, plan):
        column = plan.header(key)
        for cell, rows in index.column(key):
            for hit in fn(ctx, cell, **args):
                first = owner.get(id(rows[0]), rows[0])
                variables = common_vars(rule, ctx, first)
                variables.update(raw=cell.raw.strip(), value=cell.value, col=column)
                variables.update(hit.vars)
                severity = severity_of(rule, hit.severity)
                message = render(rule.message, variables)
                fix = render(rule.fix, variables)
                for row in rows:
                    task = owner.get(id(row), row) if owner else row
                    location = row.location_of(key)
                    here = variables
                    if per_task:
                        here = {**variables, "seq": task.seq, "name": task.name}
                    edits: tuple[Edit, ...] = ()
                    if hit.new is not None:
                        edits = (Edit(location, cell.raw, hit.new, hit.safe),)
                    spans = hit.spans
                    if converted and (location.row, location.col) in converted:
                        here, edits = with_original_text(plan, here, location, edits)
                        spans = original_spans(ctx, location.row, location.col, spans)
                        msg, fx = render(rule.message, here), render(rule.fix, here)
                    elif per_task:
                        msg, fx = render(rule.message, here), render(rule.fix, here)
                    else:
                        msg, fx = message, fix
                    yield Finding(
                        rule_id=rule.id,
                        slug=rule.slug,
                        severity=severity,
                        message=msg,
                        fix=fx,
                        location=location,
                        field=key,
                        task_seq=task.seq or None,
                        basis=rule.basis,
                        edits=declared(rule, edits),
                        spans=spans,
                    )
