"""Checks on a task's quota — 抽查比例、数量、频次、基数 — whether it sits in one cell or in split columns
(抽查比例 / 抽查频次 / 抽查数量 / 抽查基数): parse failures, ratios out of range, non-standard wording,
prose that needs a person, missing frequencies, and base × ratio against a stated target.

`task_quota` is the one place that assembles a task's whole quota; every rule that needs more than one
cell's own value reads it (also the cross-plan and coverage rules)."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ...findings import Edit
from ...plan import Cell, Plan
from ...table import Location
from ...values import ABOUT, AT_LEAST, AT_MOST, RANGE, Frequency, ParseError, Quota
from ..registry import CELL_VARS, FIELD, FIELDS, WORDS, CellHit, Ctx, Hit, primitive
from .common import field_hit, reads_as_neighbour, swapped_note

# The columns a task's quota can come from, most specific last: a combined 抽查比例及频次 cell, then split
# 抽查比例 / 抽查数量 / 抽查基数 / 抽查频次 columns.
QUOTA_KEYS = ("quota", "ratio", "count", "base", "frequency")
_PARTS = ("ratio", "count", "frequency", "base", "tiers", "review", "by_kind")


@dataclass(frozen=True, slots=True)
class TaskQuota:
    """A task's whole quota and, for each part it states (ratio, count, frequency, base, tiers,
    review), the field key of the cell it came from — where a finding about that part belongs."""

    quota: Quota
    sources: dict[str, str]


def task_quota(task: Any) -> TaskQuota | None:
    """The task's quota from every quota column it has; the first column stating a part gives it.
    A 抽查基数 column's count is the base; a 抽查频次 column's Frequency is the frequency. None when
    no quota cell of the task parses.

    Ratios per kind of object (企业5%，个体工商户1%) without a ratio for the whole task give the task the
    lowest of them as its ratio (`Quota.least_ratio`), sourced from their cell: the rules that hold a
    ratio to a minimum (a superior plan's ratio, a coverage floor) then find it met exactly when every
    kind's ratio meets it, and report the lowest kind's. `by_kind` stays on the quota for the rules
    that must not read that ratio as the whole task's (target_product)."""
    parts: dict[str, Any] = {}
    sources: dict[str, str] = {}
    notes: list[str] = []

    def take(part: str, value: Any, key: str) -> None:
        if value and part not in parts:
            parts[part], sources[part] = value, key

    for key in QUOTA_KEYS:
        value = task.value(key)
        if isinstance(value, Frequency):
            take("frequency", value, key)
        elif isinstance(value, Quota):
            if key == "base" and value.base is None and value.ratio is None:
                take("base", value.count, key)  # 抽查基数 column: 40065 / 约4万户
                continue
            for part in _PARTS:
                take(part, getattr(value, part), key)
            if value.note and value.review is None:
                notes.append(value.note)
    if not sources:
        return None
    if "review" in parts:  # the prose as written, for the message
        notes = [task.value(sources["review"]).note]
    quota = Quota(
        parts.get("ratio"),
        parts.get("count"),
        parts.get("frequency"),
        "；".join(notes) or None,
        parts.get("base"),
        parts.get("tiers", ()),
        parts.get("review"),
        by_kind=parts.get("by_kind", ()),
    )
    if quota.ratio is None and quota.by_kind:
        quota = dataclasses.replace(quota, ratio=quota.least_ratio)
        sources["ratio"] = sources["by_kind"]
    return TaskQuota(quota, sources)


def quota_text(task: Any) -> str:
    """The task's quota as written, its split columns joined with "；" (a combined cell alone as is)."""
    return "；".join(t for t in (task.text(key) for key in QUOTA_KEYS) if t)


@primitive(
    "parses",
    ("cell",),
    {"fields": FIELDS},
    required=("fields",),
    provides=("offset", "hint", "caret", "swapped"),
)
def parses(ctx: Ctx, cell: Cell) -> Iterator[CellHit]:
    """A typed cell that does not parse, with the offset (1-based, as people count) and a hint;
    the span runs from where the parse failed to the end of the cell. `swapped` says when the text
    reads as the neighbouring column instead (a window under 抽查比例)."""
    err = cell.value
    if isinstance(err, ParseError):
        end = len(cell.raw)
        where = ((err.offset, end),) if 0 <= err.offset < end else ()
        hit = {
            "offset": err.offset + 1,
            "hint": err.hint,
            "caret": err.caret(),
            "swapped": swapped_note(err, cell.raw),
        }
        yield CellHit(hit, spans=where)


@primitive("ratio_range", ("cell",), {"fields": FIELDS}, required=("fields",), provides=("ratio",))
def ratio_range(ctx: Ctx, cell: Cell) -> Iterator[CellHit]:
    """A share of targets must lie in (0%, 100%]: every ratio of the cell, per-class ones included
    (a separate 抽查比例 column as much as a combined one)."""
    value = cell.value
    if isinstance(value, Quota):
        bad = [r for r in value.ratios() if not r.in_range()]
        if bad:
            yield CellHit({"ratio": "、".join(r.canonical() for r in bad)})


# `1/年` — a frequency written without its unit 次.
_BARE_FREQUENCY = re.compile(r"(?<![次\d.])(\d+)\s*/\s*(年|半年|季度|季|月)")


@primitive("quota_unit", ("cell",), {"fields": FIELDS}, required=("fields",), provides=("new", "canonical"))
def quota_unit(ctx: Ctx, cell: Cell) -> Iterator[CellHit]:
    """A frequency written `1/年` instead of `1次/年`: the safe fix inserts 次 and nothing else."""
    value = cell.value
    has_frequency = isinstance(value, Frequency) or (isinstance(value, Quota) and value.frequency is not None)
    if not has_frequency:
        return
    new = _BARE_FREQUENCY.sub(r"\1次/\2", cell.raw)
    if new != cell.raw:
        where = tuple(m.span() for m in _BARE_FREQUENCY.finditer(cell.raw))
        yield CellHit({"new": new.strip(), "canonical": value.canonical()}, new, safe=True, spans=where)


@primitive(
    "frequency_comparison", ("cell",), {"fields": FIELDS}, required=("fields",), provides=("suggested",)
)
def frequency_comparison(ctx: Ctx, cell: Cell) -> Iterator[CellHit]:
    """A frequency written as a comparison (`=1`, `>=1`, `≥1`): read as so many times, but neither the
    unit 次 nor the period is written. The suggestion assumes an annual plan's 每年."""
    value = cell.value
    if isinstance(value, Frequency) and value.notation == "comparison":
        annual = dataclasses.replace(value, period="year")
        yield CellHit({"suggested": annual.canonical()})


@primitive("quota_review", ("cell",), {"fields": FIELDS}, required=("fields",), provides=("reason",))
def quota_review(ctx: Ctx, cell: Cell) -> Iterator[CellHit]:
    """A quota written as prose a person has to check (各市根据实际情况确定, a sum over several
    offices): one finding per cell, with the reason the parser gave."""
    value = cell.value
    if isinstance(value, Quota) and value.review is not None:
        yield CellHit({"reason": value.review})


@primitive(
    "frequency_required",
    ("task",),
    {"fields": FIELDS, "header_words": WORDS, "kinds": WORDS},
    required=("fields",),
    provides=(*CELL_VARS, "suggested"),
)
def frequency_required(
    ctx: Ctx, task, fields: list[str], header_words: Sequence[str] = (), kinds: Sequence[str] = ()
) -> Iterator[Hit]:
    """When a quota column promises a frequency (its header names 频次) or the plan kind requires one,
    a task whose whole quota has no frequency is incomplete. Reported on the first of `fields` the plan
    has; a separate 抽查频次 column is where the frequency goes, so a plan with one is left alone."""
    plan = ctx.plan
    key = next((k for k in fields if k in plan.columns), None)
    if key is None or "frequency" in plan.columns:
        return
    headers = [plan.columns[k].header for k in fields if k in plan.columns]
    if not (any(w in h for w in header_words for h in headers) or plan.meta.kind in kinds):
        return
    whole = task_quota(task)
    if whole is None or whole.quota.review is not None or isinstance(task.value(key), ParseError):
        return
    quota = whole.quota
    if quota.frequency is None and not any(t.frequency is not None for t in quota.tiers):
        yield field_hit(plan, task, key, suggested=f"{task.text(key)}；1次/年")


@primitive(
    "quota_present", ("task",), {"fields": FIELDS}, required=("fields",), provides=(*CELL_VARS, "columns")
)
def quota_present(ctx: Ctx, task, fields: list[str]) -> Iterator[Hit]:
    """A plan whose quota is split over columns (抽查比例 / 抽查户数 …) needs it in at least one of them;
    one empty column beside a filled one is no gap. A combined 抽查比例/数量 column is checked as a
    required cell instead, and a cell that does not parse is reported as such."""
    plan = ctx.plan
    keys = [k for k in fields if k in plan.columns]
    if not keys or "quota" in keys or task_quota(task) is not None or risk_states_quota(ctx, task):
        return
    if any(isinstance(task.value(k), ParseError) for k in keys):
        return
    names = "、".join(f"「{plan.columns[k].header}」" for k in keys)
    yield field_hit(plan, task, keys[0], seq=task.seq or "?", columns=names)


@primitive(
    "quota_window_swapped",
    ("task",),
    {"fields": FIELDS, "window": FIELD},
    required=("fields", "window"),
    provides=(*CELL_VARS, "window_raw", "window_col"),
)
def quota_window_swapped(ctx: Ctx, task, fields: list[str], window: str) -> Iterator[Hit]:
    """A quota cell holding the window and the window cell holding the quota: both unreadable as
    their own column, each readable as the other's. One hit on the quota cell whose fix exchanges
    the two cells (the cells' own errors yield to it). Cells merged over different rows are left to
    those errors: exchanging them would move a text onto rows it was not written for."""
    held = task.get(window)
    if held is None or not isinstance(held.value, ParseError):
        return
    if not reads_as_neighbour(held.value.kind, held.raw):
        return
    plan = ctx.plan
    at_window = task.location_of(window)
    for key in fields:
        cell = task.get(key)
        if cell is None or not isinstance(cell.value, ParseError):
            continue
        if not reads_as_neighbour(cell.value.kind, cell.raw):
            continue
        at_quota = task.location_of(key)
        if _extent(plan, at_quota) != _extent(plan, at_window):
            return
        hit = field_hit(plan, task, key, window_raw=held.raw.strip(), window_col=plan.header(window))
        hit.edits = (
            Edit(at_quota, cell.raw, held.raw, safe=False),
            Edit(at_window, held.raw, cell.raw, safe=False),
        )
        yield hit
        return


def _extent(plan: Plan, location: Location) -> tuple[int, int]:
    """The rows a cell covers: a merged range's first and last row, else its own row."""
    end = plan.spans.get((location.row, location.col))
    return (location.row, end[0] if end is not None else location.row)


_INT = re.compile(r"\d+")


def _first_int(text: str) -> int | None:
    m = _INT.search(text.replace(",", "").replace("，", ""))
    return int(m.group()) if m else None


def _target_count(task: Any, key: str) -> int | None:
    value = task.value(key)
    if isinstance(value, Quota) and value.count is not None:
        return value.count.low
    return None if isinstance(value, Quota) else _first_int(task.text(key))


def risk_states_quota(ctx: Ctx, task: Any) -> bool:
    """The risk column gives this task's own per-tier ratios or counts (按照B类40%（13户）、C类80%（7户）
    比例抽取). The same clause on every task is the plan's general policy, not a task's quota."""
    specs = getattr(task.value("risk"), "specs", ())
    if not any(s.ratio is not None or s.count is not None for s in specs):
        return False
    text = task.text("risk")
    return any(s.count is not None for s in specs) or any(t.text("risk") != text for t in ctx.plan.tasks)


@primitive(
    "target_product",
    ("task",),
    {"target": FIELD},
    required=("target",),
    provides=(*CELL_VARS, "base_n", "target_n", "expected", "ratio"),
)
def target_product(ctx: Ctx, task, target: str) -> Iterator[Hit]:
    """抽查基数 × 抽查比例 should give the stated 目标数 (to the nearest whole target), the base and the
    ratio read from whichever columns state them. A ratio with a floor (不低于3%) allows a larger target,
    a range any target within it, and an approximate base or ratio (约) 5% either way."""
    whole = task_quota(task)
    n_target = _target_count(task, target)
    if whole is None or n_target is None:
        return
    ratio, base = whole.quota.ratio, whole.quota.base
    if ratio is None or base is None or not ratio.in_range():  # quota-out-of-range says it
        return
    if whole.quota.by_kind:  # a ratio per kind: how many of the base are of each kind is not said
        return
    n_base = base.low
    low = Decimal(n_base) * ratio.low / 100
    high = (
        Decimal(n_base) * (ratio.high if ratio.bound == RANGE and ratio.high is not None else ratio.low) / 100
    )
    if ABOUT in (ratio.bound, base.bound):
        low, high = low * Decimal("0.95"), high * Decimal("1.05")
    expected = int(low.quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    lowest = 0 if ratio.bound == AT_MOST else math.floor(low + Decimal("0.5"))
    highest = math.inf if ratio.bound == AT_LEAST else math.floor(high + Decimal("0.5"))
    if not lowest <= n_target <= highest:
        yield field_hit(
            ctx.plan,
            task,
            target,
            base_n=n_base,
            target_n=n_target,
            expected=expected,
            ratio=ratio.canonical(),
        )
