"""`planlint diff OLD NEW` on real pairs built from the seeds (泽州 2023, 晋城 2025, the model plan):
each kind of adjustment is classified for the 调整报备, renumbering does not look like everything
changed, the 调整情况表 opens with the expected rows, and neither input is touched. Tests pin
status and kind codes, not the Chinese wording."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from conftest import SAMPLES, run_cli

from planlint.diff import (
    ADDED,
    CHANGED,
    COSMETIC,
    REMOVED,
    RENUMBERED,
    UNCHANGED,
    PlanDiff,
    compare_field,
    diff_plans,
    normalize,
)
from planlint.diffreport import HEADERS, filing_rows
from planlint.fields import parse
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
        for row in ws.iter_rows(
            min_row=rng.min_row, max_row=rng.max_row, min_col=rng.min_col, max_col=rng.max_col
        ):
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
    # as a 2025 plan, 泽州县 is bound by 晋城市's 2025 deadline (12月20日)
    code, out, _ = run_cli_args("diff", str(ZEZHOU), str(new), "--year", "2025")
    assert code == 0 and "延期" in out and "window-after-deadline" in out
    code, out, _ = run_cli_args("diff", str(ZEZHOU), str(new), "--year", "2025", "-f", "json")
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
    code, _, _ = run_cli(
        "diff",
        str(ZEZHOU),
        str(new),
        "-f",
        "xlsx",
        "-o",
        str(out),
        "--no-config",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
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


def test_html_diff_is_a_page_with_the_changes(tmp_path, run_cli_args):
    new = _edit(tmp_path, "new.xlsx", lambda ws: ws.cell(5, 8, "5月—12月31日<script>"))
    code, out, _ = run_cli_args("diff", str(ZEZHOU), str(new), "-f", "html")
    assert code == 0 and out.lstrip().lower().startswith("<!doctype html")
    assert "延期" in out or "抽查时间" in out
    # the cell text comes out escaped, never as markup
    assert "12月31日<script>" not in out and "12月31日&lt;script&gt;" in out


# --- more seed pairs: 晋城 2025 and the model plan ----------------------------------------


JINCHENG = (
    "晋城市市场监管局2025年度双随机抽查工作计划.xlsx"  # row 2 header, tasks 1-4 rows 3-6, header again row 7
)
MODEL = "示范-某县2025年度内部双随机抽查工作计划.xlsx"  # tasks 1-10 in rows 3-12
COL = {"seq": 1, "name": 2, "items": 4, "scope": 5, "quota": 6, "window": 8, "mode": 11}


def edited(tmp_path: Path, sample: str, edit: Callable, name: str = "new.xlsx") -> tuple[Path, Path]:
    """(old, new): a copy of the sample, and a second copy changed by `edit(worksheet)`."""
    old = tmp_path / "old.xlsx"
    shutil.copy(SAMPLES / sample, old)
    wb = openpyxl.load_workbook(old)
    edit(wb.active)
    new = tmp_path / name
    wb.save(new)
    return old, new


def row_of(ws, seq: int) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == seq)


def set_cell(ws, seq: int, key: str, value: str) -> None:
    ws.cell(row_of(ws, seq), COL[key]).value = value


def delete_and_renumber(ws, seq: int) -> None:
    ws.delete_rows(row_of(ws, seq))
    for r in range(1, ws.max_row + 1):
        v = ws.cell(r, 1).value
        if isinstance(v, int) and v > seq:
            ws.cell(r, 1).value = v - 1


def diff_files(old: Path, new: Path) -> PlanDiff:
    return diff_plans(load_plans(str(old))[0], load_plans(str(new))[0])


def statuses(d: PlanDiff) -> dict[str, list[tuple[str | None, str | None]]]:
    out: dict[str, list] = {}
    for td in d.tasks:
        out.setdefault(td.status, []).append((td.old_seq, td.new_seq))
    return out


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- classification on seed pairs ---------------------------------------------------------------


def test_same_file_has_no_changes():
    d = diff_files(SAMPLES / JINCHENG, SAMPLES / JINCHENG)
    assert {td.status for td in d.tasks} == {UNCHANGED}
    assert d.summary()["unchanged"] == 10


def test_delete_and_renumber_is_one_removal_plus_renumbering(tmp_path):
    old, new = edited(tmp_path, JINCHENG, lambda ws: delete_and_renumber(ws, 3))
    s = statuses(diff_files(old, new))
    assert s[REMOVED] == [("3", None)]
    assert s[RENUMBERED] == [(str(i), str(i - 1)) for i in range(4, 11)]
    assert s[UNCHANGED] == [("1", "1"), ("2", "2")]
    assert set(s) == {REMOVED, RENUMBERED, UNCHANGED}


def test_removed_task_without_renumbering(tmp_path):
    old, new = edited(tmp_path, JINCHENG, lambda ws: ws.delete_rows(row_of(ws, 6)))
    s = statuses(diff_files(old, new))
    assert s[REMOVED] == [("6", None)]
    assert set(s) == {REMOVED, UNCHANGED}


def test_ratio_lowered(tmp_path):
    old, new = edited(tmp_path, JINCHENG, lambda ws: set_cell(ws, 1, "quota", "不低于10%"))
    d = diff_files(old, new)
    [td] = d.by_status(CHANGED)
    assert (td.old_seq, td.new_seq, td.kinds) == ("1", "1", ["ratio-lowered"])
    [change] = td.changes
    assert (change.key, change.old, change.new) == ("quota", "不低于30%", "不低于10%")


def test_renumbered_and_changed_stays_paired(tmp_path):
    def edit(ws):
        set_cell(ws, 5, "quota", "50%")  # 100% → 50%, then task 3 goes and 5 becomes 4
        delete_and_renumber(ws, 3)

    d = diff_files(*edited(tmp_path, JINCHENG, edit))
    [td] = d.by_status(CHANGED)
    assert (td.old_seq, td.new_seq, td.kinds, td.renumbered) == ("5", "4", ["ratio-lowered"], True)
    assert len(d.by_status(REMOVED)) == 1 and not d.by_status(ADDED)


def test_window_postponed(tmp_path):
    old, new = edited(tmp_path, JINCHENG, lambda ws: set_cell(ws, 1, "window", "3月—12月"))
    [td] = diff_files(old, new).by_status(CHANGED)
    assert td.kinds == ["window-postponed", "window-extended"]


def test_cosmetic_edits_are_kept_apart(tmp_path):
    def edit(ws):
        r = row_of(ws, 5)
        ws.cell(r, COL["items"]).value = ws.cell(r, COL["items"]).value.replace(";", "；")
        set_cell(ws, 2, "scope", "本省直销企业 及 驻晋直销企业省级分支机构 ")
        set_cell(ws, 1, "quota", "30%以上")  # same value as 不低于30%, other wording

    d = diff_files(*edited(tmp_path, JINCHENG, edit))
    s = statuses(d)
    assert s[COSMETIC] == [("1", "1"), ("2", "2"), ("5", "5")]
    assert CHANGED not in s
    assert filing_rows([d]) == []


def test_added_task_and_scope_widened(tmp_path):
    def edit(ws):
        set_cell(ws, 4, "scope", "全省广播电台、电视台、报刊出版单位、互联网广告发布者")
        set_cell(ws, 6, "mode", "市抽县查")
        ws.append(
            [
                11,
                "对网络交易平台内经营者的双随机抽查",
                "定向",
                "网络交易监督检查",
                "本辖区网络经营者",
                "不低于5%",
                "根据企业信用风险分类结果，对低风险、一般风险、较高风险、高风险企业分别递加比例抽查",
                "4月—10月",
                "市局组织发起",
                "市市场监管局",
                "市抽市查",
            ]
        )

    d = diff_files(*edited(tmp_path, JINCHENG, edit))
    assert [(td.new_seq, td.kinds) for td in d.by_status(ADDED)] == [("11", ["added"])]
    assert {td.new_seq: td.kinds for td in d.by_status(CHANGED)} == {
        "4": ["scope-widened"],
        "6": ["mode-changed"],
    }


@pytest.mark.parametrize(
    ("key", "old", "new", "kinds"),
    [
        ("quota", "5%；1次/年", "5%；2次/年", ("frequency-raised",)),
        ("quota", "不低于5%；1次/季度", "不低于5%；1次/年", ("frequency-lowered",)),
        ("quota", "不低于5%", "不低于8%", ("ratio-raised",)),
        ("window", "3月—11月", "3月—9月", ("window-brought-forward", "window-shortened")),
        ("window", "4月—8月", "5月—9月", ("window-postponed",)),
        ("window", "4月—8月", "2月—8月", ("window-extended",)),
        ("mode", "市抽市查", "市抽县查", ("mode-changed",)),
        ("scope", "全县加油站、油库", "全县加油站", ("scope-narrowed",)),
        ("scope", "全县在用计量器具", "全县在用计量器具(除眼镜配制单位、加油站)", ("scope-narrowed",)),
        ("scope", "全县加油站", "城区加油站", ("scope-changed",)),
        ("initiator", "市局组织发起", "县局组织发起", ("initiator-changed",)),
    ],
)
def test_field_classification(key, old, new, kinds):
    kind = {"scope": "text", "initiator": "text"}.get(key, key)
    values = (None, None) if kind == "text" else (parse(kind, old), parse(kind, new))
    change = compare_field(key, old, new, *values, 2025)
    assert change is not None and not change.cosmetic
    assert change.kinds == kinds


def test_normalize_folds_only_form():
    assert normalize("不低于5%；1次/年") == normalize("不低于5% ; 1次/年")
    assert normalize("根据结果，对低风险") == normalize("根据结果,对低风险")
    assert normalize("1.5%") != normalize("15%")
    assert compare_field(
        "quota", "10%", "1.0%", parse("quota", "10%"), parse("quota", "1.0%"), 2025
    ).kinds == ("ratio-lowered",)


# --- the command ----------------------------------------------------------------------------------


def test_cli_marks_new_finding_and_writes_filing_table(tmp_path, run_cli_args):
    def edit(ws):
        set_cell(ws, 10, "window", "9月—12月31日")  # past the profile's 12月20日
        set_cell(ws, 4, "quota", "不低于5%；1次/年")
        delete_and_renumber(ws, 3)
        r = row_of(ws, 1)
        ws.cell(r, 7).value = ws.cell(r, 7).value.replace("，", ", ")

    old, new = edited(tmp_path, MODEL, edit)
    before = sha(old), sha(new)
    # 某县 is no real place: a profile without a place binds a deadline wherever it is named
    profile = tmp_path / "deadline.yaml"
    profile.write_text(
        "profile: deadline-1220\nextends: default\nparams: {deadline: {internal: 12月20日}}\n"
        "rules:\n  window-after-deadline: {nature: requirement, basis: 晋市市监〔2025〕7号 五}\n",
        encoding="utf-8",
    )

    code, out, err = run_cli_args("diff", str(old), str(new), "--profile", str(profile), "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert (doc["version"], doc["tool"], doc["command"]) == (1, "planlint", "diff")
    [plan] = doc["plans"]
    counts = plan["summary"]
    assert counts["new_findings"] >= 1
    assert {k: v for k, v in counts.items() if k != "new_findings"} == {
        "added": 0,
        "removed": 1,
        "changed": 2,
        "cosmetic": 1,
        "renumbered": 5,
        "unchanged": 1,
    }
    tasks = {(t["old_seq"], t["new_seq"]): t for t in plan["tasks"]}
    late = tasks[("10", "9")]
    assert late["status"] == "changed" and "window-postponed" in late["kinds"]
    [window] = late["changes"]
    assert window["field"] == "window" and "PL301" in window["findings"]
    assert any(f["slug"] == "window-after-deadline" for f in late["findings"])
    assert tasks[("4", "3")]["kinds"] == ["ratio-lowered"]
    assert tasks[("3", None)]["status"] == "removed"
    assert tasks[("1", "1")]["status"] == "cosmetic"

    code, text, _ = run_cli_args("diff", str(old), str(new), "--profile", str(profile))
    assert code == 0
    for heading in ("【取消】", "【调整】", "【仅文字调整】", "【仅序号变化】", "window-after-deadline"):
        assert heading in text

    table = tmp_path / "调整情况表.xlsx"
    code, _, err = run_cli_args(
        "diff", str(old), str(new), "--profile", str(profile), "-f", "xlsx", "-o", str(table)
    )
    assert code == 0, err
    ws = openpyxl.load_workbook(table)["调整情况表"]
    assert "调整情况表" in ws["A1"].value
    assert tuple(c.value for c in ws[2]) == HEADERS
    assert ws["A2"].font.bold and ws.column_dimensions["D"].width >= 30
    rows = [tuple(c.value for c in row) for row in ws.iter_rows(min_row=3)]
    assert [(row[0], row[2]) for row in rows] == [
        ("原3", "取消任务"),
        ("3", "抽查比例降低、序号调整"),
        ("9", "延期、抽查时间延长、序号调整"),
    ]
    assert all(row[5] is None for row in rows)  # 调整理由: for the office to fill
    assert "9月—12月20日" in rows[2][3] and "9月—12月31日" in rows[2][4]

    html = tmp_path / "diff.html"
    assert run_cli_args("diff", str(old), str(new), "-f", "html", "-o", str(html))[0] == 0
    assert "抽查工作计划调整情况" in html.read_text(encoding="utf-8")

    assert (sha(old), sha(new)) == before


def test_cli_never_writes_over_an_input(tmp_path, run_cli_args):
    old, new = edited(tmp_path, MODEL, lambda ws: set_cell(ws, 1, "quota", "不低于3%；1次/年"))
    before = sha(new)
    code, _, err = run_cli_args("diff", str(old), str(new), "-f", "xlsx", "-o", str(new))
    assert code == 2 and "不会覆盖输入文件" in err
    assert sha(new) == before


def test_cli_unreadable_input_is_one_line_exit_two(tmp_path, run_cli_args):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    code, _, err = run_cli_args("diff", str(SAMPLES / MODEL), str(bad))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "bad.xlsx" in err
    code, _, err = run_cli_args("diff", str(SAMPLES / MODEL), str(tmp_path / "missing.xlsx"))
    assert code == 2 and "不存在" in err
