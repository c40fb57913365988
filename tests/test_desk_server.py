"""The desk as it runs on a server: a real `planlint desk serve` (uvicorn) subprocess on 127.0.0.1.
Twenty uploads at once (no lost or mixed records), a backup taken while uploads go on (and served
as the restored desk), forwarded headers honoured only from the configured proxy, and kill -9 in
the middle of uploads followed by a restart (no half records, sessions survive)."""

from __future__ import annotations

import hashlib
import json
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytest.importorskip("argon2")
httpx = pytest.importorskip("httpx")

from desk_helpers import (  # noqa: E402
    CITY,
    REVIEWER,
    XLSX,
    Account,
    Server,
    county_path,
    county_plan,
    make_desk,
    session,
    token,
)

from planlint.desk import db  # noqa: E402
from planlint.desk.store import FileStore  # noqa: E402

COUNTIES = [f"{name}县" for name in ("甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸")]
EDITORS = [Account(f"e{i}", "editor", c) for i, c in enumerate(COUNTIES)]


def post_upload(c: httpx.Client, rid: str, county: str, path: Path) -> httpx.Response:
    return c.post(
        f"{county_path(rid, county)}/upload",
        data={"csrf_token": token(c)},
        files={"plan": (path.name, path.read_bytes(), XLSX)},
    )


def query(data: Path, sql: str, *args) -> list[sqlite3.Row]:
    conn = db.connect(data)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def check_consistent(data: Path) -> None:
    """Integrity, every recorded file present with its bytes, one upload event and audit line per version."""
    conn = sqlite3.connect(db.db_path(data))
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    store = FileStore(data)
    versions = query(data, "SELECT * FROM versions")
    for v in versions:
        for digest in (v["file_hash"], v["annotated_hash"], v["fixed_hash"]):
            assert digest is None or store.verify(digest), (v["id"], digest)
    for (county,) in {(v["county"],) for v in versions}:
        numbers = sorted(v["number"] for v in versions if v["county"] == county)
        assert numbers == list(range(1, len(numbers) + 1)), (county, numbers)
    uploads = query(data, "SELECT version_id FROM events WHERE action = 'upload'")
    assert sorted(e["version_id"] for e in uploads) == sorted(v["id"] for v in versions)
    assert query(data, "SELECT COUNT(*) AS n FROM audit WHERE action = 'version.upload'")[0]["n"] == len(
        versions
    )


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("desk-server")
    data = make_desk(tmp / "data", accounts=(REVIEWER, *EDITORS))
    # Behind a real proxy the cookies are Secure (HTTPS to the proxy); this client speaks plain HTTP.
    server = Server(data, "--proxy", "127.0.0.1", "--no-secure-cookies")
    state = {"tmp": tmp, "data": data, "server": server}
    try:
        yield _set_up(state)
    finally:
        state["server"].stop()


def _set_up(state: dict) -> dict:
    tmp, server = state["tmp"], state["server"]
    city = session(server, REVIEWER)
    r = city.post(
        "/rounds",
        data={
            "csrf_token": token(city),
            "title": "并发测试",
            "year": "2025",
            "profile": "shanxi-2025",
            "counties": "、".join(COUNTIES),
        },
        files={"superior": (CITY.name, CITY.read_bytes(), XLSX)},
    )
    assert r.status_code == 303, r.text[:300]
    rid = r.headers["location"].rsplit("/", 1)[1]
    plans = {(c, n): county_plan(tmp, c, note=n) for c in COUNTIES for n in ("甲稿", "乙稿")}
    state.update(rid=rid, plans=plans, city=city)
    return state


def _fire(jobs: list) -> list:
    """Run the callables at the same moment, one thread each; their results in order."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def worker(i: int, job) -> None:
        barrier.wait()
        try:
            results[i] = job()
        except Exception as exc:  # noqa: BLE001 - reported by the caller
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i, j)) for i, j in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return results


def test_twenty_uploads_at_once(desk):
    server, rid, data = desk["server"], desk["rid"], desk["data"]
    clients = {a.county: session(server, a) for a in EDITORS}
    jobs = [
        (lambda c=c, n=n: post_upload(clients[c], rid, c, desk["plans"][(c, n)]))
        for c in COUNTIES
        for n in ("甲稿", "乙稿")
    ]
    started = time.time()
    results = _fire(jobs)
    elapsed = time.time() - started
    assert all(
        isinstance(r, httpx.Response) and r.status_code == 303 and r.headers["location"].startswith("/v/")
        for r in results
    ), results
    versions = query(data, "SELECT * FROM versions")
    assert len(versions) == 20
    for county in COUNTIES:
        mine = [v for v in versions if v["county"] == county]
        expected = {
            hashlib.sha256(desk["plans"][(county, n)].read_bytes()).hexdigest() for n in ("甲稿", "乙稿")
        }
        assert sorted(v["number"] for v in mine) == [1, 2]
        assert {v["file_hash"] for v in mine} == expected  # its own two files, nobody else's
        for v in mine:
            # the annotated copy is of this county's file: its title names the county
            got = clients[county].get(f"/v/{v['id']}/file/annotated")
            assert got.status_code == 200 and county.encode() in _title_of(got.content)
            assert json.loads(v["findings_json"])["tasks"] == 10
    check_consistent(data)
    print(f"20 uploads at once: {elapsed:.1f} s")


def _title_of(xlsx: bytes) -> bytes:
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    ws = next(s for s in wb.worksheets if s.title != "检查结果")
    return str(ws.cell(1, 1).value).encode()


def test_forwarded_headers_only_from_the_configured_proxy(desk):
    session(desk["server"], EDITORS[0], headers={"x-forwarded-for": "10.1.2.3"})
    ips = [
        r["ip"]
        for r in query(desk["data"], "SELECT ip FROM audit WHERE action = 'login' ORDER BY id DESC LIMIT 1")
    ]
    assert ips == ["10.1.2.3"]  # the server was started with --proxy 127.0.0.1


def test_backup_while_uploading_then_serve_the_backup(desk):
    server, rid, data, tmp = desk["server"], desk["rid"], desk["data"], desk["tmp"]
    clients = {a.county: session(server, a) for a in EDITORS[:4]}
    jobs = [(lambda c=c: post_upload(clients[c], rid, c, desk["plans"][(c, "甲稿")])) for c in clients]
    out = tmp / "backup"
    jobs.append(
        lambda: subprocess.run(
            [sys.executable, "-m", "planlint", "desk", "backup", str(data), str(out)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    )
    results = _fire(jobs)
    done = results[-1]
    assert done.returncode == 0 and "已备份" in done.stdout, done.stderr
    assert all(r.status_code == 303 for r in results[:-1])
    check_consistent(out)
    conn = sqlite3.connect(db.db_path(out))
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    backed_up = {v["id"] for v in query(out, "SELECT id FROM versions")}
    assert len(backed_up) >= 20 and backed_up <= {v["id"] for v in query(data, "SELECT id FROM versions")}

    # restore: serve the backup folder; accounts, rounds and files are all there (linting in the
    # server's own process: the lint processes are the kill -9 test's)
    restored = Server(out, "--lint-processes", "0")
    try:
        editor = session(restored, EDITORS[0])
        v = query(out, "SELECT * FROM versions WHERE county = ? ORDER BY number LIMIT 1", COUNTIES[0])[0]
        got = editor.get(f"/v/{v['id']}/file/original")
        assert hashlib.sha256(got.content).hexdigest() == v["file_hash"]
        city = session(restored, REVIEWER)
        board = city.get(f"/rounds/{rid}/board.json").json()["counties"]
        assert {b["county"] for b in board} == set(COUNTIES) and all(b["version"] for b in board)
        # the restored desk takes new uploads
        assert post_upload(editor, rid, COUNTIES[0], desk["plans"][(COUNTIES[0], "乙稿")]).status_code == 303
    finally:
        restored.stop()


def test_several_worker_processes_share_sessions_and_data(desk, tmp_path):
    """`--workers 2`: uvicorn's worker processes on one port; a session opened through one is valid in
    the other (sessions live in the database), and the board is the same from either."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = Server(desk["data"], "--workers", "2", "--lint-processes", "0", port=port)
    try:
        city = session(server, REVIEWER)
        boards = {
            json.dumps(city.get(f"/rounds/{desk['rid']}/board.json").json(), sort_keys=True) for _ in range(6)
        }
        assert len(boards) == 1 and len(json.loads(boards.pop())["counties"]) == len(COUNTIES)
    finally:
        server.stop()


def _partial_upload(
    server: Server, cookie: str, rid: str, county: str, body_part: bytes, total: int
) -> socket.socket:
    """An upload whose body is only partly sent: the server is killed while it waits for the rest."""
    url = urlsplit(server.url)
    sock = socket.create_connection((url.hostname, url.port))
    path = county_path(rid, county)
    head = (
        f"POST {path}/upload HTTP/1.1\r\nHost: {url.netloc}\r\nCookie: {cookie}\r\n"
        f"Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: {total}\r\n\r\n"
    )
    sock.sendall(head.encode() + body_part)
    return sock


def test_kill_9_during_uploads_then_restart(desk):
    server, rid, data = desk["server"], desk["rid"], desk["data"]
    before = len(query(data, "SELECT id FROM versions"))
    clients = {a.county: session(server, a) for a in EDITORS}
    c0 = clients[COUNTIES[0]]
    csrf = token(c0)
    cookie = "; ".join(f"{k}={v}" for k, v in c0.cookies.items())
    plan = desk["plans"][(COUNTIES[0], "甲稿")].read_bytes()
    body = (
        (
            f'--XyZ\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{csrf}\r\n--XyZ\r\n'
            f'Content-Disposition: form-data; name="plan"; filename="plan.xlsx"\r\n'
            f"Content-Type: {XLSX}\r\n\r\n"
        ).encode()
        + plan
        + b"\r\n--XyZ--\r\n"
    )
    # one upload first, so that the lint processes exist whatever ran before this test
    assert post_upload(c0, rid, COUNTIES[0], desk["plans"][(COUNTIES[0], "乙稿")]).status_code == 303
    before += 1
    hanging = _partial_upload(server, cookie, rid, COUNTIES[0], body[: len(body) // 2], len(body))
    # ten complete uploads in flight, the server killed while they are being stored and linted
    results: list = []
    threads = [
        threading.Thread(
            target=lambda c=c: results.append(
                _try(lambda: post_upload(clients[c], rid, c, desk["plans"][(c, "乙稿")]))
            )
        )
        for c in COUNTIES
    ]
    for t in threads:
        t.start()
    time.sleep(0.8)
    children = _descendants(server.proc.pid)
    server.kill9()
    for t in threads:
        t.join(timeout=60)
    hanging.close()
    committed = sum(1 for r in results if isinstance(r, httpx.Response) and r.status_code == 303)
    deadline = time.time() + 15
    while any(_alive(pid) for pid in children) and time.time() < deadline:
        time.sleep(0.2)
    # the lint processes followed the server (and so did the fork server they were forked from)
    assert len(children) >= 2 and not any(_alive(pid) for pid in children)

    check_consistent(data)
    after = len(query(data, "SELECT id FROM versions"))
    assert (
        before + committed <= after <= before + len(COUNTIES)
    )  # answered uploads all there; none half there

    # restart without --proxy: the same data, the same (server-side) sessions, forwarded headers ignored
    desk["server"] = restarted = Server(data)
    for c in clients.values():
        c._base_url = httpx.URL(restarted.url)
    assert c0.get("/").status_code == 200  # still logged in after the restart
    r = post_upload(c0, rid, COUNTIES[0], desk["plans"][(COUNTIES[0], "甲稿")])
    assert r.status_code == 303
    check_consistent(data)
    session(restarted, EDITORS[1], headers={"x-forwarded-for": "10.9.9.9"})
    ip = query(data, "SELECT ip FROM audit WHERE action = 'login' ORDER BY id DESC LIMIT 1")[0]["ip"]
    assert ip == "127.0.0.1"


def _descendants(pid: int) -> list[int]:
    """The processes `pid` started, and the ones they started (Linux /proc)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _alive(pid: int) -> bool:
    """Running (a zombie whose parent is gone counts as ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _try(fn):
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - the server was killed: a transport error is expected
        return exc
