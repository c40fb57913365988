"""Renderings of a plan diff: Chinese text for the terminal, the JSON contract, the 调整情况表
workbook to attach to the 报备, and a standalone HTML page."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

from . import __version__
from .diff import ADDED, CHANGED, COSMETIC, KINDS, REMOVED, RENUMBERED, STATUS_NAMES, PlanDiff, TaskDiff
from .findings import SEVERITY_NAMES, Finding
from .plan import FIELD_NAMES, Plan, Task
from .table import Location

VERSION = 1
# What an added or removed task is described by in the 调整情况表 (name has its own column).
SUMMARY_KEYS = ("scope", "quota", "window", "mode", "initiator")
SHEET = "调整情况表"
HEADERS = ("序号", "任务名称", "调整类型", "调整前", "调整后", "调整理由")
WIDTHS = (8, 30, 18, 45, 45, 30)
OTHER_SHEET = "其他变化"
OTHER_HEADERS = ("序号", "任务名称", "变化", "调整前", "调整后")
FINDINGS_SHEET = "新增问题"
FINDINGS_HEADERS = ("序号", "任务名称", "规则", "级别", "问题", "建议")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def labels(td: TaskDiff) -> list[str]:
    out = [KINDS[k] for k in td.kinds]
    if td.renumbered and td.status == CHANGED:
        out.append("序号调整")
    return out


def notes(td: TaskDiff) -> list[str]:
    """What the classified changes say in words, each once."""
    return list(dict.fromkeys(n for c in td.changes for n in c.notes))


def _describe(task: Task) -> str:
    return "\n".join(f"{FIELD_NAMES[k]}：{_one_line(task.text(k))}" for k in SUMMARY_KEYS if task.text(k))


def before_after(td: TaskDiff) -> tuple[str, str]:
    """The 调整前 / 调整后 cells of a task's row: the changed fields, old and new."""
    if td.status == ADDED and td.new is not None:
        return "（无）", _describe(td.new)
    if td.status == REMOVED and td.old is not None:
        return _describe(td.old), "取消该项任务"
    changes = td.substantive if td.status == CHANGED else td.cosmetic
    before = [f"{c.label}：{c.old.strip() or '（空）'}" for c in changes]
    after = [f"{c.label}：{c.new.strip() or '（空）'}" for c in changes]
    if td.renumbered:
        before.insert(0, f"序号：{td.old_seq}")
        after.insert(0, f"序号：{td.new_seq}")
    return "\n".join(before), "\n".join(after)


def _plan_label(plan: Plan) -> str:
    where = Location(plan.path, plan.source.sheet, 0)  # the table as a whole
    return f"{where}（{len(plan.tasks)} 项任务）"


def _finding_line(f: Finding) -> str:
    return f"新增问题 [{f.severity}] {f.rule_id} {f.slug}：{f.message}"


# --- text ---------------------------------------------------------------------------------------


def _summary_line(counts: dict[str, int]) -> str:
    parts = [f"{STATUS_NAMES[s]} {counts[s]} 项" for s in (ADDED, REMOVED, CHANGED, COSMETIC, RENUMBERED)]
    line = "，".join(parts)
    if counts["new_findings"]:
        line += f"；新版新增 {counts['new_findings']} 个检查问题"
    return line


def _task_lines(td: TaskDiff) -> list[str]:
    if td.status == RENUMBERED:
        return [f"  原序号 {td.old_seq} → 新序号 {td.new_seq}  {td.name}"]
    seq = f"{td.old_seq} → {td.new_seq}" if td.renumbered else td.seq
    if td.status == REMOVED:
        seq = f"（原）{td.seq}"
    tags = "、".join(labels(td)) if td.status == CHANGED else ""
    lines = [f"  序号 {seq}  {td.name}" + (f"  [{tags}]" if tags else "")]
    changes = td.substantive if td.status == CHANGED else td.cosmetic
    for c in changes:
        lines.append(f"    {c.label}：「{_one_line(c.old)}」→「{_one_line(c.new)}」")
        lines += [f"      {n}" for n in c.notes]
    if td.status == ADDED and td.new is not None:
        lines += [f"    {line}" for line in _describe(td.new).splitlines()]
    lines += [f"    ！{_finding_line(f)}" for f in td.findings]
    return lines


def render_text(diffs: list[PlanDiff]) -> str:
    lines: list[str] = []
    for d in diffs:
        lines.append(f"旧版：{_plan_label(d.old)}")
        lines.append(f"新版：{_plan_label(d.new)}")
        counts = d.summary()
        lines.append(_summary_line(counts))
        for status in (ADDED, REMOVED, CHANGED, COSMETIC, RENUMBERED):
            group = d.by_status(status)
            if group:
                lines.append(f"【{STATUS_NAMES[status]}】（{len(group)} 项）")
                for td in group:
                    lines += _task_lines(td)
        if d.plan_findings:
            lines.append("【新版计划新增问题】")
            lines += [f"  {f.location}  {_finding_line(f)}" for f in d.plan_findings]
        if not any(counts[s] for s in (ADDED, REMOVED, CHANGED, COSMETIC, RENUMBERED)):
            lines.append("两个版本的任务没有差别。")
        lines.append("")
    return "\n".join(lines)


# --- JSON ---------------------------------------------------------------------------------------


def _plan_json(plan: Plan) -> dict:
    return {
        "path": plan.path,
        "sheet": plan.source.sheet,
        "plan": plan.meta.to_json(),
        "tasks": len(plan.tasks),
    }


def _task_json(td: TaskDiff) -> dict:
    return {
        "status": td.status,
        "old_seq": td.old_seq,
        "new_seq": td.new_seq,
        "name": td.name,
        "match": td.match,
        "kinds": td.kinds,
        "labels": labels(td),
        "changes": [
            {
                "field": c.key,
                "label": c.label,
                "old": c.old,
                "new": c.new,
                "cosmetic": c.cosmetic,
                "kinds": list(c.kinds),
                "notes": list(c.notes),
                "findings": [f.rule_id for f in c.findings],
            }
            for c in td.changes
        ],
        "findings": [f.to_json() for f in td.findings],
    }


def to_dict(diffs: list[PlanDiff]) -> dict:
    """The JSON document (version 1, stable; fields are only ever added). Unchanged tasks are
    counted in the summary, not listed:

        {"version": 1, "tool": "planlint", "command": "diff", "old": "…", "new": "…",
         "plans": [{"old": {"path", "sheet", "plan": {meta}, "tasks": n}, "new": {…},
                    "summary": {"added", "removed", "changed", "cosmetic", "renumbered",
                                "unchanged", "new_findings"},
                    "tasks": [{"status": "added|removed|changed|cosmetic|renumbered",
                               "old_seq", "new_seq", "name", "match", "kinds": ["ratio-lowered"…],
                               "labels": ["抽查比例降低"…],
                               "changes": [{"field", "label", "old", "new", "cosmetic", "kinds",
                                            "notes", "findings": ["PL301"…]}],
                               "findings": [finding as in the check JSON report]}],
                    "plan_findings": [finding…]}],
         "summary": {the plans' summaries added up}}

    `kinds` are the codes of planlint.diff.KINDS; a change's `findings` name the rules of the
    task's `findings` that are about that field."""
    total: dict[str, int] = {}
    plans = []
    for d in diffs:
        counts = d.summary()
        for k, v in counts.items():
            total[k] = total.get(k, 0) + v
        plans.append(
            {
                "old": _plan_json(d.old),
                "new": _plan_json(d.new),
                "summary": counts,
                "tasks": [_task_json(td) for td in d.tasks if td.status != "unchanged"],
                "plan_findings": [f.to_json() for f in d.plan_findings],
            }
        )
    return {
        "version": VERSION,
        "tool": "planlint",
        "command": "diff",
        "old": diffs[0].old.path if diffs else None,
        "new": diffs[0].new.path if diffs else None,
        "plans": plans,
        "summary": total,
    }


def render_json(diffs: list[PlanDiff]) -> str:
    return json.dumps(to_dict(diffs), ensure_ascii=False, indent=2) + "\n"


# --- xlsx: the 调整情况表 --------------------------------------------------------------------------


def _table(ws, first_row: int, headers: tuple[str, ...], rows: list[tuple], widths: tuple[int, ...]) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from .workbook import put

    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for c, text in enumerate(headers, 1):
        cell = put(ws, first_row, c, text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    for r, row in enumerate(rows, first_row + 1):
        for c, value in enumerate(row, 1):
            cell = put(ws, r, c, value)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = border
    for c, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = ws.cell(row=first_row + 1, column=1)


def filing_rows(diffs: list[PlanDiff]) -> list[tuple[str, str, str, str, str, str]]:
    """One row per added, removed or substantively changed task (调整理由 left blank)."""
    rows = []
    for d in diffs:
        for status in (ADDED, REMOVED, CHANGED):
            for td in d.by_status(status):
                before, after = before_after(td)
                seq = f"原{td.old_seq}" if status == REMOVED else td.seq  # old numbering
                rows.append((seq, td.name, "、".join(labels(td)), before, after, ""))
    return rows


def xlsx_bytes(diffs: list[PlanDiff]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.properties import PageSetupProperties

    from .workbook import active_sheet, put

    wb = Workbook()
    ws = active_sheet(wb)
    ws.title = SHEET
    title = next((d.new.meta.title for d in diffs if d.new.meta.title), "抽查工作计划")
    put(ws, 1, 1, f"{title}调整情况表").font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.row_dimensions[1].height = 28
    _table(ws, 2, HEADERS, filing_rows(diffs), WIDTHS)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is None:  # openpyxl creates one with each sheet; the stubs allow None
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "2:2"

    other = []
    for d in diffs:
        for td in d.by_status(COSMETIC) + d.by_status(RENUMBERED):
            before, after = before_after(td)
            other.append((td.seq, td.name, STATUS_NAMES[td.status], before, after))
    if other:
        _table(wb.create_sheet(OTHER_SHEET), 1, OTHER_HEADERS, other, (8, 30, 14, 45, 45))

    found = [(td.seq, td.name, f) for d in diffs for td in d.tasks for f in td.findings]
    found += [("", "（计划整体）", f) for d in diffs for f in d.plan_findings]
    if found:
        rows = [
            (seq, name, f"{f.rule_id} {f.slug}", SEVERITY_NAMES.get(f.severity, f.severity), f.message, f.fix)
            for seq, name, f in found
        ]
        _table(wb.create_sheet(FINDINGS_SHEET), 1, FINDINGS_HEADERS, rows, (8, 30, 26, 8, 50, 40))

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- HTML ---------------------------------------------------------------------------------------


def render_html(diffs: list[PlanDiff]) -> str:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("planlint.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    groups = [(STATUS_NAMES[s], s) for s in (ADDED, REMOVED, CHANGED, COSMETIC, RENUMBERED)]
    return env.get_template("diff.html").render(
        diffs=diffs,
        groups=groups,
        labels=labels,
        notes=notes,
        before_after=before_after,
        plan_label=_plan_label,
        summary_line=_summary_line,
        version=__version__,
    )


# format name -> renderer; xlsx is the only binary one and needs an output file
RENDERERS: dict[str, Callable[[list[PlanDiff]], str | bytes]] = {
    "text": render_text,
    "json": render_json,
    "xlsx": xlsx_bytes,
    "html": render_html,
}
