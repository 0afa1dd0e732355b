"""A city-level declaration in the browser: the round is chosen among the rounds open now (by their Chinese names
and windows), and with none open the form says so; a county title from before the system is refused with what to
do (the admin's 历史称号导入), and the admin imports it from a page (a bad row refused by its line, nothing imported;
the good file imported and listed), after which the same declaration goes through."""

import re

from tests.conftest import unique
from tests.factory import credit_code
from tests.samples import unique_pdf, unique_png
from tests.web.conftest import sign_in
from tests.web.test_accessibility import report, severe_violations
from tests.web.test_county_clerk import attest_and_attach

HEADER = "institution_name,type,county,credit_code,level,document_no,date,plaque_no"


def csv_file(*rows: str) -> dict:
    text = "\n".join([HEADER, *rows]) + "\n"
    return {"name": "历史称号.csv", "mimeType": "text/csv", "buffer": text.encode("utf-8-sig")}


async def reload_until_option(page, url: str, round_id: str, tries: int = 60) -> None:
    for _ in range(tries):  # the round's read model is projected by its workflow
        await page.goto(url)
        if await page.locator(f"#f-round_id option[value='{round_id}']").count():
            return
        await page.wait_for_timeout(250)
    raise AssertionError(f"round {round_id} never offered")


async def test_a_city_declaration_chooses_an_open_round_and_a_historic_title_is_imported_from_a_page(
    page, site, browser
):
    round_id = unique("R")
    await site.api.ensure_round(round_id)
    name = f"兰山区历史称号测试零工市场{unique('')[-6:]}"
    code = credit_code()
    doc_no = f"兰山人社发〔2022〕{unique('')[-4:]}号"
    url = "/applications/new?type=gig_market&level=city"

    await sign_in(page, site, "clerk")
    await reload_until_option(page, url, round_id)
    assert await page.locator("#f-round_id").evaluate("e => e.tagName") == "SELECT"  # a choice, not a free field
    label = await page.locator(f"#f-round_id option[value='{round_id}']").inner_text()
    assert f"测试批次 {round_id}" in label and "市级" in label and "申报时间" in label and "至" in label
    await page.select_option("#f-round_id", round_id)
    await page.fill("#f-name", name)
    await page.fill("#f-credit_code", code)
    await page.fill("#f-phone", "13912345678")
    await page.fill("#f-premises_area_m2", "800")
    await page.fill("#f-staff_count", "6")
    await page.fill("#f-founded_on", "2015-03-01")
    await page.fill("#f-county_title_doc_no", doc_no)
    await page.fill("#f-county_title_date", "2022-06-30")
    await attest_and_attach(page)
    await page.click("text=提交申报")
    error = page.locator("#f-credit_code-error")
    await error.wait_for()
    said = await error.inner_text()
    assert "未查到" in said and "本系统启用之前" in said and "历史称号导入" in said  # what to do, and who does it
    assert await page.input_value("#f-round_id") == round_id  # the choice is kept

    admin_context = await browser.new_context(base_url=site.url, locale="zh-CN")
    admin = await admin_context.new_page()
    await sign_in(admin, site, "admin")
    await admin.click("nav >> text=历史称号导入")
    await admin.wait_for_url("**/historic-titles")
    good = f"{name},零工市场,兰山区,{code},县级,{doc_no},2022-06-30,"
    await admin.set_input_files(
        "#f-file", csv_file(good, f"{name}二,零工市场,不存在县,{credit_code()},县级,x,2022-06-30,")
    )
    await admin.click("#import button[type=submit]")
    problems = admin.locator("#import-problems")
    await problems.wait_for()
    text = await problems.inner_text()
    assert "全部未导入" in text and "第3行县区不在本市县区之列" in text
    assert "第2行" not in text
    assert not re.search(r"[A-Za-z]{4,}", text)  # no English
    assert name not in await admin.inner_text("#title-table")  # nothing imported
    found = await severe_violations(admin)  # the page and its report pass axe

    await admin.set_input_files("#f-file", csv_file(good))
    await admin.click("#import button[type=submit]")
    await admin.locator("#done").wait_for()
    assert "新导入1条" in await admin.inner_text("#done")
    row = admin.locator("#title-table tr", has_text=name)
    assert doc_no in await row.inner_text() and "县级" in await row.inner_text()
    found += await severe_violations(admin)
    assert not found, report(found)
    await admin_context.close()

    await page.click("text=提交申报")  # the files kept from the refused submission: nothing chosen again
    await page.wait_for_url(re.compile(r"/applications/A[0-9a-f]{20}\?done=declare$"))
    app_id = page.url.split("/applications/")[1].split("?")[0]
    detail = await site.driver.state(app_id)
    assert detail["round_id"] == round_id and detail["level"] == "city"


async def test_with_no_round_open_the_city_level_says_so(late_page, late_site):
    await sign_in(late_page, late_site, "clerk")
    await late_page.goto("/applications/new?type=gig_market&level=city")
    assert await late_page.locator("#f-round_id").count() == 0  # no free field to type an id into
    assert "当前没有开放申报的评审批次" in await late_page.inner_text("#no-open-round")


async def test_the_historic_titles_page_is_the_admins(page, site):
    await sign_in(page, site, "clerk")
    answer = await page.goto("/historic-titles")
    assert answer is not None and answer.status == 403
    assert "历史称号导入" not in await page.inner_text("nav")


async def test_an_objection_with_an_evidence_image_and_whom_to_write_to(page, site, browser):
    name = f"兰山区异议证据测试零工市场{unique('')[-6:]}"
    app_id = await site.driver.publicized("county", name=name)

    await page.goto(f"/notices/{app_id}")
    publisher = await page.inner_text("#objection-publisher")  # no contacts configured: whom to write to
    assert "兰山区人力资源和社会保障局" in publisher and "官方网站" in publisher
    await page.goto("/notices")  # each organ's 公示 names its own publisher
    publishers = await page.locator(".objection-publisher").all_inner_texts()
    assert any("兰山区人力资源和社会保障局" in p for p in publishers)

    await page.goto(f"/notices/{app_id}")
    await page.fill("#f-name", "李四")
    await page.fill("#f-contact", "13800000001")
    await page.fill("#f-content", "场地照片与实际不符，附现场照片")
    pdf = {"name": "说明.pdf", "mimeType": "application/pdf", "buffer": unique_pdf()}
    await page.set_input_files("#f-evidence", [pdf])
    await page.click("text=提交异议")
    error = page.locator("#f-evidence-error")
    await error.wait_for()
    found = await severe_violations(page)
    assert not found, report(found)
    assert "说明.pdf" in await error.inner_text() and "只接受 JPEG、PNG 图片" in await error.inner_text()
    assert await page.input_value("#f-content") == "场地照片与实际不符，附现场照片"  # the text is kept

    photo = {"name": "现场照片.png", "mimeType": "image/png", "buffer": unique_png()}
    await page.set_input_files("#f-evidence", [photo])
    await page.click("text=提交异议")
    await page.wait_for_url(re.compile(r"/objections/[0-9A-Z]{16}\?new=1$"))

    bureau_context = await browser.new_context(base_url=site.url, locale="zh-CN")
    bureau = await bureau_context.new_page()
    await sign_in(bureau, site, "bureau")  # the county bureau investigates a county-level objection
    await bureau.goto(f"/applications/{app_id}")
    row = bureau.locator("#materials tr", has_text="现场照片.png")
    assert "异议证据材料" in await row.inner_text()
    href = await row.locator("a", has_text="下载").get_attribute("href")
    answer = await bureau.request.get(href or "")
    assert answer.status == 200 and answer.headers["content-type"] == "image/png"
    await bureau_context.close()


async def test_the_inspector_attaches_evidence_files_to_a_revocation(late_page, late_site):
    page, site = late_page, late_site
    name = f"兰山区撤销依据测试零工市场{unique('')[-6:]}"
    app_id = await site.driver.announced("county", name=name)
    await sign_in(page, site, "inspector")
    await page.goto(f"/applications/{app_id}")
    await page.select_option("#f-revocation-reason", index=1)
    await page.fill("#f-revocation-evidence", "经核查，机构已停止提供就业服务")
    text = {"name": "说明.txt", "mimeType": "text/plain", "buffer": "不是PDF".encode()}
    await page.set_input_files("#f-revocation-files", [text])
    await page.click("#act-revocation button[type=submit]")
    await page.click("#confirm-dialog-accept")
    error = page.locator("#f-revocation-files-error")
    await error.wait_for()
    assert "只接受" in await error.inner_text() and "说明.txt" in await error.inner_text()
    assert (await site.driver.state(app_id))["state"] == "announced"  # refused: nothing done

    await page.select_option("#f-revocation-reason", index=1)
    await page.fill("#f-revocation-evidence", "经核查，机构已停止提供就业服务")
    report = {"name": "核查报告.pdf", "mimeType": "application/pdf", "buffer": unique_pdf()}
    await page.set_input_files("#f-revocation-files", [report])
    await page.click("#act-revocation button[type=submit]")
    await page.click("#confirm-dialog-accept")
    await page.wait_for_url("**?done=revoke")
    assert (await site.driver.state(app_id))["state"] == "announced"  # proposed: revoked once the three have signed
    await site.driver.revocation_signed(app_id, "county")
    await page.goto(f"/applications/{app_id}")
    row = page.locator("#materials tr", has_text="核查报告.pdf")
    assert "撤销依据材料" in await row.inner_text()
