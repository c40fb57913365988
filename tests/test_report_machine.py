"""Machine formats: json (against its shipped schema), sarif (2.1.0 structure), junit (XML), github."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path

import jsonschema
import pytest
import xmlschema
from report_fixtures import RULES, make_result

from planlint.findings import Finding
from planlint.report import ReportOptions, junit, sarif
from planlint.report import github as gh
from planlint.report import json as json_report
from planlint.result import CheckResult, PlanReport

OPTS = ReportOptions()


@pytest.fixture
def result():
    return make_result("plan.xlsx", extra=[PlanReport("附件/bad.docx", None, None, error="文件已加密")])


def validate_report(doc: dict) -> None:
    schema = json_report.load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(doc)


# ---------------------------------------------------------------- json


def test_json_schema_ships_with_the_package():
    from importlib.resources import files

    schema = files("planlint.bundled.rules") / "schema" / "report.schema.json"
    assert json.loads(schema.read_text(encoding="utf-8"))["properties"]["version"] == {"const": 1}


def test_json_report_matches_contract_and_schema(result):
    doc = json.loads(json_report.render(result, OPTS))
    validate_report(doc)
    assert doc["version"] == 1 and doc["tool"] == "planlint"
    plan, bad = doc["files"]
    assert plan["path"] == "plan.xlsx" and plan["sheet"] == "内部计划" and plan["tasks"] == 3
    assert plan["plan"]["year"] == 2023 and plan["plan"]["level"] == "county"
    first = next(f for f in plan["findings"] if f["rule"] == "PL301")
    assert first["location"] == {"sheet": "内部计划", "row": 3, "col": 6, "cell": "F3"}
    assert first["task"] == "1" and first["field"] == "window"
    assert bad["error"] == "文件已加密" and bad["plan"] is None and bad["findings"] == []
    assert doc["summary"] == {"files": 2, "tasks": 3, "error": 2, "warning": 4, "info": 2}


def test_json_schema_rejects_drift(result):
    doc = json.loads(json_report.render(result, OPTS))
    doc["files"][0]["findings"][0]["severity"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        validate_report(doc)
    doc = json.loads(json_report.render(result, OPTS))
    del doc["summary"]["warning"]
    with pytest.raises(jsonschema.ValidationError):
        validate_report(doc)


def test_json_empty_run_is_valid():
    validate_report(json.loads(json_report.render(CheckResult([]), OPTS)))


# ---------------------------------------------------------------- sarif

# The required structure of SARIF 2.1.0 (from the OASIS schema) for what we emit, plus GitHub's needs.
SARIF_SUBSET = {
    "type": "object",
    "required": ["version", "runs", "$schema"],
    "properties": {
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["tool", "results"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name", "rules"],
                                "properties": {
                                    "rules": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": [
                                                "id",
                                                "name",
                                                "shortDescription",
                                                "fullDescription",
                                                "help",
                                            ],
                                            "properties": {
                                                "shortDescription": {"$ref": "#/$defs/message"},
                                                "fullDescription": {"$ref": "#/$defs/message"},
                                                "help": {"$ref": "#/$defs/message"},
                                                "defaultConfiguration": {
                                                    "type": "object",
                                                    "properties": {"level": {"$ref": "#/$defs/level"}},
                                                },
                                            },
                                        },
                                    }
                                },
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["ruleId", "message", "locations", "level"],
                            "properties": {
                                "level": {"$ref": "#/$defs/level"},
                                "message": {"$ref": "#/$defs/message"},
                                "ruleIndex": {"type": "integer", "minimum": 0},
                                "locations": {
                                    "type": "array",
                                    "minItems": 1,
                                    "items": {
                                        "type": "object",
                                        "required": ["physicalLocation"],
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "required": ["artifactLocation"],
                                                "properties": {
                                                    "artifactLocation": {
                                                        "type": "object",
                                                        "required": ["uri"],
                                                        "properties": {
                                                            "uri": {
                                                                "type": "string",
                                                                "format": "uri-reference",
                                                            }
                                                        },
                                                    },
                                                    "region": {
                                                        "type": "object",
                                                        "required": ["startLine"],
                                                        "properties": {
                                                            "startLine": {"type": "integer", "minimum": 1},
                                                            "startColumn": {"type": "integer", "minimum": 1},
                                                        },
                                                    },
                                                },
                                            },
                                            "logicalLocations": {
                                                "type": "array",
                                                "items": {"type": "object", "required": ["name"]},
                                            },
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
    "$defs": {
        "message": {
            "type": "object",
            "required": ["text"],
            "properties": {"text": {"type": "string", "minLength": 1}},
        },
        "level": {"enum": ["none", "note", "warning", "error"]},
    },
}


def test_sarif_structure(result):
    doc = json.loads(sarif.render(result, OPTS))
    jsonschema.Draft202012Validator(SARIF_SUBSET).validate(doc)
    assert doc["version"] == "2.1.0" and "sarif-2.1.0" in doc["$schema"]
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    assert set(RULES) <= set(ids) and "PL000" in ids  # the engine's own rule gets a stand-in
    for res in run["results"]:
        assert res["ruleId"] in ids
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
    assert len(run["results"]) == 8
    pl301 = rules[ids.index("PL301")]
    assert pl301["name"] == "window-after-deadline"
    assert "晋市市监〔2025〕7号 五" in pl301["help"]["text"]
    assert "晋市市监〔2025〕7号 五" in pl301["fullDescription"]["text"]
    hit = next(r for r in run["results"] if r["ruleId"] == "PL301")
    loc = hit["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"]["uri"] == "plan.xlsx"
    # A spreadsheet column is not a count of characters: no startColumn, no columnKind; the
    # cell and the sheet travel as properties.
    assert loc["physicalLocation"]["region"] == {"startLine": 3, "properties": {"cell": "F3", "column": 6}}
    assert loc["physicalLocation"]["properties"] == {"sheet": "内部计划"}
    assert "columnKind" not in run
    assert not any(
        "startColumn" in r["locations"][0]["physicalLocation"].get("region", {}) for r in run["results"]
    )
    assert loc["logicalLocations"][0]["name"] == "内部计划!F3"
    assert hit["level"] == "error"
    assert {r["level"] for r in run["results"]} == {"error", "warning", "note"}
    # the plan-level finding has no region (row 0 is not a line)
    assert any("region" not in r["locations"][0]["physicalLocation"] for r in run["results"])
    # unreadable file → a tool execution notification, run not successful
    inv = run["invocations"][0]
    assert inv["executionSuccessful"] is False
    uri = inv["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "%E9%99%84%E4%BB%B6/bad.docx"  # Chinese path percent-encoded, relative


def test_sarif_fingerprints_stable_and_distinct(result):
    a = json.loads(sarif.render(result, OPTS))["runs"][0]["results"]
    b = json.loads(sarif.render(make_result("plan.xlsx"), OPTS))["runs"][0]["results"]
    fa = [r["partialFingerprints"]["primaryLocationLineHash"] for r in a]
    assert fa == [r["partialFingerprints"]["primaryLocationLineHash"] for r in b]
    assert len(set(fa)) == len(fa)


# ---------------------------------------------------------------- junit


JUNIT_XSD = Path(__file__).parent / "fixtures" / "junit.xsd"


def test_junit_one_testcase_per_finding_failing_at_fail_on(result):
    where = result.reports[0].findings[0].location
    result.reports[0].findings.append(
        Finding("PL902", "ctl", "info", "控制字符\x0b\x01在单元格里", "", where)
    )
    result.started = datetime(2025, 3, 1, 8, 30, 5, tzinfo=timezone.utc)
    result.elapsed = 1.25
    text = junit.render(result, OPTS)
    xmlschema.XMLSchema(JUNIT_XSD).validate(text)
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites" and root.get("time") == "1.250"
    suites = root.findall("testsuite")
    assert [s.get("timestamp") for s in suites] == ["2025-03-01T08:30:05"] * 2
    cases = root.findall("./testsuite/testcase")
    findings = sorted(result.reports[0].findings, key=lambda f: f.sort_key())
    assert len(cases) == len(findings) + 1  # one per finding, one for the unreadable file
    assert {c.get("classname") for c in cases[:-1]} == {"plan.xlsx"}
    pl301 = next(c for c in cases if c.get("name").startswith("PL301 "))
    assert pl301.get("name") == "PL301 window-after-deadline 内部计划!F3"
    assert "建议：将结束时间改为12月20日" in pl301.find("failure").text
    # --fail-on error (the default): only errors fail; warnings and info pass with their text kept
    failing = [c for c in cases if c.find("failure") is not None]
    errors = sum(f.severity == "error" for f in findings)
    assert len(failing) == errors and root.get("failures") == str(errors)
    passing = [c for c in cases[:-1] if c.find("failure") is None]
    assert all(c.find("system-out") is not None for c in passing)
    assert any("<script>" in (c.find("failure").get("message") or "") for c in failing) or any(
        "<script>" in (c.find("system-out").text or "") for c in passing
    )  # escaped on the wire, intact here
    assert cases[-1].find("error").get("message") == "文件已加密"
    assert root.get("tests") == str(len(cases)) and root.get("errors") == "1"
    # at --fail-on info every finding is a failure
    everything = ET.fromstring(junit.render(result, ReportOptions(fail_on="info")).encode("utf-8"))
    assert everything.get("failures") == str(len(findings))


def test_junit_clean_plan_is_one_passing_testcase():
    clean = CheckResult(
        [PlanReport("clean.xlsx", "计划", None)], started=datetime(2025, 1, 2, tzinfo=timezone.utc)
    )
    text = junit.render(clean, OPTS)
    xmlschema.XMLSchema(JUNIT_XSD).validate(text)
    case = ET.fromstring(text.encode("utf-8")).find("./testsuite/testcase")
    assert case.get("name") == "计划 未发现问题" and list(case) == []


# ---------------------------------------------------------------- github


def test_github_escaping():
    assert gh.escape_data("5%\r\n") == "5%25%0D%0A"
    assert gh.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_workflow_commands(result):
    lines = gh.render(result, OPTS).splitlines()
    assert len(lines) == 9
    assert lines[1] == (
        "::error file=plan.xlsx,line=3,col=6,title=PL301 window-after-deadline::"
        "内部计划!F3：抽查检查起止时间「2月-12月」结束于12月31日，晚于期限12月20日"
        "%0A建议：将结束时间改为12月20日或更早，例如「2月—12月20日」"
    )
    assert any(line.startswith("::notice file=plan.xlsx,title=PL900 row-note::") for line in lines)
    assert any("「5%25以上; 1次/年」" in line for line in lines)
    assert lines[-1] == "::error file=附件/bad.docx,title=unreadable::无法读取：文件已加密"
    for line in lines:
        head, _, message = line[2:].partition("::")
        assert "\n" not in message and "\r" not in message
        props = head.split(" ", 1)[1]
        for prop in props.split(","):  # a raw ',' or ':' in a value would split it wrongly
            key, _, value = prop.partition("=")
            assert key in {"file", "line", "col", "title"} and ":" not in value


# ---------------------------------------------------------------- streaming (#16: memory at 100k tasks)


@pytest.mark.parametrize("module", [json_report, sarif], ids=["json", "sarif"])
def test_streamed_report_is_the_one_document_text(result, module):
    """Written piece by piece, the text is still exactly json.dumps(…, indent=2) of the document."""
    text = module.render(result, OPTS)
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"
    empty = module.render(CheckResult([]), OPTS)
    assert empty == json.dumps(json.loads(empty), ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("module", [json_report, sarif], ids=["json", "sarif"])
def test_report_of_many_findings_is_written_in_pieces(module, monkeypatch, tmp_path):
    """A 100k-task plan's report never exists as one string: the writer gets it a finding at a time."""
    big = make_result("plan.xlsx")
    report = big.reports[0]
    report.findings = [report.findings[0]] * 5_000
    pieces: list[int] = []
    monkeypatch.setattr(module, "emit_chunks", lambda chunks, out: pieces.extend(len(c) for c in chunks))
    module.write(big, str(tmp_path / "r"), OPTS)
    assert len(pieces) > 5_000 and max(pieces) < sum(pieces) / 1_000
