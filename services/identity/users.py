"""The users: made (with their bearer token, shown once), the first admin, disabled (token and sessions end)."""

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from contracts.rules.access import (
    USER_CITY_UNKNOWN,
    USER_COUNTY_NOT_FOR_ROLE,
    USER_COUNTY_REQUIRED,
    USER_COUNTY_UNKNOWN,
    USER_DEPARTMENT_NOT_FOR_ROLE,
    USER_DEPARTMENT_REQUIRED,
    USER_DEPARTMENT_UNKNOWN,
    USER_NAME_CONTROLS,
    USER_NAME_REQUIRED,
    USER_NAME_TOO_LONG,
    USER_PROVINCE_NOT_FOR_ROLE,
    USER_ROLE_UNKNOWN,
    USER_UNKNOWN,
)
from contracts.rules.sso import SSO_NOT_CONFIGURED, SSO_SUBJECT_MALFORMED, SSO_SUBJECT_TAKEN
from db.session import session_for
from db.users import User
from regions.catalog import DEPLOYMENT, cities
from services.identity.errors import UserError
from services.identity.sessions import end_sessions
from services.identity.tokens import TOKEN_PREFIX, hash_token
from state import text
from state.domain import COUNTIES, Department, Role

MAX_USER_NAME = 100
USER_ROLES = (
    Role.county_bureau,
    Role.city_reviewer,
    Role.department,
    Role.inspector,
    Role.supervisor,
    Role.admin,
)


MAX_SUBJECT = 255
PROVINCE_ROLES = (Role.supervisor, Role.admin)  # who may be province-level (services.access.PROVINCE_ROLES)


@dataclass(frozen=True)
class ExternalSubject:
    """Who a user is at 统一身份认证: the provider's issuer and its ``sub`` for them."""

    issuer: str
    subject: str


def external_subject(issuer: str, subject: str | None) -> ExternalSubject | None:
    """The subject an admin gave (None for none), checked: visible characters without spaces, and an issuer
    configured to hold it (UserError otherwise)."""
    subject = (subject or "").strip()
    if not subject:
        return None
    if not issuer:
        raise UserError(SSO_NOT_CONFIGURED, "external_subject")
    if len(subject) > MAX_SUBJECT or not subject.isprintable() or any(c.isspace() for c in subject):
        raise UserError(SSO_SUBJECT_MALFORMED, "external_subject")
    return ExternalSubject(issuer, subject)


def _subject_taken(database_url: str, external: ExternalSubject, other_than: str | None = None) -> bool:
    with session_for(database_url) as s:
        found = s.exec(
            select(User.id).where(User.external_issuer == external.issuer, User.external_subject == external.subject)
        ).first()
    return found is not None and found != other_than


def user_of_subject(database_url: str, external: ExternalSubject) -> User | None:
    with session_for(database_url) as s:
        return s.exec(
            select(User).where(User.external_issuer == external.issuer, User.external_subject == external.subject)
        ).first()


def set_external_subject(database_url: str, user_id: str, external: ExternalSubject | None) -> None:
    """Give a user their subject at 统一身份认证, or take it away (None); UserError when another user has it."""
    if external is not None and _subject_taken(database_url, external, other_than=user_id):
        raise UserError(SSO_SUBJECT_TAKEN, "external_subject")
    with session_for(database_url) as s:
        user = s.get(User, user_id)
        if user is None:
            raise UserError(USER_UNKNOWN, "form")
        user.external_issuer = external.issuer if external else None
        user.external_subject = external.subject if external else None
        s.add(user)
        try:
            s.commit()
        except IntegrityError:  # taken meanwhile
            raise UserError(SSO_SUBJECT_TAKEN, "external_subject") from None


@dataclass(frozen=True)
class NewUser:
    id: str
    token: str  # shown this once; only its hash is kept


def _checked(
    role: Role | str, county: str | None, department: Department | str | None, city: str | None = None
) -> tuple[Role, Department | None]:
    try:
        role = Role(role)
    except ValueError:
        raise UserError(USER_ROLE_UNKNOWN, "role") from None
    if role not in USER_ROLES:
        raise UserError(USER_ROLE_UNKNOWN, "role")
    if department is not None:
        try:
            department = Department(department)
        except ValueError:
            raise UserError(USER_DEPARTMENT_UNKNOWN, "department") from None
    known = cities()
    counties = tuple(c.name for c in known[city].counties) if city and city in known else COUNTIES
    if county is not None and county not in counties:
        raise UserError(USER_COUNTY_UNKNOWN, "county")
    if role == Role.county_bureau and county is None:
        raise UserError(USER_COUNTY_REQUIRED, "county")
    if role == Role.department and department is None:
        raise UserError(USER_DEPARTMENT_REQUIRED, "department")
    if role != Role.department and department is not None:
        raise UserError(USER_DEPARTMENT_NOT_FOR_ROLE, "department")
    if role not in (Role.county_bureau, Role.department) and county is not None:
        raise UserError(USER_COUNTY_NOT_FOR_ROLE, "county")
    return role, department


def add_user(
    database_url: str,
    name: str,
    role: Role | str,
    county: str | None = None,
    department: Department | str | None = None,
    *,
    token: str | None = None,
    external: ExternalSubject | None = None,
    city: str | None = None,
    province: bool = False,
) -> NewUser:
    """Create a user; ``token`` provisions a token made elsewhere (tests), by default a new random one is made;
    ``external``: who they are at 统一身份认证 (unique); ``city``: the city they work for (a region file's; the
    deployment's by default), whose counties ``county`` is one of; ``province``: a province-level account (省级: no
    city, reads every city), a supervisor or an admin only."""
    if not text.visible(name or ""):
        raise UserError(USER_NAME_REQUIRED, "name")
    if text.controls(name) or text.bidi_controls(name):
        raise UserError(USER_NAME_CONTROLS, "name")
    if len(name.strip()) > MAX_USER_NAME:
        raise UserError(USER_NAME_TOO_LONG, "name", limit=MAX_USER_NAME)
    if city and city not in cities():
        raise UserError(USER_CITY_UNKNOWN, "city")
    checked_role, checked_department = _checked(role, county, department, city)
    if province and checked_role not in PROVINCE_ROLES:
        raise UserError(USER_PROVINCE_NOT_FOR_ROLE, "scope")
    if external is not None and _subject_taken(database_url, external):
        raise UserError(SSO_SUBJECT_TAKEN, "external_subject")
    token = token or TOKEN_PREFIX + secrets.token_urlsafe(32)
    user_id = uuid.uuid4().hex
    user = User(
        id=user_id,
        name=name.strip(),
        role=checked_role,
        city="" if province else city or DEPLOYMENT.name,
        county=county,
        department=checked_department,
        token_hash=hash_token(token),
        created_at=datetime.now(UTC),
        external_issuer=external.issuer if external else None,
        external_subject=external.subject if external else None,
    )
    with session_for(database_url) as s:
        s.add(user)
        try:
            s.commit()
        except IntegrityError:
            if external is not None and _subject_taken(database_url, external):
                raise UserError(SSO_SUBJECT_TAKEN, "external_subject") from None
            raise
    return NewUser(user_id, token)


def create_user(
    database_url: str,
    name: str,
    role: Role | str,
    county: str | None = None,
    department: Department | str | None = None,
    *,
    token: str | None = None,
) -> str:
    """Create a user and return its token; the token is shown this once and never stored."""
    return add_user(database_url, name, role, county, department, token=token).token


def ensure_admin(database_url: str) -> str | None:
    """The first admin, created on first run; its token is returned then, and None ever after."""
    with session_for(database_url) as s:
        active_admin = select(User.id).where(User.role == Role.admin, col(User.disabled_at).is_(None))
        exists = s.exec(active_admin.limit(1)).first()
    if exists:
        return None
    return create_user(database_url, "管理员", Role.admin)


def disable_user(database_url: str, user_id: str) -> bool:
    """Disable a user: their token and web sessions stop working (the sessions are ended here; a running service
    also forgets what its providers cached, see ``Identity.disable``). False when already disabled."""
    with session_for(database_url) as s:
        user = s.get(User, user_id)
        if user is None:
            raise UserError(USER_UNKNOWN, "form")
        if user.disabled_at is not None:
            return False
        user.disabled_at = datetime.now(UTC)
        s.add(user)
        s.commit()
    end_sessions(database_url, user_id)
    return True
