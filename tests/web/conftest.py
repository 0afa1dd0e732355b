"""The pages in a real browser: the app served by uvicorn (in the tests' own event loop) against the test Temporal
dev server and a real worker (tests/api/conftest.serve), driven by Playwright through Debian's Chromium.

``site`` (one per session, a SQLite read model of its own): the base URL, the API handle (tokens, the app, a Driver that moves
applications on over HTTP) and one signed-in-able user per principal, whose login is the principal's name and
whose password is PASSWORD. ``browser``: Chromium; ``page``: a fresh context (no cookies) per test.
"""

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from sqlmodel import Session, select

from contracts.rules import RULES
from db.schema import upgrade
from db.session import get_engine
from db.users import User
from services.identity import add_login, hash_token
from tests.api.conftest import (
    PRINCIPALS,
    Api,
    Driver,
    late_api,  # noqa: F401  (the fixture: the API past a notice on both databases, for test_read_queries.py)
    on_skipping_server,
    serve,
)
from tests.uvicorn_in_loop import served_on_a_port

PASSWORD = "correct-horse-9"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"viewport": {"width": 375, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@dataclass
class Site:
    url: str
    api: Api
    driver: Driver
    logins: dict[str, str] = field(default_factory=dict)  # principal -> login
    user_ids: dict[str, str] = field(default_factory=dict)  # principal -> api_user.id


def user_id_for(database_url: str, token: str) -> str:
    with Session(get_engine(database_url)) as s:
        user = s.exec(select(User).where(User.token_hash == hash_token(token))).one()
        return user.id


@asynccontextmanager
async def open_site(env, sqlite_url: str) -> AsyncIterator[Site]:
    """The app served by uvicorn against ``env``'s Temporal server, with a signed-in-able user per principal."""
    upgrade(sqlite_url)
    async with serve(env, sqlite_url) as served_api:
        suffix = re.sub(r"[^a-z0-9]", "", served_api.task_queue.lower())[-8:]
        served = Site(url="", api=served_api, driver=Driver(served_api))
        for name in PRINCIPALS:
            served.user_ids[name] = user_id_for(sqlite_url, served_api.tokens[name])
            served.logins[name] = f"{name.replace('_', '-')}-{suffix}"
            add_login(sqlite_url, served.user_ids[name], served.logins[name], PASSWORD)
        async with served_on_a_port(served_api.app) as port:
            served.url = f"http://127.0.0.1:{port}"
            yield served


@pytest_asyncio.fixture(scope="session")
async def site(dev_env, tmp_path_factory) -> AsyncIterator[Site]:
    async with open_site(dev_env, f"sqlite:///{tmp_path_factory.mktemp('web') / 'pages.db'}") as served:
        yield served  # a read model of its own: only these tests write there


@pytest_asyncio.fixture
async def late_site(skip_env, tmp_path) -> AsyncIterator[Site]:
    """The pages on a time-skipping server of the test's own: for tests that go past a public notice
    (``site.driver.pass_notice``)."""
    async with open_site(skip_env, f"sqlite:///{tmp_path / 'late-pages.db'}") as served:
        on_skipping_server(served.api, skip_env)
        yield served


@pytest_asyncio.fixture(scope="session")
async def browser():
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@asynccontextmanager
async def new_page(browser, site: Site, **options):
    context = await browser.new_context(base_url=site.url, locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    context.set_default_timeout(15_000)
    try:
        yield await context.new_page()
    finally:
        await context.close()


@pytest_asyncio.fixture
async def page(browser, site):
    async with new_page(browser, site) as opened:
        yield opened


@pytest_asyncio.fixture
async def late_page(browser, late_site):
    async with new_page(browser, late_site) as opened:
        yield opened


@pytest.fixture(scope="session", autouse=True)
def screenshots() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


async def shot(page, name: str, until: str | None = None) -> None:
    """The whole page; ``until``: from its top to a little below that element (a long form's first part)."""
    clip = None
    if until is not None:
        box = await page.locator(until).bounding_box()
        assert box is not None, until
        bottom = box["y"] + box["height"] + await page.evaluate("window.scrollY")  # the box is the viewport's
        clip = {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": bottom + 24}
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, clip=clip)


async def sign_in(page, site: Site, who: str) -> None:
    await page.goto("/login")
    await page.fill("#f-login", site.logins[who])
    await page.fill("#f-password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(re.compile(r"/$"))


async def signed_in_over_http(http: httpx.AsyncClient, site: Site, who: str) -> str:
    """Signs ``who`` in on ``http`` (no browser); the CSRF token its forms carry."""
    form = await http.get("/login")
    token = re.search(r'name="csrf-token" content="([^"]+)"', form.text).group(1)
    signed = await http.post("/login", data={"csrf_token": token, "login": site.logins[who], "password": PASSWORD})
    assert signed.status_code == 303
    page = await http.get("/")
    return re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)


def shown_by_rule(response: httpx.Response, status: int, code: str, **facts: str) -> str:
    """The page's text, after checking its status and that the rule's words are on it, and not its code."""
    assert response.status_code == status, f"{response.request.url}: {response.status_code} {response.text[:2000]}"
    text = unescape(response.text)
    assert RULES[code].say(**facts) in text
    assert code not in text
    return text
