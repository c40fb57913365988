"""`--jobs`: processes started from a fork server (or spawned), never forked from a process that may
hold threads, with the same results as one process."""

from __future__ import annotations

import subprocess
import sys

from conftest import SAMPLES

from planlint import engine
from planlint.pipeline import parallel_map, start_method
from planlint.report import ReportOptions
from planlint.report import json as json_report

PLANS = sorted(str(p) for p in SAMPLES.iterdir() if p.suffix in (".xlsx", ".docx", ".csv", ".txt"))

# A threaded process (as a web server is) checking with two processes. Forking it would warn "This
# process is multi-threaded, use of fork() may lead to deadlocks" (Python 3.12+); `-W error` does not
# turn that warning into an exception (os.fork swallows it), so the run records warnings instead.
THREADED_RUN = """
import sys, threading, warnings
stop = threading.Event()
threading.Thread(target=stop.wait, daemon=True).start()
from planlint import engine
from planlint.report import ReportOptions, json
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", DeprecationWarning)
    result = engine.run(sys.argv[1:], engine.RunOptions(jobs=2, use_config=False, debug=True))
stop.set()
deprecated = [
    str(w.message) for w in caught if issubclass(w.category, DeprecationWarning) and "fork" in str(w.message)
]
if deprecated:
    sys.exit("DeprecationWarning: " + "; ".join(deprecated))
sys.stdout.write(json.render(result, ReportOptions()))
"""


def test_two_processes_from_a_threaded_process_warn_nothing_and_match_one_process():
    run = subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", "-c", THREADED_RUN, *PLANS],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "DeprecationWarning" not in run.stderr
    one = engine.run(PLANS, engine.RunOptions(jobs=1, use_config=False))
    assert run.stdout == json_report.render(one, ReportOptions())


def test_the_start_method_is_never_a_plain_fork():
    expected = {"linux": "forkserver", "win32": "spawn", "darwin": "spawn"}.get(sys.platform)
    assert start_method() == (expected or start_method()) and start_method() != "fork"


def test_parallel_map_keeps_the_order_and_sends_the_work_once():
    assert list(parallel_map(_Offset(100), list(range(40)), 2)) == [100 + i for i in range(40)]


class _Offset:
    def __init__(self, offset: int) -> None:
        self.offset = offset

    def __call__(self, item: int) -> int:
        return self.offset + item
