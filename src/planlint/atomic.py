"""Write outputs atomically (temp file + rename) and never over an input file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import PlanlintError


def write_bytes(path: str, data: bytes, *, protect: tuple[str, ...] = ()) -> None:
    """Write `data` to `path` via a temporary file in the same folder, then rename over it.
    `protect` lists input files that must never be overwritten."""
    write_chunks(path, (data,), protect=protect)


def write_chunks(path: str, chunks: Iterable[bytes], *, protect: tuple[str, ...] = ()) -> None:
    """`write_bytes` for data made piece by piece (a long report), without holding all of it."""
    target = Path(path)
    if any(target.resolve() == Path(p).resolve() for p in protect):
        raise PlanlintError("输出文件与输入文件相同，planlint 不会覆盖输入文件，请换一个输出文件名", path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise PlanlintError(f"无法在该文件夹写入（{exc.strerror}），请换一个输出位置", path) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
        # mkstemp creates 0600; give the output the permissions a normal write would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise PlanlintError(f"写入失败（{exc.strerror or exc}）", path) from None
    except BaseException:  # the report being made failed: no half-written output is left behind
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: str, text: str, *, protect: tuple[str, ...] = ()) -> None:
    write_bytes(path, text.encode("utf-8"), protect=protect)
