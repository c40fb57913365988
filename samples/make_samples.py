"""Make the bundled samples from the seed text exports (../shared/seeds), faithfully.

Each seed's table becomes a real-looking .xlsx (merged title row, the header text as written, the
seed's defects kept); 泽州 2023 also as .docx with merged cells, 原平 2024 also as a GB18030 .csv,
长治 2023 also in its text-export form; plus one clean model plan. 泽州 2023 is also written in all
four formats to tests/fixtures/formats/ for the reader-equivalence test.

The outputs are committed; run this only to regenerate them:  python samples/make_samples.py
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FORMATS = REPO / "tests" / "fixtures" / "formats"
SEED_DIRS = (Path("/work/shared/seeds"), REPO.parent / "shared" / "seeds")

# Seeds are named by hash; each is recognized by a phrase of its letterhead.
SEED_MARKERS = {
    "jincheng": "晋城市市场监督管理局文件",
    "zezhou": "泽州县市场监督管理局文件",
    "yuanping": "原平市市场监管领域",
    "changzhi": "长治市市场监督管理局2023年度双随机抽查工作计划",
}


def find_seeds() -> dict[str, Path]:
    for folder in SEED_DIRS:
        if folder.is_dir():
            found = {}
            for path in sorted(folder.glob("*.txt")):
                text = path.read_text("utf-8")
                for key, marker in SEED_MARKERS.items():
                    if key not in found and marker in text:
                        found[key] = path
                        break
            if len(found) == len(SEED_MARKERS):
                return found
    sys.exit("seeds not found: expected /work/shared/seeds or ../shared/seeds")


def table_lines(path: Path) -> list[list[str]]:
    """The seed's tab-separated lines, in order (header repeats included)."""
    return [line.split("\t") for line in path.read_text("utf-8").splitlines() if "\t" in line]


def is_header(cells: list[str]) -> bool:
    return "序号" in cells[:2]


def cell_value(text: str, is_seq: bool) -> str | int:
    # 序号 is typed as a number in real workbooks; everything else stays text as written.
    return int(text) if is_seq and text.isdigit() else text


def write_xlsx(
    path: Path,
    sheet: str,
    rows: list[list[str]],
    merges: list[str],
    seq_col: int | None,
    title_rows: int,
) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    wrap = Alignment(wrap_text=True, vertical="center")
    for r, cells in enumerate(rows, start=1):
        for c, text in enumerate(cells, start=1):
            if text == "":
                continue
            cell = ws.cell(r, c, cell_value(text, c - 1 == seq_col and r > title_rows))
            cell.alignment = wrap
            if r <= title_rows:
                cell.font = Font(bold=True, size=14 if "计划" in text else 11)
    for ref in merges:
        ws.merge_cells(ref)
    width = max(len(r) for r in rows)
    for c in range(1, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 8 if c - 1 == seq_col else 22
    wb.save(path)


def write_csv(path: Path, rows: list[list[str]], encoding: str) -> None:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def pad(rows: list[list[str]], width: int) -> list[list[str]]:
    return [r + [""] * (width - len(r)) for r in rows]


# -- the seeds -----------------------------------------------------------------------------------


def jincheng(seed: Path) -> None:
    """晋城 2025: the header repeat at the page break (worded differently) kept as a real row;
    task 10's 抽查事项 and 抽查对象范围 stay swapped."""
    lines = table_lines(seed)
    title = "晋城市市场监管局2025年度双随机抽查工作计划"
    rows = pad([[title], *lines], 11)
    write_xlsx(HERE / f"{title}.xlsx", "附件", rows, ["A1:K1"], seq_col=0, title_rows=1)


def zezhou_rows(seed: Path) -> tuple[str, list[str], list[list[str]]]:
    lines = table_lines(seed)
    header = lines[0]
    tasks = [cells for cells in lines if not is_header(cells)]
    return "泽州县市场监督管理局2023年度内部双随机抽查工作计划", header, tasks


# Vertical merges of runs of equal text in 泽州's 发起主体 (col I) and 抽查检查主体 (col J), as a
# Word/Excel user makes them: task numbers (first, last) of each run.
ZEZHOU_RUNS = {8: [(3, 7), (8, 10), (12, 14)], 9: [(1, 5), (6, 11), (12, 15)]}


def zezhou(seed: Path) -> None:
    """泽州 2023: xlsx and docx with merged cells, csv (UTF-8 with BOM) and the text export —
    the same table in four formats. Keeps 泽州市 (for 泽州县) and task 6's stale 2022."""
    title, header, tasks = zezhou_rows(seed)
    rows = pad([[title], header, *tasks], 10)
    merges = ["A1:J1"]
    for col, runs in ZEZHOU_RUNS.items():
        letter = "ABCDEFGHIJ"[col]
        for first, last in runs:
            assert len({tasks[t - 1][col] for t in range(first, last + 1)}) == 1
            merges.append(f"{letter}{first + 2}:{letter}{last + 2}")
    FORMATS.mkdir(parents=True, exist_ok=True)
    for folder in (HERE, FORMATS):
        write_xlsx(folder / f"{title}.xlsx", "内部计划", rows, merges, seq_col=0, title_rows=1)
        write_docx(folder / f"{title}.docx", title, header, tasks)
    write_csv(FORMATS / f"{title}.csv", rows, "utf-8-sig")
    shutil.copyfile(seed, FORMATS / f"{title}.txt")


def write_docx(path: Path, title: str, header: list[str], tasks: list[list[str]]) -> None:
    """A Word table: a merged title row (gridSpan), the header, and vMerge runs as in ZEZHOU_RUNS."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    doc.add_paragraph("附件1")
    width = len(header)
    table = doc.add_table(rows=2 + len(tasks), cols=width)
    table.style = "Table Grid"
    top = table.cell(0, 0).merge(table.cell(0, width - 1))
    top.text = title
    for c, text in enumerate(header):
        table.cell(1, c).text = text
    merged = {
        (t, col)
        for col, runs in ZEZHOU_RUNS.items()
        for first, last in runs
        for t in range(first + 1, last + 1)
    }
    for t, cells in enumerate(tasks, start=1):
        for c, text in enumerate(cells):
            if (t, c) not in merged:
                table.cell(t + 1, c).text = text
    for col, runs in ZEZHOU_RUNS.items():
        for first, last in runs:
            table.cell(first + 1, col).merge(table.cell(last + 1, col))
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(9)
    doc.add_paragraph("泽州县市场监督管理局 2023年2月6日")
    doc.save(path)


def yuanping(seed: Path) -> None:
    """原平 2024 (joint plan): merged title and subtitle rows, a leading 地市 column merged down the
    whole table; also as a GB18030 .csv. Keeps 交通输工程 and the stale 2024年7月份 task names."""
    lines = table_lines(seed)
    header = lines[0]
    tasks = [cells for cells in lines if not is_header(cells)]
    title = "原平市 2024 年市场监管领域部门联合双随机抽查工作计划"
    subtitle = "（“一业一查”部门联合双随机抽查工作计划）"
    rows = pad([[title], [subtitle], header, *tasks], 11)
    xlsx_rows = [list(r) for r in rows]
    for r in xlsx_rows[4:]:
        r[0] = ""  # the 地市 column is one merged cell A4:A45
    merges = ["A1:K1", "A2:K2", f"A4:A{3 + len(tasks)}"]
    name = "原平市2024年度部门联合双随机抽查工作计划"
    write_xlsx(HERE / f"{name}.xlsx", "联合抽查计划", xlsx_rows, merges, seq_col=1, title_rows=2)
    write_csv(HERE / f"{name}.csv", rows, "gb18030")


def changzhi(seed: Path) -> None:
    """长治 2023: the stray name line above the title, task 15's second line as a real vertical
    merge of 序号 and 抽查任务名称, the missing 序号 12, empty and truncated risk clauses; also the
    text export as it is."""
    lines = table_lines(seed)
    header = lines[0]
    tasks = [cells for cells in lines if not is_header(cells)]
    title = "长治市市场监督管理局2023年度双随机抽查工作计划"
    rows = pad([["杨威"], [title], header, *tasks], 8)
    cont = next(r for r, cells in enumerate(rows, start=1) if cells[0] == "" and r > 3)
    merges = ["A2:H2", f"A{cont - 1}:A{cont}", f"B{cont - 1}:B{cont}"]
    write_xlsx(HERE / f"{title}.xlsx", "Sheet1", rows, merges, seq_col=0, title_rows=2)
    shutil.copyfile(seed, HERE / f"{title}.txt")


# -- the clean model plan ------------------------------------------------------------------------

MODEL_HEADER = [
    "序号",
    "抽查任务名称",
    "抽查类型",
    "抽查事项",
    "抽查对象范围",
    "抽查比例/数量",
    "信用风险分类管理",
    "抽查检查起止时间",
    "发起主体/指导单位",
    "抽查检查主体",
    "抽查检查模式",
]
RISK = "根据企业信用风险分类结果，对低风险、一般风险、较高风险、高风险企业分别递加比例抽查"
MODEL_TASKS = [
    (
        "对食品销售者的双随机抽查",
        "定向",
        "食品销售监督检查",
        "全县食品销售者",
        "不低于5%；1次/年",
        "3月—6月",
        "食品股",
    ),
    (
        "对餐饮服务提供者的双随机抽查",
        "定向",
        "餐饮服务食品安全监督检查",
        "全县餐饮服务提供者",
        "不低于5%；1次/年",
        "4月—9月",
        "餐饮股",
    ),
    (
        "对特种设备使用单位的双随机抽查",
        "定向",
        "特种设备使用单位监督检查",
        "全县特种设备使用单位",
        "不低于5%；1次/年",
        "3月—10月",
        "特设股",
    ),
    (
        "对加油站在用计量器具的双随机抽查",
        "定向",
        "计量监督检查",
        "全县加油站",
        "不低于10%；1次/年",
        "4月—8月",
        "计量股",
    ),
    (
        "对眼镜配制单位的双随机抽查",
        "定向",
        "计量监督检查",
        "全县眼镜配制单位",
        "不低于10%；1次/年",
        "5月—9月",
        "计量股",
    ),
    (
        "对药品零售企业的双随机抽查",
        "定向",
        "药品经营监督检查",
        "全县药品零售企业",
        "不低于5%；1次/年",
        "2月—11月",
        "药品股",
    ),
    (
        "对广告经营者的双随机抽查",
        "定向",
        "广告行为检查",
        "全县广告经营者",
        "不低于5%；1次/年",
        "3月—11月",
        "网监股",
    ),
    (
        "对企业登记事项和公示信息的双随机抽查",
        "不定向",
        "登记事项检查；公示信息检查",
        "全县企业",
        "不低于5%；1次/年",
        "5月—11月",
        "信用股",
    ),
    (
        "对个体工商户登记事项和公示信息的双随机抽查",
        "不定向",
        "登记事项检查；公示信息检查",
        "全县个体工商户",
        "不低于5%；1次/年",
        "6月—11月",
        "信用股",
    ),
    (
        "对工业产品生产企业的双随机抽查",
        "定向",
        "生产领域产品质量监督检查",
        "全县工业产品生产企业",
        "不低于5%；1次/年",
        "9月—12月20日",
        "质量股",
    ),
]


def model() -> None:
    title = "某县市场监督管理局2025年度内部双随机抽查工作计划"
    rows = [[title], MODEL_HEADER]
    for seq, (name, kind, items, scope, quota, window, unit) in enumerate(MODEL_TASKS, start=1):
        initiator = f"县市场监督管理局{unit}组织发起"
        rows.append(
            [
                str(seq),
                name,
                kind,
                items,
                scope,
                quota,
                RISK,
                window,
                initiator,
                "某县市场监督管理局",
                "县抽县查",
            ]
        )
    rows = pad(rows, len(MODEL_HEADER))
    write_xlsx(
        HERE / "示范-某县2025年度内部双随机抽查工作计划.xlsx",
        "内部计划",
        rows,
        ["A1:K1"],
        seq_col=0,
        title_rows=1,
    )


def main() -> None:
    seeds = find_seeds()
    jincheng(seeds["jincheng"])
    zezhou(seeds["zezhou"])
    yuanping(seeds["yuanping"])
    changzhi(seeds["changzhi"])
    model()
    print("samples written to", HERE, "and", FORMATS)


if __name__ == "__main__":
    main()
