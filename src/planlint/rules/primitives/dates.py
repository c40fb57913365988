"""Checks on 抽查检查起止时间: invalid windows, deadlines, publicity in time, month in the task
name, and work piled into the second half of the year."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from functools import lru_cache

from ...fields import names_a_season
from ...plan import Cell, Task
from ...values import DatePoint, ParseError, Window
from ...workdays import add_workdays
from ..registry import CELL_VARS, FIELD, PARAM, CellHit, Ctx, Hit, primitive
from .common import field_hit, swapped_note

_MONTH_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日")


@lru_cache(maxsize=64)
def parse_month_day(text: str) -> tuple[int, int]:
    """A profile deadline such as `12月20日`."""
    m = _MONTH_DAY.fullmatch(str(text).strip())
    if not m:
        raise ValueError(f"期限应写作“12月20日”的形式：{text!r}")
    return int(m.group(1)), int(m.group(2))


def plan_year(ctx: Ctx, window: Window | None = None) -> int:
    year = ctx.plan.meta.year or (window.end.year or window.start.year if window is not None else None)
    return year or dt.date.today().year


def _window(task: Task, field: str) -> Window | None:
    value = task.value(field)
    return value if isinstance(value, Window) else None


@primitive("window_valid", ("cell",), {"field": FIELD}, required=("field",), provides=("problem",))
def window_valid(ctx: Ctx, cell: Cell) -> Iterator[CellHit]:
    """A window must parse, and must not end before it starts."""
    value = cell.value
    if value is None:
        return
    if isinstance(value, ParseError):
        end = len(cell.raw)
        where = ((value.offset, end),) if 0 <= value.offset < end else ()
        # a time named by season or event (春秋季开学) is stated, only not in months: a warning
        severity = "warning" if names_a_season(cell.raw) else None
        problem = f"第{value.offset + 1}个字符处{value.hint}{swapped_note(value, cell.raw)}"
        yield CellHit({"problem": problem}, spans=where, severity=severity)
        return
    year = plan_year(ctx, value)
    try:
        reversed_ = value.start_date(year) > value.end_date(year)
    except ValueError as exc:  # a date that does not exist (4月31日)
        yield CellHit({"problem": f"日期不存在（{exc}）"})
        return
    if reversed_:
        yield CellHit({"problem": f"结束时间{value.end}早于开始时间{value.start}"})


_STATED_YEAR = re.compile(r"(?:19|20)\d{2}(?=\s*年)")


@primitive("window_year", ("cell",), {"field": FIELD}, required=("field",), provides=("stale", "year", "new"))
def window_year(ctx: Ctx, cell: Cell) -> Iterator[CellHit]:
    """A window in another year than the plan's (`2022年11月` in a 2023 plan): copied from an old
    plan, or a typo. A window starting in the plan year and running into the next is left to the
    deadline rules. The plan year is certain when the title states it; otherwise (read from the
    file name or the window itself) the finding is a warning."""
    window = cell.value
    year = ctx.plan.meta.year
    if not isinstance(window, Window) or not year:
        return
    years = sorted({y for y in (window.start.year, window.end.year) if y} - {year})
    if not years or (window.start.year in (year, None) and years == [year + 1]):
        return
    new = _STATED_YEAR.sub(str(year), cell.raw).strip()
    stale = tuple(m.span() for m in _STATED_YEAR.finditer(cell.raw) if int(m.group()) != year)
    hit = CellHit({"stale": "、".join(map(str, years)), "year": year, "new": new}, spans=stale)
    if new != cell.raw.strip():
        hit.new = new
    if str(year) not in (ctx.plan.meta.title or ""):
        hit.severity = "warning"
    yield hit


@primitive(
    "not_after",
    ("cell",),
    {"field": FIELD, "param": PARAM},
    required=("field", "param"),
    provides=("end", "suggested", "start_note"),
)
def not_after(ctx: Ctx, cell: Cell, param: str) -> Iterator[CellHit]:
    """The window must end by the deadline. A window that ends with the deadline's month but names no
    day (`3月—12月` under 12月20日) is ambiguous: softened to a warning, fix names the day. A window
    naming only its start (12月25日起) breaches the deadline when it starts after it in the plan year
    (window-open-end says the rest); the fix then moves the start too."""
    window = cell.value
    deadline_text = ctx.param(param)
    if not isinstance(window, Window) or not deadline_text:
        return
    if window.open_end:
        yield from _open_start_after(ctx, window, deadline_text)
        return
    month, day = parse_month_day(deadline_text)
    year = plan_year(ctx, window)
    try:
        end = window.end_date(year)
        deadline = dt.date(year, month, day)
    except ValueError:
        return  # an impossible date: window-invalid reports it
    if end <= deadline:
        return
    new_end = DatePoint(month, day, window.end.year)
    suggested = Window(window.start, new_end, qualifier=window.qualifier).canonical()
    hit = CellHit(
        {"end": window.end, "param": deadline_text, "suggested": suggested, "start_note": ""}, suggested
    )
    ends_in_plan_year = (window.end.year or year) == year and not window.end.next_year
    # 12月底 / 12月下旬 name the month's end: past 12月20日 as plainly as 12月31日 is
    if window.end.day is None and window.end.part is None and window.end.month == month and ends_in_plan_year:
        hit.severity = "warning"
    yield hit


def _open_start_after(ctx: Ctx, window: Window, deadline_text: str) -> Iterator[CellHit]:
    """An open window (12月25日起) starting in the plan year after its deadline (12月20日): it ends
    after the deadline whatever end it is given. A start in another year is window-other-year's."""
    year = plan_year(ctx, window)
    if (
        window.start.year not in (None, year)
        or window.start.next_year
        or not _starts_after(window, deadline_text, year)
    ):
        return
    month, day = parse_month_day(deadline_text)
    fixed = Window(
        DatePoint(month, year=window.start.year), DatePoint(month, day), qualifier=window.qualifier
    )
    yield CellHit(
        {
            "end": f"{window.start}以后（只写了开始时间）",
            "param": deadline_text,
            "suggested": fixed.canonical(),
            "start_note": f"，开始时间{window.start}也须提前",
        }
    )


def _starts_after(window: Window, deadline_text: str, year: int) -> bool:
    month, day = parse_month_day(deadline_text)
    try:
        return window.start_date(year) > dt.date(year, month, day)
    except ValueError:
        return False


@primitive(
    "publicity_in_year",
    ("cell",),
    {"field": FIELD, "param": PARAM},
    required=("field", "param"),
    provides=("end", "due", "latest"),
)
def publicity_in_year(ctx: Ctx, cell: Cell, param: str) -> Iterator[CellHit]:
    """Results must be public within N working days of the window's end, and by the year's end."""
    window = cell.value
    days = ctx.param(param)
    if not isinstance(window, Window) or not days or window.open_end:  # its end is not written
        return
    year = plan_year(ctx, window)
    try:
        end = window.end_date(year)
    except ValueError:
        return
    due, covered = add_workdays(end, int(days))
    if not covered:
        ctx.notes.add(
            f"工作日日历（chinese-calendar）未覆盖{due.year}年，公示期限已按周一至周五估算；"
            "升级 chinese-calendar 后结果更准确。"
        )
    if due.year > end.year:
        latest, _ = _latest_end(end.year, int(days))
        yield CellHit(
            {
                "end": window.end,
                "param": days,
                "due": f"{due.year}年{due.month}月{due.day}日",
                "latest": f"{latest.month}月{latest.day}日",
            }
        )


@primitive(
    "open_end",
    ("cell",),
    {"field": FIELD, "param": PARAM},
    required=("field",),
    provides=("start", "suggested"),
)
def open_end(ctx: Ctx, cell: Cell, param: str = "") -> Iterator[CellHit]:
    """A window with a start and no end (2025年3月起, 自3月起, 3月份开始) is read to the end of its year,
    which the plan does not say: a warning, in place of the deadline and publicity findings that would
    rest on that end. The suggestion ends the window by the profile's deadline where one applies."""
    window = cell.value
    if not isinstance(window, Window) or not window.open_end:
        return
    deadline = ctx.param(param) if param else None
    year = plan_year(ctx, window)
    if deadline and window.start.year in (None, year) and _starts_after(window, deadline, year):
        return  # window-after-deadline reports it: no end by the deadline follows its start
    month, day = parse_month_day(deadline) if deadline else (12, 31)
    if window.label:  # 即日起: the notice's date, which the cell does not state, is the start
        end = DatePoint(month, day, window.start.year, next_year=window.start.next_year)
        yield CellHit({"start": f"{window.label}，即印发之日", "suggested": f"{window.label}至{end}"})
        return
    start = window.start
    if ctx.plan.meta.year and start.year not in (None, ctx.plan.meta.year):
        start = dataclasses.replace(start, year=ctx.plan.meta.year)  # as window-other-year suggests
    end = DatePoint(month, day, start.year, next_year=start.next_year)
    if _starts_after(Window(start, end), f"{month}月{day}日", year):
        start = DatePoint(month, year=start.year)  # no end by the deadline follows it: start in its month
    yield CellHit(
        {"start": window.start, "suggested": Window(start, end, qualifier=window.qualifier).canonical()}
    )


def _latest_end(year: int, days: int) -> tuple[dt.date, bool]:
    """The last end date whose publicity still falls within the year."""
    day = dt.date(year, 12, 31)
    while True:
        due, covered = add_workdays(day, days)
        if due.year == year:
            return day, covered
        day -= dt.timedelta(days=7 if (due - dt.date(year, 12, 31)).days > 10 else 1)


_NAMED_MONTH = re.compile(r"(?<!\d)(\d{1,2})月份?")


@primitive(
    "name_month",
    ("task",),
    {"name": FIELD, "window": FIELD},
    required=("name", "window"),
    provides=(*CELL_VARS, "month", "window_raw"),
)
def name_month(ctx: Ctx, task, name: str, window: str) -> Iterator[Hit]:
    """A task named for one month (`2024年7月份…`) should run in that month."""
    w = _window(task, window)
    if w is None:
        return
    months = {int(m) for m in _NAMED_MONTH.findall(task.text(name)) if 1 <= int(m) <= 12}
    if len(months) != 1:
        return
    (month,) = months
    if not (w.start.month == month and w.end.month == month):
        yield field_hit(ctx.plan, task, name, month=month, window_raw=task.text(window))


@primitive(
    "h2_share",
    ("plan",),
    {"field": FIELD, "param": PARAM},
    required=("field", "param"),
    provides=("share", "late", "total", "tasks", "raw"),
)
def h2_share(ctx: Ctx, task: None, field: str, param: str) -> Iterator[Hit]:
    """Share of tasks that only start in July or later; too many piles the work into the second half.
    A plan with fewer dated tasks than `min_share_tasks` is not judged by a share."""
    threshold = ctx.param(param)
    windows = [(t, w) for t in ctx.plan.tasks if (w := _window(t, field)) is not None]
    if not windows or threshold is None or len(windows) < (ctx.param("min_share_tasks") or 0):
        return
    late = [t for t, w in windows if w.start.month >= 7]
    share = len(late) / len(windows)
    if share > float(threshold):
        yield Hit(
            ctx.plan.source,
            field=field,
            vars={
                "share": f"{share:.0%}",
                "late": len(late),
                "total": len(windows),
                "param": f"{float(threshold):.0%}",
                "tasks": "、".join(t.seq or "?" for t in late),
                "raw": "",
            },
        )
