"""openpyxl workbooks as planlint writes them: text stored inert, merged ranges resolved to their
anchor, files openpyxl refuses reported as read errors. Shared by the annotated copy, the fixed
copy and the 调整情况表, so each rule about workbooks lives in one place."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any, cast

from .errors import ReadError

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell import _CellSetValue
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

# What Excel/WPS/LibreOffice take as the start of a formula when a person types it or a csv is
# opened: text starting with one of these is stored with a quote prefix (shown as text, never run).
FORMULA_STARTS = ("=", "+", "-", "@")
NOTE_SHEET = "planlint说明"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str, taken: set[str]) -> str:
    """A worksheet title Excel accepts (no `[]:*?/\\`, no control character, at most 31
    characters), made unique among `taken` (which it joins)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    base = (
        _BAD_SHEET_CHARS.sub("_", ILLEGAL_CHARACTERS_RE.sub("_", name).replace("\ufffd", "_")).strip("'")
        or "计划"
    )[:31]
    title, n = base, 2
    while title in taken:
        suffix = f"({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def add_note_sheet(wb: Workbook, note: str) -> None:
    """A last worksheet saying why the copy differs from the original (e.g. rebuilt from values)."""
    ws = wb.create_sheet(sheet_title(NOTE_SHEET, set(wb.sheetnames)))
    put(ws, 1, 1, note)
    ws.column_dimensions["A"].width = 100


def put(ws: Worksheet, row: int, col: int, value: object) -> Cell:
    """Set a cell to a value taken from a plan or a finding, inert: openpyxl stores any string
    starting with '=' as a formula (`=HYPERLINK(…)`, `=cmd|…`), so force a string; and give
    `= + - @` text the quote prefix Excel gives text typed as '=…, so that editing the cell later
    does not turn it into a formula either."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    cell = ws.cell(row=row, column=col)
    if isinstance(cell, MergedCell):  # openpyxl would refuse the value anyway; say where
        raise ValueError(f"cell ({row}, {col}) is covered by a merged range: write to merged_anchor()")
    cell.value = cast("_CellSetValue", value)  # openpyxl checks the type itself (ValueError otherwise)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def active_sheet(wb: Workbook) -> Worksheet:
    """The workbook's active worksheet; a new openpyxl Workbook always has one."""
    from openpyxl.worksheet.worksheet import Worksheet

    ws = wb.active
    if not isinstance(ws, Worksheet):
        raise TypeError(f"the active sheet is not a worksheet: {ws!r}")
    return ws


def merged_anchor(ws: Worksheet, row: int, col: int) -> tuple[int, int]:
    """The top-left cell of the merged range holding (row, col), or the cell itself: a covered
    cell shows the anchor's text and cannot hold a value, fill or comment of its own."""
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= row <= rng.max_row and rng.min_col <= col <= rng.max_col:
            return rng.min_row, rng.min_col
    return row, col


def load(path: str, *, keep_vba: bool = False) -> Workbook:
    """The workbook at `path` for a copy. Read from a file object, so the extension does not
    matter (an .xlsx saved as .xls); a package openpyxl refuses although the reader could read it
    is a ReadError with a message, not an internal error."""
    from openpyxl import load_workbook

    try:
        with open(path, "rb") as fh:
            return load_workbook(io.BytesIO(fh.read()), keep_vba=keep_vba)
    except Exception as exc:  # openpyxl raises anything from KeyError to TypeError on odd packages
        raise ReadError(
            f"openpyxl 无法打开此工作簿以写入副本（{type(exc).__name__}: {str(exc)[:200]}），"
            "请用 Excel/WPS 打开后另存为 .xlsx 再试",
            path,
        ) from None


def to_bytes(wb: Any) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
