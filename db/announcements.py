"""The read model of batches (批次公布): each batch, and the applications it announces. Written only by the batch's
activity (activities/announcement.py ``project_announcement``), idempotently: a batch is written whole each time."""

from datetime import date, datetime

from sqlalchemy import delete
from sqlmodel import Field, Session, SQLModel, col, select

from contracts.announcement import AnnouncementView
from db.session import get_engine


class Announcement(SQLModel, table=True):
    __tablename__ = "announcement"

    id: str = Field(primary_key=True)
    level: str
    county: str | None = None
    round_id: str = ""
    state: str  # formed, announced
    document_no: str | None = None
    sha256: str | None = None  # the stored 公布文件, once the third department signed
    signed_on: date | None = None
    signed_departments: str = ""  # the departments that signed, in order, comma-separated
    formed_at: datetime | None = None


class AnnouncementMember(SQLModel, table=True):
    __tablename__ = "announcement_member"

    announcement_id: str = Field(primary_key=True)
    application_id: str = Field(primary_key=True, index=True)
    position: int
    institution_name: str
    county: str
    left: bool = False  # rejected or withdrawn meanwhile: not announced by this batch


def write_announcement(database_url: str, view: AnnouncementView) -> None:
    with Session(get_engine(database_url)) as s:
        s.merge(
            Announcement(
                id=view.announcement_id,
                level=view.level.value,
                county=view.county,
                round_id=view.round_id,
                state=view.state,
                document_no=view.document_no,
                sha256=view.sha256,
                signed_on=view.signed_on,
                signed_departments=",".join(sig.department.value for sig in view.signatures),
                formed_at=view.formed_at,
            )
        )
        s.execute(delete(AnnouncementMember).where(col(AnnouncementMember.announcement_id) == view.announcement_id))
        for i, m in enumerate(view.members):
            s.add(
                AnnouncementMember(
                    announcement_id=view.announcement_id,
                    application_id=m.application_id,
                    position=i,
                    institution_name=m.institution_name,
                    county=m.county,
                    left=m.left,
                )
            )
        s.commit()


def batch_of(session: Session, application_id: str) -> Announcement | None:
    """The batch an application is in (not one it left)."""
    return session.exec(
        select(Announcement)
        .join(AnnouncementMember, col(AnnouncementMember.announcement_id) == col(Announcement.id))
        .where(AnnouncementMember.application_id == application_id, col(AnnouncementMember.left).is_(False))
    ).first()


def listing(session: Session) -> list[Announcement]:
    """Every batch, newest first."""
    return list(session.exec(select(Announcement).order_by(col(Announcement.formed_at).desc())).all())


def batched(session: Session, application_ids: list[str]) -> set[str]:
    """Those of ``application_ids`` that are in a batch (and did not leave it)."""
    if not application_ids:
        return set()
    query = select(AnnouncementMember.application_id).where(
        col(AnnouncementMember.application_id).in_(application_ids), col(AnnouncementMember.left).is_(False)
    )
    return set(session.exec(query).all())


def counts(session: Session, announcement_ids: list[str]) -> dict[str, int]:
    """How many applications each batch announces (those that left it not counted)."""
    found: dict[str, int] = {}
    if announcement_ids:
        query = select(AnnouncementMember.announcement_id).where(
            col(AnnouncementMember.announcement_id).in_(announcement_ids), col(AnnouncementMember.left).is_(False)
        )
        for announcement_id in session.exec(query).all():
            found[announcement_id] = found.get(announcement_id, 0) + 1
    return found
