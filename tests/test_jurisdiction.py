"""Jurisdiction and cross-plan rules on plans from any level and place: the mode families real plans
write (who draws, who inspects, each level on its own), modes and cross-plan roles that follow from
them, the office column as the task's lead, place names shared by a county and its city, the layers
note for a plan whose place or year is unknown, and city + county pairs judged by hand
(tests/fixtures/unseen/pairs/)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook

from planlint.engine import RunOptions, run
from planlint.fields import parse
from planlint.layers import department_of, explain_plan_layers
from planlint.pipeline import load_plans
from planlint.places import gazetteer
from planlint.plan import PlanMeta
from planlint.rules.primitives.crossplan import city_role, for_counties
from planlint.values import Mode, ModePair

REPO = Path(__file__).resolve().parents[1]
PAIRS = REPO / "tests" / "fixtures" / "unseen" / "pairs"
HEAD = ["序号", "抽查任务名称", "抽查事项", "抽查对象范围", "抽查比例", "抽查时间"]


def xlsx(tmp_path: Path, title: str, rows: list[list[str]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append([title])
    for row in rows:
        ws.append(row)
    path = tmp_path / f"{title}.xlsx"
    wb.save(path)
    return path


def findings(paths: list[Path], slugs: tuple[str, ...], superior: Path | None = None, **meta):
    options = RunOptions(
        use_config=False,
        meta=meta,
        superior=(str(superior),) if superior else (),
        select=slugs,
    )
    return run([str(p) for p in paths], options).findings


# -- 1. mode families ---------------------------------------------------------------------------

C, P, K = "city", "province", "county"


@pytest.mark.parametrize(
    "text, pairs",
    [
        # who draws only: the inspecting level is left to another column
        ("市局抽取", [(C, None)]),
        ("市级统一组织发起", [(C, None)]),
        ("省级统一组织发起", [(P, None)]),
        ("省局随机抽取", [(P, None)]),
        ("市级组织", [(C, None)]),
        # the level draws and inspects itself
        ("县局自行抽取", [(K, K)]),
        ("县(区)级自行组织发起", [(K, K)]),
        ("区局自行组织实施", [(K, K)]),
        # each level named draws and inspects its own
        ("市、县(区)级分别组织发起", [(C, C), (K, K)]),
        ("市、县级分别自行组织实施", [(C, C), (K, K)]),
        # one drawing level, several inspecting ones
        ("省抽市县查", [(P, C), (P, K)]),
        ("省抽市、县查", [(P, C), (P, K)]),
        # who draws, then one or more inspecting levels
        ("市局统筹、县局实施", [(C, K)]),
        ("市局牵头，县区局实施", [(C, K)]),
        ("市级抽取,县(区)级检查", [(C, K)]),
        ("省局抽取，市县局检查", [(P, C), (P, K)]),
        # the families that already read stay as they were
        ("省局抽取、市局检查", [(P, C)]),
        ("市局组织、区局实施", [(C, K)]),
        ("市级发起,下派区级检查", [(C, K)]),
        ("市抽市查、市抽县(区)查", [(C, C), (C, K)]),
        ("市县(区)级", [(None, C), (None, K)]),
        ("县级组织实施", [(K, K)]),
    ],
)
def test_mode_families(text, pairs):
    value = parse("mode", text)
    assert isinstance(value, Mode), value
    assert [(p.select, p.inspect) for p in value.pairs] == pairs


def test_a_pair_names_at_least_one_level():
    assert ModePair("city", None).level == "city" and ModePair(None, "county").level == "county"
    assert ModePair("city", None).canonical() == "市级抽取"


@pytest.mark.parametrize("text", ["联合抽查", "上下联动"])
def test_wordings_naming_how_not_who_have_no_level_pair(text):
    value = parse("mode", text)
    assert isinstance(value, Mode) and value.styles and not value.pairs and not value.relative


def test_a_level_pair_cut_short_stays_unreadable():
    assert not isinstance(parse("mode", "市抽县"), Mode)


def _county_modes(tmp_path: Path, title: str, modes: list[str]) -> Path:
    rows = [[*HEAD, "抽查检查模式"]]
    rows += [
        [str(i), f"任务{i}", "登记事项检查", "企业", "3%", "4月至10月", m] for i, m in enumerate(modes, 1)
    ]
    return xlsx(tmp_path, title, rows)


def test_mode_level_judges_the_plans_own_part(tmp_path):
    """省抽市县查 or 市抽市查、市抽县(区)查 in a county plan: the county carries its part; who draws
    (市局抽取, 省级统一组织发起) says nothing about who inspects. 市抽市查 alone is still wrong."""
    path = _county_modes(
        tmp_path,
        "武义县市场监督管理局2025年度双随机抽查工作计划",
        ["省抽市县查", "市抽市查、市抽县(区)查", "市局抽取", "省级统一组织发起", "市抽市查", "县局自行抽取"],
    )
    hits = findings([path], ("mode-level-mismatch", "mode-unparseable"))
    assert [(f.slug, f.location.cell) for f in hits] == [("mode-level-mismatch", "G7")]


# -- 1b. the superior's role in cross-plan checks -------------------------------------------------


def _city_task(tmp_path: Path, header: dict[str, str], row: dict[str, str]):
    keys = list(header)
    path = xlsx(
        tmp_path,
        "某市市场监督管理局2025年度双随机抽查工作计划",
        [
            ["序号", "抽查任务名称", *[header[k] for k in keys]],
            ["1", "食品销售抽查", *[row[k] for k in keys]],
        ],
    )
    (plan,) = load_plans(str(path))
    return plan.tasks[0]


@pytest.mark.parametrize(
    "header, row, role, counties",
    [
        # the city draws; the inspector column names the counties
        (
            {"mode": "抽查检查模式", "inspector": "检查主体"},
            {"mode": "市局抽取", "inspector": "各县（区）局"},
            "county-inspects",
            False,
        ),
        # the city draws; nobody says who inspects
        ({"mode": "抽查检查模式"}, {"mode": "市级统一组织发起"}, "city-draws", False),
        # the city draws and inspects (the inspecting level in a 配合单位(抽查层级) column: the real 池州 layout)
        (
            {"initiator": "发起方式(牵头指导科室)", "partner": "配合单位(抽查层级)"},
            {"initiator": "市级统一组织发起(食品科指导)", "partner": "市市场监督管理局"},
            "city-inspects",
            False,
        ),
        (
            {"initiator": "发起方式(牵头指导科室)", "partner": "配合单位(抽查层级)"},
            {"initiator": "市级统一组织发起(食品科指导)", "partner": "县(市、区)级市场监管部门"},
            "county-inspects",
            False,
        ),
        # each level initiates its own; the counties initiate theirs
        (
            {"initiator": "发起方式(牵头指导科室)"},
            {"initiator": "市、县(区)级分别组织发起(特设科指导)"},
            None,
            True,
        ),
        (
            {"initiator": "发起方式(牵头指导科室)"},
            {"initiator": "县(区)级自行组织发起(计量科指导)"},
            None,
            True,
        ),
        ({"mode": "抽查检查模式"}, {"mode": "市、县(区)级分别组织发起"}, None, True),
    ],
)
def test_city_role_from_every_mode_family(tmp_path, header, row, role, counties):
    task = _city_task(tmp_path, header, row)
    assert city_role(task) == role
    assert for_counties(task) is counties


@pytest.mark.parametrize(
    "initiator, role, counties",
    [
        ("本级统一组织发起", "city-draws", False),
        ("本级抽取、下级检查", "county-inspects", False),
        ("本级发起、本级检查", "city-inspects", False),
        ("下级自行组织发起", None, True),
    ],
)
def test_a_relative_initiation_is_read_at_the_superiors_level(tmp_path, initiator, role, counties):
    """A 发起方式 naming levels relative to its plan (本级, 下级) means the city's levels in a city's
    plan: without that plan's level it says nothing about who draws (no role; not for the counties)."""
    task = _city_task(tmp_path, {"initiator": "发起方式"}, {"initiator": initiator})
    city = PlanMeta(level="city")
    assert city_role(task, "county", city) == role
    assert for_counties(task, "county", city) is counties
    assert city_role(task) is None and for_counties(task) is False


MODE_HEAD = [*HEAD, "抽查检查模式"]
FOOD = ["食品销售经营者监督检查", "食品销售经营者的监督检查"]
FUEL = ["加油站计量监督检查", "加油站计量器具检查"]


def _superior_task_findings(tmp_path: Path, superior: str, own: str, modes: tuple[str, str]) -> list:
    """superior-task-duplicated on a 2024 plan of `own` whose two tasks (食品销售, 加油站) are the two
    tasks of `superior`'s plan, run there in `modes`."""
    sup_rows = [MODE_HEAD, ["1", *FOOD, "辖区食品销售者", "5%", "3月-11月", modes[0]]]
    sup_rows.append(["2", *FUEL, "辖区加油站", "10%", "3月-11月", modes[1]])
    sup = xlsx(tmp_path, f"{superior}市场监督管理局2024年度双随机抽查工作计划", sup_rows)
    rows = [
        HEAD,
        ["1", *FOOD, "辖区食品销售者", "6%", "3月-11月"],
        ["2", *FUEL, "辖区加油站", "12%", "3月-10月"],
    ]
    plan = xlsx(tmp_path, f"{own}市场监督管理局2024年度双随机抽查工作计划", rows)
    return findings([plan], ("superior-task-duplicated",), superior=sup)


@pytest.mark.parametrize(
    "superior, county, modes",
    [
        # a 州 whose 市 is a county-level city: 州抽市查 sends 景洪市 to inspect, 州抽州查 is the 州's own
        ("西双版纳州", "景洪市", ("州抽市查", "州抽州查")),
        # a 盟 and its 旗
        ("锡林郭勒盟", "锡林浩特市", ("盟抽市查", "盟抽盟查")),
        # a 直辖市's district: the municipality's 市 is itself, its 区 the county level
        ("重庆市", "渝中区", ("市抽区查", "市抽市查")),
        ("北京市", "朝阳区", ("市抽区查", "市抽市查")),
    ],
)
def test_a_prefecture_or_municipality_mode_is_read_with_its_own_level_words(
    tmp_path, superior, county, modes
):
    """The superior's mode is read as the superior means it: a county task on what the superior sends
    its counties to inspect re-initiates it (warning); one on what the superior inspects itself is a
    possible overlap (info)."""
    found = _superior_task_findings(tmp_path, superior, county, (modes[0], modes[1]))
    assert sorted((f.task_seq, f.severity) for f in found) == [("1", "warning"), ("2", "info")]


@pytest.mark.parametrize(
    "region, city, modes",
    [
        ("广西壮族自治区", "南宁市", ("区抽市查", "区抽区查")),
        ("宁夏回族自治区", "银川市", ("自治区抽市县查", "自治区抽自治区查")),
        ("新疆维吾尔自治区", "乌鲁木齐市", ("区局抽取、市县局检查", "区抽区查")),
    ],
)
def test_an_autonomous_regions_district_word_draws_as_the_region(tmp_path, region, city, modes):
    """In an autonomous region's plan 区 (区局) is the region: 区抽市查 sends its cities to inspect,
    so a city's own task on it re-initiates the region's (warning); 区抽区查 is the region's own
    inspection (info), as 省抽省查 is a province's."""
    found = _superior_task_findings(tmp_path, region, city, (modes[0], modes[1]))
    assert sorted((f.task_seq, f.severity) for f in found) == [("1", "warning"), ("2", "info")]


def test_an_autonomous_region_is_a_level_word_of_a_mode():
    value = parse("mode", "自治区抽市县查")
    assert isinstance(value, Mode)
    assert [(p.select, p.inspect) for p in value.pairs] == [(P, C), (P, K)]
    assert [(p.select, p.inspect) for p in parse("mode", "自抽自查").relative] == [("own", "own")]


@pytest.mark.parametrize("county", ["仙桃市", "潜江市"])
def test_a_county_level_city_under_the_province_stands_where_a_city_does(tmp_path, county):
    """省抽市查 in 湖北省's plan sends 仙桃市 (directly under the province) to inspect: its own task on
    it re-initiates the province's (warning); 省抽省查 is the province's own (info)."""
    found = _superior_task_findings(tmp_path, "湖北省", county, ("省抽市查", "省抽省查"))
    assert sorted((f.task_seq, f.severity) for f in found) == [("1", "warning"), ("2", "info")]


# -- 4. the office column is the task's lead ----------------------------------------------------


@pytest.mark.parametrize(
    "title, lead, partner, rows, severity",
    [
        # a joint plan without a 发起部门 column: the 牵头股室 is the initiator
        (
            "某县市场监管领域2025年度部门联合双随机抽查工作计划",
            "牵头股室",
            "配合部门",
            [("某县市场监督管理局", "某县市场监管局"), ("某县市场监督管理局", "某县商务局")],
            "error",
        ),
        # an internal plan: a partner office repeating the leading office is a slip, a warning
        (
            "某县市场监督管理局2025年度双随机抽查工作计划",
            "牵头科室",
            "配合科室",
            [("食品股", "食品股"), ("特设股", "食品股")],
            "warning",
        ),
    ],
)
def test_partner_equal_to_the_office_column(tmp_path, title, lead, partner, rows, severity):
    table = [[*HEAD, lead, partner]]
    table += [
        [str(i), f"任务{i}", "检查", "对象", "5%", "3月至11月", a, b] for i, (a, b) in enumerate(rows, 1)
    ]
    hits = findings([xlsx(tmp_path, title, table)], ("partner-same-as-initiator",))
    assert [(f.location.cell, f.severity) for f in hits] == [("H3", severity)]


# -- 3. place names -----------------------------------------------------------------------------


def _names_plan(tmp_path: Path, title: str, inspectors: list[str]) -> Path:
    rows = [[*HEAD, "检查主体"]]
    rows += [
        [str(i), f"任务{i}", "登记事项检查", "企业", "3%", "4月至10月", x]
        for i, x in enumerate(inspectors, 1)
    ]
    return xlsx(tmp_path, title, rows)


@pytest.mark.parametrize(
    "title, inspector",
    [
        # a county named like its city, a district named like its city, a city named like its province
        ("抚顺县市场监督管理局2025年度双随机抽查工作计划", "抚顺市市场监督管理局、抚顺县市场监督管理局"),
        ("荆州市荆州区市场监督管理局2025年度双随机抽查工作计划", "荆州市市场监督管理局"),
        ("吉林市市场监督管理局2025年度双随机抽查工作计划", "吉林省市场监督管理局"),
        ("黄山市黄山区市场监督管理局2025年度双随机抽查工作计划", "黄山市市场监督管理局"),
        # 区域 is not a suffix
        ("泽州县市场监督管理局2025年度双随机抽查工作计划", "泽州区域内集贸市场"),
    ],
)
def test_a_real_division_sharing_the_plans_stem_is_not_a_wrong_place(tmp_path, title, inspector):
    path = _names_plan(tmp_path, title, [inspector])
    assert not findings([path], ("place-mismatch",))


def test_a_wrong_suffix_beside_the_real_city_is_fixed_alone(tmp_path):
    path = _names_plan(
        tmp_path, "抚顺县市场监督管理局2025年度双随机抽查工作计划", ["抚顺市局指导，抚顺区市场监管局实施"]
    )
    (hit,) = findings([path], ("place-mismatch",))
    assert "「抚顺区」" in hit.message
    assert "抚顺市局指导，抚顺县市场监管局实施" in hit.fix


# -- 2. layers: unknown place or year -----------------------------------------------------------


@pytest.mark.parametrize(
    "meta, words",
    [
        (PlanMeta(title="某市2024年度计划", year=2024), "所在地未能识别"),
        (PlanMeta(title="应城市计划", place="应城市", region=("应城市", "孝感市", "湖北省")), "年度未能识别"),
        (PlanMeta(title="计划"), "所在地和年度未能识别"),
    ],
)
def test_explain_layers_says_what_could_not_be_decided(meta, words):
    lines = explain_plan_layers("计划.xlsx", meta, ("全国·不限年度（default）",), ())
    assert any(words in line and "只适用全国要求" in line for line in lines)


def test_explain_layers_for_a_known_place_and_year_has_no_unknown_note():
    meta = PlanMeta(title="x", place="泽州县", region=("泽州县", "晋城市", "山西省"), year=2025)
    lines = explain_plan_layers("x.xlsx", meta, ("全国", "山西", "晋城"), ())
    assert not any("未能识别" in line for line in lines)


@pytest.mark.parametrize(
    "place, region, words",
    [
        (
            "甘肃兰州新区",
            ("甘肃兰州新区", "兰州市", "甘肃省"),
            "为功能区，层级和上级按国务院关于同意设立兰州新区的批复",
        ),
        ("合肥高新技术产业开发区", ("合肥高新技术产业开发区", "合肥市", "安徽省"), "统计用区划代码"),
        (
            "太谷县",
            ("太谷县", "晋中市", "山西省"),
            "为旧称，2019年撤县设区为太谷区（行政区划网年度汇总（国函〔2019〕104号））",
        ),
    ],
)
def test_explain_layers_says_where_a_zone_or_a_former_name_is_placed_from(place, region, words):
    meta = PlanMeta(title="x", place=place, region=region, year=2024)
    assert any(words in line for line in explain_plan_layers("x.xlsx", meta, ("全国",), ()))


# -- 5. city + county pairs judged by hand ------------------------------------------------------

_SUP_SEQ = re.compile(r"上级计划任务(\S+?)「")
CROSS_PLAN = (
    "superior-task-duplicated",
    "superior-task-missing",
    "quota-below-superior",
    "window-outside-superior",
)


def _key(f) -> tuple[str, str, str]:
    if f.slug == "superior-task-missing":
        m = _SUP_SEQ.search(f.message)
        return (f.slug, "superior:" + (m[1] if m else "?"), f.severity)
    return (f.slug, f.task_seq or "", f.severity)


def _expected_key(e: dict) -> tuple[str, str, str]:
    where = "superior:" + e["superior_task"] if "superior_task" in e else e["task"]
    return (e["slug"], where, e["severity"])


PAIR_SPECS = yaml.safe_load((PAIRS / "pairs.yaml").read_text(encoding="utf-8"))["pairs"]


@pytest.mark.parametrize("pair", PAIR_SPECS, ids=[p["name"] for p in PAIR_SPECS])
def test_city_county_pair_findings_are_the_judged_ones(pair):
    meta = {"year": pair["year"]} if "year" in pair else {}
    got = findings([REPO / pair["county"]], CROSS_PLAN, superior=REPO / pair["superior"], **meta)
    expected = {_expected_key(e) for e in pair["expected"]}
    assert sorted(_key(f) for f in got) == sorted(expected)


def test_precision_over_all_pairs_is_measured():
    """Right findings / all findings over every pair (the number in the report)."""
    right = total = 0
    for pair in PAIR_SPECS:
        meta = {"year": pair["year"]} if "year" in pair else {}
        got = findings([REPO / pair["county"]], CROSS_PLAN, superior=REPO / pair["superior"], **meta)
        expected = {_expected_key(e) for e in pair["expected"]}
        total += len(got)
        right += sum(_key(f) in expected for f in got)
    assert total and right / total == 1.0


# -- 1c. a city's plan against its province's ---------------------------------------------------


def test_city_plan_against_its_provinces_plan(tmp_path):
    """The cross-plan rules hold at every level: a city's plan against the province's, whose 地市
    column says which rows are this city's (大同市's row is not 太原市's to carry)."""
    head = ["地市", *HEAD, "发起部门", "抽查检查模式"]
    province = xlsx(
        tmp_path,
        "山西省市场监督管理局2025年度双随机抽查工作计划",
        [
            head,
            [
                "太原市",
                "1",
                "旅行社经营情况抽查",
                "旅行社证照情况检查",
                "旅行社",
                "3%",
                "1月至11月",
                "市文旅局",
                "市抽市查",
            ],
            [
                "大同市",
                "2",
                "农药经营主体抽查",
                "农药经营许可检查",
                "农药经营主体",
                "5%",
                "3月至6月",
                "市农业农村局",
                "市抽市查",
            ],
            [
                "全省",
                "3",
                "食品销售者抽查",
                "食品销售者进货查验检查",
                "食品销售者",
                "5%",
                "4月至10月",
                "省市场监督管理局",
                "省抽市查",
            ],
            [
                "全省",
                "4",
                "电梯使用单位抽查",
                "电梯使用单位安全管理检查",
                "电梯使用单位",
                "5%",
                "3月至11月",
                "各市组织发起",
                "市抽市查",
            ],
        ],
    )
    city = xlsx(
        tmp_path,
        "太原市市场监督管理局2025年度双随机抽查工作计划",
        [
            [*HEAD, "抽查检查模式"],
            ["1", "旅行社经营情况抽查", "旅行社证照情况检查", "本市旅行社", "1%", "1月至11月", "市抽市查"],
            [
                "2",
                "食品销售者抽查",
                "食品销售者进货查验检查",
                "本市食品销售者",
                "5%",
                "4月至10月",
                "市抽县查",
            ],
        ],
    )
    got = findings([city], CROSS_PLAN, superior=province)
    assert sorted(_key(f) for f in got) == [
        ("quota-below-superior", "1", "warning"),
        ("superior-task-duplicated", "2", "warning"),
        ("superior-task-missing", "superior:4", "warning"),
    ]
    (missing,) = [f for f in got if f.slug == "superior-task-missing"]
    assert "要求各市发起" in missing.message


def test_a_plan_of_the_same_level_is_not_a_superior(tmp_path):
    rows = [
        [*HEAD, "发起部门"],
        [
            "1",
            "电梯使用单位抽查",
            "电梯使用单位安全管理检查",
            "电梯使用单位",
            "5%",
            "3月至11月",
            "各地组织发起",
        ],
    ]
    other = xlsx(tmp_path, "大同市市场监督管理局2025年度双随机抽查工作计划", rows)
    city = xlsx(
        tmp_path,
        "太原市市场监督管理局2025年度双随机抽查工作计划",
        [rows[0], ["1", "x", "y", "z", "5%", "3月至11月", "市局"]],
    )
    assert not findings([city], CROSS_PLAN, superior=other)


def test_no_division_of_the_gazetteer_flags_the_places_above_it():
    """Every county, city and province of the gazetteer: a cell naming the bureau of any place above
    the plan's (抚顺市 for 抚顺县, 黑龙江省 for 龙江县) is not a wrong place name."""
    from planlint.meta import gazetteer
    from planlint.rules.primitives.consistency import _inside_real_place, _wrong_place

    places = gazetteer()
    flagged = []
    for place in places.by_code.values():
        wrong = _wrong_place(place.name)
        for above in places.chain(place)[1:] if wrong is not None else ():
            text = f"{above}市场监督管理局"
            flagged += [
                (place.name, above) for m in wrong.finditer(text) if not _inside_real_place(text, *m.span())
            ]
    assert flagged == []


@pytest.mark.parametrize("mode", ["省抽县查", "省级统一组织发起", "省局随机抽取"])
def test_coverage_left_to_the_province_when_its_mode_says_the_province_draws(tmp_path, mode):
    path = xlsx(
        tmp_path,
        "泽州县市场监督管理局2025年度双随机抽查工作计划",
        [
            [*HEAD, "抽查检查模式"],
            ["1", "企业双随机抽查", "登记事项检查", "全县企业", "1%", "3月至10月", mode],
        ],
    )
    pop = tmp_path / "pop.csv"
    pop.write_text(
        "地区,对象范围,类别,数量\n泽州县,合计,企业,20000\n泽州县,全县企业,企业,20000\n", encoding="utf-8"
    )
    options = RunOptions(use_config=False, select=("coverage-below-target",), population=str(pop))
    result = run([str(path)], options)
    assert result.findings == []
    assert any("由省级统一抽取" in n for n in result.notes)


# -- 2b. another department's plan: 市场监管总局 documents do not bind it --------------------------


@pytest.mark.parametrize(
    "title, department",
    [
        ("广州市教育局2021年度“双随机、一公开”本部门抽查工作计划表", "教育局"),
        ("黄山市农业农村局2024年度部门联合抽查工作计划", "农业农村局"),
        ("某县市场监督管理局2025年度双随机抽查工作计划", None),
        ("某市2024年度部门联合双随机抽查工作计划", None),
        # a plan named by its work, not its department
        ("2025年学校卫生随机监督抽查工作计划表", "卫生健康部门"),
        ("某区2024年度公共场所卫生双随机监督抽查计划", "卫生健康部门"),
        ("某县2024年度安全生产执法检查计划", "应急管理部门"),
        ("某县市场监督管理局2025年度食品安全双随机抽查工作计划", None),
        # a field named without its body is that field's department; a brigade or a 教体局 whole
        ("2024年度交通运输系统部门内部“双随机、一公开”抽查工作计划", "交通运输部门"),
        ("济宁高新区消防救援大队2024年度“双随机、一公开”抽查工作计划", "消防救援大队"),
        ("绵阳市涪城区教育和体育局2026年度行政检查计划统计表", "教育和体育局"),
        # 人民政府 is no 民政, 电子商务 no 商务; a township government is not market regulation
        ("某县人民政府2024年度部门联合双随机抽查工作计划", None),
        ("某市2024年度电子商务领域部门联合抽查计划", None),
        ("北京市朝阳区南磨房乡人民政府行政执法检查计划", "乡人民政府"),
        # a plan named by its field (城市管理领域) is that field's department's
        ("2023年度城市管理领域“双随机、一公开”检查计划", "城市管理部门"),
        ("某县综合行政执法局2024年度双随机抽查计划", "综合行政执法局"),
        # since 2025 the health system's random supervision is often the 疾控局's (辽疾控发〔2025〕13号)
        ("2025年盘锦市疾病预防控制局随机监督抽查计划", "疾病预防控制局"),
    ],
)
def test_the_issuing_department(title, department):
    assert department_of(PlanMeta(title=title)) == department


def test_a_samr_document_is_a_reference_for_another_departments_plan(tmp_path):
    rows = [[*HEAD], ["1", "学校食堂检查", "食品安全检查", "学校食堂", "10%", "2023年3月至11月"]]
    market = xlsx(tmp_path, "某县市场监督管理局2024年度双随机抽查工作计划", rows)
    education = xlsx(tmp_path, "某县教育局2024年度双随机抽查工作计划", rows)
    (own,) = findings([market], ("window-other-year",))
    (other,) = findings([education], ("window-other-year",))
    assert own.severity == "error" and "国市监信〔2019〕38号" in own.basis
    assert other.severity == "warning" and "本计划由教育局制定" in other.basis


def test_every_citation_of_a_samr_document_is_a_reference_for_another_departments_plan(tmp_path):
    # SURVEY J-4: the 2022 credit-risk opinion is cited as 《市场监管总局关于…》, not 市场监管总局 …
    rows = [[*HEAD], ["1", "公共场所卫生监督抽查", "公共场所卫生检查", "住宿场所", "10%", "2024年3月至11月"]]
    market = xlsx(tmp_path, "某县市场监督管理局2024年度双随机抽查工作计划", rows)
    health = xlsx(tmp_path, "某县卫生健康局2024年度双随机抽查工作计划", rows)
    (own,) = findings([market], ("risk-clause-absent",))
    (other,) = findings([health], ("risk-clause-absent",))
    assert own.basis.startswith("《市场监管总局") and "参照" not in own.basis
    assert other.basis.startswith("《市场监管总局") and "本计划由卫生健康局制定" in other.basis


def test_undirected_in_another_departments_plan_draws_from_its_own_register(tmp_path):
    # SURVEY S-3: 《企业公示信息抽查办法》第五条 defines 不定向 for market regulation's checks; another
    # department's 不定向 task draws from the whole register of its item, which its scope names
    head = ["序号", "任务名称", "任务类型", "抽查事项", "抽查对象范围", "抽查比例", "抽查时间"]
    rows = [
        head,
        [
            "1",
            "排污单位随机抽查",
            "不定向",
            "排污许可执行情况检查",
            "排放污染物的企业事业单位",
            "5%",
            "4月至10月",
        ],
        ["2", "建设项目随机抽查", "定向", "三同时落实情况检查", "企业", "5%", "4月至10月"],
    ]
    ecology = xlsx(tmp_path, "某市生态环境局2024年度双随机抽查计划", rows)
    market = xlsx(tmp_path, "某市市场监督管理局2024年度双随机抽查计划", rows)
    slugs = ("undirected-with-condition", "directed-without-condition")
    assert {(f.slug, f.location.cell) for f in findings([market], slugs)} == {
        ("undirected-with-condition", "E3"),
        ("directed-without-condition", "E4"),
    }
    # a 定向 task naming no condition is still told, whoever plans it
    assert {(f.slug, f.location.cell) for f in findings([ecology], slugs)} == {
        ("directed-without-condition", "E4")
    }


@pytest.mark.parametrize(
    ("title", "name", "level"),
    [
        # SURVEY J-6: an autonomous area's everyday name keeps its level's word, so it names the place
        # whatever bureau follows it (a short name such as 晋城 needs 市场监管's or a year's words)
        ("2021年楚雄州农业农村局双随机抽查工作计划", "楚雄彝族自治州", "city"),
        ("恩施州卫生健康委员会2024年度随机监督抽查计划", "恩施土家族苗族自治州", "city"),
        ("长阳县教育局2024年度双随机抽查工作计划", "长阳土家族自治县", "county"),
        ("延边州交通运输局2025年度双随机抽查计划", "延边朝鲜族自治州", "city"),
    ],
)
def test_an_autonomous_areas_everyday_name_before_any_bureau(title, name, level):
    found = gazetteer().find(title)
    assert found is not None and (found.name, found.level) == (name, level)


def test_a_plan_titled_as_a_list_keeps_its_title_and_department(tmp_path):
    # SURVEY J-8: a 事项清单 with a time per item is the year's plan; its title row (no 计划 in it) still
    # names who issued it, so a 工信局's plan is not read as market regulation's
    title = "某区工业和信息化局2022年“双随机、一公开”监管随机抽查事项清单"
    rows = [
        [*HEAD],
        ["1", "节能监察", "能耗限额标准执行情况检查", "重点用能企业", "20%,抽查1次", "2022年5月至10月"],
    ]
    path = xlsx(tmp_path, title, rows)
    (plan,) = load_plans(str(path))
    assert plan.meta.title == title and plan.meta.year == 2022
    assert department_of(plan.meta) == "工业和信息化局"
    (comma,) = findings([path], ("text-normalize",))
    assert "本计划由工业和信息化局制定" in comma.basis


# -- 6. township level: 乡, 镇, 街道 and a county bureau's 市场监管所, below the county ---------------


@pytest.mark.parametrize(
    ("title", "name", "chain", "kind"),
    [
        ("北京市朝阳区南磨房乡人民政府行政执法检查计划", "南磨房乡", ("朝阳区", "北京市"), "township"),
        ("泽州县巴公镇2025年度部门联合双随机抽查计划", "巴公镇", ("泽州县", "晋城市", "山西省"), "township"),
        ("杭州市西湖区北山街道2024年度行政检查计划", "北山街道", ("西湖区", "杭州市", "浙江省"), "township"),
        # a county bureau's station, named after the bureau or after the county alone
        (
            "泽州县市场监督管理局巴公市场监督管理所2025年度双随机抽查工作计划",
            "巴公市场监督管理所",
            ("泽州县", "晋城市", "山西省"),
            "station",
        ),
        (
            "泽州县巴公市场监管所2025年度双随机抽查工作计划",
            "巴公市场监管所",
            ("泽州县", "晋城市", "山西省"),
            "station",
        ),
        (
            "广州市天河区市场监督管理局石牌市场监督管理所2024年度抽查计划",
            "石牌市场监督管理所",
            ("天河区", "广州市", "广东省"),
            "station",
        ),
        # a city with no counties: its towns are directly under it
        ("东莞市塘厦镇人民政府2024年度行政检查计划", "塘厦镇", ("东莞市", "广东省"), "township"),
    ],
)
def test_a_township_or_station_is_a_level_below_its_county(title, name, chain, kind):
    found = gazetteer().find(title)
    assert found is not None and (found.name, found.level, found.kind) == (name, "township", kind)
    assert gazetteer().chain(found) == (name, *chain)


@pytest.mark.parametrize(
    "title",
    [
        "泽州县市场监督管理局2025年度双随机抽查工作计划",
        # a notice about the stations is the county's own
        "泽州县市场监督管理局关于印发各市场监管所2025年度抽查计划的通知",
        # a town named after a city that has counties is not placed in a county it does not name
        "晋城市巴公镇2025年度双随机抽查工作计划",
    ],
)
def test_a_county_bureaus_own_title_is_no_township(title):
    found = gazetteer().find(title)
    assert found is not None and found.level in ("county", "city") and found.kind != "station"


def test_a_township_plans_meta_and_layers(tmp_path):
    """A station's plan is township-level, in its county, city and province: the 晋城 2025 layer binds it."""
    path = xlsx(
        tmp_path,
        "泽州县市场监督管理局巴公市场监督管理所2025年度双随机抽查工作计划",
        [HEAD, ["1", "食品销售抽查", "食品销售检查", "辖区食品销售者", "5%", "3月至11月"]],
    )
    (plan,) = load_plans(str(path))
    meta = plan.meta
    assert (meta.level, meta.region) == ("township", ("巴公市场监督管理所", "泽州县", "晋城市", "山西省"))
    (report,) = run([str(path)], RunOptions(use_config=False)).reports
    assert [t.split("·")[0] for t in report.layers] == ["全国", "省级", "市级"]
    assert "晋城市" in report.layers[2]
    lines = explain_plan_layers(str(path), meta, report.layers, ())
    assert any("乡镇级内部计划" in line for line in lines)


def _township_plan(tmp_path: Path, title: str) -> Path:
    return xlsx(
        tmp_path,
        title,
        [
            HEAD,
            ["1", *FOOD, "辖区食品销售者", "6%", "3月-12月"],
            ["2", *FUEL, "辖区加油站", "8%", "3月-10月"],
        ],
    )


@pytest.mark.parametrize(
    "title",
    [
        "泽州县市场监督管理局巴公市场监督管理所2025年度双随机抽查工作计划",
        "泽州县巴公镇人民政府2025年度双随机抽查工作计划",
        "泽州县巴公镇2025年度双随机抽查工作计划",
    ],
)
def test_a_township_plan_against_its_countys_plan(tmp_path, title):
    """What the county draws for its townships or stations to inspect (县局抽取、各乡镇（街道）检查)
    binds the township's task (re-initiation, ratio); what each station initiates (各市场监管所自行组织
    发起) is missing when the township plan lacks it; the county's own 县抽县查 is a possible overlap."""
    head = [*HEAD, "发起方式", "抽查检查模式"]
    county = xlsx(
        tmp_path,
        "泽州县市场监督管理局2025年度双随机抽查工作计划",
        [
            head,
            ["1", *FOOD, "辖区食品销售者", "5%", "3月-11月", "县局发起", "县抽县查"],
            ["2", *FUEL, "辖区加油站", "10%", "3月-11月", "县局发起", "县局抽取、各乡镇（街道）检查"],
            [
                "3",
                "电梯使用单位抽查",
                "电梯使用单位安全管理检查",
                "电梯使用单位",
                "5%",
                "3月-11月",
                "各乡镇（街道）自行组织发起",
                "",
            ],
        ],
    )
    got = findings([_township_plan(tmp_path, title)], CROSS_PLAN, superior=county)
    assert sorted(_key(f) for f in got) == [
        ("quota-below-superior", "2", "warning"),
        ("superior-task-duplicated", "1", "info"),
        ("superior-task-duplicated", "2", "warning"),
        ("superior-task-missing", "superior:3", "warning"),
    ]
    (missing,) = [f for f in got if f.slug == "superior-task-missing"]
    assert "要求各乡镇（街道）发起" in missing.message


@pytest.mark.parametrize("modes", [("市抽县查", "县抽县查"), ("市局抽取、县局检查", "各县（区）组织发起")])
def test_a_city_task_for_its_counties_is_not_a_townships(tmp_path, modes):
    """市抽县查 and 各县组织发起 in a city's plan are each county's part: a county plan re-initiating the
    first is warned and misses the second; a township plan (a station, a town) is not a county, so its
    task on them is at most a possible overlap (info) and nothing is missing."""
    city = xlsx(
        tmp_path,
        "晋城市市场监督管理局2025年度双随机抽查工作计划",
        [
            [*HEAD, "抽查检查模式"],
            ["1", *FOOD, "辖区食品销售者", "5%", "3月-11月", modes[0]],
            ["2", "电梯使用单位抽查", "电梯使用单位安全管理检查", "电梯使用单位", "5%", "3月-11月", modes[1]],
        ],
    )
    county = _township_plan(tmp_path, "泽州县市场监督管理局2025年度双随机抽查工作计划")
    assert sorted(_key(f) for f in findings([county], CROSS_PLAN, superior=city)) == [
        ("superior-task-duplicated", "1", "warning"),
        ("superior-task-missing", "superior:2", "warning"),
        ("window-outside-superior", "1", "warning"),
    ]
    for title in (
        "泽州县市场监督管理局巴公市场监督管理所2025年度双随机抽查工作计划",
        "泽州县巴公镇2025年度双随机抽查工作计划",
    ):
        got = findings([_township_plan(tmp_path, title)], CROSS_PLAN, superior=city)
        assert sorted(_key(f) for f in got) == [("superior-task-duplicated", "1", "info")]


@pytest.mark.parametrize(
    ("scope", "flagged"),
    [
        ("全县食品销售者", "全县"),
        ("全区农贸市场", "全区"),
        ("本市加油站", "本市"),
        ("全区域餐饮单位", None),
        ("辖区内企业", None),
    ],
)
def test_a_township_plan_cannot_draw_from_its_county(tmp_path, scope, flagged):
    rows = [HEAD, ["1", "任务", "检查", scope, "5%", "3月至11月"]]
    town = xlsx(tmp_path, "泽州县巴公镇2025年度双随机抽查工作计划", rows)
    hits = findings([town], ("scope-beyond-jurisdiction",))
    assert [f"「{flagged}」" in f.message for f in hits] == ([True] if flagged else [])
    assert all("乡镇级计划" in f.message for f in hits)
    # the county's own 全县 is its jurisdiction
    county = xlsx(tmp_path, "泽州县市场监督管理局2025年度双随机抽查工作计划", rows)
    assert not [f for f in findings([county], ("scope-beyond-jurisdiction",)) if "全县" in f.message]


def test_a_township_plans_mode_is_judged_at_its_countys_level(tmp_path):
    """No mode word names a level below the county's: a station inspects what its county draws (县抽县查,
    县局抽取) as the county's part, so only a city's or province's own inspection is above it."""
    path = _county_modes(
        tmp_path,
        "泽州县市场监督管理局巴公市场监督管理所2025年度双随机抽查工作计划",
        ["县抽县查", "市抽县查", "自抽自查", "市抽市查"],
    )
    hits = findings([path], ("mode-level-mismatch",))
    assert [(f.location.cell, f.severity) for f in hits] == [("G6", "error")]
    assert "乡镇级计划" in hits[0].message


def test_a_township_plans_relative_mode_is_its_own_level():
    mode = parse("mode", "自抽自查")
    assert isinstance(mode, Mode)
    assert [(p.select, p.inspect) for p in mode.at_level("township").pairs] == [("township", "township")]
    upper = parse("mode", "上级抽取、本级检查")
    assert isinstance(upper, Mode)
    assert [(p.select, p.inspect) for p in upper.at_level("township").pairs] == [("county", "township")]
    # a county's 下级 is still its own stations, read at the county level
    lower = parse("mode", "本级抽取、下级检查")
    assert isinstance(lower, Mode)
    assert [(p.select, p.inspect) for p in lower.at_level("county").pairs] == [("county", "county")]


# -- 7. functional zones and a city bureau's zone branches ---------------------------------------


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        # a zone drawing and inspecting its own (W-22): a county-level body
        ("新区抽新区查", [(K, K)]),
        ("开发区抽开发区查", [(K, K)]),
        ("园区抽园区查", [(K, K)]),
        ("高新区抽高新区查", [(K, K)]),
        ("市抽新区查", [(C, K)]),
        ("市局抽取、高新区分局检查", [(C, K)]),
        ("高新区分局自行组织发起", [(K, K)]),
        # several bodies before one 自行组织发起 (H-8): one county-level initiator, not a level beside it
        ("县区局、市局各园区分局自行组织发起(市局信用监管、网络交易监管按职责分工指导)", [(K, K)]),
        ("县区局、开发区分局自行组织发起", [(K, K)]),
        ("各县区局、各园区分局自行组织发起", [(K, K)]),
        ("县区局、各分局自行组织发起", [(K, K)]),
        ("县、区局自行组织发起", [(K, K)]),
        ("县区级市场监管部门、县区局自行组织发起", [(K, K)]),
        ("县区局，自行组织发起", [(K, K)]),
        # bodies of two levels each initiate their own; a level that inspects (检查) keeps its own pair
        ("市局、县区局自行组织发起", [(C, C), (K, K)]),
        ("市级检查、县级自行组织发起", [(None, C), (K, K)]),
        # a level leading (牵头, 统筹) beside a lower level that runs the task itself guides it: one pair
        ("县(区)局自行组织发起，市局牵头", [(K, K)]),
        ("县区局自行组织发起、市局统筹", [(K, K)]),
        # … but a drawing word, or no lower level running it, keeps the leading level's draw
        ("县区局自行组织发起、市级统一组织发起", [(K, K), (C, None)]),
        ("市局牵头", [(C, None)]),
        ("市局牵头,县区局检查", [(C, K)]),
    ],
)
def test_zone_and_branch_mode_families(text, pairs):
    value = parse("mode", text)
    assert isinstance(value, Mode), value
    assert [(p.select, p.inspect) for p in value.pairs] == pairs


def _zone_city_plan(tmp_path: Path) -> Path:
    return xlsx(
        tmp_path,
        "合肥市市场监督管理局2025年度双随机抽查工作计划",
        [
            [*HEAD, "抽查检查模式"],
            ["1", *FOOD, "辖区食品销售者", "5%", "3月-11月", "新区抽新区查"],
            ["2", *FUEL, "辖区加油站", "10%", "3月-11月", "开发区分局自行组织发起"],
            [
                "3",
                "电梯使用单位抽查",
                "电梯使用单位安全管理检查",
                "电梯使用单位",
                "5%",
                "3月-11月",
                "县区局、市局各园区分局自行组织发起(市局特设处指导)",
            ],
        ],
    )


@pytest.mark.parametrize(
    ("title", "missing"),
    [
        # a county: the tasks the city gives its zones are not its own
        ("合肥市肥西县市场监督管理局2025年度双随机抽查工作计划", ["superior:3"]),
        ("合肥市蜀山区市场监督管理局2025年度双随机抽查工作计划", ["superior:3"]),
        # a zone, or a city bureau's zone branch: all three are its own
        (
            "合肥市市场监督管理局高新技术产业开发区分局2025年度双随机抽查工作计划",
            ["superior:1", "superior:2", "superior:3"],
        ),
        ("合肥经济技术开发区2025年度双随机抽查工作计划", ["superior:1", "superior:2", "superior:3"]),
        (
            "合肥市市场监督管理局新站分局2025年度双随机抽查工作计划",
            ["superior:1", "superior:2", "superior:3"],
        ),
    ],
)
def test_a_task_the_city_gives_its_zones_binds_the_zones(tmp_path, title, missing):
    plan = xlsx(
        tmp_path, title, [HEAD, ["1", "广告发布抽查", "广告发布检查", "广告发布者", "5%", "3月-11月"]]
    )
    got = findings([plan], ("superior-task-missing",), superior=_zone_city_plan(tmp_path))
    assert sorted(_key(f)[1] for f in got) == missing


def test_a_countys_task_like_a_zones_is_no_reinitiation(tmp_path):
    """A county task matching what the city gives its zones (新区抽新区查) re-initiates nothing."""
    rows = [
        HEAD,
        ["1", *FOOD, "辖区食品销售者", "5%", "3月-11月"],
        ["2", *FUEL, "辖区加油站", "5%", "3月-12月"],
    ]
    county = xlsx(tmp_path, "合肥市肥西县市场监督管理局2025年度双随机抽查工作计划", rows)
    assert not findings([county], CROSS_PLAN[:1] + CROSS_PLAN[2:], superior=_zone_city_plan(tmp_path))


@pytest.mark.parametrize(
    ("title", "name", "chain"),
    [
        (
            "合肥市市场监督管理局新站分局2025年度双随机抽查工作计划",
            "合肥新站高新技术产业开发区",
            ("合肥市", "安徽省"),
        ),
        (
            "合肥市市场监督管理局高新区分局2025年度双随机抽查工作计划",
            "合肥高新技术产业开发区",
            ("合肥市", "安徽省"),
        ),
        (
            "中国（上海）自由贸易试验区临港新片区市场监督管理局2024年度计划",
            "中国（上海）自由贸易试验区临港新片区",
            ("上海市",),
        ),
        (
            "中国(湖北)自由贸易试验区武汉片区2025年度双随机抽查计划",
            "中国（湖北）自由贸易试验区武汉片区",
            ("武汉市", "湖北省"),
        ),
        (
            "湖北自贸区武汉片区2025年度双随机抽查计划",
            "中国（湖北）自由贸易试验区武汉片区",
            ("武汉市", "湖北省"),
        ),
        (
            "四川自贸区成都天府新区片区2025年度抽查计划",
            "中国（四川）自由贸易试验区成都天府新区片区",
            ("成都市", "四川省"),
        ),
        (
            "中国（四川）自由贸易试验区川南临港片区2025年度抽查计划",
            "中国（四川）自由贸易试验区川南临港片区",
            ("四川省",),
        ),
    ],
)
def test_a_zone_branch_or_free_trade_zone_is_a_county_level_zone(title, name, chain):
    found = gazetteer().find(title)
    assert found is not None and (found.name, found.level) == (name, "county")
    assert gazetteer().chain(found) == (name, *chain) and gazetteer().is_zone(found.name)


def test_a_free_trade_zone_named_after_the_issuer_is_not_the_issuer():
    found = gazetteer().find("广州市市场监督管理局2024年度双随机抽查计划（含广东自贸区南沙片区）")
    assert found is not None and found.name == "广州市"


# -- 8. a plan whose title names no place: the body its table names -----------------------------

NO_PLACE = "2025年度交通运输“双随机、一公开”抽查工作计划"
NO_PLACE_BARE = "2025年度双随机抽查工作计划"


def _no_place_plan(
    tmp_path: Path, above: list[list[str]], inspectors: list[str], name: str = NO_PLACE
) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append([name])
    for row in above:
        ws.append(row)
    ws.append([*HEAD, "检查主体"])
    for i, body in enumerate(inspectors, 1):
        ws.append([str(i), f"任务{i}", "道路运输经营检查", "道路运输企业", "5%", "3月至11月", body])
    path = tmp_path / "计划.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("above", "inspectors", "region"),
    [
        # a cell above the header naming the body, labelled or sealed
        ([["填报单位：晋城市交通运输局"]], ["市、县级交通运输部门"] * 2, ("晋城市", "山西省")),
        # the layout of 广州市教育局's 2021 plan: one cell of labelled fields under the title
        (
            [["填报单位:晋城市教育局        填报人:张三                 联系电话:12345678"]],
            ["本局"] * 2,
            ("晋城市", "山西省"),
        ),
        ([["", "", "编制单位:泽州县市场监督管理局"]], ["本局"] * 2, ("泽州县", "晋城市", "山西省")),
        ([["泽州县巴公镇人民政府（盖章）"]], [""] * 2, ("巴公镇", "泽州县", "晋城市", "山西省")),
        # the inspecting bodies all of one place, one or several departments (a joint plan)
        ([], ["泽州县交通运输局"] * 3, ("泽州县", "晋城市", "山西省")),
        ([], ["泽州县交通运输局、泽州县商务局", "泽州县交通运输局", ""], ("泽州县", "晋城市", "山西省")),
        ([], ["晋城市交通运输局", "晋城市交通运输局", "市局运输科"], ("晋城市", "山西省")),
    ],
)
def test_a_plans_place_from_the_body_its_table_names(tmp_path, above, inspectors, region):
    (plan,) = load_plans(str(_no_place_plan(tmp_path, above, inspectors)))
    assert plan.meta.region == region and plan.meta.place == region[0]
    assert any("没有计划的所在地" in note and region[0] in note for note in plan.notes)
    result = run([str(_no_place_plan(tmp_path, above, inspectors))], RunOptions(use_config=False))
    assert not any("识别计划的所在地" in note for note in result.notes)


@pytest.mark.parametrize(
    ("above", "inspectors"),
    [
        # a city's and a county's bodies, or two counties': no one place
        ([], ["晋城市市场监督管理局", "泽州县市场监督管理局"]),
        ([], ["泽州县市场监督管理局", "高平市市场监督管理局"]),
        # levels, not bodies of a place
        ([], ["市、县级交通运输部门", "各县（市、区）局"]),
        # one task of four names a place
        ([], ["泽州县市场监督管理局", "本局", "本局", "本局"]),
        # a remark above the header is not the body that made the plan
        ([["说明：本表由山西省各市交通运输局填报汇总"]], ["本局", "本局"]),
    ],
)
def test_no_place_is_guessed_from_bodies_that_do_not_name_one(tmp_path, above, inspectors):
    (plan,) = load_plans(str(_no_place_plan(tmp_path, above, inspectors)))
    assert plan.meta.place is None and plan.meta.region == ()


def test_the_title_and_the_config_win_over_the_bodies(tmp_path):
    named = _no_place_plan(
        tmp_path, [], ["泽州县市场监督管理局"] * 2, name="高平市市场监督管理局2025年度双随机抽查工作计划"
    )
    (plan,) = load_plans(str(named))
    assert plan.meta.place == "高平市" and not plan.notes
    (plan,) = load_plans(str(_no_place_plan(tmp_path, [], ["泽州县市场监督管理局"] * 2)), {"place": "陵川县"})
    assert plan.meta.place == "陵川县" and not any("没有计划的所在地" in n for n in plan.notes)


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("城关市场监督管理所2025年度双随机抽查工作计划", "城关市场监督管理所"),
        ("南磨房乡人民政府2025年度行政检查计划", "南磨房乡"),
        ("学院路街道办事处2024年度行政检查计划", "学院路街道"),
    ],
)
def test_a_township_title_naming_no_county_is_still_a_townships(tmp_path, title, name):
    (plan,) = load_plans(str(xlsx(tmp_path, title, [HEAD, ["1", "任务", "检查", "对象", "5%", "3月至11月"]])))
    assert (plan.meta.place, plan.meta.level, plan.meta.region) == (name, "township", ())


@pytest.mark.parametrize(
    ("title", "inspector", "region"),
    [
        (
            "新区市场监督管理局2025年度双随机抽查工作计划",
            "兰州新区市场监督管理局",
            ("甘肃兰州新区", "兰州市", "甘肃省"),
        ),
        (
            "城关市场监督管理所2025年度双随机抽查工作计划",
            "泽州县市场监督管理局城关市场监督管理所",
            ("城关市场监督管理所", "泽州县", "晋城市", "山西省"),
        ),
        # a place no division has, and bodies of another: not that place
        ("某某县市场监督管理局2025年度双随机抽查工作计划", "泽州县市场监督管理局", ()),
    ],
)
def test_a_title_place_no_division_has_is_placed_by_the_bodies_holding_it(tmp_path, title, inspector, region):
    path = _no_place_plan(tmp_path, [], [inspector] * 2, name=title)
    (plan,) = load_plans(str(path))
    assert plan.meta.region == region


def test_the_unit_cell_of_a_real_plan_names_the_place_its_title_does():
    """广州市教育局's 2021 plan (tests/fixtures/unseen) writes 填报单位:广州市教育局 among other fields
    under its title: without the title's place, that cell gives the same place."""
    from planlint.meta import complete_place
    from planlint.readers import read_tables

    path = (
        REPO
        / "tests"
        / "fixtures"
        / "unseen"
        / "广州市教育局2021年度“双随机、一公开”本部门抽查工作计划表.xlsx"
    )
    (table,) = read_tables(str(path))
    (plan,) = load_plans(str(path))
    assert plan.meta.region == ("广州市", "广东省")
    plan.meta.place, plan.meta.region = None, ()
    assert complete_place(plan, table)
    assert plan.meta.region == ("广州市", "广东省") and "填报单位:广州市教育局" in plan.notes[-1]


@pytest.mark.parametrize(
    ("title", "name", "zone"),
    [
        # a branch named by the zone's last words, or a district's branch (no zone)
        ("苏州市市场监管局园区分局2024年度双随机抽查工作计划", "苏州工业园区", True),
        ("宿迁市市场监督管理局湖滨新区分局2024年度双随机抽查工作计划", "宿迁湖滨新区", True),
        ("沈阳市市场监督管理局和平分局2024年度双随机抽查工作计划", "和平区", False),
        ("无锡市市场监督管理局新吴分局2024年度双随机抽查工作计划", "新吴区", False),
    ],
)
def test_a_city_bureaus_branch_is_its_zone_or_district(title, name, zone):
    found = gazetteer().find(title)
    assert found is not None and (found.name, found.level, gazetteer().is_zone(found.name)) == (
        name,
        "county",
        zone,
    )


@pytest.mark.parametrize(
    ("mode", "zones_only"),
    [
        ("新区抽新区查", True),
        ("市抽园区查", True),
        ("高新区分局自行组织发起", True),
        ("县区局、市局各园区分局自行组织发起", False),
        # the zone named beside the city's own inspection has no part of its own
        ("市抽市查（含经开区）", False),
        ("市抽县查", False),
    ],
)
def test_which_superior_tasks_are_the_zones_alone(tmp_path, mode, zones_only):
    from planlint.rules.primitives.crossplan import for_zones_only

    assert for_zones_only(_city_task(tmp_path, {"mode": "抽查检查模式"}, {"mode": mode})) is zones_only


def test_a_township_plan_reads_its_countys_ratio_of_a_per_level_quota(tmp_path):
    """市级2%；县级10% names no township ratio: a station carries its county's."""
    rows = [HEAD, ["1", "任务", "检查", "对象", "市级2%；县级10%", "3月至11月"]]
    for title, ratio in (
        ("泽州县市场监督管理局巴公市场监督管理所2025年度双随机抽查工作计划", "10"),
        ("泽州县市场监督管理局2025年度双随机抽查工作计划", "10"),
        ("晋城市市场监督管理局2025年度双随机抽查工作计划", "2"),
    ):
        (plan,) = load_plans(str(xlsx(tmp_path, title, rows)))
        assert str(plan.tasks[0].value("ratio").ratio.low) == ratio


def test_a_countys_own_plan_layer_binds_the_county_not_its_stations(tmp_path):
    """zezhou-2023 is 泽州县's own notice (本计划·泽州县): its 2023 plan gets it, a station's plan under
    泽州县 does not, and is told why."""
    rows = [HEAD, ["1", "任务", "检查", "对象", "5%", "3月至11月"]]
    county = xlsx(tmp_path, "泽州县市场监督管理局2023年度双随机抽查工作计划", rows)
    station = xlsx(tmp_path, "泽州县市场监督管理局巴公市场监督管理所2023年度双随机抽查工作计划", rows)
    own, other = run([str(county), str(station)], RunOptions(use_config=False)).reports
    assert any("zezhou-2023" in t for t in own.layers)
    assert not any("zezhou-2023" in t for t in other.layers)
    assert any("zezhou-2023" in t and "为泽州县本级计划的要求" in t for t in other.layers_skipped)


def test_a_countys_notice_binds_its_station_when_given_as_its_superior(tmp_path):
    """泽州县's notice (in the county plan's own file) says 10月31日: given as the superior of a station's
    plan, it binds the station's tasks (superior layer); its own file alone binds only itself."""
    county = tmp_path / "泽州县2025.txt"
    county.write_text(
        "\n".join(
            [
                "泽州县市场监督管理局文件",
                "泽市监〔2025〕3号",
                "关于印发2025年度双随机抽查工作计划的通知",
                "各股室、各市场监管所：各项抽查任务务于10月31日前完成。",
                "",
                "## 泽州县市场监督管理局2025年度双随机抽查工作计划",
                "",
                "\t".join(HEAD),
                "\t".join(["1", "广告发布抽查", "广告发布检查", "广告发布者", "5%", "3月至10月"]),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    station = xlsx(
        tmp_path,
        "泽州县市场监督管理局巴公市场监督管理所2025年度双随机抽查工作计划",
        [HEAD, ["1", "食品销售抽查", "食品销售检查", "辖区食品销售者", "5%", "3月至11月"]],
    )
    late = findings([station], ("window-after-deadline",), superior=county)
    assert [f.task_seq for f in late] == ["1"] and "泽市监〔2025〕3号" in late[0].basis
    assert not [f for f in findings([station], ("window-after-deadline",)) if "泽市监" in f.basis]


def test_stations_carrying_their_countys_task_differently_are_told_as_townships(tmp_path):
    county = xlsx(
        tmp_path,
        "泽州县市场监督管理局2025年度双随机抽查工作计划",
        [
            [*HEAD, "抽查检查模式"],
            ["1", *FUEL, "辖区加油站", "10%", "3月-11月", "县局抽取、各市场监管所检查"],
        ],
    )
    plans = [
        xlsx(
            tmp_path,
            f"泽州县市场监督管理局{town}市场监督管理所2025年度双随机抽查工作计划",
            [HEAD, ["1", *FUEL, "本所辖区加油站", ratio, "3月-11月"]],
        )
        for town, ratio in (("巴公", "10%"), ("高都", "12%"))
    ]
    got = findings(plans, ("sibling-inconsistent",), superior=county)
    assert [f.severity for f in got] == ["info", "info"]
    assert all("另有1个乡镇（街道）写法不同" in f.message for f in got)
    # the ratio cell is the 抽查比例 column's, as the plan writes it
    assert sorted(f.message.split("本计划为")[1][:5] for f in got) == ["「10%」", "「12%」"]
    assert all(f.location.cell == "E3" for f in got)


# -- review fix 1: a township's words are whole words -------------------------------------------


class TestTownshipWordsAreWholeWords:
    """乡, 镇 inside another word (城乡建设, 城镇燃气, 乡村振兴) and 市场所 inside 市场所有 name no township
    body: a city's 市局抽取 task with 市住房和城乡建设局 as partner is the city's own inspection."""

    @pytest.mark.parametrize(
        "inspector, partner, role",
        [
            ("市市场监督管理局", "市住房和城乡建设局", "city-inspects"),
            ("市市场监督管理局", "市城镇燃气管理处", "city-inspects"),
            ("市市场监督管理局", "市乡村振兴局", "city-inspects"),
            ("市市场监督管理局", "市应急管理局", "city-inspects"),
            ("各乡镇（街道）", "", "county-inspects"),
            ("各市场监管所", "", "county-inspects"),
            ("县（区）市场监管局", "县住房和城乡建设局", "county-inspects"),
        ],
    )
    def test_a_city_draws_and_the_inspector_column_says_who_inspects(
        self, tmp_path, inspector, partner, role
    ):
        task = _city_task(
            tmp_path,
            {"mode": "抽查检查模式", "inspector": "检查主体", "partner": "配合部门"},
            {"mode": "市局抽取", "inspector": inspector, "partner": partner},
        )
        assert city_role(task) == role

    @pytest.mark.parametrize(
        "mode, inspector, partner, role",
        [
            # the county draws and inspects itself: its stations have no part
            ("县局抽取", "县市场监督管理局", "县住房和城乡建设局", "city-inspects"),
            ("县局抽取", "县市场监督管理局", "县乡村振兴局", "city-inspects"),
            ("县局抽取", "县市场监督管理局", "市场所有关科室", "city-inspects"),
            # the county draws, its stations inspect
            ("县局抽取", "各市场监管所", "", "county-inspects"),
            ("县局抽取", "各乡（镇）", "", "county-inspects"),
            ("县局抽取", "各乡镇人民政府", "", "county-inspects"),
        ],
    )
    def test_a_county_draws_for_a_township_plan(self, tmp_path, mode, inspector, partner, role):
        task = _city_task(
            tmp_path,
            {"mode": "抽查检查模式", "inspector": "检查主体", "partner": "配合部门"},
            {"mode": mode, "inspector": inspector, "partner": partner},
        )
        assert city_role(task, "township", PlanMeta(level="county")) == role

    @pytest.mark.parametrize(
        "partner, severity",
        [("市住房和城乡建设局", "info"), ("市应急管理局", "info"), ("各县（区）局", "warning")],
    )
    def test_a_county_plan_against_its_citys_drawn_task(self, tmp_path, partner, severity):
        city = xlsx(
            tmp_path,
            "晋城市市场监督管理局2025年度双随机抽查工作计划",
            [
                [*HEAD, "抽查检查模式", "检查主体", "配合部门"],
                ["1", *FUEL, "加油站", "5%", "3月-10月", "市局抽取", "市市场监督管理局", partner],
            ],
        )
        county = xlsx(
            tmp_path,
            "泽州县市场监督管理局2025年度双随机抽查工作计划",
            [[*HEAD, "抽查检查模式"], ["1", *FUEL, "加油站", "5%", "3月-10月", "县抽县查"]],
        )
        got = findings([county], ("superior-task-duplicated",), superior=city)
        assert [f.severity for f in got] == [severity]


# -- review fixes 3 and 4: the place the task bodies vote for ---------------------------------------


class TestThePlaceTheTaskBodiesVoteFor:
    """The 检查主体 cells place a plan whose title names none only when more than half its own tasks
    name one place's body of the plan's kind first: not a partner after 本局, not a superior's task
    (市抽县查 beside 县抽县查) inspected by the city's bureau; a station votes for its county."""

    MARKET = "2025年度市场监管领域双随机抽查工作计划"

    def _plan(self, tmp_path: Path, rows: list[tuple[str, str]], title: str = NO_PLACE_BARE) -> Path:
        wb = Workbook()
        ws = wb.active
        ws.append([title])
        ws.append([*HEAD, "抽查检查模式", "检查主体"])
        for i, (mode, body) in enumerate(rows, 1):
            ws.append([str(i), f"任务{i}", "许可条件检查", "经营者", "5%", "3月至11月", mode, body])
        path = tmp_path / "计划.xlsx"
        wb.save(path)
        return path

    def _place(self, tmp_path: Path, rows: list[tuple[str, str]], title: str = NO_PLACE_BARE):
        (plan,) = load_plans(str(self._plan(tmp_path, rows, title)))
        return plan.meta.region

    @pytest.mark.parametrize(
        "rows",
        [
            # the city's task beside the county's own: the city's bureau is no vote for the city
            [("市抽县查", "晋城市市场监督管理局"), ("县抽县查", "本局")],
            [("上抽下查", "晋城市市场监督管理局"), ("县抽县查", "本局"), ("县抽县查", "本局")],
            # a partner named after the plan's own body
            [("县抽县查", "本局、阳城县公安局"), ("县抽县查", "市场监管局、阳城县应急管理局")],
            # half is not more than half
            [("县抽县查", "阳城县市场监督管理局"), ("县抽县查", "本局")],
        ],
    )
    def test_no_place_from_a_superiors_task_a_partner_or_half(self, tmp_path, rows):
        assert self._place(tmp_path, rows) == ()

    @pytest.mark.parametrize(
        "rows, region",
        [
            (
                [
                    ("市抽县查", "晋城市市场监督管理局"),
                    ("县抽县查", "阳城县市场监督管理局"),
                    ("县抽县查", "阳城县市场监督管理局"),
                ],
                ("阳城县", "晋城市", "山西省"),
            ),
            ([("县抽县查", "阳城县市场监督管理局、阳城县公安局")] * 2, ("阳城县", "晋城市", "山西省")),
            # a county plan naming its own stations and itself: the county
            (
                [
                    ("县抽县查", "阳城县市场监督管理局城关市场监督管理所"),
                    ("县抽县查", "阳城县市场监督管理局城关市场监督管理所"),
                    ("县抽县查", "阳城县市场监督管理局"),
                ],
                ("阳城县", "晋城市", "山西省"),
            ),
            (
                [
                    ("县抽县查", "阳城县市场监督管理局城关市场监督管理所"),
                    ("县抽县查", "阳城县市场监督管理局北留市场监督管理所"),
                ],
                ("阳城县", "晋城市", "山西省"),
            ),
        ],
    )
    def test_the_plans_own_bodies_place_it(self, tmp_path, rows, region):
        assert self._place(tmp_path, rows) == region

    def test_a_station_alone_places_the_plan_at_the_station(self, tmp_path):
        rows = [("县抽县查", "阳城县市场监督管理局城关市场监督管理所")] * 2
        assert self._place(tmp_path, rows)[:2] == ("城关市场监督管理所", "阳城县")

    def test_only_the_plans_own_kind_of_body_votes_where_the_title_names_one(self, tmp_path):
        rows = [("县抽县查", "阳城县公安局")] * 2
        assert self._place(tmp_path, rows, self.MARKET) == ()
        assert self._place(tmp_path, rows) == ("阳城县", "晋城市", "山西省")
        rows = [("县抽县查", "阳城县市场监督管理局")] * 2
        assert self._place(tmp_path, rows, self.MARKET) == ("阳城县", "晋城市", "山西省")


# -- review fix 5: a county's townships together are no township -----------------------------------


class TestACountysTownshipsTogetherAreNoTownship:
    @pytest.mark.parametrize(
        "title",
        [
            "泽州县各乡镇2025年度双随机抽查工作计划",
            "泽州县乡镇2025年度双随机抽查工作计划",
            "泽州县各街道2025年度双随机抽查工作计划",
            "泽州县乡镇街道2025年度双随机抽查工作计划",
            "泽州县各乡（镇）人民政府2025年度行政检查计划",
        ],
    )
    def test_the_county_issued_it(self, title):
        place = gazetteer().find(title)
        assert place is not None and (place.name, place.level) == ("泽州县", "county")
        assert gazetteer().township_name(title.removeprefix("泽州县")) is None

    @pytest.mark.parametrize(
        "title, name",
        [
            ("泽州县巴公镇2025年度双随机抽查工作计划", "巴公镇"),
            ("北京市朝阳区南磨房乡人民政府2025年度行政检查计划", "南磨房乡"),
            ("泽州县城关镇人民政府2025年度行政检查计划", "城关镇"),
            ("东莞市塘厦镇2025年度双随机抽查工作计划", "塘厦镇"),
        ],
    )
    def test_one_township_issued_it(self, title, name):
        place = gazetteer().find(title)
        assert place is not None and (place.name, place.level) == (name, "township")

    def test_a_gazetteer_built_without_parents_still_knows_which_cities_have_counties(self):
        g = gazetteer()
        built = type(g)(g.by_code, g.by_name, g.by_first, g.zone_sources, g.changes)
        assert built.parents == g.parents
        assert built.has_counties(g.lookup("晋城市")) and not built.has_counties(g.lookup("东莞市"))


# -- review fix 6: a header's percent unit, beside a count or a frequency ---------------------------


class TestAHeadersPercentUnit:
    """抽查比例(%) gives its bare numbers the unit, also before a frequency (5；1次/年 under 抽查比例(%)及
    频次); a header that names a count as well (抽查数量/比例(%)) does not: 20 may be households."""

    def _cell(self, tmp_path: Path, header: str, text: str):
        path = xlsx(
            tmp_path,
            "泽州县市场监督管理局2025年度双随机抽查工作计划",
            [["序号", "抽查任务名称", "抽查对象", header], ["1", "食品生产检查", "食品生产企业", text]],
        )
        (plan,) = load_plans(str(path))
        ((key, cell),) = [(k, c) for k, c in plan.tasks[0].cells.items() if k not in ("seq", "name", "scope")]
        return key, cell

    @pytest.mark.parametrize(
        "header", ["抽查数量/比例(%)", "抽查户数或比例(%)", "抽查家数/比例（%）", "抽查比例(%)或户数"]
    )
    def test_a_count_or_ratio_header_gives_no_unit(self, tmp_path, header):
        _key, cell = self._cell(tmp_path, header, "20")
        assert cell.raw == "20"
        assert not (hasattr(cell.value, "ratio") and cell.value.ratio is not None)

    @pytest.mark.parametrize(
        "header, text, low, bound, times",
        [
            ("抽查比例(%)及频次", "5；1次/年", 5, "exact", 1),
            ("抽查比例(%)及频次", "不低于3，每年1次", 3, "at_least", 1),
            ("抽查比例（%）及频次", "5、2次/年", 5, "exact", 2),
            ("抽查比例(%)", "5", 5, "exact", None),
            ("个体工商户抽查比例(%)", "5", 5, "exact", None),
        ],
    )
    def test_a_ratio_header_gives_the_unit_before_a_frequency(
        self, tmp_path, header, text, low, bound, times
    ):
        _key, cell = self._cell(tmp_path, header, text)
        assert cell.raw == text
        assert (cell.value.ratio.low, cell.value.ratio.bound) == (low, bound)
        assert (cell.value.frequency.times_low if cell.value.frequency else None) == times

    @pytest.mark.parametrize("text", ["5；见附件", "5家；1次/年", "抽取5；1次/年"])
    def test_a_number_not_bare_before_a_frequency_gets_no_unit(self, tmp_path, text):
        _key, cell = self._cell(tmp_path, "抽查比例(%)及频次", text)
        ratio = getattr(cell.value, "ratio", None)
        assert ratio is None or ratio.low != 5
