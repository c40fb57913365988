"""How much of the city plan a county plan takes up, for the board's coverage column: of the city's
tasks that each county is to initiate in its own plan (各地组织发起, 各县区局发起, 县抽县查 — the tasks
`superior-task-missing` looks for), how many the county plan has a task for, and which it lacks.

The tasks are matched by the cross-plan rules' own functions with the plan's own parameters, so the
board and the county's `superior-task-missing` findings always agree. The city's 市抽县查 tasks are
not counted: the county inspects what the city draws and does not list them again (a county task
matching one is a duplicate, counted in its own column)."""

from __future__ import annotations

from dataclasses import dataclass

from ..plan import Plan


@dataclass(frozen=True, slots=True)
class CityTasks:
    required: int  # city tasks each county is to initiate (0: the city plan names none)
    missing: tuple[str, ...]  # those the county plan lacks: 任务3「计量单位使用情况的监督检查」

    @property
    def covered(self) -> int:
        return self.required - len(self.missing)

    def label(self) -> str:
        """覆盖 4/5 项（80%）, or what stands in for it when the city plan requires no task."""
        if not self.required:
            return "市级计划未要求各县发起任务"
        return f"覆盖 {self.covered}/{self.required} 项（{self.covered / self.required:.0%}）"

    def to_json(self) -> dict:
        return {
            "required": self.required,
            "covered": self.covered,
            "missing": list(self.missing),
            "label": self.label(),
        }


def city_tasks(plans: list[Plan], superiors: list[Plan], params_of) -> CityTasks | None:
    """The city tasks for counties in `superiors` and those no plan of the county file takes up;
    None when no superior plan could be compared (another year, or the same plan uploaded).
    `params_of(plan)` gives the profile parameters that bind a plan (the matching threshold)."""
    from ..rules.primitives.crossplan import for_counties, matches, superiors_of
    from ..rules.registry import Ctx, RunData

    compared: dict[int, Plan] = {}
    taken: set[int] = set()
    for plan in plans:
        ctx = Ctx(plan, params_of(plan), [plan], superiors, RunData())
        for sup in superiors_of(ctx):
            compared[id(sup)] = sup
            taken |= {id(m.other) for m in matches(ctx, plan, sup).values()}
    if not compared:
        return None
    required = [t for sup in compared.values() for t in sup.tasks if for_counties(t, superior=sup.meta)]
    return CityTasks(len(required), tuple(f"任务{t.seq}「{t.name}」" for t in required if id(t) not in taken))
