"""The desk's web safeguards: refusals as exceptions, the CSRF token of a session, the headers
every response carries."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from starlette.requests import Request

from ..webheaders import PRIVATE

# Pages use no script at all; styles are inline; forms post to this server only.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


class Denied(Exception):
    """Answer with `status` and a one-line message (403 forbidden, 404 not found …)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class NeedLogin(Exception):
    pass


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf(request: Request, form: Any | None) -> None:
    sent = request.headers.get("x-csrf-token") or (form.get("csrf_token") if form is not None else None)
    expected = request.session.get("csrf")
    if not (isinstance(sent, str) and expected and hmac.compare_digest(sent, expected)):
        raise Denied(403, "页面已过期或请求来源不明（CSRF 校验失败），请刷新页面后重试。")


# No caching, sniffing or referrer (as serve), no framing, the page CSP.
SECURITY_HEADERS = (*PRIVATE, (b"x-frame-options", b"DENY"), (b"content-security-policy", CSP.encode()))
