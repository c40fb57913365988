"""Other spreadsheets → one Table per non-empty sheet, via python-calamine: Excel 97-2003 .xls
and WPS .et (OLE2 compound files), Excel binary .xlsb, OpenDocument .ods.

Cells, merged ranges and coordinates are handled exactly as for .xlsx (readers.xlsx does the sheet
work); only the size guards differ, because these formats have no `<dimension>` to trust:
- .ods: one streaming pass over content.xml adds up the repeated rows and columns that hold text
  (a 2 KB file can declare a million repeated rows);
- .xls/.et/.xlsb: the file size is capped, and each sheet's grid is measured after calamine builds
  it (in Rust, a few bytes a cell) and before it is turned into Python objects (~100 bytes a cell).
Number formats are not read from these files: a percentage stored as a number shows as 0.05.
"""

from __future__ import annotations

import os
import zipfile
from xml.etree import ElementTree as ET

from python_calamine import CalamineError, CalamineWorkbook

from .. import limits
from ..errors import ReadError
from ..table import Table
from ._common import ZIP_ERRORS
from .xlsx import _fill_merges, _read_book, _refuse_cells

_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def read(path: str) -> list[Table]:
    label = _label(path)
    lim = limits.current()
    size = os.path.getsize(path)
    if size > lim.max_uncompressed_bytes:
        raise ReadError(
            f"文件有 {size / 2**20:,.0f} MB，超过上限 {lim.max_uncompressed_mb} MB，已拒绝读取；"
            f"请删去多余内容或拆分文件后再检查。{limits.hint('max_uncompressed_mb')}",
            path,
        )
    merges = _scan_ods(path) if zipfile.is_zipfile(path) and _is_ods(path) else {}
    with open(path, "rb") as fh:
        try:
            book = CalamineWorkbook.from_filelike(fh)
        except (CalamineError, OSError, ValueError) as exc:
            raise ReadError(
                f"不是有效的 {label} 文件（可能已损坏：{str(exc)[:200]}），请用 Excel/WPS 打开后另存为 .xlsx 再检查",
                path,
            ) from None
        except BaseException as exc:  # a Rust panic surfaces as pyo3's PanicException
            if type(exc).__name__ != "PanicException":
                raise
            raise ReadError(
                f"{label} 文件内容异常，读取失败，请用 Excel/WPS 打开后另存为 .xlsx 再检查", path
            ) from None
        _check_grids(path, book)
        tables = _read_book(path, book)
    for table in tables:
        table.format = label.lstrip(".")
        _apply_merges(table, merges.get(table.sheet or "", []))
    return tables


def _is_ods(path: str) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return "content.xml" in zf.namelist()
    except ZIP_ERRORS:
        return False


def _label(path: str) -> str:
    ext = os.path.splitext(path)[1].lower()
    return ext if ext in (".xls", ".xlsb", ".ods", ".et") else "电子表格"


def _scan_ods(path: str) -> dict[str, list[tuple[tuple[int, int], tuple[int, int]]]]:
    """One streaming pass over content.xml: refuse an .ods whose sheets would span more cells than
    the limit once calamine expands the repeated rows and columns (counted up to each sheet's last
    cell holding a value), and collect each sheet's merged ranges (calamine does not report them
    for .ods) as ((row, col), (last row, last col)), 0-based."""
    budget = limits.current().max_cells
    merges: dict[str, list[tuple[tuple[int, int], tuple[int, int]]]] = {}
    try:
        with zipfile.ZipFile(path) as zf, zf.open("content.xml") as fh:
            rows = width = last_row = 0
            spans: list = []
            for event, elem in ET.iterparse(fh, events=("start", "end")):
                tag = elem.tag
                if event == "start":
                    if tag == f"{_ODS_TABLE}table":
                        rows = width = last_row = 0
                        spans = []
                    continue
                if tag == f"{_ODS_TABLE}table-row":
                    repeat = int(elem.get(f"{_ODS_TABLE}number-rows-repeated", "1"))
                    col = last_col = 0
                    for cell in elem:
                        n = int(cell.get(f"{_ODS_TABLE}number-columns-repeated", "1"))
                        down = int(cell.get(f"{_ODS_TABLE}number-rows-spanned", "1"))
                        across = int(cell.get(f"{_ODS_TABLE}number-columns-spanned", "1"))
                        if down > 1 or across > 1:
                            spans.append(((rows, col), (rows + down - 1, col + across - 1)))
                        col += n
                        if len(cell) or cell.get(_OFFICE_VALUE_TYPE) is not None:
                            last_col = col
                    rows += repeat
                    if last_col:
                        last_row, width = rows, max(width, last_col)
                    elem.clear()
                elif tag == f"{_ODS_TABLE}table":
                    name = elem.get(f"{_ODS_TABLE}name", "")
                    cells = last_row * width
                    if cells > budget:
                        _refuse_cells(path, name, cells)
                    budget -= cells
                    merges[name] = spans
                    elem.clear()
    except (*ZIP_ERRORS, ET.ParseError, ValueError):
        pass  # calamine reports a damaged package in its own words
    return merges


def _apply_merges(table: Table, spans: list) -> None:
    """Give the covered cells of each merged range the anchor's text, as for .xlsx."""
    if not spans or not table.rows:
        return
    anchors = _fill_merges(table.rows, spans, table.row_numbers[0] - 1, table.first_col - 1)
    table.covered = table.covered | frozenset(anchors)
    table.anchors = {**table.anchors, **anchors}


_OFFICE_VALUE_TYPE = f"{_ODS_OFFICE}value-type"


def _check_grids(path: str, book: CalamineWorkbook) -> None:
    """Refuse sheets whose grid is over the cell limit before their cells become Python objects."""
    budget = limits.current().max_cells
    try:
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            cells = sheet.height * sheet.width
            del sheet
            budget -= cells
            if budget < 0:
                _refuse_cells(path, name, cells)
    except CalamineError as exc:
        raise ReadError(
            f"读取工作簿失败（{str(exc)[:200]}），请用 Excel/WPS 打开后另存为 .xlsx 再检查", path
        ) from None
