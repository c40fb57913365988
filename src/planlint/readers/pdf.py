"""PDF (the usual Word-exported plan) → one Table per ruled table: PDFium (pypdfium2) reads each
page's characters and ruling lines, pdfplumber's table finder turns the lines into cells.

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
  total unpacked size of the compressed streams, measured before PDFium unpacks any.

PDFium interprets the pages in C++: a 50-task plan of 19 pages reads in well under a second, where
pdfminer (pdfplumber's own page parser, in Python) took seconds (benchmarks/bench_formats.py).
"""

from __future__ import annotations

import bisect
import math
import os
import re
import threading
import zlib
from dataclasses import dataclass, field

from .. import limits
from ..errors import ReadError
from ..table import Table
from ._common import pick_title, title_from_rows

PAGES_ENV = "PLANLINT_MAX_PDF_PAGES"
DEFAULT_MAX_PAGES = 500
_STREAM = re.compile(rb">>\s*stream\r?\n")
# Streams not unpacked to find text and lines: images (and embedded font programs, which PDFium
# reads with its own limits).
_SKIPPED_STREAMS = (b"/Image", b"/Length1", b"/Length2", b"/Length3", b"/FontFile")
_STREAM_CAP = 8 * 2**20  # unpacked bytes of one content, object or form stream (a plan page: ~100 KB)
_TOTAL_CAP = 64 * 2**20
_ENDSTREAM = b"endstream"
_PADDING = 6.0  # pt: a cell's inner margin (Word 0.19 cm) plus tolerance
_SAME_X = 2.0  # pt: column edges that match between two pages
_SAME_LINE = 2.0  # pt: characters whose tops differ less are on one line


def read(path: str) -> list[Table]:
    import pypdfium2 as pdfium

    _check_streams(path)
    try:
        with _PDFIUM:
            pdf = pdfium.PdfDocument(path)
            try:
                _check_pages(path, len(pdf))
                pages = [_page(pdf, n) for n in range(len(pdf))]
            finally:
                pdf.close()
    except ReadError:
        raise
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ReadError(
                "PDF 文件设有密码，无法读取；请提供未加密的 PDF 或原始的 Word/WPS 文件", path
            ) from None
        raise ReadError(
            "PDF 文件无法解析（可能已损坏），请用原始的 Word/WPS 文件检查，或重新导出 PDF", path
        ) from None
    return _read_pages(path, pages)


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
    """Refuse a 'PDF bomb' before PDFium reads the file: a content/object stream that unpacks
    to more than 8 MB, or all of them to more than 64 MB (a plan page's content is ~100 KB; PDFium
    holds the unpacked streams in memory). Each is unpacked at most to the cap. Images and font
    programs are not counted."""
    limits.refuse_oversized(path)
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
                f"PDF 中的压缩数据解压后超过 {(_STREAM_CAP if len(out) > _STREAM_CAP else _TOTAL_CAP) // 2**20} MB"
                "（疑似 PDF 炸弹或异常文件），已拒绝读取；请确认文件来源，或用原始的 Word/WPS 文件检查",
                path,
            )


@dataclass
class _Page:
    """What the table reading needs of one page, in points from the page's top-left corner (as
    pdfplumber measures): the characters, the ruled tables, whether it shows images."""

    width: float
    height: float
    chars: list[dict]
    tables: list[_Found]
    images: bool


@dataclass
class _Found:
    """A ruled table: its cells' boxes (x0, top, x1, bottom) and its bounding box."""

    cells: list[tuple[float, float, float, float]]
    bbox: tuple[float, float, float, float]


# PDFium is not thread-safe: one document at a time (the web page reads uploads in threads).
_PDFIUM = threading.Lock()
_MAX_FORM_DEPTH = 16
_MAX_SEGMENTS = 2_000_000  # path segments looked at per page (a plan page: hundreds)
_SKIPPED_CHARS = {0, 0xFFFE, 0xFFFF, 10, 13}
_ASCENT = 0.88  # of the font size above the baseline (CJK fonts: 0.88, descent 0.12)


def _page(pdf, index: int) -> _Page:
    """One page through PDFium (C++, which interprets the content stream some 10× faster than
    pdfminer): the characters with their loose boxes, and the tables pdfplumber's table finder
    (its default "lines" settings) builds from the page's ruling lines."""
    import ctypes

    import pypdfium2.raw as raw

    page = pdf[index]
    try:
        left, bottom, right, top = page.get_mediabox()
        width, height = right - left, top - bottom
        textpage = page.get_textpage()
        chars = []
        rect = raw.FS_RECTF()
        ox, oy = ctypes.c_double(), ctypes.c_double()
        matrix = raw.FS_MATRIX()
        try:
            for i in range(raw.FPDFText_CountChars(textpage.raw)):
                code = raw.FPDFText_GetUnicode(textpage.raw, i)
                if code in _SKIPPED_CHARS or raw.FPDFText_IsGenerated(textpage.raw, i) == 1:
                    continue
                raw.FPDFText_GetLooseCharBox(textpage.raw, i, ctypes.byref(rect))
                raw.FPDFText_GetCharOrigin(textpage.raw, i, ctypes.byref(ox), ctypes.byref(oy))
                # the size as drawn: PDFium gives the Tf size, which producers often set to 1 and
                # scale by the text matrix (pdfminer's size is the drawn one)
                size = raw.FPDFText_GetFontSize(textpage.raw, i)
                if raw.FPDFText_GetMatrix(textpage.raw, i, ctypes.byref(matrix)):
                    size *= math.hypot(matrix.c, matrix.d) or 1.0
                # Vertically from the baseline, as pdfminer places a character (font size above
                # and below it in the font's proportions): glyphs of one line share their top, so
                # a flat 一 does not fall out of its line as with its own box.
                base = top - oy.value
                chars.append(
                    {
                        "text": "\ufffd" if 0xD800 <= code < 0xE000 or code >= 0x110000 else chr(code),
                        "x0": rect.left - left,
                        "x1": rect.right - left,
                        "top": base - _ASCENT * size,
                        "bottom": base + (1 - _ASCENT) * size,
                        "size": size,
                    }
                )
        finally:
            textpage.close()
        edges: list[dict] = []
        images = _page_edges(page, (1.0, 0.0, 0.0, 1.0, -left, -top), edges)
    finally:
        page.close()
    return _Page(width, height, chars, _find_tables(edges), images)


def _page_edges(page, base: tuple[float, ...], edges: list[dict]) -> bool:
    """Collect the horizontal and vertical segments of the page's paths (in forms too) into
    `edges`, as pdfplumber's edges; return whether the page shows an image."""
    import ctypes

    import pypdfium2.raw as raw

    budget = [_MAX_SEGMENTS]
    images = False
    matrix = raw.FS_MATRIX()
    x, y = ctypes.c_float(), ctypes.c_float()

    def walk(count: int, get, parent: tuple[float, ...], depth: int) -> None:
        nonlocal images
        for k in range(count):
            obj = get(k)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_IMAGE:
                images = True
                continue
            if kind not in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM):
                continue
            if not raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix)):
                continue
            m = _compose((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), parent)
            if kind == raw.FPDF_PAGEOBJ_FORM:
                if depth < _MAX_FORM_DEPTH:
                    walk(
                        raw.FPDFFormObj_CountObjects(obj),
                        lambda n, form=obj: raw.FPDFFormObj_GetObject(form, n),
                        m,
                        depth + 1,
                    )
                continue
            segments = raw.FPDFPath_CountSegments(obj)
            budget[0] -= max(segments, 0)
            if budget[0] < 0:
                return
            points: list[tuple[float, float]] = []
            for n in range(segments):
                segment = raw.FPDFPath_GetPathSegment(obj, n)
                if not raw.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y)):
                    continue
                px, py = x.value, y.value
                point = (m[0] * px + m[2] * py + m[4], -(m[1] * px + m[3] * py + m[5]))
                if raw.FPDFPathSegment_GetType(segment) == raw.FPDF_SEGMENT_MOVETO:
                    points = [point]
                    continue
                if points:
                    _add_edge(edges, points[-1], point)
                points.append(point)
                if raw.FPDFPathSegment_GetClose(segment) and len(points) > 2:
                    _add_edge(edges, point, points[0])

    walk(raw.FPDFPage_CountObjects(page.raw), lambda n: raw.FPDFPage_GetObject(page.raw, n), base, 0)
    return images


def _compose(m: tuple[float, ...], parent: tuple[float, ...]) -> tuple[float, ...]:
    """The PDF matrix applying `m`, then `parent`."""
    a, b, c, d, e, f = m
    pa, pb, pc, pd, pe, pf = parent
    return (
        a * pa + b * pc,
        a * pb + b * pd,
        c * pa + d * pc,
        c * pb + d * pd,
        e * pa + f * pc + pe,
        e * pb + f * pd + pf,
    )


def _add_edge(edges: list[dict], p0: tuple[float, float], p1: tuple[float, float]) -> None:
    """A segment as a pdfplumber edge, when it is horizontal or vertical (tables are ruled so)."""
    (x0, y0), (x1, y1) = p0, p1
    if abs(y0 - y1) < 0.01:
        orientation = "h"
    elif abs(x0 - x1) < 0.01:
        orientation = "v"
    else:
        return
    left, right, top, bottom = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
    edges.append(
        {
            "object_type": "line",
            "orientation": orientation,
            "x0": left,
            "x1": right if orientation == "h" else left,
            "top": top,
            "bottom": bottom if orientation == "v" else top,
            "width": right - left if orientation == "h" else 0.0,
            "height": bottom - top if orientation == "v" else 0.0,
        }
    )


def _find_tables(edges: list[dict]) -> list[_Found]:
    """pdfplumber's table finder ("lines" strategy, default tolerances) over the page's edges."""
    from pdfplumber.table import (
        DEFAULT_JOIN_TOLERANCE,
        DEFAULT_SNAP_TOLERANCE,
        TableSettings,
        cells_to_tables,
        edges_to_intersections,
        intersections_to_cells,
        merge_edges,
    )
    from pdfplumber.utils import filter_edges

    settings = TableSettings.resolve(None)
    edges = filter_edges(edges, min_length=settings.edge_min_length_prefilter)
    edges = merge_edges(
        edges, DEFAULT_SNAP_TOLERANCE, DEFAULT_SNAP_TOLERANCE, DEFAULT_JOIN_TOLERANCE, DEFAULT_JOIN_TOLERANCE
    )
    edges = filter_edges(edges, min_length=settings.edge_min_length)
    intersections = edges_to_intersections(
        edges, settings.intersection_x_tolerance, settings.intersection_y_tolerance
    )
    found = []
    for cells in cells_to_tables(intersections_to_cells(intersections)):
        bbox = (
            min(c[0] for c in cells),
            min(c[1] for c in cells),
            max(c[2] for c in cells),
            max(c[3] for c in cells),
        )
        found.append(_Found(cells, bbox))
    return found


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


def _read_pages(path: str, pages: list[_Page]) -> list[Table]:
    parts: list[_Part] = []
    open_part: _Part | None = None  # the last table of the previous page, if it ended the page
    saw_text = saw_images = False
    prose: list[str] = []
    for page_no, page in enumerate(pages, start=1):
        chars = page.chars
        saw_text = saw_text or any(c["text"].strip() for c in chars)
        saw_images = saw_images or bool(page.images)
        tables = sorted(page.tables, key=lambda t: (t.bbox[1], t.bbox[0]))
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
    found: _Found, chars: list[dict]
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
