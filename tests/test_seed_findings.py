"""Every real defect visible in the seeds' tables is found in the bundled samples, at its cell, under
the requirement layers that bind each seed (its own place and year); the clean model plan gives no
error or warning.

Layers by seed (no profile named): 晋城 2025 → national + 山西 2025 + 晋城 2025; 原平 2024 → national +
原平's own notice (原双随机办〔2024〕2号); 泽州 2023 → national + 泽州's own notice (泽市监〔2023〕10号);
长治 2023 → national. The documents of 山西 and 晋城 in the seeds are of 2025, so they bind no 2023
plan: 泽州 2023 and 长治 2023 are no longer held to 晋城's 12月20日, H2 share and 90% rate, nor to
山西 2025's 抽查检查模式 column (test_zezhou_as_a_2025_plan shows the same plan as a 2025 plan gets them).
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from conftest import SAMPLES

from planlint.engine import RunOptions, run

JINCHENG = "晋城市市场监管局2025年度双随机抽查工作计划.xlsx"
ZEZHOU = "泽州县市场监督管理局2023年度内部双随机抽查工作计划.xlsx"
YUANPING = "原平市2024年度部门联合双随机抽查工作计划.xlsx"
CHANGZHI = "长治市市场监督管理局2023年度双随机抽查工作计划.xlsx"
MODEL = "示范-某县2025年度内部双随机抽查工作计划.xlsx"

# The complete findings of each seed under its own layers: slug → cells.
EXPECTED = {
    YUANPING: {
        "known-typo": "E41",
        "merge-candidate": "E5 E15 E18 E36",
        "name-window-mismatch": "C23 C24",
        "quota-nonstandard": "F23",
        "text-normalize": " ".join(f"F{r}" for r in range(9, 46)),
        "risk-tiers-for-non-enterprises": "G9 G10 G12 G13 G40",  # schools, 机构: info, a question
    },
    JINCHENG: {
        "columns-swapped": "D13",
        "risk-clause-untiered": "G9",
        "risk-tier-inconsistent": "G8",
        "scope-beyond-jurisdiction": "E4 E6 E8 E10 E11",
        "text-normalize": "E12",
        "window-after-deadline": "H6 H8 H9 H10 H11",
        "risk-tiers-for-non-enterprises": "G10",  # 法定计量检定机构
    },
    ZEZHOU: {
        "place-mismatch": "J8",
        "stale-year": "B8",  # J8:J13 is one merged cell
        "risk-escalation-at-full-ratio": "G4 G13",  # 100% and 分别递加比例
        "risk-tiers-for-non-enterprises": "G7 G15",  # 法定计量检定机构; 个体工商户 in a 2023 plan
    },
    CHANGZHI: {
        "merge-candidate": "D9 D12",
        "risk-clause-incomplete": "F16 F20",
        "risk-clause-missing": "F5 F6 F15",
        "seq-gap": "A15",
        "window-missing": "G5 G6 G15",
        "risk-escalation-at-full-ratio": "F17",
    },
}
LAYERS = {
    JINCHENG: ["default", "shanxi-2025", "jincheng-2025"],
    ZEZHOU: ["default", "zezhou-2023"],
    YUANPING: ["default", "yuanping-2024"],
    CHANGZHI: ["default"],
}


def _run(name: str, **meta):
    result = run([str(SAMPLES / name)], RunOptions(use_config=False, meta=meta))
    assert all(r.error is None for r in result.reports)
    return result


def _findings(name: str, **meta) -> set[tuple[str, str]]:
    return {(f.slug, f.location.cell) for f in _run(name, **meta).findings}


@pytest.fixture(scope="module")
def found():
    return {name: _findings(name) for name in (JINCHENG, ZEZHOU, YUANPING, CHANGZHI)}


def _cell(found, name, slug):
    return sorted(c for s, c in found[name] if s == slug)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_seed_has_exactly_its_findings(found, name):
    got: dict[str, list[str]] = defaultdict(list)
    for slug, cell in found[name]:
        got[slug].append(cell)
    assert {k: sorted(v) for k, v in got.items()} == {k: sorted(v.split()) for k, v in EXPECTED[name].items()}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_each_seed_gets_the_layers_of_its_place_and_year(name):
    (report,) = _run(name).reports
    assert [t.rsplit("（", 1)[1].rstrip("）") for t in report.layers] == LAYERS[name]


def test_jincheng_defects(found):
    # Task 10: 抽查事项 and 抽查对象范围 are swapped (rows are as in the sample sheet).
    assert len(_cell(found, JINCHENG, "columns-swapped")) == 1
    # Task 5: D stated twice, A above C.
    assert len(_cell(found, JINCHENG, "risk-tier-inconsistent")) == 1
    # Task 6: "结合信用风险管理要求" names no tier.
    assert len(_cell(found, JINCHENG, "risk-clause-untiered")) == 1
    # Tasks 2, 4, 5, 7, 8 copy the province's 全省/本省 scope.
    assert len(_cell(found, JINCHENG, "scope-beyond-jurisdiction")) == 5


def test_jincheng_deadline_cites_its_own_notice():
    late = [f for f in _run(JINCHENG).findings if f.slug == "window-after-deadline"]
    assert late and all(f.basis.startswith("晋城市市场监督管理局 晋市市监〔2025〕7号 五") for f in late)
    assert not any("原双随机办" in f.basis for f in late)


def test_zezhou_defects(found):
    assert _cell(found, ZEZHOU, "stale-year") == ["B8"]  # 2022年加油站… in a 2023 plan
    # 泽州市市场监督管理局, tasks 6–11: one merged cell J8:J13, so one finding at its anchor (issue #14)
    assert _cell(found, ZEZHOU, "place-mismatch") == ["J8"]
    # a 2023 plan: 晋城's 2025 notice does not bind it
    assert (
        _cell(found, ZEZHOU, "h2-concentration") == [] and _cell(found, ZEZHOU, "window-after-deadline") == []
    )


def test_zezhou_as_a_2025_plan_gets_jincheng_and_shanxi_rules():
    got = _findings(ZEZHOU, year=2025)
    # Tasks 2, 12, 13, 14 start in July: 27% > 25%; reported on the header row.
    assert sorted(c for s, c in got if s == "h2-concentration") == ["2"]
    assert sorted(c for s, c in got if s == "window-after-deadline") == ["H13", "H14", "H15", "H16", "H4"]
    assert ("required-column-missing", "2") in got  # 山西 2025: 抽查检查模式


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
    # 晋城's 90% and 12月20日 do not bind 长治
    assert (
        _cell(found, CHANGZHI, "risk-application-rate") == []
        and _cell(found, CHANGZHI, "window-after-deadline") == []
    )


def test_changzhi_risk_clause_is_a_national_warning():
    missing = [f for f in _run(CHANGZHI).findings if f.slug == "risk-clause-missing"]
    assert {f.severity for f in missing} == {"warning"}
    assert all("企业信用风险分类管理" in f.basis for f in missing)


def test_model_plan_is_clean():
    result = run([str(SAMPLES / MODEL)], RunOptions(use_config=False))
    assert result.reports and result.reports[0].plan is not None
    bad = [
        (f.slug, f.location.cell, f.message) for f in result.findings if f.severity in ("error", "warning")
    ]
    assert bad == []
