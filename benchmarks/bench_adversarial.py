"""Time of the inputs that would expose a quadratic or backtracking path: the longest adversarial
cells through every field kind and the tidy-up, and plan building over a 50,000-task sheet.

These were timed assertions in the test suite, where a loaded machine made them fail; the tests
keep the behaviour (no exception, every task read) and this script keeps the figures and targets.

Run: python benchmarks/bench_adversarial.py   (not part of the test suite)
"""

from __future__ import annotations

import time

from planlint import fields
from planlint.columns import build_plan
from planlint.rules.primitives.consistency import tidy
from planlint.table import Table

NASTY = [
    "至" * 4000,
    "%" * 4000,
    "1" * 4000,
    "—" * 4000,
    "（" * 4000,
    "不低于" * 1300,
    "1次/" * 1000,
    "中" + "\n " * 16000 + "x",
    " ；" * 8000,
    "A类3%，" * 700,
]
RISK = "根据企业信用风险分类结果，对低风险、一般风险、较高风险、高风险企业分别递加比例抽查"
HEADER = [
    "序号",
    "抽查任务名称",
    "抽查事项",
    "抽查对象范围",
    "抽查比例/数量",
    "信用风险分类管理",
    "抽查起止时间",
]


def adversarial_cells() -> float:
    start = time.perf_counter()
    for text in NASTY:
        for kind in fields.KINDS:
            fields.parse(kind, text)
        tidy(text)
    return time.perf_counter() - start


def large_sheet(tasks: int = 50_000) -> float:
    rows = [HEADER] + [
        [str(n), f"任务{n}", "检查", "全县企业", "不低于5%；1次/年", RISK, "3月-11月"] for n in range(tasks)
    ]
    table = Table(path="big.csv", sheet=None, rows=rows, row_numbers=list(range(1, len(rows) + 1)))
    start = time.perf_counter()
    plan = build_plan(table)
    elapsed = time.perf_counter() - start
    assert len(plan.tasks) == tasks
    return elapsed


def main() -> None:
    for name, seconds, target in (
        ("10 adversarial 4,000-character cells, every field kind + tidy", adversarial_cells(), 5.0),
        ("plan building, 50,000-task sheet", large_sheet(), 5.0),
    ):
        verdict = "met" if seconds <= target else "NOT met"
        print(f"{name}: {seconds:.2f} s (target ≤ {target:.0f} s) — {verdict}")


if __name__ == "__main__":
    main()
