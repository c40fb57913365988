"""Output formats. One module per format, chosen from REPORTERS and imported only when used, so
`planlint check` on the text or json path never pays for jinja2, openpyxl or jsonschema.

Every reporter module exposes `write(result, out, options) -> None`; text-like ones also expose
`render(result, options) -> str` for tests and for embedding.
"""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from ..errors import PlanlintError

if TYPE_CHECKING:
    from ..result import CheckResult

# format name -> module; the module's BINARY flag says whether it needs an output path
REPORTERS = {
    "text": "planlint.report.text",
    "json": "planlint.report.json",
    "sarif": "planlint.report.sarif",
    "junit": "planlint.report.junit",
    "github": "planlint.report.github",
    "html": "planlint.report.html",
    "xlsx": "planlint.report.xlsx",
}


@dataclass(frozen=True, slots=True)
class ReportOptions:
    statistics: bool = False  # text: counts per rule after the findings
    color: bool = False  # text: ANSI colours (decided by write(), not by the reporter)
    fail_on: str = "error"  # junit: findings at or above this severity are failures


def reporter(fmt: str) -> ModuleType:
    """The module for a format name; an unknown name is a user error listing the known ones."""
    target = REPORTERS.get(fmt)
    if target is None:
        known = "、".join(REPORTERS)
        raise PlanlintError(f"未知的输出格式「{fmt}」，可用格式：{known}")
    return importlib.import_module(target)


def _auto_color(out: str | None) -> bool:
    # NO_COLOR / FORCE_COLOR follow the no-color.org and force-color.org conventions.
    if out is not None or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


def write(
    fmt: str,
    result: CheckResult,
    out: str | None,
    *,
    statistics: bool = False,
    color: bool | None = None,
    fail_on: str = "error",
) -> None:
    """Write `result` in format `fmt` to `out` (None: stdout). Binary formats need `out`.
    Output files are written atomically and never over a checked input file."""
    from .output import refuse_input

    module = reporter(fmt)
    if out is None and getattr(module, "BINARY", False):
        raise PlanlintError(f"{fmt} 格式输出的是文件，请用 -o 路径 或 -f {fmt}:路径 指定输出位置")
    if out is not None:
        refuse_input(out, result)
    options = ReportOptions(
        statistics=statistics, color=_auto_color(out) if color is None else color, fail_on=fail_on
    )
    module.write(result, out, options)
