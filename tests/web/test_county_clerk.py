"""A county bureau at work: its clerk signs in and declares through the 申报表 (an error beside its field first) and
may not review what they declared (separation of duties, said in Chinese); a second account of the bureau
county-reviews it, and meets a refused act (a stale page) said in Chinese (the API's own English message only in the log)."""

import re

from tests.api.conftest import opinions_given
from tests.conftest import unique
from tests.factory import credit_code
from tests.samples import unique_pdf, unique_png
from tests.web.conftest import shot, sign_in


async def attest_and_attach(page) -> None:
    """Every condition attested in the clerk's words, a file for every item the checklist requires."""
    for area in await page.locator("#requirements textarea").all():
        if not await area.input_value():
            await area.fill("经县区三部门核实，符合该项条件")
    for field in await page.locator("#requirements .field").all():
        label = await field.locator("label").inner_text()
        if "（必需）" not in label:
            continue
        accepts = await field.locator("input[type=file]").get_attribute("accept") or ""
        pdf = "application/pdf" in accepts
        data, name, mime = (
            (unique_pdf(), "材料.pdf", "application/pdf") if pdf else (unique_png(), "照片.png", "image/png")
        )
        await field.locator("input[type=file]").set_input_files({"name": name, "mimeType": mime, "buffer": data})


async def test_a_county_clerk_declares_reviews_and_sees_a_refusal_in_chinese(page, site, browser):
    name = f"兰山区工作台测试零工市场{unique('')[-6:]}"
    code = credit_code()
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")  # the right shape, the wrong check character

    await sign_in(page, site, "clerk")
    assert "待办" in await page.inner_text("#todo")
    await page.click("nav >> text=新建申报")
    await page.wait_for_url("**/applications/new")
    await page.goto("/applications/new?type=gig_market&level=county")  # the form drawn for the type to declare
    assert await page.input_value("#f-type") == "gig_market"
    await page.fill("#f-name", name)
    await page.fill("#f-credit_code", wrong)
    await page.fill("#f-phone", "13912345678")
    await page.fill("#f-premises_area_m2", "800")
    await page.fill("#f-staff_count", "6")
    await page.fill("#f-founded_on", "2015-03-01")
    assert await page.locator("#f-opinion_drc").count() == 0  # the departments give their own opinions (会商)
    assert "零工市场场地面积证明" in await page.inner_text("#requirements")
    await attest_and_attach(page)
    await page.click("text=提交申报")
    error = page.locator("#f-credit_code-error")
    await error.wait_for()
    assert "校验位错误" in await error.inner_text()
    assert "填写有误" in await page.inner_text("[data-refusal]")
    await shot(page, "declare-refused-field")

    await page.fill("#f-credit_code", code)
    await attest_and_attach(page)  # a browser never keeps chosen files across a redrawn form
    await page.click("text=提交申报")
    await page.wait_for_url(re.compile(r"/applications/A[0-9a-f]{20}\?done=declare$"))
    app_url = page.url.split("?")[0]
    assert "已办理：申报" in await page.inner_text("#done")
    assert (await page.text_content(".step.is-current")).strip() == "县级审核（当前环节）"
    said = await page.inner_text("#department-opinions")  # the departments' opinions are still to come
    assert "县区发展改革局、民政局尚未出具意见" in said

    assert await page.locator("#act-county-review").count() == 0  # the clerk is not offered to review their own
    await page.goto("/")
    assert name not in await page.inner_text("#todo")  # nor is it in their 待办
    await page.goto(app_url)
    await shot(page, "application-separation-of-duties")

    await opinions_given(site.api, app_url.rsplit("/", 1)[1])  # 会商: the county's DRC and civil affairs agree
    reviewer = await browser.new_context(base_url=site.url)  # another account of the same bureau reviews
    page = await reviewer.new_page()
    await sign_in(page, site, "bureau")
    await page.goto(app_url)
    stale = await reviewer.new_page()  # the same page, open in a second tab
    await stale.goto(app_url)

    await page.check("#f-county-review-decision >> input[value=pass]")
    await page.fill("#f-county-review-opinion", "材料齐全，同意")
    await page.click("text=提交县级审核")
    await page.wait_for_url("**?done=county_review_pass")
    assert "已办理：县级审核通过" in await page.inner_text("#done")
    assert "县级审核通过" in await page.inner_text(".badge")
    assert "材料齐全，同意" in await page.inner_text("#timeline")
    await shot(page, "application-county-reviewed")

    await stale.check("#f-county-review-decision >> input[value=fail]")
    await stale.fill("#f-county-review-opinion", "不同意")
    await stale.click("text=提交县级审核")
    refusal = stale.locator("[data-refusal]")
    await refusal.wait_for()
    said = await refusal.inner_text()
    assert "当前状态不允许此操作" in said
    assert "当前状态：县级审核通过" in said
    assert "您现在可以办理：" in said and "发布公示" in said
    shown = await stale.inner_text("body")  # the API's own English words go to the log, not the page, not even hidden
    assert "接口原文" not in shown and "county_review_fail" not in shown and "county_reviewed" not in shown
    assert await stale.locator("#act-county-review").count() == 0  # the form is gone: the act is not allowed now
    await shot(stale, "application-refused-in-chinese")

    await page.goto("/")
    assert name in await page.inner_text("#done-list")
    todo = await page.inner_text("#todo")
    assert re.search(r"\d+\s*件待发布公示", todo) and name in todo
    await reviewer.close()


async def test_the_bureau_forms_the_batch_from_its_to_do_and_the_departments_sign_it_not_the_application(
    late_page, late_site, browser
):
    """批次公布: no department co-signs the application by itself (no 文号 typed on its page, no such to-do); the
    county bureau puts it into a batch from its 待办 (the 文号 from the register), and each department signs the
    batch once on the batch's page."""
    page, site = late_page, late_site
    name = f"兰山区会签测试职业培训学校{unique('')[-6:]}"
    app_id = await site.driver.notice_closed("county", name=name)

    await sign_in(page, site, "county_hrss")
    await page.goto("/")
    assert name not in await page.inner_text("#todo")  # no per-application co-signature owed
    await page.goto(f"/applications/{app_id}")
    assert await page.locator("#f-co-sign-document_no").count() == 0  # no per-application co-signature
    said = await page.inner_text("#by-batch")
    assert "兰山区人社局编入公布批次" in said and await page.locator("#form-batch-link").count() == 0

    other = await browser.new_context(base_url=site.url)
    bureau = await other.new_page()
    await sign_in(bureau, site, "bureau")
    await bureau.goto(f"/applications/{app_id}")
    assert await bureau.locator("#form-batch-link").count() == 1  # the owner: a link to form the batch
    await bureau.goto("/")
    todo = bureau.locator("[data-act=form_announcement]")
    assert "件待编入公布批次" in await todo.inner_text() and name in await todo.inner_text()
    for box in await todo.locator("input[name=applications]").all():  # ours alone (other tests' may be listed)
        if await box.get_attribute("value") != app_id:
            await box.uncheck()
    await todo.locator("button:has-text('组成公布批次')").click()
    await bureau.wait_for_url(re.compile(r"/announcements/B[0-9a-f]+$"))
    batch_url = bureau.url
    shown = await bureau.locator("main").inner_text()
    assert name in shown and "尚未会签" in shown
    await other.close()

    await page.goto(f"/applications/{app_id}")
    await page.locator("#in-batch a").click()
    await page.wait_for_url(batch_url)
    await page.click("#batch-sign button")
    await page.wait_for_url(batch_url)
    assert "人力资源社会保障局：已会签" in await page.locator("#batch-signatures").inner_text()
    await shot(page, "batch-signed-by-the-county-hrss")


async def test_the_declaration_form_redraws_its_conditions_and_materials_for_the_latest_choice(page, site):
    """Level then type chosen in quick succession: the form ends with the city level's gig-market condition and the
    gig market's proof, never the list drawn for an intermediate choice."""
    await sign_in(page, site, "clerk")
    await page.goto("/applications/new")
    assert await page.locator("#requirements").get_by_text("零工市场场地面积证明").count() == 0  # public agency first
    await page.select_option("#f-level", "city")
    await page.select_option("#f-type", "training")
    await page.select_option("#f-type", "gig_market")
    requirements = page.locator("#requirements")
    await requirements.get_by_text("服务场所面积不少于500㎡", exact=False).wait_for()
    await page.wait_for_load_state("networkidle")
    said = await requirements.inner_text()
    assert "零工市场场地面积证明" in said and "培训合格率和学员整体满意率" not in said
    assert await page.locator("#requirements #requirements").count() == 0  # redrawn inside, not nested
