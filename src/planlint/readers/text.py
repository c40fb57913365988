"""Plain-text exports (.txt) like the seeds: notice prose, then tab-separated table blocks.

A table broken over pages arrives as several blocks separated by blank lines, repeated `## …计划`
title lines and page numbers, each block starting with a repeated header row. Those blocks become
ONE Table: header repeats and in-between title lines stay as rows so that header recognition can
drop them with a reason. Prose between blocks starts a new table. Row numbers are line numbers.
"""

from __future__ import annotations

import re

from ..errors import ReadError
from ..table import Table
from ._common import clean_title, pick_title
from .delimited import check_cells, check_grid, decode, read_bytes

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
