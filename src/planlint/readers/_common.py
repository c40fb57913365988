"""Helpers shared by the readers: the errors of a damaged zip package, and finding a plan's title
among prose lines or title rows."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Callable

# What reading a damaged or unusual zip package raises besides BadZipFile: short reads (EOFError),
# unsupported versions or methods (NotImplementedError), encrypted parts (RuntimeError), corrupt
# deflate data (zlib.error), impossible header fields (ValueError, struct.error), a missing part.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    KeyError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    zlib.error,
    struct.error,
)

_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")
# Lines that merely refer to the plan (subtitles in brackets, the notice's own title) are weaker.
_WEAK_START = ("（", "(", "关于", "印发")
# `## 标题` (text exports), `附件2：标题`, `- 附件：1. 标题` (attachment lists)
_PREFIX = re.compile(r"^[#\s\-—]*(?:附件\s*\d*\s*[:：.、]?\s*)?(?:\d+\s*[.、．]\s*)?")


def pick_title(lines: list[str]) -> str | None:
    """The title of a table from the prose lines just before it (nearest last).

    A plan title names a plan (计划) and usually a year; a bracketed subtitle such as
    （“一业一查”部门联合双随机抽查工作计划） or an attachment line is only used when nothing better
    is near, because the real title sits one or two lines above it.
    """
    candidates = [clean_title(line) for line in reversed(lines[-8:]) if "计划" in line]
    candidates = [c for c in candidates if c]
    for title in candidates:
        if _YEAR.search(title) and not title.startswith(_WEAK_START):
            return title
    for title in candidates:
        if not title.startswith(_WEAK_START):
            return title
    return candidates[0] if candidates else None


def clean_title(line: str) -> str:
    """A title line without markdown hashes, an attachment label and surrounding space."""
    return _PREFIX.sub("", line.strip()).strip()


# A 方案 of random inspections (西城区动物卫生监督所2019年双随机抽查方案): the table under it is the year's plan.
_INSPECTION_SCHEME = re.compile(r"(?:抽查|检查|抽检)(?:工作|实施)?方案")


def names_a_plan(text: str) -> bool:
    """Whether a title row names a plan: 计划, or a 方案 of random inspections (抽查方案, 检查工作方案)."""
    return "计划" in text or _INSPECTION_SCHEME.search(text) is not None


def title_from_rows(
    rows: list[list[str]], limit: int = 6, names: Callable[[str], bool] = names_a_plan
) -> str | None:
    """The title held in the table itself: a row above the header whose only text (usually a
    merged title row) `names` what the title should (by default, a plan)."""
    for row in rows[:limit]:
        texts = {c.strip() for c in row if c.strip()}
        if len(texts) >= 3:  # reached the header or data: no title row above it
            return None
        if len(texts) == 1:
            text = texts.pop()
            if names(text):
                return clean_title(text)
    return None
