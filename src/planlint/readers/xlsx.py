"""Excel workbooks (.xlsx/.xlsm) → one Table per non-empty sheet, via python-calamine.

calamine gives values, not formats, so two things are resolved here:
- merged ranges: the anchor's text is copied into every covered cell, which is listed in
  `Table.covered`;
- numbers: integral floats render as '1', not '1.0'. A percentage typed into Excel is stored as a
  fraction (5% → 0.05) with a % number format that calamine does not report; when a sheet holds
  numbers in (0, 1] we read the cell styles from the file and render %-formatted cells as '5%'.
  Other numbers keep their value (0.05 stays '0.05').

calamine builds each sheet as a dense grid spanning its first to last cell, so two cells far apart
in a 1 KB file can cost gigabytes. Every sheet's size is checked before calamine loads it: from the
`<dimension ref>` that Excel, WPS and LibreOffice write at the top of the sheet XML (O(1)), or, when
that is missing or a one-cell placeholder (streaming writers such as POI's SXSSF), from one
streaming pass over the cell references.
"""

from __future__ import annotations

import datetime as _dt
import re
import zipfile
from xml.etree import ElementTree as ET

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from .. import limits
from ..errors import ReadError
from ..table import Table
from ._common import ZIP_ERRORS, title_from_rows

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_PERCENT_BUILTIN = {9, 10}
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
_QUOTED = re.compile(r'"[^"]*"|\\.')
_DIMENSION = re.compile(rb'<(?:[\w.-]+:)?dimension\s+ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"')
_SHEET_DATA = re.compile(rb"<(?:[\w.-]+:)?sheetData[\s>/]")
_REF = re.compile(rb'\sr="([A-Z]{0,3})(\d{1,7})"')  # a cell's r="B7" or a row's r="7"
_HEAD_BYTES = 64 * 1024
_UNKNOWN = 2**62  # an extent the quick pass cannot bound
_CHUNK = 1 << 20


def read(path: str) -> list[Table]:
    budget = limits.current().max_cells
    for name, cells in _sheet_extents(path).items():  # before calamine reads the file at all
        budget -= cells
        if budget < 0:
            _refuse_cells(path, name, cells)
    # A file object, not the path: calamine picks its parser by extension, and the content has
    # already been sniffed as an Excel 2007+ package (an .xlsx saved as .xls is still read).
    with open(path, "rb") as fh:
        try:
            book = CalamineWorkbook.from_filelike(fh)
        except (CalamineError, OSError, ValueError) as exc:
            raise ReadError(
                f"不是有效的 .xlsx 文件（可能已损坏：{exc}），请用 Excel/WPS 打开后另存为 .xlsx 再检查", path
            ) from None
        return _read_book(path, book)


def _read_book(path: str, book: CalamineWorkbook) -> list[Table]:
    tables = []
    try:
        for meta in book.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue  # chart and macro sheets hold no plan
            table = _read_sheet(path, book, meta.name)
            if table is None:
                continue
            if meta.visible != SheetVisibleEnum.Visible:
                table.notes.append(f"工作表「{meta.name}」是隐藏工作表，仍按计划表检查")
            tables.append(table)
    except CalamineError as exc:
        raise ReadError(f"读取工作簿失败（{exc}），请用 Excel/WPS 打开后另存为 .xlsx 再检查", path) from None
    finally:
        book.close()
    if not tables:
        if _has_images(path):
            raise ReadError(
                "工作簿中只有图片，没有单元格数据（planlint 不识别图片里的文字），请提供在单元格中填写的计划表", path
            )
        raise ReadError("工作簿中没有任何数据，请确认抽查计划表已保存在工作表中", path)
    return tables


def _has_images(path: str) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return any(name.startswith("xl/media/") for name in zf.namelist())
    except ZIP_ERRORS:
        return False


def _read_sheet(path: str, book: CalamineWorkbook, name: str) -> Table | None:
    sheet = book.get_sheet_by_name(name)
    values = sheet.to_python(skip_empty_area=True)
    if not values or sheet.start is None:
        return None
    (top, left), merges = sheet.start, sheet.merged_cell_ranges or []  # top, left: 0-based, of values[0][0]
    del sheet  # calamine's own copy of the cells (as big as `values`) is not needed past this point
    width = max(len(r) for r in values)
    rows: list[list[str]] = []
    fractions: list[tuple[int, int]] = []  # numbers that may be percentages
    # Plans repeat the same texts (risk clauses, windows, bodies) down whole columns: keep one
    # string per distinct text, so calamine's per-cell copies die with `values`.
    share = {}.setdefault

    def other(value: object, i: int, j: int) -> str:
        if value.__class__ is float and 0 < value <= 1:
            fractions.append((i, j))
        return _render(value)

    for i, row in enumerate(values):
        # a comprehension, not a loop of appends: this runs once per cell of the sheet
        out = [share(v, v) if v.__class__ is str else other(v, i, j) for j, v in enumerate(row)]
        if len(out) < width:
            out.extend([""] * (width - len(out)))
        rows.append(out)
    if not any(c.strip() for r in rows for c in r):
        return None
    if fractions:
        percent = _percent_cells(path, name)
        for i, j in fractions:
            if (top + i, left + j) in percent:
                rows[i][j] = _percent(values[i][j])
    anchors = _fill_merges(rows, merges, top, left)
    return Table(
        path=path,
        sheet=name,
        rows=rows,
        row_numbers=list(range(top + 1, top + 1 + len(rows))),
        first_col=left + 1,
        covered=frozenset(anchors),
        anchors=anchors,
        title=title_from_rows(rows),
        format="xlsx",
    )


def _refuse_cells(path: str, sheet: str, cells: int) -> None:
    limit = limits.current().max_cells
    where = f"工作表「{sheet}」" if cells > limit else f"连同前面的工作表，到工作表「{sheet}」"
    raise ReadError(
        f"{where}约有 {cells:,} 个单元格，超过上限 {limit:,}，已拒绝读取以免耗尽内存；"
        f"请删去多余的空行空列（或拆分文件）后另存再检查。{limits.hint('max_cells')}",
        path,
    )


def _sheet_extents(path: str) -> dict[str, int]:
    """Cells of each worksheet's used range (rows × columns), by sheet name, read without loading
    any cell. A package too odd to inspect here is left to calamine, which reports it."""
    try:
        with zipfile.ZipFile(path) as zf:
            return {name: _extent(zf, member) for name, member in _sheet_members(zf).items()}
    except (*ZIP_ERRORS, ET.ParseError):
        return {}


def _extent(zf: zipfile.ZipFile, member: str) -> int:
    with zf.open(member) as fh:
        head = fh.read(_HEAD_BYTES)
        data_at = _SHEET_DATA.search(head)
        dim = _DIMENSION.search(head, 0, data_at.start() if data_at else len(head))
        if dim and dim[3]:
            rows = int(dim[4]) - int(dim[2]) + 1
            cols = _col_index(dim[3].decode()) - _col_index(dim[1].decode()) + 1
            return max(rows, 1) * max(cols, 1)
        estimate = _quick_extent(fh, head)
    if estimate <= limits.current().max_cells:
        return estimate
    with zf.open(member) as fh:  # near or over the limit: count exactly before refusing
        return _exact_extent(fh)


def _pieces(fh, first: bytes = b""):
    """The part in ~1 MB pieces, each cut just after a `>`, so that no tag (and so no reference)
    is split between two pieces."""
    rest, buf = b"", first or fh.read(_CHUNK)
    while buf:
        buf = rest + buf
        more = fh.read(_CHUNK)
        cut = (buf.rfind(b">") + 1 or len(buf)) if more else len(buf)
        yield buf[:cut]
        rest, buf = buf[cut:], more


def _quick_extent(fh, head: bytes) -> int:
    """Rows × columns up to the last cell reference of each 1 MB piece: O(1) work per piece on
    top of unpacking, because every writer emits rows and cells in order. A piece without any
    reference (cells written without one, or one huge cell) gives up: the exact count decides."""
    max_row = max_col = 0
    for part in _pieces(fh, head):
        at = part.rfind(b' r="')
        match = _REF.match(part, at) if at >= 0 else None
        if match is None:
            return _UNKNOWN
        max_row = max(max_row, int(match[2]))
        if match[1]:
            max_col = max(max_col, _col_index(match[1].decode()) + 1)
    return max(max_row, 1) * max(max_col, 1)


def _exact_extent(fh) -> int:
    """Rows × columns bounding every cell reference, in any order (one findall per piece).
    Cells without a reference continue the row, so they may widen it by their number."""
    max_row = max_col = refs = cells = row_ends = 0
    for part in _pieces(fh):
        found = _REF.findall(part)
        if found:
            max_row = max(max_row, max(int(d) for _, d in found))
            named = {c for c, _ in found if c}
            refs += sum(1 for c, _ in found if c)
            if named:
                max_col = max(max_col, max(_col_index(c.decode()) + 1 for c in named))
        cells += part.count(b"<c ") + part.count(b"<c>")
        row_ends += part.count(b"</row>")
    rows = max(max_row, row_ends, 1)
    if refs == 0:  # no references at all: the grid is as many cells as are written
        return max(cells, rows)
    return rows * max(max_col, min(max(cells - refs, 0), 16384), 1)


def _fill_merges(rows: list[list[str]], merges: list, top: int, left: int) -> dict[tuple[int, int], tuple[int, int]]:
    """Copy each merged range's anchor text into its other cells; return those cells' indices,
    each with its anchor's."""
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    height, width = len(rows), len(rows[0])
    for (r0, c0), (r1, c1) in merges:
        i0, j0 = r0 - top, c0 - left
        if not (0 <= i0 < height and 0 <= j0 < width):
            continue  # anchor outside the data (an empty formatted range)
        text = rows[i0][j0]
        for i in range(i0, min(r1 - top, height - 1) + 1):
            for j in range(j0, min(c1 - left, width - 1) + 1):
                if (i, j) != (i0, j0):
                    rows[i][j] = text
                    covered[(i, j)] = (i0, j0)
    return covered


def _render(value: object) -> str:
    if value.__class__ is float:
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0):
            value = value.date()
        else:
            return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    if isinstance(value, _dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def _percent(value: float) -> str:
    return f"{round(value * 100, 6):g}%"


def _percent_cells(path: str, sheet_name: str) -> set[tuple[int, int]]:
    """0-based (row, col) of the sheet's cells whose number format shows a percentage.

    Read from the package XML because calamine does not expose formats. Any problem here only
    means percentages stay fractions, so it never fails the read.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            xf_percent = _percent_styles(zf)
            if not xf_percent:
                return set()
            member = _sheet_members(zf).get(sheet_name)
            if member is None:
                return set()
            found = set()
            with zf.open(member) as fh:
                for _, elem in ET.iterparse(fh):
                    if elem.tag == f"{_NS_MAIN}c":
                        style = elem.get("s")
                        if style is not None and int(style) in xf_percent:
                            match = _CELL_REF.fullmatch(elem.get("r", ""))
                            if match:
                                found.add((int(match[2]) - 1, _col_index(match[1])))
                        elem.clear()
                    elif elem.tag == f"{_NS_MAIN}row":
                        elem.clear()
            return found
    except (*ZIP_ERRORS, ET.ParseError):
        return set()


def _percent_styles(zf: zipfile.ZipFile) -> set[int]:
    """Indices of cellXfs whose number format is a percentage (built-in 9/10 or a custom % code)."""
    styles = ET.fromstring(zf.read("xl/styles.xml"))
    custom = {
        int(fmt.get("numFmtId", "-1"))
        for fmt in styles.iter(f"{_NS_MAIN}numFmt")
        if "%" in _QUOTED.sub("", fmt.get("formatCode", ""))
    }
    xfs = styles.find(f"{_NS_MAIN}cellXfs")
    if xfs is None:
        return set()
    return {
        i
        for i, xf in enumerate(xfs.iter(f"{_NS_MAIN}xf"))
        if int(xf.get("numFmtId", "0")) in _PERCENT_BUILTIN | custom
    }


def _sheet_members(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → package part holding its XML."""
    book = ET.fromstring(zf.read("xl/workbook.xml"))
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {}
    for rel in rels.iter(f"{_NS_PKG_REL}Relationship"):
        target = rel.get("Target", "")
        targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    members = {}
    for sheet in book.iter(f"{_NS_MAIN}sheet"):
        member = targets.get(sheet.get(f"{_NS_REL}id"))
        if member is not None:
            members[sheet.get("name", "")] = member
    return members


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


# ---------------------------------------------------------------- editing a copy


def _number_texts(value: float, number_format: str) -> set[str]:
    """How the reader may have rendered a number (integral → '1', %-formatted → '5%')."""
    texts = {str(value), _render(float(value))}
    if "%" in number_format:
        texts.add(_percent(value))
    return texts


class _XlsxCell:
    __slots__ = ("key", "text", "_cell")

    def __init__(self, key: tuple, cell) -> None:
        self.key, self._cell = key, cell
        value = cell.value
        self.text = "" if value is None else str(value)

    def holds(self, old: str) -> bool:
        value = self._cell.value
        if isinstance(value, str):
            return value == old
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return old in _number_texts(value, self._cell.number_format)
        return value is None and old == ""


class _XlsxCopy:
    """An openpyxl copy of the workbook: formatting, merges and other sheets kept (not images or
    charts, which openpyxl drops). A covered cell of a merged range is edited at its anchor."""

    formula_risk = False

    def __init__(self, path: str) -> None:
        from ..workbook import load

        try:
            with zipfile.ZipFile(path) as zf:
                keep_vba = "xl/vbaProject.bin" in zf.namelist()
        except ZIP_ERRORS:
            keep_vba = False
        self.wb = load(path, keep_vba=keep_vba)

    def target(self, location) -> _XlsxCell | str:
        from ..workbook import merged_anchor

        wb, sheet = self.wb, location.sheet
        ws = wb[sheet] if sheet in wb.sheetnames else (wb.active if sheet is None else None)
        if ws is None:
            return f"找不到工作表「{sheet}」"
        row, col = merged_anchor(ws, location.row, location.col)
        cell = ws.cell(row=row, column=col)
        if cell.data_type == "f":
            return "单元格是公式，未修改"
        return _XlsxCell((ws.title, row, col), cell)

    def refuses(self, new: str) -> str | None:
        return None

    def write(self, target: _XlsxCell, new: str) -> None:
        from ..workbook import put

        title, row, col = target.key
        put(self.wb[title], row, col, new)

    def save(self) -> bytes:
        from ..workbook import to_bytes

        return to_bytes(self.wb)


def open_copy(path: str) -> _XlsxCopy:
    return _XlsxCopy(path)
