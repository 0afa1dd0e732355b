"""The read model of revocations (撤销): one row per proposal, written only by the revocation workflow's activity
(activities/revocation.py, an upsert by proposal id, so a retried write changes nothing), read by the services for
an application's detail, the departments' 待办, the public list of 撤销公告 and the 名录."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, Session, SQLModel, col, select

from db.session import session_for

OPEN = "pending"  # contracts.revocation.RevocationState's values (db does not import its enum for a column)
REVOKED = "revoked"


class Revocation(SQLModel, table=True):
    __tablename__ = "revocation"

    proposal_id: str = Field(primary_key=True)
    subject_kind: str = Field(index=True)  # application | historic
    subject_id: str = Field(index=True)  # the application's id or the historic title's row id
    level: str
    county: str = Field(index=True)
    institution_name: str
    credit_code: str
    announcement_doc_no: str
    announced_on: date | None = None
    ground: str  # state.domain.RevocationReason's value
    evidence: str
    proposer_id: str
    proposer_name: str
    proposed_at: datetime
    state: str = Field(index=True)  # pending | revoked | declined
    signatures: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    document_no: str | None = None
    decided_on: date | None = None
    document_sha256: str | None = Field(default=None, index=True)


def upsert(database_url: str, row: dict[str, Any]) -> None:
    """Write the proposal as it stands now (the whole row: a repeated write leaves the same row)."""
    with session_for(database_url) as s:
        found = s.get(Revocation, row["proposal_id"])
        if found is None:
            s.add(Revocation(**row))
        else:
            for key, value in row.items():
                setattr(found, key, value)
            s.add(found)
        s.commit()


def latest_for(session: Session, kind: str, subject_id: str) -> Revocation | None:
    """The subject's latest proposal (an open one, or the last that ended)."""
    return session.exec(
        select(Revocation)
        .where(Revocation.subject_kind == kind, Revocation.subject_id == subject_id)
        .order_by(col(Revocation.proposed_at).desc())
        .limit(1)
    ).first()


def revoked_for(session: Session, kind: str, subject_ids: list[str]) -> dict[str, Revocation]:
    """The decisions that revoked these subjects, by subject id."""
    if not subject_ids:
        return {}
    rows = session.exec(
        select(Revocation).where(
            Revocation.subject_kind == kind, col(Revocation.subject_id).in_(subject_ids), Revocation.state == REVOKED
        )
    ).all()
    return {r.subject_id: r for r in rows}


def decided(session: Session) -> list[Revocation]:
    """Every title revoked by a decision, the latest first (the public 撤销公告)."""
    return list(
        session.exec(
            select(Revocation)
            .where(Revocation.state == REVOKED)
            .order_by(col(Revocation.decided_on).desc(), col(Revocation.proposed_at).desc())
        ).all()
    )


def by_document(session: Session, sha256: str) -> Revocation | None:
    return session.exec(select(Revocation).where(Revocation.document_sha256 == sha256)).first()


def is_a_decision(database_url: str, digests: list[str]) -> set[str]:
    """Those of ``digests`` that are a decision's PDF (kept in the blob store beside the uploads)."""
    if not digests:
        return set()
    with session_for(database_url) as s:
        return set(
            d
            for d in s.exec(select(Revocation.document_sha256).where(col(Revocation.document_sha256).in_(digests)))
            if d
        )
