"""Batches (批次公布) on the pages: the list (and, for the level's owner, the form that forms one), a batch with its applications, signatures, 文号 and document, and the
department's sign button (services/announcements.py decides, as for the API)."""

from fastapi import Path, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from contracts.announcement import AnnouncementView
from schemas.fields import ID_PATTERN
from services import announcements
from services.pdf import PDF
from services.refusals import Refusal
from state.domain import LEVEL_OWNER, Actor, Department, Level, Role
from state.labels import DEPARTMENTS, LEVEL_TITLES, STAGES, department_label
from web.page_context import PageContext
from web.page_router import page_router
from web.refusals import PageRefusal
from web.render import page
from web.visitors import SignedIn

router = page_router()
STATES = {"formed": "待会签", "announced": "已公布"}


def _may_sign(actor: Actor, batch: AnnouncementView) -> bool:
    if actor.role != Role.department or actor.department is None or batch.state != "formed":
        return False
    own_level = actor.county is None if batch.level == Level.city else actor.county == batch.county
    return own_level and all(s.department != actor.department for s in batch.signatures)


def _context(actor: Actor, batch: AnnouncementView) -> dict[str, object]:
    level = batch.level
    return {
        "batch": batch,
        "level_title": LEVEL_TITLES[level],
        "place": batch.county or "全市",
        "state_label": STATES.get(batch.state, ""),
        "stages": STAGES,
        "signed": {s.department: s for s in batch.signatures},
        "departments": [(d, department_label(d, level)) for d in Department],
        "may_sign": _may_sign(actor, batch),
        "left": [m for m in batch.members if m.left],
    }


async def _listing(actor: Actor, ctx: PageContext) -> dict[str, object]:
    return {
        "rows": await announcements.batches(ctx, actor),
        "states": STATES,
        "level_titles": {lv.value: LEVEL_TITLES[lv] for lv in Level},
        "departments": {d.value: DEPARTMENTS[d] for d in Department},
        "candidates": await announcements.candidates(ctx, actor),
        "may_form": actor.role in LEVEL_OWNER.values(),
    }


@router.get("/announcements")
async def batches(request: Request, actor: SignedIn, ctx: PageContext) -> Response:
    return page(request, "announcements.html", await _listing(actor, ctx))


@router.post("/announcements")
async def form_batch(request: Request, actor: SignedIn, ctx: PageContext) -> Response:
    """组成公布批次: the applications ticked on the list page (the level's owner's, notice closed, in no batch)."""
    posted = await request.form()
    ids = [v for v in dict.fromkeys(posted.getlist("applications")) if isinstance(v, str) and v]
    try:
        batch = await announcements.form(ctx, actor, ids)
    except Refusal as refusal:
        context = await _listing(actor, ctx) | {"error": refusal.message}
        return page(request, "announcements.html", context, refusal.status)
    return RedirectResponse(f"/announcements/{batch.announcement_id}", status_code=303)


@router.get("/announcements/{announcement_id}")
async def batch_page(
    request: Request, actor: SignedIn, ctx: PageContext, announcement_id: str = Path(pattern=ID_PATTERN)
) -> Response:
    try:
        batch = await announcements.view(ctx, actor, announcement_id)
    except Refusal as refusal:
        raise PageRefusal(refusal, "公布批次") from None
    return page(request, "announcement.html", _context(actor, batch))


@router.post("/announcements/{announcement_id}/co-signatures")
async def sign(
    request: Request, actor: SignedIn, ctx: PageContext, announcement_id: str = Path(pattern=ID_PATTERN)
) -> Response:
    try:
        batch = await announcements.co_sign(ctx, actor, announcement_id)
    except Refusal as refusal:
        try:
            batch = await announcements.view(ctx, actor, announcement_id)
        except Refusal:
            raise PageRefusal(refusal, "会签公布批次") from None
        return page(request, "announcement.html", _context(actor, batch) | {"error": refusal.message}, refusal.status)
    return RedirectResponse(f"/announcements/{batch.announcement_id}", status_code=303)


@router.get("/announcements/{announcement_id}/document.pdf")
async def document(actor: SignedIn, ctx: PageContext, announcement_id: str = Path(pattern=ID_PATTERN)) -> Response:
    try:
        found = await announcements.document(ctx, actor, announcement_id)
    except Refusal as refusal:
        raise PageRefusal(refusal, "联合公布文件") from None
    return Response(found.content, media_type=PDF, headers=found.headers)
