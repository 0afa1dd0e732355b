"""已释放名额 on /quotas: a revoked title's place is shown as used until the admin releases it there, choosing the
revoked title and giving a reason; the release is then listed apart (which application, who, when, why). Another
role's release is refused 403, the release of a title not revoked 409, each in the rule's own Chinese words."""

import httpx

from state.domain import Role, Stage
from state.labels import ROLES
from tests.api.conftest import expect
from tests.conftest import unique
from tests.rounds.test_place_releases import seed
from tests.web.conftest import Site, shot, shown_by_rule, sign_in, signed_in_over_http


async def _period_with_a_city_place(site: Site) -> str:
    period_id = unique("十七五")  # years no other test's notices fall in
    headers = site.api.auth("admin")
    body = {"name": "十七五", "start_year": 2036, "end_year": 2040, "reason": "规划期"}
    expect(await site.api.http.put(f"/periods/{period_id}", json=body, headers=headers), 200)
    quota = {"totals": {"city": 1}, "reason": "市级1家"}
    expect(await site.api.http.put(f"/quotas/{period_id}/city", json=quota, headers=headers), 200)
    return period_id


async def test_the_admin_releases_a_revoked_titles_place_and_it_is_listed_apart(page, site: Site):
    period_id = await _period_with_a_city_place(site)
    name = f"撤销称号零工市场{unique('')[-6:]}"
    seed(site.api.database_url, period_id, Stage.revoked, 1, name)

    await sign_in(page, site, "admin")
    await page.goto(f"/quotas?period={period_id}")
    assert "名额1个，已占用1个，剩余0个" in await page.inner_text("#city-quota")  # the revoked title's place kept
    assert "暂无释放的名额" in await page.inner_text("#release-table")
    assert name in await page.inner_text("#f-release-application_id")
    await page.fill("#f-release-reason", "称号撤销，经局务会研究收回名额")
    await page.click("#release-form button[type=submit]")
    await page.wait_for_url("**done=release*")
    assert "名额1个，已占用0个，剩余1个" in await page.inner_text("#city-quota")
    cells = await page.locator("#release-table tbody tr", has_text=name).locator("td").all_inner_texts()
    assert cells[0].endswith(name) and cells[1] == "市级" and cells[2] == "全市"
    assert cells[4] and cells[4] != "系统（随申报结束）" and cells[5] == "称号撤销，经局务会研究收回名额"
    assert "本评定周期没有占用名额的已撤销称号" in await page.inner_text("#nothing-releasable")
    await shot(page, "quota-place-released")


async def test_a_release_by_another_role_or_of_a_title_not_revoked_is_refused_in_chinese(site: Site):
    period_id = await _period_with_a_city_place(site)
    announced = seed(site.api.database_url, period_id, Stage.announced, 1, f"已公布零工市场{unique('')[-6:]}")
    form = {"application_id": announced, "reason": "收回名额"}
    async with httpx.AsyncClient(base_url=site.url) as http:
        token = await signed_in_over_http(http, site, "reviewer")
        shown_by_rule(
            await http.post(f"/quotas/{period_id}/releases", data={**form, "csrf_token": token}),
            403,
            "role_not_permitted",
            roles=ROLES[Role.admin],
            role=ROLES[Role.city_reviewer],
        )
    async with httpx.AsyncClient(base_url=site.url) as http:
        token = await signed_in_over_http(http, site, "admin")
        text = shown_by_rule(
            await http.post(f"/quotas/{period_id}/releases", data={**form, "csrf_token": token}),
            409,
            "place_not_revoked",
            state_label="已公布",
        )
        assert "名额1个，已占用1个" in text  # nothing released
