"""Typed values of the plans' free-text cells (what the field grammar produces).

Values carry semantics, not text: a ratio is a Decimal percent with its bound, a window is a pair of
month/day points, a mode is a set of (selecting level, inspecting level) pairs. Each value renders
back to canonical text with `canonical()`, which the fixes use.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

# Bounds of a ratio, count or frequency.
AT_LEAST = "at_least"  # 不低于 / 以上 / 不少于 / >=
EXACT = "exact"
AT_MOST = "at_most"  # 不高于 / 以下 / 不超过
ABOUT = "about"  # 约
RANGE = "range"  # 10-20% (low..high)

# Risk tiers, lowest risk first. The 2021 vocabulary maps onto the same tiers.
TIERS = ("A", "B", "C", "D")
TIER_NAMES = {
    "A": "低风险",
    "B": "一般风险",
    "C": "较高风险",
    "D": "高风险",
    "L": "低风险",
    "M": "中风险",
    "H": "高风险",
    "ML": "中低风险",
    "MH": "中高风险",
}
# A clause's tier scheme, lowest risk first: the national four tiers (A 低 … D 高, 市场监管总局 2022), three
# tiers a plan may set for itself (低 / 中 / 高风险: other departments' and local schemes), and 上海's five
# (A类 … E类, E the highest); 河南's five words (低 / 中低 / 中 / 中高 / 高风险) are `graded`.
TIER_SCHEMES = {
    "four": TIERS,
    "three": ("L", "M", "H"),
    "five": ("A", "B", "C", "D", "E"),
    "graded": ("L", "ML", "M", "MH", "H"),
}


def tier_name(tier: str, scheme: str = "four") -> str:
    """低风险 … 高风险 in the four- and three-tier schemes; the letter with 类 in the five-tier one."""
    return f"{tier}类" if scheme == "five" or tier not in TIER_NAMES else TIER_NAMES[tier]


# Levels of government for modes and plan metadata.
# township: a 乡 / 镇 / 街道 body or a county bureau's 市场监管所, below the county (planlint.places)
LEVEL_CHARS = {"province": "省", "city": "市", "county": "县", "township": "乡"}
LEVEL_RANKS = {"township": 0, "county": 1, "city": 2, "province": 3}
# Levels a mode names relative to the plan that writes it (本级 · 自抽自查 · 上级 · 下级, 上抽下查).
OWN, UPPER, LOWER = "own", "upper", "lower"
RELATIVE_NAMES = {OWN: "本级", UPPER: "上级", LOWER: "下级"}
# How a task is run where a mode cell says so besides (or instead of) the levels (fields: STYLE).
MODE_STYLES = {
    "joint": "联合抽查",
    "linked": "上下联动",
    "delegated": "委托检查",
    "cross": "交叉检查",
    "integrated": "抽查检查一体",
}


def resolve_level(word: str, own: str) -> str | None:
    """A mode's level word (absolute, or OWN / UPPER / LOWER) as an absolute level for a plan of
    level `own`. 下级 of a county is the county's own 市场监管所 (still the county level, as a county's
    mode means it); a township's own plan is the township level, its 上级 the county; 上级 of a
    province is beyond any plan (None)."""
    if word not in RELATIVE_NAMES:
        return word
    rank = LEVEL_RANKS[own] + {OWN: 0, UPPER: 1, LOWER: -1}[word]
    rank = max(rank, min(LEVEL_RANKS[own], 1))
    return next((level for level, r in LEVEL_RANKS.items() if r == rank), None)


# Frequency periods and how many of each fit in a year.
PERIODS_PER_YEAR = {"year": 1, "half-year": 2, "quarter": 4, "month": 12}
PERIOD_NAMES = {"year": "年", "half-year": "半年", "quarter": "季度", "month": "月"}

# The clause every task should carry (晋城 四, 原平 二); what a fix writes into an empty or cut-off cell.
STANDARD_RISK_CLAUSE = "根据企业信用风险分类结果，对低风险、一般风险、较高风险、高风险企业分别递加比例抽查"

_CN_ORDINALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


def days_in_month(year: int, month: int) -> int:
    """calendar.monthrange(year, month)[1], without importing calendar (and locale) at start-up."""
    following = _dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - _dt.timedelta(days=1)).day


def _num(d: Decimal) -> str:
    """Decimal → shortest plain text: 5 → '5', 0.50 → '0.5'."""
    text = format(d.normalize(), "f")
    return text


@dataclass(frozen=True, slots=True)
class Ratio:
    """A share of targets in percent: `low` (and `high` for a range) with its bound."""

    low: Decimal
    high: Decimal | None = None
    bound: str = EXACT

    def canonical(self) -> str:
        if self.bound == RANGE and self.high is not None:
            return f"{_num(self.low)}%-{_num(self.high)}%"
        prefix = {AT_LEAST: "不低于", AT_MOST: "不高于", ABOUT: "约"}.get(self.bound, "")
        return f"{prefix}{_num(self.low)}%"

    @property
    def floor(self) -> Decimal:
        """The least share this ratio promises (for comparisons between tiers and plans)."""
        return self.low

    def in_range(self) -> bool:
        """A possible share: above 0% and at most 100% (and low ≤ high for a range).
        The parser keeps impossible ratios so the rules can report `quota-out-of-range`."""
        if not Decimal(0) < self.low <= Decimal(100):
            return False
        return self.high is None or self.low <= self.high <= Decimal(100)


@dataclass(frozen=True, slots=True)
class Count:
    """A number of targets (`60-70家`, `7户`, `1.5万户` = 15000). `unit` is empty for a bare number in a
    column whose header carries the unit (抽查户数（户）: 20)."""

    low: int
    high: int | None = None
    bound: str = EXACT
    unit: str = "户"

    def canonical(self) -> str:
        if self.bound == RANGE and self.high is not None:
            return f"{self.low}-{self.high}{self.unit}"
        prefix = {AT_LEAST: "不少于", AT_MOST: "不超过", ABOUT: "约"}.get(self.bound, "")
        return f"{prefix}{self.low}{self.unit}"


@dataclass(frozen=True, slots=True)
class Frequency:
    """How often: `times_low` (..`times_high`) times per `period` (year | half-year | quarter |
    month), or per task when `period` is None (`抽查1次`)."""

    times_low: int
    times_high: int | None = None
    period: str | None = "year"
    bound: str = EXACT
    # "comparison" for `=1` / `>=1` (a comparison sign where 1次/年 belongs): read, but not standard.
    # How it was written, not what it means, so it takes no part in equality.
    notation: str | None = field(default=None, compare=False)
    # 上限:2次/年/单位 — the most inspections of one object the plan allows (国办发〔2024〕54号)
    cap: Frequency | None = None

    def per_year(self) -> tuple[Decimal, Decimal]:
        """(low, high) inspections per year; a period-less frequency counts as per year."""
        n = Decimal(PERIODS_PER_YEAR.get(self.period or "year", 1))
        high = self.times_high if self.times_high is not None else self.times_low
        return Decimal(self.times_low) * n, Decimal(high) * n

    def canonical(self) -> str:
        times = str(self.times_low)
        if self.times_high is not None and self.times_high != self.times_low:
            times = f"{self.times_low}~{self.times_high}"
        prefix = {AT_LEAST: "不少于", AT_MOST: "不超过"}.get(self.bound, "")
        cap = f"，上限{self.cap.canonical()}" if self.cap is not None else ""
        if self.period is None:
            return (f"{prefix}{times}次" if prefix else f"抽查{times}次") + cap
        return f"{prefix}{times}次/{PERIOD_NAMES[self.period]}{cap}"


@dataclass(frozen=True, slots=True)
class Quota:
    """抽查比例/数量/频次 from one cell or from a task's split columns: any of ratio, count, frequency
    and base (抽查基数), per-tier numbers (`A类3%；B类5%`), and a trailing note.

    `review` is set (a Chinese reason) when the text is prose a person has to check — numbers left to
    others (各市根据实际情况确定) or stated in sentences; `note` then holds the text as written.

    `by_kind` holds a ratio per kind of object (企业5%，个体工商户1% · 农民专业合作社和个体工商户比例分别为3%和1%):
    the task draws each kind at its own ratio, and `ratio` stays None unless the cell also states one for
    the whole task. How the rules read it (`least_ratio`): a minimum (a superior plan's ratio, a coverage
    floor) is met only when every kind's ratio meets it, so the rules compare the lowest kind's ratio —
    the share the task promises for any object it draws; each kind's ratio must itself be a possible
    share (`ratios`); base × ratio = target is not checked, since the base counts every kind together
    and the cell does not say how many objects of each kind there are."""

    ratio: Ratio | None = None
    count: Count | None = None
    frequency: Frequency | None = None
    note: str | None = None
    base: Count | None = None
    tiers: tuple[TierSpec, ...] = ()
    review: str | None = None
    # 市级2% 区级10%: a ratio per level (province | city | county); the plan's own level's is `ratio`
    # once the plan is built (`at_level`)
    by_level: tuple[tuple[str, Ratio], ...] = ()
    # 企业5%，个体工商户1%: a ratio per kind of object, in the order written (see above)
    by_kind: tuple[tuple[str, Ratio], ...] = ()

    def at_level(self, own: str | None) -> Quota:
        """This quota in a plan of level `own`: its ratio is that level's where it states one per level
        (a township's, which no quota names, is its county's: its stations carry the county's ratio)."""
        if not self.by_level or (self.ratio is not None and self.ratio not in dict(self.by_level).values()):
            return self
        ratios = dict(self.by_level)
        if own == "township" and own not in ratios:
            own = "county"
        return replace(self, ratio=ratios.get(own or ""))

    def ratios(self) -> list[Ratio]:
        """Every ratio the quota states: its own and each tier's."""
        own = [self.ratio] if self.ratio is not None else []
        return own + [r for _, r in self.by_kind] + [t.ratio for t in self.tiers if t.ratio is not None]

    @property
    def least_ratio(self) -> Ratio | None:
        """The ratio the task promises for every object it draws: its own, else the lowest of its
        per-kind ratios (a minimum is met when every kind's ratio meets it, i.e. when the lowest does)."""
        if self.ratio is not None or not self.by_kind:
            return self.ratio
        return min((r for _, r in self.by_kind), key=lambda r: r.floor)

    def canonical(self) -> str:
        if self.review is not None:
            return self.note or ""
        head = ""
        if self.ratio is not None:
            head = self.ratio.canonical()
            if self.count is not None:
                head += f"（{self.count.canonical()}）"
        elif self.count is not None:
            head = self.count.canonical()
        if self.by_kind:  # 企业5%；个体工商户1%
            kinds = "；".join(f"{kind}{ratio.canonical()}" for kind, ratio in self.by_kind)
            head = f"{head}；{kinds}" if head else kinds
        if self.note:
            head += f"（{self.note}）"
        if self.base is not None:
            head = f"抽查基数{self.base.canonical()}" + (f"，{head}" if head else "")
        if self.by_level:  # 市级2%；县级10%, whichever the plan's own is
            head = "；".join(f"{LEVEL_CHARS[level]}级{ratio.canonical()}" for level, ratio in self.by_level)
        parts = [head] if head else []
        if self.frequency is not None:
            parts.append(self.frequency.canonical())
        parts.extend(t.short() for t in self.tiers)  # last: what follows a tier label is that tier's
        return "；".join(parts)


# A part of a month named instead of a day: 10月底, 11月中旬, 3月初 (月末 is written 月底). Each is the
# stretch of days it covers, (first, last); None for the last day of the month.
MONTH_PARTS: dict[str, tuple[int, int | None]] = {
    "初": (1, 10),
    "上旬": (1, 10),
    "中旬": (11, 20),
    "下旬": (21, None),
    "底": (21, None),
}


@dataclass(frozen=True, slots=True)
class DatePoint:
    """A month (and optionally day and year) in a window. `day` None means the whole month:
    the first day when it starts a window, the last day when it ends one. `part` narrows a month
    without a day to the stretch it names (MONTH_PARTS): 11月中旬 ends on the 20th, 10月底 on the
    last day, and starts on the 11th and the 21st. `next_year` marks a point in the year after the
    plan's, written relative to it (10月—次年3月: a season such as the autumn grain purchase running
    over the turn of the year)."""

    month: int
    day: int | None = None
    year: int | None = None
    next_year: bool = False
    part: str | None = None

    def as_date(self, year: int, *, end: bool) -> _dt.date:
        y = self.year or (year + 1 if self.next_year else year)
        if self.day is not None:
            return _dt.date(y, self.month, self.day)
        last = days_in_month(y, self.month)
        if self.part is not None:
            first, final = MONTH_PARTS[self.part]
            return _dt.date(y, self.month, (final or last) if end else first)
        return _dt.date(y, self.month, last if end else 1)

    def __str__(self) -> str:
        text = f"{self.year}年" if self.year else "次年" if self.next_year else ""
        text += f"{self.month}月"
        if self.day is not None:
            text += f"{self.day}日"
        elif self.part is not None:
            text += self.part
        return text


@dataclass(frozen=True, slots=True)
class Window:
    """抽查检查起止时间. `batches` holds the parts of a batched window (分两批次…), whose overall
    span is start..end. `qualifier` keeps a trailing parenthetical remark."""

    start: DatePoint
    end: DatePoint
    batches: tuple[Window, ...] = ()
    qualifier: str | None = None
    whole_year: bool = False
    deadline_only: bool = False  # `2022年11月10日前`: start is the start of the year
    # How a window by quarter or half-year was named (第二季度, 二、三季度, 上半年), or an open window from the
    # notice's date (即日起, whose start the cell does not state): the months are in start/end; the name
    # is kept for the canonical text and takes no part in equality.
    label: str | None = field(default=None, compare=False)
    # how many objects the time cell also states (辽宁's 检查时间: 3月检查4家, 3月-10月抽查5户)
    count: Count | None = None
    # 2025年3月起 · 自3月起 · 3月份开始: a start and no end. `end` is the year's last day, the most the
    # plan can mean (a yearly plan), but it is read, not written: rules whose finding would rest on that
    # end say so as a warning (window-open-end) instead of holding the task to it.
    open_end: bool = False

    def start_date(self, year: int) -> _dt.date:
        return self.start.as_date(year, end=False)

    def end_date(self, year: int) -> _dt.date:
        return self.end.as_date(year, end=True)

    def is_reversed(self) -> bool:
        """Starts after it ends (11月—3月): parsed as written, reported by the rules as
        `window-invalid`. Years left open are compared within one (leap) year."""
        return self.start_date(2000) > self.end_date(2000)

    def canonical(self) -> str:
        if self.label:
            text = (
                (f"{self.end.year}年" if self.end.year else "")
                + self.label
                + ("前" if self.deadline_only else "")
            )
        elif self.batches and self.count is not None:  # 3月检查4家；9月检查6家: each batch with its count
            text = "；".join(b.canonical() for b in self.batches)
        elif self.batches:
            parts = [
                f"第{_CN_ORDINALS[i] if i < 10 else i + 1}批{b.canonical()}"
                for i, b in enumerate(self.batches)
            ]
            text = f"分{len(self.batches)}批：" + "，".join(parts)
        elif self.whole_year:
            text = f"{self.start.year}年全年" if self.start.year else "全年"
        elif self.open_end:
            text = f"{self.start}起"
        elif self.deadline_only:
            text = f"{self.end}前"
        elif self.start == self.end:
            text = str(self.start)
        else:
            end = str(self.end)
            if self.start.year and self.end.year == self.start.year:
                end = str(DatePoint(self.end.month, self.end.day, part=self.end.part))
            text = f"{self.start}—{end}"
        if self.qualifier and self.count is not None and not self.batches:
            text += self.qualifier.replace("；", "（", 1) + ("）" if "；" in self.qualifier else "")
        elif self.qualifier:
            text += f"（{self.qualifier}）"
        return text


@dataclass(frozen=True, slots=True)
class ModePair:
    """Who selects and who inspects. A cell naming one level only (县, 县（区）级市场监管部门) says who
    inspects, not who selects: `select` is None. A cell naming who draws only (市局抽取, 市级统一组织
    发起, 省局随机抽取) leaves the inspecting level unsaid: `inspect` is None. One of the two is
    always set."""

    select: str | None  # province | city | county | township
    inspect: str | None

    @property
    def level(self) -> str:
        """The one level a single-level pair names (the inspecting one when both are set)."""
        level = self.inspect or self.select
        assert level is not None
        return level

    @property
    def relative(self) -> bool:
        """Names a level relative to the plan (本级, 上级, 下级) on either side."""
        return self.select in RELATIVE_NAMES or self.inspect in RELATIVE_NAMES

    def at_level(self, own: str) -> ModePair | None:
        """This pair for a plan of level `own` (本级抽取、下级检查 in a city plan → 市抽县查); None
        when a side names no level such a plan has (上级 of a province). 上抽下查 (上级抽取、下级检查)
        names two adjacent levels, one of them the plan's: a county plan is the lower (市抽县查), any
        other plan the upper (a city plan's 上抽下查 is 市抽县查)."""
        if (self.select, self.inspect) == (UPPER, LOWER) and own != "county":
            return ModePair(own, resolve_level(LOWER, own))
        select = resolve_level(self.select, own) if self.select is not None else None
        inspect = resolve_level(self.inspect, own) if self.inspect is not None else None
        if (self.select is not None and select is None) or (self.inspect is not None and inspect is None):
            return None
        return ModePair(select, inspect)

    def canonical(self) -> str:
        if self.relative:
            names = {**{k: f"{c}级" for k, c in LEVEL_CHARS.items()}, **RELATIVE_NAMES}
            if self.select is None:
                return names[self.level]
            if self.inspect is None:
                return f"{names[self.select]}抽取"
            if self.select == self.inspect == OWN:
                return "自抽自查"
            return f"{names[self.select]}抽取、{names[self.inspect]}检查"
        if self.select is None:
            return f"{LEVEL_CHARS[self.level]}级"
        if self.inspect is None:
            return f"{LEVEL_CHARS[self.select]}级抽取"
        return f"{LEVEL_CHARS[self.select]}抽{LEVEL_CHARS[self.inspect]}查"


@dataclass(frozen=True, slots=True)
class Mode:
    """抽查检查模式: (selecting level, inspecting level) pairs, and how the task is run (`styles`,
    keys of MODE_STYLES: 联合抽查, 上下联动 …).

    `pairs` hold absolute levels only, so every rule reads them as levels. Pairs naming a level
    relative to the plan (自抽自查, 本级抽取、本级检查, 上级抽取、本级检查) are kept in `relative`; a plan
    resolves them against its own level (`at_level`), which adds them to `pairs` and records them in
    `resolved`. A mode may name no level at all (联合抽查): then `pairs` is empty."""

    pairs: tuple[ModePair, ...]
    relative: tuple[ModePair, ...] = ()
    styles: tuple[str, ...] = ()
    resolved: tuple[ModePair, ...] = ()  # the pairs of `pairs` that came from `relative`

    @property
    def names_levels(self) -> bool:
        return bool(self.pairs or self.relative)

    def at_level(self, own: str | None) -> Mode:
        """This mode as the plan of level `own` (province | city | county | township) means it."""
        if not self.relative:
            return self
        written = tuple(p for p in self.pairs if p not in self.resolved)
        found = [] if own not in LEVEL_RANKS else [p.at_level(own) for p in self.relative]
        resolved = tuple(dict.fromkeys(p for p in found if p is not None and p not in written))
        return Mode(written + resolved, self.relative, self.styles, resolved)

    def canonical(self) -> str:
        parts = [p.canonical() for p in self.pairs]
        if not self.resolved:
            parts += [p.canonical() for p in self.relative]
        parts += [MODE_STYLES[s] for s in self.styles]
        return "、".join(parts)


# The metadata of a field saying where a part of a value is in its cell's text, not what it says.
WHERE = {"where": True}


@dataclass(frozen=True, slots=True)
class TierSpec:
    """A per-tier number stated in a risk clause (`对D级…每年至少监督抽查3~4次`), or a tier a quota
    cell leaves out (`5%，低风险企业不抽查`: `exempt`, no number)."""

    tier: str  # A | B | C | D
    ratio: Ratio | None = None
    frequency: Frequency | None = None
    count: Count | None = None
    exempt: bool = False
    # where the numbers of a risk clause's spec are in the cell's text (see RiskClause.located)
    spans: tuple[tuple[int, int], ...] = field(default=(), compare=False, metadata=WHERE)

    def canonical(self, scheme: str = "four") -> str:
        if self.exempt:
            return f"对{tier_name(self.tier, scheme)}企业不抽查"
        parts = []
        if self.ratio is not None:
            parts.append(f"抽查比例{self.ratio.canonical()}")
        if self.count is not None:
            parts.append(f"抽查{self.count.canonical()}")
        if self.frequency is not None:
            parts.append(f"频次{self.frequency.canonical()}")
        return f"对{tier_name(self.tier, scheme)}企业" + "，".join(parts)

    def short(self) -> str:
        """As a quota cell writes it: `B类40%（13户）`, `C类10%；1次/年` → `C类10%，1次/年`."""
        if self.exempt:
            return f"{self._label()}不抽查"
        parts = []
        if self.ratio is not None:
            parts.append(self.ratio.canonical())
            if self.count is not None:
                parts[-1] += f"（{self.count.canonical()}）"
        elif self.count is not None:
            parts.append(self.count.canonical())
        if self.frequency is not None:
            parts.append(self.frequency.canonical())
        return self._label() + "，".join(parts)

    def _label(self) -> str:
        """A类 for a letter, 中风险 for a tier of the three-tier scheme."""
        return f"{self.tier}类" if self.tier in TIER_SCHEMES["five"] else tier_name(self.tier)


@dataclass(frozen=True, slots=True)
class RiskClause:
    """信用风险分类 clause: which tiers it names (in order, A..D), whether it escalates with risk,
    the per-tier numbers it states (in order of appearance, repeats kept), and exemptions.

    Where its parts are in the cell's text as written — [start, end) character offsets, so that a
    finding about a part can mark it — takes no part in equality: two clauses saying the same
    thing are equal wherever they say it."""

    mentions_risk: bool
    tiers: tuple[str, ...] = ()
    escalates: bool = False
    specs: tuple[TierSpec, ...] = ()  # each with the spans of its numbers
    exemptions: tuple[str, ...] = ()  # tiers exempted ("A"), or "all" for 不涉及信用风险分类
    truncated: bool = False  # ends mid-list (`…较高风险、`)
    # which tiers a complete clause names: a key of TIER_SCHEMES, None for the national four
    scheme: str | None = None
    tier_spans: tuple[tuple[int, int], ...] = field(default=(), compare=False, metadata=WHERE)  # tier words
    escalation_spans: tuple[tuple[int, int], ...] = field(default=(), compare=False, metadata=WHERE)  # 递加 …
    cut_span: tuple[int, int] | None = field(default=None, compare=False, metadata=WHERE)  # unfinished list

    def located(self, offsets: list[int]) -> RiskClause:
        """This clause with its spans moved from the parsed (normalized) text into the text as
        written: `offsets[i]` is where the i-th normalized character came from (fields.py)."""

        def moved(spans: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
            return tuple((offsets[start], offsets[end - 1] + 1) for start, end in spans)

        return RiskClause(
            self.mentions_risk,
            self.tiers,
            self.escalates,
            tuple(replace(s, spans=moved(s.spans)) for s in self.specs),
            self.exemptions,
            self.truncated,
            self.scheme,
            moved(self.tier_spans),
            moved(self.escalation_spans),
            moved((self.cut_span,))[0] if self.cut_span is not None else None,
        )

    @property
    def tiered(self) -> bool:
        """Names tiers and either escalates or gives per-tier numbers."""
        return bool(self.tiers) and (self.escalates or bool(self.specs))

    @property
    def not_applicable(self) -> bool:
        return "all" in self.exemptions

    def canonical(self) -> str:
        """This clause in standard wording. A clause that names no tier or is cut off has no
        faithful form of its own and renders as STANDARD_RISK_CLAUSE — the text a fix writes."""
        if self.not_applicable:
            return "不涉及信用风险分类"
        if not self.tiers or self.truncated:
            return STANDARD_RISK_CLAUSE
        scheme = self.scheme or "four"
        names = "、".join(tier_name(t, scheme) for t in self.tiers)
        how = "分别递加比例抽查" if self.escalates else "实施分类监管"
        parts = [f"根据企业信用风险分类结果，对{names}企业{how}"]
        parts.extend(spec.canonical(scheme) for spec in self.specs)
        parts.extend(f"{tier_name(t, scheme)}企业不纳入抽查" for t in self.exemptions)
        return "；".join(parts)


@dataclass(frozen=True, slots=True)
class PlanTitle:
    """What a plan's title says about it (`泽州县市场监督管理局2023年度内部双随机抽查工作计划`)."""

    text: str
    issuer: str | None = None
    place: str | None = None
    level: str | None = None  # province | city | county
    kind: str | None = None  # internal | joint
    year: int | None = None


@dataclass(frozen=True, slots=True)
class ParseError:
    """A cell that does not parse: a value, never an exception. `offset` is the character offset
    in the original text where parsing failed; `hint` is a Chinese explanation."""

    kind: str
    text: str
    offset: int
    hint: str

    def caret(self) -> str:
        return self.text + "\n" + " " * self.offset + "^"
