"""html reporter: escaping and self-containment, then the page as a browser shows it (Debian's
chromium, headless): counts visible, filters working, chart drawn (pixels in the screenshot)."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from conftest import CHROMIUM_FLAGS, chromium
from report_fixtures import HYPERLINK, make_result

from planlint.report import ReportOptions, write
from planlint.report.html import render
from planlint.result import PlanReport

ARTIFACTS = Path(__file__).parent / "artifacts"
# so the screenshot's pixels are the page's CSS colours
HEADLESS_FLAGS = ["--headless", *CHROMIUM_FLAGS, "--force-color-profile=srgb"]


def _result():
    return make_result("plan.xlsx", extra=[PlanReport("bad.docx", None, None, error="文件已加密")])


def test_cell_text_is_inert():
    page = render(_result(), ReportOptions())
    assert page.count("<script>") == 1  # ours; the cell's is text
    assert "<mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt;" in page
    assert "<b>核查</b>" not in page and "&lt;b&gt;核查&lt;/b&gt;" in page
    assert HYPERLINK not in page  # quotes escaped
    assert "<mark>=HYPERLINK</mark>(&#34;http://evil.invalid&#34;" in page


def test_highlight_is_the_findings_span_not_a_quote_in_its_message():
    """report/cells.py marks `Finding.spans` of the cell's text; a message quoting part of the cell
    in 「」 marks nothing by itself, and a span outside the text is ignored."""
    from planlint.findings import Finding
    from planlint.report.cells import highlight
    from planlint.table import Location

    def finding(message: str, span: tuple[int, int] | None) -> Finding:
        spans = (span,) if span else ()
        return Finding("PL1", "x", "error", message, "", Location("p", None, 3, 2), spans=spans)

    raw = "2022年加油站计量监督检查"
    assert highlight(raw, finding("「2022年加油站计量监督检查」中的2022年", (0, 4))) == [
        ("2022", True),
        ("年加油站计量监督检查", False),
    ]
    assert highlight(raw, finding("「加油站」", None)) == [(raw, False)]
    assert highlight(raw, finding("x", (5, 99))) == [(raw, False)]
    assert highlight("", finding("x", (0, 1))) == []


def test_self_contained():
    page = render(_result(), ReportOptions())
    assert not re.search(r"<(link|img|iframe|object)\b", page)
    assert not re.search(r"\b(src|href)\s*=\s*\"(https?:)?//", page)
    assert "url(" not in page and "@import" not in page
    assert "default-src 'none'" in page  # CSP: the browser itself refuses any fetch


def test_review_summary_worst_first():
    page = render(_result(), ReportOptions())
    review = page.split('id="review"')[1].split("</section>")[0]
    assert review.index("bad.docx") < review.index("plan.xlsx")
    assert "错误 2，警告 4，提示 2" in review


# ---------------------------------------------------------------- in the browser


def _chromium() -> str:
    return chromium()


def _run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [_chromium(), *HEADLESS_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True)


def _dom(tmp_path: Path, url: str) -> str:
    return _run_chromium(tmp_path, "--virtual-time-budget=2000", "--dump-dom", url).stdout


def _text(html: str, element_id: str) -> str:
    m = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html)
    assert m, element_id
    return m.group(1)


def _png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB/RGBA non-interlaced PNG (what Chromium writes) into rows of bytes."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and color in (2, 6) and interlace == 0
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(b"".join(bytes(line[i : i + 3]) for i in range(0, stride, bpp)))
        prev = line
    return width, height, rows


def _count_color(rows: list[bytes], rgb: tuple[int, int, int]) -> int:
    needle = bytes(rgb)
    return sum(1 for row in rows for i in range(0, len(row), 3) if row[i : i + 3] == needle)


def test_rendered_in_headless_chromium(tmp_path):
    page = tmp_path / "报告.html"
    write("html", _result(), str(page))
    url = page.as_uri()

    dom = _dom(tmp_path, url)
    assert _text(dom, "count-files") == "2"
    assert _text(dom, "count-tasks") == "3"
    assert _text(dom, "count-error") == "2"
    assert _text(dom, "count-warning") == "4"
    assert _text(dom, "count-info") == "2"
    assert _text(dom, "count-unreadable") == "1"
    assert _text(dom, "visible-count") == "8"  # the script ran over all rows
    assert "<script>alert(1)" not in dom

    # the filters, preset through the URL fragment, hide the other rows
    dom = _dom(tmp_path, url + "#sev=error")
    assert _text(dom, "visible-count") == "2"
    assert len(re.findall(r'<tr class="finding" data-sev="warning"[^>]*>', dom)) == 0
    assert len(re.findall(r'<tr class="finding hidden" data-sev="warning"', dom)) == 4
    dom = _dom(tmp_path, url + "#rule=PL105")
    assert _text(dom, "visible-count") == "2"

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report_html.png"
    shot.unlink(missing_ok=True)
    _run_chromium(tmp_path, "--window-size=1280,1400", f"--screenshot={shot}", url)
    width, height, rows = _png_pixels(shot)
    assert (width, height) == (1280, 1400)
    # The chart's bars and the severity badges are drawn in the severity colours.
    assert _count_color(rows, (0xC6, 0x28, 0x28)) > 1000  # error red
    assert _count_color(rows, (0xB7, 0x79, 0x1F)) > 1000  # warning amber
    assert _count_color(rows, (0x15, 0x65, 0xC0)) > 1000  # info blue


def test_missing_external_program_skips_or_fails(monkeypatch):
    """Tests needing chromium or LibreOffice skip with the install hint; with
    PLANLINT_REQUIRE_EXTERNAL=1 (CI) the absence is a failure."""
    from conftest import require_external

    monkeypatch.delenv("PLANLINT_REQUIRE_EXTERNAL", raising=False)
    with pytest.raises(
        pytest.skip.Exception, match="未找到 no-such-program：apt-get install no-such-program"
    ):
        require_external("no-such-program", "apt-get install no-such-program")
    monkeypatch.setenv("PLANLINT_REQUIRE_EXTERNAL", "1")
    with pytest.raises(pytest.fail.Exception, match="PLANLINT_REQUIRE_EXTERNAL=1"):
        require_external("no-such-program", "apt-get install no-such-program")
    assert require_external("sh", "") == shutil.which("sh")
