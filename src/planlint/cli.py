"""Command-line entry point. Commands live in planlint.commands.* and are imported only when run,
so `planlint check` does not pay for the web server, the diff or the xlsx writer."""

from __future__ import annotations

import importlib
import sys

import click

from . import __version__

# command name -> "module:attribute" under planlint.commands
COMMANDS = {
    "check": "check:check",
    "fix": "fix:fix",
    "parse": "parse:parse",
    "rules": "rules_cmd:rules",
    "explain": "rules_cmd:explain",
    "test-rules": "rules_cmd:test_rules",
    "diff": "diff:diff",
    "serve": "serve:serve",
    "cache": "cache_cmd:cache",
    "desk": "desk:desk",
}


# click's own messages (usage errors, --help headings) in Chinese. click looks each one up through
# gettext when it is shown, with the English text as the message id; these are the ones a user meets.
CLICK_MESSAGES = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行「{command} {option}」查看帮助。",
    "No such option: {name}": "没有选项 {name}",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "Did you mean {possibility}?": "是不是 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是不是其中之一：{possibilities}？）",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Missing command.": "缺少命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "argument": "参数",
    "option": "选项",
    "parameter": "参数",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受值。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是 {choices} 之一。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "integer": "整数",
    "float": "数字",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "File": "文件",
    "Directory": "文件夹",
    "Path": "路径",
    "Show the version and exit.": "显示版本号并退出。",
    "Show this message and exit.": "显示本帮助并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Aborted!": "已中止。",
    "default: {default}": "默认：{default}",
}


def _gettext(message: str) -> str:
    return CLICK_MESSAGES.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _gettext(singular if n == 1 else plural)


def _chinese_click_messages() -> None:
    """Point the gettext functions click's modules imported at the table above."""
    for name in ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils"):
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            setattr(module, "_", _gettext)  # noqa: B010 - a module attribute, looked up when shown
        if hasattr(module, "ngettext"):
            setattr(module, "ngettext", _ngettext)  # noqa: B010


_chinese_click_messages()


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(f"planlint.commands.{module}"), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="planlint")
def cli() -> None:
    """planlint：双随机抽查工作计划合规检查工具。"""


def _tolerant_streams() -> None:
    """Output to a console or pipe in a legacy code page (GBK on a Chinese Windows when redirected,
    `PYTHONIOENCODING=gbk`) cannot encode every character a plan may hold (•, an emoji, a rare
    name character outside GBK): such a character becomes `?`, and the report is still written
    rather than lost to an encoding error."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", None) == "strict":
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # a stream already written to in binary, or closed
                pass


def main() -> None:
    """Console-script entry: user errors become one line and exit 2, never a traceback."""
    from .errors import PlanlintError

    _tolerant_streams()
    debug = "--debug" in sys.argv
    try:
        rv = cli.main(standalone_mode=False)
        sys.exit(rv if isinstance(rv, int) else 0)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("已中止。", err=True)
        sys.exit(2)
    except PlanlintError as exc:
        if debug:
            raise
        click.echo(f"planlint：错误：{exc}", err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:  # last line of defence: a bug, still no traceback for users
        if debug:
            raise
        click.echo(
            f"planlint：内部错误：{type(exc).__name__}: {exc}（请加 --debug 重新运行并报告此问题）",
            err=True,
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
