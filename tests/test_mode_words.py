"""抽查检查模式 wordings read as a class, each family pinned by made-up variants: the township level in a
mode (县抽乡查, 县局抽取、各市场监管所检查, 乡镇自查), a leading level written before the levels that run the
task (市局牵头，县区局自行组织发起, read as its reverse order reads), and a window from the notice's date
(自即日起 alone, 即日起至11月底). For one variant of each family, the finding a small plan gets, or its
absence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import Workbook

from planlint.engine import RunOptions, run
from planlint.fields import parse
from planlint.values import DatePoint, Mode, ParseError, Window

P, C, K, T = "province", "city", "county", "township"
HEAD = ["序号", "抽查任务名称", "抽查事项", "抽查对象范围", "抽查比例", "抽查时间"]
FOOD = ["食品销售抽查", "食品销售检查"]
FUEL = ["加油站抽查", "成品油质量检查"]
LIFT = ["电梯使用单位抽查", "电梯使用单位安全管理检查"]
COUNTY = "泽州县市场监督管理局2025年度双随机抽查工作计划"
STATION = "泽州县市场监督管理局巴公市场监督管理所2025年度双随机抽查工作计划"
CITY = "晋城市市场监督管理局2025年度双随机抽查工作计划"


def _pairs(text: str) -> list[tuple[str | None, str | None]]:
    value = parse("mode", text)
    assert isinstance(value, Mode), value
    return [(p.select, p.inspect) for p in value.pairs]


def xlsx(tmp_path: Path, title: str, rows: list[list[str]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    for row in rows:
        ws.append(row)
    path = tmp_path / f"{title}.xlsx"
    wb.save(path)
    return path


def findings(paths: list[Path], slugs: tuple[str, ...], superior: Path | None = None):
    options = RunOptions(use_config=False, superior=(str(superior),) if superior else (), select=slugs)
    return run([str(p) for p in paths], options).findings


_SUP_SEQ = re.compile(r"上级计划任务(\S+?)「")


def _key(f) -> tuple[str, str, str]:
    """(slug, task, severity); a missing superior task is named by its number in the superior's plan."""
    if f.slug == "superior-task-missing":
        m = _SUP_SEQ.search(f.message)
        return f.slug, "superior:" + (m[1] if m else "?"), f.severity
    return f.slug, f.task_seq or "", f.severity


# -- 1. the township level: 乡, 镇, 乡镇, 街道, 所, 市场监管所 --------------------------------------------


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        # the county draws, its townships or stations inspect
        ("县抽乡查", [(K, T)]),
        ("县抽所查", [(K, T)]),
        ("区抽镇查", [(K, T)]),
        ("县抽乡镇(街道)查", [(K, T)]),
        ("县局抽取、乡镇所检查", [(K, T)]),
        ("县局抽取各市场监管所检查", [(K, T)]),
        ("县局抽取、各乡镇（街道）检查", [(K, T)]),
        ("区局发起，基层所实施", [(K, T)]),
        ("县市场监督管理局组织发起，各市场监督管理所负责实施", [(K, T)]),
        ("县抽县查、县抽所查", [(K, K), (K, T)]),
        # the township level draws and inspects its own
        ("所抽所查", [(T, T)]),
        ("乡抽乡查", [(T, T)]),
        ("乡镇自查", [(T, T)]),
        ("各街道自行检查", [(T, T)]),
        ("各市场监管所自行组织实施", [(T, T)]),
        ("各乡镇（街道）自行组织发起", [(T, T)]),
        ("县、乡镇分别组织实施", [(K, K), (T, T)]),
        # a station named after its county is the county's station, not the county beside it
        ("县市场监管所检查", [(None, T)]),
        # the county bureau's own words stay the county's
        ("县局组织实施", [(K, K)]),
        ("县市场监督管理局组织实施", [(K, K)]),
    ],
)
def test_township_words_are_the_township_level(text, pairs):
    assert _pairs(text) == pairs


@pytest.mark.parametrize(
    "text",
    # 所 inside other words is no station: 所属, 所有, 所在 (and 村 is no level at all)
    ["县局抽取、所属单位检查", "县局抽取，所有企业检查", "县抽村查", "所在地检查"],
)
def test_words_holding_suo_are_not_stations(text):
    assert isinstance(parse("mode", text), ParseError)


def test_a_county_plans_township_modes_are_its_own_part(tmp_path):
    """A county plan whose stations inspect, or draw and inspect, carries its part: no unreadable mode
    and no inspection above its level."""
    modes = ["县抽乡查", "县局抽取、各市场监管所检查", "所抽所查", "乡镇自查"]
    rows = [[*HEAD, "抽查检查模式"]]
    rows += [
        [str(i), f"任务{i}", "登记事项检查", "企业", "3%", "4月至10月", m] for i, m in enumerate(modes, 1)
    ]
    path = xlsx(tmp_path, COUNTY, rows)
    assert findings([path], ("mode-unparseable", "mode-level-mismatch")) == []


def test_a_station_plan_against_its_countys_township_modes(tmp_path):
    """Read by the grammar now (no 发起方式 column to fall back on): what the county draws for its stations
    to inspect (县局抽取各市场监管所检查) is re-initiated by the station's plan (a warning); what each
    township runs itself (乡镇自查, which no 自行/组织/发起 word says) is missing from it."""
    county = xlsx(
        tmp_path,
        COUNTY,
        [
            [*HEAD, "抽查检查模式"],
            ["1", *FUEL, "辖区加油站", "10%", "3月-11月", "县局抽取各市场监管所检查"],
            ["2", *LIFT, "电梯使用单位", "5%", "3月-11月", "乡镇自查"],
        ],
    )
    station = xlsx(tmp_path, STATION, [HEAD, ["1", *FUEL, "辖区加油站", "10%", "3月-10月"]])
    got = findings([station], ("superior-task-duplicated", "superior-task-missing"), superior=county)
    assert sorted(_key(f) for f in got) == [
        ("superior-task-duplicated", "1", "warning"),
        ("superior-task-missing", "superior:2", "warning"),
    ]


# -- 2. a leading level written first -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reverse", "pairs"),
    [
        ("市局牵头，县区局自行组织发起", "县区局自行组织发起，市局牵头", [(K, K)]),
        ("市局统筹、各县区局自行组织实施", "各县区局自行组织实施、市局统筹", [(K, K)]),
        ("省局部署，市县分别组织实施", "市县分别组织实施，省局部署", [(C, C), (K, K)]),
        ("省局统筹，市、县级分别组织发起", "市、县级分别组织发起，省局统筹", [(C, C), (K, K)]),
        ("市局牵头，县区局、开发区分局自行组织发起", "县区局、开发区分局自行组织发起，市局牵头", [(K, K)]),
        ("市局牵头，交由县局自行组织实施", "县局自行组织实施，市局牵头", [(K, K)]),
        ("县局统筹，各市场监管所自行组织实施", "各市场监管所自行组织实施，县局统筹", [(T, T)]),
        # a drawing word keeps the leading level's draw, as it does after
        ("市局抽取，县局自行组织发起", "县局自行组织发起、市局抽取", [(C, None), (K, K)]),
    ],
)
def test_a_leading_level_reads_as_its_reverse_order(text, reverse, pairs):
    assert _pairs(text) == pairs
    assert sorted(_pairs(reverse), key=str) == sorted(pairs, key=str)


def test_what_a_city_leads_and_its_counties_run_is_each_countys(tmp_path):
    """市局牵头，县区局自行组织发起 in a city's plan is each county's task: a county plan lacking it
    misses it (before, the mode did not read and nothing was said)."""
    city = xlsx(
        tmp_path,
        CITY,
        [
            [*HEAD, "抽查检查模式"],
            ["1", *FOOD, "辖区食品销售者", "5%", "3月-11月", "市局牵头，县区局自行组织发起"],
            ["2", *LIFT, "电梯使用单位", "5%", "3月-11月", "省局部署，市县分别组织实施"],
        ],
    )
    assert findings([city], ("mode-unparseable",)) == []
    county = xlsx(
        tmp_path, COUNTY, [HEAD, ["1", "广告发布抽查", "广告发布检查", "广告发布者", "5%", "3月-11月"]]
    )
    got = findings([county], ("superior-task-missing",), superior=city)
    assert sorted(_key(f) for f in got) == [
        ("superior-task-missing", "superior:1", "warning"),
        ("superior-task-missing", "superior:2", "warning"),
    ]


# -- 3. the notice's date: 即日起 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("即日起至11月底", DatePoint(11, part="底")),
        ("自即日起至11月30日", DatePoint(11, 30)),
        ("从即日起至10月31日前完成", DatePoint(10, 31)),
        ("即日开始至11月底完成", DatePoint(11, part="底")),
        ("自发文之日起至2025年11月30日", DatePoint(11, 30, 2025)),
        ("即日起至11.30", DatePoint(11, 30)),
        ("即日起至年底", DatePoint(12, part="底")),
    ],
)
def test_from_the_notice_to_a_date_is_that_deadline(text, end):
    """The start is the notice's date, which the cell does not state: the window knows its end only."""
    window = parse("window", text)
    assert isinstance(window, Window), window
    assert window.deadline_only and not window.open_end and window.end == end


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("自即日起", "即日起"),
        ("即日起", "即日起"),
        ("从即日起开展", "即日起"),
        ("即日起实施检查", "即日起"),
        ("自印发之日起", "印发之日起"),
        ("即日开始(各所按月安排)", "即日开始"),
    ],
)
def test_from_the_notice_alone_is_an_open_window(text, label):
    """Neither end is stated: read as the year with its end left open, named by its wording."""
    window = parse("window", text)
    assert isinstance(window, Window), window
    assert window.open_end and not window.deadline_only and window.label == label
    assert (window.start, window.end) == (DatePoint(1), DatePoint(12, part="底"))
    assert parse("window", window.canonical()) == window


def test_a_window_from_the_notice_alone_asks_for_its_dates(tmp_path):
    """自即日起 is a warning asking for the end (window-open-end), never window-invalid, and no deadline
    finding rests on the year's end it is read to; 即日起至11月底 gets neither."""
    path = xlsx(
        tmp_path,
        COUNTY,
        [
            HEAD,
            ["1", *FOOD, "辖区食品销售者", "5%", "自即日起"],
            ["2", *FUEL, "辖区加油站", "10%", "即日起至11月底"],
        ],
    )
    got = findings(
        [path], ("window-open-end", "window-invalid", "window-after-deadline", "publicity-after-year-end")
    )
    assert [_key(f) for f in got] == [("window-open-end", "1", "warning")]
    (hit,) = got
    assert (
        "即日起" in hit.message and hit.fix is not None and hit.fix.startswith("写明结束时间，例如「即日起至")
    )


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        # a verb between the bureau and 分局: the bureau draws, its branches inspect
        ("市局抽取各县分局检查", [(C, K)]),
        ("市局组织各分局实施", [(C, K)]),
        # no verb between: the branches are the county level, running the task themselves
        ("市局各园区分局自行组织发起", [(K, K)]),
        ("市局高新区分局自行组织发起", [(K, K)]),
        ("市局直属分局检查", [(None, K)]),
    ],
)
def test_a_branch_word_does_not_swallow_the_drawing_level(text, pairs):
    """Review of this round: BRANCH took 市局抽取各县分局 as one branch word, losing the city's draw."""
    assert _pairs(text) == pairs
