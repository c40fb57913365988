"""Fuzzing: any cell text, any table, any bytes — no exception escapes the field parser, the
check pipeline or the readers (a file that cannot be read is a ReadError, nothing else).

The strategies here are also driven by benchmarks/fuzz_pipeline.py for a run of 100,000+ inputs.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planlint import fields
from planlint.columns import build_plan
from planlint.config import Config
from planlint.errors import ReadError
from planlint.result import CheckResult, PlanReport
from planlint.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent / "bad_inputs"))
import make_bad_inputs  # noqa: E402
from conftest import SAMPLES  # noqa: E402

# -- strategies ---------------------------------------------------------------------------------

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
FULL_WIDTH = st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E)
CONTROL = st.characters(codec="utf-8", categories=("Cc", "Cf", "Zl", "Zp"))
GRAMMAR = st.sampled_from(
    "%％/／;；,，、。—-–~～至年月日次户个家季度半一二三四五六七八九十百千0123456789.．:：()（）【】〔〕 \u3000\t\n\r"
)
WORDS = st.sampled_from(
    [
        "不低于",
        "以上",
        "每年",
        "抽查",
        "市抽县查",
        "县抽县查",
        "联合",
        "内部",
        "A类",
        "B级",
        "D类",
        "低风险",
        "高风险",
        "信用风险分类",
        "分别",
        "第一季度",
        "上半年",
        "截至",
        "至今",
        "2023年",
        "2025",
    ]
)
ANY = st.characters(codec="utf-8", exclude_categories=("Cs",))
CHAR = st.one_of(CJK, FULL_WIDTH, CONTROL, GRAMMAR, ANY)
SEEDS = st.sampled_from(
    [
        "不低于5%/一年一次",
        "5%以上; 1次/年",
        "35%；1次/季度",
        "5% (10户)/一年一次",
        "抽查比例不低于20%; 1次/年",
        "不低于30%; 抽查1次",
        "5%; 1/年",
        "100%",
        "3月—11月",
        "1月-11月",
        "2023年4月至9月",
        "市抽市查",
        "对A类企业抽查比例不低于3%，B类不低于5%，C类不低于10%，D类100%",
        "=cmd|' /C calc'!A0",
        "",
        " ",
    ]
)
SHORT = st.text(CHAR, max_size=40)
COMPOSED = st.lists(st.one_of(SEEDS, WORDS, SHORT), min_size=1, max_size=6).map("".join)
LONG = st.builds(
    lambda parts, n: "".join(parts) * n,
    st.lists(st.one_of(SEEDS, WORDS, GRAMMAR, SHORT), min_size=1, max_size=3),
    st.integers(min_value=20, max_value=800),
)
CELL = st.one_of(SHORT, COMPOSED, COMPOSED, LONG)

HEADER = make_bad_inputs.HEADER
HEADERS = st.one_of(
    st.just(HEADER),
    st.permutations(HEADER),
    st.lists(st.one_of(st.sampled_from(HEADER), SHORT), min_size=1, max_size=12),
)
TABLE = st.tuples(
    st.one_of(st.none(), SEEDS, st.just(make_bad_inputs.TITLE), SHORT),
    HEADERS,
    st.lists(st.lists(CELL, min_size=0, max_size=12), min_size=0, max_size=6),
)

# -- targets (shared with benchmarks/fuzz_pipeline.py) ------------------------------------------

_RULESET = None


def ruleset():
    global _RULESET
    if _RULESET is None:
        from planlint.engine import RunOptions, build_ruleset

        _RULESET = build_ruleset(RunOptions(), Config())
    return _RULESET


def parse_target(kind: str, text: str) -> None:
    from planlint.values import ParseError

    value = fields.parse(kind, text)
    assert (
        value is None or isinstance(value, ParseError) or value.__class__.__module__ == "planlint.values"
    ), value


def pipeline_target(spec: tuple) -> None:
    """A table in memory → plan → every cell, task, plan and plan-set rule → every text report."""
    from planlint import engine
    from planlint.report import ReportOptions, reporter
    from planlint.rules.registry import Ctx, RunData

    title, header, body = spec
    rows = ([[title]] if title is not None else []) + [list(header)] + [list(r) for r in body]
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    table = Table(
        path="fuzz.xlsx",
        sheet="计划",
        rows=rows,
        row_numbers=list(range(1, len(rows) + 1)),
        title=title,
        format="xlsx",
    )
    try:
        plan = build_plan(table)
    except ReadError:
        return
    rs = ruleset()
    found = engine.check_plan(plan, rs.rules, Ctx(plan, rs.params))
    more = engine.plan_set_findings(plan, rs.rules, rs.params, [plan], [], RunData())
    result = CheckResult([PlanReport("fuzz.xlsx", "计划", plan, found + more)], {r.id: r for r in rs.rules})
    for fmt in ("text", "json", "sarif", "junit", "github"):
        reporter(fmt).render(result, ReportOptions())


def file_target(data: bytes, suffix: str, folder: Path) -> None:
    """Bytes as a file of this type: read_tables gives tables or a ReadError, nothing else."""
    from planlint.readers import read_tables

    path = folder / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        read_tables(str(path))
    except ReadError as exc:
        assert str(exc).startswith(str(path)) and "\n" not in exc.message, exc


FORMATS = ("text", "json", "sarif", "junit", "github", "html", "xlsx")


class InternalError(AssertionError):
    """planlint reported 内部错误 (a bug caught by its last line of defence) for an input."""


def whole_target(data: bytes, suffix: str, folder: Path) -> None:
    """Bytes as a file, through everything a user can run on it: `check` (engine.run), every
    output format (the annotated .xlsx copy included) and `fix` with unsafe fixes. A file that
    cannot be read is a message; an internal error anywhere is a failure."""
    import shutil

    from planlint import engine
    from planlint.errors import PlanlintError
    from planlint.fixrounds import fix_file
    from planlint.report import ReportOptions, reporter, write

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    path = folder / f"fuzz{suffix}"
    path.write_bytes(data)
    options = engine.RunOptions(use_config=False, cache=False)
    result = engine.run([str(path)], options)
    for report in result.reports:
        if report.error is not None and report.error.startswith("内部错误"):
            raise InternalError(f"check: {report.error}")
    for fmt in FORMATS:
        try:
            if fmt == "xlsx":
                write(fmt, result, str(folder / "out.xlsx"), color=False)
            else:
                reporter(fmt).render(result, ReportOptions())
        except PlanlintError:
            pass  # a message for the user (e.g. openpyxl cannot open the workbook)
        except Exception as exc:
            raise InternalError(f"-f {fmt}: {type(exc).__name__}: {exc}") from exc
    work = folder / "fix"
    work.mkdir()
    try:
        outcome = fix_file(str(path), options, True, work)
    except PlanlintError:
        return
    except Exception as exc:
        raise InternalError(f"fix: {type(exc).__name__}: {exc}") from exc
    if any(e.startswith("内部错误") for e in outcome.errors):
        raise InternalError(f"fix: {outcome.errors}")


def mutations(seed: bytes):
    """Strategy: a valid file damaged — bytes flipped, a slice dropped, or cut short."""
    flips = st.lists(st.tuples(st.integers(0, len(seed) - 1), st.integers(0, 255)), min_size=1, max_size=8)

    def flip(changes):
        data = bytearray(seed)
        for at, byte in changes:
            data[at] = byte
        return bytes(data)

    def drop(span):
        a, b = sorted(span)
        return seed[:a] + seed[b:]

    return st.one_of(
        flips.map(flip),
        st.tuples(st.integers(0, len(seed)), st.integers(0, len(seed))).map(drop),
        st.integers(0, len(seed)).map(lambda n: seed[:n]),
    )


def _stored(data: bytes) -> bytes:
    """The same package with every part stored, so that a flipped byte lands in the XML itself
    rather than in a deflate stream (which mostly fails its checksum)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, src.read(item))
    return out.getvalue()


# the committed corpus files, which test_bad_inputs pins to the generator's output
MODEL_XLSX = _stored((Path(make_bad_inputs.__file__).parent / "formulas.xlsx").read_bytes())
MODEL_DOCX = _stored((Path(make_bad_inputs.__file__).parent / "nested_tables.docx").read_bytes())
MODEL_CSV = (SAMPLES / "原平市2024年度部门联合双随机抽查工作计划.csv").read_bytes()[:3000]
_FORMATS = (
    Path(__file__).resolve().parent / "fixtures" / "formats" / "示范-某县2025年度内部双随机抽查工作计划"
)
# No damaged .xls here: calamine's .xls parser can still be made to allocate gigabytes (and
# abort) by a changed byte in the workbook stream, which in-process would take the test run with
# it; benchmarks/fuzz_pipeline.py fuzzes .xls in memory-capped worker processes.
MODEL_ODS = _stored(_FORMATS.with_suffix(".ods").read_bytes())
MODEL_CSV_TEXT = MODEL_CSV.decode("utf-8", errors="ignore")
FILE_CLASSES = {  # each kind of damaged file, with the suffixes it is tried under
    "xlsx": st.tuples(mutations(MODEL_XLSX), st.sampled_from([".xlsx", ".docx"])),
    "docx": st.tuples(mutations(MODEL_DOCX), st.sampled_from([".docx", ".xlsx"])),
    "csv": st.tuples(mutations(MODEL_CSV), st.sampled_from([".csv", ".tsv", ".txt"])),
    "ods": st.tuples(mutations(MODEL_ODS), st.just(".ods")),
    "encoded": st.tuples(
        st.sampled_from(["gb18030", "utf-16", "utf-16-le", "big5", "utf-8-sig"]).flatmap(
            lambda codec: mutations(MODEL_CSV_TEXT.encode(codec, errors="replace"))
        ),
        st.sampled_from([".csv", ".txt"]),
    ),
    "bytes": st.tuples(st.binary(max_size=400), st.sampled_from([".xlsx", ".docx", ".csv", ".txt", ".xls"])),
}
FILES = st.one_of(*FILE_CLASSES.values())

# -- tests --------------------------------------------------------------------------------------


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# Example counts for the suite; benchmarks/fuzz_pipeline.py runs 100,000+ inputs.
@fuzz(100)
@given(st.sampled_from(fields.KINDS), CELL)
def test_field_parser_never_raises(kind, text):
    parse_target(kind, text)


@fuzz(40)
@given(TABLE)
def test_pipeline_never_raises(spec):
    pipeline_target(spec)


@pytest.mark.parametrize("kind", FILE_CLASSES)
@fuzz(10)
@given(drawn=st.data())
def test_readers_raise_only_read_errors(tmp_path_factory, kind, drawn):
    """Every kind of damaged file, ten of each."""
    data, suffix = drawn.draw(FILE_CLASSES[kind])
    file_target(data, suffix, tmp_path_factory.mktemp("fuzz", numbered=True))


@settings(
    max_examples=12,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    st.one_of(
        st.tuples(mutations(MODEL_XLSX), st.sampled_from([".xlsx", ".docx"])),
        st.tuples(mutations(MODEL_DOCX), st.sampled_from([".docx", ".xlsx"])),
    )
)
def test_check_every_format_and_fix_on_damaged_files(tmp_path_factory, case):
    """#21: not only no escaped exception, but no 内部错误 from check, any format, or fix. Damaged
    packages here; damaged text files too in benchmarks/fuzz_pipeline.py, where `fix` on a csv
    that is not valid GB18030 still fails in fixes.py's own encoding detection (being replaced
    by the readers' detector)."""
    data, suffix = case
    whole_target(data, suffix, tmp_path_factory.mktemp("whole", numbered=True))


@fuzz(12)
@given(st.lists(st.lists(CELL, min_size=1, max_size=9), min_size=1, max_size=4))
def test_fuzzed_xlsx_through_engine_run(tmp_path_factory, body):
    """Fuzzed cells in a real .xlsx (control characters included, which XML forbids: the reader
    reports the file) through `engine.run`, as `planlint check` does."""
    from planlint.engine import RunOptions, run

    path = tmp_path_factory.mktemp("xlsx", numbered=True) / "plan.xlsx"
    sheet = make_bad_inputs.sheet_xml(make_bad_inputs.plan_rows(body))
    path.write_bytes(make_bad_inputs.xlsx([("计划", "visible", sheet)]))
    result = run([str(path)], RunOptions(use_config=False))
    assert len({r.path for r in result.reports}) == 1


def test_long_adversarial_cells_are_linear():
    """The longest cells a plan can hold, built from the tokens the grammar and the tidy-up
    regexes care about, parse and tidy without an exception. Their time is measured by
    benchmarks/bench_adversarial.py (a timed assertion here failed on a loaded machine)."""
    from planlint.rules.primitives.consistency import tidy

    nasty = [
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
    for text in nasty:
        for kind in fields.KINDS:
            fields.parse(kind, text)  # a value or a ParseError, never an exception
        assert isinstance(tidy(text), str)


# -- what the long fuzz run found, pinned ----------------------------------------------------------


def test_odd_sequence_numbers_do_not_crash_the_rules():
    """序号 written ①, ¹ (str.isdigit, but int() refuses them), full-width, or absurdly long."""
    tasks = [row[:] for row in make_bad_inputs.TASKS]
    for seq in ("①", "¹", "２", "9" * 5000, "20230101"):
        tasks[1][0] = seq
        pipeline_target((make_bad_inputs.TITLE, HEADER, tasks))


def test_zip_needing_an_unsupported_version_is_a_read_error(tmp_path):
    """zipfile raises NotImplementedError (not BadZipFile) for a part that needs zip 6.4."""
    data = bytearray(MODEL_XLSX)
    at = data.index(b"PK\x01\x02")
    data[at + 6] = 64  # "version needed to extract" of the first central-directory entry
    file_target(bytes(data), ".xlsx", tmp_path)


def test_long_run_harness_runs_the_whole_battery(tmp_path, monkeypatch):
    """benchmarks/fuzz_pipeline.py, on a few of its inputs: each through check with every format,
    fix, fix --unsafe-fixes and diff, none failing; input N is the same every time (--replay)."""
    import random

    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import fuzz_pipeline

    assert fuzz_pipeline.make_input(21, 5) == fuzz_pipeline.make_input(21, 5)
    previous = None
    for index in range(4):
        data, suffix = fuzz_pipeline.make_input(21, index)
        work = tmp_path / str(index)
        work.mkdir()
        path = work / f"plan{suffix}"
        path.write_bytes(data)
        assert fuzz_pipeline.battery(path, previous, work, random.Random(index)) == []
        previous = path
    assert {p.name for p in (tmp_path / "3").iterdir()} >= {"out.json", "out.sarif", "out.html"}
    # an annotated copy of each input that could be read, none of one that could not (stderr says why)
    for i in range(4):
        files = json.loads((tmp_path / str(i) / "out.json").read_text(encoding="utf-8"))["files"]
        readable = any("error" not in f for f in files)
        assert (tmp_path / str(i) / "out.xlsx").exists() == readable, i
