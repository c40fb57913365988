"""Rule cases: YAML files of rows that must pass and rows that must fail with the expected cells.

A case starts from a valid model task (DEFAULT_ROW) and changes only the cells it names, so each case
isolates one rule. Rows land on a sheet whose header is row 1 and whose columns are A 序号 … K 抽查检查模式
(DEFAULT_COLUMNS), so expected cells read like Excel's: the first task's window is H2.

    cases:
      - rule: window-after-deadline
        plan: {kind: joint}                 # meta overrides (default: county, internal, 2025)
        pass: [{window: "3月—11月"}]
        fail:
          - row: {window: "3月—12月31日"}
            expect: [H2]                    # or [{cell: H2, severity: warning}]
          - rows: [{}, {window: "13月"}]   # several tasks for plan-scope rules
            expect: [H3]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .plan import Plan
from .rules.loader import BUNDLED, read_yaml
from .rules.model import Rule
from .table import Table

DEFAULT_COLUMNS = [
    ("seq", "序号"),
    ("name", "抽查任务名称"),
    ("type", "抽查类型"),
    ("items", "抽查事项"),
    ("scope", "抽查对象范围"),
    ("quota", "抽查比例及频次"),
    ("risk", "信用风险分类管理"),
    ("window", "抽查检查起止时间"),
    ("initiator", "发起部门"),
    ("inspector", "检查主体"),
    ("mode", "抽查检查模式"),
]
DEFAULT_ROW = {
    "name": "对广告经营者的双随机抽查",
    "type": "定向",
    "items": "广告行为检查",
    "scope": "全县广告经营者",
    "quota": "不低于5%；1次/年",
    "risk": "根据企业信用风险分类结果，对低风险、一般风险、较高风险、高风险企业分别递加比例抽查",
    "window": "3月—11月",
    "initiator": "示范县市场监督管理局网监股",
    "inspector": "示范县市场监督管理局",
    "mode": "县抽县查",
}
DEFAULT_META = {"title": "示范县市场监督管理局2025年度内部双随机抽查工作计划", "place": "示范县",
                "issuer": "示范县市场监督管理局", "level": "county", "kind": "internal", "year": 2025}


def build_case_plan(rows: list[dict[str, Any]], spec: dict[str, Any], label: str) -> Plan:
    """A Plan from case rows, through the same header recognition real files go through."""
    from .columns import build_plan

    columns = [(k, h) for k, h in DEFAULT_COLUMNS if k not in spec.get("drop", [])]
    columns = [(k, spec.get("headers", {}).get(k, h)) for k, h in columns]
    columns += [(k, h) for k, h in spec.get("extra_columns", {}).items()]
    table_rows = [[h for _, h in columns]]
    for i, row in enumerate(rows, start=1):
        values = {**DEFAULT_ROW, "seq": str(i), **{k: ("" if v is None else str(v)) for k, v in row.items()}}
        table_rows.append([values.get(k, "") for k, _ in columns])
    meta = {**DEFAULT_META, **spec.get("plan", {})}
    table = Table(label, "计划", table_rows, list(range(1, len(table_rows) + 1)), title=meta["title"])
    plan = build_plan(table)
    for key, value in meta.items():
        setattr(plan.meta, key, value)
    return plan


@dataclass(slots=True)
class Outcome:
    rule: str
    label: str
    ok: bool
    detail: str = ""


@dataclass(slots=True)
class CaseRun:
    outcomes: list[Outcome] = field(default_factory=list)
    passes: dict[str, int] = field(default_factory=dict)  # slug -> pass cases
    fails: dict[str, int] = field(default_factory=dict)  # slug -> fail cases

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]


def _rows_of(item: Any) -> list[dict[str, Any]]:
    if isinstance(item, dict) and "rows" in item:
        return [r or {} for r in item["rows"]]
    if isinstance(item, dict) and "row" in item:
        return [item["row"] or {}]
    return [item or {}]


_SPEC_KEYS = ("plan", "drop", "headers", "extra_columns")


def _spec(case: dict[str, Any], item: Any) -> dict[str, Any]:
    """Table shape and plan meta: the case's, refined by a wrapped item's (`{rows: …, plan: …}`)."""
    if isinstance(item, dict) and ("row" in item or "rows" in item):
        return {**case, **{k: v for k, v in item.items() if k in _SPEC_KEYS}}
    return case


def _expected(item: dict[str, Any]) -> set[tuple[str, str | None]]:
    out = set()
    for e in item.get("expect", []):
        out.add((e.upper(), None) if isinstance(e, str) else (str(e["cell"]).upper(), e.get("severity")))
    return out


def run_case_file(path: str, source: Any, rules: dict[str, Rule], params: dict[str, Any], run: CaseRun) -> None:
    from .engine import check_plan, plan_set_findings
    from .rules.registry import Ctx

    data = read_yaml(source.read_text(encoding="utf-8"), path) or {}
    for n, case in enumerate(data.get("cases") or [], start=1):
        slug = case.get("rule")
        rule = rules.get(slug)
        if rule is None:
            raise ConfigError(f"第{n}个用例引用了未启用或不存在的规则 {slug!r}", path)
        # a case may state the profile numbers it is about (`params: {deadline: {internal: 12月20日}}`)
        case_params = {**params, **(case.get("params") or {})}
        items = [("pass", i, item) for i, item in enumerate(case.get("pass") or [], 1)]
        items += [("fail", i, item) for i, item in enumerate(case.get("fail") or [], 1)]
        for kind, i, item in items:
            plan = build_case_plan(_rows_of(item), _spec(case, item), path)
            superiors = [build_case_plan(_rows_of(case["superior"]), case["superior"], path + "#superior")] if case.get("superior") else []
            siblings = [build_case_plan(_rows_of(s), s, f"{path}#sibling{j}") for j, s in enumerate(case.get("siblings") or [])]
            if rule.scope == "plan-set":
                extras = {"population": case.get("population")}
                findings, _ = plan_set_findings(plan, [rule], case_params, [plan, *siblings], superiors, extras)
            else:
                findings = check_plan(plan, [rule], Ctx(plan, case_params))
            got = {(f.location.cell, f.severity) for f in findings}
            label = f"{slug} {kind}#{i}"
            if kind == "pass":
                run.passes[slug] = run.passes.get(slug, 0) + 1
                ok, detail = not findings, "" if not findings else "应通过，却报告了 " + "、".join(sorted(c for c, _ in got))
            else:
                run.fails[slug] = run.fails.get(slug, 0) + 1
                want = _expected(item)
                got_cells = {c for c, _ in got}
                ok = {c for c, _ in want} == got_cells and all(s is None or (c, s) in got for c, s in want)
                detail = "" if ok else f"应在 {'、'.join(sorted(c + (f'({s})' if s else '') for c, s in want)) or '（无）'} 报告，实际为 {'、'.join(sorted(c + f'({s})' for c, s in got)) or '（无）'}"
            run.outcomes.append(Outcome(slug, label, ok, detail))


def case_sources(folder: str | None) -> list[tuple[str, Any]]:
    """Case files of a folder, or the bundled ones (rules/cases/)."""
    if folder is None:
        base = BUNDLED.joinpath("cases")
        return sorted(((f"rules/cases/{p.name}", p) for p in base.iterdir() if p.name.endswith(".yaml")), key=lambda x: x[0])
    p = Path(folder)
    if not p.exists():
        raise ConfigError("用例文件夹不存在", folder)
    files = sorted(p.glob("*.yaml")) if p.is_dir() else [p]
    return [(str(f), f) for f in files]
