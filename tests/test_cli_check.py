"""`planlint check` as a user runs it: exit codes, formats, and one-line errors without tracebacks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLES

MODEL = "示范-某县2025年度内部双随机抽查工作计划.xlsx"
ZEZHOU = "泽州县市场监督管理局2023年度内部双随机抽查工作计划.xlsx"
PLANLINT = [sys.executable, "-m", "planlint.cli"]


def planlint(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*PLANLINT, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_clean_plan_exits_zero():
    r = planlint("check", str(SAMPLES / MODEL), "--no-config")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "未发现问题" in r.stdout


def test_findings_exit_one_and_fail_on(tmp_path):
    target = str(SAMPLES / ZEZHOU)
    assert planlint("check", target, "--no-config").returncode == 1
    # Only warnings selected: below the default --fail-on error …
    assert planlint("check", target, "--no-config", "--select", "stale-year").returncode == 0
    # … but at --fail-on warning they fail; --exit-zero turns findings into 0.
    assert planlint("check", target, "--no-config", "--select", "stale-year", "--fail-on", "warning").returncode == 1
    assert planlint("check", target, "--no-config", "--exit-zero").returncode == 0


def test_json_report_pins_locations():
    r = planlint("check", str(SAMPLES / ZEZHOU), "--no-config", "-f", "json", "--select", "stale-year,place-mismatch")
    data = json.loads(r.stdout)
    assert data["version"] == 1 and data["summary"]["files"] == 1
    entry = data["files"][0]
    assert entry["plan"]["year"] == 2023 and entry["plan"]["level"] == "county" and entry["tasks"] == 15
    located = {(f["slug"], f["location"]["cell"], f["task"]) for f in entry["findings"]}
    assert ("stale-year", "B8", "6") in located
    assert ("place-mismatch", "J8", "6") in located
    stale = next(f for f in entry["findings"] if f["slug"] == "stale-year")
    assert stale["location"] == {"sheet": "内部计划", "row": 8, "col": 2, "cell": "B8"}
    assert "2023年加油站计量双随机监督检查" in stale["fix"]


@pytest.mark.parametrize(
    ("name", "content", "expect"),
    [
        ("坏.xlsx", b"this is not a zip file", "xlsx"),
        ("空.xlsx", b"", "空"),
        ("无表格.docx", None, "表"),
        ("未知.pdfx", b"%PDF-1.4", "不支持"),
    ],
)
def test_unreadable_input_exit_two_one_line(tmp_path, name, content, expect):
    path = tmp_path / name
    if content is None:
        import docx

        d = docx.Document()
        d.add_paragraph("这份文件没有表格。")
        d.save(path)
    else:
        path.write_bytes(content)
    r = planlint("check", str(path), "--no-config")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr + r.stdout
    lines = [line for line in (r.stdout + r.stderr).splitlines() if name in line]
    assert lines and expect in " ".join(lines), r.stdout + r.stderr


def test_missing_path_and_unknown_format(tmp_path):
    r = planlint("check", str(tmp_path / "nope.xlsx"))
    assert r.returncode == 2 and "不存在" in r.stderr and "Traceback" not in r.stderr
    r = planlint("check", str(SAMPLES / MODEL), "-f", "pdf")
    assert r.returncode == 2 and "pdf" in r.stderr


def test_directory_walk_checks_every_sample(tmp_path):
    r = planlint("check", str(SAMPLES), "--no-config", "-f", "json")
    data = json.loads(r.stdout)
    paths = {Path(f["path"]).name for f in data["files"]}
    assert MODEL in paths and ZEZHOU in paths and len(paths) >= 8
    assert all("error" not in f or not f["error"] for f in data["files"])


def test_input_file_is_never_modified(tmp_path):
    import hashlib

    target = tmp_path / ZEZHOU
    shutil.copy(SAMPLES / ZEZHOU, target)
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    planlint("check", str(target), "--no-config", "-f", "json")
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before
