"""The acts on one application. Each is a workflow update (revocation: a signal), answered with the state
after the act and what the caller may do next; every refusal leaves the application as it was."""

from typing import Annotated

from fastapi import APIRouter, Path

from api.access import acts_for, fetch_view, handle_for, not_allowed, perform, require_authority, settle
from api.deps import CityReviewer, CountyBureau, DepartmentUser, Inspector, LevelOwner, TemporalClient
from api.errors import ON_ACT, documented
from api.routes.applications import ApplicationId, today
from api.schemas import (
    OBJECTION_ID_PATTERN,
    ActOutcome,
    AwardCreate,
    CoSignatureCreate,
    FindingCreate,
    NoticeCreate,
    RevocationAccepted,
    RevocationCreate,
    ReviewCreate,
    WithdrawalCreate,
)
from state.domain import Act, Actor, Stage
from temporalio.client import Client
from workflows.application import ApplicationWorkflow
from workflows.messages import (
    AwardAct,
    CoSignAct,
    FindingAct,
    PublicizeAct,
    ReviewAct,
    RevokeAct,
    WithdrawAct,
)

router = APIRouter(prefix="/applications/{application_id}", tags=["acts"])
ObjectionId = Annotated[str, Path(pattern=OBJECTION_ID_PATTERN)]
ACT_RESPONSES = documented(*ON_ACT)


async def _act(client: Client, application_id: str, actor: Actor, act: Act, call) -> ActOutcome:
    view, result = await perform(client, application_id, actor, act, call)
    return ActOutcome(
        id=application_id, state=result.state, allowed_acts=acts_for(actor, result.allowed_acts, view.level, view.county)
    )


@router.post("/county-review", response_model=ActOutcome, summary="County review (县级审核)", responses=ACT_RESPONSES)
async def county_review(application_id: ApplicationId, body: ReviewCreate, actor: CountyBureau, client: TemporalClient):
    passed = body.decision == "pass"
    act = Act.county_review_pass if passed else Act.county_review_fail
    review = ReviewAct(actor=actor, passed=passed, opinion=body.opinion)
    return await _act(client, application_id, actor, act, lambda h: h.execute_update(ApplicationWorkflow.county_review, review))


@router.post("/city-review", response_model=ActOutcome, summary="City review (市级评审)", responses=ACT_RESPONSES)
async def city_review(application_id: ApplicationId, body: ReviewCreate, actor: CityReviewer, client: TemporalClient):
    passed = body.decision == "pass"
    act = Act.city_review_pass if passed else Act.city_review_fail
    review = ReviewAct(actor=actor, passed=passed, opinion=body.opinion)
    return await _act(client, application_id, actor, act, lambda h: h.execute_update(ApplicationWorkflow.city_review, review))


@router.post("/notice", response_model=ActOutcome, summary="Start the public notice (公示)", responses=ACT_RESPONSES)
async def start_notice(application_id: ApplicationId, body: NoticeCreate, actor: LevelOwner, client: TemporalClient):
    publicize = PublicizeAct(actor=actor, published_on=body.published_on or today())
    return await _act(
        client, application_id, actor, Act.publicize, lambda h: h.execute_update(ApplicationWorkflow.publicize, publicize)
    )


@router.post(
    "/objections/{objection_id}/finding",
    response_model=ActOutcome,
    summary="Record the finding on an objection (异议调查结论)",
    responses=ACT_RESPONSES,
)
async def record_finding(
    application_id: ApplicationId, objection_id: ObjectionId, body: FindingCreate, actor: LevelOwner, client: TemporalClient
):
    act = Act.uphold_objection if body.upheld else Act.dismiss_objection
    finding = FindingAct(actor=actor, objection_id=objection_id, upheld=body.upheld, finding=body.finding)
    return await _act(client, application_id, actor, act, lambda h: h.execute_update(ApplicationWorkflow.record_finding, finding))


@router.post(
    "/co-signatures",
    response_model=ActOutcome,
    summary="Co-sign the announcement for the caller's department (会签)",
    responses=ACT_RESPONSES,
)
async def co_sign(application_id: ApplicationId, body: CoSignatureCreate, actor: DepartmentUser, client: TemporalClient):
    signature = CoSignAct(actor=actor, document_no=body.document_no)
    return await _act(client, application_id, actor, Act.co_sign, lambda h: h.execute_update(ApplicationWorkflow.co_sign, signature))


@router.post("/award", response_model=ActOutcome, summary="Award the plaque (授牌)", responses=ACT_RESPONSES)
async def award(application_id: ApplicationId, body: AwardCreate, actor: LevelOwner, client: TemporalClient):
    plaque = AwardAct(actor=actor, plaque_no=body.plaque_no, awarded_on=body.awarded_on)
    return await _act(client, application_id, actor, Act.award, lambda h: h.execute_update(ApplicationWorkflow.award, plaque))


@router.post("/withdrawal", response_model=ActOutcome, summary="Withdraw the declaration (撤回)", responses=ACT_RESPONSES)
async def withdraw(application_id: ApplicationId, body: WithdrawalCreate, actor: CountyBureau, client: TemporalClient):
    withdrawal = WithdrawAct(actor=actor, reason=body.reason)
    return await _act(client, application_id, actor, Act.withdraw, lambda h: h.execute_update(ApplicationWorkflow.withdraw, withdrawal))


@router.post(
    "/revocation",
    status_code=202,
    response_model=RevocationAccepted,
    summary="Revoke the title (撤销)",
    responses=ACT_RESPONSES,
)
async def revoke(application_id: ApplicationId, body: RevocationCreate, actor: Inspector, client: TemporalClient):
    """The workflow takes revocation as a signal, which cannot refuse; so it is checked here first, and the
    answer (202) carries the state seen shortly after the signal."""
    view = await fetch_view(client, application_id, actor)
    require_authority(Act.revoke, actor, view)
    if Act.revoke not in view.allowed_acts:
        raise not_allowed(view, actor, Act.revoke)
    await handle_for(client, application_id).signal(
        ApplicationWorkflow.revoke, RevokeAct(actor=actor, reason=body.reason, evidence=body.evidence)
    )
    after = await settle(lambda: fetch_view(client, application_id, actor), lambda s: s == Stage.revoked)
    return RevocationAccepted(id=application_id, state=after.state)
