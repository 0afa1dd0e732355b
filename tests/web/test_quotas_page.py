"""名额与评定周期 in the browser: the admin defines a period, sets the city's quota (a quota that is not a number is
refused beside its field, in Chinese), apportions the county-level quota across counties with the working shown
(largest remainder: the two largest remainders get the two places left), adopts it, and every change is recorded."""

import re

from tests.conftest import unique
from tests.web.conftest import shot, sign_in

# Population 100 / 50 / 50, performance equal, weights 0.5 / 0.5: shares 5/12, 7/24, 7/24 of 10 places are
# 4.1667, 2.9167, 2.9167 -> floors 4 + 2 + 2 = 8; the two places left go to the largest remainders (0.9167).
FIGURES = {"兰山区": ("100", "1"), "罗庄区": ("50", "1"), "河东区": ("50", "1")}
EXPECTED = {"兰山区": 4, "罗庄区": 3, "河东区": 3}


async def test_an_admin_defines_a_period_sets_quotas_and_apportions_with_the_working_shown(page, site):
    # years of its own, so the quotas it sets are not the ones other tests' notices of 2026 reserve under
    period_id = unique("十六五")
    await sign_in(page, site, "admin")
    await page.click("nav >> text=名额与评定周期")
    await page.wait_for_url("**/quotas")

    form = page.locator("#period-form")
    await form.locator("#f-period-period_id").fill(period_id)
    await form.locator("#f-period-name").fill("十六五")
    await form.locator("#f-period-start_year").fill("2031")
    await form.locator("#f-period-end_year").fill("2035")
    await form.locator("#f-period-reason").fill("规划期")
    await form.locator("button[type=submit]").click()
    await page.wait_for_url("**done=period*")
    assert period_id in await page.inner_text("#city h2")  # the new period is the one shown
    assert "尚未设定" in await page.inner_text("#city-quota")

    await page.fill("#f-city-total", "九")  # not a number
    await page.fill("#f-city-reason", "市级9家")
    await page.click("#city-form button[type=submit]")
    error = page.locator("#f-city-total-error")
    await error.wait_for()
    assert "应填写数字" in await error.inner_text()
    assert "尚未设定" in await page.inner_text("#city-quota")  # nothing was set
    await shot(page, "quota-refused-field")

    await page.fill("#f-city-total", "9")
    await page.fill("#f-city-reason", "市级9家")
    await page.click("#city-form button[type=submit]")
    await page.wait_for_url("**done=city*")
    said = re.search(r"名额9个，已占用(\d+)个，剩余(\d+)个", await page.inner_text("#city-quota"))
    assert said and int(said.group(1)) + int(said.group(2)) == 9  # titles already held in those years count

    await page.fill("#f-ap-total", "10")
    await page.fill("#f-ap-weight_population", "0.5")
    await page.fill("#f-ap-weight_performance", "0.5")
    for county, (population, performance) in FIGURES.items():
        await page.fill(f"#f-pop_{county}", population)
        await page.fill(f"#f-perf_{county}", performance)
    await page.click("#apportionment-form button[value=preview]")
    working = page.locator("#working")
    await working.wait_for()
    for county, seats in EXPECTED.items():
        assert await page.inner_text(f"[data-seats='{county}']") == str(seats)
    rows = {county: await page.locator("#working-table tr", has_text=county).inner_text() for county in EXPECTED}
    assert "4.1667" in rows["兰山区"] and "+1" not in rows["兰山区"]
    assert "2.9167" in rows["罗庄区"] and "+1" in rows["罗庄区"] and "+1" in rows["河东区"]
    assert "合计10个" in await page.inner_text("#result")
    assert await page.input_value("#f-pop_兰山区") == "100"  # the figures stay for adopting
    await shot(page, "quota-apportionment-working")

    await page.fill("#f-ap-reason", "按附件1测算")
    await page.click("#apportionment-form button[value=adopt]")
    await page.wait_for_url("**done=adopted*")
    table = page.locator("#county-quota-table")
    for county, seats in EXPECTED.items():
        cells = await table.locator("tr", has_text=county).locator("td").all_inner_texts()
        assert cells[1] == str(seats), (county, cells)
    changes = await page.inner_text("#change-table")
    assert "按附件1测算" in changes and "市级9家" in changes
    await shot(page, "quota-adopted")


async def test_an_apportionment_whose_weights_do_not_add_up_is_refused_in_chinese(page, site):
    await sign_in(page, site, "admin")
    await page.goto("/quotas")
    if await page.locator("#apportionment-form").count() == 0:  # no period yet in this session's database
        await page.fill("#f-period-period_id", unique("P"))
        await page.fill("#f-period-name", "十六五")
        await page.fill("#f-period-start_year", "2031")
        await page.fill("#f-period-end_year", "2035")
        await page.fill("#f-period-reason", "规划期")
        await page.click("#period-form button[type=submit]")
        await page.wait_for_url("**done=period*")
    await page.fill("#f-ap-total", "10")
    await page.fill("#f-ap-weight_population", "0.7")
    await page.fill("#f-ap-weight_performance", "0.7")
    await page.fill("#f-pop_兰山区", "100")
    await page.fill("#f-perf_兰山区", "1")
    await page.click("#apportionment-form button[value=preview]")
    refusal = page.locator("#apportionment [data-refusal]")
    await refusal.wait_for()
    assert "人口与绩效两项权重须不小于0且之和为1" in await refusal.inner_text()
    assert await page.locator("#working").count() == 0


async def test_a_non_admin_sees_quotas_but_no_form_and_a_posted_change_is_refused(page, site):
    await sign_in(page, site, "reviewer")
    await page.goto("/quotas")
    assert await page.locator("#period-form").count() == 0 and await page.locator("#city-form").count() == 0
    token = await page.get_attribute("meta[name=csrf-token]", "content")
    answer = await page.request.post("/periods", form={"csrf_token": token or "", "period_id": "越权", "name": "x"})
    assert answer.status == 403 and "无权办理" in await answer.text()
