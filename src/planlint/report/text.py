"""The default terminal format: findings grouped by file and plan, a 建议 line under each, optional
per-rule statistics and a one-line Chinese summary. Colour only when asked (write() decides: a TTY)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator

from ..findings import SEVERITY_NAMES, SEVERITY_RANK, counts_text
from ..result import CheckResult, PlanReport
from . import ReportOptions
from .output import emit_chunks

_COLORS = {"error": "31", "warning": "33", "info": "36", "bold": "1", "dim": "2"}
# C0 and C1 controls, DEL, and the Unicode line and paragraph separators: a newline in a cell must
# not start a line of its own in a CI log (`::warning file=…::` is a workflow command there), nor an
# ESC drive the terminal.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_controls(text: str) -> str:
    """`text` with every control character shown as an escape (`\\n`, `\\x1b`, `\\u2028`), for the
    human-readable outputs: one finding stays one line, and cell text never reaches the terminal
    or the CI log as anything but text."""
    if text.isprintable():  # the usual case: nothing to do
        return text
    return _CONTROLS.sub(
        lambda m: _NAMED.get(m[0]) or (f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}"),
        text,
    )


def _paint(text: str, style: str, color: bool) -> str:
    return f"\x1b[{_COLORS[style]}m{text}\x1b[0m" if color else text


def _plan_heading(report: PlanReport) -> str:
    where = str(report.location)
    if report.plan is None:
        return escape_controls(where)
    title = report.plan.meta.title
    tasks = f"{len(report.plan.tasks)} 项任务"
    return escape_controls(f"{where}（{title}，{tasks}）" if title else f"{where}（{tasks}）")


def _report_lines(report: PlanReport, color: bool) -> Iterator[str]:
    esc = escape_controls
    if report.error is not None:
        where = _paint(esc(report.path), "bold", color)
        yield f"{where}  {_paint('[error]', 'error', color)} 无法读取：{esc(report.error)}"
        return
    yield _paint(_plan_heading(report), "bold", color)
    if report.layers:
        yield f"  适用要求：{esc(report.layer_chain)}"
    for f in sorted(report.findings, key=lambda f: f.sort_key()):
        sev = _paint(f"[{f.severity}]", f.severity, color)
        yield f"{esc(str(f.location))}  {sev} {f.rule_id} {f.slug}  {esc(f.message)}"
        if f.fix:
            yield f"  建议：{esc(f.fix)}"


def _review(result: CheckResult, color: bool) -> list[str]:
    """The city reviewer's overview: one line per plan, worst first."""
    lines = [_paint("审查概要（问题最多的在前）：", "bold", color)]
    for row in result.review():
        where = escape_controls(str(row.report.location))
        if row.report.error is not None:
            lines.append(f"  {where}：无法读取")
            continue
        line = f"  {where}：{counts_text(row.counts)}"
        if result.superiors:
            line += f"；重复发起上级任务 {row.duplicated}，缺少上级任务 {row.missing}"
            if row.overlaps:
                line += f"，可能与上级自行检查的任务重复 {row.overlaps}"
        lines.append(line)
    return lines


def _statistics(result: CheckResult, color: bool) -> list[str]:
    counts = Counter(f.rule_id for f in result.findings)
    if not counts:
        return []
    meta = {f.rule_id: (f.slug, f.severity) for f in result.findings}
    width = len(str(max(counts.values())))
    lines = [_paint("按规则统计：", "bold", color)]
    # Most frequent first; ties by severity, then id, so the order is stable.
    for rule_id, n in sorted(counts.items(), key=lambda kv: (-kv[1], -SEVERITY_RANK[meta[kv[0]][1]], kv[0])):
        slug, sev = meta[rule_id]
        lines.append(f"  {n:>{width}}  {rule_id}  {slug}  {_paint(f'[{sev}]', sev, color)}")
    return lines


def summary_line(result: CheckResult) -> str:
    """`共检查 4 个文件、83 项任务：错误 12，警告 30，提示 5` (plus unreadable files, if any)."""
    s = result.summary()
    head = f"共检查 {s['files']} 个文件、{s['tasks']} 项任务"
    unreadable = len({r.path for r in result.reports if r.error is not None})
    tail = f"；{unreadable} 个文件无法读取" if unreadable else ""
    if not any(s[sev] for sev in SEVERITY_NAMES):
        return f"{head}：未发现问题{tail}"
    return f"{head}：{counts_text(s)}{tail}"


def _blocks(result: CheckResult, options: ReportOptions) -> Iterator[Iterable[str]]:
    """The report's blocks (each a run of lines), in order."""
    for report in result.reports:
        # A clean plan gets no block: the summary line counts it, and long runs stay readable.
        if report.error is None and not report.findings:
            continue
        yield _report_lines(report, options.color)
    if len(result.reports) > 1 or result.superiors:
        yield _review(result, options.color)
    if options.statistics:
        stats = _statistics(result, options.color)
        if stats:
            yield stats
    # Run notes are not repeated here: `planlint check` prints them on stderr for every format.
    yield [summary_line(result)]


def chunks(result: CheckResult, options: ReportOptions) -> Iterator[str]:
    """The report as it is made, line by line: blocks apart by a blank line, a newline at the end."""
    for b, block in enumerate(_blocks(result, options)):
        if b:
            yield "\n\n"
        for i, line in enumerate(block):
            yield f"\n{line}" if i else line
    yield "\n"


def render(result: CheckResult, options: ReportOptions) -> str:
    return "".join(chunks(result, options))


def write(result: CheckResult, out: str | None, options: ReportOptions) -> None:
    emit_chunks(chunks(result, options), out)
