"""Cross-plan review on real plans: a county plan against its city plan, siblings and population."""

from __future__ import annotations

import openpyxl
import pytest
from conftest import REPO, SAMPLES

from planlint.engine import RunOptions, run
from planlint.matching import match_tasks, similarity
from planlint.pipeline import load_plans
from planlint.plan import Cell, Task
from planlint.table import Location

JINCHENG = SAMPLES / "晋城市市场监管局2025年度双随机抽查工作计划.xlsx"
CHANGZHI = SAMPLES / "长治市市场监督管理局2023年度双随机抽查工作计划.xlsx"
ZEZHOU = SAMPLES / "泽州县市场监督管理局2023年度内部双随机抽查工作计划.xlsx"
COLUMNS = ["seq", "name", "type", "items", "scope", "quota", "risk", "window", "initiator", "inspector"]


def county_with_city_copies(
    tmp_path, seqs=("2", "10"), name="某县2025年度内部双随机抽查工作计划.xlsx", county=None
):
    """泽州 2023 plus verbatim copies of 晋城 2025 tasks (the 市抽县查 ones by default); `county`
    renames the plan in its title (two plans with one title and year are one plan saved twice)."""
    city = load_plans(str(JINCHENG))[0]
    wb = openpyxl.load_workbook(ZEZHOU)
    ws = wb.active
    if county:
        ws["A1"] = f"{county}市场监督管理局2023年度内部双随机抽查工作计划"
    row = ws.max_row + 1
    for n, task in enumerate([t for t in city.tasks if t.seq in seqs], start=16):
        values = {"seq": str(n), **{k: task.text(k) for k in COLUMNS[1:]}}
        for col, key in enumerate(COLUMNS, start=1):
            ws.cell(row, col, values[key])
        row += 1
    path = tmp_path / name
    wb.save(path)
    return path


def _check(paths, superior, **kw):
    return run([str(p) for p in paths], RunOptions(superior=(str(superior),), use_config=False, **kw))


def test_copied_city_tasks_are_flagged_exactly(tmp_path):
    county = county_with_city_copies(tmp_path)
    result = _check([county], JINCHENG, select=("superior-task-duplicated",), meta={"year": 2025})
    warnings = [f for f in result.findings if f.severity == "warning"]
    # Exactly the two copies of the city's 市抽县查 tasks (rows 18 and 19), with the match explained.
    assert sorted((f.task_seq, f.location.cell) for f in warnings) == [("16", "B18"), ("17", "B19")]
    assert all("市抽县查" in f.message and "匹配度100%" in f.message for f in warnings)
    # Tasks the city inspects itself (市抽市查) are only possible overlaps: info, never warnings.
    assert all(f.severity == "info" for f in result.findings if f.task_seq not in ("16", "17"))


def test_missing_city_task_for_counties():
    result = _check([ZEZHOU], CHANGZHI, select=("superior-task-missing",))
    missing = [f.message for f in result.findings]
    # 长治 task 10 (野生动物交易检查, 各县区局发起) has no counterpart in 泽州.
    assert any("野生动物交易检查" in m for m in missing)
    # 长治 task 9 (文物经营活动, 企业、个体工商户) matches 泽州 task 11 (全县文物经营单位): a range of every
    # entity holds the 文物 trade.
    assert not any("「文物经营活动检查」" in m for m in missing)
    # 长治 task 3 (计量单位使用情况 in 宣传出版、文化教育、市场交易领域) and 泽州 task 3 share a name but not
    # a population (泽州 wrote 在用计量器具): reported missing, with 泽州 task 3 named as the closest.
    (m,) = [m for m in missing if "「计量单位使用情况的监督检查」" in m]
    assert "最接近的是本计划任务3「计量单位使用情况双随机抽查」" in m
    assert {f.location.cell for f in result.findings} == {"2"}  # reported on the plan's header row


def test_years_differ_is_a_note_not_a_comparison():
    result = _check([ZEZHOU], JINCHENG, select=("PL7",))
    assert [f for f in result.findings if f.slug != "coverage-below-target"] == []
    assert any("年度不同" in n for n in result.notes)


def test_review_summary_sorts_worst_first(tmp_path):
    county = county_with_city_copies(tmp_path)
    clean = county_with_city_copies(tmp_path, seqs=(), name="另一县.xlsx")
    result = _check([clean, county], JINCHENG, select=("PL7",), meta={"year": 2025})
    rows = result.review()
    assert rows[0].report.path == str(county) and rows[0].duplicated == 2
    assert rows[1].duplicated == 0
    from planlint.report import ReportOptions
    from planlint.report.text import render

    text = render(result, ReportOptions())
    assert "审查概要" in text and "重复发起上级任务 2" in text


def test_sibling_inconsistency_across_counties(tmp_path):
    a = county_with_city_copies(tmp_path, seqs=("2",), name="甲县.xlsx", county="甲县")
    b = county_with_city_copies(tmp_path, seqs=("2",), name="乙县.xlsx", county="乙县")
    wb = openpyxl.load_workbook(b)
    wb.active.cell(wb.active.max_row, 6, "10%")  # 乙县 lowers the ratio of its copy
    wb.save(b)
    result = _check([a, b], JINCHENG, select=("sibling-inconsistent",), meta={"year": 2025})
    by_file = {r.path: [f.severity for f in r.findings] for r in result.reports}
    assert by_file[str(a)] == ["info"] and by_file[str(b)] == ["info"]
    # a county of another city in the same batch is no sibling: 高平市 (晋城) and 襄垣县 (长治)
    c = county_with_city_copies(tmp_path, seqs=("2",), name="丙.xlsx", county="高平市")
    d = county_with_city_copies(tmp_path, seqs=("2",), name="丁.xlsx", county="襄垣县")
    wb = openpyxl.load_workbook(d)
    wb.active.cell(wb.active.max_row, 6, "10%")
    wb.save(d)
    result = _check([c, d], JINCHENG, select=("sibling-inconsistent",), meta={"year": 2025})
    assert result.findings == []


def _task(name, items="", scope=""):
    loc = Location("x", None, 1, 0)
    return Task("1", {k: Cell(v) for k, v in (("name", name), ("items", items), ("scope", scope)) if v}, loc)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("对直销企业的双随机抽查", "直销企业双随机抽查检查"),
        ("对商标代理机构的双随机抽查", "商标代理机构双随机抽查"),
        ("法定计量检定机构双随机抽查", "对法定计量检定机构专项监督检查"),
        ("2024年加油站计量双随机监督检查", "加油站计量双随机抽查"),
    ],
)
def test_reworded_pairs_match(a, b):
    assert match_tasks([_task(a)], [_task(b)], 0.7), similarity(_task(a), _task(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("对直销企业的双随机抽查", "对拍卖企业的双随机抽查"),
        ("药店价格双随机抽查检查", "景区价格双随机抽查检查"),
        ("对广告发布单位的双随机抽查", "对广告经营者双随机抽查"),
        ("企业双随机抽查", "对直销企业的双随机抽查"),
        ("对自愿性认证活动的双随机抽查", "对强制性产品认证活动的双随机抽查"),
    ],
)
def test_near_miss_pairs_do_not_match(a, b):
    assert not match_tasks([_task(a)], [_task(b)], 0.7), similarity(_task(a), _task(b))


def test_coverage_from_gb18030_population_csv(tmp_path):
    pop = tmp_path / "监管对象数量.csv"
    pop.write_bytes(
        "地区,对象范围,类别,数量\n泽州县,合计,企业,20000\n泽州县,全县企业,企业,20000\n".encode("gb18030")
    )
    result = run(
        [str(ZEZHOU)], RunOptions(select=("coverage-below-target",), population=str(pop), use_config=False)
    )
    # 泽州's 不定向 task 12 checks 1% of 全县企业: 200 of 20000 = 1.0% < 3%.
    (finding,) = result.findings
    assert "1.0%" in finding.message and "200/20000" in finding.message


@pytest.mark.parametrize("name", ["泽州", "泽州县"])
def test_coverage_finds_the_place_however_the_population_file_names_it(tmp_path, name):
    pop = tmp_path / "监管对象数量.csv"
    pop.write_text(f"地区,对象范围,类别,数量\n{name},合计,企业,20000\n{name},全县企业,企业,20000\n", "utf-8")
    result = run(
        [str(ZEZHOU)], RunOptions(select=("coverage-below-target",), population=str(pop), use_config=False)
    )
    assert len(result.findings) == 1


def test_population_rows_of_a_renamed_place_or_a_zone_by_another_name():
    """A population table older than the change (太谷县) serves the renamed place's plan (太谷区); a
    zone's row may use any of its names (武汉经开区 for 武汉经济技术开发区)."""
    from planlint.population import population_of
    from planlint.rules.primitives.coverage import _population_of

    places = population_of({"太谷县": {"totals": {"企业": 100}}, "武汉经开区": {"totals": {"企业": 50}}})
    assert _population_of(places, "太谷区") is places["太谷县"]
    assert _population_of(places, "武汉经济技术开发区") is places["武汉经开区"]
    assert _population_of(places, "泽州县") is None


def test_a_population_file_with_no_floor_for_the_plan_says_so(tmp_path):
    """A county plan outside every layer with a coverage floor (晋城 2025, 泽州 2023): the file is read
    and the note says why nothing is checked."""
    wb = openpyxl.load_workbook(ZEZHOU)
    wb.active["A1"] = "上高县市场监督管理局2023年度内部双随机抽查工作计划"
    plan = tmp_path / "上高县2023.xlsx"
    wb.save(plan)
    pop = tmp_path / "监管对象数量.csv"
    pop.write_text("地区,对象范围,类别,数量\n上高县,合计,企业,20000\n", "utf-8")
    result = run(
        [str(plan)], RunOptions(select=("coverage-below-target",), population=str(pop), use_config=False)
    )
    assert result.findings == []
    assert any("上高县：已读取监管对象数量文件" in n and "没有适用的覆盖率下限" in n for n in result.notes)


def test_coverage_without_population_says_so():
    result = run([str(ZEZHOU)], RunOptions(select=("coverage-below-target",), use_config=False))
    assert result.findings == [] and any("未估算" in n for n in result.notes)


def test_batch_of_100_county_plans(tmp_path):
    base = county_with_city_copies(tmp_path, seqs=("2",), name="base.xlsx")
    data = base.read_bytes()
    for i in range(100):
        (tmp_path / f"县{i:03d}.xlsx").write_bytes(data)
    base.unlink()
    result = _check([tmp_path], JINCHENG, select=("superior-task-duplicated",), meta={"year": 2025})
    assert len(result.reports) == 100
    assert all(sum(f.severity == "warning" for f in r.findings) == 1 for r in result.reports)


def test_superior_declared_in_config(tmp_path):
    import shutil

    county = county_with_city_copies(tmp_path)
    (tmp_path / "市级").mkdir()
    shutil.copy(JINCHENG, tmp_path / "市级" / "晋城.xlsx")
    (tmp_path / ".planlint.yaml").write_text(
        "superior: 市级/晋城.xlsx\nselect: [superior-task-duplicated]\nmeta: {year: 2025}\n", encoding="utf-8"
    )
    result = run([str(county)])
    assert result.superiors and sum(f.severity == "warning" for f in result.findings) == 2
    # The superior plan itself is compared against, not reported as a county plan.
    assert {r.path for r in result.reports} == {str(county)}


def _scoped(name, items, scope):
    return _task(name, items, scope)


# Labelled pairs from real plans (晋城 2025, 泽州 2023, the model plan, 山西 2021, 肇庆 2025, 武汉经开区 2022):
# (name, 抽查事项, 抽查对象范围) twice, and whether they are one task.
LABELLED_PAIRS = [
    # different populations whose names or items read alike
    (
        ("对工业产品生产企业的双随机抽查", "生产领域产品质量监督检查", "全县工业产品生产企业"),
        (
            "食品生产日常监督检查",
            "1.食品生产者资质; 2.食品安全自查; 3.生产许可条件保持情况",
            "全省获证食品生产企业 (对严重违法失信企业的双随机抽查另项安排)",
        ),
        False,
    ),
    (
        ("对餐饮服务提供者的双随机抽查", "餐饮服务食品安全监督检查", "全县餐饮服务提供者"),
        (
            "对入网餐饮服务提供者的双随机抽查",
            "检查经营资质、食品安全、环境卫生、反餐饮浪费等方面",
            "以医院、写字楼、商圈、高校周边、大型社区等为重点区域,以第三方平台“排名前、人气高、销量大”的“网红”餐饮店",
        ),
        False,
    ),
    (
        (
            "对农药生产经营主体的双随机抽查",
            "1.农药生产经营许可证;2.农药产品标签、进销货票据、台账",
            "太原市农药生产经营主体",
        ),
        (
            "对种子生产经营主体的双随机抽查",
            "1.种子生产经营许可证;2.种子产品标签、备案、进销货票据、台账",
            "太原市种子生产经营主体",
        ),
        False,
    ),
    (
        ("旅游景点专项抽查", "是否存在不执行政府定价、价格欺诈等价格违法行为", "辖区4A级及以上的景区"),
        (
            "电动自行车充电设施领域专项抽查",
            "是否存在不执行明码标价、价格欺诈等价格违法行为",
            "辖区电动自行车充电设施运营单位",
        ),
        False,
    ),
    (
        ("对企业登记事项和公示信息的双随机抽查", "登记事项检查；公示信息检查", "全县企业"),
        (
            "对拍卖企业拍卖活动经营资格、行为的双随机抽查",
            "拍卖企业证、照是否齐全、合法有效",
            "本辖区获证拍卖企业",
        ),
        False,
    ),
    (
        ("对企业登记事项和公示信息的双随机抽查", "登记事项检查；公示信息检查", "全县企业"),  # the model plan:
        (
            "对个体工商户登记事项和公示信息的双随机抽查",
            "登记事项检查；公示信息检查",
            "全县个体工商户",
        ),  # 企业 ≠ 个体工商户
        False,
    ),
    (
        ("对个体工商户登记事项和公示信息的双随机抽查", "登记事项检查；公示信息检查", "全县个体工商户"),
        ("企业年度报告抽查", "12.年度报告公示信息的检查", "各类企业年报信息"),  # 武汉经开区 2022
        False,
    ),
    # one task written by two offices
    (
        ("法定计量检定机构双随机抽查", "计量检定机构监督检查", "全县法定计量检定机构"),
        (
            "对法定计量检定机构专项监督检查",
            "法定计量检定机构专项监督检查(域建标工作)",
            "全省依法设置的法定计量检定机构和省局授权建立的计量检定机构",
        ),
        True,
    ),
    (
        (
            "直销行业专项抽查",
            "直销企业及关联主体是否存在违规销售、传销、虚假宣传等行为",
            "辖区直销企业及其关联主体(包括直销企业的分支机构、服务网点、经销商等)",
        ),
        ("对直销企业的双随机抽查", "直销行为监督检查", "本省直销企业及驻晋直销企业省级分支机构"),
        True,
    ),
    (
        ("在用计量器具双随机抽查", "计量监督检查", "全县加油站"),
        ("在用计量器具的监督检查", "在用强检计量器具监督检查", "本辖区集贸市场、加油站"),
        True,
    ),
    (
        ("对特种设备作业人员的行政检查", "对特种设备作业人员的行政检查", ""),  # 上高 2023 (no range column)
        ("对特种设备使用登记的行政检查", "对特种设备使用登记的行政检查", ""),
        False,
    ),
    (
        (
            "保安行业相关单位抽查",
            "4.保安从业单位及其保安服务活动情况的检查",
            "保安行业相关单位",
        ),  # 武汉经开区 2022:
        (
            "保安行业相关单位抽查",
            "5.保安培训单位及其培训活动情况的检查",
            "保安培训单位",
        ),  # one name, two tasks
        False,
    ),
    (
        ("学校办学情况抽查", "3.学校食堂食品安全情况的检查", "高校"),
        ("学校办学情况抽查", "3.学校食堂食品安全情况的检查", "中小学、幼儿园"),
        False,
    ),
    (
        (
            "2024年度营利性民办学校部门联合抽查",
            "招生简章、办学行为、教育教学质量、财务资产状况以及实施学历教育的营利性民办学校执行电子学籍制度情况的检查",
            "营利性民办学校",
        ),  # 亳州 2024
        (
            "2023年度全营利性民办学校部门联合抽查",
            "招生简章、办学行为、教育教学质量、财务资产状况以及实施学历教育的营利性民办学校执行电子学籍制度情况的检查",
            "营利性民办学校",
        ),  # 宣城 2023
        True,
    ),
    (
        (
            "对旅行社经营情况的双随机抽查",
            "证照情况、制度落实、行政许可及从业人员从业资格证等情况",
            "太原市旅行社",
        ),  # 山西 2021
        ("旅行社经营情况的检查", "旅行社经营情况的检查", "全市旅行社"),  # 原平 2024
        True,
    ),
    (
        ("文物经营活动检查", "文物经营活动检查", "企业、个体工商户"),
        ("对文物经营单位双随机抽查", "文物经营检查", "全县文物经营单位"),
        True,
    ),
]


@pytest.mark.parametrize(("a", "b", "same"), LABELLED_PAIRS)
def test_labelled_pairs_with_object_ranges(a, b, same):
    matched = bool(match_tasks([_scoped(*a)], [_scoped(*b)], 0.62))
    assert matched == same, similarity(_scoped(*a), _scoped(*b))


REALPLANS = REPO.parent / "shared" / "realplans"
MODEL = SAMPLES / "示范-某县2025年度内部双随机抽查工作计划.xlsx"


def test_model_plan_against_city_plan():
    """The clean model plan shares no task with 晋城 2025: nothing to raise or shorten, and no
    re-initiated task. Its 特种设备使用单位 task overlaps 晋城's 公众聚集场所 one (市抽市查): an info."""
    result = _check([MODEL], JINCHENG, select=("PL7",), meta={"year": 2025})
    found = [(f.slug, f.severity, f.task_seq) for f in result.findings if f.slug != "coverage-below-target"]
    assert found == [("superior-task-duplicated", "info", "3")]
    (row,) = result.review()
    assert (row.duplicated, row.overlaps) == (0, 1)  # the summary counts what the findings say
    from planlint.report import ReportOptions
    from planlint.report.text import render

    assert "重复发起上级任务 0，缺少上级任务 0，可能与上级自行检查的任务重复 1" in render(
        result, ReportOptions()
    )
    from planlint.report import html

    assert "缺少上级任务 0，可能与上级自行检查的任务重复 1" in html.render(result, ReportOptions())


def test_ratio_and_window_bind_only_tasks_the_county_carries(tmp_path):
    # 泽州 task 5 matches 晋城 task 7 (法定计量检定机构, 市抽市查 at 不低于30%): the city inspects it
    # itself, so 泽州's own 20% task is not held to the city's ratio.
    result = _check(
        [ZEZHOU], JINCHENG, select=("quota-below-superior", "window-outside-superior"), meta={"year": 2025}
    )
    assert result.findings == []
    # A copy of 晋城's 市抽县查 task 2 at a lower ratio is.
    county = county_with_city_copies(tmp_path, seqs=("2",))
    wb = openpyxl.load_workbook(county)
    wb.active.cell(wb.active.max_row, 6, "10%")
    wb.save(county)
    result = _check([county], JINCHENG, select=("quota-below-superior",), meta={"year": 2025})
    assert [(f.task_seq, f.location.cell) for f in result.findings] == [("16", "F18")]


def test_one_plan_in_two_formats_is_not_compared_with_itself(tmp_path):
    """The same table as .xlsx and as .csv, one read as internal and one as joint (a config override
    or a title that says so): no task is a duplicate of itself."""
    import shutil

    plan = load_plans(str(MODEL))[0]
    xlsx = tmp_path / "某县2025年度计划.xlsx"
    shutil.copy(MODEL, xlsx)
    header = ["序号", "抽查任务名称", "抽查类型", "抽查事项", "抽查对象范围", "抽查比例及频次"]
    keys = ["seq", "name", "type", "items", "scope", "quota"]
    lines = [",".join(header)] + [",".join(t.text(k) for k in keys) for t in plan.tasks]
    csv = tmp_path / "某县2025年度计划.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cfg = tmp_path / ".planlint.yaml"
    cfg.write_text(
        "meta: {place: 某县, year: 2025, level: county}\noverrides:\n  - files: '*.csv'\n    meta: {kind: joint}\n"
        "  - files: '*.xlsx'\n    meta: {kind: internal}\n",
        encoding="utf-8",
    )
    result = run([str(tmp_path)], RunOptions(select=("internal-joint-duplicate",)))
    assert len(result.reports) == 2 and result.findings == []
    # A different joint plan of the same place that shares one task is still compared.
    lines = [
        ",".join(header),
        "1,学校食堂食品安全情况检查,定向,学校食堂食品安全检查,全县学校食堂,30%",
        ",".join(["2", *(plan.tasks[0].text(k) for k in keys[1:])]),
    ]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run([str(tmp_path)], RunOptions(select=("internal-joint-duplicate",)))
    assert [(f.task_seq, f.location.cell) for f in result.findings] == [("1", "B3")]


def test_real_plans_are_not_duplicates_of_their_other_format():
    # shared/realplans has each plan as .tsv and as .xlsx in one folder
    result = run([str(REALPLANS)], RunOptions(select=("PL7",), use_config=False))
    assert [f for f in result.findings if f.slug != "coverage-below-target"] == []


def test_one_task_with_a_new_population_is_still_one_task_in_diff():
    """Across plans a shared name is not enough; between two versions of one plan, the same 序号 and
    name still pair a task whose 对象范围 was changed (planlint diff reports the change)."""
    from planlint.diff import pair_tasks

    old, new = (
        _task("对加油站的双随机抽查", scope="全县加油站"),
        _task("对加油站的双随机抽查", scope="全县眼镜店"),
    )
    assert not match_tasks([old], [new], 0.62)
    assert [(i, j) for i, j, _ in pair_tasks([old], [new])] == [(0, 0)]
