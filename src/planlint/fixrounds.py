"""Fix rounds for one file, shared by `planlint fix` and the web page: apply the findings' fixes to
a copy, re-check the copy, and repeat until nothing changes (a few rounds at most).

The copies live in a work folder in the system temporary folder (never beside the input, which may
be read-only), named like the original, so that config overrides and waivers that match on the
file name still apply; the config is the one found for the original file.
"""

from __future__ import annotations

import dataclasses
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import tempdirs
from .atomic import write_bytes
from .errors import PlanlintError
from .findings import Edit
from .fixes import Skipped, apply_fixes, fixes_of
from .table import Location

MAX_ROUNDS = 5
WORK_PREFIX = "planlint-fix-"


@dataclass(slots=True)
class FileFix:
    """What fixing one file did: the cells changed (first old → last new), fixes left in the last
    round, and the findings left."""

    path: str
    changes: dict[tuple, tuple[Location, str, str]] = field(
        default_factory=dict
    )  # key → (location, old, new)
    skipped: list[Skipped] = field(default_factory=list)
    remaining: int = 0
    remaining_unsafe: int = 0
    result_path: str | None = None  # the fixed copy in the work folder
    errors: list[str] = field(default_factory=list)  # why the file could not be read or fixed (Chinese)
    # The fixed copy is a workbook rebuilt from the file's tables (a format planlint cannot write:
    # .xls, .ods, .doc, PDF …); `note` says so to the user, and the copy is named .fixed.xlsx.
    rebuilt: bool = False
    note: str | None = None


def run_options_for(path: str, options):
    """`options` with the config found for `path` made explicit, so that checking a copy in the
    temporary folder uses the same config as checking the original."""
    from .config import find_config

    if options.config or not options.use_config:
        return options
    found = find_config(path)
    if found.path is None:
        return dataclasses.replace(options, use_config=False)
    return dataclasses.replace(options, config=str(found.path))


def fix_file(path: str, options, unsafe: bool, work: Path) -> FileFix:
    """Fix rounds for one file inside `work`; each round writes a new copy named like the original."""
    from . import engine, rebuilt
    from .fixes import needs_rebuild

    outcome = FileFix(path)
    options = run_options_for(path, options)
    current = path
    try:
        outcome.rebuilt = needs_rebuild(path)
    except PlanlintError:
        pass  # unreadable: the check below says why
    if outcome.rebuilt:
        # Round 0: the tables as an .xlsx named like the original (a config or waiver matching the
        # file's stem still applies); the fix rounds then edit that workbook.
        try:
            data = rebuilt.workbook_bytes(path)
        except PlanlintError as exc:
            outcome.errors = [f"无法读取：{exc.message}"]
            return outcome
        target = work / "rebuilt" / f"{Path(path).stem}.xlsx"
        target.parent.mkdir(parents=True)
        write_bytes(str(target), data)
        current = str(target)
        outcome.note = rebuilt.note(Path(path).suffix.lower() or "无扩展名")
    start = current
    result = engine.run([current], options)
    outcome.errors = [f"无法读取：{r.error}" for r in result.reports if r.error is not None]
    if outcome.errors:
        return outcome
    for round_no in range(1, MAX_ROUNDS + 1):
        fixes = fixes_of((f for r in result.reports for f in r.findings), unsafe)
        if not fixes:
            break
        skipped: list[Skipped] = []
        try:
            data, applied = apply_fixes(current, fixes, skipped)
        except PlanlintError as exc:
            outcome.errors = [f"无法修复：{exc.message}"]
            return outcome
        outcome.skipped = skipped
        if not applied:
            break
        target = work / f"round{round_no}" / Path(start).name
        target.parent.mkdir(parents=True)
        write_bytes(str(target), data)
        _record(outcome, path, applied)
        current = str(target)
        result = engine.run([current], options)
    # A cell rewritten back to its original text is no change at all.
    outcome.changes = {k: v for k, v in outcome.changes.items() if v[1] != v[2]}
    findings = [f for r in result.reports for f in r.findings]
    outcome.remaining = len(findings)
    outcome.remaining_unsafe = sum(1 for f in findings if f.edits and not all(e.safe for e in f.edits))
    outcome.result_path = current if current != start else None
    return outcome


def _record(outcome: FileFix, path: str, applied: list[Edit]) -> None:
    for edit in applied:
        loc = edit.location
        key = (loc.sheet, loc.row, loc.col)
        shown = Location(path, loc.sheet, loc.row, loc.col)  # the user's file, not the work copy
        first_old = outcome.changes[key][1] if key in outcome.changes else edit.old
        outcome.changes[key] = (shown, first_old, edit.new)


def work_folder() -> tempfile.TemporaryDirectory:
    """A fresh work folder in the system temporary folder; folders a killed run left are removed."""
    sweep_stale()
    return tempfile.TemporaryDirectory(prefix=WORK_PREFIX, ignore_cleanup_errors=True)


def sweep_stale() -> None:
    """Remove work folders older than an hour (a `planlint fix` killed mid-run leaves one)."""
    tempdirs.sweep_stale(WORK_PREFIX)
