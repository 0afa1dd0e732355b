"""What anyone may do without an account: see what is under notice now, and object (异议) to it. The use cases are
services/notices.py's."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from api.deps import ApplicationId, CityParameter, ServiceContext
from api.errors import documented
from api.ratelimit import limit_objections
from schemas.models import NoticeBoard, ObjectionCreate, ObjectionLodged
from services import notices as public
from services import present
from state.objector import network_of

router = APIRouter(prefix="/public", tags=["public"])
MAX_NOTICES = public.MAX_NOTICES


@router.get(
    "/notices",
    response_model=NoticeBoard,
    summary="Everything under public notice now (公示名单), in one city",
    responses=documented(404, rules={404: ("city_unknown",)}),
)
def notices(ctx: ServiceContext, city: CityParameter = "") -> NoticeBoard:
    rows = public.notices(ctx, city=public.public_city(city))
    return NoticeBoard(items=[present.listing(r) for r in rows], total=len(rows))


def objector_network(request: Request) -> str:
    """The network the objection comes from (the address as uvicorn gives it: rewritten from X-Forwarded-For only
    for a trusted proxy), for the per-network cap on pending objections."""
    return network_of(request.client.host if request.client else "unknown")


@router.post(
    "/applications/{application_id}/objections",
    status_code=201,
    response_model=ObjectionLodged,
    summary="Object to an application under notice (no account needed)",
    dependencies=[Depends(limit_objections)],
    responses=documented(
        404,
        409,
        429,
        503,
        rules={
            409: ("objections_pending_per_contact", "objections_pending_per_network", "objections_pending_cap"),
            422: (
                "objector_name",
                "objector_contact",
                "objection_content",
                "too_many_evidence_files",
                "evidence_unknown",
                "material_expired",
            ),
            429: ("rate_limited",),
        },
    ),
)
async def lodge_objection(
    application_id: ApplicationId,
    body: ObjectionCreate,
    ctx: ServiceContext,
    network: Annotated[str, Depends(objector_network)],
) -> ObjectionLodged:
    lodged = await public.lodge_objection(
        ctx, application_id, body.name, body.contact, body.content, network, body.evidence
    )
    return ObjectionLodged(id=lodged)
