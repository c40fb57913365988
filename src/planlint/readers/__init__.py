"""Read any supported plan file into Tables; the reader is chosen by extension and by content.

Content wins over the extension where they disagree (an .xls that is really an .xlsx is read as
one); what cannot be read gives a one-line Chinese ReadError naming the file and what to do.
"""

from __future__ import annotations

import os
import struct
import zipfile
from collections.abc import Callable

from .. import limits
from ..errors import ReadError
from ..table import Table
from ._common import ZIP_ERRORS

# Extensions a plan is read from. Old and other office formats are read natively where a library
# reads them (.xls/.xlsb/.ods/.et through calamine, PDF through pdfplumber); word-processor files
# other than .docx go through LibreOffice (an optional external program).
SUPPORTED = (
    ".xlsx",
    ".xlsm",
    ".docx",
    ".csv",
    ".tsv",
    ".txt",
    ".xls",
    ".xlsb",
    ".ods",
    ".et",
    ".doc",
    ".wps",
    ".odt",
    ".pdf",
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PDF_MAGIC = b"%PDF-"
_TEXT_READERS = {".csv": "delimited", ".tsv": "delimited", ".txt": "text"}
_SPREADSHEET_EXT = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".et")
_WORD_EXT = (".docx", ".doc", ".wps", ".odt")
_SAVE_AS = {
    ".xlsm": ".xlsx",
    ".xls": ".xlsx",
    ".xlsb": ".xlsx",
    ".ods": ".xlsx",
    ".et": ".xlsx",
    ".doc": ".docx",
    ".wps": ".docx",
    ".odt": ".docx",
    ".pdf": ".docx",
}


def read_tables(path: str) -> list[Table]:
    """All tables of the file at `path` (sheets, Word tables, text blocks), in file order."""
    reader = _reader(kind_of(path))
    try:
        tables = reader(path)
    except BaseException as exc:  # a Rust panic in calamine surfaces as pyo3's PanicException
        if type(exc).__name__ != "PanicException":
            raise
        raise ReadError(
            "文件内容异常，解析库读取失败（文件可能已损坏），请用 Excel/WPS 打开后另存为 .xlsx 再检查", path
        ) from None
    return limits.drop_wide_tables(tables, path)


def kind_of(path: str) -> str:
    """The reader module for the file at `path`: by its content where the content says (zip
    package, OLE2 compound file, PDF), by its extension for text. Raises ReadError for a file no
    reader takes, with what to do."""
    ext = os.path.splitext(path)[1].lower()
    if ext not in SUPPORTED:
        raise ReadError(
            f"不支持的文件类型「{ext or '无扩展名'}」，请提供 {'、'.join(SUPPORTED)} 格式的抽查计划", path
        )
    with limits.open_input(path) as fh:  # a regular file, or a ReadError (never a device or a FIFO)
        head = fh.read(8)
    if not head:
        raise ReadError("文件为空（0 字节），请确认文件已正确保存或下载完整", path)
    if head.startswith(_ZIP_MAGIC):
        return _zip_kind(path, ext)
    if head.startswith(_OLE2_MAGIC):
        return _ole2_kind(path, ext)
    if head.startswith(_PDF_MAGIC):
        return "pdf"
    if ext in _TEXT_READERS:
        return _TEXT_READERS[ext]
    if ext in _SPREADSHEET_EXT and _looks_delimited(path):
        return "delimited"  # a csv saved under a spreadsheet name (what some systems export)
    target = _SAVE_AS.get(ext, ext)
    raise ReadError(
        f"不是有效的 {ext} 文件（可能已损坏或只是改了扩展名），请用 Excel/WPS 打开后另存为 {target} 再检查",
        path,
    )


def _looks_delimited(path: str) -> bool:
    """Whether a file is text whose first lines split on tabs or commas."""
    from .delimited import detect, sniff_delimiter

    try:
        with open(path, "rb") as fh:
            data = fh.read(64 * 1024)
        text = detect(data, path).text
    except (OSError, ReadError):
        return False
    lines = [line for line in text.splitlines()[:5] if line.strip()]
    delimiter = sniff_delimiter(text)
    return bool(lines) and all(delimiter in line for line in lines)


def _reader(kind: str) -> Callable[[str], list[Table]]:
    # Import on demand: checking one .xlsx should not load the Word, PDF or text readers.
    from importlib import import_module

    return import_module(f"{__name__}.{kind}").read


def _zip_kind(path: str, ext: str) -> str:
    """xlsx or docx, from the package's parts rather than its name."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except ZIP_ERRORS:
        label = ".docx" if _SAVE_AS.get(ext, ext) == ".docx" else ".xlsx"
        raise ReadError(
            f"不是有效的 {label} 文件（压缩包已损坏或不完整），请用 Excel/WPS/Word 打开后另存为 {label} 再检查",
            path,
        ) from None
    check_package_size(path, infos)
    names = {info.filename for info in infos}
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.bin" in names:
        return "spreadsheet"  # .xlsb
    if "content.xml" in names:
        return (
            "spreadsheet" if _odf_mimetype(path) != "application/vnd.oasis.opendocument.text" else "wordproc"
        )
    raise ReadError("是压缩包，但不是 Excel 或 Word 文件，请解压后检查其中的抽查计划文件", path)


def check_package_size(path: str, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip bomb from its central directory alone (declared sizes), before any part is
    unpacked: the total unpacked size, and the packing ratio of every part above a grace size."""
    lim = limits.current()
    total = sum(info.file_size for info in infos)
    if total > lim.max_uncompressed_bytes:
        raise ReadError(
            f"解压后共 {total / 2**20:,.0f} MB，超过上限 {lim.max_uncompressed_mb} MB（疑似压缩炸弹或异常文件），"
            f"已拒绝读取；请确认文件来源，删去多余内容后另存再检查。{limits.hint('max_uncompressed_mb')}",
            path,
        )
    for info in infos:
        if info.file_size > limits.GRACE_BYTES and info.file_size > lim.max_ratio * max(
            info.compress_size, 1
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            raise ReadError(
                f"压缩包内的 {info.filename} 压缩比 {ratio}:1 异常（上限 {lim.max_ratio}:1，疑似压缩炸弹），"
                f"已拒绝读取；请用 Excel/WPS/Word 打开后重新另存再检查。{limits.hint('max_ratio')}",
                path,
            )


def _odf_mimetype(path: str) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.read("mimetype").decode("ascii", "replace").strip()
    except (*ZIP_ERRORS, UnicodeError):
        return ""


def _cfb_header_fits(data: bytes, size: int) -> bool:
    """Whether an OLE2 compound file's header declares no more sectors (FAT, DIFAT, mini FAT,
    directory) than the file holds, with a sector size the format allows. calamine sizes its
    buffers from these counts before reading anything: one dropped slice made a 2 KB .xls
    declare 16,777,216 DIFAT sectors, and calamine allocated until the machine ran out (23 GB)."""
    if len(data) < 76:
        return False
    shift, mini_shift = struct.unpack_from("<HH", data, 30)
    if shift not in (9, 12) or mini_shift != 6:
        return False
    sectors = max(size - 512, 0) // (1 << shift) + 1
    n_dir, n_fat, _, _, _, _, n_mini, _, n_difat = struct.unpack_from("<9I", data, 40)
    return all(n <= sectors for n in (n_dir, n_fat, n_mini, n_difat))


def _ole2_kind(path: str, ext: str) -> str:
    """OLE2 compound files are old binary workbooks and documents (Excel 97-2003 .xls, WPS .et,
    Word 97-2003 .doc, WPS .wps) or password-protected Office 2007+ files; the stream names in the
    directory tell which."""
    with open(path, "rb") as fh:
        data = fh.read(4 * 1024 * 1024)
        size = os.fstat(fh.fileno()).st_size
    if not _cfb_header_fits(data, size):
        label = ext if ext in _SPREADSHEET_EXT + _WORD_EXT else ".xls"
        raise ReadError(
            f"不是有效的 {label} 文件（文件头声明的结构超出文件本身，可能已损坏），"
            f"请用 Excel/WPS/Word 打开后另存为 {_SAVE_AS.get(label, label)} 再检查",
            path,
        )
    if "EncryptionInfo".encode("utf-16-le") in data:
        raise ReadError(
            "文件设有打开密码（已加密），无法读取；请在 Excel/WPS/Word 中取消密码后另存再检查", path
        )
    if "WordDocument".encode("utf-16-le") in data:
        return "wordproc"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "spreadsheet"
    if ext in (".wps", ".doc"):
        return "wordproc"  # WPS's own streams: LibreOffice decides whether it can read them
    raise ReadError("是无法识别的 Office 二进制文件，请用 Excel/WPS/Word 另存为 .xlsx 或 .docx 再检查", path)
