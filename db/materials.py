"""Uploaded files (申报材料, evidence): one row per upload, the bytes kept by a ``storage.BlobStore`` under their
SHA-256. An upload belongs to whoever uploaded it; it is unreferenced until an act first attaches it (``claim``),
and an unreferenced upload expires (``expire_unreferenced``)."""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import Index, delete, update
from sqlmodel import Field, SQLModel, col, select

from db.session import session_for
from state.domain import Actor
from storage import BlobStore, digest


class Material(SQLModel, table=True):
    __tablename__ = "material"
    __table_args__ = (Index("ix_material_unreferenced", "application_id", "uploaded_at"),)

    id: str = Field(primary_key=True)
    sha256: str = Field(index=True)
    size: int
    content_type: str  # told by the file's bytes: application/pdf, image/jpeg, image/png
    filename: str  # as the uploader named it (a base name, cleaned)
    purpose: str = "declaration"  # declaration | objection_evidence | revocation_evidence
    owner_user_id: str = Field(index=True)
    owner_name: str
    owner_county: str | None = None
    uploaded_at: datetime
    # The first application an act attached it to; None: unreferenced (it expires).
    application_id: str | None = None


def record_upload(database_url: str, material: Material) -> Material:
    """Keep the row (once its bytes are kept: a row never names bytes that are not there)."""
    with session_for(database_url) as s:
        s.add(material)
        s.commit()
        s.refresh(material)
        return material


def keep_upload(
    database_url: str,
    store: BlobStore,
    data: bytes,
    content_type: str,
    filename: str,
    owner: Actor,
    purpose: str = "declaration",
) -> Material:
    """Keep an upload whose type was told by its bytes: its bytes, durably, then its row. A process killed between
    the two leaves bytes no row names, which the sweep takes (``expire_unreferenced`` spares bytes put within
    half the expiry, so it cannot take them from under a row about to be written)."""
    store.put(data)
    return record_upload(
        database_url,
        Material(
            id="M" + uuid.uuid4().hex[:20],
            sha256=digest(data),
            size=len(data),
            content_type=content_type,
            filename=filename,
            purpose=purpose,
            owner_user_id=owner.user_id,
            owner_name=owner.name,
            owner_county=owner.county,
            uploaded_at=datetime.now(UTC),
        ),
    )


def claim(database_url: str, ids: Sequence[str], owner_user_id: str, application_id: str) -> list[Material]:
    """Mark the caller's uploads ``ids`` as referenced by ``application_id`` (those not yet referenced) and return
    every one of them that still exists. Done before the act is sent, so an upload cannot expire under it."""
    if not ids:
        return []
    with session_for(database_url) as s:
        s.exec(
            update(Material)
            .where(
                col(Material.id).in_(ids),
                col(Material.owner_user_id) == owner_user_id,
                col(Material.application_id).is_(None),
            )
            .values(application_id=application_id)
        )
        s.commit()
        rows = s.exec(select(Material).where(col(Material.id).in_(ids), Material.owner_user_id == owner_user_id)).all()
        return list(rows)


def expire_unreferenced(database_url: str, store: BlobStore, now: datetime, older_than: timedelta) -> int:
    """Delete uploads no act has attached that are older than ``older_than``, and the bytes no other row keeps.
    Returns how many uploads expired. Safe to run from several processes at once."""
    cutoff = now - older_than
    expired = (
        col(Material.application_id).is_(None),
        col(Material.uploaded_at) < cutoff,
    )
    with session_for(database_url) as s:
        rows = s.exec(select(Material.id, Material.sha256).where(*expired).limit(1000)).all()
        if not rows:
            return 0
        ids = [r[0] for r in rows]
        # Conditional: an upload claimed since it was read stays.
        s.exec(delete(Material).where(col(Material.id).in_(ids), *expired))
        s.commit()
        digests = {r[1] for r in rows}
        kept = set(s.exec(select(Material.sha256).where(col(Material.sha256).in_(digests))).all())
    for sha256 in digests - kept:
        store.delete(sha256, unless_newer_than=older_than.total_seconds() / 2)
    return len(ids)


def drop_rows_without_bytes(database_url: str, store: BlobStore, uploaded_before: datetime) -> int:
    """Delete the unreferenced uploads (uploaded before ``uploaded_before``) whose bytes the store does not have,
    as a process killed between row and bytes left them when rows came first. Returns how many went. (No act
    can name such an upload: its uploader never got its id.)"""
    dropped, after = 0, ""
    while True:
        with session_for(database_url) as s:
            rows = s.exec(
                select(Material.id, Material.sha256)
                .where(
                    col(Material.application_id).is_(None),
                    col(Material.uploaded_at) < uploaded_before,
                    col(Material.id) > after,
                )
                .order_by(col(Material.id))
                .limit(500)
            ).all()
        if not rows:
            return dropped
        after = rows[-1][0]
        orphans = [i for i, sha256 in rows if not store.exists(sha256)]
        if orphans:
            with session_for(database_url) as s:
                result = s.exec(
                    delete(Material).where(col(Material.id).in_(orphans), col(Material.application_id).is_(None))
                )
                s.commit()
                dropped += int(result.rowcount)


def unnamed(database_url: str, digests: Sequence[str]) -> set[str]:
    """Those of ``digests`` no upload names (nor a revocation decision, whose PDF the same store keeps)."""
    from db.revocations import is_a_decision

    with session_for(database_url) as s:
        named = set(s.exec(select(Material.sha256).where(col(Material.sha256).in_(digests))).all())
    return set(digests) - named - is_a_decision(database_url, list(digests))
