"""Irreversible acts ask first, saying what will happen: dismissing sends nothing, accepting does the act. The
declaring clerk is offered 撤回 but not 退回补正 or 评分 on its own declaration; whoever reviews it is offered the
review and 退回补正, not the red 撤回 form. The 审批单 prints from the application page."""

import asyncio

from tests.conftest import unique
from tests.web.conftest import shot, sign_in


async def _acts(site, app_id: str) -> list[str]:
    return [a["act"] for a in (await site.driver.state(app_id))["acts"]]


async def test_withdrawal_asks_first_and_only_the_declarer_is_offered_it(page, site, browser):
    app_id = await site.driver.declare("county")  # by "clerk"
    await sign_in(page, site, "clerk")
    await page.goto(f"/applications/{app_id}")
    assert await page.locator("#act-county-correction").count() == 0  # separation of duties, on the page too
    assert await page.locator("#act-county-review").count() == 0
    await page.fill("#f-withdrawal-reason", "机构决定暂不参评")

    await page.click("button:has-text('撤回申报')")
    dialog = page.locator("#confirm-dialog")
    await dialog.wait_for(state="visible")
    said = await dialog.inner_text()
    assert "撤回后，本申报即告终止" in said and "不能恢复" in said
    await shot(page, "confirm-withdrawal")
    await page.click("#confirm-dialog-cancel")
    await dialog.wait_for(state="hidden")
    await asyncio.sleep(0.5)
    assert await _acts(site, app_id) == ["declare"]  # dismissed: nothing was sent
    assert (await site.driver.state(app_id))["state"] == "declared"

    await page.click("button:has-text('撤回申报')")
    await dialog.wait_for(state="visible")
    await page.click("#confirm-dialog-accept")
    await page.wait_for_url("**?done=withdraw")
    assert (await site.driver.state(app_id))["state"] == "withdrawn"

    other = await site.driver.declare("county")
    reviewer = await browser.new_context(base_url=site.url)
    second = await reviewer.new_page()
    await sign_in(second, site, "bureau")
    await second.goto(f"/applications/{other}")
    assert (
        await second.locator("#act-county-correction").count() == 1
        and await second.locator("#act-county-review").count() == 1
    )
    assert await second.locator("#act-withdrawal").count() == 0  # no red 撤回 beside the review
    await reviewer.close()


async def test_publicizing_asks_first(page, site):
    app_id = await site.driver.county_reviewed("county", who="clerk")
    await sign_in(page, site, "bureau")
    await page.goto(f"/applications/{app_id}")
    await page.click("#act-notice button[type=submit]")
    dialog = page.locator("#confirm-dialog")
    await dialog.wait_for(state="visible")
    assert "公示5个工作日" in await dialog.inner_text()
    await page.keyboard.press("Escape")
    await dialog.wait_for(state="hidden")
    await asyncio.sleep(0.5)
    assert (await site.driver.state(app_id))["state"] == "county_reviewed"
    await page.click("#act-notice button[type=submit]")
    await page.click("#confirm-dialog-accept")
    await page.wait_for_url("**?done=publicize")
    assert (await site.driver.state(app_id))["state"] == "publicized"


async def test_the_declarer_is_not_offered_to_score_its_own_candidate(page, site, browser):
    app_id = await site.driver.declare("county", round_id=unique("RK"))
    await sign_in(page, site, "clerk")
    await page.goto(f"/applications/{app_id}")
    assert await page.locator("#act-scores").count() == 0
    other = await browser.new_context(base_url=site.url)
    bureau = await other.new_page()
    await sign_in(bureau, site, "bureau")
    await bureau.goto(f"/applications/{app_id}")
    assert await bureau.locator("#act-scores").count() == 1
    await other.close()


async def test_the_approval_sheet_prints_from_the_application_page(page, site):
    app_id = await site.driver.county_reviewed("county")
    await sign_in(page, site, "bureau")
    await page.goto(f"/applications/{app_id}")
    link = page.locator("#print-sheet")
    assert await link.inner_text() == "打印审批单"
    answer = await page.request.get(await link.get_attribute("href") or "")
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    assert (await answer.body()).startswith(b"%PDF")
