"""Header recognition, dropped-row accounting, continuation rows and the same plan across formats."""

from __future__ import annotations

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
    assert sub.text("items") == "工业产品生产许可资格检查 工业产品生产许可证获证企业条件检查"
    assert sub.location.row == row and sub.location_of("items").cell == f"C{row}"
    assert sub.cells["quota"].raw == "30%/一年一次" and isinstance(sub.value("quota"), values.Quota)
    assert not {"seq", "name", "risk"} & sub.cells.keys()  # only the cells it fills


def _tasks(plan) -> list[tuple[str, dict[str, str]]]:
    return [(t.seq, {k: f.raw for k, f in t.cells.items()}) for t in plan.tasks]


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
    assert t5.location_of("quota").cell == "F8" and t5.cells["quota"].raw == "100%"
    assert plan.tasks[9].location_of("window").cell == "H13"
    yuanping = plan_of(SAMPLES / "原平市2024年度部门联合双随机抽查工作计划.xlsx")
    last = yuanping.tasks[-1]
    assert (last.seq, last.location_of("window").cell, last.cells["region"].raw) == (
        "42",
        "H45",
        "原平市",
    )
    assert yuanping.columns["partner"].location.cell == "J3"
    zezhou = plan_of(FORMATS / f"{ZEZHOU}.docx")
    assert zezhou.tasks[0].location_of("inspector").cell == "J3"
    assert zezhou.tasks[0].location_of("inspector").sheet == "表1"


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
    assert t2.cells["risk"].raw == "" and t2.value("risk") is None  # empty cell: no value


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
    assert plan.tasks[0].cells["col:备注"].raw == "重点"
    assert plan.tasks[0].location_of("col:备注").cell == "D2"


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
    assert len(plan.tasks) == 1 and plan.tasks[0].cells["count"].raw == "10户"


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
    assert [t.seq for t in plan.tasks] == ["1"] and plan.tasks[0].location_of("ratio").cell == "C3"


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


def test_header_recognition_reads_large_sheets():
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
    plan = build_plan(table)  # its time: benchmarks/bench_adversarial.py
    assert len(plan.tasks) == 50_000


# -- header families and content recognition (issue #14) ------------------------------------------


@pytest.mark.parametrize(
    ("header", "key"),
    [
        # as real plans from other provinces write them
        ("计划开展时间", "window"),
        ("时间安排", "window"),
        ("完成时间", "window"),
        ("抽查\n时间段", "window"),
        ("实施 时间", "window"),
        ("抽查基数\n和比例", "quota"),
        ("抽取比例", "ratio"),
        ("拟抽查比例", "ratio"),
        ("拟抽查户数", "count"),
        ("大约抽取的检查对象数量", "count"),
        ("抽查户数（户）", "count"),
        ("抽查\n目标数", "target"),
        ("股室", "office"),
        ("牵头股室", "office"),
        ("承办处室", "office"),
        ("实施部门", "office"),
        ("实施层级 及说明", "mode"),
        ("组织实施层级", "mode"),
        ("抽查计划编号", "seq"),
        ("抽查任务编号", "seq"),
        ("联查对象", "scope"),
        ("发起方式\n(牵头指导处室", "initiator"),
        ("配合单位(抽查层级)", "partner"),
        ("检查事项(内容)", "items"),
        ("信用风险分类监管要求", "risk"),
        # made up, as another office could write them
        ("检查完成时限", "window"),
        ("计划抽查时间段", "window"),
        ("拟抽取户数", "count"),
        ("抽检比例（%）", "ratio"),
        ("检查对象数量（家）", "count"),
        ("监管对象总数", "base"),
        ("负责科室", "office"),
        ("承办股室", "office"),
        ("执法检查层级", "mode"),
        ("检查任务编号", "seq"),
        ("抽查频率", "frequency"),
        ("检查对象名称", "scope"),
        ("抽查比例*", "ratio"),
        ("抽查检查起止时间①", "window"),
        ("监管对象", "scope"),
        ("监管对象数量", "count"),
        ("参与抽查部门", "partner"),
        ("参检单位", "partner"),  # 沂源县卫健局 2023 (fifth survey, W-10)
        ("参与检查单位", "partner"),
        ("参查部门", "partner"),
        ("实施机关", "inspector"),
        ("业务指导科室", "office"),
        # second survey: a count named as the alternative to the ratio, the 权责清单 entry as the task
        ("抽查\n比例\n(或户数)", "count"),
        ("抽查比例（或数量）", "count"),
        ("抽查比例(数量)", "quota"),
        ("权责清单\n事项", "name"),
        ("检查日期自", "window"),
        ("业务指\n科室", "office"),
        # data, not headers
        ("2024年3月至10月", None),
        ("是否部门联合抽查", None),
    ],
)
def test_header_families(header, key):
    assert header_key(header) == key


def test_columns_recognised_by_their_cells(tmp_path):
    plan = csv_plan(
        tmp_path,
        "序号,任务名称,检查事项,工作安排,方式,组织形式,对象\n"
        "1,广告检查,广告发布登记,3月-6月,定向抽查,市抽县查,广告发布单位\n"
        "2,价格检查,明码标价,4月至9月,不定向抽查,县抽县查,各类经营者\n",
    )
    assert plan.columns["window"].header == "工作安排"
    assert plan.columns["type"].header == "方式"
    assert plan.columns["mode"].header == "组织形式"
    note = next(n for n in plan.notes if "按单元格内容识别" in n)
    assert "「工作安排」→抽查检查起止时间" in note and "「方式」→抽查类型" in note


def test_a_column_repeating_the_plan_name_is_not_the_task_name(tmp_path):
    plan = csv_plan(
        tmp_path,
        "序号,抽查计划名称,检查事项,检查对象\n"
        "1,某县2024年度双随机抽查工作计划,广告发布登记,广告发布单位\n"
        "2,某县2024年度双随机抽查工作计划,明码标价,各类经营者\n",
    )
    assert "name" not in plan.columns
    assert [c.header for c in plan.unknown_columns] == ["抽查计划名称"]
    varying = csv_plan(tmp_path, "序号,年度计划名称,检查内容\n1,对广告的检查,广告\n2,对价格的检查,价格\n")
    assert varying.columns["name"].header == "年度计划名称"


def test_a_task_name_column_wins_over_a_plan_name_column(tmp_path):
    plan = csv_plan(
        tmp_path,
        "序号,计划名称,任务名称,检查事项\n1,县广告检查,广告登记检查,登记\n2,县商标检查,商标使用检查,商标\n",
    )
    assert plan.columns["name"].header == "任务名称"


def test_split_quota_columns(tmp_path):
    plan = csv_plan(tmp_path, "序号,任务名称,抽查比例,抽查频次,抽查数量\n1,广告检查,5%,1次/年,3户\n")
    assert {k: plan.columns[k].header for k in ("ratio", "frequency", "count")} == {
        "ratio": "抽查比例",
        "frequency": "抽查频次",
        "count": "抽查数量",
    }
    assert "quota" not in plan.columns
    alone = csv_plan(tmp_path, "序号,任务名称,抽查事项,抽查数量\n1,广告检查,广告,不低于5%；1次/年\n")
    assert alone.columns["quota"].header == "抽查数量"  # the whole quota in one column (晋城)


def test_item_category_and_type_by_content(tmp_path):
    plan = csv_plan(
        tmp_path,
        "序号,任务名称,抽查事项,抽查类别,抽查方式\n1,广告检查,广告,重点检查事项,定向抽查\n"
        "2,价格检查,价格,一般检查事项,不定向抽查\n",
    )
    assert plan.columns["category"].header == "抽查类别"
    assert plan.columns["type"].header == "抽查方式"


def test_traditional_script_and_pinyin_are_read_as_simplified(tmp_path):
    plan = csv_plan(
        tmp_path,
        "序號,抽查任務名稱,檢查事項,擬抽查比例,完成時間,組織實施層級\n"
        "1,廣告監(jiān)督檢查,廣告經(jīng)營者登記檢查,6%,2022年11月10日前,縣抽縣查\n",
    )
    assert {"seq", "name", "items", "ratio", "window", "mode"} <= plan.columns.keys()
    task = plan.tasks[0]
    assert task.text("name") == "广告监督检查" and task.text("items") == "广告经营者登记检查"
    assert isinstance(task.value("window"), values.Window) and isinstance(task.value("mode"), values.Mode)
    assert task.location_of("name").cell == "B2"  # still the original cell
    assert plan.originals[(2, 2)] == "廣告監(jiān)督檢查"  # kept as written, for quotes


def test_simplified_plan_is_not_converted(tmp_path):
    plan = csv_plan(tmp_path, "序号,抽查任务名称,抽查事项\n1,乾县著作权检查(A类),检查\n")
    assert plan.originals == {} and plan.tasks[0].text("name") == "乾县著作权检查(A类)"


def test_tasks_without_seq_are_known_by_id_or_row(tmp_path):
    by_id = csv_plan(
        tmp_path, "抽查任务编号,抽查任务名称,抽查事项\nSJ-2024-01,广告检查,广告\nSJ-2024-02,价格检查,价格\n"
    )
    assert [t.seq for t in by_id.tasks] == ["SJ-2024-01", "SJ-2024-02"]
    by_row = csv_plan(
        tmp_path, "抽查任务名称,抽查事项,抽查对象\n广告检查,广告,广告单位\n价格检查,价格,经营者\n"
    )
    assert [t.seq for t in by_row.tasks] == ["第2行", "第3行"]


def test_zero_tasks_and_non_plan_tables_get_a_notice(tmp_path):
    empty = csv_plan(tmp_path, "序号,抽查任务名称,抽查事项,抽查比例\n")
    assert not empty.tasks and any("0 项" in n for n in empty.notes)
    other = csv_plan(tmp_path, "序号,地区,抽查比例,起止时间\n1,甲县,5%,3月-6月\n")
    assert any("可能不是抽查计划表" in n for n in other.notes)


def test_comment_lines_of_a_text_export_are_not_tasks(tmp_path):
    plan = csv_plan(
        tmp_path, "序号,抽查任务名称,抽查事项\n1,广告检查,广告\n# partial-row:,2,价格[TRUNCATED]\n"
    )
    assert [t.seq for t in plan.tasks] == ["1"] and plan.dropped[-1].reason == "comment"


# -- wiring: merged ranges, continuation rows, missing columns (issue #14) --------------------------

HEADER = [
    "序号",
    "抽查任务名称",
    "抽查类型",
    "抽查事项",
    "抽查对象范围",
    "抽查比例及频次",
    "信用风险分类管理",
    "抽查检查起止时间",
    "发起部门",
    "抽查检查模式",
]
RISK = "根据企业信用风险分类结果，对A、B、C、D类企业分别按3%、5%、10%、20%的比例抽查"


def _row(n: int, window: str = "3月-6月", inspector: str = "县市场监管局") -> list[str]:
    return [
        str(n),
        f"任务{n}",
        "定向",
        "检查",
        "全县企业",
        "不低于5%；1次/年",
        RISK,
        window,
        inspector,
        "县抽县查",
    ]


def _check(path: Path, profile: str = "default", **meta):
    from planlint.engine import RunOptions, run

    return run([str(path)], RunOptions(profile=profile, use_config=False, meta=meta)).findings


def test_a_merged_cell_gives_one_finding_at_its_anchor_with_the_range(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for n in (1, 2, 3):
        ws.append(_row(n, window="3月至"))  # unreadable window, merged over the three tasks
    ws.merge_cells("H2:H4")
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    plan = plan_of(path)
    assert [t.location_of("window").cell for t in plan.tasks] == ["H2", "H2", "H2"]
    found = [f for f in _check(path) if f.field == "window"]
    assert len(found) == 1, [(f.slug, str(f.location)) for f in found]
    assert found[0].location.cell == "H2" and found[0].location.range == "H2:H4"
    assert str(found[0].location).endswith("!H2:H4")
    assert found[0].location.to_json()["range"] == "H2:H4"
    import io

    from openpyxl import load_workbook

    from planlint.engine import RunOptions, run
    from planlint.report.xlsx import annotated_copy

    result = run([str(path)], RunOptions(profile="default", use_config=False))
    copy = load_workbook(io.BytesIO(annotated_copy(str(path), result.reports)))
    sheet = copy[ws.title]
    assert sheet["H2"].comment.text.count("PL303") == 1  # one comment, one finding in it
    import json

    from planlint.report import ReportOptions
    from planlint.report.sarif import render

    results = json.loads(render(result, ReportOptions()))["runs"][0]["results"]
    [region] = [r["locations"][0]["physicalLocation"]["region"] for r in results if r["ruleId"] == "PL303"]
    assert region == {
        "startLine": 2,
        "endLine": 4,
        "properties": {"cell": "H2", "column": 8, "range": "H2:H4"},
    }


def test_continuation_row_cells_are_linted_on_their_own_cells(tmp_path):
    rows = [HEADER, _row(1), ["", "", "", "第二项检查", "", "", "", "3月至", "", ""]]
    plan = csv_plan(tmp_path, "\n".join(",".join(r) for r in rows) + "\n")
    assert len(plan.tasks) == 1 and len(plan.tasks[0].continuation) == 1
    found = [f for f in _check(tmp_path / "plan.csv") if f.field == "window"]
    assert [(f.location.cell, f.task_seq) for f in found] == [("H3", "1")]
    assert not [f for f in _check(tmp_path / "plan.csv") if f.slug == "required-field-empty"]


def test_missing_column_that_another_column_may_be_is_a_warning_naming_it(tmp_path):
    # 抽查检查模式 is required by 山西's 2025 方案, so the plan is checked as a 山西 2025 plan
    shanxi = {"profile": "shanxi-2025", "place": "晋城市", "year": 2025}
    header = [h if h != "抽查检查模式" else "配合单位（抽查层级）" for h in HEADER]
    rows = [header, [*_row(1)[:-1], "县级市场监管部门"]]
    path = tmp_path / "plan.csv"
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", "utf-8")
    found = [f for f in _check(path, **shanxi) if f.slug == "required-column-missing"]
    assert [(f.field, f.severity) for f in found] == [("mode", "warning")]
    assert "「配合单位（抽查层级）」列可能就是抽查检查模式" in found[0].message  # as written
    truly = [h for h in HEADER if h != "抽查检查模式"]
    path.write_text(",".join(truly) + "\n" + ",".join(_row(1)[:-1]) + "\n", "utf-8")
    found = [f for f in _check(path, **shanxi) if f.slug == "required-column-missing"]
    assert [(f.field, f.severity, f.message) for f in found] == [
        ("mode", "error", "计划表缺少「抽查检查模式」列")
    ]


def test_internal_plan_office_column_stands_for_the_initiator(tmp_path):
    header = [h if h != "发起部门" else "承办股室" for h in HEADER]
    path = tmp_path / "plan.csv"
    path.write_text(",".join(header) + "\n" + ",".join(_row(1, inspector="广告股")) + "\n", "utf-8")
    assert not [f for f in _check(path) if f.slug == "required-column-missing"]


def test_findings_on_converted_cells_quote_the_original(tmp_path):
    header = [
        "序號",
        "抽查任務名稱",
        "抽查類型",
        "抽查事項",
        "抽查對象範圍",
        "抽查比例及頻次",
        "信用風險分類管理",
        "抽查檢查起止時間",
        "發起部門",
        "抽查檢查模式",
    ]
    row = [
        "1",
        "廣告檢查",
        "專項",
        "檢查",
        "全縣企業",
        "不低於5%；1次/年",
        RISK,
        "3月-6月",
        "縣局",
        "縣抽縣查",
    ]
    path = tmp_path / "plan.csv"
    path.write_text(",".join(header) + "\n" + ",".join(row) + "\n", "utf-8")
    found = [f for f in _check(path) if f.slug == "type-invalid"]
    assert len(found) == 1 and "「專項」" in found[0].message and found[0].location.cell == "C2"
    assert found[0].edits == ()


def test_a_task_name_repeated_on_sub_rows_is_still_the_task_name(tmp_path):
    plan = csv_plan(
        tmp_path,
        "序号,任务名称,联查部门,抽查事项\n1,民办学校联合抽查,教育部门,办学行为\n"
        ",民办学校联合抽查,市场监管部门,食品安全\n",
    )
    assert plan.columns["name"].header == "任务名称"
    hashed = csv_plan(tmp_path, "序号,抽查任务名称,抽查事项\n#1,广告检查,广告\n#2,价格检查,价格\n")
    assert [t.seq for t in hashed.tasks] == ["#1", "#2"]


def test_seq_wins_over_an_id_column(tmp_path):
    plan = csv_plan(
        tmp_path, "抽查任务编号,序号,抽查任务名称,抽查事项\nSJ-01,1,广告检查,广告\nSJ-02,2,价格检查,价格\n"
    )
    assert plan.columns["seq"].header == "序号" and [t.seq for t in plan.tasks] == ["1", "2"]


def test_word_merged_cells_are_located_at_their_anchor():
    plan = plan_of(FORMATS / f"{ZEZHOU}.docx")  # J8:J13 merged down tasks 6–11 (vMerge)
    assert [t.location_of("inspector").cell for t in plan.tasks[5:11]] == ["J8"] * 6
    assert plan.spans[(8, 10)] == (13, 10)


def test_an_unknown_column_whose_cells_partly_fit_is_offered_as_the_missing_one(tmp_path):
    def kept(row: list[str]) -> list[str]:
        return [c for h, c in zip(HEADER, row) if h not in ("发起部门", "抽查检查起止时间")]

    rows = [
        [*kept(HEADER), "责任分工", "工作进度"],
        [*kept(_row(1)), "市教育局牵头发起，市场监管局配合", "3月-6月"],
        [*kept(_row(2)), "县局负责", "待定"],
        [*kept(_row(3)), "县局负责", "另行通知"],
    ]
    path = tmp_path / "plan.csv"
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", "utf-8")
    found = {f.field: f for f in _check(path) if f.slug == "required-column-missing"}
    assert "initiator" not in found  # the national baseline does not require a 发起部门 column
    assert (
        found["window"].severity == "warning"
        and "「工作进度」列可能就是抽查检查起止时间" in found["window"].message
    )


def test_a_simplified_plan_quoting_a_traditional_name_is_not_converted(tmp_path):
    plan = csv_plan(
        tmp_path,
        "序号,抽查任务名称,抽查事项,抽查对象范围\n1,对经营者价格活动的行政检查,明码标价检查,"
        "辖区内的各类经营者（含華潤萬家超市门店）\n",
    )
    assert plan.originals == {} and "華潤萬家" in plan.tasks[0].text("scope")
    assert not any("繁体" in n for n in plan.notes)


def test_a_vague_header_whose_cells_decide_nothing_is_asked_about(tmp_path):
    header = [h if h != "抽查检查模式" else "抽查方式" for h in HEADER]
    rows = [header, [*_row(1)[:-1], "双随机抽查"], [*_row(2)[:-1], "书面检查"]]
    path = tmp_path / "plan.csv"
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", "utf-8")
    plan = plan_of(path)
    assert "mode" not in plan.columns and "抽查方式" in [c.header for c in plan.unknown_columns]
    found = [f for f in _check(path, profile="shanxi-2025", place="晋城市", year=2025) if f.field == "mode"]
    assert [(f.slug, f.severity) for f in found] == [("required-column-missing", "warning")]
    assert "「抽查方式」列可能就是抽查检查模式" in found[0].message


def test_task_names_ending_in_plan_stay_task_names(tmp_path):
    plan = csv_plan(tmp_path, "序号,抽查任务名称,抽查事项\n1,广告监测计划,广告\n2,价格监测计划,价格\n")
    assert plan.columns["name"].header == "抽查任务名称"
    single = csv_plan(tmp_path, "序号,抽查计划名称,抽查事项\n1,某县2024年度双随机抽查工作计划,广告\n")
    assert "name" not in single.columns


def test_bare_category_words_under_a_category_header(tmp_path):
    plan = csv_plan(
        tmp_path, "序号,任务名称,抽查事项,抽查类别,备注\n1,广告检查,广告,重点,重点\n2,价格检查,价格,一般,\n"
    )
    assert plan.columns["category"].header == "抽查类别"
    assert "备注" in [c.header for c in plan.unknown_columns]


_RISK_HEADER = "序号,任务名称,抽查事项,抽查对象,{quota},抽查时间,信用风险分类抽查比例\n"
_RISK_ROWS = (
    "1,食品销售抽查,食品销售检查,食品经营者,{q1},3月至10月,"
    "根据企业信用风险分类结果，对A类、B类、C类、D类企业分别按3%、5%、10%、20%的比例抽查\n"
    "2,广告抽查,广告检查,广告经营者,{q2},4月至9月,根据企业信用风险分类结果，对A类、B类、C类\n"
)


@pytest.mark.parametrize("quota", ["抽查比例及频次", "抽查比例", "抽查数量"])
def test_a_risk_header_ending_in_a_ratio_beside_any_quota_column_is_the_risk_column(tmp_path, quota):
    """JN-1: 信用风险分类抽查比例 beside 抽查比例及频次 (quota, not ratio) was read as a second quota
    column, every row reviewed and a cut-off risk clause reported as an unreadable ratio."""
    q1, q2 = ("5%，每年1次", "3%，每年1次") if "比例" in quota else ("20", "15")
    plan = csv_plan(tmp_path, _RISK_HEADER.format(quota=quota) + _RISK_ROWS.format(q1=q1, q2=q2))
    keys = {c.key: c.header for c in plan.columns.values()}
    assert keys["risk"] == "信用风险分类抽查比例"
    assert quota in keys.values() and list(keys.values()).count("信用风险分类抽查比例") == 1
    assert isinstance(plan.tasks[0].value("risk"), values.RiskClause)


def test_a_risk_header_ending_in_a_ratio_alone_keeps_its_tiered_ratios_as_the_quota(tmp_path):
    text = (
        "序号,任务名称,抽查事项,抽查对象,抽查时间,信用风险分类抽查比例\n"
        "1,食品销售抽查,食品销售检查,食品经营者,3月至10月,A类1%，B类3%，C类5%，D类10%\n"
        "2,广告抽查,广告检查,广告经营者,4月至9月,A类1%，B类2%，C类4%，D类8%\n"
    )
    keys = {c.key for c in csv_plan(tmp_path, text).columns.values()}
    assert keys & {"ratio", "quota"}


# -- a window over 开始时间 | 结束时间: findings and fixes on the cell they are about (JN-3) -----------

_SPLIT_TITLE = "泽州县市场监督管理局2025年度内部双随机抽查工作计划"  # 晋城's 12月20日 binds it
_SPLIT_HEADER = ["序号", "抽查任务名称", "抽查事项", "抽查对象范围", "抽查比例及频次", "开始时间", "结束时间"]


def _split_csv(tmp_path: Path, windows: list[tuple[str, str]]) -> Path:
    lines = [_SPLIT_TITLE, ",".join(_SPLIT_HEADER)]
    for i, (start, end) in enumerate(windows, 1):
        lines.append(f"{i},任务{i},事项{i},对象{i},5%；1次/年,{start},{end}")
    path = tmp_path / "plan.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _window_findings(path: Path) -> dict[tuple[str, str], object]:
    from planlint.engine import RunOptions, run

    found = run([str(path)], RunOptions(use_config=False)).findings
    return {(f.slug, f.location.cell): f for f in found if f.field == "window"}


@pytest.mark.parametrize(
    ("end", "fixed"),
    [
        ("2025年12月31日", "2025年12月20日"),
        ("2025.12.31", "2025.12.20"),
        ("2025-12-31", "2025-12-20"),
        ("2025/12/31", "2025/12/20"),
        ("12月31日", "12月20日"),
        ("12月31号", "12月20号"),
        ("12月底", "12月20日"),
        ("2025年12月底", "2025年12月20日"),
    ],
)
def test_a_deadline_past_in_a_split_window_is_fixed_in_the_end_cell_as_it_writes_dates(tmp_path, end, fixed):
    found = _window_findings(_split_csv(tmp_path, [("2025年4月1日", end)]))
    late = found[("window-after-deadline", "G3")]
    assert [(e.location.cell, e.old, e.new) for e in late.edits] == [("G3", end, fixed)]
    assert not [cell for _, cell in found if cell == "F3"]


def test_a_finding_about_both_ends_of_a_split_window_stays_on_the_start_and_rewrites_both(tmp_path):
    """2024 in both cells of a 2025 plan: both cells are rewritten (by their own text), the finding
    is on the start cell, its marked year is the start cell's own; 2024 in the end cell alone is
    the end cell's finding, with the end cell's year marked."""
    found = _window_findings(
        _split_csv(tmp_path, [("2024年3月1日", "2024年11月30日"), ("2025年3月1日", "2024年11月30日")])
    )
    both = found[("window-other-year", "F3")]
    assert [(e.location.cell, e.new) for e in both.edits] == [
        ("F3", "2025年3月1日"),
        ("G3", "2025年11月30日"),
    ]
    assert both.spans == ((0, 4),)
    end = found[("window-other-year", "G4")]
    assert [(e.location.cell, e.new) for e in end.edits] == [("G4", "2025年11月30日")]
    assert end.spans == ((0, 4),)


def _split_xlsx(path: Path, start: object, end: object, number_format: str | None = None) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append([_SPLIT_TITLE])
    ws.append(_SPLIT_HEADER)
    ws.append(["1", "任务1", "事项1", "对象1", "5%；1次/年", start, end])
    if number_format:
        for cell in ("F3", "G3"):
            ws[cell].number_format = number_format
    wb.save(path)


@pytest.mark.parametrize("kind", ["xlsx-text", "xlsx-dates", "csv"])
def test_fix_rewrites_the_end_cell_of_a_split_window(tmp_path, monkeypatch, capsys, kind):
    """`planlint fix --unsafe-fixes`: the deadline fix lands in the 结束时间 cell (a date cell stays
    a date in its own number format) and the 开始时间 cell is left as it was; the copy is clean."""
    import datetime as dt

    from conftest import run_cli
    from openpyxl import load_workbook

    if kind == "csv":
        src = _split_csv(tmp_path, [("2025-04-01", "2025-12-31")])
    else:
        src = tmp_path / "plan.xlsx"
        if kind == "xlsx-dates":
            _split_xlsx(src, dt.datetime(2025, 4, 1), dt.datetime(2025, 12, 31), "yyyy/m/d")
        else:
            _split_xlsx(src, "2025年4月1日", "2025年12月31日")
    out = tmp_path / f"fixed{src.suffix}"
    code, _, err = run_cli(
        "fix",
        str(src),
        "--unsafe-fixes",
        "--no-config",
        "-o",
        str(out),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 0, err
    assert "不能自动拆分修改" not in err
    if kind == "csv":
        record = out.read_text(encoding="utf-8").splitlines()[2].split(",")
        assert record[5:7] == ["2025-04-01", "2025-12-20"]
    else:
        ws = load_workbook(out).active
        start, end = ws["F3"], ws["G3"]
        if kind == "xlsx-dates":
            assert (start.value, end.value) == (dt.datetime(2025, 4, 1), dt.datetime(2025, 12, 20))
            assert end.number_format == "yyyy/m/d"
        else:
            assert (start.value, end.value) == ("2025年4月1日", "2025年12月20日")
    assert not _window_findings(out)


@pytest.mark.parametrize(
    "kinds",
    [
        ("本部门抽查", "多部门联合\n抽查", "多部门联合抽查"),  # W-11: 台山市卫生健康局 2021
        ("部门内部抽查", "跨部门联合检查"),
        ("本单位", "联合抽查"),
    ],
)
def test_a_type_column_saying_who_runs_the_task_is_not_the_draw_type(tmp_path, kinds):
    """台山's form: 抽查类型是指本部门抽查或跨部门联合抽查 — the task's kind, not 定向/不定向. The column says
    who runs each task (run_by), with a note, and costs no type-invalid."""
    from planlint.engine import RunOptions, run

    header = "任务名称,任务开始时间,任务结束时间,抽查类型,参与联合抽查部门,抽查范围,抽查比例"
    rows = [f'任务{i},2021.04.01,2021.10.31,"{kind}",,对象{i},3%' for i, kind in enumerate(kinds, 1)]
    path = tmp_path / "plan.csv"
    path.write_text("\n".join(["台山市卫生健康局2021年双随机抽查计划", header, *rows]) + "\n", "utf-8")
    plan = plan_of(path)
    assert "type" not in plan.columns and plan.columns["run_by"].header == "抽查类型"
    assert any("「抽查类型」一列写的是本部门抽查还是部门联合抽查" in n for n in plan.notes)
    result = run([str(path)], RunOptions(use_config=False))
    assert not [f for f in result.findings if f.slug == "type-invalid"]


def test_a_type_column_with_a_draw_type_among_them_stays_the_type(tmp_path):
    text = "序号,任务名称,抽查类型,抽查事项\n1,任务1,定向,事项1\n2,任务2,本部门抽查,事项2\n"
    plan = csv_plan(tmp_path, text)
    assert plan.columns["type"].header == "抽查类型"


@pytest.mark.parametrize("merged", [True, False])
def test_a_seq_merged_over_rows_that_each_name_a_task_numbers_a_group(tmp_path, merged):
    """W-16 (宝鸡市凤翔区 2025): 序号 3 merged over two rows, each naming a task, is one number with a
    sub-task — tasks 3 and 3(2), no seq-duplicate. The same 3 written in two cells is a duplicate."""
    from planlint.engine import RunOptions, run

    wb = Workbook()
    ws = wb.active
    ws.append(["某县市场监督管理局2025年度双随机抽查工作计划"])
    ws.append(["序号", "抽查任务名称", "抽查事项", "抽查对象范围", "抽查比例"])
    ws.append(["1", "食品销售监督检查", "食品销售检查", "食品经营者", "5%"])
    ws.append(["2", "餐饮服务监督检查", "餐饮服务检查", "餐饮服务经营者", "5%"])
    ws.append(["3", "食品生产监督检查", "食品生产检查", "获证食品生产企业", "5%"])
    ws.append(
        [None if merged else "3", "保健食品生产监督检查", "保健食品生产检查", "获证食品生产企业", "100%"]
    )
    ws.append(["4", "特种设备监督检查", "特种设备检查", "使用单位", "3%"])
    if merged:
        ws.merge_cells("A5:A6")
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    plan = plan_of(path)
    assert [t.seq for t in plan.tasks] == ["1", "2", "3", "3(2)" if merged else "3", "4"]
    slugs = {f.slug for f in run([str(path)], RunOptions(use_config=False)).findings}
    assert ("seq-duplicate" in slugs) is not merged
    assert "seq-gap" not in slugs


@pytest.mark.parametrize("header", ["预估抽查对象风险等级", "抽查对象风险等级", "对象信用等级"])
def test_a_column_describing_the_objects_tiers_is_no_risk_clause(tmp_path, header):
    """W-18 (枣庄市城市管理局 2023): 预估抽查对象风险等级 holding 低风险对象7家 forecasts the tier of the
    objects drawn; its cells resemble a tier clause but the column is kept as written: no
    risk-clause-incomplete on it."""
    from planlint.engine import RunOptions, run

    text = (
        f"序号,抽查事项,检查对象,抽查比例及频次,预估抽查对象数,{header},检查时间\n"
        "1,城市防汛安全监督检查,市政基础设施运行维护单位,5%；1次/年,7,低风险对象7家,5-9月\n"
        "2,燃气安全监督检查,燃气经营企业,5%；1次/年,3,较高风险对象3家,4-10月\n"
    )
    plan = csv_plan(tmp_path, text)
    assert "risk" not in plan.columns and header in {c.header for c in plan.unknown_columns}
    path = tmp_path / "plan.csv"
    assert not [
        f for f in run([str(path)], RunOptions(use_config=False)).findings if f.slug.startswith("risk-clause")
    ]


def test_joint_partners_under_a_joint_department_header_are_the_partner_column(tmp_path):
    """W-17 (台山 2021): 参与联合抽查部门 is the partner column. A task its department runs alone (本部门抽查)
    leaves it empty by right; a joint task leaving it empty is still reported."""
    from planlint.engine import RunOptions, run

    header = "任务名称,任务开始时间,任务结束时间,抽查类型,参与联合抽查部门,抽查范围,抽查比例"
    rows = [
        "公共场所卫生监督抽检,2021.04.01,2021.10.31,本部门抽查,,住宿场所,3%",
        "生活饮用水卫生监督抽检,2021.05.01,2021.08.31,多部门联合抽查,卫健局、水利局,集中式供水单位,40%",
        "学校卫生监督抽检,2021.05.01,2021.08.31,多部门联合抽查,,学校,10%",
    ]
    path = tmp_path / "plan.csv"
    path.write_text("\n".join(["台山市卫生健康局2021年双随机抽查计划", header, *rows]) + "\n", "utf-8")
    plan = plan_of(path)
    assert plan.columns["partner"].header == "参与联合抽查部门"
    empty = {
        f.location.cell
        for f in run([str(path)], RunOptions(use_config=False)).findings
        if f.slug == "required-field-empty"
    }
    assert empty == {"E5"}


def test_a_remark_column_said_to_hold_the_joint_departments_is_the_partner_column(tmp_path):
    """W-17 (交通运输 2025: 备注(联查部门)): the partners of the tasks that have any; a remark left empty
    on a task without partners is no empty required cell. A bare 联查部门 column (一业一查: every
    department's own part) stays unread as the partner."""
    from planlint.engine import RunOptions, run

    text = (
        "序号,抽查任务名称,抽查事项,抽查对象,抽查比例,抽查时间段,备注(联查部门)\n"
        "1,道路运输企业检查,经营行为检查,道路运输企业,5%,3月-11月,\n"
        "2,公路工程检查,工程质量检查,在建公路工程,10%,4月-10月,同级公安、市场监管部门按职责分工负责\n"
    )
    plan = csv_plan(tmp_path, text)
    assert plan.columns["partner"].header == "备注(联查部门)"
    path = tmp_path / "plan.csv"
    found = run([str(path)], RunOptions(use_config=False)).findings
    assert not [f for f in found if f.slug == "required-field-empty" and f.field == "partner"]
    bare = csv_plan(tmp_path, text.replace("备注(联查部门)", "联查部门"))
    assert "partner" not in bare.columns
