"""file → Tables → Plans: the readers, header recognition and metadata, in one call."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import PlanlintError, ReadError
from .plan import Plan
from .readers import SUPPORTED

if TYPE_CHECKING:
    from multiprocessing.context import ForkServerContext, SpawnContext  # no ForkServerContext on Windows

    import pathspec

__all__ = ["KNOWN_UNSUPPORTED", "SUPPORTED", "Exclude", "discover", "load_plans", "parallel_map"]

# Formats a folder walk picks up only so that the reader can say what to do with them (none now:
# .xls/.et/.ods/.doc/.wps/.pdf are read since issue 17).
KNOWN_UNSUPPORTED: tuple[str, ...] = ()


def load_plans(path: str, meta: dict[str, Any] | None = None) -> list[Plan]:
    """Every plan in the file (one per sheet / Word table / text table). Tables without a
    recognisable header are skipped when another table in the file is a plan."""
    from .columns import build_plan, resolve_levels
    from .meta import complete_place
    from .readers import read_tables

    plans: list[Plan] = []
    first_error: ReadError | None = None
    skipped: list[str] = []
    for table in read_tables(path):
        try:
            plan = build_plan(table)
        except ReadError as exc:
            first_error = first_error or exc
            if any(c.strip() for row in table.rows for c in row):
                skipped.append(f"「{table.sheet}」" if table.sheet else "一个表格")
            continue
        for key, value in (meta or {}).items():
            if value is not None:
                setattr(plan.meta, key, value)
        # the place from the bodies the table names, where neither the title nor the config gives it
        placed = not (meta or {}).get("place") and complete_place(plan, table)
        if placed or (meta or {}).get("level") is not None:
            resolve_levels(plan)  # 本级 / 上级 in mode cells, 市级2% 区级10%: at the level given
        plans.append(plan)
    if not plans:
        raise first_error or ReadError("文件中没有找到表格，请确认这是抽查工作计划表", path)
    if skipped:  # not silence: say which tables were not read as plans
        plans[0].notes.append(f"{'、'.join(skipped)}中没有找到抽查计划表头，不是计划表，未作检查")
    return plans


# planlint's own outputs beside the plans: fixed copies and annotated copies. Reading them back as
# plans would count every plan twice (and lint a report).
OWN_OUTPUT_MARKERS = (".fixed.", ".批注.")


@dataclass(frozen=True, slots=True)
class Exclude:
    """gitignore-style patterns, matched against paths relative to `base` (the config's folder for
    `exclude:` in a config, the working directory for `--exclude`)."""

    base: Path
    patterns: tuple[str, ...]

    def spec(self) -> pathspec.PathSpec:
        return _gitignore_spec(self.patterns)


def _gitignore_spec(lines: Iterable[str]) -> pathspec.PathSpec:
    """Imported here: a run naming its files walks no folder and matches no pattern."""
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


class _Ignored:
    """What a folder walk skips: the run's exclude patterns and, inside a git work tree, the
    .gitignore files from the repository root down (as ruff does)."""

    def __init__(self, excludes: Iterable[Exclude]) -> None:
        self._specs = [(Path(os.path.abspath(e.base)), e.spec()) for e in excludes if e.patterns]
        self._gitignores: dict[Path, pathspec.PathSpec | None] = {}
        self._repo: Path | None = None
        self._root: Path | None = None  # the folder being walked

    def _gitignore(self, folder: Path) -> pathspec.PathSpec | None:
        if folder not in self._gitignores:
            spec = None
            try:
                lines = (folder / ".gitignore").read_text(encoding="utf-8", errors="replace").splitlines()
                spec = _gitignore_spec(lines)
            except OSError:
                pass
            self._gitignores[folder] = spec
        return self._gitignores[folder]

    def start(self, root: Path) -> None:
        """A walk of `root` begins: find the git work tree holding it (its .gitignore files, from the
        top down, are read as the walk reaches them)."""
        here = self._root = Path(os.path.abspath(root))
        chain = [here, *here.parents]
        top = next((i for i, folder in enumerate(chain) if (folder / ".git").exists()), None)
        self._repo = chain[top] if top is not None else None
        if self._repo is not None and self._git_ignores(here, True):
            # a folder named explicitly is walked even where .gitignore ignores it (it would
            # otherwise ignore everything below it): as for a file named explicitly
            self._repo = None

    def ignored(self, path: Path, is_dir: bool) -> bool:
        if not self._specs and self._repo is None:
            return False
        full = Path(os.path.abspath(path))
        for base, spec in self._specs:
            # a pattern is relative to its base; for a folder walked outside it, to that folder
            rel = _relative(full, base)
            if rel is None and self._root is not None:
                rel = _relative(full, self._root)
            if rel is not None and spec.match_file(rel + ("/" if is_dir else "")):
                return True
        return self._git_ignores(full, is_dir)

    def _git_ignores(self, full: Path, is_dir: bool) -> bool:
        if self._repo is None:
            return False
        rel_repo = _relative(full, self._repo)
        if rel_repo is None:
            return False
        folder = self._repo
        parts = rel_repo.split("/")
        for i in range(len(parts)):
            gitignore = self._gitignore(folder)
            if gitignore is not None and gitignore.match_file("/".join(parts[i:]) + ("/" if is_dir else "")):
                return True
            folder = folder / parts[i]
        return False


def _relative(path: Path, base: Path) -> str | None:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return None


def _kind(path: str) -> str | None:
    """None for a regular file; otherwise what it is, for the note saying it was skipped. stat()
    follows links, so a link to /dev/zero or to a FIFO is what it points at."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return "无法访问的路径（可能是失效的链接）"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    if stat.S_ISSOCK(mode):
        return "套接字"
    return "不是普通文件"


def discover(
    paths: Iterable[str],
    *,
    excludes: Iterable[Exclude] = (),
    outputs: Iterable[str] = (),
    notes: list[str] | None = None,
) -> list[str]:
    """Files to check: explicit files as given, folders walked for plan formats (sorted).

    Each file once, however often it is named (`check samples samples/x.xlsx`). Only regular files:
    anything else (a device, a FIFO, a link to one) is skipped with a note in `notes`, since reading
    it would never end. A walk also skips hidden and Office lock files, planlint's own outputs (the
    `outputs` of this run, `*.fixed.*`, `*.批注.*`), the `excludes` patterns and, in a git work tree,
    what .gitignore ignores. A file named explicitly is always checked."""
    files: list[str] = []
    seen: set[str] = set()
    skip_outputs = {os.path.normcase(os.path.realpath(o)) for o in outputs}
    ignored = _Ignored(excludes)

    def add(path: str, walked: bool) -> None:
        key = os.path.normcase(os.path.realpath(path))
        if key in seen or (walked and key in skip_outputs):
            return
        kind = _kind(path)
        if kind is not None:
            if notes is not None:
                notes.append(f"{path}：{kind}，已跳过（只检查普通文件）")
            return
        seen.add(key)
        files.append(path)

    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            ignored.start(p)
            for root, dirs, names in os.walk(p):
                here = Path(root)
                dirs[:] = sorted(
                    d
                    for d in dirs
                    if not d.startswith(".")
                    and os.path.normcase(os.path.realpath(here / d)) not in skip_outputs
                    and not ignored.ignored(here / d, True)
                )
                for name in sorted(names):
                    suffix = Path(name).suffix.lower()
                    if name.startswith(("~$", ".")) or any(m in name for m in OWN_OUTPUT_MARKERS):
                        continue
                    if (suffix in SUPPORTED or suffix in KNOWN_UNSUPPORTED) and not ignored.ignored(
                        here / name, False
                    ):
                        add(os.path.join(root, name), True)
        elif os.path.lexists(p):
            add(str(p), False)
        else:
            raise PlanlintError("文件或文件夹不存在，请检查路径", raw)
    return files


T = TypeVar("T")
R = TypeVar("R")


def start_method() -> str:
    """How `--jobs` starts its processes: forked from a fork server (a clean single-threaded
    process that has imported planlint once) where there is one, else spawned (Windows; macOS,
    where forking a process that has loaded system frameworks is unsafe). Never a plain fork of
    this process, which may hold threads (Python 3.12+ warns: the child can deadlock on a lock a
    thread held at the fork)."""
    import multiprocessing

    if sys.platform != "darwin" and "forkserver" in multiprocessing.get_all_start_methods():
        return "forkserver"
    return "spawn"


def process_context(preload: Sequence[str] = ()) -> ForkServerContext | SpawnContext:
    """The multiprocessing context of planlint's worker processes (`--jobs`, `planlint serve`'s
    batches, the desk's lint processes), by `start_method`. With the fork server, `preload` names
    the modules it imports once before it forks a worker; that only has an effect before the fork
    server starts, so the first call of a process decides them."""
    import multiprocessing

    if start_method() == "forkserver":
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(preload))
        return context
    return multiprocessing.get_context("spawn")


def parallel_map(
    work: Callable[[T], R],
    items: Sequence[T],
    jobs: int,
    progress: Callable[[Iterable, int, str], Iterable] | None = None,
    label: str = "检查",
    preload: Sequence[str] = (),
) -> Iterator[R]:
    """`work(item)` for each item, in order, over `jobs` processes (0: one per CPU), yielded as they
    come. `work` (a picklable callable, e.g. one holding the run's rules) goes to each process once,
    not with every item; items and results travel pickled, so keep them small (bytes are cheapest).
    `preload` names the modules the fork server imports once, before it forks the workers (the first
    call of a process decides them). As with any spawned process, a script that calls this must
    guard its entry point (`if __name__ == "__main__":`): a worker imports the script's module."""
    from concurrent.futures import ProcessPoolExecutor

    workers = max(1, min((os.cpu_count() or 1) if jobs <= 0 else jobs, len(items)))
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=process_context(preload), initializer=_set_work, initargs=(work,)
    ) as pool:
        # Small chunks: a big last chunk leaves the other workers idle at the end of the batch.
        results: Iterable[R] = pool.map(
            _do_work, items, chunksize=max(1, min(8, len(items) // (workers * 8)))
        )
        if progress:
            results = progress(results, len(items), label)
        yield from results


_WORK: Callable[[Any], Any] | None = None


def _set_work(work: Callable[[Any], Any]) -> None:
    global _WORK
    _WORK = work


def _do_work(item: Any) -> Any:
    assert _WORK is not None
    return _WORK(item)
