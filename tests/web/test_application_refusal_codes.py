"""The applications area's refusals only the pages answer, each provoked by a signed-in user's request: the page's
status and the rule's own Chinese words on it (contracts/rules/applications.py; a page never shows the code itself).
The API's refusals of this area are provoked in tests/api/test_application_refusal_codes.py."""

import httpx

from tests.web.conftest import Site, shown_by_rule, signed_in_over_http


async def test_a_form_that_does_not_exist_is_no_act_form(site: Site):
    app_id = await site.driver.declare("county")
    async with httpx.AsyncClient(base_url=site.url) as http:
        token = await signed_in_over_http(http, site, "bureau")
        posted = await http.post(f"/applications/{app_id}/acts/no-such-act", data={"csrf_token": token})
    shown_by_rule(posted, 404, "no_act_form")


async def test_an_act_or_a_declaration_outside_ones_role_is_act_not_for_role(site: Site):
    app_id = await site.driver.declare("county")
    async with httpx.AsyncClient(base_url=site.url) as http:
        token = await signed_in_over_http(http, site, "supervisor")
        declare = await http.get("/applications/new")  # the declaration form is a county bureau's
        assert "不能申报" in shown_by_rule(declare, 403, "act_not_for_role")
        review = {"csrf_token": token, "decision": "pass", "opinion": "同意"}  # the county review is the bureau's
        shown_by_rule(
            await http.post(f"/applications/{app_id}/acts/county-review", data=review), 403, "act_not_for_role"
        )
    assert (await site.driver.state(app_id))["state"] == "declared"


async def test_the_admin_reading_applications_is_not_a_reader(site: Site):
    app_id = await site.driver.declare("county")
    async with httpx.AsyncClient(base_url=site.url) as http:
        await signed_in_over_http(http, site, "admin")
        shown_by_rule(await http.get("/applications"), 403, "not_a_reader")
        shown_by_rule(await http.get(f"/applications/{app_id}/documents/declaration.pdf"), 403, "not_a_reader")


async def test_the_notice_list_of_an_application_never_noticed_is_not_noticed_in_round(site: Site):
    app_id = await site.driver.declare("county")  # declared, not under notice, in no round
    async with httpx.AsyncClient(base_url=site.url) as http:
        await signed_in_over_http(http, site, "supervisor")
        answer = await http.get(f"/applications/{app_id}/documents/notice-list.pdf")
    shown_by_rule(answer, 404, "not_noticed_in_round")


async def test_a_batch_act_that_does_not_exist_is_no_batch_act(site: Site):
    app_id = await site.driver.declare("county")
    async with httpx.AsyncClient(base_url=site.url) as http:
        token = await signed_in_over_http(http, site, "bureau")
        posted = {"csrf_token": token, "act": "withdraw", "applications": [app_id], "reason": "批量撤回"}
        shown_by_rule(await http.post("/batch-acts", data=posted), 404, "no_batch_act")
    assert (await site.driver.state(app_id))["state"] == "declared"


async def test_a_batch_field_given_wrong_is_invalid_input_and_nothing_is_done(site: Site):
    app_id = await site.driver.declare("county")
    async with httpx.AsyncClient(base_url=site.url) as http:
        token = await signed_in_over_http(http, site, "bureau")
        posted = {
            "csrf_token": token,
            "act": "award",
            "applications": [app_id],
            "awarded_on": "2026-02-30",  # no such day
            f"plaque_no-{app_id}": "LY-2026-001",
        }
        shown_by_rule(await http.post("/batch-acts", data=posted), 422, "invalid_input", name="授牌日期")
    assert (await site.driver.state(app_id))["state"] == "declared"
