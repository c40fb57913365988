"""The bad-input corpus (tests/bad_inputs/): every broken, disguised or hostile file has one pinned
outcome — exit 2 with one Chinese line naming the file and what to do, or the findings of a file
that is readable after all. No traceback, ever; large cases stay within a bounded memory."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SAMPLES, run_cli

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
    lines = [line for line in (out + err).splitlines() if name in line and "无法读取" in line]
    assert len(lines) == 1, out + err
    line = lines[0]
    assert "请" in line, line  # what to do
    for phrase in phrases:
        assert phrase in line, line
    return line


def findings(path: Path, *extra: str, monkeypatch, capsys) -> tuple[int, list[tuple[str, str, str]]]:
    code, out, _ = run("check", str(path), "--no-config", "-f", "json", *extra, monkeypatch=monkeypatch, capsys=capsys)
    data = json.loads(out)
    assert all(f.get("error") is None for f in data["files"])
    return code, sorted((f["sheet"] or "", x["rule"], x["location"]["cell"]) for f in data["files"] for x in f["findings"])


def test_corpus_is_what_the_generator_writes():
    """The committed files are the generator's output (encrypted.xlsx has a random salt)."""
    for name, data in make_bad_inputs.corpus().items():
        if name != "encrypted.xlsx":
            assert (BAD / name).read_bytes() == data, name
    assert sum((BAD / name).stat().st_size for name in make_bad_inputs.corpus()) < 200 * 1024


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
    code, found = findings(BAD / "xlsx_named.docx", "--select", "stale-year", monkeypatch=monkeypatch, capsys=capsys)
    assert (code, found) == (0, [("内部计划", "PL501", "B8")])


def test_docx_named_xlsx_is_read_by_content(monkeypatch, capsys):
    code, found = findings(BAD / "docx_named.xlsx", "--select", "stale-year", monkeypatch=monkeypatch, capsys=capsys)
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
    code, _, _ = run("check", str(BAD / "dde_text.xlsx"), "--no-config", "-f", "xlsx", "-o", str(out),
                     monkeypatch=monkeypatch, capsys=capsys)
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
    _config_error(check(MODEL, "--rules", str(BAD / "rules/invalid_yaml.yaml")),
                  "invalid_yaml.yaml", "YAML 格式错误，第5行第1列", "请检查")


def test_rule_file_with_python_object_tag_runs_nothing(check, tmp_path):
    marker = Path("/tmp/planlint-pwned")
    marker.unlink(missing_ok=True)
    _config_error(check(MODEL, "--rules", str(BAD / "rules/python_object.yaml")),
                  "python_object.yaml", "不允许的 YAML 标签", "删去该标签")
    assert not marker.exists()


def test_rule_file_with_unknown_keys(check):
    _config_error(check(MODEL, "--rules", str(BAD / "rules/unknown_keys.yaml")),
                  "unknown_keys.yaml", "规则 XX101", "/rules/0", "未知的键 regex")


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
    start = time.perf_counter()
    code, found = findings(plan, "--rules", str(BAD / "rules/catastrophic_pattern.yaml"), "--select", "XX102",
                           monkeypatch=monkeypatch, capsys=capsys)
    assert time.perf_counter() - start < 10
    assert found == [("", "XX102", "B4")]


def test_profile_naming_a_missing_pack(check):
    _config_error(check(MODEL, "--profile", str(BAD / "rules/missing_pack_profile.yaml")),
                  "'no-such-pack' 不存在", "请检查配置档的 packs")


def test_config_with_unknown_key(monkeypatch, capsys):
    result = run("check", str(MODEL), "--config", str(BAD / "config_unknown_key/.planlint.yaml"),
                 monkeypatch=monkeypatch, capsys=capsys)
    _config_error(result, ".planlint.yaml", "未知的键 exclude_everything")


# -- large cases: generated at test time, refused before memory grows -------------------------


@pytest.fixture(scope="session")
def large(tmp_path_factory) -> dict[str, Path]:
    return make_bad_inputs.write_large(tmp_path_factory.mktemp("large"))


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


def measure(path: Path, **env: str) -> tuple[str | None, int]:
    """Read `path` in a fresh interpreter; its message and peak RSS in MB."""
    import os

    result = subprocess.run([sys.executable, "-c", _MEASURE, str(path)], capture_output=True, text=True,
                            timeout=120, env={**os.environ, **env})
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    return data["message"], data["rss_kb"] // 1024


def test_zip_bomb_refused_by_declared_size(large, check):
    assert large["zip_bomb.xlsx"].stat().st_size < 4 * 2**20  # 3 GB of XML in 3 MB
    refused(check(large["zip_bomb.xlsx"]), "zip_bomb.xlsx", "解压后共 3,072 MB", "上限 512 MB", "PLANLINT_MAX_UNCOMPRESSED_MB")
    message, rss = measure(large["zip_bomb.xlsx"])
    assert "超过上限" in message and rss < 100


def test_ratio_bomb_refused_by_packing_ratio(large, check):
    refused(check(large["ratio_bomb.xlsx"]), "ratio_bomb.xlsx", "压缩比 1009:1", "上限 200:1", "PLANLINT_MAX_COMPRESSION_RATIO")


@pytest.mark.parametrize("name", ["ten_million_cells.xlsx", "ten_million_cells_no_dimension.xlsx"])
def test_ten_million_cell_sheet_refused_before_loading(large, check, name):
    refused(check(large[name]), name, "约有 10,000,000 个单元格", "上限 5,000,000", "PLANLINT_MAX_CELLS")
    message, rss = measure(large[name])
    assert "10,000,000" in message and rss < 100


def test_cell_limit_is_configurable(large, check, monkeypatch):
    monkeypatch.setenv("PLANLINT_MAX_CELLS", "100")
    refused(check(MODEL), MODEL.name, "上限 100，", "PLANLINT_MAX_CELLS")
    monkeypatch.setenv("PLANLINT_MAX_CELLS", "很多")
    code, _, err = check(MODEL)
    assert code == 2 and "PLANLINT_MAX_CELLS" in err and "正整数" in err


def test_far_apart_cells_are_refused(tmp_path, check):
    """Two cells, A1 and Z1000000, in a 1 KB file: calamine would build a 26-million-cell grid."""
    sheet = make_bad_inputs.sheet_xml([["x"]]).replace(
        "</row>", '</row><row r="1000000"><c r="Z1000000" t="inlineStr"><is><t>y</t></is></c></row>'
    ).replace('<dimension ref="A1:A1"/>', "")
    path = tmp_path / "far.xlsx"
    path.write_bytes(make_bad_inputs.xlsx([("远", "visible", sheet)]))
    refused(check(path), "far.xlsx", "约有 26,000,000 个单元格")


def test_csv_with_a_50mb_line(large, check):
    start = time.perf_counter()
    refused(check(large["long_line.csv"]), "long_line.csv", "第 2 行有一个单元格超过 131,072 个字符")
    refused(check(large["long_line_cells.csv"]), "long_line_cells.csv", "约有 26,214,411 个单元格")
    assert time.perf_counter() - start < 20  # linear: a quadratic split would take minutes


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
