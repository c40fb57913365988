"""Run the enabled rules over plans (and plan sets) and turn primitive hits into findings."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from sys import intern
from typing import Any

from .cellrefs import collapse_merged, continuation_ctx, continuation_hits, with_original_text
from .config import Config, find_config, load_config_file
from .errors import ConfigError, PlanlintError, ReadError
from .findings import SEVERITY_RANK, Edit, Finding
from .pipeline import discover, load_plans
from .plan import KIND_NAMES, LEVEL_NAMES, Plan
from .result import CheckResult, PlanReport
from .rules.loader import (
    DEFAULT_PROFILE,
    Profile,
    check_unique,
    load_pack,
    load_profile,
    select_rules,
)
from .rules.model import Rule
from .rules.registry import PRIMITIVES, Ctx, Hit
from .rules.replay import replay_columns, replayed_hits
from .suppress import apply_baseline, apply_waivers
from .templating import render


@dataclass(slots=True)
class RunOptions:
    profile: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    superior: tuple[str, ...] = ()
    config: str | None = None  # an explicit config file
    use_config: bool = True
    baseline: str | None = None
    population: str | None = None
    extra_rules: tuple[str, ...] = ()
    jobs: int = 1
    debug: bool = False  # let unexpected exceptions propagate (with their traceback)
    cache: bool = False  # per-file results in the user cache dir (planlint.cache); the CLI turns it on
    progress: Callable[[Iterable, int, str], Iterable] | None = None


@dataclass(slots=True)
class RuleSet:
    rules: list[Rule]
    params: dict[str, Any]
    profile: Profile
    all_rules: list[Rule]  # before select/ignore: what waivers and explain may name


def load_config(options: RunOptions, paths: list[str]) -> Config:
    if options.config:
        return load_config_file(Path(options.config))
    if not options.use_config:
        return Config()
    return find_config(paths[0] if paths else ".")


def build_ruleset(options: RunOptions, config: Config) -> RuleSet:
    profile = load_profile(options.profile or config.get("profile") or DEFAULT_PROFILE)
    rules: list[Rule] = []
    for name in profile.packs:
        try:
            rules += load_pack(name)
        except ConfigError as exc:
            raise ConfigError(f"配置档 {profile.name} 引用的规则包有误：{exc.message}", profile.label) from None
    for extra in [*(config.get("rules") or []), *options.extra_rules]:
        rules += load_pack(extra, base=config.base)
    check_unique(rules)
    severity = {**profile.severity, **(config.get("severity") or {}), **options.severity}
    enabled = select_rules(
        rules,
        select=options.select or config.get("select") or (),
        ignore=[*(config.get("ignore") or []), *options.ignore],
        severity=severity,
    )
    params = {**profile.params, **(config.get("params") or {}), **options.params}
    return RuleSet(enabled, params, profile, rules)


def applies(rule: Rule, plan: Plan) -> bool:
    """The rule's `when` filters against this plan's metadata and columns."""
    when = rule.when
    for key in ("level", "kind"):
        want = when.get(key)
        if want is not None:
            have = getattr(plan.meta, key)
            if have is None or have not in (want if isinstance(want, list) else [want]):
                return False
    year = when.get("year")
    if year:
        y = plan.meta.year
        if y is None or y < year.get("min", y) or y > year.get("max", y):
            return False
    if any(k not in plan.columns for k in when.get("has", ())):
        return False
    if when.get("has_any") and not any(k in plan.columns for k in when["has_any"]):
        return False
    return True


def make_finding(rule: Rule, hit: Hit, ctx: Ctx) -> Finding:
    task = hit.task
    variables: dict[str, Any] = {
        "seq": task.seq if task else "",
        "name": task.name if task else "",
        "place": ctx.plan.meta.place or "",
        "year": ctx.plan.meta.year or "",
        "level": LEVEL_NAMES.get(ctx.plan.meta.level or "", ""),
        "kind": KIND_NAMES.get(ctx.plan.meta.kind or "", ""),
    }
    if "param" in rule.check:
        variables["param"] = ctx.param(rule.check["param"])
    variables.update(hit.vars)
    edits = hit.edits
    if ctx.plan.originals:  # a cell converted from traditional script: quoted as written
        variables, edits = with_original_text(ctx.plan, variables, hit.location, edits)
    severity = rule.severity
    if hit.severity and SEVERITY_RANK[hit.severity] < SEVERITY_RANK[severity]:
        severity = hit.severity
    location = hit.location
    # A large plan gives tens of thousands of findings with a few hundred distinct texts (the same
    # cell text, the same message): interned, they are stored once. Edits on the finding's own cell
    # share its Location.
    if edits:
        edits = tuple(e if e.location is location and e.new is intern(e.new)
                      else Edit(location if e.location == location else e.location, e.old, intern(e.new), e.safe)
                      for e in edits)
    return Finding(
        rule_id=rule.id,
        slug=rule.slug,
        severity=severity,
        message=intern(render(rule.message, variables)),
        fix=intern(render(rule.fix, variables)),
        location=location,
        field=hit.field,
        task_seq=(task.seq or None) if task else None,
        basis=rule.basis,
        edits=edits,
    )


def _hits(rule: Rule, ctx: Ctx) -> Iterator[Hit]:
    prim = PRIMITIVES[rule.fn]
    args = {k: v for k, v in rule.check.items() if k != "fn"}
    if rule.scope in ("cell", "task"):
        for task in ctx.plan.tasks:
            yield from prim.fn(ctx, task, **args)
    else:
        yield from prim.fn(ctx, None, **args)


def check_plan(plan: Plan, rules: list[Rule], ctx: Ctx, replay: bool = True) -> list[Finding]:
    """Cell, task and plan rules over one plan (plan-set rules run later, over the whole run).
    With `replay`, cell rules run once per distinct text of a column (planlint.rules.replay)."""
    findings = []
    tasks = plan.tasks
    view_ctx = continuation_ctx(ctx)
    for rule in rules:
        if rule.scope == "plan-set" or not applies(rule, plan):
            continue
        fn = PRIMITIVES[rule.fn].fn
        args = {k: v for k, v in rule.check.items() if k != "fn"}
        columns = replay_columns(rule, plan) if replay else None
        if columns is not None:
            findings.extend(make_finding(rule, hit, ctx) for hit in replayed_hits(fn, args, columns, ctx))
        elif rule.scope in ("cell", "task"):
            # the hot loop of a large plan: one primitive call per task, nothing else per task
            for task in tasks:
                for hit in fn(ctx, task, **args):
                    findings.append(make_finding(rule, hit, ctx))
        else:
            findings.extend(make_finding(rule, hit, ctx) for hit in fn(ctx, None, **args))
        if rule.scope == "cell" and view_ctx is not None:  # the cells continuation rows hold themselves
            findings.extend(make_finding(rule, hit, ctx) for hit in continuation_hits(rule, fn, args, view_ctx))
    return collapse_merged(findings, plan)


def _file_meta(options: RunOptions, config: Config, path: str) -> dict[str, Any]:
    meta = dict(config.get("meta") or {})
    for ov in config.overrides_for(path):
        meta.update(ov.get("meta") or {})
    meta.update({k: v for k, v in options.meta.items() if v is not None})
    return meta


def _file_rules(ruleset: RuleSet, config: Config, path: str) -> list[Rule]:
    rules = ruleset.rules
    for ov in config.overrides_for(path):
        rules = select_rules(rules, select=ov.get("select") or (), ignore=ov.get("ignore") or (),
                             severity=ov.get("severity"))
    return rules


@contextmanager
def _gc_paused() -> Iterator[None]:
    """A plan is a million small acyclic objects (a Field per cell): the cyclic collector would
    rescan them again and again while rules allocate findings, for nothing. Reference counting
    frees them either way; anything cyclic is collected once the file is done."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check_file(path: str, rules: list[Rule], params: dict[str, Any], meta: dict[str, Any]) -> tuple[list[PlanReport], set[str]]:
    """Read and check one file. Picklable arguments and result, so batches can use processes."""
    with _gc_paused():
        try:
            plans = load_plans(path, meta)
        except ReadError as exc:
            return [PlanReport(path, None, None, error=exc.message)], set()
        reports, notes = [], set()
        for plan in plans:
            notes |= {f"{path}：{note}" for note in plan.notes}
            ctx = Ctx(plan, params)
            findings = check_plan(plan, rules, ctx)
            notes |= ctx.extras.get("notes", set())
            reports.append(PlanReport(path, plan.source.sheet, plan, findings))
    return reports, notes


Outcome = tuple[list[PlanReport], set[str]]


def _check_all(files: list[str], jobs: int, work: _Worker, progress: Callable | None) -> list[Outcome]:
    if jobs == 1 or len(files) < 2:
        items: Iterable[str] = progress(files, len(files), "检查") if progress else files
        return [work(f) for f in items]
    from concurrent.futures import ProcessPoolExecutor

    from .cache import loads

    workers = min((os.cpu_count() or 1) if jobs <= 0 else jobs, len(files))
    # The worker (rules, config, cache) goes to each process once, not with every chunk of paths.
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_pool, initargs=(work,)) as pool:
        # Small chunks: a big last chunk leaves the other workers idle at the end of the batch.
        results = pool.map(_pool_work, files, chunksize=max(1, min(8, len(files) // (workers * 8))))
        if progress:
            results = progress(results, len(files), "检查")
        return [loads(r) for r in results]


_POOL_WORKER: _Worker | None = None


def _init_pool(work: _Worker) -> None:
    global _POOL_WORKER
    _POOL_WORKER = work
    gc.enable()  # a forked worker inherits the run's paused collector; check_file pauses it per file


def _pool_work(path: str) -> bytes:
    """One file in a pool process; the outcome goes back pickled the fast way (planlint.cache)."""
    from .cache import dumps

    assert _POOL_WORKER is not None
    return dumps(_POOL_WORKER(path))


class _Worker:
    """Per-file work with the file's own rules and metadata (a picklable callable), through the
    content cache when it is on."""

    def __init__(self, ruleset: RuleSet, config: Config, options: RunOptions) -> None:
        self.ruleset, self.config, self.options = ruleset, config, options
        self.cache = None
        if options.cache:
            from .cache import ResultCache

            self.cache = ResultCache()

    def __call__(self, path: str) -> Outcome:
        try:
            return self._check(path)
        except PlanlintError:
            raise
        except Exception as exc:  # a bug on one file must not cost the whole batch its results
            if self.options.debug:
                raise
            message = f"内部错误（{type(exc).__name__}: {exc}），请加 --debug 重新运行并报告此问题"
            return [PlanReport(path, None, None, error=message)], set()

    def _check(self, path: str) -> Outcome:
        rules = _file_rules(self.ruleset, self.config, path)
        meta = _file_meta(self.options, self.config, path)
        key = self.cache.key(path, rules, self.ruleset.params, meta) if self.cache else None
        if key is not None:
            hit = self.cache.get(key)
            if hit is not None:
                return hit
        outcome = check_file(path, rules, self.ruleset.params, meta)
        reports = outcome[0]
        if key is not None and not any(r.error for r in reports):
            self.cache.put(key, outcome, sum(len(r.plan.tasks) for r in reports if r.plan is not None))
        return outcome


def run(paths: list[str], options: RunOptions | None = None) -> CheckResult:
    """Check every plan under `paths`. The cyclic garbage collector is paused for the whole run: a
    batch keeps every plan it has read (the reports and the plan-set rules need them), and each
    collection would rescan all of them, again and again as the batch grows."""
    with _gc_paused():
        return _run(paths, options or RunOptions())


def _run(paths: list[str], options: RunOptions) -> CheckResult:
    config = load_config(options, paths)
    ruleset = build_ruleset(options, config)
    files = discover(paths)
    if not files:
        raise PlanlintError("没有找到可检查的文件（支持 .xlsx .docx .csv .txt）", " ".join(paths))
    superior_paths = list(options.superior) or ([config.resolve(config.get("superior"))] if config.get("superior") else [])
    superior_files = set(map(os.path.abspath, discover(superior_paths))) if superior_paths else set()
    files = [f for f in files if os.path.abspath(f) not in superior_files]

    outcomes = _check_all(files, options.jobs, _Worker(ruleset, config, options), options.progress)
    reports = [r for rs, _ in outcomes for r in rs]
    notes = set().union(*(n for _, n in outcomes)) if outcomes else set()

    superiors = []
    for sp in sorted(superior_files):
        try:
            superiors += load_plans(sp, _file_meta(options, config, sp))
        except ReadError as exc:
            raise PlanlintError(f"上级计划无法读取：{exc.message}", sp) from None
    _run_plan_set(reports, ruleset, config, superiors, options, notes)

    rules_by_id = {r.id: r for r in ruleset.rules}
    apply_waivers(reports, config, ruleset.all_rules, ruleset.rules)
    # Sorted before the baseline spends its counts: which findings a partial count covers then
    # follows the reading order of the cells, not the order in which rules happen to run.
    for r in reports:
        r.findings.sort(key=Finding.sort_key)
    if options.baseline or config.get("baseline"):
        apply_baseline(reports, options.baseline or config.resolve(config.get("baseline")))
    return CheckResult(reports, rules_by_id, sorted(notes), sorted(superior_files))


def plan_set_findings(plan: Plan, rules: list[Rule], params: dict[str, Any], plans: list[Plan],
                      superiors: list[Plan], extras: dict[str, Any]) -> tuple[list[Finding], set[str]]:
    """Plan-set rules for one plan, seeing every plan of the run and the superior plans. `extras` is
    shared by every plan of the run, so task matches between two plans are computed once."""
    ctx = Ctx(plan, params, plans, superiors, extras)
    findings = [make_finding(rule, hit, ctx) for rule in rules
                if rule.scope == "plan-set" and applies(rule, plan) for hit in _hits(rule, ctx)]
    return findings, ctx.extras.get("notes", set())


def _run_plan_set(reports: list[PlanReport], ruleset: RuleSet, config: Config, superiors: list[Plan],
                  options: RunOptions, notes: set[str]) -> None:
    if not any(r.scope == "plan-set" for r in ruleset.rules):
        return
    plans = [r.plan for r in reports if r.plan is not None]
    extras: dict[str, Any] = {"population": options.population or config.resolve(config.get("population"))}
    for report in reports:
        if report.plan is not None:
            found, more = plan_set_findings(report.plan, _file_rules(ruleset, config, report.path),
                                            ruleset.params, plans, superiors, extras)
            report.findings.extend(found)
            notes |= more
