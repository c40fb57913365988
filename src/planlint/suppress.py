"""Findings the user has already accounted for: waivers in the config (unused ones are reported)
and a baseline file of today's findings, so new rules can be adopted without failing old plans."""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path

from .config import Config, Waiver
from .errors import PlanlintError
from .findings import Finding
from .result import CheckResult, PlanReport
from .rules.model import Rule
from .rules.selectors import matches
from .table import Location
from .templating import render


def _waiver_matches(w: Waiver, f: Finding, rule: Rule | None, rel: str) -> bool:
    if not (matches(rule, w.rule) if rule else w.rule in (f.rule_id, f.slug)):
        return False
    if w.file and not (fnmatch.fnmatch(rel, w.file) or fnmatch.fnmatch(Path(rel).name, w.file)):
        return False
    if w.task is not None and w.task != (f.task_seq or ""):
        return False
    return not (w.cell is not None and w.cell.upper() != f.location.cell)


def apply_waivers(
    reports: list[PlanReport], config: Config, all_rules: list[Rule], enabled: list[Rule]
) -> None:
    waivers = config.waivers
    if not waivers:
        return
    rules = {r.id: r for r in all_rules}
    used = [False] * len(waivers)
    for report in reports:
        rel = config.relative(report.path)
        kept = []
        for f in report.findings:
            rule = rules.get(f.rule_id)
            hit = next((i for i, w in enumerate(waivers) if _waiver_matches(w, f, rule, rel)), None)
            if hit is None:
                kept.append(f)
            else:
                used[hit] = True
        report.findings = kept
    unused_rule = next((r for r in enabled if r.slug == "waiver-unused"), None)
    if unused_rule is None or config.path is None:
        return
    for i, w in enumerate(waivers):
        if not used[i]:
            where = w.describe()
            finding = Finding(
                unused_rule.id,
                unused_rule.slug,
                unused_rule.severity,
                render(unused_rule.message, {"waiver": where, "reason": w.reason, "index": i + 1}),
                render(unused_rule.fix, {"waiver": where, "index": i + 1}),
                Location(str(config.path), None, 0),
                basis=unused_rule.basis,
            )
            reports.append(PlanReport(str(config.path), None, None, [finding]))


def baseline_key(path: str, f: Finding) -> str:
    return json.dumps([Path(path).as_posix(), f.slug, f.task_seq or ""], ensure_ascii=False)


def write_baseline(result: CheckResult, out: str) -> int:
    counts: dict[str, int] = {}
    for r in result.reports:
        for f in r.findings:
            k = baseline_key(r.path, f)
            counts[k] = counts.get(k, 0) + 1
    entries = [dict(zip(("file", "rule", "task"), json.loads(k)), count=n) for k, n in sorted(counts.items())]
    from .atomic import write_text

    write_text(
        out,
        json.dumps({"version": 1, "tool": "planlint", "findings": entries}, ensure_ascii=False, indent=1)
        + "\n",
    )
    return sum(counts.values())


def apply_baseline(reports: list[PlanReport], path: str) -> None:
    """Drop the findings a baseline counts as known: per file, rule and task, the first `count`
    findings in the order of the reports (engine.run sorts them by cell first)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        budget = {
            json.dumps([e["file"], e["rule"], e["task"]], ensure_ascii=False): int(e["count"])
            for e in data["findings"]
        }
    except FileNotFoundError:
        raise PlanlintError("基线文件不存在（先用 --write-baseline 生成）", path) from None
    except (ValueError, KeyError, TypeError):
        raise PlanlintError("基线文件格式错误，请用 --write-baseline 重新生成", path) from None
    for r in reports:
        kept = []
        for f in r.findings:
            k = baseline_key(r.path, f)
            if budget.get(k, 0) > 0:
                budget[k] -= 1
            else:
                kept.append(f)
        r.findings = kept
