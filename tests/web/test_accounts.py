"""Accounts and signing in: the CLI gives a user a login and password, /login opens a server-side session (cookie
flags), a wrong password is refused and repeated failures lock the login, a disabled user's session stops at once,
every form needs its CSRF token, and /logout ends the session."""

import os
import re
import subprocess
import sys
from datetime import UTC, datetime

import httpx
from sqlmodel import Session, select

from config import ROOT
from db.logins import Login
from db.session import get_engine
from db.users import User
from tests.conftest import unique
from tests.web.conftest import PASSWORD, shot, sign_in


def test_the_cli_creates_a_user_who_can_sign_in_and_still_prints_the_token_last(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": url}
    command = [sys.executable, str(ROOT / "cli.py"), "users", "create", "--name", "兰山区人社局", "--role"]
    command += ["county_bureau", "--county", "兰山区"]
    created = subprocess.run(
        [*command, "--login", "LanShan", "--password-stdin"],
        input=f"{PASSWORD}\n",
        env=env,
        capture_output=True,
        text=True,
    )
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("bg_")
    with Session(get_engine(url)) as s:
        login = s.exec(select(Login)).one()
        assert login.login == "lanshan" and login.password_hash.startswith("$argon2")
        assert PASSWORD not in login.password_hash
    plain = subprocess.run(command[:-2] + ["--county", "罗庄区"], env=env, capture_output=True, text=True)
    assert plain.returncode == 0 and plain.stdout.strip().splitlines()[-1].startswith("bg_")
    taken = subprocess.run(
        [*command, "--login", "lanshan", "--password-stdin"],
        input=f"{PASSWORD}\n",
        env=env,
        capture_output=True,
        text=True,
    )
    assert taken.returncode != 0 and "login_taken: 该登录名已被使用" in taken.stderr
    short = subprocess.run(
        [*command, "--login", "x2", "--password-stdin"], input="short\n", env=env, capture_output=True, text=True
    )
    assert short.returncode != 0 and "password_too_short: 密码至少8位" in short.stderr
    with Session(get_engine(url)) as s:
        assert len(s.exec(select(User)).all()) == 2  # the refused ones made no user


async def test_sign_in_sets_a_guarded_cookie_and_sign_out_ends_the_session(page, site):
    await page.goto("/")
    await page.wait_for_url("**/login")
    await page.fill("#f-login", site.logins["bureau"])
    await page.fill("#f-password", "wrong-password")
    await page.click("button[type=submit]")
    assert "登录名或密码错误" in await page.inner_text("#login-error")
    await shot(page, "login-refused")

    await sign_in(page, site, "bureau")
    (cookie,) = [c for c in await page.context.cookies() if c["name"] == "bg_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and not cookie["secure"]  # plain HTTP here
    assert "退出" in await page.inner_text("header")
    await page.click("text=退出")
    await page.wait_for_url("**/login")
    await page.context.add_cookies([{**cookie}])  # the old token, replayed: the session is gone on the server
    await page.goto("/")
    await page.wait_for_url("**/login")


async def test_the_session_cookie_is_secure_over_https(site):
    transport = httpx.ASGITransport(app=site.api.app)
    async with httpx.AsyncClient(transport=transport, base_url="https://biaogan.example") as http:
        form = await http.get("/login")
        token = re.search(r'name="csrf-token" content="([^"]+)"', form.text).group(1)
        data = {"csrf_token": token, "login": site.logins["reviewer"], "password": PASSWORD}
        signed = await http.post("/login", data=data)
    assert signed.status_code == 303
    cookie = next(v for k, v in signed.headers.multi_items() if k == "set-cookie" and v.startswith("bg_session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie


async def test_a_form_without_its_csrf_token_is_refused(site):
    async with httpx.AsyncClient(base_url=site.url) as http:
        await http.get("/login")
        refused = await http.post("/login", data={"login": site.logins["bureau"], "password": PASSWORD})
        assert refused.status_code == 403 and "页面已过期" in refused.text
        forged = await http.post("/login", data={"csrf_token": "0" * 64, "login": site.logins["bureau"]})
        assert forged.status_code == 403


async def test_repeated_failures_lock_the_login_even_for_the_right_password(page, site):
    from tests.web.conftest import user_id_for

    name = f"lock-{unique('')[-8:]}"
    from services.identity import add_login, create_user

    token = create_user(site.api.database_url, "罗庄区锁定测试", "county_bureau", "罗庄区")
    add_login(site.api.database_url, user_id_for(site.api.database_url, token), name, PASSWORD)
    attempts = site.api.app.state.settings.web.web_login_attempts
    for _ in range(attempts):
        await page.goto("/login")
        await page.fill("#f-login", name)
        await page.fill("#f-password", "not-the-password")
        await page.click("button[type=submit]")
    assert "已暂时锁定" in await page.inner_text("#login-error")
    await page.fill("#f-password", PASSWORD)
    await page.click("button[type=submit]")
    assert "已暂时锁定" in await page.inner_text("#login-error")
    await shot(page, "login-locked")


async def test_disabling_a_user_ends_their_sessions_at_once(page, site):
    from services.identity import add_login, create_user
    from tests.web.conftest import user_id_for

    name = f"gone-{unique('')[-8:]}"
    token = create_user(site.api.database_url, "市督查停用测试", "inspector")
    user_id = user_id_for(site.api.database_url, token)
    add_login(site.api.database_url, user_id, name, PASSWORD)
    site.logins[name] = name
    await sign_in(page, site, name)
    with Session(get_engine(site.api.database_url)) as s:
        user = s.get(User, user_id)
        user.disabled_at = datetime.now(UTC)
        s.add(user)
        s.commit()
    await page.goto("/")
    await page.wait_for_url("**/login")
    await page.fill("#f-login", name)
    await page.fill("#f-password", PASSWORD)
    await page.click("button[type=submit]")
    assert "已停用" in await page.inner_text("#login-error")
