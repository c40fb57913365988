"""The listening socket of a web page (`planlint serve`, `planlint desk serve`), shared by both."""

from __future__ import annotations

import socket

from ..errors import PlanlintError


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
