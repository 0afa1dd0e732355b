"""Reads of uploaded files' rows (the bytes are in the blob store)."""

from collections.abc import Sequence

from sqlmodel import Session, col, select

from db.materials import Material


def uploaded_by(session: Session, ids: Sequence[str], owner_user_id: str) -> dict[str, Material]:
    """The uploads among ``ids`` that ``owner_user_id`` made, by id (others' and unknown ids are absent alike)."""
    if not ids:
        return {}
    rows = session.exec(
        select(Material).where(col(Material.id).in_(list(ids)), Material.owner_user_id == owner_user_id)
    ).all()
    return {r.id: r for r in rows}
