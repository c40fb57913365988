"""Both roles through a whole round in headless Chromium (Playwright, Debian's chromium): the city
opens a round, two counties upload and submit, one is returned and resubmitted, the other accepted;
then the board is exported. `PLANLINT_DESK_SCREENSHOT=docs/desk-board.png` also saves the board's
screenshot for the README."""

from __future__ import annotations

import io
import os
import re

import openpyxl
import pytest
from desk_helpers import (
    GP,
    ITEM_LIST,
    PASSWORD,
    REVIEWER,
    ZEZHOU,
    ZZ,
    Server,
    city_with_county_tasks,
    copy_as,
    county_plan,
    make_desk,
)


def _workbook(path):
    with open(path, "rb") as fh:
        return openpyxl.load_workbook(io.BytesIO(fh.read()))


@pytest.fixture
def server(tmp_path):
    pytest.importorskip("argon2")
    srv = Server(make_desk(tmp_path / "data", accounts=(REVIEWER, ZZ, GP)), "--lint-processes", "0")
    try:
        yield srv
    finally:
        srv.stop()


def test_a_whole_round_in_the_browser(browser, server, tmp_path):
    from playwright.sync_api import expect

    first = copy_as(tmp_path, ZEZHOU, "泽州县2025年度内部双随机抽查工作计划（初稿）.xlsx")
    second = county_plan(tmp_path, "泽州县", note="修改稿")
    gaoping = county_plan(tmp_path, "高平市")
    (tmp_path / "city").mkdir()
    city_plan = city_with_county_tasks(tmp_path / "city")  # three tasks for the counties to initiate

    expect.set_options(timeout=30_000)  # a loaded CI machine may take seconds to lint an upload

    def login(account):
        ctx = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True
        )
        ctx.set_default_timeout(60_000)
        page = ctx.new_page()
        page.goto(server.url + "/")
        expect(page.locator("h1")).to_have_text("登录城市审查台")
        page.get_by_label("用户名").fill(account.username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.locator("header .who")).to_contain_text(account.username)
        return page

    def status_of(page, county):
        return page.locator("#board tr", has_text=county).locator("td").nth(1)

    # the city opens a round for two counties, with the province's 抽查事项清单
    city = login(REVIEWER)
    city.get_by_label("名称").fill("2025年度县级计划报送")
    city.get_by_label("计划年度").fill("2025")
    city.get_by_label("市级计划（上级计划）").set_input_files(str(city_plan))
    city.get_by_label("抽查事项清单").set_input_files(str(ITEM_LIST))
    city.get_by_label("须提交的县（市、区）").fill("泽州县\n高平市\n阳城县")
    city.get_by_role("button", name="开启").click()
    expect(city.locator("h1")).to_have_text("2025年度县级计划报送")
    expect(status_of(city, "泽州县")).to_have_text("未提交")
    expect(city.locator("#item-list")).to_have_text(ITEM_LIST.name)
    board_url = city.url

    # 泽州县 uploads its draft: findings at once, one explained, then submitted
    zz = login(ZZ)
    zz.get_by_role("link", name="2025年度县级计划报送").click()
    zz.locator("input[name=plan]").set_input_files(str(first))
    zz.get_by_role("button", name="上传并检查").click()
    expect(zz.locator("h1")).to_contain_text("第 1 版")
    expect(zz.locator("#findings .sev-error").first).to_be_visible()
    # every lint of the round checks the 抽查事项 against the round's list
    expect(zz.locator("#findings")).to_contain_text(f"抽查事项清单（{ITEM_LIST.name}）中找不到")
    expect(zz.get_by_role("link", name="批注副本（.xlsx）")).to_be_visible()
    with zz.expect_download() as info:
        zz.get_by_role("link", name="批注副本（.xlsx）").click()
    assert info.value.suggested_filename == f"{first.stem}.批注.xlsx"
    assert "检查结果" in _workbook(info.value.path()).sheetnames
    zz.get_by_label("说明理由").first.fill("按省局模板填写，已与市局沟通")
    zz.get_by_role("button", name="说明").first.click()
    expect(zz.locator(".flash")).to_have_text("已保存说明。")
    expect(zz.locator("#findings")).to_contain_text("已说明：按省局模板填写，已与市局沟通")
    zz.get_by_role("button", name="提交此版本").click()
    expect(zz.locator("#status")).to_have_text("已提交")

    # 高平市 uploads and submits
    gp = login(GP)
    gp.get_by_role("link", name="2025年度县级计划报送").click()
    gp.locator("input[name=plan]").set_input_files(str(gaoping))
    gp.get_by_role("button", name="上传并检查").click()
    expect(gp.locator("#summary")).to_contain_text("错误 0 个")
    gp.get_by_role("button", name="提交此版本").click()
    expect(gp.locator("#status")).to_have_text("已提交")

    # the city returns 泽州县 with comments and accepts 高平市
    city.goto(board_url)
    expect(status_of(city, "泽州县")).to_have_text("已提交")
    city.locator("#board").get_by_role("link", name="泽州县").click()
    expect(city.locator("#events")).to_contain_text("按省局模板填写")
    city.get_by_label("退回意见").fill("计划年度应为2025年，请按市局计划修改后重新提交")
    city.get_by_role("button", name="退回修改").click()
    expect(city.locator("#status")).to_have_text("已退回")
    city.goto(board_url)
    city.locator("#board").get_by_role("link", name="高平市").click()
    city.get_by_role("button", name="通过").click()
    expect(city.locator("#status")).to_have_text("已通过")

    # 泽州县 sees the comments, uploads a new version (with the diff), resubmits
    zz.reload()
    expect(zz.locator("#status")).to_have_text("已退回")
    expect(zz.locator("#comment")).to_have_text("计划年度应为2025年，请按市局计划修改后重新提交")
    zz.locator("input[name=plan]").set_input_files(str(second))
    zz.get_by_role("button", name="上传并检查").click()
    expect(zz.locator("h1")).to_contain_text("第 2 版")
    expect(zz.locator("#diff")).to_contain_text("与第 1 版相比")
    zz.get_by_role("button", name="提交此版本").click()
    expect(zz.locator("#status")).to_have_text("已提交")
    expect(zz.locator("#versions")).to_contain_text("第 2 版（已提交）")

    # the board: 泽州县 resubmitted (worst first), 高平市 accepted; export it
    city.goto(board_url)
    expect(status_of(city, "泽州县")).to_have_text("已提交")
    expect(status_of(city, "高平市")).to_have_text("已通过")
    expect(city.locator("#board tr").nth(1)).to_contain_text("阳城县")  # nothing uploaded: first
    expect(city.locator("#board tr").nth(2)).to_contain_text("泽州县")
    # coverage: the model plan has one of the three city tasks for counties; the tooltip says which are missing
    coverage = city.locator("#board tr", has_text="高平市").locator("td.coverage span").first
    expect(coverage).to_have_text("覆盖 1/3 项（33%）")
    expect(coverage).to_have_attribute(
        "title", re.compile(r"^未列入：任务4「对广告发布单位的双随机抽查」；任务9")
    )
    with city.expect_download() as info:
        city.get_by_role("link", name="导出审查台账（.xlsx）").click()
    ws = _workbook(info.value.path())["审查台账"]
    assert [(ws.cell(r, 1).value, ws.cell(r, 2).value, ws.cell(r, 3).value) for r in (4, 5, 6)] == [
        ("阳城县", "未提交", None),
        ("泽州县", "已提交", 2),
        ("高平市", "已通过", 1),
    ]

    # an editor cannot open the board or another county's page
    assert gp.goto(board_url.replace("/rounds/", "/rounds/") + "/board.json").status == 403
    response = gp.goto(zz.url)
    assert response.status == 404

    city.goto(board_url)
    city.set_viewport_size({"width": 1100, "height": 560})
    shot = city.screenshot()
    assert len(shot) > 10_000
    if target := os.environ.get("PLANLINT_DESK_SCREENSHOT"):
        with open(target, "wb") as fh:
            fh.write(shot)
            expect.set_options(timeout=5_000)  # Playwright's default, for the other tests
