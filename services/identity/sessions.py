"""The pages' sessions: opened after a sign-in, kept in the database (so ending one, or disabling the user, takes
effect at once), expiring after the configured hours; and the provider that turns a session cookie into a
Principal.

The cookie's token is ``<how they signed in>.<random>`` ("password.…"): the way in is read back from the token, and
cannot be altered, since only the whole token's SHA-256 is kept. A token without the prefix (made before it) was
opened by a password."""

import re
import secrets
from datetime import UTC, datetime, timedelta

from anyio import to_thread

from db.logins import WebSession, delete_expired_sessions, delete_session, delete_sessions, live_session
from db.session import session_for
from services.identity.principal import Credential, Principal
from services.identity.tokens import actor_of, hash_token

SESSION = "session"
MAX_SESSION_TOKEN = 200
_WAY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def open_session(
    database_url: str,
    user_id: str,
    now: datetime,
    hours: float,
    signed_in_by: str = "password",
    id_token: str | None = None,
) -> str:
    """A new session for the user; returns the cookie's token (shown this once, only its hash is kept).
    ``id_token``: 统一身份认证's, kept to sign out there too."""
    if not _WAY.match(signed_in_by):
        raise ValueError(f"not a provider's name: {signed_in_by!r}")
    token = f"{signed_in_by}.{secrets.token_urlsafe(32)}"
    with session_for(database_url) as s:
        s.add(
            WebSession(
                id=hash_token(token),
                user_id=user_id,
                csrf_token=secrets.token_urlsafe(32),
                created_at=now,
                expires_at=now + timedelta(hours=hours),
                id_token=id_token,
            )
        )
        delete_expired_sessions(s, now)
        s.commit()
    return token


def session_of(database_url: str, token: str, now: datetime) -> Principal | None:
    """The signed-in user (with the session's CSRF token); None when the session is unknown, has expired, or its
    user is disabled (checked on every request, so disabling a user ends their sessions at once)."""
    if not token or len(token) > MAX_SESSION_TOKEN:
        return None
    with session_for(database_url) as s:
        found = live_session(s, hash_token(token), now)
    if found is None:
        return None
    user, csrf = found
    way, dot, _ = token.partition(".")
    return Principal(actor_of(user), way if dot and _WAY.match(way) else "password", csrf_token=csrf)


def close_session(database_url: str, token: str) -> str | None:
    """End the session; the ID token it was opened with (signed in by 统一身份认证), if any."""
    with session_for(database_url) as s:
        found = s.get(WebSession, hash_token(token))
        id_token = found.id_token if found is not None else None
        delete_session(s, hash_token(token))
        s.commit()
    return id_token


def end_sessions(database_url: str, user_id: str) -> None:
    with session_for(database_url) as s:
        delete_sessions(s, user_id)
        s.commit()


class SessionProvider:
    """The pages' session cookie. The Principal is the one who signed in, by the way they signed in."""

    kind = SESSION
    name = "session"

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    async def principal(self, credential: Credential) -> Principal | None:
        return await to_thread.run_sync(session_of, self.database_url, credential.secret, datetime.now(UTC))

    def forget(self, user_id: str) -> None:
        """Nothing cached: every request reads the session and its user."""
