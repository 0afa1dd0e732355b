"""The procedure's printable documents as PDF (services/documents.py): the 申报表, the 审批单, the joint 公布文件, the
plaque certificate, and the 公示名单 of the notice board or of a round. Readable by whoever may read the application
(same 404 rule). The 申报表's draft, before declaring, is a county bureau's (services/drafts.py)."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path
from fastapi.responses import Response

from api.deps import ApplicationId, CityParameter, CountyBureau, Reader, ServiceContext, Today
from api.errors import CONDITION_RULES, documented
from schemas.fields import ID_PATTERN
from schemas.models import DeclarationCreate
from services import documents, drafts
from services.pdf import PDF, Pdf

# A PDF answers 200 (documented as such, not as JSON); refusals are JSON as everywhere.
ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"description": "the PDF", "content": {PDF: {"schema": {"type": "string", "format": "binary"}}}}
}
router = APIRouter(tags=["documents"], responses={**ANSWERS, **documented(401, 404)}, default_response_class=Response)
# The answers of a route that serves a PDF; its decorator also gives response_class=Response.
PDF_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {PDF: {}}, "description": "the document (PDF)"}}
RoundId = Annotated[str, Path(pattern=ID_PATTERN, description="the round id")]


def served(pdf: Pdf) -> Response:
    return Response(pdf.content, media_type=PDF, headers=pdf.headers)


@router.get(
    "/applications/{application_id}/documents/declaration.pdf",
    summary="申报表 (Attachment 2)",
    response_class=Response,
    responses={**PDF_RESPONSES, **documented(403, 503)},
)
async def declaration(application_id: ApplicationId, actor: Reader, ctx: ServiceContext) -> Response:
    return served(await documents.declaration(ctx, actor, application_id))


@router.post(
    "/documents/declaration-draft.pdf",
    summary="申报表 before declaring (草稿, 待盖章): the declaration's body, judged as declaring it would be, no files",
    response_class=Response,
    responses={
        **PDF_RESPONSES,
        **documented(
            403,
            rules={
                422: (
                    *CONDITION_RULES,
                    "county_title_not_on_record",
                    "county_title_mismatch",
                    "unknown_county",
                    "attestation_missing",
                )
            },
        ),
    },
)
async def declaration_draft(
    body: Annotated[DeclarationCreate, Body()], actor: CountyBureau, ctx: ServiceContext, day: Today
) -> Response:
    """Nothing is started or stored: the draft is printed, sealed and signed, then uploaded as the checklist's
    申报表 when declaring (which gives the 申报编号)."""
    return served(await drafts.declaration_draft(ctx, actor, body, day))


@router.get(
    "/applications/{application_id}/documents/approval-sheet.pdf",
    summary="审批单: the facts, every act and opinion (who, role, unit, when), the notice, objections, documents",
    response_class=Response,
    responses={**PDF_RESPONSES, **documented(403, 503)},
)
async def approval_sheet(application_id: ApplicationId, actor: Reader, ctx: ServiceContext) -> Response:
    return served(await documents.approval_sheet(ctx, actor, application_id))


@router.get(
    "/applications/{application_id}/documents/announcement.pdf",
    summary="The joint 公布文件 that announced this application (shared by its batch)",
    response_class=Response,
    responses={200: PDF_RESPONSES[200], **documented(403, 409, 503, rules={409: ("not_announced",)})},
)
async def announcement(application_id: ApplicationId, actor: Reader, ctx: ServiceContext) -> Response:
    return served(await documents.announcement(ctx, actor, application_id))


@router.get(
    "/applications/{application_id}/documents/certificate.pdf",
    summary="The plaque certificate (Attachment 3 style)",
    response_class=Response,
    responses={200: PDF_RESPONSES[200], **documented(403, 409, 503, rules={409: ("no_plaque",)})},
)
async def certificate(application_id: ApplicationId, actor: Reader, ctx: ServiceContext) -> Response:
    return served(await documents.certificate(ctx, actor, application_id))


@router.get(
    "/public/notices.pdf",
    summary="公示名单 of everything under notice now, one 公示 per issuing organ (no account needed)",
    response_class=Response,
    responses={**PDF_RESPONSES, **documented(404, rules={404: ("no_notice_now", "city_unknown")})},
)
async def notices_pdf(ctx: ServiceContext, city: CityParameter = "") -> Response:
    return served(await documents.notices(ctx, city))


@router.get(
    "/rounds/{round_id}/documents/notice-list.pdf",
    summary="公示名单 of one round",
    response_class=Response,
    responses={**PDF_RESPONSES, **documented(403)},
)
async def round_notice_list(round_id: RoundId, _: Reader, ctx: ServiceContext) -> Response:
    return served(await documents.round_notice_list(ctx, round_id))
