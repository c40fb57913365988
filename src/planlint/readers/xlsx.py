"""Excel workbooks (.xlsx/.xlsm) → one Table per non-empty sheet, via python-calamine.

calamine gives values, not formats, so two things are resolved here:
- merged ranges: the anchor's text is copied into every covered cell, which is listed in
  `Table.covered`;
- numbers: integral floats render as '1', not '1.0'. A percentage typed into Excel is stored as a
  fraction (5% → 0.05, 200% → 2) with a % number format that calamine does not report; when a sheet
  holds numbers we read the cell styles from the file and render every %-formatted number as Excel
  shows it ('5%', '200%'), whatever its size.
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
from collections.abc import Callable, Container, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple
from xml.etree import ElementTree as ET

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from .. import limits
from ..errors import ReadError
from ..table import Table
from ._common import ZIP_ERRORS, title_from_rows

if TYPE_CHECKING:
    from openpyxl import Workbook

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_PERCENT_BUILTIN = {9, 10}
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d{1,7})")
_QUOTED = re.compile(r'"[^"]*"|\\.')
_CHUNK = 1 << 20


def read(path: str) -> list[Table]:
    listed = _check_size(path)
    # A file object, not the path: calamine picks its parser by extension, and the content has
    # already been sniffed as an Excel 2007+ package (an .xlsx saved as .xls is still read).
    with open(path, "rb") as fh:
        return _read_book(path, _open_book(path, fh), listed=listed)


def _open_book(path: str, fh) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_filelike(fh)
    except (CalamineError, OSError, ValueError) as exc:
        raise ReadError(
            f"不是有效的 .xlsx 文件（可能已损坏：{exc}），请用 Excel/WPS 打开后另存为 .xlsx 再检查", path
        ) from None


def _check_size(path: str) -> dict[str, int]:
    """The sheet and cell limits, checked before calamine reads the file at all; gives the merged
    ranges each sheet lists (counted in the same pass over its XML)."""
    lim = limits.current()
    scans = _sheet_scans(path)
    extents = {name: scan.cells for name, scan in scans.items()}
    if len(extents) > lim.max_sheets:
        raise ReadError(
            f"工作簿有 {len(extents):,} 张工作表，超过上限 {lim.max_sheets:,}，已拒绝读取；"
            f"请把抽查计划表另存为单独的工作簿再检查。{limits.hint('max_sheets')}",
            path,
        )
    budget = lim.max_cells
    for name, cells in extents.items():
        budget -= cells
        if budget < 0:
            _refuse_cells(path, name, cells)
    return {name: scan.merges for name, scan in scans.items()}


def _read_book(
    path: str,
    book: CalamineWorkbook,
    percent_cells: Callable[[str, str], Container[tuple[int, int]]] | None = None,
    listed: Mapping[str, int] | None = None,
) -> list[Table]:
    """The workbook's tables; `percent_cells(path, sheet)` gives the 0-based cells whose number
    format is a percentage (this file's styles XML by default; other formats pass their own);
    `listed`, the merged ranges each sheet's XML lists (.xlsx: see _check_size; calamine builds
    none for the other formats from such a list)."""
    tables = []
    listed = listed or {}
    try:
        for meta in book.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue  # chart and macro sheets hold no plan
            count = listed.get(meta.name, 0)
            table = _read_sheet(
                path, book, meta.name, percent_cells or _percent_cells, merges=count <= MAX_LISTED_MERGES
            )
            if table is None:
                continue
            if count > MAX_LISTED_MERGES:
                table.notes.append(
                    f"工作表「{meta.name}」列有 {count:,} 个合并单元格区域（异常多，文件可能已损坏），"
                    "未按合并区域展开单元格；如表头或任务跨合并单元格，请取消多余的合并后另存再检查"
                )
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
                "工作簿中只有图片，没有单元格数据（planlint 不识别图片里的文字），请提供在单元格中填写的计划表",
                path,
            )
        raise ReadError("工作簿中没有任何数据，请确认抽查计划表已保存在工作表中", path)
    return tables


def _has_images(path: str) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return any(name.startswith("xl/media/") for name in zf.namelist())
    except ZIP_ERRORS:
        return False


def _read_sheet(
    path: str,
    book: CalamineWorkbook,
    name: str,
    percent_cells: Callable[[str, str], Container[tuple[int, int]]],
    *,
    merges: bool = True,
) -> Table | None:
    """One sheet as a Table; its merged ranges are filled unless `merges` is False (too many
    listed: calamine hands each to Python as objects, ~250 bytes apiece)."""
    sheet = book.get_sheet_by_name(name)
    values = sheet.to_python(skip_empty_area=True)
    if not values or sheet.start is None:
        return None
    top, left = sheet.start  # 0-based, of values[0][0]
    ranges = (sheet.merged_cell_ranges or []) if merges else []
    del sheet  # calamine's own copy of the cells (as big as `values`) is not needed past this point
    width = max(len(r) for r in values)
    rows: list[list[str]] = []
    numbers: list[tuple[int, int, float]] = []  # any number may have a percent format, with its place
    # Plans repeat the same texts (risk clauses, windows, bodies) down whole columns: keep one
    # string per distinct text, so calamine's per-cell copies die with `values`.
    texts: dict[str, str] = {}
    share = texts.setdefault

    def other(value: object, i: int, j: int) -> str:
        if value.__class__ is float or value.__class__ is int:  # not bool: TRUE is no percentage
            numbers.append((i, j, value))
        return _render(value)

    for i, row in enumerate(values):
        # a comprehension, not a loop of appends: this runs once per cell of the sheet
        out = [share(v, v) if v.__class__ is str else other(v, i, j) for j, v in enumerate(row)]
        if len(out) < width:
            out.extend([""] * (width - len(out)))
        rows.append(out)
    if not any(c.strip() for r in rows for c in r):
        return None
    if numbers:
        percent = percent_cells(path, name)
        for i, j, number in numbers:
            if (top + i, left + j) in percent:
                rows[i][j] = _percent(number)
    anchors = _fill_merges(rows, ranges, top, left)
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
        f"{where}至少有 {cells:,} 个单元格，超过上限 {limit:,}，已拒绝读取以免耗尽内存；"
        f"请删去多余的空行空列（或拆分文件）后另存再检查。{limits.hint('max_cells')}",
        path,
    )


class SheetScan(NamedTuple):
    cells: int  # of the grid calamine will build: rows × columns spanning the valued cells
    merges: int  # merged ranges the sheet's XML lists (copies included)


def _sheet_scans(path: str) -> dict[str, SheetScan]:
    """Each worksheet's grid and listed merged ranges, by sheet name, from one streaming pass over
    each sheet's XML (two for a sheet not written the way spreadsheet programs write it).

    `<dimension>` is never trusted: it may understate the sheet (A1:F4, then one cell at
    XFD1048576, makes calamine allocate 512 GiB), and rows may come in any order. A package too odd
    to inspect here is left to calamine, which reports it."""
    try:
        with zipfile.ZipFile(path) as zf:
            return {name: _scan(zf, member) for name, member in _sheet_members(zf).items()}
    except _Forged:
        raise ReadError(
            "工作表中含有 DTD/实体声明（Excel 和 WPS 不会写出，可能是伪造的文件），已拒绝读取；"
            "请用 Excel/WPS 打开后另存为 .xlsx 再检查",
            path,
        ) from None
    except (*ZIP_ERRORS, ET.ParseError):
        return {}  # no sheet to find: calamine reports the damage


def _scan(zf: zipfile.ZipFile, member: str) -> SheetScan:
    limit = limits.current().max_cells
    with zf.open(member) as fh:
        size, merges = _plain_extent(fh)
    if size is not None and size <= limit:
        return SheetScan(size, merges)
    with zf.open(member) as fh:
        floor, merges = _bare_floor(fh, limit)
    if floor > limit:  # the grid holds at least these cells: refused without parsing the XML
        return SheetScan(floor, merges)
    with zf.open(member) as fh:  # written otherwise, or near the limit: the XML parser decides
        size = _Extent().scan(fh, limit)
    if size is None:  # not well-formed XML, which calamine may still read: bound it by its bytes
        with zf.open(member) as fh:
            size = _lenient_extent(fh)
    return SheetScan(size, merges)


_PLAIN_REF = rb' r="([A-Z]{1,3})(0*[1-9]\d{0,6})"'
_LAST_PLAIN = re.compile(rb"<c" + _PLAIN_REF)
_NOT_PLAIN = re.compile(rb"<c(?=[\s/>])(?!" + _PLAIN_REF + rb")")
_PREFIXED = re.compile(rb":c[\s/>]")  # a cell tag with a namespace prefix


def _pieces(fh):
    """The part in ~1 MB pieces, each cut just after a `>`, so that no tag start is split."""
    rest = b""
    while block := fh.read(_CHUNK):
        block = rest + block
        cut = block.rfind(b">") + 1
        yield block[:cut]
        rest = block[cut:]
    if rest:
        yield rest


def _plain_extent(fh) -> tuple[int | None, int]:
    """Rows × columns up to the farthest cell reference, for a sheet whose every cell tag is
    written the way Excel, WPS, LibreOffice and openpyxl write it (`<c r="B7"`, first attribute,
    unprefixed); None when any cell is written otherwise (the XML parser decides then). Rows may
    come in any order, yet no object is made per cell: each piece is searched (in C) for the
    last cell's row and column, and only if some cell lies beyond them are its cells listed. An
    upper bound: cells without a value count. With it, the merged ranges listed (0 for None)."""
    max_row = max_col = merges = 0
    for part in _pieces(fh):
        if _NOT_PLAIN.search(part) or _PREFIXED.search(part):
            return None, 0
        merges += _merge_tags(part)
        at = part.rfind(b'<c r="')
        if at < 0:
            continue
        last = _LAST_PLAIN.match(part, at)
        if last is None:  # not expected: _NOT_PLAIN saw every `<c r="` tag as plain; let the parser decide
            return None, 0
        row, col = max(max_row, int(last[2])), max(max_col, _col_index(last[1].decode()) + 1)
        if _beyond(row, col).search(part):
            found = _LAST_PLAIN.findall(part)
            row = max(row, max(int(d) for _, d in found))
            col = max(col, max(_col_index(c.decode()) + 1 for c in {c for c, _ in found}))
        max_row, max_col = row, col
    return max_row * max_col, merges


_BARE_VALUED = (b"<c><v>", b"<c><is>")
_VALUED_WITH_ATTRIBUTES = re.compile(rb"<c\s[^<>]*><(?:v|is)[\s/>]")
_DECLARATION = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[^<>]*\?>")
_R_ATTR = re.compile(rb"\sr\s*=")


def _bare_floor(fh, limit: int) -> tuple[int, int]:
    """A floor under the grid of a sheet written with no `r` at all (no cell or row reference,
    as a streaming writer may do), and the merged ranges the sheet lists (those before the count
    stopped, for a sheet it refuses).

    Without references, the XML parser (_Extent) places every cell one column right of the
    previous cell of its row and every row one below the previous row: no two cells share a
    place, so the valued cells are at most the grid's. Counted here in C, as a cell tag followed
    at once by its value: `<c><v>` or `<c><is>` (`bytes.count`), or the same with attributes,
    `<c t="n"><v>` (a regex); with no comment, CDATA or processing instruction in the part, where
    such text could hide, that is what the bytes are. The count stops as soon as it is over
    `limit` (the sheet is refused without parsing the XML: ~0.1 µs per bare cell, ~0.4 with
    attributes, against the parser's ~2); any reference, comment, CDATA or processing instruction
    stops the count where it is, and the parser decides. Cells written otherwise (a line break
    before the value) are not counted: a floor, never more than the grid."""
    floor = merges = 0
    bare = True
    for i, part in enumerate(_pieces(fh)):
        merges += _merge_tags(part)
        if not bare:
            continue
        if i == 0 and (declaration := _DECLARATION.match(part)):
            part = part[declaration.end() :]
        # One byte first (a memchr): a search for `<!` stops at every `<` of the part, and a sheet
        # written bare has no `!`, `?`, `=` or whitespace at all (half the CPU of refusing one).
        spaced = any(space in part for space in _SPACES)
        if (
            (b"!" in part and b"<!" in part)
            or (b"?" in part and b"<?" in part)
            or ((spaced or b"=" in part) and _has_r_attribute(part))
        ):
            bare = False
            continue
        floor += sum(part.count(tag) for tag in _BARE_VALUED)
        if spaced and any(b"<c" + space in part for space in _SPACES):
            floor += len(_VALUED_WITH_ATTRIBUTES.findall(part))
        if floor > limit:
            break
    return floor, merges


_SPACES = (b" ", b"\t", b"\n", b"\r")


def _has_r_attribute(part: bytes) -> bool:
    # the substring searches first: the regex alone tries every whitespace of the part
    quick = b"r=" in part or any(b"r" + space in part for space in _SPACES)
    return quick and _R_ATTR.search(part) is not None


@lru_cache(maxsize=64)
def _beyond(row: int, col: int) -> re.Pattern[bytes]:
    """A plain cell reference whose row is greater than `row` or whose column is right of `col`."""
    return re.compile(
        rb'<c r="(?:[A-Z]{1,3}0*(?:%s)"|(?:%s)\d)'
        % (_greater(str(row), b"[1-9]", b"\\d"), _greater(_letters(col), b"[A-Z]", b"[A-Z]"))
    )


def _greater(text: str, lead: bytes, any_: bytes) -> bytes:
    """A regex alternation for the tokens (digit strings without leading zeros, or column letters)
    that sort after `text`: a longer one, or one of the same length with a greater prefix."""
    alts = [lead + any_ + b"{%d,}" % len(text)]
    for i, ch in enumerate(text):
        nxt = chr(ord(ch) + 1)
        if nxt not in ":[":  # after '9' or 'Z' there is no greater character
            rest = len(text) - i - 1
            alts.append(
                text[:i].encode()
                + b"["
                + nxt.encode()
                + (b"-9]" if ch.isdigit() else b"-Z]")
                + (any_ + b"{%d}" % rest if rest else b"")
            )
    return b"|".join(alts)


def _letters(col: int) -> str:
    """1-based column number → letters (1 → A)."""
    out = ""
    while col:
        col, r = divmod(col - 1, 26)
        out = chr(65 + r) + out
    return out


_ANY_REF = re.compile(rb"""<(?:[\w.-]+:)?(c|row)\b[^>]*?\sr\s*=\s*["']([A-Za-z]{0,3})(\d{1,7})["']""")
_ANY_CELL = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]")


def _lenient_extent(fh) -> int:
    """An upper bound of the grid of a sheet that is not well-formed XML: the farthest row and
    column any reference names (any order, case, quoting), widened by the cells without one."""
    max_row = max_col = cells = rows = 0
    rest = b""
    while block := fh.read(_CHUNK):
        block = rest + block
        cut = block.rfind(b"<")
        part, rest = (block[:cut], block[cut:]) if cut > 0 else (block, b"")
        for tag, letters, digits in _ANY_REF.findall(part):
            max_row = max(max_row, int(digits))
            if tag == b"c" and letters:
                max_col = max(max_col, _col_index(letters.decode().upper()) + 1)
        cells += len(_ANY_CELL.findall(part))
        rows += part.count(b"<row") + part.count(b":row")
    return max(max_row, rows, 1) * max(max_col, min(cells, 16384), 1)


class _Extent:
    """The bounding box of a sheet's valued cells, the way calamine places them: a cell's `r`
    gives its row and column (any case, any attribute quoting, any namespace prefix: this is an
    XML parser, not a pattern); a cell without one follows the previous cell of its row, a row
    without `r` follows the previous row. A cell without a value (`<c r="XFD1" s="1"/>`) is not
    placed by calamine and not counted."""

    __slots__ = ("row", "col", "cell", "top", "bottom", "left", "right", "kinds")

    def __init__(self) -> None:
        self.row = 0  # 1-based row of the current <row>
        self.col = 0  # 1-based column of the current cell
        self.cell: tuple[int, int] | None = None  # a cell whose value is not seen yet
        self.top = self.left = 1 << 62
        self.bottom = self.right = 0
        self.kinds: dict[str, str] = {}  # tag as written → local name

    def scan(self, fh, limit: int) -> int | None:
        """The grid's cells, or None when the XML is not well-formed."""
        from xml.parsers import expat

        # UTF-8 whatever the declaration says (OOXML parts are UTF-8; calamine ignores it too),
        # so an unknown encoding name cannot stop the scan.
        parser = expat.ParserCreate("utf-8")
        parser.StartElementHandler = self._start
        parser.StartDoctypeDeclHandler = _no_dtd  # Excel never writes one; entities are refused
        parser.EntityDeclHandler = _no_dtd
        try:
            while block := fh.read(_CHUNK):
                parser.Parse(block, False)
                if self.size() > limit:
                    break  # already over: no need to read the rest
            else:
                parser.Parse(b"", True)
        except expat.ExpatError:
            return None
        return self.size()

    def size(self) -> int:
        if not self.bottom:
            return 0
        return (self.bottom - self.top + 1) * (self.right - self.left + 1)

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        kind = self.kinds.get(name)
        if kind is None:
            kind = self.kinds[name] = name.rpartition(":")[2]
        if kind == "c":
            ref = attrs.get("r")
            match = _CELL_REF.fullmatch(ref.upper()) if ref else None
            if match:
                self.row, self.col = int(match[2]), _col_index(match[1]) + 1
            else:
                self.col += 1
            self.cell = (self.row, self.col)
        elif kind in ("v", "is"):
            if self.cell is not None:
                row, col = self.cell
                self.cell = None
                if row < self.top:
                    self.top = row
                if row > self.bottom:
                    self.bottom = row
                if col < self.left:
                    self.left = col
                if col > self.right:
                    self.right = col
        elif kind == "row":
            ref = attrs.get("r", "")
            self.row = int(ref) if ref.isdigit() and len(ref) < 10 else self.row + 1
            self.col = 0
            self.cell = None


class _Forged(Exception):
    """A sheet declares a DTD or entities."""


def _no_dtd(*_args: object) -> None:
    raise _Forged


def _fill_merges(
    rows: list[list[str]], merges: list, top: int, left: int
) -> dict[tuple[int, int], tuple[int, int]]:
    """Copy each merged range's anchor text into its other cells; return those cells' indices,
    each with its anchor's.

    A range listed many times counts once (20,000 copies of one range made a 12 KB file cost
    seconds); ranges that overlap (Excel never writes them) are filled only up to the sheet's own
    size in all, so their work is bounded by the grid."""
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    height, width = len(rows), len(rows[0])
    budget = height * width
    for (r0, c0), (r1, c1) in sorted(set(map(tuple, merges))):
        i0, j0 = r0 - top, c0 - left
        if not (0 <= i0 < height and 0 <= j0 < width):
            continue  # anchor outside the data (an empty formatted range)
        i1, j1 = min(r1 - top, height - 1), min(c1 - left, width - 1)
        budget -= (i1 - i0 + 1) * (j1 - j0 + 1)
        if budget < 0:
            break  # overlapping ranges beyond the sheet's size: damage, not layout
        text = rows[i0][j0]
        for i in range(i0, i1 + 1):
            row = rows[i]
            for j in range(j0, j1 + 1):
                if (i, j) != (i0, j0):
                    row[j] = text
                    covered[(i, j)] = (i0, j0)
    return covered


_MERGE_REF = re.compile(
    rb"""<(?:[\w.-]+:)?mergeCell\s[^>]*?ref\s*=\s*["']([A-Za-z]{1,3})(\d{1,7})(?::([A-Za-z]{1,3})(\d{1,7}))?"""
)


def merged_ranges(path: str) -> tuple[int, int]:
    """(ranges, cells) of all the merged ranges in the workbook's sheets, counted from the package
    without loading it: openpyxl makes an object for every cell of every range it loads, so a
    file of 20,000 copies of one range takes it minutes. Writers that load a workbook with
    openpyxl (the annotated copy, fix) check this first and rebuild the workbook instead when it
    is excessive (`rebuild_note`)."""
    count = cells = 0
    try:
        with zipfile.ZipFile(path) as zf:
            for member in _sheet_members(zf).values():
                with zf.open(member) as fh:
                    for part in _pieces(fh):
                        for c0, r0, c1, r1 in _MERGE_REF.findall(part):
                            count += 1
                            rows = abs(int(r1 or r0) - int(r0)) + 1
                            cols = (
                                abs(_col_index((c1 or c0).decode().upper()) - _col_index(c0.decode().upper()))
                                + 1
                            )
                            cells += rows * cols
    except (*ZIP_ERRORS, ET.ParseError):
        pass
    return count, cells


_MERGE_TAG = re.compile(rb"<(?:[\w.-]+:)?mergeCell[\s/>]")
# Ranges a sheet may list for the reader to fill: real plans list tens to hundreds; past this a
# sheet is read without them (a 24 MB part can list a million: minutes and 250 MB in Python).
MAX_LISTED_MERGES = 100_000


def _merge_tags(part: bytes) -> int:
    # the plain substring search first: a regex starting with `<` tries every tag of the sheet
    return len(_MERGE_TAG.findall(part)) if b"mergeCell" in part else 0


MAX_MERGED_RANGES = (
    2_000  # real plans: tens to hundreds; openpyxl checks each new range against all the others (n²)
)
MAX_MERGED_CELLS = 100_000  # openpyxl makes an object per merged cell: ~10 s per 100k


def rebuild_note(path: str) -> str | None:
    """Why a copy of this workbook (annotated or fixed) is rebuilt from its values instead of
    loaded with openpyxl, or None when it can be loaded (issue 21.9: 20,000 copies of one merged
    range in a 12 KB file kept openpyxl busy for minutes)."""
    count, cells = merged_ranges(path)
    if count <= MAX_MERGED_RANGES and cells <= MAX_MERGED_CELLS:
        return None
    return (
        f"原工作簿有 {count:,} 个合并单元格区域（共 {cells:,} 个单元格，异常多，文件可能已损坏），"
        "直接打开需要数分钟，因此本副本按各工作表单元格的值重建：未保留原有格式、公式、批注和图片，"
        "重复的合并区域只保留一个（过多时不保留合并）。如需保留格式，请用 Excel/WPS 打开原文件，"
        "取消多余的合并单元格后另存为 .xlsx 再试。"
    )


def values_copy(path: str) -> Workbook:
    """An openpyxl workbook holding the values of every worksheet of `path` at their original
    rows and columns (what calamine reads), with each distinct merged range once, none when even
    the distinct ranges are too many. Bounded as reading is: the same sheet and cell limits are
    checked first, and no merged range reaches openpyxl beyond MAX_MERGED_RANGES/CELLS."""
    from openpyxl import Workbook

    from ..workbook import active_sheet, put, sheet_title

    listed = _check_size(path)
    wb = Workbook()
    wb.remove(active_sheet(wb))
    taken: set[str] = set()
    with open(path, "rb") as fh:
        book = _open_book(path, fh)
        try:
            for meta in book.sheets_metadata:
                if meta.typ != SheetTypeEnum.WorkSheet:
                    continue
                ws = wb.create_sheet(sheet_title(meta.name, taken))
                if meta.visible != SheetVisibleEnum.Visible:
                    ws.sheet_state = "hidden"
                sheet = book.get_sheet_by_name(meta.name)
                values = sheet.to_python(skip_empty_area=True)
                if not values or sheet.start is None:
                    continue
                (top, left), merges = (
                    sheet.start,
                    (sheet.merged_cell_ranges or [] if listed.get(meta.name, 0) <= MAX_LISTED_MERGES else []),
                )
                del sheet
                for i, row in enumerate(values, start=top + 1):
                    for j, value in enumerate(row, start=left + 1):
                        if value != "" and value is not None:
                            put(ws, i, j, value)
                distinct = sorted(set(map(tuple, merges)))
                area = sum((r1 - r0 + 1) * (c1 - c0 + 1) for (r0, c0), (r1, c1) in distinct)
                if len(distinct) <= MAX_MERGED_RANGES and area <= MAX_MERGED_CELLS:
                    for (r0, c0), (r1, c1) in distinct:
                        ws.merge_cells(
                            start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1
                        )
        except CalamineError as exc:
            raise ReadError(
                f"读取工作簿失败（{exc}），请用 Excel/WPS 打开后另存为 .xlsx 再检查", path
            ) from None
        finally:
            book.close()
    if not wb.worksheets:
        wb.create_sheet("Sheet1")
    return wb


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
    if isinstance(value, _dt.time):  # a time-of-day format (h:mm): 9:30, as Excel shows it
        return _clock(value.hour, value.minute, value.second)
    if isinstance(value, _dt.timedelta):  # an elapsed-time format ([h]:mm): 36:00, not "1 day, 12:00:00"
        seconds = round(value.total_seconds())
        sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
        return sign + _clock(seconds // 3600, seconds // 60 % 60, seconds % 60)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def _clock(hours: int, minutes: int, seconds: int) -> str:
    return f"{hours}:{minutes:02}" + (f":{seconds:02}" if seconds else "")


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


# Nothing in a styles part can show a percentage without one of these (a UTF-16 part aside).
_MAYBE_PERCENT = re.compile(rb"%|numFmtId\s*=\s*[\"'](?:9|10)[\"']|^\xff\xfe|^\xfe\xff")


def _percent_styles(zf: zipfile.ZipFile) -> set[int]:
    """Indices of cellXfs whose number format is a percentage (built-in 9/10 or a custom % code).
    A part without a trace of one is not parsed (asked for every sheet holding a number)."""
    if not _MAYBE_PERCENT.search(zf.read("xl/styles.xml")):
        return set()
    styles = _part_xml(zf, "xl/styles.xml")
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


def _part_xml(zf: zipfile.ZipFile, name: str) -> ET.Element:
    """A package part's XML. OOXML parts are UTF-8 (or UTF-16 with a BOM): a declaration naming
    an unknown encoding (`encoding="UTF-8UTF-8"`) is overruled, as calamine overrules it."""
    data = zf.read(name)
    try:
        return ET.fromstring(data)
    except LookupError:
        return ET.fromstring(data, parser=ET.XMLParser(encoding="utf-8"))


def _sheet_members(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → package part holding its XML."""
    book = _part_xml(zf, "xl/workbook.xml")
    rels = _part_xml(zf, "xl/_rels/workbook.xml.rels")
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
        self.text = "" if value is None else _render(value) if isinstance(value, _dt.date) else str(value)

    def holds(self, old: str) -> bool:
        value = self._cell.value
        if isinstance(value, str):
            return value == old
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return old in _number_texts(value, self._cell.number_format)
        if isinstance(value, _dt.date):  # a date cell, read as 2025年12月31日
            return _render(value) == old
        return value is None and old == ""

    def value_for(self, new: str) -> object:
        """What to store for the text `new`: a date cell given a date stays a date (its number
        format kept, so it still shows as the sheet writes dates); anything else is text."""
        found = _DATE_TEXT.fullmatch(new.strip())
        if found is None or not isinstance(self._cell.value, _dt.date):
            return new
        try:
            date = _dt.date(*map(int, found.groups()))
        except ValueError:
            return new
        return _dt.datetime.combine(date, _dt.time()) if isinstance(self._cell.value, _dt.datetime) else date


_DATE_TEXT = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


class _XlsxCopy:
    """An openpyxl copy of the workbook: formatting, merges and other sheets kept (not images or
    charts, which openpyxl drops). A covered cell of a merged range is edited at its anchor."""

    formula_risk = False

    def __init__(self, path: str) -> None:
        from ..workbook import add_note_sheet, load

        note = rebuild_note(path)
        if note is not None:  # openpyxl would take minutes over the merges: a copy of the values
            self.wb = values_copy(path)
            add_note_sheet(self.wb, note)
            return
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
        put(self.wb[title], row, col, target.value_for(new))

    def save(self) -> bytes:
        from ..workbook import to_bytes

        return to_bytes(self.wb)


def open_copy(path: str) -> _XlsxCopy:
    return _XlsxCopy(path)
