"""A plan that never mentions the 信用风险分类: no risk column, and no word of credit risk in any
cell, continuation row or note around the table.

The per-task rules (risk-clause-missing …) read the risk column; a plan without that column gave no
finding at all, though from 2023 on every random inspection is expected to apply the classification.
Where the clause sits in another column (A类3% in the ratio, 按B类40%抽取 in a 信用风险分类抽查比例
column read as the ratio, a 备注 saying 根据信用风险分类结果…), the plan applies it and nothing is said.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..registry import FIELD, Ctx, Hit, primitive

# Any word of the classification: 信用风险, 风险分类, 低风险 … 高风险, A类 … D级, A:3%, 守信 / 失信 (older tiers).
# Broad on purpose (食品安全风险 also counts): the rule speaks only where the plan says nothing at all.
# Not 信用 alone: the office that runs a task is often the 信用监督管理科.
_MENTION = re.compile(r"风险|[A-DＡ-Ｄ](?:类|级|[:：]\s*\d)|守信|失信")


def _texts(plan) -> Iterator[str]:
    for task in plan.tasks:
        yield from (f.raw for f in task.fields.values())
        for extra in task.continuation:
            yield from (f.raw for f in extra.values())
    yield from (row.text for row in plan.dropped)


@primitive("risk_absent", ("plan",), {"field": FIELD}, required=("field",))
def risk_absent(ctx: Ctx, task: None, field: str) -> Iterator[Hit]:
    """One hit on the plan when it has no `field` column and no cell or note mentions credit risk."""
    plan = ctx.plan
    if field in plan.columns or not plan.tasks:
        return
    if any(_MENTION.search(text) for text in _texts(plan) if text):
        return
    yield Hit(plan.source, field=field, vars={"raw": "", "tasks": len(plan.tasks)})
