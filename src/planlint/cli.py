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
    "desk": "desk:desk",
}


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


def main() -> None:
    """Console-script entry: user errors become one line and exit 2, never a traceback."""
    from .errors import PlanlintError

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
