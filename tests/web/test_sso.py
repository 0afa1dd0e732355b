"""统一身份认证 (OpenID Connect) against a real OpenID provider (oidc-provider, tests/oidc) on 127.0.0.1, the whole way
over HTTP: the app's /login/oidc, the provider's own login and consent forms, the callback, the session.

A pre-created account (its subject set by the admin on 用户管理) signs in and a page shows them signed in; signing
out ends the session and goes to the provider's end-session endpoint. Every refusal is provoked for real (the
provider issues a token for another audience, or one that expires before it arrives; the user cancels there; the
provider is down; the client's secret is wrong), shown in Chinese on the login page, and makes nobody and signs
nobody in (users and sessions counted before and after)."""

import os
import re
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest
from sqlalchemy import text

from app import create_app
from config import ROOT, OidcSettings
from contracts.rules import RULES
from db.schema import upgrade
from db.session import get_engine
from services.identity import ExternalSubject, add_login, add_user, disable_user
from tests.api.conftest import temporal_address
from tests.conftest import settings_for, unique
from tests.oidc import provider
from tests.uvicorn_in_loop import served_on_a_port
from tests.web.conftest import shot
from tests.web.test_accessibility import report, severe_violations

SECRET = "client-secret-for-the-tests-only"
PASSWORD = "admin-pass-12345"
# The provider's accounts; the province names roles its own way ("county_hr"), mapped by the settings.
ACCOUNTS = {
    "zhang": {"name": "张三", "role": "county_hr", "county": "兰山区", "city": "临沂市"},
    "li": {"name": "李四", "role": "county_hr", "county": "兰山区"},
    "wang": {"name": "王五", "role": "county_hr", "county": "罗庄区"},
    "zhao": {"name": "赵六", "role": "county_hr", "county": "河东区", "city": "临沂市"},
    "qian": {"name": "钱七", "role": "astronaut", "county": "兰山区"},
}
ROLE_MAP = {"county_hr": "county_bureau"}


@pytest.fixture(scope="module", autouse=True)
def provider_installed() -> None:
    provider.install()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Sso:
    url: str
    issuer: str
    database_url: str

    def count(self, table: str) -> int:
        with get_engine(self.database_url).connect() as c:
            return int(c.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())  # noqa: S608 (our names)

    def counts(self) -> tuple[int, int]:
        return self.count("api_user"), self.count("web_session")

    def give(self, sub: str, name: str, disabled: bool = False) -> str:
        made = add_user(self.database_url, name, "county_bureau", "兰山区", external=ExternalSubject(self.issuer, sub))
        if disabled:
            disable_user(self.database_url, made.id)
        return made.id


@asynccontextmanager
async def sso_site(dev_env, tmp_path, client: str = "biaogan", **settings: Any) -> AsyncIterator[Sso]:
    """The app (pages and all, on a free port of its own) whose 统一身份认证 is a provider started for it, which
    knows four clients: ``biaogan`` (a well-behaved one), ``portal`` (another application), ``biaogan-stray`` (its ID
    tokens are issued for ``portal``) and ``biaogan-slow`` (its ID tokens live 1 s and arrive 2.5 s late)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    at_app = {"redirect_uris": [f"{base}/login/oidc/callback"], "post_logout_redirect_uris": [f"{base}/login"]}
    clients = [
        {"client_id": "biaogan", "client_secret": SECRET, **at_app},
        {"client_id": "portal", "client_secret": SECRET, **at_app},
        {"client_id": "biaogan-stray", "client_secret": SECRET, "audience_of": "portal", **at_app},
        {"client_id": "biaogan-slow", "client_secret": SECRET, "id_token_ttl": 1, "token_delay_ms": 2500, **at_app},
    ]
    database_url = f"sqlite:///{tmp_path / f'sso-{unique()}.db'}"
    upgrade(database_url)
    with provider.running(clients, ACCOUNTS) as issuer:
        oidc = {
            "oidc_issuer": issuer,
            "oidc_client_id": client,
            "oidc_client_secret": SECRET,
            "oidc_scopes": "openid profile org",
            "oidc_role_map": ROLE_MAP,
            "oidc_clock_skew_seconds": 0,
            "oidc_redirect_base": base,
            **settings,
        }
        app = create_app(
            settings_for(
                database_url, unique("sso"), temporal_address=temporal_address(dev_env), oidc=OidcSettings(**oidc)
            )
        )
        async with app.router.lifespan_context(app), served_on_a_port(app, port):
            yield Sso(base, str(oidc["oidc_issuer"]), database_url)


def user_agent(seen: list[httpx.URL] | None = None) -> httpx.AsyncClient:
    """A browser-like client; ``seen`` gathers the addresses it asked for, redirects included."""

    async def record(request: httpx.Request) -> None:
        if seen is not None:
            seen.append(request.url)

    return httpx.AsyncClient(follow_redirects=True, timeout=30, event_hooks={"request": [record]})


async def through_provider(http: httpx.AsyncClient, sso: Sso, account: str, cancel: bool = False) -> httpx.Response:
    """Start at the app's /login/oidc and sign ``account`` in on the provider's own forms (or cancel there) until
    the provider sends the browser back to the app; the app's answer."""
    answer = await http.get(f"{sso.url}/login/oidc", params={"next": "/notifications"})
    for _ in range(5):
        if not str(answer.url).startswith(sso.issuer):
            return answer
        assert answer.status_code == 200, answer.text
        if cancel:
            abort = re.search(r'href="([^"]*/abort)"', answer.text)
            assert abort, answer.text
            answer = await http.get(urljoin(str(answer.url), abort.group(1)))
            continue
        action = re.search(r'<form[^>]*action="([^"]+)"[^>]*method="post"', answer.text)
        prompt = re.search(r'name="prompt" value="(\w+)"', answer.text)
        assert action and prompt, answer.text
        form = {"prompt": prompt.group(1)}
        if prompt.group(1) == "login":
            form |= {"login": account, "password": "whatever-the-provider-accepts"}
        answer = await http.post(urljoin(str(answer.url), action.group(1)), data=form)
    raise AssertionError(f"the provider did not send the browser back: {answer.url}")


def refused(answer: httpx.Response, status: int, code: str, **facts: str) -> None:
    """The login page, with the rule's Chinese words (and not its code)."""
    assert answer.status_code == status, f"{answer.url}: {answer.status_code} {answer.text[:1500]}"
    assert urlsplit(str(answer.url)).path.startswith("/login")
    shown = unescape(answer.text)
    assert RULES[code].say(**facts) in shown
    assert code not in shown
    assert 'name="password"' in shown  # the login page, where one may try again


async def test_a_pre_created_account_signs_in_and_out_through_the_provider(dev_env, tmp_path):
    seen: list[httpx.URL] = []
    async with sso_site(dev_env, tmp_path) as sso, user_agent(seen) as http:
        form = await http.get(f"{sso.url}/login")
        assert "统一身份认证登录" in form.text and 'href="/login/oidc?next=' in form.text
        sso.give("zhang", "兰山区人社局张三")
        before = sso.counts()
        answer = await through_provider(http, sso, "zhang")
        assert answer.status_code == 200 and urlsplit(str(answer.url)).path == "/notifications", answer.text[:800]
        assert "兰山区人社局张三" in answer.text  # the header names who is signed in
        assert sso.counts() == (before[0], before[1] + 1)  # one session, nobody made
        callback = next(u for u in seen if u.path == "/login/oidc/callback")
        query = parse_qs(urlsplit(str(callback)).query)
        authorize = next(u for u in seen if u.path == "/auth")
        asked = parse_qs(urlsplit(str(authorize)).query)
        assert asked["code_challenge_method"] == ["S256"] and asked["nonce"] and asked["state"] == query["state"]

        # The session says it was opened by 统一身份认证
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', answer.text)
        assert csrf
        me = await http.get(f"{sso.url}/notifications")
        assert me.status_code == 200
        token = http.cookies.get("bg_session")
        assert token and token.startswith("oidc.")

        # The same callback again (the state replayed, its cookie too): refused, nobody signed in again
        async with httpx.AsyncClient(cookies={"bg_oidc": query["state"][0]}) as replay:
            again = await replay.get(str(callback))
        refused(again, 400, "sso_state_unknown")
        assert sso.counts() == (before[0], before[1] + 1)

        # Signing out: the session ends here, and the browser goes to the provider's end-session endpoint
        out = await http.post(f"{sso.url}/logout", data={"csrf_token": csrf.group(1)}, follow_redirects=False)
        assert out.status_code == 303
        end = urlsplit(out.headers["location"])
        assert f"{end.scheme}://{end.netloc}" == sso.issuer and end.path == "/session/end"
        hint = parse_qs(end.query)
        assert hint["post_logout_redirect_uri"] == [f"{sso.url}/login"] and hint["id_token_hint"][0].count(".") == 2
        assert sso.counts() == before
        assert (await http.get(f"{sso.url}/notifications")).url.path == "/login"
        # The provider accepts the hint and asks to confirm; confirmed, it sends the browser back to the login page
        confirm = await http.get(out.headers["location"])
        assert confirm.status_code == 200, confirm.text
        action = re.search(r'action="([^"]+)"', confirm.text)
        xsrf = re.search(r'name="xsrf" value="([^"]+)"', confirm.text)
        assert action and xsrf
        back = await http.post(
            urljoin(str(confirm.url), action.group(1)), data={"xsrf": xsrf.group(1), "logout": "yes"}
        )
        assert back.status_code == 200 and str(back.url).startswith(f"{sso.url}/login")


async def test_the_refusals_make_nobody_and_sign_nobody_in(dev_env, tmp_path):
    async with sso_site(dev_env, tmp_path) as sso:
        sso.give("li", "兰山区人社局李四", disabled=True)
        before = sso.counts()

        async with user_agent() as http:  # no account has the subject, and provisioning is off
            refused(await through_provider(http, sso, "wang"), 403, "sso_subject_unknown")
        async with user_agent() as http:  # the account exists but is disabled
            refused(await through_provider(http, sso, "li"), 403, "account_disabled")
        async with user_agent() as http:  # the user cancels at the provider: error=access_denied comes back
            refused(await through_provider(http, sso, "wang", cancel=True), 403, "sso_denied")
        async with user_agent() as http:  # a state this browser never began, with its cookie
            http.cookies.set("bg_oidc", "never-begun-state")
            answer = await http.get(
                f"{sso.url}/login/oidc/callback", params={"state": "never-begun-state", "code": "x"}
            )
            refused(answer, 400, "sso_state_unknown")
        async with user_agent() as http:  # a state begun by another browser (no cookie here)
            began = await http.get(f"{sso.url}/login/oidc", follow_redirects=False)
            state = parse_qs(urlsplit(began.headers["location"]).query)["state"][0]
            http.cookies.clear()
            refused(
                await http.get(f"{sso.url}/login/oidc/callback", params={"state": state, "code": "x"}),
                400,
                "sso_state_unknown",
            )
        assert sso.counts() == before


async def test_an_id_token_for_another_audience_is_refused(dev_env, tmp_path):
    async with sso_site(dev_env, tmp_path, client="biaogan-stray") as sso, user_agent() as http:
        sso.give("zhang", "兰山区人社局张三")
        before = sso.counts()
        refused(await through_provider(http, sso, "zhang"), 401, "sso_audience_wrong")
        assert sso.counts() == before


async def test_an_id_token_that_expired_on_the_way_is_refused(dev_env, tmp_path):
    async with sso_site(dev_env, tmp_path, client="biaogan-slow") as sso, user_agent() as http:
        sso.give("zhang", "兰山区人社局张三")
        before = sso.counts()
        refused(await through_provider(http, sso, "zhang"), 401, "sso_token_expired")
        assert sso.counts() == before


async def test_a_code_the_provider_will_not_exchange_is_refused(dev_env, tmp_path):
    async with sso_site(dev_env, tmp_path, oidc_client_secret="not-the-secret") as sso, user_agent() as http:
        sso.give("zhang", "兰山区人社局张三")
        before = sso.counts()
        refused(await through_provider(http, sso, "zhang"), 401, "sso_token_invalid")
        assert sso.counts() == before


async def test_an_unreachable_provider_is_said_and_the_password_still_works(dev_env, tmp_path):
    closed = f"http://127.0.0.1:{free_port()}"
    async with sso_site(dev_env, tmp_path, oidc_issuer=closed) as sso, user_agent() as http:
        before = sso.counts()
        answer = await http.get(f"{sso.url}/login/oidc")
        refused(answer, 503, "sso_unreachable")
        assert "统一身份认证登录" in answer.text
        assert sso.counts() == before


async def test_provisioning_makes_a_user_whose_claims_map_and_refuses_one_whose_do_not(dev_env, tmp_path):
    async with sso_site(dev_env, tmp_path, oidc_provisioning="claims") as sso:
        before = sso.counts()
        async with user_agent() as http:  # role "astronaut" is no role here
            refused(await through_provider(http, sso, "qian"), 403, "sso_claims_unmapped", what="角色")
        assert sso.counts() == before
        async with user_agent() as http:  # county_hr -> county_bureau of 河东区 (the claims come from userinfo)
            answer = await through_provider(http, sso, "zhao")
            assert answer.status_code == 200 and answer.url.path == "/notifications", answer.text[:800]
            assert "赵六" in answer.text
        assert sso.counts() == (before[0] + 1, before[1] + 1)
        with get_engine(sso.database_url).connect() as c:
            made = c.execute(
                text("SELECT name, role, county, external_issuer, external_subject FROM api_user WHERE name = '赵六'")
            ).one()
        assert tuple(made) == ("赵六", "county_bureau", "河东区", sso.issuer, "zhao")
        async with user_agent() as http:  # the second time, the same user
            assert (await through_provider(http, sso, "zhao")).url.path == "/notifications"
        assert sso.count("api_user") == before[0] + 1


async def test_the_admin_gives_a_user_their_subject_who_then_signs_in(dev_env, tmp_path):
    async with sso_site(dev_env, tmp_path) as sso, user_agent() as http:
        admin = add_user(sso.database_url, "市人社局管理员", "admin")
        add_login(sso.database_url, admin.id, "sso-admin", PASSWORD)
        form = await http.get(f"{sso.url}/login")
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', form.text)
        assert csrf
        await http.post(
            f"{sso.url}/login", data={"csrf_token": csrf.group(1), "login": "sso-admin", "password": PASSWORD}
        )
        page = await http.get(f"{sso.url}/admin/users")
        assert "统一身份认证标识" in page.text
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
        assert csrf
        new = {"csrf_token": csrf.group(1), "name": "兰山区人社局张三", "role": "county_bureau", "county": "兰山区"}
        made = await http.post(f"{sso.url}/admin/users", data=new | {"external_subject": "zhang"})
        assert made.status_code == 201, made.text[:1000]  # no login or password needed
        taken = await http.post(f"{sso.url}/admin/users", data=new | {"external_subject": "zhang"})
        assert taken.status_code == 422 and RULES["sso_subject_taken"].say() in unescape(taken.text)
        spaced = await http.post(f"{sso.url}/admin/users", data=new | {"external_subject": "zhang san"})
        assert spaced.status_code == 422 and RULES["sso_subject_malformed"].say() in unescape(spaced.text)
        assert sso.count("api_user") == 2
        # another user is given "wang" afterwards, on the users page
        other = add_user(sso.database_url, "罗庄区人社局王五", "county_bureau", "罗庄区")
        given = await http.post(
            f"{sso.url}/admin/users/{other.id}/subject", data={"csrf_token": csrf.group(1), "external_subject": "wang"}
        )
        assert given.status_code == 200 and "统一身份认证标识已保存" in given.text
        for sub, name in (("zhang", "兰山区人社局张三"), ("wang", "罗庄区人社局王五")):
            async with user_agent() as user:
                answer = await through_provider(user, sso, sub)
                assert answer.url.path == "/notifications" and name in answer.text


async def test_without_oidc_the_login_page_offers_no_sso(tmp_path):
    url = f"sqlite:///{tmp_path / 'plain.db'}"
    upgrade(url)
    app = create_app(settings_for(url, unique("plain")))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        page = await http.get("/login")
        assert page.status_code == 200 and "统一身份认证" not in page.text and "/login/oidc" not in page.text
        begun = await http.get("/login/oidc")
        assert begun.status_code == 404 and RULES["sso_not_configured"].say() in unescape(begun.text)


def test_the_cli_gives_a_new_user_their_subject(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": url, "BIAOGAN_DATA_DIR": str(tmp_path)}
    command = [sys.executable, str(ROOT / "cli.py"), "users", "create", "--name", "兰山区人社局张三", "--role"]
    command += ["county_bureau", "--county", "兰山区", "--external-subject", "zhang"]
    unconfigured = subprocess.run(command, env=env, capture_output=True, text=True)
    assert unconfigured.returncode != 0 and "sso_not_configured" in unconfigured.stderr
    env["BIAOGAN_OIDC_ISSUER"], env["BIAOGAN_OIDC_CLIENT_ID"] = "https://sso.example.gov.cn/oidc/", "biaogan"
    created = subprocess.run(command, env=env, capture_output=True, text=True)
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip().splitlines()[-1].startswith("bg_")
    again = subprocess.run(command, env=env, capture_output=True, text=True)
    assert again.returncode != 0 and "sso_subject_taken" in again.stderr
    with get_engine(url).connect() as c:
        rows = c.execute(text("SELECT external_issuer, external_subject FROM api_user")).all()
    assert [tuple(r) for r in rows] == [("https://sso.example.gov.cn/oidc", "zhang")]


async def test_in_chromium_the_user_signs_in_and_out_through_the_provider_and_the_pages_pass_axe(
    dev_env, tmp_path, browser
):
    """The real browser: 统一身份认证登录 on the login page, the provider's forms, back signed in; 退出 reaches the
    provider's end-session page under the pages' CSP and comes back to the login page. axe on the pages SSO adds to."""
    async with sso_site(dev_env, tmp_path) as sso:
        sso.give("zhang", "兰山区人社局张三")
        admin = add_user(sso.database_url, "市人社局管理员", "admin")
        add_login(sso.database_url, admin.id, "sso-admin", PASSWORD)
        context = await browser.new_context(base_url=sso.url, locale="zh-CN", timezone_id="Asia/Shanghai")
        context.set_default_timeout(15_000)
        try:
            page = await context.new_page()
            await page.goto("/login?next=/notifications")
            found = await severe_violations(page)
            await page.get_by_role("link", name="统一身份认证登录").click()
            await page.wait_for_url(f"{sso.issuer}/**")
            await page.fill("input[name=login]", "zhang")
            await page.fill("input[name=password]", "whatever")
            await page.click("button[type=submit]")
            await page.click("button[type=submit]")  # the provider's consent
            await page.wait_for_url(f"{sso.url}/notifications")
            assert "兰山区人社局张三" in await page.inner_text("header")
            await shot(page, "sso-signed-in")
            await page.get_by_role("button", name="退出").click()
            await page.wait_for_url(f"{sso.issuer}/session/end**")
            await page.click("button[name=logout]")  # the provider asks whether to sign out there too
            await page.wait_for_url(f"{sso.url}/login**")
            assert sso.count("web_session") == 0

            await page.goto("/login/oidc/callback?state=never-begun&code=x")
            assert RULES["sso_state_unknown"].say() in await page.inner_text("main")
            found += await severe_violations(page)
            await page.goto("/login")
            await page.fill("#f-login", "sso-admin")
            await page.fill("#f-password", PASSWORD)
            await page.click("form[action='/login'] button[type=submit]")
            await page.goto("/admin/users")
            assert await page.locator("form.subject-form").count() == 2
            found += await severe_violations(page)
            await shot(page, "sso-admin-users")
            assert not found, report(found)
        finally:
            await context.close()
