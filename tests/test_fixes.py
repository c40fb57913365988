"""fixes.apply_fixes per format (only the named cells change, formatting/encoding kept, stale
edits skipped) and `planlint fix` on the bundled samples (safe fixes only, idempotent, originals
untouched)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLES, run_cli
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from report_fixtures import sha256

from planlint.cli import cli
from planlint.errors import PlanlintError
from planlint.findings import Edit
from planlint.findings import Fix
from planlint.fixes import Skipped, apply_fixes, default_output
from planlint.table import Location


def edit(path: Path, sheet: str | None, row: int, col: int, old: str, new: str, safe: bool = True) -> Edit:
    return Edit(Location(str(path), sheet, row, col), old, new, safe)


def apply_edits(src, edits, out, *, skipped=None, applied=None) -> int:
    """Each edit as a fix of its own, applied to a copy of `src` written to `out`."""
    skipped = [] if skipped is None else skipped
    fixes = [Fix((e,), "safe" if e.safe else "unsafe", "test") for e in edits]
    data, done = apply_fixes(str(src), fixes, skipped)
    Path(out).write_bytes(data)
    if applied is not None:
        applied.extend(done)
    return len(done)


def test_default_output_name():
    assert default_output("a/泽州县2023.xlsx") == str(Path("a/泽州县2023.fixed.xlsx"))


def test_refuses_to_write_over_the_input(tmp_path, monkeypatch, capsys):
    src = tmp_path / "p.csv"
    src.write_bytes(CSV_GB.encode("gb18030"))
    before = src.read_bytes()
    code, out, err = run_cli("fix", str(src), "--no-config", "-o", str(src), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "拒绝覆盖" in out + err and src.read_bytes() == before


# ---------------------------------------------------------------- xlsx


def _workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "计划"
    ws.append(["序号", "抽查任务名称", "抽查比例", "发起部门"])
    ws.append(["1", "任务甲", "5%以上; 1次/年", "泽州市市场监督管理局"])
    ws.append(["2", "任务乙", 0.05, None])
    ws.append(["3", "任务丙", "=SUM(1,2)", "泽州市市场监督管理局"])
    ws["C2"].font = Font(bold=True, color="FF0000")
    ws["C2"].fill = PatternFill("solid", start_color="FFFF00", end_color="FFFF00")
    ws["C3"].number_format = "0%"
    ws.merge_cells("D2:D3")
    ws.column_dimensions["B"].width = 33
    wb.save(path)
    return path


def test_xlsx_edits_named_cells_keep_formatting(tmp_path):
    src = _workbook(tmp_path / "plan.xlsx")
    before = sha256(src)
    out = tmp_path / "plan.fixed.xlsx"
    skipped: list[Skipped] = []
    applied: list[Edit] = []
    edits = [
        edit(src, "计划", 2, 3, "5%以上; 1次/年", "不低于5%；1次/年"),
        edit(src, "计划", 3, 3, "5%", "不低于5%"),  # a %-formatted number, as the reader renders it
        edit(src, "计划", 2, 2, "任务丁", "任务戊"),  # stale: the cell says 任务甲
        edit(src, "计划", 4, 3, "=SUM(1,2)", "3"),  # formulas are never rewritten
        # a vertical merge: the reader gives D3 the anchor's text, so the rule proposes it twice
        edit(src, "计划", 2, 4, "泽州市市场监督管理局", "泽州县市场监督管理局"),
        edit(src, "计划", 3, 4, "泽州市市场监督管理局", "泽州县市场监督管理局"),
        edit(src, "计划", 4, 2, "任务丙", '=HYPERLINK("x")'),  # new text is stored inert
    ]
    n = apply_edits(str(src), edits, str(out), skipped=skipped, applied=applied)
    assert n == 4 == len(applied)
    assert sha256(src) == before
    assert sorted(s.edit.location.cell for s in skipped) == ["B2", "C4"]
    assert "任务甲" in next(s.reason for s in skipped if s.edit.location.cell == "B2")

    ws = load_workbook(out)["计划"]
    assert ws["C2"].value == "不低于5%；1次/年"
    assert ws["C2"].font.bold and ws["C2"].fill.fgColor.rgb.endswith("FFFF00")
    assert ws["C3"].value == "不低于5%"
    assert ws["D2"].value == "泽州县市场监督管理局" and "D2:D3" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["B4"].value == '=HYPERLINK("x")' and ws["B4"].data_type == "s"
    assert ws["C4"].value == "=SUM(1,2)" and ws["C4"].data_type == "f"
    assert ws["B2"].value == "任务甲" and ws.column_dimensions["B"].width == 33


# ---------------------------------------------------------------- csv / txt

CSV_GB = (
    "序号,抽查任务名称,抽查比例,信用风险分类\r\n"
    '1,任务甲,"5%以上; 1次/年","根据企业信用风险分类结果,分别递加"\r\n'
    "2,任务乙,30%,\r\n"
    '3,"多行\r\n名称",5%; 1/年,无\r\n'
)


def test_csv_rewrites_only_edited_records_in_original_encoding(tmp_path):
    src = tmp_path / "plan.csv"
    src.write_bytes(CSV_GB.encode("gb18030"))
    out = tmp_path / "plan.fixed.csv"
    skipped: list[Skipped] = []
    n = apply_edits(
        str(src),
        [
            edit(src, None, 2, 3, "5%以上; 1次/年", "不低于5%；1次/年"),
            edit(src, None, 4, 3, "5%; 1/年", "5%；1次/年"),
            edit(src, None, 3, 3, "35%", "不低于35%"),  # stale
        ],
        str(out),
        skipped=skipped,
    )
    assert n == 2 and [s.edit.location.row for s in skipped] == [3]
    expected = CSV_GB.replace('"5%以上; 1次/年"', "不低于5%；1次/年").replace("5%; 1/年", "5%；1次/年")
    assert out.read_bytes() == expected.encode("gb18030")


def test_csv_bom_and_lf_kept(tmp_path):
    src = tmp_path / "plan.csv"
    src.write_bytes("\ufeff序号,比例\n1,5%\n".encode())
    out = tmp_path / "o.csv"
    assert apply_edits(str(src), [edit(src, None, 2, 2, "5%", "不低于5%")], str(out)) == 1
    assert out.read_bytes() == "\ufeff序号,比例\n1,不低于5%\n".encode()


def test_text_export_replaces_within_the_line(tmp_path):
    src = tmp_path / "plan.txt"
    text = "关于印发计划的通知\r\n\r\n序号\t名称\t比例\r\n1\t任务甲\t5%以上; 1次/年\r\n2\t任务乙\t30%"
    src.write_bytes(text.encode("utf-8"))
    out = tmp_path / "o.txt"
    skipped: list[Skipped] = []
    n = apply_edits(
        str(src),
        [
            edit(src, None, 4, 3, "5%以上; 1次/年", "不低于5%；1次/年"),
            edit(src, None, 5, 3, "30%", "30%\t1次/年"),  # would break the table
        ],
        str(out),
        skipped=skipped,
    )
    assert n == 1 and len(skipped) == 1
    assert out.read_bytes() == text.replace("5%以上; 1次/年", "不低于5%；1次/年").encode("utf-8")


# ---------------------------------------------------------------- docx


def _document(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("泽州县市场监督管理局2023年度内部双随机抽查工作计划")
    document.add_table(rows=1, cols=1)  # an empty table: the reader does not count it
    table = document.add_table(rows=3, cols=3)
    for c, h in enumerate(["序号", "名称", "比例"]):
        table.cell(0, c).text = h
    table.cell(1, 0).text = "1"
    table.cell(2, 0).text = "2"
    run = table.cell(1, 2).paragraphs[0].add_run("5%以上; 1次/年")
    run.bold = True
    merged = table.cell(1, 1).merge(table.cell(2, 1))  # vertical merge over two tasks
    merged.text = "任务甲"
    table.cell(2, 2).text = "30%"
    document.save(path)
    return path


def test_docx_rewrites_the_cell_keeping_run_format(tmp_path):
    import docx

    src = _document(tmp_path / "plan.docx")
    before = sha256(src)
    out = tmp_path / "plan.fixed.docx"
    skipped: list[Skipped] = []
    n = apply_edits(
        str(src),
        [
            edit(src, "表1", 2, 3, "5%以上; 1次/年", "不低于5%；1次/年"),
            edit(src, "表1", 2, 2, "任务甲", "任务甲（含乙）"),
            edit(src, "表1", 3, 2, "任务甲", "任务甲（含乙）"),  # the continued half of the merge
            edit(src, "表1", 3, 3, "35%", "不低于35%"),  # stale
        ],
        str(out),
        skipped=skipped,
    )
    assert n == 2 and [s.edit.location.cell for s in skipped] == ["C3"]
    assert sha256(src) == before
    table = docx.Document(str(out)).tables[1]
    cell = table.cell(1, 2)
    assert cell.text == "不低于5%；1次/年" and cell.paragraphs[0].runs[0].bold
    assert table.cell(1, 1).text == "任务甲（含乙）" and table.cell(2, 1).text == "任务甲（含乙）"
    assert table.cell(2, 2).text == "30%"


# ---------------------------------------------------------------- planlint fix on the samples


def _cells(path: Path) -> dict[tuple, str]:
    from planlint.pipeline import load_plans
    from planlint.report.cells import plan_fields

    return {
        (f.location.sheet, f.location.row, f.location.col): f.raw
        for plan in load_plans(str(path))
        for f in plan_fields(plan)
    }


def _safe_edits(path: Path) -> dict[tuple, Edit]:
    from planlint.engine import run

    result = run([str(path)])
    return {
        (e.location.sheet, e.location.row, e.location.col): e
        for f in result.findings
        for e in f.edits
        if e.safe
    }


@pytest.fixture
def samples_copy(tmp_path):
    folder = tmp_path / "samples"
    folder.mkdir()
    for p in sorted(SAMPLES.iterdir()):
        if p.suffix in (".xlsx", ".docx", ".csv", ".txt"):
            shutil.copy(p, folder / p.name)
    return folder


def test_fix_on_samples_changes_only_safe_edits_and_is_idempotent(samples_copy):
    files = sorted(samples_copy.iterdir())
    hashes = {p: sha256(p) for p in files}
    edits = {p: _safe_edits(p) for p in files}
    assert any(edits.values()), "the samples should exercise at least one safe fix"

    runner = CliRunner()
    result = runner.invoke(cli, ["fix", *map(str, files)])
    assert result.exit_code == 0, result.output
    assert {p: sha256(p) for p in files} == hashes  # originals untouched

    for p in files:
        fixed = Path(default_output(str(p)))
        if not edits[p]:
            assert not fixed.exists(), fixed
            continue
        before, after = _cells(p), _cells(fixed)
        changed = {k for k in before if before[k] != after.get(k)}
        assert changed, p
        # every changed cell is one a safe edit named (covered cells of a merge share its anchor's)
        named = {(k[0], k[2], e.old) for k, e in edits[p].items()}
        assert all(k in edits[p] or (k[0], k[2], before[k]) in named for k in changed), changed - set(
            edits[p]
        )
        assert all(after[k] != edits[p][k].old for k in edits[p] if k in after)
        # a second run finds nothing left to fix safely
        again = runner.invoke(cli, ["fix", str(fixed), "--diff"])
        assert again.exit_code == 0 and "→" not in again.output, again.output


def test_fix_diff_writes_nothing(samples_copy):
    files = sorted(samples_copy.iterdir())
    result = CliRunner().invoke(cli, ["fix", "--diff", *map(str, files)])
    assert result.exit_code == 0
    lines = [line for line in result.output.splitlines() if "→" in line]
    assert lines and all(": 「" in line and "」 → 「" in line for line in lines)
    assert sorted(samples_copy.iterdir()) == files


def test_fix_exit_code_for_pre_commit(samples_copy, tmp_path):
    files = sorted(samples_copy.iterdir())
    out = tmp_path / "fixed"
    result = CliRunner().invoke(cli, ["fix", "--exit-non-zero-on-fix", "-o", str(out), *map(str, files)])
    assert result.exit_code == 1
    assert all(".fixed." in p.name for p in out.iterdir())
