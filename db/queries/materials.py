"""Reads of uploaded files' rows (the bytes are in the blob store)."""

from collections.abc import Sequence

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from db.materials import Material

# Built once (a declaration reads it): the ids and the owner travel as parameters.
_UPLOADED_BY = select(Material).where(
    col(Material.id).in_(bindparam("ids", expanding=True)), Material.owner_user_id == bindparam("owner")
)


def uploaded_by(session: Session, ids: Sequence[str], owner_user_id: str) -> dict[str, Material]:
    """The uploads among ``ids`` that ``owner_user_id`` made, by id (others' and unknown ids are absent alike)."""
    if not ids:
        return {}
    rows = session.exec(_UPLOADED_BY, params={"ids": list(ids), "owner": owner_user_id}).all()
    return {r.id: r for r in rows}
