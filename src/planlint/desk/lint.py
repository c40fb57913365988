"""Checking one uploaded version, free of the web framework and of the database: the same library
calls as `planlint serve` (the findings, an annotated copy, a safe-fixed copy) with the round's
city plan as superior, plus the `planlint diff` of what changed since the previous version.

`lint_version` runs in a worker process (see `Linter`): it takes and returns plain data only."""

from __future__ import annotations

import json
import multiprocessing
import os
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import PlanlintError
from .coverage import CityTasks

COVERAGE_SLUG = "coverage-below-target"


@dataclass(frozen=True, slots=True)
class StoredFile:
    name: str  # the user's file name (plan metadata such as the year may be read from it)
    path: str  # where its bytes are (the file store)


@dataclass(frozen=True, slots=True)
class RoundFiles:
    """What every lint of a round uses: the city plan as superior, the profile, and the optional
    population file and 抽查事项清单."""

    superior: StoredFile
    profile: str
    population: StoredFile | None = None
    item_list: StoredFile | None = None


@dataclass(frozen=True, slots=True)
class LintRequest:
    plan: StoredFile
    round: RoundFiles
    previous: StoredFile | None = None  # the county's previous version, for the diff


@dataclass(slots=True)
class LintOutcome:
    findings: list[dict[str, Any]] = field(default_factory=list)  # the JSON report's findings, plus "key"
    counts: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0, "info": 0})
    duplicates: int = 0
    coverage: str | None = None  # 不足 / 未估算 / 未发现不足; None without a population file
    city_tasks: CityTasks | None = None  # the city's tasks for counties it takes up (None: not compared)
    unreadable: str | None = None  # the reader's message when the file is not a readable plan
    tasks: int = 0
    annotated: bytes | None = None
    fixed: bytes | None = None
    fixed_name: str | None = None
    fixed_cells: int = 0
    diff: dict[str, Any] | None = None  # planlint.diffreport.to_dict of previous → this version
    problems: list[str] = field(default_factory=list)  # why a copy or the diff could not be made


def finding_key(f: dict[str, Any]) -> str:
    """What a waiver is attached to: the rule, the task and the field, so a waiver explained on
    one version still covers the same finding in the next version (rows may move)."""
    loc = f.get("location") or {}
    where = f.get("task") or f"{loc.get('sheet') or ''}!{loc.get('cell') or ''}"
    return f"{f['rule']}|{where}|{f.get('field') or ''}"


def _place(work: Path, folder: str, stored: StoredFile) -> str:
    from ..serve.jobs import safe_filename

    target = work / folder / safe_filename(stored.name, "计划")
    target.parent.mkdir(parents=True)
    target.write_bytes(Path(stored.path).read_bytes())
    return str(target)


def lint_version(req: LintRequest) -> LintOutcome:
    """Lint one version in a temporary folder (deleted afterwards). A file that is not a plan is
    an outcome with `unreadable` set, not an exception."""
    with tempfile.TemporaryDirectory(prefix="planlint-desk-") as tmp:
        work = Path(tmp)
        return _lint(req, work)


@dataclass(slots=True)
class _Placed:
    """A round's files copied into a work folder: the run options that use them, and the user's
    name of each copy (findings quote the 抽查事项清单's path; the user sees its name)."""

    options: Any  # planlint.engine.RunOptions
    names: dict[str, str]

    def shown(self, value: Any) -> Any:
        """A text, or every text of a JSON value, with the copies' paths replaced by the names."""
        if isinstance(value, str):
            for path, name in self.names.items():
                value = value.replace(path, name)
            return value
        if isinstance(value, dict):
            return {k: self.shown(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.shown(v) for v in value]
        return value


def _place_round(work: Path, files: RoundFiles) -> _Placed:
    from ..engine import RunOptions

    names: dict[str, str] = {}

    def place(folder: str, stored: StoredFile | None) -> str | None:
        if stored is None:
            return None
        path = _place(work, folder, stored)
        names[path] = stored.name
        return path

    superior = place("superior", files.superior)
    options = RunOptions(
        profile=files.profile,
        use_config=False,
        superior=(superior,) if superior else (),
        population=place("population", files.population),
        item_list=place("item_list", files.item_list),
    )
    return _Placed(options, names)


def _lint(req: LintRequest, work: Path) -> LintOutcome:
    from .. import engine
    from ..report.xlsx import annotated_copy

    plan = _place(work, "plan", req.plan)
    placed = _place_round(work, req.round)
    placed.names[plan] = req.plan.name
    out = LintOutcome()
    try:
        result = engine.run([plan], placed.options)
    except PlanlintError as exc:
        out.unreadable = placed.shown(exc.message)
        return out
    reports = result.reports
    errors = [r.error for r in reports if r.error is not None]
    if errors or not any(r.plan is not None for r in reports):
        out.unreadable = placed.shown(errors[0]) if errors else "文件中没有找到抽查任务表"
        return out
    for r in reports:
        out.tasks += len(r.plan.tasks) if r.plan is not None else 0
        for f in r.findings:
            entry = placed.shown(f.to_json())
            entry["key"] = finding_key(entry)
            entry["safe_fix"] = any(e.safe for e in f.edits)
            out.findings.append(entry)
            out.counts[f.severity] += 1
    # As the review summary of `planlint check --superior` counts them (info-level matches excluded).
    out.duplicates = sum(row.duplicated for row in result.review())
    out.city_tasks = _city_tasks(reports, placed.options)
    if req.round.population:
        short = [f for f in out.findings if f["slug"] == COVERAGE_SLUG]
        skipped = [n for n in result.notes if "未估算" in n]
        # No finding is not "meets the floor": the plan's layers may set no floor for it.
        out.coverage = "不足" if short else ("未估算" if skipped else "未发现不足")
    try:
        out.annotated = annotated_copy(plan, reports)
    except PlanlintError as exc:
        out.problems.append(f"无法生成批注副本：{exc.message}")
    if any(e.safe for r in reports for f in r.findings for e in f.edits):
        _fixed_copy(req, plan, work, out)
    if req.previous is not None:
        _diff(req, reports, work, placed, out)
    return out


def _city_tasks(reports: list, options) -> CityTasks | None:
    """The coverage of the city's tasks for counties, matched with the profile's parameters for
    each plan's place and year (the matching threshold)."""
    from .. import engine
    from ..config import Config
    from ..pipeline import load_plans
    from .coverage import city_tasks

    ruleset = engine.build_ruleset(options, Config())
    superiors = [p for path in options.superior for p in load_plans(path)]
    plans = [r.plan for r in reports if r.plan is not None]
    return city_tasks(plans, superiors, lambda plan: ruleset.resolve(plan.meta).params)


def _fixed_copy(req: LintRequest, plan: str, work: Path, out: LintOutcome) -> None:
    from ..engine import RunOptions
    from ..fixes import default_output
    from ..fixrounds import fix_file

    fix_work = work / "fix"
    fix_work.mkdir()
    try:
        outcome = fix_file(plan, RunOptions(profile=req.round.profile, use_config=False), False, fix_work)
    except PlanlintError as exc:
        out.problems.append(f"无法生成修复副本：{exc.message}")
        return
    if outcome.result_path is None or not outcome.changes:
        return
    out.fixed = Path(outcome.result_path).read_bytes()
    out.fixed_name = Path(default_output(Path(plan).name, outcome.rebuilt)).name
    out.fixed_cells = len(outcome.changes)


def _diff(req: LintRequest, new_reports: list, work: Path, placed: _Placed, out: LintOutcome) -> None:
    """What changed since the previous version, paired as `planlint diff` pairs them (tables by
    name, tasks by content, 序号 and similarity). Both versions are linted with the same options,
    so only findings the change introduced are marked new."""
    from .. import engine
    from ..diff import diff_reports
    from ..diffreport import to_dict

    assert req.previous is not None
    old_path = _place(work, "previous", req.previous)
    placed.names[old_path] = req.previous.name
    try:
        old_reports = engine.run([old_path], placed.options).reports
    except PlanlintError as exc:
        out.problems.append(f"无法与上一版对比：{placed.shown(exc.message)}")
        return
    diffs = diff_reports(old_reports, new_reports)
    if diffs:
        out.diff = placed.shown(json.loads(json.dumps(to_dict(diffs), ensure_ascii=False, default=str)))


# Findings that compare one county's plan with the other counties' (not with the city plan alone).
BETWEEN_COUNTIES = ("sibling-inconsistent", "internal-joint-duplicate")


@dataclass(frozen=True, slots=True)
class ReviewRequest:
    plans: tuple[tuple[str, StoredFile], ...]  # (county, its current version)
    round: RoundFiles


def review_round(req: ReviewRequest) -> dict[str, list[dict[str, Any]]]:
    """The cross-plan review of `planlint check 各县计划/ --superior 市级计划`, over every county's
    current version at once: per county, the findings that compare it with the other counties."""
    from .. import engine

    with tempfile.TemporaryDirectory(prefix="planlint-desk-review-") as tmp:
        work = Path(tmp)
        paths = {_place(work, f"plans/{i}", stored): county for i, (county, stored) in enumerate(req.plans)}
        placed = _place_round(work, req.round)
        placed.names.update({path: stored.name for path, (_, stored) in zip(paths, req.plans, strict=True)})
        result = engine.run(list(paths), placed.options)
        out: dict[str, list[dict[str, Any]]] = {county: [] for county, _ in req.plans}
        for report in result.reports:
            for f in report.findings:
                if f.slug in BETWEEN_COUNTIES:
                    out[paths[report.path]].append(placed.shown(f.to_json()))
        return out


def _follow_parent() -> None:
    """In a lint process: exit as soon as the server that started it is gone (killed with SIGKILL,
    a pool's own shutdown never runs), instead of lingering as an orphan. multiprocessing's parent
    sentinel is a pipe the server holds open, so it says when the server ended whether the process
    was spawned by the server or forked by the fork server (whose parent is not the server, and
    which itself lives on while any process it forked does)."""
    parent = multiprocessing.parent_process()
    if parent is None:  # not started by multiprocessing: nothing to follow
        return

    def watch() -> None:
        parent.join()
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="planlint-desk-parent").start()


# What the fork server imports once, so that each lint process starts checking at once instead of
# importing planlint, openpyxl and the reports again (~1 s of CPU a process).
_PRELOAD = [
    __name__,
    "planlint.engine",
    "planlint.fixrounds",
    "planlint.diff",
    "planlint.diffreport",
    "planlint.report.xlsx",
    "planlint.serve.jobs",
]


class Linter:
    """Runs `lint_version` in worker processes (`processes` > 0: uploads of several counties are
    linted in parallel, and a crash in a reader cannot take the server down), or in the calling
    thread, one at a time (`processes` = 0, for tests and small sites)."""

    def __init__(self, processes: int) -> None:
        self._processes = processes
        self._pool = self._new_pool() if processes > 0 else None
        self._lock = threading.Lock()

    def _new_pool(self) -> ProcessPoolExecutor:
        """Lint processes forked from the fork server (pipeline.process_context), else spawned; never
        a plain fork of the threaded server."""
        from ..pipeline import process_context

        return ProcessPoolExecutor(
            max_workers=self._processes, mp_context=process_context(_PRELOAD), initializer=_follow_parent
        )

    def run(self, req: LintRequest) -> LintOutcome:
        """Blocking: call from a worker thread."""
        return self._call(lint_version, req)

    def review(self, req: ReviewRequest) -> dict[str, list[dict[str, Any]]]:
        return self._call(review_round, req)

    def _call(self, fn, req):
        if self._pool is None:
            with self._lock:
                return fn(req)
        pool = self._pool
        try:
            return pool.submit(fn, req).result()
        except BrokenProcessPool:
            # A worker died (killed, out of memory): later uploads get a new pool, this one a message.
            with self._lock:
                if self._pool is pool:
                    self._pool = self._new_pool()
            # Shut the broken pool down while we still hold it: dropped unreferenced, its manager
            # thread can collect it mid-teardown and deadlock (seen on Python 3.13.0 at exit).
            pool.shutdown(wait=True, cancel_futures=True)
            raise PlanlintError(
                "检查进程意外退出（文件可能过大或已损坏），这个版本没有保存；请检查文件后重新上传"
            ) from None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
