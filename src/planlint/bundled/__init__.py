"""Data shipped with planlint: rule packs, profiles, schemas and the field grammar."""

from __future__ import annotations

import marshal
import os
import tempfile
import zlib
from importlib.resources import files
from typing import Any


def load_yaml(*parts: str) -> Any:
    """A bundled YAML file under rules/ as plain data.

    Parsing YAML costs more than the rest of a small check's start-up, so the parsed data is kept as
    marshal in the user cache dir, keyed by the file's checksum and size; a missing, stale or broken
    entry only means parsing once more. Bundled files are validated by the test suite, not here."""
    raw = files("planlint.bundled.rules").joinpath(*parts).read_bytes()
    from ..dirs import cache_dir

    entry = cache_dir() / "bundled" / f"{zlib.crc32(raw):08x}-{len(raw)}.marshal"
    try:
        return marshal.loads(entry.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass
    from ..yamlio import read_yaml

    data = read_yaml(raw.decode("utf-8"), "rules/" + "/".join(parts))
    _store(entry, data)
    return data


def _store(entry: os.PathLike, data: Any) -> None:
    try:
        blob = marshal.dumps(data)
    except ValueError:  # a type marshal cannot hold (e.g. a YAML date): just parse next time
        return
    try:
        os.makedirs(os.path.dirname(entry), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(entry), suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, entry)
    except OSError:  # a read-only home is fine: the cache is an optimisation
        pass
