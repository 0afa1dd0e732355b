"""Signing in to the pages: a user's login name and password (argon2), their sessions (kept here, so that ending
one, or disabling the user, takes effect at once), and the lockout after repeated failures."""

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Field, SQLModel, col, delete, select

from db.session import session_for
from db.users import User
from state.domain import Actor

LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
_hasher = PasswordHasher()
_NOBODY = _hasher.hash(secrets.token_urlsafe(16))  # checked against when the login is unknown: same time taken


class Login(SQLModel, table=True):
    """How a user (api_user) signs in to the pages."""

    __tablename__ = "user_login"

    user_id: str = Field(primary_key=True)
    login: str = Field(unique=True, index=True)  # lower case
    password_hash: str
    failed_attempts: int = 0  # wrong passwords in a row since the last success or lockout
    locked_until: datetime | None = None
    changed_at: datetime


class WebSession(SQLModel, table=True):
    """One signed-in browser. The cookie holds a random token; only its SHA-256 is kept."""

    __tablename__ = "web_session"

    id: str = Field(primary_key=True)
    user_id: str = Field(index=True)
    csrf_token: str
    created_at: datetime
    expires_at: datetime


class LoginError(ValueError):
    """A login that cannot be given: malformed, taken, or a password too short."""


def normal_login(login: str) -> str:
    return login.strip().lower()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_new_login(database_url: str, login: str, password: str) -> str:
    """The normalised login, or LoginError saying why it cannot be given."""
    name = normal_login(login)
    if not LOGIN_PATTERN.match(name):
        raise LoginError("a login is 2-64 characters: letters, digits and . _ @ -, starting with a letter or digit")
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise LoginError(f"a password has at least {MIN_PASSWORD} characters")
    with session_for(database_url) as s:
        if s.exec(select(Login.user_id).where(Login.login == name)).first():
            raise LoginError(f"the login {name!r} is taken")
    return name


def add_login(database_url: str, user_id: str, login: str, password: str) -> None:
    name = check_new_login(database_url, login, password)
    with session_for(database_url) as s:
        s.add(Login(user_id=user_id, login=name, password_hash=_hasher.hash(password), changed_at=datetime.now(UTC)))
        s.commit()


def reset_password(database_url: str, user_id: str, password: str) -> None:
    """A new password for a user who has a login: the lockout is cleared and their sessions end at once."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise LoginError(f"a password has at least {MIN_PASSWORD} characters")
    with session_for(database_url) as s:
        row = s.get(Login, user_id)
        if row is None:
            raise LoginError("this user has no login")
        row.password_hash = _hasher.hash(password)
        row.failed_attempts, row.locked_until, row.changed_at = 0, None, datetime.now(UTC)
        s.add(row)
        s.exec(delete(WebSession).where(col(WebSession.user_id) == user_id))
        s.commit()


def end_sessions(database_url: str, user_id: str) -> None:
    with session_for(database_url) as s:
        s.exec(delete(WebSession).where(col(WebSession.user_id) == user_id))
        s.commit()


def actor_of(user: User) -> Actor:
    return Actor(user_id=user.id, name=user.name, role=user.role, county=user.county, department=user.department)


@dataclass(frozen=True)
class SignIn:
    outcome: Literal["ok", "wrong", "locked", "disabled"]
    actor: Actor | None = None
    locked_until: datetime | None = None


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def sign_in(database_url: str, login: str, password: str, now: datetime, attempts: int, lockout: timedelta) -> SignIn:
    """Check a password. ``attempts`` wrong ones in a row lock the login for ``lockout`` (a right password does not
    open it early); a success clears the count. A disabled user never signs in."""
    name = normal_login(login)
    with session_for(database_url) as s:
        row = (
            s.exec(select(Login).where(Login.login == name).with_for_update()).first()
            if LOGIN_PATTERN.fullmatch(name)
            else None
        )
        if row is None:
            _verify(_NOBODY, password)
            return SignIn("wrong")
        locked_until = _aware(row.locked_until)
        if locked_until is not None and locked_until > now:
            return SignIn("locked", locked_until=locked_until)
        if not _verify(row.password_hash, password):
            row.failed_attempts += 1
            row.locked_until = None
            if row.failed_attempts >= attempts:
                row.failed_attempts, row.locked_until = 0, now + lockout
            s.add(row)
            s.commit()
            return SignIn("locked", locked_until=row.locked_until) if row.locked_until else SignIn("wrong")
        if row.failed_attempts or row.locked_until or _hasher.check_needs_rehash(row.password_hash):
            row.failed_attempts, row.locked_until = 0, None
            if _hasher.check_needs_rehash(row.password_hash):
                row.password_hash = _hasher.hash(password)
            s.add(row)
            s.commit()
        user = s.get(User, row.user_id)
        if user is None or user.disabled_at is not None:
            return SignIn("disabled")
        return SignIn("ok", actor=actor_of(user))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def open_session(database_url: str, user_id: str, now: datetime, hours: float) -> str:
    """A new session for the user; returns the cookie's token (shown this once, only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    with session_for(database_url) as s:
        s.add(
            WebSession(
                id=_hash_token(token),
                user_id=user_id,
                csrf_token=secrets.token_urlsafe(32),
                created_at=now,
                expires_at=now + timedelta(hours=hours),
            )
        )
        s.exec(delete(WebSession).where(col(WebSession.expires_at) < now))
        s.commit()
    return token


def session_of(database_url: str, token: str, now: datetime) -> tuple[Actor, str] | None:
    """The signed-in user and the session's CSRF token; None when the session is unknown, has expired, or its
    user is disabled (checked on every request, so disabling a user ends their sessions at once)."""
    if not token or len(token) > 200:
        return None
    with session_for(database_url) as s:
        found = s.exec(
            select(User, WebSession.csrf_token)
            .join(WebSession, col(WebSession.user_id) == col(User.id))
            .where(
                WebSession.id == _hash_token(token),
                col(WebSession.expires_at) > now,
                col(User.disabled_at).is_(None),
            )
        ).first()
    if found is None:
        return None
    user, csrf = found
    return actor_of(user), csrf


def close_session(database_url: str, token: str) -> None:
    with session_for(database_url) as s:
        s.exec(delete(WebSession).where(col(WebSession.id) == _hash_token(token)))
        s.commit()
