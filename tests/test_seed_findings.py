"""Every real defect visible in the seeds' tables is found in the bundled samples, at its cell;
the clean model plan gives no error or warning."""

from __future__ import annotations

import pytest
from conftest import SAMPLES

from planlint.engine import RunOptions, run

JINCHENG = "晋城市市场监管局2025年度双随机抽查工作计划.xlsx"
ZEZHOU = "泽州县市场监督管理局2023年度内部双随机抽查工作计划.xlsx"
YUANPING = "原平市2024年度部门联合双随机抽查工作计划.xlsx"
CHANGZHI = "长治市市场监督管理局2023年度双随机抽查工作计划.xlsx"
MODEL = "示范-某县2025年度内部双随机抽查工作计划.xlsx"


def _findings(name: str) -> set[tuple[str, str]]:
    result = run([str(SAMPLES / name)], RunOptions(profile="shanxi-2025", use_config=False))
    assert all(r.error is None for r in result.reports)
    return {(f.slug, f.location.cell) for f in result.findings}


@pytest.fixture(scope="module")
def found():
    return {name: _findings(name) for name in (JINCHENG, ZEZHOU, YUANPING, CHANGZHI)}


def _cell(found, name, slug):
    return sorted(c for s, c in found[name] if s == slug)


def test_jincheng_defects(found):
    # Task 10: 抽查事项 and 抽查对象范围 are swapped (rows are as in the sample sheet).
    assert len(_cell(found, JINCHENG, "columns-swapped")) == 1
    # Task 5: D stated twice, A above C.
    assert len(_cell(found, JINCHENG, "risk-tier-inconsistent")) == 1
    # Task 6: "结合信用风险管理要求" names no tier.
    assert len(_cell(found, JINCHENG, "risk-clause-untiered")) == 1
    # Tasks 2, 4, 5, 7, 8 copy the province's 全省/本省 scope.
    assert len(_cell(found, JINCHENG, "scope-beyond-jurisdiction")) == 5


def test_zezhou_defects(found):
    assert _cell(found, ZEZHOU, "stale-year") == ["B8"]  # 2022年加油站… in a 2023 plan
    # 泽州市市场监督管理局, tasks 6–11: one merged cell J8:J13, so one finding at its anchor (issue #14)
    assert _cell(found, ZEZHOU, "place-mismatch") == ["J8"]
    # Tasks 2, 12, 13, 14 start in July: 27% > 25%; reported on the header row.
    assert _cell(found, ZEZHOU, "h2-concentration") == ["2"]


def test_yuanping_defects(found):
    assert len(_cell(found, YUANPING, "known-typo")) == 1  # 交通输工程
    assert len(_cell(found, YUANPING, "quota-nonstandard")) == 1  # 5%; 1/年
    assert len(_cell(found, YUANPING, "name-window-mismatch")) == 2  # 7月份 / 6月份 vs 1月-11月
    # 1+X: 燃气 2/3, 涉爆 12/13/14, 保安 15/16, 旅行社 33/34.
    assert len(_cell(found, YUANPING, "merge-candidate")) == 4


def test_changzhi_defects(found):
    assert len(_cell(found, CHANGZHI, "seq-gap")) == 1  # 序号 12 missing
    assert len(_cell(found, CHANGZHI, "risk-clause-missing")) == 3  # tasks 2, 3, 13
    assert len(_cell(found, CHANGZHI, "window-missing")) == 3
    assert len(_cell(found, CHANGZHI, "risk-clause-incomplete")) == 2  # 14 truncated, 17 only 高风险
    assert len(_cell(found, CHANGZHI, "risk-application-rate")) == 1


def test_model_plan_is_clean():
    result = run([str(SAMPLES / MODEL)], RunOptions(profile="shanxi-2025", use_config=False))
    assert result.reports and result.reports[0].plan is not None
    bad = [(f.slug, f.location.cell, f.message) for f in result.findings if f.severity in ("error", "warning")]
    assert bad == []
