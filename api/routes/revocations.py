"""Revocation (撤销) as the issuing organs' decision (services/revocations.py): an inspector proposes on one of the
notice's five grounds (202: nothing is revoked yet), the three departments of the level that announced the title each
sign or decline once, and the third signature issues the 撤销决定 (a 文号 from the register, the PDF kept as
rendered) and revokes the title. The same for a title imported from before the system (/historic-titles/{id}).
The public list of 撤销公告 and each decision's PDF need no account."""

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import Response

from api.deps import ApplicationId, DepartmentUser, Inspector, Reader, ServiceContext
from api.errors import ON_ACT, documented
from contracts.revocation import SubjectKind
from schemas.fields import ID_PATTERN
from schemas.models import RevocationCreate
from schemas.revocations import PublicRevocations, RevocationPublic, RevocationSignCreate
from services import revocations
from services.pdf import PDF, Pdf

router = APIRouter(tags=["revocations"])
HistoricId = Annotated[str, Path(pattern=r"^[0-9]{1,18}$", description="the imported historic title's id")]
ProposalId = Annotated[str, Path(pattern=ID_PATTERN, description="the proposal's id")]
PDF_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {PDF: {}}, "description": "the 撤销决定 (PDF) as issued; ETag: its SHA-256"}
}
ON_PROPOSAL = documented(
    *ON_ACT, 422, rules={409: ("revocation_already_proposed", "act_not_allowed", "revocation_title_revoked")}
)
ON_SIGNATURE = documented(
    *ON_ACT,
    422,
    rules={
        403: ("revocation_signer_level", "co_sign_level", "act_for_role", "revocation_not_a_decider"),
        409: ("revocation_signed_twice", "revocation_none_open"),
        422: ("revocation_decline_reason",),
    },
)


def _pdf(pdf: Pdf) -> Response:
    return Response(pdf.content, media_type=PDF, headers=pdf.headers)


# ---- an application's title ------------------------------------------------------------------------------
@router.post(
    "/applications/{application_id}/revocation",
    status_code=202,
    response_model=RevocationPublic,
    summary="Propose to revoke the title (撤销提议); revoked once the three departments have signed",
    responses=ON_PROPOSAL,
)
async def propose(
    application_id: ApplicationId, body: RevocationCreate, actor: Inspector, ctx: ServiceContext
) -> RevocationPublic:
    return await revocations.propose(ctx, actor, application_id, body.reason, body.evidence, body.files)


@router.get(
    "/applications/{application_id}/revocation",
    response_model=RevocationPublic,
    summary="The application's latest revocation proposal",
    responses=documented(401, 403, 404, 503),
)
async def proposal(application_id: ApplicationId, actor: Reader, ctx: ServiceContext) -> RevocationPublic:
    return await revocations.of_subject(ctx, actor, SubjectKind.application, application_id)


@router.post(
    "/applications/{application_id}/revocation/co-signatures",
    response_model=RevocationPublic,
    summary="Sign or decline the revocation (会签); the third signature revokes, a decline ends the proposal",
    responses=ON_SIGNATURE,
)
async def co_sign(
    application_id: ApplicationId, body: RevocationSignCreate, actor: DepartmentUser, ctx: ServiceContext
) -> RevocationPublic:
    signed = body.decision == "sign"
    return await revocations.co_sign(ctx, actor, SubjectKind.application, application_id, signed, body.reason)


@router.get(
    "/applications/{application_id}/revocation/document.pdf",
    response_class=Response,
    summary="The 撤销决定 as issued (ETag: its SHA-256)",
    responses={**PDF_RESPONSES, **documented(401, 403, 404, 503)},
)
async def document(application_id: ApplicationId, actor: Reader, ctx: ServiceContext) -> Response:
    return _pdf(await revocations.document(ctx, actor, SubjectKind.application, application_id))


# ---- a historic title (imported from before the system) --------------------------------------------------
@router.post(
    "/historic-titles/{title_id}/revocation",
    status_code=202,
    response_model=RevocationPublic,
    summary="Propose to revoke an imported historic title (撤销提议)",
    responses=ON_PROPOSAL,
)
async def propose_historic(
    title_id: HistoricId, body: RevocationCreate, actor: Inspector, ctx: ServiceContext
) -> RevocationPublic:
    return await revocations.propose_historic(ctx, actor, title_id, body.reason, body.evidence, body.files)


@router.get(
    "/historic-titles/{title_id}/revocation",
    response_model=RevocationPublic,
    summary="The historic title's latest revocation proposal",
    responses=documented(401, 403, 404, 503),
)
async def historic_proposal(title_id: HistoricId, actor: Reader, ctx: ServiceContext) -> RevocationPublic:
    return await revocations.of_subject(ctx, actor, SubjectKind.historic, title_id)


@router.post(
    "/historic-titles/{title_id}/revocation/co-signatures",
    response_model=RevocationPublic,
    summary="Sign or decline the revocation of a historic title (会签)",
    responses=ON_SIGNATURE,
)
async def co_sign_historic(
    title_id: HistoricId, body: RevocationSignCreate, actor: DepartmentUser, ctx: ServiceContext
) -> RevocationPublic:
    signed = body.decision == "sign"
    return await revocations.co_sign(ctx, actor, SubjectKind.historic, title_id, signed, body.reason)


@router.get(
    "/historic-titles/{title_id}/revocation/document.pdf",
    response_class=Response,
    summary="The 撤销决定 of a historic title as issued (ETag: its SHA-256)",
    responses={**PDF_RESPONSES, **documented(401, 403, 404, 503)},
)
async def historic_document(title_id: HistoricId, actor: Reader, ctx: ServiceContext) -> Response:
    return _pdf(await revocations.document(ctx, actor, SubjectKind.historic, title_id))


# ---- the public word -------------------------------------------------------------------------------------
@router.get("/public/revocations", response_model=PublicRevocations, summary="撤销公告: every title revoked")
async def public_list(ctx: ServiceContext) -> PublicRevocations:
    items = await revocations.public_list(ctx)
    return PublicRevocations(items=items, total=len(items))


@router.get(
    "/public/revocations/{proposal_id}/document.pdf",
    response_class=Response,
    summary="A 撤销决定 (public: 主动公开)",
    responses={**PDF_RESPONSES, **documented(404)},
)
async def public_document(proposal_id: ProposalId, ctx: ServiceContext) -> Response:
    return _pdf(await revocations.public_document(ctx, proposal_id))
