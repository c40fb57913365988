"""Cell rules replayed on repeated texts (planlint.rules.replay) find exactly what running them on
every cell finds, each finding on its own cell."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLES

from planlint import engine
from planlint.pipeline import load_plans
from planlint.rules.registry import Ctx
from planlint.rules.replay import replay_field

OPTIONS = engine.RunOptions(use_config=False)
RULESET = engine.build_ruleset(OPTIONS, engine.load_config(OPTIONS, []))


def flat(findings: list) -> list[tuple]:
    return sorted(
        (f.rule_id, f.severity, f.location, f.field, f.task_seq, f.message, f.fix, f.edits) for f in findings
    )


def findings(path: Path, replay: bool) -> list[tuple]:
    out = []
    for plan in load_plans(str(path)):
        resolved = RULESET.resolve(plan.meta)  # the layers of the plan's own place and year
        out += engine.check_plan(plan, resolved.rules, Ctx(plan, resolved.params), replay=replay)
    return flat(out)


@pytest.mark.parametrize(
    "path",
    sorted(p for p in SAMPLES.iterdir() if p.suffix in (".xlsx", ".docx", ".csv", ".txt")),
    ids=lambda p: p.name[:12],
)
def test_replay_finds_what_every_cell_finds(path: Path) -> None:
    with_replay = findings(path, replay=True)
    assert with_replay == findings(path, replay=False)


def test_repeated_cells_each_get_their_own_finding_and_edit(tmp_path: Path) -> None:
    # a county of 晋城 in 2025: 晋城's 12月20日 binds it
    plan_file = tmp_path / "泽州县市场监督管理局2025年度内部双随机抽查工作计划.csv"
    rows = [
        "泽州县市场监督管理局2025年度内部双随机抽查工作计划",
        "序号,抽查任务名称,抽查事项,抽查对象范围,抽查比例/数量,抽查检查起止时间,抽查检查模式",
    ]
    rows += [f"{i},任务{i},检查{i},企业{i},5%,3月—12月,县抽县查" for i in (1, 2, 3)]
    plan_file.write_text("\n".join(rows) + "\n", encoding="utf-8")
    late = [f for f in findings(plan_file, replay=True) if f[0] == "PL301"]
    assert [loc.cell for _, _, loc, *_ in late] == ["F3", "F4", "F5"]
    assert [seq for _, _, _, _, seq, *_ in late] == ["1", "2", "3"]
    for *_, edits in late:
        assert edits and all(e.location == edits[0].location for e in edits)
    assert [e[0].location.cell for *_, e in late] == ["F3", "F4", "F5"]


def test_only_rules_that_read_one_field_are_replayed() -> None:
    by_id = {r.id: replay_field(r) for r in RULESET.all_rules}
    assert by_id["PL301"] == "window" and by_id["PL404"] == "risk" and by_id["PL505"] == "mode"
    assert by_id["PL509"] is None  # tidy_text over many fields
    assert by_id["PL508"] is None  # substitute without `fields` reads every cell
    assert by_id["PL503"] is None  # a task rule
    assert by_id["PL507"] is None  # partner_differs reads two fields


def test_a_rule_over_several_columns_replays_the_repeated_ones(tmp_path: Path) -> None:
    """text-normalize reads 13 columns: 抽查检查模式 repeats (replayed), task names do not (checked
    task by task); both give a finding on each row's own cell, with its own edit."""
    plan_file = tmp_path / "某县市场监督管理局2025年度内部双随机抽查工作计划.csv"
    rows = [
        "某县市场监督管理局2025年度内部双随机抽查工作计划",
        "序号,抽查任务名称,抽查事项,抽查对象范围,抽查检查模式",
    ]
    rows += [f"{i},任务  {i},检查{i},企业{i},县抽县查  " for i in (1, 2, 3)]
    plan_file.write_text("\n".join(rows) + "\n", encoding="utf-8")
    tidy = [f for f in findings(plan_file, replay=True) if f[0] == "PL509"]
    assert sorted(loc.cell for _, _, loc, *_ in tidy) == ["B3", "B4", "B5", "E3", "E4", "E5"]
    for _, _, loc, *_, edits in tidy:
        assert [e.location for e in edits] == [loc]
    assert tidy == [f for f in findings(plan_file, replay=False) if f[0] == "PL509"]
    assert len({f[6] for f in tidy}) == 4  # the fixes: three names, one mode
