"""A progress bar for long batches: drawn on stderr only when stderr is a terminal and not in CI,
so pipes, logs and CI output stay clean."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")

# Redraw at most this often: a bar that repaints per item slows a run of thousands of small files.
_MIN_INTERVAL = 0.1


def enabled(stream: TextIO | None = None) -> bool:
    """A terminal that can redraw a line: not a pipe, not CI, not TERM=dumb (Emacs shells, some IDEs)."""
    stream = sys.stderr if stream is None else stream
    return bool(stream.isatty()) and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"


def progress(
    iterable: Iterable[T], total: int | None, label: str, *, stream: TextIO | None = None
) -> Iterator[T]:
    """Yield from `iterable`, drawing `label [#####.....] 12/40` on stderr when enabled."""
    stream = sys.stderr if stream is None else stream
    if not enabled(stream) or not total or total < 2:
        yield from iterable
        return
    last = 0.0
    done = 0

    def draw() -> None:
        cols = shutil.get_terminal_size((80, 20)).columns
        counter = f" {done}/{total}"
        width = max(10, min(40, cols - len(label) * 2 - len(counter) - 4))
        filled = width * done // total
        stream.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}]{counter}")
        stream.flush()

    try:
        for item in iterable:
            yield item
            done += 1
            now = time.monotonic()
            if now - last >= _MIN_INTERVAL or done == total:
                last = now
                draw()
    finally:
        # Clear the line so the report that follows starts clean.
        stream.write("\r\x1b[2K")
        stream.flush()
