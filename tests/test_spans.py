"""A finding carries the parts of its cell it is about (`Finding.spans`): every occurrence, from the
risk clause's parse, the cross-plan match and the matched text, and every report shows them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from conftest import REPO, SAMPLES, run_cli
from openpyxl.cell.rich_text import CellRichText, TextBlock

from planlint import engine, fields
from planlint.findings import Finding, spans_of
from planlint.matching import distinctive
from planlint.pipeline import load_plans
from planlint.plan import Cell
from planlint.report import ReportOptions
from planlint.report.cells import highlight
from planlint.rules.primitives.common import kept_spans
from planlint.table import Location
from planlint.values import RiskClause

REALPLANS = REPO.parent / "shared" / "realplans"
JINCHENG = SAMPLES / "晋城市市场监管局2025年度双随机抽查工作计划.xlsx"
CHANGZHI = SAMPLES / "长治市市场监督管理局2023年度双随机抽查工作计划.xlsx"
ZEZHOU = SAMPLES / "泽州县市场监督管理局2023年度内部双随机抽查工作计划.xlsx"
MODEL = SAMPLES / "示范-某县2025年度内部双随机抽查工作计划.xlsx"
OPTIONS = engine.RunOptions(use_config=False)

TIER_WORD = re.compile(
    r"^(?:低风险|一般风险|较高风险|高风险|严重失信|守信|警示|失信|[A-D](?:[、,，和及与][A-D])*[类级]?)$"
)
ESCALATION = {"递加", "递增", "递进", "逐级", "提高", "加大", "增加", "增大", "上调", "加密"}


def marked(raw: str, finding: Finding) -> list[str]:
    return [text for text, mark in highlight(raw, finding) if mark]


def cell_text(report, finding: Finding) -> str:
    loc = finding.location
    for task in report.plan.tasks:
        for placed in task.placed():
            if (placed.location.row, placed.location.col) == (loc.row, loc.col):
                return placed.raw
    raise AssertionError(f"no cell at {loc}")


def real_files() -> list[Path]:
    return sorted(p for p in REALPLANS.iterdir() if p.suffix in (".tsv", ".xlsx"))


# ------------------------------------------------------------- every occurrence, in every report


def plan_csv(folder: Path, title: str, header: str, row: str) -> Path:
    """A one-task plan as a csv: its title, its header and the task's row."""
    path = folder / f"{title}.csv"
    path.write_text("\n".join([title, header, row]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def stale_twice(tmp_path: Path) -> Path:
    """A 2025 plan whose task name still says 2024 twice."""
    return plan_csv(
        tmp_path,
        "泽州县市场监督管理局2025年度内部双随机抽查工作计划",
        "序号,抽查任务名称,抽查事项,抽查对象范围,抽查比例,抽查检查起止时间",
        "1,2024年加油站计量检查（2024年版）,计量器具检定情况,全县加油站,5%,3月—11月",
    )


NAME = "2024年加油站计量检查（2024年版）"


def _stale(path: Path):
    result = engine.run([str(path)], engine.RunOptions(use_config=False, select=("stale-year",)))
    [finding] = result.findings
    return result, finding


def test_a_year_written_twice_is_two_spans(stale_twice: Path) -> None:
    result, finding = _stale(stale_twice)
    assert finding.spans == ((0, 4), (13, 17))
    assert marked(NAME, finding) == ["2024", "2024"]


def test_every_report_shows_every_occurrence(stale_twice: Path, tmp_path: Path) -> None:
    from planlint.report import html, sarif
    from planlint.report import json as json_report

    result, _ = _stale(stale_twice)
    page = html.render(result, ReportOptions())
    assert "<mark>2024</mark>年加油站计量检查（<mark>2024</mark>年版）" in page
    doc = json.loads(json_report.render(result, ReportOptions()))
    jsonschema.validate(doc, json_report.load_schema())
    assert doc["files"][0]["findings"][0]["spans"] == [{"start": 0, "end": 4}, {"start": 13, "end": 17}]
    log = json.loads(sarif.render(result, ReportOptions()))
    region = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region["properties"]["spans"] == [{"start": 0, "end": 4}, {"start": 13, "end": 17}]

    out = tmp_path / "out.xlsx"
    from planlint.report import write

    write("xlsx", result, str(out))
    wb = openpyxl.load_workbook(out, rich_text=True)
    listed = wb["检查结果"]["G2"]  # 单元格内容 of the one finding
    annotated = wb[[n for n in wb.sheetnames if n != "检查结果"][0]]["B3"]  # the cell itself
    for cell in (listed, annotated):
        assert isinstance(cell.value, CellRichText) and str(cell.value) == NAME
        bold = [b for b in cell.value if isinstance(b, TextBlock) and b.font.b]
        assert [b.text for b in bold] == ["2024", "2024"]
        assert all(b.font.rFont == cell.font.name and b.font.color.rgb.endswith("C00000") for b in bold)


def test_a_finding_without_spans_keeps_its_json() -> None:
    f = Finding("PL1", "x", "error", "m", "", Location("p", None, 3, 2))
    assert "spans" not in f.to_json()


def test_highlight_merges_overlapping_spans_and_drops_those_outside() -> None:
    f = Finding(
        "PL1", "x", "error", "m", "", Location("p", None, 3, 2), spans=((4, 6), (0, 2), (1, 3), (9, 20))
    )
    assert highlight("abcdefgh", f) == [("abc", True), ("d", False), ("ef", True), ("gh", False)]


def test_spans_of_finds_every_occurrence_but_not_the_whole_text() -> None:
    assert spans_of("泽州市市场监管局、泽州市商务局", "泽州市") == ((0, 3), (9, 12))
    assert spans_of(" 全省 ", "全省") == ()
    assert spans_of("abc", "") == ()


def test_a_typo_in_one_cell_twice_is_marked_twice(tmp_path: Path) -> None:
    path = plan_csv(
        tmp_path,
        "某县2025年度内部双随机抽查工作计划",
        "序号,抽查任务名称,抽查事项,抽查对象范围,抽查比例",
        "1,交通输工程检查,交通输工程质量,交通输工程参建单位、交通输工程监理单位,5%",
    )
    result = engine.run([str(path)], engine.RunOptions(use_config=False, select=("known-typo",)))
    scope = next(f for f in result.findings if f.field == "scope")
    assert marked("交通输工程参建单位、交通输工程监理单位", scope) == ["交通输工程", "交通输工程"]


# ------------------------------------------------------------- the risk clause's parts


def _clause(text: str) -> RiskClause:
    value = fields.parse("risk", text)
    assert isinstance(value, RiskClause)
    return value


def _texts(text: str, spans) -> list[str]:
    return [text[a:b] for a, b in spans]


def test_a_cut_off_clause_marks_the_unfinished_list_as_written() -> None:
    # full-width comma and spaces: the parse reads normalized text, the spans index the text as written
    text = "根据企业信用风险分类结果， 对 低风险、 一般风险、较高风险、"
    clause = _clause(text)
    assert clause.truncated and clause.cut_span is not None
    assert text[clause.cut_span[0] : clause.cut_span[1]] == "低风险、 一般风险、较高风险、"
    assert _texts(text, clause.tier_spans) == ["低风险", "一般风险", "较高风险"]


def test_the_numbers_of_each_tier_and_the_escalation_are_located() -> None:
    text = "对Ａ类3%、B类5%；C类10%，每年1次；对高风险企业递加比例"
    clause = _clause(text)
    assert [(s.tier, _texts(text, s.spans)) for s in clause.specs] == [
        ("A", ["3%"]),
        ("B", ["5%"]),
        ("C", ["10%", "1次"]),
    ]
    assert _texts(text, clause.escalation_spans) == ["递加"]


def test_positions_take_no_part_in_equality() -> None:
    a, b = _clause("对低风险、一般风险企业递加比例"), _clause("  对低风险、一般风险企业递加比例")
    assert a == b and a.tier_spans != b.tier_spans


def _risk_findings(paths, **kw):
    result = engine.run([str(p) for p in paths], engine.RunOptions(use_config=False, **kw))
    return [(r, f) for r in result.reports for f in r.findings if f.field == "risk"]


def test_risk_findings_on_seeds_mark_the_part_they_are_about() -> None:
    found = {}
    for report, f in _risk_findings([CHANGZHI, ZEZHOU, JINCHENG]):
        found.setdefault(f.slug, []).append(marked(cell_text(report, f), f))
    # 长治: the clause cut off after 较高风险、; a clause naming only 高风险
    assert ["低风险、一般风险、较高风险、"] in found["risk-clause-incomplete"]
    assert ["高风险"] in found["risk-clause-incomplete"]
    # 泽州: 100% drawn, yet 递加 — the escalation word is what cannot be done
    assert found["risk-escalation-at-full-ratio"] and all(
        m == ["递加"] for m in found["risk-escalation-at-full-ratio"]
    )
    # the enterprise tiers on objects that are not enterprises
    assert ["低风险", "一般风险", "较高风险", "高风险"] in found["risk-tiers-for-non-enterprises"]
    # 晋城: D级 stated twice and lower tiers above higher ones: the numbers involved
    [inconsistent] = found["risk-tier-inconsistent"]
    assert "1次" in inconsistent[0] and len(inconsistent) >= 3
    assert all(re.search(r"\d", m) for m in inconsistent)


def test_risk_clause_spans_on_every_real_risk_cell() -> None:
    """Every risk cell of the seeds and the real plans from other places: each tier span is a tier
    word, each escalation span an escalation word, each number span holds a number, the cut ends
    the clause."""
    checked = 0
    for path in [*real_files(), *sorted(SAMPLES.glob("*.xlsx"))]:
        for plan in load_plans(str(path)):
            for task in plan.tasks:
                for row in (task, *task.continuation):
                    cell = row.cells.get("risk")
                    if cell is None or not isinstance(cell.value, RiskClause):
                        continue
                    clause, raw = cell.value, cell.raw  # converted plans: the text as converted
                    for text in _texts(raw, clause.tier_spans):
                        assert TIER_WORD.match(fields.normalize(text)), (path.name, raw, text)
                    assert set(_texts(raw, clause.escalation_spans)) <= ESCALATION, (path.name, raw)
                    for spec in clause.specs:
                        assert spec.spans and all(
                            re.search(r"\d|[一二两三四五六七八九十]", t) for t in _texts(raw, spec.spans)
                        )
                    if clause.truncated:
                        assert clause.cut_span is not None and raw[clause.cut_span[1] :].strip() == ""
                    checked += 1
    assert checked >= 40


# ------------------------------------------------------------- cross-plan quotes


def test_a_duplicated_task_marks_the_words_of_its_name_the_match_compared() -> None:
    result = engine.run([str(MODEL)], engine.RunOptions(use_config=False, superior=(str(JINCHENG),)))
    [(report, dup)] = [
        (r, f) for r in result.reports for f in r.findings if f.slug == "superior-task-duplicated"
    ]
    raw = cell_text(report, dup)
    assert "".join(marked(raw, dup)) == distinctive(raw)
    assert f"「{distinctive(raw)}」" in dup.message  # what the reason quotes is what is marked


def _county(tmp_path: Path, **cells: str) -> Path:
    from test_crossplan import county_with_city_copies

    county = county_with_city_copies(tmp_path, seqs=("2",))
    wb = openpyxl.load_workbook(county)
    cols = {"quota": 6, "window": 8}
    for key, text in cells.items():
        wb.active.cell(wb.active.max_row, cols[key], text)
    wb.save(county)
    return county


def test_a_ratio_below_the_city_marks_the_ratio_as_written(tmp_path: Path) -> None:
    county = _county(tmp_path, quota="抽查比例10％；1次/年")
    result = engine.run(
        [str(county)],
        engine.RunOptions(
            use_config=False, superior=(str(JINCHENG),), select=("quota-below-superior",), meta={"year": 2025}
        ),
    )
    [(report, low)] = [(r, f) for r in result.reports for f in r.findings]
    assert marked(cell_text(report, low), low) == ["10％"]


def test_a_window_past_the_city_marks_its_end(tmp_path: Path) -> None:
    county = _county(tmp_path, window="7月—12月")  # 晋城's task 2 runs 7月—10月
    result = engine.run(
        [str(county)],
        engine.RunOptions(
            use_config=False,
            superior=(str(JINCHENG),),
            select=("window-outside-superior",),
            meta={"year": 2025},
        ),
    )
    [(report, late)] = [(r, f) for r in result.reports for f in r.findings]
    assert marked(cell_text(report, late), late) == ["12月"]


def test_kept_words_are_located_in_every_real_task_name() -> None:
    """matching.distinctive quotes a task name by its distinctive words: on the real plans, the
    marked runs are those words, in order, wherever they are one run of the name."""
    names = 0
    for path in real_files():
        for plan in load_plans(str(path)):
            for task in plan.tasks:
                cell = task.get("name")
                if cell is None:
                    continue
                kept = distinctive(cell.raw)
                spans = kept_spans(cell, kept)
                joined = "".join(cell.raw[a:b] for a, b in spans)
                assert all(cell.raw[a:b] in kept for a, b in spans), (path.name, cell.raw)
                if kept and kept in cell.raw and kept != cell.raw.strip():
                    assert joined == kept, (path.name, cell.raw)
                names += 1
    assert names >= 30
    assert kept_spans(Cell("对直销企业的双随机抽查"), distinctive("对直销企业的双随机抽查")) == ((1, 3),)


# ------------------------------------------------------------- the cell-rule machinery


def test_cell_rules_run_in_their_own_module() -> None:
    """engine.py orchestrates; running a cell rule once per distinct cell and fanning its hits out
    is planlint.cellrules, stamping hits into findings planlint.rulehits."""
    from planlint import cellrules, rulehits

    assert cellrules.CellIndex.__module__ == "planlint.cellrules"
    assert rulehits.make_finding.__module__ == "planlint.rulehits"
    source = (REPO / "src" / "planlint" / "engine.py").read_text(encoding="utf-8")
    assert "class CellIndex" not in source and "def cell_findings" not in source


# ------------------------------------------------------------- -f xlsx and unreadable files


def _unreadable(tmp_path: Path) -> Path:
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"PK\x03\x04 not a workbook")
    return bad


def test_no_annotated_copy_of_an_unreadable_file(tmp_path: Path, monkeypatch, capsys) -> None:
    out = tmp_path / "批注.xlsx"
    code, _, err = run_cli(
        "check", str(_unreadable(tmp_path)), "-f", f"xlsx:{out}", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 2
    assert not out.exists()
    assert "未生成批注副本" in err and "坏文件.xlsx" in err and "已写入" not in err


def test_an_unreadable_file_among_others_gets_no_copy(tmp_path: Path, monkeypatch, capsys) -> None:
    good = tmp_path / "泽州.xlsx"
    good.write_bytes(ZEZHOU.read_bytes())
    out = tmp_path / "批注"
    code, _, err = run_cli(
        "check",
        str(_unreadable(tmp_path)),
        str(good),
        "-f",
        f"xlsx:{out}/",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 2
    assert sorted(p.name for p in out.iterdir()) == ["泽州.批注.xlsx"]
    assert "未生成批注副本：" in err and "坏文件.xlsx" in err
    assert "1 个文件各一个" in err


def test_a_trailing_slash_names_a_folder(tmp_path: Path, monkeypatch, capsys) -> None:
    out = tmp_path / "批注"
    code, _, err = run_cli("check", str(ZEZHOU), "-f", f"xlsx:{out}/", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and out.is_dir()
    assert [p.name for p in out.iterdir()] == [f"{ZEZHOU.stem}.批注.xlsx"]
