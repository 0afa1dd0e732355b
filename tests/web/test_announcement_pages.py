"""The batch (批次公布) on the pages: a county department finds ONE to-do for the batch (none per application),
opens the batch page (its applications, the 文号, who signed) and signs it with one button; the third signature
announces them all and the page links the joint document."""

import re

from tests.api.conftest import expect
from tests.web.conftest import shot, sign_in

ENGLISH = re.compile(r"\b(formed|announced|publicized|hrss|drc|civil_affairs)\b")


async def test_a_department_signs_the_batch_from_its_todo_on_the_batch_page(late_page, late_site):
    page, site = late_page, late_site
    driver, api = site.driver, site.api
    first, second = await driver.publicized("county"), await driver.publicized("county")
    alone = await driver.publicized("county")  # in no batch yet: announced by a batch all the same (批次公布)
    await driver.pass_notice(first, second, alone)
    batch = expect(await api.post("bureau", "/announcements", {"applications": [first, second]}), 201)
    names = [(await driver.state(a))["institution"]["name"] for a in (first, second)]

    await sign_in(page, site, "county_hrss")
    await page.goto(f"/applications/{alone}")
    assert await page.locator("input[name=document_no]").count() == 0  # never co-signed by itself
    assert "编入公布批次" in await page.inner_text("#by-batch")
    await page.goto(f"/applications/{first}")  # signed by the batch: no 文号 typed by hand on the application
    assert await page.locator("input[name=document_no]").count() == 0
    assert await page.locator(f"#in-batch a[href='/announcements/{batch['id']}']").count() == 1
    await page.goto("/")
    todo = page.locator("[data-act=announcement]")
    assert await todo.count() == 1
    assert batch["document_no"] in await todo.inner_text()
    owed = page.locator("[data-act=co_sign] a")
    hrefs = [await owed.nth(i).get_attribute("href") for i in range(await owed.count())]
    assert f"/applications/{alone}" not in hrefs and f"/applications/{first}" not in hrefs
    await todo.locator(f"a[href='/announcements/{batch['id']}']").first.click()
    await page.wait_for_url(re.compile(f"/announcements/{batch['id']}$"))

    shown = await page.locator("main").inner_text()
    assert batch["document_no"] in shown and all(name in shown for name in names)
    assert "尚未会签" in shown and not ENGLISH.search(shown)
    await page.click("#batch-sign button")
    await page.wait_for_url(re.compile(f"/announcements/{batch['id']}$"))
    signed = await page.locator("#batch-signatures").inner_text()
    assert "人力资源社会保障局：已会签" in signed and "发展改革局：尚未会签" in signed
    assert await page.locator("#batch-sign").count() == 0  # signed once: no second button
    await page.goto("/")
    assert await page.locator("[data-act=announcement]").count() == 0

    for who in ("county_drc", "county_civil_affairs"):
        expect(await api.post(who, f"/announcements/{batch['id']}/co-signatures"), 200)
    await page.goto(f"/announcements/{batch['id']}")
    assert (await page.locator("#batch-state").inner_text()) == "已公布"
    answer = await page.request.get(await page.locator("#batch-document").get_attribute("href"))
    assert answer.status == 200 and (await answer.body()).startswith(b"%PDF-")
    await page.goto("/announcements")
    assert batch["document_no"] in await page.locator("#announcements").inner_text()
    await shot(page, "announcements")
