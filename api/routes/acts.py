"""The acts on one application. Each is a workflow update, answered with the state
after the act and what the caller may do next; every refusal leaves the application as it was."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from temporalio.client import Client, WorkflowHandle

from api.access import UpdateCall, acts_for, perform, settle
from api.deps import (
    ApplicationId,
    CityReviewer,
    CountyBureau,
    DepartmentUser,
    Inspector,
    LevelOwner,
    SettingsDep,
    TemporalClient,
)
from api.errors import ON_ACT, documented
from api.submission import REVOCATION_EVIDENCE, evidence_files
from contracts.application import (
    ActResult,
    ApplicationOutcome,
    AwardAct,
    CoSignAct,
    FindingAct,
    PublicizeAct,
    ReviewAct,
    RevokeAct,
    WithdrawAct,
)
from schemas.fields import OBJECTION_ID_PATTERN
from schemas.models import (
    ActOutcome,
    AwardCreate,
    CoSignatureCreate,
    FindingCreate,
    NoticeCreate,
    ReviewCreate,
    RevocationAccepted,
    RevocationCreate,
    WithdrawalCreate,
)
from state.domain import Act, Actor
from workflows.application import ApplicationWorkflow

router = APIRouter(prefix="/applications/{application_id}", tags=["acts"])
ObjectionId = Annotated[str, Path(pattern=OBJECTION_ID_PATTERN)]
ACT_RESPONSES = documented(*ON_ACT)


@dataclass
class Workflows:
    client: Client
    database_url: str

    async def act(self, application_id: str, actor: Actor, act: Act, call: UpdateCall) -> ActOutcome:
        place, result = await perform(self.client, self.database_url, application_id, actor, act, call)
        allowed = acts_for(actor, result.allowed_acts, place.level, place.county)
        return ActOutcome(id=application_id, state=result.state, allowed_acts=allowed)


async def _workflows(client: TemporalClient, settings: SettingsDep) -> Workflows:
    return Workflows(client, settings.database_url)


WorkflowsDep = Annotated[Workflows, Depends(_workflows)]


def _review(body: ReviewCreate, actor: Actor, passed: Act, failed: Act) -> tuple[Act, ReviewAct]:
    ok = body.decision == "pass"
    return (passed if ok else failed), ReviewAct(actor=actor, passed=ok, opinion=body.opinion)


@router.post("/county-review", response_model=ActOutcome, summary="County review (县级审核)", responses=ACT_RESPONSES)
async def county_review(
    application_id: ApplicationId, body: ReviewCreate, actor: CountyBureau, on: WorkflowsDep
) -> ActOutcome:
    act, review = _review(body, actor, Act.county_review_pass, Act.county_review_fail)
    return await on.act(
        application_id, actor, act, lambda h: h.execute_update(ApplicationWorkflow.county_review, review)
    )


@router.post(
    "/city-review",
    response_model=ActOutcome,
    summary="City review (市级评审)",
    responses=documented(*ON_ACT, rules={403: ("separation_of_duties",)}),
)
async def city_review(
    application_id: ApplicationId, body: ReviewCreate, actor: CityReviewer, on: WorkflowsDep
) -> ActOutcome:
    act, review = _review(body, actor, Act.city_review_pass, Act.city_review_fail)
    return await on.act(application_id, actor, act, lambda h: h.execute_update(ApplicationWorkflow.city_review, review))


@router.post(
    "/notice",
    response_model=ActOutcome,
    summary="Start the public notice (公示)",
    responses=documented(
        *ON_ACT,
        rules={
            409: ("no_quota_for_notice", "no_period_for_notice", "quota_full"),
            422: (
                "notice_not_in_future",
                "notice_not_before_review",
                "late_notice_needs_source_url",
                "source_url_http",
            ),
        },
    ),
)
async def start_notice(
    application_id: ApplicationId, body: NoticeCreate, actor: LevelOwner, on: WorkflowsDep
) -> ActOutcome:
    publicize = PublicizeAct(actor=actor, published_on=body.published_on, source_url=body.source_url)
    return await on.act(
        application_id, actor, Act.publicize, lambda h: h.execute_update(ApplicationWorkflow.publicize, publicize)
    )


@router.post(
    "/objections/{objection_id}/finding",
    response_model=ActOutcome,
    summary="Record the finding on an objection (异议调查结论)",
    responses=ACT_RESPONSES,
)
async def record_finding(
    application_id: ApplicationId, objection_id: ObjectionId, body: FindingCreate, actor: LevelOwner, on: WorkflowsDep
) -> ActOutcome:
    act = Act.uphold_objection if body.upheld else Act.dismiss_objection
    finding = FindingAct(actor=actor, objection_id=objection_id, upheld=body.upheld, finding=body.finding)
    return await on.act(
        application_id, actor, act, lambda h: h.execute_update(ApplicationWorkflow.record_finding, finding)
    )


@router.post(
    "/co-signatures",
    response_model=ActOutcome,
    summary="Co-sign the announcement for the caller's department (会签)",
    responses=documented(*ON_ACT, rules={403: ("separation_of_duties",)}),
)
async def co_sign(
    application_id: ApplicationId, body: CoSignatureCreate, actor: DepartmentUser, on: WorkflowsDep
) -> ActOutcome:
    signature = CoSignAct(actor=actor, document_no=body.document_no)
    return await on.act(
        application_id, actor, Act.co_sign, lambda h: h.execute_update(ApplicationWorkflow.co_sign, signature)
    )


@router.post("/award", response_model=ActOutcome, summary="Award the plaque (授牌)", responses=ACT_RESPONSES)
async def award(application_id: ApplicationId, body: AwardCreate, actor: LevelOwner, on: WorkflowsDep) -> ActOutcome:
    plaque = AwardAct(actor=actor, plaque_no=body.plaque_no, awarded_on=body.awarded_on)
    return await on.act(application_id, actor, Act.award, lambda h: h.execute_update(ApplicationWorkflow.award, plaque))


@router.post(
    "/withdrawal", response_model=ActOutcome, summary="Withdraw the declaration (撤回)", responses=ACT_RESPONSES
)
async def withdraw(
    application_id: ApplicationId, body: WithdrawalCreate, actor: CountyBureau, on: WorkflowsDep
) -> ActOutcome:
    withdrawal = WithdrawAct(actor=actor, reason=body.reason)
    return await on.act(
        application_id, actor, Act.withdraw, lambda h: h.execute_update(ApplicationWorkflow.withdraw, withdrawal)
    )


@router.post(
    "/revocation",
    status_code=202,
    response_model=RevocationAccepted,
    summary="Revoke the title (撤销)",
    responses=ACT_RESPONSES,
)
async def revoke(
    application_id: ApplicationId,
    body: RevocationCreate,
    actor: Inspector,
    client: TemporalClient,
    settings: SettingsDep,
) -> RevocationAccepted:
    """Revocation is an update like every act: of concurrent revocations the first is applied and the others
    answer 409 (already revoked); nothing is dropped unanswered."""
    files = await evidence_files(settings, body.files, actor.user_id, REVOCATION_EVIDENCE, application_id)
    act = RevokeAct(actor=actor, reason=body.reason, evidence=body.evidence, files=files)

    async def call(handle: WorkflowHandle[ApplicationWorkflow, ApplicationOutcome]) -> ActResult:
        return await handle.execute_update(ApplicationWorkflow.revoke_title, act)

    _, result = await perform(client, settings.database_url, application_id, actor, Act.revoke, call)
    state = await settle(client, settings.database_url, application_id, actor, result.state)
    return RevocationAccepted(id=application_id, state=state)
