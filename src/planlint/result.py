"""What a check run produces: per-plan findings plus the rules that ran — the input of every reporter."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from .findings import SEVERITIES, Finding
from .plan import Plan
from .rules.model import Rule
from .table import Location


@dataclass(slots=True)
class PlanReport:
    """The findings of one plan (one table of one file), or the error that kept the file unread."""

    path: str
    sheet: str | None
    plan: Plan | None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    # the requirement layers applied to the plan, national first (planlint.layers.Layer.title), and
    # those of its own place left out, each with the reason (`--explain-layers`)
    layers: tuple[str, ...] = ()
    layers_skipped: tuple[str, ...] = ()

    @property
    def layer_chain(self) -> str:
        """The layers applied, national first: `全国·不限年度（default） ← 市级·晋城市·2025年（jincheng-2025）`."""
        return " ← ".join(self.layers)

    @property
    def location(self) -> Location:
        """The plan's table as a whole: `str()` gives `计划.xlsx:内部计划` (the file alone when the file
        has one unnamed table)."""
        return Location(self.path, self.sheet, 0)

    def counts(self) -> dict[str, int]:
        c = dict.fromkeys(SEVERITIES, 0)
        for f in self.findings:
            c[f.severity] += 1
        return c


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One line of a city reviewer's summary: a plan's counts and its cross-plan problems."""

    report: PlanReport
    counts: dict[str, int]
    duplicated: int  # tasks that re-initiate a superior task (superior-task-duplicated, warning)
    missing: int  # superior tasks for counties that the plan lacks
    overlaps: int = 0  # tasks that may repeat a task the superior inspects itself (the same rule, info)


@dataclass(slots=True)
class CheckResult:
    reports: list[PlanReport]
    rules: dict[str, Rule] = field(default_factory=dict)  # by id: the rules that were enabled
    notes: list[str] = field(default_factory=list)  # run-level remarks (e.g. coverage not estimated)
    superiors: list[str] = field(default_factory=list)  # superior plan files the run compared against
    started: datetime | None = None  # when the run began (JUnit's timestamp)
    elapsed: float = 0.0  # seconds the run took (JUnit's time)

    def without_info(self) -> CheckResult:
        """The same result without info findings (what `--quiet` shows a person)."""
        reports = [replace(r, findings=[f for f in r.findings if f.severity != "info"]) for r in self.reports]
        return replace(self, reports=reports)

    def readable(self) -> CheckResult:
        """The same result without the files that could not be read."""
        return replace(self, reports=[r for r in self.reports if r.error is None])

    def review(self) -> list[ReviewRow]:
        """One row per plan, worst first: unreadable, then errors, cross-plan problems, warnings."""
        rows = []
        for r in self.reports:
            # the summary says what the findings say: a duplicate reported as an info is an overlap
            hits = [(f.slug, f.severity == "info") for f in r.findings]
            rows.append(
                ReviewRow(
                    r,
                    r.counts(),
                    hits.count(("superior-task-duplicated", False)),
                    hits.count(("superior-task-missing", False))
                    + hits.count(("superior-task-missing", True)),
                    hits.count(("superior-task-duplicated", True)),
                )
            )
        return sorted(
            rows,
            key=lambda x: (
                x.report.error is None,
                -x.counts["error"],
                -(x.duplicated + x.missing),
                -x.counts["warning"],
                -x.counts["info"],
                x.report.path,
                x.report.sheet or "",
            ),
        )

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.reports for f in r.findings]

    def summary(self) -> dict[str, int]:
        s = {"files": len({r.path for r in self.reports}), "tasks": 0, **dict.fromkeys(SEVERITIES, 0)}
        for r in self.reports:
            if r.plan is not None:
                s["tasks"] += len(r.plan.tasks)
            for sev, n in r.counts().items():
                s[sev] += n
        return s
