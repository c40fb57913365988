"""`planlint check PATH…`: lint plans and write findings in one or more formats."""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import click

from ..errors import PlanlintError
from ..findings import SEVERITY_RANK

# Formats a person reads: --quiet leaves info findings out of them (machine formats keep everything).
HUMAN_FORMATS = ("text", "github")


def split_tokens(values: tuple[str, ...]) -> tuple[str, ...]:
    """`--select PL1,PL3 --select stale-year` → (PL1, PL3, stale-year)."""
    return tuple(t.strip() for v in values for t in v.split(",") if t.strip())


def parse_outputs(formats: tuple[str, ...], output: str | None) -> list[tuple[str, str | None]]:
    """`-f text -f html:report.html`; a bare `-o` goes with the single (or first) format.
    At most one output goes to stdout: two reports there would be one unparseable stream."""
    outs: list[tuple[str, str | None]] = []
    for spec in formats or ("text",):
        fmt, _, path = spec.partition(":")
        outs.append((fmt.strip().lower(), path or None))
    if output:
        first, first_path = outs[0]
        if first_path is None:
            outs[0] = (first, output)
        else:
            raise click.UsageError("-o 与 -f 格式:路径 不能同时用于同一个输出")
    to_stdout = [fmt for fmt, path in outs if path is None]
    if len(to_stdout) > 1:
        raise click.UsageError(
            f"{'、'.join(to_stdout)} 几种格式都会写到标准输出，混在一起无法读取；"
            "除一种外请写成 -f 格式:路径（如 -f json:report.json）"
        )
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
        item_list=kw.get("item_list"),
        extra_rules=tuple(kw["rules"]),
        exclude=split_tokens(kw.get("exclude", ())),
        jobs=kw["jobs"],
        cache=not kw.get("no_cache", True),
    )


def common_options(fn):
    """Options shared by check, fix and diff: which rules, which profile, plan metadata."""
    for decorator in reversed(
        [
            click.option(
                "--profile",
                "-p",
                help="配置档名称或 .yaml 路径（默认 auto：按计划所在地和年度适用全国、省、市及本计划的要求）",
            ),
            click.option(
                "--select",
                multiple=True,
                help="只启用这些规则：编号（PL301）、名称（stale-year）或编号前缀（PL3），逗号分隔，不区分大小写",
            ),
            click.option("--ignore", multiple=True, help="停用这些规则（写法同 --select）"),
            click.option("--rules", multiple=True, type=click.Path(), help="追加的规则包文件或文件夹"),
            click.option("--year", type=int, help="计划年度（覆盖从标题识别的年度）"),
            click.option(
                "--level", type=click.Choice(["province", "city", "county", "township"]), help="计划层级"
            ),
            click.option("--kind", type=click.Choice(["internal", "joint"]), help="计划类型：内部/部门联合"),
            click.option(
                "--config", type=click.Path(dir_okay=False), help="配置文件（默认向上查找 .planlint.yaml）"
            ),
            click.option("--no-config", is_flag=True, help="不读取任何配置文件"),
            click.option("--debug", is_flag=True, help="出错时显示完整的调用栈"),
        ]
    ):
        fn = decorator(fn)
    return fn


def _stdout_is_stderr_terminal() -> bool:
    """True when stdout and stderr are one terminal: a person there has read the report already."""
    try:
        if not (sys.stdout.isatty() and sys.stderr.isatty()):
            return False
        out, err = os.fstat(sys.stdout.fileno()), os.fstat(sys.stderr.fileno())
    except (OSError, ValueError, AttributeError):  # replaced or closed streams
        return False
    return (out.st_dev, out.st_ino) == (err.st_dev, err.st_ino)


def _fixable(result) -> tuple[int, int]:
    """Findings `planlint fix` repairs, and how many more `--unsafe-fixes` would."""
    safe = unsafe = 0
    for f in result.findings:
        if f.edits:
            if all(e.safe for e in f.edits):
                safe += 1
            else:
                unsafe += 1
    return safe, unsafe


def _write_outputs(
    outputs, result, *, statistics: bool, color: bool | None, quiet: bool, fail_on: str, debug: bool
) -> int:
    """Every requested output, each on its own: one that cannot be written is reported and the
    others are still written. Returns the number that failed."""
    from .. import report
    from ..report.output import refuse_input

    failed = 0
    shown = result.without_info() if quiet else result
    for fmt, out in outputs:
        chosen = shown if fmt in HUMAN_FORMATS else result
        try:
            if out is not None:
                refuse_input(out, result)
            report.write(fmt, chosen, out, statistics=statistics, color=color, fail_on=fail_on)
        except PlanlintError as exc:
            failed += 1
            click.echo(f"planlint：错误：{exc}", err=True)
            continue
        except Exception as exc:  # a bug in one writer must not cost the other outputs
            if debug:
                raise
            failed += 1
            click.echo(
                f"planlint：内部错误：写 {fmt} 报告时 {type(exc).__name__}: {exc}"
                "（其他报告照常写出；请加 --debug 重新运行并报告此问题）",
                err=True,
            )
            continue
        if out is not None and not quiet:
            if fmt == "xlsx" and Path(out).is_dir():  # several inputs: one annotated copy each
                n = len({r.path for r in chosen.readable().reports})  # no copy of an unreadable file
                click.echo(f"已写入 xlsx 报告：文件夹 {out}（{n} 个文件各一个 .批注.xlsx 副本）", err=True)
            else:
                click.echo(f"已写入 {fmt} 报告：{out}", err=True)
    return failed


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@common_options
@click.option("--superior", "-s", multiple=True, type=click.Path(), help="上级（如市级）计划，用于跨计划检查")
@click.option(
    "--population", type=click.Path(dir_okay=False), help="监管对象数量文件（CSV/YAML），用于估算覆盖率"
)
@click.option(
    "--item-list",
    type=click.Path(dir_okay=False),
    help="抽查事项清单（.xlsx/.csv，本省公布的格式），用于核对抽查事项",
)
@click.option(
    "--exclude",
    multiple=True,
    help="检查文件夹时跳过的文件或文件夹（.gitignore 写法，如 'out/' '*草稿*'，逗号分隔，可重复）",
)
@click.option(
    "--format",
    "-f",
    "formats",
    multiple=True,
    help="输出格式 text|json|sarif|junit|github|html|xlsx，可写成 格式:路径，可重复",
)
@click.option("--output", "-o", type=click.Path(), help="输出文件（用于第一个格式）")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default=None,
    help="达到此级别即以退出码 1 结束（默认 error）",
)
@click.option("--exit-zero", is_flag=True, help="有问题也以退出码 0 结束（读不了的文件仍为 2）")
@click.option("--quiet", "-q", is_flag=True, help="只输出问题：不显示提示信息和 info 级问题")
@click.option("--statistics", is_flag=True, help="文本输出后附各规则的问题数")
@click.option("--baseline", type=click.Path(dir_okay=False), help="基线文件：忽略其中已记录的问题")
@click.option("--write-baseline", type=click.Path(dir_okay=False), help="把本次的问题写入基线文件")
@click.option("--jobs", "-j", type=int, default=1, show_default=True, help="并行进程数，0 为全部 CPU")
@click.option(
    "--no-cache",
    is_flag=True,
    help="不使用结果缓存（缓存位于 $PLANLINT_CACHE_DIR 或系统的缓存文件夹，planlint cache clean 可清空）",
)
@click.option("--color/--no-color", default=None, help="文本输出是否着色（默认：终端中着色）")
@click.option(
    "--explain-layers",
    is_flag=True,
    help="说明每个计划适用了哪些要求层级（全国、省、市、本计划）及原因（输出到标准错误）",
)
def check(
    paths,
    formats,
    output,
    fail_on,
    exit_zero,
    quiet,
    statistics,
    write_baseline,
    color,
    debug,
    explain_layers,
    **kw,
):
    """检查抽查工作计划（.xlsx/.docx/.csv/.txt，可给出文件夹）。

    退出码：0 无达到 --fail-on 级别的问题；1 有问题；2 用法错误或文件无法读取。
    """
    from .. import engine, progress, report

    outputs = parse_outputs(formats, output)
    for fmt, _ in outputs:
        report.reporter(fmt)  # fail fast on an unknown format, before the work
    options = run_options(**kw)
    options.outputs = tuple(p for p in (*(out for _, out in outputs), write_baseline) if p)
    options.progress = progress.progress
    options.debug = debug
    config = engine.load_config(options, list(paths))
    started = datetime.now(timezone.utc)
    clock = time.perf_counter()
    result = engine.run(list(paths), options, config)
    result.started, result.elapsed = started, time.perf_counter() - clock
    if options.cache:
        from ..cache import trim

        trim()
    if write_baseline:
        from ..suppress import write_baseline as save_baseline

        n = save_baseline(result, write_baseline)
        click.echo(f"已把 {n} 个问题写入基线文件 {write_baseline}", err=True)
    threshold = fail_on or config.fail_on or "error"
    failed_outputs = _write_outputs(
        outputs, result, statistics=statistics, color=color, quiet=quiet, fail_on=threshold, debug=debug
    )
    sys.stdout.flush()  # notes on stderr come after the report, also when both go to one terminal
    if explain_layers:
        from ..layers import explain_plan_layers

        for r in result.reports:
            if r.plan is not None:
                for line in explain_plan_layers(r.path, r.plan.meta, r.layers, r.layers_skipped):
                    click.echo(line, err=True)
    if not quiet and failed_outputs < len(outputs):  # notes about a report nobody got are noise
        for note in result.notes:
            click.echo(f"提示：{note}", err=True)
        safe, unsafe = _fixable(result)
        if safe:
            more = f"（另有 {unsafe} 个可加 --unsafe-fixes 修复）" if unsafe else ""
            click.echo(f"其中 {safe} 个问题可用 planlint fix 自动修复{more}", err=True)
        elif unsafe:
            click.echo(
                f"其中 {unsafe} 个问题可用 planlint fix --unsafe-fixes 修复（会改变内容，请核对修复副本）",
                err=True,
            )
    # A CI log may show only stderr: say there why the run failed with exit code 2, unless a person
    # has just read it in the report on the very terminal stderr goes to.
    if not (
        _stdout_is_stderr_terminal() and any(out is None and fmt in HUMAN_FORMATS for fmt, out in outputs)
    ):
        for r in result.reports:
            if r.error is not None:
                click.echo(f"planlint：无法读取 {r.path}：{r.error}", err=True)
    code = exit_code(result, threshold)
    if exit_zero and code == 1:
        code = 0
    sys.exit(2 if failed_outputs else code)
