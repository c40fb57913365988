"""Parse the plans' free-text cells (quota, frequency, window, mode, risk, title) into typed values.

`parse(kind, text)` is the whole public contract:

* returns a value from `planlint.values` (Quota, Frequency, Window, Mode, RiskClause, PlanTitle),
  a `values.ParseError` when the text does not parse, or None for empty / blank text;
* never raises on any text; an unknown `kind` is a programming error and raises ValueError;
* `ParseError.offset` indexes the ORIGINAL text (normalization keeps an offset map) and
  `ParseError.hint` is a Chinese explanation, labelled with `UnexpectedInput.match_examples`.

Values that parse but are impossible:

* a month outside 1–12, a day the month does not have (4月31日, 2月30日), a year outside
  1900–2100 → ParseError(kind="window") — the rules report it as `window-invalid`;
* a reversed window (11月—3月) parses to a Window whose start is after its end
  (`Window.is_reversed()`), also reported by the rules as `window-invalid`;
* a ratio of 0% or above 100%, or a range whose low end exceeds its high end, parses to a Quota
  carrying that Ratio (`Ratio.in_range()` is False) — the rules report `quota-out-of-range`.

Risk clauses are prose: the grammar recognizes tier words (低风险/一般风险/较高风险/高风险, A–D类/级,
守信/警示/失信/严重失信), escalation words (递加, 提高, 加大 …), exemptions, percentages, counts and
frequencies, and skips everything else. The Transformer attaches numbers to the tiers named just
before them in the same sentence (see `_risk_clause`). A risk clause therefore never fails to parse.

The Lark parser is built once per process (with Lark's grammar cache) and results are memoized
per distinct text, since plans repeat the same strings in every row.
"""

from __future__ import annotations

import calendar
import dataclasses
import functools
import re
from decimal import Decimal, InvalidOperation
from importlib.resources import files
from typing import Any

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from . import values as v

# Canonical column key → parse kind. ratio/count/frequency columns all hold quota-like text
# (a separate 抽查频次 column often repeats the ratio too), so they parse as a quota.
FIELD_KINDS: dict[str, str] = {
    "quota": "quota",
    "ratio": "quota",
    "count": "quota",
    "frequency": "frequency",
    "window": "window",
    "mode": "mode",
    "risk": "risk",
}

KINDS = ("quota", "frequency", "window", "mode", "risk", "title")

# Longer cells are not plan cells; refusing them keeps the parser's cost bounded on junk input.
MAX_LENGTH = 4000

# ---------------------------------------------------------------------------------- normalize

_DASH = "-"
_SPACES = frozenset(
    " \t\n\r\f\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\u200b\u200c\u200d\u2060\ufeff"
)


def _build_char_map() -> dict[str, str]:
    table: dict[str, str] = {}
    # Full-width ASCII (！ … ～) → half-width.
    for code in range(0xFF01, 0xFF5F):
        table[chr(code)] = chr(code - 0xFEE0)
    for dash in "—–‐‑‒―−﹣⁃~～〜〰":
        table[dash] = _DASH
    table["－"] = _DASH
    table.update(
        {
            "≥": ">=",
            "≧": ">=",
            "⩾": ">=",
            "≤": "<=",
            "≦": "<=",
            "⩽": "<=",
            "﹪": "%",
            "٪": "%",
            "〔": "(",
            "〕": ")",
            "﹙": "(",
            "﹚": ")",
            "︰": ":",
            "﹕": ":",
            "﹔": ";",
            "﹐": ",",
            "，": ",",
            "；": ";",
            "：": ":",
            "／": "/",
        }
    )
    # Traditional forms of the words the grammar looks for (cheap to map, common in pasted text).
    traditional = (
        "為为戶户個个縣县區区級级風风險险類类較较數数檢检於于兩两業业單单劃划監监場场"
        "機机關关聯联隨随內内實实際际準准遞递嚴严與与對对進进週周頻频無无擾扰納纳適适"
        "開开發发組组織织轄辖結结營营經经務务門门權权從从號号時时間间雙双計计約约項项"
        "別别歲岁齊齐產产資资認认證证許许"
    )
    for i in range(0, len(traditional), 2):
        table[traditional[i]] = traditional[i + 1]
    return table


_CHAR_MAP = _build_char_map()
# 至 is a dash in 3月至11月 but not in 至少 / 至多 / 至今 / 截至.
_ZHI_KEEP_AFTER = frozenset("少多今此于")


def _normalize_map(text: str) -> tuple[str, list[int]]:
    """Normalize and return, for every normalized character (plus one past the end), the offset
    of the original character it came from."""
    out: list[str] = []
    offsets: list[int] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch in _SPACES:
            j = i
            while j < n and text[j] in _SPACES:
                j += 1
            # Whitespace between two digits is kept (as one space) so "5 10" does not become 510.
            if out and out[-1][-1:].isdigit() and j < n and _CHAR_MAP.get(text[j], text[j]).isdigit():
                out.append(" ")
                offsets.append(i)
            i = j
            continue
        if ch == "至":
            nxt = text[i + 1] if i + 1 < n else ""
            prev = text[i - 1] if i else ""
            rep = ch if (nxt in _ZHI_KEEP_AFTER or prev == "截") else _DASH
        else:
            rep = _CHAR_MAP.get(ch, ch)
        # A run of dashes (——, ~-) is one dash.
        if rep == _DASH and out and out[-1] == _DASH:
            i += 1
            continue
        for c in rep:
            out.append(c)
            offsets.append(i)
        i += 1
    offsets.append(n)
    return "".join(out), offsets


def normalize(text: str) -> str:
    """Half-width punctuation, simplified forms, no whitespace (one space between digits), every
    dash (— – - － ~ ～ 至) as "-". Offsets back into `text` come from `normalize_with_offsets`."""
    return _normalize_map(text)[0]


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """`normalize(text)` plus the original offset of each normalized character (and of its end)."""
    return _normalize_map(text)


# ---------------------------------------------------------------------------------- the parser


class _Invalid(Exception):
    """Raised inside the Transformer for text that parses but names an impossible date."""

    def __init__(self, pos: int, hint: str) -> None:
        super().__init__(hint)
        self.pos = pos
        self.hint = hint


_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _cn_int(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 三十一 → 31; anything else (二二) by digits."""
    if "十" in text:
        head, _, tail = text.partition("十")
        tens = _CN_DIGITS.get(head, 1) if head else 1
        return tens * 10 + (_CN_DIGITS.get(tail, 0) if tail else 0)
    value = 0
    for c in text:
        value = value * 10 + _CN_DIGITS[c]
    return value


def _int(tok: Token) -> int:
    if tok.type == "CNUM":
        return _cn_int(str(tok))
    if tok.type == "DECIMAL":
        raise _Invalid(tok.start_pos, "次数、月份和日期应为整数")
    return int(str(tok))


def _dec(tok: Token) -> Decimal:
    if tok.type == "CNUM":
        return Decimal(_cn_int(str(tok)))
    try:
        return Decimal(str(tok))
    except InvalidOperation:  # pragma: no cover - the terminal only matches digits
        raise _Invalid(tok.start_pos, "无法识别的数字") from None


_BOUNDS = {
    "AT_LEAST_PRE": v.AT_LEAST,
    "GE": v.AT_LEAST,
    "AT_MOST_PRE": v.AT_MOST,
    "ABOUT_PRE": v.ABOUT,
    "AT_LEAST_POST": v.AT_LEAST,
    "AT_MOST_POST": v.AT_MOST,
    "ABOUT_POST": v.ABOUT,
}
_PERIODS = {
    "年": "year",
    "年度": "year",
    "半年": "half-year",
    "季度": "quarter",
    "季": "quarter",
    "月": "month",
    "个月": "month",
}
_LEVELS = {"省": "province", "市": "city", "县": "county", "区": "county", "旗": "county", "州": "city"}
_TIER_WORDS = {
    "低风险": "A",
    "一般风险": "B",
    "较高风险": "C",
    "高风险": "D",
    "守信": "A",
    "警示": "B",
    "失信": "C",
    "严重失信": "D",
}


class _Bound(str):
    """A bound constant as returned by bound_pre / bound_post (distinguishable from tokens);
    `symbolic` is set for >= / >, the only bounds a bare number may follow (`>=1` = at least once)."""

    symbolic: bool = False


class _Times(tuple):
    """(low, high) of a frequency's times."""


def _split(children: list[Any]) -> tuple[dict[str, Any], list[Any]]:
    """Children by kind: tokens by type, other results in order."""
    toks: dict[str, Any] = {}
    rest: list[Any] = []
    for c in children:
        if isinstance(c, Token):
            toks.setdefault(c.type, c)
        else:
            rest.append(c)
    return toks, rest


def _first(items: list[Any], cls: type) -> Any:
    for it in items:
        if isinstance(it, cls):
            return it
    return None


def _check_date(point: v.DatePoint, pos: int) -> v.DatePoint:
    if point.year is not None and not 1900 <= point.year <= 2100:
        raise _Invalid(pos, f"年份{point.year}无效")
    if not 1 <= point.month <= 12:
        raise _Invalid(pos, f"月份应在1—12之间（此处为{point.month}月）")
    if point.day is not None:
        # Without a year, 2月29日 is allowed (it exists in leap years).
        last = calendar.monthrange(point.year or 2000, point.month)[1]
        if not 1 <= point.day <= last:
            raise _Invalid(pos, f"日期不存在：{point.month}月没有{point.day}日")
    return point


class _Pos(int):
    """An int that remembers where in the normalized text it was read (for date errors)."""

    pos: int

    def __new__(cls, value: int, pos: int) -> _Pos:
        obj = super().__new__(cls, value)
        obj.pos = pos
        return obj


class _Year(_Pos):
    pass


class _Day(_Pos):
    pass


class _FieldTransformer(Transformer):
    """Parse tree → values. Used inline by the LALR parser, so no trees are ever built."""

    def __init__(self) -> None:
        super().__init__(visit_tokens=False)

    # ---- bounds and numbers
    def bound_pre(self, c: list[Token]) -> _Bound:
        bound = _Bound(_BOUNDS[c[0].type])
        bound.symbolic = c[0].type == "GE"
        return bound

    bound_post = bound_pre

    def pct_one(self, c: list[Token]) -> tuple[Decimal, Decimal | None]:
        return (_dec(c[0]), None)

    def pct_range(self, c: list[Token]) -> tuple[Decimal, Decimal | None]:
        return (_dec(c[0]), _dec(c[1]))

    def ratio(self, c: list[Any]) -> v.Ratio:
        bounds = [x for x in c if isinstance(x, _Bound)]
        low, high = _first(c, tuple)
        if high is not None:
            return v.Ratio(low, high, v.RANGE)
        return v.Ratio(low, None, bounds[-1] if bounds else v.EXACT)

    def count_one(self, c: list[Any]) -> v.Count:
        toks, rest = _split(c)
        nums = [x for x in c if isinstance(x, Token) and x.type in ("INT", "CNUM", "DECIMAL")]
        bounds = [x for x in rest if isinstance(x, _Bound)]
        return v.Count(_int(nums[0]), None, bounds[-1] if bounds else v.EXACT, str(toks["UNIT"]))

    def count_range(self, c: list[Any]) -> v.Count:
        toks, _ = _split(c)
        nums = [x for x in c if isinstance(x, Token) and x.type in ("INT", "CNUM", "DECIMAL")]
        return v.Count(_int(nums[0]), _int(nums[1]), v.RANGE, str(toks["UNIT"]))

    # ---- frequency
    def times_one(self, c: list[Token]) -> _Times:
        return _Times((_int(c[0]), None))

    def times_range(self, c: list[Token]) -> _Times:
        low, high = _int(c[0]), _int(c[1])
        return _Times((low, None if high == low else high))

    def period(self, c: list[Token]) -> str:
        return _PERIODS[str(c[0])]

    @staticmethod
    def _freq(c: list[Any], period: str | None) -> v.Frequency:
        low, high = _first(c, _Times)
        bounds = [x for x in c if isinstance(x, _Bound)]
        return v.Frequency(low, high, period, bounds[-1] if bounds else v.EXACT)

    def freq_per(self, c: list[Any]) -> v.Frequency:
        return self._freq(c, next(x for x in c if type(x) is str))

    freq_every = freq_per

    def freq_nper(self, c: list[Any]) -> v.Frequency:
        if _int(c[0]) != 1:
            raise _Invalid(c[0].start_pos, "频次应为每年、每半年、每季度或每月若干次")
        return self._freq(c, next(x for x in c if type(x) is str))

    def freq_plain(self, c: list[Any]) -> v.Frequency:
        return self._freq(c, None)

    def freq_bare(self, c: list[Any]) -> v.Frequency:
        if not c[0].symbolic:
            raise _Invalid(c[1].end_pos, "缺少百分号（或“户”“家”“次”等单位）")
        return v.Frequency(_int(c[1]), None, None, v.AT_LEAST)

    def freq_year(self, c: list[Any]) -> v.Frequency:
        return self._freq(c, "year")

    # ---- quota
    def quota(self, c: list[Any]) -> v.Quota:
        ratio = _first(c, v.Ratio)
        count = _first(c, v.Count)
        freq = _first(c, v.Frequency)
        notes: list[str] = []
        for tok in c:
            if isinstance(tok, Token) and tok.type == "PAREN":
                inner = _paren_count(str(tok)[1:-1]) if count is None else None
                if inner is not None:
                    count = inner
                else:
                    notes.append(str(tok)[1:-1])
        return v.Quota(ratio, count, freq, "；".join(notes) or None)

    # ---- window
    def year(self, c: list[Token]) -> _Year:
        return _Year(_int(c[0]), c[0].start_pos)

    def month(self, c: list[Token]) -> _Pos:
        return _Pos(_int(c[0]), c[0].start_pos)

    def day(self, c: list[Token]) -> _Day:
        return _Day(_int(c[0]), c[0].start_pos)

    def date_ymd(self, c: list[_Pos]) -> v.DatePoint:
        year = _first(c, _Year)
        day = _first(c, _Day)
        month = next(x for x in c if type(x) is _Pos)
        point = v.DatePoint(
            int(month), None if day is None else int(day), None if year is None else int(year)
        )
        return _check_date(point, month.pos if day is None else day.pos)

    def date_slash(self, c: list[Token]) -> v.DatePoint:
        y, m, d = (int(str(t)) for t in c)
        return _check_date(v.DatePoint(m, d, y), c[1].start_pos)

    def span_dates(self, c: list[v.DatePoint]) -> tuple[v.DatePoint, v.DatePoint]:
        start, end = c
        # A year written once covers both ends: 2024年4月至9月.
        if start.year is not None and end.year is None:
            end = v.DatePoint(end.month, end.day, start.year)
        elif end.year is not None and start.year is None:
            start = v.DatePoint(start.month, start.day, end.year)
        return start, end

    def month_pair(self, c: list[Token]) -> tuple[v.DatePoint, v.DatePoint]:
        return (
            _check_date(v.DatePoint(_int(c[0])), c[0].start_pos),
            _check_date(v.DatePoint(_int(c[1])), c[1].start_pos),
        )

    def year_month_pair(self, c: list[Any]) -> tuple[v.DatePoint, v.DatePoint]:
        year = int(c[0])
        return (
            _check_date(v.DatePoint(_int(c[1]), None, year), c[1].start_pos),
            _check_date(v.DatePoint(_int(c[2]), None, year), c[2].start_pos),
        )

    @staticmethod
    def _qualifier(c: list[Any]) -> str | None:
        for tok in c:
            if isinstance(tok, Token) and tok.type == "PAREN":
                return str(tok)[1:-1] or None
        return None

    def window_span(self, c: list[Any]) -> v.Window:
        start, end = c[0]
        return v.Window(start, end, qualifier=self._qualifier(c))

    def window_point(self, c: list[Any]) -> v.Window:
        return v.Window(c[0], c[0], qualifier=self._qualifier(c))

    def window_deadline(self, c: list[Any]) -> v.Window:
        end: v.DatePoint = c[0]
        return v.Window(v.DatePoint(1, None, end.year), end, qualifier=self._qualifier(c), deadline_only=True)

    def window_whole(self, c: list[Any]) -> v.Window:
        return v.Window(v.DatePoint(1), v.DatePoint(12), qualifier=self._qualifier(c), whole_year=True)

    def batch(self, c: list[Any]) -> v.Window:
        rest = [x for x in c if not isinstance(x, Token) or x.type == "BEFORE"]
        if isinstance(rest[0], tuple):
            return self.window_span(rest)
        if len(rest) == 2:  # date BEFORE
            return self.window_deadline(rest[:1])
        return self.window_point(rest)

    def window_batches(self, c: list[Any]) -> v.Window:
        batches = tuple(x for x in c if isinstance(x, v.Window))
        return v.Window(batches[0].start, batches[-1].end, batches=batches)

    # ---- mode
    def level(self, c: list[Token]) -> str:
        return _LEVELS[str(c[0])]

    def mode_short(self, c: list[str]) -> v.ModePair:
        return v.ModePair(c[0], c[1])

    def mode_prose(self, c: list[Any]) -> v.ModePair:
        levels = [x for x in c if type(x) is str]
        return v.ModePair(levels[0], levels[1])

    mode_labelled = mode_prose

    def mode(self, c: list[v.ModePair]) -> v.Mode:
        pairs: list[v.ModePair] = []
        for p in c:
            if isinstance(p, v.ModePair) and p not in pairs:
                pairs.append(p)
        return v.Mode(tuple(pairs))

    # ---- risk and title: flat token streams
    def risk(self, c: list[Token]) -> v.RiskClause:
        return _risk_clause(c)

    def place_org(self, c: list[Token]) -> tuple[str, str | None]:
        place = str(c[0])
        return place, place + str(c[1]) if len(c) > 1 else None

    def title(self, c: list[Any]) -> v.PlanTitle:
        place = issuer = None
        year = None
        joint = False
        for item in c:
            if isinstance(item, tuple):
                if place is None:
                    place, issuer = item
            elif item.type == "YEAR" and year is None:
                year = int(str(item))
            elif item.type == "JOINT":
                joint = True
        return v.PlanTitle(
            "",
            issuer=issuer,
            place=place,
            level=_place_level(place),
            kind="joint" if joint else "internal",
            year=year,
        )


def _place_level(place: str | None) -> str | None:
    if not place:
        return None
    if place.endswith(("省", "自治区", "特别行政区")):
        return "province"
    if place.endswith(("县", "区", "旗")):
        return "county"
    return "city"  # 市, 州, 盟: the metadata code corrects county-level cities (原平市)


_PAREN_COUNT = re.compile(
    r"(约|不少于|不超过)?(\d+)(?:-(\d+))?(户次|家次|户|家|个|件|台|所|批次|批|人|单位)"
    r"(以上|以下|左右)?"
)
_PAREN_BOUNDS = {
    "约": v.ABOUT,
    "不少于": v.AT_LEAST,
    "不超过": v.AT_MOST,
    "以上": v.AT_LEAST,
    "以下": v.AT_MOST,
    "左右": v.ABOUT,
}


def _paren_count(inner: str) -> v.Count | None:
    """`5%(10户)`: a parenthesis holding only a count is the quota's count, not a note."""
    m = _PAREN_COUNT.fullmatch(inner)
    if m is None:
        return None
    pre, low, high, unit, post = m.groups()
    if high is not None:
        return v.Count(int(low), int(high), v.RANGE, unit)
    bound = _PAREN_BOUNDS.get(post or pre or "", v.EXACT)
    return v.Count(int(low), None, bound, unit)


# ---------------------------------------------------------------------------------- risk clauses

_RISK_COUNT = re.compile(r"(\d+)(?:-(\d+))?(\D+)")
_RISK_BOUNDS = {"R_AT_LEAST": v.AT_LEAST, "R_AT_MOST": v.AT_MOST, "R_ABOUT": v.ABOUT}
_RISK_PERIODS = {
    "每年": "year",
    "每年度": "year",
    "每半年": "half-year",
    "每季度": "quarter",
    "每季": "quarter",
    "每月": "month",
}
_LIST_END = ("、", ",", ":", "(", "-", "和", "及", "与")


def _risk_int(text: str) -> int:
    return int(text) if text.isdigit() else _cn_int(text)


def _risk_clause(tokens: list[Token]) -> v.RiskClause:
    """Read a risk clause from its token stream.

    Tiers named one after another (低风险、一般风险) form a group; the numbers (ratio, count, 次)
    that follow belong to that group until a sentence break (；。) or a tier word after a number.
    One number applies to every tier of the group; as many numbers as tiers pair up in order
    (分别按3%、5%、10%、20%). Bounds (至少, 不低于, 以上) and periods (每年) apply to the next number.
    """
    tiers: list[str] = []
    specs: list[v.TierSpec] = []
    exemptions: list[str] = []
    escalates = mentions = False
    group: list[str] = []
    cur: dict[str, list[Any]] = {}
    bound: str | None = None
    period: str | None = None

    def flush() -> None:
        if cur and group:
            specs.extend(_pair_specs(group, cur))
        cur.clear()

    def attach(key: str, value: Any) -> None:
        # A number not tied to any tier (抽查比例提高10%) says nothing per tier.
        if group:
            cur.setdefault(key, []).append(value)

    for tok in tokens:
        kind = tok.type
        text = str(tok)
        if kind in ("TIER_WORD", "TIER_LETTERS"):
            named = [_TIER_WORDS[text]] if kind == "TIER_WORD" else re.findall(r"[A-D]", text)
            if cur:
                flush()
                group = []
            for tier in named:
                group.append(tier)
                if tier not in tiers:
                    tiers.append(tier)
        elif kind == "ESCALATE":
            escalates = True
        elif kind == "EXEMPT_ALL":
            mentions = True
            if "all" not in exemptions:
                exemptions.append("all")
        elif kind == "EXEMPT":
            exemptions.extend(t for t in group if t not in exemptions)
        elif kind == "R_PCT":
            low_s, _, high_s = text.replace("%", "").partition("-")
            if high_s:
                attach("ratio", v.Ratio(Decimal(low_s), Decimal(high_s), v.RANGE))
            else:
                attach("ratio", v.Ratio(Decimal(low_s), None, bound or v.EXACT))
            bound = None
        elif kind == "R_COUNT":
            m = _RISK_COUNT.fullmatch(text)
            assert m is not None
            low_s, high_s, unit = m.groups()
            if high_s:
                attach("count", v.Count(int(low_s), int(high_s), v.RANGE, unit))
            else:
                attach("count", v.Count(int(low_s), None, bound or v.EXACT, unit))
            bound = None
        elif kind == "R_TIMES":
            times, _, per = text.partition("/")
            low_s, _, high_s = times[:-1].partition("-")
            low = _risk_int(low_s)
            high = _risk_int(high_s) if high_s else None
            freq_period = _PERIODS[per] if per else period
            attach(
                "frequency", v.Frequency(low, None if high == low else high, freq_period, bound or v.EXACT)
            )
            bound = period = None
        elif kind == "R_EVERY":
            period = _RISK_PERIODS[text]
        elif kind in ("R_AT_LEAST", "R_AT_MOST", "R_ABOUT"):
            bound = _RISK_BOUNDS[kind]
        elif kind in ("R_POST_LEAST", "R_POST_MOST"):
            _rebound_last(cur, v.AT_LEAST if kind == "R_POST_LEAST" else v.AT_MOST)
        elif kind == "R_BREAK":
            flush()
            group = []
            bound = period = None
        elif kind == "RISK_WORD":
            mentions = True
    flush()
    last = tokens[-1] if tokens else None
    truncated = last is not None and (
        last.type in ("TIER_WORD", "TIER_LETTERS")
        or (last.type in ("R_LIST", "R_FILL") and str(last).endswith(_LIST_END))
    )
    return v.RiskClause(
        mentions_risk=mentions or bool(tiers),
        tiers=tuple(tiers),
        escalates=escalates,
        specs=tuple(specs),
        exemptions=tuple(exemptions),
        truncated=truncated,
    )


def _pair_specs(group: list[str], numbers: dict[str, list[Any]]) -> list[v.TierSpec]:
    """Specs for one group: a single number applies to all its tiers, a list as long as the
    group pairs up in order; a list that fits neither goes in order, extras to the last tier."""
    rows = max(len(values) for values in numbers.values())
    if rows == 1:
        pairs = [(tier, 0) for tier in group]
    elif all(len(values) in (1, len(group)) for values in numbers.values()) and rows == len(group):
        pairs = [(tier, i) for i, tier in enumerate(group)]
    else:
        pairs = [(group[min(i, len(group) - 1)], i) for i in range(rows)]
    specs = []
    for tier, i in pairs:
        got = {key: values[min(i, len(values) - 1)] for key, values in numbers.items()}
        specs.append(v.TierSpec(tier, got.get("ratio"), got.get("frequency"), got.get("count")))
    return specs


def _rebound_last(cur: dict[str, list[Any]], bound: str) -> None:
    """`40%以上`: a trailing bound changes the ratio or count just read."""
    for key in ("ratio", "count"):
        values = cur.get(key)
        if values and values[-1].bound == v.EXACT:
            values[-1] = dataclasses.replace(values[-1], bound=bound)
            return


# ---------------------------------------------------------------------------------- errors

# Labelled examples of malformed cells: match_examples finds the one failing in the same parser
# state as the user's text and returns its hint.
_EXAMPLES: dict[str, dict[str, list[str]]] = {
    "quota": {
        "缺少百分号（或“户”“家”等单位）": ["不低于5", "5", "抽查比例为3", "5;1次/年", "约1.5", "10-20"],
        "无法识别的频次，应为“1次/年”“每年1次”等形式": [
            "5%;每",
            "5%;1次/",
            "5%;一年",
            "5%/每月",
            "5%;1次/周",
        ],
        "比例后有无法识别的内容，频次应写在“；”之后，如“不低于5%；1次/年”": ["5%x", "5%抽", "5%(注)x"],
        "缺少范围的上限": ["10-", "10-%", "5%-"],
    },
    "frequency": {
        "缺少“次”或周期，应为“1次/年”等形式": ["1", "每年1", "2-3"],
        "无法识别的周期，应为年、半年、季度或月": ["1次/周", "1次/", "每"],
    },
    "window": {
        "缺少“月”": ["3-11", "2024年3", "3月-11"],
        "起止时间不完整，应为“3月—11月”等形式": ["3月-", "2024年", "2024年3月-"],
    },
    "mode": {
        "缺少“查”，应为“市抽县查”等形式": ["市抽县", "市抽县(区)"],
        "无法识别的层级，应为省、市、县或区": ["市抽乡查", "乡抽县查", "市抽"],
    },
}
_GENERIC_HINTS = {
    "quota": "无法识别的抽查比例/数量，应为“不低于5%；1次/年”等形式",
    "frequency": "无法识别的抽查频次，应为“1次/年”“每季度1次”等形式",
    "window": "无法识别的起止时间，应为“3月—11月”或“2024年4月至9月”等形式",
    "mode": "无法识别的抽查模式，应为“市抽县查”等形式",
    "risk": "无法识别的信用风险分类要求",
    "title": "无法识别的计划标题",
}


@functools.lru_cache(maxsize=1)
def _parser() -> Lark:
    """The one parser of the process. Lark's cache=True pickles the LALR tables to a temp file
    keyed by the grammar text, so later processes skip the grammar analysis."""
    grammar = (files("planlint.bundled.grammar") / "fields.lark").read_text(encoding="utf-8")
    return Lark(
        grammar,
        parser="lalr",
        start=list(KINDS),
        cache=True,
        propagate_positions=True,
        maybe_placeholders=False,
        transformer=_FieldTransformer(),
    )


def _error_offset(err: UnexpectedInput, length: int) -> int:
    if isinstance(err, UnexpectedEOF):
        return length
    if isinstance(err, UnexpectedToken):
        pos = err.token.start_pos if err.token.type != "$END" else length
        return length if pos is None else pos
    if isinstance(err, UnexpectedCharacters):
        return err.pos_in_stream
    return 0  # pragma: no cover - the LALR parser raises only the three above


def _hint(kind: str, err: UnexpectedInput) -> str:
    examples = _EXAMPLES.get(kind)
    if examples and err.state is not None:
        parser = _parser()
        label = err.match_examples(functools.partial(parser.parse, start=kind), examples, use_accepts=True)
        if label is not None:
            return label
    return _GENERIC_HINTS[kind]


@functools.lru_cache(maxsize=65536)
def _parse_normalized(kind: str, norm: str) -> Any:
    """value, or (offset in `norm`, hint) for an error. Memoized per distinct normalized text."""
    try:
        return _parser().parse(norm, start=kind)
    except _Invalid as err:
        return (err.pos, err.hint)
    except UnexpectedInput as err:
        return (_error_offset(err, len(norm)), _hint(kind, err))


@functools.lru_cache(maxsize=65536)
def _parse_raw(kind: str, text: str) -> Any:
    if not text.strip():
        return None
    if len(text) > MAX_LENGTH:
        return v.ParseError(kind, text, MAX_LENGTH, f"内容过长（超过{MAX_LENGTH}个字符），不像是一个单元格")
    norm, offsets = _normalize_map(text)
    if not norm:
        return None
    result = _parse_normalized(kind, norm)
    if isinstance(result, tuple):
        pos, hint = result
        return v.ParseError(kind, text, offsets[min(max(pos, 0), len(norm))], hint)
    if isinstance(result, v.PlanTitle):
        return v.PlanTitle(text.strip(), result.issuer, result.place, result.level, result.kind, result.year)
    return result


def parse(kind: str, text: str) -> Any:
    """Parse one cell of the given kind (see FIELD_KINDS / KINDS) into a typed value, a
    `values.ParseError`, or None for empty text. Never raises on any text."""
    if kind not in KINDS:
        raise ValueError(f"unknown field kind {kind!r}; expected one of {', '.join(KINDS)}")
    if text is None:
        return None
    if not isinstance(text, str):
        text = str(text)
    return _parse_raw(kind, text)
