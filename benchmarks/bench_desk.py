"""`planlint desk`: lint latency per upload, and how long the board takes with 100 counties × 5
versions.

Run:  python benchmarks/bench_desk.py [--counties 100] [--versions 5] [--uploads 10]
      (needs the `desk` and `test` extras; not part of the test suite)

Uploads go through the whole HTTP path in process (multipart parsing, the file store, the lint
against the city plan with annotated and safe-fixed copies and the diff to the previous version, the
transaction). The board is filled by recording versions with the outcome of a real lint (so the
stored findings are real), then the reviewer's pages are timed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PLANLINT_DESK_CHEAP_HASHES", "1")  # logins are not what is measured here

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from desk_helpers import (  # noqa: E402
    CITY,
    ITEM_LIST,
    REVIEWER,
    ZEZHOU,
    ZZ,
    county_plan,
    login,
    make_desk,
    open_round,
    upload,
)
from starlette.testclient import TestClient  # noqa: E402

from planlint.desk import db, rounds  # noqa: E402
from planlint.desk.app import Settings, create_app  # noqa: E402
from planlint.desk.auth import User  # noqa: E402
from planlint.desk.lint import LintRequest, RoundFiles, StoredFile, lint_version  # noqa: E402
from planlint.desk.store import FileStore  # noqa: E402


def timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def show(label: str, times: list[float]) -> None:
    times = sorted(times)
    p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
    print(
        f"{label}: median {statistics.median(times) * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms, n={len(times)}"
    )


ROUND = RoundFiles(
    StoredFile(CITY.name, str(CITY)), "shanxi-2025", item_list=StoredFile(ITEM_LIST.name, str(ITEM_LIST))
)


def bench_uploads(tmp: Path, n: int) -> None:
    data = make_desk(tmp / "uploads")
    app = create_app(Settings(data_dir=data))
    city, zz = TestClient(app, follow_redirects=False), TestClient(app, follow_redirects=False)
    login(city, REVIEWER), login(zz, ZZ)
    rid = open_round(city, counties=("泽州县",), item_list=ITEM_LIST)
    plans = [county_plan(tmp, "泽州县", note=str(i)) if i % 2 else ZEZHOU for i in range(n)]
    upload(zz, rid, "泽州县", county_plan(tmp, "泽州县", note="warm-up"))  # rules and grammar loaded once
    times = []
    for path in plans:
        t = time.perf_counter()
        r = upload(zz, rid, "泽州县", path)
        times.append(time.perf_counter() - t)
        assert r.status_code == 303 and r.headers["location"].startswith("/v/"), r.text[:200]
    show(
        "upload → linted version (HTTP, store, lint vs city plan and item list, copies, diff, commit)", times
    )
    model = county_plan(tmp, "泽州县", note="lint-only")
    req = LintRequest(StoredFile(model.name, str(model)), ROUND)
    show(
        "lint alone (one county plan against the city plan and item list)",
        timed(lambda: lint_version(req), n),
    )


def bench_board(tmp: Path, counties: int, versions: int) -> None:
    data = make_desk(tmp / "board", accounts=(REVIEWER,))
    app = create_app(Settings(data_dir=data))
    city = TestClient(app, follow_redirects=False)
    login(city, REVIEWER)
    names = [f"第{i:03d}县" for i in range(counties)]
    rid = open_round(city, counties=names)
    store = FileStore(data)
    # Two real outcomes (a plan with errors, a clean one), recorded in turn for every version.
    outcomes = []
    for path in (ZEZHOU, county_plan(tmp, "某县")):
        req = LintRequest(StoredFile(path.name, str(path)), ROUND)
        outcomes.append((path, lint_version(req)))
    conn = db.connect(data)
    t = time.perf_counter()
    for i, county in enumerate(names):
        editor = User(f"e{i}", f"e{i}", "editor", county)
        for v in range(versions):
            path, outcome = outcomes[(i + v) % 2]
            data_bytes = path.read_bytes()
            rounds.record_version(
                conn,
                store,
                editor,
                rid,
                county,
                filename=path.name,
                file_hash=store.put(data_bytes),
                size=len(data_bytes),
                outcome=outcome,
                ip=None,
            )
    conn.close()
    print(f"recorded {counties * versions} versions in {time.perf_counter() - t:.1f} s")
    for label, url in (
        ("board page", f"/rounds/{rid}"),
        ("board JSON", f"/rounds/{rid}/board.json"),
        ("board export .xlsx", f"/rounds/{rid}/export.xlsx"),
    ):

        def get(url=url):
            assert city.get(url).status_code == 200

        show(f"{label} ({counties} counties × {versions} versions)", timed(get, 5))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=100)
    parser.add_argument("--versions", type=int, default=5)
    parser.add_argument("--uploads", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-desk-") as tmp:
        bench_uploads(Path(tmp), args.uploads)
        bench_board(Path(tmp), args.counties, args.versions)


if __name__ == "__main__":
    main()
