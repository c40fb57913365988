"""Time to read (and to check) a 50-task plan in each format planlint reads, next to .xlsx.

    python benchmarks/bench_formats.py          # needs LibreOffice (soffice) for .xls/.ods/.doc/.pdf

The 50-task plan is the benchmarks' generated plan (benchmarks/plans.py); LibreOffice writes it as
.xls and .ods, tests/fixtures/formats/xlsb.py as .xlsb, and a bordered Word table of it
(tests/fixtures/formats/make_formats.py) as .docx, .doc and PDF. Each figure is the median of
interleaved runs in this process; .doc/.wps include the LibreOffice conversion (a new soffice
process each time), which is most of their time.

Target: the PDF (19 pages) reads in under 2 s on the project's 2-core machine.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "fixtures" / "formats"))

import plans  # noqa: E402

REPEATS = {"doc": 3}
DEFAULT_REPEATS = 7
PDF_TARGET_S = 2.0


def _convert(fmt: str, source: Path, out: Path, profile: Path) -> Path:
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            fmt,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=600,
    )
    return out / f"{source.stem}.{fmt.split(':')[0]}"


def make_files(work: Path) -> dict[str, Path]:
    from make_formats import word_table
    from xlsb import from_xlsx

    rows = plans._fill_gaps(plans.seed_rows(), plans.random.Random(0))
    xlsx = work / "plan-50.xlsx"
    plans.write_plan(xlsx, 50, 50, rows)
    files = {"xlsx": xlsx, "csv": None}
    profile = work / "profile"
    files["xls"] = _convert("xls", xlsx, work, profile)
    files["ods"] = _convert("ods", xlsx, work, profile)
    files["xlsb"] = work / "plan-50.xlsb"
    from_xlsx(xlsx, files["xlsb"])
    docx = work / "plan-50.docx"
    word_table(xlsx, docx)
    files["docx"] = docx
    files["pdf"] = _convert("pdf", docx, work, profile)
    odt = _convert("odt", docx, work / "odt", profile)
    files["doc"] = _convert("doc", odt, work, profile)
    files["csv"] = _convert("csv:Text - txt - csv (StarCalc):44,34,76", xlsx, work, profile)  # UTF-8
    return files


def main() -> None:
    from planlint import engine
    from planlint.readers import read_tables

    if shutil.which("soffice") is None:
        sys.exit(
            "soffice (LibreOffice) is needed: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui"
        )
    with tempfile.TemporaryDirectory() as tmp:
        files = make_files(Path(tmp))
        times: dict[str, list[float]] = {k: [] for k in files}
        checks: dict[str, list[float]] = {k: [] for k in files}
        for n in range(max(DEFAULT_REPEATS, *REPEATS.values())):
            for fmt, path in files.items():
                if n >= REPEATS.get(fmt, DEFAULT_REPEATS):
                    continue
                t0 = time.perf_counter()
                tables = read_tables(str(path))
                times[fmt].append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                result = engine.run([str(path)], engine.RunOptions(use_config=False))
                checks[fmt].append(time.perf_counter() - t0)
                tasks = sum(len(r.plan.tasks) for r in result.reports if r.plan is not None)
                assert tasks == 50 and tables, (fmt, tasks)
        base = statistics.median(times["xlsx"])
        print("| format | read 50-task plan | × .xlsx | whole check |")
        print("|---|---|---|---|")
        for fmt in files:
            read = statistics.median(times[fmt])
            print(
                f"| .{fmt} | {read * 1000:,.0f} ms | {read / base:.1f}× "
                f"| {statistics.median(checks[fmt]) * 1000:,.0f} ms |"
            )
        pdf = statistics.median(times["pdf"])
        verdict = "met" if pdf < PDF_TARGET_S else "MISSED"
        print(f"\nPDF read: {pdf:.2f} s (target < {PDF_TARGET_S:.0f} s: {verdict})")


if __name__ == "__main__":
    main()
