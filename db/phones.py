"""Users' mobile numbers for SMS (短信): one row per account that gave one, kept beside the account (api_user) rather
than in it. A user's own preference, written by the pages and the API directly (no workflow: nothing in the
procedure depends on it); ``sms`` is the user's switch. Read by the notify activity to text to-dos, reminders and
urges to the accounts of a role (and county)."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection
from sqlmodel import Field, Session, SQLModel, col, select

from db.users import User
from state.domain import Role

MOBILE = re.compile(r"1[3-9][0-9]{9}")
# What a person may type for one (the API's JSON Schema states it as its pattern, anchored): the digits, spaces or
# dashes between them, +86 before them.
MOBILE_INPUT = r" *(?:\+86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]){8} *"


class UserPhone(SQLModel, table=True):
    __tablename__ = "user_phone"

    user_id: str = Field(primary_key=True)
    phone: str  # 11 digits, a mainland mobile number
    sms: bool = True  # the user takes texts
    updated_at: datetime


def mobile(text: str) -> str | None:
    """A mainland mobile number as kept (11 digits starting with 1), from what a person types (``MOBILE_INPUT``:
    spaces or dashes between the digits, +86 before them); None when it is not one."""
    if not re.fullmatch(MOBILE_INPUT, text):
        return None
    return re.sub(r"[^0-9]", "", text)[-11:]


def masked(phone: str) -> str:
    """138****5678: what logs, delivery records and pages show of a number."""
    digits = phone[3:] if phone.startswith("+86") else phone
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def masked_in(text: str) -> str:
    """``text`` with every mobile number in it masked (a gateway's error may repeat the number)."""
    return re.sub(r"(?<![0-9])(?:\+?86)?1[3-9][0-9]{9}(?![0-9])", lambda m: masked(m.group(0)[-11:]), text)


def phone_of(session: Session, user_id: str) -> UserPhone | None:
    return session.get(UserPhone, user_id)


def set_phone(session: Session, user_id: str, phone: str, sms: bool) -> UserPhone:
    row = session.get(UserPhone, user_id)
    now = datetime.now(UTC)
    if row is None:
        row = UserPhone(user_id=user_id, phone=phone, sms=sms, updated_at=now)
    else:
        row.phone, row.sms, row.updated_at = phone, sms, now
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def remove_phone(session: Session, user_id: str) -> bool:
    row = session.get(UserPhone, user_id)
    if row is None:
        return False
    session.delete(row)
    session.commit()
    return True


@dataclass(frozen=True)
class Texted:
    user_id: str
    phone: str


def phones_for(connection: Connection, role: Role, county: str | None, city: str | None = None) -> list[Texted]:
    """The enabled accounts of ``role`` (in ``county``, for a county-level recipient; of ``city`` or province-level
    when given) that take texts, by user id."""
    query = (
        select(UserPhone.user_id, UserPhone.phone)
        .join(User, col(User.id) == col(UserPhone.user_id))
        .where(User.role == role, col(User.disabled_at).is_(None), col(UserPhone.sms).is_(True))
        .order_by(col(UserPhone.user_id))
    )
    if county:
        query = query.where(User.county == county)
    if city:
        query = query.where(col(User.city).in_([city, ""]))
    return [Texted(user_id, phone) for user_id, phone in connection.execute(query).all()]
