"""The work behind the web page, free of any web framework: a batch of uploaded plans is checked in
its own temporary folder, every report and copy the page offers is produced while the files are
there, then the folder is deleted. Results live in memory only, for the last few batches.

Each batch is checked in a child process (`run_job`) with a memory and a CPU-time limit
(resource.setrlimit on POSIX), so a hostile file can at worst end its own batch, never the server or
the other batches. On Windows there is no setrlimit: the child still isolates a crash, and the
server ends it at the time limit, but its memory is bounded only by planlint's input limits. The
waiting uploads and the kept results are bounded in bytes, not only in count."""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
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


MAX_NAME_BYTES = 200  # file systems allow 255 bytes per name; a CJK character takes 3


def safe_filename(raw: str | None, fallback: str) -> str:
    """The last component of an uploaded file's name, usable on any OS. The name is kept (not
    replaced by a random one) because plan metadata such as the year may be read from it; it is
    cut to MAX_NAME_BYTES of UTF-8 (90 Chinese characters are 270 bytes: too long for a file name)."""
    name = _BAD_NAME_CHARS.sub("_", (raw or "").replace("\\", "/").rsplit("/", 1)[-1])
    suffix = Path(name).suffix
    stem = (name[: -len(suffix)] if suffix else name).strip(" .")
    suffix = _cut(suffix, 16)
    stem = _cut(stem, MAX_NAME_BYTES - len(suffix.encode("utf-8"))).rstrip(" .")
    return (stem or fallback) + suffix


def _cut(text: str, max_bytes: int) -> str:
    """`text` cut to at most `max_bytes` of UTF-8, never inside a character."""
    return text.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")


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


TEMP_PREFIX = "planlint-serve-"


class Batch:
    """The uploads of one request, each in its own subfolder of one temporary folder (two files
    may share a name). `cleanup` deletes everything; it is safe to call more than once. The
    folder's name carries the server's process id, so a later server can tell a folder left by
    a crash from one in use (`sweep_stale`)."""

    def __init__(self, parent: str | None = None) -> None:
        # A reader that still holds a file open (Windows refuses to delete it) must not turn a
        # finished check into a failure.
        self._tmp = tempfile.TemporaryDirectory(
            prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=parent, ignore_cleanup_errors=True
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

    def view(self) -> BatchView:
        """What the checking needs, without the folder's owner (safe to send to a child process)."""
        return BatchView(list(self.plans), self.superior, self.root, self.item_list)

    def display(self, path: str | None) -> str | None:
        return self.view().display(path)

    def size(self) -> int:
        """Bytes of the uploaded files."""
        total = 0
        for upload in [*self.plans, *(u for u in (self.superior, self.item_list) if u is not None)]:
            try:
                total += upload.path.stat().st_size
            except OSError:
                pass
        return total

    def cleanup(self) -> None:
        self._tmp.cleanup()


@dataclass(frozen=True)
class BatchView:
    plans: list[Upload]
    superior: Upload | None
    root: Path
    item_list: Upload | None = None

    def display(self, path: str | None) -> str | None:
        """The user's name for a path inside the batch (None if it is not one of the uploads)."""
        uploads = [*self.plans, *(u for u in (self.superior, self.item_list) if u is not None)]
        return next((u.name for u in uploads if path is not None and str(u.path) == str(path)), None)


STALE_SECONDS = 6 * 3600  # a batch lives seconds to minutes


def sweep_stale(parent: str | None = None) -> int:
    """Delete the temporary folders that a server which is gone (killed, crashed, a power cut)
    left behind — they hold other people's plans. A folder of a server still running is kept,
    unless it is hours old. Returns how many were deleted."""
    folder = Path(parent or tempfile.gettempdir())
    removed = 0
    try:
        entries = list(folder.glob(f"{TEMP_PREFIX}*"))
    except OSError:
        return 0
    for entry in entries:
        try:
            if not entry.is_dir() or entry.is_symlink():
                continue
            pid = entry.name[len(TEMP_PREFIX) :].split("-", 1)[0]
            old = time.time() - entry.stat().st_mtime > STALE_SECONDS
            if pid == str(os.getpid()) and not old:
                continue
            if old or not pid.isdigit() or not _alive(int(pid)):
                shutil.rmtree(entry, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed


def _alive(pid: int) -> bool:
    """Whether a process `pid` runs. On Windows os.kill would end it, so only age counts there."""
    if sys.platform == "win32":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


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
    size: int = 0  # bytes of the uploads while queued, of the downloads once done

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


@dataclass(frozen=True)
class JobLimits:
    """What one batch may use in its child process; environment variables change them."""

    memory_mb: int = 3072  # PLANLINT_SERVE_MAX_MEMORY_MB: address space of the child
    seconds: int = 600  # PLANLINT_SERVE_MAX_SECONDS: CPU time (and 2× that of wall-clock time)

    @classmethod
    def from_env(cls) -> JobLimits:
        def number(var: str, default: int) -> int:
            raw = os.environ.get(var, "")
            return int(raw) if raw.isdigit() and int(raw) > 0 else default

        return cls(
            number("PLANLINT_SERVE_MAX_MEMORY_MB", cls.memory_mb),
            number("PLANLINT_SERVE_MAX_SECONDS", cls.seconds),
        )


class JobFailed(Exception):
    """A batch that ended with a message for the user."""


_INTERNAL = "内部错误，检查没有完成；详细信息已记录在运行 planlint serve 的窗口中。"


def run_job(job: Job, limits: JobLimits | None = None) -> None:
    """Check the batch, build every download, delete the uploads. Never raises: a user error
    becomes the job's one-line message, anything else is logged here and reported in Chinese.
    With `limits`, the work runs in a child process bounded by them; without, in this thread."""
    batch = job.batch
    assert batch is not None
    job.state = "running"
    error: str | None = None
    try:
        view = batch.view()
        if limits is None:
            outcome = _work_here(view, job.profile, job.progress)
        else:
            outcome = _work_in_child(job, view, limits)
        job.summary, job.files, job.downloads = outcome
        job.size = sum(len(d.data) for d in job.downloads.values())
    except JobFailed as exc:
        error = str(exc)
    except Exception:
        log.exception("planlint serve: batch %s failed", job.id)
        error = _INTERNAL
    finally:
        batch.cleanup()
        job.batch = None
    # Set last, so that a client seeing "done" also sees the uploads gone.
    job.error = error
    job.stage = "检查失败" if error else "检查完成"
    job.state = "failed" if error else "done"


Outcome = tuple[dict[str, int], list[dict[str, Any]], dict[str, Download]]


def _work_here(view: BatchView, profile: str | None, progress) -> Outcome:
    try:
        return _check(view, profile, progress)
    except PlanlintError as exc:
        shown = view.display(exc.path)
        raise JobFailed(f"{shown}：{exc.message}" if shown else exc.message) from None


# What the fork server imports once, so that a batch's child starts checking at once instead of
# importing planlint, openpyxl and the reports again (~1 s of CPU a batch).
_PRELOAD = [__name__, "planlint.engine", "planlint.fixes", "planlint.report.html", "planlint.report.xlsx"]


def _work_in_child(job: Job, view: BatchView, limits: JobLimits) -> Outcome:
    """Run the batch in a child process and relay its progress; a child that dies (over its
    memory or time, or a crash in a native reader) fails this batch only. The child is forked
    from the fork server (a single-threaded process that has imported planlint once), else
    spawned (pipeline.process_context), never forked from this threaded server."""
    from ..pipeline import process_context

    ctx = process_context(_PRELOAD)
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(
        target=_child,
        args=(send, view, job.profile, limits, dict(os.environ)),
        daemon=True,
        name=f"planlint-serve-job-{job.id[:8]}",
    )
    child.start()
    send.close()
    deadline = time.monotonic() + 2 * limits.seconds + 30
    try:
        while True:
            if time.monotonic() > deadline:
                raise JobFailed(_over_limits(limits))
            if not receive.poll(0.2):
                if not child.is_alive() and not receive.poll(0):
                    raise JobFailed(_over_limits(limits) if child.exitcode else _INTERNAL)
                continue
            try:
                kind, payload = receive.recv()
            except (EOFError, OSError):
                child.join(5)
                raise JobFailed(_over_limits(limits) if child.exitcode else _INTERNAL) from None
            if kind == "progress":
                job.stage, job.done, job.total = payload
            elif kind == "done":
                return payload
            else:
                raise JobFailed(payload)
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(5)


def _over_limits(limits: JobLimits) -> str:
    return (
        f"检查超出了内存上限（{limits.memory_mb} MB）或时间上限（{limits.seconds} 秒）而被中止，"
        "文件可能过大或已损坏；请拆分文件或用 Excel/WPS 另存后再检查。"
    )


def _child(send, view: BatchView, profile: str | None, limits: JobLimits, environ: dict[str, str]) -> None:
    """The child process: limits first, then the batch; every outcome is one message. The batch
    sees the server's environment as it is now (a child of the fork server would otherwise have
    the fork server's, from its start): planlint's limits are read from it."""
    os.environ.clear()
    os.environ.update(environ)
    _limit_resources(limits)

    def progress(items, total, label):
        stage = STAGES.get(label, label)
        done = 0
        send.send(("progress", (stage, done, total)))
        for item in items:
            yield item
            done += 1
            send.send(("progress", (stage, done, total)))

    try:
        send.send(("done", _work_here(view, profile, progress)))
    except JobFailed as exc:
        send.send(("error", str(exc)))
    except MemoryError:
        send.send(("error", _over_limits(limits)))
    except Exception:
        if _memory_exhausted():  # at the cap, an import or a C call may fail with another error
            send.send(("error", _over_limits(limits)))
        else:
            log.exception("planlint serve: batch failed")
            send.send(("error", _INTERNAL))
    finally:
        send.close()


def _memory_exhausted() -> bool:
    """True when this process cannot get another 8 MB: under RLIMIT_AS, running out shows up not
    only as MemoryError but as whatever the failing import or C call raises (SystemError, OSError)."""
    try:
        bytearray(8 * 2**20)
    except MemoryError:
        return True
    return False


def _limit_resources(limits: JobLimits) -> None:
    try:
        import resource
    except ImportError:  # Windows: the parent's wall-clock deadline is the only limit
        return
    memory = limits.memory_mb * 1024 * 1024
    for which, value in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_CPU, limits.seconds)):
        try:
            soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(which, (value, hard))
        except (ValueError, OSError):
            pass


def _check(view: BatchView, profile: str | None, progress) -> Outcome:
    from .. import engine
    from ..report import ReportOptions
    from ..report import html as html_report
    from ..report import json as json_report

    options = engine.RunOptions(
        profile=profile,
        use_config=False,  # a planlint.yaml above the temporary folder is not the user's
        superior=(str(view.superior.path),) if view.superior else (),
        item_list=str(view.item_list.path) if view.item_list else None,
        progress=progress,
    )
    result = engine.run([str(u.path) for u in view.plans], options)
    by_path = {str(u.path): [r for r in result.reports if r.path == str(u.path)] for u in view.plans}
    downloads: dict[str, Download] = {}

    files = [_file_entry(i, u, by_path[str(u.path)]) for i, u in enumerate(view.plans)]
    for i, upload in enumerate(progress(view.plans, len(view.plans), "批注")):
        _annotate(downloads, files[i], i, upload, by_path[str(upload.path)])
    fixable = [i for i, u in enumerate(view.plans) if _has_safe_edits(by_path[str(u.path)])]
    for i in progress(fixable, len(fixable), "修复"):
        _fix(downloads, profile, files[i], i, view.plans[i], view.root / "fix" / str(i))

    # From here on the reports name the user's files, not the temporary copies.
    for report in result.reports:
        report.path = view.display(report.path) or report.path
    report_options = ReportOptions()
    downloads["report.json"] = Download(
        "planlint检查报告.json",
        "application/json",
        json_report.render(result, report_options).encode("utf-8"),
    )
    downloads["report.html"] = Download(
        "planlint检查报告.html",
        "text/html; charset=utf-8",
        html_report.render(result, report_options).encode("utf-8"),
    )
    return result.summary(), files, downloads


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


def _annotate(
    downloads: dict[str, Download], entry: dict[str, Any], index: int, upload: Upload, reports: list
) -> None:
    from ..report.xlsx import annotated_copy

    if not any(r.plan is not None for r in reports):
        return  # unreadable: the page shows the reader's message instead
    try:
        data = annotated_copy(str(upload.path), reports)
    except PlanlintError as exc:
        entry["problems"].append(f"无法生成批注副本：{exc.message}")
        return
    key = f"annotated/{index}"
    downloads[key] = Download(f"{Path(upload.name).stem}.批注.xlsx", XLSX_TYPE, data)
    entry["annotated"] = key


def _has_safe_edits(reports: list) -> bool:
    return any(e.safe for r in reports for f in r.findings for e in f.edits)


def _fix(
    downloads: dict[str, Download],
    profile: str | None,
    entry: dict[str, Any],
    index: int,
    upload: Upload,
    work: Path,
) -> None:
    """The same fix rounds as `planlint fix` (safe fixes only), on the uploaded copy."""
    from .. import engine
    from ..fixes import default_output
    from ..fixrounds import fix_file

    work.mkdir(parents=True)
    options = engine.RunOptions(profile=profile, use_config=False)
    try:
        outcome = fix_file(str(upload.path), options, False, work)
    except PlanlintError as exc:
        entry["problems"].append(f"无法生成修复副本：{exc.message}")
        return
    if outcome.result_path is None or not outcome.changes:
        return
    key = f"fixed/{index}"
    name = Path(default_output(upload.name, outcome.rebuilt)).name
    media = MEDIA_TYPES.get(suffix_of(name), "application/octet-stream")
    downloads[key] = Download(name, media, Path(outcome.result_path).read_bytes())
    entry.update(fixed=key, fixed_cells=len(outcome.changes), remaining=outcome.remaining)


class Busy(Exception):
    """The queue is full: the upload is refused, to be tried again later."""


class JobStore:
    """Batches run one at a time on a worker thread (one editor's machine gains nothing from
    more), each in its own child process when `limits` is given. Bounded in bytes: the uploads
    waiting (`max_queued_bytes`, on disk) and the downloads kept (`max_kept_bytes`, in memory; the
    oldest finished batches are forgotten first, and at most `keep` of them are kept)."""

    def __init__(
        self,
        keep: int = KEEP_JOBS,
        *,
        limits: JobLimits | None = None,
        max_queued_bytes: int = 2 * 1024**3,
        max_kept_bytes: int = 512 * 1024**2,
    ) -> None:
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._keep = keep
        self._limits = limits
        self._max_queued = max_queued_bytes
        self._max_kept = max_kept_bytes
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="planlint-serve")

    def submit(self, batch: Batch, profile: str | None) -> Job:
        """Queue a batch; Busy when the uploads already waiting plus this one are over the bound."""
        job = Job(secrets.token_urlsafe(16), batch, profile, size=batch.size())
        with self._lock:
            waiting = sum(j.size for j in self._jobs.values() if not j.finished)
            if waiting and waiting + job.size > self._max_queued:
                raise Busy
            self._jobs[job.id] = job
            self._evict()
            self._pool.submit(self._run, job)
        return job

    def _run(self, job: Job) -> None:
        run_job(job, self._limits)
        with self._lock:
            self._evict()

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _evict(self) -> None:
        finished = [j for j in self._jobs.values() if j.finished]  # oldest first
        kept = sum(j.size for j in finished)
        for job in finished[:-1]:  # the newest result is always kept
            if len(self._jobs) <= self._keep and kept <= self._max_kept:
                break
            del self._jobs[job.id]
            kept -= job.size

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
