"""Bundled YAML is parsed once and kept as marshal in the cache dir; the cache is only an optimisation."""

from __future__ import annotations

import yaml

from planlint.bundled import load_yaml


def _entries(root):
    return sorted((root / "bundled").glob("*.marshal"))


def test_parsed_once_then_read_from_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANLINT_CACHE_DIR", str(tmp_path))
    first = load_yaml("columns.yaml")
    assert len(_entries(tmp_path)) == 1
    assert load_yaml("columns.yaml") == first
    # Same data the YAML parser gives.
    from importlib.resources import files

    text = files("planlint.bundled.rules").joinpath("columns.yaml").read_text(encoding="utf-8")
    assert first == yaml.safe_load(text)


def test_corrupt_entry_is_reparsed_and_replaced(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANLINT_CACHE_DIR", str(tmp_path))
    good = load_yaml("places.yaml")
    (entry,) = _entries(tmp_path)
    entry.write_bytes(b"\x00garbage")
    assert load_yaml("places.yaml") == good
    assert entry.read_bytes() != b"\x00garbage"


def test_unwritable_cache_dir_still_works(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("PLANLINT_CACHE_DIR", str(blocker))
    assert load_yaml("profiles", "shanxi-2025.yaml")["profile"] == "shanxi-2025"
