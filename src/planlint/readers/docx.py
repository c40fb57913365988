"""Word documents (.docx) → one Table per top-level Word table (sheet names 表1, 表2 …).

The table XML is walked directly (python-docx's `row.cells` is far too slow on long tables).
Horizontal merges (gridSpan, and gridBefore for rows that start late) and vertical merges (vMerge
restart/continue) are resolved onto the table grid like Excel merged ranges. A table nested inside
a cell is flattened into that cell's text. The paragraphs before a table are its context; the
nearest one naming a plan is its title.
"""

from __future__ import annotations

import zipfile
from typing import cast
from xml.etree import ElementTree as ET

from .. import limits
from ..errors import ReadError
from ..table import Table
from ._common import ZIP_ERRORS, pick_title, title_from_rows

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_NESTED_NOTE = "表格单元格内嵌套了表格，已将嵌套表格的文字并入该单元格"
_P, _TBL, _TR, _TC = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc"
_MAX_GRID = 1000  # Word allows 63 columns; a larger span or offset is damage, not layout


def read(path: str) -> list[Table]:
    """Stream the document: each body-level paragraph and each row of a body-level table is read
    as the parser finishes it and then dropped, so memory holds the table's texts, not the XML
    tree (a 19 MB .docx of 2.5 million small cells held 3.9 GB as a tree)."""
    try:
        with zipfile.ZipFile(path) as zf:
            try:
                with zf.open("word/document.xml") as fh:
                    return _read_stream(path, fh)
            except LookupError:  # an unknown encoding declared: the part is UTF-8, as Word reads it
                with zf.open("word/document.xml") as fh:
                    return _read_stream(path, fh, ET.XMLParser(encoding="utf-8"))
    except ET.ParseError as exc:
        raise ReadError(
            f"Word 文档内容无法解析（{exc}），请用 Word/WPS 打开后另存为 .docx 再检查", path
        ) from None
    except ZIP_ERRORS as exc:
        raise ReadError(
            f"不是有效的 .docx 文件（可能已损坏：{exc}），请用 Word/WPS 打开后另存为 .docx 再检查", path
        ) from None


def _read_stream(path: str, fh, parser: ET.XMLParser | None = None) -> list[Table]:
    """Body-level blocks are told apart by counting, not by a stack of ancestors (the loop runs
    once per XML element, millions of times): a table that starts outside any table and any
    paragraph is a body-level table, its rows are those that end at table depth 1, and a
    paragraph that ends outside any table and any other paragraph is body-level prose."""
    tables: list[Table] = []
    prose: list[str] = []
    table: _TableBuilder | None = None
    tbl_depth = p_depth = 0
    for event, elem in ET.iterparse(fh, events=("start", "end"), parser=parser):
        tag = elem.tag
        if event == "start":
            if tag == _P:
                p_depth += 1
            elif tag == _TBL:
                if tbl_depth == 0 and p_depth == 0:
                    table = _TableBuilder(path, f"表{len(tables) + 1}")
                tbl_depth += 1
            continue
        if tag == _P:
            p_depth -= 1
            if p_depth == 0 and tbl_depth == 0:
                text = _paragraph_text(elem).strip()
                if text:
                    prose.append(text)
                elem.clear()
        elif tag == _TR:
            if tbl_depth == 1 and table is not None:
                table.add_row(elem)
                elem.clear()  # the row's XML is done with
        elif tag == _TBL:
            tbl_depth -= 1
            if tbl_depth == 0 and table is not None:
                built = table.finish(prose)
                if built is not None:
                    tables.append(built)
                prose, table = [], None
                elem.clear()
    if not tables:
        raise ReadError("文档中没有表格，请确认抽查计划以 Word 表格形式保存（而不是文本或图片）", path)
    return tables


def _paragraph_text(p: ET.Element) -> str:
    parts = []
    for node in p.iter():
        tag = node.tag
        if tag == f"{_W}t":
            parts.append(node.text or "")
        elif tag == f"{_W}tab":
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc: ET.Element, notes: list[str]) -> str:
    """The cell's paragraphs, one per line; a table nested inside it (at any depth) is flattened
    to one line per row of its own, without recursion (Word allows nesting hundreds deep)."""
    lines = []
    for child in tc:
        if child.tag == _P:
            lines.append(_paragraph_text(child))
        elif child.tag == _TBL:
            if _NESTED_NOTE not in notes:
                notes.append(_NESTED_NOTE)
            for tr in child.iter(_TR):  # every row of every depth, in document order
                lines.append(" ".join(_own_text(c) for c in tr.findall(_TC)))
    return "\n".join(lines)


def _own_text(tc: ET.Element) -> str:
    """A nested cell's own paragraphs (its nested tables' rows are lines of their own)."""
    return " ".join(_paragraph_text(p) for p in tc.findall(_P))


def _val(parent: ET.Element | None, tag: str) -> str | None:
    """The w:val of a property element: None when absent, '' when present without a value."""
    if parent is None:
        return None
    elem = parent.find(f"{_W}{tag}")
    if elem is None:
        return None
    return elem.get(f"{_W}val", "")


def _grid_int(text: str | None, default: int) -> int:
    """A gridSpan/gridBefore count; a malformed or absurd one is treated as absent."""
    try:
        value = int(text or default)
    except ValueError:
        return default
    return value if 0 <= value <= _MAX_GRID else default


def row_cells(tr: ET.Element, i: int, path: str, sheet: str) -> list[tuple[int, int, ET.Element, bool]]:
    """Row `i`'s cells placed on the table grid: (first column, span, <w:tc>, continues a vertical
    merge), following gridBefore, gridSpan and vMerge. Works on ElementTree and lxml elements."""
    cells = []
    col = _grid_int(_val(tr.find(f"{_W}trPr"), "gridBefore"), 0)
    for tc in tr.findall(_TC):
        props = tc.find(f"{_W}tcPr")
        span = max(1, _grid_int(_val(props, "gridSpan"), 1))
        if col + span > _MAX_GRID:
            raise ReadError(
                f"{sheet}第 {i + 1} 行超过 {_MAX_GRID} 列（Word 表格最多 63 列），文件可能已损坏；"
                "请用 Word/WPS 打开后另存为 .docx 再检查",
                path,
            )
        vmerge = _val(props, "vMerge")
        cells.append((col, span, tc, vmerge is not None and vmerge != "restart" and i > 0))
        col += span
    return cells


def grid(tbl: ET.Element, path: str, sheet: str) -> list[list[tuple[int, int, ET.Element, bool]]]:
    """Every row of a table (an element already in memory) placed on the grid (row_cells)."""
    return [row_cells(tr, i, path, sheet) for i, tr in enumerate(tbl.findall(_TR))]


def _read_table(path: str, tbl: ET.Element, sheet: str, prose: list[str]) -> Table | None:
    """A table element already in memory, read as the streaming reader reads it."""
    builder = _TableBuilder(path, sheet)
    for tr in tbl.findall(_TR):
        builder.add_row(tr)
    return builder.finish(prose)


def _blocks(body: ET.Element | None):
    """Body-level paragraphs and tables of a tree in memory, in document order, looking inside
    content controls (without recursion: they can nest)."""
    if body is None:
        return
    stack = [iter(body)]
    while stack:
        elem = next(stack[-1], None)
        if elem is None:
            stack.pop()
        elif elem.tag == f"{_W}sdt":
            content = elem.find(f"{_W}sdtContent")
            if content is not None:
                stack.append(iter(content))
        else:
            yield elem


class _TableBuilder:
    """One body-level Word table, row by row as the parser finishes each."""

    def __init__(self, path: str, sheet: str) -> None:
        self.path, self.sheet = path, sheet
        self.notes: list[str] = []
        self.rows: list[list[str]] = []
        self.covered: dict[tuple[int, int], tuple[int, int]] = {}  # covered cell → its merge's anchor
        self.cells = 0
        self.limit = limits.current().max_cells
        # Plans repeat the same texts down whole columns: one string per distinct text.
        texts: dict[str, str] = {}
        self.share = texts.setdefault

    def add_row(self, tr: ET.Element) -> None:
        i = len(self.rows)
        rows, covered = self.rows, self.covered
        row: dict[int, str] = {}
        for col, span, tc, continues in row_cells(tr, i, self.path, self.sheet):
            if continues:
                # continues the merge above: same text as the cell over it
                above = rows[i - 1]
                text = above[col] if col < len(above) else ""
                anchor = covered.get((i - 1, col), (i - 1, col))
                covered.update(((i, col + k), anchor) for k in range(span))
            else:
                text = self.share(t := _cell_text(tc, self.notes), t)
                covered.update(((i, col + k), (i, col)) for k in range(1, span))
            for k in range(span):
                row[col + k] = text
        width = max(row, default=-1) + 1
        rows.append([row.get(j, "") for j in range(width)])
        self.cells += max(width, 1)
        if self.cells > self.limit:  # refused while reading, before the rest is held
            raise ReadError(
                f"{self.sheet}已超过单元格上限 {self.limit:,}（读到第 {i + 1:,} 行），已拒绝读取；"
                f"请拆分文件后再检查。{limits.hint('max_cells')}",
                self.path,
            )

    def finish(self, prose: list[str]) -> Table | None:
        rows = self.rows
        width = max((len(r) for r in rows), default=0)
        if width == 0 or not any(c.strip() for r in rows for c in r):
            return None
        if len(rows) * width > self.limit:
            raise ReadError(
                f"{self.sheet}有 {len(rows):,} 行 × {width} 列，超过单元格上限 {self.limit:,}，已拒绝读取；"
                f"请拆分文件后再检查。{limits.hint('max_cells')}",
                self.path,
            )
        for r in rows:
            r.extend([""] * (width - len(r)))
        return Table(
            path=self.path,
            sheet=self.sheet,
            rows=rows,
            row_numbers=list(range(1, len(rows) + 1)),
            covered=frozenset(self.covered),
            anchors=self.covered,
            title=title_from_rows(rows) or pick_title(prose),
            context="\n".join(prose),
            format="docx",
            notes=self.notes,
        )


# ---------------------------------------------------------------- editing a copy


class _DocxCell:
    __slots__ = ("key", "text")

    def __init__(self, tc) -> None:
        self.key = tc  # the <w:tc> element: a vertical merge's cells all lead to its first one
        self.text = _cell_text(tc, [])

    def holds(self, old: str) -> bool:
        return self.text == old


class _DocxCopy:
    """A python-docx copy. Tables are named and cells placed on the grid by the reader's own
    functions, so 表2 第3行 第4列 is the same cell to the reader and to the editor."""

    formula_risk = False

    def __init__(self, path: str) -> None:
        import docx

        try:
            self.document = docx.Document(path)
        except Exception as exc:  # python-docx raises KeyError, ValueError … on odd packages
            raise ReadError(
                f"python-docx 无法打开此文档以写入副本（{type(exc).__name__}: {str(exc)[:200]}），"
                "请用 Word/WPS 打开后另存为 .docx 再试",
                path,
            ) from None
        self.grids = []
        for elem in _blocks(self.document.element.body):
            if elem.tag == _TBL and _read_table(path, elem, "", []) is not None:
                self.grids.append(grid(elem, path, ""))

    def target(self, location) -> _DocxCell | str:
        name = location.sheet or "表1"
        index = int(name[1:]) - 1 if name.startswith("表") and name[1:].isdigit() else -1
        if not 0 <= index < len(self.grids):
            return "在文档中找不到该表格"
        rows, r, col = self.grids[index], location.row - 1, location.col - 1
        while 0 <= r < len(rows):
            found = next((cell for cell in rows[r] if cell[0] <= col < cell[0] + cell[1]), None)
            if found is None:
                break
            if not found[3]:
                return _DocxCell(found[2])
            r -= 1  # continues the vertical merge above
        return "在文档中找不到该单元格"

    def refuses(self, new: str) -> str | None:
        return None

    def write(self, target: _DocxCell, new: str) -> None:
        """Replace the cell's text, keeping the first paragraph and the first run's formatting."""
        from docx.table import Table as DocxTable
        from docx.table import _Cell

        # The parent is never used: paragraphs, runs, run.text and add_run(text) with no style only
        # touch the XML; a parent is needed only to reach the document part (styles, images).
        first, *extra = _Cell(target.key, cast(DocxTable, None)).paragraphs
        for paragraph in extra:
            paragraph._element.getparent().remove(paragraph._element)
        runs = first.runs
        if runs:
            runs[0].text = new  # python-docx turns \n into <w:br/> and \t into <w:tab/>
            for run in runs[1:]:
                run._element.getparent().remove(run._element)
        else:
            first.add_run(new)

    def save(self) -> bytes:
        import io

        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def open_copy(path: str) -> _DocxCopy:
    return _DocxCopy(path)
