"""Content cache of per-file check results, so that re-linting an unchanged repository is near-free.

An entry holds what `engine.check_file` returned for one file (its plans and their cell, task and plan
findings) and is keyed by everything that result depends on: the file's bytes and path (findings
carry the path), the rules that ran on it (with severities and arguments), the profile parameters,
the file's metadata overrides, and the planlint code and bundled data (version + file stamps).
Plan-set rules are not cached: they run after the cache, over the cached plans, every time.

Entries live in the user cache directory (`$PLANLINT_CACHE_DIR`, else the platform's user cache
folder, see planlint.dirs), never beside the checked files. They are pickles written by this user into
a private folder; an entry that does not load is treated as a miss and replaced. The folder is kept
under MAX_CACHE_BYTES (least recently used entries go first) and `planlint cache clean` empties it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from . import __version__
from .dirs import cache_dir

# Bigger files are not stored: their pickles cost memory and disk out of proportion to typical plans.
MAX_CACHED_TASKS = 20_000
# The results folder is trimmed to this size after a run (a 50-task plan's entry is ~30 KB).
MAX_CACHE_BYTES = 256 * 1024 * 1024
_FORMAT = b"planlint-results-2"


def dumps(value: Any) -> bytes:
    """Check results as a plain pickle: a plan's cells are shared values, pickled once each."""
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def loads(data: bytes) -> Any:
    return pickle.loads(data)


def _code_stamp() -> bytes:
    """The version plus size and mtime of every module and bundled data file: editing planlint
    (a development checkout) invalidates the cache as a version bump does."""
    import importlib.resources

    h = hashlib.sha256(__version__.encode())
    roots = [Path(__file__).parent]
    for package in ("planlint.bundled.rules", "planlint.bundled.grammar"):
        root = importlib.resources.files(package)
        if isinstance(root, Path):
            roots.append(root)
    for root in roots:
        for folder, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(names):
                if name.endswith((".py", ".yaml", ".json", ".tsv", ".lark", ".j2", ".html")):
                    st = os.stat(os.path.join(folder, name))
                    h.update(f"{folder}/{name}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.digest()


class ResultCache:
    """Get and put `check_file` outcomes by key. Every failure to read or write is a miss."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or cache_dir()
        self._stamp = _code_stamp()
        self._rules: tuple[object, bytes] | None = None  # last rules list seen and its digest

    def _rules_digest(self, rules: list, params: dict[str, Any]) -> bytes:
        # Most files share one rules list object (no per-file overrides): hash it once.
        if self._rules is not None and self._rules[0] is rules:
            return self._rules[1]
        digest = hashlib.sha256(pickle.dumps((rules, params), protocol=5)).digest()
        self._rules = (rules, digest)
        return digest

    def key(self, path: str, rules: list, params: dict[str, Any], meta: dict[str, Any]) -> str | None:
        """The entry key for checking `path` this way, or None when the file cannot be read."""
        from .errors import ReadError
        from .limits import open_input

        try:  # a regular file only, hashed in pieces: never a device or a pipe (the reader says why)
            with open_input(path) as fh:
                h = hashlib.sha256()
                while block := fh.read(1 << 20):
                    h.update(block)
                content = h.digest()
        except (OSError, ReadError):
            return None
        h = hashlib.sha256(_FORMAT)
        for part in (
            self._stamp,
            self._rules_digest(rules, params),
            content,
            pickle.dumps((path, sorted(meta.items())), protocol=5),
        ):
            h.update(len(part).to_bytes(8, "little"))
            h.update(part)
        return h.hexdigest()

    def _entry(self, key: str) -> Path:
        return self.root / "results" / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> Any | None:
        entry = self._entry(key)
        try:
            stored_key, value = loads(entry.read_bytes())
        except Exception:  # missing, truncated, corrupt or from another planlint: a miss, replaced by put()
            return None
        if stored_key != key:
            return None
        try:
            os.utime(entry)  # recently used: trim() keeps it
        except OSError:
            pass
        return value

    def put(self, key: str, value: Any, tasks: int) -> None:
        if tasks > MAX_CACHED_TASKS:
            return
        entry = self._entry(key)
        try:
            entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(dumps((key, value)))
                os.replace(tmp, entry)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError:
            pass  # a read-only or full cache folder only costs speed


def _entries(root: Path) -> list[tuple[float, int, Path]]:
    """(mtime, size, path) of every stored result."""
    out = []
    for entry in (root / "results").glob("*/*.pickle"):
        try:
            st = entry.stat()
        except OSError:
            continue
        out.append((st.st_mtime, st.st_size, entry))
    return out


def trim(root: Path | None = None, max_bytes: int | None = None) -> int:
    """Delete the least recently used results until the folder holds at most `max_bytes`
    (MAX_CACHE_BYTES; then down to 80% of it, so that the next runs do not trim again).
    Returns the bytes freed."""
    max_bytes = MAX_CACHE_BYTES if max_bytes is None else max_bytes
    entries = _entries(root or cache_dir())
    total = sum(size for _, size, _ in entries)
    if total <= max_bytes:
        return 0
    freed = 0
    for _, size, entry in sorted(entries):
        if total - freed <= max_bytes * 0.8:
            break
        try:
            entry.unlink()
            freed += size
        except OSError:
            pass
    return freed


def size(root: Path | None = None) -> tuple[int, int]:
    """(entries, bytes) of the whole cache folder."""
    files = n = 0
    for folder, _, names in os.walk(root or cache_dir()):
        for name in names:
            try:
                n += os.stat(os.path.join(folder, name)).st_size
                files += 1
            except OSError:
                pass
    return files, n


def clean(root: Path | None = None) -> tuple[int, int]:
    """Empty the cache folder (results and pre-parsed bundled data). Returns (files, bytes) removed."""
    import shutil

    root = root or cache_dir()
    removed = size(root)
    if root.exists():
        shutil.rmtree(root)
    return removed
