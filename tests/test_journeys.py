"""planlint as its three users use it, on files it has never seen: a city bureau checking its
counties' submissions against its own plan, a plan repository's CI, and a plan editor on a Windows
PC with Excel/WPS (the annotated workbook, the web page in a narrow window).

The scenario is one city and three counties of 肇庆市 (广东省, 2025): the city's tasks are the real
rows of the 肇庆市 plan (shared/realplans/020), with the ratio, window and mode columns a city plan
adds; each county copies some of them with the mistakes real submissions show (a stale year, a
re-initiated 市抽县查 task, a ratio below the city's, a window past the city's, a place name with the
wrong suffix, a cut-off risk clause), in the forms bureaus exchange: an .xlsx with a title row and a
merged two-row header (抽查时间 over 开始时间 | 结束时间), an .xls, a .docx whose table sits inside the
notice's text, a GB18030 csv, in a folder with a 附件 naming scheme, spaces and full-width characters.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import REPO, run_cli

ZHAOQING = REPO.parent / "shared" / "realplans" / "020_肇庆市_2025.tsv"
RISK = "根据企业信用风险分类结果，对A类、B类、C类、D类企业分别按3%、5%、10%、20%的比例抽查"
HEAD = [
    "序号", "抽查任务名称", "抽查事项", "抽查类型", "抽查对象范围", "抽查比例及频次",
    "开始时间", "结束时间", "抽查检查模式", "实施部门", "信用风险分类监管要求",
]  # fmt: skip
# The city's columns for its real rows 1, 3, 4 and 8: ratio, start, end, mode.
CITY_ADDED = {
    "1": ("3%，每年1次", "2025年4月1日", "2025年11月30日", "市抽县查"),
    "3": ("10%，每年1次", "2025年4月1日", "2025年10月31日", "县抽县查"),
    "4": ("20%，每年1次", "2025年5月1日", "2025年10月31日", "市抽县查"),
    "8": ("10%，每年1次", "2025年4月1日", "2025年11月30日", "市抽市查"),
}
CITY_TITLE = "肇庆市市场监督管理局2025年度“双随机、一公开”抽查工作计划"


def _real_rows() -> dict[str, list[str]]:
    """The 肇庆市 plan's rows by 序号: name, department, items, type, object range."""
    lines = [ln for ln in ZHAOQING.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    header = lines[0].split("\t")
    rows = {}
    for line in lines[1:]:
        cells = dict(zip(header, line.split("\t")))
        rows[cells["序号"]] = [
            cells["抽查任务 名称"].replace(" ", ""), cells["实施部门"], cells["抽查事项"],
            cells["抽查 类型"], cells["抽查对象范围"],
        ]  # fmt: skip
    return rows


def _task(
    seq: str, real: list[str], ratio: str, start: str, end: str, mode: str, dept: str, risk: str = RISK
):
    name, _, items, kind, scope = real
    return [seq, name, items, kind, scope, ratio, start, end, mode, dept, risk]


def _city_rows() -> list[list[str]]:
    real = _real_rows()
    return [
        _task(str(n), real[seq], *CITY_ADDED[seq], real[seq][1]) for n, seq in enumerate(CITY_ADDED, start=1)
    ]


def _county_rows(county: str) -> list[list[str]]:
    """A county's submission: the city's 市抽县查 task 1 re-initiated under a stale year, the
    直销 task (县抽县查) at half the city's ratio and past its end, the 旅游景点 task with a cut-off
    risk clause."""
    real = _real_rows()
    dept = f"{county}市场监督管理局"
    first = [*real["1"]]
    first[0] = f"2024年{county}企业不定向抽查"
    return [
        _task("1", first, "3%，每年1次", "2025年4月1日", "2025年11月30日", "县抽县查", dept),
        _task("2", real["3"], "5%，每年1次", "2025年4月1日", "2025年12月15日", "县抽县查", dept),
        _task("3", real["4"], "20%，每年1次", "2025年5月1日", "2025年10月31日", "县抽县查", dept, RISK[:24]),
    ]


def _city_xlsx(path: Path) -> None:
    """As WPS saves it: a merged title row, a two-row header with 抽查时间 over 开始时间 | 结束时间."""
    from openpyxl.styles import Alignment

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件"
    ws.append([CITY_TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEAD))
    ws.append([h if h not in ("开始时间", "结束时间") else "抽查时间" for h in HEAD])
    ws.append([h if h in ("开始时间", "结束时间") else None for h in HEAD])
    for col, header in enumerate(HEAD, start=1):
        if header not in ("开始时间", "结束时间"):
            ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    start = HEAD.index("开始时间") + 1
    ws.merge_cells(start_row=2, start_column=start, end_row=2, end_column=start + 1)
    for row in _city_rows():
        ws.append(row)
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    wb.save(path)


def _county_xls(path: Path, county: str) -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Sheet1")
    ws.write_merge(0, 0, 0, len(HEAD) - 1, f"{county}市场监督管理局2025年度双随机抽查工作计划")
    for r, row in enumerate([HEAD, *_county_rows(county)], start=1):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    wb.save(str(path))


def _county_docx(path: Path, county: str) -> None:
    """The table inside the notice's text, with a wrong place suffix (广宁市 for 广宁县)."""
    import docx

    rows = _county_rows(county)
    rows[1][4] = f"{county[:-1]}市{rows[1][4]}"
    doc = docx.Document()
    doc.add_paragraph("附件2")
    doc.add_paragraph(f"{county}市场监督管理局2025年度双随机抽查工作计划")
    doc.add_paragraph("根据市局工作部署，结合我县实际，制定本计划。各股室务于11月30日前完成年度抽查任务。")
    table = doc.add_table(rows=1, cols=len(HEAD))
    for c, header in enumerate(HEAD):
        table.rows[0].cells[c].text = header
    for row in rows:
        cells = table.add_row().cells
        for c, value in enumerate(row):
            cells[c].text = value
    doc.add_paragraph("抽查结果于抽查完成之日起20个工作日内向社会公示。")
    doc.save(str(path))


def _county_csv(path: Path, county: str) -> None:
    with path.open("w", encoding="gb18030", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([f"{county}市场监督管理局2025年度双随机抽查工作计划"])
        writer.writerow(HEAD)
        writer.writerows(_county_rows(county))


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("journeys")
    county_dir = root / "2025年 县级计划报送"
    county_dir.mkdir()
    files = {
        "city": root / f"附件 {CITY_TITLE}.xlsx",
        "四会市": county_dir / "附件1 四会市市场监督管理局2025年度双随机抽查工作计划（报送稿）.xls",
        "广宁县": county_dir / "附件2：广宁县市场监督管理局2025年度双随机抽查工作计划.docx",
        "德庆县": county_dir / "附件3-德庆县市场监督管理局2025年度双随机抽查工作计划.csv",
    }
    _city_xlsx(files["city"])
    _county_xls(files["四会市"], "四会市")
    _county_docx(files["广宁县"], "广宁县")
    _county_csv(files["德庆县"], "德庆县")
    return {**files, "root": root, "counties": county_dir}


def _check_json(scenario: dict[str, Path], *args: str, monkeypatch, capsys) -> dict:
    monkeypatch.chdir(scenario["root"])
    code, out, err = run_cli(
        "check",
        "--no-cache",
        *args,
        "--superior",
        scenario["city"].name,
        "-f",
        "json",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 1, err
    return json.loads(out)


def _findings(report: dict, county: str) -> list[dict]:
    (plan,) = [p for p in report["files"] if county in p["path"]]
    return plan["findings"]


# ---- (a) the city bureau --------------------------------------------------------------------


def test_city_bureau_sees_each_county_mistake(scenario, monkeypatch, capsys):
    """The README's command for a city bureau, on a folder of three county submissions in three
    formats: every county's re-initiated 市抽县查 task, lower ratio and later end are reported
    against the city task, with the cell they are in."""
    report = _check_json(scenario, scenario["counties"].name, monkeypatch=monkeypatch, capsys=capsys)
    assert len(report["files"]) == 3
    for county in ("四会市", "广宁县", "德庆县"):
        by_slug = {(f["slug"], f["task"]): f for f in _findings(report, county)}
        assert by_slug[("superior-task-duplicated", "1")]["severity"] == "warning"
        assert by_slug[("stale-year", "1")]["fix"] == f"改为「2025年{county}企业不定向抽查」"
        assert "10%" in by_slug[("quota-below-superior", "2")]["message"]
        assert "2025年10月31日" in by_slug[("window-outside-superior", "2")]["fix"]
    place = [f for f in _findings(report, "广宁县") if f["slug"] == "place-mismatch"]
    assert place and "广宁县" in place[0]["fix"]


# ---- (c) the editor: the annotated workbook --------------------------------------------------


@pytest.mark.parametrize("county", ["四会市", "广宁县", "德庆县"])
def test_annotated_copy_shows_each_cell_as_written(scenario, county, tmp_path, monkeypatch, capsys):
    """An .xls, .docx or csv is rebuilt as a workbook for its annotated copy. Every cell must hold
    the text of the original cell: a window split over 开始时间 | 结束时间 is one window for the
    checks, but the 开始时间 cell still says 2025年4月1日 (it said `2025年4月1日至2025年12月15日`, a
    text the editor's file does not hold), and a finding about the end is on the 结束时间 cell. The
    title row above the header is kept."""
    out = tmp_path / "批注 副本.xlsx"
    monkeypatch.chdir(scenario["root"])
    code, _, err = run_cli(
        "check", "--no-cache", str(scenario[county]), "--superior", scenario["city"].name, "-f", f"xlsx:{out}",
        monkeypatch=monkeypatch, capsys=capsys,
    )  # fmt: skip
    assert code in (0, 1) and out.exists(), err
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "检查结果"
    plan = wb.worksheets[1]
    grid = [[c.value for c in row] for row in plan.iter_rows()]
    header_row = next(i for i, row in enumerate(grid) if row[:2] == ["序号", "抽查任务名称"])
    if county != "广宁县":  # the docx's title is a paragraph above the table, not a table row
        assert grid[header_row - 1][0] == f"{county}市场监督管理局2025年度双随机抽查工作计划"
    rows = grid[header_row + 1 :]
    start, end = HEAD.index("开始时间"), HEAD.index("结束时间")
    assert [(r[start], r[end]) for r in rows] == [(r[start], r[end]) for r in _county_rows(county)]
    # the finding on the window's end is on the 结束时间 cell, with its comment
    late = plan.cell(row=header_row + 3, column=end + 1)
    assert late.comment is not None and "window-outside-superior" in late.comment.text
    assert plan.cell(row=header_row + 3, column=start + 1).comment is None


# ---- (c) the editor: the web page in a narrow window -----------------------------------------


def _desk_version_page(scenario: dict[str, Path], tmp: Path) -> str:
    """The page a county editor sees on the city's review desk after uploading the .xls (HTML;
    its styles are inline)."""
    import desk_helpers as dh
    from starlette.testclient import TestClient

    from planlint.desk.app import Settings, create_app

    data = dh.make_desk(tmp / "desk", (dh.REVIEWER, dh.Account("sh", "editor", "四会市")))
    client = TestClient(create_app(Settings(data_dir=data)), follow_redirects=False)
    dh.login(client, dh.REVIEWER)
    rid = dh.open_round(client, counties=("四会市",), profile="auto", superior=scenario["city"])
    client.post("/logout", data={"csrf_token": dh.token(client)})
    dh.login(client, "sh")
    r = dh.upload(client, rid, "四会市", scenario["四会市"])
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"])
    assert "superior-task-duplicated" in page.text
    return page.text


def test_page_and_report_fit_a_narrow_window(scenario, serve_server, browser, tmp_path):
    """An editor's browser beside the plan in WPS: a 320-pixel-wide window. Nothing may reach past
    the right edge — neither the page's file table with its download buttons nor the report's
    chart and findings, nor a version's findings on the city's review desk — and each finding's
    problem and fix are on screen, not cut off. The page says what to do next."""
    from playwright.sync_api import expect

    desk_page = _desk_version_page(scenario, tmp_path)
    overflow = "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    page = browser.new_page(viewport={"width": 320, "height": 900}, locale="zh-CN")
    page.goto(serve_server[0])
    page.set_input_files("#files", [str(scenario["广宁县"]), str(scenario["四会市"])])
    page.set_input_files("#superior", str(scenario["city"]))
    page.click("#start")
    expect(page.locator("#results")).to_be_visible(timeout=60_000)
    page.wait_for_function("document.getElementById('report').style.height !== ''")
    scroll, client = page.evaluate(overflow)
    assert scroll <= client, f"the page is {scroll}px wide in a {client}px window"
    # the page says what to do now: errors are to be fixed in the annotated copy
    expect(page.locator("#next-step")).to_contain_text("错误，须修改后再报送")
    expect(page.locator("#next-step")).to_contain_text("批注副本")
    # a file with findings but no safe fix says the editor fixes it by hand
    expect(page.locator("#files-table tr").first).to_contain_text("请按建议手工修改")
    frame = page.frame_locator("#report")
    expect(frame.locator("tr.finding").first).to_be_visible()
    report = next(f for f in page.frames if f.url.endswith("/report"))
    scroll, client = report.evaluate(overflow)
    assert scroll <= client, f"the report is {scroll}px wide in a {client}px frame"
    for label in ("问题", "建议"):
        cell = report.locator(f'tr.finding td[data-label="{label}"]').first
        box = cell.bounding_box()
        assert box is not None and box["x"] + box["width"] <= client, label

    desk = browser.new_page(viewport={"width": 320, "height": 900}, locale="zh-CN")
    desk.set_content(desk_page)
    scroll, client = desk.evaluate(overflow)
    assert scroll <= client, f"the desk page is {scroll}px wide in a {client}px window"
    fix = desk.locator("#findings td div", has_text="建议：").first
    box = fix.bounding_box()
    assert box is not None and box["x"] + box["width"] <= client


def test_editor_fix_rewrites_the_end_of_a_split_window(scenario, tmp_path, monkeypatch, capsys):
    """`planlint fix --unsafe-fixes` on the .docx whose notice sets 11月30日: the late window is
    read from two cells (开始时间 | 结束时间); its fix rewrites the 结束时间 cell alone, in that cell's
    own format, and leaves the 开始时间 cell as it was; the other fixes are applied."""
    source = scenario["广宁县"]
    out = tmp_path / "修复 副本.docx"
    code, _, err = run_cli(
        "fix", str(source), "--unsafe-fixes", "-o", str(out), monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0, err
    assert "单元格内容已变化" not in err and "不能自动拆分修改" not in err
    import docx

    table = docx.Document(str(out)).tables[0]
    start, end = HEAD.index("开始时间"), HEAD.index("结束时间")
    assert table.rows[1].cells[1].text == "2025年广宁县企业不定向抽查"
    assert table.rows[2].cells[start].text == "2025年4月1日"  # the start cell is left as it was
    assert table.rows[2].cells[end].text == "2025年11月30日"


def test_editor_starts_the_page_by_double_click():
    """The editor is not a command-line person: the README's step 3 is a double-click on the .bat
    in the planlint folder. cmd.exe reads a .bat in the console's code page with CRLF lines, so
    it is ASCII with CRLF; it runs from its own folder whatever the shortcut's start folder, starts
    the page, and keeps the window open to show why when planlint could not start."""
    bat = REPO / "planlint-serve.bat"
    data = bat.read_bytes()
    assert data.isascii()
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and not any(b"\n" in line for line in lines)
    commands = [ln.decode() for ln in lines if ln and not ln.lower().startswith((b"rem", b"@echo"))]
    assert commands == ['cd /d "%~dp0"', "py -m planlint serve", "if errorlevel 1 pause"]
    editors = (
        REPO.joinpath("README.md").read_text(encoding="utf-8").split("## 给计划编制人员")[1].split("\n## ")[0]
    )
    assert f"双击 planlint 文件夹中的 `{bat.name}`" in editors
    from click.testing import CliRunner

    from planlint.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--help"])  # the command the .bat runs exists
    assert result.exit_code == 0 and "--port" in result.output


def test_result_list_reads_in_chinese_and_prints_whole(scenario, tmp_path, monkeypatch, capsys):
    """The annotated copy opens on 检查结果, which the editor reads in WPS and often prints for the
    office: its 名称 column names each rule in Chinese (not `quota-needs-review`), each row is as
    tall as its wrapped message (WPS and LibreOffice do not fit a height openpyxl did not store,
    so only a message's first line showed), and it prints landscape, one page wide, the header on
    every page (by default 问题/建议/依据 printed on pages of their own)."""
    out = tmp_path / "批注.xlsx"
    monkeypatch.chdir(scenario["root"])
    code, _, err = run_cli(
        "check", "--no-cache", str(scenario["德庆县"]), "--superior", scenario["city"].name, "-f", f"xlsx:{out}",
        monkeypatch=monkeypatch, capsys=capsys,
    )  # fmt: skip
    assert out.exists(), err
    ws = openpyxl.load_workbook(out)["检查结果"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows
    for n, row in enumerate(rows, start=2):
        title, message = row[3], row[7]
        assert title and not any("a" <= ch <= "z" for ch in title), title
        lines = sum(2 for ch in message if ord(ch) > 0x2E7F) // ws.column_dimensions["H"].width  # at least
        assert (ws.row_dimensions[n].height or 0) >= 15 * min(lines, 20), (n, message)
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0 and ws.print_title_rows == "$1:$1"


def test_gbk_console_gets_the_report_not_an_encoding_error(scenario, tmp_path):
    """On a Chinese Windows PC, output redirected to a file or a pipe is GBK (PYTHONIOENCODING=gbk
    stands for it here). A plan cell holding a character GBK lacks (a bullet •, an emoji) made the
    text report and `fix --diff` end in 内部错误 UnicodeEncodeError: the report was lost. Now the
    character shows as ? and everything else is written, with the usual exit code."""
    rows = _county_rows("德庆县")
    rows[0][1] = "2024年•德庆县企业不定向抽查😀"
    plan = tmp_path / "德庆县 2025年度双随机抽查工作计划.csv"
    with plan.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([["德庆县市场监督管理局2025年度双随机抽查工作计划"], HEAD, *rows])
    env = {**os.environ, "PYTHONIOENCODING": "gbk", "PLANLINT_CACHE_DIR": str(tmp_path / "cache")}
    for args, code in ((["check", str(plan)], 0), (["fix", str(plan), "--unsafe-fixes", "--diff"], 1)):
        done = subprocess.run(
            [sys.executable, "-m", "planlint.cli", *args], capture_output=True, env=env, timeout=120
        )
        out, err = done.stdout.decode("gbk"), done.stderr.decode("gbk")
        assert "内部错误" not in err and "Traceback" not in err, err
        assert done.returncode == code, err
        assert "2024年?德庆县企业不定向抽查?" in out


def test_html_report_names_rules_in_chinese(scenario, tmp_path, monkeypatch, capsys):
    """The HTML report (also the page's report frame) names each finding's rule in Chinese under
    its id, and in the rule filter; the slug, which configs use, stays as the cell's tooltip."""
    out = tmp_path / "审查 报告.html"
    monkeypatch.chdir(scenario["root"])
    run_cli(
        "check",
        "--no-cache",
        str(scenario["四会市"]),
        "--exit-zero",
        "-f",
        f"html:{out}",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    html = out.read_text(encoding="utf-8")
    from planlint.report.cells import rule_titles

    title = rule_titles()["PL501"]
    assert title and not title.isascii()
    assert (
        f'<td class="rule" title="stale-year"><code>PL501</code><br><span class="muted">{title}</span>'
        in html
    )
    assert f'<option value="PL501">PL501 {title}</option>' in html
