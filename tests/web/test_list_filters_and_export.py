"""The applications list in a real browser: 导出Excel gives exactly the rows the filter finds (in the user's scope),
with a name that starts with "=" kept as text, not run as a formula; 保存筛选 keeps the filter under a name, and 我的
筛选 reopens it later; a blank name is refused in Chinese and saves nothing."""

import re
from urllib.parse import quote

from openpyxl import load_workbook
from playwright.async_api import expect as page_expect
from sqlmodel import Session

from db.queries.workbench import Filters, find
from db.session import get_engine
from tests.api.conftest import eventually
from tests.conftest import unique
from tests.factory import COUNTY, OTHER_COUNTY
from tests.web.conftest import new_page, shot, sign_in


async def _declared(site, token: str) -> tuple[str, str]:
    formula = f'=HYPERLINK("http://x","点此")兰山区导出驿站{token}'
    plain = f"兰山区导出驿站{token}乙"
    for name in (formula, plain):
        await site.driver.declare("county", name=name)
    await site.driver.declare("county", name=f"河东区导出驿站{token}", who="other_bureau", county=OTHER_COUNTY)
    await site.driver.county_reviewed("county", name=f"兰山区导出驿站{token}丙")  # another state

    async def projected() -> bool:
        with Session(get_engine(site.api.database_url)) as s:
            return find(s, None, Filters(text=token), 0, 10)[1] == 4

    await eventually(projected)
    return formula, plain


async def test_the_export_holds_the_filtered_rows_and_a_formula_is_kept_as_text(page, site, tmp_path):
    token = unique("")[-8:]
    formula, plain = await _declared(site, token)
    await sign_in(page, site, "reviewer")
    await page.goto(f"/applications?county={quote(COUNTY)}&state=declared&q={token}")
    assert await page.locator("#application-table tbody tr").count() == 2
    async with page.expect_download() as downloading:
        await page.click("#export-xlsx")
    download = await downloading.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / "export.xlsx"
    await download.save_as(saved)
    sheet = load_workbook(saved).active
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0] and token in str(r[0])]
    assert sorted(r[0] for r in rows) == sorted(["'" + formula, plain])  # neither other county's nor 县级审核通过
    assert {r[3] for r in rows} == {COUNTY} and {r[5] for r in rows} == {"已申报"}
    cell = next(c for c in sheet["A"] if c.value == "'" + formula)
    assert cell.data_type == "s"  # text, not a formula

    # Changing the filter on the page (htmx) changes what the export takes.
    await page.select_option("#f-state", "county_reviewed")
    await page_expect(page.locator("#export-xlsx")).to_have_attribute("href", re.compile("state=county_reviewed"))
    assert "(1条)" in (await page.inner_text("#export-xlsx")).replace("（", "(").replace("）", ")")


async def test_a_saved_filter_reopens_and_a_blank_name_is_refused(page, site, browser):
    token = unique("")[-8:]
    await _declared(site, token)
    await sign_in(page, site, "reviewer")
    await page.goto(f"/applications?county={quote(COUNTY)}&state=declared&q={token}")
    await page.fill("#f-filter-name", "   ")
    await page.click("#save-filter button[type=submit]")
    assert await page.inner_text("#f-filter-name-error") == "请先填写筛选名称"
    assert await page.locator("#my-filters", has_text=token).count() == 0

    name = f"兰山区待审核{token}"
    await page.fill("#f-filter-name", name)
    await page.click("#save-filter button[type=submit]")
    await page.wait_for_selector("#filter-saved")
    assert name in await page.inner_text("#filter-saved")
    await page.goto("/applications")  # cleared
    await page.get_by_role("link", name=name).click()
    await page.wait_for_url(re.compile(r"q=" + token))
    assert await page.input_value("#f-q") == token
    assert await page.input_value("#f-state") == "declared"
    assert await page.input_value("#f-county") == COUNTY
    names = await page.locator("#application-table tbody tr td:first-child a").all_inner_texts()
    assert len(names) == 2 and all(token in n and n.startswith(("=", "兰山区")) for n in names)
    await shot(page, "list-saved-filter")
    async with new_page(browser, site) as other:  # another user does not see it
        await sign_in(other, site, "supervisor")
        await other.goto("/applications")
        assert await other.get_by_role("link", name=name).count() == 0
