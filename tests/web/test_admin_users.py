"""用户管理 in the browser: the admin creates a user (a county bureau without a county is refused beside its field),
who signs in and calls the API with the token shown once; the admin resets their password (their session ends, the
old password no longer works, the new one does) and disables the account: the session and the API token stop
working at once. A non-admin opening the page is refused in Chinese. Each user shows the city they belong to."""

import httpx

from tests.conftest import unique
from tests.web.conftest import shot, sign_in

FIRST, SECOND = "first-pass-123", "second-pass-456"


async def sign_in_as(page, login: str, password: str) -> None:
    await page.goto("/login")
    await page.fill("#f-login", login)
    await page.fill("#f-password", password)
    await page.click("button[type=submit]")


async def api_status(site, token: str) -> int:
    async with httpx.AsyncClient(base_url=f"{site.url}/api/v1") as http:
        answer = await http.get("/applications", headers={"Authorization": f"Bearer {token}"})
        return answer.status_code


async def test_an_admin_creates_resets_and_disables_a_user(page, site, browser):
    login = f"luozhuang-{unique('')[-8:]}"
    name = f"罗庄区人社局{login[-4:]}"
    await sign_in(page, site, "admin")
    await page.click("nav >> text=用户管理")
    await page.wait_for_url("**/admin/users")

    form = page.locator("#create-user form")
    await form.locator("#f-new-login").fill(login)
    await form.locator("#f-new-name").fill(name)
    await form.locator("#f-new-role").select_option("county_bureau")
    await form.locator("#f-new-password").fill(FIRST)
    await form.locator("button[type=submit]").click()  # no county
    error = page.locator("#f-new-county-error")
    await error.wait_for()
    assert "县区人社局用户须选择所属县区" in await error.inner_text()
    assert await page.locator("#user-table", has_text=login).count() == 0  # nothing was made
    await shot(page, "admin-user-refused")

    await page.locator("#create-user #f-new-county").select_option("罗庄区")
    await page.locator("#create-user #f-new-password").fill(FIRST)
    await page.locator("#create-user button[type=submit]").click()
    token = (await page.locator("#token").inner_text()).strip()
    assert token.startswith("bg_")
    row = page.locator(f"#user-table tr[data-user='{login}']")
    assert "县区人社局" in await row.inner_text() and "罗庄区" in await row.inner_text()
    assert (await row.locator("td[data-label='城市']").inner_text()).strip() == "临沂市"  # the deployment's city
    assert "正常" in await row.inner_text()

    theirs = await browser.new_context(base_url=site.url)
    them = await theirs.new_page()
    await sign_in_as(them, login, FIRST)
    await them.wait_for_url(f"{site.url}/")
    assert name in await them.inner_text("header")
    assert await api_status(site, token) == 200  # the token works (and is now in the API's cache)

    await row.locator(".reset-form input[name=password]").fill(SECOND)
    await row.locator(".reset-form button").click()
    await page.wait_for_url("**done=reset")
    await them.goto("/")
    await them.wait_for_url("**/login")  # the reset ended their session
    await sign_in_as(them, login, FIRST)
    assert "登录名或密码错误" in await them.inner_text("#login-error")
    await sign_in_as(them, login, SECOND)
    await them.wait_for_url(f"{site.url}/")

    row = page.locator(f"#user-table tr[data-user='{login}']")
    await row.locator(".disable-form button").click()  # not confirmed: the browser does not send it
    assert "正常" in await row.inner_text() and "done=disabled" not in page.url
    await row.locator(".disable-form input[name=confirm]").check()
    await row.locator(".disable-form button").click()
    await page.wait_for_url("**done=disabled")
    assert "已停用" in await page.locator(f"#user-table tr[data-user='{login}']").inner_text()
    await shot(page, "admin-user-disabled")
    assert await api_status(site, token) == 401  # at once, although the token was cached
    await them.goto("/applications")
    await them.wait_for_url("**/login?next=/applications")
    await sign_in_as(them, login, SECOND)
    assert "已停用" in await them.inner_text("#login-error")
    await theirs.close()


async def test_a_non_admin_opening_user_management_is_refused_in_chinese(page, site):
    await sign_in(page, site, "reviewer")
    assert await page.locator("nav >> text=用户管理").count() == 0
    answer = await page.goto("/admin/users")
    assert answer.status == 403
    said = await page.inner_text("main")
    assert "无权办理" in said and "此事项仅供系统管理员办理，市人社局评审无权办理" in said
    token = await page.get_attribute("meta[name=csrf-token]", "content")
    posted = await page.request.post(
        "/admin/users",
        form={"csrf_token": token or "", "login": "sneaky", "name": "越权", "role": "admin", "password": FIRST},
    )
    assert posted.status == 403
