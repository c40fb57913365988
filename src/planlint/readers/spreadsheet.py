"""Other spreadsheets → one Table per non-empty sheet, via python-calamine: Excel 97-2003 .xls
and WPS .et (OLE2 compound files), Excel binary .xlsb, OpenDocument .ods.

Cells, merged ranges and coordinates are handled exactly as for .xlsx (readers.xlsx does the sheet
work); only the size guards differ, because these formats have no `<dimension>` to trust. Each
sheet's grid (calamine builds it dense, from its first to its last valued cell) is measured before
calamine opens the file:
- .ods: one streaming pass over content.xml adds up the repeated rows and columns that hold text
  (a 2 KB file can declare a million repeated rows);
- .xlsb: one pass over each sheet part's records (row headers and value cells);
- .xls/.et: one pass over the record headers of the Workbook stream;
and again after calamine builds it, before it is turned into Python objects (~100 bytes a cell).
Cells read as the user sees them, as for .xlsx: dates as 2024年3月1日, integral numbers as 1, and a
number formatted as a percentage as 5% or 200% (calamine gives 0.05 and 2): the formats come from xlrd for
.xls/.et, from the cells' value type for .ods and from styles.bin for .xlsb (where calamine also
gives a date stored as an RK integer as a number). calamine does not report .ods and .xlsb merged
ranges: they come from content.xml and from the sheets' BrtMergeCell records.
"""

from __future__ import annotations

import datetime
import io
import os
import re
import struct
import subprocess
import sys
import zipfile
from collections.abc import Container, Iterator, Mapping
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
    limits.refuse_oversized(path)
    kind = _content_kind(path)
    if kind == "xls":
        _scan_xls(path)
        _probe_xls(path, label)
    merges: dict[str, list] = {}
    percents: Mapping[str, Container[tuple[int, int]]] = {}
    dates: dict[str, dict[tuple[int, int], tuple[float, str]]] = {}
    if kind == "ods":
        merges, shares = _scan_ods(path)
        percents = {name: _Ranges(ranges) for name, ranges in shares.items()}
    elif kind == "xlsb":
        merges, percents, dates = _scan_xlsb(path)
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
        percent_cells = _XlsPercents(path) if kind == "xls" else lambda _path, name: percents.get(name, ())
        tables = _read_book(path, book, percent_cells)
    for table in tables:
        table.format = "et" if kind == "xls" and label == ".et" else kind
        _apply_dates(table, dates.get(table.sheet or "", {}))
        _apply_merges(table, merges.get(table.sheet or "", []))
    return tables


def _content_kind(path: str) -> str:
    """xls (an OLE2 compound file: .xls or WPS .et), xlsb or ods, from the content (the extension
    may lie; kind_of already decided the file is one of these)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except ZIP_ERRORS:
        return "xls"
    return "xlsb" if "xl/workbook.bin" in names else "ods"


class _Ranges:
    """Cells (0-based row, column) inside any of a sheet's ranges (first row, last row, first
    column, last column): the .ods cells whose value type is percentage, kept as ranges because one
    repeated cell may stand for thousands."""

    def __init__(self, ranges: list[tuple[int, int, int, int]]) -> None:
        self.ranges = ranges

    def __contains__(self, cell: object) -> bool:
        if not isinstance(cell, tuple):
            return False
        row, col = cell
        return any(r0 <= row <= r1 and c0 <= col <= c1 for r0, r1, c0, c1 in self.ranges)


class _XlsPercents:
    """The cells of an .xls/.et sheet whose number format shows a percentage, read by xlrd
    (calamine gives values, not formats). Asked only for sheets holding numbers, and opened once.
    Any problem here only means percentages stay fractions, so it never fails the read."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.book = None
        self.failed = False

    def __call__(self, _path: str, name: str) -> Container[tuple[int, int]]:
        import xlrd

        if self.book is None and not self.failed:
            try:
                self.book = xlrd.open_workbook(
                    self.path, formatting_info=True, on_demand=True, logfile=io.StringIO()
                )
            except Exception:  # xlrd raises many kinds of error on odd files; formats are optional
                self.failed = True
        if self.book is None:
            return ()
        book = self.book
        try:
            sheet = book.sheet_by_name(name)
        except Exception:
            return ()
        percent_xf = {
            i
            for i, xf in enumerate(book.xf_list)
            # a damaged FORMAT record leaves format_str None (fuzz input 71164)
            if "%" in _QUOTED.sub("", getattr(book.format_map.get(xf.format_key), "format_str", None) or "")
        }
        return _XlsCells(sheet, percent_xf)


class _XlsCells:
    def __init__(self, sheet, percent_xf: set[int]) -> None:
        self.sheet, self.percent_xf = sheet, percent_xf

    def __contains__(self, cell: object) -> bool:
        if not isinstance(cell, tuple):
            return False
        row, col = cell
        try:
            return self.sheet.cell_xf_index(row, col) in self.percent_xf
        except IndexError:
            return False


_QUOTED = re.compile(r'"[^"]*"|\\.')


def _label(path: str) -> str:
    ext = os.path.splitext(path)[1].lower()
    return ext if ext in (".xls", ".xlsb", ".ods", ".et") else "电子表格"


def _scan_ods(path: str) -> tuple[dict[str, list], dict[str, list[tuple[int, int, int, int]]]]:
    """One streaming pass over content.xml: refuse an .ods whose sheets would span more cells than
    the limit once calamine expands the repeated rows and columns (counted up to each sheet's last
    cell holding a value); collect each sheet's merged ranges (calamine does not report them for
    .ods) as ((row, col), (last row, last col)), and its cells whose value type is percentage
    (calamine gives 0.05 for 5%) as (row, last row, col, last col), all 0-based."""
    budget = limits.current().max_cells
    merges: dict[str, list[tuple[tuple[int, int], tuple[int, int]]]] = {}
    percents: dict[str, list[tuple[int, int, int, int]]] = {}
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
                        shares: list[tuple[int, int, int, int]] = []
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
                        if cell.get(_OFFICE_VALUE_TYPE) == "percentage":
                            shares.append((rows, rows + repeat - 1, col, col + n - 1))
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
                    percents[name] = shares
                    elem.clear()
    except ET.ParseError:
        # calamine reads an unfinished table to the end of the part, waiting for it to close, and
        # never returns (no Python timeout can interrupt it): say it here.
        raise ReadError(
            "不是有效的 .ods 文件（表格内容 content.xml 不完整或已损坏），"
            "请用 WPS/LibreOffice 打开后另存为 .xlsx 再检查",
            path,
        ) from None
    except (*ZIP_ERRORS, ValueError):
        pass  # calamine reports a damaged package in its own words
    return merges, percents


# [MS-XLSB] record types read here
_BRT_BUNDLE_SH = 0x009C
_BRT_END_BUNDLE_SHS = 0x0090
_BRT_MERGE_CELL = 0x00B0
_BRT_ROW_HDR = 0x0000
_BRT_CELL_RK = 0x0002
_BRT_NUMBERS = frozenset((0x0002, 0x0005, 0x0009))  # BrtCellRk, BrtCellReal, BrtFmlaNum
_BRT_FMT = 0x002C
_BRT_XF = 0x002F
_BRT_BEGIN_CELL_XFS = 0x0269
_BRT_END_CELL_XFS = 0x026A
# cells calamine places: BrtCellRk … BrtFmlaError (BrtCellBlank, 0x0001, holds no value)
_BRT_VALUE_CELLS = frozenset(range(0x0002, 0x000C))
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _records(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(type, body) of each BIFF12 record of a part ([MS-XLSB] 2.1.4): type in 1-2 bytes and size
    in 1-4 bytes, 7 bits a byte, low bits first; a high bit says another byte follows."""
    pos, end = 0, len(data)
    while pos < end:
        kind = data[pos]
        pos += 1
        if kind & 0x80 and pos < end:
            kind = (kind & 0x7F) | ((data[pos] & 0x7F) << 7)
            pos += 1
        size = shift = 0
        for _ in range(4):
            if pos >= end:
                return
            byte = data[pos]
            pos += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        yield kind, data[pos : pos + size]
        pos += size


def _wide_string(body: bytes, at: int) -> tuple[str, int]:
    """An XLWideString at `at`: its text and the offset after it."""
    (count,) = struct.unpack_from("<I", body, at)
    end = at + 4 + 2 * count
    return body[at + 4 : end].decode("utf-16-le", "replace"), end


def _scan_xlsb(
    path: str,
) -> tuple[
    dict[str, list], dict[str, set[tuple[int, int]]], dict[str, dict[tuple[int, int], tuple[float, str]]]
]:
    """One pass over each sheet's records: refuse an .xlsb whose sheets would span more cells than
    the limit once calamine builds their grids (two cells far apart in a 1 KB file make calamine
    allocate gigabytes), counted from the cells holding a value as calamine places them. Collect
    what calamine does not report for .xlsb, by sheet, 0-based: the merged ranges (BrtMergeCell:
    first row, last row, first column, last column) as ((row, col), (last row, last col)); the
    cells whose number format is a percentage; and the numbers with a date or time format, with
    the kind of format (see _xlsb_styles), which calamine gives as integers when they are stored as
    RK integers (the usual way for a date; a time of 0:00). A damaged part only loses these:
    calamine reports the damage in its own words."""
    budget = limits.current().max_cells
    merges: dict[str, list] = {}
    percents: dict[str, set[tuple[int, int]]] = {}
    dates: dict[str, dict[tuple[int, int], tuple[float, str]]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            rels = ET.fromstring(zf.read("xl/_rels/workbook.bin.rels"))
            targets = {
                rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_NS_PKG_REL}Relationship")
            }
            sheets: dict[str, str] = {}
            for kind, body in _records(zf.read("xl/workbook.bin")):
                if kind == _BRT_BUNDLE_SH:
                    rel_id, at = _wide_string(body, 8)
                    name, _ = _wide_string(body, at)
                    target = targets.get(rel_id, "")
                    sheets[name] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                elif kind == _BRT_END_BUNDLE_SHS:
                    break
            percent_xf, moment_xf = _xlsb_styles(zf)
            for name, member in sheets.items():
                spans = merges[name] = []
                shares = percents[name] = set()
                days = dates[name] = {}
                row, top, bottom, left, right = 0, 1 << 62, -1, 1 << 62, -1
                for kind, body in _records(zf.read(member)):
                    if kind == _BRT_ROW_HDR and len(body) >= 4:
                        (row,) = struct.unpack_from("<I", body)
                    elif kind in _BRT_VALUE_CELLS and len(body) >= 8:
                        col, style = struct.unpack_from("<II", body)
                        style &= 0xFFFFFF
                        top, bottom = min(top, row), max(bottom, row)
                        left, right = min(left, col), max(right, col)
                        if style in percent_xf:
                            shares.add((row, col))
                        elif style in moment_xf and kind in _BRT_NUMBERS:
                            days[(row, col)] = (_xlsb_number(kind, body), moment_xf[style])
                    elif kind == _BRT_MERGE_CELL and len(body) >= 16:
                        r0, r1, c0, c1 = struct.unpack_from("<IIII", body)
                        spans.append(((r0, c0), (r1, c1)))
                cells = (bottom - top + 1) * (right - left + 1) if bottom >= 0 else 0
                budget -= cells
                if budget < 0:
                    _refuse_cells(path, name, cells)
    except (*ZIP_ERRORS, ET.ParseError, struct.error, UnicodeError):
        pass
    return merges, percents, dates


def _xlsb_number(kind: int, body: bytes) -> float:
    """The number of a BrtCellRk (RkNumber: 30 bits, an integer or a double's high bits, maybe
    ×100) or BrtCellReal / BrtFmlaNum (a double) record."""
    if kind != _BRT_CELL_RK:
        return float(struct.unpack_from("<d", body, 8)[0])
    (rk,) = struct.unpack_from("<I", body, 8)
    if rk & 0x2:
        value = float(struct.unpack("<i", struct.pack("<I", rk & 0xFFFFFFFC))[0] >> 2)
    else:
        value = struct.unpack("<d", struct.pack("<Q", (rk & 0xFFFFFFFC) << 32))[0]
    return value / 100 if rk & 0x1 else value


def _xlsb_styles(zf: zipfile.ZipFile) -> tuple[set[int], dict[int, str]]:
    """Indices of the cell formats (BrtXF inside BrtBeginCellXFs) whose number format shows a
    percentage, and of those showing a moment with its kind ("date", "time" of day or "elapsed"
    time), from styles.bin."""
    try:
        data = zf.read("xl/styles.bin")
    except KeyError:
        return set(), {}
    codes: dict[int, str] = {}
    formats: list[int] = []
    in_cell_xfs = False
    for kind, body in _records(data):
        if kind == _BRT_FMT and len(body) >= 6:
            (fid,) = struct.unpack_from("<H", body)
            codes[fid] = _wide_string(body, 2)[0]
        elif kind == _BRT_BEGIN_CELL_XFS:
            in_cell_xfs = True
        elif kind == _BRT_END_CELL_XFS:
            in_cell_xfs = False
        elif kind == _BRT_XF and in_cell_xfs and len(body) >= 4:
            formats.append(struct.unpack_from("<H", body, 2)[0])
    percent = {i for i, f in enumerate(formats) if f in (9, 10) or "%" in _QUOTED.sub("", codes.get(f, ""))}
    moments: dict[int, str] = {}
    for i, f in enumerate(formats):
        shows = _BUILTIN_MOMENTS.get(f) or (_moment_kind(codes[f]) if f in codes else None)
        if shows and i not in percent:
            moments[i] = shows
    return percent, moments


# Excel's built-in date formats (14-17, 22) and those of the East Asian locales (27-36, 50-58), its
# times of day (18-21: h:mm AM/PM, h:mm:ss AM/PM, h:mm, h:mm:ss; 45: mm:ss; 47: mmss.0) and elapsed
# time (46: [h]:mm:ss).
_BUILTIN_MOMENTS = {
    **dict.fromkeys((14, 15, 16, 17, 22, *range(27, 37), *range(50, 59)), "date"),
    **dict.fromkeys((18, 19, 20, 21, 45, 47), "time"),
    46: "elapsed",
}
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_ELAPSED = re.compile(r"\[(?:h+|m+|s+)\]", re.IGNORECASE)


def _moment_kind(code: str) -> str | None:
    """What a custom number format shows: "date" (y or d, or an m that is no minute: no h or s
    beside it), "time" of day (h, or m with s), "elapsed" time ([h], [m] or [s]), or None."""
    if _ELAPSED.search(_QUOTED.sub("", code)):
        return "elapsed"
    bare = _FORMAT_NOISE.sub("", code).lower()
    if bare == "general":
        return None
    if "y" in bare or "d" in bare or ("m" in bare and "h" not in bare and "s" not in bare):
        return "date"
    return "time" if "h" in bare or "s" in bare else None


def _apply_dates(table: Table, moments: dict[tuple[int, int], tuple[float, str]]) -> None:
    """Render the date- and time-formatted numbers calamine gave as numbers as the .xlsx reader
    renders a date (2024年3月1日) or a time (9:30)."""
    if not moments or not table.rows:
        return
    from .xlsx import _render

    top, left = table.row_numbers[0] - 1, table.first_col - 1
    for (row, col), (serial, kind) in moments.items():
        i, j = row - top, col - left
        if 0 <= i < len(table.rows) and 0 <= j < len(table.rows[i]) and table.rows[i][j] == _render(serial):
            if kind == "elapsed" and abs(serial) < 2958466:
                table.rows[i][j] = _render(datetime.timedelta(days=serial))
            elif kind == "time" and 0 <= serial < 2958466:
                seconds = round(serial % 1 * 86400) % 86400
                table.rows[i][j] = _render(datetime.time(seconds // 3600, seconds // 60 % 60, seconds % 60))
            elif kind == "date" and 0 < serial < 2958466:  # up to 9999-12-31
                table.rows[i][j] = _render(_EXCEL_EPOCH + datetime.timedelta(days=serial))


_EXCEL_EPOCH = datetime.datetime(1899, 12, 30)


# [MS-XLS] records read here: BOF, EOF, and the cell records carrying a value, with the offset of
# their last column where one record holds a run of cells (MULRK: row, first column, RK values,
# last column).
_XLS_BOF = 0x0809
_XLS_EOF = 0x000A
_XLS_VALUE_CELLS = frozenset((0x0203, 0x00FD, 0x0204, 0x027E, 0x0205, 0x0006, 0x00D6))
_XLS_MULRK = 0x00BD
_XLS_BOUNDSHEET = 0x0085


def _short_string(data: bytes) -> str:
    """ShortXLUnicodeString: character count, a flags byte (bit 0: UTF-16, else Latin-1), text."""
    count, flags = data[0], data[1]
    return (
        data[2 : 2 + 2 * count].decode("utf-16-le", "replace")
        if flags & 1
        else data[2 : 2 + count].decode("latin-1")
    )


# Opens the workbook and builds every sheet's grid, as read() will, under a cap on the address space.
_PROBE = """
import sys
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
except (ImportError, ValueError, OSError):
    pass  # Windows: no cap, but an abort still ends only this process
from python_calamine import CalamineWorkbook
try:
    book = CalamineWorkbook.from_path(sys.argv[1])
    for name in book.sheet_names:
        book.get_sheet_by_name(name)
except MemoryError:
    sys.exit(1)
except Exception:
    sys.exit(3)  # an error calamine reports in its own words: read() reports it
"""
_PROBE_MEMORY = 2 * 2**30
_PROBE_SECONDS = 120


def _probe_xls(path: str, label: str) -> None:
    """Refuse an .xls/.et that calamine cannot open without aborting the process. calamine's BIFF
    parser trusts lengths inside the Workbook stream: one changed byte in a 10 KB file made it ask
    for 4 GB and abort (SIGABRT, which no Python handler sees, ending a whole batch or server), a
    damage the header and record scans above cannot see. So the file is first opened by calamine
    in a child process with its address space capped; a child that dies or overruns is a read
    error. It costs one interpreter start per .xls (~0.1 s); the other formats need no probe."""
    try:
        proc = subprocess.run(
            [sys.executable, "-I", "-c", _PROBE, path, str(_PROBE_MEMORY)],
            capture_output=True,
            timeout=_PROBE_SECONDS,
            env={**os.environ, "RUST_BACKTRACE": "0"},
        )
    except subprocess.TimeoutExpired:
        raise ReadError(
            f"{label} 文件读取超过 {_PROBE_SECONDS} 秒仍未完成（文件可能已损坏），"
            "请用 Excel/WPS 打开后另存为 .xlsx 再检查",
            path,
        ) from None
    if proc.returncode not in (0, 3):
        raise ReadError(
            f"{label} 文件内容异常（读取它需要的内存远超文件本身，可能已损坏），"
            "请用 Excel/WPS 打开后另存为 .xlsx 再检查",
            path,
        )


def _scan_xls(path: str) -> None:
    """Refuse an .xls/.et whose sheets would span more cells than the limit once calamine builds
    their grids: a 6 KB file with a cell at A1 and one at IV65536 makes calamine allocate 16 million
    cells (1 GB, 20 s) before their number can be checked. One pass over the record headers of the
    Workbook stream (xlrd's compound-file reader finds it); a file too damaged for that is left to
    calamine, which reports it."""
    from xlrd.compdoc import CompDoc

    budget = limits.current().max_cells
    try:
        with open(path, "rb") as fh:
            ole = CompDoc(fh.read(), logfile=io.StringIO())
        stream = ole.get_named_stream("Workbook") or ole.get_named_stream("Book")
    except Exception:  # xlrd's compound-file reader fails in many ways on damage; calamine reports it
        return
    if not stream:
        return
    pos, end, depth, substream = 0, len(stream), 0, 0
    names: list[str] = []
    top, bottom, left, right = 1 << 62, -1, 1 << 62, -1
    while pos + 4 <= end:
        kind, size = struct.unpack_from("<HH", stream, pos)
        body = pos + 4
        pos = body + size
        if kind == _XLS_BOF:
            depth += 1
            if depth == 1:  # a sheet's substream (a chart's inside a sheet is nested)
                top, bottom, left, right = 1 << 62, -1, 1 << 62, -1
        elif kind == _XLS_EOF and depth:
            if depth == 1:
                cells = (bottom - top + 1) * (right - left + 1) if bottom >= 0 else 0
                budget -= cells
                if budget < 0:
                    name = names[substream - 1] if 0 < substream <= len(names) else f"第{substream}张"
                    _refuse_cells(path, name, cells)
                substream += 1
            depth -= 1
        elif kind == _XLS_BOUNDSHEET and substream == 0 and size >= 8 and pos <= end:
            names.append(_short_string(stream[body + 6 : pos]))
        elif size >= 4 and pos <= end and (kind in _XLS_VALUE_CELLS or kind == _XLS_MULRK):
            row, col = struct.unpack_from("<HH", stream, body)
            last = struct.unpack_from("<H", stream, pos - 2)[0] if kind == _XLS_MULRK else col
            top, bottom, left, right = min(top, row), max(bottom, row), min(left, col), max(right, last)


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
