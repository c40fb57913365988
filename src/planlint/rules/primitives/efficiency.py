"""1+X (进一次门、查多项事): tasks on the same targets by the same initiator should be one visit."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..registry import CELL_VARS, FIELD, Ctx, Hit, primitive
from .common import field_hit, normalize_body

_PUNCT = re.compile(r"[\s，,、；;。.（）()]+")


def _key(text: str) -> str:
    return _PUNCT.sub("", normalize_body(text))


@primitive(
    "merge_groups",
    ("plan",),
    {"scope": FIELD, "initiator": FIELD, "items": FIELD},
    required=("scope", "initiator", "items"),
    provides=(*CELL_VARS, "tasks", "others", "initiator_raw", "merged_items", "count"),
)
def merge_groups(ctx: Ctx, task: None, scope: str, initiator: str, items: str) -> Iterator[Hit]:
    """One hit per group of ≥2 tasks sharing 抽查对象范围 and 发起部门, on the group's first task."""
    groups: dict[tuple[str, str], list] = {}
    for t in ctx.plan.tasks:
        s, i = _key(t.text(scope)), _key(t.text(initiator))
        if s and i:
            groups.setdefault((s, i), []).append(t)
    for tasks in groups.values():
        if len(tasks) < 2:
            continue
        first = tasks[0]
        merged = "；".join(dict.fromkeys(t.text(items) for t in tasks if t.text(items)))
        yield field_hit(
            ctx.plan,
            first,
            scope,
            tasks="、".join(t.seq or "?" for t in tasks),
            others="、".join(t.seq or "?" for t in tasks[1:]),
            initiator_raw=first.text(initiator),
            merged_items=merged,
            count=len(tasks),
        )
