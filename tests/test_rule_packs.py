"""The bundled packs, profiles and cases: valid against their schemas, documented, and every rule
has at least one passing and one failing case that run green."""

from __future__ import annotations

import importlib.resources
import re

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


def test_bundled_profiles_are_layers_with_a_document():
    """Every bundled profile but the national one belongs to a place the gazetteer knows, for
    given years, and names its document; each rule it binds cites that document."""
    from planlint.meta import gazetteer
    from planlint.rules.loader import load_profile, profile_names

    for name in profile_names():
        chain = load_profile(name).chain
        assert chain[0].name == "default" and chain[0].level == "national", name
        for layer in chain[1:]:
            assert layer.place and gazetteer().lookup(layer.place) is not None, name
            assert layer.years != (None, None) and layer.document, name
            number = re.search(r"〔\d{4}〕\d+号", layer.document)
            for slug, binding in layer.bindings.items():
                assert binding.basis, (name, slug)
                if number:
                    assert number[0] in binding.basis, (name, slug)


def test_default_is_national_and_holds_nothing_local():
    data = _load("profiles", "default.yaml")
    assert data["layer"] == "national" and "place" not in data and "rules" not in data
    assert data["params"]["deadline"] is None and data["params"]["risk_application_rate"] is None
    local_words = ("晋", "原平", "泽州", "长治", "山西", "原双随机办")
    rules = build_ruleset(RunOptions(profile="default"), Config()).rules
    assert [r.id for r in rules if any(w in r.basis for w in local_words)] == []
    assert all(r.layer == "national" and r.jurisdiction == "全国" for r in rules)


def test_city_and_plan_numbers():
    rs = build_ruleset(RunOptions(profile="jincheng-2025"), Config())
    assert rs.params["deadline"] == {"internal": "12月20日"}
    assert rs.params["risk_application_rate"] == {"internal": 0.90}
    rs = build_ruleset(RunOptions(profile="yuanping-2024"), Config())
    assert rs.params["deadline"] == {"joint": "11月30日"}
    assert rs.params["risk_application_rate"] == {"joint": 0.95}
    assert rs.params["publicity_workdays"] == {"joint": 20}


def test_rule_ids_and_slugs_unique():
    rs = build_ruleset(RunOptions(), Config())
    assert len({r.id for r in rs.all_rules}) == len(rs.all_rules)
    assert len({r.slug for r in rs.all_rules}) == len(rs.all_rules)


def _case_run() -> tuple[CaseRun, list]:
    # every rule as its pack defines it, local ones included; a case states the numbers it needs
    rs = build_ruleset(RunOptions(profile="default"), Config())
    run = CaseRun()
    for label, source in case_sources(None):
        run_case_file(label, source, {r.slug: r for r in rs.all_rules}, rs.params, run)
    return run, rs.all_rules


def test_bundled_cases_pass():
    run, _ = _case_run()
    assert run.outcomes, "no rule cases ran"
    assert [f"{o.label}: {o.detail}" for o in run.failed] == []


def test_every_rule_has_pass_and_fail_cases():
    run, rules = _case_run()
    missing = [
        r.slug
        for r in rules
        if r.check["fn"] != "engine" and not (run.passes.get(r.slug) and run.fails.get(r.slug))
    ]
    assert missing == []
