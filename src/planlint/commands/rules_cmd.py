"""`planlint rules`, `planlint explain RULE` and `planlint test-rules [DIR]`: the rule catalogue."""

from __future__ import annotations

import json
import sys

import click


def _ruleset(profile: str | None, extra: tuple[str, ...]):
    from ..engine import RunOptions, build_ruleset, load_config

    options = RunOptions(profile=profile, extra_rules=extra)
    return build_ruleset(options, load_config(options, ["."]))


@click.command("rules")
@click.option("--profile", "-p", help="配置档名称或 .yaml 路径")
@click.option("--rules", "extra", multiple=True, type=click.Path(), help="追加的规则包")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text")
def rules(profile, extra, fmt):
    """列出启用的规则：编号、名称、级别、依据。"""
    ruleset = _ruleset(profile, extra)
    if fmt == "json":
        click.echo(json.dumps([
            {"id": r.id, "slug": r.slug, "severity": r.severity, "scope": r.scope, "pack": r.pack,
             "summary": r.summary, "basis": r.basis} for r in ruleset.rules
        ], ensure_ascii=False, indent=1))
        return
    click.echo(f"配置档 {ruleset.profile.name}：{len(ruleset.rules)} 条规则")
    for r in ruleset.rules:
        click.echo(f"{r.id}  {r.slug:<28} {r.severity:<7} {r.summary}")
        click.echo(f"        依据：{r.basis}")


def find_rule(ruleset, token: str):
    for r in ruleset.all_rules:
        if token in (r.id, r.slug) or token.upper() == r.id:
            return r
    return None


@click.command("explain")
@click.argument("rule")
@click.option("--profile", "-p", help="配置档名称或 .yaml 路径")
@click.option("--rules", "extra", multiple=True, type=click.Path(), help="追加的规则包")
def explain(rule, profile, extra):
    """说明一条规则：检查什么、为什么、示例、改正写法、修复安全性与依据。"""
    from ..errors import PlanlintError

    ruleset = _ruleset(profile, extra)
    r = find_rule(ruleset, rule)
    if r is None:
        raise PlanlintError(f"没有规则 {rule!r}，用 planlint rules 查看全部规则")
    d = r.doc
    sections = [
        (f"{r.id} {r.slug}（{r.severity}）", r.summary),
        ("检查什么", d.what),
        ("为什么", d.why),
        ("示例（有问题）", d.example),
        ("应改为", d.use_instead),
        ("修复安全性", d.fix_safety or "无自动修复"),
        ("依据", r.basis),
    ]
    for title, body in sections:
        click.echo(f"## {title}\n{body}\n")


@click.command("test-rules")
@click.argument("folder", required=False, type=click.Path())
@click.option("--profile", "-p", help="配置档名称或 .yaml 路径（默认 shanxi-2025）")
@click.option("--rules", "extra", multiple=True, type=click.Path(), help="被测的规则包（文件或文件夹）")
@click.option("--require-all", is_flag=True, help="每条规则都必须至少有一个通过用例和一个不通过用例")
@click.option("--verbose", "-v", is_flag=True, help="列出每个用例")
def test_rules(folder, profile, extra, require_all, verbose):
    """运行 YAML 规则用例（默认运行内置用例）。全部通过时退出码为 0。"""
    from ..casefile import CaseRun, case_sources, missing_cases, run_case_file

    ruleset = _ruleset(profile, extra)
    by_slug = {r.slug: r for r in ruleset.rules}
    run = CaseRun()
    for label, source in case_sources(folder):
        run_case_file(label, source, by_slug, ruleset.params, run)
    for o in run.outcomes:
        if verbose or not o.ok:
            click.echo(f"{'通过' if o.ok else '失败'}  {o.label}  {o.detail}")
    problems = len(run.failed)
    if require_all:
        # With --rules, the packs under test are those; the bundled ones have their own cases.
        scope = ruleset.rules
        if extra:
            from ..rules.loader import load_pack

            own = {r.id for pack in extra for r in load_pack(pack)}
            scope = [r for r in scope if r.id in own]
        for r in missing_cases(scope, run):
            click.echo(f"缺少用例  {r.id} {r.slug}：需要至少一个通过用例和一个不通过用例")
            problems += 1
    click.echo(f"{len(run.outcomes) - len(run.failed)} passed, {len(run.failed)} failed")
    sys.exit(1 if problems else 0)
