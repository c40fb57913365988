"""Where planlint keeps its per-user cache (check results)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """`PLANLINT_CACHE_DIR` wins, then the XDG base directory convention."""
    explicit = os.environ.get("PLANLINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "planlint"
