"""The revocation proposal on pages: the application page shows the open proposal and links to it (the inspector's
form is gone while it is open), a department of the title's level declines on the proposal's page (a reason
required), and the public 撤销公告 needs no account."""

from tests.api.conftest import expect
from tests.api.test_joint_revocation import historic_title
from tests.conftest import unique
from tests.web.conftest import sign_in


async def test_a_department_declines_on_the_proposals_page(late_page, late_site):
    page, site = late_page, late_site
    name = f"兰山区撤销会签测试零工市场{unique('')[-6:]}"
    app_id = await site.driver.announced("county", name=name)
    body = {"reason": "below_standard", "evidence": "就业服务工作被证实达不到标准"}
    expect(await site.api.post("inspector", f"/applications/{app_id}/revocation", body), 202)

    await page.goto("/revocations")  # no account needed; nothing revoked yet
    assert name not in await page.inner_text("main")
    await sign_in(page, site, "county_drc")
    await page.goto(f"/applications/{app_id}")
    summary = await page.inner_text("#revocation-summary")
    assert "待会签" in summary and "就业服务工作被证实达不到标准" in summary
    await page.click("#revocation-link")
    await page.check("#f-revocation-decline")
    await page.click("#revocation-co-sign button[type=submit]")
    refused = await page.inner_text("main")
    assert "不同意撤销的，请填写理由" in refused
    await page.check("#f-revocation-decline")
    await page.fill("#f-revocation-reason", "核查材料不足以证明，不同意撤销")
    await page.click("#revocation-co-sign button[type=submit]")
    await page.wait_for_url("**/revocation?done=decline")
    proposal = await page.inner_text("#revocation-proposal")
    assert "已否决" in proposal and "不同意撤销，核查材料不足以证明" in proposal
    assert await page.locator("#revocation-co-sign").count() == 0
    assert (await site.driver.state(app_id))["state"] == "announced"


async def test_a_historic_title_is_signed_on_its_proposals_page_and_the_directory_shows_the_decision(
    late_page, late_site
):
    page, site = late_page, late_site
    name = f"兰山区历史称号撤销测试学校{unique('')[-6:]}"
    title_id = historic_title(site.api.database_url, name)
    url = f"/historic-titles/{title_id}/revocation"
    expect(await site.api.post("inspector", url, {"reason": "deregistered", "evidence": "机构已注销"}), 202)
    await sign_in(page, site, "county_hrss")
    await page.goto("/")
    await page.click(f"a:has-text('撤销会签：{name}')")  # the department's 待办 leads to the proposal
    await page.click("#revocation-co-sign button[type=submit]")
    await page.wait_for_url(f"**{url}?done=sign")
    assert "同意撤销" in await page.inner_text("#revocation-signatures")
    for who in ("county_drc", "county_civil_affairs"):
        decided = expect(await site.api.post(who, f"{url}/co-signatures", {"decision": "sign"}), 200)
    await page.goto("/titles")
    row = await page.locator("tr", has_text=name).inner_text()
    assert "已撤销" in row and decided["document_no"] in row
