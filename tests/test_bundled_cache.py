"""Bundled YAML ships pre-built as JSON (setup.py's build step): read as is when it matches the YAML
beside it, ignored when stale, and nothing is written at run time."""

from __future__ import annotations

import importlib.resources
import shutil

import yaml

import planlint.bundled as bundled
from planlint.bundled import load_yaml, prebuilt

BUNDLED = importlib.resources.files("planlint.bundled.rules")


def _copy_rules(tmp_path, monkeypatch):
    """A copy of the bundled rules folder that load_yaml reads instead of the package's."""
    root = tmp_path / "rules"
    shutil.copytree(str(BUNDLED), root, ignore=shutil.ignore_patterns("*.json", "__pycache__"))
    monkeypatch.setattr(bundled, "files", lambda _pkg: root)
    return root


def test_prebuilt_data_is_what_the_yaml_says(tmp_path, monkeypatch):
    root = _copy_rules(tmp_path, monkeypatch)
    source = root / "profiles" / "jincheng-2025.yaml"
    raw = source.read_bytes()
    (root / "profiles" / "jincheng-2025.yaml.json").write_text(
        prebuilt(raw, {"profile": "from-json"}), encoding="utf-8"
    )
    # a matching pre-built file is used as is (here deliberately different data, to see it was read)
    assert load_yaml("profiles", "jincheng-2025.yaml") == {"profile": "from-json"}
    # and the real build writes exactly the YAML's data
    real = yaml.safe_load(raw.decode("utf-8"))
    (root / "profiles" / "jincheng-2025.yaml.json").write_text(prebuilt(raw, real), encoding="utf-8")
    assert load_yaml("profiles", "jincheng-2025.yaml") == real


def test_stale_or_broken_prebuilt_is_ignored(tmp_path, monkeypatch):
    root = _copy_rules(tmp_path, monkeypatch)
    source = root / "columns.yaml"
    target = root / "columns.yaml.json"
    target.write_text(prebuilt(b"an older columns.yaml", {"stale": True}), encoding="utf-8")
    assert load_yaml("columns.yaml") == yaml.safe_load(source.read_text(encoding="utf-8"))
    target.write_bytes(b"\x00garbage")
    assert load_yaml("columns.yaml") == yaml.safe_load(source.read_text(encoding="utf-8"))


def test_nothing_is_written_at_run_time(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANLINT_CACHE_DIR", str(tmp_path / "cache"))
    assert load_yaml("profiles", "shanxi-2025.yaml")["profile"] == "shanxi-2025"
    assert load_yaml("columns.yaml")
    assert not (tmp_path / "cache").exists()
