"""The application's documents and files for whoever signed in to the pages: the 申报表, the joint 公布文件, the
plaque certificate and a round's 公示名单 as PDF, and the submitted materials (preview and download).

Each calls the API's own route function (api/routes/documents.py, api/routes/materials.py) with the signed-in user,
so the same scope rule holds (another county's application is a 404) and a refusal (e.g. 409 before the
announcement) is said in Chinese on an error page."""

import re
from collections.abc import Awaitable

from starlette.responses import Response

from api.deps import SessionDep, SettingsDep, TemporalClient
from api.routes import documents as api_documents
from api.routes import materials as api_materials
from schemas.fields import ID_PATTERN
from services.refusals import Refusal, not_found
from state.domain import Actor
from web.files import PREVIEWABLE
from web.refusals import PageRefusal
from web.routes import page_router
from web.routes.applications import require_reader, visible_view
from web.visitors import SignedIn

router = page_router()


def _readable(application_id: str, actor: Actor) -> None:
    """What the API's dependencies check before its route runs: a reader (not the admin), a well-formed id. The
    route function then reads the application through the caller's eyes (404 outside their county)."""
    require_reader(actor)
    if not re.match(ID_PATTERN, application_id):
        raise PageRefusal(not_found(application_id))


async def _answer(call: Awaitable[Response], unavailable: str = "") -> Response:
    """The API function's answer; its refusal as a page, a 409 titled with what is not available yet."""
    try:
        return await call
    except Refusal as refusal:
        raise PageRefusal(refusal, unavailable if refusal.status == 409 else "") from None


@router.get("/applications/{application_id}/documents/declaration.pdf")
async def declaration(application_id: str, actor: SignedIn, client: TemporalClient, settings: SettingsDep) -> Response:
    _readable(application_id, actor)
    return await _answer(api_documents.declaration(application_id, actor, client, settings))


@router.get("/applications/{application_id}/documents/approval-sheet.pdf")
async def approval_sheet(
    application_id: str, actor: SignedIn, client: TemporalClient, settings: SettingsDep
) -> Response:
    _readable(application_id, actor)
    return await _answer(api_documents.approval_sheet(application_id, actor, client, settings))


@router.get("/applications/{application_id}/documents/announcement.pdf")
async def announcement(application_id: str, actor: SignedIn, client: TemporalClient, session: SessionDep) -> Response:
    _readable(application_id, actor)
    return await _answer(api_documents.announcement(application_id, actor, client, session), "尚未公布，暂无公布文件")


@router.get("/applications/{application_id}/documents/certificate.pdf")
async def certificate(application_id: str, actor: SignedIn, client: TemporalClient) -> Response:
    _readable(application_id, actor)
    return await _answer(api_documents.certificate(application_id, actor, client), "尚未授牌或称号已撤销，暂无标牌证书")


@router.get("/applications/{application_id}/documents/notice-list.pdf")
async def notice_list(
    application_id: str, actor: SignedIn, client: TemporalClient, session: SessionDep, settings: SettingsDep
) -> Response:
    """The 公示名单 of the round this application was noticed in."""
    view = await visible_view(client, application_id, actor)
    if not view.round_id or view.notice is None:
        raise PageRefusal(Refusal(404, f"application {application_id!r} was not noticed in a round"))
    return await _answer(api_documents.round_notice_list(view.round_id, actor, session, settings))


@router.get("/applications/{application_id}/materials/{material_id}")
async def material(
    application_id: str, material_id: str, actor: SignedIn, client: TemporalClient, settings: SettingsDep
) -> Response:
    _readable(application_id, actor)
    return await _answer(api_materials.application_material(application_id, material_id, actor, client, settings))


@router.get("/applications/{application_id}/materials/{material_id}/preview")
async def preview(
    application_id: str, material_id: str, actor: SignedIn, client: TemporalClient, settings: SettingsDep
) -> Response:
    """The same bytes, shown in the browser: only PDF and images (their type checked at upload, and served with
    nosniff, as the API does); anything else is downloaded as the API serves it."""
    _readable(application_id, actor)
    answer = await _answer(api_materials.application_material(application_id, material_id, actor, client, settings))
    if answer.media_type in PREVIEWABLE:
        disposition = answer.headers["Content-Disposition"]
        answer.headers["Content-Disposition"] = disposition.replace("attachment", "inline", 1)
    return answer
