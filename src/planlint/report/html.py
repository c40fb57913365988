"""One self-contained HTML page for a reviewer: summary counts, a review summary (plans worst
first), a chart of findings by rule and severity, and a table per plan with the cell text (the
offending part marked), message, fix and basis, filterable by severity and rule. No external assets;
jinja2 autoescapes everything taken from the plans."""

from __future__ import annotations

import functools
from collections import Counter
from typing import TYPE_CHECKING

from .. import __version__
from ..findings import SEVERITIES, SEVERITY_NAMES, counts_text
from ..plan import KIND_NAMES, LEVEL_NAMES
from ..result import CheckResult, PlanReport
from . import ReportOptions
from .cells import field_index, highlight, rule_titles
from .output import emit

if TYPE_CHECKING:
    from jinja2 import Environment

CHART_WIDTH = 420  # px for the longest bar


def _label(report: PlanReport) -> str:
    return report.path + (f" · {report.sheet}" if report.sheet else "")


def _meta_line(report: PlanReport) -> str:
    if report.plan is None:
        return ""
    m = report.plan.meta
    bits = [
        f"{m.year} 年度" if m.year else "",
        LEVEL_NAMES.get(m.level or "", ""),
        f"{KIND_NAMES[m.kind]}计划" if m.kind in KIND_NAMES else "",
        m.issuer or "",
        f"{len(report.plan.tasks)} 项任务",
    ]
    return " · ".join(b for b in bits if b)


def _rows(report: PlanReport) -> list[dict]:
    fields = field_index(report.plan)
    rows = []
    for f in sorted(report.findings, key=lambda f: f.sort_key()):
        loc = f.location
        field = fields.get((loc.sheet, loc.row, loc.col))
        raw = field.raw if field is not None else ""
        rows.append(
            {
                "finding": f,
                "where": loc.place,
                "segments": highlight(raw, f),
            }
        )
    return rows


def _review(result: CheckResult) -> list[dict]:
    """One line per plan, worst first (CheckResult.review decides the order)."""
    index = {id(r): i for i, r in enumerate(result.reports)}
    return [
        {
            "anchor": f"plan-{index[id(row.report)]}",
            "label": _label(row.report),
            "report": row.report,
            "counts": row.counts,
            "duplicated": row.duplicated,
            "missing": row.missing,
            "overlaps": row.overlaps,
            "title": row.report.plan.meta.title if row.report.plan else None,
        }
        for row in result.review()
    ]


def _chart(result: CheckResult) -> dict:
    """Bars per rule, stacked by severity; widths precomputed so the page needs no script to draw."""
    counts: Counter[tuple[str, str]] = Counter((f.rule_id, f.severity) for f in result.findings)
    slugs = {f.rule_id: f.slug for f in result.findings}
    totals = Counter(f.rule_id for f in result.findings)
    top = max(totals.values(), default=1)
    bars = []
    # Longest bar first; among equals, the rule with more errors (then warnings) first.
    order = sorted(totals, key=lambda r: (-totals[r], -counts[(r, "error")], -counts[(r, "warning")], r))
    for rule_id in order:
        total = totals[rule_id]
        x = 0.0
        segments = []
        for sev in SEVERITIES:
            n = counts[(rule_id, sev)]
            if n:
                width = CHART_WIDTH * n / top
                segments.append({"severity": sev, "x": round(x, 1), "width": round(width, 1), "n": n})
                x += width
        bars.append(
            {
                "rule": rule_id,
                "slug": slugs[rule_id],
                "total": total,
                "segments": segments,
                "end": round(x, 1),
            }
        )
    return {"bars": bars, "width": CHART_WIDTH}


@functools.cache
def _environment() -> Environment:
    """One jinja2 environment per process: it keeps the compiled template (compiling it took
    ~90 ms, more than the rest of a small report; serve and the desk render many)."""
    # jinja2 is imported here, not at module import: `planlint check` on other formats skips it.
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(
        loader=PackageLoader("planlint.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(result: CheckResult, options: ReportOptions) -> str:
    env = _environment()
    summary = result.summary()
    plans = [
        {
            "anchor": f"plan-{i}",
            "label": _label(r),
            "meta": _meta_line(r),
            "report": r,
            "rows": _rows(r),
            "title": r.plan.meta.title if r.plan else None,
        }
        for i, r in enumerate(result.reports)
    ]
    rules = sorted({(f.rule_id, f.slug) for f in result.findings})
    return env.get_template("report.html").render(
        version=__version__,
        summary=summary,
        unreadable=sum(r.error is not None for r in result.reports),
        severities=SEVERITY_NAMES,
        counts_text=counts_text,
        review=_review(result),
        superiors=result.superiors,
        chart=_chart(result),
        plans=plans,
        rules=rules,
        titles=rule_titles(),
        notes=result.notes,
    )


def write(result: CheckResult, out: str | None, options: ReportOptions) -> None:
    emit(render(result, options), out)
