"""Login names and passwords for the pages: argon2 hashes, the lockout after repeated failures, and the provider
that turns a login and password into a Principal."""

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from anyio import to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from contracts.rules.access import (
    ACCOUNT_DISABLED,
    LOGIN_LOCKED,
    LOGIN_MALFORMED,
    LOGIN_MISSING,
    LOGIN_TAKEN,
    PASSWORD_TOO_SHORT,
)
from db.logins import Login, delete_sessions, login_named, login_taken
from db.session import session_for
from db.users import User
from services.identity.errors import LoginError
from services.identity.principal import Credential, Principal
from services.identity.tokens import actor_of
from services.refusals import Refusal
from state.clock import SHANGHAI
from state.domain import Actor

PASSWORD = "password"
LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
_hasher = PasswordHasher()
_NOBODY = _hasher.hash(secrets.token_urlsafe(16))  # checked against when the login is unknown: same time taken


def normal_login(login: str) -> str:
    return login.strip().lower()


def _check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise LoginError(PASSWORD_TOO_SHORT, "password", minimum=MIN_PASSWORD)


def check_new_login(database_url: str, login: str, password: str) -> str:
    """The normalised login, or LoginError saying why it cannot be given."""
    name = normal_login(login)
    if not LOGIN_PATTERN.match(name):
        raise LoginError(LOGIN_MALFORMED, "login")
    _check_password(password)
    with session_for(database_url) as s:
        if login_taken(s, name):
            raise LoginError(LOGIN_TAKEN, "login")
    return name


def add_login(database_url: str, user_id: str, login: str, password: str) -> None:
    name = check_new_login(database_url, login, password)
    with session_for(database_url) as s:
        s.add(Login(user_id=user_id, login=name, password_hash=_hasher.hash(password), changed_at=datetime.now(UTC)))
        s.commit()


def reset_password(database_url: str, user_id: str, password: str) -> None:
    """A new password for a user who has a login: the lockout is cleared and their sessions end at once."""
    _check_password(password)
    with session_for(database_url) as s:
        row = s.get(Login, user_id)
        if row is None:
            raise LoginError(LOGIN_MISSING, "password")
        row.password_hash = _hasher.hash(password)
        row.failed_attempts, row.locked_until, row.changed_at = 0, None, datetime.now(UTC)
        s.add(row)
        delete_sessions(s, user_id)
        s.commit()


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
        row = login_named(s, name) if LOGIN_PATTERN.fullmatch(name) else None
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


class PasswordProvider:
    """A login name and password (``Credential("password", password, name=login)``): None for a wrong one; a
    locked login is refused 429 ``login_locked``, a disabled user 403 ``account_disabled``."""

    kind = PASSWORD
    name = "password"

    def __init__(self, database_url: str, attempts: int, lockout: timedelta) -> None:
        self.database_url, self.attempts, self.lockout = database_url, attempts, lockout

    async def principal(self, credential: Credential) -> Principal | None:
        now = datetime.now(UTC)
        checked = await to_thread.run_sync(
            sign_in, self.database_url, credential.name, credential.secret, now, self.attempts, self.lockout
        )
        if checked.outcome == "locked":
            assert checked.locked_until is not None
            until = f"{checked.locked_until.astimezone(SHANGHAI):%H:%M}"
            raise Refusal(429, LOGIN_LOCKED, attempts=self.attempts, until=until)
        if checked.outcome == "disabled":
            raise Refusal(403, ACCOUNT_DISABLED)
        return Principal(checked.actor, self.name) if checked.actor is not None else None

    def forget(self, user_id: str) -> None:
        """Nothing kept: the password is checked against the database every time."""
