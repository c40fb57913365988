"""Every performance figure of planlint with its target, in one run, as ratios (issue 7).

Run:  python benchmarks/run_all.py   (needs the `bench` extra: frictionless; not part of the tests)

The machine is shared and noisy, so each figure compares planlint with a reference measured in the
same run, interleaved, and reports medians of CPU time (user + system: `time.process_time` in
process, `getrusage` of the children for whole processes), which other work on the machine changes
far less than wall time; the load average is printed with every figure. Generated plans are written
once to benchmarks/out/.
Whole-process figures run the installed `planlint` console script with bytecode caching on (the
way `pip install` leaves a package) and, for reference, as this environment runs (no .pyc).
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from plans import OUT, ensure

SIZE_REPEATS = {50: 15, 1_000: 7, 10_000: 5, 100_000: 2}
MIB = 1024 * 1024


@dataclass
class Row:
    figure: str
    measured: str
    target: str = ""
    ok: bool | None = None  # None: informational


ROWS: list[Row] = []
SUBREAPER = False  # see become_subreaper


def add(figure: str, measured: str, target: str = "", ok: bool | None = None) -> None:
    measured = f"{measured}; {load()}"
    ROWS.append(Row(figure, measured, target, ok))
    mark = "" if ok is None else ("PASS" if ok else "FAIL")
    print(f"  {figure}: {measured}  {target} {mark}", file=sys.stderr, flush=True)


def load() -> str:
    """The 1-minute load average, printed with each figure (CPU time still drifts with it: shared
    caches and frequency scaling)."""
    try:
        return f"load {os.getloadavg()[0]:.1f}"
    except OSError:  # pragma: no cover - no load average on Windows
        return "load n/a"


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of every child process it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


WALL: dict[str, float] = {}  # the median wall times of the last interleaved() call


def interleaved(fns: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median CPU time of each function, run alternately so that load changes hit all alike (the
    median wall times are left in WALL, for what CPU time cannot show: the gain of a second process)."""
    cpu: dict[str, list[float]] = {k: [] for k in fns}
    wall: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            c, w = cpu_seconds(), time.perf_counter()
            fn()
            cpu[name].append(cpu_seconds() - c)
            wall[name].append(time.perf_counter() - w)
    WALL.clear()
    WALL.update({k: statistics.median(v) for k, v in wall.items()})
    return {k: statistics.median(v) for k, v in cpu.items()}


# -- in process -----------------------------------------------------------------------------------


def calamine_read(path: Path) -> None:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python()


def planlint_check(path: Path) -> Callable[[], None]:
    """`planlint check PATH --no-config --no-cache` in process: rules, then the text report."""
    from planlint import engine, fields
    from planlint.report import ReportOptions, text

    def run() -> None:
        # a fresh process starts with empty parse memos; so does every measured run
        fields._parse_raw.cache_clear()
        text.render(engine.run([str(path)], engine.RunOptions(use_config=False)), ReportOptions())

    return run


def bench_sizes(paths: dict[str, Path]) -> None:
    print("in-process check vs python-calamine read", file=sys.stderr)
    for n, repeats in SIZE_REPEATS.items():
        path = paths[f"plan-{n}"]
        check = planlint_check(path)
        check()  # imports, grammar, rule packs: start-up is measured separately
        t = interleaved({"calamine": lambda p=path: calamine_read(p), "planlint": check}, repeats)
        ratio = t["planlint"] / t["calamine"]
        rate = n * 11 / t["planlint"] / 1000
        measured = (
            f"{t['planlint'] * 1000:,.0f} ms vs {t['calamine'] * 1000:,.0f} ms = {ratio:.2f}× "
            f"({rate:,.0f}k cells/s)"
        )
        if n >= 1_000:
            add(f"check {n:,} tasks / calamine read", measured, "≤ 2.5×", ratio <= 2.5)
        else:
            add(f"check {n:,} tasks / calamine read", measured, "(start-up dominated; no target)")


FRICTIONLESS_SCHEMA = {
    "fields": [
        {"name": "序号", "type": "integer", "constraints": {"required": True}},
        {"name": "抽查任务名称", "type": "string", "constraints": {"required": True}},
        {"name": "抽查类型", "type": "string", "constraints": {"enum": ["定向", "不定向"]}},
        {"name": "抽查事项", "type": "string", "constraints": {"required": True}},
        {"name": "抽查对象范围", "type": "string", "constraints": {"required": True}},
        {
            "name": "抽查比例/数量",
            "type": "string",
            "constraints": {"required": True, "pattern": r".*(\d+(\.\d+)?\s*%|\d+\s*(户|家|个|批次)).*"},
        },
        {"name": "信用风险分类管理", "type": "string", "constraints": {"required": True}},
        {"name": "抽查检查起止时间", "type": "string", "constraints": {"required": True}},
        {"name": "发起主体/指导单位", "type": "string", "constraints": {"required": True}},
        {"name": "抽查检查主体", "type": "string"},
        {"name": "抽查检查模式", "type": "string", "constraints": {"required": True}},
    ]
}


def bench_frictionless(paths: dict[str, Path]) -> None:
    try:
        from frictionless import Dialect, Resource, Schema, formats, validate
    except ImportError:
        add(
            "check / frictionless validate",
            "frictionless not installed (pip install '.[bench]')",
            "≥ 2× faster",
            False,
        )
        return
    print("in-process check vs frictionless validate", file=sys.stderr)
    schema = Schema.from_descriptor(FRICTIONLESS_SCHEMA)

    def frictionless(path: Path, rows: int) -> None:
        # frictionless refuses absolute paths as unsafe: name the file relative to its folder
        resource = Resource(
            path.name,
            basepath=str(path.parent),
            schema=schema,
            dialect=Dialect(header_rows=[2]),
            control=formats.ExcelControl(sheet="内部计划"),
        )
        report = validate(resource, limit_errors=10**9)
        assert report.tasks[0].stats["rows"] == rows, report.flatten(["type", "note"])[:3]

    for n, repeats in ((1_000, 5), (10_000, 3)):
        path = paths[f"plan-{n}"]
        check = planlint_check(path)
        check()
        t = interleaved({"frictionless": lambda p=path, n=n: frictionless(p, n), "planlint": check}, repeats)
        speedup = t["frictionless"] / t["planlint"]
        add(
            f"frictionless validate / check, {n:,} tasks",
            f"{t['frictionless'] * 1000:,.0f} ms vs {t['planlint'] * 1000:,.0f} ms = {speedup:.2f}× faster",
            "≥ 2×",
            speedup >= 2,
        )


# -- whole process --------------------------------------------------------------------------------


def planlint_cmd() -> list[str]:
    script = Path(sys.executable).with_name("planlint")
    return [str(script)] if script.exists() else [sys.executable, "-m", "planlint.cli"]


def env(bytecode: bool) -> dict[str, str]:
    """bytecode=True: .pyc written and reused (as after pip install), kept out of the source tree."""
    e = dict(os.environ)
    e.pop("PYTHONPYCACHEPREFIX", None)
    e["PLANLINT_CACHE_DIR"] = str(OUT / "cache")
    if bytecode:
        e.pop("PYTHONDONTWRITEBYTECODE", None)
        e["PYTHONPYCACHEPREFIX"] = str(OUT / "pycache")
    else:  # and none found: an empty cache prefix, or the source tree's __pycache__ would serve
        e["PYTHONDONTWRITEBYTECODE"] = "1"
        e["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="no-pycache-", dir=OUT)
    return e


def become_subreaper() -> bool:
    """Linux: make this process the reaper of its orphaned descendants. `--jobs` starts a fork
    server that outlives `planlint` by a moment, and its workers are its children: adopted here and
    reaped by `timed`, their CPU time is counted with the run's."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return False


def timed(cmd: list[str], environ: dict[str, str]) -> Callable[[], None]:
    def run() -> None:
        proc = subprocess.run(cmd, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
        while True:  # adopted descendants (see become_subreaper): wait, so their CPU time counts
            try:
                os.waitpid(-1, 0)
            except ChildProcessError:
                break

    return run


def bench_startup(paths: dict[str, Path]) -> None:
    print("whole process: check a 50-task plan vs import openpyxl", file=sys.stderr)
    check = [*planlint_cmd(), "check", str(paths["plan-50"]), "--no-config", "--no-cache"]
    openpyxl = [sys.executable, "-c", "import openpyxl"]
    bare = [sys.executable, "-c", "pass"]
    for bytecode in (True, False):
        e = env(bytecode)
        for cmd in (check, openpyxl):  # warm the OS cache (and write the .pyc)
            timed(cmd, e)()
        t = interleaved(
            {"check": timed(check, e), "openpyxl": timed(openpyxl, e), "bare": timed(bare, e)}, 15
        )
        label = "with .pyc (as installed)" if bytecode else "no .pyc (PYTHONDONTWRITEBYTECODE=1)"
        ratio = t["check"] / t["openpyxl"]
        measured = (
            f"{t['check'] * 1000:.0f} ms vs {t['openpyxl'] * 1000:.0f} ms = {ratio:.2f}× "
            f"(python -c pass {t['bare'] * 1000:.0f} ms)"
        )
        if bytecode:
            add(f"check 50 tasks, whole process / import openpyxl, {label}", measured, "< 1.0×", ratio < 1)
        else:
            add(f"check 50 tasks, whole process / import openpyxl, {label}", measured, "(reference)")


def bench_rss(paths: dict[str, Path]) -> None:
    print("peak RSS, 100k tasks", file=sys.stderr)
    probe = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    for fmt in ("text", "json", "sarif"):  # json and sarif are streamed like text
        report = OUT / f"rss-report.{fmt}"
        cmd = [
            *planlint_cmd(),
            "check",
            str(paths["plan-100000"]),
            "--no-config",
            "--no-cache",
            "--exit-zero",
            "-f",
            f"{fmt}:{report}",
        ]
        t = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", probe, *cmd], env=env(True), capture_output=True, text=True
        )
        wall = time.perf_counter() - t
        report.unlink(missing_ok=True)
        rss = int(out.stdout.split()[-1]) * 1024 / MIB  # ru_maxrss is in KiB on Linux
        add(
            f"peak RSS, check 100,000 tasks ({fmt} report)",
            f"{rss:.0f} MiB ({wall:.1f} s wall)",
            "< 300 MiB",
            rss < 300,
        )


def bench_batch(paths: dict[str, Path]) -> None:
    print("batch of 1,000 plans × 50 tasks", file=sys.stderr)
    folder = str(paths["batch"])
    e = env(True)
    base = [*planlint_cmd(), "check", folder, "--no-config"]
    timed([*base, "--no-cache", "-j", "2"], e)()  # warm the OS file cache
    runs = {j: timed([*base, "--no-cache", "-j", j], e) for j in ("1", "2")}
    # CPU time of the whole process tree (main() made this process the reaper of the fork server and
    # its workers): what two workers add to the work (start-up, pickles, the parent's share). On two
    # otherwise idle cores `--jobs 2` can at best split that work in two, so 2 × CPU(jobs 1) /
    # CPU(jobs 2) bounds the speed-up a quiet machine gives; the wall-time ratio falls with the load.
    cpu = interleaved(runs, 3)
    wall = dict(WALL)
    bound = 2 * cpu["1"] / cpu["2"]
    add(
        "batch CPU time --jobs 1 / --jobs 2 (bound on 2 idle cores: 2 × ratio)",
        f"{cpu['1']:.1f} s vs {cpu['2']:.1f} s CPU = bound {bound:.2f}×"
        + ("" if SUBREAPER else " (workers' CPU time not counted: not Linux)"),
        "≥ 1.7×",
        bound >= 1.7 if SUBREAPER else None,
    )
    add(
        "batch wall time --jobs 1 / --jobs 2",
        f"{wall['1']:.1f} s vs {wall['2']:.1f} s = {wall['1'] / wall['2']:.2f}×",
    )
    # the content cache: the same batch, unchanged, linted again
    cache = tempfile.mkdtemp(prefix="cache-", dir=OUT)
    try:
        e_cache = {**e, "PLANLINT_CACHE_DIR": cache}
        timed(base, e_cache)()  # fills the cache
        hit = interleaved({"hit": timed(base, e_cache)}, 3)["hit"]
        add(
            "batch re-lint, unchanged files (content cache) / --jobs 1 --no-cache, CPU time",
            f"{hit:.2f} s vs {cpu['1']:.1f} s = {cpu['1'] / hit:.0f}× faster",
        )
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def table() -> str:
    out = io.StringIO()
    w1 = max(len(r.figure) for r in ROWS)
    w2 = max(len(r.measured) for r in ROWS)
    out.write(f"{'figure':<{w1}}  {'measured':<{w2}}  {'target':<10} result\n")
    out.write("-" * (w1 + w2 + 20) + "\n")
    for r in ROWS:
        verdict = "" if r.ok is None else ("pass" if r.ok else "FAIL")
        out.write(f"{r.figure:<{w1}}  {r.measured:<{w2}}  {r.target:<10} {verdict}\n")
    return out.getvalue()


BENCHES = {
    "sizes": bench_sizes,
    "frictionless": bench_frictionless,
    "startup": bench_startup,
    "rss": bench_rss,
    "batch": bench_batch,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", choices=[[], *BENCHES], help="run only these groups")
    args = parser.parse_args()
    t0 = time.perf_counter()
    global SUBREAPER
    SUBREAPER = become_subreaper()
    print("generating plans (once) …", file=sys.stderr)
    paths = ensure()
    for name, bench in BENCHES.items():
        if not args.only or name in args.only:
            bench(paths)
    print(table())
    print(
        f"{sum(r.ok is False for r in ROWS)} target(s) missed; {time.perf_counter() - t0:.0f} s in all, "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )


if __name__ == "__main__":
    main()
