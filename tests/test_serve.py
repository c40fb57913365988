"""`planlint serve`: the app through Starlette's TestClient (findings equal the engine's, limits,
unreadable uploads, nothing left on disk), then the real command driven in headless Chromium."""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from conftest import SAMPLES
from starlette.testclient import TestClient

from planlint import engine
from planlint.errors import PlanlintError
from planlint.result import CheckResult
from planlint.serve.app import create_app

ARTIFACTS = Path(__file__).parent / "artifacts"
YUANPING = SAMPLES / "原平市2024年度部门联合双随机抽查工作计划.xlsx"
ZEZHOU = SAMPLES / "泽州县市场监督管理局2023年度内部双随机抽查工作计划.docx"
JINCHENG = SAMPLES / "晋城市市场监管局2025年度双随机抽查工作计划.xlsx"
PLAN_SAMPLES = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".xlsx", ".docx", ".csv", ".txt"))


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """Where the app makes each batch's temporary folder; empty again once a batch is done."""
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


@pytest.fixture
def client(work: Path):
    """The app running each batch in a thread of this process (isolate=False): the same checking
    and downloads without an interpreter started per batch. The child process a server runs each
    batch in is driven by `isolated_client` (downloads, unreadable uploads, a failed batch, the
    stages), test_a_batch_over_its_limits_fails_alone and the browser tests' real `planlint serve`."""
    with TestClient(create_app(temp_parent=str(work), isolate=False), base_url="http://127.0.0.1") as c:
        yield c


@pytest.fixture
def isolated_client(work: Path):
    """The app as `planlint serve` runs it: each batch in a child process under JobLimits."""
    with TestClient(create_app(temp_parent=str(work)), base_url="http://127.0.0.1") as c:
        yield c


def _part(path: Path, name: str | None = None) -> tuple[str, bytes, str]:
    return (name or path.name, path.read_bytes(), "application/octet-stream")


def _post(client: TestClient, *paths: Path, superior: Path | None = None, profile: str | None = None):
    files = [("files", _part(p)) for p in paths]
    if superior is not None:
        files.append(("superior", _part(superior)))
    return client.post("/api/check", files=files, data={"profile": profile} if profile else None)


def _wait(client: TestClient, job: str) -> dict:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = client.get(f"/api/jobs/{job}").json()
        if status["state"] in ("done", "failed"):
            return status
        time.sleep(0.05)
    raise AssertionError("batch did not finish")


def _check(client: TestClient, *paths: Path, **kw) -> tuple[str, dict]:
    response = _post(client, *paths, **kw)
    assert response.status_code == 202, response.text
    job = response.json()["job"]
    return job, _wait(client, job)


def _engine(*paths: Path, **kw) -> CheckResult:
    return engine.run([str(p) for p in paths], engine.RunOptions(use_config=False, **kw))


# ---------------------------------------------------------------- the app


@pytest.mark.parametrize("sample", PLAN_SAMPLES, ids=lambda p: p.suffix + ":" + p.stem[:6])
def test_findings_equal_the_engine(client: TestClient, work: Path, sample: Path):
    from jsonschema import validate

    from planlint.report.json import load_schema

    job, status = _check(client, sample)
    assert status["state"] == "done", status
    expected = _engine(sample)
    report = client.get(f"/jobs/{job}/files/report.json").json()
    validate(report, load_schema())
    assert report["summary"] == expected.summary() == status["summary"]
    assert sum(len(f["findings"]) for f in report["files"]) == len(expected.findings)
    assert [f["path"] for f in report["files"]] == [sample.name] * len(expected.reports)  # no temp path
    assert status["files"][0]["findings"] == len(expected.findings)
    assert list(work.iterdir()) == []  # the uploads are gone


def test_superior_plan_and_profile(client: TestClient):
    _, status = _check(client, ZEZHOU, YUANPING, superior=JINCHENG, profile="default")
    expected = _engine(ZEZHOU, YUANPING, superior=(str(JINCHENG),), profile="default")
    assert status["summary"] == expected.summary()
    assert [f["name"] for f in status["files"]] == [ZEZHOU.name, YUANPING.name]


def test_same_name_twice_is_two_files(client: TestClient):
    _, status = _check(client, YUANPING, YUANPING)
    names = [f["name"] for f in status["files"]]
    assert names == [YUANPING.name, f"{YUANPING.stem} (2){YUANPING.suffix}"]
    assert status["summary"]["files"] == 2


def test_downloads(isolated_client: TestClient, tmp_path: Path):
    job, status = _check(isolated_client, YUANPING)
    entry = status["files"][0]

    annotated = isolated_client.get(f"/jobs/{job}/files/{entry['annotated']}")
    assert annotated.status_code == 200
    assert "filename*=UTF-8''" in annotated.headers["content-disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(annotated.content))
    assert wb.sheetnames[0] == "检查结果"
    assert any(c.comment for ws in wb.worksheets for row in ws.iter_rows() for c in row)

    fixed = isolated_client.get(f"/jobs/{job}/files/{entry['fixed']}")
    assert fixed.status_code == 200 and entry["fixed_cells"] > 0
    with_fixes = tmp_path / YUANPING.name
    with_fixes.write_bytes(fixed.content)
    assert len(_engine(with_fixes).findings) == entry["remaining"] < entry["findings"]

    page = isolated_client.get(f"/jobs/{job}/report")
    assert page.headers["content-type"].startswith("text/html")
    assert YUANPING.name in page.text and "<mark>" in page.text  # the offending text highlighted


def test_corrupt_upload_reads_like_the_cli(isolated_client: TestClient, tmp_path: Path):
    bad = tmp_path / "损坏的计划.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    old = tmp_path / "旧格式.xls"
    old.write_text("hello")
    job, status = _check(isolated_client, bad, old, YUANPING)
    assert status["state"] == "done"
    cli = {Path(r.path).name: r.error for r in _engine(bad, old).reports}
    by_name = {f["name"]: f for f in status["files"]}
    for name in (bad.name, old.name):
        assert by_name[name]["error"] == cli[name] and "另存为" in cli[name]
        assert by_name[name]["annotated"] is None
    assert by_name[YUANPING.name]["annotated"]
    page = isolated_client.get(f"/jobs/{job}/report").text
    assert "无法读取" in page and "Traceback" not in page and "planlint-serve-" not in page


def test_unreadable_superior_names_the_upload(isolated_client: TestClient, work: Path, tmp_path: Path):
    bad = tmp_path / "市级计划.docx"
    bad.write_bytes(b"garbage")
    _, status = _check(isolated_client, ZEZHOU, superior=bad)
    assert status["state"] == "failed"
    assert status["error"].startswith("市级计划.docx：上级计划无法读取")
    assert str(work) not in status["error"]
    assert list(work.iterdir()) == []


def test_limits(work: Path, tmp_path: Path):
    small = tmp_path / "大文件.csv"
    small.write_bytes(b"x" * 3000)
    with TestClient(
        create_app(temp_parent=str(work), max_file_bytes=2000, max_files=2), base_url="http://127.0.0.1"
    ) as c:
        tiny = tmp_path / "a.csv"
        tiny.write_text("序号,抽查任务名称\n1,测试\n", encoding="utf-8")
        r = _post(c, tiny, tiny, tiny)
        assert r.status_code == 413 and "一次最多检查 2 个文件" in r.json()["error"]
        r = _post(c, small)
        assert r.status_code == 413 and "「大文件.csv」" in r.json()["error"] and "上限" in r.json()["error"]
        r = _post(c, tiny, superior=small)
        assert r.status_code == 413 and "大文件.csv" in r.json()["error"]
        r = c.post("/api/check", files=[("files", ("计划.exe", b"MZ", "application/octet-stream"))])
        assert r.status_code == 400 and "不是可检查的文件类型" in r.json()["error"]
        r = c.post("/api/check", data={"profile": "default"})
        assert r.status_code == 400 and "请至少选择一个计划文件" in r.json()["error"]
        r = _post(c, tiny, profile="no-such-profile")
        assert r.status_code == 400 and "未知的配置档" in r.json()["error"]
        r = c.post(
            "/api/check",
            content=b"-" * (2000 * 4 + 1024 * 1024 + 1),  # 2 plans, a superior plan, an item list, the form
            headers={"content-type": "multipart/form-data; boundary=x"},
        )
        assert r.status_code == 413 and "请分批检查" in r.json()["error"]
    assert list(work.iterdir()) == []


def test_unexpected_failure_is_one_chinese_line(monkeypatch, work: Path):
    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "run", boom)  # in this process: the batch runs in a thread here
    with TestClient(create_app(temp_parent=str(work), isolate=False), base_url="http://127.0.0.1") as client:
        _, status = _check(client, YUANPING)
    assert status["state"] == "failed" and "内部错误" in status["error"] and "boom" not in status["error"]
    assert list(work.iterdir()) == []


def test_request_failure_is_json_not_traceback(monkeypatch, work: Path):
    import planlint.serve.app as app_module

    def boom():
        raise RuntimeError("boom")

    app = create_app(temp_parent=str(work))
    monkeypatch.setattr(app_module, "profile_names", boom)
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
        r = _post(c, YUANPING, profile="default")
    assert r.status_code == 500 and "内部错误" in r.json()["error"] and "Traceback" not in r.text
    assert list(work.iterdir()) == []


def test_unknown_job_and_foreign_host(client: TestClient):
    r = client.get("/api/jobs/nope")
    assert r.status_code == 404 and "请重新上传" in r.json()["error"]
    assert client.get("/jobs/nope/files/report.json").status_code == 404
    assert client.get("/", headers={"host": "evil.example:8765"}).status_code == 400


def test_page(client: TestClient):
    r = client.get("/")
    assert r.status_code == 200 and "把计划文件拖到这里" in r.text
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert 'value="shanxi-2025"' in r.text and 'value="default"' in r.text


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("C:\\Users\\张三\\桌面\\计划.xlsx", "计划.xlsx"),
        ("../../etc/计划.csv", "计划.csv"),
        ('a<b>:"c|?*.docx', "a_b___c___.docx"),
        ("..xlsx", "文件1.xlsx"),
        ("", "文件1"),
    ],
)
def test_upload_names_are_safe(raw: str, name: str):
    from planlint.serve.jobs import safe_filename

    assert safe_filename(raw, "文件1") == name


def test_job_progress_counts_finished_items():
    from planlint.serve.jobs import Job

    job = Job("x", None, None)
    seen = []
    for item in job.progress(["a", "b"], 2, "检查"):
        seen.append((item, job.stage, job.done, job.total))
    assert seen == [("a", "正在检查", 0, 2), ("b", "正在检查", 1, 2)] and job.done == 2
    assert job.status() == {"state": "queued", "stage": "正在检查", "done": 2, "total": 2}


# ---------------------------------------------------------------- hostile use (issue 21)


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {"origin": "null"},
        {"origin": "http://127.0.0.1:9999"},
    ],
)
def test_cross_site_upload_is_refused(client: TestClient, work: Path, headers: dict):
    """#21.10: any page the editor visits could post to the local server; before, this was 202."""
    r = client.post("/api/check", files=[("files", _part(YUANPING))], headers=headers)
    assert r.status_code == 403 and "其他网站" in r.json()["error"]
    assert list(work.iterdir()) == []


def test_same_origin_upload_is_accepted(client: TestClient):
    r = client.post(
        "/api/check",
        files=[("files", _part(YUANPING))],
        headers={"origin": "http://127.0.0.1", "sec-fetch-site": "same-origin"},
    )
    assert r.status_code == 202, r.text
    assert _wait(client, r.json()["job"])["state"] == "done"


@pytest.mark.skipif(
    sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux (none on Windows, not on macOS)"
)
def test_a_batch_over_its_limits_fails_alone(work: Path):
    """#21.10: a batch runs in a child process with a memory limit; going over it (here: 1 MB, so
    at once) fails that batch with a message, and the server goes on serving."""
    from planlint.serve.jobs import JobLimits

    app = create_app(temp_parent=str(work), limits=JobLimits(memory_mb=1, seconds=60))
    with TestClient(app, base_url="http://127.0.0.1") as c:
        _, status = _check(c, YUANPING)
        assert status["state"] == "failed" and "内存上限（1 MB）" in status["error"], status
        assert c.get("/").status_code == 200
    assert list(work.iterdir()) == []


def test_waiting_uploads_are_bounded_in_bytes(monkeypatch, tmp_path: Path):
    import threading

    from planlint.serve import jobs

    release = threading.Event()
    monkeypatch.setattr(
        jobs,
        "run_job",
        lambda job, limits: (release.wait(30), job.batch.cleanup(), setattr(job, "state", "done")),
    )
    store = jobs.JobStore(max_queued_bytes=10)
    batches = []
    for _ in range(2):
        batch = jobs.Batch(str(tmp_path))
        batch.add("计划.csv").write_bytes(b"12345678")
        batches.append(batch)
    store.submit(batches[0], None)
    with pytest.raises(jobs.Busy):
        store.submit(batches[1], None)
    release.set()
    batches[1].cleanup()
    store.close()


def test_kept_results_are_bounded_in_bytes(monkeypatch, tmp_path: Path):
    from planlint.serve import jobs

    def finish(job, limits):
        job.batch.cleanup()
        job.downloads = {"report.json": jobs.Download("r.json", "application/json", b"x" * 60)}
        job.size, job.state = 60, "done"

    monkeypatch.setattr(jobs, "run_job", finish)
    store = jobs.JobStore(max_kept_bytes=100)
    ids = []
    for _ in range(3):
        batch = jobs.Batch(str(tmp_path))
        batch.add("计划.csv").write_bytes(b"1")
        job = store.submit(batch, None)
        ids.append(job.id)
        deadline = time.monotonic() + 30
        while not job.finished and time.monotonic() < deadline:
            time.sleep(0.01)
    store.close()
    assert [store.get(i) is not None for i in ids] == [False, False, True]


def test_long_chinese_upload_name(client: TestClient, tmp_path: Path):
    """#21.10: 90 Chinese characters are 270 bytes, over the 255 a file name may have: before, HTTP 500."""
    from planlint.serve.jobs import MAX_NAME_BYTES, safe_filename

    name = "晋" * 90 + ".xlsx"
    cut = safe_filename(name, "文件1")
    assert cut.endswith(".xlsx") and len(cut.encode()) <= MAX_NAME_BYTES and cut.startswith("晋" * 60)
    r = client.post(
        "/api/check", files=[("files", (name, YUANPING.read_bytes(), "application/octet-stream"))]
    )
    assert r.status_code == 202, r.text
    status = _wait(client, r.json()["job"])
    assert status["state"] == "done" and status["files"][0]["name"] == cut


def test_stale_temporary_folders_are_swept_at_start(work: Path):
    """#21.10: a server killed mid-batch left its upload folder (other people's plans) on disk."""
    dead = work / "planlint-serve-999999999-abc"
    (dead / "in" / "0").mkdir(parents=True)
    (dead / "in" / "0" / "计划.xlsx").write_bytes(b"plan")
    own = work / f"planlint-serve-{os.getpid()}-live"
    own.mkdir()
    other = work / "unrelated"
    other.mkdir()
    create_app(temp_parent=str(work))
    assert sorted(p.name for p in work.iterdir()) == sorted([own.name, "unrelated"])


# ---------------------------------------------------------------- the command


def test_check_does_not_import_the_web_stack():
    code = (
        "import sys\n"
        "from planlint.cli import cli\n"
        f"try:\n    cli.main(['check', '--exit-zero', {str(YUANPING)!r}], standalone_mode=False)\n"
        "except SystemExit:\n    pass\n"
        "print([m for m in sys.modules if m.split('.')[0] in ('starlette', 'uvicorn', 'multipart',"
        " 'python_multipart') or m.startswith('planlint.serve')])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_missing_extra_says_what_to_install(monkeypatch):
    from planlint import webserver
    from planlint.commands import serve

    real = webserver.importlib.util.find_spec
    monkeypatch.setattr(webserver.importlib.util, "find_spec", lambda m: None if m == "uvicorn" else real(m))
    with pytest.raises(PlanlintError, match=r'缺少 uvicorn.*pip install "planlint\[serve\]"'):
        serve.require_extras()


def test_busy_port_is_a_clear_message():
    from planlint.webserver import bind

    first = bind("127.0.0.1", 0)
    try:
        with pytest.raises(PlanlintError, match="端口已被占用"):
            bind("127.0.0.1", first.getsockname()[1])
    finally:
        first.close()


# ---------------------------------------------------------------- in the browser


def test_in_the_browser(browser, serve_server, tmp_path: Path):
    from playwright.sync_api import expect

    url, temp = serve_server
    dropped = SAMPLES / "长治市市场监督管理局2023年度双随机抽查工作计划.txt"
    expected = len(_engine(YUANPING, dropped, superior=(str(JINCHENG),)).findings)
    page = browser.new_page(viewport={"width": 1280, "height": 1500}, locale="zh-CN", accept_downloads=True)
    page.goto(url)
    expect(page.locator("h1")).to_have_text("双随机抽查工作计划检查")

    # A file of the wrong kind is refused before upload, with the server's wording.
    page.set_input_files(
        "#files",
        files=[{"name": "说明.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"}],
    )
    expect(page.locator("#message")).to_contain_text("「说明.exe」不是可检查的文件类型")

    # One plan chosen with the file dialog, one dropped on the zone.
    page.set_input_files("#files", str(YUANPING))
    data = base64.b64encode(dropped.read_bytes()).decode()
    transfer = page.evaluate_handle(
        """([name, b64]) => {
            const bin = atob(b64), bytes = new Uint8Array(bin.length);
            for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], name));
            return dt;
        }""",
        [dropped.name, data],
    )
    page.dispatch_event("#drop", "drop", {"dataTransfer": transfer})
    expect(page.locator("#chosen li")).to_have_count(2)
    page.set_input_files("#superior", str(JINCHENG))
    expect(page.locator("#superior-name")).to_contain_text(JINCHENG.name)
    page.select_option("#profile", "shanxi-2025")

    # Record every progress label the page shows while the batch runs.
    page.evaluate("""() => {
        window.progressLabels = [];
        new MutationObserver(() => window.progressLabels.push(
            document.getElementById('progress-label').textContent))
          .observe(document.getElementById('progress-label'),
                   {childList: true, characterData: true, subtree: true});
    }""")
    page.click("#start")
    expect(page.locator("#results")).to_be_visible(timeout=60_000)
    expect(page.locator("#progress")).to_be_hidden()  # done: no progress bar left over
    expect(page.locator("#total-findings")).to_have_text(str(expected))
    assert any(label.startswith("正在") for label in page.evaluate("window.progressLabels"))
    expect(page.locator("#files-table tr")).to_have_count(2)

    report = page.frame_locator("#report")
    expect(report.locator("#count-files")).to_have_text("2")
    expect(report.locator("mark").first).to_be_visible()
    page.wait_for_function("document.getElementById('report').style.height !== ''")

    with page.expect_download() as info:
        page.locator("#files-table a.annotated").first.click()
    download = info.value
    assert download.suggested_filename == f"{YUANPING.stem}.批注.xlsx"
    saved = tmp_path / "annotated.xlsx"
    download.save_as(saved)
    wb = openpyxl.load_workbook(saved)
    comments = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.comment]
    assert comments and all("planlint" == c.comment.author for c in comments)
    assert "检查结果" in wb.sheetnames

    with page.expect_download() as info:
        page.click("#download-json")
    doc = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert sum(len(f["findings"]) for f in doc["files"]) == expected

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "serve.png"))  # the top: form, summary, report start
    leftovers = [p.name for p in temp.iterdir() if p.name.startswith("planlint-serve-")]
    assert leftovers == []


def test_finished_job_does_not_report_a_running_stage(isolated_client: TestClient, tmp_path: Path):
    """A job that is done says so in its stage too (not the last stage it ran, 正在生成修复副本)."""
    _, status = _check(isolated_client, YUANPING)
    assert status["state"] == "done" and status["stage"] == "检查完成"
    bad = tmp_path / "市级计划.docx"
    bad.write_bytes(b"garbage")
    _, failed = _check(isolated_client, ZEZHOU, superior=bad)
    assert failed["state"] == "failed" and failed["stage"] == "检查失败"


def test_page_states_in_the_browser(browser, serve_server):
    """What a person sees before choosing anything, with a superior plan chosen, and after removing it."""
    from playwright.sync_api import expect

    url, _ = serve_server
    page = browser.new_page(locale="zh-CN")
    page.goto(url)
    # Nothing chosen: no 移除 button, no progress, no results, 开始检查 disabled.
    expect(page.locator("#clear-superior")).to_be_hidden()
    expect(page.locator("#progress")).to_be_hidden()
    expect(page.locator("#results")).to_be_hidden()
    expect(page.locator("#message")).to_be_hidden()
    expect(page.locator("#start")).to_be_disabled()
    # A superior plan chosen: its name and the 移除 button show.
    page.set_input_files("#superior", str(JINCHENG))
    expect(page.locator("#superior-name")).to_contain_text(JINCHENG.name)
    expect(page.locator("#clear-superior")).to_be_visible()
    # Removed again: the button goes with it.
    page.click("#clear-superior")
    expect(page.locator("#clear-superior")).to_be_hidden()
    expect(page.locator("#superior-name")).not_to_contain_text(JINCHENG.name)
    # A plan chosen: 开始检查 enabled.
    page.set_input_files("#files", str(YUANPING))
    expect(page.locator("#start")).to_be_enabled()
    # A batch that fails (an unreadable superior plan): the reason shows, progress and results do not.
    page.set_input_files(
        "#superior",
        files=[{"name": "市级计划.docx", "mimeType": "application/octet-stream", "buffer": b"garbage"}],
    )
    page.click("#start")
    expect(page.locator("#message")).to_contain_text("上级计划无法读取", timeout=60_000)
    expect(page.locator("#progress")).to_be_hidden()
    expect(page.locator("#results")).to_be_hidden()


def test_every_route_is_documented_in_the_readme():
    from conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    paths = [r.path for r in create_app().routes if r.path != "/"]
    assert paths
    for path in paths:
        written = path.replace("{job}", "<id>").replace("{key:path}", "<key>")
        assert f"`{written}" in readme or f" {written}`" in readme or f"`GET {written}`" in readme, path


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_AS is POSIX")
def test_an_error_raised_at_the_memory_cap_is_reported_as_the_cap():
    """Under RLIMIT_AS, running out may surface as SystemError or OSError from an import, not as
    MemoryError: the batch's message must still name the memory limit (it once said 内部错误)."""
    code = (
        "import resource\n"
        "from planlint.serve.jobs import _memory_exhausted\n"
        "free = _memory_exhausted()\n"
        "resource.setrlimit(resource.RLIMIT_AS, (2**20, resource.RLIM_INFINITY))\n"
        "print(free, _memory_exhausted())\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.stdout.split() == ["False", "True"], run.stdout + run.stderr
