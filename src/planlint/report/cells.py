"""Finding → cell text, shared by the html and xlsx reports: every field of a plan indexed by
where it sits, and which part of a cell's text a finding is about."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..findings import Finding
from ..plan import Field, Plan
from ..table import Location, is_page_place
from ..values import ParseError

_QUOTED = re.compile(r"「([^」]+)」")


def plan_fields(plan: Plan) -> Iterator[Field]:
    """Every field of every task, continuation rows included."""
    for task in plan.tasks:
        yield from task.fields.values()
        for row in task.continuation:
            yield from row.values()


def field_index(plan: Plan | None) -> dict[tuple[str | None, int, int], Field]:
    """(sheet, row, col) → field. A whole-row key (col 0) maps to the task's name, so a finding
    about a whole task still shows which task it is."""
    if plan is None:
        return {}
    index = {(f.location.sheet, f.location.row, f.location.col): f for f in plan_fields(plan)}
    for task in plan.tasks:
        name = task.get("name")
        if name is not None:
            index[(task.location.sheet, task.location.row, 0)] = name
    return index


def highlight(raw: str, finding: Finding, field: Field | None) -> list[tuple[str, bool]]:
    """Split `raw` into (text, offending?) segments. The renderer escapes each segment, so a
    cell's text never becomes markup. Where a parse failed, mark from the failing offset; else mark
    the parts of the cell the message quotes in 「」 (when they are a strict part of the cell)."""
    value = field.value if field is not None else None
    if isinstance(value, ParseError) and value.text == raw and 0 <= value.offset < len(raw):
        return [(s, m) for s, m in ((raw[: value.offset], False), (raw[value.offset :], True)) if s]
    quoted = [q for q in _QUOTED.findall(finding.message) if q and q in raw and q.strip() != raw.strip()]
    if not quoted:
        return [(raw, False)] if raw else []
    pattern = re.compile("|".join(re.escape(q) for q in sorted(set(quoted), key=len, reverse=True)))
    segments: list[tuple[str, bool]] = []
    pos = 0
    for m in pattern.finditer(raw):
        if m.start() > pos:
            segments.append((raw[pos : m.start()], False))
        segments.append((m.group(), True))
        pos = m.end()
    if pos < len(raw):
        segments.append((raw[pos:], False))
    return segments


def where(loc: Location) -> str:
    """`工作表!H7`, `工作表 第7行` for a whole row, `工作表` for the whole table."""
    sheet = loc.sheet or ""
    if loc.row == 0:
        return sheet
    if is_page_place(sheet):  # a PDF table's page: 第3页 表1 第5行 第4列
        return f"{sheet} 第{loc.row}行" + (f" 第{loc.col}列" if loc.col else "")
    if loc.col == 0:
        return f"{sheet} 第{loc.row}行".strip()
    return f"{sheet}!{loc.range}" if sheet else loc.range
