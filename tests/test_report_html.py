"""html reporter: escaping and self-containment, then the page as a browser shows it (Debian's
chromium, headless, the `browser` fixture of conftest.py): counts visible, filters working, chart
drawn (pixels in the screenshot)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from report_fixtures import HYPERLINK, make_result

from planlint.report import ReportOptions, write
from planlint.report.html import render
from planlint.result import PlanReport

ARTIFACTS = Path(__file__).parent / "artifacts"


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
    """report/cells.py marks `Finding.span` of the cell's text; a message quoting part of the cell
    in 「」 marks nothing by itself, and a span outside the text is ignored."""
    from planlint.findings import Finding
    from planlint.report.cells import highlight
    from planlint.table import Location

    def finding(message: str, span: tuple[int, int] | None) -> Finding:
        return Finding("PL1", "x", "error", message, "", Location("p", None, 3, 2), span=span)

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


def _dom(browser, url: str, **page_options) -> str:
    """The page's DOM once its script has run, loaded in a fresh tab (the fragment read at load)."""
    page = browser.new_page(**page_options)
    try:
        page.goto(url)
        return page.content()
    finally:
        page.close()


def _text(html: str, element_id: str) -> str:
    m = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html)
    assert m, element_id
    return m.group(1)


def test_rendered_in_headless_chromium(tmp_path, browser):
    from PIL import Image

    page = tmp_path / "报告.html"
    write("html", _result(), str(page))
    url = page.as_uri()

    dom = _dom(browser, url)
    assert _text(dom, "count-files") == "2"
    assert _text(dom, "count-tasks") == "3"
    assert _text(dom, "count-error") == "2"
    assert _text(dom, "count-warning") == "4"
    assert _text(dom, "count-info") == "2"
    assert _text(dom, "count-unreadable") == "1"
    assert _text(dom, "visible-count") == "8"  # the script ran over all rows
    assert "<script>alert(1)" not in dom

    # the filters, preset through the URL fragment, hide the other rows
    dom = _dom(browser, url + "#sev=error")
    assert _text(dom, "visible-count") == "2"
    assert len(re.findall(r'<tr class="finding" data-sev="warning"[^>]*>', dom)) == 0
    assert len(re.findall(r'<tr class="finding hidden" data-sev="warning"', dom)) == 4
    dom = _dom(browser, url + "#rule=PL105")
    assert _text(dom, "visible-count") == "2"

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report_html.png"
    shot.unlink(missing_ok=True)
    tab = browser.new_page(viewport={"width": 1280, "height": 1400})
    try:
        tab.goto(url)
        tab.screenshot(path=str(shot))
    finally:
        tab.close()
    with Image.open(shot) as image:
        assert image.size == (1280, 1400)
        colours = {rgb: n for n, rgb in image.convert("RGB").getcolors(maxcolors=1280 * 1400)}
    # The chart's bars and the severity badges are drawn in the severity colours.
    assert colours.get((0xC6, 0x28, 0x28), 0) > 1000  # error red
    assert colours.get((0xB7, 0x79, 0x1F), 0) > 1000  # warning amber
    assert colours.get((0x15, 0x65, 0xC0), 0) > 1000  # info blue


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
