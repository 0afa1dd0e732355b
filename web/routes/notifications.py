"""The inbox (通知): the notices addressed to the user's role (and county), newest first; reading one marks it read
for this user, as POST /api/v1/notifications/{id}/read does."""

import re

from fastapi import Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from services import notifications as inbox_service
from services.refusals import Refusal
from web.context import context_of
from web.render import page
from web.routes import page_router
from web.story import chinese_grounds
from web.visitors import SignedIn

router = page_router()
APPLICATION_ID = re.compile(r"^A[0-9a-f]{20}$")


def _lines(body: str) -> list[str]:
    """The body without its 详情 line (an absolute address, which older notices pointed at the API): the page links
    to the application's page itself."""
    return [chinese_grounds(line) for line in body.splitlines() if not line.startswith("详情：")]


@router.get("/notifications")
def notifications(request: Request, actor: SignedIn) -> Response:
    rows, unread = inbox_service.inbox(actor, context_of(request), unread_only=False, limit=100)
    items = [
        {
            "n": n,
            "read_at": read_at,
            "subject": chinese_grounds(n.subject),
            "lines": _lines(n.body),
            "link": f"/applications/{n.application_id}" if APPLICATION_ID.match(n.application_id or "") else None,
        }
        for n, read_at in rows
    ]
    return page(request, "notifications.html", {"items": items, "unread_count": unread})


@router.post("/notifications/{notification_id}/read")
def mark_read(request: Request, notification_id: int, actor: SignedIn) -> Response:
    try:
        inbox_service.mark_read(actor, context_of(request), notification_id)
    except Refusal:
        pass  # not theirs (or gone): the inbox again, as for any other
    return RedirectResponse("/notifications", status_code=303)
