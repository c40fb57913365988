"""The long fuzz run of issue 21: every input through everything a user can run on it.

    python benchmarks/fuzz_pipeline.py                       # 100,000 inputs, 3 worker processes
    python benchmarks/fuzz_pipeline.py --inputs 2000         # a quick look
    python benchmarks/fuzz_pipeline.py --replay 4711         # one input again, verbosely

Each input is a damaged or generated plan file: a valid .xlsx/.docx/.xls/.ods/.csv/.txt with bytes
flipped, slices dropped or repeated, an XML part inside the package damaged, cut short; a table of
fuzzed cells (control characters, full-width and CJK text, the grammar's tokens, very long repeats)
written as .xlsx/.docx/.csv (UTF-8, GB18030, UTF-16 with and without BOM)/.txt; random bytes; and
sometimes a name whose extension lies. Each input then goes through the console entry point in
this process, exactly as a user's command line (planlint.cli.main):

1. `check IN -f text -f json:… -f sarif:… -f github:… -f junit:… -f html:… -f xlsx:…` (the
   annotated copy included),
2. `fix IN -o …` (safe fixes) and `fix IN --unsafe-fixes -o …`,
3. `diff PREVIOUS IN` between this input and the one before, in text, json, html or xlsx.

A failure is 内部错误 in any output (planlint's last line of defence caught a bug), a traceback,
an exception escaping the entry point, an input file changed, or an input taking over
--timeout seconds (a worker stuck in native code, where no Python timer fires, is killed at twice
--timeout and its input counted). Failing inputs are saved (with what failed) into --keep; input N is a pure
function of (--seed, N), so `--replay N` runs it again and shows a failing command's traceback.
Prints progress, then the count of inputs and failures per class; exits 1 if there was any.

The bundled rule YAML is parsed once per worker and handed out as JSON, as an installed wheel
does (an editable install parses ~40 ms of YAML per command otherwise); nothing read from the
fuzzed input is cached.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import json
import multiprocessing
import os
import random
import re
import resource
import shutil
import signal
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "bad_inputs"))

import make_bad_inputs as mbi  # noqa: E402

FORMATS = ("text", "json", "sarif", "github", "junit", "html", "xlsx")
DIFF_FORMATS = ("text", "json", "html", "xlsx")
SUFFIXES = (".xlsx", ".docx", ".csv", ".tsv", ".txt", ".xls", ".ods", ".xlsm", ".et")
FIXTURES = ROOT / "tests" / "fixtures" / "formats"
ZEZHOU = FIXTURES / "泽州县市场监督管理局2023年度内部双随机抽查工作计划"
DEMO = "示范-某县2025年度内部双随机抽查工作计划"

# -- inputs -------------------------------------------------------------------------------------

SEEDS = [
    "不低于5%/一年一次",
    "5%以上; 1次/年",
    "35%；1次/季度",
    "5% (10户)/一年一次",
    "抽查比例不低于20%; 1次/年",
    "不低于30%; 抽查1次",
    "100%",
    "3月—11月",
    "2023年4月至9月",
    "2025年3月1日-2025年11月30日",
    "市抽市查",
    "县抽县查",
    mbi.RISK,
    mbi.DDE,
    " =1+1 ",
    '\u3000=HYPERLINK("http://x")',
    "+1",
    "@SUM(A1)",
    "",
    " ",
    "①",
    "9" * 40,
    "泽州市市场监督管理局",
    "2022年食品生产企业监督检查",
]
WORDS = [
    "不低于",
    "以上",
    "每年",
    "抽查",
    "联合",
    "内部",
    "A类",
    "D类",
    "低风险",
    "第一季度",
    "上半年",
    "至今",
    "2023年",
]
GRAMMAR = (
    "%％/／;；,，、。—-–~～至年月日次户个家季度半一二三四五六七八九十百千"
    "0123456789.．:：()（）【】〔〕 \u3000\t\n\r"
)
CONTROL = [chr(c) for c in [*range(0, 32), 127, *range(0x80, 0xA0)]] + [
    "\u200b",
    "\u202e",
    "\ufeff",
    "\u2028",
    "\x1b[31m",
]


def _char(rng: random.Random) -> str:
    pool = rng.random()
    if pool < 0.35:
        return chr(rng.randint(0x4E00, 0x9FFF))
    if pool < 0.55:
        return rng.choice(GRAMMAR)
    if pool < 0.65:
        return rng.choice(CONTROL)
    if pool < 0.75:
        return chr(rng.randint(0xFF01, 0xFF5E))
    code = rng.randint(0, 0x10FFFF)
    return chr(code) if not 0xD800 <= code < 0xE000 else "?"


def cell(rng: random.Random) -> str:
    """One fuzzed cell text."""
    parts = []
    for _ in range(rng.randint(1, 5)):
        pick = rng.random()
        if pick < 0.35:
            parts.append(rng.choice(SEEDS))
        elif pick < 0.55:
            parts.append(rng.choice(WORDS))
        else:
            parts.append("".join(_char(rng) for _ in range(rng.randint(0, 12))))
    text = "".join(parts)
    if rng.random() < 0.03:
        text *= rng.randint(20, 600)
    return text


def table(rng: random.Random) -> list[list[str]]:
    """A plan-like table: maybe a title, a header (the real one, shuffled, or fuzzed), tasks."""
    header = list(mbi.HEADER)
    if rng.random() < 0.3:
        rng.shuffle(header)
    if rng.random() < 0.2:
        header = [rng.choice([*mbi.HEADER, cell(rng)]) for _ in range(rng.randint(1, 12))]
    rows: list[list[str]] = [[rng.choice([mbi.TITLE, cell(rng)])]] if rng.random() < 0.8 else []
    rows.append(header)
    for _ in range(rng.randint(0, 5)):
        base = list(rng.choice(mbi.TASKS))
        row = [
            cell(rng) if rng.random() < 0.4 else (base[j] if j < len(base) else "")
            for j in range(len(header))
        ]
        rows.append(row[: rng.randint(0, len(row))] if rng.random() < 0.1 else row)
    return rows


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _as_xlsx(rows: list[list[str]], rng: random.Random) -> bytes:
    if rng.random() < 0.8:  # most reach the pipeline; the rest are XML a reader must refuse
        rows = [[_XML_ILLEGAL.sub("", c) for c in row] for row in rows]
    merges = ""
    if rng.random() < 0.3 and len(rows) > 2:
        a = rng.randint(1, len(rows))
        first = f"{mbi._col(rng.randint(1, 9))}{a}"
        last = f"{mbi._col(rng.randint(1, 9))}{rng.randint(1, len(rows) + 2)}"
        merges = f'<mergeCells count="1"><mergeCell ref="{first}:{last}"/></mergeCells>'
    xml = mbi.sheet_xml(rows).replace("</sheetData>", "</sheetData>" + merges)
    return mbi.xlsx([(rng.choice(["计划", "Sheet1", cell(rng)[:31] or "x"]), "visible", xml)])


def _as_docx(rows: list[list[str]], rng: random.Random) -> bytes:
    rows = [[_XML_ILLEGAL.sub("", c) for c in row] for row in rows]
    title = f"<w:p><w:r><w:t>{escape(rows[0][0])}</w:t></w:r></w:p>" if rows and len(rows[0]) == 1 else ""
    body = "".join(mbi._w_row(r) for r in rows if len(r) > 1 or not title)
    return mbi.docx_from_body(f"{title}<w:tbl>{body}</w:tbl>")


def _as_text(rows: list[list[str]], rng: random.Random, sep: str) -> bytes:
    text = "\r\n".join(sep.join(c.replace('"', '""') if sep == "," else c for c in row) for row in rows)
    encoding = rng.choice(["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "big5"])
    return text.encode(encoding, errors="replace")


def _stored(data: bytes) -> bytes:
    """The package with every part stored, so that a flipped byte lands in the XML itself."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, src.read(item))
    return out.getvalue()


@functools.cache
def models() -> list[tuple[bytes, str]]:
    """Valid files to damage, by type."""
    csv = ZEZHOU.with_suffix(".csv").read_text(encoding="utf-8")
    return [
        (_stored(mbi.formulas()), ".xlsx"),
        (_stored(mbi.xlsx([("计划", "visible", mbi.sheet_xml(mbi.plan_rows()))])), ".xlsx"),
        (_stored((ROOT / "samples" / f"{DEMO}.xlsx").read_bytes()), ".xlsx"),
        (_stored(mbi.nested_tables()), ".docx"),
        (_stored(mbi.merged_header()), ".docx"),
        ((FIXTURES / f"{DEMO}.xls").read_bytes(), ".xls"),
        (_stored((FIXTURES / f"{DEMO}.ods").read_bytes()), ".ods"),
        (csv.encode("utf-8"), ".csv"),
        (csv.encode("gb18030"), ".csv"),
        (csv.encode("utf-16"), ".csv"),
        (csv.encode("utf-16-le"), ".csv"),
        (ZEZHOU.with_suffix(".txt").read_bytes()[:4000], ".txt"),
    ]


def _damage(data: bytes, rng: random.Random) -> bytes:
    """Bytes flipped, a slice dropped, repeated or inserted, or the data cut short."""
    if not data:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 64)))
    kind = rng.random()
    a, b = sorted((rng.randrange(len(data) + 1), rng.randrange(len(data) + 1)))
    if kind < 0.4:
        out = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return bytes(out)
    if kind < 0.55:
        return data[:a] + data[b:]
    if kind < 0.7:
        return data[:b] + data[a:b] * rng.randint(1, 40) + data[b:]
    if kind < 0.85:
        return data[:a] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 32))) + data[a:]
    return data[:a]


def _damage_part(data: bytes, rng: random.Random) -> bytes:
    """One part of a zip package damaged (as XML text: an element repeated or a byte changed),
    the package rebuilt intact around it, so the damage reaches the XML readers."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        items = [(i.filename, src.read(i)) for i in src.infolist()]
    at = rng.randrange(len(items))
    name, part = items[at]
    if rng.random() < 0.5 and b"<" in part:
        tags = [m.start() for m in re.finditer(rb"<[a-zA-Z]", part)]
        start = rng.choice(tags)
        end = part.find(b">", start) + 1
        close = rng.choice(
            [end, *[m.end() for m in re.finditer(rb"</[^>]+>", part[start : start + 4000])][:6]]
        )
        if close > start and close <= len(part):
            chunk = part[start:close] if close > end else part[start:end]
            part = part[:close] + chunk * rng.randint(1, 50) + part[close:]
    else:
        part = _damage(part, rng)
    items[at] = (name, part)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, part in items:
            dst.writestr(zipfile.ZipInfo(name, mbi.DATE), part, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def make_input(seed: int, index: int) -> tuple[bytes, str]:
    """Input `index` of a run: (bytes, file suffix); the same for the same seed and index."""
    rng = random.Random(f"{seed}:{index}")
    pick = rng.random()
    if pick < 0.35:
        rows = table(rng)
        form = rng.choice(["xlsx", "xlsx", "docx", "csv", "tsv", "txt"])
        if form == "xlsx":
            data, suffix = _as_xlsx(rows, rng), ".xlsx"
        elif form == "docx":
            data, suffix = _as_docx(rows, rng), ".docx"
        else:
            sep = {"csv": rng.choice([",", ";", "|"]), "tsv": "\t", "txt": rng.choice(["\t", "  ", "|"])}[
                form
            ]
            data, suffix = _as_text(rows, rng, sep), "." + form
    elif pick < 0.92:
        data, suffix = rng.choice(models())
        if data[:2] == b"PK" and rng.random() < 0.5:
            data = _damage_part(data, rng)
        else:
            data = _damage(data, rng)
    else:
        data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 400)))
        suffix = rng.choice(SUFFIXES)
    if rng.random() < 0.08:
        suffix = rng.choice(SUFFIXES)  # a name that lies about the content
    return data, suffix


# -- one input through everything ------------------------------------------------------------------


class Hang(BaseException):
    """The input ran past --timeout (a BaseException, so that no `except Exception` swallows it)."""


def _alarm(signum: int, frame: object) -> None:
    raise Hang()


def planlint(args: list[str]) -> tuple[object, str]:
    """`planlint ARGS` through the console entry point in this process: (exit code, output)."""
    from planlint.cli import main

    out = io.StringIO()
    sys.argv = ["planlint", *args]
    code: object = None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            main()
        except SystemExit as exc:
            code = exc.code
        except (Hang, KeyboardInterrupt):
            raise
        except BaseException:  # escaped the entry point's own last line of defence (a Rust panic too)
            code = "escaped"
            traceback.print_exc(file=out)
    return code, out.getvalue()


def _class(step: str, output: str) -> str:
    """A failure's class: the step and the first 内部错误/exception line, digits and paths folded."""
    lines = [ln for ln in output.splitlines() if "内部错误" in ln or "Error" in ln or "Traceback" in ln]
    line = lines[-1] if lines else output.strip().splitlines()[-1:] or ["?"]
    text = line if isinstance(line, str) else line[0]
    text = re.sub(r"/\S+", "PATH", text)
    text = re.sub(r"\d+", "N", text)
    return f"{step}: {text[:160]}"


def battery(
    path: Path, previous: Path | None, work: Path, rng: random.Random, verbose: bool = False
) -> list[str]:
    """Run one input through check (every format), fix, fix --unsafe-fixes and diff; the
    failure classes found (empty when all went well). `verbose`: print each command's output,
    and run a failing command again with --debug to show the traceback."""
    base = ["--no-config"]
    original = path.read_bytes()
    outputs = [
        a for fmt in FORMATS for a in ("-f", fmt if fmt == "text" else f"{fmt}:{work / ('out.' + fmt)}")
    ]
    steps: list[tuple[str, list[str]]] = [
        ("check", ["check", str(path), "--no-cache", *outputs, *base]),
        ("fix", ["fix", str(path), "-o", str(work / f"fixed{path.suffix}"), *base]),
        (
            "fix --unsafe-fixes",
            ["fix", str(path), "--unsafe-fixes", "-o", str(work / f"unsafe{path.suffix}"), *base],
        ),
    ]
    if previous is not None:
        fmt = rng.choice(DIFF_FORMATS)
        out = ["-o", str(work / f"diff.{fmt}")] if fmt == "xlsx" or rng.random() < 0.5 else []
        steps.append((f"diff -f {fmt}", ["diff", str(previous), str(path), "-f", fmt, *out, *base]))
    failures = []
    for step, args in steps:
        code, output = planlint(args)
        if verbose:
            print(f"$ planlint {' '.join(args)}\n{output}exit {code}")
        if code == "escaped" or "内部错误" in output or "Traceback" in output:
            failures.append(_class(step, output))
            if verbose:
                print(planlint([*args, "--debug"])[1])
    if path.read_bytes() != original:
        failures.append("the input file was changed")
    return failures


# -- workers ----------------------------------------------------------------------------------------

_STATE: dict = {}


def _json_bundled() -> None:
    """Bundled YAML parsed once and handed out as JSON (what a wheel ships: see the docstring),
    the bundled folders listed once."""
    import planlint.bundled as bundled

    parse = bundled.load_yaml

    @functools.cache
    def text(*parts: str) -> str:
        return json.dumps(parse(*parts))

    bundled.load_yaml = lambda *parts: json.loads(text(*parts))
    from planlint.rules import loader

    names = functools.cache(loader._bundled_names)  # the bundled folders' listings, idem
    loader._bundled_names = lambda folder: list(names(folder))


def _scratch() -> Path:
    """The run's scratch folder, in memory where there is a tmpfs (fix's work folders go there too)."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        tempfile.tempdir = os.environ["TMPDIR"] = str(shm)
    return Path(tempfile.mkdtemp(prefix="planlint-fuzz-"))


def _init(seed: int, timeout: float, keep: str, memory_gb: float, scratch: str) -> None:
    tempfile.tempdir = os.environ["TMPDIR"] = str(Path(scratch).parent)
    folder = Path(tempfile.mkdtemp(dir=scratch))
    os.environ["RUST_BACKTRACE"] = "0"  # a caught calamine panic still prints; one line, not 80
    os.environ["PLANLINT_CACHE_DIR"] = str(folder / "cache")
    if memory_gb:
        limit = int(memory_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _json_bundled()
    signal.signal(signal.SIGALRM, _alarm)
    now = Path(scratch) / f"now.{os.getpid()}"
    _STATE.update(seed=seed, timeout=timeout, keep=Path(keep), folder=folder, previous=None, now=now)


def _run_chunk(indices: range) -> tuple[int, float, Counter, list[tuple[int, str]]]:
    seed, folder, keep = _STATE["seed"], _STATE["folder"], _STATE["keep"]
    classes: Counter = Counter()
    found: list[tuple[int, str]] = []
    start = time.perf_counter()
    _STATE["previous"] = None  # diffs pair inputs within a chunk only, so that --replay can redo them
    for index in indices:
        _STATE["now"].write_text(str(index))  # read by the main process if this worker dies
        data, suffix = make_input(seed, index)
        work = folder / f"w{index}"
        work.mkdir()
        path = work / f"plan{suffix}"
        path.write_bytes(data)
        signal.setitimer(signal.ITIMER_REAL, _STATE["timeout"])
        try:
            failures = battery(path, _STATE["previous"], work, random.Random(index))
        except Hang:
            failures = [f"took over {_STATE['timeout']:.0f} s"]
        except MemoryError:
            failures = ["MemoryError escaped"]
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        for failure in failures:
            classes[failure] += 1
            found.append((index, failure))
        if failures:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / f"input-{index}{suffix}").write_bytes(data)
            (keep / f"input-{index}.txt").write_text("\n".join(failures) + "\n", encoding="utf-8")
        previous = _STATE["previous"]
        if previous is not None:
            shutil.rmtree(previous.parent, ignore_errors=True)
        _STATE["previous"] = path
    _STATE["now"].write_text("")  # idle: no input to blame
    return len(indices), time.perf_counter() - start, classes, found


def _died(scratch: Path) -> list[int]:
    """The inputs on which a worker process died (its `now.<pid>` file outlives it)."""
    dead = []
    for now in scratch.glob("now.*"):
        try:
            os.kill(int(now.suffix[1:]), 0)
        except ProcessLookupError:
            dead.append(int(now.read_text() or -1))
            now.unlink()
        except (OSError, ValueError):
            pass
    return [i for i in dead if i >= 0]


def _stuck(scratch: Path, timeout: float) -> list[int]:
    """Kill the workers that have been on one input for twice --timeout: stuck in native code (a
    Rust loop in calamine, say), where SIGALRM's Python handler never runs. Their inputs."""
    stuck = []
    for now in scratch.glob("now.*"):
        try:
            index = now.read_text()
            if index and time.time() - now.stat().st_mtime > 2 * timeout:
                os.kill(int(now.suffix[1:]), signal.SIGKILL)
                stuck.append(int(index))
        except (OSError, ValueError):
            pass
    return stuck


def replay(seed: int, index: int) -> int:
    """Input `index` alone (diffed against input index - 1, its predecessor in a worker's chunk)."""
    folder = Path(tempfile.mkdtemp(prefix="planlint-fuzz-replay-"))
    previous = None
    if index % 100:
        data, suffix = make_input(seed, index - 1)
        previous = folder / "previous" / f"plan{suffix}"
        previous.parent.mkdir()
        previous.write_bytes(data)
    data, suffix = make_input(seed, index)
    path = folder / f"plan{suffix}"
    path.write_bytes(data)
    print(f"input {index}: {len(data)} bytes as {path}")
    failures = battery(path, previous, folder, random.Random(index), verbose=True)
    print("\n".join(failures) or "no failure")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000, help="number of inputs (default 100000)")
    parser.add_argument("--workers", type=int, default=3, help="worker processes (default 3)")
    parser.add_argument("--seed", type=int, default=21, help="the run's seed (default 21)")
    parser.add_argument("--start", type=int, default=0, help="first input index (default 0)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds one input may take (default 120)")
    parser.add_argument("--memory-gb", type=float, default=3, help="address-space cap per worker (default 3)")
    parser.add_argument(
        "--keep", default="fuzz-failures", help="folder for failing inputs (default fuzz-failures)"
    )
    parser.add_argument(
        "--replay", type=int, metavar="N", help="run input N alone, showing the output and any traceback"
    )
    args = parser.parse_args()
    if args.replay is not None:
        if args.memory_gb:  # an input that killed a worker would take the machine's memory here
            limit = int(args.memory_gb * 2**30)
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        return replay(args.seed, args.replay)
    chunk = 100
    chunks = [
        range(i, min(i + chunk, args.start + args.inputs))
        for i in range(args.start, args.start + args.inputs, chunk)
    ]
    classes: Counter = Counter()
    examples: dict[str, int] = {}
    done, busy, start = 0, 0.0, time.perf_counter()
    context = multiprocessing.get_context("fork")
    scratch = _scratch()
    pool = context.Pool(
        args.workers,
        _init,
        (args.seed, args.timeout, str(Path(args.keep).resolve()), args.memory_gb, str(scratch)),
    )
    pending = [(c, pool.apply_async(_run_chunk, (c,))) for c in chunks]
    shown = 0
    killed: set[int] = set()
    try:
        while pending:
            time.sleep(1)
            results = [job.get() for _, job in pending if job.ready()]
            pending = [(c, job) for c, job in pending if not job.ready()]
            killed.update(_stuck(scratch, args.timeout))
            for index in _died(scratch):  # a process abort (a Rust abort, the OOM killer) loses its chunk
                failure = (
                    f"took over {2 * args.timeout:.0f} s outside Python (worker killed)"
                    if index in killed
                    else "a worker process died (aborted or killed: out of memory?)"
                )
                results.append((1, 0.0, Counter({failure: 1}), [(index, failure)]))
                keep = Path(args.keep)
                keep.mkdir(parents=True, exist_ok=True)
                data, suffix = make_input(args.seed, index)
                (keep / f"input-{index}{suffix}").write_bytes(data)
                lost = [(c, job) for c, job in pending if index in c]
                pending = [(c, job) for c, job in pending if index not in c]
                for c, _ in lost:  # the rest of the chunk, again
                    if index + 1 < c.stop:
                        rest = range(index + 1, c.stop)
                        pending.append((rest, pool.apply_async(_run_chunk, (rest,))))
            for count, seconds, found_classes, found in results:
                done += count
                busy += seconds
                classes.update(found_classes)
                for index, failure in found:
                    if failure not in examples:
                        print(f"new failure class: {failure}   (--replay {index})", flush=True)
                    examples.setdefault(failure, index)
            if done // 1000 > shown or not pending:
                shown = done // 1000
                wall = time.perf_counter() - start
                print(
                    f"{done:>8,} inputs  {wall:7.0f} s  {done / wall:6.1f}/s  "
                    f"{sum(classes.values())} failures in {len(classes)} classes",
                    flush=True,
                )
    finally:
        pool.terminate()
        pool.join()
        shutil.rmtree(scratch, ignore_errors=True)
    wall = time.perf_counter() - start
    print(
        f"\n{done:,} inputs (seed {args.seed}) in {wall:.0f} s with {args.workers} workers "
        f"({busy / done * 1000:.0f} ms each)"
    )
    for failure, n in classes.most_common():
        print(f"  {n:>6} × {failure}   (e.g. --replay {examples[failure]})")
    print(
        f"{sum(classes.values())} failures ({sum(1 for c in classes if '内部错误' in c)} classes of 内部错误)"
        if classes
        else "0 内部错误, nothing escaped, no input changed, none timed out"
    )
    return 1 if classes else 0


if __name__ == "__main__":
    sys.exit(main())
