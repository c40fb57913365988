"""GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`, one per
finding, so findings show as annotations on the run and the pull request. GitHub shows only the
first 10 annotations of each type per step, so in a workflow (`$GITHUB_STEP_SUMMARY` set) the run
also appends a Markdown job summary: the counts, the worst plans and the most frequent rules."""

from __future__ import annotations

import os
from collections import Counter

from ..findings import SEVERITIES, SEVERITY_NAMES, Finding, counts_text
from ..result import CheckResult
from . import ReportOptions
from .output import display_path, emit
from .text import escape_controls

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """The message part: %, CR and LF must be percent-encoded or the command is cut short; other
    control characters (ESC) are shown escaped, never passed to the log (issue 21.14)."""
    return escape_controls(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


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
    place = loc.place
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


def _cell(text: str) -> str:
    """Text for a Markdown table cell."""
    return escape_controls(
        text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")
    )


def job_summary(result: CheckResult, top: int = 10) -> str:
    """The Markdown job summary: totals, the worst plans first, the most frequent rules."""
    s = result.summary()
    lines = [
        "## planlint 检查结果",
        "",
        f"共检查 {s['files']} 个文件、{s['tasks']} 项任务：{counts_text(s)}",
    ]
    unreadable = [r for r in result.reports if r.error is not None]
    if unreadable:
        lines.append(f"，{len(unreadable)} 个文件无法读取")
    lines[-1] += "。"
    rows = [row for row in result.review() if row.report.error is not None or any(row.counts.values())]
    if rows:
        lines += [
            "",
            "### 问题最多的计划",
            "",
            "| 计划 | " + " | ".join(SEVERITY_NAMES.values()) + " |",
            "|---|---:|---:|---:|",
        ]
        for row in rows[:top]:
            where = str(row.report.location._replace(path=display_path(row.report.path)))
            if row.report.error is not None:
                lines.append(f"| {_cell(where)} | 无法读取：{_cell(row.report.error)} | | |")
            else:
                lines.append(
                    f"| {_cell(where)} | " + " | ".join(str(row.counts[sev]) for sev in SEVERITIES) + " |"
                )
        if len(rows) > top:
            lines.append(f"| 另有 {len(rows) - top} 个计划 | | | |")
    by_rule = Counter((f.rule_id, f.slug, f.severity) for f in result.findings)
    if by_rule:
        lines += ["", "### 最常见的问题", "", "| 规则 | 级别 | 数量 |", "|---|---|---:|"]
        for (rule_id, slug, severity), n in sorted(by_rule.items(), key=lambda x: (-x[1], x[0]))[:top]:
            lines.append(f"| {rule_id} {slug} | {severity} | {n} |")
    shown = Counter(f.severity for f in result.findings)
    if any(n > 10 for n in shown.values()):
        lines += ["", "GitHub 每一步每种级别只显示前 10 条注释；完整列表见上表与 SARIF/HTML 报告。"]
    return "\n".join(lines) + "\n"


def write(result: CheckResult, out: str | None, options: ReportOptions) -> None:
    emit(render(result, options), out)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        try:
            with open(summary, "a", encoding="utf-8") as fh:
                fh.write(job_summary(result))
        except OSError:
            pass  # the annotations are written; a summary GitHub cannot take is not worth failing for
