"""Work folders in the system temporary folder, and sweeping those a killed planlint left behind."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

STALE_SECONDS = 3600  # a folder untouched this long belongs to no live run


def sweep_stale(prefix: str) -> None:
    """Remove the temporary folder's `prefix*` folders older than an hour."""
    now = time.time()
    try:
        entries = list(Path(tempfile.gettempdir()).glob(f"{prefix}*"))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir() and now - entry.stat().st_mtime > STALE_SECONDS:
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue
