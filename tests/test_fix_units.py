"""Fixes as declared units (issue 16): each rule's YAML says whether its fix is safe, and that is
what its primitive really emits; every failing rule case with a fix says what the row becomes; and
every pair of rules whose fixes can touch the same field has a case where they meet."""

from __future__ import annotations

import itertools

import pytest
import yaml

from planlint import engine
from planlint.casefile import CaseRun, _rows_of, _spec, build_case_plan, case_sources, run_case_file
from planlint.cellrules import cell_columns
from planlint.config import Config
from planlint.rules.registry import PRIMITIVES, Ctx

ALL_FIELDS = {
    "seq",
    "name",
    "type",
    "items",
    "scope",
    "quota",
    "ratio",
    "count",
    "frequency",
    "risk",
    "window",
    "initiator",
    "partner",
    "inspector",
    "mode",
    "region",
}


@pytest.fixture(scope="module")
def ruleset():
    # every rule as its pack defines it, local ones included (as tests/test_rule_packs.py runs cases)
    return engine.build_ruleset(engine.RunOptions(profile="default", use_config=False), Config())


def _cases() -> list[tuple[str, dict]]:
    out = []
    for label, source in case_sources(None):
        data = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
        out.extend((label, case) for case in data.get("cases") or [])
    return out


def _meets() -> list[dict]:
    out = []
    for _, source in case_sources(None):
        out.extend((yaml.safe_load(source.read_text(encoding="utf-8")) or {}).get("meets") or [])
    return out


def _emitted(rule, case, item, params) -> list[bool]:
    """Whether each edit the rule's primitive itself yields on a failing case is safe (before the
    engine applies the YAML's declaration). A cell primitive's hit proposes its cell's new text."""
    plan = build_case_plan(_rows_of(item), _spec(case, item), "case")
    ctx = Ctx(plan, params)
    fn = PRIMITIVES[rule.fn].fn
    if rule.scope == "cell":
        args = {k: v for k, v in rule.check.items() if k not in ("fn", "field", "fields")}
        keys = cell_columns(rule, plan)
        cells = {id(c): c for t in plan.tasks for k in keys if (c := t.get(k)) is not None}
        return [h.safe for c in cells.values() for h in fn(ctx, c, **args) if h.new is not None]
    args = {k: v for k, v in rule.check.items() if k != "fn"}
    hits = [h for task in plan.tasks for h in fn(ctx, task, **args)] if rule.scope == "task" else []
    return [e.safe for h in hits for e in h.edits]


def test_declared_safety_is_what_each_rule_emits(ruleset):
    by_slug = {r.slug: r for r in ruleset.all_rules}
    checked = set()
    for _, case in _cases():
        rule = by_slug.get(case["rule"])
        if rule is None or rule.scope not in ("cell", "task"):
            continue
        for item in case.get("fail") or []:
            edits = _emitted(rule, case, item, {**ruleset.params, **(case.get("params") or {})})
            if not rule.safety:
                assert not edits, f"{rule.slug} emits edits but its YAML declares no fix (safety:)"
                continue
            assert edits, f"{rule.slug} declares a {rule.safety} fix but emits no edit on {item}"
            assert set(edits) == {rule.safety == "safe"}, (rule.slug, rule.safety, edits)
            checked.add(rule.slug)
    assert checked == {r.slug for r in ruleset.all_rules if r.safety}  # every declared fix was exercised


def test_prose_safety_agrees_with_the_declaration(ruleset):
    for rule in ruleset.all_rules:
        prose = rule.doc.fix_safety
        if rule.safety == "safe":
            assert prose.startswith("安全修复"), rule.slug
        elif rule.safety == "unsafe":
            assert prose.startswith("不安全修复"), rule.slug
        else:
            assert not prose or prose.startswith("无自动修复"), rule.slug


def test_undeclared_fix_is_not_offered(ruleset):
    """The engine follows the YAML: a rule that declares no fix offers no edits, and an unsafe
    one never offers a safe edit."""
    from dataclasses import replace

    from planlint.engine import check_plan

    rule = next(r for r in ruleset.all_rules if r.slug == "text-normalize")
    plan = build_case_plan([{"quota": "5%以上; 1次/年"}], {}, "case")
    assert all(e.safe for f in check_plan(plan, [rule], Ctx(plan, ruleset.params)) for e in f.edits)
    unsafe = check_plan(plan, [replace(rule, safety="unsafe")], Ctx(plan, ruleset.params))
    assert unsafe and all(f.edits and not any(e.safe for e in f.edits) for f in unsafe)
    none = check_plan(plan, [replace(rule, safety="")], Ctx(plan, ruleset.params))
    assert none and not any(f.edits for f in none)


def test_every_failing_case_with_a_fix_says_what_the_row_becomes(ruleset):
    by_slug = {r.slug: r for r in ruleset.all_rules}
    missing = [
        f"{label}: {case['rule']} fail#{i}"
        for label, case in _cases()
        if by_slug.get(case["rule"]) is not None and by_slug[case["rule"]].safety
        for i, item in enumerate(case.get("fail") or [], start=1)
        if not (isinstance(item, dict) and "fixed" in item)
    ]
    assert not missing, missing


def _editable_fields(rule) -> set[str]:
    check = rule.check
    named = {check[k] for k in ("field", "items", "scope", "window") if isinstance(check.get(k), str)}
    if "fields" in check:
        return set(check["fields"]) | named
    return named or set(ALL_FIELDS)  # e.g. the typo list applies to every column


def test_every_pair_of_fixes_on_a_field_has_a_meeting_case(ruleset):
    fixing = sorted((r for r in ruleset.all_rules if r.safety), key=lambda r: r.slug)
    pairs = {
        frozenset((a.slug, b.slug))
        for a, b in itertools.combinations(fixing, 2)
        if _editable_fields(a) & _editable_fields(b)
    }
    covered = {frozenset(m["rules"]) for m in _meets() if len(m["rules"]) == 2}
    assert pairs, "no two fixes share a field?"
    assert not pairs - covered, sorted(tuple(sorted(p)) for p in pairs - covered)


def test_meeting_cases_and_fixed_rows_pass(ruleset):
    run = CaseRun()
    by_slug = {r.slug: r for r in ruleset.all_rules}
    for label, source in case_sources(None):
        run_case_file(label, source, by_slug, ruleset.params, run)
    meets = [o for o in run.outcomes if "meets#" in o.label]
    assert len(meets) == len(_meets())
    assert not run.failed, [(o.label, o.detail) for o in run.failed]


def test_a_fixed_row_that_loses_a_text_fails(tmp_path, ruleset):
    """The check can fail: an expectation the fixes do not reach is reported with what differs."""
    case = tmp_path / "cases.yaml"
    case.write_text(
        "meets:\n"
        "  - rules: [columns-swapped, place-mismatch]\n"
        "    row: {items: 示范市从事商标代理业务的服务机构, scope: 商标代理行为的检查}\n"
        "    fixed: {items: 示范县从事商标代理业务的服务机构, scope: 示范县从事商标代理业务的服务机构}\n"
        "cases:\n"
        "  - rule: known-typo\n"
        "    fail:\n"
        "      - row: {scope: 交通输工程参建单位}\n"
        "        expect: [E2]\n"
        "        fixed: {scope: 交通输工程参建单位}\n",
        encoding="utf-8",
    )
    run = CaseRun()
    run_case_file(str(case), case, {r.slug: r for r in ruleset.all_rules}, ruleset.params, run)
    failed = {o.label: o.detail for o in run.failed}
    assert set(failed) == {"columns-swapped+place-mismatch meets#1", "known-typo fail#1"}
    assert "商标代理行为的检查" in failed["columns-swapped+place-mismatch meets#1"]
