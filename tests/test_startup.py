"""Start-up: `planlint check` on a simplified plan imports only what that path needs (the figure is
in benchmarks/run_all.py; these tests keep the imports from creeping back)."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import SAMPLES

from planlint.script import needs_simplifying

PLAN = SAMPLES / "晋城市市场监管局2025年度双随机抽查工作计划.xlsx"  # simplified, windows written 3月—11月

# Not on the path of a text report of one named plan without a config
NOT_NEEDED = (
    "opencc",  # only for traditional script or pinyin
    "pathspec",  # only to walk folders (.gitignore) or match exclude patterns
    "tomllib",
    "tomli",  # only for a pyproject.toml config
    "jinja2",
    "openpyxl",  # calamine reads the plan; openpyxl writes copies
    "jsonschema",
    "starlette",
    "planlint.serve",
    "planlint.desk",
    "planlint.report.html",
    "planlint.report.xlsx",
    "planlint.report.sarif",
    "planlint.report.junit",
    "planlint.report.github",
    "planlint.report.json",
    "planlint.fixes",
    "planlint.diff",
    "difflib",  # only to suggest a rule for a selector that names none
    "calendar",  # values.days_in_month does its one job
)

PROBE = """
import json, sys
from planlint.cli import main
try:
    sys.argv = ["planlint", "check", sys.argv[1], "--no-config", "--no-cache", "--exit-zero"]
    main()
except SystemExit:
    pass
sys.__stderr__.write(json.dumps(sorted(sys.modules)))
"""


def test_checking_a_simplified_plan_imports_nothing_it_does_not_use():
    run = subprocess.run(
        [sys.executable, "-c", PROBE, str(PLAN)], capture_output=True, text=True, encoding="utf-8"
    )
    assert "共检查 1 个文件" in run.stdout, run.stderr[-2000:]  # it did check
    modules = json.loads(run.stderr[run.stderr.rindex("[") :])
    loaded = [m for m in NOT_NEEDED if any(x == m or x.startswith(m + ".") for x in modules)]
    assert loaded == []
    assert "planlint.engine" in modules and "planlint.report.text" in modules


def test_punctuation_outside_gb2312_is_not_traditional_script():
    # the em dash of a window is outside GB2312 (Python's codec), and says nothing about the script
    assert not needs_simplifying(["抽查检查起止时间", "3月—11月", "市抽县查"])


def test_traditional_script_and_pinyin_are_still_converted():
    assert needs_simplifying(["抽查檢查起止時間", "對從事計量檢定的機構開展監督檢查"])
    assert needs_simplifying(["市场监(jiān)督管理局"])
