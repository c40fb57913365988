"""Small helpers shared by primitives: hits on a task's cell, body-name normalization."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ...plan import FIELD_NAMES, Plan, Task
from ..registry import Hit


def column_name(plan: Plan, key: str) -> str:
    """The header as this plan writes it, else the usual name."""
    col = plan.columns.get(key)
    return col.header if col else FIELD_NAMES.get(key, key)


def field_hit(plan: Plan, task: Task, key: str, **vars: Any) -> Hit:
    """A hit on task's cell `key` (or its row when the plan lacks that column)."""
    f = task.get(key)
    location = f.location if f is not None else task.location
    base = {
        "raw": f.raw.strip() if f is not None else "",
        "value": f.value if f is not None else None,
        "col": column_name(plan, key),
    }
    base.update(vars)
    return Hit(location=location, field=key, task=task, vars=base)


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
