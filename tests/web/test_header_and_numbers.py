"""In a real browser: every page's header shows the signed-in user's 待办 (how many, how many overdue, a link to the
workbench; no badge at zero) and axe finds nothing serious there; pages print the readable 申报编号 and no id; a
reviewer amends their score on the application's page with a reason, and the timeline tells old and new."""

import re

from openpyxl import load_workbook

from tests.api.conftest import eventually, expect
from tests.api.test_tasks_and_urges import owed_filing
from tests.conftest import unique
from tests.factory import COUNTY
from tests.web.conftest import sign_in
from tests.web.test_accessibility import NO_BROWSER_CHECKS, severe_violations

HEX_ID = re.compile(r"\bA[0-9a-f]{20}\b|[0-9a-f]{32}")  # an application's id (api/routes/applications.py), a uuid


async def _listed(site, who: str, app_id: str) -> list[dict]:
    async def listed() -> bool:
        return any(t["application_id"] == app_id for t in expect(await site.api.get(who, "/tasks"), 200))

    await eventually(listed)
    return expect(await site.api.get(who, "/tasks"), 200)


async def test_the_header_shows_the_clerks_to_do_on_every_page(page, site):
    app_id = await site.driver.declare("county", name=f"兰山区零工驿站{unique('')[-6:]}")
    owed_filing(site.api.database_url, COUNTY, 2022)  # a past year's filing: overdue
    items = await _listed(site, "bureau", app_id)
    overdue = sum(1 for t in items if t["overdue"])
    assert overdue >= 1
    await sign_in(page, site, "bureau")
    await page.goto("/applications")  # not the workbench
    todo = page.locator(".site-user__todo")
    assert await todo.get_attribute("href") == "/"
    assert await todo.locator(".unread").inner_text() == str(len(items))
    assert await todo.locator(".overdue-badge").inner_text() == f"逾期{overdue}"
    assert await todo.get_attribute("aria-label") == f"待办 {len(items)} 项，其中逾期 {overdue} 项"
    assert await severe_violations(page) == []
    await page.goto("/notifications")
    assert await page.locator(".site-user__todo .unread").inner_text() == str(len(items))
    await todo.click()
    await page.wait_for_url(re.compile(r"/$"))
    assert int(await page.inner_text("#todo-total")) == len(items)


async def test_no_badge_when_nothing_is_owed(page, site):
    await sign_in(page, site, "inspector")
    await page.goto("/applications")
    todo = page.locator(".site-user__todo")
    assert await todo.get_attribute("aria-label") == "待办 0 项"
    assert await todo.locator(".unread").count() == 0 and await todo.locator(".overdue-badge").count() == 0


async def test_pages_print_the_number_and_no_id(page, site):
    name = f"兰山区人力资源市场{unique('')[-6:]}"
    app_id = await site.driver.declare("county", name=name)
    await _listed(site, "bureau", app_id)
    await sign_in(page, site, "bureau")
    await page.goto(f"/applications/{app_id}")
    number = await page.inner_text("#application-number")
    assert re.fullmatch(r"兰山-\d{4}-\d{4}", number)
    said = await page.inner_text("body")
    assert not HEX_ID.search(said), HEX_ID.search(said)
    for path in ("/", "/applications"):
        await page.goto(path)
        said = await page.inner_text("body")
        assert number in said and not HEX_ID.search(said), (path, HEX_ID.search(said))
    await page.goto("/notifications")
    assert not HEX_ID.search(await page.inner_text("body"))


async def test_a_reviewer_amends_their_score_on_the_application_page(page, site):
    app_id = await site.driver.county_reviewed("city")
    url = f"/applications/{app_id}"
    expect(await site.api.post("reviewer", f"{url}/scores", {"opinion": "材料扎实", "written": 80}), 200)
    await sign_in(page, site, "reviewer")
    await page.goto(url)
    form = page.locator("#score-amendment")
    assert await form.locator("#f-score-amendment-written").input_value() == "80"
    await form.locator("#f-score-amendment-written").fill("92")
    await page.evaluate(NO_BROWSER_CHECKS)  # the server's own refusal, not the browser's
    await form.get_by_role("button", name="提交修改").click()
    await page.wait_for_selector("#f-score-amendment-reason-error")  # no reason: refused beside the field
    assert await form.locator("#f-score-amendment-written").input_value() == "92"
    await page.locator("#f-score-amendment-reason").fill("复核书面材料后调整")
    await page.locator("#score-amendment").get_by_role("button", name="提交修改").click()
    await page.wait_for_selector("#done")
    assert "修改评分" in await page.inner_text("#done")
    timeline = await page.inner_text("#timeline")
    assert "修改评分" in timeline and "复核书面材料后调整" in timeline and "书面评审：80 → 92" in timeline
    assert await page.locator("#f-score-amendment-written").input_value() == "92"
    assert await severe_violations(page) == []


async def test_the_export_gives_each_row_its_number(page, site, tmp_path):
    name = f"兰山区导出编号驿站{unique('')[-6:]}"
    app_id = await site.driver.declare("county", name=name)
    await _listed(site, "bureau", app_id)
    await sign_in(page, site, "bureau")
    await page.goto(f"/applications?q={name}")
    async with page.expect_download() as downloading:
        await page.click("#export-xlsx")
    saved = tmp_path / "export.xlsx"
    await (await downloading.value).save_as(saved)
    rows = list(load_workbook(saved).active.iter_rows(values_only=True))
    header = next(r for r in rows if r and "申报编号" in r)
    [row] = [r for r in rows if r and r[0] == name]
    assert re.fullmatch(r"兰山-\d{4}-\d{4}", row[header.index("申报编号")])
