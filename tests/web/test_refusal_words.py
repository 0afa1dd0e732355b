"""A refused act says the same Chinese words through the API and on the page: both call the one service
(services/acts.py), and the page shows the refusal's own message (web/refusals.py), not a translation of it."""

import re

import httpx

from tests.api.conftest import expect
from tests.web.conftest import PASSWORD, Site


async def _signed_in(http: httpx.AsyncClient, site: Site, who: str) -> str:
    """Signs ``who`` in on ``http``; the CSRF token its forms carry."""
    form = await http.get("/login")
    token = re.search(r'name="csrf-token" content="([^"]+)"', form.text).group(1)
    signed = await http.post("/login", data={"csrf_token": token, "login": site.logins[who], "password": PASSWORD})
    assert signed.status_code == 303
    page = await http.get("/")
    return re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)


async def test_a_refused_act_says_the_same_words_through_the_api_and_on_the_page(site: Site):
    app_id = await site.driver.declare("county", who="clerk")
    url = f"/applications/{app_id}"
    expect(await site.api.post("bureau", f"{url}/withdrawal", {"reason": "机构主动撤回"}), 200)

    refused = expect(await site.api.post("bureau", f"{url}/withdrawal", {"reason": "再次撤回"}), 409)["detail"]
    assert refused["rule"] == "act_not_allowed" and refused["state"] == "withdrawn"
    assert refused["message"] == "当前状态不允许办理此事项"

    async with httpx.AsyncClient(base_url=site.url) as http:
        token = await _signed_in(http, site, "bureau")
        shown = await http.post(f"{url}/acts/withdrawal", data={"csrf_token": token, "reason": "再次撤回"})
    assert shown.status_code == 409
    said = re.search(r"<div[^>]*data-refusal[^>]*>(.*?)</div>", shown.text, re.S).group(1)
    assert refused["message"] in said  # the API's words, on the page
    assert "当前状态：已撤回" in said and "您现在没有可以办理的事项" in said
    assert "act_not_allowed" not in shown.text and "withdrawn" not in said
