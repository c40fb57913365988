"""Checks on typed cells: parse failures, ratios out of range, non-standard quota text,
missing frequencies, and base × ratio against a stated target."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from ...findings import Edit
from ...values import ParseError, Quota
from ..registry import FIELD, FIELDS, WORDS, Ctx, Hit, primitive
from .common import field_hit


@primitive("parses", ("cell", "task"), {"fields": FIELDS}, required=("fields",), cellwise=True)
def parses(ctx: Ctx, task, fields: list[str]) -> Iterator[Hit]:
    """Typed cells that do not parse, with the offset (1-based, as people count) and a hint."""
    for key in fields:
        f = task.get(key)
        if f is not None and isinstance(f.value, ParseError):
            err = f.value
            yield field_hit(ctx.plan, task, key, offset=err.offset + 1, hint=err.hint, caret=err.caret())


@primitive("ratio_range", ("cell", "task"), {"field": FIELD}, required=("field",))
def ratio_range(ctx: Ctx, task, field: str) -> Iterator[Hit]:
    """A share of targets must lie in (0%, 100%]."""
    value = task.value(field)
    ratio = value.ratio if isinstance(value, Quota) else None
    if ratio is None:
        return
    values = [ratio.low] + ([ratio.high] if ratio.high is not None else [])
    if any(v <= 0 or v > 100 for v in values):
        yield field_hit(ctx.plan, task, field, ratio=ratio.canonical())


# `1/年` — a frequency written without its unit 次.
_BARE_FREQUENCY = re.compile(r"(?<![次\d.])(\d+)\s*/\s*(年|半年|季度|季|月)")


@primitive("quota_unit", ("cell", "task"), {"field": FIELD}, required=("field",))
def quota_unit(ctx: Ctx, task, field: str) -> Iterator[Hit]:
    """A frequency written `1/年` instead of `1次/年`: the safe fix inserts 次 and nothing else."""
    f = task.get(field)
    if f is None or not isinstance(f.value, Quota) or f.value.frequency is None:
        return
    new = _BARE_FREQUENCY.sub(r"\1次/\2", f.raw)
    if new != f.raw:
        hit = field_hit(ctx.plan, task, field, new=new.strip(), canonical=f.value.canonical())
        hit.edits = (Edit(f.location, f.raw, new, safe=True),)
        yield hit


@primitive(
    "frequency_required",
    ("cell", "task"),
    {"field": FIELD, "header_words": WORDS, "kinds": WORDS},
    required=("field",),
)
def frequency_required(
    ctx: Ctx, task, field: str, header_words: list[str] = (), kinds: list[str] = ()
) -> Iterator[Hit]:
    """When the column promises a frequency (its header names 频次) or the plan kind requires one,
    a quota without a frequency is incomplete. A separate 抽查频次 column satisfies it."""
    plan = ctx.plan
    column = plan.columns.get(field)
    if column is None or "frequency" in plan.columns:
        return
    if not (any(w in column.header for w in header_words) or plan.meta.kind in kinds):
        return
    value = task.value(field)
    if isinstance(value, Quota) and value.frequency is None:
        yield field_hit(plan, task, field, suggested=f"{task.text(field)}；1次/年")


_INT = re.compile(r"\d+")


def _first_int(text: str) -> int | None:
    m = _INT.search(text.replace(",", "").replace("，", ""))
    return int(m.group()) if m else None


@primitive(
    "target_product",
    ("task",),
    {"base": FIELD, "target": FIELD, "ratio": FIELD},
    required=("base", "target", "ratio"),
)
def target_product(ctx: Ctx, task, base: str, target: str, ratio: str) -> Iterator[Hit]:
    """抽查基数 × 抽查比例 should give the stated 目标数 (to the nearest whole target)."""
    value = task.value(ratio)
    n_base, n_target = _first_int(task.text(base)), _first_int(task.text(target))
    if not isinstance(value, Quota) or value.ratio is None or n_base is None or n_target is None:
        return
    expected = (Decimal(n_base) * value.ratio.low / 100).quantize(Decimal(1), rounding="ROUND_HALF_UP")
    if int(expected) != n_target:
        yield field_hit(
            ctx.plan, task, target, base_n=n_base, target_n=n_target, expected=int(expected),
            ratio=value.ratio.canonical(),
        )
