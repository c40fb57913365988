"""Plan metadata (issuer, place, level, kind, year) from a table's title or the notice before it.

The title is parsed by the field grammar (`fields.parse("title", …)`); the gazetteer
rules/places.yaml then fixes the level of places whose name misleads (原平市 is a county-level
city), and fills the place when the grammar did not name one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import fields, values
from .bundled import load_yaml
from .plan import PlanMeta
from .readers._common import clean_title
from .table import Table

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_PLAN_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度")


@dataclass(frozen=True, slots=True)
class Gazetteer:
    levels: dict[str, str]  # place name → province | city | county
    names: tuple[str, ...]  # longest first, for searching a title
    suffixes: tuple[tuple[str, str], ...]  # (suffix, level), longest first

    def level(self, place: str) -> str | None:
        if place in self.levels:
            return self.levels[place]
        return next((lvl for suffix, lvl in self.suffixes if place.endswith(suffix)), None)

    def find(self, text: str) -> str | None:
        """The listed place named earliest in `text` (the issuer comes first in a title)."""
        hits = [(text.find(n), -len(n), n) for n in self.names if n in text]
        return min(hits)[2] if hits else None


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    data = load_yaml("places.yaml")
    levels: dict[str, str] = {}
    for province in data.get("provinces", []):
        levels[province["name"]] = "province"
        for city in province.get("cities", []):
            levels[city["name"]] = "city"
            for name in city.get("county_cities", []):
                levels[name] = "county"
        for name in province.get("counties", []):
            levels[name] = "county"
    suffixes = sorted(data.get("suffix_levels", {}).items(), key=lambda kv: -len(kv[0]))
    return Gazetteer(levels, tuple(sorted(levels, key=len, reverse=True)), tuple(suffixes))


def title_text(table: Table) -> str | None:
    """The table's title, else the first line of its context that names a plan of a year."""
    if table.title:
        return table.title
    lines = [clean_title(line) for line in table.context.splitlines() if "计划" in line]
    return next((line for line in lines if _YEAR.search(line)), lines[0] if lines else None)


def plan_meta(table: Table) -> PlanMeta:
    """What the table's title (or notice) says about the plan; unknown parts stay None."""
    title = title_text(table)
    parsed = fields.parse("title", title) if title else None
    if not isinstance(parsed, values.PlanTitle):
        parsed = values.PlanTitle(text=title or "")
    places = gazetteer()
    place = parsed.place or (places.find(title) if title else None)
    level = parsed.level
    if place:
        level = places.levels.get(place) or level or places.level(place)
    kind = parsed.kind
    if kind is None and title:
        kind = "joint" if "部门联合" in title else "internal"
    year = parsed.year or _year(title or "") or _year(table.context)
    return PlanMeta(title=title, issuer=parsed.issuer, place=place, level=level, kind=kind, year=year)


def _year(text: str) -> int | None:
    match = _PLAN_YEAR.search(text) or _YEAR.search(text)
    return int(match[1]) if match else None
