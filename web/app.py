"""The pages, served by the API's own FastAPI app: ``install(app)`` mounts /static and the page routers.

A page never decides what is allowed: it calls what the API calls (api.access, the clients, the read queries), so a
form exists only for an act the machine allows this user now, and a refusal says what the API says, in Chinese."""

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from api.deps import API_PREFIX
from api.errors import TEMPORAL_ERRORS, http_answer, temporal_answer, unreadable_body
from services.refusals import from_temporal
from web.refusals import PageRefusal, refusal_page
from web.render import is_htmx, page
from web.visitors import CsrfRefused, SignInRequired

STATIC = Path(__file__).resolve().parent / "static"


async def _sign_in_first(request: Request, exc: Exception) -> Response:
    target = "/login" if request.url.path == "/" else f"/login?next={request.url.path}"
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def _csrf_refused(request: Request, exc: Exception) -> Response:
    return page(
        request, "error.html", {"title": "页面已过期", "lines": ["页面已过期或来源不明，请刷新页面后重试。"]}, 403
    )


async def _page_refusal(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageRefusal)
    return refusal_page(request, exc.refusal, exc.title)


async def _temporal(request: Request, exc: Exception) -> Response:
    """A Temporal error no route translated: the API answers it as JSON (api.errors), a page with the refusal page
    (服务暂不可用 for a Temporal that is down or frozen)."""
    if request.url.path.startswith(API_PREFIX):
        return await temporal_answer(request, exc)
    return refusal_page(request, from_temporal(exc, "the requested page"))


async def _http(request: Request, exc: Exception) -> Response:
    """A body Starlette could not read (a form of too many parts, say) answers a page with the refusal page, an
    unknown address asked for by a browser with a Chinese page; every other HTTP error, and the API's paths, as
    api.errors answers them."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and not request.url.path.startswith(API_PREFIX):
        return refusal_page(request, unreadable_body(request, exc))
    if exc.status_code == 404 and _browser_asks_for_a_page(request):  # a mistyped address: a page, in Chinese
        return page(request, "error.html", {"title": "页面不存在", "lines": [NOT_FOUND]}, 404)
    return await http_answer(request, exc)


def _too_large_page(request: Request, lines: list[str]) -> Response:
    """api.body_limits' 413 for a page: a Chinese page (200 to htmx, which swaps only a 2xx)."""
    return page(request, "error.html", {"title": "提交内容过大", "lines": lines}, 200 if is_htmx(request) else 413)


NOT_FOUND = "您访问的页面不存在，请检查地址，或从上方的导航进入。"


def _browser_asks_for_a_page(request: Request) -> bool:
    path = request.url.path
    return (
        request.method == "GET"
        and not path.startswith((API_PREFIX, "/static/"))
        and "text/html" in request.headers.get("accept", "")
    )


def install(app: FastAPI) -> None:
    from web.routes import ROUTERS

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.state.too_large_page = _too_large_page
    app.add_exception_handler(SignInRequired, _sign_in_first)
    app.add_exception_handler(CsrfRefused, _csrf_refused)
    app.add_exception_handler(PageRefusal, _page_refusal)
    for temporal_error in TEMPORAL_ERRORS:  # replaces api.errors' handler, which it calls for the API's paths
        app.add_exception_handler(temporal_error, _temporal)
    app.add_exception_handler(StarletteHTTPException, _http)  # replaces api.errors' handler, as above
    for router in ROUTERS:
        app.include_router(router, include_in_schema=False)
