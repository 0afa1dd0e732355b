"""Signing in and out of the pages. A login and password are checked by services.identity (argon2; a lockout after
repeated failures); a success opens a server-side session whose token goes into an HttpOnly, SameSite=Lax cookie
(Secure over HTTPS)."""

from datetime import UTC, datetime

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from config import Settings
from services.identity import Credential, close_session, identity_of, open_session
from services.identity.passwords import PASSWORD
from services.refusals import Refusal
from web.forms import text
from web.render import page
from web.routes import page_router
from web.visitors import SESSION_COOKIE, set_cookie, visitor_of

router = page_router()


def safe_next(target: str) -> str:
    """Only a path on this site: never another host (//evil.example, /\\evil.example, https://…)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target or any(c < " " for c in target):
        return "/"
    return target


def _form(request: Request, status: int = 200, **context: object) -> Response:
    return page(request, "login.html", {"login": "", "next": "/", "error": None, **context}, status)


@router.get("/login")
async def login_form(request: Request, next: str = "/") -> Response:
    if visitor_of(request).actor is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _form(request, next=safe_next(next))


@router.post("/login")
async def login(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    form = await request.form()
    name, password, target = text(form, "login"), text(form, "password"), safe_next(text(form, "next") or "/")
    try:
        principal = await identity_of(request.app.state).sign_in(Credential(PASSWORD, password, name=name))
    except Refusal as refused:  # 登录名或密码错误 (401), 已暂时锁定 (429), 已停用 (403)
        return _form(request, refused.status, login=name, next=target, error=refused.message)
    hours = settings.web.web_session_hours
    token = await run_in_threadpool(
        open_session, settings.database_url, principal.id, datetime.now(UTC), hours, principal.signed_in_by
    )
    response = RedirectResponse(target, status_code=303)
    set_cookie(request, response, SESSION_COOKIE, token, max_age=int(hours * 3600))
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    visitor = visitor_of(request)
    if visitor.session_token:
        await run_in_threadpool(close_session, request.app.state.settings.database_url, visitor.session_token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response
