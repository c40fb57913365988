"""`planlint desk …`: create a data folder, serve it, manage accounts, back it up."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..errors import PlanlintError
from ..webserver import bind, host_option, port_option, shown_url
from ..webserver import require_extras as _require_extras

INSTALL_HINT = 'pip install "planlint[desk]"'


def require_extras() -> None:
    _require_extras(
        "审查台", INSTALL_HINT, more=(("argon2-cffi", ("argon2",)), ("itsdangerous", ("itsdangerous",)))
    )


DATA_DIR = click.Path(file_okay=False, path_type=Path)


@click.group()
def desk() -> None:
    """城市审查台：县级编制人员在内网上传计划，市局在一个看板上审查各县计划。"""


@desk.command()
@click.argument("data_dir", type=DATA_DIR)
def init(data_dir: Path) -> None:
    """新建审查台数据文件夹 DATA_DIR（数据库与文件库）。"""
    require_extras()
    from . import store

    store.init(data_dir)
    click.echo(f"已创建审查台数据文件夹：{data_dir}")
    click.echo(
        f"下一步：planlint desk user add 用户名 --role reviewer --data {data_dir}，然后 planlint desk serve {data_dir}"
    )


@desk.command()
@click.argument("data_dir", type=DATA_DIR)
@host_option("监听地址；服务器上通常为 0.0.0.0")
@port_option(8080)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="网页进程数（多个进程同时处理请求）",
)
@click.option(
    "--lint-processes",
    type=click.IntRange(0, 64),
    default=2,
    show_default=True,
    help="每个网页进程中检查计划的进程数（多个县同时上传时并行检查）；0 表示在请求线程中逐个检查",
)
@click.option(
    "--proxy",
    "proxies",
    multiple=True,
    metavar="ADDR",
    help="反向代理的地址（可多次指定）；只信任来自这些地址的 X-Forwarded-For / X-Forwarded-Proto",
)
@click.option(
    "--secure-cookies/--no-secure-cookies",
    default=None,
    help="会话 Cookie 只经 HTTPS 发送；指定 --proxy 时默认开启",
)
@click.option(
    "--max-file-mb", type=click.IntRange(1, 500), default=20, show_default=True, help="单个文件大小上限（MB）"
)
def serve(
    data_dir: Path,
    host: str,
    port: int,
    workers: int,
    lint_processes: int,
    proxies: tuple[str, ...],
    secure_cookies: bool | None,
    max_file_mb: int,
) -> None:
    """启动审查台网页服务。按 Ctrl+C 停止。"""
    require_extras()
    import logging

    import uvicorn

    from . import db
    from .app import Settings, create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    db.connect(data_dir).close()  # a clear message before anything starts; applies pending migrations
    secure = bool(proxies) if secure_cookies is None else secure_cookies
    proxy_headers = bool(proxies)
    forwarded_allow_ips = ",".join(proxies) if proxies else ""
    if proxies:
        click.echo(f"只信任来自 {', '.join(proxies)} 的转发头。")
    if workers == 1:
        sock = bind(host, port)
        click.echo(f"planlint 城市审查台：{shown_url(host, sock.getsockname()[1])}（数据：{data_dir}）")
        app = create_app(
            Settings(
                data_dir=data_dir,
                lint_processes=lint_processes,
                max_file_bytes=max_file_mb * 1024 * 1024,
                secure_cookies=secure,
            )
        )
        config = uvicorn.Config(
            app,
            log_level="info",
            timeout_graceful_shutdown=30,
            proxy_headers=proxy_headers,
            forwarded_allow_ips=forwarded_allow_ips,
        )
        uvicorn.Server(config).run(sockets=[sock])
        return
    click.echo(f"planlint 城市审查台：{shown_url(host, port)}（数据：{data_dir}，{workers} 个进程）")
    os.environ.update(
        PLANLINT_DESK_DATA=str(Path(data_dir).resolve()),
        PLANLINT_DESK_LINT_PROCESSES=str(lint_processes),
        PLANLINT_DESK_MAX_FILE_BYTES=str(max_file_mb * 1024 * 1024),
        PLANLINT_DESK_SECURE_COOKIES="1" if secure else "0",
    )
    uvicorn.run(
        "planlint.desk.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        timeout_graceful_shutdown=30,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
    )


@desk.command()
@click.argument("data_dir", type=DATA_DIR)
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
def backup(data_dir: Path, out: Path) -> None:
    """把数据文件夹 DATA_DIR 完整备份到新文件夹 OUT（服务运行中也可备份）。

    恢复：停止服务，用 OUT 替换原数据文件夹（或直接 planlint desk serve OUT）。"""
    from . import store

    stats = store.backup(data_dir, out)
    click.echo(f"已备份到 {out}（数据库与 {stats['files']} 个文件）")


@desk.group()
def user() -> None:
    """管理审查台账号。"""


DATA_OPTION = click.option("--data", "data_dir", type=DATA_DIR, required=True, help="审查台数据文件夹")


def _password(confirm: bool = True) -> str:
    """From stdin when it is not a terminal (scripts: `echo pw | planlint desk user add …`)."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise PlanlintError("没有从标准输入读到密码")
        return line
    return click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次" if confirm else False)


@user.command("add")
@click.argument("username")
@DATA_OPTION
@click.option(
    "--role",
    type=click.Choice(["reviewer", "editor"]),
    required=True,
    help="reviewer：市局审查人员；editor：县级编制人员",
)
@click.option("--county", help="编制人员所属的县（市、区），与报送任务中的名称一致，例如 泽州县")
def user_add(username: str, data_dir: Path, role: str, county: str | None) -> None:
    """新建账号 USERNAME（密码从提示输入，或从标准输入读一行）。"""
    require_extras()
    from . import auth, db

    password = _password()
    conn = db.connect(data_dir)
    try:
        auth.add_user(conn, username, role, county, password)
    finally:
        conn.close()
    click.echo(f"已新建账号 {username}（{auth.ROLES[role]}{'，' + county if county else ''}）")


@user.command("reset")
@click.argument("username")
@DATA_OPTION
def user_reset(username: str, data_dir: Path) -> None:
    """重设 USERNAME 的密码并重新启用账号；该账号已登录的会话全部失效。"""
    require_extras()
    from . import auth, db

    password = _password()
    conn = db.connect(data_dir)
    try:
        auth.reset_password(conn, username, password)
    finally:
        conn.close()
    click.echo(f"已重设 {username} 的密码")


@user.command("disable")
@click.argument("username")
@DATA_OPTION
def user_disable(username: str, data_dir: Path) -> None:
    """停用账号 USERNAME；该账号已登录的会话立即失效（记录保留）。"""
    require_extras()
    from . import auth, db

    conn = db.connect(data_dir)
    try:
        auth.disable_user(conn, username)
    finally:
        conn.close()
    click.echo(f"已停用 {username}")


@user.command("list")
@DATA_OPTION
def user_list(data_dir: Path) -> None:
    """列出账号。"""
    require_extras()
    from . import auth, db

    conn = db.connect(data_dir)
    try:
        for row in auth.list_users(conn):
            state = "（已停用）" if row["disabled"] else ""
            click.echo(f"{row['username']}\t{auth.ROLES[row['role']]}\t{row['county'] or ''}{state}")
    finally:
        conn.close()
