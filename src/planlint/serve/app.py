"""The Starlette application behind `planlint serve`: one page, an upload endpoint that starts a
batch, a status endpoint the page polls, and the batch's reports and copies as downloads.

Every failure is answered with a Chinese one-line message (JSON for the API): a user error as the
CLI words it, anything else logged here and never shown as a traceback."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from .. import __version__
from ..findings import SEVERITY_NAMES
from ..rules.loader import DEFAULT_PROFILE, load_profile, profile_names
from ..webheaders import ResponseHeaders
from .jobs import ACCEPTED, Batch, Busy, Download, JobLimits, JobStore, suffix_of, sweep_stale

log = logging.getLogger("planlint.serve")

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 50
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
_CHUNK = 1024 * 1024
# The page's own scripts and styles are inline; it fetches only from this server and frames only
# the report this server renders.
PAGE_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
    "connect-src 'self'; frame-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
)


class Rejected(Exception):
    """An upload refused before any checking, with the message and HTTP status to answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


def _error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def cross_site(headers) -> bool:
    """Whether a request was sent by another site's page (a form or script on any page the editor
    visits could otherwise submit jobs here). Browsers say so in `Sec-Fetch-Site`; older ones
    only send `Origin`, which must then name this server as the request's Host does. A request
    with neither comes from a program (curl, a script), not from a web page, and is allowed."""
    site = headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return True
    origin = headers.get("origin")
    if origin is None:
        return False
    if origin == "null":  # a sandboxed frame, a file:// page, a redirect across sites
        return True
    return urlsplit(origin).netloc.lower() != headers.get("host", "").lower()


def _page(max_file_bytes: int, max_files: int) -> str:
    from jinja2 import Environment, PackageLoader

    env = Environment(loader=PackageLoader("planlint.serve", "templates"), autoescape=True)
    profiles = [{"name": n, "description": load_profile(n).description.strip()} for n in profile_names()]
    config = {
        "accepted": list(ACCEPTED),
        "maxFileBytes": max_file_bytes,
        "maxFiles": max_files,
    }
    return env.get_template("index.html").render(
        version=__version__,
        severities=SEVERITY_NAMES,
        profiles=profiles,
        default_profile=DEFAULT_PROFILE,
        config=config,
        max_file_mb=_mb(max_file_bytes),
        max_files=max_files,
        accepted=" ".join(s for s in ACCEPTED if s not in (".xlsm", ".tsv", ".xlsb", ".odt")),
    )


def _attachment(filename: str) -> str:
    """Content-Disposition for a Chinese file name: an ASCII fallback plus the RFC 5987 form."""
    plain = filename.isascii() and filename.isprintable() and not any(c in filename for c in '"\\')
    fallback = filename if plain else "planlint" + suffix_of(filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def create_app(
    *,
    max_file_bytes: int = MAX_FILE_BYTES,
    max_files: int = MAX_FILES,
    temp_parent: str | None = None,
    trusted_hosts: Sequence[str] | None = LOOPBACK_HOSTS,
    limits: JobLimits | None = None,
    isolate: bool = True,
) -> Starlette:
    """The web app. `temp_parent` is where each batch's temporary folder is made (default: the
    system's); folders that a server which is gone left there are deleted first. `trusted_hosts`
    are the Host names accepted, which stops a web site from reaching this server through DNS
    rebinding (None accepts any, for a deliberate LAN binding). Each batch runs in a child process
    bounded by `limits` (default: JobLimits.from_env()); `isolate=False` runs it in a thread."""
    removed = sweep_stale(temp_parent)
    if removed:
        log.info("planlint serve: deleted %d temporary folder(s) left by an earlier server", removed)
    store = JobStore(limits=(limits or JobLimits.from_env()) if isolate else None)
    page = _page(max_file_bytes, max_files)
    max_request = (
        max_file_bytes * (max_files + 2) + 1024 * 1024
    )  # the plans, a superior plan, an item list, the form

    async def index(request: Request) -> Response:
        return HTMLResponse(page, headers={"content-security-policy": PAGE_CSP})

    async def check(request: Request) -> Response:
        if cross_site(request.headers):
            return _error("拒绝来自其他网站的上传请求：请直接在本页面上传文件。", 403)
        length = request.headers.get("content-length", "")
        if not length.isdigit():
            return _error("上传请求缺少长度信息，请用本页面上传文件。", 411)
        if int(length) > max_request:
            return _error(
                f"本次上传共 {_mb(int(length))} MB，超过上限（每个文件 {_mb(max_file_bytes)} MB、"
                f"最多 {max_files} 个）；请分批检查。",
                413,
            )
        batch = Batch(temp_parent)
        try:
            profile = await _receive(request, batch, max_file_bytes, max_files)
        except Rejected as exc:
            batch.cleanup()
            return _error(exc.message, exc.status)
        except BaseException:
            batch.cleanup()
            raise
        try:
            job = store.submit(batch, profile)
        except Busy:
            batch.cleanup()
            return _error("正在检查的文件太多，请等前面的检查完成后再上传。", 503)
        return JSONResponse({"job": job.id}, status_code=202)

    async def status(request: Request) -> Response:
        job = store.get(request.path_params["job"])
        if job is None:
            return _error("找不到这次检查的结果（可能已过期或服务已重启），请重新上传。", 404)
        return JSONResponse(job.status())

    def _download(request: Request, key: str) -> Download:
        job = store.get(request.path_params["job"])
        if job is None or key not in job.downloads:
            raise HTTPException(404)
        return job.downloads[key]

    async def report(request: Request) -> Response:
        d = _download(request, "report.html")
        return Response(d.data, media_type=d.media_type, headers={"x-frame-options": "SAMEORIGIN"})

    async def download(request: Request) -> Response:
        d = _download(request, request.path_params["key"])
        return Response(
            d.data, media_type=d.media_type, headers={"content-disposition": _attachment(d.filename)}
        )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        store.close()

    middleware = [Middleware(ResponseHeaders)]
    if trusted_hosts is not None:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=list(trusted_hosts)))
    app = Starlette(
        routes=[
            Route("/", index),
            Route("/api/check", check, methods=["POST"]),
            Route("/api/jobs/{job}", status),
            Route("/jobs/{job}/report", report),
            Route("/jobs/{job}/files/{key:path}", download),
        ],
        middleware=middleware,
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
        lifespan=lifespan,
    )
    return app


async def _receive(request: Request, batch: Batch, max_file_bytes: int, max_files: int) -> str:
    """Validate the form and copy its files into `batch`; return the profile name."""
    try:
        # The real count limit is checked below, with a clear message; this one only bounds parsing.
        async with request.form(max_files=max_files * 2 + 2, max_fields=20) as form:
            profile = form.get("profile") or DEFAULT_PROFILE
            if not isinstance(profile, str) or profile not in profile_names():
                raise Rejected(f"未知的配置档「{profile}」，可选：{'、'.join(profile_names())}")
            plans = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
            superior = form.get("superior")
            superior = superior if isinstance(superior, UploadFile) and superior.filename else None
            item_list = form.get("item_list")
            item_list = item_list if isinstance(item_list, UploadFile) and item_list.filename else None
            if not plans:
                raise Rejected("请至少选择一个计划文件。")
            if len(plans) > max_files:
                raise Rejected(
                    f"一次最多检查 {max_files} 个文件，本次选择了 {len(plans)} 个；请分批检查。", 413
                )
            for upload in [*plans, *(u for u in (superior, item_list) if u is not None)]:
                _accept(upload, max_file_bytes)
            for upload in plans:
                await _copy(upload, batch.add(upload.filename), max_file_bytes)
            if superior is not None:
                await _copy(superior, batch.add(superior.filename, superior=True), max_file_bytes)
            if item_list is not None:
                await _copy(item_list, batch.add(item_list.filename, item_list=True), max_file_bytes)
            return profile
    except HTTPException as exc:  # the multipart parser's own refusals
        raise Rejected(f"上传内容无法解析（{exc.detail}），请用本页面重新上传。") from None


def _accept(upload: UploadFile, max_file_bytes: int) -> None:
    name = upload.filename or ""
    if suffix_of(name) not in ACCEPTED:
        raise Rejected(f"「{name}」不是可检查的文件类型；请上传 .xlsx、.docx、.csv 或 .txt 格式的计划。")
    if upload.size is not None and upload.size > max_file_bytes:
        raise Rejected(_too_big(name, upload.size, max_file_bytes), 413)


def _too_big(name: str, size: int, limit: int) -> str:
    return f"「{name}」有 {_mb(size)} MB，超过单个文件 {_mb(limit)} MB 的上限。"


async def _copy(upload: UploadFile, target: Path, max_file_bytes: int) -> None:
    written = 0
    with open(target, "wb") as fh:
        while chunk := await upload.read(_CHUNK):
            written += len(chunk)
            if written > max_file_bytes:  # the parser did not report a size: count ourselves
                raise Rejected(_too_big(upload.filename or "", written, max_file_bytes), 413)
            fh.write(chunk)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    messages = {
        404: "页面或文件不存在（检查结果可能已过期），请回到首页重新上传。",
        405: "不支持的请求方式。",
    }
    message = messages.get(exc.status_code, f"请求无法处理（{exc.status_code}）。")
    if request.url.path.startswith("/api/"):
        return _error(message, exc.status_code)
    return PlainTextResponse(message, status_code=exc.status_code)


async def _server_error(request: Request, exc: Exception) -> Response:
    # Starlette re-raises after this handler so the server logs the traceback; one line here.
    log.error(
        "planlint serve: %s %s failed: %s: %s", request.method, request.url.path, type(exc).__name__, exc
    )
    return _error("内部错误，请求没有完成；详细信息已记录在运行 planlint serve 的窗口中。", 500)
