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
from planlint.findings import Edit, Fix
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
    code, out, err = run_cli(
        "fix", str(src), "--no-config", "-o", str(src), monkeypatch=monkeypatch, capsys=capsys
    )
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
    assert result.exit_code == 1  # it would change something (ruff's convention)
    lines = [line for line in result.output.splitlines() if "→" in line]
    assert lines and all(": 「" in line and "」 → 「" in line for line in lines)
    assert sorted(samples_copy.iterdir()) == files


def test_fix_exit_code_for_pre_commit(samples_copy, tmp_path):
    files = sorted(samples_copy.iterdir())
    out = tmp_path / "fixed"
    result = CliRunner().invoke(cli, ["fix", "--exit-non-zero-on-fix", "-o", str(out), *map(str, files)])
    assert result.exit_code == 1
    assert all(".fixed." in p.name for p in out.iterdir())


# ---------------------------------------------------------------- fixes as units (issue 16)

ZEZHOU_TITLE = "泽州县市场监督管理局2023年度内部双随机抽查工作计划"
PLAN_HEADER = (
    "序号,抽查任务名称,抽查类型,抽查事项,抽查对象范围,抽查比例及频次,"
    "信用风险分类管理,抽查检查起止时间,发起部门,检查主体,抽查检查模式"
)
RISK = "根据企业信用风险分类结果，对低风险、一般风险、较高风险、高风险企业分别递加比例抽查"


def _plan_row(seq: int, items: str, scope: str, quota: str = "不低于5%；1次/年") -> str:
    return (
        f"{seq},对商标代理机构的双随机抽查,定向,{items},{scope},{quota},{RISK},3月—11月,"
        "泽州县市场监督管理局知识产权股,泽州县市场监督管理局,县抽县查"
    )


def _columns(path: Path) -> dict[str, list[str]]:
    import csv
    import io

    from planlint.readers.delimited import decode

    rows = list(csv.reader(io.StringIO(decode(path.read_bytes(), str(path)), newline="")))
    return {h: [r[j] for r in rows[2:]] for j, h in enumerate(rows[1])}


def test_swap_and_place_fix_on_one_cell_lose_nothing(tmp_path, monkeypatch, capsys):
    """The swap's two edits and the place fix land on the same cell: the swap is applied whole or
    not at all, so the fixed copy holds both texts, each in its column, with the place corrected."""
    src = tmp_path / "泽州县.csv"
    src.write_text(
        f"{ZEZHOU_TITLE}\n{PLAN_HEADER}\n{_plan_row(1, '泽州市从事商标代理业务的服务机构', '商标代理行为的检查')}\n",
        encoding="utf-8",
    )
    out = tmp_path / "fixed.csv"
    code, _, err = run_cli(
        "fix",
        str(src),
        "--unsafe-fixes",
        "--no-config",
        "-o",
        str(out),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 0, err
    columns = _columns(out)
    assert columns["抽查事项"] == ["商标代理行为的检查"]
    assert columns["抽查对象范围"] == ["泽州县从事商标代理业务的服务机构"]
    assert "没有剩余问题" in err


def test_fixes_meeting_on_a_cell_are_resolved_before_applying():
    from planlint.fixes import resolve

    here = Location("p.csv", None, 3, 4)
    there = Location("p.csv", None, 3, 5)
    swap = Fix(
        (Edit(here, "甲市对象", "事项", False), Edit(there, "事项", "甲市对象", False)),
        "unsafe",
        "columns-swapped",
    )
    place = Fix((Edit(here, "甲市对象", "甲县对象", False),), "unsafe", "place-mismatch")
    tidy = Fix((Edit(there, "事项", "事项。", True),), "safe", "text-normalize")
    skipped: list[Skipped] = []
    chosen = resolve([swap, place, tidy, place], skipped)
    # the safe fix wins its cell, then the more specific of the two unsafe ones; the swap waits
    assert chosen == [place, tidy]
    assert [s.fix for s in skipped] == [swap] and "下一轮" in skipped[0].reason


def test_half_applicable_fix_is_not_applied(tmp_path):
    """A swap whose second cell no longer holds the text the rule saw is skipped whole."""
    src = tmp_path / "p.csv"
    src.write_text("序号,抽查事项,抽查对象范围\n1,对象,事项\n", encoding="utf-8")
    fix = Fix(
        (
            Edit(Location(str(src), None, 2, 2), "对象", "事项", False),
            Edit(Location(str(src), None, 2, 3), "别的", "对象", False),
        ),
        "unsafe",
        "columns-swapped",
    )
    skipped: list[Skipped] = []
    data, applied = apply_fixes(str(src), [fix], skipped)
    assert applied == [] and data == src.read_bytes()
    assert "均未应用" in skipped[0].reason


def test_fix_mixed_encoding_csv_uses_the_readers_detector(tmp_path, monkeypatch, capsys):
    """A csv whose lines mix UTF-8 and GB18030 (check reads it line by line) is fixed, not a
    UnicodeDecodeError: the untouched lines keep their bytes, the edited record is UTF-8."""
    head = f"{ZEZHOU_TITLE}\n{PLAN_HEADER}\n".encode()
    gb_line = (_plan_row(1, "商标代理行为的检查", "全县商标代理机构", "5%以上; 1次/年") + "\n").encode(
        "gb18030"
    )
    utf_line = (_plan_row(2, "商标代理行为的检查", "全县商标代理机构") + "\n").encode()
    src = tmp_path / "混合编码.csv"
    src.write_bytes(head + gb_line + utf_line)
    out = tmp_path / "fixed.csv"
    code, _, err = run_cli(
        "fix", str(src), "--no-config", "-o", str(out), monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0, err
    data = out.read_bytes()
    assert data.startswith(head) and data.endswith(utf_line)
    assert "5%以上；1次/年".encode() in data


def test_fix_never_makes_text_a_formula_in_csv(tmp_path, monkeypatch, capsys):
    """Whitespace tidying must not strip what keeps `=…` inert when the csv is opened (issue 21.11)."""
    src = tmp_path / "p.csv"
    row = _plan_row(1, "商标代理行为的检查", "全县商标代理机构").replace(
        "对商标代理机构的双随机抽查", '"\u3000=HYPERLINK(""http://x"")"'
    )
    row2 = _plan_row(2, "商标代理行为的检查", " =1+1 ")
    src.write_text(f"{ZEZHOU_TITLE}\n{PLAN_HEADER}\n{row}\n{row2}\n", encoding="utf-8")
    out = tmp_path / "fixed.csv"
    code, _, err = run_cli(
        "fix", str(src), "--no-config", "-o", str(out), monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0
    if out.exists():
        columns = _columns(out)
        assert not any(c.startswith(("=", "+", "-", "@")) for col in columns.values() for c in col), columns
    assert "当作公式" in err


def test_xlsx_output_quote_prefixes_formula_like_text(tmp_path):
    src = _workbook(tmp_path / "plan.xlsx")
    out = tmp_path / "out.xlsx"
    apply_edits(
        str(src),
        [edit(src, "计划", 3, 2, "任务乙", "+任务乙"), edit(src, "计划", 2, 2, "任务甲", "@任务甲")],
        out,
    )
    ws = load_workbook(out)["计划"]
    assert ws["B3"].value == "+任务乙" and ws["B3"].quotePrefix and ws["B3"].data_type == "s"
    assert ws["B2"].value == "@任务甲" and ws["B2"].quotePrefix


def test_fix_load_failure_is_a_read_error(tmp_path, monkeypatch, capsys):
    """A workbook calamine reads but openpyxl refuses (a broken styles part): `fix` says so with
    exit 2 and what to do, never an internal error (issue 21.8)."""
    import zipfile

    src = tmp_path / "plan.xlsx"
    model = SAMPLES / "示范-某县2025年度内部双随机抽查工作计划.xlsx"
    typo = "".join(f"&#{ord(c)};" for c in "全县").encode()  # the sheet stores CJK as character references
    with zipfile.ZipFile(model) as zin, zipfile.ZipFile(src, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/styles.xml":
                data = (
                    b"<styleSheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'>"
                    b"<cellXfs count='1'><xf numFmtId='x'/></cellXfs></styleSheet>"
                )
            elif info.filename == "xl/worksheets/sheet1.xml":
                assert typo in data
                data = data.replace(typo, typo + b"  ", 1)  # trailing spaces: a safe tidy fix
            zout.writestr(info, data)
    code, out, err = run_cli(
        "fix", str(src), "--no-config", "-o", str(tmp_path / "o.xlsx"), monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 2, out + err
    assert "openpyxl 无法打开此工作簿" in err and "另存为 .xlsx" in err
    assert not (tmp_path / "o.xlsx").exists()


def test_fix_in_a_read_only_folder_writes_elsewhere(tmp_path, monkeypatch, capsys):
    """The work folder is in the system temp folder, not beside the input (issue 21.15)."""
    import os
    import tempfile

    folder = tmp_path / "只读"
    folder.mkdir()
    src = folder / "plan.csv"
    src.write_bytes(CSV_GB.encode("gb18030"))
    out_dir = tmp_path / "out"
    # Root writes through a 0o555 folder (CI runs as root): refuse creating anything in it as the
    # file system would for anyone else.
    real_mkdir, real_open = os.mkdir, os.open

    def inside(path) -> bool:
        return Path(os.fsdecode(path)).resolve().parent == folder.resolve()

    def mkdir(path, *args, **kwargs):
        if inside(path):
            raise PermissionError(13, "Permission denied", os.fsdecode(path))
        return real_mkdir(path, *args, **kwargs)

    def open_(path, flags, *args, **kwargs):
        if flags & os.O_CREAT and inside(path):
            raise PermissionError(13, "Permission denied", os.fsdecode(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", mkdir)
    monkeypatch.setattr(os, "open", open_)
    folder.chmod(0o555)
    try:
        code, _, err = run_cli(
            "fix",
            str(src),
            "--no-config",
            "-o",
            str(out_dir / "fixed.csv"),
            monkeypatch=monkeypatch,
            capsys=capsys,
        )
        assert code == 0, err
        assert sorted(p.name for p in folder.iterdir()) == ["plan.csv"]
    finally:
        folder.chmod(0o755)
    assert not list(Path(tempfile.gettempdir()).glob("planlint-fix-*/round1"))


def test_fix_leaves_no_work_folder_beside_the_input_and_sweeps_stale_ones(tmp_path, monkeypatch, capsys):
    import os
    import tempfile
    import time

    stale = Path(tempfile.mkdtemp(prefix="planlint-fix-"))
    old = time.time() - 7200
    os.utime(stale, (old, old))
    src = tmp_path / "plan.csv"
    src.write_bytes(CSV_GB.encode("gb18030"))
    code, _, err = run_cli(
        "fix",
        str(src),
        "--no-config",
        "-o",
        str(tmp_path / "o" / "fixed.csv"),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o", "plan.csv"]
    assert not stale.exists()
