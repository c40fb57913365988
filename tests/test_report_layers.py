"""The requirement layers that bind each plan, in the body of the JSON, text and HTML reports."""

from __future__ import annotations

import json

import pytest
from conftest import SAMPLES
from test_report_machine import validate_report

from planlint import engine
from planlint.report import ReportOptions, html, text
from planlint.report import json as json_report

JINCHENG = SAMPLES / "晋城市市场监管局2025年度双随机抽查工作计划.xlsx"
ZEZHOU = SAMPLES / "泽州县市场监督管理局2023年度内部双随机抽查工作计划.xlsx"
CITY_CHAIN = [
    "全国·不限年度（default）",
    "省级·山西省·2025年（shanxi-2025）",
    "市级·晋城市·2025年（jincheng-2025）",
]


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    broken = tmp_path_factory.mktemp("bad") / "坏文件.xlsx"
    broken.write_bytes(b"not a workbook")
    return engine.run([str(JINCHENG), str(ZEZHOU), str(broken)], engine.RunOptions(use_config=False))


def _entry(doc: dict, path) -> dict:
    return next(f for f in doc["files"] if f["path"] == str(path))


def test_json_names_each_plans_layers_national_first(result):
    doc = json.loads(json_report.render(result, ReportOptions()))
    validate_report(doc)
    assert _entry(doc, JINCHENG)["layers"] == CITY_CHAIN
    # 泽州县 2023: the 2025 provincial and city documents do not bind it, its own notice does
    assert _entry(doc, ZEZHOU)["layers"] == [
        "全国·不限年度（default）",
        "本计划·泽州县·2023年（zezhou-2023）",
    ]
    unreadable = next(f for f in doc["files"] if "error" in f)
    assert unreadable["layers"] == []
    # an added key: the others keep their order
    assert list(_entry(doc, JINCHENG)) == ["path", "sheet", "plan", "tasks", "layers", "findings"]


def test_the_schema_requires_the_layers():
    import jsonschema

    doc = json.loads(json_report.render(engine.run([str(JINCHENG)]), ReportOptions()))
    del doc["files"][0]["layers"]
    with pytest.raises(jsonschema.ValidationError):
        validate_report(doc)


def test_text_gives_one_layer_line_under_each_plan_heading(result):
    lines = text.render(result, ReportOptions()).splitlines()
    heading = next(i for i, line in enumerate(lines) if line.startswith(f"{JINCHENG}:附件（"))
    assert lines[heading + 1] == "  适用要求：" + " ← ".join(CITY_CHAIN)
    assert sum(line.startswith("  适用要求：") for line in lines) == 2  # not for the unreadable file


def test_html_shows_the_layers_and_those_left_out(result):
    page = html.render(result, ReportOptions())
    assert "适用要求：" + " ← ".join(CITY_CHAIN) in page
    # 泽州县 2023 lists the 2025 layers of its own province and city as not applied, with the reason
    assert "市级·晋城市·2025年（jincheng-2025）：计划年度2023年不在2025年" in page
    assert page.count('<div class="layers">') == 2
