"""Who is looking at a page, resolved once per request by the web routers' own dependency: signed in (a session
cookie naming a session kept in the database, resolved by services.identity like every credential) or not, and the
CSRF token every form and htmx request must carry. ``admitted`` is the pages' role admission (services.identity's).

Before sign-in the token is an HMAC (the configured web secret) of a random nonce kept in an HttpOnly cookie; after
sign-in it is the session's own token. Every POST to a page is refused unless it carries the token, in the form's
hidden ``csrf_token`` field or in the ``X-CSRF-Token`` header htmx sends (web/templates/base.html)."""

import hashlib
import hmac
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session
from starlette.responses import Response

from config import Settings
from db.queries.notifications import inbox
from db.session import get_engine
from services.identity import Credential, Principal, admit, identity_of
from services.identity.sessions import SESSION
from services.refusals import Refusal
from state.domain import Actor, Role

SESSION_COOKIE = "bg_session"
ANON_COOKIE = "bg_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_NONCE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class SignInRequired(Exception):
    """The page is for signed-in users: answered with a redirect to /login."""


class CsrfRefused(Exception):
    """A POST without the right CSRF token: answered 403 with a page saying to reload."""


@dataclass
class Visitor:
    actor: Actor | None = None
    principal: Principal | None = None
    csrf_token: str = ""
    unread: int = 0
    session_token: str | None = None
    new_nonce: str | None = None  # a fresh anonymous nonce to set as a cookie with the response

    def set_cookies(self, request: Request, response: Response) -> None:
        if self.new_nonce:
            set_cookie(request, response, ANON_COOKIE, self.new_nonce, max_age=None)


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None) -> None:
    """HttpOnly, SameSite=Lax, and Secure when the page was served over HTTPS."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def web_secret(settings: Settings) -> bytes:
    given = settings.web.web_secret
    return given.get_secret_value().encode() if given else _PROCESS_SECRET


_PROCESS_SECRET = secrets.token_bytes(32)


def anonymous_token(secret: bytes, nonce: str) -> str:
    return hmac.new(secret, b"csrf:" + nonce.encode(), hashlib.sha256).hexdigest()


def _unread(database_url: str, actor: Actor) -> int:
    with Session(get_engine(database_url)) as s:
        _, unread = inbox(s, actor, unread_only=True, limit=1)
    return unread


async def resolve(request: Request) -> Visitor:
    """The web routers' dependency: who is looking; and for a POST, the CSRF check."""
    settings: Settings = request.app.state.settings
    visitor = Visitor()
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        principal = await identity_of(request.app.state).resolve(Credential(SESSION, token))
        if principal is not None:
            visitor.principal, visitor.actor, visitor.csrf_token = principal, principal.actor, principal.csrf_token
            visitor.unread = await run_in_threadpool(_unread, settings.database_url, principal.actor)
            visitor.session_token = token
    if visitor.actor is None:
        nonce = request.cookies.get(ANON_COOKIE, "")
        if not _NONCE.match(nonce):
            nonce = visitor.new_nonce = secrets.token_urlsafe(24)
        visitor.csrf_token = anonymous_token(web_secret(settings), nonce)
    request.state.visitor = visitor
    if request.method == "POST":
        await _check_csrf(request, visitor)
    return visitor


async def _check_csrf(request: Request, visitor: Visitor) -> None:
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        form = await request.form()  # parsed once; the route reads the same form
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else ""
    if visitor.new_nonce or not hmac.compare_digest(given.encode(), visitor.csrf_token.encode()):
        raise CsrfRefused()


def visitor_of(request: Request) -> Visitor:
    visitor = getattr(request.state, "visitor", None)
    return visitor if isinstance(visitor, Visitor) else Visitor()


async def signed_in(visitor: Annotated[Visitor, Depends(resolve)]) -> Actor:
    """A page's dependency: the signed-in user, or a redirect to /login."""
    if visitor.actor is None:
        raise SignInRequired()
    return visitor.actor


SignedIn = Annotated[Actor, Depends(signed_in)]


def admitted(actor: Actor, *roles: Role) -> Actor:
    """The pages' role admission: services.identity's, its 403 (``role_not_permitted``, in Chinese) answered with
    the refusal page."""
    from web.refusals import PageRefusal  # web.refusals renders with web.render, which reads the visitor from here

    try:
        return admit(actor, *roles)
    except Refusal as refusal:
        raise PageRefusal(refusal) from None


def signed_in_as(*roles: Role) -> Callable[[Actor], Awaitable[Actor]]:
    """A page's dependency: the signed-in user, admitted only in ``roles`` (a redirect to /login when signed out,
    the refusal page for another role)."""

    async def admit_page(actor: SignedIn) -> Actor:
        return admitted(actor, *roles)

    return admit_page
