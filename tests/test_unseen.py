"""Classes of problems found by running planlint on real plans it had never seen (a survey of
other provinces' plans): each class has an inline case in made-up wording and, where the survey
showed it, a case on the survey's transcription in tests/fixtures/unseen/."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from planlint.engine import RunOptions, run
from planlint.pipeline import load_plans

UNSEEN = Path(__file__).parent / "fixtures" / "unseen"
QINGCHUAN = UNSEEN / "青川县市场监督管理局2025年度双随机一公开监管计划.xlsx"
JINJIANG = UNSEEN / "晋江市市场监督管理局2024年度双随机抽查工作计划.xlsx"


def xlsx(tmp_path: Path, title: str, rows: list[list[str]], merges: tuple[str, ...] = ()) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    path = tmp_path / f"{title}.xlsx"
    wb.save(path)
    return path


def plan(path: Path):
    plans = list(load_plans(str(path)))
    assert len(plans) == 1
    return plans[0]


def findings(path: Path, **meta):
    return run([str(path)], RunOptions(use_config=False, meta=meta)).findings


def headers(p) -> dict[str, str]:
    return {key: "".join(c.header.split()) for key, c in p.columns.items()}


# -- 1. columns: a field taken by another column, start/end windows, header families --------------


def test_second_key_of_a_header_whose_first_is_taken_beats_a_remark_column(tmp_path):
    path = xlsx(
        tmp_path,
        "某县市场监督管理局2025年度双随机抽查工作计划",
        [
            [
                "序号",
                "任务名称",
                "抽查事项",
                "抽查对象",
                "抽查比例",
                "信用风险分类 抽查比例",
                "检查时间",
                "备注",
            ],
            [
                "1",
                "食品销售抽查",
                "食品销售检查",
                "食品经营者",
                "5%",
                "B类3%，C类6%，D类10%",
                "5月至10月",
                "A类企业不纳入抽查",
            ],
            [
                "2",
                "广告抽查",
                "广告检查",
                "广告经营者",
                "3%",
                "B类2%，C类5%，D类8%",
                "6月至9月",
                "低风险企业不抽查",
            ],
        ],
    )
    p = plan(path)
    assert headers(p)["risk"] == "信用风险分类抽查比例"
    assert headers(p)["ratio"] == "抽查比例"
    assert "risk" not in {c.key for c in p.unknown_columns}
    assert p.tasks[0].text("risk").startswith("B类3%")


def test_qingchuan_risk_column_is_the_risk_ratio_column_not_the_remarks():
    p = plan(QINGCHUAN)
    assert headers(p)["risk"] == "信用风险分类抽查比例"
    slugs = {(f.slug, f.location.cell) for f in findings(QINGCHUAN)}
    assert not {s for s in slugs if s[0] == "risk-clause-missing"}
    assert not {s for s in slugs if s[0].startswith("risk-") and s[1].startswith("O")}  # not 备注


def test_count_partner_and_split_window_headers(tmp_path):
    path = xlsx(
        tmp_path,
        "某县2025年度部门联合双随机抽查工作计划",
        [
            [
                "序号",
                "任务名称",
                "抽查事项",
                "抽查对象",
                "抽取对象数（户）",
                "发起部门",
                "协查单位",
                "抽取日期",
                "抽取日期至",
            ],
            [
                "1",
                "成品油抽查",
                "成品油质量检查",
                "加油站",
                "12",
                "县市场监管局",
                "县商务局",
                "2025年4月1日",
                "2025年6月30日",
            ],
            [
                "2",
                "农药抽查",
                "农药经营检查",
                "农资店",
                "8",
                "县农业农村局",
                "县市场监管局",
                "2025年5月1日",
                "2025年9月30日",
            ],
        ],
    )
    p = plan(path)
    h = headers(p)
    assert h["count"] == "抽取对象数(户)" or h["count"] == "抽取对象数（户）"
    assert h["partner"] == "协查单位"
    assert h["window"] == "抽取日期"
    window = p.tasks[0].value("window")
    assert (window.start.month, window.end.month, window.end.day) == (4, 6, 30)
    assert p.tasks[0].location_of("window").col == 8  # the start cell


def test_two_row_header_splitting_the_window_into_start_and_end(tmp_path):
    path = xlsx(
        tmp_path,
        "某市场监督管理局2025年度双随机抽查工作计划",
        [
            ["序号", "任务名称", "抽查事项", "抽查对象", "抽查比例", "", "抽查时间", "", "承办股室"],
            ["", "", "", "", "企业", "个体工商户", "开始时间", "结束时间", ""],
            [
                "1",
                "登记事项抽查",
                "登记事项检查",
                "企业",
                "3%",
                "1%",
                "2025年3月1日",
                "2025年10月31日",
                "信用股",
            ],
        ],
        merges=("A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:F2", "G2:H2", "I2:I3"),
    )
    p = plan(path)
    assert not [d for d in p.dropped if d.reason == "header-repeat"]
    window = p.tasks[0].value("window")
    assert (window.start.month, window.end.month) == (3, 10)


def test_jinjiang_window_is_the_start_to_end_range():
    p = plan(JINJIANG)
    assert [t.text("window") for t in p.tasks][0] == "2024年4月1日至2024年11月30日"
    assert not [d for d in p.dropped if d.reason == "header-repeat"]


# -- 2. a window in another year than the plan's -------------------------------------------------


def _window_plan(tmp_path, title, window, name="plan"):
    return xlsx(
        tmp_path,
        title,
        [
            ["序号", "抽查任务名称", "抽查事项", "抽查对象范围", "抽查比例", "抽查时间"],
            ["1", "农资经营抽查", "农资经营检查", "农资经营户", "5%", window],
            ["2", "种子经营抽查", "种子经营检查", "种子经营户", "5%", "4月至10月"],
        ],
    )


def test_window_in_last_year_is_an_error_when_the_title_states_the_year(tmp_path):
    path = _window_plan(tmp_path, "某县农业农村局2024年度双随机抽查工作计划", "2023年4月至2023年9月")
    hits = [f for f in findings(path) if f.slug == "window-other-year"]
    assert [(f.location.cell, f.severity) for f in hits] == [("F3", "error")]
    assert "2023年" in hits[0].message and "2024年" in hits[0].message
    assert "2024年4月至2024年9月" in hits[0].fix


def test_window_rolling_into_next_year_or_in_the_plan_year_is_not_reported(tmp_path):
    for window in ("2024年12月至2025年1月", "2024年3月至11月", "年内完成"):
        path = _window_plan(tmp_path, "某县农业农村局2024年度双随机抽查工作计划", window)
        assert not [f for f in findings(path) if f.slug == "window-other-year"], window


def test_huangshan_window_of_the_year_before():
    hits = [
        f
        for f in findings(UNSEEN / "黄山市农业农村局2024年度部门联合抽查工作计划.xlsx")
        if f.slug == "window-other-year"
    ]
    assert hits and all("2023" in f.message for f in hits)


# -- 3. level words read relative to the plan's place ---------------------------------------------


def _mode_plan(tmp_path, title, modes):
    rows = [["序号", "抽查任务名称", "抽查事项", "抽查对象范围", "抽查比例", "抽查时间", "抽查检查模式"]]
    rows += [
        [str(i), f"任务{i}", "登记事项检查", "企业", "3%", "4月至10月", m] for i, m in enumerate(modes, 1)
    ]
    return xlsx(tmp_path, title, rows)


def test_shi_in_a_county_level_city_plan_is_its_own_level(tmp_path):
    path = _mode_plan(
        tmp_path, "义乌市市场监督管理局2025年度双随机抽查工作计划", ["市抽市查", "州抽市查", "省抽市查"]
    )
    assert not [f for f in findings(path) if f.slug == "mode-level-mismatch"]


def test_shi_in_a_county_plan_is_still_the_level_above(tmp_path):
    path = _mode_plan(tmp_path, "武义县市场监督管理局2025年度双随机抽查工作计划", ["市抽市查", "县抽县查"])
    hits = [f for f in findings(path) if f.slug == "mode-level-mismatch"]
    assert [f.location.cell for f in hits] == ["G3"]


def test_jinghong_modes_are_not_above_the_plan():
    path = UNSEEN / "景洪市市场监督管理局2023年度双随机抽查工作计划.xlsx"
    assert not [f for f in findings(path) if f.slug == "mode-level-mismatch"]


# -- 4. the task's whole quota: an empty ratio cell beside a count or tiered ratios ---------------


def test_empty_ratio_is_fine_when_the_task_states_its_quota_elsewhere(tmp_path):
    path = xlsx(
        tmp_path,
        "某县市场监督管理局2025年度双随机抽查工作计划",
        [
            [
                "序号",
                "抽查任务名称",
                "抽查事项",
                "抽查对象范围",
                "抽查比例",
                "抽查户数",
                "信用风险分类",
                "抽查时间",
            ],
            ["1", "特种设备抽查", "使用登记检查", "使用单位", "", "15", "高风险企业全部抽查", "4月至9月"],
            [
                "2",
                "计量抽查",
                "计量器具检查",
                "加油站",
                "",
                "",
                "B类5%，C类10%，D类20%",
                "5月至9月",
            ],  # its own tiers
            ["3", "广告抽查", "广告发布检查", "广告经营者", "", "", "按风险分类抽查", "5月至9月"],
        ],
    )
    hits = [f.location.cell for f in findings(path) if f.slug in ("required-field-empty", "quota-missing")]
    assert hits == ["E5"]  # only the task that states no quota anywhere


def test_qingchuan_empty_ratio_beside_count_is_not_reported():
    assert not [
        f
        for f in findings(QINGCHUAN)
        if f.slug in ("required-field-empty", "quota-missing") and f.location.cell[0] == "I"
    ]


def test_ratio_written_in_the_scope_column_is_a_warning_naming_it(tmp_path):
    path = tmp_path / "某市市场监督管理局2025年度双随机抽查工作计划.csv"
    path.write_text(
        "序号,抽查任务名称,抽查事项,抽查对象范围,抽查时间\n"
        "1,食品生产抽查,生产许可检查,食品生产企业，按3%的比例随机抽取,4月至10月\n"
        "2,化妆品抽查,经营行为检查,化妆品经营者，按2%比例抽取,5月至10月\n",
        "utf-8",
    )
    hits = [f for f in findings(path) if f.slug == "required-column-missing"]
    assert [(f.severity, "抽查对象范围" in f.message) for f in hits] == [("warning", True)]


def test_guangdong_ratio_in_scope_is_a_warning():
    hits = [
        f
        for f in findings(UNSEEN / "广东省市场监督管理局2020年度双随机抽查工作计划.csv")
        if f.slug == "required-column-missing"
    ]
    assert hits and all(f.severity == "warning" for f in hits)


# -- 5. an initiator named again as partner, either cell listing several departments -------------


def test_partner_repeating_one_of_several_initiators(tmp_path):
    path = xlsx(
        tmp_path,
        "某区2025年度部门联合双随机抽查工作计划",
        [
            [
                "序号",
                "抽查任务名称",
                "抽查事项",
                "抽查对象范围",
                "抽查比例",
                "抽查时间",
                "发起部门",
                "配合部门",
            ],
            [
                "1",
                "商贸企业联合抽查",
                "经营行为检查",
                "商贸企业",
                "3%",
                "4月至9月",
                "区市场监管局、区商务局",
                "区商务局",
            ],
            [
                "2",
                "校外培训联合抽查",
                "收费行为检查",
                "培训机构",
                "5%",
                "5月至9月",
                "区教育局",
                "区教育局、区市场监管局",
            ],
            [
                "3",
                "加油站联合抽查",
                "油品质量检查",
                "加油站",
                "5%",
                "5月至9月",
                "区市场监管局",
                "区应急管理局",
            ],
        ],
    )
    hits = {f.location.cell: f for f in findings(path) if f.slug == "partner-same-as-initiator"}
    assert sorted(hits) == ["H3", "H4"]
    assert hits["H3"].severity == "error" and "区商务局" in hits["H3"].message
    assert hits["H4"].severity == "warning"


# -- 6. one problem, one finding: an incomplete risk clause is not also reported as untiered -----


def test_risk_clause_naming_two_tiers_is_one_finding(tmp_path):
    path = xlsx(
        tmp_path,
        "某区市场监督管理局2024年度双随机抽查工作计划",
        [
            ["序号", "抽查任务名称", "抽查事项", "抽查对象范围", "抽查比例", "信用风险分类", "抽查时间"],
            [
                "1",
                "特种设备抽查",
                "使用登记检查",
                "使用单位",
                "5%",
                "低风险企业不抽查，高风险企业全覆盖",
                "4月至9月",
            ],
            ["2", "计量抽查", "计量器具检查", "加油站", "5%", "根据信用风险分类结果确定抽查比例", "5月至9月"],
        ],
    )
    risk = [(f.location.cell, f.slug) for f in findings(path) if f.slug.startswith("risk-clause")]
    assert ("F3", "risk-clause-incomplete") in risk
    assert ("F3", "risk-clause-untiered") not in risk
    assert ("F4", "risk-clause-untiered") in risk  # names no tier at all: still reported


# -- 7. wordings: tier letters with a colon, 组织/实施 with units, 年内完成, 县(市、区)抽查 ------------


def test_wordings_offices_write_are_read(tmp_path):
    path = xlsx(
        tmp_path,
        "某市市场监督管理局2025年度双随机抽查工作计划",
        [
            ["序号", "抽查任务名称", "抽查事项", "抽查对象范围", "抽查比例", "抽查时间", "抽查检查模式"],
            [
                "1",
                "工业产品抽查",
                "生产许可检查",
                "生产企业",
                "A:2%;B:3%;C:6%;D:10%",
                "年内完成",
                "组织：市\n实施：县，各市场监管所",
            ],
            ["2", "广告抽查", "广告发布检查", "广告经营者", "B级:3%；C级:5%", "4月至9月", "县（市、区）抽查"],
            ["3", "商标抽查", "商标使用检查", "企业", "3%", "5月至9月", "区局发起，市场所实施"],
        ],
    )
    slugs = {f.slug for f in findings(path)}
    assert not slugs & {"quota-unparseable", "window-invalid", "mode-unparseable"}


def test_chongqing_tier_ratios_with_a_colon_parse():
    path = UNSEEN / "重庆市市场监督管理局2024年度双随机一公开抽查工作计划.xlsx"
    assert not [f for f in findings(path) if f.slug == "quota-unparseable"]


def test_windows_by_half_year_and_to_year_end(tmp_path):
    path = xlsx(
        tmp_path,
        "某县市场监督管理局2025年度双随机抽查工作计划",
        [
            ["序号", "抽查任务名称", "抽查事项", "抽查对象范围", "抽查比例", "抽查时间"],
            ["1", "食品销售抽查", "经营行为检查", "食品经营者", "5%", "上半年、下半年各一次"],
            ["2", "药品零售抽查", "经营行为检查", "药店", "5%", "3月至年底"],
        ],
    )
    p = plan(path)
    first, second = (t.value("window") for t in p.tasks)
    assert [(b.start.month, b.end.month) for b in first.batches] == [(1, 6), (7, 12)]
    assert (second.start.month, second.end.month) == (3, 12)
    assert not [f for f in findings(path) if f.slug == "window-invalid"]


def test_objects_counted_before_a_ratio_are_the_base(tmp_path):
    path = xlsx(
        tmp_path,
        "某县农业农村局2025年度双随机抽查工作计划",
        [
            ["序号", "抽查任务名称", "抽查事项", "抽查对象范围", "抽查比例", "抽查时间"],
            [
                "1",
                "兽药经营抽查",
                "经营行为检查",
                "兽药经营者",
                "辖区兽药经营企业共36家，按10%比例抽取",
                "4月至9月",
            ],
        ],
    )
    quota = plan(path).tasks[0].value("ratio")
    assert (quota.base.low, quota.ratio.low) == (36, 10)
    assert not [f for f in findings(path) if f.slug in ("quota-needs-review", "quota-unparseable")]


def test_huangshan_prose_quota_is_read():
    path = UNSEEN / "黄山市农业农村局2024年度部门联合抽查工作计划.xlsx"
    assert not [f for f in findings(path) if f.slug == "quota-needs-review"]


def test_per_mille_ratio(tmp_path):
    path = xlsx(
        tmp_path,
        "某县市场监督管理局2025年度双随机抽查工作计划",
        [
            ["序号", "抽查任务名称", "抽查事项", "抽查对象范围", "抽查比例", "抽查时间"],
            ["1", "个体工商户登记事项抽查", "登记事项检查", "个体工商户", "5‰", "4月至9月"],
        ],
    )
    assert plan(path).tasks[0].value("ratio").ratio.low == Decimal("0.5")
    assert not [f for f in findings(path) if f.location.cell == "E3" and f.severity == "error"]


def test_window_in_another_year_is_a_warning_when_the_year_comes_from_the_file_name(tmp_path):
    path = tmp_path / "某县2024年抽查计划.csv"
    path.write_text(
        "序号,抽查任务名称,抽查事项,抽查对象范围,抽查比例,抽查时间\n"
        "1,农资经营抽查,农资经营检查,农资经营户,5%,2023年4月至2023年9月\n",
        "utf-8",
    )
    hits = [f for f in findings(path) if f.slug == "window-other-year"]
    assert [(f.location.cell, f.severity) for f in hits] == [("F2", "warning")]


def test_mode_split_over_organising_and_implementing_level_columns(tmp_path):
    path = xlsx(
        tmp_path,
        "景洪市市场监督管理局2025年度双随机抽查工作计划",
        [
            [
                "序号",
                "抽查任务名称",
                "抽查事项",
                "抽查对象范围",
                "抽查比例",
                "抽查时间",
                "组织层级",
                "实施层级",
            ],
            ["1", "特种设备抽查", "使用登记检查", "使用单位", "5%", "4月至9月", "州级", "市级"],
            ["2", "广告抽查", "广告发布检查", "广告经营者", "3%", "5月至9月", "市级", "市级"],
        ],
    )
    p = plan(path)
    modes = [t.value("mode") for t in p.tasks]
    assert [(m.pairs[0].select, m.pairs[0].inspect) for m in modes] == [("city", "city"), ("city", "city")]
    assert p.tasks[0].text("mode") == "组织：州级；实施：市级"
    # in a county-level city's plan 市 is its own level: neither task inspects above it
    assert not [f for f in findings(path) if f.slug in ("mode-level-mismatch", "required-column-missing")]


def test_the_same_tiered_clause_on_every_task_is_no_task_quota(tmp_path):
    clause = "对A类企业抽查比例不低于3%，B类不低于5%，C类不低于10%，D类100%"
    path = xlsx(
        tmp_path,
        "某县市场监督管理局2025年度双随机抽查工作计划",
        [
            ["序号", "抽查任务名称", "抽查事项", "抽查对象范围", "抽查比例", "信用风险分类", "抽查时间"],
            ["1", "特种设备抽查", "使用登记检查", "使用单位", "5%", clause, "4月至9月"],
            ["2", "计量抽查", "计量器具检查", "加油站", "", clause, "5月至9月"],
        ],
    )
    hits = [f.location.cell for f in findings(path) if f.slug in ("required-field-empty", "quota-missing")]
    assert hits == ["E4"]
