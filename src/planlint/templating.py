"""Message and fix templates: str.format fields (`{raw}`, `{value.end}`) filled from a hit's variables.

A template is parsed once; a missing name stays visible as `{name}` instead of raising, None renders
empty, and a template that cannot be filled is shown as written — a report never fails on a template.
Rule files come from users: a width or precision over MAX_WIDTH (`{raw:>400000000}` would build a
400 MB string per finding) makes the field render unformatted.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

MAX_WIDTH = 1000
_NUMBER = re.compile(r"\d+")


def _safe_spec(spec: str) -> str:
    """`spec` unless a width or precision in it is over MAX_WIDTH, then '' (no formatting)."""
    if spec and any(int(n) > MAX_WIDTH for n in _NUMBER.findall(spec)):
        return ""
    return spec


# (literal, name, attributes, conversion, spec): one `literal{name.attr!c:spec}` piece of a template
_Part = tuple[str, str, tuple[str, ...], str | None, str]


class _Formatter(string.Formatter):
    """str.format for message templates: a missing name stays visible instead of raising."""

    def get_value(self, key: int | str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        return (
            kwargs.get(key, "{" + str(key) + "}")
            if isinstance(key, str)
            else super().get_value(key, args, kwargs)
        )

    def format_field(self, value: Any, format_spec: str) -> str:
        return "" if value is None else super().format_field(value, _safe_spec(format_spec))


_FORMAT = _Formatter()


@lru_cache(maxsize=1024)
def _compile(template: str) -> tuple[_Part, ...] | None:
    """A template as (literal, name, attributes, conversion, spec) parts, parsed once; None when it
    uses anything but `{name.attr!c:spec}` fields (indexing, positional or nested fields), which
    render() then hands to string.Formatter."""
    parts: list[_Part] = []
    try:
        for literal, field_name, spec, conversion in _FORMAT.parse(template):
            if field_name is None:
                parts.append((literal, "", (), None, ""))
                continue
            first, *attrs = field_name.split(".")
            if not first.isidentifier() or not all(a.isidentifier() for a in attrs) or "{" in (spec or ""):
                return None
            parts.append((literal, first, tuple(attrs), conversion, _safe_spec(spec or "")))
    except ValueError:
        return None
    return tuple(parts)


@lru_cache(maxsize=1024)
def names(template: str) -> frozenset[str]:
    """The variables a template names (`{raw}`, `{value.end}` → raw, value)."""
    try:
        return frozenset(
            name.split(".")[0].split("[")[0] for _, name, _, _ in _FORMAT.parse(template) if name
        )
    except ValueError:
        return frozenset()


def render(template: str, variables: dict[str, Any]) -> str:
    """str.format with the message-template rules of _Formatter: a missing name stays visible,
    None renders empty, and a template that cannot be filled is shown as written."""
    parts = _compile(template)
    if parts is None:
        try:
            return _FORMAT.vformat(template, (), variables)
        except (AttributeError, ValueError, IndexError, KeyError):
            return template
    out = []
    try:
        for literal, name, attrs, conversion, spec in parts:
            out.append(literal)
            if not name:
                continue
            value = variables.get(name, _MISSING)
            if value is _MISSING:
                value = "{" + name + "}"
            for attr in attrs:
                value = getattr(value, attr)
            if conversion:
                value = _FORMAT.convert_field(value, conversion)
            out.append("" if value is None else format(value, spec))
    except (AttributeError, ValueError, IndexError, KeyError):
        return template
    return "".join(out)


_MISSING = object()
