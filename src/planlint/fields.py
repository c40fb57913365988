"""Parse the plans' free-text cells (quota, count, frequency, window, mode, risk, title) into typed values.

`parse(kind, text)` is the whole public contract:

* returns a value from `planlint.values` (Quota, Frequency, Window, Mode, RiskClause, PlanTitle),
  a `values.ParseError` when the text does not parse, or None for empty / blank text (and, in quota,
  count and frequency cells, for a placeholder such as "/" or "无");
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

A quota may give a ratio per kind of object (企业5%，个体工商户1% · A和B比例分别为3%和1%): `Quota.by_kind`. A
window may name only its start (2025年3月起): read to the year's end, `Window.open_end`. Ratios and years
spelled in Chinese numerals (百分之五, 千分之五, 二〇二五年) are read in digits by the normalizer.

A quota or count text that does not parse but is prose for a person — numbers left to others
(各市根据实际情况确定), stated in sentences or as a sum over offices, or a frequency with no number
(不定期) — parses to a Quota whose `review` says why (`_review_reason`); rules report it as a warning.

The Lark parser is built once per process (with Lark's grammar cache) and results are memoized per
distinct text (the one memo on a parse: plan building asks once per distinct cell text of a plan,
for its shared Cell, and a batch repeats the same texts across its plans).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from decimal import Decimal
from typing import Any

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from . import values as v

# Canonical column key → parse kind. Ratio columns hold quota-like text (5%；1次/年), so they parse as a
# quota; count columns (抽查数量, 抽查户数(户), 抽查基数, 目标数) as a count, where the header carries the
# unit and a bare number (20) is a count; frequency columns as a frequency (=1 and >=1 included).
FIELD_KINDS: dict[str, str] = {
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

KINDS = ("quota", "count", "frequency", "window", "mode", "risk", "title")  # the grammar's start symbols
# What parse() reads: the grammar's kinds, and `deadline`, a window read from a column that names when
# tasks end (完成时限, 完成时间, 截止时间): one date there is the end of the task, not the month it runs
# in (完成时限 10月 → by 10月31日).
PARSE_KINDS = (*KINDS, "deadline")

# Longer cells are not plan cells; refusing them keeps the parser's cost bounded on junk input.
MAX_LENGTH = 4000

# ---------------------------------------------------------------------------------- normalize

_DASH = "-"
# Everything str.isspace() accepts, plus the zero-width characters pasted text carries.
_SPACES = frozenset(
    " \t\n\r\f\v\x1c\x1d\x1e\x1f\x85\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
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
    # Traditional characters (市級統一組織發起), from OpenCC's table (tools/gen_traditional.py →
    # rules/traditional.tsv: only characters with one simplified form), plus three OpenCC leaves
    # ambiguous whose grammar words are not (不低於, 計劃, 開展).
    from importlib.resources import files

    text = files("planlint.bundled.rules").joinpath("traditional.tsv").read_text(encoding="utf-8")
    for line in text.splitlines()[1:]:
        trad, _, simplified = line.partition("\t")
        table[trad] = simplified
    table.update({"於": "于", "劃": "划", "開": "开"})
    return table


_CHAR_MAP = _build_char_map()
# 至 is a dash in 3月至11月 but not in 至少 / 至多 / 至今 / 截至.
_ZHI_KEEP_AFTER = frozenset("少多今此于")
_DIGITS = frozenset("0123456789")
# The same normalization with C-speed primitives (translate + regex), used when no offsets are needed.
_TRANSLATE = str.maketrans(_CHAR_MAP)
_SPACE_CLASS = "[" + "".join(sorted(_SPACES)).replace("\\", "\\\\") + "]+"
_ZHI_DASH = re.compile(r"(?<!截)至(?![少多今此于])")
_SPACE_RUN = re.compile(r"((?<=[0-9]))?" + _SPACE_CLASS + r"(?(1)(?=[0-9])|(?!))|" + _SPACE_CLASS)
_DASH_RUN = re.compile(r"-{2,}")


# Quantities spelled in Chinese numerals that the grammar reads in digits: a ratio (百分之五 · 百分之三点五 ·
# 百分之十 · 千分之五, also 百分之5) and a year written digit by digit with 〇, ○ or 零 for zero (二〇二五年).
# Numbers the grammar reads as they are (三月, 十一月, 一年两次, 每季度一次) are left alone. A small converter
# rather than a library (cn2an): the forms are few and fixed, its text transform also rewrites words such
# as 统一 and 一般, and the normalizer must keep its offset map (see `_spell_out`).
_NUMERAL_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_NUMERAL_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9})
_SPELLED = re.compile(
    r"([百千])分之(?:(\d+(?:\.\d+)?)|([〇○零一二两三四五六七八九十百]+)(?:点([〇○零一二三四五六七八九]+))?)"
    # 百分之三至五 (至 already a dash here): the upper end of a range, spelled without its 百分之
    r"(?:-([〇○零一二两三四五六七八九十百]+)(?![〇○零一二两三四五六七八九十百]*(?:[年月日次户家个]|分之)))?"
    r"|(?<![〇○零一二三四五六七八九十])([一二][〇○零一二三四五六七八九]{3})(?=年)"
)


def _numeral_whole(text: str) -> int:
    """一百 → 100, 二十五 → 25, 十 → 10, 一百零五 → 105, 五 → 5."""
    total, digit = 0, None
    for c in text:
        if c in ("十", "百"):
            total += (1 if digit is None else digit) * (10 if c == "十" else 100)
            digit = None
        else:
            digit = _NUMERAL_DIGITS[c]
    return total + (digit or 0)


def _spelled_number(m: re.Match[str]) -> str:
    per, digits, whole, fraction, upper, year = m.groups()
    if year is not None:
        return "".join(str(_NUMERAL_DIGITS[c]) for c in year)
    if digits is None:
        digits = str(_numeral_whole(whole))
        if fraction:
            digits += "." + "".join(str(_NUMERAL_DIGITS[c]) for c in fraction)
    unit = "%" if per == "百" else "‰"
    return digits + unit + (f"-{_numeral_whole(upper)}{unit}" if upper else "")


def _spell_out(text: str, offsets: list[int] | None = None) -> str:
    """`text` with its spelled-out ratios and years in digits (百分之五 → 5%, 二〇二五年 → 2025年); with
    `offsets` (one per character of `text`, plus its end), those are rewritten in place to match: each
    character written comes from the spelled number's characters, in order."""
    if "分之" not in text and not any(c in text for c in "〇○零"):
        return text
    if offsets is None:
        return _SPELLED.sub(_spelled_number, text)
    out: list[str] = []
    moved: list[int] = []
    last = 0
    for m in _SPELLED.finditer(text):
        out.append(text[last : m.start()])
        moved.extend(offsets[last : m.start()])
        written = _spelled_number(m)
        out.append(written)
        span = m.end() - m.start()
        moved.extend(offsets[m.start() + min(i, span - 1)] for i in range(len(written)))
        last = m.end()
    out.append(text[last:])
    moved.extend(offsets[last:])
    offsets[:] = moved
    return "".join(out)


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
            if out and out[-1][-1:] in _DIGITS and j < n and _CHAR_MAP.get(text[j], text[j])[:1] in _DIGITS:
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
    return _spell_out("".join(out), offsets), offsets


def normalize(text: str) -> str:
    """Half-width punctuation, simplified forms, no whitespace (one space between digits), every
    dash (— – - － ~ ～ 至) as "-", spelled-out ratios and years in digits (百分之五 → 5%, 二〇二五年 →
    2025年). Offsets back into `text` come from `normalize_with_offsets`."""
    text = text.translate(_TRANSLATE)
    if "至" in text:  # the `in` tests skip a regex pass over most cells
        text = _ZHI_DASH.sub("-", text)
    # The first alternative matches whitespace between two digits (kept as one space).
    text = _SPACE_RUN.sub(lambda m: "" if m.group(1) is None else " ", text)
    text = _DASH_RUN.sub("-", text) if "--" in text else text
    return _spell_out(text)


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


# Tokens that carry their unit (5%, 1次, 11月, 20日, 2024年, 10户) end in these characters.
_UNIT_SUFFIX = re.compile(r"[^\d.一二两三四五六七八九十]+$")


def _pos(tok: Token) -> int:
    """Where a lexed token starts. Lark sets it on every token it lexes; the stubs allow None
    only for tokens made by hand, which never reach here."""
    assert tok.start_pos is not None
    return tok.start_pos


def _end(tok: Token) -> int:
    """Where a lexed token ends (see _pos)."""
    assert tok.end_pos is not None
    return tok.end_pos


def _int(tok: Token) -> int:
    """The integer a number token starts with: 12, 十二, 1次, 11月 …"""
    text = _UNIT_SUFFIX.sub("", tok.value)
    if tok.type == "DECIMAL":
        raise _Invalid(_pos(tok), "次数、户数、月份和日期应为整数")
    return int(text) if text.isdigit() else _cn_int(text)


def _dec(tok: Token) -> Decimal:
    if tok.value.endswith("‰"):  # per mille: 5‰ is 0.5%
        return Decimal(tok.value[:-1]) / 10
    text = tok.value.rstrip("%")  # INT, DECIMAL, CNUM or PCT
    return Decimal(text) if text[:1].isdigit() else Decimal(_cn_int(text))


_BOUNDS = {
    **dict.fromkeys(
        (
            "不低于",
            "不少于",
            "不小于",
            "至少",
            "最低",
            "最少",
            ">=",
            ">",
            "原则上不低于",
            "原则上不少于",
            "原则上至少",
        ),
        v.AT_LEAST,
    ),
    **dict.fromkeys(("以上", "及以上", "(含)以上", "或以上"), v.AT_LEAST),
    **dict.fromkeys(
        (
            "不高于",
            "不超过",
            "不大于",
            "最高",
            "最多",
            "至多",
            "<=",
            "<",
            "以下",
            "及以下",
            "以内",
            "原则上不高于",
        )
        + ("原则上不超过",),
        v.AT_MOST,
    ),
    **dict.fromkeys(("约", "约为", "大约", "大概", "左右"), v.ABOUT),
}
_NUMBER_TYPES = frozenset(("INT", "DECIMAL", "CNUM", "PCT", "TIMES", "COUNT", "WAN"))
_FREQ_PER = re.compile(r"([^-次轮/]+)(?:-([^次轮/]+))?[次轮]?/每?([^/]+)(?:/.+)?")


# 原则上不低于 · 一般不低于 · 应当不低于 · 不得低于: a hedge or a must before a bound (grammar BOUND_HEDGED)
# states the bound itself.
_HEDGE = re.compile(r"^(?:原则上|一般|应当|应|须|必须)")


def _bound(tokens: list[Token]) -> str:
    """The bound a BOUND_PRE / BOUND_HEDGED / BOUND_POST token among `tokens` states (the last one wins)."""
    bound = v.EXACT
    for t in tokens:
        if t.type in ("BOUND_PRE", "BOUND_HEDGED", "BOUND_POST"):
            bound = _BOUNDS[_HEDGE.sub("", t.value).replace("不得", "不")]
    return bound


_COUNT_UNIT = re.compile(r"(?:万)?([^\d.万]+)$")
_CMP = re.compile(r"(>=|<=|=+|>|<)(\d+)")


def _count_int(tok: Token) -> int:
    """A count token's number, 万 included: 40065户 → 40065, 1.5万户 → 15000."""
    m = re.match(r"(\d+(?:\.\d+)?)(万?)", tok.value)
    assert m is not None  # the grammar's count tokens start with a number
    number = Decimal(m.group(1)) * (10000 if m.group(2) else 1)
    if tok.type == "DECIMAL" or number != number.to_integral_value():
        raise _Invalid(_pos(tok), "户数应为整数")
    return int(number)


def _cn_or_int(text: str) -> int:
    return int(text) if text.isdigit() else _cn_int(text)


_PERIODS = {
    "年": "year",
    "年度": "year",
    "半年": "half-year",
    "季度": "quarter",
    "季": "quarter",
    "月": "month",
    "个月": "month",
}


@dataclasses.dataclass(frozen=True, slots=True)
class _EachLevel:
    """A self-run item with 分别: it distributes over the level-only items listed before it."""

    pair: v.ModePair


# 牵头 · 统筹 · 部署 with no word of drawing or initiating: a level that leads, which may only guide
_GUIDE_WORDS = frozenset(("牵头", "统筹", "部署"))


@dataclasses.dataclass(frozen=True, slots=True)
class _Guide:
    """A level that leads with no word of drawing (市局牵头, 市局统筹): who draws, unless a lower level
    runs the task itself in the same cell (县区局自行组织发起，市局牵头), where it guides."""

    pair: v.ModePair


@dataclasses.dataclass(frozen=True, slots=True)
class _Items:
    """Several mode items read as one grammar item (市局牵头，县区局自行组织发起: the leading level, then the
    levels that run the task), which the mode reads as if written one by one."""

    items: tuple[Any, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class _Bare:
    """A level named with no verb of its own (县区局, 县(区)级市场监管部门): who inspects, unless a
    self-run item right after it (县区局、市局各园区分局自行组织发起) says what the bodies listed do."""

    pair: v.ModePair


_LEVELS = {
    "省": "province",
    "自治区": "province",
    "市": "city",
    "地区": "city",
    "县": "county",
    "县市": "county",
    "县区": "county",
    "县市区": "county",
    "区": "county",
    "旗": "county",
    "州": "city",
    "盟": "city",
    # relative to the plan's own level (values.Mode.at_level)
    **dict.fromkeys(("本级", "本局", "本部门", "自"), v.OWN),
    **dict.fromkeys(("上级", "上"), v.UPPER),
    **dict.fromkeys(("下级", "下"), v.LOWER),
}
_LEVEL_TOKENS = frozenset(("LEVEL", "REL", "ZONE", "BRANCH", "TOWN"))
_BELOW = {"省": "city", "市": "county"}


def _level(token: Token) -> str:
    """A mode's level word as a level: a branch of a bureau (市局直属分局, 市局各园区分局) is the level
    below the bureau's; a functional zone or a zone's 分局 (新区抽新区查, 各分局) acts at county level
    (planlint.places); a township body or a county bureau's station (乡镇, 街道, 市场监管所) is the township
    level."""
    if token.type == "BRANCH":
        return _BELOW[token.value[0]]
    if token.type == "TOWN":
        return "township"
    return "county" if token.type == "ZONE" else _LEVELS[token.value]


# STYLE wordings → values.MODE_STYLES keys, by the word that decides
_STYLE_WORDS = (
    ("联动", "linked"),
    ("委托", "delegated"),
    ("交叉", "cross"),
    ("一体", "integrated"),
    ("联合", "joint"),
)


def _style(text: str) -> str:
    return next(key for word, key in _STYLE_WORDS if word in text)


@dataclasses.dataclass(frozen=True, slots=True)
class _Style:
    """How a mode cell says the task is run (联合抽查, 上下联动): a key of values.MODE_STYLES."""

    key: str


_TIER_WORDS = {
    "低风险": "A",
    "一般风险": "B",
    "较高风险": "C",
    "高风险": "D",
    "守信": "A",
    "警示": "B",
    "失信": "C",
    "严重失信": "D",
    # the tiers of a list that writes 风险 once (低、一般、较高、高风险 · 低、中、高风险)
    "低": "A",
    "一般": "B",
    "较高": "C",
    # the middle tier of a three-tier scheme (低、中、高风险): see _risk_scheme
    "中风险": "M",
    "中": "M",
    # 河南's tiers between them: 中高风险 (with 中 and 高 the national 较高 of four), 中低风险 (five)
    "中高风险": "MH",
    "中低风险": "ML",
    # 风险较低的企业 · 风险较高的: the words the other way round
    "风险较低": "A",
    "风险低": "A",
    "风险一般": "B",
    "风险较高": "C",
    "风险高": "D",
    # a name with its letter (低风险(A类)): one tier
    **{
        f"{word}({letter}{kind})": letter
        for word, letter in (("低风险", "A"), ("一般风险", "B"), ("较高风险", "C"), ("高风险", "D"))
        for kind in "类级"
    },
}


def _check_date(point: v.DatePoint, pos: int) -> v.DatePoint:
    if point.year is not None and not 1900 <= point.year <= 2100:
        raise _Invalid(pos, f"年份{point.year}无效")
    if 1900 <= point.month <= 2100:  # 2024-2025: years where months belong
        raise _Invalid(pos, f"「{point.month}」是年份，不是月份；请写明起止月份，如“{point.month}年3月—11月”")
    if point.month >= 100:  # 20229: a year and a month run together (a mirror dropped 年 and 月)
        raise _Invalid(pos, f"「{point.month}」不是月份；日期请写成“2022年9月”或“2022/9/1”的形式")
    if not 1 <= point.month <= 12:
        raise _Invalid(pos, f"月份应在1—12之间（此处为{point.month}月）")
    if point.day is not None:
        # Without a year, 2月29日 is allowed (it exists in leap years).
        last = v.days_in_month(point.year or 2000, point.month)
        if not 1 <= point.day <= last:
            raise _Invalid(pos, f"日期不存在：{point.month}月没有{point.day}日")
    return point


@dataclasses.dataclass(frozen=True, slots=True)
class _Part:
    """A quota part (Ratio, Count, Frequency or _Base) and the offset it starts at."""

    value: Any
    pos: int


@dataclasses.dataclass(frozen=True, slots=True)
class _Base:
    count: v.Count


@dataclasses.dataclass(frozen=True, slots=True)
class _Cap:
    """A frequency cap (上限:2次/年), for the frequency it follows."""

    frequency: v.Frequency


_TIER_LETTERS = re.compile(r"[A-E]")
_TIER_RISK = {"低": "A", "一般": "B", "较高": "C", "高": "D", "中": "M"}
_LETTER_RANGE = re.compile(r"([A-E])(?:类|级)?-([A-E])")


def _letters(text: str) -> list[str]:
    """The tier letters a TIER_LETTERS / TIER_ORDER / TIER_LABEL token names: A、B类 → [A, B];
    A类-E类 → [A, B, C, D, E]."""
    m = _LETTER_RANGE.search(text)
    if m is not None:
        first, last = (ord(c) for c in m.groups())
        return [chr(c) for c in range(min(first, last), max(first, last) + 1)]
    return _TIER_LETTERS.findall(text)


_CREDIT_TIER = re.compile(r"严重失信|守信|警示|失信")


def _label_tiers(label: str) -> list[str]:
    """A类 → [A]; 对B、C类企业 → [B, C]; 较高风险企业 → [C]; 严重失信企业 → [D]."""
    label = label.removeprefix("其中").removeprefix("对")
    if label[0] in "ABCDE":
        return _letters(label.split("类")[0].split("级")[0])
    if (credit := _CREDIT_TIER.match(label)) is not None:
        return [_TIER_WORDS[credit.group(0)]]
    return [_TIER_RISK[label.partition("风险")[0]]]


def _merge(old: Any, new: Any, pos: int) -> Any:
    """A second ratio or count in one cell: a floor and a ceiling (不低于10%，不高于30%) make a range;
    anything else is two answers to one question."""
    if old is None:
        return new
    bounds = {old.bound, new.bound}
    if bounds == {v.AT_LEAST, v.AT_MOST} and old.high is None and new.high is None:
        low, high = (old, new) if old.bound == v.AT_LEAST else (new, old)
        if isinstance(old, v.Count):
            return v.Count(low.low, high.low, v.RANGE, low.unit or high.unit)
        return v.Ratio(low.low, high.low, v.RANGE)
    what = "比例" if isinstance(old, v.Ratio) else "数量"
    raise _Invalid(pos, f"一个单元格中写了两个{what}，无法确定以哪个为准（上下限请写“不低于10%，不高于30%”）")


def _assemble(items: list[Any]) -> v.Quota:
    """A quota cell's parts, in order, → one Quota (see the grammar's quota section)."""
    own: dict[str, Any] = {}
    tiers: list[tuple[list[str], dict[str, Any], int]] = []
    levels: list[tuple[str, dict[str, Any], int]] = []  # 市级2% 区级10%
    kinds: list[tuple[str, dict[str, Any], int]] = []  # 企业5%，个体工商户1%
    notes: list[str] = []
    slot = own
    for item in items:
        if isinstance(item, Token) and item.type == "TIER_LABEL":
            tiers.append((_label_tiers(item.value), {}, _end(item)))
            slot = tiers[-1][1]
            continue
        if isinstance(item, Token) and item.type == "LEVEL_LABEL":
            levels.append((_LEVELS[item.value[0]], {}, _end(item)))
            slot = levels[-1][1]
            continue
        if isinstance(item, Token) and item.type == "KIND_LABEL":
            kinds.append((_KIND_PREFIX.sub("", item.value), {}, _end(item)))
            slot = kinds[-1][1]
            continue
        if isinstance(item, Token) and item.type == "TIER_EXEMPT":
            if not tiers or slot:
                raise _Invalid(_pos(item), "“不抽查”应紧跟在风险类别之后，如“A类企业不抽查”")
            slot["exempt"] = True
            continue
        if (
            isinstance(item, Token) and item.type != "PAREN"
        ):  # a lead (抽查比例:, 抽查频次:) says nothing more
            continue
        if isinstance(item, Token):  # PAREN: a count (5%(10户)), a ratio (50户(5%)) or a note
            text = item.value[1:-1]
            count = _paren_count(text) if "count" not in slot else None
            ratio = _paren_ratio(text) if "ratio" not in slot else None
            frequency = _paren_frequency(text) if "frequency" not in slot else None
            if count is not None:
                slot["count"] = count
            elif ratio is not None:
                slot["ratio"] = ratio
            elif frequency is not None:
                slot["frequency"] = frequency
            elif text:
                notes.append(text)
            continue
        value, pos = item.value, item.pos
        if isinstance(value, _Cap):
            if "cap" in own:
                raise _Invalid(pos, "一个单元格中写了两个频次上限，无法确定以哪个为准")
            own["cap"] = value.frequency
            continue
        if isinstance(value, _Base):
            if tiers or "base" in own:
                raise _Invalid(pos, "抽查基数只能写一个")
            own["base"] = value.count
        elif isinstance(value, v.Frequency):
            if "frequency" in slot:
                raise _Invalid(pos, "一个单元格中写了两个频次，无法确定以哪个为准")
            slot["frequency"] = value
        else:
            key = "ratio" if isinstance(value, v.Ratio) else "count"
            slot[key] = _merge(slot.get(key), value, pos)
    for _names, got, end in tiers:
        if not got:
            raise _Invalid(end, "类别后缺少比例、户数或频次，如“A类3%”")
    by_level = []
    for level, got, end in levels:
        if "ratio" not in got:
            raise _Invalid(end, "层级后应写比例，如“市级2%，区级10%”")
        by_level.append((level, got.pop("ratio")))
        for key, value in got.items():  # 市级2%；1次/年: what follows the last level's ratio is the task's
            if key in own:
                raise _Invalid(end, "一个单元格中写了两个频次或数量，无法确定以哪个为准")
            own[key] = value
    by_kind = _kind_ratios(kinds, own, notes)
    _scheme, rename = _risk_scheme([tier for names, _, _ in tiers for tier in names])
    specs = tuple(
        v.TierSpec(
            rename.get(tier, tier),
            got.get("ratio"),
            got.get("frequency"),
            got.get("count"),
            got.get("exempt", False),
        )
        for names, got, _ in tiers
        for tier in names
    )
    if not own and not specs and not levels and not by_kind:
        raise _Invalid(0, "只有括号内的说明，缺少比例、户数或频次")
    frequency, cap = own.get("frequency"), own.pop("cap", None)
    if cap is not None and frequency is not None:
        frequency = dataclasses.replace(frequency, cap=cap)
    elif cap is not None:  # a cap alone: how often one object may be inspected at most
        frequency = dataclasses.replace(cap, bound=v.AT_MOST)
    return v.Quota(
        own.get("ratio"),
        own.get("count"),
        frequency,
        "；".join(notes) or None,
        own.get("base"),
        specs,
        by_level=tuple(by_level),
        by_kind=by_kind,
    )


_KIND_PREFIX = re.compile(r"^(?:其中)?对?")


def _kind_ratios(
    kinds: list[tuple[str, dict[str, Any], int]], own: dict[str, Any], notes: list[str]
) -> tuple[tuple[str, v.Ratio], ...]:
    """The ratio of each kind of object a quota cell names (企业5%，个体工商户1%). One kind alone
    (企业抽查比例5%) names the task's objects: its ratio is the task's. What follows a kind's ratio
    (企业5%，个体户1%；1次/年) is the task's, as after a level's; a frequency or count that differs
    between kinds is kept as a note, with its kind."""
    for kind, got, end in kinds:
        if "ratio" not in got:
            raise _Invalid(end, f"「{kind}」后应写比例，如“企业5%，个体工商户1%”")
        for key in [k for k in got if k != "ratio"]:
            value = got.pop(key)
            if key not in own:
                own[key] = value
            elif own[key] != value:
                notes.append(f"{kind}{value.canonical()}")
    if len(kinds) == 1 and "ratio" not in own:
        own["ratio"] = kinds[0][1]["ratio"]
        return ()
    return tuple((kind, got["ratio"]) for kind, got, _ in kinds)


class _FieldTransformer(Transformer):
    """Parse tree → values. Used inline by the LALR parser, so no trees are ever built. Most
    rules hand over their tokens directly; the methods read them by terminal type."""

    def __init__(self) -> None:
        super().__init__(visit_tokens=False)

    # ---- quota
    # Parts of a quota are handed up as _Part(value, offset) so that the cell can be checked whole.
    def ratio(self, c: list[Token]) -> _Part:
        if c[0].type == "FULL_COVER":  # 全覆盖
            return _Part(v.Ratio(Decimal(100)), _pos(c[0]))
        nums = [t for t in c if t.type in _NUMBER_TYPES]
        if len(nums) == 2:
            return _Part(v.Ratio(_dec(nums[0]), _dec(nums[1]), v.RANGE), _pos(nums[0]))
        return _Part(v.Ratio(_dec(nums[0]), None, _bound(c)), _pos(nums[0]))

    def amount(self, c: list[Token]) -> _Part:
        nums = [t for t in c if t.type in _NUMBER_TYPES]
        m = _COUNT_UNIT.search(nums[-1].value)
        assert m is not None  # an amount's last number carries its unit (grammar)
        unit = m.group(1)
        if len(nums) == 2:
            return _Part(v.Count(_int(nums[0]), _count_int(nums[1]), v.RANGE, unit), _pos(nums[0]))
        return _Part(v.Count(_count_int(nums[0]), None, _bound(c), unit), _pos(nums[0]))

    def base(self, c: list[Token]) -> _Part:
        num = next(t for t in c if t.type in _NUMBER_TYPES)
        m = _COUNT_UNIT.search(num.value)
        count = v.Count(_count_int(num), None, _bound(c), m.group(1) if m else "")
        return _Part(_Base(count), _pos(num))

    def quota(self, c: list[Any]) -> v.Quota:
        return _assemble(c)

    count = quota

    def bare_count(self, c: list[Token]) -> v.Quota:
        num = next(t for t in c if t.type in _NUMBER_TYPES)
        notes = [t.value[1:-1] for t in c if t.type == "PAREN" and t.value[1:-1]]
        return v.Quota(count=v.Count(_int(num), None, _bound(c), ""), note="；".join(notes) or None)

    # ---- frequency
    def frequency(self, c: list[Any]) -> v.Frequency:
        parts = [x.value for x in c if isinstance(x, _Part)]
        main = next(p for p in parts if isinstance(p, v.Frequency))
        cap = next((p.frequency for p in parts if isinstance(p, _Cap)), None)
        return dataclasses.replace(main, cap=cap) if cap is not None else main

    def freq_cap(self, c: list[Any]) -> _Part:
        """上限:2次/年/单位: the cap on how often one object is inspected."""
        part = c[-1]
        return _Part(_Cap(part.value), part.pos)

    def freq(self, c: list[Token]) -> _Part:
        period = None
        nums: list[Token] = []
        pos = _pos(c[0])
        for t in c:
            if t.type == "FREQ_PER":
                m = _FREQ_PER.fullmatch(t.value)
                assert m is not None
                low, high, per = m.groups()
                lo = _cn_or_int(low)
                hi = _cn_or_int(high) if high else None
                return _Part(v.Frequency(lo, None if hi == lo else hi, _PERIODS[per], _bound(c)), pos)
            if t.type == "PERIOD":
                period = _PERIODS[t.value]
            elif t.type in ("THIS_YEAR", "YEAR_AVG", "SAME_OBJECT_YEAR"):
                period = "year"
            elif t.type in _NUMBER_TYPES:
                nums.append(t)
        low = _int(nums[0])
        high = _int(nums[1]) if len(nums) == 2 else None
        return _Part(v.Frequency(low, None if high == low else high, period, _bound(c)), pos)

    def freq_nper(self, c: list[Token]) -> _Part:
        if _int(c[0]) != 1:
            raise _Invalid(_pos(c[0]), "频次应为每年、每半年、每季度或每月若干次")
        return _Part(self.freq(c[1:]).value, _pos(c[0]))

    def freq_cmp(self, c: list[Token]) -> v.Frequency:
        """`=1`, `>=1`, `≥1` in a frequency column: so many times (per task), written as a comparison."""
        m = _CMP.fullmatch(c[-1].value)
        assert m is not None  # the grammar's comparison token has this form
        sign, number = m.groups()
        if sign in ("<", "<="):
            raise _Invalid(_pos(c[-1]), "频次应写下限或确数，如“1次/年”“不少于1次/年”")
        bound = v.AT_LEAST if sign.startswith(">") else v.EXACT
        return v.Frequency(int(number), None, None, bound, notation="comparison")

    # ---- window
    def span(self, c: list[Token]) -> v.Window:
        start, end = (_date_point(t) for t in c if t.type in _DATE_TYPES)
        # A year written once covers both ends: 2024年4月至9月 (2024年10月至次年3月: the year after).
        if start.year is not None and end.year is None:
            end = dataclasses.replace(end, year=start.year + end.next_year, next_year=False)
        elif end.year is not None and start.year is None:
            start = dataclasses.replace(start, year=end.year)
        return _qualified(v.Window(start, end), c)

    def month_pair(self, c: list[Token]) -> v.Window:
        year = _int(c[0]) if c[0].type == "YEAR" else None
        first, last = (t for t in c if t.type in ("INT", "CNUM", "MONTH"))
        window = v.Window(
            _check_date(v.DatePoint(_int(first), None, year), _pos(first)),
            _check_date(v.DatePoint(_int(last), None, year), _pos(last)),
        )
        return _qualified(window, c)

    def point(self, c: list[Token]) -> v.Window:
        """11月 · 5月下旬 · 2021/5/20: the window is that month, stretch or day. A month's end alone
        (10月底, 10月末) is when the task is done: a deadline, as 10月底前 is."""
        date = _date_point(c[0])
        if date.part == "底" and date.day is None:
            return _qualified(v.Window(v.DatePoint(1, None, date.year), date, deadline_only=True), c)
        return _qualified(v.Window(date, date), c)

    def counted_window(self, c: list[Any]) -> v.Window:
        window: v.Window = c[0]
        paren = c[-1].value[1:-1] if len(c) > 1 else ""
        return dataclasses.replace(window, qualifier="；".join(x for x in (window.qualifier, paren) if x))

    def counted_point(self, c: list[Token]) -> v.Window:
        """3月检查4家: the month, and how many objects as its remark."""
        return _with_count(self.point(c[:1]), c)

    def counted_span(self, c: list[Token]) -> v.Window:
        """3月-10月抽查5户: the span, and how many objects."""
        head = [t for t in c if t.type not in ("VERB", "COUNT")]
        span = self.span(head) if sum(t.type in _DATE_TYPES for t in head) == 2 else self.month_pair(head)
        return _with_count(span, c)

    def counted_period(self, c: list[Token]) -> v.Window:
        """第三季度检查20家: the quarter, and how many objects as its remark."""
        return _with_count(self.named_period([t for t in c if t.type not in ("VERB", "COUNT")]), c)

    def deadline(self, c: list[Token]) -> v.Window:
        end = _date_point(next(t for t in c if t.type in _DATE_TYPES))
        return _qualified(v.Window(v.DatePoint(1, None, end.year), end, deadline_only=True), c)

    def whole_year(self, c: list[Token]) -> v.Window:
        """全年 · 2025年全年 (the year kept where one is written before it)."""
        year = _int(c[0]) if c[0].type == "YEAR" else None
        return _qualified(
            v.Window(v.DatePoint(1, None, year), v.DatePoint(12, None, year), whole_year=True), c
        )

    def year_only(self, c: list[Token]) -> v.Window:
        """2025年: the whole of that year (window-other-year compares the year with the plan's)."""
        year = _int(c[0])
        start = _check_date(v.DatePoint(1, None, year), _pos(c[0]))
        return _qualified(v.Window(start, v.DatePoint(12, None, year), whole_year=True), c)

    def batch(self, c: list[Any]) -> v.Window:
        return c[-1]

    def window_batches(self, c: list[Any]) -> v.Window:
        batches = tuple(x for x in c if isinstance(x, v.Window))
        paren = c[-1] if not isinstance(c[-1], v.Window) and c[-1].type == "PAREN" else None
        qualifier = paren.value[1:-1] or None if paren is not None else None
        counts = [b.count for b in batches]
        total = None  # 3月检查4家;9月检查4家: 8家 in all
        if all(n is not None for n in counts):
            total = v.Count(sum(n.low for n in counts if n is not None), unit=batches[0].count.unit)  # type: ignore[union-attr]
        return v.Window(batches[0].start, batches[-1].end, batches=batches, qualifier=qualifier, count=total)

    def until_year_end(self, c: list[Token]) -> v.Window:
        """3月至年底 · 自3月起至年底: from a date to the end of its year."""
        start = _date_point(next(t for t in c if t.type in _DATE_TYPES))
        return _qualified(v.Window(start, v.DatePoint(12, None, start.year, part="底")), c)

    def open_start(self, c: list[Token]) -> v.Window:
        """2025年3月起 · 自3月起 · 3月份开始: from that date to the end of its year (`Window.open_end`)."""
        start = _date_point(c[0])
        end = v.DatePoint(12, None, start.year, next_year=start.next_year, part="底")
        return _qualified(v.Window(start, end, open_end=True), c)

    def from_now(self, c: list[Token]) -> v.Window:
        """自即日起 · 即日起开展 · 自印发之日起: from the notice's date, which the cell does not state, and no
        end. Read as the year with its end left open (`open_end`: window-open-end asks for the dates,
        the deadline rules do not rest on the year's end); the wording is kept as the label."""
        label = c[0].value.lstrip("自从")
        window = v.Window(v.DatePoint(1), v.DatePoint(12, part="底"), open_end=True, label=label)
        return _qualified(window, c)

    def named_period(self, c: list[Token]) -> v.Window:
        """第二季度 · 二、三季度 · 前三季度 · 上半年 · 年底前, optionally after a year (2023年第四季度); 即日起至年底
        (the notice's date, unknown to the cell: the deadline alone)."""
        year = next((_int(t) for t in c if t.type == "YEAR"), None)
        tok = next(t for t in c if t.type in ("QUARTERS", "HALF_YEAR", "YEAR_END"))
        before = any(t.type == "BEFORE" for t in c)
        if tok.type == "YEAR_END":
            # 年底 is the year's last day, as 12月底 is: plainly past a 12月20日 deadline
            start_point, end_point = v.DatePoint(1, None, year), v.DatePoint(12, None, year, part="底")
            return _qualified(v.Window(start_point, end_point, deadline_only=True, label="年底"), c)
        if tok.type == "HALF_YEAR":
            first = tok.value[0] == "上"
            start, end, label = (1, 6, "上半年") if first else (7, 12, "下半年")
            batches: tuple[v.Window, ...] = ()
        else:
            quarters = _quarters(tok)
            start, end = quarters[0] * 3 - 2, quarters[-1] * 3
            label = _quarter_label(tok.value, quarters)
            runs = _runs(quarters)
            batches = ()
            if len(runs) > 1:  # 一、三季度: two stretches, like two batches
                batches = tuple(
                    v.Window(
                        v.DatePoint(a * 3 - 2, None, year),
                        v.DatePoint(b * 3, None, year),
                        label=_quarter_label("", list(range(a, b + 1))),
                    )
                    for a, b in runs
                )
        window = v.Window(
            v.DatePoint(1 if before else start, None, year),
            v.DatePoint(end, None, year),
            batches=batches,
            deadline_only=before,
            label=label,
        )
        return _qualified(window, c)

    # ---- mode
    def mode_item(self, c: list[Token]) -> tuple[v.ModePair, ...]:
        """市抽县查 · 省抽市县查 (one drawing level, each inspecting level after it) · 自抽自查 ·
        上级抽取、本级检查."""
        levels = [_level(t) for t in c if t.type in _LEVEL_TOKENS]
        return tuple(v.ModePair(levels[0], inspect) for inspect in dict.fromkeys(levels[1:]))

    def level_only(self, c: list[Token]) -> v.ModePair | _Bare:
        """县 · 县(区)级市场监管部门 · 本级: the level that inspects; who selects is not said."""
        pair = v.ModePair(None, _level(c[0]))
        return pair if any(t.type == "INSPECT" for t in c) else _Bare(pair)

    def assist(self, c: list[Token]) -> v.ModePair:
        """配合省级检查: the level named runs it (draws), the plan's own level takes part in inspecting."""
        return v.ModePair(_level(c[1]), v.OWN)

    def select_only(self, c: list[Token]) -> v.ModePair | _Guide:
        """市局抽取 · 市级统一组织发起 · 上级抽取: the level that draws; who inspects is not said.
        市局牵头 · 市局统筹 (a coordinating word alone) may be guidance instead (see _Guide)."""
        pair = v.ModePair(_level(c[0]), None)
        return _Guide(pair) if any(t.type == "INITIATE" and t.value in _GUIDE_WORDS for t in c) else pair

    def self_run(self, c: list[Token]) -> v.ModePair | _EachLevel:
        """县级组织实施 · 县局自行抽取 · 本级抽查 · 自行抽查 (no level: the plan's own): the level
        selects and inspects; with 分别 (市、县级分别组织发起) so does each level named before it. (Bare
        levels listed before any self-run item run it too: see _Bare and mode.)"""
        level = _level(c[0]) if c[0].type in _LEVEL_TOKENS else v.OWN
        pair = v.ModePair(level, level)
        each = any(t.type == "SELF_RUN" and t.value.startswith("分别") for t in c)
        return _EachLevel(pair) if each else pair

    def lead_run(self, c: list[Token]) -> _Items:
        """市局牵头，县区局自行组织发起 · 省局部署，市县分别组织实施 · 市局抽取，县局自行组织发起: a leading
        level, then levels that run the task themselves, read as the two items they are (and as the reverse
        order, 县区局自行组织发起，市局牵头, reads them): the leader as select_only, the levels listed before
        the last as bare levels, the last with the self-run words (分别 distributing over those before)."""
        lead = next(i for i, t in enumerate(c) if t.type == "INITIATE") + 1
        rest = [t for t in c[lead:] if t.type != "SEND"]
        at = [i for i, t in enumerate(rest) if t.type in _LEVEL_TOKENS]
        bare = tuple(_Bare(v.ModePair(None, _level(rest[i]))) for i in at[:-1])
        return _Items((self.select_only(c[:lead]), *bare, self.self_run(rest[at[-1] :])))

    def style(self, c: list[Token]) -> _Style:
        """联合抽查 · 上下联动 · 委托检查 · 交叉检查 · 抽查检查一体."""
        return _Style(_style(c[0].value))

    def mode(self, c: list[Any]) -> v.Mode:
        pairs: list[v.ModePair] = []
        styles: list[str] = []
        bare = 0  # how many of the last pairs are bare levels (_Bare), listed right before this item
        c = [x for i in c for x in (i.items if isinstance(i, _Items) else (i,))]
        guides = [i.pair for i in c if isinstance(i, _Guide)]
        c = [i.pair if isinstance(i, _Guide) else i for i in c]
        for item in c:
            if isinstance(item, _Bare):
                pairs.append(item.pair)
                bare += 1
                continue
            if (
                isinstance(item, v.ModePair)
                and item.select is not None
                and item.select == item.inspect
                and bare
            ):
                # 县区局、市局各园区分局自行组织发起 · 县、区局自行组织发起 · 县区局，自行组织发起: the bodies
                # listed before a self-run item run theirs too (one initiator per level named, not a level
                # inspecting beside it); a self-run item naming no level (自行组织发起) is theirs
                start = len(pairs) - bare
                pairs[start:] = [v.ModePair(p.level, p.level) for p in pairs[start:]]
                if item.select != v.OWN:
                    pairs.append(item)
                bare = 0
                continue
            bare = 0
            if isinstance(item, _EachLevel):
                # 市、县级分别组织发起: the levels listed before (read as level-only) run their own too
                start = len(pairs)
                while start and pairs[start - 1].select is None:
                    start -= 1
                pairs[start:] = [v.ModePair(p.level, p.level) for p in pairs[start:]]
                pairs.append(item.pair)
            elif isinstance(item, tuple):
                pairs += item
            elif isinstance(item, v.ModePair):
                pairs.append(item)
            elif isinstance(item, _Style):
                styles.append(item.key)
            elif (
                isinstance(item, Token) and item.type == "LINKED"
            ):  # 省市县联动: the levels before it, linked
                styles.append("linked")
        # 县区局自行组织发起，市局牵头: a leading level above one that runs the task itself guides it
        runs = [p.select for p in pairs if p.select is not None and p.select == p.inspect]
        pairs = [
            p
            for p in pairs
            if p not in guides
            or not any(r in v.LEVEL_RANKS and v.LEVEL_RANKS[r] < v.LEVEL_RANKS.get(p.level, 0) for r in runs)
        ]
        unique = dict.fromkeys(pairs)
        return v.Mode(
            tuple(p for p in unique if not p.relative),
            tuple(p for p in unique if p.relative),
            tuple(dict.fromkeys(styles)),
        )

    # ---- risk and title: flat token streams
    def risk(self, c: list[Token]) -> v.RiskClause:
        return _risk_clause(c)

    def place_org(self, c: list[Token]) -> tuple[str, str | None]:
        place = c[0].value
        return place, place + c[1].value if len(c) > 1 else None

    def title(self, c: list[Any]) -> v.PlanTitle:
        place = issuer = None
        year = None
        joint = False
        for item in c:
            if isinstance(item, tuple):
                if place is None:
                    place, issuer = item
            elif item.type == "T_YEAR" and year is None:
                year = int(item.value)
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


_DATE_TYPES = frozenset(("DATE", "SLASH_DATE", "YEAR_MONTH", "MONTH_DAY"))
_DATE = re.compile(
    r"(?:(\d+)年|(次年|翌年|来年|第二年))?([^年月]+)月份?(?:(.+)[日号]|(底|末|初|[上中下]旬))?"
)


def _date_point(tok: Token) -> v.DatePoint:
    """A DATE (2026年2月24日, 11月) or SLASH_DATE (2021/5/20) token → a checked DatePoint; an
    impossible month or day is reported at its own offset inside the token."""
    if tok.type == "YEAR_MONTH":  # 2024.3
        y, m = re.split(r"[/.]", tok.value)
        return _check_date(v.DatePoint(int(m), None, int(y)), _pos(tok) + len(y) + 1)
    if tok.type == "MONTH_DAY":  # 11.30 · 4/1
        m, d = re.split(r"[/.]", tok.value)
        return _check_date(v.DatePoint(int(m), int(d)), _pos(tok) + len(m) + 1)
    if tok.type == "SLASH_DATE":  # 2021/5/20 · 2021.5.20 · 2024-05-01 · 20240501
        text = tok.value
        y, m, d = re.split(r"[/.-]", text) if not text.isdigit() else (text[:4], text[4:6], text[6:])
        return _check_date(v.DatePoint(int(m), int(d), int(y)), _pos(tok) + len(y) + (not text.isdigit()))
    match = _DATE.fullmatch(tok.value)
    assert match is not None
    year, following, month, day, part = match.groups()
    point = v.DatePoint(
        _cn_or_int(month),
        None if day is None else _cn_or_int(day),
        None if year is None else int(year),
        next_year=following is not None,
        part={"末": "底"}.get(part, part),
    )
    return _check_date(point, _pos(tok) + match.start(3 if day is None else 4))


_QUARTER_NUMS = re.compile(r"[一二两三四1-4]")
_CN_ORDINAL = "一二三四"


def _quarters(tok: Token) -> list[int]:
    """The quarters a QUARTERS token names, in order: 二、三季度 → [2, 3]; 前三季度 → [1, 2, 3];
    一-三季度 → [1, 2, 3]. A quarter out of order (三、二季度) is an invalid window."""
    text = tok.value
    nums = [_cn_or_int(n) if n != "两" else 2 for n in _QUARTER_NUMS.findall(text)]
    if text.startswith("前"):
        return list(range(1, nums[0] + 1))
    if "-" in text and len(nums) == 2:
        nums = list(range(nums[0], nums[1] + 1))
    if nums != sorted(set(nums)):
        raise _Invalid(_pos(tok), "季度应按先后顺序写，且不重复")
    return nums


def _quarter_label(text: str, quarters: list[int]) -> str:
    if text.startswith("前"):
        return f"前{_CN_ORDINAL[quarters[-1] - 1]}季度"
    return "第" + "、".join(_CN_ORDINAL[q - 1] for q in quarters) + "季度"


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    """[1, 2, 4] → [(1, 2), (4, 4)]: the contiguous stretches of a sorted list."""
    runs: list[tuple[int, int]] = []
    for n in numbers:
        if runs and runs[-1][1] == n - 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def _qualified(window: v.Window, tokens: list[Token]) -> v.Window:
    """Attach a trailing parenthetical remark: 2023年3月至11月(各地根据实际情况分阶段开展)."""
    for t in tokens:
        if not isinstance(t, v.Window) and t.type == "PAREN":
            return dataclasses.replace(window, qualifier=t.value[1:-1] or None)
    return window


def _with_count(window: v.Window, tokens: list[Token]) -> v.Window:
    """A window whose cell also says how many objects (3月检查4家): the count, also kept as its
    remark (the window's text as written)."""
    said = "".join(t.value for t in tokens if t.type in ("VERB", "COUNT"))
    count = next(t for t in tokens if t.type == "COUNT")
    unit = _COUNT_UNIT.search(count.value)
    return dataclasses.replace(
        window, qualifier=said, count=v.Count(_count_int(count), unit=unit.group(1) if unit else "户")
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
    "不低于": v.AT_LEAST,
    "不少于": v.AT_LEAST,
    "不超过": v.AT_MOST,
    "以上": v.AT_LEAST,
    "以下": v.AT_MOST,
    "左右": v.ABOUT,
}


_PAREN_RATIO = re.compile(r"(约|不低于|不少于|不超过)?(\d+(?:\.\d+)?)%(以上|以下|左右)?")


def _paren_ratio(inner: str) -> v.Ratio | None:
    """`约50户(5%)`: a parenthesis holding only a ratio is the quota's ratio."""
    m = _PAREN_RATIO.fullmatch(inner)
    if m is None:
        return None
    pre, number, post = m.groups()
    return v.Ratio(Decimal(number), None, _PAREN_BOUNDS.get(post or pre or "", v.EXACT))


# 5%(抽查1次) · 3%(每年不少于1次): a parenthesis holding only a frequency
_PAREN_FREQUENCY = re.compile(
    r"(?:抽查|检查)?(每年|全年|年度|年)?(不少于|至少)?(\d+|[一二两三四五六七八九十]+)[次轮](/年)?"
)


def _paren_frequency(inner: str) -> v.Frequency | None:
    """`5%(每年1次)`, `5%(每半年一次)`: a parenthesis holding only a frequency is the quota's."""
    m = _PAREN_FREQUENCY.fullmatch(inner)
    if m is None:
        value = _parse_normalized("frequency", inner) if inner else None
        return value if isinstance(value, v.Frequency) and value.period is not None else None
    year, least, times, per_year = m.groups()
    period = "year" if year or per_year else None
    return v.Frequency(_cn_or_int(times), None, period, v.AT_LEAST if least else v.EXACT)


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
    The clause records where its tier words, escalation words, numbers and unfinished list are, in
    the parsed text (`_parse_raw` moves them into the text as written).
    """
    tiers: list[str] = []
    specs: list[v.TierSpec] = []
    exemptions: list[str] = []
    escalates = mentions = False
    group: list[str] = []
    group_from = 0  # where the group's first tier word starts
    cur: dict[str, list[Any]] = {}
    at: dict[str, list[tuple[int, int]]] = {}  # where each number of `cur` is
    tier_spans: list[tuple[int, int]] = []
    escalation_spans: list[tuple[int, int]] = []
    bound: str | None = None
    period: str | None = None

    def flush() -> None:
        if cur and group:
            specs.extend(_pair_specs(group, cur, at))
        cur.clear()
        at.clear()

    def attach(key: str, value: Any, tok: Token) -> None:
        # A number not tied to any tier (抽查比例提高10%) says nothing per tier.
        if group:
            cur.setdefault(key, []).append(value)
            at.setdefault(key, []).append(_span(tok))

    for tok in tokens:
        kind = tok.type
        text = tok.value
        if kind in ("TIER_WORD", "TIER_LETTERS", "TIER_ORDER"):
            named = [_TIER_WORDS[text]] if kind == "TIER_WORD" else _letters(text)
            if kind == "TIER_ORDER" and named == sorted(named, reverse=True):  # E类>D类>C类: rises with risk
                escalates = True
                escalation_spans.append(_span(tok))
                named = sorted(named)
            tier_spans.append(_span(tok))
            if cur:
                flush()
                group = []
            if not group:
                group_from = _span(tok)[0]
            for tier in named:
                group.append(tier)
                if tier not in tiers:
                    tiers.append(tier)
        elif kind == "ESCALATE":
            escalates = True
            escalation_spans.append(_span(tok))
        elif kind == "EXEMPT_ALL":
            mentions = True
            if "all" not in exemptions:
                exemptions.append("all")
        elif kind == "EXEMPT":
            exemptions.extend(t for t in group if t not in exemptions)
        elif kind == "R_PCT":
            low_s, _, high_s = text.replace("%", "").partition("-")
            if high_s:
                attach("ratio", v.Ratio(Decimal(low_s), Decimal(high_s), v.RANGE), tok)
            else:
                attach("ratio", v.Ratio(Decimal(low_s), None, bound or v.EXACT), tok)
            bound = None
        elif kind == "R_COUNT":
            m = _RISK_COUNT.fullmatch(text)
            assert m is not None
            low_s, high_s, unit = m.groups()
            if high_s:
                attach("count", v.Count(int(low_s), int(high_s), v.RANGE, unit), tok)
            else:
                attach("count", v.Count(int(low_s), None, bound or v.EXACT, unit), tok)
            bound = None
        elif kind == "R_TIMES":
            times, _, per = text.partition("/")
            low_s, _, high_s = times[:-1].partition("-")
            low = _risk_int(low_s)
            high = _risk_int(high_s) if high_s else None
            freq_period = _PERIODS[per] if per else period
            attach(
                "frequency",
                v.Frequency(low, None if high == low else high, freq_period, bound or v.EXACT),
                tok,
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
    # a clause cut off after a tier (…较高风险、高风险); a cell that is one tier label (低风险) is not cut off
    truncated = last is not None and (
        (last.type in ("TIER_WORD", "TIER_LETTERS", "TIER_ORDER") and len(tokens) > 1)
        or (last.type in ("R_LIST", "R_FILL") and last.value.endswith(_LIST_END))
    )
    cut = None
    if truncated and last is not None:
        cut = (group_from if group else _span(last)[0], _span(last)[1])
    scheme, rename = _risk_scheme(tiers)
    if rename:
        tiers = [rename.get(t, t) for t in tiers]
        specs = [dataclasses.replace(spec, tier=rename.get(spec.tier, spec.tier)) for spec in specs]
        exemptions = [rename.get(t, t) for t in exemptions]
    return v.RiskClause(
        mentions_risk=mentions or bool(tiers),
        tiers=tuple(tiers),
        escalates=escalates,
        specs=tuple(specs),
        exemptions=tuple(exemptions),
        truncated=truncated,
        scheme=scheme,
        tier_spans=tuple(tier_spans),
        escalation_spans=tuple(escalation_spans),
        cut_span=cut,
    )


def _risk_scheme(tiers: list[str]) -> tuple[str | None, dict[str, str]]:
    """The tier scheme a clause uses, and how to rename the tiers read as the four national ones:
    a clause naming 中风险 sets three tiers (低 → L, 中 → M, 高 → H); one naming E类 uses 上海's five
    (A … E, E highest); one naming 中低风险 河南's five words (低, 中低, 中, 中高, 高); one naming 中高风险
    but not 中低 the four national tiers under other names (中 is 一般, 中高 is 较高); else the four
    national tiers (None)."""
    if "ML" in tiers:
        return "graded", {"A": "L", "D": "H"}
    if "MH" in tiers:
        return None, {"M": "B", "MH": "C"}
    if "M" in tiers:
        return "three", {"A": "L", "D": "H"}
    if "E" in tiers:
        return "five", {}
    return None, {}


def _span(tok: Token) -> tuple[int, int]:
    start = tok.start_pos or 0
    return (start, tok.end_pos if tok.end_pos is not None else start + len(tok.value))


def _pair_specs(
    group: list[str], numbers: dict[str, list[Any]], at: dict[str, list[tuple[int, int]]]
) -> list[v.TierSpec]:
    """Specs for one group: a single number applies to all its tiers, a list as long as the
    group pairs up in order; a list that fits neither goes in order, extras to the last tier.
    `at` holds where each number is: a spec gets the places of its numbers."""
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
        where = tuple(sorted(spans[min(i, len(spans) - 1)] for spans in at.values()))
        specs.append(v.TierSpec(tier, got.get("ratio"), got.get("frequency"), got.get("count"), spans=where))
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
        "起止时间不完整，应为“3月—11月”等形式": ["3月-", "2024年3月-"],
    },
    "mode": {
        "缺少“查”，应为“市抽县查”等形式": ["市抽县", "市抽县(区)"],
        "无法识别的层级，应为省、市、县（区）或乡镇（街道、市场监管所）": ["市抽村查", "村抽县查", "市抽"],
    },
}
_EXAMPLES["count"] = _EXAMPLES["quota"]
_GENERIC_HINTS = {
    "quota": "无法识别的抽查比例/数量，应为“不低于5%；1次/年”等形式",
    "count": "无法识别的抽查数量，应为“20户”“不少于10家”等形式",
    "frequency": "无法识别的抽查频次，应为“1次/年”“每季度1次”等形式",
    "window": "无法识别的起止时间，应为“3月—11月”或“2024年4月至9月”等形式",
    "mode": "无法识别的抽查模式，应为“市抽县查”等形式",
    "risk": "无法识别的信用风险分类要求",
    "title": "无法识别的计划标题",
}


def build_parser() -> Lark:
    """The parser for every field kind. Lark's cache=True pickles the LALR tables to a temp file
    keyed by the grammar text, so later processes skip the grammar analysis."""
    from importlib.resources import files  # here, not at import: it pulls in pathlib & co.

    grammar = (files("planlint.bundled.grammar") / "fields.lark").read_text(encoding="utf-8")
    return Lark(
        grammar,
        parser="lalr",
        start=list(KINDS),
        cache=True,
        maybe_placeholders=False,
        transformer=_FieldTransformer(),
    )


@functools.lru_cache(maxsize=1)
def _parser() -> Lark:
    """The one parser of the process."""
    return build_parser()


def _error_offset(err: UnexpectedInput, length: int) -> int:
    if isinstance(err, UnexpectedEOF):
        return length
    if isinstance(err, UnexpectedToken):
        pos = err.token.start_pos if err.token.type != "$END" else length
        return length if pos is None else pos
    if isinstance(err, UnexpectedCharacters):
        return length if err.pos_in_stream is None else err.pos_in_stream
    return 0  # pragma: no cover - the LALR parser raises only the three above


def _hint(kind: str, err: UnexpectedInput) -> str:
    examples = _EXAMPLES.get(kind)
    if examples and err.state is not None:
        parser = _parser()

        def parse_example(text: str) -> Any:
            # An example that trips a date check raises _Invalid, which is no syntax match.
            try:
                return parser.parse(text, start=kind)
            except _Invalid:
                return None

        label = err.match_examples(parse_example, examples, use_accepts=True)
        if label is not None:
            return label
    return _GENERIC_HINTS[kind]


def _parse_normalized(kind: str, norm: str) -> Any:
    """value, or (offset in `norm`, hint) for an error."""
    try:
        return _parser().parse(norm, start=kind)
    except _Invalid as err:
        return (err.pos, err.hint)
    except UnexpectedInput as err:
        return (_error_offset(err, len(norm)), _hint(kind, err))


# ---------------------------------------------------------------------------------- prose quotas

_QUOTA_KINDS = frozenset(("quota", "count", "frequency"))
# Words that leave the number to someone else: 各市根据实际情况确定, 由各科室自行确定, 视情况抽查.
_DELEGATED = re.compile(
    r"实际情况|实际需要|工作实际|自行确定|另行确定|酌情|视情|由各|各[省市县区地科股室队所][^,;。]{0,12}确定"
)
# What split columns hold where they have nothing to say (抽查数量 "/" beside a 抽查比例): an empty cell.
_PLACEHOLDERS = frozenset(("/", "-", "\\", "无", "暂无", "/无", "不适用", "不涉及", "—"))
# How often without a number: 不定期抽查, 根据需要, 根据监管需要确定.
_UNQUANTIFIED = re.compile(r"不定期|根据[\u4e00-\u9fff]{0,4}需要|随时")
_QUANTITY = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?:%|万?(?:户次|家次|户|家|个|件|台|所|批次|批|人|单位)|次)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# The objects a quota counts, named before their number: 重点监管的有机肥料企业约28家，按照100%比例抽取 —
# the number is the base (基数约28家) when a ratio of it follows.
_OBJECT_BASE = re.compile(
    r"^对?[\u4e00-\u9fff()、]{0,30}?(?:企业|经营者|经营户|生产者|主体|单位|机构|门店|场所|商户)(?:共计?|总计|合计)?(?=约|\d)"
)
# Who or when a ratio is about, named before its one 比例: 全年抽查比例不低于1% · 市级医疗保障部门每年对市级及以下
# 经办机构抽查比例之和≥20% — the ratio is the quota; the subject (no number, no risk tier) says nothing more.
_SUBJECT_LEAD = re.compile(
    r"^[^\dA-D%;,。()]{1,40}?(?<!风险)(?:抽查|抽取|抽检|检查)?比[例率](?:之和|总和|合计)?(?!.*比[例率])"
)
# The quota grammar's own words: not prose when counting how much of a text is prose.
_QUOTA_WORDS = re.compile(
    r"不低于|不少于|不小于|不高于|不超过|不大于|至少|至多|最低|最高|最少|最多|以上|以下|以内|左右|大约|约为|约"
    r"|抽查|抽取|抽检|检查|比例|基数|频次|每年|每季度|每半年|每月|年度|全年|本年"
)


# Numbers left to another document: 按照全市联合“双随机”检查文件比例执行 · 按上级部署要求执行 · 以省局方案为准 ·
# 按照上级部门要求 (no number anywhere: a text with one parses, or is prose for review).
_DEFERRED = re.compile(
    r"^[^\d%]*?(?:按照?|依照|参照|依据|根据|执行|以)[^\d%]{0,30}?(?:文件|方案|计划|通知|规定|要求|部署|标准)"
    r"[^\d%]{0,8}?(?:执行|为准|确定|落实|$)"
)


# 省级计划规定比例 · 上级文件确定的比例 · 按省局方案: a number another level's document sets, named without
# a leading verb (no number in the text)
_SUPERIOR_SETS = re.compile(
    r"^[^\d%]{0,6}?(?:省级|市级|县级|上级|省局|市局|总局|国家|省|市)[^\d%]{0,6}?(?:计划|文件|方案|通知|规定|部署)"
    r"[^\d%]{0,6}?(?:规定|确定|要求|明确)?的?(?:抽查)?(?:比例|数量|频次|户数)?$"
)


# 待定 · 待确定 · 暂定 · 另行通知 · 尚未确定: the plan has not decided the number yet (SURVEY S7-6), also beside
# a number that is decided (比例待定，每年1次) or a tentative one (暂定5%). Only for a text that does not parse.
# 未确定 only where it ends a clause: 未确定风险等级的企业 is a kind of object, not an undecided number.
_PENDING = re.compile(r"待定|待确定|待明确|暂定|另行通知|尚未确定|未确定(?=$|[,;。，；、)）])")


def _review_reason(norm: str) -> str | None:
    """Why a quota text that does not parse is prose for a person to check, or None when it is a
    malformed quota (适量抽查, 5%x). Prose leaves the number to others, or states numbers in sentences:
    a sum over several offices (登记科10户、网监科5户，共15户), thresholds (10所及以下的按不少于2所)."""
    if _PENDING.search(norm):
        return "比例或数量尚未确定，写的是待定、暂定或另行通知，请在印发前写明确定的数字"
    if _DELEGATED.search(norm):
        return "比例或数量交由执行单位根据实际情况确定"
    if _DEFERRED.search(norm) or _SUPERIOR_SETS.search(norm):
        return "比例或数量按其他文件或上级要求执行，本计划没有写明，请核对所依据的文件"
    if _UNQUANTIFIED.search(norm):
        return "频次或数量没有写成数字"
    quantities = len(_QUANTITY.findall(norm))
    words = len(_CJK.findall(_QUOTA_WORDS.sub("", _QUANTITY.sub("", norm))))
    if (quantities >= 2 and words >= 4) or (quantities >= 1 and words >= 10):
        return "比例或数量以文字叙述，含多个数字或条件"
    if not quantities and words >= _PROSE_WORDS:
        return "只有文字说明，没有写出比例或数量"
    return None


# 餐饮服务50个,校园食堂5个: a count for each kind of object the task draws from. The kinds are named by
# words only (no tier letter, level or risk class: those are the grammar's), all in one unit.
_KIND_COUNT = re.compile(r"([\u4e00-\u9fff()]{2,20}?)(?:约|共|计)?(\d+)(户|家|个|所|件|台|单位)")
_NOT_A_KIND = re.compile(
    r"其中|风险|合计|共计|总计|每|基数|比例|频次|级$|^(?:抽查|抽取|抽检|检查|随机抽取|计划抽查|拟抽查)$"
)


# 农民专业合作社和个体工商户比例分别为3%和1% · 企业、个体工商户、农民专业合作社分别按5%、3%、1%的比例抽取 ·
# 农资经营企业和商品交易市场各按5%比例抽取: kinds of object listed, then their ratios in the same order after
# 分别 (or 各). `_each_kind` writes the pairs side by side (农民专业合作社3%,个体工商户1%), as the grammar reads
# them: `_KIND` is the grammar's KIND_LABEL without its lookahead (keep the two word lists alike).
_KIND_HEAD = (
    r"(?:农民专业合作社|专业合作社|合作社|农专社|个体工商户|个体经营户|个体户|企业|公司|市场主体|经营主体|经营户|经营者"
    r"|机构|单位|市场|场所|门店|商户)"
)
_KIND = r"(?:(?!抽|检查|比[例率]|按|的|不|约|每|全年|分别|各|和|及|与)[\u4e00-\u9fff]){0,8}?" + _KIND_HEAD
_KIND_RATIO = r"(?:(?:原则上|一般|应当?|须|必须)?(?:不低于|不少于|至少|不得低于|约为?|>=))?\d+(?:\.\d+)?[%‰]"
_EACH_KIND = re.compile(
    rf"^(?:其中)?对?(?P<kinds>{_KIND}(?:[、,和及与]{_KIND})+)的?(?:抽查|抽取|抽检)?(?:比[例率])?"
    rf"(?:分别|各)(?:为|是|按照?|以)?(?P<ratios>{_KIND_RATIO}(?:[、,和及与]{_KIND_RATIO})*)"
    r"(?:的?比[例率])?(?:进行)?(?:随机)?(?:抽取|抽查|抽检|检查)?(?P<rest>(?:[;,。].*)?)$"
)
_KIND_NUMBER = re.compile(r"\d+(?:\.\d+)?[%‰]$")  # what follows a ratio's bound


def _each_kind(norm: str) -> str | None:
    """`A和B比例分别为3%和1%` → `A3%,B1%` (a bound before the first ratio is every ratio's: 分别不低于3%、1%);
    one ratio after 分别 is every kind's (the task's); None when the text is not such a list or the kinds
    and ratios do not pair up."""
    m = _EACH_KIND.match(norm)
    if m is None:
        return None
    kinds = re.findall(_KIND, m.group("kinds"))
    ratios = re.findall(_KIND_RATIO, m.group("ratios"))
    if len(ratios) == 1:  # 企业和个体户分别按3%抽取 · 各按5%比例抽取: one ratio for every kind, the task's
        return f"抽查比例{ratios[0]}{m.group('rest')}"
    if len(kinds) != len(ratios):
        return None
    lead = _KIND_NUMBER.sub("", ratios[0])  # 分别不低于3%、1%: the first ratio's bound is every ratio's
    pairs = [kind + (r if _KIND_NUMBER.sub("", r) else lead + r) for kind, r in zip(kinds, ratios)]
    return ",".join(pairs) + m.group("rest")


# 1.2020年以前设立的市场主体的2%;2.2020年度新设立的市场主体的8%;3.2020年度被立案处罚企业的10%: a numbered list of
# kinds of object described in words (with years, 的), each with its ratio — longer than the grammar's kind.
_KIND_ITEM = re.compile(
    rf"(?:\d{{1,2}}[.、)]|\(\d{{1,2}}\))?(?P<kind>[^;,。%]{{2,30}}?{_KIND_HEAD})的?(?:抽查|抽取)?(?:比[例率])?"
    rf"(?:为|是|:)?(?P<ratio>{_KIND_RATIO})"
)


def _ratios_by_kind(norm: str) -> v.Quota | None:
    """A list of kinds described in words, each with its ratio (1.2020年以前设立的市场主体的2%;2.…的8%): a Quota
    by kind; None for any other text (a risk tier or a level is the grammar's, not a kind)."""
    parts = [p for p in re.split(r"[;。]", norm) if p]
    found = [_KIND_ITEM.fullmatch(p) for p in parts]
    if len(parts) < 2 or any(m is None or _NOT_A_KIND.search(m.group("kind")) for m in found):
        return None
    by_kind = []
    for m in found:
        assert m is not None  # checked above
        quota = _parse_normalized("quota", m.group("ratio"))
        if not isinstance(quota, v.Quota) or quota.ratio is None:
            return None
        by_kind.append((m.group("kind"), quota.ratio))
    return v.Quota(by_kind=tuple(by_kind))


def _counts_by_kind(norm: str) -> v.Quota | None:
    """A count per kind of object (餐饮服务50个,校园食堂5个): the task's count is their sum, the
    counts by kind its note; None for any other text."""
    parts = re.split(r"[;,、]", norm.rstrip(";,。"))
    if len(parts) < 2:
        return None
    counts = []
    for part in parts:
        m = _KIND_COUNT.fullmatch(part)
        if m is None or _NOT_A_KIND.search(m.group(1)):
            return None
        counts.append((int(m.group(2)), m.group(3)))
    units = {unit for _, unit in counts}
    if len(units) != 1:
        return None
    total = sum(n for n, _ in counts)
    return v.Quota(count=v.Count(total, unit=units.pop()), note="、".join(parts))


# A sentence or more (基数为本辖区内所负责的特定被检查对象总数…) is prose for a person, not a malformed number
# (适量抽查, 若干): prose that states no number at all.
_PROSE_WORDS = 20


# A time cell that names what or who will decide the time instead of a time: 根据政策性粮食出库时间确定,
# 根据监管需要确定, 另行通知, 待定, 局统一安排, 按上级部署. Not a malformed window: the plan states no time.
_WINDOW_DELEGATED = re.compile(
    r"^[^\d]*?(?:根据|视|按照?|依据|遵照)[^\d]*?(?:确定|安排|需要|通知|而定|部署|要求)|另行(?:通知|确定|安排)|待定"
    r"|^(?!.*\d)[^\d]{0,8}?(?:统一|统筹|另行|自行)(?:安排|部署|确定|组织)"
    r"|^(?:由|听从)?(?:本局|局|上级|省局|市局|县局|总局|主管部门)[^\d]{0,4}?(?:安排|部署|通知)$"
)


# 3月-10月,抽查5户: a comma between a span and how many objects it draws (the grammar reads the span and
# the count only side by side: after a span a comma starts the next batch)
_COUNT_AFTER_SPAN = re.compile(r"(?<=月)[,;](?=(?:抽查|检查|抽取|随机抽取)?\d+(?:户|家|个)$)")


# 每个季度第一个月的15日内完成本季度所有任务抽取工作 · 本年度完成所有任务抽取工作 · 每月10日前完成抽取: a
# time cell (抽取时间) stating when the draws are made, each period or once in the year — a schedule
# over the whole year, not a malformed window.
_DRAW_SCHEDULE = re.compile(
    r"^在?(?:每个?(?:季度?|月|半年)[^\d]{0,8}?(?:\d+[日号]|上旬|中旬|下旬|初|底|末|前[\d一二三四五六七八九十]+个?(?:工作)?日)?[内前]?"
    r"|本?年度内?|年内|全年),?(?:完成|集中实施|集中开展|实施|开展|进行)[^\d]{0,12}?抽取(?:工作|任务)?$"
)


# A time cell that names a season, a holiday or an event instead of months: 汛期前 · 春节前 · 暑期 · 中秋国庆
# 期间 · 春秋季开学、中高考等节点. The office knows when that is; the plan does not say, and no calendar rule
# can check it.
_WINDOW_SEASON = re.compile(
    r"[春夏秋冬]{1,2}季|汛期|春节|元旦|国庆|中秋|端午|清明|五一|暑期|暑假|寒假|开学|节假日|旺季|淡季|中高考|高考|中考"
)


def names_a_season(text: str) -> bool:
    """Whether a time cell names a season, holiday or event (汛期前, 春秋季开学) instead of months: the
    plan states a time, only not one a calendar rule can read (a warning, not an error)."""
    return bool(_WINDOW_SEASON.search(normalize(text)))


# A time cell that states how often instead of when: 每季度各抽查1次 · 每月1次 · 1次/季度. (全年2次 names
# its time, the whole year.)
_WINDOW_FREQUENCY = re.compile(
    r"^每[^\d]{0,8}?(?:\d+|[一二两三四五六七八九十]+)次|^(?:\d+|[一二两三四五六七八九十]+)次/每?(?:年|半年|季|月)"
    r"|^(?:按|每)(?:季度?|个?月|半年|周)(?:开展|抽查|检查|实施)?$"  # 每季度 · 按月开展: how often, not when
)


def _says_nothing(kind: str, norm: str) -> bool:
    return not norm or (kind in _QUOTA_KINDS and norm in _PLACEHOLDERS)


def is_blank(kind: str, text: str) -> bool:
    """Whether `parse(kind, text)` is None: blank text, or a placeholder ("/", "无") in a quota cell."""
    return _says_nothing(kind, normalize(text))


@functools.lru_cache(maxsize=65536)
def _parse_raw(kind: str, text: str) -> Any:
    if not text.strip():
        return None
    if len(text) > MAX_LENGTH:
        return v.ParseError(kind, text, MAX_LENGTH, f"内容过长（超过{MAX_LENGTH}个字符），不像是一个单元格")
    norm = normalize(text)
    if _says_nothing(kind, norm):
        return None
    result = _parse_normalized(kind, norm)
    if isinstance(result, tuple) and kind == "mode" and norm.count("(") > norm.count(")"):
        # a remark whose closing bracket was lost at the end of the cell (…区级检查(每季度开展一次)
        again = _parse_normalized(kind, norm + ")")
        result = again if isinstance(again, v.Mode) else result
    based = (
        _OBJECT_BASE.sub("基数", norm, count=1)
        if isinstance(result, tuple) and kind == "quota" and "%" in norm
        else norm
    )
    if based != norm:
        again = _parse_normalized(kind, based)
        result = again if isinstance(again, v.Quota) else result
    if (
        isinstance(result, tuple)
        and kind in ("quota", "count")
        and ("分别" in norm or "各" in norm)
        and (paired := _each_kind(norm))
    ):
        again = _parse_normalized(kind, paired)
        result = again if isinstance(again, v.Quota) else result
    if isinstance(result, tuple) and kind in ("quota", "count") and (by_kind := _ratios_by_kind(norm)):
        result = by_kind
    if isinstance(result, tuple) and kind == "quota" and "风险" not in norm:
        led = _SUBJECT_LEAD.sub("抽查比例", norm, count=1)
        if led != norm:
            again = _parse_normalized(kind, led)
            result = again if isinstance(again, v.Quota) else result
    if isinstance(result, tuple) and kind in ("quota", "count"):
        by_kind = _counts_by_kind(norm)
        result = by_kind if by_kind is not None else result
    if isinstance(result, tuple) and kind in _QUOTA_KINDS:
        reason = _review_reason(norm)
        if reason is not None:
            return v.Quota(note=text.strip(), review=reason)
    if isinstance(result, tuple) and kind == "window" and _COUNT_AFTER_SPAN.search(norm):
        again = _parse_normalized(kind, _COUNT_AFTER_SPAN.sub("", norm))
        result = again if isinstance(again, v.Window) else result
    if isinstance(result, tuple) and kind == "window" and _DRAW_SCHEDULE.match(norm):
        # when the draws are made, over the year: the inspections run over the whole year
        result = v.Window(v.DatePoint(1), v.DatePoint(12), qualifier=text.strip(), whole_year=True)
    if isinstance(result, tuple) and kind == "window" and (season := _WINDOW_SEASON.search(norm)):
        result = (
            season.start(),
            f"写的是时节（{season.group()}），没有写明月份；请写明起止月份（如“3月—5月”），时节可写在括号里",
        )
    if isinstance(result, tuple) and kind == "window" and _WINDOW_DELEGATED.search(norm):
        result = (0, "没有写明起止时间，只写了由什么确定时间；请写明计划的起止月份（如“3月—11月”）")
    if isinstance(result, tuple) and kind == "window" and _WINDOW_FREQUENCY.search(norm):
        result = (
            0,
            "写的是抽查频次，没有写明起止时间；请写明起止月份，频次写在抽查比例或频次栏"
            "（如全年按季度开展，写成“1月—12月”并注明每季度1次）",
        )
    if isinstance(result, tuple):
        pos, hint = result
        offsets = _normalize_map(text)[1]
        return v.ParseError(kind, text, offsets[min(max(pos, 0), len(norm))], hint)
    if isinstance(result, v.PlanTitle):
        return v.PlanTitle(text.strip(), result.issuer, result.place, result.level, result.kind, result.year)
    if isinstance(result, v.RiskClause) and norm != text:  # its spans: into the text as written
        return result.located(_normalize_map(text)[1])
    return result


def parse(kind: str, text: str) -> Any:
    """Parse one cell of the given kind (see FIELD_KINDS / PARSE_KINDS) into a typed value, a
    `values.ParseError`, or None for empty text. Never raises on any text."""
    if kind not in PARSE_KINDS:
        raise ValueError(f"unknown field kind {kind!r}; expected one of {', '.join(PARSE_KINDS)}")
    if text is None:
        return None
    if not isinstance(text, str):
        text = str(text)
    if kind == "deadline":
        return _as_deadline(_parse_raw("window", text))
    return _parse_raw(kind, text)


def _as_deadline(value: Any) -> Any:
    """A window of one date (10月, 11月中旬, 2021/12/20) as the deadline it is in a 完成时限 column:
    from the start of the year to that date's end. Ranges, batches and named periods stay as written."""
    if (
        isinstance(value, v.Window)
        and value.start == value.end
        and not (value.batches or value.whole_year or value.deadline_only or value.label)
    ):
        return dataclasses.replace(value, start=v.DatePoint(1, None, value.end.year), deadline_only=True)
    return value
