"""Classes of the seventh survey outside the cell wordings (see SURVEY.md S7-*): a ratio column whose
header gives the percent unit, the field column of a 监督所's plan, a title naming a 抽查方案, the
animal-health bodies of agriculture, a plan that mentions 风险 only as a matter it inspects, and a
column of roles (发起 | 配合) beside the department column under one merged header.
Each is pinned by made-up plans in the family's shapes; the real files are in tests/test_unseen.py."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from planlint.columns import percent_unit
from planlint.engine import RunOptions, run
from planlint.layers import department_of
from planlint.pipeline import load_plans
from planlint.plan import PlanMeta
from planlint.readers._common import names_a_plan


def _xlsx(tmp_path: Path, title: str, header: list[str], rows: list[list[str]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    return path


def _findings(path: Path):
    return run([str(path)], RunOptions(use_config=False)).findings


# -- S7-1: the percent unit in the ratio header ----------------------------------------------------


@pytest.mark.parametrize(
    "header", ["抽查比例(%)", "抽查比\n例（%）", "比例%", "抽查比例(百分比)", "抽取比例（％）"]
)
def test_a_ratio_header_giving_the_percent_unit(header):
    assert percent_unit("ratio", header)


@pytest.mark.parametrize(
    ("key", "header"), [("ratio", "抽查比例"), ("count", "抽查数量(%)"), ("window", "完成率(%)")]
)
def test_headers_without_the_unit_or_not_a_ratio(key, header):
    assert not percent_unit(key, header)


@pytest.mark.parametrize(
    ("cell", "low", "high", "bound"),
    [
        ("5", 5, None, "exact"),
        ("3.5", Decimal("3.5"), None, "exact"),
        ("5-10", 5, 10, "range"),
        ("不低于3", 3, None, "at_least"),
        ("10%", 10, None, "exact"),  # already with its unit: as written
    ],
)
def test_bare_numbers_under_a_percent_header_are_percent(tmp_path, cell, low, high, bound):
    header = ["序号", "抽查任务名称", "抽查事项", "抽查对象", "抽查比例(%)", "抽查时间"]
    rows = [["1", "食品销售抽查", "食品销售检查", "食品经营者", cell, "2025年3月至10月"]]
    path = _xlsx(tmp_path, "某县市场监督管理局2025年度双随机抽查工作计划", header, rows)
    (p,) = load_plans(str(path))
    ratio = p.tasks[0].value("ratio").ratio
    assert (ratio.low, ratio.high, ratio.bound) == (low, high, bound)
    assert p.tasks[0].text("ratio") == cell  # the cell keeps its text
    assert not {f.slug for f in _findings(path)} & {"quota-unparseable"}


def test_a_bare_number_without_the_unit_in_the_header_is_still_asked_about(tmp_path):
    header = ["序号", "抽查任务名称", "抽查事项", "抽查对象", "抽查比例", "抽查时间"]
    rows = [["1", "食品销售抽查", "食品销售检查", "食品经营者", "5", "2025年3月至10月"]]
    path = _xlsx(tmp_path, "某县市场监督管理局2025年度双随机抽查工作计划", header, rows)
    assert ("quota-unparseable", "E3") in {(f.slug, f.location.cell) for f in _findings(path)}


def test_words_under_a_percent_header_are_read_as_written(tmp_path):
    header = ["序号", "抽查任务名称", "抽查事项", "抽查对象", "抽查比例(%)", "抽查时间"]
    rows = [["1", "食品销售抽查", "食品销售检查", "食品经营者", "每年1次", "2025年3月至10月"]]
    path = _xlsx(tmp_path, "某县市场监督管理局2025年度双随机抽查工作计划", header, rows)
    (p,) = load_plans(str(path))
    assert p.tasks[0].value("ratio").ratio is None  # no percent made up for a frequency


# -- S7-2: a 监督所's 抽查专业 column names the task; its 抽查类别 (重点抽查/例行抽查) does not --------------


def test_the_field_column_of_a_supervision_office_is_the_task_name(tmp_path):
    header = ["抽查专业", "抽查周期", "抽查基数", "抽查比例%", "抽查类别", "抽查对象具体分类"]
    rows = [
        ["公共场所监督检查", "每年", "40", "10%", "重点抽查", "所有公共场所"],
        ["生活饮用水监督检查", "每年", "12", "20%", "例行抽查", "集中式供水单位"],
    ]
    path = _xlsx(tmp_path, "某区卫生监督所2024年双随机抽查方案", header, rows)
    (p,) = load_plans(str(path))
    assert p.columns["name"].header == "抽查专业"
    assert [t.text("name") for t in p.tasks] == ["公共场所监督检查", "生活饮用水监督检查"]


# -- S7-3: a title naming a 抽查方案 is the plan's title --------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "西城区动物卫生监督所2019年双随机抽查方案",
        "某县交通运输局2024年“双随机、一公开”抽查工作方案",
        "某市2025年部门联合检查实施方案",
        "某区2023年度双随机抽查计划表",
    ],
)
def test_titles_naming_a_plan_or_a_scheme_of_inspections(title):
    assert names_a_plan(title)


@pytest.mark.parametrize("title", ["某县2024年市场监管工作要点", "某县2024年优化营商环境实施方案"])
def test_titles_naming_neither(title):
    assert not names_a_plan(title)


def test_a_scheme_title_row_gives_the_year(tmp_path):
    header = ["序号", "抽查事项", "抽查对象", "抽查比例", "抽查时间"]
    rows = [["1", "公共场所卫生监督检查", "公共场所经营单位", "5%", "2024年4月至10月"]]
    (p,) = load_plans(str(_xlsx(tmp_path, "某区卫生监督所2024年双随机抽查方案", header, rows)))
    assert p.meta.title == "某区卫生监督所2024年双随机抽查方案" and p.meta.year == 2024


# -- S7-4: animal-health bodies are agriculture's, not health's --------------------------------------


@pytest.mark.parametrize(
    ("title", "department"),
    [
        ("西城区动物卫生监督所2019年双随机抽查方案", "农业农村部门"),
        ("某县动物疫病预防控制中心2024年双随机抽查计划", "农业农村部门"),
        ("某县畜牧兽医局2023年“双随机、一公开”抽查计划", "农业农村部门"),
        ("某区卫生监督所2024年双随机抽查计划", "卫生健康部门"),  # the health system's own office
    ],
)
def test_the_department_of_a_supervision_office(title, department):
    assert department_of(PlanMeta(title=title)) == department


# -- S7-5: 风险 as a matter inspected is no word of the credit-risk classification -------------------


def _risk_silent_plan(tmp_path: Path, items: str, remark: str = "") -> set[str]:
    header = ["序号", "抽查任务名称", "抽查事项", "抽查对象", "抽查比例", "抽查时间", "备注"]
    rows = [["1", "融资担保公司抽查", items, "融资担保公司", "10%", "2025年4月至10月", remark]]
    path = _xlsx(tmp_path, "某市地方金融管理局2025年度双随机抽查工作计划", header, rows)
    return {f.slug for f in _findings(path)}


@pytest.mark.parametrize(
    "items",
    [
        "业务活动、内部控制和风险状况等",
        "是否按照国家规定的风险权重计量担保责任余额",
        "安全风险隐患排查治理情况",
    ],
)
def test_a_risk_the_task_inspects_does_not_silence_the_missing_clause(tmp_path, items):
    assert "risk-clause-absent" in _risk_silent_plan(tmp_path, items)


@pytest.mark.parametrize(
    ("items", "remark"),
    [
        ("根据信用风险分类结果确定抽查比例的业务检查", ""),  # a classification word, even among the items
        ("业务活动、内部控制和风险状况等", "按企业风险等级确定抽查比例"),  # a remark: broad, as before
        ("业务活动情况", "高风险企业全覆盖"),
    ],
)
def test_a_word_of_the_classification_still_counts(tmp_path, items, remark):
    assert "risk-clause-absent" not in _risk_silent_plan(tmp_path, items, remark)


# -- S7-7: a role column under a merged department header --------------------------------------------


def test_a_role_column_beside_the_department_column_is_not_the_department(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["某县2024年度部门联合“双随机、一公开”抽查工作计划"])
    ws.append(["序号", "抽查事项", "检查对象", "抽查比例及频次", "检查时间", "检查部门", None, "实施层级"])
    ws.append(
        ["1", "工程造价咨询企业抽查", "工程造价咨询企业", "5%", "4月-8月", "发起", "住房城乡建设部门", "县级"]
    )
    ws.append([None, "登记事项检查", None, None, None, "配合", "市场监管部门", "县级"])
    ws.append(["2", "旅馆业抽查", "旅馆", "5%", "5月-9月", "牵头", "公安部门", "县级"])
    ws.merge_cells("F2:G2")
    for rng in ("A3:A4", "C3:C4", "D3:D4", "E3:E4"):
        ws.merge_cells(rng)
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    (p,) = load_plans(str(path))
    assert p.columns["inspector"].index == 6
    assert [t.text("inspector") for t in p.tasks] == ["住房城乡建设部门", "公安部门"]
