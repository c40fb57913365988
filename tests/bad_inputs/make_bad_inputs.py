"""Write the bad-input corpus: small broken, disguised or hostile plan files, one case each.

    python tests/bad_inputs/make_bad_inputs.py          # rewrite the committed files here

The committed files are small (a few KB each). The large cases — a zip bomb, a sheet of ten
million cells, a csv with one 50 MB line — are written at test time into a temporary folder by
`write_large(folder)`, never committed. Regenerating `encrypted.xlsx` needs msoffcrypto-tool and
`old_binary.xls` needs xlwt (generator-only dependencies; the tests read the committed files).
Everything is deterministic: zip entries carry a fixed timestamp.
"""

from __future__ import annotations

import io
import random
import sys
import zipfile
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parents[1] / "samples"
MODEL = SAMPLES / "示范-某县2025年度内部双随机抽查工作计划.xlsx"
ZEZHOU = "泽州县市场监督管理局2023年度内部双随机抽查工作计划"
DATE = (2025, 1, 1, 0, 0, 0)
DDE = "=cmd|' /C calc'!A0"

TITLE = "某县市场监督管理局2025年度内部双随机抽查工作计划"
HEADER = [
    "序号",
    "抽查任务名称",
    "抽查事项",
    "抽查对象范围",
    "抽查比例及频次",
    "信用风险分类管理",
    "抽查起止时间",
    "发起部门",
    "抽查检查模式",
]
RISK = "对A类企业抽查比例不低于3%，B类不低于5%，C类不低于10%，D类100%"
TASKS = [
    [
        "1",
        "2025年食品生产企业监督检查",
        "食品生产许可事项检查",
        "辖区内食品生产企业",
        "不低于5%/一年一次",
        RISK,
        "3月—11月",
        "县市场监督管理局",
        "县抽县查",
    ],
    [
        "2",
        "2025年特种设备使用单位监督检查",
        "特种设备使用登记检查",
        "辖区内特种设备使用单位",
        "不低于5%/一年一次",
        RISK,
        "3月—11月",
        "县市场监督管理局",
        "县抽县查",
    ],
]

# -- a minimal xlsx writer (inline strings, optional formulas, hidden sheets, drawings) -----------

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECL = '<?xml version="1.0" encoding="UTF-8"?>'
_TYPES = '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
_OFFICE = "application/vnd.openxmlformats-officedocument"


def _col(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _cell(ref: str, value: object) -> str:
    """A cell: str → inline string; ('=', formula, cached) → formula with its cached value."""
    if isinstance(value, tuple):
        _, formula, cached = value
        kind = ' t="str"' if isinstance(cached, str) else ""
        v = f"<v>{escape(str(cached))}</v>" if cached is not None else ""
        return f'<c r="{ref}"{kind}><f>{escape(formula)}</f>{v}</c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def sheet_xml(rows: list[list[object]], *, drawing: bool = False) -> str:
    body = []
    for i, row in enumerate(rows, start=1):
        cells = "".join(_cell(f"{_col(j)}{i}", v) for j, v in enumerate(row, start=1) if v not in ("", None))
        body.append(f'<row r="{i}">{cells}</row>')
    width = max((len(r) for r in rows), default=1)
    dim = f'<dimension ref="A1:{_col(width)}{max(len(rows), 1)}"/>' if rows else ""
    extra = '<drawing r:id="rId1"/>' if drawing else ""
    data = "".join(body)
    return f"{_DECL}<worksheet {_NS} {_NS_R}>{dim}<sheetData>{data}</sheetData>{extra}</worksheet>"


def _zip(entries: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(zipfile.ZipInfo(name, DATE), data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _state_attr(state: str) -> str:
    return "" if state == "visible" else f' state="{state}"'


def xlsx(sheets: list[tuple[str, str, str]], extra: dict[str, bytes | str] | None = None) -> bytes:
    """A workbook from (name, state, sheet xml) triples; state is visible/hidden/veryHidden."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    entries: dict[str, bytes | str] = {
        "[Content_Types].xml": _DECL
        + _TYPES
        + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_OFFICE}.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}</Types>",
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} {_NS_R}><sheets>'
        + "".join(
            f'<sheet name="{escape(name)}" sheetId="{i}"{_state_attr(state)} r:id="rId{i}"/>'
            for i, (name, state, _) in enumerate(sheets, start=1)
        )
        + "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        + "</Relationships>",
    }
    for i, (_, _, xml) in enumerate(sheets, start=1):
        entries[f"xl/worksheets/sheet{i}.xml"] = xml
    entries.update(extra or {})
    return _zip(entries)


def plan_rows(tasks: list[list[object]] = TASKS) -> list[list[object]]:
    return [[TITLE], HEADER, *tasks]


# A 1×1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d8a1e70000000049454e44ae426082"
)


def images_only() -> bytes:
    drawing = (
        f"{_DECL}<xdr:wsDr "
        'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        f'xmlns:r="{_REL}"><xdr:oneCellAnchor><xdr:from><xdr:col>0</xdr:col><xdr:colOff>0</xdr:colOff>'
        '<xdr:row>0</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="952500" cy="952500"/>'
        '<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="1" name="扫描件"/><xdr:cNvPicPr/></xdr:nvPicPr>'
        '<xdr:blipFill><a:blip r:embed="rId1"/></xdr:blipFill><xdr:spPr/></xdr:pic><xdr:clientData/>'
        "</xdr:oneCellAnchor></xdr:wsDr>"
    )
    return xlsx(
        [("扫描件", "visible", sheet_xml([], drawing=True))],
        {
            "xl/worksheets/_rels/sheet1.xml.rels": f'{_DECL}<Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_REL}/drawing" Target="../drawings/drawing1.xml"/></Relationships>',
            "xl/drawings/drawing1.xml": drawing,
            "xl/drawings/_rels/drawing1.xml.rels": f'{_DECL}<Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_REL}/image" Target="../media/image1.png"/></Relationships>',
            "xl/media/image1.png": PNG,
        },
    )


def formulas() -> bytes:
    """Formula cells with cached values that differ from what evaluating them would give: the
    reader must show the cached value and never evaluate. E5 has no cached value at all."""
    tasks = [row[:] for row in TASKS]
    tasks[0][4] = ("=", 'CONCATENATE("不低于","5%/一年一次")', "不低于5%/一年一次")
    tasks[1][0] = ("=", "1+1", 2)  # 序号 2, cached — 1+1 happens to agree
    tasks[1][6] = ("=", "NOW()", "3月—11月")  # NOW() would give a date
    tasks[1][4] = ("=", DDE[1:], None)  # a DDE formula without a cached value: an empty cell
    return xlsx([("内部计划", "visible", sheet_xml(plan_rows(tasks)))])


def dde_text() -> bytes:
    tasks = [row[:] for row in TASKS]
    tasks[0][4] = DDE
    tasks[1][6] = "@SUM(1+1)*cmd|' /C calc'!A0"
    return xlsx([("内部计划", "visible", sheet_xml(plan_rows(tasks)))])


def hidden_sheets() -> bytes:
    return xlsx(
        [
            ("说明", "visible", sheet_xml([["本工作簿的计划表在隐藏工作表中。"]])),
            ("内部计划", "hidden", sheet_xml(plan_rows())),
            ("草稿", "veryHidden", sheet_xml(plan_rows([TASKS[0]]))),
        ]
    )


def lying_dimension() -> bytes:
    """`<dimension ref="A1:F4">`, then one more cell at XFD1048576: calamine would build a grid of
    17 billion cells (512 GiB) and abort the process. 2 KB."""
    sheet = sheet_xml(plan_rows()).replace(
        "</sheetData>",
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
    )
    sheet = sheet.replace(
        sheet[sheet.index("<dimension") : sheet.index("<sheetData>")], '<dimension ref="A1:F4"/>'
    )
    return xlsx([("内部计划", "visible", sheet)])


def far_cell_first() -> bytes:
    """No `<dimension>`, and the far cell (AX1000000: 50 million cells) comes first, out of order."""
    sheet = sheet_xml(plan_rows())
    sheet = sheet[: sheet.index("<dimension")] + sheet[sheet.index("<sheetData>") :]
    return xlsx(
        [
            (
                "内部计划",
                "visible",
                sheet.replace(
                    "<sheetData>", '<sheetData><row r="1000000"><c r="AX1000000"><v>1</v></c></row>'
                ),
            )
        ]
    )


def styled_far_cell() -> bytes:
    """A far cell with a style and no value (formatting applied far down): calamine does not
    place it, so the plan is read as usual."""
    sheet = sheet_xml(plan_rows()).replace(
        "</sheetData>", '<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>'
    )
    return xlsx([("内部计划", "visible", sheet)])


def many_merges(copies: int = 20_000) -> bytes:
    """The title row's merged range A1:I1, listed 20,000 times (12 KB): openpyxl makes objects for
    every cell of every copy (minutes), and a reader that fills each copy does it 20,000 times.
    A stale year (an unsafe fix) and a trailing space (a safe one) give `fix` work to do."""
    tasks = [
        [*TASKS[0][:1], "2022年食品生产企业监督检查", *TASKS[0][2:]],
        [*TASKS[1][:4], TASKS[1][4] + " ", *TASKS[1][5:]],
    ]
    merges = f'<mergeCells count="{copies}">' + '<mergeCell ref="A1:I1"/>' * copies + "</mergeCells>"
    sheet = sheet_xml(plan_rows(tasks)).replace("</sheetData>", "</sheetData>" + merges)
    return xlsx([("内部计划", "visible", sheet)])


# -- docx --------------------------------------------------------------------------------------


def _docx(build) -> bytes:
    from docx import Document

    doc = Document()
    build(doc)
    out = io.BytesIO()
    doc.core_properties.created = doc.core_properties.modified = __import__("datetime").datetime(2025, 1, 1)
    doc.save(out)
    return _rezip(out.getvalue())


def _rezip(data: bytes) -> bytes:
    """Same parts with a fixed timestamp, so that regenerating gives the same bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return _zip({name: zf.read(name) for name in zf.namelist()})


def _fill(table, rows: list[list[str]]) -> None:
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            table.cell(i, j).text = text


def nested_tables() -> bytes:
    def build(doc):
        doc.add_paragraph(TITLE)
        table = doc.add_table(rows=3, cols=len(HEADER))
        _fill(table, [HEADER, *TASKS])
        inner = table.cell(1, 5).add_table(rows=2, cols=2)
        _fill(inner, [["A类", "3%"], ["B类", "5%"]])

    return _docx(build)


def no_header() -> bytes:
    def build(doc):
        doc.add_paragraph(TITLE)
        table = doc.add_table(rows=2, cols=len(HEADER))
        _fill(table, TASKS)

    return _docx(build)


def merged_header() -> bytes:
    """A two-row header: 抽查比例及频次 spans two columns (比例 | 频次) and every other header cell
    is merged vertically over both rows."""
    header2 = HEADER[:4] + ["抽查比例及频次", "抽查比例及频次"] + HEADER[5:]
    sub = HEADER[:4] + ["比例", "频次"] + HEADER[5:]

    def build(doc):
        doc.add_paragraph(TITLE)
        table = doc.add_table(rows=4, cols=len(header2))
        _fill(table, [header2, sub])
        for j in range(len(header2)):
            if j not in (4, 5):
                table.cell(0, j).merge(table.cell(1, j)).text = header2[j]
        table.cell(0, 4).merge(table.cell(0, 5)).text = "抽查比例及频次"
        for i, task in enumerate(TASKS, start=2):
            _fill_row(table, i, task[:4] + ["不低于5%", "一年一次"] + task[5:])

    return _docx(build)


def _fill_row(table, i: int, values: list[str]) -> None:
    for j, text in enumerate(values):
        table.cell(i, j).text = text


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_from_body(body: str) -> bytes:
    """A minimal .docx whose document body is `body` (WordprocessingML)."""
    return _zip(
        {
            "[Content_Types].xml": _DECL
            + _TYPES
            + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{_OFFICE}.wordprocessingml.document.main+xml"/>'
            "</Types>",
            "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="word/document.xml"/></Relationships>',
            "word/document.xml": f"{_DECL}<w:document {_W}><w:body>{body}</w:body></w:document>",
        }
    )


def _w_row(cells: list[str]) -> str:
    return (
        "<w:tr>"
        + "".join(f"<w:tc><w:p><w:r><w:t>{escape(c)}</w:t></w:r></w:p></w:tc>" for c in cells)
        + "</w:tr>"
    )


def deep_nested_tables(depth: int = 600) -> bytes:
    """A plan table whose risk cell holds a table nested 600 deep (recursion would overflow)."""
    inner = "<w:p><w:r><w:t>最里层</w:t></w:r></w:p>"
    for _ in range(depth):
        inner = f"<w:tbl><w:tr><w:tc>{inner}</w:tc></w:tr></w:tbl><w:p/>"
    rows = [_w_row(HEADER)] + [_w_row(t) for t in TASKS]
    rows[1] = rows[1].replace(
        f"<w:t>{escape(RISK)}</w:t></w:r></w:p>", f"<w:t>{escape(RISK)}</w:t></w:r></w:p>{inner}", 1
    )
    return docx_from_body(f"<w:p><w:r><w:t>{TITLE}</w:t></w:r></w:p><w:tbl>{''.join(rows)}</w:tbl>")


def many_small_docx_cells(rows: int, cols: int = 20) -> bytes:
    """A Word table of rows × cols one-character cells (2.5 million in 19 MB: issue 21.12)."""
    rng = random.Random(12)  # varied, so that it packs like a real file (about 20:1)
    body = "".join(
        "<w:tr>"
        + "".join(f"<w:tc><w:p><w:r><w:t>{rng.randrange(1000)}</w:t></w:r></w:p></w:tc>" for _ in range(cols))
        + "</w:tr>"
        for _ in range(rows)
    )
    return docx_from_body(f"<w:p><w:r><w:t>{TITLE}</w:t></w:r></w:p><w:tbl>{_w_row(HEADER)}{body}</w:tbl>")


# -- OLE2 (old binary and encrypted) -------------------------------------------------------------


def encrypted() -> bytes:
    import msoffcrypto.format.ooxml as ooxml

    out = io.BytesIO()
    ooxml.OOXMLFile(io.BytesIO(MODEL.read_bytes())).encrypt("planlint", out)
    return out.getvalue()


def old_xls() -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("内部计划")
    for i, row in enumerate(plan_rows()):
        for j, value in enumerate(row):
            sheet.write(i, j, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- rule and config files ------------------------------------------------------------------------

RULE = """\
  - id: XX101
    slug: demo-rule
    severity: warning
    scope: cell
    summary: 示例
    check: {fn: required, fields: [name]}
    message: "任务{seq}缺少名称"
    fix: "填写名称"
    basis: "示例文件 一"
    doc: {what: 示例, why: 示例, example: 示例, use_instead: 示例}
"""

TEXT_FILES = {
    "rules/invalid_yaml.yaml": "pack: broken\nrules:\n  - id: XX101\n    slug: [unclosed\n",
    "rules/python_object.yaml": (
        'pack: evil\nrules: !!python/object/apply:os.system ["echo pwned > /tmp/planlint-pwned"]\n'
    ),
    "rules/unknown_keys.yaml": "pack: extra\nrules:\n" + RULE + "    regex: '(a+)+$'\n",
    # A catastrophic-backtracking regex as a rule would write it: the vocabulary has no regex, so
    # `substitute` treats it as the literal text "(a+)+$" and nothing can backtrack.
    "rules/catastrophic_pattern.yaml": "pack: redos\nrules:\n"
    + RULE.replace("XX101", "XX102")
    .replace("demo-rule", "redos-literal")
    .replace("{fn: required, fields: [name]}", "{fn: substitute, fields: [name], map: {'(a+)+$': 'a'}}")
    .replace("任务{seq}缺少名称", "任务{seq}名称含「{wrong}」"),
    "rules/missing_pack_profile.yaml": (
        "profile: broken-profile\ndescription: 引用了不存在的规则包\npacks: [structure, no-such-pack]\nparams: {}\n"
    ),
    "config_unknown_key/.planlint.yaml": "profile: default\nfail_on: error\nexclude_everything: true\n",
}


# -- the corpus ---------------------------------------------------------------------------------


def corpus(*, salted: bool = True) -> dict[str, bytes]:
    """File name → content for every committed case; without `salted`, all but encrypted.xlsx,
    whose encryption draws a random salt (so it never comes out the same) and derives its key
    from 100,000 rounds of SHA-512."""
    sample_xlsx = (SAMPLES / f"{ZEZHOU}.xlsx").read_bytes()
    sample_docx = (HERE.parent / "fixtures" / "formats" / f"{ZEZHOU}.docx").read_bytes()
    gbk = "\r\n".join(",".join(r) for r in plan_rows()).encode("gbk")  # type: ignore[arg-type]
    utf8_head = "\r\n".join(",".join(r) for r in plan_rows()[:3]).encode("utf-8")  # type: ignore[arg-type]
    gbk_tail = ("\r\n" + ",".join(TASKS[1])).encode("gbk")
    files = {
        "not_a_zip.xlsx": "序号,抽查任务名称\r\n1,这是改了扩展名的文本\r\n".encode("gb18030"),
        "truncated.xlsx": sample_xlsx[: len(sample_xlsx) // 2],
        "old_binary.xls": old_xls(),
        "xlsx_named.docx": sample_xlsx,
        "docx_named.xlsx": sample_docx,
        "empty.xlsx": b"",
        "images_only.xlsx": images_only(),
        "hidden_sheets.xlsx": hidden_sheets(),
        "formulas.xlsx": formulas(),
        "dde_text.xlsx": dde_text(),
        "dde_text.csv": "\r\n".join(
            ",".join(f'"{c}"' if "," in c or '"' in c else c for c in r)  # type: ignore[operator]
            for r in plan_rows(
                [[*TASKS[0][:4], DDE, *TASKS[0][5:]], [*TASKS[1][:6], "+1+1|calc", *TASKS[1][7:]]]
            )
        ).encode("utf-8"),
        "gbk_unlabelled.csv": gbk,
        "mixed_encodings.csv": utf8_head + gbk_tail,
        "nul_bytes.csv": gbk.replace(b"\r\n", b"\x00\r\n", 1),
        "nested_tables.docx": nested_tables(),
        "no_header.docx": no_header(),
        "merged_header.docx": merged_header(),
        "lying_dimension.xlsx": lying_dimension(),
        "far_cell_first.xlsx": far_cell_first(),
        "styled_far_cell.xlsx": styled_far_cell(),
        "many_merges.xlsx": many_merges(),
        "deep_nested_tables.docx": deep_nested_tables(),
    }
    files.update({name: text.encode("utf-8") for name, text in TEXT_FILES.items()})
    if salted:
        files["encrypted.xlsx"] = encrypted()
    return files


def write_corpus(folder: Path) -> list[Path]:
    written = []
    for name, data in corpus().items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


# -- large cases, written at test time ----------------------------------------------------------


def _repeat_deflate(block: bytes, times: int, head: bytes = b"", tail: bytes = b"") -> tuple[bytes, int, int]:
    """A raw deflate stream of head + block×times + tail, built in O(len(block)): after a full
    flush the compressor forgets its window, so one compressed block can be repeated as is.
    Returns (stream, crc32, size); the crc of the repeated blocks is combined from the block's
    (zlib's crc32_combine), not computed over gigabytes."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = comp.compress(head) + comp.flush(zlib.Z_FULL_FLUSH)
    unit = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    end = comp.compress(tail) + comp.flush(zlib.Z_FINISH)
    repeated, unit_crc, unit_len, left = 0, zlib.crc32(block), len(block), times
    while left:  # block × times by doubling: every piece is the same bytes, so order does not matter
        if left & 1:
            repeated = _crc32_combine(repeated, unit_crc, unit_len)
        unit_crc, unit_len, left = _crc32_combine(unit_crc, unit_crc, unit_len), 2 * unit_len, left >> 1
    crc = zlib.crc32(tail, _crc32_combine(zlib.crc32(head), repeated, len(block) * times))
    return start + unit * times + end, crc, len(head) + len(block) * times + len(tail)


def _crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """The CRC-32 of A + B from crc(A), crc(B) and len(B): zlib's crc32_combine (not exposed by
    Python's zlib). crc1 is carried over len2 zero bytes by multiplying it by x^(8·len2) modulo
    the CRC polynomial, that power made from the powers x^(2^k) (zlib 1.2.12's way: some 30
    products of 32 steps each, where squaring 32×32 bit matrices took ~30 times as many)."""
    return _multmodp(_x8nmodp(len2), crc1) ^ crc2


_POLY = 0xEDB88320  # the CRC-32 polynomial, reflected: bit 31 is x^0


def _multmodp(a: int, b: int) -> int:
    """a × b modulo the CRC polynomial (reflected bit order)."""
    product, m = 0, 1 << 31
    while a:
        if a & m:
            product ^= b
            a ^= m
        m >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1
    return product


def _powers_of_x() -> list[int]:
    """x^(2^k) modulo the polynomial for k = 0 … 63, each the square of the one before."""
    powers = [1 << 30]  # x^1
    for _ in range(63):
        powers.append(_multmodp(powers[-1], powers[-1]))
    return powers


_X_2K = _powers_of_x()


def _x8nmodp(n: int) -> int:
    """x^(8n) modulo the polynomial: n zero bytes."""
    power, k = 1 << 31, 3  # x^0; 8 = 2^3
    while n:
        if n & 1:
            power = _multmodp(_X_2K[k], power)
        n, k = n >> 1, k + 1
    return power


def _zip_with_raw(entries: dict[str, bytes | str], raw_name: str, raw: tuple[bytes, int, int]) -> bytes:
    """A zip holding `entries` plus one member whose deflate stream is given ready-made."""
    out = io.BytesIO(_zip(entries))
    with zipfile.ZipFile(out, "a") as zf:
        stream, crc, size = raw
        info = zipfile.ZipInfo(raw_name, DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        # Write the member by hand: zipfile would compress again.
        zf.fp.seek(zf.start_dir)
        info.header_offset = zf.fp.tell()
        info.CRC, info.compress_size, info.file_size = crc, len(stream), size
        try:
            header = info.FileHeader(zip64=size > 0xFFFFFFFF)
        except zipfile.LargeZipFile:  # Python 3.10 insists on zip64 extensions above 2 GiB
            header = info.FileHeader(zip64=True)
        zf.fp.write(header)
        zf.fp.write(stream)
        zf.start_dir = zf.fp.tell()
        zf.filelist.append(info)
        zf.NameToInfo[raw_name] = info
        zf._didModify = True
    return out.getvalue()


def _sheet_with(name: str, head: bytes, block: bytes, times: int, tail: bytes) -> bytes:
    base = xlsx([(name, "visible", sheet_xml([["x"]]))])
    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        entries = {n: zf.read(n) for n in zf.namelist() if n != "xl/worksheets/sheet1.xml"}
    return _zip_with_raw(entries, "xl/worksheets/sheet1.xml", _repeat_deflate(block, times, head, tail))


def zip_bomb(megabytes: int = 3072) -> bytes:
    """A ~3 MB .xlsx whose sheet XML unpacks to `megabytes` MB (3 GB) of one cell's text, sizes
    declared honestly in the zip directory; each repeated block is 1 MB of one letter."""
    head = f'{_DECL}<worksheet {_NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'.encode()
    tail = b"</t></is></c></row></sheetData></worksheet>"
    return _sheet_with("炸弹", head, b"A" * 2**20, megabytes, tail)


def huge_sheet(rows: int = 1_000_000, cols: int = 10, *, dimension: bool = True) -> bytes:
    """A sheet of rows × cols numeric cells (10 million by default), written without cell
    references so that every row is the same bytes; the `<dimension>` states its real size."""
    dim = f'<dimension ref="A1:{_col(cols)}{rows}"/>' if dimension else ""
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}>{dim}<sheetData>'.encode()
    per = 1000  # rows per repeated block
    rng = random.Random(8)  # varied numbers, so the sheet packs like a real one (about 10:1)
    block = b"".join(
        b"<row>" + b"".join(b"<c><v>%d</v></c>" % rng.randrange(10**6) for _ in range(cols)) + b"</row>"
        for _ in range(per)
    )
    return _sheet_with("一千万格", head, block, rows // per, b"</sheetData></worksheet>")


def long_line_csv(megabytes: int = 50, *, delimited: bool = False) -> bytes:
    """A header line, then one line of `megabytes` MB: one huge cell, or ~25 M tiny ones."""
    head = (",".join(HEADER) + "\r\n").encode()
    unit = b"a," if delimited else "抽".encode()
    return head + unit * (megabytes * 2**20 // len(unit)) + b"\r\n"


def write_large(folder: Path) -> dict[str, Path]:
    files = {
        "zip_bomb.xlsx": zip_bomb(),
        "ratio_bomb.xlsx": zip_bomb(300),  # under the size limit, but packed 1000:1
        "ten_million_cells.xlsx": huge_sheet(),
        "ten_million_cells_no_dimension.xlsx": huge_sheet(dimension=False),
        "long_line.csv": long_line_csv(),
        "long_line_cells.csv": long_line_csv(delimited=True),
    }
    out = {}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        out[name] = folder / name
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for path in write_corpus(target):
        print(f"{path.stat().st_size:>8}  {path.relative_to(target)}")
