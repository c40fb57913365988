"""`planlint diff OLD NEW` on real pairs built from the 泽州 2023 sample: each kind of adjustment is
classified for the 调整报备, renumbering does not look like everything changed, the 调整情况表
opens with the expected rows, and neither input is touched."""

from __future__ import annotations

import hashlib
import json
import shutil

import openpyxl
import pytest
from conftest import SAMPLES, run_cli

from planlint.diff import ADDED, CHANGED, COSMETIC, REMOVED, RENUMBERED, diff_plans
from planlint.pipeline import load_plans

ZEZHOU = SAMPLES / "泽州县市场监督管理局2023年度内部双随机抽查工作计划.xlsx"
FIRST_TASK_ROW = 3  # header on row 2: task n is on row n + 2


def _edit(tmp_path, name, change):
    path = tmp_path / name
    shutil.copy(ZEZHOU, path)
    wb = openpyxl.load_workbook(path)
    change(wb.active)
    wb.save(path)
    return path


def _unmerge(ws):
    """Fill merged cells with their value, as a person does before deleting rows (openpyxl's
    delete_rows, unlike Excel, does not move merged ranges)."""
    for rng in list(ws.merged_cells.ranges):
        if rng.min_row < 2:
            continue
        value = ws.cell(rng.min_row, rng.min_col).value
        ws.unmerge_cells(str(rng))
        for row in ws.iter_rows(min_row=rng.min_row, max_row=rng.max_row, min_col=rng.min_col, max_col=rng.max_col):
            for cell in row:
                cell.value = value


def _diff(old, new):
    return diff_plans(load_plans(str(old))[0], load_plans(str(new))[0])


def _statuses(d):
    return {td.seq: td.status for td in d.tasks if td.status != "unchanged"}


def test_removed_task_and_renumbering(tmp_path):
    def remove_task_3(ws):
        _unmerge(ws)
        ws.delete_rows(3 + 2)
        for seq, row in enumerate(range(5, 5 + 12), start=3):  # old tasks 4..15 become 3..14
            ws.cell(row, 1, seq)

    new = _edit(tmp_path, "new.xlsx", remove_task_3)
    d = _diff(ZEZHOU, new)
    removed = d.by_status(REMOVED)
    assert [td.old_seq for td in removed] == ["3"] and "计量单位使用情况" in removed[0].name
    assert len(d.by_status(RENUMBERED)) == 12
    assert d.by_status(CHANGED) == [] and d.by_status(ADDED) == []


def test_ratio_lowered_window_postponed_cosmetic(tmp_path):
    def edits(ws):
        ws.cell(2 + FIRST_TASK_ROW - 1, 6, "3%")  # task 2: 100% → 3%
        ws.cell(3 + FIRST_TASK_ROW - 1, 8, "5月—12月31日")  # task 3: 5月—9月 → past 12月20日
        ws.cell(4 + FIRST_TASK_ROW - 1, 4, "计量监督检查；")  # task 4: punctuation only

    new = _edit(tmp_path, "new.xlsx", edits)
    d = _diff(ZEZHOU, new)
    by_seq = {td.seq: td for td in d.tasks}
    assert _statuses(d) == {"2": CHANGED, "3": CHANGED, "4": COSMETIC}
    assert "ratio-lowered" in by_seq["2"].kinds
    assert "window-postponed" in by_seq["3"].kinds


@pytest.fixture
def run_cli_args(monkeypatch, capsys):
    def run(*args):
        return run_cli(*args, "--no-config", monkeypatch=monkeypatch, capsys=capsys)

    return run


def test_cli_text_json_and_new_findings(tmp_path, run_cli_args):
    new = _edit(tmp_path, "new.xlsx", lambda ws: ws.cell(5, 8, "5月—12月31日"))
    code, out, _ = run_cli_args("diff", str(ZEZHOU), str(new))
    assert code == 0 and "延期" in out and "window-after-deadline" in out
    code, out, _ = run_cli_args("diff", str(ZEZHOU), str(new), "-f", "json")
    data = json.loads(out)
    assert code == 0 and data["version"] == 1
    (changed,) = [t for p in data["plans"] for t in p["tasks"] if t["status"] == "changed"]
    assert "window-postponed" in changed["kinds"]
    assert any(f["slug"] == "window-after-deadline" for f in changed["findings"])
    assert any("PL301" in c["findings"] for c in changed["changes"] if c["field"] == "window")


def test_filing_table_and_inputs_untouched(tmp_path, monkeypatch, capsys):
    def edits(ws):
        ws.cell(4, 6, "3%")  # task 2 ratio lowered
        _unmerge(ws)
        ws.delete_rows(15)  # task 13 removed

    new = _edit(tmp_path, "new.xlsx", edits)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (ZEZHOU, new)}
    out = tmp_path / "调整情况表.xlsx"
    code, _, _ = run_cli("diff", str(ZEZHOU), str(new), "-f", "xlsx", "-o", str(out), "--no-config",
                         monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0
    ws = openpyxl.load_workbook(out)["调整情况表"]
    header = [c.value for c in ws[2]]
    assert header == ["序号", "任务名称", "调整类型", "调整前", "调整后", "调整理由"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3) if any(c.value for c in r)]
    kinds = {r[0]: r[2] for r in rows}
    assert "抽查比例降低" in kinds["2"]
    assert any(k.startswith("原13") and "取消" in v for k, v in kinds.items())
    assert all(r[5] in (None, "") for r in rows)  # 调整理由 is left for the office to fill
    assert before == {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (ZEZHOU, new)}


def test_unreadable_input_exits_two(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    code, out, err = run_cli("diff", str(ZEZHOU), str(bad), "--no-config", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "bad.xlsx" in err


def test_html_diff_is_a_page_with_the_changes(tmp_path, run_cli_args):
    new = _edit(tmp_path, "new.xlsx", lambda ws: ws.cell(5, 8, "5月—12月31日<script>"))
    code, out, _ = run_cli_args("diff", str(ZEZHOU), str(new), "-f", "html")
    assert code == 0 and out.lstrip().lower().startswith("<!doctype html")
    assert "延期" in out or "抽查时间" in out
    # the cell text comes out escaped, never as markup
    assert "12月31日<script>" not in out and "12月31日&lt;script&gt;" in out
