"""Batches (批次公布, services/announcements.py): the applications one joint 公布文件 announces, formed by the
level's owner, co-signed once by each of the level's three departments; the third signature announces them all and
keeps the document, served as stored."""

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response
from pydantic import BaseModel, Field, StringConstraints

from api.deps import DepartmentUser, LevelOwner, Reader, ServiceContext
from api.errors import documented
from contracts.announcement import AnnouncementView
from schemas.fields import FORBID, ID_PATTERN
from services import announcements
from services.pdf import PDF
from state.domain import Department, Level, Stage

router = APIRouter(tags=["announcements"])
AnnouncementId = Annotated[str, Path(pattern=ID_PATTERN, description="the batch's id")]


class AnnouncementCreate(BaseModel):
    model_config = FORBID
    applications: list[Annotated[str, StringConstraints(pattern=ID_PATTERN)]] = Field(
        min_length=1,
        max_length=100,
        description="the applications' ids: all of one level and county, each publicized with its "
        "notice closed and in no other batch",
    )


class AnnouncedApplication(BaseModel):
    id: str
    institution_name: str
    county: str
    state: Stage
    left: bool = Field(description="rejected or withdrawn meanwhile: not announced by this batch")


class BatchSignatureOut(BaseModel):
    department: Department
    name: str
    signed_at: datetime


class AnnouncementOut(BaseModel):
    id: str
    level: Level
    county: str | None
    state: str = Field(description="formed (awaiting signatures) or announced")
    document_no: str | None = Field(description="the 文号, drawn from the register when the batch was formed")
    applications: list[AnnouncedApplication]
    signatures: list[BatchSignatureOut]
    sha256: str | None = Field(description="the stored 公布文件's SHA-256, once the third department signed")
    signed_on: date | None = Field(description="成文日期: the day of the third signature (Asia/Shanghai)")


def answer(v: AnnouncementView) -> AnnouncementOut:
    return AnnouncementOut(
        id=v.announcement_id,
        level=v.level,
        county=v.county,
        state=v.state,
        document_no=v.document_no,
        applications=[
            AnnouncedApplication(
                id=m.application_id, institution_name=m.institution_name, county=m.county, state=m.state, left=m.left
            )
            for m in v.members
        ],
        signatures=[
            BatchSignatureOut(department=s.department, name=s.actor.name, signed_at=s.signed_at) for s in v.signatures
        ],
        sha256=v.sha256,
        signed_on=v.signed_on,
    )


@router.post(
    "/announcements",
    status_code=201,
    response_model=AnnouncementOut,
    summary="Form a batch announced by one joint document (批次公布)",
    responses=documented(
        401,
        403,
        404,
        409,
        503,
        rules={
            403: ("announcement_by_owner",),
            409: ("announcement_notice_not_closed", "announcement_already_batched"),
            422: ("announcement_mixed", "announcement_mixed_programs"),
        },
    ),
)
async def form(body: AnnouncementCreate, actor: LevelOwner, ctx: ServiceContext) -> AnnouncementOut:
    return answer(await announcements.form(ctx, actor, body.applications))


@router.get(
    "/announcements/{announcement_id}",
    response_model=AnnouncementOut,
    summary="A batch: its applications, signatures, document number and document",
    responses=documented(401, 403, 404, 503, rules={404: ("announcement_not_found",)}),
)
async def get(announcement_id: AnnouncementId, actor: Reader, ctx: ServiceContext) -> AnnouncementOut:
    return answer(await announcements.view(ctx, actor, announcement_id))


@router.post(
    "/announcements/{announcement_id}/co-signatures",
    response_model=AnnouncementOut,
    summary="Co-sign the batch for the caller's department (会签, once per department)",
    responses=documented(
        401,
        403,
        404,
        409,
        503,
        rules={
            403: ("co_sign_level", "co_sign_needs_department", "announcement_not_a_signer"),
            409: ("announcement_already_signed", "announcement_done", "announcement_members_not_closed"),
        },
    ),
)
async def co_sign(announcement_id: AnnouncementId, actor: DepartmentUser, ctx: ServiceContext) -> AnnouncementOut:
    return answer(await announcements.co_sign(ctx, actor, announcement_id))


@router.get(
    "/announcements/{announcement_id}/document.pdf",
    summary="The batch's 公布文件 as stored at its third signature (ETag: its SHA-256)",
    response_class=Response,
    responses={
        200: {"content": {PDF: {}}, "description": "the document (PDF)"},
        **documented(401, 403, 404, 503, rules={404: ("announcement_no_document",)}),
    },
)
async def document(announcement_id: AnnouncementId, actor: Reader, ctx: ServiceContext) -> Response:
    pdf = await announcements.document(ctx, actor, announcement_id)
    return Response(pdf.content, media_type=PDF, headers=pdf.headers)


class AnnouncementRow(BaseModel):
    id: str
    level: Level
    county: str | None
    state: str
    document_no: str | None
    signed_on: date | None
    signed_departments: list[Department]


@router.get(
    "/announcements",
    response_model=list[AnnouncementRow],
    summary="The batches the caller may see, newest first",
    responses=documented(401, 403, 503),
)
async def listing(actor: Reader, ctx: ServiceContext) -> list[AnnouncementRow]:
    return [
        AnnouncementRow(
            id=r.id,
            level=Level(r.level),
            county=r.county,
            state=r.state,
            document_no=r.document_no,
            signed_on=r.signed_on,
            signed_departments=[Department(d) for d in r.signed_departments.split(",") if d],
        )
        for r in await announcements.batches(ctx, actor)
    ]
