"""Every format produced from a real check of the bundled samples (engine + readers + rules), and
checked like the hand-made cases: JSON schema, SARIF structure, JUnit XML, xlsx annotations on
exactly the findings' cells, originals untouched."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from conftest import SAMPLES
from openpyxl import load_workbook
from report_fixtures import sha256
from test_report_machine import SARIF_SUBSET, validate_report

from planlint.engine import run
from planlint.report import write

PLANS = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".xlsx", ".docx", ".csv", ".txt"))


@pytest.fixture(scope="module")
def result():
    return run([str(p) for p in PLANS])


def test_samples_have_findings(result):
    assert result.findings and not any(r.error for r in result.reports)


def test_json_sarif_junit_github_text(result, tmp_path):
    for fmt in ("json", "sarif", "junit", "github", "text", "html"):
        write(fmt, result, str(tmp_path / f"out.{fmt}"))
    validate_report(json.loads((tmp_path / "out.json").read_text(encoding="utf-8")))
    sarif = json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(SARIF_SUBSET).validate(sarif)
    ids = [r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]]
    assert len(ids) == len(set(ids))
    assert all(r["ruleId"] in ids for r in sarif["runs"][0]["results"])
    assert len(sarif["runs"][0]["results"]) == len(result.findings)
    root = ET.parse(tmp_path / "out.junit").getroot()
    # one testcase per finding (a clean plan: one passing testcase); failures at --fail-on error only
    clean = sum(1 for r in result.reports if not r.findings)
    assert len(root.findall(".//testcase")) == len(result.findings) + clean
    assert len(root.findall(".//failure")) == sum(f.severity == "error" for f in result.findings)
    lines = (tmp_path / "out.github").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(result.findings)
    s = result.summary()
    assert (
        (tmp_path / "out.text")
        .read_text(encoding="utf-8")
        .rstrip()
        .endswith(f"错误 {s['error']}，警告 {s['warning']}，提示 {s['info']}")
    )
    assert f'id="count-error">{s["error"]}<' in (tmp_path / "out.html").read_text(encoding="utf-8")


def _expected_cells(report, merged_ranges) -> set[tuple[str | None, int, int]]:
    cells = set()
    seq = report.plan.columns.get("seq")
    for f in report.findings:
        loc = f.location
        if loc.row == 0:
            continue
        row, col = loc.row, loc.col or (seq.location.col if seq else 1)
        for rng in merged_ranges.get(loc.sheet, ()):
            if rng.min_row <= row <= rng.max_row and rng.min_col <= col <= rng.max_col:
                row, col = rng.min_row, rng.min_col
        cells.add((loc.sheet, row, col))
    return cells


def test_xlsx_comments_on_exactly_the_findings_cells(result, tmp_path):
    hashes = {p: sha256(p) for p in PLANS}
    out = tmp_path / "批注"
    write("xlsx", result, str(out))
    assert {p: sha256(p) for p in PLANS} == hashes
    for path in PLANS:
        reports = [r for r in result.reports if r.path == str(path)]
        name = f"{path.stem}.批注.xlsx" if path.suffix == ".xlsx" else f"{path.name}.批注.xlsx"
        wb = load_workbook(out / name)
        merged = {}
        if path.suffix == ".xlsx":
            original = load_workbook(path)
            merged = {ws.title: list(ws.merged_cells.ranges) for ws in original.worksheets}
        for report in reports:
            sheet = report.sheet if path.suffix in (".xlsx", ".docx") else None
            title = report.sheet if path.suffix == ".xlsx" else "表1"
            expected = {
                (r, c) for s, r, c in _expected_cells(report, merged) if s == sheet or s == report.sheet
            }
            ws = wb[title]
            got = {(c.row, c.column) for row in ws.iter_rows() for c in row if c.comment is not None}
            assert got == expected, (path.name, got ^ expected)
        listed = wb["检查结果"].max_row - 1
        assert listed == sum(len(r.findings) for r in reports)
