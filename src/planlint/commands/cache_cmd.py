"""`planlint cache clean|info`: the per-user result cache (planlint.cache)."""

from __future__ import annotations

import click


def _mib(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MiB"


@click.group("cache")
def cache() -> None:
    """管理检查结果缓存（位于 $PLANLINT_CACHE_DIR 或系统的缓存文件夹）。"""


@cache.command("clean")
def clean() -> None:
    """清空缓存文件夹。"""
    from ..cache import clean as clean_cache
    from ..dirs import cache_dir

    files, size = clean_cache()
    click.echo(f"已清空缓存 {cache_dir()}：删除 {files} 个文件，{_mib(size)}")


@cache.command("info")
def info() -> None:
    """显示缓存文件夹的位置和大小。"""
    from ..cache import MAX_CACHE_BYTES, size
    from ..dirs import cache_dir

    files, n = size()
    click.echo(
        f"{cache_dir()}：{files} 个文件，{_mib(n)}（上限 {_mib(MAX_CACHE_BYTES)}，超出时删除最久未用的结果）"
    )
