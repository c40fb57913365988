"""Start-up cost of planlint's bundled data: the rule packs, profiles and column table read from the
JSON a wheel ships (setup.py pre-builds it) against parsing the YAML, and the gazetteer.

Run: python benchmarks/bench_startup_data.py   (not part of the test suite)
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from importlib.resources import files

import yaml

from planlint.bundled import prebuilt

REPEAT = 25
TITLE = "武汉经济技术开发区2022年度部门联合双随机抽查工作计划"


def best(fn) -> float:
    """The fastest of REPEAT runs, in milliseconds (the machine's noise only ever adds time)."""
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    root = files("planlint.bundled.rules")
    names = [("columns.yaml",)]
    for folder in ("core", "profiles"):
        names += [
            (folder, p.name)
            for p in sorted(root.joinpath(folder).iterdir(), key=lambda p: p.name)
            if p.name.endswith(".yaml")
        ]
    raws = [root.joinpath(*n).read_bytes() for n in names]
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    built = [prebuilt(raw, yaml.load(raw.decode("utf-8"), Loader=loader)) for raw in raws]
    yaml_ms = best(lambda: [yaml.load(raw.decode("utf-8"), Loader=loader) for raw in raws])
    json_ms = best(lambda: [json.loads(text)["data"] for text in built])
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import yaml"], capture_output=True, text=True
    )
    import_us = int(out.stderr.strip().splitlines()[-1].split("|")[1])
    print(
        f"{len(names)} bundled YAML files: parse {yaml_ms:.1f} ms (+ import yaml {import_us / 1000:.1f} ms), "
        f"pre-built JSON {json_ms:.2f} ms"
    )

    from planlint import meta

    def load() -> None:
        meta.gazetteer.cache_clear()
        meta.gazetteer()

    print(
        f"gazetteer (rules/places.tsv, {len(meta.gazetteer().by_code)} places): load {best(load):.1f} ms, "
        f"find a title {best(lambda: meta.gazetteer().find(TITLE)):.3f} ms"
    )


if __name__ == "__main__":
    main()
