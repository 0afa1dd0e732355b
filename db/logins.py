"""The rows of signing in to the pages: a user's login name and password hash (``user_login``) and their sessions
(``web_session``). Hashing, the lockout and the sessions' rules are services/identity's; this reads and writes."""

from datetime import datetime

from sqlmodel import Field, Session, SQLModel, col, delete, select

from db.users import User


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
    id_token: str | None = None  # signed in by 统一身份认证: its ID token, the hint when signing out there


class OidcRequest(SQLModel, table=True):
    """A sign-in begun at 统一身份认证 and not yet finished: kept by the SHA-256 of its ``state``, used once."""

    __tablename__ = "oidc_request"

    id: str = Field(primary_key=True)  # SHA-256 of the state
    nonce: str
    code_verifier: str
    next_path: str
    created_at: datetime
    expires_at: datetime = Field(index=True)


def login_taken(s: Session, login: str) -> bool:
    return s.exec(select(Login.user_id).where(Login.login == login)).first() is not None


def login_named(s: Session, login: str) -> Login | None:
    """The login row, locked for update (on PostgreSQL) until the session commits: two wrong passwords at once
    both count."""
    return s.exec(select(Login).where(Login.login == login).with_for_update()).first()


def delete_sessions(s: Session, user_id: str) -> None:
    s.exec(delete(WebSession).where(col(WebSession.user_id) == user_id))


def delete_session(s: Session, session_id: str) -> None:
    s.exec(delete(WebSession).where(col(WebSession.id) == session_id))


def delete_expired_sessions(s: Session, now: datetime) -> None:
    s.exec(delete(WebSession).where(col(WebSession.expires_at) < now))


def live_session(s: Session, session_id: str, now: datetime) -> tuple[User, str] | None:
    """The session's user and its CSRF token; None when the session is unknown, has expired, or its user is
    disabled."""
    found = s.exec(
        select(User, WebSession.csrf_token)
        .join(WebSession, col(WebSession.user_id) == col(User.id))
        .where(
            WebSession.id == session_id,
            col(WebSession.expires_at) > now,
            col(User.disabled_at).is_(None),
        )
    ).first()
    return (found[0], found[1]) if found is not None else None
