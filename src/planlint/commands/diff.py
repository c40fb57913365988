"""`planlint diff OLD NEW`: what changed between two versions of a plan, for the 调整报备.

Both versions are linted (separately, so plan-set rules never compare one version with the other)
and every finding the new version has and the old one had not is marked on the change that caused it.
A diff is not a failure: exit 0 when it ran, 2 when an input cannot be read.
"""

from __future__ import annotations

import sys

import click

from .check import common_options, run_options

FORMATS = ("text", "json", "xlsx", "html")  # planlint.diffreport.RENDERERS


def _checked(path: str, options) -> list:
    from .. import engine
    from ..errors import PlanlintError

    reports = engine.run([path], options).reports
    for r in reports:
        if r.error is not None:
            raise PlanlintError(r.error, r.path)
    return reports


@click.command()
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="输出格式；xlsx 为可附在报备材料中的调整情况表",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="输出文件（xlsx 必须指定）")
@common_options
def diff(old, new, fmt, output, debug, **kw):
    """对比同一计划的旧版 OLD 与新版 NEW：新增、取消、调整、仅文字调整的任务。

    新版同时会被检查，调整后新出现的问题会在对比结果中标出。
    退出码：0 对比完成（有调整不算失败）；2 用法错误或文件无法读取。
    """
    from .. import atomic, diffreport
    from ..diff import diff_reports
    from ..errors import PlanlintError

    if fmt == "xlsx" and not output:
        raise PlanlintError(
            "xlsx 格式输出的是文件，请用 -o 指定调整情况表的保存位置，例如 -o 调整情况表.xlsx"
        )
    options = run_options(superior=(), baseline=None, population=None, jobs=1, **kw)
    old_reports, new_reports = _checked(old, options), _checked(new, options)
    diffs = diff_reports(old_reports, new_reports)
    if len(old_reports) != len(new_reports):
        click.echo(
            f"提示：旧版有 {len(old_reports)} 张计划表，新版有 {len(new_reports)} 张，只对比了能对应上的表",
            err=True,
        )

    data = diffreport.RENDERERS[fmt](diffs)
    if output:
        atomic.write_bytes(
            output, data.encode("utf-8") if isinstance(data, str) else data, protect=(old, new)
        )
        click.echo(f"已写入 {output}", err=True)
    else:
        assert isinstance(data, str)  # the one binary format, xlsx, requires --output (checked above)
        sys.stdout.write(data)
        sys.stdout.flush()
