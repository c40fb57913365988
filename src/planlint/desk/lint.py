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
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import PlanlintError

COVERAGE_SLUG = "coverage-below-target"


@dataclass(frozen=True, slots=True)
class StoredFile:
    name: str  # the user's file name (plan metadata such as the year may be read from it)
    path: str  # where its bytes are (the file store)


@dataclass(frozen=True, slots=True)
class LintRequest:
    plan: StoredFile
    superior: StoredFile
    profile: str
    population: StoredFile | None = None
    previous: StoredFile | None = None  # the county's previous version, for the diff


@dataclass(slots=True)
class LintOutcome:
    findings: list[dict[str, Any]] = field(default_factory=list)  # the JSON report's findings, plus "key"
    counts: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0, "info": 0})
    duplicates: int = 0
    coverage: str | None = None  # 不足 / 未估算 / 未发现不足; None without a population file
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


def _options(req: LintRequest | ReviewRequest, superior: str | None, population: str | None):
    from ..engine import RunOptions

    return RunOptions(
        profile=req.profile, use_config=False, superior=(superior,) if superior else (), population=population
    )


def _lint(req: LintRequest, work: Path) -> LintOutcome:
    from .. import engine
    from ..report.xlsx import annotated_copy

    plan = _place(work, "plan", req.plan)
    superior = _place(work, "superior", req.superior)
    population = _place(work, "population", req.population) if req.population else None
    out = LintOutcome()
    options = _options(req, superior, population)
    try:
        result = engine.run([plan], options)
    except PlanlintError as exc:
        out.unreadable = exc.message
        return out
    reports = result.reports
    errors = [r.error for r in reports if r.error is not None]
    if errors or not any(r.plan is not None for r in reports):
        out.unreadable = errors[0] if errors else "文件中没有找到抽查任务表"
        return out
    for r in reports:
        out.tasks += len(r.plan.tasks) if r.plan is not None else 0
        for f in r.findings:
            entry = f.to_json()
            entry["key"] = finding_key(entry)
            entry["safe_fix"] = any(e.safe for e in f.edits)
            out.findings.append(entry)
            out.counts[f.severity] += 1
    # As the review summary of `planlint check --superior` counts them (info-level matches excluded).
    out.duplicates = sum(row.duplicated for row in result.review())
    if population:
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
        _diff(req, reports, work, options, out)
    return out


def _fixed_copy(req: LintRequest, plan: str, work: Path, out: LintOutcome) -> None:
    from ..fixes import default_output
    from ..fixrounds import fix_file

    fix_work = work / "fix"
    fix_work.mkdir()
    try:
        outcome = fix_file(plan, _options(req, None, None), False, fix_work)
    except PlanlintError as exc:
        out.problems.append(f"无法生成修复副本：{exc.message}")
        return
    if outcome.result_path is None or not outcome.changes:
        return
    out.fixed = Path(outcome.result_path).read_bytes()
    out.fixed_name = Path(default_output(Path(plan).name, outcome.rebuilt)).name
    out.fixed_cells = len(outcome.changes)


def _diff(req: LintRequest, new_reports: list, work: Path, options, out: LintOutcome) -> None:
    """What changed since the previous version. Both versions are linted with the same options, so
    only findings the change introduced are marked new. Tables are paired in order (the pairing by
    sheet name of `planlint diff` lives inside its CLI command)."""
    from .. import engine
    from ..diff import diff_plans, mark_findings
    from ..diffreport import to_dict

    assert req.previous is not None
    old_path = _place(work, "previous", req.previous)
    try:
        old_reports = [r for r in engine.run([old_path], options).reports if r.plan is not None]
    except PlanlintError as exc:
        out.problems.append(f"无法与上一版对比：{exc.message}")
        return
    diffs = []
    for old, new in zip(old_reports, [r for r in new_reports if r.plan is not None]):
        assert old.plan is not None and new.plan is not None  # both lists keep only reports with a plan
        d = diff_plans(old.plan, new.plan)
        mark_findings(d, old.findings, new.findings)
        diffs.append(d)
    if diffs:
        out.diff = json.loads(json.dumps(to_dict(diffs), ensure_ascii=False, default=str))


# Findings that compare one county's plan with the other counties' (not with the city plan alone).
BETWEEN_COUNTIES = ("sibling-inconsistent", "internal-joint-duplicate")


@dataclass(frozen=True, slots=True)
class ReviewRequest:
    plans: tuple[tuple[str, StoredFile], ...]  # (county, its current version)
    superior: StoredFile
    profile: str
    population: StoredFile | None = None


def review_round(req: ReviewRequest) -> dict[str, list[dict[str, Any]]]:
    """The cross-plan review of `planlint check 各县计划/ --superior 市级计划`, over every county's
    current version at once: per county, the findings that compare it with the other counties."""
    from .. import engine

    with tempfile.TemporaryDirectory(prefix="planlint-desk-review-") as tmp:
        work = Path(tmp)
        paths = {_place(work, f"plans/{i}", stored): county for i, (county, stored) in enumerate(req.plans)}
        superior = _place(work, "superior", req.superior)
        population = _place(work, "population", req.population) if req.population else None
        result = engine.run(list(paths), _options(req, superior, population))
        out: dict[str, list[dict[str, Any]]] = {county: [] for county, _ in req.plans}
        for report in result.reports:
            for f in report.findings:
                if f.slug in BETWEEN_COUNTIES:
                    out[paths[report.path]].append(f.to_json())
        return out


def _follow_parent(parent: int) -> None:
    """In a lint process: exit when the server that started it is gone (killed with SIGKILL, a
    pool's own shutdown never runs), instead of lingering as an orphan."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="planlint-desk-parent").start()


class Linter:
    """Runs `lint_version` in worker processes (`processes` > 0: uploads of several counties are
    linted in parallel, and a crash in a reader cannot take the server down), or in the calling
    thread, one at a time (`processes` = 0, for tests and small sites)."""

    def __init__(self, processes: int) -> None:
        self._processes = processes
        self._pool = self._new_pool() if processes > 0 else None
        self._lock = threading.Lock()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self._processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_follow_parent,
            initargs=(os.getpid(),),
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
