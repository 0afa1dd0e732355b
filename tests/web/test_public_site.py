"""The public site, no sign-in: the notice board, objecting through /notices/{id}, the receipt page before and after
the finding, and the 标杆机构名录; on a desktop and on a phone."""

import re

from tests.api.conftest import expect
from tests.conftest import unique
from tests.web.conftest import PHONE, shot


async def test_the_notice_board_and_an_objection_through_its_receipt(page, site, browser):
    name = f"兰山区公示测试零工市场{unique('')[-6:]}"
    app_id = await site.driver.publicized("county", name=name)

    await page.goto("/notices")
    await page.get_by_role("link", name=name).wait_for()
    assert "临沂市就业服务质量标杆机构拟评定名单公示" in await page.inner_text("h1")
    assert "兰山区人力资源和社会保障局" in await page.inner_text("main")
    await shot(page, "public-notices")

    await page.get_by_role("link", name=name).click()
    await page.wait_for_url(f"**/notices/{app_id}")
    await page.fill("#f-name", "张三")
    await page.fill("#f-contact", "13800000000")
    await page.fill("#f-content", "   ")  # blank: the server refuses it beside the field, in Chinese
    await page.click("text=提交异议")
    assert "此项必填" in await page.inner_text("#f-content-error")

    await page.fill("#f-content", "培训场地与申报不符")
    await page.click("text=提交异议")
    await page.wait_for_url(re.compile(r"/objections/[0-9A-Z]{16}\?new=1$"))
    receipt = (await page.inner_text("#receipt")).strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", receipt)
    assert (await page.inner_text("#objection-status")).strip() == "调查核实中"
    assert "张三" not in await page.inner_text("body") and "13800000000" not in await page.inner_text("body")
    await shot(page, "public-objection-receipt")

    view = expect(await site.api.get("bureau", f"/applications/{app_id}"), 200)
    (objection,) = view["objections"]
    finding = {"upheld": False, "finding": "经实地核查，培训场地属实"}
    expect(await site.api.post("bureau", f"/applications/{app_id}/objections/{objection['id']}/finding", finding), 200)

    await page.goto(f"/objections?receipt={receipt.lower()}")  # typed in lower case, with dashes: still found
    assert (await page.inner_text("#objection-status")).strip() == "已办结：异议不属实"
    assert (await page.inner_text("#objection-finding")).strip() == "经实地核查，培训场地属实"
    assert objection["id"] not in await page.content()  # the workflow's sequential id is never the receipt

    await page.goto("/objections/AAAA-BBBB-CCCC-DDDD")
    assert "未找到回执号" in await page.inner_text("main")

    phone = await browser.new_context(base_url=site.url, **PHONE)
    on_phone = await phone.new_page()
    await on_phone.goto("/notices")
    await on_phone.get_by_role("link", name=name).wait_for()
    width = await on_phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the notice board is {width}px wide on a 375px phone"
    await shot(on_phone, "public-notices-phone")
    await phone.close()


async def test_an_objection_after_the_notice_has_ended_is_not_possible(late_page, late_site):
    page, site = late_page, late_site
    app_id = await site.driver.notice_closed("county")
    await page.goto(f"/notices/{app_id}")
    assert "不在公示期内" in await page.inner_text("main")


async def test_the_directory_lists_titles_by_level_and_county_and_marks_revocations(late_page, late_site):
    page, site = late_page, late_site
    name = f"兰山区名录测试培训学校{unique('')[-6:]}"
    app_id = await site.driver.awarded("county", name=name, type="hr_agency")
    await page.goto("/titles")
    row = page.locator("tr", has_text=name)
    assert "有效" in await row.inner_text()
    body = {"reason": "deregistered", "evidence": "机构已注销"}
    expect(await site.api.post("inspector", f"/applications/{app_id}/revocation", body), 202)
    await page.goto("/titles")
    assert "有效" in await page.locator("tr", has_text=name).inner_text()  # a proposal revokes nothing yet
    decided = await site.driver.revocation_signed(app_id, "county")
    await page.goto("/titles")
    text = await page.locator("tr", has_text=name).inner_text()
    assert re.search(r"已撤销（\d{4}年\d{1,2}月\d{1,2}日，兰山人社字〔\d{4}〕\d+号）", text), text
    assert decided["document_no"] in text
    await page.goto("/revocations")  # the public 撤销公告, with the decision's PDF
    listed = await page.locator("#revocation-table tr", has_text=name).inner_text()
    assert decided["document_no"] in listed and "机构注销" in listed
    assert "经营性人力资源服务机构" in text
    await shot(page, "public-titles")
