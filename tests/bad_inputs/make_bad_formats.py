"""Broken and hostile files in the formats read since issue 17 (.xls, .xlsb, .doc, PDF), written at test
time into a folder (tests/test_bad_formats.py): each is a few KB, or made from a committed fixture.

    write_all(folder)  ->  {case name: path}
"""

from __future__ import annotations

import io
import random
import shutil
import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures" / "formats"
ZEZHOU = "泽州县市场监督管理局2023年度内部双随机抽查工作计划"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF of numbered objects (1 …) with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    )
    return out.getvalue()


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def text_pdf() -> bytes:
    """Text, no table: a notice exported without its attachment."""
    content = b"BT /F1 14 Tf 72 720 Td (Notice: the plan table is in a separate attachment.) Tj ET"
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            _stream(content),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def scanned_pdf() -> bytes:
    """A page that is only an image (a scan): no text layer."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (400, 300), 255)
    draw = ImageDraw.Draw(image)
    for y in range(40, 280, 30):
        draw.line((20, y, 380, y), fill=0, width=2)
    buffer = io.BytesIO()
    image.save(buffer, "PDF", resolution=72)
    return buffer.getvalue()


def many_pages_pdf(pages: int = 2000) -> bytes:
    """2,000 empty pages in a few dozen KB."""
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    return pdf(objects)


def bomb_pdf(megabytes: int = 64) -> bytes:
    """One page whose content stream unpacks to `megabytes` MB of zeros (≈ 1000:1)."""
    packed = zlib.compress(b"\0" * (megabytes * 2**20), 9)
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            _stream(packed, b"/Filter /FlateDecode "),
        ]
    )


def nested_pdf(depth: int = 50_000) -> bytes:
    """An object nested `depth` arrays deep (parsers that recurse run out of stack)."""
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Deep 4 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots 4 0 R >>",
            b"[" * depth + b"]" * depth,
        ]
    )


def corrupt_xls() -> bytes:
    """An OLE2 header naming a Workbook stream, then noise."""
    rng = random.Random(17)
    body = bytearray(OLE2 + bytes(rng.getrandbits(8) for _ in range(4096)))
    body[600 : 600 + 16] = "Workbook".encode("utf-16-le")
    return bytes(body)


def far_cells_xlsb() -> bytes:
    """A 1 KB .xlsb with a cell at A1 and one at row 1,000,001, column 16,001: calamine would
    build a grid of 16 billion cells."""
    import sys

    sys.path.insert(0, str(FIXTURES))
    from xlsb import write_xlsb

    buffer = io.BytesIO()
    write_xlsb(buffer, {"计划": ({0: ["序号", "抽查任务名称"], 1_000_000: [None] * 16_000 + ["远处"]}, [])})
    return buffer.getvalue()


def far_cells_xls() -> bytes:
    """A 6 KB .xls with a cell at A1 and one at IV65536 (the last cell of Excel 97-2003): calamine
    would build a grid of 16 million cells (1 GB) before planlint could count them."""
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("计划")
    ws.write(0, 0, "序号")
    ws.write(65535, 255, "远处")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def corrupt_xlsb() -> bytes:
    """An .xlsb package whose workbook part is noise."""
    import zipfile

    rng = random.Random(17)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.bin", bytes(rng.getrandbits(8) for _ in range(2048)))
        zf.writestr("xl/worksheets/sheet1.bin", bytes(rng.getrandbits(8) for _ in range(2048)))
    return buffer.getvalue()


def encrypted_doc(folder: Path) -> Path:
    """The 泽州 .doc with the FIB's fEncrypted flag set (what Word writes for a password-protected
    document): readers must ask for the password, which headless LibreOffice cannot."""
    import olefile

    path = folder / "encrypted.doc"
    shutil.copyfile(FIXTURES / f"{ZEZHOU}.seed.doc", path)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        stream = bytearray(ole.openstream("WordDocument").read())
        flags = struct.unpack_from("<H", stream, 0x0A)[0] | 0x0100  # fEncrypted
        struct.pack_into("<H", stream, 0x0A, flags)
        ole.write_stream("WordDocument", bytes(stream))
    return path


def fake_soffice(folder: Path, seconds: int = 300) -> Path:
    """A 'LibreOffice' that never finishes a conversion, and records its process id."""
    script = folder / "soffice"
    script.write_text(f"#!/bin/sh\necho $$ > {folder / 'soffice.pid'}\nsleep {seconds}\n", encoding="utf-8")
    script.chmod(0o755)
    return script


def write_all(folder: Path) -> dict[str, Path]:
    files = {
        "corrupt.xls": corrupt_xls(),
        "corrupt.xlsb": corrupt_xlsb(),
        "far_cells.xls": far_cells_xls(),
        "far_cells.xlsb": far_cells_xlsb(),
        "no_table.pdf": text_pdf(),
        "scanned.pdf": scanned_pdf(),
        "pages_2000.pdf": many_pages_pdf(),
        "bomb.pdf": bomb_pdf(),
        "nested.pdf": nested_pdf(),
        "doc_named.pdf": (FIXTURES / f"{ZEZHOU}.seed.doc").read_bytes(),
        "repeated.ods": repeated_ods(),
        "cut.ods": cut_ods(),
    }
    out = {}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        out[name] = folder / name
    return out


def repeated_ods(rows: int = 1_000_000, cols: int = 100) -> bytes:
    """A 1 KB .ods whose one row, holding text, is repeated a million times across 100 columns."""
    return _ods(_ods_content(rows, cols))


def cut_ods() -> bytes:
    """An .ods whose content.xml ends inside its table, closing only the outer elements (fuzz input
    20201, seed 21, had this shape): calamine reads on to the end of the part waiting for the table
    to close and never returns."""
    content = _ods_content(3, 3)
    cut = content.index("<table:table-row")
    content = (
        content[:cut]
        + "<table:table-column table:number-</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    return _ods(content, {"META-INF/manifest.xml": manifest})


def _ods_content(rows: int, cols: int) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="计划">'
        f'<table:table-row table:number-rows-repeated="{rows}">'
        f'<table:table-cell office:value-type="string" table:number-columns-repeated="{cols}">'
        "<text:p>抽查</text:p></table:table-cell></table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )


def _ods(content: str, parts: dict[str, str] | None = None) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(
            zipfile.ZipInfo("mimetype", (2025, 1, 1, 0, 0, 0)),
            "application/vnd.oasis.opendocument.spreadsheet",
        )
        zf.writestr(zipfile.ZipInfo("content.xml", (2025, 1, 1, 0, 0, 0)), content)
        for name, text in (parts or {}).items():
            zf.writestr(zipfile.ZipInfo(name, (2025, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()
