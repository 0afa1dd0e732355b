"""The embeddable notice list (/public/embed/notices) in Chromium: framed by a page served from an origin listed in
BIAOGAN_EMBED_ORIGINS it shows what is under notice; from any other origin the browser refuses to frame it; and
every other page keeps refusing to be framed, even by the listed origin. Its headers per route, its print
stylesheet, axe, and the feed's links in the public pages' head."""

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from config import FeedSettings
from tests.conftest import unique
from tests.uvicorn_in_loop import served_on_a_port
from tests.web.conftest import Site, new_page, shot
from tests.web.test_accessibility import report, severe_violations

EMBED = "/public/embed/notices"


def framing_site(site_url: str) -> Starlette:
    """The bureau's CMS, as far as framing goes: a page with the embed list and, beside it, the notice board."""

    async def home(request: Request) -> HTMLResponse:
        return HTMLResponse(
            '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>人社局网站</title></head><body>'
            f'<iframe id="embed" title="公示" src="{site_url}{EMBED}" width="800" height="600"></iframe>'
            f'<iframe id="board" title="公示名单" src="{site_url}/notices" width="800" height="600"></iframe>'
            "</body></html>"
        )

    return Starlette(routes=[Route("/", home)])


@contextmanager
def origins_allowed(site: Site, origins: str) -> Iterator[None]:
    app = site.api.app
    before = app.state.settings
    app.state.settings = before.model_copy(update={"feeds": FeedSettings(embed_origins=origins)})
    try:
        yield
    finally:
        app.state.settings = before


async def framed_text(page, frame_id: str) -> str:
    """What the frame shows: its body's text, or "" when the browser refused to frame the page."""
    handle = await page.wait_for_selector(f"iframe#{frame_id}", state="attached")
    frame = await handle.content_frame()
    assert frame is not None
    await frame.wait_for_load_state()
    try:
        return str(await frame.evaluate("document.body ? document.body.innerText : ''"))
    except Exception:  # a refused frame may hold Chromium's own error document, closed to the page's scripts
        return ""


async def test_only_a_configured_origin_may_frame_the_embed_page_and_no_other_page(browser, site):
    name = f"兰山区嵌入测试零工市场{unique('')[-6:]}"
    await site.driver.publicized("county", name=name)
    parent = framing_site(site.url)
    async with served_on_a_port(parent) as listed_port, served_on_a_port(parent) as other_port:
        listed = f"http://127.0.0.1:{listed_port}"
        with origins_allowed(site, f"https://rsj.linyi.gov.cn {listed}"):
            async with new_page(browser, site) as page:
                refused: list[str] = []
                page.on("console", lambda m: refused.append(m.text) if "frame-ancestors" in m.text else None)
                await page.goto(f"{listed}/")
                shown = await framed_text(page, "embed")
                assert name in shown and "正在公示" in shown, shown
                assert "拟评定名单公示" not in await framed_text(page, "board")  # /notices: frame-ancestors 'none'
                await shot(page, "embed-framed-by-the-bureau")

                refused.clear()
                await page.goto(f"http://127.0.0.1:{other_port}/")
                assert name not in await framed_text(page, "embed")
                assert "拟评定名单公示" not in await framed_text(page, "board")
                # Chromium says why: the embed page's ancestor is not listed, the board allows none
                assert any(f"frame-ancestors 'self' https://rsj.linyi.gov.cn {listed}" in m for m in refused), refused
                assert any("frame-ancestors 'none'" in m for m in refused), refused


async def test_the_headers_allow_framing_on_the_embed_page_only(site):
    async with httpx.AsyncClient(base_url=site.url, timeout=30) as http:
        alone = await http.get(EMBED)
        assert alone.status_code == 200 and alone.headers["content-type"].startswith("text/html")
        assert alone.headers["content-security-policy"].endswith("frame-ancestors 'self'")
        assert alone.headers["x-frame-options"] == "SAMEORIGIN"
        assert "set-cookie" not in alone.headers  # no visitor: nothing to remember in a CMS's frame
        head = await http.head(EMBED)  # a CMS checking the page before it frames it: the same headers, no body
        assert head.status_code == 200 and head.content == b""
        assert head.headers["content-security-policy"] == alone.headers["content-security-policy"]
        with origins_allowed(site, "https://rsj.linyi.gov.cn,http://cms.local:8080"):
            listed = await http.get(EMBED)
        policy = listed.headers["content-security-policy"]
        assert policy.endswith("frame-ancestors 'self' https://rsj.linyi.gov.cn http://cms.local:8080"), policy
        assert "script-src" not in policy and "default-src 'none'" in policy
        with origins_allowed(site, "https://rsj.linyi.gov.cn"):
            for path in ("/notices", "/titles", "/revocations", "/login", "/objections"):
                other = await http.get(path)
                assert other.headers["x-frame-options"] == "DENY", path
                assert "frame-ancestors 'none'" in other.headers["content-security-policy"], path
            for path in ("/public/feed.atom", "/api/v1/public/feed.json", "/api/v1/public/notices"):
                assert (await http.get(path)).headers["x-frame-options"] == "DENY", path


async def test_the_embed_page_prints_cleanly_passes_axe_and_the_public_pages_link_the_feed(page, site):
    name = f"兰山区打印测试零工市场{unique('')[-6:]}"
    await site.driver.publicized("county", name=name)
    await page.goto(EMBED)
    assert name in await page.inner_text("#embed-notice-1, main")
    assert await page.locator("script").count() == 0 and await page.locator("header, nav").count() == 0
    assert not await severe_violations(page), report(await severe_violations(page))
    await page.emulate_media(media="print")
    assert await page.locator(".embed-links").first.is_hidden()  # links mean nothing on paper
    pdf = await page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    await page.emulate_media(media="screen")
    await shot(page, "embed-notices")

    for path in ("/notices", "/titles", "/revocations"):
        await page.goto(path)
        alternate = page.locator('head link[rel="alternate"][type="application/atom+xml"]')
        assert await alternate.get_attribute("href") == "/public/feed.atom", path
        assert await page.get_by_role("link", name="订阅").get_attribute("href") == "/public/feed.atom", path
