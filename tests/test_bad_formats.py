"""Bad input in the formats read since issue 17: a corrupt .xls, an encrypted .doc, a PDF with no
table, a scanned PDF, a 2,000-page PDF, PDF bombs, a LibreOffice conversion that hangs, and no
LibreOffice at all. Each gives one clear Chinese line naming the file, exit 2, no traceback."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import run_cli
from test_bad_inputs import refused
from test_formats import FORMATS, ZEZHOU, soffice

sys.path.insert(0, str(Path(__file__).parent / "bad_inputs"))
import make_bad_formats  # noqa: E402


@pytest.fixture(scope="module")
def bad(tmp_path_factory) -> dict[str, Path]:
    return make_bad_formats.write_all(tmp_path_factory.mktemp("bad_formats"))


@pytest.fixture
def check(monkeypatch, capsys):
    def _check(path: Path | str, *extra: str) -> tuple[int, str, str]:
        return run_cli(
            "check", str(path), "--no-config", "--no-cache", *extra, monkeypatch=monkeypatch, capsys=capsys
        )

    return _check


def test_corrupt_xls(bad, check):
    refused(check(bad["corrupt.xls"]), "corrupt.xls", "不是有效的 .xls 文件", "另存为 .xlsx")


def test_corrupt_xlsb(bad, check):
    refused(check(bad["corrupt.xlsb"]), "corrupt.xlsb", "不是有效的 .xlsb 文件", "另存为 .xlsx")


def test_xlsb_of_far_apart_cells_is_refused_before_calamine_builds_its_grid(bad, check, no_calamine):
    refused(check(bad["far_cells.xlsb"]), "far_cells.xlsb", "16,001,016,001 个单元格", "PLANLINT_MAX_CELLS")


@pytest.fixture
def no_calamine(monkeypatch):
    """calamine may not open the file: the refusal must come before it builds any grid."""
    from planlint.readers import spreadsheet

    class Refused:
        @staticmethod
        def from_filelike(_fh):
            raise AssertionError("calamine opened a file that should have been refused first")

    monkeypatch.setattr(spreadsheet, "CalamineWorkbook", Refused)


def test_xls_of_far_apart_cells_is_refused_before_calamine_builds_its_grid(bad, check, no_calamine):
    """Counted from the Workbook stream's cell records, not after calamine has allocated 1 GB."""
    refused(check(bad["far_cells.xls"]), "far_cells.xls", "工作表「计划」", "16,777,216 个单元格")


def test_encrypted_pdf(check):
    """A PDF with an open password (LibreOffice's export with EncryptFile, made by
    fixtures/formats/make_formats.py) is refused by name."""
    pdf = FORMATS / f"{ZEZHOU}.encrypted.pdf"
    refused(check(pdf), pdf.name, "设有密码", "未加密的 PDF")


def test_ods_of_repeated_rows_is_refused_before_calamine_expands_it(bad, check):
    refused(check(bad["repeated.ods"]), "repeated.ods", "100,000,000 个单元格", "超过上限")


def test_ods_cut_inside_its_table_is_refused_before_calamine_loops_on_it(bad, check, no_calamine):
    """calamine never returns on an .ods whose content.xml ends inside a table (found by the fuzz run;
    no Python timeout can interrupt it): an unfinished content.xml is a damaged file, said first."""
    refused(check(bad["cut.ods"]), "cut.ods", "不完整", "另存为")


def test_pdf_without_a_table(bad, check):
    refused(check(bad["no_table.pdf"]), "no_table.pdf", "没有找到带表格线的表格")


def test_scanned_pdf_needs_ocr(bad, check):
    refused(check(bad["scanned.pdf"]), "scanned.pdf", "OCR", "扫描件")


def test_two_thousand_page_pdf_is_refused_by_its_page_count(bad, check, monkeypatch):
    refused(check(bad["pages_2000.pdf"]), "pages_2000.pdf", "2,000 页", "上限 500 页")
    monkeypatch.setenv("PLANLINT_MAX_PDF_PAGES", "3000")  # the limit is the user's to raise
    refused(check(bad["pages_2000.pdf"]), "pages_2000.pdf", "空白页")


def test_pdf_bomb_is_refused_before_parsing(bad, check):
    refused(check(bad["bomb.pdf"]), "bomb.pdf", "PDF 炸弹", "超过 8 MB")


def test_deeply_nested_pdf_is_a_read_error(bad, check):
    code, out, err = check(bad["nested.pdf"])
    assert code == 2 and "无法读取" in out + err


def test_doc_named_pdf_is_read_by_its_content(bad, check):
    soffice()
    code, out, err = check(bad["doc_named.pdf"])
    assert code == 1 and "15 项任务" in out + err


def test_encrypted_doc(tmp_path, check):
    soffice()
    path = make_bad_formats.encrypted_doc(tmp_path)
    refused(check(path), "encrypted.doc", "LibreOffice 无法转换", "取消密码")


def _conversions() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("planlint-convert-*")}


@pytest.mark.skipif(sys.platform == "win32", reason="the fake LibreOffice is a shell script")
def test_hanging_conversion_is_killed_at_the_limit(tmp_path, check, monkeypatch):
    fake = make_bad_formats.fake_soffice(tmp_path)
    monkeypatch.setenv("PLANLINT_SOFFICE", str(fake))
    monkeypatch.setenv("PLANLINT_CONVERT_TIMEOUT", "1")
    before = _conversions()
    started = time.monotonic()
    refused(check(FORMATS / f"{ZEZHOU}.seed.doc"), f"{ZEZHOU}.seed.doc", "超过 1 秒", "已终止")
    assert time.monotonic() - started < 30
    pid = int((tmp_path / "soffice.pid").read_text())
    with pytest.raises(ProcessLookupError):  # the whole process group was killed
        for _ in range(50):
            os.kill(pid, 0)
            time.sleep(0.1)
    assert _conversions() <= before  # its temporary folder is gone


def test_absent_libreoffice_says_what_to_install(tmp_path, check, monkeypatch):
    monkeypatch.setenv("PLANLINT_SOFFICE", str(tmp_path / "no-such-soffice"))
    line = refused(check(FORMATS / f"{ZEZHOU}.seed.doc"), f"{ZEZHOU}.seed.doc", "libreoffice-writer-nogui")
    assert "LibreOffice" in line and "Windows" in line and "另存为 .docx" in line


def test_stale_conversion_folders_are_swept(tmp_path, monkeypatch):
    from planlint.readers import wordproc

    stale = Path(tempfile.mkdtemp(prefix="planlint-convert-"))
    fresh = Path(tempfile.mkdtemp(prefix="planlint-convert-"))
    old = time.time() - 7200
    os.utime(stale, (old, old))
    wordproc.sweep_stale()
    assert not stale.exists() and fresh.exists()
    fresh.rmdir()


@pytest.mark.parametrize("name", ["corrupt.xls", "no_table.pdf"])
def test_fix_of_an_unreadable_file_writes_nothing(bad, name, monkeypatch, capsys, tmp_path):
    """fix rebuilds .xls/PDF inputs as workbooks; one that cannot be read is refused like check."""
    path = tmp_path / name
    shutil.copyfile(bad[name], path)
    result = run_cli("fix", str(path), "--no-config", monkeypatch=monkeypatch, capsys=capsys)
    refused(result, name, "请")
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_xls_whose_header_declares_more_sectors_than_it_holds(tmp_path):
    """Found by benchmarks/fuzz_pipeline.py (seed 21, input 8352): a 2 KB damaged .xls whose
    header declares 16,777,216 DIFAT sectors made calamine allocate until the machine ran out
    (23 GB, then the OOM killer; under a memory limit the process aborted, SIGABRT, which no
    Python handler sees). The header is checked against the file's size before calamine."""
    import resource
    import struct
    import subprocess

    model = (FORMATS / "示范-某县2025年度内部双随机抽查工作计划.xls").read_bytes()
    data = model[:44] + model[7777:]  # the fuzzer's input: a slice dropped from the header on
    assert struct.unpack_from("<I", data, 72) == (16_777_216,)  # number of DIFAT sectors
    path = tmp_path / "损坏.xls"
    path.write_bytes(data)

    def one_gigabyte() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))

    proc = subprocess.run(
        [sys.executable, "-m", "planlint", "check", str(path), "--no-config", "--no-cache"],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=one_gigabyte,
        env={**os.environ, "RUST_BACKTRACE": "0"},
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 2, output
    assert "损坏.xls" in output and "文件头声明的结构超出文件本身" in output and "另存为 .xlsx" in output


def test_xls_whose_workbook_stream_makes_calamine_abort_is_refused(tmp_path):
    """Found by benchmarks/fuzz_pipeline.py (seed 21, input 20000): one byte changed inside the
    Workbook stream of a sound 10 KB .xls (header and record sizes intact) made calamine ask for
    3.98 GB and abort the process (SIGABRT: under `check` a whole folder's run, under a server every
    job). calamine now opens an .xls first in a capped child process, and the run goes on. Run in a
    capped process of its own, so that a regression fails this test rather than the machine."""
    import resource
    import subprocess

    model = (FORMATS / "示范-某县2025年度内部双随机抽查工作计划.xls").read_bytes()
    data = bytearray(model)
    data[4942] = 138  # a length inside a record of the Workbook stream
    (tmp_path / "损坏.xls").write_bytes(bytes(data))
    (tmp_path / "完好.xls").write_bytes(model)

    def one_gigabyte() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))

    proc = subprocess.run(
        [sys.executable, "-m", "planlint", "check", str(tmp_path), "--no-config", "--no-cache", "-f", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=one_gigabyte,
        env={**os.environ, "RUST_BACKTRACE": "0"},
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    refused((proc.returncode, "", proc.stderr), "损坏.xls", "内容异常", "另存为 .xlsx")  # stdout is JSON
    read = [f["path"] for f in json.loads(proc.stdout)["files"] if f["tasks"]]
    assert read == [str(tmp_path / "完好.xls")]
