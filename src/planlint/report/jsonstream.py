"""JSON written as it is made, byte for byte what `json.dumps(doc, ensure_ascii=False, indent=2)`
gives for the whole document, without the whole document in memory: a list given as an iterator
is streamed one item at a time (a 100k-task plan's findings), a Streamed dict key by key, everything
else is dumped whole."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

INDENT = 2


_scalar = json.JSONEncoder(ensure_ascii=False).encode  # strings, numbers, null: the C encoder


def _dumps(value: Any, level: int) -> str:
    """json.dumps(value, ensure_ascii=False, indent=2), indented for nesting `level`. The standard
    library's indenting encoder is pure Python and yields a piece per token; this builds each
    container with one join (3× faster on a SARIF result) and leaves strings to the C encoder."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = "\n" + " " * (INDENT * (level + 1))
        items = (_scalar(str(k)) + ": " + _dumps(v, level + 1) for k, v in value.items())
        return "{" + inner + ("," + inner).join(items) + "\n" + " " * (INDENT * level) + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner = "\n" + " " * (INDENT * (level + 1))
        return (
            "["
            + inner
            + ("," + inner).join(_dumps(v, level + 1) for v in value)
            + "\n"
            + " " * (INDENT * level)
            + "]"
        )
    return _scalar(value)


class Streamed(dict):
    """A dict that holds an iterator (or another Streamed dict) among its values: written key by
    key. Every other dict is dumped whole."""


def chunks(value: Any, level: int = 0) -> Iterator[str]:
    """The JSON text of `value` at nesting `level`, in pieces."""
    if isinstance(value, Iterator):
        inner = "\n" + " " * (INDENT * (level + 1))
        empty = True
        for item in value:
            yield ("[" if empty else ",") + inner
            empty = False
            yield from chunks(item, level + 1)
        yield "[]" if empty else "\n" + " " * (INDENT * level) + "]"
    elif isinstance(value, Streamed):
        inner = "\n" + " " * (INDENT * (level + 1))
        for i, (key, item) in enumerate(value.items()):
            yield ("{" if i == 0 else ",") + inner + json.dumps(key, ensure_ascii=False) + ": "
            yield from chunks(item, level + 1)
        yield "\n" + " " * (INDENT * level) + "}"
    else:
        yield _dumps(value, level)


def document(value: Any) -> Iterator[str]:
    """A whole JSON document with its final newline."""
    yield from chunks(value)
    yield "\n"
