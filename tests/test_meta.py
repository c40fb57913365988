"""Plan metadata from titles and notices, with the gazetteer deciding the level of a place."""

from __future__ import annotations

import pytest
from conftest import REPO, SAMPLES, SEEDS

from planlint.meta import gazetteer, plan_meta
from planlint.readers import read_tables
from planlint.table import Table

UNSEEN_DIR = REPO / "tests" / "fixtures" / "unseen"

EXPECTED = {
    "泽州县市场监督管理局2023年度内部双随机抽查工作计划": ("泽州县", "county", "internal", 2023),
    "晋城市市场监管局2025年度双随机抽查工作计划": ("晋城市", "city", "internal", 2025),
    "原平市2024年度部门联合双随机抽查工作计划": ("原平市", "county", "joint", 2024),
    "长治市市场监督管理局2023年度双随机抽查工作计划": ("长治市", "city", "internal", 2023),
    "示范-某县2025年度内部双随机抽查工作计划": ("某县", "county", "internal", 2025),
}


def _meta(table: Table) -> tuple:
    m = plan_meta(table)
    return (m.place, m.level, m.kind, m.year)


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_sample_metadata(stem):
    for path in sorted(SAMPLES.glob(f"{stem}.*")):
        if path.suffix == ".py":
            continue
        (table,) = read_tables(str(path))
        assert _meta(table) == EXPECTED[stem], path.name


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not present")
def test_seed_text_exports_metadata():
    found = {}
    for path in sorted(SEEDS.glob("*.txt")):
        for table in read_tables(str(path)) if "\t" in path.read_text("utf-8") else []:
            found[_meta(table)] = plan_meta(table).title
    wanted = {v for k, v in EXPECTED.items() if not k.startswith("示范")}
    assert set(found) == wanted


def test_issuer_and_title_text():
    (table,) = read_tables(str(SAMPLES / "泽州县市场监督管理局2023年度内部双随机抽查工作计划.xlsx"))
    meta = plan_meta(table)
    assert meta.title == "泽州县市场监督管理局2023年度内部双随机抽查工作计划"
    assert meta.issuer == "泽州县市场监督管理局"


def test_title_from_context_when_the_table_has_none():
    table = Table(
        path="x.csv",
        sheet=None,
        rows=[["序号"]],
        row_numbers=[1],
        context="关于印发计划的通知\n附件：高平市2024年度内部双随机抽查工作计划\n高平市市场监督管理局",
    )
    assert _meta(table) == ("高平市", "county", "internal", 2024)


def test_kind_from_the_notice_title_when_the_table_title_has_none():
    table = Table(
        path="附件.csv",
        sheet=None,
        rows=[["序号"]],
        row_numbers=[1],
        title="抽查工作计划表",
        context="原平市双随机办文件\n关于印发《原平市2024年度市场监管领域部门 联合双随机抽查工作计划》的通知\n"
        "各成员单位：兼顾本级系统内抽查计划。",
    )
    assert _meta(table) == ("原平市", "county", "joint", 2024)


def test_year_from_context_when_the_title_has_none():
    table = Table(
        path="x.csv",
        sheet=None,
        rows=[["序号"]],
        row_numbers=[1],
        title="运城市市场监管领域部门联合双随机抽查工作计划",
        context="运城市市场监管局\n2025年4月1日",
    )
    assert _meta(table) == ("运城市", "city", "joint", 2025)


def test_gazetteer_levels():
    places = gazetteer()
    assert places.level("原平市") == "county"  # 县级市
    assert places.level("晋城市") == "city"
    assert places.level("泽州县") == "county"
    assert places.level("山西省") == "province"
    assert places.level("某某区") == "county"  # by suffix
    assert places.level("某某市") is None  # a 市 not listed could be either
    # the city named first, narrowed to its county-level city named right after it
    assert places.find("忻州市原平市市场监管局").name == "原平市"
    shanxi = places.lookup("山西省")
    assert len([p for p in places.by_code.values() if p.level == "city" and p.parent == shanxi.code]) == 11


def test_every_county_level_city_is_county_level():
    places = gazetteer()
    county_cities = [p for p in places.by_code.values() if p.kind == "county-city"]
    assert len(county_cities) > 350  # 397 in the 2025 table
    for p in county_cities:
        assert p.level == "county" and p.name.endswith("市"), p
        assert places.ancestors(p)[-1].level == "province", p
    assert places.chain(places.lookup("无为市")) == ("无为市", "芜湖市", "安徽省")
    assert places.chain(places.lookup("原平市")) == ("原平市", "忻州市", "山西省")
    assert places.chain(places.lookup("仙桃市")) == ("仙桃市", "湖北省")  # directly under the province


def test_every_municipality_is_province_level_and_its_districts_county_level():
    places = gazetteer()
    municipalities = sorted(p.name for p in places.by_code.values() if p.kind == "municipality")
    assert municipalities == ["上海市", "北京市", "天津市", "重庆市"]
    for name in municipalities:
        city = places.lookup(name)
        assert city.level == "province"
        districts = [p for p in places.by_code.values() if p.parent == city.code]
        assert districts and all(d.level == "county" for d in districts)
    assert places.find("重庆市2024年度双随机抽查工作计划").level == "province"
    assert places.find("重庆市渝中区市场监督管理局2024年度").name == "渝中区"


@pytest.mark.parametrize(
    ("title", "zone", "parent"),
    [
        ("武汉经济技术开发区2022年度部门联合双随机抽查工作计划", "武汉经济技术开发区", "武汉市"),
        # one zone, one name however the title shortens it
        ("武汉经开区2022年度部门联合双随机抽查工作计划", "武汉经济技术开发区", "武汉市"),
        ("武汉市经开区市场监管局2022年度双随机抽查工作计划", "武汉经济技术开发区", "武汉市"),
        ("合肥高新技术产业开发区市场监管局2024年度双随机抽查工作计划", "合肥高新技术产业开发区", "合肥市"),
        ("晋城经济技术开发区2025年度内部双随机抽查工作计划", "晋城经济技术开发区", "晋城市"),
        ("苏州工业园区市场监督管理局2023年度双随机抽查工作计划", "苏州工业园区", "苏州市"),
        ("武汉东湖新技术开发区市场监管局2023年度双随机抽查工作计划", "武汉东湖新技术开发区", "武汉市"),
        ("天津经济技术开发区2024年度部门联合双随机抽查工作计划", "天津经济技术开发区", "天津市"),
    ],
)
def test_development_zones_are_county_level_under_their_city(title, zone, parent):
    meta = plan_meta(Table(path="x.xlsx", sheet=None, rows=[["序号"]], row_numbers=[1], title=title))
    assert (meta.place, meta.level) == (zone, "county")
    assert meta.region[1] == parent


@pytest.mark.parametrize(
    ("title", "place", "chain"),
    [
        (
            "恩施州市场监督管理局2024年度双随机抽查工作计划",
            "恩施土家族苗族自治州",
            ("恩施土家族苗族自治州", "湖北省"),
        ),
        (
            "长阳县市场监督管理局2024年度双随机抽查工作计划",
            "长阳土家族自治县",
            ("长阳土家族自治县", "宜昌市", "湖北省"),
        ),
        (
            "黔东南州2023年度部门联合双随机抽查工作计划",
            "黔东南苗族侗族自治州",
            ("黔东南苗族侗族自治州", "贵州省"),
        ),
    ],
)
def test_autonomous_areas_by_their_everyday_names(title, place, chain):
    found = gazetteer().find(title)
    assert found.name == place and gazetteer().chain(found) == chain


def test_a_city_bureau_is_the_city_and_its_branch_a_county_level_body_under_it():
    """A city bureau's 分局 issuing a plan acts at county level for the zone or district it is named
    after: the zone table's entry, a district of that city, else a zone of its own under the city."""
    places = gazetteer()
    assert places.find("晋城市市场监督管理局2025年度双随机抽查工作计划").name == "晋城市"
    branch = places.find("武汉市市场监督管理局开发区分局2024年度双随机抽查工作计划")
    assert (branch.name, branch.level, places.chain(branch)[1:]) == (
        "武汉开发区",
        "county",
        ("武汉市", "湖北省"),
    )
    zone = places.find("合肥市市场监督管理局高新技术产业开发区分局2024年度双随机抽查工作计划")
    assert (zone.name, zone.level, zone.parent) == ("合肥高新技术产业开发区", "county", "340100")
    district = places.find("沈阳市市场监督管理局和平分局2024年度双随机抽查工作计划")
    assert places.chain(district) == ("和平区", "沈阳市", "辽宁省")
    beijing = places.find("北京市市场监督管理局经济技术开发区分局2024年度计划")
    assert places.chain(beijing) == ("北京经济技术开发区", "北京市")


def test_same_named_districts_resolve_by_the_city_named_with_them():
    places = gazetteer()
    assert len(places.by_name["城区"]) > 1
    assert places.chain(places.find("晋城市城区市场监督管理局")) == ("城区", "晋城市", "山西省")
    assert places.find("城区市场监督管理局").level == "county"  # level known, city not


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("上高县市场监督管理局2023年度双随机抽查工作计划.xlsx", ("上高县", "county", "internal", 2023)),
        ("006_武汉经开区_2022.tsv", ("武汉经济技术开发区", "county", None, 2022)),
        (
            "亳州市市场监管领域2024年度一业一查部门联合双随机抽查工作计划.xlsx",
            ("亳州市", "city", "joint", 2024),
        ),
        (
            "山西省2021年度市场监管领域部门联合双随机抽查工作计划（各市）.xlsx",
            ("山西省", "province", "joint", 2021),
        ),
    ],
)
def test_identity_from_the_file_name_when_title_and_notice_say_nothing(name, expected):
    assert _meta(Table(path=f"/somewhere/{name}", sheet=None, rows=[["序号"]], row_numbers=[1])) == expected


REALPLANS = SEEDS.parent / "realplans"


@pytest.mark.skipif(not REALPLANS.is_dir(), reason="shared/realplans not present")
def test_realplans_identity_matches_their_transcription_notes():
    """Each real plan's place level and year as its .tsv notes give them (# level, # year)."""
    import re

    for tsv in sorted(REALPLANS.glob("*.tsv")):
        notes = dict(re.findall(r"^# (level|year): (\S+)", tsv.read_text(encoding="utf-8"), re.M))
        place = tsv.stem.split("_")[1]
        (xlsx,) = [p for p in REALPLANS.glob("*.xlsx") if p.name.startswith(place[:2])]
        meta = plan_meta(Table(path=str(xlsx), sheet=None, rows=[["序号"]], row_numbers=[1]))
        assert (meta.level, meta.year) == (notes["level"], int(notes["year"])), xlsx.name
        assert meta.region and meta.region[-1].endswith(("省", "市")), xlsx.name


@pytest.mark.parametrize(
    ("title", "place", "level", "chain"),
    [
        ("兰州新区市场监督管理局2024年度双随机抽查工作计划", "甘肃兰州新区", "county", ("兰州市", "甘肃省")),
        ("四川天府新区2024年度部门联合双随机抽查工作计划", "四川天府新区", "county", ("成都市", "四川省")),
        (
            "大连金普新区市场监督管理局2024年度双随机抽查工作计划",
            "大连金普新区",
            "county",
            ("大连市", "辽宁省"),
        ),
        ("江西赣江新区2023年度部门联合双随机抽查工作计划", "江西赣江新区", "county", ("江西省",)),
        ("舟山群岛新区2024年度双随机抽查工作计划", "浙江舟山群岛新区", "city", ("浙江省",)),
        ("河北雄安新区市场监督管理局2024年度双随机抽查工作计划", "雄安新区", "city", ("河北省",)),
        ("上海市浦东新区市场监督管理局2024年度双随机抽查工作计划", "浦东新区", "county", ("上海市",)),
        (
            "合肥高新区市场监管局2024年度双随机抽查工作计划",
            "合肥高新技术产业开发区",
            "county",
            ("合肥市", "安徽省"),
        ),
        (
            "长沙高新技术产业开发区管理委员会2024年度抽查计划",
            "长沙高新技术产业开发区",
            "county",
            ("长沙市", "湖南省"),
        ),
    ],
)
def test_functional_zones_are_jurisdictions_at_the_level_they_act_at(title, place, level, chain):
    """国家级新区 and development zones from rules/zones.tsv (or, unlisted, by their zone word): the
    level they act at and the division above them, never an unknown place."""
    found = gazetteer().find(title)
    assert (found.name, found.level, gazetteer().chain(found)[1:]) == (place, level, chain)


def test_a_former_name_is_the_place_of_a_plan_of_its_time():
    """A 2018 plan of 太谷县 (撤县设区 2019) is placed under 晋中市 and gets 山西's layers."""
    table = Table(path="x.csv", sheet=None, rows=[["序号"]], row_numbers=[1])
    table.title = "太谷县市场监督管理局2018年度双随机抽查工作计划"
    meta = plan_meta(table)
    assert (meta.place, meta.level, meta.year, meta.region) == (
        "太谷县",
        "county",
        2018,
        ("太谷县", "晋中市", "山西省"),
    )
    places = gazetteer()
    assert places.former_names("太谷县市场监督管理局", 2019) == []  # the year of the change: either name
    ((start, end, change),) = places.former_names("太谷县市场监督管理局", 2025)
    assert (start, end, change.current, change.change) == (0, 3, "太谷区", "撤县设区")
    assert "国函〔2019〕104号" in change.source
    assert places.former_names("城区、郊区、市区的加油站", 2025) == []  # words, not the former districts
    # a two-character former name (开县, 2016 → 开州区) inside a word is no place
    assert places.find("关于公开县级2024年度双随机抽查工作计划") is None
    assert places.former_names("“双随机、一公开县级部门”", 2025) == []
    assert [c.current for _, _, c in places.former_names("重庆市开县市场监督管理局", 2025)] == ["开州区"]


@pytest.mark.parametrize(
    ("title", "chain"),
    [
        ("北京市朝阳区南磨房乡人民政府行政执法检查计划", ("南磨房乡", "朝阳区", "北京市")),
        ("北京市海淀区学院路街道办事处2024年度行政检查计划", ("学院路街道", "海淀区", "北京市")),
        ("泽州县巴公镇人民政府2024年度行政执法检查计划", ("巴公镇", "泽州县", "晋城市", "山西省")),
        # bureau and programme words are no township (乡村振兴, 城镇)
        ("泽州县农业农村局乡村振兴2024年度检查计划", ("泽州县", "晋城市", "山西省")),
        ("泽州县市场监督管理局2024年度城镇燃气双随机抽查工作计划", ("泽州县", "晋城市", "山西省")),
    ],
)
def test_a_township_body_is_placed_in_its_county(title, chain):
    """A 乡 / 镇 / 街道 body acts inside its county, at the township level below it."""
    found = gazetteer().find(title)
    level = "county" if chain[0].endswith(("县", "区")) else "township"
    assert gazetteer().chain(found) == chain and found.level == level


def test_the_real_township_plan_is_the_townships():
    (table,) = read_tables(str(UNSEEN_DIR / "北京市朝阳区南磨房乡人民政府行政执法检查计划.xlsx"))
    meta = plan_meta(table)
    assert (meta.place, meta.level, meta.region) == ("南磨房乡", "township", ("南磨房乡", "朝阳区", "北京市"))
