"""Word-processor files other than .docx (Word 97-2003 .doc, WPS .wps, OpenDocument .odt) →
converted to .docx by LibreOffice running headless, then read as .docx.

LibreOffice is an optional external program: without it the message says what to install. It
runs in a private, throw-away profile with macros disabled, under a time limit (the whole process
group is killed when it is reached), and every temporary file goes with the temporary folder.
Locations name the original file; 表N / row / column are those of its Word tables, which the
conversion keeps.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .. import tempdirs
from ..errors import ReadError
from ..table import Table
from . import docx

TIMEOUT_ENV = "PLANLINT_CONVERT_TIMEOUT"  # seconds a conversion may take (default 60)
SOFFICE_ENV = "PLANLINT_SOFFICE"  # the soffice program to run, when not on PATH
DEFAULT_TIMEOUT = 60
INSTALL_HINT = (
    "读取 .doc/.wps/.odt 文件需要 LibreOffice：Debian/Ubuntu 请运行 "
    "sudo apt-get install libreoffice-writer-nogui，Windows 请从 https://www.libreoffice.org/download/ "
    "下载安装 LibreOffice，然后重试；也可以用 Word/WPS 把文件另存为 .docx 再检查"
)
_TEMP_PREFIX = "planlint-convert-"
# Macros never run: execution disabled and the security level at "very high" in the private profile.
_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" \
oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" \
oor:op="fuse"><value>3</value></prop></item>
</oor:items>
"""


def find_soffice() -> str | None:
    """The LibreOffice program: $PLANLINT_SOFFICE, else soffice/libreoffice on PATH, else the
    usual Windows and macOS install folders."""
    explicit = os.environ.get(SOFFICE_ENV, "").strip()
    if explicit:
        return explicit if shutil.which(explicit) or os.path.isfile(explicit) else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    candidates = [
        Path(os.environ.get(var, "")) / "LibreOffice" / "program" / "soffice.exe"
        for var in ("ProgramFiles", "ProgramFiles(x86)")
        if os.environ.get(var)
    ]
    candidates.append(Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"))
    return next((str(c) for c in candidates if c.is_file()), None)


def timeout_seconds() -> float:
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    try:
        return float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT


def read(path: str) -> list[Table]:
    label = Path(path).suffix.lower() or ".doc"
    with tempfile.TemporaryDirectory(prefix=_TEMP_PREFIX, ignore_cleanup_errors=True) as tmp:
        converted = convert(path, Path(tmp), "docx")
        try:
            tables = docx.read(str(converted))
        except ReadError as exc:
            raise ReadError(exc.message, path) from None
    for table in tables:
        table.path = path
        table.format = label.lstrip(".")
    return tables


def convert(path: str, work: Path, target: str) -> Path:
    """Convert `path` to `target` (a LibreOffice --convert-to format) inside `work`; return the
    converted file. The input is copied first, so LibreOffice never opens (or locks) the original."""
    return convert_many([path], work, target)[0]


def convert_many(paths: Sequence[str], work: Path, target: str) -> list[Path]:
    """Convert each of `paths` as `convert` does, all in one LibreOffice run (its start-up takes
    seconds, so the tests convert their fixtures in one batch); the converted files in order. A
    file LibreOffice could not convert raises ReadError naming it; the time limit is the run's."""
    first = paths[0]
    soffice = find_soffice()
    if soffice is None:
        raise ReadError(INSTALL_HINT, first)
    sweep_stale()
    sources = [work / "in" / f"plan{i or ''}{Path(path).suffix.lower()}" for i, path in enumerate(paths)]
    sources[0].parent.mkdir()
    for path, source in zip(paths, sources):
        shutil.copyfile(path, source)
    (work / "profile" / "user").mkdir(parents=True)
    (work / "profile" / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS, encoding="utf-8")
    out = work / "out"
    command = [
        soffice,
        f"-env:UserInstallation={(work / 'profile').resolve().as_uri()}",
        "--headless",
        "--invisible",
        "--nologo",
        "--nodefault",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        target,
        "--outdir",
        str(out),
        *map(str, sources),
    ]
    limit = timeout_seconds()
    try:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=work,
            env={**os.environ, "HOME": str(work)},  # LibreOffice writes beside $HOME otherwise
            **_group_options(),
        )
    except OSError as exc:
        raise ReadError(f"无法启动 LibreOffice（{exc.strerror or exc}）。{INSTALL_HINT}", first) from None
    try:
        _, err = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise ReadError(
            f"LibreOffice 转换超过 {limit:g} 秒仍未完成，已终止（文件可能过大、损坏或需要密码）；"
            f"请用 Word/WPS 打开后另存为 .docx 再检查（时限可用环境变量 {TIMEOUT_ENV} 调整）",
            first,
        ) from None
    except BaseException:
        _kill(proc)
        raise
    results = [out / f"{source.stem}.{target.split(':')[0]}" for source in sources]
    for path, result in zip(paths, results):
        if proc.returncode != 0 or not result.is_file():
            detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
            raise ReadError(
                "LibreOffice 无法转换此文件（可能已加密、损坏或不是 Word/WPS 文档"
                + (f"：{detail[0][:200]}" if detail else "")
                + "），请用 Word/WPS 打开后（如有密码先取消密码）另存为 .docx 再检查",
                path,
            )
    return results


def _group_options() -> dict:
    """Start LibreOffice in its own process group, so a kill reaches its helper processes too."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def _kill(proc: subprocess.Popen) -> None:
    try:
        if sys.platform == "win32":
            proc.kill()
        else:
            os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def sweep_stale() -> None:
    """Remove conversion folders left in the temporary folder by a planlint that was killed."""
    tempdirs.sweep_stale(_TEMP_PREFIX)
