"""The 抽查事项清单 (list of inspectable items) a plan's 抽查事项 must come from, and matching against it.

国发〔2019〕5号 requires 抽查事项清单管理 and 国市监信〔2019〕38号 二（一） has each province publish a
list built on the national one. Provinces publish it as a table — 序号, 抽查领域/类别, 抽查事项,
抽查对象, 检查方式, 事项类别 (重点/一般), 依据 — in .xlsx or .csv; `load_item_list` reads any such table
with planlint's readers. Plans cite items loosely ("1、登记事项检查", "营业执照规范使用情况检查"), so both
sides are reduced to a key: numbering, brackets, "的检查"/"监督检查"/"检查" and punctuation removed; a
category name stands for all its items.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePath

from .errors import PlanlintError, ReadError
from .plan import Plan

KEY = "重点"
GENERAL = "一般"

# Header synonyms of a published list, after NFKC and whitespace removal. The 事项类别 column is
# recognised by its contents (重点/一般), whatever its header says.
_HEADERS = {
    "seq": ("序号", "编号"),
    "category": ("抽查领域", "抽查类别", "检查类别", "事项分类", "抽查事项类别", "领域", "类别", "抽查项目"),
    "item": ("抽查事项", "检查事项", "抽查事项名称", "检查事项名称", "事项名称", "抽查内容", "检查内容"),
    "objects": ("抽查对象", "检查对象", "抽查对象范围", "检查对象范围"),
    "method": ("检查方式", "抽查方式", "检查方法"),
    "kind": ("事项类别", "事项类型", "检查事项类别", "重点/一般", "重点或一般", "事项性质"),
    "basis": ("依据", "检查依据", "抽查依据", "法律依据", "设定依据", "执法依据"),
}
_KIND_WORDS = re.compile(r"^(重点|一般)(检查)?(事项)?$")

_NUMBERING = re.compile(
    r"^(?:[(（]?[0-9一二三四五六七八九十]{1,3}[)）]|[0-9一二三四五六七八九十]{1,3}[、.．:：]|[①-⑳])"
)
_BRACKETS = re.compile(r"[（(]([^（）()]*)[)）]")
_SUFFIX = re.compile(r"(?:的)?(?:监督检查|行政检查|监督抽查|检查|抽查)$|情况$|的$")
# "登记事项、公示信息两大抽查类别检查": a count of categories after the names
_CATEGORY_TAIL = re.compile(r"(?:[一二两三四五六七八九十0-9]+[大项个类])?(?:抽查|检查)?(?:类别|类)$")
_PUNCT = re.compile(r"[\s\W_]+")
# Where a plan's 抽查事项 cell separates items; 、 is tried only inside a piece (it also joins words
# within one item: 法定代表人、自然人股东身份真实性的检查).
_ITEM_SEP = re.compile(
    r"[;；。\n]|(?<=[^0-9])(?=[0-9]{1,2}[、.．](?![0-9]))|(?=[(（][0-9一二三四五六七八九十]{1,2}[)）])"
)


@lru_cache(maxsize=65536)
def item_keys(text: str) -> tuple[str, ...]:
    """The keys an item is known by: with its bracketed words and without them
    (营业执照（登记证）规范使用情况的检查 → 营业执照登记证规范使用, 营业执照规范使用)."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = _NUMBERING.sub("", text).strip()
    forms = [_BRACKETS.sub(r"\1", text), _BRACKETS.sub("", text)]
    keys = []
    for form in forms:
        form = _PUNCT.sub("", form)
        for _ in range(3):  # 情况的检查 → 情况 → ''
            form = _SUFFIX.sub("", form)
        if form:
            keys.append(form)
    return tuple(dict.fromkeys(keys))


@lru_cache(maxsize=4096)
def category_key(text: str) -> str:
    keys = item_keys(text)
    return _CATEGORY_TAIL.sub("", keys[0]) if keys else ""


@dataclass(frozen=True, slots=True)
class ItemEntry:
    """One row of the list."""

    item: str
    category: str = ""
    kind: str | None = None  # KEY | GENERAL | None (the list does not say)
    objects: str = ""
    method: str = ""
    basis: str = ""
    seq: str = ""
    row: int = 0

    def label(self) -> str:
        where = f"{self.category}：" if self.category else ""
        return f"{where}{self.item}"


@dataclass(frozen=True, slots=True)
class ItemMatch:
    """What a piece of a plan's 抽查事项 cell matched: entries (several for a category), or none with
    the closest entries for the fix."""

    text: str
    entries: tuple[ItemEntry, ...] = ()
    closest: tuple[ItemEntry, ...] = ()
    how: str = ""  # 事项 | 类别 | 近似


@dataclass(frozen=True)
class ItemList:
    """A loaded 抽查事项清单. `source` names the file for messages."""

    source: str
    entries: tuple[ItemEntry, ...]

    def __post_init__(self) -> None:
        by_key: dict[str, list[ItemEntry]] = {}
        by_category: dict[str, list[ItemEntry]] = {}
        for e in self.entries:
            for k in item_keys(e.item):
                by_key.setdefault(k, []).append(e)
            if e.category and category_key(e.category):
                by_category.setdefault(category_key(e.category), []).append(e)
        object.__setattr__(self, "_by_key", by_key)
        object.__setattr__(self, "_by_category", by_category)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, object]], source: str = "清单") -> ItemList:
        """From plain mappings with the keys of ItemEntry (rule cases, tests)."""
        entries = []
        for i, r in enumerate(rows, start=1):
            kind = _kind(str(r.get("kind") or ""))
            entries.append(
                ItemEntry(
                    str(r["item"]),
                    str(r.get("category") or ""),
                    kind,
                    str(r.get("objects") or ""),
                    str(r.get("method") or ""),
                    str(r.get("basis") or ""),
                    str(r.get("seq") or i),
                    i,
                )
            )
        return cls(source, tuple(entries))

    def match_piece(self, text: str) -> ItemMatch | None:
        """The entries one item of a plan names, or None when it names none."""
        keys = item_keys(text)
        for k in keys:
            hit = self._by_key.get(k)  # type: ignore[attr-defined]
            if hit:
                return ItemMatch(text, tuple(hit), how="事项")
        ck = category_key(text)
        hit = self._by_category.get(ck) if ck else None  # type: ignore[attr-defined]
        if hit:
            return ItemMatch(text, tuple(hit), how="类别")
        best = self._ranked(keys)
        if best and best[0][0] >= NEAR_MATCH:
            return ItemMatch(text, (best[0][1],), how="近似")
        return None

    def _ranked(self, keys: tuple[str, ...]) -> list[tuple[float, ItemEntry]]:
        from .matching import text_similarity

        scored: dict[int, tuple[float, ItemEntry]] = {}
        for key, entries in self._by_key.items():  # type: ignore[attr-defined]
            s = max((text_similarity(k, key) for k in keys), default=0.0)
            for e in entries:
                if s > scored.get(id(e), (0.0, e))[0]:
                    scored[id(e)] = (s, e)
        return sorted(scored.values(), key=lambda x: (-x[0], x[1].row))

    def closest(self, text: str, n: int = 3) -> tuple[ItemEntry, ...]:
        ranked = self._ranked(item_keys(text))
        return tuple(e for s, e in ranked[:n] if s >= 0.3)

    def match_cell(self, text: str) -> list[ItemMatch]:
        """Every item a 抽查事项 cell names, matched or not (unmatched ones carry `closest`)."""
        out = []
        for piece in split_items(text):
            m = self.match_piece(piece)
            if m is not None:
                out.append(m)
                continue
            parts = _split_enumeration(piece, self)
            if parts is not None:
                out.extend(parts)
            else:
                out.append(ItemMatch(piece, closest=self.closest(piece)))
        return out


NEAR_MATCH = 0.9  # a piece this similar to one entry is that entry written with a slip


def split_items(text: str) -> list[str]:
    """A 抽查事项 cell's items: split at ；。, line breaks and numbering (1. 2、 （3）)."""
    text = unicodedata.normalize("NFKC", text)
    pieces = [p.strip(" ,，、:：") for p in _ITEM_SEP.split(text)]
    return [p for p in pieces if item_keys(p)]


def _split_enumeration(piece: str, items: ItemList) -> list[ItemMatch] | None:
    """`登记事项、公示信息检查` or `A的检查、B的检查`: the piece read as several items joined by 、,
    when every part is an item or a category of the list."""
    segments = [s for s in re.split(r"[、,，]", piece) if s.strip()]
    if len(segments) < 2:
        return None
    n = len(segments)
    # best[i]: matches covering segments[i:], joining neighbours where an item's name holds a 、
    best: list[list[ItemMatch] | None] = [None] * n + [[]]
    for i in range(n - 1, -1, -1):
        for j in range(n, i, -1):
            rest = best[j]
            if rest is None:
                continue
            joined = "、".join(segments[i:j])
            m = items.match_piece(joined)
            if m is None and j == n and j - i < n:
                # the shared suffix of an enumeration (登记事项、公示信息检查) sits on its last part only
                m = items.match_piece(joined + "检查")
            if m is not None:
                best[i] = [m, *rest]
                break
    return best[0]


def _kind(text: str) -> str | None:
    text = _PUNCT.sub("", unicodedata.normalize("NFKC", text))
    if text.startswith(KEY):
        return KEY
    if text.startswith(GENERAL):
        return GENERAL
    return None


def _norm_header(text: str) -> str:
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text)).replace("(", "").replace(")", "")


def _header_row(rows: list[list[str]]) -> tuple[int, dict[str, int]] | None:
    for i, row in enumerate(rows[:15]):
        cols: dict[str, int] = {}
        for j, cell in enumerate(row):
            h = _norm_header(cell)
            for key, names in _HEADERS.items():
                if key not in cols and h in names:
                    cols[key] = j
                    break
        if "item" in cols:
            return i, cols
    return None


# Columns a plan has and an item list has not (a list may name its 实施主体, never a task or a ratio).
_PLAN_ONLY = ("name", "quota", "ratio", "count", "frequency", "window", "mode", "risk", "base", "target")


# What a document calls itself: 随机抽查事项清单, 检查事项清单 (not 事项清单 inside a plan's title).
_LIST_NAME = re.compile(r"事项(?:清单|目录)")


def _own_name(plan: Plan) -> str:
    """The document's name as it gives it: the title row above the header, else the title read from
    the notice, else the file name."""
    above = [
        d.text
        for d in plan.dropped
        if d.reason in ("title", "stray-text") and d.text and d.location.row < plan.source.row
    ]
    return next(iter(above), "") or plan.meta.title or PurePath(plan.path).stem


def looks_like_item_list(plan: Plan) -> bool:
    """A table read as a plan that is an 抽查事项清单: an 抽查事项 column and a 事项类别, 检查方式 or
    依据 column, and none of the task-name, ratio, time, mode or risk columns of a plan. Or a table
    with an 抽查事项 column and no time column that calls itself a 事项清单 and not a 计划: lists often
    carry the items' ratio and frequency (抽查比例及频次) or their levels (抽查层级), and a list is not
    the year's plan, so the plan's requirements (time, a ratio of its own) do not bind it. A 事项清单
    with a time per item (检查时间 7-12) is the year's plan under another name."""
    if "items" not in plan.columns:
        return False
    name = _own_name(plan)
    if "window" not in plan.columns and _LIST_NAME.search(name) and "计划" not in name:
        return True
    if any(k in plan.columns for k in _PLAN_ONLY):
        return False
    list_only = set(_HEADERS["kind"]) | set(_HEADERS["basis"]) | set(_HEADERS["method"])
    return any(_norm_header(c.header) in list_only for c in plan.unknown_columns)


def load_item_list(path: str) -> ItemList:
    """Read a published 抽查事项清单 (.xlsx/.csv/.docx/.txt). Bad input is a PlanlintError in Chinese
    naming the file; never a traceback."""
    from .readers import read_tables

    try:
        tables = read_tables(path)
    except ReadError as exc:
        raise PlanlintError(f"抽查事项清单无法读取：{exc.message}", path) from None
    for table in tables:
        found = _header_row(table.rows)
        if found is None:
            continue
        head, cols = found
        kind_col = cols.get("kind")
        body = table.rows[head + 1 :]
        # a column of 重点/一般 is the item class, whatever its header (抽查类别 often holds it)
        for j in range(max(map(len, table.rows[head:]), default=0)):
            values = [r[j].strip() for r in body if j < len(r) and r[j].strip()]
            if (
                values
                and sum(bool(_KIND_WORDS.match(_PUNCT.sub("", v))) for v in values) >= len(values) * 0.8
            ):
                kind_col = j
                cols = {k: c for k, c in cols.items() if c != j}
                break
        entries = []
        category = ""
        for i, row in enumerate(body, start=head + 1):
            cell = {key: row[j].strip() if j < len(row) else "" for key, j in cols.items()}
            item = cell.get("item", "")
            category = cell.get("category") or category  # a merged 抽查领域 cell covers the rows below
            if not item_keys(item):
                continue
            kind = _kind(row[kind_col]) if kind_col is not None and kind_col < len(row) else None
            entries.append(
                ItemEntry(
                    item,
                    category,
                    kind,
                    cell.get("objects", ""),
                    cell.get("method", ""),
                    cell.get("basis", ""),
                    cell.get("seq", ""),
                    table.row_numbers[i],
                )
            )
        if entries:
            return ItemList(path, tuple(entries))
    raise PlanlintError(
        "抽查事项清单中没有找到「抽查事项」列，请确认表格有列标题行（序号、抽查类别、抽查事项、抽查对象……）",
        path,
    )
