"""The applications area's refusals only the pages answer, each provoked by a signed-in user's request: the page's
status and the rule's own Chinese words on it (contracts/rules/applications.py; a page never shows the code itself).
The API's refusals of this area are provoked in tests/api/test_application_refusal_codes.py."""

import re
from html import unescape

import httpx

from contracts.rules import RULES
from tests.web.conftest import PASSWORD, Site


async def signed_in(http: httpx.AsyncClient, site: Site, who: str) -> str:
    """Signs ``who`` in on ``http``; the CSRF token its forms carry."""
    form = await http.get("/login")
    token = re.search(r'name="csrf-token" content="([^"]+)"', form.text).group(1)
    signed = await http.post("/login", data={"csrf_token": token, "login": site.logins[who], "password": PASSWORD})
    assert signed.status_code == 303
    page = await http.get("/")
    return re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)


def shown(response: httpx.Response, status: int, code: str, **facts: str) -> str:
    """The page's text, after checking its status and that the rule's words are on it, and not its code."""
    assert response.status_code == status, f"{response.request.url}: {response.status_code} {response.text[:2000]}"
    text = unescape(response.text)
    assert RULES[code].say(**facts) in text
    assert code not in text
    return text


async def test_a_form_that_does_not_exist_is_no_act_form(site: Site):
    app_id = await site.driver.declare("county")
    async with httpx.AsyncClient(base_url=site.url) as http:
        token = await signed_in(http, site, "bureau")
        posted = await http.post(f"/applications/{app_id}/acts/no-such-act", data={"csrf_token": token})
    shown(posted, 404, "no_act_form")


async def test_an_act_or_a_declaration_outside_ones_role_is_act_not_for_role(site: Site):
    app_id = await site.driver.declare("county")
    async with httpx.AsyncClient(base_url=site.url) as http:
        token = await signed_in(http, site, "supervisor")
        declare = await http.get("/applications/new")  # the declaration form is a county bureau's
        assert "不能申报" in shown(declare, 403, "act_not_for_role")
        review = {"csrf_token": token, "decision": "pass", "opinion": "同意"}  # the county review is the bureau's
        shown(await http.post(f"/applications/{app_id}/acts/county-review", data=review), 403, "act_not_for_role")
    assert (await site.driver.state(app_id))["state"] == "declared"


async def test_the_admin_reading_applications_is_not_a_reader(site: Site):
    app_id = await site.driver.declare("county")
    async with httpx.AsyncClient(base_url=site.url) as http:
        await signed_in(http, site, "admin")
        shown(await http.get("/applications"), 403, "not_a_reader")
        shown(await http.get(f"/applications/{app_id}/documents/declaration.pdf"), 403, "not_a_reader")


async def test_the_notice_list_of_an_application_never_noticed_is_not_noticed_in_round(site: Site):
    app_id = await site.driver.declare("county")  # declared, not under notice, in no round
    async with httpx.AsyncClient(base_url=site.url) as http:
        await signed_in(http, site, "supervisor")
        answer = await http.get(f"/applications/{app_id}/documents/notice-list.pdf")
    shown(answer, 404, "not_noticed_in_round")


async def test_a_batch_act_that_does_not_exist_is_no_batch_act(site: Site):
    app_id = await site.driver.declare("county")
    async with httpx.AsyncClient(base_url=site.url) as http:
        token = await signed_in(http, site, "bureau")
        posted = {"csrf_token": token, "act": "withdraw", "applications": [app_id], "reason": "批量撤回"}
        shown(await http.post("/batch-acts", data=posted), 404, "no_batch_act")
    assert (await site.driver.state(app_id))["state"] == "declared"


async def test_a_batch_field_given_wrong_is_invalid_input_and_nothing_is_done(site: Site):
    app_id = await site.driver.declare("county")
    async with httpx.AsyncClient(base_url=site.url) as http:
        token = await signed_in(http, site, "bureau")
        posted = {
            "csrf_token": token,
            "act": "award",
            "applications": [app_id],
            "awarded_on": "2026-02-30",  # no such day
            f"plaque_no-{app_id}": "LY-2026-001",
        }
        shown(await http.post("/batch-acts", data=posted), 422, "invalid_input", name="授牌日期")
    assert (await site.driver.state(app_id))["state"] == "declared"
