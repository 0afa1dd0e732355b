"""Security headers (api/security_headers.py) on every kind of answer, and the pages under their strict CSP in a real
Chromium: no violation reported on any main page or on /docs, and what the pages' own scripts do still works (the
statistics charts, the htmx requests with their CSRF header, the year and period choosers, the print buttons,
Swagger UI's "Try it out")."""

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from api.security_headers import DOCS_CSP, JSON_CSP, PAGE_CSP
from tests.conftest import unique
from tests.web.conftest import PASSWORD, Site, new_page, sign_in
from tests.web.test_scope_and_words import CHARTS_DRAWN, listed

EVERYWHERE = {"x-content-type-options": "nosniff", "referrer-policy": "same-origin", "x-frame-options": "DENY"}

# Before any script of the page: every CSP violation the page reports, and window.print kept from opening a dialog.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(
  `${e.violatedDirective} blocked=${e.blockedURI} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`));
window.__printed = 0;
window.print = () => { window.__printed += 1; };
"""

INLINE = """() => { window.__inline = null; const s = document.createElement("script");
  s.textContent = "window.__inline = 1"; document.head.appendChild(s); }"""


@asynccontextmanager
async def signed_in(site: Site, who: str | None) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client with the pages' session cookie of ``who`` (anonymous: None)."""
    async with httpx.AsyncClient(base_url=site.url, timeout=30) as client:
        if who is not None:
            form = await client.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
            assert token is not None
            fields = {"csrf_token": token.group(1), "login": site.logins[who], "password": PASSWORD, "next": "/"}
            assert (await client.post("/login", data=fields)).status_code == 303
        yield client


def assert_headers(answer: httpx.Response, csp: str | None) -> None:
    where = f"{answer.request.method} {answer.request.url.path} {answer.status_code}"
    for name, value in EVERYWHERE.items():
        assert answer.headers.get(name) == value, (where, name)
    assert answer.headers.get("content-security-policy") == csp, where


async def test_every_kind_of_answer_carries_the_security_headers(site: Site):
    app_id = await site.driver.declare("county")
    await listed(site, app_id)
    await site.driver.publicized("county")  # the notice list (a PDF) is issued only while something is under notice
    async with signed_in(site, None) as anonymous:
        for path in ("/login", "/notices", "/titles", "/objections", "/objections/NOSUCHRECEIPT"):
            answer = await anonymous.get(path)
            assert answer.headers["content-type"].startswith("text/html"), path
            assert_headers(answer, PAGE_CSP)
        assert_headers(await anonymous.post("/login", data={"login": "x", "password": "y"}), PAGE_CSP)  # CSRF 403 page
        assert_headers(await anonymous.get("/applications"), None)  # the redirect to sign-in
        too_large = await anonymous.post("/login", content=b"x" * (300 * 1024))
        assert too_large.status_code == 413
        assert_headers(too_large, PAGE_CSP)
        assert_headers(await anonymous.get("/docs"), DOCS_CSP)
        assert_headers(await anonymous.get("/openapi.json"), JSON_CSP)
        for static in ("/static/app.js", "/static/app.css", "/static/vendor/swagger-ui/swagger-ui-bundle.js"):
            assert_headers(await anonymous.get(static), None)  # files run no script of their own: no CSP
        pdf = await anonymous.get("/api/v1/public/notices.pdf")
        assert pdf.headers["content-type"] == "application/pdf"
        assert_headers(pdf, None)

        for path, who, status in (
            ("/public/notices", None, 200),
            ("/applications", None, 401),
            (f"/applications/{unique('nosuch')}", "reviewer", 404),
            (f"/applications/{app_id}", "bureau", 200),
        ):
            answer = await anonymous.get(f"/api/v1{path}", headers=site.api.auth(who))
            assert answer.status_code == status, path
            assert_headers(answer, JSON_CSP)
        objection = f"/api/v1/public/applications/{app_id}/objections"
        refused = await anonymous.post(objection, content=b"{" + b" " * (65 * 1024) + b"}")
        assert refused.status_code == 413
        assert_headers(refused, JSON_CSP)

    async with signed_in(site, "bureau") as bureau:
        for path in ("/", "/applications", f"/applications/{app_id}", "/statistics", "/filings", "/notifications"):
            answer = await bureau.get(path)
            assert answer.status_code == 200, path
            assert_headers(answer, PAGE_CSP)
        fragment = await bureau.get("/applications", params={"q": "零工"}, headers={"HX-Request": "true"})
        assert_headers(fragment, PAGE_CSP)
        assert_headers(await bureau.get(f"/applications/{unique('nosuch')}"), PAGE_CSP)  # the page's own 404
        workbook = await bureau.get("/statistics.xlsx")
        assert workbook.status_code == 200
        assert_headers(workbook, None)


async def _violations(page) -> list[str]:
    return await page.evaluate("window.__violations")


async def test_the_pages_run_under_their_csp_with_nothing_refused(browser, site: Site):
    app_id = await site.driver.declare("county")
    await listed(site, app_id)
    console: list[str] = []

    async def visit(page, path: str) -> None:
        await page.goto(path)
        await page.wait_for_load_state("networkidle")
        assert await _violations(page) == [], path

    for who, paths in (
        (None, ["/login", "/notices", "/titles", "/objections"]),
        ("bureau", ["/", "/applications", f"/applications/{app_id}", "/applications/new", "/filings", "/standards"]),
        ("reviewer", ["/rounds", "/quotas", "/notifications", "/statistics"]),
        ("admin", ["/admin/users", "/programs"]),
    ):
        async with new_page(browser, site) as page:
            await page.context.add_init_script(WATCH)
            page.on("console", lambda m: console.append(m.text))
            if who is not None:
                await sign_in(page, site, who)
            for path in paths:
                await visit(page, path)

            if who is None:  # the print buttons
                await page.goto("/titles")
                await page.click("button[data-print]")
                assert await page.evaluate("window.__printed") == 1
            if who == "reviewer":  # the charts, drawn by the vendored ECharts from the page's data block
                await page.wait_for_function(CHARTS_DRAWN)
                assert await page.locator(".chart svg").count() >= 1
                assert await _violations(page) == []
            if who == "bureau":
                await _the_pages_scripts_work(page)
                assert await _violations(page) == []
    refused = [line for line in console if "Content Security Policy" in line or "Refused to" in line]
    assert refused == []

    async with new_page(browser, site) as page:  # the policy is enforced and watched: an inline script is refused
        await page.context.add_init_script(WATCH)
        await page.goto("/titles")
        await page.evaluate(INLINE)
        assert await page.evaluate("window.__inline") is None
        assert [v.split()[0] for v in await _violations(page)] == ["script-src-elem"]


async def _the_pages_scripts_work(page) -> None:
    # htmx: the list filters by what is typed, and every htmx request carries the CSRF header from app.js
    await page.goto("/applications")
    async with page.expect_request(lambda r: r.headers.get("hx-request") == "true") as sent:
        await page.fill("#f-q", "零工驿站")
    request = await sent.value
    token = await page.get_attribute('meta[name="csrf-token"]', "content")
    assert token and request.headers.get("x-csrf-token") == token
    # the year chooser submits its form when a year is chosen (data-autosubmit)
    await page.goto("/filings")
    years = await page.locator("#f-year option").evaluate_all("options => options.map(o => o.value)")
    chosen = await page.input_value("#f-year")
    other = next(y for y in years if y != chosen)
    async with page.expect_navigation():
        await page.select_option("#f-year", other)
    assert f"year={other}" in page.url


async def test_the_api_docs_run_from_the_apps_own_files_under_their_csp(browser, site: Site):
    async with new_page(browser, site) as page:
        await page.context.add_init_script(WATCH)
        elsewhere: list[str] = []
        page.on("request", lambda r: None if r.url.startswith(site.url) else elsewhere.append(r.url))
        await page.goto("/docs")
        await page.wait_for_selector(".opblock")
        assert await page.locator(".opblock").count() > 20
        # "Try it out" on the public notice board: Swagger UI calls the API from the page
        block = page.locator("#operations-public-notices_api_v1_public_notices_get")
        await block.locator(".opblock-summary").click()
        await block.locator("button.try-out__btn").click()
        await block.locator("button.execute").click()
        status = block.locator(".live-responses-table tbody .response-col_status").first
        await status.wait_for()
        assert (await status.inner_text()).strip() == "200"
        assert await _violations(page) == []
        assert elsewhere == []  # nothing from a CDN or any other host
