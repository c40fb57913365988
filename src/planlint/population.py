"""Population data for coverage estimates: how many enterprises, 个体工商户 and 合作社 a place has,
and how many entities a scope (全县企业, 全县广告经营者 …) covers.

CSV/TSV (any encoding the readers accept) with columns 地区, 对象范围, 类别, 数量 — a row whose 对象范围
is 合计/全部/empty gives the place's total for that category — or YAML:

    泽州县:
      totals: {企业: 12345, 个体工商户: 40000, 农民专业合作社: 800}
      scopes: {全县企业: 12345, 全县广告经营者: {count: 120, category: 企业}}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import PlanlintError

CATEGORIES = {"enterprise": "企业", "individual": "个体工商户", "cooperative": "农民专业合作社"}
_CATEGORY_WORDS = {
    "企业": "enterprise",
    "enterprise": "enterprise",
    "个体工商户": "individual",
    "个体": "individual",
    "individual": "individual",
    "农民专业合作社": "cooperative",
    "合作社": "cooperative",
    "cooperative": "cooperative",
}
_TOTAL_WORDS = ("", "合计", "全部", "总计", "total")
_HEADERS = {
    "place": ("地区", "place"),
    "scope": ("对象范围", "抽查对象范围", "scope"),
    "category": ("类别", "category"),
    "count": ("数量", "count"),
}


def category_of(text: str) -> str:
    """The category a scope text is about (全县个体工商户 → individual); enterprises by default."""
    for word, cat in _CATEGORY_WORDS.items():
        if word in text and cat != "enterprise":
            return cat
    return "enterprise"


@dataclass(slots=True)
class PlacePopulation:
    totals: dict[str, int] = field(default_factory=dict)
    scopes: dict[str, tuple[int, str]] = field(default_factory=dict)  # scope text -> (count, category)


def _category(value: str, where: str) -> str:
    cat = _CATEGORY_WORDS.get(value.strip())
    if cat is None:
        raise PlanlintError(f"{where}：类别「{value}」应为 企业、个体工商户 或 农民专业合作社", None)
    return cat


def _count(value: object, where: str) -> int:
    text = str(value).replace(",", "").replace("，", "").strip()
    if isinstance(value, bool) or not text.isdigit() or len(text) > 15:  # no sign, fraction or 1e9999
        raise PlanlintError(f"{where}：数量「{str(value)[:50]}」不是非负整数", None)
    return int(text)


def _mapping(value: object, what: str, where: str) -> dict:
    """A YAML value that must be a mapping (or absent)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PlanlintError(f"{where}：{what}应为“名称: 数量”的映射，而不是「{str(value)[:50]}」", None)
    return value


def population_of(source: str | dict) -> dict[str, PlacePopulation]:
    """From a file path, or from the mapping a YAML file would hold (rule cases use this)."""
    return from_mapping(source, "population") if isinstance(source, dict) else load_population(source)


@lru_cache(maxsize=8)
def load_population(path: str) -> dict[str, PlacePopulation]:
    p = Path(path)
    if not p.exists():
        raise PlanlintError("监管对象数量文件不存在", path)
    if p.suffix.lower() in (".yaml", ".yml"):
        return _from_yaml(path)
    return _from_table(path)


def _from_yaml(path: str) -> dict[str, PlacePopulation]:
    from . import limits
    from .errors import ReadError
    from .yamlio import read_yaml

    try:  # a regular file, never past the text limit (limits.read_input)
        data = limits.read_input(
            path, limits.current().max_text_bytes, "文件有 {size:,.0f} MB，超过文本文件上限，已拒绝读取"
        )
        text = data.decode("utf-8-sig")
    except ReadError as exc:
        raise PlanlintError(f"监管对象数量文件无法读取：{exc.message}", path) from None
    except UnicodeDecodeError:
        raise PlanlintError("监管对象数量文件不是 UTF-8 编码，请另存为 UTF-8 后再用", path) from None
    return from_mapping(read_yaml(text, path) or {}, path)


def from_mapping(data: object, path: str) -> dict[str, PlacePopulation]:
    if not isinstance(data, dict):
        raise PlanlintError("应为“地区: {totals: …, scopes: …}”的形式", path)
    out = {}
    for place, body in data.items():
        where = f"{path} {place}"
        if body is not None and not isinstance(body, dict):
            raise PlanlintError(
                f"{where}：应为“{{totals: …, scopes: …}}”的映射，而不是「{str(body)[:50]}」", None
            )
        pop = PlacePopulation()
        for cat, n in _mapping((body or {}).get("totals"), "totals", where).items():
            pop.totals[_category(str(cat), where)] = _count(n, where)
        for scope, spec in _mapping((body or {}).get("scopes"), "scopes", where).items():
            if isinstance(spec, dict):
                cat = _category(str(spec.get("category", "企业")), f"{path} {place}")
                pop.scopes[str(scope)] = (_count(spec.get("count"), f"{path} {scope}"), cat)
            else:
                pop.scopes[str(scope)] = (_count(spec, f"{path} {scope}"), category_of(str(scope)))
        out[str(place)] = pop
    return out


def _from_table(path: str) -> dict[str, PlacePopulation]:
    from .readers import read_tables

    rows = read_tables(path)[0].rows
    if not rows:
        raise PlanlintError("监管对象数量文件是空的", path)
    header = [c.strip() for c in rows[0]]
    index = {}
    for key, names in _HEADERS.items():
        found = next((i for i, h in enumerate(header) if h in names), None)
        if found is None:
            raise PlanlintError(f"缺少「{names[0]}」列（应有列：地区、对象范围、类别、数量）", path)
        index[key] = found
    out: dict[str, PlacePopulation] = {}
    for n, row in enumerate(rows[1:], start=2):
        cells = row + [""] * (len(header) - len(row))
        place = cells[index["place"]].strip()
        if not place:
            continue
        where = f"{path} 第{n}行"
        pop = out.setdefault(place, PlacePopulation())
        scope = cells[index["scope"]].strip()
        count = _count(cells[index["count"]], where)
        cat = (
            _category(cells[index["category"]], where)
            if cells[index["category"]].strip()
            else category_of(scope)
        )
        if scope in _TOTAL_WORDS:
            pop.totals[cat] = count
        else:
            pop.scopes[scope] = (count, cat)
    return out
