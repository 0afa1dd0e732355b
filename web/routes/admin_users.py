"""用户管理 (/admin/users), for the admin only: the users, creating one (login, name, role, county, department,
password; the bearer token shown once), resetting a password (their sessions end), and disabling an account (its
token and sessions stop working at once). The same functions the admin CLI uses (services.identity).

With 统一身份认证 configured, a user also has (or is given later) their subject there (its ``sub``, under the
configured issuer): such a user may be made without a login and password, and signs in only through it."""

from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from sqlmodel import Session, col, select
from starlette.responses import Response

from config import Settings
from contracts.rules.access import USER_UNKNOWN
from db.logins import Login
from db.session import get_engine
from db.users import User
from regions.catalog import cities
from services.identity import (
    USER_ROLES,
    AccountError,
    add_login,
    add_user,
    check_new_login,
    external_subject,
    identity_of,
    normal_login,
    reset_password,
    set_external_subject,
)
from services.refusals import Refusal
from state.domain import COUNTIES, Department, Role
from state.labels import CITY, label
from web.page_calls import posted
from web.refusals import PageRefusal
from web.render import page
from web.routes import page_router
from web.visitors import SignedIn, admitted

router = page_router()
DONE = {
    "created": "用户已创建",
    "reset": "密码已重置，该用户的登录会话已结束",
    "disabled": "账号已停用，其令牌和登录会话已失效",
    "subject": "统一身份认证标识已保存",
}


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _users(database_url: str) -> list[dict[str, Any]]:
    with Session(get_engine(database_url)) as s:
        rows = s.exec(
            select(User, Login.login)
            .join(Login, col(Login.user_id) == col(User.id), isouter=True)
            .order_by(col(User.created_at).desc())
        ).all()
    return [{"user": u, "login": login} for u, login in rows]


def other_cities() -> list[str]:
    """The cities of the region files besides the deployment's: their accounts are made here too."""
    return [name for name in cities() if name != CITY]


async def users_page(request: Request, status: int = 200, **context: Any) -> Response:
    ctx = {
        "users": await run_in_threadpool(_users, _settings(request).database_url),
        "roles": [(r.value, label(r)) for r in USER_ROLES],
        "scopes": [
            ("city", f"本市（{CITY}）"),
            *((f"city:{name}", name) for name in other_cities()),
            ("province", "省级（各市）"),
        ],
        "departments": [(d.value, label(d)) for d in Department],
        "counties": [*COUNTIES, *(c.name for name in other_cities() for c in cities()[name].counties)],
        "failed": "",
        "errors": {},
        "values": {},
        "token": None,
        "sso": _settings(request).oidc.configured,
        "done_text": DONE.get(str(context.pop("done", "")), ""),
        **context,
    }
    return page(request, "admin_users.html", ctx, status)


@router.get("/admin/users")
async def users(request: Request, actor: SignedIn, done: str = "") -> Response:
    admitted(actor, Role.admin)
    return await users_page(request, done=done)


def _create(database_url: str, issuer: str, values: dict[str, str], password: str) -> str:
    """The new user's token; AccountError when they cannot be made (nothing is then made). A user with a subject
    at 统一身份认证 needs no login and password (they may still have both)."""
    external = external_subject(issuer, values.get("external_subject"))
    with_login = external is None or bool(values.get("login", "").strip() or password)
    if with_login:
        check_new_login(database_url, values.get("login", ""), password)  # before the user exists
    made = add_user(
        database_url,
        values.get("name", ""),
        values.get("role", ""),
        values.get("county") or None,
        values.get("department") or None,
        external=external,
        city=scope.removeprefix("city:") if (scope := values.get("scope", "")).startswith("city:") else None,
        province=values.get("scope") == "province",
    )
    if with_login:
        add_login(database_url, made.id, values.get("login", ""), password)
    return made.token


@router.post("/admin/users")
async def create(request: Request, actor: SignedIn) -> Response:
    admitted(actor, Role.admin)
    form = await request.form()
    password = form.get("password")
    password = password if isinstance(password, str) else ""
    values = {k: v for k, v in posted(form).items() if k != "password"}
    try:
        settings = _settings(request)
        token = await run_in_threadpool(_create, settings.database_url, settings.oidc.oidc_issuer, values, password)
    except AccountError as e:
        return await users_page(request, 422, failed="create", values=values, errors={e.field: e.message})
    created = {"name": values.get("name", ""), "login": normal_login(values.get("login", "")) or "—"}
    return await users_page(request, 201, token=token, created=created, done="created")


def _known(database_url: str, user_id: str) -> User:
    with Session(get_engine(database_url)) as s:
        user = s.get(User, user_id)
    if user is None:
        raise PageRefusal(Refusal(404, USER_UNKNOWN))
    return user


@router.post("/admin/users/{user_id}/password")
async def reset(request: Request, user_id: str, actor: SignedIn) -> Response:
    admitted(actor, Role.admin)
    database_url = _settings(request).database_url
    await run_in_threadpool(_known, database_url, user_id)
    form = await request.form()
    password = form.get("password")
    try:
        await run_in_threadpool(reset_password, database_url, user_id, password if isinstance(password, str) else "")
    except AccountError as e:
        return await users_page(request, 422, failed=user_id, errors={"password": e.message})
    return RedirectResponse("/admin/users?done=reset", status_code=303)


@router.post("/admin/users/{user_id}/disable")
async def disable(request: Request, user_id: str, actor: SignedIn) -> Response:
    admitted(actor, Role.admin)
    await run_in_threadpool(_known, _settings(request).database_url, user_id)
    if user_id == actor.user_id:
        errors = {"form": "不能停用自己的账号"}
        return await users_page(request, 409, failed=user_id, errors=errors)
    if posted(await request.form()).get("confirm") != "yes":
        return await users_page(request, 422, failed=user_id, errors={"form": "请勾选“确认停用”"})
    # the sessions end, and the API's cached token goes at once, not after the cache's time
    await run_in_threadpool(identity_of(request.app.state).disable, user_id)
    return RedirectResponse("/admin/users?done=disabled", status_code=303)


@router.post("/admin/users/{user_id}/subject")
async def subject(request: Request, user_id: str, actor: SignedIn) -> Response:
    """Set (or, left empty, take away) a user's subject at 统一身份认证."""
    admitted(actor, Role.admin)
    settings = _settings(request)
    await run_in_threadpool(_known, settings.database_url, user_id)
    given = posted(await request.form()).get("external_subject", "")
    try:
        external = external_subject(settings.oidc.oidc_issuer, given)
        await run_in_threadpool(set_external_subject, settings.database_url, user_id, external)
    except AccountError as e:
        return await users_page(request, 422, failed=user_id, errors={"external_subject": e.message})
    return RedirectResponse("/admin/users?done=subject", status_code=303)
