"""``GET /api/v1/me`` and the one identity behind it: every caller as services.identity resolved their bearer
token, the 401s (no token, an unknown one, a user disabled a moment ago although their token is cached) and the
403 of a role not admitted, all with a rule code and Chinese words; and the seam: a way in added by a test is one
provider class, and the routes admit its callers as they admit anyone."""

import re

from sqlmodel import select

from db.session import session_for
from db.users import User
from services.identity import Credential, Principal, hash_token, identity_of
from state.domain import Actor, Department, Role
from tests.api.conftest import PRINCIPALS, expect

CHINESE = re.compile(r"^[\u4e00-\u9fff]")


def user_of(database_url: str, token: str) -> User:
    with session_for(database_url) as s:
        return s.exec(select(User).where(User.token_hash == hash_token(token))).one()


async def test_every_caller_is_answered_as_who_they_are(sqlite_api):
    for who, (role, county, department) in PRINCIPALS.items():
        me = expect(await sqlite_api.get(who, "/me"), 200)
        user = user_of(sqlite_api.database_url, sqlite_api.tokens[who])
        assert me == {
            "id": user.id,
            "name": user.name,
            "role": role,
            "county": county,
            "department": department,
            "signed_in_by": "token",
        }, who


async def test_no_token_or_an_unknown_one_is_refused_401_in_chinese(sqlite_api):
    none = await sqlite_api.get(None, "/me")
    detail = expect(none, 401)["detail"]
    assert detail["rule"] == "sign_in_required" and CHINESE.match(detail["message"])
    assert none.headers["WWW-Authenticate"] == "Bearer"
    forged = await sqlite_api.http.get("/me", headers={"Authorization": "Bearer bg_not-a-token"})
    detail = expect(forged, 401)["detail"]
    assert detail == {"message": "访问令牌无效，或其账号已停用", "rule": "token_unknown"}
    assert forged.headers["WWW-Authenticate"] == "Bearer"


async def test_a_disabled_user_is_refused_at_once_although_their_token_is_cached(sqlite_api):
    from services.identity import create_user

    token = create_user(sqlite_api.database_url, "停用测试", "inspector")
    headers = {"Authorization": f"Bearer {token}"}
    expect(await sqlite_api.http.get("/me", headers=headers), 200)  # now in the token cache
    identity = identity_of(sqlite_api.app.state)
    assert identity.disable(user_of(sqlite_api.database_url, token).id) is True
    assert expect(await sqlite_api.http.get("/me", headers=headers), 401)["detail"]["rule"] == "token_unknown"


async def test_a_role_not_admitted_is_refused_403_in_chinese_naming_the_roles(sqlite_api):
    refused = expect(await sqlite_api.post("reviewer", "/applications", {}), 403)["detail"]
    assert refused == {
        "message": "此事项仅供县区人社局办理，市人社局评审无权办理",
        "rule": "role_not_permitted",
        "role": "city_reviewer",
        "allowed_roles": ["county_bureau"],
    }
    refused = expect(await sqlite_api.get("admin", "/applications"), 403)["detail"]
    assert refused["rule"] == "role_not_permitted" and refused["role"] == "admin"
    assert refused["message"] == "此事项仅供县区人社局、市人社局评审、会签部门、督查、监督/纪检办理，系统管理员无权办理"


class ProvinceProvider:
    """A stand-in for the province's 统一身份认证: bearer tokens it issued (``prov-…``) stand for its users. The
    whole of a new way in: nothing else in the service changes."""

    kind = "bearer"
    name = "province"

    def __init__(self, users: dict[str, Actor]) -> None:
        self.users = users
        self.forgotten: list[str] = []

    async def principal(self, credential: Credential) -> Principal | None:
        actor = self.users.get(credential.secret)
        return Principal(actor, self.name) if actor is not None else None

    def forget(self, user_id: str) -> None:
        self.forgotten.append(user_id)


async def test_a_new_way_in_is_one_provider(sqlite_api):
    county_user = Actor(user_id="prov-1", name="省认证县区用户", role=Role.county_bureau, county="兰山区")
    department_user = Actor(
        user_id="prov-2", name="省认证民政", role=Role.department, department=Department.civil_affairs
    )
    provider = ProvinceProvider({"prov-token-1": county_user, "prov-token-2": department_user})
    identity = identity_of(sqlite_api.app.state)
    as_county = {"Authorization": "Bearer prov-token-1"}
    expect(await sqlite_api.http.get("/me", headers=as_county), 401)  # not yet a way in
    identity.add(provider)
    try:
        me = expect(await sqlite_api.http.get("/me", headers=as_county), 200)
        assert me == {
            "id": "prov-1",
            "name": "省认证县区用户",
            "role": "county_bureau",
            "county": "兰山区",
            "department": None,
            "signed_in_by": "province",
        }
        # the routes admit its callers by role as anyone's: a county bureau reads applications, a department
        # may not declare
        expect(await sqlite_api.http.get("/applications", headers=as_county), 200)
        as_department = {"Authorization": "Bearer prov-token-2"}
        refused = await sqlite_api.http.post("/applications", json={}, headers=as_department)
        assert expect(refused, 403)["detail"]["rule"] == "role_not_permitted"
        # the service's own tokens still resolve first, and unknown ones are still refused
        assert expect(await sqlite_api.get("clerk", "/me"), 200)["signed_in_by"] == "token"
        expect(await sqlite_api.http.get("/me", headers={"Authorization": "Bearer prov-nobody"}), 401)
        identity.forget("prov-1")  # a user disabled here is forgotten by every provider
        assert provider.forgotten == ["prov-1"]
    finally:
        identity.remove(provider)
    expect(await sqlite_api.http.get("/me", headers=as_county), 401)
