"""`planlint serve`: the local web page for plan editors (Starlette on uvicorn, optional extras)."""

from __future__ import annotations

import click

from ..webserver import bind, host_option, port_option, shown_url
from ..webserver import require_extras as _require_extras

INSTALL_HINT = 'pip install "planlint[serve]"'


def require_extras() -> None:
    """The web page's packages are an optional extra: say how to get them, in one line."""
    _require_extras("网页界面", INSTALL_HINT)


@click.command()
@port_option(8765)
@host_option("监听地址；默认只有本机能访问，改为 0.0.0.0 会让局域网内的其他电脑也能访问")
@click.option("--no-browser", is_flag=True, help="启动后不自动打开浏览器")
def serve(port: int, host: str, no_browser: bool) -> None:
    """在本机启动网页界面：拖入计划文件即可检查，并下载批注副本、修复副本和 JSON 报告。

    文件只在本机的临时文件夹中处理，检查完立即删除。按 Ctrl+C 停止。
    """
    require_extras()
    import logging
    import webbrowser

    import uvicorn

    from ..serve.app import LOOPBACK_HOSTS, create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    sock = bind(host, port)
    url = shown_url(host, sock.getsockname()[1])
    loopback = host in LOOPBACK_HOSTS
    # A deliberate LAN binding is reached under names we cannot know; loopback only under its own.
    app = create_app(trusted_hosts=LOOPBACK_HOSTS if loopback else None)
    click.echo(f"planlint 网页界面已启动：{url}", nl=True)
    click.echo("文件只在本机处理，检查完立即删除。按 Ctrl+C 停止。")
    if not loopback:
        click.echo(f"注意：正在监听 {host}，同一网络中的其他电脑也能打开此页面并上传文件。", err=True)
    if not no_browser:
        webbrowser.open(url)  # the socket is already listening: the first request just waits
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    server.run(sockets=[sock])
