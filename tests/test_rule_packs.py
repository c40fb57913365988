"""The bundled packs, profiles and cases: valid against their schemas, documented, and every rule
has at least one passing and one failing case that run green."""

from __future__ import annotations

import importlib.resources

import pytest
import yaml

from planlint.casefile import CaseRun, case_sources, run_case_file
from planlint.config import Config
from planlint.engine import RunOptions, build_ruleset
from planlint.rules.loader import parse_pack, validate

BUNDLED = importlib.resources.files("planlint.bundled.rules")
PACKS = sorted(p.name for p in BUNDLED.joinpath("core").iterdir() if p.name.endswith(".yaml"))
PROFILES = sorted(p.name for p in BUNDLED.joinpath("profiles").iterdir() if p.name.endswith(".yaml"))


def _load(*parts: str):
    return yaml.safe_load(BUNDLED.joinpath(*parts).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", PACKS)
def test_bundled_pack_is_valid(name):
    # The runtime skips jsonschema for bundled packs; this is where they are validated.
    rules = parse_pack(_load("core", name), name, check_schema=True)
    for rule in rules:
        assert rule.doc.what and rule.doc.why and rule.doc.example and rule.doc.use_instead, rule.id
        assert rule.basis and rule.summary, rule.id


@pytest.mark.parametrize("name", PROFILES)
def test_bundled_profile_is_valid(name):
    validate(_load("profiles", name), "profile", name)


def test_shanxi_profile_numbers():
    rs = build_ruleset(RunOptions(profile="shanxi-2025"), Config())
    assert rs.params["deadline"] == {"internal": "12月20日", "joint": "11月30日"}
    assert rs.params["risk_application_rate"] == {"internal": 0.90, "joint": 0.95}
    assert rs.params["publicity_workdays"] == {"joint": 20}


def test_rule_ids_and_slugs_unique():
    rs = build_ruleset(RunOptions(), Config())
    assert len({r.id for r in rs.all_rules}) == len(rs.all_rules)
    assert len({r.slug for r in rs.all_rules}) == len(rs.all_rules)


def _case_run() -> tuple[CaseRun, list]:
    rs = build_ruleset(RunOptions(profile="shanxi-2025"), Config())
    run = CaseRun()
    for label, source in case_sources(None):
        run_case_file(label, source, {r.slug: r for r in rs.rules}, rs.params, run)
    return run, rs.rules


def test_bundled_cases_pass():
    run, _ = _case_run()
    assert run.outcomes, "no rule cases ran"
    assert [f"{o.label}: {o.detail}" for o in run.failed] == []


def test_every_rule_has_pass_and_fail_cases():
    run, rules = _case_run()
    missing = [r.slug for r in rules if r.check["fn"] != "engine" and not (run.passes.get(r.slug) and run.fails.get(r.slug))]
    assert missing == []
