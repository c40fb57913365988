"""The response headers both web apps (serve, desk) add to every response."""

from __future__ import annotations

from typing import Any

# No caching of plans or reports, no MIME sniffing, no referrer.
PRIVATE = (
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)


class ResponseHeaders:
    """ASGI middleware appending `headers` to every response's start message."""

    def __init__(self, app: Any, headers: tuple[tuple[bytes, bytes], ...] = PRIVATE) -> None:
        self.app = app
        self.headers = list(headers)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] += self.headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
