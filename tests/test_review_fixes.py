"""Regressions a review of the township-level and field-wording changes found: which cell above a
header names the body that made the plan, an open window starting after the deadline, and the scope
fix a station's plan is offered."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from planlint.pipeline import load_plans

HEAD = ["序号", "抽查任务名称", "抽查事项", "抽查对象范围", "抽查比例", "抽查时间"]
NO_PLACE = "2025年度双随机抽查工作计划"


def _plan(tmp_path: Path, title: str, above: list[list[str]], rows: list[list[str]], head=HEAD) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    for row in [*above, head, *rows]:
        ws.append(row)
    path = tmp_path / "计划.xlsx"
    wb.save(path)
    return path


class TestTheUnitAboveTheHeaderIsTheOneThatMadeThePlan:
    """Only 填报单位, 编制单位, 制表单位, 报送单位 (or 单位 opening the cell), at the start of a cell or after a
    separator, name the plan's own body: 指导单位, 配合单位, 上级单位 and 主管单位 name others."""

    ROWS = [["1", "食品生产检查", "许可条件检查", "食品生产企业", "5%", "3月至11月"]]

    @pytest.mark.parametrize(
        "cell",
        [
            "指导单位：晋城市市场监督管理局",
            "配合单位：晋城市市场监督管理局",
            "上级单位：晋城市市场监督管理局",
            "主管单位:晋城市市场监督管理局",
            "业务指导单位：晋城市市场监督管理局",
            "说明：本计划由各县报送单位：晋城市市场监督管理局汇总",
        ],
    )
    def test_another_bodys_label_places_nothing(self, tmp_path, cell):
        (plan,) = load_plans(str(_plan(tmp_path, NO_PLACE, [[cell]], self.ROWS)))
        assert plan.meta.place is None and plan.meta.region == ()

    @pytest.mark.parametrize(
        "cell, place",
        [
            ("填报单位：泽州县市场监督管理局", "泽州县"),
            ("单位：泽州县市场监督管理局", "泽州县"),
            ("编制单位（盖章）：泽州县市场监督管理局", "泽州县"),
            ("制表人：张三  制表单位：陵川县市场监督管理局", "陵川县"),
            ("联系电话：123，报送单位：高平市市场监督管理局", "高平市"),
        ],
    )
    def test_the_plans_own_unit_places_it(self, tmp_path, cell, place):
        (plan,) = load_plans(str(_plan(tmp_path, NO_PLACE, [[cell]], self.ROWS)))
        assert plan.meta.place == place and plan.meta.region[-2:] == ("晋城市", "山西省")

    def test_a_guiding_unit_beside_the_plans_own_leaves_the_own_one(self, tmp_path):
        above = [["指导单位：晋城市市场监督管理局"], ["填报单位：泽州县市场监督管理局"]]
        (plan,) = load_plans(str(_plan(tmp_path, NO_PLACE, above, self.ROWS)))
        assert plan.meta.place == "泽州县"


def _windows(tmp_path: Path, windows: list[str], slugs: tuple[str, ...]):
    from planlint.engine import RunOptions, run

    rows = [["序号", "抽查任务名称", "抽查事项", "抽查对象范围", "抽查比例", "抽查检查起止时间"]]
    rows += [[str(i), f"任务{i}", "许可条件检查", "经营者", "5%", w] for i, w in enumerate(windows, 1)]
    path = _plan(tmp_path, "泽州县市场监督管理局2025年度双随机抽查工作计划", [], rows[1:], head=rows[0])
    return run([str(path)], RunOptions(use_config=False, select=slugs)).findings


class TestAnOpenWindowAndTheDeadline:
    """Under 晋城's 12月20日, an open window starting after the deadline breaches it (as a written end
    does), and no suggestion ends before its start or outside the plan year."""

    SLUGS = ("window-after-deadline", "window-open-end", "window-other-year")

    @pytest.mark.parametrize("window", ["12月25日起", "2025年12月21日起", "自12月下旬起"])
    def test_a_start_after_the_deadline_breaches_it(self, tmp_path, window):
        got = _windows(tmp_path, [window], self.SLUGS)
        assert [(f.slug, f.severity) for f in got] == [("window-after-deadline", "error")]
        assert "开始时间" in got[0].fix and "也须提前" in got[0].fix
        assert got[0].fix.endswith("12月—12月20日」")

    @pytest.mark.parametrize(
        "window, suggested",
        [
            ("12月起", "12月—12月20日"),
            ("3月起", "3月—12月20日"),
            ("12月20日起", "12月20日"),
            ("2024年12月起", "2025年12月—12月20日"),
            ("2026年1月起", "2025年1月—12月20日"),
            ("2024年12月25日起", "2025年12月—12月20日"),
        ],
    )
    def test_an_open_window_is_told_a_possible_end(self, tmp_path, window, suggested):
        got = _windows(tmp_path, [window], self.SLUGS)
        assert [f.slug for f in got if f.slug == "window-after-deadline"] == []
        (open_end,) = [f for f in got if f.slug == "window-open-end"]
        assert f"「{suggested}」" in open_end.fix

    def test_a_written_end_after_the_deadline_is_told_as_before(self, tmp_path):
        (got,) = _windows(tmp_path, ["3月—12月31日"], self.SLUGS)
        assert got.slug == "window-after-deadline"
        assert got.fix == "将结束时间改为12月20日或更早，例如「3月—12月20日」"


class TestTheScopeFixNamesAnArea:
    """scope-beyond-jurisdiction offers the plan's own area: a township's or county's name, a
    station's 辖区 (a 市场监管所 is a body, not an area)."""

    @pytest.mark.parametrize(
        "title, area",
        [
            ("泽州县市场监督管理局巴公市场监督管理所2025年度双随机抽查工作计划", "“巴公市场监督管理所辖区”"),
            ("泽州县巴公市场监管所2025年度双随机抽查工作计划", "“巴公市场监管所辖区”"),
            ("泽州县巴公镇人民政府2025年度行政检查计划", "“巴公镇”"),
            ("泽州县市场监督管理局2025年度双随机抽查工作计划", "“泽州县”"),
        ],
    )
    def test_the_fix_names_the_plans_area(self, tmp_path, title, area):
        from planlint.engine import RunOptions, run

        scope = "全市食品经营者" if "泽州县市场监督管理局2025" in title else "全县食品经营者"
        path = _plan(tmp_path, title, [], [["1", "食品经营检查", "许可条件检查", scope, "5%", "3月至11月"]])
        (got,) = run(
            [str(path)], RunOptions(use_config=False, select=("scope-beyond-jurisdiction",))
        ).findings
        assert area in got.fix and "所”" not in got.fix


@pytest.mark.parametrize(
    ("clause", "missing"),
    [
        ("守信企业3%，失信企业10%", "未写明警示、严重失信"),
        ("对守信、警示企业按3%抽查", "未写明失信、严重失信"),
        ("对低风险、一般风险企业按3%抽查", "未写明较高风险、高风险"),
    ],
)
def test_an_incomplete_clause_names_the_missing_tiers_in_its_own_words(tmp_path, clause, missing):
    """A 守信/失信 clause was told it missed 一般风险、高风险: the risk scheme's names for the B and D tiers."""
    from planlint.engine import RunOptions, run

    head = [*HEAD, "信用风险分类"]
    row = ["1", "食品销售抽查", "许可条件检查", "经营者", "5%", "3月—11月", clause]
    path = _plan(tmp_path, "泽州县市场监督管理局2025年度双随机抽查工作计划", [], [row], head=head)
    found = run([str(path)], RunOptions(use_config=False, select=("risk-clause-incomplete",))).findings
    assert [f.message.rpartition("：")[2] for f in found] == [missing]
