"""Header recognition: a regular Table becomes a Plan of located, typed task fields.

Finds the header row by its synonyms (rules/columns.yaml), joins a header split over two rows,
drops what is not a task (rows above the header, blank rows, header rows repeated at page breaks,
title and note rows) recording each as a DroppedRow, and folds continuation rows (empty 序号 and
task name, or cells covered by a vertical merge) into the task above.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from . import fields, values
from .bundled import load_yaml
from .errors import ReadError
from .joined import Parts, join_texts
from .plan import FIELD_NAMES, Cell, Column, DroppedRow, Plan, PlanMeta, Task
from .readers._common import names_a_plan
from .script import simplify_table
from .table import Location, Table, column_letter

HEADER_SEARCH_ROWS = 60  # a header further down than this is not a plan table
CONTENT_SAMPLE_ROWS = 200  # data rows looked at to recognise a column by its cells
MIN_HEADER_KEYS = 3
_YEAR = re.compile(r"(?:19|20)\d{2}")
_CONTAINS_MAX_LEN = 16  # longer cells are data, not headers: 根据企业信用风险分类结果… must not match
_TYPE_WORDS = frozenset(("定向", "不定向", "定向抽查", "不定向抽查"))
# 本部门抽查 · 多部门联合抽查 · 跨部门联合检查 · 联合抽查 · 部门内部抽查: who runs a task, in a 抽查类型 column
_RUN_BY = re.compile(
    r"(?:本部门|本单位|本局|本系统|本机关|部门内部|内部|单独|(?:跨|多)?部门联合|联合|跨部门)(?:双随机)?(?:抽查|检查)?"
)
# What a column's cells parse as, for recognising columns by content: (parse kind = field key, test).
_CONTENT_KINDS: tuple[tuple[str, Callable[[object], bool]], ...] = (
    ("mode", lambda v: isinstance(v, values.Mode) and v.names_levels),  # not 联合抽查 alone
    ("window", lambda v: isinstance(v, values.Window)),
    ("risk", lambda v: isinstance(v, values.RiskClause) and bool(v.mentions_risk or v.tiers)),
    (
        "quota",
        lambda v: (
            isinstance(v, values.Quota)
            and (v.ratio is not None or v.frequency is not None or bool(v.by_kind))
        ),
    ),
)
# Keys of the columns that state how many are inspected; a plan has one of them as its quota.
_QUOTA_FAMILY = frozenset({"quota", "ratio", "count"})
_TASK_NAME = re.compile(
    r"^[^\d%]{2,40}(?:抽查|检查|巡查|监管|抽检|检测|监测)$"
)  # a task named as an inspection
_RATIO_TEXT = re.compile(r"\d\s*[%％‰]|比例")  # a cell that states a ratio, whatever its column
_BRACKETS = str.maketrans(
    {
        "【": "(",
        "】": ")",
        "[": "(",
        "]": ")",
        "〔": "(",
        "〕": ")",
        "＼": "/",
        "\\": "/",
        "*": None,
        "※": None,
    }
)
_FOOTNOTES = {c: None for c in range(0x2460, 0x2474)}  # ①–⑳ marking a header's footnote (NFKC: digits)


STRONG, STEM, WEAK = 0, 1, 2  # how firmly a header names its key: by name, by stem, by a weak name
_BRACKETED = re.compile(r"\([^()]*\)?")  # also an unclosed `(牵头指导处室` running to the end
_DIGIT = re.compile(r"\d")
_COMMENT = re.compile(r"\s*#+(?:\s|[A-Za-z]|$)")


class Match(NamedTuple):
    key: str
    rank: int  # STRONG, STEM or WEAK
    by_content: bool = False  # a header like 抽查方式 whose cells decide the key; `key` is the default


@dataclass(frozen=True, slots=True)
class Synonyms:
    exact: dict[str, Match]  # normalized header → match
    contains: tuple[tuple[str, Match], ...]  # (stem, match), longest stem first
    subheaders: frozenset[str]
    deadline: tuple[str, ...] = ()  # stems of a time header naming when tasks end (完成时限)
    described: tuple[str, ...] = ()  # stems of a header describing the objects (对象风险等级)


@lru_cache(maxsize=1)
def synonyms() -> Synonyms:
    """The bundled header families (rules/columns.yaml), compiled once."""
    data = load_yaml("columns.yaml")
    exact: dict[str, Match] = {}
    contains: list[tuple[str, Match]] = []
    for key, spec in data["columns"].items():
        exact.setdefault(normalize_header(key), Match(key, STRONG))
        for name in spec.get("names", []):
            exact.setdefault(normalize_header(name), Match(key, STRONG))
        for name in spec.get("content", []):
            exact.setdefault(normalize_header(name), Match(key, STEM, by_content=True))
        contains.extend((normalize_header(f), Match(key, STEM)) for f in spec.get("contains", []))
        for weak in spec.get("weak", []):
            exact.setdefault(normalize_header(weak), Match(key, WEAK))
            contains.append((normalize_header(weak), Match(key, WEAK)))
    contains.sort(key=lambda pair: -len(pair[0]))
    subs = frozenset(normalize_header(s) for s in data.get("subheaders", []))
    deadline = tuple(normalize_header(s) for s in data.get("deadline", []))
    described = tuple(normalize_header(s) for s in data.get("described", []))
    return Synonyms(exact, tuple(contains), subs, deadline, described)


def _describes_objects(header: str) -> bool:
    """A header describing the objects drawn (预估抽查对象风险等级): its cells (低风险对象7家) say what
    the objects are, not the clause or number they resemble, so they do not decide its key."""
    norm = normalize_header(header)
    return any(stem in norm for stem in synonyms().described)


_ROLE = re.compile(r"(?:发起|配合|牵头|参与|协助|协查|主办|协办)(?:部门|单位)?")
_SPAN_WORDS = re.compile(r"起止|开始|起始|自|期间|时间段|时段")
# A ratio column whose header gives the unit (抽查比例(%), 比例（%）, 抽查比例%, 比例(百分比)): its cells
# may write the number alone (5, 不低于3, 5-10), which is that many percent.
_PERCENT_UNIT = re.compile(r"\(%\)|%$|\(百分比\)|\(百分数\)")
_BARE_NUMBERS = re.compile(
    r"(?:不低于|不少于|不超过|不高于|不大于|不小于|约|≥|>=|≤|<=)?\s*\d+(?:\.\d+)?"
    r"(?:\s*[-~～—至到]\s*\d+(?:\.\d+)?)?"
)
# a bare number before a separator and a frequency, in a 比例(%)及频次 column (5；1次/年, 不低于3，每年1次)
_BARE_THEN_FREQUENCY = re.compile(rf"({_BARE_NUMBERS.pattern})(\s*[；;，,、/]\s*\S*(?:次|每)\S*)")
# a header that also names a count (抽查数量/比例(%), 抽查户数或比例(%)): a bare number may be households
# (not 个体户, 商户, 农户: whose ratio it is)
_COUNT_WORDS = re.compile(r"数量|户数|家数|(?<![体商农])户")


def percent_unit(key: str, header: str) -> bool:
    """Whether a ratio column's header gives the percent unit its cells leave out (抽查比例(%) | 5);
    not when it names a count as well (抽查数量/比例(%) | 20 may be 20 households)."""
    norm = normalize_header(header)
    return (
        fields.FIELD_KINDS.get(key) == "quota"
        and _PERCENT_UNIT.search(norm) is not None
        and _COUNT_WORDS.search(norm) is None
    )


def parse_kind(key: str, header: str) -> str:
    """How a column's cells parse: by their key (fields.FIELD_KINDS), except a window column whose
    header names when tasks end (完成时限, 截止时间, not 起止时间): a lone date there is a deadline."""
    kind = fields.FIELD_KINDS.get(key) or ""
    if kind == "window":
        norm = normalize_header(header)
        if not _SPAN_WORDS.search(norm) and any(stem in norm for stem in synonyms().deadline):
            return "deadline"
    return kind


@lru_cache(maxsize=16384)
def normalize_header(text: str) -> str:
    """Header text in one width, without spaces or line breaks: `智慧监管（信用风险分类）\\n要求` →
    `智慧监管(信用风险分类)要求`, `发起主体 /指导单位` → `发起主体/指导单位`; footnote marks
    (`抽查比例*`, `抽查比例①`) dropped."""
    # a literal `\\n` is a line break escaped by a TSV export
    text = text.replace("\\n", "\n").translate(_FOOTNOTES)
    return "".join(unicodedata.normalize("NFKC", text).translate(_BRACKETS).split())


def _one_line(header: str) -> str:
    """A header as messages quote it: `抽查比例\\n及频次` → `抽查比例及频次` (line breaks, also the
    escaped `\\n` of a TSV export, are only layout)."""
    return "".join(header.replace("\\n", "\n").strip().splitlines())


def _unbracketed(norm: str) -> str:
    return _BRACKETED.sub("", norm)


def _stem_match(text: str) -> Match | None:
    """The family a header names by a stem. Chinese headers are head-final: the stem that ends last
    wins (检查对象数量 is a count), then the longest; weak stems only where no other stem is found."""
    best: tuple[int, int, int] | None = None
    found: Match | None = None
    for stem, match in synonyms().contains:
        at = text.rfind(stem)
        if at < 0:
            continue
        score = (-match.rank, at + len(stem), len(stem))
        if best is None or score > best:
            best, found = score, match
    return found


def stem_keys(text: str) -> list[str]:
    """Every key a header names by a stem outside its brackets, the strongest and last-ending
    first: `信用风险分类抽查比例` → [ratio, risk]. A header whose first key is taken by another
    column may name a second one."""
    base = _unbracketed(normalize_header(text)) or normalize_header(text)
    scored: dict[str, tuple[int, int, int]] = {}
    for stem, match in synonyms().contains:
        at = base.rfind(stem)
        if at >= 0:
            score = (-match.rank, at + len(stem), len(stem))
            scored[match.key] = max(scored.get(match.key, score), score)
    return sorted(scored, key=lambda k: scored[k], reverse=True)


# The two halves of a mode: 组织层级 | 实施层级, 发起层级 | 检查层级.
_MODE_ORG = re.compile(r"组织|发起|抽取")
_MODE_IMPL = re.compile(r"实施|检查|执行")
# The two halves of a window split over two columns: 开始时间 | 结束时间, 抽取日期 | 抽取日期至.
_WINDOW_END = re.compile(r"(结束|截止|终止|完成|止)(时间|日期)?$|至$")


@lru_cache(maxsize=16384)
def header_match(text: str) -> Match | None:
    """The key a header cell names and how firmly, or None. Exact names are tried on the whole
    header and on the header without its bracketed parts, then stems outside the brackets; a long
    text or one with digits is data, not a header, and is matched by exact name only."""
    norm = normalize_header(text)
    if not norm:
        return None
    table = synonyms()
    match = table.exact.get(norm)
    if match is not None:
        return match
    base = _unbracketed(norm)
    alternative = _alternative(norm)
    if alternative is not None:
        return alternative
    if base != norm and base in table.exact:
        return table.exact[base]
    # the length of what the header says outside its remarks: 具体检查对象(含数量)或“双随机”抽查对象(含总数及比例)
    if len(base or norm) > _CONTAINS_MAX_LEN or _DIGIT.search(norm):
        return None
    return _stem_match(base) if base else _stem_match(norm)


# 抽查比例(或户数): the brackets name another way of filling the column, not a remark on it.
_OR_BRACKET = re.compile(r"\(或([^()]+)\)")


def _alternative(norm: str) -> Match | None:
    """A ratio header naming a count as the alternative (抽查比例(或户数), 比例(或数量)) is a count
    column, as 抽查比例或户数 is: its cells hold either, and a count column reads both 5% and a
    bare 1 (the header carries the unit)."""
    m = _OR_BRACKET.search(norm)
    if m is None or len(norm) > _CONTAINS_MAX_LEN:
        return None
    inner, outer = _stem_match(m.group(1)), _stem_match(_unbracketed(norm))
    if inner is not None and inner.key == "count" and outer is not None and outer.key in ("ratio", "quota"):
        return inner
    return None


@lru_cache(maxsize=16384)
def header_key(text: str) -> str | None:
    """The canonical key a header cell names, or None."""
    match = header_match(text)
    return match.key if match else None


def bracket_keys(text: str) -> set[str]:
    """Keys named only inside a header's brackets: `配合单位(抽查层级)` → {mode}. Such a column may be
    the one a plan seems to lack."""
    norm = normalize_header(text)
    keys = set()
    for part in re.findall(r"\(([^()]*)\)?", norm):
        match = synonyms().exact.get(part) or (_stem_match(part) if part else None)
        if match is not None:
            keys.add(match.key)
    return keys


_INCLUDED = re.compile(r"\(含([^()]*)\)")


def included_keys(text: str) -> set[str]:
    """Keys a header says its cells include besides its own: 检查对象(含数量) → {count}, 抽查对象(含总数及
    比例) → {base, ratio}. Such a column states them (the 2025 涉企行政检查计划 form)."""
    keys = set()
    for inner in _INCLUDED.findall(normalize_header(text)):
        for part in re.split(r"[及和、与/]", inner):
            match = synonyms().exact.get(part) or (_stem_match(part) if part else None)
            if match is not None:
                keys.add(match.key)
    return keys


def field_key(column: Column) -> str:
    """The key of a column's cells in `Task.cells`: the canonical key, or `col:<header>` for an
    unknown column (`col:<letter>` when its header is empty)."""
    if column.key:
        return column.key
    return f"col:{column.header or column_letter(column.location.col)}"


def build_plan(table: Table, meta: PlanMeta | None = None) -> Plan:
    """The Plan held in `table`. Raises ReadError when the table has no recognizable header."""
    table = simplify_table(table)  # traditional script and pinyin, before headers and titles are read
    if meta is None:
        from .meta import plan_meta

        meta = plan_meta(table)
    plan = _Builder(table).build(meta)
    resolve_levels(plan)
    return plan


def resolve_levels(plan: Plan) -> None:
    """Read the cells that depend on the plan's own level at that level: mode cells naming levels
    relative to the plan (自抽自查, 本级抽取、本级检查, 上级抽取、本级检查: in a county plan 自抽自查 is
    县抽县查) and ratios given per level (市级2% 区级10%: a district plan's ratio is 10%). Run again when
    the plan's level is set from outside (config, --level): a value keeps what it was written as."""
    level = plan.meta.level
    for task in plan.tasks:
        for row in (task, *task.continuation):
            for cell in row.cells.values():
                value = cell.value
                if isinstance(value, values.Mode) and value.relative:
                    cell.value = value.at_level(level)
                elif isinstance(value, values.Quota) and value.by_level:
                    cell.value = value.at_level(level)


class _Builder:
    def __init__(self, table: Table) -> None:
        self.t = table
        self.rows = table.rows
        self.covered = table.covered
        self.dropped: list[DroppedRow] = []
        # (parse kind, text) → its Cell: one per distinct text, shared by every task that holds it
        self._cells: dict[tuple[str, str], Cell] = {}
        self.cols: dict[str, int] = {}  # field key → sheet column, shared by every task
        self.notes: list[str] = list(table.notes)
        self.candidates: dict[str, list[str]] = {}  # missing key → headers of columns that may hold it
        self.window_end: int | None = None  # the 结束时间 column of a window split over two columns
        self.joined: dict[tuple[int, int], Parts] = {}  # each split window's start cell → its two cells
        self.mode_split: tuple[int, int] | None = None  # (组织层级, 实施层级) columns of a split mode
        self.percent_cols: frozenset[int] = frozenset()  # ratio columns whose header gives the % unit

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
        own = [(j, c) for j, c in enumerate(row) if c.strip() and (i, j) not in self.covered]
        subs = synonyms().subheaders
        return bool(own) and all(
            header_key(c) or normalize_header(c) in subs or self._under_merged_parent(i - 1, j)
            for j, c in own
        )

    def _under_merged_parent(self, h: int, j: int) -> bool:
        """Cell (h, j) is part of a range merged across columns (抽查时间 over 开始时间 | 结束时间):
        the row below it holds sub-labels, whatever they say (企业 | 个体工商户)."""
        anchors = self.t.anchors
        anchor = anchors.get((h, j), (h, j))
        if anchor[0] != h:
            return False
        return (
            any(a == anchor and c[0] == h and c[1] != anchor[1] for c, a in anchors.items())
            if anchors
            else False
        )

    def columns(self, h: int, two_rows: bool) -> tuple[dict[str, Column], list[Column]]:
        """The plan's columns: each key goes to the column that names it most firmly (leftmost on a
        tie); headers that say too little (抽查方式) and unknown headers are recognised by their
        cells; a name column that repeats one value (the plan's own name) is not the task name."""
        width = len(self.rows[h])
        start = h + 1 + two_rows
        heads: list[tuple[int, str, Match | None]] = []
        for j in range(width):
            parent = _one_line(self.rows[h][j])
            child = ""
            if two_rows and (h + 1, j) not in self.covered:
                child = _one_line(self.rows[h + 1][j])
            if child:
                header = f"{parent} {child}".strip() if parent else child
                candidates = [child, parent + child, parent]
            else:
                header, candidates = parent, [parent]
            match = next((m for m in map(header_match, candidates) if m), None)
            if header or self._has_data(start, j):
                heads.append((j, header, match))
        heads = self._risk_beside_a_quota(heads, start)
        chosen: dict[str, tuple[int, int]] = {}  # key → (rank, column index)
        for j, header, match in heads:
            if match is None or match.by_content:
                continue
            if self._holds_roles(start, j):
                continue
            if match.key == "name" and self._names_the_plan(start, j, match.rank == WEAK):
                continue
            if match.key == "type" and self._names_who_runs(start, j):
                if "run_by" not in chosen:
                    chosen["run_by"] = (match.rank, j)
                self.notes.append(
                    f"「{_one_line(header)}」一列写的是本部门抽查还是部门联合抽查（由谁实施），不是定向或不定向，"
                    "未按抽查类型检查；本部门抽查的任务不要求填写配合部门"
                )
                continue
            if match.key not in chosen or (match.rank, j) < chosen[match.key]:
                chosen[match.key] = (match.rank, j)
        keys = {j: key for key, (_, j) in chosen.items()}
        by_content: list[str] = []
        self._second_keys(heads, chosen, keys, start, by_content)
        for j, header, match in heads:
            if j in keys or (match is not None and not match.by_content):
                continue
            if _describes_objects(header):
                continue
            key = self._content_key(start, j, vague=match is not None)
            if key is None and match is not None and match.key == "type" and self._names_tasks(start, j):
                key = "name"  # 抽查类别 holding 农产品质量监督抽查 … : the tasks' names, its items beside it
            if key == "quota" and "quota" in chosen:
                key = "ratio"
            if key is None or key in chosen:
                if match is not None:  # 抽查方式 holding 双随机: perhaps the mode, but the cells do not say
                    self.candidates.setdefault(match.key, []).append(header)
                continue
            by_content.append(f"「{header or column_letter(self.t.first_col + j)}」→{FIELD_NAMES[key]}")
            chosen[key] = (match.rank if match else WEAK, j)
            keys[j] = key
        self._split_quota(keys, heads)
        if by_content:
            self.notes.append(
                f"以下列的表头不是常见写法，已按单元格内容识别：{'；'.join(by_content)}，请核对"
            )
        known: dict[str, Column] = {}
        unknown: list[Column] = []
        for j, header, _ in heads:
            column = Column(keys.get(j, ""), j, header, self.t.location(h, j))
            if column.key:
                known[column.key] = column
            else:
                unknown.append(column)
        self._candidates(known, unknown, start)
        return dict(sorted(known.items(), key=lambda kc: kc[1].index)), unknown

    def _risk_beside_a_quota(
        self, heads: list[tuple[int, str, Match | None]], start: int
    ) -> list[tuple[int, str, Match | None]]:
        """A header naming a ratio and 信用风险分类 (信用风险分类抽查比例) beside another column of the
        quota family (抽查比例及频次, 抽查比例, 抽查数量) is the risk column when its cells read as risk
        clauses: the plan's quota is the other column, and this one says how the tiers change it.
        Alone, the same header keeps its ratio reading (its tiered ratios are the quota)."""
        quota_family = [
            j for j, _, m in heads if m is not None and not m.by_content and m.key in _QUOTA_FAMILY
        ]
        if len(quota_family) < 2:
            return heads
        out = []
        for j, header, match in heads:
            if (
                match is not None
                and j in quota_family
                and "risk" in stem_keys(header)
                and self._content_key(start, j) == "risk"
            ):
                match = Match("risk", match.rank)
            out.append((j, header, match))
        return out

    def _second_keys(
        self,
        heads: list[tuple[int, str, Match | None]],
        chosen: dict[str, tuple[int, int]],
        keys: dict[int, str],
        start: int,
        by_content: list[str],
    ) -> None:
        """A named column whose key another column took is not thrown away: the end half of a
        split window (结束时间 beside 开始时间) joins the window; a header naming a second key
        (信用风险分类抽查比例: ratio taken → risk) takes it when its cells agree, else what its
        cells parse as. This runs before unnamed columns (备注) are recognised by content, so a
        column whose header names a field wins it over a remark column whose cells resemble it."""
        content_kinds = {kind for kind, _ in _CONTENT_KINDS}
        for j, header, match in heads:
            if j in keys or match is None or match.by_content or match.key not in chosen:
                continue  # (a name column left out as the plan's own name stays out)
            if _describes_objects(header):
                continue
            norm = _unbracketed(normalize_header(header))
            if match.key == "window" and "window" in chosen and self.window_end is None:
                first = next(h for i, h, _ in heads if i == chosen["window"][1])
                if _WINDOW_END.search(norm) and not _WINDOW_END.search(_unbracketed(normalize_header(first))):
                    self.window_end = j
                    continue
            if match.key == "mode" and "mode" in chosen and self.mode_split is None:
                split = self._mode_split(norm, next(h for i, h, _ in heads if i == chosen["mode"][1]))
                if split is not None:
                    self.mode_split = (j, chosen["mode"][1]) if split else (chosen["mode"][1], j)
                    continue
            texts = self._own_texts(start, j)
            key: str | None
            for key in stem_keys(norm):
                if key in chosen:
                    continue
                agrees = key not in content_kinds or self._content_key(start, j) == key
                if agrees and texts:
                    break
            else:
                key = self._content_key(start, j)
                if key == "quota" and "quota" in chosen:
                    key = "ratio"
                if key is None or key in chosen:
                    continue
            by_content.append(f"「{header}」→{FIELD_NAMES[key]}")
            chosen[key] = (STEM, j)
            keys[j] = key

    @staticmethod
    def _mode_split(norm: str, other: str) -> bool | None:
        """Whether a second mode column is the organising half (True) or the implementing half
        (False) of a mode split over 组织层级 | 实施层级; None when the two do not split so."""
        other = _unbracketed(normalize_header(other))
        if _MODE_ORG.search(norm) and _MODE_IMPL.search(other) and not _MODE_IMPL.search(norm):
            return True
        if _MODE_IMPL.search(norm) and _MODE_ORG.search(other) and not _MODE_IMPL.search(other):
            return False
        return None

    def _own_texts(self, start: int, j: int, limit: int = CONTENT_SAMPLE_ROWS) -> list[str]:
        """The non-empty texts a column's data cells hold themselves (not copied from a merge)."""
        covered, rows = self.covered, self.rows
        return [
            t
            for i in range(start, min(len(rows), start + limit))
            if (t := rows[i][j].strip()) and (i, j) not in covered and not self.is_comment(rows[i])
        ]

    def _holds_roles(self, start: int, j: int) -> bool:
        """A column whose cells only say each department's role in a joint task (发起 | 配合), under a
        header merged over it and the department column (检查部门: 发起 | 住房城乡建设部门): the header's
        key belongs to the department column beside it."""
        texts = self._own_texts(start, j)
        return bool(texts) and all(_ROLE.fullmatch(t) for t in texts)

    def _names_the_plan(self, start: int, j: int, weak: bool) -> bool:
        """A 抽查计划名称 column: a plan-name header whose texts name a plan (…计划), or one value
        repeated on every row where the header is only a weak name or the value names a plan. (A
        task-name column may repeat a task's name on its sub-rows instead of merging the cells.)"""
        texts = self._own_texts(start, j)
        if weak and texts and all(t.endswith("计划") for t in texts):
            return True
        return len(texts) >= 2 and len(set(texts)) == 1 and (weak or "计划" in texts[0])

    def _names_who_runs(self, start: int, j: int) -> bool:
        """Whether a 抽查类型 column's cells say who runs each task (本部门抽查, 多部门联合抽查: the task's
        kind, as 台山's form defines 抽查类型) rather than 定向/不定向."""
        texts = set(self._own_texts(start, j))
        return bool(texts) and all(_RUN_BY.fullmatch(normalize_header(t)) for t in texts)

    def _names_tasks(self, start: int, j: int) -> bool:
        """Whether a column's cells name tasks (农产品质量监督抽查, 兽药经营企业监督抽查): more than one
        name, each ending as an inspection does."""
        texts = set(self._own_texts(start, j))
        return len(texts) >= 2 and all(_TASK_NAME.search(normalize_header(t)) for t in texts)

    def _content_key(self, start: int, j: int, vague: bool = False) -> str | None:
        """The key a column's cells say it holds: 定向/不定向 → type, 重点/一般检查事项 → category
        (bare 重点/一般 under a header such as 抽查类别, not under 备注), or what most of them
        parse as (mode, window, risk clause, quota)."""
        texts = list(dict.fromkeys(self._own_texts(start, j)))[:30]
        if not texts:
            return None
        squeezed = [normalize_header(t) for t in texts]
        if all(t in _TYPE_WORDS for t in squeezed):
            return "type"
        if all(("重点" in t or "一般" in t) and ("事项" in t or vague) and len(t) <= 12 for t in squeezed):
            return "category"
        need = max(1, -(-len(texts) * 4 // 5))  # four in five
        for kind, ok in _CONTENT_KINDS:
            if sum(1 for t in texts if ok(self.parse(kind, t))) >= need:
                return kind
        return None

    def _split_quota(self, keys: dict[int, str], heads: list[tuple[int, str, Match | None]]) -> None:
        """A 抽查数量 column beside a separate 抽查比例 / 抽查频次 column is the count, not the quota."""
        where = {key: j for j, key in keys.items()}
        j = where.get("quota")
        if j is None or "count" in where or not ({"ratio", "frequency"} & where.keys()):
            return
        header = _unbracketed(normalize_header(next(h for i, h, _ in heads if i == j)))
        if "比例" not in header and "频次" not in header:
            keys[j] = "count"

    def _candidates(self, known: dict[str, Column], unknown: list[Column], start: int) -> None:
        """For each key the plan seems to lack, the columns that may hold it: a header naming it in
        brackets (配合单位(抽查层级)), a header like 抽查方式 whose cells did not decide (added
        in `columns`), or an unknown column whose cells partly parse as it or (for the initiator)
        say who leads (牵头/发起)."""
        quota_missing = not ({"quota", "ratio", "count", "target"} & known.keys())
        for column in known.values():
            for key in bracket_keys(column.header) - known.keys():
                self.candidates.setdefault(key, []).append(column.header)
            # a ratio written into another column (抽查对象范围: 按1%的比例抽取…)
            if (
                quota_missing
                and column.key not in ("seq", "window")
                and any(_RATIO_TEXT.search(t) for t in self._own_texts(start, column.index))
            ):
                self.candidates.setdefault("quota", []).append(column.header)
        for column in unknown:
            texts = self._own_texts(start, column.index)
            if not texts:
                continue
            for kind, ok in _CONTENT_KINDS:
                if kind not in known and any(ok(self.parse(kind, t)) for t in texts):
                    self.candidates.setdefault(kind, []).append(column.header)
            if "initiator" not in known and any("牵头" in t or "发起" in t for t in texts):
                self.candidates.setdefault("initiator", []).append(column.header)

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

    def make_cells(
        self, i: int, columns: list[tuple[str, int, str]], own_only: bool
    ) -> tuple[dict[str, Cell], dict[str, Location] | None]:
        """Row i's cells by field key, and where a cell sits elsewhere than (row i, its column):
        a merged range's covered cell is located at the range's anchor. `columns` holds
        (key, column index, parse kind or "")."""
        row = self.rows[i]
        cell, covered = self.cell, self.covered
        out: dict[str, Cell] = {}
        anchored: dict[str, Location] | None = None
        for key, j, kind in columns:
            raw = row[j]
            if covered and (i, j) in covered:
                if own_only:
                    continue
                # a merged range is one cell: it is located at the range's anchor
                ai, aj = self.t.anchors.get((i, j), (i, j))
                if anchored is None:
                    anchored = {}
                anchored[key] = self.t.location(ai, aj)
            elif own_only and not raw.strip():
                continue
            out[key] = self.percent_cell(kind, raw) if j in self.percent_cols else cell(kind, raw)
        if self.window_end is not None and "window" in out:
            self._join_window(i, out, self.window_end, anchored)
        if self.mode_split is not None and "mode" in out:
            self._join_mode(i, out, self.mode_split)
        return out, anchored

    def _join_mode(self, i: int, out: dict[str, Cell], split: tuple[int, int]) -> None:
        """A mode split over 组织层级 (市) and 实施层级 (县) is one mode 市抽县查, located at the
        column that holds the key; kept as written where either half is not one level."""
        org, impl = (self.rows[i][j].strip() for j in split)
        a, b = (self.parse("mode", t) for t in (org, impl))
        if not (isinstance(a, values.Mode) and isinstance(b, values.Mode)):
            return
        first, second = a.pairs + a.relative, b.pairs + b.relative  # 本级 | 本级: relative to the plan
        if not len(first) == len(second) == 1:
            return
        raw = f"组织：{org}；实施：{impl}"
        found = self._cells.get(("mode+", raw))
        if found is None:
            pair = values.ModePair(first[0].level, second[0].level)
            value = values.Mode((), (pair,)) if pair.relative else values.Mode((pair,))
            found = self._cells[("mode+", raw)] = Cell(raw, value)
        out["mode"] = found

    def _join_window(
        self, i: int, out: dict[str, Cell], end_col: int, anchored: dict[str, Location] | None
    ) -> None:
        """A window split over a start and an end column is one window `开始至结束`, located at the
        start cell (the end cell stays a column of its own); `joined` keeps the two cells, so that
        findings and fixes go back to them (planlint.joined). A start cell merged over several rows
        is not recorded: its rows may end differently."""
        start = out["window"]
        end_raw = self.rows[i][end_col]
        end = end_raw.strip()
        if not end or not start.raw.strip() or end in start.raw:
            return
        out["window"] = self.cell("window", join_texts(start.raw, end))
        if anchored is None or "window" not in anchored:
            at = self.t.location(*self.t.anchors.get((i, end_col), (i, end_col)))
            self.joined[(self.t.row_numbers[i], self.cols["window"])] = Parts(start.raw, end_raw, at)

    def cell(self, kind: str, raw: str) -> Cell:
        """The one Cell of this text and parse kind ("" for free text): parsed once per plan."""
        found = self._cells.get((kind, raw))
        if found is None:
            found = self._cells[(kind, raw)] = Cell(
                raw, fields.parse(kind, raw) if kind and raw.strip() else None
            )
        return found

    def parse(self, kind: str, raw: str) -> object:
        return self.cell(kind, raw).value

    def percent_cell(self, kind: str, raw: str) -> Cell:
        """A cell of a column whose header gives the percent unit: a bare number (5, 不低于3), alone or
        before a separator and a frequency (5；1次/年 under 抽查比例(%)及频次), is read as that many
        percent; the cell keeps its text as written."""
        text = unicodedata.normalize("NFKC", raw).strip()
        if _BARE_NUMBERS.fullmatch(text):
            with_unit = f"{text}%"
        elif m := _BARE_THEN_FREQUENCY.fullmatch(text):
            with_unit = f"{m[1]}%{m[2]}"
        else:
            return self.cell(kind, raw)
        found = self._cells.get((f"{kind}%", raw))
        if found is None:
            found = self._cells[(f"{kind}%", raw)] = Cell(raw, fields.parse(kind, with_unit))
        return found

    def build(self, meta: PlanMeta) -> Plan:
        rows = self.rows
        h = self.find_header()
        for i in range(h):
            if not any(c.strip() for c in rows[i]):
                self.drop(i, "blank")
            else:
                texts = {c.strip() for c in rows[i] if c.strip()}
                self.drop(i, "title" if len(texts) == 1 and names_a_plan(texts.pop()) else "stray-text")
        seq_col = None
        for j, c in enumerate(rows[h]):
            if header_key(c) == "seq":
                seq_col = j
                break
        two_rows = self.is_subheader_row(h + 1, seq_col)
        known, unknown = self.columns(h, two_rows)
        ordered = [
            (key, column.index, parse_kind(key, column.header))
            for key, column in sorted(
                [*known.items(), *((field_key(c), c) for c in unknown)], key=lambda kc: kc[1].index
            )
        ]
        self.cols = {key: self.t.first_col + j for key, j, _ in ordered}
        self.percent_cols = frozenset(
            column.index
            for key, column in [*known.items(), *((field_key(c), c) for c in unknown)]
            if percent_unit(key, column.header)
        )
        seq, name = known.get("seq"), known.get("name")
        seq_index = seq.index if seq else None
        tasks: list[Task] = []
        sub_tasks: dict[Location, int] = {}  # a merged 序号 cell → the tasks it numbers so far
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
            if self.is_comment(row):
                self.drop(i, "comment")
                continue
            if tasks and (seq or name) and self.empty_or_covered(i, seq) and self.empty_or_covered(i, name):
                own, _ = self.make_cells(i, ordered, own_only=True)
                if own:
                    tasks[-1].add_continuation(Task(tasks[-1].seq, own, self.t.location(i), self.cols))
                continue
            cells, anchored = self.make_cells(i, ordered, own_only=False)
            seq_text = cells["seq"].text if "seq" in cells else ""
            # a task without 序号 (or 编号) is known by its row: messages never say 任务?
            seq_or_row = seq_text or f"第{self.t.row_numbers[i]}行"
            if seq_text and anchored and "seq" in anchored:
                # a 序号 merged over rows that each name a task numbers a group: 3, 3(2), 3(3)
                group = sub_tasks[anchored["seq"]] = sub_tasks.get(anchored["seq"], 1) + 1
                seq_or_row = f"{seq_text}({group})"
            tasks.append(Task(seq_or_row, cells, self.t.location(i), self.cols, (), anchored))
        self.notice(known, tasks)
        return Plan(
            meta=meta,
            tasks=tasks,
            columns=known,
            source=self.t.location(h),
            unknown_columns=unknown,
            dropped=self.dropped,
            notes=self.notes,
            originals={self._physical(ij): text for ij, text in self.t.originals.items()},
            spans=self.spans(),
            candidates=self.candidates,
            joined=self.joined,
        )

    def _physical(self, ij: tuple[int, int]) -> tuple[int, int]:
        return self.t.row_numbers[ij[0]], self.t.first_col + ij[1]

    def spans(self) -> dict[tuple[int, int], tuple[int, int]]:
        """Each merged range's anchor cell → its last (row, col), as the user sees them."""
        out: dict[tuple[int, int], tuple[int, int]] = {}
        for covered, anchor in self.t.anchors.items():
            key, (row, col) = self._physical(anchor), self._physical(covered)
            end = out.get(key, key)
            out[key] = (max(end[0], row), max(end[1], col))
        return out

    @staticmethod
    def is_comment(row: list[str]) -> bool:
        """A `#` line of a text export (`# partial-row: …`): a note, not a task (`#3` is a 序号)."""
        return _COMMENT.match(row[0]) is not None if row else False

    def notice(self, known: dict[str, Column], tasks: list[Task]) -> None:
        """Say so when the table does not read as a plan: no task at all, or no column that names
        what a task does."""
        where = f"工作表「{self.t.sheet}」" if self.t.sheet else "表格"
        if not tasks:
            self.notes.append(
                f"{where}在表头之后没有读到任何抽查任务（0 项），未做逐项检查；"
                "请确认任务行没有被删除、隐藏或放在另一个工作表中"
            )
        elif not ({"name", "items"} & known.keys()):
            self.notes.append(
                f"{where}没有抽查任务名称或抽查事项列，可能不是抽查计划表；请确认表头，"
                "或在 rules/columns.yaml 中补充该列名"
            )
