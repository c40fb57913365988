"""A plan that never mentions the 信用风险分类: no risk column, and no word of credit risk in any
cell, continuation row or note around the table.

The per-task rules (risk-clause-missing …) read the risk column; a plan without that column gave no
finding at all, though from 2023 on every random inspection is expected to apply the classification.
Where the clause sits in another column (A类3% in the ratio, 按B类40%抽取 in a 信用风险分类抽查比例
column read as the ratio, a 备注 saying 根据信用风险分类结果…), the plan applies it and nothing is said.
Nor where every task's objects are not enterprises (中小学校及高校, 医疗机构, 特种设备作业人员; 个体工商户
before 2025): the enterprise classification (2022) does not classify them, so the plan owes no clause.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...plan import Plan
from ..registry import FIELD, Ctx, Hit, primitive

# Any word of the classification: 信用风险, 风险分类, 低风险 … 高风险, A类 … D级, A:3%, 守信 / 失信 (older tiers).
# Broad on purpose (食品安全风险 also counts): the rule speaks only where the plan says nothing at all.
# Not 信用 alone: the office that runs a task is often the 信用监督管理科.
_MENTION = re.compile(r"风险|[A-DＡ-Ｄ](?:类|级|[:：]\s*\d)|守信|失信")
# In the cells saying what is inspected (抽查事项, 抽查任务名称) a bare 风险 is the matter inspected
# (内部控制和风险状况, 风险隐患排查), not the classification: there only a word of classification counts.
_WHAT_IS_INSPECTED = frozenset({"items", "name"})
_CLASSIFICATION = re.compile(
    r"信用风险|风险分类|风险等级|风险类别|风险分级|(?:低|中|一般|较高|高)风险|[A-DＡ-Ｄ](?:类|级|[:：]\s*\d)|守信|失信"
)


_FOR_PROFIT = re.compile(r"(?<!非)营利性")


def _mentions(plan: Plan) -> Iterator[bool]:
    """For each cell and note around the table: whether it names credit risk."""
    for task in plan.tasks:
        for row in (task, *task.continuation):
            for key, c in row.cells.items():
                pattern = _CLASSIFICATION if key in _WHAT_IS_INSPECTED else _MENTION
                yield bool(c.raw) and pattern.search(c.raw) is not None
    yield from (bool(row.text) and _MENTION.search(row.text) is not None for row in plan.dropped)


def _no_enterprises(plan: Plan) -> bool:
    """Every task's 抽查对象范围 names objects the enterprise credit-risk classification leaves out."""
    from .selfcheck import INDIVIDUAL_TIERS_FROM, non_enterprise_head

    year = plan.meta.year or 0
    scopes = [task.text("scope") for task in plan.tasks]
    if any(_FOR_PROFIT.search(scope) for scope in scopes):  # 营利性民办学校 are companies: enterprises
        return False
    heads = [non_enterprise_head(scope) for scope in scopes]
    return all(
        head is not None and not (head in ("个体工商户", "个体户") and year >= INDIVIDUAL_TIERS_FROM)
        for head in heads
    )


@primitive("risk_absent", ("plan",), {"field": FIELD}, required=("field",), provides=("raw", "tasks"))
def risk_absent(ctx: Ctx, task: None, field: str) -> Iterator[Hit]:
    """One hit on the plan when it has no `field` column and no cell or note mentions credit risk."""
    plan = ctx.plan
    if field in plan.columns or not plan.tasks:
        return
    if any(_mentions(plan)):
        return
    if _no_enterprises(plan):
        return
    yield Hit(plan.source, field=field, vars={"raw": "", "tasks": len(plan.tasks)})
