"""The readable 申报编号 of each application (state/numbering.py): one row per application, unique per county,
year and sequence, written once by the projection of its declaration and never changed. The application row
carries a copy (``application.number``) so that every list reads it with the row."""

import re
from datetime import datetime

from sqlalchemy import Connection, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel

from db.models import Application
from db.session import get_engine
from state.numbering import application_number, declaration_year

# An application's id as the API makes it (api/routes/applications.py application_id_for), inside a text.
ID_IN_TEXT = re.compile(r"\bA[0-9a-f]{20}\b")
ATTEMPTS = 50  # concurrent declarations in one county take the next number in turn; each conflict is one more try


class ApplicationNumber(SQLModel, table=True):
    __tablename__ = "application_number"

    county: str = Field(primary_key=True)
    year: int = Field(primary_key=True)
    seq: int = Field(primary_key=True)
    application_id: str = Field(unique=True)
    number: str = Field(unique=True)


_NUMBERS = ApplicationNumber.__table__  # type: ignore[attr-defined]
_APPLICATIONS = Application.__table__  # type: ignore[attr-defined]


def _existing(connection: Connection, application_id: str) -> str | None:
    found = connection.execute(
        select(_NUMBERS.c.number).where(_NUMBERS.c.application_id == application_id)
    ).scalar_one_or_none()
    return str(found) if found is not None else None


def assign_number(connection: Connection, application_id: str, county: str, declared_at: datetime) -> str:
    """The application's number: the one it has, or the next of its county and year (insert-if-absent under the
    unique keys, in a savepoint retried on conflict), copied onto its row. Idempotent: a replayed or retried
    projection finds the number it wrote and neither changes nor skips one."""
    year = declaration_year(declared_at)
    for _ in range(ATTEMPTS):
        number = _existing(connection, application_id)
        if number is None:
            last = connection.execute(
                select(func.coalesce(func.max(_NUMBERS.c.seq), 0)).where(
                    _NUMBERS.c.county == county, _NUMBERS.c.year == year
                )
            ).scalar_one()
            seq = int(last) + 1
            candidate = application_number(county, year, seq)
            row = {"county": county, "year": year, "seq": seq, "application_id": application_id, "number": candidate}
            try:
                with connection.begin_nested():
                    connection.execute(_NUMBERS.insert().values(**row))
            except IntegrityError:
                continue  # another declaration took this number (or this one was numbered meanwhile): look again
            number = candidate
        connection.execute(
            update(_APPLICATIONS)
            .where(_APPLICATIONS.c.id == application_id, _APPLICATIONS.c.number.is_(None))
            .values(number=number)
        )
        return number
    raise RuntimeError(f"no number could be assigned to {application_id} after {ATTEMPTS} attempts")


def number_in(connection: Connection, application_id: str) -> str:
    """The application's number in the caller's transaction; empty when it has none."""
    return _existing(connection, application_id) or ""


def numbers_of(session: Session, application_ids: list[str]) -> dict[str, str]:
    """The numbers of these applications (those numbered)."""
    if not application_ids:
        return {}
    rows = session.connection().execute(
        select(_NUMBERS.c.application_id, _NUMBERS.c.number).where(_NUMBERS.c.application_id.in_(application_ids))
    )
    return {str(a): str(n) for a, n in rows}


def number_or_id(database_url: str, application_id: str) -> str:
    """What a document prints for the application: its 申报编号, or its id before it has one."""
    with get_engine(database_url).connect() as connection:
        return number_in(connection, application_id) or application_id


def numbered_text(connection: Connection, text: str) -> str:
    """``text`` with each application id in it replaced by that application's number, where it has one (a flag's
    note names the application whose title was revoked)."""
    ids = list(dict.fromkeys(ID_IN_TEXT.findall(text)))
    if not ids:
        return text
    rows = connection.execute(
        select(_NUMBERS.c.application_id, _NUMBERS.c.number).where(_NUMBERS.c.application_id.in_(ids))
    )
    known = {str(a): str(n) for a, n in rows}
    return ID_IN_TEXT.sub(lambda m: known.get(m.group(0), m.group(0)), text)
