"""Tokens and users, the objection flood limit, the calendar endpoints and the OpenAPI document."""

import re

import pytest
from sqlmodel import select

from config import LimitSettings
from contracts.rules import text_of
from db.schema import upgrade
from db.session import session_for
from db.users import User
from services.identity import UserError, actor_for_token, create_user, ensure_admin, hash_token
from tests.api.conftest import expect, serve

_CHINESE = re.compile(r"^[\u4e00-\u9fff]")


def test_tokens_are_stored_only_as_hashes(sqlite_url):
    token = create_user(sqlite_url, "兰山区人社局", "county_bureau", county="兰山区")
    with session_for(sqlite_url) as s:
        user = s.exec(select(User).where(User.token_hash == hash_token(token))).one()
        assert token not in {user.id, user.name, user.token_hash}
        actor = actor_for_token(s, token)
        assert actor is not None and actor.role.value == "county_bureau" and actor.county == "兰山区"
        assert actor_for_token(s, token + "x") is None and actor_for_token(s, "") is None


@pytest.mark.parametrize(
    "role, county, department, rule, field",
    [
        ("county_bureau", None, None, "user_county_required", "county"),
        ("county_bureau", "火星区", None, "user_county_unknown", "county"),
        ("department", None, None, "user_department_required", "department"),
        ("department", None, "finance", "user_department_unknown", "department"),
        ("supervisor", "兰山区", None, "user_county_not_for_role", "county"),
        ("inspector", None, "hrss", "user_department_not_for_role", "department"),
        ("public", None, None, "user_role_unknown", "role"),
        ("mayor", None, None, "user_role_unknown", "role"),
    ],
)
def test_impossible_users_are_refused(sqlite_url, role, county, department, rule, field):
    with pytest.raises(UserError) as refused:
        create_user(sqlite_url, "x", role, county, department)
    assert refused.value.rule == rule and refused.value.field == field
    assert str(refused.value) == text_of(rule) and _CHINESE.match(str(refused.value))


def test_the_first_admin_is_created_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(url)
    token = ensure_admin(url)
    assert token and token.startswith("bg_")
    assert ensure_admin(url) is None
    with session_for(url) as s:
        assert actor_for_token(s, token).role.value == "admin"


async def test_a_flood_of_objections_is_answered_429(dev_env, sqlite_url):
    async with serve(dev_env, sqlite_url, LimitSettings(objection_limit=2, objection_window_seconds=60)) as api:
        body = {"name": "王五", "contact": "13700000000", "content": "该机构服务场所面积不实"}
        url = "/public/applications/Anonexistent/objections"
        for _ in range(2):
            expect(await api.post(None, url, body), 404)
        flooded = await api.post(None, url, body)
        detail = expect(flooded, 429)["detail"]
        assert detail["rule"] == "rate_limited" and detail["message"].startswith("来自此地址的异议过多")
        # the window slides over two fixed ones (db/ratelimits.py): the wait is at most two windows
        assert 1 <= int(flooded.headers["Retry-After"]) <= 120
        expect(await api.get(None, "/public/notices"), 200)  # reading the board is not limited


async def test_the_calendar_counts_china_working_days(sqlite_api):
    # 2026-02-14 (Sat) is a make-up working day; 16-23 Feb is the Spring Festival holiday.
    days = expect(await sqlite_api.get(None, "/calendar/working-days", params={"start": "2026-02-13", "count": 1}), 200)
    assert days == {"start": "2026-02-13", "end": "2026-02-14", "confirmed": True}
    after = expect(
        await sqlite_api.get(None, "/calendar/working-days", params={"start": "2026-02-14", "count": 1}), 200
    )
    assert after["end"] == "2026-02-24"
    period = expect(await sqlite_api.get(None, "/calendar/notice-period", params={"published_on": "2026-04-30"}), 200)
    assert period == {
        "first_day": "2026-04-30",
        "last_day": "2026-05-09",
        "ends_at": "2026-05-10T00:00:00+08:00",
        "confirmed": True,
    }
    assert expect(await sqlite_api.get(None, "/calendar/notice-period"), 200)["confirmed"] in (True, False)
    bad = expect(await sqlite_api.get(None, "/calendar/working-days", params={"start": "2026-02-30", "count": 1}), 422)
    assert bad["detail"]["field"] == "start"
    far = expect(await sqlite_api.get(None, "/calendar/working-days", params={"start": "9999-12-31", "count": 1}), 422)
    assert far["detail"]["rule"] == "date_out_of_range" and "2100-12-31" in far["detail"]["message"]
    expect(await sqlite_api.get(None, "/calendar/working-days", params={"start": "2026-02-13", "count": 5000}), 422)


async def test_the_openapi_document_and_docs_are_served(sqlite_api):
    root = sqlite_api.http.base_url.copy_with(path="/")
    spec = (await sqlite_api.http.get(root.join("/openapi.json"))).json()
    assert "/api/v1/applications/{application_id}/history" in spec["paths"]
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    docs = await sqlite_api.http.get(root.join("/docs"))
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
