"""Golden and contract tests of the field grammar (planlint.fields)."""

from __future__ import annotations

import json
from decimal import Decimal
from importlib.resources import files

import pytest
import yaml
from click.testing import CliRunner
from conftest import REPO, SEEDS
from fieldcompact import compact

from planlint import fields
from planlint.commands.parse import parse as parse_command
from planlint.values import (
    STANDARD_RISK_CLAUSE,
    DatePoint,
    ModePair,
    ParseError,
    PlanTitle,
    Ratio,
    RiskClause,
    Window,
)

GOLDEN = yaml.safe_load((REPO / "tests" / "golden" / "fields.yaml").read_text(encoding="utf-8"))
CASES = [(kind, entry["text"], entry["value"]) for kind, entries in GOLDEN.items() for entry in entries]


@pytest.mark.parametrize(("kind", "text", "expected"), CASES, ids=[f"{k}:{t[:20]}" for k, t, _ in CASES])
def test_golden(kind: str, text: str, expected: dict) -> None:
    assert compact(fields.parse(kind, text)) == expected


def test_golden_has_one_entry_per_string() -> None:
    for kind, entries in GOLDEN.items():
        texts = [e["text"] for e in entries]
        assert len(texts) == len(set(texts)), kind


# Header cells of the four seed tables → parse kind (the tables' own wording, as in the seeds).
_SEED_HEADERS = {
    "抽查数量": "quota",
    "抽查数量 比例/数量": "quota",
    "抽查比例/数量": "quota",
    "抽查比例及频次": "quota",
    "信用风险管理": "risk",
    "信用风险管理 分类管理": "risk",
    "信用风险分类管理": "risk",
    "智慧监管(信用风险分类)要求": "risk",
    "智慧监管（信用风险分类）要求": "risk",
    "抽查检查起止时间": "window",
    "抽查检查 起止时间": "window",
    "抽查起止时间": "window",
    "抽查检查模式": "mode",
    "抽查检查 模式": "mode",
}


def _seed_cells() -> set[tuple[str, str]]:
    cells: set[tuple[str, str]] = set()
    for path in sorted(SEEDS.glob("*.txt")):
        header: list[str | None] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if "\t" not in line:
                continue
            row = line.split("\t")
            if row[0] in ("序号", "地市"):
                header = [_SEED_HEADERS.get(c.strip()) for c in row]
                continue
            cells.update((kind, cell) for kind, cell in zip(header, row) if kind and cell.strip())
    return cells


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not available")
def test_golden_covers_every_seed_table_cell() -> None:
    cells = _seed_cells()
    assert len(cells) > 60  # the four tables were found
    golden = {(kind, e["text"]) for kind, entries in GOLDEN.items() for e in entries}
    assert sorted(cells - golden) == []


ROUND_TRIP = [
    (k, t) for k, t, expected in CASES if "error" not in expected and k not in ("title", "risk")
] + [("risk", t) for k, t, e in CASES if k == "risk" and e.get("tiers") and not e.get("truncated")]


@pytest.mark.parametrize(("kind", "text"), ROUND_TRIP, ids=[f"{k}:{t[:20]}" for k, t in ROUND_TRIP])
def test_golden_values_round_trip_through_canonical(kind: str, text: str) -> None:
    value = fields.parse(kind, text)
    assert fields.parse(kind, value.canonical()) == value


def test_canonical_texts() -> None:
    assert fields.parse("quota", "不低于5%/一年一次").canonical() == "不低于5%；1次/年"
    assert fields.parse("quota", "5% (10户)/一年一次").canonical() == "5%（10户）；1次/年"
    assert fields.parse("window", "7至11月").canonical() == "7月—11月"
    assert fields.parse("window", "2024年4月至9月").canonical() == "2024年4月—9月"
    assert fields.parse("mode", "市抽县(区)查").canonical() == "市抽县查"
    standard = fields.parse("risk", STANDARD_RISK_CLAUSE)
    assert standard.canonical() == STANDARD_RISK_CLAUSE
    assert RiskClause(True).canonical() == STANDARD_RISK_CLAUSE  # untiered → what a fix writes


def test_risk_clause_of_jincheng_task_5_keeps_repeats_in_order() -> None:
    text = (
        "对信用风险等级为D级的食品生产经营者,原则上每年至少监督抽查1次;对B级风险的食品生产经营者,"
        "原则上每年至少监督抽查2~3次;对C级风险的食品生产经营者,原则上每年至少监督抽查1~2次;"
        "对A级风险的食品生产经营者,原则上每年至少监督抽查2~3次;对D级风险的食品生产经营者,原则上每年至少监督抽查3~4次。"
    )
    clause = fields.parse("risk", text)
    assert [s.tier for s in clause.specs] == ["D", "B", "C", "A", "D"]
    per_year = {s.tier: s.frequency.per_year()[0] for s in clause.specs[:4]}
    assert per_year["A"] > per_year["C"]  # the contradiction the rules flag
    assert clause.specs[0].frequency != clause.specs[4].frequency
    assert clause.tiered and not clause.escalates and not clause.truncated


def test_impossible_values_contract() -> None:
    assert isinstance(fields.parse("window", "13月"), ParseError)
    assert isinstance(fields.parse("window", "4月31日"), ParseError)
    reversed_window = fields.parse("window", "11月—3月")
    assert isinstance(reversed_window, Window) and reversed_window.is_reversed()
    assert not fields.parse("window", "3月—11月").is_reversed()
    for text in ("0%", "120%", "20-10%"):
        quota = fields.parse("quota", text)
        assert not quota.ratio.in_range(), text
    assert fields.parse("quota", "100%").ratio.in_range()
    assert Ratio(Decimal("0.5")).in_range()


def test_error_offset_points_into_the_original_text() -> None:
    text = "３月 —— １３月"
    err = fields.parse("window", text)
    assert isinstance(err, ParseError)
    assert text[err.offset] == "１"
    assert err.caret().splitlines()[1] == " " * err.offset + "^"
    end = fields.parse("mode", "市抽县  ")
    assert end.offset <= len("市抽县  ")


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\u3000"])
def test_blank_is_none(text: str) -> None:
    assert fields.parse("quota", text) is None


def test_junk_never_raises() -> None:
    for text in ("\x00\x01", "(" * 3000, "%" * 10, "5" * 5000, "至至至", "——", "ｘ", "🙂"):
        for kind in fields.KINDS:
            result = fields.parse(kind, text)
            assert result is None or isinstance(result, (ParseError, *_VALUE_TYPES)), (kind, text)
    assert fields.parse("quota", 5) == fields.parse("quota", "5")  # non-str cells are stringified


_VALUE_TYPES = tuple(
    type(fields.parse(k, t))
    for k, t in [
        ("quota", "5%"),
        ("frequency", "1次/年"),
        ("window", "3月-4月"),
        ("mode", "市抽市查"),
        ("risk", "无"),
        ("title", "x"),
    ]
)


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        fields.parse("colour", "5%")


def test_results_are_memoized() -> None:
    assert fields.parse("quota", "不低于7%；1次/年") is fields.parse("quota", "不低于7%；1次/年")


def test_field_kinds() -> None:
    assert fields.FIELD_KINDS == {
        "quota": "quota",
        "ratio": "quota",
        "count": "count",
        "base": "count",
        "target": "count",
        "frequency": "frequency",
        "window": "window",
        "mode": "mode",
        "risk": "risk",
    }


def test_normalize() -> None:
    assert fields.normalize("５％以上；１次／年") == "5%以上;1次/年"
    assert fields.normalize("3月 ～ 11月") == "3月-11月"
    assert fields.normalize("2月至11月，至少") == "2月-11月,至少"
    assert fields.normalize("5 10") == "5 10"
    assert fields.normalize("抽查比例為3%，10戶") == "抽查比例为3%,10户"
    norm, offsets = fields.normalize_with_offsets("3月 —— 4月")
    assert norm == "3月-4月" and offsets == [0, 1, 3, 6, 7, 8]


def test_title_levels_and_kinds() -> None:
    title = fields.parse("title", "泽州县市场监督管理局2023年度内部双随机抽查工作计划")
    assert title == PlanTitle(
        "泽州县市场监督管理局2023年度内部双随机抽查工作计划",
        "泽州县市场监督管理局",
        "泽州县",
        "county",
        "internal",
        2023,
    )
    assert fields.parse("title", "原平市 2024 年市场监管领域部门联合双随机抽查工作计划").kind == "joint"


def test_grammar_ships_in_the_installed_package() -> None:
    resource = files("planlint.bundled.grammar") / "fields.lark"
    assert resource.is_file()
    text = resource.read_text(encoding="utf-8")
    for start in fields.KINDS:
        assert f"\n{start}:" in text or text.startswith(f"{start}:")
    assert fields._parser().options.start == list(fields.KINDS)


def test_date_point_as_date() -> None:
    window = fields.parse("window", "2月—2月")
    assert window.end_date(2024).day == 29 and window.end_date(2023).day == 28
    assert DatePoint(4).as_date(2025, end=False).day == 1


# ---------------------------------------------------------------------------------- CLI


def test_parse_command_prints_json() -> None:
    result = CliRunner().invoke(parse_command, ["quota", "不低于5%/一年一次"])
    assert result.exit_code == 0
    payload = json.loads(result.output)
    assert payload["value"]["ratio"]["low"] == "5"
    assert payload["value"]["canonical"] == "不低于5%；1次/年"


def test_parse_command_error_has_caret_and_exit_1() -> None:
    result = CliRunner().invoke(parse_command, ["window", "3月—13月", "3月—4月"])
    assert result.exit_code == 1
    assert "月份应在1—12之间" in result.stderr
    caret_line = result.stderr.splitlines()[2]
    assert caret_line == " " * (2 + 4) + "^"  # 3月— takes 4 columns (— is ambiguous-width: 1)
    payload = json.loads(result.stdout)
    assert [p["value"]["type"] for p in payload] == ["ParseError", "Window"]


def test_parse_command_reads_a_completion_column_as_deadlines() -> None:
    """`deadline` is the kind a 完成时限 column parses as: one date there ends the task."""
    result = CliRunner().invoke(parse_command, ["deadline", "10月底", "11月中旬", "年底前", "3月-11月"])
    assert result.exit_code == 0, result.output
    got = {p["text"]: p["value"] for p in json.loads(result.stdout)}
    assert {t: (v["deadline_only"], v["start"]["month"], v["end"]["month"]) for t, v in got.items()} == {
        "10月底": (True, 1, 10),
        "11月中旬": (True, 1, 11),
        "年底前": (True, 1, 12),
        "3月-11月": (False, 3, 11),
    }
    # the same text as a window is the month it runs in
    window = json.loads(CliRunner().invoke(parse_command, ["window", "11月中旬"]).stdout)["value"]
    assert (window["deadline_only"], window["start"]["month"]) == (False, 11)
    assert "deadline" in CliRunner().invoke(parse_command, ["--help"]).output


# ---- wording families of real plans from other places (issue 14)

REALPLANS = REPO.parent / "shared" / "realplans"


def _realplan_cells(header_words: dict[str, str]) -> list[tuple[str, str, str]]:
    """(file, kind, cell) for the columns of the realplans TSVs whose header names one of the words,
    skipping files whose transcription ran cells together (`# cell-splitting:`): their quota cells
    were cut mid-word by the mirror, and a finding on them is fair."""
    out = []
    for path in sorted(REALPLANS.glob("*.tsv")):
        lines = path.read_text(encoding="utf-8").splitlines()
        if any(line.startswith("# cell-splitting:") for line in lines):
            continue
        rows = [line.split("\t") for line in lines if not line.startswith("#")]
        kinds = []
        for header in rows[0]:
            plain = fields.normalize(header.replace("\\n", ""))
            kinds.append(next((k for w, k in header_words.items() if w in plain), None))
        for row in rows[1:]:
            out += [(path.name, k, cell) for k, cell in zip(kinds, row) if k and cell.strip()]
    return out


@pytest.mark.skipif(not REALPLANS.is_dir(), reason="shared/realplans not available")
def test_realplan_quota_cells_all_read() -> None:
    """Every ratio, frequency, count and base cell of the real plans reads: typed, or prose marked for
    review; none is unreadable (上高 =1 / >=1 and 户 counts, 池州 基數和比例, 旺苍 bare 户数, 亳州 prose)."""
    cells = _realplan_cells(
        {"频次": "frequency", "比例": "quota", "基数": "quota", "户数": "count", "数量": "count"}
    )
    assert len(cells) > 40
    unread = [
        (name, kind, cell) for name, kind, cell in cells if isinstance(fields.parse(kind, cell), ParseError)
    ]
    assert unread == []
    reviewed = {name for name, kind, cell in cells if getattr(fields.parse(kind, cell), "review", None)}
    assert reviewed == {"010_亳州市_2024.tsv"}


@pytest.mark.skipif(not REALPLANS.is_dir(), reason="shared/realplans not available")
def test_realplan_level_cells_read_as_modes() -> None:
    cells = _realplan_cells({"层级": "mode"})
    values = {cell: fields.parse(kind, cell) for _, kind, cell in cells}
    assert {c: [p.canonical() for p in m.pairs] for c, m in values.items()} == {
        "区级发起,区级检查": ["县抽县查"],
        "市级发起,下派区级检查": ["市抽县查"],
        # a traditional-script mirror's level cells, folded with OpenCC's table (H-7)
        "縣": ["县级"],
        "縣(市、區)級市場監管部門": ["县级"],
    }


def test_bare_comparison_is_a_frequency_only_in_a_frequency_column() -> None:
    """`≥20` without a unit: in a frequency column 20 times (marked non-standard), in a count column
    20 targets, in a combined quota cell unreadable (20%? 20户? 20次?)."""
    freq = fields.parse("frequency", "≥20")
    assert (freq.times_low, freq.bound, freq.notation) == (20, "at_least", "comparison")
    assert fields.parse("count", "≥20").count.canonical() == "不少于20"
    err = fields.parse("quota", "≥20")
    assert isinstance(err, ParseError) and "单位" in err.hint


def test_comparison_notation_takes_no_part_in_equality() -> None:
    """`=1` means what `抽查1次` means: equal values, so diff and cross-plan rules see no change."""
    assert fields.parse("frequency", "=1") == fields.parse("frequency", "抽查1次")
    assert fields.parse("frequency", "=1").notation == "comparison"


def test_quota_parts_in_any_order_give_one_value() -> None:
    a = fields.parse("quota", "抽查基数40065户，抽查比例不低于3%；1次/年")
    b = fields.parse("quota", "1次/年，抽查比例不低于3%，基数40065户")
    assert a == b
    assert (a.base.low, a.ratio.low, a.frequency.times_low) == (40065, Decimal(3), 1)


def test_per_class_parts_belong_to_the_class_named_before_them() -> None:
    q = fields.parse("quota", "5%；A类企业3%；B、C类企业10%（约20户）；D类100%，2次/年")
    assert q.ratio == Ratio(Decimal(5))
    assert [(t.tier, str(t.ratio.low)) for t in q.tiers] == [
        ("A", "3"),
        ("B", "10"),
        ("C", "10"),
        ("D", "100"),
    ]
    assert q.tiers[1].count.canonical() == "约20户"
    assert q.tiers[3].frequency.canonical() == "2次/年"
    assert [str(r.low) for r in q.ratios()] == ["5", "3", "10", "10", "100"]


def test_floor_and_ceiling_make_a_range_but_two_plain_ratios_do_not() -> None:
    assert fields.parse("quota", "不低于10%，不高于30%").ratio == Ratio(Decimal(10), Decimal(30), "range")
    assert isinstance(fields.parse("quota", "不低于10%，不低于30%"), ParseError)
    assert isinstance(fields.parse("quota", "5%、8%"), ParseError)


def test_prose_needs_review_but_a_slip_stays_unreadable() -> None:
    for text in ("由各县（市、区）结合工作实际确定", "视情况抽查", "登记科10户、网监科5户，共15户"):
        q = fields.parse("quota", text)
        assert q.review and q.note == text, text
    for text in ("适量抽查", "5%x", "百分之"):  # 百分之五 is 5% (test_fields_spelled)
        assert isinstance(fields.parse("quota", text), ParseError), text


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("第一季度", (1, 3)),
        ("二季度", (4, 6)),
        ("第三、四季度", (7, 12)),
        ("上半年", (1, 6)),
        ("下半年", (7, 12)),
        ("前三季度", (1, 9)),
        ("第二季度前", (1, 6)),
        ("2025年第二至第三季度", (4, 9)),
        ("年底前", (1, 12)),
    ],
)
def test_windows_by_quarter_and_half_year(text: str, months: tuple[int, int]) -> None:
    window = fields.parse("window", text)
    assert (window.start.month, window.end.month) == months
    assert window.end_date(2025).day in (30, 31)


def test_level_only_modes_say_who_inspects() -> None:
    for text, level in [
        ("县", "county"),
        ("县（区）级市场监管部门", "county"),
        ("縣(市、區)級市場監管部門", "county"),
        ("市级", "city"),
        ("区级市场监督管理局", "county"),
    ]:
        assert fields.parse("mode", text).pairs == (ModePair(None, level),), text
    assert fields.parse("mode", "市局组织、县局实施").pairs == (ModePair("city", "county"),)
    assert fields.parse("mode", "组织：市 实施：县").pairs == (ModePair("city", "county"),)


def _task(row: dict[str, str], extra: dict[str, str]):
    from planlint.casefile import build_case_plan

    return build_case_plan([row], {"extra_columns": extra}, "t").tasks[0]


def test_task_quota_assembles_split_columns_and_says_where_each_part_came_from() -> None:
    from planlint.rules.primitives.quota import quota_text, task_quota

    task = _task(
        {"quota": "", "ratio": "不低于3%", "count": "20", "frequency": ">=1", "base": "约4万户"},
        {"ratio": "抽查比例", "count": "抽查户数", "frequency": "抽查频次", "base": "抽查基数"},
    )
    whole = task_quota(task)
    assert whole.quota.canonical() == "抽查基数约40000户，不低于3%（20）；不少于1次"
    assert whole.sources == {"ratio": "ratio", "count": "count", "frequency": "frequency", "base": "base"}
    assert quota_text(task) == "不低于3%；20；约4万户；>=1"


def test_task_quota_prefers_the_combined_cell_and_keeps_prose_for_review() -> None:
    from planlint.rules.primitives.quota import task_quota

    both = task_quota(_task({"quota": "5%；1次/年", "ratio": "8%"}, {"ratio": "抽查比例"}))
    assert (both.quota.ratio.low, both.sources["ratio"], both.sources["frequency"]) == (5, "quota", "quota")
    prose = task_quota(_task({"quota": "各县根据实际情况确定"}, {}))
    assert prose.quota.review and prose.quota.note == "各县根据实际情况确定"
    assert task_quota(_task({"quota": "适量抽查"}, {})) is None


def test_cross_plan_quota_rule_reads_a_split_ratio_column(tmp_path) -> None:
    """quota-below-superior compares the county's 抽查比例 column with the city's combined cell, and
    reports on the column the ratio came from (L: the extra 抽查比例 column)."""
    from planlint.commands.rules_cmd import test_rules

    (tmp_path / "split.yaml").write_text(
        """cases:
  - rule: quota-below-superior
    superior:
      plan: {level: city, place: 示范市}
      rows: [{name: 对直销企业的双随机抽查, quota: 不低于30%, initiator: 市局组织发起, mode: 市抽县查}]
    extra_columns: {ratio: 抽查比例}
    pass: [{name: 对直销企业的双随机抽查, quota: "", ratio: 30%}]
    fail:
      - row: {name: 对直销企业的双随机抽查, quota: "", ratio: 10%}
        expect: [L2]
""",
        encoding="utf-8",
    )
    result = CliRunner().invoke(test_rules, [str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "2 passed, 0 failed" in result.output


@pytest.mark.parametrize("text", ["/", "／", "—", "-", "无", "暂无"])
def test_placeholder_in_a_quota_column_is_an_empty_cell(text: str) -> None:
    """A split 抽查数量 column holding "/" beside a 抽查比例 says nothing: not an unreadable quota."""
    for kind in ("quota", "count", "frequency"):
        assert fields.parse(kind, text) is None
    assert isinstance(fields.parse("window", text), ParseError)  # a window has no placeholder
