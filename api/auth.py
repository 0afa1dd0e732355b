"""Bearer tokens: issued once in plain text, stored only as SHA-256 hashes, resolved to the caller's Actor."""

import hashlib
import secrets
import time
import uuid
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from db.logins import end_sessions
from db.session import session_for
from db.users import User
from state import text
from state.domain import COUNTIES, Actor, Department, Role

TOKEN_PREFIX = "bg_"
MAX_TOKEN_LENGTH = 200
MAX_USER_NAME = 100
USER_ROLES = (
    Role.county_bureau,
    Role.city_reviewer,
    Role.department,
    Role.inspector,
    Role.supervisor,
    Role.admin,
)


class UserError(ValueError):
    """A user that cannot exist: unknown role, a county bureau without a county, and so on."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _checked(
    role: Role | str, county: str | None, department: Department | str | None
) -> tuple[Role, Department | None]:
    try:
        role = Role(role)
    except ValueError:
        raise UserError(f"unknown role {role!r}; one of: {', '.join(r.value for r in USER_ROLES)}") from None
    if role not in USER_ROLES:
        raise UserError(f"role {role.value!r} cannot be given to a user")
    if department is not None:
        try:
            department = Department(department)
        except ValueError:
            raise UserError(f"unknown department {department!r}; one of: hrss, drc, civil_affairs") from None
    if county is not None and county not in COUNTIES:
        raise UserError(f"unknown county {county!r}; known: {'、'.join(COUNTIES)}")
    if role == Role.county_bureau and county is None:
        raise UserError("a county_bureau user needs --county")
    if role == Role.department and department is None:
        raise UserError("a department user needs --department (hrss, drc or civil_affairs)")
    if role != Role.department and department is not None:
        raise UserError(f"only department users have a department, not {role.value}")
    if role not in (Role.county_bureau, Role.department) and county is not None:
        raise UserError(f"a {role.value} user acts for the whole city and has no county")
    return role, department


def create_user(
    database_url: str,
    name: str,
    role: Role | str,
    county: str | None = None,
    department: Department | str | None = None,
    *,
    token: str | None = None,
) -> str:
    """Create a user and return its token; the token is shown this once and never stored.
    ``token`` provisions a token made elsewhere (tests); by default a new random one is made."""
    if not text.visible(name or ""):
        raise UserError("a user needs a name")
    if text.controls(name) or text.bidi_controls(name):
        raise UserError("a user's name must not contain control characters")
    if len(name.strip()) > MAX_USER_NAME:
        raise UserError(f"a user's name has at most {MAX_USER_NAME} characters")
    checked_role, checked_department = _checked(role, county, department)
    token = token or TOKEN_PREFIX + secrets.token_urlsafe(32)
    user = User(
        id=uuid.uuid4().hex,
        name=name.strip(),
        role=checked_role,
        county=county,
        department=checked_department,
        token_hash=hash_token(token),
        created_at=datetime.now(UTC),
    )
    with session_for(database_url) as s:
        s.add(user)
        s.commit()
    return token


def ensure_admin(database_url: str) -> str | None:
    """The first admin, created on first run; its token is returned then, and None ever after."""
    with session_for(database_url) as s:
        active_admin = select(User.id).where(User.role == Role.admin, col(User.disabled_at).is_(None))
        exists = s.exec(active_admin.limit(1)).first()
    if exists:
        return None
    return create_user(database_url, "管理员", Role.admin)


def disable_user(database_url: str, user_id: str) -> bool:
    """Disable a user: their token and web sessions stop working (the sessions are ended here; a running API
    also forgets the token it has cached, see TokenCache.forget_user). False when already disabled."""
    with session_for(database_url) as s:
        user = s.get(User, user_id)
        if user is None:
            raise UserError(f"unknown user {user_id!r}")
        if user.disabled_at is not None:
            return False
        user.disabled_at = datetime.now(UTC)
        s.add(user)
        s.commit()
    end_sessions(database_url, user_id)
    return True


class TokenCache:
    """Recently seen valid tokens, so most requests need no database lookup. A user disabled elsewhere (another
    API process, the database) keeps access for at most ``ttl`` seconds; one disabled through this process's
    pages is forgotten at once (``forget_user``)."""

    def __init__(self, ttl: float = 30.0, size: int = 10_000) -> None:
        self.ttl = ttl
        self.size = size
        self._seen: dict[str, tuple[Actor, float]] = {}

    def get(self, token: str) -> Actor | None:
        hit = self._seen.get(hash_token(token))
        if hit is None or hit[1] < time.monotonic():
            return None
        return hit[0]

    def forget_user(self, user_id: str) -> None:
        self._seen = {k: v for k, v in self._seen.items() if v[0].user_id != user_id}

    def put(self, token: str, actor: Actor) -> None:
        if len(self._seen) >= self.size:
            self._seen.clear()  # crude, and rare: the cache refills from the database
        self._seen[hash_token(token)] = (actor, time.monotonic() + self.ttl)


def actor_for_token(session: Session, token: str) -> Actor | None:
    """The Actor a bearer token stands for, or None for an unknown, malformed or disabled token."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    user = session.exec(select(User).where(User.token_hash == hash_token(token))).first()
    if user is None or user.disabled_at is not None:
        return None
    return Actor(user_id=user.id, name=user.name, role=user.role, county=user.county, department=user.department)
