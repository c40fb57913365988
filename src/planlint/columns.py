"""Header recognition: a regular Table becomes a Plan of located, typed task fields.

Finds the header row by its synonyms (rules/columns.yaml), joins a header split over two rows,
drops what is not a task (rows above the header, blank rows, header rows repeated at page breaks,
title and note rows) recording each as a DroppedRow, and folds continuation rows (empty 序号 and
task name, or cells covered by a vertical merge) into the task above.
"""

from __future__ import annotations

import gc
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from . import fields
from .bundled import load_yaml
from .errors import ReadError
from .plan import Column, DroppedRow, Field, Plan, PlanMeta, Task
from .table import Table, column_letter

HEADER_SEARCH_ROWS = 60  # a header further down than this is not a plan table
MIN_HEADER_KEYS = 3
_YEAR = re.compile(r"(?:19|20)\d{2}")
_CONTAINS_MAX_LEN = 16  # longer cells are data, not headers: 根据企业信用风险分类结果… must not match
_BRACKETS = str.maketrans(
    {"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")", "＼": "/", "\\": "/"}
)


@dataclass(frozen=True, slots=True)
class Synonyms:
    exact: dict[str, str]  # normalized header → key
    contains: tuple[tuple[str, str], ...]  # (fragment, key), longest fragment first
    subheaders: frozenset[str]


@lru_cache(maxsize=1)
def synonyms() -> Synonyms:
    """The bundled synonym table, compiled once."""
    data = load_yaml("columns.yaml")
    exact: dict[str, str] = {}
    contains: list[tuple[str, str]] = []
    for key, spec in data["columns"].items():
        exact.setdefault(normalize_header(key), key)
        for name in spec.get("names", []):
            exact.setdefault(normalize_header(name), key)
        contains.extend((normalize_header(f), key) for f in spec.get("contains", []))
    contains.sort(key=lambda pair: -len(pair[0]))
    subs = frozenset(normalize_header(s) for s in data.get("subheaders", []))
    return Synonyms(exact, tuple(contains), subs)


@lru_cache(maxsize=16384)
def normalize_header(text: str) -> str:
    """Header text in one width, without spaces or line breaks: `智慧监管（信用风险分类）\\n要求` →
    `智慧监管(信用风险分类)要求`, `发起主体 /指导单位` → `发起主体/指导单位`."""
    return "".join(unicodedata.normalize("NFKC", text).translate(_BRACKETS).split())


@lru_cache(maxsize=16384)
def header_key(text: str) -> str | None:
    """The canonical key a header cell names, or None."""
    norm = normalize_header(text)
    if not norm:
        return None
    table = synonyms()
    key = table.exact.get(norm)
    if key is not None or len(norm) > _CONTAINS_MAX_LEN:
        return key
    for fragment, candidate in table.contains:
        if fragment in norm:
            return candidate
    return None


def field_key(column: Column) -> str:
    """The key of a column's cells in `Task.fields`: the canonical key, or `col:<header>` for an
    unknown column (`col:<letter>` when its header is empty)."""
    if column.key:
        return column.key
    return f"col:{column.header or column_letter(column.location.col)}"


def build_plan(table: Table, meta: PlanMeta | None = None) -> Plan:
    """The Plan held in `table`. Raises ReadError when the table has no recognizable header."""
    if meta is None:
        from .meta import plan_meta

        meta = plan_meta(table)
    # Building a plan allocates millions of small acyclic objects on a large sheet; the cyclic
    # collector would rescan the whole row list again and again (half the build time on 100k rows).
    paused = gc.isenabled()
    gc.disable()
    try:
        return _Builder(table).build(meta)
    finally:
        if paused:
            gc.enable()


class _Builder:
    def __init__(self, table: Table) -> None:
        self.t = table
        self.rows = table.rows
        self.covered = table.covered
        self.dropped: list[DroppedRow] = []
        self.where = (table.path, table.sheet)  # shared by every Field of the table
        self._cache: dict[tuple[str, str], object] = {}

    # -- header ---------------------------------------------------------------------------------
    def find_header(self) -> int:
        for i, row in enumerate(self.rows[:HEADER_SEARCH_ROWS]):
            keys = {header_key(c) for c in row if c}
            keys.discard(None)
            if len(keys) >= MIN_HEADER_KEYS:
                return i
        where = f"工作表「{self.t.sheet}」中" if self.t.sheet else ""
        raise ReadError(
            f"{where}未找到抽查计划表头（应包含 序号、抽查任务名称、抽查事项 等列），"
            "请确认表格有列标题行，或在 rules/columns.yaml 中补充该列名",
            self.t.path,
        )

    def is_subheader_row(self, i: int, seq_index: int | None) -> bool:
        """Row i is the second row of a two-row header: under 序号 nothing of its own, and every
        cell of its own a known header or a sub-label (比例, 数量 …)."""
        if i >= len(self.rows):
            return False
        row = self.rows[i]
        if seq_index is not None and row[seq_index].strip() and (i, seq_index) not in self.covered:
            return False
        own = [c for j, c in enumerate(row) if c.strip() and (i, j) not in self.covered]
        subs = synonyms().subheaders
        return bool(own) and all(header_key(c) or normalize_header(c) in subs for c in own)

    def columns(self, h: int, two_rows: bool) -> tuple[dict[str, Column], list[Column]]:
        known: dict[str, Column] = {}
        unknown: list[Column] = []
        width = len(self.rows[h])
        for j in range(width):
            parent = self.rows[h][j].strip()
            child = ""
            if two_rows and (h + 1, j) not in self.covered:
                child = self.rows[h + 1][j].strip()
            if child:
                header = f"{parent} {child}".strip() if parent else child
                candidates = [child, parent + child, parent]
            else:
                header, candidates = parent, [parent]
            key = next((k for k in map(header_key, candidates) if k), None)
            location = self.t.location(h, j)
            if key and key not in known:
                known[key] = Column(key, j, header, location)
            elif header or self._has_data(h + 1 + two_rows, j):
                unknown.append(Column("", j, header, location))
        return known, unknown

    def _has_data(self, start: int, j: int) -> bool:
        return any(row[j].strip() for row in self.rows[start:])

    def is_header_repeat(self, row: list[str], known: dict[str, Column], seq_index: int | None) -> bool:
        """A header row repeated at a page break, possibly worded a little differently."""
        if seq_index is not None and row[seq_index].strip().isdigit():
            return False  # cheap exit for data rows, which matters on 100k-row sheets
        hits = sum(1 for c in known.values() if header_key(row[c.index]) == c.key)
        return hits >= min(MIN_HEADER_KEYS, len(known))

    # -- rows -----------------------------------------------------------------------------------
    def drop(self, i: int, reason: str) -> None:
        texts = list(dict.fromkeys(c.strip() for c in self.rows[i] if c.strip()))
        self.dropped.append(DroppedRow(self.t.location(i), reason, " | ".join(texts)))

    def banner(self, i: int, seq_index: int | None) -> str | None:
        """'title' or 'note' for a row that is one text across the table (a merged title, a `##`
        title line of a text export, a footnote, a section label); None for a data row."""
        row = self.rows[i]
        distinct = set(row)
        distinct.discard("")
        if len(distinct) != 1:  # cheap exit: data rows hold several different texts
            return None
        cells = [(j, c.strip()) for j, c in enumerate(row) if c.strip()]
        texts = {c for _, c in cells}
        if len(texts) != 1:
            return None
        text = next(iter(texts))
        merged = len(cells) >= 2 and any((i, j) in self.covered for j, _ in cells)
        lone_label = len(cells) == 1 and cells[0][0] == seq_index and not text.isdigit() and len(text) > 6
        if text.startswith("#") or merged or lone_label:
            # a title repeated at a page break names a plan of a year; `注：本计划…` is a note
            is_title = text.startswith("#") or ("计划" in text and _YEAR.search(text) is not None)
            return "title" if is_title else "note"
        return None

    def empty_or_covered(self, i: int, column: Column | None) -> bool:
        if column is None:
            return True
        return not self.rows[i][column.index].strip() or (i, column.index) in self.covered

    def make_fields(self, i: int, columns: list[tuple[str, int, str | None]], own_only: bool) -> dict[str, Field]:
        """Row i's cells as Fields; `columns` holds (key, column index, parse kind or None)."""
        row = self.rows[i]
        number = self.t.row_numbers[i]
        where, first_col, at, parse = self.where, self.t.first_col, Field.at, self.parse
        if self.t.row_sheets is not None:  # a table over several pages
            where = (self.t.path, self.t.sheet_of(i))
        out: dict[str, Field] = {}
        for key, j, kind in columns:
            raw = row[j]
            if own_only and (not raw.strip() or (i, j) in self.covered):
                continue
            out[key] = at(key, raw, where, number, first_col + j, parse(kind, raw) if kind else None)
        return out

    def parse(self, kind: str, raw: str) -> object:
        if not raw.strip():
            return None
        cached = self._cache.get((kind, raw), self)
        if cached is self:  # identical cells are common (risk clauses): parse each text once
            cached = self._cache[(kind, raw)] = fields.parse(kind, raw)
        return cached

    def build(self, meta: PlanMeta) -> Plan:
        rows = self.rows
        h = self.find_header()
        for i in range(h):
            if not any(c.strip() for c in rows[i]):
                self.drop(i, "blank")
            else:
                texts = {c.strip() for c in rows[i] if c.strip()}
                self.drop(i, "title" if len(texts) == 1 and "计划" in texts.pop() else "stray-text")
        seq_col = None
        for j, c in enumerate(rows[h]):
            if header_key(c) == "seq":
                seq_col = j
                break
        two_rows = self.is_subheader_row(h + 1, seq_col)
        known, unknown = self.columns(h, two_rows)
        ordered = [
            (key, column.index, fields.FIELD_KINDS.get(key))
            for key, column in sorted([*known.items(), *((field_key(c), c) for c in unknown)], key=lambda kc: kc[1].index)
        ]
        seq, name = known.get("seq"), known.get("name")
        seq_index = seq.index if seq else None
        tasks: list[Task] = []
        start = h + 1 + two_rows
        previous_was_repeat = False
        for i in range(start, len(rows)):
            row = rows[i]
            if not "".join(row).strip():
                self.drop(i, "blank")
                continue
            if self.is_header_repeat(row, known, seq_index) or (
                previous_was_repeat and two_rows and self.is_subheader_row(i, seq_index)
            ):
                self.drop(i, "header-repeat")
                previous_was_repeat = True
                continue
            previous_was_repeat = False
            banner = self.banner(i, seq_index)
            if banner:
                self.drop(i, banner)
                continue
            if tasks and (seq or name) and self.empty_or_covered(i, seq) and self.empty_or_covered(i, name):
                tasks[-1].add_continuation(self.make_fields(i, ordered, own_only=True))
                continue
            task_fields = self.make_fields(i, ordered, own_only=False)
            seq_text = task_fields["seq"].text if "seq" in task_fields else ""
            tasks.append(Task(seq_text, task_fields, self.t.location(i)))
        return Plan(
            meta=meta,
            tasks=tasks,
            columns=known,
            source=self.t.location(h),
            unknown_columns=unknown,
            dropped=self.dropped,
            notes=list(self.t.notes),
        )
