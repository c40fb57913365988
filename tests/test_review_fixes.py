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
