"""The JSON report: the stable, versioned contract other tools read (schema:
rules/schema/report.schema.json, shipped as planlint.bundled.rules)."""

from __future__ import annotations

import json

from ..result import CheckResult, PlanReport
from . import ReportOptions, jsonstream
from .output import emit_chunks

VERSION = 1


def _file_entry(report: PlanReport) -> jsonstream.Streamed:
    """One file's entry; its findings are an iterator, dumped one at a time by jsonstream."""
    entry = jsonstream.Streamed(
        {
            "path": report.path,
            "sheet": report.sheet,
            "plan": report.plan.meta.to_json() if report.plan is not None else None,
            "tasks": len(report.plan.tasks) if report.plan is not None else 0,
            "layers": list(report.layers),
            "findings": (f.to_json() for f in sorted(report.findings, key=lambda f: f.sort_key())),
        }
    )
    if report.error is not None:
        entry["error"] = report.error
    return entry


def _document(result: CheckResult) -> jsonstream.Streamed:
    doc = jsonstream.Streamed(
        {
            "version": VERSION,
            "tool": "planlint",
            "files": (_file_entry(r) for r in result.reports),
            "summary": result.summary(),
        }
    )
    if result.notes:
        doc["notes"] = list(result.notes)
    return doc


def render(result: CheckResult, options: ReportOptions) -> str:
    return "".join(jsonstream.document(_document(result)))


def write(result: CheckResult, out: str | None, options: ReportOptions) -> None:
    emit_chunks(jsonstream.document(_document(result)), out)


def load_schema() -> dict:
    """The report's JSON Schema, from the installed package (not the source tree)."""
    from importlib.resources import files

    text = (files("planlint.bundled.rules") / "schema" / "report.schema.json").read_text(encoding="utf-8")
    return json.loads(text)
