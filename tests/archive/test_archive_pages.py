"""归档包 on the pages, in a real browser: the application page links 「下载归档包」 once the application has ended (not
before: then the package is refused in Chinese), and the statistics page's form downloads a county's year."""

import io
import zipfile
from datetime import datetime

from db.numbers import number_or_id
from state.clock import SHANGHAI
from tests.api.conftest import expect
from tests.factory import COUNTY
from tests.web.conftest import shot, sign_in


async def test_the_archive_link_and_the_yearly_form(page, site):
    api = site.api
    ended, still_open = await site.driver.declare("county"), await site.driver.declare("county")
    expect(await api.post("bureau", f"/applications/{ended}/withdrawal", {"reason": "机构决定不再申报"}), 200)

    await sign_in(page, site, "bureau")
    await page.goto(f"/applications/{still_open}")
    assert await page.locator("#archive-link").count() == 0
    refused = await page.request.get(f"/applications/{still_open}/archive.zip")
    assert refused.status == 409 and "尚未办结" in await refused.text() and "not_archivable" not in await refused.text()

    await page.goto(f"/applications/{ended}")
    link = page.locator("#archive-link")
    assert (await link.inner_text()).strip() == "下载归档包"
    async with page.expect_download() as downloading:
        await link.click()
    saved = await (await downloading.value).path()
    package = zipfile.ZipFile(saved)
    assert {"manifest.json", "manifest.json.p7s", "办理过程.pdf", "文书/申报表.pdf"} <= set(package.namelist())
    await shot(page, "archive-link")

    await page.goto("/statistics")
    form = page.locator("#archive-form")
    assert await form.locator("#archive-county option").all_inner_texts() == [COUNTY]  # a county sees its own
    await form.locator("#archive-year").fill(str(datetime.now(SHANGHAI).year))
    async with page.expect_download() as downloading:
        await form.locator("button[type=submit]").click()
    year = zipfile.ZipFile(io.BytesIO((await (await downloading.value).path()).read_bytes()))
    assert f"{number_or_id(api.database_url, ended)}.zip" in year.namelist()
    assert f"{number_or_id(api.database_url, still_open)}.zip" not in year.namelist()
    await shot(page, "archive-form")

    empty = await page.request.get(f"/archives.zip?year=2001&county={COUNTY}")
    assert empty.status == 404 and "2001年没有可归档的申报" in await empty.text()
