"""The caller's in-app inbox: notices addressed to their role (and county), each marked read per user. Under both
api/routes/notifications.py and web/routes/notifications.py."""

from datetime import datetime

from contracts.rules.administration import NOTIFICATION_NOT_FOUND
from db.models import Notification
from db.queries import notifications as inbox_queries
from services.context import Context
from services.refusals import Refusal
from state.domain import Actor


def inbox(
    actor: Actor, ctx: Context, unread_only: bool = False, limit: int = 50
) -> tuple[list[tuple[Notification, datetime | None]], int]:
    """The caller's notifications, newest first, each with when they read it; and how many are unread."""
    with ctx.session() as s:
        return inbox_queries.inbox(s, actor, unread_only, limit)


def mark_read(actor: Actor, ctx: Context, notification_id: int) -> tuple[Notification, datetime | None]:
    """Mark one of the caller's notifications read (repeating it changes nothing); 404 for one not theirs."""
    with ctx.session() as s:
        n = inbox_queries.addressed(s, actor, notification_id)
        if n is None:
            raise Refusal(404, NOTIFICATION_NOT_FOUND, notification_id=notification_id)
        read_at = inbox_queries.mark_read(s, actor, notification_id)
        s.refresh(n)  # loaded before the session closes: the caller reads it after
        s.expunge(n)
        return n, read_at
