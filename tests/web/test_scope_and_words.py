"""A county user never sees another county's application, in any page or count; and no page, for any role, shows
an English enum value (Stage, Act, Role, Level, InstitutionType, Department, RevocationReason) as text."""

import re
from enum import Enum

import httpx
from sqlmodel import Session, func, select

from db.logins import Login
from db.models import Application
from db.session import get_engine
from db.users import User
from state import domain
from tests.api.conftest import eventually, expect
from tests.conftest import unique
from tests.factory import COUNTY, OTHER_COUNTY, credit_code
from tests.web.conftest import shot, sign_in
from web.routes.filings import this_year

ENUMS = [
    v for v in vars(domain).values() if isinstance(v, type) and issubclass(v, Enum) and v.__module__ == domain.__name__
]
VALUES = sorted({m.value for e in ENUMS for m in e}, key=len, reverse=True)
ENGLISH = re.compile(r"(?<![A-Za-z_])(" + "|".join(map(re.escape, VALUES)) + r")(?![A-Za-z_])")
VISIBLE_TEXT = """() => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('script, style').forEach(n => n.remove());
  document.body.appendChild(copy); copy.style.position = 'absolute';
  const text = copy.innerText; copy.remove(); return text;
}"""

CHARTS_DRAWN = "() => [...document.querySelectorAll('.chart')].every(c => c.dataset.drawn === 'true')"


async def visible(page) -> str:
    """What a reader sees (the charts drawn, no script or style)."""
    return await page.evaluate(VISIBLE_TEXT)


async def listed(site, application_id: str) -> None:
    async def projected() -> bool:
        page = expect(await site.api.get("supervisor", "/applications", params={"limit": 200}), 200)
        return any(item["id"] == application_id for item in page["items"])

    await eventually(projected)


async def test_a_county_user_never_sees_another_countys_application(page, site, browser):
    name = f"{OTHER_COUNTY}范围测试人力资源公司{unique('')[-6:]}"
    code = credit_code()
    other = await site.driver.declare("county", who="other_bureau", county=OTHER_COUNTY, name=name, credit_code=code)
    ours = await site.driver.declare("county")  # the bureau's own county has one too
    await listed(site, other)
    await listed(site, ours)

    await sign_in(page, site, "bureau")
    for url in (
        "/",
        "/applications",
        f"/applications?county={OTHER_COUNTY}",
        f"/applications?q={name}",
        f"/applications?q={code}",
        "/applications?state=declared&level=county",
        "/notifications",
        "/filings",
        "/statistics",
    ):
        await page.goto(url)
        text = await page.inner_text("body")
        assert name not in text and code not in text, url
        counties = await page.locator("td[data-label=县区]").all_inner_texts()
        assert set(counties) <= {COUNTY}, (url, counties)

    await page.goto("/")
    shown = [int(n) for n in await page.locator("#overview .stat").all_inner_texts()]
    with Session(get_engine(site.api.database_url)) as s:
        in_county = s.exec(select(func.count()).select_from(Application).where(Application.county == COUNTY)).one()
    assert sum(shown) == in_county  # the counts are the county's own

    await page.goto("/applications")
    await page.locator("td[data-label=县区]").first.wait_for()
    await page.fill("#f-q", name)  # htmx: the results follow the typing
    await page.locator("#application-table", has_text="没有符合条件的申报").wait_for()
    assert "q=" in page.url  # and the address follows the results
    await page.fill("#f-q", "")
    await page.locator("td[data-label=县区]").first.wait_for()

    answer = await page.goto(f"/applications/{other}")
    assert answer.status == 404 and name not in await page.inner_text("body")
    assert "不在您的查看范围内" in await page.inner_text("main")  # the API's words: 未找到该申报，或不在…
    await shot(page, "county-scope-not-found")

    cookies = {c["name"]: c["value"] for c in await page.context.cookies()}
    token = await page.get_attribute("meta[name=csrf-token]", "content")
    async with httpx.AsyncClient(base_url=site.url, cookies=cookies) as http:
        acted = await http.post(
            f"/applications/{other}/acts/county-review",
            data={"csrf_token": token, "decision": "pass", "opinion": "越权"},
        )
    assert acted.status_code == 404 and name not in acted.text  # an act on it is answered like an unknown one

    city = await browser.new_context(base_url=site.url)  # a city-wide reviewer does see it
    reviewer = await city.new_page()
    await sign_in(reviewer, site, "reviewer")
    await reviewer.goto(f"/applications?q={code}")
    assert name in await reviewer.inner_text("#application-table")
    await city.close()


async def _applications_in_every_state(site) -> dict[str, str]:
    d, api = site.driver, site.api
    code = credit_code()  # one institution, in the city's pipeline while its county-level title is revoked
    # First those past their notice (time skipped). The county-level title first: the city-level declaration names
    # it (an institution holding the county-level title is not declared for it again).
    titled = await d.awarded("county", type="training", credit_code=code)
    title = await d.state(titled)
    made = {
        "revoked": titled,
        "flagged": await d.city_reviewed(
            credit_code=code, county_title_doc_no=title["announcement_doc_no"], county_title_date=title["announced_on"]
        ),
        "notice_closed": await d.notice_closed("county"),
        "announced": await d.announced("county"),
        "awarded": await d.awarded("county"),
        "declared": await d.declare("county"),
        "city_reviewed": await d.city_reviewed(),
        "objected": (await d.objected("county"))[0],
        "rejected": await d.declare("county"),
        "withdrawn": await d.declare("county"),
    }
    expect(
        await api.post(
            "bureau", f"/applications/{made['rejected']}/county-review", {"decision": "fail", "opinion": "不符合"}
        ),
        200,
    )
    expect(await api.post("bureau", f"/applications/{made['withdrawn']}/withdrawal", {"reason": "机构主动撤回"}), 200)
    body = {"reason": "below_standard", "evidence": "就业服务工作被证实达不到标准"}
    expect(await api.post("inspector", f"/applications/{made['revoked']}/revocation", body), 202)
    await d.revocation_signed(made["revoked"], "county")  # the county's three departments decide it
    for application_id in made.values():
        await listed(site, application_id)

    async def flagged() -> bool:
        return bool((await d.state(made["flagged"]))["flags"])

    await eventually(flagged)
    return made


async def test_no_page_shows_an_english_enum_value(late_page, late_site, browser):
    page, site = late_page, late_site
    made = await _applications_in_every_state(site)
    round_id = unique("R")
    await site.api.ensure_round(round_id)  # a city round, its window open
    seen: dict[str, str] = {}
    with Session(get_engine(site.api.database_url)) as s:  # the test users' names (e.g. inspector-u-1a2b) are data
        names = sorted(s.exec(select(User.name)).all(), key=len, reverse=True)
        names += sorted(s.exec(select(Login.login)).all(), key=len, reverse=True)  # and their logins (用户管理)

    async def look(p, url: str, who: str) -> None:
        await p.goto(url)
        await p.wait_for_function(CHARTS_DRAWN)  # the charts' words (axes, legends) are read too
        text = await visible(p)
        for name in names:
            text = text.replace(name, "")
        found = sorted(set(ENGLISH.findall(text)))
        assert not found, f"{who} {url}: {found}"
        seen[f"{who} {url}"] = text

    for url in ("/login", "/notices", f"/notices/{made['objected']}", "/titles", "/objections", "/objections/NONE"):
        await look(page, url, "public")
    await page.goto(f"/notices/{made['objected']}")
    await page.fill("#f-name", "李四")
    await page.fill("#f-contact", "13900000000")
    await page.fill("#f-content", "服务场所与申报不符")
    await page.click("text=提交异议")
    await page.wait_for_url("**/objections/*")
    await look(page, page.url, "public")

    for who in ("bureau", "reviewer", "county_hrss", "hrss", "inspector", "supervisor", "admin", "other_bureau"):
        context = await browser.new_context(base_url=site.url)
        p = await context.new_page()
        await sign_in(p, site, who)
        for url in ("/", "/applications", "/applications?page=2", "/applications/new", "/notifications"):
            await look(p, url, who)
        for url in (
            "/filings",
            f"/filings/{COUNTY}/{this_year()}",
            "/statistics",
            "/rounds",
            f"/rounds/{round_id}",
            "/quotas",
            "/admin/users",
        ):
            await look(p, url, who)
        for state, application_id in made.items():
            await look(p, f"/applications/{application_id}", who)
            if who == "bureau":
                await shot(p, f"application-{state}")
        await context.close()
    assert any("异议调查核实" in t for t in seen.values())  # the bureau's finding form was among the pages
    assert any("撤销称号" in t for t in seen.values())  # and the inspector's revocation form
    assert any("县级标杆称号已撤销（就业服务工作被证实达不到标准" in t for t in seen.values())  # the flag, in Chinese
