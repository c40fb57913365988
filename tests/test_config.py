"""Configuration: discovery, select/ignore/severity, per-glob overrides, waivers and baselines."""

from __future__ import annotations

import shutil

import pytest
from conftest import SAMPLES

from planlint.engine import RunOptions, run
from planlint.suppress import write_baseline

ZEZHOU = "泽州县市场监督管理局2023年度内部双随机抽查工作计划.xlsx"


@pytest.fixture
def plan_dir(tmp_path):
    shutil.copy(SAMPLES / ZEZHOU, tmp_path / ZEZHOU)
    return tmp_path


def _slugs(result):
    return sorted({f.slug for f in result.findings})


def test_config_found_upward_selects_rules(plan_dir):
    sub = plan_dir / "county"
    sub.mkdir()
    shutil.move(plan_dir / ZEZHOU, sub / ZEZHOU)
    (plan_dir / ".planlint.yaml").write_text("select: [stale-year, PL502]\n", encoding="utf-8")
    result = run([str(sub / ZEZHOU)])
    assert _slugs(result) == ["place-mismatch", "stale-year"]


def test_pyproject_tool_section(plan_dir):
    # as a 2025 plan, 泽州县 is bound by 晋城市's 2025 deadline (12月20日)
    (plan_dir / "pyproject.toml").write_text(
        '[tool.planlint]\nignore = ["PL5", "text-normalize"]\nmeta = {year = 2025}\n', encoding="utf-8"
    )
    slugs = _slugs(run([str(plan_dir / ZEZHOU)]))
    assert "stale-year" not in slugs and "place-mismatch" not in slugs
    assert "window-after-deadline" in slugs


def test_cli_flags_win_over_config(plan_dir):
    (plan_dir / ".planlint.yaml").write_text("select: [stale-year]\n", encoding="utf-8")
    result = run([str(plan_dir / ZEZHOU)], RunOptions(select=("place-mismatch",)))
    assert _slugs(result) == ["place-mismatch"]


def test_severity_override_and_off(plan_dir):
    (plan_dir / ".planlint.yaml").write_text(
        "select: [stale-year, place-mismatch]\nseverity: {stale-year: error, PL502: off}\n", encoding="utf-8"
    )
    result = run([str(plan_dir / ZEZHOU)])
    assert [(f.slug, f.severity) for f in result.findings] == [("stale-year", "error")]


def test_per_glob_override_and_meta(plan_dir):
    (plan_dir / ".planlint.yaml").write_text(
        "select: [stale-year]\noverrides:\n  - files: '泽州*.xlsx'\n    meta: {year: 2022}\n",
        encoding="utf-8",
    )
    # With the plan year overridden to 2022, 2022年加油站… is no longer stale.
    assert _slugs(run([str(plan_dir / ZEZHOU)])) == []


def test_waivers_and_unused_waiver(plan_dir):
    (plan_dir / ".planlint.yaml").write_text(
        "select: [stale-year, place-mismatch, waiver-unused]\n"
        "waivers:\n"
        "  - {rule: stale-year, file: '泽州*', task: 6, reason: 沿用上年任务名称}\n"
        "  - {rule: place-mismatch, cell: J99, reason: 不存在的单元格}\n",
        encoding="utf-8",
    )
    result = run([str(plan_dir / ZEZHOU)])
    slugs = [f.slug for f in result.findings]
    assert "stale-year" not in slugs
    assert slugs.count("place-mismatch") == 1  # one merged cell J8:J13 (tasks 6–11)
    unused = [f for f in result.findings if f.slug == "waiver-unused"]
    assert len(unused) == 1 and "J99" in unused[0].message


def test_baseline_suppresses_known_findings_only(plan_dir, tmp_path):
    options = RunOptions(select=("stale-year", "place-mismatch"), use_config=False)
    first = run([str(plan_dir / ZEZHOU)], options)
    baseline = tmp_path / "baseline.json"
    assert write_baseline(first, str(baseline)) == 2  # stale-year B8, place-mismatch on merged J8:J13
    options.baseline = str(baseline)
    again = run([str(plan_dir / ZEZHOU)], options)
    assert again.findings == []
    # A finding the baseline does not know about still shows (as a 2025 plan, under 晋城's deadline).
    options.select = ("stale-year", "place-mismatch", "window-after-deadline")
    options.meta = {"year": 2025}
    later = run([str(plan_dir / ZEZHOU)], options)
    assert {f.slug for f in later.findings} == {"window-after-deadline"}


def test_a_partial_baseline_count_covers_the_first_cells_in_reading_order(tmp_path):
    """Two text-normalize findings on task 1 (B3 任务名称, C3 抽查类型) and a baseline that knows one:
    the one left is C3, whatever order the rules ran the columns in."""
    import json

    plan = tmp_path / "某县市场监督管理局2025年度内部双随机抽查工作计划.csv"
    rows = ["某县市场监督管理局2025年度内部双随机抽查工作计划", "序号,抽查任务名称,抽查类型,抽查事项"]
    rows += [f"{i},任务  {i},定向 ,检查{i}" for i in (1, 2, 3, 4)]
    plan.write_text("\n".join(rows) + "\n", encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    entry = {"file": plan.as_posix(), "rule": "text-normalize", "task": "1", "count": 1}
    baseline.write_text(json.dumps({"version": 1, "findings": [entry]}), encoding="utf-8")
    options = RunOptions(select=("text-normalize",), use_config=False, baseline=str(baseline))
    task1 = [f.location.cell for f in run([str(plan)], options).findings if f.task_seq == "1"]
    assert task1 == ["C3"]


def test_calendar_beyond_coverage_is_a_note_not_a_crash(tmp_path):
    from planlint.casefile import build_case_plan
    from planlint.engine import check_plan
    from planlint.rules.loader import load_pack
    from planlint.rules.registry import Ctx

    plan = build_case_plan([{"window": "1月—12月"}], {"plan": {"kind": "joint", "year": 2099}}, "x.xlsx")
    rule = next(r for r in load_pack("dates") if r.slug == "publicity-after-year-end")
    ctx = Ctx(plan, {"publicity_workdays": 20})
    findings = check_plan(plan, [rule], ctx)
    assert [f.slug for f in findings] == ["publicity-after-year-end"]
    assert any("2100" in n for n in ctx.notes)


# ---------------------------------------------------------------- typed settings (#16.4, #21.13, #20.1)


def test_config_is_a_frozen_typed_object(plan_dir):
    import dataclasses

    from planlint.config import find_config

    (plan_dir / ".planlint.yaml").write_text(
        "profile: default\nsuperior: 市级/市计划.xlsx\nselect: [stale-year]\nseverity: {stale-year: off}\n"
        "waivers:\n  - {rule: stale-year, task: 6, reason: 已报备}\n",
        encoding="utf-8",
    )
    config = find_config(plan_dir / ZEZHOU)
    assert config.profile == "default" and config.select == ("stale-year",)
    assert config.superior == str(plan_dir / "市级" / "市计划.xlsx")  # resolved against the config's folder
    assert dict(config.severity) == {"stale-year": "off"}  # YAML's unquoted off (false) read as "off"
    assert config.waivers[0].task == "6" and config.waivers[0].reason == "已报备"
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.profile = "shanxi-2025"
    with pytest.raises(TypeError):
        config.severity["PL301"] = "info"


def test_yaml_alias_bomb_is_refused_quickly(plan_dir, monkeypatch, capsys):
    import time

    from conftest import run_cli

    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 9):
        prev, name = "abcdefghi"[i - 1], "abcdefghi"[i]
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    (plan_dir / ".planlint.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")  # 9^9 ≈ 387M strings
    start = time.monotonic()
    code, _, err = run_cli("check", str(plan_dir / ZEZHOU), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "别名" in err and ".planlint.yaml" in err
    assert time.monotonic() - start < 20


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("params: {h2_share_max: 一半}\n", "params.h2_share_max 应为数字"),
        ("params: {deadline: 12月20日}\n", "params.deadline 应为一组设置"),
        ("params: {deadline: {internal: 1220}}\n", "params.deadline.internal 应为文字"),
        ("params: {no_such_param: 1}\n", "没有参数「no_such_param」"),
        ("- select\n- ignore\n", "而不是列表"),
        ("select: stale-year\n", "select"),
        ("overrides: [{files: 3}]\n", "overrides"),
        ("waivers: [{rule: stale-year}]\n", "reason"),
    ],
)
def test_wrong_value_types_are_clear_errors(plan_dir, monkeypatch, capsys, text, expect):
    from conftest import run_cli

    (plan_dir / ".planlint.yaml").write_text(text, encoding="utf-8")
    code, _, err = run_cli("check", str(plan_dir / ZEZHOU), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and ".planlint.yaml" in err and expect in err, err


def test_config_reads_without_tomllib(tmp_path):
    """Python 3.10 has no tomllib: planlint reads pyproject.toml with tomli there."""
    import subprocess
    import sys

    (tmp_path / "pyproject.toml").write_text('[tool.planlint]\nignore = ["PL5"]\n', encoding="utf-8")
    code = (
        "import sys; sys.modules['tomllib'] = None\n"
        "from planlint.config import find_config\n"
        f"print(find_config({str(tmp_path)!r}).ignore)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == "('PL5',)", r.stderr


def test_readme_waiver_example_matches_the_sample(plan_dir):
    """The README's waiver line, as written, waives the sample's stale task name (and is used)."""
    from conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    waiver = next(
        line for line in readme.splitlines() if line.strip().startswith("- {rule: stale-year, file:")
    )
    (plan_dir / ".planlint.yaml").write_text(
        f"select: [stale-year, waiver-unused]\nwaivers:\n{waiver}\n", encoding="utf-8"
    )
    assert _slugs(run([str(plan_dir / ZEZHOU)])) == []
