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
          - row: {window: "3月—12月31日"}
            expect: [H2]
            fixed: {window: "3月—12月20日"}  # the row after its fix (safe or unsafe) is applied

    meets:                                  # fixes of several rules on one cell: none loses a text
      - rules: [columns-swapped, place-mismatch]
        row: {items: "示范市从事商标代理业务的服务机构", scope: "商标代理行为的检查"}
        fixed: {items: "商标代理行为的检查", scope: "示范县从事商标代理业务的服务机构"}

      - rule: item-not-in-list
        params: {general_item_ratio_cap: 0.1}  # profile parameters for this case
        item_list: [{item: 广告行为的检查, category: 广告, kind: 一般}]   # a 抽查事项清单, inline

`fixed` rows are reached as `planlint fix --unsafe-fixes` reaches them: fixes applied whole, those
meeting on a cell resolved by planlint.fixes, round after round until nothing changes.
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
DEFAULT_META = {
    "title": "示范县市场监督管理局2025年度内部双随机抽查工作计划",
    "place": "示范县",
    "issuer": "示范县市场监督管理局",
    "level": "county",
    "kind": "internal",
    "year": 2025,
}


def build_case_plan(rows: list[dict[str, Any]], spec: dict[str, Any], label: str) -> Plan:
    """A Plan from case rows, through the same header recognition real files go through."""
    from .columns import build_plan

    columns = case_columns(spec)
    table_rows = [[h for _, h in columns]]
    for i, row in enumerate(rows, start=1):
        values = row_values(row, i)
        table_rows.append([values.get(k, "") for k, _ in columns])
    meta = {**DEFAULT_META, **spec.get("plan", {})}
    table = Table(label, "计划", table_rows, list(range(1, len(table_rows) + 1)), title=meta["title"])
    plan = build_plan(table)
    for key, value in meta.items():
        setattr(plan.meta, key, value)
    return plan


def case_columns(spec: dict[str, Any]) -> list[tuple[str, str]]:
    """(field key, header) of the case sheet's columns A, B, …"""
    columns = [(k, h) for k, h in DEFAULT_COLUMNS if k not in spec.get("drop", [])]
    columns = [(k, spec.get("headers", {}).get(k, h)) for k, h in columns]
    return columns + [(k, h) for k, h in spec.get("extra_columns", {}).items()]


def row_values(row: dict[str, Any], seq: int) -> dict[str, str]:
    """Every cell of a case row: the model task's, with the case's changes."""
    return {**DEFAULT_ROW, "seq": str(seq), **{k: ("" if v is None else str(v)) for k, v in row.items()}}


class _RowsCopy:
    """Case rows as an editable copy for planlint.fixes: row 2 is the first task, column A 序号."""

    formula_risk = False

    def __init__(self, rows: list[dict[str, Any]], spec: dict[str, Any]) -> None:
        self.rows = [row_values(r, i) for i, r in enumerate(rows, start=1)]
        self.keys = [k for k, _ in case_columns(spec)]

    def target(self, location: Any) -> Any:
        i, j = location.row - 2, location.col - 1
        if not (0 <= i < len(self.rows) and 0 <= j < len(self.keys)):
            return "找不到该单元格"
        return _RowCell((i, self.keys[j]), self.rows[i].get(self.keys[j], ""))

    def refuses(self, new: str) -> str | None:
        return None

    def write(self, target: Any, new: str) -> None:
        i, key = target.key
        self.rows[i][key] = new

    def save(self) -> bytes:
        return b""


@dataclass(frozen=True, slots=True)
class _RowCell:
    key: tuple[int, str]
    text: str

    def holds(self, old: str) -> bool:
        return self.text == old


def fix_rows(
    rows: list[dict[str, Any]],
    spec: dict[str, Any],
    label: str,
    rules: list[Rule],
    params: dict[str, Any],
    rounds: int = 5,
) -> list[dict[str, str]]:
    """The case rows after the rules' fixes, safe and unsafe, round after round (as `planlint fix
    --unsafe-fixes` does to a file) until nothing changes."""
    from .engine import check_plan
    from .fixes import apply, fixes_of, resolve
    from .rules.registry import Ctx

    current = [dict(r) for r in rows]
    for _ in range(rounds):
        plan = build_case_plan(current, spec, label)
        fixes = fixes_of(check_plan(plan, rules, Ctx(plan, params)), unsafe=True)
        copy = _RowsCopy(current, spec)
        if not fixes or not apply(copy, resolve(fixes, []), []):
            break
        current = copy.rows
    return [row_values(r, i) for i, r in enumerate(current, start=1)]


def _fixed_mismatch(got: list[dict[str, str]], want: Any) -> str:
    """'' when every cell the case names holds the expected text, else what differs."""
    wanted = want if isinstance(want, list) else [want]
    diffs = [
        f"第{i}行 {k}：应为「{v}」，实际为「{got[i - 1].get(k, '') if i <= len(got) else ''}」"
        for i, row in enumerate(wanted, start=1)
        for k, v in (row or {}).items()
        if i > len(got) or got[i - 1].get(k, "") != str(v)
    ]
    return "；".join(diffs)


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


def missing_cases(rules: list[Rule], run: CaseRun) -> list[Rule]:
    """The rules among `rules` without at least one passing and one failing case. Plan rules run by
    the engine itself (fn: engine) have no table to build a case from and are left out."""
    return [
        r
        for r in rules
        if not (r.scope == "plan" and r.check.get("fn") == "engine")
        and (not run.passes.get(r.slug) or not run.fails.get(r.slug))
    ]


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


def run_case_file(
    path: str, source: Any, rules: dict[str, Rule], params: dict[str, Any], run: CaseRun
) -> None:
    from .engine import check_plan, plan_set_findings
    from .population import population_of
    from .rules.registry import Ctx, RunData

    data = read_yaml(source.read_text(encoding="utf-8"), path) or {}
    for n, case in enumerate(data.get("cases") or [], start=1):
        slug = case.get("rule")
        rule = rules.get(slug)
        if rule is None:
            raise ConfigError(f"第{n}个用例引用了未启用或不存在的规则 {slug!r}", path)
        # a case may state the profile numbers it is about (`params: {deadline: {internal: 12月20日}}`)
        case_params = {**params, **(case.get("params") or {})}
        item_list = (
            None  # and the 抽查事项清单 it runs with (`item_list: [{item: …, category: …, kind: 一般}]`)
        )
        if case.get("item_list"):
            from .itemlist import ItemList

            item_list = ItemList.from_rows(case["item_list"], source="用例清单")
        items = [("pass", i, item) for i, item in enumerate(case.get("pass") or [], 1)]
        items += [("fail", i, item) for i, item in enumerate(case.get("fail") or [], 1)]
        for kind, i, item in items:
            plan = build_case_plan(_rows_of(item), _spec(case, item), path)
            superiors = (
                [build_case_plan(_rows_of(case["superior"]), case["superior"], path + "#superior")]
                if case.get("superior")
                else []
            )
            siblings = [
                build_case_plan(_rows_of(s), s, f"{path}#sibling{j}")
                for j, s in enumerate(case.get("siblings") or [])
            ]
            if rule.scope == "plan-set":
                population = population_of(case["population"]) if case.get("population") else None
                run_data = RunData(population=population, item_list=item_list)
                findings = plan_set_findings(
                    plan, [rule], case_params, [plan, *siblings], superiors, run_data
                )
            else:
                findings = check_plan(plan, [rule], Ctx(plan, case_params))
            got = {(f.location.cell, f.severity) for f in findings}
            label = f"{slug} {kind}#{i}"
            if kind == "pass":
                run.passes[slug] = run.passes.get(slug, 0) + 1
                ok, detail = (
                    not findings,
                    "" if not findings else "应通过，却报告了 " + "、".join(sorted(c for c, _ in got)),
                )
            else:
                run.fails[slug] = run.fails.get(slug, 0) + 1
                want = _expected(item)
                got_cells = {c for c, _ in got}
                ok = {c for c, _ in want} == got_cells and all(s is None or (c, s) in got for c, s in want)
                expected = "、".join(sorted(c + (f"({s})" if s else "") for c, s in want)) or "（无）"
                actual = "、".join(sorted(c + f"({s})" for c, s in got)) or "（无）"
                detail = "" if ok else f"应在 {expected} 报告，实际为 {actual}"
                if ok and isinstance(item, dict) and "fixed" in item:
                    fixed = fix_rows(_rows_of(item), _spec(case, item), path, [rule], case_params)
                    detail = _fixed_mismatch(fixed, item["fixed"])
                    ok = not detail
            run.outcomes.append(Outcome(slug, label, ok, detail))
    for n, meet in enumerate(data.get("meets") or [], start=1):
        slugs = list(meet.get("rules") or [])
        missing = [s for s in slugs if s not in rules]
        if missing:
            raise ConfigError(f"第{n}个 meets 用例引用了未启用或不存在的规则 {missing[0]!r}", path)
        meet_params = {**params, **(meet.get("params") or {})}
        fixed = fix_rows(_rows_of(meet), _spec(meet, meet), path, [rules[s] for s in slugs], meet_params)
        detail = _fixed_mismatch(fixed, meet.get("fixed") or {})
        run.outcomes.append(Outcome("+".join(slugs), f"{'+'.join(slugs)} meets#{n}", not detail, detail))


def case_sources(folder: str | None) -> list[tuple[str, Any]]:
    """Case files of a folder, or the bundled ones (rules/cases/)."""
    if folder is None:
        base = BUNDLED.joinpath("cases")
        return sorted(
            ((f"rules/cases/{p.name}", p) for p in base.iterdir() if p.name.endswith(".yaml")),
            key=lambda x: x[0],
        )
    p = Path(folder)
    if not p.exists():
        raise ConfigError("用例文件夹不存在", folder)
    files = sorted(p.glob("*.yaml")) if p.is_dir() else [p]
    return [(str(f), f) for f in files]
