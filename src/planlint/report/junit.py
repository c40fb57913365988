"""JUnit XML for CI dashboards: one testsuite per file, one testcase per plan, one <failure> per
finding; an unreadable file is a testcase with an <error>."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from ..result import CheckResult, PlanReport
from . import ReportOptions
from .output import emit

# Characters XML 1.0 forbids even escaped; cells pasted from Word sometimes carry them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _testcase(report: PlanReport) -> ET.Element:
    name = report.sheet or (report.plan.meta.title if report.plan and report.plan.meta.title else report.path)
    case = ET.Element(
        "testcase", {"classname": _clean(report.path), "name": _clean(name), "file": _clean(report.path)}
    )
    if report.error is not None:
        err = ET.SubElement(case, "error", {"type": "unreadable", "message": _clean(report.error)})
        err.text = _clean(report.error)
        return case
    for f in sorted(report.findings, key=lambda f: f.sort_key()):
        failure = ET.SubElement(
            case,
            "failure",
            {"type": f"{f.rule_id} {f.slug}", "message": _clean(f"[{f.severity}] {f.rule_id} {f.message}")},
        )
        lines = [f"位置：{f.location}", f"级别：{f.severity}", f"问题：{f.message}"]
        lines += [f"建议：{f.fix}"] if f.fix else []
        lines += [f"依据：{f.basis}"] if f.basis else []
        failure.text = _clean("\n".join(lines))
    return case


def to_element(result: CheckResult) -> ET.Element:
    by_file: dict[str, list[PlanReport]] = defaultdict(list)
    for report in result.reports:
        by_file[report.path].append(report)
    root = ET.Element("testsuites", {"name": "planlint"})
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for path, reports in by_file.items():
        counts = {
            "tests": len(reports),
            "failures": sum(len(r.findings) for r in reports),
            "errors": sum(r.error is not None for r in reports),
        }
        suite = ET.SubElement(
            root, "testsuite", {"name": _clean(path), **{k: str(v) for k, v in counts.items()}}
        )
        suite.extend(_testcase(r) for r in reports)
        for k, v in counts.items():
            totals[k] += v
    root.attrib.update({k: str(v) for k, v in totals.items()})
    return root


def render(result: CheckResult, options: ReportOptions) -> str:
    root = to_element(result)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write(result: CheckResult, out: str | None, options: ReportOptions) -> None:
    emit(render(result, options), out)
