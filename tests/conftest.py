"""Shared test paths and fixtures. Tests read the bundled samples and load rules/grammar from the
installed package. The suite runs in pytest-xdist workers (pytest_cmdline_main below): whatever a
test writes goes below its tmp_path or this process's own temporary folder, never to a fixed path."""

from __future__ import annotations

import functools
import hashlib
import json
import multiprocessing.util
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Each test process (each xdist worker) has its own temporary folder, so that a test looking for
# planlint's leftovers there (conversions, fix rounds, uploads) never sees another process's work;
# pytest's tmp_path folders stay where pytest keeps them. Tests never write into the user's real
# cache folder (planlint check caches per-file results). Both go when the process ends.
os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", tempfile.gettempdir())
_SYSTEM_TEMP = os.environ["PYTEST_DEBUG_TEMPROOT"]  # an xdist worker's TMPDIR is its parent's _TEMP
# multiprocessing's own folder (the fork server's socket) stays in the system temp folder: its exit
# handler removes it after pytest_unconfigure has removed _TEMP, and printed a traceback when it
# had been made inside _TEMP.
multiprocessing.util.get_temp_dir()
_TEMP = tempfile.mkdtemp(prefix="planlint-tests-")
tempfile.tempdir = os.environ["TMPDIR"] = _TEMP
_TEST_CACHE = tempfile.mkdtemp(prefix="planlint-test-cache-")
os.environ["PLANLINT_CACHE_DIR"] = _TEST_CACHE

# Bytecode. With PYTHONDONTWRITEBYTECODE set (often set globally to keep source trees clean),
# every test process and every interpreter a test starts compiles planlint and pytest rewrites the
# assertions of every test module again (~5 s of each xdist worker's collection). The suite keeps
# its bytecode out of the tree instead, in the user's cache folder (PYTHONPYCACHEPREFIX), for this
# process and the ones it starts; a prefix the user chose is kept.
if sys.flags.dont_write_bytecode and not sys.pycache_prefix:
    _PYCACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "planlint-tests" / "pycache"
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = sys.pycache_prefix = str(_PYCACHE)
    sys.dont_write_bytecode = False


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        _share_field_parser()  # a process that collects and runs tests; not the xdist controller


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_TEMP, ignore_errors=True)


def _share_field_parser() -> None:
    """Lark keeps the tables of the field parser (fields.build_parser, cache=True) in the temp
    folder, and building them takes ~1.5 s of CPU. They are built once in the system's temp folder,
    as for any user, and copied into this process's own, so that neither this process nor the
    planlint processes its tests start build them again."""
    import logging

    from lark.utils import logger

    from planlint import fields

    used: list[str] = []

    class Seen(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "cache" in record.msg and record.args:
                used.append(str(record.args[0]))  # "Loading grammar from cache: %s" or "Saving …"

    handlers, level, propagate = logger.handlers, logger.level, logger.propagate
    logger.handlers, logger.propagate = [Seen()], False  # Lark's own handler would print its debug log
    logger.setLevel(logging.DEBUG)
    tempfile.tempdir = _SYSTEM_TEMP
    try:
        fields._parser()
    finally:
        tempfile.tempdir = _TEMP
        logger.handlers, logger.propagate = handlers, propagate
        logger.setLevel(level)
    for name in dict.fromkeys(used):
        shutil.copyfile(name, Path(_TEMP) / Path(name).name)


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """`python -m pytest` runs the suite in pytest-xdist workers, one per CPU (-n auto), each test
    file whole in one worker (loadfile): a module's fixtures are made once, and tests that build on
    an earlier test's state (test_desk_server) keep their order. `-n 0` (or `-p no:xdist`) runs it
    in this process, and so does an environment without pytest-xdist. Set here rather than in
    addopts, so that an environment installed before xdist joined the `test` extra still runs
    the suite instead of refusing `-n`."""
    if hasattr(config, "workerinput") or getattr(config.option, "numprocesses", 0) is not None:
        return
    config.option.numprocesses = "auto"
    if config.option.dist == "no":
        config.option.dist = "loadfile"


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


def shared_folder(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A folder every xdist worker of this run sees (their tmp_path roots share a parent), for
    work done once per run under a lock; the run's own tmp_path root without xdist."""
    root = tmp_path_factory.getbasetemp()
    return (root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root) / name


def once_per_run(folder: Path, make: Callable[[Path], dict]) -> dict:
    """`make(folder)`'s JSON result, made by the first worker that asks and read by the others."""
    from filelock import FileLock

    folder.parent.mkdir(parents=True, exist_ok=True)
    done = folder / "done.json"
    with FileLock(str(folder) + ".lock"):
        if not done.is_file():
            shutil.rmtree(folder, ignore_errors=True)  # a worker that failed half-way
            folder.mkdir()
            done.write_text(json.dumps(make(folder)), encoding="utf-8")
    return json.loads(done.read_text(encoding="utf-8"))


# ---- LibreOffice: the Word fixtures converted in one run --------------------------------------
# Starting LibreOffice takes seconds, and the suite converts its Word fixtures (.doc, .odt, and
# the .doc files under WPS's .wps name) over and over. The first conversion asked for converts them
# all in one LibreOffice run (wordproc.convert_many: the command, profile and limits of
# wordproc.convert); any later conversion of the same bytes under the same suffix by the same
# soffice is a copy of that run's output (or its refusal, for a file LibreOffice cannot convert),
# shared by the xdist workers. Any other file, or another soffice (a test's fake or missing one),
# is converted as usual.
FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"
_AS_WPS = (".doc", ".wps")


# test_bad_formats' doc_named.pdf: this .doc under a .pdf name, converted by its content
_AS_PDF = FORMATS / "泽州县市场监督管理局2023年度内部双随机抽查工作计划.seed.doc"


@functools.cache
def _encrypted_doc() -> Path:
    """test_bad_formats' encrypted.doc (the same bytes each time it is made), which LibreOffice
    refuses: converted last in the batch, so that its refusal costs no LibreOffice start of its own."""
    sys.path.insert(0, str(Path(__file__).resolve().parent / "bad_inputs"))
    import make_bad_formats

    folder = Path(tempfile.mkdtemp(prefix="encrypted-doc-", dir=_TEMP))
    return make_bad_formats.encrypted_doc(folder)


def _batched() -> list[tuple[Path, str]]:
    """(fixture, the suffix it is converted under)."""
    words = sorted(p for p in FORMATS.iterdir() if p.suffix in (".doc", ".odt"))
    batch = [(p, s) for p in words for s in (_AS_WPS if p.suffix == ".doc" else (p.suffix,))]
    return [*batch, (_AS_PDF, ".pdf"), (_encrypted_doc(), ".doc")]


def _conversion_key(path: Path, suffix: str) -> str:
    return hashlib.sha256(path.read_bytes() + b"\0" + suffix.lower().encode()).hexdigest()


@pytest.fixture(scope="session", autouse=True)
def _libreoffice_batch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    from planlint.errors import ReadError
    from planlint.readers import wordproc

    real, soffice = wordproc.convert, wordproc.find_soffice()
    converted: dict[str, str | dict[str, str]] = {}  # a converted file, or {"refused": message}

    def make(folder: Path) -> dict:
        inputs = _batched()
        staged = [folder / f"{i}{suffix}" for i, (_, suffix) in enumerate(inputs)]
        for (path, _), copy in zip(inputs, staged):
            shutil.copyfile(path, copy)
        run = folder / "run"
        run.mkdir()
        with pytest.MonkeyPatch.context() as mp:  # the time limit of one conversion, per file
            mp.setenv(wordproc.TIMEOUT_ENV, str(wordproc.DEFAULT_TIMEOUT * len(inputs)))
            try:
                results = [str(r) for r in wordproc.convert_many([str(p) for p in staged], run, "docx")]
            except ReadError as exc:
                # LibreOffice went on past the file it refused, and convert_many names the first
                # file without an output: each input's output (its i-th is named plan{i or ''}),
                # or that refusal, worded as convert_many words it for any file it names.
                outputs = [run / "out" / f"plan{i or ''}.docx" for i in range(len(staged))]
                results = [str(r) if r.is_file() else {"refused": exc.message} for r in outputs]
                if str(staged[results.index({"refused": exc.message})]) != exc.path:
                    raise
        return {_conversion_key(path, suffix): r for (path, suffix), r in zip(inputs, results)}

    def convert(path: str, work: Path, target: str) -> Path:
        if soffice and target == "docx" and wordproc.find_soffice() == soffice:
            key = _conversion_key(Path(path), Path(path).suffix)
            if key in _batch_keys():
                if not converted:
                    converted.update(once_per_run(shared_folder(tmp_path_factory, "libreoffice"), make))
                if isinstance(converted[key], dict):
                    raise ReadError(converted[key]["refused"], path)
                result = work / "out" / "plan.docx"
                result.parent.mkdir()
                shutil.copyfile(converted[key], result)
                return result
        return real(path, work, target)

    wordproc.convert = convert  # type: ignore[assignment]
    try:
        yield
    finally:
        wordproc.convert = real


@functools.cache
def _batch_keys() -> frozenset[str]:
    return frozenset(_conversion_key(p, s) for p, s in _batched())


# ---- Chromium ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _chromium_launched() -> Iterator:
    """One headless launch of Debian's chromium under Playwright per test process (a launch costs
    ~1.5 s of CPU). Playwright's sync API keeps its event loop marked as running in this thread
    from the first test that asks until the session ends: no test calls asyncio.run() in the main
    thread (TestClient and uvicorn run theirs in their own threads)."""
    executable = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # sRGB: a screenshot's pixels are the page's CSS colours
        args = [*CHROMIUM_FLAGS, "--force-color-profile=srgb"]
        launched = p.chromium.launch(executable_path=executable, headless=True, args=args)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def browser(_chromium_launched) -> Iterator:
    """The process's chromium for one test: whatever pages and contexts the test opened are closed
    after it. Skips with the install hint without chromium (fails under PLANLINT_REQUIRE_EXTERNAL=1)."""
    yield _chromium_launched
    for context in _chromium_launched.contexts:
        context.close()


# ---- planlint serve ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def serve_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`planlint serve --port 0 --no-browser` as a user starts it, in a subprocess, once per test
    process for the browser tests of every module (one server serves a user's batches one after
    another): its URL and its temporary folder, where each batch's uploads live until checked."""
    import subprocess

    tmp_path = tmp_path_factory.mktemp("serve")
    temp = tmp_path / "server-tmp"
    temp.mkdir()
    env = {
        **os.environ,
        "TMPDIR": str(temp),
        "TEMP": str(temp),
        "TMP": str(temp),
        "PYTHONIOENCODING": "utf-8",
    }
    log = (tmp_path / "serve.log").open("w+", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "planlint.cli", "serve", "--port", "0", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=log,
        encoding="utf-8",
        env=env,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        if "http://" not in line:
            proc.kill()
            proc.wait()
            log.seek(0)
            pytest.fail(f"planlint serve did not start: {line}{log.read()}")
        yield line[line.index("http://") :].split()[0], temp
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
