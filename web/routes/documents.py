"""The application's documents and files for whoever signed in to the pages: the 申报表, the joint 公布文件, the
plaque certificate and a round's 公示名单 as PDF, and the submitted materials (preview and download).

Each calls the service the API calls (services/documents.py, services/materials.py) with the signed-in user, so the
same scope rule holds (another county's application is a 404) and a refusal (e.g. 409 before the announcement) is
said in its own Chinese words on an error page."""

import re
from collections.abc import Awaitable
from typing import TypeVar

from starlette.responses import Response

from schemas.fields import ID_PATTERN
from services import documents, materials
from services.access import not_found
from services.materials import MaterialFile
from services.pdf import PDF, Pdf
from services.refusals import Refusal
from state.domain import Actor
from web.files import PREVIEWABLE
from web.page_context import PageContext
from web.page_router import page_router
from web.refusals import PageRefusal
from web.routes.applications import require_reader
from web.visitors import SignedIn

router = page_router()
T = TypeVar("T")


def _readable(application_id: str, actor: Actor) -> None:
    """What the API's dependencies check before its route runs: a reader (not the admin), a well-formed id. The
    route function then reads the application through the caller's eyes (404 outside their county)."""
    require_reader(actor)
    if not re.match(ID_PATTERN, application_id):
        raise PageRefusal(not_found(application_id))


async def _answer(call: Awaitable[T], unavailable: str = "") -> T:
    """The service's answer; its refusal as a page, a 409 titled with what is not available yet."""
    try:
        return await call
    except Refusal as refusal:
        raise PageRefusal(refusal, unavailable if refusal.status == 409 else "") from None


def _pdf(pdf: Pdf) -> Response:
    return Response(pdf.content, media_type=PDF, headers=pdf.headers)


def _file(found: MaterialFile) -> Response:
    return Response(found.data, media_type=found.content_type, headers=found.headers)


@router.get("/applications/{application_id}/documents/declaration.pdf")
async def declaration(application_id: str, actor: SignedIn, ctx: PageContext) -> Response:
    _readable(application_id, actor)
    return _pdf(await _answer(documents.declaration(ctx, actor, application_id)))


@router.get("/applications/{application_id}/documents/approval-sheet.pdf")
async def approval_sheet(application_id: str, actor: SignedIn, ctx: PageContext) -> Response:
    _readable(application_id, actor)
    return _pdf(await _answer(documents.approval_sheet(ctx, actor, application_id)))


@router.get("/applications/{application_id}/documents/announcement.pdf")
async def announcement(application_id: str, actor: SignedIn, ctx: PageContext) -> Response:
    _readable(application_id, actor)
    return _pdf(await _answer(documents.announcement(ctx, actor, application_id), "尚未公布，暂无公布文件"))


@router.get("/applications/{application_id}/documents/certificate.pdf")
async def certificate(application_id: str, actor: SignedIn, ctx: PageContext) -> Response:
    _readable(application_id, actor)
    return _pdf(await _answer(documents.certificate(ctx, actor, application_id), "尚未授牌或称号已撤销，暂无奖牌证书"))


@router.get("/applications/{application_id}/documents/notice-list.pdf")
async def notice_list(application_id: str, actor: SignedIn, ctx: PageContext) -> Response:
    """The 公示名单 of the round this application was noticed in."""
    _readable(application_id, actor)
    return _pdf(await _answer(documents.application_notice_list(ctx, actor, application_id)))


@router.get("/applications/{application_id}/materials/{material_id}")
async def material(application_id: str, material_id: str, actor: SignedIn, ctx: PageContext) -> Response:
    _readable(application_id, actor)
    return _file(await _answer(materials.material_file(ctx, actor, application_id, material_id)))


@router.get("/applications/{application_id}/materials/{material_id}/preview")
async def preview(application_id: str, material_id: str, actor: SignedIn, ctx: PageContext) -> Response:
    """The same bytes, shown in the browser: only PDF and images (their type checked at upload, and served with
    nosniff, as the API does); anything else is downloaded as the API serves it."""
    _readable(application_id, actor)
    found = await _answer(materials.material_file(ctx, actor, application_id, material_id))
    if found.content_type in PREVIEWABLE:
        disposition = found.headers["Content-Disposition"].replace("attachment", "inline", 1)
        found = MaterialFile(found.data, found.content_type, {**found.headers, "Content-Disposition": disposition})
    return _file(found)
