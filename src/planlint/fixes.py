"""Fixes as data, applied in one place: `Edit`s (cell, old, new, safety) rewritten into a COPY of
the plan file. Each edit is applied only if the cell still holds `old`; the rest are skipped with a
reason. xlsx keeps its formatting (openpyxl), csv/txt keep encoding, delimiter and line endings,
docx keeps the cell's first run formatting."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import PlanlintError
from .findings import Edit
from .report.output import atomic_write, refuse_input


@dataclass(frozen=True, slots=True)
class Skipped:
    edit: Edit
    reason: str  # Chinese, shown to the user


def default_output(src_path: str) -> str:
    """`plan.xlsx` → `plan.fixed.xlsx`, beside the input."""
    p = Path(src_path)
    return str(p.with_name(f"{p.stem}.fixed{p.suffix}"))


def _key(edit: Edit) -> tuple:
    loc = edit.location
    return (loc.sheet, loc.row, loc.col)


def plan_edits(edits: list[Edit], skipped: list[Skipped]) -> list[Edit]:
    """One edit per cell: exact duplicates (two rules proposing the same rewrite) collapse;
    a different rewrite of an already-claimed cell is a conflict and waits for the next round."""
    chosen: dict[tuple, Edit] = {}
    for edit in edits:
        if edit.location.row <= 0 or edit.location.col <= 0:
            skipped.append(Skipped(edit, "未指向具体单元格"))
            continue
        first = chosen.setdefault(_key(edit), edit)
        if first is not edit and (first.old, first.new) != (edit.old, edit.new):
            skipped.append(Skipped(edit, f"与同一单元格的另一修改（改为「{first.new}」）冲突，下一轮再处理"))
    return list(chosen.values())


def _seen(done: dict, target: object, edit: Edit, skipped: list[Skipped]) -> bool:
    """Merged cells: every covered cell carries the anchor's text, so a rule proposes the same
    rewrite once per covered cell. The first claims the anchor; identical ones are no-ops."""
    first = done.setdefault(target, edit)
    if first is edit:
        return False
    if (first.old, first.new) != (edit.old, edit.new):
        skipped.append(Skipped(edit, f"与合并单元格上的另一修改（改为「{first.new}」）冲突，下一轮再处理"))
    return True


# ---------------------------------------------------------------- xlsx


def _number_texts(value: float, number_format: str) -> set[str]:
    """How the reader may have rendered a number (integral → '1', %-formatted → '5%')."""
    texts = {str(value)}
    if float(value).is_integer():
        texts.add(str(int(value)))
    if "%" in number_format:
        pct = value * 100
        texts.add(f"{int(pct)}%" if float(pct).is_integer() else f"{pct:g}%")
    return texts


def _xlsx(src: str, edits: list[Edit], skipped: list[Skipped]) -> tuple[bytes, list[Edit]]:
    from openpyxl import load_workbook

    from .readers.xlsx import excessive_merges, merged_ranges
    from .report.xlsx import put

    if excessive_merges(src):  # openpyxl would take minutes over them (issue 21.9)
        raise PlanlintError(
            f"工作簿中有 {merged_ranges(src)[0]:,} 个合并单元格区域（异常多，文件可能已损坏），无法生成修复副本；"
            "请用 Excel/WPS 打开后另存再修复",
            src,
        )
    keep_vba = src.lower().endswith(".xlsm")
    wb = load_workbook(src, keep_vba=keep_vba)
    done: dict[tuple, Edit] = {}
    applied: list[Edit] = []
    for edit in edits:
        loc = edit.location
        ws = wb[loc.sheet] if loc.sheet in wb.sheetnames else (wb.active if loc.sheet is None else None)
        if ws is None:
            skipped.append(Skipped(edit, f"找不到工作表「{loc.sheet}」"))
            continue
        row, col = loc.row, loc.col
        for rng in ws.merged_cells.ranges:  # a covered cell of a merge shows the anchor's text
            if rng.min_row <= row <= rng.max_row and rng.min_col <= col <= rng.max_col:
                row, col = rng.min_row, rng.min_col
                break
        if _seen(done, (ws.title, row, col), edit, skipped):
            continue
        cell = ws.cell(row=row, column=col)
        value = cell.value
        if cell.data_type == "f":
            skipped.append(Skipped(edit, "单元格是公式，未修改"))
            continue
        if isinstance(value, str):
            matches = value == edit.old
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            matches = edit.old in _number_texts(value, cell.number_format)
        else:
            matches = value is None and edit.old == ""
        if not matches:
            skipped.append(Skipped(edit, f"单元格内容已变化（现为「{value if value is not None else ''}」）"))
            continue
        put(ws, row, col, edit.new)
        applied.append(edit)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), applied


# ---------------------------------------------------------------- csv / txt


def _decode(data: bytes) -> tuple[str, str, bytes]:
    """Text, codec and BOM, detected the way the readers detect them (readers.delimited.decode)."""
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"), (b"\xef\xbb\xbf", "utf-8")):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec), codec, bom
    try:
        return data.decode("utf-8"), "utf-8", b""
    except UnicodeDecodeError:
        return data.decode("gb18030"), "gb18030", b""


def _encode(text: str, codec: str, bom: bytes, edit_texts: list[str]) -> bytes:
    try:
        return bom + text.encode(codec)
    except UnicodeEncodeError:
        # A GB18030 file takes any Unicode text; this only guards exotic codecs.
        raise PlanlintError(f"修改后的文字无法用原文件编码 {codec} 保存：{'、'.join(edit_texts)}") from None


def _delimited(src: str, edits: list[Edit], skipped: list[Skipped]) -> tuple[bytes, list[Edit]]:
    """Rewrite only the records an edit touches; every other byte stays as it was."""
    from .readers.delimited import sniff_delimiter

    data = Path(src).read_bytes()
    text, codec, bom = _decode(data)
    delimiter = "\t" if src.lower().endswith(".tsv") else sniff_delimiter(text)
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(iter(lines), delimiter=delimiter)
    records: list[tuple[int, int, list[str]]] = []  # (first line, end line, fields)
    start = 0
    for fields in reader:
        records.append((start, reader.line_num, fields))
        start = reader.line_num
    by_record: dict[int, list[Edit]] = {}
    for edit in edits:
        by_record.setdefault(edit.location.row, []).append(edit)
    out: list[str] = []
    applied: list[Edit] = []
    for number, (first, end, fields) in enumerate(records, start=1):
        original = "".join(lines[first:end])
        changed = False
        for edit in by_record.pop(number, []):
            j = edit.location.col - 1
            current = fields[j] if j < len(fields) else ""
            if current != edit.old:
                skipped.append(Skipped(edit, f"单元格内容已变化（现为「{current}」）"))
                continue
            fields.extend([""] * (j + 1 - len(fields)))
            fields[j] = edit.new
            changed = True
            applied.append(edit)
        if changed:
            ending = original[len(original.rstrip("\r\n")) :] or ""
            buffer = io.StringIO()
            csv.writer(buffer, delimiter=delimiter, lineterminator=ending or "\n").writerow(fields)
            out.append(buffer.getvalue() if ending else buffer.getvalue().rstrip("\n"))
        else:
            out.append(original)
    out.append("".join(lines[start:]))
    for rest in by_record.values():
        skipped.extend(Skipped(e, "找不到该行") for e in rest)
    return _encode("".join(out), codec, bom, [e.new for e in edits]), applied


def _text(src: str, edits: list[Edit], skipped: list[Skipped]) -> tuple[bytes, list[Edit]]:
    """Text export: row = line number (as readers.text counts them), col = tab-separated field."""
    text, codec, bom = _decode(Path(src).read_bytes())
    lines = text.splitlines(keepends=True)  # same splitting as the reader, endings kept
    applied: list[Edit] = []
    for edit in edits:
        i, j = edit.location.row - 1, edit.location.col - 1
        if not 0 <= i < len(lines):
            skipped.append(Skipped(edit, "找不到该行"))
            continue
        body = lines[i].rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        ending = lines[i][len(body) :]
        cells = body.split("\t")
        current = cells[j] if j < len(cells) else ""
        if current != edit.old:
            skipped.append(Skipped(edit, f"单元格内容已变化（现为「{current}」）"))
            continue
        if "\t" in edit.new or any(c in edit.new for c in "\r\n"):
            skipped.append(Skipped(edit, "新内容含制表符或换行，文本导出中无法表示"))
            continue
        cells.extend([""] * (j + 1 - len(cells)))
        cells[j] = edit.new
        lines[i] = "\t".join(cells) + ending
        applied.append(edit)
    return _encode("".join(lines), codec, bom, [e.new for e in edits]), applied


# ---------------------------------------------------------------- docx


def _docx_tables(document) -> list:
    """Top-level tables (also inside content controls) that hold text, in order: the reader
    names them 表1, 表2 … counting only non-empty ones."""
    from docx.oxml.ns import qn

    def blocks(parent):
        for child in parent.iterchildren():
            if child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    yield from blocks(content)
            elif child.tag == qn("w:tbl"):
                yield child

    return [t for t in blocks(document.element.body) if "".join(t.itertext()).strip()]


def _docx_cell(tbl, row: int, col: int):
    """The <w:tc> at grid position (row, col), 1-based, following gridBefore/gridSpan, and up to
    the start of a vertical merge (the reader gives continued cells the text above)."""
    from docx.oxml.ns import qn

    def val(parent, tag):
        elem = parent.find(qn(tag)) if parent is not None else None
        return None if elem is None else elem.get(qn("w:val"), "")

    trs = tbl.findall(qn("w:tr"))
    r = row - 1
    while 0 <= r < len(trs):
        tr = trs[r]
        pos = int(val(tr.find(qn("w:trPr")), "w:gridBefore") or 0)
        found = None
        for tc in tr.findall(qn("w:tc")):
            span = max(1, int(val(tc.find(qn("w:tcPr")), "w:gridSpan") or 1))
            if pos <= col - 1 < pos + span:
                found = tc
                break
            pos += span
        if found is None:
            return None
        vmerge = val(found.find(qn("w:tcPr")), "w:vMerge")
        if vmerge is None or vmerge == "restart" or r == 0:
            return found
        r -= 1
    return None


def _docx(src: str, edits: list[Edit], skipped: list[Skipped]) -> tuple[bytes, list[Edit]]:
    import docx
    from docx.table import _Cell

    document = docx.Document(src)
    tables = _docx_tables(document)
    done: dict[object, Edit] = {}  # keyed by the <w:tc> element (kept alive, so stable)
    applied: list[Edit] = []
    for edit in edits:
        loc = edit.location
        name = loc.sheet or "表1"
        index = int(name[1:]) - 1 if name.startswith("表") and name[1:].isdigit() else -1
        tc = _docx_cell(tables[index], loc.row, loc.col) if 0 <= index < len(tables) else None
        if tc is None:
            skipped.append(Skipped(edit, "在文档中找不到该单元格"))
            continue
        if _seen(done, tc, edit, skipped):
            continue
        cell = _Cell(tc, None)
        if cell.text != edit.old:
            skipped.append(Skipped(edit, f"单元格内容已变化（现为「{cell.text}」）"))
            continue
        _set_docx_text(cell, edit.new)
        applied.append(edit)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue(), applied


def _set_docx_text(cell, text: str) -> None:
    """Replace the cell's text, keeping the first paragraph and the first run's formatting."""
    paragraphs = cell.paragraphs
    first = paragraphs[0]
    for extra in paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    runs = first.runs
    if runs:
        runs[0].text = text  # python-docx turns \n into <w:br/> and \t into <w:tab/>
        for run in runs[1:]:
            run._element.getparent().remove(run._element)
    else:
        first.add_run(text)


# ---------------------------------------------------------------- entry point

APPLIERS: dict[str, Callable[[str, list[Edit], list[Skipped]], tuple[bytes, list[Edit]]]] = {
    ".xlsx": _xlsx,
    ".xlsm": _xlsx,
    ".csv": _delimited,
    ".tsv": _delimited,
    ".txt": _text,
    ".docx": _docx,
}


def apply_edits(
    src_path: str,
    edits: list[Edit],
    out_path: str,
    *,
    skipped: list[Skipped] | None = None,
    applied: list[Edit] | None = None,
) -> int:
    """Apply `edits` to a copy of `src_path` written (atomically) to `out_path`; return how many
    were applied (listed in `applied`). Edits whose cell no longer holds `old` are skipped and
    appended to `skipped`; duplicates of an applied edit (covered cells of a merge) are neither."""
    skipped = [] if skipped is None else skipped
    refuse_input(out_path, inputs=[src_path])
    suffix = Path(src_path).suffix.lower()
    applier = APPLIERS.get(suffix)
    if applier is None:
        raise PlanlintError(f"不支持自动修复「{suffix}」文件", src_path)
    mine = []
    for edit in edits:
        if os.path.abspath(edit.location.path) != os.path.abspath(src_path):
            skipped.append(Skipped(edit, "修改指向其他文件"))
        else:
            mine.append(edit)
    data, done = applier(src_path, plan_edits(mine, skipped), skipped)
    atomic_write(out_path, data)
    if applied is not None:
        applied.extend(done)
    return len(done)
