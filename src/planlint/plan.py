"""The Plan model: plan metadata and tasks whose fields keep their raw text, typed value and location."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .table import Location

LEVELS = ("province", "city", "county")
KINDS = ("internal", "joint")
LEVEL_NAMES = {"province": "省级", "city": "市级", "county": "县级"}
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
    "partner": "配合部门",
    "inspector": "检查主体",
    "mode": "抽查检查模式",
}


class Field:
    """One cell of a task. `value` is the typed parse result (see values.py), a
    `values.ParseError` when the text does not parse, or None for free-text fields and empty cells.

    A plan has a Field per cell (a million on a 100k-task sheet), so a Field keeps its row and column
    and a (path, sheet) pair shared by its table, and makes its `location` when asked: one object per
    cell instead of two, 40% less memory, and far less to pickle between processes."""

    __slots__ = ("key", "raw", "value", "_where", "_row", "_col")

    def __init__(self, key: str, raw: str, location: Location, value: Any = None) -> None:
        self.key, self.raw, self.value = key, raw, value
        self._where = (location.path, location.sheet)
        self._row, self._col = location.row, location.col

    @classmethod
    def at(cls, key: str, raw: str, where: tuple[str, str | None], row: int, col: int, value: Any) -> Field:
        """The readers' constructor: `where` is the (path, sheet) pair the table's fields share."""
        f = cls.__new__(cls)
        f.key, f.raw, f.value, f._where, f._row, f._col = key, raw, value, where, row, col
        return f

    @property
    def location(self) -> Location:
        return Location(self._where[0], self._where[1], self._row, self._col)

    @property
    def text(self) -> str:
        return self.raw.strip()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Field:
            return NotImplemented
        return (self.key, self.raw, self.value, self.location) == (
            other.key,
            other.raw,
            other.value,
            other.location,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaces

    def __repr__(self) -> str:
        return f"Field(key={self.key!r}, raw={self.raw!r}, location={self.location!r}, value={self.value!r})"

    def __reduce__(self) -> tuple:
        return Field.at, (self.key, self.raw, self._where, self._row, self._col, self.value)


@dataclass(slots=True)
class Task:
    """One row of the plan (a 抽查任务). Continuation rows (empty 序号 and task name, e.g. a second
    line of 抽查事项 under a vertically merged task name) are kept as sub-items with their own locations."""

    seq: str
    fields: dict[str, Field]
    location: Location
    # () until a continuation row is found (most tasks have none: no empty list per task)
    continuation: list[dict[str, Field]] | tuple[()] = ()

    def add_continuation(self, fields: dict[str, Field]) -> None:
        self.continuation = [*self.continuation, fields]

    def get(self, key: str) -> Field | None:
        return self.fields.get(key)

    def text(self, key: str) -> str:
        f = self.fields.get(key)  # rules call this ~20 times per task: no property call inside
        return f.raw.strip() if f is not None else ""

    def value(self, key: str) -> Any:
        f = self.fields.get(key)
        return f.value if f else None

    @property
    def name(self) -> str:
        return self.text("name")


def pack_tasks(tasks: Sequence[Task]) -> list[tuple]:
    """Tasks as plain tuples, for pickling between processes: pickle handles tuples, strings and
    ints in C, while every Field or Task object costs it a Python call (half a batch worker's time).
    The typed values stay objects; they are shared between cells, so each is pickled once."""

    def fields(d: dict[str, Field]) -> list[tuple]:
        return [(k, f.key, f.raw, f.value, f._where, f._row, f._col) for k, f in d.items()]

    return [(t.seq, tuple(t.location), fields(t.fields), [fields(c) for c in t.continuation]) for t in tasks]


def unpack_tasks(packed: list[tuple]) -> list[Task]:
    """The inverse of `pack_tasks`."""
    at = Field.at

    def fields(items: list[tuple]) -> dict[str, Field]:
        return {k: at(key, raw, where, row, col, value) for k, key, raw, value, where, row, col in items}

    return [
        Task(seq, fields(own), Location(*loc), [fields(c) for c in cont] if cont else ())
        for seq, loc, own, cont in packed
    ]


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
    level: str | None = None  # province | city | county
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
    tasks: Sequence[Task]  # a list; cache.LazyTasks for a plan from a --jobs worker or the cache
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

    @property
    def path(self) -> str:
        return self.source.path

    def has(self, key: str) -> bool:
        return key in self.columns
