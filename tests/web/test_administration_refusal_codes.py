"""The administration area's refusals only the pages answer, each provoked by a signed-in user's request: the page's
status and the rule's own Chinese words on it (contracts/rules/administration.py; a page never shows the code
itself). The API's refusals of this area are provoked in tests/api/test_administration_refusal_codes.py."""

import httpx

from services.roles import LEVEL_OWNERS
from state.domain import Role
from state.labels import ROLES
from tests.web.conftest import Site, shown_by_rule, signed_in_over_http


async def test_a_page_outside_ones_role_is_refused_as_the_api_refuses_it(site: Site):
    async with httpx.AsyncClient(base_url=site.url) as http:
        token = await signed_in_over_http(http, site, "reviewer")  # periods are the admin's to define
        period = {"csrf_token": token, "period_id": "P-not-mine", "name": "十四五", "start_year": "2021"}
        shown_by_rule(
            await http.post("/periods", data=period),
            403,
            "role_not_permitted",
            roles=ROLES[Role.admin],
            role=ROLES[Role.city_reviewer],
        )
    async with httpx.AsyncClient(base_url=site.url) as http:
        token = await signed_in_over_http(http, site, "supervisor")  # rounds are opened by their owners
        owners = "、".join(ROLES[r] for r in LEVEL_OWNERS)
        shown_by_rule(
            await http.post("/rounds", data={"csrf_token": token}),
            403,
            "role_not_permitted",
            roles=owners,
            role=ROLES[Role.supervisor],
        )


async def test_a_record_not_found_is_said_without_what_was_asked(site: Site):
    """A page asked for a county or a year there is none of: not_found, said without the words asked for."""
    async with httpx.AsyncClient(base_url=site.url) as http:
        await signed_in_over_http(http, site, "supervisor")
        text = shown_by_rule(await http.get("/filings/不存在县/2026"), 404, "not_found")
        assert "不存在县" not in text.split("</header>")[-1]
        shown_by_rule(await http.get("/filings/兰山区/1800"), 404, "not_found")
