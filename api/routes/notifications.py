"""The caller's in-app inbox: notices addressed to their role (and county), each marked read per user."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from api.deps import CurrentUser, ServiceContext
from api.errors import documented
from db.models import Notification
from services import notifications as inbox_service
from services.present import local
from state.domain import Role

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


def _public(n: Notification, read_at: datetime | None) -> NotificationPublic:
    return NotificationPublic(
        id=n.id,
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
    ctx: ServiceContext,
    unread_only: Annotated[bool, Query(alias="unread")] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> NotificationPage:
    rows, unread = inbox_service.inbox(actor, ctx, unread_only, limit)
    return NotificationPage(items=[_public(n, read_at) for n, read_at in rows], unread=unread)


@router.post(
    "/{notification_id}/read",
    response_model=NotificationPublic,
    summary="Mark one of the caller's notifications read (repeating it changes nothing)",
    responses=documented(401, 404),
)
def mark_read(
    notification_id: Annotated[int, Path(ge=1, le=2**62)], actor: CurrentUser, ctx: ServiceContext
) -> NotificationPublic:
    return _public(*inbox_service.mark_read(actor, ctx, notification_id))
