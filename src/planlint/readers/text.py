"""Plain-text exports (.txt) like the seeds: notice prose, then tab-separated table blocks.

A table broken over pages arrives as several blocks separated by blank lines, repeated `## …计划`
title lines and page numbers, each block starting with a repeated header row. Those blocks become
ONE Table: header repeats and in-between title lines stay as rows so that header recognition can
drop them with a reason. Prose between blocks starts a new table. Row numbers are line numbers.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..errors import ReadError
from ..table import Table
from ._common import clean_title, pick_title
from .delimited import _write_codec, check_cells, check_grid, decode, detect, read_bytes

_PAGE_NUMBER = re.compile(r"^[\s\-—–－]*(第\s*)?\d+(\s*页)?[\s\-—–－]*$")


class _Block:
    def __init__(self, prose: list[str]) -> None:
        self.prose = prose
        self.title = pick_title(prose)
        self.rows: list[list[str]] = []
        self.numbers: list[int] = []

    def add(self, number: int, cells: list[str]) -> None:
        self.rows.append(cells)
        self.numbers.append(number)


def read(path: str) -> list[Table]:
    data = read_bytes(path)
    if not data.strip():
        raise ReadError("文件为空，请确认导出的抽查计划包含内容", path)
    text = decode(data, path)
    check_cells(text, "\t", path)
    lines = text.splitlines()
    blocks: list[_Block] = []
    current: _Block | None = None
    prose: list[str] = []
    gap: list[tuple[int, str]] = []  # non-table lines since the current table's last row
    for number, line in enumerate(lines, start=1):
        if "\t" not in line:
            if current is None:
                if line.strip():
                    prose.append(line.strip())
            else:
                gap.append((number, line))
            continue
        if current is not None and not _continues(current, gap):
            prose = [text.strip() for _, text in gap if text.strip()]
            current = None
        if current is None:
            current = _Block(prose)
            blocks.append(current)
            prose = []
        else:
            for n, text in gap:
                if text.strip().startswith("#"):
                    current.add(n, [text.strip()])
        gap = []
        current.add(number, line.split("\t"))
    if not blocks:
        raise ReadError("未找到以制表符分隔的表格，请确认文件是抽查计划的文本导出（或改用 .xlsx/.csv）", path)
    tables = []
    for index, block in enumerate(blocks, start=1):
        width = max(len(r) for r in block.rows)
        check_grid(len(block.rows), width, path)
        tables.append(
            Table(
                path=path,
                sheet=None if len(blocks) == 1 else f"表{index}",
                rows=[r + [""] * (width - len(r)) for r in block.rows],
                row_numbers=block.numbers,
                title=block.title,
                context="\n".join(block.prose),
                format="text",
            )
        )
    return tables


def _continues(block: _Block, gap: list[tuple[int, str]]) -> bool:
    """Whether the lines between two tab-separated blocks are only a page break: blank lines,
    page numbers, and repeats of the table's own title."""
    for _, text in gap:
        stripped = text.strip()
        if not stripped or _PAGE_NUMBER.match(stripped):
            continue
        if stripped.startswith("#") and (block.title is None or clean_title(stripped) == block.title):
            continue
        return False
    return True


# ---------------------------------------------------------------- editing a copy

_LINE_ENDS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines splits on, as the reader


class _Field(NamedTuple):
    key: tuple[int, int]  # (line index, tab-separated field index)
    text: str

    def holds(self, old: str) -> bool:
        return self.text == old


class _TextCopy:
    """A text-export copy: row = line number (as the reader counts them), col = tab-separated field."""

    formula_risk = True

    def __init__(self, path: str) -> None:
        self.decoded = detect(read_bytes(path), path)
        self.lines = self.decoded.text.splitlines(keepends=True)

    def target(self, location) -> _Field | str:
        i, j = location.row - 1, location.col - 1
        if not 0 <= i < len(self.lines):
            return "找不到该行"
        cells = self.lines[i].rstrip(_LINE_ENDS).split("\t")
        return _Field((i, j), cells[j] if j < len(cells) else "")

    def refuses(self, new: str) -> str | None:
        if "\t" in new or any(c in new for c in _LINE_ENDS):
            return "新内容含制表符或换行，文本导出中无法表示"
        return None

    def write(self, target: _Field, new: str) -> None:
        i, j = target.key
        body = self.lines[i].rstrip(_LINE_ENDS)
        ending = self.lines[i][len(body) :]
        cells = body.split("\t")
        cells.extend([""] * (j + 1 - len(cells)))
        cells[j] = new
        self.lines[i] = "\t".join(cells) + ending

    def save(self) -> bytes:
        return self.decoded.bom + "".join(self.lines).encode(_write_codec(self.decoded))


def open_copy(path: str) -> _TextCopy:
    return _TextCopy(path)
