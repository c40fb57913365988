"""Located cells: the one shape every reader produces, whatever the file format."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

_PAGE_PLACE = re.compile(r"第\d+页 表\d+")


def is_page_place(sheet: str | None) -> bool:
    """Whether a location's sheet is a page of a PDF table (`第3页 表1`), which has no cell names:
    its cells are written `第3页 表1 第5行 第4列`."""
    return sheet is not None and _PAGE_PLACE.fullmatch(sheet) is not None


@lru_cache(maxsize=1024)
def column_letter(col: int) -> str:
    """1 → A, 27 → AA (Excel column names)."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class Location(NamedTuple):
    """Where a value came from, as a person sees it in Excel/Word: 1-based row and column.

    `col == 0` means the whole row; `row == 0` means the whole table/sheet.
    For .docx the row/col are those of the Word table; for text exports the row is the line number.
    A NamedTuple rather than a frozen dataclass: one is made per cell, and this is ~3× cheaper.

    The one definition of how a location is written; every report uses one of these:
    - `str(loc)`: the address with its file, as linters print it (`计划.xlsx:内部计划!H7`,
      `计划.csv:H7`, `计划.pdf:第3页 表1 第5行 第4列`, `计划.xlsx:内部计划` for a whole table);
    - `loc.place`: the same without the file, for reports that name the file elsewhere (the HTML
      table, the annotated copy's 位置 column, a GitHub annotation's message, SARIF's logical
      location, a JUnit test name);
    - `loc.cell` / `loc.range`: the bare A1 name of the anchor / of a merged range (`J8:J13`), the
      JSON report's `cell` and `range`, and what a waiver's `cell:` is matched against.
    The two human forms differ for a whole row only: `place` says `内部计划 第7行`, while the
    address keeps the spreadsheet-like `内部计划!7` that tools and earlier reports already parse.
    A SARIF region (line numbers) and the annotated copy's hyperlinks (the copy's own sheet titles)
    are not written forms of a location but references in another format's terms; they stay there.
    """

    path: str
    sheet: str | None
    row: int
    col: int = 0
    # A merged cell: the last row and column of its range (0 for a single cell). Only findings carry
    # it; fields and edits are located at the range's anchor (row, col).
    end_row: int = 0
    end_col: int = 0

    @property
    def cell(self) -> str:
        if self.row == 0:
            return ""
        if self.col == 0:
            return str(self.row)
        return f"{column_letter(self.col)}{self.row}"

    @property
    def range(self) -> str:
        """`J8:J13` for a merged cell, else the same as `cell`."""
        if not self.end_row or self.col == 0:
            return self.cell
        return f"{self.cell}:{column_letter(self.end_col or self.col)}{self.end_row}"

    @property
    def place(self) -> str:
        """Where in its file: `内部计划!H7`, `J8:J13` (a merged cell of a sheetless file), `内部计划 第7行`
        (a whole row), `内部计划` (the whole table), `第3页 表1 第5行 第4列` (a PDF table's cell)."""
        return self._within(row_in_words=True)

    def __str__(self) -> str:
        within = self._within(row_in_words=False)
        return f"{self.path}:{within}" if within else self.path

    def _within(self, row_in_words: bool) -> str:
        sheet = self.sheet or ""
        if self.row == 0:
            return sheet
        if is_page_place(sheet):  # a PDF has no cell names: 第3页 表1 第5行 第4列
            return f"{sheet} 第{self.row}行" + (f" 第{self.col}列" if self.col else "")
        if self.col == 0 and row_in_words:
            return f"{sheet} 第{self.row}行".strip()
        return f"{sheet}!{self.range}" if sheet else self.range

    def to_json(self) -> dict:
        out = {"sheet": self.sheet, "row": self.row, "col": self.col, "cell": self.cell}
        if self.end_row:
            out["range"] = self.range
        return out


@dataclass(slots=True)
class Table:
    """One table of a file (a sheet, a Word table, a block of a text export), made regular.

    `rows[i][j]` is the text of the cell in physical row `row_numbers[i]`, column `first_col + j`
    ('' when empty). Merged cells are resolved: every cell of a merged range carries the anchor's
    text, and the non-anchor cells are listed in `covered` as (i, j) so that header and
    continuation-row logic can tell a vertical merge from a repeated value; `anchors` maps each
    of them to its range's anchor.
    """

    path: str
    sheet: str | None
    rows: list[list[str]]
    row_numbers: list[int]
    first_col: int = 1
    covered: frozenset[tuple[int, int]] = frozenset()
    title: str | None = None
    context: str = ""
    format: str = ""
    notes: list[str] = field(default_factory=list)
    # Per-row place names where one table spans several (a PDF table over pages: 第3页 表1);
    # None when every row is in `sheet`.
    row_sheets: list[str] | None = None

    def sheet_of(self, i: int) -> str | None:
        return self.sheet if self.row_sheets is None else self.row_sheets[i]

    # covered cell (i, j) → its merged range's anchor (i, j), where the reader knows the ranges
    anchors: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    # cell (i, j) → its text as written, for cells whose text planlint.script converted
    originals: dict[tuple[int, int], str] = field(default_factory=dict)

    def location(self, i: int, j: int | None = None) -> Location:
        """Location of row index i (and column index j), as the user sees it."""
        col = 0 if j is None else self.first_col + j
        return Location(self.path, self.sheet_of(i), self.row_numbers[i], col)
