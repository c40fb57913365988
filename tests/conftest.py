"""Shared test paths. Tests read the bundled samples and load rules/grammar from the installed package."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

# Tests never write into the user's real cache folder (planlint check caches per-file results);
# the folder of this test process is removed when the session ends.
_TEST_CACHE = tempfile.mkdtemp(prefix="planlint-test-cache-")
os.environ["PLANLINT_CACHE_DIR"] = _TEST_CACHE


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_TEST_CACHE, ignore_errors=True)


REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture
def samples() -> Path:
    return SAMPLES


# CI sets this so that a missing external program fails the tests that need it instead of skipping them.
REQUIRE_EXTERNAL = "PLANLINT_REQUIRE_EXTERNAL"


def require_external(name: str, hint: str, path: str | None = None) -> str:
    """The path of the external program `name` (`path` if the caller found it, else looked up on
    PATH). When it is missing the test skips with `hint` (how to install it), or fails when
    PLANLINT_REQUIRE_EXTERNAL=1, as .ci/run sets it."""
    path = path or shutil.which(name)
    if path:
        return path
    message = f"未找到 {name}：{hint}"
    if os.environ.get(REQUIRE_EXTERNAL) == "1":
        pytest.fail(f"{message}（{REQUIRE_EXTERNAL}=1：缺少外部组件即失败）")
    pytest.skip(message)


def chromium() -> str:
    """Debian's chromium, for the HTML report and web page tests."""
    return require_external(
        "chromium", "请先运行 apt-get install -y chromium fonts-noto-cjk", shutil.which("chromium-browser")
    )


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
