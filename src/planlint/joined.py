"""A window read from two cells (开始时间 | 结束时间): the rules check it as one text `开始至结束`,
located at the start cell (planlint.columns); this module puts findings and fixes back on the cells
that hold what they are about.

- An edit of the joined text becomes edits of the cell(s) holding the part it changes, each in that
  cell's own format: a deadline fix `2025年4月1日至2025年12月31日` → `2025年4月1日—12月20日` rewrites only
  the 结束时间 cell, `2025年12月31日` → `2025年12月20日` (`2025.12.31` → `2025.12.20`). An edit that
  cannot be split so stays as it was, and `planlint fix` says to make it by hand.
- A finding about the window whose edits rewrite only the end cell, or whose marked text lies in
  the end part, is located at the end cell; its spans move with it (a finding left at the start
  cell keeps the spans of the start part only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .findings import Edit, Finding
from .table import Location
from .values import DatePoint, Window

SEPARATOR = "至"


@dataclass(frozen=True, slots=True)
class Parts:
    """The two cells one value was read from: their texts as written, and where the end sits (a
    merged range's anchor)."""

    start: str
    end: str
    at: Location

    @property
    def joined(self) -> str:
        return join_texts(self.start, self.end)


def join_texts(start: str, end: str) -> str:
    """The text the rules read for a window split over two cells."""
    return f"{start.strip()}{SEPARATOR}{end.strip()}"


def split_findings(findings: list[Finding], joined: dict[tuple[int, int], Parts]) -> list[Finding]:
    """Findings with their edits and locations on the cells of split windows (see the module)."""
    if not joined:
        return findings
    out = []
    for f in findings:
        edits = tuple(e for edit in f.edits for e in _split_edit(edit, joined))
        loc = f.location
        parts = joined.get((loc.row, loc.col)) if f.field == "window" else None
        if parts is None:
            out.append(f if edits == f.edits else replace(f, edits=edits))
            continue
        cut = len(parts.start.strip()) + len(SEPARATOR)
        on_end = bool(edits) and all(_same_cell(e.location, parts.at) for e in edits)
        if not edits and f.spans:
            on_end = all(start >= cut for start, _ in f.spans)
        if on_end:
            lead = len(parts.end) - len(parts.end.lstrip())
            spans = tuple((s - cut + lead, e - cut + lead) for s, e in f.spans if s >= cut)
            at = parts.at
            location = Location(loc.path, at.sheet, at.row, at.col, at.end_row, at.end_col)
            out.append(replace(f, edits=edits, location=location, spans=spans))
        else:
            lead = len(parts.start) - len(parts.start.lstrip())
            stop = cut - len(SEPARATOR)
            spans = tuple((s + lead, e + lead) for s, e in f.spans if e <= stop)
            out.append(replace(f, edits=edits, spans=spans))
    return out


def _same_cell(a: Location, b: Location) -> bool:
    return (a.sheet, a.row, a.col) == (b.sheet, b.row, b.col)


def _split_edit(edit: Edit, joined: dict[tuple[int, int], Parts]) -> tuple[Edit, ...]:
    """An edit of a joined window as edits of its two cells; any other edit as it is."""
    loc = edit.location
    parts = joined.get((loc.row, loc.col))
    if parts is None or edit.old != parts.joined:
        return (edit,)
    texts = _split_text(parts, edit.new)
    if texts is None:
        return (edit,)
    out = []
    for old, new, at in ((parts.start, texts[0], loc), (parts.end, texts[1], parts.at)):
        if new != old.strip():
            out.append(Edit(at, old, _keep_padding(old, new), edit.safe))
    return tuple(out)


def _keep_padding(old: str, new: str) -> str:
    """`new` with the spaces around `old`'s text kept."""
    text = old.strip()
    if not text:
        return new
    at = old.index(text)
    return old[:at] + new + old[at + len(text) :]


def _split_text(parts: Parts, new: str) -> tuple[str, str] | None:
    """The new texts of the start and end cells for the joined window's new text `new`: cut where
    the join was when the text still has it (a rewritten year, a typo), else the new window's start
    and end written as each cell writes its date; None when neither reading holds."""
    if new.count(SEPARATOR) == 1 and parts.joined.count(SEPARATOR) == 1:
        head, tail = new.split(SEPARATOR)
        if head.strip() and tail.strip():
            return head.strip(), tail.strip()
    from .fields import parse

    window = parse("window", new)
    first, last = (_point(parse("window", text)) for text in (parts.start, parts.end))
    if not isinstance(window, Window) or window.batches or first is None or last is None:
        return None
    start = window.start
    end = window.end if window.end.year or not start.year else replace(window.end, year=start.year)
    return (
        parts.start.strip() if _same(start, first[0]) else _written_like(parts.start, start),
        parts.end.strip() if _same(end, last[1]) else _written_like(parts.end, end),
    )


def _point(value: object) -> tuple[DatePoint, DatePoint] | None:
    """A part's date as a start and as an end, when the part is one date (or one month): a
    deadline alone (`12月底`, read as the year up to it) names its end."""
    if not isinstance(value, Window) or value.batches:
        return None
    if value.deadline_only:
        return value.end, value.end
    return (value.start, value.end) if value.start == value.end else None


def _same(a: DatePoint, b: DatePoint) -> bool:
    """The same date, a year left open matching any."""
    return (a.month, a.day, a.part, a.next_year) == (b.month, b.day, b.part, b.next_year) and (
        a.year == b.year or a.year is None or b.year is None
    )


# a date written with its year: 2025年12月31日, 2025.12.31, 2025-12-31, 2025/12/31
_FULL_DATE = re.compile(r"(\d{4})(\s*[年./\-／]\s*)(\d{1,2})(\s*[月./\-／]\s*)(\d{1,2})(\s*[日号]?)")
# a month and day: 12月31日, 12月31号
_MONTH_DAY = re.compile(r"(?<!\d)(\d{1,2})(\s*月\s*)(\d{1,2})(?=\s*[日号])")
_YEAR = re.compile(r"(?:19|20)\d{2}")


def _written_like(old: str, point: DatePoint) -> str:
    """`point` written as the cell `old` writes its date: its separators and zero padding; a date
    of another shape (12月底, a month alone) as planlint writes a date, with a year if `old` had one."""
    text = old.strip()
    if point.day is not None and point.part is None:
        full = _FULL_DATE.fullmatch(text)
        if full and not point.next_year:
            y, a, m, b, d, tail = full.groups()
            return f"{point.year or y}{a}{_pad(m, point.month)}{b}{_pad(d, point.day)}{tail}"
        short = _MONTH_DAY.match(text)
        if short and short.end() >= len(text) - 1 and not point.next_year:
            m, b, d = short.groups()
            return f"{_pad(m, point.month)}{b}{_pad(d, point.day)}{text[short.end() :]}"
    if not _YEAR.search(text):
        point = replace(point, year=None) if not point.next_year else point
    return str(point)


def _pad(written: str, number: int) -> str:
    """`number` zero-padded as `written` was (04 → 05, 4 → 5)."""
    return f"{number:0{len(written)}d}" if written.startswith("0") else str(number)
