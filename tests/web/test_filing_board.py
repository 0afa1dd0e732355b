"""The filing board in pages: the city sees all 16 counties for a year and downloads 附件4; a county bureau reviews its
draft (the titles its records hold) and confirms it through the API's own filing function; another county's filing
is a 404 to it."""

import io
import re
from datetime import datetime
from urllib.parse import quote

from openpyxl import load_workbook

from state.clock import SHANGHAI
from state.domain import COUNTIES
from tests.api.conftest import eventually, expect
from tests.factory import COUNTY, OTHER_COUNTY
from tests.web.conftest import shot, sign_in
from tests.web.test_scope_and_words import listed

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_a_county_confirms_its_filing_and_the_city_sees_every_county(late_page, late_site, browser):
    page, site = late_page, late_site
    year = datetime.now(SHANGHAI).year
    announced = await site.driver.announced("county")  # a county-level title announced this year in 兰山区
    await listed(site, announced)
    name = (await site.driver.state(announced))["institution"]["name"]

    city = await browser.new_context(base_url=site.url)
    reviewer = await city.new_page()
    await sign_in(reviewer, site, "reviewer")
    await reviewer.click("nav >> text=备案")
    await reviewer.wait_for_url(re.compile(r"/filings$"))
    rows = reviewer.locator("#filing-board tbody tr")
    assert await rows.count() == 16
    assert await rows.evaluate_all("rs => rs.map(r => r.dataset.county)") == list(COUNTIES)
    ours = reviewer.locator(f"#filing-board tr[data-county={COUNTY}]")
    before = await ours.locator("td[data-label=状态]").inner_text()
    assert before in ("未到备案期", "待备案", "已逾期")
    assert "未报送" in await ours.locator("td[data-label=版本]").inner_text()

    departments = await browser.new_context(base_url=site.url)  # the county's own 人社 department: reads, never files
    department = await departments.new_page()
    await sign_in(department, site, "county_hrss")
    await department.goto(f"/filings/{COUNTY}/{year}")
    assert name in await department.inner_text("#draft") and await department.locator("#confirm-form").count() == 0
    digest = expect(await site.api.get("county_hrss", f"/filings/{COUNTY}/{year}/draft"), 200)["digest"]
    token = await department.get_attribute("meta[name=csrf-token]", "content")
    refused = await department.request.post(f"/filings/{COUNTY}/{year}", form={"csrf_token": token, "digest": digest})
    assert refused.status == 403  # the API route's admission (county bureaus only), though the county is its own
    await departments.close()

    await sign_in(page, site, "bureau")
    nav = await page.locator("nav").inner_text()
    assert "备案" in nav
    await page.goto("/filings")
    assert await page.locator("#filing-board tbody tr").count() == 1  # a county sees its own row only
    await page.click(f"#filing-board >> text={COUNTY}")
    await page.wait_for_url(re.compile(rf"/filings/{re.escape(quote(COUNTY))}/{year}$"))
    assert name in await page.inner_text("#draft")
    await shot(page, "filing-county-draft")
    await page.fill("#f-note", "经核对无误")
    await page.click("text=确认备案")
    await page.wait_for_url(re.compile(r"done=file"))
    assert "已备案" in await page.inner_text("#done")
    assert await page.inner_text("#filing-state") in ("按时备案", "逾期备案")
    versions = await page.inner_text("#versions")
    assert "第1版" in versions and "经核对无误" in versions
    assert await page.locator("#confirm-form").count() == 0  # filed: a correction is what is left
    assert await page.locator("#correct-form").count() == 1
    # 评定结果报省、市备案: both addressees, the city in its inbox, the province with no channel configured here
    addressees = page.locator("#addressee-table")
    assert (
        "省人力资源社会保障厅" in await addressees.inner_text()
        and "市人力资源社会保障局" in await addressees.inner_text()
    )
    assert (
        await addressees.locator("tr[data-addressee=province] td[data-delivery]").inner_text()
        == "未配置接收渠道（第1版）"
    )
    assert await addressees.locator("tr[data-addressee=city] td[data-delivery]").inner_text() == "已送达（第1版）"

    token = await page.get_attribute("meta[name=csrf-token]", "content")
    digest = await page.get_attribute("#correct-form input[name=digest]", "value")
    again = await page.request.post(f"/filings/{COUNTY}/{year}", form={"csrf_token": token, "digest": digest})
    assert again.status == 409  # filing twice: the API's refusal, said on the page
    assert (
        "年度已于" in await again.text()
        and "备案（第1版），如需修改请提交更正" in await again.text()
        and "第2版" not in await again.text()
    )

    await page.fill("#f-reason", "补录奖牌编号")
    await page.click("text=按上表内容更正")
    await page.wait_for_url(re.compile(r"done=correct"))
    versions = await page.inner_text("#versions")
    assert "第2版" in versions and "补录奖牌编号" in versions and "更正" in versions

    answer = await page.goto(f"/filings/{OTHER_COUNTY}/{year}")  # another county's filing: as if it did not exist
    assert answer.status == 404
    assert (await page.request.get(f"/filings/{OTHER_COUNTY}/{year}/form.xlsx")).status == 404

    async def board_shows_it() -> bool:
        await reviewer.goto(f"/filings?year={year}")
        text = await ours.locator("td[data-label=版本]").inner_text()
        return "第2版" in text

    await eventually(board_shows_it)
    assert await ours.locator("td[data-label=状态]").inner_text() in ("按时备案", "逾期备案")
    assert (await ours.locator("td[data-addressee=province]").inner_text()).startswith("未配置接收渠道")
    assert (await ours.locator("td[data-addressee=city]").inner_text()).startswith("已送达")
    await shot(reviewer, "filing-board")
    href = await ours.locator("a", has_text="下载XLSX").get_attribute("href")
    download = await reviewer.request.get(href)
    assert download.status == 200 and download.headers["content-type"] == XLSX
    sheet = load_workbook(io.BytesIO(await download.body())).active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert name in cells and any("第2版" in str(c) for c in cells)  # the latest version
    await city.close()


async def test_the_board_refuses_an_unknown_county_or_year(page, site):
    await sign_in(page, site, "supervisor")
    assert (await page.goto("/filings/火星区/2026")).status == 404
    assert (await page.goto("/filings?year=1999")).status == 404
    answer = await page.goto("/filings?year=2024")
    assert answer.status == 200 and await page.locator("#filing-board tbody tr").count() == 16
    assert "2024年度" in await page.inner_text("h1")
