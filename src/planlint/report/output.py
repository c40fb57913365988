"""Writing outputs safely: atomically (temp file + os.replace in the same folder), never over a
checked input, and with paths shown relative to the working directory where possible."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import PlanlintError

if TYPE_CHECKING:
    from ..result import CheckResult


def _same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist yet
        return os.path.realpath(a) == os.path.realpath(b)


def refuse_input(
    out: str | os.PathLike, result: CheckResult | None = None, inputs: Iterable[str] = ()
) -> None:
    """Raise if `out` is one of the checked files: a report must never replace the plan it is about."""
    paths = [*inputs, *({r.path for r in result.reports} if result is not None else ())]
    for path in paths:
        if _same_file(out, path):
            raise PlanlintError("输出文件与被检查的文件相同，已拒绝覆盖原文件；请换一个输出路径", str(out))


def atomic_write(path: str | os.PathLike, data: bytes | str, encoding: str = "utf-8") -> None:
    """Write all of `data` to `path` or nothing (planlint.atomic), creating missing folders:
    `-f xlsx:批注/` and `-o reports/x.html` name folders that may not exist yet."""
    from ..atomic import write_bytes

    _make_folder(path)
    write_bytes(str(path), data.encode(encoding) if isinstance(data, str) else data)


def _make_folder(path: str | os.PathLike) -> None:
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PlanlintError(f"无法创建输出文件夹（{exc.strerror}），请换一个输出位置", str(path)) from None


def emit(text: str, out: str | None) -> None:
    """Text to stdout (out None) or atomically to a file."""
    emit_chunks((text,), out)


def emit_chunks(chunks: Iterable[str], out: str | None) -> None:
    """Text made piece by piece, written as it comes: to stdout (out None), or atomically to a file.
    A report of a 100k-task plan never exists as one string (80 MB less at its peak)."""
    if out is None:
        # through click: on a Windows console it turns the reporter's ANSI colours into console
        # calls; the reporter decided whether there are any (color=True: never strip them here)
        import click

        for piece in _batched(chunks):
            click.echo(piece, nl=False, color=True)
        sys.stdout.flush()
        return
    from ..atomic import write_chunks

    _make_folder(out)
    write_chunks(str(out), (piece.encode("utf-8") for piece in _batched(chunks)))


def _batched(chunks: Iterable[str], size: int = 1 << 16) -> Iterator[str]:
    """Small chunks (a line each) joined into pieces of about `size` characters."""
    buf: list[str] = []
    n = 0
    for chunk in chunks:
        buf.append(chunk)
        n += len(chunk)
        if n >= size:
            yield "".join(buf)
            buf, n = [], 0
    if buf:
        yield "".join(buf)


def display_path(path: str) -> str:
    """`path` relative to the working directory when it lies under it, POSIX separators."""
    return _display_path(path, os.getcwd())


@functools.lru_cache(maxsize=1024)
def _display_path(path: str, cwd: str) -> str:
    # Cached: a report names the same few files once per finding, and resolve() costs a system
    # call per path component (SARIF of 87k findings spent most of its time here).
    p = Path(path)
    try:
        return p.resolve().relative_to(Path(cwd).resolve()).as_posix()
    except (ValueError, OSError):
        return p.as_posix()
