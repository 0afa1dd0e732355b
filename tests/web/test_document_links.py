"""The application's page links its PDFs and files, served with the session (no token) by the same functions the API
uses: a PDF opens as application/pdf; another county's user gets 404; a document not yet due is refused in Chinese."""

from tests.web.conftest import shot, sign_in
from tests.web.test_scope_and_words import listed

PDF = "application/pdf"


async def _links(page) -> dict[str, str]:
    anchors = page.locator("#documents .doc-links a")
    texts = await anchors.all_inner_texts()
    hrefs = [await anchors.nth(i).get_attribute("href") for i in range(len(texts))]
    return dict(zip(texts, hrefs, strict=True))


async def test_the_application_page_links_its_pdfs_and_files(late_page, late_site, browser):
    page, site = late_page, late_site
    awarded = await site.driver.awarded("county")
    await listed(site, awarded)

    await sign_in(page, site, "bureau")
    await page.goto(f"/applications/{awarded}")
    links = await _links(page)
    assert list(links) == ["申报表（PDF）", "公布文件（PDF）", "奖牌证书（PDF）"]
    for href in links.values():
        assert href.startswith(f"/applications/{awarded}/documents/"), href  # the page's, not the API's
        answer = await page.request.get(href)
        assert answer.status == 200 and answer.headers["content-type"] == PDF, href
        assert (await answer.body()).startswith(b"%PDF-")

    async with page.expect_popup() as opened:  # clicking opens the PDF itself
        await page.click("#documents >> text=申报表（PDF）")
    popup = await opened.value
    await popup.wait_for_load_state()
    assert popup.url.endswith(f"/applications/{awarded}/documents/declaration.pdf")
    await popup.close()

    rows = page.locator("#materials tbody tr")
    assert await rows.count() >= 1
    preview = await rows.first.locator("a", has_text="预览").get_attribute("href")
    download = await rows.first.locator("a", has_text="下载").get_attribute("href")
    shown = await page.request.get(preview)
    assert shown.status == 200 and shown.headers["content-type"] in (PDF, "image/png")
    assert shown.headers["content-disposition"].startswith("inline")
    saved = await page.request.get(download)
    assert saved.headers["content-disposition"].startswith("attachment") and await saved.body() == await shown.body()
    await shot(page, "application-documents")

    other = await browser.new_context(base_url=site.url)  # another county's bureau: as if it did not exist
    stranger = await other.new_page()
    await sign_in(stranger, site, "other_bureau")
    for href in [*links.values(), preview, download]:
        refused = await stranger.request.get(href)
        assert refused.status == 404, href
        assert refused.headers["content-type"].startswith("text/html")
    await other.close()

    anonymous = await browser.new_context(base_url=site.url)  # no session: sign in first
    answer = await anonymous.request.get(links["申报表（PDF）"], max_redirects=0)
    assert answer.status == 303 and answer.headers["location"].startswith("/login")
    await anonymous.close()


async def test_a_document_not_yet_due_is_not_linked_and_is_refused_in_chinese(page, site):
    declared = await site.driver.declare("county")
    await listed(site, declared)
    await sign_in(page, site, "bureau")
    await page.goto(f"/applications/{declared}")
    assert list(await _links(page)) == ["申报表（PDF）"]
    answer = await page.goto(f"/applications/{declared}/documents/certificate.pdf")
    assert answer.status == 409
    assert "暂无奖牌证书" in await page.inner_text("h1")


async def test_the_notice_board_links_the_printable_list(page, site):
    await site.driver.publicized("county")  # the list is issued only while something is under notice
    await page.goto("/notices")
    href = await page.get_attribute("#notice-list-pdf", "href")
    answer = await page.request.get(href)
    assert answer.status == 200 and answer.headers["content-type"] == PDF
