"""The register of document numbers (发文登记): per organ (its 机关代字) and year, a sequence without gaps, each
number drawn once for one purpose (its ``key``, e.g. the batch or the revocation it numbers) and never reused.

Written only by the register's activity (activities/register.py); a retried draw with the same key finds the
number it drew.
"""

from datetime import UTC, datetime

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel

from db.session import get_engine
from state.organs import document_number

ATTEMPTS = 50  # concurrent draws of one organ and year take the next number in turn


class DocumentNumber(SQLModel, table=True):
    __tablename__ = "document_number"

    prefix: str = Field(primary_key=True)
    year: int = Field(primary_key=True)
    seq: int = Field(primary_key=True)
    key: str = Field(unique=True)  # what the number was drawn for; one number per key
    number: str = Field(unique=True)
    purpose: str  # in Chinese: 公布文件 (批次 …), 撤销决定 …
    drawn_at: datetime


_TABLE = DocumentNumber.__table__  # type: ignore[attr-defined]


def _drawn(connection: Connection, key: str) -> str | None:
    found = connection.execute(select(_TABLE.c.number).where(_TABLE.c.key == key)).scalar_one_or_none()
    return str(found) if found is not None else None


def draw(connection: Connection, prefix: str, year: int, key: str, purpose: str) -> str:
    """The number drawn for ``key``: the one it has, or the next of the organ's year (insert under the unique keys
    in a savepoint, retried on conflict)."""
    for _ in range(ATTEMPTS):
        if (number := _drawn(connection, key)) is not None:
            return number
        last = connection.execute(
            select(func.coalesce(func.max(_TABLE.c.seq), 0)).where(_TABLE.c.prefix == prefix, _TABLE.c.year == year)
        ).scalar_one()
        seq = int(last) + 1
        row = {
            "prefix": prefix,
            "year": year,
            "seq": seq,
            "key": key,
            "number": document_number(prefix, year, seq),
            "purpose": purpose,
            "drawn_at": datetime.now(UTC),
        }
        try:
            with connection.begin_nested():
                connection.execute(_TABLE.insert().values(**row))
        except IntegrityError:
            continue  # another draw took this sequence (or this key was drawn meanwhile): look again
        return str(row["number"])
    raise RuntimeError(f"no document number could be drawn for {key} after {ATTEMPTS} attempts")


def draw_number(database_url: str, prefix: str, year: int, key: str, purpose: str) -> str:
    with get_engine(database_url).begin() as connection:
        return draw(connection, prefix, year, key, purpose)


def register_rows(database_url: str, prefix: str | None = None, year: int | None = None) -> list[dict[str, object]]:
    """The register as drawn, in order (an organ's and a year's, when given)."""
    query = select(_TABLE).order_by(_TABLE.c.prefix, _TABLE.c.year, _TABLE.c.seq)
    if prefix is not None:
        query = query.where(_TABLE.c.prefix == prefix)
    if year is not None:
        query = query.where(_TABLE.c.year == year)
    with get_engine(database_url).connect() as connection:
        return [dict(r._mapping) for r in connection.execute(query)]
