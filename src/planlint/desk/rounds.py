"""Rounds of submissions: what the reviewer opens, what editors upload, waive and submit, what
the reviewer returns or accepts, and the board. Plain functions over the database and the file
store; who may call which is decided by the web layer (`app.py`)."""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
from dataclasses import dataclass
from typing import Any

from ..errors import PlanlintError
from . import db
from .auth import User
from .lint import LintOutcome
from .store import FileStore

STATUS = {"pending": "未提交", "submitted": "已提交", "returned": "已退回", "accepted": "已通过"}
MAX_VERSIONS = 30  # per county and round
MAX_COUNTIES = 300
_BAD_NAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


class Refused(PlanlintError):
    """An action the current state does not allow (one Chinese line for the user)."""


def new_id() -> str:
    """IDs in URLs: 128 random bits, not guessable."""
    return secrets.token_urlsafe(16)


def parse_counties(text: str) -> list[str]:
    names: list[str] = []
    for part in text.replace("，", ",").replace("、", ",").replace("\n", ",").split(","):
        name = part.strip()
        if name and name not in names:
            names.append(name)
    if not names:
        raise Refused("请至少填写一个须提交计划的县（市、区）")
    if len(names) > MAX_COUNTIES:
        raise Refused(f"一轮最多 {MAX_COUNTIES} 个县（市、区）")
    if any(len(n) > 40 for n in names):
        raise Refused("县（市、区）名称过长，请用逗号或换行分隔各县")
    bad = [n for n in names if _BAD_NAME.search(n) or n.startswith(".")]
    if bad:  # county names become folder names in the exported .zip
        raise Refused(f"县（市、区）名称「{bad[0]}」含有不能用作文件夹名的字符")
    return names


def open_round(
    conn: sqlite3.Connection,
    store: FileStore,
    user: User,
    *,
    title: str,
    year: int,
    profile: str,
    superior: tuple[str, bytes],
    population: tuple[str, bytes] | None,
    item_list: tuple[str, bytes] | None,
    due_date: str | None,
    counties: list[str],
    require_clean: bool,
    ip: str | None,
) -> str:
    rid = new_id()
    superior_hash = store.put(superior[1])
    population_hash = store.put(population[1]) if population else None
    item_list_hash = store.put(item_list[1]) if item_list else None
    with db.transaction(conn):
        conn.execute(
            "INSERT INTO rounds (id, title, year, profile, superior_name, superior_hash, population_name,"
            " population_hash, item_list_name, item_list_hash, due_date, require_clean, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rid,
                title,
                year,
                profile,
                superior[0],
                superior_hash,
                population[0] if population else None,
                population_hash,
                item_list[0] if item_list else None,
                item_list_hash,
                due_date,
                int(require_clean),
                user.username,
                db.now(),
            ),
        )
        conn.executemany(
            "INSERT INTO round_counties (round_id, county, updated_at) VALUES (?, ?, ?)",
            [(rid, c, db.now()) for c in counties],
        )
        db.audit(
            conn,
            "round.open",
            username=user.username,
            role=user.role,
            ip=ip,
            detail=f"{rid} {title}（{'、'.join(counties)}）",
            file_hash=superior_hash,
        )
    return rid


def rounds_for(conn: sqlite3.Connection, user: User) -> list[sqlite3.Row]:
    if user.is_reviewer:
        return conn.execute("SELECT * FROM rounds ORDER BY created_at DESC").fetchall()
    return conn.execute(
        "SELECT r.*, rc.status FROM rounds r JOIN round_counties rc ON rc.round_id = r.id"
        " WHERE rc.county = ? ORDER BY r.created_at DESC",
        (user.county,),
    ).fetchall()


def get_round(conn: sqlite3.Connection, rid: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM rounds WHERE id = ?", (rid,)).fetchone()


def county_state(conn: sqlite3.Connection, rid: str, county: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM round_counties WHERE round_id = ? AND county = ?", (rid, county)
    ).fetchone()


def versions(conn: sqlite3.Connection, rid: str, county: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT id, number, filename, file_hash, size, uploaded_by, uploaded_at, errors, warnings, infos,"
        " duplicates, coverage, city_tasks, unreadable FROM versions"
        " WHERE round_id = ? AND county = ? ORDER BY number DESC",
        (rid, county),
    ).fetchall()


def get_version(conn: sqlite3.Connection, vid: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM versions WHERE id = ?", (vid,)).fetchone()


def latest_version(conn: sqlite3.Connection, rid: str, county: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM versions WHERE round_id = ? AND county = ? ORDER BY number DESC LIMIT 1", (rid, county)
    ).fetchone()


def check_may_upload(conn: sqlite3.Connection, rid: str, county: str) -> None:
    state = county_state(conn, rid, county)
    if state is None:
        raise Refused("本轮没有要求该县（市、区）提交计划")
    if state["status"] in ("submitted", "accepted"):
        raise Refused(f"本轮计划{STATUS[state['status']]}，不能再上传新版本；如需修改，请联系市局退回")
    n = conn.execute(
        "SELECT COUNT(*) FROM versions WHERE round_id = ? AND county = ?", (rid, county)
    ).fetchone()[0]
    if n >= MAX_VERSIONS:
        raise Refused(f"本轮已上传 {n} 个版本，达到上限 {MAX_VERSIONS} 个；请联系市局")


def record_version(
    conn: sqlite3.Connection,
    store: FileStore,
    user: User,
    rid: str,
    county: str,
    *,
    filename: str,
    file_hash: str,
    size: int,
    outcome: LintOutcome,
    ip: str | None,
    diff_base: int | None = None,
) -> str:
    """Store the copies, then record the version, its number and the audit line in one transaction:
    the upload is there entirely or not at all."""
    annotated = store.put(outcome.annotated) if outcome.annotated is not None else None
    fixed = store.put(outcome.fixed) if outcome.fixed is not None else None
    vid = new_id()
    with db.transaction(conn):
        check_may_upload(conn, rid, county)  # again, inside the lock: the state may have changed
        number = conn.execute(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM versions WHERE round_id = ? AND county = ?",
            (rid, county),
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO versions (id, round_id, county, number, filename, file_hash, size, uploaded_by, uploaded_at,"
            " errors, warnings, infos, duplicates, coverage, unreadable, findings_json, annotated_hash, fixed_hash,"
            " fixed_name, fixed_cells, diff_json, diff_base, city_tasks)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                vid,
                rid,
                county,
                number,
                filename,
                file_hash,
                size,
                user.username,
                db.now(),
                outcome.counts["error"],
                outcome.counts["warning"],
                outcome.counts["info"],
                outcome.duplicates,
                outcome.coverage,
                outcome.unreadable,
                json.dumps(
                    {"findings": outcome.findings, "tasks": outcome.tasks, "problems": outcome.problems},
                    ensure_ascii=False,
                ),
                annotated,
                fixed,
                outcome.fixed_name,
                outcome.fixed_cells,
                json.dumps(outcome.diff, ensure_ascii=False) if outcome.diff is not None else None,
                diff_base if outcome.diff is not None else None,
                json.dumps(outcome.city_tasks.to_json(), ensure_ascii=False) if outcome.city_tasks else None,
            ),
        )
        conn.execute(
            "UPDATE round_counties SET updated_at = ? WHERE round_id = ? AND county = ?",
            (db.now(), rid, county),
        )
        _event(conn, rid, county, user, "upload", vid, f"第 {number} 版：{filename}")
        db.audit(
            conn,
            "version.upload",
            username=user.username,
            role=user.role,
            ip=ip,
            detail=f"{rid} {county} 第{number}版 {filename}",
            file_hash=file_hash,
        )
    return vid


def _event(
    conn: sqlite3.Connection,
    rid: str,
    county: str,
    user: User,
    action: str,
    vid: str | None,
    comment: str | None,
) -> None:
    conn.execute(
        "INSERT INTO events (round_id, county, at, username, action, version_id, comment) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (rid, county, db.now(), user.username, action, vid, comment),
    )


def findings_of(version: sqlite3.Row) -> dict[str, Any]:
    return json.loads(version["findings_json"])


def waivers(conn: sqlite3.Connection, rid: str, county: str) -> dict[str, sqlite3.Row]:
    rows = conn.execute("SELECT * FROM waivers WHERE round_id = ? AND county = ?", (rid, county)).fetchall()
    return {r["finding_key"]: r for r in rows}


def add_waiver(
    conn: sqlite3.Connection, user: User, version: sqlite3.Row, key: str, reason: str, ip: str | None
) -> None:
    reason = reason.strip()
    if not reason:
        raise Refused("请填写说明理由")
    if len(reason) > 1000:
        raise Refused("说明理由最多 1000 字")
    if key not in {f["key"] for f in findings_of(version)["findings"]}:
        raise Refused("该版本中没有这个问题")
    rid, county = version["round_id"], version["county"]
    with db.transaction(conn):
        state = county_state(conn, rid, county)
        assert state is not None, "a version's county belongs to its round"
        if state["status"] in ("submitted", "accepted"):
            raise Refused(f"本轮计划{STATUS[state['status']]}，不能再修改说明")
        conn.execute(
            "INSERT INTO waivers (round_id, county, finding_key, reason, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (round_id, county, finding_key) DO UPDATE SET reason = excluded.reason,"
            " created_by = excluded.created_by, created_at = excluded.created_at",
            (rid, county, key, reason, user.username, db.now()),
        )
        conn.execute(
            "UPDATE round_counties SET updated_at = ? WHERE round_id = ? AND county = ?",
            (db.now(), rid, county),
        )
        _event(conn, rid, county, user, "waive", version["id"], f"{key}：{reason}")
        db.audit(
            conn,
            "waiver",
            username=user.username,
            role=user.role,
            ip=ip,
            detail=f"{rid} {county} {key}：{reason}",
            file_hash=version["file_hash"],
        )


def unwaived_errors(conn: sqlite3.Connection, version: sqlite3.Row) -> int:
    waived = waivers(conn, version["round_id"], version["county"])
    return sum(
        1 for f in findings_of(version)["findings"] if f["severity"] == "error" and f["key"] not in waived
    )


def submit(conn: sqlite3.Connection, user: User, version: sqlite3.Row, ip: str | None) -> None:
    rid, county = version["round_id"], version["county"]
    rnd = get_round(conn, rid)
    assert rnd is not None, "a version's round exists"
    if version["unreadable"]:
        raise Refused("这个版本无法读取为抽查计划，不能提交")
    with db.transaction(conn):
        state = county_state(conn, rid, county)
        assert state is not None, "a version's county belongs to its round"
        if state["status"] in ("submitted", "accepted"):
            raise Refused(f"本轮计划{STATUS[state['status']]}，不能重复提交")
        latest = latest_version(conn, rid, county)
        assert latest is not None, "the county has at least this version"
        if latest["id"] != version["id"]:
            raise Refused(f"只能提交最新的版本（第 {latest['number']} 版）")
        if rnd["require_clean"] and (n := unwaived_errors(conn, version)):
            raise Refused(f"本轮要求提交的计划没有错误：还有 {n} 个错误未修改或未说明理由")
        conn.execute(
            "UPDATE round_counties SET status = 'submitted', submitted_version = ?, updated_at = ?"
            " WHERE round_id = ? AND county = ?",
            (version["id"], db.now(), rid, county),
        )
        _event(conn, rid, county, user, "submit", version["id"], f"提交第 {version['number']} 版")
        db.audit(
            conn,
            "version.submit",
            username=user.username,
            role=user.role,
            ip=ip,
            detail=f"{rid} {county} 第{version['number']}版",
            file_hash=version["file_hash"],
        )


def review(
    conn: sqlite3.Connection, user: User, rid: str, county: str, accept: bool, comment: str, ip: str | None
) -> None:
    """Accept the submitted version, or return it with comments for another version."""
    comment = comment.strip()
    if not accept and not comment:
        raise Refused("退回时请填写退回意见")
    if len(comment) > 4000:
        raise Refused("意见最多 4000 字")
    with db.transaction(conn):
        state = county_state(conn, rid, county)
        if state is None or state["status"] != "submitted":
            raise Refused(
                f"该县计划当前为「{STATUS[state['status']] if state else '不在本轮'}」，只有已提交的计划可以退回或通过"
            )
        version = get_version(conn, state["submitted_version"])
        assert version is not None, "a submitted version is stored"
        status = "accepted" if accept else "returned"
        conn.execute(
            "UPDATE round_counties SET status = ?, comment = ?, updated_at = ? WHERE round_id = ? AND county = ?",
            (status, comment or None, db.now(), rid, county),
        )
        _event(conn, rid, county, user, "accept" if accept else "return", version["id"], comment or None)
        db.audit(
            conn,
            "review.accept" if accept else "review.return",
            username=user.username,
            role=user.role,
            ip=ip,
            detail=f"{rid} {county} 第{version['number']}版 {comment}".strip(),
            file_hash=version["file_hash"],
        )


def events(conn: sqlite3.Connection, rid: str, county: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM events WHERE round_id = ? AND county = ? ORDER BY id DESC", (rid, county)
    ).fetchall()


@dataclass(frozen=True, slots=True)
class BoardRow:
    county: str
    status: str  # pending | submitted | returned | accepted
    version: int | None
    version_id: str | None
    errors: int
    warnings: int
    duplicates: int
    city_tasks: dict[str, Any] | None  # desk.coverage.CityTasks.to_json; None: not compared
    coverage: str | None  # against the population file: 不足 / 未估算 / 未发现不足
    unreadable: str | None
    waivers: int
    last_activity: str
    comment: str | None

    @property
    def status_label(self) -> str:
        return STATUS[self.status]

    @property
    def missing_city_tasks(self) -> int:
        return len(self.city_tasks["missing"]) if self.city_tasks else 0


def board(conn: sqlite3.Connection, rid: str) -> list[BoardRow]:
    """One row per county with its latest version, worst first: nothing uploaded or unreadable,
    then errors, duplicated 市抽县查 tasks and missing city tasks, warnings; accepted counties last
    (the order of `planlint check --superior`'s review)."""
    rows = conn.execute(
        """
        SELECT rc.county, rc.status, rc.updated_at, rc.comment, v.id AS vid, v.number, v.errors, v.warnings,
               v.duplicates, v.city_tasks, v.coverage, v.unreadable,
               (SELECT COUNT(*) FROM waivers w WHERE w.round_id = rc.round_id AND w.county = rc.county) AS waivers
        FROM round_counties rc
        LEFT JOIN versions v ON v.round_id = rc.round_id AND v.county = rc.county AND v.number =
            (SELECT MAX(number) FROM versions v2 WHERE v2.round_id = rc.round_id AND v2.county = rc.county)
        WHERE rc.round_id = ?
        """,
        (rid,),
    ).fetchall()
    out = [
        BoardRow(
            r["county"],
            r["status"],
            r["number"],
            r["vid"],
            r["errors"] or 0,
            r["warnings"] or 0,
            r["duplicates"] or 0,
            json.loads(r["city_tasks"]) if r["city_tasks"] else None,
            r["coverage"],
            r["unreadable"],
            r["waivers"],
            r["updated_at"],
            r["comment"],
        )
        for r in rows
    ]
    return sorted(
        out,
        key=lambda b: (
            b.status == "accepted",
            b.version is not None and not b.unreadable,
            -b.errors,
            -(b.duplicates + b.missing_city_tasks),
            -b.warnings,
            b.county,
        ),
    )
