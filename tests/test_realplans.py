"""Real plans from other provinces (../shared/realplans/, tsv and xlsx): each reads as a plan with
the right tasks, and no column present under another name is reported missing (issue #14)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO

from planlint.engine import RunOptions, run
from planlint.pipeline import load_plans

REALPLANS = REPO.parent / "shared" / "realplans"
FILES = sorted(p for p in REALPLANS.glob("*") if p.suffix in (".tsv", ".xlsx")) if REALPLANS.is_dir() else []

# Tasks counted by hand in each transcription (rows with a 序号; continuation rows and the cut-off
# `# partial-row:` excluded), and the columns each plan really lacks: any other column reported
# missing is there under another name. Keyed by the place the file names first.
PLANS = {
    "山西省": (5, {"risk", "mode"}),
    "上高县": (7, {"risk", "scope", "mode"}),
    "武汉": (5, {"risk", "window"}),
    "阳江市": (1, {"risk", "mode"}),
    "亳州市": (1, {"risk", "mode"}),
    "宣城市": (1, {"risk", "mode"}),
    "铜陵市": (0, set()),
    "池州市": (1, {"scope"}),  # its 抽查主体 column holds the objects: a mislabelled column
    "旺苍县": (4, {"risk"}),
    "肇庆市": (8, {"risk", "mode", "window", "quota"}),
}
TRADITIONAL = ("池州市", "旺苍县")


def _place(path: Path) -> str:
    name = re.sub(r"^\d+_", "", path.name)
    return next(place for place in PLANS if name.startswith(place))


def _tsv_task_count(path: Path) -> int:
    """Rows with a 序号 (序號) in the transcription: an independent count of its tasks."""
    lines = [line for line in path.read_text("utf-8").splitlines() if line and not line.startswith("#")]
    header = lines[0].split("\t")
    seq = next(i for i, h in enumerate(header) if h in ("序号", "序號"))
    return sum(1 for line in lines[1:] if (cells := line.split("\t"))[seq : seq + 1] and cells[seq].strip())


pytestmark = pytest.mark.skipif(not FILES, reason="../shared/realplans/ is not beside the repository")


@pytest.fixture(scope="module")
def results():
    out = {}
    for path in FILES:
        result = run([str(path)], RunOptions(use_config=False))
        out[path.name] = result
    return out


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_reads_with_the_right_task_count(path):
    plans = load_plans(str(path))
    assert len(plans) == 1
    expected, _ = PLANS[_place(path)]
    assert len(plans[0].tasks) == expected
    if path.suffix == ".tsv":
        assert _tsv_task_count(path) == expected


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_column_reported_missing_that_is_there_under_another_name(path, results):
    _, absent = PLANS[_place(path)]
    result = results[path.name]
    assert all(r.error is None for r in result.reports)
    missing = {
        f.field for f in result.findings if f.slug == "required-column-missing" and f.severity == "error"
    }
    assert missing <= absent, missing - absent


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_message_names_its_task(path, results):
    for f in results[path.name].findings:
        assert "?" not in f.message and "？" not in f.message, f.message
        assert "partial-row" not in f.message, f.message


@pytest.mark.parametrize("path", [p for p in FILES if _place(p) in TRADITIONAL], ids=lambda p: p.name)
def test_traditional_script_plans_read_and_quote_the_original(path, results):
    plan = load_plans(str(path))[0]
    assert plan.meta.year in (2022, 2024)
    assert {"seq", "name", "items", "window"} <= plan.columns.keys()
    assert any("繁体" in note for note in plan.notes)
    assert "監" not in "".join(t.text("items") + t.text("name") for t in plan.tasks)  # read simplified
    findings = results[path.name].findings
    quoted = [f for f in findings if f.location.col and (f.location.row, f.location.col) in plan.originals]
    for f in quoted:  # a finding on a converted cell quotes what the plan says, or nothing of it
        original = plan.originals[(f.location.row, f.location.col)].strip()
        assert "「" not in f.message or original in f.message or "」中的" in f.message, f.message


def test_merged_range_is_one_finding_with_its_range():
    path = next((p for p in FILES if p.suffix == ".xlsx" and _place(p) == "亳州市"), None)
    if path is None:
        pytest.skip("亳州 plan not in realplans")
    result = run([str(path)], RunOptions(use_config=False))
    on_j = [f for f in result.findings if f.location.cell == "J3"]
    assert on_j and all(f.location.range == "J3:J5" for f in on_j)
    assert len({f.rule_id for f in on_j}) == len(on_j)  # one finding per rule on the merged cell
    assert not [f for f in result.findings if f.location.cell in ("J4", "J5")]
