"""`planlint rules`, `planlint explain RULE` and `planlint test-rules [DIR]`: the rule catalogue."""

from __future__ import annotations

import json
import sys

import click


def _ruleset(profile: str | None, extra: tuple[str, ...]):
    from ..engine import RunOptions, build_ruleset, load_config

    options = RunOptions(profile=profile, extra_rules=extra)
    return build_ruleset(options, load_config(options, ["."]))


def layer_text(rule) -> str:
    """层级·适用地区·年度 of a rule as it binds (`全国·不限年度`, `市级·晋城市·2025年`)."""
    from ..layers import LAYER_NAMES

    if rule.layer == "local":
        return "地方（由所在地的配置档约束）"
    low, high = rule.years
    years = (
        "不限年度"
        if low is None and high is None
        else (f"{low}年" if low == high else f"{low or ''}—{high or ''}年")
    )
    when = rule.when.get("year") or {}
    if when and low is None and high is None:
        years = f"{when.get('min', '')}年起" if "min" in when and "max" not in when else years
    where = (
        "全国"
        if rule.layer == "national"
        else f"{LAYER_NAMES.get(rule.layer, rule.layer)}·{rule.jurisdiction}"
    )
    return f"{where}·{years}（配置档 {rule.source}）"


def _binding_layers(rule):
    """Every bundled layer that binds a rule, with its place, years and clause."""
    from ..rules.loader import bundled_layers

    return [(layer, layer.bindings[rule.slug]) for layer in bundled_layers() if rule.slug in layer.bindings]


@click.command("rules")
@click.option("--profile", "-p", help="配置档名称或 .yaml 路径（默认 auto：按计划所在地和年度自动适用）")
@click.option("--rules", "extra", multiple=True, type=click.Path(), help="追加的规则包")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text")
def rules(profile, extra, fmt):
    """列出规则：编号、名称、级别、层级（全国/省/市/本计划）、适用地区与年度、依据。"""
    ruleset = _ruleset(profile, extra)
    shown = sorted(
        ruleset.rules + ([r for r in ruleset.all_rules if r.layer == "local"] if ruleset.auto else []),
        key=lambda r: r.id,
    )
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "slug": r.slug,
                        "severity": r.severity,
                        "scope": r.scope,
                        "pack": r.pack,
                        "summary": r.summary,
                        "basis": r.basis,
                        "layer": r.layer,
                        "jurisdiction": r.jurisdiction or None,
                        "years": {"min": r.years[0], "max": r.years[1]},
                        "profile": r.source or None,
                        "bound_by": [
                            {
                                "profile": layer.name,
                                "layer": layer.level,
                                "jurisdiction": layer.jurisdiction,
                                "years": {"min": layer.years[0], "max": layer.years[1]},
                                "basis": b.basis,
                                "nature": b.nature,
                            }
                            for layer, b in _binding_layers(r)
                        ],
                    }
                    for r in shown
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    head = (
        "按计划所在地和年度自动适用（auto）"
        if ruleset.auto
        else "、".join(x.title() for x in ruleset.profile.chain)
    )
    click.echo(f"配置档 {ruleset.profile.name}：{len(shown)} 条规则；层级：{head}")
    for r in shown:
        click.echo(f"{r.id}  {r.slug:<28} {r.severity:<7} {r.summary}")
        click.echo(f"        层级：{layer_text(r)}")
        if r.layer == "local":
            for layer, b in _binding_layers(r):
                click.echo(f"          {layer.title()}：{b.basis}")
        else:
            click.echo(f"        依据：{r.basis}")


def find_rule(ruleset, token: str):
    for r in [*ruleset.rules, *ruleset.all_rules]:
        if token in (r.id, r.slug) or token.upper() == r.id:
            return r
    return None


@click.command("explain")
@click.argument("rule")
@click.option("--profile", "-p", help="配置档名称或 .yaml 路径（默认 auto：按计划所在地和年度自动适用）")
@click.option("--rules", "extra", multiple=True, type=click.Path(), help="追加的规则包")
def explain(rule, profile, extra):
    """说明一条规则：检查什么、为什么、示例、改正写法、修复安全性、层级与依据。"""
    from ..errors import PlanlintError
    from ..layers import NATURE_NAMES

    ruleset = _ruleset(profile, extra)
    r = find_rule(ruleset, rule)
    if r is None:
        raise PlanlintError(f"没有规则 {rule!r}，用 planlint rules 查看全部规则")
    d = r.doc
    bound = _binding_layers(r)
    if r.layer == "local":
        where = "地方要求：只在约束它的配置档所在地和年度适用。" + (
            "".join(
                f"\n- {layer.title()}（{NATURE_NAMES.get(b.nature, b.nature)}）：{b.basis}"
                for layer, b in bound
            )
            or "\n（没有内置配置档约束它）"
        )
        basis = r.basis
    else:
        where = layer_text(r) + (
            f"（{NATURE_NAMES.get(r.nature, r.nature)}）" if r.source != "default" else ""
        )
        others = [(layer, b) for layer, b in bound if layer.name != r.source]
        if others:
            where += "".join(f"\n- 另在 {layer.title()}：{b.basis}" for layer, b in others)
        basis = r.basis
    sections = [
        (f"{r.id} {r.slug}（{r.severity}）", r.summary),
        ("检查什么", d.what),
        ("为什么", d.why),
        ("示例（有问题）", d.example),
        ("应改为", d.use_instead),
        ("修复安全性", d.fix_safety or "无自动修复"),
        ("层级与适用范围", where),
        ("依据", basis),
    ]
    for title, body in sections:
        click.echo(f"## {title}\n{body}\n")


@click.command("test-rules")
@click.argument("folder", required=False, type=click.Path())
@click.option("--profile", "-p", help="配置档名称或 .yaml 路径（默认 auto）")
@click.option("--rules", "extra", multiple=True, type=click.Path(), help="被测的规则包（文件或文件夹）")
@click.option("--require-all", is_flag=True, help="每条规则都必须至少有一个通过用例和一个不通过用例")
@click.option("--verbose", "-v", is_flag=True, help="列出每个用例")
def test_rules(folder, profile, extra, require_all, verbose):
    """运行 YAML 规则用例（默认运行内置用例）。全部通过时退出码为 0。"""
    from ..casefile import CaseRun, case_sources, missing_cases, run_case_file

    ruleset = _ruleset(profile, extra)
    # every rule, local ones included (a case states the numbers it needs with `params:`), as the
    # named profile binds it where it does
    by_slug = {r.slug: r for r in ruleset.all_rules} | {r.slug: r for r in ruleset.rules}
    run = CaseRun()
    for label, source in case_sources(folder):
        run_case_file(label, source, by_slug, ruleset.params, run)
    for o in run.outcomes:
        if verbose or not o.ok:
            click.echo(f"{'通过' if o.ok else '失败'}  {o.label}  {o.detail}")
    problems = len(run.failed)
    if require_all:
        # With --rules, the packs under test are those; the bundled ones have their own cases.
        scope = list(by_slug.values())
        if extra:
            from ..rules.loader import load_pack

            own = {r.id for pack in extra for r in load_pack(pack)}
            scope = [r for r in scope if r.id in own]
        for r in missing_cases(scope, run):
            click.echo(f"缺少用例  {r.id} {r.slug}：需要至少一个通过用例和一个不通过用例")
            problems += 1
    click.echo(f"{len(run.outcomes) - len(run.failed)} passed, {len(run.failed)} failed")
    sys.exit(1 if problems else 0)
