"""The same plan in every format gives the same tasks and findings (issue 17).

The seeds' tables were written by LibreOffice as .xls/.ods (from the .xlsx) and as .doc/.odt/PDF
(from a bordered Word table of the same sheet, and from the seed .docx), by
tests/fixtures/formats/make_formats.py. WPS's .et and .wps are the .xls/.doc binary formats under
WPS's names: the tests copy the files to those names. Spreadsheets keep every cell coordinate;
Word and PDF files are compared modulo locations.
"""

from __future__ import annotations

import datetime
import functools
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import SAMPLES, require_external
from fixtures.formats.xlsb import Styled, from_xlsx, write_xlsb

from planlint import engine
from planlint.readers import kind_of, read_tables

FORMATS = Path(__file__).parent / "fixtures" / "formats"
SEEDS = sorted(p.stem for p in SAMPLES.glob("*.xlsx"))
ZEZHOU = "泽州县市场监督管理局2023年度内部双随机抽查工作计划"
YUANPING = "原平市2024年度部门联合双随机抽查工作计划"
SOFFICE_HINT = (
    "读取 .doc/.wps/.odt 需要 LibreOffice：apt-get install -y libreoffice-writer-nogui libreoffice-calc-nogui"
)


def soffice() -> str:
    """LibreOffice, or skip with the install hint (fail when PLANLINT_REQUIRE_EXTERNAL=1)."""
    from planlint.readers.wordproc import find_soffice

    return require_external("soffice", SOFFICE_HINT, find_soffice())


@functools.cache
def checked(path: Path) -> engine.CheckResult:
    """One check per file for the whole module: converting a .doc or reading a PDF takes seconds."""
    return engine.run([str(path)], engine.RunOptions(use_config=False))


def outcome(path: Path) -> tuple[int, Counter, Counter]:
    """Tasks, findings without locations, and findings with their cell."""
    result = checked(path)
    errors = [r.error for r in result.reports if r.error]
    assert not errors, errors
    findings = [f for r in result.reports for f in r.findings]
    tasks = sum(len(r.plan.tasks) for r in result.reports if r.plan is not None)
    plain = Counter((f.rule_id, f.severity, f.message, f.field, f.task_seq) for f in findings)
    located = Counter(
        (f.rule_id, f.message, f.location.sheet, f.location.row, f.location.col) for f in findings
    )
    return tasks, plain, located


def _copy_as(src: Path, folder: Path, suffix: str) -> Path:
    target = folder / f"{src.name.split('.')[0]}{suffix}"
    shutil.copyfile(src, target)
    return target


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("suffix", [".xls", ".ods", ".et"])
def test_spreadsheet_formats_read_like_the_xlsx(seed, suffix, tmp_path):
    path = (
        FORMATS / f"{seed}{suffix}" if suffix != ".et" else _copy_as(FORMATS / f"{seed}.xls", tmp_path, ".et")
    )
    assert kind_of(str(path)) == "spreadsheet"
    tasks, plain, located = outcome(path)
    want_tasks, want_plain, want_located = outcome(SAMPLES / f"{seed}.xlsx")
    assert tasks == want_tasks > 0
    assert plain == want_plain
    assert located == want_located  # same sheets, rows and columns


@pytest.mark.parametrize("seed", SEEDS)
def test_xlsb_reads_like_the_xlsx(seed, tmp_path):
    """LibreOffice cannot write .xlsb: tests/fixtures/formats/xlsb.py writes the seed's cells and
    merged ranges as BIFF12 records, and calamine reads them back."""
    path = tmp_path / f"{seed}.xlsb"
    from_xlsx(SAMPLES / f"{seed}.xlsx", path)
    assert kind_of(str(path)) == "spreadsheet"
    tasks, plain, located = outcome(path)
    want_tasks, want_plain, want_located = outcome(SAMPLES / f"{seed}.xlsx")
    assert tasks == want_tasks > 0
    assert plain == want_plain
    assert located == want_located


def test_xlsb_merged_cells_are_spread_like_excel(tmp_path):
    """calamine does not report .xlsb merges: they come from the sheet's BrtMergeCell records."""
    path = tmp_path / "计划.xlsb"
    from_xlsx(SAMPLES / f"{ZEZHOU}.xlsx", path)
    xlsb, xlsx = read_tables(str(path))[0], read_tables(str(SAMPLES / f"{ZEZHOU}.xlsx"))[0]
    assert xlsx.covered and xlsb.covered == xlsx.covered and xlsb.anchors == xlsx.anchors
    assert xlsb.rows == xlsx.rows and xlsb.format == "xlsb"


def test_xlsb_and_xlsx_with_lying_extensions_read_by_content(tmp_path):
    xlsx = SAMPLES / f"{ZEZHOU}.xlsx"
    want = read_tables(str(xlsx))[0]
    binary = tmp_path / "其实是xlsb.xlsx"
    from_xlsx(xlsx, binary)
    named_xlsb = tmp_path / "其实是xlsx.xlsb"
    shutil.copyfile(xlsx, named_xlsb)
    assert (kind_of(str(binary)), kind_of(str(named_xlsb))) == ("spreadsheet", "xlsx")
    for path, fmt in ((binary, "xlsb"), (named_xlsb, "xlsx")):
        table = read_tables(str(path))[0]
        assert (table.rows, table.covered, table.format) == (want.rows, want.covered, fmt)


NUMBERS = [  # (value, Excel number format, how Excel shows it = what planlint reads)
    (0.05, "0%", "5%"),
    (0.125, "0.0%", "12.5%"),
    (1.0, "0%", "100%"),  # stored as the integer 1 in .xls/.xlsb
    (0.3, "General", "0.3"),  # a fraction without a percent format stays a fraction
    (1.0, "General", "1"),
    (12.0, "0.00", "12"),  # integers read as integers, as for .xlsx
    (datetime.date(2024, 3, 1), 'yyyy"年"m"月"d"日"', "2024年3月1日"),
    (datetime.date(2024, 11, 30), "YYYY-MM-DD", "2024年11月30日"),  # dates as the .xlsx reader gives them
]


def number_sheet_xls(path: Path, cells: list[tuple[object, str, str]] = NUMBERS) -> None:
    """A sheet 计划 of (value, number format, shown) cells in column B, as .xls."""
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("计划")
    for r, (value, fmt, _) in enumerate(cells):
        ws.write(r, 0, f"第{r + 1}项")
        ws.write(r, 1, value, xlwt.easyxf(num_format_str=fmt))
    wb.save(str(path))


def number_sheet_xlsx(path: Path, cells: list[tuple[object, str, str]] = NUMBERS) -> None:
    """The same sheet as .xlsx."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "计划"
    for r, (value, fmt, _) in enumerate(cells, start=1):
        ws.cell(r, 1, f"第{r}项")
        ws.cell(r, 2, value).number_format = fmt
    wb.save(path)


def test_xls_numbers_read_as_shown(tmp_path):
    """calamine gives 0.05 for a cell Excel shows as 5%: the number formats come from xlrd, and
    the texts are the .xlsx reader's for the same cells."""
    xls, xlsx = tmp_path / "数字.xls", tmp_path / "数字.xlsx"
    number_sheet_xls(xls)
    number_sheet_xlsx(xlsx)
    shown = [row[1] for row in read_tables(str(xls))[0].rows]
    assert shown == [want for _, _, want in NUMBERS]
    assert shown == [row[1] for row in read_tables(str(xlsx))[0].rows]
    et = _copy_as(xls, tmp_path, ".et")
    assert [row[1] for row in read_tables(str(et))[0].rows] == shown


def test_xlsb_numbers_read_as_shown(tmp_path):
    """.xlsb formats come from styles.bin; a date stored as an RK integer (calamine gives the
    number) reads as a date too."""
    path = tmp_path / "数字.xlsb"
    rows = [[f"第{r + 1}项", Styled(value, fmt)] for r, (value, fmt, _) in enumerate(NUMBERS)]
    write_xlsb(path, {"计划": (rows, [])})
    assert [row[1] for row in read_tables(str(path))[0].rows] == [want for _, _, want in NUMBERS]


def test_ods_merged_cells_are_spread_like_excel():
    """calamine does not report .ods merges: they come from content.xml, as for .xlsx."""
    ods, xlsx = (
        read_tables(str(FORMATS / f"{ZEZHOU}.ods"))[0],
        read_tables(str(SAMPLES / f"{ZEZHOU}.xlsx"))[0],
    )
    assert ods.rows == xlsx.rows and ods.covered == xlsx.covered and ods.format == "ods"


@pytest.mark.parametrize("seed", SEEDS)
def test_pdf_reads_like_the_xlsx(seed):
    tasks, plain, _ = outcome(FORMATS / f"{seed}.pdf")
    want_tasks, want_plain, _ = outcome(SAMPLES / f"{seed}.xlsx")
    assert tasks == want_tasks > 0
    assert plain == want_plain


def test_pdf_of_the_seed_docx_reads_like_the_docx():
    tasks, plain, _ = outcome(FORMATS / f"{ZEZHOU}.seed.pdf")
    want_tasks, want_plain, _ = outcome(SAMPLES / f"{ZEZHOU}.docx")
    assert tasks == want_tasks and plain == want_plain


def test_pdf_table_over_pages_is_one_table_with_page_locations():
    """原平's table runs over four pages with rows split by page breaks: one table, 42 tasks, and
    every location names its page: 第3页 表1 第5行 第4列."""
    path = FORMATS / f"{YUANPING}.pdf"
    tables = read_tables(str(path))
    assert len(tables) == 1 and len(set(tables[0].row_sheets)) >= 3
    result = checked(path)
    shown = [str(f.location) for r in result.reports for f in r.findings if f.location.col]
    assert shown and all(re.search(r":第\d+页 表1 第\d+行 第\d+列$", s) for s in shown), shown[:3]
    assert any(":第1页" not in s for s in shown)  # findings on later pages too
    wrapped = {c for row in tables[0].rows for c in row if "抽查比例不低于" in c}
    assert wrapped and not any("\n" in c for c in wrapped)  # wrapped cell text joined


def test_pdf_annotated_copy_is_a_rebuilt_workbook(tmp_path, monkeypatch, capsys):
    from conftest import run_cli
    from openpyxl import load_workbook

    out = tmp_path / "批注.xlsx"
    code, _, err = run_cli(
        "check",
        str(FORMATS / f"{ZEZHOU}.pdf"),
        "--no-config",
        "-f",
        f"xlsx:{out}",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 1, err
    wb = load_workbook(out)
    pages = [ws for ws in wb.worksheets if re.fullmatch(r"第\d+页 表1", ws.title)]
    assert len(pages) >= 2
    commented = [c for ws in pages for row in ws.iter_rows() for c in row if c.comment is not None]
    assert commented and any("泽州市" in c.comment.text for c in commented)
    # the result sheet links to the rebuilt page sheets' cells
    links = [row[4].value for row in wb["检查结果"].iter_rows(min_row=2) if row[4].hyperlink is not None]
    assert links and all(link.split("!")[0] in wb.sheetnames for link in links)


def test_pdf_places_are_written_by_page_row_and_column():
    from planlint.table import Location

    loc = Location("计划.pdf", "第3页 表1", 5, 4)
    assert str(loc) == "计划.pdf:第3页 表1 第5行 第4列" and loc.place == "第3页 表1 第5行 第4列"
    assert loc._replace(col=0).place == "第3页 表1 第5行"
    assert str(Location("计划.xlsx", "第3页 表1x", 5, 4)) == "计划.xlsx:第3页 表1x!D5"


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_word_processor_files_read_like_the_xlsx(seed, suffix, tmp_path):
    """Every seed's table as a Word 97-2003 file (and under WPS's .wps name), through LibreOffice."""
    soffice()
    path = (
        FORMATS / f"{seed}.doc" if suffix == ".doc" else _copy_as(FORMATS / f"{seed}.doc", tmp_path, ".wps")
    )
    tasks, plain, _ = outcome(path)
    want_tasks, want_plain, _ = outcome(SAMPLES / f"{seed}.xlsx")
    assert tasks == want_tasks > 0 and plain == want_plain


@pytest.mark.parametrize("name", [f"{ZEZHOU}.seed.doc", f"{ZEZHOU}.seed.odt"])
def test_word_processor_files_of_the_seed_docx_read_like_it(name):
    soffice()
    tasks, plain, _ = outcome(FORMATS / name)
    want_tasks, want_plain, _ = outcome(SAMPLES / f"{ZEZHOU}.docx")
    assert tasks == want_tasks > 0 and plain == want_plain


def test_wps_file_reads_like_the_docx_with_the_originals_locations(tmp_path):
    soffice()
    path = _copy_as(FORMATS / f"{ZEZHOU}.seed.doc", tmp_path, ".wps")
    tasks, plain, located = outcome(path)
    want_tasks, want_plain, want_located = outcome(SAMPLES / f"{ZEZHOU}.docx")
    assert tasks == want_tasks and plain == want_plain
    assert located == want_located  # 表1, row and column of the Word table
    assert {f.location.path for r in checked(path).reports for f in r.findings} == {str(path)}


def test_check_and_serve_accept_the_new_types():
    from planlint.pipeline import discover
    from planlint.readers import SUPPORTED

    assert {".xls", ".xlsb", ".ods", ".et", ".doc", ".wps", ".odt", ".pdf"} <= set(SUPPORTED)
    found = {Path(p).suffix for p in discover([str(FORMATS)])}
    assert {".xls", ".ods", ".doc", ".pdf", ".odt"} <= found
    pytest.importorskip("starlette")
    from starlette.testclient import TestClient

    from planlint.serve.app import create_app

    with TestClient(create_app(), base_url="http://127.0.0.1") as client:
        page = client.get("/").text
    picker = re.search(r'id="files"[^>]*accept="([^"]*)"', page)[1].split(",")
    shown = re.search(r"支持 ([^；]*)；", page)[1].split()
    for ext in (".xls", ".et", ".xlsb", ".ods", ".doc", ".wps", ".odt", ".pdf"):
        assert ext in picker, ext
    for ext in (".xls", ".et", ".ods", ".doc", ".wps", ".pdf"):  # the page names the usual ones
        assert ext in shown, ext


# ---------------------------------------------------------------- fix: a rebuilt workbook


def _fix(path: Path, work: Path):
    from planlint.fixrounds import fix_file

    work.mkdir(parents=True, exist_ok=True)
    return fix_file(str(path), engine.RunOptions(use_config=False), True, work)


@functools.cache
def _xlsx_fix(seed: str) -> tuple[Counter, dict, int]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        fixed = _fix(SAMPLES / f"{seed}.xlsx", Path(tmp))
        assert not fixed.rebuilt and fixed.changes
        return (
            Counter((old, new) for _, old, new in fixed.changes.values()),
            {k: (old, new) for k, (_, old, new) in fixed.changes.items()},
            fixed.remaining,
        )


def _input(suffix: str, tmp_path: Path) -> Path:
    if suffix == ".xlsb":
        path = tmp_path / f"{YUANPING}.xlsb"
        from_xlsx(SAMPLES / f"{YUANPING}.xlsx", path)
        return path
    source = {".et": ".xls", ".wps": ".doc"}.get(suffix, suffix)
    if suffix in (".doc", ".wps"):
        soffice()
    return _copy_as(FORMATS / f"{YUANPING}{source}", tmp_path, suffix)


@pytest.mark.parametrize("suffix", [".xls", ".et", ".xlsb", ".ods", ".pdf", ".doc", ".wps"])
def test_fix_of_a_format_planlint_cannot_write_is_a_rebuilt_workbook(suffix, tmp_path):
    """The fixed copy of an .xls/.et/.xlsb/.ods/.doc/.wps/PDF is an .xlsx rebuilt from its tables
    with the same changes as fixing the .xlsx (at the same cells for spreadsheets), leaving the
    same findings; the input is untouched."""
    from openpyxl import load_workbook

    from planlint.fixes import fixed_output

    path = _input(suffix, tmp_path)
    before = path.read_bytes()
    fixed = _fix(path, tmp_path / "work")
    want_pairs, want_cells, want_remaining = _xlsx_fix(YUANPING)
    assert fixed.rebuilt and fixed.note and f"「{suffix}」" in fixed.note
    assert Counter((old, new) for _, old, new in fixed.changes.values()) == want_pairs
    if suffix in (".xls", ".et", ".xlsb", ".ods"):
        assert {k: (old, new) for k, (_, old, new) in fixed.changes.items()} == want_cells
    assert fixed.remaining == want_remaining
    assert fixed.result_path is not None and fixed.result_path.endswith(".xlsx")
    assert load_workbook(fixed.result_path).sheetnames
    assert path.read_bytes() == before
    assert fixed_output(str(path)) == str(tmp_path / f"{YUANPING}.fixed.xlsx")


def test_fixed_copies_of_one_plan_in_two_formats_do_not_overwrite_each_other(tmp_path, monkeypatch, capsys):
    from conftest import run_cli

    xls = _copy_as(FORMATS / f"{YUANPING}.xls", tmp_path, ".xls")
    ods = _copy_as(FORMATS / f"{YUANPING}.ods", tmp_path, ".ods")
    xlsx = _copy_as(SAMPLES / f"{YUANPING}.xlsx", tmp_path, ".xlsx")
    code, _, err = run_cli(
        "fix", "--no-config", str(xls), str(ods), str(xlsx), monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0, err
    made = sorted(p.name for p in tmp_path.iterdir() if ".fixed." in p.name)
    assert made == sorted(f"{YUANPING}{s}" for s in (".xls.fixed.xlsx", ".ods.fixed.xlsx", ".fixed.xlsx")), (
        made
    )


def test_fix_command_names_the_rebuilt_copy_and_says_why(tmp_path, monkeypatch, capsys):
    from conftest import run_cli

    pdf = _copy_as(FORMATS / f"{YUANPING}.pdf", tmp_path, ".pdf")
    lying = tmp_path / "其实是xlsx.xls"
    shutil.copyfile(SAMPLES / f"{YUANPING}.xlsx", lying)  # edited as the .xlsx it is
    code, _, err = run_cli("fix", "--no-config", str(pdf), str(lying), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, err
    assert (tmp_path / f"{YUANPING}.fixed.xlsx").is_file() and (tmp_path / "其实是xlsx.fixed.xls").is_file()
    assert "无法写回「.pdf」格式" in err and "无法写回「.xls」" not in err
    result = checked(tmp_path / f"{YUANPING}.fixed.xlsx")
    assert (
        sum(len(r.plan.tasks) for r in result.reports if r.plan) == outcome(SAMPLES / f"{YUANPING}.xlsx")[0]
    )


def test_pdf_text_scaled_by_its_matrix_reads_like_sized_text(tmp_path):
    """Producers often set the font size to 1 and scale the text matrix (`/F1 1 Tf 9 0 0 9 x y Tm`):
    the characters are still 9 pt, so a kerned gap of 0.45 pt inside 10% is not a space (it would
    be for 1 pt characters); the ruled 2×2 table is found from its lines."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "bad_inputs"))
    from make_bad_formats import pdf

    text = b"".join(
        b"BT /F1 1 Tf 9 0 0 9 %d %d Tm [%s] TJ ET " % (x, y, s)
        for x, y, s in (
            (95, 700, b"(seq)"),
            (195, 700, b"(quota)"),
            (95, 665, b"(1)"),
            (195, 665, b"(1) -50 (0%)"),
        )
    )
    lines = b"0.5 w " + b"".join(
        b"%d %d m %d %d l S " % line
        for line in ((90, 720, 300, 720), (90, 685, 300, 685), (90, 650, 300, 650))
        + ((90, 650, 90, 720), (190, 650, 190, 720), (300, 650, 300, 720))
    )
    content = text + lines
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    path = tmp_path / "scaled.pdf"
    path.write_bytes(pdf(objects))
    (table,) = read_tables(str(path))
    assert table.rows == [["seq", "quota"], ["1", "10%"]]
    assert table.row_sheets == ["第1页 表1", "第1页 表1"]


def test_web_page_offers_the_rebuilt_fixed_workbook(tmp_path):
    """`planlint serve`: an uploaded .xls gets its fixed copy as 计划.fixed.xlsx, a real workbook."""
    pytest.importorskip("starlette")
    import io
    import time
    from urllib.parse import unquote

    from openpyxl import load_workbook
    from starlette.testclient import TestClient

    from planlint.serve.app import create_app

    xls = FORMATS / f"{YUANPING}.xls"
    with TestClient(create_app(temp_parent=str(tmp_path)), base_url="http://127.0.0.1") as client:
        posted = client.post(
            "/api/check", files=[("files", (xls.name, xls.read_bytes(), "application/octet-stream"))]
        )
        assert posted.status_code == 202, posted.text
        job = posted.json()["job"]
        deadline = time.monotonic() + 120
        while (status := client.get(f"/api/jobs/{job}").json())["state"] not in ("done", "failed"):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        entry = status["files"][0]
        assert entry["fixed_cells"] > 0, entry
        fixed = client.get(f"/jobs/{job}/files/{entry['fixed']}")
    assert fixed.status_code == 200
    assert unquote(fixed.headers["content-disposition"]).endswith(f"{YUANPING}.fixed.xlsx")
    assert load_workbook(io.BytesIO(fixed.content)).sheetnames == ["联合抽查计划"]
