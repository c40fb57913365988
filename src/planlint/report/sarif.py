"""SARIF 2.1.0, in the subset GitHub code scanning reads: rules with help text (and the regulatory
basis), results with a physical location (row → line; the sheet and cell in its properties) and a
logical location `工作表!H7`, since a line number means little in a workbook. Written as it is made
(planlint.report.jsonstream): the results of a 100k-task plan never exist as one document."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from .. import __version__
from ..findings import Finding
from ..result import CheckResult
from ..rules.model import Rule
from . import ReportOptions, jsonstream
from .output import display_path, emit_chunks

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
INFO_URI = "https://pypi.org/project/planlint/"


def _uri(path: str) -> str:
    # A URI reference: relative to the checkout (uriBaseId) and percent-encoded (Chinese names).
    return quote(display_path(path), safe="/")


def _rule_help(rule: Rule) -> tuple[str, str]:
    """Plain text and Markdown help: what, why, example / use instead, fix safety, basis."""
    doc = rule.doc
    parts = [
        ("说明", doc.what or rule.summary),
        ("原因", doc.why),
        ("错误示例", doc.example),
        ("正确写法", doc.use_instead),
        ("修复安全性", doc.fix_safety),
        ("依据", rule.basis),
    ]
    text = "\n".join(f"{k}：{v}" for k, v in parts if v)
    markdown = "\n\n".join(f"**{k}**：{v}" for k, v in parts if v)
    return text or rule.slug, markdown or rule.slug


def _descriptor(rule: Rule) -> dict:
    text, markdown = _rule_help(rule)
    basis = f"（依据：{rule.basis}）" if rule.basis else ""
    short = rule.summary or rule.doc.what or rule.slug
    return {
        "id": rule.id,
        "name": rule.slug,
        "shortDescription": {"text": short},
        "fullDescription": {"text": " ".join(x for x in (rule.doc.what or short, rule.doc.why, basis) if x)},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": [t for t in ("planlint", rule.pack, rule.scope) if t], "basis": rule.basis},
    }


def _stand_in(finding: Finding) -> dict:
    """A descriptor for a finding whose rule is not in result.rules (e.g. raised by the engine
    itself), so that every result's ruleId resolves, as GitHub requires."""
    return {
        "id": finding.rule_id,
        "name": finding.slug,
        "shortDescription": {"text": finding.slug},
        "fullDescription": {"text": finding.slug},
        "help": {"text": f"依据：{finding.basis}" if finding.basis else finding.slug},
        "defaultConfiguration": {"level": LEVELS[finding.severity]},
    }


def _location(finding: Finding) -> dict:
    """Row → line, so that code scanning can show the result; no column: a spreadsheet column is
    not a count of characters (SARIF's columnKind), so the cell and the sheet go in properties,
    and so do the parts of the cell's text the finding is about (`spans`: offsets into the cell's
    text, not the file's, so not SARIF's charOffset). The logical location is the place as every
    report writes it (Location.place)."""
    loc = finding.location
    physical: dict = {"artifactLocation": {"uri": _uri(loc.path), "uriBaseId": "%SRCROOT%"}}
    if loc.row > 0:  # row 0 is "the whole table": a file-level result, no region
        region: dict = {"startLine": loc.row}
        if loc.col > 0:
            region["properties"] = {"cell": loc.cell, "column": loc.col}
            if loc.range != loc.cell:  # a merged cell: its whole range
                region["properties"]["range"] = loc.range
            if finding.spans:
                region["properties"]["spans"] = [{"start": s, "end": e} for s, e in finding.spans]
        if loc.end_row > loc.row:  # a merged cell spanning rows
            region["endLine"] = loc.end_row
        physical["region"] = region
    if loc.sheet:
        physical["properties"] = {"sheet": loc.sheet}
    path = display_path(loc.path)
    place = loc.place
    logical = {
        "name": place or path,
        "fullyQualifiedName": f"{path}:{place}" if place else path,
        "kind": "element",
    }
    return {"physicalLocation": physical, "logicalLocations": [logical]}


def _fingerprint(finding: Finding) -> str:
    # Stable across runs and row moves within a task: path, sheet, task, field, rule and message.
    loc = finding.location
    key = "\x1f".join(
        [
            finding.rule_id,
            display_path(loc.path),
            loc.sheet or "",
            finding.task_seq or loc.cell,
            finding.field or "",
            finding.message,
        ]
    )
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + ":1"


def _result(finding: Finding, index: int) -> dict:
    text = f"{finding.message}（建议：{finding.fix}）" if finding.fix else finding.message
    return {
        "ruleId": finding.rule_id,
        "ruleIndex": index,
        "level": LEVELS[finding.severity],
        "message": {"text": text},
        "locations": [_location(finding)],
        "partialFingerprints": {"primaryLocationLineHash": _fingerprint(finding)},
        "properties": {"task": finding.task_seq, "field": finding.field, "basis": finding.basis},
    }


def _document(result: CheckResult) -> jsonstream.Streamed:
    """The SARIF log; its results are an iterator, dumped one at a time by jsonstream."""
    descriptors = [_descriptor(rule) for _, rule in sorted(result.rules.items())]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    findings = sorted(result.findings, key=lambda f: f.sort_key())
    for finding in findings:
        if finding.rule_id not in index:
            index[finding.rule_id] = len(descriptors)
            descriptors.append(_stand_in(finding))
    notifications = [
        {
            "level": "error",
            "message": {"text": f"无法读取：{r.error}"},
            "locations": [
                {"physicalLocation": {"artifactLocation": {"uri": _uri(r.path), "uriBaseId": "%SRCROOT%"}}}
            ],
        }
        for r in result.reports
        if r.error is not None
    ]
    run = jsonstream.Streamed(
        {
            "tool": {
                "driver": {
                    "name": "planlint",
                    "version": __version__,
                    "semanticVersion": __version__,
                    "informationUri": INFO_URI,
                    "language": "zh-CN",
                    "rules": descriptors,
                }
            },
            "invocations": [
                {"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}
            ],
            "results": (_result(f, index[f.rule_id]) for f in findings),
        }
    )
    return jsonstream.Streamed({"$schema": SCHEMA, "version": "2.1.0", "runs": iter([run])})


def render(result: CheckResult, options: ReportOptions) -> str:
    return "".join(jsonstream.document(_document(result)))


def write(result: CheckResult, out: str | None, options: ReportOptions) -> None:
    emit_chunks(jsonstream.document(_document(result)), out)
