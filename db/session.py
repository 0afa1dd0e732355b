"""Engines per database URL and the idempotent write activities rely on. The tables are made by db.schema."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Insert, Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, create_engine


@lru_cache
def get_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _wal(dbapi_conn: Any, _record: Any) -> None:  # readers never block the writer
            dbapi_conn.execute("PRAGMA journal_mode=WAL")
            dbapi_conn.execute("PRAGMA synchronous=NORMAL")
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    return engine


@contextmanager
def session_for(url: str) -> Iterator[Session]:
    with Session(get_engine(url)) as session:
        yield session


def insert_ignore(
    session: Session | Connection, model: type[SQLModel], values: dict[str, Any], keys: Sequence[str]
) -> bool:
    """INSERT … ON CONFLICT (keys) DO NOTHING; True when a row was written.

    Told by RETURNING, not by ``rowcount``: on PostgreSQL, SQLAlchemy 2.1 adds an implicit ``RETURNING id`` to
    inserts into tables with an autoincrement key, and psycopg then reports ``rowcount == -1`` whether a row was
    written or not. The statement is built once per table and keys; the values travel as parameters."""
    connection = session.connection() if isinstance(session, Session) else session
    # SQLModel does not declare __table__, which SQLAlchemy's declarative mapping sets on every table model
    table: Table = model.__table__  # type: ignore[attr-defined]
    stmt = _insert_ignore_statement(connection.dialect.name, table, tuple(keys))
    return connection.execute(stmt, values).first() is not None


@lru_cache(maxsize=256)
def _insert_ignore_statement(dialect: str, table: Table, keys: tuple[str, ...]) -> Insert:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=list(keys)).returning(table.c[keys[0]])
