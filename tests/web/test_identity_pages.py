"""The pages resolve who is looking through services.identity as the API does: a way in added by a test (a
provider of the pages' session kind) signs a visitor in with nothing else changed; and a role not admitted is
refused on a page with the very words the API says (role_not_permitted), in Chinese."""

import re
from contextlib import asynccontextmanager

import httpx

from services.identity import Credential, Principal, identity_of
from state.domain import Actor, Role
from tests.web.conftest import PASSWORD


@asynccontextmanager
async def browsing(site):
    transport = httpx.ASGITransport(app=site.api.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://biaogan.test") as http:
        yield http


async def signed_in(http: httpx.AsyncClient, login: str) -> None:
    form = await http.get("/login")
    token = re.search(r'name="csrf-token" content="([^"]+)"', form.text).group(1)
    answer = await http.post("/login", data={"csrf_token": token, "login": login, "password": PASSWORD})
    assert answer.status_code == 303


class TicketProvider:
    """A stand-in for a provider whose sessions the pages accept (a ticket the province's 统一身份认证 left in the
    session cookie): the whole of a new way in for the pages."""

    kind = "session"
    name = "province"

    def __init__(self, tickets: dict[str, Actor]) -> None:
        self.tickets = tickets

    async def principal(self, credential: Credential) -> Principal | None:
        actor = self.tickets.get(credential.secret)
        return Principal(actor, self.name, csrf_token="province-csrf") if actor is not None else None

    def forget(self, user_id: str) -> None:
        self.tickets = {k: v for k, v in self.tickets.items() if v.user_id != user_id}


async def test_a_new_way_in_signs_a_visitor_in_to_the_pages(site):
    reviewer = Actor(user_id=site.user_ids["reviewer"], name="省认证评审员", role=Role.city_reviewer)
    provider = TicketProvider({"ST-1234": reviewer})
    identity = identity_of(site.api.app.state)
    async with browsing(site) as http:
        http.cookies.set("bg_session", "ST-1234")
        assert (await http.get("/")).status_code == 303  # no provider knows the ticket: to the sign-in page
        identity.add(provider)
        try:
            home = await http.get("/")
            assert home.status_code == 200 and "省认证评审员" in home.text and "市人社局评审" in home.text
            assert 'name="csrf-token" content="province-csrf"' in home.text  # the session's own CSRF token
            refused = await http.get("/admin/users")  # admitted by role as anyone is
            assert refused.status_code == 403 and "此事项仅供系统管理员办理，市人社局评审无权办理" in refused.text
            identity.forget(reviewer.user_id)
            assert (await http.get("/")).status_code == 303
        finally:
            identity.remove(provider)


async def test_a_role_refusal_says_on_a_page_what_the_api_says(site):
    said_by_api = await site.api.http.put("/periods/p-identity", json={}, headers=site.api.auth("supervisor"))
    detail = said_by_api.json()["detail"]
    assert said_by_api.status_code == 403 and detail["rule"] == "role_not_permitted"
    assert detail["message"] == "此事项仅供系统管理员办理，监督/纪检无权办理"
    async with browsing(site) as http:
        await signed_in(http, site.logins["supervisor"])
        page = await http.get("/admin/users")
        assert page.status_code == 403 and detail["message"] in page.text
        assert "this is for role" not in page.text
