"""Load rule packs and profiles from YAML, validate them, and build the enabled rule set.

Files are read with yaml's safe loader (no tags that construct objects, nothing in a rule file can
run code) and validated against the JSON Schemas in rules/schema/ plus each primitive's own argument
schema. A bad file is reported with its path, the rule id and a JSON pointer, as a ConfigError.
The bundled packs are validated by the test suite, so a normal run skips jsonschema (start-up time).
"""

from __future__ import annotations

import importlib.resources
import json
import string
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..bundled import load_yaml
from ..errors import ConfigError
from ..layers import Layer, layer_from_data
from ..templating import names
from ..yamlio import read_yaml
from . import primitives as _primitives  # noqa: F401 - registers the check vocabulary
from .model import Rule, RuleDoc
from .registry import PRIMITIVES
from .selectors import matches

if TYPE_CHECKING:
    if sys.version_info >= (3, 11):
        from importlib.resources.abc import Traversable
    else:
        from importlib.abc import Traversable

BUNDLED = importlib.resources.files("planlint.bundled.rules")
# No profile named: each plan gets the layers of its own place and year (planlint.layers).
AUTO_PROFILE = "auto"
DEFAULT_PROFILE = AUTO_PROFILE
NATIONAL_PROFILE = "default"

__all__ = [
    "AUTO_PROFILE",
    "DEFAULT_PROFILE",
    "NATIONAL_PROFILE",
    "Profile",
    "load_pack",
    "load_profile",
    "read_yaml",
]


def _read_source(source: Path | Traversable, label: str) -> Any:
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("文件不存在", label) from None
    except UnicodeDecodeError:
        raise ConfigError("不是 UTF-8 编码的文本文件，请另存为 UTF-8", label) from None
    except OSError as exc:
        raise ConfigError(f"无法读取（{exc.strerror}）", label) from None
    return read_yaml(text, label)


@cache
def schema(name: str) -> dict:
    return json.loads((BUNDLED / "schema" / f"{name}.schema.json").read_text(encoding="utf-8"))


def validate(
    data: Any, schema_name: str, label: str, *, schema_obj: dict | None = None, prefix: str = ""
) -> None:
    """Validate against a bundled schema; the first error becomes a ConfigError with a JSON pointer."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema_obj or schema(schema_name))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    err = errors[0]
    path = list(err.absolute_path)
    pointer = prefix + "".join(f"/{p}" for p in path) or "/"
    rule_id = ""
    if len(path) >= 2 and path[0] == "rules" and isinstance(data, dict):
        entry = data["rules"][path[1]]
        if isinstance(entry, dict) and entry.get("id"):
            rule_id = f"规则 {entry['id']}，"
    raise ConfigError(f"{rule_id}位置 {pointer}：{_schema_message(err)}", label)


def _schema_message(err: Any) -> str:
    if err.validator == "additionalProperties":
        extra = set(err.instance) - set(err.schema.get("properties", {}))
        return f"未知的键 {', '.join(sorted(map(str, extra)))}"
    if err.validator == "required":
        return f"缺少必需的键（{err.message}）"
    if err.validator == "enum":
        return f"取值应为 {', '.join(map(str, err.validator_value))} 之一，实际为 {err.instance!r}"
    return err.message


_FORMATTER = string.Formatter()


def _check_template(template: str, label: str, rule_id: str, key: str) -> None:
    """Templates are str.format strings; attribute access is allowed, private names are not."""
    try:
        names = [name for _, name, _, _ in _FORMATTER.parse(template) if name]
    except ValueError as exc:
        raise ConfigError(f"规则 {rule_id}，{key} 模板格式错误：{exc}", label) from None
    for name in names:
        if name.startswith("_") or "._" in name or "[" in name:
            raise ConfigError(f"规则 {rule_id}，{key} 模板不允许引用 {{{name}}}", label)


def parse_pack(data: Any, label: str, *, check_schema: bool) -> list[Rule]:
    if check_schema:
        validate(data, "rule", label)
    elif not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise ConfigError("规则包应包含 pack 与 rules 两个键", label)
    rules = []
    for i, entry in enumerate(data["rules"]):
        fn = entry["check"].get("fn")
        prim = PRIMITIVES.get(fn)
        if prim is None:
            known = "、".join(sorted(PRIMITIVES))
            raise ConfigError(
                f"规则 {entry['id']}，位置 /rules/{i}/check/fn：未知的检查函数 {fn!r}（可用：{known}）", label
            )
        if entry["scope"] not in prim.scopes:
            raise ConfigError(
                f"规则 {entry['id']}，位置 /rules/{i}/scope：{fn} 只支持 {'、'.join(sorted(prim.scopes))}",
                label,
            )
        if check_schema:
            try:
                validate(entry["check"], "", label, schema_obj=prim.schema(), prefix=f"/rules/{i}/check")
            except ConfigError as exc:
                raise ConfigError(f"规则 {entry['id']}，{exc.message}", label) from None
        provided = prim.variables(entry["check"])
        for key in ("message", "fix"):
            _check_template(entry[key], label, entry["id"], key)
            unknown = sorted(names(entry[key]) - provided)
            if unknown:
                raise ConfigError(
                    f"规则 {entry['id']}，位置 /rules/{i}/{key}：模板引用的变量 "
                    f"{'、'.join('{' + n + '}' for n in unknown)} 不是检查函数 {fn} 提供的"
                    f"（可用：{'、'.join(sorted(provided))}）",
                    label,
                )
        doc = entry.get("doc") or {}
        rules.append(
            Rule(
                id=entry["id"],
                slug=entry["slug"],
                severity=entry["severity"],
                scope=entry["scope"],
                check=dict(entry["check"]),
                message=entry["message"].strip(),
                fix=entry["fix"].strip(),
                basis=entry["basis"].strip(),
                when=dict(entry.get("when") or {}),
                doc=RuleDoc(**{k: str(v).strip() for k, v in doc.items()}),
                pack=str(data.get("pack", label)),
                summary=entry.get("summary", "").strip(),
                safety=entry.get("safety", ""),
                layer=entry.get("layer", "national"),
                source="default" if entry.get("layer", "national") == "national" else "",
                jurisdiction="全国" if entry.get("layer", "national") == "national" else "",
                yields_to=tuple(entry.get("yields_to") or ()),
            )
        )
    return rules


@dataclass(slots=True)
class Profile:
    """A named profile: its chain of layers, national first, and what they add up to."""

    name: str
    packs: list[str]
    params: dict[str, Any]
    severity: dict[str, str] = field(default_factory=dict)
    description: str = ""
    label: str = ""  # the file it came from, for error messages
    chain: list[Layer] = field(default_factory=list)

    @property
    def layer(self) -> Layer:
        return self.chain[-1]


@cache
def _bundled_names(folder: str) -> tuple[str, ...]:
    """The bundled files of rules/<folder>, listed once per process (a run asks ~20 times)."""
    return tuple(sorted(p.name[:-5] for p in (BUNDLED / folder).iterdir() if p.name.endswith(".yaml")))


def profile_names() -> list[str]:
    """`auto` (layers by the plan's place and year) and the bundled profiles."""
    return [AUTO_PROFILE, *_bundled_names("profiles")]


_AUTO_DESCRIPTION = (
    "按计划所在地和年度自动适用：全国要求，加上计划所在省、市及计划本身印发通知中的要求"
    "（如泽州县2025年计划：全国 ← 山西省2025 ← 晋城市2025）。"
)


def load_profile(name_or_path: str, _seen: tuple[str, ...] = ()) -> Profile:
    """A bundled profile by name, or a profile file by path; `extends` chains the layer above.
    `auto` is the national profile, with the other layers chosen per plan."""
    if name_or_path == AUTO_PROFILE:
        national = load_profile(NATIONAL_PROFILE)
        return Profile(
            AUTO_PROFILE,
            national.packs,
            national.params,
            national.severity,
            _AUTO_DESCRIPTION,
            national.label,
            national.chain,
        )
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.exists():
        data, label, bundled = _read_source(path, str(path)), str(path), False
    else:
        if name_or_path not in profile_names():
            raise ConfigError(
                f"未知的配置档 {name_or_path!r}（可用：{'、'.join(profile_names())}，或给出 .yaml 文件路径）"
            )
        label = f"rules/profiles/{name_or_path}.yaml"
        data, bundled = load_yaml("profiles", f"{name_or_path}.yaml"), True
    if not bundled:
        validate(data, "profile", label)
        _check_place(data, label)
    parent = None
    if data.get("extends"):
        if data["extends"] in _seen or data["extends"] == data["profile"]:
            raise ConfigError(f"配置档 extends 形成循环：{data['extends']}", label)
        parent = load_profile(data["extends"], (*_seen, data["profile"]))
    elif data.get("layer", "national") != "national":
        raise ConfigError("省、市或计划层级的配置档需要 extends（如 extends: default）", label)
    layer = layer_from_data(data, label, parent.layer if parent else None)
    chain = [*(parent.chain if parent else []), layer]
    params = {**(parent.params if parent else {}), **layer.params}
    severity = {**(parent.severity if parent else {}), **layer.severity}
    return Profile(layer.name, list(layer.packs), params, severity, layer.description, label, chain)


def _check_place(data: dict, label: str) -> None:
    """A layer's place must be a division the gazetteer knows, so that plans can be matched to it."""
    place = data.get("place")
    if not place:
        return
    from ..meta import gazetteer

    if gazetteer().lookup(place) is None:
        raise ConfigError(
            f"位置 /place：地名「{place}」不在行政区划表中，请写全称（如 江西省、赣州市、上高县）", label
        )


def bundled_layers() -> list[Layer]:
    """Every bundled layer below the national one: the candidates for a plan's own place and year."""
    layers = []
    for name in _bundled_names("profiles"):
        if name != NATIONAL_PROFILE:
            layer = load_profile(name).layer
            if layer.level != "national":
                layers.append(layer)
    return layers


@cache
def _bundled_pack(name: str) -> tuple[Rule, ...]:
    label = f"rules/core/{name}.yaml"
    return tuple(parse_pack(load_yaml("core", f"{name}.yaml"), label, check_schema=False))


def pack_names() -> list[str]:
    return list(_bundled_names("core"))


def load_pack(name_or_path: str, *, base: Path | None = None) -> list[Rule]:
    """A bundled pack by name, or a user pack file (always schema-validated)."""
    if name_or_path in pack_names():
        return list(_bundled_pack(name_or_path))
    path = Path(name_or_path)
    if base is not None and not path.is_absolute():
        path = base / path
    if not path.exists():
        raise ConfigError(
            f"规则包 {name_or_path!r} 不存在（内置规则包：{'、'.join(pack_names())}），"
            "请检查配置档的 packs、配置文件的 rules 或 --rules 中的名称与路径"
        )
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    rules: list[Rule] = []
    for file in files:
        rules += parse_pack(_read_source(file, str(file)), str(file), check_schema=True)
    return rules


def select_rules(
    rules: Iterable[Rule],
    *,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    severity: Mapping[str, str] | None = None,
) -> list[Rule]:
    """Apply select/ignore and severity overrides ('off' disables a rule)."""
    select, ignore = list(select), list(ignore)
    out = []
    for rule in rules:
        if select and not any(matches(rule, t) for t in select):
            continue
        if any(matches(rule, t) for t in ignore):
            continue
        for token, sev in (severity or {}).items():
            if matches(rule, token):
                # YAML 1.1 reads an unquoted `off` as false
                rule = replace(rule, severity="off" if sev is False else sev)
        if rule.severity != "off":
            out.append(rule)
    return out


def check_unique(rules: list[Rule]) -> None:
    seen: dict[str, str] = {}
    for rule in rules:
        for key in (rule.id, rule.slug):
            if key in seen and seen[key] != rule.pack:
                raise ConfigError(f"规则 {key} 在规则包 {seen[key]} 与 {rule.pack} 中重复定义")
            seen[key] = rule.pack
