"""Readers: every format gives located cells; unreadable input gives one Chinese line naming the file."""

from __future__ import annotations

import datetime
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLES
from docx import Document
from openpyxl import Workbook

from planlint.errors import ReadError
from planlint.readers import read_tables

FORMATS = Path(__file__).parent / "fixtures" / "formats"
ZEZHOU = "泽州县市场监督管理局2023年度内部双随机抽查工作计划"
JINCHENG = SAMPLES / "晋城市市场监管局2025年度双随机抽查工作计划.xlsx"
CHANGZHI = "长治市市场监督管理局2023年度双随机抽查工作计划"
YUANPING = "原平市2024年度部门联合双随机抽查工作计划"


def only(path: Path):
    tables = read_tables(str(path))
    assert len(tables) == 1
    return tables[0]


def cell(table, row: int, col: int) -> str:
    """Text of the cell at Excel row/col (1-based), as the user sees it."""
    return table.rows[table.row_numbers.index(row)][col - table.first_col]


# -- xlsx ----------------------------------------------------------------------------------------


def test_xlsx_cells_keep_their_excel_positions():
    t = only(JINCHENG)
    assert (t.sheet, t.format, t.row_numbers[0], t.first_col) == ("附件", "xlsx", 1, 1)
    assert t.title == "晋城市市场监管局2025年度双随机抽查工作计划"
    assert cell(t, 2, 6) == "抽查数量"
    assert cell(t, 3, 1) == "1"  # 序号 stored as a number renders as '1', not '1.0'
    assert cell(t, 7, 6) == "抽查数量 比例/数量"  # the page-break header repeat is a real row
    assert cell(t, 13, 4).startswith("本辖区经国家知识产权局备案")  # task 10, columns swapped as in the seed
    assert t.location(t.row_numbers.index(8), 5).cell == "F8"


def test_xlsx_merged_ranges_are_filled_and_marked_covered():
    t = only(SAMPLES / f"{CHANGZHI}.xlsx")
    i17, i18 = t.row_numbers.index(17), t.row_numbers.index(18)
    assert t.rows[i17][0] == t.rows[i18][0] == "15"  # A17:A18 merged
    assert (i18, 0) in t.covered and (i18, 1) in t.covered and (i17, 0) not in t.covered
    assert (i18, 2) not in t.covered
    title_row = t.row_numbers.index(2)
    assert all(c == t.title for c in t.rows[title_row])  # A2:H2 merged title
    assert cell(t, 1, 1) == "杨威"


def test_xlsx_sheet_offset_percent_format_and_hidden_sheet(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "计划"
    ws["C4"], ws["D4"], ws["E4"], ws["F4"] = 0.05, 1, 0.05, 3.0
    ws["G4"] = datetime.datetime(2025, 3, 1)
    ws["C4"].number_format = "0%"
    ws["D4"].number_format = "0.0%"
    ws["C5"] = "x"
    ws.merge_cells("C5:D6")
    hidden = wb.create_sheet("旧版")
    hidden["A1"] = "h"
    hidden.sheet_state = "hidden"
    path = tmp_path / "offset.xlsx"
    wb.save(path)
    first, second = read_tables(str(path))
    assert (first.row_numbers[0], first.first_col) == (4, 3)
    # %-formatted fractions render as Excel shows them; unformatted ones keep their value
    assert first.rows[0] == ["5%", "100%", "0.05", "3", "2025年3月1日"]
    # C5:D6 is merged; row 6 holds nothing else, so the table ends at row 5 (calamine's range)
    assert first.location(1, 1).cell == "D5" and first.rows[1][:2] == ["x", "x"]
    assert first.covered == {(1, 1)}
    assert second.sheet == "旧版" and any("隐藏" in n for n in second.notes)


# -- docx ----------------------------------------------------------------------------------------


def test_docx_resolves_gridspan_and_vmerge():
    t = only(FORMATS / f"{ZEZHOU}.docx")
    assert (t.sheet, t.format, t.row_numbers[:3]) == ("表1", "docx", [1, 2, 3])
    assert t.title == ZEZHOU
    assert set(t.rows[0]) == {ZEZHOU} and (0, 9) in t.covered  # gridSpan title row
    assert "附件1" in t.context
    # 发起主体 of tasks 3..7 is one vertical merge: task 4 (Word row 6) shows the anchor's text
    assert t.rows[5][8] == "县市场监督管理局计量股组织发起" and (5, 8) in t.covered
    assert (4, 8) not in t.covered
    assert t.location(6, 9).cell == "J7"


def test_docx_several_and_nested_tables(tmp_path):
    doc = Document()
    doc.add_paragraph("某县2025年度内部双随机抽查工作计划")
    first = doc.add_table(rows=2, cols=2)
    first.cell(0, 0).text, first.cell(0, 1).text = "序号", "抽查任务名称"
    first.cell(1, 1).add_table(rows=1, cols=2).cell(0, 0).text = "内层"
    doc.add_paragraph("附件2 某县2025年度部门联合双随机抽查工作计划")
    second = doc.add_table(rows=1, cols=3)
    second.cell(0, 2).text = "c"
    path = tmp_path / "two.docx"
    doc.save(path)
    a, b = read_tables(str(path))
    assert (a.sheet, b.sheet) == ("表1", "表2")
    assert "内层" in a.rows[1][1] and any("嵌套" in n for n in a.notes)
    assert b.title == "某县2025年度部门联合双随机抽查工作计划"  # the attachment label is not part of it
    assert b.rows == [["", "", "c"]]


# -- csv / tsv -----------------------------------------------------------------------------------


def test_gb18030_csv_is_detected():
    path = SAMPLES / f"{YUANPING}.csv"
    data = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    t = only(path)
    assert t.format == "csv" and t.title == "原平市 2024 年市场监管领域部门联合双随机抽查工作计划"
    assert cell(t, 3, 2) == "序号"
    assert cell(t, 4, 9) == "原平市统计局"
    assert cell(t, 41, 5) == "交通输工程参建单位"  # the seed's typo survives


def test_utf8_bom_csv_and_sniffed_tsv(tmp_path):
    t = only(FORMATS / f"{ZEZHOU}.csv")
    assert cell(t, 1, 1) == ZEZHOU  # no BOM left on the first cell
    tsv = tmp_path / "plan.csv"  # tab-separated despite the name: the delimiter is sniffed
    tsv.write_text("序号\t抽查任务名称\t抽查事项\n1\t对广告经营者的抽查\t广告行为检查, 公示信息\n", "utf-8")
    t = only(tsv)
    assert t.format == "tsv" and t.rows[1] == ["1", "对广告经营者的抽查", "广告行为检查, 公示信息"]


def test_nul_bytes_in_csv(tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\x00\x01garbage\x00")
    with pytest.raises(ReadError, match="NUL"):
        read_tables(str(path))


# -- text export ---------------------------------------------------------------------------------


def test_text_export_blocks_of_one_table_become_one_table():
    t = only(SAMPLES / f"{CHANGZHI}.txt")
    assert t.format == "text" and t.sheet is None
    assert t.title == "长治市市场监督管理局2023年度双随机抽查工作计划"
    assert "杨威" in t.context
    assert t.row_numbers[0] == 9 and t.row_numbers[-1] == 38
    assert [n for n in (16, 25, 34) if n in t.row_numbers] == [16, 25, 34]  # `##` repeats kept as rows
    assert cell(t, 32, 3).startswith("工业产品生产许可资格检查")
    assert t.location(t.row_numbers.index(32), 2).cell == "C32"


def test_text_export_prose_between_blocks_starts_a_new_table(tmp_path):
    path = tmp_path / "two.txt"
    path.write_text(
        "甲县2024年度内部双随机抽查工作计划\n\n序号\t抽查任务名称\n1\t甲\n\n"
        "乙县2024年度部门联合双随机抽查工作计划\n\n序号\t抽查任务名称\n1\t乙\n",
        "utf-8",
    )
    a, b = read_tables(str(path))
    assert (a.sheet, b.sheet) == ("表1", "表2")
    assert a.title.startswith("甲县") and b.title.startswith("乙县")
    assert b.row_numbers == [8, 9]


def test_seed_text_export_has_one_table_per_seed():
    t = only(FORMATS / f"{ZEZHOU}.txt")
    assert t.title == ZEZHOU and t.row_numbers[0] == 62 and t.row_numbers[-1] == 81
    assert "年度抽查企业占比达到3%以上" in t.context


# -- unreadable input ----------------------------------------------------------------------------


def _error(path: Path) -> str:
    with pytest.raises(ReadError) as info:
        read_tables(str(path))
    message = str(info.value)
    assert path.name in message and "\n" not in message
    return message


def test_corrupt_xlsx(tmp_path):
    path = tmp_path / "坏的计划.xlsx"
    path.write_bytes(JINCHENG.read_bytes()[:3000])
    assert "不是有效的 .xlsx 文件" in _error(path)


def test_xlsx_that_is_not_a_zip(tmp_path):
    path = tmp_path / "假的.xlsx"
    path.write_text("序号,任务\n", "utf-8")
    assert only(path).format == "csv"  # a csv under a spreadsheet name is read by its content
    path.write_text("不是表格\n", "utf-8")
    assert "另存为 .xlsx" in _error(path)


def test_docx_without_table(tmp_path):
    path = tmp_path / "通知.docx"
    doc = Document()
    doc.add_paragraph("关于印发2025年度双随机抽查工作计划的通知")
    doc.save(path)
    assert "没有表格" in _error(path)


def test_empty_file(tmp_path):
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"")
    assert "为空" in _error(path)


def test_unknown_extension(tmp_path):
    path = tmp_path / "计划.pages"
    path.write_bytes(b"%PDF-1.7")
    assert "不支持的文件类型" in _error(path)


def test_ole2_encrypted_and_old_xls(tmp_path):
    magic = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    encrypted = tmp_path / "加密.xlsx"
    encrypted.write_bytes(magic + "EncryptionInfo".encode("utf-16-le"))
    assert "加密" in _error(encrypted)
    old = tmp_path / "旧版.xls"
    old.write_bytes(magic + "Workbook".encode("utf-16-le"))
    assert ".xls" in _error(old) and "另存为 .xlsx" in _error(old)


def test_zip_that_is_neither_excel_nor_word(tmp_path):
    path = tmp_path / "打包.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "x")
    assert "不是 Excel 或 Word" in _error(path)


def test_content_wins_over_extension(tmp_path):
    path = tmp_path / "其实是xlsx.xls"
    path.write_bytes(JINCHENG.read_bytes())
    assert only(path).format == "xlsx"


def test_a_sheet_that_is_not_a_plan_is_named_in_a_note(tmp_path):
    from planlint.pipeline import load_plans

    wb = Workbook()
    ws = wb.active
    ws.title = "计划"
    ws.append(["序号", "抽查任务名称", "抽查事项", "抽查比例"])
    ws.append([1, "广告检查", "广告发布登记", "5%"])
    other = wb.create_sheet("填表说明")
    other.append(["请按模板填写，勿改动表头"])
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    plans = load_plans(str(path))
    assert len(plans) == 1
    assert any("「填表说明」" in n and "不是计划表" in n for n in plans[0].notes)
