"""A broken rule pack, profile or config is reported with its path, the rule id and a pointer or
line; nothing in a rule file can run code."""

from __future__ import annotations

import textwrap

import pytest

from planlint.config import load_config_file
from planlint.errors import ConfigError
from planlint.rules.loader import load_pack, load_profile

GOOD_RULE = """
  - id: XX101
    slug: demo-rule
    severity: warning
    scope: cell
    summary: 示例
    check: {fn: required, fields: [name]}
    message: "任务{seq}缺少名称"
    fix: "填写名称"
    basis: "示例文件 一"
    doc: {what: 示例, why: 示例, example: 示例, use_instead: 示例}
"""


def _pack(tmp_path, body: str, name: str = "pack.yaml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(body), encoding="utf-8")
    return p


def _error(fn, *args) -> str:
    with pytest.raises(ConfigError) as info:
        fn(*args)
    return str(info.value)


def test_valid_user_pack_loads(tmp_path):
    rules = load_pack(str(_pack(tmp_path, "pack: demo\nrules:" + GOOD_RULE)))
    assert [r.id for r in rules] == ["XX101"]


def test_invalid_yaml_names_file_and_line(tmp_path):
    p = _pack(tmp_path, "pack: demo\nrules:\n  - id: [unclosed\n")
    msg = _error(load_pack, str(p))
    assert str(p) in msg and "第" in msg and "行" in msg


def test_python_tag_is_refused(tmp_path):
    p = _pack(tmp_path, "pack: demo\nrules: !!python/object/apply:os.system ['echo hacked']\n")
    msg = _error(load_pack, str(p))
    assert "不允许的 YAML 标签" in msg and str(p) in msg


def test_unknown_key_reports_rule_id_and_pointer(tmp_path):
    p = _pack(
        tmp_path, "pack: demo\nrules:" + GOOD_RULE.replace("scope: cell", "scope: cell\n    colour: red")
    )
    msg = _error(load_pack, str(p))
    assert "XX101" in msg and "/rules/0" in msg and "colour" in msg


def test_unknown_primitive_is_refused(tmp_path):
    p = _pack(tmp_path, "pack: demo\nrules:" + GOOD_RULE.replace("fn: required", "fn: eval"))
    msg = _error(load_pack, str(p))
    assert "XX101" in msg and "eval" in msg


def test_primitive_arguments_are_validated(tmp_path):
    p = _pack(
        tmp_path,
        "pack: demo\nrules:" + GOOD_RULE.replace("fields: [name]", "fields: name, pattern: '(a+)+$'"),
    )
    msg = _error(load_pack, str(p))
    assert "XX101" in msg and "/rules/0/check" in msg


def test_template_may_not_reach_private_attributes(tmp_path):
    p = _pack(tmp_path, "pack: demo\nrules:" + GOOD_RULE.replace("任务{seq}缺少名称", "{value.__class__}"))
    msg = _error(load_pack, str(p))
    assert "XX101" in msg and "__class__" in msg


def test_profile_naming_missing_pack(tmp_path):
    p = _pack(tmp_path, "profile: mine\npacks: [structure, nosuchpack]\nparams: {}\n", "mine.yaml")
    profile = load_profile(str(p))
    msg = _error(load_pack, profile.packs[1])
    assert "nosuchpack" in msg


def test_unknown_profile_lists_known_ones():
    msg = _error(load_profile, "atlantis-2025")
    assert "shanxi-2025" in msg


def test_config_unknown_key(tmp_path):
    p = _pack(tmp_path, "profile: shanxi-2025\nselct: [PL1]\n", ".planlint.yaml")
    msg = _error(load_config_file, p)
    assert "selct" in msg and str(p) in msg


def test_template_naming_a_variable_the_check_does_not_provide_is_refused(tmp_path):
    """#16.5: `required` provides no {ratio}; a message naming it would be shown as `{ratio}` in
    every report. The pack is refused with the file, the rule and the variable."""
    p = _pack(tmp_path, "pack: demo\nrules:" + GOOD_RULE.replace("缺少名称", "比例{ratio}缺少名称"))
    msg = _error(load_pack, str(p))
    assert str(p) in msg and "XX101" in msg and "{ratio}" in msg and "/rules/0/message" in msg
    p = _pack(tmp_path, "pack: demo\nrules:" + GOOD_RULE.replace('fix: "填写名称"', 'fix: "改为{new}"'))
    msg = _error(load_pack, str(p))
    assert "XX101" in msg and "{new}" in msg and "/rules/0/fix" in msg


def test_template_variables_a_check_provides_are_accepted(tmp_path):
    """The engine's own variables ({seq}, {place}, and a cell rule's {raw}, {col}), a parameter the
    check names ({param}) and what the primitive declares ({stale}, {value.end}) are fine."""
    rule = GOOD_RULE.replace("fn: required, fields: [name]", "fn: window_year, field: window").replace(
        "缺少名称", "{col}「{raw}」{stale}年{value.end}{place}"
    )
    assert [r.id for r in load_pack(str(_pack(tmp_path, "pack: demo\nrules:" + rule)))] == ["XX101"]
    with_param = GOOD_RULE.replace(
        "fn: required, fields: [name]", "fn: not_after, field: window, param: deadline"
    )
    with_param = with_param.replace("缺少名称", "晚于{param}：{suggested}")
    assert load_pack(str(_pack(tmp_path, "pack: demo\nrules:" + with_param)))[0].id == "XX101"
