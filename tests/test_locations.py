"""One way to write a location (planlint.table.Location): its forms, and every report writing a
finding's place the same way (a merged cell as its range, in every format)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from conftest import SAMPLES

from planlint import engine
from planlint.report import ReportOptions, github, html, junit, sarif, text
from planlint.table import Location

CASES = [
    # location, str(), .place
    (Location("计划.xlsx", "内部计划", 7, 8), "计划.xlsx:内部计划!H7", "内部计划!H7"),
    (Location("计划.xlsx", "内部计划", 8, 10, 13, 10), "计划.xlsx:内部计划!J8:J13", "内部计划!J8:J13"),
    (Location("计划.xlsx", "内部计划", 7), "计划.xlsx:内部计划!7", "内部计划 第7行"),
    (Location("计划.xlsx", "内部计划", 0), "计划.xlsx:内部计划", "内部计划"),
    (Location("计划.csv", None, 5, 2), "计划.csv:B5", "B5"),
    (Location("计划.csv", None, 5, 2, 6, 2), "计划.csv:B5:B6", "B5:B6"),
    (Location("计划.csv", None, 5), "计划.csv:5", "第5行"),
    (Location("计划.csv", None, 0), "计划.csv", ""),
    (Location("计划.pdf", "第3页 表1", 5, 4), "计划.pdf:第3页 表1 第5行 第4列", "第3页 表1 第5行 第4列"),
    (Location("计划.pdf", "第3页 表1", 5), "计划.pdf:第3页 表1 第5行", "第3页 表1 第5行"),
    (Location("计划.pdf", "第3页 表1", 0), "计划.pdf:第3页 表1", "第3页 表1"),
]


@pytest.mark.parametrize(("loc", "address", "place"), CASES, ids=[c[1] for c in CASES])
def test_location_forms(loc, address, place):
    assert str(loc) == address
    assert loc.place == place
    # the address is the file and the place, except that a whole row keeps its `!7` / `:7` form
    if loc.row and (loc.col or loc.sheet and loc.sheet.startswith("第")):
        assert address == f"{loc.path}:{place}"


@pytest.fixture(scope="module")
def merged():
    """泽州县's xlsx: its 配合部门 cell J8:J13 is merged, and its place name is wrong (PL502)."""
    path = str(SAMPLES / "泽州县市场监督管理局2023年度内部双随机抽查工作计划.xlsx")
    result = engine.run([path], engine.RunOptions(use_config=False))
    finding = next(f for f in result.findings if f.location.end_row)
    return result, finding


def test_every_report_writes_a_merged_cell_as_its_range(merged, tmp_path):
    result, finding = merged
    loc = finding.location
    assert loc.place == "内部计划!J8:J13"
    options = ReportOptions()

    assert f"{loc}  [{finding.severity}] {finding.rule_id}" in text.render(result, options)
    assert f">{loc.place}<" in html.render(result, options)
    assert f"{loc.place}：{finding.message}" in github.render(result, options)

    log = json.loads(sarif.render(result, options))
    names = {
        r["locations"][0]["logicalLocations"][0]["name"]
        for r in log["runs"][0]["results"]
        if r["ruleId"] == finding.rule_id
    }
    assert loc.place in names

    cases = ET.fromstring(junit.render(result, options).encode()).iter("testcase")
    assert f"{finding.rule_id} {finding.slug} {loc.place}" in {c.get("name") for c in cases}


def test_the_annotated_copy_lists_the_same_place(merged, tmp_path):
    from openpyxl import load_workbook

    from planlint.report import xlsx

    result, finding = merged
    out = tmp_path / "批注.xlsx"
    xlsx.write(result, str(out), ReportOptions())
    rows = list(load_workbook(out)["检查结果"].iter_rows(min_row=2))
    cell = next(row[4] for row in rows if row[2].value == finding.rule_id)
    # 位置 links to the range's anchor in the copy and shows the whole range
    assert cell.value == finding.location.place == "内部计划!J8:J13"
    assert cell.hyperlink.location == "'内部计划'!J8"
