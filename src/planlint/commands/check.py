"""`planlint check PATH…`: lint plans and write findings in one or more formats."""

from __future__ import annotations

import sys

import click

from ..findings import SEVERITY_RANK


def split_tokens(values: tuple[str, ...]) -> tuple[str, ...]:
    """`--select PL1,PL3 --select stale-year` → (PL1, PL3, stale-year)."""
    return tuple(t.strip() for v in values for t in v.split(",") if t.strip())


def parse_outputs(formats: tuple[str, ...], output: str | None) -> list[tuple[str, str | None]]:
    """`-f text -f html:report.html`; a bare `-o` goes with the single (or first) format."""
    outs: list[tuple[str, str | None]] = []
    for spec in formats or ("text",):
        fmt, _, path = spec.partition(":")
        outs.append((fmt.strip().lower(), path or None))
    if output:
        fmt, path = outs[0]
        if path is None:
            outs[0] = (fmt, output)
        else:
            raise click.UsageError("-o 与 -f 格式:路径 不能同时用于同一个输出")
    return outs


def exit_code(result, fail_on: str) -> int:
    if any(r.error for r in result.reports):
        return 2
    threshold = SEVERITY_RANK[fail_on]
    return 1 if any(SEVERITY_RANK[f.severity] >= threshold for f in result.findings) else 0


def run_options(**kw):
    from ..engine import RunOptions

    meta = {k: kw.pop(k) for k in ("year", "level", "kind")}
    return RunOptions(
        profile=kw["profile"],
        select=split_tokens(kw["select"]),
        ignore=split_tokens(kw["ignore"]),
        meta={k: v for k, v in meta.items() if v is not None},
        superior=tuple(kw["superior"]),
        config=kw["config"],
        use_config=not kw["no_config"],
        baseline=kw["baseline"],
        population=kw["population"],
        extra_rules=tuple(kw["rules"]),
        jobs=kw["jobs"],
        cache=not kw.get("no_cache", True),
    )


def common_options(fn):
    """Options shared by check, fix and diff: which rules, which profile, plan metadata."""
    for decorator in reversed(
        [
            click.option("--profile", "-p", help="配置档名称或 .yaml 路径（默认 auto：按计划所在地和年度适用全国、省、市及本计划的要求）"),
            click.option("--select", multiple=True, help="只启用这些规则（编号、名称或编号前缀，逗号分隔）"),
            click.option("--ignore", multiple=True, help="停用这些规则（编号、名称或编号前缀，逗号分隔）"),
            click.option("--rules", multiple=True, type=click.Path(), help="追加的规则包文件或文件夹"),
            click.option("--year", type=int, help="计划年度（覆盖从标题识别的年度）"),
            click.option("--level", type=click.Choice(["province", "city", "county"]), help="计划层级"),
            click.option("--kind", type=click.Choice(["internal", "joint"]), help="计划类型：内部/部门联合"),
            click.option("--config", type=click.Path(dir_okay=False), help="配置文件（默认向上查找 .planlint.yaml）"),
            click.option("--no-config", is_flag=True, help="不读取任何配置文件"),
            click.option("--debug", is_flag=True, help="出错时显示完整的调用栈"),
        ]
    ):
        fn = decorator(fn)
    return fn


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@common_options
@click.option("--superior", "-s", multiple=True, type=click.Path(), help="上级（如市级）计划，用于跨计划检查")
@click.option("--population", type=click.Path(dir_okay=False), help="监管对象数量文件（CSV/YAML），用于估算覆盖率")
@click.option("--format", "-f", "formats", multiple=True,
              help="输出格式 text|json|sarif|junit|github|html|xlsx，可写成 格式:路径，可重复")
@click.option("--output", "-o", type=click.Path(), help="输出文件（用于第一个格式）")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
              help="达到此级别即以退出码 1 结束（默认 error）")
@click.option("--exit-zero", is_flag=True, help="有问题也以退出码 0 结束（读不了的文件仍为 2）")
@click.option("--statistics", is_flag=True, help="文本输出后附各规则的问题数")
@click.option("--baseline", type=click.Path(dir_okay=False), help="基线文件：忽略其中已记录的问题")
@click.option("--write-baseline", type=click.Path(dir_okay=False), help="把本次的问题写入基线文件")
@click.option("--jobs", "-j", type=int, default=1, show_default=True, help="并行进程数，0 为全部 CPU")
@click.option("--no-cache", is_flag=True,
              help="不使用结果缓存（缓存位于 $PLANLINT_CACHE_DIR 或 ~/.cache/planlint，按文件内容与规则区分）")
@click.option("--color/--no-color", default=None, help="文本输出是否着色（默认：终端中着色）")
@click.option("--explain-layers", is_flag=True,
              help="说明每个计划适用了哪些要求层级（全国、省、市、本计划）及原因（输出到标准错误）")
def check(paths, formats, output, fail_on, exit_zero, statistics, write_baseline, color, debug, explain_layers, **kw):
    """检查抽查工作计划（.xlsx/.docx/.csv/.txt，可给出文件夹）。

    退出码：0 无达到 --fail-on 级别的问题；1 有问题；2 用法错误或文件无法读取。
    """
    from .. import engine, progress, report

    outputs = parse_outputs(formats, output)
    for fmt, _ in outputs:
        report.reporter(fmt)  # fail fast on an unknown format, before the work
    options = run_options(**kw)
    options.progress = progress.progress
    options.debug = debug
    result = engine.run(list(paths), options)
    if write_baseline:
        from ..suppress import write_baseline as save_baseline

        n = save_baseline(result, write_baseline)
        click.echo(f"已把 {n} 个问题写入基线文件 {write_baseline}", err=True)
    for fmt, out in outputs:
        report.write(fmt, result, out, statistics=statistics, color=color)
    sys.stdout.flush()  # notes on stderr come after the report, also when both go to one terminal
    if explain_layers:
        from ..layers import explain_plan_layers

        for r in result.reports:
            if r.plan is not None:
                for line in explain_plan_layers(r.path, r.plan.meta, r.layers, r.layers_skipped):
                    click.echo(line, err=True)
    for note in result.notes:
        click.echo(f"提示：{note}", err=True)
    config_fail_on = engine.load_config(options, list(paths)).get("fail_on")
    code = exit_code(result, fail_on or config_fail_on or "error")
    if exit_zero and code == 1:
        code = 0
    sys.exit(code)
