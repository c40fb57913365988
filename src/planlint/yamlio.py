"""Reading YAML data safely, with errors a rule author can act on (shared by every YAML reader)."""

from __future__ import annotations

from typing import Any

from .errors import ConfigError


def read_yaml(text: str, label: str) -> Any:
    """Parse YAML data (no tags that construct objects). yaml is imported here, not at start-up."""
    import yaml

    # libyaml's loader is ~10× faster; the pure-Python one behaves the same
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"第{mark.line + 1}行第{mark.column + 1}列：" if mark else ""
        problem = exc.problem or str(exc)
        if "could not determine a constructor" in problem:
            problem = "不允许的 YAML 标签（规则文件只能包含数据，不能构造对象），请删去该标签"
        else:
            problem += "；请检查该处的缩进、冒号、引号和括号"
        raise ConfigError(f"YAML 格式错误，{where}{problem}", label) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"YAML 格式错误：{exc}", label) from None
