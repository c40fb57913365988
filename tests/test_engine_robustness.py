"""Engine behaviour on trouble: one bad file does not cost a batch its results; a profile naming a
missing pack is named; what the reader noticed reaches the user."""

from __future__ import annotations

import shutil

import pytest
from conftest import SAMPLES

from planlint import engine
from planlint.engine import RunOptions, run
from planlint.errors import ConfigError

MODEL = "示范-某县2025年度内部双随机抽查工作计划.xlsx"
ZEZHOU = "泽州县市场监督管理局2023年度内部双随机抽查工作计划.xlsx"


def test_unexpected_error_on_one_file_keeps_the_batch(tmp_path, monkeypatch):
    for name in (MODEL, ZEZHOU):
        shutil.copy(SAMPLES / name, tmp_path / name)
    real = engine.check_file

    def flaky(path, *args):
        if path.endswith(MODEL):
            raise RuntimeError("boom")
        return real(path, *args)

    monkeypatch.setattr(engine, "check_file", flaky)
    result = run([str(tmp_path)], RunOptions(use_config=False))
    by_name = {r.path.rsplit("/", 1)[-1]: r for r in result.reports}
    assert "内部错误" in by_name[MODEL].error and "boom" in by_name[MODEL].error
    assert by_name[ZEZHOU].error is None and by_name[ZEZHOU].findings
    with pytest.raises(RuntimeError):
        run([str(tmp_path)], RunOptions(use_config=False, debug=True))


def test_profile_with_missing_pack_names_the_profile(tmp_path):
    profile = tmp_path / "mine.yaml"
    profile.write_text("profile: mine\npacks: [structure, nosuchpack]\nparams: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        run([str(SAMPLES / MODEL)], RunOptions(profile=str(profile), use_config=False))
    assert "mine" in str(info.value) and "nosuchpack" in str(info.value) and str(profile) in str(info.value)


def test_reader_notes_reach_the_run(tmp_path):
    import openpyxl

    wb = openpyxl.load_workbook(SAMPLES / MODEL)
    wb.active.sheet_state = "hidden"
    wb.create_sheet("封面")["A1"] = "说明"
    wb.active = 1
    path = tmp_path / "hidden.xlsx"
    wb.save(path)
    result = run([str(path)], RunOptions(use_config=False))
    assert any("隐藏" in n and str(path) in n for n in result.notes)
