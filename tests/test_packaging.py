"""The wheel carries every subpackage and the data: rules/ and grammar/ load from the installed package."""

from __future__ import annotations

import importlib.resources

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
from conftest import REPO

import planlint


def test_every_source_package_is_listed_in_pyproject():
    listed = set(
        tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]
    )
    source = {
        ".".join(p.parent.relative_to(REPO / "src").parts)
        for p in (REPO / "src" / "planlint").rglob("__init__.py")
    }
    assert source - listed == set()


def test_data_loads_from_the_installed_package():
    # Tests run against the installed wheel in CI: the package must not come from the source tree.
    rules = importlib.resources.files("planlint.bundled.rules")
    assert rules.joinpath("columns.yaml").is_file()
    assert rules.joinpath("profiles", "shanxi-2025.yaml").is_file()
    assert rules.joinpath("schema", "report.schema.json").is_file()
    assert any(p.name.endswith(".yaml") for p in rules.joinpath("cases").iterdir())
    assert importlib.resources.files("planlint.bundled.grammar").joinpath("fields.lark").is_file()
    assert importlib.resources.files("planlint.report").joinpath("templates", "report.html").is_file()
    assert planlint.__file__
