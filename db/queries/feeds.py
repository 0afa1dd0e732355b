"""Reads for the bureau's website (services/feeds.py): the notices as they were published, the batches announced,
the revocations decided, each the latest first and bounded. Only what the public documents print is read: names of
institutions, their type and county, dates and 文号 — never the institution's record (contacts) nor any person."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import case, literal
from sqlmodel import Session, col, func, select

from db.announcements import Announcement, AnnouncementMember
from db.models import Application, ApplicationEvent
from db.revocations import REVOKED, Revocation
from state.domain import Act, InstitutionType, Level

ANNOUNCED = "announced"  # workflows.announcement.ANNOUNCED (db does not import workflows)


def _aware(moment: datetime | None) -> datetime | None:
    """The read model hands back naive UTC datetimes on SQLite."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


@dataclass(frozen=True)
class Listed:
    """One institution as a public document lists it."""

    name: str
    institution_type: InstitutionType
    county: str


@dataclass(frozen=True)
class NoticeRow:
    """An application as its notice published it, and when the notice was recorded here."""

    level: Level
    county: str
    published_on: date
    first_day: date | None
    last_day: date | None
    institution: Listed
    publicized_at: datetime | None


_ORGAN = case((col(Application.level) == Level.city, literal("")), else_=col(Application.county))


def published_notices(session: Session, limit: int) -> list[NoticeRow]:
    """The applications of the ``limit`` latest notices (one per issuing organ and day of publication), whatever
    became of them since: a notice as it was published."""
    keys = session.exec(
        select(col(Application.level), _ORGAN, col(Application.notice_published_on))
        .where(col(Application.notice_published_on).is_not(None))
        .distinct()
        .order_by(col(Application.notice_published_on).desc(), col(Application.level), _ORGAN)
        .limit(limit)
    ).all()
    wanted = {(Level(level), organ, day) for level, organ, day in keys}
    if not wanted:
        return []
    publicized = (
        select(ApplicationEvent.application_id, func.max(ApplicationEvent.at).label("at"))
        .where(ApplicationEvent.act == Act.publicize)
        .group_by(col(ApplicationEvent.application_id))
        .subquery()
    )
    columns: tuple[Any, ...] = (
        Application.level,
        Application.county,
        Application.notice_published_on,
        Application.notice_first_day,
        Application.notice_last_day,
        Application.institution_name,
        Application.institution_type,
        publicized.c.at,
    )
    earliest = min(day for _, _, day in wanted if day is not None)
    rows = session.exec(
        select(*columns)
        .join(publicized, publicized.c.application_id == col(Application.id), isouter=True)
        .where(col(Application.notice_published_on) >= earliest)
        .order_by(col(Application.institution_name))
    ).all()
    found = []
    for level, county, published_on, first, last, name, kind, at in rows:
        organ = "" if level == Level.city else county
        if (Level(level), organ, published_on) in wanted:
            listed = Listed(name, InstitutionType(kind), county)
            found.append(NoticeRow(Level(level), organ, published_on, first, last, listed, _aware(at)))
    return found


@dataclass(frozen=True)
class Batch:
    """A batch whose joint 公布文件 was signed by its third department: what it announced, and when."""

    id: str
    level: Level
    county: str
    document_no: str
    signed_on: date | None
    announced_at: datetime | None
    has_document: bool
    institutions: list[Listed]


def announced_batches(session: Session, limit: int) -> list[Batch]:
    """The ``limit`` latest batches announced, each with the institutions it announced (not those that left it) and
    the moment of its announcement (its members' announcing act)."""
    batches = session.exec(
        select(Announcement)
        .where(Announcement.state == ANNOUNCED, col(Announcement.document_no).is_not(None))
        .order_by(col(Announcement.signed_on).desc(), col(Announcement.formed_at).desc())
        .limit(limit)
    ).all()
    members: dict[str, list[tuple[int, Listed, str]]] = {}
    if batches:
        members_of: tuple[Any, ...] = (
            AnnouncementMember.announcement_id,
            AnnouncementMember.position,
            Application.id,
            Application.institution_name,
            Application.institution_type,
            Application.county,
        )
        query = (
            select(*members_of)
            .join(Application, col(Application.id) == col(AnnouncementMember.application_id))
            .where(
                col(AnnouncementMember.announcement_id).in_([b.id for b in batches]),
                col(AnnouncementMember.left).is_(False),
            )
        )
        for batch_id, position, application_id, name, kind, county in session.exec(query).all():
            member = Listed(name, InstitutionType(kind), county)
            members.setdefault(batch_id, []).append((position, member, application_id))
    every = [a for listed in members.values() for _, _, a in listed]
    moments = session.exec(
        select(ApplicationEvent.application_id, func.max(ApplicationEvent.at))
        .where(
            col(ApplicationEvent.application_id).in_(every),
            col(ApplicationEvent.act).in_([Act.announce, Act.co_sign]),
            col(ApplicationEvent.state_after) == ANNOUNCED,
        )
        .group_by(col(ApplicationEvent.application_id))
    ).all()
    announced_at = {a: _aware(at) for a, at in moments}
    out = []
    for b in batches:
        ordered = sorted(members.get(b.id, []), key=lambda m: m[0])
        times = [t for _, _, a in ordered if (t := announced_at.get(a)) is not None]
        out.append(
            Batch(
                id=b.id,
                level=Level(b.level),
                county=b.county or "",
                document_no=b.document_no or "",
                signed_on=b.signed_on,
                announced_at=max(times, default=None),
                has_document=b.sha256 is not None,
                institutions=[m for _, m, _ in ordered],
            )
        )
    return out


def decided_revocations(session: Session, limit: int) -> list[Revocation]:
    """The ``limit`` latest revocations decided (the public 撤销公告's)."""
    return list(
        session.exec(
            select(Revocation)
            .where(Revocation.state == REVOKED, col(Revocation.document_no).is_not(None))
            .order_by(col(Revocation.decided_on).desc(), col(Revocation.proposed_at).desc())
            .limit(limit)
        ).all()
    )
