"""What a task's own cells say about each other: 抽查类型 against 抽查对象范围, the risk clause against
the ratio and the objects, per-tier counts against the task's count, and cells that only repeat the
task's name."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache

from ...columns import field_key
from ...matching import everyone, kind_of, population_parts
from ...plan import Task
from ...values import Count, Quota, Ratio, RiskClause
from ..registry import CELL_VARS, FIELD, Ctx, Hit, primitive
from .common import field_hit

_UNDIRECTED = re.compile(r"不定向")
_DIRECTED = re.compile(r"定向")


def sampling_type(task: Task) -> str | None:
    """'directed' (定向, 定向抽查), 'undirected' (不定向) or None, from the 抽查类型 cell."""
    text = task.text("type")
    if _UNDIRECTED.search(text):
        return "undirected"
    if _DIRECTED.search(text):
        return "directed"
    return None


@primitive(
    "type_scope",
    ("task",),
    {"type": {"enum": ["directed", "undirected"]}},
    required=("type",),
    provides=(*CELL_VARS, "type_raw"),
)
def type_scope(ctx: Ctx, task: Task, type: str) -> Iterator[Hit]:
    """定向 needs a condition in the object range (a type, scale, industry or area of enterprise);
    不定向 draws from every registered entity. A 定向 task whose range names only kinds of entity
    (全县企业), or a 不定向 task whose range names one trade (拍卖企业), is a question for the editor."""
    if sampling_type(task) != type or not task.text("scope"):
        return
    parts = population_parts(task.text("scope"))
    if not parts:
        return
    generic = everyone(parts)
    if (type == "directed" and generic) or (type == "undirected" and not generic):
        yield field_hit(ctx.plan, task, "scope", type_raw=task.text("type"))


def _ratio_is_full(task: Task) -> bool:
    for key in ("quota", "ratio"):
        value = task.value(key)
        ratio = value.ratio if isinstance(value, Quota) else value if isinstance(value, Ratio) else None
        if ratio is not None:
            return ratio.low >= Decimal(100)
    return False


def _clause(task: Task, field: str) -> RiskClause | None:
    value = task.value(field)
    return value if isinstance(value, RiskClause) else None


@primitive(
    "risk_full_ratio", ("task",), {"field": FIELD}, required=("field",), provides=(*CELL_VARS, "quota_raw")
)
def risk_full_ratio(ctx: Ctx, task: Task, field: str) -> Iterator[Hit]:
    """A task that draws 100% of its objects while its risk clause raises the ratio with risk: there
    is nothing above 100% to raise to. A clause that raises the frequency instead still means something."""
    clause = _clause(task, field)
    if clause is None or not clause.escalates or not _ratio_is_full(task):
        return
    text = task.text(field)
    if "频次" in text or "频率" in text:
        return
    hit = field_hit(ctx.plan, task, field, quota_raw=task.text("quota") or task.text("ratio"))
    hit.spans = clause.escalation_spans  # 递加, 提高 …: what cannot be done at 100%
    yield hit


# Objects that are not enterprises, as the head word of a population (中小学校, 特种设备作业人员): the
# enterprise credit-risk tiers (企业信用风险分类) do not classify them. 机构 alone: 医疗机构, 计量检定机构;
# the 代理/检测/认证/培训 机构 are mostly companies.
_NOT_ENTERPRISE = re.compile(
    r"(个体工商户|个体户|人员|事业单位|社会组织|学校|高校|院校|大学|幼儿园|医院|高中|中学|小学|"
    r"(?<!代理|检测|检验|认证|中介|培训|服务)机构|协会|学会)$"
)
# 国市监信发〔2024〕72号 (个体工商户信用风险分类管理): every 个体工商户 classified by the end of 2025 and
# the tiers used in 双随机 from then on; a 2025 plan may already apply them.
INDIVIDUAL_TIERS_FROM = 2025
_INDIVIDUAL = ("个体工商户", "个体户")


def non_enterprise_head(scope: str) -> str | None:
    """The non-enterprise kind every population of the range ends with (学校, 人员 …), else None."""
    parts = population_parts(scope)
    if not parts:
        return None
    if everyone(parts):  # 全县个体工商户: a kind of entity, not a trade
        return "个体工商户" if kind_of(parts) == "个体工商户" else None
    heads = [_NOT_ENTERPRISE.search(p) for p in (parts[1:] if len(parts) > 1 else parts)]
    if all(heads):
        return heads[0].group(1)  # type: ignore[union-attr]
    return None


@primitive(
    "risk_non_enterprise",
    ("task",),
    {"field": FIELD},
    required=("field",),
    provides=(*CELL_VARS, "objects", "scope_raw"),
)
def risk_non_enterprise(ctx: Ctx, task: Task, field: str) -> Iterator[Hit]:
    """A tiered enterprise risk clause on a task whose objects are only 个体工商户, 人员 or 机构. Whether
    such objects have their own classification is for the editor to say; 不涉及信用风险分类 is valid."""
    clause = _clause(task, field)
    scope = task.text("scope")
    if clause is None or clause.not_applicable or not clause.tiers or not scope:
        return
    head = non_enterprise_head(scope)
    if head is None or (head in _INDIVIDUAL and (ctx.plan.meta.year or 0) >= INDIVIDUAL_TIERS_FROM):
        return
    hit = field_hit(ctx.plan, task, field, objects=head, scope_raw=scope)
    hit.spans = clause.tier_spans  # the enterprise tiers applied to objects that are not enterprises
    yield hit


@primitive(
    "tier_counts",
    ("task",),
    {"field": FIELD},
    required=("field",),
    provides=(*CELL_VARS, "parts", "stated", "total", "unit"),
)
def tier_counts(ctx: Ctx, task: Task, field: str) -> Iterator[Hit]:
    """Per-tier counts in the risk clause (B类1户、C类2户、D类3户) that do not add up to the task's count."""
    clause = _clause(task, field)
    if clause is None:
        return
    specs = [s for s in clause.specs if s.count is not None and s.count.high is None]
    counts = [(s.tier, s.count) for s in specs if s.count is not None]
    total = None
    for key in ("quota", "count"):
        value = task.value(key)
        count = value.count if isinstance(value, Quota) else value if isinstance(value, Count) else None
        if count is not None and count.high is None:
            total = count
            break
    if len(counts) < 2 or total is None or total.bound != "exact":
        return
    stated = sum(count.low for _, count in counts)
    if stated != total.low:
        parts = "、".join(f"{tier}类{count.low}{count.unit}" for tier, count in counts)
        hit = field_hit(
            ctx.plan, task, field, parts=parts, stated=stated, total=total.canonical(), unit=total.unit
        )
        hit.spans = tuple(sorted({span for s in specs for span in s.spans}))  # the counts added up
        yield hit


_YEARS = re.compile(r"\d{4}\s*年度?")
_PUNCT = re.compile(r"[\s\W_]+")


@lru_cache(maxsize=4096)
def _words(text: str) -> str:
    """The text without years and punctuation (memoized: a plan repeats its cells down the rows,
    and two rules ask for every task)."""
    return _PUNCT.sub("", _YEARS.sub("", text))


def _same_words(a: str, b: str) -> bool:
    ka = _words(a)
    return len(ka) >= 4 and ka == _words(b)


@primitive("repeats_name", ("task",), {"field": FIELD}, required=("field",), provides=tuple(CELL_VARS))
def repeats_name(ctx: Ctx, task: Task, field: str) -> Iterator[Hit]:
    """A cell that only repeats the task's name (years and punctuation aside): it says nothing of its own."""
    if field in ctx.plan.columns and "name" in ctx.plan.columns and _same_words(task.text(field), task.name):
        yield field_hit(ctx.plan, task, field)


COPIED_COLUMN_SHARE = 0.8
COPIED_COLUMN_MIN = 3


@primitive(
    "column_repeats_name",
    ("plan",),
    {"field": FIELD},
    required=("field",),
    provides=("raw", "col", "name_col", "same", "total", "tasks"),
)
def column_repeats_name(ctx: Ctx, task: None, field: str) -> Iterator[Hit]:
    """A column that is a copy of the task-name column (nearly every row the same words). One such
    cell is often fine — a task named after its one list item — but a whole column of copies adds
    nothing: the items were never written down."""
    plan = ctx.plan
    if field not in plan.columns or "name" not in plan.columns:
        return
    both = [t for t in plan.tasks if t.text(field) and t.name]
    same = [t for t in both if _same_words(t.text(field), t.name)]
    if len(same) >= COPIED_COLUMN_MIN and len(same) >= COPIED_COLUMN_SHARE * len(both):
        column = plan.columns[field]
        yield Hit(
            column.location,
            field=field,
            vars={
                "raw": column.header,
                "col": column.header,
                "name_col": plan.columns["name"].header,
                "same": len(same),
                "total": len(both),
                "tasks": "、".join(t.seq or "?" for t in same),
            },
        )


_HEADER_SPACE = re.compile(r"\s+")
_COUNT = re.compile(r"(\d[\d,，]*)\s*(户|家|个)")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")
_INT = re.compile(r"\d[\d,，]*")


def column_by_header(ctx: Ctx, *words: str) -> str | None:
    """The field key of the first column whose header holds every word (known or unknown column)."""
    cache = ctx.headers
    if words not in cache:
        columns = [*ctx.plan.columns.values(), *ctx.plan.unknown_columns]
        found = next((c for c in columns if all(w in _HEADER_SPACE.sub("", c.header) for w in words)), None)
        cache[words] = field_key(found) if found is not None else None
    return cache[words]


def _int(text: str) -> int:
    return int(re.sub(r"[,，]", "", text))


@primitive("target_below_base", ("task",), provides=(*CELL_VARS, "base_n", "ratio", "target_n", "expected"))
def target_below_base(ctx: Ctx, task: Task) -> Iterator[Hit]:
    """A 抽查目标数 below the 抽查基数 × 比例 written together in one 抽查基数和比例 cell (40065户、3% →
    at least 1202户). A target above it is more inspection, not an inconsistency. (Separate 基数 and
    比例 columns are target-mismatch's.)"""
    source = column_by_header(ctx, "基数", "比例")
    target_key = column_by_header(ctx, "目标")
    if source is None or target_key is None or source == target_key:
        return
    text = task.text(source)
    base, ratio = _COUNT.search(text), _PERCENT.search(text)
    target = _INT.search(task.text(target_key))
    if base is None or ratio is None or target is None:
        return
    n_base, share, n_target = _int(base.group(1)), Decimal(ratio.group(1)), _int(target.group(0))
    least = math.ceil(Decimal(n_base) * share / 100)
    if n_target < least:
        yield field_hit(
            ctx.plan, task, target_key, base_n=n_base, ratio=f"{share:g}%", target_n=n_target, expected=least
        )
