"""Make the sample 抽查事项清单 (samples/item-list/示例-抽查事项清单.xlsx), in the shape provinces publish their lists.

It is a SAMPLE, not an official list: it holds only the ten 登记事项 / 公示信息 items of the national
《市场监管总局随机抽查事项清单》 that public plans quote word for word (铜陵市 2022, 池州市 2024 in
../shared/realplans). 事项类别 (重点/一般), 抽查对象, 检查方式 and 依据 are left empty: no public plan in
this repository confirms them. A province's real list replaces this file (`--item-list`).

The output is committed; run this only to regenerate it:  python samples/make_item_list.py
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
NOTE = (
    "示例（非官方清单）：仅收录公开计划（铜陵市2022年度、池州市2024年度抽查工作计划）中逐字引用的《市场监管总局随机抽查事项清单》"
    "登记事项、公示信息两类10个抽查事项；事项类别、抽查对象、检查方式、依据未经公开计划确认，留空。使用时请换成本省公布的抽查事项清单。"
)
HEADER = ["序号", "抽查类别", "抽查事项", "抽查对象", "检查方式", "事项类别", "依据", "确认来源"]
SOURCE = "铜陵市2022年度、池州市2024年度双随机抽查工作计划（抽查事项列）"
ITEMS = [
    ("登记事项", "营业执照（登记证）规范使用情况的检查"),
    ("登记事项", "名称规范使用情况的检查"),
    ("登记事项", "经营（驻在）期限的检查"),
    ("登记事项", "经营（业务）范围中无需审批的经营（业务）项目的检查"),
    ("登记事项", "住所（经营场所）或驻在场所的检查"),
    ("登记事项", "注册资本实缴情况的检查"),
    ("登记事项", "法定代表人（负责人）任职情况的检查"),
    ("登记事项", "法定代表人、自然人股东身份真实性的检查"),
    ("公示信息", "年度报告公示信息的检查"),
    ("公示信息", "即时公示信息的检查"),
]


def main() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "抽查事项清单（示例）"
    ws.append([NOTE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws["A1"].alignment = Alignment(wrap_text=True, vertical="center")
    ws["A1"].font = Font(bold=True)
    ws.row_dimensions[1].height = 60
    ws.append(HEADER)
    for n, (category, item) in enumerate(ITEMS, start=1):
        ws.append([str(n), category, item, "", "", "", "", SOURCE])
    for col, width in zip("ABCDEFGH", (6, 12, 48, 14, 14, 10, 14, 40)):
        ws.column_dimensions[col].width = width
    wb.save(HERE / "item-list" / "示例-抽查事项清单.xlsx")


if __name__ == "__main__":
    main()
