"""A long fuzz run: the strategies of tests/test_fuzz.py with many examples, outside pytest.

    python benchmarks/fuzz_pipeline.py                  # 100,000 inputs (about 10–20 minutes)
    python benchmarks/fuzz_pipeline.py --inputs 5000    # a quick look

Inputs are split between the field parser, the whole check pipeline (table → plan → every rule →
every text report) and the readers (damaged .xlsx/.docx/.csv and random bytes). Prints how many
inputs each target ran, how long it took, and whether any exception escaped; exits 1 if one did.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TESTS = Path(__file__).resolve().parents[1] / "tests"
sys.path.insert(0, str(TESTS))

import test_fuzz as fz  # noqa: E402

from planlint import fields  # noqa: E402

# target name → (share of the inputs, strategy, function taking one example)
SHARES = {"fields.parse": 0.6, "pipeline": 0.3, "readers": 0.1}


def drive(name: str, strategy: st.SearchStrategy, target, examples: int) -> tuple[int, float]:
    count = 0

    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(example):
        nonlocal count
        count += 1
        target(example)

    start = time.perf_counter()
    run()
    return count, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000, help="total number of inputs (default 100000)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="planlint-fuzz-"))
    targets = {
        "fields.parse": (st.tuples(st.sampled_from(fields.KINDS), fz.CELL), lambda e: fz.parse_target(*e)),
        "pipeline": (fz.TABLE, fz.pipeline_target),
        "readers": (fz.FILES, lambda e: fz.file_target(e[0], e[1], folder)),
    }
    total_count, total_time, failed = 0, 0.0, False
    for name, (strategy, target) in targets.items():
        examples = int(args.inputs * SHARES[name])
        try:
            count, seconds = drive(name, strategy, target, examples)
        except Exception as exc:  # hypothesis re-raises the (shrunk) failure: report it and go on
            for failure in getattr(exc, "exceptions", [exc]):
                print(f"{name:<13} FAILED: {type(failure).__name__}: {failure}", flush=True)
                print("\n".join(getattr(failure, "__notes__", [])), flush=True)  # the falsifying example
                traceback.print_exception(failure, limit=-3)
            failed = True
            continue
        total_count += count
        total_time += seconds
        print(f"{name:<13} {count:>8,} inputs  {seconds:8.1f} s  {count / seconds:8.0f}/s  nothing escaped", flush=True)
    verdict = "an exception escaped" if failed else "no exception escaped"
    print(f"{'total':<13} {total_count:>8,} inputs  {total_time:8.1f} s  — {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
