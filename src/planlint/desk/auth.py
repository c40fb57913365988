"""Accounts, passwords, login throttling and server-side sessions.

Passwords are hashed with Argon2id (argon2-cffi). A session is a random id in the database,
carried in the signed cookie: logging out, resetting a password or disabling an account ends
the account's sessions at once, and a session ends by itself after `SESSION_SECONDS`."""

from __future__ import annotations

import functools
import os
import secrets
import sqlite3
import time
from dataclasses import dataclass

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from ..errors import PlanlintError
from . import db

SESSION_SECONDS = 8 * 3600
ROLES = {"reviewer": "市局审查人员", "editor": "县级编制人员"}
MIN_PASSWORD = 10

# Failed logins counted over a sliding window: per account name, and per client address.
FAIL_WINDOW = 15 * 60
MAX_FAILS_PER_USER = 5
MAX_FAILS_PER_IP = 30

# Tests set this to use argon2's cheapest parameters (a login then costs microseconds, not a second
# of a loaded CI machine). Never set it on a server.
CHEAP_HASHES_ENV = "PLANLINT_DESK_CHEAP_HASHES"


def _hasher() -> PasswordHasher:
    cheap = os.environ.get(CHEAP_HASHES_ENV) == "1"
    return _cheap_hasher() if cheap else _default_hasher()


@functools.cache
def _default_hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2-cffi's defaults: Argon2id, RFC 9106 low-memory profile


@functools.cache
def _cheap_hasher() -> PasswordHasher:
    return PasswordHasher.from_parameters(profiles.CHEAPEST)


@functools.cache
def _dummy_hash(cheap: bool) -> str:
    """Verified against when the user does not exist, so that timing does not tell which names exist."""
    return (_cheap_hasher() if cheap else _default_hasher()).hash(secrets.token_urlsafe(16))


@dataclass(frozen=True, slots=True)
class User:
    id: str
    username: str
    role: str  # reviewer | editor
    county: str | None  # an editor's county

    @property
    def is_reviewer(self) -> bool:
        return self.role == "reviewer"

    def may_see(self, county: str) -> bool:
        return self.is_reviewer or self.county == county


def _user(row: sqlite3.Row) -> User:
    return User(row["id"], row["username"], row["role"], row["county"])


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise PlanlintError(f"密码太短：至少 {MIN_PASSWORD} 个字符")


def add_user(conn: sqlite3.Connection, username: str, role: str, county: str | None, password: str) -> User:
    username = username.strip()
    if not username:
        raise PlanlintError("用户名不能为空")
    if role not in ROLES:
        raise PlanlintError(f"未知角色「{role}」，可选：reviewer（市局审查）、editor（县级编制）")
    county = (county or "").strip() or None
    if role == "editor" and not county:
        raise PlanlintError("县级编制人员必须用 --county 指定所属县（市、区）")
    if role == "reviewer" and county:
        raise PlanlintError("市局审查人员不属于某个县，请去掉 --county")
    _check_password(password)
    user = User(secrets.token_urlsafe(12), username, role, county)
    with db.transaction(conn):
        if conn.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
            raise PlanlintError(f"用户「{username}」已存在；要改密码请用 planlint desk user reset")
        conn.execute(
            "INSERT INTO users (id, username, role, county, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (user.id, username, role, county, _hasher().hash(password), db.now()),
        )
        db.audit(conn, "user.add", username="(命令行)", detail=f"{username} {role} {county or ''}".strip())
    return user


def _existing(conn: sqlite3.Connection, username: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone()
    if row is None:
        raise PlanlintError(f"没有用户「{username}」")
    return row


def reset_password(conn: sqlite3.Connection, username: str, password: str) -> None:
    """New password, account enabled again, every open session of the account ended."""
    _check_password(password)
    with db.transaction(conn):
        row = _existing(conn, username)
        conn.execute(
            "UPDATE users SET password_hash = ?, disabled = 0 WHERE id = ?",
            (_hasher().hash(password), row["id"]),
        )
        conn.execute("UPDATE sessions SET revoked = 1 WHERE user_id = ?", (row["id"],))
        conn.execute("DELETE FROM login_failures WHERE key = ?", (f"user:{username}",))
        db.audit(conn, "user.reset", username="(命令行)", detail=username)


def disable_user(conn: sqlite3.Connection, username: str) -> None:
    with db.transaction(conn):
        row = _existing(conn, username)
        conn.execute("UPDATE users SET disabled = 1 WHERE id = ?", (row["id"],))
        conn.execute("UPDATE sessions SET revoked = 1 WHERE user_id = ?", (row["id"],))
        db.audit(conn, "user.disable", username="(命令行)", detail=username)


def list_users(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT username, role, county, disabled, created_at FROM users ORDER BY role, county, username"
    ).fetchall()


class Throttled(Exception):
    def __init__(self, minutes: int) -> None:
        super().__init__(minutes)
        self.minutes = minutes


def login(conn: sqlite3.Connection, username: str, password: str, ip: str) -> tuple[User, str] | None:
    """The user and a new session id, or None for a wrong name or password. Raises Throttled
    (before looking at the password) when the account or the address failed too often lately."""
    keys = (f"user:{username}", f"ip:{ip}")
    since = time.time() - FAIL_WINDOW
    for key, limit in zip(keys, (MAX_FAILS_PER_USER, MAX_FAILS_PER_IP)):
        rows = conn.execute(
            "SELECT at FROM login_failures WHERE key = ? AND at > ? ORDER BY at", (key, since)
        ).fetchall()
        if len(rows) >= limit:
            oldest = rows[-limit]["at"]
            raise Throttled(max(1, int((oldest + FAIL_WINDOW - time.time()) / 60) + 1))
    row = conn.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone()
    stored = row["password_hash"] if row else _dummy_hash(os.environ.get(CHEAP_HASHES_ENV) == "1")
    try:
        ok = _hasher().verify(stored, password) and row is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or row["disabled"]:
        with db.transaction(conn):
            conn.executemany(
                "INSERT INTO login_failures (key, at) VALUES (?, ?)", [(k, time.time()) for k in keys]
            )
            conn.execute("DELETE FROM login_failures WHERE at < ?", (since,))
            db.audit(conn, "login.failed", username=username, ip=ip)
        return None
    user = _user(row)
    sid = secrets.token_urlsafe(32)
    with db.transaction(conn):
        conn.execute(
            "INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
            (sid, user.id, db.now(), time.time() + SESSION_SECONDS),
        )
        conn.execute("DELETE FROM login_failures WHERE key = ?", (keys[0],))
        conn.execute("DELETE FROM sessions WHERE expires_at < ?", (time.time() - SESSION_SECONDS,))
        if _hasher().check_needs_rehash(row["password_hash"]):
            conn.execute(
                "UPDATE users SET password_hash = ? WHERE id = ?", (_hasher().hash(password), user.id)
            )
        db.audit(conn, "login", username=user.username, role=user.role, ip=ip)
    return user, sid


def session_user(conn: sqlite3.Connection, sid: str | None) -> User | None:
    """The user of a live session (not expired, not revoked, account not disabled)."""
    if not sid:
        return None
    row = conn.execute(
        "SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id "
        "WHERE s.id = ? AND s.revoked = 0 AND s.expires_at > ? AND u.disabled = 0",
        (sid, time.time()),
    ).fetchone()
    return _user(row) if row else None


def logout(conn: sqlite3.Connection, sid: str) -> None:
    with db.transaction(conn):
        conn.execute("UPDATE sessions SET revoked = 1 WHERE id = ?", (sid,))
