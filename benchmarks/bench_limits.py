"""Time and peak memory of the worst case each input limit lets through, against a target.

    python benchmarks/bench_limits.py                 # every case at its limit (15–30 minutes)
    python benchmarks/bench_limits.py --scale 0.2     # every case at a fifth of its limit
    python benchmarks/bench_limits.py --only docx-cells
    python benchmarks/bench_limits.py --only scan     # the extent scan refusing 10M cells (seconds)

A limit is only worth its name if the largest input it accepts still finishes in bounded time
and memory (issue 21.12: a 19 MB .docx within every limit took 243 s and then 3.85 GB). Each case
writes the largest file a limit accepts — plan-shaped, so that every rule runs on every row —
and runs the command a user would run on it in a fresh process (`planlint check`, with the
annotated .xlsx copy where the limit is about what openpyxl loads), measuring CPU time, wall time
and the process's peak RSS. The targets: a peak that fits `planlint serve`'s default per-batch memory
limit (3 GB) with room to spare, and a time a person waits for once, judged on CPU time (what a
quiet machine's wall time would be: the check is single-threaded; on a shared machine the wall
time mostly measures the load).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "bad_inputs"))
import make_bad_inputs as m  # noqa: E402

from planlint import limits  # noqa: E402
from planlint.readers.xlsx import MAX_LISTED_MERGES, MAX_MERGED_CELLS, MAX_MERGED_RANGES  # noqa: E402
from planlint.serve.app import MAX_FILE_BYTES  # noqa: E402

TARGET_MB = 2048
TARGET_SECONDS = 600


def _col(n: int) -> str:
    return m._col(n)


def _row_cells(i: int, rng: random.Random, cols: int) -> list[str]:
    """A task row like the seeds', numbered i, with varied names (so it packs like a real file)."""
    base = m.TASKS[i % 2]
    row = [str(i), f"{base[1][:-4]}{rng.randrange(10**6)}检查", *base[2:]]
    return (row + [f"备注{rng.randrange(1000)}" for _ in range(cols - len(row))])[:cols]


def plan_xlsx(
    path: Path, rows: int, cols: int, *, sheets: int = 1, merges: int = 0, side_merges: int = 0
) -> None:
    """An .xlsx of `sheets` plan sheets of `rows` tasks × `cols` columns, written as it is made;
    `side_merges` distinct merged ranges in the empty columns beside the plan (formatting only)."""
    rng = random.Random(21)
    names = [f"计划{k + 1}" for k in range(sheets)]
    base = m.xlsx([(n, "visible", "") for n in names])
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if not item.filename.startswith("xl/worksheets/"):
                dst.writestr(item, src.read(item))
        for k in range(sheets):
            with dst.open(f"xl/worksheets/sheet{k + 1}.xml", "w", force_zip64=True) as out:
                out.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {m._NS}><sheetData>'.encode())
                header = (m.HEADER + [f"列{j}" for j in range(cols)])[:cols]
                out.write(_xml_row(1, [m.TITLE]) + _xml_row(2, header))
                chunk = []
                for i in range(1, rows + 1):
                    chunk.append(_xml_row(i + 2, _row_cells(i, rng, cols)))
                    if len(chunk) == 2000:
                        out.write(b"".join(chunk))
                        chunk = []
                out.write(b"".join(chunk) + b"</sheetData>")
                if side_merges:
                    c0, c1 = _col(cols + 2), _col(cols + 3)
                    out.write(f'<mergeCells count="{side_merges}">'.encode())
                    for r in range(1, side_merges + 1):
                        out.write(f'<mergeCell ref="{c0}{r}:{c1}{r}"/>'.encode())
                    out.write(b"</mergeCells>")
                if merges:
                    # distinct ranges of 2 task rows × w plan columns, as many cells as the limit allows
                    w = max(1, min(cols, MAX_MERGED_CELLS // merges // 2))
                    out.write(f'<mergeCells count="{merges}">'.encode())
                    for r in range(merges):
                        out.write(f'<mergeCell ref="B{2 * r + 3}:{_col(w + 1)}{2 * r + 4}"/>'.encode())
                    out.write(b"</mergeCells>")
                out.write(b"</worksheet>")


def _xml_row(r: int, cells: list[str]) -> bytes:
    from xml.sax.saxutils import escape

    return (
        f'<row r="{r}">'
        + "".join(
            f'<c r="{_col(j)}{r}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
            for j, v in enumerate(cells, start=1)
        )
        + "</row>"
    ).encode()


def plan_csv(path: Path, rows: int, cols: int, *, note: int = 0, max_bytes: int | None = None) -> None:
    """A csv plan; `note` adds a 备注 column of that many characters to every row. With
    `max_bytes`, rows are added until the next would take the file past that size."""
    rng = random.Random(21)
    header = (m.HEADER + [f"列{j}" for j in range(cols)])[:cols] + (["备注"] if note else [])
    with open(path, "wb") as fh:
        size = fh.write((m.TITLE + "\r\n" + ",".join(header) + "\r\n").encode())
        for i in range(1, rows + 1):
            extra = [("说明" + str(rng.randrange(10**6))) * (note // 8)] if note else []
            line = (",".join(_row_cells(i, rng, cols) + extra) + "\r\n").encode()
            if max_bytes is not None and size + len(line) > max_bytes:
                break
            size += fh.write(line)


def _filled_csv(path: Path, max_bytes: int) -> None:
    """The largest csv of plan rows with a 2 KB 备注 cell that stays within `max_bytes`."""
    plan_csv(path, max_bytes, 11, note=2048, max_bytes=max_bytes)


_SERVE = """
import json, resource, sys, time
from starlette.testclient import TestClient
from planlint.serve.app import create_app
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
with TestClient(create_app(), base_url="http://127.0.0.1") as c:
    job = c.post("/api/check", files=[("files", ("plan.csv", data, "text/csv"))]).json()["job"]
    while c.get(f"/api/jobs/{job}").json()["state"] not in ("done", "failed"):
        time.sleep(0.2)
    state = c.get(f"/api/jobs/{job}").json()["state"]
print(json.dumps({"seconds": time.perf_counter() - start, "state": state,
                  "server": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                  "batch": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024}))
"""


def serve_upload(path: Path) -> tuple[float, int, int, str]:
    """One upload of the largest file serve accepts, checked by the app (server and batch process)."""
    import json

    out = subprocess.run([sys.executable, "-c", _SERVE, str(path)], capture_output=True, text=True)
    if out.returncode:
        return 0.0, -1, out.returncode, out.stderr.strip().splitlines()[-1][:120]
    data = json.loads(out.stdout)
    return (
        data["seconds"],
        max(data["server"], data["batch"]),
        0 if data["state"] == "done" else 2,
        f"server {data['server']} MB, batch {data['batch']} MB",
    )


def plan_docx(path: Path, rows: int, cols: int) -> None:
    from xml.sax.saxutils import escape

    rng = random.Random(21)

    def tr(cells: list[str]) -> str:
        return (
            "<w:tr>"
            + "".join(f"<w:tc><w:p><w:r><w:t>{escape(c)}</w:t></w:r></w:p></w:tc>" for c in cells)
            + "</w:tr>"
        )

    header = (m.HEADER + [f"列{j}" for j in range(cols)])[:cols]
    body = "".join(tr(_row_cells(i, rng, cols)) for i in range(1, rows + 1))
    path.write_bytes(
        m.docx_from_body(f"<w:p><w:r><w:t>{m.TITLE}</w:t></w:r></w:p><w:tbl>{tr(header)}{body}</w:tbl>")
    )


# Peak RSS from the process itself (VmHWM at exit): getrusage's ru_maxrss of a child survives the
# fork, so it would report the benchmark's own size while it made the file.
_MEASURED = """
import atexit, re, sys
def peak():
    try:
        hwm = re.search(r"VmHWM:\\s*(\\d+)", open("/proc/self/status").read())
        sys.stderr.write(f"\\nPEAK_KB {hwm[1]}\\n")
    except OSError:
        pass
atexit.register(peak)
sys.argv = ["planlint", *sys.argv[1:]]
from planlint.cli import main
main()
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, int, int, str]:
    """A planlint command in a fresh process: (seconds, peak RSS in MB, exit code, last stderr line)."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURED, *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    seconds = time.perf_counter() - start
    lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    peak = next((int(x.split()[1]) // 1024 for x in lines if x.startswith("PEAK_KB ")), -1)
    rest = [x for x in lines if x.strip() and not x.startswith("PEAK_KB ")]
    return seconds, peak, proc.returncode, (rest[-1] if rest else "")[:120]


# The extent scan that refuses a sheet over the cell limit before calamine builds it (#21.1): a
# sheet of twice the limit's cells written without references is refused from a count of its bytes,
# bare (`<c><v>1</v></c>`) or with attributes (`<c t="n"><v>`); with a line break before each value
# the XML parser places every cell until it is past the limit.
SCAN_TARGETS = {"bare": 3.0, "attributes": 6.0, "line-breaks": 30.0}  # CPU seconds for the refusal
_SCAN_CELLS = {"attributes": b'<c t="n"><v>123456</v></c>', "line-breaks": b'<c t="n">\n<v>123456</v></c>'}


def scan_times(cells: int) -> bool:
    """CPU time of the size check (xlsx._check_size) refusing a sheet of `cells` cells in 10
    columns written without cell references, in this process; True if every target is met."""
    from planlint.errors import ReadError
    from planlint.readers import xlsx

    rows = max(1000, cells // 10 // 1000 * 1000)
    met = True
    for form, target in SCAN_TARGETS.items():
        data = m.huge_sheet(rows, 10, dimension=False)
        if form in _SCAN_CELLS:
            data = m._sheet_with(  # the same grid, each cell written this way
                "一千万格",
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet {m._NS}><sheetData>'.encode(),
                b"<row>" + _SCAN_CELLS[form] * 10 + b"</row>",
                rows,
                b"</sheetData></worksheet>",
            )
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as fh:
            fh.write(data)
            fh.flush()
            start = time.process_time()
            try:
                xlsx._check_size(fh.name)
                said = "read (not refused)"
            except ReadError as exc:
                said = str(exc).split("：", 1)[-1][:40]
            cpu = time.process_time() - start
        ok = cpu <= target and "至少有" in said
        met &= ok
        print(
            f"scan-{form:<11} {rows * 10:>13,} cells {cpu:>8.1f} CPU s   target ≤ {target:g} s: "
            f"{'met' if ok else 'NOT MET'}  ({said})",
            flush=True,
        )
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="fraction of each limit to run at (default 1)"
    )
    parser.add_argument("--only", help="run these cases only (names, comma-separated)")
    args = parser.parse_args()
    lim = limits.current()
    folder = Path(tempfile.mkdtemp(prefix="planlint-bench-limits-"))
    s = args.scale
    cells = int(lim.max_cells * s)
    check = ["check", "--no-config", "--no-cache", "--exit-zero", "-f", "json:" + os.devnull]
    cases = {
        # the cell limit: one sheet of 11 plan columns holding max_cells cells
        "cells": (lambda p: plan_xlsx(p, cells // 11 - 2, 11), ".xlsx", check),  # title and header rows
        # the column limit: max_columns columns, rows up to the cell limit
        "columns": (lambda p: plan_csv(p, cells // lim.max_columns - 2, lim.max_columns), ".csv", check),
        # merged ranges: the most the annotated copy still hands to openpyxl, through -f xlsx
        "merges": (
            lambda p: plan_xlsx(p, 2 * int(MAX_MERGED_RANGES * s) + 2, 11, merges=int(MAX_MERGED_RANGES * s)),
            ".xlsx",
            ["check", "--no-config", "--no-cache", "--exit-zero", "-f", "xlsx:{out}"],
        ),
        # past the ranges handed to openpyxl, up to those the reader fills: the copy is rebuilt
        "merges-rebuilt": (
            lambda p: plan_xlsx(p, 50, 11, side_merges=int(MAX_LISTED_MERGES * s)),
            ".xlsx",
            ["check", "--no-config", "--no-cache", "--exit-zero", "-f", "xlsx:{out}"],
        ),
        # a Word table at the cell limit (20 small columns, as in the report of issue 21.12)
        "docx-cells": (lambda p: plan_docx(p, cells // 20 - 1, 20), ".docx", check),
        # many sheets: 1,000 plans of 50 tasks in one workbook
        "sheets": (lambda p: plan_xlsx(p, 50, 11, sheets=max(1, int(1000 * s))), ".xlsx", check),
        # the text size limit: a csv of max_text_mb, rows with a 2 KB 备注 cell
        "text-size": (
            lambda p: _filled_csv(p, int(lim.max_text_bytes * s)),
            ".csv",
            check,
        ),
        # serve's upload limit: one csv of MAX_FILE_BYTES through the web app
        "upload": (lambda p: _filled_csv(p, int(MAX_FILE_BYTES * s)), ".csv", None),
    }
    failed = False
    if not args.only or "scan" in args.only.split(","):
        failed |= not scan_times(2 * cells)
    print(
        f"{'case':<11} {'input':>22} {'file MB':>8} {'CPU s':>8} {'wall s':>8} {'peak MB':>8}   "
        f"target: ≤ {TARGET_SECONDS} CPU s, ≤ {TARGET_MB} MB"
    )
    for name, (make, suffix, argv) in cases.items():
        if args.only and name not in args.only.split(","):
            continue
        path = folder / f"{name}{suffix}"
        made = time.perf_counter()
        make(path)
        made = time.perf_counter() - made
        cpu = _children_cpu()
        if argv is None:
            seconds, peak, code, last = serve_upload(path)
        else:
            argv = [a.format(out=folder / f"{name}.out.xlsx") for a in argv]
            seconds, peak, code, last = run([argv[0], str(path), *argv[1:]])
        cpu = _children_cpu() - cpu
        # CPU time is the target's measure: it is what a quiet machine's wall time would be (the
        # check is single-threaded), while wall time on a shared machine depends on the load.
        ok = cpu <= TARGET_SECONDS and 0 <= peak <= TARGET_MB and code in (0, 1)
        failed |= not ok
        size = path.stat().st_size / 2**20
        what = {
            "cells": f"{cells:,} cells",
            "columns": f"{lim.max_columns} columns",
            "docx-cells": f"{cells:,} cells",
            "merges": f"{int(MAX_MERGED_RANGES * s):,} ranges",
            "merges-rebuilt": f"{int(MAX_LISTED_MERGES * s):,} ranges",
            "sheets": f"{max(1, int(1000 * s))} sheets",
            "text-size": f"{size:,.0f} MB",
            "upload": f"{size:,.1f} MB upload",
        }[name]
        print(
            f"{name:<11} {what:>22} {size:>8.1f} {cpu:>8.1f} {seconds:>8.1f} {peak:>8}   {'met' if ok else 'NOT MET'}"
            f"{'' if code in (0, 1) else f' (exit {code}: {last})'}  (file made in {made:.0f} s)"
            f"{f'  {last}' if name == 'upload' else ''}",
            flush=True,
        )
        path.unlink()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
