"""text reporter, the format registry, write() and the progress bar."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from report_fixtures import make_result

from planlint.errors import PlanlintError
from planlint.progress import progress
from planlint.report import REPORTERS, ReportOptions, reporter, write
from planlint.report.text import render, summary_line
from planlint.result import CheckResult, PlanReport


def test_registry_modules_import_and_expose_write():
    for fmt in REPORTERS:
        assert callable(reporter(fmt).write), fmt


def test_unknown_format_is_a_chinese_user_error():
    with pytest.raises(PlanlintError, match="未知的输出格式"):
        write("pdf", CheckResult([]), None)


def test_text_and_json_paths_do_not_import_heavy_libraries():
    # Start-up time is benchmarked: only html/xlsx may pull in jinja2/openpyxl.
    code = (
        "import sys, planlint.report as r\n"
        "r.reporter('text'); r.reporter('json'); r.reporter('sarif'); r.reporter('github'); r.reporter('junit')\n"
        "print(sorted(m for m in ('jinja2', 'openpyxl', 'jsonschema') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_findings_grouped_with_location_rule_and_fix():
    res = make_result("plan.xlsx", extra=[PlanReport("bad.docx", None, None, error="文件已加密")])
    text = render(res, ReportOptions())
    lines = text.splitlines()
    assert lines[0].startswith("plan.xlsx:内部计划（")
    i = lines.index(
        "plan.xlsx:内部计划!F3  [error] PL301 window-after-deadline  "
        "抽查检查起止时间「2月-12月」结束于12月31日，晚于期限12月20日"
    )
    assert lines[i + 1] == "  建议：将结束时间改为12月20日或更早，例如「2月—12月20日」"
    assert "bad.docx  [error] 无法读取：文件已加密" in lines
    assert lines[-1] == "共检查 2 个文件、3 项任务：错误 2，警告 4，提示 2；1 个文件无法读取"
    assert "\x1b[" not in text


def test_statistics_count_per_rule_most_frequent_first():
    text = render(make_result("plan.xlsx"), ReportOptions(statistics=True))
    stats = text.split("按规则统计：\n")[1].split("\n\n")[0].splitlines()
    assert [line.split()[:2] for line in stats] == [
        ["2", "PL105"],
        ["2", "PL201"],
        ["2", "PL900"],
        ["1", "PL000"],
        ["1", "PL301"],
    ]


def test_color_only_when_asked(capsys):
    write("text", make_result("plan.xlsx"), None, color=True)
    assert "\x1b[31m[error]\x1b[0m" in capsys.readouterr().out
    # auto: captured stdout is not a TTY
    write("text", make_result("plan.xlsx"), None)
    assert "\x1b[" not in capsys.readouterr().out


def test_clean_run_summary():
    res = make_result("plan.xlsx")
    res.reports[0].findings.clear()
    assert summary_line(res) == "共检查 1 个文件、3 项任务：未发现问题"
    assert render(res, ReportOptions()).splitlines()[-1] == "共检查 1 个文件、3 项任务：未发现问题"


def test_write_to_file_is_atomic_and_refuses_the_input(tmp_path):
    src = tmp_path / "plan.xlsx"
    src.write_bytes(b"original")
    res = make_result(str(src))
    out = tmp_path / "sub" / "report.txt"
    write("text", res, str(out))
    assert out.read_text(encoding="utf-8").endswith("提示 2\n")
    assert [p.name for p in out.parent.iterdir()] == ["report.txt"]  # no temp file left behind
    for fmt in ("text", "json", "xlsx", "html"):
        with pytest.raises(PlanlintError, match="拒绝覆盖"):
            write(fmt, res, str(src))
    assert src.read_bytes() == b"original"


def test_binary_format_needs_an_output_path():
    with pytest.raises(PlanlintError, match="-f xlsx:路径"):
        write("xlsx", make_result("plan.xlsx"), None)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_only(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    tty = _Tty()
    assert list(progress(range(5), 5, "检查", stream=tty)) == [0, 1, 2, 3, 4]
    assert "检查 [" in tty.getvalue() and "5/5" in tty.getvalue()

    pipe = io.StringIO()
    assert list(progress(range(5), 5, "检查", stream=pipe)) == [0, 1, 2, 3, 4]
    assert pipe.getvalue() == ""

    monkeypatch.setenv("CI", "true")
    tty = _Tty()
    assert list(progress(range(5), 5, "检查", stream=tty)) == [0, 1, 2, 3, 4]
    assert tty.getvalue() == ""


def test_no_progress_bar_on_a_dumb_terminal(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "dumb")
    tty = _Tty()
    assert list(progress(range(5), 5, "检查", stream=tty)) == [0, 1, 2, 3, 4]
    assert tty.getvalue() == ""
