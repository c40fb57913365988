"""JUnit XML for CI dashboards (Jenkins, GitLab, Azure): one testsuite per file, one testcase per
finding (classname = file, name = rule and cell), so that every finding shows as its own test.
Only findings at or above `--fail-on` are <failure>s; the others are passing testcases carrying their
message in <system-out>, as the run itself passes them. A clean plan is one passing testcase; an
unreadable file is a testcase with an <error>."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import datetime, timezone

from ..findings import SEVERITY_RANK, Finding
from ..result import CheckResult, PlanReport
from . import ReportOptions
from .output import emit

# Characters XML 1.0 forbids even escaped; cells pasted from Word sometimes carry them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _plan_name(report: PlanReport) -> str:
    return report.sheet or (report.plan.meta.title if report.plan and report.plan.meta.title else report.path)


def _details(f: Finding) -> str:
    lines = [f"位置：{f.location}", f"级别：{f.severity}", f"问题：{f.message}"]
    lines += [f"建议：{f.fix}"] if f.fix else []
    lines += [f"依据：{f.basis}"] if f.basis else []
    return _clean("\n".join(lines))


def _finding_case(report: PlanReport, f: Finding, threshold: int) -> tuple[ET.Element, bool]:
    where = f.location.place or _plan_name(report)
    case = ET.Element(
        "testcase",
        {
            "classname": _clean(report.path),
            "name": _clean(f"{f.rule_id} {f.slug} {where}"),
            "file": _clean(report.path),
            "time": "0",
        },
    )
    failing = SEVERITY_RANK[f.severity] >= threshold
    if failing:
        failure = ET.SubElement(
            case,
            "failure",
            {"type": f"{f.rule_id} {f.slug}", "message": _clean(f"[{f.severity}] {f.rule_id} {f.message}")},
        )
        failure.text = _details(f)
    else:
        ET.SubElement(case, "system-out").text = _details(f)
    return case, failing


def _plan_cases(report: PlanReport, threshold: int) -> tuple[list[ET.Element], int, int]:
    """A plan's testcases, and how many fail and error."""
    attrs = {"classname": _clean(report.path), "file": _clean(report.path), "time": "0"}
    if report.error is not None:
        case = ET.Element("testcase", {**attrs, "name": _clean(f"无法读取 {report.path}")})
        err = ET.SubElement(case, "error", {"type": "unreadable", "message": _clean(report.error)})
        err.text = _clean(report.error)
        return [case], 0, 1
    if not report.findings:
        return [ET.Element("testcase", {**attrs, "name": _clean(f"{_plan_name(report)} 未发现问题")})], 0, 0
    cases, failures = [], 0
    for f in sorted(report.findings, key=lambda f: f.sort_key()):
        case, failing = _finding_case(report, f, threshold)
        cases.append(case)
        failures += failing
    return cases, failures, 0


def to_element(result: CheckResult, fail_on: str = "error") -> ET.Element:
    threshold = SEVERITY_RANK[fail_on]
    started = result.started or datetime.now(timezone.utc)
    # JUnit's timestamp is an xs:dateTime without a zone (the schema Jenkins and others follow).
    stamp = started.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds")
    by_file: dict[str, list[PlanReport]] = defaultdict(list)
    for report in result.reports:
        by_file[report.path].append(report)
    elapsed = f"{result.elapsed:.3f}"
    root = ET.Element("testsuites", {"name": "planlint"})
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for i, (path, reports) in enumerate(by_file.items()):
        cases, counts = [], {"tests": 0, "failures": 0, "errors": 0}
        for report in reports:
            plan_cases, failures, errors = _plan_cases(report, threshold)
            cases += plan_cases
            counts["tests"] += len(plan_cases)
            counts["failures"] += failures
            counts["errors"] += errors
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": _clean(path),
                **{k: str(v) for k, v in counts.items()},
                "skipped": "0",
                "time": "0",
                "timestamp": stamp,
                "id": str(i),
            },
        )
        ET.SubElement(suite, "properties")
        suite.extend(cases)
        ET.SubElement(suite, "system-out")
        ET.SubElement(suite, "system-err")
        for k, v in counts.items():
            totals[k] += v
    root.attrib.update({k: str(v) for k, v in totals.items()}, time=elapsed)
    return root


def render(result: CheckResult, options: ReportOptions) -> str:
    root = to_element(result, options.fail_on)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write(result: CheckResult, out: str | None, options: ReportOptions) -> None:
    emit(render(result, options), out)
