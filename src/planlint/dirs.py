"""Where planlint keeps its per-user cache (check results)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """`PLANLINT_CACHE_DIR` wins, then the platform's user cache folder (platformdirs: XDG on
    Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows)."""
    explicit = os.environ.get("PLANLINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    import platformdirs

    return Path(platformdirs.user_cache_dir("planlint", appauthor=False))
