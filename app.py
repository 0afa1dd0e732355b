"""The service: the API (api/main.py) and the pages (web/app.py) composed into one app.
``uvicorn app:create_app --factory``; nothing connects until the app starts.

The two meet only here: the API knows nothing of the pages and the pages nothing of the API; both call services/.
An error either may meet (a Temporal error no service translated, a body Starlette could not read, an unknown
address) is answered by the path asked for: JSON under the API's prefix, a Chinese page elsewhere."""

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from api.deps import API_PREFIX
from api.errors import TEMPORAL_ERRORS, http_answer, temporal_answer, unreadable_body
from api.main import create_api
from config import Settings
from web.app import install, not_found_page, temporal_page
from web.refusals import refusal_page


def _for_the_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


async def _temporal(request: Request, exc: Exception) -> Response:
    return await (temporal_answer if _for_the_api(request) else temporal_page)(request, exc)


async def _http(request: Request, exc: Exception) -> Response:
    """A page's unreadable body (400) with the refusal page, an unknown address a browser asked for with a Chinese
    page; every other HTTP error, and the API's paths, as api.errors answers them."""
    assert isinstance(exc, StarletteHTTPException)
    if not _for_the_api(request):
        if exc.status_code == 400:
            return refusal_page(request, unreadable_body(request, exc))
        if exc.status_code == 404 and (shown := not_found_page(request)) is not None:
            return shown
    return await http_answer(request, exc)


def create_app(settings: Settings | None = None) -> FastAPI:
    app = create_api(settings)
    install(app)  # the web pages (web/): the same app, the same services
    for temporal_error in TEMPORAL_ERRORS:  # replaces api.errors' handlers, which answer the API's paths
        app.add_exception_handler(temporal_error, _temporal)
    app.add_exception_handler(StarletteHTTPException, _http)
    return app
