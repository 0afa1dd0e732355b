"""Rate limits every API process sees: hits per client per fixed window, counted in the database.

A request is admitted when the previous window's count, weighted by the part of it still inside the sliding
window, plus the current window's count (this request included) stays within the limit. The increment and the
check are one transaction: an upsert locks the client's row (PostgreSQL) or the database (SQLite) until the
answer is known, and a refused request rolls its increment back, so it changes nothing. Old windows are pruned
by the worker's sweep (activities/uploads.py).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import BigInteger, Column, Insert, Table, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, SQLModel, col, select

from db.session import session_for


class RateCount(SQLModel, table=True):
    __tablename__ = "rate_count"

    scope: str = Field(primary_key=True)  # what is counted, e.g. "objection:<task queue>"
    client: str = Field(primary_key=True)  # an address, an account
    window_start: int = Field(sa_column=Column(BigInteger, primary_key=True))  # epoch seconds, a window's multiple
    hits: int = Field(sa_column=Column(BigInteger, nullable=False))  # requests, or bytes


@dataclass(frozen=True)
class Limit:
    limit: int
    window_seconds: float


def take(database_url: str, client: str, amounts: Mapping[str, tuple[int, Limit]], now: float) -> float | None:
    """Count ``amounts`` (scope -> (amount, its limit)) for ``client`` at ``now`` (epoch seconds): None when every
    scope admits it (and it is counted), else the seconds until it would be (and nothing is counted)."""
    waits: list[float] = []
    with session_for(database_url) as s:
        connection = s.connection()
        for scope, (amount, limit) in amounts.items():
            window = limit.window_seconds
            start = int(now // window * window)
            stmt = _upsert(connection.dialect.name, RateCount.__table__)  # type: ignore[attr-defined]
            current = connection.execute(
                stmt, {"scope": scope, "client": client, "window_start": start, "hits": amount}
            ).scalar_one()
            previous = (
                s.exec(
                    select(RateCount.hits).where(
                        RateCount.scope == scope,
                        RateCount.client == client,
                        RateCount.window_start == int(start - window),
                    )
                ).first()
                or 0
            )
            wait = refused(limit, previous, current - amount, amount, now - start)
            if wait is not None:
                waits.append(wait)
        if waits:
            s.rollback()
            return max(waits)
        s.commit()
    return None


def refused(limit: Limit, previous: int, before: int, amount: int, elapsed: float) -> float | None:
    """None when ``amount`` more fits, with ``before`` counted in the current window (``elapsed`` seconds old)
    and ``previous`` in the one before; else the seconds until it would, nothing else counted meanwhile."""
    if previous * (1 - elapsed / limit.window_seconds) + before + amount <= limit.limit:
        return None
    w, room = limit.window_seconds, limit.limit - before - amount
    if room >= 0 and previous > 0:  # within this window, once enough of the previous one has slid out
        return max(0.0, w * (1 - room / previous) - elapsed)
    later = w * (1 - (limit.limit - amount) / before) if before > 0 else 0.0  # the next window, this one weighted
    return (w - elapsed) + min(w, max(0.0, later))


@lru_cache(maxsize=4)
def _upsert(dialect: str, table: Table) -> Insert:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table)
    return stmt.on_conflict_do_update(
        index_elements=["scope", "client", "window_start"], set_={"hits": table.c.hits + stmt.excluded.hits}
    ).returning(table.c.hits)


def prune(database_url: str, now: float, keep_seconds: float) -> int:
    """Forget windows that ended more than ``keep_seconds`` ago (none is read after two windows)."""
    with session_for(database_url) as s:
        result = s.exec(delete(RateCount).where(col(RateCount.window_start) < int(now - keep_seconds)))
        s.commit()
        return int(result.rowcount)
