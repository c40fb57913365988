"""`planlint check` as a user runs it: exit codes, formats, and one-line errors without tracebacks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLES, run_cli

MODEL = "示范-某县2025年度内部双随机抽查工作计划.xlsx"
ZEZHOU = "泽州县市场监督管理局2023年度内部双随机抽查工作计划.xlsx"
PLANLINT = [sys.executable, "-m", "planlint.cli"]


def planlint(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*PLANLINT, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.fixture
def in_process(monkeypatch, capsys):
    """`planlint ARGS` through the console entry point in this process (conftest.run_cli), its
    result shaped like planlint()'s: the same exit codes and output, without an interpreter's
    start-up for each run. planlint() stays where the real process is what is tested."""

    def _run(*args: str) -> subprocess.CompletedProcess:
        code, out, err = run_cli(*args, monkeypatch=monkeypatch, capsys=capsys)
        return subprocess.CompletedProcess(["planlint", *args], code, out, err)

    return _run


def test_clean_plan_exits_zero():
    """The one check in a real `python -m planlint.cli` process: start-up, exit code and report."""
    r = planlint("check", str(SAMPLES / MODEL), "--no-config")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "未发现问题" in r.stdout


def test_findings_exit_one_and_fail_on(tmp_path, in_process):
    target = str(SAMPLES / ZEZHOU)
    assert in_process("check", target, "--no-config").returncode == 1
    # Only warnings selected: below the default --fail-on error …
    assert in_process("check", target, "--no-config", "--select", "stale-year").returncode == 0
    # … but at --fail-on warning they fail; --exit-zero turns findings into 0.
    assert (
        in_process(
            "check", target, "--no-config", "--select", "stale-year", "--fail-on", "warning"
        ).returncode
        == 1
    )
    assert in_process("check", target, "--no-config", "--exit-zero").returncode == 0


def test_json_report_pins_locations(in_process):
    r = in_process(
        "check", str(SAMPLES / ZEZHOU), "--no-config", "-f", "json", "--select", "stale-year,place-mismatch"
    )
    data = json.loads(r.stdout)
    assert data["version"] == 1 and data["summary"]["files"] == 1
    entry = data["files"][0]
    assert entry["plan"]["year"] == 2023 and entry["plan"]["level"] == "county" and entry["tasks"] == 15
    located = {(f["slug"], f["location"]["cell"], f["task"]) for f in entry["findings"]}
    assert ("stale-year", "B8", "6") in located
    assert ("place-mismatch", "J8", "6") in located
    stale = next(f for f in entry["findings"] if f["slug"] == "stale-year")
    assert stale["location"] == {"sheet": "内部计划", "row": 8, "col": 2, "cell": "B8"}
    assert "2023年加油站计量双随机监督检查" in stale["fix"]


@pytest.mark.parametrize(
    ("name", "content", "expect"),
    [
        ("坏.xlsx", b"this is not a zip file", "xlsx"),
        ("空.xlsx", b"", "空"),
        ("无表格.docx", None, "表"),
        ("未知.pdfx", b"%PDF-1.4", "不支持"),
    ],
)
def test_unreadable_input_exit_two_one_line(tmp_path, name, content, expect, in_process):
    path = tmp_path / name
    if content is None:
        import docx

        d = docx.Document()
        d.add_paragraph("这份文件没有表格。")
        d.save(path)
    else:
        path.write_bytes(content)
    r = in_process("check", str(path), "--no-config")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr + r.stdout
    lines = [line for line in (r.stdout + r.stderr).splitlines() if name in line]
    assert lines and expect in " ".join(lines), r.stdout + r.stderr


def test_missing_path_and_unknown_format(tmp_path, in_process):
    r = in_process("check", str(tmp_path / "nope.xlsx"))
    assert r.returncode == 2 and "不存在" in r.stderr and "Traceback" not in r.stderr
    r = in_process("check", str(SAMPLES / MODEL), "-f", "pdf")
    assert r.returncode == 2 and "pdf" in r.stderr


def test_directory_walk_checks_every_sample(tmp_path, in_process):
    r = in_process("check", str(SAMPLES), "--no-config", "-f", "json")
    data = json.loads(r.stdout)
    paths = {Path(f["path"]).name for f in data["files"]}
    assert MODEL in paths and ZEZHOU in paths and len(paths) >= 8
    assert all("error" not in f or not f["error"] for f in data["files"])


def test_input_file_is_never_modified(tmp_path, in_process):
    import hashlib

    target = tmp_path / ZEZHOU
    shutil.copy(SAMPLES / ZEZHOU, target)
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    in_process("check", str(target), "--no-config", "-f", "json")
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before


# ---------------------------------------------------------------- selectors (#20.2)

BAD = Path(__file__).parent / "bad_inputs"


@pytest.mark.parametrize(
    ("args", "where", "hint"),
    [
        (("--select", "PL999"), "--select", "PL9"),
        (("--select", "PL5*"), "--select", "PL5（编号前缀，不加 *）"),
        (("--ignore", "foo-bar"), "--ignore", ""),
        (("--select", "stale-yaer"), "--select", "PL501 stale-year"),
    ],
)
def test_unknown_selector_is_a_usage_error(args, where, hint, monkeypatch, capsys):
    code, out, err = run_cli(
        "check", str(SAMPLES / ZEZHOU), "--no-config", *args, monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 2 and out == ""
    assert f"{where} 中的「{args[1]}」不是已知的规则" in err and hint in err
    assert "编号前缀（PL3）" in err


@pytest.mark.parametrize(
    "config",
    [
        "ignore: [text-normalise]\n",
        "severity: {stale-yeer: info}\n",
        "overrides:\n  - files: '*.xlsx'\n    select: [PL9999]\n",
    ],
)
def test_unknown_selector_in_config_is_an_error(config, tmp_path, monkeypatch, capsys):
    shutil.copy(SAMPLES / ZEZHOU, tmp_path / ZEZHOU)
    (tmp_path / ".planlint.yaml").write_text(config, encoding="utf-8")
    code, _, err = run_cli("check", str(tmp_path / ZEZHOU), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and ".planlint.yaml" in err and "不是已知的规则" in err


def test_selectors_are_case_insensitive(monkeypatch, capsys):
    def slugs(*selectors: str) -> set[str]:
        _, out, _ = run_cli(
            "check",
            str(SAMPLES / ZEZHOU),
            "--no-config",
            "-f",
            "json",
            "--exit-zero",
            *[a for s in selectors for a in ("--select", s)],
            monkeypatch=monkeypatch,
            capsys=capsys,
        )
        return {f["slug"] for entry in json.loads(out)["files"] for f in entry["findings"]}

    assert slugs("pl501") == slugs("PL501") == slugs("STALE-YEAR") == {"stale-year"}
    assert slugs("pl5") == slugs("PL5") and "place-mismatch" in slugs("pl5")


# ---------------------------------------------------------------- discovery (#20.3, #20.4, #21.5)


def _plans(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    folder.mkdir()
    for name in (ZEZHOU, MODEL):
        shutil.copy(SAMPLES / name, folder / name)
    return folder


def _checked(monkeypatch, capsys, *args: str) -> tuple[int, dict, str]:
    code, out, err = run_cli(
        "check", *args, "--no-config", "-f", "json", "--exit-zero", monkeypatch=monkeypatch, capsys=capsys
    )
    return code, json.loads(out), err


def test_own_outputs_are_not_read_back(tmp_path, monkeypatch, capsys):
    plans = _plans(tmp_path)
    code, _, err = run_cli(
        "check",
        str(plans),
        "--no-config",
        "--exit-zero",
        "-f",
        f"xlsx:{plans / 'one.xlsx'}",
        "-f",
        f"json:{plans / 'r.json'}",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 0
    # check says where it wrote each output
    assert f"已写入 xlsx 报告：文件夹 {plans / 'one.xlsx'}（2 个文件各一个 .批注.xlsx 副本）" in err
    assert f"已写入 json 报告：{plans / 'r.json'}" in err
    assert sorted(p.name for p in (plans / "one.xlsx").iterdir()) == sorted(
        f"{Path(n).stem}.批注.xlsx" for n in (ZEZHOU, MODEL)
    )
    run_cli(
        "fix", str(plans / ZEZHOU), "--no-config", "--unsafe-fixes", monkeypatch=monkeypatch, capsys=capsys
    )
    assert (plans / f"{Path(ZEZHOU).stem}.fixed.xlsx").exists()
    _, doc, _ = _checked(monkeypatch, capsys, str(plans))
    assert sorted(Path(f["path"]).name for f in doc["files"]) == sorted([ZEZHOU, MODEL])


def test_same_file_twice_counts_once(monkeypatch, capsys):
    _, once, _ = _checked(monkeypatch, capsys, str(SAMPLES))
    _, twice, _ = _checked(
        monkeypatch, capsys, str(SAMPLES), str(SAMPLES / ZEZHOU), str(SAMPLES / "." / ZEZHOU)
    )
    assert twice["summary"] == once["summary"]
    assert len(twice["files"]) == len(once["files"])


def test_exclude_on_the_command_line_and_in_the_config(tmp_path, monkeypatch, capsys):
    plans = _plans(tmp_path)
    drafts = plans / "草稿"
    drafts.mkdir()
    shutil.copy(SAMPLES / ZEZHOU, drafts / "旧版.xlsx")
    _, doc, _ = _checked(monkeypatch, capsys, str(plans))
    assert len(doc["files"]) == 3
    _, doc, _ = _checked(monkeypatch, capsys, str(plans), "--exclude", "草稿/")
    assert len(doc["files"]) == 2
    _, doc, _ = _checked(monkeypatch, capsys, str(plans), "--exclude", "示范*,草稿")
    assert [Path(f["path"]).name for f in doc["files"]] == [ZEZHOU]
    (plans / ".planlint.yaml").write_text("exclude: ['草稿/', '示范*.xlsx']\n", encoding="utf-8")
    code, out, _ = run_cli(
        "check", str(plans), "-f", "json", "--exit-zero", monkeypatch=monkeypatch, capsys=capsys
    )
    assert [Path(f["path"]).name for f in json.loads(out)["files"]] == [ZEZHOU]
    # a file named explicitly is checked whatever the patterns say
    code, out, _ = run_cli(
        "check",
        str(drafts / "旧版.xlsx"),
        "-f",
        "json",
        "--exit-zero",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert len(json.loads(out)["files"]) == 1


def test_gitignore_is_honoured_in_a_git_work_tree(tmp_path, monkeypatch, capsys):
    plans = _plans(tmp_path)
    (plans / "out").mkdir()
    shutil.copy(SAMPLES / ZEZHOU, plans / "out" / "副本.xlsx")
    (plans / ".gitignore").write_text("out/\n", encoding="utf-8")
    _, doc, _ = _checked(monkeypatch, capsys, str(plans))
    assert len(doc["files"]) == 3  # not a git work tree: .gitignore means nothing
    (tmp_path / ".git").mkdir()
    _, doc, _ = _checked(monkeypatch, capsys, str(plans))
    assert sorted(Path(f["path"]).name for f in doc["files"]) == sorted([ZEZHOU, MODEL])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")
def test_devices_and_fifos_are_skipped_with_a_note(tmp_path, monkeypatch, capsys):
    plans = _plans(tmp_path)
    (plans / "zero.csv").symlink_to("/dev/zero")
    os.mkfifo(plans / "pipe.csv")
    (plans / "gone.xlsx").symlink_to(tmp_path / "nowhere.xlsx")
    code, doc, err = _checked(monkeypatch, capsys, str(plans))
    assert sorted(Path(f["path"]).name for f in doc["files"]) == sorted([ZEZHOU, MODEL])
    assert "zero.csv：设备文件，已跳过" in err and "pipe.csv：命名管道（FIFO），已跳过" in err
    assert "gone.xlsx" in err
    # named explicitly: still not read (it would never end), and nothing else to check is exit 2
    code, out, err = run_cli(
        "check", str(plans / "pipe.csv"), "--no-config", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 2 and "没有找到可检查的文件" in err


# ---------------------------------------------------------------- output plumbing (#20.7, #21.6, #21.17)


def test_two_reports_to_stdout_is_a_usage_error(monkeypatch, capsys):
    code, out, err = run_cli(
        "check",
        str(SAMPLES / MODEL),
        "--no-config",
        "-f",
        "text",
        "-f",
        "json",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 2 and out == "" and "text、json" in err and "-f 格式:路径" in err


def test_fixable_counts(monkeypatch, capsys):
    from planlint.engine import RunOptions, run

    plan = str(SAMPLES / "晋城市市场监管局2025年度双随机抽查工作计划.xlsx")
    result = run([plan], RunOptions(use_config=False))
    safe = sum(1 for f in result.findings if f.edits and all(e.safe for e in f.edits))
    unsafe = sum(1 for f in result.findings if f.edits and not all(e.safe for e in f.edits))
    assert safe and unsafe
    _, _, err = run_cli("check", plan, "--no-config", monkeypatch=monkeypatch, capsys=capsys)
    assert f"其中 {safe} 个问题可用 planlint fix 自动修复（另有 {unsafe} 个可加 --unsafe-fixes 修复）" in err


def test_quiet_hides_notes_and_info(monkeypatch, capsys):
    plan = str(SAMPLES / "原平市2024年度部门联合双随机抽查工作计划.xlsx")
    _, loud, loud_err = run_cli(
        "check", plan, "--no-config", "--exit-zero", monkeypatch=monkeypatch, capsys=capsys
    )
    _, quiet, quiet_err = run_cli(
        "check", plan, "--no-config", "--exit-zero", "-q", monkeypatch=monkeypatch, capsys=capsys
    )
    assert "提示：" in loud_err and "[info]" in loud
    assert quiet_err == "" and "[info]" not in quiet
    assert [line for line in loud.splitlines() if "[error]" in line] == [
        line for line in quiet.splitlines() if "[error]" in line
    ]


def test_one_bad_file_does_not_sink_the_reports_of_the_rest(tmp_path, monkeypatch, capsys):
    plans = _plans(tmp_path)
    shutil.copy(BAD / "truncated.xlsx", plans / "truncated.xlsx")
    out = tmp_path / "out"
    code, _, err = run_cli(
        "check",
        str(plans),
        "--no-config",
        "-f",
        f"xlsx:{out}",
        "-f",
        f"json:{tmp_path / 'r.json'}",
        "-f",
        f"sarif:{tmp_path / 'r.sarif'}",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 2
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert {Path(f["path"]).name for f in doc["files"]} == {ZEZHOU, MODEL, "truncated.xlsx"}
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{Path(n).stem}.批注.xlsx" for n in (ZEZHOU, MODEL)
    )
    assert (tmp_path / "r.sarif").exists()
    # the reason is on stderr too, for a CI log that shows only stderr
    reason = next(f["error"] for f in doc["files"] if f["path"].endswith("truncated.xlsx"))
    assert f"planlint：无法读取 {plans / 'truncated.xlsx'}：{reason}" in err


# ---------------------------------------------------------------- conventions (#20.11)


def test_click_usage_errors_in_chinese(monkeypatch, capsys):
    code, _, err = run_cli("check", str(SAMPLES / MODEL), "--nope", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "没有选项 '--nope'" in err and "用法" in err and "No such option" not in err
    code, _, err = run_cli(
        "check", str(SAMPLES / MODEL), "--fail-on", "bad", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 2 and "的值无效" in err and "不是 'error', 'warning', 'info' 之一" in err
    code, _, err = run_cli("check", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "缺少参数" in err and "Missing" not in err


def test_no_colour_on_a_dumb_terminal(monkeypatch, capsys):
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, out, _ = run_cli("check", str(SAMPLES / ZEZHOU), "--no-config", monkeypatch=monkeypatch, capsys=capsys)
    assert "\x1b[" in out
    monkeypatch.setenv("TERM", "dumb")
    _, out, _ = run_cli("check", str(SAMPLES / ZEZHOU), "--no-config", monkeypatch=monkeypatch, capsys=capsys)
    assert "\x1b[" not in out


def test_github_format_writes_a_job_summary(tmp_path, monkeypatch, capsys):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, _ = run_cli(
        "check", str(SAMPLES), "--no-config", "-f", "github", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 1 and out.startswith("::")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## planlint 检查结果")  # appended, as GitHub expects
    assert "| 计划 | 错误 | 警告 | 提示 |" in text and "| 规则 | 级别 | 数量 |" in text
    assert "泽州县市场监督管理局2023年度内部双随机抽查工作计划.xlsx" in text
    per_type = [out.count(f"::{kind} ") for kind in ("error", "warning", "notice")]
    assert max(per_type) > 10 and "只显示前 10 条注释" in text


def test_config_is_read_once_per_run(tmp_path, monkeypatch, capsys):
    import planlint.config as config

    shutil.copy(SAMPLES / ZEZHOU, tmp_path / ZEZHOU)
    (tmp_path / ".planlint.yaml").write_text("fail_on: warning\nselect: [stale-year]\n", encoding="utf-8")
    calls = []
    real = config.load_config_file
    monkeypatch.setattr(config, "load_config_file", lambda p: calls.append(p) or real(p))
    code, _, _ = run_cli("check", str(tmp_path / ZEZHOU), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1  # the config's fail_on: warning applies to a warning-only run
    assert len(calls) == 1


def test_require_all_covers_the_packs_under_test(tmp_path, monkeypatch, capsys):
    """`test-rules --rules my-pack.yaml --require-all` asks for cases of my-pack's rules, not of the
    bundled ones (which have their own cases in rules/cases/)."""
    pack = tmp_path / "my-pack.yaml"
    pack.write_text(
        "pack: my-pack\nrules:\n  - id: XY101\n    slug: local-typo\n    severity: warning\n    scope: cell\n"
        "    summary: 本地错别字\n    check: {fn: substitute, map: {抽检抽查: 抽查检查}}\n"
        '    message: "「{raw}」有错别字"\n    fix: "改为「{new}」"\n    basis: 本地规定\n'
        "    doc: {what: 错别字, why: 写错, example: 抽检抽查, use_instead: 抽查检查}\n",
        encoding="utf-8",
    )
    cases = tmp_path / "cases"
    cases.mkdir()
    case = cases / "my-pack.yaml"
    case.write_text("cases:\n  - rule: local-typo\n    pass: [{}]\n", encoding="utf-8")
    args = ("test-rules", str(cases), "--rules", str(pack), "--require-all")
    code, out, _ = run_cli(*args, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and out.count("缺少用例") == 1 and "XY101 local-typo" in out
    case.write_text(
        "cases:\n  - rule: local-typo\n    pass: [{}]\n    fail:\n"
        "      - row: {items: 抽检抽查}\n        expect: [D2]\n",
        encoding="utf-8",
    )
    code, out, _ = run_cli(*args, monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and "缺少用例" not in out, out


def test_fix_diff_exits_one_when_it_would_change_something(tmp_path, monkeypatch, capsys):
    plan = SAMPLES / "原平市2024年度部门联合双随机抽查工作计划.xlsx"
    code, out, _ = run_cli("fix", str(plan), "--no-config", "--diff", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and "→" in out
    code, out, _ = run_cli(
        "fix", str(SAMPLES / MODEL), "--no-config", "--diff", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0 and out == ""


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")
def test_superior_that_is_not_a_regular_file_is_an_error(tmp_path, monkeypatch, capsys):
    (tmp_path / "市级.xlsx").symlink_to("/dev/zero")
    code, _, err = run_cli(
        "check",
        str(SAMPLES / MODEL),
        "--no-config",
        "--superior",
        str(tmp_path / "市级.xlsx"),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 2 and "上级计划不是可读取的计划文件" in err and "设备文件" in err


def test_fixable_count_when_only_unsafe_fixes_apply(monkeypatch, capsys):
    _, _, err = run_cli(
        "check",
        str(SAMPLES / ZEZHOU),
        "--no-config",
        "--select",
        "stale-year",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert "其中 1 个问题可用 planlint fix --unsafe-fixes 修复" in err and "其中 0 个" not in err


def test_coverage_note_only_when_the_coverage_rule_runs(monkeypatch, capsys):
    _, _, err = run_cli("check", str(SAMPLES / MODEL), "--no-config", monkeypatch=monkeypatch, capsys=capsys)
    assert "未估算年度抽查覆盖率" in err
    _, _, err = run_cli(
        "check",
        str(SAMPLES / MODEL),
        "--no-config",
        "--ignore",
        "coverage-below-target",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert "未估算年度抽查覆盖率" not in err


def test_a_failing_writer_does_not_cost_the_other_outputs(tmp_path, monkeypatch, capsys):
    import planlint.report.sarif as sarif

    def broken(*_args, **_kw):
        raise RuntimeError("boom")

    monkeypatch.setattr(sarif, "write", broken)
    code, out, err = _run_raw(
        monkeypatch,
        capsys,
        "check",
        str(SAMPLES / MODEL),
        "--no-config",
        "-f",
        f"sarif:{tmp_path / 'r.sarif'}",
        "-f",
        f"json:{tmp_path / 'r.json'}",
    )
    assert code == 2 and (tmp_path / "r.json").exists() and not (tmp_path / "r.sarif").exists()
    assert "写 sarif 报告时 RuntimeError: boom" in err and "Traceback" not in err


def _run_raw(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """Like conftest.run_cli, without its assertion that no internal error is shown."""
    import sys

    from planlint.cli import main

    monkeypatch.setattr(sys, "argv", ["planlint", *args])
    with pytest.raises(SystemExit) as info:
        main()
    out, err = capsys.readouterr()
    return info.value.code, out, err


def test_xlsx_output_never_replaces_an_unreadable_input(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not a workbook")
    shutil.copy(SAMPLES / MODEL, tmp_path / MODEL)
    code, _, err = run_cli(
        "check",
        str(bad),
        str(tmp_path / MODEL),
        "--no-config",
        "-f",
        f"xlsx:{bad}",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 2 and "拒绝覆盖原文件" in err
    assert bad.read_bytes() == b"not a workbook"


def test_a_folder_named_explicitly_is_walked_even_where_gitignore_ignores_it(tmp_path, monkeypatch, capsys):
    """benchmarks/out/ is git-ignored, yet `planlint check benchmarks/out/batch` must check it."""
    repo = tmp_path / "repo"
    (repo / "out" / "batch").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / ".gitignore").write_text("/out/\n", "utf-8")
    shutil.copy(
        SAMPLES / "示范-某县2025年度内部双随机抽查工作计划.xlsx", repo / "out" / "batch" / "plan.xlsx"
    )
    monkeypatch.chdir(repo)
    code, out, err = run_cli(
        "check", "out/batch", "--exit-zero", "-f", "json", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0 and json.loads(out)["summary"]["files"] == 1
    code, out, err = run_cli("check", ".", "--exit-zero", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "没有找到可检查的文件" in err and ".pdf" in err  # from the root, out/ stays ignored


def test_unreadable_reason_reaches_stderr_when_the_text_report_is_piped(tmp_path):
    """#21.17: a CI log may keep only stderr; the text report on a pipe is no reason to stay quiet."""
    bad = tmp_path / "truncated.xlsx"
    shutil.copy(BAD / "truncated.xlsx", bad)
    run = subprocess.run(
        [sys.executable, "-m", "planlint", "check", str(bad), "--no-config"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert run.returncode == 2
    assert "无法读取" in run.stdout
    assert f"planlint：无法读取 {bad}：" in run.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_unreadable_reason_is_said_once_on_a_terminal(tmp_path):
    """A person at a terminal reads the reason in the report; stderr on the same terminal does not repeat it."""
    import pty

    bad = tmp_path / "truncated.xlsx"
    shutil.copy(BAD / "truncated.xlsx", bad)
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "planlint", "check", str(bad), "--no-config", "--no-color"],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the process ends (EIO on Linux)
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.wait(timeout=120) == 2
    shown = b"".join(chunks).decode("utf-8")
    assert shown.count("无法读取：") == 1 and "planlint：无法读取" not in shown, shown
