"""Cells are shared values (planlint.plan.Cell): a cell rule's primitive sees one cell, runs once per
distinct cell of a column, and its hits are placed on every cell holding that text."""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path

import pytest

from planlint import engine
from planlint.pipeline import load_plans
from planlint.plan import Cell, Plan, PlanMeta, Task
from planlint.rules.loader import load_pack
from planlint.rules.registry import PRIMITIVES, CellHit, Ctx
from planlint.table import Location

OPTIONS = engine.RunOptions(use_config=False)
RULESET = engine.build_ruleset(OPTIONS, engine.load_config(OPTIONS, []))


def findings(path: Path) -> list:
    out = []
    for plan in load_plans(str(path)):
        resolved = RULESET.resolve(plan.meta)  # the layers of the plan's own place and year
        out += engine.check_plan(plan, resolved.rules, Ctx(plan, resolved.params))
    return out


def test_a_cell_primitive_is_given_one_cell_and_no_task() -> None:
    """The signature is the contract: (ctx, cell, **arguments), the cell a Cell, and no argument
    that names a column — the engine reads `field` / `fields` itself — so nothing lets a cell
    primitive read another column of the task."""
    cell_primitives = [p for p in PRIMITIVES.values() if p.cell]
    assert len(cell_primitives) >= 15
    for prim in cell_primitives:
        params = list(inspect.signature(prim.fn).parameters.values())
        assert [p.name for p in params[:2]] == ["ctx", "cell"], prim.name
        assert params[1].annotation in (Cell, "Cell"), prim.name
        assert not {"field", "fields", "task"} & {p.name for p in params}, prim.name
        assert prim.scopes == {"cell"}, prim.name


def _plan(tasks: int, window: str) -> Plan:
    cols = {"seq": 1, "name": 2, "window": 3}
    shared = Cell(window, engine_parse("window", window))
    return Plan(
        PlanMeta(year=2025, kind="internal", level="county", place="泽州县"),
        [
            Task(
                str(i),
                {"seq": Cell(str(i)), "name": Cell(f"任务{i}"), "window": shared},
                Location("p.xlsx", "表", i + 2),
                cols,
            )
            for i in range(1, tasks + 1)
        ],
        {},
        Location("p.xlsx", "表", 2),
    )


def engine_parse(kind: str, text: str) -> object:
    from planlint.fields import parse

    return parse(kind, text)


def test_one_call_per_distinct_cell_and_a_finding_on_every_cell() -> None:
    """1,000 tasks sharing one window text: the primitive runs once, and each task's own cell gets
    the finding, with its own 序号, location and edit."""
    plan = _plan(1_000, "2022年3月—2022年12月")
    rule = next(r for r in load_pack("dates") if r.slug == "window-other-year")
    calls: list[Cell] = []
    original = PRIMITIVES[rule.fn]

    def counted(ctx, cell, **args):
        calls.append(cell)
        return original.fn(ctx, cell, **args)

    PRIMITIVES[rule.fn] = dataclasses.replace(original, fn=counted)
    try:
        found = engine.check_plan(plan, [rule], Ctx(plan, {}))
    finally:
        PRIMITIVES[rule.fn] = original
    assert len(calls) == 1
    assert [f.location.cell for f in found] == [f"C{i + 2}" for i in range(1, 1_001)]
    assert [f.task_seq for f in found] == [str(i) for i in range(1, 1_001)]
    assert all(len(f.edits) == 1 and f.edits[0].location == f.location for f in found)
    assert {f.edits[0].new for f in found} == {"2025年3月—2025年12月"}
    assert {f.spans for f in found} == {
        ((0, 4), (8, 12))
    }  # both stale years, as written  # the stale year, as written


def test_a_hit_is_relative_to_its_cell() -> None:
    """A cell primitive's hit carries no location; the engine gives each its cell's location and
    the cell's text for {raw}, and the column's header for {col}."""
    plan = _plan(2, "3月—12月")

    def hit(ctx, cell):
        yield CellHit({"note": cell.text}, cell.raw + "。", safe=True, spans=((0, 1),))

    PRIMITIVES["_test_hit"] = dataclasses.replace(
        next(iter(PRIMITIVES.values())), name="_test_hit", fn=hit, scopes=frozenset({"cell"})
    )
    try:
        rule = dataclasses.replace(
            next(r for r in load_pack("dates") if r.slug == "window-other-year"),
            check={"fn": "_test_hit", "field": "window"},
            message="{seq}:{raw}:{col}:{note}",
            safety="safe",
        )
        found = engine.check_plan(plan, [rule], Ctx(plan, {}))
    finally:
        del PRIMITIVES["_test_hit"]
    assert [f.message for f in found] == [
        "1:3月—12月:抽查检查起止时间:3月—12月",
        "2:3月—12月:抽查检查起止时间:3月—12月",
    ]
    assert [(e.location.cell, e.old, e.new, e.safe) for f in found for e in f.edits] == [
        ("C3", "3月—12月", "3月—12月。", True),
        ("C4", "3月—12月", "3月—12月。", True),
    ]


def test_repeated_cells_each_get_their_own_finding_and_edit(tmp_path: Path) -> None:
    # a county of 晋城 in 2025: 晋城's 12月20日 binds it
    plan_file = tmp_path / "泽州县市场监督管理局2025年度内部双随机抽查工作计划.csv"
    rows = [
        "泽州县市场监督管理局2025年度内部双随机抽查工作计划",
        "序号,抽查任务名称,抽查事项,抽查对象范围,抽查比例/数量,抽查检查起止时间,抽查检查模式",
    ]
    rows += [f"{i},任务{i},检查{i},企业{i},5%,3月—12月,县抽县查" for i in (1, 2, 3)]
    plan_file.write_text("\n".join(rows) + "\n", encoding="utf-8")
    [plan] = load_plans(str(plan_file))
    assert len({id(t.cells["window"]) for t in plan.tasks}) == 1  # one shared cell
    late = [f for f in findings(plan_file) if f.rule_id == "PL301"]
    assert [f.location.cell for f in late] == ["F3", "F4", "F5"]
    assert [f.task_seq for f in late] == ["1", "2", "3"]
    assert [[e.location.cell for e in f.edits] for f in late] == [["F3"], ["F4"], ["F5"]]


def test_a_rule_over_several_columns_checks_each(tmp_path: Path) -> None:
    """text-normalize reads 13 columns: the repeated 抽查检查模式 cell and each task name give a
    finding on each row's own cell, with its own edit."""
    plan_file = tmp_path / "某县市场监督管理局2025年度内部双随机抽查工作计划.csv"
    rows = [
        "某县市场监督管理局2025年度内部双随机抽查工作计划",
        "序号,抽查任务名称,抽查事项,抽查对象范围,抽查检查模式",
    ]
    rows += [f"{i},任务  {i},检查{i},企业{i},县抽县查  " for i in (1, 2, 3)]
    plan_file.write_text("\n".join(rows) + "\n", encoding="utf-8")
    tidy = [f for f in findings(plan_file) if f.rule_id == "PL509"]
    assert sorted(f.location.cell for f in tidy) == ["B3", "B4", "B5", "E3", "E4", "E5"]
    for f in tidy:
        assert [e.location for e in f.edits] == [f.location]
    assert len({f.fix for f in tidy}) == 4  # the fixes: three names, one mode


@pytest.mark.parametrize("rule_id", ["PL507", "PL102", "PL204"])
def test_rules_reading_several_columns_are_task_rules(rule_id: str) -> None:
    """partner-same-as-initiator, required-field-empty and frequency-missing read more than the
    cell they report on: task rules, whose primitive gets the task."""
    rule = next(r for r in RULESET.all_rules if r.id == rule_id)
    assert rule.scope == "task" and not PRIMITIVES[rule.fn].cell


def test_spans_on_a_seed_mark_what_the_finding_is_about() -> None:
    """On 泽州's plan the stale year of a task name is marked (it was not, when reports looked for
    「…」 in the message): the span a rule sets is what the html report highlights."""
    from conftest import SAMPLES

    from planlint.report import ReportOptions
    from planlint.report.html import render

    path = SAMPLES / "泽州县市场监督管理局2023年度内部双随机抽查工作计划.xlsx"
    result = engine.run([str(path)], OPTIONS)
    spans = {(f.slug, f.location.cell): f.spans for r in result.reports for f in r.findings}
    assert spans[("stale-year", "B8")] == ((0, 4),)
    page = render(result, ReportOptions())
    assert "<mark>2022</mark>年加油站计量双随机监督检查" in page


def test_a_task_rule_checks_the_cells_a_continuation_row_holds(tmp_path: Path) -> None:
    """A continuation row (blank 序号 and name) with its own 配合部门: the task rule sees the task
    from that row — its own partner, the task row's initiator — and reports on the row's cell,
    with the task's 序号; the task row's own partner is fine and not reported again."""
    plan_file = tmp_path / "某县2025年度部门联合双随机抽查工作计划.csv"
    rows = [
        "某县2025年度部门联合双随机抽查工作计划",
        "序号,抽查任务名称,抽查事项,发起部门,配合部门",
        "1,食品安全联合检查,食品经营许可检查,县市场监管局,县商务局",
        ",,餐饮卫生检查,,县市场监管局",
    ]
    plan_file.write_text("\n".join(rows) + "\n", encoding="utf-8")
    [plan] = load_plans(str(plan_file))
    assert [len(t.continuation) for t in plan.tasks] == [1]
    same = [f for f in findings(plan_file) if f.slug == "partner-same-as-initiator"]
    assert [(f.location.cell, f.task_seq) for f in same] == [("E4", "1")]
    assert same[0].spans == ()  # the whole cell is the initiator
