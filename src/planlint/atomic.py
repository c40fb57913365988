"""The one door every output goes through (baseline, reports, fixed copies, diff tables, serve's
work files): never over an input file, never half-written, never renaming over a device.

- Every file planlint reads as an input is registered here (`note_input`, called by the readers'
  bounded open and by the result cache); a write whose target is one of them — by any path, link
  or hard link — is refused.
- A regular file (or a new path) is written atomically: a temp file in the same folder, then
  os.replace, so a reader of the output never sees half of it and a failed report leaves the old
  file as it was. A symlink is followed: its target is replaced, the link stays.
- An existing output that is not a regular file is never renamed over (as root, `-f json:/dev/null`
  would otherwise replace the device with a file): a character device or a FIFO (/dev/null,
  /dev/stdout, a pipe a CI step reads) is written in place, anything else is refused.
"""

from __future__ import annotations

import glob
import os
import stat
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from .errors import PlanlintError

_INPUTS: set[tuple[int, int]] = set()  # (st_dev, st_ino) of every input read by this process
_SAME_AS_INPUT = "输出文件与被检查的文件相同：planlint 不会覆盖输入文件，已拒绝覆盖原文件；请换一个输出路径"


def note_input(path: str | os.PathLike, st: os.stat_result | None = None) -> None:
    """Remember `path` as an input: no output may replace it for the rest of the process."""
    try:
        st = st or os.stat(path)
    except OSError:
        return
    _INPUTS.add((st.st_dev, st.st_ino))


def is_input(path: str | os.PathLike) -> bool:
    """Whether `path` (following links) is a file this process has read as an input."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) in _INPUTS


def check_target(path: str | os.PathLike, protect: Iterable[str | os.PathLike] = ()) -> None:
    """Raise unless `path` may be written: it is no input (registered or listed in `protect`)."""
    for p in protect:
        note_input(p)
    if is_input(path):
        raise PlanlintError(_SAME_AS_INPUT, str(path))


def write_bytes(path: str | os.PathLike, data: bytes, *, protect: Iterable[str | os.PathLike] = ()) -> None:
    """Write `data` to `path` (see the module docstring); `protect` adds inputs to refuse."""
    write_chunks(path, (data,), protect=protect)


def write_chunks(
    path: str | os.PathLike, chunks: Iterable[bytes], *, protect: Iterable[str | os.PathLike] = ()
) -> None:
    """`write_bytes` for data made piece by piece (a long report), without holding all of it."""
    check_target(path, protect)
    try:
        st = os.stat(path)
    except OSError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_in_place(Path(path), st, chunks)
        return
    # Follow a symlink: replace the file it points to, keep the link.
    target = Path(os.path.realpath(path)) if st is not None else Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    _sweep_stale(folder, target.name)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise PlanlintError(f"无法在该文件夹写入（{exc.strerror}），请换一个输出位置", str(path)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
        # mkstemp creates 0600; give the output the permissions a normal write would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, (stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~umask))
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise PlanlintError(f"写入失败（{exc.strerror or exc}）", str(path)) from None
    except BaseException:  # the report being made failed: no half-written output is left behind
        Path(tmp).unlink(missing_ok=True)
        raise


STALE_SECONDS = 3600


def _sweep_stale(folder: Path, name: str) -> None:
    """Remove temp files an earlier write of this same output left when it was killed (kill -9
    runs no cleanup): `.<name>.<random>.tmp`, untouched for an hour, so a concurrent writer's
    file is never taken."""
    cutoff = time.time() - STALE_SECONDS
    try:
        for stale in folder.glob(f".{glob.escape(name)}.*.tmp"):
            if stale.is_file() and not stale.is_symlink() and stale.stat().st_mtime < cutoff:
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # a folder we cannot list or clean: the write itself says what is wrong


def _write_in_place(path: Path, st: os.stat_result, chunks: Iterable[bytes]) -> None:
    """A device or pipe as output: written through, never replaced (a FIFO waits for its reader,
    as a shell redirection would). Folders, sockets and block devices are refused."""
    if stat.S_ISDIR(st.st_mode):
        raise PlanlintError("输出路径是一个文件夹，请给出文件名", str(path))
    if not (stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
        raise PlanlintError(
            "输出路径不是普通文件（如块设备或套接字），已拒绝写入；请换一个输出文件名", str(path)
        )
    try:
        with open(path, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
    except OSError as exc:
        raise PlanlintError(f"写入失败（{exc.strerror or exc}）", str(path)) from None


def write_text(path: str | os.PathLike, text: str, *, protect: Iterable[str | os.PathLike] = ()) -> None:
    write_bytes(path, text.encode("utf-8"), protect=protect)
