"""The burden on one enterprise: how many inspections a year the plan's tasks can bring to the same
population, against the department's published cap (国办发〔2024〕54号; the number is local)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from ...matching import everyone, objects_agree, population_parts
from ...plan import Task
from ...values import Quota, RiskClause
from ..registry import CELL_VARS, FIELD, PARAM, Ctx, Hit, primitive
from .common import field_hit


def most_per_year(task: Task, risk: str) -> Decimal:
    """The most inspections a year this task can bring to one of its objects: its frequency, or the
    highest per-tier frequency of its risk clause (a D-tier enterprise gets that one); once a year
    when it states none."""
    most = Decimal(1)
    value = task.value("quota")
    if isinstance(value, Quota) and value.frequency is not None:
        most = value.frequency.per_year()[1]
    clause = task.value(risk)
    if isinstance(clause, RiskClause):
        for spec in clause.specs:
            if spec.frequency is not None:
                most = max(most, spec.frequency.per_year()[1])
    return most


_INDIVIDUAL = re.compile(r"个体工商户|个体户")
_ENTERPRISE = re.compile(r"企业|公司")


def _kinds(scope: str) -> frozenset[str]:
    """Which kinds of entity a range can hold: an entity is either an enterprise or a 个体工商户, so a
    task on every 个体工商户 never reaches an enterprise (食品销售者 can be either)."""
    individual, enterprise = bool(_INDIVIDUAL.search(scope)), bool(_ENTERPRISE.search(scope))
    if individual != enterprise:
        return frozenset(("individual",) if individual else ("enterprise",))
    return frozenset(("enterprise", "individual"))


@primitive(
    "burden",
    ("plan",),
    {"param": PARAM, "risk": FIELD},
    required=("param", "risk"),
    provides=(*CELL_VARS, "tasks", "others", "total", "count"),
)
def burden(ctx: Ctx, task: None, param: str, risk: str) -> Iterator[Hit]:
    """For each population a task names, the tasks whose object ranges cover it (the same population
    test as cross-plan matching; a range of every entity of a kind covers that kind), and the sum of
    their most inspections a year for one entity; one hit per distinct set of tasks above the cap."""
    cap = ctx.param(param)
    if cap is None:
        return
    tasks = [t for t in ctx.plan.tasks if t.text("scope")]
    parts = {id(t): population_parts(t.text("scope")) for t in tasks}
    generic = [u for u in tasks if everyone(parts[id(u)])]
    seen: set[frozenset[int]] = set()
    for t in tasks:
        own = parts[id(t)]
        if not own or everyone(own):
            continue
        specific = [
            u
            for u in tasks
            if u is t or (parts[id(u)] and not everyone(parts[id(u)]) and objects_agree(own, parts[id(u)])[0])
        ]
        worst: tuple[Decimal, list[Task]] = (Decimal(0), [])
        for kind in sorted(_kinds(t.text("scope"))):
            covering = specific + [u for u in generic if kind in _kinds(u.text("scope"))]
            total = sum((most_per_year(u, risk) for u in covering), Decimal(0))
            if total > worst[0]:
                worst = (total, covering)
        total, covering = worst
        key = frozenset(id(u) for u in covering)
        if len(covering) < 2 or key in seen or total <= Decimal(str(cap)):
            continue
        seen.add(key)
        covering.sort(key=lambda u: tasks.index(u))
        yield field_hit(
            ctx.plan,
            t,
            "scope",
            tasks="、".join(u.seq or "?" for u in covering),
            others="、".join(u.seq or "?" for u in covering if u is not t),
            total=f"{total:g}",
            param=f"{Decimal(str(cap)):g}",
            count=len(covering),
        )
