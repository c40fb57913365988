"""Project configuration: `.planlint.yaml` / `planlint.yaml` found upward from the checked file, or
`[tool.planlint]` in pyproject.toml. CLI flags win over the config; per-glob overrides refine it."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomllib

from .errors import ConfigError
from .rules.loader import read_yaml, validate

CONFIG_NAMES = (".planlint.yaml", "planlint.yaml")


@dataclass(slots=True)
class Config:
    data: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None  # the file it came from; relative paths in it resolve against its folder

    @property
    def base(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def resolve(self, value: str | None) -> str | None:
        """A path written in the config, made usable from the current directory."""
        if not value:
            return value
        p = Path(value)
        return str(p if p.is_absolute() else self.base / p)

    def relative(self, path: str) -> str:
        """The checked file's path relative to the config folder, for globs and waivers."""
        p = Path(path).resolve()
        try:
            return p.relative_to(self.base.resolve()).as_posix()
        except ValueError:
            return Path(path).as_posix()

    def overrides_for(self, path: str) -> list[dict[str, Any]]:
        if not self.data.get("overrides"):
            return []  # the common case, without resolving the path (once per file and rule phase)
        rel = self.relative(path)
        out = []
        for ov in self.data.get("overrides") or []:
            globs = [ov["files"]] if isinstance(ov["files"], str) else ov["files"]
            if any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(Path(rel).name, g) for g in globs):
                out.append(ov)
        return out


def load_config_file(path: Path) -> Config:
    label = str(path)
    if path.name == "pyproject.toml":
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("planlint")
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"pyproject.toml 格式错误：{exc}", label) from None
        if data is None:
            return Config()
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"无法读取配置文件（{exc.strerror}）", label) from None
        except UnicodeDecodeError:
            raise ConfigError("配置文件不是 UTF-8 编码，请另存为 UTF-8", label) from None
        data = read_yaml(text, label) or {}
    validate(data, "config", label)
    return Config(data, path)


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
