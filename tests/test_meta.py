"""Plan metadata from titles and notices, with the gazetteer deciding the level of a place."""

from __future__ import annotations

import pytest
from conftest import SAMPLES, SEEDS

from planlint.meta import gazetteer, plan_meta
from planlint.readers import read_tables
from planlint.table import Table

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
    assert places.find("忻州市原平市市场监管局") == "忻州市"
    assert len([n for n, lvl in places.levels.items() if lvl == "city"]) == 11
