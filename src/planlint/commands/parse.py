"""`planlint parse FIELD TEXT…`: show what the field grammar makes of a cell (for rule authors)."""

from __future__ import annotations

import dataclasses
import json
import sys
import unicodedata
from decimal import Decimal
from typing import Any

import click

from .. import fields
from ..values import ParseError

# Column keys (quota, ratio, count, …) plus the kinds that are not columns (title, deadline).
CHOICES = sorted(set(fields.FIELD_KINDS) | set(fields.PARSE_KINDS))


def to_jsonable(value: Any) -> Any:
    """Dataclasses → dicts (with their `canonical` text), Decimals → strings, tuples → lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        out = {"type": type(value).__name__, **out}
        if hasattr(value, "canonical"):
            out["canonical"] = value.canonical()
        return out
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


def _width(text: str) -> int:
    """Terminal columns taken by `text`: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def render_error(err: ParseError) -> str:
    line = err.text.replace("\n", " ").replace("\t", " ")
    return f"{err.hint}\n  {line}\n  {' ' * _width(line[: err.offset])}^"


@click.command("parse")
@click.argument("field", type=click.Choice(CHOICES))
@click.argument("texts", nargs=-1, required=True, metavar="TEXT…")
def parse(field: str, texts: tuple[str, ...]) -> None:
    """解析单元格文本并以 JSON 输出类型化结果（供规则作者调试）。

    FIELD 为字段（quota、count、frequency、window、mode、risk、title 等；count 列中不带单位的数字按户数读取），
    TEXT 为单元格原文，可给多个。

    deadline 按“完成时限”“截止时间”一类的列读取：单独一个日期是任务的完成期限（10月底、11月中旬、
    2024年11月30日 读作从年初到该日）；年底前、起止时间照写法读取。

    mode 中的本级、上级、下级（自抽自查、上级抽取、本级检查）在检查计划时按计划所属层级换算，此处只显示写法。
    无法解析时在原文下方用 ^ 标出位置，退出码为 1。
    """
    kind = fields.FIELD_KINDS.get(field, field)
    results = []
    failed = False
    for text in texts:
        value = fields.parse(kind, text)
        if isinstance(value, ParseError):
            failed = True
            click.echo(
                f"planlint：无法解析「{text}」（{kind}，第{value.offset + 1}个字符）：{render_error(value)}",
                err=True,
            )
        results.append({"text": text, "value": to_jsonable(value)})
    payload: Any = results[0] if len(results) == 1 else results
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    if failed:
        sys.exit(1)
