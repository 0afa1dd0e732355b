"""The statistics page: its numbers are the read model's (and move by exactly what a test creates), the quota table is
the API's quota read, the charts are drawn by the vendored ECharts, the XLSX export carries the same tables; a county
user sees only its own county, in the tables, the charts and the export."""

import io
from datetime import datetime

from openpyxl import load_workbook
from sqlmodel import Session, func, select

from db.models import Application, ApplicationEvent
from db.session import get_engine
from state.clock import SHANGHAI
from state.domain import Act
from tests.api.conftest import eventually, expect
from tests.conftest import unique
from tests.factory import COUNTY, OTHER_COUNTY
from tests.web.conftest import shot, sign_in
from tests.web.test_scope_and_words import listed

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _cell(page, county: str, kind: str, state: str) -> int:
    cell = page.locator(f"#stats-counts tr[data-county={county}][data-type={kind}] td[data-state={state}]")
    return int(await cell.inner_text()) if await cell.count() else 0


async def _awarded(page, year: int) -> int:
    cell = page.locator(f"#stats-titles tr[data-year='{year}'][data-level=county] td[data-col=awarded]")
    return int(await cell.inner_text()) if await cell.count() else 0


def _database_counts(url: str, county: str | None = None) -> dict[tuple[str, str, str], int]:
    with Session(get_engine(url)) as s:
        q = select(Application.county, Application.institution_type, Application.state, func.count()).group_by(
            Application.county, Application.institution_type, Application.state
        )
        if county:
            q = q.where(Application.county == county)
        return {(c, getattr(t, "value", t), getattr(st, "value", st)): n for c, t, st, n in s.exec(q).all()}


async def _flatten(page) -> dict[tuple[str, str, str], int]:
    rows = await page.locator("#stats-counts tbody tr").evaluate_all(
        """rows => rows.map(r => [r.dataset.county, r.dataset.type,
             [...r.querySelectorAll('td[data-state]')].map(td => [td.dataset.state, +td.innerText])])"""
    )
    return {(c, t, st): n for c, t, cells in rows for st, n in cells if st != "total" and n}


def _sheet_rows(content: bytes, sheet: str) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content))[sheet].iter_rows(values_only=True))


async def test_statistics_count_what_was_created_and_a_county_sees_its_own(late_page, late_site, browser):
    page, site = late_page, late_site
    year = datetime.now(SHANGHAI).year
    period = unique("p")
    headers = site.api.auth("admin")
    body = {"name": "测试规划期", "start_year": year - 1, "end_year": year + 3, "reason": "统计页面测试"}
    expect(await site.api.http.put(f"/periods/{period}", json=body, headers=headers), 200)
    quota = {"totals": {COUNTY: 50, OTHER_COUNTY: 7}, "reason": "统计页面测试"}
    expect(await site.api.http.put(f"/quotas/{period}/county", json=quota, headers=headers), 200)

    city = await browser.new_context(base_url=site.url)
    reviewer = await city.new_page()
    await sign_in(reviewer, site, "reviewer")
    await reviewer.goto(f"/statistics?period={period}")
    declared_before = await _cell(reviewer, COUNTY, "training", "declared")
    other_before = await _cell(reviewer, OTHER_COUNTY, "training", "declared")
    awarded_before = await _cell(reviewer, COUNTY, "training", "plaque_awarded")
    titles_before = await _awarded(reviewer, year)

    made = [await site.driver.declare("county", type="training") for _ in range(2)]
    made.append(await site.driver.declare("county", who="other_bureau", county=OTHER_COUNTY, type="training"))
    awarded = await site.driver.awarded("county", type="training")
    for application_id in [*made, awarded]:
        await listed(site, application_id)

    async def projected() -> bool:  # the award's act is in the read model
        with Session(get_engine(site.api.database_url)) as s:
            award = ApplicationEvent.application_id == awarded, ApplicationEvent.act == Act.award
            return s.exec(select(ApplicationEvent).where(*award)).first() is not None

    await eventually(projected)

    await reviewer.goto("/")
    await reviewer.click("nav >> text=统计")
    await reviewer.goto(f"/statistics?period={period}")
    assert await _cell(reviewer, COUNTY, "training", "declared") == declared_before + 2
    assert await _cell(reviewer, OTHER_COUNTY, "training", "declared") == other_before + 1
    assert await _cell(reviewer, COUNTY, "training", "plaque_awarded") == awarded_before + 1
    assert await _awarded(reviewer, year) == titles_before + 1
    assert await _flatten(reviewer) == _database_counts(site.api.database_url)  # every cell is the read model's

    api_quota = expect(await site.api.get("reviewer", f"/quotas/{period}/county"), 200)
    for county in (COUNTY, OTHER_COUNTY):
        row = reviewer.locator(f"#stats-quota tr[data-scope={county}]")
        shown = [int(await row.locator(f"td[data-col={c}]").inner_text()) for c in ("total", "used", "left")]
        assert shown == [api_quota["totals"][county], api_quota["used"][county], api_quota["remaining"][county]]
    assert shown[0] == 7
    assert api_quota["used"][COUNTY] >= 1  # the awarded title holds a place

    for chart in ("chart-states", "chart-quota", "chart-titles"):
        drawn = reviewer.locator(f"#{chart}[data-drawn=true] svg")
        await drawn.wait_for()
    assert OTHER_COUNTY in await reviewer.locator("#chart-states svg").inner_html()
    await shot(reviewer, "statistics")

    export = await reviewer.request.get(await reviewer.get_attribute("#export", "href"))
    assert export.status == 200 and export.headers["content-type"] == XLSX
    rows = _sheet_rows(await export.body(), "申报情况")
    header = rows[1]
    ours = next(r for r in rows[2:] if r[0] == COUNTY and r[1] == "职业培训机构")
    assert ours[header.index("已申报")] == declared_before + 2
    await city.close()

    await sign_in(page, site, "bureau")
    await page.goto(f"/statistics?period={period}")
    assert set(await page.locator("#stats-counts tbody tr").evaluate_all("rs => rs.map(r => r.dataset.county)")) == {
        COUNTY
    }
    assert await _flatten(page) == _database_counts(site.api.database_url, COUNTY)
    assert await page.locator("#stats-quota tbody tr").evaluate_all("rs => rs.map(r => r.dataset.scope)") == [COUNTY]
    await page.locator("#chart-states[data-drawn=true] svg").wait_for()
    assert OTHER_COUNTY not in await page.inner_text("body")
    assert OTHER_COUNTY not in await page.locator("#chart-states").inner_html()
    export = await page.request.get(await page.get_attribute("#export", "href"))
    sheets = load_workbook(io.BytesIO(await export.body()))
    cells = [str(c) for ws in sheets.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert COUNTY in cells and not any(OTHER_COUNTY in c for c in cells)
    await shot(page, "statistics-county")
