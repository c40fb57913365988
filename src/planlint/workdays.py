"""Working days per the official holiday calendar (调休 weekends count), via chinese-calendar."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache


@lru_cache(maxsize=4096)
def add_workdays(start: dt.date, n: int) -> tuple[dt.date, bool]:
    """The date that is `n` working days after `start`, and whether the official calendar covered
    every day counted. Outside the calendar's years it falls back to Monday–Friday."""
    import chinese_calendar

    day, counted, covered = start, 0, True
    while counted < n:
        day += dt.timedelta(days=1)
        try:
            workday = chinese_calendar.is_workday(day)
        except NotImplementedError:  # year not in the installed calendar
            covered = False
            workday = day.weekday() < 5
        if workday:
            counted += 1
    return day, covered
