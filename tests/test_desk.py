"""`planlint desk`: the data folder, accounts and sessions, a whole round through the HTTP API,
the board and its exports, limits, and who may do what (every route × every role and none)."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import stat
import zipfile
from pathlib import Path

import openpyxl
import pytest

pytest.importorskip("argon2")
pytest.importorskip("starlette")

from conftest import run_cli  # noqa: E402
from desk_helpers import (  # noqa: E402
    CHANGZHI,
    CITY,
    GP,
    ITEM_LIST,
    PASSWORD,
    REVIEWER,
    XLSX,
    YC,
    ZEZHOU,
    ZZ,
    copy_as,
    county_path,
    county_plan,
    login,
    make_desk,
    open_round,
    retitle,
    token,
    two_table_plan,
    upload,
)
from starlette.testclient import TestClient  # noqa: E402

from planlint.desk import auth, db, rounds  # noqa: E402
from planlint.desk.app import Settings, create_app  # noqa: E402
from planlint.desk.store import FileStore  # noqa: E402
from planlint.engine import RunOptions, run  # noqa: E402
from planlint.errors import PlanlintError  # noqa: E402


def client(app) -> TestClient:
    return TestClient(app, follow_redirects=False)


@pytest.fixture
def desk(tmp_path):
    data = make_desk(tmp_path / "desk")
    return data, create_app(Settings(data_dir=data))


def rows(data: Path, sql: str, *args) -> list[sqlite3.Row]:
    conn = db.connect(data)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def flash(c: TestClient, url: str) -> str:
    return c.get(url).text


# --- data folder, schema, file store --------------------------------------------------------------


def test_init_creates_wal_database_at_the_current_schema(tmp_path):
    data = make_desk(tmp_path / "d", accounts=())
    conn = sqlite3.connect(db.db_path(data))
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION == len(db.MIGRATIONS)
    assert stat.S_IMODE((data / "secret.key").stat().st_mode) == 0o600


def test_migrations_apply_in_order_and_a_newer_database_is_refused(tmp_path):
    path = tmp_path / db.DB_NAME
    conn = db._open(path)
    assert db.apply_migrations(conn, upto=1) == 1
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "versions_county" not in indexes
    assert db.apply_migrations(conn) == db.SCHEMA_VERSION
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "versions_county" in indexes
    assert {"diff_base", "city_tasks"} <= {r[1] for r in conn.execute("PRAGMA table_info(versions)")}
    assert {"item_list_name", "item_list_hash"} <= {r[1] for r in conn.execute("PRAGMA table_info(rounds)")}
    conn.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION + 1}")
    with pytest.raises(Exception, match="升级 planlint"):
        db.apply_migrations(conn)


def test_a_desk_of_the_previous_schema_is_migrated_with_its_data(tmp_path):
    """A data folder written at schema 3 (before item lists and coverage shares): its round and
    version survive the migration, the board shows the old version as not compared, and the next
    upload gets the coverage share."""
    data = make_desk(tmp_path / "d", accounts=())
    for f in data.glob(db.DB_NAME + "*"):
        f.unlink()
    conn = db._open(db.db_path(data))
    conn.execute("PRAGMA journal_mode = WAL")
    assert db.apply_migrations(conn, upto=3) == 3
    for a in (REVIEWER, ZZ):
        auth.add_user(conn, a.username, a.role, a.county, PASSWORD)
    store = FileStore(data)
    city_hash, plan_hash = store.put(CITY.read_bytes()), store.put(ZEZHOU.read_bytes())
    conn.execute(
        "INSERT INTO rounds (id, title, year, profile, superior_name, superior_hash, created_by, created_at)"
        " VALUES ('r3', '旧一轮', 2025, 'shanxi-2025', ?, ?, 'city', '2025-01-01T00:00:00+00:00')",
        (CITY.name, city_hash),
    )
    conn.execute(
        "INSERT INTO round_counties (round_id, county, updated_at) VALUES ('r3', '泽州县', '2025-01-01')"
    )
    conn.execute(
        "INSERT INTO versions (id, round_id, county, number, filename, file_hash, size, uploaded_by, uploaded_at,"
        " errors, warnings, infos, duplicates, findings_json) VALUES ('v3', 'r3', '泽州县', 1, ?, ?, 1, 'zz',"
        ' \'2025-01-01\', 2, 3, 0, 0, \'{"findings": [], "tasks": 15, "problems": []}\')',
        (ZEZHOU.name, plan_hash),
    )
    conn.close()

    app = create_app(Settings(data_dir=data))  # migrates
    assert rows(data, "PRAGMA user_version")[0][0] == db.SCHEMA_VERSION
    city, zz = client(app), client(app)
    login(city, REVIEWER), login(zz, ZZ)
    (old,) = city.get("/rounds/r3/board.json").json()["counties"]
    assert (old["version"], old["errors"], old["coverage"]) == (1, 2, None)
    assert "未比对" in city.get("/rounds/r3").text and "旧一轮" in city.get("/").text
    assert city.get("/rounds/r3/file/item_list").status_code == 404
    upload(zz, "r3", "泽州县", county_plan(tmp_path, "泽州县"))
    (new,) = city.get("/rounds/r3/board.json").json()["counties"]
    assert new["version"] == 2 and new["coverage"]["required"] == 0


def test_file_store_is_content_addressed_and_read_only(tmp_path):
    store = FileStore(tmp_path)
    digest = store.put(b"plan bytes")
    assert store.put(b"plan bytes") == digest
    path = store.path(digest)
    assert path.read_bytes() == b"plan bytes" and store.verify(digest)
    assert not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    with pytest.raises(ValueError):
        store.path("../../etc/passwd")
    # what a crash in the middle of a put leaves behind is swept, once it is old
    (tmp_path / "tmp" / "put-old").write_bytes(b"half")
    (tmp_path / "tmp" / "put-new").write_bytes(b"being written")
    os.utime(tmp_path / "tmp" / "put-old", (0, 0))
    assert store.sweep() == 1 and [p.name for p in (tmp_path / "tmp").iterdir()] == ["put-new"]


def test_init_refuses_a_folder_in_use(tmp_path, monkeypatch, capsys):
    data = make_desk(tmp_path / "d", accounts=())
    code, _, err = run_cli("desk", "init", str(data), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "已存在" in err


def test_backup_refuses_a_used_target_and_a_folder_that_is_not_a_desk(tmp_path, monkeypatch, capsys):
    data = make_desk(tmp_path / "d", accounts=(ZZ,))
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "x").write_text("x")
    code, _, err = run_cli(
        "desk", "backup", str(data), str(tmp_path / "used"), monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 2 and "不为空" in err
    code, _, err = run_cli(
        "desk",
        "backup",
        str(tmp_path / "used"),
        str(tmp_path / "out"),
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 2 and "desk init" in err and not (tmp_path / "out").exists()
    code, out, _ = run_cli(
        "desk", "backup", str(data), str(tmp_path / "out"), monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0 and rows(tmp_path / "out", "SELECT username FROM users")[0]["username"] == "zz"


# --- accounts and sessions -------------------------------------------------------------------------


def test_cli_user_add_reset_disable(tmp_path, monkeypatch, capsys):
    data = tmp_path / "d"
    assert run_cli("desk", "init", str(data), monkeypatch=monkeypatch, capsys=capsys)[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("first-password-1\n"))
    code, out, _ = run_cli(
        "desk",
        "user",
        "add",
        "zz",
        "--data",
        str(data),
        "--role",
        "editor",
        "--county",
        "泽州县",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 0 and "泽州县" in out
    (row,) = rows(data, "SELECT * FROM users")
    assert row["password_hash"].startswith("$argon2id$") and "first-password-1" not in row["password_hash"]
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code, _, err = run_cli(
        "desk", "user", "reset", "zz", "--data", str(data), monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 2 and "密码太短" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("second-password-2\n"))
    assert (
        run_cli("desk", "user", "reset", "zz", "--data", str(data), monkeypatch=monkeypatch, capsys=capsys)[0]
        == 0
    )
    assert (
        run_cli("desk", "user", "disable", "zz", "--data", str(data), monkeypatch=monkeypatch, capsys=capsys)[
            0
        ]
        == 0
    )
    code, out, _ = run_cli(
        "desk", "user", "list", "--data", str(data), monkeypatch=monkeypatch, capsys=capsys
    )
    assert "已停用" in out
    code, _, err = run_cli(
        "desk", "user", "disable", "nobody", "--data", str(data), monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 2 and "没有用户" in err
    code, _, err = run_cli("desk", "serve", str(tmp_path / "nothing"), monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "desk init" in err
    actions = [r["action"] for r in rows(data, "SELECT action FROM audit ORDER BY id")]
    assert actions == ["user.add", "user.reset", "user.disable"]


def test_passwords_use_argon2id_with_the_library_defaults(tmp_path, monkeypatch):
    monkeypatch.delenv(auth.CHEAP_HASHES_ENV)
    data = make_desk(tmp_path / "d", accounts=(ZZ,))
    stored = rows(data, "SELECT password_hash FROM users")[0]["password_hash"]
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    conn = db.connect(data)
    assert auth.login(conn, "zz", PASSWORD, "127.0.0.1") is not None
    assert auth.login(conn, "zz", PASSWORD + "x", "127.0.0.1") is None
    conn.close()


def test_session_cookie_is_signed_httponly_samesite_and_expires(desk):
    data, app = desk
    c = client(app)
    r = login(c, REVIEWER)
    assert r.status_code == 303
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and f"max-age={auth.SESSION_SECONDS}" in cookie
    assert "secure" not in cookie
    # A tampered cookie is no session.
    value = c.cookies.get("planlint_desk")
    c.cookies.clear()
    c.cookies.set("planlint_desk", value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert c.get("/").headers["location"] == "/login"
    secure = client(create_app(Settings(data_dir=data, secure_cookies=True)))
    assert "secure" in login(secure, REVIEWER).headers["set-cookie"].lower()


def test_session_expires_and_ends_on_logout_reset_and_disable(desk, monkeypatch):
    data, app = desk
    c = client(app)
    login(c, ZZ)
    assert c.get("/").status_code == 200
    # logout: the old cookie is no longer a session, even if replayed
    old = c.cookies.get("planlint_desk")
    assert c.post("/logout", data={"csrf_token": token(c)}).headers["location"] == "/login"
    c.cookies.clear()
    c.cookies.set("planlint_desk", old)
    assert c.get("/").headers["location"] == "/login"
    c.cookies.clear()
    # reset and disable end open sessions
    for action in (
        lambda conn: auth.reset_password(conn, "zz", PASSWORD),
        lambda conn: auth.disable_user(conn, "zz"),
    ):
        login(c, ZZ)
        assert c.get("/").status_code == 200
        conn = db.connect(data)
        action(conn)
        conn.close()
        assert c.get("/").headers["location"] == "/login"
    assert login(c, ZZ).status_code == 401  # disabled
    # expiry: the server-side session ends after SESSION_SECONDS
    login(c, GP)
    import time as time_module

    later = time_module.time() + auth.SESSION_SECONDS + 1
    monkeypatch.setattr(auth.time, "time", lambda: later)
    assert c.get("/").headers["location"] == "/login"


def test_login_is_rate_limited(desk):
    data, app = desk
    c = client(app)
    for _ in range(auth.MAX_FAILS_PER_USER):
        assert login(c, ZZ, password="wrong-password").status_code == 401
    r = login(c, ZZ)  # right password, too late
    assert r.status_code == 429 and "分钟后再试" in r.text
    assert login(c, GP).status_code == 303  # another account from the same address still may
    failed = rows(data, "SELECT username, ip FROM audit WHERE action = 'login.failed'")
    assert len(failed) == auth.MAX_FAILS_PER_USER and failed[0]["username"] == "zz"


def test_every_post_needs_the_csrf_token(desk):
    data, app = desk
    c = client(app)
    assert c.post("/login", data={"username": "city", "password": PASSWORD}).status_code == 403
    login(c, REVIEWER)
    rid = open_round(c)
    for path in (
        "/logout",
        "/rounds",
        f"{county_path(rid, '泽州县')}/return",
        f"{county_path(rid, '泽州县')}/accept",
    ):
        for sent in ({}, {"csrf_token": "forged"}):
            r = c.post(path, data={**sent, "comment": "x"})
            assert r.status_code == 403 and "CSRF" in r.text, path
    assert c.get("/").status_code == 200  # still logged in: the forged logout did nothing
    # the token also works as a header (API calls)
    r = c.post("/logout", headers={"x-csrf-token": token(c)})
    assert r.headers["location"] == "/login"


# --- a round ---------------------------------------------------------------------------------------


def test_round_upload_lint_diff_waive_submit_return_accept(desk, tmp_path):
    data, app = desk
    city, zz, gp = client(app), client(app), client(app)
    login(city, REVIEWER), login(zz, ZZ), login(gp, GP)
    rid = open_round(city, require_clean=True)

    # version 1: 泽州 2023 (errors), checked at once against the city plan
    first = copy_as(tmp_path, ZEZHOU, ZEZHOU.name)
    r = upload(zz, rid, "泽州县", first)
    assert r.status_code == 303 and r.headers["location"].startswith("/v/")
    v1 = r.headers["location"].rsplit("/", 1)[1]
    expected = run([str(first)], RunOptions(profile="shanxi-2025", superior=(str(CITY),), use_config=False))
    page = zz.get(f"/v/{v1}").text
    (row,) = rows(data, "SELECT * FROM versions WHERE id = ?", v1)
    assert (
        row["errors"] == expected.summary()["error"] > 0 and row["warnings"] == expected.summary()["warning"]
    )
    assert len(json.loads(row["findings_json"])["findings"]) == len(expected.findings)
    assert expected.findings[0].message in page
    assert (
        rows(data, "SELECT file_hash FROM audit WHERE action = 'version.upload'")[0]["file_hash"]
        == row["file_hash"]
    )
    annotated = zz.get(f"/v/{v1}/file/annotated")
    assert (
        annotated.status_code == 200
        and "检查结果" in openpyxl.load_workbook(io.BytesIO(annotated.content)).sheetnames
    )
    assert zz.get(f"/v/{v1}/file/original").content == first.read_bytes()

    # require_clean: errors must be fixed or explained before submitting
    r = zz.post(f"/v/{v1}/submit", data={"csrf_token": token(zz)})
    assert "没有错误" in zz.get(r.headers["location"]).text
    assert rows(data, "SELECT status FROM round_counties WHERE county = '泽州县'")[0]["status"] == "pending"

    # version 2: the model plan; the diff against version 1 is shown, new findings marked
    r = upload(zz, rid, "泽州县", county_plan(tmp_path, "泽州县"))
    v2 = r.headers["location"].rsplit("/", 1)[1]
    (row2,) = rows(data, "SELECT * FROM versions WHERE id = ?", v2)
    assert row2["number"] == 2 and row2["errors"] == 0
    diff = json.loads(row2["diff_json"])
    assert diff["command"] == "diff" and diff["summary"]["added"] + diff["summary"]["changed"] > 0
    page = zz.get(f"/v/{v2}").text
    assert "与第 1 版相比" in page and row2["diff_base"] == 1
    # an old version cannot be submitted
    r = zz.post(f"/v/{v1}/submit", data={"csrf_token": token(zz)})
    assert "只能提交最新的版本" in zz.get(r.headers["location"]).text

    # waiver on a warning, carried by its key
    findings = json.loads(row2["findings_json"])["findings"]
    warning = next((f for f in findings if f["severity"] == "warning"), findings[0])
    r = zz.post(
        f"/v/{v2}/waive",
        data={"csrf_token": token(zz), "key": warning["key"], "reason": "沿用省局模板，已报备"},
    )
    assert "已保存说明" in zz.get(r.headers["location"]).text
    r = zz.post(f"/v/{v2}/waive", data={"csrf_token": token(zz), "key": "PL999|1|name", "reason": "x"})
    assert "没有这个问题" in zz.get(r.headers["location"]).text

    r = zz.post(f"/v/{v2}/submit", data={"csrf_token": token(zz)})
    assert r.status_code == 303
    assert "已提交" in zz.get(county_path(rid, "泽州县")).text
    r = upload(zz, rid, "泽州县", first)  # locked while submitted
    assert "不能再上传" in zz.get(r.headers["location"]).text

    # the reviewer returns it with comments; the editor uploads again and resubmits; accepted
    r = city.post(f"{county_path(rid, '泽州县')}/return", data={"csrf_token": token(city), "comment": ""})
    assert "退回意见" in city.get(r.headers["location"]).text  # a return needs a comment
    city.post(
        f"{county_path(rid, '泽州县')}/return",
        data={"csrf_token": token(city), "comment": "任务5比例偏低，请核实"},
    )
    page = zz.get(county_path(rid, "泽州县")).text
    assert "已退回" in page and "任务5比例偏低，请核实" in page
    v3 = (
        upload(zz, rid, "泽州县", county_plan(tmp_path, "泽州县", note="修改后"))
        .headers["location"]
        .rsplit("/", 1)[1]
    )
    r = zz.post(f"/v/{v3}/submit", data={"csrf_token": token(zz)})
    assert "已提交第 3 版" in zz.get(r.headers["location"]).text
    city.post(f"{county_path(rid, '泽州县')}/accept", data={"csrf_token": token(city), "comment": ""})
    state = rows(data, "SELECT * FROM round_counties WHERE county = '泽州县'")[0]
    assert state["status"] == "accepted" and state["submitted_version"] == v3
    r = city.post(f"{county_path(rid, '泽州县')}/accept", data={"csrf_token": token(city)})
    assert "只有已提交的计划" in city.get(r.headers["location"]).text
    events = [r["action"] for r in rows(data, "SELECT action FROM events ORDER BY id")]
    assert events == ["upload", "upload", "waive", "submit", "return", "upload", "submit", "accept"]
    audit_page = city.get("/audit").text
    assert "review.accept" in audit_page and row["file_hash"][:12] in audit_page
    audited = {r["action"] for r in rows(data, "SELECT action FROM audit")}
    assert {
        "round.open",
        "version.upload",
        "waiver",
        "version.submit",
        "review.return",
        "review.accept",
        "download.annotated",
        "login",
    } <= audited

    # 高平市 uploaded nothing: first on the board (worst first), accepted 泽州县 last
    board = city.get(f"/rounds/{rid}/board.json").json()["counties"]
    assert [b["county"] for b in board] == ["高平市", "泽州县"]
    assert (
        board[0]["status_label"] == "未提交"
        and board[1]["status_label"] == "已通过"
        and board[1]["version"] == 3
    )


def test_versions_are_paired_as_planlint_diff_pairs_them(desk, tmp_path, monkeypatch, capsys):
    """Tables by sheet name (here in the other order), tasks by content and 序号: two swapped tasks
    and an inserted one show as one added task and renumbered ones, nothing changed or removed."""
    data, app = desk
    city, zz = client(app), client(app)
    login(city, REVIEWER), login(zz, ZZ)
    rid = open_round(city)
    old, new = two_table_plan(tmp_path, "泽州县"), two_table_plan(tmp_path, "泽州县", revised=True)
    upload(zz, rid, "泽州县", old)
    v2 = upload(zz, rid, "泽州县", new).headers["location"].rsplit("/", 1)[1]
    diff = json.loads(rows(data, "SELECT diff_json FROM versions WHERE id = ?", v2)[0]["diff_json"])
    summary = diff["summary"]
    assert summary["added"] == 1 and summary["changed"] == summary["removed"] == summary["cosmetic"] == 0
    assert summary["renumbered"] > 0
    added = [t for p in diff["plans"] for t in p["tasks"] if t["status"] == "added"]
    assert [t["name"] for t in added] == ["对食品生产者的双随机抽查"]
    assert [(p["old"]["sheet"], p["new"]["sheet"]) for p in diff["plans"]] == [
        ("计量特设", "计量特设"),
        ("食品药品", "食品药品"),
    ]
    # the same pairing as the command line (new findings differ: the desk lints against the city plan)
    code, out, _ = run_cli("diff", str(old), str(new), "-f", "json", monkeypatch=monkeypatch, capsys=capsys)
    cli = json.loads(out)["summary"]
    assert code == 0 and {**cli, "new_findings": 0} == {**summary, "new_findings": 0}
    page = zz.get(f"/v/{v2}").text
    diff_section = page[page.index('id="diff"') :]
    assert "对食品生产者的双随机抽查" in diff_section and "与第 1 版相比" in page
    assert "<h3>计量特设</h3>" in diff_section and "<h3>食品药品</h3>" in diff_section
    assert "新增 1 项 · 取消 0 项 · 调整 0 项" in diff_section and "仅序号变化" in diff_section


def test_board_worst_first_with_duplicates_and_coverage(desk, tmp_path):
    data, app = desk
    city = client(app)
    login(city, REVIEWER)
    pop = tmp_path / "监管对象数量.csv"
    pop.write_bytes(
        "地区,对象范围,类别,数量\n泽州县,合计,企业,20000\n泽州县,全县企业,企业,20000\n高平市,合计,企业,100\n".encode(
            "gb18030"
        )
    )
    # "auto": each plan gets the layers of its place and year (晋城's 3% coverage floor binds 泽州县)
    rid = open_round(city, counties=("泽州县", "高平市", "阳城县"), population=pop, profile="auto")
    zz, gp = client(app), client(app)
    login(zz, ZZ), login(gp, GP)
    # 泽州 re-initiates two of the city's 市抽县查 tasks (copied from the city plan)
    from test_crossplan import county_with_city_copies

    copies = county_with_city_copies(tmp_path, name="泽州县2025年度内部双随机抽查工作计划.xlsx")
    upload(zz, rid, "泽州县", retitle(copies, "2023", "2025"))
    upload(gp, rid, "高平市", county_plan(tmp_path, "高平市"))
    board = city.get(f"/rounds/{rid}/board.json").json()["counties"]
    by = {b["county"]: b for b in board}
    assert by["泽州县"]["duplicates"] == 2 and by["高平市"]["duplicates"] == 0
    assert by["泽州县"]["population_coverage"] == "不足"  # 1% of 20000 enterprises
    assert by["高平市"]["population_coverage"] in ("未发现不足", "未估算", "不足")
    # 晋城 2025 runs every task itself or draws for the counties (市抽县查): none for counties to initiate
    assert by["泽州县"]["coverage"] == {
        "required": 0,
        "covered": 0,
        "missing": [],
        "label": "市级计划未要求各县发起任务",
    }
    assert [b["county"] for b in board] == ["阳城县", "泽州县", "高平市"]
    page = city.get(f"/rounds/{rid}").text
    assert (
        page.index("阳城县") < page.index("泽州县") < page.index("高平市") and "监管对象覆盖率：不足" in page
    )
    assert page.count("（已逾期）") == 3  # due 2025-03-31, nobody submitted

    # exports: the board as a workbook, every current version with its annotated copy as a zip
    x = city.get(f"/rounds/{rid}/export.xlsx")
    assert x.status_code == 200 and x.headers["content-type"] == XLSX
    wb = openpyxl.load_workbook(io.BytesIO(x.content))
    ws = wb["审查台账"]
    assert [ws.cell(r, 1).value for r in range(4, 7)] == ["阳城县", "泽州县", "高平市"]
    assert ws.cell(5, 6).value == 2 and ws.cell(4, 2).value == "未提交"
    assert wb["问题清单"].max_row > 2
    z = zipfile.ZipFile(io.BytesIO(city.get(f"/rounds/{rid}/export.zip").content))
    names = z.namelist()
    assert "审查台账.xlsx" in names and f"上级计划/{CITY.name}" in names
    zz_files = [n for n in names if n.startswith("泽州县（未提交，第1版）/")]
    assert any(n.endswith(".批注.xlsx") for n in zz_files) and any(
        n.endswith("检查结果.json") for n in zz_files
    )
    assert not any(n.startswith("阳城县") for n in names)


def _with_changzhi_tasks(tmp_path: Path, county: str) -> Path:
    """泽州 2023 renamed to `county`, plus a copy of each 长治 2023 task that counties initiate."""
    from planlint.pipeline import load_plans
    from planlint.rules.primitives.crossplan import for_counties

    columns = ["name", "type", "items", "scope", "quota", "risk", "window", "initiator", "inspector"]
    wb = openpyxl.load_workbook(ZEZHOU)
    ws = wb.active
    ws["A1"] = f"{county}市场监督管理局2023年度内部双随机抽查工作计划"
    for n, task in enumerate([t for t in load_plans(str(CHANGZHI))[0].tasks if for_counties(t)], start=16):
        ws.append([str(n), *(task.text(k) for k in columns)])
    path = tmp_path / f"{county}2023年度内部双随机抽查工作计划.xlsx"
    wb.save(path)
    return path


def test_coverage_is_the_share_of_the_city_tasks_for_counties(desk, tmp_path):
    """长治 2023 names five tasks each county initiates (各地组织发起, 各县区局发起). 泽州 has one of them;
    高平 (泽州 plus copies of all five) has all; the board shows the share and lists what is missing."""
    data, app = desk
    city, zz, gp = client(app), client(app), client(app)
    login(city, REVIEWER), login(zz, ZZ), login(gp, GP)
    rid = open_round(city, superior=CHANGZHI, year=2023)
    upload(zz, rid, "泽州县", copy_as(tmp_path, ZEZHOU, ZEZHOU.name))
    upload(gp, rid, "高平市", _with_changzhi_tasks(tmp_path, "高平市"))
    by = {b["county"]: b for b in city.get(f"/rounds/{rid}/board.json").json()["counties"]}
    zz_cov, gp_cov = by["泽州县"]["coverage"], by["高平市"]["coverage"]
    # the missing ones are exactly the city tasks of 泽州's superior-task-missing findings
    expected = run(
        [str(ZEZHOU)], RunOptions(profile="shanxi-2025", superior=(str(CHANGZHI),), use_config=False)
    )
    missing = [f.message for f in expected.findings if f.slug == "superior-task-missing"]
    assert zz_cov["required"] == gp_cov["required"] == 5
    assert len(zz_cov["missing"]) == len(missing) == 4 and zz_cov["label"] == "覆盖 1/5 项（20%）"
    assert all(any(m in message for message in missing) for m in zz_cov["missing"])
    assert "任务10「野生动物交易检查」" in zz_cov["missing"]
    assert gp_cov == {"required": 5, "covered": 5, "missing": [], "label": "覆盖 5/5 项（100%）"}
    board = city.get(f"/rounds/{rid}").text
    assert "覆盖 1/5 项（20%）" in board and "覆盖 5/5 项（100%）" in board
    assert "未列入：任务" in board and "任务10「野生动物交易检查」" in board
    # the editor sees it on the county page, the reviewer in the exported workbook
    assert "覆盖 1/5 项（20%）" in zz.get(county_path(rid, "泽州县")).text
    ws = openpyxl.load_workbook(io.BytesIO(city.get(f"/rounds/{rid}/export.xlsx").content))["审查台账"]
    headers = [c.value for c in ws[3]]
    row = {ws.cell(r, 1).value: r for r in range(4, 6)}["泽州县"]
    assert ws.cell(row, headers.index("覆盖市级任务") + 1).value == "覆盖 1/5 项（20%）"
    assert "野生动物交易检查" in ws.cell(row, headers.index("未列入的市级任务") + 1).value


def test_board_ranks_missing_city_tasks_with_the_duplicates(desk):
    """Worst first, as `planlint check --superior`'s review: after errors, the duplicated 市抽县查
    tasks and the missing city tasks for counties together, then warnings."""
    from planlint.desk.coverage import CityTasks
    from planlint.desk.lint import LintOutcome

    data, app = desk
    city = client(app)
    login(city, REVIEWER)
    rid = open_round(city, counties=("甲县", "乙县", "丙县", "丁县"))
    conn, store = db.connect(data), FileStore(data)
    try:
        for county, duplicates, missing, warnings in (
            ("甲县", 0, (), 9),
            ("乙县", 0, ("任务1「对直销企业的双随机抽查」", "任务3「对广告发布单位的双随机抽查」"), 0),
            ("丙县", 1, (), 0),
            ("丁县", 0, ("任务1「对直销企业的双随机抽查」",), 0),
        ):
            outcome = LintOutcome(duplicates=duplicates, city_tasks=CityTasks(3, missing), tasks=3)
            outcome.counts["warning"] = warnings
            rounds.record_version(
                conn,
                store,
                auth.User(county, county, "editor", county),
                rid,
                county,
                filename="计划.xlsx",
                file_hash=store.put(county.encode()),
                size=3,
                outcome=outcome,
                ip=None,
            )
        assert [b.county for b in rounds.board(conn, rid)] == [
            "乙县",
            "丁县",
            "丙县",
            "甲县",
        ]  # 丁县 and 丙县 tie: by name
    finally:
        conn.close()
    page = city.get(f"/rounds/{rid}").text
    assert "覆盖 1/3 项（33%）" in page and "覆盖 2/3 项（67%）" in page and "覆盖 3/3 项（100%）" in page


def test_a_round_with_an_item_list(desk, tmp_path):
    """The 抽查事项清单 given when the round is opened is used by every lint of the round, like
    `planlint check --item-list`; its findings name the list by its file name."""
    data, app = desk
    city, zz = client(app), client(app)
    login(city, REVIEWER), login(zz, ZZ)
    assert 'name="item_list"' in city.get("/").text
    rid = open_round(city, item_list=ITEM_LIST)
    (rnd,) = rows(data, "SELECT * FROM rounds WHERE id = ?", rid)
    assert rnd["item_list_name"] == ITEM_LIST.name
    assert FileStore(data).read(rnd["item_list_hash"]) == ITEM_LIST.read_bytes()
    plan = county_plan(tmp_path, "泽州县")
    vid = upload(zz, rid, "泽州县", plan).headers["location"].rsplit("/", 1)[1]
    expected = run(
        [str(plan)],
        RunOptions(profile="shanxi-2025", superior=(str(CITY),), item_list=str(ITEM_LIST), use_config=False),
    )
    findings = json.loads(
        rows(data, "SELECT findings_json FROM versions WHERE id = ?", vid)[0]["findings_json"]
    )["findings"]
    in_list = [f for f in findings if f["slug"] == "item-not-in-list"]
    assert len(in_list) == sum(f.slug == "item-not-in-list" for f in expected.findings) > 0
    assert all(f"抽查事项清单（{ITEM_LIST.name}）" in f["message"] for f in in_list)  # not a temporary path
    assert "planlint-desk-" not in json.dumps(findings, ensure_ascii=False)  # the work folder's prefix
    assert "item-not-in-list" in zz.get(f"/v/{vid}").text
    # the second version is linted with the list too, and the diff between them as well
    v2 = (
        upload(zz, rid, "泽州县", county_plan(tmp_path, "泽州县", note="二"))
        .headers["location"]
        .rsplit("/", 1)[1]
    )
    (row2,) = rows(data, "SELECT findings_json, diff_json FROM versions WHERE id = ?", v2)
    assert sum(f["slug"] == "item-not-in-list" for f in json.loads(row2["findings_json"])["findings"]) == len(
        in_list
    )
    assert json.loads(row2["diff_json"])["summary"]["new_findings"] == 0
    assert "planlint-desk-" not in row2["diff_json"]
    # both roles see and download the round's list
    for c in (city, zz):
        page = c.get(county_path(rid, "泽州县")).text
        assert ITEM_LIST.name in page and f"/rounds/{rid}/file/item_list" in page
        assert c.get(f"/rounds/{rid}/file/item_list").content == ITEM_LIST.read_bytes()
    assert city.get(f"/rounds/{rid}/file/other").status_code == 404
    audited = rows(data, "SELECT username, file_hash FROM audit WHERE action = 'download.item_list'")
    assert sorted(r["username"] for r in audited) == ["city", "zz"]
    assert {r["file_hash"] for r in audited} == {rnd["item_list_hash"]}
    # a round without a list: no such findings, no such file
    plain = open_round(city, title="无清单")
    vid = upload(zz, plain, "泽州县", plan).headers["location"].rsplit("/", 1)[1]
    assert "item-not-in-list" not in rows(data, "SELECT findings_json FROM versions WHERE id = ?", vid)[0][0]
    assert city.get(f"/rounds/{plain}/file/item_list").status_code == 404


def test_cross_county_review_of_the_current_versions(desk, tmp_path):
    from test_crossplan import county_with_city_copies

    data, app = desk
    city, zz, gp = client(app), client(app), client(app)
    login(city, REVIEWER), login(zz, ZZ), login(gp, GP)
    rid = open_round(city)
    assert "还没有可比对的版本" in city.get(f"/rounds/{rid}/review").text
    # both counties carry the city's task 2; 高平市 lowers its ratio
    a = retitle(
        county_with_city_copies(tmp_path, seqs=("2",), name="泽州县2025年度计划.xlsx"), "2023", "2025"
    )
    (tmp_path / "gp").mkdir()
    b = retitle(
        county_with_city_copies(tmp_path / "gp", seqs=("2",), name="高平市2025年度计划.xlsx"), "2023", "2025"
    )
    wb = openpyxl.load_workbook(b)
    wb.active.cell(wb.active.max_row, 6, "10%")
    wb.save(b)
    upload(zz, rid, "泽州县", a), upload(gp, rid, "高平市", b)
    expected = run(
        [str(a), str(b)], RunOptions(profile="shanxi-2025", superior=(str(CITY),), use_config=False)
    )
    between = [f for f in expected.findings if f.slug in ("sibling-inconsistent", "internal-joint-duplicate")]
    page = city.get(f"/rounds/{rid}/review").text
    assert all(f.message in page for f in between)
    assert page.count("与其他县没有不一致之处") == 2 - len({f.location.path for f in between})
    assert page.count("sibling") == 0 and page.count("第 1 版") == 2


def test_upload_limits_and_unreadable_files(tmp_path):
    data = make_desk(tmp_path / "d")
    app = create_app(Settings(data_dir=data, max_file_bytes=200_000))
    city, zz = client(app), client(app)
    login(city, REVIEWER), login(zz, ZZ)
    rid = open_round(city)
    big = tmp_path / "泽州县大文件.xlsx"
    big.write_bytes(b"x" * 300_000)
    r = upload(zz, rid, "泽州县", big)
    assert r.status_code == 413 and "上限" in r.text
    exe = tmp_path / "plan.exe"
    exe.write_bytes(b"MZ")
    r = upload(zz, rid, "泽州县", exe)
    assert "不是可接受的文件类型" in zz.get(r.headers["location"]).text
    # not a workbook at all: recorded, with the reader's message, and cannot be submitted
    broken = tmp_path / "泽州县2025年度计划.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    r = upload(zz, rid, "泽州县", broken)
    vid = r.headers["location"].rsplit("/", 1)[1]
    assert "无法读取" in zz.get(f"/v/{vid}").text
    r = zz.post(f"/v/{vid}/submit", data={"csrf_token": token(zz)})
    assert "不能提交" in zz.get(r.headers["location"]).text
    assert rows(data, "SELECT COUNT(*) AS n FROM versions")[0]["n"] == 1


def test_safe_fixed_copy_and_real_plans_from_other_provinces(desk, tmp_path):
    from conftest import REPO, SAMPLES

    data, app = desk
    city, editor = client(app), client(app)
    realplans = REPO.parent / "shared" / "realplans"
    plans = [
        SAMPLES / "原平市2024年度部门联合双随机抽查工作计划.xlsx",
        *sorted(realplans.glob("上高县*.xlsx")),
        *sorted(realplans.glob("旺苍县*.xlsx")),
    ]
    assert len(plans) == 3, plans
    counties = [p.name[:3] for p in plans]
    conn = db.connect(data)
    for county in counties:
        auth.add_user(conn, f"u-{county}", "editor", county, PASSWORD)
    conn.close()
    login(city, REVIEWER)
    rid = open_round(city, counties=counties)
    for county, plan in zip(counties, plans):
        editor.cookies.clear()
        login(editor, f"u-{county}")
        vid = upload(editor, rid, county, plan).headers["location"].rsplit("/", 1)[1]
        (row,) = rows(data, "SELECT * FROM versions WHERE id = ?", vid)
        expected = run(
            [str(plan)], RunOptions(profile="shanxi-2025", superior=(str(CITY),), use_config=False)
        )
        assert (row["errors"], row["warnings"], row["infos"]) == tuple(
            expected.summary()[k] for k in ("error", "warning", "info")
        ), county
        # a plan the readers cannot read yet is recorded with the reader's own message
        assert row["unreadable"] == next((r.error for r in expected.reports if r.error), None)
        if county == "原平市":  # frequency units and punctuation: a safe-fixed copy
            assert (
                row["fixed_cells"] > 0
                and row["fixed_name"] == "原平市2024年度部门联合双随机抽查工作计划.fixed.xlsx"
            )
            assert "修复副本" in editor.get(f"/v/{vid}").text
            fixed = editor.get(f"/v/{vid}/file/fixed")
            assert fixed.status_code == 200 and fixed.content != plan.read_bytes()
            assert "filename*=UTF-8''" in fixed.headers["content-disposition"]
            openpyxl.load_workbook(io.BytesIO(fixed.content))


def test_a_post_without_a_length_is_refused(desk):
    data, app = desk
    c = client(app)
    login(c, REVIEWER)

    def chunks():
        yield b"csrf_token=" + token(c).encode()

    r = c.post("/logout", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 411


BAD_INPUTS = (
    "encrypted.xlsx",
    "not_a_zip.xlsx",
    "truncated.xlsx",
    "old_binary.xls",
    "docx_named.xlsx",
    "xlsx_named.docx",
    "nul_bytes.csv",
    "dde_text.xlsx",
    "formulas.xlsx",
)


def test_hostile_and_broken_files_get_the_readers_message(desk, tmp_path):
    """The bad-input corpus of `planlint check`: each upload is recorded with what check says of it
    (unreadable, with the reader's message), and nothing breaks the server."""
    from conftest import REPO

    data, app = desk
    city, zz = client(app), client(app)
    login(city, REVIEWER), login(zz, ZZ)
    rid = open_round(city)
    for name in BAD_INPUTS:
        path = REPO / "tests" / "bad_inputs" / name
        r = upload(zz, rid, "泽州县", path)
        assert r.status_code == 303 and r.headers["location"].startswith("/v/"), (name, r.status_code)
        (row,) = rows(data, "SELECT * FROM versions WHERE id = ?", r.headers["location"].rsplit("/", 1)[1])
        try:
            result = run(
                [str(path)], RunOptions(profile="shanxi-2025", superior=(str(CITY),), use_config=False)
            )
            error = next((rep.error for rep in result.reports if rep.error), None)
        except PlanlintError as exc:
            error = exc.message
        assert row["unreadable"] == error, name
        assert zz.get(r.headers["location"]).status_code == 200
    empty = upload(zz, rid, "泽州县", REPO / "tests" / "bad_inputs" / "empty.xlsx")
    assert "空文件" in zz.get(empty.headers["location"]).text


def test_a_bug_met_while_linting_saves_nothing_and_says_so(desk, tmp_path, monkeypatch):
    from planlint.desk import lint

    data, app = desk
    city, zz = client(app), client(app)
    login(city, REVIEWER), login(zz, ZZ)
    rid = open_round(city)

    def broken(req):
        raise RuntimeError("a bug")

    monkeypatch.setattr(lint, "lint_version", broken)
    r = upload(zz, rid, "泽州县", county_plan(tmp_path, "泽州县"))
    assert r.status_code == 303 and "内部错误" in zz.get(r.headers["location"]).text
    assert rows(data, "SELECT COUNT(*) AS n FROM versions")[0]["n"] == 0


def test_version_count_limit(desk, tmp_path, monkeypatch):
    data, app = desk
    city, zz = client(app), client(app)
    login(city, REVIEWER), login(zz, ZZ)
    rid = open_round(city)
    monkeypatch.setattr(rounds, "MAX_VERSIONS", 2)
    plan = county_plan(tmp_path, "泽州县")
    for _ in range(3):
        r = upload(zz, rid, "泽州县", plan)
    assert "达到上限" in zz.get(r.headers["location"]).text
    assert [r["number"] for r in rows(data, "SELECT number FROM versions ORDER BY number")] == [1, 2]


def test_county_names_are_checked():
    assert rounds.parse_counties("泽州县，高平市、阳城县\n泽州县") == ["泽州县", "高平市", "阳城县"]
    for bad in ("../etc", "泽州/县", "", "a\\b"):
        with pytest.raises(rounds.Refused):
            rounds.parse_counties(bad)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"superior": ("市级计划.xlsx", b"PK\x03\x04junk", XLSX)}, "市级计划「市级计划.xlsx」无法读取"),
        (
            {  # no 抽查事项 column
                "superior": (CITY.name, CITY.read_bytes(), XLSX),
                "item_list": ("清单.csv", "地区,数量\n泽州县,1\n".encode(), "text/csv"),
            },
            "抽查事项清单「清单.csv」无法读取",
        ),
        (
            {
                "superior": (CITY.name, CITY.read_bytes(), XLSX),
                "population": ("数量.csv", b"\xff\xfe\x00junk", "text/csv"),
            },
            "监管对象数量文件「数量.csv」无法读取",
        ),
    ],
    ids=["city plan", "item list", "population"],
)
def test_open_round_refuses_files_that_cannot_be_read(desk, files, message):
    data, app = desk
    city = client(app)
    login(city, REVIEWER)
    form = {
        "csrf_token": token(city),
        "title": "t",
        "year": "2025",
        "profile": "shanxi-2025",
        "counties": "泽州县",
    }
    r = city.post("/rounds", data=form, files=files)
    assert message in city.get(r.headers["location"]).text
    assert rows(data, "SELECT COUNT(*) AS n FROM rounds")[0]["n"] == 0


# --- who may do what -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    """A round with 泽州县 and 高平市; 泽州县 has one version. Clients: none, the reviewer, 泽州's
    editor (own county), 高平's editor (another county of the round), 阳城's (not in the round)."""
    tmp = tmp_path_factory.mktemp("matrix")
    data = make_desk(tmp / "d")
    app = create_app(Settings(data_dir=data))
    clients = {name: client(app) for name in ("none", "reviewer", "own", "other", "outside")}
    for name, account in (("reviewer", REVIEWER), ("own", ZZ), ("other", GP), ("outside", YC)):
        assert login(clients[name], account).status_code == 303
    rid = open_round(clients["reviewer"], item_list=ITEM_LIST)
    vid = (
        upload(clients["own"], rid, "泽州县", county_plan(tmp, "泽州县"))
        .headers["location"]
        .rsplit("/", 1)[1]
    )
    key = json.loads(rows(data, "SELECT findings_json FROM versions")[0]["findings_json"])["findings"][0][
        "key"
    ]
    return {
        "data": data,
        "clients": clients,
        "rid": rid,
        "vid": vid,
        "key": key,
        "plan": county_plan(tmp, "泽州县"),
    }


ALL = {"reviewer", "own", "other", "outside"}
# (method, path template, roles allowed). Editors of other counties get 404 for another county's
# things (as if they did not exist); a role that may never do something gets 403.
ROUTES = [
    ("GET", "/", ALL),
    ("GET", "/rounds/{rid}", {"reviewer", "own", "other"}),
    ("GET", "/rounds/{rid}/board.json", {"reviewer"}),
    ("GET", "/rounds/{rid}/export.xlsx", {"reviewer"}),
    ("GET", "/rounds/{rid}/export.zip", {"reviewer"}),
    ("GET", "/rounds/{rid}/review", {"reviewer"}),
    ("GET", "/audit", {"reviewer"}),
    ("GET", "/rounds/{rid}/file/superior", {"reviewer", "own", "other"}),
    ("GET", "/rounds/{rid}/file/item_list", {"reviewer", "own", "other"}),
    ("GET", "{county}", {"reviewer", "own"}),
    ("GET", "/v/{vid}", {"reviewer", "own"}),
    ("GET", "/v/{vid}/file/original", {"reviewer", "own"}),
    ("GET", "/v/{vid}/file/annotated", {"reviewer", "own"}),
    ("POST", "/rounds", {"reviewer"}),
    ("POST", "{county}/upload", {"own"}),
    ("POST", "/v/{vid}/waive", {"own"}),
    ("POST", "/v/{vid}/submit", {"own"}),
    ("POST", "{county}/return", {"reviewer"}),
    ("POST", "{county}/accept", {"reviewer"}),
]


def _counts(data: Path) -> tuple:
    tables = ("rounds", "versions", "waivers", "events")
    status = tuple(tuple(r) for r in rows(data, "SELECT county, status FROM round_counties ORDER BY county"))
    return tuple(rows(data, f"SELECT COUNT(*) FROM {t}")[0][0] for t in tables) + status


def _request(m, role: str, method: str, template: str):
    c = m["clients"][role]
    path = template.format(rid=m["rid"], vid=m["vid"], county=county_path(m["rid"], "泽州县"))
    if method == "GET":
        return c.get(path)
    form = {
        "csrf_token": token(c) if role != "none" else "",
        "key": m["key"],
        "reason": "理由",
        "comment": "意见",
        "title": "另一轮",
        "year": "2025",
        "profile": "shanxi-2025",
        "counties": "泽州县",
    }
    files = None
    if path.endswith("/upload"):
        files = {"plan": (m["plan"].name, m["plan"].read_bytes(), XLSX)}
    elif path == "/rounds":
        files = {"superior": (CITY.name, CITY.read_bytes(), XLSX)}
    return c.post(path, data=form, files=files)


@pytest.mark.parametrize("role", ["none", "reviewer", "own", "other", "outside"])
@pytest.mark.parametrize(("method", "template", "allowed"), ROUTES, ids=[f"{m} {t}" for m, t, _ in ROUTES])
def test_authorization(matrix, role, method, template, allowed):
    before = _counts(matrix["data"])
    r = _request(matrix, role, method, template)
    if role == "none":
        assert r.status_code in (401, 403) or r.headers.get("location") == "/login", r.status_code
        assert "泽州县" not in r.text
    elif role in allowed:
        assert r.status_code in (200, 303), (r.status_code, r.text[:300])
        assert r.headers.get("location") != "/login"
    else:
        assert r.status_code in (403, 404), (r.status_code, r.text[:300])
        expected = (
            403 if (method, template) in _ROLE_ONLY and role not in _ROLE_ONLY[(method, template)] else 404
        )
        assert r.status_code == expected
    if not (role in allowed and method == "POST"):
        assert _counts(matrix["data"]) == before  # a refused request changed nothing


# Routes for one role only: the other role is refused with 403 whatever the county.
_ROLE_ONLY = {
    ("GET", "/rounds/{rid}/board.json"): {"reviewer"},
    ("GET", "/rounds/{rid}/export.xlsx"): {"reviewer"},
    ("GET", "/rounds/{rid}/export.zip"): {"reviewer"},
    ("GET", "/rounds/{rid}/review"): {"reviewer"},
    ("GET", "/audit"): {"reviewer"},
    ("POST", "/rounds"): {"reviewer"},
    ("POST", "{county}/return"): {"reviewer"},
    ("POST", "{county}/accept"): {"reviewer"},
    ("POST", "{county}/upload"): {"own", "other", "outside"},
    ("POST", "/v/{vid}/waive"): {"own", "other", "outside"},
    ("POST", "/v/{vid}/submit"): {"own", "other", "outside"},
}


def test_ids_are_not_guessable(matrix):
    assert len(matrix["rid"]) >= 22 and len(matrix["vid"]) >= 22 and matrix["rid"] != matrix["vid"]
    other = matrix["clients"]["other"]
    assert other.get(f"/v/{matrix['vid'][:-1]}A").status_code == 404
    assert (
        other.get(f"/rounds/{matrix['rid']}/c/%E6%B3%BD%E5%B7%9E%E5%8E%BF").status_code == 404
    )  # 泽州县, encoded


def _die(req):
    os._exit(1)


def test_a_lint_process_that_dies_is_replaced():
    from planlint.desk import lint

    linter = lint.Linter(1)
    try:
        with pytest.raises(PlanlintError, match="检查进程意外退出"):
            linter._call(_die, None)
        assert linter._call(len, "abc") == 3  # a fresh pool takes the next job
    finally:
        linter.close()


def test_the_desk_uses_the_library_not_the_command_line():
    """The desk's modules (its web app, lint worker and its own `planlint desk` commands) build on
    the library: no import of `planlint.commands` or `planlint.cli`, at the top or in a function."""
    import ast

    import planlint.desk

    folder = Path(planlint.desk.__file__).parent
    found = []
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                # `from ..commands import x` is level 2, module "commands"; absolute: planlint.commands
                base = ["planlint", "desk"][: 2 - node.level + 1] if node.level else []
                names = [".".join(p for p in (*base, node.module, a.name) if p) for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            found += [
                f"{path.name}: {n}" for n in names if n.startswith(("planlint.commands", "planlint.cli"))
            ]
    assert len(list(folder.glob("*.py"))) >= 10 and found == []
