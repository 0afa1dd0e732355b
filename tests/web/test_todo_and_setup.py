"""The workbench in a real browser: the clerk's 待办 shows a returned declaration with when it arrived, the
deadline its return named and how often the city urged it (催办); a fresh install's admin sees the setup checklist of
what is missing before the first notice, the clerk's 发布公示 refused for lack of a period is said as what it is, and
once the admin has set a period and its quotas those steps are ticked and the notice goes out."""

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

import httpx

from app import create_app
from db.schema import upgrade
from services.identity import add_login, create_user
from state.domain import COUNTIES
from tests import factory
from tests.api.conftest import PRINCIPALS, Api, Driver, eventually, expect, temporal_address
from tests.api.test_tasks_and_urges import owed_filing
from tests.conftest import RunningWorker, settings_for, unique
from tests.factory import COUNTY
from tests.uvicorn_in_loop import served_on_a_port
from tests.web.conftest import PASSWORD, Site, new_page, shot, sign_in, user_id_for
from workflows.application import workflow_id_for

RETURN = {"reason": "服务场所照片不清晰", "items": ["premises_photos"]}


async def _on_todo(site: Site, who: str, app_id: str) -> None:
    async def listed() -> bool:
        return any(t["application_id"] == app_id for t in expect(await site.api.get(who, "/tasks"), 200))

    await eventually(listed)


async def test_the_clerk_sees_the_urged_return_and_the_overdue_filing_with_their_deadlines(page, site):
    name = f"兰山区零工驿站{unique('')[-6:]}"
    app_id = await site.driver.declare("county", name=name)
    await _on_todo(site, "bureau", app_id)
    expect(await site.api.post("bureau", f"/applications/{app_id}/correction-request", RETURN), 200)
    for who in ("reviewer", "supervisor"):
        urge = {"to": "county", "note": "请于本周内补正后重新报送"}
        expect(await site.api.post(who, f"/applications/{app_id}/urges", urge), 200)

    owed_filing(site.api.database_url, COUNTY, 2023)  # a past year's filing the county has not made

    await sign_in(page, site, "clerk")
    total = int(await page.inner_text("#todo-total"))
    card = page.locator("#todo .todo[data-act=resubmit]")
    assert re.fullmatch(r"\s*\d+\s*件待补正后重新提交\s*", await card.locator("h3").inner_text())
    item = card.locator("li", has=page.get_by_role("link", name=name))
    said = await item.inner_text()
    assert "已催办2次" in said and "到达" in said and re.search(r"限\d{4}年\d{1,2}月\d{1,2}日24:00前办理", said)
    assert "已逾期" not in said and total >= 2
    filing = page.locator("#todo .todo[data-act=file]")
    assert re.fullmatch(r"\s*\d+\s*件待备案\s*逾期\d+件\s*", await filing.locator("h3").inner_text())
    overdue = filing.locator("li.todo-item--overdue", has_text=f"备案：{COUNTY}2023年度县级标杆机构评定结果")
    assert "限2023年12月20日24:00前办理" in await overdue.inner_text() and "已逾期" in await overdue.inner_text()
    assert await overdue.get_by_role("link").get_attribute("href") == f"/filings/{quote(COUNTY)}/2023"
    assert "逾期" in await page.inner_text("#todo-overdue")
    await shot(page, "todo-urged-return")

    await item.get_by_role("link", name=name).click()
    await page.wait_for_url(re.compile(r"/applications/A[0-9a-f]{20}$"))
    timeline = await page.inner_text("#timeline")
    assert "市人社局催办：请于本周内补正后重新报送" in timeline and "纪检监督催办：" in timeline


@asynccontextmanager
async def fresh_site(env, url: str) -> AsyncIterator[Site]:
    """A fresh install: no period, no quota (no standing period, unlike tests/web/conftest.open_site), and only
    the admin and the county bureau's two accounts."""
    upgrade(url)
    settings = settings_for(url, unique("fresh"), temporal_address=temporal_address(env))
    async with RunningWorker(env.client, settings, places=False):
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver/api/v1", timeout=30) as http:
                names = ("admin", "clerk", "bureau")
                tokens = {n: create_user(url, f"{n}-{unique('f')}", *PRINCIPALS[n]) for n in names}
                api = Api(http=http, app=app, database_url=url, client=env.client, task_queue=settings.task_queue)
                api.tokens = tokens
                site = Site(url="", api=api, driver=Driver(api))
                for n in names:
                    site.logins[n] = f"{n}-{unique('l')[-8:]}"
                    add_login(url, user_id_for(url, tokens[n]), site.logins[n], PASSWORD)
                async with served_on_a_port(app) as port:
                    site.url = f"http://127.0.0.1:{port}"
                    yield site


async def _steps(page) -> dict[str, str]:
    await page.goto("/")
    items = page.locator("#setup li")
    return {
        (await items.nth(i).get_attribute("id") or "").removeprefix("setup-"): await items.nth(i).get_attribute(
            "data-done"
        )
        or ""
        for i in range(await items.count())
    }


async def test_a_fresh_sites_admin_follows_the_setup_checklist_to_a_first_notice(dev_env, browser, tmp_path):
    async with (
        fresh_site(dev_env, f"sqlite:///{tmp_path / 'fresh.db'}") as site,
        new_page(browser, site) as admin,
        new_page(browser, site) as clerk,
    ):
        await sign_in(admin, site, "admin")
        steps = await _steps(admin)
        assert steps["period"] == steps["city-quota"] == steps["county-quota"] == "no"
        assert steps["role-county_bureau"] == "yes" and steps["role-city_reviewer"] == "no"
        setup = await admin.inner_text("#setup")
        assert "尚有" in setup and "设定评定周期" in setup and "尚未设定任何评定周期" in setup
        assert await admin.locator("#setup-period a").get_attribute("href") == "/quotas#periods"
        await shot(admin, "setup-checklist-fresh")

        # the clerk's notice, refused for lack of a period, says so (not 填写有误 with English appended)
        app_id = await site.driver.declare("county", name="兰山区零工驿站（开通检查）")
        await _on_todo(site, "bureau", app_id)
        review = {"decision": "pass", "opinion": "材料齐全"}
        # 会商, straight to the workflow: a fresh site has no department accounts yet (the checklist counts roles)
        await factory.opinions_given(dev_env.client.get_workflow_handle(workflow_id_for(app_id)))
        expect(await site.api.post("bureau", f"/applications/{app_id}/county-review", review), 200)
        await sign_in(clerk, site, "clerk")
        await clerk.goto(f"/applications/{app_id}")
        await clerk.click("button:has-text('发布公示')")
        await clerk.click("#confirm-dialog-accept")  # the act said what it will do: confirmed
        refusal = clerk.locator("[data-refusal]")
        await refusal.wait_for()
        said = await refusal.inner_text()
        assert "尚未设定评定周期和名额，请联系管理员" in said and "填写有误" not in said
        assert not re.search(r"[A-Za-z]{3,}", said.replace("data-", ""))

        # the admin sets a period and its quotas: those steps are ticked, and the notice goes out
        pid = unique("P")
        year = 2026
        period = {"name": "十五五", "start_year": year - 1, "end_year": year + 4, "reason": "设定规划期"}
        expect(await site.api.http.put(f"/periods/{pid}", json=period, headers=site.api.auth("admin")), 200)
        for level, totals in (("city", {"city": 9}), ("county", dict.fromkeys(COUNTIES, 5))):
            body = {"totals": totals, "reason": "设定名额"}
            put = await site.api.http.put(f"/quotas/{pid}/{level}", json=body, headers=site.api.auth("admin"))
            expect(put, 200)
        steps = await _steps(admin)
        assert steps["period"] == steps["city-quota"] == steps["county-quota"] == "yes"
        assert steps["role-city_reviewer"] == "no"  # still missing: said, not ticked
        await shot(admin, "setup-checklist-quotas-set")

        await clerk.goto(f"/applications/{app_id}")
        await clerk.click("button:has-text('发布公示')")
        await clerk.click("#confirm-dialog-accept")  # the act said what it will do: confirmed
        await clerk.wait_for_url("**?done=publicize")
