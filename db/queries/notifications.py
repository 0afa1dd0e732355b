"""The in-app inbox: notices addressed to a user's role (and county) in their city, each marked read per user. A
notice about an application is its city's; any other (a county's filing) the deployment's. A province-level
account (no city) reads every city's."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from db.filing import NotificationRead
from db.models import Application, Notification
from regions.catalog import DEPLOYMENT
from state.domain import Actor, Role


def _addressed_to(actor: Actor) -> Any:
    county = (
        col(Notification.recipient_county) == actor.county
        if actor.county
        else col(Notification.recipient_county).is_(None)
    )
    addressed = and_(col(Notification.recipient_role) == actor.role, county)
    city = actor.city or (None if actor.role in (Role.supervisor, Role.admin) else DEPLOYMENT.name)
    if city is None:
        return addressed
    of_application = select(Application.city).where(col(Application.id) == col(Notification.application_id))
    found = of_application.scalar_subquery()
    in_city = or_(found == city, ~of_application.exists()) if city == DEPLOYMENT.name else found == city
    return and_(addressed, in_city)


def inbox(
    session: Session, actor: Actor, unread_only: bool, limit: int
) -> tuple[list[tuple[Notification, datetime | None]], int]:
    """The newest ``limit`` notices for ``actor`` (each with when this user read it), and how many are unread."""
    joined = and_(
        col(NotificationRead.notification_id) == col(Notification.id), col(NotificationRead.user_id) == actor.user_id
    )
    query = (
        select(Notification, NotificationRead.read_at)
        .join(NotificationRead, joined, isouter=True)
        .where(_addressed_to(actor))
    )
    unread_filter = col(NotificationRead.id).is_(None)
    unread = session.exec(select(func.count()).select_from(query.where(unread_filter).subquery())).one()
    if unread_only:
        query = query.where(unread_filter)
    rows = session.exec(
        query.order_by(col(Notification.created_at).desc(), col(Notification.id).desc()).limit(limit)
    ).all()
    return [(n, read_at) for n, read_at in rows], unread


def addressed(session: Session, actor: Actor, notification_id: int) -> Notification | None:
    return session.exec(select(Notification).where(Notification.id == notification_id, _addressed_to(actor))).first()


def _read(session: Session, actor: Actor, notification_id: int) -> NotificationRead | None:
    return session.exec(
        select(NotificationRead).where(
            NotificationRead.notification_id == notification_id, NotificationRead.user_id == actor.user_id
        )
    ).first()


def mark_read(session: Session, actor: Actor, notification_id: int) -> datetime:
    """Record that ``actor`` read the notice (the one write the API makes to the database itself: a user's own
    reading mark, not part of any procedure); repeating it changes nothing. Returns when it was first read."""
    existing = _read(session, actor, notification_id)
    if existing is None:
        session.add(NotificationRead(notification_id=notification_id, user_id=actor.user_id, read_at=datetime.now(UTC)))
        try:
            session.commit()
        except IntegrityError:  # the same user marking it twice at once: the other call's mark stands
            session.rollback()
        existing = _read(session, actor, notification_id)
    assert existing is not None
    return existing.read_at
