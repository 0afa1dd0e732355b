"""The inbox (通知): the notices addressed to the user's role (and county), newest first; reading one marks it read
for this user, as POST /api/v1/notifications/{id}/read does. Beside it, the user's mobile number for SMS (短信提醒),
kept as PUT /api/v1/me/phone keeps it and shown masked."""

import re

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from db.phones import masked
from services import notifications as inbox_service
from services import phones
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
    return _inbox(request, actor)


def _inbox(request: Request, actor: SignedIn, status: int = 200, given: str = "", error: str = "") -> Response:
    ctx = context_of(request)
    rows, unread = inbox_service.inbox(actor, ctx, unread_only=False, limit=100)
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
    kept = phones.my_phone(actor, ctx)
    phone = {
        "shown": masked(kept.phone) if kept else "",
        "sms": kept.sms if kept else True,
        "given": given,
        "error": error,
        "on": bool(ctx.settings.channels.sms_gateway_url),
    }
    return page(request, "notifications.html", {"items": items, "unread_count": unread, "phone": phone}, status)


@router.post("/notifications/phone")
async def keep_phone(request: Request, actor: SignedIn) -> Response:
    form = await request.form()
    given = str(form.get("phone", "")).strip()
    sms = bool(form.get("sms"))
    ctx = context_of(request)
    try:
        await run_in_threadpool(phones.keep_phone, actor, ctx, given, sms)
    except Refusal as refusal:
        return await run_in_threadpool(_inbox, request, actor, refusal.status, given, refusal.message)
    return RedirectResponse("/notifications#sms", status_code=303)


@router.post("/notifications/phone/forget")
def forget_phone(request: Request, actor: SignedIn) -> Response:
    phones.forget_phone(actor, context_of(request))
    return RedirectResponse("/notifications#sms", status_code=303)


@router.post("/notifications/{notification_id}/read")
def mark_read(request: Request, notification_id: int, actor: SignedIn) -> Response:
    try:
        inbox_service.mark_read(actor, context_of(request), notification_id)
    except Refusal:
        pass  # not theirs (or gone): the inbox again, as for any other
    return RedirectResponse("/notifications", status_code=303)
