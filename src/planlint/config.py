"""Project configuration: `.planlint.yaml` / `planlint.yaml` found upward from the checked file, or
`[tool.planlint]` in pyproject.toml. CLI flags win over the config; per-glob overrides refine it.

The file is read once per run into a frozen, typed `Config`; nothing downstream sees the raw dict.
"""

from __future__ import annotations

import fnmatch
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from .errors import ConfigError
from .rules.loader import read_yaml, validate


def _toml() -> ModuleType:
    """The TOML parser, imported only for a pyproject.toml (most runs read none)."""
    if sys.version_info >= (3, 11):
        try:
            import tomllib

            return tomllib
        except ModuleNotFoundError:  # tomllib blocked (test_config simulates Python 3.10 this way)
            pass
    import tomli  # Python 3.10: the same parser, published separately

    return tomli


CONFIG_NAMES = (".planlint.yaml", "planlint.yaml")

# A config is a few dozen values. YAML aliases let a few hundred bytes stand for billions of nodes
# (the "billion laughs"); anything that expands beyond this is refused before it is validated.
MAX_CONFIG_NODES = 100_000


class Frozen(Mapping[str, Any]):
    """A read-only mapping that pickles (MappingProxyType does not, and a Config goes to every
    `--jobs` process)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self._data = dict(data or {})

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"Frozen({self._data!r})"

    def __reduce__(self) -> tuple:
        return (Frozen, (self._data,))


_EMPTY: Mapping[str, Any] = Frozen()


def _empty() -> Mapping[str, Any]:
    return _EMPTY


@dataclass(frozen=True, slots=True)
class Override:
    """Settings for the files matching one of `files` (globs on the path relative to the config)."""

    files: tuple[str, ...]
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=_empty)
    meta: Mapping[str, Any] = field(default_factory=_empty)

    def matches(self, rel: str) -> bool:
        name = Path(rel).name
        return any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(name, g) for g in self.files)


@dataclass(frozen=True, slots=True)
class Waiver:
    """A finding the plan's owner has accounted for: a rule, optionally narrowed to a file glob,
    a task and a cell, with the reason."""

    rule: str
    reason: str
    file: str | None = None
    task: str | None = None
    cell: str | None = None

    def describe(self) -> str:
        parts = {"rule": self.rule, "file": self.file, "task": self.task, "cell": self.cell}
        return "、".join(f"{k}={v}" for k, v in parts.items() if v is not None)


@dataclass(frozen=True, slots=True)
class Config:
    """The settings of one run, from the config file (or none). Paths written in the file are
    resolved against the file's folder when it is read."""

    path: Path | None = None  # the file it came from
    profile: str | None = None
    rules: tuple[str, ...] = ()  # extra rule packs, as written (load_pack resolves them against `base`)
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=_empty)
    params: Mapping[str, Any] = field(default_factory=_empty)
    meta: Mapping[str, Any] = field(default_factory=_empty)
    superior: str | None = None
    population: str | None = None
    item_list: str | None = None  # a 抽查事项清单 (planlint.itemlist)
    baseline: str | None = None
    fail_on: str | None = None
    exclude: tuple[str, ...] = ()  # gitignore-style patterns, relative to the config folder
    overrides: tuple[Override, ...] = ()
    waivers: tuple[Waiver, ...] = ()

    @property
    def base(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    @property
    def label(self) -> str:
        return str(self.path) if self.path else "命令行"

    def relative(self, path: str) -> str:
        """The checked file's path relative to the config folder, for globs and waivers."""
        p = Path(path).resolve()
        try:
            return p.relative_to(self.base.resolve()).as_posix()
        except ValueError:
            return Path(path).as_posix()

    def overrides_for(self, path: str) -> list[Override]:
        if not self.overrides:
            return []  # the common case, without resolving the path (once per file and rule phase)
        rel = self.relative(path)
        return [ov for ov in self.overrides if ov.matches(rel)]

    def selectors(self) -> list[tuple[str, str]]:
        """Every rule selector the file names, with where it is written (for unknown-name errors)."""
        out = [(t, f"{self.label} 的 select") for t in self.select]
        out += [(t, f"{self.label} 的 ignore") for t in self.ignore]
        out += [(t, f"{self.label} 的 severity") for t in self.severity]
        for i, ov in enumerate(self.overrides, 1):
            where = f"{self.label} 的 overrides 第{i}项"
            out += [(t, where) for t in (*ov.select, *ov.ignore, *ov.severity)]
        return out


def _count_nodes(data: Any, label: str) -> None:
    """Refuse data whose aliases expand past MAX_CONFIG_NODES (walked as the validator would)."""
    count = 0
    stack = [data]
    while stack:
        item = stack.pop()
        count += 1
        if count > MAX_CONFIG_NODES:
            raise ConfigError(
                f"配置内容展开后超过 {MAX_CONFIG_NODES} 项（YAML 别名 * 引用过多），不像是配置文件；"
                "请去掉别名，直接写出各项设置",
                label,
            )
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _frozen(mapping: Any) -> Mapping[str, Any]:
    return Frozen(mapping) if mapping else _EMPTY


def from_data(data: dict[str, Any], path: Path | None) -> Config:
    """A validated config dict (see rules/schema/config.schema.json) as a Config."""
    base = path.parent if path else Path.cwd()

    def resolve(value: str | None) -> str | None:
        if not value:
            return None
        p = Path(value)
        return str(p if p.is_absolute() else base / p)

    overrides = tuple(
        Override(
            files=(ov["files"],) if isinstance(ov["files"], str) else tuple(ov["files"]),
            select=tuple(ov.get("select") or ()),
            ignore=tuple(ov.get("ignore") or ()),
            # YAML 1.1 reads an unquoted `off` as false
            severity=_frozen({k: "off" if v is False else v for k, v in (ov.get("severity") or {}).items()}),
            meta=_frozen(ov.get("meta")),
        )
        for ov in data.get("overrides") or ()
    )
    waivers = tuple(
        Waiver(
            w["rule"],
            w["reason"],
            w.get("file"),
            None if w.get("task") is None else str(w["task"]),
            w.get("cell"),
        )
        for w in data.get("waivers") or ()
    )
    return Config(
        path=path,
        profile=data.get("profile"),
        rules=tuple(data.get("rules") or ()),
        select=tuple(data.get("select") or ()),
        ignore=tuple(data.get("ignore") or ()),
        severity=_frozen({k: "off" if v is False else v for k, v in (data.get("severity") or {}).items()}),
        params=_frozen(data.get("params")),
        meta=_frozen(data.get("meta")),
        superior=resolve(data.get("superior")),
        population=resolve(data.get("population")),
        item_list=resolve(data.get("item_list")),
        baseline=resolve(data.get("baseline")),
        fail_on=data.get("fail_on"),
        exclude=tuple(data.get("exclude") or ()),
        overrides=overrides,
        waivers=waivers,
    )


def load_config_file(path: Path) -> Config:
    label = str(path)
    if path.name == "pyproject.toml":
        toml = _toml()
        try:
            data = toml.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("planlint")
        except (toml.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"pyproject.toml 格式错误：{exc}", label) from None
        except OSError as exc:
            raise ConfigError(f"无法读取配置文件（{exc.strerror}）", label) from None
        if data is None:
            return Config()
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"无法读取配置文件（{exc.strerror}）", label) from None
        except UnicodeDecodeError:
            raise ConfigError("配置文件不是 UTF-8 编码，请另存为 UTF-8", label) from None
        data = read_yaml(text, label)
        if data is None:
            data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            "配置文件的内容应是一组「名称: 值」的设置（如 select: [stale-year]），"
            f"而不是{'列表' if isinstance(data, list) else '单个值'}",
            label,
        )
    _count_nodes(data, label)
    validate(data, "config", label)
    return from_data(data, path)


def find_config(start: str | Path) -> Config:
    """The nearest config above `start` (a file or folder); an empty Config when there is none."""
    here = Path(start).resolve()
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return load_config_file(candidate)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            cfg = load_config_file(pyproject)
            if cfg.path is not None:
                return cfg
    return Config()


def check_params(
    given: Mapping[str, Any], defaults: Sequence[Mapping[str, Any]], label: str, prefix: str = ""
) -> None:
    """Parameters set in a config must be ones the profiles know, in a shape one of them gives it: a
    number where a profile has a number, text where it has text, a table where it has a table (null
    is always allowed: it turns the parameter off). Rules read parameters without further checks,
    so a wrong type here would surface as an internal error there. `defaults`: the params of every
    profile layer that may apply."""
    for key, value in given.items():
        name = f"{prefix}{key}"
        shapes = [d[key] for d in defaults if key in d]
        if not shapes:
            known = "、".join(sorted({k for d in defaults for k in d})) or "（无）"
            raise ConfigError(f"params 中没有参数「{name}」；可设置的参数：{known}", label)
        _check_value(value, [s for s in shapes if s is not None], label, name)


def _check_value(value: Any, shapes: list[Any], label: str, name: str) -> None:
    if not shapes or value is None:
        return
    tables = [s for s in shapes if isinstance(s, dict)]
    if isinstance(value, dict):
        if not tables:
            raise ConfigError(f"params.{name} 应为{_kind(shapes[0])}，实际为一组设置", label)
        check_params(value, tables, label, f"{name}.")
        return
    if any(_same_kind(value, s) for s in shapes if not isinstance(s, dict)):
        return
    if tables and len(tables) == len(shapes):
        example = "、".join(dict.fromkeys(k for t in tables for k in t))
        raise ConfigError(f"params.{name} 应为一组设置（如 {{{example}: …}}），实际为「{value!r}」", label)
    raise ConfigError(
        f"params.{name} 应为{_kind(next(s for s in shapes if not isinstance(s, dict)))}，实际为「{value!r}」",
        label,
    )


def _same_kind(value: Any, shape: Any) -> bool:
    if isinstance(shape, bool):
        return isinstance(value, bool)
    if isinstance(shape, (int, float)):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(shape, str):
        return isinstance(value, str)
    return True


def _kind(shape: Any) -> str:
    if isinstance(shape, bool):
        return " true 或 false"
    if isinstance(shape, (int, float)):
        return "数字"
    if isinstance(shape, str):
        return f"文字（如「{shape}」）"
    return "一组设置"
