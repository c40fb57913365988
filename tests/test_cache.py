"""The content cache of per-file results (planlint.cache), through `planlint check`."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from planlint import cache, engine
from planlint.commands.check import check

MODEL = "示范-某县2025年度内部双随机抽查工作计划.xlsx"
ZEZHOU = (
    Path(__file__).parent / "fixtures" / "formats" / "泽州县市场监督管理局2023年度内部双随机抽查工作计划.csv"
)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PLANLINT_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Paths actually read and checked (cache misses)."""
    seen: list[str] = []
    real = engine.check_file

    def spy(path, *args):
        seen.append(path)
        return real(path, *args)

    monkeypatch.setattr(engine, "check_file", spy)
    return seen


def run(*args: str) -> dict:
    result = CliRunner().invoke(check, [*args, "--no-config", "-f", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("results/*/*.pickle"))


def test_hit_on_unchanged_file(tmp_path, cache_dir, calls):
    plan = tmp_path / ZEZHOU.name
    shutil.copy(ZEZHOU, plan)
    first = run(str(plan))
    assert calls == [str(plan)] and len(entries(cache_dir)) == 1
    second = run(str(plan))
    assert calls == [str(plan)]  # not checked again
    assert second == first and first["summary"]["error"] > 0


def test_miss_after_edit(tmp_path, cache_dir, calls):
    plan = tmp_path / ZEZHOU.name
    shutil.copy(ZEZHOU, plan)
    before = run(str(plan))
    text = ZEZHOU.read_bytes().decode("utf-8-sig").replace("2022年", "2023年")
    plan.write_text(text, encoding="utf-8-sig")
    after = run(str(plan))
    assert calls == [str(plan), str(plan)]
    slugs = lambda report: [f["slug"] for f in report["files"][0]["findings"]]  # noqa: E731
    assert "stale-year" in slugs(before) and "stale-year" not in slugs(after)


def test_rules_are_part_of_the_key(samples, cache_dir, calls):
    plan = str(samples / MODEL)
    run(plan)
    run(plan, "--ignore", "PL5")
    assert calls == [plan, plan]


def test_no_cache_bypasses(samples, cache_dir, calls):
    plan = str(samples / MODEL)
    run(plan, "--no-cache")
    run(plan, "--no-cache")
    assert calls == [plan, plan] and not entries(cache_dir)


def test_corrupt_entry_is_ignored_and_replaced(samples, cache_dir, calls):
    plan = str(samples / MODEL)
    first = run(plan)
    [entry] = entries(cache_dir)
    entry.write_bytes(b"not a pickle")
    assert run(plan) == first
    assert calls == [plan, plan]
    assert run(plan) == first and calls == [plan, plan]  # the entry was rewritten


def test_plan_set_rules_run_over_cached_plans(samples, cache_dir, calls):
    """Cross-plan findings are not cached: they depend on the other plans of the run."""
    county = str(samples / "泽州县市场监督管理局2023年度内部双随机抽查工作计划.xlsx")
    city = str(samples / "晋城市市场监管局2025年度双随机抽查工作计划.xlsx")
    alone = run(county)
    with_superior = run(county, "--superior", city)
    assert calls == [county]  # the county plan was read once; the superior is never cached
    assert with_superior != alone
    assert run(county, "--superior", city) == with_superior


def test_cache_dir_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("PLANLINT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "planlint"


def test_pickle_round_trip(samples):
    from planlint.pipeline import load_plans

    [plan] = load_plans(str(samples / MODEL))
    again = cache.loads(cache.dumps(plan))
    assert again == plan


def test_tasks_come_back_whole_with_shared_cells(samples):
    """Plans from a --jobs worker or the cache come back with every cell, location and continuation
    row (长治 task 15 has one) as read, and a text shared by several tasks is still one Cell: it is
    pickled once, and its cell rules would still run once."""
    from planlint.pipeline import load_plans

    [plan] = [p for p in load_plans(str(next(samples.glob("长治*")))) if p.tasks]
    assert any(t.continuation for t in plan.tasks)
    again = cache.loads(cache.dumps(plan))
    assert again.tasks == plan.tasks
    again.tasks.append(again.tasks[0])  # a plain list, as read (no lazy stand-in to keep in sync)
    again.tasks.pop()
    for mine, theirs in zip(plan.tasks, again.tasks):
        assert list(mine.placed()) == list(theirs.placed())
    shared = {id(t.cells["risk"]) for t in plan.tasks}
    assert len(shared) < len(plan.tasks) and len({id(t.cells["risk"]) for t in again.tasks}) == len(shared)
    assert cache.loads(cache.dumps(again)).tasks == plan.tasks


# ---------------------------------------------------------------- housekeeping (#20.11)


def test_cache_clean_empties_the_folder(tmp_path, cache_dir):
    from planlint.cli import cli

    shutil.copy(Path(__file__).parents[1] / "samples" / MODEL, tmp_path / MODEL)
    run(str(tmp_path / MODEL))
    assert entries(cache_dir)
    result = CliRunner().invoke(cli, ["cache", "info"])
    assert result.exit_code == 0 and str(cache_dir) in result.output and "MiB" in result.output
    result = CliRunner().invoke(cli, ["cache", "clean"])
    assert result.exit_code == 0 and "已清空缓存" in result.output
    assert not cache_dir.exists() or not any(cache_dir.rglob("*"))
    run(str(tmp_path / MODEL))  # and it fills again
    assert entries(cache_dir)


def test_trim_keeps_the_cache_under_its_cap(cache_dir):
    import os

    folder = cache_dir / "results" / "ab"
    folder.mkdir(parents=True)
    for i in range(10):
        entry = folder / f"ab{i:02d}.pickle"
        entry.write_bytes(b"x" * 1000)
        os.utime(entry, (1_000_000 + i, 1_000_000 + i))  # entry 0 least recently used
    assert cache.trim(max_bytes=20_000) == 0  # under the cap: nothing to do
    freed = cache.trim(max_bytes=5_000)
    kept = sorted(p.name for p in folder.iterdir())
    assert freed == 6_000 and kept == [f"ab{i:02d}.pickle" for i in range(6, 10)]


def test_check_trims_after_the_run(tmp_path, cache_dir, monkeypatch):
    shutil.copy(Path(__file__).parents[1] / "samples" / MODEL, tmp_path / MODEL)
    stale = cache_dir / "results" / "zz" / "old.pickle"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"x" * 10_000)
    import os

    os.utime(stale, (1_000_000, 1_000_000))
    monkeypatch.setattr(cache, "MAX_CACHE_BYTES", 9_000)
    run(str(tmp_path / MODEL))
    assert not stale.exists() and entries(cache_dir)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG_CACHE_HOME is the Linux convention")
def test_default_folder_is_the_platforms(monkeypatch, tmp_path):
    from planlint.dirs import cache_dir

    monkeypatch.delenv("PLANLINT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "planlint"


def test_tests_leave_no_cache_folder_behind(tmp_path):
    """The test session's own cache folder is removed when pytest ends (conftest)."""
    import subprocess

    (tmp_path / "test_x.py").write_text(
        "import os\ndef test_x():\n    open(os.path.join(os.environ['PLANLINT_CACHE_DIR'], 'f'), 'w').close()\n"
        "    print('CACHE=' + os.environ['PLANLINT_CACHE_DIR'])\n",
        encoding="utf-8",
    )
    conftest = Path(__file__).parent / "conftest.py"
    shutil.copy(conftest, tmp_path / "conftest.py")
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-s",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            str(tmp_path / "test_x.py"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    folder = next(line[6:] for line in r.stdout.splitlines() if line.startswith("CACHE="))
    assert not Path(folder).exists()
