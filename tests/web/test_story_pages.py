"""Issue 12's story through the pages, in Chromium, at the county level: the 兰山区 clerk fills the 申报表 and attaches
a file for every item of the checklist; another account of the bureau previews the files on the application's page
and returns it for the premises photo (退回补正); the clerk, told why, attaches a new photo and resubmits (补正后重新
报送); the page keeps both photos and tells what changed; the bureau reviews and publishes the notice, whose 5 working
days pass on the time-skipping server; the county's three departments co-sign one joint document for a batch of two;
the bureau awards the plaques; and the city prints the joint 公布文件 (both institutions in it) and each plaque
certificate from the page's links.

At every step another county's user gets 404 for the application's page, its files and its documents, and
whoever has no session is sent to sign in; the API answers them 404 and 401 (the same rule)."""

import re
from io import BytesIO

from pypdf import PdfReader

from tests.api.conftest import COUNTY_DEPARTMENTS, expect, opinions_given
from tests.conftest import unique
from tests.factory import credit_code
from tests.samples import unique_pdf, unique_png
from tests.web.conftest import Site, shot, sign_in

PDF = "application/pdf"
DOCUMENTS = ("declaration", "announcement", "certificate")


def pdf_text(data: bytes) -> str:
    """The PDF's text, whitespace removed (a long name wraps inside its table cell)."""
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(BytesIO(data)).pages))


async def signed_in(browser, site: Site, who: str):
    """A browser of ``who``'s own (a context: its own cookies), signed in."""
    context = await browser.new_context(base_url=site.url, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    page = await context.new_page()
    await sign_in(page, site, who)
    return page


async def material_hrefs(page, app_id: str) -> list[str]:
    await page.goto(f"/applications/{app_id}")
    links = page.locator("#materials a")
    return [await links.nth(i).get_attribute("href") or "" for i in range(await links.count())]


class Outside:
    """Another county's bureau (signed in to the pages) and a visitor with no session, checked at every step."""

    def __init__(self, site: Site, stranger, anonymous) -> None:
        self.site, self.stranger, self.anonymous = site, stranger, anonymous

    async def sees_nothing_of(self, app_id: str, material_pages: list[str]) -> None:
        base = f"/applications/{app_id}"
        pages = [base, *material_pages, *(f"{base}/documents/{d}.pdf" for d in DOCUMENTS)]
        for href in pages:
            refused = await self.stranger.request.get(href)
            assert refused.status == 404, f"罗庄区 {href}: {refused.status}"
            assert refused.headers["content-type"].startswith("text/html")
            answer = await self.anonymous.request.get(href, max_redirects=0)
            assert answer.status == 303 and answer.headers["location"].startswith("/login"), href
        api = self.site.api
        for path in [base, f"{base}/materials", f"{base}/history", *(p for p in pages if p != base)]:
            path = path.removesuffix("/preview")
            assert (await api.get("other_bureau", path)).status_code == 404, path
            assert (await api.get(None, path)).status_code == 401, path


async def declare_through_the_form(page, name: str) -> str:
    await page.goto("/applications/new?type=gig_market&level=county")
    await page.fill("#f-name", name)
    await page.fill("#f-credit_code", credit_code())
    await page.fill("#f-phone", "13912345678")
    await page.fill("#f-premises_area_m2", "800")
    await page.fill("#f-staff_count", "6")
    await page.fill("#f-founded_on", "2015-03-01")
    for area in await page.locator("#requirements textarea").all():
        await area.fill("经县区人社、发改、民政部门核实，符合该项条件")
    inputs = page.locator("#requirements input[type=file]")
    assert await inputs.count() >= 4  # every item of the checklist, required or optional, gets its file
    for field in await inputs.all():
        accepts = await field.get_attribute("accept") or ""
        item = (await field.get_attribute("name") or "").removeprefix("file__")
        if PDF in accepts:
            chosen = {"name": f"{item}.pdf", "mimeType": PDF, "buffer": unique_pdf()}
        else:
            chosen = {"name": "服务大厅.png", "mimeType": "image/png", "buffer": unique_png()}
        await field.set_input_files(chosen)
    await page.click("text=提交申报")
    await page.wait_for_url(re.compile(r"/applications/A[0-9a-f]{20}\?done=declare$"))
    return page.url.split("/applications/")[1].split("?")[0]


async def test_a_county_level_title_through_the_pages(late_page, late_site: Site, browser):
    clerk, site = late_page, late_site
    name = f"兰山区零工驿站{unique('')[-6:]}"
    stranger = await signed_in(browser, site, "other_bureau")
    anonymous = await (await browser.new_context(base_url=site.url)).new_page()
    outside = Outside(site, stranger, anonymous)

    # ---- the clerk declares through the 申报表, a file for every checklist item ---------------------------------
    await sign_in(clerk, site, "clerk")
    app_id = await declare_through_the_form(clerk, name)
    assert "已办理：申报" in await clerk.inner_text("#done")
    assert await clerk.locator("#materials tbody tr").count() >= 4
    await outside.sees_nothing_of(app_id, await material_hrefs(clerk, app_id))

    # ---- the bureau's reviewer previews the files -----------------------------------------------------------
    reviewer = await signed_in(browser, site, "bureau")
    await reviewer.goto(f"/applications/{app_id}")
    photo_row = reviewer.locator("#materials tbody tr", has_text="服务场所照片")
    async with reviewer.expect_popup() as opened:
        await photo_row.locator("a", has_text="预览").click()
    preview = await opened.value
    await preview.wait_for_load_state()
    assert preview.url.endswith("/preview")
    assert await preview.locator("img").count() == 1  # shown inline, as an image
    shown = await reviewer.request.get(preview.url)
    assert shown.headers["content-type"] == "image/png" and shown.headers["content-disposition"].startswith("inline")
    await preview.close()
    form_row = reviewer.locator("#materials tbody tr", has_text="申报表")
    form_pdf = await reviewer.request.get(await form_row.locator("a", has_text="预览").get_attribute("href") or "")
    assert form_pdf.headers["content-type"] == PDF and (await form_pdf.body()).startswith(b"%PDF-")
    old_photo = await photo_row.locator("a", has_text="下载").get_attribute("href") or ""

    # ---- and returns it for the missing photo ---------------------------------------------------------------
    reason = "缺少服务大厅窗口设置的照片，请补充后重新报送"
    await reviewer.fill("#f-county-correction-reason", reason)
    await reviewer.check("#f-county-correction-items >> input[value=premises_photos]")
    await reviewer.click("button:has-text('退回补正')")
    await reviewer.wait_for_url("**?done=county_request_correction")
    assert "已办理：县级退回补正" in await reviewer.inner_text("#done")
    assert "退回补正" in await reviewer.inner_text(".badge")
    await shot(reviewer, "story-returned")
    await outside.sees_nothing_of(app_id, await material_hrefs(reviewer, app_id))

    # ---- the clerk is told why, and resubmits with a new photo ----------------------------------------------
    await clerk.goto(f"/applications/{app_id}")
    assert reason in await clerk.inner_text("#correction-reason")
    photo_label = await clerk.inner_text("label[for='f-resubmission-file__premises_photos']")
    assert "（须重新提交）" in photo_label
    await clerk.fill("#f-resubmission-reason", "已补充服务大厅窗口照片")
    await clerk.click("button:has-text('重新报送')")  # without the photo first: refused, in Chinese
    beside = clerk.locator("#act-resubmission [role=alert]")  # said beside the files, in Chinese
    await beside.wait_for()
    assert "退回补正要求重新提交：服务场所照片" in await beside.inner_text()
    assert "填写有误" in await clerk.inner_text("[data-refusal]")
    await clerk.fill("#f-resubmission-reason", "已补充服务大厅窗口照片")
    assert await clerk.input_value("#f-resubmission-fact__staff_count") == "6"  # the facts as declared, to amend
    await clerk.fill("#f-resubmission-fact__staff_count", "8")
    new_photo = unique_png()
    await clerk.set_input_files(
        "#f-resubmission-file__premises_photos",
        {"name": "服务大厅窗口.png", "mimeType": "image/png", "buffer": new_photo},
    )
    await clerk.click("button:has-text('重新报送')")
    await clerk.wait_for_url("**?done=resubmit")
    assert "已办理：补正后重新报送" in await clerk.inner_text("#done")

    # ---- the page keeps both photos and tells what changed --------------------------------------------------
    timeline = await clerk.inner_text("#timeline")
    assert "县级退回补正" in timeline and reason in timeline
    assert "补正后重新报送" in timeline and "申报版本：2" in timeline
    assert "staff_count" not in timeline and "6 → 8" in timeline  # what changed, said on the page
    photos = clerk.locator("#materials tbody tr", has_text="服务场所照片")
    assert await photos.count() == 2
    assert "已被补正材料替换" in await photos.nth(0).inner_text()
    assert "服务大厅窗口.png" in await photos.nth(1).inner_text()
    new_href = await photos.nth(1).locator("a", has_text="下载").get_attribute("href") or ""
    assert await (await clerk.request.get(new_href)).body() == new_photo
    assert (await reviewer.request.get(old_photo)).status == 200  # the replaced photo stays on record
    await shot(clerk, "story-resubmitted")
    await outside.sees_nothing_of(app_id, await material_hrefs(clerk, app_id))

    # ---- the county's departments agree (会商); the bureau reviews and publishes the notice ---------------------
    await opinions_given(site.api, app_id)
    await reviewer.goto(f"/applications/{app_id}")
    await reviewer.check("#f-county-review-decision >> input[value=pass]")
    await reviewer.fill("#f-county-review-opinion", "补正后材料齐全，同意")
    await reviewer.click("text=提交县级审核")
    await reviewer.wait_for_url("**?done=county_review_pass")
    await reviewer.click("button:has-text('发布公示')")
    await reviewer.click("#confirm-dialog-accept")  # the act said what it will do: confirmed
    await reviewer.wait_for_url("**?done=publicize")
    other_name = f"兰山区职业培训学校{unique('')[-6:]}"
    second = await site.driver.publicized("county", type="training", name=other_name)  # the same batch
    await outside.sees_nothing_of(app_id, await material_hrefs(reviewer, app_id))
    await site.driver.pass_notice(app_id, second)  # 5 working days on the time-skipping server's clock

    # ---- the bureau forms the batch (its 文号 from the register); each department signs it once ---------------
    await reviewer.goto("/announcements")
    for box in await reviewer.locator("#batch-form input[name=applications]").all():
        if await box.get_attribute("value") not in (app_id, second):
            await box.uncheck()  # other tests' closed notices may be listed too
    await reviewer.click("#batch-form button:has-text('组成公布批次')")
    await reviewer.wait_for_url(re.compile(r"/announcements/B[0-9a-f]+$"))
    batch_url = reviewer.url
    doc_no = batch_url.rsplit("/", 1)[1]  # replaced by the 文号 below
    for who in COUNTY_DEPARTMENTS:
        department = await signed_in(browser, site, who)
        await department.goto(f"/applications/{app_id}")
        assert await department.locator("#f-co-sign-document_no").count() == 0  # never by itself
        await department.goto(batch_url)
        await department.click("#batch-sign button")
        await department.wait_for_url(batch_url)
        await department.context.close()
    announced = expect(await site.api.get("bureau", f"/applications/{app_id}"), 200)
    assert announced["state"] == "announced" and announced["announcement_id"] == doc_no
    doc_no = announced["announcement_doc_no"]

    # ---- the bureau awards the plaques ----------------------------------------------------------------------
    plaques = {}
    for each in (app_id, second):
        plaques[each] = f"LS-2026-{unique('')[-6:]}"
        announced_on = expect(await site.api.get("bureau", f"/applications/{each}"), 200)["announced_on"]
        await reviewer.goto(f"/applications/{each}")
        await reviewer.fill("#f-award-plaque_no", plaques[each])
        await reviewer.fill("#f-award-awarded_on", announced_on)
        await reviewer.click("button:has-text('授牌')")
        await reviewer.wait_for_url("**?done=award")
    await outside.sees_nothing_of(app_id, await material_hrefs(reviewer, app_id))
    await outside.sees_nothing_of(second, [])

    # ---- the city prints the joint 公布文件 and each plaque certificate -----------------------------------------
    city = await signed_in(browser, site, "reviewer")
    for each, institution in ((app_id, name), (second, other_name)):
        await city.goto(f"/applications/{each}")
        links = city.locator("#documents .doc-links a")
        announcement = await links.filter(has_text="公布文件").get_attribute("href") or ""
        certificate = await links.filter(has_text="奖牌证书").get_attribute("href") or ""
        joint = await city.request.get(announcement)
        assert joint.status == 200 and joint.headers["content-type"] == PDF
        text = pdf_text(await joint.body())
        assert doc_no in text and name in text and other_name in text  # one document for the batch
        assert "兰山区人力资源和社会保障局" in text and "兰山区发展和改革局" in text and "兰山区民政局" in text
        plaque = await city.request.get(certificate)
        assert plaque.status == 200 and plaque.headers["content-type"] == PDF
        text = pdf_text(await plaque.body())
        assert plaques[each] in text and institution in text and "县级" in text
    await shot(city, "story-printed")
    for opened in (stranger, anonymous, reviewer, city):
        await opened.context.close()
