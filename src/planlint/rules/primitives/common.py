"""Small helpers shared by primitives: hits on a task's cell, body-name normalization."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ...fields import parse
from ...findings import Span, spans_of
from ...plan import Cell, Plan, Task
from ...values import ParseError, Quota, Window
from ..registry import Hit


def column_name(plan: Plan, key: str) -> str:
    """The header as this plan writes it, else the usual name."""
    return plan.header(key)


def field_hit(plan: Plan, task: Task, key: str, **vars: Any) -> Hit:
    """A task rule's hit on the task's cell `key` (or its row when the task has no such cell),
    with the cell variables a cell rule's hits get from the engine (registry.CELL_VARS)."""
    c = task.get(key)
    location = task.location_of(key) if c is not None else task.location
    base = {
        "raw": c.raw.strip() if c is not None else "",
        "value": c.value if c is not None else None,
        "col": plan.header(key),
    }
    base.update(vars)
    return Hit(location=location, field=key, task=task, vars=base)


def text_spans(cell: Cell | None, *parts: str) -> tuple[Span, ...]:
    """Every occurrence of each of `parts` in the cell's raw text, as spans in reading order; none
    for a part that is the whole cell (a finding about the whole cell marks nothing in particular)."""
    if cell is None:
        return ()
    return tuple(sorted({s for part in parts for s in spans_of(cell.raw, part)}))


def kept_spans(cell: Cell | None, kept: str) -> tuple[Span, ...]:
    """Where the characters of `kept` — the cell's text with words taken out, as
    matching.distinctive quotes a task name — sit in the cell: its runs of two characters or more,
    in reading order; none when `kept` is the whole cell."""
    if cell is None or not kept or kept == cell.raw.strip():
        return ()
    from difflib import SequenceMatcher

    blocks = SequenceMatcher(None, cell.raw, kept, autojunk=False).get_matching_blocks()
    return tuple((b.a, b.a + b.size) for b in blocks if b.size >= 2)


_BODY_SYNONYMS = (("市场监督管理局", "市场监管局"), ("市场监督管理", "市场监管"))
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=65536)
def normalize_body(text: str) -> str:
    """Compare body names loosely: 市场监管局 and 市场监督管理局 are the same body. Memoized: the
    same bodies recur on every row."""
    text = _SPACE.sub("", text)
    for long, short in _BODY_SYNONYMS:
        text = text.replace(long, short)
    return text


# A cell that does not parse as its own column but does as the column it is usually beside: the two
# cells of the row were most likely filled in each other's place (a ratio under 起止时间).
_SWAPPED_WITH = {
    "quota": ("window", "起止时间"),
    "count": ("window", "起止时间"),
    "frequency": ("window", "起止时间"),
    "window": ("quota", "抽查比例或频次"),
    "deadline": ("quota", "抽查比例或频次"),  # a window column naming when tasks end (完成时限)
}


def reads_as_neighbour(kind: str, raw: str) -> bool:
    """Whether a cell of parse kind `kind` (one that does not parse as its own column) reads as the
    column usually beside it: a window under 抽查比例, a ratio or frequency under 起止时间."""
    neighbour, _ = _SWAPPED_WITH.get(kind, ("", ""))
    if not neighbour:
        return False
    value = parse(neighbour, raw)
    return isinstance(value, Window) or (
        isinstance(value, Quota)
        and (value.ratio is not None or value.frequency is not None or bool(value.by_kind))
    )


def swapped_note(err: ParseError, raw: str) -> str:
    """「（这一格像是…）」when an unreadable cell reads as the neighbouring column's kind, else ""."""
    if not reads_as_neighbour(err.kind, raw):
        return ""
    label = _SWAPPED_WITH[err.kind][1]
    return f"（这一格像是{label}，可能与{label}一列填反，请核对后交换两格）"
