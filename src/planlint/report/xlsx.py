"""The editor's report: an annotated COPY of the checked workbook. Offending cells are filled by
severity and carry a comment (message + fix); a 检查结果 sheet lists every finding with a link to
its cell. Word, csv, text and .xls inputs are rebuilt as a workbook from the parsed plan, cells at the
rows and columns the findings name. The input file is only ever read."""

from __future__ import annotations

import functools
import io
import os
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import PlanlintError
from ..findings import SEVERITY_NAMES, SEVERITY_RANK, Finding, Span
from ..result import CheckResult, PlanReport
from ..table import Location, Table, column_letter
from ..workbook import active_sheet, put
from ..workbook import sheet_title as _sheet_title
from . import ReportOptions
from .cells import field_index, plan_fields, rule_titles, segments
from .output import atomic_write, refuse_input

__all__ = ["annotated_copy", "put", "write"]

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

BINARY = True
RESULT_SHEET = "检查结果"
FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "BDD7EE"}
OPENPYXL_SUFFIXES = {".xlsx", ".xlsm"}


def clean(text: str) -> str:
    """`text` without the control characters a workbook cannot hold (openpyxl refuses them, and
    the whole copy with them): each becomes U+FFFD, visibly. Every text planlint writes into a
    workbook — cells, comments, sheet names — passes through here."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)


def _quote_sheet(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


class _Copy:
    """A workbook plus how a finding's Location.sheet maps onto its worksheets."""

    def __init__(self, wb: Workbook, sheets: dict[str | None, Worksheet]) -> None:
        self.wb = wb
        self.sheets = sheets

    def sheet(self, name: str | None) -> Worksheet | None:
        if name in self.sheets:
            return self.sheets[name]
        # A reader may leave sheet None for a single-sheet workbook.
        return self.sheets.get(None) if name is None else None


def _load(path: str) -> _Copy:
    from ..workbook import load

    return _sheets_of(load(path))


def _sheets_of(wb: Workbook) -> _Copy:
    from openpyxl.worksheet.worksheet import Worksheet

    sheets: dict[str | None, Worksheet] = {ws.title: ws for ws in wb.worksheets}
    active = wb.active
    if isinstance(active, Worksheet):  # a chartsheet (or none) has no cells a finding could name
        sheets[None] = active
    return _Copy(wb, sheets)


def _rebuild(reports: list[PlanReport]) -> _Copy:
    """A workbook of the parsed plans, every header and field at its original row and column, so
    the findings' locations hold unchanged."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(active_sheet(wb))
    sheets: dict[str | None, Worksheet] = {}
    taken: set[str] = set()
    widths: dict[tuple[str | None, int], int] = defaultdict(int)

    def sheet(name: str | None, i: int) -> Worksheet:
        # one worksheet per place a location names: a sheet, a Word table, a PDF table's page
        if name not in sheets:
            sheets[name] = wb.create_sheet(_sheet_title(name or f"表{i}", taken))
        return sheets[name]

    plans = [report.plan for report in reports if report.plan is not None]
    for i, plan in enumerate(plans, start=1):
        sheet(plan.source.sheet, i)
        for dropped in plan.dropped:
            loc = dropped.location
            if dropped.text and loc.row > 0:
                put(sheet(loc.sheet, i), loc.row, max(loc.col, 1), dropped.text).font = Font(color="808080")
        for column in [*plan.columns.values(), *plan.unknown_columns]:
            loc = column.location
            if loc.row > 0 and loc.col > 0:
                put(sheet(loc.sheet, i), loc.row, loc.col, column.header).font = Font(bold=True)
        for field in plan_fields(plan):
            loc = field.location
            if loc.row > 0 and loc.col > 0:
                put(sheet(loc.sheet, i), loc.row, loc.col, field.raw)
                widths[(loc.sheet, loc.col)] = max(widths[(loc.sheet, loc.col)], len(field.raw))
    for (name, col), width in widths.items():
        sheets[name].column_dimensions[column_letter(col)].width = min(max(width, 8), 40) + 2
    if not wb.worksheets:  # nothing parsed: the copy is just the result sheet
        sheets[None] = wb.create_sheet(_sheet_title("计划", taken))
    return _Copy(wb, sheets)


def _copy_of_tables(path: str, reports: list[PlanReport]) -> _Copy:
    """The copy of a file openpyxl cannot open: its tables read again, every cell's text as written
    at the row and column its findings name, merged ranges kept. Not rebuilt from the plan, whose
    cells may be joined ones (a window split over 开始时间 | 结束时间 is one cell `开始至结束` at the
    start cell): the copy would show the editor text their file does not hold. Word processor
    files (.doc/.wps/.odt) would need LibreOffice a second time, and a file that cannot be read
    again gives no tables, nor do tables whose headers are not where the plan found them: those
    are rebuilt from the plan."""
    from ..readers import kind_of, read_tables

    try:
        tables = read_tables(path) if path and kind_of(path) != "wordproc" else []
    except PlanlintError:
        tables = []
    if not tables:
        return _rebuild(reports)
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(active_sheet(wb))
    sheets: dict[str | None, Worksheet] = {}
    taken: set[str] = set()
    widths: dict[tuple[str | None, int], int] = defaultdict(int)
    for n, table in enumerate(tables, start=1):
        for i, row in enumerate(table.rows):
            name = table.sheet_of(i)
            if name not in sheets:
                sheets[name] = wb.create_sheet(_sheet_title(name or f"表{n}", taken))
            for j, text in enumerate(row):
                if text and (i, j) not in table.anchors:
                    loc = table.location(i, j)
                    put(sheets[name], loc.row, loc.col, table.originals.get((i, j), text))
                    if table.anchors.get((i, j + 1)) != (i, j):  # not a title merged across columns
                        widths[(name, loc.col)] = max(widths[(name, loc.col)], len(text))
        _merge_ranges(sheets, table)
    for (name, col), width in widths.items():
        sheets[name].column_dimensions[column_letter(col)].width = min(max(width, 6), 40) + 2
    for report in reports:  # the header cells the plan was read by, in bold as _rebuild has them
        for column in report.plan.columns.values() if report.plan is not None else ():
            ws, loc = sheets.get(column.location.sheet), column.location
            if loc.row > 0 and loc.col > 0:
                if ws is None or ws.cell(row=loc.row, column=loc.col).value is None:
                    return _rebuild(reports)  # not the tables the plan was read from
                ws.cell(row=loc.row, column=loc.col).font = Font(bold=True)
    if None not in sheets and len(sheets) == 1:  # a reader may leave a single sheet unnamed
        sheets[None] = next(iter(sheets.values()))
    return _Copy(wb, sheets)


def _merge_ranges(sheets: dict[str | None, Worksheet], table: Table) -> None:
    """The table's merged ranges (anchors) as merged cells of the copy: those whose covered cells
    fill a rectangle on one sheet."""
    groups: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for cell, anchor in table.anchors.items():
        groups[anchor].append(cell)
    for (ai, aj), cells in groups.items():
        i1, j1 = max(i for i, _ in cells), max(j for _, j in cells)
        box = {(i, j) for i in range(ai, i1 + 1) for j in range(aj, j1 + 1)} - {(ai, aj)}
        if i1 >= len(table.rows) or box != set(cells) or table.sheet_of(ai) != table.sheet_of(i1):
            continue
        top, bottom = table.location(ai, aj), table.location(i1, j1)
        sheets[table.sheet_of(ai)].merge_cells(
            start_row=top.row, start_column=top.col, end_row=bottom.row, end_column=bottom.col
        )


def _anchor(ws: Worksheet, row: int, col: int, index: dict) -> tuple[int, int]:
    """Comments and fills go on the top-left cell of a merged range (the others cannot hold them).
    `index` caches, per worksheet, the ranges by the rows they cover: one pass over the ranges per
    sheet, not one per finding."""
    by_row = index.get(ws.title)
    if by_row is None:
        by_row = index[ws.title] = defaultdict(list)
        for rng in ws.merged_cells.ranges:
            for r in range(rng.min_row, rng.max_row + 1):
                by_row[r].append(rng)
    for rng in by_row.get(row, ()):
        if rng.min_col <= col <= rng.max_col:
            return rng.min_row, rng.min_col
    return row, col


def _row_anchor_col(reports: list[PlanReport], finding: Finding) -> int:
    """A whole-row finding is pinned to the row's 序号 cell (else the table's first column)."""
    for r in reports:
        if r.plan is not None and r.plan.source.sheet == finding.location.sheet:
            seq = r.plan.columns.get("seq")
            if seq is not None and seq.location.col > 0:
                return seq.location.col
            cols = [c.location.col for c in r.plan.columns.values() if c.location.col > 0]
            if cols:
                return min(cols)
    return 1


def _target(
    copy: _Copy, reports: list[PlanReport], f: Finding, index: dict
) -> tuple[Worksheet, int, int] | None:
    ws = copy.sheet(f.location.sheet)
    if ws is None or f.location.row == 0:
        return None
    col = f.location.col or _row_anchor_col(reports, f)
    row, col = _anchor(ws, f.location.row, col, index)
    return ws, row, col


def _comment_text(findings: list[Finding]) -> str:
    parts = []
    for f in findings:
        text = f"[{SEVERITY_NAMES[f.severity]}] {f.rule_id} {f.slug}：{f.message}"
        if f.fix:
            text += f"\n建议：{f.fix}"
        parts.append(text)
    return "\n\n".join(parts)


def _annotate(
    copy: _Copy, reports: list[PlanReport], findings: list[Finding], fields: dict
) -> dict[Finding, tuple]:
    """Fill, comment and — where findings name parts of the text — mark each offending cell."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    by_cell: dict[tuple, list[Finding]] = defaultdict(list)
    targets: dict[Finding, tuple] = {}
    index: dict = {}
    for f in findings:
        target = _target(copy, reports, f, index)
        if target is not None:
            ws, row, col = target
            by_cell[(ws.title, row, col)].append(f)
            targets[f] = target
    for (title, row, col), group in by_cell.items():
        cell = copy.wb[title].cell(row=row, column=col)
        worst = max(group, key=lambda f: SEVERITY_RANK[f.severity]).severity
        cell.fill = PatternFill(fill_type="solid", start_color=FILLS[worst], end_color=FILLS[worst])
        text = _comment_text(group)
        if cell.comment is not None:  # keep the author's own comment above ours
            text = f"{cell.comment.text}\n\n{text}"
        comment = Comment(clean(text), "planlint")
        comment.width, comment.height = 360, min(80 + 60 * len(group), 600)
        cell.comment = comment
        loc = group[0].location
        placed = fields.get((loc.sheet, loc.row, loc.col))
        # only over the text the spans were found in (a cell the copy holds as read)
        if placed is not None and cell.value == placed.raw and any(f.spans for f in group):
            _mark(cell, placed.raw, [s for f in group for s in f.spans])
    return targets


def _result_sheet(
    copy: _Copy, reports: list[PlanReport], findings: list[Finding], targets: dict, fields: dict
) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    ws = copy.wb.create_sheet(_sheet_title(RESULT_SHEET, set(copy.wb.sheetnames)), 0)
    headers = ["序号", "级别", "规则", "名称", "位置", "任务", "单元格内容", "问题", "建议", "依据"]
    for col, header in enumerate(headers, start=1):
        put(ws, 1, col, header).font = Font(bold=True)
    row = 1
    titles = rule_titles()
    for report in reports:
        if report.error is not None:
            row += 1
            put(ws, row, 2, SEVERITY_NAMES["error"])
            put(ws, row, 8, f"无法读取：{report.error}")
    for n, f in enumerate(findings, start=1):
        row += 1
        loc = f.location
        field = fields.get((loc.sheet, loc.row, loc.col))
        values = [
            n,
            SEVERITY_NAMES[f.severity],
            f.rule_id,
            titles.get(f.rule_id, f.slug),
            loc.place,
            f.task_seq or "",
            field.raw if field is not None else "",
            f.message,
            f.fix,
            f.basis,
        ]
        for col, value in enumerate(values, start=1):
            put(ws, row, col, value).alignment = Alignment(wrap_text=col in _WRAPPED, vertical="top")
        ws.row_dimensions[row].height = _row_height(values)
        if field is not None and f.spans:
            _mark(ws.cell(row=row, column=7), field.raw, f.spans)
        target = targets.get(f)
        link_cell = ws.cell(row=row, column=5)
        if target is not None:
            tws, trow, tcol = target
            # the cell in the copy, whose sheet title may differ from the original's place (a Word
            # table, a PDF page, a name over 31 characters): an A1 reference, a merged cell's range
            at = loc if (trow, tcol) == (loc.row, loc.col) else Location(loc.path, None, trow, tcol)
            ref = f"{_quote_sheet(tws.title)}!{at.cell}"
            link_cell.value = clean(f"{tws.title}!{at.range}")
            link_cell.hyperlink = Hyperlink(ref=link_cell.coordinate, location=ref, tooltip="跳转到单元格")
            link_cell.font = Font(color="0563C1", underline="single")
        ws.cell(row=row, column=2).font = Font(
            color={"error": "C00000", "warning": "9C5700", "info": "1F4E79"}[f.severity]
        )
    for col, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[column_letter(col)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{column_letter(len(headers))}{max(row, 1)}"
    # Printed (or exported to PDF) for a meeting: every column on one page width, landscape, the
    # header on every page; by default 问题/建议/依据 went to pages of their own.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    # Open on the result list: deselect the others, or Excel shows several tabs grouped.
    for other in copy.wb.worksheets:
        other.sheet_view.tabSelected = other is ws
    copy.wb.active = 0


# The result list's column widths (characters) and the columns whose text wraps.
_WIDTHS = (6, 6, 8, 24, 14, 6, 36, 48, 40, 36)
_WRAPPED = frozenset((4, 7, 8, 9, 10))


def _row_height(values: list) -> float:
    """Points for a result row to show its wrapped text whole. WPS and LibreOffice do not fit a
    row's height to wrapped text written by openpyxl (no height is stored), so a long message was
    cut to its first line. A CJK character is two width units."""
    lines = 1
    for col in _WRAPPED:
        text = str(values[col - 1])
        units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
        lines = max(lines, -(-units // max(_WIDTHS[col - 1] - 1, 1)), text.count("\n") + 1)
    return min(15.0 * lines + 3, 409.0)


@functools.lru_cache(maxsize=64)
def _marked_font(name: str | None, size: float | None) -> Any:
    """Bold red in the cell's own typeface and size (a run's font replaces the cell's, so it names
    them), one object per typeface for every marked run (a report may mark thousands)."""
    from openpyxl.cell.text import InlineFont
    from openpyxl.styles.colors import Color

    return InlineFont(rFont=name, sz=size, b=True, color=Color("C00000"))


def _mark(cell: Any, raw: str, spans: Iterable[Span]) -> None:
    """`raw` into the cell as rich text, the parts findings are about (every span) in bold red, as
    the HTML report marks them."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock

    parts = segments(raw, spans)
    if not any(marked for _, marked in parts):
        return
    font = cell.font
    marked_font = _marked_font(font.name if font else None, font.sz if font else None)
    cell.value = CellRichText(
        *(TextBlock(marked_font, clean(text)) if marked else clean(text) for text, marked in parts)
    )


def annotates_in_place(path: str) -> bool:
    """Whether the annotated copy is the original workbook (an Excel 2007+ package, whatever its
    extension); every other format is rebuilt as a workbook from the parsed plan."""
    from ..readers import kind_of

    try:
        return kind_of(path) == "xlsx"
    except PlanlintError:
        return False


def _findings_into(copy: _Copy, reports: list[PlanReport], findings: list[Finding]) -> None:
    """Each finding on its cell and in the result list. The index of the plans' cells lives only
    here: it is gone before the workbook is saved, the peak of the copy's memory."""
    fields = {}
    for r in reports:
        fields.update(field_index(r.plan))
    targets = _annotate(copy, reports, findings, fields)
    _result_sheet(copy, reports, findings, targets, fields)


def annotated_copy(path: str, reports: list[PlanReport]) -> bytes:
    """The annotated workbook for one checked file, as bytes."""
    findings = sorted((f for r in reports for f in r.findings), key=lambda f: f.sort_key())
    from ..readers.xlsx import rebuild_note, values_copy
    from ..workbook import add_note_sheet

    note = rebuild_note(path) if path and annotates_in_place(path) else None
    if note is not None:  # openpyxl would take minutes over the merged ranges (issue 21.9)
        copy = _sheets_of(values_copy(path))
        add_note_sheet(copy.wb, note)
    elif path and annotates_in_place(path):
        try:
            copy = _load(path)
        except Exception as exc:  # openpyxl refuses some files the reader could still parse
            if not any(r.plan is not None for r in reports):
                raise PlanlintError(f"无法打开工作簿以生成批注副本：{exc}", path) from exc
            copy = _rebuild(reports)
    else:
        copy = _copy_of_tables(path, reports)
    _findings_into(copy, reports, findings)
    buffer = io.BytesIO()
    copy.wb.save(buffer)
    return buffer.getvalue()


def _targets(result: CheckResult, out: str) -> dict[str, Path]:
    """One input → `out` is the file. Several (the unreadable ones counted: the user named them),
    or `out` an existing folder or written as one (`批注/`) → `out` is a folder of
    `<stem>.批注.xlsx` files."""
    paths = list(dict.fromkeys(r.path for r in result.reports))
    folder_named = out.endswith(("/", os.sep)) or Path(out).is_dir()
    if len(paths) <= 1 and not folder_named:
        return {p: Path(out) for p in paths} or {"": Path(out)}
    folder = Path(out)
    taken: set[str] = set()
    targets = {}
    for p in paths:
        # 计划.xlsx → 计划.批注.xlsx; 计划.docx → 计划.docx.批注.xlsx (a .docx and an .xlsx of one plan
        # often sit side by side)
        src = Path(p)
        base = src.stem if src.suffix.lower() in OPENPYXL_SUFFIXES else src.name
        name, n = f"{base}.批注.xlsx", 2
        while name in taken:
            name, n = f"{base}({n}).批注.xlsx", n + 1
        taken.add(name)
        targets[p] = folder / name
    return targets


def write(result: CheckResult, out: str | None, options: ReportOptions) -> None:
    """One annotated copy per checked file. A file that could not be read gets none (an empty
    workbook would pass for a clean plan): stderr says so, and when no copy at all is left to
    write, the output fails with that reason."""
    if out is None:
        raise PlanlintError("xlsx 格式输出的是文件，请用 -o 路径 或 -f xlsx:路径 指定输出位置")
    targets = _targets(result, out)
    skipped = []
    for path, target in targets.items():
        reports = [r for r in result.reports if r.path == path]
        if path and all(r.error is not None for r in reports):
            skipped.append(f"{path}（无法读取：{reports[0].error}）")
            continue
        refuse_input(target, result)
        atomic_write(target, annotated_copy(path, reports) if path else _empty())
    if skipped and len(skipped) == len(targets):
        raise PlanlintError(f"未生成批注副本：{'；'.join(skipped)}", out)
    for what in skipped:
        import click

        click.echo(f"planlint：未生成批注副本：{what}", err=True)


def _empty() -> bytes:
    """No file was checked: a workbook holding only the (empty) result sheet."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = active_sheet(wb)
    ws.title = RESULT_SHEET
    put(ws, 1, 1, "未检查任何文件")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
