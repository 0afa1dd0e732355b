"""The pages: ``install(app)`` mounts /static, the page routers and the pages' own exception handlers; app.py
composes them with the API into one app (and answers the errors both may meet by the path asked for).

A page never decides what is allowed: it calls the service the API calls (services/), so a form exists only for an
act the machine allows this user now, and a refusal says what the API says, in the same Chinese words."""

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response

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


async def temporal_page(request: Request, exc: Exception) -> Response:
    """A Temporal error no service translated, on a page: the refusal page (服务暂不可用 for a Temporal that is down
    or frozen)."""
    return refusal_page(request, from_temporal(exc, "the requested page"))


def not_found_page(request: Request) -> Response | None:
    """An unknown address asked for by a browser: a Chinese page; None for anything else."""
    if _browser_asks_for_a_page(request):
        return page(request, "error.html", {"title": "页面不存在", "lines": [NOT_FOUND]}, 404)
    return None


def _too_large_page(request: Request, lines: list[str]) -> Response:
    """api.body_limits' 413 for a page: a Chinese page (200 to htmx, which swaps only a 2xx)."""
    return page(request, "error.html", {"title": "提交内容过大", "lines": lines}, 200 if is_htmx(request) else 413)


NOT_FOUND = "您访问的页面不存在，请检查地址，或从上方的导航进入。"


def _browser_asks_for_a_page(request: Request) -> bool:
    path = request.url.path
    return (
        request.method == "GET" and not path.startswith("/static/") and "text/html" in request.headers.get("accept", "")
    )


def routers() -> list[APIRouter]:
    """The page routers, in the order they match (declare before applications: /applications/new is not an
    application's id)."""
    from web.routes import (
        acts,
        admin_users,
        announcements,
        applications,
        archive,
        batch,
        corrections,
        declare,
        department_opinions,
        documents,
        feeds,
        filings,
        historic_titles,
        home,
        login,
        notifications,
        programs,
        public,
        quotas,
        revocations,
        rounds,
        score_amendments,
        standards,
        statistics,
        verify,
    )

    return [
        home.router,
        login.router,
        public.router,
        feeds.router,
        verify.router,
        declare.router,
        applications.router,
        acts.router,
        score_amendments.router,
        department_opinions.router,
        batch.router,
        announcements.router,
        corrections.router,
        notifications.router,
        documents.router,
        archive.router,
        filings.router,
        statistics.router,
        rounds.router,
        quotas.router,
        standards.router,
        programs.router,
        admin_users.router,
        historic_titles.router,
        revocations.router,
    ]


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.state.too_large_page = _too_large_page
    app.add_exception_handler(SignInRequired, _sign_in_first)
    app.add_exception_handler(CsrfRefused, _csrf_refused)
    app.add_exception_handler(PageRefusal, _page_refusal)
    for router in routers():
        app.include_router(router, include_in_schema=False)
