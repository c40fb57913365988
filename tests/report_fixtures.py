"""Hand-made plans, findings and workbooks for the reporter tests (independent of readers and engine).

The workbook has the shape of a real plan (title row, header, tasks, a continuation row under a
vertically merged task name) and hostile cells: `=HYPERLINK(…)` typed as text, and `<script>`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from planlint.findings import Edit, Finding
from planlint.plan import Cell, Column, Plan, PlanMeta, Task
from planlint.result import CheckResult, PlanReport
from planlint.rules.model import Rule, RuleDoc
from planlint.table import Location

SHEET = "内部计划"
HEADERS = [
    "序号",
    "抽查任务名称",
    "抽查事项",
    "抽查比例及频次",
    "信用风险分类要求",
    "抽查检查起止时间",
    "发起部门",
]
KEYS = ["seq", "name", "items", "quota", "risk", "window", "initiator"]
HYPERLINK = '=HYPERLINK("http://evil.invalid","点我")'
DDE = "=cmd|' /C calc'!A0"
SCRIPT = "<script>alert(1)</script>"
TASKS = [
    [
        "1",
        "在用计量器具的监督检查",
        "强检计量器具监督检查",
        "不低于5%/一年一次",
        "分别递加比例抽查",
        "2月-12月",
        "计量科",
    ],
    ["2", "食品生产企业监督检查", HYPERLINK, "5%以上; 1次/年", SCRIPT, "3月—11月", "食品生产科"],
    ["3", "广告监测 & <b>核查</b>", "广告发布行为", "30%", "", "1月-12月31日", DDE],
]
# Physical layout: title in row 1, header in row 2, tasks from row 3; task 1 has a continuation row.
TITLE = "泽州县市场监督管理局2023年度双随机抽查工作计划"
CONTINUATION = "计量器具强制检定情况"


def make_workbook(path: Path) -> Path:
    """An xlsx plan. The hostile cells are stored as TEXT (as a user typing '=… in Excel gets)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.cell(1, 1, TITLE)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    for c, h in enumerate(HEADERS, start=1):
        ws.cell(2, c, h)
    rows = [TASKS[0], ["", "", CONTINUATION, "", "", "", ""], TASKS[1], TASKS[2]]
    for r, values in enumerate(rows, start=3):
        for c, v in enumerate(values, start=1):
            if v:
                cell = ws.cell(r, c, v)
                if v.startswith("="):
                    cell.data_type = "s"
    ws.merge_cells("B3:B4")  # task name spans the continuation row
    ws.cell(5, 3).comment = None
    other = wb.create_sheet("说明")
    other.cell(1, 1, "附件")
    wb.save(path)
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_plan(path: str, sheet: str | None = SHEET) -> Plan:
    """The parsed plan of make_workbook's file (what a reader would produce)."""

    def loc(row: int, col: int = 0) -> Location:
        return Location(path, sheet, row, col)

    cols = {k: c for c, k in enumerate(KEYS, start=1)}

    def cells(values: list[str]) -> dict[str, Cell]:
        return {k: Cell(v) for k, v in zip(KEYS, values) if v}

    tasks = []
    for i, values in enumerate(TASKS):
        row = 3 if i == 0 else 4 + i
        task = Task(values[0], cells(values), loc(row), cols)
        if i == 0:
            task.add_continuation(Task(values[0], {"items": Cell(CONTINUATION)}, loc(4), cols))
        tasks.append(task)
    columns = {k: Column(k, c - 1, h, loc(2, c)) for c, (k, h) in enumerate(zip(KEYS, HEADERS), start=1)}
    meta = PlanMeta(
        title=TITLE, issuer="泽州县市场监督管理局", place="泽州县", level="county", kind="internal", year=2023
    )
    return Plan(meta, tasks, columns, loc(2))


RULES = {
    "PL301": Rule(
        "PL301",
        "window-after-deadline",
        "error",
        "task",
        {"fn": "not_after"},
        "抽查检查起止时间「{{ raw }}」晚于期限",
        "将结束时间改为{{ param }}或更早",
        "晋市市监〔2025〕7号 五",
        summary="任务结束时间晚于完成期限",
        doc=RuleDoc(
            what="检查任务的结束时间", why="逾期", example="2月-12月31日", use_instead="2月-12月20日"
        ),
    ),
    "PL201": Rule(
        "PL201",
        "quota-nonstandard",
        "warning",
        "cell",
        {"fn": "parses"},
        "写法不规范",
        "改为规范写法",
        "山西省 2025 方案 (二)1",
        summary="抽查比例写法不规范",
    ),
    "PL105": Rule(
        "PL105",
        "risk-clause-missing",
        "warning",
        "task",
        {"fn": "required"},
        "缺少信用风险分类要求",
        "补充",
        "晋城 四",
        summary="缺少信用风险分类条款",
    ),
    "PL900": Rule(
        "PL900",
        "row-note",
        "info",
        "task",
        {"fn": "required"},
        "提示",
        "",
        "",
        summary="整行提示",
    ),
}


def make_findings(path: str, sheet: str | None = SHEET) -> list[Finding]:
    def loc(row: int, col: int = 0) -> Location:
        return Location(path, sheet, row, col)

    return [
        Finding(
            "PL301",
            "window-after-deadline",
            "error",
            "抽查检查起止时间「2月-12月」结束于12月31日，晚于期限12月20日",
            "将结束时间改为12月20日或更早，例如「2月—12月20日」",
            loc(3, 6),
            "window",
            "1",
            "晋市市监〔2025〕7号 五",
            (Edit(loc(3, 6), "2月-12月", "2月-12月20日", safe=False),),
        ),
        Finding(
            "PL201",
            "quota-nonstandard",
            "warning",
            "抽查比例写法「5%以上; 1次/年」不规范",
            "改为「不低于5%；1次/年」",
            loc(5, 4),
            "quota",
            "2",
            "山西省 2025 方案 (二)1",
            (Edit(loc(5, 4), "5%以上; 1次/年", "不低于5%；1次/年", safe=True),),
        ),
        Finding(
            "PL105",
            "risk-clause-missing",
            "warning",
            "任务缺少信用风险分类要求，见「<script>」",
            "补充「根据企业信用风险分类结果…」",
            loc(5, 5),
            "risk",
            "2",
            "晋城 四",
            spans=((0, len("<script>")),),  # the part of the cell the finding is about
        ),
        Finding(
            "PL105",
            "risk-clause-missing",
            "warning",
            "任务缺少信用风险分类要求",
            "补充分类抽查要求",
            loc(6, 5),
            "risk",
            "3",
            "晋城 四",
        ),
        Finding(
            "PL201",
            "quota-nonstandard",
            "warning",
            "抽查事项含公式「=HYPERLINK」",
            "删除公式",
            loc(5, 3),
            "items",
            "2",
            "山西省 2025 方案 (二)1",
            spans=((0, len("=HYPERLINK")),),
        ),
        Finding("PL900", "row-note", "info", "整行提示：任务名称含标记", "", loc(6), None, "3", ""),
        # a plan-level finding (row 0): listed, but there is no cell to annotate
        Finding("PL900", "row-note", "info", "计划未注明公示方式", "", loc(0), None, None, ""),
        # a finding whose rule the engine raised itself (not among result.rules)
        Finding(
            "PL000", "parse-error", "error", "无法解析「1月-12月31日」", "", loc(6, 6), "window", "3", ""
        ),
    ]


# cells annotated in the copy (row-level PL900 on row 6 lands on the 序号 cell A6)
ANNOTATED = {"F3", "D5", "E5", "E6", "C5", "A6", "F6"}


def make_result(path: str, *, extra: list[PlanReport] | None = None) -> CheckResult:
    plan = make_plan(path)
    report = PlanReport(path, SHEET, plan, make_findings(path))
    return CheckResult([report, *(extra or [])], dict(RULES), notes=["覆盖率未估算：缺少企业总数"])
