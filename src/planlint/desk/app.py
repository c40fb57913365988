"""The desk's web application (Starlette). Pages are rendered on the server; every state change
is a POST form carrying the session's CSRF token, answered with a redirect (errors are shown on
the next page). Who may do what:

- no session: the login page only;
- an editor: the rounds that include their county, that county's versions and files, upload,
  waive, submit — another county's pages answer 404, as if they did not exist;
- a reviewer: everything read-only, opening rounds, returning and accepting, the exports.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from .. import __version__
from ..errors import PlanlintError
from ..findings import SEVERITY_NAMES
from ..serve.jobs import ACCEPTED, MEDIA_TYPES, safe_filename, suffix_of
from ..webheaders import ResponseHeaders
from . import auth, db, export, rounds
from .lint import Linter, ReviewRequest, StoredFile
from .security import SECURITY_HEADERS, Denied, NeedLogin, check_csrf, csrf_token
from .store import FileStore, secret_key
from .submissions import round_files, store_and_lint, validate_round_files

log = logging.getLogger("planlint.desk")

MAX_FILE_BYTES = 20 * 1024 * 1024
COOKIE = "planlint_desk"
AUDIT_SHOWN = 500
SMALL_FORM_BYTES = 64 * 1024  # a form without files (login, comments, waivers)
REVIEWS_KEPT = 8  # cross-county reviews kept in memory
POPULATION_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".yaml", ".yml")
ROUND_FILES = ("superior", "population", "item_list")  # what a round is opened with (rounds.<kind>_hash)


@dataclass
class Settings:
    data_dir: Path
    lint_processes: int = 0  # 0: lint in the request's thread, one at a time
    max_file_bytes: int = MAX_FILE_BYTES
    secure_cookies: bool = False  # Secure flag: set when users reach the desk over HTTPS


class Desk:
    """What the request handlers share: the data folder, the file store, the linter, templates."""

    def __init__(self, settings: Settings) -> None:
        from jinja2 import Environment, PackageLoader

        self.settings = settings
        self.data_dir = Path(settings.data_dir)
        db.connect(self.data_dir).close()  # migrate once, at start
        self.store = FileStore(self.data_dir)
        self.store.sweep()
        self.reviews: dict[ReviewRequest, dict[str, list[dict[str, Any]]]] = {}  # oldest first
        self.linter = Linter(settings.lint_processes)
        self.env = Environment(loader=PackageLoader("planlint.desk", "templates"), autoescape=True)
        self.env.globals.update(version=__version__, STATUS=rounds.STATUS, SEVERITY_NAMES=SEVERITY_NAMES)
        self.env.filters["when"] = when
        self.env.filters["fromjson"] = lambda text: json.loads(text) if text else None

    @contextmanager
    def conn(self) -> Iterator[sqlite3.Connection]:
        conn = db.connect(self.data_dir, migrate=False)
        try:
            yield conn
        finally:
            conn.close()


NOT_FOUND = "页面不存在，或您无权查看。"


def when(stamp: str | None) -> str:
    """A stored UTC timestamp as shown: 2025-03-01 08:30 UTC."""
    return f"{stamp[:10]} {stamp[11:16]} UTC" if stamp else ""


def _ip(request: Request) -> str:
    return request.client.host if request.client else "?"


def _flash(request: Request, message: str, kind: str = "error") -> None:
    request.session["flash"] = [kind, message]


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _stored_version(conn: sqlite3.Connection, vid: str) -> sqlite3.Row:
    """A version the board lists: it is stored."""
    v = rounds.get_version(conn, vid)
    assert v is not None, f"no version {vid}"
    return v


def county_url(rid: str, county: str) -> str:
    return f"/rounds/{rid}/c/{quote(county, safe='')}"


def _attachment(filename: str) -> str:
    fallback = "planlint" + suffix_of(filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def _download(
    request: Request,
    conn: sqlite3.Connection,
    user: auth.User,
    action: str,
    detail: str,
    name: str,
    data: bytes,
    digest: str | None = None,
) -> Response:
    """A file for the user, the download written to the audit log with the file's hash."""
    db.audit(
        conn,
        action,
        username=user.username,
        role=user.role,
        ip=_ip(request),
        detail=detail,
        file_hash=digest or hashlib.sha256(data).hexdigest(),
    )
    media = {".zip": "application/zip", **MEDIA_TYPES}.get(suffix_of(name), "application/octet-stream")
    return Response(data, media_type=media, headers={"content-disposition": _attachment(name)})


def _closing_form(handler: Any) -> Any:
    """A POST endpoint whose uploaded files (spooled to temporary files) are closed when it is done."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        finally:
            await request.close()

    return endpoint


def create_app(settings: Settings) -> Starlette:
    desk = Desk(settings)
    desk.env.globals["county_url"] = county_url
    # the largest form: a new round's city plan, population file and item list, plus the fields
    max_request = settings.max_file_bytes * len(ROUND_FILES) + 1024 * 1024

    def user_of(request: Request, conn: sqlite3.Connection) -> auth.User | None:
        return auth.session_user(conn, request.session.get("sid"))

    def require(request: Request, conn: sqlite3.Connection, role: str | None = None) -> auth.User:
        user = user_of(request, conn)
        if user is None:
            raise NeedLogin()
        if role is not None and user.role != role:
            raise Denied(403, "您的账号无权进行此操作。")
        return user

    def round_for(
        conn: sqlite3.Connection, user: auth.User, rid: str, county: str | None = None
    ) -> sqlite3.Row:
        """The round, if the user may see it (and the county, if given, is in it and theirs)."""
        rnd = rounds.get_round(conn, rid)
        if rnd is None:
            raise Denied(404, NOT_FOUND)
        if county is not None:
            if not user.may_see(county) or rounds.county_state(conn, rid, county) is None:
                raise Denied(404, NOT_FOUND)
        elif not user.is_reviewer and (
            user.county is None or rounds.county_state(conn, rid, user.county) is None
        ):
            raise Denied(404, NOT_FOUND)
        return rnd

    def version_for(conn: sqlite3.Connection, user: auth.User, vid: str) -> sqlite3.Row:
        version = rounds.get_version(conn, vid)
        if version is None or not user.may_see(version["county"]):
            raise Denied(404, NOT_FOUND)
        return version

    def page(
        request: Request, template: str, user: auth.User | None, status: int = 200, **ctx: Any
    ) -> HTMLResponse:
        flash = request.session.pop("flash", None)
        html = desk.env.get_template(template).render(user=user, csrf=csrf_token(request), flash=flash, **ctx)
        return HTMLResponse(html, status_code=status)

    async def form_of(request: Request, max_files: int = 0, anonymous: bool = False) -> Any:
        """The posted form, CSRF-checked. The body is read only for a live session (or for the login
        form, which is small): nobody without an account can make the server spool large uploads."""
        if not anonymous:
            with desk.conn() as conn:
                if user_of(request, conn) is None:
                    raise NeedLogin()
        length = request.headers.get("content-length", "")
        if not length.isdigit():  # a streamed body could be of any size: browsers always send the length
            raise Denied(411, "请求缺少长度信息，请用页面提交。")
        if int(length) > (max_request if max_files else SMALL_FORM_BYTES):
            raise Denied(
                413, f"上传内容超过上限（单个文件最大 {settings.max_file_bytes // 1024 // 1024} MB）。"
            )
        try:
            form = await request.form(max_files=max_files, max_fields=20)
        except HTTPException as exc:
            raise Denied(400, f"请求无法解析（{exc.detail}），请用页面重新提交。") from None
        check_csrf(request, form)
        return form

    async def read_upload(upload: Any, what: str, suffixes: tuple[str, ...]) -> tuple[str, bytes]:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise rounds.Refused(f"请选择{what}")
        name = safe_filename(upload.filename, "计划")
        if suffix_of(name) not in suffixes:
            raise rounds.Refused(f"「{name}」不是可接受的文件类型（{' '.join(suffixes)}）")
        data = await upload.read(settings.max_file_bytes + 1)
        if len(data) > settings.max_file_bytes:
            raise Denied(413, f"「{name}」超过单个文件 {settings.max_file_bytes // 1024 // 1024} MB 的上限。")
        if not data:
            raise rounds.Refused(f"「{name}」是空文件")
        return name, data

    async def optional_upload(upload: Any, suffixes: tuple[str, ...]) -> tuple[str, bytes] | None:
        """An optional file of a form: None when none was chosen."""
        if not isinstance(upload, UploadFile) or not upload.filename:
            return None
        return await read_upload(upload, "", suffixes)

    # --- pages -----------------------------------------------------------------------------------

    async def login_page(request: Request) -> Response:
        with desk.conn() as conn:
            if user_of(request, conn) is not None:
                return _redirect("/")
        return page(request, "login.html", None)

    async def login(request: Request) -> Response:
        form = await form_of(request, anonymous=True)
        username, password = str(form.get("username") or "").strip(), str(form.get("password") or "")
        try:
            with desk.conn() as conn:
                result = await run_in_threadpool(auth.login, conn, username, password, _ip(request))
        except auth.Throttled as exc:
            return page(
                request,
                "login.html",
                None,
                status=429,
                error=f"登录失败次数过多，请 {exc.minutes} 分钟后再试。",
            )
        if result is None:
            return page(
                request,
                "login.html",
                None,
                status=401,
                error="用户名或密码错误，或账号已停用。",
                username=username,
            )
        user, sid = result
        request.session.clear()  # a new session: new id, new CSRF token
        request.session.update(sid=sid, csrf=secrets.token_urlsafe(32))
        return _redirect("/")

    async def logout(request: Request) -> Response:
        await form_of(request)
        sid = request.session.get("sid")
        with desk.conn() as conn:
            user = user_of(request, conn)
            if sid:
                auth.logout(conn, sid)
            if user:
                db.audit(conn, "logout", username=user.username, role=user.role, ip=_ip(request))
        request.session.clear()
        return _redirect("/login")

    async def home(request: Request) -> Response:
        with desk.conn() as conn:
            user = require(request, conn)
            from ..rules.loader import DEFAULT_PROFILE, profile_names

            return page(
                request,
                "home.html",
                user,
                rounds=rounds.rounds_for(conn, user),
                profiles=profile_names(),
                default_profile=DEFAULT_PROFILE,
                this_year=date.today().year,
                accepted=" ".join(s for s in ACCEPTED if s in (".xlsx", ".docx", ".csv", ".txt")),
            )

    async def open_round(request: Request) -> Response:
        from ..rules.loader import profile_names

        form = await form_of(request, max_files=len(ROUND_FILES))
        with desk.conn() as conn:
            user = require(request, conn, "reviewer")
            try:
                title = str(form.get("title") or "").strip()
                if not title or len(title) > 200:
                    raise rounds.Refused("请填写本轮名称（最多 200 字）")
                year_text = str(form.get("year") or "")
                if not year_text.isdigit() or not 2000 <= int(year_text) <= 2100:
                    raise rounds.Refused("请填写正确的计划年度，例如 2025")
                profile = str(form.get("profile") or "")
                if profile not in profile_names():
                    raise rounds.Refused(f"未知的配置档「{profile}」")
                due = str(form.get("due_date") or "").strip() or None
                if due:
                    try:
                        date.fromisoformat(due)
                    except ValueError:
                        raise rounds.Refused("截止日期格式不正确") from None
                counties = rounds.parse_counties(str(form.get("counties") or ""))
                superior = await read_upload(form.get("superior"), "市级计划文件（上级计划）", ACCEPTED)
                population = await optional_upload(form.get("population"), POPULATION_SUFFIXES)
                item_list = await optional_upload(form.get("item_list"), ACCEPTED)
                await run_in_threadpool(validate_round_files, superior, population, item_list)
                rid = await run_in_threadpool(
                    rounds.open_round,
                    conn,
                    desk.store,
                    user,
                    title=title,
                    year=int(year_text),
                    profile=profile,
                    superior=superior,
                    population=population,
                    item_list=item_list,
                    due_date=due,
                    counties=counties,
                    require_clean=form.get("require_clean") == "on",
                    ip=_ip(request),
                )
            except PlanlintError as exc:
                _flash(request, exc.message)
                return _redirect("/")
        _flash(request, "已开启新一轮报送。", "ok")
        return _redirect(f"/rounds/{rid}")

    async def round_page(request: Request) -> Response:
        rid = request.path_params["rid"]
        with desk.conn() as conn:
            user = require(request, conn)
            rnd = round_for(conn, user, rid)
            if not user.is_reviewer:
                assert user.county is not None, "an editor has a county"
                return _redirect(county_url(rid, user.county))
            rows = rounds.board(conn, rid)
            counts = {k: sum(1 for r in rows if r.status == k) for k in rounds.STATUS}
            overdue = bool(rnd["due_date"]) and date.today().isoformat() > rnd["due_date"]
            return page(request, "board.html", user, round=rnd, rows=rows, counts=counts, overdue=overdue)

    async def board_json(request: Request) -> Response:
        rid = request.path_params["rid"]
        with desk.conn() as conn:
            user = require(request, conn, "reviewer")
            round_for(conn, user, rid)
            rows = rounds.board(conn, rid)
        return JSONResponse(
            {
                "round": rid,
                "counties": [
                    {
                        "county": r.county,
                        "status": r.status,
                        "status_label": r.status_label,
                        "version": r.version,
                        "errors": r.errors,
                        "warnings": r.warnings,
                        "duplicates": r.duplicates,
                        "coverage": r.city_tasks,
                        "population_coverage": r.coverage,
                        "waivers": r.waivers,
                        "last_activity": r.last_activity,
                    }
                    for r in rows
                ],
            }
        )

    async def review_page(request: Request) -> Response:
        """Every county's current version checked together: differences between counties."""
        rid = request.path_params["rid"]
        with desk.conn() as conn:
            user = require(request, conn, "reviewer")
            rnd = round_for(conn, user, rid)
            current = [
                (r.county, _stored_version(conn, r.version_id))
                for r in rounds.board(conn, rid)
                if r.version_id is not None and not r.unreadable
            ]
        store = desk.store
        req = ReviewRequest(
            plans=tuple(
                (county, StoredFile(v["filename"], str(store.path(v["file_hash"])))) for county, v in current
            ),
            round=round_files(store, rnd),
        )
        # The same current versions give the same review: kept for the last few (ReviewRequest is hashable).
        found = desk.reviews.get(req)
        if found is None:
            found = await run_in_threadpool(desk.linter.review, req) if current else {}
            desk.reviews[req] = found
            while len(desk.reviews) > REVIEWS_KEPT:
                desk.reviews.pop(next(iter(desk.reviews)))
        return page(
            request,
            "review.html",
            user,
            round=rnd,
            found=found,
            versions={county: v["number"] for county, v in current},
        )

    async def county_page(request: Request) -> Response:
        rid, county = request.path_params["rid"], request.path_params["county"]
        with desk.conn() as conn:
            user = require(request, conn)
            rnd = round_for(conn, user, rid, county)
            state = rounds.county_state(conn, rid, county)
            assert state is not None, "round_for refuses a county not in the round"
            waived = rounds.waivers(conn, rid, county)
            latest = rounds.latest_version(conn, rid, county)
            messages = (
                {f["key"]: f["message"] for f in rounds.findings_of(latest)["findings"]} if latest else {}
            )
            return page(
                request,
                "county.html",
                user,
                round=rnd,
                county=county,
                state=state,
                versions=rounds.versions(conn, rid, county),
                waivers=list(waived.values()),
                messages=messages,
                events=rounds.events(conn, rid, county),
                max_mb=settings.max_file_bytes // 1024 // 1024,
                accepted=" ".join(s for s in ACCEPTED if s in (".xlsx", ".docx", ".csv", ".txt")),
                may_upload=not user.is_reviewer and state["status"] in ("pending", "returned"),
                may_review=user.is_reviewer and state["status"] == "submitted",
            )

    async def upload(request: Request) -> Response:
        rid, county = request.path_params["rid"], request.path_params["county"]
        form = await form_of(request, max_files=1)
        with desk.conn() as conn:
            user = require(request, conn, "editor")
            rnd = round_for(conn, user, rid, county)
            try:
                rounds.check_may_upload(conn, rid, county)
            except PlanlintError as exc:
                _flash(request, exc.message)
                return _redirect(county_url(rid, county))
        try:
            name, data = await read_upload(form.get("plan"), "计划文件", ACCEPTED)
            with desk.conn() as conn:
                vid = await run_in_threadpool(
                    store_and_lint, conn, desk.store, desk.linter, user, rnd, county, name, data, _ip(request)
                )
        except PlanlintError as exc:
            _flash(request, exc.message)
            return _redirect(county_url(rid, county))
        except Denied:
            raise
        except Exception:  # a bug met on this file: the editor gets a message, the log the traceback
            log.exception("planlint desk: upload of %s for %s failed", name, county)
            _flash(
                request,
                "检查这个文件时发生内部错误，这个版本没有保存；详细信息已记录在服务器日志中，请联系市局。",
            )
            return _redirect(county_url(rid, county))
        return _redirect(f"/v/{vid}")

    async def version_page(request: Request) -> Response:
        with desk.conn() as conn:
            user = require(request, conn)
            v = version_for(conn, user, request.path_params["vid"])
            rnd = rounds.get_round(conn, v["round_id"])
            state = rounds.county_state(conn, v["round_id"], v["county"])
            latest = rounds.latest_version(conn, v["round_id"], v["county"])
            assert state is not None and latest is not None, "a stored version's county is in its round"
            data = rounds.findings_of(v)
            waived = rounds.waivers(conn, v["round_id"], v["county"])
            editable = not user.is_reviewer and state["status"] in ("pending", "returned")
            return page(
                request,
                "version.html",
                user,
                round=rnd,
                v=v,
                state=state,
                data=data,
                waived=waived,
                editable=editable,
                is_latest=latest["id"] == v["id"],
                unwaived_errors=rounds.unwaived_errors(conn, v),
                diff=json.loads(v["diff_json"]) if v["diff_json"] else None,
            )

    async def version_file(request: Request) -> Response:
        kind = request.path_params["kind"]
        with desk.conn() as conn:
            user = require(request, conn)
            v = version_for(conn, user, request.path_params["vid"])
            stem = Path(v["filename"]).stem
            files = {
                "original": (v["file_hash"], v["filename"]),
                "annotated": (v["annotated_hash"], f"{stem}.批注.xlsx"),
                "fixed": (v["fixed_hash"], v["fixed_name"]),
            }
            digest, name = files.get(kind, (None, None))
            if digest is None:
                raise Denied(404, NOT_FOUND)
            detail = f"{v['round_id']} {v['county']} 第{v['number']}版"
            return _download(
                request, conn, user, f"download.{kind}", detail, name, desk.store.read(digest), digest
            )

    async def round_file(request: Request) -> Response:
        """A file the round was opened with: the city plan, the population file, the 抽查事项清单."""
        kind = request.path_params["kind"]
        if kind not in ROUND_FILES:
            raise Denied(404, NOT_FOUND)
        with desk.conn() as conn:
            user = require(request, conn)
            rnd = round_for(conn, user, request.path_params["rid"])
            digest, name = rnd[f"{kind}_hash"], rnd[f"{kind}_name"]
            if digest is None:
                raise Denied(404, NOT_FOUND)
            return _download(
                request, conn, user, f"download.{kind}", rnd["id"], name, desk.store.read(digest), digest
            )

    async def waive(request: Request) -> Response:
        form = await form_of(request)
        with desk.conn() as conn:
            user = require(request, conn, "editor")
            v = version_for(conn, user, request.path_params["vid"])
            try:
                rounds.add_waiver(
                    conn, user, v, str(form.get("key") or ""), str(form.get("reason") or ""), _ip(request)
                )
                _flash(request, "已保存说明。", "ok")
            except PlanlintError as exc:
                _flash(request, exc.message)
        return _redirect(f"/v/{v['id']}")

    async def submit(request: Request) -> Response:
        await form_of(request)
        with desk.conn() as conn:
            user = require(request, conn, "editor")
            v = version_for(conn, user, request.path_params["vid"])
            try:
                rounds.submit(conn, user, v, _ip(request))
            except PlanlintError as exc:
                _flash(request, exc.message)
                return _redirect(f"/v/{v['id']}")
        _flash(request, f"已提交第 {v['number']} 版，等待市局审查。", "ok")
        return _redirect(county_url(v["round_id"], v["county"]))

    def review_action(accept: bool):
        async def handler(request: Request) -> Response:
            rid, county = request.path_params["rid"], request.path_params["county"]
            form = await form_of(request)
            with desk.conn() as conn:
                user = require(request, conn, "reviewer")
                round_for(conn, user, rid, county)
                try:
                    rounds.review(
                        conn, user, rid, county, accept, str(form.get("comment") or ""), _ip(request)
                    )
                    _flash(request, "已通过。" if accept else "已退回，县里可上传新版本后重新提交。", "ok")
                except PlanlintError as exc:
                    _flash(request, exc.message)
            return _redirect(county_url(rid, county))

        return handler

    async def export_xlsx(request: Request) -> Response:
        rid = request.path_params["rid"]
        with desk.conn() as conn:
            user = require(request, conn, "reviewer")
            rnd = round_for(conn, user, rid)
            data = await run_in_threadpool(export.board_xlsx, conn, rid)
            return _download(request, conn, user, "export.xlsx", rid, f"{rnd['title']}审查台账.xlsx", data)

    async def export_zip(request: Request) -> Response:
        rid = request.path_params["rid"]
        with desk.conn() as conn:
            user = require(request, conn, "reviewer")
            rnd = round_for(conn, user, rid)
            data = await run_in_threadpool(export.submissions_zip, conn, desk.store, rid)
            return _download(request, conn, user, "export.zip", rid, f"{rnd['title']}报送材料.zip", data)

    async def audit_page(request: Request) -> Response:
        """The last AUDIT_SHOWN lines of the audit log (reviewers; the full log is the `audit` table)."""
        with desk.conn() as conn:
            user = require(request, conn, "reviewer")
            entries = conn.execute("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (AUDIT_SHOWN,)).fetchall()
            return page(request, "audit.html", user, entries=entries, shown=AUDIT_SHOWN)

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    # --- errors ----------------------------------------------------------------------------------

    async def on_denied(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Denied)
        if request.url.path.endswith(".json"):
            return JSONResponse({"error": exc.message}, status_code=exc.status)
        return page(request, "error.html", None, status=exc.status, message=exc.message)

    async def on_need_login(request: Request, exc: Exception) -> Response:
        if request.method != "GET" or request.url.path.endswith(".json"):
            return JSONResponse({"error": "请先登录。"}, status_code=401)
        return _redirect("/login")

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = {404: NOT_FOUND, 405: "不支持的请求方式。"}.get(
            exc.status_code, f"请求无法处理（{exc.status_code}）。"
        )
        return page(request, "error.html", None, status=exc.status_code, message=message)

    async def on_error(request: Request, exc: Exception) -> Response:
        log.error(
            "planlint desk: %s %s failed: %s: %s", request.method, request.url.path, type(exc).__name__, exc
        )
        return PlainTextResponse("内部错误，请求没有完成；详细信息已记录在服务器日志中。", status_code=500)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        desk.linter.close()

    app = Starlette(
        routes=[
            Route("/login", login_page),
            Route("/login", _closing_form(login), methods=["POST"]),
            Route("/logout", _closing_form(logout), methods=["POST"]),
            Route("/", home),
            Route("/rounds", _closing_form(open_round), methods=["POST"]),
            Route("/rounds/{rid}", round_page),
            Route("/rounds/{rid}/board.json", board_json),
            Route("/rounds/{rid}/export.xlsx", export_xlsx),
            Route("/rounds/{rid}/export.zip", export_zip),
            Route("/rounds/{rid}/file/{kind}", round_file),
            Route("/rounds/{rid}/review", review_page),
            Route("/rounds/{rid}/c/{county}", county_page),
            Route("/rounds/{rid}/c/{county}/upload", _closing_form(upload), methods=["POST"]),
            Route("/rounds/{rid}/c/{county}/return", _closing_form(review_action(False)), methods=["POST"]),
            Route("/rounds/{rid}/c/{county}/accept", _closing_form(review_action(True)), methods=["POST"]),
            Route("/v/{vid}", version_page),
            Route("/v/{vid}/file/{kind}", version_file),
            Route("/v/{vid}/waive", _closing_form(waive), methods=["POST"]),
            Route("/v/{vid}/submit", _closing_form(submit), methods=["POST"]),
            Route("/audit", audit_page),
            Route("/healthz", healthz),
        ],
        middleware=[
            Middleware(ResponseHeaders, headers=SECURITY_HEADERS),
            Middleware(
                SessionMiddleware,
                secret_key=secret_key(desk.data_dir),
                session_cookie=COOKIE,
                max_age=auth.SESSION_SECONDS,
                same_site="lax",
                https_only=settings.secure_cookies,
            ),
        ],
        exception_handlers={
            Denied: on_denied,
            NeedLogin: on_need_login,
            HTTPException: on_http,
            Exception: on_error,
        },
        lifespan=lifespan,
    )
    app.state.desk = desk
    return app


def app_from_env() -> Starlette:
    """Factory for `uvicorn --factory` with several worker processes (settings from the environment)."""
    return create_app(
        Settings(
            data_dir=Path(os.environ["PLANLINT_DESK_DATA"]),
            lint_processes=int(os.environ.get("PLANLINT_DESK_LINT_PROCESSES", "0")),
            max_file_bytes=int(os.environ.get("PLANLINT_DESK_MAX_FILE_BYTES", str(MAX_FILE_BYTES))),
            secure_cookies=os.environ.get("PLANLINT_DESK_SECURE_COOKIES") == "1",
        )
    )
