"""Delimited text (.csv/.tsv) → one Table. The encoding and the delimiter are detected, never asked.

Encodings: a UTF-16 BOM (Excel's "Unicode text"), UTF-16 without one (told by its zero bytes),
else strict UTF-8 (with or without BOM), else GB18030 (a superset of GBK/GB2312, what Chinese Excel/WPS
writes by default). Row numbers are record numbers, which is what Excel shows when it opens the file.
"""

from __future__ import annotations

import csv
import io
import re
from typing import NamedTuple

from .. import limits
from ..errors import ReadError
from ..table import Table
from ._common import title_from_rows


def read_bytes(path: str) -> bytes:
    """The whole file, refused when it is over the text size limit (it is held in memory); a
    device or a pipe is refused, never read (limits.read_input)."""
    lim = limits.current()
    return limits.read_input(
        path,
        lim.max_text_bytes,
        f"文件有 {{size:,.0f}} MB，超过文本文件上限 {lim.max_text_mb} MB，已拒绝读取；"
        f"请拆分文件或改用 .xlsx 后再检查。{limits.hint('max_text_mb')}",
    )


def check_cells(text: str, delimiter: str, path: str) -> None:
    """Refuse text that would split into more cells than the limit, before splitting it (two
    C-speed counts; the cells of a ragged table can only be fewer than delimiters + lines)."""
    limit = limits.current().max_cells
    cells = text.count(delimiter) + text.count("\n") + 1
    if cells > limit:
        raise ReadError(
            f"约有 {cells:,} 个单元格，超过上限 {limit:,}，已拒绝读取以免耗尽内存；"
            f"请拆分文件后再检查。{limits.hint('max_cells')}",
            path,
        )


def check_grid(rows: int, width: int, path: str) -> None:
    """Refuse a ragged table whose padded grid (rows × widest row) is over the cell limit."""
    limit = limits.current().max_cells
    if rows * width > limit:
        raise ReadError(
            f"有 {rows:,} 行、最宽一行 {width:,} 列，补齐后超过单元格上限 {limit:,}，已拒绝读取；"
            f"请删去多余的分隔符或拆分文件后再检查。{limits.hint('max_cells')}",
            path,
        )


class Decoded(NamedTuple):
    """A text file's text and how it was stored, so that a fixed copy is stored the same way."""

    text: str
    codec: str  # utf-16 | utf-16-le/-be (no BOM) | utf-8 | gb18030 | mixed (UTF-8 and GB18030 lines)
    bom: bytes


def decode(data: bytes, path: str) -> str:
    """Text of a file whose encoding the user did not state (shared with the text-export reader)."""
    return detect(data, path).text


def detect(data: bytes, path: str) -> Decoded:
    """The one encoding detector of planlint: readers and the fixed copies both use it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return Decoded(data.decode("utf-16"), "utf-16", data[:2])
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        found = _utf16_without_bom(data)
        if found is not None:
            return found
        raise ReadError(
            "含有 NUL 字节，不是文本文件（可能是改了扩展名的二进制文件），请导出为 .xlsx 或 UTF-8 编码的 .csv",
            path,
        )
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    try:
        return Decoded(data.decode("utf-8-sig"), "utf-8", bom)
    except UnicodeDecodeError as exc:
        if not data[: exc.start].isascii():
            # UTF-8 text up to here, then something else: rows pasted from another export.
            return Decoded(_decode_lines(data), "mixed", bom)
    try:
        return Decoded(data.decode("gb18030"), "gb18030", b"")
    except UnicodeDecodeError:
        raise ReadError(
            "无法识别文件编码（既不是 UTF-8 也不是 GB18030/GBK），请另存为 UTF-8 编码后再检查", path
        ) from None


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 saved without a byte-order mark: its ASCII characters (digits, commas, line ends)
    put a zero byte on one side of each pair; a CJK character rarely has one, on either side."""
    sample = data[:65536]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    codec = "utf-16-le" if odd > 4 * even else "utf-16-be" if even > 4 * odd else None
    if codec is None:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else Decoded(text, codec, b"")


def _decode_lines(data: bytes) -> str:
    """Each line in UTF-8 if it is valid UTF-8, else GB18030 (undecodable bytes become U+FFFD,
    which the cell then shows): a file mixing the two encodings is still read line by line."""
    lines = []
    for line in data.split(b"\n"):
        try:
            lines.append(line.decode("utf-8-sig"))
        except UnicodeDecodeError:
            lines.append(line.decode("gb18030", errors="replace"))
    return "\n".join(lines)


def sniff_delimiter(text: str) -> str:
    """Tab or comma: whichever splits the first lines more consistently (Chinese cells rarely hold tabs)."""
    lines = [line for line in text.splitlines()[:30] if line.strip()]
    tabs = sum(line.count("\t") for line in lines)
    commas = sum(line.count(",") for line in lines)
    return "\t" if tabs >= commas and tabs > 0 else ","


def read(path: str) -> list[Table]:
    data = read_bytes(path)
    if not data.strip():
        raise ReadError("文件为空，请确认导出的抽查计划表包含内容", path)
    text = decode(data, path)
    delimiter = "\t" if path.lower().endswith(".tsv") else sniff_delimiter(text)
    check_cells(text, delimiter, path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise ReadError(
                f"第 {reader.line_num} 行有一个单元格超过 {csv.field_size_limit():,} 个字符（可能缺少配对的引号），"
                "请用 Excel/WPS 打开检查该行后重新导出",
                path,
            ) from None
        raise ReadError(
            f"CSV 格式错误（第 {reader.line_num} 行：{exc}），请用 Excel/WPS 打开后重新导出", path
        ) from None
    width = max((len(r) for r in records), default=0)
    check_grid(len(records), width, path)
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


# ---------------------------------------------------------------- editing a copy


class _Field(NamedTuple):
    key: tuple[int, int]  # (record index, column index)
    text: str

    def holds(self, old: str) -> bool:
        return self.text == old


_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


class _DelimitedCopy:
    """A csv/tsv copy: only the records an edit touches are rewritten; every other byte stays as
    it was, and rewritten records are stored in the file's own encoding (UTF-8 for a mixed file)."""

    formula_risk = True

    def __init__(self, path: str) -> None:
        data = read_bytes(path)
        self.decoded = detect(data, path)
        text = self.decoded.text
        self.delimiter = "\t" if path.lower().endswith(".tsv") else sniff_delimiter(text)
        self.lines = io.StringIO(text, newline="").readlines()
        body = data[len(self.decoded.bom) :]
        byte_lines = _LINE.findall(body) if not self.decoded.codec.startswith("utf-16") else []
        self.byte_lines = byte_lines if len(byte_lines) == len(self.lines) else None
        reader = csv.reader(iter(self.lines), delimiter=self.delimiter)
        self.records: list[tuple[int, int, list[str]]] = []  # (first line, end line, fields)
        start = 0
        try:
            for fields in reader:
                self.records.append((start, reader.line_num, fields))
                start = reader.line_num
        except csv.Error as exc:
            raise ReadError(
                f"CSV 格式错误（第 {reader.line_num} 行：{exc}），请用 Excel/WPS 打开后重新导出", path
            ) from None
        self.tail = start
        self.changed: set[int] = set()

    def target(self, location) -> _Field | str:
        i, j = location.row - 1, location.col - 1
        if not 0 <= i < len(self.records):
            return "找不到该行"
        fields = self.records[i][2]
        return _Field((i, j), fields[j] if j < len(fields) else "")

    def refuses(self, new: str) -> str | None:
        return None

    def write(self, target: _Field, new: str) -> None:
        i, j = target.key
        fields = self.records[i][2]
        fields.extend([""] * (j + 1 - len(fields)))
        fields[j] = new
        self.changed.add(i)

    def save(self) -> bytes:
        codec = _write_codec(self.decoded)
        parts: list[bytes] = [self.decoded.bom]
        for i, (first, end, fields) in enumerate(self.records):
            if i not in self.changed:
                parts.append(self._original(first, end, codec))
                continue
            original = "".join(self.lines[first:end])
            ending = original[len(original.rstrip("\r\n")) :]
            buffer = io.StringIO()
            csv.writer(buffer, delimiter=self.delimiter, lineterminator=ending or "\n").writerow(fields)
            record = buffer.getvalue() if ending else buffer.getvalue().rstrip("\n")
            parts.append(record.encode(codec))
        parts.append(self._original(self.tail, len(self.lines), codec))
        return b"".join(parts)

    def _original(self, first: int, end: int, codec: str) -> bytes:
        if self.byte_lines is not None:
            return b"".join(self.byte_lines[first:end])
        return "".join(self.lines[first:end]).encode(codec)


def _write_codec(decoded: Decoded) -> str:
    """The codec an edited record is stored in: the file's own (UTF-8 for a mixed file)."""
    if decoded.codec == "utf-16":
        return "utf-16-le" if decoded.bom == b"\xff\xfe" else "utf-16-be"
    return "utf-8" if decoded.codec == "mixed" else decoded.codec


def open_copy(path: str) -> _DelimitedCopy:
    return _DelimitedCopy(path)
