"""The caller's in-app inbox: notices addressed to their role (and county), each marked read per user."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel
from sqlalchemy import and_
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select

from api.deps import CurrentUser, SessionDep
from api.errors import Refusal, documented
from api.present import local
from db.filing import NotificationRead
from db.models import Notification
from state.domain import Actor, Role

router = APIRouter(prefix="/notifications", tags=["notifications"], responses=documented(401, 403, 404))


class NotificationPublic(BaseModel):
    id: int
    subject: str
    body: str
    about: str | None  # the application id, or the filing workflow id
    recipient_role: Role
    recipient_county: str | None
    created_at: datetime
    read_at: datetime | None


class NotificationPage(BaseModel):
    items: list[NotificationPublic]
    unread: int


def _addressed_to(actor: Actor):
    county = (
        Notification.recipient_county == actor.county if actor.county else col(Notification.recipient_county).is_(None)
    )
    return and_(Notification.recipient_role == actor.role, county)


def _public(n: Notification, read_at: datetime | None) -> NotificationPublic:
    return NotificationPublic(
        id=n.id,  # type: ignore[arg-type]
        subject=n.subject,
        body=n.body,
        about=n.application_id or None,
        recipient_role=n.recipient_role,
        recipient_county=n.recipient_county,
        created_at=local(n.created_at),
        read_at=local(read_at) if read_at else None,
    )


@router.get(
    "", response_model=NotificationPage, summary="The caller's notifications, newest first", responses=documented(401)
)
def inbox(
    actor: CurrentUser,
    session: SessionDep,
    unread_only: Annotated[bool, Query(alias="unread")] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> NotificationPage:
    joined = and_(NotificationRead.notification_id == Notification.id, NotificationRead.user_id == actor.user_id)
    query = (
        select(Notification, NotificationRead.read_at)
        .join(NotificationRead, joined, isouter=True)  # type: ignore[arg-type]
        .where(_addressed_to(actor))
    )
    unread_filter = col(NotificationRead.id).is_(None)
    unread = session.exec(select(func.count()).select_from(query.where(unread_filter).subquery())).one()
    if unread_only:
        query = query.where(unread_filter)
    rows = session.exec(
        query.order_by(col(Notification.created_at).desc(), col(Notification.id).desc()).limit(limit)
    ).all()
    return NotificationPage(items=[_public(n, read_at) for n, read_at in rows], unread=unread)


@router.post(
    "/{notification_id}/read",
    response_model=NotificationPublic,
    summary="Mark one of the caller's notifications read (repeating it changes nothing)",
    responses=documented(401, 404),
)
def mark_read(
    notification_id: Annotated[int, Path(ge=1, le=2**62)], actor: CurrentUser, session: SessionDep
) -> NotificationPublic:
    n = session.exec(select(Notification).where(Notification.id == notification_id, _addressed_to(actor))).first()
    if n is None:
        raise Refusal(404, f"notification {notification_id} not found")
    existing = session.exec(
        select(NotificationRead).where(
            NotificationRead.notification_id == notification_id, NotificationRead.user_id == actor.user_id
        )
    ).first()
    if existing is None:
        existing = NotificationRead(notification_id=notification_id, user_id=actor.user_id, read_at=datetime.now(UTC))
        session.add(existing)
        try:
            session.commit()
        except IntegrityError:  # the same user marking it twice at once: the other call's mark stands
            session.rollback()
            existing = session.exec(
                select(NotificationRead).where(
                    NotificationRead.notification_id == notification_id, NotificationRead.user_id == actor.user_id
                )
            ).one()
    return _public(n, existing.read_at)
