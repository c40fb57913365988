"""User-facing errors: one Chinese line naming the file and what to do; never a traceback."""

from __future__ import annotations


class PlanlintError(Exception):
    """An error the user can act on. The CLI prints `str(err)` and exits with `exit_code`."""

    exit_code = 2

    def __init__(self, message: str, path: str | None = None) -> None:
        self.message = message
        self.path = path
        super().__init__(f"{path}：{message}" if path else message)


class ReadError(PlanlintError):
    """An input file could not be read as a plan (wrong format, corrupt, encrypted, too large…)."""


class ConfigError(PlanlintError):
    """A rule pack, profile or config file is malformed."""
