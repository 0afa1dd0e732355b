"""Signing in and out of the pages. A password is checked by db.logins (argon2; a lockout after repeated failures);
a success opens a server-side session whose token goes into an HttpOnly, SameSite=Lax cookie (Secure over HTTPS)."""

from datetime import UTC, datetime, timedelta

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from api.deps import SettingsDep
from db.logins import close_session, open_session, sign_in
from state.clock import SHANGHAI
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
async def login(request: Request, settings: SettingsDep) -> Response:
    form = await request.form()
    name, password, target = text(form, "login"), text(form, "password"), safe_next(text(form, "next") or "/")
    web = settings.web
    now = datetime.now(UTC)
    result = await run_in_threadpool(
        sign_in,
        settings.database_url,
        name,
        password,
        now,
        web.web_login_attempts,
        timedelta(minutes=web.web_lockout_minutes),
    )
    if result.outcome == "wrong":
        return _form(request, 401, login=name, next=target, error="登录名或密码错误。")
    if result.outcome == "locked":
        assert result.locked_until is not None
        until = result.locked_until.astimezone(SHANGHAI)
        error = f"连续{web.web_login_attempts}次密码错误，账号已暂时锁定，请于{until:%H:%M}后再试。"
        return _form(request, 429, login=name, next=target, error=error)
    if result.outcome == "disabled" or result.actor is None:
        return _form(request, 403, login=name, next=target, error="该账号已停用，请联系系统管理员。")
    token = await run_in_threadpool(
        open_session, settings.database_url, result.actor.user_id, now, web.web_session_hours
    )
    response = RedirectResponse(target, status_code=303)
    set_cookie(request, response, SESSION_COOKIE, token, max_age=int(web.web_session_hours * 3600))
    return response


@router.post("/logout")
async def logout(request: Request, settings: SettingsDep) -> Response:
    visitor = visitor_of(request)
    if visitor.session_token:
        await run_in_threadpool(close_session, settings.database_url, visitor.session_token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response
