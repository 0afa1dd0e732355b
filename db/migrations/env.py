"""Alembic's entry point. db.schema runs it with the connection it holds the migration lock on."""

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

from db.tables import metadata


def render_item(kind: str, obj: Any, _context: AutogenContext) -> str | Literal[False]:
    """sqlmodel's column types written as plain SQLAlchemy ones, so a migration does not depend on sqlmodel."""
    if kind == "type" and isinstance(obj, AutoString):
        return "sa.String()" if obj.length is None else f"sa.String(length={obj.length})"
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=metadata,
    render_as_batch=True,  # SQLite alters a table by copying it; batch operations do that (and plain ALTER elsewhere)
    render_item=render_item,
)
with context.begin_transaction():
    context.run_migrations()
