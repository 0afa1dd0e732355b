"""Accessibility: axe-core (shipped inside axe-playwright-python, no download) run in Chromium on every page the app
serves, for every role, with content on them, at desktop and at phone width and in the 适老化 mode; it fails on any
serious or critical violation, naming the page, the rule and the nodes. Also: keyboard focus after a refused form,
the 适老化 (larger text, higher contrast) switch in the header, and the phone menu showing every item without
sideways scrolling."""

import re
from datetime import date

import pytest_asyncio
from axe_playwright_python.async_playwright import Axe

from tests.conftest import unique
from tests.factory import COUNTY
from tests.web.conftest import PASSWORD, PHONE, Site, new_page, shot, sign_in

AXE = Axe()
SEVERE = {"serious", "critical"}


async def severe_violations(page) -> list[str]:
    """axe's serious and critical findings on the page as it stands: one line per rule, with its nodes."""
    await page.wait_for_load_state("networkidle")
    results = await AXE.run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in SEVERE:
            continue
        nodes = "; ".join(
            f"{' '.join(node['target'])} ({node.get('failureSummary', '').splitlines()[-1].strip()})"
            for node in violation["nodes"][:8]
        )
        found.append(f"{page.url} [{violation['impact']}] {violation['id']} on {len(violation['nodes'])}: {nodes}")
    return found


async def audit(page, paths: list[str]) -> list[str]:
    found = []
    for path in paths:
        await page.goto(path)
        found += await severe_violations(page)
    return found


NO_BROWSER_CHECKS = "document.querySelectorAll('form').forEach(f => { f.noValidate = true; })"
"""The browser's own checks of required fields off: the form goes to the server, which refuses it."""


def report(found: list[str]) -> str:
    return "axe found serious or critical violations:\n" + "\n".join(found)


class Content:
    """Applications in the stages that fill the pages: declared (act forms for the bureau), in a city round
    (scoring sheet), under notice with an objection (public pages, the finding form)."""

    declared: str
    in_round: str
    round_id: str
    publicized: str
    receipt: str


@pytest_asyncio.fixture(scope="module")
async def content(site: Site, browser) -> Content:
    made = Content()
    made.declared = await site.driver.declare("county", name=f"兰山区无障碍零工市场{unique('')[-6:]}")
    made.in_round = await site.driver.county_reviewed("city", name=f"兰山区无障碍人力资源市场{unique('')[-6:]}")
    made.round_id = (await site.driver.state(made.in_round))["round_id"]
    made.publicized = await site.driver.publicized("county", name=f"兰山区无障碍培训机构{unique('')[-6:]}")
    async with new_page(browser, site) as page:  # the public objects through the page: a receipt to look up
        await page.goto(f"/notices/{made.publicized}")
        await page.fill("#f-name", "张三")
        await page.fill("#f-contact", "13800000000")
        await page.fill("#f-content", "培训场地与申报不符")
        await page.click("text=提交异议")
        await page.wait_for_url(re.compile(r"/objections/[0-9A-Z]{16}\?new=1$"))
        made.receipt = page.url.split("/objections/")[1].split("?")[0]
    return made


def pages_of(who: str, c: Content) -> list[str]:
    year = date.today().year
    applications = [f"/applications/{c.declared}", f"/applications/{c.in_round}", f"/applications/{c.publicized}"]
    common = ["/", "/notifications"]  # the public pages are audited once signed in (the clerk's) and once not
    public = ["/notices", f"/notices/{c.publicized}", "/titles", "/objections", f"/objections/{c.receipt}"]
    reading = ["/applications", "/applications?state=publicized&q=无障碍", "/filings", "/statistics", *applications]
    return {
        "clerk": [
            *common,
            *reading,
            *public,
            "/standards",
            "/no-such-page",  # the 404 page
            "/applications/new",
            "/applications/new?type=gig_market&level=county",
            "/applications/new?type=gig_market&level=city",
            f"/standards/{COUNTY}",
            f"/filings/{COUNTY}/{year}",
            "/rounds",
            f"/rounds/{c.round_id}",
            "/admin/users",  # refused: the error page
        ],
        "bureau": [*common, *applications],
        "reviewer": [*common, *reading, "/rounds", f"/rounds/{c.round_id}", "/quotas", f"/filings/{COUNTY}/{year}"],
        "county_hrss": [*common, *applications],
        "hrss": [*common, "/filings", *applications],
        "inspector": [*common, "/rounds", *applications],
        "supervisor": [*common, "/statistics", "/programs", f"/rounds/{c.round_id}", *applications],
        "admin": [*common, "/admin/users", "/quotas", "/rounds", "/standards", "/programs"],
    }[who]


ROLES = ["clerk", "bureau", "reviewer", "county_hrss", "hrss", "inspector", "supervisor", "admin"]


async def test_axe_finds_no_serious_violation_on_any_page_of_any_role(site, browser, content):
    found = []
    for who in ROLES:
        async with new_page(browser, site) as page:
            await sign_in(page, site, who)
            found += await audit(page, pages_of(who, content))
    assert not found, report(found)


async def test_axe_finds_no_serious_violation_on_the_public_pages_and_refused_forms(page, site, content):
    found = await audit(
        page,
        [
            "/login",
            "/notices",
            f"/notices/{content.publicized}",
            "/titles",
            "/objections",
            f"/objections/{content.receipt}",
            "/objections/AAAA-BBBB-CCCC-DDDD",
            "/notices/A00000000000000000000",
            "/no-such-page",
            "/applications",  # not signed in: sent to the login
        ],
    )
    await page.goto("/login")
    await page.fill("#f-login", site.logins["clerk"])
    await page.fill("#f-password", "wrong-password")
    await page.click("button[type=submit]")
    await page.wait_for_load_state("networkidle")
    found += await severe_violations(page)
    await page.goto(f"/notices/{content.publicized}")
    await page.evaluate(NO_BROWSER_CHECKS)
    await page.click("text=提交异议")  # every field empty: refused beside each
    await page.locator("#f-content-error").wait_for()
    await page.wait_for_load_state("networkidle")
    found += await severe_violations(page)
    assert not found, report(found)


async def test_axe_finds_no_serious_violation_on_a_phone(browser, site, content):
    found = []
    async with new_page(browser, site, **PHONE) as page:
        found += await audit(page, ["/login", "/notices", f"/notices/{content.publicized}"])
        await sign_in(page, site, "clerk")
        found += await audit(page, ["/", "/applications", f"/applications/{content.declared}", "/applications/new"])
    assert not found, report(found)


async def focused_id(page) -> str:
    return await page.evaluate("document.activeElement ? document.activeElement.id : ''")


async def test_the_refused_declaration_page_passes_axe_and_focus_is_on_its_first_field_in_error(page, site):
    await sign_in(page, site, "clerk")
    await page.goto("/applications/new?type=gig_market&level=county")
    await page.wait_for_load_state("networkidle")
    await page.evaluate(NO_BROWSER_CHECKS)
    await page.click("text=提交申报")  # nothing filled in
    await page.locator("[aria-invalid=true]").first.wait_for()
    await page.wait_for_load_state("networkidle")
    first_error = await page.evaluate("document.querySelector('#main [aria-invalid=true]').id")
    assert first_error
    # a11y.js moves the focus once htmx has settled the swapped form: wait for it rather than race it
    await page.wait_for_function("id => document.activeElement && document.activeElement.id === id", arg=first_error)
    found = await severe_violations(page)
    assert not found, report(found)


async def test_focus_lands_on_the_error_after_a_wrong_password(page, site):
    await page.goto("/login")
    assert await focused_id(page) != "login-error"
    await page.fill("#f-login", site.logins["clerk"])
    await page.fill("#f-password", "wrong-password")
    await page.click("button[type=submit]")
    await page.locator("#login-error").wait_for()
    await page.wait_for_function("() => document.activeElement && document.activeElement.id === 'login-error'")
    assert await page.evaluate("document.activeElement.getAttribute('role')") == "alert"
    await page.fill("#f-password", PASSWORD)  # the right password still signs in afterwards
    await page.click("button[type=submit]")
    await page.wait_for_url(re.compile(r"/$"))


async def test_focus_lands_on_the_first_field_in_error_on_a_refused_objection(page, site, content):
    await page.goto(f"/notices/{content.publicized}")
    await page.fill("#f-name", "张三")
    await page.fill("#f-contact", "13800000000")
    await page.fill("#f-content", "   ")  # blank: refused by the server beside the field
    await page.click("text=提交异议")
    await page.locator("#f-content-error").wait_for()
    await page.wait_for_function("() => document.activeElement && document.activeElement.id === 'f-content'")


async def test_focus_lands_on_the_field_in_error_of_a_refused_act(page, site):
    app_id = await site.driver.declare("county", name=f"兰山区焦点测试零工市场{unique('')[-6:]}")
    await site.driver.opinions_given(app_id)  # 会商: the pass is offered once both departments agree
    await sign_in(page, site, "bureau")
    await page.goto(f"/applications/{app_id}")
    await page.check("#f-county-review-decision >> input[value=pass]")
    await page.evaluate(NO_BROWSER_CHECKS)
    await page.click("text=提交县级审核")  # no opinion: refused beside the field (the form comes back by htmx)
    await page.locator("#f-county-review-opinion-error").wait_for()
    await page.wait_for_function(
        "() => document.activeElement && document.activeElement.id === 'f-county-review-opinion'"
    )
    assert await focused_id(page) == "f-county-review-opinion"
    assert await page.locator("#act-county-review").count() == 1  # refused: the form is still there


async def test_the_elderly_mode_enlarges_the_text_persists_and_passes_axe(browser, site, content):
    async with new_page(browser, site) as page:
        await sign_in(page, site, "clerk")
        before = await page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        toggle = page.locator("[data-elderly-toggle]")
        assert await toggle.get_attribute("aria-pressed") == "false"
        await toggle.click()
        assert await toggle.get_attribute("aria-pressed") == "true"
        after = await page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert after >= before * 1.2, (before, after)
        await page.goto("/applications")  # a new page load: the mode stays on
        assert "elderly" in (await page.get_attribute("html", "class") or "")
        assert await page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == after
        assert await page.locator("[data-elderly-toggle]").get_attribute("aria-pressed") == "true"
        found = await audit(page, ["/", "/applications", f"/applications/{content.declared}", "/applications/new"])
        await page.goto(f"/applications/{content.declared}")
        await shot(page, "a11y-elderly-application")
        await page.locator("[data-elderly-toggle]").click()  # and off again
        await page.reload()
        assert "elderly" not in (await page.get_attribute("html", "class") or "")
        assert await page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == before
    async with new_page(browser, site) as public:  # the public site has the switch too
        await public.goto("/notices")
        await public.locator("[data-elderly-toggle]").click()
        found += await audit(public, ["/notices", f"/notices/{content.publicized}", "/login"])
    assert not found, report(found)


async def test_every_menu_item_is_visible_on_a_phone_without_scrolling_sideways(browser, site):
    for who in ("admin", "clerk", "reviewer", None):
        async with new_page(browser, site, **PHONE) as page:
            if who:
                await sign_in(page, site, who)
            else:
                await page.goto("/notices")
            toggle = page.locator("[data-menu-toggle]")
            if await toggle.is_visible():
                assert await toggle.get_attribute("aria-expanded") == "false"
                await toggle.click()
                assert await toggle.get_attribute("aria-expanded") == "true"
            items = page.locator(".site-nav a")
            assert await items.count() >= 4
            for item in await items.all():
                assert await item.is_visible(), await item.inner_text()
                box = await item.bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375, (who, await item.inner_text(), box)
            scrolls = await page.evaluate(
                "Array.from(document.querySelectorAll('.site-nav, .site-nav ul'))"
                ".some(e => e.scrollWidth > e.clientWidth + 1)"
            )
            assert not scrolls, f"the menu scrolls sideways for {who}"
            assert await page.evaluate("document.documentElement.scrollWidth") <= 375
            await shot(page, f"a11y-phone-menu-{who or 'public'}")
