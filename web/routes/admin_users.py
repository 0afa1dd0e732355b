"""用户管理 (/admin/users), for the admin only: the users, creating one (login, name, role, county, department,
password; the bearer token shown once), resetting a password (their sessions end), and disabling an account (its
token and sessions stop working at once). The same functions the admin CLI uses (api.auth, db.logins)."""

from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from sqlmodel import Session, col, select
from starlette.responses import Response

from api.auth import USER_ROLES, TokenCache, UserError, create_user, disable_user, hash_token
from api.deps import SettingsDep
from config import Settings
from db.logins import Login, LoginError, add_login, check_new_login, reset_password
from db.session import get_engine
from db.users import User
from services.refusals import Refusal
from state.domain import COUNTIES, Department, Role
from state.labels import label
from web.page_calls import admit, posted
from web.refusals import PageRefusal
from web.render import page
from web.routes import page_router
from web.visitors import SignedIn

router = page_router()
DONE = {
    "created": "用户已创建",
    "reset": "密码已重置，该用户的登录会话已结束",
    "disabled": "账号已停用，其令牌和登录会话已失效",
}
# What api.auth and db.logins say (English), in Chinese, and the form field it concerns.
USER_PROBLEMS = (
    ("needs --county", "county", "县区人社局用户须选择所属县区"),
    ("needs --department", "department", "会签部门用户须选择所属部门"),
    ("only department users have a department", "department", "只有会签部门用户有所属部门"),
    ("has no county", "county", "该角色面向全市，不选县区"),
    ("unknown county", "county", "县区不在本市县区之列"),
    ("unknown role", "role", "请从列表中选择角色"),
    ("cannot be given", "role", "请从列表中选择角色"),
    ("unknown department", "department", "请从列表中选择部门"),
    ("a user needs a name", "name", "此项必填"),
    ("must not contain control characters", "name", "姓名不能包含控制字符或改变文字方向的字符"),
    ("a user's name has at most", "name", "姓名过长"),
    ("a login is", "login", "登录名为2至64位小写字母、数字或 . _ @ -，以字母或数字开头"),
    ("is taken", "login", "该登录名已被使用"),
    ("at least", "password", "密码至少8位"),
    ("has no login", "password", "该用户没有网页登录名"),
)


def _problem(message: str) -> tuple[str, str]:
    for words, field, text in USER_PROBLEMS:
        if words in message:
            return field, text
    return "form", "填写有误"


def _users(database_url: str) -> list[dict[str, Any]]:
    with Session(get_engine(database_url)) as s:
        rows = s.exec(
            select(User, Login.login)
            .join(Login, col(Login.user_id) == col(User.id), isouter=True)
            .order_by(col(User.created_at).desc())
        ).all()
    return [{"user": u, "login": login} for u, login in rows]


async def users_page(request: Request, settings: Settings, status: int = 200, **context: Any) -> Response:
    ctx = {
        "users": await run_in_threadpool(_users, settings.database_url),
        "roles": [(r.value, label(r)) for r in USER_ROLES],
        "departments": [(d.value, label(d)) for d in Department],
        "counties": COUNTIES,
        "failed": "",
        "errors": {},
        "values": {},
        "token": None,
        "done_text": DONE.get(str(context.pop("done", "")), ""),
        **context,
    }
    return page(request, "admin_users.html", ctx, status)


@router.get("/admin/users")
async def users(request: Request, actor: SignedIn, settings: SettingsDep, done: str = "") -> Response:
    await admit(actor, Role.admin)
    return await users_page(request, settings, done=done)


def _create(database_url: str, values: dict[str, str], password: str) -> tuple[str, str]:
    """The new user's id and token; LoginError / UserError when they cannot be made (nothing is then made)."""
    check_new_login(database_url, values.get("login", ""), password)  # before the user exists
    token = create_user(
        database_url,
        values.get("name", ""),
        values.get("role", ""),
        values.get("county") or None,
        values.get("department") or None,
    )
    with Session(get_engine(database_url)) as s:
        user_id = s.exec(select(User.id).where(User.token_hash == hash_token(token))).one()
    add_login(database_url, user_id, values.get("login", ""), password)
    return user_id, token


@router.post("/admin/users")
async def create(request: Request, actor: SignedIn, settings: SettingsDep) -> Response:
    await admit(actor, Role.admin)
    form = await request.form()
    password = form.get("password")
    password = password if isinstance(password, str) else ""
    values = {k: v for k, v in posted(form).items() if k != "password"}
    try:
        _, token = await run_in_threadpool(_create, settings.database_url, values, password)
    except (UserError, LoginError) as e:
        field, text = _problem(str(e))
        return await users_page(request, settings, 422, failed="create", values=values, errors={field: text})
    created = {"name": values.get("name", ""), "login": values.get("login", "").strip().lower()}
    return await users_page(request, settings, 201, token=token, created=created, done="created")


def _known(database_url: str, user_id: str) -> User:
    with Session(get_engine(database_url)) as s:
        user = s.get(User, user_id)
    if user is None:
        raise PageRefusal(Refusal(404, f"user {user_id!r} not found"))
    return user


@router.post("/admin/users/{user_id}/password")
async def reset(request: Request, user_id: str, actor: SignedIn, settings: SettingsDep) -> Response:
    await admit(actor, Role.admin)
    await run_in_threadpool(_known, settings.database_url, user_id)
    form = await request.form()
    password = form.get("password")
    try:
        await run_in_threadpool(
            reset_password, settings.database_url, user_id, password if isinstance(password, str) else ""
        )
    except LoginError as e:
        _, text = _problem(str(e))
        return await users_page(request, settings, 422, failed=user_id, errors={"password": text})
    return RedirectResponse("/admin/users?done=reset", status_code=303)


@router.post("/admin/users/{user_id}/disable")
async def disable(request: Request, user_id: str, actor: SignedIn, settings: SettingsDep) -> Response:
    await admit(actor, Role.admin)
    await run_in_threadpool(_known, settings.database_url, user_id)
    if user_id == actor.user_id:
        errors = {"form": "不能停用自己的账号"}
        return await users_page(request, settings, 409, failed=user_id, errors=errors)
    if posted(await request.form()).get("confirm") != "yes":
        return await users_page(request, settings, 422, failed=user_id, errors={"form": "请勾选“确认停用”"})
    await run_in_threadpool(disable_user, settings.database_url, user_id)
    cache: TokenCache = request.app.state.token_cache
    cache.forget_user(user_id)  # the API's cached token goes at once, not after the cache's time
    return RedirectResponse("/admin/users?done=disabled", status_code=303)
