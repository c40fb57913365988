"""Size limits that keep a hostile or broken file from exhausting memory, checked before loading.

Each limit has a default sized for real plans (a few hundred rows) with room for large batch
exports, and an environment variable to change it for one run:

- `PLANLINT_MAX_CELLS` (5,000,000): cells of one sheet / table (rows × columns of its used range);
- `PLANLINT_MAX_UNCOMPRESSED_MB` (512): total declared unpacked size of an .xlsx/.docx package;
- `PLANLINT_MAX_COMPRESSION_RATIO` (200): unpacked / packed size of any package part larger than
  1 MB (ordinary sheet XML packs 5–30×; a zip bomb packs up to 1000×). Apache POI uses the same
  two-part rule (a minimum inflate ratio, with a grace size for small parts);
- `PLANLINT_MAX_TEXT_MB` (256): size of a .csv/.tsv/.txt file, read whole into memory;
- `PLANLINT_MAX_SHEETS` (1,000): worksheets of one workbook (real plans have a few; each sheet
  costs a read and a header search even when it holds one cell);
- `PLANLINT_MAX_COLUMNS` (1,000): columns of one table. A plan has 10–20 (Word allows 63); a
  table ten times wider is a data export, not a plan, and every unknown column costs each cell
  rule a step per row. Such a table is left out with a note (the file's other tables are checked).

Inputs are read only if they are regular files (`open_input`: a link to /dev/zero or a FIFO named
`*.csv` is refused, not read forever), and a text file is never read past its limit + 1 byte.

The guards run on metadata (the zip central directory, `os.stat`) or on one streaming pass over
the sheet XML (the extent of its cells: a `<dimension>` is never trusted), before the file is loaded.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from .errors import ConfigError, ReadError

if TYPE_CHECKING:
    from .table import Table

GRACE_BYTES = 1024 * 1024  # parts smaller than this are never refused for their ratio
_ENV = {
    "max_cells": ("PLANLINT_MAX_CELLS", 5_000_000),
    "max_uncompressed_mb": ("PLANLINT_MAX_UNCOMPRESSED_MB", 512),
    "max_ratio": ("PLANLINT_MAX_COMPRESSION_RATIO", 200),
    "max_text_mb": ("PLANLINT_MAX_TEXT_MB", 256),
    "max_columns": ("PLANLINT_MAX_COLUMNS", 1000),
    "max_sheets": ("PLANLINT_MAX_SHEETS", 1000),
}


@dataclass(frozen=True, slots=True)
class Limits:
    max_cells: int
    max_uncompressed_mb: int
    max_ratio: int
    max_text_mb: int
    max_columns: int
    max_sheets: int

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
            raise ConfigError(
                f"环境变量 {var}={os.environ[var]!r} 不是正整数，请改为正整数（默认 {default}）或删除该变量"
            )
        values[key] = value
    return Limits(**values)


def hint(var_key: str) -> str:
    """How to raise one limit, for the end of a refusal message."""
    var, _ = _ENV[var_key]
    return f"如确需检查，可设置环境变量 {var} 提高上限"


def refuse_oversized(path: str) -> None:
    """Refuse a binary file (a spreadsheet, a PDF) larger than the unpacked-size limit before any
    library reads it."""
    lim = current()
    size = os.path.getsize(path)
    if size > lim.max_uncompressed_bytes:
        raise ReadError(
            f"文件有 {size / 2**20:,.0f} MB，超过上限 {lim.max_uncompressed_mb} MB，已拒绝读取；"
            f"请删去多余内容或拆分文件后再检查。{hint('max_uncompressed_mb')}",
            path,
        )


def open_input(path: str) -> BinaryIO:
    """`path` opened for reading if it is a regular file (links followed), registered as an input
    that no output may replace. Opened without blocking and checked on the open file, so a FIFO
    never hangs the run and a file swapped after a check is still caught."""
    from .atomic import note_input

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except IsADirectoryError:
        raise ReadError("是一个目录，不是文件", path) from None
    except OSError as exc:
        raise ReadError(f"无法打开文件（{exc.strerror}）", path) from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        if stat.S_ISDIR(st.st_mode):
            raise ReadError("是一个目录，不是文件", path)
        raise ReadError("不是普通文件（而是设备、管道或套接字），已拒绝读取；请给出计划文件本身的路径", path)
    note_input(path, st)
    return os.fdopen(fd, "rb")


def read_input(path: str, cap: int, too_big: str) -> bytes:
    """The whole regular file at `path`, reading at most `cap` + 1 bytes: a file over `cap` (or
    growing past it while read) is refused with `too_big` (formatted with `size` in MB)."""
    with open_input(path) as fh:
        size = os.fstat(fh.fileno()).st_size
        data = fh.read(cap + 1) if size <= cap else b""
    if size > cap or len(data) > cap:
        raise ReadError(too_big.format(size=max(size, len(data)) / 2**20), path)
    return data


def drop_wide_tables(tables: list[Table], path: str) -> list[Table]:
    """`tables` without those wider than the column limit, each named in a note on the first one
    kept; a ReadError when none is left."""
    limit = current().max_columns
    wide = [t for t in tables if t.rows and len(t.rows[0]) > limit]
    if not wide:
        return tables
    notes = [
        f"{f'工作表「{t.sheet}」' if t.sheet else '表格'}有 {len(t.rows[0]):,} 列，超过上限 {limit:,} 列，"
        f"不是抽查计划表，未检查。{hint('max_columns')}"
        for t in wide
    ]
    kept = [t for t in tables if all(t is not w for w in wide)]
    if not kept:
        raise ReadError(notes[0].replace("，未检查。", "，已拒绝读取；请删去多余的列后另存再检查。"), path)
    kept[0].notes.extend(notes)
    return kept
