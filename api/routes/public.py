"""What anyone may do without an account: see what is under notice now, and object (异议) to it."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from temporalio.service import RPCError

from api import present
from api.access import PUBLIC, acts_for
from api.deps import ApplicationId, SessionDep, SettingsDep, TemporalClient
from api.errors import documented
from api.ratelimit import limit_objections
from api.submission import OBJECTION_EVIDENCE, evidence_files, public_uploader
from clients.application import handle_for
from contracts.application import ObjectionAct, ViewRequest
from db.queries.applications import under_notice
from schemas.models import NoticeBoard, ObjectionCreate, ObjectionLodged
from services.refusals import Refusal, from_temporal
from state.domain import Act, Stage
from state.objector import network_of
from workflows.application import ApplicationWorkflow

router = APIRouter(prefix="/public", tags=["public"])
MAX_NOTICES = 1000


@router.get("/notices", response_model=NoticeBoard, summary="Everything under public notice now (公示名单)")
def notices(session: SessionDep) -> NoticeBoard:
    rows = under_notice(session, datetime.now(UTC), MAX_NOTICES)
    return NoticeBoard(items=[present.listing(r) for r in rows], total=len(rows))


def objector_network(request: Request) -> str:
    """The network the objection comes from (the address as uvicorn gives it: rewritten from X-Forwarded-For only
    for a trusted proxy), for the per-network cap on pending objections."""
    return network_of(request.client.host if request.client else "unknown")


def _not_under_notice(application_id: str) -> Refusal:
    return Refusal(404, f"no application {application_id!r} is under public notice")


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
    client: TemporalClient,
    settings: SettingsDep,
    network: Annotated[str, Depends(objector_network)],
) -> ObjectionLodged:
    handle = handle_for(client, application_id)
    try:
        view = await handle.query(ApplicationWorkflow.view, ViewRequest())
    except RPCError as e:
        refusal = from_temporal(e, f"application {application_id!r}")
        raise (_not_under_notice(application_id) if refusal.status == 404 else refusal) from None
    if view.state != Stage.publicized:  # only what is (or was just) on the notice board is public
        raise _not_under_notice(application_id)
    evidence = await evidence_files(
        settings,
        body.evidence,
        public_uploader(application_id).user_id,
        OBJECTION_EVIDENCE,
        application_id,
        settings.materials.objection_evidence_max_files,
    )
    try:
        result = await handle.execute_update(
            ApplicationWorkflow.lodge_objection,
            ObjectionAct(
                name=body.name, contact=body.contact, content=body.content, evidence=evidence, network=network
            ),
        )
    except Exception as e:
        refusal = from_temporal(e, f"application {application_id!r}")
        if refusal.status == 404:
            raise _not_under_notice(application_id) from None
        if refusal.status == 409:
            allowed = [Act(a) for a in refusal.extra.get("allowed_acts", [])]
            refusal.extra["allowed_acts"] = [a.value for a in acts_for(PUBLIC, allowed, view.level, view.county)]
        raise refusal from None
    assert result.objection_id is not None
    return ObjectionLodged(id=result.objection_id)
