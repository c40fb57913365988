"""The Plan model: plan metadata, and tasks whose cells (shared raw text + typed value) are placed by
the task's row and the plan's columns."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from .table import Location

if TYPE_CHECKING:
    from .joined import Parts

LEVELS = ("province", "city", "county", "township")
KINDS = ("internal", "joint")
LEVEL_NAMES = {"province": "省级", "city": "市级", "county": "县级", "township": "乡镇级"}
KIND_NAMES = {"internal": "内部", "joint": "部门联合"}

# Canonical field keys and the column names users know them by (for messages).
FIELD_NAMES = {
    "region": "地市",
    "seq": "序号",
    "name": "抽查任务名称",
    "type": "抽查类型",
    "category": "事项类别",
    "items": "抽查事项",
    "scope": "抽查对象范围",
    "quota": "抽查比例/数量",
    "ratio": "抽查比例",
    "count": "抽查数量",
    "frequency": "抽查频次",
    "base": "抽查基数",
    "target": "目标数",
    "risk": "信用风险分类管理",
    "window": "抽查检查起止时间",
    "initiator": "发起部门",
    "office": "承办科室",
    "run_by": "本部门/联合抽查",  # who runs the task (台山's 抽查类型: 本部门抽查 / 多部门联合抽查)
    "partner": "配合部门",
    "inspector": "检查主体",
    "mode": "抽查检查模式",
}


class Cell:
    """One distinct text of a column and its typed value: `value` is the parse result (see
    values.py), a `values.ParseError` when the text does not parse, or None for free-text fields
    and empty cells.

    Cells are shared values: plan building makes one Cell per distinct text of a parse kind, and
    every task holding that text holds the same Cell (a 100k-task sheet has a few thousand). A cell
    knows nothing of where it sits; a task places it (`Task.location_of`), so a cell rule, which
    sees only the cell, runs once per distinct cell (planlint.engine)."""

    __slots__ = ("raw", "value")

    def __init__(self, raw: str, value: Any = None) -> None:
        self.raw, self.value = raw, value

    @property
    def text(self) -> str:
        return self.raw.strip()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Cell:
            return NotImplemented
        return self is other or (self.raw == other.raw and self.value == other.value)

    def __hash__(self) -> int:
        return hash(self.raw)

    def __repr__(self) -> str:
        return f"Cell({self.raw!r}, {self.value!r})"

    def __reduce__(self) -> tuple:
        return Cell, (self.raw, self.value)


class Task:
    """One row of the plan (a 抽查任务): its cells by field key, placed by its row and the plan's
    columns. Continuation rows (empty 序号 and task name, e.g. a second line of 抽查事项 under a
    vertically merged task name) are Tasks of their own cells, kept in `continuation`."""

    __slots__ = ("seq", "cells", "location", "cols", "continuation", "anchored")

    def __init__(
        self,
        seq: str,
        cells: dict[str, Cell],
        location: Location,
        cols: dict[str, int] | None = None,
        continuation: list[Task] | tuple[()] = (),
        anchored: dict[str, Location] | None = None,
    ) -> None:
        self.seq, self.cells, self.location = seq, cells, location
        # field key → sheet column: one dict shared by every task of the table
        self.cols = cols if cols is not None else {}
        # () until a continuation row is found (most tasks have none: no empty list per task)
        self.continuation = continuation
        # cells of a merged range, located at the range's anchor instead of this row (rare: None)
        self.anchored = anchored

    def add_continuation(self, row: Task) -> None:
        self.continuation = [*self.continuation, row]

    def get(self, key: str) -> Cell | None:
        return self.cells.get(key)

    def text(self, key: str) -> str:
        c = self.cells.get(key)  # rules call this ~20 times per task: no property call inside
        return c.raw.strip() if c is not None else ""

    def value(self, key: str) -> Any:
        c = self.cells.get(key)
        return c.value if c is not None else None

    @property
    def name(self) -> str:
        return self.text("name")

    def location_of(self, key: str) -> Location:
        """Where the task's cell `key` sits: this row and the key's column (a merged range's
        anchor for a covered cell); the row itself for a key the table has no column for."""
        if self.anchored is not None:
            at = self.anchored.get(key)
            if at is not None:
                return at
        col = self.cols.get(key)
        loc = self.location
        return loc if col is None else Location(loc.path, loc.sheet, loc.row, col)

    def placed(self) -> Iterator[PlacedCell]:
        """Every cell of the task and of its continuation rows, with its location."""
        for row in (self, *self.continuation):
            for key, cell in row.cells.items():
                yield PlacedCell(key, cell, row.location_of(key))

    def view(self, row: Task) -> Task:
        """The task as seen from one of its continuation rows: that row's own cells, the task
        row's for the rest (located where they sit), at the continuation row."""
        inherited = {k: self.location_of(k) for k in self.cells if k not in row.cells}
        return Task(self.seq, {**self.cells, **row.cells}, row.location, self.cols, (), inherited)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Task:
            return NotImplemented
        return self._state() == other._state()

    __hash__ = None  # type: ignore[assignment]  # mutable

    def _state(self) -> tuple:
        return (self.seq, self.location, list(self.placed()))

    def __repr__(self) -> str:
        return f"Task({self.seq!r}, {self.location!r}, {self.cells!r})"

    def __reduce__(self) -> tuple:
        return Task, (self.seq, self.cells, self.location, self.cols, self.continuation, self.anchored)


class PlacedCell(NamedTuple):
    """A cell with its field key and location (what reports and fixes show)."""

    key: str
    cell: Cell
    location: Location

    @property
    def raw(self) -> str:
        return self.cell.raw

    @property
    def value(self) -> Any:
        return self.cell.value


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # canonical key, or "" for an unknown column
    index: int  # 0-based index into the table's rows
    header: str  # header text as written (joined when split over two rows)
    location: Location


@dataclass(slots=True)
class PlanMeta:
    title: str | None = None
    issuer: str | None = None
    place: str | None = None
    level: str | None = None  # province | city | county | township
    kind: str | None = None  # internal | joint
    year: int | None = None
    # the place and its ancestors, most specific first (泽州县, 晋城市, 山西省): from the gazetteer
    region: tuple[str, ...] = ()
    # requirements the plan's own notice declares (planlint.layers.Declared): its own layer
    declared: tuple = ()

    def to_json(self) -> dict:
        return {
            "title": self.title,
            "year": self.year,
            "level": self.level,
            "kind": self.kind,
            "issuer": self.issuer,
            "place": self.place,
        }


@dataclass(frozen=True, slots=True)
class DroppedRow:
    """A row the reader did not turn into a task, and why — nothing is dropped silently."""

    location: Location
    reason: str  # header-repeat | blank | title | note | stray-text | comment
    text: str = ""


@dataclass(slots=True)
class Plan:
    meta: PlanMeta
    tasks: list[Task]
    columns: dict[str, Column]
    source: Location  # path, sheet, header row
    unknown_columns: list[Column] = field(default_factory=list)
    dropped: list[DroppedRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the reader noticed (hidden sheets, nested tables)
    # (row, col) → the cell's text as written, where planlint.script converted it (traditional script)
    originals: dict[tuple[int, int], str] = field(default_factory=dict)
    # a merged range's anchor (row, col) → its last (row, col)
    spans: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    # a key the plan has no column for → headers of columns that may hold it
    candidates: dict[str, list[str]] = field(default_factory=dict)
    # (row, col) of the start cell of a window split over 开始时间 | 结束时间 → its two cells
    # (planlint.joined): findings and fixes go back to the cell holding what they are about
    joined: dict[tuple[int, int], Parts] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return self.source.path

    def has(self, key: str) -> bool:
        return key in self.columns

    def header(self, key: str) -> str:
        """The header of the column `key` as this plan writes it, else the usual name."""
        col = self.columns.get(key)
        return col.header if col else FIELD_NAMES.get(key, key)
