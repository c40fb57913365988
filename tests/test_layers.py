"""Requirement layers: each plan gets the national layer and the layers of its own place and year
(or of a named profile, with a note for each it is outside of), the deadline its own notice states,
severity capped by the basis, one finding per problem, minimum task counts for shares."""

from __future__ import annotations

import re
import textwrap

import pytest
from conftest import REPO, SAMPLES, SEEDS, run_cli

from planlint.config import Config
from planlint.engine import RunOptions, build_ruleset, run
from planlint.errors import ConfigError
from planlint.plan import PlanMeta
from planlint.rules.loader import load_profile

REALPLANS = SEEDS.parent / "realplans"
JINCHENG = SAMPLES / "晋城市市场监管局2025年度双随机抽查工作计划.xlsx"
HEADER = "序号,抽查任务名称,抽查事项,抽查对象范围,抽查比例/数量,信用风险分类管理,抽查检查起止时间,发起部门,抽查检查模式"
RISK = "根据企业信用风险分类结果，对低风险、一般风险、较高风险、高风险企业分别递加比例抽查"


def _plan(tmp_path, title: str, rows: list[str], header: str = HEADER, notice: str = ""):
    path = tmp_path / f"{title}.csv"
    path.write_text("\n".join([*([notice] if notice else []), title, header, *rows]) + "\n", encoding="utf-8")
    return path


def _row(i: int, window: str = "3月—10月", risk: str = RISK, name: str = "") -> str:
    return f"{i},{name or f'任务{i}的检查'},检查事项{i},企业{i},5%,{risk},{window},县局{i}股,县抽县查"


def _layers(**meta) -> list[str]:
    rs = build_ruleset(RunOptions(), Config())
    return [layer.name for layer in rs.resolve(PlanMeta(**meta)).applied]


@pytest.mark.parametrize(
    ("meta", "layers"),
    [
        (
            {"place": "泽州县", "region": ("泽州县", "晋城市", "山西省"), "year": 2025},
            ["default", "shanxi-2025", "jincheng-2025"],
        ),
        (
            {
                "place": "高平市",
                "region": ("高平市", "晋城市", "山西省"),
                "year": 2025,
            },  # county-level city of 晋城
            ["default", "shanxi-2025", "jincheng-2025"],
        ),
        ({"place": "长治市", "region": ("长治市", "山西省"), "year": 2025}, ["default", "shanxi-2025"]),
        ({"place": "长治市", "region": ("长治市", "山西省"), "year": 2024}, ["default"]),
        (
            {"place": "原平市", "region": ("原平市", "忻州市", "山西省"), "year": 2024},
            ["default", "yuanping-2024"],
        ),
        (
            {"place": "原平市", "region": ("原平市", "忻州市", "山西省"), "year": 2025},
            ["default", "shanxi-2025"],
        ),
        ({"place": "上高县", "region": ("上高县", "宜春市", "江西省"), "year": 2025}, ["default"]),
        ({"place": "泽州县", "region": ("泽州县", "晋城市", "山西省"), "year": None}, ["default"]),
    ],
)
def test_layers_by_place_and_year(meta, layers):
    assert _layers(**meta) == layers


def test_named_profile_outside_its_place_gives_a_note_and_not_its_rules():
    result = run(
        [str(SAMPLES / "原平市2024年度部门联合双随机抽查工作计划.xlsx")],
        RunOptions(profile="jincheng-2025", use_config=False),
    )
    assert any("jincheng-2025" in n and "不在晋城市" in n for n in result.notes)
    assert any("shanxi-2025" in n and "2024年不在2025年" in n for n in result.notes)
    assert not any("晋市市监" in f.basis or "山西省2025" in f.basis for f in result.findings)
    (report,) = result.reports
    assert [t.rsplit("（", 1)[1].rstrip("）") for t in report.layers] == ["default"]


@pytest.mark.skipif(not REALPLANS.is_dir(), reason="shared/realplans not present")
@pytest.mark.parametrize("profile", [None, "jincheng-2025", "yuanping-2024"])
def test_realplans_get_no_local_rule_of_another_place_or_year(profile):
    """No 山西 or city-local rule on a plan outside 山西 or that city, no 2025 rule on a 2021–2024 plan."""
    files = sorted(str(p) for p in REALPLANS.iterdir() if p.suffix in (".xlsx", ".tsv"))
    options = RunOptions(profile=profile, use_config=False)
    result = run(files, options)
    ruleset = build_ruleset(options, Config())
    local = ("晋", "山西", "原双随机办", "原平", "泽市监", "泽州")
    checked = 0
    for report in result.reports:
        if report.plan is None:
            continue
        checked += 1
        meta = report.plan.meta
        in_shanxi = "山西省" in meta.region
        rules = {r.id: r for r in ruleset.resolve(meta).rules}
        for f in report.findings:
            assert in_shanxi or not any(w in f.basis for w in local), (report.path, f.slug, f.basis)
            rule = rules[f.rule_id]
            assert rule.jurisdiction == "全国" or rule.jurisdiction in meta.region, (report.path, f.slug)
            low, high = rule.years
            assert (low is None or meta.year >= low) and (high is None or meta.year <= high), (
                report.path,
                f.slug,
            )
        for title in report.layers[
            1:
        ]:  # every layer applied beyond the national one is of its place and year
            assert any(place in title for place in meta.region), (report.path, title)
            years = [int(y) for y in re.findall(r"(\d{4})年", title)]
            assert meta.year in years, (report.path, title)
    assert checked >= 8 and any(r.findings for r in result.reports)


@pytest.mark.parametrize(
    ("place", "local"),
    [
        ("泽州县", True),
        ("高平市", True),
        ("长治市", False),
        ("上高县", False),
        ("无为市", False),
        ("重庆市", False),
    ],
)
def test_jincheng_rules_bind_jincheng_and_its_counties_only(tmp_path, place, local):
    """The same late, second-half-heavy, poorly tiered 2025 plan: 晋城's 12月20日, H2 share and 90%
    apply to 晋城's own counties (and county-level cities) and nowhere else."""
    rows = [
        _row(1, "7月—12月31日"),
        _row(2, "8月—11月", risk=""),
        _row(3, "9月—11月"),
        _row(4),
        _row(5, "7月—10月"),
    ]
    path = _plan(tmp_path, f"{place}市场监督管理局2025年度内部双随机抽查工作计划", rows)
    slugs = {f.slug for f in run([str(path)], RunOptions(use_config=False)).findings}
    city_rules = {"window-after-deadline", "h2-concentration", "risk-application-rate"}
    assert (slugs & city_rules == city_rules) if local else not (slugs & city_rules), slugs


@pytest.mark.skipif(not REALPLANS.is_dir(), reason="shared/realplans not present")
def test_shanxi_2021_plan_is_not_held_to_the_2025_programme():
    plan = REALPLANS / "山西省2021年度市场监管领域部门联合双随机抽查工作计划（各市）.xlsx"
    result = run([str(plan)], RunOptions(profile="shanxi-2025", use_config=False))
    assert any("shanxi-2025" in n and "2021年不在2025年" in n for n in result.notes)
    assert not any("山西省2025" in f.basis for f in result.findings)


def test_a_deadline_in_the_plans_own_notice_is_its_own_layer(tmp_path):
    # a plain-text export of the notice with the plan table, as the seeds are
    header = HEADER.replace(",", "\t")
    rows = [_row(1, "3月—11月").replace(",", "\t"), _row(2).replace(",", "\t")]
    text = [
        "上高县市场监督管理局文件",
        "上市监〔2025〕3号",
        "关于印发2025年度双随机抽查工作计划的通知",
        "各股室：各项抽查任务务于10月31日前完成。",
        "",
        "## 上高县市场监督管理局2025年度双随机抽查工作计划",
        "",
        header,
        *rows,
    ]
    path = tmp_path / "上高县2025.txt"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    result = run([str(path)], RunOptions(use_config=False))
    late = [f for f in result.findings if f.slug == "window-after-deadline"]
    assert [f.task_seq for f in late] == ["1"]
    assert late[0].severity == "error"
    assert late[0].basis == "上高县市场监督管理局 上市监〔2025〕3号：各项抽查任务务于10月31日前完成"
    (report,) = result.reports
    assert report.layers[-1].startswith("本计划·上高县·2025年")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not present")
@pytest.mark.parametrize(
    ("number", "place", "deadline", "rate"),
    [
        ("原双随机办〔2024〕2号", "原平市·2024年", "11月30日", 0.95),
        ("晋市市监〔2025〕7号", "晋城市·2025年", "12月20日", 0.90),
    ],
)
def test_a_notice_export_declares_its_own_deadline_and_rate(number, place, deadline, rate):
    seed = next(p for p in SEEDS.glob("*.txt") if number in p.read_text(encoding="utf-8")[:400])
    result = run([str(seed)], RunOptions(use_config=False))
    report = next(r for r in result.reports if r.plan is not None)
    declared = {d.param: d for d in report.plan.meta.declared}
    assert (declared["deadline"].value, declared["deadline"].document) == (deadline, number)
    assert declared["risk_application_rate"].value == rate
    assert report.layers[-1].startswith(f"本计划·{place}")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not present")
def test_a_superior_plans_notice_binds_its_counties_only(tmp_path):
    """晋城's notice (in the superior file) states 12月20日: 泽州县 2025 is held to it under the
    national profile alone; a county of another city is not."""
    superior = next(
        p for p in SEEDS.glob("*.txt") if "晋市市监〔2025〕7号" in p.read_text(encoding="utf-8")[:400]
    )
    zezhou = _plan(
        tmp_path, "泽州县市场监督管理局2025年度内部双随机抽查工作计划", [_row(1, "3月—12月31日"), _row(2)]
    )
    other = _plan(
        tmp_path, "潞城区市场监督管理局2025年度内部双随机抽查工作计划", [_row(1, "3月—12月31日"), _row(2)]
    )
    result = run(
        [str(zezhou), str(other)], RunOptions(profile="default", superior=(str(superior),), use_config=False)
    )
    late = {
        (r.plan.meta.place, f.basis)
        for r in result.reports
        for f in r.findings
        if f.slug == "window-after-deadline"
    }
    assert {place for place, _ in late} == {"泽州县"}
    assert all("晋市市监〔2025〕7号" in basis and "12月20日" in basis for _, basis in late)
    by_place = {r.plan.meta.place: r.layers for r in result.reports}
    assert by_place["泽州县"][-1].startswith("市级·晋城市·2025年（superior）")
    assert len(by_place["潞城区"]) == 1


def test_severity_follows_the_nature_of_the_basis(tmp_path):
    profile = tmp_path / "kpi.yaml"
    profile.write_text(
        textwrap.dedent("""\
        profile: kpi-test
        extends: default
        params: {deadline: {internal: "10月31日"}}
        rules:
          window-after-deadline: {nature: kpi, severity: error, basis: 某市考核办法 第三条}
        """),
        encoding="utf-8",
    )
    rules = {r.slug: r for r in build_ruleset(RunOptions(profile=str(profile)), Config()).rules}
    assert rules["window-after-deadline"].severity == "warning"  # a KPI is never an error
    assert rules["window-after-deadline"].basis == "某市考核办法 第三条"
    jincheng = {r.slug: r for r in build_ruleset(RunOptions(profile="jincheng-2025"), Config()).rules}
    assert jincheng["risk-application-rate"].severity == "warning"  # 晋城's 90% is a local target
    assert jincheng["template-column-missing"].severity == "warning"
    assert jincheng["window-after-deadline"].severity == "error"  # a binding deadline of the city


def test_window_past_deadline_is_not_reported_again_as_late_publicity(tmp_path):
    path = _plan(
        tmp_path,
        "原平市2024年度部门联合双随机抽查工作计划",
        [_row(i) for i in range(1, 5)] + [_row(5, "1月—12月")],
    )
    result = run([str(path)], RunOptions(use_config=False))
    at_g7 = sorted(f.slug for f in result.findings if f.location.cell == "G7")
    assert at_g7 == ["window-after-deadline"]
    # the publicity rule does see it: it only yields to the more specific finding
    result = run([str(path)], RunOptions(use_config=False, ignore=("window-after-deadline",)))
    assert "publicity-after-year-end" in {f.slug for f in result.findings if f.location.cell == "G7"}


def test_rate_counts_every_task_but_lists_only_those_not_reported(tmp_path):
    rows = [
        _row(1),
        _row(2, risk=""),
        _row(3, risk="根据企业信用风险分类结果，对低风险、一般风险、较高风险、"),
        _row(4),
        _row(5),
        _row(6),
    ]
    path = _plan(tmp_path, "泽州县市场监督管理局2025年度内部双随机抽查工作计划", rows)
    (rate,) = [
        f
        for f in run([str(path)], RunOptions(use_config=False)).findings
        if f.slug == "risk-application-rate"
    ]
    assert "4/6" in rate.message and "2、3（均已逐项报告）" in rate.message
    options = RunOptions(use_config=False, ignore=("risk-clause-missing", "risk-clause-incomplete"))
    (rate,) = [f for f in run([str(path)], options).findings if f.slug == "risk-application-rate"]
    assert "4/6" in rate.message and "未达标的任务：2、3" in rate.message and "逐项" not in rate.message


def test_plan_level_shares_need_a_minimum_number_of_tasks(tmp_path):
    rows = [_row(1, "7月—11月"), _row(2, "8月—11月", risk=""), _row(3)]
    path = _plan(tmp_path, "泽州县市场监督管理局2025年度内部双随机抽查工作计划", rows)
    slugs = {f.slug for f in run([str(path)], RunOptions(use_config=False)).findings}
    assert "h2-concentration" not in slugs and "risk-application-rate" not in slugs
    more = rows + [_row(4, "9月—11月"), _row(5)]
    path = _plan(tmp_path, "泽州县市场监督管理局2025年度内部双随机抽查工作计划", more)
    slugs = {f.slug for f in run([str(path)], RunOptions(use_config=False)).findings}
    assert {"h2-concentration", "risk-application-rate"} <= slugs
    path = _plan(tmp_path, "泽州县市场监督管理局2025年度内部双随机抽查工作计划", more)
    options = RunOptions(use_config=False, params={"min_share_tasks": 10})
    slugs = {f.slug for f in run([str(path)], options).findings}
    assert "h2-concentration" not in slugs


def test_unknown_year_is_a_note_naming_the_rules_skipped(tmp_path):
    path = tmp_path / "计划.csv"
    path.write_text("\n".join([HEADER, _row(1), _row(2)]) + "\n", encoding="utf-8")
    result = run([str(path)], RunOptions(use_config=False))
    (note,) = [n for n in result.notes if "未能从标题" in n]
    assert "年度" in note and "所在地" in note and "PL401 risk-clause-missing" in note
    assert "--year" in note


def test_a_place_the_gazetteer_does_not_know_is_a_note():
    result = run(
        [str(SAMPLES / "示范-某县2025年度内部双随机抽查工作计划.xlsx")], RunOptions(use_config=False)
    )
    assert any("「某县」不在行政区划表中" in n for n in result.notes)


def test_coverage_not_held_alone_when_the_province_draws_the_list(tmp_path):
    rows = ["1,企业双随机抽查,登记事项检查,全县企业,1%（抽查名单由省局统一抽取）,,3月—10月,县局,省抽县查"]
    path = _plan(tmp_path, "泽州县市场监督管理局2023年度内部双随机抽查工作计划", rows)
    pop = tmp_path / "pop.csv"
    pop.write_text(
        "地区,对象范围,类别,数量\n泽州县,合计,企业,20000\n泽州县,全县企业,企业,20000\n", encoding="utf-8"
    )
    result = run(
        [str(path)], RunOptions(use_config=False, select=("coverage-below-target",), population=str(pop))
    )
    assert result.findings == []
    assert any("由省级统一抽取" in n and "第四条" in n for n in result.notes)


def _readme_example() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.search(r"```yaml\n(# jiangxi-2025\.yaml.*?)```", text, re.S)[1]


def test_second_province_example_from_the_readme(tmp_path):
    profile = tmp_path / "jiangxi-2025.yaml"
    profile.write_text(_readme_example(), encoding="utf-8")
    assert load_profile(str(profile)).layer.place == "江西省"
    path = _plan(tmp_path, "上高县市场监督管理局2025年度双随机抽查工作计划", [_row(1, "3月—12月"), _row(2)])
    result = run([str(path)], RunOptions(profile=str(profile), use_config=False))
    (late,) = [f for f in result.findings if f.slug == "window-after-deadline"]
    assert late.basis.startswith("江西省市场监督管理局 赣市监〔2025〕××号") and late.severity == "error"
    # the same profile on a 山西 plan: a note, and none of 江西's rules
    result = run([str(JINCHENG)], RunOptions(profile=str(profile), use_config=False))
    assert any("jiangxi-2025" in n and "不在江西省" in n for n in result.notes)
    assert not any("赣市监" in f.basis for f in result.findings)
    # dropped among the bundled layers, it is chosen by place and year
    rs = build_ruleset(RunOptions(), Config())
    rs.candidates.append(load_profile(str(profile)).layer)
    meta = PlanMeta(place="上高县", region=("上高县", "宜春市", "江西省"), year=2025)
    assert [x.name for x in rs.resolve(meta).applied] == ["default", "jiangxi-2025"]


@pytest.mark.parametrize(
    ("rules", "words"),
    [
        (
            "window-after-dedline: {nature: requirement, basis: 某文件 一}",
            ["window-after-dedline", "planlint rules"],
        ),
        (
            "required-column-missing: {nature: template, basis: 某文件 一, args: {colums: [mode]}}",
            ["colums", "fields"],
        ),
    ],
)
def test_a_profile_binding_an_unknown_rule_or_argument_is_refused(tmp_path, rules, words):
    profile = tmp_path / "typo.yaml"
    profile.write_text(f"profile: typo\nextends: default\nrules:\n  {rules}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        build_ruleset(RunOptions(profile=str(profile)), Config())
    assert str(profile) in str(info.value) and all(w in str(info.value) for w in words)


def test_a_profile_place_must_be_a_known_division(tmp_path):
    profile = tmp_path / "x.yaml"
    profile.write_text(
        "profile: x\nextends: default\nlayer: province\nplace: 亚特兰蒂斯省\nissuer: 某局\ndocument: 无\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_profile(str(profile))
    assert "亚特兰蒂斯省" in str(info.value) and str(profile) in str(info.value)


def test_rules_and_explain_show_layer_place_years_and_citation(monkeypatch, capsys):
    code, out, _ = run_cli("rules", monkeypatch=monkeypatch, capsys=capsys)
    assert code in (0, None)
    block = out[out.index("PL301") : out.index("PL302")]
    assert (
        "地方" in block
        and "市级·晋城市·2025年（jincheng-2025）：晋城市市场监督管理局 晋市市监〔2025〕7号 五" in block
    )
    assert (
        "本计划·原平市·2024年（yuanping-2024）："
        "原平市市场监管领域“双随机、一公开”监管工作领导小组办公室 原双随机办〔2024〕2号 五" in block
    )
    block = out[out.index("PL401") : out.index("PL402")]
    assert "全国·2023年起（配置档 default）" in block and "企业信用风险分类管理" in block
    code, out, _ = run_cli(
        "explain", "PL301", "--profile", "jincheng-2025", monkeypatch=monkeypatch, capsys=capsys
    )
    assert "市级·晋城市·2025年（配置档 jincheng-2025）" in out and "晋市市监〔2025〕7号 五" in out
    code, out, _ = run_cli("rules", "-f", "json", monkeypatch=monkeypatch, capsys=capsys)
    import json

    by_slug = {r["slug"]: r for r in json.loads(out)}
    assert by_slug["stale-year"]["layer"] == "national" and by_slug["stale-year"]["jurisdiction"] == "全国"
    bound = {b["profile"]: b for b in by_slug["window-after-deadline"]["bound_by"]}
    assert bound["jincheng-2025"]["jurisdiction"] == "晋城市" and bound["jincheng-2025"]["years"] == {
        "min": 2025,
        "max": 2025,
    }


def test_check_explain_layers(monkeypatch, capsys):
    zezhou = SAMPLES / "泽州县市场监督管理局2023年度内部双随机抽查工作计划.xlsx"
    code, _, err = run_cli(
        "check",
        str(zezhou),
        str(JINCHENG),
        "--explain-layers",
        "--exit-zero",
        "--no-config",
        "--no-cache",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 0
    assert "泽州县 ⊂ 晋城市 ⊂ 山西省，2023年，县级内部计划" in err
    assert "适用：全国·不限年度（default） ← 本计划·泽州县·2023年（zezhou-2023）" in err
    assert "未适用：市级·晋城市·2025年（jincheng-2025）：计划年度2023年不在2025年" in err
    assert (
        "适用：全国·不限年度（default） ← 省级·山西省·2025年（shanxi-2025） ← 市级·晋城市·2025年（jincheng-2025）"
        in err
    )
