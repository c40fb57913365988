"""Fixes applied to a COPY of a plan file.

A finding's edits form one `Fix`, applied all or nothing (a swap is two edits; half a swap copies
one cell over its neighbour). Fixes that meet on one cell are resolved before any is applied: the
safer wins, then the more specific (fewer cells), then the earlier; the other waits for the next
round, when its finding is re-checked against the new text. Each file format only provides an
editable copy (`open_copy` in its reader module): find a cell, say whether it still holds the text
the rule saw, write it, save. Merged cells, stale texts and text that would turn into a formula are
handled here, once for every format.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Protocol

from .errors import PlanlintError
from .findings import Edit, Finding, Fix
from .table import Location
from .workbook import FORMULA_STARTS

# Reader modules (planlint.readers.<kind>) whose format can be edited in place in a copy; the
# others (old and binary office formats, Word files through LibreOffice, PDF) are fixed in a
# workbook rebuilt from their tables (planlint.rebuilt).
EDITABLE = ("xlsx", "docx", "delimited", "text")
REBUILT = ("spreadsheet", "wordproc", "pdf")
# Extensions whose fixed copy is a rebuilt .xlsx (what they usually hold).
REBUILT_SUFFIXES = (".xls", ".et", ".xlsb", ".ods", ".doc", ".wps", ".odt", ".pdf")


@dataclass(frozen=True, slots=True)
class Skipped:
    """A fix not applied this round: `edit` is the edit that stopped it, `reason` is Chinese."""

    edit: Edit
    reason: str
    fix: Fix | None = None


class Target(Protocol):
    """One physical cell of a copy (a merged range's anchor)."""

    key: Hashable
    text: str  # what the cell holds now, as the reader renders it

    def holds(self, old: str) -> bool: ...


class EditableCopy(Protocol):
    # Whether a spreadsheet opening the copy runs text starting with = + - @ (csv/txt): xlsx copies
    # store such text with a quote prefix instead.
    formula_risk: bool

    def target(self, location: Location) -> Target | str: ...  # a reason when there is no such cell

    def refuses(self, new: str) -> str | None: ...  # why this format cannot hold `new`, if it cannot

    def write(self, target: Target, new: str) -> None: ...

    def save(self) -> bytes: ...


def default_output(src_path: str, rebuilt: bool | None = None) -> str:
    """`plan.xlsx` → `plan.fixed.xlsx`, beside the input; `plan.pdf` → `plan.fixed.xlsx` (a rebuilt
    workbook). `rebuilt` says whether the copy is a rebuilt workbook (known from the content once
    the file is fixed); by default it is guessed from the extension."""
    p = Path(src_path)
    if rebuilt is None:
        rebuilt = p.suffix.lower() in REBUILT_SUFFIXES
    return str(p.with_name(f"{p.stem}.fixed{'.xlsx' if rebuilt else p.suffix}"))


def needs_rebuild(src_path: str) -> bool:
    """Whether `fix` writes `src_path`'s fixed copy as a rebuilt workbook (by its content); raises
    ReadError for a file no reader takes."""
    from .readers import kind_of

    return kind_of(src_path) in REBUILT


def fixed_output(src_path: str) -> str:
    """The default fixed copy's path for an input file: named by what the copy will be (an .xls
    that is really an .xlsx is edited as one and keeps its name)."""
    try:
        rebuilt: bool | None = needs_rebuild(src_path)
    except PlanlintError:
        rebuilt = None  # unreadable: no copy will be written; name it by the extension
    return default_output(src_path, rebuilt)


def fixes_of(findings: Iterable[Finding], unsafe: bool) -> list[Fix]:
    """The fixes to apply: each finding's edits as one unit, safe ones only unless `unsafe`."""
    fixes = (f.autofix() for f in findings)
    return [fx for fx in fixes if fx is not None and (fx.safe or unsafe)]


def _cell(edit: Edit) -> tuple:
    loc = edit.location
    return (loc.sheet, loc.row, loc.col)


def resolve(fixes: list[Fix], skipped: list[Skipped]) -> list[Fix]:
    """The fixes that can be applied together: no two of them rewrite one cell differently.

    Identical fixes (a rule proposing the same rewrite twice) count once. Where two fixes meet on a
    cell, the safe one wins over the unsafe one, then the one touching fewer cells (the more
    specific), then the one found first; the loser is reported and tried again next round.
    """
    unique: dict[frozenset, tuple[int, Fix]] = {}
    for n, fix in enumerate(fixes):
        bad = next((e for e in fix.edits if e.location.row <= 0 or e.location.col <= 0), None)
        if bad is not None:
            skipped.append(Skipped(bad, "未指向具体单元格", fix))
            continue
        unique.setdefault(frozenset((_cell(e), e.old, e.new) for e in fix.edits), (n, fix))
    ranked = sorted(unique.values(), key=lambda item: (not item[1].safe, len(item[1].edits), item[0]))
    claimed: dict[tuple, tuple[Edit, Fix]] = {}
    chosen: list[tuple[int, Fix]] = []
    for n, fix in ranked:
        clash = next(
            (
                (e, claimed[_cell(e)])
                for e in fix.edits
                if _cell(e) in claimed
                and (claimed[_cell(e)][0].old, claimed[_cell(e)][0].new) != (e.old, e.new)
            ),
            None,
        )
        if clash is not None:
            edit, (_, winner) = clash
            skipped.append(Skipped(edit, f"与「{winner.rule}」对同一单元格的修改冲突，下一轮再处理", fix))
            continue
        for e in fix.edits:
            claimed.setdefault(_cell(e), (e, fix))
        chosen.append((n, fix))
    return [fix for _, fix in sorted(chosen, key=lambda item: item[0])]


def _inert_lost(old: str, new: str) -> bool:
    """Whether the edit would make text start like a formula that did not before (`　=1+1` tidied
    to `=1+1`): a spreadsheet opening the csv copy would run it."""
    return new.startswith(FORMULA_STARTS) and not old.startswith(new[0])


def apply(copy: EditableCopy, fixes: list[Fix], skipped: list[Skipped]) -> list[Edit]:
    """Apply each fix to `copy` whole or not at all; return the edits written."""
    written: dict[Hashable, str] = {}  # physical cell → the text written there this round
    applied: list[Edit] = []
    for fix in fixes:
        plan: list[tuple[Target, Edit]] = []
        reason, blocker = None, None
        for edit in fix.edits:
            target = copy.target(edit.location)
            if isinstance(target, str):
                reason, blocker = target, edit
                break
            if target.key in written:
                # A merged range: every covered cell carries the anchor's text, so a rule proposes
                # the same rewrite once per cell. The same text again is already done.
                if written[target.key] == edit.new:
                    continue
                reason, blocker = (
                    f"与合并单元格上的另一修改（改为「{written[target.key]}」）冲突，下一轮再处理",
                    edit,
                )
                break
            if not target.holds(edit.old):
                reason, blocker = _stale_reason(target.text, edit), edit
                break
            if copy.formula_risk and _inert_lost(edit.old, edit.new):
                reason, blocker = f"修改后以「{edit.new[0]}」开头，会被表格软件当作公式，未修改", edit
                break
            refusal = copy.refuses(edit.new)
            if refusal:
                reason, blocker = refusal, edit
                break
            plan.append((target, edit))
        if reason is not None and blocker is not None:  # (set together)
            if len(fix.edits) > 1:
                reason += f"（该修复共 {len(fix.edits)} 处修改，须一并应用，均未应用）"
            skipped.append(Skipped(blocker, reason, fix))
            continue
        for target, edit in plan:
            if target.key in written:  # the same rewrite twice within this fix (a merged pair)
                continue
            copy.write(target, edit.new)
            written[target.key] = edit.new
            applied.append(edit)
    return applied


def _stale_reason(text: str, edit: Edit) -> str:
    """Why a cell no longer holds the text its finding saw. A cell whose text is part of the
    finding's is one half of a value the checks read from two cells (a window split over 开始时间 |
    结束时间 is checked as `开始至结束`): nothing changed, the rewrite just cannot be split back."""
    old = edit.old
    if text.strip() and text.strip() in old and text.strip() != old.strip():
        return (
            f"「{old}」由本单元格（「{text}」）和相邻单元格合并读出，不能自动拆分修改；"
            f"请按「{edit.new}」手工修改这几栏"
        )
    return f"单元格内容已变化（现为「{text}」）"


def open_copy(src_path: str) -> EditableCopy:
    """An editable copy of `src_path`, by its content (an .xlsx renamed .xls is still edited as one)."""
    from .readers import kind_of

    kind = kind_of(src_path)
    if kind not in EDITABLE:
        raise PlanlintError("不能直接修改此格式的文件，请修复重建的 .xlsx 副本", src_path)
    return import_module(f".readers.{kind}", __package__).open_copy(src_path)


def apply_fixes(src_path: str, fixes: list[Fix], skipped: list[Skipped]) -> tuple[bytes, list[Edit]]:
    """The bytes of a copy of `src_path` with `fixes` applied, and the edits written. Edits aimed at
    another file are skipped. The caller writes the bytes (never over an input)."""
    mine = []
    for fix in fixes:
        other = next((e for e in fix.edits if not _same_path(e.location.path, src_path)), None)
        if other is not None:
            skipped.append(Skipped(other, "修改指向其他文件", fix))
        else:
            mine.append(fix)
    copy = open_copy(src_path)
    applied = apply(copy, resolve(mine, skipped), skipped)
    return copy.save(), applied


def _same_path(a: str, b: str) -> bool:
    import os

    return os.path.abspath(a) == os.path.abspath(b)
