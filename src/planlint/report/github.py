"""GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`, one per
finding, so findings show as annotations on the run and the pull request."""

from __future__ import annotations

from ..findings import Finding
from ..result import CheckResult
from . import ReportOptions
from .cells import where
from .output import display_path, emit

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """The message part: %, CR and LF must be percent-encoded or the command is cut short."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Property values additionally may not contain ':' or ',' (they separate properties)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _line(f: Finding) -> str:
    loc = f.location
    props = {"file": display_path(loc.path)}
    if loc.row > 0:
        props["line"] = str(loc.row)
        if loc.col > 0:
            props["col"] = str(loc.col)
    props["title"] = f"{f.rule_id} {f.slug}"
    # The annotation sits on a line of a binary file, so the message names the sheet and cell.
    place = where(loc)
    message = f"{place}：{f.message}" if place else f.message
    if f.fix:
        message += f"\n建议：{f.fix}"
    head = ",".join(f"{k}={escape_property(v)}" for k, v in props.items())
    return f"::{COMMANDS[f.severity]} {head}::{escape_data(message)}"


def render(result: CheckResult, options: ReportOptions) -> str:
    lines = [_line(f) for f in sorted(result.findings, key=lambda f: f.sort_key())]
    lines += [
        f"::error file={escape_property(display_path(r.path))},title=unreadable::{escape_data('无法读取：' + r.error)}"
        for r in result.reports
        if r.error is not None
    ]
    return "".join(line + "\n" for line in lines)


def write(result: CheckResult, out: str | None, options: ReportOptions) -> None:
    emit(render(result, options), out)
