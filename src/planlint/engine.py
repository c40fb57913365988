"""Run the enabled rules over plans (and plan sets): which rules and numbers bind each plan, the
files checked (in workers, through the cache), the plan-set rules over the whole run, then waivers
and baseline. Cell rules run in planlint.cellrules; hits become findings in planlint.rulehits."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cellrefs import collapse_merged
from .cellrules import CellIndex, cell_findings
from .config import Config, Override, check_params, find_config, load_config_file
from .errors import ConfigError, PlanlintError, ReadError
from .findings import Finding
from .joined import split_findings
from .layers import (
    LAYER_ORDER,
    Layer,
    apply_layers,
    department_of,
    merged_params,
    merged_severity,
    notice_layer,
    superior_layer,
)
from .pipeline import SUPPORTED, Exclude, discover, load_plans
from .plan import Plan, PlanMeta
from .result import CheckResult, PlanReport
from .rulehits import make_finding
from .rules.loader import (
    AUTO_PROFILE,
    Profile,
    bundled_layers,
    check_unique,
    load_pack,
    load_profile,
    select_rules,
)
from .rules.model import Rule
from .rules.registry import PRIMITIVES, Ctx, Hit, PrimitiveFn, RunData
from .rules.selectors import check_selectors
from .suppress import apply_baseline, apply_waivers
from .table import Location


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
    item_list: str | None = None  # a 抽查事项清单 (planlint.itemlist), for the items pack
    extra_rules: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()  # gitignore-style patterns (relative to the working directory)
    outputs: tuple[str, ...] = ()  # files and folders this run writes: never read as plans
    jobs: int = 1
    debug: bool = False  # let unexpected exceptions propagate (with their traceback)
    cache: bool = False  # per-file results in the user cache dir (planlint.cache); the CLI turns it on
    progress: Callable[[Iterable, int, str], Iterable] | None = None


@dataclass(frozen=True, slots=True)
class Resolved:
    """What binds one plan: its rules and numbers, the layers applied and those left out (and why)."""

    rules: list[Rule]
    params: dict[str, Any]
    applied: tuple[Layer, ...]
    skipped: tuple[tuple[Layer, str], ...]

    def layer_titles(self) -> tuple[str, ...]:
        return tuple(layer.title() for layer in self.applied)

    def skipped_titles(self, meta: PlanMeta) -> tuple[str, ...]:
        """The layers left out that a reader would expect: those of the plan's own place (another
        year), or every one when the place is unknown."""
        region = set(meta.region or ())
        return tuple(
            f"{layer.title()}：{reason}"
            for layer, reason in self.skipped
            if not region or layer.place in region or layer.level == "national"
        )


@dataclass(slots=True)
class RuleSet:
    rules: list[Rule]  # the named profile's chain (or the national layer), selected: `planlint rules`
    params: dict[str, Any]
    profile: Profile
    all_rules: list[Rule]  # every loaded rule as its pack defines it: what waivers and explain may name
    auto: bool = True  # layers chosen per plan by its place and year (no profile named)
    candidates: list[Layer] = field(default_factory=list)  # the layers below national that may apply
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Any] = field(default_factory=dict)  # config + command line
    extra_params: dict[str, Any] = field(default_factory=dict)  # config + command line
    superior_layers: list[Layer] = field(default_factory=list)  # from the notices of --superior plans
    _memo: dict[Any, Resolved] = field(default_factory=dict)

    def resolve(self, meta: PlanMeta) -> Resolved:
        """The layers, rules and parameters for a plan of this place and year."""
        key = (meta.region, meta.place, meta.year, meta.declared, department_of(meta))
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._resolve(meta)
        return found

    def _resolve(self, meta: PlanMeta) -> Resolved:
        national, *below = self.profile.chain
        candidates = [*(self.candidates if self.auto else below), *self.superior_layers]
        applied, skipped = [national], []
        for layer in sorted(candidates, key=lambda x: LAYER_ORDER[x.level]):
            reason = layer.excludes(meta)
            if reason is None:
                applied.append(layer)
            else:
                skipped.append((layer, reason))
        own = notice_layer(meta)
        if own is not None:
            applied.append(own)
        rules = select_rules(
            apply_layers(self.all_rules, applied, department_of(meta)),
            select=self.select,
            ignore=self.ignore,
            severity={**merged_severity(applied), **self.severity},
        )
        params = {**merged_params(applied), **self.extra_params}
        return Resolved(rules, params, tuple(applied), tuple(skipped))

    def fingerprint(self) -> tuple:
        """Everything a plan's findings depend on besides the file (for the result cache)."""
        return (
            self.all_rules,
            self.profile.chain,
            self.auto,
            self.candidates,
            self.superior_layers,
            self.select,
            self.ignore,
            sorted(self.severity.items(), key=str),
            sorted(self.extra_params.items(), key=str),
        )


def load_config(options: RunOptions, paths: list[str]) -> Config:
    if options.config:
        return load_config_file(Path(options.config))
    if not options.use_config:
        return Config()
    return find_config(paths[0] if paths else ".")


def build_ruleset(options: RunOptions, config: Config) -> RuleSet:
    name = options.profile or config.profile or AUTO_PROFILE
    profile = load_profile(name)
    rules: list[Rule] = []
    for pack in profile.packs:
        try:
            rules += load_pack(pack)
        except ConfigError as exc:
            raise ConfigError(
                f"配置档 {profile.name} 引用的规则包有误：{exc.message}", profile.label
            ) from None
    for extra in [*config.rules, *options.extra_rules]:
        rules += load_pack(extra, base=config.base)
    check_unique(rules)
    auto = name == AUTO_PROFILE
    candidates = bundled_layers() if auto else []
    _check_bindings(rules, [*profile.chain, *candidates])
    check_selectors(
        rules,
        [
            *((t, "--select") for t in options.select),
            *((t, "--ignore") for t in options.ignore),
            *config.selectors(),
        ],
    )
    check_params(
        config.params,
        [profile.params, *(layer.params for layer in [*profile.chain, *candidates])],
        config.label,
    )
    severity = {**config.severity, **options.severity}
    select = tuple(options.select or config.select)
    ignore = (*config.ignore, *options.ignore)
    extra_params = {**config.params, **options.params}
    enabled = select_rules(
        apply_layers(rules, profile.chain),
        select=select,
        ignore=ignore,
        severity={**profile.severity, **severity},
    )
    params = {**profile.params, **extra_params}
    return RuleSet(enabled, params, profile, rules, auto, candidates, select, ignore, severity, extra_params)


def _check_bindings(rules: list[Rule], layers: list[Layer]) -> None:
    """Every rule a layer binds exists, and its `args` are arguments the rule's check takes."""
    by_slug = {r.slug: r for r in rules}
    for layer in layers:
        for slug, binding in layer.bindings.items():
            rule = by_slug.get(slug)
            if rule is None:
                raise ConfigError(
                    f"位置 /rules/{slug}：没有名为 {slug} 的规则（用 planlint rules 查看规则名称）",
                    layer.label,
                )
            allowed = set(PRIMITIVES[rule.fn].args)
            unknown = sorted(set(binding.args) - allowed)
            if unknown:
                raise ConfigError(
                    f"位置 /rules/{slug}/args：{rule.fn} 没有参数 {'、'.join(unknown)}"
                    f"（可用：{'、'.join(sorted(allowed))}）",
                    layer.label,
                )


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


def task_hits(fn: PrimitiveFn, args: dict[str, Any], ctx: Ctx) -> Iterator[Hit]:
    """A task rule's hits on every task, and on the cells continuation rows hold themselves: the
    rule runs on the task as seen from the continuation row (planlint.plan.Task.view), and keeps
    the hits on that row."""
    for task in ctx.plan.tasks:
        yield from fn(ctx, task, **args)
        for row in task.continuation:
            view = task.view(row)
            for hit in fn(ctx, view, **args):
                if hit.location.row == view.location.row:
                    yield hit


def _hits(rule: Rule, ctx: Ctx) -> Iterator[Hit]:
    prim = PRIMITIVES[rule.fn]
    args = {k: v for k, v in rule.check.items() if k != "fn"}
    if rule.scope == "task":
        for task in ctx.plan.tasks:
            yield from prim.fn(ctx, task, **args)
    else:
        yield from prim.fn(ctx, None, **args)


def check_plan(plan: Plan, rules: list[Rule], ctx: Ctx) -> list[Finding]:
    """Cell, task and plan rules over one plan (plan-set rules run later, over the whole run).
    Cell rules run once per distinct cell (planlint.cellrules). Plan rules run after the others and see
    which cells those reported (`ctx.reported`), so a share does not report again a task already
    reported on its own; a rule that `yields_to` a more specific one is silent on a cell where
    that one reported. Findings on a window split over two cells then go to the cell they are
    about (planlint.joined), and those on a merged range become one."""
    findings: list[Finding] = []
    index = CellIndex(plan)
    active = [r for r in rules if r.scope != "plan-set" and applies(r, plan)]
    for rule in active:
        if rule.scope == "cell":
            findings.extend(cell_findings(rule, ctx, index))
        elif rule.scope == "task":
            fn = PRIMITIVES[rule.fn].fn
            args = {k: v for k, v in rule.check.items() if k != "fn"}
            findings.extend(make_finding(rule, hit, ctx) for hit in task_hits(fn, args, ctx))
    plan_rules = [r for r in active if r.scope == "plan"]
    if plan_rules:
        ctx.reported = {(f.field, f.location.row) for f in findings if f.field}
        for rule in plan_rules:
            args = {k: v for k, v in rule.check.items() if k != "fn"}
            findings.extend(make_finding(rule, hit, ctx) for hit in PRIMITIVES[rule.fn].fn(ctx, None, **args))
    return collapse_merged(split_findings(one_per_problem(findings, rules), plan.joined), plan)


def one_per_problem(findings: list[Finding], rules: list[Rule]) -> list[Finding]:
    """Drop the findings of a rule on cells where a rule it `yields_to` reported. A finding is
    about its own cell and the cells its fix rewrites: a swap of two cells answers the errors of
    both."""
    yielding = {r.id: r.yields_to for r in rules if r.yields_to}
    if not yielding:
        return findings
    wanted = {slug for slugs in yielding.values() for slug in slugs}
    reported: dict[str, set[tuple]] = {}
    for f in findings:
        if f.slug in wanted:
            cells = reported.setdefault(f.slug, set())
            cells.add(_cell_key(f.location))
            cells.update(_cell_key(e.location) for e in f.edits)
    return [
        f
        for f in findings
        if not any(_cell_key(f.location) in reported.get(slug, ()) for slug in yielding.get(f.rule_id, ()))
    ]


def _cell_key(loc: Location) -> tuple:
    return (loc.path, loc.sheet, loc.row, loc.col)


def _file_meta(options: RunOptions, config: Config, path: str) -> dict[str, Any]:
    meta = dict(config.meta)
    for ov in config.overrides_for(path):
        meta.update(ov.meta)
    meta.update({k: v for k, v in options.meta.items() if v is not None})
    return meta


def _with_overrides(rules: list[Rule], overrides: list[Override]) -> list[Rule]:
    """A file's own select/ignore/severity from the config's `overrides`."""
    for ov in overrides:
        rules = select_rules(rules, select=ov.select, ignore=ov.ignore, severity=ov.severity)
    return rules


# What a rule's `when` needs to know about the plan, by PlanMeta attribute.
_META_WORDS = {
    "year": "年度",
    "level": "层级（省、市、县）",
    "kind": "类型（内部、部门联合）",
    "place": "所在地",
}


def unknown_meta_note(path: str, meta: PlanMeta, rules: list[Rule], resolved: Resolved) -> str | None:
    """A note naming what stayed unknown about a plan and which rules and layers were skipped for it."""
    missing = [k for k in ("year", "place", "level", "kind") if getattr(meta, k) is None]
    if not missing:
        if meta.place and not meta.region:
            return (
                f"{path}：计划所在地「{meta.place}」不在行政区划表中，只适用了全国要求，未适用省、市要求层级；"
                "地名有误时请改正标题，或在配置文件 meta.place 中写明全称。"
            )
        return None
    skipped = [r for r in rules if r.scope != "plan-set" and any(k in r.when for k in missing)]
    layers = [layer for layer, reason in resolved.skipped if "未能识别" in reason]
    parts = []
    if skipped:
        parts.append("依赖这些信息的规则 " + "、".join(f"{r.id} {r.slug}" for r in skipped))
    if layers or "place" in missing or "year" in missing:
        parts.append(
            "按所在地和年度适用的省、市要求层级"
            + (f"（{'、'.join(x.name for x in layers)}）" if layers else "")
        )
    what = "、".join(_META_WORDS[k] for k in missing)
    return (
        f"{path}：未能从标题、印发通知或文件名识别计划的{what}，已跳过{'；'.join(parts) or '相关规则'}。"
        "可在配置文件 meta 或命令行 --year/--level/--kind 中指定。"
    )


def _complete_meta(meta: PlanMeta) -> None:
    """A place set by the config or command line gets its administrative chain."""
    if meta.place and (not meta.region or meta.region[0] != meta.place):
        from .meta import region_of

        meta.region = region_of(meta.place)


def check_file(
    path: str, ruleset: RuleSet, overrides: list[Override], meta: dict[str, Any]
) -> tuple[list[PlanReport], set[str]]:
    """Read and check one file, each plan under the layers of its own place and year. Picklable
    arguments and result, so batches can use processes."""
    try:
        plans = load_plans(path, meta)
    except ReadError as exc:
        return [PlanReport(path, None, None, error=exc.message)], set()
    reports, notes = [], set()
    from .itemlist import looks_like_item_list

    if any(looks_like_item_list(p) for p in plans):
        plans = [p for p in plans if not looks_like_item_list(p)]
        notes.add(
            f"{path}：是抽查事项清单，不是抽查计划，未作检查；如需用它核对抽查事项，请用 --item-list 指定。"
        )
    for plan in plans:
        notes |= {f"{path}：{note}" for note in plan.notes}
        _complete_meta(plan.meta)
        resolved = ruleset.resolve(plan.meta)
        rules = _with_overrides(resolved.rules, overrides)
        ctx = Ctx(plan, resolved.params)
        findings = check_plan(plan, rules, ctx)
        notes |= ctx.notes
        notes |= layer_notes(path, plan.meta, resolved, ruleset.auto)
        unknown = unknown_meta_note(path, plan.meta, ruleset.all_rules, resolved)
        if unknown:
            notes.add(unknown)
        reports.append(
            PlanReport(
                path,
                plan.source.sheet,
                plan,
                findings,
                layers=resolved.layer_titles(),
                layers_skipped=resolved.skipped_titles(plan.meta),
            )
        )
    return reports, notes


def layer_notes(path: str, meta: PlanMeta, resolved: Resolved, auto: bool) -> set[str]:
    """With a profile named, each of its layers a plan is outside of (place or years) is a note."""
    if auto:
        return set()
    return {
        f"{path}：计划不在配置档 {layer.name}（{layer.jurisdiction}，{layer.years_text}）的适用范围内"
        f"（{reason}），未适用该层级的规则和参数。"
        for layer, reason in resolved.skipped
    }


Outcome = tuple[list[PlanReport], set[str]]


def _check_all(files: list[str], jobs: int, work: _Worker, progress: Callable | None) -> list[Outcome]:
    if jobs == 1 or len(files) < 2:
        items: Iterable[str] = progress(files, len(files), "检查") if progress else files
        return [work(f) for f in items]
    from .cache import loads
    from .pipeline import parallel_map

    # the workers start with the readers, grammar and primitives imported: this module imports them
    return [loads(r) for r in parallel_map(_Packed(work), files, jobs, progress, preload=(__name__,))]


class _Packed:
    """A pool process's work: the outcome goes back pickled here, in the worker (planlint.cache),
    so that the parent only unpickles it (its shared cells once each)."""

    def __init__(self, work: _Worker) -> None:
        self.work = work

    def __call__(self, path: str) -> bytes:
        from .cache import dumps

        with gc_paused():  # the run's policy (see run), in its worker processes too
            return dumps(self.work(path))


class _Worker:
    """Per-file work with the file's own rules and metadata (a picklable callable), through the
    content cache when it is on."""

    def __init__(self, ruleset: RuleSet, config: Config, options: RunOptions) -> None:
        self.ruleset, self.config, self.options = ruleset, config, options
        self._fingerprint = [ruleset.fingerprint()]
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
        overrides = list(self.config.overrides_for(path))
        meta = _file_meta(self.options, self.config, path)
        cache, key = self.cache, None
        if cache is not None:
            # one object for the files without overrides: the cache hashes it once
            basis = self._fingerprint if not overrides else [self._fingerprint, overrides]
            key = cache.key(path, basis, {}, meta)
        if cache is not None and key is not None:
            hit = cache.get(key)
            if hit is not None:
                return hit
        outcome = check_file(path, self.ruleset, overrides, meta)
        reports = outcome[0]
        if cache is not None and key is not None and not any(r.error for r in reports):
            cache.put(key, outcome, sum(len(r.plan.tasks) for r in reports if r.plan is not None))
        return outcome


def run(paths: list[str], options: RunOptions | None = None, config: Config | None = None) -> CheckResult:
    """Check every plan under `paths`.

    planlint's one garbage-collector policy: the cyclic collector is paused for the run. A run
    allocates a plan's tasks and findings by the hundred thousand and keeps them (reports and
    plan-set rules need them), so each collection rescans all of them again, for nothing: checking
    a file leaves no cyclic garbage (reference counting frees it). Pausing made a 10k-task check
    ~10% faster (benchmarks/run_all.py, interleaved). `--jobs` workers pause it for each file."""
    with gc_paused():
        options = options or RunOptions()
        return _run(paths, options, config if config is not None else load_config(options, paths))


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a run's work (see run), and back as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _run(paths: list[str], options: RunOptions, config: Config) -> CheckResult:
    ruleset = build_ruleset(options, config)
    found_notes: list[str] = []
    excludes = [Exclude(config.base, config.exclude), Exclude(Path.cwd(), options.exclude)]
    files = discover(paths, excludes=excludes, outputs=options.outputs, notes=found_notes)
    if not files:
        raise PlanlintError(f"没有找到可检查的文件（支持 {' '.join(SUPPORTED)}）", " ".join(paths))
    superior_paths = list(options.superior) or ([config.superior] if config.superior else [])
    superior_notes: list[str] = []
    superior_files = (
        set(map(os.path.abspath, discover(superior_paths, notes=superior_notes))) if superior_paths else set()
    )
    if superior_paths and not superior_files:
        why = "；".join(superior_notes) or "只读取 .xlsx .docx .csv .txt 文件"
        raise PlanlintError(f"上级计划不是可读取的计划文件（{why}）", " ".join(superior_paths))
    found_notes += superior_notes
    item_list_path = options.item_list or config.item_list
    # the run's own inputs, before the work: a bad list or population file stops the run at once
    run_data = load_run_data(options.population or config.population, item_list_path)
    inputs = superior_files | ({os.path.abspath(item_list_path)} if item_list_path else set())
    files = [f for f in files if os.path.abspath(f) not in inputs]

    superiors = []
    for sp in sorted(superior_files):
        try:
            superiors += load_plans(sp, _file_meta(options, config, sp))
        except ReadError as exc:
            raise PlanlintError(f"上级计划无法读取：{exc.message}", sp) from None
    # what a superior plan's own notice declares binds the plans of its place and year
    for sup in superiors:
        _complete_meta(sup.meta)
        layer = superior_layer(sup.meta)
        if layer is not None:
            ruleset.superior_layers.append(layer)

    outcomes = _check_all(files, options.jobs, _Worker(ruleset, config, options), options.progress)
    reports = [r for rs, _ in outcomes for r in rs]
    notes = set().union(*(n for _, n in outcomes)) if outcomes else set()
    notes |= set(found_notes)
    _run_plan_set(reports, ruleset, config, superiors, notes, run_data)

    rules_by_id: dict[str, Rule] = {}
    for r in reports:
        if r.plan is not None:
            for rule in ruleset.resolve(r.plan.meta).rules:
                rules_by_id.setdefault(rule.id, rule)
    if not rules_by_id:
        rules_by_id = {r.id: r for r in ruleset.rules}
    apply_waivers(reports, config, ruleset.all_rules, list(rules_by_id.values()))
    # Sorted before the baseline spends its counts: which findings a partial count covers then
    # follows the reading order of the cells, not the order in which rules happen to run.
    for r in reports:
        r.findings.sort(key=Finding.sort_key)
    baseline = options.baseline or config.baseline
    if baseline:
        apply_baseline(reports, baseline)
    return CheckResult(reports, rules_by_id, sorted(notes), sorted(superior_files))


def plan_set_findings(
    plan: Plan,
    rules: list[Rule],
    params: dict[str, Any],
    plans: list[Plan],
    superiors: list[Plan],
    run: RunData,
) -> list[Finding]:
    """Plan-set rules for one plan, seeing every plan of the run and the superior plans. `run` is
    shared by every plan of the run, so task matches between two plans are computed once; the
    notes the rules leave are in `run.notes`."""
    ctx = Ctx(plan, params, plans, superiors, run)
    findings = [
        make_finding(rule, hit, ctx)
        for rule in rules
        if rule.scope == "plan-set" and applies(rule, plan)
        for hit in _hits(rule, ctx)
    ]
    return split_findings(findings, plan.joined)


def load_run_data(population: str | None, item_list: str | None) -> RunData:
    """The run's own inputs, read before any rule runs: a bad file stops the run at once."""
    data = RunData()
    if item_list:
        from .itemlist import load_item_list

        data.item_list = load_item_list(item_list)
    if population:
        from .population import population_of

        data.population = population_of(population)
    return data


def _run_plan_set(
    reports: list[PlanReport],
    ruleset: RuleSet,
    config: Config,
    superiors: list[Plan],
    notes: set[str],
    run: RunData,
) -> None:
    if not any(r.scope == "plan-set" for r in ruleset.all_rules):
        return
    plans = [r.plan for r in reports if r.plan is not None]
    for report in reports:
        if report.plan is not None:
            resolved = ruleset.resolve(report.plan.meta)
            rules = _with_overrides(resolved.rules, list(config.overrides_for(report.path)))
            report.findings.extend(
                plan_set_findings(report.plan, rules, resolved.params, plans, superiors, run)
            )
    notes |= run.notes
