"""`planlint fix PATH…`: apply the findings' fixes to a copy (`<stem>.fixed<suffix>`), re-check
the copy and repeat until nothing changes (planlint.fixrounds). Never edits a file in place."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .check import common_options, run_options


def _targets(paths: list[str], output: str | None) -> dict[str, str]:
    from collections import Counter

    from ..fixes import fixed_output

    if len(paths) == 1 and output is not None and not Path(output).is_dir():
        return {paths[0]: output}
    names = {p: fixed_output(p) for p in paths}
    # 计划.xls and 计划.pdf would both give 计划.fixed.xlsx: a rebuilt copy keeps its input's suffix
    taken = Counter(Path(n).name for n in names.values())
    for p, name in names.items():
        if taken[Path(name).name] > 1 and Path(name).suffix != Path(p).suffix:
            names[p] = str(Path(p).with_name(f"{Path(p).name}.fixed.xlsx"))
    if output is None:
        return names
    return {p: str(Path(output) / Path(name).name) for p, name in names.items()}


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@common_options
@click.option("--unsafe-fixes", is_flag=True, help="同时应用可能改变含义的修复（如年度、截止日期）")
@click.option("--diff", is_flag=True, help="只显示每个单元格的修改，不写文件；有修改时退出码为 1")
@click.option(
    "--output", "-o", type=click.Path(), help="输出文件（多个输入时为文件夹）；默认 原文件名.fixed.扩展名"
)
@click.option("--exit-non-zero-on-fix", is_flag=True, help="有修改时以退出码 1 结束（用于 pre-commit）")
def fix(paths, unsafe_fixes, diff, output, exit_non_zero_on_fix, debug, **kw):
    """自动修复抽查工作计划中的问题，结果写入副本，原文件不变。

    默认只应用安全修复（写法规范化、错别字、空白与标点）；--unsafe-fixes 还会应用可能改变含义的修复。
    退出码：0 成功；1 有修改且给了 --exit-non-zero-on-fix，或 --diff 显示了修改；2 用法错误或文件无法读取。
    """
    from ..errors import PlanlintError
    from ..fixrounds import fix_file, work_folder
    from ..pipeline import discover
    from ..report.output import atomic_write, refuse_input
    from ..report.text import escape_controls as esc

    options = run_options(superior=(), baseline=None, population=None, jobs=1, **kw)
    files = discover(list(paths))
    if not files:
        raise PlanlintError("没有找到可修复的文件", " ".join(paths))
    targets = _targets(files, output)
    for target in targets.values():
        refuse_input(target, inputs=files)
    changed_any = unreadable = False
    with work_folder() as tmp:
        for n, path in enumerate(files):
            work = Path(tmp) / str(n)
            work.mkdir()
            outcome = fix_file(path, options, unsafe_fixes, work)
            for error in outcome.errors:
                unreadable = True
                click.echo(esc(f"{path}：{error}"), err=True)
            if outcome.note and outcome.changes and not diff:
                click.echo(esc(f"{path}：{outcome.note}"), err=True)
            for skip in outcome.skipped:
                shown = skip.edit.location._replace(path=path)  # the user's file, not the work copy
                click.echo(esc(f"{shown}：跳过：{skip.reason}"), err=True)
            if outcome.errors:
                continue
            if not outcome.changes:
                click.echo(esc(f"{path}：没有可自动修复的问题"), err=True)
                continue
            changed_any = True
            if diff:
                for location, old, new in sorted(
                    outcome.changes.values(), key=lambda c: (c[0].sheet or "", c[0].row, c[0].col)
                ):
                    click.echo(esc(f"{location}: 「{old}」 → 「{new}」"))
                continue
            assert outcome.result_path is not None  # changes were applied, so there is a fixed copy
            atomic_write(targets[path], Path(outcome.result_path).read_bytes())
            left = f"，剩余问题 {outcome.remaining} 个" if outcome.remaining else "，没有剩余问题"
            hint = (
                f"（其中 {outcome.remaining_unsafe} 个可用 --unsafe-fixes 修复）"
                if outcome.remaining_unsafe and not unsafe_fixes
                else ""
            )
            click.echo(
                esc(f"{path}：已修复 {len(outcome.changes)} 处 → {targets[path]}{left}{hint}"), err=True
            )
    if unreadable:
        sys.exit(2)
    sys.exit(1 if changed_any and (exit_non_zero_on_fix or diff) else 0)
