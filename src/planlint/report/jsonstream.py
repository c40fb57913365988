"""JSON written as it is made, byte for byte what `json.dumps(doc, ensure_ascii=False, indent=2)`
gives for the whole document, without the whole document in memory: a list given as an iterator
is streamed one item at a time (a 100k-task plan's findings), everything else is dumped whole."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

INDENT = 2


def _dumps(value: Any, level: int) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=INDENT)
    return text.replace("\n", "\n" + " " * (INDENT * level)) if level and "\n" in text else text


def _streams(value: Any) -> bool:
    return isinstance(value, Iterator) or (isinstance(value, dict) and any(_streams(v) for v in value.values()))


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
    elif isinstance(value, dict) and _streams(value):
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
