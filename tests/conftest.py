"""Shared test paths. Tests read the bundled samples and load rules/grammar from the installed package."""

from __future__ import annotations

import os
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
