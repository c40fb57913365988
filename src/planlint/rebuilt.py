"""A workbook rebuilt from a file planlint reads but cannot write (.xls, .et, .xlsb, .ods, .doc,
.wps, .odt, PDF), so that `fix` can still hand back a fixed copy: an .xlsx holding every table the
reader found, as text.

- Spreadsheets keep their sheets, cell coordinates and merged ranges, so a finding on the
  original names the same cell of the copy.
- Word and PDF tables become one sheet each (表1, 表2 …), rows from the top; a PDF table that ran
  over pages is one sheet, its repeated headers dropped. The table's title, when it stood above the
  table rather than in it, becomes the first row (it carries the plan's place and year).
Formatting, images and text outside the tables are not kept; the fix command says so.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from .table import Table

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

# Formats whose tables sit at their real cell coordinates (sheet, row, column).
_GRID_FORMATS = ("xls", "et", "xlsb", "ods", "xlsx")


def note(suffix: str) -> str:
    """The line `fix` shows for a rebuilt copy (Chinese)."""
    return (
        f"无法写回「{suffix}」格式：修复结果另存为重建的 .xlsx 工作簿（只含表格文字，不含原文件的格式、"
        "图片和表格以外的正文）"
    )


def workbook_bytes(path: str) -> bytes:
    """The tables of the file at `path` as an .xlsx workbook (bytes). Raises ReadError as reading
    the file does."""
    from openpyxl import Workbook

    from .readers import read_tables
    from .report.xlsx import _sheet_title  # the annotated copy's sheet names: the same rules
    from .workbook import active_sheet, to_bytes

    tables = read_tables(path)
    wb = Workbook()
    wb.remove(active_sheet(wb))
    taken: set[str] = set()
    for n, table in enumerate(tables, start=1):
        ws = wb.create_sheet(_sheet_title(table.sheet or f"表{n}", taken))
        _write(ws, table)
    return to_bytes(wb)


def _write(ws: Worksheet, table: Table) -> None:
    from openpyxl.utils import get_column_letter

    from .workbook import put

    if table.format in _GRID_FORMATS and table.row_sheets is None:
        left, numbers = table.first_col, table.row_numbers
    else:  # rows from the top, under the title if the table does not hold it
        title = table.title or ""
        above = int(bool(title) and not any(title in c for r in table.rows[:6] for c in r))
        if above:
            put(ws, 1, 1, title)
        left, numbers = 1, list(range(1 + above, 1 + above + len(table.rows)))
    groups: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for cell, anchor in table.anchors.items():
        groups[anchor].append(cell)
    merged: set[tuple[int, int]] = set()
    for (ai, aj), cells in groups.items():
        i1, j1 = max(i for i, _ in cells), max(j for _, j in cells)
        box = {(i, j) for i in range(ai, i1 + 1) for j in range(aj, j1 + 1)} - {(ai, aj)}
        if i1 < len(table.rows) and box == set(cells) and all(table.anchors.get(c) == (ai, aj) for c in box):
            merged |= box
            ws.merge_cells(
                start_row=numbers[ai], start_column=left + aj, end_row=numbers[i1], end_column=left + j1
            )
    widths: dict[int, int] = defaultdict(int)
    for i, row in enumerate(table.rows):
        for j, text in enumerate(row):
            if text and (i, j) not in merged:
                put(ws, numbers[i], left + j, table.originals.get((i, j), text))
                if table.anchors.get((i, j + 1)) != (i, j):  # not a title merged across columns
                    widths[left + j] = max(widths[left + j], len(text))
    for col, width in widths.items():  # readable columns: as wide as their text, within reason
        ws.column_dimensions[get_column_letter(col)].width = min(max(width, 6), 40) + 2
