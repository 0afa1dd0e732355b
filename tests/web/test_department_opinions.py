"""会商 on the pages: the county's DRC finds a declaration of its county in its 待办, sees the opinion form on the
application's page (the county's HRSS and the bureau do not), records its opinion there and sees it on the page and in
the timeline in Chinese; the bureau's pass is then refused in the rule's own words until civil affairs agrees too."""

import re
from html import unescape

import httpx

from tests.api.conftest import eventually, expect
from tests.conftest import unique
from tests.web.conftest import Site, shown_by_rule, signed_in_over_http

FORM = 'id="act-department-opinion"'


def todo(workbench: str) -> str:
    """The workbench's 待办 card alone (its 已办 list names what was done)."""
    start = workbench.index('id="todo"')
    return workbench[start : workbench.index("</section>", start)]


async def test_a_county_department_records_its_opinion_from_its_to_do_and_the_page(site: Site):
    name = f"兰山区会商零工驿站{unique('')[-6:]}"
    app_id = await site.driver.declare("county", name=name)
    page = f"/applications/{app_id}"

    async def listed() -> bool:
        tasks = expect(await site.api.get("county_drc", "/tasks"), 200)
        return any(t["application_id"] == app_id for t in tasks)

    await eventually(listed)
    for who in ("county_hrss", "bureau"):  # the county's HRSS declares: neither it nor the bureau is asked
        async with httpx.AsyncClient(base_url=site.url) as http:
            await signed_in_over_http(http, site, who)
            assert FORM not in (await http.get(page)).text, who

    async with httpx.AsyncClient(base_url=site.url) as http:
        token = await signed_in_over_http(http, site, "county_drc")
        workbench = todo(unescape((await http.get("/")).text))
        # the group of its kind (the page shows the first of a group; others' declarations share the site)
        assert re.search(r"\d+</span>件待出具部门意见", workbench)
        shown = (await http.get(page)).text
        assert FORM in shown and "县区发展改革局、民政局尚未出具意见" in unescape(shown)

        blank = await http.post(
            f"{page}/department-opinions", data={"csrf_token": token, "opinion": "agree", "text": " "}
        )
        assert blank.status_code == 422 and 'id="f-department-opinion-text-error"' in blank.text

        said = "符合本县产业发展方向，同意申报"
        posted = await http.post(
            f"{page}/department-opinions", data={"csrf_token": token, "opinion": "agree", "text": said}
        )
        assert posted.status_code == 303 and posted.headers["location"] == f"{page}?done=department_opinion"
        after = unescape((await http.get(posted.headers["location"])).text)
        assert "已办理：县区部门意见" in after
        assert f"同意——{said}" in after  # the opinions as they stand
        assert f"兰山区发展改革局意见：同意——{said}" in after  # the timeline
        assert "修改本部门意见" in after  # it may still change it while the application is declared
        assert name not in todo(unescape((await http.get("/")).text))  # no longer in its 待办

    async with httpx.AsyncClient(base_url=site.url) as http:
        token = await signed_in_over_http(http, site, "bureau")
        review = {"csrf_token": token, "decision": "pass", "opinion": "材料齐全，同意"}
        refused = await http.post(f"{page}/acts/county-review", data=review)
        shown_by_rule(
            refused,
            409,
            "county_opinions_missing",
            county="兰山区",
            consulted="发展改革局、民政局",
            missing_labels="兰山区民政局",
        )
    assert (await site.driver.state(app_id))["state"] == "declared"
