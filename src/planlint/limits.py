"""Size limits that keep a hostile or broken file from exhausting memory, checked before loading.

Each limit has a default sized for real plans (a few hundred rows) with room for large batch
exports, and an environment variable to change it for one run:

- `PLANLINT_MAX_CELLS` (5,000,000): cells of one sheet / table (rows × columns of its used range);
- `PLANLINT_MAX_UNCOMPRESSED_MB` (512): total declared unpacked size of an .xlsx/.docx package;
- `PLANLINT_MAX_COMPRESSION_RATIO` (200): unpacked / packed size of any package part larger than
  1 MB (ordinary sheet XML packs 5–30×; a zip bomb packs up to 1000×). Apache POI uses the same
  two-part rule (a minimum inflate ratio, with a grace size for small parts);
- `PLANLINT_MAX_TEXT_MB` (256): size of a .csv/.tsv/.txt file, read whole into memory.

The guards run on metadata (the zip central directory, the `<dimension>` of a sheet, `os.stat`)
or on a single streaming pass in C (byte counts), never on a second parse of the content.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .errors import ConfigError

GRACE_BYTES = 1024 * 1024  # parts smaller than this are never refused for their ratio
_ENV = {
    "max_cells": ("PLANLINT_MAX_CELLS", 5_000_000),
    "max_uncompressed_mb": ("PLANLINT_MAX_UNCOMPRESSED_MB", 512),
    "max_ratio": ("PLANLINT_MAX_COMPRESSION_RATIO", 200),
    "max_text_mb": ("PLANLINT_MAX_TEXT_MB", 256),
}


@dataclass(frozen=True, slots=True)
class Limits:
    max_cells: int
    max_uncompressed_mb: int
    max_ratio: int
    max_text_mb: int

    @property
    def max_uncompressed_bytes(self) -> int:
        return self.max_uncompressed_mb * 1024 * 1024

    @property
    def max_text_bytes(self) -> int:
        return self.max_text_mb * 1024 * 1024


def current() -> Limits:
    """The limits in force now: defaults, overridden by the environment (read on every call, so
    a test or a long-running server can change them)."""
    values = {}
    for key, (var, default) in _ENV.items():
        raw = os.environ.get(var, "").strip().replace("_", "").replace(",", "")
        if not raw:
            values[key] = default
            continue
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if value <= 0:
            raise ConfigError(f"环境变量 {var}={os.environ[var]!r} 不是正整数，请改为正整数（默认 {default}）或删除该变量")
        values[key] = value
    return Limits(**values)


def hint(var_key: str) -> str:
    """How to raise one limit, for the end of a refusal message."""
    var, _ = _ENV[var_key]
    return f"如确需检查，可设置环境变量 {var} 提高上限"
