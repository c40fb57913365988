"""Shared test paths. Tests read the bundled samples and load rules/grammar from the installed package."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

# Tests never write into the user's real cache folder (planlint check caches per-file results).
os.environ["PLANLINT_CACHE_DIR"] = tempfile.mkdtemp(prefix="planlint-test-cache-")

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture
def samples() -> Path:
    return SAMPLES


# Debian's chromium, headless, on a machine with no network: the flags that keep it quiet and fast.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def run_cli(*args: str, monkeypatch, capsys) -> tuple[int, str, str]:
    """`planlint ARGS` in this process, through the console entry point (so that errors are
    turned into messages exactly as for a user); never a traceback or an internal error."""
    from planlint.cli import main

    monkeypatch.setattr(sys, "argv", ["planlint", *args])
    with pytest.raises(SystemExit) as info:
        main()
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "内部错误" not in out + err, out + err
    return info.value.code, out, err
