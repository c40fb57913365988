"""A long fuzz run: the strategies of tests/test_fuzz.py with many examples, outside pytest.

    python benchmarks/fuzz_pipeline.py                  # 100,000 inputs (about 10–20 minutes)
    python benchmarks/fuzz_pipeline.py --inputs 5000    # a quick look

Inputs are split between the field parser, the whole check pipeline (table → plan → every rule →
every text report), the readers (damaged .xlsx/.docx/.csv and random bytes), and damaged files run
through everything a user can run on them (`check`, every output format including the annotated
.xlsx copy, and `fix --unsafe-fixes`). Prints, per target, how many inputs ran, how long they took,
how many let an exception escape and how many made planlint report 内部错误 (a bug caught by its
last line of defence), with the first few of each; exits 1 if there was any.

    python benchmarks/fuzz_pipeline.py --only whole --inputs 2000   # one target
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TESTS = Path(__file__).resolve().parents[1] / "tests"
sys.path.insert(0, str(TESTS))

import test_fuzz as fz  # noqa: E402

from planlint import fields  # noqa: E402

# target name → (share of the inputs, strategy, function taking one example)
SHARES = {"fields.parse": 0.55, "pipeline": 0.3, "readers": 0.1, "whole": 0.05}


def drive(strategy: st.SearchStrategy, target, examples: int) -> tuple[int, float, Counter, Counter]:
    """Run `examples` inputs, counting failures instead of stopping at the first (hypothesis
    would shrink it and stop): (inputs, seconds, escaped exceptions, internal errors)."""
    count = 0
    escaped: Counter = Counter()
    internal: Counter = Counter()

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(example):
        nonlocal count
        count += 1
        try:
            target(example)
        except fz.InternalError as exc:
            internal[str(exc).splitlines()[0][:160]] += 1
        except Exception as exc:
            escaped[f"{type(exc).__name__}: {str(exc).splitlines()[0][:140] if str(exc) else ''}"] += 1
            traceback.print_exception(exc, limit=-3)

    start = time.perf_counter()
    run()
    return count, time.perf_counter() - start, escaped, internal


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000, help="total number of inputs (default 100000)")
    parser.add_argument("--only", choices=list(SHARES), help="run one target with all the inputs")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="planlint-fuzz-"))
    targets = {
        "fields.parse": (st.tuples(st.sampled_from(fields.KINDS), fz.CELL), lambda e: fz.parse_target(*e)),
        "pipeline": (fz.TABLE, fz.pipeline_target),
        "readers": (fz.FILES, lambda e: fz.file_target(e[0], e[1], folder)),
        "whole": (fz.FILES, lambda e: fz.whole_target(e[0], e[1], folder / "whole")),
    }
    if args.only:
        targets = {args.only: targets[args.only]}
    total_count, total_time, failures = 0, 0.0, 0
    for name, (strategy, target) in targets.items():
        examples = args.inputs if args.only else int(args.inputs * SHARES[name])
        count, seconds, escaped, internal = drive(strategy, target, examples)
        total_count += count
        total_time += seconds
        failures += sum(escaped.values()) + sum(internal.values())
        print(
            f"{name:<13} {count:>8,} inputs  {seconds:8.1f} s  {count / seconds:8.0f}/s  "
            f"escaped {sum(escaped.values())}  内部错误 {sum(internal.values())}",
            flush=True,
        )
        for what, n in [*escaped.most_common(5), *internal.most_common(5)]:
            print(f"    {n:>6} × {what}", flush=True)
    verdict = f"{failures} failures" if failures else "nothing escaped, 0 内部错误"
    print(f"{'total':<13} {total_count:>8,} inputs  {total_time:8.1f} s  — {verdict}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
