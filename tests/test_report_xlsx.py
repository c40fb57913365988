"""xlsx reporter: an annotated copy (comments + fills on exactly the findings' cells, a 检查结果
sheet with links), the original untouched, hostile cell text inert, non-xlsx inputs rebuilt."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from report_fixtures import (
    ANNOTATED,
    DDE,
    HYPERLINK,
    SHEET,
    make_findings,
    make_plan,
    make_result,
    make_workbook,
    sha256,
)

from planlint.errors import PlanlintError
from planlint.findings import Finding
from planlint.report import write
from planlint.result import CheckResult, PlanReport
from planlint.table import Location

FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "BDD7EE"}


def comments(ws) -> dict[str, str]:
    return {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment is not None}


def no_formulas(path: Path) -> None:
    """No <f> element anywhere: nothing in the copy will be evaluated when Excel opens it."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name


@pytest.fixture
def plan_xlsx(tmp_path):
    return make_workbook(tmp_path / "泽州县2023.xlsx")


def test_annotated_copy(plan_xlsx, tmp_path):
    before = sha256(plan_xlsx)
    out = tmp_path / "批注.xlsx"
    write("xlsx", make_result(str(plan_xlsx)), str(out))
    assert sha256(plan_xlsx) == before

    wb = load_workbook(out)
    assert wb.sheetnames == ["检查结果", SHEET, "说明"]
    assert wb.active.title == "检查结果"
    ws = wb[SHEET]
    notes = comments(ws)
    assert set(notes) == ANNOTATED
    assert comments(wb["说明"]) == {}
    assert notes["F3"].startswith("[错误] PL301 window-after-deadline：抽查检查起止时间「2月-12月」")
    assert "建议：将结束时间改为12月20日或更早" in notes["F3"]
    assert ws["F3"].fill.fgColor.rgb.endswith(FILLS["error"])
    assert ws["D5"].fill.fgColor.rgb.endswith(FILLS["warning"])
    assert ws["A6"].fill.fgColor.rgb.endswith(FILLS["info"])
    assert ws["A3"].fill.fgColor.rgb in ("00000000", None)  # untouched cells keep no fill
    # original content and structure survive
    assert ws["D5"].value == "5%以上; 1次/年"
    assert "B3:B4" in {str(r) for r in ws.merged_cells.ranges}

    # 检查结果: one row per finding, the 位置 cell links to the annotated cell
    res = wb["检查结果"]
    rows = list(res.iter_rows(min_row=2))
    assert len(rows) == len(make_findings(str(plan_xlsx)))
    links = {r[4].hyperlink.location for r in rows if r[4].hyperlink is not None}
    assert links == {f"'{SHEET}'!{cell}" for cell in ANNOTATED}
    f3 = next(r for r in rows if r[2].value == "PL301")
    assert f3[4].value == f"{SHEET}!F3" and f3[4].hyperlink.location == f"'{SHEET}'!F3"
    assert f3[6].value == "2月-12月" and f3[9].value == "晋市市监〔2025〕7号 五"
    plan_level = next(r for r in rows if r[7].value == "计划未注明公示方式")
    assert plan_level[4].hyperlink is None


def test_hostile_cells_stay_text(plan_xlsx, tmp_path):
    out = tmp_path / "批注.xlsx"
    write("xlsx", make_result(str(plan_xlsx)), str(out))
    wb = load_workbook(out)
    ws = wb[SHEET]
    assert ws["C5"].value == HYPERLINK and ws["C5"].data_type == "s"
    assert ws["G6"].value == DDE and ws["G6"].data_type == "s"
    res = wb["检查结果"]
    copied = [c for row in res.iter_rows() for c in row if c.value == HYPERLINK]
    assert copied and all(c.data_type == "s" and c.quotePrefix for c in copied)
    no_formulas(out)


def test_merged_cell_finding_lands_on_the_anchor(plan_xlsx, tmp_path):
    result = make_result(str(plan_xlsx))
    covered = Location(str(plan_xlsx), SHEET, 4, 2)  # B4 lies under B3:B4
    result.reports[0].findings.append(Finding("PL901", "name-note", "info", "名称提示", "", covered))
    out = tmp_path / "批注.xlsx"
    write("xlsx", result, str(out))
    wb = load_workbook(out)
    assert "B3" in comments(wb[SHEET]) and "名称提示" in comments(wb[SHEET])["B3"]
    links = {c.hyperlink.location for row in wb["检查结果"].iter_rows() for c in row if c.hyperlink}
    assert f"'{SHEET}'!B3" in links


def test_existing_comment_kept(tmp_path):
    from openpyxl.comments import Comment

    path = make_workbook(tmp_path / "plan.xlsx")
    wb = load_workbook(path)
    wb[SHEET]["F3"].comment = Comment("作者原批注", "张三")
    wb.save(path)
    out = tmp_path / "out.xlsx"
    write("xlsx", make_result(str(path)), str(out))
    text = load_workbook(out)[SHEET]["F3"].comment.text
    assert text.startswith("作者原批注") and "PL301" in text


@pytest.mark.parametrize("suffix", [".csv", ".docx", ".txt"])
def test_rebuilt_from_parsed_plan(tmp_path, suffix):
    src = tmp_path / f"plan{suffix}"
    src.write_bytes(b"not read by the reporter")
    sheet = "表1" if suffix == ".docx" else None
    plan = make_plan(str(src), sheet)
    findings = make_findings(str(src), sheet)
    result = CheckResult([PlanReport(str(src), sheet, plan, findings)])
    out = tmp_path / "批注.xlsx"
    write("xlsx", result, str(out))
    assert src.read_bytes() == b"not read by the reporter"

    wb = load_workbook(out)
    assert wb.sheetnames == ["检查结果", "表1"]
    ws = wb["表1"]
    # header + tasks + continuation row at their original positions
    assert [ws.cell(2, c).value for c in range(1, 8)][:3] == ["序号", "抽查任务名称", "抽查事项"]
    assert ws["C4"].value == "计量器具强制检定情况"
    assert ws["D5"].value == "5%以上; 1次/年"
    assert ws["C5"].value == HYPERLINK and ws["C5"].data_type == "s"
    assert set(comments(ws)) == ANNOTATED
    links = {c.hyperlink.location for row in wb["检查结果"].iter_rows() for c in row if c.hyperlink}
    assert links == {f"'表1'!{cell}" for cell in ANNOTATED}
    no_formulas(out)


def test_several_files_go_to_a_folder(tmp_path, capsys):
    a = make_workbook(tmp_path / "a.xlsx")
    b = tmp_path / "b.csv"
    b.write_text("x", encoding="utf-8")
    result = CheckResult(
        [
            PlanReport(str(a), SHEET, make_plan(str(a)), make_findings(str(a))),
            PlanReport(str(b), None, make_plan(str(b), None), make_findings(str(b), None)),
            PlanReport(str(tmp_path / "c.docx"), None, None, error="文件已加密"),
        ]
    )
    out = tmp_path / "批注"
    write("xlsx", result, str(out))
    # no copy of the unreadable file (an empty workbook would pass for a clean plan): stderr says so
    assert sorted(p.name for p in out.iterdir()) == ["a.批注.xlsx", "b.csv.批注.xlsx"]
    assert set(comments(load_workbook(out / "b.csv.批注.xlsx")["表1"])) == ANNOTATED
    assert "未生成批注副本" in capsys.readouterr().err


def test_refuses_to_overwrite_the_input(plan_xlsx):
    before = sha256(plan_xlsx)
    with pytest.raises(PlanlintError, match="拒绝覆盖"):
        write("xlsx", make_result(str(plan_xlsx)), str(plan_xlsx))
    assert sha256(plan_xlsx) == before


@pytest.mark.parametrize("char", ["\x0b", "\x01", "\x1b"])
def test_control_characters_never_sink_the_copy(tmp_path, monkeypatch, capsys, char):
    """#21.7: a control character in a flagged cell (quoted in the comment) or in a sheet name made
    openpyxl refuse the whole copy (内部错误); every text is filtered to U+FFFD instead."""
    import sys

    from conftest import run_cli

    sys.path.insert(0, str(Path(__file__).parent / "bad_inputs"))
    import make_bad_inputs as m

    task = [m.TASKS[0][0], f"2022年食品{char}生产企业监督检查", *m.TASKS[0][2:]]
    plan = tmp_path / "plan.csv"
    plan.write_text("\n".join(",".join(r) for r in m.plan_rows([task, m.TASKS[1]])), encoding="utf-8")
    out = tmp_path / "out.xlsx"
    code, _, _ = run_cli(
        "check", str(plan), "--no-config", "-f", f"xlsx:{out}", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0
    texts = [
        c.comment.text
        for ws in load_workbook(out).worksheets
        for row in ws.iter_rows()
        for c in row
        if c.comment
    ]
    assert any("食品\ufffd生产" in t for t in texts)


def test_sheet_names_lose_control_characters():
    from planlint.report.xlsx import _sheet_title

    assert _sheet_title("计划\x00表\x1b", set()) == "计划_表_"
