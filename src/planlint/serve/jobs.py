"""The work behind the web page, free of any web framework: a batch of uploaded plans is checked in
its own temporary folder, every report and copy the page offers is produced while the files are
there, then the folder is deleted. Results live in memory only, for the last few batches."""

from __future__ import annotations

import logging
import re
import secrets
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..errors import PlanlintError
from ..pipeline import KNOWN_UNSUPPORTED, SUPPORTED

T = TypeVar("T")
log = logging.getLogger("planlint.serve")

# Formats a plan may come in. The known-unsupported ones (.xls, .pdf …) are accepted so that the
# user gets the reader's own advice ("另存为 .xlsx"), exactly as `planlint check` gives it.
ACCEPTED = (*SUPPORTED, *KNOWN_UNSUPPORTED)
KEEP_JOBS = 20  # finished batches kept for download; older ones are forgotten

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES = {
    ".xlsx": XLSX_TYPE,
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".txt": "text/plain",
}
STAGES = {"检查": "正在检查", "批注": "正在生成批注副本", "修复": "正在生成修复副本"}

# Characters Windows forbids in file names, plus control characters.
_BAD_NAME_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


def safe_filename(raw: str | None, fallback: str) -> str:
    """The last component of an uploaded file's name, usable on any OS. The name is kept (not
    replaced by a random one) because plan metadata such as the year may be read from it."""
    name = _BAD_NAME_CHARS.sub("_", (raw or "").replace("\\", "/").rsplit("/", 1)[-1])
    suffix = Path(name).suffix
    stem = (name[: -len(suffix)] if suffix else name).strip(" .")[:120]
    return (stem or fallback) + suffix


def suffix_of(name: str) -> str:
    return Path(name).suffix.lower()


@dataclass(frozen=True, slots=True)
class Download:
    filename: str
    media_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Upload:
    name: str  # shown to the user; unique within the batch
    path: Path  # where the file sits in the batch's temporary folder


class Batch:
    """The uploads of one request, each in its own subfolder of one temporary folder (two files
    may share a name). `cleanup` deletes everything; it is safe to call more than once."""

    def __init__(self, parent: str | None = None) -> None:
        # A reader that still holds a file open (Windows refuses to delete it) must not turn a
        # finished check into a failure.
        self._tmp = tempfile.TemporaryDirectory(
            prefix="planlint-serve-", dir=parent, ignore_cleanup_errors=True
        )
        self.root = Path(self._tmp.name)
        self.plans: list[Upload] = []
        self.superior: Upload | None = None
        self.item_list: Upload | None = None  # a 抽查事项清单 for the items pack
        self._names: set[str] = set()

    def add(self, raw_name: str | None, *, superior: bool = False, item_list: bool = False) -> Path:
        """Reserve a path for an uploaded file and return it; the caller writes the bytes."""
        n = len(self.plans) + (self.superior is not None) + (self.item_list is not None)
        name = safe_filename(raw_name, f"文件{n + 1}")
        folder = self.root / ("superior" if superior else "item_list" if item_list else "in") / str(n)
        folder.mkdir(parents=True)
        upload = Upload(self._unique(name), folder / name)
        if superior:
            self.superior = upload
        elif item_list:
            self.item_list = upload
        else:
            self.plans.append(upload)
        return upload.path

    def _unique(self, name: str) -> str:
        shown, n = name, 2
        while shown in self._names:
            p = Path(name)
            shown, n = f"{p.stem} ({n}){p.suffix}", n + 1
        self._names.add(shown)
        return shown

    def display(self, path: str | None) -> str | None:
        """The user's name for a path inside the batch (None if it is not one of the uploads)."""
        uploads = [*self.plans, *(u for u in (self.superior, self.item_list) if u is not None)]
        return next((u.name for u in uploads if path is not None and str(u.path) == str(path)), None)

    def cleanup(self) -> None:
        self._tmp.cleanup()


@dataclass(eq=False)
class Job:
    """One checked batch: progress while it runs, then the summary and the downloads."""

    id: str
    batch: Batch | None
    profile: str | None
    state: str = "queued"  # queued | running | done | failed
    stage: str = "排队等待"
    done: int = 0
    total: int = 0
    error: str | None = None
    summary: dict[str, int] = field(default_factory=dict)
    files: list[dict[str, Any]] = field(default_factory=list)
    downloads: dict[str, Download] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    def status(self) -> dict[str, Any]:
        """What the page polls: progress while running, then results (JSON-serialisable)."""
        out: dict[str, Any] = {
            "state": self.state,
            "stage": self.stage,
            "done": self.done,
            "total": self.total,
        }
        if self.state == "done":
            out.update(summary=self.summary, files=self.files)
        elif self.state == "failed":
            out["error"] = self.error
        return out

    def progress(self, items: Iterable[T], total: int, label: str) -> Iterator[T]:
        """A RunOptions.progress hook (also used for the copies): counts items as they finish."""
        self.stage, self.total, self.done = STAGES.get(label, label), total, 0
        for item in items:
            yield item
            self.done += 1


def run_job(job: Job) -> None:
    """Check the batch, build every download, delete the uploads. Never raises: a user error
    becomes the job's one-line message, anything else is logged here and reported in Chinese."""
    batch = job.batch
    assert batch is not None
    job.state = "running"
    error: str | None = None
    try:
        _check(job, batch)
    except PlanlintError as exc:
        shown = batch.display(exc.path)
        error = f"{shown}：{exc.message}" if shown else exc.message
    except Exception:
        log.exception("planlint serve: batch %s failed", job.id)
        error = "内部错误，检查没有完成；详细信息已记录在运行 planlint serve 的窗口中。"
    finally:
        batch.cleanup()
        job.batch = None
    # Set last, so that a client seeing "done" also sees the uploads gone.
    job.error = error
    job.stage = "检查失败" if error else "检查完成"
    job.state = "failed" if error else "done"


def _check(job: Job, batch: Batch) -> None:
    from .. import engine
    from ..report import ReportOptions
    from ..report import html as html_report
    from ..report import json as json_report

    options = engine.RunOptions(
        profile=job.profile,
        use_config=False,  # a planlint.yaml above the temporary folder is not the user's
        superior=(str(batch.superior.path),) if batch.superior else (),
        item_list=str(batch.item_list.path) if batch.item_list else None,
        progress=job.progress,
    )
    result = engine.run([str(u.path) for u in batch.plans], options)
    by_path = {str(u.path): [r for r in result.reports if r.path == str(u.path)] for u in batch.plans}

    files = [_file_entry(i, u, by_path[str(u.path)]) for i, u in enumerate(batch.plans)]
    for i, upload in enumerate(job.progress(batch.plans, len(batch.plans), "批注")):
        _annotate(job, files[i], i, upload, by_path[str(upload.path)])
    fixable = [i for i, u in enumerate(batch.plans) if _has_safe_edits(by_path[str(u.path)])]
    for i in job.progress(fixable, len(fixable), "修复"):
        _fix(job, files[i], i, batch.plans[i], batch.root / "fix" / str(i))

    # From here on the reports name the user's files, not the temporary copies.
    for report in result.reports:
        report.path = batch.display(report.path) or report.path
    report_options = ReportOptions()
    job.downloads["report.json"] = Download(
        "planlint检查报告.json",
        "application/json",
        json_report.render(result, report_options).encode("utf-8"),
    )
    job.downloads["report.html"] = Download(
        "planlint检查报告.html",
        "text/html; charset=utf-8",
        html_report.render(result, report_options).encode("utf-8"),
    )
    job.summary = result.summary()
    job.files = files


def _file_entry(index: int, upload: Upload, reports: list) -> dict[str, Any]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for r in reports:
        for sev, n in r.counts().items():
            counts[sev] += n
    return {
        "index": index,
        "name": upload.name,
        "plans": sum(r.plan is not None for r in reports),
        "tasks": sum(len(r.plan.tasks) for r in reports if r.plan is not None),
        "counts": counts,
        "findings": sum(counts.values()),
        "error": next((r.error for r in reports if r.error is not None), None),
        "annotated": None,  # download key, once built
        "fixed": None,  # download key, once built
        "fixed_cells": 0,
        "remaining": None,  # findings left in the fixed copy
        "problems": [],  # why a copy could not be made
    }


def _annotate(job: Job, entry: dict[str, Any], index: int, upload: Upload, reports: list) -> None:
    from ..report.xlsx import annotated_copy

    if not any(r.plan is not None for r in reports):
        return  # unreadable: the page shows the reader's message instead
    try:
        data = annotated_copy(str(upload.path), reports)
    except PlanlintError as exc:
        entry["problems"].append(f"无法生成批注副本：{exc.message}")
        return
    key = f"annotated/{index}"
    job.downloads[key] = Download(f"{Path(upload.name).stem}.批注.xlsx", XLSX_TYPE, data)
    entry["annotated"] = key


def _has_safe_edits(reports: list) -> bool:
    return any(e.safe for r in reports for f in r.findings for e in f.edits)


def _fix(job: Job, entry: dict[str, Any], index: int, upload: Upload, work: Path) -> None:
    """The same fix rounds as `planlint fix` (safe fixes only), on the uploaded copy."""
    from .. import engine
    from ..fixes import default_output
    from ..fixrounds import fix_file

    work.mkdir(parents=True)
    options = engine.RunOptions(profile=job.profile, use_config=False)
    try:
        outcome = fix_file(str(upload.path), options, False, work)
    except PlanlintError as exc:
        entry["problems"].append(f"无法生成修复副本：{exc.message}")
        return
    if outcome.result_path is None or not outcome.changes:
        return
    key = f"fixed/{index}"
    name = Path(default_output(upload.name)).name
    media = MEDIA_TYPES.get(suffix_of(name), "application/octet-stream")
    job.downloads[key] = Download(name, media, Path(outcome.result_path).read_bytes())
    entry.update(fixed=key, fixed_cells=len(outcome.changes), remaining=outcome.remaining)


class JobStore:
    """Batches run one at a time on a worker thread (the parser and the rule caches are shared,
    and one editor's machine gains nothing from more); the last KEEP_JOBS are kept."""

    def __init__(self, keep: int = KEEP_JOBS) -> None:
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._keep = keep
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="planlint-serve")

    def submit(self, batch: Batch, profile: str | None) -> Job:
        job = Job(secrets.token_urlsafe(16), batch, profile)
        with self._lock:
            self._jobs[job.id] = job
            self._evict()
            self._pool.submit(run_job, job)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _evict(self) -> None:
        finished = [j for j in self._jobs.values() if j.finished]
        for job in finished[: max(0, len(self._jobs) - self._keep)]:
            del self._jobs[job.id]

    def close(self) -> None:
        """Stop accepting work, let the running batch finish, delete the uploads of any batch
        that never started."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            for job in self._jobs.values():
                if job.batch is not None:
                    job.batch.cleanup()
                    job.batch = None
                    job.state, job.error = "failed", "服务已停止，检查没有进行。"
