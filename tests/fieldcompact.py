"""Compact, reviewable form of parsed field values for the golden file: defaults and empty fields
left out, Decimals as strings, dates as {month, day, year}."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from planlint.values import ParseError

# Defaults that say nothing and are left out of the golden entries (a field whose dataclass default
# is something else, like Frequency.period = "year", is always written out).
_QUIET = (None, False, ())


def compact(value: Any) -> Any:
    if isinstance(value, ParseError):
        return {"error": {"offset": value.offset, "hint": value.hint}}
    if dataclasses.is_dataclass(value):
        out = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            quiet_default = f.default in _QUIET and item == f.default and type(item) is type(f.default)
            where = f.metadata.get("where")  # positions in the text, not values (tests/test_spans.py)
            if f.name == "text" or where or quiet_default or (f.name == "bound" and item == "exact"):
                continue
            out[f.name] = compact(item)
        return out
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return [compact(v) for v in value]
    return value
