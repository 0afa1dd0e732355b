"""services.identity without a server: a login and password signed in through the Identity (a wrong one, the
lockout that a right password does not open early, a disabled user), each refused with its rule code and Chinese
words; a session that says how its user signed in and cannot be altered to say otherwise; and the one role
admission."""

from datetime import UTC, datetime, timedelta

import pytest

from contracts.rules import text_of
from db.logins import WebSession
from db.schema import upgrade
from db.session import session_for
from services.identity import (
    Credential,
    Identity,
    PasswordProvider,
    SessionProvider,
    add_login,
    add_user,
    admit,
    hash_token,
    open_session,
    session_of,
)
from services.identity.principal import Principal
from services.refusals import Refusal
from state.domain import Actor, Role
from tests.conftest import unique

PASSWORD = "correct-horse-9"


@pytest.fixture
def url(tmp_path) -> str:
    made = f"sqlite:///{tmp_path / 'identity.db'}"
    upgrade(made)
    return made


def identity_for(url: str, attempts: int = 3) -> Identity:
    return Identity([SessionProvider(url), PasswordProvider(url, attempts, timedelta(minutes=15))], url)


def a_user(url: str, role: str = "inspector") -> tuple[str, str]:
    made = add_user(url, "督查", role)
    login = unique("in").lower()
    add_login(url, made.id, login, PASSWORD)
    return made.id, login


async def test_a_password_signs_in_and_a_wrong_one_is_refused_in_chinese(url):
    identity = identity_for(url)
    user_id, login = a_user(url)
    principal = await identity.sign_in(Credential("password", PASSWORD, name=login.upper()))
    assert principal.id == user_id and principal.role == Role.inspector and principal.signed_in_by == "password"
    with pytest.raises(Refusal) as wrong:
        await identity.sign_in(Credential("password", "not-it-at-all", name=login))
    assert wrong.value.status == 401 and wrong.value.extra["rule"] == "password_wrong"
    assert wrong.value.message == "登录名或密码错误。"
    with pytest.raises(Refusal) as nobody:
        await identity.sign_in(Credential("password", PASSWORD, name="nobody-here"))
    assert nobody.value.extra["rule"] == "password_wrong"


async def test_repeated_failures_lock_the_login_even_for_the_right_password(url):
    identity = identity_for(url, attempts=2)
    _, login = a_user(url)
    with pytest.raises(Refusal):
        await identity.sign_in(Credential("password", "wrong-one-1", name=login))
    with pytest.raises(Refusal) as locked:
        await identity.sign_in(Credential("password", "wrong-one-2", name=login))
    assert locked.value.status == 429 and locked.value.extra["rule"] == "login_locked"
    assert locked.value.message.startswith("连续2次密码错误，账号已暂时锁定，请于")
    with pytest.raises(Refusal) as still:
        await identity.sign_in(Credential("password", PASSWORD, name=login))
    assert still.value.extra["rule"] == "login_locked"


async def test_a_disabled_user_does_not_sign_in_and_their_sessions_end(url):
    identity = identity_for(url)
    user_id, login = a_user(url)
    token = open_session(url, user_id, datetime.now(UTC), 1)
    assert (await identity.resolve(Credential("session", token))) is not None
    assert identity.disable(user_id) is True and identity.disable(user_id) is False
    assert await identity.resolve(Credential("session", token)) is None
    with pytest.raises(Refusal) as disabled:
        await identity.sign_in(Credential("password", PASSWORD, name=login))
    assert disabled.value.status == 403 and disabled.value.message == text_of("account_disabled")


async def test_a_session_says_how_its_user_signed_in_and_cannot_be_made_to_say_otherwise(url):
    user_id, _ = a_user(url)
    now = datetime.now(UTC)
    by_password = open_session(url, user_id, now, 1)
    by_province = open_session(url, user_id, now, 1, signed_in_by="province")
    assert session_of(url, by_password, now).signed_in_by == "password"
    found = session_of(url, by_province, now)
    assert found.signed_in_by == "province" and found.id == user_id and found.csrf_token
    forged = "password." + by_province.partition(".")[2]
    assert session_of(url, forged, now) is None
    assert session_of(url, by_password, now + timedelta(hours=2)) is None  # expired
    with pytest.raises(ValueError):
        open_session(url, user_id, now, 1, signed_in_by="Evil.way")


def test_a_session_opened_before_the_way_in_was_kept_in_its_token_still_resolves(url):
    user_id, _ = a_user(url)
    now = datetime.now(UTC)
    old = "A" * 43  # a token of before: no "<way>." prefix
    with session_for(url) as s:
        s.add(
            WebSession(
                id=hash_token(old), user_id=user_id, csrf_token="c", created_at=now, expires_at=now + timedelta(hours=1)
            )
        )
        s.commit()
    found = session_of(url, old, now)
    assert found is not None and found.signed_in_by == "password" and found.csrf_token == "c"


def test_admission_by_role_is_one_function_for_actors_and_principals():
    clerk = Actor(user_id="u1", name="兰山区", role=Role.county_bureau, county="兰山区")
    assert admit(clerk, Role.county_bureau, Role.city_reviewer) is clerk
    assert admit(Principal(clerk, "token"), Role.county_bureau) is clerk
    with pytest.raises(Refusal) as refused:
        admit(Principal(clerk, "password"), Role.admin, Role.supervisor)
    assert refused.value.status == 403
    assert refused.value.message == "此事项仅供系统管理员、监督/纪检办理，县区人社局无权办理"
    assert refused.value.extra == {
        "rule": "role_not_permitted",
        "role": "county_bureau",
        "allowed_roles": ["admin", "supervisor"],
    }


def test_each_way_a_user_or_a_login_cannot_be_made_names_its_rule_and_field(url):
    from services.identity.errors import AccountError
    from services.identity.passwords import reset_password
    from services.identity.users import disable_user

    clerk = add_user(url, "县区经办人", Role.county_bureau, county="兰山区")
    inspector = add_user(url, "第二人", Role.inspector)
    taken = f"dup-{unique('d')[-6:]}"
    add_login(url, clerk.id, taken, PASSWORD)
    cases = [
        (lambda: add_user(url, "  ", Role.inspector), "user_name_required", "name"),
        (lambda: add_user(url, "名\x1b字", Role.inspector), "user_name_controls", "name"),
        (lambda: add_user(url, "名" * 200, Role.inspector), "user_name_too_long", "name"),
        (lambda: disable_user(url, "no-such-user"), "user_unknown", "form"),
        (lambda: add_login(url, inspector.id, "坏登录名", PASSWORD), "login_malformed", "login"),
        (lambda: add_login(url, inspector.id, "ok-login-1", "short"), "password_too_short", "password"),
        (lambda: add_login(url, inspector.id, taken.upper(), PASSWORD), "login_taken", "login"),
        (lambda: reset_password(url, inspector.id, PASSWORD), "login_missing", "password"),
    ]
    for attempt, code, field in cases:
        with pytest.raises(AccountError) as refused:
            attempt()
        assert (refused.value.rule, refused.value.field) == (code, field)
        assert refused.value.message and "{" not in refused.value.message and not refused.value.message.isascii()
