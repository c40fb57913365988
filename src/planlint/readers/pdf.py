"""PDF (the usual Word-exported plan) → one Table per ruled table, via pdfplumber.

- A table that continues on the next page (first thing on the page, same columns) is joined to
  the part before it; header rows repeated at the top of each page are dropped; a row that Word
  split over a page break (its 序号 cell empty on the new page) is joined back into one row.
- Cell text wrapped over several lines is joined: a line that ends close to the cell's right edge
  was wrapped (joined without a break); one that ends early was a line break of the cell.
- Merged cells (one ruled box over several grid cells) give their text to every cell they cover,
  as Excel merged ranges do.
- Locations are page, table, row and column as seen in the PDF: `第3页 表1 第5行 第4列`.
- A PDF without text (a scan) needs OCR, which planlint does not do; a PDF with text but no ruled
  table is refused with what to do. Size guards: pages (`PLANLINT_MAX_PDF_PAGES`, 500), and the
  total unpacked size of the compressed streams, measured before pdfplumber unpacks any.
"""

from __future__ import annotations

import bisect
import os
import re
import zlib
from dataclasses import dataclass, field

from .. import limits
from ..errors import ReadError
from ..table import Table
from ._common import pick_title, title_from_rows

PAGES_ENV = "PLANLINT_MAX_PDF_PAGES"
DEFAULT_MAX_PAGES = 500
_STREAM = re.compile(rb">>\s*stream\r?\n")
# Streams pdfplumber never unpacks to find text: images and embedded font programs.
_SKIPPED_STREAMS = (b"/Image", b"/Length1", b"/Length2", b"/Length3", b"/FontFile")
_STREAM_CAP = 8 * 2**20  # unpacked bytes of one content, object or form stream (a plan page: ~100 KB)
_TOTAL_CAP = 64 * 2**20
_ENDSTREAM = b"endstream"
_PADDING = 6.0  # pt: a cell's inner margin (Word 0.19 cm) plus tolerance
_SAME_X = 2.0  # pt: column edges that match between two pages
_SAME_LINE = 2.0  # pt: characters whose tops differ less are on one line


def read(path: str) -> list[Table]:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    _check_streams(path)
    try:
        with pdfplumber.open(path) as pdf:
            pages = pdf.pages
            _check_pages(path, len(pages))
            return _read_pages(path, pages)
    except ReadError:
        raise
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ReadError(
            f"PDF 文件无法解析（可能已损坏：{type(exc).__name__}），请用原始的 Word/WPS 文件检查，或重新导出 PDF",
            path,
        ) from None
    except RecursionError:
        raise ReadError("PDF 文件的对象嵌套过深（疑似恶意或损坏的文件），已拒绝读取", path) from None
    except Exception as exc:  # pdfminer raises its own exception types for encrypted/odd files
        if "password" in str(exc).lower() or "encrypt" in type(exc).__name__.lower():
            raise ReadError(
                "PDF 文件设有密码，无法读取；请提供未加密的 PDF 或原始的 Word/WPS 文件", path
            ) from None
        raise ReadError(
            f"PDF 文件无法解析（{type(exc).__name__}），请用原始的 Word/WPS 文件检查，或重新导出 PDF", path
        ) from None


def max_pages() -> int:
    raw = os.environ.get(PAGES_ENV, "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_MAX_PAGES


def _check_pages(path: str, count: int) -> None:
    if count > max_pages():
        raise ReadError(
            f"PDF 有 {count:,} 页，超过上限 {max_pages():,} 页，已拒绝读取；请只导出计划表所在的页"
            f"（或设置环境变量 {PAGES_ENV}）后再检查",
            path,
        )


def _check_streams(path: str) -> None:
    """Refuse a 'PDF bomb' before pdfplumber reads the file: a content/object stream that unpacks
    to more than 8 MB, or all of them to more than 64 MB (pdfminer interprets content streams in
    Python, ~1 MB in ten seconds, and holds them in memory). Each is unpacked at most to the cap.
    Images and font programs are not counted: pdfplumber does not unpack them."""
    lim = limits.current()
    size = os.path.getsize(path)
    if size > lim.max_uncompressed_bytes:
        raise ReadError(
            f"文件有 {size / 2**20:,.0f} MB，超过上限 {lim.max_uncompressed_mb} MB，已拒绝读取。"
            f"{limits.hint('max_uncompressed_mb')}",
            path,
        )
    with open(path, "rb") as fh:
        data = fh.read()
    budget = _TOTAL_CAP
    for match in _STREAM.finditer(data):
        head = data[max(0, match.start() - 2048) : match.start()]
        head = head[head.rfind(b" obj") + 1 :] if b" obj" in head else head
        if b"/FlateDecode" not in head or any(marker in head for marker in _SKIPPED_STREAMS):
            continue
        end = data.find(_ENDSTREAM, match.end())
        chunk = data[match.end() : end if end >= 0 else len(data)]
        inflater = zlib.decompressobj()
        try:
            out = inflater.decompress(chunk, min(_STREAM_CAP, budget) + 1)
        except zlib.error:
            continue  # pdfminer copes with (or reports) a damaged stream
        budget -= len(out)
        if len(out) > _STREAM_CAP or budget < 0:
            raise ReadError(
                f"PDF 中的压缩数据解压后超过 {_STREAM_CAP // 2**20 if len(out) > _STREAM_CAP else _TOTAL_CAP // 2**20} MB"
                "（疑似 PDF 炸弹或异常文件），已拒绝读取；请确认文件来源，或用原始的 Word/WPS 文件检查",
                path,
            )


@dataclass
class _Part:
    """A table being read, possibly over several pages."""

    index: int
    edges: list[float]  # the column edges (x) on its first page
    header: list[list[str]] | None = None
    rows: list[list[str]] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # 第N页 表M, per row
    numbers: list[int] = field(default_factory=list)  # row on that page
    covered: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # cell → its merge's anchor
    prose: list[str] = field(default_factory=list)


def _read_pages(path: str, pages: list) -> list[Table]:
    parts: list[_Part] = []
    open_part: _Part | None = None  # the last table of the previous page, if it ended the page
    saw_text = saw_images = False
    prose: list[str] = []
    for page_no, page in enumerate(pages, start=1):
        chars = page.chars
        saw_text = saw_text or any(c["text"].strip() for c in chars)
        saw_images = saw_images or bool(page.images)
        tables = sorted(page.find_tables(), key=lambda t: (t.bbox[1], t.bbox[0]))
        top = 0.0
        for k, found in enumerate(tables):
            above = _text_lines(chars, (0, top, page.width, found.bbox[1]))
            grid, covered, edges, carried = _grid(found, chars)
            if not grid:
                continue
            continues = (
                k == 0
                and open_part is not None
                and not [line for line in above if not _page_furniture(line)]
                and _same_columns(open_part.edges, edges)
            )
            if continues and open_part is not None:  # (continues implies an open part)
                part = open_part
                _carry(part, grid, covered, carried)
                _extend(part, grid, covered, page_no)
            else:
                prose.extend(line for line in above if not _page_furniture(line))
                part = _Part(len(parts) + 1, edges, prose=prose[-8:])
                prose = []
                parts.append(part)
                _extend(part, grid, covered, page_no)
            top = found.bbox[3]
        below = _text_lines(chars, (0, top, page.width, page.height))
        meaningful = [line for line in below if not _page_furniture(line)]
        if tables and not meaningful:
            open_part = parts[-1] if parts else None
        else:
            open_part = None
            prose.extend(meaningful)
    if not parts:
        if not saw_text and not saw_images:
            raise ReadError("PDF 中没有任何文字或表格（空白页），请确认导出的是抽查计划", path)
        if not saw_text:
            raise ReadError(
                "PDF 中没有文字（可能是扫描件或图片），需要先做文字识别（OCR），planlint 不做 OCR；"
                "请提供原始的 Word/WPS/Excel 文件，或用 WPS/Acrobat 识别文字后另存为 Word 再检查",
                path,
            )
        raise ReadError(
            "PDF 中没有找到带表格线的表格；请提供原始的 Word/WPS/Excel 文件，或把计划表另存为 .xlsx/.docx 再检查",
            path,
        )
    return [_table(path, part) for part in parts]


def _table(path: str, part: _Part) -> Table:
    width = max(len(r) for r in part.rows)
    rows = [r + [""] * (width - len(r)) for r in part.rows]
    limit = limits.current().max_cells
    if len(rows) * width > limit:
        raise ReadError(
            f"表{part.index}超过单元格上限 {limit:,}，已拒绝读取。{limits.hint('max_cells')}", path
        )
    return Table(
        path=path,
        sheet=f"表{part.index}",
        rows=rows,
        row_numbers=part.numbers,
        covered=frozenset(part.covered),
        anchors=part.covered,
        title=title_from_rows(rows) or pick_title(part.prose),
        context="\n".join(part.prose),
        format="pdf",
        row_sheets=part.sheets,
    )


def _extend(
    part: _Part, grid: list[list[str]], covered: dict[tuple[int, int], tuple[int, int]], page_no: int
) -> None:
    """Add one page's rows of a table: drop a repeated header, join a row split by the page break."""
    start = 0
    if part.header is None:
        part.header = grid[: _header_rows(grid)]
    else:
        while start < len(grid) and grid[start] in part.header:
            start += 1  # the header repeated at the top of the page
        own = [j for j in range(len(grid[start]) if start < len(grid) else 0) if (start, j) not in covered]
        if (
            start == 0
            and part.rows
            and own
            and not grid[0][own[0]].strip()
            and any(grid[0][j].strip() for j in own)
        ):
            # the rest of the previous page's last row (Word lets a row break across pages): its
            # first own cell (the 序号) is empty
            last = part.rows[-1]
            for j in own:
                text = grid[0][j]
                if j < len(last) and text.strip():
                    last[j] = _join(last[j], text) if last[j] else text
            start = 1
    base = len(part.rows)
    label = f"第{page_no}页 表{part.index}"
    for i in range(start, len(grid)):
        part.rows.append(grid[i])
        part.sheets.append(label)
        part.numbers.append(i + 1)
    for (i, j), (ai, aj) in covered.items():
        if i < start:
            continue
        if ai < start:  # a merge begun on the page before (or in the row joined into its last row)
            anchor = part.covered.get((base - 1, aj), (base - 1, aj)) if base else (0, aj)
        else:
            anchor = (base + ai - start, aj)
        part.covered[(base + i - start, j)] = anchor


def _carry(
    part: _Part,
    grid: list[list[str]],
    covered: dict[tuple[int, int], tuple[int, int]],
    carried: dict[int, int],
) -> None:
    """A vertical merge that began on the previous page: its cells here get the text above."""
    if not part.rows:
        return
    last = part.rows[-1]
    for c, rows in carried.items():
        if c < len(last) and last[c]:
            for r in range(min(rows, len(grid))):
                grid[r][c] = last[c]
                covered[(r, c)] = (-1, c)  # anchored on the page before


def _header_rows(grid: list[list[str]]) -> int:
    """How many rows at the top of a table are its header (title rows included): up to the first
    row whose first cell is a number (the first task)."""
    for i, row in enumerate(grid[:8]):
        if any(cell.strip().isdigit() for cell in row[:3]):
            return i
    return 1


def _grid(
    found, chars: list[dict]
) -> tuple[list[list[str]], dict[tuple[int, int], tuple[int, int]], list[float], dict[int, int]]:
    """The table's text on its grid of columns and rows, merged boxes spread over their cells; and
    the empty boxes at the top spanning several rows (column → rows), which on a continued page
    are a vertical merge carried over from the page before."""
    boxes = [c for c in found.cells if c[2] - c[0] > 0.5 and c[3] - c[1] > 0.5]
    if not boxes:
        return [], {}, [], {}
    xs = sorted({round(b[0], 1) for b in boxes} | {round(b[2], 1) for b in boxes})
    ys = sorted({round(b[1], 1) for b in boxes} | {round(b[3], 1) for b in boxes})
    xs, ys = _dedupe(xs), _dedupe(ys)
    texts = _cell_texts(boxes, chars)
    grid = [[""] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    carried: dict[int, int] = {}
    for box, text in zip(boxes, texts):
        c0, c1 = _index(xs, box[0]), _index(xs, box[2])
        r0, r1 = _index(ys, box[1]), _index(ys, box[3])
        if r0 == 0 and r1 - r0 >= 2 and not text:
            carried.update((c, r1) for c in range(c0, max(c1, c0 + 1)))
        for r in range(r0, max(r1, r0 + 1)):
            for c in range(c0, max(c1, c0 + 1)):
                if r < len(grid) and c < len(grid[r]):
                    grid[r][c] = text
                    if (r, c) != (r0, c0):
                        covered[(r, c)] = (r0, c0)
    return grid, covered, xs, carried


def _dedupe(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in values:
        if not out or v - out[-1] > 1.0:
            out.append(v)
    return out


def _index(edges: list[float], x: float) -> int:
    i = bisect.bisect_left(edges, x - 1.0)
    return min(i, len(edges) - 1)


def _cell_texts(boxes: list[tuple], chars: list[dict]) -> list[str]:
    """Each box's text: its characters (by their centre) in lines, wrapped lines joined."""
    inside: list[list[dict]] = [[] for _ in boxes]
    order = sorted(range(len(boxes)), key=lambda k: boxes[k][0])
    for ch in chars:
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        for k in order:
            x0, top, x1, bottom = boxes[k]
            if x0 > cx:
                break
            if cx < x1 and top <= cy < bottom:
                inside[k].append(ch)
                break
    return [_lines_text(cs, box[2]) for cs, box in zip(inside, boxes)]


def _lines_text(chars: list[dict], right: float) -> str:
    if not chars:
        return ""
    lines: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if lines and abs(lines[-1][0]["top"] - ch["top"]) < _SAME_LINE:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    text = ""
    for n, line in enumerate(lines):
        line.sort(key=lambda c: c["x0"])
        body = _line_text(line)
        if n == 0:
            text = body
            continue
        prev = lines[n - 1]
        char = max(line[0]["x1"] - line[0]["x0"], 1.0)
        # The line before was wrapped if what starts this line (a character, or a number or Latin
        # word, which are not split, with the punctuation that may not start a line) did not fit
        # after it; one character more allows for CJK line breaking (禁则) pushing one down.
        wrapped = right - prev[-1]["x1"] < _unit_width(line) + char + _PADDING
        text = _join(text, body) if wrapped else f"{text}\n{body}"
    return text.strip()


_NO_LINE_START = set("，。、；：？！）》」』】”’%,.;:?!)/")


def _unit_width(line: list[dict]) -> float:
    """Width of what cannot be separated from the start of a line."""
    k = 1
    if line[0]["text"].isascii() and not line[0]["text"].isspace():
        while k < len(line) and line[k]["text"].isascii() and not line[k]["text"].isspace():
            k += 1
    while k < len(line) and line[k]["text"] in _NO_LINE_START:
        k += 1
    return line[k - 1]["x1"] - line[0]["x0"]


def _line_text(line: list[dict]) -> str:
    """A line's characters, with a space where the gap between two is wider than a space."""
    out = [line[0]["text"]]
    for a, b in zip(line, line[1:]):
        if b["x0"] - a["x1"] > 0.3 * max(b["size"], 1.0):
            out.append(" ")
        out.append(b["text"])
    return "".join(out).strip()


def _join(a: str, b: str) -> str:
    """Two pieces of one wrapped text: no separator, except between two Latin words."""
    if a and b and a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha():
        return f"{a} {b}"
    return a + b


def _text_lines(chars: list[dict], box: tuple[float, float, float, float]) -> list[str]:
    x0, top, x1, bottom = box
    selected = [c for c in chars if top <= (c["top"] + c["bottom"]) / 2 < bottom and x0 <= c["x0"] < x1]
    lines: list[list[dict]] = []
    for ch in sorted(selected, key=lambda c: (round(c["top"]), c["x0"])):
        if lines and abs(lines[-1][0]["top"] - ch["top"]) < _SAME_LINE:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    return [t for t in (_line_text(sorted(line, key=lambda c: c["x0"])) for line in lines) if t]


_FURNITURE = re.compile(r"^[\s\-—–－]*(第\s*)?\d+(\s*/\s*\d+)?(\s*页)?(\s*共\s*\d+\s*页)?[\s\-—–－]*$")


def _page_furniture(line: str) -> bool:
    """Page numbers and similar lines that do not interrupt a table running over a page break."""
    return bool(_FURNITURE.match(line))


def _same_columns(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= _SAME_X for x, y in zip(a, b))
