"""Same input, same bytes out (across runs and `--jobs`); inputs never change; a write that cannot
or must not happen is refused with one clear line and exit 2."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLES, run_cli

BAD = Path(__file__).resolve().parent / "bad_inputs"
MODEL = "示范-某县2025年度内部双随机抽查工作计划.xlsx"


run = run_cli


@pytest.fixture
def plans(tmp_path) -> Path:
    """The samples plus the readable corpus files (and one unreadable one), in a folder of their own."""
    folder = tmp_path / "plans"
    shutil.copytree(SAMPLES, folder, ignore=shutil.ignore_patterns("*.py"))
    for name in (
        "dde_text.xlsx",
        "formulas.xlsx",
        "nested_tables.docx",
        "mixed_encodings.csv",
        "truncated.xlsx",
    ):
        shutil.copy(BAD / name, folder / name)
    return folder


def hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("fmt", ["json", "sarif", "text"])
def test_reports_are_byte_identical_across_runs_and_jobs(plans, tmp_path, fmt, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # paths in reports are shown relative to the working directory
    outputs = []
    for i, jobs in enumerate(["1", "1", "2"]):
        out = tmp_path / f"report{i}.{fmt}"
        code, _, _ = run(
            "check",
            "plans",
            "--no-config",
            "--no-color",
            "-f",
            fmt,
            "-o",
            str(out),
            "--jobs",
            jobs,
            monkeypatch=monkeypatch,
            capsys=capsys,
        )
        assert code == 2  # truncated.xlsx is unreadable; the others are reported
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert b"truncated.xlsx" in outputs[0] and b"dde_text.xlsx" in outputs[0]


def test_inputs_unchanged_after_check_fix_and_reports(plans, tmp_path, monkeypatch, capsys):
    before = hashes(plans)
    reports = tmp_path / "reports"
    formats = [
        f"{fmt}:{reports / ('out.' + fmt)}" for fmt in ("json", "sarif", "junit", "html", "text", "github")
    ]
    args = [a for spec in formats for a in ("-f", spec)]
    run(
        "check",
        str(plans),
        "--no-config",
        *args,
        "-f",
        f"xlsx:{reports / 'annotated'}",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    run(
        "fix",
        str(plans / MODEL),
        "--no-config",
        "-o",
        str(tmp_path / "fixed.xlsx"),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    run(
        "fix",
        str(plans),
        "--no-config",
        "--unsafe-fixes",
        "-o",
        str(tmp_path / "fixed"),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    run("fix", str(plans / MODEL), "--no-config", "--diff", monkeypatch=monkeypatch, capsys=capsys)
    assert hashes(plans) == before
    written = [p for p in tmp_path.rglob("*") if p.is_file() and not p.is_relative_to(plans)]
    assert written and not [p for p in written if p.name.endswith(".tmp")]  # no temp file left behind


def test_report_over_the_input_is_refused(plans, monkeypatch, capsys):
    target = plans / MODEL
    before = target.read_bytes()
    for fmt in ("json", "xlsx"):
        code, out, err = run(
            "check",
            str(target),
            "--no-config",
            "-f",
            fmt,
            "-o",
            str(target),
            monkeypatch=monkeypatch,
            capsys=capsys,
        )
        assert code == 2 and "已拒绝覆盖原文件" in err and MODEL in err, out + err
    assert target.read_bytes() == before


def test_fix_over_the_input_is_refused(plans, monkeypatch, capsys):
    target = plans / MODEL
    before = target.read_bytes()
    code, out, err = run(
        "fix", str(target), "--no-config", "-o", str(target), monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 2 and MODEL in err and "覆盖" in err, out + err
    assert target.read_bytes() == before


def _read_only_folder(tmp_path: Path) -> Path:
    """A folder this process cannot write in: chmod 555 unless we are root, whom permissions do
    not stop; then /sys, a read-only file system in containers and on most Linux systems."""
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    try:
        (Path("/sys") / ".planlint-probe").touch()
    except OSError:
        return Path("/sys")
    pytest.skip("no read-only folder available")


def test_write_into_a_read_only_folder_is_refused(plans, tmp_path, monkeypatch, capsys):
    folder = _read_only_folder(tmp_path)
    out = folder / "report.json"
    code, _, err = run(
        "check",
        str(plans / MODEL),
        "--no-config",
        "-f",
        "json",
        "-o",
        str(out),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1, err
    assert "report.json" in lines[0] and "无法在该文件夹写入" in lines[0] and "请换一个输出位置" in lines[0]
    assert not out.exists()


def test_output_folder_that_is_a_file_is_refused(plans, tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    code, _, err = run(
        "check",
        str(plans / MODEL),
        "--no-config",
        "-f",
        "json",
        "-o",
        str(blocker / "report.json"),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 2 and "not-a-folder" in err


def test_a_report_that_fails_while_streaming_leaves_no_file(tmp_path):
    """The text report is written as it is made: a failure halfway leaves the old file as it was
    and no temporary file behind."""
    import pytest

    from planlint.atomic import write_chunks

    target = tmp_path / "report.txt"
    target.write_text("old report\n", encoding="utf-8")

    def chunks():
        yield "第一行\n".encode()
        raise RuntimeError("rendering failed")

    with pytest.raises(RuntimeError):
        write_chunks(str(target), chunks())
    assert target.read_text(encoding="utf-8") == "old report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]
    write_chunks(str(target), iter([b"a", b"b"]))
    assert target.read_bytes() == b"ab"
