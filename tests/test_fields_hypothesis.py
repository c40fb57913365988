"""Property tests of the field grammar: arbitrary text never raises, normalization keeps its offset
map, and generated valid values round-trip value → canonical() → parse → the same value."""

from __future__ import annotations

import calendar
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planlint import fields
from planlint.values import (
    ABOUT,
    AT_LEAST,
    AT_MOST,
    EXACT,
    RANGE,
    TIERS,
    Count,
    DatePoint,
    Frequency,
    Mode,
    ModePair,
    ParseError,
    PlanTitle,
    Quota,
    Ratio,
    RiskClause,
    TierSpec,
    Window,
)

VALUE_TYPES = (Quota, Frequency, Window, Mode, RiskClause, PlanTitle)
# Characters the grammar reacts to, so generated junk reaches deep parser states.
GRAMMAR_ALPHABET = (
    "0123456789.%％;；,，/、：:()（）-—~～至年月日号次户家每季度半"
    "不低于以上约抽查市县省区级发起第一二批前全ABCD类风险高较守信递加"
)
KINDS = st.sampled_from(fields.KINDS)
# 100 examples a property keeps the whole suite near a minute; benchmarks/fuzz_pipeline.py puts
# 100,000+ generated cells and files through the parser.
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_result(kind: str, text: str) -> None:
    result = fields.parse(kind, text)
    if result is None:
        assert fields.is_blank(kind, text)
    elif isinstance(result, ParseError):
        assert 0 <= result.offset <= len(text)
        assert result.hint and result.kind == kind and result.text == text
    else:
        assert isinstance(result, VALUE_TYPES)


@SETTINGS
@given(KINDS, st.text())
def test_arbitrary_text_never_raises(kind: str, text: str) -> None:
    _check_result(kind, text)


@SETTINGS
@given(KINDS, st.text(alphabet=GRAMMAR_ALPHABET, max_size=30))
def test_grammar_shaped_junk_never_raises(kind: str, text: str) -> None:
    _check_result(kind, text)


@SETTINGS
@given(st.text(alphabet=GRAMMAR_ALPHABET + " \u3000\n\u200b為戶", max_size=30) | st.text())
def test_normalize_offsets_agree_with_normalize(text: str) -> None:
    norm, offsets = fields.normalize_with_offsets(text)
    assert norm == fields.normalize(text)
    assert len(offsets) == len(norm) + 1 and offsets[-1] == len(text)
    assert offsets == sorted(offsets)


# ---------------------------------------------------------------------------------- values

PERCENTS = st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False)
UNITS = st.sampled_from(["户", "家", "个", "件", "台", "所", "批次", "人", "单位"])
PERIODS = st.sampled_from(["year", "half-year", "quarter", "month", None])
NOTE = st.text(alphabet="以实际工作抽查数为准各地情况另行安排", min_size=1, max_size=10)


@st.composite
def ratios(draw) -> Ratio:
    low = draw(PERCENTS)
    bound = draw(st.sampled_from([EXACT, AT_LEAST, AT_MOST, ABOUT, RANGE]))
    if bound == RANGE:
        return Ratio(low, draw(PERCENTS), RANGE)
    return Ratio(low, None, bound)


@st.composite
def counts(draw) -> Count:
    low = draw(st.integers(0, 500))
    bound = draw(st.sampled_from([EXACT, AT_LEAST, AT_MOST, ABOUT, RANGE]))
    unit = draw(UNITS)
    if bound == RANGE:
        return Count(low, draw(st.integers(0, 500)), RANGE, unit)
    return Count(low, None, bound, unit)


@st.composite
def frequencies(draw) -> Frequency:
    low = draw(st.integers(1, 20))
    high = draw(st.none() | st.integers(low + 1, 30))
    return Frequency(low, high, draw(PERIODS), draw(st.sampled_from([EXACT, AT_LEAST, AT_MOST])))


@st.composite
def quota_tiers(draw) -> tuple[TierSpec, ...]:
    """Per-class numbers as a quota cell writes them (A类3%；B类40%（13户））, in tier order."""
    tiers = sorted(draw(st.sets(st.sampled_from(TIERS), max_size=4)))
    return tuple(draw(tier_specs((tier,))) for tier in tiers)


@st.composite
def quotas(draw) -> Quota:
    ratio = draw(st.none() | ratios())
    count = draw(st.none() | counts())
    frequency = draw(st.none() | frequencies())
    base = draw(st.none() | counts().filter(lambda c: c.bound != RANGE))
    tiers = draw(quota_tiers())
    if ratio is None and count is None and frequency is None and not tiers:
        ratio = draw(ratios())
    note = draw(st.none() | NOTE) if (ratio or count) else None
    return Quota(ratio, count, frequency, note, base, tiers)


@st.composite
def count_cells(draw) -> Quota:
    """A count column's cell: a bare number (the header carries the unit), or any quota."""
    if draw(st.booleans()):
        bound = draw(st.sampled_from([EXACT, AT_LEAST, AT_MOST, ABOUT]))
        return Quota(count=Count(draw(st.integers(0, 10**6)), None, bound, ""))
    return draw(quotas())


@st.composite
def date_points(draw, year: int | None) -> DatePoint:
    month = draw(st.integers(1, 12))
    last = calendar.monthrange(year or 2000, month)[1]
    return DatePoint(month, draw(st.none() | st.integers(1, last)), year)


@st.composite
def plain_windows(draw) -> Window:
    """A span, a single point, a deadline or the whole year; no batches."""
    form = draw(st.sampled_from(["span", "point", "deadline", "whole"]))
    year = draw(st.none() | st.integers(2000, 2030))
    if form == "whole":
        return Window(DatePoint(1), DatePoint(12), whole_year=True)
    end = draw(date_points(year))
    if form == "deadline":
        return Window(DatePoint(1, None, year), end, deadline_only=True)
    if form == "point":
        return Window(end, end)
    start = draw(date_points(year))
    if year is not None and draw(st.booleans()):  # a span across years names both
        end = draw(date_points(year + 1))
    return Window(start, end)


@st.composite
def named_windows(draw) -> Window:
    """By quarter or half-year (第二季度, 第一、二季度, 上半年), optionally of a year and as a deadline."""
    year = draw(st.none() | st.integers(2000, 2030))
    before = draw(st.booleans())
    if draw(st.booleans()):
        first = draw(st.booleans())
        start, end, label = (1, 6, "上半年") if first else (7, 12, "下半年")
    else:
        a = draw(st.integers(1, 4))
        b = draw(st.integers(a, 4))
        start, end, label = (
            a * 3 - 2,
            b * 3,
            "第" + "、".join("一二三四"[q - 1] for q in range(a, b + 1)) + "季度",
        )
    return Window(
        DatePoint(1 if before else start, None, year),
        DatePoint(end, None, year),
        deadline_only=before,
        label=label,
    )


@st.composite
def windows(draw) -> Window:
    qualifier = draw(st.none() | NOTE)
    if draw(st.integers(0, 4)) == 0:
        named = draw(named_windows())
        return Window(
            named.start, named.end, qualifier=qualifier, deadline_only=named.deadline_only, label=named.label
        )
    if draw(st.booleans()):
        batches = tuple(
            w for w in draw(st.lists(plain_windows(), min_size=2, max_size=4)) if not w.whole_year
        ) or (Window(DatePoint(3), DatePoint(5)), Window(DatePoint(6), DatePoint(9)))
        return Window(batches[0].start, batches[-1].end, batches=batches, qualifier=qualifier)
    window = draw(plain_windows())
    return Window(
        window.start,
        window.end,
        qualifier=qualifier,
        whole_year=window.whole_year,
        deadline_only=window.deadline_only,
    )


LEVELS = st.sampled_from(["province", "city", "county"])
# A pair without a selecting level is a level-only cell (县, 县（区）级市场监管部门).
modes = st.lists(st.builds(ModePair, st.none() | LEVELS, LEVELS), min_size=1, max_size=3, unique=True).map(
    lambda pairs: Mode(tuple(pairs))
)


@st.composite
def tier_specs(draw, tiers: tuple[str, ...]) -> TierSpec:
    spec = TierSpec(
        draw(st.sampled_from(tiers)),
        draw(st.none() | ratios()),
        draw(st.none() | frequencies()),
        draw(st.none() | counts()),
    )
    if spec.ratio is None and spec.frequency is None and spec.count is None:
        spec = TierSpec(spec.tier, draw(ratios()))
    return spec


@st.composite
def risk_clauses(draw) -> RiskClause:
    if draw(st.integers(0, 9)) == 0:
        return RiskClause(True, exemptions=("all",))
    tiers = tuple(draw(st.permutations(TIERS))[: draw(st.integers(1, 4))])
    specs = tuple(draw(st.lists(tier_specs(tiers), max_size=5)))
    exemptions = tuple(t for t in tiers if draw(st.booleans()) and t == "A")
    return RiskClause(True, tiers, draw(st.booleans()), specs, exemptions)


def _round_trip(kind: str, value: object) -> None:
    text = value.canonical()
    assert fields.parse(kind, text) == value, text


@SETTINGS
@given(quotas())
def test_quota_round_trips(value: Quota) -> None:
    _round_trip("quota", value)


@SETTINGS
@given(count_cells())
def test_count_cell_round_trips(value: Quota) -> None:
    _round_trip("count", value)


@SETTINGS
@given(frequencies())
def test_frequency_round_trips(value: Frequency) -> None:
    _round_trip("frequency", value)


@SETTINGS
@given(windows())
def test_window_round_trips(value: Window) -> None:
    _round_trip("window", value)


@SETTINGS
@given(modes)
def test_mode_round_trips(value: Mode) -> None:
    _round_trip("mode", value)


@SETTINGS
@given(risk_clauses())
def test_risk_clause_round_trips(value: RiskClause) -> None:
    _round_trip("risk", value)


def test_decimal_percent_keeps_its_value() -> None:
    assert fields.parse("quota", Quota(Ratio(Decimal("2.50"))).canonical()).ratio.low == Decimal("2.5")
