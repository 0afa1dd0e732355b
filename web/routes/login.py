"""Signing in and out of the pages. A login and password are checked by services.identity (argon2; a lockout after
repeated failures); a success opens a server-side session whose token goes into an HttpOnly, SameSite=Lax cookie
(Secure over HTTPS). When 统一身份认证 is configured, ``/login/oidc`` sends the browser there and its callback
signs the user in the same way (services/identity/oidc.py); signing out of such a session also goes there."""

import logging
from datetime import UTC, datetime

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from config import Settings
from contracts.rules.sso import SSO_NOT_CONFIGURED, SSO_STATE_UNKNOWN
from services.identity import (
    OIDC_CODE,
    Credential,
    OidcProvider,
    Principal,
    close_session,
    identity_of,
    oidc_of,
    open_session,
)
from services.identity.passwords import PASSWORD
from services.refusals import Refusal
from web.forms import text
from web.render import page
from web.routes import page_router
from web.visitors import SESSION_COOKIE, set_cookie, visitor_of

router = page_router()
log = logging.getLogger(__name__)
OIDC_COOKIE = "bg_oidc"
OIDC_PATH = "/login/oidc"


def safe_next(target: str) -> str:
    """Only a path on this site: never another host (//evil.example, /\\evil.example, https://…)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target or any(c < " " for c in target):
        return "/"
    return target


def _oidc(request: Request) -> OidcProvider | None:
    return oidc_of(identity_of(request.app.state).providers)


def _form(request: Request, status: int = 200, **context: object) -> Response:
    sso = _oidc(request) is not None
    return page(request, "login.html", {"login": "", "next": "/", "error": None, "sso": sso, **context}, status)


def _refused(request: Request, refused: Refusal, **context: object) -> Response:
    log.info("sign-in refused %s %s", refused.status, refused.extra.get("rule"))
    response = _form(request, refused.status, error=refused.message, **context)
    response.delete_cookie(OIDC_COOKIE, path=OIDC_PATH, httponly=True, samesite="lax")
    return response


async def _signed_in(request: Request, principal: Principal, target: str) -> Response:
    settings: Settings = request.app.state.settings
    hours = settings.web.web_session_hours
    token = await run_in_threadpool(
        open_session,
        settings.database_url,
        principal.id,
        datetime.now(UTC),
        hours,
        principal.signed_in_by,
        principal.id_token or None,
    )
    response = RedirectResponse(target, status_code=303)
    set_cookie(request, response, SESSION_COOKIE, token, max_age=int(hours * 3600))
    return response


@router.get("/login")
async def login_form(request: Request, next: str = "/") -> Response:
    if visitor_of(request).actor is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _form(request, next=safe_next(next))


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    name, password, target = text(form, "login"), text(form, "password"), safe_next(text(form, "next") or "/")
    try:
        principal = await identity_of(request.app.state).sign_in(Credential(PASSWORD, password, name=name))
    except Refusal as refused:  # 登录名或密码错误 (401), 已暂时锁定 (429), 已停用 (403)
        return _form(request, refused.status, login=name, next=target, error=refused.message)
    return await _signed_in(request, principal, target)


@router.get(OIDC_PATH)
async def oidc_begin(request: Request, next: str = "/") -> Response:
    """统一身份认证登录: to the provider, with state, nonce and the PKCE challenge."""
    oidc = _oidc(request)
    if oidc is None:
        return _form(request, 404, error=SSO_NOT_CONFIGURED.say())
    try:
        begun = await oidc.begin(safe_next(next))
    except Refusal as refused:  # 无法连接统一身份认证 (503)
        return _refused(request, refused)
    response = RedirectResponse(begun.url, status_code=303)
    minutes = oidc.settings.oidc_request_minutes
    response.set_cookie(
        OIDC_COOKIE,
        begun.state,
        max_age=int(minutes * 60),
        path=OIDC_PATH,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


@router.get(OIDC_PATH + "/callback")
async def oidc_callback(request: Request, state: str = "", code: str = "", error: str = "") -> Response:
    """Back from 统一身份认证: the code for this browser's own sign-in begun (its cookie holds the state), once."""
    oidc = _oidc(request)
    if oidc is None:
        return _form(request, 404, error=SSO_NOT_CONFIGURED.say())
    try:
        if not state or request.cookies.get(OIDC_COOKIE) != state:
            raise Refusal(400, SSO_STATE_UNKNOWN)
        if error or not code:
            await oidc.denied(state)
        target = await run_in_threadpool(oidc.next_path, state)
        principal = await identity_of(request.app.state).sign_in(Credential(OIDC_CODE, code, name=state))
    except Refusal as refused:
        return _refused(request, refused)
    response = await _signed_in(request, principal, safe_next(target))
    response.delete_cookie(OIDC_COOKIE, path=OIDC_PATH, httponly=True, samesite="lax")
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    """The local session ends; one signed in by 统一身份认证 then goes to the provider's end-session endpoint (when
    its discovery names one), which comes back to /login."""
    visitor = visitor_of(request)
    target = "/login"
    if visitor.session_token:
        id_token = await run_in_threadpool(
            close_session, request.app.state.settings.database_url, visitor.session_token
        )
        oidc = _oidc(request)
        if oidc is not None and visitor.principal is not None and visitor.principal.signed_in_by == oidc.name:
            target = await oidc.end_session_url(id_token) or target
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response
