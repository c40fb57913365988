"""The desk's data folder and its content-addressed file store.

A stored file is named by the SHA-256 of its bytes (`files/ab/cdef…`), written to a temporary
file, flushed to disk and renamed into place, then made read-only: a file once stored is never
modified, and storing the same bytes twice stores them once. A file is stored before the database
row that names it is committed, so a crash leaves at most an unreferenced file, never a record
without its file."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import stat
import tempfile
import time
from pathlib import Path

from ..errors import PlanlintError
from . import db

SECRET_NAME = "secret.key"
_HEX64 = re.compile(r"[0-9a-f]{64}")


class FileStore:
    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / "files"
        self.tmp = Path(data_dir) / "tmp"

    def path(self, digest: str) -> Path:
        if not _HEX64.fullmatch(digest):
            raise ValueError(f"not a SHA-256 digest: {digest!r}")
        return self.root / digest[:2] / digest[2:]

    def put(self, data: bytes) -> str:
        """Store `data` (durably) and return its digest."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.is_file():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.tmp, prefix="put-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, stat.S_IRUSR | stat.S_IRGRP)
            os.replace(tmp, target)  # same bytes under the same name: a race between two puts is harmless
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_dir(target.parent)
        return digest

    def sweep(self, older_than: float = 3600) -> int:
        """Delete temporary files left by a crash in the middle of `put` (old ones only: another
        worker process may be writing a new one right now)."""
        if not self.tmp.is_dir():
            return 0
        cutoff = time.time() - older_than
        removed = 0
        for path in self.tmp.glob("put-*"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                pass
        return removed

    def read(self, digest: str) -> bytes:
        return self.path(digest).read_bytes()

    def verify(self, digest: str) -> bool:
        """The file exists and still has the bytes its name says."""
        path = self.path(digest)
        return path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == digest


def _fsync_dir(path: Path) -> None:
    if os.name == "posix":
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def init(data_dir: Path) -> None:
    """Create a new data folder: the database, the file store, the key that signs session cookies."""
    data_dir = Path(data_dir)
    if data_dir.exists() and (not data_dir.is_dir() or any(data_dir.iterdir())):
        raise PlanlintError(
            "数据文件夹已存在且不为空；请换一个新文件夹，或直接用 planlint desk serve 启动", str(data_dir)
        )
    data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(data_dir, 0o700)
    (data_dir / "files").mkdir()
    (data_dir / "tmp").mkdir()
    key = data_dir / SECRET_NAME
    fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_urlsafe(48))
    db.create(data_dir)


def secret_key(data_dir: Path) -> str:
    path = Path(data_dir) / SECRET_NAME
    try:
        return path.read_text().strip()
    except OSError:
        raise PlanlintError(
            "不是审查台数据文件夹（缺少 secret.key），请先运行 planlint desk init", str(data_dir)
        ) from None


def backup(data_dir: Path, out: Path) -> dict[str, int]:
    """A consistent copy of a data folder, safe while the desk is serving: the database through
    SQLite's backup API first, then the stored files (never modified, only added, so every file
    the copied database names is already there). `out` is itself a data folder: serve it to restore."""
    data_dir, out = Path(data_dir), Path(out)
    db.connect(data_dir).close()  # a clear message if data_dir is not a desk folder
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise PlanlintError("备份目标已存在且不为空，请指定一个新文件夹", str(out))
    out.mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o700)
    (out / "tmp").mkdir()
    shutil.copy2(data_dir / SECRET_NAME, out / SECRET_NAME)
    db.backup(data_dir, db.db_path(out))
    files = 0
    src_root = data_dir / "files"
    for path in sorted(src_root.rglob("*")):
        target = out / "files" / path.relative_to(src_root)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            files += 1
    (out / "files").mkdir(exist_ok=True)
    return {"files": files}
