"""Delimited text (.csv/.tsv) → one Table. The encoding and the delimiter are detected, never asked.

Encodings: a UTF-16 BOM (Excel's "Unicode text"), else strict UTF-8 (with or without BOM), else
GB18030 (a superset of GBK/GB2312, what Chinese Excel/WPS writes by default). Row numbers are record
numbers, which is what Excel shows when it opens the file.
"""

from __future__ import annotations

import csv
import io

from ..errors import ReadError
from ..table import Table
from ._common import title_from_rows


def decode(data: bytes, path: str) -> str:
    """Text of a file whose encoding the user did not state (shared with the text-export reader)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise ReadError(
            "含有 NUL 字节，不是文本文件（可能是改了扩展名的二进制文件），请导出为 .xlsx 或 UTF-8 编码的 .csv",
            path,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ReadError(
            "无法识别文件编码（既不是 UTF-8 也不是 GB18030/GBK），请另存为 UTF-8 编码后再检查", path
        ) from None


def sniff_delimiter(text: str) -> str:
    """Tab or comma: whichever splits the first lines more consistently (Chinese cells rarely hold tabs)."""
    lines = [line for line in text.splitlines()[:30] if line.strip()]
    tabs = sum(line.count("\t") for line in lines)
    commas = sum(line.count(",") for line in lines)
    return "\t" if tabs >= commas and tabs > 0 else ","


def read(path: str) -> list[Table]:
    with open(path, "rb") as fh:
        data = fh.read()
    if not data.strip():
        raise ReadError("文件为空，请确认导出的抽查计划表包含内容", path)
    text = decode(data, path)
    delimiter = "\t" if path.lower().endswith(".tsv") else sniff_delimiter(text)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ReadError(f"CSV 格式错误（{exc}），请用 Excel/WPS 打开后重新导出", path) from None
    width = max((len(r) for r in records), default=0)
    rows = [r + [""] * (width - len(r)) for r in records]
    return [
        Table(
            path=path,
            sheet=None,
            rows=rows,
            row_numbers=list(range(1, len(rows) + 1)),
            title=title_from_rows(rows),
            format="tsv" if delimiter == "\t" else "csv",
        )
    ]
