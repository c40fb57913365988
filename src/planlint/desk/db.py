"""The desk's database: SQLite in WAL mode, one connection per use, schema versioned with
`PRAGMA user_version` and applied by ordered migrations (never edit one that has shipped; add
the next)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from ..errors import PlanlintError

DB_NAME = "desk.sqlite3"
BUSY_TIMEOUT_MS = 30_000

MIGRATIONS: tuple[str, ...] = (
    # 1: accounts, rounds, versions, waivers, the audit log
    """
    CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('reviewer', 'editor')),
        county TEXT,
        password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        CHECK ((role = 'editor') = (county IS NOT NULL))
    );
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        created_at TEXT NOT NULL,
        expires_at REAL NOT NULL,
        revoked INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE login_failures (key TEXT NOT NULL, at REAL NOT NULL);
    CREATE INDEX login_failures_key ON login_failures (key, at);
    CREATE TABLE rounds (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        year INTEGER NOT NULL,
        profile TEXT NOT NULL,
        superior_name TEXT NOT NULL,
        superior_hash TEXT NOT NULL,
        population_name TEXT,
        population_hash TEXT,
        due_date TEXT,
        require_clean INTEGER NOT NULL DEFAULT 0,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE round_counties (
        round_id TEXT NOT NULL REFERENCES rounds(id),
        county TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'submitted', 'returned', 'accepted')),
        submitted_version TEXT,
        comment TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (round_id, county)
    );
    CREATE TABLE versions (
        id TEXT PRIMARY KEY,
        round_id TEXT NOT NULL REFERENCES rounds(id),
        county TEXT NOT NULL,
        number INTEGER NOT NULL,
        filename TEXT NOT NULL,
        file_hash TEXT NOT NULL,
        size INTEGER NOT NULL,
        uploaded_by TEXT NOT NULL,
        uploaded_at TEXT NOT NULL,
        errors INTEGER NOT NULL,
        warnings INTEGER NOT NULL,
        infos INTEGER NOT NULL,
        duplicates INTEGER NOT NULL,
        coverage TEXT,
        unreadable TEXT,
        findings_json TEXT NOT NULL,
        annotated_hash TEXT,
        fixed_hash TEXT,
        fixed_name TEXT,
        fixed_cells INTEGER NOT NULL DEFAULT 0,
        diff_json TEXT,
        UNIQUE (round_id, county, number),
        FOREIGN KEY (round_id, county) REFERENCES round_counties(round_id, county)
    );
    CREATE TABLE waivers (
        round_id TEXT NOT NULL,
        county TEXT NOT NULL,
        finding_key TEXT NOT NULL,
        reason TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (round_id, county, finding_key)
    );
    CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        round_id TEXT NOT NULL,
        county TEXT NOT NULL,
        at TEXT NOT NULL,
        username TEXT NOT NULL,
        action TEXT NOT NULL,
        version_id TEXT,
        comment TEXT
    );
    CREATE INDEX events_county ON events (round_id, county, id);
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        username TEXT,
        role TEXT,
        ip TEXT,
        action TEXT NOT NULL,
        detail TEXT,
        file_hash TEXT
    );
    """,
    # 2: the board reads the latest version of every county of a round
    """
    CREATE INDEX versions_county ON versions (round_id, county, number);
    """,
    # 3: which version a version's diff is against (two uploads at once may share a predecessor)
    """
    ALTER TABLE versions ADD COLUMN diff_base INTEGER;
    """,
    # 4: a round's 抽查事项清单, used by every lint of the round
    """
    ALTER TABLE rounds ADD COLUMN item_list_name TEXT;
    ALTER TABLE rounds ADD COLUMN item_list_hash TEXT;
    """,
    # 5: how many of the city's tasks for counties a version takes up (JSON of desk.coverage.CityTasks)
    """
    ALTER TABLE versions ADD COLUMN city_tasks TEXT;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def now() -> str:
    """UTC timestamp as stored (ISO 8601, seconds)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def db_path(data_dir: Path) -> Path:
    return Path(data_dir) / DB_NAME


def connect(data_dir: Path, migrate: bool = True) -> sqlite3.Connection:
    """A connection to an initialised data folder, migrated to the current schema.

    Autocommit mode (isolation_level=None): every write goes through `transaction`, which takes
    the write lock up front (BEGIN IMMEDIATE) so that two writers never deadlock on an upgrade."""
    path = db_path(data_dir)
    if not path.is_file():
        raise PlanlintError("不是审查台数据文件夹（缺少数据库），请先运行 planlint desk init", str(data_dir))
    conn = _open(path)
    if migrate:
        apply_migrations(conn)
    return conn


def _open(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")  # a committed upload survives a power cut
    return conn


def create(data_dir: Path) -> None:
    """Create the database (WAL mode) in a new data folder and apply every migration."""
    conn = _open(db_path(data_dir))
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        apply_migrations(conn)
    finally:
        conn.close()


def apply_migrations(conn: sqlite3.Connection, upto: int = SCHEMA_VERSION) -> int:
    """Apply the pending migrations, each in its own transaction with its version bump."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise PlanlintError(
            f"数据库版本 {current} 比本程序支持的版本 {SCHEMA_VERSION} 新，请升级 planlint 后再打开"
        )
    for version in range(current + 1, upto + 1):
        with transaction(conn):
            if conn.execute("PRAGMA user_version").fetchone()[0] >= version:
                continue  # another process migrated meanwhile
            for statement in _statements(MIGRATIONS[version - 1]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
    return conn.execute("PRAGMA user_version").fetchone()[0]


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception: all of it or nothing."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def audit(
    conn: sqlite3.Connection,
    action: str,
    *,
    username: str | None = None,
    role: str | None = None,
    ip: str | None = None,
    detail: str | None = None,
    file_hash: str | None = None,
) -> None:
    conn.execute(
        "INSERT INTO audit (at, username, role, ip, action, detail, file_hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (now(), username, role, ip, action, detail, file_hash),
    )


def backup(data_dir: Path, target: Path) -> None:
    """A consistent copy of the database while it is in use (SQLite's online backup API)."""
    src = connect(data_dir)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = WAL")
    finally:
        dst.close()
        src.close()
