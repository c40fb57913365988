"""Numbers read as Excel shows them in every spreadsheet reader: any number with a percent format
(a cell showing 200% is stored as 2, not only fractions up to 1), and .xlsb times of day and
elapsed times (a time stored as an RK integer, 0:00, is no date and no plain number)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from fixtures.formats import xlsb
from fixtures.formats.xlsb import Styled, write_xlsb
from test_formats import FORMATS, NUMBERS, number_sheet_xls, number_sheet_xlsx

from planlint import engine
from planlint.readers import read_tables

PERCENTS = [  # (value, Excel number format, how Excel shows it = what planlint reads)
    (0.05, "0%", "5%"),
    (2.0, "0%", "200%"),
    (1.5, "0.0%", "150%"),
    (20, "0%", "2000%"),  # stored as an integer in .xls/.xlsb
    (-0.05, "0%", "-5%"),
    (0, "0%", "0%"),
    (2.0, "General", "2"),  # no percent format: the number itself
    (0.3, "0.00", "0.3"),
]


def _xlsb(path: Path, cells: list[tuple[object, str, str]]) -> None:
    rows = [[f"第{r + 1}项", Styled(value, fmt)] for r, (value, fmt, _) in enumerate(cells)]
    write_xlsb(path, {"计划": (rows, [])})


def shown(path: Path) -> list[str]:
    return [row[1] for row in read_tables(str(path))[0].rows]


@pytest.mark.parametrize(
    ("suffix", "writer"), [("xlsx", number_sheet_xlsx), ("xls", number_sheet_xls), ("xlsb", _xlsb)]
)
def test_any_number_with_a_percent_format_reads_as_shown(tmp_path, suffix, writer):
    path = tmp_path / f"比例.{suffix}"
    writer(path, PERCENTS)
    assert shown(path) == [want for _, _, want in PERCENTS]


def test_ods_numbers_and_percentages_read_as_shown():
    """.ods cells as LibreOffice shows them: a percentage cell (office:value-type="percentage")
    reads as 5%, one above one as 200%, and test_formats' numbers and dates as for .xlsx. Both
    lists in one sheet (number_sheet_xls) as LibreOffice writes it to .ods, committed like the
    seeds' .ods (tests/fixtures/formats/make_formats.py): converting it here took a LibreOffice
    start of its own (~3 s of CPU). A change to either list fails here until it is rewritten."""
    assert shown(FORMATS / "数字与比例.ods") == [want for _, _, want in NUMBERS + PERCENTS]


def test_a_ratio_shown_as_200_percent_is_out_of_range_not_missing_its_percent_sign(tmp_path):
    """A ratio cell showing 200% reaches the rules as 200%: quota-out-of-range, not a quota
    without its percent sign (what the stored 2 would give)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "内部计划"
    ws.append(["某县市场监督管理局2025年度内部双随机抽查工作计划"])
    ws.append(
        ["序号", "抽查任务名称", "抽查事项", "抽查对象范围", "抽查比例", "抽查检查起止时间", "抽查检查模式"]
    )
    ws.append(
        [1, "2025年食品经营者监督检查", "食品经营许可事项", "辖区食品经营者", 2, "3月—11月", "县抽县查"]
    )
    ws["E3"].number_format = "0%"
    path = tmp_path / "比例.xlsx"
    wb.save(path)
    result = engine.run([str(path)], engine.RunOptions(use_config=False))
    findings = [f for r in result.reports for f in r.findings if f.field == "ratio"]
    assert findings and all("200%" in f.message for f in findings), [f.message for f in findings]
    assert {f.slug for f in findings} == {"quota-out-of-range"}


TIMES = [  # (value, number format, as Excel shows it with planlint's h:mm)
    (0.5, "h:mm", "12:00"),
    (0.75, "h:mm:ss", "18:00"),
    (0, "h:mm", "0:00"),  # an RK integer: calamine gives the number 0
    (1, 'h"时"mm"分"', "0:00"),  # a time of day, not 1899年12月31日 (an m beside h is minutes)
    (1.5, "[h]:mm:ss", "36:00"),  # elapsed time, not "1 day, 12:00:00"
    (2, "[h]:mm", "48:00"),
    (datetime.date(2024, 3, 1), "yyyy-mm-dd", "2024年3月1日"),
    (datetime.date(2024, 3, 1), "m月d日", "2024年3月1日"),  # an m without h or s is a month
]


def test_xlsb_times_read_as_shown(tmp_path):
    path = tmp_path / "时间.xlsb"
    _xlsb(path, TIMES)
    assert shown(path) == [want for _, _, want in TIMES]


def test_xlsb_builtin_time_formats_read_as_shown(tmp_path, monkeypatch):
    """Excel writes h:mm and [h]:mm:ss as its built-in formats 20 and 46, which styles.bin names
    only by number."""
    monkeypatch.setitem(xlsb.BUILTIN_FORMATS, "h:mm", 20)
    monkeypatch.setitem(xlsb.BUILTIN_FORMATS, "[h]:mm:ss", 46)
    cells = [(0, "h:mm", "0:00"), (0.5, "h:mm", "12:00"), (1, "[h]:mm:ss", "24:00")]
    path = tmp_path / "时间.xlsb"
    _xlsb(path, cells)
    assert shown(path) == [want for _, _, want in cells]


def test_xlsx_times_read_like_the_xlsb(tmp_path):
    cells = [c for c in TIMES if not isinstance(c[0], int)]  # calamine gives .xlsx times as times
    xlsx, binary = tmp_path / "时间.xlsx", tmp_path / "时间.xlsb"
    number_sheet_xlsx(xlsx, cells)
    _xlsb(binary, cells)
    assert shown(xlsx) == shown(binary) == [want for _, _, want in cells]


def test_an_xls_format_record_without_text_is_no_percentage():
    """Fuzz input 71164 (seed 21): a damaged .xls whose FORMAT record xlrd reads as None made the
    percent lookup raise TypeError, which check, fix and diff reported as 内部错误."""
    from types import SimpleNamespace

    from planlint.readers.spreadsheet import _XlsPercents

    lookup = _XlsPercents("计划.xls")
    lookup.book = SimpleNamespace(
        sheet_by_name=lambda name: object(),
        xf_list=[SimpleNamespace(format_key=1), SimpleNamespace(format_key=2)],
        format_map={1: SimpleNamespace(format_str=None), 2: SimpleNamespace(format_str="0%")},
    )
    cells = lookup("计划.xls", "计划")
    assert cells.percent_xf == {1}
