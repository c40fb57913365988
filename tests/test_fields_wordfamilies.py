"""Wording families of the quota, window and mode cells planlint did not read (fieldwords round), each
pinned by made-up variants in the family's shapes (real phrases are in tests/fixtures/harvest/phrases.tsv
and tests/golden/fields.yaml) and by the findings a plan with such a cell gets:

- ratios per kind of object (SURVEY H-4): 农民专业合作社和个体工商户比例分别为3%和1% · 企业5%，个体工商户1% —
  were prose for review (quota-needs-review), now `Quota.by_kind`; a minimum is met when every kind's
  ratio meets it (the lowest is compared);
- quantities in Chinese numerals: 百分之五 · 百分之三点五 · 千分之五 (quota-unparseable) and 二〇二五年 /
  二○二五年 / 二零二五年 (window-invalid) are read as 5% · 3.5% · 0.5% · 2025年;
- open starts: 2025年3月起 · 自3月起 · 3月份开始 (window-invalid) read to the year's end, with a
  window-open-end warning instead of a deadline error resting on that end.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from test_crossplan import JINCHENG, county_with_city_copies

from planlint.engine import RunOptions, run
from planlint.fields import normalize, normalize_with_offsets, parse
from planlint.pipeline import load_plans
from planlint.values import Count, DatePoint, Frequency, Mode, ParseError, Quota, Ratio, Window

_RISK = "根据企业信用风险分类结果，对低风险、一般风险、较高风险、高风险企业分别递加比例抽查"
_HEADER = ["序号", "抽查任务名称", "抽查类型", "抽查事项", "抽查对象范围", "抽查比例及频次", "信用风险分类"]


def _plan(tmp_path: Path, cells: list[tuple[str, str]], year: int = 2025) -> Path:
    """A county plan of 泽州 (晋城's layer: a 12月20日 deadline) with one task per (quota, window)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    title = f"泽州县市场监督管理局{year}年度内部双随机抽查工作计划"
    ws.append([title])
    ws.append([*_HEADER, "抽查检查起止时间", "发起部门", "抽查检查模式"])
    for i, (quota, window) in enumerate(cells, 1):
        ws.append(
            [
                str(i),
                f"任务{i}",
                "定向",
                f"事项{i}",
                f"对象{i}",
                quota,
                _RISK,
                window,
                "县市场监管局",
                "县抽县查",
            ]
        )
    path = tmp_path / f"{title}.xlsx"
    wb.save(path)
    return path


def _findings(path: Path, **kw) -> set[tuple[str, str, str]]:
    found = run([str(path)], RunOptions(use_config=False, **kw)).findings
    return {(f.slug, f.location.cell, f.severity) for f in found}


def _r(low: str, bound: str = "exact") -> Ratio:
    return Ratio(Decimal(low), None, bound)


# -- ratios per kind of object (H-4) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "by_kind", "frequency"),
    [
        (
            "农民专业合作社和个体工商户比例分别为3%和1%",
            [("农民专业合作社", _r("3")), ("个体工商户", _r("1"))],
            None,
        ),
        (
            "企业、个体工商户、农民专业合作社分别按5%、3%、1%的比例抽取",
            [("企业", _r("5")), ("个体工商户", _r("3")), ("农民专业合作社", _r("1"))],
            None,
        ),
        ("企业5%，个体工商户1%", [("企业", _r("5")), ("个体工商户", _r("1"))], None),
        (
            "企业不低于3%,个体户不低于1%",
            [("企业", _r("3", "at_least")), ("个体户", _r("1", "at_least"))],
            None,
        ),
        (
            "企业抽查比例不低于3%；个体工商户抽查比例不低于1%；每年1次",
            [("企业", _r("3", "at_least")), ("个体工商户", _r("1", "at_least"))],
            Frequency(1, None, "year"),
        ),
        (  # a bound before the first ratio after 分别 is every ratio's
            "对企业、个体工商户分别按照不低于5%、1%的比例进行抽查",
            [("企业", _r("5", "at_least")), ("个体工商户", _r("1", "at_least"))],
            None,
        ),
        ("食品生产企业5%，食品经营企业3%", [("食品生产企业", _r("5")), ("食品经营企业", _r("3"))], None),
        (
            "企业和个体户分别不低于3%和1%，一年一次",
            [("企业", _r("3", "at_least")), ("个体户", _r("1", "at_least"))],
            Frequency(1),
        ),
        (  # a real cell (tests/golden/fields.yaml)
            "企业抽查比例为2%,个体工商户抽查比例为0.1%,抽查1次",
            [("企业", _r("2")), ("个体工商户", _r("0.1"))],
            Frequency(1, None, None),
        ),
        ("企业百分之五，个体工商户百分之一", [("企业", _r("5")), ("个体工商户", _r("1"))], None),
        ("检验检测机构5%，使用单位3%", [("检验检测机构", _r("5")), ("使用单位", _r("3"))], None),
        ("企业5%和个体户1%", [("企业", _r("5")), ("个体户", _r("1"))], None),  # 和 / 及 between parts
        (
            "企业不低于5%及个体户不低于1%",
            [("企业", _r("5", "at_least")), ("个体户", _r("1", "at_least"))],
            None,
        ),
        ("全县企业5%,全县个体户1%", [("全县企业", _r("5")), ("全县个体户", _r("1"))], None),
    ],
)
def test_a_ratio_per_kind_of_object(text, by_kind, frequency):
    quota = parse("quota", text)
    assert isinstance(quota, Quota) and quota.review is None, quota
    assert quota.ratio is None
    assert list(quota.by_kind) == by_kind
    assert quota.frequency == frequency
    assert quota.least_ratio == min((r for _, r in by_kind), key=lambda r: r.low)
    assert set(quota.ratios()) == {r for _, r in by_kind}
    assert parse("quota", quota.canonical()) == quota  # the text planlint writes reads back the same


@pytest.mark.parametrize(
    ("text", "ratio"),
    [
        ("企业5%", _r("5")),  # one kind names the task's objects: its ratio is the task's
        ("企业抽查比例不低于3%", _r("3", "at_least")),
        ("企业和个体户分别按3%抽取", _r("3")),  # one ratio for every kind
        ("农资经营企业和商品交易市场各按5%比例抽取", _r("5")),  # 各按: the same (江苏, harvest)
        ("不低于本辖区市场主体总量的3%", _r("3", "at_least")),  # what the ratio is of, not a kind
        ("随机抽取5%的企业", _r("5")),
    ],
)
def test_one_kind_or_one_ratio_is_the_tasks_ratio(text, ratio):
    quota = parse("quota", text)
    assert isinstance(quota, Quota) and quota.review is None, quota
    assert (quota.ratio, quota.by_kind) == (ratio, ())


def test_he_and_ji_join_parts_as_a_comma_does():
    assert parse("quota", "5%和每年1次") == parse("quota", "5%，每年1次")
    assert parse("quota", "5%及以上") == Quota(_r("5", "at_least"))  # 及以上 stays a bound
    assert [(b.start.month, b.end.month) for b in parse("window", "3月和9月").batches] == [(3, 3), (9, 9)]


def test_kinds_that_are_not_kinds_stay_what_they_were():
    # risk tiers are tiers, counts per kind are summed (餐饮服务50个,校园食堂5个), a list that does not pair
    # up is prose for a person
    tiers = parse("quota", "高风险企业10%，低风险企业1%")
    assert [(t.tier, t.ratio) for t in tiers.tiers] == [("D", _r("10")), ("A", _r("1"))] and not tiers.by_kind
    assert parse("quota", "企业10户，个体户5户").count == Count(15)
    assert parse("quota", "企业和个体户分别为3%、1%、2%").review is not None
    assert isinstance(parse("quota", "企业"), ParseError)


def test_a_plan_with_ratios_per_kind(tmp_path):
    """Before: quota-needs-review on both cells. After: read; a kind's impossible ratio is out of range."""
    path = _plan(
        tmp_path,
        [("企业5%，个体工商户1%；1次/年", "3月—11月"), ("企业5%，个体工商户150%；1次/年", "3月—11月")],
    )
    found = _findings(path)
    assert not {slug for slug, _, _ in found} & {"quota-needs-review", "quota-unparseable"}
    assert {(slug, cell) for slug, cell, _ in found if slug == "quota-out-of-range"} == {
        ("quota-out-of-range", "F4")
    }
    task = load_plans(str(path))[0].tasks[0]
    from planlint.rules.primitives.quota import task_quota

    whole = task_quota(task)
    assert whole is not None and whole.quota.ratio == _r("1") and whole.sources["ratio"] == "quota"


@pytest.mark.parametrize(
    ("cell", "flagged"), [("直销企业40%，分支机构30%", False), ("直销企业40%，分支机构10%", True)]
)
def test_a_superiors_ratio_is_met_when_every_kinds_ratio_meets_it(tmp_path, cell, flagged):
    """晋城 task 2 draws 不低于30%; a county copy drawing 40% of one kind and 10% of another is below it
    for the second kind: the finding quotes the lowest ratio."""
    county = county_with_city_copies(tmp_path, seqs=("2",))
    wb = openpyxl.load_workbook(county)
    wb.active.cell(wb.active.max_row, 6, cell)
    wb.save(county)
    result = run(
        [str(county)],
        RunOptions(
            superior=(str(JINCHENG),), use_config=False, select=("quota-below-superior",), meta={"year": 2025}
        ),
    )
    assert [(f.task_seq, f.location.cell) for f in result.findings] == ([("16", "F18")] if flagged else [])
    # the finding names the kind whose ratio is below (review of this round: 「1%」 alone did not say whose)
    assert all("10%（分支机构）" in f.message for f in result.findings)


# -- quantities in Chinese numerals ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ratio"),
    [
        ("百分之五", _r("5")),
        ("不低于百分之三点五", _r("3.5", "at_least")),
        ("千分之五", _r("0.5")),
        ("百分之十", _r("10")),
        ("百分之二十五", _r("25")),
        ("百分之一百", _r("100")),
        ("百分之百", _r("100")),
        ("百分之零点五", _r("0.5")),
        ("百分之5", _r("5")),
        ("抽查比例不低于百分之三，每年一次", _r("3", "at_least")),
    ],
)
def test_a_ratio_spelled_out_in_chinese(text, ratio):
    quota = parse("quota", text)
    assert isinstance(quota, Quota) and quota.review is None, quota
    assert quota.ratio == ratio


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("二〇二五年三月至十一月", DatePoint(3, None, 2025), DatePoint(11, None, 2025)),
        ("二○二五年3月-11月", DatePoint(3, None, 2025), DatePoint(11, None, 2025)),  # ○, the circle
        ("二零二五年四月一日至十一月三十日", DatePoint(4, 1, 2025), DatePoint(11, 30, 2025)),
        ("三月至十一月", DatePoint(3), DatePoint(11)),
        ("三至十一月", DatePoint(3), DatePoint(11)),
        ("二〇二五年", DatePoint(1, None, 2025), DatePoint(12, None, 2025)),
    ],
)
def test_a_year_and_months_in_chinese_numerals(text, start, end):
    window = parse("window", text)
    assert isinstance(window, Window), window
    assert (window.start, window.end) == (start, end)


def test_a_deadline_in_chinese_numerals():
    window = parse("window", "十二月底前")
    assert window.deadline_only and window.end == DatePoint(12, part="底")
    assert parse("window", "二〇二五年十一月底前完成").end == DatePoint(11, None, 2025, part="底")


@pytest.mark.parametrize(
    ("text", "frequency"),
    [
        ("每年一次", Frequency(1)),
        ("一年两次", Frequency(2)),
        ("全年不少于两次", Frequency(2, None, "year", "at_least")),
        ("每季度一次", Frequency(1, None, "quarter")),
        ("每半年一次", Frequency(1, None, "half-year")),
    ],
)
def test_a_frequency_in_chinese_numerals(text, frequency):
    assert parse("frequency", text) == frequency
    assert parse("quota", f"百分之五；{text}") == Quota(_r("5"), frequency=frequency)


@pytest.mark.parametrize(
    ("kind", "text", "frequency"),
    [
        ("frequency", "抽查频率原则上每年不少于2次", Frequency(2, None, "year", "at_least")),
        ("frequency", "一般一年一次", Frequency(1)),
        ("quota", "5%；一般每年1次", Frequency(1)),
        ("quota", "不低于5%，原则上1次/年", Frequency(1)),
    ],
)
def test_a_hedge_before_how_often_states_it_as_it_is(kind, text, frequency):
    value = parse(kind, text)
    assert (value if kind == "frequency" else value.frequency) == frequency
    # before a bound the hedge is the bound's (原则上不超过3%), before anything else it stays unread
    assert parse("quota", "原则上不超过3%").ratio == _r("3", "at_most")
    assert isinstance(parse("quota", "一般10%"), ParseError)


def test_only_spelled_quantities_are_rewritten_and_offsets_follow():
    # 零售, 一般, 统一 keep their characters; a 4-digit year needs 年 after it
    for text in ("食品零售企业", "一般不低于", "市级统一组织发起", "二〇二五", "十二月"):
        assert normalize(text) == text
    norm, offsets = normalize_with_offsets("不低于百分之三点五，二〇二五年")
    assert norm == "不低于3.5%,2025年"
    assert offsets == sorted(offsets) and offsets[-1] == len("不低于百分之三点五，二〇二五年")
    assert offsets[norm.index(",")] == "不低于百分之三点五，二〇二五年".index("，")
    # an error after a spelled number points into the text as written
    err = parse("quota", "百分之五x")
    assert isinstance(err, ParseError) and err.text[err.offset] == "x"


def test_a_plan_written_in_chinese_numerals(tmp_path):
    """Before: quota-unparseable and window-invalid on every row. After: no finding on either column."""
    path = _plan(
        tmp_path,
        [
            ("不低于百分之五，每年一次", "二〇二五年三月至十一月"),
            ("千分之五；一年两次", "二○二五年四月至十月"),
        ],
    )
    found = _findings(path)
    assert not {slug for slug, _, _ in found} & {"quota-unparseable", "window-invalid", "window-other-year"}


# -- open starts and deadlines ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("2025年3月起", DatePoint(3, None, 2025)),
        ("自3月起", DatePoint(3)),
        ("3月份开始", DatePoint(3)),
        ("从4月开始", DatePoint(4)),
        ("4月1日起开展抽查", DatePoint(4, 1)),
        ("自2025年3月起", DatePoint(3, None, 2025)),
        ("三月起", DatePoint(3)),
        ("二〇二五年三月起", DatePoint(3, None, 2025)),
        ("3月起（视情况调整）", DatePoint(3)),
        ("4月启动", DatePoint(4)),
        ("2025年3月起实施抽查工作", DatePoint(3, None, 2025)),
        ("4月中旬起", DatePoint(4, part="中旬")),
    ],
)
def test_an_open_start_runs_to_the_end_of_its_year(text, start):
    window = parse("window", text)
    assert isinstance(window, Window), window
    assert window.open_end and window.start == start
    assert window.end == DatePoint(12, None, start.year, part="底")
    assert window.end_date(2025) == window.end_date(2025).replace(month=12, day=31)
    assert parse("window", window.canonical()) == window


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("11月底前完成", (1, 1), (11, 30)),
        ("截至11月30日", (1, 1), (11, 30)),
        ("即日起至11月底", (1, 1), (11, 30)),
        ("3月起至年底", (3, 1), (12, 31)),
        ("自3月起至年底", (3, 1), (12, 31)),
        ("3月起，11月底前完成", (3, 1), (11, 30)),
        ("3月起开展，11月底前完成", (3, 1), (11, 30)),
        ("上半年", (1, 1), (6, 30)),
        ("下半年", (7, 1), (12, 31)),
        ("第三季度", (7, 1), (9, 30)),
        ("全年", (1, 1), (12, 31)),
    ],
)
def test_deadlines_and_named_periods_are_month_ranges(text, start, end):
    window = parse("window", text)
    assert isinstance(window, Window), window
    assert not window.open_end
    first, last = window.start_date(2025), window.end_date(2025)
    assert ((first.month, first.day), (last.month, last.day)) == (start, end)


def test_an_open_start_is_read_to_the_years_end_with_a_warning(tmp_path):
    """Before: window-invalid (an error) on 2025年3月起. After: a window-open-end warning, and no
    window-after-deadline error resting on the year's end the plan did not write; a written end past
    the deadline is still one."""
    path = _plan(
        tmp_path, [("5%；1次/年", "2025年3月起"), ("5%；1次/年", "自4月起"), ("5%；1次/年", "3月—12月31日")]
    )
    found = _findings(path)
    assert {f for f in found if f[0] in ("window-open-end", "window-after-deadline", "window-invalid")} == {
        ("window-open-end", "H3", "warning"),
        ("window-open-end", "H4", "warning"),
        ("window-after-deadline", "H5", "error"),
    }
    result = run([str(path)], RunOptions(use_config=False, select=("window-open-end",)))
    messages = [f.message + f.fix for f in result.findings]
    assert "2025年3月—12月20日" in messages[0]  # the suggested end is the profile's deadline


# -- a branch of a bureau, and 自行 after a list (SURVEY H-8) ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("县区局、市局各园区分局自行组织发起", "县抽县查"),
        ("县局、市局直属分局自行组织发起", "县抽县查"),
        ("市局各分局自行组织发起", "县抽县查"),
        ("市局发起，市局高新区分局检查", "市抽县查"),
        ("市级、县级自行组织", "市抽市查、县抽县查"),  # 自行 after a list: each level runs its own
    ],
)
def test_a_branch_of_the_city_bureau_is_the_county_level(text, canonical):
    mode = parse("mode", text)
    assert isinstance(mode, Mode), mode
    assert mode.canonical() == canonical


def test_a_numbered_list_of_kinds_described_in_words():
    """楚雄州农业农村局 2021 (tests/fixtures/unseen): kinds described by when they were set up or what befell
    them, each with its ratio. Before: quota-needs-review."""
    quota = parse(
        "quota", "1.2020年以前设立的市场主体的2%;2.2020年度新设立的市场主体的8%;3.2020年度被立案处罚企业的10%"
    )
    assert quota.review is None and quota.ratio is None
    assert [(k, r.low) for k, r in quota.by_kind] == [
        ("2020年以前设立的市场主体", 2),
        ("2020年度新设立的市场主体", 8),
        ("2020年度被立案处罚企业", 10),
    ]
    assert parse("quota", quota.canonical()) == quota
    # the plan's 抽查比例/户数 column is read as a count column: the same reading there, and no review
    assert parse("count", quota.canonical()) == quota
    plan = Path(__file__).parent / "fixtures" / "unseen" / "2021年楚雄州农业农村局双随机抽查工作计划.xlsx"
    assert "quota-needs-review" not in {slug for slug, _, _ in _findings(plan)}
    # not a list of kinds: tiers, or parts that are not all a kind and its ratio
    assert not parse("quota", "高风险企业10%;低风险企业1%").by_kind
    assert parse("quota", "1.新设立的市场主体的8%;2.其他由各县自行确定").review is not None


def test_a_real_cell_of_ratios_per_kind_with_a_remark():
    """微山县 2024 (tests/fixtures/unseen): four kinds, each its ratio, once a year, and the remark about
    the merged draw kept as a note. Before: quota-needs-review."""
    quota = parse(
        "quota",
        "企业抽查比例为2%,个体工商户抽查比例为0.1%,农民专业合作社抽查比例为3%,外国企业常驻代表机构抽查比例为50%,"
        "抽查1次(对市场主体名称等登记事项的检查与对企业、个体工商户、农民专业合作社公示信息的监督检查合并抽取企业比例为1.5%)",
    )
    assert quota.review is None
    assert [(k, r.low) for k, r in quota.by_kind] == [
        ("企业", Decimal(2)),
        ("个体工商户", Decimal("0.1")),
        ("农民专业合作社", Decimal(3)),
        ("外国企业常驻代表机构", Decimal(50)),
    ]
    assert quota.frequency == Frequency(1, None, None) and "1.5%" in quota.note


# -- a number not decided yet (SURVEY S7-6) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("quota", "待定"),
        ("count", "待定"),
        ("count", "待确定"),
        ("quota", "暂定"),
        ("quota", "另行通知"),
        ("quota", "比例待定"),
        ("frequency", "视情况待定"),
    ],
)
def test_a_number_not_decided_yet_is_for_review_not_unreadable(kind, text):
    value = parse(kind, text)
    assert isinstance(value, Quota) and value.review and value.note == text, value


def test_a_plan_whose_quota_is_pending(tmp_path):
    """Before: 「待定」无法识别 (quota-unparseable, an error). After: a warning that the number is not decided."""
    path = _plan(tmp_path, [("待定", "3月—11月")])
    found = _findings(path)
    assert ("quota-needs-review", "F3", "warning") in found
    assert "quota-unparseable" not in {slug for slug, _, _ in found}
    # beside a number, decided or tentative: still for review, not unreadable (review of this round)
    for text in ("比例待定，每年1次", "暂定5%", "抽查比例暂定为3%，频次另行通知"):
        value = parse("quota", text)
        assert isinstance(value, Quota) and value.review, (text, value)
    # 未确定 naming a kind of object is not an undecided number
    value = parse("quota", "对未确定风险等级的企业按5%抽查")
    assert "尚未确定" not in (getattr(value, "review", None) or ""), value


def test_the_kinds_a_list_names_are_the_kinds_a_label_names():
    """fields._KIND (分别 lists) and the grammar's KIND_LABEL name the same kinds of object."""
    import re

    from conftest import REPO

    from planlint.fields import _KIND

    grammar = (REPO / "grammar" / "fields.lark").read_text(encoding="utf-8")
    label = next(line for line in grammar.splitlines() if line.startswith("KIND_LABEL"))
    heads = re.compile(r"\(\?:(农民专业合作社\|[^)]*)\)")
    assert heads.search(label).group(1) == heads.search(_KIND).group(1)


@pytest.mark.parametrize(
    ("text", "tiers"),
    [
        ("守信企业1%，失信企业10%", [("A", "1"), ("C", "10")]),
        ("警示企业5%，严重失信企业100%", [("B", "5"), ("D", "100")]),
        (
            "守信主体1%，警示主体3%，失信主体10%，严重失信主体100%",
            [("A", "1"), ("B", "3"), ("C", "10"), ("D", "100")],
        ),
        ("对守信企业按1%抽取，对失信企业按10%抽取", [("A", "1"), ("C", "10")]),
    ],
)
def test_credit_tiers_before_ratios_are_tiers_not_kinds(text, tiers):
    """守信/警示/失信/严重失信 name credit tiers (A–D), not kinds of object: the ratios are the tiers',
    for the tier rules to check, not a ratio per kind whose lowest becomes the task's."""
    value = parse("quota", text)
    assert isinstance(value, Quota) and value.by_kind == (), value
    assert [(s.tier, str(s.ratio.low)) for s in value.tiers] == tiers


def test_kinds_beside_credit_tiers_stay_kinds():
    value = parse("quota", "企业5%，个体工商户1%")
    assert isinstance(value, Quota) and value.tiers == ()
    assert [kind for kind, _ in value.by_kind] == ["企业", "个体工商户"]


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("百分之三至五", "3", "5"),
        ("百分之三至百分之五", "3", "5"),
        ("百分之十至二十；每年一次", "10", "20"),
        ("千分之三至千分之五", "0.3", "0.5"),
    ],
)
def test_a_spelled_out_range_of_ratios(text, low, high):
    """Review of this round: 百分之三至五 was 「缺少范围的上限」 (the upper end left in numerals)."""
    value = parse("quota", text)
    assert isinstance(value, Quota) and value.ratio == Ratio(Decimal(low), Decimal(high), "range"), value


def test_a_spelled_ratio_before_a_month_keeps_the_month():
    # 五月 after a dash is a month, not the upper end of the ratio: not rewritten
    assert normalize("百分之三至五月") == "3%-五月"
