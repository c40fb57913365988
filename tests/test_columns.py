"""Header recognition, dropped-row accounting, continuation rows and the same plan across formats."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import SAMPLES
from openpyxl import Workbook

from planlint import values
from planlint.columns import build_plan, field_key, header_key
from planlint.errors import ReadError
from planlint.readers import read_tables
from planlint.table import Table

FORMATS = Path(__file__).parent / "fixtures" / "formats"
ZEZHOU = "泽州县市场监督管理局2023年度内部双随机抽查工作计划"
CHANGZHI = "长治市市场监督管理局2023年度双随机抽查工作计划"


def plan_of(path: Path):
    tables = read_tables(str(path))
    assert len(tables) == 1
    return build_plan(tables[0])


def csv_plan(tmp_path: Path, text: str):
    path = tmp_path / "plan.csv"
    path.write_text(text, "utf-8")
    return plan_of(path)


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("晋城市市场监管局2025年度双随机抽查工作计划.xlsx", 10),
        (f"{ZEZHOU}.xlsx", 15),
        (f"{ZEZHOU}.docx", 15),
        ("原平市2024年度部门联合双随机抽查工作计划.xlsx", 42),
        ("原平市2024年度部门联合双随机抽查工作计划.csv", 42),
        (f"{CHANGZHI}.xlsx", 16),
        (f"{CHANGZHI}.txt", 16),
        ("示范-某县2025年度内部双随机抽查工作计划.xlsx", 10),
    ],
)
def test_task_counts(name, count):
    plan = plan_of(SAMPLES / name)
    assert len(plan.tasks) == count
    assert [t.seq for t in plan.tasks][:3] == ["1", "2", "3"]


@pytest.mark.parametrize("ext", ["xlsx", "txt"])
def test_changzhi_task_15_has_one_continuation_row(ext):
    plan = plan_of(SAMPLES / f"{CHANGZHI}.{ext}")
    assert [t.seq for t in plan.tasks] == [str(n) for n in [*range(1, 12), *range(13, 18)]]
    task = next(t for t in plan.tasks if t.seq == "15")
    assert [t.seq for t in plan.tasks if t.continuation] == ["15"]
    assert len(task.continuation) == 1
    sub = task.continuation[0]
    row = {"xlsx": 18, "txt": 32}[ext]
    assert task.location.row == row - 1
    assert sub["items"].text == "工业产品生产许可资格检查 工业产品生产许可证获证企业条件检查"
    assert sub["items"].location.row == row and sub["items"].location.cell == f"C{row}"
    assert sub["quota"].raw == "30%/一年一次" and isinstance(sub["quota"].value, values.Quota)
    assert "seq" not in sub and "name" not in sub and "risk" not in sub  # only the cells it fills


def _tasks(plan) -> list[tuple[str, dict[str, str]]]:
    return [(t.seq, {k: f.raw for k, f in t.fields.items()}) for t in plan.tasks]


def test_same_table_in_four_formats_gives_same_tasks():
    plans = {ext: plan_of(FORMATS / f"{ZEZHOU}.{ext}") for ext in ("xlsx", "docx", "csv", "txt")}
    reference = _tasks(plans["txt"])
    assert len(reference) == 15
    for ext, plan in plans.items():
        assert _tasks(plan) == reference, ext
        assert sorted(plan.columns) == sorted(plans["txt"].columns), ext
    assert reference[5][1]["name"] == "2022年加油站计量双随机监督检查"  # stale year kept
    assert reference[5][1]["inspector"] == "泽州市市场监督管理局"  # 泽州市 typo kept


def test_locations_as_seen_in_excel():
    plan = plan_of(SAMPLES / "晋城市市场监管局2025年度双随机抽查工作计划.xlsx")
    assert str(plan.source) == f"{SAMPLES / '晋城市市场监管局2025年度双随机抽查工作计划.xlsx'}:附件!2"
    t5 = plan.tasks[4]
    assert t5.seq == "5" and t5.location.row == 8  # after the repeated header on row 7
    assert t5.fields["quota"].location.cell == "F8" and t5.fields["quota"].raw == "100%"
    assert plan.tasks[9].fields["window"].location.cell == "H13"
    yuanping = plan_of(SAMPLES / "原平市2024年度部门联合双随机抽查工作计划.xlsx")
    last = yuanping.tasks[-1]
    assert (last.seq, last.fields["window"].location.cell, last.fields["region"].raw) == (
        "42",
        "H45",
        "原平市",
    )
    assert yuanping.columns["partner"].location.cell == "J3"
    zezhou = plan_of(FORMATS / f"{ZEZHOU}.docx")
    assert zezhou.tasks[0].fields["inspector"].location.cell == "J3"
    assert zezhou.tasks[0].fields["inspector"].location.sheet == "表1"


def test_repeated_headers_are_dropped_and_accounted():
    xlsx = plan_of(SAMPLES / "晋城市市场监管局2025年度双随机抽查工作计划.xlsx")
    assert [(d.location.row, d.reason) for d in xlsx.dropped] == [(1, "title"), (7, "header-repeat")]
    txt = plan_of(SAMPLES / f"{CHANGZHI}.txt")
    assert [(d.location.row, d.reason) for d in txt.dropped] == [
        (16, "title"),
        (18, "header-repeat"),
        (25, "title"),
        (27, "header-repeat"),
        (34, "title"),
        (36, "header-repeat"),
    ]
    # every physical row is the header, a task, a continuation or a dropped row
    table = read_tables(str(SAMPLES / f"{CHANGZHI}.txt"))[0]
    continuations = sum(len(t.continuation) for t in txt.tasks)
    assert 1 + len(txt.tasks) + continuations + len(txt.dropped) == len(table.rows)


def test_stray_text_above_the_table_is_dropped():
    plan = plan_of(SAMPLES / f"{CHANGZHI}.xlsx")
    assert [(d.location.row, d.reason, d.text) for d in plan.dropped] == [
        (1, "stray-text", "杨威"),
        (2, "title", CHANGZHI),
    ]


def test_fields_are_parsed_once_at_ingest():
    plan = plan_of(FORMATS / f"{ZEZHOU}.xlsx")
    task = plan.tasks[0]
    assert isinstance(task.value("quota"), values.Quota)
    assert isinstance(task.value("window"), values.Window)
    assert isinstance(task.value("risk"), values.RiskClause)
    assert task.value("name") is None and task.value("scope") is None  # free text
    changzhi = plan_of(SAMPLES / f"{CHANGZHI}.xlsx")
    t2 = changzhi.tasks[1]
    assert t2.fields["risk"].raw == "" and t2.value("risk") is None  # empty cell: no value


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("地市", "region"),
        ("抽查数量", "quota"),
        ("抽查比例/数量", "quota"),
        ("抽查比例及频次", "quota"),
        ("抽查数量 比例/数量", "quota"),
        ("信用风险管理", "risk"),
        ("信用风险分类管理", "risk"),
        ("信用风险管理 分类管理", "risk"),
        ("智慧监管（信用风险分类）要求", "risk"),
        ("智慧监管(信用风险分类)\n要求", "risk"),
        ("抽查起止时间", "window"),
        ("抽查检查起止时间", "window"),
        ("抽查检查 起止时间", "window"),
        ("发起主体/指导单位", "initiator"),
        ("发起主体 /指导单位", "initiator"),
        ("发起主体／指导单位", "initiator"),
        ("发起部门", "initiator"),
        ("配合部门", "partner"),
        ("检查主体", "inspector"),
        ("抽查检查主体", "inspector"),
        ("抽查主体", "inspector"),
        ("抽查检查 模式", "mode"),
        ("序 号", "seq"),
        ("抽查基数", "base"),
        ("抽查频次", "frequency"),
        ("根据企业信用风险分类结果，对低风险、一般风险企业分别递加比例抽查", None),
        ("市局组织发起 / 消保科指导", None),
        ("备注", None),
    ],
)
def test_header_synonyms(header, key):
    assert header_key(header) == key


def test_unknown_columns_are_kept(tmp_path):
    plan = csv_plan(tmp_path, "序号,抽查任务名称,抽查事项,备注\n1,对广告的抽查,广告行为检查,重点\n")
    assert [c.header for c in plan.unknown_columns] == ["备注"]
    assert field_key(plan.unknown_columns[0]) == "col:备注"
    assert plan.tasks[0].fields["col:备注"].raw == "重点"
    assert plan.tasks[0].fields["col:备注"].location.cell == "D2"


def test_header_split_over_two_rows(tmp_path):
    plan = csv_plan(
        tmp_path,
        "序号,抽查任务名称,抽查事项,抽查比例/数量,,抽查起止时间\n"
        ",,,比例,数量,\n"
        "1,对广告的抽查,广告行为检查,5%,10户,3月-9月\n",
    )
    assert {k: c.index for k, c in plan.columns.items()} == {
        "seq": 0,
        "name": 1,
        "items": 2,
        "ratio": 3,
        "count": 4,
        "window": 5,
    }
    assert len(plan.tasks) == 1 and plan.tasks[0].fields["count"].raw == "10户"


def test_merged_two_row_header_in_xlsx(tmp_path):
    wb = Workbook()
    ws = wb.active
    for ref, text in {
        "A1": "序号",
        "B1": "抽查任务名称",
        "C1": "抽查比例/数量",
        "E1": "抽查起止时间",
    }.items():
        ws[ref] = text
    ws["C2"], ws["D2"] = "比例", "数量"
    for ref in ("A1:A2", "B1:B2", "C1:D1", "E1:E2"):
        ws.merge_cells(ref)
    ws.append([1, "对广告的抽查", "5%", "10户", "3月-9月"])
    path = tmp_path / "two_rows.xlsx"
    wb.save(path)
    plan = plan_of(path)
    assert {k: c.location.cell for k, c in plan.columns.items()} == {
        "seq": "A1",
        "name": "B1",
        "ratio": "C1",
        "count": "D1",
        "window": "E1",
    }
    assert [t.seq for t in plan.tasks] == ["1"] and plan.tasks[0].fields["ratio"].location.cell == "C3"


def test_blank_rows_and_notes(tmp_path):
    plan = csv_plan(
        tmp_path,
        "序号,抽查任务名称,抽查事项\n1,甲,检查\n,,\n2,乙,检查\n注：本计划可根据工作实际动态调整,,\n",
    )
    assert [t.seq for t in plan.tasks] == ["1", "2"]
    assert [(d.location.row, d.reason) for d in plan.dropped] == [(3, "blank"), (5, "note")]


def test_no_header_is_a_read_error(tmp_path):
    path = tmp_path / "说明.csv"
    path.write_text("这是说明,没有表头\n1,2\n", "utf-8")
    with pytest.raises(ReadError, match="未找到抽查计划表头") as info:
        build_plan(read_tables(str(path))[0])
    assert "说明.csv" in str(info.value)


def test_header_recognition_is_fast_on_large_sheets():
    header = [
        "序号",
        "抽查任务名称",
        "抽查事项",
        "抽查对象范围",
        "抽查比例/数量",
        "信用风险分类管理",
        "抽查起止时间",
    ]
    risk = "根据企业信用风险分类结果，对低风险、一般风险、较高风险、高风险企业分别递加比例抽查"
    rows = [header] + [
        [str(n), f"任务{n}", "检查", "全县企业", "不低于5%；1次/年", risk, "3月-11月"] for n in range(50_000)
    ]
    table = Table(path="big.csv", sheet=None, rows=rows, row_numbers=list(range(1, len(rows) + 1)))
    start = time.perf_counter()
    plan = build_plan(table)
    elapsed = time.perf_counter() - start
    assert len(plan.tasks) == 50_000
    assert elapsed < 5, elapsed
