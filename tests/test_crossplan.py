"""Cross-plan review on real plans: a county plan against its city plan, siblings and population."""

from __future__ import annotations

import openpyxl
import pytest
from conftest import SAMPLES

from planlint.engine import RunOptions, run
from planlint.matching import match_tasks, similarity
from planlint.pipeline import load_plans
from planlint.plan import Field, Task
from planlint.table import Location

JINCHENG = SAMPLES / "晋城市市场监管局2025年度双随机抽查工作计划.xlsx"
CHANGZHI = SAMPLES / "长治市市场监督管理局2023年度双随机抽查工作计划.xlsx"
ZEZHOU = SAMPLES / "泽州县市场监督管理局2023年度内部双随机抽查工作计划.xlsx"
COLUMNS = ["seq", "name", "type", "items", "scope", "quota", "risk", "window", "initiator", "inspector"]


def county_with_city_copies(tmp_path, seqs=("2", "10"), name="某县2025年度内部双随机抽查工作计划.xlsx"):
    """泽州 2023 plus verbatim copies of 晋城 2025 tasks (the 市抽县查 ones by default)."""
    city = load_plans(str(JINCHENG))[0]
    wb = openpyxl.load_workbook(ZEZHOU)
    ws = wb.active
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
    # 长治 task 3 (计量单位使用情况) matches 泽州 task 3; task 9 (文物经营活动) matches 泽州 task 11.
    assert not any("「计量单位使用情况的监督检查」" in m or "「文物经营活动检查」" in m for m in missing)
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
    a = county_with_city_copies(tmp_path, seqs=("2",), name="甲县.xlsx")
    b = county_with_city_copies(tmp_path, seqs=("2",), name="乙县.xlsx")
    wb = openpyxl.load_workbook(b)
    wb.active.cell(wb.active.max_row, 6, "10%")  # 乙县 lowers the ratio of its copy
    wb.save(b)
    result = _check([a, b], JINCHENG, select=("sibling-inconsistent",), meta={"year": 2025})
    by_file = {r.path: [f.severity for f in r.findings] for r in result.reports}
    assert by_file[str(a)] == ["info"] and by_file[str(b)] == ["info"]


def _task(name, items="", scope=""):
    loc = Location("x", None, 1, 1)
    return Task("1", {k: Field(k, v, loc) for k, v in (("name", name), ("items", items), ("scope", scope)) if v}, loc)


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
    pop.write_bytes("地区,对象范围,类别,数量\n泽州县,合计,企业,20000\n泽州县,全县企业,企业,20000\n".encode("gb18030"))
    result = run([str(ZEZHOU)], RunOptions(select=("coverage-below-target",), population=str(pop), use_config=False))
    # 泽州's 不定向 task 12 checks 1% of 全县企业: 200 of 20000 = 1.0% < 3%.
    (finding,) = result.findings
    assert "1.0%" in finding.message and "200/20000" in finding.message


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
