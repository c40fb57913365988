"""Starting a web server from the command line, shared by `planlint serve` and `planlint desk
serve`: the optional packages it needs, the --host and --port options, the listening socket (bound
before the server starts) and the address shown to the user."""

from __future__ import annotations

import importlib.util
import socket
from collections.abc import Callable
from typing import Any

import click

from .errors import PlanlintError

# (distribution, importable module names) of every web server's packages
WEB_PACKAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("starlette", ("starlette",)),
    ("uvicorn", ("uvicorn",)),
    ("python-multipart", ("python_multipart", "multipart")),  # renamed in 0.0.13
)


def require_extras(what: str, install_hint: str, more: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> None:
    """A server's packages are an optional extra: say which are missing and how to get them, in
    one line (`what` names the server: 网页界面, 审查台)."""
    missing = [
        dist
        for dist, modules in (*WEB_PACKAGES, *more)
        if not any(importlib.util.find_spec(m) for m in modules)
    ]
    if missing:
        raise PlanlintError(f"{what}需要额外的组件（缺少 {'、'.join(missing)}），请先运行：{install_hint}")


def host_option(help: str) -> Callable[[Any], Any]:
    return click.option("--host", default="127.0.0.1", show_default=True, help=help)


def port_option(default: int) -> Callable[[Any], Any]:
    return click.option(
        "--port",
        type=click.IntRange(0, 65535),
        default=default,
        show_default=True,
        help="端口；0 表示自动选择空闲端口",
    )


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, bound before the server starts so that a busy port is one clear
    message (and port 0 picks a free one whose number we can print)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise PlanlintError(f"无法解析监听地址「{host}」：{exc.strerror or exc}") from None
    try:
        if hasattr(socket, "SO_EXCLUSIVEADDRUSE"):  # Windows: refuse a port another program holds
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        else:  # POSIX: allow a quick restart while old connections linger in TIME_WAIT
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise PlanlintError(
            f"无法在 {host}:{port} 上启动：端口已被占用或地址不可用，请用 --port 换一个端口"
        ) from None
    return sock


def shown_url(host: str, port: int) -> str:
    """The address to print: a wildcard host is reached on this machine through the loopback."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else "[::1]" if host == "::" else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"
