"""The bad-input corpus (tests/bad_inputs/): every broken, disguised or hostile file has one pinned
outcome — exit 2 with one Chinese line naming the file and what to do, or the findings of a file
that is readable after all. No traceback, ever; large cases stay within a bounded memory."""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SAMPLES, once_per_run, run_cli, shared_folder

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad_inputs"
sys.path.insert(0, str(BAD))
import make_bad_inputs  # noqa: E402

MODEL = SAMPLES / "示范-某县2025年度内部双随机抽查工作计划.xlsx"


run = run_cli


@pytest.fixture
def check(monkeypatch, capsys):
    def _check(path: Path | str, *extra: str) -> tuple[int, str, str]:
        return run("check", str(path), "--no-config", *extra, monkeypatch=monkeypatch, capsys=capsys)

    return _check


def refused(result: tuple[int, str, str], name: str, *phrases: str) -> str:
    """Exit 2, and exactly one line that names the file, says it could not be read, and what to do."""
    code, out, err = result
    assert code == 2, out + err
    said = [
        [line for line in text.splitlines() if name in line and "无法读取" in line] for text in (out, err)
    ]
    lines = said[0] or said[1]  # check's text report is on stdout; fix and diff say it on stderr
    assert len(lines) == 1, out + err
    line = lines[0]
    assert "请" in line, line  # what to do
    for phrase in phrases:
        assert phrase in line, line
    # on stderr in any case, for a CI log that shows only stderr (#21.17)
    assert any(name in line and all(p in line for p in phrases) for line in err.splitlines()), err
    return line


def findings(path: Path, *extra: str, monkeypatch, capsys) -> tuple[int, list[tuple[str, str, str]]]:
    code, out, _ = run(
        "check", str(path), "--no-config", "-f", "json", *extra, monkeypatch=monkeypatch, capsys=capsys
    )
    data = json.loads(out)
    assert all(f.get("error") is None for f in data["files"])
    return code, sorted(
        (f["sheet"] or "", x["rule"], x["location"]["cell"]) for f in data["files"] for x in f["findings"]
    )


def test_corpus_is_what_the_generator_writes():
    """The committed files are the generator's output (encrypted.xlsx has a random salt: it is
    not made, and only its size counts)."""
    written = make_bad_inputs.corpus(salted=False)
    for name, data in written.items():
        assert (BAD / name).read_bytes() == data, name
    assert sum((BAD / name).stat().st_size for name in [*written, "encrypted.xlsx"]) < 200 * 1024


# -- unreadable: exit 2 and one line -----------------------------------------------------------


def test_not_a_zip_xlsx(check):
    # a csv under an .xlsx name is read by its content (issue 17): this one has no plan header
    refused(check(BAD / "not_a_zip.xlsx"), "not_a_zip.xlsx", "未找到抽查计划表头")


def test_truncated_xlsx(check):
    refused(check(BAD / "truncated.xlsx"), "truncated.xlsx", "压缩包已损坏或不完整")


def test_password_protected_xlsx(check):
    refused(check(BAD / "encrypted.xlsx"), "encrypted.xlsx", "设有打开密码", "取消密码")


def test_old_binary_xls(check):
    code, out, err = check(BAD / "old_binary.xls")  # read natively since issue 17
    assert code == 0 and "2 项任务" in out + err, out + err


def test_empty_file(check):
    refused(check(BAD / "empty.xlsx"), "empty.xlsx", "文件为空（0 字节）")


def test_workbook_with_only_images(check):
    refused(check(BAD / "images_only.xlsx"), "images_only.xlsx", "只有图片", "不识别图片里的文字")


def test_csv_with_nul_bytes(check):
    refused(check(BAD / "nul_bytes.csv"), "nul_bytes.csv", "NUL 字节")


def test_docx_table_without_header(check):
    refused(check(BAD / "no_header.docx"), "no_header.docx", "未找到抽查计划表头", "列标题行")


# -- readable after all: findings ---------------------------------------------------------------


def test_xlsx_named_docx_is_read_by_content(monkeypatch, capsys):
    code, found = findings(
        BAD / "xlsx_named.docx", "--select", "stale-year", monkeypatch=monkeypatch, capsys=capsys
    )
    assert (code, found) == (0, [("内部计划", "PL501", "B8")])


def test_docx_named_xlsx_is_read_by_content(monkeypatch, capsys):
    code, found = findings(
        BAD / "docx_named.xlsx", "--select", "stale-year", monkeypatch=monkeypatch, capsys=capsys
    )
    assert (code, found) == (0, [("表1", "PL501", "B8")])


def test_hidden_sheets_are_checked(monkeypatch, capsys):
    from planlint.readers import read_tables

    tables = read_tables(str(BAD / "hidden_sheets.xlsx"))
    assert [t.sheet for t in tables] == ["说明", "内部计划", "草稿"]
    assert [any("隐藏" in n for n in t.notes) for t in tables] == [False, True, True]
    code, found = findings(BAD / "hidden_sheets.xlsx", monkeypatch=monkeypatch, capsys=capsys)
    assert (code, found) == (0, [])  # the 说明 sheet has no header and is skipped; both plans are clean


def test_formulas_read_cached_values_never_evaluated(monkeypatch, capsys):
    from planlint.readers import read_tables

    (table,) = read_tables(str(BAD / "formulas.xlsx"))
    assert table.rows[2][4] == "不低于5%/一年一次"  # CONCATENATE(…): its cached text
    assert table.rows[3][0] == "2" and table.rows[3][6] == "3月—11月"  # NOW() not evaluated
    assert table.rows[3][4] == ""  # a DDE formula without a cached value stays empty
    code, found = findings(BAD / "formulas.xlsx", monkeypatch=monkeypatch, capsys=capsys)
    assert (code, found) == (1, [("内部计划", "PL102", "E4")])


@pytest.mark.parametrize(("name", "sheet"), [("dde_text.xlsx", "内部计划"), ("dde_text.csv", "")])
def test_dde_text_is_read_as_text_and_reported(name, sheet, monkeypatch, capsys):
    code, found = findings(BAD / name, monkeypatch=monkeypatch, capsys=capsys)
    assert (code, found) == (1, [(sheet, "PL201", "E3"), (sheet, "PL303", "G4")])
    _, out, _ = run("check", str(BAD / name), "--no-config", monkeypatch=monkeypatch, capsys=capsys)
    assert "「=cmd|' /C calc'!A0」" in out


def test_dde_text_is_inert_in_the_xlsx_report(tmp_path, monkeypatch, capsys):
    """The annotated copy stores formula-looking text as text: opening it runs nothing."""
    from openpyxl import load_workbook

    out = tmp_path / "report.xlsx"
    code, _, _ = run(
        "check",
        str(BAD / "dde_text.xlsx"),
        "--no-config",
        "-f",
        "xlsx",
        "-o",
        str(out),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 1
    book = load_workbook(out)
    texts = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(c.value.startswith("=cmd|") for c in texts)
    assert all(c.data_type != "f" for c in texts)


def test_gbk_csv_without_label(monkeypatch, capsys):
    from planlint.readers import read_tables

    (table,) = read_tables(str(BAD / "gbk_unlabelled.csv"))
    assert table.rows[1][:2] == ["序号", "抽查任务名称"]
    assert findings(BAD / "gbk_unlabelled.csv", monkeypatch=monkeypatch, capsys=capsys) == (0, [])


def test_csv_mixing_utf8_and_gbk_is_read_line_by_line(monkeypatch, capsys):
    from planlint.readers import read_tables

    (table,) = read_tables(str(BAD / "mixed_encodings.csv"))
    assert table.rows[0][0] == make_bad_inputs.TITLE  # UTF-8 lines
    assert table.rows[3][1] == "2025年特种设备使用单位监督检查"  # the GBK line
    assert findings(BAD / "mixed_encodings.csv", monkeypatch=monkeypatch, capsys=capsys) == (0, [])


def test_docx_nested_tables(monkeypatch, capsys):
    from planlint.readers import read_tables

    (table,) = read_tables(str(BAD / "nested_tables.docx"))
    assert "A类 3%" in table.rows[1][5] and any("嵌套" in n for n in table.notes)
    code, found = findings(BAD / "nested_tables.docx", monkeypatch=monkeypatch, capsys=capsys)
    assert (code, found) == (1, [("表1", "PL404", "F2")])


def test_docx_merged_cells_spanning_the_header(monkeypatch, capsys):
    from planlint.pipeline import load_plans

    (plan,) = load_plans(str(BAD / "merged_header.docx"))
    assert [t.name for t in plan.tasks] == [t[1] for t in make_bad_inputs.TASKS]
    # the two-row header is joined: 抽查比例及频次 over 比例 | 频次 gives two columns
    assert plan.columns["ratio"].header == "抽查比例及频次 比例" and plan.columns["frequency"].index == 5
    assert (plan.tasks[0].text("ratio"), plan.tasks[0].text("frequency")) == ("不低于5%", "一年一次")
    assert findings(BAD / "merged_header.docx", monkeypatch=monkeypatch, capsys=capsys) == (0, [])


# -- rule and config files ----------------------------------------------------------------------


def _config_error(result: tuple[int, str, str], *phrases: str) -> str:
    code, out, err = result
    assert code == 2 and not out, out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("planlint：错误："), err
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    return lines[0]


def test_rule_file_with_invalid_yaml(check):
    _config_error(
        check(MODEL, "--rules", str(BAD / "rules/invalid_yaml.yaml")),
        "invalid_yaml.yaml",
        "YAML 格式错误，第5行第1列",
        "请检查",
    )


def test_rule_file_with_python_object_tag_runs_nothing(check, tmp_path):
    marker = Path("/tmp/planlint-pwned")
    marker.unlink(missing_ok=True)
    _config_error(
        check(MODEL, "--rules", str(BAD / "rules/python_object.yaml")),
        "python_object.yaml",
        "不允许的 YAML 标签",
        "删去该标签",
    )
    assert not marker.exists()


def test_rule_file_with_unknown_keys(check):
    _config_error(
        check(MODEL, "--rules", str(BAD / "rules/unknown_keys.yaml")),
        "unknown_keys.yaml",
        "规则 XX101",
        "/rules/0",
        "未知的键 regex",
    )


def test_catastrophic_pattern_is_literal_text(tmp_path, monkeypatch, capsys):
    """Rule files have no regular expressions: `(a+)+$` in a substitution list is matched as
    literal text (str.__contains__), so the classic catastrophic input costs nothing, and a cell
    that contains the literal text is found."""
    head = ",".join(make_bad_inputs.HEADER)
    rows = [make_bad_inputs.TASKS[0][:], make_bad_inputs.TASKS[1][:]]
    rows[0][1] = "a" * 5000 + "!"  # exponential for the regex (a+)+$
    rows[1][1] = "名称(a+)+$"
    plan = tmp_path / "plan.csv"
    plan.write_text("\n".join([make_bad_inputs.TITLE, head, *(",".join(r) for r in rows)]), "utf-8")
    code, found = findings(
        plan,
        "--rules",
        str(BAD / "rules/catastrophic_pattern.yaml"),
        "--select",
        "XX102",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert found == [("", "XX102", "B4")]


def test_profile_naming_a_missing_pack(check):
    _config_error(
        check(MODEL, "--profile", str(BAD / "rules/missing_pack_profile.yaml")),
        "'no-such-pack' 不存在",
        "请检查配置档的 packs",
    )


def test_config_with_unknown_key(monkeypatch, capsys):
    result = run(
        "check",
        str(MODEL),
        "--config",
        str(BAD / "config_unknown_key/.planlint.yaml"),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    _config_error(result, ".planlint.yaml", "未知的键 exclude_everything")


# -- large cases: generated at test time, refused before memory grows -------------------------


@pytest.fixture(scope="session")
def large(tmp_path_factory) -> dict[str, Path]:
    """Written once per run (~200 MB, seconds), shared by the xdist workers."""
    folder = shared_folder(tmp_path_factory, "large")
    made = once_per_run(folder, lambda f: {k: str(v) for k, v in make_bad_inputs.write_large(f).items()})
    return {name: Path(path) for name, path in made.items()}


# VmHWM, not getrusage: ru_maxrss survives exec, so a child of a big pytest would report the parent.
_MEASURE = """
import json, re, sys
from planlint.errors import ReadError
from planlint.readers import read_tables
try:
    read_tables(sys.argv[1])
    message = None
except ReadError as exc:
    message = str(exc)
hwm = re.search(r"VmHWM:\\s*(\\d+)", open("/proc/self/status").read())
print(json.dumps({"message": message, "rss_kb": int(hwm[1])}))
"""


# The CLI instead, its peak RSS written to stderr after it has finished.
_MEASURE_CLI = """
import re, sys
from planlint.cli import main
sys.argv[0] = "planlint"
try:
    main()
finally:
    hwm = re.search(r"VmHWM:\\s*(\\d+)", open("/proc/self/status").read())
    print("VmHWM", hwm[1], file=sys.stderr)
"""


def check_measured(path: Path) -> tuple[tuple[int, str, str], int]:
    """`planlint check PATH --no-config` in a fresh interpreter: (exit code, stdout, stderr) as the
    `check` fixture gives them, and the peak RSS in MB of the whole run, reading included. For a
    file that takes seconds to refuse, one run where `check` then `measure` would read it twice."""
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE_CLI, "check", str(path), "--no-config"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    err, _, hwm = result.stderr.rpartition("VmHWM ")
    assert "Traceback" not in result.stdout + err and "内部错误" not in result.stdout + err, result.stderr
    return (result.returncode, result.stdout, err), int(hwm) // 1024


def measure(path: Path, **env: str) -> tuple[str | None, int]:
    """Read `path` in a fresh interpreter; its message and peak RSS in MB."""
    import os

    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    return data["message"], data["rss_kb"] // 1024


def test_zip_bomb_refused_by_declared_size(large, check):
    assert large["zip_bomb.xlsx"].stat().st_size < 4 * 2**20  # 3 GB of XML in 3 MB
    refused(
        check(large["zip_bomb.xlsx"]),
        "zip_bomb.xlsx",
        "解压后共 3,072 MB",
        "上限 512 MB",
        "PLANLINT_MAX_UNCOMPRESSED_MB",
    )
    message, rss = measure(large["zip_bomb.xlsx"])
    assert "超过上限" in message and rss < 100


def test_ratio_bomb_refused_by_packing_ratio(large, check):
    refused(
        check(large["ratio_bomb.xlsx"]),
        "ratio_bomb.xlsx",
        "压缩比 1009:1",
        "上限 200:1",
        "PLANLINT_MAX_COMPRESSION_RATIO",
    )


@pytest.mark.parametrize("name", ["ten_million_cells.xlsx", "ten_million_cells_no_dimension.xlsx"])
def test_ten_million_cell_sheet_refused_before_loading(large, name):
    result, rss = check_measured(large[name])
    refused(result, name, "至少有 5,0", "上限 5,000,000", "PLANLINT_MAX_CELLS")
    assert rss < 100


def test_cell_limit_is_configurable(large, check, monkeypatch):
    monkeypatch.setenv("PLANLINT_MAX_CELLS", "100")
    refused(check(MODEL), MODEL.name, "上限 100，", "PLANLINT_MAX_CELLS")
    monkeypatch.setenv("PLANLINT_MAX_CELLS", "很多")
    code, _, err = check(MODEL)
    assert code == 2 and "PLANLINT_MAX_CELLS" in err and "正整数" in err


def test_far_apart_cells_are_refused(tmp_path, check):
    """Two cells, A1 and Z1000000, in a 1 KB file: calamine would build a 26-million-cell grid."""
    sheet = (
        make_bad_inputs.sheet_xml([["x"]])
        .replace("</row>", '</row><row r="1000000"><c r="Z1000000" t="inlineStr"><is><t>y</t></is></c></row>')
        .replace('<dimension ref="A1:A1"/>', "")
    )
    path = tmp_path / "far.xlsx"
    path.write_bytes(make_bad_inputs.xlsx([("远", "visible", sheet)]))
    refused(check(path), "far.xlsx", "至少有 26,000,000 个单元格")


def test_csv_with_a_50mb_line(large, check):
    refused(check(large["long_line.csv"]), "long_line.csv", "第 2 行有一个单元格超过 131,072 个字符")
    refused(check(large["long_line_cells.csv"]), "long_line_cells.csv", "约有 26,214,411 个单元格")


def test_oversized_docx_grid_is_refused(tmp_path, check):
    """A gridSpan of a billion columns is damage, not layout."""
    import zipfile

    data = (BAD / "nested_tables.docx").read_bytes()
    path = tmp_path / "wide.docx"
    with zipfile.ZipFile(BAD / "nested_tables.docx") as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "word/document.xml":
                body = body.replace(b"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="999"/>', 2)
            dst.writestr(item, body)
    assert data
    refused(check(path), "wide.docx", "超过 1000 列")


# -- issue 21: hostile inputs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "cells"), [("lying_dimension.xlsx", "17,179,869,184"), ("far_cell_first.xlsx", "50,000,000")]
)
def test_sheet_whose_dimension_lies_is_refused_before_calamine(check, name, cells):
    """#21.1: `<dimension>` is never trusted; the cells' own references decide, in any order. Before,
    lying_dimension.xlsx aborted the process (a Rust panic allocating 512 GiB)."""
    assert (BAD / name).stat().st_size < 3000
    refused(check(BAD / name), name, f"至少有 {cells} 个单元格", "上限 5,000,000")
    message, rss = measure(BAD / name)
    assert cells in message and rss < 150


def test_styled_far_cell_without_value_is_read(monkeypatch, capsys):
    """A far cell with only a style is not placed by calamine: the plan is read, not refused."""
    from planlint.readers import read_tables

    (table,) = read_tables(str(BAD / "styled_far_cell.xlsx"))
    assert len(table.rows) == 4 and table.rows[1][:2] == ["序号", "抽查任务名称"]


def _far(sheet: str) -> str:
    return sheet.replace(
        "</sheetData>", '<row r="900000"><c r="J900000" t="inlineStr"><is><t>y</t></is></c></row></sheetData>'
    )


@pytest.mark.parametrize(
    "variant",
    [
        lambda s: s.replace('"', "'"),  # single-quoted attributes
        lambda s: (
            s.replace("<c ", "<x:c ")
            .replace("</c>", "</x:c>")
            .replace(
                "<worksheet ",
                '<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ',
            )
        ),
        lambda s: s.replace('r="J900000"', 'r="j900000"'),  # lower-case reference
        lambda s: s.replace('<c r="J900000"', '<c t="n" r="J900000"'),  # r not first
        lambda s: s.replace('<c r="J900000"', '<c r="&#74;900000"'),  # a character reference
        lambda s: s.replace(
            '<c r="J900000" t="inlineStr"><is><t>y</t></is>',
            '<c r="A900000"><v>1</v></c><c/><c/><c/><c/><c/><c/><c/><c/><c t="inlineStr"><is><t>y</t></is>',
        ),
        lambda s: s.replace('<c r="J900000"', '<c r="J900000" bad=a<b'),  # not well-formed XML
    ],
    ids=[
        "single-quotes",
        "prefixed",
        "lower-case",
        "r-not-first",
        "char-ref",
        "cells-without-r",
        "malformed",
    ],
)
def test_far_cell_written_any_way_is_found(tmp_path, check, variant):
    """Every way calamine accepts a cell reference is seen by the extent scan."""
    path = tmp_path / "far.xlsx"
    path.write_bytes(
        make_bad_inputs.xlsx(
            [("远", "visible", variant(_far(make_bad_inputs.sheet_xml(make_bad_inputs.plan_rows()))))]
        )
    )
    refused(check(path), "far.xlsx", "个单元格", "上限 5,000,000")


_BARE_ROW = "<row>" + "<c><v>1</v></c>" * 10 + "</row>"  # 10 valued cells, no reference


@pytest.mark.parametrize(
    ("rows", "grid"),
    [
        (_BARE_ROW * 12, 120),  # one below the other: 12 × 10
        (_BARE_ROW.replace("<c>", '<c t="n" s="1">') * 12, 120),  # with attributes
        (_BARE_ROW.replace("<c>", '<c t="n">\n') * 12, 120),  # not counted: the parser places them
        (_BARE_ROW.replace("<c>", '<c t="n" r="A1">') * 12, 1),  # every cell is A1
        (_BARE_ROW.replace("<row>", '<row r="1">') * 12, 10),  # every row is row 1
        (_BARE_ROW.replace("<c>", '<c r="A1">') * 12, 1),  # every cell is A1
        (_BARE_ROW * 12 + '<row r="1"/>', 120),  # a reference after them places nothing
        (f"<!--{_BARE_ROW * 12}-->{_BARE_ROW}", 10),  # hidden in a comment
        (f'<row><c t="inlineStr"><is><t><![CDATA[{_BARE_ROW * 12}]]></t></is></c></row>', 1),
        (f"<?note {_BARE_ROW * 12}?>{_BARE_ROW}", 10),  # in a processing instruction
    ],
    ids=[
        "bare",
        "attributes",
        "line-break",
        "attributes-same-cell",
        "same-row",
        "same-cell",
        "reference-after",
        "comment",
        "cdata",
        "pi",
    ],
)
def test_cells_without_references_are_counted_where_they_land(tmp_path, check, monkeypatch, rows, grid):
    """A sheet written with no `r` is counted from its bytes (fast), and only where that count is a
    floor of the grid calamine builds: text that looks like cells but is not (a comment, CDATA, a
    processing instruction) or references that stack the cells never make it refuse a small grid."""
    monkeypatch.setenv("PLANLINT_MAX_CELLS", "100")
    sheet = f"<?xml version='1.0' encoding='UTF-8'?><worksheet {make_bad_inputs._NS}><sheetData>{rows}"
    path = tmp_path / "bare.xlsx"
    path.write_bytes(make_bad_inputs.xlsx([("无引用", "visible", sheet + "</sheetData></worksheet>")]))
    code, out, err = check(path)
    if grid > 100:
        refused((code, out, err), "bare.xlsx", "至少有 1", "个单元格，超过上限 100")
    else:
        assert "超过上限" not in out + err, out + err


def test_sheet_with_a_dtd_is_refused(tmp_path, check):
    sheet = make_bad_inputs.sheet_xml(make_bad_inputs.plan_rows())
    sheet = sheet.replace("?>", '?><!DOCTYPE worksheet [<!ENTITY far "XFD1048576">]>', 1).replace(
        'r="A1"', 'r="&far;"'
    )
    path = tmp_path / "dtd.xlsx"
    path.write_bytes(make_bad_inputs.xlsx([("计划", "visible", sheet)]))
    refused(check(path), "dtd.xlsx", "DTD")


def _plan_copy(tmp_path: Path) -> Path:
    plan = tmp_path / "plan.xlsx"
    plan.write_bytes(MODEL.read_bytes())
    return plan


@pytest.mark.parametrize(
    "args",
    [
        ("check", "{plan}", "--no-config", "--write-baseline", "{alias}"),
        ("check", "{plan}", "--no-config", "-f", "json:{alias}"),
        ("check", "{plan}", "--no-config", "-f", "html:{alias}"),
        ("check", "{plan}", "--no-config", "-f", "xlsx:{alias}"),
        ("fix", "{plan}", "--no-config", "-o", "{alias}"),
        ("diff", "{plan}", "{plan}", "--no-config", "-f", "xlsx", "-o", "{alias}"),
    ],
    ids=["baseline", "json", "html", "xlsx", "fix", "diff"],
)
@pytest.mark.parametrize("alias", ["same", "symlink", "hardlink"])
def test_no_writer_replaces_an_input(tmp_path, monkeypatch, capsys, args, alias):
    """#21.4: every writer goes through one guard (planlint.atomic) that knows every input read, by
    any name. Before, `check p.xlsx --write-baseline p.xlsx` replaced the plan with JSON."""
    plan = _plan_copy(tmp_path)
    before = plan.read_bytes()
    other = tmp_path / "alias.xlsx"
    if alias == "symlink":
        other.symlink_to(plan)
    elif alias == "hardlink":
        import os

        os.link(plan, other)
    target = plan if alias == "same" else other
    argv = [a.format(plan=plan, alias=target) for a in args]
    code, out, err = run(*argv, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "已拒绝覆盖原文件" in out + err, out + err
    assert plan.read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.skipif(sys.platform == "win32", reason="no FIFOs on Windows")
def test_fifo_output_is_written_through_not_replaced(tmp_path):
    """#21.3: an output that exists and is not a regular file (a FIFO here; /dev/null as root) is
    written in place, never renamed over."""
    import os
    import stat
    import threading

    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = subprocess.run(
        [sys.executable, "-m", "planlint", "check", str(MODEL), "--no-config", "-f", f"json:{fifo}"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    reader.join(30)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert json.loads(got[0])["summary"]["files"] == 1


# `planlint ARGV` for each ARGV, one after another in one interpreter: (exit code, stdout, stderr).
_CLI_RUNS = """
import contextlib, io, json, sys
from planlint.cli import main
runs = []
for argv in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    sys.argv = ["planlint", *argv]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code
    runs.append([code, out.getvalue(), err.getvalue()])
print(json.dumps(runs))
"""
_SPECIAL_INPUTS = ["dev-zero", "urandom", "fifo"]


@pytest.fixture(scope="module")
def special_inputs(tmp_path_factory) -> dict[str, tuple[Path, list]]:
    """Each kind's file (a link to /dev/zero or /dev/urandom, or a FIFO, named plan.csv) and what
    `planlint check` made of it, given directly and as the superior plan: all six runs in one fresh
    interpreter (one that hangs or reads without bound stops there, never pytest)."""
    import os

    paths = {}
    for kind in _SPECIAL_INPUTS:
        path = tmp_path_factory.mktemp(kind) / "plan.csv"
        if kind == "fifo":
            os.mkfifo(path)
        else:
            path.symlink_to("/dev/zero" if kind == "dev-zero" else "/dev/urandom")
        paths[kind] = path
    argvs = [
        [*argv, "--no-config", "--no-cache"]
        for path in paths.values()
        for argv in (["check", str(path)], ["check", str(MODEL), "--superior", str(path)])
    ]
    done = subprocess.run(
        [sys.executable, "-c", _CLI_RUNS, json.dumps(argvs)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    runs = json.loads(done.stdout)
    return {kind: (paths[kind], runs[2 * i : 2 * i + 2]) for i, kind in enumerate(_SPECIAL_INPUTS)}


@pytest.mark.skipif(sys.platform == "win32", reason="no device files or FIFOs on Windows")
@pytest.mark.parametrize("kind", _SPECIAL_INPUTS)
def test_device_or_fifo_input_is_refused_not_read(special_inputs, kind):
    """#21.5: a link to /dev/zero or /dev/urandom, or a FIFO, named like a plan — given directly or
    as the superior plan — is refused at once (before: read without bound, or hung forever)."""
    from planlint.errors import ReadError
    from planlint.readers import read_tables

    path, runs = special_inputs[kind]
    with pytest.raises(ReadError, match="不是普通文件"):
        read_tables(str(path))
    assert len(runs) == 2
    for code, out, err in runs:
        shown = out + err
        assert code == 2, shown
        # discovery skips it with a note; a reader given it anyway refuses it (limits.open_input)
        assert any(w in shown for w in ("不是普通文件", "只检查普通文件", "没有找到可检查的文件")), shown
        assert "Traceback" not in err


def test_text_file_is_never_read_past_its_limit(tmp_path, monkeypatch):
    """#21.5: at most the size limit + 1 byte is read, also from a file that grows while read."""
    from planlint.errors import ReadError
    from planlint.readers import read_tables

    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" * (2**20 // 4 + 1))  # 1 MB + 4 bytes
    monkeypatch.setenv("PLANLINT_MAX_TEXT_MB", "1")
    reads: list[int] = []
    real_open = __import__("os").fdopen

    def counting_fdopen(*a, **kw):
        fh = real_open(*a, **kw)
        read = fh.read

        class Wrapped:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                fh.close()

            def read(self, n=-1):
                data = read(n)
                reads.append(len(data))
                return data

            def fileno(self):
                return fh.fileno()

        return Wrapped()

    monkeypatch.setattr("planlint.limits.os.fdopen", counting_fdopen)
    with pytest.raises(ReadError, match="超过文本文件上限 1 MB"):
        read_tables(str(path))
    assert sum(reads) <= 2**20 + 8


def test_substitute_visits_only_the_named_columns():
    """#21.2: `substitute` narrowed to one column looks at that column only, not at all of a task's
    cells (with 100k columns that was 10^10 steps: 88 s for a 0.9 MB csv). A cell primitive is
    called with one cell; the engine hands it the named column's cells and no others."""
    from planlint.engine import check_plan
    from planlint.plan import Cell, Plan, PlanMeta, Task
    from planlint.rules.loader import load_pack
    from planlint.rules.registry import PRIMITIVES, Ctx
    from planlint.table import Location

    cols = {f"c{i}": i + 1 for i in range(1000)} | {"name": 1001}
    cells = {f"c{i}": Cell("计划年度") for i in range(1000)} | {"name": Cell("抽查记划")}
    plan = Plan(
        PlanMeta(), [Task("1", cells, Location("p.csv", None, 3), cols)], {}, Location("p.csv", None, 2)
    )
    rule = next(r for r in load_pack("consistency") if r.fn == "substitute")
    rule = dataclasses.replace(
        rule, check={"fn": "substitute", "map": {"记划": "计划"}, "fields": ["name"]}, when={}
    )
    seen: list[str] = []
    original = PRIMITIVES["substitute"]

    def spy(ctx, cell, **args):
        seen.append(cell.raw)
        return original.fn(ctx, cell, **args)

    PRIMITIVES["substitute"] = dataclasses.replace(original, fn=spy)
    try:
        findings = check_plan(plan, [rule], Ctx(plan, {}))
    finally:
        PRIMITIVES["substitute"] = original
    assert seen == ["抽查记划"]
    assert [(f.location.col, f.edits[0].new) for f in findings] == [(1001, "抽查计划")]


def test_table_wider_than_the_column_limit(tmp_path, check, monkeypatch, capsys):
    """#21.2: a 100k-column csv is refused at once (a plan has 10–20 columns); a wide sheet beside
    a plan sheet is left out with a note and the plan is checked."""
    head = make_bad_inputs.HEADER + [f"列{i}" for i in range(100_000)]
    path = tmp_path / "wide.csv"
    path.write_text(
        "\n".join([make_bad_inputs.TITLE, ",".join(head), *(",".join(t) for t in make_bad_inputs.TASKS)]),
        "utf-8",
    )
    refused(check(path), "wide.csv", "有 100,009 列，超过上限 1,000 列", "PLANLINT_MAX_COLUMNS")
    wide = tmp_path / "two.xlsx"
    wide.write_bytes(
        make_bad_inputs.xlsx(
            [
                ("内部计划", "visible", make_bad_inputs.sheet_xml(make_bad_inputs.plan_rows())),
                ("统计", "visible", make_bad_inputs.sheet_xml([["x"] * 1200])),
            ]
        )
    )
    code, out, err = run("check", str(wide), "--no-config", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and "工作表「统计」有 1,200 列，超过上限 1,000 列" in err, out + err


def test_control_characters_are_escaped_in_text_and_fix_output(tmp_path, monkeypatch, capsys):
    """#21.14: a newline in a flagged cell printed `::warning file=x::…` as a line of its own (a
    workflow command in a CI log), an ESC drove the terminal; both are shown escaped."""
    task = [
        make_bad_inputs.TASKS[0][0],
        "2022年食品生产\n::warning file=x::伪造\x1b[2J",
        *make_bad_inputs.TASKS[0][2:],
    ]
    rows = make_bad_inputs.plan_rows([task, make_bad_inputs.TASKS[1]])
    plan = tmp_path / "plan.csv"
    plan.write_text("\r\n".join(",".join(f'"{c}"' for c in r) for r in rows), encoding="utf-8")
    _, out, err = run("check", str(plan), "--no-config", "--no-color", monkeypatch=monkeypatch, capsys=capsys)
    assert "PL501" in out and "\\n::warning file=x::伪造\\x1b[2J" in out
    _, out2, err2 = run(
        "fix", str(plan), "--no-config", "--unsafe-fixes", "--diff", monkeypatch=monkeypatch, capsys=capsys
    )
    for text in (out, err, out2, err2):
        assert "\x1b" not in text and not any(line.startswith("::") for line in text.splitlines()), text
    assert "\\x1b[2J" in out2
    _, out3, _ = run(
        "check", str(plan), "--no-config", "-f", "github", monkeypatch=monkeypatch, capsys=capsys
    )
    lines = out3.splitlines()
    assert "\x1b" not in out3 and "%0A::warning file=x::伪造\\x1b[2J" in out3  # -f github passed ESC
    assert not any(line.startswith("::warning file=x") for line in lines)


def _rebuilt_from_values(book, year: str, fixed: bool) -> None:
    """A copy rebuilt from the values of a workbook of excessive merges: the plan sheet holds
    the title and tasks, the 20,000 copies of the title's range are one range, and a last
    sheet says why."""
    from planlint.workbook import NOTE_SHEET

    plan = book["内部计划"]
    assert plan["A1"].value == make_bad_inputs.TITLE and plan["B3"].value == f"{year}年食品生产企业监督检查"
    assert plan["E4"].value == make_bad_inputs.TASKS[1][4] + ("" if fixed else " ")  # a safe fix
    assert [str(r) for r in plan.merged_cells.ranges] == ["A1:I1"]
    assert book.sheetnames[-1] == NOTE_SHEET
    note = book[NOTE_SHEET]["A1"].value
    assert "20,000 个合并单元格区域" in note and "按各工作表单元格的值重建" in note


def test_twenty_thousand_copies_of_one_merged_range(tmp_path, monkeypatch, capsys):
    """#21.9: the reader fills a listed range once; the annotated copy, fix and serve rebuild
    the workbook from its values (one copy of each distinct range, a note why) instead of handing
    openpyxl 20,000 ranges (before: over 180 s for `-f xlsx`; then fix refused the file)."""
    from openpyxl import load_workbook
    from starlette.testclient import TestClient

    from planlint.readers import read_tables
    from planlint.readers.xlsx import merged_ranges, rebuild_note
    from planlint.serve.app import create_app

    path = BAD / "many_merges.xlsx"
    assert path.stat().st_size < 20_000 and merged_ranges(str(path)) == (20_000, 180_000)
    assert rebuild_note(str(path)) is not None and rebuild_note(str(MODEL)) is None
    (table,) = read_tables(str(path))
    assert table.rows[0] == [make_bad_inputs.TITLE] * 9 and len(table.covered) == 8
    out = tmp_path / "out.xlsx"
    code, _, _ = run(
        "check", str(path), "--no-config", "-f", f"xlsx:{out}", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0
    book = load_workbook(out)
    _rebuilt_from_values(book, "2022", fixed=False)  # as it stands, with PL501's comment
    assert any(
        c.comment and "PL501" in c.comment.text
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
    )
    fixed = tmp_path / "fixed.xlsx"
    code, _, err = run(
        "fix",
        str(path),
        "--no-config",
        "--unsafe-fixes",
        "-o",
        str(fixed),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 0 and "已修复" in err, err
    _rebuilt_from_values(load_workbook(fixed), "2025", fixed=True)
    with TestClient(create_app(temp_parent=str(tmp_path)), base_url="http://127.0.0.1") as client:
        files = [("files", (path.name, path.read_bytes(), "application/octet-stream"))]
        job = client.post("/api/check", files=files).json()["job"]
        while (status := client.get(f"/api/jobs/{job}").json())["state"] not in ("done", "failed"):
            time.sleep(0.05)  # the batch runs in a child process: polling without a pause costs CPU
        (entry,) = status["files"]
        for kind in ("annotated", "fixed"):
            download = client.get(f"/jobs/{job}/files/{entry[kind]}")
            assert download.status_code == 200, kind
            book = load_workbook(io.BytesIO(download.content))
            _rebuilt_from_values(book, "2022", fixed=kind == "fixed")  # serve applies safe fixes only


def test_a_million_listed_merged_ranges_are_not_filled(tmp_path, check, monkeypatch):
    """#21.9, reading: calamine hands every listed range to Python (1,000,000 distinct ranges in a
    4 MB file: 150 s and 358 MB, then no header found, the ranges having covered it). Past
    MAX_LISTED_MERGES (lowered here) a sheet is read without its ranges, with a note."""
    import random

    from planlint.readers import xlsx

    monkeypatch.setattr(xlsx, "MAX_LISTED_MERGES", 1_000)
    rng = random.Random(21)
    col = make_bad_inputs._col
    merges = "".join(
        f'<mergeCell ref="{col(rng.randint(1, 9))}{rng.randint(1, 3)}:{col(rng.randint(10, 12))}{rng.randint(4, 9)}"/>'
        for _ in range(1_001)
    )
    sheet = make_bad_inputs.sheet_xml(make_bad_inputs.plan_rows()).replace(
        "</sheetData>", f'</sheetData><mergeCells count="1001">{merges}</mergeCells>'
    )
    path = tmp_path / "merges.xlsx"
    path.write_bytes(make_bad_inputs.xlsx([("内部计划", "visible", sheet)]))
    code, out, err = check(path, "-f", "json")
    assert code == 0 and json.loads(out)["files"][0]["tasks"] == 2, out + err
    assert "列有 1,001 个合并单元格区域" in err and "未按合并区域展开" in err


def test_fix_on_a_docx_python_docx_refuses_is_a_read_error(tmp_path, monkeypatch, capsys):
    """#21.8 for Word: the reader streams word/document.xml, python-docx insists on the part's
    content type. A package it refuses is a message naming the file, exit 2, no 内部错误."""
    import zipfile

    task = [*make_bad_inputs.TASKS[0][:4], make_bad_inputs.TASKS[0][4] + "  ", *make_bad_inputs.TASKS[0][5:]]
    rows = "".join(
        make_bad_inputs._w_row(r) for r in [make_bad_inputs.HEADER, task, make_bad_inputs.TASKS[1]]
    )
    data = make_bad_inputs.docx_from_body(
        f"<w:p><w:r><w:t>{make_bad_inputs.TITLE}</w:t></w:r></w:p><w:tbl>{rows}</w:tbl>"
    )
    src = tmp_path / "plan.docx"
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(src, "w") as zout:
        for info in zin.infolist():
            part = zin.read(info)
            if info.filename == "[Content_Types].xml":
                part = part.replace(b"wordprocessingml.document.main+xml", b"spreadsheetml.sheet.main+xml")
            zout.writestr(info, part)
    code, out, err = run("check", str(src), "--no-config", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, out + err  # readable
    code, out, err = run(
        "fix", str(src), "--no-config", "-o", str(tmp_path / "o.docx"), monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 2 and "plan.docx" in err and "python-docx 无法打开" in err and "另存为 .docx" in err
    assert not (tmp_path / "o.docx").exists()


def test_word_tables_nested_600_deep(monkeypatch, capsys):
    """#21.16: nesting was flattened by recursion (RecursionError at ~500 levels)."""
    from planlint.readers import read_tables

    (table,) = read_tables(str(BAD / "deep_nested_tables.docx"))
    assert "最里层" in table.rows[1][5] and table.rows[1][5].startswith(make_bad_inputs.RISK)
    assert findings(BAD / "deep_nested_tables.docx", monkeypatch=monkeypatch, capsys=capsys) == (0, [])


def _with_declaration(data: bytes, member: str) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            body = src.read(name)
            if name == member:
                body = body.replace(b'encoding="UTF-8"', b'encoding="UTF-8UTF-8"')
            dst.writestr(name, body)
    return out.getvalue()


@pytest.mark.parametrize(("suffix", "member"), [(".xlsx", "xl/workbook.xml"), (".docx", "word/document.xml")])
def test_unknown_encoding_declared_in_a_part(tmp_path, monkeypatch, capsys, suffix, member):
    """#21.16: `encoding="UTF-8UTF-8"` raised LookupError (内部错误); the part is read as UTF-8,
    as Excel and calamine read it, and the cell-extent guard still runs."""
    data = (
        make_bad_inputs.xlsx(
            [("内部计划", "visible", make_bad_inputs.sheet_xml(make_bad_inputs.plan_rows()))]
        )
        if suffix == ".xlsx"
        else make_bad_inputs.deep_nested_tables(2)
    )
    path = tmp_path / f"plan{suffix}"
    path.write_bytes(_with_declaration(data, member))
    code, found = findings(path, monkeypatch=monkeypatch, capsys=capsys)
    assert (code, found) == (0, [])
    from planlint.readers.xlsx import _sheet_scans

    if suffix == ".xlsx":
        assert {name: scan.cells for name, scan in _sheet_scans(str(path)).items()} == {"内部计划": 36}


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_csv_without_bom(tmp_path, monkeypatch, capsys, codec):
    """#21.16: UTF-16 without a byte-order mark was refused as a binary file ("NUL 字节")."""
    path = tmp_path / "plan.csv"
    path.write_bytes("\r\n".join(",".join(r) for r in make_bad_inputs.plan_rows()).encode(codec))
    assert findings(path, monkeypatch=monkeypatch, capsys=capsys) == (0, [])


def test_large_word_table_is_read_in_bounded_memory(tmp_path):
    """#21.12: the document is streamed row by row: 200,000 cells in a few tens of MB (the XML
    tree took ~150 MB for these, 3.9 GB for the 2.5-million-cell file of the report)."""
    path = tmp_path / "big.docx"
    path.write_bytes(make_bad_inputs.many_small_docx_cells(10_000))
    message, rss = measure(path)
    assert message is None and rss < 90


def test_rule_template_with_a_huge_width_renders_unformatted():
    """#21.13: `{raw:>400000000}` in a rule file built a 400 MB string per finding (3.85 GB)."""
    from planlint.templating import render

    assert render("「{raw:>400000000}」{raw:>4}", {"raw": "ab"}) == "「ab」  ab"
    assert render("{raw:.{n}}|{raw!r:>99999}", {"raw": "ab", "n": 10**8}) == "ab|'ab'"


@pytest.mark.parametrize(
    "text",
    [
        "某县: [1, 2]",
        "某县: {totals: [企业, 5]}",
        "某县: {totals: {企业: abc}}",
        "某县: {totals: {企业: -5}}",
        "某县: {totals: {企业: 1e999}}",
        "某县: {totals: {企业: true}}",
        "某县: {scopes: 全县企业}",
        "某县: {scopes: {全县企业: {count: [1]}}}",
        "- 某县",
    ],
)
def test_population_yaml_with_wrong_value_types(tmp_path, monkeypatch, capsys, text):
    """#21.13: wrong value types in a population YAML gave 内部错误 (AttributeError)."""
    pop = tmp_path / "pop.yaml"
    pop.write_text(text, encoding="utf-8")
    code, out, err = run(
        "check", str(MODEL), "--no-config", "--population", str(pop), monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 2 and "pop.yaml" in err, out + err


def test_population_yaml_not_utf8_or_not_a_file(tmp_path, monkeypatch, capsys):
    pop = tmp_path / "pop.yaml"
    pop.write_bytes("某县: {totals: {企业: 5}}".encode("gbk"))
    code, _, err = run(
        "check", str(MODEL), "--no-config", "--population", str(pop), monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 2 and "不是 UTF-8 编码" in err
    if sys.platform != "win32":
        link = tmp_path / "zero.yaml"
        link.symlink_to("/dev/zero")
        code, _, err = run(
            "check",
            str(MODEL),
            "--no-config",
            "--population",
            str(link),
            monkeypatch=monkeypatch,
            capsys=capsys,
        )
        assert code == 2 and "不是普通文件" in err


def test_workbook_with_too_many_sheets(tmp_path, check, monkeypatch):
    """#21.12: sheets are bounded too (each costs a read and a header search)."""
    monkeypatch.setenv("PLANLINT_MAX_SHEETS", "3")
    path = tmp_path / "sheets.xlsx"
    path.write_bytes(
        make_bad_inputs.xlsx([(f"表{i}", "visible", make_bad_inputs.sheet_xml([["x"]])) for i in range(4)])
    )
    refused(check(path), "sheets.xlsx", "有 4 张工作表，超过上限 3", "PLANLINT_MAX_SHEETS")


def test_a_rust_panic_in_any_reader_is_a_read_error(monkeypatch, tmp_path):
    """calamine (Rust) panics on some damaged workbooks; pyo3 raises PanicException, a
    BaseException that no `except Exception` (nor the CLI's last line of defence) catches. Any
    reader's panic is the file's read error."""
    from planlint.errors import ReadError
    from planlint.readers import read_tables, xlsx

    class PanicException(BaseException):  # what pyo3_runtime.PanicException is, by name
        pass

    def panics(path: str):
        raise PanicException("slice index starts at 8192 but ends at 8049")

    monkeypatch.setattr(xlsx, "read", panics)
    plan = tmp_path / "plan.xlsx"
    plan.write_bytes(MODEL.read_bytes())
    with pytest.raises(ReadError, match="解析库读取失败.*另存为 .xlsx"):
        read_tables(str(plan))


def test_temp_files_a_killed_write_left_are_swept(tmp_path):
    """#21.15: kill -9 during a write leaves `.<name>.<random>.tmp` beside the output; the next
    write of that output removes those over an hour old (a fresh one may be another writer's)."""
    import os
    import time

    from planlint.atomic import write_bytes

    out = tmp_path / "报告[1].json"
    old = tmp_path / ".报告[1].json.k3jd9x.tmp"
    fresh = tmp_path / ".报告[1].json.a8c2mq.tmp"
    other = tmp_path / ".别的.json.zz9911.tmp"
    for path in (old, fresh, other):
        path.write_bytes(b"half")
    hours_ago = time.time() - 7200
    for path in (old, other):
        os.utime(path, (hours_ago, hours_ago))
    write_bytes(out, b"{}")
    assert out.read_bytes() == b"{}"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([out.name, fresh.name, other.name])
